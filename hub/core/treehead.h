/*
 * treehead.h: a signed tree head of the audit transparency log (docs/hub.md "Audit
 * log"): which log, its place in the log's sequence of heads, how many records the tree
 * covers and its RFC 9162 root, when it was signed, and the head before it (size and
 * root), so each head names its predecessor and a missing one shows as a gap. The hub
 * signs treehead_message() with its Ed25519 key; anyone with the public key checks it
 * with treehead_verify().
 *
 * No database: the kiosk compiles this file in (with merkle.c) to keep and check the
 * heads it is shown.
 */
#ifndef HUB_TREEHEAD_H
#define HUB_TREEHEAD_H

#include "merkle.h"

#include <stddef.h>

/* The hub log: records of no town (each town has a log of its own, auditlog.h). */
#define TREEHEAD_DEFAULT_LOG 1
/* "hub-audit-head v1" and seven decimal or hex fields fit in this. */
#define TREEHEAD_MESSAGE_MAX 320

/* A plain value. */
struct treehead {
    long long log_id;
    long long head_seq;  /* 1, 2, ... per log */
    long long tree_size; /* records covered: the leaves 0..tree_size-1 */
    merkle_hash root;
    long long at; /* Unix seconds, the hub's clock */
    long long prev_size;
    merkle_hash prev_root; /* the empty root before the first head */
    char pubkey[65];       /* Ed25519 public key, hex */
    char signature[129];   /* Ed25519 signature of treehead_message(), hex */
};

/* The bytes that are signed (text, one field a line). Returns their length, or -1 when
 * cap is too small. */
int treehead_message(const struct treehead *h, char *out, size_t cap);

/* The head as the API shows it (docs/api.md, GET /v1/audit/head): its fields added to the
 * JSON object o. 0, or -1 (no memory). */
struct cJSON;
int treehead_to_json(const struct treehead *h, struct cJSON *o);
/* And back, checking every field's type and form (hashes 64 hex digits, sizes >= 0). 0, or
 * -1 with nothing promised about *h. The signature is not checked here. */
int treehead_from_json(const struct cJSON *o, struct treehead *h);

/* 1 when h->signature is a good Ed25519 signature of h's message by pubkey_hex (64 hex
 * digits; the head's own pubkey field must equal it). */
int treehead_verify(const struct treehead *h, const char *pubkey_hex);

#endif
