/* commit.h - the group-commit thread: one durable commit for many sessions.
 *
 * A session that has spooled a message hands it over and waits; the thread
 * takes everything queued (up to commit_batch), calls store_msg_commit once
 * (one fsync of the folder, one transaction, one fsync of the log) and wakes every
 * waiting session with its own result. While one batch is on its way to the
 * disk the next one gathers, so throughput grows with concurrency. */
#ifndef LIAISON_COMMIT_H
#define LIAISON_COMMIT_H

#include "store/store_msg.h"

struct commit;

/* commit_start - start the thread on STORE (owned by it from now on: no other
 * thread may use that connection). COMMITTED(DATA) runs on the commit thread
 * after each batch that recorded new messages (stage_kick goes there).
 * CKPT_STORE (may be NULL; owned by its thread likewise): a second thread
 * checkpoints on it when the commits have grown the log (store_wal_watch),
 * so that the commit thread itself never does. */
struct commit *commit_start(struct store *store, struct store *ckpt_store, int batch,
    void (*committed)(void *), void *data, GError **error);

/* commit_submit - make SP durable with ENV; blocks until the batch holding
 * it is committed and fills RESULT (as store_msg_commit does). After
 * commit_stop has begun, answers STORE_ERR_TEMP at once. */
void commit_submit(struct commit *c, struct store_spool *sp, const struct store_envelope *env,
    struct store_msg_result *result);

/* commit_stop - commit what is queued and stop the thread; later submits
 * fail with STORE_ERR_TEMP. */
void commit_stop(struct commit *c);
/* commit_free - free C once no session can submit any more (after commit_stop). */
void commit_free(struct commit *c);

#endif
