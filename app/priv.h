/*
 * priv: the resident's own data in a card session and the family's alerts:
 * the access log (私の情報の記録), consents (同意の設定), alerts (安否), checkups (健診の結果)
 * and item trends. This file holds the data the hub's answers become (parsed on the
 * platform side, platform/sdl/privport.c), the state the screens share, and the pure
 * formatting the screens and the tests use: access-log sentences, judgement words and
 * icons, the range bar position, and paging.
 *
 * Everything here is personal data: it lives in struct app only, is never logged, and
 * priv_wipe() clears it when the session ends or the card is removed.
 */
#ifndef PRIV_H
#define PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "icon.h"

struct app;
struct app_event;

/* Hard caps on what is kept from an answer (the rest is dropped, never overflowed). */
#define PRIV_LOG_MAX      100 /* access-log entries kept (fetched 25 at a time) */
#define PRIV_LOG_CHUNK    25
#define PRIV_CONSENTS_MAX 32
#define PRIV_RECIP_MAX    12
#define PRIV_ALERTS_MAX   20
#define CK_LIST_MAX       40
#define CK_ITEMS_MAX      160 /* results in one checkup (特定健診 with its questionnaire: ~70) */
#define CK_POINTS_MAX     20
/* an item's or a checkup place's name: never cut on screen */
#define CK_NAME_MAX 256
/* one text result (the doctor's comment, findings) whole: the hub's 4000 characters */
#define CK_TEXT_MAX 12288
/* every text result of one checkup together; what does not fit is cut and said so */
#define CK_POOL_MAX (64 * 1024)
/* a qualitative result's code as sent, and its words */
#define CK_CODE_MAX   64
#define PRIV_WORD     64
#define PRIV_NAME     96
#define PRIV_SENTENCE 320

/* What is asked of the hub. */
enum priv_what {
    PRIV_REQ_LOG,         /* GET /v1/session/access-log?limit&before (session) */
    PRIV_REQ_CONSENTS,    /* GET /v1/session/consents (session) */
    PRIV_REQ_CONSENT_SET, /* POST /v1/session/consents (session) */
    PRIV_REQ_ALERTS,      /* GET /v1/session/alerts (session) */
    PRIV_REQ_FAM_ALERTS,  /* GET /v1/residents/{id}/alerts (family token) */
    PRIV_REQ_ACK,         /* POST /v1/alerts/{id}/ack (family token) */
    PRIV_REQ_CK_LIST,     /* GET /v1/session/checkups?limit&before (session) */
    PRIV_REQ_CK_ONE,      /* GET /v1/session/checkups/{id} (session) */
    PRIV_REQ_CK_TREND,    /* GET /v1/session/checkup-trend?identity (session) */
};

struct priv_request {
    enum priv_what what;
    long long id;     /* FAM_ALERTS: resident; ACK: alert; CK_ONE: checkup */
    long long before; /* LOG, CK_LIST: 0 = newest */
    int limit;
    /* CONSENT_SET */
    char recipient_kind[16];
    long long recipient_id;
    char data_kind[PRIV_WORD];
    char purpose[32];
    bool granted;
    /* CK_TREND */
    char identity[8];
};

enum ck_judgement { CK_J_NONE, CK_J_NORMAL, CK_J_GUIDANCE, CK_J_SEE_DOCTOR };
/* "normal" ... → the enum (unknown words → CK_J_NONE). */
enum ck_judgement ck_judgement_parse(const char *s);
const char *ck_judgement_str(enum ck_judgement j);

struct priv_log_entry {
    long long id;
    int64_t at_unix;
    char actor_kind[16];
    char actor_name[PRIV_NAME];
    char action[48];
    char outcome[48];
    char data_kinds[PRIV_WORD];
    char purpose[32];
    char basis[PRIV_WORD];
    /* a grouped line (GET /v1/session/access-summary): how many looks that day, and
     * whether it is the resident's own action */
    int count;
    bool own;
};

