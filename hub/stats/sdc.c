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
    /* While a base of linked tables is protected: its items, each moved along with it */
    struct sdc_table **links;
    int nlinks, link_dim;
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

#define MAX_LINKS 32

struct cube {
    int m;                    /* dimensions with a second index */
    int dim[SDC_MAX_DIMS];    /* which */
    int alt[SDC_MAX_DIMS];    /* the second index */
    long long up, down, cost; /* for the entry it protects (sign +1) */
    int lj[MAX_LINKS];        /* linked base: the category of each item that moves with it */
};

static size_t corner(const struct sdc_table *t, const int *idx, const struct cube *c, unsigned mask,
                     int *sign);

/* The item's flat index of base entry f with category j in the linked dimension. */
static size_t item_flat(const struct sdc_table *base, const struct sdc_table *it, size_t f, int j)
{
    int b[SDC_MAX_DIMS], x[SDC_MAX_DIMS];
    sdc_unflat(base, f, b);
    for (int d = 0, o = 0; d < it->k; d++)
        x[d] = d == base->link_dim ? j : b[o++];
    return sdc_flat(it, x);
}

/* A base cube moves every item too: the change at each corner, a total over the linked
 * dimension, must fall on one category of that dimension, the same at every corner (else
 * the item's own lines would not add up), so the item moves by (e_j + e_total) times the
 * cube. For each item the category with the most room is taken; the cube's room is the
 * least over base and items. */
static void cube_links(const struct sdc_table *t, const int *idx, struct cube *c)
{
    for (int i = 0; i < t->nlinks; i++) {
        const struct sdc_table *it = t->links[i];
        long long best_up = -1, best_down = 0;
        int best_j = 0;
        for (int j = 0; j < it->n[t->link_dim]; j++) {
            long long up = INF, down = INF;
            for (unsigned mask = 0; mask < (1u << c->m); mask++) {
                int s;
                long long v = it->v[item_flat(t, it, corner(t, idx, c, mask, &s), j)];
                if (s > 0 && v < down)
                    down = v;
                if (s < 0 && v < up)
                    up = v;
            }
            long long w = up >= INF ? INF : up + down;
            if (w > (best_up < 0 ? -1 : (best_up >= INF ? INF : best_up + best_down))) {
                best_up = up;
                best_down = down;
                best_j = j;
            }
        }
        c->lj[i] = best_j;
        if (best_up < c->up)
            c->up = best_up;
        if (best_down < c->down)
            c->down = best_down;
    }
}

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
    if (t->nlinks)
        cube_links(t, idx, c);
    return 1;
}

/* What protection means: the interval's width. */
static long long measure(const struct sdc_table *t, long long up, long long down)
{
    (void)t;
    return up >= INF || down >= INF ? INF : up + down;
}

/* Walks every cube around idx: the first call (*first 1) sets c to the first second index
 * in each dimension with a total, each next call to the next choice. 0 when done (or when
 * no dimension has a total). */
static int cube_next(const struct sdc_table *t, const int *idx, struct cube *c, int *cnt,
                     int *first)
{
    if (*first) {
        *first = 0;
        c->m = 0;
        for (int d = 0; d < t->k; d++)
            if (t->ht[d])
                c->dim[c->m++] = d;
        if (c->m == 0)
            return 0;
        memset(cnt, 0, sizeof(int) * SDC_MAX_DIMS);
    } else {
        int i = 0;
        while (i < c->m && ++cnt[i] >= t->e[c->dim[i]] - 1)
            cnt[i++] = 0;
        if (i == c->m)
            return 0;
    }
    for (int i = 0; i < c->m; i++) {
        int a = idx[c->dim[i]];
        c->alt[i] = cnt[i] < a ? cnt[i] : cnt[i] + 1;
    }
    return 1;
}

/* The cheapest cube around idx whose interval is at least `need` wide; 0 if none. */
static int cube_find(const struct sdc_table *t, const int *idx, long long need, struct cube *best)
{
    struct cube c = {0};
    int cnt[SDC_MAX_DIMS], first = 1, found = 0;
    long long best_cost = INF;
    while (cube_next(t, idx, &c, cnt, &first)) {
        if (cube_eval(t, idx, &c, best_cost) && measure(t, c.up, c.down) >= need) {
            *best = c;
            best_cost = c.cost;
            found = 1;
            if (best_cost == 0)
                break;
        }
    }
    return found;
}

static void set_interval(struct sdc_table *t, size_t f, long long up, long long down)
{
    if (t->st[f] == SDC_PUBLISHED || measure(t, up, down) > measure(t, t->up[f], t->down[f])) {
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
        for (int i = 0; i < t->nlinks; i++) {
            struct sdc_table *it = t->links[i];
            size_t g[2] = {item_flat(t, it, f, c->lj[i]), item_flat(t, it, f, it->n[t->link_dim])};
            for (int k = 0; k < 2; k++) {
                suppress(it, r, g[k]);
                if (s > 0)
                    set_interval(it, g[k], c->up, c->down);
                else
                    set_interval(it, g[k], c->down, c->up);
            }
        }
    }
}

