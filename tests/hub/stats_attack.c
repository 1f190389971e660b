/*
 * stats_attack.c: see stats_attack.h. Equations are over the unknowns only (published
 * values moved to the right-hand side). The programme of one unknown is restricted to the
 * unknowns connected to it through equations: the others cannot bound it.
 */
#include "stats_attack.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 64

struct tab {
    int k, n[5], ht[5], e[5];
    size_t count, stride[5];
    long long *v;
    int *var;              /* variable number of each entry, -1 if published */
    unsigned char *shared; /* 1: in a link equation (attack_link) */
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
    int solved;    /* 1 solved, -1 failed */
    double want;   /* attack_want: 0 for exact intervals */
    double *wants; /* attack_want_at: per unknown, else want */
    int *same;     /* pairs of unknowns a link makes equal: one variable */
    int nsame, capsame;
    double *lo, *hi;
    struct attack_info info;
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
        free(a->t[i].shared);
    }
    for (int i = 0; i < a->neq; i++) {
        free(a->eqs[i].var);
        free(a->eqs[i].coef);
    }
    free(a->eqs);
    free(a->same);
    free(a->wants);
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
    t->shared = calloc(s, 1);
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
    struct tab *b = &a->t[base], *it = &a->t[item];
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
        it->shared[f] = b->shared[ents[1]] = 1;
        if (it->var[f] >= 0 && b->var[ents[1]] >= 0) {
            /* two unknowns that are equal: one variable (fewer rows and columns) */
            if (a->nsame == a->capsame) {
                a->capsame = a->capsame ? a->capsame * 2 : 256;
                a->same = realloc(a->same, sizeof(int) * 2 * (size_t)a->capsame);
            }
            a->same[2 * a->nsame] = it->var[f];
            a->same[2 * a->nsame++ + 1] = b->var[ents[1]];
            continue;
        }
        add_eq(a, tp, ents, coef, 2);
    }
}

/* ---- one component's programme, solved by GLPK ---- */

/* The simplex of every solve: primal (the objective changes, the basis stays feasible, so
 * each solve starts where the last one ended), no presolver (it would throw that basis
 * away), quiet. */
static void lp_parm(glp_smcp *parm)
{
    glp_init_smcp(parm);
    parm->msg_lev = GLP_MSG_OFF;
    parm->meth = GLP_PRIMAL;
    parm->presolve = GLP_OFF;
}

/* min or max of column c; ATTACK_UNBOUNDED when the maximum has no bound. 0, or -1 if
 * GLPK failed (the caller's table set is then not solved). */
static int lp_extreme(struct attack *a, glp_prob *P, const glp_smcp *parm, int c, int dir,
                      double *out)
{
    a->info.solves++;
    glp_set_obj_dir(P, dir);
    if (glp_simplex(P, parm) != 0) {
        /* a numerical failure of the warm basis: start again from a fresh one */
        glp_adv_basis(P, 0);
        if (glp_simplex(P, parm) != 0)
            return -1;
    }
    int st = glp_get_status(P);
    if (st == GLP_UNBND) {
        *out = dir == GLP_MAX ? (double)ATTACK_UNBOUNDED : 0;
        return 0;
    }
    if (st != GLP_OPT)
        return -1;
    *out = glp_get_col_prim(P, c);
    return 0;
}

/* The programme over some of a component's unknowns: pos[c] >= 0 gives column c (of the
 * component) its place in it; every other column is held at x0[c]. Its rows are the rows
 * of rows[0..m) with an unknown of it, the held ones moved to the right-hand side. NULL
 * when out of memory. */
static glp_prob *lp_build(const struct attack *a, const int *rows, int m, const int *col,
                          const int *pos, int npos, const double *x0)
{
    size_t nz = 0;
    for (int r = 0; r < m; r++)
        nz += (size_t)a->eqs[rows[r]].nt;
    glp_prob *P = glp_create_prob();
    int *ia = malloc(sizeof(int) * (nz + 1)), *ja = malloc(sizeof(int) * (nz + 1));
    double *ar = malloc(sizeof(double) * (nz + 1));
    if (!ia || !ja || !ar) {
        glp_delete_prob(P);
        P = NULL;
        goto out;
    }
    glp_add_cols(P, npos);
    for (int c = 0; c < npos; c++)
        glp_set_col_bnds(P, c + 1, GLP_LO, 0, 0);
    size_t k = 1;
    int nrows = 0;
    for (int r = 0; r < m; r++) {
        const struct eq *e = &a->eqs[rows[r]];
        double rhs = e->rhs;
        size_t k0 = k;
        for (int i = 0; i < e->nt; i++) {
            int c = col[e->var[i]];
            if (pos[c] < 0) {
                rhs -= e->coef[i] * x0[c];
                continue;
            }
            ia[k] = nrows + 1;
            ja[k] = pos[c] + 1;
            ar[k++] = e->coef[i];
        }
        if (k == k0)
            continue;
        glp_add_rows(P, 1);
        nrows++;
        glp_set_row_bnds(P, nrows, GLP_FX, rhs, rhs);
    }
    glp_load_matrix(P, (int)(k - 1), ia, ja, ar);
out:
    free(ia);
    free(ja);
    free(ar);
    return P;
}

