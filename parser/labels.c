/* labels.c - the block of "Label: value" lines at the top of a statement. */
#include "parser/fields_private.h"
#include "parser/doc.h"

#include <string.h>

#define LEAD_LINES_MAX 10     /* cover-letter / meeting lines allowed before the block */
#define LABEL_MAX 48
#define VALUE_MAX 4096
#define ITEMS_MAX 200
#define MEETING_LINES_MAX 6
#define SCAN_MAX (1024 * 1024)    /* a cover block and its ACTION paragraphs sit in the first pages */

/* Every accepted spelling, normalised (lower case, '-' and '_' as spaces,
 * "(s)" dropped, spaces collapsed). Sources: RFC 4053bis, RFC 4053, the 3GPP
 * and ITU-T LS templates (see docs/statement.md). */
static const struct { const char *name; enum label_key key; } label_table[] = {
	{ "title", LK_TITLE }, { "subject", LK_TITLE }, { "ls title", LK_TITLE },
	{ "from", LK_FROM }, { "source", LK_FROM },
	{ "from contact", LK_FROM_CONTACT }, { "from contacts", LK_FROM_CONTACT },
	{ "technical contact", LK_FROM_CONTACT }, { "contact", LK_FROM_CONTACT },
	{ "contacts", LK_FROM_CONTACT }, { "contact person", LK_FROM_CONTACT },
	{ "from liaison contact", LK_FROM_LIAISON }, { "send reply to", LK_FROM_LIAISON },
	{ "send replies to", LK_FROM_LIAISON }, { "response contact", LK_FROM_LIAISON },
	{ "send any reply ls to", LK_FROM_LIAISON }, { "send any reply to", LK_FROM_LIAISON },
	{ "to", LK_TO }, { "for action to", LK_TO_ACTION }, { "for comment to", LK_TO_COMMENT },
	{ "for information to", LK_TO_INFO },
	{ "to contact", LK_TO_CONTACT }, { "to contacts", LK_TO_CONTACT }, { "cc", LK_CC },
	{ "to liaison contact", LK_TO_LIAISON }, { "send to", LK_TO_LIAISON },
	{ "purpose", LK_PURPOSE }, { "for", LK_PURPOSE },
	{ "deadline", LK_DEADLINE }, { "response deadline", LK_DEADLINE },
	{ "reply deadline", LK_DEADLINE }, { "action deadline", LK_DEADLINE },
	{ "attachments", LK_ATTACHMENTS }, { "attachment", LK_ATTACHMENTS },
	{ "response to", LK_RESPONSE_TO }, { "in response to", LK_RESPONSE_TO },
	{ "release", LK_RELEASE }, { "work item", LK_WORK_ITEMS }, { "work items", LK_WORK_ITEMS },
	{ "study group", LK_STUDY_GROUP }, { "question", LK_QUESTIONS }, { "questions", LK_QUESTIONS },
	{ "working party", LK_WORKING_PARTY }, { "meeting, date", LK_MEETING },
	{ "meeting", LK_MEETING }, { "approval", LK_APPROVAL },
	{ "reference", LK_REFERENCE }, { "our reference", LK_REFERENCE }, { "our ref", LK_REFERENCE },
	{ "ls reference", LK_REFERENCE }, { "broadband forum reference", LK_REFERENCE },
	{ "tdoc", LK_REFERENCE }, { "document", LK_REFERENCE },
	{ "name", LK_SUB }, { "e mail", LK_SUB }, { "email", LK_SUB }, { "mail", LK_SUB },
	{ "tel", LK_SUB }, { "phone", LK_SUB }, { "telephone", LK_SUB }, { "fax", LK_SUB },
	{ "organization", LK_SUB }, { "organisation", LK_SUB }, { "company", LK_SUB },
	{ "country", LK_SUB },
	{ "date", LK_IGNORED }, { "submission date", LK_IGNORED }, { "agenda item", LK_IGNORED },
	{ "document for", LK_IGNORED },
};

