/* problem.h - the problem codes a statement can carry (docs/statement.md):
 * ONE table of code, severity, usual field and kind. Parser, flow and ctl
 * name a problem by its enum; the code string only crosses the SQL and
 * JSON boundary. */
#ifndef LIAISON_PROBLEM_H
#define LIAISON_PROBLEM_H

#include <glib.h>

enum severity { SEV_ERROR, SEV_WARNING };

/* What kind of finding a problem is, which says what an edit does with it. */
enum problem_kind {
	PROBLEM_RULE,      /* a validation rule: worked out again after every edit */
	PROBLEM_READING,   /* found while the mail was read: kept across an edit of another field */
};

enum problem_id {
	/* errors */
	PROB_NOT_A_STATEMENT,
	PROB_MISSING_TITLE,
	PROB_MISSING_FROM,
	PROB_MISSING_TO,
	PROB_UNKNOWN_TO,
	PROB_AMBIGUOUS_TO,
	PROB_MISSING_FROM_CONTACT,
	PROB_BAD_ADDRESS,
	PROB_BAD_PURPOSE,
	PROB_MISSING_DEADLINE,
	PROB_BAD_DEADLINE,
	PROB_NO_CONTENT,
	PROB_PARSE_FAILED,
	PROB_SENDER_NOT_AUTHORIZED,    /* outgoing: the sender may not send for the From groups */
	/* warnings */
	PROB_PURPOSE_INFERRED,
	PROB_FOR_COMMENT_MAPPED,
	PROB_DEADLINE_PAST,
	PROB_UNKNOWN_FROM,
	PROB_CONCLUDED_GROUP,
	PROB_WORD_WITHOUT_READABLE,
	PROB_DOCUMENT_UNREADABLE,
	PROB_IN_RESPONSE_UNRESOLVED,
	PROB_MIME_DEFECT,
	PROB_CHARSET_GUESSED,
	PROB_NO_REPLY,
	PROB_RECIPIENTS_CAPPED,
	PROB_POSSIBLE_DUPLICATE,
	PROB_SENT_WITHOUT_APPROVAL,    /* outgoing, sent directly by someone who is not an approver */
	PROB_APPROVAL_UNAUTHENTICATED, /* outgoing, from an approver our MTA did not authenticate */
	PROB_N
};

struct problem_def {
	const char *code;          /* exact, as stored and in JSON */
	enum severity severity;
	const char *field;         /* the field it is usually about ("" for the whole mail) */
	enum problem_kind kind;
};

/* problem_def - the table row of ID. */
const struct problem_def *problem_def(enum problem_id id);
/* problem_find - the id of CODE; FALSE when the table has no such code. */
gboolean problem_find(const char *code, enum problem_id *out);
/* severity_name - "error" | "warning". */
const char *severity_name(enum severity sev);

/* One problem of a statement. */
struct problem {
	char *code;        /* a problem_def code (or, loaded, any code stored) */
	enum severity severity;
	char *field;       /* "to_groups", "deadline", ... or "" */
	char *message;     /* plain words for the secretariat */
};

#endif
