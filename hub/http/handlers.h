/*
 * handlers.h: one function per endpoint of docs/api.md. Each follows the same steps:
 * parse with caps -> (server.c has authenticated the bearer and checked the role) ->
 * authorize the subject through gate.h -> act and audit in one writer job -> answer.
 */
#ifndef HUB_HANDLERS_H
#define HUB_HANDLERS_H

#include "hreq.h"

/* One route: method, literal path with at most one "{id}" segment, the roles allowed
 * (bitmask of enum auth_role; 0 = anyone), the handler. Each face ends its table with a
 * row of NULLs. */
struct hroute {
    const char *method;
    const char *pattern;
    int roles;
    void (*fn)(struct hreq *r);
};
extern const struct hroute checkins_routes[], card_routes[], privacy_routes[], checkups_routes[],
    orders_routes[], notices_routes[], safety_routes[], auditlog_routes[], notify_routes[],
    stats_routes[], refusallog_routes[];

void h_health(struct hreq *r);
void h_notify_settings_get(struct hreq *r);
void h_notify_settings_put(struct hreq *r);
void h_notify_ack(struct hreq *r);
void h_me(struct hreq *r);
void h_checkin_post(struct hreq *r);
void h_checkins_get(struct hreq *r);

void h_auth_challenge(struct hreq *r);
void h_auth_card_login(struct hreq *r);
void h_auth_logout(struct hreq *r);
void h_session_get(struct hreq *r);
void h_session_access_log(struct hreq *r);
void h_session_access_summary(struct hreq *r);
void h_session_consents_get(struct hreq *r);
void h_session_consents_post(struct hreq *r);
void h_session_alerts(struct hreq *r);

void h_help_post(struct hreq *r);
void h_help_get(struct hreq *r);
void h_activity_post(struct hreq *r);
void h_resident_alerts_get(struct hreq *r);
void h_alerts_get(struct hreq *r);
void h_alert_ack(struct hreq *r);

/* checkups (checkups.c) */
void h_checkups_import(struct hreq *r);
void h_session_checkups(struct hreq *r);
void h_session_checkup(struct hreq *r);
void h_session_checkup_trend(struct hreq *r);

/* shopping and family requests (orders.c) */
void h_operators_get(struct hreq *r);
void h_catalogue_get(struct hreq *r);
void h_order_post(struct hreq *r);
void h_orders_get(struct hreq *r);
void h_deliveries_pull(struct hreq *r);
void h_delivery_ack(struct hreq *r);
void h_order_status(struct hreq *r);
void h_family_request_post(struct hreq *r);
void h_family_requests_get(struct hreq *r);
void h_family_request_answer(struct hreq *r);

/* disaster notices (notices.c) and safety confirmation (safety.c) */
void h_notices_get(struct hreq *r);
void h_notice_post(struct hreq *r);
void h_notice_end(struct hreq *r);
void h_safety_check_post(struct hreq *r);
void h_safety_checks_get(struct hreq *r);
void h_safety_check_get(struct hreq *r);
void h_safety_check_close(struct hreq *r);
void h_safety_get(struct hreq *r);
void h_safety_answer(struct hreq *r);
void h_family_safety_get(struct hreq *r);

#endif
