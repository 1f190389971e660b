/*
 * vcard: a virtual My Number card (JPKI user-auth AP) for a real pcscd with the vsmartcard
 * vpcd reader driver (shared/CARD.md §2). vpcd listens; this program connects, which is
 * "card placed"; closing the socket is "card removed".
 *
 *   vcard --cert FILE --key FILE [--ca-cert FILE] --state FILE [--pin NNNN] [--tries N]
 *         [--not-mynumber] [--apdu-delay-ms N] [--host A] [--port N] [--removed]
 *         [--pid-file FILE] [--pull-on-ins HH] [--verbose]
 *
 * --pid-file is written once the card takes signals, so its existence means "ready".
 * Insert/remove on command, by signal:  kill -USR1 PID  = remove the card (close socket)
 *                                        kill -USR2 PID  = place the card (connect)
 * SIGTERM/SIGINT end the program. While "placed", a lost connection (pcscd restarted) is
 * retried every 100 ms, like a card lying on a reader that comes back.
 * --pull-on-ins HH is a test hook: the first C-APDU with INS HH is not answered and the card
 * is removed instead, i.e. the resident lifts the card just as that command reaches it
 * (e.g. 2A: between VERIFY and SIGN). Insert it again with SIGUSR2.
 *
 * Framing per CARD.md §2: 2-byte big-endian length + payload, both in ONE send(), and
 * TCP_QUICKACK re-armed before every recv() so that vpcd's two-part writes don't stall on
 * delayed ACK.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "apdu.h"
#include "vcardapp.h"

#define FILE_MAX 65536

/* A contactless reader's synthesized ATR without historical bytes (PC/SC part 3): T=1. */
static const unsigned char atr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};

struct opts {
    const char *cert, *key, *ca_cert, *state, *host, *pid_file;
    char pin[4];
    int tries, not_mynumber, removed, verbose, pull_ins;
    long delay_ms;
    long port;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: vcard --cert FILE --key FILE --state FILE [--ca-cert FILE] [--pin NNNN]\n"
            "             [--tries N] [--not-mynumber] [--apdu-delay-ms N] [--host ADDR]\n"
            "             [--port N] [--removed] [--pid-file FILE] [--pull-on-ins HH]\n"
            "             [--verbose]\n"
            "  SIGUSR1 removes the card, SIGUSR2 places it, SIGTERM ends.\n");
}

static int parse_long(const char *s, long lo, long hi, long *out, int base)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, base);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Reads a whole small file; returns owned bytes (free()) or NULL. */
static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf = malloc(FILE_MAX);
    if (buf)
        n = fread(buf, 1, FILE_MAX, f);
    if (buf && (ferror(f) || n == 0 || n == FILE_MAX)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Loads a certificate (PEM or DER) and returns its DER (owned) or NULL. */
static unsigned char *load_cert_der(const char *path, size_t *len)
{
    size_t n = 0;
    unsigned char *raw = slurp(path, &n), *der = NULL, *p;
    X509 *x = NULL;
    BIO *bio;
    const unsigned char *q;
    int dl;
    if (!raw)
        return NULL;
    bio = BIO_new_mem_buf(raw, (int)n);
    if (bio)
        x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!x) {
        q = raw;
        x = d2i_X509(NULL, &q, (long)n);
    }
    free(raw);
    if (!x)
        return NULL;
    dl = i2d_X509(x, NULL);
    if (dl > 0 && dl <= 4096)
        der = malloc((size_t)dl);
    if (der) {
        p = der;
        i2d_X509(x, &p);
        *len = (size_t)dl;
    }
    X509_free(x);
    return der;
}

