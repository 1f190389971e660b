/*
 * checkup_dict_gen: build-time generator of the item dictionary.
 *
 * Usage: checkup_dict_gen ITEMS.csv OUT.c
 * Reads the MHLW item table (UTF-8 with BOM, a title line above the header, header cells
 * with line breaks), finds the columns by their header names, and writes a C source with
 * one struct checkup_item per row that has an item code, sorted by code. It fails (exit 1,
 * and no output file) on anything unexpected: a missing column, a malformed or duplicate
 * code, a bad identity code, so a changed table breaks the build instead of the judgement.
 */
#include "checkup_dict.h"
#include "csvrec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT  (8u << 20)
#define MAX_FIELDS 64
#define MAX_REC    16384
#define MAX_ROWS   4096

enum col {
    C_CODE,
    C_NAME,
    C_DTYPE,
    C_XMLTYPE,
    C_FORMAT,
    C_UNIT_DISP,
    C_UNIT_XML,
    C_IDENT,
    C_IDENT_NAME,
    C_METHOD,
    C_RESULT_OID,
    C_COUNT
};

/* Header names; newlines inside header cells are dropped before comparing. */
static const char *const col_names[C_COUNT] = {
    "項目コード（17桁）", "項目名",     "データタイプ",  "XMLデータ型",
    "数値型の場合の形式", "表示用単位", "XML用単位",     "同一性項目コード",
    "同一性項目名称",     "検査方法",   "結果コードOID",
};

struct row {
    char *f[C_COUNT];
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static void strip_newlines(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++)
        if (*in != '\n' && *in != '\r')
            out[o++] = *in;
    out[o] = '\0';
}

static int valid_code(const char *s, size_t len)
{
    if (strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return strcmp(x->f[C_CODE], y->f[C_CODE]);
}

/* Writes s as a C string literal; UTF-8 bytes pass through (the compilers take UTF-8). */
static void put_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(o, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", o);
        else if (*s == '\r')
            fputs("\\r", o);
        else
            fputc(*s, o);
    }
    fputc('"', o);
}

static const char *dtype_name(const char *jp)
{
    if (strcmp(jp, "数字") == 0)
        return "CHECKUP_DT_NUMBER";
    if (strcmp(jp, "コード") == 0)
        return "CHECKUP_DT_CODE";
    if (strcmp(jp, "文字列") == 0)
        return "CHECKUP_DT_TEXT";
    if (strcmp(jp, "年月日") == 0)
        return "CHECKUP_DT_DATE";
    return "CHECKUP_DT_NONE";
}

