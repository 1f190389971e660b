/*
 * card: the PC/SC-Lite worker behind card.h.
 *
 * One thread owns one SCARDCONTEXT (pcsc-lite contexts are not shared between threads).
 * It loops: (re-)establish the context with back-off when pcscd is gone → re-list readers
 * (the PnP notification of pcsc-lite 1.9.9 is only reliable while waiting, so the list is
 * refreshed on every pass) → run a queued operation, if any → SCardGetStatusChange with a
 * finite timeout (0.5 s; 0.1 s while a My Number card lies idle) so the stop flag and lost
 * SCardCancel calls are noticed.
 * Insertions and removals are detected by the PRESENT bit AND the event counter in the
 * upper 16 bits of dwEventState, so a remove + insert between two calls is still a new card.
 *
 * The UI thread only touches the queue (one operation at a time) under `mu`, and calls
 * SCardCancel on the worker's context to wake it at once when something is queued.
 */
#include "card.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>
#include <PCSC/pcsclite.h>
#include <openssl/evp.h>

#include "apdu.h"

#define MAX_READERS      8
#define WAIT_MS          500
#define WAIT_MS_CARD     100 /* while a My Number card lies idle: a login is likely soon */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   2000
#define PNP_READER       "\\\\?PnP?\\Notification"

enum op_kind { OP_NONE = 0, OP_READ, OP_LOGIN };

struct op {
    enum op_kind kind;
    uint32_t seq;
    char pin[APDU_PIN_LEN]; /* wiped right after VERIFY, or when the op is dropped */
    unsigned char challenge[CARD_CHALLENGE_MAX];
    size_t challenge_len;
    int min_tries;
};

struct slot {
    char name[CARD_READER_NAME_MAX];
    DWORD state;    /* dwCurrentState for the next wait (event counter included) */
    int has_card;   /* a placement is being tracked (INSERTED was posted) */
    DWORD counter;  /* event counter of that placement */
    uint32_t seq;   /* card_seq of that placement */
    int mynumber;   /* the placement answered the JPKI SELECT */
    int silent;     /* a SAM-like placement: no events (see slot_update) */
    int seen_empty; /* this reader was seen without a card since it was listed */
    int seen;
};

enum posted { POSTED_NONE, POSTED_NO_READER, POSTED_NO_SERVICE, POSTED_READY };

struct card {
    card_post_fn post;
    void *post_ctx;
    pthread_t thread;
    int thread_started;
    int trace;

    /* shared with the UI thread, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int op_pending; /* op filled in, not yet taken */
    int op_running; /* the worker is executing op */
    struct op op;
    SCARDCONTEXT hctx;
    int hctx_valid;
    int waiting; /* the worker is (about to be) in SCardGetStatusChange */

    /* worker only */
    struct slot slots[MAX_READERS];
    size_t nslots;
    enum posted posted;
    uint32_t next_seq;
};

/* A card session: one connection, one operation, one deadline. */
struct sess {
    struct card *c;
    SCARDHANDLE h;
    const SCARD_IO_REQUEST *pci;
    struct timespec deadline;
};

const char *card_status_str(enum card_status st)
{
    switch (st) {
    case CARD_OK:
        return "ok";
    case CARD_NOT_MYNUMBER:
        return "not a My Number card";
    case CARD_WRONG_PIN:
        return "wrong PIN";
    case CARD_BLOCKED:
        return "PIN blocked";
    case CARD_TRIES_LOW:
        return "too few PIN tries left for this kiosk";
    case CARD_REMOVED:
        return "card removed";
    case CARD_TIMEOUT:
        return "card operation timed out";
    case CARD_NO_CARD:
        return "no card";
    case CARD_NO_SERVICE:
        return "pcscd not reachable";
    case CARD_BAD_INPUT:
        return "bad input";
    case CARD_BUSY:
        return "another card operation is in progress";
    case CARD_CARD_ERROR:
        return "unexpected answer from the card";
    case CARD_INTERNAL:
        return "internal error";
    }
    return "unknown card status";
}

