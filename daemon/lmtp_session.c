/* lmtp_session.c - the LMTP session: state machine, commands, replies, DATA. */
#include "daemon/lmtp_session.h"
#include "daemon/lmtp_cmd.h"
#include "daemon/lmtp_data.h"
#include "conf/log.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Enhanced status codes (RFC 3463) used in replies. */
static const char ENH_OK[] = "2.0.0";
static const char ENH_SENDER_OK[] = "2.1.0";
static const char ENH_RCPT_OK[] = "2.1.5";
static const char ENH_VRFY[] = "2.5.0";
static const char ENH_BAD_RCPT[] = "5.1.1";
static const char ENH_TOO_BIG[] = "5.3.4";
static const char ENH_TEMP[] = "4.3.0";
static const char ENH_SHUTDOWN[] = "4.3.2";
static const char ENH_TIMEOUT[] = "4.4.2";
static const char ENH_TOO_MANY_RCPT[] = "4.5.3";
static const char ENH_SEQUENCE[] = "5.5.1";
static const char ENH_SYNTAX[] = "5.5.2";
static const char ENH_PARAM[] = "5.5.4";
static const char ENH_BARE_EOL[] = "5.6.0";
static const char ENH_UTF8[] = "5.6.7";
static const char ENH_ERRORS[] = "4.7.0";

enum lmtp_state { ST_GREET, ST_READY, ST_MAIL, ST_RCPT, ST_DATA, ST_CLOSED, ST_COUNT };
static const char *const state_names[ST_COUNT] = {
	"greet", "ready", "mail", "rcpt", "data", "closed",
};
#define IN(s) (1u << (s))
#define ANY_CMD (IN(ST_GREET) | IN(ST_READY) | IN(ST_MAIL) | IN(ST_RCPT))

/* An accepted recipient. */
struct lmtp_rcpt {
	char *address;
};

/* A mail transaction: MAIL .. the replies after DATA (or RSET). */
struct lmtp_tx {
	char *from;
	gboolean smtputf8;
	GPtrArray *rcpts;          /* struct lmtp_rcpt *, accepted, RCPT order */
	int rejected;              /* RCPTs answered 550, counted against max_recipients */
};

struct lmtp_conn {
	const struct lmtp_ctx *ctx;
	const struct conf *conf;
	int fd;
	char *client;
	char id[16];
	enum lmtp_state state;
	struct lmtp_tx *tx;
	char *rbuf;                /* input, pipelined commands wait here in order */
	size_t rsize, rpos, rlen;
	gboolean discarding;       /* skipping the rest of an over-long command line */
	gint64 deadline;           /* monotonic time the current command must be in by */
	GString *wbuf;             /* replies not yet sent */
	int bad;                   /* protocol errors so far */
	int errors;                /* 4xx/5xx replies so far (for the log) */
	int messages;
	gboolean hangup;
	const char *reason;        /* why the session ended, for the log */
};

/* Outcome classes of a message after DATA, mapped to replies in outcome_reply. */
enum lmtp_outcome { OUT_STORED, OUT_DUPLICATE, OUT_TOO_BIG, OUT_BARE_EOL, OUT_TEMP };

static struct lmtp_rcpt *
lmtp_rcpt_new(const char *address)
{
	struct lmtp_rcpt *r = g_new0(struct lmtp_rcpt, 1);
	r->address = g_strdup(address);
	return r;
}

static void
lmtp_rcpt_free(gpointer p)
{
	struct lmtp_rcpt *r = p;
	g_free(r->address);
	g_free(r);
}

static struct lmtp_tx *
lmtp_tx_new(const char *from, gboolean smtputf8)
{
	struct lmtp_tx *tx = g_new0(struct lmtp_tx, 1);
	tx->from = g_strdup(from);
	tx->smtputf8 = smtputf8;
	tx->rcpts = g_ptr_array_new_with_free_func(lmtp_rcpt_free);
	return tx;
}

