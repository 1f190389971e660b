/*
 * test_hub_notices.c: disaster notices through the real hubd. A JMA feed is served on
 * 127.0.0.1 by this test (libmicrohttpd) with telegrams written from the published
 * 気象警報・注意報（Ｈ２７） format (tests/hub/jma/): issue, update with a downgrade, a late
 * older telegram, release (解除), withdrawal (取消), several areas, and malformed ones. The
 * right devices get the right notices in the right order; a release clears; malformed and
 * training telegrams are refused with a reason and show nothing; the feed is fetched with
 * conditional requests and the device list answers 304 to its ETag. 土砂災害警戒情報 (VXWW50,
 * written from the published format the same way) is issued, continued, released and
 * withdrawn beside the warnings of the same areas. Then the town's own
 * notices (start, schedule, end, levels above warnings), hubctl's notice commands, and who
 * may do what.
 */
#include "hubtest.h"
#include "test.h"

#include <curl/curl.h>
#include <microhttpd.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hubtest T;
static char home_north[128], home_south[128], kiosk_south[128], kiosk_none[128];
static char staff[128], family[128];

/* ---- the feed server ------------------------------------------------------------------ */

#define FEED_ENTRIES_MAX 64

static struct {
    pthread_mutex_t mu;
    struct MHD_Daemon *d;
    unsigned port;
    char names[FEED_ENTRIES_MAX][64]; /* fixture file names, in feed order */
    char updated[FEED_ENTRIES_MAX][32];
    const char *title[FEED_ENTRIES_MAX];
    int n;
    int version;                         /* changes with every entry added: the feed's ETag */
    int feed_200, feed_304, conditional; /* feed answers; requests with If-None-Match */
    int telegram_gets;
} F = {.mu = PTHREAD_MUTEX_INITIALIZER};

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", JMA_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

static char *feed_xml(void)
{
    size_t cap = 65536, len = 0;
    char *x = malloc(cap);
    if (!x)
        return NULL;
    len += (size_t)snprintf(x + len, cap - len,
                            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                            "<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\n"
                            "<title>高頻度（随時）</title>\n<subtitle>JMAXML publishing "
                            "feed</subtitle>\n<updated>2026-12-06T05:00:00+09:00</updated>\n"
                            "<id>http://127.0.0.1:%u/feed.xml#short</id>\n",
                            F.port);
    for (int i = 0; i < F.n; i++)
        len += (size_t)snprintf(
            x + len, cap - len,
            "<entry>\n<title>%s</title>\n<id>http://127.0.0.1:%u/data/%s</id>\n"
            "<updated>%s</updated>\n<author><name>気象庁</name></author>\n"
            "<link type=\"application/xml\" href=\"http://127.0.0.1:%u/data/%s\"/>\n"
            "<content type=\"text\">【東京都気象警報・注意報】</content>\n</entry>\n",
            F.title[i], F.port, F.names[i], F.updated[i], F.port, F.names[i]);
    snprintf(x + len, cap - len, "</feed>\n");
    return x;
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **ptr)
{
    (void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
    if (!*ptr) {
        *ptr = c;
        return MHD_YES;
    }
    char *body = NULL, etag[32];
    size_t len = 0;
    unsigned status = 200;
    pthread_mutex_lock(&F.mu);
    snprintf(etag, sizeof etag, "\"v%d\"", F.version);
    if (strcmp(url, "/feed.xml") == 0) {
        const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
        F.conditional += inm != NULL;
        if (inm && strcmp(inm, etag) == 0) {
            status = 304;
            F.feed_304++;
        } else {
            body = feed_xml();
            len = body ? strlen(body) : 0;
            F.feed_200++;
        }
    } else if (strncmp(url, "/data/", 6) == 0 && !strstr(url, "..")) {
        body = read_fixture(url + 6, &len);
        status = body ? 200 : 404;
        F.telegram_gets++;
    } else {
        status = 404;
    }
    pthread_mutex_unlock(&F.mu);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body ? body : (void *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/xml");
    if (strcmp(url, "/feed.xml") == 0)
        MHD_add_response_header(r, "ETag", etag);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void feed_add(const char *name, const char *updated, const char *title)
{
    if (F.n == FEED_ENTRIES_MAX) {
        fprintf(stderr, "feed_add: more than %d entries; raise FEED_ENTRIES_MAX\n",
                FEED_ENTRIES_MAX);
        abort();
    }
    pthread_mutex_lock(&F.mu);
    snprintf(F.names[F.n], sizeof F.names[0], "%s", name);
    snprintf(F.updated[F.n], sizeof F.updated[0], "%s", updated);
    F.title[F.n] = title ? title : "気象警報・注意報（Ｈ２７）";
    F.n++;
    F.version++;
    pthread_mutex_unlock(&F.mu);
}

static int feed_start(void)
{
    F.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                           NULL, serve, NULL, MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
    if (!F.d)
        return -1;
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(F.d, MHD_DAEMON_INFO_BIND_PORT);
    F.port = i ? i->port : 0;
    return F.port ? 0 : -1;
}

/* ---- helpers -------------------------------------------------------------------------- */

/* The notices a device sees now (owned array; NULL on failure). */
static cJSON *notices(const char *token)
{
    cJSON *j = NULL;
    if (ht_json(&T, "GET", "/v1/notices", token, NULL, NULL, &j) != 200) {
        cJSON_Delete(j);
        return NULL;
    }
    cJSON *arr = cJSON_DetachItemFromObject(j, "notices");
    cJSON_Delete(j);
    return arr;
}

/* "title@area" of every notice a device sees, joined by ", " (in the list's order). */
static void titles(const char *token, char *out, size_t cap)
{
    cJSON *arr = notices(token);
    size_t len = 0;
    out[0] = '\0';
    if (!arr) {
        snprintf(out, cap, "(failed)");
        return;
    }
    cJSON *n;
    cJSON_ArrayForEach(n, arr)
    {
        int w = snprintf(out + len, cap - len, "%s%s@%s", len ? ", " : "",
                         cJSON_GetObjectItem(n, "title_ja")->valuestring,
                         cJSON_GetObjectItem(n, "area_ja")->valuestring);
        if (w > 0 && (size_t)w < cap - len)
            len += (size_t)w;
    }
    cJSON_Delete(arr);
}

/* Waits (up to 20 s, the feed is polled every second) until token sees want. */
static int wait_titles(const char *token, const char *want)
{
    char got[2048] = "";
    for (int i = 0; i < 200; i++) {
        titles(token, got, sizeof got);
        if (strcmp(got, want) == 0)
            return 1;
        usleep(100 * 1000);
    }
    fprintf(stderr, "waited for \"%s\", device sees \"%s\"\n", want, got);
    return 0;
}

/* Waits until the hub has recorded n telegrams. */
static int wait_telegrams(long long n)
{
    for (int i = 0; i < 200; i++) {
        if (ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams") >= n)
            return 1;
        usleep(100 * 1000);
    }
    return 0;
}

/* 1 when the telegram whose URL contains url_part was recorded with an outcome LIKE
 * outcome (a reason or "applied (series): …"), else 0. */
static int outcome_is(const char *url_part, const char *outcome)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM jma_telegrams WHERE url LIKE '%%%s%%' AND outcome LIKE '%s'",
             url_part, outcome);
    return ht_sql_int(&T, sql) == 1;
}

struct got {
    long status;
    char etag[64];
};

static size_t keep_etag(char *p, size_t sz, size_t n, void *u)
{
    struct got *g = u;
    size_t len = sz * n;
    if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
        const char *v = p + 5;
        while (*v == ' ')
            v++;
        snprintf(g->etag, sizeof g->etag, "%.*s", (int)strcspn(v, "\r\n"), v);
    }
    return len;
}

static size_t discard(char *p, size_t sz, size_t n, void *u)
{
    (void)p, (void)u;
    return sz * n;
}

/* GET /v1/notices with If-None-Match (may be NULL): status and ETag. */
static struct got get_conditional(const char *token, const char *inm)
{
    struct got g = {0};
    char url[128], auth[200], h[128];
    struct curl_slist *hs = NULL;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/notices", T.port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    hs = curl_slist_append(hs, auth);
    if (inm) {
        snprintf(h, sizeof h, "If-None-Match: %s", inm);
        hs = curl_slist_append(hs, h);
    }
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_etag);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &g);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g.status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hs);
    return g;
}

