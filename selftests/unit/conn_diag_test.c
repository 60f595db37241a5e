// SPDX-License-Identifier: GPL-2.0
/*
 * conn_diag_test.c - cmocka unit tests of iptod's connection reader,
 * userland/iptod/conn_diag.c, against the host's own kernel on loopback.
 * This file owns:
 *   - conn_diag_cmp()'s order and conn_diag_diff() on lists made up here;
 *   - the argument checks (no address, bad family, too many addresses);
 *   - real connections: listeners on 127.0.0.1, 127.0.0.2, ::1 and a
 *     dual-stack [::], clients connected and accepted; each listing must
 *     hold exactly the connections of the wanted local addresses (both
 *     ends of each, as both are local), IPv4 ones accepted by the
 *     dual-stack socket as IPv4, never a listener, a closing or TIME_WAIT
 *     socket; closing a client removes it, and the diff says so;
 *   - the bytecode: the same answer whatever the position of the address
 *     among up to CONN_DIAG_ADDRS_MAX wanted ones (the longest jumps);
 *   - max (-E2BIG);
 *   - 2000 connections at once (4000 sockets listed, a dump of many parts),
 *     raising RLIMIT_NOFILE if needed (skipped if it cannot be).
 * Other processes may have loopback connections too: assertions look at the
 * test's own sockets (their addresses from getsockname()/getpeername()),
 * and at addresses only this test uses (127.0.0.2 to 127.0.0.4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn_diag.h"

#define MANY_CONNS	2000

/* ---- sockets ---- */

/* A client and the server's accepted end of its connection. */
struct pair {
	int cfd, sfd;
};

/* A listener and the connections it accepted. */
struct server {
	int lfd;
	int family;
	uint16_t port;
	struct pair *pairs;
	size_t n, cap;
};

static socklen_t make_sockaddr(int family, const char *addr, uint16_t port,
			       struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
		return sizeof(*sin6);
	}
}

static int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

/* A listener on addr, port 0; dual: IPv6 with IPV6_V6ONLY off. */
static void server_open(struct server *s, const char *addr, bool dual)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, zero = 0;

	memset(s, 0, sizeof(*s));
	s->family = family_of(addr);
	s->lfd = socket(s->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof(one)), 0);
	if (dual)
		assert_int_equal(setsockopt(s->lfd, IPPROTO_IPV6, IPV6_V6ONLY,
					    &zero, sizeof(zero)), 0);
	len = make_sockaddr(s->family, addr, 0, &ss);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(s->lfd, 128), 0);
	len = sizeof(ss);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&ss, &len), 0);
	s->port = ntohs(s->family == AF_INET ?
			((struct sockaddr_in *)&ss)->sin_port :
			((struct sockaddr_in6 *)&ss)->sin6_port);
}

/*
 * A client from src (any port) to dst on the server's port, and its
 * accepted end; both established when this returns.
 */
static struct pair *server_connect(struct server *s, const char *src,
				   const char *dst)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct pair *p;
	int family = family_of(dst);

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->pairs = realloc(s->pairs, s->cap * sizeof(*s->pairs));
		assert_non_null(s->pairs);
	}
	p = &s->pairs[s->n++];
	p->sfd = -1;
	p->cfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(p->cfd >= 0);
	if (src) {
		len = make_sockaddr(family, src, 0, &ss);
		assert_int_equal(bind(p->cfd, (struct sockaddr *)&ss, len), 0);
	}
	len = make_sockaddr(family, dst, s->port, &ss);
	assert_int_equal(connect(p->cfd, (struct sockaddr *)&ss, len), 0);
	p->sfd = accept(s->lfd, NULL, NULL);
	assert_true(p->sfd >= 0);
	return p;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Closes the client end, and waits for its FIN at the server end. */
static void pair_close_client(struct pair *p)
{
	struct pollfd pfd = { .fd = p->sfd, .events = POLLIN };
	char c;

	close_fd(&p->cfd);
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(read(p->sfd, &c, 1), 0);
}

