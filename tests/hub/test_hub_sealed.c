/*
 * test_hub_sealed.c: the secrets the database keeps are sealed under the secrets key file
 * (docs/hub.md "Files and secrets"), against the real hubd, hubctl and webhook receiver
 * (tools/opreceiver, which checks every signature) on 127.0.0.1, on both backends:
 *   - at rest: the operators' and the alert webhooks' secrets and the pseudonym keys are
 *     sealed values; the database (the SQLite file with its WAL, or pg_dump's output) holds
 *     none of their bytes, raw, hex or base64;
 *   - one operator in two towns has two unrelated pseudonym keys, each giving the
 *     pseudonyms its town's residents' orders carry;
 *   - hubctl secrets-rotate while hubd runs: a new key id in every value, the old key gone
 *     from the file; pseudonyms and verified webhook signatures the same before, after and
 *     after a restart;
 *   - a missing or a wrong key file stops hubd and hubctl in words, and no new key file is
 *     made in place of the missing one;
 *   - a sealed value copied onto another row is refused: no order with the other town's
 *     key, no push signed with another operator's secret;
 *   - values in the clear (as an older hub wrote them) are sealed at the next start with the
 *     same pseudonyms; and (SQLite) a database made by the hub of commit 22749a5
 *     (upgrade/make-v18-db.sh) is migrated and sealed: one old key becomes the operator's
 *     key in both its towns, and its pseudonyms stay what they were.
 */
#include "b64.h"
#include "db.h"
#include "hubtest.h"
#include "hubtoken.h"
#include "opseudo.h"
#include "secretbox.h"
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECRET   "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SECRET2  "whsec_b3RoZXItb3BlcmF0b3Itc2VjcmV0LTAxMjM0NTY3"
#define NSECRET  "whsec_c2VhbGVkLW5vdGlmeS1zZWNyZXQtMDEyMzQ1Njc="
#define TOWN2    "142034"
#define PLACE_K1 "ord_pseudo_keys.key:1:operator:1"
#define PLACE_K2 "ord_pseudo_keys.key:2:operator:1"

static struct hubtest T;
static char home1[160], home2[160], log_a[160], keyfile[160];
static pid_t recv_a;
static unsigned port_a;
static unsigned char k1[32], k2[32]; /* operator 1's pseudonym keys in towns 1 and 2 */
static char p1[OPSEUDO_LEN + 1], p2[OPSEUDO_LEN + 1];

static const char ORDER[] =
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],\"slot\":\"2099-11-24T15:00/17:00\","
    "\"payment_method\":\"cash_on_delivery\"}";

/* Runs cmd with sh, stdout and stderr into out; returns its exit status. */
static int sh(const char *cmd, char *out, size_t cap)
{
    char full[2048], rest[512];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    while (fread(rest, 1, sizeof rest, p) > 0)
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One text value of sql (one int64 parameter) on the test's database, or "". */
static void sql_text(const char *sql, int64_t arg, char *out, size_t cap)
{
    struct db *db = NULL;
    char err[256];
    out[0] = '\0';
    if (db_open(T.db, 0, &db, err, sizeof err) == DB_OK &&
        db_get_text(db, sql, arg, out, cap) != DB_ROW)
        out[0] = '\0';
    db_close(db);
}

/* Opens the sealed value at place read by sql with the test's key file. 0, or -1. */
static int open_sealed(const char *sql, const char *place, unsigned char *out, size_t cap,
                       size_t *len)
{
    char v[SECRETBOX_SEALED_MAX], err[256];
    sql_text(sql, 0, v, sizeof v);
    struct secretbox *b = secretbox_load(keyfile, err, sizeof err);
    int rc = b && secretbox_open(b, place, v, out, cap, len) == SECRETBOX_OK ? 0 : -1;
    secretbox_free(b);
    return rc;
}

static int read_keys(void)
{
    size_t l1 = 0, l2 = 0;
    return open_sealed("SELECT key FROM ord_pseudo_keys WHERE municipality_id = 1 AND recipient = "
                       "'operator:1'",
                       PLACE_K1, k1, sizeof k1, &l1) == 0 &&
                   open_sealed("SELECT key FROM ord_pseudo_keys WHERE municipality_id = 2 AND "
                               "recipient = 'operator:1'",
                               PLACE_K2, k2, sizeof k2, &l2) == 0 &&
                   l1 == 32 && l2 == 32
               ? 0
               : -1;
}

/* The pseudonym in the newest order.created delivery of operator 1 for the order of
 * resident, into out. */
static void delivered_pseudonym(long long resident, char *out, size_t cap)
{
    char body[4096];
    sql_text("SELECT d.body FROM ord_deliveries d JOIN ord_orders o ON o.id = d.subject_id"
             " WHERE d.event = 'order.created' AND d.recipient = 'operator:1' AND"
             " o.resident_id = ? ORDER BY d.id DESC LIMIT 1",
             resident, body, sizeof body);
    const char *p = strstr(body, "\"pseudonym\":\"");
    snprintf(out, cap, "%.*s", p ? OPSEUDO_LEN : 0, p ? p + 13 : "");
}

static long verified(void)
{
    return ht_file_lines(log_a, "delivery id=");
}

/* An order of the resident with device token home at operator op: the answer's status. */
static long order(const char *home, int op, const char *idem)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/operators/%d/orders", op);
    return ht_req(&T, "POST", path, home, NULL, idem, ORDER, strlen(ORDER), NULL);
}

