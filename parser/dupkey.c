/* dupkey.c - the digests a repeat of a statement is recognised by. */
#include "parser/dupkey.h"
#include "model/digest.h"

#include <string.h>

/* The body must say this much (normalised characters) to be its content;
 * below, the attachments are the statement ("Please find attached"). */
#define BODY_MIN 80

/* norm_word - append the word W (LEN bytes, no ASCII punctuation or space
 * in it, some bytes not ASCII) to OUT as dupkey_norm does; SPACE says a
 * separator came before it. */
static void
norm_word(GString *out, const char *w, gsize len, gboolean *space)
{
	g_autofree char *n = g_utf8_normalize(w, (gssize)len, G_NORMALIZE_ALL_COMPOSE);
	g_autofree char *f = g_utf8_casefold(n ? n : "", -1);
	for (const char *p = f; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_isalnum(c)) {
			if (*space && out->len)
				g_string_append_c(out, ' ');
			g_string_append_unichar(out, c);
			*space = FALSE;
		} else {
			*space = TRUE;
		}
	}
}

/* What a byte is to the words (classes()): a separator (ASCII space or
 * punctuation, NUL), a byte of a character that is not ASCII, or else an
 * ASCII letter or digit, given as it is normalised: NFKC and case folding
 * of these is lower case. */
#define SEP 0
#define HIGH 0x80

static const unsigned char *
classes(void)
{
	static unsigned char table[256];
	static gsize done;
	if (g_once_init_enter(&done)) {
		for (int c = 0; c < 256; c++)
			table[c] = c >= 0x80 ? HIGH : g_ascii_isalnum(c) ? (unsigned char)g_ascii_tolower(c) :
			    SEP;
		g_once_init_leave(&done, 1);
	}
	return table;
}

/* norm - TEXT as words: NFKC, case folded, letters and digits only, one
 * space between words; quoting marks at a line's start are punctuation.
 * Cut at ASCII spaces and punctuation first: nothing composes across them
 * into a letter or digit (the only compositions that start with one, such
 * as "=" U+0338, give a symbol), so each word is normalised alone and the
 * all-ASCII words, nearly all of a statement, skip the Unicode tables:
 * they are written lowered straight into the output, in the one pass that
 * finds where they end. */
char *
dupkey_norm(const char *text)
{
	const unsigned char *cls = classes();
	const char *p = text ? text : "", *end = p + strlen(p);
	GString *out = g_string_sized_new((gsize)(end - p) + 2);
	gboolean space = FALSE;
	while (*p) {
		if (cls[(unsigned char)*p] == SEP) {
			space = TRUE;
			p++;
			continue;
		}
		/* An ASCII word takes at most the bytes it is read from, and its
		 * separator: room for the rest of the text is room enough. Only
		 * a word normalised by norm_word can grow the output past it. */
		gsize at = out->len;
		if (out->allocated_len < at + (gsize)(end - p) + 2) {
			g_string_set_size(out, at + (gsize)(end - p) + 2);
			g_string_truncate(out, at);
		}
		char *d = out->str + at;
		if (space && at)
			*d++ = ' ';
		const char *w = p;
		unsigned char c;
		while ((c = cls[(unsigned char)*p]) != SEP && c != HIGH) {
			*d++ = (char)c;
			p++;
		}
		if (c == HIGH) {
			/* not ASCII: the whole word goes through the Unicode tables */
			while (cls[(unsigned char)*p] != SEP)
				p++;
			out->str[at] = '\0';
			norm_word(out, w, (gsize)(p - w), &space);
			continue;
		}
		*d = '\0';
		out->len = (gsize)(d - out->str);
		space = FALSE;
	}
	return g_string_free(out, FALSE);
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* groups - the From groups, by acronym when resolved, sorted. */
static char *
groups(GPtrArray *list)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < list->len; i++) {
		const struct group_ref *g = list->pdata[i];
		g_ptr_array_add(names, g->acronym ? g_strdup(g->acronym) : dupkey_norm(g->text));
	}
	g_ptr_array_sort(names, cmp_str);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(",", (char **)names->pdata);
}

/* attachments - the digests of the attachments as sent (not what was
 * unpacked from an archive), sorted: their order is the client's. */
static char *
attachments(GPtrArray *list)
{
	g_autoptr(GPtrArray) sums = g_ptr_array_new();
	for (guint i = 0; i < list->len; i++) {
		const struct attachment *a = list->pdata[i];
		if (!a->derived_from && a->sha256)
			g_ptr_array_add(sums, a->sha256);
	}
	g_ptr_array_sort(sums, cmp_str);
	g_ptr_array_add(sums, NULL);
	return g_strjoinv(",", (char **)sums->pdata);
}

/* thread - the Message-IDs ST's mail answers, kept in metadata so that a
 * reply saved before its original is linked when the original comes. */
static void
thread(struct statement *st)
{
	if (st->in_reply_to && *st->in_reply_to)
		json_object_set_string_member(st->metadata, "in_reply_to", st->in_reply_to);
	if (st->references->len == 0)
		return;
	JsonArray *a = json_array_new();
	for (guint i = 0; i < st->references->len && i < 20; i++)
		json_array_add_string_element(a, st->references->pdata[i]);
	json_object_set_array_member(st->metadata, "references", a);
}

void
dupkey_set(struct statement *st)
{
	thread(st);
	g_autofree char *title = dupkey_norm(st->title);
	if (!*title)
		return;
	g_autofree char *from = groups(st->from_groups);
	g_autofree char *tk = digest_sha256_join((const char *const[]){ title, from }, 2);
	json_object_set_string_member(st->metadata, "title_key", tk);
	g_autofree char *body = dupkey_norm(st->body);
	g_autofree char *att = attachments(st->attachments);
	const char *what = strlen(body) >= BODY_MIN ? body : *att ? att : NULL;
	if (!what)
		return;
	g_autofree char *ck = digest_sha256_join((const char *const[]){ tk, what }, 2);
	json_object_set_string_member(st->metadata, "content_key", ck);
}
