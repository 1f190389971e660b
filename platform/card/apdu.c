/*
 * apdu: short APDU builders and parsers for the JPKI user-auth flow (see apdu.h). Every
 * read is bounds-checked against the given length; this file is the fuzz target's subject.
 */
#include "apdu.h"

#include <stdio.h>
#include <string.h>

const unsigned char apdu_jpki_aid[APDU_JPKI_AID_LEN] = {0xD3, 0x92, 0xF0, 0x00, 0x26,
                                                        0x01, 0x00, 0x00, 0x00, 0x01};

const unsigned char apdu_digestinfo_sha256_prefix[19] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60,
                                                         0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                         0x01, 0x05, 0x00, 0x04, 0x20};

const char *apdu_status_str(enum apdu_status st)
{
    switch (st) {
    case APDU_OK:
        return "ok";
    case APDU_E_SHORT:
        return "too short";
    case APDU_E_LONG:
        return "too long";
    case APDU_E_FORMAT:
        return "bad format";
    case APDU_E_NOTDIGIT:
        return "PIN is not 4 digits";
    }
    return "unknown apdu status";
}

enum apdu_status apdu_parse_response(const unsigned char *buf, size_t len, struct apdu_resp *out)
{
    if (!buf || !out || len < 2)
        return APDU_E_SHORT;
    if (len > APDU_RESP_MAX)
        return APDU_E_LONG;
    out->data = buf;
    out->len = len - 2;
    out->sw = (uint16_t)((buf[len - 2] << 8) | buf[len - 1]);
    return APDU_OK;
}

int apdu_sw_tries(uint16_t sw)
{
    if ((sw & 0xFFF0) != 0x63C0)
        return -1;
    return sw & 0x0F;
}

enum apdu_status apdu_der_total_len(const unsigned char *hdr, size_t len, size_t cap, size_t *total)
{
    size_t n = 0, content = 0, i;
    if (!hdr || !total || len < 2)
        return APDU_E_SHORT;
    if (hdr[0] != 0x30)
        return APDU_E_FORMAT;
    if (hdr[1] < 0x80) { /* short form */
        content = hdr[1];
        n = 2;
    } else {
        size_t nbytes = hdr[1] & 0x7F;
        if (nbytes == 0 || nbytes > 3) /* 0: indefinite length, not DER */
            return APDU_E_FORMAT;
        if (len < 2 + nbytes)
            return APDU_E_SHORT;
        for (i = 0; i < nbytes; i++)
            content = (content << 8) | hdr[2 + i];
        n = 2 + nbytes;
    }
    if (content > cap || n + content > cap)
        return APDU_E_LONG;
    *total = n + content;
    return APDU_OK;
}

size_t apdu_build_select_aid(unsigned char *out, const unsigned char *aid, size_t aid_len)
{
    if (!out || !aid || aid_len == 0 || aid_len > 16)
        return 0;
    out[0] = 0x00;
    out[1] = 0xA4;
    out[2] = 0x04;
    out[3] = 0x0C; /* no FCI wanted */
    out[4] = (unsigned char)aid_len;
    memcpy(out + 5, aid, aid_len);
    return 5 + aid_len;
}

size_t apdu_build_select_ef(unsigned char *out, uint16_t fid)
{
    if (!out)
        return 0;
    out[0] = 0x00;
    out[1] = 0xA4;
    out[2] = 0x02;
    out[3] = 0x0C;
    out[4] = 0x02;
    out[5] = (unsigned char)(fid >> 8);
    out[6] = (unsigned char)(fid & 0xFF);
    return 7;
}

size_t apdu_build_read_binary(unsigned char *out, uint16_t offset, size_t le)
{
    if (!out || offset > 0x7FFF || le == 0 || le > 256)
        return 0;
    out[0] = 0x00;
    out[1] = 0xB0;
    out[2] = (unsigned char)(offset >> 8);
    out[3] = (unsigned char)(offset & 0xFF);
    out[4] = (unsigned char)(le == 256 ? 0 : le);
    return 5;
}

