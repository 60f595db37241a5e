// SPDX-License-Identifier: GPL-2.0
/*
 * conn_diag: reading the established TCP connections of given local
 * addresses from the kernel with sock_diag (libmnl): the inet_diag bytecode
 * that selects them, one dump per address family read whole, the check of
 * every answer, sorting without duplicates, and the diff of two lists.
 *
 * The bytecode (net/ipv4/inet_diag.c, inet_diag_bc_run()) is a program of
 * 4-byte ops, each followed by its arguments, jumping forward by "yes" or
 * "no" bytes; a socket is accepted when a jump lands exactly on the end, and
 * refused when one lands 4 bytes beyond it.  inet_diag_bc_audit() walks the
 * program by the "yes" jumps, so each op's "yes" must be the next op, and
 * each "no" that stays inside must land on an op of that walk.  "yes" is a
 * byte, "no" 16 bits.  For k addresses the program is k pairs of one
 * S_COND and one JMP (which always takes "no"):
 *
 *   cond i:  S_COND  yes = COND_LEN       (to its JMP: matched)
 *                    no  = PAIR_LEN       (to cond i + 1), for the last
 *                          PAIR_LEN + 4   (4 beyond the end: refused)
 *            hostcond: family, prefix_len = full, port = -1, address
 *   jmp i:   JMP     yes = 4              (for the audit's walk only)
 *                    no  = to the end     (accepted)
 *
 * AF_INET: COND_LEN = 4 + 8 + 4 = 16, PAIR_LEN = 20; pair i at 20 * i.
 * AF_INET6: COND_LEN = 4 + 8 + 16 = 28, PAIR_LEN = 32; pair i at 32 * i.
 * The AF_INET dump has the IPv4 addresses; the AF_INET6 dump the IPv6
 * ones and, for dual-stack sockets, each IPv4 address as ::ffff:a.b.c.d.
 */
#include "conn_diag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define RX_SIZE		32768	/* the kernel's largest dump skb */
#define STATE_ESTABLISHED	1	/* TCP_ESTABLISHED, include/net/tcp_states.h */

#define OP_LEN		sizeof(struct inet_diag_bc_op)
#define COND_LEN(alen)	(OP_LEN + sizeof(struct inet_diag_hostcond) + (alen))
#define PAIR_LEN(alen)	(COND_LEN(alen) + OP_LEN)
/* The largest program: every address in the AF_INET6 dump. */
#define BC_MAX		(CONN_DIAG_ADDRS_MAX * PAIR_LEN(16))

_Static_assert(BC_MAX + MNL_ATTR_HDRLEN <= UINT16_MAX,
	       "the bytecode must fit an attribute and a 16-bit jump");
_Static_assert(COND_LEN(16) <= UINT8_MAX, "a condition's yes is a byte");

/* One listing: what is wanted and what was found. */
struct listing {
	const struct conn_diag_addr *want;	/* sorted, unique, normalized */
	size_t nwant;
	size_t max;
	int family;		/* of the dump being read */
	struct conn_diag_conn *conns;
	size_t n, cap;
	bool sorted;		/* conns is sorted and unique */
	int error;		/* the callbacks' failure, a negative errno */
};

static int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool is_v4_mapped(const unsigned char *a)
{
	static const unsigned char prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static int addr_cmp(const void *pa, const void *pb)
{
	const struct conn_diag_addr *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, addr_len(a->family));
}

int conn_diag_cmp(const struct conn_diag_conn *a,
		  const struct conn_diag_conn *b)
{
	size_t len;
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	len = addr_len(a->family);
	r = memcmp(a->local, b->local, len);
	if (r)
		return r < 0 ? -1 : 1;
	if (a->lport != b->lport)
		return a->lport < b->lport ? -1 : 1;
	r = memcmp(a->remote, b->remote, len);
	if (r)
		return r < 0 ? -1 : 1;
	if (a->rport != b->rport)
		return a->rport < b->rport ? -1 : 1;
	return 0;
}