static void server_close(struct server *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		close_fd(&s->pairs[i].cfd);
		close_fd(&s->pairs[i].sfd);
	}
	close_fd(&s->lfd);
	free(s->pairs);
	memset(s, 0, sizeof(*s));
	s->lfd = -1;
}

/* The connection of a socket as conn_diag reports it: v4-mapped as IPv4. */
static struct conn_diag_conn conn_of(int fd)
{
	struct sockaddr_storage l, r;
	socklen_t llen = sizeof(l), rlen = sizeof(r);
	struct conn_diag_conn c;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&l, &llen), 0);
	assert_int_equal(getpeername(fd, (struct sockaddr *)&r, &rlen), 0);
	memset(&c, 0, sizeof(c));
	c.family = l.ss_family;
	if (c.family == AF_INET) {
		const struct sockaddr_in *a = (void *)&l, *b = (void *)&r;

		memcpy(c.local, &a->sin_addr, 4);
		memcpy(c.remote, &b->sin_addr, 4);
		c.lport = ntohs(a->sin_port);
		c.rport = ntohs(b->sin_port);
	} else {
		const struct sockaddr_in6 *a = (void *)&l, *b = (void *)&r;

		c.lport = ntohs(a->sin6_port);
		c.rport = ntohs(b->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
			c.family = AF_INET;
			memcpy(c.local, a->sin6_addr.s6_addr + 12, 4);
			memcpy(c.remote, b->sin6_addr.s6_addr + 12, 4);
		} else {
			memcpy(c.local, &a->sin6_addr, 16);
			memcpy(c.remote, &b->sin6_addr, 16);
		}
	}
	return c;
}

/* ---- listings ---- */

static struct conn_diag_addr addr_of(const char *text)
{
	struct conn_diag_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family_of(text);
	assert_int_equal(inet_pton(a.family, text, a.addr), 1);
	return a;
}

static bool addr_in(const struct conn_diag_addr *addrs, size_t n,
		    const struct conn_diag_conn *c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct conn_diag_addr *a = &addrs[i];
		struct conn_diag_addr b = addr_of("::");

		if (a->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a->addr)) {
			b.family = AF_INET;
			memcpy(b.addr, a->addr + 12, 4);
			memset(b.addr + 4, 0, 12);
			a = &b;
		}
		if (a->family == c->family &&
		    memcmp(a->addr, c->local, a->family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

/*
 * Lists addrs (no limit), and checks what holds for any listing: strictly
 * sorted, established (a remote port), every local address wanted, the
 * unused bytes of IPv4 addresses zero.
 */
static struct conn_diag_conn *list_addrs(const struct conn_diag_addr *addrs,
					 size_t naddrs, size_t *n)
{
	struct conn_diag_conn *c = NULL;
	int ret;
	size_t i;
	static const unsigned char zero[12];

	ret = conn_diag_list(addrs, naddrs, SIZE_MAX, &c, n);
	if (ret)
		fail_msg("conn_diag_list: %s", strerror(-ret));
	assert_true(*n == 0 || c != NULL);
	for (i = 0; i < *n; i++) {
		if (i > 0)
			assert_true(conn_diag_cmp(&c[i - 1], &c[i]) < 0);
		assert_true(c[i].family == AF_INET || c[i].family == AF_INET6);
		assert_true(addr_in(addrs, naddrs, &c[i]));
		assert_int_not_equal(c[i].rport, 0);
		assert_int_not_equal(c[i].lport, 0);
		if (c[i].family == AF_INET) {
			assert_memory_equal(c[i].local + 4, zero, 12);
			assert_memory_equal(c[i].remote + 4, zero, 12);
		}
	}
	return c;
}

static struct conn_diag_conn *list1(const char *addr, size_t *n)
{
	struct conn_diag_addr a = addr_of(addr);

	return list_addrs(&a, 1, n);
}

static bool has(const struct conn_diag_conn *list, size_t n,
		const struct conn_diag_conn *c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = conn_diag_cmp(&list[mid], c);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whether c is an end of a connection to or from port at addr. */
static bool touches(const struct conn_diag_conn *c, const char *addr,
		    uint16_t port)
{
	struct conn_diag_addr a = addr_of(addr);
	size_t len = a.family == AF_INET ? 4 : 16;

	if (c->family != a.family)
		return false;
	return (c->lport == port && memcmp(c->local, a.addr, len) == 0) ||
	       (c->rport == port && memcmp(c->remote, a.addr, len) == 0);
}

static size_t count_touching(const struct conn_diag_conn *list, size_t n,
			     const char *addr, uint16_t port)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += touches(&list[i], addr, port);
	return k;
}

/* Both ends of each of s's open connections are in the list, or neither. */
static void expect_server(const struct conn_diag_conn *list, size_t n,
			  const struct server *s, bool listed)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct pair *p = &s->pairs[i];
		struct conn_diag_conn c;

		if (p->cfd < 0 || p->sfd < 0)
			continue;
		c = conn_of(p->sfd);
		assert_int_equal(c.lport, s->port);
		if (has(list, n, &c) != listed)
			fail_msg("server end %zu of port %u: %s", i, s->port,
				 listed ? "missing" : "listed");
		c = conn_of(p->cfd);
		if (has(list, n, &c) != listed)
			fail_msg("client end %zu of port %u: %s", i, s->port,
				 listed ? "missing" : "listed");
	}
}

