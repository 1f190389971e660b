/*
 * operators.h: the shopping operators store (tables operators, operator_catalogues,
 * operator_pictures): registering an operator, its districts, its catalogue (the JSON the
 * orders library's catalog_to_json made of an imported file) and the catalogue's
 * pictures. Used by hubctl (operator-add, catalogue-import) and the kiosk's operator and
 * catalogue endpoints. Inside the caller's transaction; every returned text is owned by
 * the caller.
 */
#ifndef HUB_STORE_OPERATORS_H
#define HUB_STORE_OPERATORS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

#define OPERATORS_NAME_MAX      256  /* display name + NUL */
#define OPERATORS_DISTRICTS_MAX 1024 /* comma-separated districts + NUL */

/* Registers an operator of the scope's town, with a contract to serve it (districts
 * comma-separated, key stored as its hash). *id new. */
__attribute__((warn_unused_result)) enum db_status
operators_add(struct db *db, const struct scope *sc, const char *name, const char *districts,
              const char *token_hash, int64_t now, int64_t *id);

/* Records a contract: operator id also serves the scope's town (once; again is DB_OK). An
 * operator serves, lists and receives orders only in towns it has a contract with. */
__attribute__((warn_unused_result)) enum db_status
operators_contract(struct db *db, const struct scope *sc, int64_t id, int64_t now);

/* DB_ROW with the operator's name and districts (each may be NULL), DB_DONE when there is
 * no such operator under contract with the scope's town. */
__attribute__((warn_unused_result)) enum db_status
operators_get(struct db *db, const struct scope *sc, int64_t id, char name[OPERATORS_NAME_MAX],
              char districts[OPERATORS_DISTRICTS_MAX]);

/* 1 if district is one of the comma-separated districts. */
int operators_serves(const char *districts, const char *district);

/* One operator as the kiosk lists it. */
struct operators_row {
    int64_t id;
    char name[OPERATORS_NAME_MAX];
    char districts[OPERATORS_DISTRICTS_MAX];
    int has_catalogue;
};

/* Every operator under contract with the scope's town, by id, at most cap into rows; *n how
 * many. */
__attribute__((warn_unused_result)) enum db_status operators_list(struct db *db,
                                                                  const struct scope *sc,
                                                                  struct operators_row *rows,
                                                                  size_t cap, size_t *n);

/* Stores (or replaces) the catalogue JSON of operator id. */
__attribute__((warn_unused_result)) enum db_status
operators_catalogue_put(struct db *db, int64_t id, const char *json, int64_t now);

/* DB_ROW with *json owned (free()) and the operator's name (may be NULL), DB_DONE when
 * the operator has no catalogue or no contract with the scope's town. */
__attribute__((warn_unused_result)) enum db_status
operators_catalogue_get(struct db *db, const struct scope *sc, int64_t id, char **json,
                        char name[OPERATORS_NAME_MAX]);

/* Deletes every picture of operator id (before a new catalogue's). */
__attribute__((warn_unused_result)) enum db_status operators_pictures_clear(struct db *db,
                                                                            int64_t id);

/* Stores one picture (path as in the catalogue, mime "image/png" | "image/jpeg"). */
__attribute__((warn_unused_result)) enum db_status
operators_picture_put(struct db *db, int64_t id, const char *path, const char *mime,
                      const void *data, size_t len);

/* Called for each picture of an operator by operators_pictures_each; data is borrowed for
 * the call. Non-zero stops the walk. */
typedef int (*operators_picture_fn)(void *arg, const char *path, const char *mime, const void *data,
                                    size_t len);

/* Walks the pictures of operator id by path. DB_OK, DB_ERR when fn stopped it, or the
 * database's error. */
__attribute__((warn_unused_result)) enum db_status
operators_pictures_each(struct db *db, int64_t id, operators_picture_fn fn, void *arg);

#endif
