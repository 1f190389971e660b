/*
 * db_pg.c: db.h on PostgreSQL through libpq, for several hubd processes on one server.
 *
 * One handle is one connection with synchronous_commit=on, so a COMMIT that answered has
 * been flushed to the server's WAL on disk. Statements: the `?` of the common dialect are
 * rewritten to $1, $2, ... once at prepare time; each statement is a named server-side
 * prepared statement (parse once, bind + execute per use). A statement remembers the
 * connection generation it was prepared on; after db_reconnect() it is prepared again at
 * its next step, so cached statements outlive a server restart.
 *
 * Values travel as text except blobs (binary in, bytea hex text out and decoded here);
 * the server infers each parameter's type from where it stands, which is why the
 * PostgreSQL DDL uses BIGINT for every integer column. Results are fetched whole (a
 * query's rows are in memory until the next step past them, reset or finalize).
 *
 * Errors are sorted by SQLSTATE: class 23 is a constraint, serialization failure /
 * deadlock / lock timeout is busy; class 08, the shutdown codes, a broken connection and
 * libpq's own failures (no SQLSTATE) are "lost". A COMMIT that the server answers with ROLLBACK
 * (the transaction had failed) is an error: nothing of it exists.
 *
 * Round trips. Every statement waits for its answer, but the transaction commands whose
 * answer is only "done" (BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO: db_begin and the
 * savepoint calls) do not: they are queued in libpq's pipeline mode and travel with the
 * next statement or COMMIT, whose one round trip then carries all of them. The writer's
 * group commit wraps every job in a savepoint, so this halves the round trips of a
 * check-in (and of every short job) on a busy hub. A queued command that fails makes the
 * server skip what follows it up to the pipeline's end; the statement that carried it then
 * answers the queued command's failure, so nothing is reported done that was not.
 *
 * Changes whose answer the caller does not need (db_send(): the audit records of a batch)
 * are queued the same way inside a transaction, so they travel with the RELEASE and
 * COMMIT. A queued change that failed (or was skipped after another queued command
 * failed) poisons the transaction: a rollback to a savepoint cannot bring it back, since
 * the job that sent it may already have been released as done, so its COMMIT rolls back
 * and fails.
 */
#include "db_backend.h"

#include <libpq-fe.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BYTEA_OID  17
#define PARAMS_MAX 256 /* hard cap on `?` per statement */

struct pg_db {
    struct db base;
    PGconn *conn;
    char *conninfo;
    int readonly;
    unsigned long long gen; /* bumped by every (re)connect */
    unsigned long long seq; /* statement names on this handle */
    int64_t changes;
    int broken;      /* a call answered DB_ERR_LOST; cleared by the next connect that works */
    int pending;     /* commands queued in pipeline mode whose answers are not read yet */
    int pending_dml; /* of them, changes queued by db_send() */
    int in_txn;      /* db_begin() was called and no commit or rollback since */
    /* A change queued by db_send() failed in this transaction: its commit fails (db.h). */
    int poisoned;
    char poison_msg[sizeof(((struct db *)0)->errmsg)];
};

struct pg_stmt {
    struct db_stmt base;
    char *sql;     /* with $n placeholders */
    char name[32]; /* server-side prepared statement */
    unsigned long long gen;
    int nparams;
    char **values; /* owned copies, NULL = SQL NULL */
    int *lengths;
    int *formats;
    PGresult *res;
    int row, nrows;
    unsigned char **blobs; /* decoded bytea of the current row, per column */
    size_t *blob_len;
    int ncols_blob;
};

static struct pg_db *pg(struct db *db)
{
    return (struct pg_db *)db;
}

static struct pg_stmt *pgs(struct db_stmt *st)
{
    return (struct pg_stmt *)st;
}

