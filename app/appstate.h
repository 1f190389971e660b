/*
 * appstate: the inside of struct app, shared by app.c and the screens (scr_*.c) only.
 * Nothing outside app/ includes this file.
 */
#ifndef APPSTATE_H
#define APPSTATE_H

#include <stdio.h>

#include "app.h"
#include "famsafety.h" /* the family's view of the safety confirmation */
#include "i18n.h"
#include "idle.h"
#include "msgpage.h"
#include "notice.h" /* notices and safety confirmation */
#include "priv.h"   /* privacy + checkups */
#include "safety.h" /* safety confirmation */
#include "screen.h"
#include "shopstate.h" /* shopping and family requests */
#include "statsopt.h"  /* statistics: the resident's refusal */
#include "watch.h"
#include "widgets.h"

#define APP_NAV_DEPTH 8
#define APP_KEY_MAX   64
/* home tablet: how often the hub is asked whether it answers (status bar) */
#define APP_NET_CHECK_MS (5 * 60 * 1000)

enum net_state { NET_UNKNOWN, NET_OK, NET_DOWN };
/* SEND_KEPT: not delivered yet, but kept on the device and retried automatically */
enum send_state { SEND_NONE, SEND_SENDING, SEND_DONE, SEND_FAILED, SEND_KEPT };

struct app {
    struct app_config cfg;
    char strings_dir[512];
    char lang[8];
    char key_seed[40];
    struct ui *ui;
    struct i18n *ja, *en, *cur;
    struct app_ports ports;

    uint64_t now_ms;
    int64_t wall_s;
    uint64_t next_minute_ms;
    uint64_t next_net_check_ms; /* home: ask the hub again, so the status bar stays true */
    struct idle idle;
    bool idle_warning;
    bool dirty;
    bool in_frame;
    bool retitle; /* the frame changed the screen's title: build it once more */
    /* a first screen under a notice band: its title below the band is left out (the screen
     * found no room for a page of its controls with it: app_first_screen_short) */
    bool lead_title_off, lead_short;

    const struct screen *stack[APP_NAV_DEPTH];
    int depth;
    const struct screen *pending;
    int pending_op; /* NAV_* in app.c */

    enum net_state net;
    bool net_tls; /* with NET_DOWN: the last failure was an unsafe connection (TLS), said as
                     such (call staff), never as "no internet" */
    int waiting;  /* items waiting to be sent (outbox) */

    /* who this device is for */
    bool me_known;
    bool me_pending;
    uint32_t me_req;
    long resident_id;
    char name[APP_NAME_MAX];
    /* the municipality this device belongs to, from the hub (GET /v1/me); its hours win
     * over the configured service_hours once known */
    struct app_town town;

    /* the check-in being sent (result screen) */
    struct {
        enum send_state state;
        enum app_answer answer;
        int64_t at;
        uint32_t req;
        char key[APP_KEY_MAX];
        enum app_net fail;
        long status;
    } ci;
    unsigned key_counter;
    /* the last check-in the hub confirmed */
    bool have_last;
    enum app_answer last_answer;
    int64_t last_at;
    /* an earlier run's check-in still waiting in the outbox (the home title says so) */
    bool last_kept;
    uint32_t last_kept_req;
    enum app_answer last_kept_answer;
    int64_t last_kept_at;

    /* family list */
    struct app_checkin fam[APP_MAX_CHECKINS];
    int fam_n;
    bool fam_loaded, fam_loading, fam_failed;
    long fam_refused; /* HTTP status when the hub answered with a refusal, else 0 */
    int64_t fam_at;   /* wall time of the last successful load */
    uint32_t fam_req;
    int fam_page;
    /* every resident the family member is linked to; the list shows one at a time */
    int fam_nres;
    struct {
        long id;
        char name[APP_NAME_MAX];
    } fam_res[APP_RESIDENTS_MAX];
    long fam_sel_id; /* the one chosen with the switch button, 0 = the first */
    uint64_t fam_next_ms;

