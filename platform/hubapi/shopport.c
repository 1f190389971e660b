/*
 * shopport: shopping and family-request ports and answer parsers (see shopport.h).
 */
#include "shopport.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hubclient.h"
#include "hubport.h"
#include "jsonnum.h"
#include "kb64.h"
#include "sender.h"
#include "shopstate.h"

/* the kiosk has one hubport: the cache folder and the catalogue requests in flight are
 * module state, set on the UI thread, read by the worker under the mutex */
/* set once before the first request (shopport_set_picture_sink); read by the worker */
static void (*picture_sink)(long operator_id, const char *path, const unsigned char *bytes,
                            size_t n);

void shopport_set_picture_sink(void (*put)(long operator_id, const char *path,
                                           const unsigned char *bytes, size_t n))
{
    picture_sink = put;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char cache_dir[512];
#define CAT_REQS 8
static struct {
    uint32_t req;
    long op;
} cat_reqs[CAT_REQS];

/* Copies a string member; false when absent, not a string, empty or too long. */
static bool str(const cJSON *o, const char *key, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    dst[0] = '\0';
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= size)
        return false;
    memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
    /* no control characters on the screen */
    for (char *p = dst; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    return true;
}

/* --- parsers --- */

static void *parse_operators(const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "operators");
    if (!cJSON_IsArray(list))
        return NULL;
    struct shop_ops_payload *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        if (p->n >= SHOP_MAX_OPS)
            break;
        struct shop_operator *o = &p->ops[p->n];
        o->id = (long)jsonnum_ll(it, "id");
        const cJSON *hc = cJSON_GetObjectItemCaseSensitive(it, "has_catalogue");
        o->has_catalogue = cJSON_IsTrue(hc);
        if (o->id > 0 && str(it, "display_name", o->name, sizeof o->name))
            p->n++;
    }
    return p;
}

/* The catalogue (kiosk-catalogue/1 inside {"operator","catalogue","pictures"}); bad items
 * are skipped, the pictures go to the picture store. */
static void *parse_catalogue(const cJSON *root)
{
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(root, "operator");
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(root, "catalogue");
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(cat, "categories");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(cat, "items");
    if (!cJSON_IsObject(op) || !cJSON_IsArray(cats) || !cJSON_IsArray(items))
        return NULL;
    struct shop_catalogue *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->operator_id = (long)jsonnum_ll(op, "id");
    str(op, "display_name", c->operator_name, sizeof c->operator_name);
    const cJSON *it;
    cJSON_ArrayForEach(it, cats)
    {
        if (c->ncat >= SHOP_MAX_CATS)
            break;
        struct shop_category *k = &c->cats[c->ncat];
        if (str(it, "id", k->id, sizeof k->id) && shop_id_ok(k->id) &&
            str(it, "name", k->name, sizeof k->name))
            c->ncat++;
    }
    cJSON_ArrayForEach(it, items)
    {
        if (c->nitems >= SHOP_MAX_ITEMS)
            break;
        struct shop_item *x = &c->items[c->nitems];
        char catid[SHOP_ID_MAX];
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(it, "price_yen");
        if (!str(it, "id", x->id, sizeof x->id) || !shop_id_ok(x->id) ||
            !str(it, "name", x->name, sizeof x->name) ||
            !str(it, "unit", x->unit, sizeof x->unit) ||
            !str(it, "category", catid, sizeof catid) || !cJSON_IsNumber(price) ||
            price->valuedouble < 1 || price->valuedouble > SHOP_PRICE_MAX ||
            price->valuedouble != (double)(long)price->valuedouble)
            continue;
        x->price_yen = (long)price->valuedouble;
        str(it, "picture", x->picture, sizeof x->picture);
        x->cat = -1;
        for (int k = 0; k < c->ncat; k++)
            if (strcmp(c->cats[k].id, catid) == 0)
                x->cat = k;
        if (x->cat >= 0)
            c->nitems++;
    }
    if (c->ncat == 0 || c->nitems == 0) {
        free(c);
        return NULL;
    }
    /* pictures: {"pictures/cabbage.png":{"type","data_base64"}} */
    const cJSON *pics = cJSON_GetObjectItemCaseSensitive(root, "pictures");
    cJSON_ArrayForEach(it, pics)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "data_base64");
        if (!it->string || !cJSON_IsString(d) ||
            strlen(d->valuestring) > SHOPPORT_PICTURE_MAX * 4 / 3 + 8)
            continue;
        size_t cap = strlen(d->valuestring) / 4 * 3 + 3;
        unsigned char *bytes = malloc(cap);
        if (!bytes)
            continue;
        int n = kb64_decode(d->valuestring, bytes, cap);
        if (n > 0 && picture_sink)
            picture_sink(c->operator_id, it->string, bytes, (size_t)n);
        free(bytes);
    }
    return c;
}

