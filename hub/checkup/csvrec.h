/*
 * csvrec: a small RFC 4180 CSV record reader over a memory buffer.
 *
 * Used twice: by the build-time generator that turns the MHLW item table into a C table,
 * and by the CSV checkup import. Quoted fields may contain commas, doubled quotes and line
 * breaks (the item table has header cells with line breaks). A UTF-8 byte order mark at
 * the start is skipped. Records are copied into caller storage, so the input buffer may be
 * freed after the last call; every size is capped by the caller's arrays.
 */
#ifndef CSVREC_H
#define CSVREC_H

#include <stddef.h>

enum csvrec_status {
    CSVREC_OK = 0,          /* a record was read */
    CSVREC_EOF,             /* no more records */
    CSVREC_TOO_MANY_FIELDS, /* more fields than the caller allowed */
    CSVREC_TOO_LONG,        /* the record does not fit the caller's storage */
    CSVREC_BAD_QUOTE,       /* a quote inside an unquoted field, text after a closing quote,
                               or a quoted field that never ends */
    CSVREC_NUL,             /* a NUL byte in the input */
};

/* snake_case name of a status, for logs and error messages. */
const char *csvrec_status_str(enum csvrec_status s);

/* Reader state over a borrowed buffer (caller keeps it alive while reading). */
struct csvrec {
    const char *buf;
    size_t len;
    size_t pos;
    long line;     /* 1-based line where the next record starts */
    long rec_line; /* 1-based line where the last record read started */
};

/* Starts reading buf[0..len); skips a UTF-8 BOM. No allocation. */
void csvrec_init(struct csvrec *r, const char *buf, size_t len);

/*
 * Reads the next record. Field texts are copied NUL-terminated into store (capacity
 * store_cap bytes) and fields[i] points into store; *n_fields gets the count. A blank
 * line is a record with one empty field. After an error, stop reading: r->rec_line tells
 * the line where the bad record starts.
 */
enum csvrec_status csvrec_next(struct csvrec *r, char *store, size_t store_cap, const char **fields,
                               size_t max_fields, size_t *n_fields)
    __attribute__((warn_unused_result));

#endif
