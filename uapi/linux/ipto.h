/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ipto - transparent IP takeover for Linux clusters: the generic netlink
 * protocol between the kernel module and its userland (iptod, iptoctl).
 *
 * Documentation
 * =============
 *
 * The family is named IPTO_GENL_NAME ("ipto"), version IPTO_GENL_VERSION.
 * It is network-namespace aware: every request acts on the namespace of the
 * socket that sent it, and names ipto devices of that namespace only.
 *
 * Every command that targets one device names it by exactly one of
 * IPTO_DEV_A_IFINDEX (u32) or IPTO_DEV_A_IFNAME (NUL-terminated string,
 * shorter than IFNAMSIZ).  Naming both, neither, or a device that is not an
 * ipto device is an error.  Unknown attributes are rejected (strict
 * validation); every rejection carries an extended ACK message that names
 * the offending attribute.  Commands that change state require
 * CAP_NET_ADMIN in the user namespace that owns the network namespace;
 * reading needs no privilege.
 *
 * IPTO_CMD_DEV_GET
 * ----------------
 *   Reports a device and its settings.  As a plain request it takes one
 *   device (ifindex or ifname) and answers with one IPTO_CMD_DEV_GET
 *   message.  With NLM_F_DUMP it takes no attributes and answers with one
 *   message per ipto device in the namespace, oldest first.
 *
 *   Each answer carries:
 *     IPTO_DEV_A_IFINDEX               u32  the ipto device
 *     IPTO_DEV_A_IFNAME                string
 *     IPTO_DEV_A_LINK_IFINDEX          u32  its lower (LAN) device
 *     IPTO_DEV_A_ANNOUNCE_COUNT        u32  gratuitous ARP / unsolicited NA
 *                                           packets sent on adoption
 *     IPTO_DEV_A_ANNOUNCE_INTERVAL_MS  u32  spacing of those packets
 *     IPTO_DEV_A_REPLY_RATE            u32  error replies per second
 *                                           (token bucket rate)
 *     IPTO_DEV_A_REPLY_BURST           u32  token bucket depth
 *     IPTO_DEV_A_LEASE_MS              u32  daemon lease, 0 = no lease
 *     IPTO_DEV_A_ECHO_REPLY            u8   1: answer ICMP echo requests to
 *                                           adopted addresses, 0: treat them
 *                                           by the default action
 *     IPTO_DEV_A_DEFAULT_ACTION        u8   enum ipto_action for traffic that
 *                                           matches no service
 *
 *   The same settings are visible and writable, one file each, under
 *   /sys/class/net/<dev>/ipto/; a new device takes its initial settings
 *   from the module parameters of the same names.  The valid range of each
 *   is given by the IPTO_*_MIN / IPTO_*_MAX constants below.
 *
 * IPTO_CMD_DEV_SET
 * ----------------
 *   Changes settings of one device (ifindex or ifname): any subset of the
 *   settings attributes above, each within its range.  Nothing changes
 *   unless every given value is valid.
 *
 * Adopted addresses
 * =================
 *
 * An adopted address is a peer's address this node answers for.  A packet
 * for it that arrives on the device's lower device is matched against the
 * services of the node it came from (IPTO_ADDR_A_NODE) and treated by the
 * first service whose protocol and port range match, else by the device's
 * default action:
 *
 *   reject  TCP: an RST the client accepts (to a SYN: RST|ACK, ack = seq+1;
 *           otherwise RST, seq = the segment's ack); UDP: ICMP/ICMPv6 port
 *           unreachable; ICMP echo: a reply when echo_reply is on, else
 *           administratively prohibited; other protocols: ICMP protocol
 *           unreachable / ICMPv6 administratively prohibited.  ICMP errors
 *           and TCP RSTs are never answered.  Replies are limited per device
 *           by a token bucket (reply_rate, reply_burst); a packet whose reply
 *           is suppressed is dropped and counted.
 *   drop    dropped silently and counted.
 *   serve   passed on to local delivery: this node runs the service.  The
 *           address must be a local address of the node for local sockets to
 *           answer from it; "iptoctl adopt" makes it one by adding it to the
 *           ipto device (/32 or /128), and "iptoctl release" removes it.
 *
 * ARP requests and IPv6 neighbour solicitations for an adopted address
 * received on the lower device are answered with the lower device's
 * hardware address, whatever the node's arp_ignore, forwarding or proxy
 * settings.  On adoption the address is announced announce_count times,
 * announce_interval_ms apart: gratuitous ARP, unsolicited neighbour
 * advertisement (override) to all nodes.  On release all of this stops at
 * once.
 *
 * IPTO_CMD_ADDR_ADD (adopt)
 *   IPTO_ADDR_A_IFINDEX or IPTO_ADDR_A_IFNAME   the device
 *   IPTO_ADDR_A_IPV4 (4 bytes, network order) or IPTO_ADDR_A_IPV6 (16)
 *   IPTO_ADDR_A_PREFIXLEN  u8, optional: 32 (IPv4) or 128 (IPv6) only
 *   IPTO_ADDR_A_NODE       u32, optional: the node the address came from,
 *                          1..IPTO_NODE_ID_MAX; 0 or absent: none
 *   Refused: an address already adopted in the namespace (EEXIST), a
 *   multicast, broadcast, unspecified, loopback or IPv6 link-local
 *   address, an address of this node other than one on an ipto device.
 *
 * IPTO_CMD_ADDR_DEL (release)
 *   the device and the address as above; ENOENT if it is not adopted there.
 *
 * IPTO_CMD_ADDR_GET (dump only)
 *   the device; one message per adopted address, each with the device's
 *   IPTO_ADDR_A_IFINDEX, the address, IPTO_ADDR_A_NODE, IPTO_ADDR_A_AGE_MS
 *   (u64, since adoption), IPTO_ADDR_A_LOCAL (u8, 1 when the address is
 *   also a local address of the node) and IPTO_ADDR_A_STATS, a nest of u64
 *   counters (enum ipto_stats_attr).  Large tables span many messages;
 *   NLM_F_DUMP_INTR marks a dump that raced with a change.
 *
 * Services
 * ========
 *
 * IPTO_CMD_SERVICE_ADD
 *   the device (IPTO_SVC_A_IFINDEX or IPTO_SVC_A_IFNAME),
 *   IPTO_SVC_A_NODE (u32, 1..IPTO_NODE_ID_MAX), IPTO_SVC_A_NAME (string,
 *   shorter than IPTO_SERVICE_NAME_LEN, unique per node), IPTO_SVC_A_PROTO
 *   (u8: IPPROTO_TCP or IPPROTO_UDP), IPTO_SVC_A_PORT_MIN and optional
 *   IPTO_SVC_A_PORT_MAX (u16, 1..65535, min <= max; max defaults to min),
 *   optional IPTO_SVC_A_ACTION (u8, enum ipto_action, default reject).
 *   At most IPTO_SERVICES_MAX services per device.
 * IPTO_CMD_SERVICE_DEL
 *   the device, IPTO_SVC_A_NODE and IPTO_SVC_A_NAME.
 * IPTO_CMD_SERVICE_GET (dump only)
 *   the device; one message per service with the attributes above.
 */
#ifndef _UAPI_LINUX_IPTO_H
#define _UAPI_LINUX_IPTO_H

#define IPTO_GENL_NAME		"ipto"
#define IPTO_GENL_VERSION	1

/* Link kind for "ip link add NAME link LOWER type ipto". */
#define IPTO_LINK_KIND		"ipto"

enum ipto_cmd {
	IPTO_CMD_UNSPEC,
	IPTO_CMD_DEV_GET,
	IPTO_CMD_DEV_SET,
	IPTO_CMD_ADDR_ADD,
	IPTO_CMD_ADDR_DEL,
	IPTO_CMD_ADDR_GET,
	IPTO_CMD_SERVICE_ADD,
	IPTO_CMD_SERVICE_DEL,
	IPTO_CMD_SERVICE_GET,

	__IPTO_CMD_MAX
};

#define IPTO_CMD_MAX (__IPTO_CMD_MAX - 1)

/**
 * enum ipto_action - what an adopted address does with a packet
 * @IPTO_ACTION_REJECT: answer with the protocol's error: TCP RST, ICMP or
 *	ICMPv6 port/protocol unreachable; the packet goes no further
 * @IPTO_ACTION_DROP: drop silently (counted)
 * @IPTO_ACTION_SERVE: deliver to local sockets: this node runs the service
 */
enum ipto_action {
	IPTO_ACTION_REJECT,
	IPTO_ACTION_DROP,
	IPTO_ACTION_SERVE,

	__IPTO_ACTION_MAX
};

#define IPTO_ACTION_MAX (__IPTO_ACTION_MAX - 1)

enum ipto_dev_attr {
	IPTO_DEV_A_UNSPEC,
	IPTO_DEV_A_IFINDEX,
	IPTO_DEV_A_IFNAME,
	IPTO_DEV_A_LINK_IFINDEX,
	IPTO_DEV_A_ANNOUNCE_COUNT,
	IPTO_DEV_A_ANNOUNCE_INTERVAL_MS,
	IPTO_DEV_A_REPLY_RATE,
	IPTO_DEV_A_REPLY_BURST,
	IPTO_DEV_A_LEASE_MS,
	IPTO_DEV_A_ECHO_REPLY,
	IPTO_DEV_A_DEFAULT_ACTION,

	__IPTO_DEV_A_MAX
};

#define IPTO_DEV_A_MAX (__IPTO_DEV_A_MAX - 1)

enum ipto_addr_attr {
	IPTO_ADDR_A_UNSPEC,
	IPTO_ADDR_A_IFINDEX,
	IPTO_ADDR_A_IFNAME,
	IPTO_ADDR_A_IPV4,
	IPTO_ADDR_A_IPV6,
	IPTO_ADDR_A_PREFIXLEN,
	IPTO_ADDR_A_NODE,
	IPTO_ADDR_A_AGE_MS,
	IPTO_ADDR_A_LOCAL,
	IPTO_ADDR_A_STATS,
	IPTO_ADDR_A_PAD,

	__IPTO_ADDR_A_MAX
};

#define IPTO_ADDR_A_MAX (__IPTO_ADDR_A_MAX - 1)

/* Per-address counters, u64 each, nested in IPTO_ADDR_A_STATS. */
enum ipto_stats_attr {
	IPTO_STATS_A_UNSPEC,
	IPTO_STATS_A_MATCHED,		/* packets to the address */
	IPTO_STATS_A_RST,		/* TCP resets sent */
	IPTO_STATS_A_ICMP,		/* ICMP/ICMPv6 errors and echo replies sent */
	IPTO_STATS_A_DROPPED,		/* dropped by a drop action or unanswerable */
	IPTO_STATS_A_PASSED,		/* passed to local delivery (serve) */
	IPTO_STATS_A_SUPPRESSED,	/* replies withheld by the rate limit */
	IPTO_STATS_A_PAD,

	__IPTO_STATS_A_MAX
};

#define IPTO_STATS_A_MAX (__IPTO_STATS_A_MAX - 1)

enum ipto_svc_attr {
	IPTO_SVC_A_UNSPEC,
	IPTO_SVC_A_IFINDEX,
	IPTO_SVC_A_IFNAME,
	IPTO_SVC_A_NODE,
	IPTO_SVC_A_NAME,
	IPTO_SVC_A_PROTO,
	IPTO_SVC_A_PORT_MIN,
	IPTO_SVC_A_PORT_MAX,
	IPTO_SVC_A_ACTION,

	__IPTO_SVC_A_MAX
};

#define IPTO_SVC_A_MAX (__IPTO_SVC_A_MAX - 1)

#define IPTO_NODE_ID_MAX		65535
#define IPTO_SERVICE_NAME_LEN		32
#define IPTO_SERVICES_MAX		1024

/* Ranges of the device settings (inclusive). */
#define IPTO_ANNOUNCE_COUNT_MIN		0
#define IPTO_ANNOUNCE_COUNT_MAX		100
#define IPTO_ANNOUNCE_INTERVAL_MS_MIN	10
#define IPTO_ANNOUNCE_INTERVAL_MS_MAX	10000
#define IPTO_REPLY_RATE_MIN		1
#define IPTO_REPLY_RATE_MAX		1000000
#define IPTO_REPLY_BURST_MIN		1
#define IPTO_REPLY_BURST_MAX		1000000
/* A lease is 0 (none) or within these bounds. */
#define IPTO_LEASE_MS_MIN		50
#define IPTO_LEASE_MS_MAX		600000

#endif /* _UAPI_LINUX_IPTO_H */
