// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a generic netlink fuzzer for the ipto family.  It sends random
 * and mutated requests (every command, unknown ones too; random flags;
 * well-formed attribute sets with boundary values; attribute soup; wrong
 * and deep nesting; truncated and overflowing lengths; trailing garbage;
 * mutations of a pool of well-formed requests), reads what the kernel
 * answers, sometimes abandons a dump midway by closing the socket, and
 * prints what it saw.  As root it also listens to the events group.  With --unprivileged it first becomes "nobody" and
 * counts every change request not refused with EPERM as a finding.
 * The same --seed gives the same messages.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ipto.h>

#define PROG "nlfuzz"
#define TOOL_USAGE_HINT \
	"usage: " PROG " [--seed N] [--messages N] [--dev IFNAME] [--unprivileged] [--verbose]\n"
#include "../tools/tool_util.h"
#include "../tools/genl_util.h"

#define MSG_MAX			4096	/* largest request built */
#define RECV_BUF_SIZE		(128 * 1024)
#define POOL_SIZE		64	/* well-formed requests kept for mutation */
#define ANSWER_TIMEOUT_MS	2000	/* per request, for the sentinel's ack */
#define FINDINGS_SHOWN		10
#define ERRNO_COUNTED		256
#define SENTINEL_SEQ_BIT	0x80000000u
#define DEEP_NEST_MAX		40

struct options {
	uint64_t seed;
	unsigned long messages;
	const char *dev;
	bool unprivileged;
	bool verbose;
};

struct counters {
	unsigned long sent;
	unsigned long send_errors;
	unsigned long acked_ok;
	unsigned long refused;
	unsigned long errno_count[ERRNO_COUNTED];
	unsigned long no_answer;
	unsigned long replies;
	unsigned long stray;
	unsigned long events;
	unsigned long truncated_reads;
	unsigned long dumps_started;
	unsigned long dumps_completed;
	unsigned long dumps_interrupted;
	unsigned long dumps_abandoned;
	unsigned long socket_reopens;
	unsigned long timeouts;
	unsigned long overruns;
	unsigned long findings;
	unsigned long by_kind[8];
};

enum msg_kind {
	KIND_WELL_FORMED,
	KIND_SOUP,
	KIND_DEEP_NEST,
	KIND_MUTATED,
	KIND_COUNT,
};

static const char *const kind_names[KIND_COUNT] = {
	"well-formed", "attribute soup", "deep nesting", "mutated",
};

struct pool_entry {
	size_t len;
	uint8_t bytes[MSG_MAX];
};

struct fuzzer {
	struct options opt;
	uint64_t rng;
	uint16_t family;
	uint8_t version;
	uint32_t ifindex;
	uint32_t events_group;	/* 0: none found */
	struct mnl_socket *nl;
	uint32_t portid;
	uint8_t *recv_buf;
	struct pool_entry *pool;
	unsigned int pool_len, pool_next;
	struct counters c;
};

static uint64_t rnd(struct fuzzer *f)
{
	return splitmix64(&f->rng);
}

static uint32_t below(struct fuzzer *f, uint32_t n)
{
	return n ? (uint32_t)(rnd(f) % n) : 0;
}

static bool chance(struct fuzzer *f, uint32_t one_in)
{
	return below(f, one_in) == 0;
}

static void random_bytes(struct fuzzer *f, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(f);
}

/*
 * A request under construction: raw bytes, so that lengths can be wrong.
 * Attributes that do not fit are left out.
 */
struct msg {
	uint8_t buf[MSG_MAX];
	size_t len;
};

static bool msg_room(const struct msg *m, size_t n)
{
	return m->len + NLA_ALIGN(n) <= MSG_MAX;
}

/*
 * Appends an attribute; returns its offset, or 0 when it did not fit.
 * A mutated request may have an odd length: the header is copied in, not
 * written through a pointer that may be misaligned.
 */
static size_t put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	size_t at = m->len;

	if (len > UINT16_MAX - NLA_HDRLEN || !msg_room(m, NLA_HDRLEN + len))
		return 0;
	memcpy(m->buf + at, &nla, sizeof(nla));
	if (len)
		memcpy(m->buf + at + NLA_HDRLEN, data, len);
	memset(m->buf + at + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	return at;
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v) { put_attr(m, type, &v, 1); }
static void put_u16(struct msg *m, uint16_t type, uint16_t v) { put_attr(m, type, &v, 2); }
static void put_u32(struct msg *m, uint16_t type, uint32_t v) { put_attr(m, type, &v, 4); }
static void put_u64(struct msg *m, uint16_t type, uint64_t v) { put_attr(m, type, &v, 8); }

static size_t nest_start(struct msg *m, uint16_t type)
{
	return put_attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, size_t at)
{
	uint16_t len = (uint16_t)(m->len - at > UINT16_MAX ? UINT16_MAX : m->len - at);

	if (at)
		memcpy(m->buf + at + offsetof(struct nlattr, nla_len), &len, sizeof(len));
}

/* A value of a u32 setting: in range, at and beyond the bounds, or anything. */
static uint32_t boundary_u32(struct fuzzer *f, uint32_t min, uint32_t max)
{
	switch (below(f, 8)) {
	case 0: return min;
	case 1: return max;
	case 2: return min - 1;
	case 3: return max + 1;
	case 4: return (uint32_t)rnd(f);
	case 5: return UINT32_MAX;
	default: return min + below(f, max - min + 1);
	}
}

/* An integer attribute of the right width most of the time, else another. */
static void put_int_any_width(struct fuzzer *f, struct msg *m, uint16_t type,
			      unsigned int width, uint64_t v)
{
	if (chance(f, 12))
		width = 1u << below(f, 4);
	switch (width) {
	case 1: put_u8(m, type, (uint8_t)v); break;
	case 2: put_u16(m, type, (uint16_t)v); break;
	case 4: put_u32(m, type, (uint32_t)v); break;
	default: put_u64(m, type, v); break;
	}
}

