/*
 * e2e_priv_card: the resident's own data on real parts: a private pcscd
 * with the vpcd reader and the virtual card (tests/card/cardenv), a real hub (hubd +
 * hubctl from the build, SQLite in a temp dir) and the real kiosk binary, headless, driven
 * by scripts. Journeys:
 *   1. the family member reads the resident's check-ins (a release, audited); the resident
 *      logs in with the card, revokes that consent on 同意の設定 (はい/いいえ + confirm), the
 *      result says in words what changed; the family's next request is refused (403, on
 *      the hub and on the family kiosk); 私の情報の記録 shows the earlier release in words;
 *   2. checkups imported with `hubctl checkup-import` (CSV, two sources, one consented):
 *      the list shows only the consented source's, newest first; one checkup with its
 *      value, unit and judgement in words; the trend with the earlier year.
 * Runs inside tests/card/netns-run.sh (private /run/pcscd and loopback).
 *   e2e_priv_card KIOSK HUBD HUBCTL      (env VCARD, TESTCA as for tests/card)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardenv.h"
#include "kiosktest.h"
#include "test.h"

static struct kiosktest kt;
static char fam_token[128], home_token[128];

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int rc = fputs(text, f) >= 0 ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

/* The hub: one resident with the test card and insurance identifiers, a public kiosk, a
 * home tablet, a family member (consent from the paper form), two checkup sources of
 * which only the first is consented, and their checkups imported from CSV. */
static int start_hub(struct kiosktest *k)
{
    static const char *const insured[] = {
        "--insurer", "00012345", "--symbol", "あいう", "--insured", "1872", "--branch", "00", NULL};
    char *hubctl = (char *)k->hubctl, *db = k->dbpath;
    char csv1[400], csv2[400], out[4096], src[128];
    snprintf(csv1, sizeof csv1, "%s/city.csv", k->workdir);
    snprintf(csv2, sizeof csv2, "%s/other.csv", k->workdir);
    char *home[] = {hubctl, "--db", db, "device-add", "--kind", "home", "--resident", "1", NULL};
    char *fam[] = {hubctl,       "--db", db,           "family-add", "--name", "山田 一郎",
                   "--resident", "1",    "--relation", "長男",       NULL};
    char *s1[] = {hubctl, "--db", db, "source-add", "--name", "さくら市 健康課", NULL};
    char *s2[] = {hubctl, "--db", db, "source-add", "--name", "ほかの 健保", NULL};
    char *grant[] = {hubctl,      "--db",        db,         "consent-grant", "--resident",
                     "1",         "--recipient", "source:1", "--data-kind",   "checkups:1",
                     "--purpose", "linkage",     NULL};
    char *imp1[] = {hubctl,     "--db", db,  "checkup-import", "--source", "1", "--file", csv1,
                    "--format", "csv",  NULL};
    char *imp2[] = {hubctl,     "--db", db,  "checkup-import", "--source", "2", "--file", csv2,
                    "--format", "csv",  NULL};
    const char *head = "insurer_number,insured_symbol,insured_number,insured_branch,sex,"
                       "source_org_id,source_org_name,date,item_code,value,unit\n";
    char text[2048];
    snprintf(text, sizeof text,
             "%s00012345,あいう,1872,00,female,1310000001,さくら健診センター,2024-06-12,"
             "9A751000000000001,141,mm[Hg]\n"
             "00012345,あいう,1872,00,female,1310000001,さくら健診センター,2024-06-12,"
             "3D046000001906202,5.5,%%\n"
             "00012345,あいう,1872,00,female,1310000001,さくら健診センター,2025-06-12,"
             "9A751000000000001,128,mm[Hg]\n",
             head);
    if (write_file(csv1, text) != 0)
        return -1;
    snprintf(text, sizeof text,
             "%s00012345,あいう,1872,00,female,1320000002,ほかの クリニック,2026-05-01,"
             "9A751000000000001,150,mm[Hg]\n",
             head);
    if (write_file(csv2, text) != 0)
        return -1;
    if (kiosktest_hub_enrol(k, insured) != 0)
        return -1;
    if (kiosktest_run(home, out, sizeof out) != 0 ||
        kiosktest_value_of(out, "token=", home_token, sizeof home_token) != 0)
        return -1;
    if (kiosktest_run(fam, out, sizeof out) != 0 ||
        kiosktest_value_of(out, "token=", fam_token, sizeof fam_token) != 0)
        return -1;
    if (kiosktest_run(s1, out, sizeof out) != 0 ||
        kiosktest_value_of(out, "token=", src, sizeof src) != 0 ||
        kiosktest_run(s2, out, sizeof out) != 0 || kiosktest_run(grant, out, sizeof out) != 0)
        return -1;
    if (kiosktest_run(imp1, out, sizeof out) != 0 || kiosktest_run(imp2, out, sizeof out) != 0) {
        fprintf(stderr, "checkup-import failed: %s\n", out);
        return -1;
    }
    return kiosktest_hubd_start(k, NULL);
}

