/* secr.c - the secretariat's pages: login, the tabs, a statement with its
 * edit form, actions and history. Every change is a flow_* call with the
 * logged-in user as actor, exactly what the same liaisonctl command does. */
#include "web/web.h"
#include "flow/flow.h"
#include "model/statement_field.h"
#include "store/store_admin.h"
#include "store/store_ops.h"
#include "store/store_outbox.h"
#include "store/store_stmt.h"
#include "store/store_web.h"
#include "conf/users.h"

#include <string.h>

/* The tabs, by state name: a state this build does not have (pending,
 * duplicate: later issues) is skipped, so its tab appears with the state. */
struct tab {
	const char *slug, *label;
	const char *states[3];
};
static const struct tab tabs[] = {
	{ "pending", "Pending", { "rejected", "pending", NULL } },
	{ "posted", "Posted", { "posted", NULL } },
	{ "duplicates", "Duplicates", { "duplicate", NULL } },
	{ "dead", "Dead", { "dead", NULL } },
};

static gboolean
tab_exists(const struct tab *t)
{
	enum stmt_state s;
	for (int i = 0; t->states[i]; i++)
		if (stmt_state_from_name(t->states[i], &s))
			return TRUE;
	return FALSE;
}

/* tab_offers - does the table have a row for event E from one of T's
 * states, for some statement there? Its facts differ from one statement to
 * the next; only --force, which a bulk approve never says, is left out
 * (each statement is still asked, one by one, when the form is sent). */
static gboolean
tab_offers(const struct tab *t, enum flow_event e)
{
	enum stmt_state s;
	for (int i = 0; t->states[i]; i++)
		if (stmt_state_from_name(t->states[i], &s) && flow_allowed(e, s, ~0u & ~FACT_FORCE))
			return TRUE;
	return FALSE;
}

static void
tab_nav(GString *o, struct web_req *r, const char *current)
{
	g_string_append(o, "<nav class=\"tabs\">");
	for (size_t i = 0; i < G_N_ELEMENTS(tabs); i++)
		if (tab_exists(&tabs[i]))
			html_escf(o, "<a href=\"%ssecr/%s/\"%s>%s</a>", r->w->root, tabs[i].slug,
			    strcmp(current, tabs[i].slug) == 0 ? " class=\"current\"" : "", tabs[i].label);
	html_escf(o, "<a href=\"%ssecr/outbox/\"%s>Outbox</a><a href=\"%ssecr/status/\"%s>Status</a>"
	    "</nav>\n", r->w->root, strcmp(current, "outbox") == 0 ? " class=\"current\"" : "",
	    r->w->root, strcmp(current, "status") == 0 ? " class=\"current\"" : "");
}

