/*
 * test_hub_notify.c: alert notifications by mail and messaging webhook through the real
 * hubctl and hubd (docs/notify.md), on both backends (tests/pg runs it again on a private
 * PostgreSQL server): recipients registered with their settings, refused in words when
 * they are wrong; a help press reaches a real SMTP server with STARTTLS (aiosmtpd, test
 * certificate) as one plain Japanese mail per recipient with nothing beyond the consent,
 * and a messaging webhook signed the Standard Webhooks way, once each across a kill -9 of
 * the hub; unacknowledged, the next in escalation order is told at the hub's clock (a
 * failing webhook is retried meanwhile), then staff; an acknowledgement stops the rest;
 * the tablet reads who has been told and who has seen it.
 */
#include "hubtest.h"
#include "test.h"

#include "b64.h"
#include "whsig.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct hubtest T;
static char home[128], fam[128], fam2[128], staff[128], secret[128], box[256], hubargs[1024];
static unsigned smtp_port, http_port;
static pid_t sink = -1;

#define DAY0 1795359600 /* 2026-11-23 00:00 JST */

static void t_recipients(void)
{
    char id[32], sec[128];
    CHECK_INT_EQ(ht_ctl(&T, "recipient_id", id, sizeof id,
                        "notify-set --family 1 --mail taro@example.jp --quiet 21:00-07:00"
                        " --mode unwell=day --mode missed=off"),
                 0);
    CHECK_STR_EQ(id, "1");
    /* A webhook without a sec gets a generated one, printed once. */
    CHECK_INT_EQ(ht_ctl(&T, "webhook_secret", sec, sizeof sec,
                        "notify-set --family 1 --webhook http://127.0.0.1:9/hook"),
                 0);
    CHECK(strncmp(sec, "whsec_", 6) == 0);
    CHECK_INT_EQ(ht_ctl(&T, "recipient_id", id, sizeof id,
                        "notify-set --staff 1 --mail mimamori@city.example.jp --rank 5"),
                 0);
    CHECK(strcmp(id, "1") != 0 && strtol(id, NULL, 10) > 0); /* identities may have gaps */
    /* Wrong settings are refused in words and change nothing. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mail 'a b@example.jp'"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mail 'x@y.jp>\r\nBcc: z@w.jp'"),
                 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --quiet 25:00-07:00"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mode help=sometimes"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --webhook ftp://x/ --sec s"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 99 --mail a@b.jp"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --staff 1 --mail a@b.jp"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients WHERE mail ="
                                " 'taro@example.jp' AND quiet_start_min = 1260 AND"
                                " quiet_end_min = 420 AND webhook_url IS NOT NULL"),
                 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_prefs WHERE recipient_id = 1"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action ="
                                " 'notify.recipient_set'"),
                 3);
    /* Removing the webhook keeps the mail. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --webhook ''"), 0);
    CHECK_INT_EQ(
        ht_sql_int(
            &T,
            "SELECT COUNT(*) FROM notify_recipients WHERE actor_kind ="
            " 'family' AND webhook_url IS NULL AND webhook_secret IS NULL AND mail IS NOT NULL"),
        1);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-list"), 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-pending"), 0);
}

/* Files named prefix-N.* in the sink's folder. */
static int count(const char *prefix)
{
    DIR *d = opendir(box);
    int n = 0;
    size_t pl = strlen(prefix);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, pl) == 0 && !strstr(e->d_name, ".tmp");
    if (d)
        closedir(d);
    return n;
}

/* Waits (at most 15 s) until the sink holds want files of prefix; returns the count. */
static int wait_for(const char *prefix, int want)
{
    for (int i = 0; i < 300 && count(prefix) < want; i++)
        usleep(50 * 1000);
    return count(prefix);
}

/* The owned text of the file at path (at most 4 MiB), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    const size_t cap = 4u << 20;
    char *buf = calloc(1, cap + 1);
    if (buf)
        (void)!fread(buf, 1, cap, f);
    fclose(f);
    return buf;
}

/* The owned text of the sink's file NAME, or NULL. */
static char *file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", box, name);
    return slurp(path);
}

