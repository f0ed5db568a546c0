/* problem.c - the table of problem codes (docs/statement.md lists them for users). */
#include "model/problem.h"

#include <string.h>

static const struct problem_def defs[PROB_N] = {
	[PROB_NOT_A_STATEMENT]        = { "not_a_statement", SEV_ERROR, "", PROBLEM_RULE },
	[PROB_MISSING_TITLE]          = { "missing_title", SEV_ERROR, "title", PROBLEM_RULE },
	[PROB_MISSING_FROM]           = { "missing_from", SEV_ERROR, "from_groups", PROBLEM_RULE },
	[PROB_MISSING_TO]             = { "missing_to", SEV_ERROR, "to_groups", PROBLEM_RULE },
	[PROB_UNKNOWN_TO]             = { "unknown_to", SEV_ERROR, "to_groups", PROBLEM_RULE },
	[PROB_AMBIGUOUS_TO]           = { "ambiguous_to", SEV_ERROR, "to_groups", PROBLEM_RULE },
	[PROB_MISSING_FROM_CONTACT]   = { "missing_from_contact", SEV_ERROR, "from_contacts",
	                                  PROBLEM_RULE },
	[PROB_BAD_ADDRESS]            = { "bad_address", SEV_ERROR, "from_contacts", PROBLEM_READING },
	[PROB_BAD_PURPOSE]            = { "bad_purpose", SEV_ERROR, "purpose", PROBLEM_RULE },
	[PROB_MISSING_DEADLINE]       = { "missing_deadline", SEV_ERROR, "deadline", PROBLEM_RULE },
	[PROB_BAD_DEADLINE]           = { "bad_deadline", SEV_ERROR, "deadline", PROBLEM_READING },
	[PROB_NO_CONTENT]             = { "no_content", SEV_ERROR, "body", PROBLEM_RULE },
	[PROB_PARSE_FAILED]           = { "parse_failed", SEV_ERROR, "", PROBLEM_RULE },
	[PROB_SENDER_NOT_AUTHORIZED]  = { "sender_not_authorized", SEV_ERROR, "from_groups",
	                                  PROBLEM_RULE },
	[PROB_PURPOSE_INFERRED]       = { "purpose_inferred", SEV_WARNING, "purpose", PROBLEM_READING },
	[PROB_FOR_COMMENT_MAPPED]     = { "for_comment_mapped", SEV_WARNING, "purpose",
	                                  PROBLEM_READING },
	[PROB_DEADLINE_PAST]          = { "deadline_past", SEV_WARNING, "deadline", PROBLEM_RULE },
	[PROB_UNKNOWN_FROM]           = { "unknown_from", SEV_WARNING, "from_groups", PROBLEM_RULE },
	[PROB_CONCLUDED_GROUP]        = { "concluded_group", SEV_WARNING, "to_groups", PROBLEM_RULE },
	[PROB_WORD_WITHOUT_READABLE]  = { "word_without_readable", SEV_WARNING, "attachments",
	                                  PROBLEM_READING },
	/* found by the document reader while the mail was read, yet recomputed
	 * (dropped) by an edit since before this table: kept as it was */
	[PROB_DOCUMENT_UNREADABLE]    = { "document_unreadable", SEV_WARNING, "attachments",
	                                  PROBLEM_RULE },
	[PROB_IN_RESPONSE_UNRESOLVED] = { "in_response_unresolved", SEV_WARNING, "related",
	                                  PROBLEM_READING },
	[PROB_MIME_DEFECT]            = { "mime_defect", SEV_WARNING, "", PROBLEM_READING },
	[PROB_CHARSET_GUESSED]        = { "charset_guessed", SEV_WARNING, "body", PROBLEM_READING },
	/* decided at intake from the mail's sender and headers (issue 14): an
	 * edit of a field does not make them true or false again */
	[PROB_NO_REPLY]               = { "no_reply", SEV_WARNING, "", PROBLEM_READING },
	[PROB_RECIPIENTS_CAPPED]      = { "recipients_capped", SEV_WARNING, "to_contacts",
	                                  PROBLEM_READING },
	[PROB_POSSIBLE_DUPLICATE]     = { "possible_duplicate", SEV_WARNING, "", PROBLEM_READING },
	[PROB_SENT_WITHOUT_APPROVAL]  = { "sent_without_approval", SEV_WARNING, "from_groups",
	                                  PROBLEM_RULE },
	[PROB_APPROVAL_UNAUTHENTICATED] = { "approval_unauthenticated", SEV_WARNING, "from_groups",
	                                  PROBLEM_RULE },
};

const struct problem_def *
problem_def(enum problem_id id)
{
	g_return_val_if_fail((unsigned)id < PROB_N, &defs[PROB_PARSE_FAILED]);
	return &defs[id];
}

gboolean
problem_find(const char *code, enum problem_id *out)
{
	for (int i = 0; i < PROB_N; i++)
		if (code && strcmp(defs[i].code, code) == 0) {
			if (out)
				*out = (enum problem_id)i;
			return TRUE;
		}
	return FALSE;
}

const char *
severity_name(enum severity sev)
{
	return sev == SEV_ERROR ? "error" : "warning";
}