struct priv_consent {
    long long id;
    char recipient_kind[16];
    long long recipient_id;
    char recipient_name[PRIV_NAME];
    char data_kind[PRIV_WORD];
    char purpose[32];
};

struct priv_recipient {
    char kind[16];
    long long id;
    char name[PRIV_NAME];
    char relation[32];
};

/* Who was alerted at one level, and whether someone there has acknowledged. */
struct priv_level {
    char level[16]; /* family, city */
    bool acked;
    char acked_kind[16];
    char acked_name[PRIV_NAME];
    int64_t acked_unix;
};

struct priv_alert {
    long long id;
    char kind[16]; /* missed, help, unwell */
    char level[16];
    int64_t raised_unix;
    bool acked;
    char acked_kind[16];
    char acked_name[PRIV_NAME];
    int64_t acked_unix;
    char group[48]; /* alerts of one event (one help press at both levels) share it */
    /* after priv_alerts_merge: every level of the event, family first (nlev 0 = unmerged) */
    int nlev;
    struct priv_level lev[2];
};

struct ck_summary {
    long long id;
    char date[16];
    int year;
    char source[CK_NAME_MAX];
    char org[CK_NAME_MAX];
    int none, normal, guidance, see_doctor;
};

/* What a result is (the hub's "kind"): a number, a code of a qualitative result (尿糖 －,
 * ±, +, 2+ …), a free text (comments, findings) or a date. */
enum ck_kind { CK_K_NUMBER, CK_K_CODE, CK_K_TEXT, CK_K_DATE };

struct ck_item {
    char identity[8];
    char name[CK_NAME_MAX];
    enum ck_kind kind;
    bool has_value;
    double value;
    char code[CK_CODE_MAX];     /* CODE: the code as sent ("1", "－", "2+") */
    char words_ja[CK_CODE_MAX]; /* CODE: the code in words from the hub (マイナス), or "" */
    char words_en[CK_CODE_MAX];
    uint32_t text_at, text_len; /* TEXT / DATE: the whole string, in the checkup's pool */
    bool text_cut;              /* the pool was full: only the start was kept */
    char unit_display[24];
    bool has_low, has_high;
    double low, high;
    enum ck_judgement judgement;
    bool has_threshold, has_see_doctor, higher_is_worse;
    double t_guidance, t_see_doctor;
    char explain_ja[PRIV_SENTENCE];
    char explain_en[PRIV_SENTENCE];
};

struct ck_detail {
    long long id;
    char date[16]; /* the examination date (YYYY-MM-DD) */
    int year;
    char org[CK_NAME_MAX];
    int n;
    struct ck_item items[CK_ITEMS_MAX];
    uint32_t pool_len;
    char pool[CK_POOL_MAX]; /* the items' texts, each NUL-terminated (ck_item_text) */
};

struct ck_point {
    long long checkup_id;
    char date[16];
    int year;
    double value;
    enum ck_judgement judgement;
};

struct ck_trend {
    char identity[8];
    char name[CK_NAME_MAX];
    char unit_display[24];
    bool has_threshold, has_see_doctor, higher_is_worse;
    double t_guidance, t_see_doctor;
    bool has_low, has_high; /* the lab's range (newest result), for items without a threshold */
    double low, high;
    int n;
    struct ck_point points[CK_POINTS_MAX];
};

/* One row of the consent screen: a recipient × a kind of data, and whether it is on. */
struct priv_row {
    char recipient_kind[16];
    long long recipient_id;
    char recipient_name[PRIV_NAME];
    char relation[32];
    char data_kind[PRIV_WORD];
    char purpose[32];
    bool on;
    bool revoked; /* was granted once and revoked (it can be granted again) */
};
#define PRIV_ROWS_MAX 24

