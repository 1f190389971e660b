/*
 * hubctl.c: the hub's admin CLI for city staff and scripts. It works directly on the
 * database file (also while hubd runs: SQLite's locking and the audit chain's
 * read-previous-hash-in-the-transaction keep both consistent). Every change it makes is
 * audited with actor "hubctl" in the same transaction.
 *
 * Output is one "key=value" per line so scripts can pick out ids and tokens; tokens are
 * printed once and never stored.
 */
#include "accesslog.h"
#include "actors.h"
#include "alerts.h"
#include "audit.h"
#include "auditlog.h"
#include "catalog.h"
#include "ckshow.h"
#include "checkins.h"
#include "ckstore.h"
#include "consents.h"
#include "devices.h"
#include "family.h"
#include "legalbases.h"
#include "notifier.h"
#include "notifyq.h"
#include "notifyrcpt.h"
#include "residents.h"
#include "towncode.h"
#include "towns.h"
#include "db_sqlite.h"
#include "escalate.h"
#include "hubbackup.h"
#include "hubctl_disaster.h"
#include "hubctl_safety.h"
#include "hubctl_witness.h"
#include "hubctl_towns.h"
#include "hubctl_secrets.h"
#include "secretbox.h"
#include "hubctl_stats.h"
#include "hubctl_purge.h"
#include "hubctl_refusals.h"
#include "safety.h"
#include "hubclock.h"
#include "hubdb.h"
#include "hubkey.h"
#include "hubtoken.h"
#include "operators.h"
#include "webhooks.h"
#include "whsig.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
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
    fprintf(
        f,
        "usage: hubctl --db FILE [--clock-file FILE] [--secrets-key FILE] COMMAND\n"
        "              [--municipality CODE] [options]\n"
        "--secrets-key: the key file sealing the stored secrets (default secrets.key beside\n"
        "the command's --key, else beside the SQLite file; created when nothing is sealed).\n"
        "Every command about a town's data works in one municipality: --municipality CODE\n"
        "(its 全国地方公共団体コード, or its id); without it the hub's only municipality, and\n"
        "a hub serving several refuses to guess.\n"
        "commands:\n"
        "  init [--key FILE]            create/migrate the database; create the hub key and\n"
        "                               the secrets key file beside it\n"
        "  municipality-add --code CODE --name NAME [--hours TEXT] [--contact TEXT]\n"
        "                               add a town sharing the hub (6-digit code with its\n"
        "                               check digit; hours and contact as the kiosk says them)\n"
        "  municipality-set [--code CODE] [--name N] [--hours TEXT] [--contact TEXT]\n"
        "                               change the town's code, name, hours or contact\n"
        "  municipality-list            every town: id, code, name, hours, contact\n"
        "  resident-add --name NAME --district D --deadline HH:MM [--cert FILE]\n"
        "               [--insurer N --insured N [--symbol S] [--branch NN]] [--address A]\n"
        "                               enrol a resident (deadline in Japan time; --cert\n"
        "                               PEM/DER user-auth certificate for card login;\n"
        "                               insurance identifiers to match checkups; address\n"
        "                               for deliveries, released only with consent)\n"
        "  resident-cert --resident ID --cert FILE   enrol/replace a resident's certificate\n"
        "  resident-set --resident ID --unwell-alert on|off\n"
        "                               whether 元気がない alerts the family at once (default on)\n"
        "  device-add --kind home|public [--resident ID] [--label TEXT]\n"
        "                               register a device; prints its token once\n"
        "  family-add --name NAME --resident ID [--resident ID ...] [--relation TEXT]\n"
        "                               register a family member linked to residents, with\n"
        "                               their consent (safety, watch_over) from the paper\n"
        "                               enrolment form; prints the token once\n"
        "  family-link --family ID --resident ID [--resident ID ...] [--relation TEXT]\n"
        "                               link a registered family member (of any town) to\n"
        "                               residents of this town, recorded in this town\n"
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
        "  audit-verify [--key FILE] [--bound SECONDS] [--municipality CODE]\n"
        "                               verify every audit log (the hub's and each town's;\n"
        "                               one town's alone with --municipality): the hash chain\n"
        "                               and, with the hub key, the signed tree heads (each\n"
        "                               log's own key); records older than the bound\n"
        "                               (default 300) must be covered by a head\n"
        "  audit-checkpoint --key FILE  sign a tree head over every record of every log now\n"
        "  escalate [--window MIN]      run the missed check-in pass once at the hub clock\n"
        "  source-add --name NAME       register a source organisation (checkups); prints\n"
        "                               its API key once\n"
        "  checkup-import --source ID --file F [--format fhir|csv]\n"
        "                               import an eCheckup Bundle (JSON) or a CSV file\n"
        "  checkup-show --resident ID   each checkup's date and source, one line per item:\n"
        "                               code, name, value, unit, our judgement\n"
        "  consent-grant --resident ID --recipient KIND:ID --data-kind K --purpose P\n"
        "                               record a consent given on paper (e.g. source:1\n"
        "                               checkups:1 linkage; operator:1 address delivery)\n"
        "  operator-add --name NAME --district D [--district D ...] [--webhook URL\n"
        "               [--secret whsec_...]]\n"
        "                               register a shopping operator; prints its API key\n"
        "                               (and a generated webhook secret) once\n"
        "  operator-webhook --operator ID [--webhook URL] [--secret whsec_...]\n"
        "                               a new webhook signing secret (generated and printed\n"
        "                               once unless given) and optionally URL; the old secret\n"
        "                               stops verifying at once\n"
        "  operator-contract --operator ID   the operator (of another town) serves this town\n"
        "                               too (its orders, catalogue and residents' addresses)\n"
        "  catalogue-import --operator ID --file catalogue.json\n"
        "                               import the operator's catalogue with pictures\n"
        "  backup --out FILE            online copy of the database (while hubd runs), checked:\n"
        "                               integrity and audit chain (FILE must be new)\n"
        "  restore --from FILE          replace the database with a checked backup (stop hubd\n"
        "                               first); the replaced one is kept as\n"
        "                               DB.before-restore-UNIXTIME\n"
        "  notify-set --family ID|--staff ID [--mail ADDR] [--webhook URL [--secret whsec_...]]\n"
        "             [--lang ja|en] [--rank N] [--quiet HH:MM-HH:MM|off] [--mode KIND=MODE ...]\n"
        "                               who is told of alerts by mail / messaging webhook\n"
        "                               (\"\" removes one); MODE always|day|off per kind\n"
        "                               missed, help, unwell, safety_help, safety_no_answer\n"
        "  notify-list                  the notification recipients and their settings\n"
        "  notify-pending [--all]       undelivered notifications (--all: every one)\n"
        "  notify-test --family ID|--staff ID [--smtp-url URL --smtp-from ADDR [--smtp-ca PEM]]\n"
        "                               send a test notification now on every channel\n");
    hubctl_disaster_usage(f);
    hubctl_safety_usage(f);
    hubctl_witness_usage(f);
    hubctl_towns_usage(f);
    hubctl_stats_usage(f);
    hubctl_secrets_usage(f);
    hubctl_purge_usage(f);
    hubctl_refusals_usage(f);
}

