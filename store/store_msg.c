/* store_msg.c - spooling raw messages and committing them durably, exactly once. */
#include "store/store_msg.h"
#include "store/store_query.h"
#include "model/digest.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes gathered before one write(2): a 50 KB message is two syscalls, not
 * one per line. */
#define SPOOL_BUF 65536
/* Bounds of the header scan that finds the Message-ID: one folded field is
 * looked at up to this size, the rest of it is skipped (memory stays flat
 * whatever the client sends). */
#define FIELD_MAX 8192
#define MSGID_MAX 998

struct store_spool {
	struct store *store;
	GByteArray *mem;            /* the bytes while they fit inline_max, else NULL */
	int fd;                     /* -1 while in MEM */
	char *path;                 /* where the file is now (tmp/, then msg/); NULL in MEM */
	char *name;                 /* basename, kept when moved into msg/ */
	gboolean committed;         /* in msg/ and referenced by a committed row */
	gboolean synced;            /* on disk up to size (store_spool_sync) */
	gboolean published;         /* renamed into msg/ and the folder synced */
	gint64 size;
	gnutls_hash_hd_t all;       /* every byte: messages.sha256 */
	char *buf;
	size_t buf_len;

	/* header scan */
	gboolean in_header;
	GString *line;              /* current physical line, bounded */
	GString *field;             /* current (unfolded) field, bounded */
	char *message_id;           /* first Message-ID, without <> */
	char *from;                 /* first From field's value, blanks collapsed */
	char *sha;                  /* the digest of every byte, once the commit took it */
	char *body_sha;             /* the body's, once a dedupe key needed it */
};

static int spool_flush(struct store_spool *sp, GError **error);
static int spool_buffer(struct store_spool *sp, const char *p, size_t len, GError **error);

/* SHA-256 through GnuTLS (nettle) rather than GChecksum: it uses the CPU's
 * SHA instructions, about five times faster here, and every byte received
 * is hashed on the way to the disk. */
static char *
hash_hex(gnutls_hash_hd_t h)
{
	unsigned char d[32];
	gnutls_hash_output(h, d);        /* also resets H */
	return digest_hex(d);
}


static int
io_error(GError **error, const char *what, const char *path)
{
	int e = errno;
	g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "%s %s: %s", what, path, g_strerror(e));
	return -1;
}

void
store_set_inline_max(struct store *s, gint64 bytes)
{
	s->inline_max = bytes;
}

/* spool_file - give SP its file under tmp/. */
static int
spool_file(struct store_spool *sp, GError **error)
{
	struct store *s = sp->store;
	/* The pid in the name lets a restarted daemon remove only spools whose
	 * writer is gone (store_spool_clean), never a liaisonctl submit in flight. */
	g_autofree char *tmpl = g_strdup_printf("%s/%d-XXXXXX", s->tmp_dir, (int)getpid());
	int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0)
		return io_error(error, "create spool in", s->tmp_dir);
	sp->fd = fd;
	sp->path = g_steal_pointer(&tmpl);
	sp->name = g_path_get_basename(sp->path);
	sp->buf = g_malloc(SPOOL_BUF);
	return 0;
}

struct store_spool *
store_spool_new(struct store *s, GError **error)
{
	gnutls_hash_hd_t all;
	if (gnutls_hash_init(&all, GNUTLS_DIG_SHA256) < 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "cannot start SHA-256");
		return NULL;
	}
	struct store_spool *sp = g_new0(struct store_spool, 1);
	sp->store = s;
	sp->fd = -1;
	sp->all = all;
	sp->in_header = TRUE;
	sp->line = g_string_sized_new(256);
	sp->field = g_string_sized_new(256);
	/* in memory until it outgrows inline_max (no inode for a small one) */
	if (s->inline_max > 0)
		sp->mem = g_byte_array_sized_new((guint)MIN(s->inline_max, 65536));
	else if (spool_file(sp, error) < 0) {
		store_spool_free(sp);
		return NULL;
	}
	return sp;
}

