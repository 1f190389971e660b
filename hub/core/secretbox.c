/*
 * secretbox.c: sealed secrets under a key file (see secretbox.h).
 */
#include "secretbox.h"
#include "b64.h"
#include "filemode.h"
#include "hubtoken.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define KEY_LEN   32
#define NONCE_LEN 12
#define TAG_LEN   16
#define FILE_MAX  4096 /* a key file is a few lines */

struct secretbox {
    pthread_mutex_t mu;
    char *path;
    unsigned char keys[SECRETBOX_KEYS_MAX][KEY_LEN];
    char ids[SECRETBOX_KEYS_MAX][SECRETBOX_ID_LEN + 1];
    int n;
    /* The file as read: a replaced file (rename) has another inode or time. */
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
};

static const char HEADER[] =
    "# hub secrets key file: the first key seals, every key opens (docs/hub.md).\n"
    "# Keep it apart from the database and its backups; without it the sealed secrets\n"
    "# cannot be read.\n";

static struct secretbox *installed;

static void key_id(const unsigned char key[KEY_LEN], char id[SECRETBOX_ID_LEN + 1])
{
    static const char label[] = "hub secrets key id v1";
    unsigned char h[SHA256_DIGEST_LENGTH], in[sizeof label + KEY_LEN];
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    memcpy(in, label, sizeof label);
    memcpy(in + sizeof label, key, KEY_LEN);
    SHA256(in, sizeof in, h);
    OPENSSL_cleanse(in, sizeof in);
    hubtoken_hex(h, SECRETBOX_ID_LEN / 2, hex);
    memcpy(id, hex, SECRETBOX_ID_LEN);
    id[SECRETBOX_ID_LEN] = '\0';
}

/* Parses the text of a key file into keys; *n their count. 0, or -1 with err. */
static int parse_keys(const char *path, char *text, unsigned char keys[][KEY_LEN], int *n,
                      char *err, size_t errcap)
{
    *n = 0;
    int line = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t len = strcspn(l, "\r");
        if (l[0] == '#' || len == 0)
            continue;
        size_t got = 0;
        l[len] = '\0';
        if (*n == SECRETBOX_KEYS_MAX || len != 2 * KEY_LEN ||
            OPENSSL_hexstr2buf_ex(keys[*n], KEY_LEN, &got, l, '\0') != 1 || got != KEY_LEN) {
            snprintf(err, errcap,
                     "secrets key file %s, line %d: not a key (64 hex digits, at most %d keys)",
                     path, line, SECRETBOX_KEYS_MAX);
            return -1;
        }
        (*n)++;
    }
    if (*n == 0) {
        snprintf(err, errcap, "secrets key file %s holds no key", path);
        return -1;
    }
    return 0;
}

/* Reads path into b's keys (b->mu held or b not shared yet). 0, or -1 with err and b as
 * it was. */
static int read_file(struct secretbox *b, char *err, size_t errcap)
{
    char text[FILE_MAX + 1];
    unsigned char keys[SECRETBOX_KEYS_MAX][KEY_LEN];
    struct stat sb;
    int rc = -1, n = 0;
    ssize_t got = 0;
    if (filemode_tighten(b->path, err, errcap) != 0)
        return -1;
    int fd = open(b->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errcap, "cannot open the secrets key file %s: %s", b->path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || (got = read(fd, text, FILE_MAX + 1)) < 0) {
        snprintf(err, errcap, "cannot read the secrets key file %s: %s", b->path, strerror(errno));
        goto out;
    }
    if (got > FILE_MAX) {
        snprintf(err, errcap, "secrets key file %s is too long to be one", b->path);
        goto out;
    }
    text[got] = '\0';
    if (parse_keys(b->path, text, keys, &n, err, errcap) != 0)
        goto out;
    memcpy(b->keys, keys, sizeof keys);
    for (int i = 0; i < n; i++)
        key_id(b->keys[i], b->ids[i]);
    b->n = n;
    b->dev = sb.st_dev;
    b->ino = sb.st_ino;
    b->mtime = sb.st_mtim;
    rc = 0;
out:
    OPENSSL_cleanse(text, sizeof text);
    OPENSSL_cleanse(keys, sizeof keys);
    close(fd);
    return rc;
}

/* Writes keys[0..n) as the key file at path, replacing it whole: a private temporary
 * file, fsync, rename, fsync of the folder. 0, or -1 with err (path untouched). */
