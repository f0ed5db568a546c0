/* fuzz_directory.c - libFuzzer target: the directory loader and the resolver.
 * The input is split at the first NUL: a directory file, then a name to resolve
 * against it (or against the example directory when the file does not load). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "conf/directory.h"

static struct directory *example;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!example) {
		example = directory_load("conf/directory.example.conf", NULL, NULL);
		if (!example)
			example = directory_new_empty();
	}
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	char path[] = "/tmp/fuzz-directory-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, flen) != (ssize_t)flen) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	GPtrArray *problems = NULL;
	struct directory *d = directory_load(path, &problems, NULL);
	unlink(path);
	if (problems)
		g_ptr_array_unref(problems);
	char *name = nul ? g_strndup((const char *)nul + 1, size - flen - 1) : g_strdup("quic");
	GPtrArray *m = directory_resolve(d ? d : example, name);
	g_ptr_array_set_free_func(m, directory_match_free);
	g_ptr_array_unref(m);
	g_free(name);
	directory_free(d);
	return 0;
}
