/* ingest.c - the parse worker's event: a received message read (MIME, fields,
 * validation), its row picked, its mail composed, then saved in one transaction. */
#include "flow/flow_private.h"
#include "parser/fields.h"
#include "parser/mime.h"
#include "parser/mime_doc.h"
#include "parser/validate.h"
#include "parser/dupkey.h"
#include "parser/reply.h"
#include "store/store_stmt.h"
#include "store/store_msg.h"
#include "store/store_doc.h"
#include "store/store_sink.h"
#include "store/store_dup.h"
#include "store/store_link.h"
#include "conf/log.h"

#include <string.h>

static char *
today(void)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	return g_date_time_format(now, "%Y-%m-%d");
}

/* note_twins - PROB_POSSIBLE_DUPLICATE on ST when other messages have its
 * Message-ID and body but another sender: the dedupe at intake keeps such a
 * copy (it may be the real one, the first a forgery) for the secretariat. */
static int
note_twins(const struct flow_ctx *x, struct statement *st, GError **error)
{
	g_autoptr(GArray) twins = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_msg_twins(x->s, st->id, twins, error) < 0)
		return -1;
	if (twins->len == 0)
		return 0;
	g_autoptr(GString) l = g_string_new(NULL);
	for (guint i = 0; i < twins->len; i++)
		g_string_append_printf(l, "%s%" G_GINT64_FORMAT, i ? ", " : "",
		    g_array_index(twins, gint64, i));
	statement_problem(st, PROB_POSSIBLE_DUPLICATE, NULL, "Same Message-ID and body as message "
	    "%s, but from another sender (From or envelope): one of them may be forged; compare "
	    "them before acting.", l->str);
	return 0;
}

struct statement *
flow_read(const struct flow_ctx *x, gint64 id, char **detail, GError **error)
{
	char *envelope_from = NULL, *client = NULL;
	if (store_stmt_message(x->s, id, &envelope_from, &client, error) < 0)
		return NULL;
	int fd;
	GByteArray *bytes = store_msg_read(x->s, id, &fd, error);
	if (!bytes && fd < 0) {
		g_free(envelope_from);
		g_free(client);
		return NULL;
	}
	/* A file imported with `liaisonctl submit` has no envelope sender of its
	 * own: "" there means unknown, not the null sender of a bounce. */
	gboolean imported = client && !strcmp(client, "liaisonctl") && !*envelope_from;
	struct blob_sink *blobs = store_blob_sink_new(x->s);
	const char *from = imported ? NULL : envelope_from;
	struct parsed_mail *pm = bytes ? mime_parse_bytes(bytes, from, x->c, blobs, error) :
	    mime_parse_fd(fd, from, x->c, blobs, error);
	blob_sink_free(blobs);
	g_free(envelope_from);
	g_free(client);
	if (!pm)
		return NULL;
	struct statement *st = statement_new();
	st->id = id;
	mime_statement_from_mail(st, pm);
	fields_extract(st, pm, x->dir);
	reply_note(st, pm, x->c);
	/* Documents move once the fields are read from them: their text can be large. */
	while (pm->documents->len)
		g_ptr_array_add(st->documents, g_ptr_array_steal_index(pm->documents, 0));
	mime_doc_apply(st, pm);
	g_autofree char *day = today();
	struct link_lookup links;
	store_link_lookup(x->s, &links);
	validate_statement(st, x->dir, &links, day);
	if (note_twins(x, st, error) < 0) {
		parsed_mail_free(pm);
		statement_free(st);
		return NULL;
	}
	GPtrArray *rcpts = fields_mail_recipients(pm);
	flow_outgoing_check(x, st, rcpts);
	g_ptr_array_unref(rcpts);
	dupkey_set(st);
	*detail = g_strdup_printf("leaf_parts=%d body=%d attachments=%u skipped=%d%s",
	    pm->leaf_parts, pm->body_parts, pm->attachments->len, pm->skipped_parts,
	    pm->forwarded_by ? " forwarded=1" : "");
	parsed_mail_free(pm);
	return st;
}

struct flow_parsed {
	struct statement *st;
	const struct flow_transition *row;
	struct notify_batch *mail;   /* composed before the write lock; NULL: none */
	char *detail;                /* of the "parsed" event */
	gint64 t0;                   /* monotonic us, when the parse began */
};

void
flow_parsed_free(struct flow_parsed *p)
{
	if (!p)
		return;
	statement_free(p->st);
	notify_batch_free(p->mail);
	g_free(p->detail);
	g_free(p);
}

gint64
flow_parsed_id(const struct flow_parsed *p)
{
	return p->st->id;
}

gboolean
flow_parsed_unlinked(const struct flow_parsed *p)
{
	return statement_has_problem(p->st, PROB_IN_RESPONSE_UNRESOLVED);
}

/* parsed_new - ST (taken) with its row and its mail composed; NULL with ERROR.
 * FROM_MAIL: ST was read from the mail, so the replies and recipients the
 * bounds hold back are noted on it for the secretariat. */