static void parse_order(const cJSON *o, struct shop_order *out)
{
    char st[32];
    memset(out, 0, sizeof *out);
    out->id = (long)jsonnum_ll(o, "id");
    out->operator_id = (long)jsonnum_ll(o, "operator_id");
    str(o, "status", st, sizeof st);
    int s = shop_status_parse(st);
    out->status = s < 0 ? SHOP_ST_CREATED : (enum shop_status)s;
    out->total_yen = (long)jsonnum_ll(o, "total_yen");
    out->eta_unix = jsonnum_ll(o, "eta_unix");
    out->created_unix = jsonnum_ll(o, "created_unix");
    str(o, "slot", out->slot, sizeof out->slot);
    str(o, "cancel_reason", out->cancel_reason, sizeof out->cancel_reason);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(o, "items");
    out->nlines = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : 0;
    if (out->nlines > 0)
        str(cJSON_GetArrayItem(items, 0), "name", out->first_item, sizeof out->first_item);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        if (out->nkept >= SHOP_ORDER_LINES)
            break;
        struct shop_order_line *l = &out->line[out->nkept];
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "qty");
        if (str(it, "id", l->id, sizeof l->id) && shop_id_ok(l->id) && cJSON_IsNumber(q) &&
            q->valuedouble >= 1 && q->valuedouble <= SHOP_QTY_MAX) {
            l->qty = (int)q->valuedouble;
            out->nkept++;
        }
    }
}

static void *parse_orders(const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "orders");
    if (!cJSON_IsArray(list))
        return NULL;
    struct shop_orders *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        if (p->n >= SHOP_MAX_ORDERS)
            break;
        parse_order(it, &p->o[p->n]);
        if (p->o[p->n].id > 0)
            p->n++;
    }
    return p;
}

static bool parse_request(const cJSON *o, struct shop_request *r)
{
    char code[32], ans[32];
    memset(r, 0, sizeof *r);
    r->id = (long)jsonnum_ll(o, "id");
    if (!r->id)
        r->id = (long)jsonnum_ll(o, "request_id");
    const cJSON *fam = cJSON_GetObjectItemCaseSensitive(o, "family");
    if (cJSON_IsObject(fam)) {
        r->family_id = (long)jsonnum_ll(fam, "id");
        str(fam, "display_name", r->family_name, sizeof r->family_name);
    } else {
        r->family_id = (long)jsonnum_ll(o, "family_id");
    }
    r->resident_id = (long)jsonnum_ll(o, "resident_id");
    str(o, "code", code, sizeof code);
    int c = shop_req_code_parse(code);
    r->at_unix = jsonnum_ll(o, "at_unix");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "answer");
    int an = cJSON_IsString(a)       ? shop_req_answer_parse(a->valuestring)
             : cJSON_IsNull(a) || !a ? 0
                                     : -1;
    (void)ans;
    if (c < 0 || r->id <= 0 || r->at_unix <= 0 || an < 0)
        return false;
    r->code = (enum shop_req_code)c;
    r->answered = an == 1;
    r->answered_unix = jsonnum_ll(o, "answered_at_unix");
    return true;
}

static void add_family(struct shop_reqs_payload *p, long id, const char *name)
{
    if (id <= 0 || !name[0] || p->nfamily >= SHOP_MAX_FAMILY)
        return;
    for (int i = 0; i < p->nfamily; i++)
        if (p->family[i].id == id)
            return;
    /* A bounded copy by hand: gcc -O3 cannot prove that `name` (inside the parsed JSON)
     * does not overlap `p`, and snprintf's restrict check then fails the build. */
    size_t n = strnlen(name, sizeof p->family[0].name - 1);
    p->family[p->nfamily].id = id;
    memcpy(p->family[p->nfamily].name, name, n);
    p->family[p->nfamily].name[n] = '\0';
    p->nfamily++;
}

/* The resident's list: {"requests":[…], optional "family":[{"id","display_name"}]}. */
static void *parse_requests(const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "requests");
    if (!cJSON_IsArray(list))
        return NULL;
    struct shop_reqs_payload *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const cJSON *it;
    const cJSON *fam = cJSON_GetObjectItemCaseSensitive(root, "family");
    cJSON_ArrayForEach(it, fam)
    {
        char name[SHOP_NAME_MAX];
        if (str(it, "display_name", name, sizeof name))
            add_family(p, (long)jsonnum_ll(it, "id"), name);
    }
    cJSON_ArrayForEach(it, list)
    {
        if (p->reqs.n >= SHOP_MAX_REQS)
            break;
        struct shop_request *r = &p->reqs.r[p->reqs.n];
        if (!parse_request(it, r))
            continue;
        p->reqs.n++;
        /* without the hub's list: whoever received a request before may receive one */
        if (!cJSON_IsArray(fam))
            add_family(p, r->family_id, r->family_name);
    }
    return p;
}

