/*
 * checkup_judge: judgement rules and explanations (see checkup_judge.h, docs/checkup.md).
 *
 * Values arrive with the item's fixed decimals (HbA1c 5.6, not 5.5999), but the
 * comparison still allows a tiny epsilon so a value parsed from "5.6" can never fall on
 * the wrong side of 5.6 through binary rounding.
 */
#include "checkup_judge.h"
#include "checkup_codes.h"

#include <string.h>

#define EPS 1e-9

/* MHLW 特定健診 第4期. HDL "<=39" is "< 40": the item is reported in whole mg/dL.
 * Casual (随時) glucose uses the fasting values (100/126); casual triglycerides use
 * 175 for guidance and 300 for a doctor (第4期). */
static const struct checkup_threshold rules[] = {
    {"9A750", -1, CHECKUP_SEX_UNKNOWN, 1, 130, 1, 140},
    {"9A760", -1, CHECKUP_SEX_UNKNOWN, 1, 85, 1, 90},
    {"3D046", -1, CHECKUP_SEX_UNKNOWN, 1, 5.6, 1, 6.5},
    {"3D010", -1, CHECKUP_SEX_UNKNOWN, 1, 100, 1, 126},
    {"3F077", -1, CHECKUP_SEX_UNKNOWN, 1, 120, 1, 140},
    {"3F070", -1, CHECKUP_SEX_UNKNOWN, 0, 40, 0, 0},
    {"3F015", 0, CHECKUP_SEX_UNKNOWN, 1, 150, 1, 300},
    {"3F015", 1, CHECKUP_SEX_UNKNOWN, 1, 175, 1, 300},
    {"3B035", -1, CHECKUP_SEX_UNKNOWN, 1, 31, 1, 51},
    {"3B045", -1, CHECKUP_SEX_UNKNOWN, 1, 31, 1, 51},
    {"3B090", -1, CHECKUP_SEX_UNKNOWN, 1, 51, 1, 101},
    {"8A065", -1, CHECKUP_SEX_UNKNOWN, 0, 60, 1, 45},
    {"9N011", -1, CHECKUP_SEX_UNKNOWN, 1, 25, 0, 0},
    {"9N016", -1, CHECKUP_SEX_MALE, 1, 85, 0, 0},
    {"9N016", -1, CHECKUP_SEX_FEMALE, 1, 90, 0, 0},
};

static const struct {
    const char *identity;
    const char *ja;
    const char *en;
} explain[] = {
    {"9N001", "からだの 高さ（身長）です。", "Your height."},
    {"9N006", "からだの 重さ（体重）です。", "Your body weight."},
    {"9N011", "体重と 身長から 計算した、太りすぎか やせすぎかを 見る 数字です。",
     "A number from your weight and height that shows whether you are over- or "
     "underweight."},
    {"9N016", "おへその 高さで はかった おなかの まわりの 長さで、おなかの 脂肪の 目安です。",
     "The size around your belly at the navel, a sign of fat around your organs."},
    {"9A750", "心臓が 血を 送り出す ときの 血管の 圧力（上の 血圧）です。",
     "The pressure in your blood vessels when your heart pushes blood out (the upper "
     "number)."},
    {"9A760", "心臓が 休んで いる ときの 血管の 圧力（下の 血圧）です。",
     "The pressure in your blood vessels while your heart rests between beats (the lower "
     "number)."},
    {"3D046", "この 1〜2か月の 血の 中の 糖（さとう）の 平均を 見る 数字です。",
     "Shows your average blood sugar over the last one to two months."},
    {"3D010", "血の 中の 糖（さとう）の 量です。", "The amount of sugar in your blood."},
    {"3F077", "血管に たまりやすい 悪い コレステロールの 量です。",
     "The \"bad\" cholesterol that can build up in your blood vessels."},
    {"3F070", "血管の 余分な コレステロールを 運び出す 良い コレステロールの 量です。",
     "The \"good\" cholesterol that carries extra cholesterol away from your blood "
     "vessels."},
    {"3F015", "血の 中の 脂肪（中性脂肪）の 量です。",
     "The amount of fat (triglycerides) in your blood."},
    {"3B035", "肝臓や 筋肉が 傷んで いないかを 見る 数字です。",
     "Shows whether your liver or muscles may be damaged."},
    {"3B045", "肝臓が 傷んで いないかを 見る 数字です。",
     "Shows whether your liver may be damaged."},
    {"3B090", "お酒などで 肝臓に 負担が かかって いないかを 見る 数字です。",
     "Shows whether alcohol or other things are straining your liver."},
    {"8A065", "腎臓が 血を きれいに する 力を 見る 数字です。",
     "Shows how well your kidneys clean your blood."},
    {"3C015", "腎臓の 働きを 見る ための 血の 中の 老廃物の 量です。",
     "A waste product in your blood that shows how well your kidneys work."},
    {"3C020", "血の 中の 尿酸の 量で、多いと 痛風の 原因に なります。",
     "The amount of uric acid in your blood; too much can cause gout."},
    {"2A030", "血が からだに 酸素を 運ぶ 力を 見る 数字です。",
     "Shows how well your blood carries oxygen around your body."},
};