/* A name: typical, at the longest allowed, one too long, empty, unterminated. */
static void put_name(struct fuzzer *f, struct msg *m, uint16_t type, size_t limit)
{
	char name[80];
	size_t len, i;

	switch (below(f, 6)) {
	case 0: len = limit - 1; break;			/* longest allowed */
	case 1: len = limit; break;			/* one too long */
	case 2: len = 0; break;
	case 3: len = below(f, sizeof(name) - 1); break;
	default: len = 1 + below(f, 3); break;		/* often the same names */
	}
	for (i = 0; i < len; i++)
		name[i] = (char)('a' + below(f, len > 3 ? 26 : 3));
	name[len] = '\0';
	if (chance(f, 10))
		put_attr(m, type, name, len);		/* no terminating NUL */
	else
		put_attr(m, type, name, len + 1);
}

/* The device, by ifindex, by name, both, neither, or a wrong one. */
static void put_device(struct fuzzer *f, struct msg *m, const char *dev)
{
	switch (below(f, 12)) {
	case 0:
		break;
	case 1:
		put_u32(m, 1, f->ifindex);
		put_attr(m, 2, dev, strlen(dev) + 1);
		break;
	case 2:
		put_u32(m, 1, chance(f, 2) ? 0 : (uint32_t)rnd(f));
		break;
	case 3:
		put_name(f, m, 2, IFNAMSIZ);
		break;
	case 4:
		put_attr(m, 2, "lo", 3);
		break;
	case 5: case 6: case 7:
		put_attr(m, 2, dev, strlen(dev) + 1);
		break;
	default:
		put_int_any_width(f, m, 1, 4, f->ifindex);
		break;
	}
}

static void random_ipv4(struct fuzzer *f, uint8_t a[4])
{
	static const uint8_t special[][4] = {
		{ 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 224, 0, 0, 1 },
		{ 127, 0, 0, 1 }, { 10, 0, 0, 255 }, { 10, 9, 0, 1 },
	};

	if (chance(f, 5)) {
		memcpy(a, special[below(f, 6)], 4);
	} else if (chance(f, 8)) {
		random_bytes(f, a, 4);
	} else {
		a[0] = 10; a[1] = 0; a[2] = 0;
		a[3] = (uint8_t)(1 + below(f, 24));	/* collide often */
	}
}

static void random_ipv6(struct fuzzer *f, uint8_t a[16])
{
	memset(a, 0, 16);
	switch (below(f, 10)) {
	case 0: break;						/* :: */
	case 1: a[15] = 1; break;				/* ::1 */
	case 2: a[0] = 0xfe; a[1] = 0x80; a[15] = 1; break;	/* fe80::1 */
	case 3: a[0] = 0xff; a[1] = 0x02; a[15] = 1; break;	/* ff02::1 */
	case 4: random_bytes(f, a, 16); break;
	case 5: a[10] = 0xff; a[11] = 0xff; a[12] = 10; a[15] = 1; break; /* mapped */
	default: a[0] = 0xfd; a[15] = (uint8_t)(1 + below(f, 24)); break;
	}
}

/* An IPv4 or IPv6 address attribute, sometimes of the other's length. */
static void put_address(struct fuzzer *f, struct msg *m, uint16_t type4, uint16_t type6)
{
	uint8_t a[16];

	if (chance(f, 2)) {
		random_ipv4(f, a);
		put_attr(m, chance(f, 20) ? type6 : type4, a, chance(f, 20) ? below(f, 17) : 4);
	} else {
		random_ipv6(f, a);
		put_attr(m, chance(f, 20) ? type4 : type6, a, chance(f, 20) ? below(f, 17) : 16);
	}
}

static uint32_t random_node_id(struct fuzzer *f)
{
	switch (below(f, 10)) {
	case 0: return 0;
	case 1: return IPTO_NODE_ID_MAX;
	case 2: return IPTO_NODE_ID_MAX + 1;
	case 3: return (uint32_t)rnd(f);
	default: return 1 + below(f, 6);
	}
}

/* A standby list: usually a few small ids, sometimes too long or odd-sized. */
static void put_standby(struct fuzzer *f, struct msg *m, uint16_t type)
{
	uint32_t ids[IPTO_STANDBY_MAX + 2];
	size_t n = chance(f, 8) ? IPTO_STANDBY_MAX + below(f, 3) : below(f, 4), i;
	size_t len = n * sizeof(uint32_t);

	for (i = 0; i < n; i++)
		ids[i] = chance(f, 10) ? random_node_id(f) : 1 + below(f, 6);
	if (chance(f, 15) && len)
		len -= 1 + below(f, 3);			/* not a whole number of ids */
	put_attr(m, type, ids, len);
}

/* A node's address nest: correct, empty, wrong inner types, or doubly nested. */
static void put_node_addrs(struct fuzzer *f, struct msg *m)
{
	unsigned int n = chance(f, 10) ? 0 : 1 + below(f, 4), i;
	size_t nest = nest_start(m, IPTO_NODE_A_ADDRS);

	for (i = 0; i < n; i++) {
		switch (below(f, 12)) {
		case 0: {
			size_t inner = nest_start(m, IPTO_NODE_ADDR_A_IPV4);

			put_address(f, m, IPTO_NODE_ADDR_A_IPV4, IPTO_NODE_ADDR_A_IPV6);
			nest_end(m, inner);
			break;
		}
		case 1:
			put_u32(m, (uint16_t)below(f, 8), (uint32_t)rnd(f));
			break;
		default:
			put_address(f, m, IPTO_NODE_ADDR_A_IPV4, IPTO_NODE_ADDR_A_IPV6);
			break;
		}
	}
	nest_end(m, nest);
	if (chance(f, 6) && nest) {			/* the nest flag left off */
		uint16_t type = IPTO_NODE_A_ADDRS;

		memcpy(m->buf + nest + offsetof(struct nlattr, nla_type), &type, sizeof(type));
	}
}