const char *card_event_kind_str(enum card_event_kind kind)
{
    switch (kind) {
    case CARD_EV_NO_READER:
        return "no_reader";
    case CARD_EV_READER_READY:
        return "reader_ready";
    case CARD_EV_CARD_INSERTED:
        return "card_inserted";
    case CARD_EV_CARD_PRESENT:
        return "card_present";
    case CARD_EV_CARD_REMOVED:
        return "card_removed";
    case CARD_EV_READ_RESULT:
        return "read_result";
    case CARD_EV_LOGIN_RESULT:
        return "login_result";
    }
    return "unknown_event";
}

struct card_event *card_event_dup(const struct card_event *ev)
{
    struct card_event *copy;
    if (!ev)
        return NULL;
    copy = malloc(sizeof(*copy));
    if (copy)
        *copy = *ev;
    return copy;
}

static void now_mono(struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (long)(b->tv_sec - a->tv_sec) * 1000L + (b->tv_nsec - a->tv_nsec) / 1000000L;
}

static void add_ms(struct timespec *ts, long ms)
{
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int stopping(struct card *c)
{
    int s;
    pthread_mutex_lock(&c->mu);
    s = c->stop;
    pthread_mutex_unlock(&c->mu);
    return s;
}

static void copy_name(char *dst, const char *src)
{
    size_t n = strnlen(src, CARD_READER_NAME_MAX - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void post_simple(struct card *c, enum card_event_kind kind, const char *reader, uint32_t seq,
                        int no_service)
{
    struct card_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.card_seq = seq;
    ev.no_service = no_service;
    ev.tries_left = CARD_TRIES_UNKNOWN;
    if (reader)
        copy_name(ev.reader, reader);
    c->post(c->post_ctx, &ev);
}

/* ---- one card session ---------------------------------------------------------------- */

/* Maps a failed SCardTransmit/SCardConnect to the adapter's words. A contactless card that
 * leaves the field shows up as any of the communication errors, not always as "removed". */
static enum card_status map_rv(LONG rv)
{
    switch (rv) {
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_E_NOT_TRANSACTED:
    case SCARD_F_COMM_ERROR:
    case SCARD_E_COMM_DATA_LOST:
    case SCARD_W_RESET_CARD: /* another application reset it: our PIN state is gone */
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER:
        return CARD_REMOVED;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        return CARD_NO_SERVICE;
    case SCARD_E_TIMEOUT:
        return CARD_TIMEOUT;
    default:
        return CARD_INTERNAL;
    }
}

/* Sends one C-APDU and parses the answer. The response data is copied to `data` (cap
 * `dcap`); `*sw` gets the status word. */
static enum card_status xmit(struct sess *s, const unsigned char *cmd, size_t len,
                             unsigned char *data, size_t dcap, size_t *dlen, uint16_t *sw)
{
    unsigned char resp[APDU_RESP_MAX];
    DWORD rl = sizeof(resp);
    struct apdu_resp r;
    struct timespec now;
    LONG rv;
    char trace[64];

    if (stopping(s->c))
        return CARD_INTERNAL;
    now_mono(&now);
    if (ms_between(&now, &s->deadline) <= 0)
        return CARD_TIMEOUT;
    if (s->c->trace)
        fprintf(stderr, "card: > %s\n", apdu_trace_command(trace, sizeof(trace), cmd, len));
    rv = SCardTransmit(s->h, s->pci, cmd, (DWORD)len, NULL, resp, &rl);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "card: SCardTransmit: %s\n", pcsc_stringify_error(rv));
        return map_rv(rv);
    }
    if (rl < 2) { /* vpcd answers nothing when the card left mid-command */
        fprintf(stderr, "card: no answer from the card (%lu bytes)\n", (unsigned long)rl);
        return CARD_REMOVED;
    }
    if (apdu_parse_response(resp, rl, &r) != APDU_OK) {
        fprintf(stderr, "card: malformed response (%lu bytes)\n", (unsigned long)rl);
        return CARD_CARD_ERROR;
    }
    if (s->c->trace)
        fprintf(stderr, "card: < SW %04X (%zu data bytes)\n", r.sw, r.len);
    *sw = r.sw;
    if (dlen)
        *dlen = 0;
    if (data && dlen) {
        if (r.len > dcap)
            return CARD_CARD_ERROR;
        memcpy(data, r.data, r.len);
        *dlen = r.len;
    }
    return CARD_OK;
}

/* Sends a command that must answer 90 00 with no data. */
static enum card_status xmit_ok(struct sess *s, const unsigned char *cmd, size_t len)
{
    uint16_t sw = 0;
    enum card_status st = xmit(s, cmd, len, NULL, 0, NULL, &sw);
    if (st == CARD_OK && sw != APDU_SW_OK) {
        fprintf(stderr, "card: %02X %02X answered SW %04X\n", cmd[0], cmd[1], sw);
        st = CARD_CARD_ERROR;
    }
    return st;
}

static enum card_status select_ef(struct sess *s, uint16_t fid)
{
    unsigned char cmd[APDU_CMD_MAX];
    return xmit_ok(s, cmd, apdu_build_select_ef(cmd, fid));
}

/* SELECT the JPKI AP: CARD_OK, or CARD_NOT_MYNUMBER when the card refuses it. */
static enum card_status select_jpki(struct sess *s)
{
    unsigned char cmd[APDU_CMD_MAX];
    uint16_t sw = 0;
    enum card_status st = xmit(s, cmd, apdu_build_select_aid(cmd, apdu_jpki_aid, APDU_JPKI_AID_LEN),
                               NULL, 0, NULL, &sw);
    if (st == CARD_OK && sw != APDU_SW_OK)
        st = CARD_NOT_MYNUMBER;
    return st;
}

/* Reads the user-auth certificate: 7-byte header → DER length → chunks of 256. */
static enum card_status read_cert(struct sess *s, unsigned char *cert, size_t *cert_len)
{
    unsigned char cmd[APDU_CMD_MAX];
    size_t total = 0, off, n = 0;
    uint16_t sw = 0;
    enum card_status st = select_ef(s, APDU_EF_AUTH_CERT);
    if (st != CARD_OK)
        return st;
    st = xmit(s, cmd, apdu_build_read_binary(cmd, 0, APDU_CERT_HDR_LEN), cert, CARD_CERT_MAX, &n,
              &sw);
    if (st != CARD_OK)
        return st;
    if ((sw != APDU_SW_OK && sw != APDU_SW_EOF_WARNING) ||
        apdu_der_total_len(cert, n, CARD_CERT_MAX, &total) != APDU_OK || total < n) {
        fprintf(stderr, "card: certificate header unreadable (SW %04X, %zu bytes)\n", sw, n);
        return CARD_CARD_ERROR;
    }
    off = n;
    while (off < total) {
        size_t want = total - off > 256 ? 256 : total - off;
        size_t got = 0;
        st = xmit(s, cmd, apdu_build_read_binary(cmd, (uint16_t)off, want), cert + off,
                  CARD_CERT_MAX - off, &got, &sw);
        if (st != CARD_OK)
            return st;
        if ((sw != APDU_SW_OK && sw != APDU_SW_EOF_WARNING) || got != want) {
            fprintf(stderr, "card: certificate read at %zu: SW %04X, %zu of %zu bytes\n", off, sw,
                    got, want);
            return CARD_CARD_ERROR;
        }
        off += got;
    }
    *cert_len = total;
    return CARD_OK;
}

/* Tries left without using one (PIN EF must be selected). */
static enum card_status query_tries(struct sess *s, int *tries)
{
    unsigned char cmd[APDU_CMD_MAX];
    uint16_t sw = 0;
    enum card_status st = xmit(s, cmd, apdu_build_tries_query(cmd), NULL, 0, NULL, &sw);
    if (st != CARD_OK)
        return st;
    if (apdu_sw_tries(sw) >= 0)
        *tries = apdu_sw_tries(sw);
    else if (sw == APDU_SW_BLOCKED)
        *tries = 0;
    else if (sw == APDU_SW_OK) /* already verified: the card does not say */
        *tries = CARD_TRIES_UNKNOWN;
    else {
        fprintf(stderr, "card: tries query answered SW %04X\n", sw);
        return CARD_CARD_ERROR;
    }
    return CARD_OK;
}

static enum card_status sess_open(struct card *c, struct sess *s, const char *reader)
{
    DWORD proto = 0;
    LONG rv;
    memset(s, 0, sizeof(*s));
    s->c = c;
    now_mono(&s->deadline);
    add_ms(&s->deadline, CARD_OP_TIMEOUT_MS);
    rv = SCardConnect(c->hctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                      &s->h, &proto);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "card: SCardConnect(%s): %s\n", reader, pcsc_stringify_error(rv));
        return map_rv(rv);
    }
    s->pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    rv = SCardBeginTransaction(s->h);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "card: SCardBeginTransaction: %s\n", pcsc_stringify_error(rv));
        SCardDisconnect(s->h, SCARD_LEAVE_CARD);
        return map_rv(rv);
    }
    return CARD_OK;
}

