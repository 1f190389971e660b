/*
 * hubtest.c: the black-box test helpers (see hubtest.h).
 */
#include "hubtest.h"
#include "b64.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <curl/curl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int ht_init(struct hubtest *t, time_t start)
{
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/hubtest.XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->db, sizeof t->db, "%s/hub.db", t->dir);
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
    snprintf(cmd, sizeof cmd, "%s --db %s --clock-file %s %s", HUBCTL_PATH, t->db, t->clock, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t kl = key ? strlen(key) : 0;
    while (fgets(line, sizeof line, p)) {
        if (key && strncmp(line, key, kl) == 0 && line[kl] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%s", line + kl + 1);
        }
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ht_start(struct hubtest *t, const char *extra)
{
    int out[2];
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "exec %s --db %s --port 0 --key %s --clock-file %s --tick 0 %s",
             HUBD_PATH, t->db, t->key, t->clock, extra ? extra : "");
    if (pipe(out) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    t->pid = pid;
    FILE *f = fdopen(out[0], "r");
    char line[256];
    unsigned port = 0;
    int ok =
        f && fgets(line, sizeof line, f) && sscanf(line, "listening on 127.0.0.1:%u", &port) == 1;
    if (f)
        fclose(f);
    else
        close(out[0]);
    if (!ok) {
        ht_stop(t);
        return -1;
    }
    t->port = port;
    return 0;
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
    char url[512], h1[256], h2[256], h3[128];
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
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
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

long long ht_sql_int(struct hubtest *t, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_open_v2(t->db, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    return v;
}

int ht_sql_exec(struct hubtest *t, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(t->db, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
        if (rc)
            fprintf(stderr, "hubtest: sql failed: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_close_v2(db);
    return rc;
}

static char *sign_b64(const char *key_path, const unsigned char *msg, size_t len)
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

int ht_card_login(struct hubtest *t, const char *ca_dir, int n, const char *device_token, char *out,
                  size_t cap)
{
    cJSON *j = NULL;
    char cpath[300], kpath[300], ch64[64];
    snprintf(cpath, sizeof cpath, "%s/resident-%d.pem", ca_dir, n);
    snprintf(kpath, sizeof kpath, "%s/resident-%d.key", ca_dir, n);
    if (ht_json(t, "POST", "/v1/auth/challenge", device_token, NULL, "{}", &j) != 201) {
        cJSON_Delete(j);
        return -1;
    }
    snprintf(ch64, sizeof ch64, "%s", cJSON_GetObjectItem(j, "challenge")->valuestring);
    cJSON_Delete(j);
    j = NULL;
    unsigned char ch[48];
    long chn = b64_decode(ch64, strlen(ch64), ch, sizeof ch);
    FILE *f = fopen(cpath, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    unsigned char *der = NULL;
    int dlen = x ? i2d_X509(x, &der) : -1;
    X509_free(x);
    char *sig = chn > 0 ? sign_b64(kpath, ch, (size_t)chn) : NULL;
    int rc = -1;
    if (dlen > 0 && sig) {
        size_t cap64 = b64_encoded_len((size_t)dlen) + 1;
        char *cert64 = malloc(cap64);
        char *body = malloc(cap64 + 1024);
        if (cert64 && body) {
            b64_encode(der, (size_t)dlen, cert64);
            snprintf(body, cap64 + 1024,
                     "{\"challenge\":\"%s\",\"certificate\":\"%s\",\"signature\":\"%s\"}", ch64,
                     cert64, sig);
            if (ht_json(t, "POST", "/v1/auth/card-login", device_token, NULL, body, &j) == 201) {
                snprintf(out, cap, "%s", cJSON_GetObjectItem(j, "session")->valuestring);
                rc = 0;
            }
            cJSON_Delete(j);
        }
        free(cert64);
        free(body);
    }
    OPENSSL_free(der);
    free(sig);
    return rc;
}
