/*
 * checkup_fhir: eCheckup document Bundle -> struct checkup (see checkup_fhir.h).
 *
 * Two passes over Bundle.entry: the first checks every entry's shape and resource type and
 * indexes the resources by fullUrl; the second reads the Patient, the source organisation,
 * the date and the Observations. Any failure stops the parse with the entry and reason,
 * so nothing half-parsed ever reaches the hub.
 */
#include "checkup_fhir.h"
#include "checkup_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fctx {
    const cJSON *entries;
    int n;
    const cJSON **res; /* entry i's resource */
    const char **url;  /* entry i's fullUrl */
    const char **type; /* entry i's resourceType */
    int comp, patient, encounter;
    int n_cov, cov[2]; /* the Coverage entries (a service and an insurance Coverage) */
    struct checkup *c;
    struct checkup_error *err;
};

/* Resource types an eCheckup document may carry (the profile's members plus the
 * practitioner and specimen resources some senders add); anything else is rejected. */
static const char *const allowed_types[] = {
    "Composition",      "Patient",     "Organization",      "Encounter",
    "Coverage",         "Observation", "Practitioner",      "PractitionerRole",
    "DiagnosticReport", "Specimen",    "DocumentReference", "Location",
};

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static const cJSON *jobj(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *jarr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsArray(v) ? v : NULL;
}

