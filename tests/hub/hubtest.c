/*
 * hubtest.c: the black-box test helpers (see hubtest.h).
 *
 * ht_req() also checks the rule "every release produced exactly one audit record" on
 * every answer of every hub test: a 2xx answer of an endpoint that releases personal data
 * must have left exactly the audit records of that release under the X-Request-Id the hub
 * returned (the id it writes into each record), no more and no fewer.
 */
#include "hubtest.h"
#include "b64.h"
#include "db.h"
#include "test.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctype.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The test's own database on the PostgreSQL server whose `postgres` database admin names
 * (a URL without quotes or spaces: it goes into shell commands quoted): created empty,
 * named after the test's folder, and written into t->db. 0, or -1 with a message.
 */
static int pg_new_db(struct hubtest *t, const char *admin)
{
    static int n;
    char name[64], sql[96], err[512];
    const char *q = strstr(admin, "/postgres?");
    int len = snprintf(name, sizeof name, "hubtest_%d_%d_%s", (int)getpid(), n++,
                       t->dir + strlen("/tmp/hubtest."));
    for (int i = 0; i < len; i++)
        name[i] = (char)tolower((unsigned char)name[i]);
    struct db *a = NULL;
    if (!q || strpbrk(admin, "' ") || db_open(admin, 0, &a, err, sizeof err) != DB_OK) {
        fprintf(stderr, "hubtest: cannot use the PostgreSQL server %s: %s\n", admin,
                q ? err : "not a .../postgres?... URL");
        return -1;
    }
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    enum db_status st = db_exec(a, sql);
    if (st != DB_OK)
        fprintf(stderr, "hubtest: %s: %s\n", sql, db_errmsg(a));
    db_close(a);
    int w = snprintf(t->db, sizeof t->db, "%.*s/%s%s", (int)(q - admin), admin, name,
                     q + strlen("/postgres"));
    return st == DB_OK && w > 0 && (size_t)w < sizeof t->db ? 0 : -1;
}

int ht_init(struct hubtest *t, time_t start)
{
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/hubtest.XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    const char *admin = getenv("HUB_TEST_PG_ADMIN");
    if (admin && *admin) {
        if (pg_new_db(t, admin) != 0)
            return -1;
    } else {
        snprintf(t->db, sizeof t->db, "%s/hub.db", t->dir);
    }
    snprintf(t->key, sizeof t->key, "%s/hub.key", t->dir);
    snprintf(t->clock, sizeof t->clock, "%s/clock", t->dir);
    ht_set_clock(t, start);
    char args[256];
    snprintf(args, sizeof args, "init --key %s", t->key);
    static int curl_ready;
    if (!curl_ready++)
        curl_global_init(CURL_GLOBAL_DEFAULT);
    return ht_ctl(t, NULL, NULL, 0, args) == 0 ? 0 : -1;
}

void ht_cleanup(struct hubtest *t)
{
    char cmd[128];
    if (t->pid > 0)
        ht_stop(t);
    fprintf(stderr, "hubtest: %ld answers of releases checked for their audit records\n",
            t->releases_checked);
    snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "hubtest: could not remove %s\n", t->dir);
}

void ht_set_clock(struct hubtest *t, time_t now)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", t->clock);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "%lld\n", (long long)now);
    fclose(f);
    rename(tmp, t->clock); /* atomic: the hub never reads a half-written file */
}