/* field_msgid - the value after "Message-ID" (P at the colon or blanks
 * before it): the text between < and > (RFC 5322 3.6.4), else the bare
 * token; NULL when it is not usable as a key. */
static char *
field_msgid(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	const char *lt = strchr(p, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	char *v = lt && gt ? g_strndup(lt + 1, (gsize)(gt - lt - 1)) : g_strdup(p);
	g_strstrip(v);
	gboolean ok = *v != '\0' && strlen(v) <= MSGID_MAX;
	for (const char *q = v; ok && *q; q++)
		ok = (unsigned char)*q > ' ' && *q != 0x7f && *q != '<' && *q != '>';
	if (!ok) {
		g_free(v);
		return NULL;
	}
	return v;
}

/* note_field - a header field is complete: keep the first Message-ID. */
static void
note_field(struct store_spool *sp)
{
	GString *f = sp->field;
	if (!sp->message_id && f->len >= 11 && g_ascii_strncasecmp(f->str, "Message-ID", 10) == 0)
		sp->message_id = field_msgid(f->str + 10);
	if (!sp->from && f->len >= 5 && g_ascii_strncasecmp(f->str, "From", 4) == 0) {
		const char *p = f->str + 4;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ':') {
			g_auto(GStrv) words = g_strsplit_set(p + 1, " \t\r\n", -1);
			GString *v = g_string_new(NULL);
			for (int i = 0; words[i]; i++)
				if (*words[i])
					g_string_append_printf(v, "%s%s", v->len ? " " : "", words[i]);
			sp->from = g_string_free(v, FALSE);
		}
	}
	g_string_truncate(f, 0);
}

/* end_line - a physical header line is complete: a blank one ends the header
 * section, one starting with white space continues the field (RFC 5322 2.2.3). */
static void
end_line(struct store_spool *sp)
{
	GString *l = sp->line;
	gsize n = l->len;
	if (n > 0 && l->str[n - 1] == '\r')
		n--;
	if (n == 0) {
		note_field(sp);
		sp->in_header = FALSE;
	} else if (l->str[0] == ' ' || l->str[0] == '\t') {
		if (sp->field->len + n < FIELD_MAX)
			g_string_append_len(sp->field, l->str, (gssize)n);
	} else {
		note_field(sp);
		g_string_append_len(sp->field, l->str, (gssize)MIN(n, (gsize)FIELD_MAX));
	}
	g_string_truncate(l, 0);
}

/* scan_header - feed bytes to the header scan; returns how many belonged to
 * the header section (the rest is body). */
static size_t
scan_header(struct store_spool *sp, const char *p, size_t len)
{
	size_t i = 0;
	while (i < len && sp->in_header) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - p) : len;
		if (sp->line->len < FIELD_MAX)
			g_string_append_len(sp->line, p + i,
			    (gssize)MIN(end - i, FIELD_MAX - sp->line->len));
		i = nl ? end + 1 : len;
		if (nl)
			end_line(sp);
	}
	return i;
}

int
store_spool_write(struct store_spool *sp, const void *buf, size_t len, GError **error)
{
	const char *p = buf;
	gnutls_hash(sp->all, buf, len);
	if (sp->in_header)
		scan_header(sp, p, len);
	sp->size += (gint64)len;
	sp->synced = FALSE;
	if (sp->mem && sp->size <= sp->store->inline_max) {
		g_byte_array_append(sp->mem, (const guint8 *)p, (guint)len);
		return 0;
	}
	if (sp->mem) {
		/* outgrown: to a file, the bytes so far first */
		if (spool_file(sp, error) < 0)
			return -1;
		GByteArray *mem = g_steal_pointer(&sp->mem);
		int rc = spool_buffer(sp, (const char *)mem->data, mem->len, error);
		g_byte_array_unref(mem);
		if (rc < 0)
			return -1;
	}
	return spool_buffer(sp, p, len, error);
}

