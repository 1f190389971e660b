/*
 * fixtures: a small valid catalogue and order shared by the orders tests and the benchmark.
 */
#ifndef ORDERS_FIXTURES_H
#define ORDERS_FIXTURES_H

/* A valid catalogue (pictures/cabbage.png, pictures/milk.jpg, pictures/tofu.png). */
#define FIX_CATALOG                                                                                \
    "{\"format\":\"kiosk-catalogue/1\","                                                           \
    "\"categories\":[{\"id\":\"vegetables\",\"name\":\"野菜\"},"                                 \
    "{\"id\":\"dairy\",\"name\":\"乳製品・豆腐\"}],"                                         \
    "\"items\":["                                                                                  \
    "{\"id\":\"cabbage\",\"category\":\"vegetables\",\"name\":\"キャベツ\","                   \
    "\"picture\":\"pictures/cabbage.png\",\"unit\":\"1玉\",\"price_yen\":198},"                   \
    "{\"id\":\"milk\",\"category\":\"dairy\",\"name\":\"牛乳 1L\","                              \
    "\"picture\":\"pictures/milk.jpg\",\"unit\":\"1本\",\"price_yen\":238},"                      \
    "{\"id\":\"tofu\",\"category\":\"dairy\",\"name\":\"絹ごし豆腐\","                        \
    "\"picture\":\"pictures/tofu.png\",\"unit\":\"1丁\",\"price_yen\":98}]}"

/* A valid order request against FIX_CATALOG: 2 cabbage + 1 milk = 634 yen. */
#define FIX_ORDER                                                                                  \
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2},{\"id\":\"milk\",\"qty\":1}],"                     \
    "\"slot\":\"2026-11-24T15:00/17:00\",\"payment_method\":\"cash_on_delivery\"}"

#endif
