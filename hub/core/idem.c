/*
 * idem.c: in-flight set (a short array under a mutex: it holds at most one entry per open
 * connection) and the idempotency table (see idem.h).
 */
#include "idem.h"
#include "hubdb.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDEM_SLOTS   1024
#define IDEM_KEY_MAX 112

struct idem {
    pthread_mutex_t mu;
    char keys[IDEM_SLOTS][IDEM_KEY_MAX];
    int used[IDEM_SLOTS];
};

struct idem *idem_create(void)
{
    struct idem *s = calloc(1, sizeof *s);
    if (s)
        pthread_mutex_init(&s->mu, NULL);
    return s;
}

void idem_destroy(struct idem *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int idem_claim(struct idem *s, const char *principal, const char *key)
{
    char k[IDEM_KEY_MAX];
    int n = snprintf(k, sizeof k, "%s/%s", principal, key);
    if (n < 0 || (size_t)n >= sizeof k)
        return -1;
    int rc = -1, free_slot = -1;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < IDEM_SLOTS; i++) {
        if (s->used[i] && strcmp(s->keys[i], k) == 0) {
            rc = 0;
            goto out;
        }
        if (!s->used[i] && free_slot < 0)
            free_slot = i;
    }
    if (free_slot >= 0) {
        memcpy(s->keys[free_slot], k, (size_t)n + 1);
        s->used[free_slot] = 1;
        rc = 1;
    }
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void idem_release(struct idem *s, const char *principal, const char *key)
{
    char k[IDEM_KEY_MAX];
    snprintf(k, sizeof k, "%s/%s", principal, key);
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < IDEM_SLOTS; i++) {
        if (s->used[i] && strcmp(s->keys[i], k) == 0) {
            s->used[i] = 0;
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

enum idem_lookup idem_lookup(struct db *db, const char *principal, const char *key,
                             const char *body_hash, int *status, char **response)
{
    enum idem_lookup r = IDEM_ERROR;
    struct db_stmt *st = db_stmt(db, "SELECT body_hash, status, response FROM idempotency"
                                     " WHERE principal = ? AND key = ?");
    if (!st)
        goto out;
    enum db_status rc = db_bind_text(st, 1, principal, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 2, key, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_DONE) {
        r = IDEM_NEW;
        goto out;
    }
    if (rc != DB_ROW)
        goto out;
    const char *h = db_col_text(st, 0), *resp = db_col_text(st, 2);
    if (!h || strcmp(h, body_hash) != 0) {
        r = IDEM_MISMATCH;
        goto out;
    }
    *status = (int)db_col_int64(st, 1);
    *response = strdup(resp ? resp : "");
    r = *response ? IDEM_REPLAY : IDEM_ERROR;
out:
    db_stmt_done(st);
    return r;
}

int idem_store(struct db *db, const char *principal, const char *key, const char *body_hash,
               int status, const char *response, time_t now)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO idempotency(principal, key, body_hash, status,"
                                     " response, created_unix) VALUES(?,?,?,?,?,?)");
    if (!st)
        return SQLITE_ERROR;
    enum db_status rc = db_bind_text(st, 1, principal, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 2, key, -1);
    if (rc == DB_OK)
        rc = db_bind_text(st, 3, body_hash, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 4, status);
    if (rc == DB_OK)
        rc = db_bind_text(st, 5, response, -1);
    if (rc == DB_OK)
        rc = db_bind_int64(st, 6, (long long)now);
    if (rc == DB_OK)
        rc = db_step(st);
    db_stmt_done(st);
    return rc == DB_DONE ? SQLITE_OK : SQLITE_ERROR;
}
