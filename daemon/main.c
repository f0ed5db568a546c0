/* main.c - liaisond: options, start-up, signals, orderly shutdown. */
#include "conf/conf.h"
#include "conf/log.h"
#include "daemon/commit.h"
#include "daemon/lmtp_server.h"
#include "daemon/sd.h"
#include "notify/notify.h"
#include "daemon/stage.h"
#include "conf/version.h"
#include "store/store_msg.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* after_commit - runs on the commit thread after new messages are durable.
 * The parse stage hooks in here (stage_kick). */
static void
after_commit(void *data)
{
	stage_kick();
}

/* wait_for_signal - block until SIGTERM or SIGINT; other signals in SET are
 * handled on the way. Signals are read from a signalfd in the main thread
 * (blocked in every thread), so no handler runs in async-signal context. */
static int
wait_for_signal(const sigset_t *set, const struct conf *c, struct notify_sender *sender)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0) {
		log_error("event=signalfd_failed reason=%s", log_quote(g_strerror(errno)));
		return -1;
	}
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo == SIGHUP) {
			log_info("event=reload");
			sd_reloading();
			stage_reload();   /* the parse worker reads the directory and templates again */
			/* the sender composes routing mail when it sends it: the
			 * templates and group names it uses come back too */
			GError *te = NULL;
			if (notify_templates_load(c, &te) < 0) {
				log_error("event=templates_reload_failed action=kept_old reason=%s",
				    log_quote(te->message));
				g_error_free(te);
			}
			notify_sender_reload(sender);
			sd_ready("accepting LMTP");
			continue;
		}
		log_info("event=signal signal=%s", si.ssi_signo == SIGTERM ? "TERM" : "INT");
		sd_stopping();
		break;
	}
	close(sfd);
	return 0;
}

/* start_error - exit status for a store that cannot open: 75 when it may
 * pass (busy, disk), else 69. */
static int
start_error(GError *error, const char *what)
{
	int code = g_error_matches(error, STORE_ERROR, STORE_ERR_TEMP) ? EX_TEMPFAIL_ :
	    EX_UNAVAILABLE_;
	log_error("event=start_failed what=%s reason=%s", what, log_quote(error->message));
	g_error_free(error);
	return code;
}

