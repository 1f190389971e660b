/*
 * test_checkup_fhir: the eCheckup Bundle parser on Bundles the test builds: realistic
 * ones (several years, sources and lab methods) parse with every field; each kind of bad
 * Bundle is rejected whole, naming the entry (index and fullUrl) and the reason.
 */
#include "bundle_builder.h"
#include "checkup_fhir.h"
#include "checkup_judge.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static enum checkup_status parse_tree(const cJSON *b, struct checkup **out,
                                      struct checkup_error *err)
{
    char *j = bb_print(b);
    enum checkup_status st = checkup_fhir_parse(j, strlen(j), out, err);
    free(j);
    return st;
}

static const struct checkup_result *find(const struct checkup *c, const char *identity)
{
    for (size_t i = 0; i < c->n_results; i++)
        if (strcmp(c->results[i].identity, identity) == 0)
            return &c->results[i];
    return NULL;
}

static const char *entry_url(cJSON *b, int i)
{
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "entry"), i);
    cJSON *u = e ? cJSON_GetObjectItem(e, "fullUrl") : NULL;
    return cJSON_IsString(u) ? u->valuestring : "";
}

/* Parses b, expects the rejection (status, entry, text in the message) and no output. */
static int rejects(cJSON *b, enum checkup_status want, int entry, const char *text)
{
    struct checkup *c = (struct checkup *)1;
    struct checkup_error err;
    memset(&err, 0, sizeof err);
    enum checkup_status st = parse_tree(b, &c, &err);
    int ok = st == want && c == NULL && err.status == want && err.entry == entry &&
             strstr(err.message, text) != NULL &&
             (entry < 0 ? err.full_url[0] == '\0' : strcmp(err.full_url, entry_url(b, entry)) == 0);
    if (!ok)
        fprintf(stderr, "  got %s entry %d url '%s': %s (want %s entry %d, '%s')\n",
                checkup_status_str(st), err.entry, err.full_url, err.message,
                checkup_status_str(want), entry, text);
    checkup_free(c == (struct checkup *)1 ? NULL : c);
    return ok;
}

static cJSON *default_bundle(void)
{
    struct bb_spec s;
    bb_spec_default(&s, 0, 2024, 0);
    return bb_build(&s);
}

