/*
 * stats_attack.c: see stats_attack.h. Equations are over the unknowns only (published
 * values moved to the right-hand side). The programme of one unknown is restricted to the
 * unknowns connected to it through equations: the others cannot bound it.
 */
#include "stats_attack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 64
#define EPS  1e-7

struct tab {
    int k, n[5], ht[5], e[5];
    size_t count, stride[5];
    long long *v;
    int *var; /* variable number of each entry, -1 if published */
};

struct eq {
    int nt;
    int *var;
    double *coef;
    double rhs;
};

struct attack {
    struct tab t[MAXT];
    int nt;
    int nvars;
    struct eq *eqs;
    int neq, capeq;
    int solved;
    double *lo, *hi;
};

struct attack *attack_create(void)
{
    return calloc(1, sizeof(struct attack));
}

void attack_destroy(struct attack *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->nt; i++) {
        free(a->t[i].v);
        free(a->t[i].var);
    }
    for (int i = 0; i < a->neq; i++) {
        free(a->eqs[i].var);
        free(a->eqs[i].coef);
    }
    free(a->eqs);
    free(a->lo);
    free(a->hi);
    free(a);
}

static void unflat(const struct tab *t, size_t f, int *idx)
{
    for (int d = 0; d < t->k; d++) {
        idx[d] = (int)(f / t->stride[d]);
        f %= t->stride[d];
    }
}

static size_t flat(const struct tab *t, const int *idx)
{
    size_t f = 0;
    for (int d = 0; d < t->k; d++)
        f += (size_t)idx[d] * t->stride[d];
    return f;
}

/* sum of coef * entry = 0 over the given entries: unknowns stay, values move right */
static void add_eq(struct attack *a, const struct tab **tabs, const size_t *ents,
                   const double *coef, int n)
{
    struct eq q = {0};
    q.var = malloc(sizeof(int) * (size_t)n);
    q.coef = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        int v = tabs[i]->var[ents[i]];
        if (v < 0) {
            q.rhs -= coef[i] * (double)tabs[i]->v[ents[i]];
        } else {
            q.var[q.nt] = v;
            q.coef[q.nt++] = coef[i];
        }
    }
    if (q.nt == 0) {
        free(q.var);
        free(q.coef);
        return;
    }
    if (a->neq == a->capeq) {
        a->capeq = a->capeq ? a->capeq * 2 : 256;
        a->eqs = realloc(a->eqs, sizeof *a->eqs * (size_t)a->capeq);
    }
    a->eqs[a->neq++] = q;
}

int attack_add_table(struct attack *a, int ndims, const int *sizes, const int *has_total,
                     const long long *values)
{
    if (a->nt == MAXT || ndims < 1 || ndims > 5)
        return -1;
    struct tab *t = &a->t[a->nt];
    memset(t, 0, sizeof *t);
    t->k = ndims;
    size_t s = 1;
    for (int d = ndims - 1; d >= 0; d--) {
        t->n[d] = sizes[d];
        t->ht[d] = has_total[d] ? 1 : 0;
        t->e[d] = sizes[d] + t->ht[d];
        t->stride[d] = s;
        s *= (size_t)t->e[d];
    }
    t->count = s;
    t->v = malloc(sizeof(long long) * s);
    t->var = malloc(sizeof(int) * s);
    memcpy(t->v, values, sizeof(long long) * s);
    for (size_t f = 0; f < s; f++)
        t->var[f] = values[f] == ATTACK_UNKNOWN ? a->nvars++ : -1;
    /* every line along a dimension with a total */
    int idx[5];
    const struct tab *tp[4097];
    size_t ents[4097];
    double coef[4097];
    for (int d = 0; d < ndims; d++) {
        if (!t->ht[d])
            continue;
        for (size_t f = 0; f < s; f++) {
            unflat(t, f, idx);
            if (idx[d] != t->n[d])
                continue;
            int n = 0;
            for (int i = 0; i <= t->n[d]; i++) {
                idx[d] = i;
                tp[n] = t;
                ents[n] = flat(t, idx);
                coef[n++] = i == t->n[d] ? -1.0 : 1.0;
            }
            add_eq(a, tp, ents, coef, n);
        }
    }
    return a->nt++;
}

