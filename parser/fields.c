/* fields.c - the statement's fields: labelled text first, the headers last. */
#include "parser/fields.h"
#include "parser/fields_private.h"
#include "conf/addr.h"

#include <string.h>

/* Sources are read strongest first; a field belongs to the first source that
 * gives it, and only that source may add to it (several To: lines). */
enum { SRC_NONE = 0, SRC_EDIT = 1000 };

struct ctx {
	struct statement *st;
	const struct directory *dir;
	int src;                       /* the source being read, from 1 */
	int owner[LK_IGNORED + 1];     /* which source set each field */
	char *purpose_text;            /* Purpose as written */
	gboolean to_action, to_comment, to_info;   /* ITU-T: per-addressee purposes */
	gboolean action_paragraph;
	int statement_labels;
	GPtrArray *next_meetings;      /* char * */
	GString *block_text;           /* values that may carry the sender's identifiers */
};

/* field_of - the field a label fills (several spellings share one). */
static enum label_key
field_of(enum label_key k)
{
	switch (k) {
	case LK_TO_ACTION: case LK_TO_COMMENT: case LK_TO_INFO:
		return LK_TO;
	case LK_CC:
		return LK_TO_CONTACT;
	default:
		return k;
	}
}

/* mine - may the current source set field K? Claims it when free. */
static gboolean
mine(struct ctx *c, enum label_key k)
{
	enum label_key f = field_of(k);
	if (c->owner[f] == SRC_NONE || c->owner[f] == c->src) {
		c->owner[f] = c->src;
		return TRUE;
	}
	return FALSE;
}

static void
meta_set(struct statement *st, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_string_member(st->metadata, key, value);
}

/* is_ietf_name - an ITU-T addressee meant for the IETF, not another SDO. */
static gboolean
is_ietf_name(const struct dir_match *m)
{
	if (m->kind == DIR_MATCH_RESOLVED) {
		const struct dir_group *g = m->groups->pdata[0];
		return g->type != DIR_SDO;
	}
	static GRegex *ietf;
	return g_regex_match(fields_regex(&ietf, "\\b(IETF|IESG|IAB|IRTF)\\b", G_REGEX_CASELESS),
	    m->text, 0, NULL);
}

/* add_groups - the bodies named in TEXT, resolved with the directory. With
 * IETF_ONLY (ITU-T addressee lines, which also list other SDOs), other
 * bodies go to metadata "other_addressees". Returns how many were added. */
static int
add_groups(struct ctx *c, GPtrArray *dst, const char *text, gboolean ietf_only)
{
	int added = 0;
	g_autofree char *one = g_strdup(text);
	for (char *p = one; *p; p++)        /* group names never span lines */
		if (*p == '\n')
			*p = ',';
	if (!c->dir) {
		g_ptr_array_add(dst, group_ref_new(g_strstrip(one), NULL));
		return 1;
	}
	GPtrArray *ms = directory_resolve(c->dir, one);
	for (guint i = 0; ms && i < ms->len; i++) {
		struct dir_match *m = ms->pdata[i];
		if (ietf_only && !is_ietf_name(m)) {
			JsonArray *o = json_object_has_member(c->st->metadata, "other_addressees") ?
			    json_object_get_array_member(c->st->metadata, "other_addressees") : NULL;
			if (!o) {
				o = json_array_new();
				json_object_set_array_member(c->st->metadata, "other_addressees", o);
			}
			json_array_add_string_element(o, m->text);
			continue;
		}
		const char *acr = m->kind == DIR_MATCH_RESOLVED ?
		    ((const struct dir_group *)m->groups->pdata[0])->acronym : NULL;
		g_ptr_array_add(dst, group_ref_new(m->text, acr));
		added++;
	}
	if (ms)
		g_ptr_array_unref(ms);
	return added;
}