static int conn_qsort_cmp(const void *a, const void *b)
{
	return conn_diag_cmp(a, b);
}

void conn_diag_diff(const struct conn_diag_conn *old, size_t nold,
		    const struct conn_diag_conn *new, size_t nnew,
		    void (*cb)(void *ctx, const struct conn_diag_conn *c,
			       bool added),
		    void *ctx)
{
	size_t i = 0, j = 0;

	while (i < nold || j < nnew) {
		int r;

		if (i == nold)
			r = 1;
		else if (j == nnew)
			r = -1;
		else
			r = conn_diag_cmp(&old[i], &new[j]);
		if (r < 0) {
			cb(ctx, &old[i++], false);
		} else if (r > 0) {
			cb(ctx, &new[j++], true);
		} else {
			i++;
			j++;
		}
	}
}

/*
 * The wanted addresses, zero-padded, v4-mapped ones as IPv4, sorted and
 * without duplicates, into a new array of *n.
 */
static int normalize(const struct conn_diag_addr *addrs, size_t naddrs,
		     struct conn_diag_addr **out, size_t *n)
{
	struct conn_diag_addr *w;
	size_t i, k = 0;

	w = calloc(naddrs ? naddrs : 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (i = 0; i < naddrs; i++) {
		w[i].family = addrs[i].family;
		if (addrs[i].family == AF_INET) {
			memcpy(w[i].addr, addrs[i].addr, 4);
		} else if (addrs[i].family == AF_INET6 &&
			   is_v4_mapped(addrs[i].addr)) {
			w[i].family = AF_INET;
			memcpy(w[i].addr, addrs[i].addr + 12, 4);
		} else if (addrs[i].family == AF_INET6) {
			memcpy(w[i].addr, addrs[i].addr, 16);
		} else {
			free(w);
			return -EAFNOSUPPORT;
		}
	}
	qsort(w, naddrs, sizeof(*w), addr_cmp);
	for (i = 0; i < naddrs; i++) {
		if (k == 0 || addr_cmp(&w[k - 1], &w[i]) != 0)
			w[k++] = w[i];
	}
	if (k > CONN_DIAG_ADDRS_MAX) {
		free(w);
		return -EINVAL;
	}
	*out = w;
	*n = k;
	return 0;
}

/* Appends one S_COND/JMP pair at bc + off of a program of total bytes. */
static void put_pair(unsigned char *bc, size_t off, size_t total, int family,
		     const unsigned char *addr, bool last)
{
	size_t alen = addr_len(family);
	struct inet_diag_bc_op cond = {
		.code = INET_DIAG_BC_S_COND,
		.yes = COND_LEN(alen),
		.no = last ? total - off + OP_LEN : PAIR_LEN(alen),
	};
	struct inet_diag_hostcond host = {
		.family = family,
		.prefix_len = alen * 8,
		.port = -1,
	};
	struct inet_diag_bc_op jmp = {
		.code = INET_DIAG_BC_JMP,
		.yes = OP_LEN,
		.no = total - (off + COND_LEN(alen)),
	};

	memcpy(bc + off, &cond, OP_LEN);
	memcpy(bc + off + OP_LEN, &host, sizeof(host));
	memcpy(bc + off + OP_LEN + sizeof(host), addr, alen);
	memcpy(bc + off + COND_LEN(alen), &jmp, OP_LEN);
}

/*
 * The program of the dump of family into bc (BC_MAX bytes): its length, 0
 * when no wanted address can be in that dump.
 */
static size_t build_bytecode(const struct listing *l, int family,
			     unsigned char *bc)
{
	size_t pair = PAIR_LEN(addr_len(family));
	size_t i, k = 0, total;

	for (i = 0; i < l->nwant; i++) {
		if (l->want[i].family == family || family == AF_INET6)
			k++;
	}
	total = k * pair;
	k = 0;
	for (i = 0; i < l->nwant; i++) {
		const struct conn_diag_addr *w = &l->want[i];
		unsigned char mapped[16] = {
			[10] = 0xff, [11] = 0xff,
		};
		const unsigned char *addr = w->addr;

		if (w->family != family) {
			if (family != AF_INET6)
				continue;
			memcpy(mapped + 12, w->addr, 4);
			addr = mapped;
		}
		put_pair(bc, k * pair, total, family, addr, (k + 1) * pair == total);
		k++;
	}
	return total;
}

static int fail(struct listing *l, int error)
{
	if (!l->error)
		l->error = error;
	errno = -error;
	return MNL_CB_ERROR;
}

/* Sorts the connections and drops duplicates. */
static void compact(struct listing *l)
{
	size_t i, k = 0;

	if (l->sorted)
		return;
	if (l->n)
		qsort(l->conns, l->n, sizeof(*l->conns), conn_qsort_cmp);
	for (i = 0; i < l->n; i++) {
		if (k == 0 || conn_diag_cmp(&l->conns[k - 1], &l->conns[i]) != 0)
			l->conns[k++] = l->conns[i];
	}
	l->n = k;
	l->sorted = true;
}

/*
 * Adds c; at max connections first drops duplicates, and refuses a
 * connection that is not one of them.
 */
static int add_conn(struct listing *l, const struct conn_diag_conn *c)
{
	if (l->n >= l->max) {
		compact(l);
		if (l->n && bsearch(c, l->conns, l->n, sizeof(*c), conn_qsort_cmp))
			return MNL_CB_OK;
		if (l->n >= l->max)
			return fail(l, -E2BIG);
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct conn_diag_conn *grown;

		grown = reallocarray(l->conns, cap, sizeof(*grown));
		if (!grown)
			return fail(l, -ENOMEM);
		l->conns = grown;
		l->cap = cap;
	}
	l->conns[l->n++] = *c;
	l->sorted = false;
	return MNL_CB_OK;
}

static bool is_wanted(const struct listing *l, int family,
		      const unsigned char *addr)
{
	struct conn_diag_addr key = { .family = family };

	memcpy(key.addr, addr, addr_len(family));
	return bsearch(&key, l->want, l->nwant, sizeof(key), addr_cmp) != NULL;
}

/* One socket of the dump: checked, and added if established. */
static int on_conn(const struct nlmsghdr *nlh, void *data)
{
	struct listing *l = data;
	const struct inet_diag_msg *msg;
	struct conn_diag_conn c;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return fail(l, -EPROTO);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
		return fail(l, -EBADMSG);
	msg = mnl_nlmsg_get_payload(nlh);
	if (msg->idiag_family != l->family)
		return fail(l, -EPROTO);
	/* It was established when the kernel chose it, but may be closing now. */
	if (msg->idiag_state != STATE_ESTABLISHED)
		return MNL_CB_OK;

	memset(&c, 0, sizeof(c));
	c.family = l->family;
	memcpy(c.local, msg->id.idiag_src, addr_len(l->family));
	memcpy(c.remote, msg->id.idiag_dst, addr_len(l->family));
	c.lport = ntohs(msg->id.idiag_sport);
	c.rport = ntohs(msg->id.idiag_dport);
	if (c.family == AF_INET6 && is_v4_mapped(c.local) &&
	    is_v4_mapped(c.remote)) {
		c.family = AF_INET;
		memmove(c.local, c.local + 12, 4);
		memset(c.local + 4, 0, 12);
		memmove(c.remote, c.remote + 12, 4);
		memset(c.remote + 4, 0, 12);
	}
	/* The bytecode chose it: anything else is the kernel's mistake. */
	if (!is_wanted(l, c.family, c.local))
		return fail(l, -EPROTO);
	return add_conn(l, &c);
}

/* NLMSG_ERROR: the dump failed (an ACK, error 0, just ends it). */
static int on_error_msg(const struct nlmsghdr *nlh, void *data)
{
	struct listing *l = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return fail(l, -EBADMSG);
	if (err->error == 0)
		return MNL_CB_STOP;
	return fail(l, err->error < 0 ? err->error : -EPROTO);
}

/* NLMSG_DONE: the end of the dump, with its status. */
static int on_done_msg(const struct nlmsghdr *nlh, void *data)
{
	struct listing *l = data;
	int status;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return MNL_CB_STOP;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status >= 0)
		return MNL_CB_STOP;
	return fail(l, status);
}

