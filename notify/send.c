/* send.c - the sender thread: delivers due outbox mail with libcurl, one SMTP transaction per recipient.
 *
 * Why one transaction per recipient: libcurl 7.88 reports a transfer as a
 * whole. With several RCPTs and CURLOPT_MAIL_RCPT_ALLLOWFAILS a 550 for one
 * recipient still ends in CURLE_OK, and without it one 550 fails everyone;
 * either way we would not know which recipient the server took. With one RCPT
 * per transaction the final 250 after DATA belongs to exactly one recipient,
 * so we can commit "sent" for it at once and never send it again
 * (at-most-once after the 250), while a 5xx or 4xx concerns only that one.
 * The cost is one DATA per recipient over a reused connection: notifications
 * have a handful of recipients. */
#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "conf/log.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define DUE_BATCH   32        /* mails per database read */
#define POLL_SECS   2         /* liaisonctl queues mail too (remind, resend, retry) */
#define DELAY_MAX   3600      /* the longest wait between two attempts */

/* The sender of this process, for notify_kick (the parse stage has no handle). */
G_LOCK_DEFINE_STATIC(running);
static struct notify_sender *running;

struct notify_sender {
	const struct conf *c;
	struct store *s;
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean kicked, stop, reload;
	gint stopping;
	struct directory *dir;    /* names the groups of routing mail; NULL: as written */            /* atomic copy of stop, read by curl's progress callback */
	CURL *curl;
	char *url, *password, *envelope;
};

/* One SMTP exchange: what the server said last, and to which command. */
struct exchange {
	GString *lines;           /* the reply being read (multi-line replies) */
	char *reply;              /* the last complete reply to a command but QUIT */
	int code;                 /* its code */
	char reply_verb[12];      /* the command it answered */
	char verb[12];            /* our last command: MAIL, RCPT, DATA, EHLO, AUTH, ... */
	const char *data;
	gsize len, pos;
};

static size_t
read_body(char *buf, size_t size, size_t n, void *arg)
{
	struct exchange *x = arg;
	size_t want = size * n, left = x->len - x->pos;
	if (want > left)
		want = left;
	memcpy(buf, x->data + x->pos, want);
	x->pos += want;
	return want;
}

/* on_debug - read the protocol: the server's replies (to report them word
 * for word) and the verb of our last command (to know what a reply answers).
 * Our own command lines are never kept: AUTH carries the password. */
static int
on_debug(CURL *h, curl_infotype type, char *text, size_t len, void *arg)
{
	struct exchange *x = arg;
	if (type == CURLINFO_HEADER_OUT) {
		size_t i = 0;
		while (i < len && i + 1 < sizeof x->verb && g_ascii_isalpha(text[i])) {
			x->verb[i] = g_ascii_toupper(text[i]);
			i++;
		}
		x->verb[i] = '\0';
	} else if (type == CURLINFO_HEADER_IN) {
		g_autofree char *line = g_strndup(text, len);
		g_strchomp(line);
		g_autofree char *clean = notify_clean(line, 500);
		if (x->lines->len)
			g_string_append(x->lines, " / ");
		g_string_append(x->lines, clean);
		/* "250 ok" ends a reply, "250-..." continues it. The 221 to the QUIT
		 * that curl sends after a refusal must not hide the refusal. */
		if (len < 4 || text[3] != '-') {
			if (strcmp(x->verb, "QUIT") != 0) {
				g_free(x->reply);
				x->reply = g_string_free(x->lines, FALSE);
				x->code = len >= 3 && g_ascii_isdigit(text[0]) ? atoi(text) : 0;
				memcpy(x->reply_verb, x->verb, sizeof x->reply_verb);
			} else {
				g_string_free(x->lines, TRUE);
			}
			x->lines = g_string_new(NULL);
		}
	}
	return 0;
}

