/*
 * jmakinds.h: what the hub says about each kind of JMA warning (気象特別警報・警報・注意報
 * codes of the 防災情報XML code table): its class (特別警報 / 警報 / 注意報, which is the
 * notice's kind and level) and plain words in Japanese (やさしい日本語) and English for
 * what is happening and what to do. docs/disaster.md lists them.
 */
#ifndef HUB_JMA_JMAKINDS_H
#define HUB_JMA_JMAKINDS_H

struct jma_kind_words {
    const char *code;    /* "03" */
    const char *kind;    /* "emergency_warning" | "danger_warning" | "warning" | "advisory" */
    const char *name_ja; /* 大雨警報 */
    const char *name_en;
    const char *what_ja, *todo_ja, *what_en, *todo_en;
};

/*
 * The words for code. A code the table does not know (JMA added one) is classed by the
 * end of its JMA name (…特別警報 / …警報 / …注意報) with general words, so a new warning
 * still reaches the screens; NULL when neither says what it is.
 */
const struct jma_kind_words *jma_kind_words(const char *code, const char *jma_name);

/*
 * The words for a 土砂災害警戒情報 in force (VXWW50, kind code 3), class "danger_warning":
 * 警戒レベル4 相当, as JMA's telegram says. title is the name the parser gave it (土砂災害警戒情報
 * or, since JMA's 2026 change, レベル４土砂災害危険警報): the row of that name, so name_ja is
 * what the screens show. Never NULL.
 */
const struct jma_kind_words *jma_landslide_words(const char *title);

/*
 * The R06 series ("VPWW55" … "VPWW61") that carries again the kind code of a telegram of
 * series ("VPWW54", or "VXWW50" whose one kind VPWW56 carries as レベル４土砂災害危険警報), or
 * NULL when none does. Once an area has received that R06 telegram, the older kind is not
 * shown for the area (docs/disaster.md).
 */
const char *jma_r06_covering(const char *series, const char *code);

#endif
