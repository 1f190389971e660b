/*
 * ckshow.c: the operator's read-out of a resident's checkups (see ckshow.h).
 */
#include "ckshow.h"
#include "checkup_codes.h"
#include "checkup_judge.h"
#include "ckstore.h"

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

/* What the walks print into, and on which handle. */
struct show {
    struct db *db;
    const struct scope *sc;
    FILE *out;
    enum checkup_sex sex; /* of the checkup being printed */
    int n;
};

static int print_item(void *ctx, const struct checkup_result *r)
{
    struct show *w = ctx;
    FILE *out = w->out;
    fprintf(out, "item\t%s\t", r->code);
    put_field(out, r->item->name);
    fputc('\t', out);
    put_value(out, r);
    fputc('\t', out);
    put_field(out, r->kind == CHECKUP_V_NUMBER ? r->item->unit_display : "");
    fprintf(out, "\t%s\n", checkup_judgement_str(checkup_judge_result(r, w->sex, NULL)));
    return 0;
}

static int print_checkup(void *ctx, const struct ckstore_head *h)
{
    struct show *w = ctx;
    fprintf(w->out, "checkup\t%lld\t%s\t%lld\t", (long long)h->id, h->date, (long long)h->source);
    put_field(w->out, h->source_name);
    fputc('\t', w->out);
    put_field(w->out, h->org_id);
    fputc('\t', w->out);
    put_field(w->out, h->org_name);
    fputc('\n', w->out);
    w->sex = h->sex;
    if (ckstore_results(w->db, w->sc, h->id, print_item, w) != DB_OK)
        return -1;
    w->n++;
    return 0;
}

int ckshow_print(struct db *db, const struct scope *sc, int64_t resident, FILE *out)
{
    struct show w = {.db = db, .sc = sc, .out = out};
    return ckstore_heads(db, sc, resident, 0, 0, print_checkup, &w) == DB_OK ? w.n : -1;
}