/* The id of the notice a device sees with this title and area, or 0. */
static long long notice_id(const char *token, const char *title, const char *area)
{
    cJSON *arr = notices(token), *n;
    long long id = 0;
    cJSON_ArrayForEach(n, arr)
    {
        if (strcmp(cJSON_GetObjectItem(n, "title_ja")->valuestring, title) == 0 &&
            strcmp(cJSON_GetObjectItem(n, "area_ja")->valuestring, area) == 0)
            id = (long long)cJSON_GetObjectItem(n, "id")->valuedouble;
    }
    cJSON_Delete(arr);
    return id;
}

/* ---- JMA ------------------------------------------------------------------------------ */

/* The first notice token sees is JMA's, of kind and level, titled title_en, its words
 * saying what and todo (Japanese), in force from starts until JMA ends it. */
static void check_first_jma(const char *token, const char *kind, int level, const char *title_en,
                            const char *what, const char *todo, long long starts)
{
    cJSON *arr = notices(token);
    cJSON *first = cJSON_GetArrayItem(arr, 0);
    REQUIRE(first);
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "source")->valuestring, "jma");
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "kind")->valuestring, kind);
    CHECK_INT_EQ(cJSON_GetObjectItem(first, "level")->valuedouble, level);
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "title_en")->valuestring, title_en);
    CHECK(strstr(cJSON_GetObjectItem(first, "what_ja")->valuestring, what) != NULL);
    CHECK(strstr(cJSON_GetObjectItem(first, "todo_ja")->valuestring, todo) != NULL);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(first, "ends_at")));
    CHECK_INT_EQ(cJSON_GetObjectItem(first, "starts_at_unix")->valuedouble, starts);
    cJSON_Delete(arr);
}

static long long rain_id, thunder_id;

static void t_issue_reaches_the_right_devices(void)
{
    /* The issue telegram and three that must be refused, one not a warning at all. */
    feed_add("vpww54-1-issue.xml", "2026-12-06T00:10:05Z", NULL);
    feed_add("bad-training.xml", "2026-12-06T00:20:05Z", NULL);
    feed_add("bad-no-area-code.xml", "2026-12-06T00:30:05Z", NULL);
    feed_add("bad-status.xml", "2026-12-06T00:40:05Z", NULL);
    feed_add("bad-truncated.xml", "2026-12-06T00:45:05Z", NULL);
    feed_add("not-fetched.xml", "2026-12-06T00:46:05Z", "府県天気予報（Ｒ１）");
    /* 千代田区 (1310100) is configured for 北町 only, 中央区 (1310200) for the whole town;
     * 港区 has no warning and is not the town's. Highest level first. */
    REQUIRE(wait_titles(home_north, "大雨警報@千代田区, 雷注意報@千代田区, 大雨注意報@中央区"));
    char got[1024];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "大雨注意報@中央区");
    titles(kiosk_south, got, sizeof got);
    CHECK_STR_EQ(got, "大雨注意報@中央区");
    titles(kiosk_none, got, sizeof got); /* no district: whole-town notices only */
    CHECK_STR_EQ(got, "大雨注意報@中央区");
    rain_id = notice_id(home_north, "大雨警報", "千代田区");
    thunder_id = notice_id(home_north, "雷注意報", "千代田区");
    CHECK(rain_id > 0 && thunder_id > 0);
    /* The notice's words and level; starts_at is the telegram's report time. */
    check_first_jma(home_north, "warning", 60, "Heavy rain warning", "大雨で", "がけ", 1796515800);
}

static void t_malformed_refused_with_reason(void)
{
    REQUIRE(wait_telegrams(5));
    CHECK_INT_EQ(
        ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams WHERE outcome LIKE 'refused: %'"), 4);
    CHECK(outcome_is("bad-training", "%通常%"));
    CHECK(outcome_is("bad-status", "%Kind/Status%"));
    CHECK(outcome_is("truncated", "%well-formed%"));
    /* Nothing of them is shown: each would have put a 暴風警報 on every screen. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices WHERE title_ja = '暴風警報'"), 0);
    /* The entry of another kind of telegram is never fetched. */
    CHECK_INT_EQ(
        ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams WHERE url LIKE '%not-fetched%'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE actor = 'jma' AND"
                                " action = 'notice.jma_issue'"),
                 3);
}

static void t_feed_polled_conditionally_and_list_etag(void)
{
    /* Nothing new: later polls send the feed's ETag and get 304. */
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&F.mu);
        int done = F.feed_304 >= 2;
        pthread_mutex_unlock(&F.mu);
        if (done)
            break;
        usleep(100 * 1000);
    }
    pthread_mutex_lock(&F.mu);
    CHECK(F.feed_304 >= 2);
    CHECK(F.conditional >= 2);
    CHECK_INT_EQ(F.telegram_gets, 5); /* each telegram fetched once */
    pthread_mutex_unlock(&F.mu);
    struct got g = get_conditional(home_north, NULL);
    CHECK_INT_EQ(g.status, 200);
    CHECK(g.etag[0] == '"');
    struct got again = get_conditional(home_north, g.etag);
    CHECK_INT_EQ(again.status, 304);
    CHECK_INT_EQ(get_conditional(home_north, "\"other\"").status, 200);
    /* Another area's list has another ETag. */
    CHECK(strcmp(get_conditional(home_south, NULL).etag, g.etag) != 0);
}

static void t_update_downgrade_and_late_telegram(void)
{
    feed_add("vpww54-2-update.xml", "2026-12-06T02:00:05Z", NULL);
    /* Arrives last, but was issued before the first: it changes nothing. */
    feed_add("vpww54-0-late.xml", "2026-12-06T02:05:05Z", NULL);
    /* Same level: the newest update first, then the older id (the test clock stands still,
     * so here by id). */
    REQUIRE(wait_titles(home_north, "洪水警報@中央区, 雷注意報@千代田区, 大雨注意報@中央区, "
                                    "大雨注意報@千代田区"));
    REQUIRE(wait_telegrams(7));
    /* 大雨警報 became 大雨注意報: the warning ended, the advisory is a new notice; the
     * continuing 雷注意報 keeps its id. */
    CHECK_INT_EQ(notice_id(home_north, "大雨警報", "千代田区"), 0);
    CHECK(notice_id(home_north, "大雨注意報", "千代田区") > rain_id);
    CHECK_INT_EQ(notice_id(home_north, "雷注意報", "千代田区"), thunder_id);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM notices WHERE id = %lld AND ended_by = 'jma'",
             rain_id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices WHERE title_ja = '暴風警報'"), 0);
    char got[1024];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "洪水警報@中央区, 大雨注意報@中央区");
}

