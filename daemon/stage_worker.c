/* stage_worker.c - the parse worker process: received messages, oldest first. */
#include "daemon/stage.h"
#include "conf/directory.h"
#include "conf/log.h"
#include "flow/flow.h"
#include "notify/notify.h"
#include "store/store_stmt.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* statements indexed for search per transaction when idle (~1 ms each at 50 KB) */
#define SEARCH_BATCH 4
#define QUIET_MS 1000    /* no mail for this long before the idle work */
/* below the LMTP threads, which answer clients; not so far below that a
 * long parse on a saturated machine runs into the wall-clock parse_timeout */
#define WORKER_NICE 5
/* messages parsed one by one and saved in one transaction, at most: the
 * batch is what waits, so it follows the queue's depth: one message alone
 * is saved at once, and under load up to this many share the write lock and
 * the shared pages. The intake's commit waits while a batch is saved: at
 * 50 KB / 8 clients, 8 gave 966-995 statements/s with an LMTP p99 of
 * 25-30 ms, 32 gave 1,128-1,171 at 35 ms, 16 1,044-1,085 at 25-29 ms. */
#define PARSE_BATCH 16

struct worker {
	struct conf *c;
	struct store *s;
	struct directory *dir;
	int slot, slots;      /* this worker parses the ids with id % slots == slot */
	int single;           /* messages still to save one at a time (--single N) */
	gboolean quit, reload;
	gboolean wrote;       /* the log grew since the last checkpoint (as far as we know) */
	gint64 last_work;     /* monotonic us: the last message parsed or announced */
};

/* flow_of - the flow context of W's work, as its directory is now. */
static struct flow_ctx
flow_of(const struct worker *w)
{
	return (struct flow_ctx){ .s = w->s, .c = w->c, .dir = w->dir, .actor = "liaisond" };
}

/* stage_load_directory - the configured directory, or NULL (problems logged). */
struct directory *
stage_load_directory(const struct conf *c)
{
	if (!c->directory_file || !*c->directory_file)
		return directory_new_empty();
	GPtrArray *problems = NULL;
	GError *e = NULL;
	struct directory *d = directory_load(c->directory_file, &problems, &e);
	/* log_quote has one buffer: the file's quoted form is kept apart */
	g_autofree char *file = g_strdup(log_quote(c->directory_file));
	for (guint i = 0; problems && i < problems->len; i++)
		log_error("event=directory_problem file=%s problem=%s", file,
		    log_quote(problems->pdata[i]));
	if (!d)
		log_error("event=directory_error file=%s problems=%u reason=%s", file,
		    problems ? problems->len : 0, log_quote(e ? e->message : "unreadable"));
	if (problems)
		g_ptr_array_unref(problems);
	g_clear_error(&e);
	return d;
}

static void
status(const char *what, gint64 id)
{
	printf("%s %" G_GINT64_FORMAT "\n", what, id);
	fflush(stdout);
}

/* wait_commands - wait up to MS for a byte from the parent; note k, r and EOF. */
static void
wait_commands(struct worker *w, int ms)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	if (poll(&p, 1, ms) <= 0)
		return;
	char buf[64];
	ssize_t n = read(0, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		w->quit = TRUE;   /* the parent closed the pipe (stop) or died */
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 'p')
			status("pong", 0);   /* the supervisor's heartbeat */
		else if (buf[i] == 'r')
			w->reload = TRUE;
		else if (buf[i] == 'k') {
			w->wrote = TRUE;    /* new messages: the log has grown */
			w->last_work = g_get_monotonic_time();
		}
}

/* idle - no message waits for any worker. */
static gboolean
idle(struct worker *w)
{
	GError *e = NULL;
	gint64 id = w->slots == 1 ? 0 : store_stmt_next_received(w->s, 0, 1, &e);
	g_clear_error(&e);
	return id == 0;
}

/* parse_error - message ID failed with E (freed here): a failed attempt,
 * unless the fault is temporary (busy, disk full: not the message's). */