/* The first element of an array member when it is an object (FHIR repeats many things). */
static const cJSON *jfirst(const cJSON *o, const char *k)
{
    const cJSON *a = jarr(o, k);
    const cJSON *v = a ? a->child : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

static enum checkup_status fail(struct fctx *x, enum checkup_status st, int entry, const char *msg)
{
    const char *url = entry >= 0 && entry < x->n && x->url ? x->url[entry] : NULL;
    if (entry < 0)
        return checkup_error_set(x->err, st, -1, 0, NULL, "Bundle: %s", msg);
    return checkup_error_set(x->err, st, entry, 0, url, "entry %d (%.100s): %s", entry,
                             url ? url : "no fullUrl", msg);
}

/* Index of the entry a Reference points to: by fullUrl, or by "Type/id". -1 if none. */
static int resolve(const struct fctx *x, const cJSON *refobj)
{
    const char *ref = refobj ? jstr(refobj, "reference") : NULL;
    if (!ref)
        return -1;
    for (int i = 0; i < x->n; i++)
        if (x->url[i] && strcmp(x->url[i], ref) == 0)
            return i;
    const char *slash = strchr(ref, '/');
    if (!slash || strchr(slash + 1, '/'))
        return -1;
    for (int i = 0; i < x->n; i++) {
        const char *id = jstr(x->res[i], "id");
        size_t tl = (size_t)(slash - ref);
        if (id && strlen(x->type[i]) == tl && strncmp(x->type[i], ref, tl) == 0 &&
            strcmp(id, slash + 1) == 0)
            return i;
    }
    return -1;
}

static int is_allowed(const char *type)
{
    for (size_t i = 0; i < sizeof allowed_types / sizeof allowed_types[0]; i++)
        if (strcmp(type, allowed_types[i]) == 0)
            return 1;
    return 0;
}

static enum checkup_status index_entries(struct fctx *x)
{
    char msg[256];
    for (int i = 0; i < x->n; i++) {
        const cJSON *e = cJSON_GetArrayItem(x->entries, i);
        if (!cJSON_IsObject(e))
            return fail(x, CHECKUP_ERR_INVALID, i, "the entry is not a JSON object");
        x->url[i] = jstr(e, "fullUrl");
        if (!x->url[i])
            return fail(x, CHECKUP_ERR_INVALID, i,
                        "the entry has no fullUrl; every entry of a document Bundle needs one");
        if (strlen(x->url[i]) >= CHECKUP_URL_MAX)
            return fail(x, CHECKUP_ERR_TOO_LARGE, i, "the entry's fullUrl is too long");
        for (int j = 0; j < i; j++)
            if (strcmp(x->url[j], x->url[i]) == 0)
                return fail(x, CHECKUP_ERR_INVALID, i,
                            "the entry's fullUrl is the same as an earlier entry's");
        x->res[i] = jobj(e, "resource");
        if (!x->res[i])
            return fail(x, CHECKUP_ERR_INVALID, i, "the entry has no resource object");
        x->type[i] = jstr(x->res[i], "resourceType");
        if (!x->type[i])
            return fail(x, CHECKUP_ERR_RESOURCE_TYPE, i, "the resource has no resourceType");
        if (!is_allowed(x->type[i])) {
            snprintf(msg, sizeof msg,
                     "a %.40s resource cannot be part of an eCheckup document (allowed: "
                     "Composition, Patient, Organization, Encounter, Coverage, Observation, "
                     "Practitioner(Role), DiagnosticReport, Specimen, DocumentReference, "
                     "Location)",
                     x->type[i]);
            return fail(x, CHECKUP_ERR_RESOURCE_TYPE, i, msg);
        }
        if (strcmp(x->type[i], "Composition") == 0) {
            if (x->comp >= 0)
                return fail(x, CHECKUP_ERR_INVALID, i, "a second Composition in one document");
            x->comp = i;
        } else if (strcmp(x->type[i], "Patient") == 0) {
            if (x->patient >= 0)
                return fail(x, CHECKUP_ERR_INVALID, i,
                            "a second Patient: an eCheckup document is about one person");
            x->patient = i;
        } else if (strcmp(x->type[i], "Encounter") == 0 && x->encounter < 0) {
            x->encounter = i;
        } else if (strcmp(x->type[i], "Coverage") == 0) {
            if (x->n_cov == 2)
                return fail(x, CHECKUP_ERR_INVALID, i,
                            "a third Coverage: an eCheckup carries at most two (the checkup "
                            "service and the insurance)");
            x->cov[x->n_cov++] = i;
        }
    }
    return CHECKUP_OK;
}

/* Composition.category: the report category (報告区分). Checkup results of every kind the
 * guide defines are taken; deletion requests (x9) and 特定保健指導 reports (21-25) are
 * not checkup results and are refused in words. */
static enum checkup_status read_category(struct fctx *x, const cJSON *comp)
{
    char msg[200];
    const char *code = jstr(jfirst(jfirst(comp, "category"), "coding"), "code");
    if (!code)
        return CHECKUP_OK; /* senders before the category was required: a checkup */
    if (checkup_copy(x->c->category, sizeof x->c->category, code) != 0)
        return fail(x, CHECKUP_ERR_TOO_LARGE, 0, "the Composition's category code is too long");
    size_t n = strlen(code);
    if (n == 2 && code[1] == '9' && code[0] != '9') {
        snprintf(msg, sizeof msg,
                 "the Composition's category %s is a request to delete an earlier report, not a "
                 "checkup result; the hub does not take deletion requests",
                 code);
        return fail(x, CHECKUP_ERR_INVALID, 0, msg);
    }
    if (n == 2 && code[0] == '2') {
        snprintf(msg, sizeof msg,
                 "the Composition's category %s is a 特定保健指導 (health guidance) report, not "
                 "a checkup result",
                 code);
        return fail(x, CHECKUP_ERR_INVALID, 0, msg);
    }
    return CHECKUP_OK;
}

static enum checkup_status check_composition(struct fctx *x)
{
    if (x->comp < 0)
        return fail(x, CHECKUP_ERR_MISSING, -1,
                    "the Bundle has no Composition; an eCheckup document starts with one");
    if (x->comp != 0)
        return fail(x, CHECKUP_ERR_INVALID, x->comp,
                    "the Composition must be the first entry of a document Bundle");
    const cJSON *comp = x->res[0];
    const cJSON *coding = jarr(jobj(comp, "type"), "coding");
    int typed = 0;
    const cJSON *cd;
    cJSON_ArrayForEach(cd, coding)
    {
        const char *sys = jstr(cd, "system"), *code = jstr(cd, "code");
        if (sys && code &&
            (strcmp(sys, CHECKUP_FHIR_DOC_TYPE_SYSTEM) == 0 ||
             strcmp(sys, CHECKUP_FHIR_LOINC) == 0) &&
            strcmp(code, CHECKUP_FHIR_DOC_TYPE) == 0)
            typed = 1;
    }
    if (!typed)
        return fail(x, CHECKUP_ERR_INVALID, 0,
                    "the Composition's type is not 53576-5 (検診・健診報告書) of "
                    "" CHECKUP_FHIR_DOC_TYPE_SYSTEM " (or LOINC)");
    enum checkup_status st = read_category(x, comp);
    if (st != CHECKUP_OK)
        return st;
    const char *cdate = jstr(comp, "date");
    if (cdate && strlen(cdate) >= 10) {
        char day[CHECKUP_DATE_MAX];
        snprintf(day, sizeof day, "%s", cdate);
        if (checkup_valid_date(day))
            memcpy(x->c->doc_date, day, sizeof day);
    }
    if (x->patient < 0)
        return fail(x, CHECKUP_ERR_MISSING, -1, "the Bundle has no Patient");
    if (resolve(x, jobj(comp, "subject")) != x->patient)
        return fail(x, CHECKUP_ERR_INVALID, 0,
                    "the Composition's subject does not reference the Bundle's Patient");
    return CHECKUP_OK;
}

/* The insured-person key from a Coverage: the payor's insurer number and the
 * JP Core extensions for symbol, number and branch. -1 if incomplete. */
static int member_from_coverage(const struct fctx *x, struct checkup_member *m)
{
    const char *sym = "", *num = NULL, *br = "", *ins = NULL;
    char joined[4 * CHECKUP_ID_MAX + 8];
    const cJSON *ext;

    const cJSON *cov = NULL;
    /* The insurance Coverage carries the JP Core extensions; the service Coverage (受診券)
     * has none. */
    for (int k = 0; k < x->n_cov && !cov; k++)
        cJSON_ArrayForEach(ext, jarr(x->res[x->cov[k]], "extension"))
        {
            const char *url = jstr(ext, "url");
            if (url && strcmp(url, CHECKUP_FHIR_EXT_NUMBER) == 0)
                cov = x->res[x->cov[k]];
        }
    if (!cov)
        return -1;
    cJSON_ArrayForEach(ext, jarr(cov, "extension"))
    {
        const char *url = jstr(ext, "url"), *v = jstr(ext, "valueString");
        if (!url || !v)
            continue;
        if (strcmp(url, CHECKUP_FHIR_EXT_SYMBOL) == 0)
            sym = v;
        else if (strcmp(url, CHECKUP_FHIR_EXT_NUMBER) == 0)
            num = v;
        else if (strcmp(url, CHECKUP_FHIR_EXT_SUBNUMBER) == 0)
            br = v;
    }
    const cJSON *payor;
    cJSON_ArrayForEach(payor, jarr(cov, "payor"))
    {
        int p = resolve(x, payor);
        const cJSON *id;
        if (p < 0 || strcmp(x->type[p], "Organization") != 0)
            continue;
        cJSON_ArrayForEach(id, jarr(x->res[p], "identifier"))
        {
            const char *s = jstr(id, "system");
            if (s && (strcmp(s, CHECKUP_FHIR_INSURER_SYSTEM) == 0 ||
                      strcmp(s, CHECKUP_FHIR_INSURER_SYSTEM_URL) == 0))
                ins = jstr(id, "value");
        }
    }
    if (!num || !ins)
        return -1;
    int n = snprintf(joined, sizeof joined, "%s:%s:%s:%s", ins, sym, num, br);
    if (n < 0 || (size_t)n >= sizeof joined)
        return -1;
    return checkup_member_parse(joined, m);
}

/* FHIR allows a birthDate of "YYYY" or "YYYY-MM"; it is accepted but not kept, because
 * the hub only uses full dates. */
static int partial_date(const char *s)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

static enum checkup_status read_patient(struct fctx *x)
{
    const cJSON *pat = x->res[x->patient];
    const char *g = jstr(pat, "gender"), *bd = jstr(pat, "birthDate");
    const cJSON *id;
    int found = 0;

    if (g && strcmp(g, "male") == 0)
        x->c->sex = CHECKUP_SEX_MALE;
    else if (g && strcmp(g, "female") == 0)
        x->c->sex = CHECKUP_SEX_FEMALE;
    else if (g && strcmp(g, "other") == 0)
        x->c->sex = CHECKUP_SEX_OTHER;
    if (bd && checkup_valid_date(bd)) {
        memcpy(x->c->birth_date, bd, CHECKUP_DATE_MAX);
    } else if (bd && !partial_date(bd)) {
        return fail(x, CHECKUP_ERR_INVALID, x->patient,
                    "the Patient's birthDate is not a date written YYYY-MM-DD (or YYYY, YYYY-MM)");
    }
    cJSON_ArrayForEach(id, jarr(pat, "identifier"))
    {
        const char *s = jstr(id, "system"), *v = jstr(id, "value");
        if (!s || !v ||
            (strcmp(s, CHECKUP_FHIR_MEMBER_SYSTEM) != 0 &&
             strcmp(s, CHECKUP_FHIR_MEMBER_SYSTEM_OLD) != 0))
            continue;
        if (checkup_member_parse(v, &x->c->member) != 0)
            return fail(x, CHECKUP_ERR_INVALID, x->patient,
                        "the Patient's insured-person identifier is not "
                        "\"insurer:symbol:number:branch\" (6 or 8-digit insurer number, "
                        "2-digit branch or empty)");
        found = 1;
        break;
    }
    struct checkup_member cm;
    if (member_from_coverage(x, &cm) == 0) {
        char a[4 * CHECKUP_ID_MAX + 4], b[4 * CHECKUP_ID_MAX + 4];
        if (!found) {
            x->c->member = cm;
            found = 1;
        } else if (checkup_member_key(&x->c->member, a, sizeof a) == 0 &&
                   checkup_member_key(&cm, b, sizeof b) == 0 && strcmp(a, b) != 0) {
            x->c->alt_member = cm;
            x->c->has_alt_member = 1;
        }
    }
    if (!found)
        return fail(
            x, CHECKUP_ERR_MISSING, x->patient,
            "the Patient has no insured-person identifier (system " CHECKUP_FHIR_MEMBER_SYSTEM
            ") and no Coverage gives the insurer number and the insured person's "
            "number");
    return CHECKUP_OK;
}

static int org_of(const struct fctx *x, const cJSON *ref)
{
    int i = resolve(x, ref);
    return i >= 0 && strcmp(x->type[i], "Organization") == 0 ? i : -1;
}

static enum checkup_status read_source(struct fctx *x)
{
    const cJSON *comp = x->res[0], *a, *id;
    int org = -1;

    /* The author made the report; the custodian keeps it; the Encounter's serviceProvider
     * performed it. In an eCheckup these are the same institution; take the first. */
    cJSON_ArrayForEach(a, jarr(comp, "author"))
    {
        if (org < 0)
            org = org_of(x, a);
    }
    if (org < 0)
        org = org_of(x, jobj(comp, "custodian"));
    if (org < 0 && x->encounter >= 0)
        org = org_of(x, jobj(x->res[x->encounter], "serviceProvider"));
    if (org < 0)
        return fail(x, CHECKUP_ERR_MISSING, 0,
                    "no source organisation: the Composition's author or custodian must "
                    "reference an Organization in the Bundle");

    const char *sys = NULL, *val = NULL;
    static const char *const pref[] = {CHECKUP_FHIR_CHECKUP_ORG_SYSTEM,
                                       CHECKUP_FHIR_INSTITUTION_SYSTEM};
    for (size_t p = 0; p < 2 && !val; p++)
        cJSON_ArrayForEach(id, jarr(x->res[org], "identifier"))
        {
            const char *s = jstr(id, "system"), *v = jstr(id, "value");
            if (s && v && strcmp(s, pref[p]) == 0 && !val) {
                sys = s;
                val = v;
            }
        }
    if (!val)
        cJSON_ArrayForEach(id, jarr(x->res[org], "identifier"))
        {
            const char *s = jstr(id, "system"), *v = jstr(id, "value");
            if (s && v && !val) {
                sys = s;
                val = v;
            }
        }
    if (!val || !val[0])
        return fail(x, CHECKUP_ERR_MISSING, org,
                    "the source Organization has no identifier (system and value)");
    if (checkup_copy(x->c->source_org_system, sizeof x->c->source_org_system, sys) != 0 ||
        checkup_normalize_id(val, x->c->source_org_id, sizeof x->c->source_org_id) != 0)
        return fail(x, CHECKUP_ERR_TOO_LARGE, org,
                    "the source Organization's identifier is too long");
    const char *name = jstr(x->res[org], "name");
    if (name && checkup_copy(x->c->source_org_name, sizeof x->c->source_org_name, name) != 0)
        return fail(x, CHECKUP_ERR_TOO_LARGE, org, "the source Organization's name is too long");
    return CHECKUP_OK;
}

static enum checkup_status read_date(struct fctx *x)
{
    const char *d = NULL;
    int where = 0;

    if (x->encounter >= 0) {
        d = jstr(jobj(x->res[x->encounter], "period"), "start");
        where = x->encounter;
    }
    if (!d) {
        d = jstr(jobj(jfirst(x->res[0], "event"), "period"), "start");
        where = 0;
    }
    if (!d)
        d = jstr(x->res[0], "date");
    if (!d)
        return fail(x, CHECKUP_ERR_MISSING, -1,
                    "no checkup date: give Encounter.period.start or Composition.date");
    /* A dateTime starts with the date; the checkup is recorded by day. */
    char day[CHECKUP_DATE_MAX];
    snprintf(day, sizeof day, "%s", d);
    if (!checkup_valid_date(day) || (strlen(d) > 10 && d[10] != 'T'))
        return fail(x, CHECKUP_ERR_INVALID, where,
                    "the checkup date is not a date written YYYY-MM-DD");
    memcpy(x->c->date, day, sizeof day);
    return CHECKUP_OK;
}

static int has_value(const cJSON *obs)
{
    static const char *const keys[] = {"valueQuantity", "valueCodeableConcept", "valueString",
                                       "valueDateTime", "valueInteger",         "valueBoolean",
                                       "valuePeriod",   "valueRange",           "valueRatio"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(obs, keys[i]))
            return 1;
    return 0;
}

/* The dictionary item a CodeableConcept names: its first coding in the item code system
 * (特定健診項目コード, or the guide's JLAC10-based system with the same codes). */
static enum checkup_status item_of(struct fctx *x, int i, const cJSON *code, const char *what,
                                   const struct checkup_item **item)
{
    const cJSON *cd;
    const char *c = NULL, *other = NULL;
    char why[400];
    cJSON_ArrayForEach(cd, jarr(code, "coding"))
    {
        const char *sy = jstr(cd, "system"), *v = jstr(cd, "code");
        if (sy && v && !c &&
            (strcmp(sy, CHECKUP_FHIR_ITEM_SYSTEM) == 0 ||
             strcmp(sy, CHECKUP_FHIR_JLAC10_SYSTEM) == 0))
            c = v;
        else if (!other)
            other = sy ? sy : "";
    }
    if (!c) {
        if (other)
            snprintf(why, sizeof why,
                     "the %s's code system \"%.100s\" is not an item code system of the guide "
                     "(" CHECKUP_FHIR_ITEM_SYSTEM " or " CHECKUP_FHIR_JLAC10_SYSTEM ")",
                     what, other);
        else
            snprintf(why, sizeof why, "the %s has no code", what);
        return fail(x, CHECKUP_ERR_MISSING_CODE, i, why);
    }
    *item = checkup_dict_lookup(c);
    if (!*item) {
        snprintf(why, sizeof why,
                 "%s item code \"%.20s\" is not in the MHLW item table (17 characters, "
                 "特定健診項目 V4)",
                 what, c);
        return fail(x, CHECKUP_ERR_UNKNOWN_ITEM, i, why);
    }
    return CHECKUP_OK;
}

/* Reads the value of holder (an Observation or one of its components) as a result of item. */
static enum checkup_status add_value(struct fctx *x, int i, const cJSON *holder,
                                     const struct checkup_item *item)
{
    char why[400];
    for (size_t k = 0; k < x->c->n_results; k++)
        if (x->c->results[k].item == item) {
            snprintf(why, sizeof why, "item %s (%s) appears twice in one checkup", item->code,
                     item->name);
            return fail(x, CHECKUP_ERR_INVALID, i, why);
        }

    int too_many = 0;
    struct checkup_result *r = checkup_add_result(x->c, &too_many);
    if (!r)
        return too_many
                   ? fail(x, CHECKUP_ERR_TOO_LARGE, i, "more results than one checkup may have")
                   : fail(x, CHECKUP_ERR_NOMEM, i, "out of memory");
    r->item = item;
    memcpy(r->code, item->code, sizeof r->code);
    snprintf(r->identity, sizeof r->identity, "%s", item->identity);

    const char *unit = NULL;
    const cJSON *vq = jobj(holder, "valueQuantity"), *vcc = jobj(holder, "valueCodeableConcept");
    const char *vs = jstr(holder, "valueString"), *vdt = jstr(holder, "valueDateTime");
    const char *text = NULL;
    if (vq) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(vq, "value");
        if (!cJSON_IsNumber(v))
            return fail(x, CHECKUP_ERR_VALUE, i, "the valueQuantity has no numeric value");
        r->kind = CHECKUP_V_NUMBER;
        r->value = v->valuedouble;
        unit = jstr(vq, "code") ? jstr(vq, "code") : jstr(vq, "unit");
    } else if (vcc) {
        const cJSON *c0 = jfirst(vcc, "coding");
        text = c0 && jstr(c0, "code") ? jstr(c0, "code") : jstr(vcc, "text");
        const char *sy = c0 ? jstr(c0, "system") : NULL, *disp = c0 ? jstr(c0, "display") : NULL;
        if (c0 && jstr(c0, "code") && sy && checkup_copy(r->system, sizeof r->system, sy) != 0)
            return fail(x, CHECKUP_ERR_TOO_LARGE, i, "the value's code system is too long");
        /* A display longer than the field is cut at a character boundary: it is only shown
         * for code systems we have no words for. */
        if (disp) {
            size_t n = strlen(disp);
            if (n >= sizeof r->display) {
                n = sizeof r->display - 1;
                while (n > 0 && ((unsigned char)disp[n] & 0xC0) == 0x80)
                    n--;
            }
            memcpy(r->display, disp, n);
            r->display[n] = '\0';
        }
        r->kind = CHECKUP_V_CODE;
    } else if (vs) {
        text = vs;
        r->kind = CHECKUP_V_TEXT;
    } else if (vdt) {
        char day[CHECKUP_DATE_MAX];
        snprintf(day, sizeof day, "%s", vdt);
        snprintf(r->text, sizeof r->text, "%s", day);
        r->kind = CHECKUP_V_DATE;
    } else {
        return fail(x, CHECKUP_ERR_VALUE, i,
                    has_value(holder)
                        ? "the Observation's value type is not one an eCheckup uses "
                          "(valueQuantity, valueCodeableConcept, valueString, valueDateTime)"
                        : "the Observation has no value and no dataAbsentReason");
    }
    if (text && checkup_copy(r->text, sizeof r->text, text) != 0) {
        snprintf(why, sizeof why, "item %s (%s) has a text longer than %d characters", item->code,
                 item->name, CHECKUP_TEXT_CHARS);
        return fail(x, CHECKUP_ERR_TOO_LARGE, i, why);
    }
    if (r->kind != CHECKUP_V_NUMBER && r->text[0] == '\0')
        return fail(x, CHECKUP_ERR_VALUE, i, "the Observation's value is empty");

    const cJSON *rr = jfirst(holder, "referenceRange");
    const cJSON *lo = rr ? cJSON_GetObjectItemCaseSensitive(jobj(rr, "low"), "value") : NULL;
    const cJSON *hi = rr ? cJSON_GetObjectItemCaseSensitive(jobj(rr, "high"), "value") : NULL;
    if (cJSON_IsNumber(lo)) {
        r->has_low = 1;
        r->ref_low = lo->valuedouble;
    }
    if (cJSON_IsNumber(hi)) {
        r->has_high = 1;
        r->ref_high = hi->valuedouble;
    }
    /* Read for the record only: senders' flags contradict their own ranges. */
    const char *flag = jstr(jfirst(jfirst(holder, "interpretation"), "coding"), "code");
    if (flag)
        snprintf(r->sender_flag, sizeof r->sender_flag, "%s", flag);

    enum checkup_status st = checkup_result_check(r, unit, why, sizeof why);
    if (st != CHECKUP_OK)
        return fail(x, st, i, why);
    return CHECKUP_OK;
}

