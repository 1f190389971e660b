/*
 * townexport.c: one municipality's rows, table by table (see townexport.h).
 *
 * Every statement is "WITH t(id) AS (SELECT CAST(? AS BIGINT)) SELECT <columns> FROM
 * <table> WHERE <filter>", the filter naming the town only through t: one parameter, the
 * scope's town, whatever the table. Columns are listed, never "*": a column added later is
 * exported only once someone decided it belongs in the file (and token hashes never do).
 */
#include "townexport.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

#define TOWN_RESIDENTS "(SELECT id FROM residents WHERE municipality_id = (SELECT id FROM t))"
#define TOWN_ID        "(SELECT id FROM t)"
/* The alert notification recipients of the town's family members and staff. */
#define TOWN_NOTIFY_RCPTS                                                                          \
    "(SELECT id FROM notify_recipients WHERE (actor_kind = 'family' AND actor_id IN (SELECT id"    \
    " FROM family WHERE municipality_id = " TOWN_ID ")) OR (actor_kind = 'staff' AND actor_id IN"  \
    " (SELECT id FROM staff WHERE municipality_id = " TOWN_ID ")))"
#define TOWN_LOG "(SELECT id FROM audit_logs WHERE municipality_id = " TOWN_ID ")"

struct spec {
    const char *table;
    const char *cols;
    const char *where;
};

/* Parents before children. */
static const struct spec specs[] = {
    {"municipalities", "id, code, name, service_hours, contact, created_unix", "id = " TOWN_ID},
    {"residents",
     "id, display_name, district, deadline_min, cert_fp, created_unix, member_key, address,"
     " unwell_alert, birth_date, sex",
     "municipality_id = " TOWN_ID},
    {"devices", "id, kind, resident_id, label, created_unix, district",
     "municipality_id = " TOWN_ID},
    {"family", "id, display_name, created_unix", "municipality_id = " TOWN_ID},
    {"family_links", "family_id, resident_id, relation", "municipality_id = " TOWN_ID},
    {"staff", "id, display_name, created_unix", "municipality_id = " TOWN_ID},
    {"sources", "id, display_name, created_unix", "municipality_id = " TOWN_ID},
    {"operators", "id, display_name, districts, created_unix", "municipality_id = " TOWN_ID},
    {"operator_contracts", "operator_id, municipality_id, created_unix",
     "municipality_id = " TOWN_ID},
    {"checkins", "id, resident_id, device_id, answer, at_unix", "resident_id IN " TOWN_RESIDENTS},
    {"activity", "id, resident_id, device_id, kind, at_unix", "resident_id IN " TOWN_RESIDENTS},
    {"alerts", "id, resident_id, kind, level, day, raised_unix, ack_by, ack_unix",
     "resident_id IN " TOWN_RESIDENTS},
    {"stats_optouts", "resident_id, refused_unix, via", "resident_id IN " TOWN_RESIDENTS},
    /* Alert notifications: the town's family members' and staff's recipient settings and
     * the queue's rows about its residents (each attempt's outcome is in the audit records
     * below). The webhook secret and the acknowledgement codes are credentials: never
     * exported. */
    {"notify_recipients",
     "id, actor_kind, actor_id, mail, webhook_url, lang, esc_rank, quiet_start_min,"
     " quiet_end_min, created_unix, updated_unix",
     "id IN " TOWN_NOTIFY_RCPTS},
    {"notify_prefs", "recipient_id, alert_kind, mode", "recipient_id IN " TOWN_NOTIFY_RCPTS},
    {"notify_msgs",
     "id, alert_id, recipient_id, channel, resident_id, step, state, attempts, due_unix,"
     " created_unix, sent_unix, last_error",
     "resident_id IN " TOWN_RESIDENTS},
    {"consents",
     "id, resident_id, recipient_kind, recipient_id, data_kind, purpose, granted_unix,"
     " granted_via, revoked_unix",
     "resident_id IN " TOWN_RESIDENTS},
    {"sessions", "id, device_id, resident_id, created_unix, last_used_unix, ended_unix",
     "municipality_id = " TOWN_ID},
    {"challenges", "id, device_id, expires_unix, used_unix",
     "device_id IN (SELECT id FROM devices WHERE municipality_id = " TOWN_ID ")"},
    {"checkups",
     "id, resident_id, source_id, content_hash, format, bundle_id, date, org_system, org_id,"
     " org_name, sex, imported_unix, superseded_by, category, doc_date",
     "resident_id IN " TOWN_RESIDENTS},
    {"checkup_results",
     "checkup_id, code, identity, kind, value, text, unit, ref_low, ref_high, sender_flag,"
     " system, display",
     "checkup_id IN (SELECT id FROM checkups WHERE resident_id IN " TOWN_RESIDENTS ")"},
    {"safety_checks",
     "id, title_ja, area_ja, districts, answer_within_min, started_unix, due_unix,"
     " closed_unix, created_by, escalated",
     "municipality_id = " TOWN_ID},
    {"safety_targets", "check_id, resident_id", "resident_id IN " TOWN_RESIDENTS},
    {"safety_answers", "id, check_id, resident_id, device_id, answer, at_unix, received_unix",
     "resident_id IN " TOWN_RESIDENTS},
    {"ord_orders",
     "id, resident_id, operator_id, district, slot, payment, total_yen, status, eta_unix,"
     " cancel_reason, created_unix, updated_unix",
     "resident_id IN " TOWN_RESIDENTS},
    {"ord_order_items", "order_id, line, item_id, name, qty, unit_price_yen",
     "order_id IN (SELECT id FROM ord_orders WHERE resident_id IN " TOWN_RESIDENTS ")"},
    {"ord_famreq", "id, resident_id, family_id, code, created_unix, answer, answered_unix",
     "resident_id IN " TOWN_RESIDENTS},
    {"notices",
     "id, source, kind, level, title_ja, title_en, area_ja, what_ja, todo_ja, what_en, todo_en,"
     " whole_town, jma_area, jma_code, starts_unix, ends_unix, ended_by, created_by,"
     " created_unix, updated_unix",
     "municipality_id = " TOWN_ID},
    {"notice_districts", "notice_id, district",
     "notice_id IN (SELECT id FROM notices WHERE municipality_id = " TOWN_ID ")"},
    {"jma_areas", "code, name, districts, created_unix", "municipality_id = " TOWN_ID},
    /* The town's own audit log (docs/hub.md "One log per town"): its signed tree heads,
     * then its records in their order with their chain fields, up to the newest head, so
     * the file proves its records with nothing of another town's. */
    {"audit_heads",
     "log_id, head_seq, tree_size, root_hash, at_unix, prev_size, prev_root, pubkey, signature",
     "log_id = " TOWN_LOG},
    {"audit",
     "seq, id, at_unix, actor, action, outcome, subject_resident_id, data_kinds, purpose,"
     " basis, source, destination, request_id, prev_hash, hash",
     "log_id = " TOWN_LOG " AND seq <= (SELECT COALESCE(MAX(tree_size), 0) FROM audit_heads"
     " WHERE log_id = " TOWN_LOG ")"},
};

