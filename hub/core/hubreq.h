/*
 * hubreq.h: parsing of request bodies and headers that come from outside. Every function
 * takes the raw bytes with their length (bodies are not NUL-terminated and may hold
 * anything), applies hard caps, and on refusal writes one plain-English sentence into msg
 * saying what is wrong and what a good request looks like. No function here touches the
 * database; the fuzz target (tests/hub/fuzz_hubreq.c) drives them all.
 */
#ifndef HUB_REQ_H
#define HUB_REQ_H

#include <stddef.h>

enum hubreq_status {
    HUBREQ_OK = 0,
    HUBREQ_BAD_JSON,  /* not JSON, or not a JSON object */
    HUBREQ_BAD_FIELD, /* JSON, but a field is missing, of the wrong type or out of range */
};
const char *hubreq_status_str(enum hubreq_status s);

/* POST /v1/checkins: {"answer":"genki"|"itsumo"|"genkinai"}. *answer gets a static
 * string. */
enum hubreq_status hubreq_parse_checkin(const char *body, size_t len, const char **answer,
                                        char *msg, size_t msgcap);

#define HUBREQ_CHALLENGE_LEN 32
#define HUBREQ_CERT_MAX      8192
#define HUBREQ_SIG_MAX       1024

struct hubreq_card_login {
    unsigned char challenge[HUBREQ_CHALLENGE_LEN];
    unsigned char cert[HUBREQ_CERT_MAX];
    size_t cert_len;
    unsigned char sig[HUBREQ_SIG_MAX];
    size_t sig_len;
};

/* POST /v1/auth/card-login: {"challenge":b64 (32 bytes),"certificate":b64 DER,
 * "signature":b64}. */
enum hubreq_status hubreq_parse_card_login(const char *body, size_t len,
                                           struct hubreq_card_login *out, char *msg, size_t msgcap);

#define HUBREQ_NAME_MAX 32

/* POST /v1/activity: {"kind":"touch"} (kind: 1-31 of [a-z_]; the body may be {} for
 * "touch"). kind (room for HUBREQ_NAME_MAX) gets the kind. */
enum hubreq_status hubreq_parse_activity(const char *body, size_t len, char *kind, char *msg,
                                         size_t msgcap);

struct hubreq_consent {
    char recipient_kind[HUBREQ_NAME_MAX]; /* "family" | "staff" | "operator" */
    long long recipient_id;
    char data_kind[HUBREQ_NAME_MAX]; /* "safety" | "checkups" | "checkups:<source id>" |
                                        "address" | "orders" */
    char purpose[HUBREQ_NAME_MAX];   /* [a-z_]{1,31} */
    int granted;                     /* 1 grant, 0 revoke */
};

/* POST /v1/session/consents: {"recipient":{"kind":"family","id":N},"data_kind":"safety",
 * "purpose":"watch_over","granted":true}. */
enum hubreq_status hubreq_parse_consent(const char *body, size_t len, struct hubreq_consent *out,
                                        char *msg, size_t msgcap);

/* An Idempotency-Key header value: 1-64 chars of [A-Za-z0-9_-]. Returns 1 if valid. */
int hubreq_valid_idempotency_key(const char *key);

/* A positive decimal id (1..2^53) from text[0..len). Returns the id or -1. */
long long hubreq_parse_id(const char *text, size_t len);

#endif
