/*
 * checkup_dict_table: the generated item table (private to checkup_dict.c and the
 * generated source). Sorted by code so lookups can bisect.
 */
#ifndef CHECKUP_DICT_TABLE_H
#define CHECKUP_DICT_TABLE_H

#include "checkup_dict.h"

extern const struct checkup_item checkup_dict_table_[];
extern const size_t checkup_dict_table_count_;
extern const size_t checkup_dict_table_csv_rows_;

#endif