/* One hub answer, parsed (owned by the app_event that carries it; plain memory: free()). */
struct priv_answer {
    enum priv_what what;
    int n;                 /* entries used in the array of `what` */
    long long next_before; /* LOG, CK_LIST: 0 = no more */
    bool changed;          /* CONSENT_SET, ACK */
    union {
        struct priv_log_entry log[PRIV_LOG_CHUNK];
        struct {
            struct priv_consent c[PRIV_CONSENTS_MAX];
            int nr;
            struct priv_recipient r[PRIV_RECIP_MAX];
            int nch; /* "choices": every recipient x kind, on or off (0: an older hub) */
            struct priv_row ch[PRIV_ROWS_MAX];
        } consents;
        struct priv_alert alerts[PRIV_ALERTS_MAX];
        struct ck_summary cks[CK_LIST_MAX];
        struct ck_detail ck;
        struct ck_trend trend;
    } u;
};

/* A load from the hub: which request is outstanding and how the last one ended. */
struct priv_load {
    uint32_t req;
    bool loading, loaded, failed;
    long status; /* HTTP status of a refusal, else 0 */
};

struct priv_state {
    /* access log: pages of entries, newest first */
    struct priv_load log_ld;
    struct priv_log_entry log[PRIV_LOG_MAX];
    int log_n;
    long long log_next; /* before-id of the next chunk, 0 = none */
    int log_page;

    /* consents */
    struct priv_load cons_ld;
    struct priv_row rows[PRIV_ROWS_MAX];
    int rows_n;
    int rows_page;
    int pending_row; /* the row whose change waits for confirmation, -1 none */
    bool pending_on;
    int ask_row; /* 1-based row whose change waits for the confirm dialog, 0 none */
    bool ask_on;
    struct priv_load set_ld; /* the change being sent */
    bool set_changed;
    char set_words[PRIV_SENTENCE]; /* what changed, in words (result screen) */

    /* alerts of the session's resident (安否) / of the family's resident */
    struct priv_load al_ld;
    struct priv_alert alerts[PRIV_ALERTS_MAX];
    int alerts_n;
    int alerts_page;
    struct priv_load fam_ld;
    struct priv_alert fam[PRIV_ALERTS_MAX];
    int fam_n;
    int fam_page;
    struct priv_load ack_ld;
    long long ack_id;

    /* checkups */
    struct priv_load ckl_ld;
    struct ck_summary cks[CK_LIST_MAX];
    int cks_n;
    long long cks_next;
    int cks_page;
    int cks_pages; /* pages of the list as last drawn (for the title) */
    struct priv_load ck_ld;
    struct ck_detail ck;
    int ck_page;
    int ck_pages;  /* pages of the checkup as last drawn (for the title) */
    int ck_sel;    /* the item whose detail is open (index into ck.items) */
    int item_page; /* the detail's page */
    int item_pages;
    struct priv_load tr_ld;
    struct ck_trend trend;

    /* pages of the choice screens when their buttons do not fit one (a band, large text) */
    int menu_page, menu_pages; /* 私の情報 */
    int own_page, own_pages;   /* カードで 見る */
};

/* --- state changes (app.c calls priv_handle and priv_wipe) --- */

/* Forgets everything (explicit_bzero): session end, card removed, logout. */
void priv_wipe(struct app *a);
/* A PRIV answer arrived (ev->priv may be NULL on failure). */
void priv_handle(struct app *a, const struct app_event *ev);
/* A load's request was just made: req from the port, 0 when it could not even be sent
 * (for a session request: there is no card session any more, said as such). */
void priv_load_sent(struct app *a, struct priv_load *ld, uint32_t req, bool session);
/* Ends ld with ev when ev answers it (else false, nothing changed); true when the hub
 * answered and the answer parsed (`parsed`), else ld says how it failed. */
bool priv_load_end(struct app *a, struct priv_load *ld, const struct app_event *ev, bool parsed);
/* Starts loads; each is a no-op while the same load is in flight. */
void priv_load_log(struct app *a, bool more);
void priv_load_consents(struct app *a);
void priv_load_alerts(struct app *a);
void priv_load_fam_alerts(struct app *a);
void priv_ack(struct app *a, long long alert_id);
void priv_load_checkups(struct app *a, bool more);
void priv_load_checkup(struct app *a, long long id);
void priv_load_trend(struct app *a, const char *identity);
/* Sends the confirmed change of consent row `row` (on = grant). */
void priv_set_consent(struct app *a, int row, bool on);
/* Any priv request in flight (the scripts' `settle`). */
bool priv_busy(const struct app *a);
/* Folds alerts of one event (same group: a help press at both levels) into its first
 * entry, with every level's state in lev[] (family first); returns the new count. */
