/*
 * checkup_dict: lookups over the generated item table (see checkup_dict.h).
 */
#include "checkup_dict.h"
#include "checkup_dict_table.h"

#include <string.h>

size_t checkup_dict_count(void)
{
    return checkup_dict_table_count_;
}

size_t checkup_dict_csv_rows(void)
{
    return checkup_dict_table_csv_rows_;
}

const struct checkup_item *checkup_dict_at(size_t i)
{
    return i < checkup_dict_table_count_ ? &checkup_dict_table_[i] : NULL;
}

const struct checkup_item *checkup_dict_lookup(const char *code)
{
    size_t lo = 0, hi = checkup_dict_table_count_;

    if (!code || strlen(code) != CHECKUP_CODE_LEN)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, checkup_dict_table_[mid].code);
        if (c == 0)
            return &checkup_dict_table_[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int checkup_dict_same_analyte(const struct checkup_item *a, const struct checkup_item *b)
{
    if (!a || !b || a->identity[0] == '\0')
        return 0;
    return strcmp(a->identity, b->identity) == 0 && strcmp(a->unit_ucum, b->unit_ucum) == 0;
}

int checkup_dict_is_casual(const struct checkup_item *item)
{
    return item && strncmp(item->code + CHECKUP_IDENTITY_LEN, "1299", 4) == 0;
}

const char *checkup_dtype_str(enum checkup_dtype t)
{
    switch (t) {
    case CHECKUP_DT_NONE:
        return "none";
    case CHECKUP_DT_NUMBER:
        return "number";
    case CHECKUP_DT_CODE:
        return "code";
    case CHECKUP_DT_TEXT:
        return "text";
    case CHECKUP_DT_DATE:
        return "date";
    }
    return "unknown";
}
