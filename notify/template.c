/* template.c - the words of every mail: one template file per kind, named
 * placeholders filled here, values escaped for the header or body they go into. */
#include "notify/notify_private.h"
#include "conf/log.h"

#include <string.h>

extern const char *const default_templates[];
extern const char *const default_templates_files[];

#define TEMPLATE_MAX (64 * 1024)
#define LINE_VALUE_MAX 2000        /* a one-line value in the body */
#define SUBJECT_VALUE_MAX 300

/* Placeholders every kind knows. */
#define COMMON "id title link secretariat statements_address guide_url"

/* The kinds: a new kind of mail is a row here and a file templates/KIND.txt.
 * BLOCK names the placeholders whose values are several lines (kept as
 * lines in a body); every other value is one line wherever it goes. */
static const struct notify_kind {
	const char *kind;
	const char *placeholders;
} kinds[] = {
	{ "routing", "date deadline purpose from_groups to_groups from_side to_side cc"
	  " response_contacts technical_contacts related body attachments" },
	{ "ack", "to_groups routed unrouted deadline deadline_words recipients_to recipients_cc"
	  " corrections warnings" },
	{ "rejection", "problems submitter" },
	{ "rejects_queue", "problems submitter" },
	{ "reminder", "deadline when due days from_groups to_groups from_side to_side outgoing" },
	{ "overdue", "deadline when due days from_groups to_groups from_side to_side outgoing" },
	{ "discarded", "reason" },
	{ "restored", "state posted" },
	{ "undelivered", "mail_id mail_kind subject failed" },
	/* outgoing statements (issue 16) */
	{ "sent", "to_groups routed unrouted deadline deadline_words recipients_to recipients_cc"
	  " corrections warnings sent_directly sent_here sent_word approved_by approval_how"
	  " unapproved" },
	{ "approval", "reminder needed submitter approvers recipients_to recipients_cc statement" },
	{ "refused", "by reason" },
	{ "duplicate", "original original_link distributed_on to_groups" },
};

static const char *const block_values[] = { "body", "problems", "warnings", "corrections",
	"related", "attachments", "failed", "statement", NULL };

struct template {
	char *subject, *body;
	char *origin;                  /* the file it came from, or "(embedded)" */
};

struct template_set {
	struct template t[G_N_ELEMENTS(kinds)];
	gint refs;
};

static GMutex set_lock;
static struct template_set *current;

static void
set_unref(struct template_set *set)
{
	if (!set || !g_atomic_int_dec_and_test(&set->refs))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
		g_free(set->t[i].subject);
		g_free(set->t[i].body);
		g_free(set->t[i].origin);
	}
	g_free(set);
}

static const struct notify_kind *
kind_of(const char *kind, gsize *index)
{
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0) {
			*index = i;
			return &kinds[i];
		}
	return NULL;
}

/* known - does KIND's template may name placeholder NAME? */
static gboolean
known(const struct notify_kind *k, const char *name)
{
	for (int pass = 0; pass < 2; pass++) {
		const char *list = pass ? k->placeholders : COMMON;
		gsize n = strlen(name);
		for (const char *p = list; (p = strstr(p, name)); p += n)
			if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
				return TRUE;
	}
	return FALSE;
}

/* placeholder_re - {name}, {?name} (keep the line when set), {!name}
 * (keep it when not set). Anything else in braces is text. Checks templates
 * when they are loaded; fill() finds the same matches by hand. */
static GRegex *
placeholder_re(void)
{
	static GRegex *re;
	if (g_once_init_enter(&re))
		g_once_init_leave(&re, g_regex_new("\\{([?!]?)([a-z_]+)\\}", 0, 0, NULL));
	return re;
}

/* check_text - every placeholder of TEXT (line FIRST_LINE on) is one KIND
 * knows, and conditions stand at the start of a line; problems go to
 * PROBLEMS as "ORIGIN:LINE: ...". */
