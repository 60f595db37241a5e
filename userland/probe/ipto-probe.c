// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-probe.c - the client-side probe of an ipto cluster: its command
 * line, and the socket work of each mode (TCP connect, one kept TCP
 * connection, UDP) with the sticky address order; timeline.c reports.
 * Run "ipto-probe -h" or see ipto-probe(1).
 */
#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_util.h"
#include "timeline.h"

#define MS_MAX		3600000UL	/* an hour */
#define REPLY_CAP	(64 * 1024)
#define UDP_DEFAULT_REQUEST	"ipto-probe\n"

enum probe_mode { MODE_CONNECT, MODE_KEEP, MODE_UDP };

struct probe {
	struct probe_addr *addrs;
	size_t n_addrs;
	size_t current;			/* the sticky address */
	enum probe_mode mode;
	char *request;			/* NULL: none (connect mode only) */
	size_t request_len;
	unsigned long interval_ms, timeout_ms, count;	/* count 0: no end */
	bool json;
	int keep_fd;			/* keep mode: the connection, or -1 */
	size_t keep_addr;		/* ... and its address */
	int *udp_fds;			/* UDP mode: per address, or -1 */
	char *buf;			/* REPLY_CAP bytes */
	struct timeline timeline;
};

static volatile sig_atomic_t stop_requested;
static sigset_t wait_mask;		/* the mask while waiting: signals let in */

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ipto-probe [-k | -u] [-r REQUEST] [-i MS] [-t MS] [-c COUNT] [-j]\n"
		"                  ADDR:PORT [ADDR:PORT ...]\n"
		"  ADDR:PORT  numeric: 10.0.0.11:8080 or [fd00::11]:8080, tried in a sticky order\n"
		"  (default)  TCP: a new connection per request; with -r, send REQUEST\n"
		"             and read the reply until the server closes\n"
		"  -k         TCP: keep one connection; send REQUEST (needed) each request\n"
		"  -u         UDP: send REQUEST (default \"ipto-probe\\n\"), await a datagram\n"
		"  -r REQUEST what to send; escapes \\r \\n \\t \\\\\n"
		"  -i MS      interval between the starts of requests (default 100)\n"
		"  -t MS      timeout of one attempt (default 1000)\n"
		"  -c COUNT   stop after COUNT requests (default: at SIGINT/SIGTERM)\n"
		"  -j         JSON lines: every attempt, then the summary\n"
		"exit status: 0 last request served, 1 it failed, 2 usage error\n");
}

static void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipto-probe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

static struct timespec now_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts;
}

static struct timespec after_ms(const struct timespec *from, unsigned long ms)
{
	struct timespec ts = *from;

	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/*
 * wait_for_fd: until @fd (or, for -1, nothing) is ready for @events or the
 * monotonic @deadline passes, letting SIGINT/SIGTERM in only while waiting.
 * 1: ready (*revents); 0: the deadline passed; -1: asked to stop.
 */
static int wait_for_fd(int fd, short events, const struct timespec *deadline,
		       short *revents)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		struct timespec now, left;
		int n;

		if (stop_requested)
			return -1;
		now = now_of(CLOCK_MONOTONIC);
		if (timespec_ms(&now, deadline) <= 0.0)
			return 0;
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		n = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1 : 0, &left, &wait_mask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "ipto-probe: ppoll: %s\n", strerror(errno));
			exit(1);
		}
		if (n > 0) {
			*revents = pfd.revents;
			return 1;
		}
	}
}

/* A wait's outcome as an attempt's: 0 ready, ETIMEDOUT, or -1 (stop). */
static int wait_result(int waited)
{
	return waited > 0 ? 0 : waited == 0 ? ETIMEDOUT : -1;
}

/*
 * open_connected: a non-blocking socket of @type connected to @addr by
 * @deadline.  0 (*fd set), an errno, or -1 when asked to stop.
 */
