/*
 * checkup: one health-checkup result set, as the hub stores it, independent of the format
 * it arrived in (JP-CLINS eCheckup FHIR Bundle: checkup_fhir.h; CSV: checkup_csv.h).
 *
 * The structs are plain values: the parsers fill them, the hub reads them, checkup_free
 * releases them. Every string is NUL-terminated UTF-8 inside a fixed array, so a parsed
 * checkup never points into the input. Identifiers are normalised (full-width ASCII to
 * half-width, spaces removed) so that "１２３" from one sender equals "123" from another.
 * The library is platform-independent: no I/O, no globals, thread-safe (each call works on
 * its own data).
 */
#ifndef CHECKUP_H
#define CHECKUP_H

#include <stddef.h>

#include "checkup_dict.h"

/* Hard caps on outside input (documented in docs/checkup.md). */
#define CHECKUP_MAX_INPUT_BYTES (2u << 20) /* one Bundle or one CSV file: 2 MiB */
#define CHECKUP_MAX_ENTRIES     2000       /* Bundle.entry elements */
#define CHECKUP_MAX_RESULTS     1000       /* results in one checkup */
#define CHECKUP_ID_MAX          64         /* identifiers, codes, units (bytes incl. NUL) */
#define CHECKUP_NAME_MAX        256        /* organisation names */
#define CHECKUP_TEXT_CHARS      4000       /* a text result: characters (doctor's comment) */
#define CHECKUP_TEXT_MAX        (4 * CHECKUP_TEXT_CHARS + 1) /* bytes incl. NUL */
#define CHECKUP_URL_MAX         256                          /* fullUrl, identifier systems */
#define CHECKUP_DATE_MAX        11                           /* "YYYY-MM-DD" + NUL */

/* Status of every checkup_* call that can fail. */
enum checkup_status {
    CHECKUP_OK = 0,
    CHECKUP_ERR_NOMEM,         /* out of memory */
    CHECKUP_ERR_TOO_LARGE,     /* over a hard cap (bytes, entries, results, string length) */
    CHECKUP_ERR_SYNTAX,        /* not JSON / malformed CSV */
    CHECKUP_ERR_NOT_DOCUMENT,  /* not a FHIR Bundle of type "document" */
    CHECKUP_ERR_MISSING,       /* a required part is missing (Composition, Patient, date, ...) */
    CHECKUP_ERR_RESOURCE_TYPE, /* an entry holds a resource type an eCheckup cannot have */
    CHECKUP_ERR_MISSING_CODE,  /* a result without an item code of urn:oid:...6.1005 */
    CHECKUP_ERR_UNKNOWN_ITEM,  /* an item code that is not in the MHLW item table */
    CHECKUP_ERR_UNIT,          /* a unit that is not the item's unit */
    CHECKUP_ERR_VALUE,         /* an impossible value or the wrong kind of value */
    CHECKUP_ERR_INVALID,       /* a malformed field (date, identifier, reference, duplicate) */
};

/* snake_case name of a status; stable, usable as the API's error code. */
const char *checkup_status_str(enum checkup_status s);

/* Where and why an input was rejected. No personal data (values, names) goes in here, so
 * the hub may log it and send it back to the sender. */
struct checkup_error {
    enum checkup_status status;
    int entry;                      /* FHIR: 0-based Bundle.entry index; -1: the Bundle */
    long row;                       /* CSV: 1-based line of the record; 0 otherwise */
    char full_url[CHECKUP_URL_MAX]; /* FHIR: the entry's fullUrl ("" if none) */
    char message[512];              /* plain English: what is wrong and where */
};

enum checkup_sex {
    CHECKUP_SEX_UNKNOWN = 0,
    CHECKUP_SEX_MALE,
    CHECKUP_SEX_FEMALE,
    CHECKUP_SEX_OTHER,
};

/* "male", "female", "other", "unknown". */
const char *checkup_sex_str(enum checkup_sex s);

enum checkup_value_kind {
    CHECKUP_V_NUMBER = 0, /* value */
    CHECKUP_V_CODE,       /* text holds the code */
    CHECKUP_V_TEXT,       /* text holds the text */
    CHECKUP_V_DATE,       /* text holds YYYY-MM-DD */
};

