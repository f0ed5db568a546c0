/* commit.c - the group-commit thread (see commit.h). */
#include "daemon/commit.h"
#include "conf/log.h"

/* One message waiting to be committed; lives on the submitting thread's stack. */
struct commit_job {
	struct store_spool *spool;
	const struct store_envelope *env;
	struct store_msg_result *result;
	gboolean done;
};

struct commit {
	struct store *store;
	struct store *ckpt_store;   /* the checkpointer's connection, or NULL */
	GThread *ckpt_thread;
	gboolean ckpt_wanted;       /* under lock: the log passed its size */
	int batch;
	void (*committed)(void *);
	void *data;
	GThread *thread;
	GMutex lock;
	GCond wake;                 /* the thread: work queued or stopping */
	GCond done;                 /* the sessions: a batch finished */
	GCond ckpt;                 /* the checkpointer: wanted or stopping */
	GQueue queue;               /* of struct commit_job * */
	gboolean stopping;
};

/* commit_run_batch - commit JOBS[0..N) in one go and hand out the results. */
static void
commit_run_batch(struct commit *c, struct commit_job **jobs, int n)
{
	struct store_spool **spools = g_new(struct store_spool *, n);
	struct store_envelope *envs = g_new(struct store_envelope, n);
	struct store_msg_result *res = g_new0(struct store_msg_result, n);
	int fresh = 0;
	for (int i = 0; i < n; i++) {
		spools[i] = jobs[i]->spool;
		envs[i] = *jobs[i]->env;
	}
	gint64 t0 = g_get_monotonic_time();
	int failed = store_msg_commit(c->store, spools, envs, res, n);
	if (failed)
		log_error("event=commit_failed messages=%d reason=%s", n,
		    log_quote(res[0].error ? res[0].error->message : "?"));
	else
		log_debug("event=commit messages=%d us=%" G_GINT64_FORMAT, n,
		    g_get_monotonic_time() - t0);
	g_mutex_lock(&c->lock);
	for (int i = 0; i < n; i++) {
		*jobs[i]->result = res[i];
		jobs[i]->done = TRUE;
		fresh += !res[i].error && !res[i].duplicate;
	}
	g_cond_broadcast(&c->done);
	g_mutex_unlock(&c->lock);
	if (fresh && c->committed)
		c->committed(c->data);
	g_free(spools);
	g_free(envs);
	g_free(res);
}

/* commit_thread - take what is queued, commit it, repeat until stopped and empty. */
static gpointer
commit_thread(gpointer p)
{
	struct commit *c = p;
	struct commit_job **jobs = g_new(struct commit_job *, c->batch);
	for (;;) {
		g_mutex_lock(&c->lock);
		while (g_queue_is_empty(&c->queue) && !c->stopping)
			g_cond_wait(&c->wake, &c->lock);
		int n = 0;
		while (n < c->batch && !g_queue_is_empty(&c->queue))
			jobs[n++] = g_queue_pop_head(&c->queue);
		gboolean stop = n == 0 && c->stopping;
		g_mutex_unlock(&c->lock);
		if (stop)
			break;
		commit_run_batch(c, jobs, n);
	}
	g_free(jobs);
	return NULL;
}

/* ckpt_wanted - the commit connection's log has grown (store_wal_watch; on
 * the commit thread, right after its commit): wake the checkpointer. */
static void
ckpt_wanted(void *p)
{
	struct commit *c = p;
	g_mutex_lock(&c->lock);
	c->ckpt_wanted = TRUE;
	g_cond_signal(&c->ckpt);
	g_mutex_unlock(&c->lock);
}

/* ckpt_thread - checkpoint on its own connection whenever the commit thread
 * says the log has grown past 2 MB, so that no reply waits for the copying:
 * after nearly every commit then, in small steps whose fsyncs of the
 * database stay short beside the commits' own; past 32 MB it also has the
 * log start again from its beginning (store_checkpoint), which keeps it
 * bounded however long the mail keeps coming. */
static gpointer
ckpt_thread(gpointer p)
{
	struct commit *c = p;
	for (;;) {
		g_mutex_lock(&c->lock);
		while (!c->ckpt_wanted && !c->stopping)
			g_cond_wait(&c->ckpt, &c->lock);
		gboolean stop = c->stopping;
		c->ckpt_wanted = FALSE;
		g_mutex_unlock(&c->lock);
		if (stop)
			break;
		GError *e = NULL;
		gint64 t0 = g_get_monotonic_time();
		if (store_checkpoint(c->ckpt_store, &e) < 0) {
			log_warning("event=checkpoint_error reason=%s", log_quote(e->message));
			g_error_free(e);
		} else {
			log_debug("event=checkpoint us=%" G_GINT64_FORMAT, g_get_monotonic_time() - t0);
		}
	}
	return NULL;
}

struct commit *
commit_start(struct store *store, struct store *ckpt_store, int batch,
    void (*committed)(void *), void *data, GError **error)
{
	struct commit *c = g_new0(struct commit, 1);
	c->store = store;
	c->ckpt_store = ckpt_store;
	c->batch = batch > 0 ? batch : 1;
	c->committed = committed;
	c->data = data;
	g_mutex_init(&c->lock);
	g_cond_init(&c->wake);
	g_cond_init(&c->done);
	g_cond_init(&c->ckpt);
	g_queue_init(&c->queue);
	if (ckpt_store && !(c->ckpt_thread = g_thread_try_new("checkpoint", ckpt_thread, c,
	    error))) {
		commit_free(c);
		return NULL;
	}
	if (ckpt_store)
		store_wal_watch(store, ckpt_wanted, c);
	c->thread = g_thread_try_new("commit", commit_thread, c, error);
	if (!c->thread) {
		commit_stop(c);
		commit_free(c);
		return NULL;
	}
	return c;
}

void
commit_submit(struct commit *c, struct store_spool *sp, const struct store_envelope *env,
    struct store_msg_result *result)
{
	struct commit_job job = { sp, env, result, FALSE };
	g_mutex_lock(&c->lock);
	if (c->stopping) {
		g_mutex_unlock(&c->lock);
		*result = (struct store_msg_result){ 0 };
		result->error = g_error_new(STORE_ERROR, STORE_ERR_TEMP, "shutting down");
		return;
	}
	g_queue_push_tail(&c->queue, &job);
	g_cond_signal(&c->wake);
	while (!job.done)
		g_cond_wait(&c->done, &c->lock);
	g_mutex_unlock(&c->lock);
}

void
commit_stop(struct commit *c)
{
	if (!c)
		return;
	g_mutex_lock(&c->lock);
	c->stopping = TRUE;
	g_cond_signal(&c->wake);
	g_cond_signal(&c->ckpt);
	g_mutex_unlock(&c->lock);
	if (c->thread)
		g_thread_join(c->thread);
	c->thread = NULL;
	if (c->ckpt_thread)
		g_thread_join(c->ckpt_thread);
	c->ckpt_thread = NULL;
}

void
commit_free(struct commit *c)
{
	if (!c)
		return;
	g_mutex_clear(&c->lock);
	g_cond_clear(&c->wake);
	g_cond_clear(&c->done);
	g_cond_clear(&c->ckpt);
	g_free(c);
}