static void build_dev_attrs(struct fuzzer *f, struct msg *m, bool set)
{
	static const struct { uint16_t type; uint32_t min, max; } u32_settings[] = {
		{ IPTO_DEV_A_ANNOUNCE_COUNT, IPTO_ANNOUNCE_COUNT_MIN, IPTO_ANNOUNCE_COUNT_MAX },
		{ IPTO_DEV_A_ANNOUNCE_INTERVAL_MS, IPTO_ANNOUNCE_INTERVAL_MS_MIN,
		  IPTO_ANNOUNCE_INTERVAL_MS_MAX },
		{ IPTO_DEV_A_REPLY_RATE, IPTO_REPLY_RATE_MIN, IPTO_REPLY_RATE_MAX },
		{ IPTO_DEV_A_REPLY_BURST, IPTO_REPLY_BURST_MIN, IPTO_REPLY_BURST_MAX },
		{ IPTO_DEV_A_LEASE_MS, IPTO_LEASE_MS_MIN, IPTO_LEASE_MS_MAX },
	};
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < sizeof(u32_settings) / sizeof(u32_settings[0]); i++) {
		if (chance(f, 3)) {
			uint32_t v = boundary_u32(f, u32_settings[i].min, u32_settings[i].max);

			/* a lease is mostly ended: a short one fences the device */
			if (u32_settings[i].type == IPTO_DEV_A_LEASE_MS && chance(f, 2))
				v = 0;
			put_int_any_width(f, m, u32_settings[i].type, 4, v);
		}
	}
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_DEV_A_ECHO_REPLY, 1, below(f, 3));
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_DEV_A_DEFAULT_ACTION, 1, below(f, 4));
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_DEV_A_FAILBACK, 1, below(f, 3));
	if (chance(f, 4))	/* unfencing more often than fencing */
		put_int_any_width(f, m, IPTO_DEV_A_FENCED, 1, chance(f, 3) ? below(f, 3) : 0);
	if (chance(f, 10))	/* report-only attributes */
		put_u64(m, chance(f, 2) ? IPTO_DEV_A_ALERTS : IPTO_DEV_A_LEASE_LEFT_MS, rnd(f));
	if (chance(f, 20))
		put_u32(m, IPTO_DEV_A_LINK_IFINDEX, f->ifindex);
}

static void build_addr_attrs(struct fuzzer *f, struct msg *m)
{
	if (!chance(f, 10))
		put_address(f, m, IPTO_ADDR_A_IPV4, IPTO_ADDR_A_IPV6);
	if (chance(f, 12))
		put_address(f, m, IPTO_ADDR_A_IPV4, IPTO_ADDR_A_IPV6);	/* a second one */
	if (chance(f, 3)) {
		static const uint8_t prefixes[] = { 32, 128, 24, 0, 64, 129, 200 };

		put_int_any_width(f, m, IPTO_ADDR_A_PREFIXLEN, 1, prefixes[below(f, 7)]);
	}
	if (chance(f, 2))
		put_int_any_width(f, m, IPTO_ADDR_A_NODE, 4, random_node_id(f));
	if (chance(f, 15))
		put_u64(m, IPTO_ADDR_A_AGE_MS, rnd(f));
	if (chance(f, 15)) {
		size_t nest = nest_start(m, IPTO_ADDR_A_STATS);

		put_u64(m, IPTO_STATS_A_MATCHED, rnd(f));
		nest_end(m, nest);
	}
}

static void build_svc_attrs(struct fuzzer *f, struct msg *m, uint8_t cmd)
{
	static const uint16_t ports[] = { 1, 80, 443, 7000, 65535, 0 };

	if (!chance(f, 8))
		put_int_any_width(f, m, IPTO_SVC_A_NODE, 4, random_node_id(f));
	if (!chance(f, 8))
		put_name(f, m, IPTO_SVC_A_NAME, IPTO_SERVICE_NAME_LEN);
	if (cmd == IPTO_CMD_SERVICE_ADD || chance(f, 6)) {
		put_int_any_width(f, m, IPTO_SVC_A_PROTO, 1,
				  chance(f, 6) ? (uint8_t)rnd(f) : chance(f, 2) ? 6 : 17);
		put_int_any_width(f, m, IPTO_SVC_A_PORT_MIN, 2,
				  chance(f, 4) ? (uint16_t)rnd(f) : ports[below(f, 6)]);
		if (chance(f, 2))
			put_int_any_width(f, m, IPTO_SVC_A_PORT_MAX, 2,
					  chance(f, 4) ? (uint16_t)rnd(f) : ports[below(f, 6)]);
	}
	if (chance(f, 2))
		put_int_any_width(f, m, IPTO_SVC_A_ACTION, 1, below(f, 4));
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_SVC_A_FAILOVER, 1, below(f, 3));
	if (chance(f, 3))
		put_standby(f, m, IPTO_SVC_A_STANDBY);
	if (chance(f, 15))
		put_u32(m, chance(f, 2) ? IPTO_SVC_A_OWNER : IPTO_SVC_A_GUARD, below(f, 4));
}

