/*
 * card_kiosk_e2e: the public kiosk's card login on real parts: a private pcscd with the
 * vpcd reader and the project's virtual card (tests/card/cardenv), a real hub trusting the
 * test CA with the card's resident enrolled, and the real kiosk binary, headless, driven
 * by a script. Checks: a wrong PIN is said with the tries left; the right PIN logs in and
 * the resident's name appears; taking the card out wipes the screen back to waiting, and
 * how long that took. Runs inside tests/card/netns-run.sh (private /run/pcscd and port).
 *   card_kiosk_e2e KIOSK HUBD HUBCTL      (env VCARD, TESTCA as for tests/card)
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

/* one more key=value for the next kiosk start (or NULL) */
static const char *set2;

/* Starts the kiosk (profile=public or profile=home, with that device's token) with a
 * script, its log kiosk-NAME.log; `set` (and `set2`) are more key=value settings (or NULL). */
static pid_t kiosk_start_as(const char *script, const char *name, const char *profile,
                            const char *tok, const char *set)
{
    const char *const sets[] = {set ? set : "language=ja", set2 ? set2 : "sound=no", NULL};
    return kiosktest_kiosk_start(&kt, name, profile, tok, sets, script);
}

static pid_t kiosk_start_set(const char *script, const char *name, const char *set)
{
    return kiosk_start_as(script, name, "profile=public", kt.token, set);
}

static pid_t kiosk_start(const char *script, const char *name)
{
    return kiosk_start_set(script, name, NULL);
}

static int hub_session_ended(int want);

static void t_wrong_pin_then_login_then_pull(void)
{
    char script[1024], p1[400], p2[400], p3[400];
    snprintf(p1, sizeof p1, "%s/wrong.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:card_pin;waittext:あと 3 回;tap:pin_9;tap:pin_8;tap:pin_9;tap:pin_8;"
             "tap:pin_ok;waittext:ちがいます;layout:%s",
             p1);
    REQUIRE(kiosktest_kiosk_wait(&kt, kiosk_start(script, "wrong"), "wrong") == 0);
    char *j = kiosktest_slurp_text(p1);
    REQUIRE(j);
    CHECK(strstr(j, "あと 2 回") != NULL);
    CHECK(strstr(j, "9898") == NULL); /* the digits are never on screen */
    free(j);

    snprintf(p2, sizeof p2, "%s/session.json", kt.workdir);
    snprintf(p3, sizeof p3, "%s/after.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:card_pin;waittext:あと 2 回;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;"
             "tap:pin_ok;wait:session;layout:%s;wait:card_idle;layout:%s",
             p2, p3);
    pid_t pid = kiosk_start(script, "login");
    /* wait for the session screen, then take the card out */
    struct stat sb;
    double t0 = cardenv_now_ms();
    while (stat(p2, &sb) != 0 && cardenv_now_ms() - t0 < 20000)
        usleep(20000);
    REQUIRE(stat(p2, &sb) == 0);
    j = kiosktest_slurp_text(p2);
    REQUIRE(j);
    CHECK(strstr(j, "山田 花子さん、ようこそ") != NULL);
    free(j);
    double pulled = cardenv_now_ms();
    cardenv_vcard_remove(&kt.env);
    while (stat(p3, &sb) != 0 && cardenv_now_ms() - pulled < 5000)
        usleep(5000);
    double took = cardenv_now_ms() - pulled;
    printf("card removed -> waiting screen with the session wiped: %.0f ms\n", took);
    /* Card out logs out by itself: no tap, and long before the 90 s idle logout. How fast
     * (the 500 ms rule) is a speed target, so bench_card_kiosk measures it ("card lifted ->
     * waiting screen", docs/benchmarks.md): a bound here failed on a loaded machine while
     * the kiosk did nothing wrong. */
    CHECK(stat(p3, &sb) == 0 && took < 5000);
    REQUIRE(kiosktest_kiosk_wait(&kt, pid, "login") == 0);
    j = kiosktest_slurp_text(p3);
    REQUIRE(j);
    CHECK(strstr(j, "山田") == NULL);
    CHECK(strstr(j, "置いてください") != NULL);
    free(j);
    /* card: the session is ended at the hub, not only on the screen */
    CHECK(hub_session_ended(1) == 0);
}

/* --- card: helpers for the scenarios below --- */

#define READER "Virtual PCD 00 00"

