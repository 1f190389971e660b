/*
 * kiosktest: process and hub plumbing for the kiosk's black-box programs on real parts
 * (see kiosktest.h). Kept in one place so the card tests and the card benchmark start and
 * stop their parts, start the hub and the kiosk, and read their answers the same way.
 */
#include "kiosktest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int kiosktest_begin(struct kiosktest *kt, const char *prog, int argc, char **argv,
                    const char *const *vcard_args, int (*start)(struct kiosktest *kt))
{
    kt->prog = prog;
    if (argc < 4) {
        fprintf(stderr, "usage: %s KIOSK HUBD HUBCTL\n", prog);
        return 2;
    }
    kt->kiosk = argv[1];
    kt->hubd = argv[2];
    kt->hubctl = argv[3];
    signal(SIGPIPE, SIG_IGN);
    kt->begun = 1;
    if (cardenv_init(&kt->env) != 0 || cardenv_pcscd_start(&kt->env, 1) != 0 ||
        cardenv_vcard_start(&kt->env, "resident-1", vcard_args) != 0) {
        fprintf(stderr, "%s: cannot start pcscd and the virtual card\n", prog);
        return 1;
    }
    snprintf(kt->workdir, sizeof kt->workdir, "%s", kt->env.dir);
    snprintf(kt->dbpath, sizeof kt->dbpath, "%s/hub.db", kt->workdir);
    int rc = start ? start(kt) : kiosktest_hub_enrol(kt, NULL);
    if (rc == 0 && !start)
        rc = kiosktest_hubd_start(kt, NULL);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot start the hub\n", prog);
        return 1;
    }
    return 0;
}

int kiosktest_end(struct kiosktest *kt, int rc)
{
    kiosktest_stop_hubd(kt);
    if (kt->begun)
        cardenv_release(&kt->env);
    kt->begun = 0;
    return rc;
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

int kiosktest_hub_enrol(struct kiosktest *kt, const char *const *resident_extra)
{
    char out[4096], cert[400];
    char *hubctl = (char *)kt->hubctl, *db = kt->dbpath;
    snprintf(cert, sizeof cert, "%s/resident-1.pem", kt->env.testca);
    char *init[] = {hubctl, "--db", db, "init", NULL};
    char *res[32] = {hubctl,       "--db", db,           "resident-add", "--name", "山田 花子",
                     "--district", "中央", "--deadline", "10:00",        "--cert", cert};
    size_t n = 12;
    for (size_t i = 0; resident_extra && resident_extra[i] && n + 1 < 32; i++)
        res[n++] = (char *)resident_extra[i];
    res[n] = NULL;
    char *dev[] = {hubctl, "--db", db, "device-add", "--kind", "public", NULL};
    if (kiosktest_run(init, out, sizeof out) != 0 || kiosktest_run(res, out, sizeof out) != 0)
        return -1;
    if (kiosktest_run(dev, out, sizeof out) != 0 ||
        kiosktest_value_of(out, "token=", kt->token, sizeof kt->token) != 0)
        return -1;
    return 0;
}

int kiosktest_hubd_start(struct kiosktest *kt, const char *const *extra)
{
    int fd[2];
    char ca[400];
    snprintf(ca, sizeof ca, "%s/ca.pem", kt->env.testca);
    const char *argv[32] = {kt->hubd, "--db", kt->dbpath,   "--listen", "127.0.0.1",
                            "--port", "0",    "--trust-ca", ca};
    size_t n = 9;
    for (size_t i = 0; extra && extra[i] && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    if (pipe(fd) != 0)
        return -1;
    kt->hubd_pid = fork();
    if (kt->hubd_pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(kt->hubd, (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    /* the read end stays open (not fclosed): hubd must not get SIGPIPE on a later line */
    FILE *f = fdopen(fd[0], "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strstr(line, "listening on ") ? strrchr(line, ':') : NULL;
        if (colon) {
            snprintf(kt->url, sizeof kt->url, "http://127.0.0.1:%ld", strtol(colon + 1, NULL, 10));
            return 0;
        }
    }
    return -1;
}

void kiosktest_stop_hubd(struct kiosktest *kt)
{
    if (kt->hubd_pid > 0) {
        kill(kt->hubd_pid, SIGTERM);
        waitpid(kt->hubd_pid, NULL, 0);
    }
    kt->hubd_pid = 0;
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

pid_t kiosktest_kiosk_start(const struct kiosktest *kt, const char *name, const char *profile,
                            const char *tok, const char *const *sets, const char *script)
{
    char log[400], set_url[128], set_tok[160];
    snprintf(log, sizeof log, "%s/kiosk-%s.log", kt->workdir, name);
    snprintf(set_url, sizeof set_url, "hub_url=%s", kt->url);
    snprintf(set_tok, sizeof set_tok, "token=%s", tok);
    const char *argv[32] = {kt->kiosk, "--offscreen", "--set", profile,
                            "--set",   set_url,       "--set", set_tok};
    size_t n = 8;
    for (size_t i = 0; sets && sets[i] && i < 6; i++) {
        argv[n++] = "--set";
        argv[n++] = sets[i];
    }
    argv[n++] = "--script-timeout";
    argv[n++] = "15000";
    argv[n++] = "--script";
    argv[n++] = script;
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        FILE *l = freopen(log, "w", stderr);
        (void)l;
        execv(kt->kiosk, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

int kiosktest_kiosk_wait(const struct kiosktest *kt, pid_t pid, const char *name)
{
    int st, rc = -1;
    if (pid > 0 && waitpid(pid, &st, 0) == pid)
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (rc != 0) {
        char log[400];
        snprintf(log, sizeof log, "%s/kiosk-%s.log", kt->workdir, name);
        char *t = kiosktest_slurp_text(log);
        fprintf(stderr, "kiosk %s exited %d:\n%s\n", name, rc, t ? t : "(no log)");
        free(t);
    }
    return rc;
}

char *kiosktest_pin_login(const struct kiosktest *kt, const char *name, const char *lang,
                          const char *want)
{
    char script[1024], layout[400], set_lang[32];
    snprintf(layout, sizeof layout, "%s/%s.json", kt->workdir, name);
    snprintf(script, sizeof script,
             "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;tap:pin_ok;%s:%s;layout:%s",
             want[0] == '@' ? "wait" : "waittext", want[0] == '@' ? want + 1 : want, layout);
    snprintf(set_lang, sizeof set_lang, "language=%s", lang);
    const char *const sets[] = {set_lang, "sound=no", NULL};
    pid_t pid = kiosktest_kiosk_start(kt, name, "profile=public", kt->token, sets, script);
    if (kiosktest_kiosk_wait(kt, pid, name) != 0)
        return NULL;
    return kiosktest_slurp_text(layout);
}

int kiosktest_audited(const struct kiosktest *kt, const char *needle)
{
    enum { CAP = 256 * 1024 };
    char *out = malloc(CAP);
    char *const argv[] = {
        (char *)kt->hubctl, "--db", (char *)kt->dbpath, "audit", "--limit", "500", NULL};
    int n = -1;
    if (out && kiosktest_run(argv, out, CAP) == 0) {
        n = 0;
        for (const char *p = out; (p = strstr(p, needle)) != NULL; p += strlen(needle))
            n++;
    }
    free(out);
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
