/*
 * test_checkup_dict: the generated dictionary holds every item row of the MHLW table
 * (re-read here from the shared folder), lookups and identity-code matching work, and the
 * CSV reader both the generator and the CSV import use handles RFC 4180 quoting.
 */
#include "checkup_dict.h"
#include "csvrec.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    buf = malloc(1 << 22);
    if (buf)
        *len = fread(buf, 1, 1 << 22, f);
    fclose(f);
    return buf;
}

static void t_every_row_loaded(void)
{
    size_t len = 0;
    char *buf = slurp(CHECKUP_ITEMS_CSV, &len);
    REQUIRE(buf != NULL);
    struct csvrec r;
    csvrec_init(&r, buf, len);
    char *store = malloc(16384);
    REQUIRE(store != NULL);
    const char *f[64];
    size_t nf;
    int header_seen = 0, code_col = -1, ident_col = -1, unit_col = -1, name_col = -1;
    size_t rows = 0, items = 0, matched = 0;
    enum csvrec_status st;
    while ((st = csvrec_next(&r, store, 16384, f, 64, &nf)) == CSVREC_OK) {
        if (!header_seen) {
            for (size_t i = 0; i < nf; i++) {
                if (strcmp(f[i], "項目コード（17桁）") == 0)
                    code_col = (int)i;
                if (strcmp(f[i], "同一性項目コード") == 0)
                    ident_col = (int)i;
                if (strcmp(f[i], "XML用単位") == 0)
                    unit_col = (int)i;
                if (strcmp(f[i], "項目名") == 0)
                    name_col = (int)i;
            }
            header_seen = code_col >= 0;
            continue;
        }
        rows++;
        if ((size_t)code_col >= nf || f[code_col][0] == '\0')
            continue;
        items++;
        const struct checkup_item *it = checkup_dict_lookup(f[code_col]);
        CHECK(it != NULL);
        if (it && strcmp(it->identity, f[ident_col]) == 0 &&
            strcmp(it->unit_ucum, f[unit_col]) == 0 && strcmp(it->name, f[name_col]) == 0)
            matched++;
    }
    CHECK(st == CSVREC_EOF);
    /* 329 data rows: 322 items and 7 note rows without a code. */
    CHECK_INT_EQ(rows, 329);
    CHECK_INT_EQ(checkup_dict_csv_rows(), 329);
    CHECK_INT_EQ(items, 322);
    CHECK_INT_EQ(checkup_dict_count(), 322);
    CHECK_INT_EQ(matched, 322);
    for (size_t i = 1; i < checkup_dict_count(); i++)
        CHECK(strcmp(checkup_dict_at(i - 1)->code, checkup_dict_at(i)->code) < 0);
    CHECK(checkup_dict_at(checkup_dict_count()) == NULL);
    free(store);
    free(buf);
}

static void t_lookup(void)
{
    const struct checkup_item *it = checkup_dict_lookup("3D046000001906202");
    REQUIRE(it != NULL);
    CHECK_STR_EQ(it->name, "HbA1c(NGSP値)");
    CHECK_STR_EQ(it->identity, "3D046");
    CHECK_STR_EQ(it->unit_ucum, "%");
    CHECK_STR_EQ(it->format, "NN.N");
    CHECK(it->dtype == CHECKUP_DT_NUMBER && it->decimals == 1 && it->max_value > 99.89);
    it = checkup_dict_lookup("9A751000000000001");
    REQUIRE(it != NULL);
    CHECK_STR_EQ(it->unit_ucum, "mm[Hg]");
    CHECK_STR_EQ(it->unit_display, "mmHg");
    CHECK_STR_EQ(it->identity, "9A750");
    it = checkup_dict_lookup("9N056000000000011");
    REQUIRE(it != NULL);
    CHECK(it->dtype == CHECKUP_DT_CODE);
    CHECK_STR_EQ(checkup_dtype_str(it->dtype), "code");
    CHECK(checkup_dict_lookup("3D046000001906203") == NULL);
    CHECK(checkup_dict_lookup("3D046") == NULL);
    CHECK(checkup_dict_lookup("") == NULL);
    CHECK(checkup_dict_lookup(NULL) == NULL);
    CHECK(checkup_dict_lookup("3D0460000019062020") == NULL);
}