int
main(int argc, char **argv)
{
	/* The parse worker is this program too (daemon/stage_parse.c). */
	/* Everything made in the state folder is ours and the group's only
	 * (mail and private comments), whatever umask we were started with. */
	umask(umask(0) | 027);
	if (argc > 1 && strcmp(argv[1], "--worker") == 0)
		return stage_worker_main(argc, argv);
	g_autofree char *config = NULL, *level = NULL;
	gboolean check = FALSE, version = FALSE;
	GOptionEntry entries[] = {
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "print the version and exit", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
		  "configuration file (default: $LIAISOND_CONFIG, else the embedded default)", "FILE" },
		{ "log-level", 0, 0, G_OPTION_ARG_STRING, &level,
		  "debug, info, warning or error (overrides log_level)", "LEVEL" },
		{ "check-config", 0, 0, G_OPTION_ARG_NONE, &check,
		  "check the configuration and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *error = NULL;
	GOptionContext *oc = g_option_context_new("- receive liaison statements over LMTP");
	g_option_context_add_main_entries(oc, entries, NULL);
	gboolean ok = g_option_context_parse(oc, &argc, &argv, &error);
	g_option_context_free(oc);
	if (!ok || argc > 1) {
		fprintf(stderr, "liaisond: %s\n", error ? error->message : "unexpected argument");
		g_clear_error(&error);
		return EX_USAGE_;
	}
	if (version) {
		printf("liaisond %s\n", LIAISON_VERSION);
		return 0;
	}
	if (level && !g_strv_contains((const char *const[]){ "debug", "info", "warning", "error", NULL },
	    level)) {
		fprintf(stderr, "liaisond: --log-level %s: expected debug, info, warning or error\n", level);
		return EX_USAGE_;
	}
	/* Before any thread or child: NOTIFY_SOCKET, WATCHDOG_* and LISTEN_* go
	 * out of the environment and the passed sockets get FD_CLOEXEC, so the
	 * parse worker inherits none of them. */
	sd_init();
	int n_fds = sd_listen_fds();
	log_set_prefix("liaisond");
	struct conf *c = conf_load(conf_path_for(config), &error);
	if (!c) {
		log_error("event=config_error reason=%s", log_quote(error->message));
		g_error_free(error);
		return EX_CONFIG_;
	}
	log_set_level(level ? level : c->log_level);
	/* A broken directory is a broken configuration: without it every
	 * statement would be rejected as unknown_to. (The parse worker loads its
	 * own; this one is only the check.) */
	struct directory *dir = stage_load_directory(c);
	if (!dir) {
		log_error("event=config_error reason=%s", log_quote("the [directory] file is broken;"
		    " see the directory_problem lines"));
		conf_free(c);
		return EX_CONFIG_;
	}
	directory_free(dir);
	/* The mail templates: one naming an unknown placeholder is a broken
	 * configuration, found now rather than when that mail is first sent. */
	if (notify_templates_load(c, &error) < 0) {
		log_error("event=config_error reason=%s", log_quote(error->message));
		g_error_free(error);
		conf_free(c);
		return EX_CONFIG_;
	}
	if (check) {
		printf("%s: ok\n", c->path);
		conf_free(c);
		return 0;
	}

	/* Block the signals before any thread starts: every thread inherits the
	 * mask, and only the main thread reads them (signalfd). */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	int rc = 0;
	struct store *commit_store = NULL, *spool_store = NULL, *ckpt_store = NULL;
	struct commit *commit = NULL;
	struct lmtp_server *srv = NULL;
	struct notify_sender *sender = NULL;
	int drain[2] = { -1, -1 };
	int *fds = NULL;

	/* Three connections: the commit thread owns one, its checkpointer one
	 * (a checkpoint in the commit thread would hold up the replies of its
	 * batch); the sessions use the last only for its folder paths
	 * (store_spool_new does no SQL). */
	if (!(commit_store = store_open(c->state_dir, &error)) ||
	    !(ckpt_store = store_open(c->state_dir, &error)) ||
	    !(spool_store = store_open(c->state_dir, &error))) {
		rc = start_error(error, "store");
		goto out;
	}
	/* the commit thread's connection alone: its inserts are prepared once */
	store_cache_statements(commit_store);
	store_set_inline_max(spool_store, c->inline_max);
	int cleaned = store_spool_clean(spool_store);
	if (cleaned)
		log_info("event=spool_cleaned files=%d", cleaned);
	if (!g_unix_open_pipe(drain, FD_CLOEXEC, &error) ||
	    !(commit = commit_start(commit_store, ckpt_store, c->commit_batch, after_commit, NULL,
	    &error))) {
		rc = start_error(error, "commit");
		goto out;
	}
	/* The outbox sender: on start-up it delivers what a crash left queued. */
	if (!(sender = notify_sender_start(c, &error))) {
		rc = start_error(error, "notify");
		goto out;
	}
	/* Messages left in 'received' by a crash are parsed first, oldest first. */
	if (stage_start(c, &error) < 0) {
		rc = start_error(error, "parse stage");
		goto out;
	}
	struct lmtp_ctx ctx = { c, spool_store, commit, drain[0] };
	srv = lmtp_server_new(&ctx);
	/* Socket activation (liaisond.socket): serve what systemd passes and
	 * leave `listen` alone; otherwise open every `listen` address. */
	fds = n_fds > 0 ? g_new(int, n_fds) : NULL;
	for (int i = 0; i < n_fds; i++) {
		char name[160];
		fds[i] = SD_LISTEN_FDS_START + i;
		if (!sd_is_listening_stream(fds[i])) {
			g_set_error(&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "socket activation: fd %d is not a listening stream socket", fds[i]);
			break;
		}
		log_info("event=listen address=%s activated=1 name=%s",
		    log_quote(sd_describe_fd(fds[i], name, sizeof(name))), sd_listen_fd_name(i));
	}
	if (n_fds < 0)
		g_set_error(&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		    "socket activation: bad LISTEN_PID/LISTEN_FDS");
	if (error || lmtp_server_listen(srv, fds, n_fds > 0 ? n_fds : 0, &error) < 0 ||
	    lmtp_server_start(srv, &error) < 0) {
		rc = start_error(error, "listen");
		goto out;
	}
	char *qpath = g_strdup(log_quote(c->path));
	log_info("event=started config=%s state_dir=%s", qpath, log_quote(c->state_dir));
	g_free(qpath);
	/* READY=1 only now: the listeners accept and the store is migrated. */
	sd_ready("accepting LMTP");
	sd_watchdog_start(NULL);

	wait_for_signal(&set, c, sender);

	/* Stop accepting; idle sessions get 421 now, transactions under way may
	 * finish (bounded by drain_timeout). */
	lmtp_server_stop(srv);
	ssize_t w = write(drain[1], "x", 1);
	(void)w;
	int left = lmtp_server_drain(srv, c->drain_timeout);
	if (left)
		log_warning("event=drain_timeout sessions=%d", left);
	stage_stop();
	notify_sender_stop(sender);   /* after the stage: it queues no more mail */
	sender = NULL;
	commit_stop(commit);
	sd_watchdog_stop();
	log_info("event=stopped");
	if (left) {
		/* Sessions still hold pointers into all of this: just leave. */
		fflush(stderr);
		_exit(0);
	}
out:
	stage_stop();
	notify_sender_stop(sender);
	lmtp_server_free(srv);
	commit_stop(commit);
	commit_free(commit);
	store_close(commit_store);
	store_close(ckpt_store);
	store_close(spool_store);
	for (int i = 0; i < 2; i++)
		if (drain[i] >= 0)
			close(drain[i]);
	g_free(fds);
	conf_free(c);
	return rc;
}
