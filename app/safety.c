/*
 * safety: the safety confirmation's words and the sending of an answer (see safety.h).
 */
#include "safety.h"

#include <stdio.h>
#include <string.h>

#include "appstate.h"

const char *safety_answer_wire(enum safety_answer a)
{
    return a == SAFETY_SAFE ? "safe" : a == SAFETY_NEED_HELP ? "need_help" : NULL;
}

int safety_answer_parse(const char *s)
{
    if (!s || !*s)
        return SAFETY_NONE;
    if (strcmp(s, "safe") == 0)
        return SAFETY_SAFE;
    if (strcmp(s, "need_help") == 0)
        return SAFETY_NEED_HELP;
    return -1;
}

static bool answered_here(const struct app *a, long long id)
{
    for (int i = 0; i < a->safety.answered_n; i++)
        if (a->safety.answered_ids[i] == id)
            return true;
    return false;
}

const struct safety_check *safety_open(const struct app *a)
{
    const struct safety_list *l = &a->safety.list;
    for (int i = 0; i < l->n; i++)
        if (l->items[i].answer == SAFETY_NONE && !answered_here(a, l->items[i].id))
            return &l->items[i];
    return NULL;
}

void safety_remember(struct app *a, long long id)
{
    struct safety_state *s = &a->safety;
    if (answered_here(a, id))
        return;
    int cap = (int)(sizeof s->answered_ids / sizeof s->answered_ids[0]);
    if (s->answered_n == cap) { /* the oldest goes: a town asks a few times a year */
        memmove(s->answered_ids, s->answered_ids + 1,
                (size_t)(cap - 1) * sizeof s->answered_ids[0]);
        s->answered_n--;
    }
    s->answered_ids[s->answered_n++] = id;
}

void safety_answer(struct app *a, enum safety_answer ans)
{
    struct safety_state *s = &a->safety;
    char key[APP_KEY_MAX];
    if (s->send == SAFETY_SENDING || s->send == SAFETY_KEPT || s->send == SAFETY_DONE)
        return; /* one answer a check: a second tap sends nothing */
    snprintf(key, sizeof key, "safety-%s-%lld-%u", a->key_seed, s->check_id, ++s->key_counter);
    s->answer = ans;
    s->answered_at = a->wall_s;
    s->send = SAFETY_SENDING;
    s->status = 0;
    s->send_req = a->ports.send_safety
                      ? a->ports.send_safety(a->ports.ctx, s->check_id, safety_answer_wire(ans),
                                             a->wall_s, key)
                      : 0;
    if (!s->send_req)
        s->send = SAFETY_FAILED;
    else
        safety_remember(a, s->check_id);
    a->dirty = true;
}

static const char *answer_words(const struct app *a, enum safety_answer ans)
{
    return app_s(a, ans == SAFETY_NEED_HELP ? "safety_help" : "safety_safe");
}

void safety_result_words(const struct app *a, char *buf, size_t size)
{
    const struct safety_state *s = &a->safety;
    char tm[16], code[16];
    app_fmt_time(a, s->answered_at, tm, sizeof tm);
    bool help = s->answer == SAFETY_NEED_HELP;
    switch (s->send) {
    case SAFETY_IDLE:
    case SAFETY_SENDING:
        i18n_format(buf, size, app_s(a, "safety_sending"), answer_words(a, s->answer), NULL, NULL,
                    NULL);
        break;
    case SAFETY_DONE:
        i18n_format(buf, size, app_s(a, help ? "safety_sent_help" : "safety_sent_safe"), tm, NULL,
                    NULL, NULL);
        break;
    case SAFETY_KEPT:
        i18n_format(buf, size, app_s(a, help ? "safety_kept_help" : "safety_kept"), tm,
                    answer_words(a, s->answer), NULL, NULL);
        break;
    case SAFETY_FAILED:
        snprintf(code, sizeof code, "%ld", s->status);
        i18n_format(buf, size,
                    s->status ? app_s(a, "safety_failed_refused")
                              : app_s_fail(a, "safety_failed_unreachable"),
                    code, NULL, NULL, NULL);
        break;
    }
}

void safety_sample(struct app *a, int variant)
{
    struct safety_state *s = &a->safety;
    memset(s, 0, sizeof *s);
    s->check_id = 7;
    snprintf(s->title, sizeof s->title, "%s", "大雨の あとの 安否確認");
    s->known = true;
    static const enum safety_send st[5] = {SAFETY_IDLE, SAFETY_DONE, SAFETY_DONE, SAFETY_KEPT,
                                           SAFETY_SENDING};
    s->send = st[variant % 5];
    s->answer = variant == 2 ? SAFETY_NEED_HELP : variant == 0 ? SAFETY_NONE : SAFETY_SAFE;
    s->answered_at = a->wall_s - 60;
    a->waiting = variant == 3 ? 1 : 0;
    a->net = variant == 3 ? NET_DOWN : NET_OK;
}