/* Waits until path exists; 0, or -1 after timeout_ms. */
static int wait_file(const char *path, double timeout_ms)
{
    struct stat sb;
    double t0 = cardenv_now_ms();
    while (stat(path, &sb) != 0) {
        if (cardenv_now_ms() - t0 > timeout_ms)
            return -1;
        usleep(5000);
    }
    return 0;
}

/* Card sessions the hub still holds open (sqlite3 on the hub's file, read only). */
static long open_sessions(void)
{
    char out[256];
    char *argv[] = {"/usr/bin/sqlite3", "-readonly", kt.dbpath,
                    "SELECT count(*) FROM sessions WHERE ended_unix IS NULL;", NULL};
    if (kiosktest_run(argv, out, sizeof out) != 0)
        return -1;
    return strtol(out, NULL, 10);
}

/* Waits (up to 3 s) until the hub has audited `want` logouts and holds no open session. */
static int hub_session_ended(int want)
{
    double t0 = cardenv_now_ms();
    while (cardenv_now_ms() - t0 < 3000) {
        if (kiosktest_audited(&kt, "auth.logout") >= want && open_sessions() == 0)
            return 0;
        usleep(50000);
    }
    fprintf(stderr, "hub: %d logouts audited (want %d), %ld sessions open\n",
            kiosktest_audited(&kt, "auth.logout"), want, open_sessions());
    return -1;
}

/* Restarts the virtual card with a fresh state file (so --tries applies) and extra args. */
static int vcard_fresh(const char *const *extra)
{
    cardenv_vcard_stop(&kt.env);
    unlink(kt.env.state);
    cardenv_wait_reader(READER, 0, 3000); /* pcscd must see the reader empty first */
    return cardenv_vcard_start(&kt.env, "resident-1", extra);
}

/* The tries the virtual card keeps in its state file, or -1. */
static int vcard_tries(void)
{
    char *t = kiosktest_slurp_text(kt.env.state);
    const char *p = t ? strstr(t, "tries=") : NULL;
    int n = p ? (int)strtol(p + 6, NULL, 10) : -1;
    free(t);
    return n;
}

/* Runs the kiosk with `steps` (ending in ';'), then a layout dump; returns the dump
 * (owned), or NULL when the run failed. */
static char *kiosk_layout(const char *name, const char *steps, const char *set)
{
    char script[1536], out[400];
    snprintf(out, sizeof out, "%s/%s.json", kt.workdir, name);
    snprintf(script, sizeof script, "%slayout:%s", steps, out);
    if (kiosktest_kiosk_wait(&kt, kiosk_start_set(script, name, set), name) != 0)
        return NULL;
    return kiosktest_slurp_text(out);
}

/* Logged in, the resident ends with 終わる while the card still lies there: the hub ends
 * the session and the waiting screen says to take the card (with the service hours). */
static void t_end_with_card_left(void)
{
    REQUIRE(vcard_fresh(NULL) == 0);
    int before = kiosktest_audited(&kt, "auth.logout");
    char *j = kiosk_layout("leftcard",
                           "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;tap:pin_ok;"
                           "wait:session;waittext:ようこそ;tap:session_end;wait:card_idle;"
                           "waittext:お取りください;",
                           "service_hours=9:00-17:00");
    REQUIRE(j);
    CHECK(strstr(j, "カードを お取りください") != NULL);
    CHECK(strstr(j, "9:00〜17:00") != NULL);
    CHECK(strstr(j, "山田") == NULL);
    free(j);
    CHECK(hub_session_ended(before + 1) == 0);
    /* the idle logout (warning at 5 s, out at 6 s) with the card still there: the same */
    set2 = "idle_logout_s=6";
    j = kiosk_layout("idleout",
                     "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;tap:pin_ok;"
                     "wait:session;waittext:ようこそ;waittext:続ける;wait:card_idle;"
                     "waittext:お取りください;",
                     "idle_warn_s=5");
    set2 = NULL;
    REQUIRE(j);
    CHECK(strstr(j, "カードを お取りください") != NULL);
    CHECK(strstr(j, "山田") == NULL);
    free(j);
    CHECK(hub_session_ended(before + 2) == 0);
}

/* One try left: the public kiosk refuses before any PIN is typed and sends the resident
 * to a counter; the card keeps its last try. */
static void t_last_try_refused(void)
{
    static const char *const one[] = {"--tries", "1", NULL};
    REQUIRE(vcard_fresh(one) == 0);
    char *j = kiosk_layout("lasttry", "waittext:入れられません;", NULL);
    REQUIRE(j);
    CHECK(strstr(j, "窓口") != NULL);
    CHECK(strstr(j, "\"pin_1\"") == NULL); /* no PIN pad */
    free(j);
    CHECK(vcard_tries() == 1);
}

