/*
 * jmakinds.c: the words for each JMA warning kind (see jmakinds.h).
 */
#include "jmakinds.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define EMERGENCY_TODO_JA "いのちを まもる ことを すぐに して ください。"
#define EMERGENCY_TODO_EN "Act now to save your life."

/* Words several kinds share */
#define INDOORS_JA    "外に 出ないで ください。"
#define INDOORS_EN    "Stay indoors."
#define SEA_JA        "海に 近づかないで ください。"
#define SEA_EN        "Keep away from the sea."
#define SLOPES_JA     "川や がけに 近づかないで ください。"
#define SLOPES_EN     "Keep away from rivers and slopes."
#define LINES_JA      "電線の 近くでは 気を つけて ください。"
#define LINES_EN      "Take care near power lines."
#define WATCH_TOWN_JA "町の 避難の 知らせに 気を つけて ください。"
#define WATCH_TOWN_EN "Watch for the town's evacuation notice."

/* One row: code, JMA's name, English name, what is happening and what to do (ja, en); the
 * class (the notice's kind) is the row's macro */
/* clang-format off */
#define EMERGENCY(code, ...) {code, "emergency_warning", __VA_ARGS__}
#define WARNING(code, ...)   {code, "warning", __VA_ARGS__}
#define ADVISORY(code, ...)  {code, "advisory", __VA_ARGS__}
#define DANGER(code, ...)    {code, "danger_warning", __VA_ARGS__}
/* clang-format on */

/* 土砂災害警戒情報: 警戒レベル4 相当 (JMA's telegram: 【警戒レベル４相当情報［土砂災害］】), the
 * moment the town's 避難指示 is due; as JMA's own text says, residents near slopes leave
 * now and heed the town's notice. The same words under both of JMA's names. */
#define LANDSLIDE_WHAT_JA                                                                                             \
    "大雨で がけくずれなどの 土砂災害が いつ おきても おかしく ない とても 危険な " \
    "状態です。警戒レベル4 です。"
#define LANDSLIDE_TODO_JA                                                                                            \
    "がけの 近くや 谷の 出口に 住んで いる 人は、 すぐに 安全な ところへ 避難して " \
    "ください。" WATCH_TOWN_JA
#define LANDSLIDE_WHAT_EN                                                                          \
    "Heavy rain: a deadly landslide could happen at any moment. Alert level 4."
#define LANDSLIDE_TODO_EN                                                                          \
    "If you live near a slope or at the mouth of a valley, go to a safe place now. " WATCH_TOWN_EN

