/* stage_parse.c - the parse stage: supervised worker processes, so that a
 * crash or a hang while parsing one message never stops the LMTP side.
 *
 * A thread of liaisond starts [parser] workers copies of `liaisond --worker
 * parse` (itself, from /proc/self/exe), each owning the messages whose id
 * modulo the count is its slot (so no two parse the same message and no
 * claim has to be written), talks to each over two pipes (commands in,
 * "start ID" / "done ID" out), kills one when its message takes longer than
 * parse_timeout, and restarts one that dies (bounded backoff, per slot).
 * A worker says which message it has in hand ("start ID"); when it dies or
 * is killed for its timeout with one in hand, this thread counts that
 * attempt in the database, so a message that keeps killing workers ends as
 * parse_failed after parse_attempts tries. */
#include "daemon/stage.h"
#include "conf/log.h"
#include "notify/notify.h"
#include "store/store_stmt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define BACKOFF_MAX_S 30
/* An idle worker is asked to answer ('p' -> "pong 0") this often; one that
 * has not answered within parse_timeout is stopped or wedged (SIGSTOP, a
 * hung checkpoint) and is killed and restarted, so that no slot's mail waits
 * longer than that (issue 14). */
#define HEARTBEAT_S 2
/* after a crash while saving a batch: messages the next worker saves one at
 * a time, so that the one at fault is found (a batch is at most 8) */
#define PARSE_SINGLE 8

static struct {
	GThread *thread;
	int cmd[2];               /* stage_kick/reload/stop -> the supervisor thread */
	char *exe, *config;
	int parse_timeout;        /* seconds */
	int drain;                /* seconds stop waits for the message in hand */
	int workers;              /* [parser] workers */
	int attempts;             /* [parser] parse_attempts */
	struct store *store;      /* to count the attempts a dead worker cannot */
	char *status_path;        /* state_dir/parse-workers: what `liaisonctl status` shows */
	int unresponsive;         /* workers killed for not answering, since start */
} sv = { .cmd = { -1, -1 } };

struct child {
	int slot;                 /* it parses the messages whose id % workers == slot */
	pid_t pid;
	int to, from;             /* its stdin (commands), its stdout (status) */
	GString *line;
	gint64 current, started;  /* message in hand and since when (monotonic us) */
	GArray *saving;           /* the batch being saved ("save ID ..."), gint64 */
	int single;               /* the next worker saves this many one at a time */
	gboolean killed;          /* we killed it (a timeout, or a stop that took too long) */
	gboolean stop_killed;     /* ... for the stop */
	int backoff;              /* seconds before the next restart after a crash */
	gint64 restart_at;        /* monotonic us */
	gint64 ping_at;           /* monotonic us: the unanswered 'p' went out, 0: none */
	gint64 heard_at;          /* monotonic us: its last line */
};

/* write_status - the supervisor's record for `liaisonctl status` (key value
 * lines, replaced atomically): how many workers did not answer, the last one. */
static void
write_status(int slot, pid_t pid)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *at = g_date_time_format_iso8601(now);
	g_autofree char *text = g_strdup_printf("unresponsive_restarts %d\nlast_unresponsive_at %s\n"
	    "last_unresponsive_slot %d\nlast_unresponsive_pid %d\n", sv.unresponsive, at, slot,
	    (int)pid);
	GError *e = NULL;
	if (sv.status_path && !g_file_set_contents_full(sv.status_path, text, -1,
	    G_FILE_SET_CONTENTS_CONSISTENT, 0640, &e)) {
		log_warning("event=parse_status_write_failed reason=%s", log_quote(e->message));
		g_error_free(e);
	}
}

