/*
 * kconfig: the configuration file parser (see kconfig.h). Values are checked where they
 * are parsed, so everything after loading may trust the struct.
 */
#include "kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kconfig_status_str(enum kconfig_status st)
{
    switch (st) {
    case KCONFIG_OK:
        return "ok";
    case KCONFIG_E_OPEN:
        return "cannot read configuration file";
    case KCONFIG_E_TOOBIG:
        return "configuration file or line too long";
    case KCONFIG_E_SYNTAX:
        return "configuration syntax error";
    case KCONFIG_E_KEY:
        return "unknown or repeated configuration key";
    case KCONFIG_E_VALUE:
        return "configuration value not allowed";
    }
    return "unknown";
}

void kconfig_defaults(struct kconfig *cfg, const char *font_dir, const char *assets_dir)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->hub_url, sizeof cfg->hub_url, "http://127.0.0.1:8080");
    snprintf(cfg->profile, sizeof cfg->profile, "home");
    snprintf(cfg->language, sizeof cfg->language, "ja");
    snprintf(cfg->theme, sizeof cfg->theme, "normal");
    snprintf(cfg->renderer, sizeof cfg->renderer, "software");
    cfg->px_per_mm = 5.9;
    cfg->width = 1280;
    cfg->height = 800;
    cfg->text_scale = 100;
    cfg->sound = true;
    cfg->speech_volume = 100;
    cfg->speech_rate = 100;
    snprintf(cfg->speech_engine, sizeof cfg->speech_engine, "espeak-ng");
    cfg->card_reader = true;
    cfg->idle_warn_s = 60;
    cfg->idle_logout_s = 90;
    cfg->sensitive_close_s = 180;
    cfg->family_refresh_s = 60;
    cfg->notice_poll_s = 30;
    cfg->service_open_min = cfg->service_close_min = -1;
    snprintf(cfg->font_dir, sizeof cfg->font_dir, "%s", font_dir ? font_dir : "");
    snprintf(cfg->assets_dir, sizeof cfg->assets_dir, "%s", assets_dir ? assets_dir : "");
}

/* "H:MM" at *p (0:00..24:00); advances *p. Card: service hours. */
static bool parse_hm(const char **p, int *min)
{
    char *end;
    errno = 0;
    long h = strtol(*p, &end, 10);
    if (errno || end == *p || *end != ':' || h < 0 || h > 24 || end - *p > 2)
        return false;
    const char *m = end + 1;
    if (m[0] < '0' || m[0] > '5' || m[1] < '0' || m[1] > '9')
        return false;
    *min = (int)h * 60 + (m[0] - '0') * 10 + (m[1] - '0');
    *p = m + 2;
    return *min <= 24 * 60;
}

/* "9:00-17:00", "9:00〜17:00" or "9:00~17:00"; the opening before the closing. */
static bool parse_hours(const char *v, int *open, int *close)
{
    const char *p = v;
    int o, c;
    if (!parse_hm(&p, &o))
        return false;
    if (*p == '-' || *p == '~')
        p++;
    else if (strncmp(p, "〜", strlen("〜")) == 0)
        p += strlen("〜");
    else
        return false;
    if (!parse_hm(&p, &c) || *p || c <= o)
        return false;
    *open = o;
    *close = c;
    return true;
}

static bool parse_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off")) {
        *out = false;
        return true;
    }
    return false;
}

static bool set_str(char *dst, size_t size, const char *v)
{
    size_t n = strlen(v);
    if (n >= size)
        return false;
    memcpy(dst, v, n + 1);
    return true;
}

static bool one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (!strcmp(v, *allowed))
            return true;
    return false;
}

