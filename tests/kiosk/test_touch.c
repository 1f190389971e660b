/*
 * test_touch: touch semantics of the ui core and the idle timeouts of the app:
 * release inside activates (once, on the next frame), slide-off cancels for good, a second
 * tap on the same target within 400 ms is ignored, the pressed state shows on the next
 * frame; a public kiosk warns after 60 s idle and logs out at 90 s; a home tablet closes a
 * screen after 3 min.
 */
#include "apptest.h"
#include "widgets.h"

static const struct ui_metrics M = {5.9, 100, 1280, 800};
static const struct ui_rect R = {100, 100, 200, 150};

/* One frame with one button; returns whether it fired, *pressed its drawn state. */
static bool frame(struct ui *ui, bool *pressed)
{
    bool p = false;
    ui_begin(ui);
    bool fired = ui_target(ui, "b", "B", UI_T_NORMAL, R, (struct ui_color){0, 0, 0, 255},
                           (struct ui_color){255, 255, 255, 255}, &p);
    ui_end(ui);
    if (pressed)
        *pressed = p;
    return fired;
}

static void t_release_inside_activates(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    bool pressed;
    frame(ui, NULL);
    CHECK(ui_pointer_down(ui, 150, 150, 1000));
    CHECK(!frame(ui, &pressed));
    CHECK(pressed); /* pressed state on the next frame */
    CHECK(ui_pointer_up(ui, 160, 160, 1080));
    CHECK(frame(ui, &pressed));
    CHECK(!pressed);
    CHECK(!frame(ui, NULL)); /* only once */
    ui_destroy(ui);
}

static void t_release_outside_does_nothing(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    frame(ui, NULL);
    ui_pointer_down(ui, 150, 150, 1000);
    frame(ui, NULL);
    ui_pointer_up(ui, 50, 50, 1080); /* jumped out without a move event */
    CHECK(!frame(ui, NULL));
    /* pressing outside and releasing inside does not activate either */
    ui_pointer_down(ui, 50, 50, 2000);
    ui_pointer_up(ui, 150, 150, 2080);
    CHECK(!frame(ui, NULL));
    ui_destroy(ui);
}

static void t_slide_off_cancels(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    bool pressed;
    unsigned act, guarded, cancelled;
    frame(ui, NULL);
    ui_pointer_down(ui, 150, 150, 1000);
    frame(ui, &pressed);
    CHECK(pressed);
    CHECK(!ui_pointer_move(ui, 180, 160, 1040)); /* still inside: nothing changes */
    CHECK(ui_pointer_move(ui, 400, 160, 1060));  /* off: cancelled */
    frame(ui, &pressed);
    CHECK(!pressed);
    ui_pointer_move(ui, 150, 150, 1100); /* back inside: stays cancelled */
    frame(ui, &pressed);
    CHECK(!pressed);
    ui_pointer_up(ui, 150, 150, 1150);
    CHECK(!frame(ui, NULL));
    ui_touch_stats(ui, &act, &guarded, &cancelled);
    CHECK_INT_EQ(act, 0);
    CHECK_INT_EQ(cancelled, 1);
    ui_destroy(ui);
}

static void tap(struct ui *ui, uint64_t t)
{
    ui_pointer_down(ui, 150, 150, t);
    frame(ui, NULL);
    ui_pointer_up(ui, 150, 150, t + 60);
}

static void t_repeat_guard(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    unsigned act, guarded;
    frame(ui, NULL);
    tap(ui, 1000); /* activates at 1060 */
    CHECK(frame(ui, NULL));
    tap(ui, 1300); /* 240 ms after: ignored (tremor, double tap) */
    CHECK(!frame(ui, NULL));
    tap(ui, 1459); /* 399 ms after the activation: still ignored */
    CHECK(!frame(ui, NULL));
    tap(ui, 1460); /* 400 ms: a new, deliberate tap */
    CHECK(frame(ui, NULL));
    ui_touch_stats(ui, &act, &guarded, NULL);
    CHECK_INT_EQ(act, 2);
    CHECK_INT_EQ(guarded, 2);
    ui_destroy(ui);
}

