/*
 * fuzz_notice_answer: libFuzzer over the kiosk's parsers of the hub's notices and safety
 * answers and of a safety answer kept in the outbox (platform/hubapi/noticeport.c). The
 * first byte picks the kind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "noticeport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum app_event_kind kinds[] = {APP_EV_NOTICES, APP_EV_SAFETY_LIST,
                                                APP_EV_SAFETY_SENT};
    if (size < 1 || size > 256 * 1024)
        return 0;
    char *body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kinds[data[0] % 3];
    if (data[0] & 0x80) {
        /* an outbox item: the path is the body's first line */
        char *nl = strchr(body, '\n');
        if (nl)
            *nl = '\0';
        noticeport_safety_item(body, nl ? nl + 1 : "", 1, &ev);
    } else {
        noticeport_parse(&ev, HUBC_OK, (data[0] & 0x40) ? 304 : 200, body);
    }
    free(ev.disaster);
    free(body);
    return 0;
}