/* The decoded UTF-8 body of a mail (base64 after the blank line), owned. */
static char *mail_body(const char *eml)
{
    const char *b = strstr(eml, "\r\n\r\n");
    char *packed = calloc(1, 65536), *out = calloc(1, 65536);
    size_t k = 0;
    for (const char *p = b ? b + 4 : ""; *p && k < 65535; p++)
        if (*p != '\r' && *p != '\n')
            packed[k++] = *p;
    long n = b64_decode(packed, k, (unsigned char *)out, 65535);
    free(packed);
    if (n < 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int start_hub(void)
{
    return ht_start(&T, hubargs);
}

static void t_help_mail_and_webhook(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home, NULL, "{}", &j), 201);
    cJSON_Delete(j);
    /* family 1: mail + webhook at once; nobody else yet (escalation order). */
    CHECK_INT_EQ(wait_for("mail-", 1), 1);
    CHECK_INT_EQ(wait_for("hook-", 1), 1);
    usleep(300 * 1000);
    CHECK_INT_EQ(count("mail-"), 1);
    char *eml = file("mail-1.eml");
    REQUIRE(eml);
    CHECK(strstr(eml, "X-Envelope-To: taro@example.jp") != NULL);
    CHECK(strstr(eml, "\r\nSubject: =?UTF-8?B?") != NULL);
    CHECK(strstr(eml, "\r\nDate: Mon, 23 Nov 2026 08:00:00 +0900\r\n") != NULL);
    CHECK(strstr(eml, "\r\nMessage-ID: <ntf-") != NULL);
    CHECK(strstr(eml, "\r\nFrom: <hub@town.example>\r\n") != NULL);
    CHECK(strstr(eml, "Content-Type: text/plain; charset=UTF-8") != NULL);
    char *body = mail_body(eml);
    REQUIRE(body);
    CHECK(strstr(body, "山田 太郎 様") != NULL);
    CHECK(strstr(body, "山田 花子さんが 「助けて」を 押しました。") != NULL);
    CHECK(strstr(body, "2026年11月23日 8時00分") != NULL);
    CHECK(strstr(body, "確認コード: ") != NULL);
    CHECK(strstr(body, "https://town.example/ack?code=") != NULL);
    /* Nothing beyond the consent (safety, watch_over): no district, no address. */
    CHECK(strstr(body, "north-3") == NULL);
    CHECK(strstr(body, "北町") == NULL);
    free(body);
    free(eml);
    /* The webhook: signed as the operators' are, with a minimal body. */
    char *hook = file("hook-1.txt");
    REQUIRE(hook);
    char id[80] = "", ts[32] = "", sig[120] = "";
    const char *p = strstr(hook, "webhook-id: ");
    CHECK(p && sscanf(p, "webhook-id: %79s", id) == 1);
    p = strstr(hook, "webhook-timestamp: ");
    CHECK(p && sscanf(p, "webhook-timestamp: %31s", ts) == 1);
    p = strstr(hook, "webhook-signature: ");
    CHECK(p && sscanf(p, "webhook-signature: %119s", sig) == 1);
    const char *b = strstr(hook, "\n\n");
    REQUIRE(b);
    b += 2;
    CHECK_INT_EQ(whsig_verify(secret, id, ts, sig, b, strlen(b), strtoll(ts, NULL, 10), 0),
                 WHSIG_OK);
    CHECK_INT_EQ(whsig_verify(secret, id, ts, sig, "{}", 2, strtoll(ts, NULL, 10), 0),
                 WHSIG_MISMATCH);
    cJSON *w = cJSON_Parse(b);
    CHECK_STR_EQ(cJSON_GetObjectItem(w, "type")->valuestring, "alert.help");
    CHECK(cJSON_GetObjectItem(w, "resident") == NULL);
    cJSON_Delete(w);
    free(hook);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action IN ('notify.mail',"
                                " 'notify.webhook') AND outcome = 'ok'"),
                 2);
}

/* Waits (at most 15 s) until the first column of sql is want; returns the last value. */
static long long wait_sql(const char *sql, long long want)
{
    long long v = -1;
    for (int i = 0; i < 300 && (v = ht_sql_int(&T, sql)) != want; i++)
        usleep(50 * 1000);
    return v;
}