static struct flow_parsed *
parsed_new(const struct flow_ctx *x, struct statement *st, char *detail, gint64 t0,
    gboolean from_mail, GError **error)
{
	struct flow_parsed *p = g_new0(struct flow_parsed, 1);
	p->st = st;
	p->detail = detail;
	p->t0 = t0;
	p->row = flow_match(FLOW_INGEST, STMT_RECEIVED, flow_facts(st, 0));
	if (!p->row) {   /* the table has a row for every received statement */
		flow_parsed_free(p);
		flow_refuse(error, "no ingest row for statement %" G_GINT64_FORMAT, st->id);
		return NULL;
	}
	/* the state the row gives decides the mail, composed now, outside the lock */
	st->state = (enum stmt_state)p->row->to;
	if (from_mail)
		notify_note_held(x->c, x->dir, st);   /* warnings only: the state stays */
	if (p->row->mails && notify_prepare_statement(x->s, x->c, x->dir, st, p->row->mails,
	    &p->mail, error) < 0) {
		flow_parsed_free(p);
		return NULL;
	}
	return p;
}

struct flow_parsed *
flow_parse(const struct flow_ctx *x, gint64 id, GError **error)
{
	gint64 t0 = g_get_monotonic_time();
	char *detail = NULL;
	struct statement *st = flow_read(x, id, &detail, error);
	if (!st)
		return NULL;
	return parsed_new(x, st, detail, t0, TRUE, error);
}

/* lacks - what ST carries that ORIGINAL (stored) lacks: new attachments, a
 * deadline; NULL when nothing. */
static char *
lacks(const struct statement *st, const struct statement *original)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		gboolean found = a->derived_from != 0;
		for (guint j = 0; !found && j < original->attachments->len; j++)
			found = !g_strcmp0(a->sha256,
			    ((const struct attachment *)original->attachments->pdata[j])->sha256);
		if (!found)
			g_string_append_printf(out, "%sthe attachment %s", out->len ? ", " : "",
			    a->filename);
	}
	if (st->deadline && g_strcmp0(st->deadline, original->deadline) != 0)
		g_string_append_printf(out, "%sthe deadline %s", out->len ? ", " : "", st->deadline);
	return g_string_free(out, out->len == 0);
}

/* recognise - inside the transaction, where every statement saved before
 * is visible (another worker's, this batch's): does ST repeat one on record,
 * or resend a rejected one? The facts for the row, R->original and R->how
 * set; a repeat that adds something gets the warning possible_duplicate. */
static int
recognise(const struct flow_ctx *x, struct statement *st, struct flow_result *r,
    unsigned *facts, GError **error)
{
	enum dup_how how = DUP_NONE;
	gint64 original = 0;
	*facts = 0;
	/* a twin at intake (same Message-ID and body, another sender: issue 14)
	 * may be the real one after a forgery: processed as usual, with its
	 * warning possible_duplicate, never closed as a duplicate */
	if (st->auto_generated || statement_has_problem(st, PROB_POSSIBLE_DUPLICATE))
		return 0;
	if (store_dup_find(x->s, st, x->c->duplicate_window_days, &original, &how, error) < 0)
		return -1;
	if (how == DUP_NONE)
		return 0;
	r->original = original;
	r->how = dup_how_name(how);
	if (how == DUP_REJECTED) {
		*facts = FACT_RESEND;
		return 0;
	}
	*facts = FACT_DUPLICATE;
	st->duplicate_of = original;
	struct statement *o = store_stmt_load(x->s, original, error);
	if (!o)
		return -1;
	/* the same statement again while the first waits in the rejects queue:
	 * when this copy is clean it is posted and replaces that one */
	if (o->state == STMT_REJECTED)
		*facts |= FACT_RESEND;
	g_autofree char *more = lacks(st, o);
	statement_free(o);
	if (more) {
		*facts |= FACT_DIFFERS;
		statement_problem(st, PROB_POSSIBLE_DUPLICATE, NULL, "Possible duplicate of %"
		    G_GINT64_FORMAT " (same %s), but it carries %s, which %" G_GINT64_FORMAT " lacks:"
		    " approve it to post it, or `liaisonctl dup %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
		    "` to keep it as a duplicate.", original,
		    how == DUP_MESSAGE_ID ? "Message-ID" : how == DUP_CONTENT ? "content" :
		    "title and sender", more, original, st->id, original);
	}
	return 0;
}

/* link_now - an In Response statement whose original was not found when it
 * was read: look again inside the transaction, where a statement saved
 * meanwhile (by the other worker) is visible; found, the warning goes. */
