/* statement.h - a liaison statement as read out of a message (RFC 4053bis).
 * The parser fills it, store_stmt saves and loads it, notify reads it. */
#ifndef LIAISON_STATEMENT_H
#define LIAISON_STATEMENT_H

#include <glib.h>
#include <json-glib/json-glib.h>

enum severity { SEV_ERROR, SEV_WARNING };

struct problem {
	char *code;        /* exact codes: docs/statement.md */
	enum severity severity;
	char *field;       /* "to", "deadline", ... or "" */
	char *message;     /* plain words for the secretariat */
};

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
};

struct statement {
	gint64 id;                /* = the message id */
	char *state;              /* received|posted|rejected|ignored|dead */
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
};

struct statement *statement_new(void);
void statement_free(struct statement *st);

/* statement_problem - add a problem; MESSAGE is printf-style. */
void statement_problem(struct statement *st, const char *code, enum severity sev,
    const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
gboolean statement_has_problem(const struct statement *st, const char *code);
gboolean statement_has_errors(const struct statement *st);
/* statement_clear_problems - before re-validation. */
void statement_clear_problems(struct statement *st);

struct group_ref *group_ref_new(const char *text, const char *acronym);
void group_ref_free(gpointer g);
void attachment_free(gpointer a);
void document_free(gpointer d);

#endif
