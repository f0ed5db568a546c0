/* store_admin.h - the secretariat's reads (liaisonctl, flow/): the rejects
 * queue, history, search, export, and the version checks of an edit. The
 * changes themselves (discard, restore, comment, mark-taken, ...) are flow's,
 * one transaction each (flow/flow.h). Unknown ids fail with
 * STORE_ERR_NOTFOUND and the message "no statement N". */
#ifndef LIAISON_STORE_ADMIN_H
#define LIAISON_STORE_ADMIN_H

#include <glib.h>
#include "store/store.h"
#include "model/statement.h"

/* One message/statement as listings show it. */
struct admin_summary {
	gint64 id;
	enum stmt_state state;
	char *received_at;       /* ISO 8601 UTC */
	char *posted_at;         /* NULL unless posted */
	char *sender;            /* the statement's submitter, else the envelope sender ("" for <>) */
	char *title;             /* NULL when not parsed or none found */
	char *from_groups;       /* "3gpp-sa2, itu-t-sg13": acronyms, else the text as written */
	char *to_groups;
	char *errors;            /* error codes, comma-separated in order; "" when none */
	char *warnings;          /* warning codes, likewise */
	int version;             /* the statement's version; 0 when not parsed yet */
	gboolean parsed;         /* it has a statements row */
	gboolean action_taken;
	char *purpose;           /* NULL when none */
	char *deadline;          /* YYYY-MM-DD or NULL */
	char *snippet;           /* search only: the matching text with [ ] around hits */
	char *relation;          /* related only: "responds_to" (ID answers it) or "answered_by" */
};
void admin_summary_free(gpointer p);

/* store_admin_summary - one statement, or NULL and STORE_ERR_NOTFOUND. */
struct admin_summary *store_admin_summary(struct store *s, gint64 id, GError **error);

/* store_admin_rejects - the rejects queue (state rejected), oldest first. */
GPtrArray *store_admin_rejects(struct store *s, GError **error);

struct admin_event {
	gint64 id;
	char *at, *actor, *kind, *detail;
	gboolean private_;
};
void admin_event_free(gpointer p);

/* store_admin_history - every event of statement ID, oldest first. */
GPtrArray *store_admin_history(struct store *s, gint64 id, GError **error);

/* store_admin_check_version - inside the caller's transaction: the statement's
 * version must still be EXPECTED; then it becomes EXPECTED + 1. Otherwise
 * STORE_ERR_CONFLICT "statement N changed since you read it (version a -> b);
 * run show and try again". */
int store_admin_check_version(struct store *s, gint64 id, int expected, GError **error);
/* store_admin_set_version - inside the caller's transaction: force VERSION
 * (after a save that rewrote the statement row). */
int store_admin_set_version(struct store *s, gint64 id, int version, GError **error);

struct admin_search {
	const char *text;        /* words; all must occur (NULL or "": any) */
	const char *from, *to;   /* a group: acronym or words of its name as written */
	/* and/or acronyms, any of which matches on that side (a group with its
	 * sub-groups in the directory tree); NULL-terminated, NULL: none */
	char **from_any, **to_any;
	const char *since;       /* received at or after (ISO date or time) */
	const char *until;       /* received before (exclusive; the caller adds a day) */
	const char *state;
	int limit;               /* 0: no limit */
};
/* store_admin_search - full text (FTS5) with filters, newest first. */
GPtrArray *store_admin_search(struct store *s, const struct admin_search *q, GError **error);

/* store_admin_posted - ids of posted statements, posted at or after SINCE
 * (NULL: all), in order of posting. */
GArray *store_admin_posted(struct store *s, const char *since, GError **error);

/* store_admin_ids_in_state - ids in STATE, oldest first. */
GArray *store_admin_ids_in_state(struct store *s, const char *state, GError **error);

struct admin_mail {
	gint64 id;
	char *kind, *state, *subject, *created_at, *last_error;
	char *to;                /* "a@x, b@y" */
	char *cc;
	int attempts;
};
void admin_mail_free(gpointer p);
/* store_admin_outbox_of - the outbox mails about statement ID, oldest first. */
GPtrArray *store_admin_outbox_of(struct store *s, gint64 id, GError **error);

/* store_admin_related - statements linked with ID in either direction, with
 * their relation set (struct admin_summary *). */
GPtrArray *store_admin_related(struct store *s, gint64 id, GError **error);

#endif
