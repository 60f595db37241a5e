// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-answers: samples WHO answers for an IP address on a LAN segment, for
 * the "never two answerers" tests of a cluster failover.  It runs on a client
 * of the segment and, every PERIOD_MS, sends one round over an AF_PACKET
 * socket on IFACE (source MAC and address: IFACE's own):
 *
 *   - one ARP request "who-has ADDR" to the broadcast address (IPv6: one
 *     neighbour solicitation for ADDR to its solicited-node multicast
 *     address, with our link-layer address option);
 *   - to each node's MAC, one TCP SYN to ADDR:PORT from a source port of its
 *     own, which names the round and the node.
 *
 * Who answered:
 *   - ARP/ND: any ARP reply whose sender protocol address is ADDR, any
 *     neighbour advertisement whose target is ADDR.  The answerer is the
 *     frame's Ethernet source: the NIC that really sent it, whatever the ARP
 *     sender / target link-layer address inside says.  ARP and ND carry
 *     nothing that names a round, so an answer counts for the latest round
 *     sent when it arrives.
 *   - TCP: a SYN+ACK or a RST from ADDR:PORT to one of our ports (if it has
 *     ACK set, it must acknowledge that SYN), or an ICMP/ICMPv6 destination
 *     unreachable quoting that SYN.  The port (and sequence number) name the
 *     round, however late the answer comes (up to ANSWER_WINDOW_MS).  The
 *     answerer is the node the SYN went to if the frame comes from its MAC;
 *     from another MAC, the node owning that MAC (someone forwarded it).
 *   - A MAC that is no node's counts as the answerer "other" (all such MACs
 *     together count as one answerer, also in arp_two and tcp_two).
 * IPv6 extension headers and IP fragments are not parsed; frames seen as
 * PACKET_OTHERHOST (a promiscuous IFACE) are ignored.  Rounds keep to a
 * fixed grid of send times; when the tool runs late (a loaded host, an
 * emulated guest) it skips the times missed instead of sending a burst.
 *
 * Output, on stdout, flushed line by line: once a round's answer window is
 * over, "round R t_ms T arp NAMES tcp NAMES" (T: CLOCK_REALTIME ms at the
 * round's send, NAMES: comma-separated or "-"); at the end (the rounds stop
 * after -t or at SIGINT/SIGTERM, the last one's window closes ANSWER_WINDOW_MS
 * later; a second signal ends at once)
 * "summary rounds N arp_two X tcp_two Y" and one line per node, "other"
 * last, "node NAME arp_rounds A arp_first_ms F arp_last_ms L tcp_rounds B
 * tcp_first_ms F tcp_last_ms L" (-1: never).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <linux/if_addr.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "ipto-answers"
#define TOOL_USAGE_HINT \
	"usage: " PROG " -i IFACE [-p PERIOD_MS] [-t DURATION_MS] [-P PORT] ADDR NAME=MAC [NAME=MAC ...]\n" \
	"Try '" PROG " -h'.\n"
#include "tool_util.h"	/* EXIT_FAILED: a system call failed, or IFACE is unusable */

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

#define MAX_NODES		8
#define OTHER			MAX_NODES	/* the answerer index of unknown MACs */
#define NAME_LEN_MAX		15
#define ANSWER_WINDOW_MS	1000	/* how long a round waits for late answers */
#define RING_ROUNDS		2048	/* rounds kept: > ANSWER_WINDOW_MS / 1 ms + 1 */
#define PORT_FIRST		1024
#define PORT_SPAN		(65536 - PORT_FIRST)
#define PORT_ROUNDS		(PORT_SPAN / MAX_NODES)	/* rounds before a port comes back */
#define FRAME_MIN		60	/* Ethernet frames are padded to this */
#define FRAME_MAX		2048	/* only headers matter: longer frames are cut */
#define DRAIN_BATCH		64	/* frames read between two looks at the clock */
#define RX_BUF_SIZE		(1024 * 1024)
#define PERIOD_MS_DEFAULT	20
#define PERIOD_MS_MAX		60000
#define DURATION_MS_MAX		2147483647U
#define PORT_DEFAULT		80
#define NSEC_PER_MSEC		1000000ULL

_Static_assert(PORT_SPAN % MAX_NODES == 0, "a port names a round and a node");
_Static_assert(PORT_ROUNDS > RING_ROUNDS, "ports must outlive the kept rounds");
_Static_assert(MAX_NODES + 1 <= 16, "answerer sets are 16-bit masks");

struct node {
	char name[NAME_LEN_MAX + 1];
	uint8_t mac[ETH_ALEN];
};

struct options {
	const char *ifname;
	uint32_t period_ms;
	uint32_t duration_ms;		/* 0: until SIGINT or SIGTERM */
	uint16_t port;
	int family;
	uint8_t addr[16];		/* ADDR, alen bytes */
	size_t alen;
	struct node nodes[MAX_NODES + 1];	/* [OTHER]: "other" */
	unsigned int num_nodes;
};

