/*
 * checkup_judge: our own judgement of each result, in words.
 *
 * 基準内 / 保健指導 / 受診をおすすめ from the MHLW 特定健診 第4期 thresholds
 * (保健指導判定値 / 受診勧奨判定値), matched on the 同一性項目コード so every lab method
 * of an analyte is judged alike. Where the table has no threshold, the lab's reference
 * range decides: outside it is 保健指導 (never 受診をおすすめ: a lab range says "unusual",
 * not "see a doctor"). The sender's interpretation flag is never looked at. The full rule
 * table is in docs/checkup.md. All data is static: thread-safe.
 */
#ifndef CHECKUP_JUDGE_H
#define CHECKUP_JUDGE_H

#include "checkup.h"

enum checkup_judgement {
    CHECKUP_J_NONE = 0,   /* not judged: no threshold and no reference range, or not a number */
    CHECKUP_J_NORMAL,     /* 基準内 */
    CHECKUP_J_GUIDANCE,   /* 保健指導 */
    CHECKUP_J_SEE_DOCTOR, /* 受診をおすすめ */
};

/* "none", "normal", "guidance", "see_doctor": stable, for JSON and storage. */
const char *checkup_judgement_str(enum checkup_judgement j);
/* The words shown to the resident: "基準内", "保健指導", "受診をおすすめ", "判定なし". */
const char *checkup_judgement_ja(enum checkup_judgement j);
/* "Within range", "Health guidance", "See a doctor", "Not judged". */
const char *checkup_judgement_en(enum checkup_judgement j);

/* Where a threshold rule comes from. */
enum checkup_judge_basis {
    CHECKUP_BASIS_NONE = 0, /* not judged */
    CHECKUP_BASIS_MHLW,     /* MHLW threshold table */
    CHECKUP_BASIS_LAB_RANGE /* the lab's reference range */
};

/*
 * One MHLW threshold rule. higher_is_worse: a value >= guidance is 保健指導, >= see_doctor
 * is 受診をおすすめ. Otherwise (eGFR, HDL) a value < guidance is 保健指導 and < see_doctor
 * is 受診をおすすめ. has_see_doctor is 0 when the table has only a guidance value.
 * The kiosk's trend screen draws these two lines.
 */
struct checkup_threshold {
    const char *identity; /* 同一性項目コード */
    int casual;           /* -1 any, 0 fasting codes only, 1 casual (随時) codes only */
    enum checkup_sex sex; /* CHECKUP_SEX_UNKNOWN: any sex */
    int higher_is_worse;
    double guidance;
    int has_see_doctor;
    double see_doctor;
};

/* The MHLW rule for an item and sex, or NULL if the table has none (waist needs the sex:
 * with an unknown sex it has none). */
const struct checkup_threshold *checkup_judge_threshold(const struct checkup_item *item,
                                                        enum checkup_sex sex);

/* Judges one result of a person of the given sex; *basis (may be NULL) says why. */
enum checkup_judgement checkup_judge_result(const struct checkup_result *r, enum checkup_sex sex,
                                            enum checkup_judge_basis *basis);

/* One plain-language sentence on what the item measures, in やさしい日本語 or English;
 * NULL for items that are not core items. */
const char *checkup_judge_explain_ja(const struct checkup_item *item);
const char *checkup_judge_explain_en(const struct checkup_item *item);

#endif
