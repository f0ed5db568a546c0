/* test_fields.c - label blocks of every shape senders use, header fallbacks, purpose inference. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gmime/gmime.h>

#include "flow/flow.h"
#include "parser/fields.h"
#include "parser/fields_private.h"
#include "parser/validate.h"
#include "conf/addr.h"


/* ingest_state - the state the transition table gives ST on arrival
 * (validation only adds problems; flow/flow.c decides). */
static const char *
ingest_state(const struct statement *st)
{
	const struct flow_transition *row = flow_match(FLOW_INGEST, STMT_RECEIVED, flow_facts(st, 0));
	return row ? stmt_state_name((enum stmt_state)row->to) : "(no row)";
}

static struct directory *dir;
static int failures;

/* bad - report one mismatch and go on, so one run shows every wrong case. */
#define bad(...) do { print_error(__VA_ARGS__); print_error("\n"); failures++; } while (0)

/* One case: the mail as parsed (body, a text attachment, headers) and what
 * must come out. Lists are comma-separated; "" means empty, "-" a group
 * left unresolved; NULL: not checked. */
struct fcase {
	const char *name;
	const char *body, *text_attachment, *subject, *from, *envelope;
	const char *title, *from_groups, *to_groups, *from_contacts, *to_contacts;
	const char *from_liaison, *to_liaison, *purpose, *deadline, *identifiers;
	const char *problems;     /* codes after validate, in order, comma-separated */
};

