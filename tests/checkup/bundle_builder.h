/*
 * bundle_builder: builds realistic JP-CLINS eCheckup document Bundles for the checkup
 * tests, the fuzz seed corpus and the benchmark.
 *
 * A spec names the person, the source organisation, the date and the results; bb_build
 * turns it into the Bundle a health system would send (Composition first, Patient,
 * checkup institution and insurer Organizations, Encounter, Coverage, one Observation per
 * result with UCUM unit, reference range and the sender's interpretation flag). Tests then
 * change the tree (bb_entry, bb_find_obs) to make each kind of bad Bundle.
 */
#ifndef BUNDLE_BUILDER_H
#define BUNDLE_BUILDER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define BB_MAX_OBS 64

struct bb_obs {
    const char *code; /* 17-digit item code */
    double value;
    const char *unit; /* UCUM unit as the sender writes it */
    int has_range;
    double low, high;
    const char *flag; /* sender's interpretation code ("N", "H", ...) or NULL */
    const char *text; /* for coded/text items: the value instead of a number */
};

struct bb_spec {
    const char *insurer, *symbol, *branch; /* insured-person identifier parts */
    char number[32];                       /* 被保険者証番号 */
    const char *gender;                    /* "male"/"female"/NULL */
    const char *birth_date;
    const char *org_id, *org_name; /* the checkup institution */
    char date[32];                 /* YYYY-MM-DD */
    const char *uuid_salt;         /* changes every fullUrl (same content, new UUIDs) */
    size_t n_obs;
    struct bb_obs obs[BB_MAX_OBS];
};

/* A realistic spec: person 0..n, checkup year, source 0 (city) or 1 (insurer's clinic),
 * HbA1c by a method that changes with the year, so one analyte shows several codes. */
void bb_spec_default(struct bb_spec *s, int person, int year, int source);

/* Adds one numeric result (replacing the value and unit of an earlier one with the same
 * code) and returns it, or NULL when the spec is full. */
struct bb_obs *bb_spec_set(struct bb_spec *s, const char *code, double value, const char *unit);

/* The Bundle as a cJSON tree (owned: cJSON_Delete). */
cJSON *bb_build(const struct bb_spec *s);

/* The Bundle as compact JSON (owned: free). */
char *bb_build_json(const struct bb_spec *s);

/* The resource of entry i, or NULL. */
cJSON *bb_entry(cJSON *bundle, int i);

/* Index of the Observation entry with this item code, or -1. */
int bb_find_obs(cJSON *bundle, const char *code);

/* Index of the first entry with this resourceType, or -1. */
int bb_find_type(cJSON *bundle, const char *type);

/* Prints the tree compactly (owned: free). */
char *bb_print(const cJSON *bundle);

#endif
