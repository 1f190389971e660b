/*
 * test_hub_strict.c: strict parsing through the real hubd. A body is taken only as
 * Content-Type application/json (charset=utf-8 allowed), as UTF-8 without NUL (raw or as
 * \u0000), with every key once and no key the endpoint does not know; a help call with a
 * broken body is refused in words and raises no alert. Each refusal stores nothing.
 */
#include "hubtest.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static struct hubtest T;
static char home1[128];

static long long checkins(void)
{
    return ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
}

static long long alerts(void)
{
    return ht_sql_int(&T, "SELECT COUNT(*) FROM alerts");
}

static const char *message(const cJSON *j)
{
    const cJSON *m =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"), "message");
    return cJSON_IsString(m) ? m->valuestring : "";
}

/* POSTs body (len bytes) to path as the home device; checks the status, the error code and
 * that the message holds words (when given). */
static void post_expect(const char *path, const char *body, size_t len, long status,
                        const char *code, const char *words)
{
    char *text = NULL;
    long st = ht_req(&T, "POST", path, home1, NULL, NULL, body, len, &text);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    if (st != status || (code && strcmp(ht_error_code(j), code) != 0) ||
        (words && !strstr(message(j), words)))
        fprintf(stderr, "POST %s: %ld %s (wanted %ld %s \"%s\")\n", path, st, text ? text : "",
                status, code ? code : "", words ? words : "");
    CHECK_INT_EQ(st, status);
    if (code)
        CHECK_STR_EQ(ht_error_code(j), code);
    if (words)
        CHECK(strstr(message(j), words) != NULL);
    cJSON_Delete(j);
    free(text);
}

static void t_content_type_exact(void)
{
    static const char body[] = "{\"answer\":\"genki\"}";
    long long before = checkins();
    static const char *const refused[] = {"text/plain",
                                          "application/jsonx",
                                          "application/json; charset=latin1",
                                          "application/x-www-form-urlencoded",
                                          "application/json; boundary=x",
                                          NULL};
    for (const char *const *ct = refused; *ct; ct++) {
        T.content_type = *ct;
        post_expect("/v1/checkins", body, strlen(body), 415, "unsupported_media_type",
                    "Content-Type: application/json");
    }
    CHECK_INT_EQ(checkins(), before);
    static const char *const taken[] = {"application/json", "application/json; charset=utf-8",
                                        "Application/JSON;charset=\"UTF-8\"", NULL};
    for (const char *const *ct = taken; *ct; ct++) {
        T.content_type = *ct;
        post_expect("/v1/checkins", body, strlen(body), 201, NULL, NULL);
    }
    T.content_type = NULL;
    CHECK_INT_EQ(checkins(), before + 3);
}

static void t_nul_and_utf8(void)
{
    long long before = checkins();
    /* "genki\u0000x" used to be taken as "genki" */
    static const char esc[] = "{\"answer\":\"genki\\u0000x\"}";
    post_expect("/v1/checkins", esc, strlen(esc), 400, "bad_request", "NUL");
    static const char raw[] = "{\"answer\":\"genki\0\"}";
    post_expect("/v1/checkins", raw, sizeof raw - 1, 400, "bad_request", "not UTF-8");
    static const char latin1[] = "{\"answer\":\"genki\xe9\"}";
    post_expect("/v1/checkins", latin1, strlen(latin1), 400, "bad_request", "not UTF-8");
    static const char overlong[] = "{\"answer\":\"\xc0\xaf\"}";
    post_expect("/v1/checkins", overlong, strlen(overlong), 400, "bad_request", "not UTF-8");
    /* an escaped backslash followed by u0000 is text, not a NUL: refused only as an answer
     * the hub does not know */
    static const char notnul[] = "{\"answer\":\"\\\\u0000\"}";
    post_expect("/v1/checkins", notnul, strlen(notnul), 400, "bad_request", "not one we know");
    CHECK_INT_EQ(checkins(), before);
}

static void t_duplicate_and_unknown_keys(void)
{
    long long before = checkins();
    static const char dup[] = "{\"answer\":\"genki\",\"answer\":\"genkinai\"}";
    post_expect("/v1/checkins", dup, strlen(dup), 400, "bad_request", "\"answer\" twice");
    static const char unknown[] = "{\"answer\":\"genki\",\"mood\":1}";
    post_expect("/v1/checkins", unknown, strlen(unknown), 400, "bad_request",
                "unknown field \"mood\"");
    CHECK_INT_EQ(checkins(), before);
    /* A repeated key deep in a document, on another endpoint. */
    static const char nested[] = "{\"kind\":\"touch\",\"x\":{\"a\":1,\"a\":2}}";
    post_expect("/v1/activity", nested, strlen(nested), 400, "bad_request", "\"a\" twice");
    static const char act[] = "{\"kind\":\"touch\",\"extra\":true}";
    post_expect("/v1/activity", act, strlen(act), 400, "bad_request", "unknown field \"extra\"");
}

static void t_help_body_validated(void)
{
    long long before = alerts();
    post_expect("/v1/help", "{", 1, 400, "bad_request", "not valid JSON");
    size_t n = 60 * 1024;
    char *nuls = calloc(1, n);
    REQUIRE(nuls != NULL);
    post_expect("/v1/help", nuls, n, 400, "bad_request", "not UTF-8");
    free(nuls);
    post_expect("/v1/help", "[]", 2, 400, "bad_request", "JSON object");
    post_expect("/v1/help", "{\"x\":1}", 7, 400, "bad_request", "unknown field \"x\"");
    T.content_type = "text/plain";
    post_expect("/v1/help", "{}", 2, 415, "unsupported_media_type", NULL);
    T.content_type = NULL;
    CHECK_INT_EQ(alerts(), before);
    /* What the kiosk sends, and no body at all, still call for help at once. */
    post_expect("/v1/help", "{}", 2, 201, NULL, NULL);
    CHECK(alerts() > before);
    long long after = alerts();
    post_expect("/v1/help", NULL, 0, 201, NULL, NULL);
    CHECK(alerts() > after);
}

int main(void)
{
    if (ht_init(&T, 1795392720) != 0) {
        fprintf(stderr, "cannot set up the test hub\n");
        return 1;
    }
    int ok = ht_enrol_home(&T, home1, sizeof home1) == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    TEST_RUN(t_content_type_exact);
    TEST_RUN(t_nul_and_utf8);
    TEST_RUN(t_duplicate_and_unknown_keys);
    TEST_RUN(t_help_body_validated);
    CHECK_INT_EQ(ht_stop(&T), 0);
    ht_cleanup(&T);
    return test_summary();
}