static void t_parses_realistic_bundle(void)
{
    struct bb_spec s;
    struct checkup *c = NULL;
    struct checkup_error err;
    char key[256];

    bb_spec_default(&s, 1, 2024, 1);
    char *json = bb_build_json(&s);
    REQUIRE(checkup_fhir_parse(json, strlen(json), &c, &err) == CHECKUP_OK);
    free(json);
    REQUIRE(c != NULL);
    CHECK(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:1871:00");
    CHECK_STR_EQ(c->source_org_system, CHECKUP_FHIR_CHECKUP_ORG_SYSTEM);
    CHECK_STR_EQ(c->source_org_id, "1311234567");
    CHECK_STR_EQ(c->source_org_name, "みなと健診クリニック");
    CHECK_STR_EQ(c->date, "2024-07-11");
    CHECK_STR_EQ(c->birth_date, "1950-04-01");
    CHECK_INT_EQ(c->sex, CHECKUP_SEX_FEMALE);
    CHECK_STR_EQ(c->bundle_id_system, "http://jpfhir.jp/fhir/clins/bundle-identifier");
    CHECK(strncmp(c->bundle_id, "1311234567^2024^", 16) == 0);
    CHECK_INT_EQ(c->n_results, s.n_obs);
    const struct checkup_result *h = find(c, "3D046");
    REQUIRE(h != NULL);
    CHECK(h->kind == CHECKUP_V_NUMBER);
    CHECK(h->value > 5.89 && h->value < 5.91);
    CHECK_STR_EQ(h->unit, "%");
    CHECK(h->has_low && h->has_high && h->ref_low == 4.6 && h->ref_high == 5.5);
    CHECK_STR_EQ(h->sender_flag, "N");
    const struct checkup_result *sbp = find(c, "9A750");
    REQUIRE(sbp != NULL);
    CHECK_STR_EQ(sbp->code, "9A751000000000001");
    CHECK_STR_EQ(sbp->unit, "mm[Hg]");
    checkup_free(c);
}

static void t_years_sources_and_methods(void)
{
    /* Five years from two sources: HbA1c arrives under several method codes; all are one
     * analyte by identity code. */
    const struct checkup_item *first = NULL;
    int distinct_codes = 0;
    char seen[8][18];
    for (int year = 2021; year <= 2025; year++)
        for (int src = 0; src < 2; src++) {
            struct bb_spec s;
            struct checkup *c = NULL;
            struct checkup_error err;
            bb_spec_default(&s, 0, year, src);
            char *json = bb_build_json(&s);
            enum checkup_status st = checkup_fhir_parse(json, strlen(json), &c, &err);
            free(json);
            CHECK(st == CHECKUP_OK);
            if (st != CHECKUP_OK) {
                fprintf(stderr, "  %s\n", err.message);
                continue;
            }
            const struct checkup_result *h = find(c, "3D046");
            CHECK(h != NULL);
            if (h) {
                if (!first)
                    first = h->item;
                CHECK(checkup_dict_same_analyte(first, h->item));
                int known = 0;
                for (int k = 0; k < distinct_codes; k++)
                    known |= strcmp(seen[k], h->code) == 0;
                if (!known && distinct_codes < 8)
                    memcpy(seen[distinct_codes++], h->code, 18);
            }
            CHECK(c->date[0] == '2' && strncmp(c->date + 5, src ? "07" : "06", 2) == 0);
            CHECK_STR_EQ(c->source_org_id, src ? "1311234567" : "1310000001");
            checkup_free(c);
        }
    CHECK(distinct_codes >= 3);
}

static void t_fullwidth_identifiers_normalised(void)
{
    cJSON *b = default_bundle();
    cJSON *pat = bb_entry(b, bb_find_type(b, "Patient"));
    cJSON *id = cJSON_GetArrayItem(cJSON_GetObjectItem(pat, "identifier"), 0);
    cJSON_ReplaceItemInObject(id, "value",
                              cJSON_CreateString("０００１２３４５:あいう:１８７０:００"));
    struct checkup *c = NULL;
    struct checkup_error err;
    char key[256];
    REQUIRE(parse_tree(b, &c, &err) == CHECKUP_OK);
    CHECK(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:1870:00");
    checkup_free(c);
    cJSON_Delete(b);
}

static void t_member_from_coverage(void)
{
    cJSON *b = default_bundle();
    cJSON *pat = bb_entry(b, bb_find_type(b, "Patient"));
    cJSON_DeleteItemFromObject(pat, "identifier");
    struct checkup *c = NULL;
    struct checkup_error err;
    char key[256];
    REQUIRE(parse_tree(b, &c, &err) == CHECKUP_OK);
    CHECK(checkup_member_key(&c->member, key, sizeof key) == 0);
    CHECK_STR_EQ(key, "00012345:あいう:1870:00");
    checkup_free(c);
    /* Without the Coverage as well, nobody can be matched: rejected at the Patient. */
    int cov = bb_find_type(b, "Coverage");
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(b, "entry"), cov);
    CHECK(rejects(b, CHECKUP_ERR_MISSING, 1, "no insured-person identifier"));
    cJSON_Delete(b);
}

static void t_display_unit_accepted(void)
{
    struct bb_spec s;
    bb_spec_default(&s, 0, 2023, 0);
    bb_spec_set(&s, "3F077000002327101", 130, "mg/dl");
    cJSON *b = bb_build(&s);
    struct checkup *c = NULL;
    struct checkup_error err;
    REQUIRE(parse_tree(b, &c, &err) == CHECKUP_OK);
    const struct checkup_result *r = find(c, "3F077");
    REQUIRE(r != NULL);
    CHECK_STR_EQ(r->unit, "mg/dL");
    checkup_free(c);
    cJSON_Delete(b);
}

static void t_strict_ucum_spellings_accepted(void)
{
    /* The table writes eGFR as ml/min/1.73m2; strict UCUM senders write mL/min/{1.73_m2}. */
    struct bb_spec s;
    bb_spec_default(&s, 0, 2023, 0);
    bb_spec_set(&s, "8A065000002391901", 58.2, "mL/min/{1.73_m2}");
    bb_spec_set(&s, "2A010000001930101", 5600, "/uL");
    cJSON *b = bb_build(&s);
    struct checkup *c = NULL;
    struct checkup_error err;
    REQUIRE(parse_tree(b, &c, &err) == CHECKUP_OK);
    const struct checkup_result *r = find(c, "8A065");
    REQUIRE(r != NULL);
    CHECK_STR_EQ(r->unit, "ml/min/1.73m2");
    checkup_free(c);
    cJSON_Delete(b);
    bb_spec_set(&s, "8A065000002391901", 58.2, "mL/min");
    b = bb_build(&s);
    CHECK(rejects(b, CHECKUP_ERR_UNIT, bb_find_obs(b, "8A065000002391901"), "mL/min"));
    cJSON_Delete(b);
}

static void t_reject_not_document(void)
{
    cJSON *b = default_bundle();
    cJSON_ReplaceItemInObject(b, "type", cJSON_CreateString("collection"));
    CHECK(rejects(b, CHECKUP_ERR_NOT_DOCUMENT, -1, "type is \"collection\""));
    cJSON_ReplaceItemInObject(b, "type", cJSON_CreateString("document"));
    cJSON_ReplaceItemInObject(b, "resourceType", cJSON_CreateString("Patient"));
    CHECK(rejects(b, CHECKUP_ERR_NOT_DOCUMENT, -1, "not a FHIR Bundle"));
    cJSON_Delete(b);

    struct checkup *c = NULL;
    struct checkup_error err;
    CHECK(checkup_fhir_parse("{\"resourceType\":", 16, &c, &err) == CHECKUP_ERR_SYNTAX);
    CHECK(c == NULL && err.entry == -1 && strstr(err.message, "not valid JSON"));
    CHECK(checkup_fhir_parse("[]", 2, &c, &err) == CHECKUP_ERR_NOT_DOCUMENT);
    CHECK(checkup_fhir_parse("", 0, &c, &err) == CHECKUP_ERR_SYNTAX);
}

static void t_reject_missing_composition_or_patient(void)
{
    cJSON *b = default_bundle();
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(b, "entry"), 0);
    CHECK(rejects(b, CHECKUP_ERR_MISSING, -1, "no Composition"));
    cJSON_Delete(b);

    b = default_bundle();
    cJSON *entries = cJSON_GetObjectItem(b, "entry");
    cJSON *comp = cJSON_DetachItemFromArray(entries, 0);
    cJSON_AddItemToArray(entries, comp);
    CHECK(rejects(b, CHECKUP_ERR_INVALID, cJSON_GetArraySize(entries) - 1, "first entry"));
    cJSON_Delete(b);

    b = default_bundle();
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(b, "entry"), bb_find_type(b, "Patient"));
    CHECK(rejects(b, CHECKUP_ERR_MISSING, -1, "no Patient"));
    cJSON_Delete(b);

    b = default_bundle();
    cJSON_ReplaceItemInObject(bb_entry(b, 0), "type",
                              cJSON_Parse("{\"coding\":[{\"system\":\"http://loinc.org\","
                                          "\"code\":\"11488-4\"}]}"));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, 0, "53576-5"));
    cJSON_Delete(b);

    b = default_bundle();
    cJSON_AddItemToArray(cJSON_GetObjectItem(b, "entry"),
                         cJSON_Parse("{\"fullUrl\":\"urn:uuid:second-patient\",\"resource\":"
                                     "{\"resourceType\":\"Patient\"}}"));
    int last = cJSON_GetArraySize(cJSON_GetObjectItem(b, "entry")) - 1;
    CHECK(rejects(b, CHECKUP_ERR_INVALID, last, "second Patient"));
    cJSON_Delete(b);
}

