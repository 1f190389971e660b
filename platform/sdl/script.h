/*
 * script: scripted input for tests and demos, e.g.
 *   "tap:checkin_genki;wait:result;waittext:送りました;layout:out.json"
 * Steps (separated by ';' or newlines, '#' starts a comment line in a file):
 *   tap:ID          press and release the target with that id (waits for it to appear)
 *   press:ID        press only;  release   release where pressed;  slide:X,Y  move the finger
 *   wait:SCREEN     until that screen is current
 *   waittext:WORDS  until those words are on the screen
 *   waitgone:WORDS  until those words are no longer on the screen
 *   settle          until no request to the hub is in flight
 *   sleep:MS        let time pass (timers, repeat guard)
 *   goto:SCREEN     open a screen as navigation would
 *   shot:PATH       write a PNG of the screen now;  layout:PATH  write the layout JSON now
 *   quit            end (exit status 0)
 * Each waiting step fails after the script timeout (default 10 s).
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>

#define SCRIPT_MAX_STEPS 64
#define SCRIPT_MAX_ARG   512
#define SCRIPT_MAX_TEXT  (16 * 1024)

enum script_op {
    SC_TAP,
    SC_PRESS,
    SC_RELEASE,
    SC_SLIDE,
    SC_WAIT,
    SC_WAITTEXT,
    SC_WAITGONE,
    SC_SETTLE,
    SC_SLEEP,
    SC_GOTO,
    SC_SHOT,
    SC_LAYOUT,
    SC_QUIT,
};

struct script_step {
    enum script_op op;
    char arg[SCRIPT_MAX_ARG];
    long n1, n2;
};

struct script {
    struct script_step steps[SCRIPT_MAX_STEPS];
    int n;
};

/* Parses text into s. On error returns -1 with the reason (step number, what) in err. */
int script_parse(struct script *s, const char *text, char *err, size_t errsize);
/* Reads a script file (at most SCRIPT_MAX_TEXT bytes). */
int script_load(struct script *s, const char *path, char *err, size_t errsize);

#endif
