/*
 * kiosktest: what the kiosk's black-box programs on real parts share (card_kiosk_e2e,
 * card_revoke_e2e, card_ocsp_e2e, e2e_priv_card, bench_card_kiosk): the start and end of
 * their main (the programs named on the command line, pcscd with the virtual card, the hub
 * enrolled and started on an ephemeral port), the kiosk run headless with a script and its
 * log shown on failure, a PIN login, the hub's audit counted, a program's output and a
 * key=value out of it. Each program's own file holds only its scenario. Test code only: no
 * check of its own; every helper returns a status the caller checks.
 */
#ifndef KIOSKTEST_H
#define KIOSKTEST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "cardenv.h"

/* One program's parts, filled by kiosktest_begin() and released by kiosktest_end(). */
struct kiosktest {
    const char *prog;                  /* the program's name, for messages */
    const char *kiosk, *hubd, *hubctl; /* paths from the command line (borrowed argv) */
    struct cardenv env;                /* private pcscd + virtual card; env.testca the CA */
    char workdir[300];                 /* env.dir: the hub's file, layouts and logs */
    char dbpath[400];                  /* workdir/hub.db */
    char token[128];                   /* the public kiosk's device token (hub_enrol) */
    char url[64];                      /* http://127.0.0.1:PORT once hubd listens */
    pid_t hubd_pid;                    /* the running hubd, or 0 */
    int begun;                         /* env set up: kiosktest_end releases it */
};

/* The start of every card program's main: takes "PROG KIOSK HUBD HUBCTL ..." from argv
 * (prints the usage otherwise), ignores SIGPIPE, starts pcscd with the vpcd reader and the
 * virtual card of resident-1 with the extra vcard arguments vcard_args (NULL-terminated, or
 * NULL), sets workdir and dbpath, then calls start(kt) to set up the program's hub and
 * whatever else it needs (NULL: the usual one, kiosktest_hub_enrol + kiosktest_hubd_start).
 * Returns 0, or the exit status to end with (2: usage; 1: something did not start, said on
 * stderr). Either way the caller ends with kiosktest_end(). */
int kiosktest_begin(struct kiosktest *kt, const char *prog, int argc, char **argv,
                    const char *const *vcard_args, int (*start)(struct kiosktest *kt));

/* Stops hubd (when running) and releases the card environment; returns rc, the exit status. */
int kiosktest_end(struct kiosktest *kt, int rc);

/* The usual hub of the card tests in dbpath (created): hubctl init, the resident 山田 花子
 * (district 中央, deadline 10:00) with the virtual card's certificate and the more
 * resident-add arguments resident_extra (NULL-terminated, up to 19; NULL = none), and a
 * public kiosk whose token goes into kt->token. Returns 0 or -1. */
int kiosktest_hub_enrol(struct kiosktest *kt, const char *const *resident_extra);

/* Starts hubd on dbpath, listening on 127.0.0.1 port 0, trusting the test CA, with more
 * hubd arguments extra (NULL-terminated, up to 22; NULL = none); kt->hubd_pid is set as soon
 * as it is forked (kiosktest_stop_hubd() or kiosktest_end() stops it, also on failure).
 * Reads hubd's stdout until "listening on ...:PORT" and sets kt->url; the pipe stays open
 * (hubd prints little more). Returns 0, or -1 when hubd ended or never said where. */
int kiosktest_hubd_start(struct kiosktest *kt, const char *const *extra);

/* Stops the running hubd (SIGTERM, then waits for it); nothing when none runs. */
void kiosktest_stop_hubd(struct kiosktest *kt);

/* Runs argv (argv[0] a path, no PATH search) with its stdout into out (at most cap - 1
 * bytes, NUL-terminated; cap must be at least 1); stderr is inherited. Returns the exit
 * status, or -1 (no pipe, or the program did not exit normally). */
int kiosktest_run(char *const argv[], char *out, size_t cap);

/* Copies the rest of the line after the first `key` in text (e.g. key "token=") into dst
 * (size bytes with the NUL). Returns 0, or -1 when the key is missing or the value does
 * not fit. */
int kiosktest_value_of(const char *text, const char *key, char *dst, size_t size);

/* The file at path as a NUL-terminated text (cut at 65535 bytes). Returns owned memory,
 * free with free(); NULL when it cannot be read. */
char *kiosktest_slurp_text(const char *path);

/* Starts the kiosk headless (--offscreen) on the hub with the setting profile (e.g.
 * "profile=public"), the device token tok, more key=value settings sets (NULL-terminated,
 * up to 6; NULL = none) and the script; its stderr goes to workdir/kiosk-NAME.log.
 * Returns its process id (wait with kiosktest_kiosk_wait), or -1. */
pid_t kiosktest_kiosk_start(const struct kiosktest *kt, const char *name, const char *profile,
                            const char *tok, const char *const *sets, const char *script);

/* Waits for the kiosk process pid started as name; when it did not exit 0, prints its log
 * (workdir/kiosk-NAME.log) to stderr as "kiosk NAME exited RC:". Returns its exit status,
 * or -1. */
int kiosktest_kiosk_wait(const struct kiosktest *kt, pid_t pid, const char *name);

/* Runs the public kiosk (language lang, kt->token) with a script that enters the virtual
 * card's PIN, waits for the text want on screen (or, for "@name", the screen name) and
 * dumps the layout into workdir/NAME.json. Returns the layout text (owned, free) or NULL. */
char *kiosktest_pin_login(const struct kiosktest *kt, const char *name, const char *lang,
                          const char *want);

/* How many times needle stands in the town's audit listing (hubctl audit, newest 500), or
 * -1 when hubctl failed. */
int kiosktest_audited(const struct kiosktest *kt, const char *needle);

/* Sets the hub clock file at path to t (hubd --clock-file). */
void kiosktest_set_clock(const char *path, time_t t);

#endif
