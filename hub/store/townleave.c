/*
 * townleave.c: removing a municipality (see townleave.h). One DELETE per table, children
 * first so every foreign key holds at each step (on PostgreSQL the town's residents and
 * devices locked first, for the check-ins, which have none there); each names the town
 * only through t, like the export's statements.
 */
#include "townleave.h"
#include "rows.h"

#include <stdio.h>

#define WITH_T         "WITH t(id) AS (SELECT CAST(? AS BIGINT)) "
#define TOWN_ID        "(SELECT id FROM t)"
#define TOWN_RESIDENTS "(SELECT id FROM residents WHERE municipality_id = " TOWN_ID ")"
#define TOWN_DEVICES   "(SELECT id FROM devices WHERE municipality_id = " TOWN_ID ")"
#define TOWN_FAMILY    "(SELECT id FROM family WHERE municipality_id = " TOWN_ID ")"
#define TOWN_OPERATORS "(SELECT id FROM operators WHERE municipality_id = " TOWN_ID ")"
#define TOWN_ACTORS                                                                                \
    "(SELECT 'device:' || id FROM devices WHERE municipality_id = " TOWN_ID                        \
    " UNION SELECT 'family:' || id FROM family WHERE municipality_id = " TOWN_ID                   \
    " UNION SELECT 'staff:' || id FROM staff WHERE municipality_id = " TOWN_ID                     \
    " UNION SELECT 'source:' || id FROM sources WHERE municipality_id = " TOWN_ID                  \
    " UNION SELECT 'operator:' || id FROM operators WHERE municipality_id = " TOWN_ID ")"

/* The alert notification recipients of the town's family members and staff. */
#define TOWN_NOTIFY_RCPTS                                                                          \
    "(SELECT id FROM notify_recipients WHERE (actor_kind = 'family' AND actor_id IN " TOWN_FAMILY  \
    ") OR (actor_kind = 'staff' AND actor_id IN (SELECT id FROM staff WHERE"                       \
    " municipality_id = " TOWN_ID ")))"

