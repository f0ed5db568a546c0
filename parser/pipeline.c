/* pipeline.c - one stored message: MIME, fields, validation, then one transaction. */
#include "parser/pipeline.h"
#include "parser/fields.h"
#include "parser/validate.h"
#include "parser/reply.h"
#include "notify/notify.h"
#include "store/store_stmt.h"
#include "store/store_link.h"
#include "store/store_doc.h"
#include "store/store_msg.h"
#include "parser/mime_doc.h"
#include "conf/log.h"

#include <string.h>

static char *
today(void)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	return g_date_time_format(now, "%Y-%m-%d");
}

void
pipeline_statement_from_mail(struct statement *st, struct parsed_mail *pm)
{
	g_free(st->body);
	st->body = g_strdup(pm->body);
	st->forwarded_by = g_strdup(pm->forwarded_by);
	st->auto_generated = pm->auto_generated;
	/* 4053bis: record the address the statement was originally received from. */
	st->submitter = mime_bare_address(pm->h.from_raw);
	if (!st->submitter && pm->envelope_from && *pm->envelope_from)
		st->submitter = g_strdup(pm->envelope_from);
	st->message_id = g_strdup(pm->h.message_id);
	st->in_reply_to = g_strdup(pm->h.in_reply_to);
	for (guint i = 0; pm->h.references && i < pm->h.references->len; i++)
		g_ptr_array_add(st->references, g_strdup(pm->h.references->pdata[i]));
	for (guint i = 0; i < pm->attachments->len; i++) {
		const struct attachment *a = pm->attachments->pdata[i];
		struct attachment *c = g_new0(struct attachment, 1);
		*c = *a;
		c->filename = g_strdup(a->filename);
		c->original_filename = g_strdup(a->original_filename);
		c->content_type = g_strdup(a->content_type);
		c->sha256 = g_strdup(a->sha256);
		g_ptr_array_add(st->attachments, c);
	}
	for (guint i = 0; i < pm->defects->len; i++)
		statement_problem(st, "mime_defect", SEV_WARNING, "", "The mail's structure is damaged "
		    "or unusual: %s.", (const char *)pm->defects->pdata[i]);
	if (pm->charset_guessed)
		statement_problem(st, "charset_guessed", SEV_WARNING, "body", "Text without a usable "
		    "character set was read as UTF-8 or Windows-1252; check accented letters.");
}

int
pipeline_post(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const char *actor, GError **error)
{
	if (notify_queue_statement(s, c, dir, st, error) < 0 ||
	    store_link_mark_answered(s, st, actor, error) < 0)
		return -1;
	return 0;
}

struct pipeline_parsed {
	struct statement *st;
	struct notify_batch *mail;   /* composed before the write lock; NULL: none */
	char *detail;                /* of the "parsed" event */
	gint64 t0;                   /* monotonic us, when the parse began */
};

void
pipeline_parsed_free(struct pipeline_parsed *p)
{
	if (!p)
		return;
	statement_free(p->st);
	notify_batch_free(p->mail);
	g_free(p->detail);
	g_free(p);
}

gint64
pipeline_parsed_id(const struct pipeline_parsed *p)
{
	return p->st->id;
}

gboolean
pipeline_parsed_unlinked(const struct pipeline_parsed *p)
{
	return statement_has_problem(p->st, "in_response_unresolved");
}

/* parsed_new - ST (taken) with its mail composed; NULL with ERROR. */
static struct pipeline_parsed *
parsed_new(struct store *s, const struct conf *c, const struct directory *dir,
    struct statement *st, char *detail, gint64 t0, GError **error)
{
	struct pipeline_parsed *p = g_new0(struct pipeline_parsed, 1);
	p->st = st;
	p->detail = detail;
	p->t0 = t0;
	if (notify_prepare_statement(s, c, dir, st, &p->mail, error) < 0) {
		pipeline_parsed_free(p);
		return NULL;
	}
	return p;
}

/* save_one - the rows of one parsed statement, inside the caller's
 * transaction; ATTEMPT: and count the parse attempt that made them. */
static int
save_one(struct store *s, const struct conf *c, const struct pipeline_parsed *p,
    gboolean attempt, const char *actor, GError **error)
{
	const struct statement *st = p->st;
	if (attempt) {
		int still = store_stmt_attempt_counted(s, st->id, error);
		if (still <= 0)   /* 0: discarded (or otherwise taken) while parsed: leave it */
			return still;
	}
	if (store_stmt_save(s, p->st, error) < 0 || store_doc_save(s, st, error) < 0 ||
	    store_event(s, st->id, actor, "parsed", p->detail, FALSE, error) < 0 ||
	    store_event(s, st->id, actor, st->state, "", FALSE, error) < 0 ||
	    notify_queue_batch(s, c, p->mail, error) < 0 ||
	    store_link_mark_answered(s, st, actor, error) < 0)
		return -1;
	return 0;
}

