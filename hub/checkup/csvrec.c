/*
 * csvrec: RFC 4180 record reader (see csvrec.h). A straight state machine over bytes;
 * it never looks at encodings, so UTF-8 passes through untouched.
 */
#include "csvrec.h"

#include <string.h>

const char *csvrec_status_str(enum csvrec_status s)
{
    switch (s) {
    case CSVREC_OK:
        return "ok";
    case CSVREC_EOF:
        return "eof";
    case CSVREC_TOO_MANY_FIELDS:
        return "too_many_fields";
    case CSVREC_TOO_LONG:
        return "record_too_long";
    case CSVREC_BAD_QUOTE:
        return "bad_quote";
    case CSVREC_NUL:
        return "nul_byte";
    }
    return "unknown";
}

void csvrec_init(struct csvrec *r, const char *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->line = 1;
    r->rec_line = 1;
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        r->pos = 3;
}

enum csvrec_status csvrec_next(struct csvrec *r, char *store, size_t store_cap, const char **fields,
                               size_t max_fields, size_t *n_fields)
{
    size_t out = 0, nf = 0;
    int quoted = 0, after_quote = 0, field_start = 1;

    *n_fields = 0;
    if (r->pos >= r->len)
        return CSVREC_EOF;
    if (store_cap == 0 || max_fields == 0)
        return CSVREC_TOO_LONG;
    r->rec_line = r->line;
    fields[nf++] = store;
    for (;;) {
        if (r->pos >= r->len) {
            if (quoted && !after_quote)
                return CSVREC_BAD_QUOTE;
            break;
        }
        char c = r->buf[r->pos++];
        if (c == '\0')
            return CSVREC_NUL;
        if (quoted && !after_quote) {
            if (c == '"') {
                if (r->pos < r->len && r->buf[r->pos] == '"') {
                    r->pos++; /* a doubled quote is one quote character */
                } else {
                    after_quote = 1;
                    continue;
                }
            } else if (c == '\n') {
                r->line++;
            }
            if (out + 1 >= store_cap)
                return CSVREC_TOO_LONG;
            store[out++] = c;
            continue;
        }
        if (c == ',') {
            if (out + 1 >= store_cap)
                return CSVREC_TOO_LONG;
            store[out++] = '\0';
            if (nf >= max_fields)
                return CSVREC_TOO_MANY_FIELDS;
            fields[nf++] = store + out;
            quoted = after_quote = 0;
            field_start = 1;
            continue;
        }
        if (c == '\r' && r->pos < r->len && r->buf[r->pos] == '\n')
            continue; /* CRLF: the LF ends the record */
        if (c == '\n' || c == '\r') {
            r->line++;
            break;
        }
        if (after_quote)
            return CSVREC_BAD_QUOTE;
        if (c == '"') {
            if (!field_start)
                return CSVREC_BAD_QUOTE;
            quoted = 1;
            field_start = 0;
            continue;
        }
        field_start = 0;
        if (out + 1 >= store_cap)
            return CSVREC_TOO_LONG;
        store[out++] = c;
    }
    store[out] = '\0';
    *n_fields = nf;
    return CSVREC_OK;
}
