// SPDX-License-Identifier: GPL-2.0
/*
 * reset: "iptoctl reset": TCP connections to adopted addresses, tickled so
 * that their clients reset them (IPTO_CMD_CONN_RESET): the connections, as
 * LOCAL:PORT,REMOTE:PORT from the command line or standard input, all
 * checked before the first is sent, then sent in order, at most
 * IPTO_CONN_RESET_MAX to a request.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/genetlink.h>
#include <linux/ipto.h>

#include "args.h"
#include "subcommands.h"

/* A connection as the adopted address saw it: local is the adopted address. */
struct reset_conn {
	int family;			/* AF_INET or AF_INET6, both ends */
	unsigned char local[16];	/* network order: 4 or 16 bytes */
	unsigned char remote[16];
	uint16_t local_port;		/* host order */
	uint16_t remote_port;
};

/* The connections to send, in order. */
struct conn_list {
	struct reset_conn *items;	/* allocated */
	size_t n, cap;
};

/* Where a connection was written, for messages. */
struct conn_source {
	const char *text;	/* the word or the line, as written */
	size_t line;		/* its line on standard input; 0: an argument */
};

/* One end of a connection: "A.B.C.D:PORT" or "[IPV6]:PORT". */
struct endpoint {
	int family;
	unsigned char addr[16];
	uint16_t port;
};

/*
 * The largest nest of one connection (IPv6) and the largest request: a
 * request of IPTO_CONN_RESET_MAX connections fits the handle's buffer.
 */
#define CONN_NEST_MAX (MNL_ATTR_HDRLEN + 2 * MNL_ALIGN(MNL_ATTR_HDRLEN + 16) + \
		       2 * MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(uint16_t)))
#define RESET_MSG_MAX (MNL_NLMSG_HDRLEN + GENL_HDRLEN + \
		       MNL_ALIGN(MNL_ATTR_HDRLEN + IFNAMSIZ) + \
		       IPTO_CONN_RESET_MAX * CONN_NEST_MAX)
_Static_assert(RESET_MSG_MAX <= IPTO_NL_MSG_MAX,
	       "a request of IPTO_CONN_RESET_MAX connections must fit IPTO_NL_MSG_MAX");

/* "[ADDRESS]:PORT,[ADDRESS]:PORT" at its longest, terminator included. */
#define CONN_TEXT_MAX (2 * (INET6_ADDRSTRLEN + sizeof("[]:65535")))

/*
 * Says what is wrong with the connection src: detail follows its text
 * (" is not ...", or ": ...").  Returns EXIT_USAGE.
 */
__attribute__((format(printf, 2, 3)))
static int bad_conn(const struct conn_source *src, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (src->line)
		return usage_error("reset: standard input line %zu: '%s'%s",
				   src->line, src->text, detail);
	return usage_error("reset: conn '%s'%s", src->text, detail);
}

/* The last ':' of text[0..len), or NULL. */
static const char *last_colon(const char *text, size_t len)
{
	while (len--) {
		if (text[len] == ':')
			return text + len;
	}
	return NULL;
}

/* Copies text[0..len) into buf[size] as a string; false if it does not fit. */
static bool copy_part(const char *text, size_t len, char *buf, size_t size)
{
	if (len >= size)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return true;
}

