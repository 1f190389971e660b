/*
 * sdc.c: cell suppression by the hypercube method (see sdc.h for the rule).
 *
 * Why a hypercube protects: in the extended table (cells + totals) every line along a
 * dimension with a total satisfies "sum of the categories = the total". Pick for entry p a
 * second index b_d in each dimension d that has a total, and let v_d = e(p_d) - e(b_d) when
 * both are categories, or e(p_d) + e(b_d) when one of them is the total: each v_d keeps its
 * own line sum, so their tensor product keeps every line of the table. Adding d times that
 * product changes only the 2^m corners (all suppressed) and nothing published; the corners
 * stay >= 0 for d in [-down, +up], where up is the smallest corner of sign -1 and down the
 * smallest of sign +1. Every corner thus has an interval of up + down possible values
 * that agree with all published entries, whatever else an attacker knows about the table.
 */
#include "sdc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define INF (LLONG_MAX / 4)

struct sdc_table {
    int k;
    int n[SDC_MAX_DIMS];  /* categories */
    int ht[SDC_MAX_DIMS]; /* has a total */
    int e[SDC_MAX_DIMS];  /* extended size */
    size_t stride[SDC_MAX_DIMS];
    size_t count;
    long long *v;
    unsigned char *st;
    unsigned char *frozen; /* published entries shared with a linked table: never suppressed,
                              never a corner */
    long long *up, *down;  /* the proved interval around the true value, per entry */
    int finished;          /* marginals computed */
};

void sdc_rule_default(struct sdc_rule *r)
{
    r->threshold = 10;
    r->zero_sensitive = 1;
    r->min_width = 10;
}

struct sdc_table *sdc_table_create(int ndims, const int *sizes, const int *has_total)
{
    struct sdc_table *t = NULL;
    size_t count = 1;
    if (ndims < 1 || ndims > SDC_MAX_DIMS)
        return NULL;
    for (int d = 0; d < ndims; d++) {
        if (sizes[d] < 1 || sizes[d] > 4096)
            return NULL;
        count *= (size_t)(sizes[d] + (has_total[d] ? 1 : 0));
        if (count > SDC_MAX_ENTRIES)
            return NULL;
    }
    t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->k = ndims;
    t->count = count;
    size_t s = 1;
    for (int d = ndims - 1; d >= 0; d--) {
        t->n[d] = sizes[d];
        t->ht[d] = has_total[d] ? 1 : 0;
        t->e[d] = sizes[d] + t->ht[d];
        t->stride[d] = s;
        s *= (size_t)t->e[d];
    }
    t->v = calloc(count, sizeof *t->v);
    t->st = calloc(count, 1);
    t->frozen = calloc(count, 1);
    t->up = calloc(count, sizeof *t->up);
    t->down = calloc(count, sizeof *t->down);
    if (!t->v || !t->st || !t->frozen || !t->up || !t->down) {
        sdc_table_destroy(t);
        return NULL;
    }
    return t;
}

void sdc_table_destroy(struct sdc_table *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->st);
    free(t->frozen);
    free(t->up);
    free(t->down);
    free(t);
}

size_t sdc_entries(const struct sdc_table *t)
{
    return t->count;
}

int sdc_ndims(const struct sdc_table *t)
{
    return t->k;
}

int sdc_size(const struct sdc_table *t, int d)
{
    return t->n[d];
}

int sdc_has_total(const struct sdc_table *t, int d)
{
    return t->ht[d];
}

size_t sdc_flat(const struct sdc_table *t, const int *idx)
{
    size_t f = 0;
    for (int d = 0; d < t->k; d++)
        f += (size_t)idx[d] * t->stride[d];
    return f;
}

void sdc_unflat(const struct sdc_table *t, size_t flat, int *idx)
{
    for (int d = 0; d < t->k; d++) {
        idx[d] = (int)(flat / t->stride[d]);
        flat %= t->stride[d];
    }
}

long long sdc_value(const struct sdc_table *t, size_t flat)
{
    return t->v[flat];
}

enum sdc_status sdc_status_of(const struct sdc_table *t, size_t flat)
{
    return (enum sdc_status)t->st[flat];
}

long long sdc_width(const struct sdc_table *t, size_t flat)
{
    if (t->st[flat] == SDC_PUBLISHED)
        return 0;
    long long w = t->up[flat] + t->down[flat];
    return w > INF ? INF : w;
}

size_t sdc_suppressed_count(const struct sdc_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        n += t->st[i] != SDC_PUBLISHED;
    return n;
}

void sdc_table_add(struct sdc_table *t, const int *cell, long long n)
{
    for (int d = 0; d < t->k; d++)
        if (cell[d] < 0 || cell[d] >= t->n[d])
            return;
    t->v[sdc_flat(t, cell)] += n;
}