/* The unknown v (a root) seen at least as far apart as wanted. */
static int wide(const struct attack *a, int v)
{
    double w = a->wants ? a->wants[v] : a->want;
    return a->hi[v] - a->lo[v] >= w - 1e-6;
}

/* Widens the seen range [lo, hi] of the programme's unknowns (column j is var[j]) by the
 * point the last solve found, if it was an optimum (an unbounded ray's last point is not
 * kept). */
static void seen(glp_prob *P, const int *var, int n, double *lo, double *hi)
{
    if (glp_get_status(P) != GLP_OPT)
        return;
    for (int j = 0; j < n; j++) {
        double x = glp_get_col_prim(P, j + 1);
        if (x < lo[var[j]])
            lo[var[j]] = x;
        if (x > hi[var[j]] && hi[var[j]] < (double)ATTACK_UNBOUNDED)
            hi[var[j]] = x;
    }
}

/* Each unknown's largest and smallest value in programme P (column j is var[j]), in column
 * order (neighbours share most of their basis). exact: P is the whole component, the
 * optima are the attacker's bounds; else P holds some unknowns fixed and its points only
 * widen the seen ranges. With a wanted width every solution is also a point the tables
 * allow: an unknown already seen that far apart needs no programme. 0, or -1. */
static int extremes(struct attack *a, glp_prob *P, const int *var, int n, int exact)
{
    long before = a->info.solves;
    glp_smcp parm;
    lp_parm(&parm);
    double *lo = a->lo, *hi = a->hi;
    int track = a->want > 0;
    glp_adv_basis(P, 0);
    /* a feasible point first (objective 0) */
    if (glp_simplex(P, &parm) != 0 || glp_get_status(P) != GLP_OPT)
        return -1;
    if (track)
        seen(P, var, n, lo, hi);
    for (int j = 0; j < n; j++) {
        int v = var[j];
        if (track && wide(a, v))
            continue;
        double x;
        glp_set_obj_coef(P, j + 1, 1);
        for (int dir = GLP_MAX;; dir = GLP_MIN) {
            if (lp_extreme(a, P, &parm, j + 1, dir, &x) != 0)
                return -1;
            if (track)
                seen(P, var, n, lo, hi);
            if (exact)
                *(dir == GLP_MAX ? &hi[v] : &lo[v]) = x;
            if (dir == GLP_MIN || (track && wide(a, v)))
                break;
        }
        glp_set_obj_coef(P, j + 1, 0);
    }
    if (exact)
        a->info.whole_solves += a->info.solves - before;
    return 0;
}

/* Unknowns still short of the width, BATCH at a time in column order: the sum of them
 * maximised, then minimised, with every unknown held below CAP meanwhile (an unknown
 * without an upper bound would make the sum unbounded; a point below the cap is a point
 * of the whole all the same). Most of a batch moves together, so most of it needs no
 * programme of its own. */
#define BATCH 128
#define CAP   1e6
static int batches(struct attack *a, glp_prob *P, const int *vars, int nc)
{
    glp_smcp parm;
    lp_parm(&parm);
    int idx[BATCH], n = 0, rc = 0;
    for (int c = 0; c < nc; c++)
        glp_set_col_bnds(P, c + 1, GLP_DB, 0, CAP);
    for (int c = 0; c <= nc && rc == 0; c++) {
        if (c < nc && !wide(a, vars[c]))
            idx[n++] = c;
        if ((n < BATCH && c < nc) || n == 0)
            continue;
        for (int i = 0; i < n; i++)
            glp_set_obj_coef(P, idx[i] + 1, 1);
        for (int dir = GLP_MAX; rc == 0; dir = GLP_MIN) {
            glp_set_obj_dir(P, dir);
            a->info.solves++;
            a->info.whole_solves++;
            if (glp_simplex(P, &parm) != 0)
                rc = -1;
            seen(P, vars, nc, a->lo, a->hi);
            if (dir == GLP_MIN)
                break;
        }
        for (int i = 0; i < n; i++)
            glp_set_obj_coef(P, idx[i] + 1, 0);
        n = 0;
    }
    for (int c = 0; c < nc; c++)
        glp_set_col_bnds(P, c + 1, GLP_LO, 0, 0);
    return rc;
}

