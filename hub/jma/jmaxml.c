/*
 * jmaxml.c: the VPWW54, VXWW50 and R06 (VPWW55–61) telegrams and the Atom feed (see jmaxml.h).
 */
#include "jmaxml.h"
#include "hubclock.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_REPORT "http://xml.kishou.go.jp/jmaxml1/"
#define NS_HEAD   "http://xml.kishou.go.jp/jmaxml1/informationBasis1/"
#define NS_BODY   "http://xml.kishou.go.jp/jmaxml1/body/meteorology1/"
#define NS_ATOM   "http://www.w3.org/2005/Atom"

#define MUNICIPAL_WARNING "気象警報・注意報（市町村等）"
#define LANDSLIDE_WARNING "土砂災害警戒情報"
/* What the screens call a 土砂災害警戒情報: JMA's name since its 2026 change when the
 * telegram's Head/Title uses it, else the name it had before. */
#define LANDSLIDE_NAME_2026 "レベル４土砂災害危険警報"
#define LANDSLIDE_NAME      "土砂災害警戒情報"

/* The statuses a kind may have in a municipality item (docs/disaster.md). The first two
 * leave nothing in force. */
static const char *const STATUSES[] = {
    "解除",
    "発表警報・注意報はなし",
    "発表",
    "継続",
    "特別警報から警報",
    "特別警報から注意報",
    "警報から注意報",
    "警報から特別警報",
    "注意報から警報",
    "注意報から特別警報",
    /* the R06 telegrams' レベル４ 危険警報 (JMA's 2026 change) moves the same ways */
    "危険警報から特別警報",
    "危険警報から警報",
    "危険警報から注意報",
    "特別警報から危険警報",
    "警報から危険警報",
    "注意報から危険警報",
};

/* The kinds of a 土砂災害警戒情報 Item: each code with the statuses it may have. */
static const struct {
    const char *code, *status[2];
    int in_force;
} LANDSLIDE_KINDS[] = {
    {"3", {"発表", "継続"}, 1}, /* 警戒 */
    {"1", {"解除", "解除"}, 0},
    {"0", {"なし", "なし"}, 0},
};

/* Each series: its stored name and the Control/Titles (and feed entry titles) it comes
 * under. JMA's first R06 samples (2024-12) title the landslide telegram （土砂災害）, the
 * later ones （土砂）: both are read. */
static const struct {
    const char *name, *title[2];
} SERIES[JMA_SERIES_COUNT] = {
    [JMA_SERIES_WARNINGS] = {"VPWW54", {JMA_VPWW54_TITLE, NULL}},
    [JMA_SERIES_LANDSLIDE] = {"VXWW50", {JMA_VXWW50_TITLE, NULL}},
    [JMA_SERIES_R06_RAIN] = {"VPWW55", {"気象警報・注意報（Ｒ０６）（大雨）", NULL}},
    [JMA_SERIES_R06_LANDSLIDE] = {"VPWW56",
                                  {"気象警報・注意報（Ｒ０６）（土砂）",
                                   "気象警報・注意報（Ｒ０６）（土砂災害）"}},
    [JMA_SERIES_R06_SURGE] = {"VPWW57", {"気象警報・注意報（Ｒ０６）（高潮）", NULL}},
    [JMA_SERIES_R06_STORM] = {"VPWW58", {"気象警報・注意報（Ｒ０６）（暴風）", NULL}},
    [JMA_SERIES_R06_WAVES] = {"VPWW59", {"気象警報・注意報（Ｒ０６）（波浪）", NULL}},
    [JMA_SERIES_R06_SNOW] = {"VPWW60", {"気象警報・注意報（Ｒ０６）（大雪）", NULL}},
    [JMA_SERIES_R06_OTHER] = {"VPWW61", {"気象警報・注意報（Ｒ０６）（その他注意報）", NULL}},
};

const char *jma_series_name(enum jma_series s)
{
    return s >= 0 && s < JMA_SERIES_COUNT ? SERIES[s].name : SERIES[0].name;
}

int jma_series_of_title(const char *title)
{
    for (int s = 0; s < JMA_SERIES_COUNT; s++)
        for (int i = 0; i < 2; i++)
            if (SERIES[s].title[i] && strcmp(SERIES[s].title[i], title) == 0)
                return s;
    return -1;
}

__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