struct round {
	uint64_t number;		/* 1-based; 0: slot never used */
	int64_t t_ms;			/* CLOCK_REALTIME at the send */
	uint64_t sent_ns;		/* CLOCK_MONOTONIC at the send */
	uint32_t seq;			/* the SYN to node i has sequence number seq + i */
	uint16_t arp;			/* answerers by ARP/ND: bit i node i, bit OTHER */
	uint16_t tcp;			/* answerers by TCP or ICMP */
};

struct tally {
	uint64_t rounds;
	int64_t first_ms;
	int64_t last_ms;
};

struct sampler {
	struct options opt;
	int fd;
	int ifindex;
	uint8_t mac[ETH_ALEN];
	uint8_t src[16];		/* our address, opt.alen bytes */
	uint32_t port_offset;
	uint64_t random_state;
	struct round ring[RING_ROUNDS];
	uint64_t sent;			/* rounds sent, the latest one's number */
	uint64_t done;			/* rounds printed */
	struct tally arp[MAX_NODES + 1];
	struct tally tcp[MAX_NODES + 1];
	uint64_t arp_two;
	uint64_t tcp_two;
	uint64_t late;			/* TCP answers after their round was printed */
	uint64_t skipped;		/* round times missed because we ran late */
	uint64_t send_drops;		/* frames the device queue refused */
};

static volatile sig_atomic_t signals_seen;

static void usage(FILE *out)
{
	fputs("usage: " PROG " -i IFACE [-p PERIOD_MS] [-t DURATION_MS] [-P PORT] ADDR NAME=MAC [NAME=MAC ...]\n"
	      "Samples who answers for ADDR (IPv4 or IPv6) on IFACE's segment.  Each round\n"
	      "sends one ARP request (IPv6: neighbour solicitation) for ADDR and, to each\n"
	      "node's MAC, one TCP SYN to ADDR:PORT, and notes who answered.\n"
	      "  -i IFACE        Ethernet interface to send and listen on (required)\n"
	      "  -p PERIOD_MS    one round every PERIOD_MS, 1..60000 (default 20)\n"
	      "  -t DURATION_MS  send rounds for DURATION_MS (default: until SIGINT/SIGTERM)\n"
	      "  -P PORT         TCP port of the SYNs, 1..65535 (default 80)\n"
	      "  NAME=MAC        a node that may answer, 1..8 of them: a name (1..15 of\n"
	      "                  A-Z a-z 0-9 _ . -, not \"other\") and its Ethernet address\n"
	      "                  aa:bb:cc:dd:ee:ff; unknown MACs count as \"other\"\n"
	      "Prints, once each round's 1000 ms answer window is over,\n"
	      "  round R t_ms T arp NAMES tcp NAMES\n"
	      "and at the end\n"
	      "  summary rounds N arp_two X tcp_two Y\n"
	      "  node NAME arp_rounds A arp_first_ms F arp_last_ms L tcp_rounds B tcp_first_ms F tcp_last_ms L\n"
	      "per node and for \"other\" (times: CLOCK_REALTIME ms of round sends, -1: never;\n"
	      "X, Y: rounds with two or more answerers).  Needs CAP_NET_RAW.  Exit 0, 1 on\n"
	      "failure, 2 on usage errors.\n", out);
}

static int64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / (long)NSEC_PER_MSEC;
}

