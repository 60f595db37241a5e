// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: sends TCP SYNs from random source ports at ADDR:PORT over a raw
 * socket, optionally paced to a fixed rate, and counts the RST|ACK answers
 * that acknowledge them (ack = our seq + 1), each port at most once.  The
 * selftests use it to measure the error-reply rate limit of ipto devices.
 * Prints "sent N rst M duration_ms D".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/filter.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "synflood"
#include "tool_util.h"

#define NSEC_PER_MSEC		1000000ULL
#define FIRST_SOURCE_PORT	1024
#define NUM_SOURCE_PORTS	(65536 - FIRST_SOURCE_PORT)
#define RX_BUF_SIZE		(4 * 1024 * 1024)
#define RX_IDLE_POLL_MS		20
#define SEND_RETRY_NS		100000
#define SEND_MAX_RETRIES	10000
#define TCP_CSUM_OFFSET		16	/* offsetof(struct tcphdr, check) */

/*
 * State of one source port, written by the sender before each SYN and
 * updated by the receiver: the SYN's sequence number in the low 32 bits.
 */
#define PORT_SENT		(1ULL << 32)
#define PORT_ANSWERED		(1ULL << 33)

static _Atomic uint64_t port_state[65536];

struct options {
	const char *dst;
	const char *src;
	uint16_t port;
	uint32_t count;
	uint32_t rate;
	uint32_t wait_ms;
};

/* What the sender and the receiver thread share. */
struct flood {
	int family;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	struct sockaddr_storage src;
	uint16_t port;
	int tx_fd;
	int rx_fd;

	atomic_bool sending_done;
	_Atomic uint64_t deadline_ns;	/* valid once sending_done */
	atomic_uint sent;
	atomic_uint answered;
	atomic_uint rx_drops;
	int rx_errno;			/* read after the join */
};

static void usage(FILE *out)
{
	fputs("usage: " PROG " -d ADDR -p PORT [-n COUNT] [-r RATE] [-w WAIT_MS] [-s SRCADDR]\n"
	      "  -d ADDR     target IPv4 or IPv6 address\n"
	      "  -p PORT     target TCP port\n"
	      "  -n COUNT    SYNs to send (default 1000)\n"
	      "  -r RATE     packets per second, 0 = as fast as possible (default 0)\n"
	      "  -w WAIT_MS  how long to count answers after the last SYN (default 1000)\n"
	      "  -s SRCADDR  source address (default: the one the route to ADDR picks)\n"
	      "Prints \"sent N rst M duration_ms D\".\n", out);
}

