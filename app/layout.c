/*
 * layout: JSON writer for the layout dump (see layout.h). Written with a bounded buffer and
 * an overflow flag rather than a JSON library, since app/ keeps no outside dependencies
 * beyond libunibreak.
 */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *buf;
    size_t size, len;
    bool overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->overflow)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->size - o->len) {
        o->overflow = true;
        return;
    }
    o->len += (size_t)n;
}

static void put_str(struct out *o, const char *s)
{
    put(o, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(o, "\\%c", *p);
        else if (*p == '\n')
            put(o, "\\n");
        else if (*p < 0x20)
            put(o, "\\u%04x", *p);
        else
            put(o, "%c", *p);
    }
    put(o, "\"");
}

static void put_rect(struct out *o, struct ui_rect r)
{
    put(o, "{\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d}", r.x, r.y, r.w, r.h);
}

static void put_color(struct out *o, const char *key, struct ui_color c)
{
    char hex[8];
    theme_hex(c, hex, sizeof hex);
    put(o, "\"%s\":\"%s\"", key, hex);
}

static const char *kind_str(enum ui_target_kind k)
{
    switch (k) {
    case UI_T_PRIMARY:
        return "primary";
    case UI_T_NORMAL:
        return "normal";
    case UI_T_DANGER:
        return "danger";
    case UI_T_NAV_BACK:
        return "back";
    case UI_T_NAV_HOME:
        return "home";
    case UI_T_KEY:
        return "key";
    case UI_T_FRAME:
        return "frame";
    }
    return "?";
}

int layout_json(const struct ui *ui, const struct layout_meta *m, char *buf, size_t size)
{
    struct out o = {buf, size, 0, false};
    const struct ui_metrics *mt = ui_metrics(ui);
    double ppm = mt->px_per_mm;
    size_t n;
    put(&o, "{\"screen\":");
    put_str(&o, m->screen);
    put(&o, ",\"lang\":\"%s\",\"text_scale\":%d,\"theme\":\"%s\",\"profile\":\"%s\",", m->lang,
        m->text_scale, m->theme, m->profile);
    put(&o, "\"width\":%d,\"height\":%d,\"px_per_mm\":%.3f,\"targets\":[", mt->width, mt->height,
        ppm);
    const struct ui_target *t = ui_targets(ui, &n);
    for (size_t i = 0; i < n; i++) {
        put(&o, "%s{\"id\":", i ? "," : "");
        put_str(&o, t[i].id);
        put(&o, ",\"label\":");
        put_str(&o, t[i].label);
        put(&o, ",\"kind\":\"%s\",\"rect\":", kind_str(t[i].kind));
        put_rect(&o, t[i].r);
        put(&o, ",\"mm\":{\"x\":%.2f,\"y\":%.2f,\"w\":%.2f,\"h\":%.2f},", t[i].r.x / ppm,
            t[i].r.y / ppm, t[i].r.w / ppm, t[i].r.h / ppm);
        put_color(&o, "fg", t[i].fg);
        put(&o, ",");
        put_color(&o, "bg", t[i].bg);
        put(&o, "}");
    }
    put(&o, "],\"texts\":[");
    const struct ui_cmd *c = ui_cmds(ui, &n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (c[i].kind != UI_CMD_TEXT)
            continue;
        put(&o, "%s{\"text\":", first ? "" : ",");
        first = false;
        put_str(&o, ui_cmd_text(ui, &c[i]));
        put(&o, ",\"rect\":");
        put_rect(&o, c[i].r);
        put(&o, ",\"box\":");
        put_rect(&o, c[i].box);
        put(&o, ",\"px\":%d,\"bold\":%s,\"dimmed\":%s,", c[i].px,
            c[i].font == UI_FONT_BOLD ? "true" : "false", i < ui_modal_cmd(ui) ? "true" : "false");
        put_color(&o, "fg", c[i].color);
        put(&o, ",");
        put_color(&o, "bg", c[i].bg);
        put(&o, "}");
    }
    put(&o, "],\"figures\":[");
    const struct ui_figure *f = ui_figures(ui, &n);
    for (size_t i = 0; i < n; i++) {
        put(&o, "%s{\"kind\":", i ? "," : "");
        put_str(&o, f[i].kind);
        put(&o, ",\"rect\":");
        put_rect(&o, f[i].r);
        put(&o, "}");
    }
    put(&o, "]}\n");
    return o.overflow ? -1 : (int)o.len;
}