/* Orders of both residents at operator 1, both pushed and verified by the receiver; their
 * pseudonyms must be p1 and p2. */
static void orders_keep_pseudonyms(const char *tag)
{
    char idem[64], got[64];
    long before = verified();
    snprintf(idem, sizeof idem, "%s-1", tag);
    CHECK_INT_EQ(order(home1, 1, idem), 201);
    snprintf(idem, sizeof idem, "%s-2", tag);
    CHECK_INT_EQ(order(home2, 1, idem), 201);
    delivered_pseudonym(1, got, sizeof got);
    CHECK_STR_EQ(got, p1);
    delivered_pseudonym(2, got, sizeof got);
    CHECK_STR_EQ(got, p2);
    for (int i = 0; i < 100 && verified() < before + 2; i++)
        usleep(100 * 1000);
    CHECK_INT_EQ(verified(), before + 2); /* signed with the operator's secret */
    CHECK_INT_EQ(ht_file_lines(log_a, "rejected"), 0);
}

/* The whole database as bytes: the SQLite file and its WAL, or pg_dump's output. Owned. */
static char *database_bytes(size_t *len)
{
    char paths[2][320], cmd[900];
    int n = 2;
    if (ht_on_postgres(&T)) {
        snprintf(paths[0], sizeof paths[0], "%s/dump.sql", T.dir);
        snprintf(cmd, sizeof cmd, "pg_dump -d '%s' -f %s", T.db, paths[0]);
        if (system(cmd) != 0)
            return NULL;
        n = 1;
    } else {
        snprintf(paths[0], sizeof paths[0], "%s", T.db);
        snprintf(paths[1], sizeof paths[1], "%s-wal", T.db);
    }
    char *all = NULL;
    *len = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *grown = realloc(all, *len + (size_t)sz + 1);
        if (grown && sz > 0 && fread(grown + *len, 1, (size_t)sz, f) == (size_t)sz)
            *len += (size_t)sz;
        all = grown;
        fclose(f);
    }
    return all;
}

/* 1 when none of bytes[0..n), as raw bytes, lower or upper hex, or base64, is in hay. */
static int absent(const char *hay, size_t hlen, const void *bytes, size_t n, const char *what)
{
    char hex[2 * 128 + 1], b64[4 * 128 / 3 + 8];
    const char *forms[4];
    size_t lens[4];
    hubtoken_hex(bytes, n, hex);
    b64_encode(bytes, n, b64);
    char upper[sizeof hex];
    for (size_t i = 0; i <= 2 * n; i++)
        upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32 : hex[i]);
    forms[0] = bytes, lens[0] = n;
    forms[1] = hex, lens[1] = 2 * n;
    forms[2] = upper, lens[2] = 2 * n;
    forms[3] = b64, lens[3] = strlen(b64) - (b64[strlen(b64) - 1] == '=') * 2; /* unpadded */
    for (int f = 0; f < 4; f++)
        if (memmem(hay, hlen, forms[f], lens[f])) {
            fprintf(stderr, "the database holds %s (form %d)\n", what, f);
            return 0;
        }
    return 1;
}

