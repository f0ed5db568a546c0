/* cmd_stmt.c - liaisonctl attachment: a stored attachment's bytes, as received. */
#include "ctl/ctl.h"
#include "parser/mime.h"
#include "store/store_stmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct ctl_cmd *cmd_self(void);

/* copy_checked - BLOB to FD, hashing on the way: a damaged blob is refused
 * rather than handed out as the attachment. */
static int
copy_checked(const char *blob, int fd, const char *want_sha, GError **error)
{
	int in = open(blob, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "attachment file %s: %s", blob, g_strerror(errno));
		return -1;
	}
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		g_checksum_update(ck, (const guchar *)buf, n);
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				    "write: %s", g_strerror(errno));
				rc = -1;
				goto out;
			}
			off += w;
		}
	}
	if (n < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "read %s: %s",
		    blob, g_strerror(errno));
		rc = -1;
	} else if (strcmp(g_checksum_get_string(ck), want_sha) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "attachment file %s is damaged "
		    "(its SHA-256 is not %s); restore it from a backup", blob, want_sha);
		rc = -1;
	}
out:
	g_checksum_free(ck);
	close(in);
	return rc;
}

static int
cmd_attachment(struct ctl *c, int argc, char **argv)
{
	const char *out = NULL;
	const char *pos[2] = { NULL, NULL };
	int np = 0;
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage(cmd_self());
		else if (np < 2)
			pos[np++] = argv[i];
		else
			return ctl_usage(cmd_self());
	}
	gint64 id = ctl_parse_id(pos[0]);
	gint64 n = ctl_parse_id(pos[1]);
	if (id < 0 || n < 0 || n > G_MAXINT)
		return ctl_usage(cmd_self());

	GError *error = NULL;
	char *blob = NULL, *tmp = NULL, *into = NULL;
	struct store *s = ctl_store(c);
	struct statement *probe = store_stmt_load(s, id, &error);
	if (!probe)
		return ctl_fail_error(error);
	statement_free(probe);
	struct attachment *a = store_stmt_attachment(s, id, (int)n, &blob, &error);
	if (!a)
		return ctl_fail_error(error);

	int rc = 0;
	if (c->json && !out) {
		/* Metadata only: bytes never go to a terminal or a JSON reader by accident. */
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_int_member(o, "position", a->position);
		json_object_set_string_member(o, "filename", a->filename);
		if (a->original_filename)
			json_object_set_string_member(o, "original_filename", a->original_filename);
		else
			json_object_set_null_member(o, "original_filename");
		json_object_set_string_member(o, "content_type", a->content_type);
		json_object_set_int_member(o, "size", a->size);
		json_object_set_string_member(o, "sha256", a->sha256);
		JsonNode *node = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(node, o);
		ctl_print_json(node);
		goto done;
	}
	if (!out) {
		fflush(stdout);
		if (copy_checked(blob, STDOUT_FILENO, a->sha256, &error) < 0)
			rc = ctl_fail_error(error);
		goto done;
	}
	/* -o DIR: the file is named after the attachment, sanitised again
	 * (a name stored by an older version may hold controls or bidi
	 * overrides; the sender's own name stays in the raw mail). */
	if (g_file_test(out, G_FILE_TEST_IS_DIR)) {
		g_autofree char *name = mime_sanitise_filename(a->filename, a->content_type,
		    a->position);
		into = g_build_filename(out, name, NULL);
		out = into;
	}
	/* -o FILE: written beside it, renamed over it only when complete. */
	tmp = g_strdup_printf("%s.part-XXXXXX", out);
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = ctl_fail(EX_CANTCREAT_, "cannot write %s: %s", out, g_strerror(errno));
		goto done;
	}
	if (copy_checked(blob, fd, a->sha256, &error) < 0 || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		rc = error ? ctl_fail_error(error) : ctl_fail(EX_IOERR_, "fsync %s failed", out);
		goto done;
	}
	close(fd);
	if (rename(tmp, out) != 0) {
		unlink(tmp);
		rc = ctl_fail(EX_CANTCREAT_, "cannot write %s: %s", out, g_strerror(errno));
		goto done;
	}
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_int_member(o, "position", a->position);
		json_object_set_string_member(o, "filename", a->filename);
		json_object_set_string_member(o, "written", out);
		json_object_set_int_member(o, "size", a->size);
		json_object_set_string_member(o, "sha256", a->sha256);
		JsonNode *node = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(node, o);
		ctl_print_json(node);
	} else {
		fprintf(stderr, "wrote %s (%" G_GINT64_FORMAT " bytes, %s)\n", out, a->size, a->filename);
	}
done:
	g_free(tmp);
	g_free(into);
	g_free(blob);
	attachment_free(a);
	return rc;
}

const struct ctl_cmd ctl_cmds_stmt[] = {
	{ "attachment", cmd_attachment, "ID N [-o FILE] [--json]",
	  "write attachment N of statement ID, decoded, byte for byte",
	  "Writes the Nth attachment of statement ID (numbered from 1, as `show` lists\n"
	  "them) exactly as the sender attached it, decoded from base64 or\n"
	  "quoted-printable. Without -o the bytes go to standard output; with -o FILE\n"
	  "they are written to FILE (replaced only once complete), with -o DIR to a file\n"
	  "in DIR named after the attachment (control characters and bidi overrides\n"
	  "replaced by _; the sender's own name is in the raw mail). The stored copy is\n"
	  "checked against its SHA-256 on the way; a damaged copy is refused (exit 74).\n"
	  "With --json and no -o, prints the attachment's details instead of its bytes." },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct ctl_cmd *
cmd_self(void)
{
	return &ctl_cmds_stmt[0];
}