/* spool_buffer - LEN bytes at P through the write buffer to the file. */
static int
spool_buffer(struct store_spool *sp, const char *p, size_t len, GError **error)
{
	while (len > 0) {
		size_t n = MIN(len, SPOOL_BUF - sp->buf_len);
		memcpy(sp->buf + sp->buf_len, p, n);
		sp->buf_len += n;
		p += n;
		len -= n;
		if (sp->buf_len == SPOOL_BUF && spool_flush(sp, error) < 0)
			return -1;
	}
	return 0;
}

/* spool_flush - write out the buffer; a short write is retried, a failure
 * (disk full) is temporary. */
static int
spool_flush(struct store_spool *sp, GError **error)
{
	size_t off = 0;
	while (off < sp->buf_len) {
		ssize_t w = write(sp->fd, sp->buf + off, sp->buf_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return io_error(error, "write", sp->path);
		off += (size_t)w;
	}
	sp->buf_len = 0;
	return 0;
}

/* publish - move the spool into msg/ under its final name. */
static int
publish(struct store_spool *sp, GError **error)
{
	struct store *s = sp->store;
	char *dest = g_build_filename(s->msg_dir, sp->name, NULL);
	if (rename(sp->path, dest) != 0) {
		g_free(dest);
		return io_error(error, "rename", sp->path);
	}
	g_free(sp->path);
	sp->path = dest;
	return 0;
}

int
store_spool_sync(struct store_spool *sp, GError **error)
{
	if (sp->mem)
		return 0;   /* durable with the transaction that stores it */
	if (!sp->synced) {
		if (spool_flush(sp, error) < 0)
			return -1;
		if (fsync(sp->fd) != 0)
			return io_error(error, "fsync", sp->path);
		sp->synced = TRUE;
	}
	if (!sp->published) {
		if (publish(sp, error) < 0)
			return -1;
		sp->published = TRUE;
	}
	return 0;
}

gint64
store_spool_size(const struct store_spool *sp)
{
	return sp->size;
}

void
store_spool_free(struct store_spool *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	if (!sp->committed && sp->path)
		unlink(sp->path);
	if (sp->mem)
		g_byte_array_unref(sp->mem);
	gnutls_hash_deinit(sp->all, NULL);
	g_string_free(sp->line, TRUE);
	g_string_free(sp->field, TRUE);
	g_free(sp->buf);
	g_free(sp->path);
	g_free(sp->name);
	g_free(sp->message_id);
	g_free(sp->from);
	g_free(sp->sha);
	g_free(sp->body_sha);
	g_free(sp);
}

/* The body's place in a "mid:" key for a message whose Message-ID no
 * other message had when it was recorded (dedupe_key). */
#define LAZY_BODY "-"

/* body_scan - the header section ends at the first blank line (empty, or a
 * lone CR before its LF): the rule end_line follows. Fed the message in
 * order; returns how many bytes of P belong to the header section. */
struct body_scan {
	gboolean found;
	gsize line;     /* bytes of the current line so far */
	gboolean cr;    /* and they are one CR */
};

static size_t
body_scan(struct body_scan *b, const char *p, size_t len)
{
	size_t i = 0;
	while (i < len && !b->found) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - p) : len;
		if (end > i) {
			b->cr = b->line == 0 && end - i == 1 && p[i] == '\r';
			b->line += end - i;
		}
		if (!nl)
			return len;
		b->found = b->line == 0 || (b->line == 1 && b->cr);
		b->line = 0;
		b->cr = FALSE;
		i = end + 1;
	}
	return i;
}

/* body_digest - the SHA-256 of the body of the message in MEM, or when MEM
 * is NULL in file FD (read from its start in pieces: memory stays flat). */
