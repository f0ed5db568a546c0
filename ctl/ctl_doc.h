/* ctl_doc.h - `liaisonctl show ID --text`: the text read out of the documents. */
#ifndef LIAISON_CTL_DOC_H
#define LIAISON_CTL_DOC_H

#include "ctl/ctl.h"
#include "model/statement.h"

/* ctl_doc_show_text - print statement ID's document texts, the statement's
 * first, each under a line naming the file; 65 for an unknown id. */
int ctl_doc_show_text(struct ctl *c, gint64 id);

/* ctl_doc_print_section - the Documents section of the human `show`: each
 * document read, its role and size, and how to read it. */
void ctl_doc_print_section(const struct statement *st, gint64 id);

#endif
