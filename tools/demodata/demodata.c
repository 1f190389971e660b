/*
 * demodata: writes the demo's health-checkup files for the three demo residents.
 *
 *   demodata OUTDIR
 *
 * For each resident, eCheckup FHIR document Bundles for 2022-2025 from the city's health
 * system (市保健センター) and, for 2023 and 2025, from the insurer's contracted clinic
 * (みなと健診クリニック), with values chosen so the kiosk shows every judgement (基準内,
 * 保健指導, 受診をおすすめ) and trends that move across the threshold lines; plus one CSV
 * file (2021, for the CSV import). The Bundles are built by the checkup tests' bundle
 * builder, so they have the same realistic shape (Composition, Patient, Organizations,
 * Encounter, Coverage, Observations with UCUM units, reference ranges and sender flags).
 *
 * Residents are matched by insurer 00012345, symbol あいう, number 1871 / 1872 / 1873,
 * branch 00 (enrol them with hubctl resident-add --insurer ... --insured ...). The file
 * names are <resident 1..3>-<year>-<city|insurer>.json and 3-2021-insurer.csv.
 */
#include "bundle_builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_YEARS 4

struct plan {
    int person; /* bundle builder person: number 1870 + person, odd = female */
    /* per year 2022..2025: systolic, HbA1c, LDL, eGFR, HDL, fasting glucose */
    double sys[N_YEARS], a1c[N_YEARS], ldl[N_YEARS], egfr[N_YEARS], hdl[N_YEARS], glu[N_YEARS];
};

static const struct plan plans[3] = {
    /* 山田 花子 (female): blood sugar and blood pressure creep up to "see a doctor" */
    {1,
     {126, 134, 138, 146},
     {5.4, 5.7, 6.0, 6.6},
     {112, 125, 131, 142},
     {78, 74, 71, 69},
     {58, 56, 55, 54},
     {92, 99, 108, 121}},
    /* 佐藤 正男 (male): kidney function falls below both eGFR lines */
    {2,
     {128, 129, 131, 136},
     {5.5, 5.5, 5.6, 5.6},
     {118, 119, 121, 119},
     {72, 64, 58, 44},
     {44, 41, 40, 39},
     {96, 98, 101, 103}},
    /* 鈴木 トメ (female): mostly within range, one HDL and one glucose year outside */
    {3,
     {118, 122, 124, 121},
     {5.3, 5.4, 5.5, 5.4},
     {104, 110, 108, 115},
     {81, 80, 79, 77},
     {62, 38, 45, 52},
     {88, 94, 127, 96}},
};

/* Sets the value of the result whose item code starts with identity. */
static void set_identity(struct bb_spec *s, const char *identity, double value)
{
    for (size_t i = 0; i < s->n_obs; i++)
        if (strncmp(s->obs[i].code, identity, 5) == 0)
            s->obs[i].value = value;
}

static void apply(struct bb_spec *s, const struct plan *p, int y, int source)
{
    double shift = source ? 0.98 : 1.0; /* another lab, slightly different numbers */
    set_identity(s, "9A750", p->sys[y] * shift);
    set_identity(s, "3D046", p->a1c[y]);
    set_identity(s, "3F077", p->ldl[y] * shift);
    set_identity(s, "8A065", p->egfr[y]);
    set_identity(s, "3F070", p->hdl[y]);
    set_identity(s, "3D010", p->glu[y]);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "demodata: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs(text, f);
    int rc = fclose(f) == 0 ? 0 : -1;
    if (rc == 0)
        printf("%s\n", path);
    return rc;
}

static int write_csv(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/3-2021-insurer.csv", dir);
    static const char csv[] =
        "insurer_number,insured_symbol,insured_number,insured_branch,sex,birth_date,"
        "source_org_id,source_org_name,date,item_code,value,unit,ref_low,ref_high\n"
        "00012345,あいう,1873,00,female,1950-04-01,1311234567,みなと健診クリニック,2021-07-13,"
        "9A751000000000001,124,mm[Hg],90,129\n"
        "00012345,あいう,1873,00,female,1950-04-01,1311234567,みなと健診クリニック,2021-07-13,"
        "9A761000000000001,78,mm[Hg],50,84\n"
        "00012345,あいう,1873,00,female,1950-04-01,1311234567,みなと健診クリニック,2021-07-13,"
        "3D046000001906202,5.2,%,4.6,5.5\n"
        "00012345,あいう,1873,00,female,1950-04-01,1311234567,みなと健診クリニック,2021-07-13,"
        "3F077000002327101,101,mg/dL,60,119\n"
        "00012345,あいう,1873,00,female,1950-04-01,1311234567,みなと健診クリニック,2021-07-13,"
        "8A065000002391901,83,ml/min/1.73m2,60,200\n";
    return write_file(path, csv);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: demodata OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "demodata: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    for (int r = 0; r < 3; r++) {
        for (int y = 0; y < N_YEARS; y++) {
            for (int source = 0; source < 2; source++) {
                int year = 2022 + y;
                if (source == 1 && year != 2023 && year != 2025)
                    continue;
                struct bb_spec s;
                char path[512];
                bb_spec_default(&s, plans[r].person, year, source);
                apply(&s, &plans[r], y, source);
                char *json = bb_build_json(&s);
                if (!json)
                    return 1;
                snprintf(path, sizeof path, "%s/%d-%d-%s.json", dir, r + 1, year,
                         source ? "insurer" : "city");
                int rc = write_file(path, json);
                free(json);
                if (rc != 0)
                    return 1;
            }
        }
    }
    return write_csv(dir) == 0 ? 0 : 1;
}
