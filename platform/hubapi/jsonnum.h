/*
 * jsonnum.h: whole numbers in the hub's JSON answers, read so that a damaged or hostile
 * answer cannot make the conversion undefined (a double past long long's range, NaN).
 */
#ifndef JSONNUM_H
#define JSONNUM_H

#include <cjson/cJSON.h>

/* The number under key in o as a long long; 0 when it is missing, not a number, or not
 * within ±2^53 (the hub's ids, counts and Unix times are far inside; past that a double
 * no longer holds every whole number). */
long long jsonnum_ll(const cJSON *o, const char *key);

#endif
