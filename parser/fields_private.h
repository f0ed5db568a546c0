/* fields_private.h - shared by the files of the fields module (fields*.c, labels.c, contacts.c,
 * purpose.c, ident.c) and validate.c only. */
#ifndef LIAISON_FIELDS_PRIVATE_H
#define LIAISON_FIELDS_PRIVATE_H

#include <glib.h>
#include "conf/directory.h"
#include "model/statement.h"
#include "parser/mime.h"

/* What a label means, whatever spelling it was written in (4053bis, RFC 4053,
 * 3GPP's LS template, ITU-T's LS template). */
enum label_key {
	LK_NONE = 0,
	LK_TITLE, LK_FROM, LK_FROM_CONTACT, LK_FROM_LIAISON,
	LK_TO, LK_TO_ACTION, LK_TO_COMMENT, LK_TO_INFO,
	LK_TO_CONTACT, LK_CC, LK_TO_LIAISON,
	LK_PURPOSE, LK_DEADLINE, LK_ATTACHMENTS, LK_RESPONSE_TO,
	LK_RELEASE, LK_WORK_ITEMS, LK_STUDY_GROUP, LK_QUESTIONS, LK_WORKING_PARTY,
	LK_MEETING, LK_APPROVAL, LK_REFERENCE,
	LK_SUB,        /* Name:, E-mail:, Tel: under a contact label */
	LK_IGNORED,    /* known, kept in the block, not a field (Date:, Submission Date:) */
};

struct label_item {
	enum label_key key;
	char *label;     /* as written */
	char *value;     /* continuation lines joined with '\n' */
};

struct label_block {
	GPtrArray *items;          /* struct label_item * in order */
	char *lead;                /* non-label lines before the block (cover letter, 3GPP meeting line) */
	char *prose;               /* the text after the block ("" when none) */
	gboolean action_paragraph; /* an "ACTION:" paragraph (3GPP): For Action */
	GPtrArray *next_meetings;  /* char *: lines under "Date of Next ... Meetings" */
};

/* labels_lookup - the meaning of LABEL as written ("Send any reply LS to"), LK_NONE when none. */
enum label_key labels_lookup(const char *label);
/* labels_scan - the labelled block of TEXT; items is empty when there is none. */
struct label_block *labels_scan(const char *text);
void label_block_free(struct label_block *b);
/* labels_is_statement_key - a field of a statement (not metadata or a sub-label). */
gboolean labels_is_statement_key(enum label_key k);

/* contacts_parse - the addresses in a contact field's VALUE: a strict
 * RFC 5322 list (libetpan) cross-checked with GMime, or, for free text such
 * as "Name, Org, E-mail: a@b" or "mailto:a@b", each address token checked
 * the same way. FALSE with *bad (the offending text, free it) on a bad or
 * missing address. OUT gets struct addr *. */
gboolean contacts_parse(const char *value, GPtrArray *out, char **bad);
/* contacts_parse_header - the mailboxes of an address header as written
 * (RAW: not RFC 2047 decoded), by libetpan and GMime alike; FALSE when it is
 * not an address list. Replies are addressed only from these. */
gboolean contacts_parse_header(const char *raw, GPtrArray *out);

/* purpose_normalise - "For Action", "Information", "In Response", "For
 * Comment"... to for_information|for_action|in_response, or "for_comment";
 * NULL when none of these. */
const char *purpose_normalise(const char *text);

/* ident_scan - add the Tdoc numbers and LS references found in TEXT to IDS
 * (no duplicates). */
void ident_scan(GPtrArray *ids, const char *text);
/* ident_add - add one identifier as written (whitespace collapsed), once. */
void ident_add(GPtrArray *ids, const char *id);
/* ident_clean_title - a Subject made a title: Re:/Fwd:/AW:/[list] prefixes and
 * control characters removed, whitespace collapsed. */
char *ident_clean_title(const char *subject);
/* ident_title_topic - "X" of "Reply LS on X" / "LS on X" / "Response to LS on X"
 * lower-cased, and whether it is a reply; NULL when the title has no topic. */
char *ident_title_topic(const char *title, gboolean *is_reply);

/* fields_regex - PATTERN compiled once into *SLOT (thread-safe), then reused. */
GRegex *fields_regex(GRegex **slot, const char *pattern, GRegexCompileFlags flags);

/* fields_mail.c: what the message itself gives. */
/* fields_headers_fallback - Title from the Subject, From-Contact from the
 * From header (unless CONTACT_LABELLED), the submitter, and the address it
 * was received from as From-Liaison-Contact when none is given. */
void fields_headers_fallback(struct statement *st, const struct parsed_mail *pm,
    gboolean contact_labelled);
/* fields_copy_message - body, forwarder, Message-ID, In-Reply-To, References. */
void fields_copy_message(struct statement *st, const struct parsed_mail *pm);
/* fields_mail_problems - mime_defect and charset_guessed, unless already recorded. */
void fields_mail_problems(struct statement *st, const struct parsed_mail *pm);
/* fields_link_keys - metadata title_topic, title_is_reply, response_to_ids for store_link. */
void fields_link_keys(struct statement *st);

#endif