/* Fills every total: after step d, entries whose totals are all in dimensions <= d are
 * right, so step d sums categories that are already right. */
static void finish(struct sdc_table *t)
{
    int idx[SDC_MAX_DIMS];
    if (t->finished)
        return;
    for (int d = 0; d < t->k; d++) {
        if (!t->ht[d])
            continue;
        for (size_t f = 0; f < t->count; f++) {
            sdc_unflat(t, f, idx);
            if (idx[d] != t->n[d])
                continue;
            int later_total = 0;
            for (int o = d + 1; o < t->k; o++)
                later_total |= t->ht[o] && idx[o] == t->n[o];
            if (later_total)
                continue;
            long long s = 0;
            for (int i = 0; i < t->n[d]; i++)
                s += t->v[f - (size_t)(t->n[d] - i) * t->stride[d]];
            t->v[f] = s;
        }
    }
    t->finished = 1;
}

static int sensitive(const struct sdc_rule *r, long long v)
{
    return v < r->threshold && (v > 0 || r->zero_sensitive);
}

static int is_marginal(const struct sdc_table *t, const int *idx)
{
    for (int d = 0; d < t->k; d++)
        if (t->ht[d] && idx[d] == t->n[d])
            return 1;
    return 0;
}

struct cube {
    int m;                    /* dimensions with a second index */
    int dim[SDC_MAX_DIMS];    /* which */
    int alt[SDC_MAX_DIMS];    /* the second index */
    long long up, down, cost; /* for the entry it protects (sign +1) */
};

/* Corner `mask` of cube c around idx: its flat index and sign. */
static size_t corner(const struct sdc_table *t, const int *idx, const struct cube *c, unsigned mask,
                     int *sign)
{
    size_t f = sdc_flat(t, idx);
    int s = 1;
    for (int i = 0; i < c->m; i++) {
        if (!(mask & (1u << i)))
            continue;
        int d = c->dim[i], a = idx[d], b = c->alt[i];
        f = f - (size_t)a * t->stride[d] + (size_t)b * t->stride[d];
        if (a != t->n[d] && b != t->n[d])
            s = -s;
    }
    *sign = s;
    return f;
}

/* Evaluates cube c (up, down, cost); 0 if a corner is frozen or it costs more than
 * best_cost. */
static int cube_eval(const struct sdc_table *t, const int *idx, struct cube *c, long long best_cost)
{
    long long up = INF, down = INF, cost = 0;
    int cidx[SDC_MAX_DIMS];
    for (unsigned mask = 0; mask < (1u << c->m); mask++) {
        int s;
        size_t f = corner(t, idx, c, mask, &s);
        if (t->frozen[f])
            return 0;
        long long v = t->v[f];
        if (s > 0 && v < down)
            down = v;
        if (s < 0 && v < up)
            up = v;
        if (t->st[f] == SDC_PUBLISHED) {
            sdc_unflat(t, f, cidx);
            /* information lost: the residents hidden, totals weigh more (people read them) */
            cost += (v + 1) * (is_marginal(t, cidx) ? 4 : 1);
            if (cost >= best_cost)
                return 0;
        }
    }
    c->up = up;
    c->down = down;
    c->cost = cost;
    return 1;
}

/* The cheapest cube around idx whose interval is at least `need` wide; 0 if none. */
static int cube_find(const struct sdc_table *t, const int *idx, long long need, struct cube *best)
{
    struct cube c = {0};
    int cnt[SDC_MAX_DIMS] = {0};
    long long best_cost = INF;
    int found = 0;
    for (int d = 0; d < t->k; d++)
        if (t->ht[d])
            c.dim[c.m++] = d;
    if (c.m == 0)
        return 0;
    for (;;) {
        for (int i = 0; i < c.m; i++) {
            int a = idx[c.dim[i]];
            c.alt[i] = cnt[i] < a ? cnt[i] : cnt[i] + 1;
        }
        if (cube_eval(t, idx, &c, best_cost)) {
            long long w = c.up >= INF ? INF : c.up + c.down;
            if (w >= need) {
                *best = c;
                best_cost = c.cost;
                found = 1;
                if (best_cost == 0)
                    break;
            }
        }
        int i = 0;
        while (i < c.m && ++cnt[i] >= t->e[c.dim[i]] - 1)
            cnt[i++] = 0;
        if (i == c.m)
            break;
    }
    return found;
}

static void set_interval(struct sdc_table *t, size_t f, long long up, long long down)
{
    long long w = up >= INF || down >= INF ? INF : up + down;
    long long old = t->up[f] >= INF || t->down[f] >= INF ? INF : t->up[f] + t->down[f];
    if (t->st[f] == SDC_PUBLISHED || w > old) {
        t->up[f] = up;
        t->down[f] = down;
    }
}