/* Applies key=value; on failure writes what is allowed into why. */
static enum kconfig_status apply(struct kconfig *c, const char *k, const char *v, char *why,
                                 size_t wsize)
{
    static const char *const profiles[] = {"home", "family", "public", NULL};
    static const char *const langs[] = {"ja", "en", NULL};
    static const char *const themes[] = {"normal", "high_contrast", NULL};
    static const char *const renderers[] = {"software", "accelerated", NULL};
    bool ok = true;
    const char *want = "";
    if (!strcmp(k, "hub_url")) {
        ok = set_str(c->hub_url, sizeof c->hub_url, v) &&
             (!strncmp(v, "http://", 7) || !strncmp(v, "https://", 8));
        want = "a URL starting with http:// or https://";
    } else if (!strcmp(k, "token")) {
        ok = set_str(c->token, sizeof c->token, v);
        want = "at most 511 characters";
    } else if (!strcmp(k, "ca_file")) {
        ok = set_str(c->ca_file, sizeof c->ca_file, v);
        want = "a path of at most 511 characters";
    } else if (!strcmp(k, "profile")) {
        ok = one_of(v, profiles) && set_str(c->profile, sizeof c->profile, v);
        want = "home, family or public";
    } else if (!strcmp(k, "language")) {
        ok = one_of(v, langs) && set_str(c->language, sizeof c->language, v);
        want = "ja or en";
    } else if (!strcmp(k, "theme")) {
        ok = one_of(v, themes) && set_str(c->theme, sizeof c->theme, v);
        want = "normal or high_contrast";
    } else if (!strcmp(k, "renderer")) {
        ok = one_of(v, renderers) && set_str(c->renderer, sizeof c->renderer, v);
        want = "software or accelerated";
    } else if (!strcmp(k, "px_per_mm")) {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        ok = !errno && end != v && !*end && d >= 1 && d <= 40;
        if (ok)
            c->px_per_mm = d;
        want = "a number from 1 to 40 (pixels per millimetre of the display)";
    } else if (!strcmp(k, "width")) {
        ok = parse_int(v, 320, 7680, &c->width);
        want = "320 to 7680 pixels";
    } else if (!strcmp(k, "height")) {
        ok = parse_int(v, 240, 4320, &c->height);
        want = "240 to 4320 pixels";
    } else if (!strcmp(k, "fullscreen")) {
        ok = parse_bool(v, &c->fullscreen);
        want = "yes or no";
    } else if (!strcmp(k, "card_reader")) {
        ok = parse_bool(v, &c->card_reader);
        c->card_reader_set = ok;
        want = "yes or no";
    } else if (!strcmp(k, "speech")) {
        ok = parse_bool(v, &c->speech);
        c->speech_set = ok;
        want = "yes or no";
    } else if (!strcmp(k, "speech_volume")) {
        ok = parse_int(v, 25, 300, &c->speech_volume);
        want = "25 to 300 (per cent of the normal volume)";
    } else if (!strcmp(k, "speech_rate")) {
        ok = parse_int(v, 25, 300, &c->speech_rate);
        want = "25 to 300 (per cent of the normal speed)";
    } else if (!strcmp(k, "speech_engine")) {
        static const char *const engines[] = {"espeak-ng", NULL};
        ok = one_of(v, engines) && set_str(c->speech_engine, sizeof c->speech_engine, v);
        want = "espeak-ng (another engine, such as Open JTalk, is added in platform/speech)";
    } else if (!strcmp(k, "sound")) {
        ok = parse_bool(v, &c->sound);
        want = "yes or no";
    } else if (!strcmp(k, "text_scale")) {
        ok = parse_int(v, 100, 150, &c->text_scale) &&
             (c->text_scale == 100 || c->text_scale == 125 || c->text_scale == 150);
        want = "100, 125 or 150";
    } else if (!strcmp(k, "idle_warn_s")) {
        ok = parse_int(v, 5, 3600, &c->idle_warn_s);
        want = "5 to 3600 seconds";
    } else if (!strcmp(k, "idle_logout_s")) {
        ok = parse_int(v, 5, 3600, &c->idle_logout_s);
        want = "5 to 3600 seconds";
    } else if (!strcmp(k, "sensitive_close_s")) {
        ok = parse_int(v, 5, 3600, &c->sensitive_close_s);
        want = "5 to 3600 seconds";
    } else if (!strcmp(k, "family_refresh_s")) {
        ok = parse_int(v, 5, 86400, &c->family_refresh_s);
        want = "5 to 86400 seconds";
    } else if (!strcmp(k, "notice_poll_s")) {
        /* a notice reaches the screen within this; under 2 s a fleet of kiosks would ask
         * the hub more often than JMA's feed changes for nothing */
        ok = parse_int(v, 2, 600, &c->notice_poll_s);
        want = "2 to 600 seconds";
    } else if (!strcmp(k, "font_dir")) {
        ok = set_str(c->font_dir, sizeof c->font_dir, v);
        want = "a path of at most 511 characters";
    } else if (!strcmp(k, "outbox_path")) {
        ok = set_str(c->outbox_path, sizeof c->outbox_path, v);
        want = "a path of at most 511 characters";
    } else if (!strcmp(k, "service_hours")) {
        ok = parse_hours(v, &c->service_open_min, &c->service_close_min);
        want = "opening and closing time like 9:00-17:00 (Japan time, opening first)";
    } else if (!strcmp(k, "assets_dir")) {
        ok = set_str(c->assets_dir, sizeof c->assets_dir, v);
        want = "a path of at most 511 characters";
    } else {
        snprintf(why, wsize, "unknown key \"%.64s\"", k);
        return KCONFIG_E_KEY;
    }
    if (!ok) {
        snprintf(why, wsize, "%s must be %s", k, want);
        return KCONFIG_E_VALUE;
    }
    return KCONFIG_OK;
}