/* ---- pure functions ---- */

static struct conn_diag_conn mk(int family, const char *local, uint16_t lport,
				const char *remote, uint16_t rport)
{
	struct conn_diag_conn c;

	memset(&c, 0, sizeof(c));
	c.family = family;
	assert_int_equal(inet_pton(family, local, c.local), 1);
	assert_int_equal(inet_pton(family, remote, c.remote), 1);
	c.lport = lport;
	c.rport = rport;
	return c;
}

static void test_cmp(void **state)
{
	/* in order: each smaller than the next */
	const struct conn_diag_conn order[] = {
		mk(AF_INET, "10.0.0.1", 80, "10.0.0.9", 1000),
		mk(AF_INET, "10.0.0.1", 80, "10.0.0.9", 1001),
		mk(AF_INET, "10.0.0.1", 80, "10.0.1.0", 1),
		mk(AF_INET, "10.0.0.1", 443, "1.1.1.1", 1),
		mk(AF_INET, "10.0.0.2", 1, "1.1.1.1", 1),
		mk(AF_INET, "192.168.0.1", 1, "1.1.1.1", 1),
		mk(AF_INET6, "::1", 1, "::1", 2),
		mk(AF_INET6, "2001:db8::1", 80, "::1", 2),
		mk(AF_INET6, "2001:db8::1", 80, "2001:db8::2", 2),
		mk(AF_INET6, "fe80::1", 0, "::", 0),
	};
	size_t n = sizeof(order) / sizeof(order[0]);
	struct conn_diag_conn c;
	size_t i, j;

	(void)state;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int r = conn_diag_cmp(&order[i], &order[j]);

			if (i < j)
				assert_true(r < 0);
			else if (i > j)
				assert_true(r > 0);
			else
				assert_int_equal(r, 0);
		}
	}
	/* the unused bytes of an IPv4 address do not count */
	c = order[0];
	memset(c.local + 4, 0xaa, 12);
	memset(c.remote + 4, 0x55, 12);
	assert_int_equal(conn_diag_cmp(&c, &order[0]), 0);
}

struct diff_log {
	struct conn_diag_conn c[16];
	bool added[16];
	size_t n;
};

static void log_diff(void *ctx, const struct conn_diag_conn *c, bool added)
{
	struct diff_log *log = ctx;

	assert_true(log->n < 16);
	log->c[log->n] = *c;
	log->added[log->n++] = added;
}