/* The family member's pull: {"deliveries":[{"id","msg_id","event","offered","body"}]}. */
static void *parse_inbox(const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "deliveries");
    if (!cJSON_IsArray(list))
        return NULL;
    struct shop_reqs_payload *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        if (p->reqs.n >= SHOP_MAX_REQS)
            break;
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(it, "body");
        cJSON *parsed = NULL;
        if (cJSON_IsString(body))
            body = parsed = cJSON_Parse(body->valuestring);
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(body, "data");
        struct shop_request *r = &p->reqs.r[p->reqs.n];
        if (cJSON_IsObject(data) && parse_request(data, r)) {
            r->delivery_id = (long)jsonnum_ll(it, "id");
            p->reqs.n++;
        }
        cJSON_Delete(parsed);
    }
    return p;
}

static void *parse_order_answer(const cJSON *root)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "order");
    if (!cJSON_IsObject(o))
        return NULL;
    struct shop_order *p = calloc(1, sizeof *p);
    if (p)
        parse_order(o, p);
    return p;
}

void shopport_parse(struct app_event *ev, int err, long status, const char *body)
{
    cJSON *root = NULL;
    ev->shop_data = NULL;
    if (!hubport_outcome(ev, err, status))
        return;
    root = cJSON_Parse(body ? body : "");
    switch (ev->kind) {
    case APP_EV_SHOP_OPERATORS:
        ev->shop_data = parse_operators(root);
        break;
    case APP_EV_SHOP_CATALOGUE:
        ev->shop_data = parse_catalogue(root);
        break;
    case APP_EV_SHOP_ORDER:
        /* a 2xx means the hub has the order; the body adds its id and total */
        ev->shop_data = parse_order_answer(root);
        break;
    case APP_EV_SHOP_ORDERS:
        ev->shop_data = parse_orders(root);
        break;
    case APP_EV_REQ_LIST:
        ev->shop_data = ev->is_inbox ? parse_inbox(root) : parse_requests(root);
        break;
    case APP_EV_REQ_SENT:
    case APP_EV_REQ_ANSWERED:
        break;
    default:
        break;
    }
    bool needs = ev->kind == APP_EV_SHOP_OPERATORS || ev->kind == APP_EV_SHOP_CATALOGUE ||
                 ev->kind == APP_EV_SHOP_ORDERS || ev->kind == APP_EV_REQ_LIST;
    if (needs && !ev->shop_data)
        ev->net = APP_NET_BAD_ANSWER;
    cJSON_Delete(root);
}

void shopport_event_free(struct app_event *ev)
{
    if (!ev)
        return;
    free(ev->shop_data);
    ev->shop_data = NULL;
}

int shopport_report_kind(const char *k)
{
    if (strcmp(k, "order") == 0)
        return APP_EV_SHOP_ORDER;
    if (strcmp(k, "famreq") == 0)
        return APP_EV_REQ_SENT;
    return -1;
}

/* --- the catalogue cache (home tablet only) --- */

static void cache_file(int kind, long op, char *buf, size_t size)
{
    if (kind == APP_EV_SHOP_OPERATORS)
        snprintf(buf, size, "%s/operators.json", cache_dir);
    else
        snprintf(buf, size, "%s/catalogue-%ld.json", cache_dir, op);
}

/* Called by hubport for a catalogue answer (worker thread): keep a good one on disk, or
 * use the kept one when the hub could not be reached. Returns a body to parse instead
 * (owned, free), or NULL. */
char *shopport_cache(int kind, uint32_t req, int err, long status, const char *body)
{
    long op = kind == APP_EV_SHOP_OPERATORS ? 1 : 0;
    char *out = NULL;
    if (kind != APP_EV_SHOP_OPERATORS && kind != APP_EV_SHOP_CATALOGUE)
        return NULL;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CAT_REQS && kind == APP_EV_SHOP_CATALOGUE; i++)
        if (cat_reqs[i].req == req) {
            op = cat_reqs[i].op;
            cat_reqs[i].req = 0;
        }
    bool have_dir = cache_dir[0] != '\0';
    char file[600], tmp[620];
    cache_file(kind, op, file, sizeof file);
    pthread_mutex_unlock(&mu);
    if (!have_dir || op <= 0)
        return NULL;
    if (err == HUBC_OK && status >= 200 && status <= 299 && body) {
        /* write then rename, so a power cut leaves the old or the new file, never half */
        snprintf(tmp, sizeof tmp, "%s.tmp", file);
        FILE *f = fopen(tmp, "wb");
        if (f) {
            size_t n = strlen(body);
            bool ok = fwrite(body, 1, n, f) == n;
            ok = fflush(f) == 0 && ok;
            ok = fsync(fileno(f)) == 0 && ok;
            ok = fclose(f) == 0 && ok;
            if (!ok || rename(tmp, file) != 0) {
                fprintf(stderr, "kiosk: catalogue not cached: %s\n", strerror(errno));
                unlink(tmp);
            }
        }
        return NULL;
    }
    if (err == HUBC_OK)
        return NULL; /* the hub answered: its refusal stands */
    FILE *f = fopen(file, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0 && st.st_size <= 1024 * 1024) {
        out = malloc((size_t)st.st_size + 1);
        if (out && fread(out, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
            out[st.st_size] = '\0';
        } else {
            free(out);
            out = NULL;
        }
    }
    fclose(f);
    return out;
}

