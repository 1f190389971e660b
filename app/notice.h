/*
 * notice: disaster information and the town's notices as the kiosk shows them — the
 * Japan Meteorological Agency's warnings and advisories and the town's own notices
 * (避難指示, 避難所の開設, service hours, maintenance), as the hub sends them for this
 * device's area (GET /v1/notices, docs/api.md). This file holds the parsed list, the order
 * in which they are shown (避難指示 above all, then the higher level: 特別警報 > 警戒レベル4
 * 相当 (土砂災害警戒情報) > 警報 > 注意報),
 * which of them are in force now, and their plain words. The feature that polls and draws
 * them is feature_notice.c; the whole notices are on scr_notice.c.
 *
 * Threading: the list is filled on the platform's worker (parser) and handed over with its
 * event; everything else runs on the UI thread.
 */
#ifndef NOTICE_H
#define NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

#define NOTICE_MAX       12  /* notices kept; more than this for one area is not credible */
#define NOTICE_TITLE_MAX 192 /* bytes, UTF-8 (64 kanji) */
#define NOTICE_AREA_MAX  256
#define NOTICE_TEXT_MAX  1024 /* what / what to do: a few sentences each */

enum notice_kind {
    NOTICE_INFO = 0,
    NOTICE_EVACUATION_ORDER,   /* 避難指示: above everything */
    NOTICE_EMERGENCY_WARNING,  /* 特別警報 */
    NOTICE_EVACUATION_PREPARE, /* 高齢者等避難 */
    NOTICE_DANGER_WARNING, /* 警戒レベル4 相当: 土砂災害警戒情報, レベル４…危険警報 */
    NOTICE_WARNING,      /* 警報 */
    NOTICE_SHELTER_OPEN, /* 避難所の開設 */
    NOTICE_ADVISORY,     /* 注意報 */
    NOTICE_SERVICE_HOURS,
    NOTICE_MAINTENANCE,
};
/* The hub's word for a kind ("evacuation_order", ...); unknown words are NOTICE_INFO. */
enum notice_kind notice_kind_parse(const char *s);
const char *notice_kind_wire(enum notice_kind k);
/* True for the kinds that are about danger (drawn in the warning colour). */
bool notice_kind_urgent(enum notice_kind k);

struct notice {
    long long id;
    bool from_jma; /* source "jma" (気象庁), else the town */
    enum notice_kind kind;
    int level; /* higher = more urgent (the hub's number) */
    char title_ja[NOTICE_TITLE_MAX], title_en[NOTICE_TITLE_MAX];
    char area_ja[NOTICE_AREA_MAX];
    char area_kana[NOTICE_AREA_MAX]; /* its reading, said in its place; "" when none */
    char what_ja[NOTICE_TEXT_MAX], todo_ja[NOTICE_TEXT_MAX];
    char what_en[NOTICE_TEXT_MAX], todo_en[NOTICE_TEXT_MAX];
    int64_t starts_at, ends_at, updated_at; /* Unix s; ends_at 0 = until cancelled */
};

/* One answer of GET /v1/notices. */
struct notice_list {
    bool unchanged; /* 304: the list the kiosk has is still the hub's */
    int n;
    struct notice items[NOTICE_MAX];
};

/* What the kiosk knows (inside struct app). */
struct notice_state {
    struct notice_list list; /* in the order shown (notice_sort) */
    bool known;              /* the hub answered at least once */
    bool stale;              /* the last poll failed: the list is the last one received */
    int64_t fetched_at;      /* wall time of the last answer (200 or 304) */
    uint32_t req;
    bool loading;
    uint64_t next_poll_ms;
    int shown; /* notices in force at the last tick */
    int page;  /* scr_notice: which page of the whole notices */
    /* the most urgent notice last spoken (a new or changed one is spoken at once) */
    long long said_id;
    int64_t said_updated;
};

#define NOTICE_POLL_MS 30000 /* GET /v1/notices with If-None-Match */

/* Sorts the list: 避難指示 first, then level (higher first), then the more urgent kind,
 * then the newer. */
void notice_sort(struct notice_list *l);
/* True when n is in force at wall time now (started, not ended). */
bool notice_in_force(const struct notice *n, int64_t now);
/* The i-th notice in force now, in the order shown, or NULL; notice_count_now counts them. */
const struct notice *notice_nth(const struct app *a, int i);
int notice_count_now(const struct app *a);

/* The notice's words in the current language (English falls back to the Japanese when the
 * hub has none). */
const char *notice_title(const struct app *a, const struct notice *n);
const char *notice_what(const struct app *a, const struct notice *n);
const char *notice_todo(const struct app *a, const struct notice *n);

/* The banner's words: the most urgent notice's title, with detail ≥ 1 its area, with
 * detail 2 what to do; "ほか N 件" when there are more; when the last poll failed, the time
 * of the information, said honestly (in a sentence at detail 2, in short at the others;
 * detail 3 is detail 2 with the short form). */
void notice_banner_words(const struct app *a, int detail, char *buf, size_t size);
/* The same with the area cut to its first area_len bytes followed by " …" (SIZE_MAX: whole),
 * and at detail 1 the short time of the information when offline is true (the band plans
 * its height with the words it would say offline, so that it does not grow when the hub
 * cannot be reached). */
void notice_band_words(const struct app *a, int detail, size_t area_len, bool offline, char *buf,
                       size_t size);
/* "9:10 に 受け取った 情報です。いま 新しい 情報を 受け取れません。" or "" when fresh. */
void notice_stale_words(const struct app *a, char *buf, size_t size);
/* The words a reader hears for notice n (title, area, what, what to do). */
void notice_spoken_words(const struct app *a, const struct notice *n, char *buf, size_t size);

/* Catalogue samples: an evacuation order and a heavy-rain warning (variant 0), a single
 * advisory (1), the same as 0 but the hub unreachable since 9:00 (2), one emergency warning
 * with a long area and what to do (5). */
void notice_sample(struct app *a, int variant);

#endif
