/*
 * ckshow.h: the operator's read-out of a resident's checkups (`hubctl checkup-show`), so a
 * city can check an import without a kiosk. Every shown checkup (corrections replace the
 * earlier version; replaced ones are not printed), newest first, each item on one line with
 * our own judgement. The format is stable (docs/checkup.md "checkup-show"): tab-separated,
 *
 *   checkup <TAB> id <TAB> date <TAB> source id <TAB> source name <TAB> org id <TAB> org name
 *   item <TAB> code <TAB> name <TAB> value <TAB> unit <TAB> judgement
 *
 * where value is the number with the item's decimals, a code as "code words" (1 マイナス),
 * or the whole text (tabs and line breaks as spaces); unit and empty fields are "-";
 * judgement is normal / guidance / see_doctor / none.
 */
#ifndef HUB_CKSHOW_H
#define HUB_CKSHOW_H

#include "db.h"
#include "scope.h"

#include <stdint.h>
#include <stdio.h>

/* Prints the checkups of resident (of the scope's town: nothing of another town's) to out,
 * reading through the checkups store on db (inside the caller's read transaction, if any).
 * Returns the number of checkups printed, or -1 on a database error (db_errmsg() says
 * which). */
int ckshow_print(struct db *db, const struct scope *sc, int64_t resident, FILE *out);

#endif