static void
parse_error(struct worker *w, gint64 id, GError *e, gboolean *back_off)
{
	gboolean temp = e->domain == STORE_ERROR && e->code == STORE_ERR_TEMP;
	int before = 0;
	GError *u = NULL;
	if (temp)
		*back_off = TRUE;
	else if (store_stmt_attempt(w->s, id, G_MAXINT, &before, &u) < 0)
		g_clear_error(&u);
	log_warning("event=parse_error id=%" G_GINT64_FORMAT " attempt=%d temporary=%d reason=%s",
	    id, before + 1, temp, log_quote(e->message));
	g_error_free(e);
}

/* save_batch - the parsed statements in one transaction, then emptied.
 * The supervisor is told which ("save ID ..."): a crash or hang now is
 * charged to the one statement when it is alone, else the next worker
 * saves one at a time until the culprit shows. A batch that fails for a
 * reason of its own is saved one by one, so one statement's fault stays its
 * own; a temporary fault backs off. */
static void
save_batch(struct worker *w, GPtrArray *parsed, gboolean *back_off)
{
	GError *e = NULL;
	if (parsed->len == 0)
		return;
	GString *line = g_string_new("save");
	for (guint i = 0; i < parsed->len; i++)
		g_string_append_printf(line, " %" G_GINT64_FORMAT, flow_parsed_id(parsed->pdata[i]));
	printf("%s\n", line->str);
	fflush(stdout);
	g_string_free(line, TRUE);
	struct flow_ctx x = flow_of(w);
	if (flow_ingest(&x, (struct flow_parsed *const *)parsed->pdata, (int)parsed->len, TRUE,
	    &e) < 0) {
		gboolean temp = e->domain == STORE_ERROR && e->code == STORE_ERR_TEMP;
		if (parsed->len == 1 || temp) {
			for (guint i = 0; i < parsed->len; i++)
				parse_error(w, flow_parsed_id(parsed->pdata[i]),
				    i + 1 < parsed->len ? g_error_copy(e) : g_steal_pointer(&e), back_off);
		} else {
			log_info("event=parse_batch_failed statements=%u reason=%s", parsed->len,
			    log_quote(e->message));
			g_clear_error(&e);
			for (guint i = 0; i < parsed->len; i++) {
				struct flow_parsed *p = parsed->pdata[i];
				status("start", flow_parsed_id(p));
				if (flow_ingest(&x, &p, 1, TRUE, &e) < 0)
					parse_error(w, flow_parsed_id(p), g_steal_pointer(&e), back_off);
			}
		}
	}
	g_ptr_array_set_size(parsed, 0);
}

/* cpu_budget - from now on this process may use BUDGET more seconds of CPU
 * (0: no limit): past it the kernel sends SIGXCPU, which ends the worker,
 * and the supervisor charges the message all its attempts at once. A
 * hostile message costs this, not parse_timeout times parse_attempts. */
static void
cpu_budget(int budget)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_CPU, &rl) != 0)
		return;
	if (budget > 0) {
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) != 0)
			return;
		rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
		rl.rlim_cur = used + (rlim_t)budget;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
	} else {
		rl.rlim_cur = rl.rlim_max;
	}
	if (setrlimit(RLIMIT_CPU, &rl) != 0)
		log_debug("event=cpu_budget_failed reason=%s", log_quote(g_strerror(errno)));
}

/* work - the messages in IDS parsed one after the other and saved together.
 * The batch is saved early before a message that failed before (it may be
 * poison: the others are not held back by it), and before a reply whose
 * original may be in the batch (In Response links only reach saved
 * statements: it is parsed again after the save). */