    /* help request */
    struct {
        enum send_state state;
        uint32_t req;
        char key[APP_KEY_MAX];
        int64_t at;
        char who[APP_NAME_MAX];
        enum app_net fail;
    } help;

    int settings_page, settings_pages; /* 設定's page when its tiles need two */
    int home_page, home_pages;         /* home's page under a long notice band at large text */
    int idle_page, idle_pages;         /* the waiting screen's page, likewise */
    int idle_first;                    /* the paragraph that page starts with (kept) */
    int session_page, session_pages;   /* a card session's first screen, likewise */
    int menu_page, menu_pages;         /* くらし's, when not even four tiles fit */
    int msg_page, msg_pages; /* a message screen's page of words (msgpage.h); 0 on entering */

    char notice[256]; /* what the last settings change did, in words */
    int notice_row;   /* 声's row of buttons the change came from (shown after it when paged) */

    /* the card (public kiosk). The PIN lives here only while typed, and is wiped when
     * handed to the port, when the card leaves and when the screen is left. */
    struct {
        bool reader_ok; /* a reader is there */
        bool present;   /* a card lies in the reader */
        bool read;      /* ... and has been read */
        uint32_t seq;   /* which placement */
        int tries;      /* PIN tries left, APP_TRIES_UNKNOWN */
        uint64_t inserted_ms;
        char pin[8];
        size_t pin_len;
        uint32_t login_req;
        enum app_card_status last; /* why card_message is shown / last login outcome */
        bool wrong_pin;            /* the last PIN was wrong (said on the PIN pad) */
        bool in_session;
        bool remind_remove; /* the session ended with the card still in the reader */
    } card;
    /* --- card: step-up before a screen that needs a card session (home) --- */
    struct {
        const struct screen *to; /* the screen asked for; NULL = no step-up running */
        int base;                /* stack depth under the card flow's screens */
    } stepup;

    /* --- shopping and family requests: shopstate.h, shopapp.c --- */
    struct app_shop *shop; /* owned, allocated with the app */

    /* --- privacy + checkups: priv.h, priv.c; wiped by priv_wipe --- */
    struct priv_state pv;

    /* help acknowledgements and signs of life (watch.h, feature_watch.c) */
    struct watch_state watch;

    /* notices (notice.h, feature_notice.c), safety confirmation (safety.h,
     * feature_safety.c), speech (feature_speech.c) */
    struct notice_state notices;
    struct safety_state safety;

    /* the family's view of the safety confirmation (famsafety.h, feature_famsafety.c) */
    struct famsafety famsafety;

    char said[1024];    /* what was spoken last (the repeat button says it again) */
    int catalogue_band; /* app_catalogue_band: notice sample + 1 over every entry, 0 none */

    /* the resident's refusal of statistical use (statsopt.h, feature_stats.c); wiped with
     * the session */
    struct statsopt_state so;
};

/* --- speech (feature_speech.c) --- */
bool app_speech_on(const struct app *a);
/* The last words said, again (the repeat button). */
void app_say_again(struct app *a);
/* The most urgent notice, when it is new or changed since it was last said. */
void app_say_notice(struct app *a);
/* The volume (rate = false) or rate step `delta` steps from the current one, and the index
 * 0..4 of the current one. */
int app_speech_step(const struct app *a, bool rate, int delta);
int app_speech_level(const struct app *a, bool rate);

/* Words for key in the current language. */
const char *app_s(const struct app *a, const char *key);
/* The words of a failure to reach the hub (key): its "<key>_tls" words when the last
 * failure was an unsafe connection (the hub's certificate, the TLS handshake), which
 * trying again cannot fix, so no screen calls it "could not connect" or asks to retry. */