/* text[0..len), the side ("local", "remote") of the connection src. */
static int parse_endpoint(const struct conn_source *src, const char *side,
			  const char *text, size_t len, struct endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN], port[16];	/* room for leading zeros */
	const char *start = text, *colon;
	size_t addr_len, port_len;

	memset(ep, 0, sizeof(*ep));
	if (text[0] == '[') {
		const char *close = memchr(text, ']', len);

		if (!close || close + 1 == text + len || close[1] != ':')
			return bad_conn(src, ": %s '%.*s' is not [ADDRESS]:PORT",
					side, (int)len, text);
		start = text + 1;
		colon = close + 1;
		addr_len = (size_t)(close - start);
		ep->family = AF_INET6;
	} else {
		colon = last_colon(text, len);
		if (!colon)
			return bad_conn(src, ": %s '%.*s' is not ADDRESS:PORT",
					side, (int)len, text);
		if (memchr(text, ':', (size_t)(colon - text)))
			return bad_conn(src, ": %s '%.*s' is not ADDRESS:PORT (an IPv6 address is written in brackets: [ADDRESS]:PORT)",
					side, (int)len, text);
		addr_len = (size_t)(colon - text);
		ep->family = AF_INET;
	}
	if (!copy_part(start, addr_len, addr, sizeof(addr)) ||
	    inet_pton(ep->family, addr, ep->addr) != 1)
		return bad_conn(src, ": %s address '%.*s' is not an %s address",
				side, (int)addr_len, start,
				ep->family == AF_INET ? "IPv4" : "IPv6");
	port_len = (size_t)(text + len - (colon + 1));
	if (!copy_part(colon + 1, port_len, port, sizeof(port)) ||
	    !port_from_text(port, &ep->port))
		return bad_conn(src, ": %s port '%.*s' is not 1-65535",
				side, (int)port_len, colon + 1);
	return EXIT_OK;
}

/* "LOCAL:PORT,REMOTE:PORT", both of one family. */
static int parse_conn(const struct conn_source *src, struct reset_conn *conn)
{
	const char *text = src->text, *comma = strchr(text, ',');
	struct endpoint local, remote;
	int ret;

	if (!comma || comma == text || !comma[1] || strchr(comma + 1, ','))
		return bad_conn(src, " is not LOCAL:PORT,REMOTE:PORT");
	ret = parse_endpoint(src, "local", text, (size_t)(comma - text), &local);
	if (ret == EXIT_OK)
		ret = parse_endpoint(src, "remote", comma + 1, strlen(comma + 1),
				     &remote);
	if (ret != EXIT_OK)
		return ret;
	if (local.family != remote.family)
		return bad_conn(src, ": local address is %s, remote address %s: both must be of one family",
				local.family == AF_INET ? "IPv4" : "IPv6",
				remote.family == AF_INET ? "IPv4" : "IPv6");
	memset(conn, 0, sizeof(*conn));
	conn->family = local.family;
	memcpy(conn->local, local.addr, sizeof(conn->local));
	memcpy(conn->remote, remote.addr, sizeof(conn->remote));
	conn->local_port = local.port;
	conn->remote_port = remote.port;
	return EXIT_OK;
}

/* Parses the connection src and appends it to list. */
static int add_conn(const struct conn_source *src, struct conn_list *list)
{
	struct reset_conn conn;
	int ret = parse_conn(src, &conn);

	if (ret != EXIT_OK)
		return ret;
	if (list->n == list->cap) {
		size_t want = list->cap ? list->cap * 2 : 64;
		struct reset_conn *items;

		items = reallocarray(list->items, want, sizeof(*items));
		if (!items) {
			fprintf(stderr, PROG ": reset: out of memory\n");
			return EXIT_FAILED;
		}
		list->items = items;
		list->cap = want;
	}
	list->items[list->n++] = conn;
	return EXIT_OK;
}

/*
 * The connections on in, one a line; blank lines and lines that start with
 * '#' are skipped, and so is white space around a connection.
 */
static int read_conns(FILE *in, struct conn_list *list)
{
	struct conn_source src = { .line = 0 };
	size_t size = 0, before = list->n;
	char *line = NULL;
	ssize_t len;
	int ret = EXIT_OK;

	while (ret == EXIT_OK && (len = getline(&line, &size, in)) >= 0) {
		char *text = line, *end = line + len;

		src.line++;
		while (end > text && isspace((unsigned char)end[-1]))
			end--;
		*end = '\0';
		while (isspace((unsigned char)*text))
			text++;
		if (!*text || *text == '#')
			continue;
		src.text = text;
		if (strlen(text) != (size_t)(end - text))
			ret = bad_conn(&src, " has a NUL byte");
		else
			ret = add_conn(&src, list);
	}
	if (ret == EXIT_OK && ferror(in)) {
		fprintf(stderr, PROG ": reset: cannot read standard input: %s\n",
			strerror(errno));
		ret = EXIT_FAILED;
	}
	free(line);
	if (ret == EXIT_OK && list->n == before)
		return usage_error("reset: no connections on standard input");
	return ret;
}

