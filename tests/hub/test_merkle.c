/*
 * test_merkle.c: the RFC 9162 tree, its proofs and their verification against the
 * published test vectors of Certificate Transparency (the eight leaves, their roots and
 * the inclusion and consistency proofs used by the RFC 6962 reference implementation's
 * tests, as transparency-dev/merkle publishes them in proof/verify_test.go), then every
 * pair of sizes up to 70 leaves built and checked both ways, and altered proofs refused.
 */
#include "merkle.h"
#include "test.h"

#include <stdio.h>
#include <string.h>

/* The published leaves (hex of the leaf data). */
static const char *const leaf_hex[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};
/* MTH of the first 1..8 leaves. */
static const char *const root_hex[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vec {
    uint64_t a, b; /* inclusion: leaf (1-based), size; consistency: size1, size2 */
    int n;
    const char *proof[3];
};

static const struct vec inclusion[] = {
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {3, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {2,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct vec consistency[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

#define MAXLEAVES 70
static merkle_hash leaves[MAXLEAVES];
static int range_calls;

/* MTH(D[lo:hi]) straight from the RFC's recursive definition. */
static void mth(uint64_t lo, uint64_t hi, merkle_hash out)
{
    if (hi - lo == 1) {
        memcpy(out, leaves[lo], MERKLE_HASH_LEN);
        return;
    }
    uint64_t k = 1;
    while (k << 1 < hi - lo)
        k <<= 1;
    merkle_hash l, r;
    mth(lo, lo + k, l);
    mth(lo + k, hi, r);
    merkle_node_hash(l, r, out);
}

static int mem_range(void *ctx, uint64_t lo, uint64_t hi, merkle_hash out)
{
    (void)ctx;
    range_calls++;
    if (hi <= lo || hi > MAXLEAVES)
        return -1;
    mth(lo, hi, out);
    return 0;
}

static void unhex_bytes(const char *hex, unsigned char *out, size_t *n)
{
    *n = strlen(hex) / 2;
    for (size_t i = 0; i < *n; i++) {
        unsigned int v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

static void set_published_leaves(void)
{
    for (int i = 0; i < 8; i++) {
        unsigned char d[32];
        size_t n = 0;
        unhex_bytes(leaf_hex[i], d, &n);
        merkle_leaf_hash(d, n, leaves[i]);
    }
}

static void t_hashes(void)
{
    merkle_hash h, want;
    char hex[65];
    merkle_empty_root(h);
    merkle_hex(h, hex);
    CHECK_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    merkle_leaf_hash("", 0, h);
    merkle_hex(h, hex);
    CHECK_STR_EQ(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    merkle_leaf_hash("L123456", 7, h);
    merkle_hex(h, hex);
    CHECK_STR_EQ(hex, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
    CHECK_INT_EQ(merkle_unhex(hex, want), 0);
    CHECK(memcmp(h, want, MERKLE_HASH_LEN) == 0);
    CHECK_INT_EQ(merkle_unhex("zz", want), -1);
}

static void t_published_roots(void)
{
    set_published_leaves();
    struct merkle_frontier f;
    merkle_frontier_init(&f);
    for (int n = 1; n <= 8; n++) {
        merkle_hash r, want;
        merkle_frontier_push(&f, leaves[n - 1]);
        merkle_frontier_root(&f, r);
        REQUIRE(merkle_unhex(root_hex[n - 1], want) == 0);
        CHECK(memcmp(r, want, MERKLE_HASH_LEN) == 0);
        mth(0, (uint64_t)n, r);
        CHECK(memcmp(r, want, MERKLE_HASH_LEN) == 0);
    }
}

static void t_published_inclusion(void)
{
    set_published_leaves();
    for (size_t v = 0; v < sizeof inclusion / sizeof inclusion[0]; v++) {
        const struct vec *t = &inclusion[v];
        merkle_hash want[3], got[MERKLE_PROOF_MAX], root;
        size_t n = 0;
        for (int i = 0; i < t->n; i++)
            REQUIRE(merkle_unhex(t->proof[i], want[i]) == 0);
        REQUIRE(merkle_unhex(root_hex[t->b - 1], root) == 0);
        CHECK_INT_EQ(merkle_inclusion_proof(t->a - 1, t->b, mem_range, NULL, got, &n), 0);
        CHECK_INT_EQ((long long)n, t->n);
        CHECK(memcmp(got, want, (size_t)t->n * MERKLE_HASH_LEN) == 0);
        CHECK(merkle_verify_inclusion(t->a - 1, t->b, leaves[t->a - 1], (const merkle_hash *)want,
                                      (size_t)t->n, root));
        /* wrong index, size, leaf, a flipped bit, one element less */
        CHECK(!merkle_verify_inclusion(t->a, t->b, leaves[t->a - 1], (const merkle_hash *)want,
                                       (size_t)t->n, root));
        CHECK(!merkle_verify_inclusion(t->a - 1, t->b * 2, leaves[t->a - 1],
                                       (const merkle_hash *)want, (size_t)t->n, root));
        CHECK(!merkle_verify_inclusion(t->a - 1, t->b, leaves[t->a % 8], (const merkle_hash *)want,
                                       (size_t)t->n, root));
        want[0][0] ^= 8;
        CHECK(!merkle_verify_inclusion(t->a - 1, t->b, leaves[t->a - 1], (const merkle_hash *)want,
                                       (size_t)t->n, root));
        want[0][0] ^= 8;
        CHECK(!merkle_verify_inclusion(t->a - 1, t->b, leaves[t->a - 1], (const merkle_hash *)want,
                                       (size_t)t->n - 1, root));
    }
}

static void t_published_consistency(void)
{
    set_published_leaves();
    for (size_t v = 0; v < sizeof consistency / sizeof consistency[0]; v++) {
        const struct vec *t = &consistency[v];
        merkle_hash want[4], got[MERKLE_PROOF_MAX], r1, r2;
        size_t n = 0;
        for (int i = 0; i < t->n; i++)
            REQUIRE(merkle_unhex(t->proof[i], want[i]) == 0);
        REQUIRE(merkle_unhex(root_hex[t->a - 1], r1) == 0);
        REQUIRE(merkle_unhex(root_hex[t->b - 1], r2) == 0);
        CHECK_INT_EQ(merkle_consistency_proof(t->a, t->b, mem_range, NULL, got, &n), 0);
        CHECK_INT_EQ((long long)n, t->n);
        CHECK(n == 0 || memcmp(got, want, (size_t)t->n * MERKLE_HASH_LEN) == 0);
        CHECK(
            merkle_verify_consistency(t->a, t->b, r1, r2, (const merkle_hash *)want, (size_t)t->n));
        if (t->n == 0)
            continue;
        /* swapped roots, a wrong size, a flipped bit, one element less or more */
        CHECK(!merkle_verify_consistency(t->a, t->b, r2, r1, (const merkle_hash *)want,
                                         (size_t)t->n));
        CHECK(!merkle_verify_consistency(t->a + 1, t->b, r1, r2, (const merkle_hash *)want,
                                         (size_t)t->n));
        CHECK(!merkle_verify_consistency(t->a, t->b * 2, r1, r2, (const merkle_hash *)want,
                                         (size_t)t->n));
        CHECK(!merkle_verify_consistency(t->a, t->b, r1, r2, (const merkle_hash *)want,
                                         (size_t)t->n - 1));
        memcpy(want[t->n], r2, MERKLE_HASH_LEN);
        CHECK(!merkle_verify_consistency(t->a, t->b, r1, r2, (const merkle_hash *)want,
                                         (size_t)t->n + 1));
        for (int i = 0; i < t->n; i++) {
            want[i][0] ^= 16;
            CHECK(!merkle_verify_consistency(t->a, t->b, r1, r2, (const merkle_hash *)want,
                                             (size_t)t->n));
            want[i][0] ^= 16;
        }
    }
    merkle_hash e;
    merkle_empty_root(e);
    CHECK(merkle_verify_consistency(0, 5, e, e, NULL, 0));
    CHECK(!merkle_verify_consistency(5, 4, e, e, NULL, 0));
    CHECK(!merkle_verify_consistency(2, 5, e, e, NULL, 0)); /* empty proof */
}

/* Every pair of sizes up to MAXLEAVES: the proofs built verify, and a tree with one leaf
 * changed does not verify against the original's roots. */
static void t_every_size(void)
{
    for (int i = 0; i < MAXLEAVES; i++) {
        char d[16];
        int n = snprintf(d, sizeof d, "leaf %d", i);
        merkle_leaf_hash(d, (size_t)n, leaves[i]);
    }
    merkle_hash roots[MAXLEAVES + 1], proof[MERKLE_PROOF_MAX];
    struct merkle_frontier f;
    merkle_frontier_init(&f);
    merkle_frontier_root(&f, roots[0]);
    for (int n = 1; n <= MAXLEAVES; n++) {
        merkle_frontier_push(&f, leaves[n - 1]);
        merkle_frontier_root(&f, roots[n]);
    }
    int bad = 0;
    for (uint64_t b = 1; b <= MAXLEAVES; b++) {
        for (uint64_t a = 0; a <= b; a++) {
            size_t n = 0;
            if (merkle_consistency_proof(a, b, mem_range, NULL, proof, &n) != 0 ||
                !merkle_verify_consistency(a, b, roots[a], roots[b], (const merkle_hash *)proof, n))
                bad++;
            if (a > 0 && a < b &&
                merkle_verify_consistency(a, b, roots[b], roots[b], (const merkle_hash *)proof, n))
                bad++;
            if (a < b && (merkle_inclusion_proof(a, b, mem_range, NULL, proof, &n) != 0 ||
                          !merkle_verify_inclusion(a, b, leaves[a], (const merkle_hash *)proof, n,
                                                   roots[b])))
                bad++;
        }
    }
    CHECK_INT_EQ(bad, 0);
    /* Rewritten history: leaf 10 changed, the old 40-leaf root is no prefix of the new. */
    merkle_hash old40;
    memcpy(old40, roots[40], MERKLE_HASH_LEN);
    merkle_leaf_hash("forged", 6, leaves[10]);
    size_t n = 0;
    merkle_hash new60;
    mth(0, 60, new60);
    REQUIRE(merkle_consistency_proof(40, 60, mem_range, NULL, proof, &n) == 0);
    CHECK(!merkle_verify_consistency(40, 60, old40, new60, (const merkle_hash *)proof, n));
    CHECK(merkle_consistency_proof(61, 60, mem_range, NULL, proof, &n) == -1);
    CHECK(merkle_inclusion_proof(60, 60, mem_range, NULL, proof, &n) == -1);
}

int main(void)
{
    TEST_RUN(t_hashes);
    TEST_RUN(t_published_roots);
    TEST_RUN(t_published_inclusion);
    TEST_RUN(t_published_consistency);
    TEST_RUN(t_every_size);
    return test_summary();
}
