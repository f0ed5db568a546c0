/* dupkey.h - the keys a statement that arrives again is recognised by
 * (issue 20; flow/ingest.c looks them up among the statements on record). */
#ifndef LIAISON_DUPKEY_H
#define LIAISON_DUPKEY_H

#include "model/statement.h"

/* dupkey_set - put into st->metadata (with in_reply_to and references, the
 * Message-IDs the mail answers, for linking a reply saved before its original):
 *   title_key   - digest of the normalised title and the From groups (a
 *                 corrected resend keeps these and changes the rest);
 *   content_key - digest of title_key and of the normalised body text, or,
 *                 when the body says next to nothing, of the attachments.
 * Normalised: Unicode NFKC, case folded, "> " quoting and punctuation
 * dropped, whitespace collapsed: robust to re-encoding, a forward's quoting
 * and a mail client's line breaks. A statement without a title gets neither. */
void dupkey_set(struct statement *st);

/* dupkey_norm - TEXT as the keys see it: NFKC, case folded, letters and
 * digits only, one space between words (a new string; NULL gives ""). */
char *dupkey_norm(const char *text);

#endif