static void t_release_and_withdrawal_clear(void)
{
    feed_add("vpww54-3-release.xml", "2026-12-06T05:00:05Z", NULL);
    REQUIRE(wait_titles(home_north, "洪水警報@中央区"));
    char got[1024];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "洪水警報@中央区");
    /* 取消: the office's telegram is withdrawn: what it had in force goes. */
    feed_add("vpww54-4-withdraw.xml", "2026-12-06T05:30:05Z", NULL);
    REQUIRE(wait_titles(home_north, ""));
    titles(kiosk_none, got, sizeof got);
    CHECK_STR_EQ(got, "");
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE actor = 'jma' AND"
                         " action = 'notice.jma_end'") >= 5);
}

/* 訂正 and 取消 as JMA sends them: with the ReportDateTime of the telegram they correct or
 * withdraw (only Control/DateTime, the sending time, is later; JMA's published 訂正 and 取消
 * samples all do so). 港区, whole town: the issue gives 大雨警報 + 雷注意報; the 訂正 (same
 * report time) makes it 大雨警報 + 洪水警報 — the 大雨警報 keeps its notice, the 雷注意報
 * ends, the 洪水警報 starts; the 取消 (same report time, an empty Body) withdraws them all. */
static void t_correction_and_withdrawal_at_the_same_report_time(void)
{
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "jma-area-add --code 1310300 --name 港区") == 0);
    feed_add("vpww54-5-minato-issue.xml", "2026-12-06T05:40:05Z", NULL);
    REQUIRE(wait_titles(kiosk_none, "大雨警報@港区, 雷注意報@港区"));
    long long rain = notice_id(kiosk_none, "大雨警報", "港区");
    long long thunder = notice_id(kiosk_none, "雷注意報", "港区");
    feed_add("vpww54-6-minato-correct.xml", "2026-12-06T05:45:05Z", NULL);
    REQUIRE(wait_titles(kiosk_none, "大雨警報@港区, 洪水警報@港区"));
    CHECK_INT_EQ(notice_id(kiosk_none, "大雨警報", "港区"), rain);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM notices WHERE id = %lld AND ended_by = 'jma'",
             thunder);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    CHECK(outcome_is("vpww54-6-minato-correct", "applied (VPWW54): 1 area(s)%"));
    feed_add("vpww54-7-minato-withdraw.xml", "2026-12-06T05:50:05Z", NULL);
    REQUIRE(wait_titles(kiosk_none, ""));
    char got[1024];
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, "");
}

/* ---- the town's notices --------------------------------------------------------------- */

static long long post_notice(const char *body, long want)
{
    cJSON *j = NULL;
    long st = ht_json(&T, "POST", "/v1/notices", staff, NULL, body, &j);
    CHECK_INT_EQ(st, want);
    long long id = 0;
    if (st == 201)
        id = (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "notice"), "id")->valuedouble;
    else if (st != want)
        fprintf(stderr, "answer: %s\n", ht_error_code(j));
    cJSON_Delete(j);
    return id;
}

static void t_town_notices_start_and_end(void)
{
    long long order = post_notice(
        "{\"kind\":\"evacuation_order\",\"title_ja\":\"避難指示（南町）\",\"what_ja\":\"川の 水が "
        "あふれそうです。\",\"todo_ja\":\"すぐに 南小学校へ 逃げて ください。\","
        "\"title_en\":\"Evacuation order (Minami)\",\"districts\":[\"南町\"]}",
        201);
    long long shelter = post_notice(
        "{\"kind\":\"shelter_open\",\"title_ja\":\"避難所を 開きました\",\"what_ja\":\"南小学校と "
        "北公民館を 開きました。\",\"todo_ja\":\"必要な 人は 来て "
        "ください。\",\"whole_town\":true}",
        201);
    REQUIRE(order > 0 && shelter > 0);
    char got[1024];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "避難指示（南町）@南町, 避難所を 開きました@町内全域");
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, "避難所を 開きました@町内全域");
    cJSON *arr = notices(home_south);
    cJSON *first = cJSON_GetArrayItem(arr, 0);
    CHECK_INT_EQ(cJSON_GetObjectItem(first, "level")->valuedouble, 100);
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "source")->valuestring, "town");
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "what_en")->valuestring, "");
    cJSON_Delete(arr);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'notice.create' AND"
                                " actor LIKE 'staff:%'"),
                 2);
    /* Ended: gone from every screen; ending again changes nothing. */
    char path[64];
    snprintf(path, sizeof path, "/v1/notices/%lld/end", order);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "notice"), "state")->valuestring,
                 "ended");
    cJSON_Delete(j);
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "避難所を 開きました@町内全域");
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 200);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'notice.end'"), 1);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/notices/9999/end", staff, NULL, "{}", &j), 404);
    cJSON_Delete(j);
    /* A JMA notice is ended by JMA only. */
    snprintf(path, sizeof path, "/v1/notices/%lld/end", rain_id);
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 409);
    CHECK_STR_EQ(ht_error_code(j), "jma_notice");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/notices/%lld/end", shelter);
    CHECK_INT_EQ(ht_json(&T, "POST", path, staff, NULL, "{}", &j), 200);
    cJSON_Delete(j);
}

static void t_town_notice_schedule_and_end_time(void)
{
    /* The test clock is 2026-12-06T06:00Z; this one runs 07:00-08:00. */
    long long id = post_notice(
        "{\"kind\":\"maintenance\",\"title_ja\":\"点検\",\"what_ja\":\"水道の 点検です。\","
        "\"todo_ja\":\"水を ためて おいて ください。\",\"whole_town\":true,"
        "\"starts_at\":\"2026-12-06T07:00:00Z\",\"ends_at\":\"2026-12-06T08:00:00Z\"}",
        201);
    REQUIRE(id > 0);
    char got[512];
    titles(kiosk_none, got, sizeof got);
    CHECK_STR_EQ(got, "");
    ht_set_clock(&T, 1796540400 + 60); /* 07:01Z */
    titles(kiosk_none, got, sizeof got);
    CHECK_STR_EQ(got, "点検@町内全域");
    ht_set_clock(&T, 1796544000); /* 08:00Z: ended */
    titles(kiosk_none, got, sizeof got);
    CHECK_STR_EQ(got, "");
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/notices?all=1&limit=100", staff, NULL, NULL, &j), 200);
    cJSON *n, *found = NULL;
    cJSON_ArrayForEach(n, cJSON_GetObjectItem(j, "notices"))
    {
        if ((long long)cJSON_GetObjectItem(n, "id")->valuedouble == id)
            found = n;
    }
    REQUIRE(found);
    CHECK_STR_EQ(cJSON_GetObjectItem(found, "state")->valuestring, "ended");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(found, "districts")));
    cJSON_Delete(j);
}

