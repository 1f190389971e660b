/*
 * hubctl_disaster.c: hubctl's disaster commands (see hubctl_disaster.h).
 */
#include "hubctl_disaster.h"
#include "db.h"
#include "hubclock.h"
#include "hubreq_disaster.h"
#include "jmaxml.h"
#include "notices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct opts {
    int argc;
    char **argv;
    const struct scope *town; /* the command's municipality (NULL for jma-apply: every town) */
};

/* The n-th value of option name, or NULL. */
static const char *nth(const struct opts *o, const char *name, int n)
{
    for (int i = 0; i + 1 < o->argc; i++)
        if (strcmp(o->argv[i], name) == 0 && n-- == 0)
            return o->argv[i + 1];
    return NULL;
}

static const char *get(const struct opts *o, const char *name)
{
    return nth(o, name, 0);
}

static int has_flag(const struct opts *o, const char *name)
{
    for (int i = 0; i < o->argc; i++)
        if (strcmp(o->argv[i], name) == 0)
            return 1;
    return 0;
}

/* The values of a repeatable option (at most max) into out; their number, or -1. */
static int all_of(const struct opts *o, const char *name, const char **out, int max)
{
    int n = 0;
    for (const char *v; (v = nth(o, name, n)) != NULL; n++)
        if (n == max)
            return -1;
        else
            out[n] = v;
    return n;
}

static int audit(struct db *db, const char *action, const char *dest)
{
    return notices_audit(db, hubclock_now(), "hubctl", action, "hubctl", dest, "hubctl") == DB_OK
               ? 0
               : -1;
}

