/*
 * yomi: readings by longest match over a small dictionary (see yomi.h).
 */
#include "yomi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
    const char *kanji, *kana;
    size_t klen;
};

struct yomi {
    char *text; /* the file, cut into the words' strings */
    struct word *words;
    size_t n;
};

static int by_length(const void *pa, const void *pb)
{
    const struct word *a = pa, *b = pb;
    return a->klen < b->klen ? 1 : a->klen > b->klen ? -1 : strcmp(a->kanji, b->kanji);
}

/* One UTF-8 character at s: its code point and length (1 for a broken byte). */
static uint32_t next_cp(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80 || (u[0] & 0xE0) == 0x80) {
        *len = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0 && u[1]) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0 && u[1] && u[2]) {
        *len = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    if ((u[0] & 0xF8) == 0xF0 && u[1] && u[2] && u[3]) {
        *len = 4;
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
               ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    }
    *len = 1;
    return u[0];
}

/* Full-width digits (０–９, U+FF10–FF19: what JMA and city staff write, "レベル４", "４日")
 * become ASCII in place: espeak-ng's Japanese voice says nothing at all for them. The
 * string only shrinks (three bytes become one). */
static void ascii_digits(char *s)
{
    char *w = s;
    for (const unsigned char *r = (const unsigned char *)s; *r;) {
        if (r[0] == 0xEF && r[1] == 0xBC && r[2] >= 0x90 && r[2] <= 0x99) {
            *w++ = (char)('0' + (r[2] - 0x90));
            r += 3;
        } else {
            *w++ = (char)*r++;
        }
    }
    *w = '\0';
}

static bool is_kanji(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0x3005 ||
           (cp >= 0xF900 && cp <= 0xFAFF);
}

struct yomi *yomi_load(const char *path, char *err, size_t errsize)
{
    struct yomi *y = calloc(1, sizeof *y);
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 0;
    int line = 0;
    if (!y || !f) {
        snprintf(err, errsize, "%s: cannot open the reading dictionary", path);
        goto fail;
    }
    y->text = malloc(YOMI_FILE_MAX + 1);
    if (!y->text) {
        snprintf(err, errsize, "out of memory");
        goto fail;
    }
    len = fread(y->text, 1, YOMI_FILE_MAX + 1, f);
    if (len > YOMI_FILE_MAX) {
        snprintf(err, errsize, "%s: larger than %d bytes", path, YOMI_FILE_MAX);
        goto fail;
    }
    y->text[len] = '\0';
    for (char *p = y->text, *nl; p && *p; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        if (!*p || *p == '#')
            continue;
        char *eq = strstr(p, " = ");
        if (!eq || eq == p || !eq[3]) {
            snprintf(err, errsize, "%s line %d: not \"漢字 = かな\"", path, line);
            goto fail;
        }
        *eq = '\0';
        ascii_digits(p); /* "レベル４" matches the text's "レベル４" once both are ASCII */
        if (y->n == cap) {
            if (cap >= YOMI_WORDS_MAX) {
                snprintf(err, errsize, "%s: more than %d words", path, YOMI_WORDS_MAX);
                goto fail;
            }
            cap = cap ? cap * 2 : 256;
            struct word *w = realloc(y->words, cap * sizeof *w);
            if (!w) {
                snprintf(err, errsize, "out of memory");
                goto fail;
            }
            y->words = w;
        }
        y->words[y->n++] = (struct word){p, eq + 3, strlen(p)};
    }
    fclose(f);
    /* longest first: 避難指示 before 避難 */
    qsort(y->words, y->n, sizeof y->words[0], by_length);
    return y;
fail:
    if (f)
        fclose(f);
    yomi_destroy(y);
    return NULL;
}

void yomi_destroy(struct yomi *y)
{
    if (!y)
        return;
    free(y->words);
    free(y->text);
    free(y);
}

static void put(char *buf, size_t size, size_t *used, const char *s, size_t n)
{
    if (*used + n + 1 > size)
        return; /* the reading stops where the buffer does; what fits is said */
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
}

/* The longest dictionary word at p, or NULL. */
static const struct word *lookup(const struct yomi *y, const char *p)
{
    for (size_t i = 0; y && i < y->n; i++)
        if (!strncmp(p, y->words[i].kanji, y->words[i].klen))
            return &y->words[i];
    return NULL;
}

