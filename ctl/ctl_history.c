/* ctl_history.c - a statement's history as the secretariat reads it: each
 * event kind in words, the problem codes of its state, no internal counters.
 * (--json keeps the stored kind and detail: scripts match on those.) */
#include "ctl/queue.h"

#include <stdlib.h>
#include <string.h>

/* The stored kinds (store_event callers) and how a person says them. */
static const struct { const char *kind, *words; } kinds[] = {
	{ "received", "received" },
	{ "parsed", "read" },
	{ "posted", "posted" },
	{ "rejected", "rejected" },
	{ "ignored", "ignored (an automatic reply, not a statement)" },
	{ "dead", "given up (could not be read)" },
	{ "edited", "edited" },
	{ "approved", "approved" },
	{ "discarded", "discarded" },
	{ "restored", "restored" },
	{ "reprocessed", "read again" },
	{ "resent", "routing mail sent again" },
	{ "notified", "sender told" },
	{ "comment", "comment" },
	{ "action_taken", "action taken" },
	/* outgoing statements (issue 16) */
	{ "pending", "waiting for approval" },
	{ "approval_requested", "approval asked" },
	{ "refused", "refused (not sent)" },
	{ "sent", "sent to the other body" },
	{ "duplicate", "duplicate (kept, not routed)" },
	{ "superseded", "superseded (replaced by its corrected resend)" },
	{ "undup", "not a duplicate" },
	{ "linked", "linked to the statement it answers" },
};

static const char *
kind_words(const char *kind)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].words;
	return kind;
}

/* field - the value of KEY in "k=v k=v" DETAIL, or NULL. */
static char *
field(const char *detail, const char *key)
{
	g_auto(GStrv) parts = g_strsplit(detail ? detail : "", " ", -1);
	size_t n = strlen(key);
	for (char **p = parts; *p; p++)
		if (strncmp(*p, key, n) == 0 && (*p)[n] == '=')
			return g_strdup(*p + n + 1);
	return NULL;
}

/* codes - "errors: a, b; warnings: c" from the stored "a,b" lists; "" when none. */
static char *
codes(const char *errors, const char *warnings)
{
	g_auto(GStrv) e = g_strsplit(errors ? errors : "", ",", -1);
	g_auto(GStrv) w = g_strsplit(warnings ? warnings : "", ",", -1);
	g_autofree char *el = g_strjoinv(", ", e), *wl = g_strjoinv(", ", w);
	return g_strdup_printf("%s%s%s%s%s", *el ? "errors: " : "", el, *el && *wl ? "; " : "",
	    *wl ? "warnings: " : "", wl);
}

/* detail_words - what an event's detail says, in words: the counters of
 * received and parsed become sizes and counts a person uses. */
static char *
detail_words(const struct admin_event *e, const char *state_codes)
{
	const char *d = e->detail ? e->detail : "";
	if (strcmp(e->kind, "received") == 0) {
		g_autofree char *client = field(d, "client");
		g_autofree char *size = field(d, "size");
		g_autofree char *bytes = size ? ctl_out_size(g_ascii_strtoll(size, NULL, 10)) : NULL;
		if (!client && !size)
			return g_strdup(d);
		if (client && strcmp(client, "liaisonctl") == 0)
			return g_strdup_printf("with liaisonctl submit%s%s", bytes ? ", " : "",
			    bytes ? bytes : "");
		return g_strdup_printf("by LMTP%s%s%s%s", client ? " from " : "",
		    client ? client : "", bytes ? ", " : "", bytes ? bytes : "");
	}
	if (strcmp(e->kind, "parsed") == 0) {
		if (g_str_has_prefix(d, "parse_failed: "))
			return g_strdup_printf("could not be read: %s", d + 14);
		g_autofree char *att = field(d, "attachments");
		g_autofree char *skipped = field(d, "skipped");
		g_autofree char *fwd = field(d, "forwarded");
		if (!att)
			return g_strdup(d);
		int n = atoi(att), k = skipped ? atoi(skipped) : 0;
		return g_strdup_printf("%s%s%s%s", n == 0 ? "no attachments" : n == 1 ?
		    "1 attachment" : "", n > 1 ? att : "", n > 1 ? " attachments" : "",
		    k > 0 ? (fwd ? ", parts skipped; a forward" : ", parts skipped") :
		    fwd ? "; a forward" : "");
	}
	if (state_codes && *state_codes)
		return *d ? g_strdup_printf("%s (%s)", d, state_codes) : g_strdup(state_codes);
	return g_strdup(d);
}

void
queue_print_history(struct ctl *c, gint64 id, GPtrArray *events)
{
	/* The problem codes go with the last event that set the state: the
	 * statement has them now (earlier ones were changed by what followed). */
	g_autofree char *now_codes = NULL;
	struct admin_summary *sum = store_admin_summary(ctl_store(c), id, NULL);
	if (sum) {
		now_codes = codes(sum->errors, sum->warnings);
		admin_summary_free(sum);
	}
	int last_state = -1;
	for (guint i = 0; i < events->len; i++) {
		const struct admin_event *e = g_ptr_array_index(events, i);
		if (strcmp(e->kind, "posted") == 0 || strcmp(e->kind, "rejected") == 0 ||
		    strcmp(e->kind, "approved") == 0 || strcmp(e->kind, "reprocessed") == 0 ||
		    strcmp(e->kind, "edited") == 0)
			last_state = (int)i;
	}
	struct ctl_table *t = ctl_table_new(4, "TIME (UTC)", "BY", "WHAT", "DETAIL");
	for (guint i = 0; i < events->len; i++) {
		const struct admin_event *e = g_ptr_array_index(events, i);
		g_autofree char *at = ctl_out_time(e->at);
		g_autofree char *what = g_strdup_printf("%s%s", kind_words(e->kind),
		    e->private_ ? " (private)" : "");
		/* the date once is enough: drop " UTC", it is in the heading */
		if (g_str_has_suffix(at, " UTC"))
			at[strlen(at) - 4] = '\0';
		g_autofree char *detail = detail_words(e, (int)i == last_state ? now_codes : NULL);
		ctl_table_add(t, at, e->actor, what, detail);
		if (strcmp(e->kind, "rejected") == 0)
			ctl_table_style(t, 2, CTL_RED);
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}