/* Every session ends with a reset: the card forgets the verified PIN. */
static void sess_close(struct sess *s)
{
    SCardEndTransaction(s->h, SCARD_LEAVE_CARD);
    SCardDisconnect(s->h, SCARD_RESET_CARD);
}

/* Fills a PRESENT/READ_RESULT event for the card in `reader`. */
static void do_read(struct card *c, const char *reader, struct card_event *ev)
{
    struct sess s;
    struct timespec t0, t1;
    enum card_status st;
    now_mono(&t0);
    ev->tries_left = CARD_TRIES_UNKNOWN;
    st = sess_open(c, &s, reader);
    if (st != CARD_OK)
        goto done;
    st = select_jpki(&s);
    if (st == CARD_OK) {
        ev->is_mynumber = 1;
        st = read_cert(&s, ev->cert, &ev->cert_len);
    }
    if (st == CARD_OK)
        st = select_ef(&s, APDU_EF_AUTH_PIN);
    if (st == CARD_OK)
        st = query_tries(&s, &ev->tries_left);
    sess_close(&s);
done:
    if (st != CARD_OK)
        ev->cert_len = 0;
    ev->status = st;
    now_mono(&t1);
    ev->elapsed_ms = (uint32_t)ms_between(&t0, &t1);
}

/* The login sequence of card.h on an open session. The PIN copy is wiped after VERIFY. */
static enum card_status login_steps(struct sess *s, struct op *op, struct card_event *ev)
{
    unsigned char cmd[APDU_CMD_MAX], hash[32], di[APDU_DIGESTINFO_LEN];
    unsigned int hl = 0;
    uint16_t sw = 0;
    size_t n = 0, len;
    int tries = CARD_TRIES_UNKNOWN;
    enum card_status st = select_jpki(s);
    if (st == CARD_OK)
        st = select_ef(s, APDU_EF_AUTH_PIN);
    if (st == CARD_OK)
        st = query_tries(s, &tries);
    if (st != CARD_OK)
        return st;
    ev->tries_left = tries;
    if (tries == 0)
        return CARD_BLOCKED;
    if (tries != CARD_TRIES_UNKNOWN && tries < op->min_tries)
        return CARD_TRIES_LOW;

