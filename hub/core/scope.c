/*
 * scope.c: interned municipality scopes (see scope.h).
 */
#include "scope.h"

#include <pthread.h>

struct scope {
    int64_t town;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct scope table[SCOPE_MAX]; /* open addressing by town id; town 0 = free */

const struct scope *scope_of(int64_t town)
{
    const struct scope *found = NULL;
    if (town <= 0)
        return NULL;
    size_t i = (size_t)((uint64_t)town * 0x9E3779B97F4A7C15ull >> 40) % SCOPE_MAX;
    pthread_mutex_lock(&mu);
    for (size_t k = 0; k < SCOPE_MAX && !found; k++, i = (i + 1) % SCOPE_MAX) {
        if (table[i].town == town) {
            found = &table[i];
        } else if (table[i].town == 0) {
            table[i].town = town;
            found = &table[i];
        }
    }
    pthread_mutex_unlock(&mu);
    return found;
}

int64_t scope_town(const struct scope *sc)
{
    return sc ? sc->town : 0;
}