static void t_once_across_kill(void)
{
    /* The SMTP server refuses for now (451): the mail of the next press stays pending. */
    char hold[300];
    snprintf(hold, sizeof hold, "%s/hold", box);
    FILE *f = fopen(hold, "w");
    REQUIRE(f);
    fclose(f);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home, NULL, "{}", &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE channel = 'mail' AND"
                          " state = 'pending' AND attempts = 1",
                          1),
                 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'notify.mail' AND"
                                " outcome LIKE 'failed, retry: smtp:%'"),
                 1);
    /* (its webhook went through: nothing is in flight when the hub is killed) */
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE channel = 'webhook' AND"
                          " state = 'sent'",
                          2),
                 2);
    kill(T.pid, SIGKILL);
    waitpid(T.pid, NULL, 0);
    T.pid = 0;
    unlink(hold);
    /* Restarted, past the retry's back-off (at most 30 s): sent once. */
    ht_set_clock(&T, DAY0 + 8 * 3600 + 31);
    REQUIRE(start_hub() == 0);
    CHECK_INT_EQ(wait_for("mail-", 2), 2);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'", 4), 4);
    /* Killed again once everything is sent: nothing is sent twice. */
    kill(T.pid, SIGKILL);
    waitpid(T.pid, NULL, 0);
    T.pid = 0;
    ht_set_clock(&T, DAY0 + 8 * 3600 + 90); /* any claim's lease has run out */
    REQUIRE(start_hub() == 0);
    usleep(800 * 1000);
    CHECK_INT_EQ(count("mail-"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'"), 4);
}

static void t_escalation_and_ack(void)
{
    /* 10 min later nobody has acknowledged: the second family member is told (both
     * presses); their webhook fails and is retried. */
    ht_set_clock(&T, DAY0 + 8 * 3600 + 601);
    CHECK_INT_EQ(wait_for("mail-", 4), 4);
    CHECK(wait_for("hook-", 4) >= 4);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE channel = 'webhook'"
                          " AND state = 'pending' AND attempts = 1",
                          2),
                 2);
    int hooks = count("hook-");
    ht_set_clock(&T, DAY0 + 8 * 3600 + 601 + 31);
    CHECK(wait_for("hook-", hooks + 2) >= hooks + 2);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM audit WHERE action = 'notify.webhook'"
                          " AND outcome LIKE 'failed, retry:%'",
                          4),
                 4);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs m JOIN notify_recipients r"
                                " ON r.id = m.recipient_id WHERE r.actor_kind = 'staff'"),
                 0);
    /* The first family member acknowledges the newer press: its retries stop. */
    long long alert = ht_sql_int(&T, "SELECT MAX(alert_id) FROM notify_msgs m JOIN"
                                     " notify_recipients r ON r.id = m.recipient_id WHERE"
                                     " r.actor_kind = 'family' AND m.step = 0");
    char path[64];
    snprintf(path, sizeof path, "/v1/alerts/%lld/ack", alert);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    /* 20 min: staff are told of the older press only. */
    ht_set_clock(&T, DAY0 + 8 * 3600 + 1201);
    CHECK_INT_EQ(wait_for("mail-", 5), 5);
    usleep(500 * 1000);
    CHECK_INT_EQ(count("mail-"), 5);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs WHERE state = 'cancelled'"), 1);
    char *eml = file("mail-5.eml"), *body = eml ? mail_body(eml) : NULL;
    REQUIRE(body);
    CHECK(strstr(eml, "X-Envelope-To: mimamori@city.example.jp") != NULL);
    CHECK(strstr(body, "地区: north-3") != NULL); /* staff read the district anyway */
    free(body);
    free(eml);
    /* The tablet: who has been told of each press and who has seen it. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/help", home, NULL, NULL, &j), 200);
    const cJSON *newest = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "presses"), 0);
    const cJSON *told = cJSON_GetObjectItem(newest, "told");
    CHECK(cJSON_GetArraySize(told) >= 3);
    int seen = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, told)
    {
        const cJSON *rc = cJSON_GetObjectItem(t, "recipient");
        if (cJSON_IsTrue(cJSON_GetObjectItem(t, "seen"))) {
            seen++;
            CHECK_STR_EQ(cJSON_GetObjectItem(rc, "display_name")->valuestring, "山田 太郎");
        }
    }
    CHECK(seen >= 1);
    cJSON_Delete(j);
}

/* The acknowledgement code in a mail's body into code (cap ≥ 20); 0, or -1. */
static int code_of(const char *eml, char *code, size_t cap)
{
    char *body = mail_body(eml);
    const char *p = body ? strstr(body, "確認コード: ") : NULL;
    int rc =
        p && sscanf(p + strlen("確認コード: "), "%19s", code) == 1 && strlen(code) < cap ? 0 : -1;
    free(body);
    return rc;
}

