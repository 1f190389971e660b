/*
 * safety: the town's safety confirmation (安否確認) on the home tablet. After a disaster the
 * town asks everyone in an area "ぶじですか"; the hub lists this tablet's resident's open
 * checks (GET /v1/safety), the tablet shows the question first with two big answers
 * (ぶじです / 助けが いる) and sends the answer like a check-in: through the outbox, exactly
 * once, kept across a cut network and a restart (POST /v1/safety/{id}/answer). Then the
 * screen says what was sent and when; "need help" says the town has been told — once the
 * hub has it, and honestly that it is still waiting before that.
 *
 * The feature is feature_safety.c; the screen scr_safety.c.
 * Threading: UI thread (the list is parsed on the platform's worker and handed over).
 */
#ifndef SAFETY_H
#define SAFETY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAFETY_MAX       4
#define SAFETY_TITLE_MAX 192
#define SAFETY_POLL_MS   30000 /* with the notices: a confirmation starts after a warning */

enum safety_answer { SAFETY_NONE = 0, SAFETY_SAFE, SAFETY_NEED_HELP };
/* "safe", "need_help"; NULL for SAFETY_NONE */
const char *safety_answer_wire(enum safety_answer a);
/* -1 for an unknown word, SAFETY_NONE for NULL/"" */
int safety_answer_parse(const char *s);

struct safety_check {
    long long id;
    char title_ja[SAFETY_TITLE_MAX];
    int64_t asked_at;
    enum safety_answer answer; /* the hub's: answered already (from this tablet or another) */
    int64_t answered_at;
};

/* GET /v1/safety */
struct safety_list {
    int n;
    struct safety_check items[SAFETY_MAX];
};

/* SAFETY_SENT: which check and answer a delivery report is about (after a restart the
 * outbox reports an answer the app did not make in this run). */
struct safety_sent {
    long long check_id;
    enum safety_answer answer;
    int64_t at;
};

enum safety_send { SAFETY_IDLE, SAFETY_SENDING, SAFETY_DONE, SAFETY_KEPT, SAFETY_FAILED };

struct safety_state {
    struct safety_list list;
    bool known;
    uint32_t list_req;
    bool loading;
    uint64_t next_poll_ms;
    /* the check on screen and what this tablet answered to it */
    long long check_id;
    char title[SAFETY_TITLE_MAX];
    enum safety_answer answer;
    int64_t answered_at; /* the tap (kept or sending) or the hub's time (done) */
    enum safety_send send;
    uint32_t send_req;
    long status; /* the hub's refusal */
    unsigned key_counter;
    /* checks answered on this tablet (so a poll before the delivery does not ask again) */
    long long answered_ids[SAFETY_MAX * 2];
    int answered_n;
};

struct app;
/* The open check this tablet has not answered yet, or NULL. */
const struct safety_check *safety_open(const struct app *a);
/* Notes that this tablet answered check id (kept until the hub lists the answer). */
void safety_remember(struct app *a, long long id);
/* Sends the answer to the check on screen (outbox) and shows what happened. */
void safety_answer(struct app *a, enum safety_answer ans);
/* The question's words and the result's ("9:12 に「ぶじです」と 送りました。..."). */
void safety_result_words(const struct app *a, char *buf, size_t size);
/* Catalogue: 0 the question, 1 safe sent, 2 need help sent, 3 kept (offline), 4 sending */
void safety_sample(struct app *a, int variant);

#endif