static void
csrf_field(GString *o, struct web_req *r)
{
	html_escf(o, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

/* parse_form - the urlencoded body: single values into r->form, every "id" into IDS. */
static void
parse_form(struct web_req *r, GArray *ids)
{
	r->form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!r->post)
		return;
	g_auto(GStrv) pairs = g_strsplit(r->post->str, "&", 1000);
	for (int i = 0; pairs[i]; i++) {
		char *eq = strchr(pairs[i], '=');
		if (!eq)
			continue;
		*eq = 0;
		for (char *p = eq + 1; *p; p++)
			if (*p == '+')
				*p = ' ';
		char *k = g_uri_unescape_string(pairs[i], NULL);
		char *v = g_uri_unescape_string(eq + 1, NULL);
		if (!k || !v || !g_utf8_validate(v, -1, NULL)) {
			g_free(k);
			g_free(v);
			continue;
		}
		if (ids && strcmp(k, "id") == 0) {
			gint64 id = web_parse_id(v, strlen(v));
			if (id)
				g_array_append_val(ids, id);
		}
		g_hash_table_replace(r->form, k, v);
	}
}

static const char *
form(struct web_req *r, const char *k)
{
	const char *v = g_hash_table_lookup(r->form, k);
	return v ? v : "";
}

/* ---- login ---- */

static enum MHD_Result
page_login(struct web_req *r, const char *msg)
{
	if (strcmp(r->w->c->web_auth, "password") != 0)
		return web_error(r, 403, "Log in through the site's single sign-on.");
	GString *o = g_string_new(NULL);
	html_begin(o, r, "Secretariat login");
	g_string_append(o, "<h1>Secretariat login</h1>\n");
	if (msg)
		html_escf(o, "<p class=\"error\">%s</p>\n", msg);
	html_escf(o, "<form method=\"post\" action=\"%slogin\">"
	    "<p><label>Name <input type=\"text\" name=\"name\" id=\"name\" autocomplete=\"username\"></label></p>"
	    "<p><label>Password <input type=\"password\" name=\"password\" id=\"password\""
	    " autocomplete=\"current-password\"></label></p>"
	    "<p><button type=\"submit\" id=\"login\">Log in</button></p></form>\n", r->w->root);
	html_end(o);
	return web_send_page(r, msg ? 403 : 200, o);
}

static enum MHD_Result
do_login(struct web_req *r)
{
	if (strcmp(r->w->c->web_auth, "password") != 0)
		return web_error(r, 403, "Log in through the site's single sign-on.");
	parse_form(r, NULL);
	gboolean throttled;
	g_autofree char *cookie = web_auth_login(r, form(r, "name"), form(r, "password"), &throttled);
	if (throttled)
		return web_error(r, 429, "Too many failed logins from your address; wait a minute.");
	if (!cookie)
		return page_login(r, "Wrong name or password.");
	g_autofree char *to = g_strdup_printf("%ssecr/pending/", r->w->root);
	return web_redirect(r, to, cookie);
}

/* ---- tabs ---- */

static enum MHD_Result
store_failed(struct web_req *r, GError *error)
{
	gboolean nf = error->domain == STORE_ERROR && error->code == STORE_ERR_NOTFOUND;
	g_warning("secretariat: %s", error->message);
	enum MHD_Result rc = web_error(r, nf ? 404 : 503, error->message);
	g_error_free(error);
	return rc;
}

static enum MHD_Result
page_tab(struct web_req *r, const struct tab *t, const char *notice)
{
	GError *error = NULL;
	struct store *s = web_store_ro(r->w, &error);
	if (!s)
		return store_failed(r, error);
	GPtrArray *all = g_ptr_array_new_with_free_func(admin_summary_free);
	for (int i = 0; t->states[i]; i++) {
		enum stmt_state k;
		if (!stmt_state_from_name(t->states[i], &k))
			continue;
		struct web_list_query q = { .state = t->states[i], .limit = 500, .problems = TRUE };
		GPtrArray *rows = store_web_list(s, &q, &error);
		if (!rows) {
			g_ptr_array_unref(all);
			return store_failed(r, error);
		}
		g_ptr_array_extend_and_steal(all, rows);
	}
	GString *o = g_string_new(NULL);
	html_begin(o, r, t->label);
	tab_nav(o, r, t->slug);
	if (notice)
		html_escf(o, "<p class=\"notice\">%s</p>\n", notice);
	html_escf(o, "<h1>%s</h1>\n", t->label);
	g_autofree char *prefix = g_strdup_printf("%ssecr/", r->w->root);
	if (!all->len) {
		g_string_append(o, "<p class=\"empty\">Nothing here.</p>\n");
	} else {
		/* the bulk actions this tab's states have a row for (a dead
		 * statement is neither approved nor discarded): none, no form */
		gboolean approve = tab_offers(t, FLOW_APPROVE), discard = tab_offers(t, FLOW_DISCARD);
		if (!approve && !discard) {
			web_list_rows(o, r, all, all->len, FALSE, prefix);
		} else {
			html_escf(o, "<form method=\"post\" action=\"%ssecr/bulk\">", r->w->root);
			csrf_field(o, r);
			html_escf(o, "<input type=\"hidden\" name=\"tab\" value=\"%s\">", t->slug);
			web_list_rows(o, r, all, all->len, TRUE, prefix);
			g_string_append(o, "<p class=\"actions\">");
			if (approve)
				g_string_append(o, "<button type=\"submit\" name=\"action\" value=\"approve\""
				    " id=\"bulk-approve\">Approve selected</button> ");
			if (discard)
				g_string_append(o, "<label>Reason <input type=\"text\" name=\"why\"></label>"
				    " <button type=\"submit\" name=\"action\" value=\"discard\""
				    " id=\"bulk-discard\">Discard selected</button>");
			g_string_append(o, "</p></form>\n");
		}
	}
	g_ptr_array_unref(all);
	html_end(o);
	return web_send_page(r, 200, o);
}

static enum MHD_Result
page_outbox(struct web_req *r)
{
	GError *error = NULL;
	struct store *s = web_store_ro(r->w, &error);
	GPtrArray *mails = s ? store_outbox_list(s, NULL, 0, &error) : NULL;
	if (!mails)
		return store_failed(r, error);
	GString *o = g_string_new(NULL);
	html_begin(o, r, "Outbox");
	tab_nav(o, r, "outbox");
	g_string_append(o, "<h1>Outbox</h1>\n<table class=\"list\"><thead><tr><th>Mail</th>"
	    "<th>Statement</th><th>Kind</th><th>State</th><th>Created</th><th>Attempts</th>"
	    "<th>Subject</th><th>Last error</th></tr></thead><tbody>\n");
	for (guint i = 0; i < mails->len && i < 500; i++) {
		const struct outbox_mail *m = g_ptr_array_index(mails, i);
		html_escf(o, "<tr><td>%li</td><td>", m->id);
		if (m->statement)
			html_escf(o, "<a href=\"%ssecr/%li/\">%li</a>", r->w->root, m->statement,
			    m->statement);
		html_escf(o, "</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>\n",
		    m->kind, m->state, m->created_at, m->attempts, m->subject,
		    m->last_error ? m->last_error : "");
	}
	g_string_append(o, "</tbody></table>\n");
	g_ptr_array_unref(mails);
	html_end(o);
	return web_send_page(r, 200, o);
}

static enum MHD_Result
page_status(struct web_req *r)
{
	GError *error = NULL;
	struct store *s = web_store_ro(r->w, &error);
	struct store_status st = { 0 };
	if (!s || store_status_read(s, &st, &error) < 0)
		return store_failed(r, error);
	GString *o = g_string_new(NULL);
	html_begin(o, r, "Status");
	tab_nav(o, r, "status");
	g_string_append(o, "<h1>Status</h1>\n<table class=\"fields\">\n");
	for (guint i = 0; i < st.states->len; i++) {
		const struct store_count *c = g_ptr_array_index(st.states, i);
		html_escf(o, "<tr><th>%s</th><td>%li</td></tr>\n", c->state, c->count);
	}
	html_escf(o, "<tr><th>Messages</th><td>%li</td></tr>\n", st.messages);
	html_escf(o, "<tr><th>Rejects waiting</th><td>%li</td></tr>\n", st.rejects);
	if (st.oldest_reject_at)
		html_escf(o, "<tr><th>Oldest reject</th><td>%li, %s</td></tr>\n", st.oldest_reject_id,
		    st.oldest_reject_at);
	html_escf(o, "<tr><th>Outbox queued</th><td>%li</td></tr>\n", st.outbox_queued);
	html_escf(o, "<tr><th>Outbox failed</th><td>%li</td></tr>\n", st.outbox_failed);
	if (st.oldest_queued_at)
		html_escf(o, "<tr><th>Oldest queued mail</th><td>%s</td></tr>\n", st.oldest_queued_at);
	if (st.last_received_at)
		html_escf(o, "<tr><th>Last received</th><td>%li, %s</td></tr>\n", st.last_id,
		    st.last_received_at);
	html_escf(o, "<tr><th>Database</th><td>%s (schema %d)</td></tr>\n", st.db_path,
	    st.schema_version);
	g_string_append(o, "</table>\n");
	store_status_clear(&st);
	html_end(o);
	return web_send_page(r, 200, o);
}

/* ---- a statement ---- */

/* The problem fields that belong to a form field of another name. */
static const char *
problem_form_field(const char *field)
{
	static const char *const map[][2] = {
		{ "from_groups", "from" }, { "to_groups", "to" },
		{ "from_contacts", "from_contact" }, { "to_contacts", "to_contact" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (strcmp(field, map[i][0]) == 0)
			return map[i][1];
	return field;
}

static void
problems_of(GString *o, const struct statement *st, const char *field, gboolean unplaced)
{
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = g_ptr_array_index(st->problems, i);
		const char *f = problem_form_field(p->field ? p->field : "");
		gboolean placed = stmt_field_find(f) != NULL;
		if (unplaced ? placed : strcmp(f, field) != 0)
			continue;
		html_escf(o, "<span class=\"problem %s\" data-code=\"%s\">%s: %s</span>",
		    severity_name(p->severity), p->code, p->code, p->message);
	}
}

static void
group_picker(GString *o, struct web *w, const char *name, GPtrArray *current)
{
	html_escf(o, "<select name=\"%s_pick\" id=\"%s_pick\" multiple size=\"6\""
	    " aria-label=\"%s groups from the directory\">", name, name, name);
	GPtrArray *all = directory_groups(w->dir);
	for (guint i = 0; i < all->len; i++) {
		const struct dir_group *g = g_ptr_array_index(all, i);
		gboolean sel = FALSE;
		for (guint k = 0; k < current->len; k++) {
			const struct group_ref *gr = g_ptr_array_index(current, k);
			if (gr->acronym && strcmp(gr->acronym, g->acronym) == 0)
				sel = TRUE;
		}
		html_escf(o, "<option value=\"%s\"%s>%s (%s)</option>", g->acronym,
		    sel ? " selected" : "", g->name, g->acronym);
	}
	g_ptr_array_unref(all);
	g_string_append(o, "</select>");
}

/* action_form - a button, and after it on its own line the fields EXTRA it
 * takes (a reason, a comment), so each field is plainly its button's. */
static void
action_form(GString *o, struct web_req *r, gint64 id, const char *action, const char *label,
    const char *extra)
{
	html_escf(o, extra ? "<form class=\"with-fields\" method=\"post\" action=\"%ssecr/%li/%s\">" :
	    "<form method=\"post\" action=\"%ssecr/%li/%s\">", r->w->root, id, action);
	csrf_field(o, r);
	html_escf(o, "<button type=\"submit\" id=\"do-%s\">%s</button>", action, label);
	g_string_append(o, extra ? extra : "");   /* markup of ours, not escaped */
	g_string_append(o, "</form>\n");
}

/* edit_form - the fields of ST, each with its problems, to correct and save. */
static void
edit_form(GString *o, struct web_req *r, const struct statement *st)
{
	html_escf(o, "<h2>Edit</h2>\n<form class=\"edit\" method=\"post\" action=\"%ssecr/%li/edit\">",
	    r->w->root, st->id);
	csrf_field(o, r);
	html_escf(o, "<input type=\"hidden\" name=\"version\" value=\"%d\">", st->version);
	for (const struct stmt_field *f = stmt_fields; f->name; f++) {
		g_autofree char *v = stmt_field_text(st, f->name, FALSE);
		html_escf(o, "<label for=\"f-%s\">%s</label>", f->name, f->label);
		problems_of(o, st, f->name, FALSE);
		if (strcmp(f->name, "body") == 0)
			html_escf(o, "<textarea name=\"%s\" id=\"f-%s\" rows=\"12\">%s</textarea>", f->name,
			    f->name, v ? v : "");
		else
			html_escf(o, "<input type=\"text\" name=\"%s\" id=\"f-%s\" value=\"%s\">", f->name,
			    f->name, v ? v : "");
		if (strcmp(f->name, "from") == 0 || strcmp(f->name, "to") == 0)
			group_picker(o, r->w, f->name, strcmp(f->name, "from") == 0 ? st->from_groups :
			    st->to_groups);
	}
	g_string_append(o, "<p><button type=\"submit\" id=\"save\">Save and check</button></p></form>\n");
}

static const char *const done_words[][2] = {
	{ "edit", "Saved and checked again." }, { "approve", "Approved: posted and routed." },
	{ "discard", "Discarded." },
	{ "refuse", "Refused: not sent, set aside; its submitter is told why." }, { "restore", "Restored." },
	{ "reprocess", "Parsed again from the raw mail." }, { "resend", "Routing mail queued again." },
	{ "comment", "Comment added." }, { "nothing", "Nothing changed." },
};

static enum MHD_Result
page_statement(struct web_req *r, gint64 id, const char *notice, unsigned status)
{
	GError *error = NULL;
	struct store *s = web_store_ro(r->w, &error);
	struct statement *st = s ? store_stmt_load(s, id, &error) : NULL;
	if (!st)
		return store_failed(r, error);
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	GPtrArray *related = sum ? store_admin_related(s, id, &error) : NULL;
	GPtrArray *hist = related ? store_admin_history(s, id, &error) : NULL;
	GPtrArray *mails = hist ? store_admin_outbox_of(s, id, &error) : NULL;
	if (!mails) {
		statement_free(st);
		admin_summary_free(sum);
		if (related)
			g_ptr_array_unref(related);
		if (hist)
			g_ptr_array_unref(hist);
		return store_failed(r, error);
	}
	const char *done = web_arg(r, "done");
	for (size_t i = 0; done && !notice && i < G_N_ELEMENTS(done_words); i++)
		if (strcmp(done, done_words[i][0]) == 0)
			notice = done_words[i][1];
	GString *o = g_string_new(NULL);
	html_begin(o, r, st->title && *st->title ? st->title : "Statement");
	tab_nav(o, r, "");
	if (notice)
		html_escf(o, "<p class=\"%s\" id=\"notice\">%s</p>\n", status == 200 ? "notice" : "error",
		    notice);
	html_escf(o, "<h1>%li: %s</h1>\n", id, st->title && *st->title ? st->title : "(no title)");
	if (st->problems->len) {
		g_string_append(o, "<div class=\"error\">Problems: ");
		problems_of(o, st, "", TRUE);
		for (guint i = 0; i < st->problems->len; i++) {
			const struct problem *p = g_ptr_array_index(st->problems, i);
			html_escf(o, "<span class=\"problem-code\">%s</span> ", p->code);
		}
		g_string_append(o, "</div>\n");
	}
	g_autofree char *prefix = g_strdup_printf("%ssecr/", r->w->root);
	web_statement_body(o, r, st, sum, related, prefix);

	g_string_append(o, "<h2>Actions</h2>\n<div class=\"actions\">\n");
	/* A button is offered only where the flow table has a row for its
	 * event from this state with this statement's facts, as the flow_*
	 * function behind it asks (flow_allowed); a POST of any other is still
	 * refused there. Approve counts what the page can add: "despite errors"
	 * (--force; the box only where approval needs it: a reject with
	 * errors) and, on a pending statement, the logged-in approver (--by).
	 * Reprocess is never forced from here: a posted statement's mail would
	 * go again. Refuse is an outgoing statement's, awaiting approval. The
	 * edit form below is offered the same way (not before the parse). */
	unsigned facts = flow_facts(st, 0);
	enum stmt_state now = st->state;
	if (flow_allowed(FLOW_APPROVE, now, facts | FACT_FORCE | FACT_BY)) {
		gboolean force = !flow_allowed(FLOW_APPROVE, now, facts) &&
		    flow_allowed(FLOW_APPROVE, now, facts | FACT_FORCE);
		action_form(o, r, id, "approve", "Approve", force ? " <label><input type=\"checkbox\""
		    " name=\"force\" value=\"1\" id=\"approve-force\"> despite errors</label>" : NULL);
	}
	if (flow_allowed(FLOW_RESTORE, now, facts))
		action_form(o, r, id, "restore", "Restore", NULL);
	if (flow_allowed(FLOW_REPROCESS, now, facts))
		action_form(o, r, id, "reprocess", "Reprocess", NULL);
	if (flow_allowed(FLOW_RESEND, now, facts))
		action_form(o, r, id, "resend", "Resend", NULL);
	if (flow_allowed(FLOW_REFUSE, now, facts))
		action_form(o, r, id, "refuse", "Refuse", " <label>reason <input type=\"text\""
		    " name=\"why\" id=\"refuse-why\" required></label> (not sent; its submitter"
		    " is told why)");
	if (flow_allowed(FLOW_DISCARD, now, facts))
		action_form(o, r, id, "discard", "Discard", " <label>reason <input type=\"text\""
		    " name=\"why\" id=\"discard-why\"></label> <label><input type=\"checkbox\""
		    " name=\"notify\" value=\"1\"> tell the sender</label>");
	if (flow_allowed(FLOW_COMMENT, now, facts))
		action_form(o, r, id, "comment", "Comment", " <label>text <input type=\"text\""
		    " name=\"text\" id=\"comment-text\"></label> <label><input type=\"checkbox\""
		    " name=\"private\" value=\"1\"> private</label>");
	g_string_append(o, "</div>\n");

	if (flow_allowed(FLOW_EDIT, now, facts))
		edit_form(o, r, st);

	g_string_append(o, "<h2>History</h2>\n<table class=\"list\" id=\"history\"><thead><tr>"
	    "<th>When</th><th>Who</th><th>What</th><th>Detail</th></tr></thead><tbody>\n");
	for (guint i = 0; i < hist->len; i++) {
		const struct admin_event *e = g_ptr_array_index(hist, i);
		html_escf(o, "<tr><td>%s</td><td>%s</td><td>%s%s</td><td>%s</td></tr>\n", e->at,
		    e->actor, e->kind, e->private_ ? " (private)" : "", e->detail ? e->detail : "");
	}
	g_string_append(o, "</tbody></table>\n<h2>Mail</h2>\n<table class=\"list\"><thead><tr>"
	    "<th>Kind</th><th>State</th><th>To</th><th>Subject</th></tr></thead><tbody>\n");
	for (guint i = 0; i < mails->len; i++) {
		const struct admin_mail *m = g_ptr_array_index(mails, i);
		html_escf(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", m->kind,
		    m->state, m->to ? m->to : "", m->subject ? m->subject : "");
	}
	g_string_append(o, "</tbody></table>\n");
	html_end(o);
	g_ptr_array_unref(mails);
	g_ptr_array_unref(hist);
	g_ptr_array_unref(related);
	admin_summary_free(sum);
	statement_free(st);
	return web_send_page(r, status, o);
}

static char *picks(struct web_req *r, const char *name);

/* acronyms - the resolved groups of GROUPS, joined ", " as the picker sends them. */
static char *
acronyms(GPtrArray *groups)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = g_ptr_array_index(groups, i);
		if (g->acronym)
			g_string_append_printf(out, "%s%s", out->len ? ", " : "", g->acronym);
	}
	return g_string_free(out, FALSE);
}

