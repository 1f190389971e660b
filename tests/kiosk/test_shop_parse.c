/*
 * test_shop_parse: the hub's shopping and family-request answers as the kiosk reads them
 * (platform/sdl/shopport.c), from the shapes in docs/api.md: operators, a catalogue with a
 * base64 picture, an order, the order list with every status, the resident's requests
 * (with and without the hub's family list), the family member's pulled deliveries;
 * refusals, network failures, bad items skipped, lists capped, nonsense refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "shopport.h"
#include "shopstate.h"
#include "test.h"

static struct app_event parse(enum app_event_kind k, long status, const char *body)
{
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = k;
    shopport_parse(&ev, HUBC_OK, status, body);
    return ev;
}

static void t_operators(void)
{
    struct app_event ev =
        parse(APP_EV_SHOP_OPERATORS, 200,
              "{\"operators\":[{\"id\":1,\"display_name\":\"みどり商店\",\"districts\":[\"d1\"],"
              "\"has_catalogue\":true},{\"id\":2,\"display_name\":\"空\",\"has_catalogue\":false},"
              "{\"id\":0,\"display_name\":\"bad\"},{\"display_name\":\"no id\"},{\"id\":5}]}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_ops_payload *p = ev.shop_data;
    CHECK_INT_EQ(p->n, 2);
    CHECK_STR_EQ(p->ops[0].name, "みどり商店");
    CHECK(p->ops[0].has_catalogue);
    CHECK(!p->ops[1].has_catalogue);
    shopport_event_free(&ev);
    CHECK(ev.shop_data == NULL);
    ev = parse(APP_EV_SHOP_OPERATORS, 200, "{\"ops\":[]}");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    ev = parse(APP_EV_SHOP_OPERATORS, 200, "not json");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    ev = parse(APP_EV_SHOP_OPERATORS, 401, "{\"error\":{}}");
    CHECK_INT_EQ(ev.net, APP_NET_REFUSED);
    CHECK_INT_EQ(ev.status, 401);
    CHECK(ev.shop_data == NULL);
    memset(&ev, 0, sizeof ev);
    ev.kind = APP_EV_SHOP_OPERATORS;
    shopport_parse(&ev, HUBC_E_CONNECT, 0, NULL);
    CHECK_INT_EQ(ev.net, APP_NET_UNREACHABLE);
}

static void t_catalogue(void)
{
    /* a 1x1 PNG */
    const char *png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+"
                      "M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    char body[4096];
    snprintf(body, sizeof body,
             "{\"operator\":{\"id\":4,\"display_name\":\"みどり商店\"},\"catalogue\":{\"format\":"
             "\"kiosk-catalogue/1\",\"categories\":[{\"id\":\"veg\",\"name\":\"野菜\"},{\"id\":"
             "\"BAD ID\",\"name\":\"x\"}],\"items\":[{\"id\":\"cabbage\",\"category\":\"veg\","
             "\"name\":\"キャベツ\",\"picture\":\"pictures/cabbage.png\",\"unit\":\"1玉\","
             "\"price_yen\":198},{\"id\":\"free\",\"category\":\"veg\",\"name\":\"ただ\","
             "\"unit\":\"1\",\"price_yen\":0},{\"id\":\"frac\",\"category\":\"veg\",\"name\":"
             "\"x\",\"unit\":\"1\",\"price_yen\":1.5},{\"id\":\"orphan\",\"category\":\"none\","
             "\"name\":\"x\",\"unit\":\"1\",\"price_yen\":5}]},\"pictures\":{"
             "\"pictures/cabbage.png\":{\"type\":\"image/png\",\"data_base64\":\"%s\"}}}",
             png);
    struct app_event ev = parse(APP_EV_SHOP_CATALOGUE, 200, body);
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_catalogue *c = ev.shop_data;
    CHECK_INT_EQ(c->operator_id, 4);
    CHECK_STR_EQ(c->operator_name, "みどり商店");
    CHECK_INT_EQ(c->ncat, 1);
    CHECK_INT_EQ(c->nitems, 1); /* price 0, 1.5 and an unknown category are skipped */
    CHECK_STR_EQ(c->items[0].name, "キャベツ");
    CHECK_INT_EQ(c->items[0].price_yen, 198);
    CHECK_STR_EQ(c->items[0].picture, "pictures/cabbage.png");
    CHECK_STR_EQ(c->items[0].unit, "1玉");
    shopport_event_free(&ev);
    /* no usable item at all: a bad answer, not an empty shop */
    ev = parse(APP_EV_SHOP_CATALOGUE, 200,
               "{\"operator\":{\"id\":4},\"catalogue\":{\"categories\":[],\"items\":[]}}");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    ev = parse(APP_EV_SHOP_CATALOGUE, 404, "{}");
    CHECK_INT_EQ(ev.net, APP_NET_REFUSED);
}