static int
link_now(const struct flow_ctx *x, struct statement *st, GError **error)
{
	if (!statement_has_problem(st, PROB_IN_RESPONSE_UNRESOLVED))
		return 0;
	int n = store_link_resolve(x->s, st, error);
	if (n <= 0)
		return n;
	const char *code = problem_def(PROB_IN_RESPONSE_UNRESOLVED)->code;
	for (guint i = st->problems->len; i > 0; i--)
		if (!strcmp(((const struct problem *)st->problems->pdata[i - 1])->code, code))
			g_ptr_array_remove_index(st->problems, i - 1);
	return n;
}

/* save_one - the rows of one parsed statement, inside the caller's
 * transaction; ATTEMPT: and count the parse attempt that made them. */
static int
save_one(const struct flow_ctx *x, struct flow_parsed *p, gboolean attempt, GError **error)
{
	struct statement *st = p->st;
	if (attempt) {
		int still = store_stmt_attempt_counted(x->s, st->id, error);
		if (still <= 0)   /* 0: discarded (or otherwise taken) while parsed: leave it */
			return still;
	}
	struct flow_result r;
	flow_result_init(&r);
	int rc = -1;
	unsigned facts = 0;
	char *detail = NULL;
	if (link_now(x, st, error) < 0 || recognise(x, st, &r, &facts, error) < 0)
		goto out;
	const struct flow_transition *row = p->row;
	struct notify_batch **mail = &p->mail;
	if (facts) {
		/* a repeat or a resend: its own row, its mail composed here, in the
		 * lock (rare); the mail composed before is not sent */
		row = flow_match(FLOW_INGEST, STMT_RECEIVED, flow_facts(st, facts));
		if (!row) {
			flow_refuse(error, "no ingest row for statement %" G_GINT64_FORMAT, st->id);
			goto out;
		}
		if (row != p->row) {
			mail = NULL;
			st->state = (enum stmt_state)row->to;
		}
	}
	detail = (facts & FACT_DIFFERS) && row->to == STMT_REJECTED ? g_strdup_printf("%s;"
	    " possible duplicate of statement %" G_GINT64_FORMAT " (%s)", p->detail, r.original,
	    r.how) : g_strdup(p->detail);
	if (store_stmt_save(x->s, st, error) == 0 && store_doc_save(x->s, st, error) == 0)
		rc = flow_apply(x, st, row, STMT_RECEIVED, NULL, TRUE, detail, mail, &r, error);
	/* order must not matter: replies saved before this one are linked now */
	if (rc == 0 && store_link_late(x->s, st, x->actor, error) < 0)
		rc = -1;
out:
	g_free(detail);
	flow_result_clear(&r);
	return rc;
}

int
flow_ingest(const struct flow_ctx *x, struct flow_parsed *const *items, int n,
    gboolean attempt, GError **error)
{
	/* Everything was composed before: the single write lock (which the
	 * LMTP intake and the other parse workers wait for) is held for the
	 * inserts only, and once for the whole batch. */
	if (store_begin(x->s, error) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (save_one(x, items[i], attempt, error) < 0) {
			g_prefix_error(error, "statement %" G_GINT64_FORMAT ": ", items[i]->st->id);
			store_rollback(x->s);
			return -1;
		}
	}
	if (x->dry_run) {
		store_rollback(x->s);
		return 0;
	}
	if (store_commit(x->s, error) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct statement *st = items[i]->st;
		log_info("event=parsed id=%" G_GINT64_FORMAT " state=%s problems=%u attachments=%u"
		    " ms=%" G_GINT64_FORMAT, st->id, stmt_state_name(st->state), st->problems->len,
		    st->attachments->len, (g_get_monotonic_time() - items[i]->t0) / 1000);
	}
	return 0;
}

int
flow_ingest_one(const struct flow_ctx *x, gint64 id, GError **error)
{
	struct flow_parsed *p = flow_parse(x, id, error);
	if (!p)
		return -1;
	int rc = flow_ingest(x, &p, 1, FALSE, error);
	flow_parsed_free(p);
	return rc;
}

int
flow_ingest_failed(const struct flow_ctx *x, gint64 id, const char *why, GError **error)
{
	struct statement *st = statement_new();
	st->id = id;
	st->body = g_strdup("");
	statement_problem(st, PROB_PARSE_FAILED, NULL, "The message could not be read "
	    "(%s); it is kept as received for the secretariat.", why);
	char *detail = g_strdup_printf("parse_failed: %s", why);
	struct flow_parsed *p = parsed_new(x, st, detail, g_get_monotonic_time(), FALSE,
	    error);
	if (!p)
		return -1;
	/* not flow_ingest: its log line says "parsed" */
	int rc = -1;
	if (store_begin(x->s, error) == 0) {
		if (save_one(x, p, FALSE, error) < 0)
			store_rollback(x->s);
		else if (x->dry_run)
			store_rollback(x->s), rc = 0;
		else
			rc = store_commit(x->s, error);
	}
	if (rc == 0 && !x->dry_run)
		log_warning("event=parse_failed id=%" G_GINT64_FORMAT " reason=%s", id, log_quote(why));
	flow_parsed_free(p);
	return rc;
}