/* Parses exactly "aa:bb:cc:dd:ee:ff". */
static bool parse_mac(const char *text, uint8_t *mac)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++, text += 3) {
		int hi = hex_digit(text[0]), lo = hi < 0 ? -1 : hex_digit(text[1]);

		if (lo < 0 || text[2] != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static void parse_node(struct options *opt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct node *node = &opt->nodes[opt->num_nodes];
	size_t len, i;
	unsigned int j;

	if (opt->num_nodes == MAX_NODES)
		usage_error("%s: too many nodes, at most %d", arg, MAX_NODES);
	if (!eq)
		usage_error("\"%s\": expected NAME=MAC", arg);
	len = (size_t)(eq - arg);
	if (len < 1 || len > NAME_LEN_MAX)
		usage_error("\"%s\": a node name has 1..%d characters", arg, NAME_LEN_MAX);
	for (i = 0; i < len; i++) {
		char c = arg[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			usage_error("\"%s\": a node name has only A-Z a-z 0-9 _ . -", arg);
	}
	memcpy(node->name, arg, len);
	node->name[len] = '\0';
	if (!strcmp(node->name, "other"))
		usage_error("\"%s\": \"other\" is the name of unknown MACs", arg);
	if (!parse_mac(eq + 1, node->mac))
		usage_error("\"%s\": \"%s\" is not a MAC address aa:bb:cc:dd:ee:ff", arg, eq + 1);
	if (node->mac[0] & 1)
		usage_error("\"%s\": %s is a multicast or broadcast MAC", arg, eq + 1);
	if (!memcmp(node->mac, "\0\0\0\0\0\0", ETH_ALEN))
		usage_error("\"%s\": the all-zero MAC names no node", arg);
	for (j = 0; j < opt->num_nodes; j++) {
		if (!strcmp(opt->nodes[j].name, node->name))
			usage_error("\"%s\": node name %s given twice", arg, node->name);
		if (!memcmp(opt->nodes[j].mac, node->mac, ETH_ALEN))
			usage_error("\"%s\": MAC %s is node %s's too", arg, eq + 1,
				    opt->nodes[j].name);
	}
	opt->num_nodes++;
}

static void parse_addr(struct options *opt, const char *text)
{
	static const uint8_t zero[16];

	if (inet_pton(AF_INET, text, opt->addr) == 1) {
		opt->family = AF_INET;
		opt->alen = 4;
		if (!memcmp(opt->addr, zero, 4) || opt->addr[0] >= 224)
			usage_error("ADDR %s: not a unicast IPv4 address", text);
	} else if (inet_pton(AF_INET6, text, opt->addr) == 1) {
		opt->family = AF_INET6;
		opt->alen = 16;
		if (!memcmp(opt->addr, zero, 16) || opt->addr[0] == 0xff)
			usage_error("ADDR %s: not a unicast IPv6 address", text);
	} else {
		usage_error("ADDR \"%s\": not a numeric IPv4 or IPv6 address", text);
	}
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	int c;

	*opt = (struct options){ .period_ms = PERIOD_MS_DEFAULT, .port = PORT_DEFAULT };
	strcpy(opt->nodes[OTHER].name, "other");

	while ((c = getopt(argc, argv, "i:p:t:P:h")) != -1) {
		switch (c) {
		case 'i':
			opt->ifname = optarg;
			break;
		case 'p':
			opt->period_ms = (uint32_t)parse_option(optarg, 10, 1, PERIOD_MS_MAX,
								"-p PERIOD_MS");
			break;
		case 't':
			opt->duration_ms = (uint32_t)parse_option(optarg, 10, 1, DURATION_MS_MAX,
								  "-t DURATION_MS");
			break;
		case 'P':
			opt->port = (uint16_t)parse_option(optarg, 10, 1, 65535, "-P PORT");
			break;
		case 'h':
			usage_exit(usage, EXIT_OK);
		default:
			usage_exit(usage, EXIT_USAGE);
		}
	}
	if (!opt->ifname)
		usage_error("-i IFACE is required");
	if (optind == argc)
		usage_error("ADDR is missing");
	parse_addr(opt, argv[optind++]);
	if (optind == argc)
		usage_error("no NAME=MAC given: name at least one node");
	while (optind < argc)
		parse_node(opt, argv[optind++]);
}

/* Whether the first plen bits of a and b agree. */
static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff00 >> bits));
}

/*
 * IFACE's index and MAC, and for IPv4 its address (preferring one whose
 * subnet holds ADDR).
 */
static void read_interface(struct sampler *s)
{
	struct ifaddrs *list, *ifa;
	bool have_mac = false, have_v4 = false, v4_on_link = false;

	s->ifindex = (int)if_nametoindex(s->opt.ifname);
	if (!s->ifindex)
		usage_error("-i %s: no such interface", s->opt.ifname);
	if (getifaddrs(&list) < 0)
		fail("getifaddrs: %s", strerror(errno));
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || strcmp(ifa->ifa_name, s->opt.ifname))
			continue;
		if (ifa->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)ifa->ifa_addr;

			if (ll->sll_hatype != ARPHRD_ETHER || ll->sll_halen != ETH_ALEN)
				fail("%s is not an Ethernet interface", s->opt.ifname);
			memcpy(s->mac, ll->sll_addr, ETH_ALEN);
			have_mac = true;
		} else if (ifa->ifa_addr->sa_family == AF_INET && s->opt.family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;
			const struct sockaddr_in *mask = (const struct sockaddr_in *)ifa->ifa_netmask;
			uint32_t addr;
			bool on_link;

			memcpy(&addr, s->opt.addr, 4);
			on_link = mask && !((sin->sin_addr.s_addr ^ addr) & mask->sin_addr.s_addr);

			if (!have_v4 || (on_link && !v4_on_link)) {
				memcpy(s->src, &sin->sin_addr, 4);
				have_v4 = true;
				v4_on_link = on_link;
			}
		}
	}
	freeifaddrs(list);
	if (!have_mac)
		fail("%s: no link-layer address found", s->opt.ifname);
	if (s->opt.family == AF_INET && !have_v4)
		fail("%s has no IPv4 address to send ARP requests and SYNs from", s->opt.ifname);
}

/*
 * IFACE's IPv6 source address from /proc/net/if_inet6: a global one (not
 * link-local, not tentative or DAD-failed), preferring one whose prefix holds
 * ADDR, then one not deprecated; else a usable link-local one.
 */
