/*
 * test_hub_upgrade_logs.c: a database made by the hub of commit 22749a5 (two towns, one
 * audit log for both, a signed head; upgrade/make-v18-logs-db.sh) migrated by today's hubctl:
 * the one log becomes the hub log, keeping every record's place and hash and its signed
 * head verifying with the hub key; each town gets a log of its own, empty at first; new
 * records go to the log of their town, signed with that town's key, and every log
 * verifies, alone (--municipality) and all together.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hubtest T;

static int copy(const char *from, const char *to)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 600 '%s'", from, to, to);
    return system(cmd) == 0 ? 0 : -1;
}

static void t_one_log_becomes_the_hub_log(void)
{
    char args[512], out[64] = "";
    CHECK_INT_EQ(ht_sql_int(&T, "PRAGMA user_version"), 18);
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    CHECK_INT_EQ(ht_ctl(&T, "log_1", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK municipality=hub records=6");
    /* Every old record stays in the hub log with its place. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE log_id = 1 AND seq = id"), 6);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE log_id <> 1"), 0);
    /* One log per town, the hub log with no town. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit_logs"), 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT municipality_id) FROM audit_logs"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit_logs WHERE id = 1"
                                " AND municipality_id IS NULL"),
                 1);
}

static void t_new_records_go_to_their_towns_logs(void)
{
    char args[512], out[128] = "";
    snprintf(args, sizeof args,
             "resident-add --municipality 131016 --name Saburo --district Kita --deadline 10:00");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    snprintf(args, sizeof args,
             "resident-add --municipality 142018 --name Shiro --district Kita --deadline 10:00");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    snprintf(args, sizeof args, "municipality-add --code 011002 --name 札幌市");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    long long chiyoda = ht_sql_int(&T, "SELECT l.id FROM audit_logs l JOIN municipalities m"
                                       " ON m.id = l.municipality_id WHERE m.code = '131016'");
    long long yokosuka = ht_sql_int(&T, "SELECT l.id FROM audit_logs l JOIN municipalities m"
                                        " ON m.id = l.municipality_id WHERE m.code = '142018'");
    REQUIRE(chiyoda > 1 && yokosuka > 1 && chiyoda != yokosuka);
    /* The enrolment is in each town's log as its first record; the new town in the hub's. */
    snprintf(args, sizeof args,
             "SELECT COUNT(*) FROM audit a JOIN residents r ON r.id = a.subject_resident_id"
             " WHERE a.log_id = %lld AND a.seq = 1 AND r.display_name = 'Saburo'",
             chiyoda);
    CHECK_INT_EQ(ht_sql_int(&T, args), 1);
    snprintf(args, sizeof args,
             "SELECT COUNT(*) FROM audit a JOIN residents r ON r.id = a.subject_resident_id"
             " WHERE a.log_id = %lld AND a.seq = 1 AND r.display_name = 'Shiro'",
             yokosuka);
    CHECK_INT_EQ(ht_sql_int(&T, args), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT seq FROM audit WHERE action = 'municipality.add'"
                                " AND log_id = 1 ORDER BY seq DESC LIMIT 1"),
                 7);
    /* Heads: each log signed on its own, each town's with a key of its own. */
    snprintf(args, sizeof args, "audit-checkpoint --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT log_id) FROM audit_heads"), 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT pubkey) FROM audit_heads"), 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT MAX(head_seq) FROM audit_heads WHERE log_id = 1"), 2);
    snprintf(args, sizeof args, "SELECT MAX(head_seq) FROM audit_heads WHERE log_id = %lld",
             chiyoda);
    CHECK_INT_EQ(ht_sql_int(&T, args), 1);
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    snprintf(args, sizeof args, "audit-verify --key %s --municipality 131016", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "records", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "1");
}

int main(void)
{
    char wal[300];
    ht_init(&T, time(NULL));
    snprintf(wal, sizeof wal, "%s-wal", T.db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", T.db);
    unlink(wal);
    if (copy(FIXTURE_DIR "/hub-v18-logs.db", T.db) != 0 ||
        copy(FIXTURE_DIR "/hub-v18-logs.key", T.key) != 0) {
        fprintf(stderr, "cannot set up the old database from %s\n", FIXTURE_DIR);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_one_log_becomes_the_hub_log);
    TEST_RUN(t_new_records_go_to_their_towns_logs);
    ht_cleanup(&T);
    return test_summary();
}