static void t_reject_wrong_resource_type(void)
{
    cJSON *b = default_bundle();
    int i = bb_find_obs(b, "3F070000002327101");
    REQUIRE(i > 0);
    cJSON_ReplaceItemInObject(bb_entry(b, i), "resourceType",
                              cJSON_CreateString("MedicationRequest"));
    CHECK(rejects(b, CHECKUP_ERR_RESOURCE_TYPE, i, "MedicationRequest resource cannot be part"));
    cJSON_Delete(b);

    b = default_bundle();
    cJSON_DeleteItemFromObject(bb_entry(b, 3), "resourceType");
    CHECK(rejects(b, CHECKUP_ERR_RESOURCE_TYPE, 3, "no resourceType"));
    cJSON_Delete(b);
}

static void t_reject_missing_code(void)
{
    cJSON *b = default_bundle();
    int i = bb_find_obs(b, "3B035000002327201");
    REQUIRE(i > 0);
    cJSON_DeleteItemFromObject(bb_entry(b, i), "code");
    CHECK(rejects(b, CHECKUP_ERR_MISSING_CODE, i, "has no code"));
    cJSON_Delete(b);

    b = default_bundle();
    i = bb_find_obs(b, "3B035000002327201");
    cJSON *coding = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(bb_entry(b, i), "code"), "coding"), 0);
    cJSON_ReplaceItemInObject(coding, "system", cJSON_CreateString("http://loinc.org"));
    CHECK(rejects(b, CHECKUP_ERR_MISSING_CODE, i, "is not an item code system of the guide"));
    cJSON_Delete(b);
}