static void read_ipv6_source(struct sampler *s)
{
	enum { NONE, LINK_LOCAL, GLOBAL, GLOBAL_PREFERRED, GLOBAL_ON_LINK };
	char hex[33], name[IF_NAMESIZE + 1];
	unsigned int ifindex, plen, scope, flags;
	int best = NONE;
	FILE *f = fopen("/proc/net/if_inet6", "r");

	if (!f)
		fail("/proc/net/if_inet6: %s (is IPv6 disabled?)", strerror(errno));
	while (fscanf(f, "%32s %x %x %x %x %16s", hex, &ifindex, &plen, &scope,
		      &flags, name) == 6) {
		uint8_t a[16];
		int i, rank;

		if ((int)ifindex != s->ifindex || strlen(hex) != 32)
			continue;
		for (i = 0; i < 16; i++) {
			int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				break;
			a[i] = (uint8_t)(hi << 4 | lo);
		}
		if (i < 16)
			continue;
		if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
			continue;
		if (scope == 0x20)		/* IPV6_ADDR_LINKLOCAL */
			rank = LINK_LOCAL;
		else if (scope != 0)		/* loopback, site-local */
			continue;
		else if (plen <= 128 && prefix_match(a, s->opt.addr, plen) &&
			 !(flags & IFA_F_DEPRECATED))
			rank = GLOBAL_ON_LINK;
		else if (!(flags & IFA_F_DEPRECATED))
			rank = GLOBAL_PREFERRED;
		else
			rank = GLOBAL;
		if (rank > best) {
			memcpy(s->src, a, 16);
			best = rank;
		}
	}
	fclose(f);
	if (best == NONE)
		fail("%s has no usable IPv6 address (global or link-local, DAD done)",
		     s->opt.ifname);
}

static void open_socket(struct sampler *s)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = s->ifindex,
	};
	int on = 1, size = RX_BUF_SIZE;

	/* protocol 0: no frame is queued before bind() picks the interface */
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		fail("AF_PACKET socket: %s%s", strerror(errno),
		     errno == EPERM ? " (needs CAP_NET_RAW)" : "");
	/* our own frames are skipped by type anyway: this only saves work */
	setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof(on));
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(s->fd, (const struct sockaddr *)&sll, sizeof(sll)) < 0)
		fail("binding to %s: %s", s->opt.ifname, strerror(errno));
}

/* The TCP/ICMPv6 checksum of data, over the pseudo-header of s's family. */
static uint16_t l4_checksum(const struct sampler *s, const uint8_t *dst, uint8_t proto,
			    const void *data, size_t len)
{
	uint8_t pseudo[40] = { 0 };
	size_t alen = s->opt.alen, plen;

	memcpy(pseudo, s->src, alen);
	memcpy(pseudo + alen, dst, alen);
	if (s->opt.family == AF_INET) {
		pseudo[9] = proto;
		pseudo[10] = (uint8_t)(len >> 8);
		pseudo[11] = (uint8_t)len;
		plen = 12;
	} else {
		pseudo[34] = (uint8_t)(len >> 8);
		pseudo[35] = (uint8_t)len;
		pseudo[39] = proto;
		plen = 40;
	}
	return csum_fold(csum_add(csum_add(0, pseudo, plen), data, len));
}

/* Writes the Ethernet header; returns where the payload goes. */
static uint8_t *fill_ether(const struct sampler *s, uint8_t *frame, const uint8_t *dst,
			   uint16_t type)
{
	struct ether_header eth;

	memcpy(eth.ether_dhost, dst, ETH_ALEN);
	memcpy(eth.ether_shost, s->mac, ETH_ALEN);
	eth.ether_type = htons(type);
	memcpy(frame, &eth, sizeof(eth));
	return frame + sizeof(eth);
}

/* Writes an IPv4 or IPv6 header from us to dst; returns where the payload goes. */
static uint8_t *fill_ip(struct sampler *s, uint8_t *p, const uint8_t *dst, uint8_t proto,
			uint8_t hops, size_t payload_len)
{
	if (s->opt.family == AF_INET) {
		struct iphdr ip = {
			.version = 4,
			.ihl = sizeof(ip) / 4,
			.tot_len = htons((uint16_t)(sizeof(ip) + payload_len)),
			.id = htons((uint16_t)splitmix64(&s->random_state)),
			.frag_off = htons(IP_DF),
			.ttl = hops,
			.protocol = proto,
		};

		memcpy(&ip.saddr, s->src, 4);
		memcpy(&ip.daddr, dst, 4);
		ip.check = csum_fold(csum_add(0, &ip, sizeof(ip)));
		memcpy(p, &ip, sizeof(ip));
		return p + sizeof(ip);
	} else {
		struct ip6_hdr ip6 = {
			.ip6_flow = htonl(6U << 28),
			.ip6_plen = htons((uint16_t)payload_len),
			.ip6_nxt = proto,
			.ip6_hlim = hops,
		};

		memcpy(&ip6.ip6_src, s->src, 16);
		memcpy(&ip6.ip6_dst, dst, 16);
		memcpy(p, &ip6, sizeof(ip6));
		return p + sizeof(ip6);
	}
}

static void send_frame(struct sampler *s, uint8_t *frame, size_t len)
{
	if (len < FRAME_MIN) {
		memset(frame + len, 0, FRAME_MIN - len);
		len = FRAME_MIN;
	}
	if (send(s->fd, frame, len, MSG_DONTWAIT) == (ssize_t)len)
		return;
	/* a full queue, or IFACE down for a while: sampling goes on */
	if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR || errno == ENETDOWN ||
	    errno == ENXIO)
		s->send_drops++;
	else
		fail("sending on %s: %s", s->opt.ifname, strerror(errno));
}