/* Solves one component: rows rows[0..m) of a->eqs, columns vars[0..nc) (col[] maps a
 * variable to its column, 0-based; block[] its table when it is in no link equation, else
 * -1). 0, or -1.
 *
 * With a wanted width, cheap points come first: each table's own unknowns (those in no
 * link) move in a programme of their own with every other unknown held at one solution of
 * the whole; its points are points of the whole, so they prove widths, never too much. Only
 * the unknowns still short of the width get programmes over the whole component. */
static int solve_component(struct attack *a, const int *rows, int m, const int *vars, int nc,
                           const int *col, const int *block)
{
    a->info.components++;
    if (nc > a->info.largest_unknowns) {
        a->info.largest_unknowns = nc;
        a->info.largest_equations = m;
    }
    if (m == 0) {
        /* in no equation: anything from 0 up */
        for (int c = 0; c < nc; c++) {
            a->lo[vars[c]] = 0;
            a->hi[vars[c]] = (double)ATTACK_UNBOUNDED;
        }
        return 0;
    }
    int rc = -1;
    int *pos = malloc(sizeof(int) * (size_t)nc), *sub = malloc(sizeof(int) * (size_t)nc);
    double *x0 = malloc(sizeof(double) * (size_t)nc);
    glp_prob *P = NULL, *Q = NULL;
    if (!pos || !sub || !x0)
        goto out;
    for (int c = 0; c < nc; c++) {
        pos[c] = c;
        a->lo[vars[c]] = INFINITY;
        a->hi[vars[c]] = -INFINITY;
    }
    if (!(P = lp_build(a, rows, m, col, pos, nc, NULL)))
        goto out;
    if (a->want > 0) {
        glp_smcp parm;
        lp_parm(&parm);
        glp_adv_basis(P, 0);
        if (glp_simplex(P, &parm) != 0 || glp_get_status(P) != GLP_OPT)
            goto out;
        for (int c = 0; c < nc; c++)
            x0[c] = a->lo[vars[c]] = a->hi[vars[c]] = glp_get_col_prim(P, c + 1);
        for (int t = 0; t < a->nt; t++) {
            int n = 0;
            for (int c = 0; c < nc; c++) {
                pos[c] = block[vars[c]] == t ? n : -1;
                if (pos[c] >= 0)
                    sub[n++] = vars[c];
            }
            if (n == 0 || n == nc)
                continue;
            if (!(Q = lp_build(a, rows, m, col, pos, n, x0)) || extremes(a, Q, sub, n, 0) != 0)
                goto out;
            glp_delete_prob(Q);
            Q = NULL;
        }
    }
    if (a->want > 0 && batches(a, P, vars, nc) != 0)
        goto out;
    rc = extremes(a, P, vars, nc, 1);
out:
    if (Q)
        glp_delete_prob(Q);
    if (P)
        glp_delete_prob(P);
    free(pos);
    free(sub);
    free(x0);
    return rc;
}

