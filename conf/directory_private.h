/* directory_private.h - what directory.c (loading) and resolve.c (names)
 * share: the directory's tables and the name normalisation. */
#ifndef LIAISON_DIRECTORY_PRIVATE_H
#define LIAISON_DIRECTORY_PRIVATE_H

#include "conf/directory.h"

struct directory {
	GPtrArray *groups;         /* struct dir_group *, owned, sorted by type then acronym */
	GHashTable *by_acronym;    /* acronym -> struct dir_group * */
	/* Precomputed at load so that resolving is a few hash lookups:
	 * full: the name lower-cased, punctuation dropped -> one group;
	 * loose: the same without IETF/WG/area/... -> GPtrArray of groups;
	 * scopes: an SDO group -> (key -> GPtrArray of its sub-groups), the
	 * keys including sub-group names relative to the body ("wg3"). */
	GHashTable *full;
	GHashTable *loose;
	GHashTable *scopes;
};

#define DIR_HINT_NONE (-1)

/* dir_norm_full - TEXT lower-cased, words of letters and digits joined by
 * one space, "working group 3" folded to "wg3" ("" when nothing is left). */
char *dir_norm_full(const char *text);
/* dir_norm_loose - dir_norm_full without the words that do not name a group
 * (IETF, WG, working group, area, ...); *HINT gets the group type the last
 * such word implies (DIR_WG for "WG") or DIR_HINT_NONE. */
char *dir_norm_loose(const char *text, int *hint);

/* dir_index_add - index TEXT as a name of G. FALSE when another group
 * already has the same name (*CLASH gets it; *LOOSE tells whether the
 * names only became equal once IETF/WG/... were dropped). */
gboolean dir_index_add(struct directory *d, struct dir_group *g, const char *text,
    const struct dir_group **clash, gboolean *loose);
/* dir_index_finish - build the SDO scopes once every group is indexed. */
void dir_index_finish(struct directory *d);
/* dir_tokens - lower-cased words of letters and digits of TEXT (char *),
 * "wg 3" / "working group 3" / "sg 15" / "study group 15" folded to one word. */
GPtrArray *dir_tokens(const char *text);
/* dir_join - words FROM..TO of T joined by one space. */
char *dir_join(GPtrArray *t, guint from, guint to);
/* dir_loose_of - dir_norm_loose of words already split. */
char *dir_loose_of(GPtrArray *t, int *hint);
/* dir_add_unique - append P to A unless it is there already. */
void dir_add_unique(GPtrArray *a, gpointer p);

/* dir_edit_distance - Levenshtein distance of two short ASCII strings
 * (G_MAXUINT when either is longer than 128). */
guint dir_edit_distance(const char *a, const char *b);
/* dir_index_init - empty tables (directory_new_empty and the loader). */
void dir_index_init(struct directory *d);

#endif
