/*
 * test_checkup_judge: the judgement at every boundary of the MHLW threshold table, for
 * every lab-method code of each analyte; the lab-range rule where no threshold exists;
 * and a sender's "normal" flag on a value above a threshold is not judged normal.
 */
#include "bundle_builder.h"
#include "checkup_fhir.h"
#include "checkup_internal.h"
#include "checkup_judge.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N CHECKUP_J_NORMAL
#define G CHECKUP_J_GUIDANCE
#define D CHECKUP_J_SEE_DOCTOR
#define X CHECKUP_J_NONE

static enum checkup_judgement judge_sex(const char *code, double v, enum checkup_sex sex)
{
    struct checkup_result r;
    memset(&r, 0, sizeof r);
    r.item = checkup_dict_lookup(code);
    if (!r.item) {
        fprintf(stderr, "  no item %s\n", code);
        return X;
    }
    r.kind = CHECKUP_V_NUMBER;
    r.value = v;
    enum checkup_judge_basis basis;
    enum checkup_judgement j = checkup_judge_result(&r, sex, &basis);
    if (j != X && basis != CHECKUP_BASIS_MHLW)
        return X; /* these cases must come from the MHLW table */
    return j;
}

static int judged(const char *code, double v, enum checkup_judgement want)
{
    enum checkup_judgement j = judge_sex(code, v, CHECKUP_SEX_UNKNOWN);
    if (j != want)
        fprintf(stderr, "  %s %g: got %s, want %s\n", code, v, checkup_judgement_str(j),
                checkup_judgement_str(want));
    return j == want;
}

/* Every item code of the table with this identity code (and fasting or casual). */
static size_t codes_of(const char *identity, int casual, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < checkup_dict_count() && n < cap; i++) {
        const struct checkup_item *it = checkup_dict_at(i);
        if (strcmp(it->identity, identity) == 0 && it->dtype == CHECKUP_DT_NUMBER &&
            (casual < 0 || checkup_dict_is_casual(it) == casual))
            out[n++] = it->code;
    }
    return n;
}

struct bcase {
    const char *identity;
    int casual;
    double v[4];
    enum checkup_judgement want[4];
    int n;
};

static void run_cases(const struct bcase *cases, size_t ncases)
{
    for (size_t k = 0; k < ncases; k++) {
        const char *codes[16];
        size_t nc = codes_of(cases[k].identity, cases[k].casual, codes, 16);
        CHECK(nc >= 1);
        for (size_t c = 0; c < nc; c++)
            for (int i = 0; i < cases[k].n; i++)
                CHECK(judged(codes[c], cases[k].v[i], cases[k].want[i]));
    }
}

static void t_boundaries(void)
{
    static const struct bcase cases[] = {
        {"9A750", -1, {129, 130, 139, 140}, {N, G, G, D}, 4},
        {"9A760", -1, {84, 85, 89, 90}, {N, G, G, D}, 4},
        {"3D046", -1, {5.5, 5.6, 6.4, 6.5}, {N, G, G, D}, 4},
        {"3D010", 0, {99, 100, 125, 126}, {N, G, G, D}, 4},
        {"3D010", 1, {99, 100, 125, 126}, {N, G, G, D}, 4},
        {"3F077", -1, {119, 120, 139, 140}, {N, G, G, D}, 4},
        {"3F070", -1, {39, 40, 20, 100}, {G, N, G, N}, 4},
        {"3F015", 0, {149, 150, 299, 300}, {N, G, G, D}, 4},
        {"3F015", 1, {174, 175, 299, 300}, {N, G, G, D}, 4},
        {"3B035", -1, {30, 31, 50, 51}, {N, G, G, D}, 4},
        {"3B045", -1, {30, 31, 50, 51}, {N, G, G, D}, 4},
        {"3B090", -1, {50, 51, 100, 101}, {N, G, G, D}, 4},
        {"8A065", -1, {60, 59, 45, 44}, {N, G, G, D}, 4},
        {"8A065", -1, {59.9, 44.9, 90, 0}, {G, D, N, D}, 4},
        {"9N011", -1, {24.9, 25, 40, 18}, {N, G, G, N}, 4},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void t_waist_needs_sex(void)
{
    const char *codes[8];
    size_t nc = codes_of("9N016", -1, codes, 8);
    CHECK_INT_EQ(nc, 3);
    for (size_t c = 0; c < nc; c++) {
        CHECK(judge_sex(codes[c], 84.9, CHECKUP_SEX_MALE) == N);
        CHECK(judge_sex(codes[c], 85, CHECKUP_SEX_MALE) == G);
        CHECK(judge_sex(codes[c], 89.9, CHECKUP_SEX_FEMALE) == N);
        CHECK(judge_sex(codes[c], 90, CHECKUP_SEX_FEMALE) == G);
        CHECK(judge_sex(codes[c], 88, CHECKUP_SEX_FEMALE) == N);
        CHECK(judge_sex(codes[c], 88, CHECKUP_SEX_MALE) == G);
        /* Unknown sex: no MHLW threshold, and without a lab range no judgement. */
        CHECK(judge_sex(codes[c], 100, CHECKUP_SEX_UNKNOWN) == X);
    }
}

static void t_lab_range_rule(void)
{
    struct checkup_result r;
    enum checkup_judge_basis basis;
    memset(&r, 0, sizeof r);
    r.item = checkup_dict_lookup("3C015000002327101"); /* creatinine: no MHLW threshold */
    REQUIRE(r.item != NULL);
    r.kind = CHECKUP_V_NUMBER;
    r.value = 1.2;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, &basis) == X);
    CHECK(basis == CHECKUP_BASIS_NONE);
    r.has_low = r.has_high = 1;
    r.ref_low = 0.65;
    r.ref_high = 1.07;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, &basis) == G);
    CHECK(basis == CHECKUP_BASIS_LAB_RANGE);
    r.value = 1.07;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == N);
    r.value = 0.65;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == N);
    r.value = 0.64;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == G);
    r.value = 9.0; /* far outside a lab range is still only guidance, never "see a doctor" */
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == G);
    r.has_low = 0; /* a one-sided range */
    r.value = 0.1;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == N);

    /* Where a threshold exists, the lab's range does not matter. */
    r.item = checkup_dict_lookup("3D046000001906202");
    r.has_low = r.has_high = 1;
    r.ref_low = 4.0;
    r.ref_high = 7.0;
    r.value = 6.6;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, &basis) == D);
    CHECK(basis == CHECKUP_BASIS_MHLW);

    /* Coded and text results are not judged. */
    r.item = checkup_dict_lookup("9N056000000000011");
    REQUIRE(r.item != NULL);
    r.kind = CHECKUP_V_CODE;
    CHECK(checkup_judge_result(&r, CHECKUP_SEX_MALE, NULL) == X);
}