/* Sorts a failure (res may be NULL) and keeps the server's sentence. */
static enum db_status fail(struct db *db, const PGresult *res)
{
    struct pg_db *d = pg(db);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    enum db_status st = DB_ERR;
    if (!msg || !*msg)
        msg = PQerrorMessage(d->conn);
    /* No SQLSTATE: libpq's own failure (the socket died while sending or reading; its
     * status may still say OK until it has read everything). */
    if (PQstatus(d->conn) == CONNECTION_BAD || !state)
        st = DB_ERR_LOST;
    else if (state && strncmp(state, "23", 2) == 0)
        st = DB_ERR_CONSTRAINT;
    else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                       strcmp(state, "55P03") == 0))
        st = DB_ERR_BUSY;
    else if (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
                       strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0))
        st = DB_ERR_LOST;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    if (st == DB_ERR_LOST)
        d->broken = 1;
    return db_set_err(db, st, "%.*s", (int)n, msg);
}

/* The connection is gone: say so without a round trip. */
static enum db_status lost(struct db *db)
{
    pg(db)->broken = 1;
    return db_set_err(db, DB_ERR_LOST, "the connection to PostgreSQL was lost: %s",
                      PQerrorMessage(pg(db)->conn));
}

static int conn_ok(const struct db *db)
{
    return PQstatus(((const struct pg_db *)db)->conn) == CONNECTION_OK;
}

static int pg_connected(const struct db *db)
{
    return conn_ok(db) && !((const struct pg_db *)db)->broken;
}

static enum db_status flush_queued(struct db *db);

/* Runs sql (no parameters, no rows wanted). */
static enum db_status run(struct db *db, const char *sql)
{
    if (!conn_ok(db))
        return lost(db);
    enum db_status q = flush_queued(db);
    if (q != DB_OK)
        return q;
    PGresult *r = PQexec(pg(db)->conn, sql);
    ExecStatusType es = PQresultStatus(r);
    enum db_status st = es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK || es == PGRES_EMPTY_QUERY
                            ? DB_OK
                            : fail(db, r);
    if (st == DB_OK && es == PGRES_COMMAND_OK) {
        const char *t = PQcmdTuples(r);
        pg(db)->changes = t && *t ? strtoll(t, NULL, 10) : 0;
    }
    PQclear(r);
    return st;
}

/* Reads the answer of one queued command: DB_OK, or its failure (first_err keeps the
 * first); *res gets the result when res is not NULL and the command worked. */
static enum db_status read_one(struct db *db, enum db_status first_err, PGresult **res)
{
    PGconn *c = pg(db)->conn;
    PGresult *r = PQgetResult(c);
    enum db_status st = first_err;
    if (!r)
        return first_err != DB_OK ? first_err : lost(db);
    ExecStatusType es = PQresultStatus(r);
    if (es == PGRES_FATAL_ERROR) {
        if (st == DB_OK)
            st = fail(db, r);
    } else if (es == PGRES_PIPELINE_ABORTED) {
        /* Skipped for an earlier failure, which is the one reported. */
        if (st == DB_OK)
            st = db_set_err(db, DB_ERR, "a statement was skipped after a failure");
    } else if (res && st == DB_OK) {
        *res = r;
        r = NULL;
    }
    PQclear(r);
    /* Each command's results end with NULL; a result after it would be out of step. */
    PGresult *extra = PQgetResult(c);
    if (extra) {
        PQclear(extra);
        st = st != DB_OK ? st : db_set_err(db, DB_ERR, "unexpected extra result in a pipeline");
    }
    return st;
}

/*
 * Sends what is queued in pipeline mode, with the command just queued after it when
 * main is 1 (its result into *res), and reads every answer; leaves pipeline mode. The
 * first failure wins: a command the server skipped after it never reports success.
 */
