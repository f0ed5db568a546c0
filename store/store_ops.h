/* store_ops.h - what an operator checks at a glance (liaisonctl status). */
#ifndef LIAISON_STORE_OPS_H
#define LIAISON_STORE_OPS_H

#include <glib.h>
#include "store/store.h"

struct store_count {
	char *state;
	gint64 count;
};

struct store_status {
	char *db_path;
	gint64 db_size, wal_size;        /* bytes; wal_size 0 when there is no -wal file */
	int schema_version;
	GPtrArray *states;               /* struct store_count *, messages per state, by name */
	gint64 messages;                 /* all messages */
	gint64 rejects;                  /* waiting in the rejects queue */
	gint64 oldest_reject_id;         /* 0 when none */
	char *oldest_reject_at;          /* its received_at, NULL when none */
	gint64 outbox_queued, outbox_failed;
	gint64 oldest_queued_id;         /* 0 when none */
	char *oldest_queued_at;          /* created_at of the oldest queued mail */
	gint64 oldest_received_id;       /* oldest message not parsed yet, 0 when none */
	char *oldest_received_at;
	gint64 last_id;                  /* last message received, 0 when none */
	char *last_received_at;
};

/* store_status_read - fill OUT from one read transaction (a consistent view
 * while liaisond writes). Clear it with store_status_clear. */
int store_status_read(struct store *s, struct store_status *out, GError **error);
void store_status_clear(struct store_status *st);

#endif
