/*
 * libFuzzer target for every parser of outside input in the orders library: the operator's
 * catalogue file, the kiosk's order request, the operator's status update, family requests
 * and answers, and webhook signature headers. Each must reject or accept without crashing,
 * leaking or reading out of bounds (ASan + UBSan), and an accepted catalogue must survive a
 * round trip through catalog_to_json.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "famreq.h"
#include "fixtures.h"
#include "orders.h"
#include "ostatus.h"
#include "whsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct catalog *fixture;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    const char *json = (const char *)data;
    if (!fixture) {
        if (catalog_parse(FIX_CATALOG, strlen(FIX_CATALOG), &fixture, err, sizeof(err)) !=
            ORDERS_OK) {
            abort();
        }
    }
    struct catalog *c = NULL;
    if (catalog_parse(json, size, &c, err, sizeof(err)) == ORDERS_OK) {
        char *again = catalog_to_json(c);
        struct catalog *c2 = NULL;
        if (!again || catalog_parse(again, strlen(again), &c2, err, sizeof(err)) != ORDERS_OK ||
            catalog_n_items(c2) != catalog_n_items(c)) {
            abort();
        }
        catalog_free(c2);
        free(again);
        catalog_free(c);
    }
    struct orders_order o;
    if (orders_request_parse(json, size, fixture, &o, err, sizeof(err)) == ORDERS_OK) {
        if (o.n_items < 1 || o.n_items > ORDERS_MAX_ITEMS || o.total_yen > ORDERS_MAX_TOTAL_YEN) {
            abort();
        }
        char *js = orders_resident_json(&o);
        free(js);
    }
    struct ostatus_update u;
    (void)ostatus_parse(json, size, &u, err, sizeof(err));
    long long fam;
    enum famreq_code code;
    enum famreq_answer ans;
    (void)famreq_parse_request(json, size, &fam, &code, err, sizeof(err));
    (void)famreq_parse_answer(json, size, &ans, err, sizeof(err));
    /* Signature headers: split the input into id / timestamp / signature / body at '\n'. */
    char buf[512];
    size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    char *id = buf, *ts = NULL, *sig = NULL, *body = NULL;
    if ((ts = strchr(id, '\n'))) {
        *ts++ = '\0';
        if ((sig = strchr(ts, '\n'))) {
            *sig++ = '\0';
            if ((body = strchr(sig, '\n'))) {
                *body++ = '\0';
            }
        }
    }
    (void)whsig_verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id, ts, sig, body ? body : "",
                       body ? strlen(body) : 0, 1614265330, 0);
    unsigned char key[WHSIG_KEY_MAX];
    size_t kl;
    (void)whsig_secret_decode(buf, key, &kl);
    return 0;
}