/* One ARP request "who-has ADDR", to the broadcast address. */
static void send_arp_request(struct sampler *s)
{
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[FRAME_MAX];
	struct ether_arp arp = {
		.ea_hdr = {
			.ar_hrd = htons(ARPHRD_ETHER),
			.ar_pro = htons(ETHERTYPE_IP),
			.ar_hln = ETH_ALEN,
			.ar_pln = 4,
			.ar_op = htons(ARPOP_REQUEST),
		},
	};
	uint8_t *p = fill_ether(s, frame, broadcast, ETHERTYPE_ARP);

	memcpy(arp.arp_sha, s->mac, ETH_ALEN);
	memcpy(arp.arp_spa, s->src, 4);
	memcpy(arp.arp_tpa, s->opt.addr, 4);
	memcpy(p, &arp, sizeof(arp));
	send_frame(s, frame, (size_t)(p + sizeof(arp) - frame));
}

/* One neighbour solicitation for ADDR, to its solicited-node multicast address. */
static void send_neighbour_solicitation(struct sampler *s)
{
	uint8_t frame[FRAME_MAX];
	uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t group_mac[ETH_ALEN] = { 0x33, 0x33, 0xff };
	struct {
		struct nd_neighbor_solicit ns;
		struct nd_opt_hdr opt;
		uint8_t mac[ETH_ALEN];
	} __attribute__((packed)) msg = {
		.ns.nd_ns_type = ND_NEIGHBOR_SOLICIT,
		.opt.nd_opt_type = ND_OPT_SOURCE_LINKADDR,
		.opt.nd_opt_len = 1,	/* in units of 8 bytes */
	};
	uint8_t *p;

	_Static_assert(sizeof(msg) == 32, "NS with one option is 32 bytes");
	memcpy(group + 13, s->opt.addr + 13, 3);
	memcpy(group_mac + 3, s->opt.addr + 13, 3);
	memcpy(&msg.ns.nd_ns_target, s->opt.addr, 16);
	memcpy(msg.mac, s->mac, ETH_ALEN);
	msg.ns.nd_ns_cksum = l4_checksum(s, group, IPPROTO_ICMPV6, &msg, sizeof(msg));

	p = fill_ether(s, frame, group_mac, ETHERTYPE_IPV6);
	p = fill_ip(s, p, group, IPPROTO_ICMPV6, 255, sizeof(msg));
	memcpy(p, &msg, sizeof(msg));
	send_frame(s, frame, (size_t)(p + sizeof(msg) - frame));
}

/* The source port of the SYN of round number r to node i. */
static uint16_t syn_port(const struct sampler *s, uint64_t r, unsigned int i)
{
	uint32_t k = (uint32_t)(r % PORT_ROUNDS) * MAX_NODES + i;

	return (uint16_t)(PORT_FIRST + (s->port_offset + k) % PORT_SPAN);
}

static void send_syn(struct sampler *s, const struct round *rd, unsigned int i)
{
	uint8_t frame[FRAME_MAX];
	struct tcphdr tcp = {
		.source = htons(syn_port(s, rd->number, i)),
		.dest = htons(s->opt.port),
		.seq = htonl(rd->seq + i),
		.doff = sizeof(tcp) / 4,
		.syn = 1,
		.window = htons(64240),
	};
	uint8_t *p;

	tcp.check = l4_checksum(s, s->opt.addr, IPPROTO_TCP, &tcp, sizeof(tcp));
	p = fill_ether(s, frame, s->opt.nodes[i].mac,
		       s->opt.family == AF_INET ? ETHERTYPE_IP : ETHERTYPE_IPV6);
	p = fill_ip(s, p, s->opt.addr, IPPROTO_TCP, 64, sizeof(tcp));
	memcpy(p, &tcp, sizeof(tcp));
	send_frame(s, frame, (size_t)(p + sizeof(tcp) - frame));
}

static void send_round(struct sampler *s)
{
	uint64_t number = s->sent + 1;
	struct round *rd = &s->ring[number % RING_ROUNDS];
	unsigned int i;

	*rd = (struct round){
		.number = number,
		.t_ms = realtime_ms(),
		.sent_ns = now_ns(),
		.seq = (uint32_t)splitmix64(&s->random_state),
	};
	s->sent = number;
	if (s->opt.family == AF_INET)
		send_arp_request(s);
	else
		send_neighbour_solicitation(s);
	for (i = 0; i < s->opt.num_nodes; i++)
		send_syn(s, rd, i);
}

/* The index of the node with this MAC, or OTHER. */
static unsigned int answerer_of(const struct sampler *s, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < s->opt.num_nodes; i++)
		if (!memcmp(s->opt.nodes[i].mac, mac, ETH_ALEN))
			return i;
	return OTHER;
}

