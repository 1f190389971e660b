/*
 * test.h: the project's unit-test harness, small on purpose.
 *
 * A test program defines functions `static void t_name(void)` and lists them in main with
 * TEST_RUN(t_name). CHECK records a failure and goes on; REQUIRE records it and leaves the
 * current test function. main returns test_summary(), which prints
 * "N passed, N failed" and returns non-zero on any failure, so ctest sees it.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failures_; /* checks failed in the current test */
extern int test_passed_;   /* test functions passed */
extern int test_failed_;   /* test functions failed */
extern const char *test_name_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, test_name_,       \
                    #cond);                                                                        \
            test_failures_++;                                                                      \
        }                                                                                          \
    } while (0)

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: REQUIRE failed: %s\n", __FILE__, __LINE__, test_name_,     \
                    #cond);                                                                        \
            test_failures_++;                                                                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                         \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__,        \
                    __LINE__, test_name_, #a, #b, a_, b_);                                         \
            test_failures_++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", __FILE__,    \
                    __LINE__, test_name_, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");         \
            test_failures_++;                                                                      \
        }                                                                                          \
    } while (0)

#define TEST_RUN(fn) test_run_(#fn, fn)

void test_run_(const char *name, void (*fn)(void));
/* Prints "N passed, N failed" and returns the process exit status. */
int test_summary(void);

/* The text of dir/name in a NUL-terminated buffer of cap bytes (the file cut to fit; the
 * rest is room for test_replace), owned: free(). NULL when it cannot be read. *len (may be
 * NULL) gets the length read. */
char *test_read_text(const char *dir, const char *name, size_t cap, size_t *len);

/* Replaces the first occurrence of from in s (whose buffer has room) by to: 0, or -1 when
 * from is not in s. */
int test_replace(char *s, const char *from, const char *to);

#endif
