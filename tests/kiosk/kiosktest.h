/*
 * kiosktest: the process and hub plumbing shared by the kiosk's black-box programs on real
 * parts (card_kiosk_e2e, e2e_priv_card, bench_card_kiosk): start pcscd with the virtual
 * card, run a program and capture its stdout, pick a key=value out of that output, enrol a
 * resident with a public kiosk via hubctl, start hubd on an ephemeral port and read its
 * URL, read a file as text, and wait for a kiosk with its log shown on failure. Test code
 * only: no check of its own; every helper returns a status the caller checks.
 */
#ifndef KIOSKTEST_H
#define KIOSKTEST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "cardenv.h"

/* Sets up env (cardenv_init), starts a private pcscd with the vpcd reader and the virtual
 * card of resident-1 with the extra vcard arguments vcard_args (NULL-terminated, or NULL).
 * Returns 0, or -1 after printing "PROG: cannot start pcscd and the virtual card"; in both
 * cases the caller releases env with cardenv_release(). */
int kiosktest_card_start(struct cardenv *env, const char *prog, const char *const *vcard_args);

/* Runs argv (argv[0] a path, no PATH search) with its stdout into out (at most cap - 1
 * bytes, NUL-terminated; cap must be at least 1); stderr is inherited. Returns the exit
 * status, or -1 (no pipe, or the program did not exit normally). */
int kiosktest_run(char *const argv[], char *out, size_t cap);

/* Copies the rest of the line after the first `key` in text (e.g. key "token=") into dst
 * (size bytes with the NUL). Returns 0, or -1 when the key is missing or the value does
 * not fit. */
int kiosktest_value_of(const char *text, const char *key, char *dst, size_t size);

/* The usual hub of the card tests in db (path of the SQLite file, created): hubctl init,
 * the resident 山田 花子 (district 中央, deadline 10:00) with the card certificate
 * cert_pem, and a public kiosk whose token goes into token (size bytes). Returns 0 or -1. */
int kiosktest_hub_enrol(const char *hubctl, const char *db, const char *cert_pem, char *token,
                        size_t size);

/* Starts hubd on db, listening on 127.0.0.1 port 0, trusting the CA ca_pem; *pid is its
 * process id as soon as it is forked (the caller kills and waits for it, also on failure).
 * Reads hubd's stdout until "listening on ...:PORT" and puts "http://127.0.0.1:PORT" into
 * url (size bytes). hubd's stdout pipe stays open (hubd prints little more). Returns 0, or
 * -1 when hubd ended or never said where it listens. */
int kiosktest_hubd_start(const char *hubd, const char *db, const char *ca_pem, pid_t *pid,
                         char *url, size_t size);

/* The same with more hubd arguments (NULL-terminated list, up to 22; NULL = none). */
int kiosktest_hubd_start_with(const char *hubd, const char *db, const char *ca_pem,
                              const char *const *extra, pid_t *pid, char *url, size_t size);

/* The file at path as a NUL-terminated text (cut at 65535 bytes). Returns owned memory,
 * free with free(); NULL when it cannot be read. */
char *kiosktest_slurp_text(const char *path);

/* Waits for the kiosk process pid; when it did not exit 0, prints its log file (log) to
 * stderr as "kiosk exited RC:" (or "kiosk NAME exited RC:" when name is not NULL).
 * Returns its exit status, or -1. */
int kiosktest_kiosk_wait(pid_t pid, const char *name, const char *log);

/* Runs the kiosk (public profile, language lang, hub url, device token) headless with a
 * script that enters the virtual card's PIN, waits for the text want on screen (or, for
 * "@name", the screen name) and dumps the layout into DIR/NAME.json (its log: DIR/kiosk-
 * NAME.log, shown when it fails). Returns the layout text (owned, free) or NULL. */
char *kiosktest_pin_login(const char *kiosk, const char *url, const char *token, const char *dir,
                          const char *name, const char *lang, const char *want);

/* How many times outcome stands in the town's audit listing (hubctl --db DB audit --limit
 * 100), or -1 when hubctl failed. */
int kiosktest_audited(const char *hubctl, const char *db, const char *outcome);

/* Sets the hub clock file at path to t (hubd --clock-file). */
void kiosktest_set_clock(const char *path, time_t t);

#endif