static enum db_status settle(struct db *db, int main, PGresult **res)
{
    struct pg_db *d = pg(db);
    enum db_status st = DB_OK;
    if (res)
        *res = NULL;
    if (PQpipelineStatus(d->conn) == PQ_PIPELINE_OFF)
        return DB_OK;
    int n = d->pending, dml = d->pending_dml;
    d->pending = 0;
    d->pending_dml = 0;
    if (PQpipelineSync(d->conn) != 1) {
        st = fail(db, NULL);
        goto out;
    }
    for (int i = 0; i < n; i++)
        st = read_one(db, st, NULL);
    if (st != DB_OK && dml > 0 && !d->poisoned) {
        d->poisoned = 1;
        snprintf(d->poison_msg, sizeof d->poison_msg, "%s", db->errmsg);
    }
    if (main)
        st = read_one(db, st, st == DB_OK ? res : NULL);
    PGresult *r = PQgetResult(d->conn);
    if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        st = st != DB_OK ? st : lost(db);
    PQclear(r);
out:
    if (PQexitPipelineMode(d->conn) != 1) {
        /* Answers left unread: the connection is out of step, connect again. */
        d->broken = 1;
        if (st == DB_OK)
            st = lost(db);
    }
    if (st != DB_OK && res && *res) {
        PQclear(*res);
        *res = NULL;
    }
    return st;
}

/* Queues sql (no parameters, no rows: a transaction command) to travel with the next
 * command that waits for its answer. */
static enum db_status defer(struct db *db, const char *sql)
{
    struct pg_db *d = pg(db);
    if (!conn_ok(db))
        return lost(db);
    if (PQpipelineStatus(d->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(d->conn) != 1)
        return run(db, sql);
    if (PQsendQueryParams(d->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1) {
        enum db_status st = fail(db, NULL);
        (void)settle(db, 0, NULL);
        return st;
    }
    d->pending++;
    return DB_OK;
}

/* Before a call that waits for its own answer: what is queued goes first. */
static enum db_status flush_queued(struct db *db)
{
    return PQpipelineStatus(pg(db)->conn) == PQ_PIPELINE_OFF ? DB_OK : settle(db, 0, NULL);
}

/* The server's NOTICEs ("already exists, skipping") are not failures; warnings are shown. */
static void on_notice(void *arg, const PGresult *res)
{
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && strcmp(sev, "WARNING") == 0)
        fprintf(stderr, "hub: PostgreSQL: %s", PQresultErrorMessage(res));
}

/* Connects (or connects again) and applies the session settings. */
static enum db_status connect_now(struct pg_db *d, char *err, size_t errcap)
{
    /* Later keywords override what the URL says: the hub needs UTF-8 and a bounded wait. */
    const char *keys[] = {"dbname", "client_encoding", "connect_timeout", "application_name", NULL};
    const char *vals[] = {d->conninfo, "UTF8", "10", "hubd", NULL};
    if (d->conn)
        PQfinish(d->conn);
    d->conn = PQconnectdbParams(keys, vals, 1);
    d->gen++;
    d->pending = 0; /* what was queued died with the old connection */
    d->pending_dml = 0;
    d->in_txn = 0;
    d->poisoned = 0;
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        const char *m = d->conn ? PQerrorMessage(d->conn) : "out of memory";
        size_t n = strlen(m);
        while (n > 0 && m[n - 1] == '\n')
            n--;
        /* Host and database only: the URL may hold a password. */
        snprintf(err, errcap, "cannot connect to PostgreSQL (database %s on %s): %.*s",
                 d->conn ? PQdb(d->conn) : "?", d->conn ? PQhost(d->conn) : "?", (int)n, m);
        db_set_err(&d->base, DB_ERR_LOST, "%s", err);
        return DB_ERR_LOST;
    }
    d->broken = 0;
    PQsetNoticeReceiver(d->conn, on_notice, NULL);
    /* Acknowledged means flushed to the server's disk, whatever the server's default. */
    enum db_status st = run(&d->base, d->readonly ? "SET synchronous_commit = on;"
                                                    " SET default_transaction_read_only = on"
                                                  : "SET synchronous_commit = on");
    if (st != DB_OK)
        snprintf(err, errcap, "cannot set up the PostgreSQL session: %s", d->base.errmsg);
    return st;
}

static void pg_close(struct db *db)
{
    struct pg_db *d = pg(db);
    PQfinish(d->conn);
    free(d->conninfo);
    free(d);
}

