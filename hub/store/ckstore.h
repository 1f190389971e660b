/*
 * ckstore.h: storing imported health checkups, shared by `hubctl checkup-import`
 * and hubd's `POST /v1/checkups`. Parsing, validation and the content hash are the checkup
 * library's (hub/checkup); this module matches each checkup to an enrolled resident by the
 * insured person's member key recorded at enrolment, and writes the checkups, their results
 * and one audit record per new checkup inside the caller's transaction. A file is stored
 * whole or not at all: every checkup is matched before anything is written. A checkup
 * whose content hash is already stored changes nothing (idempotent re-import).
 */
#ifndef HUB_CKSTORE_H
#define HUB_CKSTORE_H

#include <stddef.h>
#include <time.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

#include "checkup.h"

enum ckstore_format {
    CKSTORE_FHIR = 0, /* JP-CLINS eCheckup document Bundle (JSON) */
    CKSTORE_CSV,      /* the documented CSV (docs/checkup.md) */
};

/* Why an input was refused. No personal data (values, names, identifiers) in here. */
struct ckstore_reject {
    int http;        /* 400 (not JSON/CSV), 413 (over a cap) or 422 (content) */
    char code[40];   /* API error code: "bundle_rejected", "csv_rejected", "unknown_patient" */
    char reason[40]; /* the library's status name ("unit", "value", ...) or "unknown_patient" */
    int entry;       /* FHIR: 0-based Bundle.entry index, -1 the Bundle; -2 when not FHIR */
    long row;        /* CSV: 1-based line of the record; 0 when not CSV */
    char full_url[CHECKUP_URL_MAX];
    char message[768];
};

/* "fhir" / "csv". */
const char *ckstore_format_str(enum ckstore_format f);

/*
 * Parses data (len bytes, at most CHECKUP_MAX_INPUT_BYTES) into *out (owned:
 * checkup_list_free). Returns 0, or -1 with *rej filled.
 */
int ckstore_parse(const char *data, size_t len, enum ckstore_format fmt, struct checkup_list **out,
                  struct ckstore_reject *rej);

/*
 * Stores every checkup of list for source_id inside the caller's transaction. data/len
 * (the original input, FHIR only; may be NULL) lets a rejection name the Patient entry.
 * actor ("source:3", "hubctl") and request_id go into the audit records.
 * Returns 0 with *result an owned JSON array [{"checkup_id","date","content_hash",
 * "created"}]; 1 when refused (nothing written, *rej filled); -1 on a database error
 * (the caller rolls back).
 */
int ckstore_import(sqlite3 *db, long long source_id, const struct checkup_list *list,
                   enum ckstore_format fmt, const char *data, size_t len, const char *actor,
                   const char *request_id, time_t now, cJSON **result, struct ckstore_reject *rej);

/* The columns of a stored result, in the order ckstore_result_row() reads them (a
 * checkup_results row aliased "r"). */
#define CKSTORE_RESULT_COLS                                                                        \
    "r.code, r.identity, r.kind, r.value, r.text, r.unit, r.ref_low, r.ref_high, r.system,"        \
    " r.display"

/* Rebuilds a stored result from the CKSTORE_RESULT_COLS starting at column c of st, so the
 * judgement can be computed at read time. res is caller memory (large: keep it off small
 * stacks). 0, or -1 when the item is not in the dictionary. */
int ckstore_result_row(sqlite3_stmt *st, int c, struct checkup_result *res);

/* Stored sex text -> enum (for judging at read time). */
enum checkup_sex ckstore_sex_from_str(const char *s);

/* Normalises the enrolment identifiers into the member key checkups are matched on
 * ("insurer:symbol:number:branch", the library's rules). Returns 0, or -1 with msg. */
int ckstore_member_key(const char *insurer, const char *symbol, const char *number,
                       const char *branch, char *out, size_t cap, char *msg, size_t msgcap);

#endif
