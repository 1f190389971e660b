/*
 * oview: what each kind of recipient sees of a resident's request, minimal by construction.
 *
 * The field set per recipient kind is a table in oview.c (oview_fields). The JSON builders
 * walk that table and emit only the fields it lists, so a field that is not in the table
 * cannot reach a recipient, whatever the order struct holds. Fields marked
 * OVIEW_IF_ADDRESS_CONSENT appear only when the caller passes address_consent = 1, which the
 * hub does only while the resident's consent "address → this operator" is active (checked
 * through its release gate, which also writes the audit record).
 *
 * Operator view of an order (keys, in this order):
 *   order_id, pseudonym, district, items [{id, name, qty, unit_price_yen}], slot,
 *   payment_method, and with address consent also name, address.
 * Family view of a family request: request_id, resident_id, code, phrase, at_unix.
 */
#ifndef OVIEW_H
#define OVIEW_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "orders.h"

enum oview_kind {
    OVIEW_OPERATOR_ORDER = 0, /* a shopping-proxy operator, for an order */
    OVIEW_OPERATOR_ITEM,      /* one line of items[] in the operator's order */
    OVIEW_FAMILY_REQUEST,     /* a family member, for a family request */
};

enum oview_when {
    OVIEW_ALWAYS = 0,
    OVIEW_IF_ADDRESS_CONSENT, /* only while the address consent for this recipient is active */
};

struct oview_field {
    const char *key;
    enum oview_when when;
};

/* The field table of a recipient kind: *n entries, static, do not free. */
const struct oview_field *oview_fields(enum oview_kind kind, size_t *n);

/* The resident's personal details, given only with address consent. Borrowed. */
struct oview_person {
    const char *name;    /* as the resident is enrolled (UTF-8) */
    const char *address; /* delivery address (UTF-8) */
};

/*
 * The operator's view of order o. pseudonym: opseudo_for(db, "operator:<id>", resident).
 * address_consent: 1 only while the consent is active; then person must be non-NULL with
 * both strings set (otherwise NULL is returned: no half view). Returns an owned cJSON
 * object (free with cJSON_Delete) or NULL.
 */
cJSON *oview_operator_order(const struct orders_order *o, const char *pseudonym,
                            int address_consent, const struct oview_person *person);

/* The family member's view of a family request. Returns owned cJSON or NULL. */
cJSON *oview_family_request(long long request_id, long long resident_id, const char *code,
                            const char *phrase, long long at_unix);

/*
 * A webhook/pull event body in the Standard Webhooks payload shape:
 *   {"type": type, "timestamp": "<RFC 3339 of at_unix>", "data": data}
 * Takes ownership of data (also on failure). Returns an owned compact JSON string (free with
 * free()) or NULL.
 */
char *oview_event_body(const char *type, long long at_unix, cJSON *data);

#endif