static int open_connected(const struct probe_addr *addr, int type,
			  const struct timespec *deadline, int *fd)
{
	int s, err = 0, rc;
	socklen_t len = sizeof(err);
	short revents;

	s = socket(addr->sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	if (connect(s, (const struct sockaddr *)&addr->sa, addr->salen) == 0) {
		*fd = s;
		return 0;
	}
	if (errno != EINPROGRESS) {
		err = errno;
		close(s);
		return err;
	}
	rc = wait_result(wait_for_fd(s, POLLOUT, deadline, &revents));
	if (rc) {
		close(s);
		return rc;
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

/* send_all: the request on @fd by @deadline: 0, an errno, -1 (stop). */
static int send_all(struct probe *p, int fd, const struct timespec *deadline)
{
	size_t sent = 0;

	while (sent < p->request_len) {
		ssize_t n = send(fd, p->request + sent, p->request_len - sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		short revents;
		int rc;

		if (n >= 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno;
		rc = wait_result(wait_for_fd(fd, POLLOUT, deadline, &revents));
		if (rc)
			return rc;
	}
	return 0;
}

/* The reply of @len bytes shown with the attempt. */
static void keep_reply(struct probe_attempt *a, const char *reply, size_t len)
{
	probe_reply_line(reply, len, a->reply);
	a->has_reply = true;
}

/*
 * read_until_close: read into p->buf until the peer closes (or REPLY_CAP
 * bytes came), by @deadline: served with at least one byte.
 */
static int read_until_close(struct probe *p, int fd, const struct timespec *deadline,
			    struct probe_attempt *a)
{
	size_t got = 0;

	for (;;) {
		ssize_t n = recv(fd, p->buf + got, REPLY_CAP - got, MSG_DONTWAIT);
		short revents;
		int rc;

		if (n > 0) {
			got += (size_t)n;
			if (got < REPLY_CAP)
				continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
				     errno == EINTR)) {
			rc = wait_result(wait_for_fd(fd, POLLIN, deadline, &revents));
			if (rc)
				return rc;
			continue;
		} else if (n < 0) {
			return errno;
		}
		/* closed, or the cap reached */
		if (got == 0)
			return PROBE_EOF;
		keep_reply(a, p->buf, got);
		return 0;
	}
}

static int attempt_connect(struct probe *p, const struct probe_addr *addr,
			   const struct timespec *deadline, struct probe_attempt *a)
{
	int fd, rc;

	rc = open_connected(addr, SOCK_STREAM, deadline, &fd);
	if (rc)
		return rc;
	if (p->request) {
		rc = send_all(p, fd, deadline);
		if (!rc)
			rc = read_until_close(p, fd, deadline, a);
	}
	close(fd);
	return rc;
}

/*
 * drain: read whatever is pending on @fd without blocking.  Keep mode: a
 * banner or leftovers; a pending reset or the peer's close is the error.
 * UDP (@ignore_errors): late replies and errors of earlier requests.
 */
static int drain(struct probe *p, int fd, bool ignore_errors)
{
	for (;;) {
		ssize_t n = recv(fd, p->buf, REPLY_CAP, MSG_DONTWAIT);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		/*
		 * UDP: an empty datagram, or a pending error (each recv
		 * consumes one) of an earlier request: go on.
		 */
		if (ignore_errors || (n < 0 && errno == EINTR))
			continue;
		return n == 0 ? PROBE_EOF : errno;
	}
}

/* one read of at least one byte by @deadline: served */
static int read_once(struct probe *p, int fd, const struct timespec *deadline,
		     struct probe_attempt *a)
{
	for (;;) {
		ssize_t n = recv(fd, p->buf, REPLY_CAP, MSG_DONTWAIT);
		short revents;
		int rc;

		if (n > 0) {
			keep_reply(a, p->buf, (size_t)n);
			return 0;
		}
		if (n == 0 && p->mode == MODE_UDP) {
			a->has_reply = true;	/* an empty datagram */
			a->reply[0] = '\0';
			return 0;
		}
		if (n == 0)
			return PROBE_EOF;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno;
		rc = wait_result(wait_for_fd(fd, POLLIN, deadline, &revents));
		if (rc)
			return rc;
	}
}

static void keep_close(struct probe *p)
{
	if (p->keep_fd >= 0)
		close(p->keep_fd);
	p->keep_fd = -1;
}

static int attempt_keep(struct probe *p, size_t idx, const struct timespec *deadline,
			struct probe_attempt *a)
{
	int rc;

	if (p->keep_fd >= 0 && p->keep_addr != idx)
		keep_close(p);
	if (p->keep_fd < 0) {
		rc = open_connected(&p->addrs[idx], SOCK_STREAM, deadline, &p->keep_fd);
		if (rc)
			return rc;
		p->keep_addr = idx;
	}
	rc = drain(p, p->keep_fd, false);
	if (!rc)
		rc = send_all(p, p->keep_fd, deadline);
	if (!rc)
		rc = read_once(p, p->keep_fd, deadline, a);
	if (rc > 0 || rc == PROBE_EOF)
		keep_close(p);
	return rc;
}

static int attempt_udp(struct probe *p, size_t idx, const struct timespec *deadline,
		       struct probe_attempt *a)
{
	int *fd = &p->udp_fds[idx], rc;

	if (*fd < 0) {
		rc = open_connected(&p->addrs[idx], SOCK_DGRAM, deadline, fd);
		if (rc) {
			*fd = -1;
			return rc;
		}
	}
	drain(p, *fd, true);
	rc = send_all(p, *fd, deadline);
	if (!rc)
		rc = read_once(p, *fd, deadline, a);
	return rc;
}

/*
 * attempt: one try of request @request at address @idx, reported.
 * 0 served, 1 failed, -1 asked to stop (not reported).
 */
static int attempt(struct probe *p, unsigned long request, size_t idx)
{
	struct probe_attempt a = { .request = request, .addr = &p->addrs[idx] };
	struct timespec deadline;
	int rc;

	a.start = now_of(CLOCK_MONOTONIC);
	deadline = after_ms(&a.start, p->timeout_ms);
	switch (p->mode) {
	case MODE_CONNECT:
		rc = attempt_connect(p, a.addr, &deadline, &a);
		break;
	case MODE_KEEP:
		rc = attempt_keep(p, idx, &deadline, &a);
		break;
	default:
		rc = attempt_udp(p, idx, &deadline, &a);
		break;
	}
	if (rc == -1)
		return -1;
	a.end = now_of(CLOCK_MONOTONIC);
	a.end_real = now_of(CLOCK_REALTIME);
	a.err = rc;
	if (rc)
		a.has_reply = false;
	timeline_attempt(&p->timeline, &a);
	return rc ? 1 : 0;
}

/*
 * run: requests every interval, each trying the addresses from the sticky
 * one on until one serves.  Returns whether the last request was served.
 */
static bool run(struct probe *p, const struct timespec *start)
{
	struct timespec next_start = *start;
	bool last_served = false;
	short revents;

	for (unsigned long request = 1; !p->count || request <= p->count; request++) {
		bool served = false;
		size_t tries;

		if (request > 1 && wait_for_fd(-1, 0, &next_start, &revents) < 0)
			break;
		if (stop_requested || ferror(p->timeline.out))
			break;	/* asked to stop, or nobody reads (SIGPIPE ignored) */
		{
			struct timespec now = now_of(CLOCK_MONOTONIC);

			next_start = after_ms(&now, p->interval_ms);
		}
		for (tries = 0; tries < p->n_addrs; tries++) {
			int rc = attempt(p, request, p->current);

			if (rc < 0) {
				/* stopped: a request with reported errors failed */
				if (tries)
					timeline_request_done(&p->timeline, false);
				return tries ? false : last_served;
			}
			if (rc == 0) {
				served = true;
				break;
			}
			p->current = (p->current + 1) % p->n_addrs;
		}
		timeline_request_done(&p->timeline, served);
		last_served = served;
	}
	return last_served;
}

static unsigned long parse_ms_option(char opt, const char *text, unsigned long min)
{
	unsigned long value;

	if (probe_parse_uint(text, min, MS_MAX, &value))
		usage_error("-%c: '%s' is not a number of milliseconds from %lu to %lu",
			    opt, text, min, MS_MAX);
	return value;
}

static void parse_args(struct probe *p, int argc, char **argv)
{
	const char *request_text = NULL;
	bool keep = false, udp = false;
	char why[128];
	int opt;

	p->interval_ms = 100;
	p->timeout_ms = 1000;
	while ((opt = getopt(argc, argv, "+kur:i:t:c:jh")) != -1) {
		switch (opt) {
		case 'k':
			keep = true;
			break;
		case 'u':
			udp = true;
			break;
		case 'r':
			request_text = optarg;
			break;
		case 'i':
			p->interval_ms = parse_ms_option('i', optarg, 0);
			break;
		case 't':
			p->timeout_ms = parse_ms_option('t', optarg, 1);
			break;
		case 'c':
			if (probe_parse_uint(optarg, 1, (unsigned long)-1 >> 1, &p->count))
				usage_error("-c: '%s' is not a count of requests (1 or more)", optarg);
			break;
		case 'j':
			p->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (keep && udp)
		usage_error("-k (keep a TCP connection) and -u (UDP) exclude each other");
	p->mode = keep ? MODE_KEEP : udp ? MODE_UDP : MODE_CONNECT;
	if (keep && !request_text)
		usage_error("-k needs -r REQUEST: what to send on the kept connection");
	if (!request_text && udp)
		request_text = UDP_DEFAULT_REQUEST;
	if (request_text) {
		if (probe_unescape(request_text, &p->request, &p->request_len, why, sizeof(why)))
			usage_error("-r '%s': %s", request_text, why);
		if (p->request_len == 0 && p->mode != MODE_UDP)
			usage_error("-r '': an empty request gets no reply");
	}
	if (optind >= argc)
		usage_error("no ADDR:PORT to probe");
	p->n_addrs = (size_t)(argc - optind);
	p->addrs = calloc(p->n_addrs, sizeof(*p->addrs));
	if (!p->addrs) {
		fprintf(stderr, "ipto-probe: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < p->n_addrs; i++) {
		const char *reason;

		if (probe_parse_addr(argv[optind + (int)i], &p->addrs[i], &reason))
			usage_error("'%s' is not ADDR:PORT: %s", argv[optind + (int)i], reason);
	}
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t stop_signals;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* blocked but while waiting (ppoll), so no stop is missed */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
}

static const char *mode_name(const struct probe *p)
{
	switch (p->mode) {
	case MODE_KEEP:
		return "TCP keep";
	case MODE_UDP:
		return "UDP";
	default:
		return p->request ? "TCP connect + request" : "TCP connect";
	}
}

int main(int argc, char **argv)
{
	struct probe p = { .keep_fd = -1 };
	struct timespec start;
	bool served;

	parse_args(&p, argc, argv);
	p.buf = malloc(REPLY_CAP);
	p.udp_fds = malloc(p.n_addrs * sizeof(*p.udp_fds));
	if (!p.buf || !p.udp_fds) {
		fprintf(stderr, "ipto-probe: out of memory\n");
		free(p.udp_fds);
		free(p.buf);
		free(p.request);
		free(p.addrs);
		return 1;
	}
	for (size_t i = 0; i < p.n_addrs; i++)
		p.udp_fds[i] = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_signals();

	start = now_of(CLOCK_MONOTONIC);
	timeline_init(&p.timeline, stdout, p.json, &start);
	timeline_header(&p.timeline, p.addrs, p.n_addrs, mode_name(&p),
			p.interval_ms, p.timeout_ms);
	served = run(&p, &start);
	timeline_summary(&p.timeline);
	if (ferror(stdout)) {
		fprintf(stderr, "ipto-probe: writing the output failed\n");
		served = false;
	}

	keep_close(&p);
	for (size_t i = 0; i < p.n_addrs; i++)
		if (p.udp_fds[i] >= 0)
			close(p.udp_fds[i]);
	timeline_free(&p.timeline);
	free(p.udp_fds);
	free(p.buf);
	free(p.request);
	free(p.addrs);
	return served ? 0 : 1;
}
