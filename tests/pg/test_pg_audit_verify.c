/*
 * test_pg_audit_verify.c: the audit chain's verification on both backends with the same
 * assertions (storetest.h), through the database interface alone: records appended to a
 * town's log and to the hub log, a tree head signed over them, then whoever holds the
 * database (the append-only triggers dropped) alters a record, removes one in the middle,
 * cuts the newest records, or signs with another key, and each is found, in the log it was
 * done in, naming the record.
 */
#include "audit.h"
#include "auditlog.h"
#include "hubkey.h"
#include "storetest.h"
#include "test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AT 1795392720

/* n records in one transaction, chained after the commit (on PostgreSQL the sequencer's
 * pass; on SQLite they are chained as appended). town < 0: the hub log; else the
 * subject's town's log. */
static void append_n(int n, long long subject, long long town)
{
    REQUIRE(db_begin(st_db) == DB_OK);
    for (int i = 0; i < n; i++) {
        struct audit_rec r = {.at = AT + i,
                              .actor = "family:2",
                              .action = "checkins.read",
                              .outcome = "ok",
                              .subject = subject,
                              .data_kinds = "safety",
                              .purpose = "watch_over",
                              .basis = "consent:1",
                              .source = "hub",
                              .destination = "family:2",
                              .request_id = "r",
                              .town = town};
        CHECK_INT_EQ(audit_append_db(st_db, &r, NULL), DB_OK);
    }
    REQUIRE(db_commit(st_db) == DB_OK);
    long long chained = 0;
    REQUIRE(audit_chain_all_db(st_db, &chained) == DB_OK);
}

static enum audit_verify_status verify(EVP_PKEY *key, long long *bad, long long *n, char *msg,
                                       size_t cap)
{
    return audit_verify_log_db(st_db, key, AT + 60, -1, bad, n, msg, cap);
}

static enum audit_verify_status verify_one(long long log, EVP_PKEY *key, long long *bad,
                                           long long *n, char *msg, size_t cap)
{
    return audit_verify_one_db(st_db, log, key, AT + 60, -1, bad, n, msg, cap);
}

__attribute__((format(printf, 1, 2))) static void sql(const char *fmt, ...)
{
    char s[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    enum db_status rc = db_exec(st_db, s);
    if (rc != DB_OK)
        fprintf(stderr, "%s: %s\n", s, db_errmsg(st_db));
    CHECK_INT_EQ(rc, DB_OK);
}

static EVP_PKEY *new_key(const char *dir, const char *name)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hubkey_generate(path, err, sizeof err) != 0)
        return NULL;
    EVP_PKEY *k = hubkey_load(path, err, sizeof err);
    unlink(path);
    return k;
}

static void t_chain_of_a_town_and_the_hub(void)
{
    char dir[] = "/tmp/auditverify.XXXXXX", msg[512];
    REQUIRE(mkdtemp(dir) != NULL);
    EVP_PKEY *key = new_key(dir, "hub.key"), *other = new_key(dir, "other.key");
    rmdir(dir);
    REQUIRE(key && other);
    long long r = st_resident("花子", NULL, NULL), town_log = 0, bad = -1, n = 0;
    REQUIRE(r > 0);
    REQUIRE(auditlog_of_town(st_db, 1, &town_log) == DB_ROW);
    REQUIRE(town_log != TREEHEAD_DEFAULT_LOG);

    append_n(10, r, 0);
    append_n(3, 0, -1);
    REQUIRE(db_begin(st_db) == DB_OK);
    CHECK_INT_EQ(audit_checkpoint_db(st_db, key, AT + 30), DB_OK);
    REQUIRE(db_commit(st_db) == DB_OK);
    append_n(5, r, 0);
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, 18);
    CHECK_STR_EQ(msg, "");
    CHECK_INT_EQ(verify_one(town_log, key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, 15);
    CHECK_INT_EQ(verify_one(TREEHEAD_DEFAULT_LOG, NULL, &bad, &n, msg, sizeof msg),
                 AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, 3);

    /* The table refuses edits; whoever holds the database drops the guard first. */
    CHECK(db_exec(st_db, "UPDATE audit SET actor = 'x' WHERE seq = 4") != DB_OK);
    REQUIRE(db_exec(st_db, db_dialect(st_db) == DB_POSTGRES
                               ? "DROP TRIGGER audit_append_only_u ON audit;"
                                 " DROP TRIGGER audit_append_only_d ON audit"
                               : "DROP TRIGGER audit_append_only_u;"
                                 " DROP TRIGGER audit_append_only_d") == DB_OK);
    REQUIRE(db_exec(st_db, "CREATE TABLE saved AS SELECT * FROM audit") == DB_OK);
    const char *restore = "DELETE FROM audit; INSERT INTO audit SELECT * FROM saved";

    /* A record altered in the town's log ... */
    sql("UPDATE audit SET purpose = 'marketing' WHERE log_id = %lld AND seq = %lld", town_log, 7LL);
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_BROKEN);
    CHECK_INT_EQ(bad, 7);
    CHECK(strstr(msg, "record 7 was altered") != NULL);
    char which[32];
    snprintf(which, sizeof which, "log %lld:", town_log);
    CHECK(strncmp(msg, which, strlen(which)) == 0);
    REQUIRE(db_exec(st_db, restore) == DB_OK);
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    /* ... and in the hub log, found by the same walk of that log alone. */
    sql("UPDATE audit SET actor = 'staff:9' WHERE log_id = %lld AND seq = %lld",
        (long long)TREEHEAD_DEFAULT_LOG, 2LL);
    CHECK_INT_EQ(verify_one(town_log, key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(verify_one(TREEHEAD_DEFAULT_LOG, NULL, &bad, &n, msg, sizeof msg),
                 AUDIT_VERIFY_BROKEN);
    CHECK_INT_EQ(bad, 2);
    REQUIRE(db_exec(st_db, restore) == DB_OK);

    /* A record removed in the middle. */
    sql("DELETE FROM audit WHERE log_id = %lld AND seq = %lld", town_log, 12LL);
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_BROKEN);
    CHECK_INT_EQ(bad, 12);
    CHECK(strstr(msg, "record 12 is missing") != NULL);
    REQUIRE(db_exec(st_db, restore) == DB_OK);

    /* The newest records removed: the chain alone cannot see it ... */
    sql("DELETE FROM audit WHERE log_id = %lld AND seq > %lld", town_log, 8LL);
    CHECK_INT_EQ(verify(NULL, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, 11);
    /* ... the signed tree head over record 10 does. */
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_TRUNCATED);
    CHECK_INT_EQ(bad, 10);
    CHECK(strstr(msg, "removed") != NULL);
    REQUIRE(db_exec(st_db, restore) == DB_OK);

    /* Heads signed with another key are refused. */
    CHECK_INT_EQ(verify(other, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_BAD_HEAD);
    CHECK_INT_EQ(verify(key, &bad, &n, msg, sizeof msg), AUDIT_VERIFY_OK);
    CHECK_INT_EQ(n, 18);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}

int main(void)
{
    static const struct storetest tests[] = {
        STORETEST(t_chain_of_a_town_and_the_hub),
    };
    return storetest_main(tests, (int)(sizeof tests / sizeof tests[0]));
}
