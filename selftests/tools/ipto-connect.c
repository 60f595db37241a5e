// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-connect: one new TCP connection made with the kernel's own stack,
 * as a client of the data-plane tests makes it, and one line saying how it
 * went:
 *
 *   ipto-connect ADDR PORT TIMEOUT_S
 *
 *   ok MS BANNER       connected, and the server's first line (the echo
 *                      service's banner names the node that served)
 *   refused MS         a RST or an ICMP unreachable refused the connection
 *   reset MS           connected, then reset before the banner
 *   timeout MS         no answer within TIMEOUT_S (to connect, then again
 *                      to read)
 *   error ENAME MS     anything else (ENETUNREACH, ...)
 *
 * MS: the milliseconds from connect() to the outcome.  Exit status 0 with
 * any outcome, 2 on a usage error.  The tests poll with it: under TCG a
 * python client took about a second to start, this one a tenth of that.
 */
#define PROG "ipto-connect"
#define TOOL_USAGE_HINT "Try 'ipto-connect --help'.\n"
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tool_util.h"

static void usage(FILE *out)
{
	fputs("Usage: ipto-connect ADDR PORT TIMEOUT_S\n"
	      "Connects to ADDR:PORT over TCP and prints one line: \"ok MS BANNER\",\n"
	      "\"refused MS\", \"reset MS\", \"timeout MS\" or \"error ENAME MS\".\n", out);
}

/* Waits up to timeout_ms for events on fd: 0 when they came, else ETIMEDOUT. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	return n ? 0 : ETIMEDOUT;
}

/* Connects and reads the first line into banner; 0 or an errno. */
static int connect_and_read(const struct sockaddr_storage *ss, socklen_t len,
			    int timeout_ms, char *banner, size_t size)
{
	int fd, err = 0;
	socklen_t errlen = sizeof(err);
	ssize_t n;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)ss, len) < 0) {
		err = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, timeout_ms) : errno;
		if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
			err = errno;
	}
	if (!err)
		err = wait_fd(fd, POLLIN, timeout_ms);
	if (!err) {
		n = recv(fd, banner, size - 1, 0);
		if (n < 0)
			err = errno;
		else
			banner[n] = '\0';
	}
	close(fd);
	return err;
}

/* The banner without the white space around it. */
static const char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char banner[257] = "";
	uint64_t port, timeout_s, t0;
	socklen_t len;
	double ms;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage_exit(usage, EXIT_OK);
	if (argc != 4)
		usage_exit(usage, EXIT_USAGE);
	port = parse_option(argv[2], 10, 1, 65535, "PORT");
	timeout_s = parse_option(argv[3], 10, 1, 3600, "TIMEOUT_S");
	if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof(*sin6);
	} else if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof(*sin);
	} else {
		usage_error("ADDR: \"%s\" is not an IPv4 or IPv6 address", argv[1]);
	}

	t0 = now_ns();
	err = connect_and_read(&ss, len, (int)timeout_s * 1000, banner, sizeof(banner));
	ms = (double)(now_ns() - t0) / 1e6;
	switch (err) {
	case 0:
		printf("ok %.1f %s\n", ms, trim(banner));
		break;
	case ECONNREFUSED:
		printf("refused %.1f\n", ms);
		break;
	case ECONNRESET:
		printf("reset %.1f\n", ms);
		break;
	case ETIMEDOUT:
		printf("timeout %.1f\n", ms);
		break;
	default:
		printf("error %s %.1f\n", strerrorname_np(err) ?: "?", ms);
	}
	return EXIT_OK;
}