static void build_node_attrs(struct fuzzer *f, struct msg *m, uint8_t cmd)
{
	unsigned int nests, i;

	if (!chance(f, 8))
		put_int_any_width(f, m, IPTO_NODE_A_ID, 4, random_node_id(f));
	if (cmd == IPTO_CMD_NODE_ADD || chance(f, 8)) {
		if (!chance(f, 8))
			put_name(f, m, IPTO_NODE_A_NAME, IPTO_NODE_NAME_LEN);
		nests = chance(f, 8) ? below(f, 4) : 1;
		for (i = 0; i < nests; i++)
			put_node_addrs(f, m);
		if (chance(f, 4))
			put_int_any_width(f, m, IPTO_NODE_A_SELF, 1, below(f, 3));
	}
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_NODE_A_STATE, 1, below(f, 4));
	if (chance(f, 5))
		put_int_any_width(f, m, chance(f, 2) ? IPTO_NODE_A_DRAIN_CONNS :
				  IPTO_NODE_A_DRAIN_LEFT_MS, 4, chance(f, 4) ? UINT32_MAX : below(f, 100));
	if (chance(f, 3))
		put_int_any_width(f, m, IPTO_NODE_A_FAILOVER, 1, below(f, 3));
	if (chance(f, 3))
		put_standby(f, m, IPTO_NODE_A_STANDBY);
	if (chance(f, 15))
		put_u32(m, chance(f, 2) ? IPTO_NODE_A_OWNER : IPTO_NODE_A_GUARD, below(f, 4));
}

/* Connections to reset: mostly whole, sometimes missing or odd parts. */
static void build_conn_attrs(struct fuzzer *f, struct msg *m)
{
	static const uint16_t ports[] = { 1, 80, 5432, 65535, 0 };
	unsigned int nests = chance(f, 8) ? below(f, 40) : 1 + below(f, 3), i;

	for (i = 0; i < nests; i++) {
		size_t nest = nest_start(m, IPTO_RESET_A_CONN);

		if (!chance(f, 10))
			put_address(f, m, IPTO_CONN_A_LOCAL_IPV4, IPTO_CONN_A_LOCAL_IPV6);
		if (!chance(f, 10))
			put_address(f, m, IPTO_CONN_A_REMOTE_IPV4, IPTO_CONN_A_REMOTE_IPV6);
		if (!chance(f, 10))
			put_int_any_width(f, m, IPTO_CONN_A_LOCAL_PORT, 2, ports[below(f, 5)]);
		if (!chance(f, 10))
			put_int_any_width(f, m, IPTO_CONN_A_REMOTE_PORT, 2,
					  chance(f, 3) ? (uint16_t)rnd(f) : ports[below(f, 5)]);
		nest_end(m, nest);
	}
}

static bool is_change_cmd(uint8_t cmd)
{
	switch (cmd) {
	case IPTO_CMD_DEV_SET:
	case IPTO_CMD_ADDR_ADD:
	case IPTO_CMD_ADDR_DEL:
	case IPTO_CMD_SERVICE_ADD:
	case IPTO_CMD_SERVICE_DEL:
	case IPTO_CMD_SERVICE_SET:
	case IPTO_CMD_NODE_ADD:
	case IPTO_CMD_NODE_SET:
	case IPTO_CMD_NODE_DEL:
	case IPTO_CMD_NODE_FAILBACK:
	case IPTO_CMD_LEASE:
	case IPTO_CMD_CONN_RESET:
		return true;
	default:
		return false;
	}
}

static bool is_dump_cmd(uint8_t cmd)
{
	return cmd == IPTO_CMD_DEV_GET || cmd == IPTO_CMD_ADDR_GET ||
	       cmd == IPTO_CMD_SERVICE_GET || cmd == IPTO_CMD_NODE_GET;
}

static uint8_t random_cmd(struct fuzzer *f)
{
	if (chance(f, 10))
		return (uint8_t)rnd(f);			/* unknown ones too */
	return (uint8_t)below(f, __IPTO_CMD_MAX + 1);
}

/* The netlink and genetlink headers; flags mostly sane, sometimes anything. */
static void build_headers(struct fuzzer *f, struct msg *m, uint8_t cmd)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *genl;
	uint16_t flags = NLM_F_REQUEST;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	if (chance(f, 2))
		flags |= NLM_F_ACK;
	if (is_dump_cmd(cmd) ? !chance(f, 5) : chance(f, 12))
		flags |= NLM_F_DUMP;
	if (chance(f, 20))
		flags = (uint16_t)rnd(f);
	else if (chance(f, 20))
		flags |= (uint16_t)(1u << below(f, 16));
	nlh->nlmsg_type = chance(f, 50) ? (uint16_t)rnd(f) : f->family;
	nlh->nlmsg_flags = flags;
	genl = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	genl->cmd = cmd;
	genl->version = chance(f, 20) ? (uint8_t)rnd(f) : f->version;
	genl->reserved = chance(f, 30) ? (uint16_t)rnd(f) : 0;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static void build_well_formed(struct fuzzer *f, struct msg *m)
{
	uint8_t cmd = random_cmd(f);

	build_headers(f, m, cmd);
	put_device(f, m, f->opt.dev);
	switch (cmd) {
	case IPTO_CMD_DEV_GET:
	case IPTO_CMD_DEV_SET:
	case IPTO_CMD_LEASE:
		build_dev_attrs(f, m, cmd == IPTO_CMD_DEV_SET || chance(f, 10));
		break;
	case IPTO_CMD_ADDR_ADD:
	case IPTO_CMD_ADDR_DEL:
	case IPTO_CMD_ADDR_GET:
		if (cmd != IPTO_CMD_ADDR_GET || chance(f, 6))
			build_addr_attrs(f, m);
		break;
	case IPTO_CMD_SERVICE_ADD:
	case IPTO_CMD_SERVICE_DEL:
	case IPTO_CMD_SERVICE_SET:
	case IPTO_CMD_SERVICE_GET:
		if (cmd != IPTO_CMD_SERVICE_GET || chance(f, 6))
			build_svc_attrs(f, m, cmd);
		break;
	case IPTO_CMD_NODE_ADD:
	case IPTO_CMD_NODE_SET:
	case IPTO_CMD_NODE_DEL:
	case IPTO_CMD_NODE_FAILBACK:
	case IPTO_CMD_NODE_GET:
		if (cmd != IPTO_CMD_NODE_GET || chance(f, 6))
			build_node_attrs(f, m, cmd);
		break;
	case IPTO_CMD_CONN_RESET:
		build_conn_attrs(f, m);
		break;
	default:	/* unknown or event: some attributes of any set */
		build_svc_attrs(f, m, cmd);
		break;
	}
	if (chance(f, 12))	/* an unknown attribute */
		put_u32(m, (uint16_t)(16 + below(f, 200)), (uint32_t)rnd(f));
	if (chance(f, 12))	/* an attribute twice */
		put_device(f, m, f->opt.dev);
}