static const struct fcase cases[] = {
	{ "4053bis body block",
	  "Title: Request for review of MPQUIC security considerations\n"
	  "From: 3GPP TSG SA WG3\n"
	  "From-Contact: Peter Schmitt <peter.schmitt@example.com>\n"
	  "From-Liaison-Contact: 3GPPLiaison@etsi.org\n"
	  "To: IETF QUIC WG\n"
	  "To-Contact: quic-chairs@ietf.org\n"
	  "To-Liaison-Contact: 3gpp-liaison@ietf.org\n"
	  "Purpose: For Action\n"
	  "Deadline: 15 March 2031\n"
	  "Attachments: none\n"
	  "\n"
	  "SA3 kindly asks the QUIC WG to review the attached analysis.\n",
	  NULL, "LS from SA3", "3GPP Liaisons <3GPPLiaison@etsi.org>", NULL,
	  "Request for review of MPQUIC security considerations", "3gpp-sa3", "quic",
	  "peter.schmitt@example.com", "quic-chairs@ietf.org", "3GPPLiaison@etsi.org",
	  "3gpp-liaison@ietf.org", "for_action", "2031-03-15", "", "" },

	{ "labels are case-insensitive, values continue on indented lines",
	  "TITLE: A title that is long enough\n"
	  "    to continue on a second line\n"
	  "from: ITU-T SG15\n"
	  "to: IETF CCAMP WG,\n"
	  "    IETF MPLS WG\n"
	  "from-contact: Tom <tom@itu.example>,\n"
	  "   jane@itu.example\n"
	  "PURPOSE: for information\n"
	  "\n"
	  "Body text.\n",
	  NULL, "ignored subject", "tsb@itu.example", NULL,
	  "A title that is long enough to continue on a second line", "itu-t-sg15",
	  "ccamp,mpls", "tom@itu.example,jane@itu.example", "", "tsb@itu.example", NULL,
	  "for_information", NULL, "", "" },

	{ "cover-letter lines before the block",
	  "Dear IETF colleagues,\n"
	  "please find below a statement from the Broadband Forum.\n"
	  "\n"
	  "Title: YANG models for access networks\n"
	  "From: Broadband Forum\n"
	  "To: IETF OPSAWG\n"
	  "Purpose: For Information\n"
	  "Broadband Forum Reference: LIAISE-439\n"
	  "\n"
	  "The BBF has published TR-383 Amendment 7 ...\n",
	  NULL, "Fwd: BBF LS", "BBF Liaisons <liaisons@broadband-forum.org>", NULL,
	  "YANG models for access networks", "bbf", "opsawg",
	  "liaisons@broadband-forum.org", "", "liaisons@broadband-forum.org", NULL,
	  "for_information", NULL, "LIAISE-439", "" },

	{ "RFC 4053 labels",
	  "Title: Use of DetNet in IEEE 802.1 TSN\n"
	  "From: IEEE 802.1\n"
	  "To: DetNet WG\n"
	  "Cc: detnet-chairs@ietf.org, Lou <lou@example.com>\n"
	  "Response Contact: Glenn <glenn@example.com>\n"
	  "Technical Contact: janos@example.org\n"
	  "Purpose: For Comment\n"
	  "Deadline: 2031-01-31\n"
	  "\n"
	  "IEEE 802.1 would welcome comments.\n",
	  NULL, NULL, "glenn@example.com", NULL,
	  "Use of DetNet in IEEE 802.1 TSN", "ieee-802.1", "detnet",
	  "janos@example.org", "detnet-chairs@ietf.org,lou@example.com", "glenn@example.com", NULL,
	  "for_action", "2031-01-31", "", "for_comment_mapped" },

	{ "For Comment without a deadline is For Information",
	  "Title: Comments on a draft\nFrom: ITU-T SG15\nTo: CCAMP\nPurpose: For Comment\n"
	  "From-Contact: a@itu.example\n\nText.\n",
	  NULL, NULL, "a@itu.example", NULL,
	  "Comments on a draft", "itu-t-sg15", "ccamp", "a@itu.example", "", "a@itu.example",
	  NULL, "for_information", NULL, "", "for_comment_mapped" },

	{ "3GPP LS template in the body",
	  "3GPP TSG SA WG3 Meeting #117                                S3-243456\n"
	  "Maastricht, NL, 19 - 23 August 2024\n"
	  "\n"
	  "Title:          LS on Security considerations for MPQUIC\n"
	  "Release:        Rel-19\n"
	  "Work Item:      FS_ATSSS_Ph4\n"
	  "\n"
	  "Source:         SA3\n"
	  "To:             IETF QUIC WG\n"
	  "Cc:             SA2, CT4\n"
	  "\n"
	  "Contact Person:\n"
	  "   Name:        Peter Schmitt\n"
	  "   E-mail:      peter.schmitt@example.com\n"
	  "\n"
	  "Send any reply LS to:   3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n"
	  "\n"
	  "Attachments:    S3-243400\n"
	  "\n"
	  "1. Overall Description:\n"
	  "SA3 studies MPQUIC.\n"
	  "2. Actions:\n"
	  "To IETF QUIC WG.\n"
	  "ACTION: SA3 kindly asks IETF QUIC WG to answer the questions above.\n"
	  "3. Date of Next TSG SA WG3 Meetings:\n"
	  "SA3#140   14 - 18 October 2030   Hyderabad, IN\n",
	  NULL, "LS from 3GPP SA3", "3GPPLiaison@etsi.org", NULL,
	  "LS on Security considerations for MPQUIC", "3gpp-sa3", "quic",
	  "peter.schmitt@example.com", "", "3GPPLiaison@etsi.org", NULL,
	  "for_action", NULL, "S3-243456,S3-243400", "purpose_inferred" },

	{ "3GPP Response to",
	  "Title: Reply LS on QUIC multipath\n"
	  "Response to: LS S2-2401234 on QUIC multipath\n"
	  "Source: SA2\n"
	  "To: QUIC WG\n"
	  "Contact Person:\nName: Ann Example\nE-mail: ann@example.com\n"
	  "\n"
	  "1. Overall Description:\nThanks.\n",
	  NULL, NULL, "3GPPLiaison@etsi.org", NULL,
	  "Reply LS on QUIC multipath", "3gpp-sa2", "quic", "ann@example.com", "",
	  "3GPPLiaison@etsi.org", NULL, "in_response", NULL, "",
	  "purpose_inferred,in_response_unresolved" },

	{ "ITU-T template",
	  "Question(s):   11/15          Meeting, date:  Geneva, 8-19 April 2030\n"
	  "Study Group:   15             Working Party:  3\n"
	  "Source:        ITU-T SG15\n"
	  "Title:         LS on OTN YANG models\n"
	  "Contact:       Tom Example, Acme, CH, Tel: +41 22 000, E-mail: tom@acme.example\n"
	  "\n"
	  "LIAISON STATEMENT\n"
	  "For action to:       IETF CCAMP WG\n"
	  "For information to:  IETF MPLS WG, IEEE 802.1\n"
	  "Approval:            Agreed to at SG15 meeting (Geneva, 19 April 2030)\n"
	  "Deadline:            1 September 2030\n"
	  "\n"
	  "SG15 asks CCAMP to review the attached models. COM 15-LS 123\n",
	  NULL, NULL, "tsb@itu.example", NULL,
	  "LS on OTN YANG models", "itu-t-sg15", "ccamp,mpls", "tom@acme.example", "",
	  "tsb@itu.example", NULL, "for_action", "2030-09-01", "", "" },

	{ "labels in a text attachment, none in the body",
	  "Please find the liaison statement attached.\n\nRegards, TSB\n",
	  "Title: LS on network slicing\nFrom: ITU-T SG13\nTo: IETF TEAS WG; OPSAWG\n"
	  "Purpose: For Information\nFrom-Contact: tsbsg13@itu.example\n\nText\n",
	  "LS", "tsb@itu.example", NULL,
	  "LS on network slicing", "itu-t-sg13", NULL, "tsbsg13@itu.example", "",
	  "tsb@itu.example", NULL, "for_information", NULL, "", NULL },

	{ "header fallbacks: Subject prefixes, From; an outgoing statement may name another body",
	  "From: IETF QUIC WG\nTo: 3GPP SA3\n\nFYI, we have published RFC 9999.\n",
	  NULL, "Fwd: AW: [quic] Re: New RFC on multipath", "Matt <Matt.Joras@Example.COM>", NULL,
	  "New RFC on multipath", "quic", "3gpp-sa3", "Matt.Joras@example.com", "",
	  "Matt.Joras@example.com", NULL, "for_information", NULL, "",
	  "purpose_inferred" },

	{ "no From header: envelope sender is the liaison contact",
	  "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: p@example.com\nPurpose: Information\n\nText\n",
	  NULL, NULL, NULL, "bounce-123@lists.example.org",
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "bounce-123@lists.example.org", NULL,
	  "for_information", NULL, "", "" },

	{ "purpose inferred from a deadline",
	  "Title: T\nFrom: SA3\nTo: QUIC\nDeadline: 2031-02-01\n\nPlease answer.\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "p@example.com", NULL,
	  "for_action", "2031-02-01", "", "purpose_inferred" },

	{ "prose after the block is not read as labels",
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\n\n"
	  "We note the following.\nTo: nobody in particular\nDeadline: none\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "p@example.com", NULL,
	  "for_information", NULL, "", "" },

	/* issue 18: the Deadline rows of statements that ask for nothing */
	{ "deadline N/A, For Information", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\n"
	  "Deadline: N/A\n\nText\n", NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "p@example.com", NULL,
	  "for_information", NULL, "", "" },
	{ "deadline n/a", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\nDeadline: n/a\n\nText\n",
	  NULL, NULL, "p@example.com", NULL, "T", "3gpp-sa3", "quic", "p@example.com", "",
	  "p@example.com", NULL, "for_information", NULL, "", "" },
	{ "deadline -", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\nDeadline: -\n\nText\n",
	  NULL, NULL, "p@example.com", NULL, "T", "3gpp-sa3", "quic", "p@example.com", "",
	  "p@example.com", NULL, "for_information", NULL, "", "" },
	{ "deadline en dash", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\n"
	  "Deadline: \xe2\x80\x93\n\nText\n",
	  NULL, NULL, "p@example.com", NULL, "T", "3gpp-sa3", "quic", "p@example.com", "",
	  "p@example.com", NULL, "for_information", NULL, "", "" },
	{ "deadline None.", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\nDeadline: None.\n\nText\n",
	  NULL, NULL, "p@example.com", NULL, "T", "3gpp-sa3", "quic", "p@example.com", "",
	  "p@example.com", NULL, "for_information", NULL, "", "" },
	{ "deadline not applicable, For Action", "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Action\n"
	  "Deadline: Not applicable\n\nText\n", NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "p@example.com", NULL,
	  "for_action", NULL, "", "missing_deadline" },
	{ "upper-case labels, space before the colon, groups in prose",
	  "TITLE : T\nSOURCE : 3GPP TSG SA WG3\nTO : IETF QUIC and TSVWG working groups\n"
	  "CONTACT : Peter <p@example.com>\nPURPOSE : For Information\n\nText\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic,tsvwg", "p@example.com", "", "p@example.com", NULL,
	  "for_information", NULL, "", "" },

	{ "bad address, bad purpose, bad deadline",
	  "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: peter@@example.com\n"
	  "Purpose: Please have a look\nDeadline: 10.09.2031\n\nText\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "", "", "p@example.com", NULL, NULL, NULL, "",
	  "bad_address,bad_deadline,bad_purpose" },

	{ "addresses the two parsers read differently are refused",
	  "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: peter.@example.com\n"
	  "Purpose: For Information\n\nText\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "", "", "p@example.com", NULL, "for_information", NULL, "",
	  "bad_address" },

	{ "free-text contacts: each address checked on its own",
	  "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: Peter Schmitt (peter@example.com), Ann\n"
	  "   ann@example.org; tel +33 1 00\nPurpose: For Information\n\nText\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "peter@example.com,ann@example.org", "", "p@example.com", NULL,
	  "for_information", NULL, "", "" },

	{ "unknown and ambiguous To, unknown From",
	  "Title: T\nFrom: Foo Alliance\nTo: QUIK WG\nPurpose: For Information\n\nText\n",
	  NULL, NULL, "p@foo.example", NULL,
	  "T", "-", "-", "p@foo.example", "", "p@foo.example", NULL, "for_information", NULL, "",
	  "unknown_to,unknown_from" },

	{ "explicit For Action without deadline",
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Action\n\nText\n",
	  NULL, NULL, "p@example.com", NULL,
	  "T", "3gpp-sa3", "quic", "p@example.com", "", "p@example.com", NULL, "for_action", NULL,
	  "", "missing_deadline" },

	{ "ordinary mail is not a statement",
	  "Hi, can someone tell me how to subscribe to the QUIC list?\n\nThanks\n",
	  NULL, "subscribe", "someone@example.net", NULL,
	  "subscribe", "", "", "someone@example.net", "", "someone@example.net", NULL,
	  "for_information", NULL, "", "purpose_inferred,not_a_statement" },

	{ "missing title, from, to and contact",
	  "Purpose: For Information\n\nText\n",
	  NULL, NULL, NULL, "", NULL, "", "", "", "", NULL, NULL, "for_information", NULL, "",
	  "missing_title,missing_from,missing_to,missing_from_contact" },

	{ "Tdoc numbers in the title",
	  "Title: LS on SP-241015 and C4-245678\nFrom: CT4\nTo: QUIC\nPurpose: information\n\nx\n",
	  NULL, NULL, "p@example.com", NULL,
	  "LS on SP-241015 and C4-245678", "3gpp-ct4", "quic", "p@example.com", "",
	  "p@example.com", NULL, "for_information", NULL, "SP-241015,C4-245678", "" },
};