void attack_link(struct attack *a, int base, int item, int dim)
{
    const struct tab *b = &a->t[base], *it = &a->t[item];
    int idx[5], bi[5];
    for (size_t f = 0; f < it->count; f++) {
        unflat(it, f, idx);
        if (idx[dim] != it->n[dim])
            continue;
        for (int d = 0, o = 0; d < it->k; d++)
            if (d != dim)
                bi[o++] = idx[d];
        const struct tab *tp[2] = {it, b};
        size_t ents[2] = {f, flat(b, bi)};
        double coef[2] = {1.0, -1.0};
        add_eq(a, tp, ents, coef, 2);
    }
}

/* ---- dense two-phase simplex: A x = b, x >= 0 ---- */

struct lp {
    int m, n;   /* rows, columns (without rhs) */
    double *T;  /* (m + 1) x (n + 1); row m is the objective (reduced costs), col n rhs */
    int *basis; /* basic column of each row */
    int nprice; /* columns that may enter (the artificials never do after phase I) */
};

#define AT(lp, r, c) ((lp)->T[(size_t)(r) * (size_t)((lp)->n + 1) + (size_t)(c)])

static void pivot(struct lp *lp, int r, int c)
{
    double p = AT(lp, r, c);
    for (int j = 0; j <= lp->n; j++)
        AT(lp, r, j) /= p;
    for (int i = 0; i <= lp->m; i++) {
        if (i == r)
            continue;
        double f = AT(lp, i, c);
        if (fabs(f) < 1e-15)
            continue;
        for (int j = 0; j <= lp->n; j++)
            AT(lp, i, j) -= f * AT(lp, r, j);
    }
    lp->basis[r] = c;
}

/* Minimises the objective row over columns < ncols (Bland's rule). 0 optimal, 1
 * unbounded. */
static int simplex(struct lp *lp)
{
    int ncols = lp->nprice;
    for (int iter = 0; iter < 100000; iter++) {
        int c = -1;
        for (int j = 0; j < ncols; j++)
            if (AT(lp, lp->m, j) < -EPS) {
                c = j;
                break;
            }
        if (c < 0)
            return 0;
        int r = -1;
        double best = 0;
        for (int i = 0; i < lp->m; i++) {
            double a = AT(lp, i, c);
            if (a > EPS) {
                double q = AT(lp, i, lp->n) / a;
                if (r < 0 || q < best - 1e-12 ||
                    (fabs(q - best) <= 1e-12 && lp->basis[i] < lp->basis[r])) {
                    r = i;
                    best = q;
                }
            }
        }
        if (r < 0)
            return 1;
        pivot(lp, r, c);
    }
    return 0;
}

/* Optimises x[target] (maximise if sign > 0) over the component's equations; returns
 * the optimum (or +-ATTACK_UNBOUNDED). feas: a feasible tableau of the component. */
static double optimise(const struct lp *feas, int target, int sign)
{
    struct lp lp = *feas;
    size_t sz = (size_t)(lp.m + 1) * (size_t)(lp.n + 1);
    lp.T = malloc(sizeof(double) * sz);
    lp.basis = malloc(sizeof(int) * (size_t)lp.m);
    memcpy(lp.T, feas->T, sizeof(double) * sz);
    memcpy(lp.basis, feas->basis, sizeof(int) * (size_t)lp.m);
    /* objective: minimise -sign * x[target], expressed in non-basic columns */
    for (int j = 0; j <= lp.n; j++)
        AT(&lp, lp.m, j) = 0;
    AT(&lp, lp.m, target) = -(double)sign;
    for (int i = 0; i < lp.m; i++) {
        double f = AT(&lp, lp.m, lp.basis[i]);
        if (f != 0)
            for (int j = 0; j <= lp.n; j++)
                AT(&lp, lp.m, j) -= f * AT(&lp, i, j);
    }
    double out;
    if (simplex(&lp))
        out = sign > 0 ? (double)ATTACK_UNBOUNDED : 0;
    else
        out = sign * AT(&lp, lp.m, lp.n); /* objective row rhs = -(min value) */
    free(lp.T);
    free(lp.basis);
    return out;
}