static const struct jma_kind_words TABLE[] = {
    /* 特別警報 */
    EMERGENCY(
        "33", "大雨特別警報", "Heavy rain emergency warning",
        "これまでに ない ような 大雨です。がけくずれや 水が あふれる 危険が とても 高いです。",
        EMERGENCY_TODO_JA " 町の 避難の 知らせに したがって ください。",
        "Rain like never before. Landslides and floods are very likely.",
        EMERGENCY_TODO_EN " Follow the town's evacuation notice."),
    EMERGENCY("35", "暴風特別警報", "Storm emergency warning",
              "これまでに ない ような 強い 風です。", EMERGENCY_TODO_JA " " INDOORS_JA,
              "Wind like never before.", EMERGENCY_TODO_EN " " INDOORS_EN),
    EMERGENCY("32", "暴風雪特別警報", "Snowstorm emergency warning",
              "これまでに ない ような 強い 風と 雪です。", EMERGENCY_TODO_JA " " INDOORS_JA,
              "Wind and snow like never before.", EMERGENCY_TODO_EN " " INDOORS_EN),
    EMERGENCY("36", "大雪特別警報", "Heavy snow emergency warning",
              "これまでに ない ような 大雪です。", EMERGENCY_TODO_JA " " INDOORS_JA,
              "Snow like never before.", EMERGENCY_TODO_EN " " INDOORS_EN),
    EMERGENCY("37", "波浪特別警報", "High waves emergency warning",
              "これまでに ない ような 高い 波です。", EMERGENCY_TODO_JA " " SEA_JA,
              "Waves like never before.", EMERGENCY_TODO_EN " " SEA_EN),
    EMERGENCY("38", "高潮特別警報", "Storm surge emergency warning",
              "これまでに ない ような 高潮です。海の 水が あふれる 危険が とても 高いです。",
              EMERGENCY_TODO_JA " 海から はなれた 高い ところへ 逃げて ください。",
              "A storm surge like never before. The sea is very likely to flood the land.",
              EMERGENCY_TODO_EN " Go to high ground away from the sea."),
    /* レベル４ 危険警報 (JMA's 2026 R06 telegrams): 警戒レベル4, the moment to evacuate */
    DANGER("43", "レベル４大雨危険警報", "Level 4 heavy rain danger warning",
           "大雨で 水が あふれる 危険が とても 高い 状態です。警戒レベル4 です。",
           "低い ところや 川の 近くに いる 人は、 すぐに 安全な ところへ 避難して "
           "ください。" WATCH_TOWN_JA,
           "Heavy rain: flooding is very likely. Alert level 4.",
           "If you are in low ground or near a river, go to a safe place now. " WATCH_TOWN_EN),
    DANGER("49", "レベル４土砂災害危険警報", "Level 4 landslide danger warning", LANDSLIDE_WHAT_JA,
           LANDSLIDE_TODO_JA, LANDSLIDE_WHAT_EN, LANDSLIDE_TODO_EN),
    DANGER("48", "レベル４高潮危険警報", "Level 4 storm surge danger warning",
           "高潮で 海の 水が あふれる 危険が とても 高い 状態です。警戒レベル4 です。",
           "海の 近くや 低い ところに いる 人は、 すぐに 海から はなれた 高い ところへ 避難して "
           "ください。",
           "Storm surge: the sea is very likely to flood the land. Alert level 4.",
           "If you are near the sea or in low ground, go to high ground away from the sea now."),
    /* 警報 */
    WARNING("09", "レベル３土砂災害警報", "Level 3 landslide warning",
            "大雨で がけくずれなどの 土砂災害の おそれが あります。",
            "がけの 近くに いる お年寄りなどは 避難を はじめて ください。" WATCH_TOWN_JA,
            "Heavy rain may cause landslides.",
            "Older people near slopes: start to evacuate. " WATCH_TOWN_EN),
    WARNING("03", "大雨警報", "Heavy rain warning",
            "大雨で がけくずれや 水が あふれる おそれが あります。", SLOPES_JA WATCH_TOWN_JA,
            "Heavy rain may cause landslides and floods.", SLOPES_EN " " WATCH_TOWN_EN),
    WARNING("04", "洪水警報", "Flood warning", "川の 水が あふれる おそれが あります。",
            "川に 近づかないで ください。" WATCH_TOWN_JA, "Rivers may flood.",
            "Keep away from rivers. " WATCH_TOWN_EN),
    WARNING("05", "暴風警報", "Storm warning", "とても 強い 風が ふきます。",
            "外に 出ないで ください。窓から はなれて ください。", "Very strong wind.",
            "Stay indoors, away from windows."),
    WARNING("02", "暴風雪警報", "Snowstorm warning", "とても 強い 風と 雪です。", INDOORS_JA,
            "Very strong wind with snow.", INDOORS_EN),
    WARNING("06", "大雪警報", "Heavy snow warning", "雪が たくさん ふります。",
            "外に 出ないで ください。雪かきは ひとりで しないで ください。", "Heavy snow.",
            "Stay indoors. Do not clear snow alone."),
    WARNING("07", "波浪警報", "High waves warning", "海の 波が とても 高く なります。", SEA_JA,
            "Very high waves.", SEA_EN),
    WARNING("08", "高潮警報", "Storm surge warning", "海の 水が あふれる おそれが あります。",
            SEA_JA WATCH_TOWN_JA, "The sea may flood the land.", SEA_EN " " WATCH_TOWN_EN),
    /* 注意報 */
    ADVISORY("10", "大雨注意報", "Heavy rain advisory", "大雨に 気を つける ときです。", SLOPES_JA,
             "Heavy rain is possible.", SLOPES_EN),
    ADVISORY("29", "レベル２土砂災害注意報", "Level 2 landslide advisory",
             "大雨で がけくずれに 気を つける ときです。", SLOPES_JA, "Landslides are possible.",
             SLOPES_EN),
    ADVISORY("18", "洪水注意報", "Flood advisory", "川の 水が ふえる おそれが あります。",
             "川に 近づかないで ください。", "Rivers may rise.", "Keep away from rivers."),
    ADVISORY("15", "強風注意報", "Strong wind advisory", "強い 風が ふきます。",
             "外では 飛んで くる ものに 気を つけて ください。", "Strong wind.",
             "Outdoors, watch out for flying objects."),
    ADVISORY("13", "風雪注意報", "Wind and snow advisory", "強い 風と 雪です。",
             "外に 出る ときは 気を つけて ください。", "Strong wind with snow.",
             "Take care if you go out."),
    ADVISORY("12", "大雪注意報", "Heavy snow advisory", "雪が たくさん ふる おそれが あります。",
             "外に 出る ときは 足もとに 気を つけて ください。", "Heavy snow is possible.",
             "Watch your step if you go out."),
    ADVISORY("16", "波浪注意報", "High waves advisory", "海の 波が 高く なります。", SEA_JA,
             "High waves.", SEA_EN),
    ADVISORY("19", "高潮注意報", "Storm surge advisory", "海の 水が 高く なります。", SEA_JA,
             "The sea level may rise.", SEA_EN),
    ADVISORY("14", "雷注意報", "Thunderstorm advisory", "かみなりが なる おそれが あります。",
             "かみなりが 聞こえたら たてものの 中に 入って ください。",
             "Thunderstorms are possible.", "If you hear thunder, go into a building."),
    ADVISORY("17", "融雪注意報", "Snowmelt advisory", "雪が とけて 水が ふえます。", SLOPES_JA,
             "Melting snow raises the water.", SLOPES_EN),
    ADVISORY("20", "濃霧注意報", "Dense fog advisory", "こい きりで 遠くが 見えません。",
             "車や 道を わたる ときに 気を つけて ください。", "Dense fog.",
             "Take care on the roads."),
    ADVISORY("21", "乾燥注意報", "Dry air advisory", "空気が とても かわいて います。",
             "火の しまつに 気を つけて ください。", "The air is very dry.",
             "Be careful with fire."),
    ADVISORY("22", "なだれ注意報", "Avalanche advisory", "なだれの おそれが あります。",
             "雪の ある 山や がけに 近づかないで ください。", "Avalanches are possible.",
             "Keep away from snowy slopes."),
    ADVISORY("23", "低温注意報", "Low temperature advisory", "とても 寒く なります。",
             "へやを あたたかく して ください。水道の こおりに 気を つけて ください。",
             "It will be very cold.", "Keep your room warm. Water pipes may freeze."),
    ADVISORY("24", "霜注意報", "Frost advisory", "しもが おりる おそれが あります。",
             "畑の 作物に 気を つけて ください。", "Frost is possible.", "Protect crops."),
    ADVISORY("25", "着氷注意報", "Icing advisory", "電線などに こおりが つきます。", LINES_JA,
             "Ice may form on power lines.", LINES_EN),
    ADVISORY("26", "着雪注意報", "Snow accretion advisory", "電線などに 雪が つきます。", LINES_JA,
             "Snow may stick to power lines.", LINES_EN),
};