static void suppress(struct sdc_table *t, const struct sdc_rule *r, size_t f)
{
    if (t->st[f] == SDC_PUBLISHED) {
        t->st[f] = sensitive(r, t->v[f]) ? SDC_PRIMARY : SDC_SECONDARY;
        t->up[f] = t->down[f] = 0;
    }
}

static void cube_apply(struct sdc_table *t, const struct sdc_rule *r, const int *idx,
                       const struct cube *c)
{
    for (unsigned mask = 0; mask < (1u << c->m); mask++) {
        int s;
        size_t f = corner(t, idx, c, mask, &s);
        suppress(t, r, f);
        if (s > 0)
            set_interval(t, f, c->up, c->down);
        else
            set_interval(t, f, c->down, c->up);
    }
}

static long long width_of(const struct sdc_table *t, size_t f)
{
    return t->up[f] >= INF || t->down[f] >= INF ? INF : t->up[f] + t->down[f];
}

static enum sdc_result protect(struct sdc_table *t, const struct sdc_rule *r)
{
    int idx[SDC_MAX_DIMS];
    for (size_t f = 0; f < t->count; f++) {
        if (t->frozen[f])
            continue;
        int sens = sensitive(r, t->v[f]);
        if (!sens && t->st[f] == SDC_PUBLISHED)
            continue;
        long long need = sens ? r->min_width : 1;
        suppress(t, r, f);
        if (width_of(t, f) >= need)
            continue;
        struct cube c;
        sdc_unflat(t, f, idx);
        if (!cube_find(t, idx, need, &c)) {
            /* No cube in this table: hide everything that is ours to hide. */
            for (size_t g = 0; g < t->count; g++)
                if (!t->frozen[g])
                    suppress(t, r, g);
            return SDC_FALLBACK;
        }
        cube_apply(t, r, idx, &c);
    }
    return SDC_OK;
}

enum sdc_result sdc_protect(struct sdc_table *t, const struct sdc_rule *r)
{
    finish(t);
    return protect(t, r);
}

/* base's flat index of the item entry idx without dimension dim */
static size_t base_flat(const struct sdc_table *base, const int *idx, int dim)
{
    int b[SDC_MAX_DIMS];
    for (int d = 0, o = 0; d < base->k + 1; d++)
        if (d != dim)
            b[o++] = idx[d];
    return sdc_flat(base, b);
}

static int linked_shape(const struct sdc_table *base, const struct sdc_table *it, int dim)
{
    if (it->k != base->k + 1 || dim < 0 || dim >= it->k || !it->ht[dim])
        return 0;
    for (int d = 0, o = 0; d < it->k; d++) {
        if (d == dim)
            continue;
        if (it->n[d] != base->n[o] || it->ht[d] != base->ht[o])
            return 0;
        o++;
    }
    return 1;
}

enum sdc_result sdc_protect_linked(struct sdc_table *base, struct sdc_table **items, int n, int dim,
                                   const struct sdc_rule *r)
{
    int idx[SDC_MAX_DIMS];
    finish(base);
    for (int i = 0; i < n; i++) {
        if (!linked_shape(base, items[i], dim))
            return SDC_ERR_ARG;
        finish(items[i]);
        for (size_t f = 0; f < items[i]->count; f++) {
            sdc_unflat(items[i], f, idx);
            if (idx[dim] == items[i]->n[dim] &&
                items[i]->v[f] != base->v[base_flat(base, idx, dim)])
                return SDC_ERR_ARG;
        }
    }
    enum sdc_result res = protect(base, r);
    for (int i = 0; i < n; i++) {
        struct sdc_table *t = items[i];
        for (size_t f = 0; f < t->count; f++) {
            sdc_unflat(t, f, idx);
            if (idx[dim] != t->n[dim])
                continue;
            size_t bf = base_flat(base, idx, dim);
            /* The shared slice: base's entry, base's pattern. An item's own cube never
             * touches it (it would have to move base too). */
            t->frozen[f] = 1;
            if (base->st[bf] == SDC_PUBLISHED)
                continue;
            t->st[f] = base->st[bf];
            t->up[f] = base->up[bf];
            t->down[f] = base->down[bf];
            /* Base's cube moves this total by up to up / down; the whole line along dim
             * is hidden, so the change may fall on any of its categories: a category can
             * take all of an increase, and give up to its own count of a decrease. */
            for (int j = 0; j < t->n[dim]; j++) {
                size_t g = f - (size_t)(t->n[dim] - j) * t->stride[dim];
                suppress(t, r, g);
                long long down = t->v[g] < base->down[bf] ? t->v[g] : base->down[bf];
                set_interval(t, g, base->up[bf], down);
            }
        }
        enum sdc_result ri = protect(t, r);
        if (ri != SDC_OK)
            res = ri;
    }
    return res;
}