static void t_bad_notices_refused(void)
{
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM notices");
    post_notice("{\"kind\":\"warning\",\"title_ja\":\"x\",\"what_ja\":\"x\",\"todo_ja\":\"x\","
                "\"whole_town\":true}",
                400); /* JMA's kind */
    post_notice("{\"kind\":\"info\",\"title_ja\":\"x\",\"what_ja\":\"x\",\"todo_ja\":\"x\"}",
                400); /* no area */
    post_notice("{\"kind\":\"info\",\"title_ja\":\"x\",\"what_ja\":\"x\",\"todo_ja\":\"x\","
                "\"whole_town\":true,\"districts\":[\"北町\"]}",
                400); /* both */
    post_notice("{\"kind\":\"info\",\"title_ja\":\"\",\"what_ja\":\"x\",\"todo_ja\":\"x\","
                "\"whole_town\":true}",
                400);
    post_notice("{\"kind\":\"info\",\"title_ja\":\"x\",\"what_ja\":\"x\",\"todo_ja\":\"x\","
                "\"whole_town\":true,\"starts_at\":\"2026-12-06T09:00:00Z\","
                "\"ends_at\":\"2026-12-06T08:00:00Z\"}",
                400);
    post_notice("{\"kind\":\"info\",\"title_ja\":\"x\",\"what_ja\":\"x\",\"todo_ja\":\"x\","
                "\"whole_town\":true,\"starts_at\":\"yesterday\"}",
                400);
    post_notice("not json", 400);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices"), before);
}

static void t_who_may_do_what(void)
{
    static const char body[] = "{\"kind\":\"info\",\"title_ja\":\"x\",\"what_ja\":\"x\","
                               "\"todo_ja\":\"x\",\"whole_town\":true}";
    CHECK(ht_refused(&T, "GET", "/v1/notices", family, NULL, NULL, NULL, 0, NULL, "family"));
    CHECK(ht_refused(&T, "GET", "/v1/notices", NULL, NULL, NULL, NULL, 0, NULL, "no token"));
    CHECK(ht_refused(&T, "POST", "/v1/notices", home_north, NULL, NULL, body, 0, NULL, "device"));
    CHECK(ht_refused(&T, "POST", "/v1/notices", kiosk_none, NULL, NULL, body, 0, NULL, "kiosk"));
    CHECK(ht_refused(&T, "POST", "/v1/notices", family, NULL, NULL, body, 0, NULL, "family"));
    CHECK(ht_refused(&T, "POST", "/v1/notices/1/end", home_south, NULL, NULL, "{}", 0, NULL,
                     "device"));
    CHECK(ht_refused(&T, "POST", "/v1/notices/1/end", family, NULL, NULL, "{}", 0, NULL, "family"));
}

static void t_hubctl_notices(void)
{
    char id[16] = "", line[64];
    REQUIRE(ht_ctl(&T, "notice_id", id, sizeof id,
                   "notice-add --kind service_hours --title-ja '窓口の 時間' --what-ja '今日は "
                   "正午まで' --todo-ja '午後は 電話で' --district 北町") == 0);
    char got[512];
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, "窓口の 時間@北町");
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "");
    snprintf(line, sizeof line, "notice-end --notice %s", id);
    char changed[8] = "";
    CHECK_INT_EQ(ht_ctl(&T, "changed", changed, sizeof changed, line), 0);
    CHECK_STR_EQ(changed, "yes");
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, "");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0,
                        "notice-add --kind warning --title-ja x --what-ja x "
                        "--todo-ja x 2>/dev/null"),
                 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE actor = 'hubctl' AND action IN"
                                " ('notice.create', 'notice.end')"),
                 2);
}

/* A town notice carries the place's reading staff give (hubctl notice-add --area-kana);
 * kanji are refused there, as the tablet's voice reads kana only. */
static void t_town_notice_reading(void)
{
    char id[16] = "", line[64];
    REQUIRE(ht_ctl(&T, "notice_id", id, sizeof id,
                   "notice-add --kind shelter_open --title-ja '避難所を 開きました' --what-ja "
                   "'北小学校' --todo-ja 'どうぞ' --district 北町 --area-kana きたまち") == 0);
    cJSON *arr = notices(home_north), *n;
    int seen = 0;
    REQUIRE(arr);
    cJSON_ArrayForEach(n, arr)
    {
        const cJSON *kana = cJSON_GetObjectItem(n, "area_kana");
        seen += cJSON_IsString(kana) && !strcmp(kana->valuestring, "きたまち") &&
                !strcmp(cJSON_GetObjectItem(n, "area_ja")->valuestring, "北町");
    }
    cJSON_Delete(arr);
    CHECK_INT_EQ(seen, 1);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0,
                        "notice-add --kind info --title-ja x --what-ja x --todo-ja x "
                        "--area-kana 北町 2>/dev/null"),
                 2);
    snprintf(line, sizeof line, "notice-end --notice %s", id);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, line), 0);
}

/* A telegram JMA itself published (tests/hub/jma/published-yokohama-2016.xml): applied with
 * hubctl jma-apply, its 横須賀市 warnings reach the district that follows 横須賀市 and its
 * 平塚市 item (not the town's) reaches no one. */
static void t_published_telegram_applied(void)
{
    char args[512], got[2048];
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --code 1420100 --name 横須賀市 --district 南町") == 0);
    snprintf(args, sizeof args, "jma-apply --file %s/published-yokohama-2016.xml", JMA_FIXTURES);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    titles(home_south, got, sizeof got);
    CHECK(strstr(got, "波浪警報@横須賀市") != NULL);
    CHECK(strstr(got, "強風注意報@横須賀市") != NULL);
    CHECK(strstr(got, "平塚市") == NULL);
    titles(home_north, got, sizeof got);
    CHECK(strstr(got, "横須賀市") == NULL);
    /* each carries the place's reading from JMA's code table, which the home tablet says
     * (its voice reads kana only: 横須賀市 alone was "し") */
    cJSON *arr = notices(home_south), *n;
    int read = 0;
    REQUIRE(arr);
    cJSON_ArrayForEach(n, arr)
    {
        const cJSON *kana = cJSON_GetObjectItem(n, "area_kana");
        if (strcmp(cJSON_GetObjectItem(n, "area_ja")->valuestring, "横須賀市") != 0)
            continue;
        CHECK(cJSON_IsString(kana) && !strcmp(kana->valuestring, "よこすかし"));
        read++;
    }
    cJSON_Delete(arr);
    CHECK(read >= 2);
}

/* ---- 土砂災害警戒情報 (VXWW50) ----------------------------------------------------------- */

#define LANDSLIDE "土砂災害警戒情報" /* the feed entry's title */
#define DANGER    "レベル４土砂災害危険警報"

static long long landslide_north_id, landslide_yokosuka_id;

/* Issued through the feed: each town area gets it by its own code (横須賀市) or, where JMA
 * divides the municipality for landslides (横浜市北部 1410011), by the town's code for the
 * whole municipality (横浜市 1410000, as the warnings name it); it comes first (警戒レベル4
 * 相当, above 警報) and leaves the same area's 気象警報・注意報 alone. */