#define N_SPECS   (sizeof specs / sizeof specs[0])
#define MAX_COLS  24
#define SQL_MAX   2048
#define NAMES_MAX 512

/* Splits the column list "a, b, c" into names (pointers into buf). The count, or -1. */
static int split_cols(const char *cols, char *buf, size_t cap, const char *names[MAX_COLS])
{
    int n = 0;
    if ((size_t)snprintf(buf, cap, "%s", cols) >= cap)
        return -1;
    for (char *p = buf; *p && n < MAX_COLS;) {
        names[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
        while (*p == ' ')
            p++;
    }
    return n;
}

enum db_status townexport_walk(struct db *db, const struct scope *sc,
                               int (*row)(void *ctx, const struct townexport_row *r), void *ctx)
{
    enum db_status s = sc ? DB_OK : DB_ERR;
    for (size_t i = 0; i < N_SPECS && s == DB_OK; i++) {
        char sql[SQL_MAX], buf[NAMES_MAX];
        const char *names[MAX_COLS], *values[MAX_COLS];
        int n = split_cols(specs[i].cols, buf, sizeof buf, names);
        struct db_stmt *st = NULL;
        if (n <= 0 ||
            (size_t)snprintf(sql, sizeof sql,
                             "WITH t(id) AS (SELECT CAST(? AS BIGINT)) SELECT %s"
                             " FROM %s WHERE %s ORDER BY 1, 2",
                             specs[i].cols, specs[i].table, specs[i].where) >= sizeof sql) {
            s = DB_ERR;
            break;
        }
        s = db_prepare(db, sql, &st);
        if (s == DB_OK)
            s = rows_bind_town(st, 1, sc);
        while (s == DB_OK || s == DB_ROW) {
            s = db_step(st);
            if (s != DB_ROW)
                break;
            for (int c = 0; c < n; c++)
                values[c] = db_col_is_null(st, c) ? NULL : db_col_text(st, c);
            struct townexport_row r = {specs[i].table, n, names, values};
            if (row(ctx, &r) != 0)
                s = DB_ERR;
        }
        if (s == DB_DONE)
            s = DB_OK;
        if (st)
            db_finalize(st);
    }
    return s;
}