static void
lmtp_tx_free(struct lmtp_tx **tx)
{
	if (!*tx)
		return;
	g_free((*tx)->from);
	g_ptr_array_unref((*tx)->rcpts);
	g_free(*tx);
	*tx = NULL;
}

static struct lmtp_conn *
lmtp_conn_new(const struct lmtp_ctx *ctx, int fd, const char *client)
{
	static gint counter;
	struct lmtp_conn *c = g_new0(struct lmtp_conn, 1);
	c->ctx = ctx;
	c->conf = ctx->conf;
	c->fd = fd;
	c->client = g_strdup(client);
	g_snprintf(c->id, sizeof(c->id), "%08x%04x", g_random_int(),
	    (unsigned)g_atomic_int_add(&counter, 1) & 0xffff);
	/* Room for the longest command line allowed, and big DATA reads. */
	c->rsize = MAX((size_t)65536, (size_t)c->conf->max_line_length + 2);
	c->rbuf = g_malloc(c->rsize);
	c->wbuf = g_string_sized_new(512);
	c->state = ST_GREET;
	return c;
}

static void
lmtp_conn_free(struct lmtp_conn *c)
{
	lmtp_tx_free(&c->tx);
	close(c->fd);
	g_free(c->client);
	g_free(c->rbuf);
	g_string_free(c->wbuf, TRUE);
	g_free(c);
}

/* is_bad - replies that count as a client's protocol error (Postfix's
 * smtpd_hard_error_limit idea): enough of them and we hang up. */
static gboolean
is_bad(int code)
{
	return code == 500 || code == 501 || code == 503 || code == 555;
}

/* Error replies logged at info level per session; past this a client that
 * floods us (100,000 RCPTs) would flood the journal, so the rest go to debug. */
#define LOGGED_ERRORS 100

/* reply - THE reply function: format (one line per '\n' in the text, RFC 5321
 * 4.2.1 multi-line), log, count protocol errors, and hang up after a 421.
 * ENH NULL: no enhanced code (greeting, LHLO lines). Formats on the stack:
 * a flood of commands must not mean a flood of allocations. */
static void
reply(struct lmtp_conn *c, int code, const char *enh, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
reply(struct lmtp_conn *c, int code, const char *enh, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	g_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (char *line = text; line; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		g_string_append_printf(c->wbuf, "%d%c%s%s%s\r\n", code, nl ? '-' : ' ',
		    enh ? enh : "", enh ? " " : "", line);
		line = nl ? nl + 1 : NULL;
	}
	/* Addresses only at debug level (docs/design.md): replies about a
	 * recipient start with "<address> ", which the info line leaves out. */
	const char *brief = text;
	if (brief[0] == '<' && strchr(brief, '>'))
		brief = strchr(brief, '>') + 1 + (strchr(brief, '>')[1] == ' ');
	if (code >= 400 && ++c->errors <= LOGGED_ERRORS)
		log_info("event=lmtp_reply session=%s state=%s code=%d enh=%s text=%s%s", c->id,
		    state_names[c->state], code, enh ? enh : "-", log_quote(brief),
		    c->errors == LOGGED_ERRORS ? " more=debug" : "");
	else
		log_debug("event=lmtp_reply session=%s code=%d text=%s", c->id, code,
		    log_quote(text));
	if (code == 421) {
		c->hangup = TRUE;
		return;
	}
	if (is_bad(code) && ++c->bad >= c->conf->max_bad_commands) {
		c->reason = "errors";
		reply(c, 421, ENH_ERRORS, "too many errors, closing connection");
	}
}

/* flush - send the replies gathered; the socket has a send timeout, so a
 * client that does not read cannot hold the thread forever. */
static int
flush(struct lmtp_conn *c)
{
	size_t off = 0;
	while (off < c->wbuf->len) {
		ssize_t w = send(c->fd, c->wbuf->str + off, c->wbuf->len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->hangup = TRUE;
			c->reason = "write_failed";
			g_string_truncate(c->wbuf, 0);
			return -1;
		}
		off += (size_t)w;
	}
	g_string_truncate(c->wbuf, 0);
	return 0;
}

static gint64
idle_span(const struct lmtp_conn *c)
{
	return (gint64)c->conf->idle_timeout * G_TIME_SPAN_SECOND;
}

enum fill_result { FILL_OK, FILL_EOF, FILL_TIMEOUT, FILL_DRAIN };

/* fill - read more input, waiting at most until c->deadline. Called only
 * when what is buffered holds no complete command, so replies to pipelined
 * commands go out in one write, in order, just before we would wait.
 * WATCH_DRAIN: between transactions a stopping daemon may interrupt the
 * wait; inside one it may not. */
static enum fill_result
fill(struct lmtp_conn *c, gboolean watch_drain)
{
	if (flush(c) < 0)
		return FILL_EOF;
	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = c->ctx->drain_fd, .events = POLLIN },
	};
	for (;;) {
		gint64 left = c->deadline - g_get_monotonic_time();
		if (left <= 0)
			return FILL_TIMEOUT;
		int n = poll(p, watch_drain ? 2 : 1, (int)((left + 999) / 1000));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return FILL_TIMEOUT;
		if (n < 0)
			return FILL_EOF;
		if (watch_drain && (p[1].revents & POLLIN))
			return FILL_DRAIN;
		break;
	}
	ssize_t r;
	do
		r = recv(c->fd, c->rbuf + c->rlen, c->rsize - c->rlen, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return FILL_EOF;
	c->rlen += (size_t)r;
	return FILL_OK;
}