/* "NNN.N" -> 999.9 and 1 decimal; "" -> no cap from the format. */
static void format_limits(const char *fmt, double *max, int *decimals)
{
    int ints = 0, decs = 0, seen_point = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p == '.')
            seen_point = 1;
        else if (*p == 'N' && seen_point)
            decs++;
        else if (*p == 'N')
            ints++;
    }
    *decimals = decs;
    if (ints == 0 && decs == 0) {
        *max = 1e9;
        return;
    }
    double m = 1.0, step = 1.0;
    for (int i = 0; i < ints; i++)
        m *= 10.0;
    for (int i = 0; i < decs; i++)
        step /= 10.0;
    *max = m - step;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        fprintf(stderr, "checkup_dict_gen: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    buf = malloc(MAX_INPUT + 1);
    if (buf) {
        *len = fread(buf, 1, MAX_INPUT + 1, f);
        if (*len > MAX_INPUT) {
            fprintf(stderr, "checkup_dict_gen: %s is larger than %u bytes\n", path, MAX_INPUT);
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    int rc = 1;
    size_t len = 0, nrows = 0, data_rows = 0;
    char *buf = NULL, *store = NULL;
    struct row *rows = NULL;
    FILE *o = NULL;
    int colidx[C_COUNT];
    int have_header = 0;
    struct csvrec r;

    if (argc != 3) {
        fprintf(stderr, "usage: checkup_dict_gen ITEMS.csv OUT.c\n");
        return 2;
    }
    buf = read_file(argv[1], &len);
    store = malloc(MAX_REC);
    rows = calloc(MAX_ROWS, sizeof *rows);
    if (!buf || !store || !rows)
        goto out;

    csvrec_init(&r, buf, len);
    for (;;) {
        const char *f[MAX_FIELDS];
        size_t nf = 0;
        enum csvrec_status st = csvrec_next(&r, store, MAX_REC, f, MAX_FIELDS, &nf);
        if (st == CSVREC_EOF)
            break;
        if (st != CSVREC_OK) {
            fprintf(stderr, "checkup_dict_gen: %s line %ld: %s\n", argv[1], r.rec_line,
                    csvrec_status_str(st));
            goto out;
        }
        if (!have_header) {
            int found = 0;
            for (int c = 0; c < C_COUNT; c++)
                colidx[c] = -1;
            for (size_t i = 0; i < nf; i++) {
                char name[256];
                strip_newlines(f[i], name, sizeof name);
                for (int c = 0; c < C_COUNT; c++)
                    if (colidx[c] < 0 && strcmp(name, col_names[c]) == 0) {
                        colidx[c] = (int)i;
                        found++;
                    }
            }
            if (found == C_COUNT)
                have_header = 1;
            else if (found > 0) {
                fprintf(stderr, "checkup_dict_gen: header at line %ld lacks columns\n", r.rec_line);
                goto out;
            }
            continue; /* the title line above the header is skipped */
        }
        data_rows++;
        const char *code = (size_t)colidx[C_CODE] < nf ? f[colidx[C_CODE]] : "";
        if (code[0] == '\0')
            continue; /* a note row below the table */
        if (!valid_code(code, CHECKUP_CODE_LEN)) {
            fprintf(stderr, "checkup_dict_gen: line %ld: malformed item code\n", r.rec_line);
            goto out;
        }
        if (nrows >= MAX_ROWS) {
            fprintf(stderr, "checkup_dict_gen: more than %d items\n", MAX_ROWS);
            goto out;
        }
        for (int c = 0; c < C_COUNT; c++) {
            rows[nrows].f[c] = dup_str((size_t)colidx[c] < nf ? f[colidx[c]] : "");
            if (!rows[nrows].f[c]) {
                nrows++;
                goto out;
            }
        }
        nrows++;
        const char *ident = rows[nrows - 1].f[C_IDENT];
        if (ident[0] != '\0' && !valid_code(ident, CHECKUP_IDENTITY_LEN)) {
            fprintf(stderr, "checkup_dict_gen: line %ld: malformed identity code\n", r.rec_line);
            goto out;
        }
    }
    if (!have_header || nrows == 0) {
        fprintf(stderr, "checkup_dict_gen: %s: no header or no items\n", argv[1]);
        goto out;
    }
    qsort(rows, nrows, sizeof *rows, cmp_row);
    for (size_t i = 1; i < nrows; i++)
        if (strcmp(rows[i - 1].f[C_CODE], rows[i].f[C_CODE]) == 0) {
            fprintf(stderr, "checkup_dict_gen: duplicate item code %s\n", rows[i].f[C_CODE]);
            goto out;
        }

    o = fopen(argv[2], "w");
    if (!o) {
        fprintf(stderr, "checkup_dict_gen: cannot write %s: %s\n", argv[2], strerror(errno));
        goto out;
    }
    fprintf(o, "/* Generated by checkup_dict_gen from the MHLW item table. Do not edit. */\n"
               "#include \"checkup_dict_table.h\"\n\n"
               "const struct checkup_item checkup_dict_table_[] = {\n");
    for (size_t i = 0; i < nrows; i++) {
        double max;
        int dec;
        /* Ministry cells sometimes carry line breaks; names are shown on one line. */
        char name[1024];
        format_limits(rows[i].f[C_FORMAT], &max, &dec);
        fputs("    {", o);
        put_str(o, rows[i].f[C_CODE]);
        fputs(", ", o);
        strip_newlines(rows[i].f[C_NAME], name, sizeof name);
        put_str(o, name);
        fputs(", ", o);
        strip_newlines(rows[i].f[C_UNIT_DISP], name, sizeof name);
        put_str(o, name);
        fputs(", ", o);
        put_str(o, rows[i].f[C_UNIT_XML]);
        fputs(", ", o);
        put_str(o, rows[i].f[C_IDENT]);
        fputs(", ", o);
        strip_newlines(rows[i].f[C_IDENT_NAME], name, sizeof name);
        put_str(o, name);
        fputs(", ", o);
        strip_newlines(rows[i].f[C_METHOD], name, sizeof name);
        put_str(o, name);
        fputs(", ", o);
        put_str(o, rows[i].f[C_XMLTYPE]);
        fputs(", ", o);
        put_str(o, rows[i].f[C_FORMAT]);
        fprintf(o, ", %s, %.10g, %d, ", dtype_name(rows[i].f[C_DTYPE]), max, dec);
        put_str(o, rows[i].f[C_RESULT_OID]);
        fputs("},\n", o);
    }
    fprintf(o, "};\n\nconst size_t checkup_dict_table_count_ = %zu;\n", nrows);
    fprintf(o, "const size_t checkup_dict_table_csv_rows_ = %zu;\n", data_rows);
    if (fclose(o) != 0) {
        o = NULL;
        fprintf(stderr, "checkup_dict_gen: writing %s failed\n", argv[2]);
        remove(argv[2]);
        goto out;
    }
    o = NULL;
    rc = 0;
out:
    if (o) {
        fclose(o);
        remove(argv[2]);
    }
    for (size_t i = 0; rows && i < nrows; i++)
        for (int c = 0; c < C_COUNT; c++)
            free(rows[i].f[c]);
    free(rows);
    free(store);
    free(buf);
    return rc;
}