static char *
body_digest(const GByteArray *mem, int fd, GError **error)
{
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "cannot start SHA-256");
		return NULL;
	}
	struct body_scan b = { 0 };
	ssize_t n = 0;
	if (mem) {
		size_t hd = body_scan(&b, (const char *)mem->data, mem->len);
		gnutls_hash(h, mem->data + hd, mem->len - hd);
	} else {
		char *buf = g_malloc(SPOOL_BUF * 4);
		off_t off = 0;
		while ((n = pread(fd, buf, SPOOL_BUF * 4, off)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				io_error(error, "read", "message");
				break;
			}
			size_t hd = b.found ? 0 : body_scan(&b, buf, (size_t)n);
			gnutls_hash(h, buf + hd, (size_t)n - hd);
			off += n;
		}
		g_free(buf);
	}
	char *hex = n < 0 ? NULL : hash_hex(h);
	gnutls_hash_deinit(h, NULL);
	return hex;
}

/* lazy_row - the id of a row whose key waits for its body's digest. */
struct lazy {
	const char *prefix;   /* "mid:<id>:-:" */
	GArray *ids;
};

static int
lazy_row(sqlite3_stmt *q, void *data)
{
	struct lazy *l = data;
	const char *key = store_col_str(q, 1);
	if (key && g_str_has_prefix(key, l->prefix)) {
		gint64 id = store_col_int64(q, 0);
		g_array_append_val(l->ids, id);
	}
	return 0;
}

/* fill_lazy - the messages with Message-ID MID recorded with LAZY_BODY get
 * their body's digest in their key: 1 when there was any message with
 * MID at all, 0 when none, -1 on error. */
static int
fill_lazy(struct store *s, const char *mid, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT id, dedupe_key FROM messages WHERE message_id = ?",
	    error) < 0)
		return -1;
	store_bind_text(st, 1, mid);
	g_autofree char *prefix = g_strdup_printf("mid:%s:" LAZY_BODY ":", mid);
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	struct lazy l = { prefix, ids };
	int rows = store_q_each(s, st, lazy_row, &l, "look up Message-ID", error);
	for (guint i = 0; rows > 0 && i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		int fd;
		GByteArray *mem = store_msg_read(s, id, &fd, error);
		if (!mem && fd < 0)
			return -1;
		g_autofree char *body = body_digest(mem, fd, error);
		if (mem)
			g_byte_array_unref(mem);
		if (fd >= 0)
			close(fd);
		if (!body)
			return -1;
		if (store_prepare(s, &st, "UPDATE messages SET dedupe_key = 'mid:' || ?"
		    " || substr(dedupe_key, ?) WHERE id = ?", error) < 0)
			return -1;
		g_autofree char *head = g_strdup_printf("%s:%s:", mid, body);
		store_bind_text(st, 1, head);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)strlen(prefix) + 1);
		sqlite3_bind_int64(st, 3, id);
		if (store_q_exec(s, st, "fill in dedupe key", error) < 0)
			return -1;
	}
	return rows < 0 ? -1 : rows > 0;
}

/* dedupe_key - what makes a redelivery recognisable. With a Message-ID the
 * key is that id, the digest of the body only (Postfix and relays add trace
 * headers (Received, Delivered-To) on each attempt, so a digest of the whole
 * message would differ), then a digest of the From field and one of the
 * envelope sender: a forged copy with the same Message-ID and body from
 * someone else is recorded, not taken for the real one (issue 14), and
 * store_msg_twins finds it. Without a Message-ID, only identical bytes match.
 *
 * The body's digest is taken only when another message with the same
 * Message-ID is on record: nearly every message's is new, and the digest
 * was a second pass of SHA-256 over every byte received (a tenth of the CPU
 * a 1 MB statement cost). A message recorded first has LAZY_BODY in its
 * key; the next one with its Message-ID fills in its digest (fill_lazy),
 * from the stored bytes, in the same transaction and before any lookup, so
 * all the messages sharing a Message-ID always have full keys, and every
 * comparison below (find_key, find_prefix, store_msg_twins) is between them.
 * NULL with ERROR when the stored bytes cannot be read. */
