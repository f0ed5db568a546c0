/* ctl_doc.h - `liaisonctl show ID --text`: the text read out of the documents. */
#ifndef LIAISON_CTL_DOC_H
#define LIAISON_CTL_DOC_H

#include "ctl/ctl.h"

/* ctl_doc_show_text - print statement ID's document texts, the statement's
 * first, each under a line naming the file; 65 for an unknown id. */
int ctl_doc_show_text(struct ctl *c, gint64 id);

#endif