/* end_fill - a fill that did not bring bytes ends the session in one place. */
static void
end_fill(struct lmtp_conn *c, enum fill_result r)
{
	switch (r) {
	case FILL_TIMEOUT:
		c->reason = "timeout";
		reply(c, 421, ENH_TIMEOUT, "idle timeout, closing connection");
		break;
	case FILL_DRAIN:
		c->reason = "shutdown";
		reply(c, 421, ENH_SHUTDOWN, "shutting down, try again later");
		break;
	default:
		if (!c->reason)
			c->reason = "eof";
		c->hangup = TRUE;
		break;
	}
}

/* outcome_reply - the one place that turns a message's outcome into the
 * reply each accepted recipient gets. Our own faults are 4xx (Postfix
 * retries), never 5xx (it would bounce the statement). */
static void
outcome_reply(struct lmtp_conn *c, enum lmtp_outcome o, const char *rcpt, gint64 id)
{
	switch (o) {
	case OUT_STORED:
		reply(c, 250, ENH_OK, "<%s> stored as %" G_GINT64_FORMAT, rcpt, id);
		break;
	case OUT_DUPLICATE:
		reply(c, 250, ENH_OK, "<%s> already stored as %" G_GINT64_FORMAT, rcpt, id);
		break;
	case OUT_TOO_BIG:
		reply(c, 552, ENH_TOO_BIG, "<%s> message exceeds %" G_GINT64_FORMAT " bytes", rcpt,
		    c->conf->max_message_size);
		break;
	case OUT_BARE_EOL:
		reply(c, 550, ENH_BARE_EOL, "<%s> bare CR or LF in message (lines must end"
		    " with CRLF)", rcpt);
		break;
	case OUT_TEMP:
		reply(c, 451, ENH_TEMP, "<%s> temporary failure storing message, try again later",
		    rcpt);
		break;
	}
}

/* read_data - after the 354: stream the data into SP until the final dot.
 * Once the message is known to be refused (too big, bare CR/LF, write
 * error) the rest is read and dropped, so that the replies stay in step
 * with the client. FALSE when the connection ended first. */
