/*
 * hubctl_towns.c: exporting, verifying and removing a municipality (see hubctl_towns.h).
 *
 * The export file is JSON Lines (one JSON object and "\n" a line, UTF-8):
 *   {"format":"hub-municipality-export","version":2,"municipality":{...},
 *    "exported_at_unix":N,"audit_log":L,"public_key":"<the town's Ed25519 public key, 64 hex>"}
 *   {"table":"residents","row":{"id":"1","display_name":"…",...}}      (values text or null)
 *   ...
 *   {"end":{"lines":N,"sha256":"<64 hex>","signature":"<128 hex>"}}
 * `lines` counts the lines before the last, `sha256` is over their exact bytes, newlines
 * included, and `signature` is the town's own Ed25519 signature (the key of its audit log,
 * auditkey.h) over the 64 ASCII hex digits of sha256. A file cut short, edited, reordered
 * or extended fails; the signer is the key in the header, which a receiving town compares
 * with the one the hub published for it (`export-verify --pubkey HEX`). The town's audit
 * log in the file (tables audit_heads and audit) is checked from the file alone
 * (hubctl_exportaudit.h). Version 1 files (signed by the hub key, the audit records
 * without their heads) still verify, signature and digest only.
 */
#include "hubctl_towns.h"
#include "audit.h"
#include "auditkey.h"
#include "auditlog.h"
#include "hubctl_exportaudit.h"
#include "hubclock.h"
#include "hubkey.h"
#include "hubtoken.h"
#include "scope.h"
#include "townexport.h"
#include "townleave.h"
#include "towns.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FORMAT_NAME  "hub-municipality-export"
#define LINE_MAX_LEN (16u << 20) /* a checkup's results or a catalogue never come near */

void hubctl_towns_usage(FILE *f)
{
    fprintf(f, "  municipality-export --out FILE --key FILE\n"
               "                               the town's data and its audit log in one file,\n"
               "                               signed with the town's key, made from the hub\n"
               "                               key (FILE must be new)\n"
               "  export-verify --file FILE [--pubkey HEX]   (no --db needed) checks an export\n"
               "                               on its own: digest, signature, and the signer\n"
               "  municipality-remove --confirm CODE\n"
               "                               delete the town and everything of it (export\n"
               "                               first); audited in the hub log; the town's audit\n"
               "                               log stays, and keeps verifying\n");
}

static const char *arg(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

struct out {
    FILE *f;
    EVP_MD_CTX *sha;
    long long lines;
    int failed;
};

/* Writes one JSON object as a line and adds it to the digest; frees o. */
static void put(struct out *w, cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!text || fputs(text, w->f) == EOF || fputc('\n', w->f) == EOF) {
        w->failed = 1;
    } else {
        w->failed |= EVP_DigestUpdate(w->sha, text, strlen(text)) != 1 ||
                     EVP_DigestUpdate(w->sha, "\n", 1) != 1;
        w->lines++;
    }
    free(text);
}

static int put_row(void *ctx, const struct townexport_row *r)
{
    struct out *w = ctx;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "table", r->table);
    cJSON *row = cJSON_AddObjectToObject(o, "row");
    for (int i = 0; i < r->n; i++) {
        if (r->values[i])
            cJSON_AddStringToObject(row, r->names[i], r->values[i]);
        else
            cJSON_AddNullToObject(row, r->names[i]);
    }
    put(w, o);
    return w->failed;
}

/* Writes the export of town (whose audit log is log) into f, signed with key (the log's).
 * 0, or -1 with a sentence on stderr. */
