/*
 * hubctl.c: the hub's admin CLI for city staff and scripts. It works directly on the
 * database file (also while hubd runs: SQLite's locking and the audit chain's
 * read-previous-hash-in-the-transaction keep both consistent). Every change it makes is
 * audited with actor "hubctl" in the same transaction.
 *
 * Output is one "key=value" per line so scripts can pick out ids and tokens; tokens are
 * printed once and never stored.
 */
#include "audit.h"
#include "catalog.h"
#include "ckstore.h"
#include "oqueue.h"
#include "whsig.h"
#include "escalate.h"
#include "hubclock.h"
#include "hubdb.h"
#include "hubkey.h"
#include "hubtoken.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#define MAX_LINKS 16

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hubctl --db FILE [--clock-file FILE] COMMAND [options]\n"
            "commands:\n"
            "  init [--key FILE]            create/migrate the database; create the hub key\n"
            "  resident-add --name NAME --district D --deadline HH:MM [--cert FILE]\n"
            "               [--insurer N --insured N [--symbol S] [--branch NN]] [--address A]\n"
            "                               enrol a resident (deadline in Japan time; --cert\n"
            "                               PEM/DER user-auth certificate for card login;\n"
            "                               insurance identifiers to match checkups; address\n"
            "                               for deliveries, released only with consent)\n"
            "  resident-cert --resident ID --cert FILE   enrol/replace a resident's certificate\n"
            "  device-add --kind home|public [--resident ID] [--label TEXT]\n"
            "                               register a device; prints its token once\n"
            "  family-add --name NAME --resident ID [--resident ID ...] [--relation TEXT]\n"
            "                               register a family member linked to residents, with\n"
            "                               their consent (safety, watch_over) from the paper\n"
            "                               enrolment form; prints the token once\n"
            "  staff-add --name NAME        register city watch-over staff; prints token once\n"
            "  legal-basis-add --name N --recipient-kind staff|family|operator --data-kind K\n"
            "                  --purpose P --description TEXT\n"
            "                               name a legal basis that allows a release without\n"
            "                               consent (audited like a consent: legal:N)\n"
            "  legal-bases                  list the legal bases\n"
            "  consents [--resident ID]     consents, granted and revoked\n"
            "  alerts [--open]              the newest 200 alerts (--open: unacknowledged)\n"
            "  checkins [--resident ID] [--limit N]\n"
            "  audit [--resident ID] [--limit N]\n"
            "  audit-verify [--key FILE]    verify the hash chain (and signed checkpoints)\n"
            "  audit-checkpoint --key FILE  sign a checkpoint over the newest record now\n"
            "  escalate [--window MIN]      run the missed check-in pass once at the hub clock\n"
            "  source-add --name NAME       register a source organisation (checkups); prints\n"
            "                               its API key once\n"
            "  checkup-import --source ID --file F [--format fhir|csv]\n"
            "                               import an eCheckup Bundle (JSON) or a CSV file\n"
            "  consent-grant --resident ID --recipient KIND:ID --data-kind K --purpose P\n"
            "                               record a consent given on paper (e.g. source:1\n"
            "                               checkups:1 linkage; operator:1 address delivery)\n"
            "  operator-add --name NAME --district D [--district D ...] [--webhook URL\n"
            "               [--secret whsec_...]]\n"
            "                               register a shopping operator; prints its API key\n"
            "                               (and a generated webhook secret) once\n"
            "  catalogue-import --operator ID --file catalogue.json\n"
            "                               import the operator's catalogue with pictures\n");
}

struct args {
    int argc;
    char **argv;
};

/* Value of option name (the first, or the n-th with opt_nth), or NULL. */
static const char *opt_nth(const struct args *a, const char *name, int n)
{
    for (int i = 0; i + 1 < a->argc; i++)
        if (strcmp(a->argv[i], name) == 0 && n-- == 0)
            return a->argv[i + 1];
    return NULL;
}

static const char *opt(const struct args *a, const char *name)
{
    return opt_nth(a, name, 0);
}