/* An ARP reply or neighbour advertisement for ADDR: for the latest round. */
static void note_neighbour_answer(struct sampler *s, const uint8_t *eth_src)
{
	if (s->sent > s->done)
		s->ring[s->sent % RING_ROUNDS].arp |= (uint16_t)(1U << answerer_of(s, eth_src));
}

/*
 * An answer to the SYN from our port sport: a SYN+ACK or RST acknowledging
 * ack (if has_ack), or an ICMP error quoting sequence number seq (if has_seq).
 */
static void note_tcp_answer(struct sampler *s, const uint8_t *eth_src, uint16_t sport,
			    bool has_ack, uint32_t ack, bool has_seq, uint32_t seq)
{
	uint32_t k, residue, back;
	struct round *rd;
	unsigned int node, who;
	uint64_t r;

	if (sport < PORT_FIRST || !s->sent)
		return;
	k = ((uint32_t)sport - PORT_FIRST + PORT_SPAN - s->port_offset) % PORT_SPAN;
	node = k % MAX_NODES;
	residue = k / MAX_NODES;
	if (node >= s->opt.num_nodes)
		return;
	/* the latest round sent whose number has this residue */
	back = (uint32_t)((s->sent % PORT_ROUNDS + PORT_ROUNDS - residue) % PORT_ROUNDS);
	if (back >= s->sent)
		return;
	r = s->sent - back;
	rd = &s->ring[r % RING_ROUNDS];
	if (rd->number != r || (has_ack && ack != rd->seq + node + 1) ||
	    (has_seq && seq != rd->seq + node))
		return;
	if (r <= s->done) {
		s->late++;
		return;
	}
	/* from the node asked, or from whoever the SYN was forwarded to */
	who = answerer_of(s, eth_src);
	rd->tcp |= (uint16_t)(1U << who);
}

/* A TCP segment from ADDR to us. */
static void handle_tcp(struct sampler *s, const uint8_t *eth_src, const uint8_t *p, size_t len)
{
	struct tcphdr tcp;

	if (len < sizeof(tcp))
		return;
	memcpy(&tcp, p, sizeof(tcp));
	if (ntohs(tcp.source) != s->opt.port || !(tcp.rst || (tcp.syn && tcp.ack)))
		return;
	note_tcp_answer(s, eth_src, ntohs(tcp.dest), tcp.ack, ntohl(tcp.ack_seq), false, 0);
}

/* The start of the TCP header an ICMP error quotes, after its IP header q. */
static void handle_quoted_tcp(struct sampler *s, const uint8_t *eth_src, const uint8_t *q,
			      size_t len)
{
	struct tcphdr tcp;	/* only its first 8 bytes are sure to be quoted */

	if (len < 8)
		return;
	memset(&tcp, 0, sizeof(tcp));
	memcpy(&tcp, q, 8);
	if (ntohs(tcp.dest) != s->opt.port)
		return;
	note_tcp_answer(s, eth_src, ntohs(tcp.source), false, 0, true, ntohl(tcp.seq));
}

static void handle_arp(struct sampler *s, const uint8_t *eth_src, const uint8_t *p, size_t len)
{
	struct ether_arp arp;

	if (len < sizeof(arp))
		return;
	memcpy(&arp, p, sizeof(arp));
	if (ntohs(arp.arp_hrd) != ARPHRD_ETHER || ntohs(arp.arp_pro) != ETHERTYPE_IP ||
	    arp.arp_hln != ETH_ALEN || arp.arp_pln != 4 || ntohs(arp.arp_op) != ARPOP_REPLY ||
	    memcmp(arp.arp_spa, s->opt.addr, 4))
		return;
	note_neighbour_answer(s, eth_src);
}

static void handle_ipv4(struct sampler *s, const uint8_t *eth_src, const uint8_t *p, size_t len)
{
	struct iphdr ip, quoted;
	struct icmphdr icmp;
	size_t hlen, qhlen;

	if (len < sizeof(ip))
		return;
	memcpy(&ip, p, sizeof(ip));
	hlen = (size_t)ip.ihl * 4;
	if (ntohs(ip.tot_len) < len)
		len = ntohs(ip.tot_len);	/* drop the Ethernet padding */
	if (ip.version != 4 || hlen < sizeof(ip) || hlen > len ||
	    (ntohs(ip.frag_off) & (IP_MF | IP_OFFMASK)) || memcmp(&ip.daddr, s->src, 4))
		return;
	p += hlen;
	len -= hlen;
	if (ip.protocol == IPPROTO_TCP) {
		if (!memcmp(&ip.saddr, s->opt.addr, 4))
			handle_tcp(s, eth_src, p, len);
		return;
	}
	if (ip.protocol != IPPROTO_ICMP || len < sizeof(icmp) + sizeof(quoted))
		return;
	memcpy(&icmp, p, sizeof(icmp));
	memcpy(&quoted, p + sizeof(icmp), sizeof(quoted));
	qhlen = (size_t)quoted.ihl * 4;
	if (icmp.type != ICMP_DEST_UNREACH || quoted.version != 4 || qhlen < sizeof(quoted) ||
	    quoted.protocol != IPPROTO_TCP || memcmp(&quoted.saddr, s->src, 4) ||
	    memcmp(&quoted.daddr, s->opt.addr, 4) || sizeof(icmp) + qhlen > len)
		return;
	handle_quoted_tcp(s, eth_src, p + sizeof(icmp) + qhlen, len - sizeof(icmp) - qhlen);
}