/* curl: the HTTP status of METHOD path with the token (and body), or -1. */
static long http(const char *method, const char *path, const char *tok, const char *body)
{
    char full[256], auth[200], out[64];
    snprintf(full, sizeof full, "%s%s", kt.url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    char *argv[24];
    int k = 0;
    static char *const fixed[] = {"/usr/bin/curl", "-s", "-o", "/dev/null", "-w",
                                  "%{http_code}",  "-X"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[k++] = fixed[i];
    argv[k++] = (char *)method;
    argv[k++] = "-H";
    argv[k++] = auth;
    if (body) {
        argv[k++] = "-H";
        argv[k++] = "Content-Type: application/json";
        argv[k++] = "-H";
        argv[k++] = "Idempotency-Key: e2e-priv-1";
        argv[k++] = "--data";
        argv[k++] = (char *)body;
    }
    argv[k++] = full;
    argv[k] = NULL;
    if (kiosktest_run(argv, out, sizeof out) != 0)
        return -1;
    return strtol(out, NULL, 10);
}

/* Runs the kiosk (profile, token) with a script; returns its exit status (its log shown
 * when it failed). A tall window, so a page of the access log holds many lines. */
static int kiosk_run(const char *name, const char *profile, const char *tok, const char *script)
{
    static const char *const sets[] = {"language=ja", "height=1600", NULL};
    return kiosktest_kiosk_wait(&kt, kiosktest_kiosk_start(&kt, name, profile, tok, sets, script),
                                name);
}

#define LOGIN "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;tap:pin_ok;wait:session;"

static void t_revoke_then_family_refused_and_logged(void)
{
    char script[2048], p[400];
    /* a check-in from the home tablet, then the family reads it (a release) */
    CHECK(http("POST", "/v1/checkins", home_token, "{\"answer\":\"genki\"}") == 201);
    CHECK(http("GET", "/v1/residents/1/checkins", fam_token, NULL) == 200);
    snprintf(p, sizeof p, "%s/family-before.json", kt.workdir);
    snprintf(script, sizeof script, "wait:family;waittext:元気です;settle;layout:%s", p);
    REQUIRE(kiosk_run("family-before", "profile=family", fam_token, script) == 0);

    /* the resident revokes on the kiosk: asked once more, then the result in words */
    snprintf(p, sizeof p, "%s/revoked.json", kt.workdir);
    snprintf(script, sizeof script,
             LOGIN "tap:priv_menu;wait:priv_menu;tap:priv_consent;wait:priv_consent;settle;"
                   "waittext:長男 山田 一郎さんに 安否の記録を 見せる;tap:consent_0_no;"
                   "waittext:見せるのを やめますか;tap:confirm_yes;wait:priv_consent_done;settle;"
                   "waittext:変えました。長男 山田 一郎さんは これから 安否の記録を 見られません。;"
                   "layout:%s;tap:priv_done_ok;wait:priv_consent;settle;"
                   "tap:nav_back;wait:priv_menu;tap:priv_log;wait:priv_log;settle;"
                   "waittext:山田 一郎さんが 安否の記録を 見ました（見守りのため・あなたの同意）;"
                   "waittext:あなたが 安否の記録を 見せる 同意を 取り消しました;",
             p);
    REQUIRE(kiosk_run("revoke", "profile=public", kt.token, script) == 0);

    /* the very next request of the family is refused, on the hub and on their kiosk */
    CHECK(http("GET", "/v1/residents/1/checkins", fam_token, NULL) == 403);
    snprintf(p, sizeof p, "%s/family-after.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:family;waittext:見る 許可が 取り消されたか;settle;layout:%s", p);
    CHECK(kiosk_run("family-after", "profile=family", fam_token, script) == 0);
    char *j = kiosktest_slurp_text(p);
    REQUIRE(j);
    CHECK(strstr(j, "元気です") == NULL); /* nothing of the resident's is shown any more */
    free(j);
}

static void t_checkups_of_consented_source(void)
{
    char script[2048], list[400], one[400], trend[400];
    snprintf(list, sizeof list, "%s/ck-list.json", kt.workdir);
    snprintf(one, sizeof one, "%s/ck-one.json", kt.workdir);
    snprintf(trend, sizeof trend, "%s/ck-trend.json", kt.workdir);
    snprintf(script, sizeof script,
             LOGIN "tap:ck_list;wait:ck_list;settle;waittext:令和7年6月12日;layout:%s;"
                   "tap:ck_0;wait:ck_one;settle;waittext:128 mmHg;waittext:基準内;layout:%s;"
                   "tap:item_0;wait:ck_item;settle;waittext:結果: 128 mmHg;tap:page_next;"
                   "waittext:2024/6/12 141 mmHg（受診をおすすめ）;"
                   "waittext:2025/6/12 128 mmHg（基準内）;waittext:受診 140 mmHg;layout:%s;",
             list, one, trend);
    REQUIRE(kiosk_run("checkups", "profile=public", kt.token, script) == 0);
    char *j = kiosktest_slurp_text(list);
    REQUIRE(j);
    CHECK(strstr(j, "令和6年6月12日") != NULL); /* the older one of the same source */
    CHECK(strstr(j, "令和8年") == NULL);        /* the other source: not consented */
    CHECK(strstr(j, "\"ck_2\"") == NULL);
    free(j);
    j = kiosktest_slurp_text(trend);
    REQUIRE(j);
    /* not the unconsented source's value either (in words or as an axis number; the dump's
     * rectangles have numbers of their own) */
    CHECK(strstr(j, "150 mmHg") == NULL && strstr(j, "\"text\":\"150\"") == NULL);
    free(j);
}

int main(int argc, char **argv)
{
    int rc = kiosktest_begin(&kt, "e2e_priv_card", argc, argv, NULL, start_hub);
    if (rc == 0) {
        TEST_RUN(t_revoke_then_family_refused_and_logged);
        TEST_RUN(t_checkups_of_consented_source);
        rc = test_summary();
    }
    return kiosktest_end(&kt, rc);
}