static enum checkup_status read_observation(struct fctx *x, int i)
{
    const cJSON *obs = x->res[i], *m, *comp;
    const struct checkup_item *item = NULL;
    enum checkup_status st;

    const char *status = jstr(obs, "status");
    if (status && (strcmp(status, "entered-in-error") == 0 || strcmp(status, "cancelled") == 0))
        return CHECKUP_OK; /* withdrawn or not done: not a result */
    const cJSON *subj = jobj(obs, "subject");
    if (subj && resolve(x, subj) != x->patient)
        return fail(x, CHECKUP_ERR_INVALID, i,
                    "the Observation's subject is not the document's Patient");
    /* A group (一連検査グループ, e.g. the ECG): its members are Observations of their own
     * in the Bundle and are read there; the group itself holds no value. */
    cJSON_ArrayForEach(m, jarr(obs, "hasMember"))
    {
        int k = resolve(x, m);
        if (k < 0 || strcmp(x->type[k], "Observation") != 0)
            return fail(x, CHECKUP_ERR_INVALID, i,
                        "a member of this Observation group (hasMember) is not an Observation "
                        "of the Bundle");
    }
    if (!has_value(obs) && (jarr(obs, "hasMember") || jobj(obs, "dataAbsentReason")))
        return CHECKUP_OK; /* a grouping Observation or an item not done: nothing to keep */
    if ((st = item_of(x, i, jobj(obs, "code"), "Observation", &item)) != CHECKUP_OK ||
        (st = add_value(x, i, obs, item)) != CHECKUP_OK)
        return st;
    /* Components carry a finding that belongs to the item (心電図(所見), 具体的な既往歴),
     * each an item of the table itself. */
    cJSON_ArrayForEach(comp, jarr(obs, "component"))
    {
        if (!cJSON_IsObject(comp))
            return fail(x, CHECKUP_ERR_INVALID, i, "an Observation component is not an object");
        if ((st = item_of(x, i, jobj(comp, "code"), "component", &item)) != CHECKUP_OK ||
            (st = add_value(x, i, comp, item)) != CHECKUP_OK)
            return st;
    }
    return CHECKUP_OK;
}