static void t_quiet_hours_and_code(void)
{
    const time_t night = DAY0 + 23 * 3600;
    ht_set_clock(&T, night);
    int mails = count("mail-");
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home, NULL, "{\"answer\":\"genkinai\"}", &j),
                 201);
    cJSON_Delete(j);
    /* 元気がない at 23:00: the first family member's quiet hours (21:00-07:00, mode day)
     * hold it until 07:00; nobody is told now. */
    usleep(800 * 1000);
    CHECK_INT_EQ(count("mail-"), mails);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM notify_msgs m JOIN alerts a ON a.id = m.alert_id WHERE"
             " a.kind = 'unwell' AND m.state = 'pending' AND m.due_unix = %lld",
             (long long)(DAY0 + 86400 + 7 * 3600));
    CHECK_INT_EQ(wait_sql(sql, 2), 2); /* mail and webhook */
    /* 10 min on, the second member (no quiet hours) is told; never staff (a family-level
     * alert). */
    ht_set_clock(&T, night + 601);
    CHECK_INT_EQ(wait_for("mail-", mails + 1), mails + 1);
    char name[32], code[32];
    snprintf(name, sizeof name, "mail-%d.eml", mails + 1);
    char *eml = file(name);
    REQUIRE(eml);
    CHECK(strstr(eml, "X-Envelope-To: jiro@example.jp") != NULL);
    REQUIRE(code_of(eml, code, sizeof code) == 0);
    free(eml);
    /* They acknowledge with the code of the mail, without a token. */
    char body[96];
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/notify/ack", NULL, NULL, body, &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    CHECK(cJSON_GetObjectItem(j, "alert") == NULL); /* a code alone releases nothing */
    cJSON_Delete(j);
    CHECK_INT_EQ(
        ht_json(&T, "POST", "/v1/notify/ack", NULL, NULL, "{\"code\":\"AAAA-AAAA-AAAA-AAAA\"}", &j),
        404);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/notify/ack", NULL, NULL, "{\"code\":\"x\"}", &j), 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE kind = 'unwell' AND"
                                " ack_by = 'family:2'"),
                 1);
    /* 07:00: what the quiet hours held is not sent any more; retries stopped. */
    ht_set_clock(&T, DAY0 + 86400 + 7 * 3600 + 1);
    usleep(800 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 1);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs m JOIN alerts a ON a.id ="
                          " m.alert_id WHERE a.kind = 'unwell' AND m.state = 'cancelled'",
                          3),
                 3); /* the held mail and webhook, and the second member's failing webhook */
}

static void t_family_settings_and_test(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "PUT", "/v1/notify/settings", fam2, NULL,
                         "{\"lang\":\"en\",\"quiet_hours\":{\"start\":\"22:00\",\"end\":"
                         "\"06:30\"},\"modes\":{\"unwell\":\"off\"}}",
                         &j),
                 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "lang")->valuestring, "en");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "quiet_hours"), "end")->valuestring,
                 "06:30");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "modes"), "unwell")->valuestring,
                 "off");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "modes"), "help")->valuestring,
                 "always");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "webhook")));
    cJSON_Delete(j);
    /* Refused in words, nothing kept; a webhook is not theirs to set. */
    CHECK_INT_EQ(ht_json(&T, "PUT", "/v1/notify/settings", fam2, NULL,
                         "{\"lang\":\"ja\",\"modes\":{\"help\":\"never\"}}", &j),
                 422);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "PUT", "/v1/notify/settings", fam2, NULL,
                         "{\"mail\":\"no spaces@example.jp\"}", &j),
                 422);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "PUT", "/v1/notify/settings", fam2, NULL,
                         "{\"webhook\":\"http://127.0.0.1:1/x\"}", &j),
                 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "PUT", "/v1/notify/settings", staff, NULL, "{\"lang\":\"en\"}", &j),
                 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/notify/settings", fam2, NULL, NULL, &j), 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "lang")->valuestring, "en");
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "mail")->valuestring, "jiro@example.jp");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/notify/settings", home, NULL, NULL, &j), 403);
    cJSON_Delete(j);
    /* hubctl notify-test: a mail in English to the second member now. */
    int mails = count("mail-");
    char cmd[512], out[16];
    snprintf(cmd, sizeof cmd,
             "notify-test --family 2 --smtp-url smtp://127.0.0.1:%u --smtp-from hub@town.example"
             " --smtp-ca %s/smtp.pem",
             smtp_port, T.dir);
    CHECK_INT_EQ(ht_ctl(&T, "test", out, sizeof out, cmd), 1); /* its webhook answers 500 */
    CHECK_INT_EQ(wait_for("mail-", mails + 1), mails + 1);
    char name[32];
    snprintf(name, sizeof name, "mail-%d.eml", mails + 1);
    char *eml = file(name), *body = eml ? mail_body(eml) : NULL;
    REQUIRE(body);
    CHECK(strstr(body, "pressed the help button") != NULL);
    free(body);
    free(eml);
}

/* Waits for mail number n (the sink's nth) and checks it went to rcpt and its
 * decoded body holds each of the NULL-terminated words and none of absent. */
