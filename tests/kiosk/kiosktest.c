/*
 * kiosktest: process and hub plumbing for the kiosk's black-box programs on real parts
 * (see kiosktest.h). Kept in one place so the card tests and the card benchmark start the
 * hub and read its answers the same way.
 */
#include "kiosktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int kiosktest_card_start(struct cardenv *env, const char *prog, const char *const *vcard_args)
{
    if (cardenv_init(env) != 0 || cardenv_pcscd_start(env, 1) != 0 ||
        cardenv_vcard_start(env, "resident-1", vcard_args) != 0) {
        fprintf(stderr, "%s: cannot start pcscd and the virtual card\n", prog);
        return -1;
    }
    return 0;
}

int kiosktest_run(char *const argv[], char *out, size_t cap)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < cap && (n = read(fd[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int kiosktest_value_of(const char *text, const char *key, char *dst, size_t size)
{
    const char *p = strstr(text, key);
    if (!p)
        return -1;
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    if (n >= size)
        return -1;
    memcpy(dst, p, n);
    dst[n] = '\0';
    return 0;
}

int kiosktest_hub_enrol(const char *hubctl, const char *db, const char *cert_pem, char *token,
                        size_t size)
{
    char out[4096];
    char *init[] = {(char *)hubctl, "--db", (char *)db, "init", NULL};
    char *res[] = {(char *)hubctl, "--db",           (char *)db, "resident-add", "--name",
                   "山田 花子",    "--district",     "中央",     "--deadline",   "10:00",
                   "--cert",       (char *)cert_pem, NULL};
    char *dev[] = {(char *)hubctl, "--db", (char *)db, "device-add", "--kind", "public", NULL};
    if (kiosktest_run(init, out, sizeof out) != 0 || kiosktest_run(res, out, sizeof out) != 0)
        return -1;
    if (kiosktest_run(dev, out, sizeof out) != 0 ||
        kiosktest_value_of(out, "token=", token, size) != 0)
        return -1;
    return 0;
}

int kiosktest_hubd_start(const char *hubd, const char *db, const char *ca_pem, pid_t *pid,
                         char *url, size_t size)
{
    return kiosktest_hubd_start_with(hubd, db, ca_pem, NULL, pid, url, size);
}

int kiosktest_hubd_start_with(const char *hubd, const char *db, const char *ca_pem,
                              const char *const *extra, pid_t *pid, char *url, size_t size)
{
    int fd[2];
    const char *argv[32] = {hubd,     "--db", db,           "--listen", "127.0.0.1",
                            "--port", "0",    "--trust-ca", ca_pem};
    size_t n = 9;
    for (size_t i = 0; extra && extra[i] && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    if (pipe(fd) != 0)
        return -1;
    *pid = fork();
    if (*pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(hubd, (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    /* the read end stays open (not fclosed): hubd must not get SIGPIPE on a later line */
    FILE *f = fdopen(fd[0], "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strstr(line, "listening on ") ? strrchr(line, ':') : NULL;
        if (colon) {
            snprintf(url, size, "http://127.0.0.1:%ld", strtol(colon + 1, NULL, 10));
            return 0;
        }
    }
    return -1;
}

char *kiosktest_slurp_text(const char *path)
{
    size_t n;
    unsigned char *b = cardenv_slurp(path, &n);
    if (!b)
        return NULL;
    if (n >= 65536)
        n = 65535;
    b[n] = '\0';
    return (char *)b;
}

int kiosktest_kiosk_wait(pid_t pid, const char *name, const char *log)
{
    int st, rc = -1;
    if (waitpid(pid, &st, 0) == pid)
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (rc != 0) {
        char *t = kiosktest_slurp_text(log);
        fprintf(stderr, "kiosk%s%s exited %d:\n%s\n", name ? " " : "", name ? name : "", rc,
                t ? t : "(no log)");
        free(t);
    }
    return rc;
}

char *kiosktest_pin_login(const char *kiosk, const char *url, const char *token, const char *dir,
                          const char *name, const char *lang, const char *want)
{
    char script[1024], layout[400], log[400], set_url[128], set_tok[160], set_lang[32];
    snprintf(layout, sizeof layout, "%s/%s.json", dir, name);
    snprintf(log, sizeof log, "%s/kiosk-%s.log", dir, name);
    snprintf(script, sizeof script,
             "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;tap:pin_ok;%s:%s;layout:%s",
             want[0] == '@' ? "wait" : "waittext", want[0] == '@' ? want + 1 : want, layout);
    snprintf(set_url, sizeof set_url, "hub_url=%s", url);
    snprintf(set_tok, sizeof set_tok, "token=%s", token);
    snprintf(set_lang, sizeof set_lang, "language=%s", lang);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *l = freopen(log, "w", stderr);
        (void)l;
        execl(kiosk, kiosk, "--offscreen", "--set", "profile=public", "--set", set_url, "--set",
              set_tok, "--set", set_lang, "--set", "sound=no", "--script-timeout", "15000",
              "--script", script, (char *)NULL);
        _exit(127);
    }
    if (kiosktest_kiosk_wait(pid, name, log) != 0)
        return NULL;
    return kiosktest_slurp_text(layout);
}

int kiosktest_audited(const char *hubctl, const char *db, const char *outcome)
{
    char out[65536], dbarg[420];
    snprintf(dbarg, sizeof dbarg, "%s", db);
    char *const argv[] = {(char *)hubctl, "--db", dbarg, "audit", "--limit", "100", NULL};
    if (kiosktest_run(argv, out, sizeof out) != 0)
        return -1;
    int n = 0;
    for (const char *p = out; (p = strstr(p, outcome)) != NULL; p++)
        n++;
    return n;
}

void kiosktest_set_clock(const char *path, time_t t)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%lld\n", (long long)t);
        fclose(f);
    }
}
