/*
 * hubctl_stats.c: hubctl's statistics commands (see hubctl_stats.h). A table is computed
 * from the data as of the start of today (Japan time) outside any transaction (the cutoff
 * makes its reads agree with each other), then the request is audited and committed, and
 * only then printed: nothing leaves without its record.
 */
#include "hubctl_stats.h"
#include "audit.h"
#include "db.h"
#include "hubclock.h"
#include "hubctl_towns.h"
#include "residents.h"
#include "stattab.h"
#include "statsoptout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

struct opts {
    int argc;
    char **argv;
    const struct scope *town; /* hubctl's --municipality */
};

static const char *get(const struct opts *o, const char *name)
{
    for (int i = 0; i + 1 < o->argc; i++)
        if (strcmp(o->argv[i], name) == 0)
            return o->argv[i + 1];
    return NULL;
}

static int has_flag(const struct opts *o, const char *name)
{
    for (int i = 0; i < o->argc; i++)
        if (strcmp(o->argv[i], name) == 0)
            return 1;
    return 0;
}

static int number(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    if (!s)
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int request_id(char rid[33])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return -1;
    for (int i = 0; i < 16; i++)
        snprintf(rid + 2 * i, 3, "%02x", b[i]);
    return 0;
}

static int begin(struct db *db)
{
    if (db_begin(db) == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
    return -1;
}

/* The end of a transaction begun by begin(): when ok (what it did succeeded) appends rec
 * with a new request id and commits; else, or when that fails, says what failed (what)
 * and rolls back. 0 or exit status 1. */
static int finish(struct db *db, int ok, struct audit_rec rec, const char *what)
{
    char rid[33];
    rec.request_id = rid;
    rec.town = hubctl_audit_town(); /* the town's log: these records name no resident */
    if (ok && request_id(rid) == 0 && audit_append_db(db, &rec, NULL) == DB_OK &&
        db_commit(db) == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: %s: %s\n", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

/* The audit record of a change hubctl makes to one resident. */
static struct audit_rec change_rec(const char *action, long long subject, const char *kinds,
                                   const char *basis)
{
    return (struct audit_rec){.at = hubclock_now(),
                              .actor = "hubctl",
                              .action = action,
                              .outcome = "ok",
                              .subject = subject,
                              .data_kinds = kinds,
                              .purpose = "administration",
                              .basis = basis,
                              .source = "hubctl",
                              .destination = "hub"};
}

static int cmd_stats(struct db *db, const struct opts *o)
{
    const char *name = o->argc > 0 && o->argv[0][0] != '-' ? o->argv[0] : NULL;
    int kind = stattab_kind_of(name);
    long long fy = 0;
    if (kind < 0 || number(get(o, "--fy"), 2000, 2100, &fy) != 0) {
        fprintf(stderr, "hubctl: stats needs a table (checkup-participation, checkup-items, "
                        "watch, orders) and --fy YEAR (the fiscal year starting in April)\n");
        return 2;
    }
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    struct stattab_set *s = NULL;
    char err[512];
    int64_t now = (int64_t)hubclock_now();
    if (stattab_compute(db, (enum stattab_kind)kind, o->town, (int)fy, stattab_cutoff(now), &rule,
                        &s, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: stats: %s\n", err);
        return 1;
    }
    int rc = begin(db) != 0
                 ? 1
                 : finish(db, 1,
                          stattab_audit_rec((enum stattab_kind)kind, "hubctl", "hubctl", NULL, now),
                          "cannot write the audit record");
    if (rc == 0) {
        char *text = NULL;
        if (has_flag(o, "--json"))
            text = stattab_json(s);
        else if (has_flag(o, "--svg"))
            text = stattab_svg(s);
        if (text) {
            fputs(text, stdout);
            if (has_flag(o, "--json"))
                fputc('\n', stdout);
        } else if (has_flag(o, "--json") || has_flag(o, "--svg")) {
            fprintf(stderr, "hubctl: stats: out of memory\n");
            rc = 1;
        } else {
            rc = stattab_csv(s, stdout) == 0 ? 0 : 1;
        }
        free(text);
    }
    stattab_free(s);
    return rc;
}

/* Paper forms at most one run takes (each id on the command line). */
#define OPTOUT_BATCH_MAX 1000

/* One resident's paper form: the refusal or its withdrawal in its own transaction, with
 * its own audit record. 0 or exit status 1. */
static int optout_one(struct db *db, const struct opts *o, long long id, int refuse)
{
    int changed = 0;
    if (begin(db) != 0)
        return 1;
    int ok = statsoptout_set(db, o->town, id, refuse, (int64_t)hubclock_now(), "hubctl",
                             &changed) == DB_OK;
    if (finish(db, ok,
               change_rec(refuse ? "stats.optout" : "stats.optin", id, "stats_optout",
                          "self:paper_form"),
               "stats-optout: no such resident, or") != 0)
        return 1;
    printf("resident_id=%lld\nstats_optout=%s\nchanged=%s\n", id, refuse ? "yes" : "no",
           changed ? "yes" : "no");
    return 0;
}

/* --resident once per paper form (a day's forms in one run): every id is read before
 * anything changes; then each form as a run of its own would do it, in order, stopping at
 * the first that fails (those before it are done and printed). */
static int cmd_stats_optout(struct db *db, const struct opts *o)
{
    long long ids[OPTOUT_BATCH_MAX];
    int n = 0, bad = 0;
    for (int i = 0; i < o->argc && !bad; i++) {
        if (strcmp(o->argv[i], "--resident") != 0)
            continue;
        bad = n == OPTOUT_BATCH_MAX || i + 1 >= o->argc ||
              number(o->argv[i + 1], 1, 1LL << 40, &ids[n]) != 0;
        n++;
        i++;
    }
    if (bad || n == 0) {
        fprintf(stderr,
                "hubctl: stats-optout needs --resident ID (once per form, at most %d)"
                " [--withdraw]\n",
                OPTOUT_BATCH_MAX);
        return 2;
    }
    int refuse = !has_flag(o, "--withdraw");
    for (int i = 0; i < n; i++)
        if (optout_one(db, o, ids[i], refuse) != 0)
            return 1;
    return 0;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
           y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int cmd_resident_person(struct db *db, const struct opts *o)
{
    long long id;
    const char *birth = get(o, "--birth"), *sex = get(o, "--sex");
    if (number(get(o, "--resident"), 1, 1LL << 40, &id) != 0 || !valid_date(birth) || !sex ||
        (strcmp(sex, "male") != 0 && strcmp(sex, "female") != 0)) {
        fprintf(stderr, "hubctl: resident-person needs --resident ID --birth YYYY-MM-DD "
                        "--sex male|female\n");
        return 2;
    }
    int changed = 0;
    if (begin(db) != 0)
        return 1;
    int ok = residents_set_person(db, o->town, id, birth, sex, &changed) == DB_OK && changed;
    if (finish(db, ok, change_rec("resident.profile", id, "profile", "legal:municipal_enrolment"),
               "resident-person: no such resident, or") != 0)
        return 1;
    printf("resident_id=%lld\nbirth_date=%s\nsex=%s\n", id, birth, sex);
    return 0;
}

int hubctl_stats(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv)
{
    struct opts o = {argc, argv, town};
    if (strcmp(cmd, "stats") == 0)
        return cmd_stats(db, &o);
    if (strcmp(cmd, "stats-optout") == 0)
        return cmd_stats_optout(db, &o);
    if (strcmp(cmd, "resident-person") == 0)
        return cmd_resident_person(db, &o);
    return -1;
}

void hubctl_stats_usage(FILE *f)
{
    fprintf(f,
            "  stats TABLE --fy YEAR [--csv | --json | --svg]\n"
            "                               a statistical table of the municipality (TABLE:\n"
            "                               checkup-participation, checkup-items, watch,\n"
            "                               orders; YEAR: the fiscal year from April), with\n"
            "                               every count under 10 suppressed (X); CSV by\n"
            "                               default, --svg its chart; audited\n"
            "  stats-optout --resident ID [--resident ID ...] [--withdraw]\n"
            "                               the resident refuses statistical use (paper form)\n"
            "                               from the next day's tables on, or withdraws that;\n"
            "                               a day's forms in one run (at most 1000), each\n"
            "                               audited, stopping at the first that fails\n"
            "  resident-person --resident ID --birth YYYY-MM-DD --sex male|female\n"
            "                               birth date and sex for the statistics' age and sex\n");
}