static const struct jma_kind_words LANDSLIDE[] = {
    {"3", "danger_warning", "レベル４土砂災害危険警報", "Level 4 landslide danger warning",
     LANDSLIDE_WHAT_JA, LANDSLIDE_TODO_JA, LANDSLIDE_WHAT_EN, LANDSLIDE_TODO_EN},
    {"3", "danger_warning", "土砂災害警戒情報", "Landslide alert (level 4)", LANDSLIDE_WHAT_JA,
     LANDSLIDE_TODO_JA, LANDSLIDE_WHAT_EN, LANDSLIDE_TODO_EN},
};

const struct jma_kind_words *jma_landslide_words(const char *title)
{
    return title && strcmp(title, LANDSLIDE[0].name_ja) == 0 ? &LANDSLIDE[0] : &LANDSLIDE[1];
}

/* Words for a kind the table does not know, by its class. */
static const struct jma_kind_words GENERAL[] = {
    {"", "emergency_warning", "特別警報", "Emergency warning", "とても 危険な 天気です。",
     EMERGENCY_TODO_JA, "Extremely dangerous weather.", EMERGENCY_TODO_EN},
    {"", "danger_warning", "危険警報", "Danger warning (level 4)",
     "災害が おきる 危険が とても 高い 状態です。警戒レベル4 です。",
     "危ない ところに いる 人は、 すぐに 安全な ところへ 避難して ください。" WATCH_TOWN_JA,
     "A disaster is very likely. Alert level 4.",
     "If you are in a dangerous place, go to a safe place now. " WATCH_TOWN_EN},
    {"", "warning", "警報", "Weather warning", "危険な 天気です。",
     "町の 知らせに 気を つけて ください。", "Dangerous weather.", "Watch for the town's notices."},
    {"", "advisory", "注意報", "Weather advisory", "天気に 気を つける ときです。",
     "気を つけて ください。", "Take care with the weather.", "Take care."},
};

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