static const char *
field_label(enum label_key k)
{
	switch (k) {
	case LK_FROM_CONTACT: return "From-Contact";
	case LK_FROM_LIAISON: return "From-Liaison-Contact";
	case LK_TO_CONTACT: return "To-Contact";
	case LK_CC: return "Cc";
	case LK_TO_LIAISON: return "To-Liaison-Contact";
	default: return "Contact";
	}
}

static const char *
field_name(enum label_key k)
{
	switch (k) {
	case LK_FROM_CONTACT: return "from_contacts";
	case LK_FROM_LIAISON: return "from_liaison_contact";
	case LK_TO_CONTACT: case LK_CC: return "to_contacts";
	case LK_TO_LIAISON: return "to_liaison_contact";
	default: return "";
	}
}

/* add_contacts - the addresses of a contact field into DST; a bad one is bad_address. */
static gboolean
add_contacts(struct ctx *c, enum label_key k, const char *value, GPtrArray *dst)
{
	g_autofree char *bad = NULL;
	if (contacts_parse(value, dst, &bad))
		return TRUE;
	if (bad && strchr(bad, '@'))
		statement_problem(c->st, PROB_BAD_ADDRESS, field_name(k),
		    "%s '%s' is not a valid e-mail address.", field_label(k), bad);
	else
		statement_problem(c->st, PROB_BAD_ADDRESS, field_name(k),
		    "%s '%s' holds no valid e-mail address.", field_label(k), value);
	return FALSE;
}

/* single_contact - a field that holds one address (the liaison contacts). */
static void
single_contact(struct ctx *c, enum label_key k, const char *value, char **dst)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(addr_free);
	if (add_contacts(c, k, value, l) && l->len > 0) {
		g_free(*dst);
		*dst = g_strdup(((struct addr *)l->pdata[0])->address);
	}
	g_ptr_array_unref(l);
}

/* no_deadline - the words a cover sheet puts in its Deadline row when it
 * asks for nothing (ITU-T: "N/A", "-", "none"...). */
static gboolean
no_deadline(const char *value)
{
	static const char *const words[] = { "n/a", "n.a.", "na", "-", "--", "\xe2\x80\x93",
		"\xe2\x80\x94", "none", "nil", "no", "not applicable", "no deadline", NULL };
	g_autofree char *v = g_utf8_strdown(value, -1);
	g_strstrip(v);
	gsize n = strlen(v);
	while (n > 0 && v[n - 1] == '.' && strcmp(v, "n.a.") != 0)
		v[--n] = '\0';
	return g_strv_contains(words, v);
}

static void
set_deadline(struct ctx *c, const char *value)
{
	const char *why = NULL;
	if (no_deadline(value)) {
		/* no deadline: validate says missing_deadline if one is needed */
		meta_set(c->st, "deadline_written", value);
		g_clear_pointer(&c->st->deadline, g_free);
		return;
	}
	char *d = date_parse(value, &why);
	if (!d) {
		statement_problem(c->st, PROB_BAD_DEADLINE, NULL,
		    "Deadline '%s' %s.", value, why);
		meta_set(c->st, "deadline_written", value);
		return;
	}
	g_free(c->st->deadline);
	c->st->deadline = d;
}