static const struct checkup_result *find(const struct checkup *c, const char *identity)
{
    for (size_t i = 0; i < c->n_results; i++)
        if (strcmp(c->results[i].identity, identity) == 0)
            return &c->results[i];
    return NULL;
}

static void t_sender_normal_flag_ignored(void)
{
    /* The sender's own range says 4.6-5.5 and it flags 6.8 % as "N": we say see a doctor. */
    struct bb_spec s;
    struct checkup *c = NULL;
    struct checkup_error err;
    bb_spec_default(&s, 0, 2024, 0);
    struct bb_obs *o = bb_spec_set(&s, "3D046000001906202", 6.8, "%");
    REQUIRE(o != NULL);
    o->flag = "N";
    o->has_range = 1;
    o->low = 4.6;
    o->high = 5.5;
    bb_spec_set(&s, "9A751000000000001", 135, "mm[Hg]");
    bb_spec_set(&s, "3C020000002327101", 8.1, "mg/dL"); /* above its lab range 3.7-7.0, "N" */
    char *json = bb_build_json(&s);
    REQUIRE(checkup_fhir_parse(json, strlen(json), &c, &err) == CHECKUP_OK);
    free(json);
    const struct checkup_result *h = find(c, "3D046");
    REQUIRE(h != NULL);
    CHECK_STR_EQ(h->sender_flag, "N");
    CHECK(checkup_judge_result(h, c->sex, NULL) == D);
    const struct checkup_result *sbp = find(c, "9A750");
    REQUIRE(sbp != NULL);
    CHECK_STR_EQ(sbp->sender_flag, "N");
    CHECK(checkup_judge_result(sbp, c->sex, NULL) == G);
    const struct checkup_result *ua = find(c, "3C020");
    REQUIRE(ua != NULL);
    CHECK_STR_EQ(ua->sender_flag, "N");
    CHECK(checkup_judge_result(ua, c->sex, NULL) == G);
    checkup_free(c);
}

