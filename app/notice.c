/*
 * notice: order, time and words of the notices (see notice.h).
 */
#include "notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

static const struct {
    const char *wire;
    enum notice_kind kind;
    int rank; /* among equal levels: the lower, the more urgent */
} kinds[] = {
    {"evacuation_order", NOTICE_EVACUATION_ORDER, 0},
    {"emergency_warning", NOTICE_EMERGENCY_WARNING, 1},
    {"danger_warning", NOTICE_DANGER_WARNING, 2},
    {"evacuation_prepare", NOTICE_EVACUATION_PREPARE, 3},
    {"warning", NOTICE_WARNING, 4},
    {"shelter_open", NOTICE_SHELTER_OPEN, 5},
    {"advisory", NOTICE_ADVISORY, 6},
    {"maintenance", NOTICE_MAINTENANCE, 7},
    {"service_hours", NOTICE_SERVICE_HOURS, 8},
    {"info", NOTICE_INFO, 9},
};

enum notice_kind notice_kind_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, kinds[i].wire) == 0)
            return kinds[i].kind;
    return NOTICE_INFO;
}

const char *notice_kind_wire(enum notice_kind k)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == k)
            return kinds[i].wire;
    return "info";
}

static int rank(enum notice_kind k)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == k)
            return kinds[i].rank;
    return 99;
}

bool notice_kind_urgent(enum notice_kind k)
{
    return rank(k) <= rank(NOTICE_ADVISORY);
}

