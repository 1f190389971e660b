/*
 * jmapoll.h: hubd's JMA feed thread. Every poll interval it fetches the configured Atom
 * feed with a conditional request (If-None-Match / If-Modified-Since from the last answer,
 * so an unchanged feed costs a 304), and for each 気象警報・注意報（Ｈ２７） or 土砂災害警戒情報
 * entry not seen before (oldest first; only links on the feed's own origin; only the configured
 * offices when any are given) fetches the telegram, parses it (jmaxml.h) outside the writer, and
 * applies it in one writer job (notices_jma_apply, every change audited with actor "jma").
 * A refused telegram is recorded with its reason and logged (URL and reason only). A fetch
 * that fails is tried again at the next poll.
 */
#ifndef HUB_JMA_JMAPOLL_H
#define HUB_JMA_JMAPOLL_H

#include <stddef.h>

struct writer;

#define JMAPOLL_OFFICES_MAX 8

struct jmapoll_config {
    const char *feed_url;                     /* http(s) URL of the Atom feed */
    long poll_seconds;                        /* real seconds between polls (>= 1) */
    const char *offices[JMAPOLL_OFFICES_MAX]; /* entry author names to follow; none = all */
    int n_offices;
};

struct jmapoll;

/* Starts the thread (cfg's strings are borrowed for its life; w is borrowed). Returns
 * owned (jmapoll_stop) or NULL with err. */
struct jmapoll *jmapoll_start(const struct jmapoll_config *cfg, struct writer *w, char *err,
                              size_t errcap);

/* Stops and joins the thread (a fetch in progress ends within its timeout). Accepts NULL. */
void jmapoll_stop(struct jmapoll *p);

#endif
