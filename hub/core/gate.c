/*
 * gate.c: the authorization gate (see gate.h). The rules read their records through the
 * stores (reach, residents, consents, legalbases) and stay simple on purpose: readable
 * enough to audit by eye.
 */
#include "gate.h"
#include "consents.h"
#include "legalbases.h"
#include "reach.h"
#include "residents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gate_decision_str(enum gate_decision d)
{
    switch (d) {
    case GATE_ALLOW:
        return "allow";
    case GATE_DENY:
        return "deny";
    case GATE_ERROR:
        return "error";
    }
    return "unknown";
}

/* A lookup's answer as 1 (a row), 0 (none) or -1 (an error). */
static int found(enum db_status s)
{
    return s == DB_ROW ? 1 : s == DB_DONE ? 0 : -1;
}

/* 1 when family member `family` is linked to resident by a link recorded in the resident's
 * own town (the only way across towns), with that town in *town; 0 when not, -1 on error. */
static int linked(struct db *db, long long family, long long resident, const struct scope **town)
{
    int64_t t = 0;
    int r = found(reach_link_town(db, family, resident, &t));
    *town = r == 1 ? scope_of(t) : NULL;
    return r == 1 && !*town ? -1 : r;
}

/* The consent in force letting kind:id receive data_kind of resident (of town sc) for
 * purpose: basis gets "consent:<id>". */
static enum gate_decision consent(struct db *db, const struct scope *sc, const char *kind,
                                  long long id, long long resident, const char *data_kind,
                                  const char *purpose, char *basis, size_t cap)
{
    struct consents_key k = {.resident = resident,
                             .recipient_kind = kind,
                             .recipient_id = id,
                             .data_kind = data_kind,
                             .purpose = purpose};
    int64_t cid = 0;
    int r = found(consents_in_force(db, sc, &k, &cid));
    if (r < 0)
        return GATE_ERROR;
    if (r == 0)
        return GATE_DENY;
    snprintf(basis, cap, "consent:%lld", (long long)cid);
    return GATE_ALLOW;
}

/* 1 when resident belongs to the town of `who`, 0 when not (or no such resident), -1 on
 * error. Every role but family reaches only its own town's residents. */
static int own_town(struct db *db, const struct auth_principal *who, long long resident)
{
    int yes = 0;
    if (!who->town)
        return 0;
    return residents_in_town(db, who->town, resident, &yes) == DB_OK ? yes : -1;
}

/* The legal basis letting staff receive data_kind for purpose: 1 with its name, 0 none,
 * -1 on error. */
static int staff_basis(struct db *db, const char *data_kind, const char *purpose, char *name,
                       size_t cap)
{
    return found(legalbases_find(db, "staff", data_kind, purpose, name, cap));
}

enum gate_decision gate_check(struct db *db, const struct auth_principal *who,
                              long long session_resident, long long resident, const char *data_kind,
                              const char *purpose, char basis[GATE_BASIS_MAX])
{
    basis[0] = '\0';
    if (resident <= 0)
        return GATE_DENY;
    if (who->role != AUTH_FAMILY) {
        /* Another town's resident is no one here, whatever id was sent. */
        int here = own_town(db, who, resident);
        if (here <= 0)
            return here < 0 ? GATE_ERROR : GATE_DENY;
    }
    if (session_resident > 0) {
        if (session_resident != resident)
            return GATE_DENY;
        if (strncmp(data_kind, "checkups:", 9) == 0) {
            /* Linkage of a source's checkups needs the resident's consent for that source. */
            char cbasis[GATE_BASIS_MAX - 20];
            long long source = strtoll(data_kind + 9, NULL, 10);
            enum gate_decision d = consent(db, who->town, "source", source, resident, data_kind,
                                           "linkage", cbasis, sizeof cbasis);
            if (d != GATE_ALLOW)
                return d;
            snprintf(basis, GATE_BASIS_MAX, "self:card_session+%s", cbasis);
            return GATE_ALLOW;
        }
        snprintf(basis, GATE_BASIS_MAX, "self:card_session");
        return GATE_ALLOW;
    }
    switch (who->role) {
    case AUTH_DEVICE:
        if (strcmp(who->device_kind, "home") == 0 && who->resident_id == resident &&
            strcmp(data_kind, "safety") == 0) {
            snprintf(basis, GATE_BASIS_MAX, "self:home_device");
            return GATE_ALLOW;
        }
        return GATE_DENY;
    case AUTH_FAMILY: {
        const struct scope *town = NULL;
        int l = linked(db, who->id, resident, &town);
        if (l < 0)
            return GATE_ERROR;
        if (!l)
            return GATE_DENY;
        return consent(db, town, "family", who->id, resident, data_kind, purpose, basis,
                       GATE_BASIS_MAX);
    }
    case AUTH_STAFF: {
        char name[48];
        int r = staff_basis(db, data_kind, purpose, name, sizeof name);
        if (r < 0)
            return GATE_ERROR;
        if (r == 1) {
            snprintf(basis, GATE_BASIS_MAX, "legal:%s", name);
            return GATE_ALLOW;
        }
        return consent(db, who->town, "staff", who->id, resident, data_kind, purpose, basis,
                       GATE_BASIS_MAX);
    }
    case AUTH_SOURCE:
    case AUTH_OPERATOR:
    case AUTH_NONE:
        break;
    }
    return GATE_DENY;
}