static void test_diff(void **state)
{
	struct conn_diag_conn a = mk(AF_INET, "10.0.0.1", 80, "10.0.0.9", 1);
	struct conn_diag_conn b = mk(AF_INET, "10.0.0.1", 80, "10.0.0.9", 2);
	struct conn_diag_conn c = mk(AF_INET, "10.0.0.1", 80, "10.0.0.9", 3);
	struct conn_diag_conn d = mk(AF_INET6, "::1", 80, "::2", 4);
	struct conn_diag_conn e = mk(AF_INET6, "::1", 80, "::2", 5);
	const struct conn_diag_conn old[] = { a, b, d };
	const struct conn_diag_conn new[] = { b, c, d, e };
	struct diff_log log = { .n = 0 };

	(void)state;
	conn_diag_diff(old, 3, new, 4, log_diff, &log);
	assert_int_equal(log.n, 3);
	assert_int_equal(conn_diag_cmp(&log.c[0], &a), 0);
	assert_false(log.added[0]);
	assert_int_equal(conn_diag_cmp(&log.c[1], &c), 0);
	assert_true(log.added[1]);
	assert_int_equal(conn_diag_cmp(&log.c[2], &e), 0);
	assert_true(log.added[2]);

	/* same lists: nothing; from and to empty (NULL) lists: everything */
	log.n = 0;
	conn_diag_diff(old, 3, old, 3, log_diff, &log);
	assert_int_equal(log.n, 0);
	conn_diag_diff(NULL, 0, new, 4, log_diff, &log);
	assert_int_equal(log.n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_true(log.added[i]);
		assert_int_equal(conn_diag_cmp(&log.c[i], &new[i]), 0);
	}
	log.n = 0;
	conn_diag_diff(old, 3, NULL, 0, log_diff, &log);
	assert_int_equal(log.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_false(log.added[i]);
		assert_int_equal(conn_diag_cmp(&log.c[i], &old[i]), 0);
	}
	log.n = 0;
	conn_diag_diff(NULL, 0, NULL, 0, log_diff, &log);
	assert_int_equal(log.n, 0);
}

static void test_args(void **state)
{
	struct conn_diag_conn *out = (void *)&out;
	struct conn_diag_addr *addrs;
	struct conn_diag_addr bad = { .family = AF_UNIX };
	size_t n = 42, i;

	(void)state;
	/* no address: nothing, and no netlink */
	assert_int_equal(conn_diag_list(NULL, 0, 10, &out, &n), 0);
	assert_null(out);
	assert_int_equal(n, 0);
	n = 42;
	assert_int_equal(conn_diag_list(NULL, 1, 10, &out, &n), -EINVAL);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(conn_diag_list(&bad, 1, 10, &out, &n), -EAFNOSUPPORT);
	assert_null(out);

	addrs = calloc(CONN_DIAG_ADDRS_MAX + 1, sizeof(*addrs));
	assert_non_null(addrs);
	for (i = 0; i <= CONN_DIAG_ADDRS_MAX; i++) {
		addrs[i].family = AF_INET6;
		addrs[i].addr[0] = 0x20;
		addrs[i].addr[1] = 0x01;
		addrs[i].addr[2] = 0x0d;
		addrs[i].addr[3] = 0xb8;
		addrs[i].addr[14] = i >> 8;
		addrs[i].addr[15] = i & 0xff;
	}
	n = 42;
	assert_int_equal(conn_diag_list(addrs, CONN_DIAG_ADDRS_MAX + 1, 10,
					&out, &n), -EINVAL);
	assert_null(out);
	assert_int_equal(n, 0);
	/* duplicates count once */
	addrs[CONN_DIAG_ADDRS_MAX] = addrs[0];
	assert_int_equal(conn_diag_list(addrs, CONN_DIAG_ADDRS_MAX + 1,
					SIZE_MAX, &out, &n), 0);
	free(out);
	free(addrs);
}

