/* validate.h - RFC 4053bis rules: errors reject, warnings are kept. */
#ifndef LIAISON_VALIDATE_H
#define LIAISON_VALIDATE_H

#include "conf/directory.h"
#include "model/statement.h"

struct store;

/* validate_statement - add the problems of ST (codes in docs/statement.md),
 * resolve In Response links against the store (S may be NULL in unit tests).
 * It only adds problems: the state is flow's to decide (flow/flow.c's
 * table). TODAY is YYYY-MM-DD. */
void validate_statement(struct statement *st, const struct directory *dir,
    struct store *s, const char *today);

#endif
