/*
 * test_hub_cli.c: hubctl and hubd start-up against real files: init is repeatable, bad
 * arguments are refused in words with nothing written, tokens are printed once and only
 * their hashes stored, certificate enrolment uses the DER's SHA-256, legal bases can be
 * named, and a database from a newer hub is refused by both programs.
 */
#include "hubdb.h"
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static struct hubtest T;

/* Runs a shell command; returns its exit status and its stdout+stderr in out. */
static int sh(const char *cmd, char *out, size_t cap)
{
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    char rest[512]; /* read to the end: closing early would kill the writer (SIGPIPE) */
    while (fread(rest, 1, sizeof rest, p) > 0)
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void t_init_repeatable(void)
{
    char v[16] = "", want[16];
    snprintf(want, sizeof want, "%d", hubdb_schema_version());
    CHECK_INT_EQ(ht_ctl(&T, "schema_version", v, sizeof v, "init"), 0);
    CHECK_STR_EQ(v, want);
    CHECK_INT_EQ(ht_ctl(&T, "schema_version", v, sizeof v, "init"), 0);
    /* WAL is a property of the file: it stays on for every later connection (SQLite only:
     * PostgreSQL has no such setting per database). */
    if (!ht_on_postgres(&T))
        CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode ="
                                    " 'wal'"),
                     1);
}

static void t_bad_arguments_refused(void)
{
    char cmd[512], out[16384]; /* room for the whole usage text */
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM residents");
    snprintf(cmd, sizeof cmd, "%s --db '%s' resident-add --name A --district B --deadline 25:00",
             HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "HH:MM") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' device-add --kind home", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "bound to a resident") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' device-add --kind home --resident 999", HUBCTL_PATH,
             T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "no such resident") != NULL);
    CHECK(strstr(out, "token=") == NULL); /* no token for a device that does not exist */
    snprintf(cmd, sizeof cmd, "%s --db '%s' frobnicate", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "unknown command") != NULL);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM residents"), before);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM devices"), 0);
}