/* split - "a,b" to a NULL-terminated vector; "" to an empty one. */
static char **
split(const char *s)
{
	return *s ? g_strsplit(s, ",", -1) : g_new0(char *, 1);
}

static void
check_groups(const char *name, const char *what, GPtrArray *got, const char *want)
{
	if (!want)
		return;
	g_auto(GStrv) w = split(want);
	if (g_strv_length(w) != got->len)
		bad("%s: %s has %u groups, want '%s'", name, what, got->len, want);
	for (guint i = 0; i < got->len; i++) {
		const struct group_ref *g = got->pdata[i];
		if (g_strcmp0(g->acronym, strcmp(w[i], "-") == 0 ? NULL : w[i]) != 0)
			bad("%s: %s[%u] is %s ('%s'), want %s", name, what, i,
			    g->acronym ? g->acronym : "NULL", g->text, w[i]);
	}
}

static void
check_addrs(const char *name, const char *what, GPtrArray *got, const char *want)
{
	if (!want)
		return;
	g_auto(GStrv) w = split(want);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < got->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", ((struct addr *)got->pdata[i])->address);
	if (strcmp(s->str, want) != 0)
		bad("%s: %s is '%s', want '%s'", name, what, s->str, want);
	g_string_free(s, TRUE);
}

static void
check_str(const char *name, const char *what, const char *got, const char *want, gboolean null_ok)
{
	if (!want && null_ok)
		return;
	if (g_strcmp0(got, want) != 0)
		bad("%s: %s is '%s', want '%s'", name, what, got ? got : "NULL", want ? want : "NULL");
}

