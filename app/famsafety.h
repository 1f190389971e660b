/*
 * famsafety: the town's safety confirmation (安否確認) as a family tablet sees it. The hub
 * lists the checks of the last 7 days that asked a resident the family member is linked
 * to with the watch-over consent (GET /v1/family/safety); for the resident shown the
 * family screen announces the newest one at its top (the check's title and ぶじです /
 * 助けが いる / まだ 答えていません with the time), and one tap opens famsafety's screen
 * (what was asked when, the answer, and what to do: phone them, or 119).
 *
 * Polled with the family list (every family_refresh_s and on 更新する); the port asks with
 * If-None-Match, so an unchanged list costs a 304. The feature is feature_famsafety.c, the
 * screen scr_fam_safety.c, the parser platform/hubapi/famsafetyport.c.
 * Threading: UI thread (the list is parsed on the platform's worker and handed over).
 */
#ifndef FAMSAFETY_H
#define FAMSAFETY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safety.h"

#define FAMSAFETY_MAX 16 /* (check, resident) rows kept from one answer */

/* What the family reads for one resident under one check. */
enum famsafety_state { FAMSAFETY_NO_ANSWER, FAMSAFETY_SAFE, FAMSAFETY_HELP };

/* One resident under one check. */
struct famsafety_entry {
    long long check_id;
    char title_ja[SAFETY_TITLE_MAX];
    int64_t started_at;
    int64_t closed_at; /* 0 = still open */
    long resident_id;
    enum safety_answer answer;
    int64_t answered_at; /* 0 = none */
};

/* GET /v1/family/safety, flattened; unchanged: the hub answered 304 (keep the list). */
struct famsafety_list {
    bool unchanged;
    int n;
    struct famsafety_entry items[FAMSAFETY_MAX];
};

struct famsafety {
    struct famsafety_list list;
    bool known;
    bool loading;
    uint32_t req;
};

struct app;
/* An answer's state: a check's answer is the latest one the hub has. */
enum famsafety_state famsafety_state_of(const struct famsafety_entry *e);
/* The newest check that asked resident id, or NULL. */
const struct famsafety_entry *famsafety_newest(const struct famsafety_list *l, long resident_id);
/* The family screen's one line: "{title}：「ぶじです」と 答えました（9:12）" (the time with
 * the date when it is not today); without the title: "安否確認：…" (large text). */
void famsafety_banner_words(const struct app *a, const struct famsafety_entry *e, bool with_title,
                            char *buf, size_t size);
/* The page's words: when the town asked; the answer and what to do. */
void famsafety_asked_words(const struct app *a, const struct famsafety_entry *e, char *buf,
                           size_t size);
void famsafety_detail_words(const struct app *a, const struct famsafety_entry *e, char *buf,
                            size_t size);
/* Catalogue: 0 no answer, 1 safe, 2 need help (for a->resident_id). */
void famsafety_sample(struct app *a, int variant);

#endif
