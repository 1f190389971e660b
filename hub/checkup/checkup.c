/*
 * checkup: the format-independent parts of a checkup: lifecycle, identifier
 * normalisation, the validation both importers share, and the content hash.
 */
#include "checkup.h"
#include "checkup_internal.h"
#include "checkup_codes.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

const char *checkup_status_str(enum checkup_status s)
{
    switch (s) {
    case CHECKUP_OK:
        return "ok";
    case CHECKUP_ERR_NOMEM:
        return "out_of_memory";
    case CHECKUP_ERR_TOO_LARGE:
        return "too_large";
    case CHECKUP_ERR_SYNTAX:
        return "syntax_error";
    case CHECKUP_ERR_NOT_DOCUMENT:
        return "not_a_document";
    case CHECKUP_ERR_MISSING:
        return "missing_part";
    case CHECKUP_ERR_RESOURCE_TYPE:
        return "wrong_resource_type";
    case CHECKUP_ERR_MISSING_CODE:
        return "missing_code";
    case CHECKUP_ERR_UNKNOWN_ITEM:
        return "unknown_item";
    case CHECKUP_ERR_UNIT:
        return "unit_mismatch";
    case CHECKUP_ERR_VALUE:
        return "impossible_value";
    case CHECKUP_ERR_INVALID:
        return "invalid_field";
    }
    return "unknown";
}

const char *checkup_sex_str(enum checkup_sex s)
{
    switch (s) {
    case CHECKUP_SEX_MALE:
        return "male";
    case CHECKUP_SEX_FEMALE:
        return "female";
    case CHECKUP_SEX_OTHER:
        return "other";
    case CHECKUP_SEX_UNKNOWN:
        break;
    }
    return "unknown";
}

void checkup_free(struct checkup *c)
{
    if (!c)
        return;
    free(c->results);
    free(c);
}

void checkup_list_free(struct checkup_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        checkup_free(l->v[i]);
    free(l->v);
    free(l);
}

enum checkup_status checkup_error_set(struct checkup_error *err, enum checkup_status status,
                                      int entry, long row, const char *full_url, const char *fmt,
                                      ...)
{
    va_list ap;

    if (!err)
        return status;
    err->status = status;
    err->entry = entry;
    err->row = row;
    /* A fullUrl longer than the field is cut: it only locates the entry for a person. */
    snprintf(err->full_url, sizeof err->full_url, "%s", full_url ? full_url : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

int checkup_copy(char *out, size_t cap, const char *in)
{
    size_t n = strlen(in);
    if (n >= cap) {
        out[0] = '\0';
        return -1;
    }
    memcpy(out, in, n + 1);
    return 0;
}

int checkup_normalize_id(const char *in, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0;

    if (cap == 0)
        return -1;
    while (*p) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t') {
            p++;
            continue;
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 ideographic space */
            p += 3;
            continue;
        }
        if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
            unsigned cp = 0xF000u | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII block */
                if (o + 1 >= cap)
                    goto toolong;
                out[o++] = (char)(0x21 + (cp - 0xFF01));
                p += 3;
                continue;
            }
        }
        if (o + 1 >= cap)
            goto toolong;
        out[o++] = (char)c;
        p++;
    }
    out[o] = '\0';
    return 0;
toolong:
    out[0] = '\0';
    return -1;
}

int checkup_member_key(const struct checkup_member *m, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s:%s:%s:%s", m->insurer, m->symbol, m->number, m->branch);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return -1;
    }
    return 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int checkup_member_parse(const char *value, struct checkup_member *m)
{
    char norm[4 * CHECKUP_ID_MAX];
    char *fields[4];
    size_t nf = 0;

    memset(m, 0, sizeof *m);
    if (checkup_normalize_id(value, norm, sizeof norm) != 0)
        return -1;
    fields[nf++] = norm;
    for (char *p = norm; *p; p++)
        if (*p == ':') {
            if (nf >= 4)
                return -1;
            *p = '\0';
            fields[nf++] = p + 1;
        }
    if (nf != 4)
        return -1;
    size_t il = strlen(fields[0]);
    if (!all_digits(fields[0]) || (il != 6 && il != 8))
        return -1;
    if (fields[2][0] == '\0')
        return -1;
    if (fields[3][0] != '\0' && (!all_digits(fields[3]) || strlen(fields[3]) != 2))
        return -1;
    if (checkup_copy(m->insurer, sizeof m->insurer, fields[0]) ||
        checkup_copy(m->symbol, sizeof m->symbol, fields[1]) ||
        checkup_copy(m->number, sizeof m->number, fields[2]) ||
        checkup_copy(m->branch, sizeof m->branch, fields[3])) {
        memset(m, 0, sizeof *m);
        return -1;
    }
    return 0;
}