/* apply_item - one labelled value into the statement. */
static void
apply_item(struct ctx *c, enum label_key k, const char *value)
{
	struct statement *st = c->st;
	if (!*value)
		return;
	if (!mine(c, k))
		return;
	if (labels_is_statement_key(k))
		c->statement_labels++;
	if (k != LK_RESPONSE_TO)
		g_string_append_printf(c->block_text, "%s\n", value);
	switch (k) {
	case LK_TITLE: {
		g_autofree char *first = g_strdup(value);
		char *nl = strchr(first, '\n');
		if (nl)   /* a title continued on the next line is still one line */
			*nl = ' ';
		g_free(st->title);
		st->title = ident_clean_title(first);
		break;
	}
	case LK_FROM:
		add_groups(c, st->from_groups, value, FALSE);
		break;
	case LK_TO:
		add_groups(c, st->to_groups, value, FALSE);
		break;
	case LK_TO_ACTION: case LK_TO_COMMENT: case LK_TO_INFO:
		if (add_groups(c, st->to_groups, value, TRUE) > 0) {
			c->to_action |= k == LK_TO_ACTION;
			c->to_comment |= k == LK_TO_COMMENT;
			c->to_info |= k == LK_TO_INFO;
		}
		break;
	case LK_FROM_CONTACT:
		add_contacts(c, k, value, st->from_contacts);
		break;
	case LK_TO_CONTACT:
		add_contacts(c, k, value, st->to_contacts);
		break;
	case LK_CC:
		/* 3GPP's Cc names other 3GPP groups ("SA2, CT4"), not addresses. */
		if (strchr(value, '@'))
			add_contacts(c, k, value, st->to_contacts);
		else
			meta_set(st, "cc", value);
		break;
	case LK_FROM_LIAISON:
		single_contact(c, k, value, &st->from_liaison_contact);
		break;
	case LK_TO_LIAISON:
		single_contact(c, k, value, &st->to_liaison_contact);
		break;
	case LK_PURPOSE:
		g_free(c->purpose_text);
		c->purpose_text = g_strdup(value);
		break;
	case LK_DEADLINE:
		set_deadline(c, value);
		break;
	case LK_ATTACHMENTS: meta_set(st, "attachments_listed", value); break;
	case LK_RESPONSE_TO: meta_set(st, "response_to", value); break;
	case LK_RELEASE: meta_set(st, "release", value); break;
	case LK_WORK_ITEMS: meta_set(st, "work_items", value); break;
	case LK_STUDY_GROUP: meta_set(st, "study_group", value); break;
	case LK_QUESTIONS: meta_set(st, "questions", value); break;
	case LK_WORKING_PARTY: meta_set(st, "working_party", value); break;
	case LK_MEETING: meta_set(st, "meeting", value); break;
	case LK_APPROVAL: meta_set(st, "approval", value); break;
	case LK_REFERENCE:
		meta_set(st, "reference", value);
		ident_add(st->other_identifiers, value);
		break;
	default:
		break;
	}
}

/* lead_meeting - 3GPP's first line names the meeting ("3GPP TSG SA WG3
 * Meeting #117   S3-243456"); kept as metadata "meeting". */
static void
lead_meeting(struct statement *st, const char *lead)
{
	static GRegex *meeting;
	GMatchInfo *mi = NULL;
	GRegex *re = fields_regex(&meeting, "^(3GPP\\s+TSG.*?#\\s*[\\w-]+)", G_REGEX_CASELESS);
	if (!json_object_has_member(st->metadata, "meeting") && g_regex_match(re, lead, 0, &mi)) {
		g_autofree char *m = g_match_info_fetch(mi, 1);
		meta_set(st, "meeting", m);
	}
	g_match_info_free(mi);
}

/* read_source - the labelled block of one text, if it has one. With BODY
 * (the mail's own text) the statement's body becomes the text after the
 * block: the fields are kept as fields, not shown twice (the raw mail keeps
 * everything). */
static void
read_source(struct ctx *c, const char *text, gboolean body)
{
	if (!text || !*text)
		return;
	c->src++;
	struct label_block *b = labels_scan(text);
	for (guint i = 0; i < b->items->len; i++) {
		struct label_item *it = b->items->pdata[i];
		apply_item(c, it->key, it->value);
	}
	if (body && b->items->len > 0 && c->statement_labels > 0) {
		g_free(c->st->body);
		c->st->body = g_strdup(b->prose + strspn(b->prose, "\n"));
		g_strchomp(c->st->body);
	}
	if (b->items->len > 0) {
		c->action_paragraph |= b->action_paragraph;
		if (b->lead && *b->lead) {
			g_string_append_printf(c->block_text, "%s\n", b->lead);
			lead_meeting(c->st, b->lead);
		}
		for (guint i = 0; i < b->next_meetings->len && c->next_meetings->len < 6; i++)
			g_ptr_array_add(c->next_meetings, g_strdup(b->next_meetings->pdata[i]));
	} else if (c->src == 1) {
		c->action_paragraph |= b->action_paragraph;
	}
	label_block_free(b);
}

