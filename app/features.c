/*
 * features: the one table of the kiosk's features (feature.h). The order is the order in
 * which their hooks run and their samples appear in the screen catalogue.
 */
#include "feature.h"

extern const struct app_feature feature_priv;
extern const struct app_feature feature_shop;
extern const struct app_feature feature_watch;
extern const struct app_feature feature_notice;
extern const struct app_feature feature_safety;
extern const struct app_feature feature_famsafety;
extern const struct app_feature feature_speech;
extern const struct app_feature feature_stats;

const struct app_feature *const app_features[] = {
    &feature_priv,   &feature_shop,   &feature_watch,
    &feature_notice, &feature_safety, &feature_famsafety,
    &feature_speech, &feature_stats,  NULL,
};
