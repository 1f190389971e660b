/*
 * hubctl_exportaudit.c: the audit log of an export file, checked from the file alone (see
 * hubctl_exportaudit.h). The hashes are the hub's own (audit.h, auditlog.h), so the file
 * is judged exactly as hubctl audit-verify judges the database.
 */
#include "hubctl_exportaudit.h"
#include "audit.h"
#include "auditlog.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_HASH   "0000000000000000000000000000000000000000000000000000000000000000"
#define HEADS_FIRST 16

struct exportaudit {
    char pub[65];
    long long log, seq, n_heads_read;
    char prev[65];
    struct treehead *heads; /* read before the records */
    size_t n_heads, cap_heads, next_head;
    long long newest_size;
    struct auditlog_check *check; /* made at the first record (or the end) */
    char *cols[9];                /* one record's text fields, owned while it is checked */
};

struct exportaudit *exportaudit_new(const char *pub_hex, long long log)
{
    struct exportaudit *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    snprintf(x->pub, sizeof x->pub, "%s", pub_hex);
    snprintf(x->prev, sizeof x->prev, "%s", ZERO_HASH);
    x->log = log;
    return x;
}

void exportaudit_free(struct exportaudit *x)
{
    if (!x)
        return;
    auditlog_check_free(x->check);
    free(x->heads);
    free(x);
}

/* A field of row as text ("" when absent or null). */
static const char *text(const cJSON *row, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A field of row as a whole number; 0, or -1 when it is not one. */
static int number(const cJSON *row, const char *name, long long *out)
{
    const char *t = text(row, name);
    char *end = NULL;
    *out = strtoll(t, &end, 10);
    return *t && end && *end == '\0' ? 0 : -1;
}

static int add_head(struct exportaudit *x, const cJSON *row, char *msg, size_t cap)
{
    struct treehead h;
    memset(&h, 0, sizeof h);
    if (x->check) {
        snprintf(msg, cap, "a signed tree head comes after the audit records");
        return -1;
    }
    if (x->n_heads == x->cap_heads) {
        size_t n = x->cap_heads ? x->cap_heads * 2 : HEADS_FIRST;
        struct treehead *v = realloc(x->heads, n * sizeof *v);
        if (!v) {
            snprintf(msg, cap, "out of memory");
            return -1;
        }
        x->heads = v;
        x->cap_heads = n;
    }
    x->n_heads_read++;
    if (number(row, "log_id", &h.log_id) != 0 || number(row, "head_seq", &h.head_seq) != 0 ||
        number(row, "tree_size", &h.tree_size) != 0 || number(row, "at_unix", &h.at) != 0 ||
        number(row, "prev_size", &h.prev_size) != 0 ||
        merkle_unhex(text(row, "root_hash"), h.root) != 0 ||
        merkle_unhex(text(row, "prev_root"), h.prev_root) != 0 ||
        strlen(text(row, "pubkey")) != 64 || strlen(text(row, "signature")) != 128) {
        snprintf(msg, cap, "signed tree head %lld is malformed", x->n_heads_read);
        return -1;
    }
    if (h.log_id != x->log) {
        snprintf(msg, cap, "signed tree head %lld is of log %lld, not of the town's log %lld",
                 h.head_seq, h.log_id, x->log);
        return -1;
    }
    snprintf(h.pubkey, sizeof h.pubkey, "%s", text(row, "pubkey"));
    snprintf(h.signature, sizeof h.signature, "%s", text(row, "signature"));
    if (h.tree_size > x->newest_size)
        x->newest_size = h.tree_size;
    x->heads[x->n_heads++] = h;
    return 0;
}

static int next_head(void *ctx, struct treehead *h)
{
    struct exportaudit *x = ctx;
    if (x->next_head >= x->n_heads)
        return 0;
    *h = x->heads[x->next_head++];
    return 1;
}

static int start(struct exportaudit *x, char *msg, size_t cap)
{
    if (!x->check)
        x->check = auditlog_check_new(x->pub, x->newest_size, next_head, x);
    if (!x->check)
        snprintf(msg, cap, "out of memory");
    return x->check ? 0 : -1;
}

static int add_record(struct exportaudit *x, const cJSON *row, char *msg, size_t cap)
{
    static const char *const names[9] = {"actor", "action", "outcome",     "data_kinds", "purpose",
                                         "basis", "source", "destination", "request_id"};
    long long seq = 0, at = 0, subject = 0, bad = 0;
    char hash[65];
    merkle_hash leaf;
    if (start(x, msg, cap) != 0)
        return -1;
    if (number(row, "seq", &seq) != 0 || number(row, "at_unix", &at) != 0) {
        snprintf(msg, cap, "audit record %lld is malformed", x->seq + 1);
        return -1;
    }
    if (*text(row, "subject_resident_id") && number(row, "subject_resident_id", &subject) != 0)
        subject = -1; /* no record has it: the hash says so */
    if (seq != x->seq + 1) {
        snprintf(msg, cap, "audit record %lld is missing (the next in the file is %lld)",
                 x->seq + 1, seq);
        return -1;
    }
    const char *f[9];
    for (int i = 0; i < 9; i++)
        f[i] = text(row, names[i]);
    struct audit_rec r = {.at = (time_t)at,
                          .actor = f[0],
                          .action = f[1],
                          .outcome = f[2],
                          .subject = subject,
                          .data_kinds = f[3],
                          .purpose = f[4],
                          .basis = f[5],
                          .source = f[6],
                          .destination = f[7],
                          .request_id = f[8]};
    if (strcmp(text(row, "prev_hash"), x->prev) != 0) {
        snprintf(msg, cap,
                 "audit record %lld does not follow record %lld (its previous-hash "
                 "differs)",
                 seq, seq - 1);
        return -1;
    }
    audit_record_hash(&r, seq, x->prev, hash);
    if (strcmp(hash, text(row, "hash")) != 0) {
        snprintf(msg, cap, "audit record %lld was altered (its content does not match its hash)",
                 seq);
        return -1;
    }
    audit_leaf_hash(&r, seq, leaf);
    if (auditlog_check_leaf(x->check, seq, at, leaf, &bad, msg, cap) != AUDIT_VERIFY_OK)
        return -1;
    memcpy(x->prev, hash, sizeof x->prev);
    x->seq = seq;
    return 0;
}

int exportaudit_row(struct exportaudit *x, const char *table, const cJSON *row, char *msg,
                    size_t cap)
{
    if (strcmp(table, "audit_heads") == 0)
        return add_head(x, row, msg, cap);
    if (strcmp(table, "audit") == 0)
        return add_record(x, row, msg, cap);
    return 0;
}

int exportaudit_end(struct exportaudit *x, long long *records, long long *heads, char *msg,
                    size_t cap)
{
    long long bad = 0;
    if (start(x, msg, cap) != 0)
        return -1;
    /* No bound: the file is one moment; every record in it must be under a head. */
    if (auditlog_check_end(x->check, x->seq, 0, -1, &bad, msg, cap) != AUDIT_VERIFY_OK)
        return -1;
    if (x->seq > x->newest_size) {
        snprintf(msg, cap, "audit records %lld..%lld are covered by no signed tree head",
                 x->newest_size + 1, x->seq);
        return -1;
    }
    *records = x->seq;
    *heads = (long long)x->n_heads;
    return 0;
}