static const char *const deletes[] = {
    WITH_T "DELETE FROM notify_msgs WHERE resident_id IN " TOWN_RESIDENTS
           " OR recipient_id IN " TOWN_NOTIFY_RCPTS,
    WITH_T "DELETE FROM notify_prefs WHERE recipient_id IN " TOWN_NOTIFY_RCPTS,
    WITH_T "DELETE FROM notify_recipients WHERE id IN " TOWN_NOTIFY_RCPTS,
    WITH_T "DELETE FROM ord_deliveries WHERE municipality_id = " TOWN_ID
           " OR recipient IN " TOWN_ACTORS
           " OR (event = 'order.created' AND subject_id IN (SELECT id FROM ord_orders WHERE"
           " resident_id IN " TOWN_RESIDENTS "))"
           " OR (event = 'family.request' AND subject_id IN (SELECT id FROM ord_famreq WHERE"
           " resident_id IN " TOWN_RESIDENTS "))",
    WITH_T "DELETE FROM ord_order_items WHERE order_id IN (SELECT id FROM ord_orders WHERE"
           " resident_id IN " TOWN_RESIDENTS ")",
    WITH_T "DELETE FROM ord_orders WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM ord_famreq WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM ord_pseudo_keys WHERE municipality_id = " TOWN_ID
           " OR recipient IN " TOWN_ACTORS,
    WITH_T "DELETE FROM ord_webhooks WHERE recipient IN " TOWN_ACTORS,
    WITH_T "DELETE FROM idempotency_keys WHERE municipality_id = " TOWN_ID
           " OR principal IN " TOWN_ACTORS,
    WITH_T "DELETE FROM idempotency WHERE principal IN " TOWN_ACTORS,
    WITH_T "DELETE FROM safety_answers WHERE resident_id IN " TOWN_RESIDENTS
           " OR check_id IN (SELECT id FROM safety_checks WHERE municipality_id = " TOWN_ID ")",
    WITH_T "DELETE FROM safety_targets WHERE resident_id IN " TOWN_RESIDENTS
           " OR check_id IN (SELECT id FROM safety_checks WHERE municipality_id = " TOWN_ID ")",
    WITH_T "DELETE FROM safety_checks WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM checkup_results WHERE checkup_id IN (SELECT id FROM checkups WHERE"
           " resident_id IN " TOWN_RESIDENTS ")",
    WITH_T "DELETE FROM checkups WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM consents WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM stats_optouts WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM alerts WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM activity WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM checkins WHERE resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM sessions WHERE municipality_id = " TOWN_ID " OR device_id IN " TOWN_DEVICES
           " OR resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM challenges WHERE device_id IN " TOWN_DEVICES,
    WITH_T "DELETE FROM family_links WHERE municipality_id = " TOWN_ID
           " OR family_id IN " TOWN_FAMILY " OR resident_id IN " TOWN_RESIDENTS,
    WITH_T "DELETE FROM notice_districts WHERE notice_id IN (SELECT id FROM notices WHERE"
           " municipality_id = " TOWN_ID ")",
    WITH_T "DELETE FROM notices WHERE municipality_id = " TOWN_ID,
    /* the newest telegram of an area stays while another town follows it */
    WITH_T "DELETE FROM jma_area_state WHERE code IN (SELECT code FROM jma_areas WHERE"
           " municipality_id = " TOWN_ID ") AND code NOT IN (SELECT code FROM jma_areas WHERE"
           " municipality_id <> " TOWN_ID ")",
    WITH_T "DELETE FROM jma_areas WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM operator_contracts WHERE municipality_id = " TOWN_ID
           " OR operator_id IN " TOWN_OPERATORS,
    WITH_T "DELETE FROM operator_pictures WHERE operator_id IN " TOWN_OPERATORS,
    WITH_T "DELETE FROM operator_catalogues WHERE operator_id IN " TOWN_OPERATORS,
    WITH_T "DELETE FROM devices WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM family WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM staff WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM sources WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM operators WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM residents WHERE municipality_id = " TOWN_ID,
    /* The town's audit log stays (append-only, kept until the legal retention ends, and
     * still verifying with its key): it only stops being the town's, so an id the table
     * may give again never finds it. */
    WITH_T "UPDATE audit_logs SET municipality_id = NULL, name = 'left'"
           " WHERE municipality_id = " TOWN_ID,
    WITH_T "DELETE FROM municipalities WHERE id = " TOWN_ID,
};

enum db_status townleave_remove(struct db *db, const struct scope *sc, int64_t *rows)
{
    enum db_status s = sc ? DB_OK : DB_ERR;
    *rows = 0;
    /* PostgreSQL: checkins has no foreign keys (docs/decisions.md). A check-in being stored
     * holds its resident and device FOR KEY SHARE until its commit; locking the town's
     * residents and devices FOR UPDATE before the check-ins are deleted waits for those
     * (whose check-ins the DELETE then sees) and makes later ones wait until this commits,
     * when they find no resident and store nothing. (SQLite: one writer at a time.) */
    if (s == DB_OK && db_dialect(db) == DB_POSTGRES) {
        int64_t locked = 0;
        s = db_get_int64(db,
                         WITH_T
                         "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM residents WHERE"
                         " municipality_id = " TOWN_ID " FOR UPDATE) r) + (SELECT"
                         " COUNT(*) FROM (SELECT 1 FROM devices WHERE municipality_id = " TOWN_ID
                         " FOR UPDATE) d)",
                         scope_town(sc), &locked);
        s = s == DB_ROW ? DB_OK : s;
    }
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0] && s == DB_OK; i++) {
        struct db_stmt *st = db_stmt(db, deletes[i]);
        s = rows_bind_town(st, 1, sc);
        if (s == DB_OK)
            s = db_step(st);
        if (st)
            db_stmt_done(st);
        if (s == DB_DONE) {
            *rows += db_changes(db);
            s = DB_OK;
        }
    }
    return s;
}
