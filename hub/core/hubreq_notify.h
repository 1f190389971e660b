/*
 * hubreq_notify.h: the request bodies of the alert notification endpoints (docs/api.md):
 * a family member's own settings and an acknowledgement by the code of a message. Parsed
 * with the checked readers of hubreq.h, with caps; the stores validate the values again.
 */
#ifndef HUB_HUBREQ_NOTIFY_H
#define HUB_HUBREQ_NOTIFY_H

#include "hubreq.h"

#define HUBREQ_NOTIFY_MODES 8
#define HUBREQ_ACK_CODE_MAX 20 /* "ABCD-EFGH-JKLM-NPQR" */

/* PUT /v1/notify/settings: every field optional; absent fields stay as they are. */
struct hubreq_notify_settings {
    int has_mail;
    char mail[256]; /* "" removes it */
    int has_lang;
    char lang[4];
    int has_quiet;    /* "quiet_hours": {"start":"HH:MM","end":"HH:MM"} or null */
    long long q1, q2; /* minutes after midnight; -1 when null */
    int n_modes;      /* "modes": {"unwell":"day", ...} */
    char kind[HUBREQ_NOTIFY_MODES][24];
    char mode[HUBREQ_NOTIFY_MODES][8];
};

enum hubreq_status hubreq_parse_notify_settings(const char *body, size_t len,
                                                struct hubreq_notify_settings *out, char *msg,
                                                size_t msgcap);

/* POST /v1/notify/ack: {"code":"ABCD-EFGH-JKLM-NPQR"} (case and dashes as written; the
 * code is upper-cased and re-dashed, so "abcdefghjklmnpqr" works too). */
enum hubreq_status hubreq_parse_notify_ack(const char *body, size_t len,
                                           char code[HUBREQ_ACK_CODE_MAX], char *msg,
                                           size_t msgcap);

#endif
