/*
 * ckshow.c: the operator's read-out of a resident's checkups (see ckshow.h).
 */
#include "ckshow.h"
#include "checkup_codes.h"
#include "checkup_judge.h"
#include "ckstore.h"

#include <stdlib.h>
#include <string.h>

/* s on one line: tabs and line breaks become spaces; "" becomes "-". */
static void put_field(FILE *out, const char *s)
{
    if (!s || !*s) {
        fputc('-', out);
        return;
    }
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void put_value(FILE *out, const struct checkup_result *r)
{
    if (r->kind == CHECKUP_V_NUMBER) {
        fprintf(out, "%.*f", r->item->decimals, r->value);
    } else if (r->kind == CHECKUP_V_CODE) {
        const struct checkup_code *w = checkup_codes_find(r->system, r->text);
        put_field(out, r->text);
        fputc(' ', out);
        put_field(out, w ? w->ja : r->display);
    } else {
        put_field(out, r->text);
    }
}

static int print_items(sqlite3 *db, long long id, enum checkup_sex sex, FILE *out)
{
    sqlite3_stmt *st = NULL;
    struct checkup_result *r = calloc(1, sizeof *r); /* large: not on the stack */
    int rc = -1, s;
    if (!r || sqlite3_prepare_v2(db,
                                 "SELECT " CKSTORE_RESULT_COLS " FROM checkup_results r"
                                 " WHERE r.checkup_id = ? ORDER BY r.code",
                                 -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (ckstore_result_row(st, 0, r) != 0)
            continue;
        fprintf(out, "item\t%s\t", r->code);
        put_field(out, r->item->name);
        fputc('\t', out);
        put_value(out, r);
        fputc('\t', out);
        put_field(out, r->kind == CHECKUP_V_NUMBER ? r->item->unit_display : "");
        fprintf(out, "\t%s\n", checkup_judgement_str(checkup_judge_result(r, sex, NULL)));
    }
    rc = s == SQLITE_DONE ? 0 : -1;
out:
    sqlite3_finalize(st);
    free(r);
    return rc;
}

int ckshow_print(sqlite3 *db, long long resident, FILE *out)
{
    sqlite3_stmt *st = NULL;
    int n = 0, s;
    if (sqlite3_prepare_v2(db,
                           "SELECT c.id, c.date, c.source_id, s.display_name, c.org_id, c.org_name,"
                           " c.sex FROM checkups c JOIN sources s ON s.id = c.source_id"
                           " WHERE c.resident_id = ? AND c.superseded_by IS NULL"
                           " ORDER BY c.date DESC, c.id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        fprintf(out, "checkup\t%lld\t%s\t%lld\t", id, (const char *)sqlite3_column_text(st, 1),
                sqlite3_column_int64(st, 2));
        put_field(out, (const char *)sqlite3_column_text(st, 3));
        fputc('\t', out);
        put_field(out, (const char *)sqlite3_column_text(st, 4));
        fputc('\t', out);
        put_field(out, (const char *)sqlite3_column_text(st, 5));
        fputc('\n', out);
        if (print_items(db, id, ckstore_sex_from_str((const char *)sqlite3_column_text(st, 6)),
                        out) != 0) {
            n = -1;
            break;
        }
        n++;
    }
    if (n >= 0 && s != SQLITE_DONE && s != SQLITE_ROW)
        n = -1;
    sqlite3_finalize(st);
    return n;
}
