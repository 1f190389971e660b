/*
 * sdc.h: statistical disclosure control for count tables (cell suppression).
 *
 * A table is a k-dimensional array of counts of residents (k <= SDC_MAX_DIMS). A dimension
 * may have a total category; the published table is then the "extended" table: every cell
 * and every marginal (the totals over any set of dimensions that have totals, down to the
 * grand total). Each entry of the extended table is published or suppressed.
 *
 * The rule (docs/stats.md "Suppression"):
 *  - primary suppression: every entry counting fewer than `threshold` residents (10 by
 *    default), zero included unless `zero_sensitive` is off;
 *  - secondary suppression by the hypercube method (Repsilber's Quaderverfahren, as in
 *    tau-ARGUS / sdcTable's HYPERCUBE): each entry to protect is made a corner of a
 *    suppressed hypercube in the extended table, so that adding +d and -d alternately on
 *    the corners keeps every published entry, row, column and marginal unchanged. The
 *    range of d over which every corner stays >= 0 is the protection interval; it must be
 *    at least `min_width` wide (10 by default) for a sensitive entry and at least 1 for any
 *    other suppressed entry. Every suppressed entry therefore takes at least two values that
 *    agree with everything published: none is recovered from the totals.
 *  - deterministic: the same table with the same counts gives the same pattern.
 *
 * Linked tables (sdc_protect_linked): tables that share a slice (every checkup item table's
 * total over judgements is the participation table) are protected so that the shared
 * slice has one pattern in all of them, and a suppressed shared entry stays protected when
 * an attacker holds all of them at once.
 *
 * Pure: no I/O, no global state; a table is used by one thread at a time.
 */
#ifndef SDC_H
#define SDC_H

#include <stddef.h>

#define SDC_MAX_DIMS    5
#define SDC_MAX_ENTRIES (1 << 22) /* extended entries of one table */

struct sdc_rule {
    long long threshold; /* entries below this are sensitive (10) */
    int zero_sensitive;  /* 1: a zero is sensitive too (default) */
    long long min_width; /* protection interval of a sensitive entry, at least (10) */
};

/* The default rule: threshold 10, zeros sensitive, width 10. */
void sdc_rule_default(struct sdc_rule *r);

enum sdc_status {
    SDC_PUBLISHED = 0,
    SDC_PRIMARY = 1,   /* sensitive itself */
    SDC_SECONDARY = 2, /* suppressed to protect another entry */
};

enum sdc_result {
    SDC_OK = 0,
    SDC_FALLBACK = 1, /* some entry could not be protected by a hypercube: everything that
                         is not shared with a linked table was suppressed */
    SDC_ERR_ARG = -1, /* bad dimensions, mismatched linked tables */
};

struct sdc_table;

/* A table of ndims dimensions; dimension d has sizes[d] categories and, if has_total[d],
 * one more index sizes[d] for its total. Counts start at 0. NULL if the shape is bad or
 * larger than SDC_MAX_ENTRIES or out of memory. Free with sdc_table_destroy. */
struct sdc_table *sdc_table_create(int ndims, const int *sizes, const int *has_total);
void sdc_table_destroy(struct sdc_table *t);

/* Adds n residents to an interior cell (cell[d] < sizes[d]). Before protection only. */
void sdc_table_add(struct sdc_table *t, const int *cell, long long n);

/* Computes the marginals and the suppression pattern under rule r. */
enum sdc_result sdc_protect(struct sdc_table *t, const struct sdc_rule *r);

/* Protects base, then each of items[0..n): every item has base's dimensions with one more
 * dimension `dim` that has a total, and the item's total over `dim` equals base cell by
 * cell (SDC_ERR_ARG otherwise). The shared slice keeps base's pattern in every item. */
enum sdc_result sdc_protect_linked(struct sdc_table *base, struct sdc_table **items, int n, int dim,
                                   const struct sdc_rule *r);

/* The extended table, flat: entries 0..sdc_entries()-1; sdc_unflat gives the index per
 * dimension (a value equal to sizes[d] is the total). */
size_t sdc_entries(const struct sdc_table *t);
int sdc_ndims(const struct sdc_table *t);
int sdc_size(const struct sdc_table *t, int d);
int sdc_has_total(const struct sdc_table *t, int d);
size_t sdc_flat(const struct sdc_table *t, const int *idx);
void sdc_unflat(const struct sdc_table *t, size_t flat, int *idx);
long long sdc_value(const struct sdc_table *t, size_t flat);
enum sdc_status sdc_status_of(const struct sdc_table *t, size_t flat);
/* The protection interval width the engine proved for a suppressed entry (0 if
 * published). */
long long sdc_width(const struct sdc_table *t, size_t flat);
/* How many entries are suppressed. */
size_t sdc_suppressed_count(const struct sdc_table *t);

#endif