static void t_landslide_issued(void)
{
    char got[2048];
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --code 1410000 --name 横浜市 --district 北町") == 0);
    titles(home_south, got, sizeof got);
    REQUIRE(strcmp(got, "波浪警報@横須賀市, 強風注意報@横須賀市") == 0);
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("vxww50-1-issue.xml", "2026-12-06T06:10:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_south, DANGER "@横須賀市, 波浪警報@横須賀市, 強風注意報@横須賀市"));
    REQUIRE(wait_titles(home_north, DANGER "@横浜市北部"));
    titles(kiosk_none, got, sizeof got); /* both areas are the town's for districts only */
    CHECK_STR_EQ(got, "");
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams"), before + 1);
    /* from 2026-12-06T15:10+09:00, the telegram's time */
    check_first_jma(home_south, "danger_warning", 85, "Level 4 landslide danger warning",
                    "警戒レベル4", "がけの 近く", 1796537400);
    landslide_north_id = notice_id(home_north, DANGER, "横浜市北部");
    landslide_yokosuka_id = notice_id(home_south, DANGER, "横須賀市");
    CHECK(landslide_north_id > 0 && landslide_yokosuka_id > 0);
    CHECK(outcome_is("vxww50-1", "applied (VXWW50): 3 %"));
}

/* Continued: the same notices (ids) stay; a second part of the municipality (横浜市南部)
 * gets its own; a late older telegram and malformed ones change nothing, each refusal with
 * its reason. */
static void t_landslide_continued_late_and_malformed(void)
{
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("vxww50-2-continue.xml", "2026-12-06T06:40:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_north, DANGER "@横浜市北部, " DANGER "@横浜市南部"));
    feed_add("vxww50-0-late.xml", "2026-12-06T06:45:15Z", LANDSLIDE);
    feed_add("bad-vxww50-status.xml", "2026-12-06T06:50:15Z", LANDSLIDE);
    feed_add("bad-vxww50-two-kinds.xml", "2026-12-06T06:55:15Z", LANDSLIDE);
    REQUIRE(wait_telegrams(before + 4));
    CHECK_INT_EQ(notice_id(home_north, DANGER, "横浜市北部"), landslide_north_id);
    CHECK_INT_EQ(notice_id(home_south, DANGER, "横須賀市"), landslide_yokosuka_id);
    char got[2048];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, DANGER "@横須賀市, 波浪警報@横須賀市, 強風注意報@横須賀市");
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, DANGER "@横浜市北部, " DANGER "@横浜市南部");
    CHECK(outcome_is("bad-vxww50-status", "refused: %does not go with its code%"));
    CHECK(outcome_is("two-kinds", "refused: %more than one Kind%"));
    CHECK(outcome_is("vxww50-0", "applied (VXWW50): 0 %")); /* late: nothing applied */
}

/* 解除 ends the notice of that area only (the 気象警報・注意報 stay); the office's 取消
 * withdraws what its 土砂災害警戒情報 still had in force, and nothing of the warnings. */
static void t_landslide_released_and_withdrawn(void)
{
    feed_add("vxww50-3-release.xml", "2026-12-06T07:20:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_north, DANGER "@横浜市南部"));
    REQUIRE(wait_titles(home_south, "波浪警報@横須賀市, 強風注意報@横須賀市"));
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM notices WHERE id IN (%lld, %lld) AND ended_by = 'jma'",
             landslide_north_id, landslide_yokosuka_id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 2);
    feed_add("vxww50-4-withdraw.xml", "2026-12-06T07:30:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_north, ""));
    char got[2048];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "波浪警報@横須賀市, 強風注意報@横須賀市");
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices WHERE jma_series = 'VXWW50'"), 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices WHERE jma_series = 'VXWW50' AND"
                                " ends_unix IS NULL"),
                 0);
}

/* Telegrams in the structure of JMA's published samples (tests/hub/jma/README.md): every
 * Warning part, Kinds with LastKind / Addition, a time series, and areas with nothing in force
 * written as a Kind with its Status alone (発表警報・注意報はなし, no Name or Code), which
 * the schema allows and JMA sends for most areas. Accepted: 横須賀市 gets its three kinds (the
 * advisory of the published telegram before ends); then "nothing in force" clears them all. */
static void t_jma_sample_structure_applied(void)
{
    char args[512], got[2048];
    snprintf(args, sizeof args, "jma-apply --file %s/jmaformat-1-snow.xml", JMA_FIXTURES);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    titles(home_south, got, sizeof got);
    CHECK(strstr(got, "大雪特別警報@横須賀市") != NULL);
    CHECK(strstr(got, "暴風雪警報@横須賀市") != NULL);
    CHECK(strstr(got, "波浪警報@横須賀市") != NULL);
    CHECK(strstr(got, "強風注意報") == NULL);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams WHERE outcome LIKE 'refused%'"
                                " AND url LIKE '%jmaformat%'"),
                 0);
    snprintf(args, sizeof args, "jma-apply --file %s/jmaformat-2-none.xml", JMA_FIXTURES);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    titles(home_south, got, sizeof got);
    CHECK(strstr(got, "横須賀市") == NULL);
}

/* ---- JMA's 2026 (R06) telegrams: VPWW55 大雨, VPWW56 土砂 ------------------------------ */

#define R06_RAIN      "気象警報・注意報（Ｒ０６）（大雨）"
#define R06_LANDSLIDE "気象警報・注意報（Ｒ０６）（土砂）"

