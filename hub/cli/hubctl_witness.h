/*
 * hubctl_witness.h: `hubctl audit-witness`, a witness of the hub's audit transparency log
 * for city staff (docs/hub.md "Witnesses"): over the hub's API, not its database, it
 * checks the hub's newest signed tree head against the head it kept in a file and keeps
 * the new one when the hub proves it extends the old.
 */
#ifndef HUB_CLI_WITNESS_H
#define HUB_CLI_WITNESS_H

#include <stdio.h>

/* Runs audit-witness with its options argv[0..argc). Returns the exit status: 0 the head
 * is kept (first, same, or proven to extend), 1 the check failed (said in words), 2 usage. */
int hubctl_witness(int argc, char **argv);

void hubctl_witness_usage(FILE *f);

#endif
