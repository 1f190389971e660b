/*
 * merkle.c: RFC 9162 Merkle tree hashing, proofs and their verification (see merkle.h).
 *
 * Proofs follow the RFC's recursive definitions on a window [lo, hi) of the leaves, so
 * every subtree hash asked of the source is one the definitions name. Verification is
 * the RFC's iterative algorithms word for word: they take nothing but the proof, so a
 * witness needs no copy of the log.
 */
#include "merkle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

/* Fetched once: OpenSSL 3 would otherwise look the algorithm up at every digest, which
 * cost more than hashing a node. */
static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* SHA-256 over a one-byte prefix and up to two parts. A hash that cannot be computed
 * (no memory for OpenSSL's context) is all 0xff, which verifies against nothing. */
static void sha(unsigned char prefix, int with_prefix, const void *a, size_t alen, const void *b,
                size_t blen, merkle_hash out)
{
    unsigned int n = 0;
    pthread_once(&sha256_once, fetch_sha256);
    EVP_MD_CTX *c = sha256 ? EVP_MD_CTX_new() : NULL;
    int ok = c && EVP_DigestInit_ex(c, sha256, NULL) == 1 &&
             (!with_prefix || EVP_DigestUpdate(c, &prefix, 1) == 1) &&
             (alen == 0 || EVP_DigestUpdate(c, a, alen) == 1) &&
             (blen == 0 || EVP_DigestUpdate(c, b, blen) == 1) &&
             EVP_DigestFinal_ex(c, out, &n) == 1 && n == MERKLE_HASH_LEN;
    if (!ok)
        memset(out, 0xff, MERKLE_HASH_LEN);
    EVP_MD_CTX_free(c);
}

void merkle_empty_root(merkle_hash out)
{
    sha(0, 0, NULL, 0, NULL, 0, out);
}

void merkle_leaf_hash(const void *data, size_t len, merkle_hash out)
{
    sha(0x00, 1, data, len, NULL, 0, out);
}

void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out)
{
    merkle_hash l, r; /* out may be left or right */
    memcpy(l, left, MERKLE_HASH_LEN);
    memcpy(r, right, MERKLE_HASH_LEN);
    sha(0x01, 1, l, MERKLE_HASH_LEN, r, MERKLE_HASH_LEN, out);
}

void merkle_frontier_init(struct merkle_frontier *f)
{
    memset(f, 0, sizeof *f);
}

void merkle_frontier_push(struct merkle_frontier *f, const merkle_hash leaf)
{
    merkle_hash h;
    memcpy(h, leaf, MERKLE_HASH_LEN);
    /* Like a binary increment: each carry merges two perfect subtrees of 2^j leaves. */
    int j = 0;
    while (j < 64 && (f->size >> j) & 1) {
        merkle_node_hash(f->level[j], h, h);
        j++;
    }
    if (j < 64)
        memcpy(f->level[j], h, MERKLE_HASH_LEN);
    f->size++;
}