static void expect_mail(int n, const char *rcpt, const char *const *words,
                        const char *const *absent)
{
    char name[32], env[128];
    CHECK_INT_EQ(wait_for("mail-", n), n);
    snprintf(name, sizeof name, "mail-%d.eml", n);
    snprintf(env, sizeof env, "X-Envelope-To: %s\r\n", rcpt);
    char *eml = file(name), *body = eml ? mail_body(eml) : NULL;
    REQUIRE(body);
    if (!strstr(eml, env)) {
        fprintf(stderr, "%s is not to %s\n", name, rcpt);
        CHECK(0);
    }
    for (int i = 0; words && words[i]; i++)
        if (!strstr(body, words[i])) {
            fprintf(stderr, "%s lacks \"%s\":\n%s\n", name, words[i], body);
            CHECK(0);
        }
    for (int i = 0; absent && absent[i]; i++)
        if (strstr(body, absent[i])) {
            fprintf(stderr, "%s holds \"%s\"\n", name, absent[i]);
            CHECK(0);
        }
    free(body);
    free(eml);
}

/* Runs the hub's escalation pass (missed check-ins, safety checks past due) at the test
 * clock; the number of alerts raised. */
static int escalate(void)
{
    char n[16] = "";
    return ht_ctl(&T, "alerts_raised", n, sizeof n, "escalate") == 0 ? (int)strtol(n, NULL, 10)
                                                                     : -1;
}

static const char *const FAMILY_NOT[] = {"north-3", "北町", "地区", NULL};

/* A missed check-in goes through the same queue: the first family member turned it off
 * (--mode missed=off) and is never told; the second is told at once, in English; staff
 * once the city-level alert is raised after the escalation window, with the district. */
static void t_missed_checkin(void)
{
    const time_t day = DAY0 + 86400; /* 2026-11-24 JST: no check-in yet */
    int mails = count("mail-");
    ht_set_clock(&T, day + 10 * 3600 + 1);
    CHECK_INT_EQ(escalate(), 1); /* the family level at the 10:00 deadline */
    static const char *const en[] = {"山田 花子 has not checked in today.",
                                     "Call them and check that they are all right.", NULL};
    expect_mail(mails + 1, "jiro@example.jp", en, FAMILY_NOT);
    usleep(600 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs m JOIN alerts a ON a.id ="
                                " m.alert_id WHERE a.kind = 'missed' AND m.recipient_id = 1"),
                 0);
    /* 12:00: the window (120 min) has passed; the city-level alert tells staff. */
    ht_set_clock(&T, day + 12 * 3600 + 1);
    CHECK_INT_EQ(escalate(), 1);
    static const char *const ja[] = {"山田 花子さんから きょうの 「元気です」が まだ ありません。",
                                     "電話をして、ようすを 確かめてください。", "地区: north-3",
                                     "2026年11月24日 12時00分", NULL};
    expect_mail(mails + 2, "mimamori@city.example.jp", ja, NULL);
    usleep(600 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'notify.mail' AND"
                                " outcome = 'ok' AND request_id IN (SELECT 'notification:' ||"
                                " m.id FROM notify_msgs m JOIN alerts a ON a.id = m.alert_id"
                                " WHERE a.kind = 'missed')"),
                 2);
}

/* The safety check's alerts: 「助けがいる」 (mode always) reaches the first family member
 * at once even in their quiet hours, and their code stops the rest; no answer (mode day
 * for them) is held until their quiet hours end while the second member (always) and then
 * staff are told at the escalation times. */
