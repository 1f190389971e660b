/*
 * cardverify: the hub's check of a card login (JPKI user authentication), pure OpenSSL.
 *
 * The kiosk sends the card's user-auth certificate (DER) and the card's signature over the
 * hub's challenge. cardverify_check() decides, at a given time `now`:
 *   1. the certificate parses (DER, nothing after it)          else CARDVERIFY_BAD_CERT
 *   2. now is inside its validity period                        else EXPIRED / NOT_YET_VALID
 *   3. it chains to one of the trusted CA certificates (X509_verify_cert at `now`)
 *                                                              else CARDVERIFY_UNTRUSTED
 *      and, once CRLs were added (cardverify_trust_add_crl), it is not revoked by its
 *      issuer's CRL                                            else CARDVERIFY_REVOKED
 *      where that CRL exists, is signed by the issuer and is current at `now` (thisUpdate
 *      ≤ now < nextUpdate: a stale CRL is refused, not trusted)
 *                                                              else REVOCATION_UNKNOWN
 *   4. `sig` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `challenge` made with the
 *      certificate's RSA key                                    else CARDVERIFY_BAD_SIGNATURE
 * and gives the SHA-256 fingerprint of the certificate DER, by which the hub finds the
 * enrolled resident. No network, no files after cardverify_trust_load(), no logging of
 * personal data (the user-auth certificate holds none anyway).
 *
 * Thread safety: a loaded trust is read-only; cardverify_check() may run on many threads
 * at once with the same trust. A trust is reference counted (cardverify_trust_ref), so a
 * holder may replace it with a newly loaded one (fresh CRLs) while checks that took a
 * reference to the old one finish with it.
 */
#ifndef CARDVERIFY_H
#define CARDVERIFY_H

#include <stddef.h>
#include <time.h>

#define CARDVERIFY_CERT_MAX      16384 /* larger certificates are refused as BAD_CERT */
#define CARDVERIFY_CHALLENGE_MAX 1024  /* larger challenges are refused as INTERNAL */
#define CARDVERIFY_SIG_MAX       1024  /* larger signatures are refused as BAD_SIGNATURE */

enum cardverify_status {
    CARDVERIFY_OK = 0,
    CARDVERIFY_BAD_CERT,           /* not a DER X.509 certificate, or too large */
    CARDVERIFY_EXPIRED,            /* now is after notAfter (of the certificate or its CA) */
    CARDVERIFY_NOT_YET_VALID,      /* now is before notBefore (of the certificate or its CA) */
    CARDVERIFY_UNTRUSTED,          /* does not chain to a trusted CA (unknown issuer, bad CA sig) */
    CARDVERIFY_BAD_SIGNATURE,      /* the signature does not verify, or the key is not RSA */
    CARDVERIFY_INTERNAL,           /* bad arguments or OpenSSL failure */
    CARDVERIFY_REVOKED,            /* the issuer's CRL lists the certificate */
    CARDVERIFY_REVOCATION_UNKNOWN, /* revocation cannot be checked: no CRL of the issuer, or
                                    * it is past its nextUpdate, not yet valid or badly signed */
};

/* Short English words (snake_case, fit for an API error code or an audit record). */
const char *cardverify_status_str(enum cardverify_status st);

struct cardverify_trust;

/* Loads every certificate of the PEM file `ca_pem_file` (one or more CA certificates) as
 * trust anchors. Returns an owned trust (free with cardverify_trust_free), or NULL when the
 * file cannot be read or holds no certificate (the reason is printed to stderr). */
struct cardverify_trust *cardverify_trust_load(const char *ca_pem_file);

/* Also trusts the CA certificate(s) of another PEM file. Returns 0 on success, -1 else. */
int cardverify_trust_add(struct cardverify_trust *trust, const char *ca_pem_file);

/* Adds every CRL of a file (PEM, one or more, or one DER) and turns on revocation checking
 * of card certificates (the leaf; CA certificates are not revocation-checked). Returns
 * how many CRLs, or -1 with a sentence in err (unreadable, no CRL, not issued by a
 * trusted CA or badly signed: a CRL is checked against its issuer when it is added). The
 * CRL's dates are checked at each cardverify_check (at its `now`). */
int cardverify_trust_add_crl(struct cardverify_trust *trust, const char *crl_file, char *err,
                             size_t errcap);

/* The earliest nextUpdate of the trust's CRLs (0 when none, or one has no nextUpdate). */
time_t cardverify_trust_crl_next_update(const struct cardverify_trust *trust);

/* One more reference to trust (returned); each is dropped by cardverify_trust_free. */
struct cardverify_trust *cardverify_trust_ref(struct cardverify_trust *trust);

/* Drops a reference; the last one frees. Accepts NULL. */
void cardverify_trust_free(struct cardverify_trust *trust);

/* Checks a card login as described above. `fingerprint_out` (32 bytes, may be NULL)
 * receives SHA-256(cert_der) whenever the certificate parsed (every status except
 * BAD_CERT and INTERNAL), so failures can be audited with it; otherwise it is zeroed.
 * All inputs are borrowed. */
enum cardverify_status cardverify_check(const struct cardverify_trust *trust,
                                        const unsigned char *cert_der, size_t cert_len,
                                        const unsigned char *challenge, size_t challenge_len,
                                        const unsigned char *sig, size_t sig_len, time_t now,
                                        unsigned char fingerprint_out[32])
    __attribute__((warn_unused_result));

#endif
