/* cmd_edit_form.c - the mail form's fields for liaisonctl: their names and
 * labels, a statement's field as the form shows it, and the labelled block
 * that `edit --editor` hands to $EDITOR and reads back. */
#include "ctl/queue.h"

#include <string.h>
#include <unistd.h>

#include "conf/addr.h"
#include "model/statement_field.h"

/* editor_block - the fields as the mail form's labelled block. */
static char *
editor_block(const struct statement *st)
{
	GString *s = g_string_new(NULL);
	g_string_append_printf(s,
	    "# Statement %" G_GINT64_FORMAT ": change the fields below, save and quit.\n"
	    "# Lists are comma-separated. Lines starting with # are ignored; an empty\n"
	    "# value clears a field. Everything after the Body: line is the body.\n",
	    st->id);
	for (const struct stmt_field *f = stmt_fields; f->name; f++) {
		g_autofree char *v = stmt_field_text(st, f->name, FALSE);
		if (strcmp(f->name, "body") == 0)
			g_string_append_printf(s, "Body:\n%s\n", v);
		else
			g_string_append_printf(s, "%s: %s\n", f->label, v);
	}
	return g_string_free(s, FALSE);
}

/* parse_block - the edited block back into NAME -> value. Values may continue
 * on indented lines, as in mail. */
static GHashTable *
parse_block(const char *text, GError **error)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	const struct stmt_field *cur = NULL;
	for (int i = 0; lines[i]; i++) {
		char *l = lines[i];
		g_strchomp(l);
		if (cur && strcmp(cur->name, "body") == 0) {
			GString *body = g_string_new(g_hash_table_lookup(h, "body"));
			if (body->len || *l)
				g_string_append_printf(body, "%s%s", body->len ? "\n" : "", l);
			g_hash_table_replace(h, (char *)"body", g_string_free(body, FALSE));
			continue;
		}
		if (*l == '#' || *l == '\0')
			continue;
		if ((*l == ' ' || *l == '\t') && cur) {
			char *prev = g_hash_table_lookup(h, cur->name);
			g_hash_table_replace(h, (char *)cur->name, g_strdup_printf("%s %s", prev,
			    g_strstrip(l)));
			continue;
		}
		char *colon = strchr(l, ':');
		if (colon)
			*colon = '\0';
		cur = colon ? stmt_field_find(l) : NULL;
		if (!cur) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "line %d: '%s' is not a field label", i + 1, l);
			g_hash_table_destroy(h);
			return NULL;
		}
		g_hash_table_replace(h, (char *)cur->name, g_strdup(g_strstrip(colon + 1)));
	}
	return h;
}

int
queue_form_edit(const struct statement *st, GHashTable *edits)
{
	GError *error = NULL;
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	g_autofree char *block = editor_block(st);
	int fd = g_file_open_tmp("liaisonctl-edit-XXXXXX.txt", &path, &error);
	if (fd < 0)
		return ctl_fail_error(error);
	close(fd);
	if (!g_file_set_contents(path, block, -1, &error)) {
		unlink(path);
		return ctl_fail_error(error);
	}
	const char *editor = g_getenv("VISUAL") && *g_getenv("VISUAL") ? g_getenv("VISUAL") :
	    g_getenv("EDITOR") && *g_getenv("EDITOR") ? g_getenv("EDITOR") : "vi";
	/* through the shell, as git does, so that EDITOR="code --wait" works */
	g_autofree char *script = g_strdup_printf("%s \"$1\"", editor);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, (char *)"sh", path, NULL };
	int status = 0;
	gboolean ran = g_spawn_sync(NULL, argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
	    NULL, NULL, &status, &error);
	if (!ran || !g_spawn_check_wait_status(status, NULL)) {
		unlink(path);
		if (error)
			g_error_free(error);
		return ctl_fail(EX_UNAVAILABLE_, "the editor (%s) failed; nothing changed", editor);
	}
	gboolean read = g_file_get_contents(path, &text, NULL, &error);
	unlink(path);
	if (!read)
		return ctl_fail_error(error);
	GHashTable *h = parse_block(text, &error);
	if (!h) {
		int rc = ctl_fail(EX_DATAERR_, "edited block: %s; nothing changed", error->message);
		g_error_free(error);
		return rc;
	}
	for (const struct stmt_field *f = stmt_fields; f->name; f++) {
		const char *v = g_hash_table_lookup(h, f->name);
		g_autofree char *was = stmt_field_text(st, f->name, FALSE);
		g_strstrip(was);
		if (v && strcmp(g_strstrip((char *)v), was) != 0)
			g_hash_table_replace(edits, (char *)f->name, g_strdup(v));
	}
	g_hash_table_destroy(h);
	return 0;
}

