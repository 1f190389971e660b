/*
 * notifymsg.c: the words and forms of an alert notification (see notifymsg.h).
 */
#include "notifymsg.h"
#include "b64.h"
#include "hubclock.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JST (9 * 3600)

/* What happened (after the resident's name) and what to do, per kind and language. */
struct words {
    const char *kind;
    const char *what_ja, *todo_ja, *what_en, *todo_en;
};

static const struct words WORDS[] = {
    {"help", "さんが 「助けて」を 押しました。",
     "すぐに 電話するか、ようすを 見に 行ってください。", "pressed the help button.",
     "Call them now or go and see them."},
    {"missed", "さんから きょうの 「元気です」が まだ ありません。",
     "電話をして、ようすを 確かめてください。", "has not checked in today.",
     "Call them and check that they are all right."},
    {"unwell", "さんが 「元気が ない」と 答えました。", "電話をして、ようすを 聞いてください。",
     "answered that they do not feel well.", "Call them and ask how they are."},
    {"safety_help", "さんが 安否確認に 「助けが いる」と 答えました。",
     "すぐに 連絡するか、ようすを 見に 行ってください。",
     "answered the safety check: they need help.", "Contact them or go and see them now."},
    {"safety_no_answer", "さんが 安否確認に まだ 答えていません。",
     "連絡して、無事か どうか 確かめてください。", "has not answered the safety check.",
     "Contact them and check that they are safe."},
};

static const struct words *words_of(const char *kind)
{
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++)
        if (strcmp(WORDS[i].kind, kind) == 0)
            return &WORDS[i];
    return &WORDS[1]; /* an unknown kind reads as a missed check-in: a call is never wrong */
}

static int en(const struct notifymsg *m)
{
    return m->lang && strcmp(m->lang, "en") == 0;
}

/* The resident as named in the words: the name, or a neutral phrase when none is given. */
static const char *who(const struct notifymsg *m)
{
    return m->resident_name && *m->resident_name ? m->resident_name
           : en(m)                               ? "The person you watch over"
                                                 : "見守りの 方";
}

/* "山田 花子さんが …" / "山田 花子 pressed …" */
static void what_of(const struct notifymsg *m, const struct words *w, char *out, size_t cap)
{
    if (en(m))
        snprintf(out, cap, "%s %s", who(m), w->what_en);
    else
        snprintf(out, cap, "%s%s", who(m), w->what_ja);
}

void notifymsg_subject(const struct notifymsg *m, char *out, size_t cap)
{
    const struct words *w = words_of(m->kind);
    char what[256];
    what_of(m, w, what, sizeof what);
    snprintf(out, cap, en(m) ? "[Watch-over] %s" : "【見守り】%s", what);
}

/* "2026年12月6日 9時14分" / "6 Dec 2026, 09:14 (Japan time)" */
static void when_text(const struct notifymsg *m, char *out, size_t cap)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(m->raised + JST);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (en(m))
        snprintf(out, cap, "%d %s %d, %02d:%02d (Japan time)", tm.tm_mday, mon[tm.tm_mon],
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    else
        snprintf(out, cap, "%d年%d月%d日 %d時%02d分", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min);
}

void notifymsg_text(const struct notifymsg *m, char *out, size_t cap)
{
    const struct words *w = words_of(m->kind);
    char what[256], when[64], link[600] = "", where[300] = "";
    what_of(m, w, what, sizeof what);
    when_text(m, when, sizeof when);
    if (m->ack_url && *m->ack_url)
        snprintf(link, sizeof link, en(m) ? "Link: %s?code=%s\n" : "リンク: %s?code=%s\n",
                 m->ack_url, m->ack_code);
    if (m->district && *m->district)
        snprintf(where, sizeof where, en(m) ? "District: %s\n" : "地区: %s\n", m->district);
    if (en(m))
        snprintf(out, cap,
                 "Dear %s,\n\n%s\nWhen: %s\n%s\n%s\n\n"
                 "When you have seen to it, tell the hub with this code (or open the link):\n"
                 "Code: %s\n%s\n"
                 "Until someone does, the next person on the list will be told.\n"
                 "This message was sent by the watch-over hub. Please do not reply.\n",
                 m->recipient_name, what, when, where, w->todo_en, m->ack_code, link);
    else
        snprintf(out, cap,
                 "%s 様\n\n%s\nとき: %s\n%s\n%s\n\n"
                 "確かめたら、この コードを 見守りアプリに 入れてください"
                 "（リンクを 開いても できます）。\n"
                 "確認コード: %s\n%s\n"
                 "だれも 確かめないと、次の 方に お知らせします。\n"
                 "このメールは 見守りハブから 送っています。返信は できません。\n",
                 m->recipient_name, what, when, where, w->todo_ja, m->ack_code, link);
}