static void sleep_until_ns(uint64_t when)
{
	struct timespec ts = {
		.tv_sec = (time_t)(when / NSEC_PER_SEC),
		.tv_nsec = (long)(when % NSEC_PER_SEC),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* splitmix64's state: a small, good enough generator for ports and sequence numbers */
static uint64_t random_state;

static void seed_random(void)
{
	if (getrandom(&random_state, sizeof(random_state), 0) != sizeof(random_state))
		random_state = now_ns() ^ ((uint64_t)getpid() << 32);
}

/* Fisher-Yates shuffle of the source ports still to use. */
static void shuffle_ports(uint16_t *ports, size_t n)
{
	size_t i;

	for (i = n - 1; i > 0; i--) {
		size_t j = (size_t)(splitmix64(&random_state) % (i + 1));
		uint16_t tmp = ports[i];

		ports[i] = ports[j];
		ports[j] = tmp;
	}
}

/* Parses a decimal number in min..max. */
static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_number(s, 10, min, max, &v) != PARSE_OK)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	uint32_t port = 0;
	int c;

	*opt = (struct options){ .count = 1000, .wait_ms = 1000 };

	while ((c = getopt(argc, argv, "d:p:n:r:w:s:h")) != -1) {
		switch (c) {
		case 'd':
			opt->dst = optarg;
			break;
		case 'p':
			if (!parse_u32(optarg, 1, 65535, &port))
				usage_error("-p: port must be 1..65535");
			opt->port = (uint16_t)port;
			break;
		case 'n':
			if (!parse_u32(optarg, 1, 100000000, &opt->count))
				usage_error("-n: count must be 1..100000000");
			break;
		case 'r':
			if (!parse_u32(optarg, 0, 100000000, &opt->rate))
				usage_error("-r: rate must be 0..100000000");
			break;
		case 'w':
			if (!parse_u32(optarg, 0, 3600000, &opt->wait_ms))
				usage_error("-w: wait must be 0..3600000 ms");
			break;
		case 's':
			opt->src = optarg;
			break;
		case 'h':
			usage_exit(usage, EXIT_OK);
		default:
			usage_exit(usage, EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!opt->dst || !opt->port)
		usage_exit(usage, EXIT_USAGE);
}

/* Parses a numeric IPv4 or IPv6 address (with an optional %scope). */
static socklen_t parse_address(const char *text, struct sockaddr_storage *out)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	socklen_t len;
	int err;

	err = getaddrinfo(text, NULL, &hints, &res);
	if (err)
		usage_error("%s: not an IPv4 or IPv6 address: %s", text, gai_strerror(err));
	len = res->ai_addrlen;
	memcpy(out, res->ai_addr, len);
	freeaddrinfo(res);
	return len;
}

/* The source address the kernel's route to dst would pick. */
static void route_source(const struct flood *fl, struct sockaddr_storage *src)
{
	socklen_t len = sizeof(*src);
	int fd = socket(fl->family, SOCK_DGRAM, 0);

	if (fd < 0)
		fail("UDP socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&fl->dst, fl->dst_len) < 0)
		fail("no route to the target: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)src, &len) < 0)
		fail("getsockname: %s", strerror(errno));
	close(fd);
}

static const struct in_addr *v4(const struct sockaddr_storage *ss)
{
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

static const struct in6_addr *v6(const struct sockaddr_storage *ss)
{
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

/* The TCP checksum over the IPv4 pseudo-header and the segment. */
static uint16_t tcp4_checksum(struct in_addr src, struct in_addr dst,
			      const struct tcphdr *tcp, size_t len)
{
	uint8_t pseudo[12];
	uint16_t tcp_len = htons((uint16_t)len);

	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	memcpy(pseudo + 10, &tcp_len, 2);
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), tcp, len));
}

static void fill_syn(struct tcphdr *tcp, uint16_t sport, uint16_t dport, uint32_t seq)
{
	memset(tcp, 0, sizeof(*tcp));
	tcp->source = htons(sport);
	tcp->dest = htons(dport);
	tcp->seq = htonl(seq);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->syn = 1;
	tcp->window = htons(64240);
}

/* Sends one packet, waiting a little while the device queue is full. */
static void send_packet(const struct flood *fl, const void *pkt, size_t len)
{
	int tries;

	for (tries = 0; tries < SEND_MAX_RETRIES; tries++) {
		if (sendto(fl->tx_fd, pkt, len, 0, (const struct sockaddr *)&fl->dst,
			   fl->dst_len) == (ssize_t)len)
			return;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			fail("sending a SYN: %s", strerror(errno));
		sleep_until_ns(now_ns() + SEND_RETRY_NS);
	}
	fail("sending a SYN: %s, giving up", strerror(errno));
}

static void send_syn(const struct flood *fl, uint16_t sport, uint32_t seq)
{
	if (fl->family == AF_INET) {
		struct {
			struct iphdr ip;
			struct tcphdr tcp;
		} pkt;

		memset(&pkt.ip, 0, sizeof(pkt.ip));
		pkt.ip.version = 4;
		pkt.ip.ihl = sizeof(pkt.ip) / 4;
		pkt.ip.tot_len = htons(sizeof(pkt));
		pkt.ip.frag_off = htons(IP_DF);
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_TCP;
		pkt.ip.saddr = v4(&fl->src)->s_addr;
		pkt.ip.daddr = v4(&fl->dst)->s_addr;
		pkt.ip.check = csum_fold(csum_add(0, &pkt.ip, sizeof(pkt.ip)));
		fill_syn(&pkt.tcp, sport, fl->port, seq);
		pkt.tcp.check = tcp4_checksum(*v4(&fl->src), *v4(&fl->dst),
					      &pkt.tcp, sizeof(pkt.tcp));
		send_packet(fl, &pkt, sizeof(pkt));
	} else {
		struct tcphdr tcp;

		/* the kernel adds the IPv6 header and the checksum */
		fill_syn(&tcp, sport, fl->port, seq);
		send_packet(fl, &tcp, sizeof(tcp));
	}
}

/* Counts a segment if it is the first RST|ACK that answers one of our SYNs. */
static void check_reply(struct flood *fl, const uint8_t *segment, size_t len)
{
	struct tcphdr tcp;
	uint64_t state;
	uint16_t sport;

	if (len < sizeof(tcp))
		return;
	memcpy(&tcp, segment, sizeof(tcp));
	if (ntohs(tcp.source) != fl->port || !tcp.rst || !tcp.ack)
		return;
	sport = ntohs(tcp.dest);
	state = atomic_load(&port_state[sport]);
	if (!(state & PORT_SENT) || (state & PORT_ANSWERED) ||
	    ntohl(tcp.ack_seq) != (uint32_t)(state + 1))
		return;
	if (atomic_compare_exchange_strong(&port_state[sport], &state,
					   state | PORT_ANSWERED))
		atomic_fetch_add(&fl->answered, 1);
}

static void handle_ipv4(struct flood *fl, const uint8_t *pkt, size_t len)
{
	struct iphdr ip;
	size_t hlen;

	if (len < sizeof(ip))
		return;
	memcpy(&ip, pkt, sizeof(ip));
	hlen = (size_t)ip.ihl * 4;
	if (ip.version != 4 || hlen < sizeof(ip) || hlen > len ||
	    ip.protocol != IPPROTO_TCP ||
	    (ntohs(ip.frag_off) & (IP_MF | IP_OFFMASK)) ||
	    ip.saddr != v4(&fl->dst)->s_addr || ip.daddr != v4(&fl->src)->s_addr)
		return;
	check_reply(fl, pkt + hlen, len - hlen);
}

static void handle_ipv6(struct flood *fl, struct msghdr *msg,
			const uint8_t *segment, size_t len)
{
	const struct sockaddr_in6 *from = msg->msg_name;
	const struct in6_pktinfo *info = NULL;
	struct cmsghdr *cmsg;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg))
		if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO)
			info = (const struct in6_pktinfo *)CMSG_DATA(cmsg);
	if (!info || msg->msg_namelen < sizeof(*from) ||
	    memcmp(&from->sin6_addr, v6(&fl->dst), sizeof(struct in6_addr)) ||
	    memcmp(&info->ipi6_addr, v6(&fl->src), sizeof(struct in6_addr)))
		return;
	check_reply(fl, segment, len);
}