/* edits_of - the fields the form changed, as flow_edit takes them. A group
 * picker whose choice differs from the groups as resolved wins over the text. */
static GHashTable *
edits_of(struct web_req *r, const struct statement *st)
{
	GHashTable *edits = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (const struct stmt_field *f = stmt_fields; f->name; f++) {
		const char *v = g_hash_table_lookup(r->form, f->name);
		if (!v)
			continue;
		g_autofree char *cur = stmt_field_text(st, f->name, FALSE);
		g_autofree char *nv = g_strdup(v);
		/* a browser sends CRLF in a textarea */
		if (strcmp(f->name, "body") == 0) {
			g_auto(GStrv) lines = g_strsplit(nv, "\r\n", -1);
			g_free(nv);
			nv = g_strjoinv("\n", lines);
		}
		gboolean from = strcmp(f->name, "from") == 0, to = strcmp(f->name, "to") == 0;
		if (from || to) {
			g_autofree char *p = picks(r, f->name);
			g_autofree char *now = acronyms(from ? st->from_groups : st->to_groups);
			if (p && strcmp(p, now) != 0) {
				g_free(nv);
				nv = g_steal_pointer(&p);
			}
		}
		if (g_strcmp0(cur ? cur : "", nv) != 0)
			g_hash_table_replace(edits, (char *)f->name, g_steal_pointer(&nv));
	}
	return edits;
}