static enum checkup_status parse_bundle(struct fctx *x, const cJSON *root)
{
    enum checkup_status st;
    char msg[200];

    if (!cJSON_IsObject(root) || !jstr(root, "resourceType") ||
        strcmp(jstr(root, "resourceType"), "Bundle") != 0)
        return fail(x, CHECKUP_ERR_NOT_DOCUMENT, -1,
                    "the body is not a FHIR Bundle (resourceType must be \"Bundle\")");
    const char *type = jstr(root, "type");
    if (!type || strcmp(type, "document") != 0) {
        snprintf(msg, sizeof msg,
                 "the Bundle's type is \"%.32s\"; an eCheckup must be a Bundle of type "
                 "\"document\"",
                 type ? type : "");
        return fail(x, CHECKUP_ERR_NOT_DOCUMENT, -1, msg);
    }
    const cJSON *ident = jobj(root, "identifier");
    const char *bid = ident ? jstr(ident, "value") : jstr(root, "id");
    const char *bsys = ident ? jstr(ident, "system") : NULL;
    if ((bid && checkup_copy(x->c->bundle_id, sizeof x->c->bundle_id, bid) != 0) ||
        (bsys && checkup_copy(x->c->bundle_id_system, sizeof x->c->bundle_id_system, bsys) != 0))
        return fail(x, CHECKUP_ERR_TOO_LARGE, -1, "the Bundle's identifier is too long");

