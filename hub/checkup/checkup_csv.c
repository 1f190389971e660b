/*
 * checkup_csv: CSV rows -> checkups (see checkup_csv.h). The rows are validated with the
 * same checkup_result_check the FHIR importer uses, so both paths accept the same data.
 */
#include "checkup_csv.h"
#include "checkup_internal.h"
#include "csvrec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 32
#define REC_BYTES  8192

enum col {
    K_INSURER,
    K_SYMBOL,
    K_NUMBER,
    K_BRANCH,
    K_SEX,
    K_BIRTH,
    K_ORG_SYSTEM,
    K_ORG_ID,
    K_ORG_NAME,
    K_DATE,
    K_CODE,
    K_VALUE,
    K_UNIT,
    K_LOW,
    K_HIGH,
    K_COUNT
};

static const struct {
    const char *name;
    int required;
} cols[K_COUNT] = {
    {"insurer_number", 1},
    {"insured_symbol", 0},
    {"insured_number", 1},
    {"insured_branch", 0},
    {"sex", 0},
    {"birth_date", 0},
    {"source_org_system", 0},
    {"source_org_id", 1},
    {"source_org_name", 0},
    {"date", 1},
    {"item_code", 1},
    {"value", 1},
    {"unit", 0},
    {"ref_low", 0},
    {"ref_high", 0},
};

struct cctx {
    struct checkup_list *list;
    size_t cap;
    struct checkup_error *err;
    long line;
    size_t ncols; /* fields in the header: every row has as many */
};

static enum checkup_status rowfail(struct cctx *x, enum checkup_status st, const char *msg)
{
    return checkup_error_set(x->err, st, -1, x->line, NULL, "line %ld: %s", x->line, msg);
}

/* A decimal number filling the whole field. */
static int parse_num(const char *s, double *v)
{
    char *end = NULL;
    if (!*s || strspn(s, "0123456789.+-eE") != strlen(s))
        return -1; /* plain decimal only: no hex, inf, nan or spaces */
    errno = 0;
    *v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(*v))
        return -1;
    return 0;
}

static int parse_sex(const char *s, enum checkup_sex *sex)
{
    if (!*s)
        *sex = CHECKUP_SEX_UNKNOWN;
    else if (!strcmp(s, "male") || !strcmp(s, "M") || !strcmp(s, "1"))
        *sex = CHECKUP_SEX_MALE; /* 1/2 is the code the MHLW XML uses for sex */
    else if (!strcmp(s, "female") || !strcmp(s, "F") || !strcmp(s, "2"))
        *sex = CHECKUP_SEX_FEMALE;
    else if (!strcmp(s, "other"))
        *sex = CHECKUP_SEX_OTHER;
    else
        return -1;
    return 0;
}

/* The checkup these key fields belong to: found among the earlier ones or a new one. */
static enum checkup_status find_checkup(struct cctx *x, const struct checkup *proto,
                                        struct checkup **found)
{
    struct checkup_list *l = x->list;
    char k1[5 * CHECKUP_ID_MAX], k2[5 * CHECKUP_ID_MAX];

    *found = NULL;
    if (checkup_member_key(&proto->member, k1, sizeof k1) != 0)
        return rowfail(x, CHECKUP_ERR_TOO_LARGE, "the insured person's identifiers are too long");
    /* Newest first: rows of one checkup are usually together. */
    for (size_t i = l->n; i-- > 0;) {
        struct checkup *c = l->v[i];
        if (strcmp(c->date, proto->date) != 0 || strcmp(c->source_org_id, proto->source_org_id) ||
            strcmp(c->source_org_system, proto->source_org_system) ||
            checkup_member_key(&c->member, k2, sizeof k2) != 0 || strcmp(k1, k2) != 0)
            continue;
        if (c->sex != proto->sex || strcmp(c->birth_date, proto->birth_date) != 0 ||
            strcmp(c->source_org_name, proto->source_org_name) != 0)
            return rowfail(x, CHECKUP_ERR_INVALID,
                           "sex, birth_date or source_org_name differ from an earlier row of "
                           "the same checkup (same person, source_org_id and date)");
        *found = c;
        return CHECKUP_OK;
    }
    if (l->n >= CHECKUP_CSV_MAX_CHECKUPS)
        return rowfail(x, CHECKUP_ERR_TOO_LARGE, "the file holds more than 2000 checkups");
    if (l->n == x->cap) {
        size_t ncap = x->cap ? 2 * x->cap : 8;
        struct checkup **nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return rowfail(x, CHECKUP_ERR_NOMEM, "out of memory");
        l->v = nv;
        x->cap = ncap;
    }
    struct checkup *c = malloc(sizeof *c);
    if (!c)
        return rowfail(x, CHECKUP_ERR_NOMEM, "out of memory");
    *c = *proto;
    c->results = NULL;
    c->n_results = 0;
    l->v[l->n++] = c;
    *found = c;
    return CHECKUP_OK;
}

