/* directory.h - the group directory: who is who, and where mail goes.
 * Format: docs/directory.md. Loaded once, read-only afterwards (a SIGHUP
 * loads a new one and swaps the pointer). */
#ifndef LIAISON_DIRECTORY_H
#define LIAISON_DIRECTORY_H

#include <glib.h>
#include "conf/addr.h"

enum dir_type { DIR_WG, DIR_RG, DIR_AREA, DIR_IETF, DIR_IESG, DIR_IAB, DIR_IRTF, DIR_SDO };

struct dir_group {
	char *acronym;               /* the section name, lower case */
	enum dir_type type;
	char *name;                  /* "QUIC"; the acronym when not given */
	char *parent;                /* acronym or NULL */
	char *list;                  /* bare address or NULL */
	GPtrArray *chairs, *ads, *liaison_managers, *contacts, *cc;   /* struct addr *, never NULL */
	char **aliases;              /* NULL-terminated, never NULL */
	gboolean concluded;          /* still resolved: callers warn instead of routing */
};

struct directory;

/* directory_load - read and check PATH. On any problem returns NULL; PROBLEMS
 * (if not NULL) gets every problem as a string "FILE:LINE: [section] key: reason"
 * (in file order; an empty array on success; free it with g_ptr_array_unref),
 * ERROR the first one. No global state: safe to call again (SIGHUP) while an
 * older directory is in use. A loaded directory is read-only, so any number of
 * threads may use it at once. */
struct directory *directory_load(const char *path, GPtrArray **problems, GError **error);
struct directory *directory_new_empty(void);
void directory_free(struct directory *d);

const struct dir_group *directory_get(const struct directory *d, const char *acronym);
/* directory_groups - every group, sorted by type then acronym (do not free items). */
GPtrArray *directory_groups(const struct directory *d);
const char *dir_type_name(enum dir_type t);
/* dir_group_title - the group in full for people, with its acronym: "QUIC
 * working group (quic)", "Security area (sec)"; other bodies by name. */
char *dir_group_title(const struct dir_group *g);

/* directory_liaison_managers - of an SDO group, inherited from its parent body
 * when it has none (struct addr *, owned by the directory; free the array). */
GPtrArray *directory_liaison_managers(const struct directory *d, const struct dir_group *g);

enum dir_match_kind { DIR_MATCH_RESOLVED, DIR_MATCH_AMBIGUOUS, DIR_MATCH_UNKNOWN };

/* One name from a list such as "IETF QUIC WG, IETF TSVWG". */
struct dir_match {
	char *text;                  /* the name as written */
	enum dir_match_kind kind;
	GPtrArray *groups;           /* const struct dir_group *: one when resolved, the candidates when ambiguous */
	char *suggestion;            /* unknown: a close acronym ("did you mean quic?"), or NULL */
};

/* directory_resolve - map loosely written group names to directory groups
 * ("IETF QUIC WG, IETF TSVWG", "QUIC and TLS WGs", "3GPP TSG SA WG3 (SA3)";
 * rules in docs/directory.md). Returns struct dir_match *, one per name, in
 * order; the array frees them (g_ptr_array_unref). D may be NULL (all unknown). */
GPtrArray *directory_resolve(const struct directory *d, const char *text);
void directory_match_free(gpointer m);

#endif
