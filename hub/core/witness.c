/*
 * witness.c: the witness's decision and its kept head (see witness.h).
 */
#include "witness.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int witness_ok(enum witness_verdict v)
{
    return v == WITNESS_FIRST || v == WITNESS_SAME || v == WITNESS_EXTENDS;
}

const char *witness_verdict_str(enum witness_verdict v)
{
    switch (v) {
    case WITNESS_FIRST:
        return "first head seen: kept";
    case WITNESS_SAME:
        return "the same head as before";
    case WITNESS_EXTENDS:
        return "the new head extends the one kept";
    case WITNESS_BAD_SIGNATURE:
        return "the hub's head is not signed correctly";
    case WITNESS_OTHER_KEY:
        return "the hub's head is signed by another key than before";
    case WITNESS_SHRANK:
        return "the hub's log has fewer records than a head it showed before: its history "
               "was cut";
    case WITNESS_FORKED:
        return "the hub's log has another history than the head it showed before (same "
               "size, other root)";
    case WITNESS_INCONSISTENT:
        return "the hub cannot prove its new head extends the one it showed before: its "
               "history was rewritten";
    case WITNESS_OTHER_LOG:
        return "the hub answered with a head of another log";
    }
    return "unknown";
}

int witness_needs_proof(const struct treehead *kept, const struct treehead *next)
{
    return kept && kept->tree_size > 0 && next->tree_size > kept->tree_size;
}

enum witness_verdict witness_check(const struct treehead *kept, const char *pubkey_hex,
                                   const struct treehead *next, const merkle_hash *proof,
                                   size_t len)
{
    const char *key = kept ? kept->pubkey : pubkey_hex ? pubkey_hex : next->pubkey;
    if (strcmp(next->pubkey, key) != 0)
        return WITNESS_OTHER_KEY;
    if (!treehead_verify(next, key))
        return WITNESS_BAD_SIGNATURE;
    if (!kept)
        return WITNESS_FIRST;
    if (next->log_id != kept->log_id)
        return WITNESS_OTHER_LOG;
    if (next->tree_size < kept->tree_size)
        return WITNESS_SHRANK;
    if (next->tree_size == kept->tree_size)
        return memcmp(next->root, kept->root, MERKLE_HASH_LEN) == 0 ? WITNESS_SAME : WITNESS_FORKED;
    if (!merkle_verify_consistency((uint64_t)kept->tree_size, (uint64_t)next->tree_size, kept->root,
                                   next->root, proof, len))
        return WITNESS_INCONSISTENT;
    return WITNESS_EXTENDS;
}

int witness_parse_proof(const cJSON *answer, merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(answer, "proof"), *e;
    *len = 0;
    if (!cJSON_IsArray(arr))
        return -1;
    cJSON_ArrayForEach(e, arr)
    {
        if (*len >= MERKLE_PROOF_MAX || !cJSON_IsString(e) ||
            merkle_unhex(e->valuestring, proof[*len]) != 0)
            return -1;
        (*len)++;
    }
    return 0;
}

/* The kept head's file: one field a line, name=value, as treehead_message() orders them. */
int witness_load(const char *path, struct treehead *h, char *err, size_t errcap)
{
    char line[256], root[80] = "", prev[80] = "";
    int got = 0;
    FILE *f = fopen(path, "r");
    memset(h, 0, sizeof *h);
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errcap, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        char *end = NULL;
        long long n = strtoll(v, &end, 10);
        int num = end && end != v && *end == '\0' && n >= 0;
        if (strcmp(line, "log") == 0 && num)
            h->log_id = n, got |= 1;
        else if (strcmp(line, "head") == 0 && num)
            h->head_seq = n, got |= 2;
        else if (strcmp(line, "tree_size") == 0 && num)
            h->tree_size = n, got |= 4;
        else if (strcmp(line, "at_unix") == 0 && num)
            h->at = n, got |= 8;
        else if (strcmp(line, "prev_size") == 0 && num)
            h->prev_size = n, got |= 16;
        else if (strcmp(line, "root") == 0)
            snprintf(root, sizeof root, "%s", v), got |= 32;
        else if (strcmp(line, "prev_root") == 0)
            snprintf(prev, sizeof prev, "%s", v), got |= 64;
        else if (strcmp(line, "pubkey") == 0 && strlen(v) == 64)
            snprintf(h->pubkey, sizeof h->pubkey, "%s", v), got |= 128;
        else if (strcmp(line, "signature") == 0 && strlen(v) == 128)
            snprintf(h->signature, sizeof h->signature, "%s", v), got |= 256;
    }
    fclose(f);
    if (got != 511 || merkle_unhex(root, h->root) != 0 || merkle_unhex(prev, h->prev_root) != 0) {
        snprintf(err, errcap, "%s is not a kept tree head", path);
        return -1;
    }
    return 1;
}

int witness_save(const char *path, const struct treehead *h)
{
    char tmp[4200], root[65], prev[65];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    merkle_hex(h->root, root);
    merkle_hex(h->prev_root, prev);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int ok = fprintf(f,
                     "log=%lld\nhead=%lld\ntree_size=%lld\nroot=%s\nat_unix=%lld\nprev_size=%lld\n"
                     "prev_root=%s\npubkey=%s\nsignature=%s\n",
                     h->log_id, h->head_seq, h->tree_size, root, h->at, h->prev_size, prev,
                     h->pubkey, h->signature) > 0;
    ok = fflush(f) == 0 && ok && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}