/*
 * "dev DEV" and "conn LOCAL:PORT,REMOTE:PORT", that many times, or "conn -"
 * alone, which takes them from standard input.  conn is the one keyword
 * that may be repeated: parse_keywords() takes each once.
 */
static int parse_reset_args(int argc, char **argv, const char **ifname,
			    struct conn_list *list)
{
	bool from_stdin = false;
	int arg, ret;

	*ifname = NULL;
	for (arg = 0; arg < argc; arg++) {
		const char *kw = argv[arg];
		bool dev = strcmp(kw, "dev") == 0;
		struct conn_source src = { .line = 0 };

		if (!dev && strcmp(kw, "conn") != 0)
			return usage_error("reset: unknown argument '%s'", kw);
		if (++arg == argc || !argv[arg][0])
			return usage_error("reset: '%s' needs %s", kw,
					   dev ? "a device name" :
					   "a connection LOCAL:PORT,REMOTE:PORT or -");
		if (dev) {
			if (*ifname)
				return usage_error("reset: 'dev' given twice");
			*ifname = argv[arg];
			ret = parse_ifname("reset", *ifname);
		} else if (strcmp(argv[arg], "-") == 0) {
			if (from_stdin)
				return usage_error("reset: 'conn -' given twice");
			from_stdin = true;
			ret = EXIT_OK;
		} else {
			src.text = argv[arg];
			ret = add_conn(&src, list);
		}
		if (ret != EXIT_OK)
			return ret;
	}
	if (!*ifname)
		return usage_error("reset: 'dev' is required");
	if (from_stdin && list->n)
		return usage_error("reset: 'conn -' (standard input) takes no other conn");
	if (!from_stdin && !list->n)
		return usage_error("reset: 'conn' is required");
	return from_stdin ? read_conns(stdin, list) : EXIT_OK;
}

/* "10.0.0.11:5432,10.0.0.50:41000", "[fd00::11]:5432,[fd00::50]:41000". */
static void format_conn(const struct reset_conn *c, char *buf, size_t size)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];
	bool v6 = c->family == AF_INET6;

	inet_ntop(c->family, c->local, local, sizeof(local));
	inet_ntop(c->family, c->remote, remote, sizeof(remote));
	snprintf(buf, size, "%s%s%s:%u,%s%s%s:%u", v6 ? "[" : "", local,
		 v6 ? "]" : "", c->local_port, v6 ? "[" : "", remote,
		 v6 ? "]" : "", c->remote_port);
}

/* An IPTO_RESET_A_CONN nest; false if the request has no room for it. */
static bool put_conn(struct nlmsghdr *nlh, const struct reset_conn *c)
{
	bool v4 = c->family == AF_INET;
	size_t len = v4 ? 4 : 16;
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, IPTO_NL_MSG_MAX, IPTO_RESET_A_CONN);
	if (!nest)
		return false;
	if (!mnl_attr_put_check(nlh, IPTO_NL_MSG_MAX,
				v4 ? IPTO_CONN_A_LOCAL_IPV4 : IPTO_CONN_A_LOCAL_IPV6,
				len, c->local) ||
	    !mnl_attr_put_u16_check(nlh, IPTO_NL_MSG_MAX, IPTO_CONN_A_LOCAL_PORT,
				    c->local_port) ||
	    !mnl_attr_put_check(nlh, IPTO_NL_MSG_MAX,
				v4 ? IPTO_CONN_A_REMOTE_IPV4 : IPTO_CONN_A_REMOTE_IPV6,
				len, c->remote) ||
	    !mnl_attr_put_u16_check(nlh, IPTO_NL_MSG_MAX, IPTO_CONN_A_REMOTE_PORT,
				    c->remote_port)) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* The request for conns[0..n); false if it does not fit. */
