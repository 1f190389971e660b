/*
 * apdu_test: unit tests of the pure APDU module (platform/card/apdu.c): the exact bytes of
 * CARD.md §1, status words, DER length parsing with its caps, command parsing and the
 * PIN-masking trace.
 */
#include <string.h>

#include "apdu.h"
#include "test.h"

static void t_select_aid_bytes(void)
{
    static const unsigned char want[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                                         0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
    unsigned char out[APDU_CMD_MAX];
    size_t n = apdu_build_select_aid(out, apdu_jpki_aid, APDU_JPKI_AID_LEN);
    CHECK_INT_EQ(n, sizeof(want));
    CHECK(memcmp(out, want, sizeof(want)) == 0);
    CHECK_INT_EQ(apdu_build_select_aid(out, apdu_jpki_aid, 0), 0);
    CHECK_INT_EQ(apdu_build_select_aid(out, apdu_jpki_aid, 17), 0);
}

static void t_select_ef_read_bytes(void)
{
    static const unsigned char sel[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A};
    static const unsigned char rd7[] = {0x00, 0xB0, 0x00, 0x00, 0x07};
    static const unsigned char rd256[] = {0x00, 0xB0, 0x01, 0x07, 0x00};
    unsigned char out[APDU_CMD_MAX];
    CHECK_INT_EQ(apdu_build_select_ef(out, APDU_EF_AUTH_CERT), 7);
    CHECK(memcmp(out, sel, 7) == 0);
    CHECK_INT_EQ(apdu_build_read_binary(out, 0, 7), 5);
    CHECK(memcmp(out, rd7, 5) == 0);
    CHECK_INT_EQ(apdu_build_read_binary(out, 263, 256), 5);
    CHECK(memcmp(out, rd256, 5) == 0);
    CHECK_INT_EQ(apdu_build_read_binary(out, 0, 0), 0);
    CHECK_INT_EQ(apdu_build_read_binary(out, 0, 257), 0);
    CHECK_INT_EQ(apdu_build_read_binary(out, 0x8000, 1), 0);
}

static void t_verify_and_tries(void)
{
    static const unsigned char q[] = {0x00, 0x20, 0x00, 0x80};
    static const unsigned char v[] = {0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4'};
    unsigned char out[APDU_CMD_MAX];
    CHECK_INT_EQ(apdu_build_tries_query(out), 4);
    CHECK(memcmp(out, q, 4) == 0);
    CHECK_INT_EQ(apdu_build_verify(out, "1234", 4), 9);
    CHECK(memcmp(out, v, 9) == 0);
    CHECK_INT_EQ(apdu_build_verify(out, "123", 3), 0);
    CHECK_INT_EQ(apdu_build_verify(out, "12a4", 4), 0);
    CHECK_INT_EQ(apdu_build_verify(out, "12345", 5), 0);
    CHECK_INT_EQ(apdu_sw_tries(0x63C3), 3);
    CHECK_INT_EQ(apdu_sw_tries(0x63C0), 0);
    CHECK_INT_EQ(apdu_sw_tries(0x9000), -1);
    CHECK_INT_EQ(apdu_sw_tries(0x6984), -1);
    CHECK_INT_EQ(apdu_sw_tries(0x6300), -1);
}

static void t_sign_digestinfo(void)
{
    unsigned char hash[32], di[APDU_DIGESTINFO_LEN], out[APDU_CMD_MAX];
    size_t n;
    memset(hash, 0xAB, sizeof(hash));
    apdu_digestinfo_sha256(di, hash);
    CHECK(di[0] == 0x30 && di[1] == 0x31 && di[18] == 0x20);
    CHECK(memcmp(di + 19, hash, 32) == 0);
    n = apdu_build_sign(out, di, sizeof(di));
    CHECK_INT_EQ(n, 5 + 51 + 1);
    CHECK(out[0] == 0x80 && out[1] == 0x2A && out[2] == 0x00 && out[3] == 0x80);
    CHECK(out[4] == 0x33 && out[n - 1] == 0x00);
    CHECK_INT_EQ(apdu_build_sign(out, di, 0), 0);
    CHECK_INT_EQ(apdu_build_sign(out, di, 256), 0);
}

static void t_parse_response(void)
{
    static const unsigned char r[] = {0x30, 0x82, 0x03, 0x79, 0x90, 0x00};
    static const unsigned char big[APDU_RESP_MAX + 1] = {0};
    struct apdu_resp resp;
    CHECK_INT_EQ(apdu_parse_response(r, sizeof(r), &resp), APDU_OK);
    CHECK_INT_EQ(resp.len, 4);
    CHECK_INT_EQ(resp.sw, 0x9000);
    CHECK_INT_EQ(apdu_parse_response(r + 4, 2, &resp), APDU_OK);
    CHECK_INT_EQ(resp.len, 0);
    CHECK_INT_EQ(apdu_parse_response(r, 1, &resp), APDU_E_SHORT);
    CHECK_INT_EQ(apdu_parse_response(r, 0, &resp), APDU_E_SHORT);
    CHECK_INT_EQ(apdu_parse_response(big, sizeof(big), &resp), APDU_E_LONG);
    CHECK_INT_EQ(apdu_parse_response(big, APDU_RESP_MAX, &resp), APDU_OK);
}

static void t_der_len(void)
{
    static const unsigned char long2[] = {0x30, 0x82, 0x03, 0x79, 0x30, 0x82, 0x02};
    static const unsigned char long1[] = {0x30, 0x81, 0x90};
    static const unsigned char short_[] = {0x30, 0x05};
    static const unsigned char indef[] = {0x30, 0x80};
    static const unsigned char notseq[] = {0x31, 0x05};
    static const unsigned char huge[] = {0x30, 0x83, 0xFF, 0xFF, 0xFF};
    static const unsigned char four[] = {0x30, 0x84, 0, 0, 1, 0};
    size_t t = 0;
    CHECK_INT_EQ(apdu_der_total_len(long2, sizeof(long2), 4096, &t), APDU_OK);
    CHECK_INT_EQ(t, 4 + 0x379);
    CHECK_INT_EQ(apdu_der_total_len(long1, sizeof(long1), 4096, &t), APDU_OK);
    CHECK_INT_EQ(t, 3 + 0x90);
    CHECK_INT_EQ(apdu_der_total_len(short_, sizeof(short_), 4096, &t), APDU_OK);
    CHECK_INT_EQ(t, 7);
    CHECK_INT_EQ(apdu_der_total_len(long2, 3, 4096, &t), APDU_E_SHORT);
    CHECK_INT_EQ(apdu_der_total_len(long2, 1, 4096, &t), APDU_E_SHORT);
    CHECK_INT_EQ(apdu_der_total_len(indef, sizeof(indef), 4096, &t), APDU_E_FORMAT);
    CHECK_INT_EQ(apdu_der_total_len(notseq, sizeof(notseq), 4096, &t), APDU_E_FORMAT);
    CHECK_INT_EQ(apdu_der_total_len(huge, sizeof(huge), 4096, &t), APDU_E_LONG);
    CHECK_INT_EQ(apdu_der_total_len(four, sizeof(four), 4096, &t), APDU_E_FORMAT);
    CHECK_INT_EQ(apdu_der_total_len(long2, sizeof(long2), 0x37C, &t), APDU_E_LONG);
    CHECK_INT_EQ(apdu_der_total_len(long2, sizeof(long2), 0x37D, &t), APDU_OK);
}

static void t_parse_command(void)
{
    static const unsigned char c1[] = {0x00, 0x20, 0x00, 0x80};
    static const unsigned char c2[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
    static const unsigned char c3[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A};
    static const unsigned char c4[] = {0x80, 0x2A, 0x00, 0x80, 0x02, 0xAA, 0xBB, 0x00};
    static const unsigned char bad[] = {0x00, 0xA4, 0x02, 0x0C, 0x05, 0x00};
    static const unsigned char ext[] = {0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00};
    struct apdu_cmd c;
    CHECK_INT_EQ(apdu_parse_command(c1, sizeof(c1), &c), APDU_OK);
    CHECK(c.lc == 0 && !c.has_le);
    CHECK_INT_EQ(apdu_parse_command(c2, sizeof(c2), &c), APDU_OK);
    CHECK(c.has_le && c.le == 256);
    CHECK_INT_EQ(apdu_parse_command(c3, sizeof(c3), &c), APDU_OK);
    CHECK(c.lc == 2 && c.data == c3 + 5 && !c.has_le);
    CHECK_INT_EQ(apdu_parse_command(c4, sizeof(c4), &c), APDU_OK);
    CHECK(c.cla == 0x80 && c.ins == 0x2A && c.lc == 2 && c.le == 256);
    CHECK_INT_EQ(apdu_parse_command(bad, sizeof(bad), &c), APDU_E_FORMAT);
    CHECK_INT_EQ(apdu_parse_command(ext, sizeof(ext), &c), APDU_E_FORMAT);
    CHECK_INT_EQ(apdu_parse_command(c1, 3, &c), APDU_E_SHORT);
}

static void t_trace_masks_pin(void)
{
    unsigned char v[APDU_CMD_MAX];
    char out[64];
    size_t n = apdu_build_verify(v, "4821", 4);
    apdu_trace_command(out, sizeof(out), v, n);
    CHECK_STR_EQ(out, "00 20 00 80 04 **");
    CHECK(strstr(out, "34") == NULL); /* '4' of the PIN */
    v[1] = 0x24;
    apdu_trace_command(out, sizeof(out), v, n);
    CHECK(strstr(out, "**") != NULL);
    n = apdu_build_select_ef(v, APDU_EF_AUTH_PIN);
    apdu_trace_command(out, sizeof(out), v, n);
    CHECK_STR_EQ(out, "00 A4 02 0C 02 00 18");
    apdu_trace_command(out, 8, v, n); /* truncated, still terminated */
    CHECK(strlen(out) < 8);
}

int main(void)
{
    TEST_RUN(t_select_aid_bytes);
    TEST_RUN(t_select_ef_read_bytes);
    TEST_RUN(t_verify_and_tries);
    TEST_RUN(t_sign_digestinfo);
    TEST_RUN(t_parse_response);
    TEST_RUN(t_der_len);
    TEST_RUN(t_parse_command);
    TEST_RUN(t_trace_masks_pin);
    return test_summary();
}
