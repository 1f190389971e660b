/*
 * apdu: pure building and parsing of the short ISO 7816-4 APDUs of the JPKI user-auth flow
 * (shared/CARD.md §1), shared by the card adapter and the virtual card.
 *
 * No I/O, no allocation, no global state: every function works on caller buffers with
 * explicit lengths and checks every length it reads, so it is unit-tested and fuzzed on
 * its own. Anything that comes from a card (responses, DER headers) is outside input.
 */
#ifndef APDU_H
#define APDU_H

#include <stddef.h>
#include <stdint.h>

#define APDU_CMD_MAX  261 /* CLA INS P1 P2 Lc 255-data Le: largest short C-APDU */
#define APDU_RESP_MAX 258 /* 256 data bytes + SW1 SW2: largest short R-APDU */

/* Status words the flow cares about. */
#define APDU_SW_OK              0x9000
#define APDU_SW_WRONG_LENGTH    0x6700
#define APDU_SW_EOF_WARNING     0x6282 /* fewer bytes than Le: end of file reached */
#define APDU_SW_SECURITY        0x6982 /* security status not satisfied (PIN not verified) */
#define APDU_SW_BLOCKED         0x6984 /* reference data not usable: PIN blocked */
#define APDU_SW_NO_CURRENT_EF   0x6986
#define APDU_SW_WRONG_DATA      0x6A80
#define APDU_SW_FILE_NOT_FOUND  0x6A82
#define APDU_SW_WRONG_P1P2      0x6A86
#define APDU_SW_WRONG_OFFSET    0x6B00
#define APDU_SW_INS_UNSUPPORTED 0x6D00
#define APDU_SW_CLA_UNSUPPORTED 0x6E00

/* JPKI application and its user-authentication files (CARD.md §1). */
#define APDU_JPKI_AID_LEN 10
extern const unsigned char apdu_jpki_aid[APDU_JPKI_AID_LEN];
#define APDU_EF_TOKEN       0x0006
#define APDU_EF_AUTH_CERT   0x000A
#define APDU_EF_AUTH_CA     0x000B
#define APDU_EF_AUTH_KEY    0x0017
#define APDU_EF_AUTH_PIN    0x0018
#define APDU_PIN_LEN        4
#define APDU_DIGESTINFO_LEN 51 /* DigestInfo(SHA-256) = 19-byte prefix + 32-byte hash */
#define APDU_CERT_HDR_LEN   7  /* the first READ BINARY of the certificate EF */

enum apdu_status {
    APDU_OK = 0,
    APDU_E_SHORT,    /* fewer bytes than the structure needs */
    APDU_E_LONG,     /* more bytes than a short APDU allows, or than the caller's cap */
    APDU_E_FORMAT,   /* inconsistent lengths, not a DER SEQUENCE, bad argument */
    APDU_E_NOTDIGIT, /* a PIN byte that is not an ASCII digit */
};
const char *apdu_status_str(enum apdu_status st);

/* A parsed response: data (borrowed from the buffer given to apdu_parse_response) and SW. */
struct apdu_resp {
    const unsigned char *data;
    size_t len;
    uint16_t sw;
};

/* Splits an R-APDU (data ‖ SW1 SW2) of `len` bytes: 2..APDU_RESP_MAX. */
enum apdu_status apdu_parse_response(const unsigned char *buf, size_t len, struct apdu_resp *out)
    __attribute__((warn_unused_result));

/* SW 63Cx → x (tries left, 0..15); anything else → -1. */
int apdu_sw_tries(uint16_t sw);

/* Total length of the DER element whose first bytes are `hdr` (`len` of them, the tag must
 * be SEQUENCE 0x30, definite length in 1..3 length bytes): header + content. Fails with
 * APDU_E_LONG when the total is above `cap`, APDU_E_SHORT when `hdr` is too short to tell. */
enum apdu_status apdu_der_total_len(const unsigned char *hdr, size_t len, size_t cap, size_t *total)
    __attribute__((warn_unused_result));

/* Builders: each writes a C-APDU into `out` (at least APDU_CMD_MAX bytes) and returns its
 * length, or 0 on a bad argument. */
size_t apdu_build_select_aid(unsigned char *out, const unsigned char *aid, size_t aid_len);
size_t apdu_build_select_ef(unsigned char *out, uint16_t fid);
/* READ BINARY at `offset` (0..0x7FFF) of `le` bytes (1..256; 256 is sent as Le 00). */
size_t apdu_build_read_binary(unsigned char *out, uint16_t offset, size_t le);
/* VERIFY with no data: asks the tries left without using one (answer 63Cx). */
size_t apdu_build_tries_query(unsigned char *out);
/* VERIFY with a 4-digit PIN; returns 0 unless pin is APDU_PIN_LEN ASCII digits. The caller
 * wipes `out` after sending it. */
size_t apdu_build_verify(unsigned char *out, const char *pin, size_t pin_len);
/* JPKI SIGN (80 2A 00 80) of `data` (1..255 bytes, the DigestInfo), Le 00. */
size_t apdu_build_sign(unsigned char *out, const unsigned char *data, size_t len);

/* Writes the DER DigestInfo of a SHA-256 hash (APDU_DIGESTINFO_LEN bytes) into out. */
void apdu_digestinfo_sha256(unsigned char out[APDU_DIGESTINFO_LEN], const unsigned char hash[32]);
/* The 19-byte DigestInfo prefix, for the virtual card's checks. */
extern const unsigned char apdu_digestinfo_sha256_prefix[19];

/* A parsed short C-APDU (for the virtual card). `data` borrows from the parsed buffer. */
struct apdu_cmd {
    uint8_t cla, ins, p1, p2;
    const unsigned char *data;
    size_t lc; /* data length (0 when none) */
    size_t le; /* expected length: 0 when absent, 1..256 (Le byte 00 = 256) */
    int has_le;
};
/* Parses a short C-APDU of `len` bytes (4..APDU_CMD_MAX) in the four ISO cases. */
enum apdu_status apdu_parse_command(const unsigned char *buf, size_t len, struct apdu_cmd *out)
    __attribute__((warn_unused_result));

/* Writes a hex trace of a C-APDU into `out` (always NUL-terminated, truncated to `cap`).
 * The data of VERIFY (INS 20) and CHANGE REFERENCE DATA (INS 24) is replaced by "**",
 * so a PIN never reaches a log. Returns `out`. */
char *apdu_trace_command(char *out, size_t cap, const unsigned char *apdu, size_t len);

#endif