    x->entries = jarr(root, "entry");
    x->n = x->entries ? cJSON_GetArraySize(x->entries) : 0;
    if (x->n == 0)
        return fail(x, CHECKUP_ERR_MISSING, -1, "the Bundle has no entries");
    if (x->n > CHECKUP_MAX_ENTRIES)
        return fail(x, CHECKUP_ERR_TOO_LARGE, -1, "the Bundle has more than 2000 entries");
    x->res = calloc((size_t)x->n, sizeof *x->res);
    x->url = calloc((size_t)x->n, sizeof *x->url);
    x->type = calloc((size_t)x->n, sizeof *x->type);
    if (!x->res || !x->url || !x->type)
        return fail(x, CHECKUP_ERR_NOMEM, -1, "out of memory");

    if ((st = index_entries(x)) != CHECKUP_OK || (st = check_composition(x)) != CHECKUP_OK ||
        (st = read_patient(x)) != CHECKUP_OK || (st = read_source(x)) != CHECKUP_OK ||
        (st = read_date(x)) != CHECKUP_OK)
        return st;
    for (int i = 0; i < x->n; i++)
        if (strcmp(x->type[i], "Observation") == 0 && (st = read_observation(x, i)) != CHECKUP_OK)
            return st;
    if (x->c->n_results == 0)
        return fail(x, CHECKUP_ERR_MISSING, -1,
                    "the document has no results (no Observation with an item code)");
    return CHECKUP_OK;
}

