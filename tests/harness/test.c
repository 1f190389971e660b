/* test.c: bookkeeping for test.h. */
#include "test.h"

#include <stdlib.h>

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

char *test_read_text(const char *dir, const char *name, size_t cap, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    char *buf = f && cap ? calloc(1, cap) : NULL;
    size_t n = buf ? fread(buf, 1, cap - 1, f) : 0;
    if (f)
        fclose(f);
    if (len)
        *len = n;
    return buf;
}

int test_replace(char *s, const char *from, const char *to)
{
    char *p = strstr(s, from);
    if (!p)
        return -1;
    size_t fl = strlen(from), tl = strlen(to);
    memmove(p + tl, p + fl, strlen(p + fl) + 1);
    memcpy(p, to, tl);
    return 0;
}
