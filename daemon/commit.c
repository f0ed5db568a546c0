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
	int batch;
	void (*committed)(void *);
	void *data;
	GThread *thread;
	GMutex lock;
	GCond wake;                 /* the thread: work queued or stopping */
	GCond done;                 /* the sessions: a batch finished */
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

struct commit *
commit_start(struct store *store, int batch, void (*committed)(void *), void *data,
    GError **error)
{
	struct commit *c = g_new0(struct commit, 1);
	c->store = store;
	c->batch = batch > 0 ? batch : 1;
	c->committed = committed;
	c->data = data;
	g_mutex_init(&c->lock);
	g_cond_init(&c->wake);
	g_cond_init(&c->done);
	g_queue_init(&c->queue);
	c->thread = g_thread_try_new("commit", commit_thread, c, error);
	if (!c->thread) {
		g_mutex_clear(&c->lock);
		g_cond_clear(&c->wake);
		g_cond_clear(&c->done);
		g_free(c);
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
	if (!c || !c->thread)
		return;
	g_mutex_lock(&c->lock);
	c->stopping = TRUE;
	g_cond_signal(&c->wake);
	g_mutex_unlock(&c->lock);
	g_thread_join(c->thread);
	c->thread = NULL;
}

void
commit_free(struct commit *c)
{
	if (!c)
		return;
	g_mutex_clear(&c->lock);
	g_cond_clear(&c->wake);
	g_cond_clear(&c->done);
	g_free(c);
}