int ht_ctl(struct hubtest *t, const char *key, char *out, size_t cap, const char *args)
{
    char cmd[2048], line[1024];
    snprintf(cmd, sizeof cmd, "%s --db '%s' --clock-file %s --secrets-key %s/secrets.key %s",
             HUBCTL_PATH, t->db, t->clock, t->dir, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t kl = key ? strlen(key) : 0;
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, "reason=", 7) == 0) /* a refusal in words: into the test's log */
            fprintf(stderr, "hubctl %.40s: %s", args, line);
        if (key && strncmp(line, key, kl) == 0 && line[kl] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%s", line + kl + 1);
        }
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t ht_spawn(const char *cmd, char *line, size_t cap)
{
    int out[2];
    line[0] = '\0';
    if (pipe(out) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    if (!f || !fgets(line, (int)cap, f))
        line[0] = '\0';
    if (f)
        fclose(f);
    else
        close(out[0]);
    return pid;
}

int ht_enrol_home(struct hubtest *t, char *token, size_t cap)
{
    char res[16], args[128];
    if (ht_ctl(t, "resident_id", res, sizeof res,
               "resident-add --name Hanako --district Kita --deadline 10:00") != 0)
        return -1;
    snprintf(args, sizeof args, "device-add --kind home --resident %s", res);
    return ht_ctl(t, "token", token, cap, args) == 0 ? 0 : -1;
}

int ht_enrol_two(struct hubtest *t, const char *ca, char *home1, char *home2, char *kiosk,
                 size_t cap)
{
    char args[512];
    snprintf(args, sizeof args,
             "resident-add --name Hanako --district Kita --deadline 10:00 --cert %s/resident-1.pem",
             ca);
    int ok = ht_ctl(t, NULL, NULL, 0, args) == 0;
    snprintf(args, sizeof args,
             "resident-add --name Ichiro --district Minami --deadline 09:00 --cert "
             "%s/resident-2.pem",
             ca);
    ok = ok && ht_ctl(t, NULL, NULL, 0, args) == 0;
    ok = ok && ht_ctl(t, "token", home1, cap, "device-add --kind home --resident 1") == 0;
    ok = ok && ht_ctl(t, "token", home2, cap, "device-add --kind home --resident 2") == 0;
    ok = ok && ht_ctl(t, "token", kiosk, cap, "device-add --kind public") == 0;
    return ok ? 0 : -1;
}

int ht_start_enrolled(struct hubtest *t, int enrolled, const char *extra)
{
    if (enrolled && ht_start(t, extra) == 0)
        return 0;
    fprintf(stderr, "cannot enrol or start the test hub\n");
    ht_cleanup(t);
    return -1;
}

int ht_start(struct hubtest *t, const char *extra)
{
    char cmd[2048], line[256];
    unsigned port = 0;
    snprintf(cmd, sizeof cmd,
             "exec %s --db '%s' --port 0 --key %s --secrets-key %s/secrets.key --clock-file %s"
             " --tick 0 %s",
             HUBD_PATH, t->db, t->key, t->dir, t->clock, extra ? extra : "");
    t->pid = ht_spawn(cmd, line, sizeof line);
    if (t->pid <= 0 || sscanf(line, "listening on 127.0.0.1:%u", &port) != 1) {
        ht_stop(t);
        return -1;
    }
    t->port = port;
    return 0;
}

int ht_make_ca(struct hubtest *t, int residents, char *ca, size_t cap)
{
    char cmd[512];
    snprintf(ca, cap, "%s/ca", t->dir);
    snprintf(cmd, sizeof cmd, "sh %s %s %d >/dev/null 2>&1", TESTCA_SCRIPT, ca, residents);
    return system(cmd) == 0 ? 0 : -1;
}

int ht_stop(struct hubtest *t)
{
    int st = 0;
    if (t->pid <= 0)
        return -1;
    kill(t->pid, SIGTERM);
    waitpid(t->pid, &st, 0);
    t->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct buf {
    char *p;
    size_t n;
};

#define RID_CAP 64 /* room for the X-Request-Id value (the hub's are 32 hex digits) */

/* How many audit records a 2xx answer of a release must have under its request id. */
enum release_rule {
    REL_ONE,      /* exactly one */
    REL_IF_ANY,   /* one if the array `items` is not empty (nothing released: none) */
    REL_EACH,     /* one per element of the array `items` (each goes to its own resident's
                   * log); `items` may name several arrays (count_items) */
    REL_NEW_ONCE, /* Idempotency-Key: one for the first answer, none for a replay */
};

/* Every endpoint of docs/api.md that sends personal data to its caller (or, for orders and
 * family requests, to the recipient it names). '*' stands for one path segment. */
static const struct release {
    const char *method, *pattern;
    enum release_rule rule;
    const char *items;
} releases[] = {
    {"GET", "/v1/me", REL_ONE, NULL},
    {"GET", "/v1/residents/*/checkins", REL_ONE, NULL},
    {"POST", "/v1/auth/card-login", REL_ONE, NULL},
    {"GET", "/v1/session", REL_ONE, NULL},
    {"GET", "/v1/session/access-log", REL_ONE, NULL},
    {"GET", "/v1/session/access-summary", REL_ONE, NULL},
    {"GET", "/v1/help", REL_IF_ANY, "presses"},
    {"GET", "/v1/session/consents", REL_ONE, NULL},
    {"GET", "/v1/session/alerts", REL_ONE, NULL},
    {"GET", "/v1/residents/*/alerts", REL_ONE, NULL},
    {"GET", "/v1/alerts", REL_EACH, "alerts"},
    {"GET", "/v1/session/checkups", REL_IF_ANY, "checkups"},
    {"GET", "/v1/session/checkups/*", REL_ONE, NULL},
    {"GET", "/v1/session/checkup-trend", REL_IF_ANY, "points"},
    {"POST", "/v1/operators/*/orders", REL_NEW_ONCE, NULL},
    {"GET", "/v1/orders", REL_ONE, NULL},
    {"POST", "/v1/family-requests", REL_NEW_ONCE, NULL},
    {"GET", "/v1/family-requests", REL_ONE, NULL},
    {"GET", "/v1/family/requests", REL_EACH, "deliveries"},
    {"POST", "/v1/family/requests/*/answer", REL_ONE, NULL},
    {"GET", "/v1/safety-checks/*", REL_EACH, "safe+need_help+no_answer"},
    {"GET", "/v1/safety", REL_IF_ANY, "checks.answer"},
    {"GET", "/v1/family/safety", REL_EACH, "checks/residents"},
};

/*
 * How many items a release answer holds, by spec: "a" the elements of array a; "a+b" the
 * elements of a and of b; "a/b" the elements of the arrays b inside a's elements; "a.k"
 * the elements of a whose k is not null.
 */
static int count_items(const cJSON *j, const char *spec)
{
    char name[64];
    size_t n = strcspn(spec, "+/.");
    snprintf(name, sizeof name, "%.*s", (int)n, spec);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, name), *e;
    int count = 0;
    if (spec[n] == '+')
        return cJSON_GetArraySize(arr) + count_items(j, spec + n + 1);
    if (spec[n] == '\0')
        return cJSON_GetArraySize(arr);
    cJSON_ArrayForEach(e, arr)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, spec + n + 1);
        count += spec[n] == '/' ? cJSON_GetArraySize(v) : v && !cJSON_IsNull(v);
    }
    return count;
}