/* spawn - start a worker with fresh pipes. */
static int
spawn(struct child *ch)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	/* liaisond blocks TERM/INT/HUP in every thread (it reads them from a
	 * signalfd); the worker starts with none blocked and default actions. */
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, deflt;
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGHUP);
	sigaddset(&deflt, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* The worker logs at the daemon's level (--log-level may override the config). */
	const char *level = log_enabled(LOG_DEBUG_) ? "debug" : log_enabled(LOG_INFO_) ? "info" :
	    log_enabled(LOG_WARNING_) ? "warning" : "error";
	char slot[16], slots[16], single[16];
	g_snprintf(slot, sizeof(slot), "%d", ch->slot);
	g_snprintf(slots, sizeof(slots), "%d", sv.workers);
	g_snprintf(single, sizeof(single), "%d", ch->single);
	char *argv[14] = { sv.exe, "--worker", "parse", "--log-level", (char *)level,
		"--slot", slot, "--slots", slots, "--single", single, NULL };
	if (sv.config) {
		argv[11] = "--config";
		argv[12] = sv.config;
	}
	pid_t pid;
	int rc = posix_spawn(&pid, sv.exe, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		close(in[1]);
		close(out[0]);
		errno = rc;
		return -1;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	ch->pid = pid;
	ch->to = in[1];
	ch->from = out[0];
	ch->current = 0;
	ch->killed = ch->stop_killed = FALSE;
	ch->ping_at = 0;
	ch->heard_at = g_get_monotonic_time();
	g_string_truncate(ch->line, 0);
	log_info("event=parse_worker_spawned pid=%d slot=%d single=%d", (int)pid, ch->slot,
	    ch->single);
	ch->single = 0;
	return 0;
}

/* count_failed - the worker died (or was killed for its timeout) with
 * message ID in hand: that attempt failed. Counted here, since the worker
 * cannot; after parse_attempts of them the worker saves it parse_failed. */
static void
count_failed(gint64 id)
{
	GError *e = NULL;
	int before = 0;
	if (!sv.store || store_stmt_attempt(sv.store, id, G_MAXINT, &before, &e) < 0) {
		log_error("event=parse_attempt_error id=%" G_GINT64_FORMAT " reason=%s", id,
		    log_quote(e ? e->message : "no database"));
		g_clear_error(&e);
		return;
	}
	log_info("event=parse_attempt_failed id=%" G_GINT64_FORMAT " attempts=%d", id, before + 1);
}

/* reap - the worker has gone (its status pipe closed): collect it. */
static void
reap(struct child *ch)
{
	int st = 0;
	if (ch->to >= 0)
		close(ch->to);
	close(ch->from);
	waitpid(ch->pid, &st, 0);
	if (WIFSIGNALED(st))
		log_warning("event=parse_worker_died pid=%d signal=%d message=%" G_GINT64_FORMAT,
		    (int)ch->pid, WTERMSIG(st), ch->current);
	else if (WEXITSTATUS(st) != 0)
		log_warning("event=parse_worker_exited pid=%d status=%d", (int)ch->pid, WEXITSTATUS(st));
	/* not when we stopped it at shutdown: that is no fault of the message */
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU && ch->current && !ch->stop_killed) {
		/* past [parser] parse_cpu_budget: it would do so again, so every
		 * attempt is charged now and the next worker saves parse_failed */
		log_warning("event=parse_cpu_budget id=%" G_GINT64_FORMAT " pid=%d", ch->current,
		    (int)ch->pid);
		for (int k = 0; k < sv.attempts; k++)
			count_failed(ch->current);
	} else if ((WIFSIGNALED(st) || WEXITSTATUS(st) != 0) && !ch->stop_killed) {
		if (ch->current)
			count_failed(ch->current);
		else if (ch->saving->len == 1)   /* its save alone crashed or hung */
			count_failed(g_array_index(ch->saving, gint64, 0));
		else if (ch->saving->len > 1)    /* one of them: the next worker finds which */
			ch->single = PARSE_SINGLE;
	}
	ch->pid = -1;
	ch->to = ch->from = -1;
	ch->current = 0;
	g_array_set_size(ch->saving, 0);
}