/* A blocked card: the same guidance to the counter, no PIN pad, still 0 tries. */
static void t_blocked(void)
{
    static const char *const zero[] = {"--tries", "0", NULL};
    REQUIRE(vcard_fresh(zero) == 0);
    char *j = kiosk_layout("blocked", "waittext:ロックされています;", NULL);
    REQUIRE(j);
    CHECK(strstr(j, "窓口") != NULL);
    CHECK(strstr(j, "\"pin_1\"") == NULL);
    free(j);
    CHECK(vcard_tries() == 0);
}

/* Starts the kiosk with `script`; once it has written `ready` (the waiting screen with a
 * reader), places the card; returns the kiosk's exit status. */
static int kiosk_then_place(const char *name, const char *script, const char *ready)
{
    pid_t pid = kiosk_start(script, name);
    if (wait_file(ready, 15000) != 0) {
        kill(pid, SIGTERM);
        kiosktest_kiosk_wait(&kt, pid, name);
        return -1;
    }
    cardenv_vcard_insert(&kt.env);
    return kiosktest_kiosk_wait(&kt, pid, name);
}

/* Another card (SELECT answers 6A 82): its own plain message. */
static void t_not_mynumber(void)
{
    static const char *const other[] = {"--not-mynumber", "--removed", NULL};
    char ready[400], out[400], script[1600];
    REQUIRE(vcard_fresh(other) == 0);
    snprintf(ready, sizeof ready, "%s/nmn-ready.json", kt.workdir);
    snprintf(out, sizeof out, "%s/nmn.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:card_idle;waittext:読み取りが 終わるまで;layout:%s;"
             "waittext:マイナンバーカードでは ありません;layout:%s",
             ready, out);
    REQUIRE(kiosk_then_place("nmn", script, ready) == 0);
    char *j = kiosktest_slurp_text(out);
    REQUIRE(j);
    CHECK(strstr(j, "このカードは 使えません") != NULL);
    free(j);
}

/* A slow card: the progress line appears after 1 s (not before), and a read that takes
 * longer than 10 s gets its own message. */
static void t_slow_then_timeout(void)
{
    static const char *const slow[] = {"--apdu-delay-ms", "1500", "--removed", NULL};
    char ready[400], early[400], prog[400], out[400], script[2400];
    REQUIRE(vcard_fresh(slow) == 0);
    snprintf(ready, sizeof ready, "%s/slow-ready.json", kt.workdir);
    snprintf(early, sizeof early, "%s/slow-early.json", kt.workdir);
    snprintf(prog, sizeof prog, "%s/slow-progress.json", kt.workdir);
    snprintf(out, sizeof out, "%s/slow-timeout.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:card_idle;waittext:読み取りが 終わるまで;layout:%s;wait:card_reading;"
             "layout:%s;waittext:読んでいます… 1 秒;layout:%s;waittext:10 秒 たちました;"
             "layout:%s",
             ready, early, prog, out);
    double t0 = cardenv_now_ms();
    REQUIRE(kiosk_then_place("slow", script, ready) == 0);
    printf("slow card: timeout message after %.1f s (from the kiosk's start)\n",
           (cardenv_now_ms() - t0) / 1000);
    char *j = kiosktest_slurp_text(early);
    REQUIRE(j);
    CHECK(strstr(j, "カードを 読んでいます") != NULL);
    CHECK(strstr(j, "読んでいます…") == NULL); /* no progress line before 1 s */
    free(j);
    j = kiosktest_slurp_text(prog);
    REQUIRE(j);
    CHECK(strstr(j, "読んでいます… 1 秒") != NULL);
    free(j);
    j = kiosktest_slurp_text(out);
    REQUIRE(j);
    CHECK(strstr(j, "読み取れません") != NULL); /* its own words, not the generic error */
    CHECK(strstr(j, "読めませんでした") == NULL);
    CHECK(strstr(j, "\"pin_1\"") == NULL);
    free(j);
    cardenv_vcard_stop(&kt.env);
}

/* Home tablet: a screen with the resident's own data asks for the card first (step-up,
 * min_tries 1), then opens; Back closes it and the hub session ends. */
