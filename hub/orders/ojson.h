/*
 * ojson: small checked readers over cJSON used by every parser of the orders library
 * (internal header). Each reader refuses what the API does not allow instead of
 * converting it: a number with a fraction is not an integer, a string with control
 * characters or broken UTF-8 is not text, an unknown key is an error (so a client's typo
 * is reported, not ignored).
 */
#ifndef OJSON_H
#define OJSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Parses len bytes (at most cap) as one JSON object. Returns 1 and an owned *root (free with
 * cJSON_Delete), or 0 with a message in err. */
int ojson_parse(const char *json, size_t len, size_t cap, cJSON **root, char *err, size_t errlen);

/* 1 if every key of obj is in the NULL-terminated list allowed; else 0 with err. */
int ojson_only_keys(const cJSON *obj, const char *const *allowed, char *err, size_t errlen);

/* 1 if v is a whole number in [lo, hi]; stores it in *out. */
int ojson_int(const cJSON *v, long long lo, long long hi, long long *out);

/* 1 if v is a string of 1..cap-1 bytes of valid UTF-8 without control characters; copies it
 * NUL-terminated into out. */
int ojson_text(const cJSON *v, char *out, size_t cap);

/* 1 if s[0..len) is valid UTF-8 without C0 control characters or DEL. */
int ojson_utf8_ok(const char *s, size_t len);

#endif
