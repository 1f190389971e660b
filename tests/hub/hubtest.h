/*
 * hubtest.h: helpers for the hub's black-box tests. Each test gets a fresh temp directory
 * with its own database, hub key and clock file, runs the real hubctl to enrol people,
 * starts the real hubd on 127.0.0.1 with an ephemeral port, and talks HTTP to it with
 * libcurl. Paths of the binaries come from the build (HUBD_PATH, HUBCTL_PATH).
 *
 * Backend: by default the database is a SQLite file in the temp directory. With
 * HUB_TEST_PG_ADMIN set (tests/pg/pgrun sets it: the URL of a private PostgreSQL server's
 * `postgres` database) each ht_init() creates its own database on that server instead and
 * hubd and hubctl get its postgresql:// URL; ht_sql_*() speak to either through db.h.
 */
#ifndef HUBTEST_H
#define HUBTEST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <cjson/cJSON.h>

#define HT_IDEM_MAX 256

struct hubtest {
    char dir[64];
    char db[256]; /* a SQLite file path or a postgresql:// URL (quote it in shell commands) */
    char key[128];
    char clock[128];
    pid_t pid;
    unsigned port;
    int tls; /* talk https with the CA in ca_file */
    char ca_file[256];
    const char *content_type; /* of request bodies; NULL = application/json */
    long timeout_s;           /* a request's limit; 0 = 20 s (see ht_req) */
    /* Answers of releases whose audit records ht_req checked (see hubtest.c),
     * and the Idempotency-Keys answered so far (a repeat is a replay: no new record). */
    long releases_checked;
    char idem[HT_IDEM_MAX][192];
    int n_idem;
};

/* Makes the temp dir, writes the clock file (now = start), runs hubctl init --key.
 * Returns 0. */
int ht_init(struct hubtest *t, time_t start);
/* Removes the temp dir (after ht_stop). */
void ht_cleanup(struct hubtest *t);

/* Sets the hub clock (the clock file read by hubd and hubctl). */
void ht_set_clock(struct hubtest *t, time_t now);

/* Runs "hubctl --db DB --clock-file CLOCK --secrets-key DIR/secrets.key <args>" (hubd
 * gets the same key file); if key is not NULL copies the value of
 * the output line "key=value" into out. Returns hubctl's exit status (or -1). */
int ht_ctl(struct hubtest *t, const char *key, char *out, size_t cap, const char *args);

/* Runs cmd with sh, its stdout to a pipe, and reads the first line it prints into line
 * ("" if none; the rest of its output is discarded). Returns the child's pid, or -1. */
pid_t ht_spawn(const char *cmd, char *line, size_t cap);

/* Makes the project's test CA (tools/testca) in DIR/ca with the certificates and keys of
 * residents 1..residents (resident-N.pem/.key, valid from now); writes its path into ca.
 * Returns 0, or -1. */
int ht_make_ca(struct hubtest *t, int residents, char *ca, size_t cap);

/* Enrols resident Hanako (district Kita, deadline 10:00) and a home device bound to her;
 * the device's token into token. Returns 0, or -1. */
int ht_enrol_home(struct hubtest *t, char *token, size_t cap);

/* Enrols resident 1 Hanako (district Kita, deadline 10:00) and resident 2 Ichiro (Minami,
 * 09:00) with the certificates resident-1.pem and resident-2.pem of the test CA in ca, a
 * home device bound to each (tokens into home1, home2) and a public kiosk (token into
 * kiosk); each token buffer holds cap bytes. Returns 0, or -1. */
int ht_enrol_two(struct hubtest *t, const char *ca, char *home1, char *home2, char *kiosk,
                 size_t cap);

/* Starts hubd with extra arguments (may be ""). Returns 0 once it prints its port. */
int ht_start(struct hubtest *t, const char *extra);
/* The end of a test program's setup: when enrolled (the setup before went well) starts hubd
 * as ht_start; otherwise, or when hubd did not start, says "cannot enrol or start the test
 * hub" and cleans up (ht_cleanup). Returns 0, or -1: the program then exits 1. */
int ht_start_enrolled(struct hubtest *t, int enrolled, const char *extra);
/* Sends SIGTERM and waits. Returns hubd's exit status (0 = clean stop). */
int ht_stop(struct hubtest *t);

/*
 * One HTTP request. Every 2xx answer of an endpoint that releases personal data is also
 * checked to have left exactly its audit records under the X-Request-Id it carries
 * (one per release); a mismatch is a failed CHECK of the running test. token ->
 * Authorization: Bearer, session -> X-Card-Session, idem -> Idempotency-Key (each may be NULL).
 * body may be NULL (no body). Returns the status (0 on transport failure); *resp (may be NULL) gets
 * the owned body text.
 */