static void t_guard_is_per_target(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    struct ui_color k = {0, 0, 0, 255};
    const struct ui_rect r2 = {400, 100, 200, 150};
    bool f1 = false, f2 = false;
    for (int i = 0; i < 4; i++) {
        if (i == 1) {
            ui_pointer_down(ui, 150, 150, 1000);
            ui_pointer_up(ui, 150, 150, 1050);
        } else if (i == 2) {
            ui_pointer_down(ui, 450, 150, 1100);
            ui_pointer_up(ui, 450, 150, 1150);
        }
        ui_begin(ui);
        f1 |= ui_target(ui, "a", "A", UI_T_NORMAL, R, k, k, NULL);
        f2 |= ui_target(ui, "c", "C", UI_T_NORMAL, r2, k, k, NULL);
        ui_end(ui);
    }
    CHECK(f1);
    CHECK(f2); /* another target 50 ms later is not guarded */
    ui_destroy(ui);
}

static void t_modal_blocks_targets_below(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    struct ui_color k = {0, 0, 0, 255};
    ui_begin(ui);
    ui_target(ui, "below", "below", UI_T_NORMAL, R, k, k, NULL);
    ui_modal(ui);
    ui_target(ui, "dialog", "dialog", UI_T_NORMAL, (struct ui_rect){500, 500, 100, 100}, k, k,
              NULL);
    ui_end(ui);
    CHECK(ui_find_target(ui, "below") == NULL);
    CHECK(ui_find_target(ui, "dialog") != NULL);
    CHECK(!ui_pointer_down(ui, 150, 150, 1000));
    ui_destroy(ui);
}

static void t_public_idle_warns_then_logs_out(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    REQUIRE(app_goto_name(t.app, "settings"));
    app_frame(t.app);
    CHECK_STR_EQ(app_screen_name(t.app), "settings");
    at_pass(&t, 59000);
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") == NULL);
    at_pass(&t, 1000); /* 60 s: the warning with one big 続ける button */
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") != NULL);
    CHECK(app_screen_has_text(t.app, "続ける"));
    CHECK(ui_find_target(app_ui(t.app), "set_text") == NULL); /* modal */
    CHECK(app_next_deadline(t.app) <= t.now + 30000);
    at_pass(&t, 29000);
    CHECK_STR_EQ(app_screen_name(t.app), "settings");
    at_pass(&t, 1000); /* 90 s: logged out */
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") == NULL);
    at_close(&t);
}

static void t_continue_keeps_the_session(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    REQUIRE(app_goto_name(t.app, "settings"));
    app_frame(t.app);
    at_pass(&t, 61000);
    REQUIRE(at_tap(&t, "idle_continue"));
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") == NULL);
    CHECK_STR_EQ(app_screen_name(t.app), "settings");
    at_pass(&t, 50000); /* 50 s after 続ける: neither warned nor logged out */
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") == NULL);
    CHECK_STR_EQ(app_screen_name(t.app), "settings");
    at_close(&t);
}

static void t_home_sensitive_screen_closes_after_3_min(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    REQUIRE(at_tap(&t, "menu"));
    REQUIRE(at_tap(&t, "status"));
    CHECK_STR_EQ(app_screen_name(t.app), "status");
    at_pass(&t, 179000);
    CHECK_STR_EQ(app_screen_name(t.app), "status");
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") == NULL); /* no warning at home */
    at_pass(&t, 1000);
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_release_inside_activates);
    TEST_RUN(t_release_outside_does_nothing);
    TEST_RUN(t_slide_off_cancels);
    TEST_RUN(t_repeat_guard);
    TEST_RUN(t_guard_is_per_target);
    TEST_RUN(t_modal_blocks_targets_below);
    TEST_RUN(t_public_idle_warns_then_logs_out);
    TEST_RUN(t_continue_keeps_the_session);
    TEST_RUN(t_home_sensitive_screen_closes_after_3_min);
    return test_summary();
}
