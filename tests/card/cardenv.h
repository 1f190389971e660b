/*
 * cardenv: the real card test bench for black-box tests and the benchmark: a private
 * pcscd with the vpcd driver, the project's virtual card, and an event queue fed by the
 * card adapter's callback.
 *
 * Runs inside the private mount + network namespace made by tests/card/netns-run.sh, so
 * pcscd's fixed socket path (/run/pcscd, a private tmpfs there) and the vpcd port never
 * clash with a system pcscd or with tests running in parallel. Paths come from the
 * environment: VCARD (the vcard program), TESTCA (the test CA folder, made by
 * tools/testca/make-ca.sh), PCSCD (default "pcscd").
 */
#ifndef CARDENV_H
#define CARDENV_H

#include <stddef.h>
#include <sys/types.h>

#include "card.h"

#define CARDENV_PORT 35963 /* vpcd port inside the private network namespace */

struct cardenv {
    char dir[256];       /* private temp folder (removed by cardenv_release) */
    char confdir[300];   /* reader.conf.d with the vpcd reader */
    char emptyconf[300]; /* reader.conf.d without any reader */
    char state[300];     /* the virtual card's state file */
    const char *vcard, *testca, *pcscd;
    char state2[300]; /* the second card's state file */
    pid_t pcscd_pid, vcard_pid, vcard2_pid;
    /* events from the adapter */
    struct card_event *q[64];
    size_t qhead, qlen;
};

/* Sets up the folders; returns 0, or -1 with a message on stderr. */
int cardenv_init(struct cardenv *e);
/* Stops pcscd and the virtual card if running, removes the folder. */
void cardenv_release(struct cardenv *e);

/* Starts pcscd (-f -c conf). with_reader = 0 uses a folder without any reader. */
int cardenv_pcscd_start(struct cardenv *e, int with_reader);
/* Stops pcscd with SIGTERM and waits for it. */
void cardenv_pcscd_stop(struct cardenv *e);

/* Starts the virtual card with the certificate/key "NAME.pem/NAME.key" of the test CA and
 * extra arguments (NULL-terminated list, may be empty). */
int cardenv_vcard_start(struct cardenv *e, const char *name, const char *const *extra);
void cardenv_vcard_stop(struct cardenv *e);
/* Removes (SIGUSR1) or places (SIGUSR2) the card. */
void cardenv_vcard_remove(struct cardenv *e);
void cardenv_vcard_insert(struct cardenv *e);

/* A second virtual card (resident-3's certificate) in the second vpcd reader,
 * "Virtual PCD 00 01" (port CARDENV_PORT + 1), with extra arguments. */
int cardenv_vcard2_start(struct cardenv *e, const char *const *extra);
/* Signals the second card: SIGUSR1 (remove) or SIGUSR2 (insert). */
void cardenv_vcard2_signal(struct cardenv *e, int sig);

/* Waits, with the test's own PC/SC context, until pcscd reports `reader` with a card
 * (present = 1) or without (present = 0). Returns 0, or -1 after timeout_ms. */
int cardenv_wait_reader(const char *reader, int present, long timeout_ms);

/* The adapter's post callback: ctx is the struct cardenv. Thread-safe. */
void cardenv_post(void *ctx, const struct card_event *ev);

/* Waits up to timeout_ms for an event of `kind`, dropping (and printing) others before
 * it. Returns an owned copy (free()) or NULL on timeout. */
struct card_event *cardenv_expect(struct cardenv *e, enum card_event_kind kind, long timeout_ms);
/* Waits up to timeout_ms for any event; owned copy or NULL. */
struct card_event *cardenv_next(struct cardenv *e, long timeout_ms);

/* Reads a whole file into a malloc'd buffer (cap 64 KiB); NULL on failure. */
unsigned char *cardenv_slurp(const char *path, size_t *len);

/* Monotonic milliseconds. */
double cardenv_now_ms(void);

#endif
