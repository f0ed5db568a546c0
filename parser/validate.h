/* validate.h - RFC 4053bis rules: errors reject, warnings are kept. */
#ifndef LIAISON_VALIDATE_H
#define LIAISON_VALIDATE_H

#include "conf/directory.h"
#include "model/statement.h"
#include "model/sink.h"

/* validate_statement - add the problems of ST (codes in docs/statement.md),
 * resolve In Response links through LINKS (the store's; NULL: none).
 * It only adds problems: the state is flow's to decide (flow/flow.c's
 * table). TODAY is YYYY-MM-DD. */
void validate_statement(struct statement *st, const struct directory *dir,
    struct link_lookup *links, const char *today);

#endif