/* picks - every value of NAME_pick in the body, joined ", " (NULL: none). */
static char *
picks(struct web_req *r, const char *name)
{
	g_autofree char *key = g_strdup_printf("%s_pick=", name);
	GString *out = g_string_new(NULL);
	g_auto(GStrv) pairs = g_strsplit(r->post ? r->post->str : "", "&", 1000);
	for (int i = 0; pairs[i]; i++) {
		if (!g_str_has_prefix(pairs[i], key))
			continue;
		g_autofree char *v = g_uri_unescape_string(pairs[i] + strlen(key), NULL);
		if (v && directory_get(r->w->dir, v))
			g_string_append_printf(out, "%s%s", out->len ? ", " : "", v);
	}
	return g_string_free(out, out->len == 0);
}

/* user_email - the address of the logged-in user (users_file; behind a
 * proxy, a user name that is an address), or NULL. */
static char *
user_email(struct web_req *r)
{
	char *email = NULL;
	if (*r->w->c->web_users_file) {
		GPtrArray *users = users_load(r->w->c->web_users_file, NULL);
		struct web_user *u = users ? users_find(users, r->user) : NULL;
		if (u && u->email && *u->email)
			email = g_strdup(u->email);
		if (users)
			g_ptr_array_unref(users);
	}
	if (!email && strchr(r->user, '@'))
		email = g_strdup(r->user);
	return email;
}