static void t_reject_unknown_item(void)
{
    struct bb_spec s;
    bb_spec_default(&s, 0, 2024, 0);
    bb_spec_set(&s, "3D046000001906299", 5.4, "%");
    cJSON *b = bb_build(&s);
    CHECK(rejects(b, CHECKUP_ERR_UNKNOWN_ITEM, bb_find_obs(b, "3D046000001906299"),
                  "not in the MHLW item table"));
    cJSON_Delete(b);
    bb_spec_default(&s, 0, 2024, 0);
    bb_spec_set(&s, "3D046", 5.4, "%");
    b = bb_build(&s);
    CHECK(rejects(b, CHECKUP_ERR_UNKNOWN_ITEM, bb_find_obs(b, "3D046"), "3D046"));
    cJSON_Delete(b);
}

static void t_reject_unit_mismatch(void)
{
    static const struct {
        const char *code, *unit;
        double v;
    } cases[] = {
        {"3D046000001906202", "mmol/mol", 40}, {"3D010000001926101", "mmol/L", 5.5},
        {"9A751000000000001", "kPa", 17},      {"9N006000000000001", "lb", 150},
        {"3F070000002327101", NULL, 50},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct bb_spec s;
        bb_spec_default(&s, 0, 2024, 0);
        bb_spec_set(&s, cases[k].code, cases[k].v, cases[k].unit);
        cJSON *b = bb_build(&s);
        CHECK(rejects(b, CHECKUP_ERR_UNIT, bb_find_obs(b, cases[k].code),
                      cases[k].unit ? "must be given in" : "no unit was sent"));
        cJSON_Delete(b);
    }
}