long ht_req(struct hubtest *t, const char *method, const char *path, const char *token,
            const char *session, const char *idem, const char *body, size_t body_len, char **resp);

/* Same, parsing the answer: returns the status, *json the owned parsed body (or NULL). */
long ht_json(struct hubtest *t, const char *method, const char *path, const char *token,
             const char *session, const char *body, cJSON **json);

/* The error code of an error body ({"error":{"code":...}}) or "". */
const char *ht_error_code(const cJSON *j);

/* Signs msg as the card does (RSASSA-PKCS1-v1_5, SHA-256) with the PEM private key at
 * key_path. Returns owned base64 text (free), or NULL. */
char *ht_sign_b64(const char *key_path, const unsigned char *msg, size_t len);

/* Answers the challenge chal_b64 on the device: POST /v1/auth/card-login with the PEM
 * certificate at cert_path and a signature by the key at key_path. Returns the status (0
 * when the files cannot be used); *json the owned answer. */
long ht_card_answer(struct hubtest *t, const char *device_token, const char *chal_b64,
                    const char *cert_path, const char *key_path, cJSON **json);

/*
 * Card login of test-CA resident n (certificate ca_dir/resident-n.pem, key .key) on the
 * device with token device_token: challenge, RSA signature, login. Writes the session token
 * into out. Returns 0, or -1.
 */
int ht_card_login(struct hubtest *t, const char *ca_dir, int n, const char *device_token, char *out,
                  size_t cap);

/* The same login, for its refusal: the status of the card-login answer (0 when no
 * challenge was given), its error code into code ("" on success). */
long ht_card_attempt(struct hubtest *t, const char *ca_dir, int n, const char *device_token,
                     char *code, size_t cap);

/* Enrols residents R1..Rn (district Kita), each with its test-CA certificate
 * ca_dir/resident-i.pem, and a public kiosk whose token goes into kiosk. 0, or -1. */
int ht_card_enrol(struct hubtest *t, const char *ca_dir, int n, char *kiosk, size_t cap);

/* How many card logins the audit log holds with outcome ("ok", "refused: <code>"). */
long long ht_card_audited(struct hubtest *t, const char *outcome);

/*
 * Sends one request that must be refused (who names the caller in the message): checks
 * that it is answered 401 or 403 (or 404 when allow404) with an error code, that the answer
 * holds none of the NULL-terminated strings in leaks (may be NULL), and that no audit
 * record was written (a refusal releases nothing). Returns 1 if so; 0 after printing the
 * request and its answer.
 */
int ht_refused(struct hubtest *t, const char *method, const char *path, const char *token,
               const char *session, const char *idem, const char *body, int allow404,
               const char *const *leaks, const char *who);

/* Number of records in the audit log, but for the summaries of refused authorizations,
 * which hubd writes on its own once their minute is over (docs/hub.md). */
long long ht_audit_count(struct hubtest *t);

/* 1 when the test runs on PostgreSQL (HUB_TEST_PG_ADMIN), 0 on a SQLite file. */
int ht_on_postgres(const struct hubtest *t);

/* Result of one SQL query's first column as a number (-1 on error), on the test's DB
 * (SQL both backends understand). */
long long ht_sql_int(struct hubtest *t, const char *sql);
/* The first column of up to cap rows of one query, as numbers, into out: the number of
 * rows read, or -1 on error. */
int ht_sql_ints(struct hubtest *t, const char *sql, long long *out, int cap);
/* Runs SQL on the test's DB (changes under the hub's feet, e.g. tampering). 0 = ok. */
int ht_sql_exec(struct hubtest *t, const char *sql);
/* Number of lines of file starting with prefix (0 when it cannot be read). */
int ht_file_lines(const char *file, const char *prefix);
/* Waits (real time, up to ms) until the SQL count is want; returns the last count. */
long long ht_wait_sql(struct hubtest *t, const char *sql, long long want, int ms);
/* A self-signed TLS certificate for 127.0.0.1 in the test's folder (paths written into
 * crt and key). 0, or -1. */
int ht_make_tls_cert(struct hubtest *t, char *crt, size_t crtcap, char *key, size_t keycap);
/* Writes an Idempotency-Key claim of principal for body as the hub writes it (status 0,
 * leased until lease_until): a request still in flight, or one whose hub died. 0 = ok. */
int ht_sql_claim(struct hubtest *t, const char *principal, const char *key, const char *body,
                 long long lease_until, long long now);

#endif
