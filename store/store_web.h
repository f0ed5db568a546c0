/* store_web.h - what liaisond-web reads that the secretariat's reads lack:
 * a read-only connection for the public pages and the public list of posted
 * statements, filtered and paged. Writes go through flow/, never here. */
#ifndef LIAISON_STORE_WEB_H
#define LIAISON_STORE_WEB_H

#include <glib.h>
#include "store/store.h"
#include "store/store_admin.h"

/* store_open_readonly - the database under STATE_DIR opened read-only (no
 * folders made, no migration): STORE_ERR_SCHEMA when its schema is not the
 * one this program knows (run liaisond or liaisonctl once to migrate it).
 * One connection per thread. */
struct store *store_open_readonly(const char *state_dir, GError **error);

struct web_list_query {
	const char *const *from;  /* acronyms, any of which (NULL: any group) */
	const char *const *to;
	const char *purpose;      /* for_action|for_information|in_response or NULL */
	const char *text;         /* words, all must occur (FTS5 as indexed; NULL: any) */
	const char *state;        /* the state name; the public list: "posted" */
	int offset, limit;        /* limit 0: all */
	gboolean problems;        /* fill errors and warnings (the secretariat's lists) */
};
/* store_web_list - statements in q->state, newest first (by receipt: the
 * highest id first), as struct admin_summary *. */
GPtrArray *store_web_list(struct store *s, const struct web_list_query *q, GError **error);

/* store_web_state_counts - how many messages are in each state: counts[i]
 * for the state named stmt_state_name(i) (N entries). */
int store_web_state_counts(struct store *s, gint64 *counts, int n, GError **error);

#endif