static void t_reject_impossible_values(void)
{
    static const struct {
        const char *code, *unit;
        double v;
        const char *why;
    } cases[] = {
        {"3D046000001906202", "%", -1, "cannot be negative"},
        {"3D046000001906202", "%", 45, "outside the possible range"},
        {"9A751000000000001", "mm[Hg]", 400, "outside the possible range"},
        {"9A761000000000001", "mm[Hg]", 5, "outside the possible range"},
        {"3D010000001926101", "mg/dL", 12345, "more digits than its format NNNN"},
        {"9N011000000000001", "kg/m2", 3, "outside the possible range"},
        {"3B035000002327201", "U/L", 123456, "more digits"},
        {"8A065000002391901", "ml/min/1.73m2", -3, "cannot be negative"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct bb_spec s;
        bb_spec_default(&s, 0, 2024, 0);
        bb_spec_set(&s, cases[k].code, cases[k].v, cases[k].unit);
        cJSON *b = bb_build(&s);
        CHECK(rejects(b, CHECKUP_ERR_VALUE, bb_find_obs(b, cases[k].code), cases[k].why));
        cJSON_Delete(b);
    }
    /* 肥満度 may be negative: a thin person. */
    struct bb_spec s;
    bb_spec_default(&s, 0, 2024, 0);
    bb_spec_set(&s, "9N026000000000002", -12.5, "%");
    char *json = bb_build_json(&s);
    struct checkup *c = NULL;
    struct checkup_error err;
    CHECK(checkup_fhir_parse(json, strlen(json), &c, &err) == CHECKUP_OK);
    checkup_free(c);
    free(json);

    /* A number too large for a double, a string instead of a number, a text value for a
     * numeric item, an inverted reference range. */
    bb_spec_default(&s, 0, 2024, 0);
    bb_spec_set(&s, "3F077000002327101", 118, "mg/dL");
    cJSON *b = bb_build(&s);
    int i = bb_find_obs(b, "3F077000002327101");
    char *txt = bb_print(b);
    char *p = strstr(txt, "\"value\":118");
    REQUIRE(p != NULL);
    size_t pre = (size_t)(p - txt);
    size_t n = strlen(txt) + 16;
    char *big = malloc(n);
    REQUIRE(big != NULL);
    snprintf(big, n, "%.*s\"value\":1e999%s", (int)pre, txt, p + strlen("\"value\":118"));
    c = NULL;
    CHECK(checkup_fhir_parse(big, strlen(big), &c, &err) == CHECKUP_ERR_VALUE);
    CHECK(c == NULL && err.entry == i && strstr(err.message, "finite"));
    free(big);
    free(txt);

    cJSON *vq = cJSON_GetObjectItem(bb_entry(b, i), "valueQuantity");
    cJSON_ReplaceItemInObject(vq, "value", cJSON_CreateString("118"));
    CHECK(rejects(b, CHECKUP_ERR_VALUE, i, "no numeric value"));
    cJSON_DeleteItemFromObject(bb_entry(b, i), "valueQuantity");
    cJSON_AddStringToObject(bb_entry(b, i), "valueString", "118");
    CHECK(rejects(b, CHECKUP_ERR_VALUE, i, "needs a numeric value"));
    cJSON_DeleteItemFromObject(bb_entry(b, i), "valueString");
    CHECK(rejects(b, CHECKUP_ERR_VALUE, i, "no value and no dataAbsentReason"));
    cJSON_Delete(b);

    b = default_bundle();
    i = bb_find_obs(b, "3F077000002327101");
    cJSON *rr = cJSON_GetArrayItem(cJSON_GetObjectItem(bb_entry(b, i), "referenceRange"), 0);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(rr, "low"), "value", cJSON_CreateNumber(500));
    CHECK(rejects(b, CHECKUP_ERR_VALUE, i, "low is above its high"));
    cJSON_Delete(b);
}

