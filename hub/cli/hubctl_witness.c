/*
 * hubctl_witness.c: hubctl audit-witness (see hubctl_witness.h), over libcurl. The hub's
 * answers are capped and parsed strictly; the kept head is replaced only after a
 * verdict that keeps it (witness.h).
 */
#include "hubctl_witness.h"
#include "witness.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (64 * 1024)

struct buf {
    char data[ANSWER_MAX + 1];
    size_t len;
    int toobig;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    size_t k = size * n;
    if (b->len + k > ANSWER_MAX) {
        b->toobig = 1;
        return 0;
    }
    memcpy(b->data + b->len, p, k);
    b->len += k;
    b->data[b->len] = '\0';
    return k;
}

struct opts {
    const char *url, *token, *state, *pubkey, *ca_file;
    long log;
};

/* GET url+path; the parsed JSON answer of a 200, or NULL with the reason in err. */
static cJSON *get(const struct opts *o, const char *path, char *err, size_t errcap)
{
    static struct buf b;
    char url[1024], auth[300];
    cJSON *j = NULL;
    long status = 0;
    struct curl_slist *hdr = NULL;
    CURL *c = curl_easy_init();
    b.len = 0;
    b.toobig = 0;
    b.data[0] = '\0';
    snprintf(url, sizeof url, "%s%s", o->url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", o->token);
    hdr = curl_slist_append(hdr, auth);
    if (!c || !hdr) {
        snprintf(err, errcap, "out of memory");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    if (o->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        snprintf(err, errcap, "cannot reach the hub at %s: %s%s", o->url, curl_easy_strerror(rc),
                 b.toobig ? " (answer too large)" : "");
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        snprintf(err, errcap, "the hub answered %ld to %s: %.200s", status, path, b.data);
        goto out;
    }
    j = cJSON_Parse(b.data);
    if (!j)
        snprintf(err, errcap, "the hub's answer to %s is not JSON", path);
out:
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return j;
}

void hubctl_witness_usage(FILE *f)
{
    fprintf(f, "  audit-witness --url URL --token TOKEN --state FILE [--pubkey HEX] [--log N]\n"
               "               [--ca-file PEM]  check the hub's newest signed tree head\n"
               "                               extends the one kept in FILE (no --db); the log\n"
               "                               is FILE's, else --log, else the staff member's\n"
               "                               town's (--log 1: the hub log)\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        char *end = NULL;
        if (strcmp(k, "--url") == 0)
            o->url = v;
        else if (strcmp(k, "--token") == 0)
            o->token = v;
        else if (strcmp(k, "--state") == 0)
            o->state = v;
        else if (strcmp(k, "--pubkey") == 0)
            o->pubkey = v;
        else if (strcmp(k, "--ca-file") == 0)
            o->ca_file = v;
        else if (strcmp(k, "--log") == 0 && (o->log = strtol(v, &end, 10)) > 0 && *end == '\0')
            continue;
        else
            return -1;
    }
    return argc % 2 == 0 && o->url && o->token && o->state && strlen(o->url) < 512 &&
                   strlen(o->token) < 256 && (!o->pubkey || strlen(o->pubkey) == 64)
               ? 0
               : -1;
}

int hubctl_witness(int argc, char **argv)
{
    struct opts o;
    struct treehead kept, next;
    merkle_hash proof[MERKLE_PROOF_MAX];
    size_t len = 0;
    char err[512] = "", path[128];
    cJSON *head = NULL, *cons = NULL;
    int rc = 1;
    if (parse_opts(argc, argv, &o) != 0) {
        fprintf(stderr, "hubctl: audit-witness needs --url, --token and --state\n");
        hubctl_witness_usage(stderr);
        return 2;
    }
    int have = witness_load(o.state, &kept, err, sizeof err);
    if (have < 0)
        goto out;
    /* The kept head's log, so a witness keeps watching the log it started on (a state file
     * from before towns had logs: the hub log); a new one watches the town's. */
    if (have)
        o.log = (long)kept.log_id;
    if (o.log > 0)
        snprintf(path, sizeof path, "/v1/audit/head?log=%ld", o.log);
    else
        snprintf(path, sizeof path, "/v1/audit/head");
    if (!(head = get(&o, path, err, sizeof err)))
        goto out;
    if (treehead_from_json(head, &next) != 0) {
        snprintf(err, sizeof err, "the hub's head is not a signed tree head");
        goto out;
    }
    if (have && witness_needs_proof(&kept, &next)) {
        snprintf(path, sizeof path, "/v1/audit/consistency?log=%lld&from=%lld&to=%lld", kept.log_id,
                 kept.tree_size, next.tree_size);
        if (!(cons = get(&o, path, err, sizeof err)))
            goto out;
        if (witness_parse_proof(cons, proof, &len) != 0) {
            snprintf(err, sizeof err, "the hub's consistency proof is malformed");
            goto out;
        }
    }
    enum witness_verdict v = witness_check(have ? &kept : NULL, o.pubkey, &next, proof, len);
    printf("witness=%s\nverdict=%s\nkept_size=%lld\nhub_size=%lld\n", witness_ok(v) ? "OK" : "BAD",
           witness_verdict_str(v), have ? kept.tree_size : 0, next.tree_size);
    if (!witness_ok(v)) {
        err[0] = '\0'; /* said above, in the verdict */
        goto out;
    }
    if (witness_save(o.state, &next) != 0) {
        snprintf(err, sizeof err, "cannot write %s", o.state);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0 && err[0])
        printf("witness=ERROR\nreason=%s\n", err);
    cJSON_Delete(head);
    cJSON_Delete(cons);
    return rc;
}