static void t_safety_kinds(void)
{
    const time_t night = DAY0 + 86400 + 23 * 3600; /* 2026-11-24 23:00 JST */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mode safety_no_answer=day"), 0);
    ht_set_clock(&T, night);
    static const char check[] = "{\"title_ja\":\"地震の あとの 安否確認\",\"whole_town\":true,"
                                "\"answer_within_min\":30}";
    char *resp = NULL;
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/safety-checks", staff, NULL, "chk-a", check, strlen(check), &resp),
        201);
    free(resp);
    long long a = ht_sql_int(&T, "SELECT MAX(id) FROM safety_checks");
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/safety-checks", staff, NULL, "chk-b", check, strlen(check), &resp),
        201);
    free(resp);
    int mails = count("mail-");
    char path[64];
    snprintf(path, sizeof path, "/v1/safety/%lld/answer", a);
    static const char need[] = "{\"answer\":\"need_help\"}";
    CHECK_INT_EQ(ht_req(&T, "POST", path, home, NULL, "ans-a", need, strlen(need), &resp), 201);
    free(resp);
    static const char *const help[] = {
        "山田 太郎 様", "山田 花子さんが 安否確認に 「助けが いる」と 答えました。",
        "すぐに 連絡するか、ようすを 見に 行ってください。", "2026年11月24日 23時00分", NULL};
    expect_mail(mails + 1, "taro@example.jp", help, FAMILY_NOT);
    char name[32], code[32], body[96];
    snprintf(name, sizeof name, "mail-%d.eml", mails + 1);
    char *eml = file(name);
    REQUIRE(eml && code_of(eml, code, sizeof code) == 0);
    free(eml);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/notify/ack", NULL, NULL, body, &j), 200);
    cJSON_Delete(j);
    /* 23:30: the other check is past due without an answer. */
    ht_set_clock(&T, night + 1800 + 1);
    CHECK_INT_EQ(escalate(), 2); /* safety_no_answer at both levels */
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM notify_msgs m JOIN alerts a ON a.id = m.alert_id WHERE"
             " a.kind = 'safety_no_answer' AND m.recipient_id = 1 AND m.state = 'pending' AND"
             " m.due_unix = %lld",
             (long long)(DAY0 + 2 * 86400 + 7 * 3600));
    CHECK_INT_EQ(wait_sql(sql, 2), 2); /* held: mail and webhook */
    usleep(600 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 1);
    /* 23:40: the second member, told at night (their mode for it is always). */
    ht_set_clock(&T, night + 2400 + 1);
    static const char *const en[] = {"山田 花子 has not answered the safety check.",
                                     "Contact them and check that they are safe.", NULL};
    expect_mail(mails + 2, "jiro@example.jp", en, FAMILY_NOT);
    /* 23:50: staff, with the district; the acknowledged 「助けがいる」 goes no further. */
    ht_set_clock(&T, night + 3000 + 1);
    static const char *const staff_words[] = {"山田 花子さんが 安否確認に まだ 答えていません。",
                                              "連絡して、無事か どうか 確かめてください。",
                                              "地区: north-3", NULL};
    expect_mail(mails + 3, "mimamori@city.example.jp", staff_words, NULL);
    usleep(600 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs m JOIN alerts a ON a.id ="
                                " m.alert_id WHERE a.kind = 'safety_help'"),
                 2); /* the first member's mail and webhook only */
    /* 07:00: the first member's quiet hours end; the held mail goes. */
    ht_set_clock(&T, DAY0 + 2 * 86400 + 7 * 3600 + 1);
    static const char *const held[] = {"山田 太郎 様",
                                       "山田 花子さんが 安否確認に まだ 答えていません。",
                                       "2026年11月24日 23時30分", NULL};
    expect_mail(mails + 4, "taro@example.jp", held, FAMILY_NOT);
    usleep(600 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 4);
}

/* Creates (on) or removes the sink's switch file name (hold, slow). */
static void sink_switch(const char *name, int on)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", box, name);
    FILE *f = on ? fopen(path, "w") : NULL;
    if (f)
        fclose(f);
    else if (!on)
        unlink(path);
}

/* A hub stopped (SIGTERM) while it sends a batch to a slow SMTP server finishes and records
 * the message in flight, gives the rest of the batch back and leaves at once (long before
 * the service manager's 30 s stop timeout would kill it between a 250 and the mark);
 * restarted at the same clock, it sends the rest now (no lease to wait out), each once. */
static void t_graceful_stop(void)
{
    sink_switch("hold", 1);
    int mails = count("mail-");
    long long sent0 = ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'");
    cJSON *j = NULL;
    for (int i = 0; i < 4; i++) {
        CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home, NULL, "{}", &j), 201);
        cJSON_Delete(j);
    }
    static const char waiting[] = "SELECT COUNT(*) FROM notify_msgs WHERE channel = 'mail'"
                                  " AND state = 'pending' AND attempts = 1";
    CHECK_INT_EQ(wait_sql(waiting, 4), 4); /* refused once (451), a retry in 30 s */
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'", sent0 + 4),
                 sent0 + 4); /* their webhooks */
    sink_switch("hold", 0);
    sink_switch("slow", 1);
    ht_set_clock(&T, DAY0 + 2 * 86400 + 7 * 3600 + 40);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE channel = 'mail' AND"
                          " state = 'pending' AND lease_until > 0",
                          4),
                 4); /* one batch, the first mail in flight */
    usleep(300 * 1000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_INT_EQ(ht_stop(&T), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "stopped in %.1f s\n", took);
    CHECK(took < 5.0); /* one 2 s exchange, not four */
    int got = count("mail-") - mails;
    CHECK(got >= 1 && got <= 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'"),
                 sent0 + 4 + got); /* the webhooks, and every mail received is marked */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs WHERE channel = 'mail' AND"
                                " state = 'pending' AND lease_until = 0"),
                 4 - got);
    sink_switch("slow", 0);
    REQUIRE(start_hub() == 0);
    CHECK_INT_EQ(wait_for("mail-", mails + 4), mails + 4);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'", sent0 + 8),
                 sent0 + 8);
    usleep(500 * 1000);
    CHECK_INT_EQ(count("mail-"), mails + 4);
}