size_t apdu_build_tries_query(unsigned char *out)
{
    if (!out)
        return 0;
    out[0] = 0x00;
    out[1] = 0x20;
    out[2] = 0x00;
    out[3] = 0x80;
    return 4;
}

size_t apdu_build_verify(unsigned char *out, const char *pin, size_t pin_len)
{
    size_t i;
    if (!out || !pin || pin_len != APDU_PIN_LEN)
        return 0;
    for (i = 0; i < pin_len; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return 0;
    out[0] = 0x00;
    out[1] = 0x20;
    out[2] = 0x00;
    out[3] = 0x80;
    out[4] = APDU_PIN_LEN;
    memcpy(out + 5, pin, APDU_PIN_LEN);
    return 5 + APDU_PIN_LEN;
}

size_t apdu_build_sign(unsigned char *out, const unsigned char *data, size_t len)
{
    if (!out || !data || len == 0 || len > 255)
        return 0;
    out[0] = 0x80;
    out[1] = 0x2A;
    out[2] = 0x00;
    out[3] = 0x80;
    out[4] = (unsigned char)len;
    memcpy(out + 5, data, len);
    out[5 + len] = 0x00; /* Le 256: the whole signature */
    return 6 + len;
}

void apdu_digestinfo_sha256(unsigned char out[APDU_DIGESTINFO_LEN], const unsigned char hash[32])
{
    memcpy(out, apdu_digestinfo_sha256_prefix, sizeof(apdu_digestinfo_sha256_prefix));
    memcpy(out + sizeof(apdu_digestinfo_sha256_prefix), hash, 32);
}

enum apdu_status apdu_parse_command(const unsigned char *buf, size_t len, struct apdu_cmd *out)
{
    size_t lc;
    if (!buf || !out || len < 4)
        return APDU_E_SHORT;
    if (len > APDU_CMD_MAX)
        return APDU_E_LONG;
    memset(out, 0, sizeof(*out));
    out->cla = buf[0];
    out->ins = buf[1];
    out->p1 = buf[2];
    out->p2 = buf[3];
    if (len == 4) /* case 1 */
        return APDU_OK;
    if (len == 5) { /* case 2: Le only */
        out->le = buf[4] ? buf[4] : 256;
        out->has_le = 1;
        return APDU_OK;
    }
    lc = buf[4];
    if (lc == 0) /* extended length is not supported (short APDUs only) */
        return APDU_E_FORMAT;
    if (len == 5 + lc) { /* case 3 */
        out->data = buf + 5;
        out->lc = lc;
        return APDU_OK;
    }
    if (len == 6 + lc) { /* case 4 */
        out->data = buf + 5;
        out->lc = lc;
        out->le = buf[5 + lc] ? buf[5 + lc] : 256;
        out->has_le = 1;
        return APDU_OK;
    }
    return APDU_E_FORMAT;
}

char *apdu_trace_command(char *out, size_t cap, const unsigned char *apdu, size_t len)
{
    size_t pos = 0, i, shown = len;
    int masked = 0;
    if (!out || cap == 0)
        return out;
    out[0] = '\0';
    if (!apdu)
        return out;
    if (len > 5 && (apdu[1] == 0x20 || apdu[1] == 0x24)) {
        shown = 5; /* header and Lc only: the data is a PIN */
        masked = 1;
    }
    for (i = 0; i < shown && pos + 3 < cap; i++) {
        int n = snprintf(out + pos, cap - pos, "%s%02X", i ? " " : "", apdu[i]);
        if (n < 0 || (size_t)n >= cap - pos)
            break;
        pos += (size_t)n;
    }
    if (masked && pos + 4 < cap)
        snprintf(out + pos, cap - pos, " **");
    return out;
}