static enum db_status pg_reconnect(struct db *db)
{
    char err[512];
    return connect_now(pg(db), err, sizeof err);
}

static enum db_status pg_exec(struct db *db, const char *sql)
{
    return run(db, sql);
}

/* Rewrites `?` outside quotes and comments to $1, $2, ... Returns an owned string or
 * NULL (too many parameters or out of memory); *n gets the count. */
static char *translate(const char *sql, int *n)
{
    size_t len = strlen(sql), q = 0;
    for (size_t i = 0; i < len; i++)
        q += sql[i] == '?';
    char *out = malloc(len + q * 4 + 1);
    if (!out)
        return NULL;
    char quote = 0;
    int comment = 0, k = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = sql[i];
        if (comment) {
            comment = c != '\n';
        } else if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '-' && sql[i + 1] == '-') {
            comment = 1;
        } else if (c == '?') {
            if (++k > PARAMS_MAX) {
                free(out);
                return NULL;
            }
            o += (size_t)snprintf(out + o, 5, "$%d", k);
            continue;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    *n = k;
    return out;
}

static void clear_result(struct pg_stmt *s)
{
    for (int i = 0; i < s->ncols_blob; i++)
        PQfreemem(s->blobs[i]);
    free(s->blobs);
    free(s->blob_len);
    s->blobs = NULL;
    s->blob_len = NULL;
    s->ncols_blob = 0;
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
}

static void clear_bindings(struct pg_stmt *s)
{
    if (!s->values || !s->lengths || !s->formats)
        return;
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
}

/* Prepares s on the current connection if it was not prepared on it yet. */
static enum db_status ensure_prepared(struct pg_stmt *s)
{
    struct pg_db *d = pg(s->base.db);
    if (s->gen == d->gen)
        return DB_OK;
    if (!conn_ok(s->base.db))
        return lost(s->base.db);
    enum db_status q = flush_queued(s->base.db);
    if (q != DB_OK)
        return q;
    snprintf(s->name, sizeof s->name, "hub_%llu", ++d->seq);
    PGresult *r = PQprepare(d->conn, s->name, s->sql, s->nparams, NULL);
    enum db_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? DB_OK : fail(s->base.db, r);
    PQclear(r);
    if (st == DB_OK)
        s->gen = d->gen;
    return st;
}

static void pg_finalize(struct db_stmt *st)
{
    struct pg_stmt *s = pgs(st);
    struct pg_db *d = pg(st->db);
    clear_result(s);
    clear_bindings(s);
    /* Free the server's copy; when the connection changed it died with the old one. In a
     * failed transaction this fails and the copy lives on until the connection closes. */
    if (s->gen == d->gen && conn_ok(st->db)) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        if (PQpipelineStatus(d->conn) != PQ_PIPELINE_OFF)
            (void)defer(st->db, sql); /* with what is queued, no round trip of its own */
        else
            PQclear(PQexec(d->conn, sql));
    }
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s->sql);
    free(s);
}

static enum db_status pg_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    struct pg_stmt *s = calloc(1, sizeof *s);
    enum db_status st = DB_ERR;
    if (!s)
        return db_set_err(db, DB_ERR, "out of memory");
    s->base.db = db;
    s->row = -1;
    s->sql = translate(sql, &s->nparams);
    if (!s->sql) {
        st = db_set_err(db, DB_ERR, "a statement has more than %d parameters", PARAMS_MAX);
        goto fail;
    }
    int cap = s->nparams > 0 ? s->nparams : 1;
    s->values = calloc((size_t)cap, sizeof *s->values);
    s->lengths = calloc((size_t)cap, sizeof *s->lengths);
    s->formats = calloc((size_t)cap, sizeof *s->formats);
    if (!s->values || !s->lengths || !s->formats) {
        st = db_set_err(db, DB_ERR, "out of memory");
        goto fail;
    }
    /* Now, so a mistake in the SQL is reported where the statement is made. */
    st = ensure_prepared(s);
    if (st != DB_OK)
        goto fail;
    *out = &s->base;
    return DB_OK;