static char *
dedupe_key(struct store *s, struct store_spool *sp, const char *sha_all,
    const char *envelope_from, GError **error)
{
	if (!sp->message_id)
		return g_strdup_printf("sha:%s", sha_all);
	const char *f = sp->from ? sp->from : "", *e = envelope_from ? envelope_from : "";
	g_autofree char *from = digest_sha256(f, strlen(f));
	g_autofree char *env = digest_sha256(e, strlen(e));
	int seen = fill_lazy(s, sp->message_id, error);
	if (seen < 0)
		return NULL;
	if (seen && !sp->body_sha && !(sp->body_sha = body_digest(sp->mem, sp->fd, error)))
		return NULL;
	return g_strdup_printf("mid:%s:%s:%s:%s", sp->message_id, seen ? sp->body_sha : LAZY_BODY,
	    from, env);
}

/* ENV_HEX - the envelope digest at the end of a "mid:" key, with its colon. */
#define ENV_HEX 65

/* imported - a file recorded by `liaisonctl submit` without --from: its
 * envelope sender is unknown, so any envelope of the same From matches. */
static gboolean
imported(const struct store_envelope *env)
{
	return env->client && strcmp(env->client, "liaisonctl") == 0 &&
	    (!env->envelope_from || !*env->envelope_from);
}

/* find_prefix - the first id whose key starts with the key KEY less its
 * envelope digest (a range on the UNIQUE index), 0 when none, -1 on error. */
static gint64
find_prefix(struct store *s, const char *key, GError **error)
{
	gsize n = strlen(key);
	if (!g_str_has_prefix(key, "mid:") || n <= ENV_HEX)
		return 0;
	g_autofree char *lo = g_strndup(key, n - ENV_HEX + 1);      /* ends in ':' */
	g_autofree char *hi = g_strdup(lo);
	hi[strlen(hi) - 1] = ';';                                   /* ':' + 1 */
	sqlite3_stmt *st;
	gint64 id = 0;
	if (store_prepare(s, &st, "SELECT min(id) FROM messages WHERE dedupe_key >= ?"
	    " AND dedupe_key < ?", error) < 0)
		return -1;
	store_bind_text(st, 1, lo);
	store_bind_text(st, 2, hi);
	return store_q_one(s, st, store_row_int64, &id, "look up dedupe key", error) < 0 ? -1 : id;
}

int
store_msg_twins(struct store *s, gint64 id, GArray *ids, GError **error)
{
	/* the same "mid:<id>:<body>:" and other sender digests (From and
	 * envelope: 129 characters at the end); equal lengths keep keys of
	 * another form apart */
	if (store_q_each_id(s, "SELECT o.id FROM messages m JOIN messages o"
	    " ON o.message_id = m.message_id AND o.id != m.id"
	    " WHERE m.id = ? AND m.dedupe_key LIKE 'mid:%'"
	    " AND length(o.dedupe_key) = length(m.dedupe_key)"
	    " AND substr(o.dedupe_key, 1, length(m.dedupe_key) - 129) ="
	    "     substr(m.dedupe_key, 1, length(m.dedupe_key) - 129)"
	    " ORDER BY o.id LIMIT 10", id, store_row_append_int64, ids, "look up twins", error) < 0)
		return -1;
	return (int)ids->len;
}

/* writer_gone - is the process that named this spool file ("<pid>-XXXXXX")
 * gone? A live one (a liaisonctl submit, another daemon) keeps its files. */
static gboolean
writer_gone(const char *name)
{
	int pid = atoi(name);
	if (pid <= 0)
		return FALSE;
	return pid != (int)getpid() && kill(pid, 0) != 0 && errno == ESRCH;
}

static int
row_path(sqlite3_stmt *st, void *data)
{
	g_hash_table_add(data, store_col_text(st, 0));
	return 0;
}

/* referenced_paths - every path the messages table names, or NULL on error. */
static GHashTable *
referenced_paths(struct store *s)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT path FROM messages", NULL) < 0)
		return NULL;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (store_q_each(s, st, row_path, h, "read message paths", NULL) < 0) {
		g_hash_table_unref(h);
		return NULL;
	}
	return h;
}