/* act - one action on statement ID (a flow_* call); 0, or -1 and ERROR. */
static int
act(struct web_req *r, struct flow_ctx *x, gint64 id, const char *action, const char **done,
    GError **error)
{
	/* each flow_* initialises RES, and fills it even when it refuses: it is
	 * cleared either way (the early returns come before any call) */
	struct flow_result res;
	int rc;
	*done = action;
	if (strcmp(action, "approve") == 0) {
		struct statement *st = store_stmt_load(x->s, id, error);
		if (!st)
			return -1;
		gboolean pending = st->state == STMT_PENDING;
		statement_free(st);
		if (pending) {
			/* an outgoing statement is approved by one of its approvers,
			 * who is the logged-in user, known by the address of the login */
			g_autofree char *by = user_email(r);
			if (!by) {
				g_set_error(error, FLOW_ERROR, FLOW_ERR_DENIED, "Your login %s has no email"
				    " address in [web] users_file, so it cannot approve an outgoing"
				    " statement; its approver can, or the secretariat records the approval"
				    " with `liaisonctl approve --by`.", r->user);
				return -1;
			}
			rc = flow_approve_by(x, id, by, "web", NULL, &res, error);
		} else
			rc = flow_approve(x, id, *form(r, "force") != 0, &res, error);
	} else if (strcmp(action, "discard") == 0) {
		const char *why = form(r, "why");
		rc = flow_discard(x, id, *why ? why : NULL, *form(r, "notify") != 0, &res, error);
	} else if (strcmp(action, "refuse") == 0) {
		/* as `liaisonctl refuse ID --why TEXT`: by the actor, the logged-in
		 * user; the flow refuses an empty reason */
		rc = flow_refuse_outgoing(x, id, NULL, form(r, "why"), &res, error);
	} else if (strcmp(action, "restore") == 0) {
		rc = flow_restore(x, id, &res, error);
	} else if (strcmp(action, "reprocess") == 0) {
		rc = flow_reprocess(x, id, FALSE, &res, error);
	} else if (strcmp(action, "resend") == 0) {
		rc = flow_resend(x, id, &res, error);
	} else if (strcmp(action, "comment") == 0) {
		const char *text = form(r, "text");
		if (!*text) {
			g_set_error(error, FLOW_ERROR, FLOW_ERR_USAGE, "A comment needs some text.");
			return -1;
		}
		rc = flow_comment(x, id, text, *form(r, "private") != 0, &res, error);
	} else if (strcmp(action, "edit") == 0) {
		struct statement *st = store_stmt_load(x->s, id, error);
		if (!st)
			return -1;
		GHashTable *edits = edits_of(r, st);
		statement_free(st);
		const char *v = form(r, "version");
		int version = (int)web_parse_id(v, strlen(v));
		if (g_hash_table_size(edits) == 0) {
			g_hash_table_unref(edits);
			*done = "nothing";
			return 0;
		}
		rc = flow_edit(x, id, version, edits, &res, error);
		g_hash_table_unref(edits);
	} else {
		g_set_error(error, FLOW_ERROR, FLOW_ERR_USAGE, "There is no action '%s'.", action);
		return -1;
	}
	flow_result_clear(&res);
	return rc;
}