static struct parsed_mail *
make_pm(const struct fcase *c)
{
	struct parsed_mail *pm = g_new0(struct parsed_mail, 1);
	pm->body = g_strdup(c->body);
	pm->h.subject = g_strdup(c->subject);
	pm->h.from = g_strdup(c->from);
	pm->h.from_raw = g_strdup(c->from);
	pm->envelope_from = g_strdup(c->envelope ? c->envelope : "");
	pm->attachments = g_ptr_array_new_with_free_func(attachment_free);
	pm->text_attachments = g_ptr_array_new_with_free_func(g_free);
	pm->documents = g_ptr_array_new_with_free_func(document_free);
	pm->defects = g_ptr_array_new_with_free_func(g_free);
	if (c->text_attachment)
		g_ptr_array_add(pm->text_attachments, g_strdup(c->text_attachment));
	return pm;
}

static void
free_pm(struct parsed_mail *pm)
{
	g_free(pm->body);
	g_free(pm->h.subject);
	g_free(pm->h.from);
	g_free(pm->h.from_raw);
	g_free(pm->envelope_from);
	g_ptr_array_unref(pm->attachments);
	g_ptr_array_unref(pm->text_attachments);
	g_ptr_array_unref(pm->documents);
	g_ptr_array_unref(pm->defects);
	g_free(pm);
}

