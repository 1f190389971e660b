/*
 * test_secretbox.c: sealed secrets under a real key file in a temporary folder:
 *   - the key file is created 0600 under umask 022, never over an existing file, and a
 *     file left 0644 is narrowed when read;
 *   - a sealed value opens again, holds none of the secret's bytes (raw, hex or base64),
 *     differs at every sealing (fresh nonce) and names the key that sealed it;
 *   - it does not open for another place (row), altered by one character, or under another
 *     key file (told apart: unknown key);
 *   - a key file that is not one is refused in words;
 *   - rotation: a new key first seals, the old still opens; a second box on the same file
 *     (another process) follows the replaced file for both opening and sealing; once the
 *     old keys are dropped, values sealed under them no longer open.
 */
#include "b64.h"
#include "hubtoken.h"
#include "secretbox.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], path[128], other[128];

static const char SECRET[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
static const char PLACE[] = "ord_webhooks.secret:operator:3";

static int mode_of(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

static enum secretbox_rc open_text(struct secretbox *b, const char *ad, const char *sealed,
                                   char *out, size_t cap)
{
    size_t len = 0;
    enum secretbox_rc rc = secretbox_open(b, ad, sealed, (unsigned char *)out, cap - 1, &len);
    out[len] = '\0';
    return rc;
}

static void t_key_file(void)
{
    char err[512];
    mode_t old = umask(022);
    CHECK_INT_EQ(secretbox_create(path, err, sizeof err), 0);
    CHECK_INT_EQ(mode_of(path), 0600);
    /* never over an existing file: its keys may be the only way to the stored values */
    CHECK_INT_EQ(secretbox_create(path, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    umask(old);
    REQUIRE(chmod(path, 0644) == 0);
    struct secretbox *b = secretbox_load(path, err, sizeof err);
    CHECK(b != NULL);
    CHECK_INT_EQ(mode_of(path), 0600);
    secretbox_free(b);

    /* not a key file: refused in words, naming the file and the line */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/bad.key", dir);
    FILE *f = fopen(bad, "w");
    REQUIRE(f);
    fputs("# comment\nnot-a-key\n", f);
    fclose(f);
    err[0] = '\0';
    CHECK(secretbox_load(bad, err, sizeof err) == NULL);
    CHECK(strstr(err, "line 2") != NULL);
    CHECK(secretbox_load("/nonexistent/secrets.key", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/secrets.key") != NULL);
}

static void t_seal_open(void)
{
    char err[512], a[SECRETBOX_SEALED_MAX], b2[SECRETBOX_SEALED_MAX], out[128], id[17], kid[17];
    struct secretbox *b = secretbox_load(path, err, sizeof err);
    REQUIRE(b);
    CHECK_INT_EQ(secretbox_seal(b, PLACE, SECRET, strlen(SECRET), a, sizeof a), SECRETBOX_OK);
    CHECK_INT_EQ(secretbox_seal(b, PLACE, SECRET, strlen(SECRET), b2, sizeof b2), SECRETBOX_OK);
    CHECK(strcmp(a, b2) != 0); /* a fresh nonce every time */
    CHECK(secretbox_is_sealed(a));
    CHECK(!secretbox_is_sealed(SECRET));
    CHECK_INT_EQ(secretbox_value_key(a, id), 0);
    secretbox_sealing_key(b, kid);
    CHECK_STR_EQ(id, kid);
    /* none of the secret's bytes, in any of the usual spellings */
    char hex[2 * sizeof SECRET + 1], b64[2 * sizeof SECRET];
    hubtoken_hex((const unsigned char *)SECRET + 6, strlen(SECRET) - 6, hex);
    b64_encode((const unsigned char *)SECRET, strlen(SECRET), b64);
    CHECK(strstr(a, SECRET + 6) == NULL);
    CHECK(strstr(a, hex) == NULL);
    CHECK(strstr(a, b64) == NULL);

    CHECK_INT_EQ(open_text(b, PLACE, a, out, sizeof out), SECRETBOX_OK);
    CHECK_STR_EQ(out, SECRET);
    /* the same value on another row does not open */
    CHECK_INT_EQ(open_text(b, "ord_webhooks.secret:operator:4", a, out, sizeof out), SECRETBOX_BAD);
    CHECK_STR_EQ(out, "");
    /* one character altered */
    size_t at = strlen(a) - 5;
    a[at] = a[at] == 'A' ? 'B' : 'A';
    CHECK_INT_EQ(open_text(b, PLACE, a, out, sizeof out), SECRETBOX_BAD);
    a[at] = b2[at]; /* (any other value is fine: the next checks use b2) */
    /* too small a buffer is refused, not overrun */
    CHECK(open_text(b, PLACE, b2, out, 8) != SECRETBOX_OK);

    /* another key file: its key is not the one that sealed */
    REQUIRE(secretbox_create(other, err, sizeof err) == 0);
    struct secretbox *o = secretbox_load(other, err, sizeof err);
    REQUIRE(o);
    CHECK_INT_EQ(open_text(o, PLACE, b2, out, sizeof out), SECRETBOX_NO_KEY);
    CHECK(!secretbox_has_key(o, id));
    CHECK(secretbox_has_key(b, id));
    secretbox_free(o);
    secretbox_free(b);
}

static int key_lines(const char *p)
{
    char line[256];
    int n = 0;
    FILE *f = fopen(p, "r");
    while (f && fgets(line, sizeof line, f))
        n += line[0] != '#';
    if (f)
        fclose(f);
    return n;
}

static void t_rotation(void)
{
    char err[512], old_v[SECRETBOX_SEALED_MAX], new_v[SECRETBOX_SEALED_MAX], out[128];
    char id0[17], id1[17], id2[17];
    struct secretbox *b = secretbox_load(path, err, sizeof err);
    struct secretbox *peer = secretbox_load(path, err, sizeof err); /* "another process" */
    REQUIRE(b && peer);
    secretbox_sealing_key(b, id0);
    REQUIRE(secretbox_seal(b, PLACE, SECRET, strlen(SECRET), old_v, sizeof old_v) == SECRETBOX_OK);
    CHECK_INT_EQ(secretbox_add_key(b, err, sizeof err), 0);
    CHECK_INT_EQ(mode_of(path), 0600);
    CHECK_INT_EQ(key_lines(path), 2);
    secretbox_sealing_key(b, id1);
    CHECK(strcmp(id0, id1) != 0);
    /* both keys open; the new one seals */
    CHECK_INT_EQ(open_text(b, PLACE, old_v, out, sizeof out), SECRETBOX_OK);
    REQUIRE(secretbox_seal(b, PLACE, SECRET, strlen(SECRET), new_v, sizeof new_v) == SECRETBOX_OK);
    CHECK_INT_EQ(secretbox_value_key(new_v, id2), 0);
    CHECK_STR_EQ(id2, id1);
    /* the peer read the file before the rotation: it opens the new value (reads the file
     * again on an unknown key) and seals under the new key */
    CHECK_INT_EQ(open_text(peer, PLACE, new_v, out, sizeof out), SECRETBOX_OK);
    CHECK_STR_EQ(out, SECRET);
    char pv[SECRETBOX_SEALED_MAX];
    REQUIRE(secretbox_seal(peer, PLACE, SECRET, strlen(SECRET), pv, sizeof pv) == SECRETBOX_OK);
    CHECK_INT_EQ(secretbox_value_key(pv, id2), 0);
    CHECK_STR_EQ(id2, id1);
    /* the old key dropped: only what was sealed again opens */
    CHECK_INT_EQ(secretbox_drop_old_keys(b, err, sizeof err), 0);
    CHECK_INT_EQ(key_lines(path), 1);
    CHECK_INT_EQ(open_text(b, PLACE, old_v, out, sizeof out), SECRETBOX_NO_KEY);
    CHECK_INT_EQ(open_text(peer, PLACE, new_v, out, sizeof out), SECRETBOX_OK);
    CHECK_INT_EQ(open_text(peer, PLACE, old_v, out, sizeof out), SECRETBOX_NO_KEY);
    secretbox_free(peer);
    secretbox_free(b);
    /* no temporary file left beside it */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    CHECK(access(tmp, F_OK) != 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/secretbox.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/secrets.key", dir);
    snprintf(other, sizeof other, "%s/other.key", dir);
    TEST_RUN(t_key_file);
    TEST_RUN(t_seal_open);
    TEST_RUN(t_rotation);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