static void t_tokens_shown_once_stored_hashed(void)
{
    char id[16] = "", tok[128] = "", sql[256];
    REQUIRE(ht_ctl(&T, "resident_id", id, sizeof id,
                   "resident-add --name A --district B --deadline 09:30") == 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT deadline_min FROM residents WHERE id = 1"), 570);
    REQUIRE(ht_ctl(&T, "token", tok, sizeof tok, "device-add --kind home --resident 1") == 0);
    CHECK(strncmp(tok, "dev_", 4) == 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM devices WHERE token_hash = '%s'", tok);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 0);
    REQUIRE(ht_ctl(&T, "token", tok, sizeof tok, "family-add --name F --resident 1") == 0);
    CHECK(strncmp(tok, "fam_", 4) == 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM consents WHERE recipient_kind = 'family'"
                                " AND data_kind = 'safety' AND revoked_unix IS NULL"),
                 1);
    REQUIRE(ht_ctl(&T, "token", tok, sizeof tok, "staff-add --name S") == 0);
    CHECK(strncmp(tok, "stf_", 4) == 0);
    /* Every enrolment is audited and the chain verifies. */
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE actor = 'hubctl'") >= 4);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "audit-verify"), 0);
}

static void t_certificate_fingerprint(void)
{
    char cmd[1024], out[512], fp[80] = "", crt[192];
    snprintf(crt, sizeof crt, "%s/c.pem", T.dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s/c.key -out %s -days 1 "
             "-subj /CN=T000000000099 >/dev/null 2>&1 && openssl x509 -in %s -outform DER | "
             "openssl dgst -sha256 -r | cut -d' ' -f1",
             T.dir, crt, crt);
    REQUIRE(sh(cmd, out, sizeof out) == 0);
    out[strcspn(out, "\n")] = '\0';
    char args[512];
    snprintf(args, sizeof args, "resident-add --name C --district D --deadline 10:00 --cert %s",
             crt);
    REQUIRE(ht_ctl(&T, "cert_sha256", fp, sizeof fp, args) == 0);
    CHECK_STR_EQ(fp, out);
    /* The same card cannot be enrolled twice. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    snprintf(args, sizeof args,
             "resident-add --name C --district D --deadline 10:00 --cert %s/c.key", T.dir);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
}

static void t_legal_basis(void)
{
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0,
                        "legal-basis-add --name disaster_relief --recipient-kind staff "
                        "--data-kind address --purpose evacuation --description 'Disaster "
                        "Countermeasures Basic Act art. 49-11'"),
                 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM legal_bases WHERE name = 'disaster_relief'"),
                 1);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0,
                        "legal-basis-add --name Bad-Name --recipient-kind staff --data-kind x "
                        "--purpose y --description z"),
                 2);
}

static void t_lists_for_staff(void)
{
    char cmd[512], out[4096];
    snprintf(cmd, sizeof cmd, "%s --db '%s' consents --resident 1", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "family:1\tsafety\twatch_over") != NULL);
    /* Resident 1 (deadline 09:30) has no sign of life: at 12:00 JST both levels are raised. */
    ht_set_clock(&T, 1795359600 + 12 * 3600);
    char n[16] = "";
    CHECK_INT_EQ(ht_ctl(&T, "alerts_raised", n, sizeof n, "escalate"), 0);
    CHECK(strtol(n, NULL, 10) >= 2);
    snprintf(cmd, sizeof cmd, "%s --db '%s' alerts --open", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "\t1\tmissed\tcity\t") != NULL);
    CHECK(strstr(out, "\t1\tmissed\tfamily\t") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' audit --resident 1 --limit 5", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "alert.missed_checkin") != NULL);
}

/* The listings' lines, whole: tab-separated columns under a header, times as the hub clock
 * gave them ("YYYY-MM-DD HH:MM:SSZ" for consents and alerts, RFC 3339 for the logs), "-"
 * for none; a listing with --resident shows only that resident's rows. */
static void t_listing_lines(void)
{
    char cmd[512], out[8192], line[512];
    ht_set_clock(&T, 1795359600 + 12 * 3600); /* 2026-11-23 03:00:00Z */
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "consent-grant --resident 1 --recipient staff:1 --data-kind checkups "
                   "--purpose linkage") == 0);
    long long consent = ht_sql_int(&T, "SELECT MAX(id) FROM consents");
    snprintf(cmd, sizeof cmd, "%s --db '%s' consents --resident 1", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(starts_with(out, "id\tresident\trecipient\tdata\tpurpose\tgranted\tvia\trevoked\n"));
    snprintf(line, sizeof line,
             "\n%lld\t1\tstaff:1\tcheckups\tlinkage\t2026-11-23 03:00:00Z\tpaper form "
             "(hubctl)\t-\n",
             consent);
    CHECK(strstr(out, line) != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' consents --resident 2", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "staff:1\tcheckups") == NULL);

    snprintf(cmd, sizeof cmd, "%s --db '%s' alerts --open", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(starts_with(out, "id\tresident\tkind\tlevel\traised\tack_by\tack_at\n"));
    CHECK(strstr(out, "\t1\tmissed\tcity\t2026-11-23 03:00:00Z\t-\t-\n") != NULL);

    snprintf(cmd, sizeof cmd, "%s --db '%s' audit --resident 1 --limit 1", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "\t2026-11-23T03:00:00Z\thubctl\tconsent.grant\tok\t1\tcheckups\t"
                      "administration\tlegal:municipal_enrolment\thubctl\thub\t") != NULL);
    CHECK(strchr(strchr(out, '\n') + 1, '\n') == out + strlen(out) - 1); /* one record */

    snprintf(cmd, sizeof cmd, "%s --db '%s' legal-bases", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "\ndisaster_relief\tstaff\taddress\tevacuation\tDisaster "
                      "Countermeasures Basic Act art. 49-11\n") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' checkins --resident 1", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 0);
    CHECK_STR_EQ(out, "id\tresident\tdevice\tanswer\tat\n");
}

static void t_newer_schema_refused(void)
{
    char cmd[512], out[2048];
    /* The schema version lives in PRAGMA user_version, or on PostgreSQL in its table. */
    int pg = ht_on_postgres(&T);
    REQUIRE(ht_sql_exec(&T, pg ? "UPDATE hub_schema_version SET version = 99"
                               : "PRAGMA user_version = 99") == 0);
    snprintf(cmd, sizeof cmd, "%s --db '%s' --port 0", HUBD_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "newer hub") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' checkins", HUBCTL_PATH, T.db);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "newer hub") != NULL);
    REQUIRE(ht_sql_exec(&T, pg ? "UPDATE hub_schema_version SET version = 4"
                               : "PRAGMA user_version = 4") == 0);
}

static void t_missing_database(void)
{
    char cmd[512], out[2048];
    snprintf(cmd, sizeof cmd, "%s --db %s/none.db checkins", HUBCTL_PATH, T.dir);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "init") != NULL);
    snprintf(cmd, sizeof cmd, "%s --port 0", HUBD_PATH);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "--db FILE is required") != NULL);
}

int main(void)
{
    if (ht_init(&T, 1795392720) != 0)
        return 1;
    TEST_RUN(t_init_repeatable);
    TEST_RUN(t_bad_arguments_refused);
    TEST_RUN(t_tokens_shown_once_stored_hashed);
    TEST_RUN(t_certificate_fingerprint);
    TEST_RUN(t_legal_basis);
    TEST_RUN(t_lists_for_staff);
    TEST_RUN(t_listing_lines);
    TEST_RUN(t_newer_schema_refused);
    TEST_RUN(t_missing_database);
    ht_cleanup(&T);
    return test_summary();
}