/* path (query string ignored) matches pattern, '*' matching one non-empty segment. */
static int path_matches(const char *path, const char *pat)
{
    while (*pat) {
        if (*pat == '*') {
            size_t n = strcspn(path, "/?");
            if (n == 0)
                return 0;
            path += n;
            pat++;
        } else if (*path++ != *pat++) {
            return 0;
        }
    }
    return *path == '\0' || *path == '?';
}

/* Remembers the Idempotency-Keys (scoped to the caller's token, as the hub scopes them)
 * that got a 2xx, so a later answer with the same key is known to be a replay, which
 * releases nothing new and must not be audited again. */
static int idem_seen(struct hubtest *t, const char *token, const char *idem)
{
    char k[sizeof t->idem[0]];
    snprintf(k, sizeof k, "%s %s", token ? token : "-", idem);
    for (int i = 0; i < t->n_idem; i++)
        if (strcmp(t->idem[i], k) == 0)
            return 1;
    if (t->n_idem < HT_IDEM_MAX)
        memcpy(t->idem[t->n_idem++], k, sizeof k);
    return 0;
}

static void check_release_audited(struct hubtest *t, const char *method, const char *path,
                                  const char *token, const char *idem, long code, const char *rid,
                                  const char *resp)
{
    const struct release *rel = NULL;
    if (code < 200 || code > 299)
        return;
    for (size_t i = 0; i < sizeof releases / sizeof releases[0] && !rel; i++)
        if (strcmp(method, releases[i].method) == 0 && path_matches(path, releases[i].pattern))
            rel = &releases[i];
    if (!rel)
        return;
    long long want = 1;
    if (rel->items) {
        cJSON *j = cJSON_Parse(resp ? resp : "");
        int n = count_items(j, rel->items);
        want = rel->rule == REL_EACH ? n : n > 0;
        cJSON_Delete(j);
    } else if (rel->rule == REL_NEW_ONCE && idem && idem_seen(t, token, idem)) {
        want = 0;
    }
    char sql[160];
    long long got = -1;
    /* Request ids are 32 hex digits; anything else would be a missing header. */
    if (strlen(rid) == 32 && strspn(rid, "0123456789abcdef") == 32) {
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE request_id = '%s'", rid);
        got = ht_sql_int(t, sql);
    }
    t->releases_checked++;
    if (got != want) {
        fprintf(stderr,
                "hubtest: %s %s -> %ld, X-Request-Id \"%s\": %lld audit records, want %lld\n",
                method, path, code, rid, got, want);
        CHECK_INT_EQ(got, want);
    }
}

