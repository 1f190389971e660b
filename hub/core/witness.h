/*
 * witness.h: a witness of the audit transparency log (docs/hub.md "Witnesses"): it keeps
 * the newest signed tree head it has seen, outside the hub's database, and accepts a new
 * head only when it is signed by the same key and the hub proves (an RFC 9162 consistency
 * proof) that the new tree extends the kept one. A hub whose history was rewritten, cut
 * or forked cannot give such a proof, whoever holds its database and key.
 *
 * No database and no network: hubctl audit-witness and the kiosk fetch the head and the
 * proof their own way and ask witness_check(). The kept head is a small text file
 * (witness_load/witness_save), written whole to a temporary file and renamed.
 */
#ifndef HUB_WITNESS_H
#define HUB_WITNESS_H

#include "treehead.h"

#include <stddef.h>

enum witness_verdict {
    WITNESS_FIRST = 0,     /* nothing kept yet: this head and its key are kept from now on */
    WITNESS_SAME,          /* the head kept (or one of the same tree) */
    WITNESS_EXTENDS,       /* a bigger tree, proven to extend the kept one: keep the new */
    WITNESS_BAD_SIGNATURE, /* the head's signature does not verify */
    WITNESS_OTHER_KEY,     /* signed by another key than the kept head */
    WITNESS_SHRANK,        /* fewer records than the kept head: history was cut */
    WITNESS_FORKED,        /* as many records as the kept head but another root */
    WITNESS_INCONSISTENT,  /* the proof does not show the new tree extends the kept one */
    WITNESS_OTHER_LOG,     /* a head of another log */
};
/* 1 for the verdicts after which the new head is kept (FIRST, SAME, EXTENDS). */
int witness_ok(enum witness_verdict v);
/* A sentence for staff (no personal data: the log holds none of it in a head). */
const char *witness_verdict_str(enum witness_verdict v);

/* 1 when checking next against kept needs a consistency proof from kept->tree_size to
 * next->tree_size (kept may be NULL). */
int witness_needs_proof(const struct treehead *kept, const struct treehead *next);

/* The verdict on next (its signature checked with kept's key, or its own on first
 * contact unless pubkey_hex pins one) given the proof (may be empty when none is needed).
 * kept NULL = nothing kept yet. */
enum witness_verdict witness_check(const struct treehead *kept, const char *pubkey_hex,
                                   const struct treehead *next, const merkle_hash *proof,
                                   size_t len);

/* The "proof" array of the hub's answer to GET /v1/audit/consistency into proof[0..*len).
 * 0, or -1 when it is not an array of at most MERKLE_PROOF_MAX 64-hex-digit hashes. */
struct cJSON;
int witness_parse_proof(const struct cJSON *answer, merkle_hash proof[MERKLE_PROOF_MAX],
                        size_t *len);

/* The kept head from path: 1 when read, 0 when there is no file, -1 when it is unreadable
 * or not a head (an error in words in err). */
int witness_load(const char *path, struct treehead *h, char *err, size_t errcap);
/* Writes h to path (mode 0600, through path.tmp and a rename). 0, or -1. */
int witness_save(const char *path, const struct treehead *h);

#endif
