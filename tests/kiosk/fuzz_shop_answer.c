/*
 * fuzz_shop_answer: libFuzzer over the kiosk's parsers of the hub's shopping and
 * family-request answers (platform/sdl/shopport.c). The first byte picks the kind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "shopport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum app_event_kind kinds[] = {APP_EV_SHOP_OPERATORS, APP_EV_SHOP_CATALOGUE,
                                                APP_EV_SHOP_ORDER,     APP_EV_SHOP_ORDERS,
                                                APP_EV_REQ_LIST,       APP_EV_REQ_SENT};
    if (size < 1 || size > 256 * 1024)
        return 0;
    char *body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kinds[data[0] % 6];
    ev.is_inbox = data[0] & 0x80;
    shopport_parse(&ev, HUBC_OK, 200, body);
    shopport_event_free(&ev);
    free(body);
    return 0;
}