static void t_words_and_explanations(void)
{
    CHECK_STR_EQ(checkup_judgement_ja(CHECKUP_J_NORMAL), "基準内");
    CHECK_STR_EQ(checkup_judgement_ja(CHECKUP_J_GUIDANCE), "保健指導");
    CHECK_STR_EQ(checkup_judgement_ja(CHECKUP_J_SEE_DOCTOR), "受診をおすすめ");
    CHECK_STR_EQ(checkup_judgement_en(CHECKUP_J_SEE_DOCTOR), "See a doctor");
    CHECK_STR_EQ(checkup_judgement_str(CHECKUP_J_GUIDANCE), "guidance");
    CHECK_STR_EQ(checkup_judgement_ja(CHECKUP_J_NONE), "判定なし");
    /* Every thresholded item has one sentence in each language. */
    static const char *const core[] = {
        "9A751000000000001", "9A761000000000001", "3D046000001906202", "3D010000001926101",
        "3F077000002327101", "3F070000002327101", "3F015000002327101", "3B035000002327201",
        "3B045000002327201", "3B090000002327101", "8A065000002391901", "9N011000000000001",
        "9N016160100000001"};
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
        const struct checkup_item *it = checkup_dict_lookup(core[i]);
        REQUIRE(it != NULL);
        const char *ja = checkup_judge_explain_ja(it), *en = checkup_judge_explain_en(it);
        CHECK(ja && strlen(ja) > 10 && strstr(ja, "。"));
        CHECK(en && strlen(en) > 10 && en[strlen(en) - 1] == '.');
    }
    CHECK(checkup_judge_explain_ja(checkup_dict_lookup("9N051000000000049")) == NULL);
}

static void t_threshold_lines(void)
{
    const struct checkup_threshold *t =
        checkup_judge_threshold(checkup_dict_lookup("3D046000001927102"), CHECKUP_SEX_UNKNOWN);
    REQUIRE(t != NULL);
    CHECK(t->higher_is_worse && t->guidance == 5.6 && t->has_see_doctor && t->see_doctor == 6.5);
    t = checkup_judge_threshold(checkup_dict_lookup("8A065000002391901"), CHECKUP_SEX_FEMALE);
    REQUIRE(t != NULL);
    CHECK(!t->higher_is_worse && t->guidance == 60 && t->see_doctor == 45);
    t = checkup_judge_threshold(checkup_dict_lookup("9N016160100000001"), CHECKUP_SEX_FEMALE);
    REQUIRE(t != NULL);
    CHECK(t->guidance == 90 && !t->has_see_doctor);
    CHECK(checkup_judge_threshold(checkup_dict_lookup("3C015000002327101"), CHECKUP_SEX_MALE) ==
          NULL);
}

/* A coded urine result as the parser leaves it: code, system and the sender's flag.
 * -1 when the check refuses the value. */
static int dipstick(const char *code, const char *value, const char *flag)
{
    struct checkup_result r;
    char why[256];
    memset(&r, 0, sizeof r);
    r.item = checkup_dict_lookup(code);
    if (!r.item)
        return -1;
    snprintf(r.code, sizeof r.code, "%s", code);
    snprintf(r.identity, sizeof r.identity, "%s", r.item->identity);
    r.kind = CHECKUP_V_CODE;
    snprintf(r.text, sizeof r.text, "%s", value);
    snprintf(r.sender_flag, sizeof r.sender_flag, "%s", flag);
    if (checkup_result_check(&r, NULL, why, sizeof why) != CHECKUP_OK)
        return (enum checkup_judgement) - 1;
    return checkup_judge_result(&r, CHECKUP_SEX_UNKNOWN, NULL);
}

static void t_urine_dipstick_steps(void)
{
    /* 尿蛋白 and 尿糖, both methods: － normal, ± guidance, ＋ and above see a doctor,
     * whatever the sender's flag says. */
    static const char *const codes[] = {"1A010000000191111", "1A010000000190111",
                                        "1A020000000191111", "1A020000000190111"};
    static const int want[] = {CHECKUP_J_NORMAL, CHECKUP_J_GUIDANCE, CHECKUP_J_SEE_DOCTOR,
                               CHECKUP_J_SEE_DOCTOR, CHECKUP_J_SEE_DOCTOR};
    for (size_t c = 0; c < 4; c++)
        for (int step = 1; step <= 5; step++) {
            char v[4];
            snprintf(v, sizeof v, "%d", step);
            CHECK_INT_EQ(dipstick(codes[c], v, step == 1 ? "H" : "N"), want[step - 1]);
        }
    /* A sender that wrote the display instead of the code gets the code it means. */
    CHECK_INT_EQ(dipstick("1A020000000191111", "±", ""), CHECKUP_J_GUIDANCE);
    CHECK_INT_EQ(dipstick("1A020000000191111", "＋＋＋", ""), CHECKUP_J_SEE_DOCTOR);
    /* Not a code of the system: refused by the check. */
    CHECK_INT_EQ(dipstick("1A020000000191111", "6", ""), -1);
    /* Other coded items are not judged. */
    CHECK_INT_EQ(dipstick("9N056000000000011", "1", ""), CHECKUP_J_NONE);
}

int main(void)
{
    TEST_RUN(t_boundaries);
    TEST_RUN(t_waist_needs_sex);
    TEST_RUN(t_lab_range_rule);
    TEST_RUN(t_sender_normal_flag_ignored);
    TEST_RUN(t_words_and_explanations);
    TEST_RUN(t_threshold_lines);
    TEST_RUN(t_urine_dipstick_steps);
    return test_summary();
}