/* Random attributes of random types and lengths, nested at random. */
static void build_soup(struct fuzzer *f, struct msg *m)
{
	size_t open[8];
	unsigned int depth = 0, n = below(f, 24), i;

	build_headers(f, m, random_cmd(f));
	for (i = 0; i < n; i++) {
		uint16_t type = chance(f, 4) ? (uint16_t)rnd(f) : (uint16_t)below(f, 18);
		uint8_t data[96];
		size_t len;

		if (depth < 8 && chance(f, 6)) {
			open[depth++] = nest_start(m, type);
			continue;
		}
		if (depth && chance(f, 5)) {
			nest_end(m, open[--depth]);
			continue;
		}
		len = chance(f, 2) ? (size_t[]){ 0, 1, 2, 4, 8, 16 }[below(f, 6)] : below(f, sizeof(data));
		random_bytes(f, data, len);
		put_attr(m, type, data, len);
	}
	while (depth)
		nest_end(m, open[--depth]);
}

/* Nests inside nests, for the nested policy and the parser's recursion. */
static void build_deep_nest(struct fuzzer *f, struct msg *m)
{
	size_t open[DEEP_NEST_MAX];
	unsigned int depth = 1 + below(f, DEEP_NEST_MAX), i;
	uint8_t cmd = chance(f, 2) ? IPTO_CMD_NODE_ADD : random_cmd(f);
	uint8_t a[4];

	build_headers(f, m, cmd);
	put_device(f, m, f->opt.dev);
	put_u32(m, IPTO_NODE_A_ID, 1 + below(f, 6));
	put_name(f, m, IPTO_NODE_A_NAME, IPTO_NODE_NAME_LEN);
	for (i = 0; i < depth; i++) {
		uint16_t type = chance(f, 3) ? (uint16_t)below(f, 12) : IPTO_NODE_A_ADDRS;

		open[i] = nest_start(m, type);
	}
	random_ipv4(f, a);
	put_attr(m, IPTO_NODE_ADDR_A_IPV4, a, 4);
	while (depth--)
		nest_end(m, open[depth]);
}

/* Offsets of the attributes at the top level of a built request. */
static unsigned int attr_offsets(const struct msg *m, size_t *offs, unsigned int max)
{
	size_t at = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int n = 0;

	while (n < max && at + NLA_HDRLEN <= m->len) {
		const struct nlattr *nla = (const struct nlattr *)(m->buf + at);

		if (nla->nla_len < NLA_HDRLEN)
			break;
		offs[n++] = at;
		at += NLA_ALIGN(nla->nla_len);
	}
	return n;
}

/* One to eight edits of a request of the pool. */
static void build_mutated(struct fuzzer *f, struct msg *m)
{
	const struct pool_entry *src = &f->pool[below(f, f->pool_len)];
	unsigned int edits = 1 + below(f, 8), i;
	size_t offs[64];

	memcpy(m->buf, src->bytes, src->len);
	m->len = src->len;
	for (i = 0; i < edits; i++) {
		unsigned int nattrs = attr_offsets(m, offs, 64);
		size_t pos = below(f, (uint32_t)m->len);

		switch (below(f, 8)) {
		case 0:		/* bit flip */
			m->buf[pos] ^= (uint8_t)(1u << below(f, 8));
			break;
		case 1: {	/* an interesting byte */
			static const uint8_t bytes[] = { 0, 1, 0x7f, 0x80, 0xff, 0xfe };

			m->buf[pos] = bytes[below(f, 6)];
			break;
		}
		case 2:		/* random byte past the headers */
			if (m->len > NLMSG_HDRLEN + GENL_HDRLEN)
				m->buf[NLMSG_HDRLEN + GENL_HDRLEN +
				       below(f, (uint32_t)(m->len - NLMSG_HDRLEN - GENL_HDRLEN))] =
					(uint8_t)rnd(f);
			break;
		case 3:		/* an attribute length edited */
			if (nattrs) {
				struct nlattr *nla = (struct nlattr *)(m->buf + offs[below(f, nattrs)]);
				static const int16_t deltas[] = { -1, 1, -4, 4, -8, 8 };

				if (chance(f, 3))
					nla->nla_len = chance(f, 2) ? 0xffff : (uint16_t)below(f, 8);
				else
					nla->nla_len = (uint16_t)(nla->nla_len + deltas[below(f, 6)]);
			}
			break;
		case 4:		/* an attribute type edited */
			if (nattrs) {
				struct nlattr *nla = (struct nlattr *)(m->buf + offs[below(f, nattrs)]);

				nla->nla_type = chance(f, 2) ? (uint16_t)(nla->nla_type ^ NLA_F_NESTED)
							     : (uint16_t)below(f, 20);
			}
			break;
		case 5:		/* truncated */
			if (m->len > NLMSG_HDRLEN)
				m->len -= 1 + below(f, (uint32_t)(m->len - NLMSG_HDRLEN));
			break;
		case 6: {	/* an attribute duplicated at the end */
			if (nattrs) {
				const struct nlattr *nla =
					(const struct nlattr *)(m->buf + offs[below(f, nattrs)]);
				uint8_t copy[MSG_MAX];
				size_t len = nla->nla_len;

				if (len >= NLA_HDRLEN && (const uint8_t *)nla + len <= m->buf + m->len) {
					memcpy(copy, (const uint8_t *)nla + NLA_HDRLEN, len - NLA_HDRLEN);
					put_attr(m, nla->nla_type, copy, len - NLA_HDRLEN);
				}
			}
			break;
		}
		default: {	/* trailing garbage */
			size_t n = 1 + below(f, 16);

			if (m->len + n <= MSG_MAX) {
				random_bytes(f, m->buf + m->len, n);
				m->len += n;
			}
			break;
		}
		}
	}
}