    len = apdu_build_verify(cmd, op->pin, sizeof(op->pin));
    explicit_bzero(op->pin, sizeof(op->pin));
    if (len == 0)
        return CARD_BAD_INPUT;
    st = xmit(s, cmd, len, NULL, 0, NULL, &sw);
    explicit_bzero(cmd, sizeof(cmd));
    if (st != CARD_OK)
        return st;
    if (sw != APDU_SW_OK) {
        int t = apdu_sw_tries(sw);
        if (t > 0) {
            ev->tries_left = t;
            return CARD_WRONG_PIN;
        }
        if (t == 0 || sw == APDU_SW_BLOCKED) {
            ev->tries_left = 0;
            return CARD_BLOCKED;
        }
        fprintf(stderr, "card: VERIFY answered SW %04X\n", sw);
        return CARD_CARD_ERROR;
    }
    ev->tries_left = 3; /* a correct PIN resets the counter (CARD.md §1) */

    st = select_ef(s, APDU_EF_AUTH_KEY);
    if (st != CARD_OK)
        return st;
    if (EVP_Digest(op->challenge, op->challenge_len, hash, &hl, EVP_sha256(), NULL) != 1 ||
        hl != sizeof(hash))
        return CARD_INTERNAL;
    apdu_digestinfo_sha256(di, hash);
    st = xmit(s, cmd, apdu_build_sign(cmd, di, sizeof(di)), ev->sig, sizeof(ev->sig), &n, &sw);
    if (st != CARD_OK)
        return st;
    if (sw != APDU_SW_OK || n == 0) {
        fprintf(stderr, "card: SIGN answered SW %04X with %zu bytes\n", sw, n);
        return CARD_CARD_ERROR;
    }
    ev->sig_len = n;
    return CARD_OK;
}

