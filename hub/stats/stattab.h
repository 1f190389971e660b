/*
 * stattab.h: the town's fixed statistical tables (docs/stats.md), computed from the
 * stores and protected by the disclosure-control engine (sdc.h) before anyone sees them.
 * There are no free queries: a request names one of these tables, a town and a fiscal
 * year, and gets every entry of it, each published or suppressed.
 *
 *   checkup-participation  residents with a checkup in the fiscal year: age band x sex x
 *                          district (each with its total)
 *   checkup-items          per checkup item, judgement x age band x sex x district; the total
 *                          over judgements is checkup-participation (protected as linked)
 *   watch                  residents who checked in, had a missed check-in alert, pressed
 *                          help, answered 元気がない: measure x district (with total) x month
 *   orders                 residents who placed an order: district (with total) x month
 *
 * Tables are computed as of the start of the current Japan day (the "cutoff"): every
 * request of one day sees the same data, and a change (an import, an opt-out) shows from
 * the next day's tables on.
 */
#ifndef HUB_STATS_STATTAB_H
#define HUB_STATS_STATTAB_H

#include "audit.h"
#include "scope.h"
#include "sdc.h"

#include <stdint.h>
#include <stdio.h>

struct db;

enum stattab_kind {
    STATTAB_PARTICIPATION = 0,
    STATTAB_ITEMS,
    STATTAB_WATCH,
    STATTAB_ORDERS,
    STATTAB_KINDS
};

/* "checkup-participation", "checkup-items", "watch", "orders". */
const char *stattab_name(enum stattab_kind k);
/* The kind named name, or -1. */
int stattab_kind_of(const char *name);

#define STATTAB_MAX_DIMS      4
#define STATTAB_MAX_DISTRICTS 200
#define STATTAB_MAX_TABLES    16

struct stattab_dim {
    const char *name;   /* CSV column: "judgement", "age_band", "sex", "district", ... */
    int n;              /* categories */
    int has_total;      /* the total is written "計" */
    const char **label; /* n labels, borrowed from the set */
};

struct stattab_table {
    const char *title; /* the item ("BMI") or the measure; "" when the set has one table */
    struct sdc_table *t;
};

/* A computed request: one or more tables with the same dimensions. */
struct stattab_set {
    enum stattab_kind kind;
    const struct scope *town;
    int fiscal_year;
    int64_t cutoff; /* Unix seconds: the data as of this moment */
    struct sdc_rule rule;
    int ndims;
    struct stattab_dim dims[STATTAB_MAX_DIMS];
    int ntables;
    struct stattab_table tables[STATTAB_MAX_TABLES];
    enum sdc_result protection; /* SDC_FALLBACK: some table is wholly suppressed */
    char *districts[STATTAB_MAX_DISTRICTS];
    int ndistricts;
};

/* The audit record of a statistics request: no subject (no resident's data is
 * released, so no resident's access log lists it), data kind "stats:<table>", purpose
 * "statistics", basis "aggregate:suppressed". Strings are static or the caller's. */
struct audit_rec stattab_audit_rec(enum stattab_kind kind, const char *actor,
                                   const char *destination, const char *request_id, int64_t now);

/* The start of the Japan day of t (Unix seconds): the cutoff of a request made at t. */
int64_t stattab_cutoff(int64_t t);

/*
 * Computes table kind of municipality town for fiscal year fy (April fy to March fy+1) from db (a
 * read snapshot) as of cutoff, protected under rule. *out is owned by the caller (stattab_free). 0,
 * or -1 with err (a sentence) filled.
 */
int stattab_compute(struct db *db, enum stattab_kind kind, const struct scope *town, int fy,
                    int64_t cutoff, const struct sdc_rule *rule, struct stattab_set **out,
                    char *err, size_t errcap);
void stattab_free(struct stattab_set *s);

/* The set as CSV (UTF-8, header line, suppressed entries "X", totals "計"). 0 or -1. */
int stattab_csv(const struct stattab_set *s, FILE *f);
/* The set as one JSON object (text, owned by the caller, free()), NULL on failure. */
char *stattab_json(const struct stattab_set *s);
/* The set's chart as SVG text (owned by the caller, free()), NULL on failure. */
char *stattab_svg(const struct stattab_set *s);

#define STATTAB_SUPPRESSED "X"
#define STATTAB_TOTAL      "計"

#endif
