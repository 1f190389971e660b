/*
 * i18n: the kiosk's words, loaded from assets/strings/<lang>.txt (UTF-8, one
 * `key = value` a line, `#` comments, "\n" in a value is a line break).
 *
 * Every string a resident reads comes from these files; code refers to keys. A missing key
 * shows the key itself (so a test that compares both files catches it) instead of crashing.
 * Placeholders are {1}, {2}, ... and are filled by i18n_format (never printf formats, so a
 * translation cannot break memory safety).
 */
#ifndef I18N_H
#define I18N_H

#include <stddef.h>

#define I18N_MAX_FILE  (64 * 1024)
#define I18N_MAX_KEYS  1024 /* the privacy, checkup and shopping screens outgrew 256 */
#define I18N_MAX_VALUE 512

enum i18n_status {
    I18N_OK = 0,
    I18N_E_OPEN,    /* the file could not be opened */
    I18N_E_TOOBIG,  /* file larger than I18N_MAX_FILE */
    I18N_E_SYNTAX,  /* a line without '=' or with an empty key */
    I18N_E_TOOMANY, /* more than I18N_MAX_KEYS keys */
    I18N_E_NOMEM,
};
const char *i18n_status_str(enum i18n_status st);

struct i18n;

/* Loads dir/<lang>.txt. On error returns NULL and writes a sentence saying what was wrong
 * (file and line) into err. Free with i18n_destroy. */
struct i18n *i18n_load(const char *dir, const char *lang, enum i18n_status *st, char *err,
                       size_t errsize);
void i18n_destroy(struct i18n *t);

const char *i18n_lang(const struct i18n *t);
/* The value of key (borrowed, lives as long as t), or the key itself when missing. */
const char *i18n_get(const struct i18n *t, const char *key);
int i18n_has(const struct i18n *t, const char *key);
size_t i18n_count(const struct i18n *t);
const char *i18n_key_at(const struct i18n *t, size_t i);

/* Copies tmpl into buf replacing {1}..{4} by args[0..3] (NULL args become ""). */
char *i18n_format(char *buf, size_t size, const char *tmpl, const char *a1, const char *a2,
                  const char *a3, const char *a4);

#endif