/* 1 when the comma-separated list got has the entry want (title@area) whole. */
static int has_entry(const char *got, const char *want)
{
    size_t n = strlen(want);
    for (const char *p = got; (p = strstr(p, want)) != NULL; p += n)
        if ((p == got || (p >= got + 2 && p[-2] == ',' && p[-1] == ' ')) &&
            (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

static long long r06_thunder_id;

/* The R06 telegrams through the feed, each its own series and matched by area code; the
 * VPWW54 大雨警報 of the same area ends once VPWW55 set the area, and the 雷注意報 (no R06
 * telegram of it yet) stays: a resident never sees 大雨 twice. */
static void t_r06_issued_and_vpww54_hazard_shown_once(void)
{
    char got[2048];
    feed_add("r06-0-vpww54.xml", "2026-12-06T08:00:05Z", NULL);
    REQUIRE(wait_titles(home_south, "大雨警報@横須賀市, 雷注意報@横須賀市"));
    r06_thunder_id = notice_id(home_south, "雷注意報", "横須賀市");
    long long rain54 = notice_id(home_south, "大雨警報", "横須賀市");
    feed_add("r06-rain-1-issue.xml", "2026-12-06T08:10:05Z", R06_RAIN);
    feed_add("r06-landslide-1-issue.xml", "2026-12-06T08:10:06Z", R06_LANDSLIDE);
    REQUIRE(wait_titles(home_north, "レベル２土砂災害注意報@横浜市"));
    for (int i = 0; i < 200; i++) {
        titles(home_south, got, sizeof got);
        if (has_entry(got, "レベル４大雨危険警報@横須賀市") &&
            has_entry(got, "レベル４土砂災害危険警報@横須賀市"))
            break;
        usleep(50 * 1000);
    }
    CHECK(has_entry(got, "レベル４大雨危険警報@横須賀市"));
    CHECK(has_entry(got, "レベル４土砂災害危険警報@横須賀市"));
    CHECK(has_entry(got, "雷注意報@横須賀市"));
    CHECK(!has_entry(got, "大雨警報@横須賀市"));
    /* both レベル４ come first, above the 注意報 */
    CHECK(strncmp(got, "レベル４", strlen("レベル４")) == 0);
    CHECK(strstr(got, "雷注意報") > strstr(got, "レベル４大雨危険警報"));
    cJSON *arr = notices(home_south), *first = cJSON_GetArrayItem(arr, 0);
    REQUIRE(first);
    CHECK_STR_EQ(cJSON_GetObjectItem(first, "kind")->valuestring, "danger_warning");
    CHECK_INT_EQ(cJSON_GetObjectItem(first, "level")->valuedouble, 85);
    CHECK(strstr(cJSON_GetObjectItem(first, "what_ja")->valuestring, "警戒レベル4") != NULL);
    CHECK(strstr(cJSON_GetObjectItem(first, "todo_ja")->valuestring, "避難して") != NULL);
    CHECK(strstr(cJSON_GetObjectItem(first, "title_en")->valuestring, "Level 4") != NULL);
    cJSON_Delete(arr);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM notices WHERE id = %lld AND ended_by = 'jma'",
             rain54);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    CHECK_INT_EQ(notice_id(home_south, "雷注意報", "横須賀市"), r06_thunder_id);
    CHECK(outcome_is("r06-rain-1", "applied (VPWW55): 1 %"));
    CHECK(outcome_is("r06-landslide-1", "applied (VPWW56): 2 %"));
}

/* A downgrade in VPWW55 (危険警報から警報) replaces the レベル４ with the レベル３; a later VPWW54
 * that still lists 大雨警報 does not bring it back; malformed R06 telegrams are refused with
 * their reason and change nothing. */
static void t_r06_update_later_vpww54_and_malformed(void)
{
    char got[2048];
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("r06-rain-2-update.xml", "2026-12-06T08:40:05Z", R06_RAIN);
    feed_add("r06-3-vpww54.xml", "2026-12-06T08:45:05Z", NULL);
    feed_add("bad-r06-rain-status.xml", "2026-12-06T08:50:05Z", R06_RAIN);
    feed_add("bad-r06-landslide-code.xml", "2026-12-06T08:50:06Z", R06_LANDSLIDE);
    REQUIRE(wait_telegrams(before + 4));
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got,
                 "レベル４土砂災害危険警報@横須賀市, レベル３大雨警報@横須賀市, 雷注意報@横須賀市");
    CHECK_INT_EQ(notice_id(home_south, "雷注意報", "横須賀市"), r06_thunder_id);
    CHECK(outcome_is("bad-r06-rain-status", "refused: %unknown Kind/Status%"));
    CHECK(outcome_is("bad-r06-landslide-code", "refused: %not two digits%"));
    CHECK(outcome_is("r06-3-vpww54", "applied (VPWW54): 1 %"));
}

/* The 土砂 office's 取消 withdraws its レベル４ (and leaves 大雨 alone); VPWW55's 解除 ends the
 * レベル３; the VPWW54 大雨警報 stays hidden (the area has R06 大雨 telegrams now), the 雷注意報
 * stays. */
static void t_r06_withdrawn_and_released(void)
{
    feed_add("r06-landslide-2-withdraw.xml", "2026-12-06T09:00:05Z", R06_LANDSLIDE);
    REQUIRE(wait_titles(home_south, "レベル３大雨警報@横須賀市, 雷注意報@横須賀市"));
    REQUIRE(wait_titles(home_north, ""));
    feed_add("r06-rain-3-release.xml", "2026-12-06T09:30:05Z", R06_RAIN);
    REQUIRE(wait_titles(home_south, "雷注意報@横須賀市"));
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notices WHERE jma_series IN"
                                " ('VPWW55', 'VPWW56') AND ends_unix IS NULL"),
                 0);
}

/* ---- the other R06 hazards: VPWW57 高潮, VPWW58 暴風, VPWW59 波浪, VPWW60 大雪, VPWW61 その他 --
 */

#define R06_SURGE "気象警報・注意報（Ｒ０６）（高潮）"
#define R06_STORM "気象警報・注意報（Ｒ０６）（暴風）"
#define R06_WAVES "気象警報・注意報（Ｒ０６）（波浪）"
#define R06_SNOW  "気象警報・注意報（Ｒ０６）（大雪）"
#define R06_OTHER "気象警報・注意報（Ｒ０６）（その他注意報）"

/* What a resident must be shown for one JMA kind: its class and level, its English name and
 * words that say what is happening and what to do. */
struct shown {
    const char *title_ja, *kind;
    int level;
    const char *title_en, *what, *todo;
};

static const struct shown HAZARDS[] = {
    {"レベル５高潮特別警報", "emergency_warning", 90, "Storm surge emergency warning", "高潮です",
     "海から はなれた 高い ところへ"},
    {"レベル４高潮危険警報", "danger_warning", 85, "Level 4 storm surge danger warning",
     "警戒レベル4", "高い ところへ 避難して"},
    {"レベル３高潮警報", "warning", 60, "Storm surge warning", "海の 水が あふれる おそれ",
     "海に 近づかないで"},
    {"レベル２高潮注意報", "advisory", 40, "Storm surge advisory", "海の 水が 高く",
     "海に 近づかないで"},
    {"暴風特別警報", "emergency_warning", 90, "Storm emergency warning", "強い 風です",
     "外に 出ないで"},
    {"暴風警報", "warning", 60, "Storm warning", "とても 強い 風", "窓から はなれて"},
    {"強風注意報", "advisory", 40, "Strong wind advisory", "強い 風が", "飛んで くる もの"},
    {"波浪特別警報", "emergency_warning", 90, "High waves emergency warning", "高い 波です",
     "海に 近づかないで"},
    {"波浪警報", "warning", 60, "High waves warning", "波が とても 高く", "海に 近づかないで"},
    {"波浪注意報", "advisory", 40, "High waves advisory", "波が 高く なります",
     "海に 近づかないで"},
    {"大雪特別警報", "emergency_warning", 90, "Heavy snow emergency warning", "大雪です",
     "外に 出ないで"},
    {"大雪警報", "warning", 60, "Heavy snow warning", "雪が たくさん ふります", "雪かき"},
    {"大雪注意報", "advisory", 40, "Heavy snow advisory", "ふる おそれ", "足もと"},
    {"雷注意報", "advisory", 40, "Thunderstorm advisory", "かみなり", "たてものの 中"},
    {"濃霧注意報", "advisory", 40, "Dense fog advisory", "きり", "道を わたる"},
    {"乾燥注意報", "advisory", 40, "Dry air advisory", "かわいて", "火の しまつ"},
    {"洪水警報", "warning", 60, "Flood warning", "川の 水が あふれる", "川に 近づかないで"},
};

/* Every notice token sees is JMA's and shown as HAZARDS says for its title. */
static void check_hazards_shown(const char *token)
{
    cJSON *arr = notices(token), *n;
    REQUIRE(arr);
    cJSON_ArrayForEach(n, arr)
    {
        const char *title = cJSON_GetObjectItem(n, "title_ja")->valuestring;
        const struct shown *w = NULL;
        for (size_t i = 0; i < sizeof HAZARDS / sizeof HAZARDS[0]; i++)
            if (strcmp(HAZARDS[i].title_ja, title) == 0)
                w = &HAZARDS[i];
        if (!w) {
            fprintf(stderr, "no expectation for %s\n", title);
            CHECK(w != NULL);
            continue;
        }
        CHECK_STR_EQ(cJSON_GetObjectItem(n, "source")->valuestring, "jma");
        CHECK_STR_EQ(cJSON_GetObjectItem(n, "kind")->valuestring, w->kind);
        CHECK_INT_EQ(cJSON_GetObjectItem(n, "level")->valuedouble, w->level);
        CHECK_STR_EQ(cJSON_GetObjectItem(n, "title_en")->valuestring, w->title_en);
        CHECK(strstr(cJSON_GetObjectItem(n, "what_ja")->valuestring, w->what) != NULL);
        CHECK(strstr(cJSON_GetObjectItem(n, "todo_ja")->valuestring, w->todo) != NULL);
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(n, "ends_at")));
    }
    cJSON_Delete(arr);
}

