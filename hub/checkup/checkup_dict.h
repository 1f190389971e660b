/*
 * checkup_dict: the MHLW 特定健診 item dictionary (XML用特定健診項目情報 V4).
 *
 * The table is generated at build time from the shared item table CSV by
 * checkup_dict_gen (see CMakeLists.txt), so the code and the ministry's table cannot drift.
 * Items are keyed by the 17-digit JLAC10-based item code (項目コード); the 5-character
 * 同一性項目コード (identity code) names the analyte regardless of the lab method, so two
 * results with different 17-digit codes but the same identity code are the same item for
 * judgement and trends. All data is static and read-only: every function is thread-safe.
 */
#ifndef CHECKUP_DICT_H
#define CHECKUP_DICT_H

#include <stddef.h>

#define CHECKUP_CODE_LEN     17 /* 項目コード */
#define CHECKUP_IDENTITY_LEN 5  /* 同一性項目コード */

/* The table's データタイプ column. */
enum checkup_dtype {
    CHECKUP_DT_NONE = 0, /* the table gives none (a few grouping rows) */
    CHECKUP_DT_NUMBER,   /* 数字: PQ, a valueQuantity */
    CHECKUP_DT_CODE,     /* コード: CD/CO, a valueCodeableConcept */
    CHECKUP_DT_TEXT,     /* 文字列: ST, a valueString */
    CHECKUP_DT_DATE,     /* 年月日: a date */
};

/* One row of the item table. All strings are static UTF-8, never NULL ("" when empty). */
struct checkup_item {
    const char *code;          /* 17 digits/letters, e.g. "3D046000001906202" */
    const char *name;          /* 項目名, e.g. "HbA1c(NGSP値)" */
    const char *unit_display;  /* 表示用単位, e.g. "mg/dl" */
    const char *unit_ucum;     /* XML用単位 (UCUM), e.g. "mg/dL"; "" = dimensionless */
    const char *identity;      /* 同一性項目コード, 5 chars, e.g. "3D046" */
    const char *identity_name; /* 同一性項目名称 */
    const char *method;        /* 検査方法, "" if the item has one method */
    const char *xml_type;      /* XMLデータ型: "PQ", "CD", "CO", "ST", "TS", "" */
    const char *format;        /* 数値型の場合の形式, e.g. "NN.N" */
    enum checkup_dtype dtype;
    double max_value;       /* the largest value the format can hold (99.9 for "NN.N") */
    int decimals;           /* digits after the point in the format */
    const char *result_oid; /* 結果コードOID: the code system of a coded result, without
                               "urn:oid:" (e.g. "1.2.392.200119.6.2102"); "" if none */
};

/* Number of items in the dictionary (rows of the table that carry an item code). */
size_t checkup_dict_count(void);

/* Number of data rows in the source CSV below the header, including the note rows
 * (rows without an item code) that the dictionary skips. */
size_t checkup_dict_csv_rows(void);

/* The i-th item in code order; NULL when i >= checkup_dict_count(). */
const struct checkup_item *checkup_dict_at(size_t i);

/* The item with this 17-character code, or NULL. code need not be NUL-terminated after
 * 17 characters: exactly strlen(code) must be 17. */
const struct checkup_item *checkup_dict_lookup(const char *code);

/* Whether two items are the same analyte: the same identity code and the same UCUM unit.
 * The unit is compared too because the table reuses one identity code for different
 * specimens (3A015 is serum albumin in g/dL and urine albumin in mg/L). */
int checkup_dict_same_analyte(const struct checkup_item *a, const struct checkup_item *b);

/* Whether the item is a casual (随時, non-fasting) measurement: code positions 6-9 "1299". */
int checkup_dict_is_casual(const struct checkup_item *item);

/* Readable name of a data type ("number", "code", "text", "date", "none"). */
const char *checkup_dtype_str(enum checkup_dtype t);

#endif