/*
 * Dumps the established TCP sockets of family that the program bc of bclen
 * bytes accepts, into l, reading up to NLMSG_DONE.  -EINTR: the kernel
 * marked a part NLM_F_DUMP_INTR (the rest is left unread).
 */
static int dump_family(struct mnl_socket *nl, uint32_t seq, int family,
		       const unsigned char *bc, size_t bclen, void *tx,
		       void *rx, struct listing *l)
{
	/* not const: libmnl 1.0.4's mnl_cb_run2() takes a plain pointer */
	static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_error_msg,
		[NLMSG_DONE] = on_done_msg,
	};
	uint32_t portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tx);
	struct inet_diag_req_v2 *req;
	int ret = MNL_CB_OK;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1U << STATE_ESTABLISHED;
	mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bc);

	l->family = family;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return neg_errno();
	do {
		ssize_t len = mnl_socket_recvfrom(nl, rx, RX_SIZE);

		if (len < 0) {
			if (errno == EINTR)	/* a signal: the dump goes on */
				continue;
			return neg_errno();
		}
		ret = mnl_cb_run2(rx, len, seq, portid, on_conn, l, ctl_cbs,
				  MNL_ARRAY_SIZE(ctl_cbs));
		if (ret == MNL_CB_ERROR)
			/* ours, or libmnl's: sender, sequence, NLM_F_DUMP_INTR */
			return l->error ? l->error : neg_errno();
	} while (ret != MNL_CB_STOP);
	return 0;
}

