/* fuzz_hubanswer: libFuzzer target for the kiosk's parser of hub answers (hubport_parse). */
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "hubport.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *body = malloc(size + 1);
    if (!body)
        return 0;
    memcpy(body, data, size);
    body[size] = '\0';
    static const enum app_event_kind kinds[] = {APP_EV_CHECKIN_DONE, APP_EV_ME, APP_EV_CHECKINS,
                                                APP_EV_HELP_DONE};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct app_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = kinds[i];
        hubport_parse(&ev, HUBC_OK, 200, body);
        if (ev.count < 0 || ev.count > APP_MAX_CHECKINS)
            abort();
    }
    free(body);
    return 0;
}