static bool build_request(struct nlmsghdr *nlh, const char *ifname,
			  const struct reset_conn *conns, size_t n)
{
	size_t i;

	mnl_attr_put_strz(nlh, IPTO_RESET_A_IFNAME, ifname);
	for (i = 0; i < n; i++) {
		if (!put_conn(nlh, &conns[i]))
			return false;
	}
	return true;
}

/*
 * Prints the kernel's refusal of the request nlh, which carried conns: with
 * the connection its extended ACK points into, if it does.
 */
static int report_reset_failure(const struct ipto_nl *nl,
				const struct nlmsghdr *nlh, int error,
				const struct reset_conn *conns)
{
	const char *extack = ipto_nl_extack(nl);
	char detail[384], conn[CONN_TEXT_MAX];
	const struct nlattr *attr;
	uint32_t offset;
	size_t i = 0;

	if (error == -EOPNOTSUPP && !extack)
		return report_failure(nl, error,
				      "the ipto module has no connection reset (is it older than iptoctl?)");
	if (!ipto_nl_extack_offset(nl, &offset))
		return report_failure(nl, error, "");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		size_t start = (size_t)((const char *)attr - (const char *)nlh);

		if (mnl_attr_get_type(attr) != IPTO_RESET_A_CONN)
			continue;
		if (offset >= start && offset < start + attr->nla_len) {
			format_conn(&conns[i], conn, sizeof(conn));
			snprintf(detail, sizeof(detail), "%s%sconn %s%s",
				 extack ? extack : "", extack ? " (" : "", conn,
				 extack ? ")" : "");
			return report_failure(nl, error, detail);
		}
		i++;
	}
	return report_failure(nl, error, "");
}

/*
 * Sends list->items in order, IPTO_CONN_RESET_MAX to a request, and stops
 * where the kernel did: at the first connection the device's reply limit
 * held back.
 */
static int send_conns(const char *ifname, const struct conn_list *list)
{
	struct ipto_nl *nl = open_ipto();
	size_t start, count = 0;
	int ret = EXIT_OK;

	if (!nl)
		return EXIT_FAILED;
	for (start = 0; ret == EXIT_OK && start < list->n; start += count) {
		const struct reset_conn *conns = &list->items[start];
		struct nlmsghdr *nlh = ipto_nl_msg(nl, IPTO_CMD_CONN_RESET, 0);
		int err;

		count = list->n - start;
		if (count > IPTO_CONN_RESET_MAX)
			count = IPTO_CONN_RESET_MAX;
		if (!build_request(nlh, ifname, conns, count)) {
			fprintf(stderr, PROG ": reset: the request is too large\n");
			ret = EXIT_FAILED;
		} else {
			struct ipto_nl_u32 sent = { .type = IPTO_RESET_A_SENT };

			err = ipto_nl_request(nl, nlh, ipto_nl_u32_cb, &sent);
			if (err < 0) {
				ret = report_reset_failure(nl, nlh, err, conns);
			} else if (sent.value < count) {
				fprintf(stderr, PROG ": reset: %zu of %zu connections tickled; the device's reply limit (reply_rate, reply_burst) held back the rest: send them again later\n",
					start + sent.value, list->n);
				ipto_nl_close(nl);
				return EXIT_FAILED;
			}
		}
		if (ret != EXIT_OK && start)
			fprintf(stderr, PROG ": reset: the kernel took the first %zu of %zu connections; the rest were not sent\n",
				start, list->n);
	}
	ipto_nl_close(nl);
	return ret;
}

int cmd_reset(const struct options *opts, int argc, char **argv)
{
	struct conn_list list = { .items = NULL };
	const char *ifname;
	int ret;

	(void)opts;
	ret = parse_reset_args(argc, argv, &ifname, &list);
	if (ret == EXIT_OK)
		ret = send_conns(ifname, &list);
	free(list.items);
	return ret;
}
