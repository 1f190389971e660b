/*
 * hubctl_safety.c: `hubctl safety-show` (see hubctl_safety.h). Each round is one read
 * transaction: the counts come from the check (safety_get), the names from the people it
 * asked (safety_people), so the lists add up to the counts. A resident named is audited
 * (safety.read, actor hubctl) when first shown and again when the answer shown changed, not
 * every round: a watch left open for an hour must not write thousands of records about
 * what staff already saw.
 */
#include "hubctl_safety.h"
#include "db.h"
#include "hubclock.h"
#include "hubctl_towns.h"
#include "safety.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WATCH_MAX_S 3600
#define LIST_MAX    100000 /* residents one check may ask that a watch remembers */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* What was last shown of one resident: 0 none, 1 safe, 2 need help, 3 no answer. */
struct seen {
    int64_t id;
    int shown;
};

struct round {
    struct db *db;
    struct seen *seen;
    size_t n_seen;
    int failed;
    int64_t asked, safe, need_help;
    int found;
    /* the lines of each list, printed after the counts */
    char *lists[3];
    size_t len[3], cap[3];
};

static int keep_check(void *ctx, const struct safety_check *c)
{
    struct round *r = ctx;
    char started[21], due[21];
    hubclock_rfc3339((time_t)c->started, started);
    hubclock_rfc3339((time_t)c->due, due);
    r->found = 1;
    r->asked = c->asked;
    r->safe = c->safe;
    r->need_help = c->need_help;
    printf("safety_check=%lld\ntitle=%s\narea=%s\nstarted=%s\ndue=%s\nstate=%s\n", (long long)c->id,
           c->title_ja, c->area_ja ? c->area_ja : "", started, due, c->closed ? "closed" : "open");
    return 0;
}

static int append(struct round *r, int which, const char *line)
{
    size_t n = strlen(line);
    if (r->len[which] + n + 1 > r->cap[which]) {
        size_t cap = (r->cap[which] + n + 1) * 2;
        char *p = realloc(r->lists[which], cap);
        if (!p)
            return -1;
        r->lists[which] = p;
        r->cap[which] = cap;
    }
    memcpy(r->lists[which] + r->len[which], line, n + 1);
    r->len[which] += n;
    return 0;
}

/* Audits resident id when what is shown of them changed since the last round. */
static int audit_if_new(struct round *r, int64_t id, int shown)
{
    for (size_t i = 0; i < r->n_seen; i++)
        if (r->seen[i].id == id) {
            if (r->seen[i].shown == shown)
                return 0;
            r->seen[i].shown = shown;
            return hubctl_audit(r->db, "safety.read", "ok", (long long)id, "safety");
        }
    if (r->n_seen < LIST_MAX) {
        struct seen *p = realloc(r->seen, (r->n_seen + 1) * sizeof *p);
        if (!p)
            return -1;
        r->seen = p;
        r->seen[r->n_seen++] = (struct seen){id, shown};
    }
    return hubctl_audit(r->db, "safety.read", "ok", (long long)id, "safety");
}

static int add_person(void *ctx, const struct safety_person *p)
{
    struct round *r = ctx;
    int which = !p->answer ? 2 : strcmp(p->answer, "safe") == 0 ? 0 : 1;
    static const char *const names[3] = {"safe", "need_help", "no_answer"};
    char at[21] = "", line[512];
    if (p->answer)
        hubclock_rfc3339((time_t)p->at, at);
    snprintf(line, sizeof line, "%s\t%lld\t%s\t%s\t%s\n", names[which], (long long)p->resident_id,
             p->display_name ? p->display_name : "", p->district ? p->district : "", at);
    if (append(r, which, line) != 0 || audit_if_new(r, p->resident_id, which + 1) != 0) {
        r->failed = 1;
        return -1;
    }
    return 0;
}

/* One round: 0 shown, 1 no such check or a database failure (said). */
static int show(struct db *db, const struct scope *town, int64_t id, struct round *r)
{
    int rc = 1;
    r->db = db;
    r->found = 0;
    r->failed = 0;
    for (int i = 0; i < 3; i++)
        r->len[i] = 0;
    if (db_begin(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
        return 1;
    }
    enum db_status s = safety_get(db, town, id, keep_check, r);
    if (s == DB_DONE) {
        fprintf(stderr, "hubctl: no safety check %lld in this town\n", (long long)id);
        goto out;
    }
    if (s != DB_ROW || safety_people(db, town, id, add_person, r) != DB_OK || r->failed)
        goto fail;
    printf("asked=%lld\nsafe=%lld\nneed_help=%lld\nno_answer=%lld\n", (long long)r->asked,
           (long long)r->safe, (long long)r->need_help,
           (long long)(r->asked - r->safe - r->need_help));
    printf("list\tresident\tname\tdistrict\tanswered_at\n");
    /* who needs help first: what staff act on */
    static const int order[3] = {1, 2, 0};
    for (int k = 0; k < 3; k++)
        if (r->len[order[k]])
            fputs(r->lists[order[k]], stdout);
    if (db_commit(db) != DB_OK)
        goto fail;
    fflush(stdout);
    return 0;
fail:
    fprintf(stderr, "hubctl: cannot read safety check %lld: %s\n", (long long)id, db_errmsg(db));
out:
    db_rollback(db);
    return rc;
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int cmd_safety_show(struct db *db, const struct scope *town, int argc, char **argv)
{
    const char *c = opt(argc, argv, "--check"), *w = opt(argc, argv, "--watch");
    char *end = NULL;
    errno = 0;
    long long id = c ? strtoll(c, &end, 10) : 0;
    if (!c || errno || *end || id <= 0) {
        fprintf(stderr, "hubctl: safety-show needs --check ID (a whole number from 1)\n");
        return 2;
    }
    long watch = 0;
    if (w) {
        errno = 0;
        watch = strtol(w, &end, 10);
        if (errno || *end || watch < 1 || watch > WATCH_MAX_S) {
            fprintf(stderr, "hubctl: --watch takes seconds from 1 to %d\n", WATCH_MAX_S);
            return 2;
        }
    }
    struct round r = {0};
    int rc = show(db, town, id, &r);
    if (watch && rc == 0) {
        /* until Ctrl-C (or SIGTERM): the round under way finishes, then hubctl ends */
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (!stop && rc == 0) {
            struct timespec ts = {watch, 0};
            while (!stop && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
            if (stop)
                break;
            printf("\n");
            rc = show(db, town, id, &r);
        }
    }
    for (int i = 0; i < 3; i++)
        free(r.lists[i]);
    free(r.seen);
    return rc;
}

int hubctl_safety(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv)
{
    if (strcmp(cmd, "safety-show") == 0)
        return cmd_safety_show(db, town, argc, argv);
    return -1;
}

void hubctl_safety_usage(FILE *f)
{
    fprintf(f, "  safety-show --check ID [--watch SECONDS]\n"
               "                               a safety confirmation: counts (asked, safe,\n"
               "                               need_help, no_answer) and who, need help first;\n"
               "                               --watch: again every SECONDS until Ctrl-C\n");
}