/* ---- loopback connections ---- */

/*
 * 127.0.0.1: 8 clients; 127.0.0.2: 2 clients from 127.0.0.2; ::1: 2
 * clients; dual-stack [::]: 3 clients by 127.0.0.1, 2 by ::1.
 */
struct hosts {
	struct server v4, other, v6, dual;
};

static int hosts_setup(void **state)
{
	struct hosts *h = calloc(1, sizeof(*h));
	int i;

	assert_non_null(h);
	server_open(&h->v4, "127.0.0.1", false);
	for (i = 0; i < 8; i++)
		server_connect(&h->v4, NULL, "127.0.0.1");
	server_open(&h->other, "127.0.0.2", false);
	for (i = 0; i < 2; i++)
		server_connect(&h->other, "127.0.0.2", "127.0.0.2");
	server_open(&h->v6, "::1", false);
	for (i = 0; i < 2; i++)
		server_connect(&h->v6, NULL, "::1");
	server_open(&h->dual, "::", true);
	for (i = 0; i < 3; i++)
		server_connect(&h->dual, "127.0.0.1", "127.0.0.1");
	for (i = 0; i < 2; i++)
		server_connect(&h->dual, "::1", "::1");
	*state = h;
	return 0;
}

static int hosts_teardown(void **state)
{
	struct hosts *h = *state;

	server_close(&h->v4);
	server_close(&h->other);
	server_close(&h->v6);
	server_close(&h->dual);
	free(h);
	return 0;
}

static void test_v4(void **state)
{
	struct hosts *h = *state;
	struct conn_diag_conn *list;
	size_t n, i;

	list = list1("127.0.0.1", &n);
	/* both ends of each connection on 127.0.0.1 (each is local) */
	expect_server(list, n, &h->v4, true);
	assert_int_equal(count_touching(list, n, "127.0.0.1", h->v4.port), 16);
	/* dual-stack: the ones by 127.0.0.1, as IPv4, not those by ::1 */
	for (i = 0; i < 3; i++)
		assert_int_equal(conn_of(h->dual.pairs[i].sfd).family, AF_INET);
	for (i = 0; i < 5; i++) {
		struct conn_diag_conn s = conn_of(h->dual.pairs[i].sfd);
		struct conn_diag_conn c = conn_of(h->dual.pairs[i].cfd);

		assert_true(has(list, n, &s) == (i < 3));
		assert_true(has(list, n, &c) == (i < 3));
	}
	assert_int_equal(count_touching(list, n, "127.0.0.1", h->dual.port), 6);
	/* nothing of 127.0.0.2 or ::1 (list_addrs(): only 127.0.0.1 at all) */
	expect_server(list, n, &h->other, false);
	expect_server(list, n, &h->v6, false);
	for (i = 0; i < n; i++)
		assert_int_equal(list[i].family, AF_INET);
	free(list);

	/* a v4-mapped address asks for the same */
	{
		struct conn_diag_addr mapped = addr_of("::ffff:127.0.0.1");
		struct conn_diag_conn *list2;
		size_t n2;

		list2 = list_addrs(&mapped, 1, &n2);
		expect_server(list2, n2, &h->v4, true);
		assert_int_equal(count_touching(list2, n2, "127.0.0.1", h->dual.port), 6);
		expect_server(list2, n2, &h->v6, false);
		free(list2);
	}

	/* 127.0.0.2 alone: just its own two connections, both ends */
	list = list1("127.0.0.2", &n);
	expect_server(list, n, &h->other, true);
	assert_int_equal(count_touching(list, n, "127.0.0.2", h->other.port), 4);
	assert_int_equal(n, 4);
	free(list);
}