/* Notes the socket's cumulative drop count, if the kernel passed it. */
static void note_drops(struct flood *fl, struct msghdr *msg)
{
	struct cmsghdr *cmsg;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SO_RXQ_OVFL) {
			uint32_t drops;

			memcpy(&drops, CMSG_DATA(cmsg), sizeof(drops));
			atomic_store(&fl->rx_drops, drops);
		}
	}
}

/* Reads everything queued on the receive socket; false on error. */
static bool drain_replies(struct flood *fl)
{
	uint8_t buf[2048];	/* headers are copied out, so any alignment */
	union {
		char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} control;
	struct sockaddr_storage from;

	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.bytes,
			.msg_controllen = sizeof(control.bytes),
		};
		ssize_t n = recvmsg(fl->rx_fd, &msg, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return true;
			fl->rx_errno = errno;
			return false;
		}
		note_drops(fl, &msg);
		if (fl->family == AF_INET)
			handle_ipv4(fl, buf, (size_t)n);
		else
			handle_ipv6(fl, &msg, buf, (size_t)n);
	}
}

/*
 * The receiver thread: counts answers until wait_ms after the last SYN,
 * or until every SYN sent has been answered.
 */
static void *receive_replies(void *arg)
{
	struct flood *fl = arg;
	struct pollfd pfd = { .fd = fl->rx_fd, .events = POLLIN };

	for (;;) {
		int timeout_ms = RX_IDLE_POLL_MS;

		if (atomic_load(&fl->sending_done)) {
			uint64_t now = now_ns(), deadline = atomic_load(&fl->deadline_ns);

			if (now >= deadline ||
			    atomic_load(&fl->answered) >= atomic_load(&fl->sent))
				break;
			timeout_ms = (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
			if (timeout_ms > RX_IDLE_POLL_MS)
				timeout_ms = RX_IDLE_POLL_MS;
		}
		if (poll(&pfd, 1, timeout_ms) < 0) {
			if (errno == EINTR)
				continue;
			fl->rx_errno = errno;
			break;
		}
		if (!drain_replies(fl))
			break;
	}
	return NULL;
}

static void open_receive_socket(struct flood *fl)
{
	int on = 1, size = RX_BUF_SIZE;

	fl->rx_fd = socket(fl->family, SOCK_RAW, IPPROTO_TCP);
	if (fl->rx_fd < 0)
		fail("raw TCP socket: %s%s", strerror(errno),
		     errno == EPERM ? " (needs CAP_NET_RAW)" : "");
	/* FORCE needs CAP_NET_ADMIN; otherwise take what rmem_max allows */
	if (setsockopt(fl->rx_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fl->rx_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fl->rx_fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) < 0)
		fail("SO_RXQ_OVFL: %s", strerror(errno));
	if (fl->family == AF_INET6 &&
	    setsockopt(fl->rx_fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
		fail("IPV6_RECVPKTINFO: %s", strerror(errno));
}

static void open_send_socket(struct flood *fl, bool explicit_source)
{
	if (fl->family == AF_INET) {
		/* IPPROTO_RAW implies IP_HDRINCL: we write the IPv4 header */
		fl->tx_fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (fl->tx_fd < 0)
			fail("raw IPv4 socket: %s%s", strerror(errno),
			     errno == EPERM ? " (needs CAP_NET_RAW)" : "");
	} else {
		struct sock_filter drop_all = BPF_STMT(BPF_RET | BPF_K, 0);
		struct sock_fprog no_input = { .len = 1, .filter = &drop_all };
		struct sockaddr_in6 bind_addr;
		int offset = TCP_CSUM_OFFSET, on = 1;

		fl->tx_fd = socket(AF_INET6, SOCK_RAW, IPPROTO_TCP);
		if (fl->tx_fd < 0)
			fail("raw IPv6 socket: %s%s", strerror(errno),
			     errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		if (setsockopt(fl->tx_fd, IPPROTO_IPV6, IPV6_CHECKSUM,
			       &offset, sizeof(offset)) < 0)
			fail("IPV6_CHECKSUM: %s", strerror(errno));
		/* this socket only sends: do not queue a copy of every answer */
		if (setsockopt(fl->tx_fd, SOL_SOCKET, SO_ATTACH_FILTER,
			       &no_input, sizeof(no_input)) < 0)
			fail("SO_ATTACH_FILTER: %s", strerror(errno));
		/* an explicit source address need not be local */
		if (explicit_source)
			setsockopt(fl->tx_fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on));
		memcpy(&bind_addr, &fl->src, sizeof(bind_addr));
		bind_addr.sin6_port = 0;
		if (bind(fl->tx_fd, (const struct sockaddr *)&bind_addr, sizeof(bind_addr)) < 0)
			fail("binding to the source address: %s", strerror(errno));
	}
}

int main(int argc, char **argv)
{
	static struct flood fl;
	uint64_t first_ns = 0, last_ns = 0;
	struct sockaddr_storage src_parsed;
	struct options opt;
	uint16_t *ports;
	pthread_t receiver;
	size_t next_port;
	uint32_t i;
	int err;

	parse_options(argc, argv, &opt);

	fl.dst_len = parse_address(opt.dst, &fl.dst);
	fl.family = fl.dst.ss_family;
	fl.port = opt.port;
	if (opt.src) {
		parse_address(opt.src, &src_parsed);
		if (src_parsed.ss_family != fl.family)
			usage_error("-s %s: not the address family of %s", opt.src, opt.dst);
		fl.src = src_parsed;
	} else {
		route_source(&fl, &fl.src);
	}

	seed_random();
	ports = malloc(NUM_SOURCE_PORTS * sizeof(*ports));
	if (!ports)
		fail("out of memory");
	for (i = 0; i < NUM_SOURCE_PORTS; i++)
		ports[i] = (uint16_t)(FIRST_SOURCE_PORT + i);
	shuffle_ports(ports, NUM_SOURCE_PORTS);
	next_port = 0;

	open_receive_socket(&fl);
	open_send_socket(&fl, opt.src != NULL);

	err = pthread_create(&receiver, NULL, receive_replies, &fl);
	if (err)
		fail("starting the receiver: %s", strerror(err));

	for (i = 0; i < opt.count; i++) {
		uint32_t seq = (uint32_t)splitmix64(&random_state);
		uint16_t sport;

		/* distinct ports; a port comes back only after all were used */
		if (next_port == NUM_SOURCE_PORTS) {
			shuffle_ports(ports, NUM_SOURCE_PORTS);
			next_port = 0;
		}
		sport = ports[next_port++];
		atomic_store(&port_state[sport], PORT_SENT | seq);

		if (i == 0)
			first_ns = now_ns();
		else if (opt.rate)
			sleep_until_ns(first_ns + (uint64_t)i * NSEC_PER_SEC / opt.rate);
		last_ns = now_ns();
		send_syn(&fl, sport, seq);
		atomic_fetch_add(&fl.sent, 1);
	}

	atomic_store(&fl.deadline_ns, last_ns + (uint64_t)opt.wait_ms * NSEC_PER_MSEC);
	atomic_store(&fl.sending_done, true);
	pthread_join(receiver, NULL);

	if (fl.rx_errno)
		fail("receiving: %s", strerror(fl.rx_errno));
	if (atomic_load(&fl.rx_drops))
		fprintf(stderr, PROG ": warning: the receive queue dropped %u packets\n",
			atomic_load(&fl.rx_drops));

	printf("sent %u rst %u duration_ms %llu\n", atomic_load(&fl.sent),
	       atomic_load(&fl.answered),
	       (unsigned long long)((last_ns - first_ns) / NSEC_PER_MSEC));

	close(fl.tx_fd);
	close(fl.rx_fd);
	free(ports);
	return EXIT_OK;
}
