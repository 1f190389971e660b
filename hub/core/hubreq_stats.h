/*
 * hubreq_stats.h: the request body of the statistics opt-out (POST
 * /v1/session/stats-optout, docs/api.md). Same rules as hubreq.h; the fuzz target
 * tests/hub/fuzz_hubreq.c drives it.
 */
#ifndef HUB_REQ_STATS_H
#define HUB_REQ_STATS_H

#include "hubreq.h"

/* {"refuse": true|false}: *refuse 1 or 0. */
enum hubreq_status hubreq_parse_stats_optout(const char *body, size_t len, int *refuse, char *msg,
                                             size_t msgcap);

#endif