/* ---- the worker ---------------------------------------------------------------------- */

static struct slot *slot_by_seq(struct card *c, uint32_t seq)
{
    size_t i;
    for (i = 0; i < c->nslots; i++)
        if (c->slots[i].has_card && !c->slots[i].silent && c->slots[i].seq == seq)
            return &c->slots[i];
    return NULL;
}

/* Runs the queued operation and posts its result. */
static void run_op(struct card *c)
{
    struct card_event ev;
    struct op *op = &c->op; /* stable: the UI side cannot touch it while op_running */
    struct slot *sl;
    struct sess s;
    struct timespec t0, t1;

    pthread_mutex_lock(&c->mu);
    c->op_pending = 0;
    c->op_running = 1;
    pthread_mutex_unlock(&c->mu);

    memset(&ev, 0, sizeof(ev));
    ev.kind = op->kind == OP_LOGIN ? CARD_EV_LOGIN_RESULT : CARD_EV_READ_RESULT;
    ev.card_seq = op->seq;
    ev.tries_left = CARD_TRIES_UNKNOWN;
    now_mono(&t0);
    sl = slot_by_seq(c, op->seq);
    if (!c->hctx_valid) {
        ev.status = CARD_NO_SERVICE;
    } else if (!sl) {
        ev.status = op->seq != 0 && op->seq <= c->next_seq ? CARD_REMOVED : CARD_NO_CARD;
    } else if (op->kind == OP_READ) {
        copy_name(ev.reader, sl->name);
        do_read(c, sl->name, &ev);
    } else {
        copy_name(ev.reader, sl->name);
        ev.status = sess_open(c, &s, sl->name);
        if (ev.status == CARD_OK) {
            ev.status = login_steps(&s, op, &ev);
            sess_close(&s);
        }
        now_mono(&t1);
        ev.elapsed_ms = (uint32_t)ms_between(&t0, &t1);
    }
    if (ev.status != CARD_OK) {
        ev.sig_len = 0;
        explicit_bzero(ev.sig, sizeof(ev.sig));
    }
    /* free the queue before posting, so the UI may queue the next operation at once */
    pthread_mutex_lock(&c->mu);
    explicit_bzero(op, sizeof(*op)); /* the PIN too, when VERIFY was never reached */
    c->op_running = 0;
    pthread_mutex_unlock(&c->mu);
    if (!stopping(c))
        c->post(c->post_ctx, &ev);
}

static void post_reader_state(struct card *c)
{
    enum posted want = c->nslots ? POSTED_READY : POSTED_NO_READER;
    if (want == c->posted)
        return;
    c->posted = want;
    if (want == POSTED_READY)
        post_simple(c, CARD_EV_READER_READY, c->slots[0].name, 0, 0);
    else
        post_simple(c, CARD_EV_NO_READER, NULL, 0, 0);
}

static void slot_card_gone(struct card *c, struct slot *sl)
{
    int silent = sl->silent;
    if (!sl->has_card)
        return;
    sl->has_card = 0;
    sl->silent = 0;
    if (!silent)
        post_simple(c, CARD_EV_CARD_REMOVED, sl->name, sl->seq, 0);
}