static void
check_text(const struct notify_kind *k, const char *origin, const char *text, int first_line,
    gboolean subject, GPtrArray *problems)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		GMatchInfo *mi = NULL;
		gboolean at_start = TRUE;   /* only conditions so far on this line */
		int last_end = 0;
		g_regex_match(placeholder_re(), lines[i], 0, &mi);
		while (g_match_info_matches(mi)) {
			g_autofree char *flag = g_match_info_fetch(mi, 1);
			g_autofree char *name = g_match_info_fetch(mi, 2);
			int start, end;
			g_match_info_fetch_pos(mi, 0, &start, &end);
			if (start != last_end)
				at_start = FALSE;
			if (!known(k, name))
				g_ptr_array_add(problems, g_strdup_printf("%s:%d: unknown placeholder {%s}"
				    " (a %s mail knows: %s %s)", origin, first_line + i, name, k->kind, COMMON,
				    k->placeholders));
			if (*flag && (!at_start || subject))
				g_ptr_array_add(problems, g_strdup_printf("%s:%d: {%s%s} must start a line of"
				    " the body", origin, first_line + i, flag, name));
			if (!*flag)
				at_start = FALSE;
			last_end = end;
			g_match_info_next(mi, NULL);
		}
		g_match_info_free(mi);
	}
}

/* parse_template - TEXT as "# comments", "Subject: ...", an empty line and
 * the body, checked against K; FALSE with PROBLEMS added. */
static gboolean
parse_template(const struct notify_kind *k, const char *origin, const char *text,
    struct template *out, GPtrArray *problems)
{
	guint before = problems->len;
	if (strlen(text) > TEMPLATE_MAX) {
		g_ptr_array_add(problems, g_strdup_printf("%s: longer than %d bytes", origin,
		    TEMPLATE_MAX));
		return FALSE;
	}
	if (!g_utf8_validate(text, -1, NULL)) {
		g_ptr_array_add(problems, g_strdup_printf("%s: not UTF-8 text", origin));
		return FALSE;
	}
	/* CRLF from an editor reads as LF */
	GString *clean = g_string_sized_new(strlen(text));
	for (const char *q = text; *q; q++)
		if (*q != '\r')
			g_string_append_c(clean, *q);
	g_autofree char *lf = g_string_free(clean, FALSE);
	const char *p = lf;
	int line = 1;
	while (*p == '#' || *p == '\n') {     /* comments (and empty lines) before the Subject */
		const char *eol = strchr(p, '\n');
		if (!eol)
			break;
		p = eol + 1;
		line++;
	}
	const char *nl = strchr(p, '\n');
	if (!g_str_has_prefix(p, "Subject:") || !nl) {
		g_ptr_array_add(problems, g_strdup_printf("%s:%d: the first line (after # comments)"
		    " must be \"Subject: ...\", then an empty line, then the body", origin, line));
		return FALSE;
	}
	g_autofree char *subject = g_strstrip(g_strndup(p + 8, (gsize)(nl - p - 8)));
	const char *body = nl + 1;
	if (*body != '\n') {
		g_ptr_array_add(problems, g_strdup_printf("%s:%d: an empty line must follow the"
		    " Subject line", origin, line + 1));
		return FALSE;
	}
	check_text(k, origin, subject, line, TRUE, problems);
	check_text(k, origin, body + 1, line + 2, FALSE, problems);
	if (problems->len != before)
		return FALSE;
	out->subject = g_steal_pointer(&subject);
	out->body = g_strdup(body + 1);
	return TRUE;
}

/* embedded - the compiled-in default of FILE, or NULL. */
static const char *
embedded(const char *file)
{
	for (int i = 0; default_templates_files[i]; i++)
		if (strcmp(default_templates_files[i], file) == 0)
			return default_templates[i];
	return NULL;
}

/* load_set - every kind's template: from DIR when it has the kind's file,
 * else the embedded one. NULL with every problem in PROBLEMS. */
