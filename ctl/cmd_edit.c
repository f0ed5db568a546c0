/* cmd_edit.c - liaisonctl edit: correct a statement's fields the way the mail
 * form would have given them, re-validate, and save only if nobody else
 * changed the statement meanwhile (optimistic concurrency on its version). */
#include "ctl/queue.h"

#include <string.h>

#include "parser/fields.h"
#include "parser/validate.h"
#include "store/store_stmt.h"

/* clear_field - empty field F, so that applying a value replaces it and an
 * empty value leaves it cleared. */
static void
clear_field(struct statement *st, const char *name)
{
	if (strcmp(name, "title") == 0) g_clear_pointer(&st->title, g_free);
	else if (strcmp(name, "from") == 0) g_ptr_array_set_size(st->from_groups, 0);
	else if (strcmp(name, "to") == 0) g_ptr_array_set_size(st->to_groups, 0);
	else if (strcmp(name, "from_contact") == 0) g_ptr_array_set_size(st->from_contacts, 0);
	else if (strcmp(name, "to_contact") == 0) g_ptr_array_set_size(st->to_contacts, 0);
	else if (strcmp(name, "from_liaison_contact") == 0)
		g_clear_pointer(&st->from_liaison_contact, g_free);
	else if (strcmp(name, "to_liaison_contact") == 0)
		g_clear_pointer(&st->to_liaison_contact, g_free);
	else if (strcmp(name, "purpose") == 0) g_clear_pointer(&st->purpose, g_free);
	else if (strcmp(name, "deadline") == 0) g_clear_pointer(&st->deadline, g_free);
	else if (strcmp(name, "body") == 0) g_clear_pointer(&st->body, g_free);
}

/* Problems found while the mail was read (not by validation) that an edit of
 * another field leaves true: kept across re-validation. */
static const char *const reading_codes[] = {
	"mime_defect", "charset_guessed", "word_without_readable", "bad_address", "bad_deadline",
	"purpose_inferred", "for_comment_mapped", "in_response_unresolved", NULL,
};

/* field_matches - does a problem's FIELD belong to edited field NAME? */
static gboolean
field_matches(const char *pfield, const char *name)
{
	size_t n = strlen(name);
	/* "from_contact" also covers "from_contacts" */
	return strncmp(pfield, name, n) == 0 && (pfield[n] == '\0' || strcmp(pfield + n, "s") == 0);
}

/* problem_copy_free - a problem copied out of a statement. */
static void
problem_copy_free(gpointer p)
{
	struct problem *q = p;
	g_free(q->code);
	g_free(q->field);
	g_free(q->message);
	g_free(q);
}

/* revalidate - ST's problems anew: reading problems of untouched fields are
 * kept, the rules run again; the state is not changed by an edit. */
static void
revalidate(struct statement *st, GPtrArray *old, GHashTable *edited, struct store *s,
    const struct directory *dir)
{
	g_autofree char *state = g_strdup(st->state);
	g_autofree char *today = queue_today();
	validate_statement(st, dir, s, today);
	for (guint i = 0; i < old->len; i++) {
		struct problem *p = g_ptr_array_index(old, i);
		gboolean touched = FALSE;
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init(&it, edited);
		while (g_hash_table_iter_next(&it, &key, NULL))
			if (field_matches(p->field ? p->field : "", key))
				touched = TRUE;
		if (touched || !g_strv_contains(reading_codes, p->code) ||
		    statement_has_problem(st, p->code))
			continue;
		statement_problem(st, p->code, p->severity, p->field, "%s", p->message);
	}
	g_free(st->state);
	st->state = g_steal_pointer(&state);
}

/* queue_print_problems - a statement's problems, errors first (shared). */
void
queue_print_problems(const struct statement *st)
{
	if (st->problems->len == 0) {
		printf("No problems.\n");
		return;
	}
	struct ctl_table *t = ctl_table_new(4, "", "FIELD", "CODE", "WHAT IS WRONG");
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < st->problems->len; i++) {
			struct problem *p = g_ptr_array_index(st->problems, i);
			if ((p->severity == SEV_ERROR) != (pass == 0))
				continue;
			ctl_table_add(t, pass == 0 ? "error" : "warning", p->field, p->code, p->message);
			ctl_table_style(t, 0, pass == 0 ? CTL_RED : CTL_YELLOW);
		}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

/* queue_problems_json - ST's problems as the show --json array (shared). */
JsonNode *
queue_problems_json(const struct statement *st)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < st->problems->len; i++) {
		struct problem *p = g_ptr_array_index(st->problems, i);
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "code", p->code);
		json_object_set_string_member(o, "severity", p->severity == SEV_ERROR ? "error" : "warning");
		json_object_set_string_member(o, "field", p->field ? p->field : "");
		json_object_set_string_member(o, "message", p->message);
		json_array_add_object_element(a, o);
	}
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

/* edit_value - V as the mail form would say it: the stored purpose codes
 * (for_action) are accepted as well as the words (For Action). */
static const char *
edit_value(const char *name, const char *v)
{
	if (strcmp(name, "purpose") == 0 && strchr(v, '_'))
		return queue_purpose_text(v);
	return v;
}