/* Both dumps on a new socket, into l. */
static int list_once(struct listing *l, unsigned char *bc, void *tx, void *rx)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct mnl_socket *nl;
	size_t i;
	int ret = 0;

	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl)
		return neg_errno();
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = neg_errno();
		mnl_socket_close(nl);
		return ret;
	}
	for (i = 0; i < MNL_ARRAY_SIZE(families) && ret == 0; i++) {
		size_t bclen = build_bytecode(l, families[i], bc);

		if (bclen)
			ret = dump_family(nl, i + 1, families[i], bc, bclen,
					  tx, rx, l);
	}
	mnl_socket_close(nl);
	return ret;
}

int conn_diag_list(const struct conn_diag_addr *addrs, size_t naddrs,
		   size_t max, struct conn_diag_conn **out, size_t *n)
{
	struct listing l = { .max = max, .sorted = true };
	struct conn_diag_addr *want = NULL;
	unsigned char *bc = NULL;
	void *tx = NULL, *rx = NULL;
	int attempt, ret;

	*out = NULL;
	*n = 0;
	if (!addrs && naddrs)
		return -EINVAL;
	if (naddrs == 0)
		return 0;
	ret = normalize(addrs, naddrs, &want, &l.nwant);
	if (ret)
		return ret;
	l.want = want;

	bc = malloc(BC_MAX);
	tx = malloc(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2)) +
		    MNL_ATTR_HDRLEN + BC_MAX);
	rx = malloc(RX_SIZE);
	ret = -ENOMEM;
	for (attempt = 0; bc && tx && rx && attempt < 2; attempt++) {
		l.n = 0;
		l.sorted = true;
		l.error = 0;
		ret = list_once(&l, bc, tx, rx);
		if (ret != -EINTR)
			break;
	}
	free(rx);
	free(tx);
	free(bc);
	free(want);
	if (ret) {
		free(l.conns);
		return ret;
	}
	compact(&l);
	if (l.n == 0) {
		free(l.conns);
		return 0;
	}
	*out = l.conns;
	*n = l.n;
	return 0;
}
