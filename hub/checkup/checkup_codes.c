/*
 * checkup_codes: answer code systems in words (see checkup_codes.h). Transcribed from the
 * CodeSystem definitions of the JP-CLINS eCheckup guide (JP-CodeSystems-eCheckup.fsh) and
 * the code lists in the MHLW item table's notes; the plain-words and English columns are
 * ours. A system not listed here is shown with the display the sender wrote.
 */
#include "checkup_codes.h"

#include <string.h>

#define URINE   "1.2.392.200119.6.2102"
#define POSNEG  "1.2.392.200119.6.2100"
#define NOTABLE "1.2.392.200119.6.2001"
#define FINDING "1.2.392.200119.6.2002"
#define YESNO   "1.2.392.200119.6.2003"
#define FUNC0   "1.2.392.200119.6.2008"
#define FUNC1   "1.2.392.200119.6.2009"
#define METS    "1.2.392.200119.6.1008"
#define LEVEL   "1.2.392.200119.6.3001"
#define MEAL    "1.2.392.200119.6.2202"
#define RH      "1.2.392.200119.6.2116"
#define ABO     "1.2.392.200119.6.2115"
#define HCV     "1.2.392.200119.6.2103"
#define LUNG    "1.2.392.200119.6.2141"
#define ECGWHO  "1.2.392.200119.6.18120"
#define EYEWHO  "1.2.392.200119.6.18130"
#define SMOKE   "1.2.392.200119.6.24060"
#define EAT     "1.2.392.200119.6.2004"

static const struct checkup_code codes[] = {
    {URINE, "1", "－", "マイナス", "negative", 1},
    {URINE, "2", "±", "プラスマイナス", "trace", 2},
    {URINE, "3", "＋", "プラス", "positive (1+)", 3},
    {URINE, "4", "＋＋", "2プラス", "positive (2+)", 4},
    {URINE, "5", "＋＋＋", "3プラス", "positive (3+)", 5},
    {POSNEG, "1", "陽性", "陽性（ようせい）", "positive", 0},
    {POSNEG, "2", "陰性", "陰性（いんせい）", "negative", 0},
    {NOTABLE, "1", "特記すべきことあり", "特に 書いて おく ことが あります", "something to note",
     0},
    {NOTABLE, "2", "特記すべきことなし", "特に ありません", "nothing to note", 0},
    {FINDING, "1", "所見あり", "所見（しょけん）が あります", "findings", 0},
    {FINDING, "2", "所見なし", "所見（しょけん）は ありません", "no findings", 0},
    {YESNO, "1", "はい", "はい", "yes", 0},
    {YESNO, "2", "いいえ", "いいえ", "no", 0},
    {FUNC0, "0", "はい", "はい", "yes", 0},
    {FUNC0, "1", "いいえ", "いいえ", "no", 0},
    {FUNC1, "1", "はい", "はい", "yes", 0},
    {FUNC1, "0", "いいえ", "いいえ", "no", 0},
    {METS, "1", "基準該当", "メタボリックシンドロームに あてはまります", "metabolic syndrome: yes",
     0},
    {METS, "2", "予備群該当", "メタボリックシンドロームの 予備群です",
     "metabolic syndrome: borderline", 0},
    {METS, "3", "非該当", "あてはまりません", "metabolic syndrome: no", 0},
    {METS, "4", "判定不能", "判定できません", "could not be judged", 0},
    {LEVEL, "1", "積極的支援", "積極的支援（せっきょくてき しえん）", "intensive support", 0},
    {LEVEL, "2", "動機付け支援", "動機付け支援（どうきづけ しえん）", "motivational support", 0},
    {LEVEL, "3", "なし（情報提供）", "なし（情報の おしらせ）", "none (information only)", 0},
    {LEVEL, "4", "判定不能", "判定できません", "could not be judged", 0},
    {MEAL, "2", "食後10時間以上", "食事から 10時間 以上", "10 hours or more after a meal", 0},
    {MEAL, "3", "食後3.5時間以上10時間未満", "食事から 3.5〜10時間", "3.5 to 10 hours after a meal",
     0},
    {MEAL, "4", "食後3.5時間未満", "食事から 3.5時間 未満", "less than 3.5 hours after a meal", 0},
    {RH, "1", "＋", "プラス", "Rh positive", 0},
    {RH, "2", "－", "マイナス", "Rh negative", 0},
    {ABO, "1", "A", "A型", "type A", 0},
    {ABO, "2", "B", "B型", "type B", 0},
    {ABO, "3", "AB", "AB型", "type AB", 0},
    {ABO, "4", "O", "O型", "type O", 0},
    {HCV, "1", "陰性", "陰性（いんせい）", "negative", 0},
    {HCV, "2", "低力価", "低力価（ていりょくか）", "low titre", 0},
    {HCV, "3", "中力価", "中力価（ちゅうりょくか）", "medium titre", 0},
    {HCV, "4", "高力価", "高力価（こうりょくか）", "high titre", 0},
    {LUNG, "1", "精密検査必要", "くわしい 検査が 必要です", "further tests needed", 0},
    {LUNG, "2", "精密検査不要", "くわしい 検査は いりません", "no further tests needed", 0},
    {ECGWHO, "1", "検査結果による心電図検査対象者", "検査の 結果で 心電図を しました",
     "ECG because of test results", 0},
    {ECGWHO, "2", "不整脈による心電図検査対象者", "脈の みだれで 心電図を しました",
     "ECG because of an irregular pulse", 0},
    {ECGWHO, "0", "詳細な健診以外で実施", "くわしい 健診 以外で しました",
     "done outside the detailed check", 0},
    {EYEWHO, "0", "詳細な健診以外で実施", "くわしい 健診 以外で しました",
     "done outside the detailed check", 0},
    {EYEWHO, "1", "検査結果による眼底検査対象者", "検査の 結果で 眼底検査を しました",
     "eye test because of test results", 0},
    {SMOKE, "1", "はい", "はい", "yes", 0},
    {SMOKE, "2", "以前は吸っていたが、最近1ヶ月間は吸っていない",
     "前は 吸って いたが、この 1か月は 吸って いない", "stopped in the last month", 0},
    {SMOKE, "3", "いいえ", "いいえ", "no", 0},
    {EAT, "1", "速い", "速い", "fast", 0},
    {EAT, "2", "ふつう", "ふつう", "normal", 0},
    {EAT, "3", "遅い", "遅い", "slow", 0},
};

int checkup_codes_known_system(const char *oid)
{
    for (size_t i = 0; oid && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(codes[i].oid, oid) == 0)
            return 1;
    return 0;
}

const struct checkup_code *checkup_codes_find(const char *oid, const char *code)
{
    for (size_t i = 0; oid && code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(codes[i].oid, oid) == 0 && strcmp(codes[i].code, code) == 0)
            return &codes[i];
    return NULL;
}
