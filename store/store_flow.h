/* store_flow.h - the state columns of a message, for flow/: written inside
 * the caller's transaction (flow does every event's writes in one; the
 * setters assert it), read inside it or before it. */
#ifndef LIAISON_STORE_FLOW_H
#define LIAISON_STORE_FLOW_H

#include <glib.h>
#include "store/store.h"

/* store_flow_state - message ID's state and the state it had before it was
 * discarded (NULL unless dead and remembered); STORE_ERR_NOTFOUND "no
 * statement N" when there is no such message. */
int store_flow_state(struct store *s, gint64 id, char **state, char **before_discard,
    GError **error);

/* store_flow_set_state - message ID to STATE, remembering BEFORE_DISCARD
 * (NULL clears it); posted sets posted_at when it has none; a parsed
 * statement's version is bumped (an edit in progress is stale). */
int store_flow_set_state(struct store *s, gint64 id, const char *state,
    const char *before_discard, GError **error);

/* store_flow_mark_taken - action_taken = 1 on statement ID (version bumped);
 * *CHANGED FALSE when it already was. */
int store_flow_mark_taken(struct store *s, gint64 id, gboolean *changed, GError **error);

/* store_flow_discard_told - *TOLD TRUE when message ID's latest discard
 * queued a notice to its sender ("notified: discard notice queued" recorded
 * after the last "discarded"): restore then tells the sender it is back. */
int store_flow_discard_told(struct store *s, gint64 id, gboolean *told, GError **error);

#endif
