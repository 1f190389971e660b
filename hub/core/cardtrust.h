/*
 * cardtrust: the card-login trust hubd uses right now — the trusted CA certificates and
 * the CRLs of its files — kept current. The CRL files are looked at again at most every
 * refresh_s seconds (at a login: no thread); when one changed (size, mtime, inode: a CA
 * publishes by replacing the file) the whole trust is loaded again and replaces the old
 * one. A file that cannot be used (half written, not signed by the CA) leaves the trust
 * as it was and is said on stderr; the CRLs already loaded then age on, and once past
 * their nextUpdate every card login is refused (cardverify.h) until a good CRL is
 * published. Without CRL files card certificates are not revocation-checked here (hubd says
 * so at start unless an OCSP responder checks them, cardocsp.h).
 *
 * Threading: cardtrust_get() may be called from any number of threads; each gets its own
 * reference to the current trust (drop it with cardverify_trust_free).
 */
#ifndef HUB_CARDTRUST_H
#define HUB_CARDTRUST_H

#include <stddef.h>

#include "cardverify.h"

#define CARDTRUST_CRL_MAX 8 /* CRL files */

struct cardtrust;

/* Loads ca_file and the n CRL files (paths borrowed: they must outlive the cardtrust).
 * refresh_s: how often the files are looked at again (0 = at every login). Returns an
 * owned cardtrust (cardtrust_destroy) or NULL with a sentence in err. */
struct cardtrust *cardtrust_create(const char *ca_file, const char *const *crl_files, int n,
                                   long refresh_s, char *err, size_t errcap);

/* The current trust, reloaded first when a CRL file changed and a look is due; a new
 * reference the caller drops with cardverify_trust_free. Never NULL for a created
 * cardtrust. */
struct cardverify_trust *cardtrust_get(struct cardtrust *ct);

/* Accepts NULL. */
void cardtrust_destroy(struct cardtrust *ct);

#endif
