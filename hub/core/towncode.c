/*
 * towncode.c: checking a 全国地方公共団体コード (see towncode.h).
 */
#include "towncode.h"

#include <stdio.h>
#include <string.h>

int towncode_check_digit(const char *d5)
{
    static const int weight[5] = {6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < 5; i++) {
        if (d5[i] < '0' || d5[i] > '9')
            return -1;
        sum += (d5[i] - '0') * weight[i];
    }
    return (11 - sum % 11) % 10;
}

int towncode_valid(const char *code, char *why, size_t cap)
{
    int rc = -1;
    if (!code || strlen(code) != TOWNCODE_LEN || strspn(code, "0123456789") != TOWNCODE_LEN) {
        snprintf(why, cap,
                 "a municipality code is six digits (全国地方公共団体コード, like 131016)");
        goto out;
    }
    int pref = (code[0] - '0') * 10 + (code[1] - '0');
    if (pref < 1 || pref > 47) {
        snprintf(why, cap, "%.6s: the first two digits must be a prefecture, 01 to 47", code);
        goto out;
    }
    int want = towncode_check_digit(code);
    if (want != code[5] - '0') {
        snprintf(why, cap, "%.6s: the check digit should be %d (modulus 11): a digit is wrong",
                 code, want);
        goto out;
    }
    rc = 0;
out:
    return rc;
}