/* 1 when n is an element named name in namespace ns. */
static int is_el(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
           n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

/* The first child element of parent named name in ns, or NULL. */
static xmlNode *child(const xmlNode *parent, const char *ns, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_el(c, ns, name))
            return c;
    return NULL;
}

/*
 * The text of element n (whitespace around it trimmed) into out. 0, or -1 when n is NULL,
 * has element children, or the text does not fit.
 */
static int text_of(const xmlNode *n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    if (!n)
        return -1;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return -1;
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        const char *t = (const char *)c->content;
        size_t l = t ? strlen(t) : 0;
        if (len + l + 1 > cap)
            return -1;
        memcpy(out + len, t, l);
        len += l;
        out[len] = '\0';
    }
    size_t a = strspn(out, " \t\r\n");
    memmove(out, out + a, len - a + 1);
    len -= a;
    while (len > 0 && strchr(" \t\r\n", out[len - 1]))
        out[--len] = '\0';
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Reads xml[0..len) without network access or entity expansion. NULL when not
 * well-formed. */
static xmlDoc *read_doc(const char *xml, size_t len)
{
    if (len == 0 || len > (size_t)JMA_FEED_MAX)
        return NULL;
    return xmlReadMemory(xml, (int)len, "jma.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOCDATA);
}

/* One Kind of a municipality item. 0, or -1 with reason. */
static int parse_kind(const xmlNode *k, int item, struct jma_kind *out, char *reason, size_t cap)
{
    memset(out, 0, sizeof *out);
    if (text_of(child(k, NS_BODY, "Status"), out->status, sizeof out->status) != 0) {
        say(reason, cap, "Kind without a Status in municipality item %d", item);
        return -1;
    }
    size_t i = 0;
    while (i < sizeof STATUSES / sizeof STATUSES[0] && strcmp(STATUSES[i], out->status) != 0)
        i++;
    if (i == sizeof STATUSES / sizeof STATUSES[0]) {
        say(reason, cap, "unknown Kind/Status in municipality item %d", item);
        return -1;
    }
    /* an area with nothing in force: JMA writes its Kind as the Status alone (the schema
     * makes Name and Code optional; JMA's published samples do so) */
    if (i == 1 && !child(k, NS_BODY, "Name") && !child(k, NS_BODY, "Code")) {
        memcpy(out->code, "00", 3);
        return 0;
    }
    if (text_of(child(k, NS_BODY, "Name"), out->name, sizeof out->name) != 0 ||
        out->name[0] == '\0') {
        say(reason, cap, "Kind without a Name in municipality item %d", item);
        return -1;
    }
    if (text_of(child(k, NS_BODY, "Code"), out->code, sizeof out->code) != 0 ||
        !all_digits(out->code, 2)) {
        say(reason, cap, "Kind/Code in municipality item %d is not two digits", item);
        return -1;
    }
    out->in_force = i >= 2 && strcmp(out->code, "00") != 0;
    return 0;
}

/* The Area of item number item (what: "municipality" / "landslide") into a's code and
 * name. 0, or -1 with reason. */
static int read_area(const xmlNode *area, const char *what, int item, struct jma_area *a,
                     char *reason, size_t cap)
{
    if (!area) {
        say(reason, cap, "%s item %d has no Area", what, item);
        return -1;
    }
    if (text_of(child(area, NS_BODY, "Code"), a->code, sizeof a->code) != 0 ||
        !all_digits(a->code, 7)) {
        say(reason, cap, "Area/Code of %s item %d is not a 7-digit code", what, item);
        return -1;
    }
    if (text_of(child(area, NS_BODY, "Name"), a->name, sizeof a->name) != 0 || a->name[0] == '\0') {
        say(reason, cap, "Area/Name of %s item %d is missing or too long", what, item);
        return -1;
    }
    return 0;
}

/* One Item of the municipality Warning. 0, or -1 with reason. */
static int parse_item(const xmlNode *it, int item, const struct jma_telegram *t, struct jma_area *a,
                      char *reason, size_t cap)
{
    (void)t;
    if (read_area(child(it, NS_BODY, "Area"), "municipality", item, a, reason, cap) != 0)
        return -1;
    for (const xmlNode *k = it->children; k; k = k->next) {
        if (!is_el(k, NS_BODY, "Kind"))
            continue;
        if (a->n_kinds == JMA_KINDS_MAX) {
            say(reason, cap, "municipality item %d lists more than %d kinds", item, JMA_KINDS_MAX);
            return -1;
        }
        if (parse_kind(k, item, &a->kinds[a->n_kinds], reason, cap) != 0)
            return -1;
        a->n_kinds++;
    }
    if (a->n_kinds == 0) {
        say(reason, cap, "municipality item %d has no Kind", item);
        return -1;
    }
    return 0;
}

typedef int (*item_fn)(const xmlNode *it, int item, const struct jma_telegram *t,
                       struct jma_area *a, char *reason, size_t cap);

/* The Body's Warning of type into t, one area per Item read by fn (what names the items in
 * reasons). 0, or -1 with reason. */
static int parse_warning(const xmlNode *body, const char *type, const char *what, item_fn fn,
                         struct jma_telegram *t, char *reason, size_t cap)
{
    const xmlNode *w = NULL;
    for (const xmlNode *c = body ? body->children : NULL; c && !w; c = c->next) {
        if (!is_el(c, NS_BODY, "Warning"))
            continue;
        xmlChar *ty = xmlGetProp(c, (const xmlChar *)"type");
        if (ty && strcmp((const char *)ty, type) == 0)
            w = c;
        xmlFree(ty);
    }
    if (!w) {
        /* A 取消 may come without a body: it names no areas then. */
        if (t->info_type == JMA_CANCEL)
            return 0;
        say(reason, cap, "no Body/Warning of type %s", type);
        return -1;
    }
    int item = 0;
    for (const xmlNode *it = w->children; it; it = it->next) {
        if (!is_el(it, NS_BODY, "Item"))
            continue;
        item++;
        if (t->n_areas == JMA_AREAS_MAX) {
            say(reason, cap, "more than %d %s items", JMA_AREAS_MAX, what);
            return -1;
        }
        struct jma_area *a = &t->areas[t->n_areas];
        memset(a, 0, sizeof *a);
        if (fn(it, item, t, a, reason, cap) != 0)
            return -1;
        for (int i = 0; i < t->n_areas; i++)
            if (strcmp(t->areas[i].code, a->code) == 0) {
                say(reason, cap, "area %s appears twice in the %s items", a->code, what);
                return -1;
            }
        t->n_areas++;
    }
    if (t->n_areas == 0 && t->info_type != JMA_CANCEL) {
        say(reason, cap, "the %s Warning has no Item", what);
        return -1;
    }
    return 0;
}

/* The only child element of landslide item it named name into *out (NULL: none). 0, or -1
 * with reason when it has several. */
static int only_child(const xmlNode *it, int item, const char *name, const xmlNode **out,
                      char *reason, size_t cap)
{
    *out = NULL;
    for (const xmlNode *c = it->children; c; c = c->next) {
        if (!is_el(c, NS_BODY, name))
            continue;
        if (*out) {
            say(reason, cap, "landslide item %d has more than one %s", item, name);
            return -1;
        }
        *out = c;
    }
    return 0;
}

/* The one Kind of a 土砂災害警戒情報 Item into k (named name for the screens). 0, or -1 with
 * reason. */
static int landslide_kind(const xmlNode *it, int item, const char *name, struct jma_kind *k,
                          char *reason, size_t cap)
{
    const xmlNode *kind = NULL;
    if (only_child(it, item, "Kind", &kind, reason, cap) != 0)
        return -1;
    if (!kind) {
        say(reason, cap, "landslide item %d has no Kind", item);
        return -1;
    }
    /* nothing in force may come as the Status alone (the schema makes Name and Code
     * optional, as for 気象警報・注意報's 発表警報・注意報はなし) */
    if (!child(kind, NS_BODY, "Code") && !child(kind, NS_BODY, "Name") &&
        text_of(child(kind, NS_BODY, "Status"), k->status, sizeof k->status) == 0 &&
        strcmp(k->status, "なし") == 0) {
        memcpy(k->code, "0", 2);
        return 0;
    }
    if (text_of(child(kind, NS_BODY, "Code"), k->code, sizeof k->code) != 0 ||
        !all_digits(k->code, 1)) {
        say(reason, cap, "Kind/Code of landslide item %d is not one digit", item);
        return -1;
    }
    if (text_of(child(kind, NS_BODY, "Status"), k->status, sizeof k->status) != 0) {
        say(reason, cap, "Kind without a Status in landslide item %d", item);
        return -1;
    }
    for (size_t i = 0; i < sizeof LANDSLIDE_KINDS / sizeof LANDSLIDE_KINDS[0]; i++) {
        if (strcmp(LANDSLIDE_KINDS[i].code, k->code) != 0)
            continue;
        if (strcmp(LANDSLIDE_KINDS[i].status[0], k->status) != 0 &&
            strcmp(LANDSLIDE_KINDS[i].status[1], k->status) != 0) {
            say(reason, cap, "Kind/Status of landslide item %d does not go with its code %s", item,
                k->code);
            return -1;
        }
        k->in_force = LANDSLIDE_KINDS[i].in_force;
        snprintf(k->name, sizeof k->name, "%s", name);
        return 0;
    }
    say(reason, cap, "unknown Kind/Code %s in landslide item %d", k->code, item);
    return -1;
}

/* One Item of the 土砂災害警戒情報 Warning: one Area and one Kind, named as t's Head/Title
 * names the information. 0, or -1 with reason. */
static int landslide_item(const xmlNode *it, int item, const struct jma_telegram *t,
                          struct jma_area *a, char *reason, size_t cap)
{
    const xmlNode *area = NULL;
    const char *name = strstr(t->title, LANDSLIDE_NAME_2026) ? LANDSLIDE_NAME_2026 : LANDSLIDE_NAME;
    if (only_child(it, item, "Area", &area, reason, cap) != 0 ||
        read_area(area, "landslide", item, a, reason, cap) != 0 ||
        landslide_kind(it, item, name, &a->kinds[0], reason, cap) != 0)
        return -1;
    a->n_kinds = 1;
    return 0;
}

enum jma_result jma_parse_telegram(const char *xml, size_t len, struct jma_telegram *t,
                                   char *reason, size_t cap)
{
    enum jma_result r = JMA_REFUSED;
    char buf[JMA_TEXT_MAX];
    xmlDoc *doc = NULL;
    memset(t, 0, sizeof *t);
    reason[0] = '\0';
    if (len > JMA_TELEGRAM_MAX) {
        say(reason, cap, "the telegram is larger than %d bytes", JMA_TELEGRAM_MAX);
        goto out;
    }
    doc = read_doc(xml, len);
    if (!doc) {
        say(reason, cap, "not well-formed XML");
        goto out;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_el(root, NS_REPORT, "Report")) {
        say(reason, cap, "the root element is not a JMA Report");
        goto out;
    }
    const xmlNode *control = child(root, NS_REPORT, "Control");
    const xmlNode *head = child(root, NS_HEAD, "Head");
    if (!control || !head) {
        say(reason, cap, "the Report lacks its Control or Head part");
        goto out;
    }
    int series = text_of(child(control, NS_REPORT, "Title"), buf, sizeof buf) == 0
                     ? jma_series_of_title(buf)
                     : -1;
    if (series < 0) {
        say(reason, cap,
            "Control/Title is not " JMA_VPWW54_TITLE ", " JMA_VXWW50_TITLE
            " or one of the R06 気象警報・注意報");
        goto out;
    }
    t->series = (enum jma_series)series;
    if (text_of(child(control, NS_REPORT, "Status"), buf, sizeof buf) != 0 ||
        strcmp(buf, "通常") != 0) {
        say(reason, cap, "Control/Status is not 通常 (a training or test telegram is not shown)");
        goto out;
    }
    if (text_of(child(control, NS_REPORT, "PublishingOffice"), t->office, sizeof t->office) != 0 ||
        t->office[0] == '\0') {
        say(reason, cap, "Control/PublishingOffice is missing or too long");
        goto out;
    }
    if (text_of(child(head, NS_HEAD, "Title"), t->title, sizeof t->title) != 0) {
        say(reason, cap, "Head/Title is missing or too long");
        goto out;
    }
    if (text_of(child(head, NS_HEAD, "ReportDateTime"), buf, sizeof buf) != 0 ||
        hubclock_parse_rfc3339(buf, &t->report_unix) != 0) {
        say(reason, cap, "Head/ReportDateTime is missing or not a date and time with offset");
        goto out;
    }
    if (text_of(child(head, NS_HEAD, "InfoType"), buf, sizeof buf) != 0) {
        say(reason, cap, "Head/InfoType is missing");
        goto out;
    }
    if (strcmp(buf, "発表") == 0) {
        t->info_type = JMA_ISSUE;
    } else if (strcmp(buf, "訂正") == 0) {
        t->info_type = JMA_CORRECT;
    } else if (strcmp(buf, "取消") == 0) {
        t->info_type = JMA_CANCEL;
    } else {
        say(reason, cap, "Head/InfoType is not 発表, 訂正 or 取消");
        goto out;
    }
    const xmlNode *body = child(root, NS_BODY, "Body");
    if (!body && t->info_type != JMA_CANCEL) {
        say(reason, cap, "the Report has no Body");
        goto out;
    }
    int landslide = t->series == JMA_SERIES_LANDSLIDE;
    if (parse_warning(body, landslide ? LANDSLIDE_WARNING : MUNICIPAL_WARNING,
                      landslide ? "landslide" : "municipality",
                      landslide ? landslide_item : parse_item, t, reason, cap) != 0)
        goto out;
    r = JMA_OK;
out:
    xmlFreeDoc(doc);
    if (r != JMA_OK) {
        long long keep_time = t->report_unix;
        char office[JMA_TEXT_MAX];
        memcpy(office, t->office, sizeof office);
        memset(t, 0, sizeof *t);
        /* The office and time stay for the refusal's log line. */
        t->report_unix = keep_time;
        memcpy(t->office, office, sizeof office);
    }
    return r;
}

/* The href of an entry's link (rel alternate or none), else its id. */
static int entry_url(const xmlNode *e, char *out, size_t cap)
{
    for (const xmlNode *c = e->children; c; c = c->next) {
        if (!is_el(c, NS_ATOM, "link"))
            continue;
        xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
        xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
        int ok = href && (!rel || strcmp((const char *)rel, "alternate") == 0) &&
                 strlen((const char *)href) < cap;
        if (ok)
            snprintf(out, cap, "%s", (const char *)href);
        xmlFree(rel);
        xmlFree(href);
        if (ok)
            return 0;
    }
    return text_of(child(e, NS_ATOM, "id"), out, cap) == 0 && out[0] ? 0 : -1;
}

static int by_updated(const void *a, const void *b)
{
    const struct jma_feed_entry *x = a, *y = b;
    return (x->updated_unix > y->updated_unix) - (x->updated_unix < y->updated_unix);
}

enum jma_result jma_parse_feed(const char *xml, size_t len, struct jma_feed_entry **out, int *n,
                               char *reason, size_t cap)
{
    enum jma_result r = JMA_REFUSED;
    struct jma_feed_entry *list = NULL;
    int count = 0;
    char title[JMA_TEXT_MAX], buf[JMA_TEXT_MAX];
    *out = NULL;
    *n = 0;
    xmlDoc *doc = read_doc(xml, len);
    if (!doc) {
        say(reason, cap, "the feed is not well-formed XML (or larger than %d bytes)", JMA_FEED_MAX);
        goto out;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_el(root, NS_ATOM, "feed")) {
        say(reason, cap, "the document is not an Atom feed");
        goto out;
    }
    list = calloc(JMA_FEED_ENTRIES_MAX, sizeof *list);
    if (!list) {
        r = JMA_NOMEM;
        goto out;
    }
    for (const xmlNode *e = root->children; e; e = e->next) {
        if (!is_el(e, NS_ATOM, "entry"))
            continue;
        if (text_of(child(e, NS_ATOM, "title"), title, sizeof title) != 0 ||
            jma_series_of_title(title) < 0)
            continue;
        if (count == JMA_FEED_ENTRIES_MAX) {
            say(reason, cap, "the feed lists more than %d warning telegrams", JMA_FEED_ENTRIES_MAX);
            goto out;
        }
        struct jma_feed_entry *fe = &list[count];
        /* An entry we cannot read is skipped, not the whole feed. */
        if (entry_url(e, fe->url, sizeof fe->url) != 0 ||
            text_of(child(e, NS_ATOM, "updated"), buf, sizeof buf) != 0 ||
            hubclock_parse_rfc3339(buf, &fe->updated_unix) != 0)
            continue;
        const xmlNode *author = child(e, NS_ATOM, "author");
        if (text_of(child(author, NS_ATOM, "name"), fe->author, sizeof fe->author) != 0)
            fe->author[0] = '\0';
        count++;
    }
    qsort(list, (size_t)count, sizeof *list, by_updated);
    *out = list;
    *n = count;
    list = NULL;
    r = JMA_OK;
out:
    free(list);
    xmlFreeDoc(doc);
    return r;
}