/* first_meeting_date - the start of the first "14 - 18 October 2030" in LINES (3GPP). */
static char *
first_meeting_date(GPtrArray *lines)
{
	static GRegex *range;
	GRegex *re = fields_regex(&range,
	    "\\b(\\d{1,2})(?:\\s*[-\xe2\x80\x93]\\s*\\d{1,2})?\\s+([A-Za-z]{3,9})\\.?\\s+(\\d{4})\\b", 0);
	char *out = NULL;
	for (guint i = 0; i < lines->len && !out; i++) {
		GMatchInfo *mi = NULL;
		if (g_regex_match(re, lines->pdata[i], 0, &mi)) {
			g_autofree char *d = g_match_info_fetch(mi, 1);
			g_autofree char *m = g_match_info_fetch(mi, 2);
			g_autofree char *y = g_match_info_fetch(mi, 3);
			g_autofree char *t = g_strdup_printf("%s %s %s", d, m, y);
			out = date_parse(t, NULL);
		}
		g_match_info_free(mi);
	}
	return out;
}

/* settle_purpose - the Purpose as written (or the ITU-T addressee lines) to
 * one of the three; For Comment by the deadline. Left NULL when nothing was
 * said: validate infers it, knowing what the statement answers. */
static void
settle_purpose(struct ctx *c)
{
	struct statement *st = c->st;
	const char *p = NULL;
	if (c->purpose_text) {
		meta_set(st, "purpose_written", c->purpose_text);
		p = purpose_normalise(c->purpose_text);
		if (!p) {
			statement_problem(st, PROB_BAD_PURPOSE, NULL,
			    "Purpose '%s' is not one of For Information, For Action or In Response.",
			    c->purpose_text);
			return;
		}
	} else if (c->to_action) {
		p = "for_action";
	} else if (c->to_comment) {
		p = "for_comment";
	} else if (c->to_info) {
		p = "for_information";
	}
	if (!p)
		return;
	if (strcmp(p, "for_comment") == 0) {
		p = st->deadline ? "for_action" : "for_information";
		statement_problem(st, PROB_FOR_COMMENT_MAPPED, NULL,
		    "Purpose 'For Comment' no longer exists in RFC 4053bis; recorded as %s because %s.",
		    st->deadline ? "For Action" : "For Information",
		    st->deadline ? "a deadline is given" : "no deadline is given");
	}
	g_free(st->purpose);
	st->purpose = g_strdup(p);
}

static void
ctx_init(struct ctx *c, struct statement *st, const struct directory *dir)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->dir = dir;
	c->next_meetings = g_ptr_array_new_with_free_func(g_free);
	c->block_text = g_string_new(NULL);
}

static void
ctx_clear(struct ctx *c)
{
	g_free(c->purpose_text);
	g_ptr_array_unref(c->next_meetings);
	g_string_free(c->block_text, TRUE);
}