static gboolean
read_data(struct lmtp_conn *c, struct store_spool *sp, enum lmtp_outcome *out)
{
	struct lmtp_data d;
	GError *error = NULL;
	g_autofree char *buf = g_malloc(c->rsize + 2);
	gboolean too_big = FALSE, failed = FALSE;

	lmtp_data_init(&d);
	while (!d.done) {
		if (c->rpos == c->rlen) {
			/* DATA may be long: the idle timeout applies to each read. */
			c->deadline = g_get_monotonic_time() + idle_span(c);
			enum fill_result r = fill(c, FALSE);
			if (r != FILL_OK) {
				end_fill(c, r);
				return FALSE;
			}
		}
		size_t n;
		c->rpos += lmtp_data_feed(&d, c->rbuf + c->rpos, c->rlen - c->rpos, buf, &n);
		if (too_big || failed || d.bare_eol || n == 0)
			continue;
		if (store_spool_size(sp) + (gint64)n > c->conf->max_message_size) {
			too_big = TRUE;
		} else if (store_spool_write(sp, buf, n, &error) < 0) {
			log_error("event=spool_failed session=%s reason=%s", c->id,
			    log_quote(error->message));
			g_clear_error(&error);
			failed = TRUE;
		}
	}
	/* The fsync of the message itself happens here, on this session's
	 * thread, in parallel with other sessions; the group commit then only
	 * syncs the folder, once for its batch, and commits. */
	if (!too_big && !d.bare_eol && !failed && store_spool_sync(sp, &error) < 0) {
		log_error("event=spool_failed session=%s reason=%s", c->id, log_quote(error->message));
		g_clear_error(&error);
		failed = TRUE;
	}
	*out = too_big ? OUT_TOO_BIG : d.bare_eol ? OUT_BARE_EOL : failed ? OUT_TEMP : OUT_STORED;
	return TRUE;
}

/* deliver - commit the spooled message (group commit) and answer every
 * accepted recipient, in RCPT order (RFC 2033 4.2). */
static void
deliver(struct lmtp_conn *c, struct store_spool *sp, enum lmtp_outcome o)
{
	struct lmtp_tx *tx = c->tx;
	struct store_msg_result res = { 0 };
	gint64 t0 = g_get_monotonic_time();
	if (o == OUT_STORED) {
		g_autofree const char **rcpts = g_new0(const char *, tx->rcpts->len + 1);
		for (guint i = 0; i < tx->rcpts->len; i++)
			rcpts[i] = ((struct lmtp_rcpt *)g_ptr_array_index(tx->rcpts, i))->address;
		struct store_envelope env = { tx->from, rcpts, c->client, c->id };
		commit_submit(c->ctx->commit, sp, &env, &res);
		if (res.error)
			o = OUT_TEMP;
		else if (res.duplicate)
			o = OUT_DUPLICATE;
	}
	static const char *const names[] = { "stored", "duplicate", "too_big", "bare_eol", "temp" };
	log_info("event=lmtp_message session=%s id=%" G_GINT64_FORMAT " size=%" G_GINT64_FORMAT
	    " recipients=%u outcome=%s commit_ms=%" G_GINT64_FORMAT "%s%s", c->id, res.id,
	    store_spool_size(sp), tx->rcpts->len, names[o], (g_get_monotonic_time() - t0) / 1000,
	    res.error ? " reason=" : "", res.error ? log_quote(res.error->message) : "");
	g_clear_error(&res.error);
	for (guint i = 0; i < tx->rcpts->len; i++)
		outcome_reply(c, o, ((struct lmtp_rcpt *)g_ptr_array_index(tx->rcpts, i))->address,
		    res.id);
	c->messages++;
}

static void
do_lhlo(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	lmtp_tx_free(&c->tx);
	c->state = ST_READY;
	reply(c, 250, NULL, "%s\nPIPELINING\nENHANCEDSTATUSCODES\n8BITMIME\nSIZE %" G_GINT64_FORMAT
	    "\nSMTPUTF8", g_get_host_name(), c->conf->max_message_size);
}

static void
do_helo(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	reply(c, 500, ENH_SEQUENCE, "this is LMTP: use LHLO");
}