static void test_v6_and_both(void **state)
{
	struct hosts *h = *state;
	struct conn_diag_addr both[2];
	struct conn_diag_conn *list;
	size_t n, i;

	list = list1("::1", &n);
	expect_server(list, n, &h->v6, true);
	assert_int_equal(count_touching(list, n, "::1", h->v6.port), 4);
	for (i = 0; i < 5; i++) {
		struct conn_diag_conn s = conn_of(h->dual.pairs[i].sfd);

		assert_true(has(list, n, &s) == (i >= 3));
	}
	assert_int_equal(count_touching(list, n, "::1", h->dual.port), 4);
	expect_server(list, n, &h->v4, false);
	expect_server(list, n, &h->other, false);
	for (i = 0; i < n; i++)
		assert_int_equal(list[i].family, AF_INET6);
	free(list);

	both[0] = addr_of("::1");
	both[1] = addr_of("127.0.0.1");
	list = list_addrs(both, 2, &n);
	expect_server(list, n, &h->v4, true);
	expect_server(list, n, &h->v6, true);
	expect_server(list, n, &h->dual, true);
	expect_server(list, n, &h->other, false);
	assert_int_equal(count_touching(list, n, "127.0.0.1", h->dual.port) +
			 count_touching(list, n, "::1", h->dual.port), 10);
	free(list);
}

/* Records the changes of the connections to and from one port. */
struct port_diff {
	const char *addr;
	uint16_t port;
	struct conn_diag_conn c[8];
	bool added[8];
	size_t n;
};

static void on_port_diff(void *ctx, const struct conn_diag_conn *c, bool added)
{
	struct port_diff *d = ctx;

	if (!touches(c, d->addr, d->port))
		return;
	assert_true(d->n < 8);
	d->c[d->n] = *c;
	d->added[d->n++] = added;
}

static bool diff_has(const struct port_diff *d, const struct conn_diag_conn *c,
		     bool added)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (conn_diag_cmp(&d->c[i], c) == 0 && d->added[i] == added)
			return true;
	}
	return false;
}

static void test_close_and_diff(void **state)
{
	struct hosts *h = *state;
	struct server *s = &h->v4;
	struct port_diff d = { .addr = "127.0.0.1", .port = s->port };
	struct conn_diag_conn *l1, *l2, *l3, *l4;
	struct conn_diag_conn gone_s, gone_c, new_s, new_c, tw_s, tw_c;
	struct pair *p;
	size_t n1, n2, n3, n4;

	l1 = list1("127.0.0.1", &n1);
	expect_server(l1, n1, s, true);

	/* a client closes: both ends leave ESTABLISHED (FIN_WAIT2, CLOSE_WAIT) */
	gone_s = conn_of(s->pairs[2].sfd);
	gone_c = conn_of(s->pairs[2].cfd);
	pair_close_client(&s->pairs[2]);
	l2 = list1("127.0.0.1", &n2);
	assert_false(has(l2, n2, &gone_s));
	assert_false(has(l2, n2, &gone_c));
	expect_server(l2, n2, s, true);
	assert_int_equal(count_touching(l2, n2, "127.0.0.1", s->port), 14);
	conn_diag_diff(l1, n1, l2, n2, on_port_diff, &d);
	assert_int_equal(d.n, 2);
	assert_true(diff_has(&d, &gone_s, false));
	assert_true(diff_has(&d, &gone_c, false));

	/* a new client: both ends added */
	p = server_connect(s, NULL, "127.0.0.1");
	new_s = conn_of(p->sfd);
	new_c = conn_of(p->cfd);
	l3 = list1("127.0.0.1", &n3);
	assert_true(has(l3, n3, &new_s));
	assert_true(has(l3, n3, &new_c));
	d.n = 0;
	conn_diag_diff(l2, n2, l3, n3, on_port_diff, &d);
	assert_int_equal(d.n, 2);
	assert_true(diff_has(&d, &new_s, true));
	assert_true(diff_has(&d, &new_c, true));

	/*
	 * The server closes first, then the client: the server end ends in
	 * TIME_WAIT, and neither is listed.
	 */
	p = &s->pairs[3];
	tw_s = conn_of(p->sfd);
	tw_c = conn_of(p->cfd);
	{
		struct pollfd pfd = { .fd = p->cfd, .events = POLLIN };
		char c;

		close_fd(&p->sfd);
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		assert_int_equal(read(p->cfd, &c, 1), 0);
		close_fd(&p->cfd);
	}
	l4 = list1("127.0.0.1", &n4);
	assert_false(has(l4, n4, &tw_s));
	assert_false(has(l4, n4, &tw_c));
	expect_server(l4, n4, s, true);
	assert_int_equal(count_touching(l4, n4, "127.0.0.1", s->port), 14);
	d.n = 0;
	conn_diag_diff(l3, n3, l4, n4, on_port_diff, &d);
	assert_int_equal(d.n, 2);
	assert_true(diff_has(&d, &tw_s, false));
	assert_true(diff_has(&d, &tw_c, false));
	free(l1);
	free(l2);
	free(l3);
	free(l4);
}