static void t_identity_matching(void)
{
    static const char *const hba1c[] = {"3D046000001906202", "3D046000001920402",
                                        "3D046000001927102", "3D046000001999902"};
    const struct checkup_item *a = checkup_dict_lookup(hba1c[0]);
    REQUIRE(a != NULL);
    for (size_t i = 1; i < 4; i++) {
        const struct checkup_item *b = checkup_dict_lookup(hba1c[i]);
        REQUIRE(b != NULL);
        CHECK(strcmp(a->code, b->code) != 0);
        CHECK(checkup_dict_same_analyte(a, b));
        CHECK(strcmp(a->method, b->method) != 0);
    }
    /* Count by identity over the whole table: four HbA1c methods, 3 LDL + calculated. */
    size_t n3d046 = 0, n3f077 = 0;
    for (size_t i = 0; i < checkup_dict_count(); i++) {
        n3d046 += strcmp(checkup_dict_at(i)->identity, "3D046") == 0;
        n3f077 += strcmp(checkup_dict_at(i)->identity, "3F077") == 0;
    }
    CHECK_INT_EQ(n3d046, 4);
    CHECK_INT_EQ(n3f077, 4);
    /* Same identity, other specimen and unit: serum albumin is not urine albumin. */
    CHECK(!checkup_dict_same_analyte(checkup_dict_lookup("3A015000002327101"),
                                     checkup_dict_lookup("3A015000000106101")));
    CHECK(!checkup_dict_same_analyte(a, checkup_dict_lookup("3D010000001926101")));
    /* Fasting and casual glucose share the identity code; casual is marked. */
    CHECK(checkup_dict_same_analyte(checkup_dict_lookup("3D010000001926101"),
                                    checkup_dict_lookup("3D010129901926101")));
    CHECK(!checkup_dict_is_casual(checkup_dict_lookup("3D010000001926101")));
    CHECK(checkup_dict_is_casual(checkup_dict_lookup("3D010129901926101")));
    CHECK(checkup_dict_is_casual(checkup_dict_lookup("3F015129902327101")));
}

static void t_csvrec(void)
{
    static const char in[] = "\xEF\xBB\xBF"
                             "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
                             "\"multi\nline\",,x\n"
                             "\n"
                             "last";
    struct csvrec r;
    char store[256];
    const char *f[8];
    size_t nf;
    csvrec_init(&r, in, sizeof in - 1);
    REQUIRE(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_OK);
    CHECK_INT_EQ(nf, 3);
    CHECK_STR_EQ(f[0], "a");
    CHECK_STR_EQ(f[1], "b,c");
    CHECK_STR_EQ(f[2], "say \"hi\"");
    CHECK_INT_EQ(r.rec_line, 1);
    REQUIRE(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_OK);
    CHECK_INT_EQ(nf, 3);
    CHECK_STR_EQ(f[0], "multi\nline");
    CHECK_STR_EQ(f[1], "");
    CHECK_INT_EQ(r.rec_line, 2);
    REQUIRE(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_OK);
    CHECK(nf == 1 && f[0][0] == '\0');
    CHECK_INT_EQ(r.rec_line, 4);
    REQUIRE(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_OK);
    CHECK_STR_EQ(f[0], "last");
    CHECK_INT_EQ(r.rec_line, 5);
    CHECK(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_EOF);

    csvrec_init(&r, "a\"b", 3);
    CHECK(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_BAD_QUOTE);
    csvrec_init(&r, "\"open", 5);
    CHECK(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_BAD_QUOTE);
    csvrec_init(&r, "\"a\"b", 4);
    CHECK(csvrec_next(&r, store, sizeof store, f, 8, &nf) == CSVREC_BAD_QUOTE);
    csvrec_init(&r, "1,2,3", 5);
    CHECK(csvrec_next(&r, store, sizeof store, f, 2, &nf) == CSVREC_TOO_MANY_FIELDS);
    csvrec_init(&r, "abcdef", 6);
    CHECK(csvrec_next(&r, store, 4, f, 2, &nf) == CSVREC_TOO_LONG);
    csvrec_init(&r, "a\0b", 3);
    CHECK(csvrec_next(&r, store, sizeof store, f, 2, &nf) == CSVREC_NUL);
    CHECK_STR_EQ(csvrec_status_str(CSVREC_BAD_QUOTE), "bad_quote");
}

int main(void)
{
    TEST_RUN(t_every_row_loaded);
    TEST_RUN(t_lookup);
    TEST_RUN(t_identity_matching);
    TEST_RUN(t_csvrec);
    return test_summary();
}
