/*
 * notifyrcpt.h: who is told of alerts outside the hub (docs/notify.md). A recipient is a
 * family member or a staff member ("family:2", "staff:1") with a mail address and/or a
 * messaging webhook (URL + Standard Webhooks secret), a language, a place in escalation
 * order (rank: lower first; family members always before staff), quiet hours (Japan time)
 * and one mode per alert kind: "always" (also in quiet hours), "day" (held until the quiet
 * hours end) or "off". Set by city staff (hubctl) and, except the webhook, by the family
 * member through the API. A recipient belongs to its family or staff member's town: setting,
 * a mode's change and the listing take the scope of a town (scope.h) and neither see nor
 * change another town's recipients. Reading one recipient by its actor or id and the
 * escalation chain are the notifier's and the caller's own (keyed by the authenticated
 * principal or a queued notification), for every town. Every function runs inside the caller's
 * transaction (or read snapshot) on the caller's handle; the caller audits.
 */
#ifndef HUB_STORE_NOTIFYRCPT_H
#define HUB_STORE_NOTIFYRCPT_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

#define NOTIFYRCPT_MAIL_MAX 254 /* RFC 5321's path limit */
#define NOTIFYRCPT_URL_MAX  511

/* One recipient as read; the texts are borrowed until the callback returns. */
struct notifyrcpt_row {
    int64_t id;
    const char *actor_kind; /* "family" | "staff" */
    int64_t actor_id;
    const char *display_name; /* the family member's or staff member's */
    const char *mail;         /* NULL: none */
    const char *webhook_url;  /* NULL: none */
    const char *webhook_secret;
    const char *lang; /* "ja" | "en" */
    int64_t rank;
    int64_t quiet_start_min, quiet_end_min; /* minutes after midnight JST; -1: none */
    int64_t town;                           /* the family or staff member's municipality */
};
typedef int (*notifyrcpt_row_fn)(void *ctx, const struct notifyrcpt_row *r);

/* What a call of notifyrcpt_set changes: NULL / -2 leaves a field as it is. An empty mail
 * or webhook_url removes it. quiet_start_min = -1 removes the quiet hours. */
struct notifyrcpt_change {
    const char *mail;
    const char *webhook_url, *webhook_secret; /* both or neither */
    const char *lang;
    int64_t rank;                           /* -2: unchanged */
    int64_t quiet_start_min, quiet_end_min; /* -2: unchanged; -1: none */
};
#define NOTIFYRCPT_CHANGE_NONE                                                                     \
    {                                                                                              \
        NULL, NULL, NULL, NULL, -2, -2, -2                                                         \
    }

/* 1 when mail looks like an address we may hand to SMTP (local@domain, printable ASCII, no
 * spaces, brackets or commas, at most NOTIFYRCPT_MAIL_MAX bytes), else 0. */
int notifyrcpt_mail_ok(const char *mail);

/* "HH:MM" (Japan time) into minutes after midnight; 0, or -1 when it is not a time. */
int notifyrcpt_parse_hhmm(const char *s, int64_t *min);

/* The alert kinds recipients can choose for, and the modes. */
int notifyrcpt_kind_ok(const char *kind);
int notifyrcpt_mode_ok(const char *mode);
/* The mode of a kind nobody chose for: "day" for "unwell", "always" for the others. */
const char *notifyrcpt_default_mode(const char *kind);

/*
 * Creates the recipient actor_kind:actor_id when it is not there yet and applies ch
 * (validated: err gets a sentence and the answer is DB_ERR_CONSTRAINT). *id gets its id.
 * DB_DONE when the family member or staff member does not exist in the scope's town.
 */
__attribute__((warn_unused_result)) enum db_status
notifyrcpt_set(struct db *db, const struct scope *sc, const char *actor_kind, int64_t actor_id,
               const struct notifyrcpt_change *ch, int64_t now, int64_t *id, char *err,
               size_t errcap);

/* Sets the mode of alert kind for recipient id (both validated: DB_ERR_CONSTRAINT). */
__attribute__((warn_unused_result)) enum db_status notifyrcpt_set_mode(struct db *db,
                                                                       const struct scope *sc,
                                                                       int64_t id, const char *kind,
                                                                       const char *mode);

/* The mode of alert kind for recipient id into out (cap ≥ 8): the chosen or the default. */
__attribute__((warn_unused_result)) enum db_status
notifyrcpt_mode(struct db *db, int64_t id, const char *kind, char *out, size_t cap);

/* The recipient of actor_kind:actor_id (row called once when it exists), or recipient id
 * when actor_kind is NULL. */
__attribute__((warn_unused_result)) enum db_status
notifyrcpt_get(struct db *db, const char *actor_kind, int64_t id, notifyrcpt_row_fn row, void *ctx);

/* Every recipient of the scope's town, family first, by rank and id. */
__attribute__((warn_unused_result)) enum db_status
notifyrcpt_list(struct db *db, const struct scope *sc, notifyrcpt_row_fn row, void *ctx);

/* The escalation order of resident: the recipients among the family members linked to
 * the resident, by rank and id, then every staff recipient of the resident's town, by rank
 * and id. Whether each
 * may be told is the gate's question, asked by the caller. */
__attribute__((warn_unused_result)) enum db_status
notifyrcpt_chain(struct db *db, int64_t resident, notifyrcpt_row_fn row, void *ctx);

#endif
