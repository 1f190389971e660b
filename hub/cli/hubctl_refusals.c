/*
 * hubctl_refusals.c: `hubctl audit-refusals` (see hubctl_refusals.h).
 */
#include "hubctl_refusals.h"
#include "db.h"
#include "hubclock.h"
#include "refusals.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 100000 /* the store's cap: every row there is */

static int print_row(void *ctx, const struct refusals_row *row)
{
    char minute[21], first[21], last[21];
    hubclock_rfc3339((time_t)row->minute, minute);
    hubclock_rfc3339((time_t)row->first, first);
    hubclock_rfc3339((time_t)row->last, last);
    printf("%s\t%s\t%s\t%s\t%" PRId64 "\t%s\t%s\n", minute, row->caller, row->address, row->route,
           row->count, first, last);
    (*(long *)ctx)++;
    return 0;
}

/* --name VALUE as Unix seconds (def when absent); 0, or -1 after saying why. */
static int time_opt(int argc, char **argv, const char *name, int64_t def, int64_t *out)
{
    *out = def;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) != 0)
            continue;
        char *end = NULL;
        errno = 0;
        long long v = i + 1 < argc ? strtoll(argv[i + 1], &end, 10) : -1;
        if (i + 1 >= argc || errno || end == argv[i + 1] || *end || v < 0) {
            fprintf(stderr, "hubctl: %s must be a time in Unix seconds\n", name);
            return -1;
        }
        *out = v;
    }
    return 0;
}

int hubctl_refusals(struct db *db, const char *cmd, int argc, char **argv)
{
    if (strcmp(cmd, "audit-refusals") != 0)
        return -1;
    int64_t now = (int64_t)hubclock_now(), from, to;
    for (int i = 0; i < argc; i += 2)
        if ((strcmp(argv[i], "--from") != 0 && strcmp(argv[i], "--to") != 0) || i + 1 >= argc) {
            fprintf(stderr, "hubctl: audit-refusals takes --from UNIX and --to UNIX only\n");
            return 2;
        }
    if (time_opt(argc, argv, "--from", now - 86400, &from) != 0 ||
        time_opt(argc, argv, "--to", now + 60, &to) != 0)
        return 2;
    if (from >= to) {
        fprintf(stderr, "hubctl: --from must be before --to\n");
        return 2;
    }
    long n = 0;
    if (refusals_list(db, NULL, from, to, LIST_MAX, print_row, &n) != DB_OK) {
        fprintf(stderr, "hubctl: cannot read the refusal summaries: %s\n", db_errmsg(db));
        return 1;
    }
    printf("summaries=%ld\n", n);
    return 0;
}

void hubctl_refusals_usage(FILE *f)
{
    fprintf(f, "  audit-refusals [--from UNIX] [--to UNIX]\n"
               "                               refused authorizations per caller, address,\n"
               "                               route and minute (default: the last 24 h)\n");
}