/* Keeps the value of the X-Request-Id response header. */
static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
    char *rid = u;
    size_t len = sz * n;
    static const char name[] = "x-request-id:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t vl = len - (sizeof name - 1);
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        snprintf(rid, RID_CAP, "%.*s", (int)vl, v);
    }
    return len;
}

static size_t on_data(char *p, size_t sz, size_t n, void *u)
{
    struct buf *b = u;
    size_t add = sz * n;
    char *q = realloc(b->p, b->n + add + 1);
    if (!q)
        return 0;
    memcpy(q + b->n, p, add);
    b->p = q;
    b->n += add;
    b->p[b->n] = '\0';
    return add;
}

long ht_req(struct hubtest *t, const char *method, const char *path, const char *token,
            const char *session, const char *idem, const char *body, size_t body_len, char **resp)
{
    char url[512], h1[256], h2[256], h3[128], rid[RID_CAP] = "";
    struct buf b = {0};
    long code = 0;
    CURL *c = curl_easy_init();
    char ct[128];
    snprintf(ct, sizeof ct, "Content-Type: %s",
             t->content_type ? t->content_type : "application/json");
    struct curl_slist *hdr = curl_slist_append(NULL, ct);
    snprintf(url, sizeof url, "%s://127.0.0.1:%u%s", t->tls ? "https" : "http", t->port, path);
    if (token) {
        snprintf(h1, sizeof h1, "Authorization: Bearer %s", token);
        hdr = curl_slist_append(hdr, h1);
    }
    if (session) {
        snprintf(h2, sizeof h2, "X-Card-Session: %s", session);
        hdr = curl_slist_append(hdr, h2);
    }
    if (idem) {
        snprintf(h3, sizeof h3, "Idempotency-Key: %s", idem);
        hdr = curl_slist_append(hdr, h3);
    }
    hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, rid);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, t->timeout_s > 0 ? t->timeout_s : 20L);
    if (t->tls) {
        curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L); /* test certificate for 127.0.0.1 */
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    check_release_audited(t, method, path, token, idem, code, rid, b.p);
    if (resp)
        *resp = b.p ? b.p : calloc(1, 1);
    else
        free(b.p);
    return code;
}

long ht_json(struct hubtest *t, const char *method, const char *path, const char *token,
             const char *session, const char *body, cJSON **json)
{
    char *text = NULL;
    long code = ht_req(t, method, path, token, session, NULL, body, body ? strlen(body) : 0, &text);
    *json = text ? cJSON_Parse(text) : NULL;
    free(text);
    return code;
}

const char *ht_error_code(const cJSON *j)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    return cJSON_IsString(c) ? c->valuestring : "";
}

long long ht_audit_count(struct hubtest *t)
{
    return ht_sql_int(t, "SELECT COUNT(*) FROM audit WHERE action <> 'auth.refused'");
}

