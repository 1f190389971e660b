/*
 * kconfig: the kiosk's configuration file: UTF-8 text, one `key = value` a line, `#`
 * comments, at most KCONFIG_MAX_FILE bytes and KCONFIG_MAX_LINE bytes a line. An unknown
 * key, a value out of range or a repeated key is an error that names the file, the line
 * and what was wrong, so a wrong setting never starts a kiosk that behaves differently
 * from what its operator wrote.
 *
 * Keys (defaults in brackets):
 *   hub_url [http://127.0.0.1:8080]  token []  ca_file []
 *   profile [home] (home|family|public)   language [ja] (ja|en)
 *   px_per_mm [5.9] (1..40)   width [1280]  height [800]   fullscreen [no]
 *   renderer [software] (software|accelerated)
 *   text_scale [100] (100|125|150)   theme [normal] (normal|high_contrast)   sound [yes]
 *   idle_warn_s [60]  idle_logout_s [90]  sensitive_close_s [180]  family_refresh_s [60]
 *   notice_poll_s [30] (2..600: home and public ask the hub for its notices this often)
 *   font_dir [build-time fonts/]  assets_dir [build-time assets/]
 *   outbox_path [] (home: SQLite file keeping check-ins until delivered; empty = none)
 *   card_reader [yes on public, no on home] (use the PC/SC card reader for card login;
 *                 home: the step-up before screens with the resident's own data)
 *   service_hours [] (public: "9:00-17:00" or "9:00〜17:00", shown on the waiting screen)
 *   speech [yes on home, no on public/family]  speech_volume [100] (25..300, per cent)
 *   speech_rate [100] (25..300, per cent)  speech_engine [espeak-ng] (espeak-ng)
 */
#ifndef KCONFIG_H
#define KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define KCONFIG_MAX_FILE  (16 * 1024)
#define KCONFIG_MAX_LINE  1024
#define KCONFIG_MAX_VALUE 512

enum kconfig_status {
    KCONFIG_OK = 0,
    KCONFIG_E_OPEN,   /* cannot open or read the file */
    KCONFIG_E_TOOBIG, /* file or line too long */
    KCONFIG_E_SYNTAX, /* not key = value */
    KCONFIG_E_KEY,    /* unknown or repeated key */
    KCONFIG_E_VALUE,  /* value not allowed */
};
const char *kconfig_status_str(enum kconfig_status st);

struct kconfig {
    char hub_url[KCONFIG_MAX_VALUE];
    char token[KCONFIG_MAX_VALUE];
    char ca_file[KCONFIG_MAX_VALUE];
    char profile[16];
    char language[8];
    double px_per_mm;
    int width, height;
    bool fullscreen;
    char renderer[16];
    int text_scale;
    char theme[16];
    bool sound;
    int idle_warn_s, idle_logout_s, sensitive_close_s, family_refresh_s;
    int notice_poll_s;
    char font_dir[KCONFIG_MAX_VALUE];
    char assets_dir[KCONFIG_MAX_VALUE];
    char outbox_path[KCONFIG_MAX_VALUE];
    bool card_reader;
    bool card_reader_set; /* card: the file named card_reader (home: off unless) */
    /* speech: read the screens aloud (default: home yes, public/family no) */
    bool speech, speech_set;
    int speech_volume, speech_rate; /* per cent of the engine's normal */
    char speech_engine[32];
    /* card: service hours in minutes after midnight, Japan time; -1 = not set */
    int service_open_min, service_close_min;
};

/* Fills cfg with the defaults. font_dir/assets_dir default to the given folders. */
void kconfig_defaults(struct kconfig *cfg, const char *font_dir, const char *assets_dir);

/* Parses text (len bytes, need not be NUL-terminated) over cfg. `name` is used in messages.
 * On error returns the status and writes a sentence (file, line, what) into err. */
enum kconfig_status kconfig_parse(struct kconfig *cfg, const char *name, const char *text,
                                  size_t len, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* Reads and parses a file over cfg. */
enum kconfig_status kconfig_load(struct kconfig *cfg, const char *path, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* Applies one `key=value` (as from the command line). */
enum kconfig_status kconfig_set(struct kconfig *cfg, const char *key, const char *value, char *err,
                                size_t errsize) __attribute__((warn_unused_result));

#endif