/* pcscd went away: every card is gone with it; release the context. */
static void lose_service(struct card *c)
{
    size_t i;
    SCARDCONTEXT h;
    for (i = 0; i < c->nslots; i++)
        slot_card_gone(c, &c->slots[i]);
    c->nslots = 0;
    pthread_mutex_lock(&c->mu);
    h = c->hctx;
    c->hctx_valid = 0;
    pthread_mutex_unlock(&c->mu);
    SCardReleaseContext(h);
    if (c->posted != POSTED_NO_SERVICE) {
        c->posted = POSTED_NO_SERVICE;
        post_simple(c, CARD_EV_NO_READER, NULL, 0, 1);
    }
    fprintf(stderr, "card: lost pcscd; will reconnect\n");
}

/* Re-lists readers; returns the PC/SC result. */
static LONG refresh_readers(struct card *c)
{
    char buf[4096];
    DWORD len = sizeof(buf);
    const char *p;
    size_t i, j;
    LONG rv = SCardListReaders(c->hctx, NULL, buf, &len);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) {
        len = 0;
    } else if (rv != SCARD_S_SUCCESS) {
        return rv;
    }
    for (i = 0; i < c->nslots; i++)
        c->slots[i].seen = 0;
    for (p = buf; len && (size_t)(p - buf) < len && *p; p += strlen(p) + 1) {
        if (strlen(p) >= CARD_READER_NAME_MAX)
            continue; /* cannot be named back to pcscd after truncation */
        for (i = 0; i < c->nslots; i++)
            if (strcmp(c->slots[i].name, p) == 0)
                break;
        if (i == c->nslots) {
            if (c->nslots == MAX_READERS)
                continue;
            memset(&c->slots[i], 0, sizeof(c->slots[i]));
            copy_name(c->slots[i].name, p);
            c->slots[i].state = SCARD_STATE_UNAWARE;
            c->nslots++;
        }
        c->slots[i].seen = 1;
    }
    for (i = 0, j = 0; i < c->nslots; i++) {
        if (!c->slots[i].seen) {
            slot_card_gone(c, &c->slots[i]);
            continue;
        }
        if (i != j)
            c->slots[j] = c->slots[i];
        j++;
    }
    c->nslots = j;
    post_reader_state(c);
    return SCARD_S_SUCCESS;
}

/* Looks at one reader's new state: removal, then insertion (a new placement is read).
 * A card that already lay in a reader when the adapter first saw that reader, and that
 * does not answer the JPKI SELECT, is the SAM slot of a dual reader (CARD.md §3) or some
 * card left behind: it stays silent (no events) so the kiosk does not say "not a My Number
 * card" forever. A card placed while the adapter watches always gets its events. */
static void slot_update(struct card *c, struct slot *sl, DWORD ev_state)
{
    DWORD counter = ev_state >> 16;
    int present = (ev_state & SCARD_STATE_PRESENT) != 0;
    int first_sight;
    struct card_event *ev;
    sl->state = ev_state & ~(DWORD)SCARD_STATE_CHANGED;
    if (!present)
        sl->seen_empty = 1;
    if (sl->has_card && (!present || counter != sl->counter))
        slot_card_gone(c, sl);
    if (!present || sl->has_card)
        return;
    first_sight = !sl->seen_empty;
    sl->has_card = 1;
    sl->silent = 0;
    sl->counter = counter;
    sl->seq = ++c->next_seq;
    if (sl->seq == 0)
        sl->seq = ++c->next_seq;
    if (!first_sight)
        post_simple(c, CARD_EV_CARD_INSERTED, sl->name, sl->seq, 0);
    ev = calloc(1, sizeof(*ev));
    if (!ev) {
        fprintf(stderr, "card: out of memory\n");
        return;
    }
    ev->kind = CARD_EV_CARD_PRESENT;
    ev->card_seq = sl->seq;
    copy_name(ev->reader, sl->name);
    do_read(c, sl->name, ev);
    sl->mynumber = ev->is_mynumber;
    if (first_sight && ev->status == CARD_NOT_MYNUMBER) {
        sl->silent = 1;
        fprintf(stderr, "card: ignoring the non-JPKI card already in %s (a SAM slot?)\n", sl->name);
    } else if (!stopping(c)) {
        if (first_sight)
            post_simple(c, CARD_EV_CARD_INSERTED, sl->name, sl->seq, 0);
        c->post(c->post_ctx, ev);
    }
    free(ev);
}