static void t_orders(void)
{
    struct app_event ev = parse(
        APP_EV_SHOP_ORDER, 201,
        "{\"order\":{\"id\":12,\"operator_id\":4,\"items\":[{\"id\":\"cabbage\",\"name\":"
        "\"キャベツ\","
        "\"qty\":2,\"unit_price_yen\":198}],\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":"
        "\"cash_on_delivery\",\"total_yen\":396,\"status\":\"created\",\"status_words\":"
        "\"送信済み\","
        "\"eta_unix\":null,\"cancel_reason\":null,\"created_unix\":1795392720}}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_order *o = ev.shop_data;
    CHECK_INT_EQ(o->id, 12);
    CHECK_INT_EQ(o->total_yen, 396);
    CHECK_INT_EQ(o->status, SHOP_ST_CREATED);
    CHECK_STR_EQ(o->first_item, "キャベツ");
    shopport_event_free(&ev);
    /* a 2xx whose body is odd still means the hub has the order */
    ev = parse(APP_EV_SHOP_ORDER, 201, "");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    ev = parse(APP_EV_SHOP_ORDER, 422, "{\"error\":{\"code\":\"not_in_district\"}}");
    CHECK_INT_EQ(ev.net, APP_NET_REFUSED);
    CHECK_INT_EQ(ev.status, 422);

    ev = parse(APP_EV_SHOP_ORDERS, 200,
               "{\"orders\":[{\"id\":3,\"status\":\"out_for_delivery\",\"eta_unix\":1795413600,"
               "\"total_yen\":554,\"items\":[{\"name\":\"キャベツ\"},{\"name\":\"大根\"}],"
               "\"created_unix\":1795392720},{\"id\":2,\"status\":\"cancelled\",\"cancel_reason\":"
               "\"品切れのため\",\"total_yen\":98,\"items\":[]},{\"id\":1,\"status\":\"accepted\"},"
               "{\"status\":\"delivered\"},{\"id\":9,\"status\":\"teleported\"}]}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_orders *l = ev.shop_data;
    CHECK_INT_EQ(l->n, 4); /* the one without id is skipped */
    CHECK_INT_EQ(l->o[0].status, SHOP_ST_OUT_FOR_DELIVERY);
    CHECK_INT_EQ(l->o[0].eta_unix, 1795413600);
    CHECK_INT_EQ(l->o[0].nlines, 2);
    CHECK_STR_EQ(l->o[1].cancel_reason, "品切れのため");
    CHECK_INT_EQ(l->o[2].status, SHOP_ST_ACCEPTED);
    CHECK_INT_EQ(l->o[3].status, SHOP_ST_CREATED); /* unknown status word: not guessed further */
    shopport_event_free(&ev);
}

static void t_orders_capped(void)
{
    char *body = malloc(64 * 1024);
    REQUIRE(body);
    size_t len = (size_t)snprintf(body, 64 * 1024, "{\"orders\":[");
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(body + len, 64 * 1024 - len,
                                "%s{\"id\":%d,\"status\":\"accepted\"}", i ? "," : "", i + 1);
    snprintf(body + len, 64 * 1024 - len, "]}");
    struct app_event ev = parse(APP_EV_SHOP_ORDERS, 200, body);
    REQUIRE(ev.shop_data);
    CHECK_INT_EQ(((const struct shop_orders *)ev.shop_data)->n, SHOP_MAX_ORDERS);
    shopport_event_free(&ev);
    free(body);
}

static void t_requests(void)
{
    /* without the hub's family list: those seen in the requests */
    struct app_event ev = parse(
        APP_EV_REQ_LIST, 200,
        "{\"requests\":[{\"id\":7,\"family\":{\"id\":5,\"display_name\":\"山田 太郎\"},\"code\":"
        "\"call_me\",\"phrase\":\"電話してください\",\"at_unix\":1795392000,\"answer\":"
        "\"understood\","
        "\"answer_ja\":\"わかりました\",\"answered_at_unix\":1795392600},{\"id\":6,\"family\":{"
        "\"id\":5,\"display_name\":\"山田 太郎\"},\"code\":\"come_over\",\"at_unix\":1795300000,"
        "\"answer\":null},{\"id\":5,\"family\":{\"id\":8,\"display_name\":\"x\"},\"code\":"
        "\"dance\",\"at_unix\":1},{\"id\":4,\"family\":{\"id\":8},\"code\":\"call_me\","
        "\"at_unix\":5,\"answer\":\"no\"}]}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_reqs_payload *p = ev.shop_data;
    CHECK_INT_EQ(p->reqs.n, 2); /* an unknown code and an unknown answer are skipped */
    CHECK(p->reqs.r[0].answered);
    CHECK_INT_EQ(p->reqs.r[0].answered_unix, 1795392600);
    CHECK(!p->reqs.r[1].answered);
    CHECK_INT_EQ(p->reqs.r[1].code, SHOP_REQ_COME_OVER);
    CHECK_INT_EQ(p->nfamily, 1);
    CHECK_INT_EQ(p->family[0].id, 5);
    shopport_event_free(&ev);
    /* with the hub's list */
    ev = parse(APP_EV_REQ_LIST, 200,
               "{\"requests\":[],\"family\":[{\"id\":5,\"display_name\":\"山田 太郎\"},{\"id\":6,"
               "\"display_name\":\"佐藤 花子\"},{\"id\":0,\"display_name\":\"x\"}]}");
    REQUIRE(ev.shop_data);
    p = ev.shop_data;
    CHECK_INT_EQ(p->nfamily, 2);
    CHECK_STR_EQ(p->family[1].name, "佐藤 花子");
    shopport_event_free(&ev);
}

static void t_inbox(void)
{
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = APP_EV_REQ_LIST;
    ev.is_inbox = true;
    shopport_parse(
        &ev, HUBC_OK, 200,
        "{\"deliveries\":[{\"id\":31,\"msg_id\":\"m1\",\"event\":\"family.request\","
        "\"offered\":1,\"body\":{\"type\":\"family.request\",\"timestamp\":\"t\",\"data\":"
        "{\"request_id\":41,\"resident_id\":1,\"code\":\"shopping_help\",\"phrase\":"
        "\"買い物を頼みたい\",\"at_unix\":1795392690}}},{\"id\":32,\"body\":\"{\\\"data\\\":"
        "{\\\"request_id\\\":42,\\\"resident_id\\\":1,\\\"code\\\":\\\"call_me\\\","
        "\\\"at_unix\\\":1795392700}}\"},{\"id\":33,\"body\":{\"data\":{\"code\":"
        "\"call_me\"}}}]}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.shop_data);
    const struct shop_reqs_payload *p = ev.shop_data;
    CHECK_INT_EQ(p->reqs.n, 2); /* the body as an object and as a string; no id → skipped */
    CHECK_INT_EQ(p->reqs.r[0].id, 41);
    CHECK_INT_EQ(p->reqs.r[0].delivery_id, 31);
    CHECK_INT_EQ(p->reqs.r[0].code, SHOP_REQ_SHOPPING_HELP);
    CHECK_INT_EQ(p->reqs.r[1].id, 42);
    CHECK_INT_EQ(p->reqs.r[1].delivery_id, 32);
    shopport_event_free(&ev);
}

static void t_report_kinds(void)
{
    CHECK_INT_EQ(shopport_report_kind("order"), APP_EV_SHOP_ORDER);
    CHECK_INT_EQ(shopport_report_kind("famreq"), APP_EV_REQ_SENT);
    CHECK_INT_EQ(shopport_report_kind("checkin"), -1);
}

int main(void)
{
    TEST_RUN(t_operators);
    TEST_RUN(t_catalogue);
    TEST_RUN(t_orders);
    TEST_RUN(t_orders_capped);
    TEST_RUN(t_requests);
    TEST_RUN(t_inbox);
    TEST_RUN(t_report_kinds);
    return test_summary();
}