const char *app_s_fail(const struct app *a, const char *key);
/* Navigation, from screens. Applied after the current frame. */
void app_nav_push(struct app *a, const struct screen *s);
void app_nav_replace(struct app *a, const struct screen *s);
void app_nav_back(struct app *a);
void app_nav_home(struct app *a);
void app_mark_dirty(struct app *a);
void app_tone(struct app *a, enum app_tone t);
/* Starts (or restarts with the same key) sending the check-in. */
void app_send_checkin(struct app *a, enum app_answer ans, bool retry);
void app_send_help(struct app *a, bool retry);
void app_family_refresh(struct app *a);
/* Family: the resident list from a ME answer (keeps the one chosen if still linked). */
void app_family_residents(struct app *a, const struct app_event *ev);
/* Takes the device's municipality from the hub's answer (a town without a name changes
 * nothing); hours that start "H:MM〜H:MM" (or "-", "~") set when the kiosk says it is open. */
void app_set_town(struct app *a, const struct app_town *t);
/* Family: shows the next linked resident's check-ins and alerts. */
void app_family_switch(struct app *a);
/* Wipes the PIN being typed (explicit_bzero). */
void app_card_wipe_pin(struct app *a);
/* Hands the typed PIN to the card port and wipes it here. */
void app_card_submit(struct app *a);
/* Ends the card session: wipes what it showed, back to the first screen. */
void app_card_end(struct app *a);
/* --- card --- */
/* True when s may be shown now: it needs no card session, or one is open. */
bool app_card_ok_for(const struct app *a, const struct screen *s);
/* A public kiosk refuses PIN entry below this many tries left (3 wrong lock the card). */
#define APP_MIN_TRIES_PUBLIC 2
/* Date "令和8年11月23日 (2026年)" and time "9:12" of a Unix time, in the current language. */
void app_fmt_date(const struct app *a, int64_t t, char *buf, size_t size);
void app_fmt_time(const struct app *a, int64_t t, char *buf, size_t size);
/* The words of an answer (元気です ...). */
const char *app_answer_words(const struct app *a, enum app_answer ans);
/* Standard vertical stacking helper: returns y after placing h + gap. */
int app_gap(const struct app *a);
/* A first screen (home, waiting) under a notice band says that not even one page of its
 * controls fits below the band and its title: the frame is built again at once without the
 * title (the band's words, what to do included, come first). */
void app_first_screen_short(struct app *a);
/* A short pager for words that need more than one page: ◀ 前へ | 次へ ▶ at half width each
 * (absent at the ends). app_pager returns -1 / +1 when one was pressed (and marks the app
 * dirty), else 0. The page goes into the screen's title: app_title_page gives "title 2/3"
 * (just the title of `key` when there is one page). */
int app_pager_height(struct app *a, int w);
/* ... with other words than 前へ / 次へ (a checkup's pages name what they hold) */
int app_pager_words_height(struct app *a, int w, const char *prev, const char *next);
int app_pager_words(struct app *a, struct ui_rect r, int page, int pages, const char *prev,
                    const char *next);
int app_pager(struct app *a, struct ui_rect r, int page, int pages);
void app_title_page(const struct app *a, const char *key, int page, int pages, char *buf,
                    size_t size);
/* ... with the title's own words (which may be buf itself) */
void app_title_words_page(const struct app *a, const char *words, int page, int pages, char *buf,
                          size_t size);

/* --- shopping and family requests, in shopapp.c --- */
/* Allocates a->shop; false when out of memory. */
bool shopapp_create(struct app *a);
void shopapp_destroy(struct app *a);
/* Forgets everything of the session (logout, catalogue samples). */
void shopapp_wipe(struct app *a);
/* Port results of the SHOP_* / REQ_* kinds. */
void shopapp_handle(struct app *a, const struct app_event *ev);
/* Timers (the family's request inbox); the next deadline, UINT64_MAX for none. */
void shopapp_tick(struct app *a);
uint64_t shopapp_next_deadline(const struct app *a);
bool shopapp_busy(const struct app *a);
/* Requests, from the screens. */
void shopapp_load_operators(struct app *a);
void shopapp_load_catalogue(struct app *a);
void shopapp_send_order(struct app *a);
void shopapp_load_orders(struct app *a);
void shopapp_send_request(struct app *a, int family_idx);
void shopapp_load_requests(struct app *a);
void shopapp_load_inbox(struct app *a);
void shopapp_answer(struct app *a, long request_id);
/* The resident's last order that can be ordered again (its operator delivers here and its
 * lines are known), or NULL. */