static int cmp(const void *pa, const void *pb)
{
    const struct notice *a = pa, *b = pb;
    /* 避難指示 above all: whatever level a sender gives a warning, leaving home comes first */
    bool ea = a->kind == NOTICE_EVACUATION_ORDER, eb = b->kind == NOTICE_EVACUATION_ORDER;
    if (ea != eb)
        return ea ? -1 : 1;
    if (a->level != b->level)
        return a->level > b->level ? -1 : 1;
    if (rank(a->kind) != rank(b->kind))
        return rank(a->kind) < rank(b->kind) ? -1 : 1;
    if (a->updated_at != b->updated_at)
        return a->updated_at > b->updated_at ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

void notice_sort(struct notice_list *l)
{
    if (l->n > 1)
        qsort(l->items, (size_t)l->n, sizeof l->items[0], cmp);
}

bool notice_in_force(const struct notice *n, int64_t now)
{
    return n->starts_at <= now && (n->ends_at == 0 || now < n->ends_at);
}

const struct notice *notice_nth(const struct app *a, int i)
{
    const struct notice_list *l = &a->notices.list;
    for (int k = 0; k < l->n; k++)
        if (notice_in_force(&l->items[k], a->wall_s) && i-- == 0)
            return &l->items[k];
    return NULL;
}

int notice_count_now(const struct app *a)
{
    int n = 0;
    while (notice_nth(a, n))
        n++;
    return n;
}

static bool en(const struct app *a)
{
    return strcmp(app_lang(a), "en") == 0;
}

const char *notice_title(const struct app *a, const struct notice *n)
{
    return en(a) && n->title_en[0] ? n->title_en : n->title_ja;
}

const char *notice_what(const struct app *a, const struct notice *n)
{
    return en(a) && n->what_en[0] ? n->what_en : n->what_ja;
}

const char *notice_todo(const struct app *a, const struct notice *n)
{
    return en(a) && n->todo_en[0] ? n->todo_en : n->todo_ja;
}

void notice_stale_words(const struct app *a, char *buf, size_t size)
{
    char tm[16];
    buf[0] = '\0';
    if (!a->notices.stale || !a->notices.known)
        return;
    app_fmt_time(a, a->notices.fetched_at, tm, sizeof tm);
    i18n_format(buf, size, app_s(a, "notice_stale"), tm, NULL, NULL, NULL);
}

void notice_banner_words(const struct app *a, int detail, char *buf, size_t size)
{
    notice_band_words(a, detail, SIZE_MAX, a->notices.stale, buf, size);
}

void notice_band_words(const struct app *a, int detail, size_t area_len, bool offline, char *buf,
                       size_t size)
{
    const struct notice *n = notice_nth(a, 0);
    char head[NOTICE_TITLE_MAX + NOTICE_AREA_MAX + 32], more[64] = "", count[16], stale[256];
    char area[NOTICE_AREA_MAX + 8];
    buf[0] = '\0';
    if (!n)
        return;
    if (area_len < strlen(n->area_ja))
        snprintf(area, sizeof area, "%.*s …", (int)area_len, n->area_ja);
    else
        snprintf(area, sizeof area, "%s", n->area_ja);
    if (n->area_ja[0] && detail >= 1)
        i18n_format(head, sizeof head, app_s(a, "notice_head"), notice_title(a, n), area, NULL,
                    NULL);
    else
        snprintf(head, sizeof head, "%s", notice_title(a, n));
    int others = notice_count_now(a) - 1;
    if (others > 0 && detail >= 1) {
        snprintf(count, sizeof count, "%d", others);
        i18n_format(more, sizeof more, app_s(a, "notice_more"), count, NULL, NULL, NULL);
    }
    stale[0] = '\0';
    if (detail == 2) {
        notice_stale_words(a, stale, sizeof stale);
    } else if (offline) {
        char tm[16];
        app_fmt_time(a, a->notices.fetched_at, tm, sizeof tm);
        i18n_format(stale, sizeof stale, app_s(a, "notice_stale_short"), tm, NULL, NULL, NULL);
    }
    const char *todo = detail >= 2 ? notice_todo(a, n) : "";
    snprintf(buf, size, "%s%s%s%s%s%s", head, more[0] ? " " : "", more, todo[0] ? "\n" : "", todo,
             stale[0] ? (detail == 2 ? "\n" : " ") : "");
    size_t used = strlen(buf);
    if (stale[0] && used < size)
        snprintf(buf + used, size - used, "%s", stale);
}

void notice_spoken_words(const struct app *a, const struct notice *n, char *buf, size_t size)
{
    char where[NOTICE_AREA_MAX + 32] = "";
    /* the place's reading where the hub sent one: the voice reads kana only */
    const char *area = n->area_kana[0] && strcmp(a->lang, "en") != 0 ? n->area_kana : n->area_ja;
    if (area[0])
        i18n_format(where, sizeof where, app_s(a, "notice_say_where"), area, NULL, NULL, NULL);
    snprintf(buf, size, "%s。%s%s%s%s", notice_title(a, n), where, notice_what(a, n),
             notice_what(a, n)[0] ? " " : "", notice_todo(a, n));
}

static void sample_one(struct notice *n, long long id, enum notice_kind k, int level,
                       const char *tja, const char *ten, const char *area, const char *wja,
                       const char *dja, const char *wen, const char *den, int64_t start)
{
    memset(n, 0, sizeof *n);
    n->id = id;
    n->kind = k;
    n->level = level;
    n->from_jma = k == NOTICE_WARNING || k == NOTICE_ADVISORY || k == NOTICE_EMERGENCY_WARNING ||
                  k == NOTICE_DANGER_WARNING;
    snprintf(n->title_ja, sizeof n->title_ja, "%s", tja);
    snprintf(n->title_en, sizeof n->title_en, "%s", ten);
    snprintf(n->area_ja, sizeof n->area_ja, "%s", area);
    snprintf(n->what_ja, sizeof n->what_ja, "%s", wja);
    snprintf(n->todo_ja, sizeof n->todo_ja, "%s", dja);
    snprintf(n->what_en, sizeof n->what_en, "%s", wen);
    snprintf(n->todo_en, sizeof n->todo_en, "%s", den);
    n->starts_at = start;
    n->updated_at = start;
}

void notice_sample(struct app *a, int variant)
{
    struct notice_state *s = &a->notices;
    memset(s, 0, sizeof *s);
    int64_t t = a->wall_s - 1800;
    if (variant == 5) {
        /* the longest a band says in practice: a long area and what to do */
        sample_one(&s->list.items[0], 4, NOTICE_EMERGENCY_WARNING, 90, "大雨特別警報",
                   "Heavy rain emergency warning",
                   "中央地区 川ぞいの 地域と 北町 一丁目から 三丁目の 山ぞいの 地域",
                   "これまでに ない ような 大雨です。",
                   "いのちを まもる ことを すぐに して ください。 町の 避難の 知らせに "
                   "したがって ください。",
                   "Rain like never before.",
                   "Act now to save your life. Follow the town's evacuation notice.", t);
        s->list.n = 1;
    } else if (variant == 1) {
        sample_one(&s->list.items[0], 3, NOTICE_ADVISORY, 20, "雷注意報", "Thunderstorm advisory",
                   "中央地区", "かみなりが 鳴る おそれが あります。",
                   "外に いる ときは 建物の 中に 入ってください。", "Thunderstorms may occur.",
                   "If you are outside, go into a building.", t);
        s->list.n = 1;
    } else {
        sample_one(&s->list.items[0], 2, NOTICE_WARNING, 30, "大雨警報", "Heavy rain warning",
                   "中央地区", "大雨で 川の 水が ふえて います。",
                   "川や がけに 近づかないでください。", "Heavy rain is raising the river.",
                   "Keep away from rivers and slopes.", t);
        sample_one(&s->list.items[1], 1, NOTICE_EVACUATION_ORDER, 40, "避難指示",
                   "Evacuation order", "中央地区 川ぞいの 地域",
                   "川の 水が あふれる おそれが あります。",
                   "すぐに 中央小学校に 避難してください。", "The river may flood.",
                   "Go to Chuo Elementary School now.", t + 600);
        s->list.n = 2;
        notice_sort(&s->list);
    }
    s->known = true;
    s->fetched_at = a->wall_s - 720;
    s->stale = variant == 2;
}