static void
test_cases(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct fcase *c = &cases[i];
		struct parsed_mail *pm = make_pm(c);
		struct statement *st = statement_new();
		st->id = 1;
		fields_extract(st, pm, dir);
		validate_statement(st, dir, NULL, "2026-11-22");
		check_str(c->name, "title", st->title, c->title, FALSE);
		check_groups(c->name, "from_groups", st->from_groups, c->from_groups);
		check_groups(c->name, "to_groups", st->to_groups, c->to_groups);
		check_addrs(c->name, "from_contacts", st->from_contacts, c->from_contacts);
		check_addrs(c->name, "to_contacts", st->to_contacts, c->to_contacts);
		check_str(c->name, "from_liaison_contact", st->from_liaison_contact, c->from_liaison, TRUE);
		check_str(c->name, "to_liaison_contact", st->to_liaison_contact, c->to_liaison, FALSE);
		check_str(c->name, "purpose", st->purpose, c->purpose, FALSE);
		check_str(c->name, "deadline", st->deadline, c->deadline, FALSE);
		if (c->identifiers && *c->identifiers) {
			g_auto(GStrv) w = split(c->identifiers);
			for (int j = 0; w[j]; j++) {
				gboolean found = FALSE;
				for (guint k = 0; k < st->other_identifiers->len; k++)
					found |= strcmp(st->other_identifiers->pdata[k], w[j]) == 0;
				if (!found)
					bad("%s: identifier %s not found", c->name, w[j]);
			}
		}
		if (c->problems) {
			GString *s = g_string_new(NULL);
			for (guint k = 0; k < st->problems->len; k++)
				g_string_append_printf(s, "%s%s", k ? "," : "",
				    ((struct problem *)st->problems->pdata[k])->code);
			if (strcmp(s->str, c->problems) != 0)
				bad("%s: problems '%s', want '%s'", c->name, s->str, c->problems);
			g_string_free(s, TRUE);
		}
		statement_free(st);
		free_pm(pm);
	}
	assert_int_equal(failures, 0);
}

/* The messages a secretariat member reads name the field and the fix. */
static void
test_messages(void **state)
{
	struct fcase c = { .body = "Title: T\nFrom: SA3\nTo: QUIK WG\nPurpose: For Information\n\nx\n",
	    .from = "p@example.com" };
	struct parsed_mail *pm = make_pm(&c);
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	validate_statement(st, dir, NULL, "2026-11-22");
	assert_true(statement_has_problem(st, PROB_UNKNOWN_TO));
	const struct problem *p = st->problems->pdata[0];
	assert_string_equal(p->field, "to_groups");
	assert_non_null(strstr(p->message, "'QUIK WG'"));
	assert_non_null(strstr(p->message, "did you mean the QUIC working group (quic)?"));
	assert_string_equal(ingest_state(st), "rejected");
	statement_free(st);
	free_pm(pm);
}

