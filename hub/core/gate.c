/*
 * gate.c: the authorization gate (see gate.h). Queries are simple on purpose: the rules
 * must stay readable enough to audit by eye.
 */
#include "gate.h"
#include "db_sqlite.h"

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

/* Runs a query with numbered parameters ?1..?5 (1, 3, 4 text; 2, 5 integers); returns 1 if it
 * yields a row, 0 if not, -1 on error. out gets column 0 as text. */
static int one_row(sqlite3 *db, const char *sql, const char *t1, long long i2, const char *t3,
                   const char *t4, long long i5, char *out, size_t outcap)
{
    sqlite3_stmt *st = NULL;
    int r = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    int n = sqlite3_bind_parameter_count(st);
    if (n >= 1)
        sqlite3_bind_text(st, 1, t1, -1, SQLITE_STATIC);
    if (n >= 2)
        sqlite3_bind_int64(st, 2, i2);
    if (n >= 3)
        sqlite3_bind_text(st, 3, t3, -1, SQLITE_STATIC);
    if (n >= 4)
        sqlite3_bind_text(st, 4, t4, -1, SQLITE_STATIC);
    if (n >= 5)
        sqlite3_bind_int64(st, 5, i5);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, outcap, "%s", t ? (const char *)t : "");
        r = 1;
    } else if (rc == SQLITE_DONE) {
        r = 0;
    }
out:
    sqlite3_finalize(st);
    return r;
}

static enum gate_decision consent(sqlite3 *db, const char *kind, long long id, long long resident,
                                  const char *data_kind, const char *purpose, char *basis,
                                  size_t cap)
{
    char cid[32];
    /* "checkups:<source>" is also covered by a consent for all checkups ("checkups"). */
    int r = one_row(db,
                    "SELECT id FROM consents WHERE recipient_kind = ?1 AND recipient_id = ?2"
                    " AND (data_kind = ?3 OR (?3 LIKE 'checkups:%' AND data_kind = 'checkups'))"
                    " AND purpose = ?4 AND resident_id = ?5"
                    " AND revoked_unix IS NULL ORDER BY id DESC LIMIT 1",
                    kind, id, data_kind, purpose, resident, cid, sizeof cid);
    if (r < 0)
        return GATE_ERROR;
    if (r == 0)
        return GATE_DENY;
    snprintf(basis, cap, "consent:%s", cid);
    return GATE_ALLOW;
}

enum gate_decision gate_check(struct db *dbh, const struct auth_principal *who,
                              long long session_resident, long long resident, const char *data_kind,
                              const char *purpose, char basis[GATE_BASIS_MAX])
{
    sqlite3 *db = db_sqlite_handle(dbh);
    basis[0] = '\0';
    if (resident <= 0)
        return GATE_DENY;
    if (session_resident > 0) {
        if (session_resident != resident)
            return GATE_DENY;
        if (strncmp(data_kind, "checkups:", 9) == 0) {
            /* Linkage of a source's checkups needs the resident's consent for that source. */
            char cbasis[GATE_BASIS_MAX - 20];
            long long source = strtoll(data_kind + 9, NULL, 10);
            enum gate_decision d = consent(db, "source", source, resident, data_kind, "linkage",
                                           cbasis, sizeof cbasis);
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
        char dummy[8];
        int linked =
            one_row(db, "SELECT 1 FROM family_links WHERE family_id = ?2 AND resident_id = ?5",
                    NULL, who->id, NULL, NULL, resident, dummy, sizeof dummy);
        if (linked < 0)
            return GATE_ERROR;
        if (!linked)
            return GATE_DENY;
        return consent(db, "family", who->id, resident, data_kind, purpose, basis, GATE_BASIS_MAX);
    }
    case AUTH_STAFF: {
        char name[48];
        int r = one_row(db,
                        "SELECT name FROM legal_bases WHERE recipient_kind = ?1"
                        " AND data_kind = ?3 AND purpose = ?4 ORDER BY name LIMIT 1",
                        "staff", who->id, data_kind, purpose, 0, name, sizeof name);
        if (r < 0)
            return GATE_ERROR;
        if (r == 1) {
            snprintf(basis, GATE_BASIS_MAX, "legal:%s", name);
            return GATE_ALLOW;
        }
        return consent(db, "staff", who->id, resident, data_kind, purpose, basis, GATE_BASIS_MAX);
    }
    case AUTH_SOURCE:
    case AUTH_OPERATOR:
    case AUTH_NONE:
        break;
    }
    return GATE_DENY;
}

enum gate_decision gate_recipient(struct db *dbh, const char *kind, long long id,
                                  long long resident, const char *data_kind, const char *purpose,
                                  char basis[GATE_BASIS_MAX])
{
    sqlite3 *db = db_sqlite_handle(dbh);
    basis[0] = '\0';
    if (resident <= 0 || id <= 0)
        return GATE_DENY;
    if (strcmp(kind, "family") == 0) {
        char dummy[8];
        int linked =
            one_row(db, "SELECT 1 FROM family_links WHERE family_id = ?2 AND resident_id = ?5",
                    NULL, id, NULL, NULL, resident, dummy, sizeof dummy);
        if (linked < 0)
            return GATE_ERROR;
        if (!linked)
            return GATE_DENY;
        return consent(db, "family", id, resident, data_kind, purpose, basis, GATE_BASIS_MAX);
    }
    if (strcmp(kind, "operator") == 0)
        return consent(db, "operator", id, resident, data_kind, purpose, basis, GATE_BASIS_MAX);
    return GATE_DENY;
}
