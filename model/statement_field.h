/* statement_field.h - the fields a person sets (liaisonctl edit, the web
 * form): the command-line name and the mail form's label. */
#ifndef LIAISON_STATEMENT_FIELD_H
#define LIAISON_STATEMENT_FIELD_H

#include "model/statement.h"

struct stmt_field {
	const char *name, *label;
};
/* Ended by { NULL, NULL }; body has no label in the form (it is the text). */
extern const struct stmt_field stmt_fields[];
/* stmt_field_find - by name (from_contact, from-contact) or label (From-Contact). */
const struct stmt_field *stmt_field_find(const char *name);
/* stmt_purpose_text - the form's wording of a stored purpose (For Action). */
const char *stmt_purpose_text(const char *code);
/* stmt_field_text - field NAME (title, from, to, ...) of ST as the mail form
 * would show it; RESOLVED adds "(acronym)" or "(unresolved)" after each group. */
char *stmt_field_text(const struct statement *st, const char *name, gboolean resolved);

#endif
