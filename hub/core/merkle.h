/*
 * merkle.h: the Merkle tree of a transparency log as RFC 9162 §2.1 defines it (the same
 * hashing as RFC 6962): SHA-256, a leaf hashed as H(0x00 || data), an inner node as
 * H(0x01 || left || right), the tree over n leaves split at the largest power of two
 * below n. Inclusion and consistency proofs are built from any source of subtree hashes
 * (a callback: the hub reads its stored nodes and records, a test an array) and verified
 * with the RFC's own algorithms (§2.1.3.2, §2.1.4.2), which only need hashes.
 *
 * No database and no allocation: the kiosk compiles this file in as it is, to check the
 * hub's signed tree heads against each other (a witness).
 */
#ifndef HUB_MERKLE_H
#define HUB_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN 32
/* Longest proof for any tree of up to 2^63 leaves (a consistency proof has at most one
 * more element than the tree is high). */
#define MERKLE_PROOF_MAX 65

typedef unsigned char merkle_hash[MERKLE_HASH_LEN];

/* MTH({}) = SHA-256 of nothing. */
void merkle_empty_root(merkle_hash out);
/* H(0x00 || data). */
void merkle_leaf_hash(const void *data, size_t len, merkle_hash out);
/* H(0x01 || left || right). */
void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out);

/*
 * The right edge of a tree being built leaf by leaf (RFC 9162 calls the idea a compact
 * range; Certificate Transparency logs keep one): for each set bit j of size, the hash of
 * the perfect subtree of 2^j leaves that bit stands for. Enough to give the root of the
 * tree so far and to go on appending. A plain value: init, push, root.
 */
struct merkle_frontier {
    uint64_t size;
    merkle_hash level[64];
};
void merkle_frontier_init(struct merkle_frontier *f);
/* Appends a leaf hash. */
void merkle_frontier_push(struct merkle_frontier *f, const merkle_hash leaf);
/* MTH of the leaves pushed so far (the empty root for none). */
void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out);

/* MTH(D[lo:hi]) of a tree's leaves lo..hi-1 (hi > lo), into out. 0, or -1 when the
 * source cannot give it (the proof then fails with -1). The ranges asked for are always
 * those of the RFC's recursion: lo a multiple of the largest power of two not above
 * hi - lo, or hi the tree's size. */
typedef int (*merkle_range_fn)(void *ctx, uint64_t lo, uint64_t hi, merkle_hash out);

/* PATH(index, D[0:size]) (RFC 9162 §2.1.3.1) into proof[0..*len): the audit path of leaf
 * index (0-based). 0, or -1 (index >= size, or the source failed). */
int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_range_fn range, void *ctx,
                           merkle_hash proof[MERKLE_PROOF_MAX], size_t *len);
/* PROOF(first, D[0:second]) (§2.1.4.1) into proof[0..*len): that the tree of `first`
 * leaves is a prefix of the tree of `second` leaves. Empty when first is 0 or equal to
 * second. 0, or -1 (first > second, or the source failed). */
int merkle_consistency_proof(uint64_t first, uint64_t second, merkle_range_fn range, void *ctx,
                             merkle_hash proof[MERKLE_PROOF_MAX], size_t *len);

/* §2.1.3.2: 1 when proof shows leaf (hash) at index in the tree of size with root. */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
                            const merkle_hash *proof, size_t len, const merkle_hash root);
/* §2.1.4.2: 1 when proof shows the tree (first, first_root) is a prefix of the tree
 * (second, second_root). Equal sizes need equal roots and an empty proof; first 0 is
 * consistent with anything (an empty proof). */
int merkle_verify_consistency(uint64_t first, uint64_t second, const merkle_hash first_root,
                              const merkle_hash second_root, const merkle_hash *proof, size_t len);

/* 64 lower-case hex digits + NUL; and back (0, or -1 when not 64 hex digits). */
void merkle_hex(const merkle_hash h, char out[2 * MERKLE_HASH_LEN + 1]);
int merkle_unhex(const char *hex, merkle_hash out);
/* Exactly 2 * len hex digits into len bytes (keys, signatures): 0, or -1. */
int merkle_unhex_bytes(const char *hex, unsigned char *out, size_t len);

#endif
