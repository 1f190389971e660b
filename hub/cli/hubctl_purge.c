/*
 * hubctl_purge.c: `hubctl purge` (see hubctl_purge.h).
 */
#include "hubctl_purge.h"
#include "db.h"
#include "hubclock.h"
#include "retention.h"

#include <string.h>

/* Rows of each kind per transaction: large steps, since nobody waits on hubctl, but each
 * one short enough that hubd's writer is never held for long. */
#define PURGE_CLI_STEP 5000

static int purge(struct db *db)
{
    struct retention_counts n = {0};
    int more = 1;
    enum db_status s = DB_OK;
    while (more && s == DB_OK) {
        s = db_begin(db);
        if (s == DB_OK)
            s = retention_step(db, (int64_t)hubclock_now(), PURGE_CLI_STEP, &n, &more);
        if (s == DB_OK)
            s = db_commit(db);
        else
            db_rollback(db);
    }
    if (s != DB_OK) {
        fprintf(stderr, "hubctl: the purge failed: %s (what was deleted before stays deleted)\n",
                db_errmsg(db));
        return 1;
    }
    printf("challenges=%lld\nsessions=%lld\nidempotency_keys=%lld\nrefusals=%lld\n",
           (long long)n.challenges, (long long)n.sessions, (long long)n.idempotency,
           (long long)n.refusals);
    return 0;
}

int hubctl_purge(struct db *db, const char *cmd, int argc, char **argv)
{
    (void)argv;
    if (strcmp(cmd, "purge") != 0)
        return -1;
    if (argc != 0) {
        fprintf(stderr, "hubctl: purge takes no options\n");
        return 2;
    }
    return purge(db);
}

void hubctl_purge_usage(FILE *f)
{
    fprintf(f, "  purge                        delete expired login challenges, card sessions and\n"
               "                               old Idempotency-Keys now (hubd does it every\n"
               "                               --purge-every seconds)\n");
}
