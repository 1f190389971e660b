/*
 * hubreq_stats.c: the statistics opt-out body (see hubreq_stats.h).
 */
#include "hubreq_stats.h"

#include <cjson/cJSON.h>
#include <stdio.h>

enum hubreq_status hubreq_parse_stats_optout(const char *body, size_t len, int *refuse, char *msg,
                                             size_t msgcap)
{
    static const char *const keys[] = {"refuse", NULL};
    cJSON *root = NULL;
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    if (!hubreq_json_object(body, len, 1024, NULL, "{\"refuse\":true}", &root, msg, msgcap))
        return HUBREQ_BAD_JSON;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "refuse");
    if (!hubreq_json_only_keys(root, keys, msg, msgcap)) {
        /* msg names the key */
    } else if (!cJSON_IsBool(v)) {
        snprintf(msg, msgcap,
                 "The field \"refuse\" must be true (do not count me in the "
                 "town's statistics) or false (count me again).");
    } else {
        *refuse = cJSON_IsTrue(v) ? 1 : 0;
        st = HUBREQ_OK;
    }
    cJSON_Delete(root);
    return st;
}