/* read_status - "start ID" / "done ID" lines from the worker; FALSE at EOF. */
static gboolean
read_status(struct child *ch, gboolean *progress)
{
	char buf[512];
	ssize_t n = read(ch->from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return TRUE;
	if (n <= 0)
		return FALSE;
	g_string_append_len(ch->line, buf, n);
	ch->ping_at = 0;              /* any line: it is alive */
	ch->heard_at = g_get_monotonic_time();
	char *nl;
	while ((nl = memchr(ch->line->str, '\n', ch->line->len))) {
		*nl = 0;
		gint64 id;
		if (sscanf(ch->line->str, "start %" G_GINT64_FORMAT, &id) == 1) {
			ch->current = id;
			ch->started = g_get_monotonic_time();
		} else if (strncmp(ch->line->str, "save ", 5) == 0) {
			/* saving a batch: no one message in hand, its timeout runs */
			ch->current = 0;
			ch->started = g_get_monotonic_time();
			g_array_set_size(ch->saving, 0);
			char *p = ch->line->str + 5, *end;
			for (gint64 v; (v = g_ascii_strtoll(p, &end, 10)) > 0 && end != p &&
			    ch->saving->len < 64; p = end)
				g_array_append_val(ch->saving, v);
		} else if (sscanf(ch->line->str, "done %" G_GINT64_FORMAT, &id) == 1) {
			ch->current = 0;
			g_array_set_size(ch->saving, 0);
			*progress = TRUE;
			notify_kick();   /* its statement's mail is committed: send it now */
		}
		g_string_erase(ch->line, 0, nl - ch->line->str + 1);
	}
	if (ch->line->len > 4096)   /* not ours: never grow without bound */
		g_string_truncate(ch->line, 0);
	return TRUE;
}

static void
tell(struct child *ch, char c)
{
	if (ch->to >= 0 && write(ch->to, &c, 1) < 0 && errno != EAGAIN)
		log_debug("event=parse_worker_write_failed reason=%s", log_quote(g_strerror(errno)));
}

/* wake_ms - how long the supervisor may sleep: until CH's timeout is due. */
static int
wake_ms(const struct child *ch, gint64 now)
{
	if (ch->pid < 0 || ch->killed)
		return 1000;
	if (!ch->current && !ch->saving->len)
		return HEARTBEAT_S * 1000 / 2;
	gint64 left = ch->started + (gint64)sv.parse_timeout * G_USEC_PER_SEC - now;
	return (int)CLAMP(left / 1000 + 1, 0, 1000);
}

/* watch - CH's status pipe had something: progress, or it has gone. */
static void
watch(struct child *ch, gint64 now)
{
	gboolean progress = FALSE;
	if (!read_status(ch, &progress)) {
		gboolean was_killed = ch->killed;
		reap(ch);
		/* A timeout kill is the message's fault, not the worker's:
		 * restart at once so the next attempt (or parse_failed) comes. */
		ch->restart_at = was_killed ? now : now + ch->backoff * G_USEC_PER_SEC;
		if (!was_killed)
			ch->backoff = MIN(ch->backoff * 2, BACKOFF_MAX_S);
		return;
	}
	if (progress)
		ch->backoff = 1;
}

/* heartbeat - CH is idle: ask it to answer now and then, and kill it when
 * an answer is parse_timeout late (the supervisor restarts it). */
static void
heartbeat(struct child *ch, gint64 now)
{
	gint64 limit = (gint64)sv.parse_timeout * G_USEC_PER_SEC;
	if (ch->ping_at && now - ch->ping_at > limit) {
		sv.unresponsive++;
		log_warning("event=parse_worker_unresponsive pid=%d slot=%d seconds=%d action=restart",
		    (int)ch->pid, ch->slot, sv.parse_timeout);
		write_status(ch->slot, ch->pid);
		kill(ch->pid, SIGKILL);
		ch->killed = TRUE;
	} else if (!ch->ping_at && now - ch->heard_at >= HEARTBEAT_S * G_USEC_PER_SEC) {
		tell(ch, 'p');
		ch->ping_at = now;
	}
}

/* deadlines - kill CH when its message took too long, or a stop's drain is over. */
static void
deadlines(struct child *ch, gint64 now, gboolean stopping, gint64 stop_by)
{
	if (ch->pid < 0 || ch->killed)
		return;
	if ((ch->current || ch->saving->len) &&
	    now - ch->started > (gint64)sv.parse_timeout * G_USEC_PER_SEC) {
		log_warning("event=parse_timeout id=%" G_GINT64_FORMAT " saving=%u seconds=%d pid=%d",
		    ch->current, ch->saving->len, sv.parse_timeout, (int)ch->pid);
		kill(ch->pid, SIGKILL);
		ch->killed = TRUE;
	} else if (!ch->current && !ch->saving->len && !stopping) {
		heartbeat(ch, now);
	} else if (stopping && now > stop_by) {
		log_warning("event=parse_worker_stop_timeout pid=%d", (int)ch->pid);
		kill(ch->pid, SIGKILL);
		ch->killed = ch->stop_killed = TRUE;
	}
}

static gpointer
supervise(gpointer unused)
{
	int n = sv.workers;
	struct child *ch = g_new0(struct child, n);
	struct pollfd *p = g_new0(struct pollfd, n + 1);
	for (int i = 0; i < n; i++) {
		ch[i] = (struct child){ .slot = i, .pid = -1, .to = -1, .from = -1,
			.line = g_string_new(NULL), .backoff = 1,
			.saving = g_array_new(FALSE, FALSE, sizeof(gint64)) };
	}
	gint64 stop_by = 0;
	gboolean stopping = FALSE;
	for (;;) {
		gint64 now = g_get_monotonic_time();
		int alive = 0, ms = 1000;
		for (int i = 0; i < n; i++) {
			if (ch[i].pid < 0 && !stopping && now >= ch[i].restart_at && spawn(&ch[i]) < 0) {
				log_error("event=parse_worker_spawn_failed slot=%d reason=%s retry_in=%d",
				    i, log_quote(g_strerror(errno)), ch[i].backoff);
				ch[i].restart_at = now + ch[i].backoff * G_USEC_PER_SEC;
				ch[i].backoff = MIN(ch[i].backoff * 2, BACKOFF_MAX_S);
			}
			alive += ch[i].pid >= 0;
			/* Wake at the next deadline: a timeout, a restart, the end of a stop. */
			ms = MIN(ms, wake_ms(&ch[i], now));
		}
		if (stopping && alive == 0)
			break;
		p[0] = (struct pollfd){ .fd = sv.cmd[0], .events = POLLIN };
		for (int i = 0; i < n; i++)   /* a negative fd is ignored by poll */
			p[i + 1] = (struct pollfd){ .fd = ch[i].pid >= 0 ? ch[i].from : -1,
				.events = POLLIN };
		if (poll(p, n + 1, ms) < 0 && errno != EINTR)
			log_error("event=poll_error reason=%s", log_quote(g_strerror(errno)));
		now = g_get_monotonic_time();

		if (p[0].revents & POLLIN) {
			char buf[64];
			ssize_t got = read(sv.cmd[0], buf, sizeof(buf));
			for (ssize_t k = 0; k < got; k++) {
				if (buf[k] == 'q' && !stopping) {
					stopping = TRUE;
					stop_by = now + (gint64)sv.drain * G_USEC_PER_SEC;
					for (int i = 0; i < n; i++)
						if (ch[i].to >= 0) {   /* EOF: finish the message in hand, then exit */
							close(ch[i].to);
							ch[i].to = -1;
						}
				} else if (buf[k] == 'k' || buf[k] == 'r') {
					for (int i = 0; i < n; i++)
						tell(&ch[i], buf[k]);
				}
			}
		}
		for (int i = 0; i < n; i++) {
			if (ch[i].pid >= 0 && (p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				watch(&ch[i], now);
			deadlines(&ch[i], now, stopping, stop_by);
		}
	}
	for (int i = 0; i < n; i++) {
		g_string_free(ch[i].line, TRUE);
		g_array_free(ch[i].saving, TRUE);
	}
	g_free(ch);
	g_free(p);
	return NULL;
}

/* cores - the CPUs this process may run on (taskset, systemd's
 * CPUAffinity=, a cpuset), 1 .. 16: [parser] workers = 0 starts one worker
 * per core, so the parse uses the machine whatever its size and no more. */
static int
cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return CLAMP((int)g_get_num_processors(), 1, 16);
	return CLAMP(CPU_COUNT(&set), 1, 16);
}

int
stage_start(const struct conf *c, GError **error)
{
	GError *e = NULL;
	sv.exe = g_file_read_link("/proc/self/exe", &e);
	if (!sv.exe) {
		g_propagate_prefixed_error(error, e, "parse stage: ");
		return -1;
	}
	/* The worker reads the same file; an embedded default needs no flag. */
	sv.config = c->path && g_file_test(c->path, G_FILE_TEST_EXISTS) ?
	    g_canonicalize_filename(c->path, NULL) : NULL;
	sv.parse_timeout = c->parse_timeout;
	sv.workers = c->parse_workers > 0 ? c->parse_workers : cores();
	sv.attempts = c->parse_attempts;
	sv.status_path = g_build_filename(c->state_dir, "parse-workers", NULL);
	sv.store = store_open(c->state_dir, &e);
	if (!sv.store) {
		g_propagate_prefixed_error(error, e, "parse stage: ");
		g_clear_pointer(&sv.exe, g_free);
		g_clear_pointer(&sv.status_path, g_free);
		return -1;
	}
	sv.drain = MAX(c->drain_timeout, 1);
	if (pipe2(sv.cmd, O_CLOEXEC | O_NONBLOCK) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "parse stage: pipe: %s",
		    g_strerror(errno));
		g_clear_pointer(&sv.store, store_close);
		g_clear_pointer(&sv.exe, g_free);
		g_clear_pointer(&sv.config, g_free);
		g_clear_pointer(&sv.status_path, g_free);
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);   /* a dead worker's pipe must not kill the daemon */
	sv.thread = g_thread_new("parse-stage", supervise, NULL);
	return 0;
}

static void
command(char c)
{
	if (sv.cmd[1] >= 0 && write(sv.cmd[1], &c, 1) < 0 && errno != EAGAIN)
		log_debug("event=stage_command_failed reason=%s", log_quote(g_strerror(errno)));
}

void
stage_kick(void)
{
	command('k');
}

void
stage_reload(void)
{
	command('r');
}

void
stage_stop(void)
{
	if (!sv.thread)
		return;
	command('q');
	g_thread_join(sv.thread);
	sv.thread = NULL;
	close(sv.cmd[0]);
	close(sv.cmd[1]);
	sv.cmd[0] = sv.cmd[1] = -1;
	g_clear_pointer(&sv.exe, g_free);
	g_clear_pointer(&sv.config, g_free);
	g_clear_pointer(&sv.status_path, g_free);
	g_clear_pointer(&sv.store, store_close);
}