static void
test_apply_label(void **state)
{
	struct statement *st = statement_new();
	assert_true(fields_apply_label(st, "To", "IETF QUIC WG", dir));
	assert_int_equal(st->to_groups->len, 1);
	assert_true(fields_apply_label(st, "to", "TLS WG", dir));
	assert_int_equal(st->to_groups->len, 1);
	assert_string_equal(((struct group_ref *)st->to_groups->pdata[0])->acronym, "tls");
	assert_true(fields_apply_label(st, "Send Reply to", "Liaisons <l@Example.ORG>", dir));
	assert_string_equal(st->from_liaison_contact, "l@example.org");
	assert_true(fields_apply_label(st, "Deadline", "1st June 2031", dir));
	assert_string_equal(st->deadline, "2031-06-01");
	assert_true(fields_apply_label(st, "Purpose", "In Response", dir));
	assert_string_equal(st->purpose, "in_response");
	assert_true(fields_apply_label(st, "Technical Contact", "a@x.example, b@y.example", dir));
	assert_int_equal(st->from_contacts->len, 2);
	assert_false(fields_apply_label(st, "Colour", "blue", dir));
	assert_false(fields_apply_label(st, "E-mail", "a@b.example", dir));
	statement_free(st);
}

/* A mail's own trouble (GMime's defects, a guessed charset) are warnings. */
static void
test_mail_warnings(void **state)
{
	struct fcase c = { .body = "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: Information\n\nx\n",
	    .from = "p@example.com" };
	struct parsed_mail *pm = make_pm(&c);
	g_ptr_array_add(pm->defects, g_strdup("missing boundary"));
	pm->charset_guessed = TRUE;
	pm->forwarded_by = g_strdup("chair@example.com");
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	validate_statement(st, dir, NULL, "2026-11-22");
	assert_true(statement_has_problem(st, PROB_MIME_DEFECT));
	assert_true(statement_has_problem(st, PROB_CHARSET_GUESSED));
	assert_string_equal(st->forwarded_by, "chair@example.com");
	assert_string_equal(ingest_state(st), "posted");
	g_free(pm->forwarded_by);
	statement_free(st);
	free_pm(pm);
}

/* The "next meetings" heading is found however its number is written:
 * GRegex reads \d and \s as Unicode (a no-break space from a Word list, a
 * fullwidth digit), and the literal test in front of the regex must let
 * those through too. */
static void
test_next_meetings_heading(void **state)
{
	static const struct { const char *heading; guint want; } cases_[] = {
		{ "Dates of next meetings:", 1 },
		{ "3. Date of next meeting", 1 },
		{ "1.\xc2\xa0" "Date of next meetings", 1 },          /* no-break space */
		{ "1. \xe2\x80\x83" "Date of the next meetings", 1 },  /* em space */
		{ "\xef\xbc\x93. Date of next meetings", 1 },       /* fullwidth 3 */
		{ "DATE OF NEXT MEETINGS", 1 },
		{ "Update of next meetings", 0 },
		{ "12. Date of next meetings", 0 },   /* one digit only, as the pattern says */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases_); i++) {
		g_autofree char *text = g_strdup_printf("Title: LS on meetings\nFrom: 3GPP SA2\n"
		    "To: IETF QUIC WG\n\nBody text.\n\n%s\nSA2#163, 2-6 Sept 2030\n", cases_[i].heading);
		struct label_block *b = labels_scan(text);
		if (b->next_meetings->len != cases_[i].want)
			fail_msg("case %zu '%s': %u meetings, want %u", i, cases_[i].heading,
			    b->next_meetings->len, cases_[i].want);
		label_block_free(b);
	}
}

/* want_block - B has exactly the items "label=value" of WANT (NULL-ended),
 * this lead and this prose. */
static void
want_block(const char *text, const char *const *want, const char *lead, const char *prose)
{
	struct label_block *b = labels_scan(text);
	guint n = 0;
	while (want[n])
		n++;
	if (b->items->len != n)
		fail_msg("'%s': %u items, want %u", text, b->items->len, n);
	for (guint i = 0; i < n; i++) {
		const struct label_item *it = b->items->pdata[i];
		g_autofree char *got = g_strdup_printf("%s=%s", it->label, it->value);
		assert_string_equal(got, want[i]);
	}
	assert_string_equal(b->lead, lead);
	assert_string_equal(b->prose, prose);
	label_block_free(b);
}

/* The edges of the block scan: each line it reads loses its trailing white
 * space (CR included); the line the block ends at loses its leading white
 * space too and begins the prose, the lines after it are kept as they are. */