int priv_alerts_merge(struct priv_alert *al, int n);
/* Number of open (unacknowledged) alerts in a list. */
int priv_open_alerts(const struct priv_alert *al, int n);
/* Builds the consent rows from a CONSENTS answer: the hub's choices (every recipient × kind,
 * revoked ones included) when it sends them; else every linked family member × safety and
 * every consented recipient × its kind. Returns the number of rows. */
int priv_rows_from(const struct priv_answer *ans, struct priv_row *rows, int max);

/* --- formatting (pure; words from the app's current language) --- */

/* ◀ page/pages ▶ for these screens: height, and the drawn pager's -1 / 0 / +1. */
struct ui_rect;
int priv_pager_height(struct app *a, int w);
int priv_pager(struct app *a, struct ui_rect r, int page, int pages);
/* The same for a list not ordered by time (the consents): 前へ / 次へ, not 新しい / 古い. */
int priv_pager_seq_height(struct app *a, int w);
int priv_pager_seq(struct app *a, struct ui_rect r, int page, int pages);
/* A body paragraph at y (full width of c); returns the height used plus a gap. */
int priv_para(struct app *a, struct ui_rect c, int y, bool bold, const char *text);

/* A paragraph and choice buttons, one a row across the width, paged with 前へ / 次へ below
 * when they do not fit c (at most four buttons a page: with the pager, six choices); the
 * paragraph continues over pages between its lines; the buttons keep their ids. Returns the
 * index of the button tapped, or -1; *page is the page shown (kept while it exists), *pages
 * gets the count (for the title). */
#define PRIV_CHOICES_MAX 6
struct wg_button;
int priv_choices_paged(struct app *a, struct ui_rect c, const char *body, const struct wg_button *b,
                       int n, int *page, int *pages);

/* One item of a paged list: its words (bold or not) and, when btn is set, a button right
 * below them (half the width, the whole width when its words need more lines there). */
struct priv_item {
    const char *text;
    bool bold;
    const struct wg_button *btn;
};
/* The items of a list in c.h - room_less of c, paged by pageflow: an item's words continue
 * on the next page between their lines when they do not fit (a notice band at large text),
 * nothing is cut; at most max_btn buttons a page (0: no limit). Draws page *page (clamped
 * and written back) and returns the number of pages; *tapped gets the index of the item
 * whose button was tapped, or -1. The caller draws its pager in the room it kept. */
#define PRIV_ITEMS_MAX PRIV_LOG_MAX
int priv_items_frame(struct app *a, struct ui_rect c, int room_less, const struct priv_item *it,
                     int n, int max_btn, int *page, int *tapped);

/* A change's result screen for the change ld sends: sending…, then `done` (in the success
 * colour) or that it failed and why (the warning colour), and an OK button at the foot;
 * true when OK is tapped. */
bool priv_result_frame(struct app *a, struct ui_rect c, const struct priv_load *ld,
                       const char *done);

/* What a load is doing, in words, when it has nothing to show (sending, cannot connect,
 * refused with the number, the card session ended); NULL when loaded. */
const char *priv_load_words(const struct app *a, const struct priv_load *ld, char *buf,
                            size_t size);

/* "3月4日 10:12 長女 花子さんが 安否の記録を 見ました（見守りのため・あなたの同意）" */
void priv_log_sentence(const struct app *a, const struct priv_log_entry *e, char *buf, size_t size);
/* The kind of data in words ("安否の記録", "健診の結果"). */
const char *priv_data_words(const struct app *a, const char *data_kind);
/* Who a recipient is in words ("長女 花子さん", "市の 見守り係"). */
void priv_recipient_words(const struct app *a, const char *kind, const char *name,
                          const char *relation, char *buf, size_t size);