int ht_refused(struct hubtest *t, const char *method, const char *path, const char *token,
               const char *session, const char *idem, const char *body, int allow404,
               const char *const *leaks, const char *who)
{
    char *text = NULL;
    long long before = ht_audit_count(t);
    long st = ht_req(t, method, path, token, session, idem, body, body ? strlen(body) : 0, &text);
    int ok = st == 401 || st == 403 || (allow404 && st == 404);
    for (int i = 0; leaks && leaks[i] && ok; i++)
        ok = strstr(text, leaks[i]) == NULL;
    ok = ok && ht_audit_count(t) == before;
    cJSON *ej = cJSON_Parse(text);
    ok = ok && strlen(ht_error_code(ej)) > 0;
    cJSON_Delete(ej);
    if (!ok)
        fprintf(stderr, "hubtest: not refused as it must be: %s %s as %s -> %ld %s\n", method, path,
                who, st, text);
    free(text);
    return ok;
}

int ht_on_postgres(const struct hubtest *t)
{
    return db_target_is_postgres(t->db);
}

/* A handle on the test's database, or NULL after a message. */
static struct db *open_db(struct hubtest *t)
{
    char err[512];
    struct db *db = NULL;
    if (db_open(t->db, 0, &db, err, sizeof err) != DB_OK)
        fprintf(stderr, "hubtest: %s\n", err);
    return db;
}

long long ht_sql_int(struct hubtest *t, const char *sql)
{
    struct db *db = open_db(t);
    struct db_stmt *st = NULL;
    long long v = -1;
    if (db && db_prepare(db, sql, &st) == DB_OK && db_step(st) == DB_ROW)
        v = db_col_int64(st, 0);
    db_finalize(st);
    db_close(db);
    return v;
}

int ht_sql_ints(struct hubtest *t, const char *sql, long long *out, int cap)
{
    struct db *db = open_db(t);
    struct db_stmt *st = NULL;
    int n = -1;
    enum db_status s = DB_ERR;
    if (db && db_prepare(db, sql, &st) == DB_OK) {
        n = 0;
        while (n < cap && (s = db_step(st)) == DB_ROW)
            out[n++] = db_col_int64(st, 0);
        if (s != DB_ROW && s != DB_DONE)
            n = -1;
    }
    db_finalize(st);
    db_close(db);
    return n;
}

int ht_sql_exec(struct hubtest *t, const char *sql)
{
    struct db *db = open_db(t);
    int rc = -1;
    if (db) {
        rc = db_exec(db, sql) == DB_OK ? 0 : -1;
        if (rc)
            fprintf(stderr, "hubtest: sql failed: %s\n", db_errmsg(db));
    }
    db_close(db);
    return rc;
}

