/*
 * towncode.h: the 全国地方公共団体コード (local government code, JIS X 0402) that names a
 * municipality: six digits, the prefecture (01-47), the town within it (three digits) and a
 * check digit. The check digit is 総務省's modulus 11 rule: the first five digits are
 * weighted 6, 5, 4, 3, 2, the sum is divided by 11, and the last digit of 11 minus the
 * remainder is the check digit (remainder 0 gives 1, remainder 1 gives 0). 千代田区 is
 * 131016, 札幌市 011002.
 */
#ifndef HUB_CORE_TOWNCODE_H
#define HUB_CORE_TOWNCODE_H

#include <stddef.h>

#define TOWNCODE_LEN 6

/* The check digit (0-9) of the five digits d5, or -1 when d5 is not five digits. */
int towncode_check_digit(const char *d5);

/* 0 when code is a well-formed code with its right check digit; else -1 with a sentence
 * in why (cap bytes) saying what is wrong, in English. code may be NULL. */
int towncode_valid(const char *code, char *why, size_t cap);

#endif