int
pipeline_save(struct store *s, const struct conf *c, struct pipeline_parsed *const *items,
    int n, gboolean attempt, const char *actor, GError **error)
{
	/* Everything was composed before: the single write lock (which the
	 * LMTP intake and the other parse workers wait for) is held for the
	 * inserts only, and once for the whole batch. */
	if (store_begin(s, error) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (save_one(s, c, items[i], attempt, actor, error) < 0) {
			g_prefix_error(error, "statement %" G_GINT64_FORMAT ": ", items[i]->st->id);
			store_rollback(s);
			return -1;
		}
	}
	if (store_commit(s, error) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct statement *st = items[i]->st;
		log_info("event=parsed id=%" G_GINT64_FORMAT " state=%s problems=%u attachments=%u"
		    " ms=%" G_GINT64_FORMAT, st->id, st->state, st->problems->len,
		    st->attachments->len, (g_get_monotonic_time() - items[i]->t0) / 1000);
	}
	return 0;
}

struct pipeline_parsed *
pipeline_parse(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, GError **error)
{
	char *path = NULL, *envelope_from = NULL, *client = NULL;
	gint64 t0 = g_get_monotonic_time();
	if (store_stmt_message(s, id, &path, &envelope_from, &client, error) < 0)
		return NULL;
	/* A file imported with `liaisonctl submit` has no envelope sender of its
	 * own: "" there means unknown, not the null sender of a bounce. */
	gboolean imported = client && !strcmp(client, "liaisonctl") && !*envelope_from;
	struct parsed_mail *pm = mime_parse_file(path, imported ? NULL : envelope_from, c, s, error);
	g_free(path);
	g_free(envelope_from);
	g_free(client);
	if (!pm)
		return NULL;

	struct statement *st = statement_new();
	st->id = id;
	pipeline_statement_from_mail(st, pm);
	fields_extract(st, pm, dir);
	reply_note(st, pm, c);
	/* Documents move once the fields are read from them: their text can be large. */
	while (pm->documents->len)
		g_ptr_array_add(st->documents, g_ptr_array_steal_index(pm->documents, 0));
	mime_doc_apply(st, pm);
	g_autofree char *day = today();
	validate_statement(st, dir, s, day);
	if (pm->auto_generated) {   /* kept, never notified, whatever its fields say */
		g_free(st->state);
		st->state = g_strdup("ignored");
	} else if (!st->state || !strcmp(st->state, "received")) {
		g_free(st->state);
		st->state = g_strdup(statement_has_errors(st) ? "rejected" : "posted");
	}
	notify_note_held(c, dir, st);   /* warnings only: the state stays */
	g_autoptr(GArray) twins = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_msg_twins(s, id, twins, error) < 0) {
		parsed_mail_free(pm);
		statement_free(st);
		return NULL;
	}
	if (twins->len > 0) {
		GString *l = g_string_new(NULL);
		for (guint i = 0; i < twins->len; i++)
			g_string_append_printf(l, "%s%" G_GINT64_FORMAT, i ? ", " : "",
			    g_array_index(twins, gint64, i));
		statement_problem(st, "possible_duplicate", SEV_WARNING, "",
		    "Same Message-ID and body as message %s, but from another sender (From or "
		    "envelope): one of them may be forged; compare them before acting.", l->str);
		g_string_free(l, TRUE);
	}
	char *detail = g_strdup_printf("leaf_parts=%d body=%d attachments=%u skipped=%d%s",
	    pm->leaf_parts, pm->body_parts, pm->attachments->len, pm->skipped_parts,
	    pm->forwarded_by ? " forwarded=1" : "");
	parsed_mail_free(pm);
	return parsed_new(s, c, dir, st, detail, t0, error);
}

int
pipeline_process(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, const char *actor, GError **error)
{
	struct pipeline_parsed *p = pipeline_parse(s, c, dir, id, error);
	if (!p)
		return -1;
	int rc = pipeline_save(s, c, &p, 1, FALSE, actor, error);
	pipeline_parsed_free(p);
	return rc;
}

int
pipeline_fail(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, const char *actor, const char *why, GError **error)
{
	struct statement *st = statement_new();
	st->id = id;
	st->state = g_strdup("rejected");
	st->body = g_strdup("");
	statement_problem(st, "parse_failed", SEV_ERROR, "", "The message could not be read "
	    "(%s); it is kept as received for the secretariat.", why);
	char *detail = g_strdup_printf("parse_failed: %s", why);
	struct pipeline_parsed *p = parsed_new(s, c, dir, st, detail, g_get_monotonic_time(), error);
	if (!p)
		return -1;
	/* not pipeline_save: its log line says "parsed" */
	int rc = -1;
	if (store_begin(s, error) == 0) {
		if (save_one(s, c, p, FALSE, actor, error) < 0)
			store_rollback(s);
		else
			rc = store_commit(s, error);
	}
	if (rc == 0)
		log_warning("event=parse_failed id=%" G_GINT64_FORMAT " reason=%s", id, log_quote(why));
	pipeline_parsed_free(p);
	return rc;
}
