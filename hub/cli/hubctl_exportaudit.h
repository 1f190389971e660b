/*
 * hubctl_exportaudit.h: the check of the audit log inside a town's export file (docs/hub.md
 * "Export of a town"): the town's own log, its records (table "audit") and signed tree
 * heads (table "audit_heads", before the records), re-verified from the file alone: the
 * records run 1, 2, ... with each one's hash and previous hash whole, the heads are signed
 * by the town's key (the file's header names it), run 1, 2, ... each naming the one before
 * it, each head's root is the root of the records it covers, and the newest head covers
 * every record in the file. Nothing of another town is needed, or could help.
 */
#ifndef HUB_CLI_EXPORTAUDIT_H
#define HUB_CLI_EXPORTAUDIT_H

#include <stddef.h>

struct cJSON;
struct exportaudit;

/* A check of log's rows signed by pub_hex (64 hex digits). NULL when out of memory. */
struct exportaudit *exportaudit_new(const char *pub_hex, long long log);
void exportaudit_free(struct exportaudit *x);

/* One row of the file (rows of other tables are ignored). 0, or -1 with a sentence in msg. */
int exportaudit_row(struct exportaudit *x, const char *table, const struct cJSON *row, char *msg,
                    size_t cap);

/* After the last row. 0 (*records and *heads say how many were checked), or -1 with a
 * sentence in msg. */
int exportaudit_end(struct exportaudit *x, long long *records, long long *heads, char *msg,
                    size_t cap);

#endif
