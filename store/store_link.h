/* store_link.h - In Response linking: which stored statement a new one answers. */
#ifndef LIAISON_STORE_LINK_H
#define LIAISON_STORE_LINK_H

#include <glib.h>
#include "model/statement.h"
#include "store/store.h"

/* store_link_resolve - find the stored statements ST answers and append
 * their ids to st->related (no duplicates, never st->id itself), by, in
 * order: In-Reply-To / References naming a stored statement's Message-ID;
 * a Tdoc or LS number in metadata "response_to" that a stored statement
 * carries as an identifier; a title "Reply LS on X" matching a stored
 * "LS on X" sent the opposite way (its To is our From, or its From our To).
 * Reads only. Returns the number of ids added, or -1 with ERROR. */
int store_link_resolve(struct store *s, struct statement *st, GError **error);

/* store_link_mark_answered - for a posted In Response statement ST, mark
 * each statement in st->related as answered (action_taken = 1, version
 * bumped) and add an 'action_taken' event to it naming ST. Call inside the
 * transaction that saves ST; a no-op for other purposes or states. */
int store_link_mark_answered(struct store *s, const struct statement *st, const char *actor,
    GError **error);

/* store_link_late - ST was just saved: link the statements on record that
 * answer it but were saved before it (a reply parsed first, by the other
 * worker or in a burst), as if they had come in order: the related row, the
 * warning in_response_unresolved dropped, a 'linked' event; a posted reply
 * marks ST answered. Inside the caller's transaction; how many linked, -1. */
int store_link_late(struct store *s, struct statement *st, const char *actor, GError **error);

#endif