static int parse_ll(const char *s, long long lo, long long hi, long long *out)
{
    if (!s)
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int audit_admin(sqlite3 *db, const char *action, long long subject, const char *kinds)
{
    char rid[33];
    unsigned char raw[16];
    if (hubtoken_random(raw, sizeof raw) != 0)
        return SQLITE_ERROR;
    hubtoken_hex(raw, sizeof raw, rid);
    struct audit_rec r = {.at = hubclock_now(),
                          .actor = "hubctl",
                          .action = action,
                          .outcome = "ok",
                          .subject = subject,
                          .data_kinds = kinds,
                          .purpose = "administration",
                          .basis = "legal:municipal_enrolment",
                          .source = "hubctl",
                          .destination = "hub",
                          .request_id = rid};
    return audit_append(db, &r, NULL);
}

/* SHA-256 fingerprint (hex) of the certificate in path (PEM or DER). */
static int cert_fingerprint(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    X509 *x = NULL;
    unsigned char *der = NULL;
    int rc = -1;
    if (!f) {
        fprintf(stderr, "hubctl: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    x = PEM_read_X509(f, NULL, NULL, NULL);
    if (!x) {
        rewind(f);
        x = d2i_X509_fp(f, NULL);
    }
    fclose(f);
    if (!x) {
        fprintf(stderr, "hubctl: %s is not a PEM or DER X.509 certificate\n", path);
        return -1;
    }
    int n = i2d_X509(x, &der);
    if (n > 0) {
        unsigned char md[SHA256_DIGEST_LENGTH];
        SHA256(der, (size_t)n, md);
        hubtoken_hex(md, sizeof md, out);
        rc = 0;
    }
    OPENSSL_free(der);
    X509_free(x);
    return rc;
}

static int begin(sqlite3 *db)
{
    if (hubdb_exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        fprintf(stderr, "hubctl: cannot start a transaction: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static int commit(sqlite3 *db)
{
    if (hubdb_exec(db, "COMMIT") != SQLITE_OK) {
        fprintf(stderr, "hubctl: cannot commit: %s\n", sqlite3_errmsg(db));
        hubdb_exec(db, "ROLLBACK");
        return -1;
    }
    return 0;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "hubctl: %s: %s\n", what, sqlite3_errmsg(db));
    hubdb_exec(db, "ROLLBACK");
    return 1;
}

static int cmd_resident_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *district = opt(a, "--district");
    const char *deadline = opt(a, "--deadline"), *cert = opt(a, "--cert");
    int hh, mm;
    char fp[65];
    char tail;
    if (!name || !district || !deadline) {
        fprintf(stderr, "hubctl: resident-add needs --name, --district and --deadline HH:MM\n");
        return 2;
    }
    if (sscanf(deadline, "%d:%d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 ||
        mm > 59) {
        fprintf(stderr, "hubctl: --deadline must be HH:MM (Japan time), like 10:00\n");
        return 2;
    }
    if (strlen(name) > 200 || strlen(district) > 200) {
        fprintf(stderr, "hubctl: --name and --district must be at most 200 bytes\n");
        return 2;
    }
    if (cert && cert_fingerprint(cert, fp) != 0)
        return 1;
    const char *insurer = opt(a, "--insurer"), *insured = opt(a, "--insured");
    const char *address = opt(a, "--address");
    char member[4 * CHECKUP_ID_MAX + 4], msg[256];
    int has_member = insurer || insured || opt(a, "--symbol") || opt(a, "--branch");
    if (has_member && ckstore_member_key(insurer, opt(a, "--symbol"), insured, opt(a, "--branch"),
                                         member, sizeof member, msg, sizeof msg) != 0) {
        fprintf(stderr, "hubctl: --insurer/--insured/--symbol/--branch: %s\n", msg);
        return 2;
    }
    if (address && strlen(address) > 400) {
        fprintf(stderr, "hubctl: --address must be at most 400 bytes\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO residents(display_name, district, deadline_min, cert_fp,"
                       " created_unix, member_key, address) VALUES(?,?,?,?,?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, district, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, hh * 60 + mm);
    if (cert)
        sqlite3_bind_text(st, 4, fp, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, (long long)hubclock_now());
    if (has_member)
        sqlite3_bind_text(st, 6, member, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, address ? address : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the resident (certificate or insurance identifiers "
                        "already enrolled?)");
    long long id = sqlite3_last_insert_rowid(db);
    if (audit_admin(db, "resident.enrol", id,
                    cert ? "profile,certificate"
                         : (has_member ? "profile,insurance" : "profile")) != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("resident_id=%lld\n", id);
    if (cert)
        printf("cert_sha256=%s\n", fp);
    if (has_member)
        printf("member_key=%s\n", member);
    return 0;
}

static int cmd_resident_cert(sqlite3 *db, const struct args *a)
{
    long long id;
    char fp[65];
    const char *cert = opt(a, "--cert");
    if (parse_ll(opt(a, "--resident"), 1, (1LL << 53), &id) != 0 || !cert) {
        fprintf(stderr, "hubctl: resident-cert needs --resident ID and --cert FILE\n");
        return 2;
    }
    if (cert_fingerprint(cert, fp) != 0)
        return 1;
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "UPDATE residents SET cert_fp = ? WHERE id = ?", -1, &st, NULL);
    sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_changes(db) != 1)
        return fail(db, "no such resident, or the certificate is enrolled for someone else");
    if (audit_admin(db, "resident.cert_enrol", id, "certificate") != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("resident_id=%lld\ncert_sha256=%s\n", id, fp);
    return 0;
}

static int cmd_device_add(sqlite3 *db, const struct args *a)
{
    const char *kind = opt(a, "--kind"), *label = opt(a, "--label");
    long long resident = 0;
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    if (!kind || (strcmp(kind, "home") != 0 && strcmp(kind, "public") != 0)) {
        fprintf(stderr, "hubctl: device-add needs --kind home or --kind public\n");
        return 2;
    }
    if (opt(a, "--resident") && parse_ll(opt(a, "--resident"), 1, (1LL << 53), &resident) != 0) {
        fprintf(stderr, "hubctl: --resident must be a resident id\n");
        return 2;
    }
    if (strcmp(kind, "home") == 0 && resident == 0) {
        fprintf(stderr, "hubctl: a home device must be bound to a resident (--resident ID)\n");
        return 2;
    }
    if (strcmp(kind, "public") == 0 && resident != 0) {
        fprintf(stderr, "hubctl: a public kiosk is not bound to a resident\n");
        return 2;
    }
    if (hubtoken_new("dev", token, sizeof token) != 0) {
        fprintf(stderr, "hubctl: the random generator failed\n");
        return 1;
    }
    hubtoken_hash(token, strlen(token), hash);
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO devices(kind, resident_id, label, token_hash, created_unix)"
                       " VALUES(?,?,?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    if (resident)
        sqlite3_bind_int64(st, 2, resident);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, label ? label : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (long long)hubclock_now());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the device (no such resident?)");
    long long id = sqlite3_last_insert_rowid(db);
    if (audit_admin(db, "device.register", resident, "device") != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("device_id=%lld\ntoken=%s\n", id, token);
    return 0;
}

static int cmd_family_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *relation = opt(a, "--relation");
    long long res[MAX_LINKS];
    int n = 0;
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    for (const char *v; n < MAX_LINKS && (v = opt_nth(a, "--resident", n)); n++) {
        if (parse_ll(v, 1, (1LL << 53), &res[n]) != 0) {
            fprintf(stderr, "hubctl: --resident must be a resident id\n");
            return 2;
        }
    }
    if (!name || n == 0) {
        fprintf(stderr, "hubctl: family-add needs --name and at least one --resident ID\n");
        return 2;
    }
    if (hubtoken_new("fam", token, sizeof token) != 0) {
        fprintf(stderr, "hubctl: the random generator failed\n");
        return 1;
    }
    hubtoken_hash(token, strlen(token), hash);
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    time_t now = hubclock_now();
    sqlite3_prepare_v2(db,
                       "INSERT INTO family(display_name, token_hash, created_unix) VALUES(?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the family member");
    long long id = sqlite3_last_insert_rowid(db);
    for (int i = 0; i < n; i++) {
        sqlite3_prepare_v2(db,
                           "INSERT INTO family_links(family_id, resident_id, relation)"
                           " VALUES(?,?,?)",
                           -1, &st, NULL);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, res[i]);
        sqlite3_bind_text(st, 3, relation ? relation : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return fail(db, "cannot link the family member (no such resident?)");
        sqlite3_prepare_v2(db,
                           "INSERT INTO consents(resident_id, recipient_kind, recipient_id,"
                           " data_kind, purpose, granted_unix, granted_via)"
                           " VALUES(?, 'family', ?, 'safety', 'watch_over', ?,"
                           " 'enrolment form (hubctl)')",
                           -1, &st, NULL);
        sqlite3_bind_int64(st, 1, res[i]);
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_int64(st, 3, (long long)now);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return fail(db, "cannot record the consent");
        if (audit_admin(db, "family.link", res[i], "safety") != SQLITE_OK)
            return fail(db, "cannot write the audit record");
    }
    if (commit(db) != 0)
        return 1;
    printf("family_id=%lld\ntoken=%s\n", id, token);
    return 0;
}

static int cmd_staff_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name");
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    if (!name) {
        fprintf(stderr, "hubctl: staff-add needs --name\n");
        return 2;
    }
    if (hubtoken_new("stf", token, sizeof token) != 0)
        return 1;
    hubtoken_hash(token, strlen(token), hash);
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO staff(display_name, token_hash, created_unix) VALUES(?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)hubclock_now());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the staff member");
    long long id = sqlite3_last_insert_rowid(db);
    if (audit_admin(db, "staff.register", 0, "staff") != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("staff_id=%lld\ntoken=%s\n", id, token);
    return 0;
}

static int valid_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 31)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return 0;
    return 1;
}

static int cmd_legal_basis_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *kind = opt(a, "--recipient-kind");
    const char *data = opt(a, "--data-kind"), *purpose = opt(a, "--purpose");
    const char *desc = opt(a, "--description");
    if (!valid_name(name) || !kind ||
        (strcmp(kind, "staff") != 0 && strcmp(kind, "family") != 0 &&
         strcmp(kind, "operator") != 0) ||
        !valid_name(data) || !valid_name(purpose) || !desc || strlen(desc) > 1000) {
        fprintf(stderr, "hubctl: legal-basis-add needs --name, --recipient-kind "
                        "staff|family|operator, --data-kind, --purpose (lowercase names) and "
                        "--description (the law or programme, in words)\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "INSERT INTO legal_bases VALUES(?,?,?,?,?)", -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, data, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, desc, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the legal basis (name already used?)");
    if (audit_admin(db, "legal_basis.add", 0, data) != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("legal_basis=%s\n", name);
    return 0;
}

static int cmd_legal_bases(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT name, recipient_kind, data_kind, purpose, description FROM"
                       " legal_bases ORDER BY name",
                       -1, &st, NULL);
    printf("name\trecipient_kind\tdata_kind\tpurpose\tdescription\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < 5; i++)
            printf("%s%s", i ? "\t" : "", (const char *)sqlite3_column_text(st, i));
        printf("\n");
    }
    sqlite3_finalize(st);
    return 0;
}

/* Prints every row of st as tab-separated text under a header line. */
static void print_rows(sqlite3_stmt *st, const char *header)
{
    printf("%s\n", header);
    int n = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            printf("%s%s", i ? "\t" : "", t ? (const char *)t : "-");
        }
        printf("\n");
    }
}

static int cmd_consents(sqlite3 *db, const struct args *a)
{
    long long resident = 0;
    if (opt(a, "--resident") && parse_ll(opt(a, "--resident"), 1, 1LL << 53, &resident) != 0) {
        fprintf(stderr, "hubctl: --resident must be a resident id\n");
        return 2;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT id, resident_id, recipient_kind || ':' || recipient_id, data_kind,"
                       " purpose, datetime(granted_unix, 'unixepoch') || 'Z', granted_via,"
                       " CASE WHEN revoked_unix IS NULL THEN NULL ELSE"
                       " datetime(revoked_unix, 'unixepoch') || 'Z' END FROM consents"
                       " WHERE ?1 = 0 OR resident_id = ?1 ORDER BY id",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, resident);
    print_rows(st, "id\tresident\trecipient\tdata\tpurpose\tgranted\tvia\trevoked");
    sqlite3_finalize(st);
    return 0;
}

static int cmd_alerts(sqlite3 *db, const struct args *a)
{
    int open_only = 0;
    for (int i = 0; i < a->argc; i++)
        open_only |= strcmp(a->argv[i], "--open") == 0;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT id, resident_id, kind, level, datetime(raised_unix, 'unixepoch')"
                       " || 'Z', ack_by, CASE WHEN ack_unix IS NULL THEN NULL ELSE"
                       " datetime(ack_unix, 'unixepoch') || 'Z' END FROM alerts"
                       " WHERE ?1 = 0 OR ack_by IS NULL ORDER BY id DESC LIMIT 200",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, open_only);
    print_rows(st, "id\tresident\tkind\tlevel\traised\tack_by\tack_at");
    sqlite3_finalize(st);
    return 0;
}

static int cmd_checkins(sqlite3 *db, const struct args *a)
{
    long long resident = 0, limit = 50;
    if ((opt(a, "--resident") && parse_ll(opt(a, "--resident"), 1, 1LL << 53, &resident) != 0) ||
        (opt(a, "--limit") && parse_ll(opt(a, "--limit"), 1, 1000000, &limit) != 0)) {
        fprintf(stderr, "hubctl: --resident ID and --limit N must be positive numbers\n");
        return 2;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT id, resident_id, device_id, answer, at_unix FROM checkins"
                       " WHERE ?1 = 0 OR resident_id = ?1 ORDER BY id DESC LIMIT ?2",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, limit);
    printf("id\tresident\tdevice\tanswer\tat\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        char at[21];
        hubclock_rfc3339((time_t)sqlite3_column_int64(st, 4), at);
        printf("%lld\t%lld\t%lld\t%s\t%s\n", sqlite3_column_int64(st, 0),
               sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
               (const char *)sqlite3_column_text(st, 3), at);
    }
    sqlite3_finalize(st);
    return 0;
}

static int cmd_audit(sqlite3 *db, const struct args *a)
{
    long long resident = 0, limit = 50;
    if ((opt(a, "--resident") && parse_ll(opt(a, "--resident"), 1, 1LL << 53, &resident) != 0) ||
        (opt(a, "--limit") && parse_ll(opt(a, "--limit"), 1, 100000000, &limit) != 0)) {
        fprintf(stderr, "hubctl: --resident ID and --limit N must be positive numbers\n");
        return 2;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT id, at_unix, actor, action, outcome,"
                       " COALESCE(subject_resident_id, 0), data_kinds, purpose, basis, source,"
                       " destination, request_id FROM audit"
                       " WHERE ?1 = 0 OR subject_resident_id = ?1 ORDER BY id DESC LIMIT ?2",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, limit);
    printf("id\tat\tactor\taction\toutcome\tsubject\tdata\tpurpose\tbasis\tsource\tdestination"
           "\trequest\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        char at[21];
        hubclock_rfc3339((time_t)sqlite3_column_int64(st, 1), at);
        printf("%lld\t%s", sqlite3_column_int64(st, 0), at);
        for (int i = 2; i < 12; i++)
            printf("\t%s", (const char *)sqlite3_column_text(st, i));
        printf("\n");
    }
    sqlite3_finalize(st);
    return 0;
}

static int cmd_audit_verify(sqlite3 *db, const struct args *a)
{
    const char *keyfile = opt(a, "--key");
    char err[512], msg[512];
    EVP_PKEY *key = NULL;
    if (keyfile && !(key = hubkey_load(keyfile, err, sizeof err))) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    long long bad = 0, n = 0;
    /* One read transaction, so the hub appending meanwhile does not confuse the walk. */
    hubdb_exec(db, "BEGIN");
    enum audit_verify_status vs = audit_verify(db, key, &bad, &n, msg, sizeof msg);
    hubdb_exec(db, "COMMIT");
    EVP_PKEY_free(key);
    if (vs != AUDIT_VERIFY_OK) {
        printf("audit=BAD\nfirst_bad_record=%lld\nreason=%s\n", bad, msg);
        return 1;
    }
    printf("audit=OK\nrecords=%lld\ncheckpoints=%s\n", n, keyfile ? "verified" : "not checked");
    return 0;
}

static int cmd_audit_checkpoint(sqlite3 *db, const struct args *a)
{
    const char *keyfile = opt(a, "--key");
    char err[512];
    EVP_PKEY *key = NULL;
    if (!keyfile) {
        fprintf(stderr, "hubctl: audit-checkpoint needs --key FILE\n");
        return 2;
    }
    if (!(key = hubkey_load(keyfile, err, sizeof err))) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    int rc = 1;
    if (begin(db) == 0) {
        if (audit_checkpoint(db, key, hubclock_now()) != SQLITE_OK)
            fail(db, "cannot write the checkpoint");
        else if (commit(db) == 0)
            rc = 0;
    }
    EVP_PKEY_free(key);
    if (rc == 0)
        printf("checkpoint=OK\n");
    return rc;
}

static int cmd_escalate(sqlite3 *db, const struct args *a)
{
    long long window = 120;
    if (opt(a, "--window") && parse_ll(opt(a, "--window"), 1, 1440, &window) != 0) {
        fprintf(stderr, "hubctl: --window must be 1..1440 minutes\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int raised = 0;
    if (escalate_run(db, hubclock_now(), (long)window, "hubctl", &raised) != 0)
        return fail(db, "the escalation pass failed");
    if (commit(db) != 0)
        return 1;
    printf("alerts_raised=%d\n", raised);
    return 0;
}

/* Reads a whole file (at most cap bytes) into an owned NUL-terminated buffer; NULL + a
 * message on stderr when it cannot or it is larger. */
static char *slurp(const char *path, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        fprintf(stderr, "hubctl: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    buf = malloc(cap + 2);
    size_t n = buf ? fread(buf, 1, cap + 1, f) : 0;
    if (!buf || ferror(f)) {
        fprintf(stderr, "hubctl: cannot read %s\n", path);
        free(buf);
        buf = NULL;
    } else if (n > cap) {
        fprintf(stderr, "hubctl: %s is larger than %zu bytes\n", path, cap);
        free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
        *len = n;
    }
    fclose(f);
    return buf;
}

static int cmd_source_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name");
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    if (!name || !*name || strlen(name) > 200) {
        fprintf(stderr, "hubctl: source-add needs --name (at most 200 bytes)\n");
        return 2;
    }
    if (hubtoken_new("src", token, sizeof token) != 0)
        return 1;
    hubtoken_hash(token, strlen(token), hash);
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO sources(display_name, token_hash, created_unix) VALUES(?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)hubclock_now());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the source organisation");
    long long id = sqlite3_last_insert_rowid(db);
    if (audit_admin(db, "source.register", 0, "source") != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("source_id=%lld\ntoken=%s\n", id, token);
    return 0;
}

static int cmd_checkup_import(sqlite3 *db, const struct args *a)
{
    long long source;
    const char *file = opt(a, "--file"), *format = opt(a, "--format");
    size_t len = 0;
    char *data = NULL;
    struct checkup_list *list = NULL;
    cJSON *result = NULL;
    struct ckstore_reject rej;
    int rc = 1;
    if (parse_ll(opt(a, "--source"), 1, 1LL << 53, &source) != 0 || !file) {
        fprintf(stderr, "hubctl: checkup-import needs --source ID and --file F\n");
        return 2;
    }
    if (format && strcmp(format, "fhir") != 0 && strcmp(format, "csv") != 0) {
        fprintf(stderr, "hubctl: --format must be fhir or csv\n");
        return 2;
    }
    data = slurp(file, CHECKUP_MAX_INPUT_BYTES, &len);
    if (!data)
        return 1;
    size_t fl = strlen(file);
    enum ckstore_format fmt =
        format ? (strcmp(format, "csv") == 0 ? CKSTORE_CSV : CKSTORE_FHIR)
               : (fl > 4 && strcmp(file + fl - 4, ".csv") == 0 ? CKSTORE_CSV : CKSTORE_FHIR);
    sqlite3_stmt *sst = NULL;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sources WHERE id = ?", -1, &sst, NULL);
    sqlite3_bind_int64(sst, 1, source);
    int known = sqlite3_step(sst) == SQLITE_ROW;
    sqlite3_finalize(sst);
    if (!known) {
        fprintf(stderr, "hubctl: there is no source organisation %lld (hubctl source-add)\n",
                source);
        goto out;
    }
    if (ckstore_parse(data, len, fmt, &list, &rej) != 0)
        goto rejected;
    if (begin(db) != 0)
        goto out;
    char rid[33];
    unsigned char raw[16];
    if (hubtoken_random(raw, sizeof raw) != 0) {
        hubdb_exec(db, "ROLLBACK");
        goto out;
    }
    hubtoken_hex(raw, sizeof raw, rid);
    int r = ckstore_import(db, source, list, fmt, data, len, "hubctl", rid, hubclock_now(), &result,
                           &rej);
    if (r < 0) {
        fail(db, "cannot store the checkups");
        goto out;
    }
    if (r > 0) {
        hubdb_exec(db, "ROLLBACK");
        goto rejected;
    }
    if (commit(db) != 0)
        goto out;
    int created = 0, n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, result)
    {
        n++;
        created += cJSON_IsTrue(cJSON_GetObjectItem(e, "created"));
        printf("checkup_id=%.0f\tdate=%s\tcreated=%s\n",
               cJSON_GetObjectItem(e, "checkup_id")->valuedouble,
               cJSON_GetObjectItem(e, "date")->valuestring,
               cJSON_IsTrue(cJSON_GetObjectItem(e, "created")) ? "yes" : "no");
    }
    printf("checkups=%d\ncreated=%d\nunchanged=%d\n", n, created, n - created);
    rc = 0;
    goto out;
rejected:
    printf("rejected=%s\nreason=%s\n", rej.code, rej.reason);
    if (rej.entry >= -1)
        printf("entry=%d\n", rej.entry);
    if (rej.row > 0)
        printf("row=%ld\n", rej.row);
    if (rej.full_url[0])
        printf("full_url=%s\n", rej.full_url);
    fprintf(stderr, "hubctl: %s\n", rej.message);
    rc = 3;
out:
    cJSON_Delete(result);
    checkup_list_free(list);
    free(data);
    return rc;
}

static int cmd_consent_grant(sqlite3 *db, const struct args *a)
{
    long long resident, rid;
    const char *recipient = opt(a, "--recipient"), *kind = opt(a, "--data-kind");
    const char *purpose = opt(a, "--purpose");
    char rkind[16] = "";
    const char *colon = recipient ? strchr(recipient, ':') : NULL;
    if (parse_ll(opt(a, "--resident"), 1, 1LL << 53, &resident) != 0 || !colon ||
        (size_t)(colon - recipient) >= sizeof rkind ||
        parse_ll(colon + 1, 1, 1LL << 53, &rid) != 0 || !kind || strlen(kind) > 40 ||
        !valid_name(purpose)) {
        fprintf(stderr, "hubctl: consent-grant needs --resident ID --recipient KIND:ID "
                        "--data-kind K --purpose P\n");
        return 2;
    }
    memcpy(rkind, recipient, (size_t)(colon - recipient));
    static const char *const tables[][2] = {{"family", "SELECT 1 FROM family_links WHERE"
                                                       " family_id = ?1 AND resident_id = ?2"},
                                            {"staff", "SELECT 1 FROM staff WHERE id = ?1"},
                                            {"operator", "SELECT 1 FROM operators WHERE id = ?1"},
                                            {"source", "SELECT 1 FROM sources WHERE id = ?1"}};
    const char *check = NULL;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(rkind, tables[i][0]) == 0)
            check = tables[i][1];
    if (!check) {
        fprintf(stderr, "hubctl: the recipient kind must be family, staff, operator or source\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, check, -1, &st, NULL);
    sqlite3_bind_int64(st, 1, rid);
    if (sqlite3_bind_parameter_count(st) > 1)
        sqlite3_bind_int64(st, 2, resident);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found) {
        fprintf(stderr,
                "hubctl: no such recipient %s (family members must be linked to the "
                "resident)\n",
                recipient);
        hubdb_exec(db, "ROLLBACK");
        return 1;
    }
    sqlite3_prepare_v2(db,
                       "INSERT INTO consents(resident_id, recipient_kind, recipient_id, data_kind,"
                       " purpose, granted_unix, granted_via) SELECT ?1, ?2, ?3, ?4, ?5, ?6,"
                       " 'paper form (hubctl)' WHERE NOT EXISTS(SELECT 1 FROM consents WHERE"
                       " resident_id = ?1 AND recipient_kind = ?2 AND recipient_id = ?3 AND"
                       " data_kind = ?4 AND purpose = ?5 AND revoked_unix IS NULL)",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_text(st, 2, rkind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rid);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (long long)hubclock_now());
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(db);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot record the consent (no such resident?)");
    if (changed && audit_admin(db, "consent.grant", resident, kind) != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("consent=%s\n", changed ? "granted" : "already");
    return 0;
}

static int cmd_operator_add(sqlite3 *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *url = opt(a, "--webhook"), *secret = opt(a, "--secret");
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX], districts[1024] = "";
    char gen[WHSIG_SECRET_MAX], err[256];
    size_t used = 0;
    for (int i = 0;; i++) {
        const char *d = opt_nth(a, "--district", i);
        if (!d)
            break;
        size_t n = strlen(d);
        if (n == 0 || n > 64 || strchr(d, ',') || used + n + 2 > sizeof districts) {
            fprintf(stderr, "hubctl: each --district must be 1..64 bytes without a comma\n");
            return 2;
        }
        used +=
            (size_t)snprintf(districts + used, sizeof districts - used, "%s%s", used ? "," : "", d);
    }
    if (!name || !*name || strlen(name) > 200 || !used) {
        fprintf(stderr, "hubctl: operator-add needs --name and at least one --district\n");
        return 2;
    }
    if (secret && !url) {
        fprintf(stderr, "hubctl: --secret goes with --webhook URL\n");
        return 2;
    }
    if (url && !secret) {
        if (whsig_secret_generate(gen, sizeof gen) != WHSIG_OK)
            return 1;
        secret = gen;
    }
    if (hubtoken_new("opk", token, sizeof token) != 0)
        return 1;
    hubtoken_hash(token, strlen(token), hash);
    if (begin(db) != 0)
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO operators(display_name, districts, token_hash, created_unix)"
                       " VALUES(?,?,?,?)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, districts, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (long long)hubclock_now());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "cannot add the operator");
    long long id = sqlite3_last_insert_rowid(db);
    if (url) {
        char recipient[48];
        snprintf(recipient, sizeof recipient, "operator:%lld", id);
        if (oqueue_endpoint_set(db, recipient, url, secret, err, sizeof err) != ORDERS_OK) {
            fprintf(stderr, "hubctl: --webhook: %s\n", err);
            hubdb_exec(db, "ROLLBACK");
            return 2;
        }
    }
    if (audit_admin(db, "operator.register", 0, "operator") != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("operator_id=%lld\ntoken=%s\n", id, token);
    if (url && secret == gen)
        printf("webhook_secret=%s\n", gen);
    return 0;
}

/* "image/png" or "image/jpeg" from the first bytes (the catalogue checked them). */
static const char *picture_mime(const char *data, size_t len)
{
    if (len >= 8 && memcmp(data, "\x89PNG", 4) == 0)
        return "image/png";
    return "image/jpeg";
}

static int cmd_catalogue_import(sqlite3 *db, const struct args *a)
{
    long long op;
    const char *file = opt(a, "--file");
    struct catalog *cat = NULL;
    char err[512], dir[512];
    char *json = NULL;
    int rc = 1;
    if (parse_ll(opt(a, "--operator"), 1, 1LL << 53, &op) != 0 || !file) {
        fprintf(stderr, "hubctl: catalogue-import needs --operator ID and --file F\n");
        return 2;
    }
    if (catalog_load_file(file, &cat, err, sizeof err) != ORDERS_OK) {
        fprintf(stderr, "hubctl: the catalogue was not imported: %s\n", err);
        return 3;
    }
    const char *slash = strrchr(file, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
    json = catalog_to_json(cat);
    if (!json || begin(db) != 0)
        goto out;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT 1 FROM operators WHERE id = ?", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, op);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found) {
        fprintf(stderr, "hubctl: there is no operator %lld\n", op);
        hubdb_exec(db, "ROLLBACK");
        goto out;
    }
    sqlite3_prepare_v2(db, "DELETE FROM operator_pictures WHERE operator_id = ?", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, op);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        fail(db, "cannot replace the pictures");
        goto out;
    }
    for (size_t i = 0; i < catalog_n_items(cat); i++) {
        const struct catalog_item *it = catalog_item_at(cat, i);
        char path[1024];
        size_t plen = 0;
        snprintf(path, sizeof path, "%s/%s", dir, it->picture);
        char *pic = slurp(path, CATALOG_PICTURE_MAX, &plen);
        if (!pic) {
            hubdb_exec(db, "ROLLBACK");
            goto out;
        }
        sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO operator_pictures(operator_id, path, mime, data)"
                           " VALUES(?,?,?,?)",
                           -1, &st, NULL);
        sqlite3_bind_int64(st, 1, op);
        sqlite3_bind_text(st, 2, it->picture, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, picture_mime(pic, plen), -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, pic, (int)plen, SQLITE_TRANSIENT);
        s = sqlite3_step(st);
        sqlite3_finalize(st);
        free(pic);
        if (s != SQLITE_DONE) {
            fail(db, "cannot store a picture");
            goto out;
        }
    }
    sqlite3_prepare_v2(
        db,
        "INSERT OR REPLACE INTO operator_catalogues(operator_id, json, imported_unix)"
        " VALUES(?,?,?)",
        -1, &st, NULL);
    sqlite3_bind_int64(st, 1, op);
    sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)hubclock_now());
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        fail(db, "cannot store the catalogue");
        goto out;
    }
    if (audit_admin(db, "catalogue.import", 0, "catalogue") != SQLITE_OK) {
        fail(db, "cannot write the audit record");
        goto out;
    }
    if (commit(db) != 0)
        goto out;
    printf("operator_id=%lld\ncategories=%zu\nitems=%zu\n", op, catalog_n_categories(cat),
           catalog_n_items(cat));
    rc = 0;