static void handle_ipv6(struct sampler *s, const uint8_t *eth_src, const uint8_t *p, size_t len)
{
	struct ip6_hdr ip6, quoted;
	struct icmp6_hdr icmp6;

	if (len < sizeof(ip6))
		return;
	memcpy(&ip6, p, sizeof(ip6));
	if ((ntohl(ip6.ip6_flow) >> 28) != 6)
		return;
	if (sizeof(ip6) + ntohs(ip6.ip6_plen) < len)
		len = sizeof(ip6) + ntohs(ip6.ip6_plen);
	p += sizeof(ip6);
	len -= sizeof(ip6);
	if (ip6.ip6_nxt == IPPROTO_TCP) {
		if (!memcmp(&ip6.ip6_src, s->opt.addr, 16) && !memcmp(&ip6.ip6_dst, s->src, 16))
			handle_tcp(s, eth_src, p, len);
		return;
	}
	if (ip6.ip6_nxt != IPPROTO_ICMPV6 || len < sizeof(icmp6))
		return;
	memcpy(&icmp6, p, sizeof(icmp6));
	if (icmp6.icmp6_type == ND_NEIGHBOR_ADVERT) {
		/* any advertisement of ADDR, solicited or not, to anyone */
		if (len >= sizeof(icmp6) + 16 && !memcmp(p + sizeof(icmp6), s->opt.addr, 16))
			note_neighbour_answer(s, eth_src);
		return;
	}
	if (icmp6.icmp6_type != ICMP6_DST_UNREACH || memcmp(&ip6.ip6_dst, s->src, 16) ||
	    len < sizeof(icmp6) + sizeof(quoted))
		return;
	memcpy(&quoted, p + sizeof(icmp6), sizeof(quoted));
	if (quoted.ip6_nxt != IPPROTO_TCP || memcmp(&quoted.ip6_src, s->src, 16) ||
	    memcmp(&quoted.ip6_dst, s->opt.addr, 16))
		return;
	handle_quoted_tcp(s, eth_src, p + sizeof(icmp6) + sizeof(quoted),
			  len - sizeof(icmp6) - sizeof(quoted));
}

static void handle_frame(struct sampler *s, const uint8_t *frame, size_t len,
			 const struct sockaddr_ll *from)
{
	struct ether_header eth;
	uint16_t type;

	if (from->sll_pkttype == PACKET_OUTGOING || from->sll_pkttype == PACKET_OTHERHOST ||
	    len < sizeof(eth))
		return;
	memcpy(&eth, frame, sizeof(eth));
	type = ntohs(eth.ether_type);
	frame += sizeof(eth);
	len -= sizeof(eth);
	if (s->opt.family == AF_INET && type == ETHERTYPE_ARP)
		handle_arp(s, eth.ether_shost, frame, len);
	else if (s->opt.family == AF_INET && type == ETHERTYPE_IP)
		handle_ipv4(s, eth.ether_shost, frame, len);
	else if (s->opt.family == AF_INET6 && type == ETHERTYPE_IPV6)
		handle_ipv6(s, eth.ether_shost, frame, len);
}

/* Reads up to DRAIN_BATCH queued frames. */
static void drain_frames(struct sampler *s)
{
	uint8_t frame[FRAME_MAX];
	int i;

	for (i = 0; i < DRAIN_BATCH; i++) {
		struct sockaddr_ll from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(s->fd, frame, sizeof(frame), 0,
				     (struct sockaddr *)&from, &from_len);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (errno == ENETDOWN)	/* IFACE went down: keep sampling */
				continue;
			fail("receiving on %s: %s", s->opt.ifname, strerror(errno));
		}
		handle_frame(s, frame, (size_t)n, &from);
	}
}

static void print_names(const struct sampler *s, uint16_t set)
{
	const char *sep = "";
	unsigned int i;

	if (!set) {
		fputs("-", stdout);
		return;
	}
	for (i = 0; i <= OTHER; i++) {
		if (set & (1U << i)) {
			printf("%s%s", sep, s->opt.nodes[i].name);
			sep = ",";
		}
	}
}

static void add_to_tallies(struct tally *tallies, uint16_t set, int64_t t_ms, uint64_t *two)
{
	unsigned int i, count = 0;

	for (i = 0; i <= OTHER; i++) {
		if (!(set & (1U << i)))
			continue;
		if (!tallies[i].rounds++)
			tallies[i].first_ms = t_ms;
		tallies[i].last_ms = t_ms;
		count++;
	}
	if (count >= 2)
		(*two)++;
}