void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out)
{
    int have = 0;
    merkle_hash r;
    /* The smallest subtree is the rightmost; each bigger one is its left sibling. */
    for (int j = 0; j < 64; j++) {
        if (!((f->size >> j) & 1))
            continue;
        if (have)
            merkle_node_hash(f->level[j], r, r);
        else
            memcpy(r, f->level[j], MERKLE_HASH_LEN);
        have = 1;
    }
    if (have)
        memcpy(out, r, MERKLE_HASH_LEN);
    else
        merkle_empty_root(out);
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static int put(merkle_range_fn range, void *ctx, uint64_t lo, uint64_t hi,
               merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    if (*len >= MERKLE_PROOF_MAX || range(ctx, lo, hi, proof[*len]) != 0)
        return -1;
    (*len)++;
    return 0;
}

/* PATH(m, D[lo:hi]), m absolute. */
static int path(uint64_t m, uint64_t lo, uint64_t hi, merkle_range_fn range, void *ctx,
                merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    if (hi - lo <= 1)
        return 0;
    uint64_t k = split(hi - lo);
    if (m < lo + k)
        return path(m, lo, lo + k, range, ctx, proof, len) == 0
                   ? put(range, ctx, lo + k, hi, proof, len)
                   : -1;
    return path(m, lo + k, hi, range, ctx, proof, len) == 0
               ? put(range, ctx, lo, lo + k, proof, len)
               : -1;
}

/* SUBPROOF(m, D[lo:hi], b), m counted from lo. */
static int subproof(uint64_t m, uint64_t lo, uint64_t hi, int b, merkle_range_fn range, void *ctx,
                    merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    uint64_t n = hi - lo;
    if (m == n)
        return b ? 0 : put(range, ctx, lo, hi, proof, len);
    uint64_t k = split(n);
    if (m <= k)
        return subproof(m, lo, lo + k, b, range, ctx, proof, len) == 0
                   ? put(range, ctx, lo + k, hi, proof, len)
                   : -1;
    return subproof(m - k, lo + k, hi, 0, range, ctx, proof, len) == 0
               ? put(range, ctx, lo, lo + k, proof, len)
               : -1;
}

int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_range_fn range, void *ctx,
                           merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    *len = 0;
    if (index >= size)
        return -1;
    return path(index, 0, size, range, ctx, proof, len);
}

int merkle_consistency_proof(uint64_t first, uint64_t second, merkle_range_fn range, void *ctx,
                             merkle_hash proof[MERKLE_PROOF_MAX], size_t *len)
{
    *len = 0;
    if (first > second)
        return -1;
    if (first == 0 || first == second)
        return 0;
    return subproof(first, 0, second, 1, range, ctx, proof, len);
}

static int same(const merkle_hash a, const merkle_hash b)
{
    return memcmp(a, b, MERKLE_HASH_LEN) == 0;
}

int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
                            const merkle_hash *proof, size_t len, const merkle_hash root)
{
    if (index >= size)
        return 0;
    uint64_t fn = index, sn = size - 1;
    merkle_hash r;
    memcpy(r, leaf, MERKLE_HASH_LEN);
    for (size_t i = 0; i < len; i++) {
        if (sn == 0)
            return 0;
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(proof[i], r, r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && same(r, root);
}

int merkle_verify_consistency(uint64_t first, uint64_t second, const merkle_hash first_root,
                              const merkle_hash second_root, const merkle_hash *proof, size_t len)
{
    if (first > second)
        return 0;
    if (first == second)
        return len == 0 && same(first_root, second_root);
    if (first == 0)
        return len == 0;
    if (len == 0)
        return 0;
    /* A first tree that is a perfect subtree is its own first element: the RFC prepends
     * first_root to the path. i walks the path with that element counted in. */
    int pow2 = (first & (first - 1)) == 0;
    size_t n = len + (size_t)pow2;
    uint64_t fn = first - 1, sn = second - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    merkle_hash fr, sr;
    memcpy(fr, pow2 ? first_root : proof[0], MERKLE_HASH_LEN);
    memcpy(sr, fr, MERKLE_HASH_LEN);
    for (size_t i = 1; i < n; i++) {
        const unsigned char *c = proof[i - (size_t)pow2];
        if (sn == 0)
            return 0;
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(c, fr, fr);
            merkle_node_hash(c, sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && same(fr, first_root) && same(sr, second_root);
}

void merkle_hex(const merkle_hash h, char out[2 * MERKLE_HASH_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < MERKLE_HASH_LEN; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * MERKLE_HASH_LEN] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int merkle_unhex_bytes(const char *hex, unsigned char *out, size_t len)
{
    if (!hex || strlen(hex) != 2 * len)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int merkle_unhex(const char *hex, merkle_hash out)
{
    return merkle_unhex_bytes(hex, out, MERKLE_HASH_LEN);
}