/* The order cube_combo tries cubes in (see there). */
static int combo_before(const struct cube *a, const struct cube *b)
{
    int ai = a->up >= INF, bi = b->up >= INF;
    if (ai != bi)
        return bi;
    if (ai)
        return a->cost < b->cost;
    /* a->cost / a->up < b->cost / b->up, without division */
    return (double)a->cost * (double)b->up < (double)b->cost * (double)a->up;
}

/* Several cubes around idx at once (when no single one is wide enough): p is a corner of
 * sign +1 in each, so moving all of them up together moves p up by the sum of their ups,
 * as long as no corner of sign -1 is shared (each such corner then only carries its own
 * cube's decrease). Downwards one cube is used alone. Cheap room goes first;
 * 1 with them applied and idx's interval set, 0 if even all of them are not enough. */
static int cube_combo(struct sdc_table *t, const struct sdc_rule *r, const int *idx, long long need)
{
    struct cube c = {0}, *all = NULL;
    int cnt[SDC_MAX_DIMS], first = 1;
    size_t n = 0, cap = 0;
    unsigned char *neg = NULL;
    int ok = 0;
    while (cube_next(t, idx, &c, cnt, &first)) {
        if (!cube_eval(t, idx, &c, INF) || c.up <= 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct cube *g = realloc(all, cap * sizeof *all);
            if (!g)
                goto out;
            all = g;
        }
        all[n++] = c;
    }
    /* the least hidden per unit of room first; cubes without a corner of sign -1 (their
     * room is unlimited, but they hide totals) last, cheapest first; equal ones keep the
     * enumeration order (a stable choice) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && combo_before(&all[j], &all[j - 1]); j--) {
            struct cube tmp = all[j];
            all[j] = all[j - 1];
            all[j - 1] = tmp;
        }
    neg = calloc(t->count, 1);
    if (!neg)
        goto out;
    long long up = 0, down = 0;
    size_t take = 0;
    for (size_t i = 0; i < n && measure(t, up, down) < need; i++) {
        int s, clash = 0;
        for (unsigned mask = 0; mask < (1u << all[i].m) && !clash; mask++) {
            size_t f = corner(t, idx, &all[i], mask, &s);
            clash = s < 0 && neg[f];
        }
        if (clash)
            continue;
        for (unsigned mask = 0; mask < (1u << all[i].m); mask++) {
            size_t f = corner(t, idx, &all[i], mask, &s);
            if (s < 0)
                neg[f] = 1;
        }
        up = up >= INF || all[i].up >= INF ? INF : up + all[i].up;
        if (all[i].down > down)
            down = all[i].down;
        all[take++] = all[i];
    }
    if (measure(t, up, down) >= need) {
        for (size_t i = 0; i < take; i++)
            cube_apply(t, r, idx, &all[i]);
        set_interval(t, sdc_flat(t, idx), up, down);
        ok = 1;
    }
out:
    free(neg);
    free(all);
    return ok;
}

static enum sdc_result protect(struct sdc_table *t, const struct sdc_rule *r)
{
    int idx[SDC_MAX_DIMS];
    /* Until nothing changes: a cube chosen later may suppress an entry passed already, and
     * a corner of a linked base's cube needs more room in an item than the cube gave. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t f = 0; f < t->count; f++) {
            if (t->frozen[f])
                continue;
            int sens = sensitive(r, t->v[f]);
            if (!sens && t->st[f] == SDC_PUBLISHED)
                continue;
            long long need = sens ? r->min_width : 1;
            suppress(t, r, f);
            if (measure(t, t->up[f], t->down[f]) >= need)
                continue;
            struct cube c;
            sdc_unflat(t, f, idx);
            changed = 1;
            if (cube_find(t, idx, need, &c)) {
                cube_apply(t, r, idx, &c);
                continue;
            }
            if (cube_combo(t, r, idx, need))
                continue;
            /* No cubes in this table: hide everything that is ours to hide. */
            for (size_t g = 0; g < t->count; g++)
                if (!t->frozen[g])
                    suppress(t, r, g);
            return SDC_FALLBACK;
        }
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
    if (n > MAX_LINKS)
        return SDC_ERR_ARG;
    /* Base first, each of its cubes moving every item along (cube_links): so an attacker
     * holding base and all items at once still cannot pin a base entry. */
    base->links = items;
    base->nlinks = n;
    base->link_dim = dim;
    enum sdc_result res = protect(base, r);
    base->links = NULL;
    base->nlinks = 0;
    for (int i = 0; i < n; i++) {
        struct sdc_table *t = items[i];
        for (size_t f = 0; f < t->count; f++) {
            sdc_unflat(t, f, idx);
            if (idx[dim] != t->n[dim])
                continue;
            size_t bf = base_flat(base, idx, dim);
            /* The shared slice: base's entry, base's pattern, never a corner of an item's
             * own cube (that would have to move base too). */
            t->frozen[f] = 1;
            t->st[f] = base->st[bf];
            t->up[f] = base->up[bf];
            t->down[f] = base->down[bf];
        }
        /* The items' own cells: small ones get cubes of their own inside the item (their
         * judgement moves, the shared totals stay). */
        enum sdc_result ri = res == SDC_OK ? protect(t, r) : SDC_FALLBACK;
        if (ri == SDC_FALLBACK)
            for (size_t g = 0; g < t->count; g++)
                if (!t->frozen[g])
                    suppress(t, r, g);
        if (ri != SDC_OK)
            res = ri;
    }
    return res;
}