static int write_file(const char *path, unsigned char keys[][KEY_LEN], int n, int exclusive,
                      char *err, size_t errcap)
{
    char tmp[4096], dir[4096], hex[2 * KEY_LEN + 1];
    int rc = -1, fd = -1;
    if (snprintf(tmp, sizeof tmp, "%s.new", path) >= (int)sizeof tmp) {
        snprintf(err, errcap, "the secrets key file's path is too long");
        return -1;
    }
    unlink(tmp); /* a leftover of a crash before its rename holds nothing in force */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    int ok = write(fd, HEADER, sizeof HEADER - 1) == (ssize_t)(sizeof HEADER - 1);
    for (int i = 0; ok && i < n; i++) {
        hubtoken_hex(keys[i], KEY_LEN, hex);
        hex[2 * KEY_LEN] = '\n';
        ok = write(fd, hex, sizeof hex) == (ssize_t)sizeof hex;
    }
    OPENSSL_cleanse(hex, sizeof hex);
    if (!ok || fsync(fd) != 0) {
        snprintf(err, errcap, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    /* A new file must not replace one that appeared meanwhile (two first starts). */
    if (exclusive ? link(tmp, path) != 0 : rename(tmp, path) != 0) {
        snprintf(err, errcap, "cannot put the secrets key file %s in place: %s", path,
                 strerror(errno));
        goto out;
    }
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    close(fd);
    unlink(tmp);
    return rc;
}

int secretbox_create(const char *path, char *err, size_t errcap)
{
    unsigned char key[1][KEY_LEN];
    int rc = -1;
    if (RAND_bytes(key[0], KEY_LEN) != 1)
        snprintf(err, errcap, "no randomness for a secrets key");
    else
        rc = write_file(path, key, 1, 1, err, errcap);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

struct secretbox *secretbox_load(const char *path, char *err, size_t errcap)
{
    struct secretbox *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(path))) {
        snprintf(err, errcap, "out of memory");
        free(b);
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    if (read_file(b, err, errcap) != 0) {
        secretbox_free(b);
        return NULL;
    }
    return b;
}

void secretbox_free(struct secretbox *b)
{
    if (!b)
        return;
    OPENSSL_cleanse(b->keys, sizeof b->keys);
    pthread_mutex_destroy(&b->mu);
    free(b->path);
    free(b);
}

const char *secretbox_path(const struct secretbox *b)
{
    return b->path;
}

/* Reads the file again when it was replaced since (b->mu held). A file that cannot be read
 * now leaves the keys as they were (said on stderr). */
static void refresh(struct secretbox *b)
{
    struct stat sb;
    char err[256];
    if (stat(b->path, &sb) == 0 && sb.st_dev == b->dev && sb.st_ino == b->ino &&
        sb.st_mtim.tv_sec == b->mtime.tv_sec && sb.st_mtim.tv_nsec == b->mtime.tv_nsec)
        return;
    if (read_file(b, err, sizeof err) != 0)
        fprintf(stderr, "hub: %s; the keys read before stay in use\n", err);
}

/* The index of key id in b, or -1 (b->mu held). */
static int find_key(const struct secretbox *b, const char *id)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->ids[i], id) == 0)
            return i;
    return -1;
}

/* The associated data of a value: the format, the key id and its place. */
static int make_ad(char *out, size_t cap, const char *id, const char *ad)
{
    int w = snprintf(out, cap, "s1:%s:%s", id, ad);
    return w > 0 && (size_t)w < cap ? w : -1;
}

enum secretbox_rc secretbox_seal(struct secretbox *b, const char *ad, const void *plain, size_t len,
                                 char *out, size_t cap)
{
    unsigned char raw[NONCE_LEN + SECRETBOX_PLAIN_MAX + TAG_LEN];
    char fullad[SECRETBOX_AD_MAX + SECRETBOX_ID_LEN + 8];
    enum secretbox_rc rc = SECRETBOX_ERR;
    EVP_CIPHER_CTX *c = NULL;
    int outl = 0, fin = 0, adl;
    if (!b || len > SECRETBOX_PLAIN_MAX || cap < SECRETBOX_SEALED_MAX ||
        strlen(ad) > SECRETBOX_AD_MAX)
        return SECRETBOX_ERR;
    pthread_mutex_lock(&b->mu);
    refresh(b);
    if ((adl = make_ad(fullad, sizeof fullad, b->ids[0], ad)) < 0 ||
        RAND_bytes(raw, NONCE_LEN) != 1 || !(c = EVP_CIPHER_CTX_new()) ||
        EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, b->keys[0], raw) != 1 ||
        EVP_EncryptUpdate(c, NULL, &outl, (const unsigned char *)fullad, adl) != 1 ||
        EVP_EncryptUpdate(c, raw + NONCE_LEN, &outl, plain, (int)len) != 1 ||
        EVP_EncryptFinal_ex(c, raw + NONCE_LEN + outl, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, raw + NONCE_LEN + len) != 1)
        goto out;
    int w = snprintf(out, cap, "s1:%s:", b->ids[0]);
    b64_encode(raw, NONCE_LEN + len + TAG_LEN, out + w);
    rc = SECRETBOX_OK;
out:
    pthread_mutex_unlock(&b->mu);
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(raw, sizeof raw);
    return rc;
}