/* on_progress - abort the transfer in hand when liaisond stops, so that a
 * hanging server cannot hold up shutdown for smtp_timeout. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct notify_sender *ns = arg;
	return g_atomic_int_get(&ns->stopping) ? 1 : 0;
}

enum outcome { SENT, PERMANENT, TRANSIENT_RCPT, TRANSIENT_CONN };

/* smtp_send - one transaction: MAIL FROM, one RCPT TO, DATA. *WHY gets the
 * server's reply or curl's reason when it was not sent. */
static enum outcome
smtp_send(struct notify_sender *ns, const struct outbox_mail *m, GBytes *raw, const char *rcpt,
    char **why)
{
	struct exchange x = { .lines = g_string_new(NULL) };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = ns->curl;
	gsize len;
	x.data = g_bytes_get_data(raw, &len);
	x.len = len;
	g_autofree char *from = g_strdup_printf("<%s>", m->envelope_from);
	g_autofree char *to = g_strdup_printf("<%s>", rcpt);
	struct curl_slist *list = curl_slist_append(NULL, to);

	curl_easy_setopt(h, CURLOPT_URL, ns->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, &x);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode res = curl_easy_perform(h);
	long code = x.code;
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(list);

	enum outcome out;
	gboolean per_tx = strcmp(x.reply_verb, "MAIL") == 0 || strcmp(x.reply_verb, "RCPT") == 0 ||
	    strcmp(x.reply_verb, "DATA") == 0;
	if (res == CURLE_OK)
		out = SENT;
	else if (code >= 500 && code < 600 && per_tx)
		out = PERMANENT;
	else if (code >= 400 && code < 500 && code != 421 && per_tx)
		out = TRANSIENT_RCPT;
	else
		out = TRANSIENT_CONN;    /* no reply, 421, timeout, TLS or AUTH trouble */
	if (out != SENT)
		*why = code >= 400 && x.reply ? g_strdup(x.reply) :
		    g_strdup_printf("%s%s%s", curl_easy_strerror(res), *errbuf ? ": " : "", errbuf);
	g_free(x.reply);
	g_string_free(x.lines, TRUE);
	return out;
}

/* delay_for - exponential backoff after the Nth attempt, from
 * [notify] retry_initial, capped at DELAY_MAX. */
static int
delay_for(const struct conf *c, int attempts)
{
	gint64 d = c->retry_initial > 0 ? c->retry_initial : 60;
	for (int i = 1; i < attempts && d < DELAY_MAX; i++)
		d *= 2;
	return (int)MIN(d, DELAY_MAX);
}

static char *
iso_in(int seconds)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) t = g_date_time_add_seconds(now, seconds);
	return g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
}

/* record_sent - a recipient's outcome, a database write the sender cannot skip: a busy database is
 * waited for (the store's busy timeout) a few times before giving up. */
static int
record_sent(struct notify_sender *ns, gint64 id, int position, gboolean failed, const char *why)
{
	for (int i = 0; i < 5; i++) {
		g_autoptr(GError) e = NULL;
		int rc = failed ? store_outbox_rcpt_failed(ns->s, id, position, why, &e) :
		    store_outbox_rcpt_sent(ns->s, id, position, &e);
		if (rc == 0)
			return 0;
		log_error("event=notify_record_failed id=%" G_GINT64_FORMAT " reason=%s", id,
		    log_quote(e->message));
	}
	return -1;
}

/* queue_failure_notice - tell the secretariat, once per mail, which
 * recipients could not be reached. Never about a secretariat mail: no loops. */
