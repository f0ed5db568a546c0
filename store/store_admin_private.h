/* store_admin_private.h - shared by store_admin*.c only. */
#ifndef LIAISON_STORE_ADMIN_PRIVATE_H
#define LIAISON_STORE_ADMIN_PRIVATE_H

#include "store/store_admin.h"
#include "store/store_query.h"

/* The summary of a message and its statement (if parsed): the columns
 * store_admin_read_summary() expects, in order. Groups and codes keep their
 * written order. Queries may add columns after these, before ADMIN_SUMMARY_FROM. */
#define ADMIN_SUMMARY_COLS \
	"SELECT m.id, m.state, m.received_at, s.posted_at," \
	" coalesce(nullif(s.submitter, ''), m.envelope_from), s.title," \
	" (SELECT group_concat(coalesce(acronym, text), ', ') FROM (SELECT acronym, text" \
	"   FROM statement_groups WHERE statement = m.id AND side = 'from' ORDER BY position))," \
	" (SELECT group_concat(coalesce(acronym, text), ', ') FROM (SELECT acronym, text" \
	"   FROM statement_groups WHERE statement = m.id AND side = 'to' ORDER BY position))," \
	" (SELECT group_concat(code, ',') FROM (SELECT code FROM problems" \
	"   WHERE statement = m.id AND severity = 'error' ORDER BY position))," \
	" (SELECT group_concat(code, ',') FROM (SELECT code FROM problems" \
	"   WHERE statement = m.id AND severity = 'warning' ORDER BY position))," \
	" coalesce(s.version, 0), s.id IS NOT NULL, coalesce(s.action_taken, 0)," \
	" s.purpose, s.deadline"
#define ADMIN_SUMMARY_NCOLS 15
#define ADMIN_SUMMARY_FROM " FROM messages m LEFT JOIN statements s ON s.id = m.id "
#define ADMIN_SUMMARY_SELECT ADMIN_SUMMARY_COLS ADMIN_SUMMARY_FROM

/* store_admin_read_summary - the first ADMIN_SUMMARY_NCOLS columns of a row. */
struct admin_summary *store_admin_read_summary(sqlite3_stmt *st);
/* store_admin_not_found - STORE_ERR_NOTFOUND "no statement N"; returns -1. */
int store_admin_not_found(gint64 id, GError **error);

#endif
