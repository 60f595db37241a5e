// SPDX-License-Identifier: GPL-2.0
/*
 * boot.c - the boot counter (boot.h) in the state directory: read, one
 * more written back durably before the first heartbeat goes out.
 */
#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *iptod_state_dir(char *buf, size_t len)
{
	const char *env = getenv("STATE_DIRECTORY");

	if (!env || !*env)
		env = IPTOD_STATE_DIR;
	snprintf(buf, len, "%.*s", (int)strcspn(env, ":"), env);
	return buf;
}

/* Reads the counter in path into *last (0 when there is no file). */
static int read_counter(const char *path, uint64_t *last, char *err, size_t errlen)
{
	char buf[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*last = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "boot counter %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "boot counter %s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	*last = strtoull(buf, &end, 10);
	if (buf[0] < '0' || buf[0] > '9' || errno || (*end && strcmp(end, "\n")) ||
	    *last == UINT64_MAX) {
		snprintf(err, errlen,
			 "boot counter %s: not a number below 2^64-1; write one larger than "
			 "any boot this node has used (its peers' logs show it)", path);
		return -1;
	}
	return 0;
}

static int write_counter(const char *dir, const char *path, const char *tmp,
			 uint64_t boot, char *err, size_t errlen)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%" PRIu64 "\n", boot);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		goto fail;
	if (write(fd, text, len) != len || fsync(fd) < 0) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(tmp);
		errno = e;
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		errno = e;
		goto fail;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);	/* the rename itself lasting */
		close(fd);
	}
	return 0;
fail:
	snprintf(err, errlen, "boot counter %s: cannot write it: %s", path, strerror(errno));
	return -1;
}

int iptod_boot_next(const char *dir, const char *device, uint64_t *boot, char *err,
		    size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint64_t last;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.boot", dir, device) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/%s.boot.new", dir, device) >= sizeof(tmp)) {
		snprintf(err, errlen, "state directory %s: path too long", dir);
		return -1;
	}
	if (read_counter(path, &last, err, errlen) < 0 ||
	    write_counter(dir, path, tmp, last + 1, err, errlen) < 0)
		return -1;
	*boot = last + 1;
	return 0;
}