static void
flow_ctx_of(struct web_req *r, struct store *s, struct flow_ctx *x)
{
	memset(x, 0, sizeof *x);
	x->s = s;
	x->c = r->w->c;
	x->dir = r->w->dir;
	x->actor = r->user;
}

static enum MHD_Result
do_action(struct web_req *r, gint64 id, const char *action)
{
	GError *error = NULL;
	struct store *s = web_store_rw(r->w, &error);
	if (!s)
		return store_failed(r, error);
	struct flow_ctx x;
	flow_ctx_of(r, s, &x);
	const char *done;
	if (act(r, &x, id, action, &done, &error) < 0) {
		if (error->domain == STORE_ERROR && error->code == STORE_ERR_NOTFOUND)
			return store_failed(r, error);
		g_autofree char *msg = g_strdup(error->message);
		gboolean temp = error->domain == STORE_ERROR && error->code == STORE_ERR_TEMP;
		gboolean denied = error->domain == FLOW_ERROR && error->code == FLOW_ERR_DENIED;
		g_error_free(error);
		return page_statement(r, id, msg, temp ? 503 : denied ? 403 : 409);
	}
	g_autofree char *to = g_strdup_printf("%ssecr/%" G_GINT64_FORMAT "/?done=%s", r->w->root,
	    id, done);
	return web_redirect(r, to, NULL);
}