static int write_export(struct db *db, const struct scope *town, long long log, EVP_PKEY *key,
                        FILE *f, long long *lines)
{
    struct out w = {.f = f, .sha = EVP_MD_CTX_new()};
    struct towns_row t;
    char pub[65], digest_hex[65], sig[129];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc = -1;
    if (!w.sha || EVP_DigestInit_ex(w.sha, EVP_sha256(), NULL) != 1 ||
        towns_get(db, town, &t) != DB_ROW || hubkey_public_hex(key, pub) != 0) {
        fprintf(stderr, "hubctl: cannot read the municipality or the key's public half\n");
        goto out;
    }
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "format", FORMAT_NAME);
    cJSON_AddNumberToObject(h, "version", 2);
    cJSON *m = cJSON_AddObjectToObject(h, "municipality");
    cJSON_AddNumberToObject(m, "id", (double)t.id);
    cJSON_AddStringToObject(m, "code", t.code);
    cJSON_AddStringToObject(m, "name", t.name);
    cJSON_AddNumberToObject(h, "exported_at_unix", (double)hubclock_now());
    cJSON_AddNumberToObject(h, "audit_log", (double)log);
    cJSON_AddStringToObject(h, "public_key", pub);
    put(&w, h);
    if (townexport_walk(db, town, put_row, &w) != DB_OK || w.failed) {
        fprintf(stderr, "hubctl: the export stopped: %s\n",
                w.failed ? "cannot write the file" : db_errmsg(db));
        goto out;
    }
    if (EVP_DigestFinal_ex(w.sha, md, &mdlen) != 1 || mdlen != 32) {
        fprintf(stderr, "hubctl: cannot compute the export's digest\n");
        goto out;
    }
    hubtoken_hex(md, mdlen, digest_hex);
    if (hubkey_sign_hex(key, (const unsigned char *)digest_hex, 64, sig) != 0) {
        fprintf(stderr, "hubctl: cannot sign the export\n");
        goto out;
    }
    cJSON *e = cJSON_CreateObject();
    cJSON *end = cJSON_AddObjectToObject(e, "end");
    cJSON_AddNumberToObject(end, "lines", (double)w.lines);
    cJSON_AddStringToObject(end, "sha256", digest_hex);
    cJSON_AddStringToObject(end, "signature", sig);
    char *text = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    rc = text && fputs(text, f) != EOF && fputc('\n', f) != EOF ? 0 : -1;
    free(text);
    *lines = w.lines;
out:
    EVP_MD_CTX_free(w.sha);
    return rc;
}

/* Chains what is stored (PostgreSQL) and signs a head over the town's log now, so the
 * export carries every record under a head. 0, or -1 with words on stderr. */
static int sign_now(struct db *db, long long log, EVP_PKEY *hub)
{
    long long chained = 0;
    enum db_status s = audit_chain_all_db(db, &chained);
    if (s == DB_OK || s == DB_ERR_BUSY)
        s = db_begin(db);
    if (s == DB_OK)
        s = audit_sign_log_db(db, log, hub, hubclock_now());
    if (s == DB_OK)
        s = db_commit(db);
    else
        db_rollback(db);
    /* Busy: a hub is signing this log right now; its head covers the records as well. */
    if (s != DB_OK && s != DB_ERR_BUSY) {
        fprintf(stderr, "hubctl: cannot sign the town's audit log: %s\n", db_errmsg(db));
        return -1;
    }
    return 0;
}

/* The export's transaction: on PostgreSQL one snapshot (REPEATABLE READ), so the heads and
 * records in the file are of one moment like every other table. */
static enum db_status begin_snapshot(struct db *db)
{
    if (db_dialect(db) != DB_POSTGRES)
        return db_begin(db);
    enum db_status s = db_exec(db, "BEGIN");
    if (s == DB_OK)
        s = db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    return s;
}