/* ---- 127.0.0.3: bytecode positions and max ---- */

/* An AF_INET and a dual-stack listener, 5 clients each, all on 127.0.0.3. */
struct pair_servers {
	struct server v4, dual;
};

static int three_setup(void **state)
{
	struct pair_servers *t = calloc(1, sizeof(*t));
	int i;

	assert_non_null(t);
	server_open(&t->v4, "127.0.0.3", false);
	server_open(&t->dual, "::", true);
	for (i = 0; i < 5; i++) {
		server_connect(&t->v4, "127.0.0.3", "127.0.0.3");
		server_connect(&t->dual, "127.0.0.3", "127.0.0.3");
	}
	*state = t;
	return 0;
}

static int three_teardown(void **state)
{
	struct pair_servers *t = *state;

	server_close(&t->v4);
	server_close(&t->dual);
	free(t);
	return 0;
}

static void expect_three(const struct conn_diag_conn *list, size_t n,
			 const struct pair_servers *t)
{
	expect_server(list, n, &t->v4, true);
	expect_server(list, n, &t->dual, true);
	assert_int_equal(count_touching(list, n, "127.0.0.3", t->v4.port), 10);
	assert_int_equal(count_touching(list, n, "127.0.0.3", t->dual.port), 10);
}

/* The wanted address first, in the middle, last, among up to the maximum. */
static void test_bytecode(void **state)
{
	struct pair_servers *t = *state;
	struct conn_diag_addr *addrs;
	struct conn_diag_conn *list;
	size_t n, i, k;
	const struct {
		size_t below4, above4, v6;	/* other addresses */
	} cases[] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 }, { 1, 1, 0 },
		{ 0, 0, 3 }, { 2, 2, 2 }, { 300, 0, 0 }, { 0, 300, 0 },
		/* the longest programs: every address in the AF_INET6 dump */
		{ CONN_DIAG_ADDRS_MAX - 1, 0, 0 },
		{ 0, CONN_DIAG_ADDRS_MAX - 1, 0 },
		{ 0, 0, CONN_DIAG_ADDRS_MAX - 1 },
		{ 400, 400, CONN_DIAG_ADDRS_MAX - 801 },
	};

	addrs = calloc(CONN_DIAG_ADDRS_MAX, sizeof(*addrs));
	assert_non_null(addrs);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		k = 0;
		/* given unsorted: the v6 ones, the higher, ours, the lower */
		for (i = 0; i < cases[c].v6; i++) {
			addrs[k] = addr_of("2001:db8::");
			addrs[k].addr[14] = i >> 8;
			addrs[k++].addr[15] = i & 0xff;
		}
		for (i = 0; i < cases[c].above4; i++) {
			addrs[k] = addr_of("198.51.0.0");
			addrs[k].addr[2] = i >> 8;
			addrs[k++].addr[3] = i & 0xff;
		}
		addrs[k++] = addr_of("127.0.0.3");
		for (i = 0; i < cases[c].below4; i++) {
			addrs[k] = addr_of("10.99.0.0");
			addrs[k].addr[2] = i >> 8;
			addrs[k++].addr[3] = i & 0xff;
		}
		list = list_addrs(addrs, k, &n);
		expect_three(list, n, t);
		free(list);
	}
	free(addrs);
}

