/*
 * opdemo: the hub's side of the shopping demo until hubd serves orders itself. It imports
 * an operator's catalogue (file + pictures), places one resident order the way the hub
 * will (idempotency claim, order, the operator's minimal pseudonymized view, delivery, in
 * one durable transaction), and pushes it as a signed webhook to the operator's endpoint,
 * retrying on the real clock for at most --wait seconds. Run opreceiver first and give its
 * URL and secret.
 *
 *   opdemo --catalogue FILE --url URL --secret whsec_... [--db FILE] [--order JSON]
 *          [--address-consent] [--wait SECONDS]
 *
 * Without --address-consent the operator gets no name and no address (try both).
 */
#include "scope.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "catalog.h"
#include "deliveries.h"
#include "hubdb.h"
#include "hubtoken.h"
#include "idempotency.h"
#include "opush.h"
#include "ordstore.h"
#include "orders.h"
#include "oview.h"
#include "secrets.h"
#include "webhooks.h"
#include "whsig.h"

#define DEFAULT_ORDER                                                                              \
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":1},{\"id\":\"milk\",\"qty\":2}],"                     \
    "\"slot\":\"2099-11-24T15:00/17:00\",\"payment_method\":\"cash_on_delivery\"}"

static void usage(void)
{
    fprintf(stderr, "usage: opdemo --catalogue FILE --url URL --secret whsec_... [--db FILE] "
                    "[--order JSON] [--address-consent] [--wait SECONDS]\n");
}

