/*
 * checkup_codes: the answer code systems of coded checkup results, in words.
 *
 * A coded item (尿糖, 尿蛋白, 既往歴, 心電図(所見の有無), the questionnaire, ...) carries a
 * code of the code system named by the item's 結果コードOID in the MHLW item table
 * (checkup_item.result_oid), e.g. urn:oid:1.2.392.200119.6.2102 for urine dipstick results
 * where "1" means "－". This table holds, for the code systems the JP-CLINS eCheckup guide
 * defines (input/fsh/CodeSystems), each code's display as the guide writes it, the same in
 * plain spoken Japanese ("－" -> "マイナス") and in English, so nobody is ever shown a bare
 * code. Code systems not in the table are shown with the sender's display. Static data:
 * thread-safe.
 */
#ifndef CHECKUP_CODES_H
#define CHECKUP_CODES_H

/* One answer code. All strings static, never NULL. */
struct checkup_code {
    const char *oid;     /* the code system without "urn:oid:" */
    const char *code;    /* the code as sent ("1") */
    const char *display; /* the guide's display ("－") */
    const char *ja;      /* in plain words ("マイナス") */
    const char *en;      /* in English ("negative") */
    int level;           /* ordinal step for urine dipstick results (1 = －, 2 = ±, ...); 0 */
};

/* Whether the table knows this code system (oid without "urn:oid:"). */
int checkup_codes_known_system(const char *oid);

/* The code in the system, or NULL (unknown system or a code the system does not have). */
const struct checkup_code *checkup_codes_find(const char *oid, const char *code);

#endif
