/*
 * test_auditwitness.c: the kiosk as a witness of the hub's audit log, with its real hub
 * port against a real hubd: on its first contact it keeps the hub's signed tree head
 * beside its outbox; after the hub logged more, a kiosk started again accepts the new
 * head only with the hub's consistency proof; after someone cut the newest records and
 * their heads from the hub's database (which the hub's own audit-verify cannot see), the
 * kiosk refuses the shorter head, keeps the old one and stores the failure in words for
 * staff. A public kiosk, which has no outbox, does the same with its head kept in its
 * service's state directory ($STATE_DIRECTORY), 0600: restarted, it still refuses the cut
 * log.
 */
#include "hubport.h"
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct hubtest T;
static char home[128], outbox[300], kept[300], alert[320];
static char kiosk[128], state_dir[300], kiosk_kept[330], kiosk_alert[340];

static void sink_post(void *ctx, struct app_event *ev)
{
    (void)ctx;
    hubport_event_free(ev);
}

/* The tree size in a kept head's file (-1 when none). */
static long long size_in(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    long long n = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "tree_size=", 10) == 0)
            n = strtoll(line + 10, NULL, 10);
    if (f)
        fclose(f);
    return n;
}

static long long kept_size(void)
{
    return size_in(kept);
}

/* A device started (again): one contact with the hub, then waits up to 5 s for the
 * witness to settle (the head in kept_path becoming want, or alert_path appearing). The
 * home tablet has its outbox; the public kiosk none, but a state directory. */
static void device_contact(int public_kiosk, long long want, int expect_alert)
{
    char url[64], err[256];
    const char *kept_path = public_kiosk ? kiosk_kept : kept;
    const char *alert_path = public_kiosk ? kiosk_alert : alert;
    snprintf(url, sizeof url, "http://127.0.0.1:%u", T.port);
    struct hubport_sink sink = {NULL, sink_post, NULL, NULL, NULL};
    if (public_kiosk)
        setenv("STATE_DIRECTORY", state_dir, 1);
    else
        unsetenv("STATE_DIRECTORY");
    struct hubport *hp = hubport_create(url, public_kiosk ? kiosk : home, "",
                                        public_kiosk ? "" : outbox, &sink, err, sizeof err);
    REQUIRE(hp != NULL);
    struct app_ports ports = hubport_ports(hp);
    REQUIRE(ports.fetch_me(ports.ctx) != 0);
    struct stat st;
    for (int i = 0; i < 100; i++) {
        if (expect_alert ? stat(alert_path, &st) == 0 : size_in(kept_path) == want)
            break;
        usleep(50 * 1000);
    }
    usleep(200 * 1000); /* a proof still under way would write after the check */
    hubport_destroy(hp);
}

/* The home tablet and the public kiosk, each started again. */
static void kiosk_contact(long long want, int expect_alert)
{
    device_contact(0, want, expect_alert);
    device_contact(1, want, expect_alert);
}

static void checkins(int n)
{
    for (int i = 0; i < n; i++) {
        cJSON *j = NULL;
        CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home, NULL, "{\"answer\":\"genki\"}", &j),
                     201);
        cJSON_Delete(j);
    }
}

static long long newest(void)
{
    return ht_sql_int(&T, "SELECT MAX(tree_size) FROM audit_heads");
}

static void t_kiosk_keeps_and_checks_heads(void)
{
    struct stat st;
    /* first contact: the head the hub signed at its start is kept */
    REQUIRE(ht_wait_sql(&T, "SELECT COUNT(*) FROM audit_heads", 1, 10000) == 1);
    long long first = newest();
    kiosk_contact(first, 0);
    CHECK_INT_EQ(kept_size(), first);
    CHECK_INT_EQ(size_in(kiosk_kept), first);
    CHECK(stat(kiosk_kept, &st) == 0 && (st.st_mode & 0777) == 0600);

    /* more records, the hub's final head at its stop; a new head, proven, is kept */
    checkins(300);
    REQUIRE(ht_stop(&T) == 0);
    long long later = newest();
    REQUIRE(later > first);
    REQUIRE(ht_start(&T, "") == 0);
    kiosk_contact(later, 0);
    CHECK_INT_EQ(kept_size(), later);
    CHECK_INT_EQ(size_in(kiosk_kept), later);
    CHECK(stat(alert, &st) != 0);
    CHECK(stat(kiosk_alert, &st) != 0);

    /* the newest records cut together with their heads: the hub's database agrees with
     * itself, the kiosk does not accept the shorter log */
    REQUIRE(ht_stop(&T) == 0);
    char sql[256];
    snprintf(sql, sizeof sql,
             "DROP TRIGGER audit_append_only_d; DELETE FROM audit_heads WHERE tree_size > %lld;"
             " DELETE FROM audit WHERE seq > %lld;",
             first, first);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    char args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    REQUIRE(ht_start(&T, "") == 0);
    kiosk_contact(later, 1);
    CHECK_INT_EQ(kept_size(), later); /* the old head stays */
    CHECK_INT_EQ(size_in(kiosk_kept), later);
    CHECK(stat(kiosk_alert, &st) == 0);
    FILE *f = fopen(alert, "r");
    char text[512] = "";
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    CHECK(strstr(text, "fewer records than a head it showed before") != NULL);
}

int main(void)
{
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    snprintf(outbox, sizeof outbox, "%s/outbox", T.dir);
    snprintf(kept, sizeof kept, "%s/audit-head", T.dir);
    snprintf(alert, sizeof alert, "%s.alert", kept);
    snprintf(state_dir, sizeof state_dir, "%s/kiosk-state", T.dir);
    snprintf(kiosk_kept, sizeof kiosk_kept, "%s/audit-head", state_dir);
    snprintf(kiosk_alert, sizeof kiosk_alert, "%s.alert", kiosk_kept);
    mkdir(state_dir, 0700);
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name Hanako --district Kita --deadline 10:00") == 0 &&
             ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0 &&
             ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    TEST_RUN(t_kiosk_keeps_and_checks_heads);
    ht_stop(&T);
    ht_cleanup(&T);
    return test_summary();
}