struct args {
    int argc;
    char **argv;
    const char *dbpath;       /* for init's report */
    const struct scope *town; /* the command's municipality (commands that need one) */
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

/* An optional number option: *out keeps its default when name is absent. 0, or -1 when it
 * is given but not a whole number in [lo, hi]. */
static int opt_ll(const struct args *a, const char *name, long long lo, long long hi,
                  long long *out)
{
    return opt(a, name) ? parse_ll(opt(a, name), lo, hi, out) : 0;
}

#define ID_MAX (1LL << 53) /* ids pass through JSON numbers */

/* A fresh request id, as the daemon gives each request, for the audit records. */
static int new_request_id(char rid[33])
{
    unsigned char raw[16];
    if (hubtoken_random(raw, sizeof raw) != 0)
        return -1;
    hubtoken_hex(raw, sizeof raw, rid);
    return 0;
}

/* The town the command works in (its --municipality), whose audit log gets the command's
 * records that name no resident; 0 for commands of no town (their records go to the hub
 * log). */
static long long audit_town;

long long hubctl_audit_town(void)
{
    return audit_town;
}

static int append_admin(struct db *db, long long town, const char *action, const char *outcome,
                        long long subject, const char *kinds)
{
    char rid[33];
    if (new_request_id(rid) != 0)
        return -1;
    struct audit_rec r = {.at = hubclock_now(),
                          .actor = "hubctl",
                          .action = action,
                          .outcome = outcome,
                          .subject = subject,
                          .data_kinds = kinds,
                          .purpose = "administration",
                          .basis = "legal:municipal_enrolment",
                          .source = "hubctl",
                          .destination = "hub",
                          .request_id = rid,
                          .town = town};
    return audit_append_db(db, &r, NULL) == DB_OK ? 0 : -1;
}

int hubctl_audit(struct db *db, const char *action, const char *outcome, long long subject,
                 const char *kinds)
{
    return append_admin(db, audit_town, action, outcome, subject, kinds);
}

int hubctl_audit_hub(struct db *db, const char *action, const char *outcome, const char *kinds)
{
    return append_admin(db, -1, action, outcome, 0, kinds);
}

static int audit_admin(struct db *db, const char *action, long long subject, const char *kinds)
{
    return hubctl_audit(db, action, "ok", subject, kinds) == 0 ? SQLITE_OK : SQLITE_ERROR;
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

/* A new API token with prefix and its hash (only the hash is stored). 0, or -1. */
static int new_token(const char *prefix, char token[HUBTOKEN_MAX + 1], char hash[HUBTOKEN_HASH_HEX])
{
    if (hubtoken_new(prefix, token, HUBTOKEN_MAX + 1) != 0) {
        fprintf(stderr, "hubctl: the random generator failed\n");
        return -1;
    }
    hubtoken_hash(token, strlen(token), hash);
    return 0;
}

static int begin(struct db *db)
{
    if (db_begin(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot start a transaction: %s\n", db_errmsg(db));
        return -1;
    }
    return 0;
}

static int commit(struct db *db)
{
    if (db_commit(db) != DB_OK) {
        fprintf(stderr, "hubctl: cannot commit: %s\n", db_errmsg(db));
        return -1;
    }
    return 0;
}

/* Says what failed (with the database's reason), rolls back; returns exit status 1. */
static int fail(struct db *db, const char *what)
{
    fprintf(stderr, "hubctl: %s: %s\n", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

/* Grants a consent through the consents store on the command's connection (inside its
 * transaction); *created 1 when it was not in force. SQLITE_OK or an error code. */
static int grant(struct db *db, const struct scope *sc, const struct consents_key *k,
                 const char *via, int *created)
{
    int64_t id = 0;
    enum db_status st = consents_grant(db, sc, k, (int64_t)hubclock_now(), via, &id, created);
    return st == DB_OK ? SQLITE_OK : SQLITE_ERROR;
}

/* The end of every change: its audit record, then the commit. 0, or exit status 1. */
static int audit_commit(struct db *db, const char *action, long long subject, const char *kinds)
{
    if (audit_admin(db, action, subject, kinds) != SQLITE_OK)
        return fail(db, "cannot write the audit record");
    return commit(db) == 0 ? 0 : 1;
}

static int cmd_init(struct db *db, const struct args *a)
{
    const char *key = opt(a, "--key");
    char err[512];
    if (key && access(key, F_OK) != 0 && hubkey_generate(key, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    printf("database=%s\nschema_version=%d\n", a->dbpath, db_schema_version(db));
    if (key)
        printf("key=%s\n", key);
    return 0;
}

static int cmd_resident_add(struct db *db, const struct args *a)
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
    struct residents_new r = {.display_name = name,
                              .district = district,
                              .deadline_min = hh * 60 + mm,
                              .cert_fp = cert ? fp : NULL,
                              .member_key = has_member ? member : NULL,
                              .address = address};
    int64_t id = 0;
    if (residents_add(db, a->town, &r, (int64_t)hubclock_now(), &id) != DB_OK)
        return fail(db, "cannot add the resident (certificate or insurance identifiers "
                        "already enrolled?)");
    if (audit_commit(db, "resident.enrol", id,
                     cert ? "profile,certificate"
                          : (has_member ? "profile,insurance" : "profile")) != 0)
        return 1;
    printf("resident_id=%lld\n", (long long)id);
    if (cert)
        printf("cert_sha256=%s\n", fp);
    if (has_member)
        printf("member_key=%s\n", member);
    return 0;
}

static int cmd_resident_cert(struct db *db, const struct args *a)
{
    long long id;
    char fp[65];
    const char *cert = opt(a, "--cert");
    if (parse_ll(opt(a, "--resident"), 1, ID_MAX, &id) != 0 || !cert) {
        fprintf(stderr, "hubctl: resident-cert needs --resident ID and --cert FILE\n");
        return 2;
    }
    if (cert_fingerprint(cert, fp) != 0)
        return 1;
    if (begin(db) != 0)
        return 1;
    int changed = 0;
    if (residents_set_cert(db, a->town, id, fp, &changed) != DB_OK || !changed)
        return fail(db, "no such resident, or the certificate is enrolled for someone else");
    if (audit_commit(db, "resident.cert_enrol", id, "certificate") != 0)
        return 1;
    printf("resident_id=%lld\ncert_sha256=%s\n", id, fp);
    return 0;
}

/* Per-resident choices from the enrolment form; today whether 元気がない alerts the family. */
static int cmd_resident_set(struct db *db, const struct args *a)
{
    long long id;
    const char *unwell = opt(a, "--unwell-alert");
    int on = unwell && strcmp(unwell, "on") == 0    ? 1
             : unwell && strcmp(unwell, "off") == 0 ? 0
                                                    : -1;
    if (parse_ll(opt(a, "--resident"), 1, ID_MAX, &id) != 0 || on < 0) {
        fprintf(stderr, "hubctl: resident-set needs --resident ID and --unwell-alert on|off\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int changed = 0;
    if (residents_set_unwell_alert(db, a->town, id, on, &changed) != DB_OK || !changed)
        return fail(db, "no such resident");
    if (audit_commit(db, "resident.settings", id, "settings") != 0)
        return 1;
    printf("resident_id=%lld\nunwell_alert=%s\n", id, on ? "on" : "off");
    return 0;
}

static int cmd_device_add(struct db *db, const struct args *a)
{
    const char *kind = opt(a, "--kind"), *label = opt(a, "--label");
    long long resident = 0;
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    if (!kind || (strcmp(kind, "home") != 0 && strcmp(kind, "public") != 0)) {
        fprintf(stderr, "hubctl: device-add needs --kind home or --kind public\n");
        return 2;
    }
    if (opt_ll(a, "--resident", 1, ID_MAX, &resident) != 0) {
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
    if (new_token("dev", token, hash) != 0 || begin(db) != 0)
        return 1;
    int64_t id = 0;
    if (devices_add(db, a->town, kind, resident, label, hash, (int64_t)hubclock_now(), &id) !=
        DB_OK)
        return fail(db, "cannot add the device (no such resident?)");
    if (audit_commit(db, "device.register", resident, "device") != 0)
        return 1;
    printf("device_id=%lld\ntoken=%s\n", (long long)id, token);
    return 0;
}

/* Links family member id to each resident of res (of the command's town, recorded there)
 * with the consent of the paper enrolment form, audited per resident. 0, or exit status 1
 * after rolling back. */
static int link_family(struct db *db, const struct args *a, int64_t id, const long long *res, int n,
                       const char *relation)
{
    for (int i = 0; i < n; i++) {
        if (family_link(db, a->town, id, res[i], relation) != DB_OK)
            return fail(db, "cannot link the family member (no such resident in this "
                            "municipality, or linked already?)");
        /* The enrolment form carries the resident's consent to the watch-over. */
        struct consents_key k = {.resident = res[i],
                                 .recipient_kind = "family",
                                 .recipient_id = id,
                                 .data_kind = "safety",
                                 .purpose = "watch_over"};
        int created = 0;
        if (grant(db, a->town, &k, "enrolment form (hubctl)", &created) != SQLITE_OK)
            return fail(db, "cannot record the consent");
        if (audit_admin(db, "family.link", res[i], "safety") != SQLITE_OK)
            return fail(db, "cannot write the audit record");
    }
    return 0;
}

/* The --resident ids (at most MAX_LINKS) into res; their count, or -1 with words. */
static int resident_ids(const struct args *a, long long res[MAX_LINKS])
{
    int n = 0;
    for (const char *v; n < MAX_LINKS && (v = opt_nth(a, "--resident", n)); n++) {
        if (parse_ll(v, 1, ID_MAX, &res[n]) != 0) {
            fprintf(stderr, "hubctl: --resident must be a resident id\n");
            return -1;
        }
    }
    return n;
}

static int cmd_family_add(struct db *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *relation = opt(a, "--relation");
    long long res[MAX_LINKS];
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX];
    int n = resident_ids(a, res);
    if (n < 0)
        return 2;
    if (!name || n == 0) {
        fprintf(stderr, "hubctl: family-add needs --name and at least one --resident ID\n");
        return 2;
    }
    if (new_token("fam", token, hash) != 0 || begin(db) != 0)
        return 1;
    int64_t id = 0;
    if (actors_add(db, a->town, ACTORS_FAMILY, name, hash, (int64_t)hubclock_now(), &id) != DB_OK)
        return fail(db, "cannot add the family member");
    if (link_family(db, a, id, res, n, relation) != 0 || commit(db) != 0)
        return 1;
    printf("family_id=%lld\ntoken=%s\n", (long long)id, token);
    return 0;
}

/* A family member already registered (in any town) also serves residents of this town: the
 * link is recorded here, the only way across towns. */
static int cmd_family_link(struct db *db, const struct args *a)
{
    const char *relation = opt(a, "--relation");
    long long family, res[MAX_LINKS];
    int n = resident_ids(a, res);
    if (n < 0)
        return 2;
    if (parse_ll(opt(a, "--family"), 1, ID_MAX, &family) != 0 || n == 0) {
        fprintf(stderr, "hubctl: family-link needs --family ID and at least one --resident ID\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    if (link_family(db, a, family, res, n, relation) != 0 || commit(db) != 0)
        return 1;
    printf("family_id=%lld\nlinks=%d\n", family, n);
    return 0;
}

/* Staff members and source organisations: a name and a token, nothing else. */
struct named_holder {
    enum actors_kind kind;
    const char *prefix, *label, *what;
    const char *usage; /* the refusal of a missing (or, with max_name, too long) name */
    size_t max_name;   /* 0: any non-NULL name (staff names were never capped) */
};

static const struct named_holder STAFF = {
    ACTORS_STAFF, "stf", "staff", "the staff member", "staff-add needs --name", 0};
static const struct named_holder SOURCE = {ACTORS_SOURCE,
                                           "src",
                                           "source",
                                           "the source organisation",
                                           "source-add needs --name (at most 200 bytes)",
                                           200};

static int add_named_holder(struct db *db, const struct args *a, const struct named_holder *h)
{
    const char *name = opt(a, "--name");
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX], action[32];
    if (!name || (h->max_name && (!*name || strlen(name) > h->max_name))) {
        fprintf(stderr, "hubctl: %s\n", h->usage);
        return 2;
    }
    if (new_token(h->prefix, token, hash) != 0 || begin(db) != 0)
        return 1;
    int64_t id = 0;
    if (actors_add(db, a->town, h->kind, name, hash, (int64_t)hubclock_now(), &id) != DB_OK) {
        char what[64];
        snprintf(what, sizeof what, "cannot add %s", h->what);
        return fail(db, what);
    }
    snprintf(action, sizeof action, "%s.register", h->label);
    if (audit_commit(db, action, 0, h->label) != 0)
        return 1;
    printf("%s_id=%lld\ntoken=%s\n", h->label, (long long)id, token);
    return 0;
}

static int cmd_staff_add(struct db *db, const struct args *a)
{
    return add_named_holder(db, a, &STAFF);
}

static int cmd_source_add(struct db *db, const struct args *a)
{
    return add_named_holder(db, a, &SOURCE);
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

static int cmd_legal_basis_add(struct db *db, const struct args *a)
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
    struct legalbases_row b = {.name = name,
                               .recipient_kind = kind,
                               .data_kind = data,
                               .purpose = purpose,
                               .description = desc};
    if (legalbases_add(db, &b) != DB_OK)
        return fail(db, "cannot add the legal basis (name already used?)");
    if (audit_commit(db, "legal_basis.add", 0, data) != 0)
        return 1;
    printf("legal_basis=%s\n", name);
    return 0;
}

/* A time as the listings print it: "YYYY-MM-DD HH:MM:SSZ" (rfc3339 0) or RFC 3339
 * "YYYY-MM-DDTHH:MM:SSZ" like the API (rfc3339 1); "-" for none (0). */
static const char *when(int64_t t, int rfc3339, char out[24])
{
    if (!t)
        return "-";
    hubclock_rfc3339((time_t)t, out);
    if (!rfc3339)
        out[10] = ' ';
    return out;
}

/* Ends a listing: 0, or exit status 1 with the database's reason. */
static int listed(struct db *db, enum db_status s)
{
    if (s == DB_OK)
        return 0;
    fprintf(stderr, "hubctl: cannot read the database: %s\n", db_errmsg(db));
    return 1;
}

/* A text column of a listing: "-" for NULL. */
static const char *col(const char *t)
{
    return t ? t : "-";
}

static int print_basis(void *ctx, const struct legalbases_row *b)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\n", col(b->name), col(b->recipient_kind), col(b->data_kind),
           col(b->purpose), col(b->description));
    return 0;
}

static int cmd_legal_bases(struct db *db, const struct args *a)
{
    (void)a;
    printf("name\trecipient_kind\tdata_kind\tpurpose\tdescription\n");
    return listed(db, legalbases_list(db, print_basis, NULL));
}

static int print_consent(void *ctx, const struct consents_row *c)
{
    char g[24], r[24];
    (void)ctx;
    printf("%lld\t%lld\t%s:%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)c->id, (long long)c->resident,
           col(c->recipient_kind), (long long)c->recipient_id, col(c->data_kind), col(c->purpose),
           when(c->granted_at, 0, g), col(c->granted_via), when(c->revoked_at, 0, r));
    return 0;
}

static int cmd_consents(struct db *db, const struct args *a)
{
    long long resident = 0;
    if (opt_ll(a, "--resident", 1, ID_MAX, &resident) != 0) {
        fprintf(stderr, "hubctl: --resident must be a resident id\n");
        return 2;
    }
    printf("id\tresident\trecipient\tdata\tpurpose\tgranted\tvia\trevoked\n");
    return listed(db, consents_list(db, a->town, resident, 0, print_consent, NULL));
}

static int print_alert(void *ctx, const struct alerts_row *al)
{
    char r[24], k[24];
    (void)ctx;
    printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)al->id, (long long)al->resident,
           col(al->kind), col(al->level), when(al->raised_at, 0, r), col(al->ack_by),
           al->ack_by ? when(al->ack_at, 0, k) : "-");
    return 0;
}

static int cmd_alerts(struct db *db, const struct args *a)
{
    int open_only = 0;
    for (int i = 0; i < a->argc; i++)
        open_only |= strcmp(a->argv[i], "--open") == 0;
    printf("id\tresident\tkind\tlevel\traised\tack_by\tack_at\n");
    return listed(db, alerts_list(db, a->town, open_only, 200, print_alert, NULL));
}

/* --resident ID and --limit N (default 50, at most max) of the two log listings. */
static int resident_limit(const struct args *a, long long max, long long *resident,
                          long long *limit)
{
    *resident = 0;
    *limit = 50;
    if (opt_ll(a, "--resident", 1, ID_MAX, resident) != 0 ||
        opt_ll(a, "--limit", 1, max, limit) != 0) {
        fprintf(stderr, "hubctl: --resident ID and --limit N must be positive numbers\n");
        return -1;
    }
    return 0;
}

static int print_checkin(void *ctx, const struct checkins_row *c)
{
    char at[24];
    (void)ctx;
    printf("%lld\t%lld\t%lld\t%s\t%s\n", (long long)c->id, (long long)c->resident,
           (long long)c->device, col(c->answer), when(c->at, 1, at));
    return 0;
}

static int cmd_checkins(struct db *db, const struct args *a)
{
    long long resident, limit;
    if (resident_limit(a, 1000000, &resident, &limit) != 0)
        return 2;
    printf("id\tresident\tdevice\tanswer\tat\n");
    return listed(db, checkins_list(db, a->town, resident, limit, print_checkin, NULL));
}

static int print_record(void *ctx, const struct accesslog_row *r)
{
    char at[24];
    (void)ctx;
    printf("%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)r->id,
           when(r->at, 1, at), col(r->actor), col(r->action), col(r->outcome),
           (long long)r->subject, col(r->data_kinds), col(r->purpose), col(r->basis),
           col(r->source), col(r->destination), col(r->request_id));
    return 0;
}

static int cmd_audit(struct db *db, const struct args *a)
{
    long long resident, limit;
    if (resident_limit(a, 100000000, &resident, &limit) != 0)
        return 2;
    printf("id\tat\tactor\taction\toutcome\tsubject\tdata\tpurpose\tbasis\tsource"
           "\tdestination\trequest\n");
    return listed(db,
                  accesslog_records(db, a->town, resident, INT64_MAX, limit, print_record, NULL));
}

static int resolve_town(struct db *db, const struct args *a, const struct scope **town);

/* How a log is named in audit-verify's lines: the town's code, "hub", or "left" for the log
 * of a town that was removed (its records stay, and verify). */
static void log_name(struct db *db, long long log, long long town, char *out, size_t cap)
{
    struct towns_row t;
    if (log == TREEHEAD_DEFAULT_LOG)
        snprintf(out, cap, "hub");
    else if (town > 0 && towns_get(db, scope_of(town), &t) == DB_ROW)
        snprintf(out, cap, "%s", t.code[0] ? t.code : "default");
    else
        snprintf(out, cap, "left");
}

/* Checks the logs ids[0..n) (within one snapshot) and prints a line for each, then the
 * first failure's words. The exit status. */
static int verify_logs(struct db *db, EVP_PKEY *key, long bound, const long long *ids,
                       const long long *towns, size_t n)
{
    char msg[512] = "", first_msg[512] = "", name[16];
    long long total = 0, first_bad = 0, first_log = 0;
    enum audit_verify_status first = AUDIT_VERIFY_OK;
    for (size_t i = 0; i < n; i++) {
        long long bad = 0, k = 0;
        enum audit_verify_status vs =
            audit_verify_one_db(db, ids[i], key, hubclock_now(), bound, &bad, &k, msg, sizeof msg);
        log_name(db, ids[i], towns[i], name, sizeof name);
        printf("log_%lld=%s municipality=%s records=%lld\n", ids[i],
               vs == AUDIT_VERIFY_OK ? "OK" : "BAD", name, k);
        total += k;
        if (vs != AUDIT_VERIFY_OK && first == AUDIT_VERIFY_OK) {
            first = vs;
            first_bad = bad;
            first_log = ids[i];
            snprintf(first_msg, sizeof first_msg, "%s", msg);
        }
    }
    if (first != AUDIT_VERIFY_OK) {
        printf("audit=BAD\nproblem=%s\nbad_log=%lld\nfirst_bad_record=%lld\nreason=%s\n",
               audit_verify_status_str(first), first_log, first_bad, first_msg);
        return 1;
    }
    printf("audit=OK\nrecords=%lld\nheads=%s\n", total, key ? "verified" : "not checked");
    return 0;
}

static int cmd_audit_verify(struct db *db, const struct args *a)
{
    const char *keyfile = opt(a, "--key");
    char err[512];
    EVP_PKEY *key = NULL;
    long long bound = AUDIT_BOUND_DEFAULT;
    long long ids[AUDITLOG_MAX], towns[AUDITLOG_MAX];
    size_t n = 0;
    int rc = 1;
    if (opt_ll(a, "--bound", 0, 365LL * 86400, &bound) != 0) {
        fprintf(stderr, "hubctl: --bound must be 0..31536000 seconds\n");
        return 2;
    }
    if (keyfile && !(key = hubkey_load(keyfile, err, sizeof err))) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    /* One transaction, so the hub appending meanwhile does not confuse the walk (on
     * PostgreSQL REPEATABLE READ: one snapshot for the whole walk). */
    if (db_exec(db, "BEGIN") != DB_OK || /* a reader: not db_begin's write lock */
        (db_dialect(db) == DB_POSTGRES &&
         db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ") != DB_OK)) {
        printf("audit=BAD\nproblem=%s\nfirst_bad_record=0\nreason=cannot read the audit log: "
               "%s\n",
               audit_verify_status_str(AUDIT_VERIFY_ERROR), db_errmsg(db));
        goto out;
    }
    if (opt(a, "--municipality")) {
        /* One town's log alone: nothing of another town's log is read. */
        const struct scope *town = NULL;
        rc = resolve_town(db, a, &town);
        if (rc != 0)
            goto out;
        rc = 1;
        towns[0] = scope_town(town);
        if (auditlog_of_town(db, towns[0], &ids[0]) != DB_ROW) {
            fprintf(stderr, "hubctl: the municipality has no audit log: %s\n", db_errmsg(db));
            goto out;
        }
        n = 1;
    } else if (auditlog_list(db, ids, towns, AUDITLOG_MAX, &n) != DB_OK) {
        fprintf(stderr, "hubctl: cannot list the audit logs: %s\n", db_errmsg(db));
        goto out;
    }
    rc = verify_logs(db, key, (long)bound, ids, towns, n);
out:
    db_rollback(db);
    EVP_PKEY_free(key);
    return rc;
}

static int cmd_audit_checkpoint(struct db *db, const struct args *a)
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
        /* One log that cannot be signed keeps the heads of the others (audit.h). */
        enum db_status s = audit_checkpoint_db(db, key, hubclock_now());
        if (s != DB_OK && s != DB_ERR_BUSY && s != DB_ERR_CONSTRAINT)
            fail(db, "cannot write the checkpoint");
        else if (commit(db) == 0)
            rc = s == DB_ERR_CONSTRAINT ? 1 : 0;
        if (s == DB_ERR_CONSTRAINT)
            fprintf(stderr, "hubctl: a log has fewer records than its newest signed head or a "
                            "record is missing: no head for it (audit-verify says which); the "
                            "other logs are signed\n");
    }
    EVP_PKEY_free(key);
    if (rc == 0)
        printf("head=OK\n");
    return rc;
}

static int cmd_escalate(struct db *db, const struct args *a)
{
    long long window = 120;
    if (opt_ll(a, "--window", 1, 1440, &window) != 0) {
        fprintf(stderr, "hubctl: --window must be 1..1440 minutes\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int raised = 0, safety = 0;
    /* The missed check-in pass, then the safety checks past their due time. */
    if (escalate_run(db, hubclock_now(), (long)window, "hubctl", &raised) != 0 ||
        safety_escalate(db, hubclock_now(), "hubctl", &safety) != DB_OK)
        return fail(db, "the escalation pass failed");
    raised += safety;
    if (commit(db) != 0)
        return 1;
    printf("alerts_raised=%d\n", raised);
    return 0;
}

/* Writes the audit record of each checkup stored now (actor hubctl, request rid). */
static int audit_checkups(struct db *db, const struct ckstore_stored *v, size_t n, long long source,
                          const char *rid)
{
    for (size_t i = 0; i < n; i++) {
        char kinds[CKSTORE_AUDIT_TEXT], basis[CKSTORE_AUDIT_TEXT];
        struct audit_rec r = {
            .at = hubclock_now(), .actor = "hubctl", .outcome = "ok", .request_id = rid};
        ckstore_audit_rec(&v[i], source, kinds, basis, &r);
        if (v[i].created && audit_append_db(db, &r, NULL) != DB_OK)
            return -1;
    }
    return 0;
}

static int cmd_checkup_import(struct db *db, const struct args *a)
{
    long long source;
    const char *file = opt(a, "--file"), *format = opt(a, "--format");
    size_t len = 0;
    char *data = NULL, source_name[8];
    struct checkup_list *list = NULL;
    struct ckstore_stored *v = NULL;
    struct ckstore_reject rej;
    char rid[33];
    int rc = 1;
    if (parse_ll(opt(a, "--source"), 1, ID_MAX, &source) != 0 || !file) {
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
    if (actors_name(db, "source", source, source_name, sizeof source_name) != DB_ROW) {
        fprintf(stderr, "hubctl: there is no source organisation %lld (hubctl source-add)\n",
                source);
        goto out;
    }
    if (ckstore_parse(data, len, fmt, &list, &rej) != 0)
        goto rejected;
    if (begin(db) != 0)
        goto out;
    if (new_request_id(rid) != 0) {
        db_rollback(db);
        goto out;
    }
    int r =
        ckstore_add(db, a->town, source, list, fmt, data, len, (int64_t)hubclock_now(), &v, &rej);
    if (r == 0 && audit_checkups(db, v, list->n, source, rid) != 0)
        r = -1;
    if (r < 0) {
        fail(db, "cannot store the checkups");
        goto out;
    }
    if (r > 0) {
        db_rollback(db);
        goto rejected;
    }
    if (commit(db) != 0)
        goto out;
    int created = 0;
    for (size_t i = 0; i < list->n; i++) {
        created += v[i].created;
        printf("checkup_id=%lld\tdate=%s\tcreated=%s\n", (long long)v[i].id, list->v[i]->date,
               v[i].created ? "yes" : "no");
    }
    printf("checkups=%zu\ncreated=%d\nunchanged=%zu\n", list->n, created,
           list->n - (size_t)created);
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
    free(v);
    checkup_list_free(list);
    free(data);
    return rc;
}

static int cmd_checkup_show(struct db *db, const struct args *a)
{
    long long resident;
    if (parse_ll(opt(a, "--resident"), 1, ID_MAX, &resident) != 0) {
        fprintf(stderr, "hubctl: checkup-show needs --resident ID\n");
        return 2;
    }
    if (ckshow_print(db, a->town, resident, stdout) < 0) {
        fprintf(stderr, "hubctl: cannot read the checkups: %s\n", db_errmsg(db));
        return 1;
    }
    return 0;
}

static int cmd_consent_grant(struct db *db, const struct args *a)
{
    long long resident, rid;
    const char *recipient = opt(a, "--recipient"), *kind = opt(a, "--data-kind");
    const char *purpose = opt(a, "--purpose");
    char rkind[16] = "";
    const char *colon = recipient ? strchr(recipient, ':') : NULL;
    if (parse_ll(opt(a, "--resident"), 1, ID_MAX, &resident) != 0 || !colon ||
        (size_t)(colon - recipient) >= sizeof rkind || parse_ll(colon + 1, 1, ID_MAX, &rid) != 0 ||
        !kind || strlen(kind) > 40 || !valid_name(purpose)) {
        fprintf(stderr, "hubctl: consent-grant needs --resident ID --recipient KIND:ID "
                        "--data-kind K --purpose P\n");
        return 2;
    }
    memcpy(rkind, recipient, (size_t)(colon - recipient));
    if (strcmp(rkind, "family") != 0 && strcmp(rkind, "staff") != 0 &&
        strcmp(rkind, "operator") != 0 && strcmp(rkind, "source") != 0) {
        fprintf(stderr, "hubctl: the recipient kind must be family, staff, operator or source\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int known = 0;
    if (actors_is_recipient(db, resident, rkind, rid, &known) != DB_OK)
        return fail(db, "cannot read the database");
    if (!known) {
        fprintf(stderr,
                "hubctl: no such recipient %s (family members must be linked to the "
                "resident)\n",
                recipient);
        db_rollback(db);
        return 1;
    }
    struct consents_key k = {.resident = resident,
                             .recipient_kind = rkind,
                             .recipient_id = rid,
                             .data_kind = kind,
                             .purpose = purpose};
    int changed = 0;
    if (grant(db, a->town, &k, "paper form (hubctl)", &changed) != SQLITE_OK)
        return fail(db, "cannot record the consent (no such resident?)");
    if (changed ? audit_commit(db, "consent.grant", resident, kind) != 0 : commit(db) != 0)
        return 1;
    printf("consent=%s\n", changed ? "granted" : "already");
    return 0;
}

static int cmd_operator_add(struct db *db, const struct args *a)
{
    const char *name = opt(a, "--name"), *url = opt(a, "--webhook"), *secret = opt(a, "--secret");
    char token[HUBTOKEN_MAX + 1], hash[HUBTOKEN_HASH_HEX], districts[OPERATORS_DISTRICTS_MAX] = "";
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
    int64_t id = 0;
    if (new_token("opk", token, hash) != 0 || begin(db) != 0)
        return 1;
    if (operators_add(db, a->town, name, districts, hash, (int64_t)hubclock_now(), &id) != DB_OK)
        return fail(db, "cannot add the operator");
    if (url) {
        char recipient[48];
        snprintf(recipient, sizeof recipient, "operator:%lld", (long long)id);
        if (webhooks_set(db, recipient, url, secret, err, sizeof err) != ORDERS_OK) {
            fprintf(stderr, "hubctl: --webhook: %s\n", err);
            db_rollback(db);
            return 2;
        }
    }
    if (audit_commit(db, "operator.register", 0, "operator") != 0)
        return 1;
    printf("operator_id=%lld\ntoken=%s\n", (long long)id, token);
    if (url && secret == gen)
        printf("webhook_secret=%s\n", gen);
    return 0;
}

/* A new webhook signing secret (and optionally URL) for an operator of this town, e.g.
 * when the old secret leaked or its staff changed: generated unless --secret is given,
 * printed once, sealed at rest, audited (without the secret). */
static int cmd_operator_webhook(struct db *db, const struct args *a)
{
    const char *url = opt(a, "--webhook"), *secret = opt(a, "--secret");
    char gen[WHSIG_SECRET_MAX], err[256];
    long long op;
    if (parse_ll(opt(a, "--operator"), 1, ID_MAX, &op) != 0) {
        fprintf(stderr, "hubctl: operator-webhook needs --operator ID\n");
        return 2;
    }
    if (!secret) {
        if (whsig_secret_generate(gen, sizeof gen) != WHSIG_OK)
            return 1;
        secret = gen;
    }
    if (begin(db) != 0)
        return 1;
    enum orders_rc rc = webhooks_operator_set(db, a->town, op, url, secret, err, sizeof err);
    if (rc != ORDERS_OK) {
        fprintf(stderr, "hubctl: operator-webhook: %s\n", err);
        db_rollback(db);
        return rc == ORDERS_DB ? 1 : 2;
    }
    char outcome[64]; /* which operator's secret changed; never the secret */
    snprintf(outcome, sizeof outcome, "ok: operator:%lld%s", op, url ? ", new URL" : "");
    if (hubctl_audit(db, "operator.webhook_secret", outcome, 0, "operator") != 0)
        return fail(db, "cannot write the audit record");
    if (commit(db) != 0)
        return 1;
    printf("operator_id=%lld\n", op);
    if (secret == gen)
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

/* Stores the picture of every item (read from dir), replacing the operator's old ones.
 * Inside the caller's transaction; 0, or -1 after saying why. */
static int store_pictures(struct db *db, long long op, const struct catalog *cat, const char *dir)
{
    if (operators_pictures_clear(db, op) != DB_OK) {
        fprintf(stderr, "hubctl: cannot replace the pictures: %s\n", db_errmsg(db));
        return -1;
    }
    for (size_t i = 0; i < catalog_n_items(cat); i++) {
        const struct catalog_item *it = catalog_item_at(cat, i);
        char path[1024];
        size_t plen = 0;
        snprintf(path, sizeof path, "%s/%s", dir, it->picture);
        char *pic = slurp(path, CATALOG_PICTURE_MAX, &plen);
        if (!pic)
            return -1;
        enum db_status s =
            operators_picture_put(db, op, it->picture, picture_mime(pic, plen), pic, plen);
        free(pic);
        if (s != DB_OK) {
            fprintf(stderr, "hubctl: cannot store a picture: %s\n", db_errmsg(db));
            return -1;
        }
    }
    return 0;
}

static int cmd_catalogue_import(struct db *db, const struct args *a)
{
    long long op;
    const char *file = opt(a, "--file");
    struct catalog *cat = NULL;
    char err[512], dir[512];
    char *json = NULL;
    int rc = 1;
    if (parse_ll(opt(a, "--operator"), 1, ID_MAX, &op) != 0 || !file) {
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
    if (operators_get(db, a->town, op, NULL, NULL) != DB_ROW) {
        fprintf(stderr, "hubctl: there is no operator %lld\n", op);
        db_rollback(db);
        goto out;
    }
    if (store_pictures(db, op, cat, dir) != 0) {
        db_rollback(db);
        goto out;
    }
    if (operators_catalogue_put(db, op, json, (int64_t)hubclock_now()) != DB_OK) {
        fail(db, "cannot store the catalogue");
        goto out;
    }
    if (audit_commit(db, "catalogue.import", 0, "catalogue") != 0)
        goto out;
    printf("operator_id=%lld\ncategories=%zu\nitems=%zu\n", op, catalog_n_categories(cat),
           catalog_n_items(cat));
    rc = 0;
out:
    free(json);
    catalog_free(cat);
    return rc;
}

static int cmd_backup(struct db *db, const struct args *a)
{
    const char *out = opt(a, "--out");
    char err[1024];
    long long n = 0;
    if (!out) {
        fprintf(stderr, "hubctl: backup needs --out FILE\n");
        return 2;
    }
    if (hubbackup_write(db, out, &n, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: the backup was not made: %s\n", err);
        return 1;
    }
    printf("backup=OK\nfile=%s\naudit=OK\nrecords=%lld\n", out, n);
    return 0;
}

static int cmd_restore(struct db *db, const struct args *a)
{
    const char *from = opt(a, "--from");
    char err[1024], keep[4096];
    long long n = 0;
    if (!from) {
        fprintf(stderr, "hubctl: restore needs --from FILE\n");
        return 2;
    }
    if (snprintf(keep, sizeof keep, "%s.before-restore-%lld", a->dbpath,
                 (long long)hubclock_now()) >= (int)sizeof keep ||
        hubbackup_restore(db, from, keep, &n, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: restore: %s\n", err);
        return 1;
    }
    printf("restore=OK\nfrom=%s\nkept=%s\naudit=OK\nrecords=%lld\n", from, keep, n);
    return 0;
}

/* The texts of a town from the options (NULL when absent); -1 with words when one is too
 * long or the code is malformed. */
static int town_options(const struct args *a, struct towns_new *t)
{
    char why[160];
    *t = (struct towns_new){.code = opt(a, "--code"),
                            .name = opt(a, "--name"),
                            .service_hours = opt(a, "--hours"),
                            .contact = opt(a, "--contact")};
    if (t->code && towncode_valid(t->code, why, sizeof why) != 0) {
        fprintf(stderr, "hubctl: --code %s\n", why);
        return -1;
    }
    if ((t->name && (!*t->name || strlen(t->name) > TOWNS_NAME_MAX)) ||
        (t->service_hours && strlen(t->service_hours) > TOWNS_HOURS_MAX) ||
        (t->contact && strlen(t->contact) > TOWNS_CONTACT_MAX)) {
        fprintf(stderr,
                "hubctl: --name (1-%d bytes), --hours (at most %d) and --contact (at "
                "most %d) are too long or empty\n",
                TOWNS_NAME_MAX, TOWNS_HOURS_MAX, TOWNS_CONTACT_MAX);
        return -1;
    }
    return 0;
}

static int cmd_municipality_add(struct db *db, const struct args *a)
{
    struct towns_new t;
    if (town_options(a, &t) != 0)
        return 2;
    if (!t.code || !t.name) {
        fprintf(stderr, "hubctl: municipality-add needs --code CODE (6 digits) and --name NAME\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int64_t id = 0;
    if (towns_add(db, &t, (int64_t)hubclock_now(), &id) != DB_OK)
        return fail(db, "cannot add the municipality (is its code already on this hub?)");
    if (audit_commit(db, "municipality.add", 0, "municipality") != 0)
        return 1;
    printf("municipality_id=%lld\ncode=%s\n", (long long)id, t.code);
    return 0;
}

static int cmd_municipality_set(struct db *db, const struct args *a)
{
    struct towns_new t;
    if (town_options(a, &t) != 0)
        return 2;
    if (!t.code && !t.name && !t.service_hours && !t.contact) {
        fprintf(stderr, "hubctl: municipality-set needs --code, --name, --hours or --contact\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    int changed = 0;
    if (towns_set(db, a->town, &t, &changed) != DB_OK || !changed)
        return fail(db, "cannot change the municipality (is that code another town's?)");
    if (audit_commit(db, "municipality.set", 0, "municipality") != 0)
        return 1;
    printf("municipality_id=%lld\n", (long long)scope_town(a->town));
    return 0;
}

/* An operator of another town serves this one too: the contract is recorded in this
 * town. */
static int cmd_operator_contract(struct db *db, const struct args *a)
{
    long long op;
    if (parse_ll(opt(a, "--operator"), 1, ID_MAX, &op) != 0) {
        fprintf(stderr, "hubctl: operator-contract needs --operator ID\n");
        return 2;
    }
    if (begin(db) != 0)
        return 1;
    if (operators_contract(db, a->town, op, (int64_t)hubclock_now()) != DB_OK)
        return fail(db, "cannot record the contract (no such operator?)");
    if (audit_commit(db, "operator.contract", 0, "operator") != 0)
        return 1;
    printf("operator_id=%lld\nmunicipality_id=%lld\n", op, (long long)scope_town(a->town));
    return 0;
}

static int print_town(void *ctx, const struct towns_row *t)
{
    (void)ctx;
    printf("municipality_id=%lld code=%s name=%s hours=%s contact=%s\n", (long long)t->id,
           t->code[0] ? t->code : "-", t->name, t->service_hours, t->contact);
    return 0;
}

static int cmd_municipality_list(struct db *db, const struct args *a)
{
    (void)a;
    if (towns_list(db, print_town, NULL) != DB_OK) {
        fprintf(stderr, "hubctl: cannot list the municipalities: %s\n", db_errmsg(db));
        return 1;
    }
    return 0;
}

/* The command's municipality: --municipality CODE|ID, or the only one. 0, or an exit status
 * with words on stderr. */
static int resolve_town(struct db *db, const struct args *a, const struct scope **town)
{
    const char *want = opt(a, "--municipality");
    int64_t id = 0, n = 0;
    enum db_status s;
    if (want) {
        s = towns_find(db, want, &id);
        if (s == DB_DONE) {
            fprintf(stderr,
                    "hubctl: --municipality %s: no such municipality on this hub (a 6-digit "
                    "code or an id; hubctl municipality-list shows them)\n",
                    want);
            return 2;
        }
    } else {
        s = towns_count(db, &n, &id);
        if (s == DB_OK && id == 0) {
            fprintf(stderr,
                    "hubctl: this hub serves %lld municipalities: say which one with "
                    "--municipality CODE (hubctl municipality-list shows them)\n",
                    (long long)n);
            return 2;
        }
    }
    if (s != DB_ROW && s != DB_OK) {
        fprintf(stderr, "hubctl: cannot read the municipalities: %s\n", db_errmsg(db));
        return 1;
    }
    *town = scope_of(id);
    return *town ? 0 : 1;
}

/* Commands that work on no one town's data (the rest need a municipality). */
static const char *const TOWNLESS[] = {
    "init",          "municipality-add", "municipality-list", "backup",         "restore",
    "audit-verify",  "audit-checkpoint", "jma-apply",         "secrets-rotate", "purge",
    "audit-refusals"};

/* --- alert notifications (docs/notify.md) --- */

/* --family ID or --staff ID into kind and id; 0, or exit status 2 with a message. */
static int notify_who(const struct args *a, const char **kind, long long *id)
{
    int fam = opt(a, "--family") != NULL, stf = opt(a, "--staff") != NULL;
    *kind = fam ? "family" : "staff";
    if (fam == stf || opt_ll(a, fam ? "--family" : "--staff", 1, ID_MAX, id) != 0) {
        fprintf(stderr, "hubctl: give one of --family ID or --staff ID\n");
        return 2;
    }
    return 0;
}

static int cmd_notify_set(struct db *db, const struct args *a)
{
    struct notifyrcpt_change ch = NOTIFYRCPT_CHANGE_NONE;
    const char *kind, *quiet = opt(a, "--quiet"), *url = opt(a, "--webhook");
    long long who = 0, rank = -2;
    char secret[WHSIG_SECRET_MAX] = "", err[256] = "";
    int generated = 0;
    int rc = notify_who(a, &kind, &who);
    if (rc != 0)
        return rc;
    ch.mail = opt(a, "--mail");
    ch.lang = opt(a, "--lang");
    if (opt(a, "--rank") && opt_ll(a, "--rank", 0, 1000, &rank) != 0) {
        fprintf(stderr, "hubctl: --rank must be 0..1000 (lower is told first)\n");
        return 2;
    }
    ch.rank = rank;
    if (quiet && strcmp(quiet, "off") == 0) {
        ch.quiet_start_min = -1;
    } else if (quiet) {
        char a1[6] = "", b1[6] = "";
        int64_t q1 = -1, q2 = -1;
        if (strlen(quiet) != 11 || quiet[5] != '-' || !memcpy(a1, quiet, 5) ||
            !memcpy(b1, quiet + 6, 5) || notifyrcpt_parse_hhmm(a1, &q1) != 0 ||
            notifyrcpt_parse_hhmm(b1, &q2) != 0) {
            fprintf(stderr, "hubctl: --quiet must be HH:MM-HH:MM (Japan time) or off\n");
            return 2;
        }
        ch.quiet_start_min = q1;
        ch.quiet_end_min = q2;
    }
    if (url && *url) {
        const char *given = opt(a, "--secret");
        if (given)
            snprintf(secret, sizeof secret, "%s", given);
        else if (whsig_secret_generate(secret, sizeof secret) != WHSIG_OK) {
            fprintf(stderr, "hubctl: the random generator failed\n");
            return 1;
        } else
            generated = 1;
        ch.webhook_url = url;
        ch.webhook_secret = secret;
    } else if (url) {
        ch.webhook_url = ""; /* --webhook "": removed */
    }
    if (begin(db) != 0)
        return 1;
    int64_t id = 0;
    enum db_status s =
        notifyrcpt_set(db, a->town, kind, who, &ch, (int64_t)hubclock_now(), &id, err, sizeof err);
    for (int n = 0; s == DB_OK && opt_nth(a, "--mode", n); n++) {
        const char *m = opt_nth(a, "--mode", n), *eq = strchr(m, '=');
        char k[24];
        if (!eq || (size_t)(eq - m) >= sizeof k) {
            snprintf(err, sizeof err, "--mode must be KIND=always|day|off");
            s = DB_ERR_CONSTRAINT;
            break;
        }
        snprintf(k, sizeof k, "%.*s", (int)(eq - m), m);
        s = notifyrcpt_set_mode(db, a->town, id, k, eq + 1);
        if (s == DB_ERR_CONSTRAINT)
            snprintf(err, sizeof err,
                     "--mode %s: the kind must be missed, help, unwell, safety_help or"
                     " safety_no_answer and the mode always, day or off",
                     m);
    }
    if (s != DB_OK) {
        fprintf(stderr, "hubctl: %s\n", err[0] ? err : db_errmsg(db));
        db_rollback(db);
        return s == DB_ERR_CONSTRAINT || s == DB_DONE ? 2 : 1;
    }
    if (audit_commit(db, "notify.recipient_set", 0, "contact") != 0)
        return 1;
    printf("recipient_id=%lld\n", (long long)id);
    if (generated)
        printf("webhook_secret=%s\n", secret);
    return 0;
}

static int print_recipient(void *ctx, const struct notifyrcpt_row *r)
{
    struct db *db = ctx;
    char quiet[16] = "-", modes[160] = "";
    if (r->quiet_start_min >= 0)
        snprintf(quiet, sizeof quiet, "%02d:%02d-%02d:%02d", (int)(r->quiet_start_min / 60),
                 (int)(r->quiet_start_min % 60), (int)(r->quiet_end_min / 60),
                 (int)(r->quiet_end_min % 60));
    static const char *const kinds[] = {"missed", "help", "unwell", "safety_help",
                                        "safety_no_answer"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char m[8];
        if (notifyrcpt_mode(db, r->id, kinds[i], m, sizeof m) != DB_OK)
            return 1;
        size_t used = strlen(modes);
        snprintf(modes + used, sizeof modes - used, "%s%s=%s", i ? "," : "", kinds[i], m);
    }
    printf("%lld\t%s:%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t%s\n", (long long)r->id, r->actor_kind,
           (long long)r->actor_id, col(r->display_name), col(r->mail), col(r->webhook_url), r->lang,
           (long long)r->rank, quiet, modes);
    return 0;
}

static int cmd_notify_list(struct db *db, const struct args *a)
{
    (void)a;
    printf("id\tactor\tname\tmail\twebhook\tlang\trank\tquiet\tmodes\n");
    return listed(db, notifyrcpt_list(db, a->town, print_recipient, db));
}

static int print_notification(void *ctx, const struct notifyq_row *m)
{
    char d[24], s[24];
    (void)ctx;
    printf("%lld\t%lld\t%lld\t%s\t%s\t%s\t%lld\t%s\t%s\t%s\n", (long long)m->id,
           (long long)m->alert, (long long)m->resident, m->actor, m->channel, m->state,
           (long long)m->attempts, when(m->due, 0, d), when(m->sent, 0, s),
           m->last_error[0] ? m->last_error : "-");
    return 0;
}

static int cmd_notify_pending(struct db *db, const struct args *a)
{
    int all = 0;
    for (int i = 0; i < a->argc; i++)
        all |= strcmp(a->argv[i], "--all") == 0;
    printf("id\talert\tresident\trecipient\tchannel\tstate\tattempts\tdue\tsent\tlast_error\n");
    return listed(db, notifyq_list(db, a->town, !all, 500, print_notification, NULL));
}

static int find_recipient(void *ctx, const struct notifyrcpt_row *r)
{
    *(int64_t *)ctx = r->id;
    return 0;
}

static int cmd_notify_test(struct db *db, const struct args *a)
{
    const char *kind;
    long long who = 0;
    int64_t id = 0;
    char err[256];
    int rc = notify_who(a, &kind, &who);
    if (rc != 0)
        return rc;
    if (notifyrcpt_get(db, kind, who, find_recipient, &id) != DB_OK)
        return listed(db, DB_ERR);
    if (!id) {
        fprintf(stderr, "hubctl: %s:%lld has no notification settings (notify-set first)\n", kind,
                who);
        return 2;
    }
    struct notifier_config cfg = {.smtp_url = opt(a, "--smtp-url"),
                                  .smtp_from = opt(a, "--smtp-from"),
                                  .smtp_ca = opt(a, "--smtp-ca")};
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "hubctl: cannot initialise libcurl\n");
        return 1;
    }
    struct notifier *n = notifier_create(db, &cfg);
    rc = n && notifier_test(n, id, err, sizeof err) == 0 ? 0 : 1;
    notifier_destroy(n);
    curl_global_cleanup();
    if (rc != 0)
        fprintf(stderr, "hubctl: the test notification was not accepted: %s\n",
                n ? err : "out of memory");
    if (begin(db) != 0 ||
        audit_commit(db, rc == 0 ? "notify.test" : "notify.test_failed", 0, "contact") != 0)
        return 1;
    printf("test=%s\n", rc == 0 ? "sent" : "failed");
    return rc;
}

static const struct command {
    const char *name;
    int (*run)(struct db *db, const struct args *a);
} COMMANDS[] = {
    {"init", cmd_init},
    {"municipality-add", cmd_municipality_add},
    {"municipality-set", cmd_municipality_set},
    {"municipality-list", cmd_municipality_list},
    {"resident-add", cmd_resident_add},
    {"resident-cert", cmd_resident_cert},
    {"resident-set", cmd_resident_set},
    {"device-add", cmd_device_add},
    {"family-add", cmd_family_add},
    {"family-link", cmd_family_link},
    {"staff-add", cmd_staff_add},
    {"legal-basis-add", cmd_legal_basis_add},
    {"consents", cmd_consents},
    {"alerts", cmd_alerts},
    {"legal-bases", cmd_legal_bases},
    {"checkins", cmd_checkins},
    {"audit", cmd_audit},
    {"audit-verify", cmd_audit_verify},
    {"audit-checkpoint", cmd_audit_checkpoint},
    {"escalate", cmd_escalate},
    {"source-add", cmd_source_add},
    {"checkup-import", cmd_checkup_import},
    {"checkup-show", cmd_checkup_show},
    {"consent-grant", cmd_consent_grant},
    {"operator-add", cmd_operator_add},
    {"operator-contract", cmd_operator_contract},
    {"operator-webhook", cmd_operator_webhook},
    {"catalogue-import", cmd_catalogue_import},
    {"backup", cmd_backup},
    {"restore", cmd_restore},
    {"notify-set", cmd_notify_set},
    {"notify-list", cmd_notify_list},
    {"notify-pending", cmd_notify_pending},
    {"notify-test", cmd_notify_test},
};

int main(int argc, char **argv)
{
    const char *dbpath = NULL, *secrets_key = NULL;
    struct secretbox *box = NULL;
    int i = 1;
    for (; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            dbpath = argv[i + 1];
        else if (strcmp(argv[i], "--secrets-key") == 0)
            secrets_key = argv[i + 1];
        else if (strcmp(argv[i], "--clock-file") == 0)
            hubclock_use_file(argv[i + 1]);
        else
            break;
    }
    if (i < argc && strcmp(argv[i], "audit-witness") == 0) /* over the API: no --db */
        return hubctl_witness(argc - i - 1, argv + i + 1);
    if (i < argc && strcmp(argv[i], "export-verify") == 0) /* a file alone, no database */
        return hubctl_export_verify(argc - i - 1, argv + i + 1);
    if (i >= argc || !dbpath) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    struct args a = {argc - i - 1, argv + i + 1, dbpath, NULL};
    char err[512];
    struct db *db = NULL;
    int rc = 1;
    if (hubdb_open_db(dbpath, strcmp(cmd, "init") == 0, &db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "hubctl: %s (run \"hubctl --db FILE init\" first)\n", err);
        return 1;
    }
    if (hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "hubctl: %s\n", err);
        goto out;
    }
    if (hubctl_secrets_start(db, secrets_key, opt(&a, "--key"), dbpath, &box) != 0)
        goto out;
    int townless = 0;
    for (size_t k = 0; k < sizeof TOWNLESS / sizeof TOWNLESS[0]; k++)
        townless |= strcmp(cmd, TOWNLESS[k]) == 0;
    if (!townless && (rc = resolve_town(db, &a, &a.town)) != 0)
        goto out;
    audit_town = a.town ? scope_town(a.town) : 0;
    rc = 1;
    const struct command *c = NULL;
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0] && !c; k++)
        if (strcmp(cmd, COMMANDS[k].name) == 0)
            c = &COMMANDS[k];
    if (c) {
        rc = c->run(db, &a);
    } else if ((rc = hubctl_towns(db, a.town, cmd, a.argc, a.argv)) >= 0) {
        /* export or removal of a town (hubctl_towns.c) */
    } else if ((rc = hubctl_disaster(db, a.town, cmd, a.argc, a.argv)) >= 0) {
        /* a disaster command (hubctl_disaster.c) */
    } else if ((rc = hubctl_safety(db, a.town, cmd, a.argc, a.argv)) >= 0) {
        /* the staff view of a safety confirmation (hubctl_safety.c) */
    } else if ((rc = hubctl_stats(db, a.town, cmd, a.argc, a.argv)) >= 0) {
        /* a statistics command (hubctl_stats.c) */
    } else if ((rc = hubctl_secrets(db, cmd, a.argc, a.argv)) >= 0) {
        /* secrets-rotate (hubctl_secrets.c) */
    } else if ((rc = hubctl_purge(db, cmd, a.argc, a.argv)) >= 0) {
        /* the retention purge (hubctl_purge.c) */
    } else if ((rc = hubctl_refusals(db, cmd, a.argc, a.argv)) >= 0) {
        /* refused authorizations (hubctl_refusals.c) */
    } else {
        fprintf(stderr, "hubctl: unknown command %s\n", cmd);
        usage(stderr);
        rc = 2;
    }
out:
    hubdb_db_close(db);
    secretbox_install(NULL);
    secretbox_free(box);
    return rc;
}