/* A webhook secret in every spelling: the text, its base64 part, and its decoded key. */
static int secret_absent(const char *hay, size_t hlen, const char *secret)
{
    unsigned char key[96];
    const char *b = secret + strlen("whsec_");
    long n = b64_decode(b, strlen(b), key, sizeof key);
    return absent(hay, hlen, secret, strlen(secret), secret) &&
           memmem(hay, hlen, b, strlen(b) - (b[strlen(b) - 1] == '=')) == NULL && n > 0 &&
           absent(hay, hlen, key, (size_t)n, "a webhook key");
}

static void check_nothing_in_the_clear(void)
{
    size_t len = 0;
    char *all = database_bytes(&len);
    REQUIRE(all && len > 0);
    CHECK(secret_absent(all, len, SECRET));
    CHECK(secret_absent(all, len, SECRET2));
    CHECK(secret_absent(all, len, NSECRET));
    CHECK(absent(all, len, k1, sizeof k1, "the pseudonym key of town 1"));
    CHECK(absent(all, len, k2, sizeof k2, "the pseudonym key of town 2"));
    free(all);
}

static long long sealed_count(void)
{
    return ht_sql_int(&T, "SELECT (SELECT count(*) FROM ord_pseudo_keys WHERE key LIKE 's1:%')"
                          " + (SELECT count(*) FROM ord_webhooks WHERE secret LIKE 's1:%')"
                          " + (SELECT count(*) FROM notify_recipients"
                          " WHERE webhook_secret LIKE 's1:%')");
}

static long long clear_count(void)
{
    return ht_sql_int(&T, "SELECT (SELECT count(*) FROM ord_pseudo_keys WHERE key NOT LIKE"
                          " 's1:%') + (SELECT count(*) FROM ord_webhooks WHERE secret NOT LIKE"
                          " 's1:%') + (SELECT count(*) FROM notify_recipients"
                          " WHERE webhook_secret NOT LIKE 's1:%')");
}

static void t_sealed_at_rest(void)
{
    CHECK_INT_EQ(order(home1, 1, "first-1"), 201);
    CHECK_INT_EQ(order(home2, 1, "first-2"), 201);
    /* two pseudonym keys (one per town) + two operators' + one alert webhook secret */
    CHECK_INT_EQ(sealed_count(), 5);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT count(*) FROM ord_pseudo_keys"), 2);
    REQUIRE(read_keys() == 0);
    CHECK(memcmp(k1, k2, sizeof k1) != 0); /* one operator, two towns, unrelated keys */
    /* each town's residents get the pseudonyms of their town's key */
    char want[OPSEUDO_LEN + 1];
    delivered_pseudonym(1, p1, sizeof p1);
    delivered_pseudonym(2, p2, sizeof p2);
    REQUIRE(opseudo_derive(k1, 1, want) == ORDERS_OK);
    CHECK_STR_EQ(p1, want);
    REQUIRE(opseudo_derive(k2, 2, want) == ORDERS_OK);
    CHECK_STR_EQ(p2, want);
    REQUIRE(opseudo_derive(k2, 1, want) == ORDERS_OK);
    CHECK(strcmp(p1, want) != 0);
    for (int i = 0; i < 100 && verified() < 2; i++)
        usleep(100 * 1000);
    CHECK_INT_EQ(verified(), 2);
    check_nothing_in_the_clear();
}

/* The ids of the keys in the key file, one per line, into out. */
static int key_lines(void)
{
    char line[256];
    int n = 0;
    FILE *f = fopen(keyfile, "r");
    while (f && fgets(line, sizeof line, f))
        n += line[0] != '#';
    if (f)
        fclose(f);
    return n;
}