static int any_mynumber(const struct card *c)
{
    size_t i;
    for (i = 0; i < c->nslots; i++)
        if (c->slots[i].has_card && c->slots[i].mynumber)
            return 1;
    return 0;
}

static void backoff_wait(struct card *c, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    add_ms(&until, ms);
    pthread_mutex_lock(&c->mu);
    while (!c->stop && !c->op_pending &&
           pthread_cond_timedwait(&c->cv, &c->mu, &until) != ETIMEDOUT) {
    }
    pthread_mutex_unlock(&c->mu);
}

/* Answers a queued operation at once when there is no pcscd to run it on. */
static void fail_pending_op(struct card *c, enum card_status st)
{
    struct card_event ev;
    int pending;
    pthread_mutex_lock(&c->mu);
    pending = c->op_pending;
    if (pending) {
        memset(&ev, 0, sizeof(ev));
        ev.kind = c->op.kind == OP_LOGIN ? CARD_EV_LOGIN_RESULT : CARD_EV_READ_RESULT;
        ev.card_seq = c->op.seq;
        ev.status = st;
        ev.tries_left = CARD_TRIES_UNKNOWN;
        explicit_bzero(&c->op, sizeof(c->op));
        c->op_pending = 0;
    }
    pthread_mutex_unlock(&c->mu);
    if (pending)
        c->post(c->post_ctx, &ev);
}

static void *worker(void *arg)
{
    struct card *c = arg;
    long backoff = BACKOFF_FIRST_MS;
    SCARD_READERSTATE rs[MAX_READERS + 1];

    while (!stopping(c)) {
        LONG rv;
        size_t i, n;
        int pending;

        if (!c->hctx_valid) {
            SCARDCONTEXT h;
            rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &h);
            if (rv != SCARD_S_SUCCESS) {
                if (c->posted != POSTED_NO_SERVICE) {
                    fprintf(stderr, "card: SCardEstablishContext: %s\n", pcsc_stringify_error(rv));
                    c->posted = POSTED_NO_SERVICE;
                    post_simple(c, CARD_EV_NO_READER, NULL, 0, 1);
                }
                fail_pending_op(c, CARD_NO_SERVICE);
                backoff_wait(c, backoff);
                backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
                continue;
            }
            pthread_mutex_lock(&c->mu);
            c->hctx = h;
            c->hctx_valid = 1;
            pthread_mutex_unlock(&c->mu);
            backoff = BACKOFF_FIRST_MS;
            c->posted = POSTED_NONE; /* announce the reader state afresh */
        }

        rv = refresh_readers(c);
        if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
            rv == SCARD_E_INVALID_HANDLE) {
            lose_service(c);
            continue;
        }

        pthread_mutex_lock(&c->mu);
        pending = c->op_pending;
        c->waiting = !pending;
        pthread_mutex_unlock(&c->mu);
        if (pending) {
            run_op(c);
            continue;
        }

        n = 0;
        memset(rs, 0, sizeof(rs));
        for (i = 0; i < c->nslots; i++, n++) {
            rs[n].szReader = c->slots[i].name;
            rs[n].dwCurrentState = c->slots[i].state;
        }
        rs[n].szReader = PNP_READER;
        rs[n].dwCurrentState = (DWORD)c->nslots << 16;
        n++;
        /* An SCardCancel from card_login() is lost when it arrives between two waits
         * (pcsc-lite 1.9.9), and then the timeout is the latency: keep it short while a
         * resident is likely to be typing a PIN. */
        rv = SCardGetStatusChange(c->hctx, any_mynumber(c) ? WAIT_MS_CARD : WAIT_MS, rs, (DWORD)n);
        pthread_mutex_lock(&c->mu);
        c->waiting = 0;
        pthread_mutex_unlock(&c->mu);

        switch (rv) {
        case SCARD_S_SUCCESS:
            for (i = 0; i < c->nslots && !stopping(c); i++)
                slot_update(c, &c->slots[i], rs[i].dwEventState);
            break;
        case SCARD_E_TIMEOUT:
        case SCARD_E_CANCELLED:
        case SCARD_E_UNKNOWN_READER: /* a reader went away: re-listed on the next pass */
            break;
        case SCARD_E_NO_SERVICE:
        case SCARD_E_SERVICE_STOPPED:
        case SCARD_E_INVALID_HANDLE:
            lose_service(c);
            break;
        default:
            fprintf(stderr, "card: SCardGetStatusChange: %s\n", pcsc_stringify_error(rv));
            backoff_wait(c, BACKOFF_FIRST_MS);
            break;
        }
    }

    if (c->hctx_valid) {
        pthread_mutex_lock(&c->mu);
        c->hctx_valid = 0;
        pthread_mutex_unlock(&c->mu);
        SCardReleaseContext(c->hctx);
    }
    return NULL;
}