/*
 * Sets nlmsg_len: the true length mostly; sometimes shorter (the kernel
 * parses the rest as more messages), longer than sent (dropped), or tiny.
 */
static void finish_length(struct fuzzer *f, struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	uint32_t len = (uint32_t)m->len;

	if (m->len < NLMSG_HDRLEN) {
		memset(m->buf + m->len, 0, NLMSG_HDRLEN - m->len);
		m->len = NLMSG_HDRLEN;
	}
	switch (below(f, 40)) {
	case 0: len = (uint32_t)below(f, len + 1); break;
	case 1: len += 1 + below(f, 64); break;
	case 2: len = UINT32_MAX; break;
	case 3: len = NLMSG_HDRLEN + below(f, GENL_HDRLEN); break;
	default: break;
	}
	nlh->nlmsg_len = len;
}

static void pool_add(struct fuzzer *f, const struct msg *m)
{
	struct pool_entry *e = &f->pool[f->pool_next];

	memcpy(e->bytes, m->buf, m->len);
	e->len = m->len;
	f->pool_next = (f->pool_next + 1) % POOL_SIZE;
	if (f->pool_len < POOL_SIZE)
		f->pool_len++;
}

static enum msg_kind build_message(struct fuzzer *f, struct msg *m)
{
	enum msg_kind kind;
	uint32_t pick = below(f, 100);

	if (pick < 40 || !f->pool_len) {
		kind = KIND_WELL_FORMED;
		build_well_formed(f, m);
		pool_add(f, m);
	} else if (pick < 55) {
		kind = KIND_SOUP;
		build_soup(f, m);
	} else if (pick < 60) {
		kind = KIND_DEEP_NEST;
		build_deep_nest(f, m);
	} else {
		kind = KIND_MUTATED;
		build_mutated(f, m);
	}
	finish_length(f, m);
	return kind;
}

/* ---- the socket ---- */