static enum checkup_status read_row(struct cctx *x, const int *idx, const char **f, size_t nf)
{
    const char *v[K_COUNT];
    char msg[480], why[400], joined[4 * CHECKUP_ID_MAX + 8];
    struct checkup proto;
    struct checkup *c;
    enum checkup_status st;

    if (nf != x->ncols) {
        snprintf(msg, sizeof msg, "the row has %zu fields but the header has %zu", nf, x->ncols);
        return rowfail(x, CHECKUP_ERR_SYNTAX, msg);
    }
    for (int k = 0; k < K_COUNT; k++)
        v[k] = idx[k] >= 0 && (size_t)idx[k] < nf ? f[idx[k]] : "";
    for (int k = 0; k < K_COUNT; k++)
        if (cols[k].required && v[k][0] == '\0') {
            snprintf(msg, sizeof msg, "the column %s is empty", cols[k].name);
            return rowfail(x, CHECKUP_ERR_MISSING, msg);
        }
    memset(&proto, 0, sizeof proto);
    int n = snprintf(joined, sizeof joined, "%s:%s:%s:%s", v[K_INSURER], v[K_SYMBOL], v[K_NUMBER],
                     v[K_BRANCH]);
    if (n < 0 || (size_t)n >= sizeof joined || strchr(v[K_INSURER], ':') ||
        strchr(v[K_SYMBOL], ':') || strchr(v[K_NUMBER], ':') || strchr(v[K_BRANCH], ':') ||
        checkup_member_parse(joined, &proto.member) != 0)
        return rowfail(x, CHECKUP_ERR_INVALID,
                       "insurer_number must be 6 or 8 digits, insured_branch empty or 2 "
                       "digits, and no identifier may contain ':'");
    if (parse_sex(v[K_SEX], &proto.sex) != 0)
        return rowfail(x, CHECKUP_ERR_INVALID,
                       "sex must be male, female, other, M, F, 1, 2 or empty");
    if (v[K_BIRTH][0] && !checkup_valid_date(v[K_BIRTH]))
        return rowfail(x, CHECKUP_ERR_INVALID, "birth_date is not a date written YYYY-MM-DD");
    snprintf(proto.birth_date, sizeof proto.birth_date, "%s", v[K_BIRTH]);
    if (!checkup_valid_date(v[K_DATE]))
        return rowfail(x, CHECKUP_ERR_INVALID, "date is not a date written YYYY-MM-DD");
    memcpy(proto.date, v[K_DATE], sizeof proto.date);
    if (checkup_copy(proto.source_org_system, sizeof proto.source_org_system,
                     v[K_ORG_SYSTEM][0] ? v[K_ORG_SYSTEM] : CHECKUP_CSV_ORG_SYSTEM) != 0 ||
        checkup_normalize_id(v[K_ORG_ID], proto.source_org_id, sizeof proto.source_org_id) != 0 ||
        checkup_copy(proto.source_org_name, sizeof proto.source_org_name, v[K_ORG_NAME]) != 0)
        return rowfail(x, CHECKUP_ERR_TOO_LARGE, "a source_org_* field is too long");

    const struct checkup_item *item = checkup_dict_lookup(v[K_CODE]);
    if (!item) {
        snprintf(msg, sizeof msg,
                 "item_code \"%.20s\" is not in the MHLW item table (17 characters, "
                 "特定健診項目 V4)",
                 v[K_CODE]);
        return rowfail(x, CHECKUP_ERR_UNKNOWN_ITEM, msg);
    }
    if ((st = find_checkup(x, &proto, &c)) != CHECKUP_OK)
        return st;
    for (size_t i = 0; i < c->n_results; i++)
        if (c->results[i].item == item) {
            snprintf(msg, sizeof msg, "item %s (%s) appears twice in one checkup", item->code,
                     item->name);
            return rowfail(x, CHECKUP_ERR_INVALID, msg);
        }
    int too_many = 0;
    struct checkup_result *r = checkup_add_result(c, &too_many);
    if (!r)
        return rowfail(x, too_many ? CHECKUP_ERR_TOO_LARGE : CHECKUP_ERR_NOMEM,
                       too_many ? "more results than one checkup may have" : "out of memory");
    r->item = item;
    memcpy(r->code, item->code, sizeof r->code);
    snprintf(r->identity, sizeof r->identity, "%s", item->identity);
    if (item->dtype == CHECKUP_DT_NUMBER) {
        if (parse_num(v[K_VALUE], &r->value) != 0) {
            c->n_results--;
            snprintf(msg, sizeof msg, "the value of item %s (%s) is not a number", item->code,
                     item->name);
            return rowfail(x, CHECKUP_ERR_VALUE, msg);
        }
        r->kind = CHECKUP_V_NUMBER;
    } else {
        r->kind = item->dtype == CHECKUP_DT_DATE ? CHECKUP_V_DATE : CHECKUP_V_TEXT;
        if (checkup_copy(r->text, sizeof r->text, v[K_VALUE]) != 0) {
            c->n_results--;
            return rowfail(x, CHECKUP_ERR_TOO_LARGE, "the value is too long");
        }
    }
    if ((v[K_LOW][0] && parse_num(v[K_LOW], &r->ref_low) != 0) ||
        (v[K_HIGH][0] && parse_num(v[K_HIGH], &r->ref_high) != 0)) {
        c->n_results--;
        return rowfail(x, CHECKUP_ERR_VALUE, "ref_low or ref_high is not a number");
    }
    r->has_low = v[K_LOW][0] != '\0';
    r->has_high = v[K_HIGH][0] != '\0';
    st = checkup_result_check(r, v[K_UNIT], why, sizeof why);
    if (st != CHECKUP_OK) {
        c->n_results--;
        return rowfail(x, st, why);
    }
    return CHECKUP_OK;
}

