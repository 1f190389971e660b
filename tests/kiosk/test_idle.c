/* test_idle: the inactivity clock: warn, logout, deadlines, seconds left. */
#include "idle.h"
#include "test.h"

static void t_states(void)
{
    struct idle d;
    idle_init(&d, 1000, 60000, 90000);
    CHECK_INT_EQ(idle_state(&d, 1000), IDLE_ACTIVE);
    CHECK_INT_EQ(idle_state(&d, 60999), IDLE_ACTIVE);
    CHECK_INT_EQ(idle_state(&d, 61000), IDLE_WARN);
    CHECK_INT_EQ(idle_state(&d, 90999), IDLE_WARN);
    CHECK_INT_EQ(idle_state(&d, 91000), IDLE_LOGOUT);
    idle_touch(&d, 80000);
    CHECK_INT_EQ(idle_state(&d, 91000), IDLE_ACTIVE);
}

static void t_deadlines(void)
{
    struct idle d;
    idle_init(&d, 0, 60000, 90000);
    CHECK(idle_next_deadline(&d, 0) == 60000);
    CHECK(idle_next_deadline(&d, 60000) == 90000);
    CHECK(idle_next_deadline(&d, 95000) == UINT64_MAX);
    CHECK_INT_EQ(idle_seconds_left(&d, 60000), 30);
    CHECK_INT_EQ(idle_seconds_left(&d, 89001), 1);
    CHECK_INT_EQ(idle_seconds_left(&d, 90000), 0);
    idle_init(&d, 0, 0, 180000); /* home tablet: no warning */
    CHECK_INT_EQ(idle_state(&d, 179999), IDLE_ACTIVE);
    CHECK_INT_EQ(idle_state(&d, 180000), IDLE_LOGOUT);
    CHECK(idle_next_deadline(&d, 0) == 180000);
}

int main(void)
{
    TEST_RUN(t_states);
    TEST_RUN(t_deadlines);
    return test_summary();
}
