/*
 * cardocsp.h: the card certificate's revocation asked of the issuing CA's OCSP responder
 * (RFC 6960), where one is configured (hubd --ocsp URL): for a certificate that passed the
 * chain (and CRL) check, a request with a fresh nonce is POSTed (libcurl, no proxy, 5 s at
 * most), and the answer is believed only when
 *   - it is a successful basic response signed by the issuing CA itself or by a responder
 *     certificate the CA issued for OCSP signing (id-kp-OCSPSigning), checked against the
 *     CA certificates of --trust-ca (OCSP_basic_verify);
 *   - it carries our nonce (a response with another nonce is a replay: refused; a
 *     responder that sends none, as pre-signed responses do, is taken on its dates alone);
 *   - its single response is for this certificate, and thisUpdate <= now < nextUpdate on
 *     the hub clock (5 minutes of skew allowed on thisUpdate).
 * "good" lets the login go on; "revoked" is CARDVERIFY_REVOKED (the same words as a CRL
 * entry); "unknown", an answer that fails any check, or no answer at all is
 * CARDVERIFY_REVOCATION_UNKNOWN: refused, as a stale CRL is — a lost card must not log in
 * because the responder is down. An answer with a nextUpdate is kept (per certificate, up
 * to CARDOCSP_CACHE of them) and used again until then, so a resident's next logins cost no
 * request; one without a nextUpdate is used once.
 *
 * Thread-safe: any number of logins may check at once (the cache has a mutex; requests run
 * outside it).
 */
#ifndef HUB_CARDOCSP_H
#define HUB_CARDOCSP_H

#include "cardverify.h"

#include <stddef.h>
#include <time.h>

#define CARDOCSP_CACHE 1024

struct cardocsp;

/* A checker asking url (http:// or https://) about certificates issued by the CAs of
 * ca_file (PEM). Returns an owned checker or NULL with a sentence in err. */
struct cardocsp *cardocsp_create(const char *url, const char *ca_file, char *err, size_t errcap);

/* Accepts NULL. */
void cardocsp_destroy(struct cardocsp *o);

/* The revocation status of the certificate cert_der at now (hub clock): CARDVERIFY_OK
 * (good), CARDVERIFY_REVOKED, or CARDVERIFY_REVOCATION_UNKNOWN (why is said in why, cap
 * bytes, for hubd's log: no personal data). */
enum cardverify_status cardocsp_check(struct cardocsp *o, const unsigned char *cert_der,
                                      size_t cert_len, time_t now, char *why, size_t cap);

#endif