/* A second town with its own resident, family member and recipient, told of a help press;
 * then the first town's export holds its own notification tables and nothing of the second
 * town's (nor a webhook secret or an acknowledgement code) and verifies; the second town's
 * removal deletes its recipients, preferences and queue rows and keeps the first's. */
static void t_town_export_and_remove(void)
{
    char cmd[512], out[160], home2[128], sec2[128], code[32], fam2id[16], res2[16];
    cJSON *j = NULL;
    /* the first town's */
    const long long rcpts1 = ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients");
    const long long msgs1 = ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs");
    const long long prefs1 = ht_sql_int(&T, "SELECT COUNT(*) FROM notify_prefs");
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 142034 --name 平塚市") == 0);
    REQUIRE(ht_ctl(&T, "resident_id", res2, sizeof res2,
                   "resident-add --municipality 142034 --name '高橋 ハル' --district minami-9"
                   " --deadline 10:00") == 0);
    snprintf(cmd, sizeof cmd, "device-add --municipality 142034 --kind home --resident %s", res2);
    REQUIRE(ht_ctl(&T, "token", home2, sizeof home2, cmd) == 0);
    snprintf(cmd, sizeof cmd, "family-add --municipality 142034 --name '高橋 夏子' --resident %s",
             res2);
    REQUIRE(ht_ctl(&T, "family_id", fam2id, sizeof fam2id, cmd) == 0);
    snprintf(cmd, sizeof cmd,
             "notify-set --municipality 142034 --family %s --mail natsuko@hiratsuka.example"
             " --mode unwell=off --webhook http://127.0.0.1:%u/hook/town2",
             fam2id, http_port);
    REQUIRE(ht_ctl(&T, "webhook_secret", sec2, sizeof sec2, cmd) == 0);
    int mails = count("mail-");
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/help", home2, NULL, "{}", &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(wait_for("mail-", mails + 1), mails + 1);
    char name[32];
    snprintf(name, sizeof name, "mail-%d.eml", mails + 1);
    char *eml = file(name);
    REQUIRE(eml);
    CHECK(strstr(eml, "X-Envelope-To: natsuko@hiratsuka.example") != NULL);
    REQUIRE(code_of(eml, code, sizeof code) == 0);
    free(eml);
    CHECK_INT_EQ(wait_sql("SELECT COUNT(*) FROM notify_msgs WHERE state = 'sent'"
                          " AND resident_id IN (SELECT id FROM residents WHERE display_name ="
                          " '高橋 ハル')",
                          2),
                 2);
    /* The first town's export. */
    char file1[256], file2[256];
    snprintf(file1, sizeof file1, "%s/town1.jsonl", T.dir);
    snprintf(file2, sizeof file2, "%s/town2.jsonl", T.dir);
    snprintf(cmd, sizeof cmd, "municipality-export --municipality 1 --out %s --key %s", file1,
             T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, cmd), 0);
    snprintf(cmd, sizeof cmd, "municipality-export --municipality 142034 --out %s --key %s", file2,
             T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, cmd), 0);
    snprintf(cmd, sizeof cmd, "export-verify --file %s", file1);
    CHECK_INT_EQ(ht_ctl(&T, "verify", out, sizeof out, cmd), 0);
    CHECK_STR_EQ(out, "OK");
    char *a = slurp(file1), *b = slurp(file2);
    REQUIRE(a && b);
    static const char *const mine[] = {"\"table\":\"notify_recipients\"",
                                       "\"table\":\"notify_prefs\"",
                                       "\"table\":\"notify_msgs\"",
                                       "\"mail\":\"taro@example.jp\"",
                                       "\"mail\":\"jiro@example.jp\"",
                                       "\"mail\":\"mimamori@city.example.jp\"",
                                       "\"mode\":\"day\"",
                                       "\"action\":\"notify.mail\"",
                                       NULL};
    for (int i = 0; mine[i]; i++)
        if (!strstr(a, mine[i])) {
            fprintf(stderr, "the first town's export lacks %s\n", mine[i]);
            CHECK(0);
        }
    char code1[32] = "";
    eml = file("mail-1.eml");
    REQUIRE(eml && code_of(eml, code1, sizeof code1) == 0);
    free(eml);
    const char *others[] = {"natsuko@", "/hook/town2", "高橋", "whsec_",   secret,
                            sec2,       code,          code1,  "ack_code", NULL};
    for (int i = 0; others[i]; i++)
        if (strstr(a, others[i])) {
            fprintf(stderr, "the first town's export holds %s\n", others[i]);
            CHECK(0);
        }
    /* Every notification row of the first town is in it, one line each. */
    int lines = 0;
    for (const char *p = a; (p = strstr(p, "{\"table\":\"notify_msgs\"")); p++)
        lines++;
    CHECK_INT_EQ(lines, msgs1);
    /* The second town's export holds its own and nothing of the first's. */
    CHECK(strstr(b, "\"mail\":\"natsuko@hiratsuka.example\"") != NULL);
    CHECK(strstr(b, "\"table\":\"notify_msgs\"") != NULL);
    CHECK(strstr(b, "taro@example.jp") == NULL && strstr(b, "mimamori@") == NULL);
    CHECK(strstr(b, sec2) == NULL && strstr(b, code) == NULL);
    free(a);
    free(b);
    /* The second town leaves: its notification rows go, the first town's stay. */
    CHECK_INT_EQ(
        ht_ctl(&T, NULL, NULL, 0, "municipality-remove --municipality 142034 --confirm 142034"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients"), rcpts1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_prefs"), prefs1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_msgs"), msgs1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients WHERE mail ="
                                " 'natsuko@hiratsuka.example'"),
                 0);
    snprintf(cmd, sizeof cmd, "export-verify --file %s", file2);
    CHECK_INT_EQ(ht_ctl(&T, "verify", out, sizeof out, cmd), 0);
    CHECK_STR_EQ(out, "OK");
}

