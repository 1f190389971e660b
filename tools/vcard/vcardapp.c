/*
 * vcardapp: the virtual card's JPKI application (see vcardapp.h). Status words follow
 * CARD.md §1; where a real card's answer is unverified (SIGN without PIN, READ past the end)
 * the ISO 7816-4 choice is made: 69 82 and 6B 00 / 62 82.
 */
#include "vcardapp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rsa.h>

#include "apdu.h"

#define TOKEN_LEN 32

struct vcardapp {
    unsigned char *cert;
    size_t cert_len;
    unsigned char *ca_cert;
    size_t ca_cert_len;
    EVP_PKEY *key;
    char pin[4];
    char *state_path;
    int not_mynumber;
    int tries; /* non-volatile (mirrors the state file) */
    /* volatile */
    int ap_selected;
    int ef; /* selected EF id, -1 none */
    int verified;
};

static const char token[] = "JPKIAPICCTOKEN";

/* Writes "tries=N\n" to the state file atomically; 0 on success. */
static int state_write(const char *path, int tries)
{
    char tmp[4096], buf[32], dir[4096];
    int fd = -1, dfd = -1, rc = -1, n;
    const char *slash;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
        return -1;
    n = snprintf(buf, sizeof(buf), "tries=%d\n", tries);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto out;
    if (write(fd, buf, (size_t)n) != n || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    /* make the rename itself durable */
    slash = strrchr(path, '/');
    if (slash) {
        size_t dl = (size_t)(slash - path);
        if (dl == 0)
            dl = 1;
        if (dl >= sizeof(dir))
            goto out;
        memcpy(dir, path, dl);
        dir[dl] = '\0';
    } else {
        memcpy(dir, ".", 2);
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (rc != 0)
        unlink(tmp);
    return rc;
}

/* Reads the state file: tries (0..3), -1 when absent, -2 when corrupt or unreadable. */
static int state_read(const char *path)
{
    char buf[64];
    char *end = NULL;
    long v;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -1 : -2;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -2;
    buf[n] = '\0';
    if (strncmp(buf, "tries=", 6) != 0)
        return -2;
    errno = 0;
    v = strtol(buf + 6, &end, 10);
    if (errno || end == buf + 6 || (*end != '\n' && *end != '\0') || v < 0 ||
        v > VCARDAPP_MAX_TRIES)
        return -2;
    return (int)v;
}

struct vcardapp *vcardapp_create(const struct vcardapp_config *cfg, char *err, size_t errcap)
{
    struct vcardapp *app = NULL;
    int t;
    if (!cfg || !cfg->cert || !cfg->key || !cfg->state_path) {
        snprintf(err, errcap, "certificate, key and state file are required");
        return NULL;
    }
    if (EVP_PKEY_get_base_id(cfg->key) != EVP_PKEY_RSA || EVP_PKEY_get_size(cfg->key) != 256) {
        snprintf(err, errcap, "the key must be RSA-2048");
        return NULL;
    }
    if (cfg->initial_tries < 0 || cfg->initial_tries > VCARDAPP_MAX_TRIES) {
        snprintf(err, errcap, "tries must be 0..%d", VCARDAPP_MAX_TRIES);
        return NULL;
    }
    app = calloc(1, sizeof(*app));
    if (!app)
        goto oom;
    app->cert = malloc(cfg->cert_len);
    app->state_path = strdup(cfg->state_path);
    if (!app->cert || !app->state_path)
        goto oom;
    memcpy(app->cert, cfg->cert, cfg->cert_len);
    app->cert_len = cfg->cert_len;
    if (cfg->ca_cert && cfg->ca_cert_len) {
        app->ca_cert = malloc(cfg->ca_cert_len);
        if (!app->ca_cert)
            goto oom;
        memcpy(app->ca_cert, cfg->ca_cert, cfg->ca_cert_len);
        app->ca_cert_len = cfg->ca_cert_len;
    }
    EVP_PKEY_up_ref(cfg->key);
    app->key = cfg->key;
    memcpy(app->pin, cfg->pin, sizeof(app->pin));
    app->not_mynumber = cfg->not_mynumber;
    t = state_read(app->state_path);
    if (t == -2) {
        snprintf(err, errcap, "state file %s is unreadable or corrupt (expected \"tries=N\")",
                 app->state_path);
        vcardapp_destroy(app);
        return NULL;
    }
    if (t == -1) {
        t = cfg->initial_tries;
        if (state_write(app->state_path, t) != 0) {
            snprintf(err, errcap, "cannot write state file %s: %s", app->state_path,
                     strerror(errno));
            vcardapp_destroy(app);
            return NULL;
        }
    }
    app->tries = t;
    vcardapp_power(app);
    return app;
oom:
    snprintf(err, errcap, "out of memory");
    vcardapp_destroy(app);
    return NULL;
}

void vcardapp_destroy(struct vcardapp *app)
{
    if (!app)
        return;
    free(app->cert);
    free(app->ca_cert);
    free(app->state_path);
    EVP_PKEY_free(app->key);
    explicit_bzero(app->pin, sizeof(app->pin));
    free(app);
}

void vcardapp_power(struct vcardapp *app)
{
    app->ap_selected = 0;
    app->ef = -1;
    app->verified = 0;
}

int vcardapp_tries(const struct vcardapp *app)
{
    return app->tries;
}

static size_t sw(unsigned char *resp, size_t len, uint16_t w)
{
    resp[len] = (unsigned char)(w >> 8);
    resp[len + 1] = (unsigned char)(w & 0xFF);
    return len + 2;
}

static size_t do_select(struct vcardapp *app, const struct apdu_cmd *c, unsigned char *resp)
{
    if (c->p2 != 0x0C && c->p2 != 0x00)
        return sw(resp, 0, APDU_SW_WRONG_P1P2);
    if (c->p1 == 0x04) {
        if (!app->not_mynumber && c->lc == APDU_JPKI_AID_LEN &&
            memcmp(c->data, apdu_jpki_aid, APDU_JPKI_AID_LEN) == 0) {
            app->ap_selected = 1;
            app->ef = -1;
            app->verified = 0; /* a new application: a new security state */
            return sw(resp, 0, APDU_SW_OK);
        }
        return sw(resp, 0, APDU_SW_FILE_NOT_FOUND); /* the text AP and every other AID */
    }
    if (c->p1 == 0x02) {
        int fid;
        if (c->lc != 2)
            return sw(resp, 0, APDU_SW_WRONG_LENGTH);
        fid = (c->data[0] << 8) | c->data[1];
        if (!app->ap_selected)
            return sw(resp, 0, APDU_SW_FILE_NOT_FOUND);
        switch (fid) {
        case APDU_EF_TOKEN:
        case APDU_EF_AUTH_CERT:
        case APDU_EF_AUTH_PIN:
        case APDU_EF_AUTH_KEY:
            app->ef = fid;
            return sw(resp, 0, APDU_SW_OK);
        case APDU_EF_AUTH_CA:
            if (!app->ca_cert)
                return sw(resp, 0, APDU_SW_FILE_NOT_FOUND);
            app->ef = fid;
            return sw(resp, 0, APDU_SW_OK);
        default: /* the signing certificate/key are not emulated */
            return sw(resp, 0, APDU_SW_FILE_NOT_FOUND);
        }
    }
    return sw(resp, 0, APDU_SW_WRONG_P1P2);
}

static size_t do_read(struct vcardapp *app, const struct apdu_cmd *c, unsigned char *resp)
{
    unsigned char tok[TOKEN_LEN];
    const unsigned char *file;
    size_t size, off, n;
    switch (app->ef) {
    case APDU_EF_TOKEN:
        memset(tok, ' ', sizeof(tok)); /* padding byte UNVERIFIED (CARD.md) */
        memcpy(tok, token, sizeof(token) - 1);
        file = tok;
        size = sizeof(tok);
        break;
    case APDU_EF_AUTH_CERT:
        file = app->cert;
        size = app->cert_len;
        break;
    case APDU_EF_AUTH_CA:
        file = app->ca_cert;
        size = app->ca_cert_len;
        break;
    default:
        return sw(resp, 0, APDU_SW_NO_CURRENT_EF);
    }
    if (c->p1 & 0x80)
        return sw(resp, 0, APDU_SW_WRONG_P1P2);
    if (!c->has_le || c->lc)
        return sw(resp, 0, APDU_SW_WRONG_LENGTH);
    off = ((size_t)c->p1 << 8) | c->p2;
    if (off >= size)
        return sw(resp, 0, APDU_SW_WRONG_OFFSET);
    n = size - off < c->le ? size - off : c->le;
    memcpy(resp, file + off, n);
    return sw(resp, n, n < c->le ? APDU_SW_EOF_WARNING : APDU_SW_OK);
}

static size_t do_verify(struct vcardapp *app, const struct apdu_cmd *c, unsigned char *resp)
{
    int t;
    if (c->p1 != 0x00 || c->p2 != 0x80)
        return sw(resp, 0, APDU_SW_WRONG_P1P2);
    if (app->ef != APDU_EF_AUTH_PIN)
        return sw(resp, 0, APDU_SW_NO_CURRENT_EF);
    if (c->lc == 0) { /* the tries-left query: never uses a try */
        if (app->verified)
            return sw(resp, 0, APDU_SW_OK);
        return sw(resp, 0, (uint16_t)(0x63C0 | app->tries));
    }
    if (app->tries == 0)
        return sw(resp, 0, APDU_SW_BLOCKED);
    if (c->lc != sizeof(app->pin))
        return sw(resp, 0, APDU_SW_WRONG_LENGTH);
    if (memcmp(c->data, app->pin, sizeof(app->pin)) == 0) {
        if (app->tries != VCARDAPP_MAX_TRIES &&
            state_write(app->state_path, VCARDAPP_MAX_TRIES) != 0)
            return sw(resp, 0, 0x6581); /* memory failure */
        app->tries = VCARDAPP_MAX_TRIES;
        app->verified = 1;
        return sw(resp, 0, APDU_SW_OK);
    }
    t = app->tries - 1;
    if (state_write(app->state_path, t) != 0)
        return sw(resp, 0, 0x6581);
    app->tries = t;
    app->verified = 0;
    return sw(resp, 0, (uint16_t)(0x63C0 | t));
}

static size_t do_sign(struct vcardapp *app, const struct apdu_cmd *c, unsigned char *resp)
{
    EVP_PKEY_CTX *ctx = NULL;
    size_t siglen = 256, n;
    if (c->p1 != 0x00 || c->p2 != 0x80)
        return sw(resp, 0, APDU_SW_WRONG_P1P2);
    if (app->ef != APDU_EF_AUTH_KEY)
        return sw(resp, 0, APDU_SW_NO_CURRENT_EF);
    if (!app->verified)
        return sw(resp, 0, APDU_SW_SECURITY);
    if (c->lc == 0)
        return sw(resp, 0, APDU_SW_WRONG_LENGTH);
    if (c->lc > 256 - 11) /* PKCS#1 v1.5 type 1 needs 11 bytes of padding */
        return sw(resp, 0, APDU_SW_WRONG_DATA);
    /* No digest set: OpenSSL pads the given bytes (the DigestInfo) with type 1 and applies
     * the private key, which is exactly what the card does. */
    ctx = EVP_PKEY_CTX_new(app->key, NULL);
    if (!ctx || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx, resp, &siglen, c->data, c->lc) != 1 || siglen != 256) {
        EVP_PKEY_CTX_free(ctx);
        return sw(resp, 0, 0x6F00);
    }
    EVP_PKEY_CTX_free(ctx);
    n = siglen;
    return sw(resp, n, APDU_SW_OK);
}

size_t vcardapp_handle(struct vcardapp *app, const unsigned char *cmd, size_t len,
                       unsigned char *resp)
{
    struct apdu_cmd c;
    if (apdu_parse_command(cmd, len, &c) != APDU_OK)
        return sw(resp, 0, APDU_SW_WRONG_LENGTH);
    switch (c.ins) {
    case 0xA4:
        return c.cla == 0x00 ? do_select(app, &c, resp) : sw(resp, 0, APDU_SW_CLA_UNSUPPORTED);
    case 0xB0:
        return c.cla == 0x00 ? do_read(app, &c, resp) : sw(resp, 0, APDU_SW_CLA_UNSUPPORTED);
    case 0x20:
        return c.cla == 0x00 ? do_verify(app, &c, resp) : sw(resp, 0, APDU_SW_CLA_UNSUPPORTED);
    case 0x2A:
        return c.cla == 0x80 ? do_sign(app, &c, resp) : sw(resp, 0, APDU_SW_CLA_UNSUPPORTED);
    default:
        return sw(resp, 0, APDU_SW_INS_UNSUPPORTED);
    }
}