enum checkup_status checkup_fhir_parse(const char *json, size_t len, struct checkup **out,
                                       struct checkup_error *err)
{
    enum checkup_status st;
    struct fctx x = {.comp = -1, .patient = -1, .encounter = -1, .err = err};
    cJSON *root = NULL;

    *out = NULL;
    if (len > CHECKUP_MAX_INPUT_BYTES)
        return checkup_error_set(err, CHECKUP_ERR_TOO_LARGE, -1, 0, NULL,
                                 "Bundle: the body is larger than %u bytes",
                                 CHECKUP_MAX_INPUT_BYTES);
    root = cJSON_ParseWithLength(json, len);
    if (!root)
        return checkup_error_set(err, CHECKUP_ERR_SYNTAX, -1, 0, NULL,
                                 "Bundle: the body is not valid JSON");
    x.c = calloc(1, sizeof *x.c);
    if (!x.c) {
        st = checkup_error_set(err, CHECKUP_ERR_NOMEM, -1, 0, NULL, "out of memory");
        goto out;
    }
    st = parse_bundle(&x, root);
    if (st == CHECKUP_OK) {
        *out = x.c;
        x.c = NULL;
    }
out:
    checkup_free(x.c);
    free(x.res);
    free(x.url);
    free(x.type);
    cJSON_Delete(root);
    return st;
}
