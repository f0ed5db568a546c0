/* stage_worker.c - the parse worker process: received messages, oldest first. */
#include "daemon/stage.h"
#include "conf/directory.h"
#include "conf/log.h"
#include "parser/pipeline.h"
#include "store/store_stmt.h"

#include <errno.h>
#include <fcntl.h>
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
#define WORKER_NICE 10   /* below the LMTP threads, which answer clients */
/* messages parsed one by one and saved in one transaction: under load the
 * write lock is taken once per batch and the shared pages written once */
#define PARSE_BATCH 8

struct worker {
	struct conf *c;
	struct store *s;
	struct directory *dir;
	int slot, slots;      /* this worker parses the ids with id % slots == slot */
	gboolean quit, reload;
	gboolean wrote;       /* the log grew since the last checkpoint (as far as we know) */
};

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
		if (buf[i] == 'r')
			w->reload = TRUE;
		else if (buf[i] == 'k')
			w->wrote = TRUE;    /* new messages: the log has grown */
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

static void
status(const char *what, gint64 id)
{
	printf("%s %" G_GINT64_FORMAT "\n", what, id);
	fflush(stdout);
}

static void parse_error(struct worker *w, gint64 id, GError *e, gboolean *back_off);

/* parse_one - parse message ID for the batch's save; NULL when there is
 * nothing to save: out of attempts (then parse_failed is saved here), an
 * error (a failed attempt, counted here), or a temporary fault (*BACK_OFF:
 * the disk or the lock, not the message; nothing counted). An attempt that
 * crashes or hangs is counted by the supervisor, which knows the message in
 * hand from "start ID"; one that succeeds, in the save's transaction. */
static struct pipeline_parsed *
parse_one(struct worker *w, gint64 id, gboolean *back_off)
{
	GError *e = NULL;
	int before = store_stmt_attempts(w->s, id, &e);
	if (before < 0) {
		log_error("event=parse_attempt_error id=%" G_GINT64_FORMAT " reason=%s", id,
		    log_quote(e->message));
		g_error_free(e);
		*back_off = TRUE;
		return NULL;
	}
	if (before >= w->c->parse_attempts) {
		g_autofree char *why = g_strdup_printf("%d attempts failed: crash, timeout or error",
		    before);
		if (pipeline_fail(w->s, w->c, w->dir, id, "liaisond", why, &e) < 0) {
			log_error("event=parse_failed_error id=%" G_GINT64_FORMAT " reason=%s", id,
			    log_quote(e->message));
			g_error_free(e);
			*back_off = TRUE;
		}
		return NULL;
	}
	status("start", id);
	struct pipeline_parsed *p = pipeline_parse(w->s, w->c, w->dir, id, &e);
	if (!p)
		parse_error(w, id, e, back_off);
	return p;
}

/* parse_error - message ID failed with E (freed here): a failed attempt,
 * unless the fault is temporary. */
static void
parse_error(struct worker *w, gint64 id, GError *e, gboolean *back_off)
{
	gboolean temp = e->domain == STORE_ERROR && e->code == STORE_ERR_TEMP;
	int before = 0;
	GError *u = NULL;
	if (temp)   /* busy or full: not the message's fault, try again later */
		*back_off = TRUE;
	else if (store_stmt_attempt(w->s, id, G_MAXINT, &before, &u) < 0)
		g_clear_error(&u);
	log_warning("event=parse_error id=%" G_GINT64_FORMAT " attempt=%d temporary=%d reason=%s",
	    id, before + 1, temp, log_quote(e->message));
	g_error_free(e);
}

/* save_batch - the parsed statements in one transaction; when that fails,
 * each on its own, so that one statement's fault is its own. */
static void
save_batch(struct worker *w, GPtrArray *parsed, gboolean *back_off)
{
	GError *e = NULL;
	if (parsed->len == 0)
		return;
	/* no message in hand while saving: a crash now is nobody's attempt */
	status("save", 0);
	if (pipeline_save(w->s, w->c, (struct pipeline_parsed *const *)parsed->pdata,
	    (int)parsed->len, TRUE, "liaisond", &e) == 0)
		return;
	if (parsed->len > 1) {
		log_info("event=parse_batch_failed statements=%u reason=%s", parsed->len,
		    log_quote(e->message));
		g_clear_error(&e);
		for (guint i = 0; i < parsed->len; i++) {
			struct pipeline_parsed *p = parsed->pdata[i];
			if (pipeline_save(w->s, w->c, &p, 1, TRUE, "liaisond", &e) < 0)
				parse_error(w, pipeline_parsed_id(p), g_steal_pointer(&e), back_off);
		}
		return;
	}
	parse_error(w, pipeline_parsed_id(parsed->pdata[0]), e, back_off);
}

/* work - parse up to PARSE_BATCH of the messages in IDS, save them together. */
static void
work(struct worker *w, GArray *ids)
{
	GPtrArray *parsed = g_ptr_array_new_with_free_func((GDestroyNotify)pipeline_parsed_free);
	gboolean back_off = FALSE;
	for (guint i = 0; i < ids->len && !back_off && !w->quit; i++) {
		struct pipeline_parsed *p = parse_one(w, g_array_index(ids, gint64, i), &back_off);
		if (p)
			g_ptr_array_add(parsed, p);
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
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN);     /* a terminal ^C goes to the parent, which stops us */

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
	log_info("event=parse_worker_start pid=%d slot=%d slots=%d", (int)getpid(), w.slot, w.slots);
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
		}
		g_array_set_size(ids, 0);
		int n = store_stmt_received(w.s, w.slot, w.slots, PARSE_BATCH, ids, &e);
		if (n < 0) {
			log_error("event=store_error reason=%s", log_quote(e->message));
			g_clear_error(&e);
			wait_commands(&w, 1000);
		} else if (n == 0) {
			/* Nothing waits: bring the search index up to date, a few
			 * statements per transaction so a new message waits little
			 * (one worker does it, and only when no worker has work: it
			 * holds the write lock the others and the LMTP commit need). */
			int k = w.slot == 0 && idle(&w) ? store_search_index(w.s, SEARCH_BATCH, &e) : 0;
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