/* Commits, or says what failed (with the database's reason) and rolls back. Exit status. */
static int finish(struct db *db, int ok, const char *what)
{
    if (ok && db_commit(db) == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: %s: %s\n", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

static int begin(struct db *db)
{
    if (db_begin(db) == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
    return -1;
}

static int cmd_notice_add(struct db *db, const struct opts *o)
{
    const char *kind = get(o, "--kind"), *starts = get(o, "--starts"), *ends = get(o, "--ends");
    const char *districts[NOTICES_DISTRICTS_MAX];
    struct hubreq_area area = {0};
    char words[HUBREQ_AREA_WORDS_MAX];
    long long s_at = hubclock_now(), e_at = 0;
    int n = all_of(o, "--district", districts, NOTICES_DISTRICTS_MAX);
    if (!notices_town_kind(kind) || !get(o, "--title-ja") || !get(o, "--what-ja") ||
        !get(o, "--todo-ja") || n < 0 || (starts && hubclock_parse_rfc3339(starts, &s_at)) ||
        (get(o, "--area-kana") && !hubreq_kana_only(get(o, "--area-kana"))) ||
        (ends && (hubclock_parse_rfc3339(ends, &e_at) || e_at <= s_at))) {
        fprintf(stderr,
                "hubctl: notice-add needs --kind (evacuation_order, evacuation_prepare, "
                "shelter_open, service_hours, maintenance or info), --title-ja, --what-ja and "
                "--todo-ja; --starts / --ends are RFC 3339 times, ends after starts; at most %d "
                "--district; --area-kana is the place's reading in kana\n",
                NOTICES_DISTRICTS_MAX);
        return 2;
    }
    area.whole_town = n == 0;
    area.n_districts = n;
    for (int i = 0; i < n; i++)
        snprintf(area.districts[i], sizeof area.districts[i], "%s", districts[i]);
    hubreq_area_words(&area, words, sizeof words);
    struct notices_new nn = {.kind = kind,
                             .title_ja = get(o, "--title-ja"),
                             .title_en = get(o, "--title-en"),
                             .area_ja = words,
                             .area_kana = get(o, "--area-kana"),
                             .what_ja = get(o, "--what-ja"),
                             .todo_ja = get(o, "--todo-ja"),
                             .what_en = get(o, "--what-en"),
                             .todo_en = get(o, "--todo-en"),
                             .districts = districts,
                             .n_districts = n,
                             .starts = s_at,
                             .ends = e_at,
                             .by = "hubctl"};
    int64_t id = 0;
    char dest[40];
    if (begin(db) != 0)
        return 1;
    int ok = notices_add(db, o->town, &nn, hubclock_now(), &id) == DB_OK;
    snprintf(dest, sizeof dest, "notice:%lld", (long long)id);
    ok = ok && audit(db, "notice.create", dest) == 0;
    int rc = finish(db, ok, "cannot add the notice");
    if (rc == 0)
        printf("notice_id=%lld\nlevel=%d\narea=%s\n", (long long)id, notices_level(kind), words);
    return rc;
}

static int cmd_notice_end(struct db *db, const struct opts *o)
{
    const char *v = get(o, "--notice");
    char *end = NULL;
    errno = 0;
    long long id = v ? strtoll(v, &end, 10) : 0;
    if (!v || errno || *end || id <= 0) {
        fprintf(stderr, "hubctl: notice-end needs --notice ID\n");
        return 2;
    }
    int found = 0, jma = 0, changed = 0;
    char dest[40];
    snprintf(dest, sizeof dest, "notice:%lld", id);
    if (begin(db) != 0)
        return 1;
    int ok =
        notices_end(db, o->town, id, hubclock_now(), "hubctl", &found, &jma, &changed) == DB_OK;
    ok = ok && (!changed || audit(db, "notice.end", dest) == 0);
    int rc = finish(db, ok, "cannot end the notice");
    if (rc == 0 && !found) {
        fprintf(stderr, "hubctl: there is no notice %lld\n", id);
        return 3;
    }
    if (rc == 0 && jma) {
        fprintf(stderr, "hubctl: notice %lld is a JMA warning; JMA ends it\n", id);
        return 3;
    }
    if (rc == 0)
        printf("notice_id=%lld\nchanged=%s\n", id, changed ? "yes" : "no");
    return rc;
}

static int print_notice(void *ctx, const struct notices_row *n)
{
    int64_t now = *(const int64_t *)ctx;
    const char *state = n->starts > now                 ? "scheduled"
                        : n->ends > 0 && n->ends <= now ? "ended"
                                                        : "in_force";
    printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)n->id, (long long)n->level, n->kind,
           n->source, state, n->area_ja, n->title_ja);
    return 0;
}

static int cmd_notices(struct db *db, const struct opts *o)
{
    int64_t now = hubclock_now();
    printf("id\tlevel\tkind\tsource\tstate\tarea\ttitle\n");
    enum db_status s = has_flag(o, "--all")
                           ? notices_all(db, o->town, 0, 200, print_notice, &now)
                           : notices_in_force(db, o->town, now, NULL, print_notice, &now);
    if (s == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: cannot read the notices: %s\n", db_errmsg(db));
    return 1;
}

static int cmd_jma_area_add(struct db *db, const struct opts *o)
{
    const char *code = get(o, "--code"), *name = get(o, "--name");
    const char *districts[NOTICES_DISTRICTS_MAX];
    int n = all_of(o, "--district", districts, NOTICES_DISTRICTS_MAX);
    if (!code || strlen(code) != 7 || strspn(code, "0123456789") != 7 || n < 0) {
        fprintf(stderr, "hubctl: jma-area-add needs --code (the 7-digit 市町村等 code of JMA's "
                        "area table) [--name NAME] [--district D ...] (none: the whole town)\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int ok = notices_jma_area_set(db, o->town, code, name ? name : code, districts, n,
                                  hubclock_now()) == DB_OK;
    char dest[40];
    snprintf(dest, sizeof dest, "jma_area:%s", code);
    ok = ok && audit(db, "jma_area.set", dest) == 0;
    int rc = finish(db, ok, "cannot set the JMA area");
    if (rc == 0)
        printf("jma_area=%s\ndistricts=%d\n", code, n);
    return rc;
}

static int print_area(void *ctx, const struct notices_jma_area *a)
{
    char d[2048];
    (void)ctx;
    snprintf(d, sizeof d, "%s", a->districts);
    for (char *p = d; *p; p++)
        if (*p == '\n')
            *p = ',';
    printf("%s\t%s\t%s\t%lld\n", a->code, a->name, d[0] ? d : "(whole town)",
           (long long)a->last_report);
    return 0;
}

static int cmd_jma_areas(struct db *db, const struct opts *o)
{
    printf("code\tname\tdistricts\tlast_telegram_unix\n");
    if (notices_jma_areas(db, o->town, print_area, NULL) != DB_OK) {
        fprintf(stderr, "hubctl: cannot read the JMA areas: %s\n", db_errmsg(db));
        return 1;
    }
    return 0;
}

struct changes {
    struct db *db;
    int n;
};

static int audit_jma(void *ctx, const char *action, int64_t id)
{
    struct changes *c = ctx;
    char dest[40];
    snprintf(dest, sizeof dest, "notice:%lld", (long long)id);
    c->n++;
    return notices_audit(c->db, hubclock_now(), "jma", action, "hubctl", dest, "hubctl") == DB_OK
               ? 0
               : -1;
}

/* Reads a whole file (at most max bytes) into owned memory. */
static char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(max + 1) : NULL;
    *len = buf ? fread(buf, 1, max + 1, f) : 0;
    if (buf && (ferror(f) || *len > max)) {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

/* Applies a telegram from a file as if the feed had brought it (demos, and a town without
 * network to JMA that receives telegrams another way). */
static int cmd_jma_apply(struct db *db, const struct opts *o)
{
    const char *file = get(o, "--file"), *url = get(o, "--url");
    char reason[256], id[JMA_URL_MAX];
    size_t len = 0;
    if (!file) {
        fprintf(stderr, "hubctl: jma-apply needs --file TELEGRAM.xml [--url ID]\n");
        return 2;
    }
    snprintf(id, sizeof id, "%s%s", url ? "" : "file:", url ? url : file);
    char *xml = slurp(file, JMA_TELEGRAM_MAX, &len);
    struct jma_telegram *t = malloc(sizeof *t);
    int rc = 1;
    if (!xml || !t) {
        fprintf(stderr, "hubctl: cannot read %s (missing, unreadable or over %d bytes)\n", file,
                JMA_TELEGRAM_MAX);
        goto out;
    }
    enum jma_result r = jma_parse_telegram(xml, len, t, reason, sizeof reason);
    if (r != JMA_OK) {
        fprintf(stderr, "hubctl: telegram refused: %s\n",
                r == JMA_NOMEM ? "out of memory" : reason);
        printf("refused=%s\n", r == JMA_NOMEM ? "out of memory" : reason);
        rc = 3;
        goto out;
    }
    if (begin(db) != 0)
        goto out;
    int seen = notices_jma_seen(db, id);
    struct changes c = {.db = db};
    int areas = 0;
    int ok =
        seen == 0 && notices_jma_apply(db, t, id, hubclock_now(), audit_jma, &c, &areas) == DB_OK;
    if (seen == 1) {
        db_rollback(db);
        printf("telegram=%s\nseen=yes\n", id);
        rc = 0;
        goto out;
    }
    rc = finish(db, ok, "cannot apply the telegram");
    if (rc == 0)
        printf("telegram=%s\nareas=%d\nchanges=%d\n", id, areas, c.n);
out:
    free(xml);
    free(t);
    return rc;
}

static int cmd_device_set(struct db *db, const struct opts *o)
{
    const char *v = get(o, "--device"), *district = get(o, "--district");
    char *end = NULL;
    errno = 0;
    long long id = v ? strtoll(v, &end, 10) : 0;
    if (!v || errno || *end || id <= 0 || !district || strlen(district) > HUBREQ_DISTRICT_MAX) {
        fprintf(stderr, "hubctl: device-set needs --device ID --district D (\"\" = none: only "
                        "whole-town notices)\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int changed = 0;
    int ok = notices_set_device_district(db, o->town, id, district, &changed) == DB_OK;
    if (ok && !changed) {
        db_rollback(db);
        fprintf(stderr, "hubctl: there is no device %lld in this municipality\n", id);
        return 3;
    }
    char dest[40];
    snprintf(dest, sizeof dest, "device:%lld", id);
    ok = ok && audit(db, "device.set_district", dest) == 0;
    int rc = finish(db, ok, "cannot set the device's district");
    if (rc == 0)
        printf("device_id=%lld\ndistrict=%s\n", id, district);
    return rc;
}

static const struct {
    const char *name;
    int (*run)(struct db *db, const struct opts *o);
} COMMANDS[] = {
    {"notice-add", cmd_notice_add}, {"notice-end", cmd_notice_end},
    {"notices", cmd_notices},       {"jma-area-add", cmd_jma_area_add},
    {"jma-areas", cmd_jma_areas},   {"jma-apply", cmd_jma_apply},
    {"device-set", cmd_device_set},
};

int hubctl_disaster(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv)
{
    struct opts o = {argc, argv, town};
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, cmd) == 0)
            return COMMANDS[i].run(db, &o);
    return -1;
}

void hubctl_disaster_usage(FILE *f)
{
    fprintf(f,
            "  notice-add --kind K --title-ja T --what-ja W --todo-ja D [--title-en T]\n"
            "             [--what-en W] [--todo-en D] [--district D ...] [--starts TIME]\n"
            "             [--ends TIME] [--area-kana KANA]\n"
            "                               a town notice (K: evacuation_order,\n"
            "                               evacuation_prepare, shelter_open, service_hours,\n"
            "                               maintenance, info); no --district = whole town\n"
            "  notice-end --notice ID       end a town notice now\n"
            "  notices [--all]              notices in force (--all: every notice)\n"
            "  jma-area-add --code C [--name N] [--district D ...]\n"
            "                               follow JMA's warnings for 市町村等 area C (7 digits)\n"
            "                               for the whole town or these districts\n"
            "  jma-areas                    the JMA areas followed\n"
            "  jma-apply --file F [--url ID]  apply a JMA telegram file: 気象警報・注意報\n"
            "                               （Ｈ２７） or （Ｒ０６）, or 土砂災害警戒情報\n"
            "  device-set --device ID --district D   a public kiosk's district (notices)\n");
}
