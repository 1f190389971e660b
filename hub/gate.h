/*
 * gate.h: the one authorization decision for every release of a resident's personal data
 * (issue 5 item 3). Every handler that returns or sends personal data calls gate_check()
 * inside its writer job, so the decision, the release and its audit record share one
 * transaction: a consent revoked by an earlier commit is seen by every later request.
 *
 * Default deny. Allowed are only:
 *   - the resident themself: a card session of that resident ("self:card_session"), or
 *     the home device bound to them for safety data ("self:home_device");
 *   - a family member linked to the resident with an active consent for this data kind
 *     and purpose ("consent:<id>"); checkups of one source are data kind
 *     "checkups:<source id>", covered by a consent for that source or for "checkups";
 *   - city staff under a configured legal basis ("legal:<name>") or a consent.
 */
#ifndef HUB_GATE_H
#define HUB_GATE_H

#include <sqlite3.h>

#include "auth.h"

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
enum gate_decision gate_check(sqlite3 *db, const struct auth_principal *who,
                              long long session_resident, long long resident, const char *data_kind,
                              const char *purpose, char basis[GATE_BASIS_MAX]);

#endif