static void t_rotation_keeps_pseudonyms_and_signatures(void)
{
    char old_id[32] = "", new_id[32] = "", sql[256], v[SECRETBOX_SEALED_MAX];
    sql_text("SELECT secret FROM ord_webhooks WHERE recipient = 'operator:1'", 0, v, sizeof v);
    REQUIRE(secretbox_value_key(v, old_id) == 0);
    /* while hubd runs */
    CHECK_INT_EQ(ht_ctl(&T, "new_key", new_id, sizeof new_id, "secrets-rotate"), 0);
    CHECK(new_id[0] && strcmp(old_id, new_id) != 0);
    CHECK_INT_EQ(key_lines(), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM ord_webhooks WHERE secret LIKE 's1:%s:%%'",
             new_id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 2);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM ord_pseudo_keys WHERE key LIKE 's1:%s:%%'",
             new_id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notify_recipients WHERE webhook_secret LIKE 's1:%s:%%'", new_id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT count(*) FROM audit WHERE action = 'secrets.rotate'"), 1);
    /* the running hubd follows the new file */
    orders_keep_pseudonyms("rot");
    REQUIRE(ht_stop(&T) == 0);
    REQUIRE(ht_start(&T, "--push-poll-ms 100") == 0);
    orders_keep_pseudonyms("restart");
    check_nothing_in_the_clear();
}

static void t_missing_or_wrong_key_refused(void)
{
    char cmd[1024], out[2048], bak[200], err[256];
    snprintf(bak, sizeof bak, "%s.bak", keyfile);
    REQUIRE(ht_stop(&T) == 0);
    REQUIRE(rename(keyfile, bak) == 0);
    snprintf(cmd, sizeof cmd, "%s --db '%s' --port 0 --key %s --secrets-key %s", HUBD_PATH, T.db,
             T.key, keyfile);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "is missing") != NULL && strstr(out, keyfile) != NULL);
    CHECK(access(keyfile, F_OK) != 0); /* not made anew */
    snprintf(cmd, sizeof cmd, "%s --db '%s' --secrets-key %s checkins", HUBCTL_PATH, T.db, keyfile);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "is missing") != NULL);
    CHECK(access(keyfile, F_OK) != 0);
    /* another hub's key file */
    REQUIRE(secretbox_create(keyfile, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s --db '%s' --port 0 --key %s --secrets-key %s", HUBD_PATH, T.db,
             T.key, keyfile);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "does not hold key") != NULL);
    snprintf(cmd, sizeof cmd, "%s --db '%s' --secrets-key %s checkins", HUBCTL_PATH, T.db, keyfile);
    CHECK_INT_EQ(sh(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "does not hold key") != NULL);
    REQUIRE(rename(bak, keyfile) == 0);
    REQUIRE(ht_start(&T, "--push-poll-ms 100") == 0);
    orders_keep_pseudonyms("back");
}

static void t_moved_value_refused(void)
{
    char saved[SECRETBOX_SEALED_MAX], sql[800];
    long long orders = ht_sql_int(&T, "SELECT count(*) FROM ord_orders");
    /* town 1's key onto town 2's row: the order is refused, not served with town 1's key */
    sql_text(
        "SELECT key FROM ord_pseudo_keys WHERE municipality_id = 2 AND recipient = 'operator:1'", 0,
        saved, sizeof saved);
    REQUIRE(ht_sql_exec(&T, "UPDATE ord_pseudo_keys SET key = (SELECT key FROM ord_pseudo_keys"
                            " WHERE municipality_id = 1 AND recipient = 'operator:1') WHERE "
                            "municipality_id = 2 AND recipient = 'operator:1'") == 0);
    CHECK(order(home2, 1, "moved-1") != 201);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT count(*) FROM ord_orders"), orders);
    snprintf(sql, sizeof sql,
             "UPDATE ord_pseudo_keys SET key = '%s' WHERE municipality_id = 2 AND recipient = "
             "'operator:1'",
             saved);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    /* operator 1's secret onto operator 2's row: operator 2's push is not signed with it */
    long before = verified();
    REQUIRE(ht_sql_exec(&T,
                        "UPDATE ord_webhooks SET secret = (SELECT secret FROM ord_webhooks"
                        " WHERE recipient = 'operator:1') WHERE recipient = 'operator:2'") == 0);
    CHECK_INT_EQ(order(home1, 2, "moved-2"), 201);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT count(*) FROM ord_deliveries WHERE recipient = 'operator:2'"
                             " AND push_attempts > 0 AND acked_unix IS NULL",
                             1, 10000),
                 1);
    CHECK_INT_EQ(verified(), before);
}