static EVP_PKEY *load_key(const char *path)
{
    EVP_PKEY *k = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static void quickack(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/* Reads exactly n bytes; 1 on success, 0 on orderly close, -1 on error. */
static int recv_all(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r;
        quickack(fd);
        r = recv(fd, buf + got, n - got, 0);
        if (r == 0)
            return 0;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 1;
}

/* Sends length + payload in one write. */
static int send_frame(int fd, const unsigned char *p, size_t n)
{
    unsigned char buf[2 + APDU_RESP_MAX];
    size_t off = 0;
    if (n > APDU_RESP_MAX)
        return -1;
    buf[0] = (unsigned char)(n >> 8);
    buf[1] = (unsigned char)(n & 0xFF);
    memcpy(buf + 2, p, n);
    while (off < n + 2) {
        ssize_t w = send(fd, buf + off, n + 2 - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

static int connect_vpcd(const struct opts *o)
{
    struct sockaddr_in sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Handles one frame from vpcd. Returns 0 to go on, 1 when the card was pulled. */
static int handle_frame(struct vcardapp *app, const struct opts *o, int fd, const unsigned char *in,
                        size_t n, int *pulled_once)
{
    unsigned char resp[APDU_RESP_MAX];
    size_t rl;
    char trace[64];
    if (n == 1) {
        switch (in[0]) {
        case 0x00: /* power off */
        case 0x01: /* power on */
        case 0x02: /* reset */
            vcardapp_power(app);
            if (o->verbose)
                fprintf(stderr, "vcard: power %s\n",
                        in[0] == 0   ? "off"
                        : in[0] == 1 ? "on"
                                     : "reset");
            return 0;
        case 0x04:
            return send_frame(fd, atr, sizeof(atr)) == 0 ? 0 : -1;
        default:
            return 0;
        }
    }
    if (n < 4)
        return 0;
    if (o->pull_ins >= 0 && !*pulled_once && in[1] == (unsigned char)o->pull_ins) {
        *pulled_once = 1;
        fprintf(stderr, "vcard: card pulled as INS %02X arrived (--pull-on-ins)\n", in[1]);
        return 1;
    }
    if (o->delay_ms > 0)
        sleep_ms(o->delay_ms);
    rl = vcardapp_handle(app, in, n, resp);
    if (o->verbose)
        fprintf(stderr, "vcard: > %s\nvcard: < SW %02X%02X (%zu data bytes)\n",
                apdu_trace_command(trace, sizeof(trace), in, n), resp[rl - 2], resp[rl - 1],
                rl - 2);
    return send_frame(fd, resp, rl) == 0 ? 0 : -1;
}

static int run(struct vcardapp *app, const struct opts *o, int sfd)
{
    int inserted = !o->removed, fd = -1, pulled_once = 0, quit = 0;
    unsigned char frame[APDU_CMD_MAX + 16];
    while (!quit) {
        struct pollfd p[2];
        int np = 1, r;
        if (inserted && fd < 0) {
            fd = connect_vpcd(o);
            if (fd >= 0) {
                vcardapp_power(app);
                fprintf(stderr, "vcard: placed on %s:%ld (tries left %d)\n", o->host, o->port,
                        vcardapp_tries(app));
            }
        }
        p[0].fd = sfd;
        p[0].events = POLLIN;
        if (fd >= 0) {
            p[1].fd = fd;
            p[1].events = POLLIN;
            np = 2;
        }
        r = poll(p, (nfds_t)np, fd < 0 && inserted ? 100 : -1);
        if (r < 0 && errno != EINTR)
            return 1;
        if (r > 0 && (p[0].revents & POLLIN)) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGUSR1 && inserted) {
                    inserted = 0;
                    if (fd >= 0)
                        close(fd);
                    fd = -1;
                    fprintf(stderr, "vcard: removed\n");
                } else if (si.ssi_signo == SIGUSR2 && !inserted) {
                    inserted = 1;
                    fprintf(stderr, "vcard: placing\n");
                } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                    quit = 1;
                }
            }
            continue;
        }
        if (r > 0 && np == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            unsigned char hdr[2];
            size_t n;
            int rc = recv_all(fd, hdr, 2);
            if (rc == 1) {
                n = ((size_t)hdr[0] << 8) | hdr[1];
                if (n == 0 || n > sizeof(frame))
                    rc = -1;
                else
                    rc = recv_all(fd, frame, n);
            }
            if (rc == 1) {
                rc = handle_frame(app, o, fd, frame, n, &pulled_once);
                if (rc == 1) {
                    inserted = 0;
                    close(fd);
                    fd = -1;
                    continue;
                }
                if (rc == 0)
                    continue;
            }
            /* vpcd went away (pcscd stopped) or spoke nonsense: lie on the reader and
             * try again, as a card would when the reader comes back */
            fprintf(stderr, "vcard: connection to vpcd lost; retrying\n");
            close(fd);
            fd = -1;
            vcardapp_power(app);
        }
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

/* Written (temp + rename) once the card takes signals: its existence means "ready". */
static int write_pid_file(const char *path)
{
    char tmp[4096];
    FILE *pf;
    int ok;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    pf = fopen(tmp, "w");
    if (!pf)
        return -1;
    ok = fprintf(pf, "%ld\n", (long)getpid()) > 0;
    if (fclose(pf) != 0 || !ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"cert", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'},
        {"ca-cert", required_argument, NULL, 'a'},
        {"state", required_argument, NULL, 's'},
        {"pin", required_argument, NULL, 'P'},
        {"tries", required_argument, NULL, 't'},
        {"not-mynumber", no_argument, NULL, 'n'},
        {"apdu-delay-ms", required_argument, NULL, 'd'},
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"removed", no_argument, NULL, 'r'},
        {"pid-file", required_argument, NULL, 'f'},
        {"pull-on-ins", required_argument, NULL, 'i'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct opts o;
    struct vcardapp_config cfg;
    struct vcardapp *app = NULL;
    unsigned char *cert = NULL, *ca = NULL;
    size_t cert_len = 0, ca_len = 0;
    EVP_PKEY *key = NULL;
    char err[512];
    sigset_t set;
    int sfd = -1, rc = 2, ch, i;
    long v;

    /* Block the control signals first of all: a SIGUSR1/2 that arrives while the keys
     * load must wait for the loop, not kill the card (their default action). */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
        perror("vcard: sigprocmask");
        return 1;
    }
    memset(&o, 0, sizeof(o));
    memcpy(o.pin, "1234", 4);
    o.tries = VCARDAPP_MAX_TRIES;
    o.host = "127.0.0.1";
    o.port = 35963;
    o.pull_ins = -1;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o.cert = optarg;
            break;
        case 'k':
            o.key = optarg;
            break;
        case 'a':
            o.ca_cert = optarg;
            break;
        case 's':
            o.state = optarg;
            break;
        case 'P':
            if (strlen(optarg) != 4) {
                fprintf(stderr, "vcard: --pin must be 4 digits\n");
                return 2;
            }
            for (i = 0; i < 4; i++)
                if (optarg[i] < '0' || optarg[i] > '9') {
                    fprintf(stderr, "vcard: --pin must be 4 digits\n");
                    return 2;
                }
            memcpy(o.pin, optarg, 4);
            break;
        case 't':
            if (parse_long(optarg, 0, VCARDAPP_MAX_TRIES, &v, 10) != 0) {
                fprintf(stderr, "vcard: --tries must be 0..%d\n", VCARDAPP_MAX_TRIES);
                return 2;
            }
            o.tries = (int)v;
            break;
        case 'n':
            o.not_mynumber = 1;
            break;
        case 'd':
            if (parse_long(optarg, 0, 60000, &o.delay_ms, 10) != 0) {
                fprintf(stderr, "vcard: --apdu-delay-ms must be 0..60000\n");
                return 2;
            }
            break;
        case 'H':
            o.host = optarg;
            break;
        case 'p':
            if (parse_long(optarg, 1, 65535, &o.port, 10) != 0) {
                fprintf(stderr, "vcard: --port must be 1..65535\n");
                return 2;
            }
            break;
        case 'r':
            o.removed = 1;
            break;
        case 'f':
            o.pid_file = optarg;
            break;
        case 'i':
            if (parse_long(optarg, 0, 255, &v, 16) != 0) {
                fprintf(stderr, "vcard: --pull-on-ins takes a hex INS byte like 2A\n");
                return 2;
            }
            o.pull_ins = (int)v;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (!o.cert || !o.key || !o.state || optind != argc) {
        usage();
        return 2;
    }
    cert = load_cert_der(o.cert, &cert_len);
    if (!cert) {
        fprintf(stderr, "vcard: cannot load certificate %s (PEM or DER, up to 4096 bytes)\n",
                o.cert);
        goto out;
    }
    if (o.ca_cert && !(ca = load_cert_der(o.ca_cert, &ca_len))) {
        fprintf(stderr, "vcard: cannot load CA certificate %s\n", o.ca_cert);
        goto out;
    }
    key = load_key(o.key);
    if (!key) {
        fprintf(stderr, "vcard: cannot load private key %s (PEM)\n", o.key);
        goto out;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.cert = cert;
    cfg.cert_len = cert_len;
    cfg.ca_cert = ca;
    cfg.ca_cert_len = ca_len;
    cfg.key = key;
    memcpy(cfg.pin, o.pin, 4);
    cfg.initial_tries = o.tries;
    cfg.state_path = o.state;
    cfg.not_mynumber = o.not_mynumber;
    app = vcardapp_create(&cfg, err, sizeof(err));
    explicit_bzero(cfg.pin, sizeof(cfg.pin));
    if (!app) {
        fprintf(stderr, "vcard: %s\n", err);
        goto out;
    }
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) {
        perror("vcard: signalfd");
        goto out;
    }
    signal(SIGPIPE, SIG_IGN);
    if (o.pid_file && write_pid_file(o.pid_file) != 0) {
        fprintf(stderr, "vcard: cannot write pid file %s\n", o.pid_file);
        goto out;
    }
    fprintf(stderr, "vcard: %s card, tries left %d, vpcd %s:%ld, %s\n",
            o.not_mynumber ? "non-My-Number" : "JPKI", vcardapp_tries(app), o.host, o.port,
            o.removed ? "removed" : "placing");
    rc = run(app, &o, sfd);
out:
    if (sfd >= 0)
        close(sfd);
    vcardapp_destroy(app);
    EVP_PKEY_free(key);
    free(cert);
    free(ca);
    explicit_bzero(o.pin, sizeof(o.pin));
    return rc;
}
