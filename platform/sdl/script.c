/* script: parser of scripted input (see script.h). */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum script_op op;
    int needs_arg;
} ops[] = {
    {"tap", SC_TAP, 1},           {"press", SC_PRESS, 1},   {"release", SC_RELEASE, 0},
    {"slide", SC_SLIDE, 1},       {"wait", SC_WAIT, 1},     {"waittext", SC_WAITTEXT, 1},
    {"waitgone", SC_WAITGONE, 1}, {"settle", SC_SETTLE, 0}, {"sleep", SC_SLEEP, 1},
    {"goto", SC_GOTO, 1},         {"shot", SC_SHOT, 1},     {"layout", SC_LAYOUT, 1},
    {"quit", SC_QUIT, 0},
};

static int parse_step(struct script_step *st, char *text, int no, char *err, size_t errsize)
{
    char *colon = strchr(text, ':');
    const char *arg = "";
    if (colon) {
        *colon = '\0';
        arg = colon + 1;
    }
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(ops[i].name, text) != 0)
            continue;
        if (ops[i].needs_arg && !*arg) {
            snprintf(err, errsize, "script step %d: \"%s\" needs an argument (%s:...)", no, text,
                     text);
            return -1;
        }
        if (strlen(arg) >= SCRIPT_MAX_ARG) {
            snprintf(err, errsize, "script step %d: argument longer than %d bytes", no,
                     SCRIPT_MAX_ARG - 1);
            return -1;
        }
        st->op = ops[i].op;
        memcpy(st->arg, arg, strlen(arg) + 1);
        if (st->op == SC_SLEEP || st->op == SC_SLIDE) {
            char *end;
            errno = 0;
            st->n1 = strtol(arg, &end, 10);
            if (st->op == SC_SLIDE && *end == ',')
                st->n2 = strtol(end + 1, &end, 10);
            if (errno || *end || st->n1 < 0 || st->n1 > 600000) {
                snprintf(err, errsize, "script step %d: \"%s\" is not a valid %s", no, arg,
                         st->op == SC_SLEEP ? "number of milliseconds" : "X,Y position");
                return -1;
            }
        }
        return 0;
    }
    snprintf(err, errsize,
             "script step %d: unknown step \"%.40s\" (tap, press, release, slide, wait, "
             "waittext, waitgone, settle, sleep, goto, shot, layout, quit)",
             no, text);
    return -1;
}

int script_parse(struct script *s, const char *text, char *err, size_t errsize)
{
    char buf[SCRIPT_MAX_TEXT + 1];
    size_t len = strnlen(text, SCRIPT_MAX_TEXT + 1);
    if (len > SCRIPT_MAX_TEXT) {
        snprintf(err, errsize, "script longer than %d bytes", SCRIPT_MAX_TEXT);
        return -1;
    }
    memcpy(buf, text, len + 1);
    s->n = 0;
    char *p = buf;
    while (p && *p) {
        char *end = p + strcspn(p, ";\n");
        char *next = *end ? end + 1 : NULL;
        *end = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\r' || p[l - 1] == '\t'))
            p[--l] = '\0';
        if (*p && *p != '#') {
            if (s->n >= SCRIPT_MAX_STEPS) {
                snprintf(err, errsize, "script has more than %d steps", SCRIPT_MAX_STEPS);
                return -1;
            }
            if (parse_step(&s->steps[s->n], p, s->n + 1, err, errsize) != 0)
                return -1;
            s->n++;
        }
        p = next;
    }
    return 0;
}

int script_load(struct script *s, const char *path, char *err, size_t errsize)
{
    char buf[SCRIPT_MAX_TEXT + 2];
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open script %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(buf, 1, SCRIPT_MAX_TEXT + 1, f);
    fclose(f);
    if (n > SCRIPT_MAX_TEXT) {
        snprintf(err, errsize, "script %s is longer than %d bytes", path, SCRIPT_MAX_TEXT);
        return -1;
    }
    buf[n] = '\0';
    return script_parse(s, buf, err, errsize);
}