/* normalise - a label as written to its lookup form. */
static char *
normalise(const char *label)
{
	GString *s = g_string_new(NULL);
	for (const char *p = label; *p; p++) {
		char c = g_ascii_tolower(*p);
		if (c == '(' && g_ascii_strncasecmp(p, "(s)", 3) == 0) {
			p += 2;
			continue;
		}
		if (c == '-' || c == '_' || c == '\t')
			c = ' ';
		if (c == ' ' && (s->len == 0 || s->str[s->len - 1] == ' '))
			continue;
		g_string_append_c(s, c);
	}
	while (s->len > 0 && s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

enum label_key
labels_lookup(const char *label)
{
	if (!label || strlen(label) > LABEL_MAX)
		return LK_NONE;
	g_autofree char *n = normalise(label);
	for (size_t i = 0; i < G_N_ELEMENTS(label_table); i++)
		if (strcmp(n, label_table[i].name) == 0)
			return label_table[i].key;
	return LK_NONE;
}

gboolean
labels_is_statement_key(enum label_key k)
{
	return k != LK_NONE && k != LK_SUB && k != LK_IGNORED;
}

static void
item_free(gpointer p)
{
	struct label_item *it = p;
	g_free(it->label);
	g_free(it->value);
	g_free(it);
}

void
label_block_free(struct label_block *b)
{
	if (!b)
		return;
	g_ptr_array_unref(b->items);
	g_ptr_array_unref(b->next_meetings);
	g_free(b->lead);
	g_free(b->prose);
	g_free(b);
}

/* label_re - "Label: value" at the start of a line (at most a little indent). */
static GRegex *
label_re(void)
{
	static GRegex *re;
	if (g_once_init_enter(&re))
		g_once_init_leave(&re, g_regex_new(
		    "^([ \\t]*)([A-Za-z][A-Za-z0-9 ()/&.,'_-]{0,47}?)[ \\t]*:(?!//)[ \\t]*(.*)$", 0, 0, NULL));
	return re;
}

/* split_re - a second label further along the same line, after a wide gap
 * (ITU-T: "Question(s): 11/15      Meeting, date: Geneva, ..."). */
static GRegex *
split_re(void)
{
	static GRegex *re;
	if (g_once_init_enter(&re))
		g_once_init_leave(&re, g_regex_new(
		    "(?:\\t|[ ]{3,})([A-Za-z][A-Za-z0-9 ()/&,'-]{0,40}?)[ \\t]*:[ \\t]*", 0, 0, NULL));
	return re;
}

/* parse_label_line - LINE as label/value/indent, or FALSE. Only known labels count. */
static gboolean
parse_label_line(const char *line, char **label, char **value, gboolean *indented,
    enum label_key *key)
{
	GMatchInfo *mi = NULL;
	gboolean ok = FALSE;
	if (g_regex_match(label_re(), line, 0, &mi)) {
		g_autofree char *ind = g_match_info_fetch(mi, 1);
		g_autofree char *lab = g_match_info_fetch(mi, 2);
		enum label_key k = labels_lookup(g_strstrip(lab));
		if (k != LK_NONE) {
			*label = g_steal_pointer(&lab);
			*value = g_strstrip(g_match_info_fetch(mi, 3));
			*indented = ind[0] != '\0';
			*key = k;
			ok = TRUE;
		}
	}
	g_match_info_free(mi);
	return ok;
}

static struct label_item *
add_item(struct label_block *b, enum label_key k, const char *label, const char *value)
{
	if (b->items->len >= ITEMS_MAX)
		return NULL;
	struct label_item *it = g_new0(struct label_item, 1);
	it->key = k;
	it->label = g_strdup(label);
	it->value = g_strndup(value, VALUE_MAX);
	g_ptr_array_add(b->items, it);
	return it;
}

/* add_with_splits - one label line, which may hold further labels after a wide gap. */
static struct label_item *
add_with_splits(struct label_block *b, enum label_key k, const char *label, const char *value)
{
	GMatchInfo *mi = NULL;
	struct label_item *last = NULL;
	int start = 0, end = 0;
	if (g_regex_match(split_re(), value, 0, &mi)) {
		g_autofree char *lab2 = g_match_info_fetch(mi, 1);
		enum label_key k2 = labels_lookup(g_strstrip(lab2));
		g_match_info_fetch_pos(mi, 0, &start, &end);
		if (k2 != LK_NONE && k2 != LK_SUB) {
			g_autofree char *first = g_strstrip(g_strndup(value, (gsize)start));
			add_item(b, k, label, first);
			g_match_info_free(mi);
			return add_with_splits(b, k2, lab2, value + end);
		}
	}
	g_match_info_free(mi);
	last = add_item(b, k, label, value);
	return last;
}

static void
append_value(struct label_item *it, const char *text)
{
	if (strlen(it->value) >= VALUE_MAX)
		return;
	char *v = *it->value ? g_strconcat(it->value, "\n", text, NULL) : g_strdup(text);
	g_free(it->value);
	it->value = v;
}

static gboolean
is_contact_key(enum label_key k)
{
	return k == LK_FROM_CONTACT || k == LK_FROM_LIAISON || k == LK_TO_CONTACT ||
	    k == LK_TO_LIAISON || k == LK_CC;
}

/* is_heading - a short line in capitals inside the block ("LIAISON STATEMENT"). */
static gboolean
is_heading(const char *line)
{
	int letters = 0;
	if (strlen(line) > 60)
		return FALSE;
	for (const char *p = line; *p; p++) {
		if (g_ascii_islower(*p))
			return FALSE;
		if (g_ascii_isupper(*p))
			letters++;
	}
	return letters >= 3;
}

/* A line of the text read in place: the text is neither split nor copied
 * (it may be a 50 KB body; the block and whatever is looked at closely sit
 * in its first lines). END is where the line ended before any trimming: its
 * '\n' or the end of the text. */
struct span {
	const char *p;
	gsize len;
	const char *end;
};

struct lines {
	const char *at, *end;
	gboolean done;
};

/* lines_init - the lines of TEXT[0..LEN), as g_strsplit(text, "\n") cuts
 * them: an empty text has none, a final '\n' is followed by an empty line. */
static void
lines_init(struct lines *it, const char *text, gsize len)
{
	it->at = text;
	it->end = text + len;
	it->done = len == 0;
}

static gboolean
lines_next(struct lines *it, struct span *s)
{
	if (it->done)
		return FALSE;
	const char *nl = memchr(it->at, '\n', (size_t)(it->end - it->at));
	s->p = it->at;
	s->end = nl ? nl : it->end;
	s->len = (gsize)(s->end - s->p);
	if (nl)
		it->at = nl + 1;
	else
		it->done = TRUE;
	return TRUE;
}

/* span_chomp, span_strip - g_strchomp and g_strstrip on the span. */
static void
span_chomp(struct span *s)
{
	while (s->len > 0 && g_ascii_isspace(s->p[s->len - 1]))
		s->len--;
}

static void
span_strip(struct span *s)
{
	span_chomp(s);
	while (s->len > 0 && g_ascii_isspace(*s->p)) {
		s->p++;
		s->len--;
	}
}

static gboolean
has_prefix(const char *l, gsize len, const char *prefix)
{
	gsize n = strlen(prefix);
	return len >= n && memcmp(l, prefix, n) == 0;
}

/* scan_line - one line after the block: an ACTION paragraph, the heading of
 * the next meetings or a line under it (*MEETINGS: -1 before the heading,
 * then the lines taken). */
static void
scan_line(struct label_block *b, const struct span *s, int *meetings)
{
	static GRegex *next_re;
	if (g_once_init_enter(&next_re))
		g_once_init_leave(&next_re, g_regex_new("^(\\d\\.\\s*)?Dates? of (the )?next .*meetings?",
		    G_REGEX_CASELESS, 0, NULL));
	const char *l = s->p, *end = s->p + s->len;
	while (l < end && (*l == ' ' || *l == '\t'))
		l++;
	gsize len = (gsize)(end - l);
	if (len > 0 && *l == 'A' && (has_prefix(l, len, "ACTION:") ||
	    has_prefix(l, len, "ACTIONS:") || has_prefix(l, len, "ACTION :")))
		b->action_paragraph = TRUE;
	if (*meetings < 0 && doc_maybe_next_meetings(l, len) &&
	    g_regex_match_full(next_re, l, (gssize)len, 0, 0, NULL, NULL)) {
		*meetings = 0;
		return;
	}
	if (*meetings >= 0 && *meetings < MEETING_LINES_MAX) {
		if (len == 0) {
			if (b->next_meetings->len > 0)
				*meetings = MEETING_LINES_MAX;
			return;
		}
		g_ptr_array_add(b->next_meetings, g_strstrip(g_strndup(l, len)));
		(*meetings)++;
	}
}

/* scan_after - what follows the block in TEXT[0..LEN): an ACTION paragraph
 * and the next meetings. The block's scan trimmed the lines it read: the
 * first CHOMPED lines are read without their trailing spaces, and the lines
 * numbered in STRIPPED (ascending) without leading ones either. */
static void
scan_after(struct label_block *b, const char *text, gsize len, guint chomped,
    const guint *stripped, guint n_stripped)
{
	struct lines it;
	struct span s;
	int meetings = -1;
	guint k = 0;
	lines_init(&it, text, len);
	for (guint i = 0; lines_next(&it, &s); i++) {
		if (i < chomped)
			span_chomp(&s);
		if (k < n_stripped && stripped[k] == i) {
			span_strip(&s);
			k++;
		}
		scan_line(b, &s, &meetings);
	}
}

struct label_block *
labels_scan(const char *text)
{
	struct label_block *b = g_new0(struct label_block, 1);
	b->items = g_ptr_array_new_with_free_func(item_free);
	b->next_meetings = g_ptr_array_new_with_free_func(g_free);
	if (!text) {
		b->prose = g_strdup("");
		return b;
	}

	/* Only the start of a very long text is read (bounded time and memory),
	 * and only as valid UTF-8 (GRegex's requirement). */
	gsize n = MIN(strlen(text), (size_t)SCAN_MAX);
	g_autofree char *made = NULL;
	const char *head = text;
	if (!mime_utf8_valid(text, n)) {
		head = made = g_utf8_make_valid(text, (gssize)n);
		n = strlen(made);
	}
	GString *line = g_string_sized_new(128);  /* the line in hand, for the regex */
	GString *lead = g_string_new(NULL);
	struct label_item *last = NULL;   /* the item continuation lines go to */
	gboolean in_block = FALSE, after_blank = FALSE;
	int lead_lines = 0;
	guint index = 0, stripped[LEAD_LINES_MAX], n_stripped = 0;
	struct lines it;
	struct span s, brk = { NULL, 0, NULL };   /* brk: the line the block ends at, as trimmed */

	lines_init(&it, head, n);
	while (lines_next(&it, &s)) {
		g_autofree char *label = NULL, *value = NULL;
		gboolean indented = FALSE;
		enum label_key k = LK_NONE;
		guint i = index++;
		span_chomp(&s);

		if (s.len == 0) {
			after_blank = TRUE;
			continue;
		}
		if (s.p[0] == '>') {          /* quoted text is never the block */
			if (in_block) {
				brk = s;
				break;
			}
			continue;
		}
		g_string_truncate(line, 0);
		g_string_append_len(line, s.p, (gssize)s.len);
		char *l = line->str;
		if (parse_label_line(l, &label, &value, &indented, &k)) {
			if (k == LK_SUB) {
				/* Name:/E-mail: lines belong to the contact label above them. */
				if (last && is_contact_key(last->key)) {
					g_autofree char *t = g_strdup_printf("%s: %s", label, value);
					append_value(last, t);
				}
				continue;
			}
			last = add_with_splits(b, k, label, value);
			in_block = TRUE;
			after_blank = FALSE;
			continue;
		}
		gboolean cont = l[0] == ' ' || l[0] == '\t';
		if (in_block && last && (cont || (!after_blank && !*last->value))) {
			/* An indented line continues the value; so does a plain line
			 * right under a label with nothing after its colon. */
			append_value(last, g_strstrip(l));
			continue;
		}
		if (!in_block) {
			if (++lead_lines > LEAD_LINES_MAX)
				break;
			if (lead->len < 1024) {
				g_string_append_printf(lead, "%s%s", lead->len ? "\n" : "", g_strstrip(l));
				stripped[n_stripped++] = i;
			}
			continue;
		}
		if (is_heading(g_strstrip(l))) {
			last = NULL;
			continue;
		}
		brk = s;                         /* prose: the block has ended */
		span_strip(&brk);
		break;
	}
	g_string_free(line, TRUE);

	if (b->items->len > 0) {
		b->lead = g_string_free(lead, FALSE);
		if (!brk.p) {
			b->prose = g_strdup("");
		} else {
			/* the prose: the line the block ended at, as trimmed, then
			 * the rest of the text as it is */
			gsize rest = (gsize)(head + n - brk.end);
			b->prose = g_malloc(brk.len + rest + 1);
			memcpy(b->prose, brk.p, brk.len);
			memcpy(b->prose + brk.len, brk.end, rest);
			b->prose[brk.len + rest] = '\0';
			scan_after(b, b->prose, brk.len + rest, 0, NULL, 0);
		}
	} else {
		g_string_free(lead, TRUE);
		b->lead = g_strdup("");
		b->prose = g_strdup(text);
		scan_after(b, head, n, index, stripped, n_stripped);
	}
	return b;
}