static void t_clear_values_sealed_at_start(void)
{
    char sql[400], hex[65], out[SECRETBOX_SEALED_MAX];
    REQUIRE(ht_stop(&T) == 0);
    /* as an older hub left them: the text of the secrets, the key as 64 hex digits */
    hubtoken_hex(k1, sizeof k1, hex);
    snprintf(sql, sizeof sql,
             "UPDATE ord_pseudo_keys SET key = '%s' WHERE municipality_id = 1 AND recipient = "
             "'operator:1'",
             hex);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    REQUIRE(ht_sql_exec(&T, "UPDATE ord_webhooks SET secret = '" SECRET
                            "' WHERE recipient = 'operator:1'") == 0);
    REQUIRE(ht_sql_exec(&T, "UPDATE notify_recipients SET webhook_secret = '" NSECRET "'") == 0);
    CHECK_INT_EQ(clear_count(), 3);
    REQUIRE(ht_start(&T, "--push-poll-ms 100") == 0);
    CHECK_INT_EQ(clear_count(), 0);
    sql_text(
        "SELECT key FROM ord_pseudo_keys WHERE municipality_id = 1 AND recipient = 'operator:1'", 0,
        out, sizeof out);
    CHECK(secretbox_is_sealed(out));
    orders_keep_pseudonyms("clear");
    check_nothing_in_the_clear();
}

/* The fixture's value of NAME=... */
static int env_value(const char *name, char *out, size_t cap)
{
    FILE *f = fopen(FIXTURE_DIR "/hub-v18.env", "r");
    char line[256];
    size_t n = strlen(name);
    int rc = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && line[n] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%s", line + n + 1);
            rc = 0;
        }
    if (f)
        fclose(f);
    return rc;
}