/* ---- the UI side --------------------------------------------------------------------- */

struct card *card_create(card_post_fn post, void *ctx)
{
    struct card *c;
    pthread_condattr_t ca;
    const char *tr = getenv("CARD_TRACE");
    if (!post)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->post = post;
    c->post_ctx = ctx;
    c->trace = tr && tr[0] == '1';
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&c->thread, NULL, worker, c) != 0) {
        fprintf(stderr, "card: cannot start the worker thread\n");
        card_destroy(c);
        return NULL;
    }
    c->thread_started = 1;
    return c;
}

/* Wakes the worker out of SCardGetStatusChange or its back-off. Caller holds mu. */
static void wake_locked(struct card *c)
{
    if (c->waiting && c->hctx_valid)
        SCardCancel(c->hctx);
    pthread_cond_broadcast(&c->cv);
}

void card_destroy(struct card *c)
{
    if (!c)
        return;
    if (c->thread_started) {
        pthread_mutex_lock(&c->mu);
        c->stop = 1;
        wake_locked(c);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
    }
    explicit_bzero(&c->op, sizeof(c->op));
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static enum card_status enqueue(struct card *c, const struct op *op)
{
    enum card_status st = CARD_OK;
    pthread_mutex_lock(&c->mu);
    if (c->stop || c->op_pending || c->op_running) {
        st = CARD_BUSY;
    } else {
        c->op = *op;
        c->op_pending = 1;
        wake_locked(c);
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

enum card_status card_login(struct card *c, uint32_t card_seq, const char *pin, size_t pin_len,
                            const unsigned char *challenge, size_t challenge_len, int min_tries)
{
    struct op op;
    enum card_status st;
    size_t i;
    if (!c || !pin || pin_len != APDU_PIN_LEN || !challenge || challenge_len == 0 ||
        challenge_len > CARD_CHALLENGE_MAX)
        return CARD_BAD_INPUT;
    for (i = 0; i < pin_len; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return CARD_BAD_INPUT;
    memset(&op, 0, sizeof(op));
    op.kind = OP_LOGIN;
    op.seq = card_seq;
    memcpy(op.pin, pin, APDU_PIN_LEN);
    memcpy(op.challenge, challenge, challenge_len);
    op.challenge_len = challenge_len;
    op.min_tries = min_tries;
    st = enqueue(c, &op);
    explicit_bzero(&op, sizeof(op));
    return st;
}

enum card_status card_read(struct card *c, uint32_t card_seq)
{
    struct op op;
    if (!c)
        return CARD_BAD_INPUT;
    memset(&op, 0, sizeof(op));
    op.kind = OP_READ;
    op.seq = card_seq;
    return enqueue(c, &op);
}