#define DAY "日"

/* Said in place of the first sentence that cannot be read whole. */
#define ON_SCREEN "がめんで たしかめてください。"

/* The end of a sentence: 。！？ or a line's end. */
static bool sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '\n';
}

/* A reading being made: buf, what is used of it, and the sentence being read. */
struct reading {
    char *buf;
    size_t size, used;
    size_t sentence; /* where the sentence being read starts in buf */
    size_t topic;    /* where its topic "…は" read whole ends, 0 if none */
    int unknown;     /* kanji of the sentence without a reading */
    bool on_screen_said;
};

/* The sentence ends: a sentence with a word left out is not said as fragments ("ばしょは
 * し です" for 場所は 横須賀市 です) but as its topic if read whole, then ON_SCREEN (once
 * a text; a later such sentence is left out whole). */
static void end_sentence(struct reading *r)
{
    if (r->unknown) {
        r->used = r->topic && !r->on_screen_said ? r->topic : r->sentence;
        r->buf[r->used] = '\0';
        if (!r->on_screen_said) {
            if (r->topic)
                put(r->buf, r->size, &r->used, " ", 1);
            put(r->buf, r->size, &r->used, ON_SCREEN, strlen(ON_SCREEN));
            r->on_screen_said = true;
        }
    }
    r->sentence = r->used;
    r->topic = 0;
    r->unknown = 0;
}

int yomi_read(const struct yomi *y, const char *text, char *buf, size_t size)
{
    struct reading r = {.buf = buf, .size = size};
    int unknown = 0;
    buf[0] = '\0';
    char *ascii = malloc(strlen(text) + 1);
    if (ascii) {
        memcpy(ascii, text, strlen(text) + 1);
        ascii_digits(ascii);
    }
    for (const char *p = ascii ? ascii : text; *p;) {
        size_t len;
        uint32_t cp = next_cp(p, &len);
        /* dictionary words first, also those written with kana and digits ("レベル4" =
         * れべるよん, "4日" = よっか) */
        const struct word *hit = lookup(y, p);
        if (hit) {
            put(buf, size, &r.used, hit->kana, strlen(hit->kana));
            p += hit->klen;
            continue;
        }
        /* "9:12" → "9じ 12ふん": espeak-ng reads the numbers in Japanese */
        if (cp >= '0' && cp <= '9') {
            const char *q = p;
            while (*q >= '0' && *q <= '9')
                q++;
            if (q - p == 3 && !strncmp(p, "119", 3) && !(*q >= '0' && *q <= '9')) {
                put(buf, size, &r.used, "いちいちきゅう", strlen("いちいちきゅう"));
                p = q;
                continue;
            }
            if (*q == ':' && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9') {
                put(buf, size, &r.used, p, (size_t)(q - p));
                put(buf, size, &r.used, "じ ", strlen("じ "));
                bool zero = q[1] == '0' && q[2] == '0';
                if (!zero) {
                    put(buf, size, &r.used, q[1] == '0' ? q + 2 : q + 1, q[1] == '0' ? 1 : 2);
                    put(buf, size, &r.used, "ふん", strlen("ふん"));
                }
                p = q + 3;
                continue;
            }
            put(buf, size, &r.used, p, (size_t)(q - p));
            /* "11日" → "11にち" (the days read otherwise, 4日 よっか, are dictionary words) */
            if (!strncmp(q, DAY, strlen(DAY))) {
                put(buf, size, &r.used, "にち", strlen("にち"));
                q += strlen(DAY);
            }
            p = q;
            continue;
        }
        p += len;
        if (is_kanji(cp)) {
            unknown++; /* never spelled out as "Chinese letter" */
            r.unknown++;
            continue;
        }
        put(buf, size, &r.used, p - len, len);
        if (cp == 0x306F && *p == ' ' && !r.unknown && !r.topic)
            r.topic = r.used; /* "場所は" read whole: "ばしょは がめんで …" */
        if (sentence_end(cp))
            end_sentence(&r);
    }
    end_sentence(&r);
    free(ascii);
    return unknown;
}