/* Prints the oldest unprinted round and adds it to the tallies. */
static void finish_round(struct sampler *s)
{
	const struct round *rd = &s->ring[(s->done + 1) % RING_ROUNDS];

	printf("round %" PRIu64 " t_ms %" PRId64 " arp ", rd->number, rd->t_ms);
	print_names(s, rd->arp);
	fputs(" tcp ", stdout);
	print_names(s, rd->tcp);
	putchar('\n');
	fflush(stdout);
	add_to_tallies(s->arp, rd->arp, rd->t_ms, &s->arp_two);
	add_to_tallies(s->tcp, rd->tcp, rd->t_ms, &s->tcp_two);
	s->done++;
}

static void print_summary(const struct sampler *s)
{
	unsigned int i;

	printf("summary rounds %" PRIu64 " arp_two %" PRIu64 " tcp_two %" PRIu64 "\n",
	       s->done, s->arp_two, s->tcp_two);
	fflush(stdout);
	for (i = 0; i <= OTHER; i++) {
		if (i == s->opt.num_nodes)
			i = OTHER;
		printf("node %s arp_rounds %" PRIu64 " arp_first_ms %" PRId64
		       " arp_last_ms %" PRId64 " tcp_rounds %" PRIu64 " tcp_first_ms %" PRId64
		       " tcp_last_ms %" PRId64 "\n", s->opt.nodes[i].name,
		       s->arp[i].rounds, s->arp[i].first_ms, s->arp[i].last_ms,
		       s->tcp[i].rounds, s->tcp[i].first_ms, s->tcp[i].last_ms);
		fflush(stdout);
	}
	if (s->late)
		fprintf(stderr, PROG ": note: %" PRIu64 " TCP answers came after their round's %d ms window and were not counted\n",
			s->late, ANSWER_WINDOW_MS);
	if (s->skipped)
		fprintf(stderr, PROG ": note: running late, %" PRIu64 " round times were skipped\n",
			s->skipped);
	if (s->send_drops)
		fprintf(stderr, PROG ": note: %s's queue refused %" PRIu64 " frames\n",
			s->opt.ifname, s->send_drops);
}

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

/* SIGINT and SIGTERM stay blocked except inside ppoll(); *unblocked: the mask there. */
static void catch_signals(sigset_t *unblocked)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, unblocked) < 0)
		fail("sigprocmask: %s", strerror(errno));
	sigdelset(unblocked, SIGINT);
	sigdelset(unblocked, SIGTERM);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		fail("sigaction: %s", strerror(errno));
}

static void run(struct sampler *s, const sigset_t *unblocked)
{
	uint64_t period_ns = s->opt.period_ms * NSEC_PER_MSEC;
	uint64_t window_ns = ANSWER_WINDOW_MS * NSEC_PER_MSEC;
	uint64_t start = now_ns(), next_send = start, end = UINT64_MAX;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	bool sending = true;

	if (s->opt.duration_ms)
		end = start + s->opt.duration_ms * NSEC_PER_MSEC;
	for (;;) {
		uint64_t now, wake = UINT64_MAX;
		struct timespec timeout;

		drain_frames(s);
		now = now_ns();
		if (sending && (signals_seen || next_send >= end))
			sending = false;
		if (sending && now >= next_send) {
			send_round(s);
			/* keep to the grid of round times; skip those missed */
			next_send += period_ns;
			while (next_send <= now) {
				next_send += period_ns;
				s->skipped++;
			}
		}
		while (s->done < s->sent &&
		       (signals_seen >= 2 ||
			now >= s->ring[(s->done + 1) % RING_ROUNDS].sent_ns + window_ns))
			finish_round(s);
		if (!sending && s->done == s->sent)
			return;

		if (sending)
			wake = next_send;
		if (s->done < s->sent &&
		    s->ring[(s->done + 1) % RING_ROUNDS].sent_ns + window_ns < wake)
			wake = s->ring[(s->done + 1) % RING_ROUNDS].sent_ns + window_ns;
		now = now_ns();
		wake = wake > now ? wake - now : 0;
		timeout.tv_sec = (time_t)(wake / NSEC_PER_SEC);
		timeout.tv_nsec = (long)(wake % NSEC_PER_SEC);
		if (ppoll(&pfd, 1, &timeout, unblocked) < 0 && errno != EINTR)
			fail("ppoll: %s", strerror(errno));
	}
}

int main(int argc, char **argv)
{
	static struct sampler s;
	sigset_t unblocked;
	unsigned int i;

	parse_options(argc, argv, &s.opt);
	for (i = 0; i <= OTHER; i++) {
		s.arp[i] = (struct tally){ .first_ms = -1, .last_ms = -1 };
		s.tcp[i] = (struct tally){ .first_ms = -1, .last_ms = -1 };
	}
	if (getrandom(&s.random_state, sizeof(s.random_state), 0) != sizeof(s.random_state))
		s.random_state = now_ns() ^ ((uint64_t)getpid() << 32);
	s.port_offset = (uint32_t)(splitmix64(&s.random_state) % PORT_SPAN);

	read_interface(&s);
	if (s.opt.family == AF_INET6)
		read_ipv6_source(&s);
	catch_signals(&unblocked);
	open_socket(&s);

	run(&s, &unblocked);
	print_summary(&s);
	close(s.fd);
	return EXIT_OK;
}