static void test_max(void **state)
{
	struct pair_servers *t = *state;
	struct conn_diag_addr a = addr_of("127.0.0.3");
	struct conn_diag_conn *list = NULL;
	size_t n = 0, total;

	/* only this test uses 127.0.0.3: 20 sockets, 10 connections */
	assert_int_equal(conn_diag_list(&a, 1, SIZE_MAX, &list, &total), 0);
	expect_three(list, total, t);
	assert_int_equal(total, 20);
	free(list);

	assert_int_equal(conn_diag_list(&a, 1, total, &list, &n), 0);
	expect_three(list, n, t);
	assert_int_equal(n, total);
	free(list);

	n = 42;
	list = (void *)&list;
	assert_int_equal(conn_diag_list(&a, 1, total - 1, &list, &n), -E2BIG);
	assert_null(list);
	assert_int_equal(n, 0);
	list = (void *)&list;
	assert_int_equal(conn_diag_list(&a, 1, 1, &list, &n), -E2BIG);
	assert_null(list);
	assert_int_equal(conn_diag_list(&a, 1, 0, &list, &n), -E2BIG);
	assert_null(list);
	assert_int_equal(n, 0);
}

/* ---- many connections ---- */

/* Whether RLIMIT_NOFILE is (or could be raised to) at least want. */
static bool fds_for(rlim_t want)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
			rl.rlim_max = want;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			print_message("conn_diag_test: cannot raise RLIMIT_NOFILE to %llu: %s\n",
				      (unsigned long long)want, strerror(errno));
			return false;
		}
	}
	return true;
}

static void test_many(void **state)
{
	struct server s;
	struct conn_diag_conn *list;
	struct timespec t0, t1;
	size_t n, i;

	(void)state;
	if (!fds_for(2 * MANY_CONNS + 64)) {
		print_message("conn_diag_test: %d connections need %d descriptors; skipped\n",
			      MANY_CONNS, 2 * MANY_CONNS + 64);
		skip();
	}
	server_open(&s, "127.0.0.4", false);
	for (i = 0; i < MANY_CONNS; i++)
		server_connect(&s, "127.0.0.4", "127.0.0.4");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	list = list1("127.0.0.4", &n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("conn_diag_test: %zu sockets listed in %.1f ms\n", n,
		      (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* only this test uses 127.0.0.4: exactly both ends of each */
	assert_int_equal(n, 2 * MANY_CONNS);
	expect_server(list, n, &s, true);
	assert_int_equal(count_touching(list, n, "127.0.0.4", s.port), 2 * MANY_CONNS);
	free(list);

	/* max in the middle of a long dump */
	list = (void *)&list;
	assert_int_equal(conn_diag_list(&(struct conn_diag_addr){ .family = AF_INET,
				.addr = { 127, 0, 0, 4 } }, 1, 2 * MANY_CONNS - 1, &list, &n),
			 -E2BIG);
	assert_null(list);
	server_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_args),
		cmocka_unit_test_setup_teardown(test_v4, hosts_setup, hosts_teardown),
		cmocka_unit_test_setup_teardown(test_v6_and_both, hosts_setup,
						hosts_teardown),
		cmocka_unit_test_setup_teardown(test_close_and_diff, hosts_setup,
						hosts_teardown),
		cmocka_unit_test_setup_teardown(test_bytecode, three_setup,
						three_teardown),
		cmocka_unit_test_setup_teardown(test_max, three_setup, three_teardown),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
