/* ctl_show.c - the human `liaisonctl show ID`: a statement as a secretariat
 * member reads it, each problem in plain words under the field it is about. */
#include "ctl/queue.h"
#include "ctl/ctl_doc.h"
#include "store/store_dup.h"

#include <string.h>


/* print_history_of - the History section. */
static void
print_history_of(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	GPtrArray *ev = store_admin_history(ctl_store(c), id, &error);
	ctl_out_heading(stdout, "History");
	if (!ev) {
		printf("  (unreadable: %s)\n", error->message);
		g_error_free(error);
		return;
	}
	queue_print_history(c, id, ev);
	g_ptr_array_free(ev, TRUE);
}

/* print_outbox_of - the mail sent or waiting about this statement. */
static void
print_outbox_of(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	GPtrArray *mails = store_admin_outbox_of(ctl_store(c), id, &error);
	ctl_out_heading(stdout, "Mail");
	if (!mails) {
		printf("  (unreadable: %s)\n", error->message);
		g_error_free(error);
		return;
	}
	if (mails->len == 0) {
		printf("None.\n");
	} else {
		struct ctl_table *t = ctl_table_new(5, "ID", "KIND", "STATE", "TO", "SUBJECT");
		for (guint i = 0; i < mails->len; i++) {
			struct admin_mail *m = g_ptr_array_index(mails, i);
			g_autofree char *mid = g_strdup_printf("%" G_GINT64_FORMAT, m->id);
			g_autofree char *to = ctl_out_truncate(m->to, 36);
			g_autofree char *subject = m->last_error && *m->last_error ?
			    g_strdup_printf("%s\nlast error: %s", m->subject, m->last_error) :
			    g_strdup(m->subject);
			ctl_table_add(t, mid, m->kind, m->state, to, subject);
			if (strcmp(m->state, "failed") == 0)
				ctl_table_style(t, 2, CTL_RED);
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
	}
	g_ptr_array_free(mails, TRUE);
}

/* print_dup_links - what a duplicate repeats, the duplicates of this one,
 * the resend that superseded it (issue 20). */
static void
print_dup_links(struct ctl *c, gint64 id, enum stmt_state state, int lw)
{
	gint64 of = 0, by = 0;
	GError *error = NULL;
	if (state == STMT_DUPLICATE && store_dup_of(ctl_store(c), id, &of, NULL, &error) == 0 &&
	    of > 0) {
		g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT " (`liaisonctl undup %"
		    G_GINT64_FORMAT "` if it is not)", of, id);
		ctl_out_field(stdout, "Duplicate of", lw, v);
	}
	g_clear_error(&error);
	GArray *dups = store_dup_list(ctl_store(c), id, &error);
	if (dups && dups->len) {
		GString *v = g_string_new(NULL);
		for (guint i = 0; i < dups->len; i++)
			g_string_append_printf(v, "%s%" G_GINT64_FORMAT, i ? ", " : "",
			    g_array_index(dups, gint64, i));
		ctl_out_field(stdout, "Duplicates", lw, v->str);
		g_string_free(v, TRUE);
	}
	if (dups)
		g_array_unref(dups);
	g_clear_error(&error);
	if (store_dup_superseded_by(ctl_store(c), id, &by, &error) == 0 && by > 0) {
		g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, by);
		ctl_out_field(stdout, "Superseded by", lw, v);
	}
	g_clear_error(&error);
}

/* print_related_of - statements this one answers or that answer it. */
static void
print_related_of(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	GPtrArray *rel = store_admin_related(ctl_store(c), id, &error);
	if (!rel) {
		g_error_free(error);
		return;
	}
	if (rel->len) {
		ctl_out_heading(stdout, "Related statements");
		struct ctl_table *t = ctl_table_new(4, "ID", "RELATION", "STATE", "TITLE");
		for (guint i = 0; i < rel->len; i++) {
			struct admin_summary *r = g_ptr_array_index(rel, i);
			g_autofree char *rid = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
			ctl_table_add(t, rid, strcmp(r->relation, "responds_to") == 0 ? "responds to" :
			    "answered by", stmt_state_name(r->state), r->title ? r->title : "(no title)");
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
	}
	g_ptr_array_free(rel, TRUE);
}

#include "store/store_stmt.h"


/* The fields in the order of the mail form, with their labels. */
static const struct { const char *name, *label; } shown[] = {
	{ "title", "Title" }, { "from", "From" }, { "from_contact", "From-Contact" },
	{ "from_liaison_contact", "From-Liaison-Contact" }, { "to", "To" },
	{ "to_contact", "To-Contact" }, { "to_liaison_contact", "To-Liaison-Contact" },
	{ "purpose", "Purpose" }, { "deadline", "Deadline" },
};

/* problem_field - the shown field a problem's field belongs to, or NULL. */
static const char *
problem_field(const char *f)
{
	if (!f || !*f)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(shown); i++) {
		size_t n = strlen(shown[i].name);
		if (strncmp(f, shown[i].name, n) == 0 && (f[n] == '\0' || strcmp(f + n, "s") == 0 ||
		    strcmp(f + n, "_groups") == 0))
			return shown[i].name;
	}
	return NULL;
}

/* print_problem - one problem, indented under its field. */
static void
print_problem(const struct problem *p, int indent)
{
	gboolean err = p->severity == SEV_ERROR;
	g_autofree char *head = g_strdup_printf("%s %s:", err ? "ERROR" : "warning", p->code);
	int col = indent + ctl_out_display_width(head) + 1;
	g_autofree char *msg = ctl_out_wrap(p->message, ctl_out_width(), col, indent + 2);
	printf("%*s%s%s%s %s\n", indent, "", ctl_out_style(err ? CTL_RED : CTL_YELLOW), head,
	    ctl_out_reset(), msg);
}