static void t_upgrade_of_a_v18_database(void)
{
    char cmd[1024], out[2048], old_key[65] = "", want1[64], want2[64], got[64];
    if (ht_on_postgres(&T))
        return; /* the fixture is a SQLite file; the step in the clear is tested above */
    REQUIRE(ht_stop(&T) == 0);
    /* what the old hub stored: its one key of operator 1, the pseudonyms it sent */
    unsigned char key[32];
    size_t klen = 0;
    snprintf(cmd, sizeof cmd, "cp %s/hub-v18.db %s && rm -f %s-wal %s-shm", FIXTURE_DIR, T.db, T.db,
             T.db);
    REQUIRE(sh(cmd, out, sizeof out) == 0);
    sql_text("SELECT hex(key) FROM ord_pseudo_keys", 0, old_key, sizeof old_key);
    REQUIRE(strlen(old_key) == 64);
    REQUIRE(ht_sql_int(&T, "SELECT count(*) FROM ord_webhooks WHERE secret = '" SECRET "'") == 1);
    delivered_pseudonym(1, want1, sizeof want1);
    delivered_pseudonym(2, want2, sizeof want2);
    REQUIRE(want1[0] && want2[0]);
    REQUIRE(env_value("home1", home1, sizeof home1) == 0 &&
            env_value("home2", home2, sizeof home2) == 0);
    /* the upgrade: any hubctl command migrates and seals */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "checkins --municipality 1"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT count(*) FROM ord_pseudo_keys"), 2); /* both towns */
    CHECK_INT_EQ(sealed_count(), 4);
    REQUIRE(open_sealed("SELECT key FROM ord_pseudo_keys WHERE municipality_id = 2 AND recipient = "
                        "'operator:1'",
                        PLACE_K2, key, sizeof key, &klen) == 0);
    char hex[65];
    hubtoken_hex(key, klen, hex);
    for (int i = 0; hex[i]; i++)
        hex[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
    CHECK_STR_EQ(hex, old_key);
    size_t len = 0;
    char *all = database_bytes(&len);
    REQUIRE(all);
    CHECK(secret_absent(all, len, SECRET));
    CHECK(secret_absent(all, len, NSECRET));
    CHECK(absent(all, len, key, sizeof key, "the old pseudonym key"));
    free(all);
    /* today's hub sends the pseudonyms the old one sent */
    REQUIRE(ht_start(&T, "") == 0);
    CHECK_INT_EQ(order(home1, 1, "v18-1"), 201);
    CHECK_INT_EQ(order(home2, 1, "v18-2"), 201);
    delivered_pseudonym(1, got, sizeof got);
    CHECK_STR_EQ(got, want1);
    delivered_pseudonym(2, got, sizeof got);
    CHECK_STR_EQ(got, want2);
}

static int enrol(void)
{
    char args[768], tok[160];
    int ok = 1;
    static const char *const steps[] = {
        "municipality-add --code " TOWN2 " --name 平塚市",
        "resident-add --municipality 1 --name Hanako --district Kita --deadline 10:00",
        "resident-add --municipality " TOWN2 " --name Ichiro --district Kita --deadline 10:00",
        "operator-contract --municipality " TOWN2 " --operator 1",
        "staff-add --municipality 1 --name 見守り係",
        "notify-set --municipality 1 --staff 1 --webhook http://127.0.0.1:9/notify "
        "--secret " NSECRET,
    };
    snprintf(args, sizeof args,
             "operator-add --municipality 1 --name 'Shop A' --district Kita --webhook "
             "http://127.0.0.1:%u/orders"
             " --secret %s",
             port_a, SECRET);
    for (int i = 0; ok && i < 3; i++)
        ok = ht_ctl(&T, NULL, NULL, 0, steps[i]) == 0;
    ok = ok && ht_ctl(&T, "token", tok, sizeof tok, args) == 0;
    snprintf(args, sizeof args,
             "operator-add --municipality 1 --name 'Shop B' --district Kita --webhook "
             "http://127.0.0.1:%u/orders"
             " --secret %s",
             port_a, SECRET2);
    ok = ok && ht_ctl(&T, "token", tok, sizeof tok, args) == 0;
    for (int i = 3; ok && i < 6; i++)
        ok = ht_ctl(&T, NULL, NULL, 0, steps[i]) == 0;
    for (int op = 1; ok && op <= 2; op++) {
        snprintf(args, sizeof args, "catalogue-import --municipality 1 --operator %d --file %s", op,
                 DEMO_CATALOGUE);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", home1, sizeof home1,
                      "device-add --municipality 1 --kind home --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", home2, sizeof home2,
                      "device-add --municipality " TOWN2 " --kind home --resident 2") == 0;
    return ok ? 0 : -1;
}

int main(void)
{
    char cmd[768], line[256];
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    snprintf(keyfile, sizeof keyfile, "%s/secrets.key", T.dir);
    snprintf(log_a, sizeof log_a, "%s/recv-a.log", T.dir);
    snprintf(cmd, sizeof cmd, "exec %s --secret %s --port 0 --tolerance 100000000 --log %s",
             OPRECEIVER_PATH, SECRET, log_a);
    recv_a = ht_spawn(cmd, line, sizeof line);
    int ok = recv_a > 0 && sscanf(line, "listening 127.0.0.1:%u", &port_a) == 1;
    ok = ok && enrol() == 0 && ht_start(&T, "--push-poll-ms 100") == 0;
    if (!ok) {
        fprintf(stderr, "cannot enrol or start the test hub\n");
        if (recv_a > 0)
            kill(recv_a, SIGTERM);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_sealed_at_rest);
    TEST_RUN(t_rotation_keeps_pseudonyms_and_signatures);
    TEST_RUN(t_missing_or_wrong_key_refused);
    TEST_RUN(t_moved_value_refused);
    TEST_RUN(t_clear_values_sealed_at_start);
    TEST_RUN(t_upgrade_of_a_v18_database);
    ht_cleanup(&T);
    kill(recv_a, SIGTERM);
    waitpid(recv_a, NULL, 0);
    return test_summary();
}
