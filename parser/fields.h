/* fields.h - the statement's fields out of labelled text and headers. */
#ifndef LIAISON_FIELDS_H
#define LIAISON_FIELDS_H

#include "conf/directory.h"
#include "parser/mime.h"
#include "model/statement.h"

/* fields_extract - fill ST from PM: labelled lines in the body first, then a
 * labelled text attachment, then the main document's cover sheet, then the
 * headers. Groups are resolved with DIR; problems found while reading (a bad
 * date, a bad address) are added to ST. */
void fields_extract(struct statement *st, const struct parsed_mail *pm,
    const struct directory *dir);

/* fields_apply_label - set one field from a "Label: value" pair, as the mail
 * form would (used by liaisonctl edit). FALSE when LABEL is not a field. */
gboolean fields_apply_label(struct statement *st, const char *label, const char *value,
    const struct directory *dir);

/* date_parse - a deadline as written to YYYY-MM-DD; NULL when unreadable or
 * ambiguous (then *why says which). */
char *date_parse(const char *text, const char **why);

#endif
