/* statement.h - a liaison statement as read out of a message (RFC 4053bis):
 * the data model every layer above conf shares. The parser fills it, the
 * store saves and loads it, notify reads it, flow moves it between states.
 * Its problem codes are in model/problem.h. */
#ifndef LIAISON_STATEMENT_H
#define LIAISON_STATEMENT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "model/problem.h"

/* The lifecycle states (docs/design.md: the transition table in flow/flow.c
 * moves a statement between them). Names only at the SQL and JSON boundary. */
enum stmt_state {
	STMT_RECEIVED,     /* stored, not parsed yet */
	STMT_POSTED,       /* routed to its groups */
	STMT_REJECTED,     /* in the rejects queue, waiting for the secretariat */
	STMT_IGNORED,      /* automatic mail (bounce, auto-reply): kept, never answered */
	STMT_DEAD,         /* discarded by the secretariat (kept; restore undoes it) */
	STMT_PENDING,      /* outgoing, awaiting approval before it is sent (issue 16) */
	STMT_DUPLICATE,    /* a repeat of a statement on record (duplicate_of): kept, not routed */
	STMT_N_STATES
};
#define STMT_BIT(s) (1u << (s))

/* stmt_state_name - "posted"; stmt_state_from_name - FALSE when NAME is none. */
const char *stmt_state_name(enum stmt_state s);
gboolean stmt_state_from_name(const char *name, enum stmt_state *out);

struct group_ref {
	char *text;        /* as written */
	char *acronym;     /* directory group, NULL when unresolved */
};

struct attachment {
	int position;             /* from 1 */
	char *filename;           /* sanitised */
	char *original_filename;  /* as in the mail, may be NULL */
	char *content_type;
	gint64 size;
	char *sha256;             /* hex; the blob is state_dir/blobs/xx/<sha256> */
	int derived_from;         /* position of the archive it came out of, 0 when none */
};

struct document {
	char *filename;
	char *role;               /* "statement" | "attachment" */
	char *text;               /* extracted UTF-8 text */
	gint64 text_chars;
	int attachment;           /* position of the attachment read, 0: inside an archive */
	gboolean partial;         /* a PDF's first pages only: the rest is read when idle */
};

struct statement {
	gint64 id;                /* = the message id */
	enum stmt_state state;
	char *title;
	char *purpose;            /* for_information|for_action|in_response or NULL */
	char *deadline;           /* YYYY-MM-DD or NULL */
	char *body;
	GPtrArray *from_groups, *to_groups;        /* struct group_ref * */
	GPtrArray *from_contacts, *to_contacts;    /* struct addr * (conf/addr.h) */
	char *from_liaison_contact, *to_liaison_contact;   /* bare addresses or NULL */
	char *forwarded_by;       /* bare address or NULL */
	char *submitter;          /* header From of the original, else envelope sender */
	gboolean auto_generated;  /* bounce, DSN, auto-reply: state ignored */
	GPtrArray *attachments;   /* struct attachment * */
	GPtrArray *documents;     /* struct document * */
	GPtrArray *other_identifiers;  /* char * */
	GArray *related;          /* gint64 ids */
	GPtrArray *problems;      /* struct problem * */
	JsonObject *metadata;     /* release, work_items, next_meetings, response_to, ... */
	/* Of the original (forwarded) message, for linking and threading replies. */
	char *message_id;         /* without <> */
	char *in_reply_to;
	GPtrArray *references;    /* char * */
	int version;              /* store's version counter, for edit conflicts */
	gboolean action_taken;    /* stored: answered or marked taken (a For Action statement) */
	/* Outgoing statements (model/outgoing.h): from an IETF group to another body. */
	gboolean outgoing;        /* direction: FALSE incoming, TRUE outgoing */
	gboolean sent_directly;   /* the mail shows it already went to the other body */
	char *approved_by;        /* bare address of the approver, NULL: not approved */
	char *approved_at;        /* ISO 8601 UTC, NULL until recorded */
	char *approval_how;       /* "submitter" | "web" | "cli" | "recorded" */
	char *approval_note;      /* recorded: how it was given ("by phone"), else NULL */
	gint64 duplicate_of;      /* stored: the statement this one repeats, 0 when none */
};

struct statement *statement_new(void);
void statement_free(struct statement *st);

/* statement_authenticated - was ADDRESS's domain authenticated by our MTA
 * for the mail ST came in (Authentication-Results with [liaisond]
 * authserv_id: metadata "reply_domains", parser/reply.c)? */
gboolean statement_authenticated(const struct statement *st, const char *address);
/* statement_problem - add problem ID (its code and severity from the table);
 * FIELD NULL: the table's field. MESSAGE is printf-style. */
void statement_problem(struct statement *st, enum problem_id id, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* statement_problem_add - a problem as stored (any code: a database written
 * by an older or newer program may hold codes this table lacks). */
void statement_problem_add(struct statement *st, const char *code, enum severity sev,
    const char *field, const char *message);
gboolean statement_has_problem(const struct statement *st, enum problem_id id);
gboolean statement_has_errors(const struct statement *st);
/* statement_problem_copy - a copy of problem P (free with problem_free). */
struct problem *statement_problem_copy(const struct problem *p);
void problem_free(gpointer p);
/* statement_clear_problems - before re-validation. */
void statement_clear_problems(struct statement *st);

/* statement_json_add - the statement keys of `liaisonctl show --json` (state,
 * title, purpose, deadline, from_groups, to_groups, from_contacts, to_contacts,
 * from_liaison_contact, to_liaison_contact, body, attachments,
 * other_identifiers, related, forwarded_by, action_taken, problems,
 * documents, release, work_items, next_meetings, direction, approval,
 * sent_directly) set into O. */
void statement_json_add(JsonObject *o, const struct statement *st);
/* statement_problems_json - ST's problems: [{code, severity, field, message}]. */
JsonNode *statement_problems_json(const struct statement *st);

struct group_ref *group_ref_new(const char *text, const char *acronym);
void group_ref_free(gpointer g);
void attachment_free(gpointer a);
void document_free(gpointer d);

#endif