static void
work(struct worker *w, GArray *ids)
{
	GPtrArray *parsed = g_ptr_array_new_with_free_func((GDestroyNotify)flow_parsed_free);
	gboolean back_off = FALSE;
	for (guint i = 0; i < ids->len && !back_off && !w->quit; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		GError *e = NULL;
		/* in hand from here: a crash or hang from now on is this message's */
		status("start", id);
		int before = store_stmt_attempts(w->s, id, &e);
		if (before < 0) {
			log_error("event=parse_attempt_error id=%" G_GINT64_FORMAT " reason=%s", id,
			    log_quote(e->message));
			g_error_free(e);
			back_off = TRUE;
			break;
		}
		if (before > 0)
			save_batch(w, parsed, &back_off);
		if (before >= w->c->parse_attempts) {
			g_autofree char *why = g_strdup_printf("%d attempts failed: crash, timeout or "
			    "error", before);
			status("start", id);
			struct flow_ctx x = flow_of(w);
			if (flow_ingest_failed(&x, id, why, &e) < 0) {
				log_error("event=parse_failed_error id=%" G_GINT64_FORMAT " reason=%s", id,
				    log_quote(e->message));
				g_error_free(e);
				back_off = TRUE;
			}
			continue;
		}
		status("start", id);
		int budget = MIN(w->c->parse_cpu_budget, w->c->parse_timeout);
		struct flow_ctx x = flow_of(w);
		cpu_budget(budget);
		struct flow_parsed *p = flow_parse(&x, id, &e);
		cpu_budget(0);
		if (p && parsed->len > 0 && flow_parsed_unlinked(p)) {
			flow_parsed_free(p);
			save_batch(w, parsed, &back_off);
			status("start", id);
			cpu_budget(budget);
			p = back_off ? NULL : flow_parse(&x, id, &e);
			cpu_budget(0);
		}
		if (p)
			g_ptr_array_add(parsed, p);
		else if (e)
			parse_error(w, id, e, &back_off);
		if (w->single > 0 || before > 0) {   /* alone: see save_batch */
			save_batch(w, parsed, &back_off);
			if (w->single > 0)
				w->single--;
		}
		wait_commands(w, 0);   /* a stop ends the batch early */
	}
	save_batch(w, parsed, &back_off);
	for (guint i = 0; i < ids->len; i++)
		status("done", g_array_index(ids, gint64, i));
	g_ptr_array_unref(parsed);
	if (back_off)
		wait_commands(w, 1000);
}

