/*
 * bundle_builder: realistic eCheckup Bundles for tests (see bundle_builder.h).
 * The names and numbers are invented; the structure follows the JP-CLINS eCheckup
 * profile (identifier systems as in checkup_fhir.h).
 */
#include "bundle_builder.h"

#include "checkup_fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void uuid(char *out, size_t cap, const struct bb_spec *s, const char *what, int n)
{
    /* Deterministic per (salt, date, what, n) so two builds of one spec are identical. */
    unsigned h = 2166136261u;
    const char *parts[3] = {s->uuid_salt ? s->uuid_salt : "", s->date, what};
    for (int p = 0; p < 3; p++)
        for (const char *c = parts[p]; *c; c++)
            h = (h ^ (unsigned char)*c) * 16777619u;
    h ^= (unsigned)n * 2654435761u;
    snprintf(out, cap, "urn:uuid:%08x-%04x-4%03x-8%03x-%012x", h, n & 0xffff, (h >> 4) & 0xfff,
             (unsigned)n & 0xfff, (h * 31u + (unsigned)n));
}

struct bb_obs *bb_spec_set(struct bb_spec *s, const char *code, double value, const char *unit)
{
    for (size_t i = 0; i < s->n_obs; i++)
        if (strcmp(s->obs[i].code, code) == 0) {
            s->obs[i].value = value;
            s->obs[i].unit = unit;
            return &s->obs[i];
        }
    if (s->n_obs >= BB_MAX_OBS)
        return NULL;
    struct bb_obs *o = &s->obs[s->n_obs++];
    memset(o, 0, sizeof *o);
    o->code = code;
    o->value = value;
    o->unit = unit;
    return o;
}

static void add(struct bb_spec *s, const char *code, double v, const char *unit, double lo,
                double hi, const char *flag)
{
    struct bb_obs *o = bb_spec_set(s, code, v, unit);
    o->has_range = lo < hi;
    o->low = lo;
    o->high = hi;
    o->flag = flag;
}

void bb_spec_default(struct bb_spec *s, int person, int year, int source)
{
    static const char *const hba1c[] = {"3D046000001906202", "3D046000001920402",
                                        "3D046000001927102", "3D046000001999902"};
    static const char *const glucose[] = {"3D010000001926101", "3D010000002227101",
                                          "3D010000001927201"};
    double drift = (year - 2020) * 0.1;

    memset(s, 0, sizeof *s);
    snprintf(s->date, sizeof s->date, "%04d-%02d-%02d", year, 6 + source, 10 + person % 18);
    snprintf(s->number, sizeof s->number, "%d", 1870 + person);
    s->insurer = "00012345";
    s->symbol = "あいう";
    s->branch = "00";
    s->gender = person & 1 ? "female" : "male";
    s->birth_date = "1950-04-01";
    s->org_id = source ? "1311234567" : "1310000001";
    s->org_name = source ? "みなと健診クリニック" : "市保健センター";
    add(s, "9N001000000000001", 160.5, "cm", 0, 0, NULL);
    add(s, "9N006000000000001", 61.2 + drift, "kg", 0, 0, NULL);
    add(s, "9N011000000000001", 23.8 + drift, "kg/m2", 18.5, 24.9, "N");
    add(s, "9N016160100000001", 84.0 + drift, "cm", 0, 0, NULL);
    add(s, "9A751000000000001", 128 + (year % 3) * 4, "mm[Hg]", 90, 129, "N");
    add(s, "9A761000000000001", 82 + (year % 3), "mm[Hg]", 50, 84, "N");
    add(s, hba1c[(year + source) % 4], 5.5 + drift, "%", 4.6, 5.5, "N");
    add(s, glucose[(year + source) % 3], 98 + (year % 4) * 3, "mg/dL", 70, 99, NULL);
    add(s, "3F077000002327101", 118 + (year % 5) * 5, "mg/dL", 60, 119, NULL);
    add(s, "3F070000002327101", 52, "mg/dL", 40, 100, "N");
    add(s, "3F015000002327101", 140 + (year % 3) * 20, "mg/dL", 30, 149, NULL);
    add(s, "3B035000002327201", 24, "U/L", 10, 30, "N");
    add(s, "3B045000002327201", 22, "U/L", 5, 30, "N");
    add(s, "3B090000002327101", 35, "U/L", 0, 50, "N");
    add(s, "3C015000002327101", 0.82, "mg/dL", 0.65, 1.07, "N");
    /* eGFR's unit as the item table writes it (not the UCUM spelling mL). */
    add(s, "8A065000002391901", 66.5 - drift * 5, "ml/min/1.73m2", 60, 200, "N");
    add(s, "2A030000001930101", 13.9, "g/dL", 13.1, 16.3, "N");
    add(s, "3C020000002327101", 5.9, "mg/dL", 3.7, 7.0, "N");
}