static int cmd_export(struct db *db, const struct scope *town, int argc, char **argv)
{
    const char *path = arg(argc, argv, "--out"), *keypath = arg(argc, argv, "--key");
    char err[256];
    long long lines = 0, log = 0;
    int rc = 1;
    if (!path || !keypath) {
        fprintf(stderr, "hubctl: municipality-export needs --out FILE and --key FILE\n");
        return 2;
    }
    EVP_PKEY *hub = hubkey_load(keypath, err, sizeof err), *key = NULL;
    if (!hub) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    if (auditlog_of_town(db, scope_town(town), &log) != DB_ROW ||
        !(key = auditkey_for_log(hub, log)) || sign_now(db, log, hub) != 0) {
        fprintf(stderr, "hubctl: cannot prepare the town's audit log for the export\n");
        EVP_PKEY_free(hub);
        return 1;
    }
    EVP_PKEY_free(hub);
    FILE *f = fopen(path, "wx");
    if (!f) {
        fprintf(stderr, "hubctl: cannot create %s (it must not exist yet): %s\n", path,
                strerror(errno));
        EVP_PKEY_free(key);
        return 1;
    }
    /* One transaction: the file is the town at one moment, and its audit record commits
     * only with a complete file. */
    if (begin_snapshot(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
    } else if (write_export(db, town, log, key, f, &lines) != 0 || fflush(f) != 0 ||
               fsync(fileno(f)) != 0) {
        db_rollback(db);
    } else if (hubctl_audit(db, "municipality.export", "ok", 0, "municipality") != 0 ||
               db_commit(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot record the export: %s\n", db_errmsg(db));
        db_rollback(db);
    } else {
        rc = 0;
    }
    if (fclose(f) != 0)
        rc = 1;
    if (rc != 0)
        unlink(path);
    else
        printf("export=%s\nmunicipality_id=%lld\nlines=%lld\n", path, (long long)scope_town(town),
               lines);
    EVP_PKEY_free(key);
    return rc;
}

static int cmd_remove(struct db *db, const struct scope *town, int argc, char **argv)
{
    const char *confirm = arg(argc, argv, "--confirm");
    struct towns_row t;
    int64_t rows = 0;
    char outcome[96];
    if (db_begin(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
        return 1;
    }
    if (towns_get(db, town, &t) != DB_ROW) {
        fprintf(stderr, "hubctl: no such municipality\n");
        db_rollback(db);
        return 1;
    }
    const char *want = t.code[0] ? t.code : "default";
    if (!confirm || strcmp(confirm, want) != 0) {
        fprintf(stderr,
                "hubctl: municipality-remove deletes %s (%s) and everything of it for good; "
                "export it first, then say --confirm %s\n",
                t.name, want, want);
        db_rollback(db);
        return 2;
    }
    snprintf(outcome, sizeof outcome, "ok: municipality %lld (%s) removed", (long long)t.id, want);
    if (townleave_remove(db, town, &rows) != DB_OK ||
        hubctl_audit_hub(db, "municipality.remove", outcome, "municipality") != 0 ||
        db_commit(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot remove the municipality (nothing was removed): %s\n",
                db_errmsg(db));
        db_rollback(db);
        return 1;
    }
    printf("removed=%s\nmunicipality_id=%lld\nrows=%lld\n", want, (long long)t.id, (long long)rows);
    return 0;
}

int hubctl_towns(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv)
{
    if (strcmp(cmd, "municipality-export") == 0)
        return cmd_export(db, town, argc, argv);
    if (strcmp(cmd, "municipality-remove") == 0)
        return cmd_remove(db, town, argc, argv);
    return -1;
}

/* ---- export-verify ----------------------------------------------------------------------- */

struct verdict {
    long long lines, rows, version, log, records, heads;
    char pub[65], code[8], name[TOWNS_NAME_MAX + 1];
    struct exportaudit *audit; /* version 2: the town's audit log in the file */
};

/* Reads the header line into v. 0, or -1 with the reason in msg. */
static int read_header(const char *line, struct verdict *v, char *msg, size_t cap)
{
    cJSON *h = cJSON_Parse(line);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(h, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(h, "version");
    const cJSON *pub = cJSON_GetObjectItemCaseSensitive(h, "public_key");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(h, "municipality");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "code");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
    int rc = -1;
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(h, "audit_log");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, FORMAT_NAME) != 0 ||
        !cJSON_IsNumber(ver) || (ver->valuedouble != 1 && ver->valuedouble != 2))
        snprintf(msg, cap, "the first line is not a version 1 or 2 municipality export header");
    else if (ver->valuedouble == 2 && (!cJSON_IsNumber(log) || log->valuedouble < 1))
        snprintf(msg, cap, "the header does not name the town's audit log");
    else if (!cJSON_IsString(pub) || strlen(pub->valuestring) != 64)
        snprintf(msg, cap, "the header has no public key");
    else if (!cJSON_IsString(code) || !cJSON_IsString(name))
        snprintf(msg, cap, "the header does not name the municipality");
    else {
        snprintf(v->pub, sizeof v->pub, "%s", pub->valuestring);
        snprintf(v->code, sizeof v->code, "%s", code->valuestring);
        snprintf(v->name, sizeof v->name, "%s", name->valuestring);
        v->version = (long long)ver->valuedouble;
        v->log = v->version == 2 ? (long long)log->valuedouble : 0;
        rc = 0;
        if (v->version == 2 && !(v->audit = exportaudit_new(v->pub, v->log))) {
            snprintf(msg, cap, "out of memory");
            rc = -1;
        }
    }
    cJSON_Delete(h);
    return rc;
}

/* Checks the trailer against the digest of the lines before it and the header's key. */
static int check_end(const char *line, const struct verdict *v, const char *digest_hex, char *msg,
                     size_t cap)
{
    cJSON *e = cJSON_Parse(line);
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(e, "end");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(end, "lines");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(end, "sha256");
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(end, "signature");
    unsigned char raw[32];
    EVP_PKEY *key = NULL;
    int rc = -1;
    for (int i = 0; i < 32; i++) {
        unsigned b = 0;
        if (sscanf(v->pub + 2 * i, "%2x", &b) != 1)
            goto out;
        raw[i] = (unsigned char)b;
    }
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, sizeof raw);
    if (!cJSON_IsNumber(n) || !cJSON_IsString(sha) || !cJSON_IsString(sig))
        snprintf(msg, cap, "the last line is not the export's end (cut short?)");
    else if ((long long)n->valuedouble != v->lines)
        snprintf(msg, cap, "the end says %lld lines, the file has %lld", (long long)n->valuedouble,
                 v->lines);
    else if (strcmp(sha->valuestring, digest_hex) != 0)
        snprintf(msg, cap, "the digest does not match: the file was changed");
    else if (!key ||
             hubkey_verify_hex(key, (const unsigned char *)digest_hex, 64, sig->valuestring) != 1)
        snprintf(msg, cap, "the signature does not match the header's public key");
    else
        rc = 0;
out:
    if (rc != 0 && !msg[0])
        snprintf(msg, cap, "the header's public key is not hex");
    EVP_PKEY_free(key);
    cJSON_Delete(e);
    return rc;
}