int
ctl_show_human(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	struct store *s = ctl_store(c);
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	if (!sum)
		return ctl_fail_error(error);
	const int lw = 22;
	g_autofree char *received = ctl_out_time(sum->received_at);
	printf("%sStatement %" G_GINT64_FORMAT "%s  %s%s%s", ctl_out_style(CTL_BOLD), id,
	    ctl_out_reset(), ctl_out_style(sum->state == STMT_REJECTED ? CTL_RED :
	    sum->state == STMT_POSTED ? CTL_GREEN : CTL_DIM), stmt_state_name(sum->state),
	    ctl_out_reset());
	if (sum->parsed)
		printf("  (version %d%s)", sum->version, sum->action_taken ? ", action taken" : "");
	printf("\n");
	ctl_out_field(stdout, "Received", lw, received);
	print_dup_links(c, id, sum->state, lw);
	if (sum->posted_at) {
		g_autofree char *posted = ctl_out_time(sum->posted_at);
		ctl_out_field(stdout, "Posted", lw, posted);
	}
	ctl_out_field(stdout, "Sender", lw, sum->sender);
	if (!sum->parsed) {
		printf("\nNot parsed yet: liaisond reads it within moments of its arrival.\n");
		admin_summary_free(sum);
		print_history_of(c, id);
		return 0;
	}
	admin_summary_free(sum);
	struct statement *st = store_stmt_load(s, id, &error);
	if (!st)
		return ctl_fail_error(error);
	if (st->forwarded_by)
		ctl_out_field(stdout, "Forwarded by", lw, st->forwarded_by);
	if (st->outgoing) {   /* issue 16: sent by the IETF, approved on record */
		ctl_out_field(stdout, "Direction", lw, st->sent_directly ?
		    "outgoing (sent directly by its sender, recorded here)" : "outgoing");
		g_autofree char *at = st->approved_at ? ctl_out_time(st->approved_at) : NULL;
		g_autofree char *ap = st->approved_by ? g_strdup_printf("%s, %s (%s%s%s)",
		    st->approved_by, at ? at : "-", st->approval_how, st->approval_note ? ": " : "",
		    st->approval_note ? st->approval_note : "") :
		    g_strdup(st->state == STMT_PENDING ? "awaiting approval (liaisonctl approvals)" :
		    "none on record");
		ctl_out_field(stdout, "Approval", lw, ap);
	}
	printf("\n");
	for (size_t i = 0; i < G_N_ELEMENTS(shown); i++) {
		g_autofree char *v = stmt_field_text(st, shown[i].name, TRUE);
		ctl_out_field(stdout, shown[i].label, lw, v);
		for (guint j = 0; j < st->problems->len; j++) {
			const struct problem *p = g_ptr_array_index(st->problems, j);
			const char *f = problem_field(p->field);
			if (f && strcmp(f, shown[i].name) == 0)
				print_problem(p, 4);
		}
	}
	if (st->other_identifiers->len) {
		GString *ids = g_string_new(NULL);
		for (guint i = 0; i < st->other_identifiers->len; i++)
			g_string_append_printf(ids, "%s%s", i ? ", " : "",
			    (const char *)g_ptr_array_index(st->other_identifiers, i));
		ctl_out_field(stdout, "Identifiers", lw, ids->str);
		g_string_free(ids, TRUE);
	}
	gboolean other = FALSE;
	for (guint j = 0; j < st->problems->len; j++) {
		const struct problem *p = g_ptr_array_index(st->problems, j);
		if (problem_field(p->field))
			continue;
		if (!other)
			ctl_out_heading(stdout, "Other problems");
		other = TRUE;
		print_problem(p, 2);
	}
	if (st->problems->len == 0)
		printf("\nNo problems.\n");

	ctl_out_heading(stdout, "Body");
	g_autofree char *body = ctl_out_wrap(st->body && *st->body ? st->body : "(empty)",
	    ctl_out_width(), 2, 2);
	printf("  %s\n", body);

	ctl_out_heading(stdout, "Attachments");
	if (st->attachments->len == 0) {
		printf("None.\n");
	} else {
		struct ctl_table *t = ctl_table_new(4, "N", "SIZE", "TYPE", "NAME");
		for (guint i = 0; i < st->attachments->len; i++) {
			const struct attachment *a = g_ptr_array_index(st->attachments, i);
			g_autofree char *n = g_strdup_printf("%d", a->position);
			g_autofree char *size = ctl_out_size(a->size);
			g_autofree char *sent = a->original_filename &&
			    strcmp(a->original_filename, a->filename) != 0 ?
			    g_strdup_printf("%s\n(sent as: %s)", a->filename, a->original_filename) :
			    g_strdup(a->filename);
			g_autofree char *name = a->derived_from > 0 ?   /* out of a zip (issue 8) */
			    g_strdup_printf("%s\n(inside attachment %d)", sent, a->derived_from) :
			    g_strdup(sent);
			ctl_table_add(t, n, size, a->content_type, name);
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
		printf("(`liaisonctl attachment %" G_GINT64_FORMAT " N -o FILE` saves one)\n", id);
	}
	ctl_doc_print_section(st, id);
	statement_free(st);
	print_related_of(c, id);
	print_outbox_of(c, id);
	print_history_of(c, id);
	return 0;
}
