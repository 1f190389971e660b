/*
 * checkup_internal: helpers shared by the two importers (FHIR and CSV) so both apply
 * exactly the same validation. Not part of the public API.
 */
#ifndef CHECKUP_INTERNAL_H
#define CHECKUP_INTERNAL_H

#include "checkup.h"

/* Fills err (may be NULL) and returns status. */
enum checkup_status checkup_error_set(struct checkup_error *err, enum checkup_status status,
                                      int entry, long row, const char *full_url, const char *fmt,
                                      ...) __attribute__((format(printf, 6, 7)));

/* Copies a string into a fixed array; -1 (and out = "") when it does not fit. */
int checkup_copy(char *out, size_t cap, const char *in);

/* Whether s is a plausible calendar date "YYYY-MM-DD" (1900..2100). */
int checkup_valid_date(const char *s);

/*
 * Validates a result against its dictionary item (value kind, unit, plausible range,
 * reference range) and canonicalises its unit to the dictionary's UCUM unit. unit_sent is
 * the unit as sent (NULL = none). On failure writes a plain-English reason (no values)
 * into why and returns the status.
 */
enum checkup_status checkup_result_check(struct checkup_result *r, const char *unit_sent, char *why,
                                         size_t why_cap);

/* Appends a zeroed result to c; NULL when out of memory or over CHECKUP_MAX_RESULTS
 * (*too_many set to 1 then). */
struct checkup_result *checkup_add_result(struct checkup *c, int *too_many);

#endif