static struct template_set *
load_set(const struct conf *c, GPtrArray *problems)
{
	struct template_set *set = g_new0(struct template_set, 1);
	set->refs = 1;
	guint before = problems->len;
	const char *dir = c->template_dir && *c->template_dir ? c->template_dir : NULL;
	if (dir && !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		/* a typo would silently send the embedded words */
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] template_dir: '%s' is not a"
		    " folder", c->path, dir));
		set_unref(set);
		return NULL;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
		g_autofree char *file = g_strdup_printf("%s.txt", kinds[i].kind);
		g_autofree char *path = dir ? g_build_filename(dir, file, NULL) : NULL;
		g_autofree char *text = NULL;
		GError *e = NULL;
		const char *origin = "(embedded)";
		if (path && g_file_test(path, G_FILE_TEST_EXISTS)) {
			if (!g_file_get_contents(path, &text, NULL, &e)) {
				g_ptr_array_add(problems, g_strdup_printf("%s: %s", path, e->message));
				g_error_free(e);
				continue;
			}
			origin = path;
		} else if (embedded(file)) {
			text = g_strdup(embedded(file));
		} else {
			g_ptr_array_add(problems, g_strdup_printf("%s: no template for the %s mail (and"
			    " none compiled in)", path ? path : file, kinds[i].kind));
			continue;
		}
		g_autofree char *label = strcmp(origin, "(embedded)") == 0 ?
		    g_strdup_printf("(embedded) %s", file) : g_strdup(origin);
		if (parse_template(&kinds[i], label, text, &set->t[i], problems))
			set->t[i].origin = g_strdup(label);
	}
	if (problems->len != before) {
		set_unref(set);
		return NULL;
	}
	return set;
}

int
notify_templates_check(const struct conf *c, GPtrArray *problems)
{
	struct template_set *set = load_set(c, problems);
	set_unref(set);
	return set ? 0 : -1;
}

/* joined - PROBLEMS as one message, one per line. */
static void
set_problems_error(GError **error, GPtrArray *problems)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < problems->len; i++)
		g_string_append_printf(s, "%s%s", i ? "\n" : "", (char *)problems->pdata[i]);
	g_set_error_literal(error, NOTIFY_ERROR, NOTIFY_ERR_TEMPLATE, s->str);
	g_string_free(s, TRUE);
}

int
notify_templates_load(const struct conf *c, GError **error)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	struct template_set *set = load_set(c, problems);
	if (!set) {
		set_problems_error(error, problems);
		return -1;
	}
	g_mutex_lock(&set_lock);
	struct template_set *old = current;
	current = set;
	g_mutex_unlock(&set_lock);
	set_unref(old);
	int from_dir = 0;
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++)
		from_dir += strncmp(set->t[i].origin, "(embedded)", 10) != 0;
	log_info("event=templates_loaded dir=%s from_dir=%d embedded=%d",
	    log_quote(c->template_dir && *c->template_dir ? c->template_dir : "(none)"), from_dir,
	    (int)G_N_ELEMENTS(kinds) - from_dir);
	return 0;
}

/* get_set - the templates in use, loaded on first use (liaisonctl, tests). */
static struct template_set *
get_set(const struct conf *c, GError **error)
{
	g_mutex_lock(&set_lock);
	struct template_set *set = current;
	if (set)
		g_atomic_int_inc(&set->refs);
	g_mutex_unlock(&set_lock);
	if (set)
		return set;
	if (notify_templates_load(c, error) < 0)
		return NULL;
	return get_set(c, error);
}

GHashTable *
notify_vars_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void
notify_var(GHashTable *vars, const char *name, const char *value)
{
	g_hash_table_replace(vars, g_strdup(name), g_strdup(value ? value : ""));
}

void
notify_var_int(GHashTable *vars, const char *name, gint64 value)
{
	g_hash_table_replace(vars, g_strdup(name), g_strdup_printf("%" G_GINT64_FORMAT, value));
}

/* block_text - a several-line value for a body: valid UTF-8, LF line ends,
 * no control character but tab. */