/* union-find over variables */
static int root(int *p, int x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

static void solve(struct attack *a)
{
    int nv = a->nvars;
    int *par = malloc(sizeof(int) * (size_t)(nv ? nv : 1));
    a->lo = calloc((size_t)(nv ? nv : 1), sizeof(double));
    a->hi = calloc((size_t)(nv ? nv : 1), sizeof(double));
    for (int i = 0; i < nv; i++)
        par[i] = i;
    for (int q = 0; q < a->neq; q++)
        for (int i = 1; i < a->eqs[q].nt; i++)
            par[root(par, a->eqs[q].var[i])] = root(par, a->eqs[q].var[0]);
    int *col = malloc(sizeof(int) * (size_t)(nv ? nv : 1));
    int *vars = malloc(sizeof(int) * (size_t)(nv ? nv : 1));
    for (int rt = 0; rt < nv; rt++) {
        if (root(par, rt) != rt)
            continue;
        int nc = 0, m = 0;
        for (int i = 0; i < nv; i++)
            if (root(par, i) == rt) {
                col[i] = nc;
                vars[nc++] = i;
            }
        for (int q = 0; q < a->neq; q++)
            m += root(par, a->eqs[q].var[0]) == rt;
        /* columns: nc variables + m artificials */
        struct lp lp = {.m = m, .n = nc + m, .nprice = nc + m};
        lp.T = calloc((size_t)(m + 1) * (size_t)(lp.n + 1), sizeof(double));
        lp.basis = malloc(sizeof(int) * (size_t)(m ? m : 1));
        int r = 0;
        for (int q = 0; q < a->neq; q++) {
            struct eq *e = &a->eqs[q];
            if (root(par, e->var[0]) != rt)
                continue;
            double s = e->rhs < 0 ? -1 : 1;
            for (int i = 0; i < e->nt; i++)
                AT(&lp, r, col[e->var[i]]) += s * e->coef[i];
            AT(&lp, r, lp.n) = s * e->rhs;
            AT(&lp, r, nc + r) = 1;
            lp.basis[r] = nc + r;
            r++;
        }
        /* phase I: minimise the artificials */
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= lp.n; j++)
                if (j < nc || j == lp.n)
                    AT(&lp, m, j) -= AT(&lp, i, j);
        simplex(&lp);
        /* drive artificials out of the basis; a row that cannot is redundant */
        for (int i = 0; i < lp.m; i++) {
            if (lp.basis[i] < nc)
                continue;
            int c = -1;
            for (int j = 0; j < nc; j++)
                if (fabs(AT(&lp, i, j)) > 1e-9) {
                    c = j;
                    break;
                }
            if (c >= 0) {
                pivot(&lp, i, c);
            } else {
                for (int j = 0; j <= lp.n; j++)
                    AT(&lp, i, j) = 0;
                AT(&lp, i, lp.basis[i]) = 1;
            }
        }
        lp.nprice = nc; /* the artificials never enter again */
        for (int c = 0; c < nc; c++) {
            a->hi[vars[c]] = optimise(&lp, c, +1);
            a->lo[vars[c]] = optimise(&lp, c, -1);
        }
        free(lp.T);
        free(lp.basis);
    }
    free(col);
    free(vars);
    free(par);
    a->solved = 1;
}

int attack_bounds(struct attack *a, int tab, long long *lo, long long *hi, int cap)
{
    if (tab < 0 || tab >= a->nt)
        return -1;
    if (!a->solved)
        solve(a);
    struct tab *t = &a->t[tab];
    int n = 0;
    for (size_t f = 0; f < t->count; f++) {
        int v = t->var[f];
        if (v < 0)
            continue;
        if (n == cap)
            return -1;
        lo[n] = (long long)ceil(a->lo[v] - 1e-6);
        hi[n] = a->hi[v] >= (double)ATTACK_UNBOUNDED ? ATTACK_UNBOUNDED
                                                     : (long long)floor(a->hi[v] + 1e-6);
        n++;
    }
    return n;
}