static void t_reject_other_problems(void)
{
    /* An Observation about someone else. */
    cJSON *b = default_bundle();
    int i = bb_find_obs(b, "3C015000002327101");
    cJSON_ReplaceItemInObject(bb_entry(b, i), "subject",
                              cJSON_Parse("{\"reference\":\"urn:uuid:someone-else\"}"));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, i, "not the document's Patient"));
    cJSON_Delete(b);

    /* The same item twice. */
    b = default_bundle();
    i = bb_find_obs(b, "3C015000002327101");
    cJSON *dup = cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "entry"), i), 1);
    cJSON_ReplaceItemInObject(dup, "fullUrl", cJSON_CreateString("urn:uuid:dup"));
    cJSON_AddItemToArray(cJSON_GetObjectItem(b, "entry"), dup);
    int last = cJSON_GetArraySize(cJSON_GetObjectItem(b, "entry")) - 1;
    CHECK(rejects(b, CHECKUP_ERR_INVALID, last, "appears twice"));
    /* Two entries with one fullUrl. */
    cJSON_ReplaceItemInObject(dup, "fullUrl", cJSON_CreateString(entry_url(b, i)));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, last, "same as an earlier entry"));
    cJSON_Delete(b);

    /* No date anywhere. */
    b = default_bundle();
    cJSON_DeleteItemFromObject(bb_entry(b, bb_find_type(b, "Encounter")), "period");
    cJSON_DeleteItemFromObject(bb_entry(b, 0), "date");
    CHECK(rejects(b, CHECKUP_ERR_MISSING, -1, "no checkup date"));
    cJSON_Delete(b);

    /* A malformed date. */
    b = default_bundle();
    int e = bb_find_type(b, "Encounter");
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(bb_entry(b, e), "period"), "start",
                              cJSON_CreateString("2024-13-01"));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, e, "not a date"));
    cJSON_Delete(b);

    /* A partial birthDate is allowed by FHIR and accepted; garbage is not. */
    b = default_bundle();
    cJSON_ReplaceItemInObject(bb_entry(b, 1), "birthDate", cJSON_CreateString("1950-04"));
    struct checkup *c = NULL;
    struct checkup_error err;
    CHECK(parse_tree(b, &c, &err) == CHECKUP_OK);
    CHECK(c && c->birth_date[0] == '\0');
    checkup_free(c);
    cJSON_ReplaceItemInObject(bb_entry(b, 1), "birthDate", cJSON_CreateString("1950-4-1"));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, 1, "birthDate"));
    cJSON_Delete(b);

    /* Malformed insured-person identifier. */
    b = default_bundle();
    cJSON *pat = bb_entry(b, 1);
    cJSON *id = cJSON_GetArrayItem(cJSON_GetObjectItem(pat, "identifier"), 0);
    cJSON_ReplaceItemInObject(id, "value", cJSON_CreateString("12345:x:1"));
    CHECK(rejects(b, CHECKUP_ERR_INVALID, 1, "insurer:symbol:number:branch"));
    cJSON_Delete(b);

    /* No source organisation. */
    b = default_bundle();
    cJSON_DeleteItemFromObject(bb_entry(b, 0), "author");
    cJSON_DeleteItemFromObject(bb_entry(b, 0), "custodian");
    cJSON_DeleteItemFromObject(bb_entry(b, bb_find_type(b, "Encounter")), "serviceProvider");
    CHECK(rejects(b, CHECKUP_ERR_MISSING, 0, "no source organisation"));
    cJSON_Delete(b);
}

static void t_skips_grouping_and_absent(void)
{
    cJSON *b = default_bundle();
    cJSON_AddItemToArray(
        cJSON_GetObjectItem(b, "entry"),
        cJSON_Parse("{\"fullUrl\":\"urn:uuid:absent\",\"resource\":{\"resourceType\":"
                    "\"Observation\",\"code\":{\"coding\":[{\"system\":\"urn:oid:1.2.392."
                    "200119.6.1005\",\"code\":\"3F050000002327101\"}]},\"dataAbsentReason\":"
                    "{\"text\":\"未実施\"}}}"));
    int i = bb_find_obs(b, "3C020000002327101");
    cJSON_ReplaceItemInObject(bb_entry(b, i), "status", cJSON_CreateString("entered-in-error"));
    struct checkup *c = NULL;
    struct checkup_error err;
    REQUIRE(parse_tree(b, &c, &err) == CHECKUP_OK);
    CHECK(find(c, "3F050") == NULL);
    CHECK(find(c, "3C020") == NULL);
    CHECK(find(c, "3C015") != NULL);
    checkup_free(c);
    cJSON_Delete(b);
}

static void t_caps(void)
{
    struct checkup *c = NULL;
    struct checkup_error err;
    size_t n = CHECKUP_MAX_INPUT_BYTES + 1;
    char *big = malloc(n);
    REQUIRE(big != NULL);
    memset(big, ' ', n);
    CHECK(checkup_fhir_parse(big, n, &c, &err) == CHECKUP_ERR_TOO_LARGE);
    CHECK(c == NULL && strstr(err.message, "larger than"));
    free(big);

    cJSON *b = default_bundle();
    cJSON *entries = cJSON_GetObjectItem(b, "entry");
    for (int k = 0; k < CHECKUP_MAX_ENTRIES; k++) {
        char url[64];
        snprintf(url, sizeof url, "urn:uuid:pad-%d", k);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "fullUrl", url);
        cJSON_AddItemToObject(e, "resource", cJSON_Parse("{\"resourceType\":\"Location\"}"));
        cJSON_AddItemToArray(entries, e);
    }
    CHECK(rejects(b, CHECKUP_ERR_TOO_LARGE, -1, "more than 2000 entries"));
    cJSON_Delete(b);

    b = default_bundle();
    char longurl[400];
    memset(longurl, 'a', sizeof longurl - 1);
    longurl[sizeof longurl - 1] = '\0';
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "entry"), 2), "fullUrl",
                              cJSON_CreateString(longurl));
    struct checkup_error e2;
    c = NULL;
    CHECK(parse_tree(b, &c, &e2) == CHECKUP_ERR_TOO_LARGE);
    CHECK(c == NULL && e2.entry == 2 && strstr(e2.message, "fullUrl is too long"));
    /* The error still locates the entry: by the start of its fullUrl. */
    CHECK(strlen(e2.full_url) == CHECKUP_URL_MAX - 1 &&
          strncmp(e2.full_url, longurl, CHECKUP_URL_MAX - 1) == 0);
    cJSON_Delete(b);
}