static enum checkup_status read_header(struct cctx *x, int *idx, const char **f, size_t nf)
{
    char msg[200];
    for (int k = 0; k < K_COUNT; k++)
        idx[k] = -1;
    for (size_t i = 0; i < nf; i++) {
        int k;
        for (k = 0; k < K_COUNT; k++)
            if (strcmp(f[i], cols[k].name) == 0)
                break;
        if (k == K_COUNT) {
            snprintf(msg, sizeof msg, "unknown column \"%.40s\" in the header", f[i]);
            return rowfail(x, CHECKUP_ERR_SYNTAX, msg);
        }
        if (idx[k] >= 0) {
            snprintf(msg, sizeof msg, "the column %s appears twice in the header", cols[k].name);
            return rowfail(x, CHECKUP_ERR_SYNTAX, msg);
        }
        idx[k] = (int)i;
    }
    x->ncols = nf;
    for (int k = 0; k < K_COUNT; k++)
        if (cols[k].required && idx[k] < 0) {
            snprintf(msg, sizeof msg, "the header lacks the required column %s", cols[k].name);
            return rowfail(x, CHECKUP_ERR_MISSING, msg);
        }
    return CHECKUP_OK;
}

enum checkup_status checkup_csv_parse(const char *csv, size_t len, struct checkup_list **out,
                                      struct checkup_error *err)
{
    enum checkup_status st = CHECKUP_OK;
    struct cctx x = {.err = err};
    struct csvrec r;
    char *store = NULL;
    int idx[K_COUNT];
    long rows = 0;
    int have_header = 0;

    *out = NULL;
    if (len > CHECKUP_MAX_INPUT_BYTES)
        return checkup_error_set(err, CHECKUP_ERR_TOO_LARGE, -1, 0, NULL,
                                 "the file is larger than %u bytes", CHECKUP_MAX_INPUT_BYTES);
    x.list = calloc(1, sizeof *x.list);
    store = malloc(REC_BYTES);
    if (!x.list || !store) {
        st = checkup_error_set(err, CHECKUP_ERR_NOMEM, -1, 0, NULL, "out of memory");
        goto out;
    }
    csvrec_init(&r, csv, len);
    for (;;) {
        const char *f[MAX_FIELDS];
        size_t nf = 0;
        enum csvrec_status cs = csvrec_next(&r, store, REC_BYTES, f, MAX_FIELDS, &nf);
        x.line = r.rec_line;
        if (cs == CSVREC_EOF)
            break;
        if (cs != CSVREC_OK) {
            char msg[120];
            snprintf(msg, sizeof msg, "malformed CSV (%s)", csvrec_status_str(cs));
            st = rowfail(&x,
                         cs == CSVREC_TOO_LONG || cs == CSVREC_TOO_MANY_FIELDS
                             ? CHECKUP_ERR_TOO_LARGE
                             : CHECKUP_ERR_SYNTAX,
                         msg);
            goto out;
        }
        if (nf == 1 && f[0][0] == '\0')
            continue; /* blank line */
        if (!have_header) {
            if ((st = read_header(&x, idx, f, nf)) != CHECKUP_OK)
                goto out;
            have_header = 1;
            continue;
        }
        if (++rows > CHECKUP_CSV_MAX_ROWS) {
            st = rowfail(&x, CHECKUP_ERR_TOO_LARGE, "the file has more than 20000 rows");
            goto out;
        }
        if ((st = read_row(&x, idx, f, nf)) != CHECKUP_OK)
            goto out;
    }
    if (!have_header || x.list->n == 0) {
        st = checkup_error_set(err, CHECKUP_ERR_MISSING, -1, 0, NULL,
                               "the file has no header or no result rows");
        goto out;
    }
    *out = x.list;
    x.list = NULL;
out:
    checkup_list_free(x.list);
    free(store);
    return st;
}
