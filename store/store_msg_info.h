/* store_msg_info.h - reading the records of received messages (liaisonctl list/show). */
#ifndef LIAISON_STORE_MSG_INFO_H
#define LIAISON_STORE_MSG_INFO_H

#include <glib.h>
#include "store/store.h"

struct store_msg_info {
	gint64 id;
	char *received_at;        /* ISO 8601 UTC */
	char *envelope_from;      /* "" for <> */
	char *message_id;         /* NULL when the message had none */
	gint64 size;
	char *sha256;
	char *path;               /* relative to state_dir */
	char *client;
	char *session_id;
	char *state;              /* received, posted, rejected, ignored, dead */
	int parse_attempts;
	char **recipients;        /* RCPT order; filled by store_msg_info_get only */
};

/* store_msg_info_list - every message, oldest first; STATE (NULL: all)
 * filters. A GPtrArray of struct store_msg_info * that frees its elements. */
GPtrArray *store_msg_info_list(struct store *s, const char *state, GError **error);
/* store_msg_info_get - one message with its recipients; STORE_ERR_NOTFOUND when absent. */
struct store_msg_info *store_msg_info_get(struct store *s, gint64 id, GError **error);
void store_msg_info_free(gpointer m);

#endif
