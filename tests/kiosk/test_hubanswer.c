/*
 * test_hubanswer: the kiosk's reading of the hub's answers (platform/sdl/hubport.c) into
 * app events: check-in time, who the device or family member is for, the check-in list
 * (bad items skipped, capped), refusals and answers that make no sense.
 */
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "hubport.h"
#include "kb64.h"
#include "test.h"

static struct app_event parse(enum app_event_kind kind, int err, long status, const char *body)
{
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    hubport_parse(&ev, err, status, body);
    return ev;
}

static void t_checkin(void)
{
    struct app_event ev = parse(APP_EV_CHECKIN_DONE, HUBC_OK, 201,
                                "{\"checkin\":{\"id\":7,\"resident_id\":1,\"answer\":\"genki\","
                                "\"at\":\"2026-11-23T00:12:00Z\",\"at_unix\":1795392720}}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK_INT_EQ(ev.checkin.at_unix, 1795392720);
    CHECK_INT_EQ(ev.checkin.answer, APP_ANSWER_GENKI);
    /* stored (201) but an odd body: still sent, the time is then the kiosk's own */
    ev = parse(APP_EV_CHECKIN_DONE, HUBC_OK, 201, "not json");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK_INT_EQ(ev.checkin.at_unix, 0);
    ev = parse(APP_EV_CHECKIN_DONE, HUBC_OK, 401, "{\"error\":{\"code\":\"unauthorized\"}}");
    CHECK_INT_EQ(ev.net, APP_NET_REFUSED);
    CHECK_INT_EQ(ev.status, 401);
    ev = parse(APP_EV_CHECKIN_DONE, HUBC_E_CONNECT, 0, "");
    CHECK_INT_EQ(ev.net, APP_NET_UNREACHABLE);
    ev = parse(APP_EV_CHECKIN_DONE, HUBC_E_TIMEOUT, 0, NULL);
    CHECK_INT_EQ(ev.net, APP_NET_UNREACHABLE);
}

static void t_me(void)
{
    struct app_event ev = parse(APP_EV_ME, HUBC_OK, 200,
                                "{\"role\":\"device\",\"kind\":\"home\",\"device_id\":3,"
                                "\"resident\":{\"id\":12,\"display_name\":\"山田 花子\"}}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK_INT_EQ(ev.resident_id, 12);
    CHECK_STR_EQ(ev.name, "山田 花子");
    ev = parse(APP_EV_ME, HUBC_OK, 200,
               "{\"role\":\"family\",\"family_id\":2,\"display_name\":\"山田 太郎\","
               "\"residents\":[{\"id\":12,\"display_name\":\"山田 花子\"}]}");
    CHECK_INT_EQ(ev.resident_id, 12);
    CHECK_STR_EQ(ev.name, "山田 花子");
    ev = parse(APP_EV_ME, HUBC_OK, 200, "{\"role\":\"device\",\"kind\":\"public\"}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK_INT_EQ(ev.resident_id, 0);
    CHECK_STR_EQ(ev.town.name, "");
    /* the device's municipality, as the hub names it */
    ev = parse(APP_EV_ME, HUBC_OK, 200,
               "{\"role\":\"device\",\"kind\":\"public\",\"municipality\":{\"code\":"
               "\"142018\",\"name\":\"横須賀市\",\"service_hours\":\"8:30〜17:15\","
               "\"contact\":\"福祉課 046-822-4000\"}}");
    CHECK_STR_EQ(ev.town.name, "横須賀市");
    CHECK_STR_EQ(ev.town.hours, "8:30〜17:15");
    CHECK_STR_EQ(ev.town.contact, "福祉課 046-822-4000");
    ev = parse(APP_EV_ME, HUBC_OK, 200, "<html>");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
}

static void t_checkins_list(void)
{
    struct app_event ev = parse(APP_EV_CHECKINS, HUBC_OK, 200,
                                "{\"resident_id\":12,\"checkins\":["
                                "{\"id\":3,\"answer\":\"genkinai\",\"at_unix\":1795392720},"
                                "{\"id\":2,\"answer\":\"dance\",\"at_unix\":1795306320},"
                                "{\"id\":1,\"answer\":\"itsumo\"},"
                                "{\"id\":0,\"answer\":\"genki\",\"at_unix\":1795219920}]}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    REQUIRE(ev.count == 2); /* an unknown answer and a missing time are skipped */
    CHECK_INT_EQ(ev.items[0].answer, APP_ANSWER_GENKINAI);
    CHECK_INT_EQ(ev.items[1].answer, APP_ANSWER_GENKI);
    ev = parse(APP_EV_CHECKINS, HUBC_OK, 200, "{\"checkins\":{}}");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    /* more items than the screen keeps: capped, not overflowed */
    size_t cap = 200 * 64 + 64;
    char *big = malloc(cap);
    REQUIRE(big);
    size_t n = (size_t)snprintf(big, cap, "{\"checkins\":[");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(big + n, cap - n, "%s{\"id\":%d,\"answer\":\"genki\",\"at_unix\":%d}",
                              i ? "," : "", i, 1795392720 - i);
    snprintf(big + n, cap - n, "]}");
    ev = parse(APP_EV_CHECKINS, HUBC_OK, 200, big);
    CHECK_INT_EQ(ev.count, APP_MAX_CHECKINS);
    free(big);
}

/* base64 of the card login's challenge, certificate and signature */
static void t_base64(void)
{
    char enc[64];
    unsigned char dec[64];
    CHECK_INT_EQ(kb64_encode((const unsigned char *)"foob", 4, enc, sizeof enc), 8);
    CHECK_STR_EQ(enc, "Zm9vYg==");
    CHECK_INT_EQ(kb64_encode((const unsigned char *)"fooba", 5, enc, sizeof enc), 8);
    CHECK_STR_EQ(enc, "Zm9vYmE=");
    CHECK_INT_EQ(kb64_encode((const unsigned char *)"foobar", 6, enc, 8), -1); /* too small */
    CHECK_INT_EQ(kb64_decode("Zm9vYmFy", dec, sizeof dec), 6);
    CHECK(memcmp(dec, "foobar", 6) == 0);
    CHECK_INT_EQ(kb64_decode("Zm9vYg==", dec, sizeof dec), 4);
    CHECK_INT_EQ(kb64_decode("Zm9vYg=", dec, sizeof dec), -1);  /* not a multiple of 4 */
    CHECK_INT_EQ(kb64_decode("Zm=vYmFy", dec, sizeof dec), -1); /* padding inside */
    CHECK_INT_EQ(kb64_decode("Zm9v!mFy", dec, sizeof dec), -1); /* not the alphabet */
    CHECK_INT_EQ(kb64_decode("Zm9vYmFy", dec, 5), -1);          /* output too small */
    unsigned char all[256];
    char big[400];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    REQUIRE(kb64_encode(all, 256, big, sizeof big) > 0);
    unsigned char back[256];
    CHECK_INT_EQ(kb64_decode(big, back, sizeof back), 256);
    CHECK(memcmp(all, back, 256) == 0);
}

int main(void)
{
    TEST_RUN(t_base64);
    TEST_RUN(t_checkin);
    TEST_RUN(t_me);
    TEST_RUN(t_checkins_list);
    return test_summary();
}
