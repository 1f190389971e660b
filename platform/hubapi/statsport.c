/*
 * statsport: requests and answer of the resident's refusal of statistical use (see
 * statsport.h). Nothing of the answer is logged.
 */
#include "statsport.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "hubport.h"
#include "jsonnum.h"

static uint32_t stats_optout(void *ctx, int set)
{
    struct hubport *hp = ctx;
    const char *ses = hubport_card_session(hp);
    if (!ses)
        return 0; /* no card session: the screen says so, nothing is sent */
    if (set < 0)
        return hubport_submit_raw(hp, HUBC_GET, "/v1/session/stats-optout", NULL, ses,
                                  APP_EV_STATS_OPTOUT);
    return hubport_submit_raw(hp, HUBC_POST, "/v1/session/stats-optout",
                              set ? "{\"refuse\":true}" : "{\"refuse\":false}", ses,
                              APP_EV_STATS_OPTOUT);
}

void statsport_bind(struct app_ports *p)
{
    p->stats_optout = stats_optout;
}

void statsport_parse(struct app_event *ev, int err, long status, const char *body)
{
    memset(&ev->optout, 0, sizeof ev->optout);
    if (!hubport_outcome(ev, err, status))
        return;
    cJSON *root = cJSON_Parse(body ? body : "");
    const cJSON *refused = cJSON_GetObjectItemCaseSensitive(root, "refused");
    ev->net = cJSON_IsBool(refused) ? APP_NET_OK : APP_NET_BAD_ANSWER;
    if (ev->net == APP_NET_OK) {
        ev->optout.refused = cJSON_IsTrue(refused);
        ev->optout.changed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "changed"));
        long long since = jsonnum_ll(root, "since_unix");
        long long eff = jsonnum_ll(root, "effective_unix");
        ev->optout.since_unix = since > 0 ? since : 0;
        ev->optout.effective_unix = eff > 0 ? eff : 0;
    }
    cJSON_Delete(root);
}