/* clean_dir - remove the files in DIR (SUB relative to state_dir) whose
 * writer is gone and that no row names (REFS NULL: none does). */
static int
clean_dir(struct store *s, const char *dir, const char *sub, GHashTable *refs)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	int n = 0;
	if (!d)
		return 0;
	while ((name = g_dir_read_name(d))) {
		g_autofree char *rel = g_build_filename(sub, name, NULL);
		if (!writer_gone(name) || (refs && g_hash_table_contains(refs, rel)))
			continue;
		g_autofree char *p = g_build_filename(dir, name, NULL);
		if (unlink(p) == 0)
			n++;
	}
	g_dir_close(d);
	return n;
}

/* store_spool_clean - remove what a crash before the commit left (the client
 * got no 250 and sends again): spools in tmp/, and files published into msg/
 * that no row names. Reading every path costs one query at start-up. */
int
store_spool_clean(struct store *s)
{
	int n = clean_dir(s, s->tmp_dir, "tmp", NULL);
	GHashTable *refs = referenced_paths(s);
	if (refs) {
		n += clean_dir(s, s->msg_dir, "msg", refs);
		g_hash_table_unref(refs);
	}
	return n;
}

/* find_key - the id already recorded under KEY, 0 when none, -1 on error. */
static gint64
find_key(struct store *s, const char *key, GError **error)
{
	sqlite3_stmt *st;
	gint64 id = 0;
	if (store_prepare(s, &st, "SELECT id FROM messages WHERE dedupe_key = ?", error) < 0)
		return -1;
	store_bind_text(st, 1, key);
	return store_q_one(s, st, store_row_int64, &id, "look up dedupe key", error) < 0 ? -1 : id;
}

/* insert_message - the row, its recipients and its 'received' event. */
static gint64
insert_message(struct store *s, struct store_spool *sp, const struct store_envelope *env,
    const char *sha, const char *key, const char *rel, GError **error)
{
	sqlite3_stmt *st;
	g_autofree char *now = store_now();
	if (store_prepare(s, &st, "INSERT INTO messages(received_at, envelope_from, message_id,"
	    " size, sha256, dedupe_key, path, client, session_id) VALUES (?,?,?,?,?,?,?,?,?)",
	    error) < 0)
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, env->envelope_from ? env->envelope_from : "", -1, SQLITE_TRANSIENT);
	if (sp->message_id)
		sqlite3_bind_text(st, 3, sp->message_id, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, sp->size);
	sqlite3_bind_text(st, 5, sha, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, rel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, env->client ? env->client : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, env->session_id ? env->session_id : "", -1, SQLITE_TRANSIENT);
	if (store_q_exec(s, st, "insert message", error) < 0)
		return -1;
	gint64 id = sqlite3_last_insert_rowid(s->db);

	if (store_prepare(s, &st, "INSERT INTO message_recipients(message, position, address)"
	    " VALUES (?,?,?)", error) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; rc == 0 && env->recipients && env->recipients[i]; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i + 1);
		sqlite3_bind_text(st, 3, env->recipients[i], -1, SQLITE_TRANSIENT);
		if (store_q_run(s, st, "insert recipient", error) < 0)
			rc = -1;
	}
	store_finish(s, st);
	if (rc < 0)
		return -1;
	g_autofree char *detail = g_strdup_printf("client=%s session=%s size=%" G_GINT64_FORMAT,
	    env->client ? env->client : "", env->session_id ? env->session_id : "", sp->size);
	const char *actor = env->client && strcmp(env->client, "liaisonctl") == 0 ?
	    "liaisonctl" : "liaisond";
	if (store_event(s, id, actor, "received", detail, FALSE, error) < 0)
		return -1;
	return id;
}

