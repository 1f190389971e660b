/*
 * gate.h: the one authorization decision for every release of a resident's personal data.
 * Every handler that returns or sends personal data calls gate_check()
 * inside its writer job, so the decision, the release and its audit record share one
 * transaction: a consent revoked by an earlier commit is seen by every later request.
 *
 * Several municipalities share the hub: every role but family reaches only residents of its
 * own town (auth_principal.town), whatever id it sends; a family member reaches a resident of
 * another town only through a link recorded in that town; the hub sends an operator a
 * resident's data only under a contract with the resident's town.
 *
 * Default deny. Allowed are only:
 *   - the resident themself: a card session of that resident ("self:card_session"), or
 *     the home device bound to them for safety data ("self:home_device");
 *   - a family member linked to the resident with an active consent for this data kind
 *     and purpose ("consent:<id>"); checkups of one source are data kind
 *     "checkups:<source id>", covered by a consent for that source or for "checkups";
 *   - city staff under a configured legal basis ("legal:<name>") or a consent.
 * Checkups are linked to a resident's record only from source organisations the resident
 * consented to (consent recipient "source:<id>", data kind "checkups:<id>" or "checkups",
 * purpose "linkage"): even in the resident's own card session, "checkups:<id>" of a source
 * without that consent is denied ("self:card_session+consent:<id>" when allowed).
 * Operators and source organisations never read a resident's data through gate_check:
 * what an operator receives is decided by gate_recipient() when the hub sends it.
 */
#ifndef HUB_GATE_H
#define HUB_GATE_H

#include "auth.h"
#include "db.h"

enum gate_decision {
    GATE_ALLOW = 0,
    GATE_DENY,
    GATE_ERROR, /* the database could not be read: treat as deny, answer 500/503 */
};
const char *gate_decision_str(enum gate_decision d);

#define GATE_BASIS_MAX 80

/*
 * May `who` (with the resident of its card session, or 0) receive `data_kind` of
 * `resident` for `purpose`? On GATE_ALLOW basis gets the consent or legal basis to record
 * in the audit log.
 */
enum gate_decision gate_check(struct db *db, const struct auth_principal *who,
                              long long session_resident, long long resident, const char *data_kind,
                              const char *purpose, char basis[GATE_BASIS_MAX]);

/*
 * May the hub send `data_kind` of `resident` for `purpose` to the recipient `kind:id`
 * (the hub pushes it; the recipient is not the caller)? Family: linked + consent;
 * operator: consent ("address" for "delivery"). Everything else is denied.
 */
enum gate_decision gate_recipient(struct db *db, const char *kind, long long id, long long resident,
                                  const char *data_kind, const char *purpose,
                                  char basis[GATE_BASIS_MAX]);

/*
 * The town in which `who` reaches resident's records (the scope for the store calls after
 * gate_check allowed): its own town for every role but family; for a family member the
 * town of the link recorded for resident. NULL when there is no such link (or on error):
 * the stores then refuse, so nothing is reached.
 */
const struct scope *gate_town(struct db *db, const struct auth_principal *who, long long resident);

/* The towns `who` may act in for a record named by its own id (an alert, a family request,
 * an order, a delivery): its own first, then for a family member the towns of its links and
 * for an operator the towns it has a contract with, however many (a city cloud may host
 * dozens). *out gets an array of them, owned by the caller (free(); set also when there
 * are none, NULL on error). How many, or -1 on error. */
int gate_towns(struct db *db, const struct auth_principal *who, const struct scope ***out);

#endif