static struct mnl_socket *open_socket(void)
{
	struct mnl_socket *nl = genl_socket_open(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int rcvbuf = 1 << 20;

	/* the default is enough; a failure to raise it is not one */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return nl;
}

/*
 * As root, the socket listens to the events group too, so that the events
 * the requests raise are built and sent while the fuzzing goes on.
 */
static void join_events(struct fuzzer *f)
{
	int group = (int)f->events_group;

	if (!group || f->opt.unprivileged)
		return;
	if (mnl_socket_setsockopt(f->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		fail("joining the events group: %s", strerror(errno));
}

static void reopen_socket(struct fuzzer *f)
{
	mnl_socket_close(f->nl);
	f->nl = open_socket();
	f->portid = mnl_socket_get_portid(f->nl);
	join_events(f);
	f->c.socket_reopens++;
}

/* Reads what is there, waiting up to ANSWER_TIMEOUT_MS; -1 with errno ETIMEDOUT on timeout. */
static ssize_t receive(struct fuzzer *f)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(f->nl), .events = POLLIN };
	struct iovec iov = { .iov_base = f->recv_buf, .iov_len = RECV_BUF_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		n = recvmsg(pfd.fd, &mh, 0);
		if (n >= 0) {
			if (mh.msg_flags & MSG_TRUNC)
				f->c.truncated_reads++;
			return n;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		n = poll(&pfd, 1, ANSWER_TIMEOUT_MS);
		if (n < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

/* ---- family lookup ---- */

/* The family's id and version, and the id of its events group. */
static void resolve_family(struct fuzzer *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genl_family fam = { .group = IPTO_MCGRP_EVENTS };
	uint32_t seq = 1;
	struct nlmsghdr *nlh = genl_family_request(buf, IPTO_GENL_NAME, seq);
	int ret;

	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
		fail("sending the family lookup: %s", strerror(errno));
	do {
		ssize_t n = receive(f);

		if (n < 0)
			fail("family lookup: %s", strerror(errno));
		ret = mnl_cb_run(f->recv_buf, (size_t)n, seq, f->portid, genl_family_msg_cb, &fam);
	} while (ret > 0);
	if (ret < 0)
		fail("generic netlink family \"%s\": %s (is the module loaded?)",
		     IPTO_GENL_NAME, strerror(errno));
	f->family = fam.id;
	f->version = fam.version;
	f->events_group = fam.group_id;
	if (!f->family)
		fail("family \"%s\": no id in the answer", IPTO_GENL_NAME);
}

/* ---- one round: send, read the answer, maybe abandon a dump ---- */

/*
 * Whether genetlink's header check (Linux 6.1 and later, for every command
 * of a family that leaves resv_start_op at 0) refuses the request with
 * EINVAL: reserved bytes set, or flags other than REQUEST, ACK, ECHO and
 * DUMP (both of its bits).
 */
static bool fails_header_check(const struct nlmsghdr *nlh, const struct genlmsghdr *genl)
{
	uint16_t flags = nlh->nlmsg_flags;

	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= (uint16_t)~NLM_F_DUMP;
	return genl->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
}

/*
 * What the kernel must answer an unprivileged change request that reaches
 * the family: EPERM; or, if it fails the header check, EINVAL (checked
 * first) or EPERM.  False for the requests it cannot know the answer of:
 * malformed, not for the family, not a change, or a dump (EOPNOTSUPP).
 */
static bool unprivileged_expectation(const struct fuzzer *f, const struct msg *m,
				     bool *einval_allowed)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	const struct genlmsghdr *genl = (const struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	if (m->len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN || nlh->nlmsg_len > m->len ||
	    nlh->nlmsg_type != f->family || !(nlh->nlmsg_flags & NLM_F_REQUEST) ||
	    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP || !is_change_cmd(genl->cmd))
		return false;
	*einval_allowed = fails_header_check(nlh, genl);
	return true;
}

static void print_hex(const char *what, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):", what, len);
	for (i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", p[i]);
	fputc('\n', stderr);
}

static void finding(struct fuzzer *f, unsigned long index, const struct msg *m,
		    const char *what, int error)
{
	f->c.findings++;
	if (f->c.findings > FINDINGS_SHOWN)
		return;
	fprintf(stderr, PROG ": FINDING at message %lu (seed %" PRIu64 "): %s, answer %d (%s)\n",
		index, f->opt.seed, what, error, error ? strerror(-error) : "ok");
	print_hex("  request", m->buf, m->len);
}

static void count_error(struct fuzzer *f, int error)
{
	int e = error < 0 ? -error : error;

	if (!e) {
		f->c.acked_ok++;
		return;
	}
	f->c.refused++;
	f->c.errno_count[e < ERRNO_COUNTED ? e : 0]++;
}

static void send_sentinel(struct fuzzer *f, uint32_t seq)
{
	struct nlmsghdr nlh = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.nlmsg_seq = seq,
	};

	if (mnl_socket_sendto(f->nl, &nlh, nlh.nlmsg_len) < 0)
		fail("sending the sentinel: %s", strerror(errno));
}

static void run_one(struct fuzzer *f, unsigned long index)
{
	struct msg m;
	struct nlmsghdr *nlh = (struct nlmsghdr *)m.buf;
	uint32_t seq = (uint32_t)(index + 2) & ~SENTINEL_SEQ_BIT;
	uint32_t sentinel = seq | SENTINEL_SEQ_BIT;
	enum msg_kind kind = build_message(f, &m);
	bool answered = false, sentinel_seen = false, in_dump = false;
	bool einval_allowed = false;
	bool expect_eperm = f->opt.unprivileged &&
			    unprivileged_expectation(f, &m, &einval_allowed);
	int answer = 0;
	/* a dump is read to its end, or given up after this many reads */
	unsigned int reads_left = chance(f, 4) ? below(f, 3) : UINT_MAX;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	f->c.by_kind[kind]++;

	if (f->opt.verbose)
		print_hex("send", m.buf, m.len);
	if (sendto(mnl_socket_get_fd(f->nl), m.buf, m.len, 0,
		   &(struct sockaddr){ .sa_family = AF_NETLINK }, sizeof(struct sockaddr_nl)) < 0) {
		f->c.send_errors++;
		return;
	}
	f->c.sent++;
	send_sentinel(f, sentinel);

	while (!sentinel_seen || in_dump) {
		const struct nlmsghdr *r;
		ssize_t n;
		int left;

		if (in_dump && sentinel_seen && !reads_left) {
			f->c.dumps_abandoned++;
			reopen_socket(f);
			goto check;
		}
		n = receive(f);
		if (n < 0) {
			if (errno == ETIMEDOUT) {
				f->c.timeouts++;
				finding(f, index, &m, "no answer to the sentinel", 0);
			} else if (errno == ENOBUFS) {
				f->c.overruns++;
			} else {
				fail("receiving: %s", strerror(errno));
			}
			reopen_socket(f);
			goto check;
		}
		if (in_dump && reads_left && reads_left != UINT_MAX)
			reads_left--;
		left = (int)n;
		for (r = (const struct nlmsghdr *)f->recv_buf; mnl_nlmsg_ok(r, left);
		     r = mnl_nlmsg_next(r, &left)) {
			int error = 0;

			if (r->nlmsg_seq == sentinel && r->nlmsg_type == NLMSG_ERROR) {
				sentinel_seen = true;
				continue;
			}
			if (r->nlmsg_seq == 0 && r->nlmsg_type == f->family &&
			    mnl_nlmsg_get_payload_len(r) >= GENL_HDRLEN &&
			    ((const struct genlmsghdr *)mnl_nlmsg_get_payload(r))->cmd ==
				    IPTO_CMD_EVENT) {
				f->c.events++;
				continue;
			}
			if (r->nlmsg_seq != seq) {
				f->c.stray++;
				continue;
			}
			switch (r->nlmsg_type) {
			case NLMSG_ERROR:
				if (mnl_nlmsg_get_payload_len(r) >= sizeof(struct nlmsgerr))
					error = ((const struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
				count_error(f, error);
				answered = true;
				answer = error;
				in_dump = false;
				break;
			case NLMSG_DONE:
				if (mnl_nlmsg_get_payload_len(r) >= sizeof(int))
					memcpy(&error, mnl_nlmsg_get_payload(r), sizeof(int));
				count_error(f, error);
				if (r->nlmsg_flags & NLM_F_DUMP_INTR)
					f->c.dumps_interrupted++;
				if (!in_dump)	/* a dump with nothing but its end */
					f->c.dumps_started++;
				f->c.dumps_completed++;
				answered = true;
				answer = error;
				in_dump = false;
				break;
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				break;
			default:
				f->c.replies++;
				if ((r->nlmsg_flags & NLM_F_MULTI) && !in_dump && !answered) {
					in_dump = true;
					f->c.dumps_started++;
				}
				if (!(r->nlmsg_flags & NLM_F_MULTI))
					answered = true;
				if (r->nlmsg_flags & NLM_F_DUMP_INTR)
					f->c.dumps_interrupted++;
				break;
			}
		}
	}
check:
	if (!answered)
		f->c.no_answer++;
	if (expect_eperm && sentinel_seen &&
	    (!answered || !(answer == -EPERM || (einval_allowed && answer == -EINVAL))))
		finding(f, index, &m, answered ? "change request not refused with EPERM"
					       : "change request not answered", answer);
}

/* ---- setup ---- */

static void drop_to_nobody(void)
{
	const struct passwd *pw = getpwnam("nobody");

	if (!pw)
		fail("--unprivileged: no user \"nobody\"");
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		fail("--unprivileged: cannot become nobody: %s", strerror(errno));
	if (setuid(0) == 0)
		fail("--unprivileged: root could be regained after dropping it");
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	struct timespec now;
	bool seeded = false;
	uint64_t num;
	int i;

	clock_gettime(CLOCK_REALTIME, &now);
	*opt = (struct options){ .messages = 10000, .dev = "ipto0" };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--unprivileged")) {
			opt->unprivileged = true;
		} else if (!strcmp(a, "--verbose")) {
			opt->verbose = true;
		} else if (!strcmp(a, "--seed") || !strcmp(a, "--messages") || !strcmp(a, "--dev")) {
			if (!v)
				usage_error("%s needs a value", a);
			i++;
			if (!strcmp(a, "--dev")) {
				if (!*v || strlen(v) >= IFNAMSIZ)
					usage_error("--dev \"%s\": not an interface name", v);
				opt->dev = v;
			} else if (!parse_unsigned(v, a[2] == 's' ? UINT64_MAX : ULONG_MAX, &num)) {
				usage_error("%s \"%s\": not a non-negative number", a, v);
			} else if (a[2] == 's') {
				opt->seed = num;
				seeded = true;
			} else {
				opt->messages = (unsigned long)num;
			}
		} else {
			usage_error("unknown argument \"%s\"", a);
		}
	}
	if (!seeded)
		opt->seed = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static double seconds_of(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void print_counts(const struct fuzzer *f, double wall)
{
	const struct counters *c = &f->c;
	struct rusage ru;
	int e;

	getrusage(RUSAGE_SELF, &ru);
	printf("sent %lu (send refused %lu) in %.1f s: %.0f messages/s\n", c->sent,
	       c->send_errors, wall, wall > 0 ? (double)c->sent / wall : 0.0);
	printf("cpu user %.2f s, system %.2f s\n", seconds_of(ru.ru_utime),
	       seconds_of(ru.ru_stime));
	printf("kinds: %s %lu, %s %lu, %s %lu, %s %lu\n", kind_names[0], c->by_kind[0],
	       kind_names[1], c->by_kind[1], kind_names[2], c->by_kind[2],
	       kind_names[3], c->by_kind[3]);
	printf("acked ok %lu, refused %lu, not answered %lu, data replies %lu, events %lu, stray %lu\n",
	       c->acked_ok, c->refused, c->no_answer, c->replies, c->events, c->stray);
	printf("errors:");
	for (e = 1; e < ERRNO_COUNTED; e++)
		if (c->errno_count[e])
			printf(" %s %lu", strerrorname_np(e) ? strerrorname_np(e) : "?",
			       c->errno_count[e]);
	if (c->errno_count[0])
		printf(" other %lu", c->errno_count[0]);
	printf("\n");
	printf("dumps started %lu, completed %lu, abandoned %lu, interrupted %lu\n",
	       c->dumps_started, c->dumps_completed, c->dumps_abandoned, c->dumps_interrupted);
	printf("socket reopens %lu, truncated reads %lu, overruns %lu, timeouts %lu\n",
	       c->socket_reopens, c->truncated_reads, c->overruns, c->timeouts);
	printf("findings %lu\n", c->findings);
}

int main(int argc, char **argv)
{
	static struct fuzzer f;
	struct timespec start, end;
	unsigned long i;
	double wall;

	parse_options(argc, argv, &f.opt);
	f.rng = f.opt.seed;
	/* Nothing is opened before the privileges are dropped. */
	if (f.opt.unprivileged)
		drop_to_nobody();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf(PROG ": seed %" PRIu64 ", %lu messages, device %s, %s\n", f.opt.seed,
	       f.opt.messages, f.opt.dev,
	       f.opt.unprivileged ? "unprivileged (nobody)" : "privileged");

	f.ifindex = if_nametoindex(f.opt.dev);
	if (!f.ifindex)
		fail("--dev %s: %s", f.opt.dev, strerror(errno));
	f.recv_buf = malloc(RECV_BUF_SIZE);
	f.pool = calloc(POOL_SIZE, sizeof(*f.pool));
	if (!f.recv_buf || !f.pool)
		fail("out of memory");
	f.nl = open_socket();
	f.portid = mnl_socket_get_portid(f.nl);
	resolve_family(&f);
	join_events(&f);
	printf(PROG ": family %s id %u version %u, events group %u%s, %s ifindex %u\n",
	       IPTO_GENL_NAME, f.family, f.version, f.events_group,
	       f.events_group && !f.opt.unprivileged ? " (listening)" : "", f.opt.dev, f.ifindex);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < f.opt.messages; i++)
		run_one(&f, i);
	clock_gettime(CLOCK_MONOTONIC, &end);
	wall = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;

	print_counts(&f, wall);
	mnl_socket_close(f.nl);
	free(f.recv_buf);
	free(f.pool);
	return f.c.findings ? 1 : 0;
}