static int
queue_failure_notice(struct notify_sender *ns, gint64 id, GError **error)
{
	struct outbox_mail *m = store_outbox_get(ns->s, id, error);
	if (!m)
		return -1;
	int rc = 0;
	if (strcmp(m->kind, "secretariat") != 0) {
		struct notify_rcpts r;
		struct notify_text t = { 0 };
		notify_rcpts_init(&r);
		notify_rcpts_secretariat(ns->c, &r);
		rc = notify_text_undelivered(ns->c, m, &t, error) < 0 ||
		    notify_queue_mail(ns->s, ns->c, m->statement, "secretariat", t.subject, t.body, &r,
		    NULL, NULL, error) < 0 ? -1 : 0;
		notify_rcpts_clear(&r);
		notify_text_clear(&t);
	}
	outbox_mail_free(m);
	return rc;
}

/* deliver - one attempt at every recipient of M still queued. */
static void
deliver(struct notify_sender *ns, const struct outbox_mail *m)
{
	g_autofree char *now = store_now();
	gboolean expired = g_strcmp0(now, m->expires_at) >= 0;
	g_autofree char *attempt_error = NULL;
	gboolean conn_down = FALSE;
	int sent = 0, failed = 0;
	gint64 t0 = g_get_monotonic_time();
	g_autoptr(GError) ce = NULL;
	/* Composed now, from the row (schema 0008); a failure ([notify] from
	 * broken by a reload) is this attempt's error: nothing is sent, the mail
	 * stays queued and is tried again. */
	GBytes *raw = notify_compose_queued(ns->s, ns->c, ns->dir, m, &ce);
	if (!raw) {
		attempt_error = g_strdup_printf("cannot compose: %s", ce->message);
		conn_down = TRUE;
	}

	for (guint i = 0; i < m->rcpts->len && !conn_down; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		g_autofree char *why = NULL;
		if (strcmp(r->state, "queued") != 0)
			continue;
		if (!addr_is_valid(r->address)) {
			record_sent(ns, m->id, r->position, TRUE, "invalid address, not sent");
			failed++;
			continue;
		}
		switch (smtp_send(ns, m, raw, r->address, &why)) {
		case SENT:
			record_sent(ns, m->id, r->position, FALSE, NULL);
			sent++;
			break;
		case PERMANENT:
			record_sent(ns, m->id, r->position, TRUE, why);
			failed++;
			break;
		case TRANSIENT_CONN:
			conn_down = TRUE;
			/* fall through */
		case TRANSIENT_RCPT:
			g_free(attempt_error);
			attempt_error = g_steal_pointer(&why);
			break;
		}
	}
	if (raw)
		g_bytes_unref(raw);
	/* The lifetime is over: what is still queued has failed for good. */
	if (attempt_error && expired) {
		g_autofree char *gave_up = g_strdup_printf("gave up after %d attempts: %s",
		    m->attempts + 1, attempt_error);
		for (guint i = 0; i < m->rcpts->len; i++) {
			const struct outbox_rcpt *r = m->rcpts->pdata[i];
			if (strcmp(r->state, "queued") == 0)
				record_sent(ns, m->id, r->position, TRUE, gave_up);
		}
	}
	/* Next try: backoff, but one last try at the end of the lifetime. */
	g_autofree char *next = iso_in(delay_for(ns->c, m->attempts + 1));
	if (g_strcmp0(next, m->expires_at) > 0)
		g_free(next), next = g_strdup(m->expires_at);
	g_autoptr(GError) e = NULL;
	const char *state = NULL;
	if (store_begin(ns->s, &e) < 0 ||
	    store_outbox_attempt_done(ns->s, m->id, attempt_error, next, &state, &e) < 0 ||
	    (strcmp(state, "failed") == 0 && queue_failure_notice(ns, m->id, &e) < 0) ||
	    store_commit(ns->s, &e) < 0) {
		store_rollback(ns->s);
		log_error("event=notify_update_failed id=%" G_GINT64_FORMAT " reason=%s", m->id,
		    log_quote(e ? e->message : "?"));
		return;
	}
	log_info("event=notify_attempt id=%" G_GINT64_FORMAT " kind=%s sent=%d failed=%d state=%s"
	    " ms=%" G_GINT64_FORMAT "%s%s", m->id, m->kind, sent, failed, state,
	    (g_get_monotonic_time() - t0) / 1000, attempt_error ? " error=" : "",
	    attempt_error ? log_quote_redacted(attempt_error) : "");
}