/* insert_bytes - the bytes of inline message ID. */
static int
insert_bytes(struct store *s, gint64 id, const GByteArray *mem, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare_cached(s, &st, "INSERT INTO message_bytes(message, bytes) VALUES (?,?)",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, mem->data, (int)mem->len, SQLITE_STATIC);
	return store_q_exec(s, st, "insert message bytes", error);
}

/* record_batch - the rows of SPOOLS[0..N) in one transaction; -1 leaves
 * ERROR and the caller undoes it. */
static int
record_batch(struct store *s, struct store_spool *const *spools,
    const struct store_envelope *envs, struct store_msg_result *results, int n,
    GError **error)
{
	if (store_begin(s, error) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct store_spool *sp = spools[i];
		/* Digests are taken once (a spool is committed at most once), the
		 * key for each attempt: another message with the same Message-ID
		 * may have been recorded since the last. */
		if (!sp->sha)
			sp->sha = hash_hex(sp->all);
		g_autofree char *key = dedupe_key(s, sp, sp->sha, envs[i].envelope_from, error);
		if (!key)
			return -1;
		const char *sha = sp->sha;
		/* A duplicate in the same batch finds the row inserted just before. */
		gint64 id = find_key(s, key, error);
		if (id == 0 && imported(&envs[i]))
			id = find_prefix(s, key, error);
		if (id < 0)
			return -1;
		if (id > 0) {
			results[i].id = id;
			results[i].duplicate = TRUE;
			continue;
		}
		g_autofree char *rel = sp->mem ? g_strdup("") : g_build_filename("msg", sp->name, NULL);
		id = insert_message(s, sp, &envs[i], sha, key, rel, error);
		if (id < 0 || (sp->mem && insert_bytes(s, id, sp->mem, error) < 0))
			return -1;
		results[i].id = id;
	}
	return store_commit(s, error);
}

/* commit_batch - the work of store_msg_commit: 0 when the batch is durable;
 * -1 when nothing was recorded (ERROR set, the caller rolls back); 1 when
 * the rows were committed but the fsync of the log after it failed. */
static int
commit_batch(struct store *s, struct store_spool *const *spools,
    const struct store_envelope *envs, struct store_msg_result *results, int n,
    GError **error)
{
	/* Files first, outside the write lock: each is fsynced and renamed into
	 * msg/ (here, or already by store_spool_sync on its session's thread),
	 * then the folder is fsynced once for the whole batch, so every file a
	 * row will name is durable before the transaction that records it. (A
	 * crash after this leaves files no row names: the client got no 250
	 * and sends again.) */
	gboolean files = FALSE;
	for (int i = 0; i < n; i++) {
		struct store_spool *sp = spools[i];
		if (sp->mem)
			continue;   /* its bytes go into the transaction */
		if (store_spool_sync(sp, error) < 0)
			return -1;
		files = TRUE;
	}
	if (files && store_fsync_dir(s->msg_dir, error) < 0)
		return -1;
	/* After a failed fsync of the log nothing is answered 250 again (not
	 * even a redelivery of what that batch recorded) until the daemon is
	 * restarted: Linux reports a failed writeback once and may then mark
	 * the pages clean, so a later fsync that succeeds proves nothing about
	 * them. Postfix keeps the mail meanwhile. */
	if (s->wal_error) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "no mail is taken since the log"
		    " could not be synced (%s); check the disk, then restart", s->wal_error);
		return -1;
	}
	/* Several messages: the COMMIT leaves out the fsync and the log is
	 * fsynced here, once the write lock is free again, so that the parse
	 * workers' saves do not wait out the disk's flush (store_sync.c says why
	 * that is as durable). Measured at 50 KB: +16-24 % statements/s at 20
	 * clients, 0-9 % at 8; no change at 1 MB, where the workers wait for
	 * the CPU rather than the lock. A message alone keeps the fsync
	 * inside its COMMIT: with one client that was 15-16 % faster, as a
	 * worker's save taken in the gap made the fsync after it longer. The
	 * level is set for every batch, so that a failure cannot leave it
	 * relaxed. */
	gboolean later = n >= 2;
	if (store_sync_level(s, !later, error) < 0)
		return -1;
	if (record_batch(s, spools, envs, results, n, error) < 0)
		return -1;
	if (later && store_wal_sync(s, error) < 0) {
		s->wal_error = g_strdup((*error)->message);
		return 1;
	}
	return 0;
}