char *ht_sign_b64(const char *key_path, const unsigned char *msg, size_t len)
{
    FILE *f = fopen(key_path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    unsigned char sig[512];
    size_t siglen = sizeof sig;
    char *out = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (k && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
        EVP_DigestSign(md, sig, &siglen, msg, len) == 1) {
        out = malloc(b64_encoded_len(siglen) + 1);
        if (out)
            b64_encode(sig, siglen, out);
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return out;
}

long ht_card_answer(struct hubtest *t, const char *device_token, const char *chal_b64,
                    const char *cert_path, const char *key_path, cJSON **json)
{
    unsigned char chal[64];
    unsigned char *der = NULL;
    long n = b64_decode(chal_b64, strlen(chal_b64), chal, sizeof chal);
    FILE *f = fopen(cert_path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    int dlen = x ? i2d_X509(x, &der) : -1;
    X509_free(x);
    size_t clen = dlen > 0 ? (size_t)dlen : 0;
    char *sig = n > 0 ? ht_sign_b64(key_path, chal, (size_t)n) : NULL;
    char *cert64 = malloc(b64_encoded_len(clen) + 1);
    char *body = malloc(b64_encoded_len(clen) + 2048);
    long st = 0;
    *json = NULL;
    if (sig && cert64 && body && clen > 0) {
        b64_encode(der, clen, cert64);
        snprintf(body, b64_encoded_len(clen) + 2048,
                 "{\"challenge\":\"%s\",\"certificate\":\"%s\",\"signature\":\"%s\"}", chal_b64,
                 cert64, sig);
        st = ht_json(t, "POST", "/v1/auth/card-login", device_token, NULL, body, json);
    }
    OPENSSL_free(der);
    free(sig);
    free(cert64);
    free(body);
    return st;
}

/* Challenge, signature by test-CA resident n's key, login on the device: the status of the
 * login's answer (0 when no challenge was given), its body into *j (owned). */
static long card_login(struct hubtest *t, const char *ca_dir, int n, const char *device_token,
                       cJSON **j)
{
    char cpath[300], kpath[300], ch64[64];
    *j = NULL;
    snprintf(cpath, sizeof cpath, "%s/resident-%d.pem", ca_dir, n);
    snprintf(kpath, sizeof kpath, "%s/resident-%d.key", ca_dir, n);
    if (ht_json(t, "POST", "/v1/auth/challenge", device_token, NULL, "{}", j) != 201)
        return 0;
    snprintf(ch64, sizeof ch64, "%s", cJSON_GetObjectItem(*j, "challenge")->valuestring);
    cJSON_Delete(*j);
    *j = NULL;
    return ht_card_answer(t, device_token, ch64, cpath, kpath, j);
}

int ht_card_login(struct hubtest *t, const char *ca_dir, int n, const char *device_token, char *out,
                  size_t cap)
{
    cJSON *j = NULL;
    int rc = card_login(t, ca_dir, n, device_token, &j) == 201 ? 0 : -1;
    if (rc == 0)
        snprintf(out, cap, "%s", cJSON_GetObjectItem(j, "session")->valuestring);
    cJSON_Delete(j);
    return rc;
}

long ht_card_attempt(struct hubtest *t, const char *ca_dir, int n, const char *device_token,
                     char *code, size_t cap)
{
    cJSON *j = NULL;
    long st = card_login(t, ca_dir, n, device_token, &j);
    snprintf(code, cap, "%s", ht_error_code(j));
    cJSON_Delete(j);
    return st;
}

int ht_card_enrol(struct hubtest *t, const char *ca_dir, int n, char *kiosk, size_t cap)
{
    char args[768];
    int ok = 1;
    for (int i = 1; i <= n && ok; i++) {
        snprintf(
            args, sizeof args,
            "resident-add --name R%d --district Kita --deadline 10:00 --cert %s/resident-%d.pem", i,
            ca_dir, i);
        ok = ht_ctl(t, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(t, "token", kiosk, cap, "device-add --kind public") == 0;
    return ok ? 0 : -1;
}

long long ht_card_audited(struct hubtest *t, const char *outcome)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit WHERE action = 'auth.card_login' AND outcome = '%s'",
             outcome);
    return ht_sql_int(t, sql);
}

int ht_sql_claim(struct hubtest *t, const char *principal, const char *key, const char *body,
                 long long lease_until, long long now)
{
    char sql[512], hex[65];
    unsigned char md[32];
    unsigned int n = 0;
    if (EVP_Digest(body, strlen(body), md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return -1;
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(sql, sizeof sql,
             "INSERT INTO idempotency_keys(principal, key, body_hash, lease_until, created_unix)"
             " VALUES('%s', '%s', '%s', %lld, %lld)",
             principal, key, hex, lease_until, now);
    return ht_sql_exec(t, sql);
}

int ht_file_lines(const char *file, const char *prefix)
{
    FILE *f = fopen(file, "r");
    char line[70000];
    int n = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

long long ht_wait_sql(struct hubtest *t, const char *sql, long long want, int ms)
{
    long long v = -1;
    for (int waited = 0; waited <= ms; waited += 50) {
        if ((v = ht_sql_int(t, sql)) == want)
            break;
        usleep(50 * 1000);
    }
    return v;
}

int ht_make_tls_cert(struct hubtest *t, char *crt, size_t crtcap, char *key, size_t keycap)
{
    char cmd[1024];
    snprintf(crt, crtcap, "%s/tls.crt", t->dir);
    snprintf(key, keycap, "%s/tls.key", t->dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 2 -subj "
             "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             key, crt);
    return system(cmd) == 0 ? 0 : -1;
}