/* One measured item. */
struct checkup_result {
    const struct checkup_item *item;         /* the dictionary row (static, never NULL) */
    char code[CHECKUP_CODE_LEN + 1];         /* 17-digit item code as sent */
    char identity[CHECKUP_IDENTITY_LEN + 1]; /* 同一性項目コード: match analytes on this */
    enum checkup_value_kind kind;
    double value;                   /* CHECKUP_V_NUMBER only */
    char text[CHECKUP_TEXT_MAX];    /* CODE: the code; TEXT: the whole text; DATE: YYYY-MM-DD */
    char system[CHECKUP_URL_MAX];   /* CODE: the code system without "urn:oid:" (the item's
                                       結果コードOID when the sender named none) */
    char display[CHECKUP_NAME_MAX]; /* CODE: the sender's display of the code ("" if none) */
    char unit[CHECKUP_ID_MAX];      /* the dictionary's UCUM unit ("" if dimensionless) */
    int has_low, has_high;          /* the lab's reference range, if sent */
    double ref_low, ref_high;
    char sender_flag[CHECKUP_ID_MAX]; /* the sender's interpretation code ("N", "H", ...):
                                         kept for audit only, NEVER used for judgement */
};

/* The insured person's identifiers: the key the hub matches to an enrolled resident. */
struct checkup_member {
    char insurer[CHECKUP_ID_MAX]; /* 保険者番号, 6 or 8 digits */
    char symbol[CHECKUP_ID_MAX];  /* 被保険者証記号 (may be empty) */
    char number[CHECKUP_ID_MAX];  /* 被保険者証番号 */
    char branch[CHECKUP_ID_MAX];  /* 枝番, "" or 2 digits */
};

struct checkup {
    char bundle_id_system[CHECKUP_URL_MAX];  /* Bundle.identifier.system ("" for Bundle.id/CSV) */
    char bundle_id[CHECKUP_URL_MAX];         /* Bundle.identifier.value or Bundle.id ("" if none) */
    char source_org_system[CHECKUP_URL_MAX]; /* identifier system of the performing organisation */
    char source_org_id[CHECKUP_ID_MAX];      /* e.g. the 10-digit institution number */
    char source_org_name[CHECKUP_NAME_MAX];
    char date[CHECKUP_DATE_MAX]; /* checkup date, YYYY-MM-DD */
    struct checkup_member member;
    /* A second set of insured-person numbers when the document carries two that differ
     * (Patient.identifier and the insurance Coverage): the hub tries member first. */
    int has_alt_member;
    struct checkup_member alt_member;
    char category[CHECKUP_ID_MAX]; /* Composition.category code (報告区分, "10" 特定健診) */
    char doc_date[CHECKUP_DATE_MAX]; /* Composition.date: when the report was written */
    enum checkup_sex sex;
    char birth_date[CHECKUP_DATE_MAX]; /* "" if not sent */
    size_t n_results;
    struct checkup_result *results; /* owned array of n_results */
};

/* Frees a checkup from a parser and everything in it. Accepts NULL. */
void checkup_free(struct checkup *c);

/* Several checkups (a CSV file can hold many). */
struct checkup_list {
    size_t n;
    struct checkup **v; /* owned */
};

/* Frees the list and every checkup in it. Accepts NULL. */
void checkup_list_free(struct checkup_list *l);

/*
 * Copies in to out (capacity cap) normalised as an identifier: full-width ASCII
 * (U+FF01..U+FF5E) becomes ASCII, ASCII and ideographic spaces are dropped. Returns 0, or
 * -1 when it does not fit (out is then ""). The hub applies the same function to the
 * identifiers it records at enrolment, so both sides compare equal.
 */
int checkup_normalize_id(const char *in, char *out, size_t cap);

/*
 * The canonical member key "insurer:symbol:number:branch" (normalised fields) into out.
 * Returns 0, or -1 when cap is too small. Two checkups of one insured person have the same
 * key; store it at enrolment and match on it.
 */
int checkup_member_key(const struct checkup_member *m, char *out, size_t cap);

/*
 * Parses "insurer:symbol:number:branch" (the JP-CLINS JP_Insurance_memberID format; the
 * fields may be full-width) into m, normalised. Returns 0 or -1 if malformed: not four
 * fields, insurer not 6 or 8 digits, empty number, branch not "" or 2 digits.
 */
int checkup_member_parse(const char *value, struct checkup_member *m);

/*
 * SHA-256 over the canonical content of a checkup: source organisation, date, member key,
 * sex, birth date and every result (code, value, unit, range) in code order. The Bundle's
 * own id, entry order, fullUrls, JSON formatting and the ignored sender flags do not
 * change it, so importing the same checkup again (even re-sent with new UUIDs) gives the
 * same hash: the hub keeps it as a unique key to make re-import idempotent. hex gets 64
 * lowercase hex digits + NUL.
 */
enum checkup_status checkup_hash(const struct checkup *c, unsigned char out[32])
    __attribute__((warn_unused_result));
enum checkup_status checkup_hash_hex(const struct checkup *c, char hex[65])
    __attribute__((warn_unused_result));

#endif
