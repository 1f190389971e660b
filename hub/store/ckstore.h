/*
 * ckstore.h: the checkups store, shared by `hubctl checkup-import` / `checkup-show` and
 * hubd's checkup face. Parsing, validation and the content hash are the checkup library's
 * (hub/checkup); this store matches each checkup to an enrolled resident by the insured
 * person's member key recorded at enrolment, writes the checkups and their results, and
 * reads them back for the resident's views. A file is stored whole or not at all: every
 * checkup is matched before anything is written. A checkup whose content hash is already
 * stored changes nothing (idempotent re-import). A checkup sent again under the same
 * document identifier with other content is a correction: it replaces the earlier one,
 * which is kept (for audit) but no longer shown.
 *
 * A checkup belongs to its resident's town: the reads take the scope of a town (scope.h) and
 * read nothing of another town's resident (as if there were nothing), whatever id is sent.
 * Every database function runs inside the caller's transaction (or read snapshot) on the
 * caller's handle and writes no audit record: the caller audits (ckstore_audit_rec() fills
 * the record of an import).
 */
#ifndef HUB_CKSTORE_H
#define HUB_CKSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "checkup.h"
#include "db.h"
#include "scope.h"

struct audit_rec;

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

/* What ckstore_add did with one checkup of the list. */
struct ckstore_stored {
    int64_t id;       /* the checkup (stored now, or found by its content hash) */
    int64_t resident; /* whom it was matched to */
    int created;      /* 1: stored now; 0: the same content was stored before */
    int replaced;     /* earlier versions of the same document this one replaced */
    char content_hash[65];
};

/*
 * Stores every checkup of list for source inside the caller's transaction, each matched to
 * a resident of the scope's town (the source's own) by the insured-person numbers. data/len (the
 * original input, FHIR only; may be NULL) lets a refusal name the Patient entry. Returns
 * 0 with *out an owned array (free()) of list->n entries, in the list's order; 1 when
 * refused (nothing written, *rej filled, *out NULL); -1 on a database error (db_errmsg()
 * says which; the caller rolls back).
 */
int ckstore_add(struct db *db, const struct scope *sc, int64_t source,
                const struct checkup_list *list, enum ckstore_format fmt, const char *data,
                size_t len, int64_t now, struct ckstore_stored **out, struct ckstore_reject *rej);

/* Room for the data kinds and basis texts of an import's audit record. */
#define CKSTORE_AUDIT_TEXT 48

/* Fills the audit record of one checkup ckstore_add stored now (s->created): action,
 * subject, data kinds, purpose, basis, source and destination; at, actor, outcome and
 * request id are left to the caller. kinds and basis (CKSTORE_AUDIT_TEXT bytes, the
 * caller's) hold texts the record points to. */
void ckstore_audit_rec(const struct ckstore_stored *s, int64_t source,
                       char kinds[CKSTORE_AUDIT_TEXT], char basis[CKSTORE_AUDIT_TEXT],
                       struct audit_rec *a);

/*
 * Reading. The walks call row(ctx, ...) for each row; the row's texts are borrowed until
 * row returns. row returns 0 to go on, > 0 to stop (the walk answers DB_OK), < 0 to fail
 * (the walk answers DB_ERR). Only shown checkups are read (not those a correction
 * replaced).
 */
struct ckstore_head {
    int64_t id;
    const char *date; /* YYYY-MM-DD */
    int64_t source;
    const char *source_name;
    const char *org_id;
    const char *org_name;
    enum checkup_sex sex;
};
typedef int (*ckstore_head_fn)(void *ctx, const struct ckstore_head *h);

/* The resident's checkups, newest first (date, then id); before (0: from the newest) a
 * checkup id: only those listed after it; year (0: any): only that year's. */
__attribute__((warn_unused_result)) enum db_status
ckstore_heads(struct db *db, const struct scope *sc, int64_t resident, int64_t before, long year,
              ckstore_head_fn row, void *ctx);

/* Checkup id when it is the resident's and shown: DB_ROW after row was called once, DB_DONE
 * when not (another resident's, replaced, or none), or the error. */
__attribute__((warn_unused_result)) enum db_status ckstore_head(struct db *db,
                                                                const struct scope *sc, int64_t id,
                                                                int64_t resident,
                                                                ckstore_head_fn row, void *ctx);

/* The years that hold the resident's checkups, newest first, with each year's sources
 * (row once per year and source). */
__attribute__((warn_unused_result)) enum db_status
ckstore_years(struct db *db, const struct scope *sc, int64_t resident,
              int (*row)(void *ctx, long year, int64_t source), void *ctx);

/* The columns of a stored result, in the order ckstore_read_result() reads them (a
 * checkup_results row aliased "r"), for other stores that read results in their queries. */
#define CKSTORE_RESULT_COLS                                                                        \
    "r.code, r.identity, r.kind, r.value, r.text, r.unit, r.ref_low, r.ref_high, r.system,"        \
    " r.display"

/* Rebuilds a stored result from the CKSTORE_RESULT_COLS starting at column c of st, so the
 * judgement can be computed at read time. 0, or -1 when the item is not in the dictionary. */
int ckstore_read_result(struct db_stmt *st, int c, struct checkup_result *res);

/* The results of checkup id ordered by item code, each rebuilt so it can be judged now
 * (the result is borrowed until row returns). Items not in this build's dictionary are
 * passed over. */
__attribute__((warn_unused_result)) enum db_status
ckstore_results(struct db *db, const struct scope *sc, int64_t id,
                int (*row)(void *ctx, const struct checkup_result *r), void *ctx);

/* The unit of the resident's newest numeric result for identity (a 5-character item
 * identity): DB_ROW with unit (cap bytes), DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status
ckstore_trend_unit(struct db *db, const struct scope *sc, int64_t resident, const char *identity,
                   char *unit, size_t cap);

/* One point of a trend: a numeric result of identity in unit, with its checkup. */
struct ckstore_point {
    int64_t checkup;
    const char *date;
    int64_t source;
    enum checkup_sex sex;
    const struct checkup_result *result;
};

/* The resident's numeric results for identity in unit, oldest first (date, then id). */
__attribute__((warn_unused_result)) enum db_status
ckstore_trend(struct db *db, const struct scope *sc, int64_t resident, const char *identity,
              const char *unit, int (*row)(void *ctx, const struct ckstore_point *p), void *ctx);

/* Stored sex text -> enum (for judging at read time). */
enum checkup_sex ckstore_sex_from_str(const char *s);

/* Normalises the enrolment identifiers into the member key checkups are matched on
 * ("insurer:symbol:number:branch", the library's rules). Returns 0, or -1 with msg. */
int ckstore_member_key(const char *insurer, const char *symbol, const char *number,
                       const char *branch, char *out, size_t cap, char *msg, size_t msgcap);

#endif
