/* test.c: bookkeeping for test.h. */
#include "test.h"

int test_failures_;
int test_passed_;
int test_failed_;
const char *test_name_ = "";

void test_run_(const char *name, void (*fn)(void))
{
    test_name_ = name;
    test_failures_ = 0;
    fn();
    if (test_failures_) {
        test_failed_++;
        fprintf(stderr, "FAIL %s\n", name);
    } else {
        test_passed_++;
        fprintf(stderr, "ok   %s\n", name);
    }
    fflush(stderr);
}

int test_summary(void)
{
    printf("%d passed, %d failed\n", test_passed_, test_failed_);
    return test_failed_ ? 1 : 0;
}