int
store_msg_commit(struct store *s, struct store_spool *const *spools,
    const struct store_envelope *envs, struct store_msg_result *results, int n)
{
	GError *error = NULL;
	s->busy_step_us = 250;   /* a session (and Postfix) waits for this commit */
	for (int i = 0; i < n; i++)
		results[i] = (struct store_msg_result){ 0 };
	int rc = commit_batch(s, spools, envs, results, n, &error);
	if (rc >= 0)
		for (int i = 0; i < n; i++)
			if (!results[i].duplicate)
				spools[i]->committed = TRUE;   /* else store_spool_free removes its file */
	if (rc == 0)
		return 0;
	if (rc > 0) {
		/* Recorded but not known to be on disk: no 250, now or later in this
		 * process (above). The rows stay: other connections may have read
		 * them already. */
		for (int i = 0; i < n; i++)
			results[i].error = g_error_new(STORE_ERROR, STORE_ERR_TEMP,
			    "recorded, but %s", error->message);
		g_error_free(error);
		return n;
	}
	/* Nothing half-stored: roll back, and files already in msg/ are removed
	 * by store_spool_free (not committed). Every message gets the error,
	 * classed temporary: the fault is ours or the machine's, never the sender's. */
	store_rollback(s);
	for (int i = 0; i < n; i++) {
		results[i].id = 0;
		results[i].duplicate = FALSE;
		results[i].error = g_error_new(STORE_ERROR, STORE_ERR_TEMP, "%s", error->message);
	}
	g_error_free(error);
	return n;
}

/* raw_row - the row's file, open, or a copy of its message_bytes. */
struct raw_row {
	struct store *s;
	int fd;
	GByteArray *bytes;
	GError **error;
};

static int
row_raw(sqlite3_stmt *q, void *data)
{
	struct raw_row *r = data;
	const char *rel = store_col_str(q, 0);
	if (rel && *rel) {
		g_autofree char *abs = g_path_is_absolute(rel) ? g_strdup(rel) :
		    g_build_filename(r->s->state_dir, rel, NULL);
		if ((r->fd = open(abs, O_RDONLY | O_CLOEXEC)) < 0)
			io_error(r->error, "open", abs);
		return 1;
	}
	gsize len = (gsize)sqlite3_column_bytes(q, 1);
	r->bytes = g_byte_array_sized_new((guint)len + 1);
	if (len)
		g_byte_array_append(r->bytes, sqlite3_column_blob(q, 1), (guint)len);
	return 1;
}

GByteArray *
store_msg_read(struct store *s, gint64 id, int *fd, GError **error)
{
	*fd = -1;
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT m.path, b.bytes FROM messages m"
	    " LEFT JOIN message_bytes b ON b.message = m.id WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	struct raw_row r = { s, -1, NULL, error };
	int found = store_q_one(s, st, row_raw, &r, "find message", error);
	if (found == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	*fd = r.fd;
	return r.bytes;
}

int
store_msg_open(struct store *s, gint64 id, GError **error)
{
	int fd;
	GByteArray *bytes = store_msg_read(s, id, &fd, error);
	if (!bytes)
		return fd;
	fd = memfd_create("liaisond-message", MFD_CLOEXEC);
	if (fd < 0)
		io_error(error, "memfd_create for message", "bytes");
	for (gsize off = 0; fd >= 0 && off < bytes->len;) {
		ssize_t w = write(fd, bytes->data + off, bytes->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			io_error(error, "write", "memfd");
			close(fd);
			fd = -1;
		} else {
			off += (gsize)w;
		}
	}
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	g_byte_array_unref(bytes);
	return fd;
}
