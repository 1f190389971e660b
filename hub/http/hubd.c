/*
 * hubd.c: the linkage hub daemon. Parses options, starts the server (server.h), prints
 * "listening on ADDR:PORT" once it accepts connections (tests and scripts read that line
 * to learn an ephemeral port), and on SIGTERM or SIGINT stops gracefully: no new
 * connections, requests in flight finish, the writer drains, the database is closed.
 */
#include "hubclock.h"
#include "sdnotify.h"
#include "server.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hubd --db FILE [--listen ADDR] [--port N] [--tls-cert PEM --tls-key PEM]\n"
            "            [--trust-ca PEM [--crl FILE ...] [--crl-refresh SECONDS] [--ocsp URL]]\n"
            "            [--key FILE] [--secrets-key FILE] [--clock-file FILE]\n"
            "            [--escalation-window MIN] [--tick SECONDS] [--push-poll-ms MS]\n"
            "            [--purge-every SECONDS]\n"
            "            [--jma-feed URL [--jma-poll SECONDS] [--jma-office NAME ...]]\n"
            "            [--max-connections N] [--max-per-address N] [--header-deadline S]\n"
            "            [--body-deadline S] [--workers N] [--batch-wait-us N] [--login-rate N]\n"
            "            [--refusal-rate N] [--min-free-mb N] [--free-space-path DIR]\n"
            "            [--audit-head-records N] [--audit-head-seconds T]\n"
            "  --listen ADDR      IPv4/IPv6 address to listen on (default 127.0.0.1); plain HTTP\n"
            "                     only on loopback\n"
            "  --port N           TCP port, 0 = any free port (default 8443)\n"
            "  --db FILE          SQLite database (created and migrated if needed)\n"
            "  --tls-cert/--tls-key  serve HTTPS with this certificate and key\n"
            "  --trust-ca PEM     CA certificates trusted for card login\n"
            "  --crl FILE         a CRL of that CA (PEM or DER); repeatable, up to 8. Card\n"
            "                     certificates are then checked for revocation, and a CRL past\n"
            "                     its next update refuses every card login until a fresh one\n"
            "                     replaces the file\n"
            "  --ocsp URL         also ask the CA's OCSP responder about each card certificate\n"
            "                     (answers kept until their nextUpdate); no answer, or one\n"
            "                     that cannot be trusted, refuses the login\n"
            "  --crl-refresh SECONDS  look for a replaced CRL file this often (default 300;\n"
            "                     0 = at every login)\n"
            "  --key FILE         Ed25519 hub key (hubctl keygen) that signs the audit log's tree\n"
            "                     heads\n"
            "  --secrets-key FILE the key file that seals the secrets kept in the database\n"
            "                     (pseudonym keys, webhook secrets); default secrets.key beside\n"
            "                     --key, else beside the SQLite file. Created when missing and\n"
            "                     nothing is sealed yet; otherwise a missing or wrong file stops\n"
            "                     hubd. Keep it apart from the database and its backups\n"
            "  --audit-head-records N  sign a tree head after at most N new audit records\n"
            "                     (default 1000)\n"
            "  --audit-head-seconds T  and at least every T seconds while records came (default\n"
            "                     10; hubctl audit-verify --bound must be larger)\n"
            "  --clock-file FILE  read the time (Unix seconds) from FILE: tests and demos only\n"
            "  --escalation-window MIN  minutes after a missed deadline before city staff are\n"
            "                     alerted (default 120)\n"
            "  --tick SECONDS     run the missed check-in pass this often (default 30, 0 = off)\n"
            "  --purge-every SECONDS  purge expired login challenges, card sessions and old\n"
            "                     Idempotency-Keys this often (default 600, 0 = off;\n"
            "                     periods in docs/hub.md)\n"
            "  --push-poll-ms MS  how often the webhook push thread looks for due deliveries\n"
            "                     (default 1000; a new order is pushed at once)\n"
            "  --jma-feed URL     follow this JMA Atom feed (e.g. the high-frequency extra.xml)\n"
            "                     for 気象警報・注意報 telegrams (docs/disaster.md)\n"
            "  --jma-poll SECONDS how often the feed is fetched (default 60)\n"
            "  --jma-office NAME  only telegrams of this office (the entry's author, e.g.\n"
            "                     東京管区気象台); repeatable, up to 8; default all\n"
            "  --max-connections N  connections at once (default 1024)\n"
            "  --max-per-address N  connections at once from one client address (default 64)\n"
            "  --header-deadline S  seconds a client has to send a request's headers (default\n"
            "                     10); trickling bytes does not extend it\n"
            "  --body-deadline S  seconds from the same start to send the whole request (60)\n"
            "  --workers N        request handler threads (default 8, on PostgreSQL 32; a quarter\n"
            "                     are kept for help calls, check-ins and health)\n"
            "  --batch-wait-us N  a writer batch gathers while requests keep coming, at most N\n"
            "                     microseconds (default 1000 on PostgreSQL, 0 on SQLite)\n"
            "  --login-rate N     card login challenges and logins per device a minute (20,\n"
            "                     bursts of 10); more get 429 with Retry-After\n"
            "  --refusal-rate N   refused authorizations (401/403) per client address a minute\n"
            "                     (60, bursts of 30); more get 429 with Retry-After\n"
            "  --ack-rate N       acknowledgement codes (POST /v1/notify/ack, no token) per\n"
            "                     client address a minute (10, bursts of 10 or N); more get\n"
            "                     429 with Retry-After\n"
            "  --min-free-mb N    below this free disk space new orders, checkup imports,\n"
            "                     family requests and activity get 507 (default 100; 0 = off);\n"
            "                     help calls and check-ins are never refused\n"
            "  --free-space-path DIR  where free space is measured (default: the SQLite\n"
            "                     file's directory; give it for PostgreSQL on this machine)\n"

            "  --smtp-url URL     alert mails through this SMTP server, STARTTLS required\n"
            "                     (smtp://host:587); without it mail notifications wait\n"
            "  --smtp-from ADDR   the alert mails' From address\n"
            "  --smtp-ca PEM      CA certificates trusted for the SMTP server (default: system)\n"
            "  --notify-ack-url URL  base of the acknowledgement link in alert mails\n"
            "  --notify-escalate-min MIN  minutes before the next in a resident's escalation\n"
            "                     order is told (default 10; docs/notify.md)\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    struct server_config cfg = {.listen = "127.0.0.1",
                                .port = 8443,
                                .tick_seconds = 30,
                                .purge_every_s = 600,
                                .push_poll_ms = 1000,
                                .jma_poll_seconds = 60,
                                .crl_refresh_s = 300,
                                .audit_head_records = 1000,
                                .audit_head_seconds = 10,
                                .notify_escalate_min = 10,
                                .min_free_mb = -1,
                                .batch_wait_us = -1};
    long v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (!val) {
            fprintf(stderr, "hubd: unknown option or missing value: %s\n", a);
            usage(stderr);
            return 2;
        }
        i++;
        if (strcmp(a, "--listen") == 0) {
            cfg.listen = val;
        } else if (strcmp(a, "--port") == 0) {
            if (parse_long(val, 0, 65535, &v) != 0) {
                fprintf(stderr, "hubd: --port must be 0..65535\n");
                return 2;
            }
            cfg.port = (unsigned)v;
        } else if (strcmp(a, "--db") == 0) {
            cfg.db_path = val;
        } else if (strcmp(a, "--tls-cert") == 0) {
            cfg.tls_cert = val;
        } else if (strcmp(a, "--tls-key") == 0) {
            cfg.tls_key = val;
        } else if (strcmp(a, "--trust-ca") == 0) {
            cfg.trust_ca = val;
        } else if (strcmp(a, "--crl") == 0) {
            if (cfg.n_crl == (int)(sizeof cfg.crl_files / sizeof cfg.crl_files[0])) {
                fprintf(stderr, "hubd: at most 8 --crl\n");
                return 2;
            }
            cfg.crl_files[cfg.n_crl++] = val;
        } else if (strcmp(a, "--ocsp") == 0) {
            cfg.ocsp_url = val;
        } else if (strcmp(a, "--crl-refresh") == 0) {
            if (parse_long(val, 0, 86400, &v) != 0) {
                fprintf(stderr, "hubd: --crl-refresh must be 0..86400 seconds\n");
                return 2;
            }
            cfg.crl_refresh_s = v;
        } else if (strcmp(a, "--key") == 0) {
            cfg.key_path = val;
        } else if (strcmp(a, "--secrets-key") == 0) {
            cfg.secrets_key = val;
        } else if (strcmp(a, "--audit-head-records") == 0) {
            if (parse_long(val, 1, 1000000, &v) != 0) {
                fprintf(stderr, "hubd: --audit-head-records must be 1..1000000\n");
                return 2;
            }
            cfg.audit_head_records = v;
        } else if (strcmp(a, "--audit-head-seconds") == 0) {
            if (parse_long(val, 1, 3600, &v) != 0) {
                fprintf(stderr, "hubd: --audit-head-seconds must be 1..3600\n");
                return 2;
            }
            cfg.audit_head_seconds = v;
        } else if (strcmp(a, "--clock-file") == 0) {
            hubclock_use_file(val);
        } else if (strcmp(a, "--escalation-window") == 0) {
            if (parse_long(val, 1, 24 * 60, &v) != 0) {
                fprintf(stderr, "hubd: --escalation-window must be 1..1440 minutes\n");
                return 2;
            }
            cfg.escalation_window_min = v;
        } else if (strcmp(a, "--purge-every") == 0) {
            if (parse_long(val, 0, 86400, &v) != 0) {
                fprintf(stderr, "hubd: --purge-every must be 0..86400 seconds\n");
                return 2;
            }
            cfg.purge_every_s = v;
        } else if (strcmp(a, "--tick") == 0) {
            if (parse_long(val, 0, 3600, &v) != 0) {
                fprintf(stderr, "hubd: --tick must be 0..3600 seconds\n");
                return 2;
            }
            cfg.tick_seconds = v;
        } else if (strcmp(a, "--push-poll-ms") == 0) {
            if (parse_long(val, 10, 60000, &v) != 0) {
                fprintf(stderr, "hubd: --push-poll-ms must be 10..60000\n");
                return 2;
            }
            cfg.push_poll_ms = v;
        } else if (strcmp(a, "--smtp-url") == 0) {
            cfg.smtp_url = val;
        } else if (strcmp(a, "--smtp-from") == 0) {
            cfg.smtp_from = val;
        } else if (strcmp(a, "--smtp-ca") == 0) {
            cfg.smtp_ca = val;
        } else if (strcmp(a, "--notify-ack-url") == 0) {
            cfg.notify_ack_url = val;
        } else if (strcmp(a, "--notify-escalate-min") == 0) {
            if (parse_long(val, 1, 24 * 60, &v) != 0) {
                fprintf(stderr, "hubd: --notify-escalate-min must be 1..1440 minutes\n");
                return 2;
            }
            cfg.notify_escalate_min = v;
        } else if (strcmp(a, "--jma-feed") == 0) {
            cfg.jma_feed = val;
        } else if (strcmp(a, "--jma-poll") == 0) {
            if (parse_long(val, 1, 86400, &v) != 0) {
                fprintf(stderr, "hubd: --jma-poll must be 1..86400 seconds\n");
                return 2;
            }
            cfg.jma_poll_seconds = v;
        } else if (strcmp(a, "--max-connections") == 0) {
            if (parse_long(val, 1, 100000, &cfg.max_connections) != 0) {
                fprintf(stderr, "hubd: --max-connections must be 1..100000\n");
                return 2;
            }
        } else if (strcmp(a, "--max-per-address") == 0) {
            if (parse_long(val, 1, 100000, &cfg.max_per_address) != 0) {
                fprintf(stderr, "hubd: --max-per-address must be 1..100000\n");
                return 2;
            }
        } else if (strcmp(a, "--header-deadline") == 0) {
            if (parse_long(val, 1, 3600, &cfg.header_deadline_s) != 0) {
                fprintf(stderr, "hubd: --header-deadline must be 1..3600 seconds\n");
                return 2;
            }
        } else if (strcmp(a, "--body-deadline") == 0) {
            if (parse_long(val, 1, 3600, &cfg.body_deadline_s) != 0) {
                fprintf(stderr, "hubd: --body-deadline must be 1..3600 seconds\n");
                return 2;
            }
        } else if (strcmp(a, "--workers") == 0) {
            if (parse_long(val, 2, 256, &cfg.workers) != 0) {
                fprintf(stderr, "hubd: --workers must be 2..256\n");
                return 2;
            }
        } else if (strcmp(a, "--batch-wait-us") == 0) {
            if (parse_long(val, 0, 100000, &cfg.batch_wait_us) != 0) {
                fprintf(stderr, "hubd: --batch-wait-us must be 0..100000 microseconds\n");
                return 2;
            }
        } else if (strcmp(a, "--login-rate") == 0) {
            if (parse_long(val, 1, 100000, &cfg.login_per_minute) != 0) {
                fprintf(stderr, "hubd: --login-rate must be 1..100000 a minute\n");
                return 2;
            }
        } else if (strcmp(a, "--refusal-rate") == 0) {
            if (parse_long(val, 1, 1000000, &cfg.refusals_per_minute) != 0) {
                fprintf(stderr, "hubd: --refusal-rate must be 1..1000000 a minute\n");
                return 2;
            }
        } else if (strcmp(a, "--ack-rate") == 0) {
            if (parse_long(val, 1, 1000000, &cfg.acks_per_minute) != 0) {
                fprintf(stderr, "hubd: --ack-rate must be 1..1000000 a minute\n");
                return 2;
            }
        } else if (strcmp(a, "--min-free-mb") == 0) {
            if (parse_long(val, 0, 1L << 40, &cfg.min_free_mb) != 0) {
                fprintf(stderr, "hubd: --min-free-mb must be 0 or more\n");
                return 2;
            }
        } else if (strcmp(a, "--free-space-path") == 0) {
            cfg.free_space_path = val;
        } else if (strcmp(a, "--jma-office") == 0) {
            if (cfg.n_jma_offices == 8) {
                fprintf(stderr, "hubd: at most 8 --jma-office\n");
                return 2;
            }
            cfg.jma_offices[cfg.n_jma_offices++] = val;
        } else {
            fprintf(stderr, "hubd: unknown option: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!cfg.db_path) {
        fprintf(stderr, "hubd: --db FILE is required\n");
        usage(stderr);
        return 2;
    }
    /* Block the stop signals before any thread starts, so only sigwait() below sees them;
     * a closed client socket must not kill the process either. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* libcurl (the webhook push and JMA feed threads) is initialised once, before any thread
     * starts. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "hubd: cannot initialise libcurl\n");
        return 1;
    }
    char err[512];
    struct server *s = server_start(&cfg, err, sizeof err);
    if (!s) {
        fprintf(stderr, "hubd: %s\n", err);
        curl_global_cleanup();
        return 1;
    }
    int v6 = strchr(cfg.listen, ':') != NULL;
    printf("listening on %s%s%s:%u\n", v6 ? "[" : "", cfg.listen, v6 ? "]" : "", server_port(s));
    fflush(stdout);
    /* systemd (Type=notify) starts dependants and counts the service up only from here. */
    char status[160];
    snprintf(status, sizeof status, "READY=1\nSTATUS=listening on port %u", server_port(s));
    sdnotify_send(status);
    int sig = 0;
    sigwait(&stop, &sig);
    sdnotify_send("STOPPING=1");
    fprintf(stderr, "hubd: %s received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(s);
    curl_global_cleanup();
    fprintf(stderr, "hubd: stopped\n");
    return 0;
}