/* union-find over variables */
static int root(int *p, int x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

/* Splits the unknowns into components (unknowns joined by an equation) and solves each on
 * its own: an equation of another component cannot bound them. */
static int solve(struct attack *a)
{
    int nv = a->nvars, rc = 0;
    size_t cap = (size_t)(nv ? nv : 1);
    int *par = malloc(sizeof(int) * cap), *col = malloc(sizeof(int) * cap),
        *vars = malloc(sizeof(int) * cap), *start = calloc(cap + 1, sizeof(int)),
        *rows = malloc(sizeof(int) * (size_t)(a->neq ? a->neq : 1)),
        *block = malloc(sizeof(int) * cap), *alias = malloc(sizeof(int) * cap);
    a->lo = calloc(cap, sizeof(double));
    a->hi = calloc(cap, sizeof(double));
    if (!par || !col || !vars || !start || !rows || !block || !alias || !a->lo || !a->hi) {
        rc = -1;
        goto out;
    }
    for (int t = 0; t < a->nt; t++)
        for (size_t f = 0; f < a->t[t].count; f++)
            if (a->t[t].var[f] >= 0)
                block[a->t[t].var[f]] = a->t[t].shared[f] ? -1 : t;
    glp_term_out(GLP_OFF);
    a->info.unknowns = nv;
    a->info.equations = a->neq + a->nsame;
    /* unknowns a link makes equal become one (its root); the equations name roots only */
    for (int i = 0; i < nv; i++)
        alias[i] = i;
    for (int k = 0; k < a->nsame; k++)
        alias[root(alias, a->same[2 * k])] = root(alias, a->same[2 * k + 1]);
    for (int i = 0; i < nv && a->wants; i++)
        if (a->wants[i] > a->wants[root(alias, i)])
            a->wants[root(alias, i)] = a->wants[i];
    for (int q = 0; q < a->neq; q++) {
        struct eq *e = &a->eqs[q];
        int n = 0;
        for (int i = 0; i < e->nt; i++) {
            int v = root(alias, e->var[i]), j = 0;
            while (j < n && e->var[j] != v)
                j++;
            if (j == n) {
                e->var[n] = v;
                e->coef[n++] = e->coef[i];
            } else {
                e->coef[j] += e->coef[i];
            }
        }
        e->nt = 0;
        for (int j = 0; j < n; j++)
            if (e->coef[j] != 0) {
                e->var[e->nt] = e->var[j];
                e->coef[e->nt++] = e->coef[j];
            }
    }
    for (int i = 0; i < nv; i++)
        par[i] = i;
    for (int q = 0; q < a->neq; q++)
        for (int i = 1; i < a->eqs[q].nt; i++)
            par[root(par, a->eqs[q].var[i])] = root(par, a->eqs[q].var[0]);
    for (int i = 0; i < nv; i++)
        if (alias[i] == i)
            start[root(par, i) + 1]++;
    for (int i = 0; i < nv; i++)
        start[i + 1] += start[i];
    {
        /* the members of each root in variable order, and the rows of each root in
         * equation order (counting sorts) */
        int *fill = calloc(cap, sizeof(int)), *rstart = calloc(cap + 1, sizeof(int));
        if (!fill || !rstart) {
            free(fill);
            free(rstart);
            rc = -1;
            goto out;
        }
        for (int i = 0; i < nv; i++) {
            if (alias[i] != i)
                continue;
            int r = root(par, i);
            col[i] = fill[r];
            vars[start[r] + fill[r]++] = i;
        }
        for (int q = 0; q < a->neq; q++)
            if (a->eqs[q].nt > 0)
                rstart[root(par, a->eqs[q].var[0]) + 1]++;
        for (int i = 0; i < nv; i++)
            rstart[i + 1] += rstart[i];
        memset(fill, 0, sizeof(int) * cap);
        for (int q = 0; q < a->neq; q++) {
            if (a->eqs[q].nt == 0)
                continue;
            int r = root(par, a->eqs[q].var[0]);
            rows[rstart[r] + fill[r]++] = q;
        }
        for (int rt = 0; rt < nv && rc == 0; rt++)
            if (start[rt + 1] > start[rt])
                rc = solve_component(a, rows + rstart[rt], rstart[rt + 1] - rstart[rt],
                                     vars + start[rt], start[rt + 1] - start[rt], col, block);
        free(fill);
        free(rstart);
    }
    for (int i = 0; i < nv; i++) {
        a->lo[i] = a->lo[root(alias, i)];
        a->hi[i] = a->hi[root(alias, i)];
    }
out:
    free(par);
    free(col);
    free(vars);
    free(start);
    free(rows);
    free(block);
    free(alias);
    a->solved = rc == 0 ? 1 : -1;
    return rc;
}

int attack_bounds(struct attack *a, int tab, long long *lo, long long *hi, int cap)
{
    if (tab < 0 || tab >= a->nt)
        return -1;
    if (!a->solved)
        solve(a);
    if (a->solved < 0)
        return -1;
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

void attack_info(const struct attack *a, struct attack_info *out)
{
    *out = a->info;
}

void attack_want(struct attack *a, long long width)
{
    a->want = width > 0 ? (double)width : 0;
}

int attack_want_at(struct attack *a, int tab, const long long *width)
{
    if (tab < 0 || tab >= a->nt || a->want <= 0)
        return -1;
    if (!a->wants) {
        a->wants = malloc(sizeof(double) * (size_t)(a->nvars ? a->nvars : 1));
        if (!a->wants)
            return -1;
        for (int v = 0; v < a->nvars; v++)
            a->wants[v] = a->want;
    }
    const struct tab *t = &a->t[tab];
    for (size_t f = 0; f < t->count; f++)
        if (t->var[f] >= 0)
            a->wants[t->var[f]] = (double)width[f];
    return 0;
}