/* apply_edits - EDITS (name -> value) onto ST; DETAIL gets "field: old -> new" lines. */
static int
apply_edits(struct statement *st, GHashTable *edits, const struct directory *dir, GString *detail)
{
	for (const struct queue_field *f = queue_fields; f->name; f++) {
		const char *name = f->name;
		const char *v = g_hash_table_lookup(edits, name);
		if (!v)
			continue;
		g_autofree char *before = queue_field_text(st, name, TRUE);
		clear_field(st, name);
		if (strcmp(name, "body") == 0) {
			st->body = g_strdup(v);
		} else if (!fields_apply_label(st, f->label, edit_value(name, v), dir)) {
			return ctl_fail(EX_SOFTWARE_, "the parser does not take the label %s",
			    f->label);
		}
		g_autofree char *after = queue_field_text(st, name, TRUE);
		if (strcmp(name, "body") == 0)
			g_string_append_printf(detail, "%sbody: changed (%ld -> %ld characters)",
			    detail->len ? "; " : "", g_utf8_strlen(before, -1), g_utf8_strlen(after, -1));
		else
			g_string_append_printf(detail, "%s%s: '%s' -> '%s'", detail->len ? "; " : "",
			    name, before, after);
	}
	return 0;
}

int
queue_cmd_edit(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	gboolean use_editor = FALSE;
	gint version_arg = G_MININT;     /* G_MININT: not given; 0 is checked like any other */
	GOptionEntry entries[] = {
		{ "editor", 0, 0, G_OPTION_ARG_NONE, &use_editor, NULL, NULL },
		{ "version", 0, 0, G_OPTION_ARG_INT, &version_arg, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("edit", entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc < 2 || (argc == 2 && !use_editor) || (argc > 2 && use_editor))
		return ctl_usage(queue_cmd("edit"));
	if (version_arg != G_MININT && version_arg < 0)
		return ctl_fail(EX_USAGE_, "edit: --version %d: a version is 0 or more", version_arg);
	gint64 id = queue_id("edit", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;

	g_autoptr(GHashTable) edits = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		g_autofree char *name = eq ? g_strndup(argv[i], eq - argv[i]) : g_strdup(argv[i]);
		const struct queue_field *f = queue_field_find(name);
		if (!eq || !f)
			return ctl_fail(EX_USAGE_, "'%s': expected FIELD=VALUE with FIELD one of title,"
			    " from, to, from_contact, from_liaison_contact, to_contact,"
			    " to_liaison_contact, purpose, deadline, body", argv[i]);
		g_hash_table_replace(edits, (char *)f->name, g_strdup(eq + 1));
	}

	struct store *s = ctl_store(c);
	/* the version first: a change between this read and the load below then
	 * shows as a conflict, never as a silent overwrite */
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	if (!sum)
		return ctl_fail_error(error);
	int version = version_arg != G_MININT ? version_arg : sum->version;
	gboolean parsed = sum->parsed;
	g_autofree char *state = g_strdup(sum->state);
	admin_summary_free(sum);
	if (!parsed)
		return ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " is not parsed yet"
		    " (state %s); try again in a moment", id, state);

	struct directory *dir = queue_directory(c, &error);
	if (!dir)
		return ctl_fail_error(error);
	GPtrArray *old = NULL;
	GString *detail = NULL;
	struct statement *st = store_stmt_load(s, id, &error);
	if (!st) {
		directory_free(dir);
		return ctl_fail_error(error);
	}
	g_free(st->state);
	st->state = g_strdup(state);
	if (use_editor && (rc = queue_form_edit(st, edits)) != 0)
		goto out;
	if (g_hash_table_size(edits) == 0) {
		printf("Nothing changed.\n");
		goto out;
	}

	/* the problems as they were, to keep what still holds */
	old = g_ptr_array_new_with_free_func(problem_copy_free);
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = g_ptr_array_index(st->problems, i);
		struct problem *q = g_new0(struct problem, 1);
		q->code = g_strdup(p->code);
		q->severity = p->severity;
		q->field = g_strdup(p->field ? p->field : "");
		q->message = g_strdup(p->message);
		g_ptr_array_add(old, q);
	}
	statement_clear_problems(st);

	detail = g_string_new(NULL);
	if ((rc = apply_edits(st, edits, dir, detail)) != 0)
		goto out;
	revalidate(st, old, edits, s, dir);

	if (store_begin(s, &error) < 0 ||
	    store_admin_check_version(s, id, version, &error) < 0 ||
	    store_stmt_save(s, st, &error) < 0 ||
	    store_admin_set_state(s, id, state, &error) < 0 ||
	    store_admin_set_version(s, id, version + 1, &error) < 0 ||
	    store_event(s, id, c->actor, "edited", detail->str, FALSE, &error) < 0 ||
	    store_commit(s, &error) < 0) {
		store_rollback(s);
		rc = ctl_fail_error(error);
		goto out;
	}
	st->version = version + 1;
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_int_member(o, "version", st->version);
		json_object_set_string_member(o, "state", state);
		JsonArray *ch = json_array_new();
		for (const struct queue_field *f = queue_fields; f->name; f++)
			if (g_hash_table_contains(edits, f->name))
				json_array_add_string_element(ch, f->name);
		json_object_set_array_member(o, "changed", ch);
		json_object_set_member(o, "problems", queue_problems_json(st));
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else {
		printf("Statement %" G_GINT64_FORMAT " edited (version %d).\n", id, st->version);
		g_auto(GStrv) changes = g_strsplit(detail->str, "; ", -1);
		for (int i = 0; changes[i]; i++)
			printf("  %s\n", changes[i]);
		printf("\n");
		queue_print_problems(st);
		if (!statement_has_errors(st) && strcmp(state, "rejected") == 0)
			printf("\nNo errors left: `liaisonctl approve %" G_GINT64_FORMAT "` posts it.\n", id);
		else if (statement_has_errors(st) && strcmp(state, "rejected") == 0)
			printf("\nStill rejected: fix the errors above, or `liaisonctl approve %"
			    G_GINT64_FORMAT " --force`.\n", id);
	}
out:
	if (old)
		g_ptr_array_free(old, TRUE);
	if (detail)
		g_string_free(detail, TRUE);
	statement_free(st);
	directory_free(dir);
	return rc;
}