int main(void)
{
    if (ht_init(&T, DAY0 + 8 * 3600) != 0)
        return 1;
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name '山田 花子' --district north-3 --deadline 10:00") == 0;
    ok = ok && ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0;
    ok = ok &&
         ht_ctl(&T, "token", fam, sizeof fam, "family-add --name '山田 太郎' --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 見守り係") == 0;
    if (!ok) {
        fprintf(stderr, "cannot enrol the test residents\n");
        return 1;
    }
    TEST_RUN(t_recipients);
    /* The receivers: a test certificate for 127.0.0.1 and the sink. */
    char cmd[2048], line[128];
    snprintf(box, sizeof box, "%s/box", T.dir);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
             " -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
             " -keyout %s/smtp.key -out %s/smtp.pem >/dev/null 2>&1",
             box, T.dir, T.dir);
    if (!(system(cmd) == 0)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    snprintf(cmd, sizeof cmd, "exec /usr/bin/python3 %s %s %s/smtp.pem %s/smtp.key", NOTIFYSINK,
             box, T.dir, T.dir);
    sink = ht_spawn(cmd, line, sizeof line);
    if (!(sink > 0 && sscanf(line, "smtp=%u http=%u", &smtp_port, &http_port) == 2)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    /* family 1: mail + a webhook that answers; family 2 (rank after): mail + a failing
     * webhook; staff: mail. */
    if (!(ht_ctl(&T, "token", fam2, sizeof fam2, "family-add --name '山田 次郎' --resident 1") ==
          0)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    snprintf(cmd, sizeof cmd, "notify-set --family 1 --webhook http://127.0.0.1:%u/hook/1",
             http_port);
    if (!(ht_ctl(&T, "webhook_secret", secret, sizeof secret, cmd) == 0)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    snprintf(cmd, sizeof cmd,
             "notify-set --family 2 --mail jiro@example.jp --rank 200"
             " --webhook http://127.0.0.1:%u/hook/2/fail",
             http_port);
    if (!(ht_ctl(&T, NULL, NULL, 0, cmd) == 0)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    snprintf(hubargs, sizeof hubargs,
             "--tick 0 --push-poll-ms 50 --smtp-url smtp://127.0.0.1:%u"
             " --smtp-from hub@town.example --smtp-ca %s/smtp.pem"
             " --notify-ack-url https://town.example/ack --notify-escalate-min 10",
             smtp_port, T.dir);
    if (!(start_hub() == 0)) {
        fprintf(stderr, "cannot set up the receivers\n");
        return 1;
    }
    TEST_RUN(t_help_mail_and_webhook);
    TEST_RUN(t_once_across_kill);
    TEST_RUN(t_escalation_and_ack);
    TEST_RUN(t_quiet_hours_and_code);
    TEST_RUN(t_family_settings_and_test);
    TEST_RUN(t_missed_checkin);
    TEST_RUN(t_safety_kinds);
    TEST_RUN(t_graceful_stop);
    TEST_RUN(t_town_export_and_remove);
    CHECK_INT_EQ(ht_stop(&T), 0);
    kill(sink, SIGTERM);
    waitpid(sink, NULL, 0);
    ht_cleanup(&T);
    return test_summary();
}
