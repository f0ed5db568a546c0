/* store_msg.h - receiving raw messages durably, exactly once.
 *
 * A message is kept in memory while it arrives and is no larger than
 * inline_max, else streamed into a spool file under state_dir/tmp (memory
 * does not grow with its size), then committed in a batch: every file
 * fsynced and renamed into msg/, the folder fsynced once, and all rows (and
 * the bytes of the small ones) inserted in ONE transaction whose log is
 * fsynced before store_msg_commit() returns (group commit): in the COMMIT
 * for one message, right after it, outside the write lock, for several.
 * Only when store_msg_commit() returns without an error may the daemon
 * answer 250. */
#ifndef LIAISON_STORE_MSG_H
#define LIAISON_STORE_MSG_H

#include <glib.h>
#include "store/store.h"

struct store_spool;

/* store_spool_new - start a message: in memory (inline_max), else a new file under state_dir/tmp. */
struct store_spool *store_spool_new(struct store *s, GError **error);
/* store_spool_write - append bytes as received (after dot-unstuffing);
 * hashes them and notes the Message-ID from the header section. */
int store_spool_write(struct store_spool *sp, const void *buf, size_t len, GError **error);
gint64 store_spool_size(const struct store_spool *sp);
/* store_spool_sync - make the finished spool's bytes durable now: fsync it
 * and rename it into msg/. Optional: store_msg_commit does the same for a
 * spool that has not been synced, then fsyncs msg/ once for its batch.
 * Sessions call it on their own threads so that these fsyncs run in
 * parallel and the group commit is left with two: the folder's and the
 * transaction's. No more writes after it. */
int store_spool_sync(struct store_spool *sp, GError **error);
/* store_spool_free - drop the spool; removes its file unless committed. */
void store_spool_free(struct store_spool *sp);

struct store_envelope {
	const char *envelope_from;         /* "" for <> */
	const char *const *recipients;     /* accepted RCPTs, in order, NULL-terminated */
	const char *client;                /* "127.0.0.1:40000", "unix", "liaisonctl" */
	const char *session_id;
};

/* Outcome of one message in a batch. */
struct store_msg_result {
	gint64 id;             /* the message's id (the earlier one for a duplicate) */
	gboolean duplicate;    /* already recorded: answer 250, nothing new stored */
	GError *error;         /* set when this message failed; STORE_ERR_TEMP -> 451 */
};

/* store_msg_commit - make N spooled messages durable in one transaction.
 * Fills RESULTS[i] for each; returns the number that failed. */
int store_msg_commit(struct store *s, struct store_spool *const *spools,
    const struct store_envelope *envs, struct store_msg_result *results, int n);

/* store_msg_twins - the other messages with ID's Message-ID and body but
 * another sender (envelope or From): a forged copy, or the real one after a
 * forged copy. Appends their ids (gint64, at most 10) to IDS; count or -1. */
int store_msg_twins(struct store *s, gint64 id, GArray *ids, GError **error);

/* store_msg_open - a descriptor to read message ID's raw bytes from (its
 * file under msg/, or a memfd with the bytes kept in the database), or -1
 * and ERROR (STORE_ERR_NOTFOUND: no such message). The caller closes it. */
int store_msg_open(struct store *s, gint64 id, GError **error);
/* store_msg_read - message ID's raw bytes: a copy of those kept in the
 * database (*FD -1), or NULL and a descriptor on its file in *FD; NULL and
 * *FD -1 with ERROR when neither can be had. The parse worker reads a small
 * message this way, without store_msg_open's memfd and its copies. */
GByteArray *store_msg_read(struct store *s, gint64 id, int *fd, GError **error);

/* store_set_inline_max - spools of S up to BYTES stay in memory and are
 * committed into the database (message_bytes); larger ones, and all when
 * BYTES is 0 (the default), are files. */
void store_set_inline_max(struct store *s, gint64 bytes);

/* store_spool_clean - remove files left by processes that are gone before
 * their commit (their clients never got a 250): spools in tmp/ and files in
 * msg/ that no message row names; returns how many. Called at daemon start. */
int store_spool_clean(struct store *s);

#endif