static void
do_mail(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	if (cmd->size > c->conf->max_message_size) {
		reply(c, 552, ENH_TOO_BIG, "message size exceeds %" G_GINT64_FORMAT " bytes",
		    c->conf->max_message_size);
		return;
	}
	if (cmd->path_8bit && !cmd->smtputf8) {
		reply(c, 553, ENH_UTF8, "non-ASCII address needs SMTPUTF8");
		return;
	}
	c->tx = lmtp_tx_new(cmd->path, cmd->smtputf8);
	c->state = ST_MAIL;
	reply(c, 250, ENH_SENDER_OK, "sender ok");
}

static void
do_rcpt(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	struct lmtp_tx *tx = c->tx;
	if ((int)tx->rcpts->len + tx->rejected >= c->conf->max_recipients) {
		reply(c, 452, ENH_TOO_MANY_RCPT, "too many recipients");
		return;
	}
	if (cmd->path_8bit && !tx->smtputf8) {
		tx->rejected++;
		reply(c, 553, ENH_UTF8, "non-ASCII address needs SMTPUTF8");
		return;
	}
	if (!conf_is_statements_address(c->conf, cmd->path)) {
		tx->rejected++;
		reply(c, 550, ENH_BAD_RCPT, "<%s> no such recipient here", cmd->path);
		return;
	}
	g_ptr_array_add(tx->rcpts, lmtp_rcpt_new(cmd->path));
	c->state = ST_RCPT;
	reply(c, 250, ENH_RCPT_OK, "<%s> recipient ok", cmd->path);
}

static void
do_data(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	GError *error = NULL;
	enum lmtp_outcome o;
	if (c->state != ST_RCPT) {
		reply(c, 503, ENH_SEQUENCE, "no valid recipients");
		return;
	}
	struct store_spool *sp = store_spool_new(c->ctx->store, &error);
	if (!sp) {
		log_error("event=spool_failed session=%s reason=%s", c->id, log_quote(error->message));
		g_error_free(error);
		reply(c, 451, ENH_TEMP, "temporary failure, try again later");
		return;
	}
	c->state = ST_DATA;
	reply(c, 354, NULL, "send the message, end with <CRLF>.<CRLF>");
	if (read_data(c, sp, &o))
		deliver(c, sp, o);
	store_spool_free(sp);
	lmtp_tx_free(&c->tx);
	c->state = ST_READY;
}

static void
do_rset(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	lmtp_tx_free(&c->tx);
	if (c->state != ST_GREET)
		c->state = ST_READY;
	reply(c, 250, ENH_OK, "reset");
}

static void
do_noop(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	reply(c, 250, ENH_OK, "ok");
}

static void
do_quit(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	c->reason = "quit";
	reply(c, 221, ENH_OK, "bye");
	c->hangup = TRUE;
}

static void
do_vrfy(struct lmtp_conn *c, struct lmtp_cmd *cmd)
{
	reply(c, 252, ENH_VRFY, "cannot VRFY, but will accept the message and attempt delivery");
}

/* The command table: verb, states it is allowed in, handler. */
static const struct {
	enum lmtp_verb verb;
	unsigned states;
	void (*handler)(struct lmtp_conn *, struct lmtp_cmd *);
} commands[] = {
	{ LMTP_V_LHLO, ANY_CMD, do_lhlo },
	{ LMTP_V_HELO, ANY_CMD, do_helo },
	{ LMTP_V_EHLO, ANY_CMD, do_helo },
	{ LMTP_V_MAIL, IN(ST_READY), do_mail },
	{ LMTP_V_RCPT, IN(ST_MAIL) | IN(ST_RCPT), do_rcpt },
	{ LMTP_V_DATA, IN(ST_MAIL) | IN(ST_RCPT), do_data },
	{ LMTP_V_RSET, ANY_CMD, do_rset },
	{ LMTP_V_NOOP, ANY_CMD, do_noop },
	{ LMTP_V_QUIT, ANY_CMD, do_quit },
	{ LMTP_V_VRFY, ANY_CMD, do_vrfy },
};