static enum MHD_Result
do_bulk(struct web_req *r, GArray *ids)
{
	const char *action = form(r, "action");
	const struct tab *t = &tabs[0];
	for (size_t i = 0; i < G_N_ELEMENTS(tabs); i++)
		if (strcmp(form(r, "tab"), tabs[i].slug) == 0)
			t = &tabs[i];
	if (strcmp(action, "approve") != 0 && strcmp(action, "discard") != 0)
		return web_error(r, 400, "Approve or discard the selected statements.");
	GError *error = NULL;
	struct store *s = web_store_rw(r->w, &error);
	if (!s)
		return store_failed(r, error);
	struct flow_ctx x;
	flow_ctx_of(r, s, &x);
	/* each its own transaction, as `liaisonctl approve A B C` does: one
	 * refused statement does not hold back the others */
	GString *msg = g_string_new(NULL);
	int ok = 0;
	for (guint i = 0; i < ids->len && i < 500; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		const char *done;
		if (act(r, &x, id, action, &done, &error) < 0) {
			g_string_append_printf(msg, " %" G_GINT64_FORMAT ": %s", id, error->message);
			g_clear_error(&error);
		} else {
			ok++;
		}
	}
	g_autofree char *notice = g_strdup_printf("%s: %d of %u done.%s", action, ok, ids->len,
	    msg->str);
	g_string_free(msg, TRUE);
	return page_tab(r, t, notice);
}

