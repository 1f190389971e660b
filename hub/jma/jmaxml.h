/*
 * jmaxml.h: the JMA 防災情報XML parts the hub reads: the 気象警報・注意報 telegrams
 * (（Ｈ２７） VPWW54 and the 2026 （Ｒ０６） VPWW55–61), the 土砂災害警戒情報 telegram (VXWW50) and
 * the Atom feed that lists telegrams. Parsing only (libxml2, no network, no entity loading, hard
 * caps on everything); what a telegram means for the town's notices is decided by the notices store
 * (hub/store/notices.c). docs/disaster.md has the format mapping.
 *
 * A telegram is accepted only when it is whole: a well-formed Report in the JMA namespace,
 * Control/Title 気象警報・注意報（Ｈ２７）, Control/Status 通常 (訓練 and 試験 are refused as
 * not for the public), Head/InfoType 発表 / 訂正 / 取消, a Head/ReportDateTime with its
 * offset, and for 発表 / 訂正 the Body's Warning of type 気象警報・注意報（市町村等） with every
 * Item naming its Area code (7 digits) and every Kind its code (2 digits) and a known
 * Status (a Kind with the Status 発表警報・注意報はなし alone, as JMA writes an area with
 * nothing in force, is code 00). Anything else is refused with one sentence saying why;
 * nothing of it is used.
 *
 * A 土砂災害警戒情報 (Control/Title 土砂災害警戒情報) is read into the same structure, with
 * the same checks on Control and Head: its Body's Warning of type 土砂災害警戒情報 has one
 * Item per municipality (or part of one) with one Kind: code 3 (警戒, Status 発表 / 継続: in
 * force), 1 (解除) or 0 (なし); a Status that does not go with its code is refused. The
 * area gets that one kind, named for the screens as JMA names the information in the
 * telegram's Head/Title (レベル４土砂災害危険警報 since JMA's 2026 change, else
 * 土砂災害警戒情報); JMA's Kind/Name (警戒) is not shown.
 *
 * JMA's 2026 telegrams 気象警報・注意報（Ｒ０６）（大雨） … （その他注意報） (VPWW55–61) have
 * the Body of VPWW54 and are read by the same rules, each its own series; their kinds carry
 * the level in the name (レベル３大雨警報, code 03; レベル４大雨危険警報, 43).
 */
#ifndef HUB_JMA_JMAXML_H
#define HUB_JMA_JMAXML_H

#include <stddef.h>
#include <stdint.h>

#define JMA_TELEGRAM_MAX (1024 * 1024) /* bytes of one telegram */
#define JMA_AREAS_MAX    256           /* municipality items in one telegram */
#define JMA_KINDS_MAX    24            /* kinds listed for one area */
#define JMA_TEXT_MAX     128           /* bytes of a name (UTF-8), with its NUL */

/* The title every VPWW54 telegram (and its feed entry) carries. */
#define JMA_VPWW54_TITLE "気象警報・注意報（Ｈ２７）"
/* The title every VXWW50 telegram (and its feed entry) carries, also after 2026. */
#define JMA_VXWW50_TITLE "土砂災害警戒情報"

/* Which telegram a parsed one is. Each series keeps its own state per area: a 土砂災害警戒情報
 * neither ends nor is ended by the warnings of a 気象警報・注意報. 0 is VPWW54. */
enum jma_series {
    JMA_SERIES_WARNINGS = 0,  /* 気象警報・注意報（Ｈ２７）, VPWW54 */
    JMA_SERIES_LANDSLIDE = 1, /* 土砂災害警戒情報, VXWW50 */
    /* JMA's 2026 (R06) 気象警報・注意報, one telegram per hazard, read like VPWW54 (the same
     * municipality Warning, with the レベル kinds): 気象警報・注意報（Ｒ０６）（大雨） … */
    JMA_SERIES_R06_RAIN = 2,      /* （大雨）, VPWW55 */
    JMA_SERIES_R06_LANDSLIDE = 3, /* （土砂）, VPWW56 */
    JMA_SERIES_R06_SURGE = 4,     /* （高潮）, VPWW57 */
    JMA_SERIES_R06_STORM = 5,     /* （暴風）, VPWW58 */
    JMA_SERIES_R06_WAVES = 6,     /* （波浪）, VPWW59 */
    JMA_SERIES_R06_SNOW = 7,      /* （大雪）, VPWW60 */
    JMA_SERIES_R06_OTHER = 8,     /* （その他注意報）, VPWW61 */
    JMA_SERIES_COUNT
};

/* "VPWW54", "VXWW50", "VPWW55" … "VPWW61": the series as stored. */
const char *jma_series_name(enum jma_series s);

/* The series of a telegram (or feed entry) titled title (Control/Title), or -1 when the hub
 * does not read it. */
int jma_series_of_title(const char *title);

enum jma_info_type {
    JMA_ISSUE = 1,   /* 発表 */
    JMA_CORRECT = 2, /* 訂正: a full replacement, like 発表 */
    JMA_CANCEL = 3,  /* 取消: the office's previous telegram is withdrawn */
};

struct jma_kind {
    char code[3];            /* "03"; "00" = no warning or advisory for the area; VXWW50: "3" */
    char name[JMA_TEXT_MAX]; /* 大雨警報; VXWW50: 土砂災害警戒情報 (see above) */
    char status[JMA_TEXT_MAX]; /* 発表, 継続, 解除, 警報から注意報, ...; VXWW50: なし too */
    int in_force;              /* 1 unless the status is 解除 or the code 00 (VXWW50: 1 or 0) */
};

struct jma_area {
    char code[8];            /* 市町村等 code, 7 digits */
    char name[JMA_TEXT_MAX]; /* 千代田区 */
    int n_kinds;
    struct jma_kind kinds[JMA_KINDS_MAX];
};

struct jma_telegram {
    enum jma_series series;
    enum jma_info_type info_type;
    long long report_unix;     /* Head/ReportDateTime */
    char office[JMA_TEXT_MAX]; /* Control/PublishingOffice */
    char title[JMA_TEXT_MAX]; /* Head/Title: 東京都気象警報・注意報, 神奈川県土砂災害警戒情報 */
    int n_areas;
    struct jma_area areas[JMA_AREAS_MAX];
};

enum jma_result {
    JMA_OK = 0,
    JMA_REFUSED, /* reason says why; nothing of the telegram may be used */
    JMA_NOMEM,
};

/*
 * Parses one telegram from xml[0..len). On JMA_OK *out (caller-allocated; large: put it on
 * the heap) holds it; on JMA_REFUSED reason holds one English sentence (it names the
 * element at fault, never the telegram's free text).
 */
enum jma_result jma_parse_telegram(const char *xml, size_t len, struct jma_telegram *out,
                                   char *reason, size_t reasoncap);

#define JMA_FEED_MAX         (4 * 1024 * 1024) /* bytes of one feed document */
#define JMA_FEED_ENTRIES_MAX 2000
#define JMA_URL_MAX          512

struct jma_feed_entry {
    char url[JMA_URL_MAX];     /* link href (or id when there is no link) */
    char author[JMA_TEXT_MAX]; /* the office */
    long long updated_unix;
};

/*
 * Parses an Atom feed and keeps the entries titled 気象警報・注意報（Ｈ２７）,
 * 土砂災害警戒情報 or one of the R06 titles (others are skipped), oldest first. *out is owned
 * (free()), *n its length. JMA_REFUSED with reason for a document that is not an Atom feed.
 */
enum jma_result jma_parse_feed(const char *xml, size_t len, struct jma_feed_entry **out, int *n,
                               char *reason, size_t reasoncap);

#endif