int secretbox_value_key(const char *sealed, char id[SECRETBOX_ID_LEN + 1])
{
    if (!sealed || strncmp(sealed, "s1:", 3) != 0 || strlen(sealed) < 3 + SECRETBOX_ID_LEN + 1 ||
        sealed[3 + SECRETBOX_ID_LEN] != ':')
        return -1;
    for (int i = 0; i < SECRETBOX_ID_LEN; i++) {
        char ch = sealed[3 + i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return -1;
        id[i] = ch;
    }
    id[SECRETBOX_ID_LEN] = '\0';
    return 0;
}

int secretbox_is_sealed(const char *value)
{
    char id[SECRETBOX_ID_LEN + 1];
    return secretbox_value_key(value, id) == 0;
}

enum secretbox_rc secretbox_open(struct secretbox *b, const char *ad, const char *sealed,
                                 unsigned char *out, size_t cap, size_t *len)
{
    unsigned char raw[NONCE_LEN + SECRETBOX_PLAIN_MAX + TAG_LEN];
    char id[SECRETBOX_ID_LEN + 1], fullad[SECRETBOX_AD_MAX + SECRETBOX_ID_LEN + 8];
    enum secretbox_rc rc = SECRETBOX_BAD;
    EVP_CIPHER_CTX *c = NULL;
    int outl = 0, fin = 0, adl, locked = 0;
    *len = 0;
    if (!b || secretbox_value_key(sealed, id) != 0 || strlen(ad) > SECRETBOX_AD_MAX)
        goto out;
    const char *body = sealed + 3 + SECRETBOX_ID_LEN + 1;
    long n = b64_decode(body, strlen(body), raw, sizeof raw);
    if (n < NONCE_LEN + TAG_LEN || (size_t)n - NONCE_LEN - TAG_LEN > cap)
        goto out;
    size_t clen = (size_t)n - NONCE_LEN - TAG_LEN;
    pthread_mutex_lock(&b->mu);
    locked = 1;
    refresh(b); /* the file as it is now (rotated by another process?) */
    int k = find_key(b, id);
    if (k < 0) {
        rc = SECRETBOX_NO_KEY;
        goto out;
    }
    rc = SECRETBOX_ERR;
    if ((adl = make_ad(fullad, sizeof fullad, id, ad)) < 0 || !(c = EVP_CIPHER_CTX_new()) ||
        EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, b->keys[k], raw) != 1 ||
        EVP_DecryptUpdate(c, NULL, &outl, (const unsigned char *)fullad, adl) != 1 ||
        EVP_DecryptUpdate(c, out, &outl, raw + NONCE_LEN, (int)clen) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, raw + NONCE_LEN + clen) != 1)
        goto out;
    if (EVP_DecryptFinal_ex(c, out + outl, &fin) != 1) {
        rc = SECRETBOX_BAD; /* altered, or sealed for another place */
        OPENSSL_cleanse(out, clen);
        goto out;
    }
    *len = clen;
    rc = SECRETBOX_OK;
out:
    if (locked)
        pthread_mutex_unlock(&b->mu);
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(raw, sizeof raw);
    return rc;
}

int secretbox_has_key(struct secretbox *b, const char *id)
{
    pthread_mutex_lock(&b->mu);
    refresh(b);
    int k = find_key(b, id);
    pthread_mutex_unlock(&b->mu);
    return k >= 0;
}

void secretbox_sealing_key(struct secretbox *b, char id[SECRETBOX_ID_LEN + 1])
{
    pthread_mutex_lock(&b->mu);
    refresh(b);
    memcpy(id, b->ids[0], SECRETBOX_ID_LEN + 1);
    pthread_mutex_unlock(&b->mu);
}

/* Writes keys as the box's file and reads it back (b->mu held). */
static int replace(struct secretbox *b, unsigned char keys[][KEY_LEN], int n, char *err,
                   size_t errcap)
{
    if (write_file(b->path, keys, n, 0, err, errcap) != 0)
        return -1;
    return read_file(b, err, errcap);
}

int secretbox_add_key(struct secretbox *b, char *err, size_t errcap)
{
    unsigned char keys[SECRETBOX_KEYS_MAX][KEY_LEN];
    int rc = -1;
    pthread_mutex_lock(&b->mu);
    refresh(b);
    if (b->n == SECRETBOX_KEYS_MAX) {
        snprintf(err, errcap,
                 "secrets key file %s already holds %d keys: finish the rotation before "
                 "(hubctl secrets-rotate)",
                 b->path, b->n);
    } else if (RAND_bytes(keys[0], KEY_LEN) != 1) {
        snprintf(err, errcap, "no randomness for a secrets key");
    } else {
        memcpy(keys[1], b->keys, (size_t)b->n * KEY_LEN);
        rc = replace(b, keys, b->n + 1, err, errcap);
    }
    pthread_mutex_unlock(&b->mu);
    OPENSSL_cleanse(keys, sizeof keys);
    return rc;
}

int secretbox_drop_old_keys(struct secretbox *b, char *err, size_t errcap)
{
    unsigned char keys[1][KEY_LEN];
    pthread_mutex_lock(&b->mu);
    refresh(b);
    memcpy(keys[0], b->keys[0], KEY_LEN);
    int rc = b->n == 1 ? 0 : replace(b, keys, 1, err, errcap);
    pthread_mutex_unlock(&b->mu);
    OPENSSL_cleanse(keys, sizeof keys);
    return rc;
}

void secretbox_install(struct secretbox *b)
{
    installed = b;
}

struct secretbox *secretbox_installed(void)
{
    return installed;
}