int checkup_valid_date(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mo = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return 0;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

/* Physiological limits for the core items: a value outside is a data error, not a
 * finding (a systolic pressure of 20 or 400 mmHg cannot come from a living person being
 * screened). Other items are bounded by the digits their table format allows. */
static const struct {
    const char *identity;
    double min, max;
} plausible[] = {
    {"9N001", 50, 250},  /* height cm */
    {"9N006", 10, 400},  /* weight kg */
    {"9N011", 8, 100},   /* BMI */
    {"9N016", 30, 250},  /* waist cm */
    {"9A750", 40, 300},  /* systolic mmHg */
    {"9A760", 20, 200},  /* diastolic mmHg */
    {"3D046", 2, 20},    /* HbA1c % */
    {"3D010", 10, 2000}, /* glucose mg/dL */
    {"3F077", 5, 1000},  /* LDL-C */
    {"3F070", 3, 300},   /* HDL-C */
    {"3F015", 5, 10000}, /* triglycerides */
    {"3F050", 30, 1500}, /* total cholesterol */
    {"8A065", 0, 250},   /* eGFR */
};

/* The table's XML units are not all valid UCUM; senders that write strict UCUM use these
 * spellings for the same unit (1 mm3 = 1 uL). Exact, case-sensitive matches only. */
static const struct {
    const char *table, *alias;
} unit_aliases[] = {
    {"ml/min/1.73m2", "mL/min/{1.73_m2}"},
    {"ml/min/1.73m2", "mL/min/1.73m2"},
    {"10*4/mm3", "10*4/uL"},
    {"/mm3", "/uL"},
    {"fl", "fL"},
    {"{h`b}/min", "/min"},
    {"{h`b}/min", "{beats}/min"},
    {"mg/g*CR", "mg/g{creat}"},
    {"mg/g*CR", "mg/g{CRE}"},
};

static int unit_alias(const char *table, const char *sent)
{
    for (size_t i = 0; i < sizeof unit_aliases / sizeof unit_aliases[0]; i++)
        if (strcmp(table, unit_aliases[i].table) == 0 && strcmp(sent, unit_aliases[i].alias) == 0)
            return 1;
    return 0;
}

/* 肥満度 is a signed percentage; every other numeric item is a non-negative amount. */
static int may_be_negative(const struct checkup_item *it)
{
    return strcmp(it->identity, "9N026") == 0;
}

/* Characters (UTF-8 code points) in s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A coded result: its code system must be the item's (結果コードOID), and where we know
 * that system the code must be one of it. A sender that wrote the display ("－") instead
 * of the code ("1") gets the code it means. */
static enum checkup_status check_code(struct checkup_result *r, char *why, size_t why_cap)
{
    const struct checkup_item *it = r->item;
    r->has_low = r->has_high = 0;
    r->unit[0] = '\0';
    if (strncmp(r->system, "urn:oid:", 8) == 0)
        memmove(r->system, r->system + 8, strlen(r->system + 8) + 1);
    if (it->result_oid[0] && r->system[0] && strcmp(r->system, it->result_oid) != 0) {
        snprintf(why, why_cap,
                 "item %s (%s) takes codes of urn:oid:%s; the value's code system \"%.80s\" "
                 "is not that",
                 it->code, it->name, it->result_oid, r->system);
        return CHECKUP_ERR_VALUE;
    }
    if (!r->system[0])
        snprintf(r->system, sizeof r->system, "%s", it->result_oid);
    if (!checkup_codes_known_system(r->system))
        return CHECKUP_OK;
    const struct checkup_code *c = checkup_codes_find(r->system, r->text);
    for (size_t i = 0; !c && i < 16; i++) {
        char code[4];
        snprintf(code, sizeof code, "%zu", i);
        const struct checkup_code *k = checkup_codes_find(r->system, code);
        if (k && strcmp(k->display, r->text) == 0)
            c = k;
    }
    if (!c) {
        snprintf(why, why_cap, "item %s (%s): \"%.20s\" is not a code of urn:oid:%s", it->code,
                 it->name, r->text, r->system);
        return CHECKUP_ERR_VALUE;
    }
    snprintf(r->text, sizeof r->text, "%s", c->code);
    return CHECKUP_OK;
}

enum checkup_status checkup_result_check(struct checkup_result *r, const char *unit_sent, char *why,
                                         size_t why_cap)
{
    const struct checkup_item *it = r->item;

    switch (it->dtype) {
    case CHECKUP_DT_NUMBER:
        if (r->kind != CHECKUP_V_NUMBER) {
            snprintf(why, why_cap, "item %s (%s) needs a numeric value with a unit", it->code,
                     it->name);
            return CHECKUP_ERR_VALUE;
        }
        break;
    case CHECKUP_DT_CODE:
        if (r->kind != CHECKUP_V_CODE && r->kind != CHECKUP_V_TEXT) {
            snprintf(why, why_cap, "item %s (%s) needs a coded value, not a number or date",
                     it->code, it->name);
            return CHECKUP_ERR_VALUE;
        }
        r->kind = CHECKUP_V_CODE;
        break;
    case CHECKUP_DT_TEXT:
    case CHECKUP_DT_NONE:
        if (r->kind == CHECKUP_V_NUMBER) {
            snprintf(why, why_cap, "item %s (%s) needs a text value, not a number", it->code,
                     it->name);
            return CHECKUP_ERR_VALUE;
        }
        break;
    case CHECKUP_DT_DATE:
        if (r->kind == CHECKUP_V_NUMBER || !checkup_valid_date(r->text)) {
            snprintf(why, why_cap, "item %s (%s) needs a date written YYYY-MM-DD", it->code,
                     it->name);
            return CHECKUP_ERR_VALUE;
        }
        r->kind = CHECKUP_V_DATE;
        break;
    }
    if (r->kind == CHECKUP_V_CODE)
        return check_code(r, why, why_cap);
    if (r->kind != CHECKUP_V_NUMBER) {
        r->has_low = r->has_high = 0;
        r->unit[0] = '\0';
        r->system[0] = r->display[0] = '\0';
        if (utf8_chars(r->text) > CHECKUP_TEXT_CHARS) {
            snprintf(why, why_cap, "item %s (%s) has a text longer than %d characters", it->code,
                     it->name, CHECKUP_TEXT_CHARS);
            return CHECKUP_ERR_TOO_LARGE;
        }
        return CHECKUP_OK;
    }

    /* Units: the table's UCUM unit, or its display spelling (many senders write mg/dl). */
    const char *u = unit_sent ? unit_sent : "";
    int unit_ok;
    if (it->unit_ucum[0] == '\0')
        unit_ok = u[0] == '\0' || strcmp(u, "1") == 0;
    else
        unit_ok = strcmp(u, it->unit_ucum) == 0 || strcmp(u, it->unit_display) == 0 ||
                  unit_alias(it->unit_ucum, u);
    if (!unit_ok) {
        if (u[0] == '\0')
            snprintf(why, why_cap, "item %s (%s) must be given in %s, but no unit was sent",
                     it->code, it->name, it->unit_ucum);
        else
            snprintf(why, why_cap, "item %s (%s) must be given in %s, not in \"%.32s\"", it->code,
                     it->name, it->unit_ucum[0] ? it->unit_ucum : "no unit", u);
        return CHECKUP_ERR_UNIT;
    }
    snprintf(r->unit, sizeof r->unit, "%s", it->unit_ucum);

    if (!isfinite(r->value)) {
        snprintf(why, why_cap, "item %s (%s) has a value that is not a finite number", it->code,
                 it->name);
        return CHECKUP_ERR_VALUE;
    }
    if (r->value < 0 && !may_be_negative(it)) {
        snprintf(why, why_cap, "item %s (%s) cannot be negative", it->code, it->name);
        return CHECKUP_ERR_VALUE;
    }
    if (fabs(r->value) > it->max_value) {
        snprintf(why, why_cap, "item %s (%s) has more digits than its format %s allows", it->code,
                 it->name, it->format);
        return CHECKUP_ERR_VALUE;
    }
    for (size_t i = 0; i < sizeof plausible / sizeof plausible[0]; i++)
        if (strcmp(it->identity, plausible[i].identity) == 0 &&
            (r->value < plausible[i].min || r->value > plausible[i].max)) {
            snprintf(why, why_cap,
                     "item %s (%s) is outside the possible range %g to %g %s for a person",
                     it->code, it->name, plausible[i].min, plausible[i].max, it->unit_ucum);
            return CHECKUP_ERR_VALUE;
        }
    if ((r->has_low && !isfinite(r->ref_low)) || (r->has_high && !isfinite(r->ref_high)) ||
        (r->has_low && r->has_high && r->ref_low > r->ref_high)) {
        snprintf(why, why_cap, "item %s (%s) has a reference range whose low is above its high",
                 it->code, it->name);
        return CHECKUP_ERR_VALUE;
    }
    return CHECKUP_OK;
}

struct checkup_result *checkup_add_result(struct checkup *c, int *too_many)
{
    *too_many = 0;
    if (c->n_results >= CHECKUP_MAX_RESULTS) {
        *too_many = 1;
        return NULL;
    }
    /* The capacity is the next power of two: grow when n is 0 or a power of two. */
    size_t n = c->n_results;
    if (n == 0 || (n & (n - 1)) == 0) {
        struct checkup_result *nr = realloc(c->results, (n ? 2 * n : 1) * sizeof *nr);
        if (!nr)
            return NULL;
        c->results = nr;
    }
    struct checkup_result *r = &c->results[c->n_results++];
    memset(r, 0, sizeof *r);
    return r;
}

static int cmp_result_ptr(const void *a, const void *b)
{
    const struct checkup_result *x = *(const struct checkup_result *const *)a;
    const struct checkup_result *y = *(const struct checkup_result *const *)b;
    return strcmp(x->code, y->code);
}

/* Unit separator between fields, record separator between parts: no field can hold
 * either byte after validation of what they contain (codes, digits, dates), and for free
 * text a collision would need control characters, which the hash then includes as-is. */
static int hash_put(EVP_MD_CTX *ctx, const char *s, char sep)
{
    return EVP_DigestUpdate(ctx, s, strlen(s)) == 1 && EVP_DigestUpdate(ctx, &sep, 1) == 1;
}

enum checkup_status checkup_hash(const struct checkup *c, unsigned char out[32])
{
    enum checkup_status st = CHECKUP_ERR_NOMEM;
    const struct checkup_result **idx = NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char key[5 * CHECKUP_ID_MAX];
    char num[64];
    unsigned int outlen = 0;
    int ok;

    if (!ctx)
        goto out;
    if (c->n_results) {
        idx = malloc(c->n_results * sizeof *idx);
        if (!idx)
            goto out;
        for (size_t i = 0; i < c->n_results; i++)
            idx[i] = &c->results[i];
        qsort(idx, c->n_results, sizeof *idx, cmp_result_ptr);
    }
    if (checkup_member_key(&c->member, key, sizeof key) != 0)
        key[0] = '\0';
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && hash_put(ctx, "checkup-v1", 0x1e) &&
         hash_put(ctx, c->source_org_system, 0x1f) && hash_put(ctx, c->source_org_id, 0x1e) &&
         hash_put(ctx, c->date, 0x1e) && hash_put(ctx, key, 0x1e) &&
         hash_put(ctx, checkup_sex_str(c->sex), 0x1e) && hash_put(ctx, c->birth_date, 0x1e);
    for (size_t i = 0; ok && i < c->n_results; i++) {
        const struct checkup_result *r = idx[i];
        ok = hash_put(ctx, r->code, 0x1f);
        if (r->kind == CHECKUP_V_NUMBER) {
            snprintf(num, sizeof num, "%.17g", r->value);
            ok = ok && hash_put(ctx, num, 0x1f);
        } else {
            snprintf(num, sizeof num, "%d", (int)r->kind);
            ok = ok && hash_put(ctx, num, 0x1f) && hash_put(ctx, r->text, 0x1f);
        }
        ok = ok && hash_put(ctx, r->unit, 0x1f);
        snprintf(num, sizeof num, "%d:%.17g", r->has_low, r->has_low ? r->ref_low : 0.0);
        ok = ok && hash_put(ctx, num, 0x1f);
        snprintf(num, sizeof num, "%d:%.17g", r->has_high, r->has_high ? r->ref_high : 0.0);
        ok = ok && hash_put(ctx, num, 0x1e);
    }
    if (ok && EVP_DigestFinal_ex(ctx, out, &outlen) == 1 && outlen == 32)
        st = CHECKUP_OK;
out:
    free(idx);
    EVP_MD_CTX_free(ctx);
    return st;
}

enum checkup_status checkup_hash_hex(const struct checkup *c, char hex[65])
{
    unsigned char h[32];
    enum checkup_status st = checkup_hash(c, h);
    hex[0] = '\0';
    if (st != CHECKUP_OK)
        return st;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return CHECKUP_OK;
}