/* --- ports --- */

static uint32_t fetch_operators(void *ctx)
{
    return hubc_submit(hubport_client(ctx), HUBC_GET, "/v1/operators", NULL, NULL, NULL,
                       APP_EV_SHOP_OPERATORS);
}

static uint32_t fetch_catalogue(void *ctx, long op)
{
    char path[96];
    snprintf(path, sizeof path, "/v1/operators/%ld/catalogue", op);
    pthread_mutex_lock(&mu); /* before submitting: the answer may come at once */
    static unsigned next;
    int slot = (int)(next++ % CAT_REQS);
    cat_reqs[slot].op = op;
    cat_reqs[slot].req = 0;
    uint32_t id =
        hubc_submit(hubport_client(ctx), HUBC_GET, path, NULL, NULL, NULL, APP_EV_SHOP_CATALOGUE);
    cat_reqs[slot].req = id;
    pthread_mutex_unlock(&mu);
    return id;
}

static uint32_t send_order(void *ctx, long op, const char *body, const char *key)
{
    char path[96];
    snprintf(path, sizeof path, "/v1/operators/%ld/orders", op);
    return hubport_send_kept(ctx, "order", path, body, key, APP_EV_SHOP_ORDER);
}

static uint32_t fetch_orders(void *ctx, int limit)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/orders?limit=%d", limit);
    return hubc_submit(hubport_client(ctx), HUBC_GET, path, NULL, NULL, NULL, APP_EV_SHOP_ORDERS);
}

static uint32_t send_family_request(void *ctx, long family_id, const char *code, const char *key)
{
    char body[128];
    if (shop_req_code_parse(code) < 0)
        return 0;
    snprintf(body, sizeof body, "{\"family_id\":%ld,\"code\":\"%s\"}", family_id, code);
    return hubport_send_kept(ctx, "famreq", "/v1/family-requests", body, key, APP_EV_REQ_SENT);
}

static uint32_t fetch_requests(void *ctx, int limit)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/family-requests?limit=%d", limit);
    return hubc_submit(hubport_client(ctx), HUBC_GET, path, NULL, NULL, NULL, APP_EV_REQ_LIST);
}

static uint32_t fetch_inbox(void *ctx)
{
    /* leased, not acknowledged: an unanswered request comes back after the lease */
    return hubc_submit(hubport_client(ctx), HUBC_GET, "/v1/family/requests?max=20&lease=60", NULL,
                       NULL, NULL, HUBPORT_TAG_INBOX);
}

static uint32_t answer_request(void *ctx, long request_id, long delivery_id)
{
    char path[96];
    snprintf(path, sizeof path, "/v1/family/requests/%ld/answer", request_id);
    uint32_t id = hubc_submit(hubport_client(ctx), HUBC_POST, path, "{\"answer\":\"understood\"}",
                              NULL, NULL, APP_EV_REQ_ANSWERED);
    if (id && delivery_id > 0) {
        /* the answer ends the delivery; its result comes back with an id nobody waits for */
        snprintf(path, sizeof path, "/v1/family/requests/%ld/ack", delivery_id);
        hubc_submit(hubport_client(ctx), HUBC_POST, path, "{}", NULL, NULL, APP_EV_REQ_ANSWERED);
    }
    return id;
}

void shopport_bind(struct app_ports *p, const char *dir)
{
    pthread_mutex_lock(&mu);
    snprintf(cache_dir, sizeof cache_dir, "%s", dir ? dir : "");
    pthread_mutex_unlock(&mu);
    p->fetch_operators = fetch_operators;
    p->fetch_catalogue = fetch_catalogue;
    p->send_order = send_order;
    p->fetch_orders = fetch_orders;
    p->send_family_request = send_family_request;
    p->fetch_requests = fetch_requests;
    p->fetch_inbox = fetch_inbox;
    p->answer_request = answer_request;
}