static void
test_scan_edges(void **state)
{
	/* a line with leading spaces after a heading ends the block */
	want_block("Title: T\nFrom: SA3\nLIAISON STATEMENT\n   Dear all,  \n  line two  \n",
	    (const char *[]){ "Title=T", "From=SA3", NULL }, "", "Dear all,\n  line two  \n");
	/* while an indented line right after a label continues its value */
	want_block("Title: T\n   continued  \nFrom: SA3\n\nText\n",
	    (const char *[]){ "Title=T\ncontinued", "From=SA3", NULL }, "", "Text\n");
	/* CRLF lines: values and the first prose line without the CR, the rest as it came */
	want_block("Title: T\r\nFrom: SA3 \r\n\r\nDear all,\r\nText.\r\n",
	    (const char *[]){ "Title=T", "From=SA3", NULL }, "", "Dear all,\nText.\r\n");
	/* a cover line before the block is the lead; no newline at the end */
	want_block("  Cover note \t\nTitle: T\nTo: QUIC\n\nLast line",
	    (const char *[]){ "Title=T", "To=QUIC", NULL }, "Cover note", "Last line");
	want_block("Title: T", (const char *[]){ "Title=T", NULL }, "", "");
	/* quoted text ends the block and is kept, chomped */
	want_block("Title: T\nFrom: SA3\n> quoted  \r\n> more \nrest",
	    (const char *[]){ "Title=T", "From=SA3", NULL }, "", "> quoted\n> more \nrest");
	/* no block: the text is the prose as it is */
	want_block("", (const char *[]){ NULL }, "", "");
	want_block("Hello\n \r\nDate of next meetings:\n SA#163 \n\nmore", (const char *[]){ NULL }, "",
	    "Hello\n \r\nDate of next meetings:\n SA#163 \n\nmore");
	struct label_block *b = labels_scan("Hello\n \r\nDate of next meetings:\n SA#163 \n\nmore");
	assert_int_equal(b->next_meetings->len, 1);
	assert_string_equal(b->next_meetings->pdata[0], "SA#163");
	label_block_free(b);

	/* Only the first MiB is read: the prose ends there, a character cut by
	 * the bound is replaced, and an ACTION paragraph after it is not seen;
	 * without a block the prose is the whole text. */
	const gsize scan_max = 1024 * 1024;
	GString *t = g_string_new("Title: T\nFrom: SA3\n\nprose\n");
	gsize prose_at = t->len - strlen("prose\n");
	while (t->len < scan_max - 1)
		g_string_append(t, "filler text\n");
	g_string_truncate(t, scan_max - 1);
	g_string_append(t, "\xc3\xa9\nACTION: too late\n");
	b = labels_scan(t->str);
	assert_int_equal(b->items->len, 2);
	assert_int_equal(strlen(b->prose), scan_max - 1 - prose_at + 3);
	assert_true(g_str_has_prefix(b->prose, "prose\nfiller text\n"));
	assert_true(g_str_has_suffix(b->prose, "\xef\xbf\xbd"));   /* U+FFFD */
	assert_false(b->action_paragraph);
	label_block_free(b);
	t->str[5] = t->str[13] = ';';    /* "Title; T", "From; SA3": no labels */
	b = labels_scan(t->str);
	assert_int_equal(b->items->len, 0);
	assert_string_equal(b->prose, t->str);
	assert_false(b->action_paragraph);
	label_block_free(b);
	g_string_free(t, TRUE);
}

/* What is not a field is kept as metadata: 3GPP's meeting, release, work
 * items, Cc groups, next meetings; what a reply answers. */
static void
test_metadata(void **state)
{
	const struct fcase *c = &cases[5];   /* the 3GPP template */
	assert_non_null(strstr(c->name, "3GPP"));
	struct parsed_mail *pm = make_pm(c);
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	JsonObject *m = st->metadata;
	assert_string_equal(json_object_get_string_member(m, "meeting"), "3GPP TSG SA WG3 Meeting #117");
	assert_string_equal(json_object_get_string_member(m, "release"), "Rel-19");
	assert_string_equal(json_object_get_string_member(m, "work_items"), "FS_ATSSS_Ph4");
	assert_string_equal(json_object_get_string_member(m, "cc"), "SA2, CT4");
	assert_string_equal(json_object_get_string_member(m, "next_meeting_date"), "2030-10-14");
	assert_int_equal(json_array_get_length(json_object_get_array_member(m, "next_meetings")), 1);
	assert_true(json_object_get_boolean_member(m, "action_requested"));
	assert_string_equal(json_object_get_string_member(m, "title_topic"),
	    "security considerations for mpquic");
	statement_free(st);
	free_pm(pm);

	pm = make_pm(&cases[6]);             /* 3GPP Response to */
	st = statement_new();
	fields_extract(st, pm, dir);
	m = st->metadata;
	assert_string_equal(json_object_get_string_member(m, "response_to"), "LS S2-2401234 on QUIC multipath");
	JsonArray *ids = json_object_get_array_member(m, "response_to_ids");
	assert_int_equal(json_array_get_length(ids), 1);
	assert_string_equal(json_array_get_string_element(ids, 0), "S2-2401234");
	assert_true(json_object_get_boolean_member(m, "title_is_reply"));
	/* The number answered is not one of this statement's own identifiers. */
	assert_int_equal(st->other_identifiers->len, 0);
	statement_free(st);
	free_pm(pm);
}