const char *checkup_judgement_str(enum checkup_judgement j)
{
    switch (j) {
    case CHECKUP_J_NORMAL:
        return "normal";
    case CHECKUP_J_GUIDANCE:
        return "guidance";
    case CHECKUP_J_SEE_DOCTOR:
        return "see_doctor";
    case CHECKUP_J_NONE:
        break;
    }
    return "none";
}

const char *checkup_judgement_ja(enum checkup_judgement j)
{
    switch (j) {
    case CHECKUP_J_NORMAL:
        return "基準内";
    case CHECKUP_J_GUIDANCE:
        return "保健指導";
    case CHECKUP_J_SEE_DOCTOR:
        return "受診をおすすめ";
    case CHECKUP_J_NONE:
        break;
    }
    return "判定なし";
}

const char *checkup_judgement_en(enum checkup_judgement j)
{
    switch (j) {
    case CHECKUP_J_NORMAL:
        return "Within range";
    case CHECKUP_J_GUIDANCE:
        return "Health guidance";
    case CHECKUP_J_SEE_DOCTOR:
        return "See a doctor";
    case CHECKUP_J_NONE:
        break;
    }
    return "Not judged";
}

const struct checkup_threshold *checkup_judge_threshold(const struct checkup_item *item,
                                                        enum checkup_sex sex)
{
    if (!item || !item->identity[0])
        return NULL;
    int casual = checkup_dict_is_casual(item);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const struct checkup_threshold *t = &rules[i];
        if (strcmp(t->identity, item->identity) != 0)
            continue;
        if (t->casual >= 0 && t->casual != casual)
            continue;
        if (t->sex != CHECKUP_SEX_UNKNOWN && t->sex != sex)
            continue;
        return t;
    }
    return NULL;
}

/* Urine dipstick items judged on the ordinal step of the result (1 －, 2 ±, 3 ＋, ...):
 * MHLW 第4期 gives 尿蛋白 (±) 保健指導 and (＋) and above 受診勧奨; 尿糖 is judged on the
 * same steps (docs/checkup.md says why). */
static const struct {
    const char *identity;
    int guidance, see_doctor;
} dipstick[] = {
    {"1A010", 2, 3}, /* 尿蛋白 */
    {"1A020", 2, 3}, /* 尿糖 */
};

static enum checkup_judgement judge_dipstick(const struct checkup_result *r)
{
    const struct checkup_code *c = checkup_codes_find(r->system, r->text);
    for (size_t i = 0; c && c->level > 0 && i < sizeof dipstick / sizeof dipstick[0]; i++) {
        if (strcmp(dipstick[i].identity, r->item->identity) != 0)
            continue;
        if (c->level >= dipstick[i].see_doctor)
            return CHECKUP_J_SEE_DOCTOR;
        return c->level >= dipstick[i].guidance ? CHECKUP_J_GUIDANCE : CHECKUP_J_NORMAL;
    }
    return CHECKUP_J_NONE;
}

static int reached(const struct checkup_threshold *t, double v, double limit)
{
    return t->higher_is_worse ? v >= limit - EPS : v < limit - EPS;
}

enum checkup_judgement checkup_judge_result(const struct checkup_result *r, enum checkup_sex sex,
                                            enum checkup_judge_basis *basis)
{
    enum checkup_judge_basis b = CHECKUP_BASIS_NONE;
    enum checkup_judgement j = CHECKUP_J_NONE;

    if (r && r->item && r->kind == CHECKUP_V_CODE) {
        j = judge_dipstick(r);
        if (j != CHECKUP_J_NONE)
            b = CHECKUP_BASIS_MHLW;
        goto out;
    }
    if (!r || !r->item || r->kind != CHECKUP_V_NUMBER)
        goto out;
    const struct checkup_threshold *t = checkup_judge_threshold(r->item, sex);
    if (t) {
        b = CHECKUP_BASIS_MHLW;
        if (t->has_see_doctor && reached(t, r->value, t->see_doctor))
            j = CHECKUP_J_SEE_DOCTOR;
        else if (reached(t, r->value, t->guidance))
            j = CHECKUP_J_GUIDANCE;
        else
            j = CHECKUP_J_NORMAL;
        goto out;
    }
    if (r->has_low || r->has_high) {
        b = CHECKUP_BASIS_LAB_RANGE;
        if ((r->has_low && r->value < r->ref_low - EPS) ||
            (r->has_high && r->value > r->ref_high + EPS))
            j = CHECKUP_J_GUIDANCE;
        else
            j = CHECKUP_J_NORMAL;
    }
out:
    if (basis)
        *basis = b;
    return j;
}

const char *checkup_judge_explain_ja(const struct checkup_item *item)
{
    for (size_t i = 0; item && i < sizeof explain / sizeof explain[0]; i++)
        if (strcmp(explain[i].identity, item->identity) == 0)
            return explain[i].ja;
    return NULL;
}

const char *checkup_judge_explain_en(const struct checkup_item *item)
{
    for (size_t i = 0; item && i < sizeof explain / sizeof explain[0]; i++)
        if (strcmp(explain[i].identity, item->identity) == 0)
            return explain[i].en;
    return NULL;
}