fail:
    s->gen = 0; /* nothing to deallocate */
    pg_finalize(&s->base);
    return st;
}

static void pg_reset(struct db_stmt *st)
{
    clear_result(pgs(st));
    clear_bindings(pgs(st));
}

/* Stores an owned copy of the value of parameter idx. */
static enum db_status bind(struct db_stmt *st, int idx, const void *v, size_t len, int binary)
{
    struct pg_stmt *s = pgs(st);
    if (idx < 1 || idx > s->nparams)
        return db_set_err(st->db, DB_ERR, "parameter %d out of range (the statement has %d)", idx,
                          s->nparams);
    if (len > 1024u * 1024 * 1024)
        return db_set_err(st->db, DB_ERR, "a value is larger than 1 GiB");
    char *copy = NULL;
    if (v) {
        copy = malloc(len + 1);
        if (!copy)
            return db_set_err(st->db, DB_ERR, "out of memory");
        memcpy(copy, v, len);
        copy[len] = '\0';
    }
    free(s->values[idx - 1]);
    s->values[idx - 1] = copy;
    s->lengths[idx - 1] = (int)len;
    s->formats[idx - 1] = binary;
    return DB_OK;
}

static enum db_status pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    return bind(st, idx, buf, (size_t)n, 0);
}

static enum db_status pg_bind_double(struct db_stmt *st, int idx, double v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%.17g", v);
    return bind(st, idx, buf, (size_t)n, 0);
}

static enum db_status pg_bind_text(struct db_stmt *st, int idx, const char *text, size_t len)
{
    if (memchr(text, '\0', len))
        return db_set_err(st->db, DB_ERR, "text with a NUL byte cannot be stored");
    return bind(st, idx, text, len, 0);
}

static enum db_status pg_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
    return bind(st, idx, data, len, 1);
}

static enum db_status pg_bind_null(struct db_stmt *st, int idx)
{
    return bind(st, idx, NULL, 0, 0);
}

static enum db_status pg_step(struct db_stmt *st)
{
    struct pg_stmt *s = pgs(st);
    struct pg_db *d = pg(st->db);
    if (s->res) {
        s->row++;
        for (int i = 0; i < s->ncols_blob; i++) {
            PQfreemem(s->blobs[i]);
            s->blobs[i] = NULL;
        }
        return s->row < s->nrows ? DB_ROW : DB_DONE;
    }
    enum db_status rc = DB_OK;
    PGresult *r = NULL;
    if (s->gen == d->gen && conn_ok(st->db) && PQpipelineStatus(d->conn) != PQ_PIPELINE_OFF) {
        /* Queued transaction commands and this statement in one round trip. */
        if (PQsendQueryPrepared(d->conn, s->name, s->nparams, (const char *const *)s->values,
                                s->lengths, s->formats, 0) != 1) {
            rc = fail(st->db, NULL);
            (void)settle(st->db, 0, NULL);
            return rc;
        }
        rc = settle(st->db, 1, &r);
        if (rc != DB_OK)
            return rc;
    } else {
        rc = ensure_prepared(s);
        if (rc != DB_OK)
            return rc;
        r = PQexecPrepared(d->conn, s->name, s->nparams, (const char *const *)s->values, s->lengths,
                           s->formats, 0);
    }
    ExecStatusType es = PQresultStatus(r);
    if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK) {
        rc = fail(st->db, r);
        PQclear(r);
        return rc;
    }
    const char *t = PQcmdTuples(r);
    if (t && *t)
        d->changes = strtoll(t, NULL, 10);
    s->res = r;
    s->nrows = es == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    s->row = 0;
    int nf = PQnfields(r);
    if (nf > 0) {
        s->blobs = calloc((size_t)nf, sizeof *s->blobs);
        s->blob_len = calloc((size_t)nf, sizeof *s->blob_len);
        if (!s->blobs || !s->blob_len) {
            clear_result(s);
            return db_set_err(st->db, DB_ERR, "out of memory");
        }
        s->ncols_blob = nf;
    }
    return s->nrows > 0 ? DB_ROW : DB_DONE;
}

