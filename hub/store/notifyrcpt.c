/*
 * notifyrcpt.c: the alert notification recipients store (see notifyrcpt.h).
 */
#include "notifyrcpt.h"
#include "rows.h"
#include "secrets.h"
#include "webhooks.h"
#include "whsig.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

static const char *const kinds[] = {"missed", "help", "unwell", "safety_help", "safety_no_answer"};

int notifyrcpt_kind_ok(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

int notifyrcpt_mode_ok(const char *mode)
{
    return mode &&
           (strcmp(mode, "always") == 0 || strcmp(mode, "day") == 0 || strcmp(mode, "off") == 0);
}

const char *notifyrcpt_default_mode(const char *kind)
{
    /* 元気がない is worth a call, not a wake-up; the others are why there is a watch-over. */
    return strcmp(kind, "unwell") == 0 ? "day" : "always";
}

int notifyrcpt_parse_hhmm(const char *s, int64_t *min)
{
    int hh, mm;
    char tail;
    if (!s || sscanf(s, "%2d:%2d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 ||
        mm > 59 || strlen(s) != 5)
        return -1;
    *min = hh * 60 + mm;
    return 0;
}

int notifyrcpt_mail_ok(const char *mail)
{
    size_t n = mail ? strlen(mail) : 0;
    const char *at = mail ? strchr(mail, '@') : NULL;
    if (n < 3 || n > NOTIFYRCPT_MAIL_MAX || !at || at == mail || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)mail[i];
        /* What would let a value reach SMTP's command line or another header. */
        if (c <= 0x20 || c >= 0x7f || strchr("<>(),;:\\\"[]", c))
            return 0;
    }
    return strchr(at + 1, '.') != NULL || strcmp(at + 1, "localhost") == 0;
}

/* Binds one text column update: UPDATE notify_recipients SET <col> = ? WHERE id = ?. */
static enum db_status set_text(struct db_stmt *st, const char *v, int64_t id)
{
    enum db_status s = st ? (v && *v ? db_bind_text(st, 1, v, -1) : db_bind_null(st, 1)) : DB_ERR;
    if (s == DB_OK)
        s = db_bind_int64(st, 2, id);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

#define SECRET_COLUMN "notify_recipients.webhook_secret"

/* Stores the webhook secret of recipient id sealed for its row (secrets.h); NULL removes
 * it. */
static enum db_status set_secret(struct db *db, const char *secret, int64_t id)
{
    char row[24], sealed[SECRETBOX_SEALED_MAX] = "";
    snprintf(row, sizeof row, "%lld", (long long)id);
    if (secret && secrets_seal(SECRET_COLUMN, row, secret, strlen(secret), sealed) != DB_OK)
        return DB_ERR;
    return set_text(db_stmt(db, "UPDATE notify_recipients SET webhook_secret = ? WHERE id = ?"),
                    secret ? sealed : NULL, id);
}

static int valid(const struct notifyrcpt_change *ch, char *err, size_t errcap)
{
    if (ch->mail && *ch->mail && !notifyrcpt_mail_ok(ch->mail)) {
        snprintf(err, errcap, "the mail address must look like name@example.jp (ASCII, no spaces)");
        return 0;
    }
    if (ch->webhook_url && *ch->webhook_url &&
        !webhooks_endpoint_ok(ch->webhook_url, ch->webhook_secret, err, errcap))
        return 0;
    if (ch->lang && strcmp(ch->lang, "ja") != 0 && strcmp(ch->lang, "en") != 0) {
        snprintf(err, errcap, "the language must be ja or en");
        return 0;
    }
    if (ch->rank != -2 && (ch->rank < 0 || ch->rank > 1000)) {
        snprintf(err, errcap, "the rank must be 0..1000 (lower is told first)");
        return 0;
    }
    int64_t q1 = ch->quiet_start_min, q2 = ch->quiet_end_min;
    if (q1 != -2 && q1 != -1 && (q1 < 0 || q1 >= 1440 || q2 < 0 || q2 >= 1440 || q1 == q2)) {
        snprintf(err, errcap, "quiet hours must be two different times HH:MM");
        return 0;
    }
    return 1;
}

enum db_status notifyrcpt_set(struct db *db, const struct scope *sc, const char *actor_kind,
                              int64_t actor_id, const struct notifyrcpt_change *ch, int64_t now,
                              int64_t *id, char *err, size_t errcap)
{
    char exists[4];
    *id = 0;
    if (!valid(ch, err, errcap))
        return DB_ERR_CONSTRAINT;
    enum db_status s =
        strcmp(actor_kind, "family") == 0
            ? rows_text_in_town(db, "SELECT 'y' FROM family WHERE id = ? AND municipality_id = ?",
                                sc, actor_id, exists, sizeof exists)
        : strcmp(actor_kind, "staff") == 0
            ? rows_text_in_town(db, "SELECT 'y' FROM staff WHERE id = ? AND municipality_id = ?",
                                sc, actor_id, exists, sizeof exists)
            : DB_DONE;
    if (s != DB_ROW) {
        snprintf(err, errcap, "no such %s member", actor_kind);
        return s;
    }
    struct db_stmt *st = db_stmt(db, "INSERT INTO notify_recipients(actor_kind, actor_id,"
                                     " created_unix, updated_unix) VALUES(?, ?, ?, ?)"
                                     " ON CONFLICT(actor_kind, actor_id) DO UPDATE SET"
                                     " updated_unix = excluded.updated_unix RETURNING id");
    s = st ? db_bind_text(st, 1, actor_kind, -1) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(actor_id), ROWS_INT(now), ROWS_INT(now));
    s = db_insert_id(st, s, id);
    if (s == DB_OK && ch->mail)
        s = set_text(db_stmt(db, "UPDATE notify_recipients SET mail = ? WHERE id = ?"), ch->mail,
                     *id);
    if (s == DB_OK && ch->webhook_url) {
        s = set_text(db_stmt(db, "UPDATE notify_recipients SET webhook_url = ? WHERE id = ?"),
                     ch->webhook_url, *id);
        if (s == DB_OK)
            s = set_secret(db, *ch->webhook_url ? ch->webhook_secret : NULL, *id);
    }
    if (s == DB_OK && ch->lang)
        s = set_text(db_stmt(db, "UPDATE notify_recipients SET lang = ? WHERE id = ?"), ch->lang,
                     *id);
    if (s == DB_OK && ch->rank != -2) {
        st = db_stmt(db, "UPDATE notify_recipients SET esc_rank = ? WHERE id = ?");
        s = rows_bind_int64s(st, 2, (const int64_t[]){ch->rank, *id});
        s = s == DB_OK ? db_step(st) : s;
        db_stmt_done(st);
        s = s == DB_DONE ? DB_OK : s;
    }
    if (s == DB_OK && ch->quiet_start_min != -2) {
        st = db_stmt(db, "UPDATE notify_recipients SET quiet_start_min = ?, quiet_end_min = ?"
                         " WHERE id = ?");
        int off = ch->quiet_start_min < 0;
        s = st ? DB_OK : DB_ERR;
        if (s == DB_OK)
            s = off ? db_bind_null(st, 1) : db_bind_int64(st, 1, ch->quiet_start_min);
        if (s == DB_OK)
            s = off ? db_bind_null(st, 2) : db_bind_int64(st, 2, ch->quiet_end_min);
        if (s == DB_OK)
            s = db_bind_int64(st, 3, *id);
        s = s == DB_OK ? db_step(st) : s;
        db_stmt_done(st);
        s = s == DB_DONE ? DB_OK : s;
    }
    return s;
}

/* The town of a recipient is its family or staff member's. */
#define RCPT_TOWN "COALESCE(f.municipality_id, s.municipality_id, 0)"

enum db_status notifyrcpt_set_mode(struct db *db, const struct scope *sc, int64_t id,
                                   const char *kind, const char *mode)
{
    char here[4];
    if (!notifyrcpt_kind_ok(kind) || !notifyrcpt_mode_ok(mode))
        return DB_ERR_CONSTRAINT;
    enum db_status t = rows_text_in_town(
        db,
        "SELECT 'y' FROM notify_recipients n LEFT JOIN family f ON n.actor_kind = 'family'"
        " AND f.id = n.actor_id LEFT JOIN staff s ON n.actor_kind = 'staff' AND s.id = n.actor_id"
        " WHERE n.id = ? AND " RCPT_TOWN " = ?",
        sc, id, here, sizeof here);
    if (t != DB_ROW) /* as if there were no such recipient: the foreign key's answer */
        return t == DB_DONE ? DB_ERR_CONSTRAINT : t;
    struct db_stmt *st = db_stmt(db, "INSERT INTO notify_prefs(recipient_id, alert_kind, mode)"
                                     " VALUES(?, ?, ?) ON CONFLICT(recipient_id, alert_kind)"
                                     " DO UPDATE SET mode = excluded.mode");
    enum db_status s = st ? db_bind_int64(st, 1, id) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_TEXT(kind), ROWS_TEXT(mode));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notifyrcpt_mode(struct db *db, int64_t id, const char *kind, char *out, size_t cap)
{
    struct db_stmt *st =
        db_stmt(db, "SELECT mode FROM notify_prefs WHERE recipient_id = ? AND alert_kind = ?");
    enum db_status s = st ? db_bind_int64(st, 1, id) : DB_ERR;
    if (s == DB_OK)
        s = db_bind_text(st, 2, kind, -1);
    if (s == DB_OK)
        s = db_step(st);
    snprintf(out, cap, "%s", s == DB_ROW ? db_col_text(st, 0) : notifyrcpt_default_mode(kind));
    db_stmt_done(st);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

#define RCPT_COLS                                                                                  \
    "n.id, n.actor_kind, n.actor_id, COALESCE(f.display_name, s.display_name, ''), n.mail,"        \
    " n.webhook_url, n.webhook_secret, n.lang, n.esc_rank, COALESCE(n.quiet_start_min, -1),"       \
    " COALESCE(n.quiet_end_min, -1), COALESCE(f.municipality_id, s.municipality_id, 0)"            \
    " FROM notify_recipients n"                                                                    \
    " LEFT JOIN family f ON n.actor_kind = 'family' AND f.id = n.actor_id"                         \
    " LEFT JOIN staff s ON n.actor_kind = 'staff' AND s.id = n.actor_id"

struct walk {
    notifyrcpt_row_fn row;
    void *ctx;
};

static const char *text_or_null(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? NULL : db_col_text(st, col);
}

static int each(void *arg, struct db_stmt *st)
{
    const struct walk *w = arg;
    char row[24], secret[WHSIG_SECRET_MAX];
    size_t len = 0;
    snprintf(row, sizeof row, "%lld", (long long)db_col_int64(st, 0));
    /* A secret that does not open is left out (said on stderr): the webhook then fails. */
    const char *sealed = text_or_null(st, 6);
    if (sealed && secrets_open(SECRET_COLUMN, row, sealed, (unsigned char *)secret,
                               sizeof secret - 1, &len) != DB_OK)
        len = 0;
    secret[len] = '\0';
    struct notifyrcpt_row r = {.id = db_col_int64(st, 0),
                               .actor_kind = db_col_text(st, 1),
                               .actor_id = db_col_int64(st, 2),
                               .display_name = db_col_text(st, 3),
                               .mail = text_or_null(st, 4),
                               .webhook_url = text_or_null(st, 5),
                               .webhook_secret = sealed && len ? secret : NULL,
                               .lang = db_col_text(st, 7),
                               .rank = db_col_int64(st, 8),
                               .quiet_start_min = db_col_int64(st, 9),
                               .quiet_end_min = db_col_int64(st, 10),
                               .town = db_col_int64(st, 11)};
    int rc = w->row(w->ctx, &r);
    OPENSSL_cleanse(secret, sizeof secret);
    return rc;
}

enum db_status notifyrcpt_get(struct db *db, const char *actor_kind, int64_t id,
                              notifyrcpt_row_fn row, void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st = db_stmt(db, "SELECT " RCPT_COLS " WHERE (? = '' AND n.id = ?)"
                                     " OR (n.actor_kind = ? AND n.actor_id = ?)");
    enum db_status s = st ? db_bind_text(st, 1, actor_kind ? actor_kind : "", -1) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_INT(id), ROWS_TEXT(actor_kind ? actor_kind : ""), ROWS_INT(id));
    return rows_walk(st, s, each, &w);
}

enum db_status notifyrcpt_list(struct db *db, const struct scope *sc, notifyrcpt_row_fn row,
                               void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st = db_stmt(db, "SELECT " RCPT_COLS " WHERE " RCPT_TOWN " = ?"
                                     " ORDER BY n.actor_kind, n.esc_rank, n.id");
    return rows_walk(st, rows_bind_town(st, 1, sc), each, &w);
}

enum db_status notifyrcpt_chain(struct db *db, int64_t resident, notifyrcpt_row_fn row, void *ctx)
{
    struct walk w = {row, ctx};
    struct db_stmt *st =
        db_stmt(db, "SELECT " RCPT_COLS " WHERE (n.actor_kind = 'family' AND EXISTS(SELECT 1"
                    " FROM family_links l WHERE l.family_id = n.actor_id AND l.resident_id = ?))"
                    " OR (n.actor_kind = 'staff' AND EXISTS(SELECT 1 FROM staff s2 JOIN"
                    " residents r2 ON r2.municipality_id = s2.municipality_id WHERE"
                    " s2.id = n.actor_id AND r2.id = ?))"
                    " ORDER BY n.actor_kind, n.esc_rank, n.id");
    return rows_walk(st, rows_bind_int64s(st, 2, (const int64_t[]){resident, resident}), each, &w);
}