enum gate_decision gate_recipient(struct db *db, const char *kind, long long id, long long resident,
                                  const char *data_kind, const char *purpose,
                                  char basis[GATE_BASIS_MAX])
{
    basis[0] = '\0';
    if (resident <= 0 || id <= 0)
        return GATE_DENY;
    if (strcmp(kind, "family") == 0) {
        const struct scope *town = NULL;
        int l = linked(db, id, resident, &town);
        if (l < 0)
            return GATE_ERROR;
        if (!l)
            return GATE_DENY;
        return consent(db, town, "family", id, resident, data_kind, purpose, basis, GATE_BASIS_MAX);
    }
    if (strcmp(kind, "operator") == 0) {
        /* An operator serves a town only under a contract recorded for it. */
        int64_t town = 0;
        int c = found(reach_contracted(db, id, resident, &town));
        if (c <= 0)
            return c < 0 ? GATE_ERROR : GATE_DENY;
        return consent(db, scope_of(town), "operator", id, resident, data_kind, purpose, basis,
                       GATE_BASIS_MAX);
    }
    return GATE_DENY;
}

const struct scope *gate_town(struct db *db, const struct auth_principal *who, long long resident)
{
    int64_t town = 0;
    if (who->role != AUTH_FAMILY)
        return who->town;
    return reach_link_town(db, who->id, resident, &town) == DB_ROW ? scope_of(town) : NULL;
}

/* The towns gate_towns() collects: each once, the caller's own first. */
struct towns {
    const struct scope **v;
    int n, cap;
    const struct scope *own;
};

static int add_town(void *ctx, int64_t town)
{
    struct towns *a = ctx;
    const struct scope *t = scope_of(town);
    if (!t || t == a->own)
        return 0;
    if (a->n == a->cap) { /* every town there is fits: scope_of() has at most SCOPE_MAX */
        const struct scope **w =
            a->n < SCOPE_MAX ? realloc(a->v, sizeof *w * (size_t)a->cap * 2) : NULL;
        if (!w)
            return -1;
        a->v = w;
        a->cap *= 2;
    }
    a->v[a->n++] = t;
    return 0;
}

int gate_towns(struct db *db, const struct auth_principal *who, const struct scope ***out)
{
    struct towns a = {.v = malloc(sizeof *a.v * 8), .cap = 8, .own = who->town};
    *out = NULL;
    if (!a.v)
        return -1;
    if (who->town)
        a.v[a.n++] = who->town;
    enum db_status s = DB_OK;
    if (who->role == AUTH_FAMILY)
        s = reach_link_towns(db, who->id, add_town, &a);
    else if (who->role == AUTH_OPERATOR)
        s = reach_contract_towns(db, who->id, add_town, &a);
    if (s != DB_OK) {
        free(a.v);
        return -1;
    }
    *out = a.v;
    return a.n;
}
