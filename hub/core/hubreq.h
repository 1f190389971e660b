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

struct cJSON;

/* Every body parsed here is at most this long (the server refuses longer ones before
 * reading them; docs/api.md). */
#define HUBREQ_BODY_MAX (64u * 1024u)

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

/*
 * The checked JSON readers every parser of outside JSON uses (here, the orders library's
 * catalogue, order, status and family-request parsers). Each refuses what an API does not
 * allow instead of converting it: a number with a fraction is not an integer, a string with
 * control characters or broken UTF-8 is not text, an unknown or repeated key is an error
 * (a client's typo is reported, not ignored).
 */

/* Parses text[0..len) (at most cap bytes; what names it in messages, NULL: "request body";
 * example, may be NULL, shows a good one) as one JSON object with nothing but whitespace
 * after it. 1 and an owned *root (cJSON_Delete), or 0 with a sentence in msg. */
int hubreq_json_object(const char *text, size_t len, size_t cap, const char *what,
                       const char *example, struct cJSON **root, char *msg, size_t msgcap);
/* 1 if every key of obj is in the NULL-terminated list allowed, each at most once; else 0
 * with msg naming the key. */
int hubreq_json_only_keys(const struct cJSON *obj, const char *const *allowed, char *msg,
                          size_t msgcap);
/* 1 if v is a whole number in [lo, hi] (within +-2^53); stores it in *out. */
int hubreq_json_int(const struct cJSON *v, long long lo, long long hi, long long *out);
/* 1 if v is a string of 1..cap-1 bytes of valid UTF-8 without control characters; copies it
 * NUL-terminated into out. */
int hubreq_json_text(const struct cJSON *v, char *out, size_t cap);
/* 1 if s[0..len) is valid UTF-8 (no overlong forms or surrogates) without C0 control
 * characters or DEL. */
int hubreq_utf8_ok(const char *s, size_t len);

/* POST /v1/help: no body, or {} (a help call carries nothing else). Anything else is
 * refused, so a broken client is told rather than raising alerts by accident. */
enum hubreq_status hubreq_parse_help(const char *body, size_t len, char *msg, size_t msgcap);

/* 1 if the Content-Type header value ct is one of the NULL-terminated media types (compared
 * without case), with at most the parameter charset=utf-8; 0 otherwise (NULL: 0). */
int hubreq_media_type_ok(const char *ct, const char *const *types);

/* An Idempotency-Key header value: 1-64 chars of [A-Za-z0-9_-]. Returns 1 if valid (NULL:
 * 0). */
int hubreq_valid_idempotency_key(const char *key);

/* A positive decimal id (1..2^53) from text[0..len). Returns the id or -1. */
long long hubreq_parse_id(const char *text, size_t len);

#endif