static void t_home_step_up(void)
{
    char out[4096], home_tok[128], ready[400], in[400], after[400], script[1600];
    char *dev[] = {(char *)kt.hubctl, "--db", kt.dbpath, "device-add", "--kind", "home",
                   "--resident",      "1",    NULL};
    REQUIRE(kiosktest_run(dev, out, sizeof out) == 0);
    REQUIRE(kiosktest_value_of(out, "token=", home_tok, sizeof home_tok) == 0);
    static const char *const removed[] = {"--removed", NULL};
    REQUIRE(vcard_fresh(removed) == 0);
    int before = kiosktest_audited(&kt, "auth.logout");
    snprintf(ready, sizeof ready, "%s/stepup-ready.json", kt.workdir);
    snprintf(in, sizeof in, "%s/stepup-in.json", kt.workdir);
    snprintf(after, sizeof after, "%s/stepup-after.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:home;goto:priv_menu;wait:card_stepup;waittext:確認のため;sleep:1500;"
             "layout:%s;wait:card_pin;waittext:あと 3 回;tap:pin_1;tap:pin_2;tap:pin_3;"
             "tap:pin_4;tap:pin_ok;wait:priv_menu;layout:%s;tap:nav_back;wait:home;layout:%s",
             ready, in, after);
    pid_t pid = kiosk_start_as(script, "stepup", "profile=home", home_tok, "card_reader=yes");
    int got = wait_file(ready, 15000);
    if (got == 0)
        cardenv_vcard_insert(&kt.env);
    REQUIRE(kiosktest_kiosk_wait(&kt, pid, "stepup") == 0);
    REQUIRE(got == 0);
    char *j = kiosktest_slurp_text(ready);
    REQUIRE(j);
    CHECK(strstr(j, "マイナンバーカード") != NULL);
    free(j);
    j = kiosktest_slurp_text(in);
    REQUIRE(j);
    CHECK(strstr(j, "priv_menu") != NULL);
    free(j);
    CHECK(hub_session_ended(before + 1) == 0);
}

/* No PC/SC service at all, then pcscd without the vpcd reader: the waiting screen says
 * the reader cannot be used; when the reader comes back it asks for the card again. Runs
 * last (it restarts pcscd). */
static void t_no_reader(void)
{
    char nosvc[400], late[400], back[400], script[2000];
    cardenv_vcard_stop(&kt.env);
    cardenv_pcscd_stop(&kt.env);
    snprintf(nosvc, sizeof nosvc, "%s/noreader-1.json", kt.workdir);
    snprintf(late, sizeof late, "%s/noreader-2.json", kt.workdir);
    snprintf(back, sizeof back, "%s/noreader-back.json", kt.workdir);
    snprintf(script, sizeof script,
             "wait:card_idle;waittext:カードリーダーが 使えません;sleep:1500;layout:%s;"
             "sleep:3000;waittext:カードリーダーが 使えません;layout:%s;"
             "waittext:読み取りが 終わるまで;layout:%s",
             nosvc, late, back);
    pid_t pid = kiosk_start(script, "noreader");
    int got = wait_file(nosvc, 15000);
    /* pcscd comes, but without any reader */
    CHECK(cardenv_pcscd_start(&kt.env, 0) == 0);
    got |= wait_file(late, 15000);
    /* the reader returns: pcscd restarted with the vpcd reader */
    cardenv_pcscd_stop(&kt.env);
    CHECK(cardenv_pcscd_start(&kt.env, 1) == 0);
    REQUIRE(kiosktest_kiosk_wait(&kt, pid, "noreader") == 0);
    REQUIRE(got == 0);
    char *j = kiosktest_slurp_text(nosvc);
    REQUIRE(j);
    CHECK(strstr(j, "カードリーダーが 使えません") != NULL);
    free(j);
    j = kiosktest_slurp_text(late);
    REQUIRE(j);
    CHECK(strstr(j, "カードリーダーが 使えません") != NULL);
    CHECK(strstr(j, "係の 人") != NULL);
    free(j);
    j = kiosktest_slurp_text(back);
    REQUIRE(j);
    CHECK(strstr(j, "使えません") == NULL);
    free(j);
}

/* --- end card --- */

int main(int argc, char **argv)
{
    int rc = kiosktest_begin(&kt, "card_kiosk_e2e", argc, argv, NULL, NULL);
    if (rc == 0) {
        TEST_RUN(t_wrong_pin_then_login_then_pull);
        /* --- card --- */
        TEST_RUN(t_end_with_card_left);
        TEST_RUN(t_last_try_refused);
        TEST_RUN(t_blocked);
        TEST_RUN(t_not_mynumber);
        TEST_RUN(t_slow_then_timeout);
        TEST_RUN(t_home_step_up);
        TEST_RUN(t_no_reader);
        rc = test_summary();
    }
    return kiosktest_end(&kt, rc);
}
