/*
 * fuzz_hubreq.c: libFuzzer target for every parser of outside input in hubreq.h (request
 * bodies, the Idempotency-Key header, path ids), the disaster endpoints' bodies of
 * hubreq_disaster.h, the alert notification bodies of hubreq_notify.h, the statistics opt-out of
 * hubreq_stats.h, the checked JSON readers every other parser of outside JSON is built on (the
 * orders library's), and the base64 decoder.
 */
#include "b64.h"
#include "hubreq.h"
#include "hubreq_disaster.h"
#include "hubreq_notify.h"
#include "hubreq_stats.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[512];
    const char *answer = NULL;
    static struct hubreq_card_login login;
    struct hubreq_consent consent;
    const char *body = (const char *)data;
    (void)hubreq_parse_checkin(body, size, &answer, msg, sizeof msg);
    (void)hubreq_parse_card_login(body, size, &login, msg, sizeof msg);
    (void)hubreq_parse_consent(body, size, &consent, msg, sizeof msg);
    char kind[HUBREQ_NAME_MAX];
    (void)hubreq_parse_activity(body, size, kind, msg, sizeof msg);
    static struct hubreq_notice notice;
    static struct hubreq_safety_check check;
    struct hubreq_safety_answer ans;
    (void)hubreq_parse_notice(body, size, &notice, msg, sizeof msg);
    (void)hubreq_parse_safety_check(body, size, &check, msg, sizeof msg);
    (void)hubreq_parse_safety_answer(body, size, &ans, msg, sizeof msg);
    int refuse = 0;
    (void)hubreq_parse_stats_optout(body, size, &refuse, msg, sizeof msg);
    (void)hubreq_parse_id(body, size);
    static struct hubreq_notify_settings settings;
    char code[HUBREQ_ACK_CODE_MAX];
    (void)hubreq_parse_notify_settings(body, size, &settings, msg, sizeof msg);
    (void)hubreq_parse_notify_ack(body, size, code, msg, sizeof msg);
    /* The checked readers on every member of whatever object came in, small caps too. */
    static const char *const keys[] = {"items", "id", "qty", "status", "eta_unix", NULL};
    cJSON *root = NULL;
    if (hubreq_json_object(body, size, size / 2 + 1, NULL, NULL, &root, msg, sizeof msg))
        cJSON_Delete(root);
    if (hubreq_json_object(body, size, HUBREQ_BODY_MAX, "fuzz input", "{}", &root, msg,
                           sizeof msg)) {
        (void)hubreq_json_only_keys(root, keys, msg, sizeof msg);
        const cJSON *c = NULL;
        cJSON_ArrayForEach(c, root)
        {
            long long v = 0;
            char text[64];
            (void)hubreq_json_int(c, -100, 1LL << 53, &v);
            (void)hubreq_json_text(c, text, sizeof text);
        }
        cJSON_Delete(root);
    }
    (void)hubreq_utf8_ok(body, size);
    unsigned char out[256];
    (void)b64_decode(body, size, out, sizeof out);
    char *z = malloc(size + 1);
    if (z) {
        memcpy(z, data, size);
        z[size] = '\0';
        (void)hubreq_valid_idempotency_key(z);
        free(z);
    }
    return 0;
}