int
stage_worker_main(int argc, char **argv)
{
	const char *config = NULL, *level = NULL;
	struct worker w = { .slot = 0, .slots = 1 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc)
			level = argv[++i];
		else if (strcmp(argv[i], "--slot") == 0 && i + 1 < argc)
			w.slot = atoi(argv[++i]);
		else if (strcmp(argv[i], "--slots") == 0 && i + 1 < argc)
			w.slots = atoi(argv[++i]);
		else if (strcmp(argv[i], "--single") == 0 && i + 1 < argc)
			w.single = atoi(argv[++i]);
	}
	if (w.slots < 1 || w.slot < 0 || w.slot >= w.slots)
		return EX_USAGE_;
	log_set_prefix("liaisond-parse");
	/* Never outlive the daemon (its pipe EOF says so too, but a stuck parse
	 * would not read it). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Parsing is background work: on a busy machine the LMTP intake, with
	 * a client (Postfix) waiting for its reply, gets the CPU first. */
	if (setpriority(PRIO_PROCESS, 0, WORKER_NICE) != 0)
		log_debug("event=worker_nice_failed reason=%s", log_quote(g_strerror(errno)));
	if (getppid() == 1)
		return EX_UNAVAILABLE_;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);     /* the parent forwards a reload as 'r' */
	/* A parse holds a message of up to MIME_SLURP_MAX (8 MB) and its decoded
	 * attachments in memory. With glibc's defaults a 1 MB message was a fresh
	 * mmap (or a heap trimmed back after the last one), 400 page faults per
	 * statement; these keep up to 16 MB of freed heap for the next one. */
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN);     /* a terminal ^C goes to the parent, which stops us */
	signal(SIGXCPU, SIG_DFL);    /* the CPU budget of one parse (cpu_budget) */
	struct rlimit nocore = { 0, 0 };
	setrlimit(RLIMIT_CORE, &nocore);   /* that end needs no core file */

	GError *e = NULL;
	w.c = conf_load(conf_path_for(config), &e);
	if (!w.c) {
		log_error("event=config_error reason=%s", log_quote(e->message));
		return EX_CONFIG_;
	}
	log_set_level(level ? level : w.c->log_level);
	w.s = store_open(w.c->state_dir, &e);
	if (!w.s) {
		log_error("event=store_error reason=%s", log_quote(e->message));
		conf_free(w.c);
		return EX_TEMPFAIL_;
	}
	/* Parse commits need no fsync of their own: one lost to a power failure
	 * leaves its message 'received' and it is parsed again, and the notify
	 * sender syncs the WAL before it mails anything (store_sync.c says why
	 * in full). This keeps the worker's share of the single write lock
	 * short, so the LMTP group commit (still FULL) does not wait behind it. */
	store_cache_statements(w.s);   /* this process's only connection, one thread */
	if (store_sync_relaxed(w.s, &e) < 0) {
		log_warning("event=store_sync_relaxed_failed reason=%s", log_quote(e->message));
		g_clear_error(&e);
	}
	/* liaisond refused to start with this file broken; it broke since (a
	 * restart after a crash): wait for the stage to retry rather than reject
	 * every statement as unknown_to against an empty directory. */
	if (!(w.dir = stage_load_directory(w.c))) {
		store_close(w.s);
		conf_free(w.c);
		return EX_CONFIG_;
	}
	if (notify_templates_load(w.c, &e) < 0) {
		log_error("event=config_error reason=%s", log_quote(e->message));
		g_clear_error(&e);
		directory_free(w.dir);
		store_close(w.s);
		conf_free(w.c);
		return EX_CONFIG_;
	}
	log_info("event=parse_worker_start pid=%d slot=%d slots=%d", (int)getpid(), w.slot, w.slots);
	/* a start counts as work: the idle work waits for a quiet spell after it */
	w.last_work = g_get_monotonic_time();
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	while (!w.quit) {
		if (w.reload) {
			w.reload = FALSE;
			struct directory *d = stage_load_directory(w.c);
			if (d) {
				directory_free(w.dir);
				w.dir = d;
				log_info("event=directory_reloaded file=%s", log_quote(w.c->directory_file));
			} else {
				log_error("event=directory_reload_failed action=kept_old");
			}
			if (notify_templates_load(w.c, &e) < 0) {
				log_error("event=templates_reload_failed action=kept_old reason=%s",
				    log_quote(e->message));
				g_clear_error(&e);
			}
		}
		g_array_set_size(ids, 0);
		int n = store_stmt_received(w.s, w.slot, w.slots, PARSE_BATCH, ids, &e);
		if (n < 0) {
			log_error("event=store_error reason=%s", log_quote(e->message));
			g_clear_error(&e);
			wait_commands(&w, 1000);
		} else if (n == 0) {
			/* Nothing waits: bring the search index up to date, a few
			 * statements per transaction so a new message waits little.
			 * One worker does it, only when no worker has work and none
			 * came for QUIET_MS: it takes the write lock and the disk that
			 * the LMTP commit needs, and a steady trickle of mail (one
			 * client) is never "idle" between two messages. */
			gint64 quiet = (g_get_monotonic_time() - w.last_work) / 1000;
			if (w.slot == 0 && quiet < QUIET_MS) {
				wait_commands(&w, (int)(QUIET_MS - quiet));
				continue;
			}
			int k = 0;
			if (w.slot == 0 && idle(&w)) {
				/* first the rest of a long PDF's text, one per round (a new
				 * message waits for at most one), then the search index:
				 * a statement is indexed once its full text is in */
				struct flow_ctx x = flow_of(&w);
				k = flow_doc_rest(&x, 1, &e);
				if (k < 0) {
					log_warning("event=doc_rest_error reason=%s", log_quote(e->message));
					g_clear_error(&e);
					k = 0;
				}
				if (k == 0)
					k = store_search_index(w.s, SEARCH_BATCH, &e);
			}
			if (k < 0) {
				log_warning("event=search_index_error reason=%s", log_quote(e->message));
				g_clear_error(&e);
			}
			/* then, once per quiet spell, the log back into the database */
			if (k == 0 && w.slot == 0 && w.wrote && idle(&w)) {
				if (store_checkpoint(w.s, &e) < 0) {
					log_warning("event=checkpoint_error reason=%s", log_quote(e->message));
					g_clear_error(&e);
				}
				w.wrote = FALSE;
			}
			/* A kick comes with every LMTP commit; the short wait also
			 * finds files recorded by `liaisonctl submit`, which cannot kick. */
			wait_commands(&w, k > 0 ? 0 : 1000);
		} else {
			work(&w, ids);
			w.wrote = TRUE;
			w.last_work = g_get_monotonic_time();
			wait_commands(&w, 0);
		}
	}
	g_array_free(ids, TRUE);
	log_info("event=parse_worker_stop pid=%d", (int)getpid());
	directory_free(w.dir);
	store_close(w.s);
	conf_free(w.c);
	return 0;
}