/* Open notices of one telegram series (all towns). */
static long long open_of_series(const char *series)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM notices WHERE jma_series = '%s' AND ends_unix IS NULL", series);
    return ht_sql_int(&T, sql);
}

static long long r06_thunder_chuo_id;

/* VPWW54 warnings of each hazard first; then each R06 telegram issues its highest levels in
 * two areas (特別警報 / 危険警報 in one, 警報 in the other): each town shows every kind with
 * its level, class and words, highest first, and the VPWW54 kind of the same hazard ends in
 * that area (洪水警報, which no R06 telegram carries, stays). */
static void t_r06_hazards_issued(void)
{
    feed_add("r06-hazards-0-vpww54-kanagawa.xml", "2026-12-06T10:00:05Z", NULL);
    feed_add("r06-hazards-0-vpww54-tokyo.xml", "2026-12-06T10:00:06Z", NULL);
    REQUIRE(wait_titles(home_south, "高潮警報@横須賀市, 波浪警報@横須賀市, 洪水警報@横須賀市, "
                                    "暴風警報@中央区, 雷注意報@中央区"));
    REQUIRE(wait_titles(home_north, "暴風警報@中央区, 大雪警報@千代田区, 雷注意報@中央区"));
    feed_add("r06-surge-1-issue.xml", "2026-12-06T10:10:05Z", R06_SURGE);
    feed_add("r06-storm-1-issue.xml", "2026-12-06T10:11:05Z", R06_STORM);
    feed_add("r06-waves-1-issue.xml", "2026-12-06T10:12:05Z", R06_WAVES);
    feed_add("r06-snow-1-issue.xml", "2026-12-06T10:13:05Z", R06_SNOW);
    feed_add("r06-other-1-issue.xml", "2026-12-06T10:14:05Z", R06_OTHER);
    REQUIRE(wait_titles(kiosk_none, "暴風特別警報@中央区, 大雪警報@中央区, 雷注意報@中央区, "
                                    "濃霧注意報@中央区"));
    REQUIRE(wait_titles(home_south, "レベル５高潮特別警報@横須賀市, 暴風特別警報@中央区, "
                                    "波浪特別警報@横須賀市, 洪水警報@横須賀市, 大雪警報@中央区, "
                                    "雷注意報@中央区, 濃霧注意報@中央区"));
    REQUIRE(wait_titles(home_north, "暴風特別警報@中央区, 大雪特別警報@千代田区, "
                                    "レベル４高潮危険警報@横浜市, 暴風警報@千代田区, "
                                    "波浪警報@横浜市, 大雪警報@中央区, 雷注意報@中央区, "
                                    "濃霧注意報@中央区"));
    check_hazards_shown(home_south);
    check_hazards_shown(home_north);
    /* Of VPWW54 only the 洪水警報 is left; the five R06 series hold the rest. */
    CHECK_INT_EQ(open_of_series("VPWW54"), 1);
    CHECK_INT_EQ(open_of_series("VPWW57"), 2);
    CHECK_INT_EQ(open_of_series("VPWW58"), 2);
    CHECK_INT_EQ(open_of_series("VPWW59"), 2);
    CHECK_INT_EQ(open_of_series("VPWW60"), 2);
    CHECK_INT_EQ(open_of_series("VPWW61"), 2);
    CHECK(outcome_is("r06-surge-1", "applied (VPWW57): 2 %"));
    CHECK(outcome_is("r06-other-1", "applied (VPWW61): 1 %"));
    r06_thunder_chuo_id = notice_id(kiosk_none, "雷注意報", "中央区");
}

/* Downgrades (特別警報から警報, 危険警報から注意報, 警報から注意報) replace each notice with the
 * lower one, its class, level and words; a continuing advisory keeps its notice, an advisory
 * released beside it ends, a new one starts. */
static void t_r06_hazards_downgraded(void)
{
    feed_add("r06-surge-2-downgrade.xml", "2026-12-06T10:40:05Z", R06_SURGE);
    feed_add("r06-storm-2-downgrade.xml", "2026-12-06T10:41:05Z", R06_STORM);
    feed_add("r06-waves-2-downgrade.xml", "2026-12-06T10:42:05Z", R06_WAVES);
    feed_add("r06-snow-2-downgrade.xml", "2026-12-06T10:43:05Z", R06_SNOW);
    feed_add("r06-other-2-update.xml", "2026-12-06T10:44:05Z", R06_OTHER);
    REQUIRE(wait_titles(home_north, "暴風警報@中央区, 大雪警報@千代田区, 雷注意報@中央区, "
                                    "レベル２高潮注意報@横浜市, 強風注意報@千代田区, "
                                    "波浪注意報@横浜市, 大雪注意報@中央区, 乾燥注意報@千代田区"));
    REQUIRE(wait_titles(home_south, "洪水警報@横須賀市, レベル３高潮警報@横須賀市, "
                                    "暴風警報@中央区, 波浪警報@横須賀市, 雷注意報@中央区, "
                                    "大雪注意報@中央区"));
    REQUIRE(wait_titles(kiosk_none, "暴風警報@中央区, 雷注意報@中央区, 大雪注意報@中央区"));
    check_hazards_shown(home_south);
    check_hazards_shown(home_north);
    CHECK_INT_EQ(notice_id(kiosk_none, "雷注意報", "中央区"), r06_thunder_chuo_id);
}

/* 解除 of every kind: nothing of the R06 telegrams is left; a later VPWW54 that still lists
 * each hazard brings none of them back (one hazard once), only its 洪水警報 stays. */
static void t_r06_hazards_released(void)
{
    feed_add("r06-surge-3-release.xml", "2026-12-06T11:30:05Z", R06_SURGE);
    feed_add("r06-storm-3-release.xml", "2026-12-06T11:31:05Z", R06_STORM);
    feed_add("r06-waves-3-release.xml", "2026-12-06T11:32:05Z", R06_WAVES);
    feed_add("r06-snow-3-release.xml", "2026-12-06T11:33:05Z", R06_SNOW);
    feed_add("r06-other-3-release.xml", "2026-12-06T11:34:05Z", R06_OTHER);
    REQUIRE(wait_titles(home_north, ""));
    REQUIRE(wait_titles(home_south, "洪水警報@横須賀市"));
    REQUIRE(wait_titles(kiosk_none, ""));
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("r06-hazards-4-vpww54-kanagawa.xml", "2026-12-06T11:40:05Z", NULL);
    feed_add("r06-hazards-4-vpww54-tokyo.xml", "2026-12-06T11:40:06Z", NULL);
    REQUIRE(wait_telegrams(before + 2));
    CHECK(outcome_is("r06-hazards-4-vpww54-tokyo", "applied (VPWW54): 2 %"));
    char got[1024];
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "洪水警報@横須賀市");
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, "");
    for (int i = 57; i <= 61; i++) {
        char series[8];
        snprintf(series, sizeof series, "VPWW%d", i);
        CHECK_INT_EQ(open_of_series(series), 0);
    }
}

/* One hazard once across one municipality's codes: JMA names the 土砂災害警戒情報's areas by
 * parts (横浜市北部 1410011, 相模原市西部 1415011) while VPWW56 names the municipality (横浜市
 * 1410000, 相模原市 1415000). A VPWW56 that set the town's 横浜市 hides a later VXWW50 for
 * 横浜市北部; a VPWW56 for 相模原市 ends the VXWW50 of 相模原市西部 already shown, and a
 * later one for 相模原市東部 does not show; 小田原市 (no VPWW56 yet) keeps its VXWW50 until
 * its 解除. Only where the VPWW56 reached: a second town on the hub that follows 横浜市北部
 * alone (no VPWW56 names that code) is shown its VXWW50. */
