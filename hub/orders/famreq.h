/*
 * famreq: family requests. A resident sends one of a few fixed phrases to a family member
 * who consented to receive them; the family member answers with a fixed answer. Fixed
 * phrases keep the channel simple for the resident (one tap) and carry no free text, so
 * nothing personal beyond the request itself travels.
 *
 *   code           phrase (ja)             English
 *   call_me        電話してください        Please call me
 *   come_over      来てください            Please come over
 *   shopping_help  買い物を頼みたい        I'd like help with shopping
 *   answer: understood → わかりました
 *
 * Requests are stored by the hub's famreqs store (hub/store/famreqs.h) and delivered
 * through the queue to
 * "family:<id>" the same store-and-forward way as orders; the answer goes back to
 * "resident:<id>" for the kiosk.
 */
#ifndef FAMREQ_H
#define FAMREQ_H

#include <stddef.h>

#include "orders.h"

enum famreq_code {
    FAMREQ_CALL_ME = 0,
    FAMREQ_COME_OVER,
    FAMREQ_SHOPPING_HELP,
};

enum famreq_answer {
    FAMREQ_UNDERSTOOD = 0,
};

/* Wire code ("call_me", ...). */
const char *famreq_code_str(enum famreq_code c);
/* The phrase in Japanese (電話してください, ...). */
const char *famreq_phrase_ja(enum famreq_code c);
/* The phrase in English. */
const char *famreq_phrase_en(enum famreq_code c);
/* Parses a wire code. 0 and *c, or -1 if unknown. */
int famreq_code_from_str(const char *s, enum famreq_code *c);

const char *famreq_answer_str(enum famreq_answer a); /* "understood" */
const char *famreq_answer_ja(enum famreq_answer a);  /* わかりました */

/* Parses the resident's request body {"family_id": N, "code": "call_me"}. 0, or -1 with err. */
int famreq_parse_request(const char *json, size_t len, long long *family_id, enum famreq_code *code,
                         char *err, size_t errlen);

/* Parses the family's answer body {"answer": "understood"}. 0, or -1 with err. */
int famreq_parse_answer(const char *json, size_t len, enum famreq_answer *a, char *err,
                        size_t errlen);

/* A stored request. */
struct famreq {
    long long id, resident_id, family_id;
    enum famreq_code code;
    int answered; /* 1 once answered */
    enum famreq_answer answer;
    long long created_unix, answered_unix;
};

#endif
