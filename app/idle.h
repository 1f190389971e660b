/*
 * idle: the inactivity clock behind the screen timeouts (PRODUCT.md):
 *  - public kiosk: warn after warn_ms (60 s) with a 続ける overlay, log out at logout_ms (90 s);
 *  - home tablet: a sensitive screen closes after sensitive_ms (3 min).
 * It only keeps times and answers questions; the app decides what each state means.
 */
#ifndef IDLE_H
#define IDLE_H

#include <stdbool.h>
#include <stdint.h>

enum idle_state { IDLE_ACTIVE, IDLE_WARN, IDLE_LOGOUT };

struct idle {
    uint64_t last_input_ms;
    uint64_t warn_ms;   /* 0 = never warn */
    uint64_t logout_ms; /* 0 = never time out */
};

void idle_init(struct idle *d, uint64_t now_ms, uint64_t warn_ms, uint64_t logout_ms);
void idle_touch(struct idle *d, uint64_t now_ms);
enum idle_state idle_state(const struct idle *d, uint64_t now_ms);
/* The next time the state changes, or UINT64_MAX when it never will. */
uint64_t idle_next_deadline(const struct idle *d, uint64_t now_ms);
/* Whole seconds left until logout (for the overlay's words); 0 when past. */
unsigned idle_seconds_left(const struct idle *d, uint64_t now_ms);

#endif