void notifymsg_msg_id(int64_t id, char *out, size_t cap)
{
    snprintf(out, cap, "ntf_%lld", (long long)id);
}

/* Appends the RFC 2047 encoded words of the UTF-8 text s to the header being built at
 * *p (bounded by end): "=?UTF-8?B?…?=" of at most 45 bytes each (60 base64 characters, so
 * a word stays under 75), cut only between characters, folded with CRLF SP. */
static void encoded_words(char **p, char *end, const char *s)
{
    size_t n = strlen(s), at = 0;
    while (at < n && *p < end) {
        size_t take = n - at < 45 ? n - at : 45;
        while (take < n - at && ((unsigned char)s[at + take] & 0xC0) == 0x80)
            take--; /* do not split a UTF-8 sequence */
        char b[64];
        b64_encode((const unsigned char *)s + at, take, b);
        *p += snprintf(*p, (size_t)(end - *p), "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", b);
        at += take;
    }
}

char *notifymsg_mail(const struct notifymsg *m, const char *from, const char *to, int64_t now,
                     size_t *len)
{
    static const char *const day[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char subject[400], text[4096];
    notifymsg_subject(m, subject, sizeof subject);
    notifymsg_text(m, text, sizeof text);
    /* The body: LF → CRLF, then base64 in lines of 76 (RFC 2045). */
    size_t tn = strlen(text);
    char *crlf = malloc(2 * tn + 1);
    size_t cn = 0;
    for (size_t i = 0; crlf && i < tn; i++) {
        if (text[i] == '\n')
            crlf[cn++] = '\r';
        crlf[cn++] = text[i];
    }
    size_t bl = b64_encoded_len(cn);
    char *b64 = crlf ? malloc(bl + 1) : NULL;
    size_t cap = 2048 + bl + bl / 76 * 2 + 4;
    char *out = b64 ? malloc(cap) : NULL;
    if (!out)
        goto out;
    b64_encode((const unsigned char *)crlf, cn, b64);
    time_t t = (time_t)(now + JST);
    struct tm tm;
    gmtime_r(&t, &tm);
    const char *domain = strchr(from, '@');
    char *p = out, *end = out + cap;
    p += snprintf(p, (size_t)(end - p),
                  "Date: %s, %02d %s %04d %02d:%02d:%02d +0900\r\n"
                  "From: <%s>\r\nTo: <%s>\r\nMessage-ID: <ntf-%lld@%s>\r\nSubject: ",
                  day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, from, to, (long long)m->id, domain ? domain + 1 : "hub");
    encoded_words(&p, end - 256, subject);
    p += snprintf(p, (size_t)(end - p),
                  "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
    for (size_t i = 0; i < bl && p + 80 < end; i += 76) {
        size_t k = bl - i < 76 ? bl - i : 76;
        memcpy(p, b64 + i, k);
        p += k;
        *p++ = '\r';
        *p++ = '\n';
    }
    *p = '\0';
    *len = (size_t)(p - out);
out:
    free(crlf);
    free(b64);
    return out;
}

char *notifymsg_webhook(const struct notifymsg *m, size_t *len)
{
    char text[4096], at[24], type[48];
    notifymsg_text(m, text, sizeof text);
    hubclock_rfc3339((time_t)m->raised, at);
    snprintf(type, sizeof type, "alert.%s", m->kind);
    cJSON *o = cJSON_CreateObject();
    cJSON *al = cJSON_AddObjectToObject(o, "alert");
    cJSON *ack = cJSON_AddObjectToObject(o, "ack");
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddNumberToObject(o, "notification_id", (double)m->id);
    cJSON_AddStringToObject(al, "kind", m->kind);
    cJSON_AddStringToObject(al, "raised_at", at);
    cJSON_AddStringToObject(o, "lang", en(m) ? "en" : "ja");
    cJSON_AddStringToObject(o, "text", text);
    cJSON_AddStringToObject(ack, "code", m->ack_code);
    if (m->ack_url && *m->ack_url) {
        char link[600];
        snprintf(link, sizeof link, "%s?code=%s", m->ack_url, m->ack_code);
        cJSON_AddStringToObject(ack, "url", link);
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    *len = s ? strlen(s) : 0;
    return s;
}
