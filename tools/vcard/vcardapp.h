/*
 * vcardapp: the JPKI user-authentication application of the virtual My Number card.
 *
 * Takes C-APDUs, gives R-APDUs, like the chip would (shared/CARD.md §1): the JPKI AID,
 * the token, user-auth certificate, CA certificate, PIN and key EFs, READ BINARY, the
 * tries-left query, VERIFY and SIGN (PKCS#1 v1.5 type-1 padding over the DigestInfo the
 * terminal sends). Any other AID (the text AP included) answers 6A 82.
 *
 * Volatile state (selected AP/EF, verified PIN) is cleared by vcardapp_power(). The PIN
 * retry counter is the card's non-volatile memory: it lives in a state file, written
 * atomically (temp file + fsync + rename + fsync of the folder) BEFORE the answer to the
 * VERIFY leaves the card, so no kill or power cut can give a try back.
 *
 * Not thread-safe: one card, one thread.
 */
#ifndef VCARDAPP_H
#define VCARDAPP_H

#include <stddef.h>

#include <openssl/evp.h>

#define VCARDAPP_MAX_TRIES 3 /* JPKI user-auth PIN: 3 tries */

struct vcardapp_config {
    const unsigned char *cert; /* user-auth certificate DER (copied) */
    size_t cert_len;
    const unsigned char *ca_cert; /* its CA certificate DER (copied), or NULL: EF absent */
    size_t ca_cert_len;
    EVP_PKEY *key;          /* RSA-2048 private key (a reference is taken) */
    char pin[4];            /* the correct PIN, 4 ASCII digits */
    int initial_tries;      /* 0..3, used only when the state file does not exist */
    const char *state_path; /* the retry counter's file (copied) */
    int not_mynumber;       /* 1: behave like another card (SELECT → 6A 82) */
};

struct vcardapp;

/* Creates the application; reads the state file, or creates it with initial_tries.
 * Returns NULL with a message in `err` (cap `errcap`) on failure (bad key, unreadable or
 * corrupt state file, ...). Free with vcardapp_destroy. */
struct vcardapp *vcardapp_create(const struct vcardapp_config *cfg, char *err, size_t errcap);
void vcardapp_destroy(struct vcardapp *app);

/* Power off, power on or reset: clears the selection and the verified state. */
void vcardapp_power(struct vcardapp *app);

/* Answers one C-APDU: writes the R-APDU (data ‖ SW1 SW2, at most 258 bytes) into `resp`
 * and returns its length (always ≥ 2). */
size_t vcardapp_handle(struct vcardapp *app, const unsigned char *cmd, size_t len,
                       unsigned char *resp);

/* The retry counter as the card holds it now. */
int vcardapp_tries(const struct vcardapp *app);

#endif
