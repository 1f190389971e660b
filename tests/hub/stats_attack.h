/*
 * stats_attack.h: the attacker of the statistics tests. Given every table of one request as
 * published (a suppressed entry is unknown), it writes down all that they say: each line
 * of a table sums to its total, a linked table's total equals the base's entry, every
 * count is >= 0; and solves, for each unknown, the smallest and largest value it can take
 * (a linear programme per unknown, by GLPK's simplex on the connected group of equations
 * the unknown is in, each solve starting from the last one's basis). It knows nothing of
 * the hub's suppression engine.
 */
#ifndef STATS_ATTACK_H
#define STATS_ATTACK_H

#define ATTACK_UNKNOWN   (-1LL)
#define ATTACK_UNBOUNDED (1LL << 40)

struct attack;

struct attack *attack_create(void);
void attack_destroy(struct attack *a);

/* A published table: values of the extended table (cells and totals, the total of
 * dimension d at index sizes[d]) in row-major order, ATTACK_UNKNOWN where suppressed.
 * Copied. Returns the table's number. */
int attack_add_table(struct attack *a, int ndims, const int *sizes, const int *has_total,
                     const long long *values);

/* item's total over dimension dim equals base, entry by entry. */
void attack_link(struct attack *a, int base, int item, int dim);

/* Before attack_bounds: proves only as much as a width of `width` (0, the default: exact
 * intervals). An unknown that two solutions of the programme (each a set of tables
 * agreeing with everything published) show at least `width` apart needs no programme of
 * its own; attack_bounds then gives those two values, inside the attacker's interval. Every
 * other unknown gets its exact interval. Much faster on large sets. */
void attack_want(struct attack *a, long long width);
/* After attack_want and every table (before attack_bounds): the width wanted per entry of
 * table tab (flat order; published entries ignored), e.g. 1 where any two values are
 * enough. Unknowns a link makes equal take the largest asked of them. 0, or -1. */
int attack_want_at(struct attack *a, int tab, const long long *width);

/* Solves. For each unknown entry of table tab (in flat order), lo/hi are the bounds an
 * attacker proves (hi ATTACK_UNBOUNDED if none). Returns the number of unknowns of the
 * table written, or -1. lo/hi have room for cap. */
int attack_bounds(struct attack *a, int tab, long long *lo, long long *hi, int cap);

/* What the last solve was (after attack_bounds): the figures a benchmark prints. */
struct attack_info {
    int unknowns, equations;
    int components;                          /* groups of unknowns joined by equations */
    int largest_unknowns, largest_equations; /* of the largest group */
    long solves;                             /* linear programmes solved */
    long whole_solves;                       /* of them over a whole group */
};
void attack_info(const struct attack *a, struct attack_info *out);

#endif
