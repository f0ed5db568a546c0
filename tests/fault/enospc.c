/* enospc.c - LD_PRELOAD shim for the disk-full test.
 *
 * While the file named by $FAULT_ENOSPC_FLAG exists, every write to a regular
 * file (not stdout/stderr, sockets or pipes) fails with ENOSPC, as on a full
 * disk; fsync and fdatasync too. Removing the flag is "space returns". */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int
full(int fd)
{
	const char *flag = getenv("FAULT_ENOSPC_FLAG");
	struct stat st;
	if (!flag || fd <= 2 || access(flag, F_OK) != 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	errno = ENOSPC;
	return 1;
}

#define REAL(name, ret, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (!real) real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL("write", ssize_t, int, const void *, size_t);
	return full(fd) ? -1 : real(fd, buf, n);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL("pwrite64", ssize_t, int, const void *, size_t, off64_t);
	return full(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL("pwrite", ssize_t, int, const void *, size_t, off_t);
	return full(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	REAL("writev", ssize_t, int, const struct iovec *, int);
	return full(fd) ? -1 : real(fd, iov, cnt);
}

int
fsync(int fd)
{
	REAL("fsync", int, int);
	return full(fd) ? -1 : real(fd);
}

int
fdatasync(int fd)
{
	REAL("fdatasync", int, int);
	return full(fd) ? -1 : real(fd);
}

int
ftruncate64(int fd, off64_t len)
{
	REAL("ftruncate64", int, int, off64_t);
	return full(fd) ? -1 : real(fd, len);
}

int
fallocate64(int fd, int mode, off64_t off, off64_t len)
{
	REAL("fallocate64", int, int, int, off64_t, off64_t);
	return full(fd) ? -1 : real(fd, mode, off, len);
}