static char *
block_text(const char *v)
{
	g_autofree char *valid = g_utf8_make_valid(v, -1);
	GString *out = g_string_sized_new(strlen(valid));
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		/* a run of printable ASCII, nearly all of a body, is copied as is */
		const char *run = p;
		while ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
			p++;
		if (p > run)
			g_string_append_len(out, run, p - run);
		if (!*p)
			break;
		gunichar ch = g_utf8_get_char(p);
		if (ch == '\r') {
			if (p[1] != '\n')
				g_string_append_c(out, '\n');
		} else if (ch == '\n' || ch == '\t') {
			g_string_append_c(out, (char)ch);
		} else if (g_unichar_iscntrl(ch) || ch == 0x2028 || ch == 0x2029) {
			g_string_append_c(out, ' ');
		} else {
			g_string_append_unichar(out, ch);
		}
	}
	while (out->len && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

/* fill_value - placeholder NAME's value into OUT, escaped for where it goes:
 * in the Subject always one clean line (no value can start a header); in
 * the body one line too, but for the BLOCK values. A condition ({?name},
 * {!name}) or an unset name gives nothing. */
static void
fill_value(GString *out, const char *name, gboolean condition, GHashTable *vars,
    gboolean subject)
{
	const char *v = g_hash_table_lookup(vars, name);
	if (condition || !v)
		return;
	char *text = subject ? notify_clean(v, SUBJECT_VALUE_MAX) :
	    g_strv_contains(block_values, name) ? block_text(v) : notify_clean(v, LINE_VALUE_MAX);
	g_string_append(out, text);
	g_free(text);
}

/* fill - TEXT with each placeholder_re() match replaced by its value, scanned
 * by hand: GRegex checked the whole line's UTF-8 again at every match, a
 * few percent of a statement's parse for its two mails. */
static char *
fill(const char *text, GHashTable *vars, gboolean subject)
{
	GString *out = g_string_sized_new(strlen(text) + 256);
	const char *p = text, *b;
	while ((b = strchr(p, '{'))) {
		const char *n = b + 1 + (b[1] == '?' || b[1] == '!'), *e = n;
		while ((*e >= 'a' && *e <= 'z') || *e == '_')
			e++;
		if (e == n || *e != '}') {           /* not a placeholder: text */
			g_string_append_len(out, p, b + 1 - p);
			p = b + 1;
			continue;
		}
		g_string_append_len(out, p, b - p);
		g_autofree char *name = g_strndup(n, (gsize)(e - n));
		fill_value(out, name, n != b + 1, vars, subject);
		p = e + 1;
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

/* keep_line - LINE's leading conditions hold; *REST gets what follows them. */
static gboolean
keep_line(const char *line, GHashTable *vars, const char **rest)
{
	const char *p = line;
	while (p[0] == '{' && (p[1] == '?' || p[1] == '!')) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		g_autofree char *name = g_strndup(p + 2, (gsize)(close - p - 2));
		const char *v = g_hash_table_lookup(vars, name);
		gboolean set = v && *v;
		if (set != (p[1] == '?'))
			return FALSE;
		p = close + 1;
	}
	*rest = p;
	return TRUE;
}

int
notify_render(const struct conf *c, const char *kind, GHashTable *vars, char **subject,
    char **body, GError **error)
{
	gsize idx = 0;
	if (!kind_of(kind, &idx)) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_TEMPLATE, "no mail template kind '%s'", kind);
		return -1;
	}
	struct template_set *set = get_set(c, error);
	if (!set)
		return -1;
	const struct template *t = &set->t[idx];
	*subject = fill(t->subject, vars, TRUE);
	if (!body) {
		set_unref(set);
		return 0;
	}
	GString *out = g_string_new(NULL);
	g_auto(GStrv) lines = g_strsplit(t->body, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		const char *rest;
		if (!lines[i + 1] && !*lines[i])
			break;                      /* the file's last line end */
		if (!keep_line(lines[i], vars, &rest))
			continue;
		g_autofree char *l = fill(rest, vars, FALSE);
		g_string_append(out, l);
		g_string_append_c(out, '\n');
	}
	*body = g_string_free(out, FALSE);
	set_unref(set);
	return 0;
}
