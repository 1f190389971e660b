/*
 * hubreq_disaster.h: the request bodies of the disaster endpoints (docs/api.md, "disaster
 * notices and safety confirmation"): a town notice, a safety check, a safety answer. Same
 * rules as hubreq.h: raw bytes with their length, hard caps, valid UTF-8, one sentence in
 * msg on refusal. The fuzz target tests/hub/fuzz_hubreq.c drives them.
 */
#ifndef HUB_REQ_DISASTER_H
#define HUB_REQ_DISASTER_H

#include "hubreq.h"

#define HUBREQ_TITLE_CHARS   100  /* characters of a title */
#define HUBREQ_TEXT_BYTES    1000 /* bytes of a what / todo text */
#define HUBREQ_DISTRICTS_MAX 50
#define HUBREQ_DISTRICT_MAX  64 /* bytes of a district name */

struct hubreq_area {
    int whole_town;
    int n_districts; /* 1..HUBREQ_DISTRICTS_MAX when not whole_town */
    char districts[HUBREQ_DISTRICTS_MAX][HUBREQ_DISTRICT_MAX + 1];
};

/* Room for an area in words: every district and its separator. */
#define HUBREQ_AREA_WORDS_MAX (HUBREQ_DISTRICTS_MAX * (HUBREQ_DISTRICT_MAX + 3) + 16)

/* The area in words for screens: "町内全域", or the districts joined by "・". */
void hubreq_area_words(const struct hubreq_area *a, char *out, size_t cap);

struct hubreq_notice {
    char kind[HUBREQ_NAME_MAX]; /* [a-z_]; the face checks it is a town kind */
    char title_ja[HUBREQ_TITLE_CHARS * 4 + 1], title_en[HUBREQ_TITLE_CHARS * 4 + 1];
    char what_ja[HUBREQ_TEXT_BYTES + 1], todo_ja[HUBREQ_TEXT_BYTES + 1];
    char what_en[HUBREQ_TEXT_BYTES + 1], todo_en[HUBREQ_TEXT_BYTES + 1];
    struct hubreq_area area;
    char area_kana[HUBREQ_TITLE_CHARS * 3 + 1]; /* the place's reading; "" = none */
    int has_starts, has_ends;
    long long starts_at, ends_at; /* Unix seconds */
};

/* 1 when s is a reading the home tablet's voice can say: hiragana, katakana, ー, ・ and
 * spaces, at most HUBREQ_TITLE_CHARS characters. */
int hubreq_kana_only(const char *s);

/* POST /v1/notices. */
enum hubreq_status hubreq_parse_notice(const char *body, size_t len, struct hubreq_notice *out,
                                       char *msg, size_t msgcap);

struct hubreq_safety_check {
    char title_ja[HUBREQ_TITLE_CHARS * 4 + 1];
    struct hubreq_area area;
    long answer_within_min; /* 5..1440, default 60 */
};

/* POST /v1/safety-checks. */
enum hubreq_status hubreq_parse_safety_check(const char *body, size_t len,
                                             struct hubreq_safety_check *out, char *msg,
                                             size_t msgcap);

struct hubreq_safety_answer {
    const char *answer; /* static "safe" | "need_help" */
    int has_at;
    long long at; /* Unix seconds of the tap */
};

/* POST /v1/safety/{id}/answer. */
enum hubreq_status hubreq_parse_safety_answer(const char *body, size_t len,
                                              struct hubreq_safety_answer *out, char *msg,
                                              size_t msgcap);

#endif