out:
    free(json);
    catalog_free(cat);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dbpath = NULL;
    int i = 1;
    for (; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            dbpath = argv[i + 1];
        else if (strcmp(argv[i], "--clock-file") == 0)
            hubclock_use_file(argv[i + 1]);
        else
            break;
    }
    if (i >= argc || !dbpath) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    struct args a = {argc - i - 1, argv + i + 1};
    char err[512];
    sqlite3 *db = NULL;
    int rc = 1;
    if (hubdb_open(dbpath, strcmp(cmd, "init") == 0, &db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "hubctl: %s (run \"hubctl --db FILE init\" first)\n", err);
        return 1;
    }
    if (hubdb_migrate(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "hubctl: %s\n", err);
        goto out;
    }
    if (strcmp(cmd, "init") == 0) {
        const char *key = opt(&a, "--key");
        if (key && access(key, F_OK) != 0 && hubkey_generate(key, err, sizeof err) != 0) {
            fprintf(stderr, "hubctl: %s\n", err);
            goto out;
        }
        printf("database=%s\nschema_version=%d\n", dbpath, hubdb_user_version(db));
        if (key)
            printf("key=%s\n", key);
        rc = 0;
    } else if (strcmp(cmd, "resident-add") == 0) {
        rc = cmd_resident_add(db, &a);
    } else if (strcmp(cmd, "resident-cert") == 0) {
        rc = cmd_resident_cert(db, &a);
    } else if (strcmp(cmd, "device-add") == 0) {
        rc = cmd_device_add(db, &a);
    } else if (strcmp(cmd, "family-add") == 0) {
        rc = cmd_family_add(db, &a);
    } else if (strcmp(cmd, "staff-add") == 0) {
        rc = cmd_staff_add(db, &a);
    } else if (strcmp(cmd, "legal-basis-add") == 0) {
        rc = cmd_legal_basis_add(db, &a);
    } else if (strcmp(cmd, "consents") == 0) {
        rc = cmd_consents(db, &a);
    } else if (strcmp(cmd, "alerts") == 0) {
        rc = cmd_alerts(db, &a);
    } else if (strcmp(cmd, "legal-bases") == 0) {
        rc = cmd_legal_bases(db);
    } else if (strcmp(cmd, "checkins") == 0) {
        rc = cmd_checkins(db, &a);
    } else if (strcmp(cmd, "audit") == 0) {
        rc = cmd_audit(db, &a);
    } else if (strcmp(cmd, "audit-verify") == 0) {
        rc = cmd_audit_verify(db, &a);
    } else if (strcmp(cmd, "audit-checkpoint") == 0) {
        rc = cmd_audit_checkpoint(db, &a);
    } else if (strcmp(cmd, "escalate") == 0) {
        rc = cmd_escalate(db, &a);
    } else if (strcmp(cmd, "source-add") == 0) {
        rc = cmd_source_add(db, &a);
    } else if (strcmp(cmd, "checkup-import") == 0) {
        rc = cmd_checkup_import(db, &a);
    } else if (strcmp(cmd, "consent-grant") == 0) {
        rc = cmd_consent_grant(db, &a);
    } else if (strcmp(cmd, "operator-add") == 0) {
        rc = cmd_operator_add(db, &a);
    } else if (strcmp(cmd, "catalogue-import") == 0) {
        rc = cmd_catalogue_import(db, &a);
    } else {
        fprintf(stderr, "hubctl: unknown command %s\n", cmd);
        usage(stderr);
        rc = 2;
    }
out:
    hubdb_close(db);
    return rc;
}