void
fields_extract(struct statement *st, const struct parsed_mail *pm, const struct directory *dir)
{
	struct ctx c;
	ctx_init(&c, st, dir);

	read_source(&c, pm->body, TRUE);
	for (guint i = 0; pm->text_attachments && i < pm->text_attachments->len; i++)
		read_source(&c, pm->text_attachments->pdata[i], FALSE);
	/* The pipeline may have moved the documents to the statement already. */
	GPtrArray *docs = pm->documents && pm->documents->len ? pm->documents : st->documents;
	for (guint i = 0; docs && i < docs->len; i++) {
		const struct document *d = docs->pdata[i];
		if (d->role && strcmp(d->role, "statement") == 0)
			read_source(&c, d->text, FALSE);
	}
	/* ITU-T: the Study Group stands for the sender when no Source is given. */
	if (st->from_groups->len == 0 && json_object_has_member(st->metadata, "study_group")) {
		g_autofree char *sg = g_strdup_printf("ITU-T SG%s",
		    json_object_get_string_member(st->metadata, "study_group"));
		add_groups(&c, st->from_groups, sg, FALSE);
	}
	if (c.next_meetings->len > 0) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < c.next_meetings->len; i++)
			json_array_add_string_element(a, c.next_meetings->pdata[i]);
		json_object_set_array_member(st->metadata, "next_meetings", a);
	}
	/* 3GPP: the next meeting is when the sender looks at answers, but it is
	 * not a deadline the sender gave (issue 8): kept as metadata only. */
	if (c.action_paragraph) {
		json_object_set_boolean_member(st->metadata, "action_requested", TRUE);
		if (c.next_meetings->len > 0) {
			g_autofree char *when = first_meeting_date(c.next_meetings);
			if (when)
				meta_set(st, "next_meeting_date", when);
		}
	}
	json_object_set_int_member(st->metadata, "labelled_fields", c.statement_labels);
	settle_purpose(&c);
	fields_headers_fallback(st, pm, c.owner[LK_FROM_CONTACT] != SRC_NONE);
	fields_copy_message(st, pm);
	fields_link_keys(st);

	/* The sender's identifiers: title, the labelled block, attachment names. */
	ident_scan(st->other_identifiers, st->title);
	ident_scan(st->other_identifiers, c.block_text->str);
	for (guint i = 0; pm->attachments && i < pm->attachments->len; i++) {
		const struct attachment *a = pm->attachments->pdata[i];
		ident_scan(st->other_identifiers, a->original_filename ? a->original_filename : a->filename);
	}
	fields_mail_problems(st, pm);
	ctx_clear(&c);
}

gboolean
fields_apply_label(struct statement *st, const char *label, const char *value,
    const struct directory *dir)
{
	enum label_key k = labels_lookup(label);
	if (!labels_is_statement_key(k))
		return FALSE;
	struct ctx c;
	ctx_init(&c, st, dir);
	c.src = SRC_EDIT;
	g_autofree char *v = g_strstrip(g_strdup(value ? value : ""));
	/* An edit replaces the field as a whole. */
	switch (field_of(k)) {
	case LK_FROM: g_ptr_array_set_size(st->from_groups, 0); break;
	case LK_TO: g_ptr_array_set_size(st->to_groups, 0); break;
	case LK_FROM_CONTACT: g_ptr_array_set_size(st->from_contacts, 0); break;
	case LK_TO_CONTACT: g_ptr_array_set_size(st->to_contacts, 0); break;
	case LK_FROM_LIAISON: g_clear_pointer(&st->from_liaison_contact, g_free); break;
	case LK_TO_LIAISON: g_clear_pointer(&st->to_liaison_contact, g_free); break;
	case LK_TITLE: g_clear_pointer(&st->title, g_free); break;
	case LK_DEADLINE: g_clear_pointer(&st->deadline, g_free); break;
	case LK_PURPOSE: g_clear_pointer(&st->purpose, g_free); break;
	default: break;
	}
	apply_item(&c, k, v);
	if (field_of(k) == LK_PURPOSE || field_of(k) == LK_TO)
		settle_purpose(&c);
	if (field_of(k) == LK_TITLE || field_of(k) == LK_RESPONSE_TO)
		fields_link_keys(st);
	if (field_of(k) == LK_PURPOSE && st->purpose)
		json_object_set_string_member(st->metadata, "purpose_source", "edit");
	ctx_clear(&c);
	return TRUE;
}