static void t_hash_stable(void)
{
    struct bb_spec s;
    struct checkup *a = NULL, *b2 = NULL, *d = NULL;
    struct checkup_error err;
    char ha[65], hb[65], hd[65];

    bb_spec_default(&s, 0, 2024, 0);
    char *j1 = bb_build_json(&s);
    s.uuid_salt = "resent";
    cJSON *t = bb_build(&s);
    /* Re-sent with new UUIDs, entries in another order, another Bundle id. */
    /* Reverse the Observations (entries 6..): take every entry out, put them back. */
    cJSON *entries = cJSON_GetObjectItem(t, "entry");
    cJSON *all[BB_MAX_OBS + 8];
    int ne = 0;
    while (cJSON_GetArraySize(entries) > 0 && ne < BB_MAX_OBS + 8)
        all[ne++] = cJSON_DetachItemFromArray(entries, 0);
    for (int k = 0; k < 6; k++)
        cJSON_AddItemToArray(entries, all[k]);
    for (int k = ne - 1; k >= 6; k--)
        cJSON_AddItemToArray(entries, all[k]);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(t, "identifier"), "value",
                              cJSON_CreateString("other-id"));
    char *j2 = bb_print(t);
    cJSON_Delete(t);
    CHECK(strcmp(j1, j2) != 0);
    REQUIRE(checkup_fhir_parse(j1, strlen(j1), &a, &err) == CHECKUP_OK);
    REQUIRE(checkup_fhir_parse(j2, strlen(j2), &b2, &err) == CHECKUP_OK);
    CHECK_INT_EQ(b2->n_results, a->n_results);
    CHECK(strcmp(b2->results[0].code, a->results[0].code) != 0);
    CHECK(checkup_hash_hex(a, ha) == CHECKUP_OK);
    CHECK(checkup_hash_hex(b2, hb) == CHECKUP_OK);
    CHECK_STR_EQ(ha, hb);
    CHECK(strlen(ha) == 64);

    s.uuid_salt = NULL;
    bb_spec_set(&s, "3F070000002327101", 53, "mg/dL");
    char *j3 = bb_build_json(&s);
    REQUIRE(checkup_fhir_parse(j3, strlen(j3), &d, &err) == CHECKUP_OK);
    CHECK(checkup_hash_hex(d, hd) == CHECKUP_OK);
    CHECK(strcmp(ha, hd) != 0);
    checkup_free(a);
    checkup_free(b2);
    checkup_free(d);
    free(j1);
    free(j2);
    free(j3);
}

int main(void)
{
    TEST_RUN(t_parses_realistic_bundle);
    TEST_RUN(t_years_sources_and_methods);
    TEST_RUN(t_fullwidth_identifiers_normalised);
    TEST_RUN(t_member_from_coverage);
    TEST_RUN(t_display_unit_accepted);
    TEST_RUN(t_strict_ucum_spellings_accepted);
    TEST_RUN(t_reject_not_document);
    TEST_RUN(t_reject_missing_composition_or_patient);
    TEST_RUN(t_reject_wrong_resource_type);
    TEST_RUN(t_reject_missing_code);
    TEST_RUN(t_reject_unknown_item);
    TEST_RUN(t_reject_unit_mismatch);
    TEST_RUN(t_reject_impossible_values);
    TEST_RUN(t_reject_other_problems);
    TEST_RUN(t_skips_grouping_and_absent);
    TEST_RUN(t_caps);
    TEST_RUN(t_hash_stable);
    return test_summary();
}
