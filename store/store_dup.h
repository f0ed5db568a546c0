/* store_dup.h - duplicates (issue 20): which statement on record a new one
 * repeats, the links between them, and the resend that supersedes. */
#ifndef LIAISON_STORE_DUP_H
#define LIAISON_STORE_DUP_H

#include <glib.h>
#include "model/statement.h"
#include "store/store.h"

/* How a repeat was recognised (duplicates.how). */
enum dup_how {
	DUP_NONE,
	DUP_MESSAGE_ID,   /* the same original Message-ID (the mail's, or the forwarded one's) */
	DUP_CONTENT,      /* metadata content_key within the window */
	DUP_RESEND,       /* title_key, same sending body or sender, earlier one rejected
	                     and since approved (posted by the secretariat) */
	DUP_REJECTED,     /* title_key, same sending body or sender, earlier one rejected:
	                     not a duplicate, a corrected resend (supersedes it once posted) */
};
const char *dup_how_name(enum dup_how h);

/* store_dup_find - the statement on record (posted or rejected, not ST
 * itself; saved before it, whatever the order of arrival) that ST repeats, and how; 0 and DUP_NONE when none.
 * WINDOW_DAYS bounds the content and resend matches (0: Message-ID only). */
int store_dup_find(struct store *s, const struct statement *st, int window_days,
    gint64 *original, enum dup_how *how, GError **error);

/* store_dup_link - record (or replace) ID as a repeat of ORIGINAL; inside
 * the caller's transaction. store_dup_unlink - forget it. */
int store_dup_link(struct store *s, gint64 id, gint64 original, const char *how,
    GError **error);
int store_dup_unlink(struct store *s, gint64 id, GError **error);

/* store_dup_of - the statement ID is linked to as a repeat (0: none), and how. */
int store_dup_of(struct store *s, gint64 id, gint64 *original, char **how, GError **error);
/* store_dup_list - the ids of the statements in state duplicate that repeat ID. */
GArray *store_dup_list(struct store *s, gint64 id, GError **error);

/* store_dup_resends - the statements in the rejects queue that resend ST
 * (the same title key, from the same sending body or sender, within
 * WINDOW_DAYS), at most 20, into OUT (gint64). */
int store_dup_resends(struct store *s, const struct statement *st, int window_days,
    GArray *out, GError **error);

/* store_dup_posted_at - when statement ID was posted (routed), NULL: not. */
int store_dup_posted_at(struct store *s, gint64 id, char **at, GError **error);

/* store_dup_supersede - rejected statement OLD replaced by BY (its corrected
 * resend, now posted); store_dup_unsupersede - restore undoes it.
 * store_dup_superseded_by - the statement that replaced ID, 0: none. */
int store_dup_supersede(struct store *s, gint64 old, gint64 by, GError **error);
int store_dup_unsupersede(struct store *s, gint64 old, GError **error);
int store_dup_superseded_by(struct store *s, gint64 id, gint64 *by, GError **error);

#endif