/* Walks the file: header, rows (each a table and a row object), end. */
static int verify_file(FILE *f, struct verdict *v, char *msg, size_t cap)
{
    char *line = NULL, *pending = NULL;
    size_t lcap = 0;
    ssize_t len;
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char digest_hex[65];
    int rc = -1;
    msg[0] = '\0';
    if (!sha || EVP_DigestInit_ex(sha, EVP_sha256(), NULL) != 1)
        goto out;
    /* The digest covers every line but the last; a line is added once the next one shows
     * it was not the last. */
    while ((len = getline(&line, &lcap, f)) > 0) {
        if ((size_t)len > LINE_MAX_LEN || line[len - 1] != '\n') {
            snprintf(msg, cap, "line %lld is too long or not ended", v->lines + 1);
            goto out;
        }
        if (pending) {
            if (v->lines == 0 && read_header(pending, v, msg, cap) != 0)
                goto out;
            if (v->lines > 0) {
                cJSON *o = cJSON_Parse(pending);
                const cJSON *table = cJSON_GetObjectItemCaseSensitive(o, "table");
                const cJSON *row = cJSON_GetObjectItemCaseSensitive(o, "row");
                int ok = cJSON_IsString(table) && cJSON_IsObject(row);
                if (!ok)
                    snprintf(msg, cap, "line %lld is not a table row", v->lines + 1);
                else if (v->audit && exportaudit_row(v->audit, table->valuestring, row, msg, cap))
                    ok = 0;
                cJSON_Delete(o);
                if (!ok)
                    goto out;
                v->rows++;
            }
            if (EVP_DigestUpdate(sha, pending, strlen(pending)) != 1)
                goto out;
            v->lines++;
            free(pending);
        }
        pending = strdup(line);
        if (!pending)
            goto out;
    }
    if (!pending || v->lines == 0) {
        snprintf(msg, cap, "the file is empty or has no end line");
        goto out;
    }
    if (EVP_DigestFinal_ex(sha, md, &mdlen) != 1 || mdlen != 32)
        goto out;
    hubtoken_hex(md, mdlen, digest_hex);
    rc = check_end(pending, v, digest_hex, msg, cap);
    /* The signature first: a file someone changed fails as changed, whatever its log says. */
    if (rc == 0 && v->audit && exportaudit_end(v->audit, &v->records, &v->heads, msg, cap) != 0)
        rc = -1;
out:
    EVP_MD_CTX_free(sha);
    free(pending);
    free(line);
    return rc;
}

int hubctl_export_verify(int argc, char **argv)
{
    const char *path = arg(argc, argv, "--file"), *want = arg(argc, argv, "--pubkey");
    struct verdict v = {0};
    char msg[256];
    if (!path) {
        fprintf(stderr, "hubctl: export-verify needs --file FILE\n");
        return 2;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hubctl: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = verify_file(f, &v, msg, sizeof msg);
    fclose(f);
    exportaudit_free(v.audit);
    if (rc == 0 && want && strcmp(want, v.pub) != 0) {
        snprintf(msg, sizeof msg, "signed by %s, not by the key given with --pubkey", v.pub);
        rc = -1;
    }
    if (rc != 0) {
        printf("verify=FAILED\n");
        fprintf(stderr, "hubctl: %s: %s\n", path, msg);
        return 1;
    }
    printf("verify=OK\nmunicipality=%s\nname=%s\nrows=%lld\npublic_key=%s\n",
           v.code[0] ? v.code : "-", v.name, v.rows, v.pub);
    if (v.version == 2)
        printf("audit_log=%lld\naudit_records=%lld\naudit_heads=%lld\n", v.log, v.records, v.heads);
    else
        printf("audit_log=not checked (a version 1 file)\n");
    return 0;
}