/* Identifiers inside file names: next to '_', a revision suffix, a dot. */
static void
test_identifiers_in_names(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "SP-241015_LS_to_IETF.pdf", "SP-241015" },
		{ "S2-2401234r1.docx", "S2-2401234" },
		{ "LS_C4-245678.zip", "C4-245678" },
		{ "SG15-LS123_OTN.pdf", "SG15-LS123" },
		{ "LIAISE-439_v2.pdf", "LIAISE-439" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
		ident_scan(ids, cases[i].text);
		assert_int_equal(ids->len, 1);
		assert_string_equal(ids->pdata[0], cases[i].want);
		g_ptr_array_unref(ids);
	}
	/* still not inside a longer word or number */
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	ident_scan(ids, "XS2-2401234 S2-24012345678 AS2-240123");
	assert_int_equal(ids->len, 0);
	g_ptr_array_unref(ids);
}

/* The body is the text after the labelled fields (issue 18). */
static void
test_body_after_block(void **state)
{
	struct fcase c = { .body = "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\n\n\n"
	    "Dear colleagues,\n\nwe note the following.\n", .from = "p@example.com" };
	struct parsed_mail *pm = make_pm(&c);
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	assert_string_equal(st->body, "Dear colleagues,\n\nwe note the following.");
	statement_free(st);
	free_pm(pm);
	/* a text without labels stays as it is */
	struct fcase d = { .body = "Just some mail.\n", .from = "p@example.com" };
	pm = make_pm(&d);
	st = statement_new();
	fields_extract(st, pm, dir);
	assert_string_equal(st->body, "Just some mail.\n");
	statement_free(st);
	free_pm(pm);
}

/* Hostile text: invalid UTF-8, a huge body, thousands of label lines, NULs
 * cut short. Nothing crashes, time and memory stay bounded. */
static void
test_hostile(void **state)
{
	GString *big = g_string_new("Title: \xff\xfe broken \xc3\n  \xe2\x82\nFrom: SA3\nTo: QUIC\n");
	for (int i = 0; i < 5000; i++)
		g_string_append(big, "To: QUIC\nCc: a@b.example\n");
	g_string_append(big, "\nprose\n");
	for (int i = 0; i < 200000; i++)
		g_string_append(big, "ACTION: Deadline: 10.09.2031 S3-243456 COM 15-LS 1 LIAISE-1 x@y\n");
	struct fcase c = { .body = big->str, .subject = "\xff\r\nBcc: x@y", .from = "\xff <@@>" };
	struct parsed_mail *pm = make_pm(&c);
	for (int i = 0; i < 3; i++)
		g_ptr_array_add(pm->text_attachments, g_strdup(big->str));
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	validate_statement(st, dir, NULL, "2026-11-22");
	assert_true(g_utf8_validate(st->title, -1, NULL));
	assert_null(strchr(st->title, '\n'));
	assert_true(st->to_groups->len <= 200);
	assert_true(st->other_identifiers->len <= 50);
	assert_string_not_equal(ingest_state(st), "(no row)");
	statement_free(st);
	free_pm(pm);
	g_string_free(big, TRUE);
}

static int
setup(void **state)
{
	g_mime_init();
	GError *e = NULL;
	dir = directory_load("conf/directory.example.conf", NULL, &e);
	if (!dir)
		fprintf(stderr, "directory: %s\n", e ? e->message : "?");
	return dir ? 0 : -1;
}

static int
teardown(void **state)
{
	directory_free(dir);
	g_mime_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_apply_label),
		cmocka_unit_test(test_mail_warnings),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_next_meetings_heading),
		cmocka_unit_test(test_scan_edges),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_identifiers_in_names),
		cmocka_unit_test(test_body_after_block),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