/* deliver_due - every mail due now; returns how many were tried. */
static int
deliver_due(struct notify_sender *ns)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *now = store_now();
	GPtrArray *due = store_outbox_due(ns->s, now, DUE_BATCH, &e);
	if (!due) {
		log_error("event=notify_due_failed reason=%s", log_quote(e->message));
		return 0;
	}
	int n = (int)due->len;
	/* The parse worker commits outbox rows without an fsync (store_sync.c):
	 * make them durable before any of them leaves as mail, so a power
	 * failure cannot undo a statement whose mail was already sent. */
	if (n > 0 && store_wal_sync(ns->s, &e) < 0) {
		log_error("event=notify_sync_failed reason=%s", log_quote(e->message));
		g_ptr_array_unref(due);
		return 0;
	}
	for (guint i = 0; i < due->len; i++) {
		g_mutex_lock(&ns->lock);
		gboolean stop = ns->stop;
		g_mutex_unlock(&ns->lock);
		if (stop)
			break;
		deliver(ns, due->pdata[i]);
	}
	g_ptr_array_unref(due);
	return n;
}

/* load_directory - the group directory, for the names in routing mail
 * (checked at start-up already; a file broken since keeps the old one). */
static void
load_directory(struct notify_sender *ns)
{
	if (!*ns->c->directory_file)
		return;
	GError *e = NULL;
	struct directory *d = directory_load(ns->c->directory_file, NULL, &e);
	if (!d) {
		log_error("event=notify_directory_failed action=kept_old reason=%s", log_quote(e->message));
		g_error_free(e);
		return;
	}
	directory_free(ns->dir);
	ns->dir = d;
}

static gpointer
sender_main(gpointer arg)
{
	struct notify_sender *ns = arg;
	int busy = 0;
	for (;;) {
		int n = *ns->c->smtp_url ? deliver_due(ns) : 0;
		/* After a pass that did something, look again at once (it may have
		 * queued a notice for the secretariat), but not forever: a mail
		 * whose state cannot be written would otherwise spin. */
		busy = n > 0 ? busy + 1 : 0;
		g_mutex_lock(&ns->lock);
		gint64 until = g_get_monotonic_time() + POLL_SECS * G_TIME_SPAN_SECOND;
		while (!ns->stop && !ns->kicked && (n == 0 || busy > 10))
			if (!g_cond_wait_until(&ns->cond, &ns->lock, until))
				break;
		gboolean stop = ns->stop, reload = ns->reload;
		ns->kicked = ns->reload = FALSE;
		g_mutex_unlock(&ns->lock);
		if (stop)
			break;
		if (reload)
			load_directory(ns);
		if (busy > 10)
			busy = 0;
	}
	return NULL;
}

/* smtp_url_for - [notify] tls = tls means TLS from the first byte: smtps://. */
static char *
smtp_url_for(const struct conf *c)
{
	if (c->tls == CONF_TLS_TLS && g_str_has_prefix(c->smtp_url, "smtp://"))
		return g_strconcat("smtps://", c->smtp_url + 7, NULL);
	return g_strdup(c->smtp_url);
}

/* setup_curl - the options that stay the same for every transaction. */
static int
setup_curl(struct notify_sender *ns, GError **error)
{
	const struct conf *c = ns->c;
	ns->curl = curl_easy_init();
	if (!ns->curl) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CURL, "curl_easy_init failed");
		return -1;
	}
	CURL *h = ns->curl;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, ns);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MIN(c->smtp_timeout, 30));
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(c->tls == CONF_TLS_NONE ? CURLUSESSL_NONE :
	    CURLUSESSL_ALL));
	/* The server's certificate is always verified (curl's default, kept):
	 * against the system's CAs, or those of [notify] ca_file (a private CA). */
	if (c->ca_file && *c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->smtp_user && *c->smtp_user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
		if (c->smtp_password_file && *c->smtp_password_file) {
			g_autoptr(GError) e = NULL;
			if (!g_file_get_contents(c->smtp_password_file, &ns->password, NULL, &e)) {
				g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CONFIG,
				    "[notify] smtp_password_file: %s", e->message);
				return -1;
			}
			g_strchomp(ns->password);
			curl_easy_setopt(h, CURLOPT_PASSWORD, ns->password);
		}
	}
	return 0;
}

