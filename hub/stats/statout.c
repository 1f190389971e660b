/*
 * statout.c: a computed table set as CSV and JSON (stattab.h). Every entry of the extended
 * table is one row, cells and totals alike, in the engine's flat order (the same order on
 * every request); a suppressed entry carries the marker instead of its count, and its count
 * never reaches the output buffer.
 */
#include "stattab.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char *label_of(const struct stattab_dim *d, int i)
{
    return i == d->n ? STATTAB_TOTAL : d->label[i];
}

/* A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int stattab_csv(const struct stattab_set *s, FILE *f)
{
    int titled = s->ntables > 1;
    fputs("fiscal_year,", f);
    if (titled)
        fputs("item,", f);
    for (int d = 0; d < s->ndims; d++)
        fprintf(f, "%s,", s->dims[d].name);
    fputs("count\n", f);
    for (int t = 0; t < s->ntables; t++) {
        const struct sdc_table *tab = s->tables[t].t;
        int idx[SDC_MAX_DIMS];
        for (size_t e = 0; e < sdc_entries(tab); e++) {
            sdc_unflat(tab, e, idx);
            fprintf(f, "%d,", s->fiscal_year);
            if (titled) {
                csv_field(f, s->tables[t].title);
                fputc(',', f);
            }
            for (int d = 0; d < s->ndims; d++) {
                csv_field(f, label_of(&s->dims[d], idx[d]));
                fputc(',', f);
            }
            if (sdc_status_of(tab, e) == SDC_PUBLISHED)
                fprintf(f, "%lld\n", sdc_value(tab, e));
            else
                fputs(STATTAB_SUPPRESSED "\n", f);
        }
    }
    return ferror(f) ? -1 : 0;
}

char *stattab_json(const struct stattab_set *s)
{
    cJSON *o = cJSON_CreateObject();
    char *out = NULL;
    if (!o)
        return NULL;
    char asof[32];
    time_t c = (time_t)s->cutoff + 9 * 3600;
    struct tm tm;
    gmtime_r(&c, &tm);
    strftime(asof, sizeof asof, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
    cJSON_AddStringToObject(o, "table", stattab_name(s->kind));
    cJSON_AddNumberToObject(o, "municipality", (double)scope_town(s->town));
    cJSON_AddNumberToObject(o, "fiscal_year", s->fiscal_year);
    cJSON_AddStringToObject(o, "as_of", asof);
    cJSON_AddNumberToObject(o, "threshold", (double)s->rule.threshold);
    cJSON_AddStringToObject(o, "suppressed_marker", STATTAB_SUPPRESSED);
    cJSON_AddStringToObject(o, "total_label", STATTAB_TOTAL);
    cJSON_AddBoolToObject(o, "wholly_suppressed_tables", s->protection == SDC_FALLBACK);
    cJSON *cols = cJSON_AddArrayToObject(o, "columns");
    if (s->ntables > 1)
        cJSON_AddItemToArray(cols, cJSON_CreateString("item"));
    for (int d = 0; d < s->ndims; d++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(s->dims[d].name));
    cJSON_AddItemToArray(cols, cJSON_CreateString("count"));
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    for (int t = 0; t < s->ntables && rows; t++) {
        const struct sdc_table *tab = s->tables[t].t;
        int idx[SDC_MAX_DIMS];
        for (size_t e = 0; e < sdc_entries(tab); e++) {
            cJSON *r = cJSON_CreateArray();
            if (!r)
                goto out;
            cJSON_AddItemToArray(rows, r);
            sdc_unflat(tab, e, idx);
            if (s->ntables > 1)
                cJSON_AddItemToArray(r, cJSON_CreateString(s->tables[t].title));
            for (int d = 0; d < s->ndims; d++)
                cJSON_AddItemToArray(r, cJSON_CreateString(label_of(&s->dims[d], idx[d])));
            if (sdc_status_of(tab, e) == SDC_PUBLISHED)
                cJSON_AddItemToArray(r, cJSON_CreateNumber((double)sdc_value(tab, e)));
            else
                cJSON_AddItemToArray(r, cJSON_CreateString(STATTAB_SUPPRESSED));
        }
    }
    out = cJSON_PrintUnformatted(o);
out:
    cJSON_Delete(o);
    return out;
}
