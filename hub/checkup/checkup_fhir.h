/*
 * checkup_fhir: parser and validator for JP-CLINS 健康診断結果報告書 (eCheckup) FHIR R4
 * document Bundles (JSON).
 *
 * The whole Bundle is accepted or rejected: on any problem no checkup is returned and the
 * error names the entry (index and fullUrl) and the reason in plain English. What is
 * matched (identifier systems, where the date and the source organisation come from) is
 * described in docs/checkup.md. The sender's Observation.interpretation is read into
 * checkup_result.sender_flag and never used for the judgement (checkup_judge.h).
 * Thread-safe; no I/O.
 */
#ifndef CHECKUP_FHIR_H
#define CHECKUP_FHIR_H

#include <stddef.h>

#include "checkup.h"

/* Identifier systems and codes the parser matches on. */
#define CHECKUP_FHIR_ITEM_SYSTEM        "urn:oid:1.2.392.200119.6.1005"
#define CHECKUP_FHIR_JLAC10_SYSTEM      "urn:oid:1.2.392.200119.4.504" /* same 17-digit codes */
#define CHECKUP_FHIR_GROUP_SYSTEM       "http://jpfhir.jp/fhir/eCheckup/CodeSystem/observationGroup-codes"
#define CHECKUP_FHIR_DOC_TYPE_SYSTEM    "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes"
#define CHECKUP_FHIR_LOINC              "http://loinc.org"
#define CHECKUP_FHIR_DOC_TYPE           "53576-5"
#define CHECKUP_FHIR_MEMBER_SYSTEM      "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID"
#define CHECKUP_FHIR_MEMBER_SYSTEM_OLD  "http://jpfhir.jp/fhir/ccs/Idsysmem/JP_Insurance_member"
#define CHECKUP_FHIR_INSURER_SYSTEM     "urn:oid:1.2.392.100495.20.3.61"
#define CHECKUP_FHIR_INSURER_SYSTEM_URL "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber"
#define CHECKUP_FHIR_INSTITUTION_SYSTEM                                                            \
    "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no"
#define CHECKUP_FHIR_CHECKUP_ORG_SYSTEM "urn:oid:1.2.392.200119.6.102"
#define CHECKUP_FHIR_EXT_SYMBOL                                                                    \
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol"
#define CHECKUP_FHIR_EXT_NUMBER                                                                    \
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber"
#define CHECKUP_FHIR_EXT_SUBNUMBER                                                                 \
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber"

/*
 * Parses json[0..len) (need not be NUL-terminated; at most CHECKUP_MAX_INPUT_BYTES).
 * On CHECKUP_OK *out is an owned checkup (free with checkup_free) and err is untouched.
 * Otherwise *out is NULL and err (may be NULL) says where and why.
 */
enum checkup_status checkup_fhir_parse(const char *json, size_t len, struct checkup **out,
                                       struct checkup_error *err)
    __attribute__((warn_unused_result));

#endif