static cJSON *coding(const char *system, const char *code, const char *display)
{
    cJSON *cc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(cc, "coding");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "system", system);
    cJSON_AddStringToObject(c, "code", code);
    if (display)
        cJSON_AddStringToObject(c, "display", display);
    cJSON_AddItemToArray(arr, c);
    return cc;
}

static cJSON *ref(const char *url)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "reference", url);
    return r;
}

static cJSON *ident(const char *system, const char *value)
{
    cJSON *i = cJSON_CreateObject();
    cJSON_AddStringToObject(i, "system", system);
    cJSON_AddStringToObject(i, "value", value);
    return i;
}

static cJSON *add_entry(cJSON *entries, const char *url, const char *type)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "fullUrl", url);
    cJSON *r = cJSON_AddObjectToObject(e, "resource");
    cJSON_AddStringToObject(r, "resourceType", type);
    cJSON_AddItemToArray(entries, e);
    return r;
}

static cJSON *ext(const char *url, const char *v)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "url", url);
    cJSON_AddStringToObject(e, "valueString", v);
    return e;
}

cJSON *bb_build(const struct bb_spec *s)
{
    char u_comp[80], u_pat[80], u_org[80], u_ins[80], u_enc[80], u_cov[80], u_obs[80];
    char member[160], bid[120];
    cJSON *b = cJSON_CreateObject();

    uuid(u_comp, sizeof u_comp, s, "comp", 0);
    uuid(u_pat, sizeof u_pat, s, "pat", 0);
    uuid(u_org, sizeof u_org, s, "org", 0);
    uuid(u_ins, sizeof u_ins, s, "ins", 0);
    uuid(u_enc, sizeof u_enc, s, "enc", 0);
    uuid(u_cov, sizeof u_cov, s, "cov", 0);
    cJSON_AddStringToObject(b, "resourceType", "Bundle");
    cJSON *meta = cJSON_AddObjectToObject(b, "meta");
    cJSON *prof = cJSON_AddArrayToObject(meta, "profile");
    cJSON_AddItemToArray(prof,
                         cJSON_CreateString("http://jpfhir.jp/fhir/eCheckup/StructureDefinition/"
                                            "JP_Bundle_eCheckupGeneral"));
    snprintf(bid, sizeof bid, "%s^%.4s^%s-%s", s->org_id, s->date, s->number, s->date);
    cJSON *bi = cJSON_AddObjectToObject(b, "identifier");
    cJSON_AddStringToObject(bi, "system", "http://jpfhir.jp/fhir/clins/bundle-identifier");
    cJSON_AddStringToObject(bi, "value", bid);
    cJSON_AddStringToObject(b, "type", "document");
    cJSON_AddStringToObject(b, "timestamp", "2026-11-01T10:00:00+09:00");
    cJSON *entries = cJSON_AddArrayToObject(b, "entry");

    cJSON *comp = add_entry(entries, u_comp, "Composition");
    cJSON_AddStringToObject(comp, "status", "final");
    cJSON_AddItemToObject(
        comp, "type",
        coding("http://loinc.org", "53576-5", "Personal health monitoring report Document"));
    cJSON_AddItemToObject(comp, "subject", ref(u_pat));
    cJSON_AddStringToObject(comp, "date", s->date);
    cJSON *authors = cJSON_AddArrayToObject(comp, "author");
    cJSON_AddItemToArray(authors, ref(u_org));
    cJSON_AddStringToObject(comp, "title", "健康診断結果報告書");
    cJSON_AddItemToObject(comp, "custodian", ref(u_org));
    cJSON *sections = cJSON_AddArrayToObject(comp, "section");
    cJSON *sec = cJSON_CreateObject();
    cJSON_AddStringToObject(sec, "title", "検査結果");
    cJSON *secentries = cJSON_AddArrayToObject(sec, "entry");
    cJSON_AddItemToArray(sections, sec);

    cJSON *pat = add_entry(entries, u_pat, "Patient");
    cJSON *pids = cJSON_AddArrayToObject(pat, "identifier");
    snprintf(member, sizeof member, "%s:%s:%s:%s", s->insurer, s->symbol, s->number, s->branch);
    cJSON_AddItemToArray(pids, ident(CHECKUP_FHIR_MEMBER_SYSTEM, member));
    cJSON *names = cJSON_AddArrayToObject(pat, "name");
    cJSON *nm = cJSON_CreateObject();
    cJSON_AddStringToObject(nm, "text", "試験 花子");
    cJSON_AddItemToArray(names, nm);
    if (s->gender)
        cJSON_AddStringToObject(pat, "gender", s->gender);
    if (s->birth_date)
        cJSON_AddStringToObject(pat, "birthDate", s->birth_date);

    cJSON *org = add_entry(entries, u_org, "Organization");
    cJSON *oids = cJSON_AddArrayToObject(org, "identifier");
    cJSON_AddItemToArray(oids, ident(CHECKUP_FHIR_CHECKUP_ORG_SYSTEM, s->org_id));
    cJSON_AddStringToObject(org, "name", s->org_name);

    cJSON *ins = add_entry(entries, u_ins, "Organization");
    cJSON *iids = cJSON_AddArrayToObject(ins, "identifier");
    cJSON_AddItemToArray(iids, ident(CHECKUP_FHIR_INSURER_SYSTEM, s->insurer));
    cJSON_AddStringToObject(ins, "name", "市国民健康保険");

    cJSON *enc = add_entry(entries, u_enc, "Encounter");
    cJSON_AddStringToObject(enc, "status", "finished");
    cJSON *per = cJSON_AddObjectToObject(enc, "period");
    cJSON_AddStringToObject(per, "start", s->date);
    cJSON_AddItemToObject(enc, "subject", ref(u_pat));
    cJSON_AddItemToObject(enc, "serviceProvider", ref(u_org));

    cJSON *cov = add_entry(entries, u_cov, "Coverage");
    cJSON *exts = cJSON_AddArrayToObject(cov, "extension");
    cJSON_AddItemToArray(exts, ext(CHECKUP_FHIR_EXT_SYMBOL, s->symbol));
    cJSON_AddItemToArray(exts, ext(CHECKUP_FHIR_EXT_NUMBER, s->number));
    cJSON_AddItemToArray(exts, ext(CHECKUP_FHIR_EXT_SUBNUMBER, s->branch));
    cJSON_AddStringToObject(cov, "status", "active");
    cJSON_AddItemToObject(cov, "beneficiary", ref(u_pat));
    cJSON *payors = cJSON_AddArrayToObject(cov, "payor");
    cJSON_AddItemToArray(payors, ref(u_ins));

    for (size_t i = 0; i < s->n_obs; i++) {
        const struct bb_obs *o = &s->obs[i];
        uuid(u_obs, sizeof u_obs, s, "obs", (int)i + 1);
        cJSON_AddItemToArray(secentries, ref(u_obs));
        cJSON *obs = add_entry(entries, u_obs, "Observation");
        cJSON_AddStringToObject(obs, "status", "final");
        cJSON_AddItemToObject(obs, "code", coding(CHECKUP_FHIR_ITEM_SYSTEM, o->code, NULL));
        cJSON_AddItemToObject(obs, "subject", ref(u_pat));
        cJSON_AddItemToObject(obs, "encounter", ref(u_enc));
        cJSON_AddStringToObject(obs, "effectiveDateTime", s->date);
        if (o->text) {
            cJSON_AddItemToObject(obs, "valueCodeableConcept",
                                  coding("urn:oid:1.2.392.200119.6.2001", o->text, NULL));
        } else {
            cJSON *vq = cJSON_AddObjectToObject(obs, "valueQuantity");
            cJSON_AddNumberToObject(vq, "value", o->value);
            if (o->unit) {
                cJSON_AddStringToObject(vq, "unit", o->unit);
                cJSON_AddStringToObject(vq, "system", "http://unitsofmeasure.org");
                cJSON_AddStringToObject(vq, "code", o->unit);
            }
        }
        if (o->flag) {
            cJSON *arr = cJSON_AddArrayToObject(obs, "interpretation");
            cJSON_AddItemToArray(
                arr, coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                            o->flag, NULL));
        }
        if (o->has_range) {
            cJSON *arr = cJSON_AddArrayToObject(obs, "referenceRange");
            cJSON *rr = cJSON_CreateObject();
            cJSON *lo = cJSON_AddObjectToObject(rr, "low");
            cJSON_AddNumberToObject(lo, "value", o->low);
            cJSON *hi = cJSON_AddObjectToObject(rr, "high");
            cJSON_AddNumberToObject(hi, "value", o->high);
            cJSON_AddItemToArray(arr, rr);
        }
    }
    return b;
}

char *bb_print(const cJSON *bundle)
{
    return cJSON_PrintUnformatted(bundle);
}

char *bb_build_json(const struct bb_spec *s)
{
    cJSON *b = bb_build(s);
    char *out = bb_print(b);
    cJSON_Delete(b);
    return out;
}

cJSON *bb_entry(cJSON *bundle, int i)
{
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(bundle, "entry"), i);
    return e ? cJSON_GetObjectItem(e, "resource") : NULL;
}

int bb_find_type(cJSON *bundle, const char *type)
{
    cJSON *r;
    for (int i = 0; (r = bb_entry(bundle, i)) != NULL; i++) {
        cJSON *t = cJSON_GetObjectItem(r, "resourceType");
        if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
            return i;
    }
    return -1;
}

int bb_find_obs(cJSON *bundle, const char *code)
{
    cJSON *r;
    for (int i = 0; (r = bb_entry(bundle, i)) != NULL; i++) {
        cJSON *c =
            cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "code"), "coding"), 0);
        cJSON *v = c ? cJSON_GetObjectItem(c, "code") : NULL;
        if (cJSON_IsString(v) && strcmp(v->valuestring, code) == 0)
            return i;
    }
    return -1;
}
