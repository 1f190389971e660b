/*
 * checkup_csv: CSV import of checkup results, for senders that cannot send FHIR.
 *
 * One file (UTF-8, optional BOM, RFC 4180 quoting, at most CHECKUP_MAX_INPUT_BYTES) holds
 * one result per row; rows with the same insured person, source organisation and date
 * form one checkup. The first row names the columns (any order):
 *
 *   required: insurer_number, insured_number, source_org_id, date, item_code, value
 *   optional: insured_symbol, insured_branch, sex, birth_date, source_org_system,
 *             source_org_name, unit, ref_low, ref_high
 *
 * Every row goes through the same validation as a FHIR Observation (checkup_fhir.h): a
 * file is accepted whole or rejected with the row's line number and the reason. See
 * docs/checkup.md for the column meanings. Thread-safe; no I/O.
 */
#ifndef CHECKUP_CSV_H
#define CHECKUP_CSV_H

#include <stddef.h>

#include "checkup.h"

#define CHECKUP_CSV_MAX_ROWS     20000 /* result rows in one file */
#define CHECKUP_CSV_MAX_CHECKUPS 2000  /* checkups in one file */

/* The default source_org_system: the 特定健診機関番号 (10-digit checkup institution number). */
#define CHECKUP_CSV_ORG_SYSTEM "urn:oid:1.2.392.200119.6.102"

/*
 * Parses csv[0..len). On CHECKUP_OK *out is an owned list with at least one checkup, in
 * the order their first rows appear (free with checkup_list_free). Otherwise *out is NULL
 * and err (may be NULL) has err->row = the 1-based line of the bad row (1 = the header).
 */
enum checkup_status checkup_csv_parse(const char *csv, size_t len, struct checkup_list **out,
                                      struct checkup_error *err)
    __attribute__((warn_unused_result));

#endif