/* sequence_error - why VERB is out of order in the current state. */
static const char *
sequence_error(struct lmtp_conn *c, enum lmtp_verb verb)
{
	if (c->state == ST_GREET)
		return "send LHLO first";
	if (verb == LMTP_V_MAIL)
		return "nested MAIL command";
	return "send MAIL first";
}

/* command - parse and run one command line (CR LF stripped). */
static void
command(struct lmtp_conn *c, const char *line, size_t len)
{
	struct lmtp_cmd cmd;
	const char *why;
	enum lmtp_parse r = lmtp_cmd_parse(line, len, &cmd, &why);
	log_debug("event=lmtp_command session=%s verb=%s", c->id, lmtp_cmd_verb_name(cmd.verb));
	if (r == LMTP_PARSE_UNKNOWN) {
		reply(c, 500, ENH_SYNTAX, "%s", why);
		goto out;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (commands[i].verb != cmd.verb)
			continue;
		if (!(commands[i].states & IN(c->state)))
			reply(c, 503, ENH_SEQUENCE, "%s", sequence_error(c, cmd.verb));
		else if (r == LMTP_PARSE_PARAM)
			reply(c, 555, ENH_PARAM, "%s", why);
		else if (r != LMTP_PARSE_OK)
			reply(c, 501, ENH_PARAM, "%s", why);
		else
			commands[i].handler(c, &cmd);
		break;
	}
out:
	lmtp_cmd_clear(&cmd);
}

/* next_line - the next complete command line in the buffer (CRLF or LF
 * removed), or FALSE when more input is needed. Over-long lines are
 * answered 500 (RFC 5321 4.5.3.1.4) and skipped up to their end. */
static gboolean
next_line(struct lmtp_conn *c, const char **line, size_t *len)
{
	size_t max = (size_t)c->conf->max_line_length;
	for (;;) {
		char *start = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos;
		char *nl = memchr(start, '\n', avail);
		if (!nl) {
			if (avail >= max || c->discarding) {
				c->discarding = TRUE;
				c->rpos = c->rlen;
			}
			return FALSE;
		}
		size_t n = (size_t)(nl - start) + 1;
		c->rpos += n;
		if (c->discarding || n > max) {
			c->discarding = FALSE;
			reply(c, 500, ENH_SYNTAX, "line too long (at most %zu octets)", max);
			if (c->hangup)
				return FALSE;
			continue;
		}
		n--;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		*line = start;
		*len = n;
		return TRUE;
	}
}

void
lmtp_session_run(const struct lmtp_ctx *ctx, int fd, const char *client)
{
	struct lmtp_conn *c = lmtp_conn_new(ctx, fd, client);
	gint64 started = g_get_monotonic_time();
	struct timeval tv = { .tv_sec = c->conf->idle_timeout };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	log_info("event=lmtp_connect session=%s client=%s", c->id, log_quote(client));
	reply(c, 220, NULL, "%s LMTP liaisond ready", g_get_host_name());
	c->deadline = g_get_monotonic_time() + idle_span(c);
	while (!c->hangup) {
		const char *line;
		size_t len;
		if (next_line(c, &line, &len)) {
			command(c, line, len);
			/* The next command must be complete within idle_timeout,
			 * however slowly it trickles in (slowloris). */
			c->deadline = g_get_monotonic_time() + idle_span(c);
			continue;
		}
		if (c->hangup)
			break;
		/* Between transactions a stopping daemon closes the connection;
		 * a transaction under way (MAIL given) is allowed to finish. */
		gboolean idle = c->state == ST_GREET || c->state == ST_READY;
		enum fill_result r = fill(c, idle);
		if (r != FILL_OK)
			end_fill(c, r);
	}
	flush(c);
	c->state = ST_CLOSED;
	log_info("event=lmtp_close session=%s messages=%d errors=%d reason=%s ms=%" G_GINT64_FORMAT,
	    c->id, c->messages, c->bad, c->reason ? c->reason : "?",
	    (g_get_monotonic_time() - started) / 1000);
	lmtp_conn_free(c);
}