static void t_landslide_hidden_across_municipality_codes(void)
{
    char got[1024], north_kiosk[128];
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --code 1415000 --name 相模原市 --district 北町") == 0);
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --code 1420600 --name 小田原市 --district 北町") == 0);
    /* the second town last: hubctl needs --municipality once there are two */
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 141003 --name 横浜市") == 0);
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --municipality 141003 --code 1410011 --name 横浜市北部") == 0);
    REQUIRE(ht_ctl(&T, "token", north_kiosk, sizeof north_kiosk,
                   "device-add --municipality 141003 --kind public") == 0);
    feed_add("vxww50-5-parts.xml", "2026-12-06T12:00:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_north, LANDSLIDE "@相模原市西部, " LANDSLIDE "@小田原市"));
    REQUIRE(wait_titles(north_kiosk, LANDSLIDE "@横浜市北部"));
    /* 2 towns for 北部; 南部, 東部: なし */
    CHECK(outcome_is("vxww50-5", "applied (VXWW50): 6 %"));
    long long odawara = notice_id(home_north, LANDSLIDE, "小田原市");
    long long west = notice_id(home_north, LANDSLIDE, "相模原市西部");
    feed_add("r06-landslide-3-sagamihara.xml", "2026-12-06T12:10:05Z", R06_LANDSLIDE);
    REQUIRE(wait_titles(home_north, LANDSLIDE "@小田原市, " DANGER "@相模原市"));
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM notices WHERE id = %lld AND ended_by = 'jma'",
             west);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("vxww50-6-parts.xml", "2026-12-06T12:40:15Z", LANDSLIDE);
    REQUIRE(wait_telegrams(before + 1));
    CHECK(outcome_is("vxww50-6", "applied (VXWW50): 6 %"));
    titles(home_north, got, sizeof got);
    CHECK_STR_EQ(got, LANDSLIDE "@小田原市, " DANGER "@相模原市");
    CHECK_INT_EQ(notice_id(home_north, LANDSLIDE, "小田原市"), odawara);
    titles(home_south, got, sizeof got);
    CHECK_STR_EQ(got, "洪水警報@横須賀市");
    /* 解除: 小田原市's notice ends; VPWW56's own stays */
    feed_add("vxww50-7-release.xml", "2026-12-06T13:20:15Z", LANDSLIDE);
    REQUIRE(wait_titles(home_north, DANGER "@相模原市"));
    REQUIRE(wait_titles(north_kiosk, ""));
    CHECK_INT_EQ(open_of_series("VXWW50"), 0);
}

/* Two parts of one municipality do not hide each other: the "either side is the whole
 * municipality" condition of the landslide match, not any code of the same municipality.
 * A VPWW56 that names 横浜市北部 1410011 itself hides a later VXWW50 for 北部 in the town
 * that follows both parts, and not its VXWW50 for 横浜市南部 1410012. */
static void t_landslide_parts_do_not_hide_each_other(void)
{
    char got[1024], north_kiosk[128];
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "jma-area-add --municipality 141003 --code 1410012 --name 横浜市南部") == 0);
    REQUIRE(ht_ctl(&T, "token", north_kiosk, sizeof north_kiosk,
                   "device-add --municipality 141003 --kind public") == 0);
    feed_add("r06-landslide-4-yokohama-north.xml", "2026-12-06T13:30:05Z", R06_LANDSLIDE);
    REQUIRE(wait_titles(north_kiosk, DANGER "@横浜市北部"));
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM jma_telegrams");
    feed_add("vxww50-8-parts.xml", "2026-12-06T13:40:15Z", LANDSLIDE);
    REQUIRE(wait_telegrams(before + 1));
    REQUIRE(wait_titles(north_kiosk, DANGER "@横浜市北部, " LANDSLIDE "@横浜市南部"));
    titles(north_kiosk, got, sizeof got);
    CHECK_STR_EQ(got, DANGER "@横浜市北部, " LANDSLIDE "@横浜市南部");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* 2026-12-06T06:00:00Z: after every fixture telegram's report time. */
    char feed[160];
    if (ht_init(&T, 1796536800) != 0 || feed_start() != 0)
        return 1;
    if (ht_ctl(&T, NULL, NULL, 0, "resident-add --name Kita --district 北町 --deadline 23:59") ||
        ht_ctl(&T, NULL, NULL, 0, "resident-add --name Minami --district 南町 --deadline 23:59") ||
        ht_ctl(&T, "token", home_north, sizeof home_north, "device-add --kind home --resident 1") ||
        ht_ctl(&T, "token", home_south, sizeof home_south, "device-add --kind home --resident 2") ||
        ht_ctl(&T, "token", kiosk_south, sizeof kiosk_south, "device-add --kind public") ||
        ht_ctl(&T, NULL, NULL, 0, "device-set --device 3 --district 南町") ||
        ht_ctl(&T, "token", kiosk_none, sizeof kiosk_none, "device-add --kind public") ||
        ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name 防災係") ||
        ht_ctl(&T, "token", family, sizeof family, "family-add --name F --resident 1") ||
        ht_ctl(&T, NULL, NULL, 0, "jma-area-add --code 1310100 --name 千代田区 --district 北町") ||
        ht_ctl(&T, NULL, NULL, 0, "jma-area-add --code 1310200 --name 中央区"))
        return 1;
    snprintf(feed, sizeof feed, "--tick 0 --jma-feed http://127.0.0.1:%u/feed.xml --jma-poll 1",
             F.port);
    if (ht_start(&T, feed) != 0)
        return 1;
    TEST_RUN(t_issue_reaches_the_right_devices);
    TEST_RUN(t_malformed_refused_with_reason);
    TEST_RUN(t_feed_polled_conditionally_and_list_etag);
    TEST_RUN(t_update_downgrade_and_late_telegram);
    TEST_RUN(t_release_and_withdrawal_clear);
    TEST_RUN(t_correction_and_withdrawal_at_the_same_report_time);
    TEST_RUN(t_town_notices_start_and_end);
    TEST_RUN(t_town_notice_schedule_and_end_time);
    TEST_RUN(t_bad_notices_refused);
    TEST_RUN(t_who_may_do_what);
    TEST_RUN(t_hubctl_notices);
    TEST_RUN(t_town_notice_reading);
    TEST_RUN(t_published_telegram_applied);
    TEST_RUN(t_landslide_issued);
    TEST_RUN(t_landslide_continued_late_and_malformed);
    TEST_RUN(t_landslide_released_and_withdrawn);
    TEST_RUN(t_jma_sample_structure_applied);
    TEST_RUN(t_r06_issued_and_vpww54_hazard_shown_once);
    TEST_RUN(t_r06_update_later_vpww54_and_malformed);
    TEST_RUN(t_r06_withdrawn_and_released);
    TEST_RUN(t_r06_hazards_issued);
    TEST_RUN(t_r06_hazards_downgraded);
    TEST_RUN(t_r06_hazards_released);
    TEST_RUN(t_landslide_hidden_across_municipality_codes);
    TEST_RUN(t_landslide_parts_do_not_hide_each_other);
    ht_stop(&T);
    MHD_stop_daemon(F.d);
    ht_cleanup(&T);
    curl_global_cleanup();
    return test_summary();
}