/* db_send() where nothing is queued: the change runs now. */
static enum db_status send_now(struct db_stmt *st)
{
    enum db_status rc = pg_step(st);
    if (rc == DB_ROW)
        rc = db_set_err(st->db, DB_ERR, "a change sent without waiting returned rows");
    return rc == DB_DONE ? DB_OK : rc;
}

static enum db_status pg_send(struct db_stmt *st)
{
    struct pg_stmt *s = pgs(st);
    struct pg_db *d = pg(st->db);
    if (!d->in_txn || s->res || !conn_ok(st->db))
        return send_now(st); /* outside a transaction nothing would carry it */
    enum db_status rc = ensure_prepared(s);
    if (rc != DB_OK)
        return rc;
    if (PQpipelineStatus(d->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(d->conn) != 1)
        return send_now(st);
    if (PQsendQueryPrepared(d->conn, s->name, s->nparams, (const char *const *)s->values,
                            s->lengths, s->formats, 0) != 1) {
        rc = fail(st->db, NULL);
        (void)settle(st->db, 0, NULL);
        return rc;
    }
    d->pending++;
    d->pending_dml++;
    return DB_OK;
}

static int has_cell(struct pg_stmt *s, int col)
{
    return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int pg_col_count(struct db_stmt *st)
{
    return pgs(st)->res ? PQnfields(pgs(st)->res) : 0;
}

static int pg_col_is_null(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    return !has_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    if (pg_col_is_null(st, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(struct db_stmt *st, int col)
{
    const char *t = pg_col_text(st, col);
    if (!t)
        return 0;
    if (t[0] == 't' || t[0] == 'f') /* a boolean expression (EXISTS, comparisons) */
        return t[0] == 't';
    return strtoll(t, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
    const char *t = pg_col_text(st, col);
    return t ? strtod(t, NULL) : 0.0;
}

/* Decodes a bytea cell once per row; other types are their text. */
static const void *pg_col_blob(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    const char *t = pg_col_text(st, col);
    if (!t)
        return NULL;
    if (PQftype(s->res, col) != BYTEA_OID)
        return t;
    if (!s->blobs[col]) {
        size_t n = 0;
        s->blobs[col] = PQunescapeBytea((const unsigned char *)t, &n);
        s->blob_len[col] = s->blobs[col] ? n : 0;
    }
    return s->blobs[col];
}

static size_t pg_col_bytes(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pgs(st);
    if (pg_col_is_null(st, col))
        return 0;
    if (PQftype(s->res, col) != BYTEA_OID)
        return (size_t)PQgetlength(s->res, s->row, col);
    return pg_col_blob(st, col) ? s->blob_len[col] : 0;
}

static int64_t pg_changes(struct db *db)
{
    return pg(db)->changes;
}

static enum db_status pg_begin(struct db *db)
{
    struct pg_db *d = pg(db);
    enum db_status st = defer(db, "BEGIN");
    d->in_txn = st == DB_OK;
    d->poisoned = 0;
    return st;
}

/* Transaction commands of the savepoint calls: queued (see the top of this file). */
static enum db_status pg_control(struct db *db, const char *sql)
{
    return defer(db, sql);
}

static enum db_status pg_commit(struct db *db)
{
    struct pg_db *d = pg(db);
    d->in_txn = 0;
    if (!conn_ok(db))
        return lost(db);
    PGresult *r = NULL;
    enum db_status st = DB_OK;
    if (d->poisoned) {
        d->poisoned = 0;
        (void)flush_queued(db);
        PQclear(PQexec(d->conn, "ROLLBACK"));
        return db_set_err(db, DB_ERR, "a change of the transaction failed: %.400s", d->poison_msg);
    }
    if (PQpipelineStatus(d->conn) != PQ_PIPELINE_OFF) {
        /* What is queued (the last RELEASE, often) and the COMMIT in one round trip. */
        if (PQsendQueryParams(d->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) != 1) {
            st = fail(db, NULL);
            (void)settle(db, 0, NULL);
        } else {
            st = settle(db, 1, &r);
        }
        d->poisoned = 0; /* a queued change that failed fails the COMMIT it travelled with */
        if (st != DB_OK) {
            if (conn_ok(db))
                PQclear(PQexec(d->conn, "ROLLBACK"));
            return st;
        }
    } else {
        r = PQexec(d->conn, "COMMIT");
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        /* The server rolled back (or we do not know: lost is never an acknowledgement). */
        st = fail(db, r);
        if (conn_ok(db))
            PQclear(PQexec(pg(db)->conn, "ROLLBACK"));
    } else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        /* COMMIT of a transaction that had failed answers ROLLBACK: nothing was kept. */
        st = db_set_err(db, DB_ERR, "the transaction had failed and was rolled back");
    }
    PQclear(r);
    return st;
}

static void pg_rollback(struct db *db)
{
    if (conn_ok(db))
        (void)flush_queued(db); /* a failure there is undone by this rollback */
    if (conn_ok(db) && PQtransactionStatus(pg(db)->conn) != PQTRANS_IDLE)
        PQclear(PQexec(pg(db)->conn, "ROLLBACK"));
    pg(db)->in_txn = 0;
    pg(db)->poisoned = 0;
}

static int pg_version_get(struct db *db)
{
    struct pg_db *d = pg(db);
    if (!conn_ok(db)) {
        lost(db);
        return -1;
    }
    if (flush_queued(db) != DB_OK)
        return -1;
    /* to_regclass: no error (which would abort the transaction) when the table is new. */
    PGresult *r = PQexec(d->conn, "SELECT CASE WHEN to_regclass('hub_schema_version') IS NULL"
                                  " THEN -1 ELSE 0 END");
    int v = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        fail(db, r);
        PQclear(r);
        return -1;
    }
    int exists = strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    if (!exists)
        return 0;
    r = PQexec(d->conn, "SELECT COALESCE(MAX(version), 0) FROM hub_schema_version");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
    else
        fail(db, r);
    PQclear(r);
    return v;
}

static enum db_status pg_version_set(struct db *db, int version)
{
    char sql[128];
    snprintf(sql, sizeof sql,
             "DELETE FROM hub_schema_version; INSERT INTO hub_schema_version VALUES(%d)", version);
    return run(db, sql);
}

/* One hub-wide advisory lock (the number is arbitrary, fixed), released by the commit;
 * the version table is made under it so two first starts cannot race to create it. */
static enum db_status pg_migration_lock(struct db *db)
{
    return run(db, "SELECT pg_advisory_xact_lock(4841); CREATE TABLE IF NOT EXISTS"
                   " hub_schema_version(version INTEGER NOT NULL)");
}

static const struct db_ops pg_ops = {
    .dialect = DB_POSTGRES,
    .close = pg_close,
    .reconnect = pg_reconnect,
    .connected = pg_connected,
    .exec = pg_exec,
    .control = pg_control,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .send = pg_send,
    .col_count = pg_col_count,
    .col_is_null = pg_col_is_null,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_bytes = pg_col_bytes,
    .changes = pg_changes,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .version_get = pg_version_get,
    .version_set = pg_version_set,
    .migration_lock = pg_migration_lock,
};

struct db *db_pg_open(const char *conninfo, int flags, enum db_status *status, char *err,
                      size_t errcap)
{
    struct pg_db *d = calloc(1, sizeof *d);
    *status = DB_ERR;
    if (!d || !(d->conninfo = strdup(conninfo))) {
        snprintf(err, errcap, "out of memory opening a PostgreSQL connection");
        free(d);
        return NULL;
    }
    d->base.ops = &pg_ops;
    d->readonly = (flags & DB_OPEN_READONLY) != 0;
    enum db_status st = connect_now(d, err, errcap);
    if (st != DB_OK) {
        *status = st;
        pg_close(&d->base);
        return NULL;
    }
    *status = DB_OK;
    return &d->base;
}