struct notify_sender *
notify_sender_start(const struct conf *c, GError **error)
{
	static gsize once = 0;
	if (g_once_init_enter(&once)) {
		curl_global_init(CURL_GLOBAL_DEFAULT);   /* not thread-safe: before any thread */
		g_once_init_leave(&once, 1);
	}
	struct notify_sender *ns = g_new0(struct notify_sender, 1);
	ns->c = c;
	g_mutex_init(&ns->lock);
	g_cond_init(&ns->cond);
	ns->url = smtp_url_for(c);
	ns->envelope = notify_envelope_from(c);
	if (!ns->envelope) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CONFIG,
		    "[notify] from is not a valid address");
		goto fail;
	}
	if (setup_curl(ns, error) < 0)
		goto fail;
	ns->s = store_open(c->state_dir, error);
	if (!ns->s)
		goto fail;
	load_directory(ns);
	if (!*c->smtp_url)
		log_info("event=notify_hold reason=\"smtp_url is empty: mail stays in the outbox\"");
	ns->thread = g_thread_try_new("notify", sender_main, ns, error);
	if (!ns->thread)
		goto fail;
	G_LOCK(running);
	running = ns;
	G_UNLOCK(running);
	return ns;
fail:
	notify_sender_stop(ns);
	return NULL;
}

void
notify_sender_kick(struct notify_sender *ns)
{
	if (!ns)
		return;
	g_mutex_lock(&ns->lock);
	ns->kicked = TRUE;
	g_cond_signal(&ns->cond);
	g_mutex_unlock(&ns->lock);
}

void
notify_sender_reload(struct notify_sender *ns)
{
	if (!ns)
		return;
	g_mutex_lock(&ns->lock);
	ns->reload = TRUE;
	g_cond_signal(&ns->cond);
	g_mutex_unlock(&ns->lock);
}

void
notify_kick(void)
{
	G_LOCK(running);
	notify_sender_kick(running);
	G_UNLOCK(running);
}

void
notify_sender_stop(struct notify_sender *ns)
{
	if (!ns)
		return;
	G_LOCK(running);
	if (running == ns)
		running = NULL;
	G_UNLOCK(running);
	if (ns->thread) {
		g_mutex_lock(&ns->lock);
		ns->stop = TRUE;
		g_atomic_int_set(&ns->stopping, 1);
		g_cond_signal(&ns->cond);
		g_mutex_unlock(&ns->lock);
		g_thread_join(ns->thread);
	}
	if (ns->curl) {
		/* The cleanup says QUIT on the cached connection and waits for the
		 * reply (its server response timeout): a stuck server must not hold
		 * up shutdown, so the connection is shut down under curl first. */
		curl_socket_t fd = CURL_SOCKET_BAD;
		if (curl_easy_getinfo(ns->curl, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
		    fd != CURL_SOCKET_BAD)
			shutdown(fd, SHUT_RDWR);
		curl_easy_cleanup(ns->curl);
	}
	store_close(ns->s);
	directory_free(ns->dir);
	if (ns->password) {
		memset(ns->password, 0, strlen(ns->password));
		g_free(ns->password);
	}
	g_free(ns->url);
	g_free(ns->envelope);
	g_mutex_clear(&ns->lock);
	g_cond_clear(&ns->cond);
	g_free(ns);
}