enum kconfig_status kconfig_set(struct kconfig *cfg, const char *key, const char *value, char *err,
                                size_t errsize)
{
    return apply(cfg, key, value, err, errsize);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

enum kconfig_status kconfig_parse(struct kconfig *cfg, const char *name, const char *text,
                                  size_t len, char *err, size_t errsize)
{
    char seen[32][24];
    int nseen = 0;
    char line[KCONFIG_MAX_LINE + 1];
    size_t pos = 0;
    int lineno = 0;
    if (len > KCONFIG_MAX_FILE) {
        snprintf(err, errsize, "%s: the file is larger than %d bytes", name, KCONFIG_MAX_FILE);
        return KCONFIG_E_TOOBIG;
    }
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        if (end - pos > KCONFIG_MAX_LINE) {
            snprintf(err, errsize, "%s line %d: longer than %d bytes", name, lineno,
                     KCONFIG_MAX_LINE);
            return KCONFIG_E_TOOBIG;
        }
        size_t llen = end - pos;
        memcpy(line, text + pos, llen);
        line[llen] = '\0';
        pos = end + 1;
        if (strlen(line) != llen) {
            snprintf(err, errsize, "%s line %d: contains a NUL byte", name, lineno);
            return KCONFIG_E_SYNTAX;
        }
        char *l = trim(line);
        if (!*l || *l == '#')
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            snprintf(err, errsize, "%s line %d: expected key = value", name, lineno);
            return KCONFIG_E_SYNTAX;
        }
        *eq = '\0';
        char *k = trim(l), *v = trim(eq + 1);
        for (int i = 0; i < nseen; i++)
            if (!strcmp(seen[i], k)) {
                snprintf(err, errsize, "%s line %d: \"%.64s\" is set twice", name, lineno, k);
                return KCONFIG_E_KEY;
            }
        char why[256];
        enum kconfig_status st = apply(cfg, k, v, why, sizeof why);
        if (st != KCONFIG_OK) {
            snprintf(err, errsize, "%s line %d: %s", name, lineno, why);
            return st;
        }
        if (nseen < 32 && strlen(k) < sizeof seen[0])
            memcpy(seen[nseen++], k, strlen(k) + 1);
    }
    return KCONFIG_OK;
}

enum kconfig_status kconfig_load(struct kconfig *cfg, const char *path, char *err, size_t errsize)
{
    enum kconfig_status st;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open configuration file %s: %s", path, strerror(errno));
        st = KCONFIG_E_OPEN;
        goto out;
    }
    buf = malloc(KCONFIG_MAX_FILE + 1);
    if (!buf) {
        snprintf(err, errsize, "out of memory reading %s", path);
        st = KCONFIG_E_OPEN;
        goto out;
    }
    size_t n = fread(buf, 1, KCONFIG_MAX_FILE + 1, f);
    if (ferror(f)) {
        snprintf(err, errsize, "cannot read configuration file %s", path);
        st = KCONFIG_E_OPEN;
        goto out;
    }
    st = kconfig_parse(cfg, path, buf, n, err, errsize);
out:
    free(buf);
    if (f)
        fclose(f);
    return st;
}