enum MHD_Result
web_secr(struct web_req *r)
{
	gboolean post = strcmp(r->method, "POST") == 0;
	if (!post && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return web_error(r, 405, "Use GET or POST.");
	web_auth_identify(r);
	if (strcmp(r->path, "login") == 0)
		return post ? do_login(r) : page_login(r, NULL);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	enum MHD_Result rc;
	if (post)
		parse_form(r, ids);
	if (!r->user) {
		if (post) {
			rc = web_error(r, 403, "Log in first.");
		} else {
			g_autofree char *to = g_strdup_printf("%slogin", r->w->root);
			rc = web_redirect(r, to, NULL);
		}
		goto out;
	}
	if (post && !web_auth_csrf_ok(r)) {
		rc = web_error(r, 403, "The form is stale or did not come from this site; reload the page.");
		goto out;
	}
	const char *p = r->path;
	if (strcmp(p, "logout") == 0) {
		if (!post) {
			rc = web_error(r, 405, "Log out with the button.");
			goto out;
		}
		g_autofree char *cookie = web_auth_logout(r);
		g_autofree char *to = g_strdup_printf("%sliaison/", r->w->root);
		rc = web_redirect(r, to, cookie);
		goto out;
	}
	p += strlen("secr/");
	if (post && strcmp(p, "bulk") == 0) {
		rc = do_bulk(r, ids);
		goto out;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(tabs); i++) {
		g_autofree char *slug = g_strconcat(tabs[i].slug, "/", NULL);
		if (!post && strcmp(p, slug) == 0 && tab_exists(&tabs[i])) {
			rc = page_tab(r, &tabs[i], NULL);
			goto out;
		}
	}
	if (!post && strcmp(p, "outbox/") == 0) {
		rc = page_outbox(r);
		goto out;
	}
	if (!post && strcmp(p, "status/") == 0) {
		rc = page_status(r);
		goto out;
	}
	size_t n = strspn(p, "0123456789");
	gint64 id = web_parse_id(p, n);
	p += n;
	if (!id) {
		rc = web_error(r, 404, "There is no such page.");
	} else if (!post && (*p == 0 || strcmp(p, "/") == 0)) {
		rc = page_statement(r, id, NULL, 200);
	} else if (!post && g_str_has_prefix(p, "/attachments/")) {
		GError *error = NULL;
		struct store *s = web_store_ro(r->w, &error);
		gint64 k = web_parse_id(p + 13, strlen(p + 13));
		rc = !s ? store_failed(r, error) : k > 0 && k < 100000 ?
		    web_attachment(r, s, id, (int)k) : web_error(r, 404, "There is no such attachment.");
	} else if (post && *p == '/' && strchr(p + 1, '/') == NULL) {
		rc = do_action(r, id, p + 1);
	} else {
		rc = web_error(r, 404, "There is no such page.");
	}
out:
	g_array_unref(ids);
	return rc;
}
