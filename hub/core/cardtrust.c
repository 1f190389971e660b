/*
 * cardtrust.c: the current card-login trust, CRLs reloaded when their files change (see
 * cardtrust.h).
 */
#include "cardtrust.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct file_id {
    off_t size;
    struct timespec mtime;
    ino_t ino;
};

struct cardtrust {
    pthread_mutex_t mu;
    const char *ca_file;
    const char *crl[CARDTRUST_CRL_MAX];
    int n_crl;
    long refresh_s;
    struct file_id seen[CARDTRUST_CRL_MAX];
    struct timespec last_look; /* monotonic */
    struct cardverify_trust *trust;
};

static struct file_id file_id_of(const char *path)
{
    struct stat sb;
    struct file_id id = {0};
    if (stat(path, &sb) == 0) {
        id.size = sb.st_size;
        id.mtime = sb.st_mtim;
        id.ino = sb.st_ino;
    }
    return id;
}

static int same_file(const struct file_id *a, const struct file_id *b)
{
    return a->size == b->size && a->ino == b->ino && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* A trust made of the CA file and every CRL file, or NULL with err. */
static struct cardverify_trust *load(const struct cardtrust *ct, char *err, size_t errcap)
{
    struct cardverify_trust *t = cardverify_trust_load(ct->ca_file);
    if (!t) {
        snprintf(err, errcap, "cannot load the trusted CA certificates from %s", ct->ca_file);
        return NULL;
    }
    for (int i = 0; i < ct->n_crl; i++) {
        if (cardverify_trust_add_crl(t, ct->crl[i], err, errcap) < 0) {
            cardverify_trust_free(t);
            return NULL;
        }
    }
    return t;
}

static void note_files(struct cardtrust *ct)
{
    for (int i = 0; i < ct->n_crl; i++)
        ct->seen[i] = file_id_of(ct->crl[i]);
    clock_gettime(CLOCK_MONOTONIC, &ct->last_look);
}

struct cardtrust *cardtrust_create(const char *ca_file, const char *const *crl_files, int n,
                                   long refresh_s, char *err, size_t errcap)
{
    struct cardtrust *ct = NULL;
    if (n < 0 || n > CARDTRUST_CRL_MAX) {
        snprintf(err, errcap, "at most %d CRL files", CARDTRUST_CRL_MAX);
        return NULL;
    }
    ct = calloc(1, sizeof *ct);
    if (!ct) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&ct->mu, NULL);
    ct->ca_file = ca_file;
    for (int i = 0; i < n; i++)
        ct->crl[i] = crl_files[i];
    ct->n_crl = n;
    ct->refresh_s = refresh_s > 0 ? refresh_s : 0;
    note_files(ct);
    ct->trust = load(ct, err, errcap);
    if (!ct->trust) {
        cardtrust_destroy(ct);
        return NULL;
    }
    return ct;
}

/* Reloads when a look is due and a file changed; called with ct->mu held. */
static void maybe_reload(struct cardtrust *ct)
{
    struct timespec now;
    char err[512];
    if (ct->n_crl == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - ct->last_look.tv_sec < ct->refresh_s)
        return;
    int changed = 0;
    for (int i = 0; i < ct->n_crl; i++) {
        struct file_id id = file_id_of(ct->crl[i]);
        changed |= !same_file(&id, &ct->seen[i]);
    }
    if (!changed) {
        ct->last_look = now;
        return;
    }
    struct cardverify_trust *t = load(ct, err, sizeof err);
    note_files(ct); /* a bad file is reported once, not at every login */
    if (!t) {
        fprintf(stderr,
                "hub: a CRL file changed but cannot be used (%s); the CRLs loaded before stay "
                "in force until their next update\n",
                err);
        return;
    }
    cardverify_trust_free(ct->trust);
    ct->trust = t;
    fprintf(stderr, "hub: card CRLs reloaded\n");
}

struct cardverify_trust *cardtrust_get(struct cardtrust *ct)
{
    pthread_mutex_lock(&ct->mu);
    maybe_reload(ct);
    struct cardverify_trust *t = cardverify_trust_ref(ct->trust);
    pthread_mutex_unlock(&ct->mu);
    return t;
}

void cardtrust_destroy(struct cardtrust *ct)
{
    if (!ct)
        return;
    cardverify_trust_free(ct->trust);
    pthread_mutex_destroy(&ct->mu);
    free(ct);
}