const struct shop_order *shopapp_last_order(const struct app *a);
/* "同じものを もう一度": the last order's items into the cart, the earliest slot, and the
 * confirm screen (the catalogue is loaded first when needed). */
void shopapp_order_again(struct app *a);
/* 買い物を する: the operator's categories (one operator), else the choice of operator. */
void shopapp_start(struct app *a);
/* On to the confirm screen: the earliest delivery slot unless one is chosen. */
void shopapp_to_confirm(struct app *a);
/* A date with its day of the week: "令和8年11月24日 (2026年)（火）". */
void shopapp_day_words(const struct app *a, int year, int month, int day, char *buf, size_t size);
/* "198 円", "1,980 円" in the current language. */
void shopapp_yen(const struct app *a, long yen, char *buf, size_t size);
/* The status of an order in words (受付済み, 配達予定 15:00, 取り消し（…）, 送信待ち, ...). */
void shopapp_status_words(const struct app *a, const struct shop_order *o, char *buf, size_t size);
/* The words of a request phrase. */
const char *shopapp_phrase(const struct app *a, int code);
/* Pages of a paged screen: draws ◀ n/m ▶ at r and moves *page; returns the height used. */
int shopapp_pager(struct app *a, struct ui_rect r, int *page, int pages);
int shopapp_pager_height(struct app *a, int w);
/* One paragraph of words a screen pages (shopapp_words_paged): its font, size, the warning
 * colour, and the space after it. */
struct shopapp_words {
    const char *text;
    enum ui_font font;
    double mm;
    bool warn;
    int after;
};
/* Draws the paragraphs in r, by the room r has: all of them; else pages with ◀ ▶ below the
 * words; else (not even the longest paragraph above that row: a notice band at large text)
 * ◀ and ▶ at the left and right of the words. A paragraph is split only when it is longer
 * than a page. Shows page (the last when past the end); *pages gets the count. Returns the
 * page to show next (page, or the one ◀ ▶ turned to). */
int shopapp_words_paged(struct app *a, struct ui_rect r, const struct shopapp_words *words, int n,
                        int page, int *pages);
/* The pager's ◀ and ▶ at the left and right ends of r, aw wide (each only when there is a
 * page that way); -1 / +1 when one was pressed, else 0. shopapp_arrow_width: the width their
 * words need on one line (at most maxw); shopapp_arrow_height: their height at width w.
 * compact: labels at the 24 pt of 100 % text (the rules' minimum, as the PIN pad's keys),
 * for the rooms a notice band leaves at large text. */
int shopapp_side_arrows(struct app *a, bool compact, struct ui_rect r, int aw, int page, int pages);
/* The same, stacked: ◀ in r, ▶ one gap below it, each r's size. */
int shopapp_stacked_arrows(struct app *a, bool compact, struct ui_rect r, int page, int pages);
int shopapp_arrow_width(struct app *a, bool compact, int maxw);
int shopapp_arrow_height(struct app *a, bool compact, int w);
/* A bottom row: ◀ at the left, mid (a button of the screen, or NULL) between, ▶ at the right
 * (each only when there is a page that way, its place kept). shopapp_bar_height: its height at
 * width w; shopapp_bar draws it in r: *hit when mid was pressed; returns -1 / +1 when ◀ / ▶
 * was. */
int shopapp_bar_height(struct app *a, int w, const struct wg_button *mid, bool compact);
/* Whether that row takes the 24 pt labels: when mid's words would not stay on one line, or
 * the larger row would leave less than two lines of words in a room of that height. */
bool shopapp_bar_compact(struct app *a, int w, const struct wg_button *mid, int room);
int shopapp_bar(struct app *a, struct ui_rect r, const struct wg_button *mid, bool compact,
                int page, int pages, bool *hit);

#endif