const struct jma_kind_words *jma_kind_words(const char *code, const char *jma_name)
{
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++)
        if (strcmp(TABLE[i].code, code) == 0)
            return &TABLE[i];
    if (!jma_name)
        return NULL;
    if (ends_with(jma_name, "特別警報"))
        return &GENERAL[0];
    if (ends_with(jma_name, "危険警報"))
        return &GENERAL[1];
    if (ends_with(jma_name, "警報"))
        return &GENERAL[2];
    if (ends_with(jma_name, "注意報"))
        return &GENERAL[3];
    return NULL;
}

/* The VPWW54 kinds each R06 telegram carries again (docs/disaster.md, "one hazard once"):
 * 大雨 (特別警報, 警報, 注意報) in VPWW55, 高潮 in VPWW57, 暴風 and 強風 in VPWW58, 波浪 in
 * VPWW59, 大雪 in VPWW60, the other advisories in VPWW61. 洪水 (04, 18) and 暴風雪 / 風雪
 * (02, 13, 32) are in none of JMA's R06 samples: they stay shown from VPWW54 (a warning shown
 * twice is better than one missed). The 土砂災害警戒情報 (VXWW50) is VPWW56's レベル４. */
static const struct {
    const char *series, *codes;
} COVERED[] = {
    {"VPWW55", " 03 10 33 "}, {"VPWW57", " 08 19 38 "}, {"VPWW58", " 05 15 35 "},
    {"VPWW59", " 07 16 37 "}, {"VPWW60", " 06 12 36 "}, {"VPWW61", " 14 17 20 21 22 23 24 25 26 "},
};

const char *jma_r06_covering(const char *series, const char *code)
{
    char key[8];
    if (strcmp(series, "VXWW50") == 0)
        return "VPWW56";
    if (strcmp(series, "VPWW54") != 0 || strlen(code) != 2)
        return NULL;
    snprintf(key, sizeof key, " %s ", code);
    for (size_t i = 0; i < sizeof COVERED / sizeof COVERED[0]; i++)
        if (strstr(COVERED[i].codes, key))
            return COVERED[i].series;
    return NULL;
}