int main(int argc, char **argv)
{
    int rc = 1;
    const char *cat_path = NULL, *url = NULL, *secret = NULL, *db_path = NULL;
    const char *order = DEFAULT_ORDER;
    int consent = 0;
    long wait_s = 30;
    struct catalog *cat = NULL;
    struct db *db = NULL;
    struct opush *push = NULL;
    char err[256] = "", tmpdb[64] = "", keyfile[600] = "";
    struct secretbox *box = NULL;
    char *answer = NULL, *released = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--address-consent") == 0) {
            consent = 1;
            continue;
        }
        if (!v) {
            usage();
            return 2;
        }
        if (strcmp(a, "--catalogue") == 0) {
            cat_path = v;
        } else if (strcmp(a, "--url") == 0) {
            url = v;
        } else if (strcmp(a, "--secret") == 0) {
            secret = v;
        } else if (strcmp(a, "--db") == 0) {
            db_path = v;
        } else if (strcmp(a, "--order") == 0) {
            order = v;
        } else if (strcmp(a, "--wait") == 0) {
            char *end = NULL;
            wait_s = strtol(v, &end, 10);
            if (*end || wait_s < 0 || wait_s > 3600) {
                usage();
                return 2;
            }
        } else {
            usage();
            return 2;
        }
        i++;
    }
    if (!cat_path || !url || !secret) {
        usage();
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (catalog_load_file(cat_path, &cat, err, sizeof(err)) != ORDERS_OK) {
        fprintf(stderr, "opdemo: catalogue refused: %s\n", err);
        goto out;
    }
    printf("catalogue: %zu categories, %zu items, pictures checked\n", catalog_n_categories(cat),
           catalog_n_items(cat));
    if (!db_path) {
        snprintf(tmpdb, sizeof(tmpdb), "/tmp/opdemo-%ld.db", (long)getpid());
        db_path = tmpdb;
    }
    /* The webhook secret and pseudonym keys are sealed under a key file of the demo's
     * database (store/secrets.h). */
    snprintf(keyfile, sizeof(keyfile), "%s.secrets.key", db_path);
    if (db_open(db_path, DB_OPEN_CREATE, &db, err, sizeof(err)) != DB_OK ||
        hubdb_migrate_db(db, err, sizeof(err)) != HUBDB_OK ||
        secrets_start(db, keyfile, &box, err, sizeof(err)) != 0 ||
        /* the resident the demo orders for (id 1, town 1) */
        db_exec(db, "INSERT INTO residents(display_name, district, deadline_min, created_unix)"
                    " VALUES('デモ 太郎', '中央町', 600, 0)") != DB_OK) {
        fprintf(stderr, "opdemo: cannot open %s: %s\n", db_path, err);
        goto out;
    }
    if (webhooks_set(db, "operator:1", url, secret, err, sizeof(err)) != ORDERS_OK) {
        fprintf(stderr, "opdemo: endpoint refused: %s\n", err);
        goto out;
    }
    long long now = (long long)time(NULL);
    char key[40], hash[HUBTOKEN_HASH_HEX];
    snprintf(key, sizeof(key), "opdemo-%lld-%ld", now, (long)getpid());
    hubtoken_hash(order, strlen(order), hash);
    struct idempotency_claim claim;
    enum idempotency_result ir = IDEMPOTENCY_IN_FLIGHT;
    int status = 0, lost = 0;
    if (db_begin(db) != DB_OK ||
        idempotency_claim(db, scope_of(1), "device:1", key, hash, now, &ir, &claim, &status,
                          &answer) != DB_OK ||
        db_commit(db) != DB_OK || ir != IDEMPOTENCY_PROCEED) {
        fprintf(stderr, "opdemo: the idempotency key was not claimed: %s\n", db_errmsg(db));
        db_rollback(db);
        goto out;
    }
    struct orders_order o;
    if (orders_request_parse(order, strlen(order), cat, &o, err, sizeof(err)) != ORDERS_OK) {
        fprintf(stderr, "opdemo: order refused: %s\n", err);
        if (db_begin(db) != DB_OK || idempotency_abandon(db, scope_of(1), &claim) != DB_OK ||
            db_commit(db) != DB_OK) {
            db_rollback(db);
            fprintf(stderr, "opdemo: could not release the key\n");
        }
        goto out;
    }
    o.resident_id = 1;
    o.operator_id = 1;
    snprintf(o.district, sizeof(o.district), "中央町");
    /* Demo data of a made-up resident; only sent with --address-consent. */
    struct oview_person person = {"見本 花子", "中央町1-2-3"};
    if (db_begin(db) != DB_OK ||
        ordstore_place(db, scope_of(1), &o, consent, consent ? &person : NULL, now, &released) !=
            ORDERS_OK ||
        !(answer = orders_resident_json(&o)) ||
        idempotency_finish(db, scope_of(1), &claim, 201, answer, now, &lost) != DB_OK || lost ||
        db_commit(db) != DB_OK) {
        fprintf(stderr, "opdemo: storing the order failed: %s\n", db_errmsg(db));
        db_rollback(db);
        goto out;
    }
    printf("order %lld placed (%ld yen), address consent %s\n", o.id, o.total_yen,
           consent ? "active" : "not given");
    push = opush_create(db, NULL, NULL);
    if (!push) {
        goto out;
    }
    for (long waited = 0;; waited++) {
        struct opush_stats s;
        if (opush_run_once(push, &s) != ORDERS_OK) {
            goto out;
        }
        long long pending = -1;
        if (deliveries_count_pending(db, scope_of(1), "operator:1", &pending) == ORDERS_OK &&
            pending == 0) {
            printf("delivered to %s and acknowledged (%.2f ms)\n", url,
                   opush_last_latency_ms(push));
            rc = 0;
            break;
        }
        if (waited >= wait_s) {
            printf("not acknowledged yet; the hub would keep retrying for 72 h\n");
            break;
        }
        sleep(1);
    }
out:
    opush_destroy(push);
    free(answer);
    free(released);
    db_close(db);
    secretbox_install(NULL);
    secretbox_free(box);
    if (tmpdb[0]) {
        unlink(tmpdb);
        unlink(keyfile);
        char side[80];
        snprintf(side, sizeof(side), "%s-wal", tmpdb);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", tmpdb);
        unlink(side);
    }
    catalog_free(cat);
    curl_global_cleanup();
    return rc;
}
