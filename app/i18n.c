/*
 * i18n: strings files (see i18n.h). The whole file is read into one owned buffer and the
 * table points into it, so a loaded language is two allocations.
 */
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct i18n {
    char lang[8];
    char *buf;
    size_t n;
    const char *keys[I18N_MAX_KEYS];
    const char *vals[I18N_MAX_KEYS];
};

const char *i18n_status_str(enum i18n_status st)
{
    switch (st) {
    case I18N_OK:
        return "ok";
    case I18N_E_OPEN:
        return "cannot open strings file";
    case I18N_E_TOOBIG:
        return "strings file too big";
    case I18N_E_SYNTAX:
        return "syntax error in strings file";
    case I18N_E_TOOMANY:
        return "too many keys in strings file";
    case I18N_E_NOMEM:
        return "out of memory";
    }
    return "unknown";
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Turns the two characters "\n" into a newline, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

struct i18n *i18n_load(const char *dir, const char *lang, enum i18n_status *st, char *err,
                       size_t errsize)
{
    struct i18n *t = NULL;
    FILE *f = NULL;
    char path[1024];
    enum i18n_status s = I18N_OK;

    snprintf(path, sizeof path, "%s/%s.txt", dir, lang);
    t = calloc(1, sizeof *t);
    if (!t || !(t->buf = malloc(I18N_MAX_FILE + 1))) {
        s = I18N_E_NOMEM;
        snprintf(err, errsize, "out of memory loading %s", path);
        goto out;
    }
    snprintf(t->lang, sizeof t->lang, "%s", lang);
    f = fopen(path, "rb");
    if (!f) {
        s = I18N_E_OPEN;
        snprintf(err, errsize, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    size_t len = fread(t->buf, 1, I18N_MAX_FILE + 1, f);
    if (len > I18N_MAX_FILE) {
        s = I18N_E_TOOBIG;
        snprintf(err, errsize, "%s is larger than %d bytes", path, I18N_MAX_FILE);
        goto out;
    }
    t->buf[len] = '\0';
    int lineno = 0;
    char *line = t->buf;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        char *l = trim(line);
        line = next;
        if (*l == '\0' || *l == '#')
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            s = I18N_E_SYNTAX;
            snprintf(err, errsize, "%s line %d: expected key = value", path, lineno);
            goto out;
        }
        *eq = '\0';
        char *k = trim(l), *v = trim(eq + 1);
        if (!*k) {
            s = I18N_E_SYNTAX;
            snprintf(err, errsize, "%s line %d: empty key", path, lineno);
            goto out;
        }
        if (t->n >= I18N_MAX_KEYS) {
            s = I18N_E_TOOMANY;
            snprintf(err, errsize, "%s has more than %d keys", path, I18N_MAX_KEYS);
            goto out;
        }
        unescape(v);
        t->keys[t->n] = k;
        t->vals[t->n] = v;
        t->n++;
    }
out:
    if (f)
        fclose(f);
    if (st)
        *st = s;
    if (s != I18N_OK) {
        i18n_destroy(t);
        t = NULL;
    }
    return t;
}

void i18n_destroy(struct i18n *t)
{
    if (!t)
        return;
    free(t->buf);
    free(t);
}

const char *i18n_lang(const struct i18n *t)
{
    return t->lang;
}

static int find(const struct i18n *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0)
            return (int)i;
    return -1;
}

const char *i18n_get(const struct i18n *t, const char *key)
{
    int i = t ? find(t, key) : -1;
    return i >= 0 ? t->vals[i] : key;
}

int i18n_has(const struct i18n *t, const char *key)
{
    return find(t, key) >= 0;
}

size_t i18n_count(const struct i18n *t)
{
    return t->n;
}

const char *i18n_key_at(const struct i18n *t, size_t i)
{
    return i < t->n ? t->keys[i] : NULL;
}

char *i18n_format(char *buf, size_t size, const char *tmpl, const char *a1, const char *a2,
                  const char *a3, const char *a4)
{
    const char *args[4] = {a1, a2, a3, a4};
    size_t w = 0;
    if (size == 0)
        return buf;
    for (const char *p = tmpl; *p && w + 1 < size; p++) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '4' && p[2] == '}') {
            const char *a = args[p[1] - '1'];
            for (; a && *a && w + 1 < size; a++)
                buf[w++] = *a;
            p += 2;
        } else {
            buf[w++] = *p;
        }
    }
    buf[w] = '\0';
    return buf;
}