/* ご家族 / 市の 見守り係: who is alerted at a level. */
const char *priv_level_words(const struct app *a, const char *level);
/* An alert in words: what, when, and who acknowledged it (or that nobody has yet); a merged
 * one names each level's state on its own line. */
void priv_alert_sentence(const struct app *a, const struct priv_alert *al, char *buf, size_t size);
/* Judgement: its words (基準内 / 保健指導 / 受診をおすすめ / 判定なし) and its icon. */
const char *ck_judgement_words(const struct app *a, enum ck_judgement j);
enum icon_id ck_judgement_icon(enum ck_judgement j);
/* A text result's words (kept in d's pool), "" when none. */
const char *ck_item_text(const struct ck_detail *d, const struct ck_item *it);
/* Keeps s (up to CK_TEXT_MAX bytes) as it's text in d's pool; what does not fit is cut at a
 * character boundary and it->text_cut set. */
void ck_item_set_text(struct ck_detail *d, struct ck_item *it, const char *s);
/* "6.8 %" (value with unit); a code result in words (マイナス, never the bare code); a text
 * result as it is (from d, which may be NULL for an item outside a checkup); "—" none. Uses
 * the app's language for the words. */
void ck_value_text(const struct app *a, const struct ck_detail *d, const struct ck_item *it,
                   char *buf, size_t size);
/* A qualitative result's code in words in the app's language: the hub's words when it sent
 * them, else the common codes (－ ± + 2+ 3+ 4+ and their ASCII forms) mapped here; NULL
 * when the code is not one of those and the hub sent no words. */
const char *ck_code_words(const struct app *a, const struct ck_item *it);
/* A number as people write it: at most 2 decimals, no trailing zeros ("6.8", "142"). */
void ck_num_text(double v, char *buf, size_t size);
/* The same with its unit when there is one ("6.8 %"). */
void ck_num_unit(double v, const char *unit, char *buf, size_t size);
/* Where the value sits on the item's bar, 0..1 (clamped), and the bar's axis [lo, hi]:
 * the range (or thresholds) widened by half its width on each side so that values just
 * outside still show. Returns false when the item has no number or nothing to compare. */
bool ck_bar(const struct ck_item *it, double *pos, double *lo, double *hi);
/* Splits n rows of the given heights into pages that fit `avail` (each page ≥ 1 row).
 * Writes the first row of each page into starts (up to max_pages) and returns the number
 * of pages (≥ 1). */
int priv_paginate(const int *heights, int n, int avail, int *starts, int max_pages);
/* The same with at most per_page rows a page (0 = no limit). */
int priv_paginate_max(const int *heights, int n, int avail, int per_page, int *starts,
                      int max_pages);

/* A checkup's "2025-06-10" as Unix time of noon that day in Japan; 0 when malformed. */
int64_t ck_day_unix(const char *date);
/* A checkup's "2025-06-10" as a date in words (令和7年6月10日 (2025年)). */
void ck_date_words(const struct app *a, const char *date, char *buf, size_t size);

/* The rows of a checkup: indexes of its items, those needing a doctor first, then
 * guidance, within range, not judged (stable); text results (comments) are not rows.
 * Returns how many. */
int ck_rows_order(const struct ck_detail *d, int *rows, int cap);
/* A row's words: "収縮期血圧: 142 mmHg（受診をおすすめ）". */
void ck_row_text(const struct app *a, const struct ck_detail *d, const struct ck_item *it,
                 char *buf, size_t size);

/* --- catalogue samples (sample state without a hub) --- */
void priv_sample_log(struct app *a, int n);
void priv_sample_consents(struct app *a);
void priv_sample_alerts(struct app *a, struct priv_alert *al, int *n, bool open_only);
void priv_sample_checkups(struct app *a);
void priv_sample_checkup(struct app *a);
void priv_sample_trend(struct app *a);

#endif
