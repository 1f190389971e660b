/*
 * hubdb.c: opening, migrating and pooling the hub's SQLite database (see hubdb.h).
 *
 * Migrations are append-only: a released schema step is never edited, a change is a new
 * entry at the end of the list. Each runs inside BEGIN IMMEDIATE ... COMMIT together with
 * the user_version bump, so a crash leaves either the old or the new version.
 */
#include "hubdb.h"
#include "db_sqlite.h"
#include "hubdb_pg.h"
#include "filemode.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 1: walking skeleton + hash-chained audit log */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE residents(id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
    " district TEXT NOT NULL, deadline_min INTEGER NOT NULL, cert_fp TEXT UNIQUE,"
    " created_unix INTEGER NOT NULL);"
    "CREATE TABLE devices(id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('home','public')),"
    " resident_id INTEGER REFERENCES residents(id), label TEXT NOT NULL DEFAULT '',"
    " token_hash TEXT NOT NULL UNIQUE, created_unix INTEGER NOT NULL,"
    " CHECK(kind = 'public' OR resident_id IS NOT NULL));"
    "CREATE TABLE family(id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created_unix INTEGER NOT NULL);"
    "CREATE TABLE family_links(family_id INTEGER NOT NULL REFERENCES family(id),"
    " resident_id INTEGER NOT NULL REFERENCES residents(id), relation TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(family_id, resident_id));"
    "CREATE TABLE checkins(id INTEGER PRIMARY KEY,"
    " resident_id INTEGER NOT NULL REFERENCES residents(id),"
    " device_id INTEGER NOT NULL REFERENCES devices(id), answer TEXT NOT NULL,"
    " at_unix INTEGER NOT NULL);"
    "CREATE INDEX checkins_resident ON checkins(resident_id, id);"
    "CREATE TABLE idempotency(principal TEXT NOT NULL, key TEXT NOT NULL,"
    " body_hash TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL,"
    " created_unix INTEGER NOT NULL, PRIMARY KEY(principal, key)) WITHOUT ROWID;"
    "CREATE TABLE audit(id INTEGER PRIMARY KEY, at_unix INTEGER NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, outcome TEXT NOT NULL, subject_resident_id INTEGER,"
    " data_kinds TEXT NOT NULL, purpose TEXT NOT NULL, basis TEXT NOT NULL,"
    " source TEXT NOT NULL, destination TEXT NOT NULL, request_id TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX audit_subject ON audit(subject_resident_id, id);"
    "CREATE TABLE audit_checkpoints(id INTEGER PRIMARY KEY, audit_id INTEGER NOT NULL,"
    " audit_hash TEXT NOT NULL, at_unix INTEGER NOT NULL, pubkey TEXT NOT NULL,"
    " signature TEXT NOT NULL);"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    /* 2: card login (challenges, sessions) */
    "CREATE TABLE challenges(id INTEGER PRIMARY KEY,"
    " device_id INTEGER NOT NULL REFERENCES devices(id), challenge TEXT NOT NULL UNIQUE,"
    " expires_unix INTEGER NOT NULL, used_unix INTEGER);"
    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
    " device_id INTEGER NOT NULL REFERENCES devices(id),"
    " resident_id INTEGER NOT NULL REFERENCES residents(id), created_unix INTEGER NOT NULL,"
    " last_used_unix INTEGER NOT NULL, ended_unix INTEGER);",
    /* 3: privacy core (staff, consent, legal bases, alerts) */
    "CREATE TABLE staff(id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created_unix INTEGER NOT NULL);"
    "CREATE TABLE consents(id INTEGER PRIMARY KEY,"
    " resident_id INTEGER NOT NULL REFERENCES residents(id),"
    " recipient_kind TEXT NOT NULL, recipient_id INTEGER NOT NULL, data_kind TEXT NOT NULL,"
    " purpose TEXT NOT NULL, granted_unix INTEGER NOT NULL, granted_via TEXT NOT NULL,"
    " revoked_unix INTEGER);"
    "CREATE INDEX consents_lookup ON consents(resident_id, recipient_kind, recipient_id);"
    "CREATE TABLE legal_bases(name TEXT PRIMARY KEY, recipient_kind TEXT NOT NULL,"
    " data_kind TEXT NOT NULL, purpose TEXT NOT NULL, description TEXT NOT NULL);"
    "CREATE TABLE alerts(id INTEGER PRIMARY KEY,"
    " resident_id INTEGER NOT NULL REFERENCES residents(id), kind TEXT NOT NULL,"
    " level TEXT NOT NULL, day TEXT NOT NULL, raised_unix INTEGER NOT NULL,"
    " ack_by TEXT, ack_unix INTEGER, UNIQUE(resident_id, kind, level, day));"
    "INSERT INTO legal_bases VALUES('watch_over_city', 'staff', 'safety', 'watch_over',"
    " 'City watch-over staff receive missed check-in and help alerts under the municipal"
    " watch-over programme (no consent needed).');",
    /* 4: signs of life other than a check-in (a touch on the home tablet) */
    "CREATE TABLE activity(id INTEGER PRIMARY KEY,"
    " resident_id INTEGER NOT NULL REFERENCES residents(id),"
    " device_id INTEGER NOT NULL REFERENCES devices(id), kind TEXT NOT NULL,"
    " at_unix INTEGER NOT NULL);"
    "CREATE INDEX activity_resident ON activity(resident_id, at_unix);"
    "CREATE INDEX sessions_resident ON sessions(resident_id, created_unix);",
    /* 5: source organisations + checkups, shopping operators. */
    "ALTER TABLE residents ADD COLUMN member_key TEXT;"
    "ALTER TABLE residents ADD COLUMN address TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX residents_member ON residents(member_key)"
    " WHERE member_key IS NOT NULL;"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created_unix INTEGER NOT NULL);"
    "CREATE TABLE checkups(id INTEGER PRIMARY KEY,"
    " resident_id INTEGER NOT NULL REFERENCES residents(id),"
    " source_id INTEGER NOT NULL REFERENCES sources(id), content_hash TEXT NOT NULL UNIQUE,"
    " format TEXT NOT NULL, bundle_id TEXT NOT NULL, date TEXT NOT NULL,"
    " org_system TEXT NOT NULL, org_id TEXT NOT NULL, org_name TEXT NOT NULL,"
    " sex TEXT NOT NULL, imported_unix INTEGER NOT NULL);"
    "CREATE INDEX checkups_resident ON checkups(resident_id, date);"
    "CREATE TABLE checkup_results(checkup_id INTEGER NOT NULL REFERENCES checkups(id),"
    " code TEXT NOT NULL, identity TEXT NOT NULL, kind INTEGER NOT NULL, value REAL,"
    " text TEXT NOT NULL, unit TEXT NOT NULL, ref_low REAL, ref_high REAL,"
    " sender_flag TEXT NOT NULL, PRIMARY KEY(checkup_id, code)) WITHOUT ROWID;"
    "CREATE TABLE operators(id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
    " districts TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
    " created_unix INTEGER NOT NULL);"
    "CREATE TABLE operator_catalogues(operator_id INTEGER PRIMARY KEY"
    " REFERENCES operators(id), json TEXT NOT NULL, imported_unix INTEGER NOT NULL);"
    "CREATE TABLE operator_pictures(operator_id INTEGER NOT NULL REFERENCES operators(id),"
    " path TEXT NOT NULL, mime TEXT NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY(operator_id, path));",
    /* 6: whether 元気がない alerts the family at once (per resident, on unless turned off) */
    "ALTER TABLE residents ADD COLUMN unwell_alert INTEGER NOT NULL DEFAULT 1;",
    /* 7: checkup corrections (a re-sent document replaces the earlier one, kept for audit),
     * the report category and date, a coded result's code system and the sender's words */
    "ALTER TABLE checkups ADD COLUMN superseded_by INTEGER REFERENCES checkups(id);"
    "ALTER TABLE checkups ADD COLUMN category TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE checkups ADD COLUMN doc_date TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX checkups_bundle ON checkups(resident_id, bundle_id);"
    "ALTER TABLE checkup_results ADD COLUMN system TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE checkup_results ADD COLUMN display TEXT NOT NULL DEFAULT '';",
    /* 8: the orders tables (ord_*: orders, items, idempotency keys, pseudonym keys,
     * webhooks, deliveries, family requests). Hubs up to version 7 created them outside
     * the migrations with CREATE ... IF NOT EXISTS, which is why this step keeps IF NOT
     * EXISTS: on such a database it finds them, with their rows, and only records the
     * version. */
    /* (the text the orders library applied itself before, unchanged) */
    "CREATE TABLE IF NOT EXISTS ord_orders(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  resident_id INTEGER NOT NULL,\n"
    "  operator_id INTEGER NOT NULL,\n"
    "  district TEXT NOT NULL,\n"
    "  slot TEXT NOT NULL,\n"
    "  payment TEXT NOT NULL,\n"
    "  total_yen INTEGER NOT NULL,\n"
    "  status TEXT NOT NULL DEFAULT 'created',\n"
    "  eta_unix INTEGER NOT NULL DEFAULT 0,\n"
    "  cancel_reason TEXT NOT NULL DEFAULT '',\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  updated_unix INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS ord_orders_resident ON ord_orders(resident_id, id);\n"
    "CREATE INDEX IF NOT EXISTS ord_orders_operator ON ord_orders(operator_id, id);\n"
    "CREATE TABLE IF NOT EXISTS ord_order_items(\n"
    "  order_id INTEGER NOT NULL REFERENCES ord_orders(id) ON DELETE CASCADE,\n"
    "  line INTEGER NOT NULL,\n"
    "  item_id TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  qty INTEGER NOT NULL CHECK(qty BETWEEN 1 AND 99),\n"
    "  unit_price_yen INTEGER NOT NULL,\n"
    "  PRIMARY KEY(order_id, line));\n"
    "CREATE TABLE IF NOT EXISTS ord_idem(\n"
    "  scope TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  body_hash TEXT NOT NULL,\n"
    "  done INTEGER NOT NULL DEFAULT 0,\n"
    "  attempt INTEGER NOT NULL DEFAULT 1,\n"
    "  claimed_unix INTEGER NOT NULL,\n"
    "  status INTEGER,\n"
    "  answer TEXT,\n"
    "  done_unix INTEGER,\n"
    "  PRIMARY KEY(scope, key));\n"
    "CREATE TABLE IF NOT EXISTS ord_pseudo_keys(\n"
    "  recipient TEXT PRIMARY KEY,\n"
    "  key BLOB NOT NULL CHECK(length(key) = 32));\n"
    "CREATE TABLE IF NOT EXISTS ord_webhooks(\n"
    "  recipient TEXT PRIMARY KEY,\n"
    "  url TEXT NOT NULL,\n"
    "  secret TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS ord_deliveries(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  recipient TEXT NOT NULL,\n"
    "  event TEXT NOT NULL,\n"
    "  subject_id INTEGER NOT NULL DEFAULT 0,\n"
    "  msg_id TEXT NOT NULL UNIQUE,\n"
    "  body TEXT NOT NULL,\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  acked_unix INTEGER,\n"
    "  acked_via TEXT,\n"
    "  lease_until INTEGER NOT NULL DEFAULT 0,\n"
    "  offered INTEGER NOT NULL DEFAULT 0,\n"
    "  push_attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  next_push_unix INTEGER,\n"
    "  push_gave_up INTEGER NOT NULL DEFAULT 0,\n"
    "  last_error TEXT);\n"
    "CREATE INDEX IF NOT EXISTS ord_deliveries_pull\n"
    "  ON ord_deliveries(recipient, lease_until) WHERE acked_unix IS NULL;\n"
    "CREATE INDEX IF NOT EXISTS ord_deliveries_push\n"
    "  ON ord_deliveries(next_push_unix) WHERE next_push_unix IS NOT NULL;\n"
    "CREATE TABLE IF NOT EXISTS ord_famreq(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  resident_id INTEGER NOT NULL,\n"
    "  family_id INTEGER NOT NULL,\n"
    "  code TEXT NOT NULL,\n"
    "  created_unix INTEGER NOT NULL,\n"
    "  answer TEXT,\n"
    "  answered_unix INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS ord_famreq_resident ON ord_famreq(resident_id, id);\n"
    "CREATE INDEX IF NOT EXISTS ord_famreq_family ON ord_famreq(family_id, id);\n",
    /* 9: the audit record's place in the chain, `seq`, apart from its row id. SQLite's
     * single writer chains inside the appending transaction, so here seq is always the
     * id; on PostgreSQL records are stored unchained and a sequencer fills seq, prev_hash
     * and hash after commit (audit.h). The backfill runs with the UPDATE trigger off. */
    "ALTER TABLE audit ADD COLUMN seq INTEGER;"
    "DROP TRIGGER audit_append_only_u;"
    "UPDATE audit SET seq = id;"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE UNIQUE INDEX audit_seq ON audit(seq);"
    "CREATE INDEX audit_unchained ON audit(id) WHERE seq IS NULL;",
    /* 10: at most one consent in force per resident, recipient, kind of data and purpose,
     * so that grants from several hubd processes at once cannot record it twice
     * (consents_grant inserts ON CONFLICT with this index). */
    "CREATE UNIQUE INDEX consents_in_force"
    " ON consents(resident_id, recipient_kind, recipient_id, data_kind, purpose)"
    " WHERE revoked_unix IS NULL;",
    /* 11: disaster notices (the town's and JMA's), the JMA areas the town configured and
     * the telegrams seen, a public kiosk's district, safety confirmations (安否確認) */
    "ALTER TABLE devices ADD COLUMN district TEXT;"
    "CREATE TABLE notices(id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,"
    " level INTEGER NOT NULL, title_ja TEXT NOT NULL, title_en TEXT NOT NULL,"
    " area_ja TEXT NOT NULL, what_ja TEXT NOT NULL, todo_ja TEXT NOT NULL,"
    " what_en TEXT NOT NULL, todo_en TEXT NOT NULL, whole_town INTEGER NOT NULL,"
    " jma_area TEXT, jma_code TEXT, starts_unix INTEGER NOT NULL, ends_unix INTEGER,"
    " ended_by TEXT, created_by TEXT NOT NULL, created_unix INTEGER NOT NULL,"
    " updated_unix INTEGER NOT NULL);"
    "CREATE INDEX notices_open ON notices(ends_unix, level);"
    "CREATE INDEX notices_jma ON notices(jma_area, jma_code) WHERE ends_unix IS NULL;"
    "CREATE TABLE notice_districts(notice_id INTEGER NOT NULL REFERENCES notices(id),"
    " district TEXT NOT NULL, PRIMARY KEY(notice_id, district));"
    "CREATE TABLE jma_areas(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " districts TEXT NOT NULL, created_unix INTEGER NOT NULL);"
    "CREATE TABLE jma_area_state(code TEXT PRIMARY KEY, report_unix INTEGER NOT NULL,"
    " office TEXT NOT NULL, telegram TEXT NOT NULL);"
    "CREATE TABLE jma_telegrams(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,"
    " office TEXT NOT NULL, report_unix INTEGER NOT NULL, info_type TEXT NOT NULL,"
    " outcome TEXT NOT NULL, received_unix INTEGER NOT NULL);"
    "CREATE TABLE safety_checks(id INTEGER PRIMARY KEY, title_ja TEXT NOT NULL,"
    " area_ja TEXT NOT NULL, districts TEXT, answer_within_min INTEGER NOT NULL,"
    " started_unix INTEGER NOT NULL, due_unix INTEGER NOT NULL, closed_unix INTEGER,"
    " created_by TEXT NOT NULL, escalated INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE safety_targets(check_id INTEGER NOT NULL REFERENCES safety_checks(id),"
    " resident_id INTEGER NOT NULL REFERENCES residents(id), PRIMARY KEY(check_id, resident_id));"
    "CREATE INDEX safety_targets_resident ON safety_targets(resident_id, check_id);"
    "CREATE TABLE safety_answers(id INTEGER PRIMARY KEY,"
    " check_id INTEGER NOT NULL REFERENCES safety_checks(id),"
    " resident_id INTEGER NOT NULL REFERENCES residents(id),"
    " device_id INTEGER NOT NULL REFERENCES devices(id), answer TEXT NOT NULL,"
    " at_unix INTEGER NOT NULL, received_unix INTEGER NOT NULL);"
    "CREATE INDEX safety_answers_check ON safety_answers(check_id, resident_id, at_unix);",
    /* 12: one Idempotency-Key store for every POST (store/idempotency.c): claims with a
     * lease and answers in one table. The answers kept so far (check-ins and help in
     * idempotency, orders in ord_idem) are copied, so a retry after the upgrade still gets
     * its first answer; the two old tables stay as they were, no longer written. */
    "CREATE TABLE idempotency_keys(principal TEXT NOT NULL, key TEXT NOT NULL,"
    " body_hash TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0,"
    " answer TEXT NOT NULL DEFAULT '', attempt INTEGER NOT NULL DEFAULT 1,"
    " lease_until INTEGER NOT NULL DEFAULT 0, created_unix INTEGER NOT NULL,"
    " done_unix INTEGER, PRIMARY KEY(principal, key));"
    "INSERT INTO idempotency_keys(principal, key, body_hash, status, answer, created_unix,"
    " done_unix) SELECT principal, key, body_hash, status, response, created_unix,"
    " created_unix FROM idempotency;"
    "INSERT INTO idempotency_keys(principal, key, body_hash, status, answer, attempt,"
    " created_unix, done_unix) SELECT scope, key, body_hash, status, COALESCE(answer, ''),"
    " attempt, claimed_unix, done_unix FROM ord_idem WHERE done = 1 AND status > 0"
    " ON CONFLICT(principal, key) DO NOTHING;",
    /* 13: several municipalities on one hub. A municipality (its 全国地方公共団体コード,
     * name, service hours and contact) owns every principal: residents, devices, family
     * members, staff, source organisations and operators carry its id, and so do card
     * sessions, a family member's links (the town of the linked resident), the town's
     * notices, JMA areas and safety checks. An operator serves a town only under a contract
     * recorded for it. What existed belongs to municipality 1, the default, whose code is
     * unset until `hubctl municipality-set` names it. (SQLite cannot add a column with a
     * REFERENCES clause and a non-NULL default while foreign keys are on: the ids are
     * checked by the stores, and by PostgreSQL's foreign keys there.) */
    "CREATE TABLE municipalities(id INTEGER PRIMARY KEY, code TEXT UNIQUE,"
    " name TEXT NOT NULL, service_hours TEXT NOT NULL DEFAULT '',"
    " contact TEXT NOT NULL DEFAULT '', created_unix INTEGER NOT NULL);"
    "INSERT INTO municipalities(id, code, name, created_unix) VALUES(1, NULL, 'default', 0);"
    "ALTER TABLE residents ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE devices ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE family ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE family_links ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE staff ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE sources ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE operators ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE sessions ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE notices ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE jma_areas ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE safety_checks ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX residents_town ON residents(municipality_id, id);"
    "CREATE INDEX family_links_town ON family_links(municipality_id, resident_id);"
    "CREATE TABLE operator_contracts(operator_id INTEGER NOT NULL REFERENCES operators(id),"
    " municipality_id INTEGER NOT NULL REFERENCES municipalities(id),"
    " created_unix INTEGER NOT NULL, PRIMARY KEY(operator_id, municipality_id));"
    "INSERT INTO operator_contracts SELECT id, 1, created_unix FROM operators;",
    /* 14: who holds an idempotency claim (PostgreSQL: the database session that committed
     * it, store/idempotency.c), so a claim of a dead process is released at once */
    "ALTER TABLE idempotency_keys ADD COLUMN holder TEXT;",
    /* 15: the audit trail as a transparency log (store/auditlog.c): the logs (one, every
     * record, until towns get their own), every signed tree head, and the stored nodes of
     * the Merkle tree (perfect subtrees of 256 leaves and more). */
    "CREATE TABLE audit_logs(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO audit_logs VALUES(1, 'hub');"
    "CREATE TABLE audit_heads(id INTEGER PRIMARY KEY,"
    " log_id INTEGER NOT NULL REFERENCES audit_logs(id), head_seq INTEGER NOT NULL,"
    " tree_size INTEGER NOT NULL, root_hash TEXT NOT NULL, at_unix INTEGER NOT NULL,"
    " prev_size INTEGER NOT NULL, prev_root TEXT NOT NULL, pubkey TEXT NOT NULL,"
    " signature TEXT NOT NULL, UNIQUE(log_id, head_seq));"
    "CREATE TABLE audit_tree_nodes(log_id INTEGER NOT NULL REFERENCES audit_logs(id),"
    " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL,"
    " PRIMARY KEY(log_id, level, idx));",
    /* 16: the missed check-in pass reads only the residents that are due
     * (store/escalate.c). next_due is when the pass must look at a resident next: a new
     * resident is due at once (0); the pass sets it to the day's deadline, deadline +
     * window, or the next day's deadline. A sign of life (check-in, activity, card login)
     * moves it on to the next day's deadline (Japan time, UTC+9) by triggers, so whatever
     * stores one keeps it, and a tick finds nothing to do where everyone checked in. The
     * pass checks the sign of life itself, so a late or missed move costs a look, never
     * an alert; deleting a sign of life makes the resident due again. escalate_clock keeps the last
     * pass time, to see the clock moved back. */
    "ALTER TABLE residents ADD COLUMN next_due INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX residents_due ON residents(next_due);"
    "CREATE TABLE escalate_clock(id INTEGER PRIMARY KEY CHECK(id = 1),"
    " last_unix INTEGER NOT NULL);"
    "INSERT INTO escalate_clock VALUES(1, 0);"
    "CREATE TRIGGER checkins_alive AFTER INSERT ON checkins BEGIN UPDATE residents"
    " SET next_due = NEW.at_unix - (NEW.at_unix + 32400) % 86400 + 86400 + deadline_min * 60"
    " WHERE id = NEW.resident_id AND next_due < NEW.at_unix - (NEW.at_unix + 32400) % 86400"
    " + 86400 + deadline_min * 60; END;"
    "CREATE TRIGGER activity_alive AFTER INSERT ON activity BEGIN UPDATE residents"
    " SET next_due = NEW.at_unix - (NEW.at_unix + 32400) % 86400 + 86400 + deadline_min * 60"
    " WHERE id = NEW.resident_id AND next_due < NEW.at_unix - (NEW.at_unix + 32400) % 86400"
    " + 86400 + deadline_min * 60; END;"
    "CREATE TRIGGER sessions_alive AFTER INSERT ON sessions WHEN NEW.resident_id IS NOT NULL"
    " BEGIN UPDATE residents SET next_due = NEW.created_unix - (NEW.created_unix + 32400)"
    " % 86400 + 86400 + deadline_min * 60 WHERE id = NEW.resident_id AND next_due <"
    " NEW.created_unix - (NEW.created_unix + 32400) % 86400 + 86400 + deadline_min * 60; END;"
    /* A sign of life deleted (a session ending, data erased) that may have moved the
     * resident on makes them due again, to be looked at with what is left. */
    "CREATE TRIGGER checkins_gone AFTER DELETE ON checkins BEGIN UPDATE residents"
    " SET next_due = 0 WHERE id = OLD.resident_id AND next_due <= OLD.at_unix + 172800; END;"
    "CREATE TRIGGER activity_gone AFTER DELETE ON activity BEGIN UPDATE residents"
    " SET next_due = 0 WHERE id = OLD.resident_id AND next_due <= OLD.at_unix + 172800; END;"
    "CREATE TRIGGER sessions_gone AFTER DELETE ON sessions WHEN OLD.resident_id IS NOT NULL"
    " BEGIN UPDATE residents SET next_due = 0 WHERE id = OLD.resident_id"
    " AND next_due <= OLD.created_unix + 172800; END;",
    /* 17: alert notifications (hub/notify/, docs/notify.md): who is told by mail or
     * messaging webhook (family members and staff), their quiet hours and preferences per
     * alert kind, and the queue: one row per alert, recipient and channel, claimed with a
     * lease and marked sent in the database. */
    "CREATE TABLE notify_recipients(id INTEGER PRIMARY KEY,"
    " actor_kind TEXT NOT NULL CHECK(actor_kind IN ('family','staff')),"
    " actor_id INTEGER NOT NULL, mail TEXT, webhook_url TEXT, webhook_secret TEXT,"
    " lang TEXT NOT NULL DEFAULT 'ja', esc_rank INTEGER NOT NULL DEFAULT 100,"
    " quiet_start_min INTEGER, quiet_end_min INTEGER, created_unix INTEGER NOT NULL,"
    " updated_unix INTEGER NOT NULL, UNIQUE(actor_kind, actor_id));"
    "CREATE TABLE notify_prefs(recipient_id INTEGER NOT NULL REFERENCES notify_recipients(id),"
    " alert_kind TEXT NOT NULL, mode TEXT NOT NULL CHECK(mode IN ('always','day','off')),"
    " PRIMARY KEY(recipient_id, alert_kind));"
    "CREATE TABLE notify_msgs(id INTEGER PRIMARY KEY,"
    " alert_id INTEGER NOT NULL REFERENCES alerts(id),"
    " recipient_id INTEGER NOT NULL REFERENCES notify_recipients(id),"
    " channel TEXT NOT NULL CHECK(channel IN ('mail','webhook')),"
    " resident_id INTEGER NOT NULL, step INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
    " due_unix INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,"
    " created_unix INTEGER NOT NULL, sent_unix INTEGER, last_error TEXT,"
    " ack_code TEXT NOT NULL UNIQUE, UNIQUE(alert_id, recipient_id, channel));"
    "CREATE INDEX notify_msgs_due ON notify_msgs(due_unix) WHERE state = 'pending';"
    "CREATE INDEX notify_msgs_resident ON notify_msgs(resident_id, alert_id);"
    "CREATE INDEX alerts_raised ON alerts(raised_unix);",
    /* 18: statistics (docs/stats.md): a resident's birth date and sex for the age and sex
     * of the tables ('' unknown), the residents who refused statistical use, and the
     * indexes the tables' period scans need. */
    "ALTER TABLE residents ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE residents ADD COLUMN sex TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE stats_optouts(resident_id INTEGER PRIMARY KEY REFERENCES residents(id),"
    " refused_unix INTEGER NOT NULL, via TEXT NOT NULL);"
    "CREATE INDEX checkups_date ON checkups(date);"
    "CREATE INDEX checkins_at ON checkins(at_unix);"
    "CREATE INDEX ord_orders_created ON ord_orders(created_unix);",
    /* 19: the town of the rows that had none and that no join reaches cheaply: a delivery
     * (the town of the resident its order or family request is about) and an
     * Idempotency-Key (its principal's town), so the stores restrict them by town; and JMA
     * areas per town: two towns may follow the same area, so the key is the town and the
     * code (the newest telegram applied per area, jma_area_state, stays one per code). */
    "ALTER TABLE ord_deliveries ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "UPDATE ord_deliveries SET municipality_id = COALESCE(CASE"
    " WHEN event = 'order.created' THEN (SELECT r.municipality_id FROM ord_orders o"
    " JOIN residents r ON r.id = o.resident_id WHERE o.id = ord_deliveries.subject_id)"
    " WHEN event = 'family.request' THEN (SELECT r.municipality_id FROM ord_famreq q"
    " JOIN residents r ON r.id = q.resident_id WHERE q.id = ord_deliveries.subject_id)"
    " END, 1);"
    "ALTER TABLE idempotency_keys ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;"
    "UPDATE idempotency_keys SET municipality_id = COALESCE(CASE"
    " WHEN principal LIKE 'device:%' THEN (SELECT municipality_id FROM devices"
    " WHERE id = CAST(substr(principal, 8) AS INTEGER))"
    " WHEN principal LIKE 'family:%' THEN (SELECT municipality_id FROM family"
    " WHERE id = CAST(substr(principal, 8) AS INTEGER))"
    " WHEN principal LIKE 'staff:%' THEN (SELECT municipality_id FROM staff"
    " WHERE id = CAST(substr(principal, 7) AS INTEGER))"
    " WHEN principal LIKE 'source:%' THEN (SELECT municipality_id FROM sources"
    " WHERE id = CAST(substr(principal, 8) AS INTEGER))"
    " WHEN principal LIKE 'operator:%' THEN (SELECT municipality_id FROM operators"
    " WHERE id = CAST(substr(principal, 10) AS INTEGER)) END, 1);"
    "CREATE TABLE jma_areas_town(code TEXT NOT NULL, name TEXT NOT NULL,"
    " districts TEXT NOT NULL, created_unix INTEGER NOT NULL,"
    " municipality_id INTEGER NOT NULL DEFAULT 1, PRIMARY KEY(municipality_id, code));"
    "INSERT INTO jma_areas_town SELECT code, name, districts, created_unix, municipality_id"
    " FROM jma_areas;"
    "DROP TABLE jma_areas;"
    "ALTER TABLE jma_areas_town RENAME TO jma_areas;"
    "CREATE INDEX jma_areas_code ON jma_areas(code);"
    "CREATE INDEX notices_town ON notices(municipality_id, ends_unix);",
    /* 20: secrets sealed at rest (store/secrets.h): a pseudonym key per town and recipient,
     * kept as text (sealed by hubd or hubctl right after this step; in the clear until
     * then as 64 hex digits). A key an older hub made for an operator becomes its key in
     * every town it has a contract with, so the pseudonyms it already received stay the
     * same; a town it serves later gets a key of its own. */
    "CREATE TABLE ord_pseudo_keys_town(recipient TEXT NOT NULL,"
    " municipality_id INTEGER NOT NULL REFERENCES municipalities(id), key TEXT NOT NULL,"
    " PRIMARY KEY(municipality_id, recipient));"
    "INSERT INTO ord_pseudo_keys_town SELECT k.recipient, c.municipality_id, hex(k.key)"
    " FROM ord_pseudo_keys k JOIN operator_contracts c ON k.recipient = 'operator:' ||"
    " c.operator_id;"
    "INSERT INTO ord_pseudo_keys_town SELECT recipient, 1, hex(key) FROM ord_pseudo_keys"
    " WHERE recipient NOT LIKE 'operator:%';"
    "DROP TABLE ord_pseudo_keys;"
    "ALTER TABLE ord_pseudo_keys_town RENAME TO ord_pseudo_keys;",
    /* 21: one audit log per town (docs/hub.md "One log per town"): every record names its
     * log (log_id), and its place (seq) counts within that log. The records there were
     * stay in log 1, the hub log, with their places and hashes unchanged. Each town has a
     * log (audit_logs.municipality_id), made by a trigger as the town is added, so no way
     * of adding a town can leave it without one. */
    "ALTER TABLE audit ADD COLUMN log_id INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE audit_logs ADD COLUMN municipality_id INTEGER;"
    "DROP INDEX audit_seq;"
    "CREATE UNIQUE INDEX audit_seq ON audit(log_id, seq);"
    "DROP INDEX audit_unchained;"
    "CREATE INDEX audit_unchained ON audit(log_id, id) WHERE seq IS NULL;"
    "CREATE UNIQUE INDEX audit_logs_town ON audit_logs(municipality_id);"
    "INSERT INTO audit_logs(id, name, municipality_id)"
    " SELECT 1 + id, 'town', id FROM municipalities ORDER BY id;"
    "CREATE TRIGGER municipalities_audit_log AFTER INSERT ON municipalities BEGIN"
    " INSERT INTO audit_logs(id, name, municipality_id)"
    " VALUES((SELECT MAX(id) + 1 FROM audit_logs), 'town', NEW.id); END;",
    /* 22: the monthly statistics read each event's (time, resident) straight from an index
     * (docs/benchmarks.md, statistics): covering indexes replace the time-only ones of 18 */
    "CREATE INDEX checkins_at_resident ON checkins(at_unix, resident_id);"
    "DROP INDEX checkins_at;"
    "CREATE INDEX ord_orders_created_resident ON ord_orders(created_unix, resident_id);"
    "DROP INDEX ord_orders_created;"
    "CREATE INDEX alerts_kind_raised ON alerts(kind, raised_unix, resident_id);",
    /* 23: retention (store/retention.c): the purge finds expired challenges, sessions past
     * their limit and old Idempotency-Keys, oldest first, by these indexes. */
    "CREATE INDEX challenges_expires ON challenges(expires_unix);"
    "CREATE INDEX sessions_created ON sessions(created_unix);"
    "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_unix);",
    /* 24: refused authorizations, summarised per caller (never the token), client address,
     * route and minute (store/refusals.c); municipality_id is the known caller's town. */
    "CREATE TABLE auth_refusals(id INTEGER PRIMARY KEY, minute_unix INTEGER NOT NULL,"
    " caller TEXT NOT NULL, address TEXT NOT NULL, route TEXT NOT NULL,"
    " municipality_id INTEGER, count INTEGER NOT NULL, first_unix INTEGER NOT NULL,"
    " last_unix INTEGER NOT NULL, UNIQUE(minute_unix, caller, address, route));",
    /* 25: JMA telegram series (docs/disaster.md): a 土砂災害警戒情報 (VXWW50) keeps its own
     * newest telegram per area and its own notices, apart from the 気象警報・注意報 (VPWW54)
     * of the same area code; everything before is VPWW54. */
    "CREATE TABLE jma_area_state_series(code TEXT NOT NULL, report_unix INTEGER NOT NULL,"
    " office TEXT NOT NULL, telegram TEXT NOT NULL, series TEXT NOT NULL,"
    " PRIMARY KEY(series, code));"
    "INSERT INTO jma_area_state_series SELECT code, report_unix, office, telegram, 'VPWW54'"
    " FROM jma_area_state;"
    "DROP TABLE jma_area_state;"
    "ALTER TABLE jma_area_state_series RENAME TO jma_area_state;"
    "ALTER TABLE notices ADD COLUMN jma_series TEXT;"
    "UPDATE notices SET jma_series = 'VPWW54' WHERE source = 'jma';",
    /* 26: PostgreSQL keeps next_due by one set-based UPDATE per statement instead of a row
     * trigger (hubdb_pg.c: a writer batch stores its check-ins in one statement). SQLite
     * keeps its row triggers of 16, which do the same: a trigger there is a call inside the
     * hub's own process, cheaper than collecting the rows. Nothing changes here. */
    "SELECT 1;",
    /* 27: PostgreSQL's append-only rule for UPDATE as a trigger condition and audit_seq
     * over chained records only (hubdb_pg.c: what chaining a record costs there). SQLite
     * chains every record as it is stored and never updates one: nothing changes here. */
    "SELECT 1;",
    /* 28: PostgreSQL's audit_unchained by id first, for its sequencer's reads from a row id
     * on (hubdb_pg.c). No record waits for chaining here: nothing changes. */
    "SELECT 1;",
    /* 29: PostgreSQL drops the two foreign keys of checkins (resident_id, device_id): the
     * check-in INSERT finds and locks both rows itself (store/checkins.c), and the one path
     * that deletes residents and devices locks them before it deletes their check-ins
     * (store/townleave.c; docs/decisions.md). SQLite keeps them: there a check is a call
     * inside the hub's own process, and dropping one means copying the whole table. */
    "SELECT 1;",
    /* 30: a notice's place in kana as staff give it (JMA's areas take theirs from the code
     * table, hub/jma/jmakana.h): the home tablet's voice reads kana only */
    "ALTER TABLE notices ADD COLUMN area_kana TEXT;",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

const char *hubdb_status_str(enum hubdb_status s)
{
    switch (s) {
    case HUBDB_OK:
        return "ok";
    case HUBDB_ERR_OPEN:
        return "cannot open the database";
    case HUBDB_ERR_MIGRATE:
        return "schema migration failed";
    case HUBDB_ERR_NEWER:
        return "database written by a newer hub";
    }
    return "unknown";
}

int hubdb_schema_version(void)
{
    return N_MIGRATIONS;
}

/* One statement with no result rows: SQLITE_OK or the error. */
static int hubdb_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

enum hubdb_status hubdb_open(const char *path, int create, sqlite3 **out, char *err, size_t errcap)
{
    sqlite3 *db = NULL;
    enum hubdb_status st = HUBDB_ERR_OPEN;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    *out = NULL;
    /* These callers speak sqlite3 (the URL may hold a password, so it is not repeated). */
    if (db_target_is_postgres(path)) {
        snprintf(err, errcap,
                 "this works only on a SQLite file, not on a PostgreSQL database: give --db a "
                 "SQLite file");
        goto out;
    }
    /* created 0600 before SQLite writes into it; an older hub's 0644 files narrowed */
    if (filemode_secure_db(path, create, err, errcap) != 0)
        goto out;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "cannot open database %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 10000);
    /* WAL so readers never block the writer; FULL so a COMMIT is on disk before we
     * acknowledge anything. */
    if (hubdb_exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        hubdb_exec(db, "PRAGMA synchronous=FULL") != SQLITE_OK ||
        hubdb_exec(db, "PRAGMA foreign_keys=ON") != SQLITE_OK) {
        snprintf(err, errcap, "cannot set up database %s: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    *out = db;
    db = NULL;
    st = HUBDB_OK;
out:
    sqlite3_close_v2(db);
    return st;
}

enum hubdb_status hubdb_migrate_db(struct db *d, char *err, size_t errcap)
{
    struct db_migration steps[N_MIGRATIONS];
    int n_pg = 0;
    /* The same steps in the PostgreSQL dialect (hubdb_pg.c; test_pg_schema compares). */
    const char *const *pg = hubdb_pg_steps(&n_pg);
    for (int i = 0; i < N_MIGRATIONS; i++)
        steps[i] =
            (struct db_migration){.sqlite = migrations[i], .postgres = i < n_pg ? pg[i] : NULL};
    enum db_status st = db_migrate(d, steps, N_MIGRATIONS, err, errcap);
    if (st == DB_ERR_NEWER)
        return HUBDB_ERR_NEWER;
    return st == DB_OK ? HUBDB_OK : HUBDB_ERR_MIGRATE;
}

/* Handles made by hubdb_handle(), by connection; a handful of connections at a time. */
#define HANDLES_MAX 1024
static pthread_mutex_t handles_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    sqlite3 *conn;
    struct db *h;
} handles[HANDLES_MAX];

struct db *hubdb_handle(sqlite3 *conn)
{
    struct db *h = NULL;
    int free_slot = -1;
    pthread_mutex_lock(&handles_mu);
    for (int i = 0; i < HANDLES_MAX && !h; i++) {
        if (handles[i].conn == conn)
            h = handles[i].h;
        else if (!handles[i].conn && free_slot < 0)
            free_slot = i;
    }
    if (!h && free_slot >= 0 && (h = db_sqlite_wrap(conn)) != NULL) {
        handles[free_slot].conn = conn;
        handles[free_slot].h = h;
    }
    pthread_mutex_unlock(&handles_mu);
    return h;
}

/* Frees conn's handle (and its statements), if it has one. */
static void handle_drop(sqlite3 *conn)
{
    struct db *h = NULL;
    pthread_mutex_lock(&handles_mu);
    for (int i = 0; i < HANDLES_MAX && !h; i++) {
        if (handles[i].conn == conn) {
            h = handles[i].h;
            handles[i].conn = NULL;
            handles[i].h = NULL;
        }
    }
    pthread_mutex_unlock(&handles_mu);
    db_close(h);
}

void hubdb_close(sqlite3 *db)
{
    if (!db)
        return;
    handle_drop(db);
    sqlite3_stmt *st;
    while ((st = sqlite3_next_stmt(db, NULL)) != NULL)
        sqlite3_finalize(st);
    sqlite3_close_v2(db);
}

enum hubdb_status hubdb_open_db(const char *target, int create, struct db **out, char *err,
                                size_t errcap)
{
    sqlite3 *conn = NULL;
    *out = NULL;
    if (db_target_is_postgres(target))
        return db_open(target, DB_OPEN_CREATE, out, err, errcap) == DB_OK ? HUBDB_OK
                                                                          : HUBDB_ERR_OPEN;
    enum hubdb_status st = hubdb_open(target, create, &conn, err, errcap);
    if (st != HUBDB_OK)
        return st;
    /* The handle of hubdb_handle() shares its life with conn: hubdb_db_close() ends both. */
    *out = hubdb_handle(conn);
    if (!*out) {
        snprintf(err, errcap, "out of memory");
        hubdb_close(conn);
        return HUBDB_ERR_OPEN;
    }
    return HUBDB_OK;
}

void hubdb_db_close(struct db *db)
{
    sqlite3 *conn = db_sqlite_handle(db);
    if (conn)
        hubdb_close(conn);
    else
        db_close(db);
}

#define POOL_MAX 64

struct hubdb_pool {
    pthread_mutex_t mu;
    char *path;
    struct db *idle[POOL_MAX];
    int n_idle;
};

struct hubdb_pool *hubdb_pool_create(const char *path)
{
    struct hubdb_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->path = strdup(path);
    if (!p->path) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

struct db *hubdb_pool_get(struct hubdb_pool *p)
{
    struct db *h = NULL;
    sqlite3 *db = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->n_idle > 0)
        h = p->idle[--p->n_idle];
    pthread_mutex_unlock(&p->mu);
    /* A PostgreSQL handle that lost its server (restart, failover) connects again here,
     * once; when that fails too the request is answered 503 and the handle dropped. */
    if (h && !db_connected(h) && db_reconnect(h) != DB_OK) {
        fprintf(stderr, "hub: cannot reconnect a read handle: %s\n", db_errmsg(h));
        hubdb_db_close(h);
        return NULL;
    }
    if (h)
        return h;
    if (db_target_is_postgres(p->path)) {
        char err[512];
        if (db_open(p->path, DB_OPEN_READONLY, &h, err, sizeof err) != DB_OK)
            fprintf(stderr, "hub: cannot open a read connection: %s\n", err);
        return h;
    }
    if (sqlite3_open_v2(p->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "hub: cannot open a read connection: %s\n",
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    /* Request threads only read; writes go through the writer thread. */
    hubdb_exec(db, "PRAGMA query_only=1");
    h = hubdb_handle(db);
    if (!h)
        hubdb_close(db);
    return h;
}

void hubdb_pool_put(struct hubdb_pool *p, struct db *db)
{
    if (!db)
        return;
    pthread_mutex_lock(&p->mu);
    if (p->n_idle < POOL_MAX) {
        p->idle[p->n_idle++] = db;
        db = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    hubdb_db_close(db);
}

void hubdb_pool_destroy(struct hubdb_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_idle; i++)
        hubdb_db_close(p->idle[i]);
    pthread_mutex_destroy(&p->mu);
    free(p->path);
    free(p);
}
