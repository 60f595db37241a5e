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
 *     IPTO_DEV_A_FENCED                u8   enum ipto_fence: whether, and why,
 *                                           the node is fenced (see Lease)
 *     IPTO_DEV_A_LEASE_LEFT_MS         u32  time until the lease runs out;
 *                                           0 without a lease or once expired
 *     IPTO_DEV_A_LEASE_END_NS          u64  in requests only: the latest end
 *                                           of the lease (CLOCK_MONOTONIC, ns)
 *
 *   The same settings are visible and writable, one file each, under
 *   /sys/class/net/<dev>/ipto/; a new device takes its initial settings
 *   from the module parameters of the same names.  The valid range of each
 *   is given by the IPTO_*_MIN / IPTO_*_MAX constants below.
 *
 * IPTO_CMD_DEV_SET
 * ----------------
 *   Changes settings of one device (ifindex or ifname): any subset of the
 *   settings attributes above, each within its range, and
 *   IPTO_DEV_A_FENCED (0 or 1 only; see Lease and fencing), and
 *   IPTO_DEV_A_LEASE_END_NS: a lease this request starts (a lease_ms
 *   written, or a fence lifted after the lease ran out) ends no later.
 *   Nothing changes unless every given value is valid.  IPTO_DEV_A_ALERTS
 *   and IPTO_DEV_A_LEASE_LEFT_MS are reported only, never set.
 *
 * IPTO_CMD_LEASE
 * --------------
 *   Renews the lease of one device (ifindex or ifname, and optionally
 *   IPTO_DEV_A_LEASE_END_NS, nothing else): it runs IPTO_DEV_A_LEASE_MS
 *   from now, or until IPTO_DEV_A_LEASE_END_NS (u64, CLOCK_MONOTONIC in
 *   nanoseconds) when that comes sooner; an end already past ends the
 *   lease at once.  A lease that has run out is not renewed (ETIME).  See
 *   Lease and fencing.
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
 *           answer from it (see "Local addresses" below).
 *
 * Local addresses: an adopted address is made a local address of the node
 * by userland, not by the module, and in one place: userland/lib
 * (ipto_rtnl_addr_add() and _del()) adds it to the ipto device as a /32 or
 * /128 of global scope (IPv6 without duplicate address detection) and
 * removes it again.  iptoctl does so after IPTO_CMD_ADDR_ADD (and gives
 * the adoption back when it cannot) and before IPTO_CMD_ADDR_DEL; iptod
 * on every IPTO_EVENT_ADOPTED and IPTO_EVENT_RELEASED, since the engine
 * adopts within the kernel.  Why not the module, in the same request: it
 * uses exported interfaces only, and the kernel exports none that adds
 * an interface address (that is rtnetlink's, inside the IPv4 and IPv6
 * code).  The module's half of the contract: an address found on an ipto
 * device counts as adopted before, not as one of the node's own, so an
 * adoption can be repeated (after a restart of iptod, say).  Another tool
 * that adopts must do the same for serve to work.
 *
 * ARP requests and IPv6 neighbour solicitations for an adopted address
 * received on the lower device are answered with the lower device's
 * hardware address, whatever the node's arp_ignore, forwarding or proxy
 * settings.  Duplicate address detection for it (a neighbour solicitation
 * from ::) is answered too: a returning owner's IPv6 address fails
 * detection and stays silent while this node holds it, and the owner runs
 * detection again once it is released (iptod does; see iptod(8)).  An IPv4
 * conflict detection probe (RFC 5227: an ARP request from 0.0.0.0) is not
 * answered: the owner's IPv4 address comes up as it would without one.
 * On adoption the address is announced announce_count times,
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
 *   address, an address of this node other than one on an ipto device,
 *   a home address of the self node while the device guards it (EEXIST;
 *   see Lease and fencing), any address while the device is fenced
 *   (EBUSY).
 *
 * IPTO_CMD_ADDR_DEL (release)
 *   the device and the address as above; ENOENT if it is not adopted there.
 *   With manual failback, releasing an address the engine adopted gives
 *   all of its node's addresses back (see IPTO_CMD_NODE_FAILBACK).
 *
 * IPTO_CMD_ADDR_GET (dump only)
 *   the device; one message per adopted address, each with the device's
 *   IPTO_ADDR_A_IFINDEX, the address, IPTO_ADDR_A_NODE, IPTO_ADDR_A_AGE_MS
 *   (u64, since adoption), IPTO_ADDR_A_LOCAL (u8, 1 when the address is
 *   also a local address of the node), IPTO_ADDR_A_STATS, a nest of u64
 *   counters (enum ipto_stats_attr), and, once the address was answered,
 *   IPTO_ADDR_A_FIRST_REPLY_MS (u64, milliseconds from adoption to the
 *   first RST or ICMP reply the packet path sent for it; absent until
 *   then, and from modules older than it).  Large tables span many messages;
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
 *
 * Cluster table and takeover
 * ==========================
 *
 * Every node of a cluster keeps the same table in its ipto device: the
 * nodes (one of them marked self), their home addresses, state, failover
 * flag and ordered standby list, and the services with optional overrides
 * of failover and standby.  When a node's state changes, the kernel
 * recomputes who provides what, within the same request, by a pure
 * function of the table that every node evaluates alike:
 *
 *   - a node that is up provides its own addresses and services;
 *   - for a node that is down and allows failover, the first node of its
 *     standby list that is up provides them (a service with its own
 *     failover flag or standby list is decided by those); a node that does
 *     not allow failover is provided by nobody, except for its services
 *     that allow it;
 *   - a node's addresses are held by the first of its units (its own unit,
 *     then its services) that another node provides, else by the node
 *     itself; a holder other than the node adopts them (all of them) and
 *     applies the services it provides; the rest of the traffic to them
 *     gets the device's default action;
 *   - failback: with IPTO_FAILBACK_AUTO, a node coming back up takes its
 *     addresses back at once; with IPTO_FAILBACK_MANUAL, the adopter keeps
 *     them until an operator gives them back (IPTO_CMD_NODE_FAILBACK, or
 *     IPTO_CMD_ADDR_DEL of one of them on the node that holds them);
 *   - cascade guard: on a node that provides something it adopted, every
 *     unit it provides (its own and the adopted ones) that no other node
 *     could take (no other node of its standby list is up, nor its home)
 *     is marked: failover of it is disallowed, and an alert is raised.
 *     The mark is lifted when another such node comes up.  A fenced
 *     device provides nothing: it raises no mark (and lifts its marks),
 *     so a start by the book (fenced until the peers are heard) raises
 *     no alert; IPTO_NODE_A_GUARD still reports the decision.
 *
 * IPTO_CMD_NODE_ADD
 *   the device, IPTO_NODE_A_ID (u32, 1..IPTO_NODE_ID_MAX), IPTO_NODE_A_NAME
 *   (string, shorter than IPTO_NODE_NAME_LEN), IPTO_NODE_A_ADDRS (a nest of
 *   IPTO_NODE_ADDR_A_IPV4 / IPTO_NODE_ADDR_A_IPV6, 1..IPTO_NODE_ADDRS_MAX
 *   of them; no address may belong to two nodes; as one attribute holds
 *   at most 64 KiB, a request may carry several IPTO_NODE_A_ADDRS nests,
 *   whose addresses add up), optional
 *   IPTO_NODE_A_STANDBY (binary: an array of u32 node ids, at most
 *   IPTO_STANDBY_MAX, each naming another node of the table, no repeats),
 *   IPTO_NODE_A_FAILOVER (u8, default 1), IPTO_NODE_A_SELF (u8, at most
 *   one node of a table), IPTO_NODE_A_STATE (u8 enum ipto_node_state,
 *   default up).  At most IPTO_NODES_MAX nodes per device.
 * IPTO_CMD_NODE_SET
 *   the device, IPTO_NODE_A_ID, and any of IPTO_NODE_A_STATE,
 *   IPTO_NODE_A_STANDBY, IPTO_NODE_A_FAILOVER, IPTO_NODE_A_DRAIN_CONNS
 *   and IPTO_NODE_A_DRAIN_LEFT_MS.  Setting the state is how membership
 *   (iptod) reports a node up or down.  IPTO_NODE_DRAIN counts as up for
 *   the takeover; on the node itself (IPTO_NODE_A_SELF) its home addresses
 *   then refuse new connections: a TCP SYN without ACK is answered with a
 *   reset, UDP with ICMP port unreachable (within the device's reply
 *   limit; home addresses are not listed, so no counter shows these),
 *   while every other packet goes on to the stack, so established
 *   connections are served.  Clients with another address move on; the
 *   node hands over when its connections are gone (iptod: by stepping
 *   down).  The two DRAIN_ attributes (u32) are a draining node's progress
 *   as its membership daemon counts it, the connections it has left and
 *   the milliseconds before it hands over anyway: reported by
 *   IPTO_CMD_NODE_GET once set (until the state changes) and sent in an
 *   IPTO_EVENT_NODE_DRAIN when they change; refused for a node that is
 *   not draining.
 * IPTO_CMD_NODE_DEL
 *   the device and IPTO_NODE_A_ID; refused while another node's or a
 *   service's standby list names it.
 * IPTO_CMD_NODE_FAILBACK
 *   the device and IPTO_NODE_A_ID, a node that is up: with manual
 *   failback, the table's decisions for that node and its services are
 *   made again as if it had just come up, so its addresses go home.  On
 *   the node that holds them it releases them; on the node itself (self)
 *   it takes them back and answers them again: give it there only once
 *   the holder has released them, or two nodes answer (iptod does so by
 *   itself).  Nothing changes when the node already holds its own.
 *   Refused for a node that is down.
 * IPTO_CMD_NODE_GET (dump only)
 *   the device; one message per node with the attributes above (the
 *   standby list always, possibly empty) and IPTO_NODE_A_OWNER (u32: the
 *   node holding its addresses now, 0 for none) and IPTO_NODE_A_GUARD (u8:
 *   1 while the cascade guard holds it).  A node whose addresses do not fit
 *   in one message continues in the next ones, which carry only
 *   IPTO_NODE_A_IFINDEX, IPTO_NODE_A_ID and more IPTO_NODE_A_ADDRS.
 *
 * IPTO_CMD_CONN_RESET
 *   the device and 1..IPTO_CONN_RESET_MAX IPTO_RESET_A_CONN nests, one per
 *   TCP connection: IPTO_CONN_A_LOCAL_IPV4 or _LOCAL_IPV6 (an address the
 *   device has adopted), IPTO_CONN_A_LOCAL_PORT, IPTO_CONN_A_REMOTE_IPV4
 *   or _REMOTE_IPV6 (the client, of the same family) and
 *   IPTO_CONN_A_REMOTE_PORT (u16 each, host byte order).  To each client
 *   the module sends one TCP ACK from the adopted address, with sequence
 *   numbers outside any window (a "tickle", as CTDB calls it).  The
 *   client's TCP answers with its current sequence numbers (a duplicate
 *   or challenge ACK, RFC 5961), and ipto's reply to that answer is a
 *   reset the client accepts: a client waiting on a connection to a node
 *   that went away learns of it within a round trip, without sending
 *   first.  Each ACK takes a token of the device's reply limit, and is
 *   sent only while the bucket keeps half of reply_burst for the resets
 *   the ACKs draw; the ACKs go out in the request's order and stop at the
 *   first one the bucket cannot pay.  The reply carries IPTO_RESET_A_SENT
 *   (u32): how many connections, from the first, were tickled; the caller
 *   sends the rest again later (iptod paces them, iptoctl reports them).
 *   Each ACK sent counts as IPTO_STATS_A_TICKLES of its address.  The
 *   client's kernel answers out-of-window segments at most
 *   once per tcp_invalid_ratelimit (500 ms by default) per connection: a
 *   caller that tickles a connection again waits at least that long.
 *   Refused, and nothing sent, when a local address is not adopted by the
 *   device or a remote address is not a unicast host.
 *
 * Services take, in addition, optional IPTO_SVC_A_FAILOVER (u8) and
 * IPTO_SVC_A_STANDBY (as IPTO_NODE_A_STANDBY), which override the node's;
 * IPTO_CMD_SERVICE_SET changes action, failover and standby of an existing
 * service (an empty standby list is a list: no standby; to follow the
 * node's again, delete and add the service); the service dump reports
 * IPTO_SVC_A_OWNER and IPTO_SVC_A_GUARD.
 * The device reports IPTO_DEV_A_ALERTS (u64, alerts raised) and has the
 * setting IPTO_DEV_A_FAILBACK (u8 enum ipto_failback).
 *
 * Events
 * ======
 *
 * The multicast group IPTO_MCGRP_EVENTS ("events") carries one
 * IPTO_CMD_EVENT message per event, in the namespace of the device;
 * joining the group needs CAP_NET_ADMIN where the kernel supports that
 * check (GENL_MCAST_CAP_NET_ADMIN).  The events of one change (a node's
 * takeover adopts all its addresses at once) come packed, many messages
 * to a datagram: a listener reads every message of each datagram.  Every event carries
 * IPTO_EVENT_A_TYPE (u8 enum ipto_event) and IPTO_EVENT_A_IFINDEX; then:
 *   NODE_UP, NODE_DOWN      IPTO_EVENT_A_NODE
 *   ADOPTED, RELEASED       IPTO_EVENT_A_IPV4 or _IPV6, and
 *                           IPTO_EVENT_A_NODE unless adopted from no node
 *   GUARD_MARK, GUARD_LIFT,
 *   ALERT                   IPTO_EVENT_A_NODE (the unit's home),
 *                           IPTO_EVENT_A_SERVICE (absent for a node's own
 *                           unit), IPTO_EVENT_A_OWNER (this node)
 *   FENCED                  IPTO_EVENT_A_REASON (u8 enum ipto_fence)
 *   UNFENCED                nothing more
 *   NODE_DRAIN              IPTO_EVENT_A_NODE, and IPTO_EVENT_A_DRAIN_CONNS
 *                           and IPTO_EVENT_A_DRAIN_LEFT_MS once its
 *                           membership daemon reported them
 *
 * Lease and fencing
 * =================
 *
 * A node must never answer an address another node answers.  Two things
 * keep it so when the daemon that reports membership cannot:
 *
 * Lease.  With IPTO_DEV_A_LEASE_MS set (non-zero) the daemon must renew the
 * lease with IPTO_CMD_LEASE (the device, nothing else) more often than
 * that; setting a non-zero IPTO_DEV_A_LEASE_MS (by IPTO_CMD_DEV_SET, the
 * sysfs file lease_ms, or the module parameter for a new device) starts
 * the lease, running lease_ms from then, also when the value is the one
 * set before; setting 0 ends it.  IPTO_CMD_LEASE on a device without a
 * lease is refused (EINVAL), and so is renewing a lease that has run out
 * (ETIME): the node fell silent then, and only lifting the fence, which
 * starts a new lease, brings it back, even when the daemon runs again
 * before the fence below is raised.  IPTO_CMD_LEASE takes no lock the other
 * commands or link changes hold (RTNL): a busy RTNL does not delay a
 * renewal until the lease runs out.  The moment the lease runs out the node falls
 * silent: the packet path compares the lease's end with the clock on every
 * packet, and from then drops what arrives on the lower device for the
 * device's adopted addresses and for the self node's home addresses, ARP
 * requests and neighbour solicitations included (counted in rx_dropped).
 * No lock, work or daemon stands between the lease's end and the silence;
 * to that end the self node's home addresses are guarded by the device
 * (entered in its address table) while it has a lease.  The device is then
 * fenced with reason IPTO_FENCE_LEASE, by a work that may run later: that
 * releases the adopted addresses and raises the events.  The daemon
 * chooses the lease shorter than the time its peers take to declare it
 * dead, so the node falls silent before another adopts its addresses.
 * A daemon that knows when its peers may declare it dead at the earliest
 * (iptod: from their acknowledgements of its heartbeats) gives that time,
 * less a margin, as IPTO_DEV_A_LEASE_END_NS: an absolute time, so that a
 * stall of the daemon between reading the clock and the renewal cannot
 * carry the lease past it.  The kernel rounds the end down to a jiffy.
 * IPTO_DEV_A_LEASE_LEFT_MS says how long the lease has left.
 *
 * Fence.  IPTO_CMD_DEV_SET with IPTO_DEV_A_FENCED 1 (IPTO_FENCE_REQUEST)
 * fences the device, e.g. when the daemon loses quorum; 0 lifts a fence of
 * either reason; other values are refused.  Renewing the lease, or ending
 * it, does not lift a fence: the daemon lifts it once it knows no other
 * node holds its addresses.  Lifting a fence while a lease is set that has
 * run out starts the lease again: whoever lifts the fence without renewing
 * the lease has the addresses answered for one lease at most.  A fence
 * keeps the reason it was raised for until it is lifted: a request to
 * fence a fenced device, or the lease running out on one, changes nothing.
 * While fenced:
 *   - every adopted address is released (RELEASED events), the engine
 *     adopts nothing and IPTO_CMD_ADDR_ADD is refused (EBUSY, "device is
 *     fenced");
 *   - packets for the home addresses of the self node that arrive on the
 *     lower device are dropped, ARP requests and neighbour solicitations
 *     for them included: the node stops answering its own addresses.
 * The home addresses of the self node are dropped so as well, fenced or
 * not, whenever the table gives them to another node (or to none): the
 * self node is down, or its addresses are held by a standby (manual
 * failback).  Such drops are counted in the rx_dropped counter of the ipto
 * device ("ip -s link show").  When they stop being dropped (the fence is
 * lifted, the self node is up and holds them again) each is announced once,
 * gratuitous ARP or unsolicited neighbour advertisement, so that neighbours
 * that learnt the standby's hardware address for it come back at once.
 * Lifting the fence lets the engine adopt
 * again what the table gives this node.  FENCED is raised when the device
 * becomes fenced, UNFENCED when the fence is lifted.
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
	IPTO_CMD_SERVICE_SET,
	IPTO_CMD_NODE_ADD,
	IPTO_CMD_NODE_SET,
	IPTO_CMD_NODE_DEL,
	IPTO_CMD_NODE_GET,
	IPTO_CMD_EVENT,
	IPTO_CMD_LEASE,
	IPTO_CMD_NODE_FAILBACK,
	IPTO_CMD_CONN_RESET,

	__IPTO_CMD_MAX
};

#define IPTO_CMD_MAX (__IPTO_CMD_MAX - 1)

#define IPTO_MCGRP_EVENTS	"events"

enum ipto_node_state {
	IPTO_NODE_DOWN,
	IPTO_NODE_UP,
	IPTO_NODE_DRAIN,	/* up, and refusing new connections (see NODE_SET) */
};

enum ipto_failback {
	IPTO_FAILBACK_AUTO,
	IPTO_FAILBACK_MANUAL,
};

/**
 * enum ipto_fence - whether and why a device is fenced
 * @IPTO_FENCE_NONE: not fenced
 * @IPTO_FENCE_REQUEST: fenced by IPTO_CMD_DEV_SET (the daemon, an operator)
 * @IPTO_FENCE_LEASE: fenced because the lease ran out
 */
enum ipto_fence {
	IPTO_FENCE_NONE,
	IPTO_FENCE_REQUEST,
	IPTO_FENCE_LEASE,
};

/**
 * enum ipto_event - what an IPTO_CMD_EVENT message reports
 * @IPTO_EVENT_NODE_UP: a node's state was set up
 * @IPTO_EVENT_NODE_DOWN: a node's state was set down
 * @IPTO_EVENT_ADOPTED: this node adopted an address (IPTO_EVENT_A_NODE: the
 *	node it came from)
 * @IPTO_EVENT_RELEASED: this node released an adopted address
 * @IPTO_EVENT_GUARD_MARK: the cascade guard marked a unit (a node's own
 *	unit, or a service) failover-disallowed
 * @IPTO_EVENT_GUARD_LIFT: redundancy returned, the mark was lifted
 * @IPTO_EVENT_ALERT: a unit this node provides lost its last fallback;
 *	the operator should act
 * @IPTO_EVENT_FENCED: the device was fenced (IPTO_EVENT_A_REASON says why)
 * @IPTO_EVENT_UNFENCED: the fence was lifted
 * @IPTO_EVENT_NODE_DRAIN: a node's state was set to drain, or its drain
 *	progress changed
 */
enum ipto_event {
	IPTO_EVENT_NODE_UP = 1,
	IPTO_EVENT_NODE_DOWN,
	IPTO_EVENT_ADOPTED,
	IPTO_EVENT_RELEASED,
	IPTO_EVENT_GUARD_MARK,
	IPTO_EVENT_GUARD_LIFT,
	IPTO_EVENT_ALERT,
	IPTO_EVENT_FENCED,
	IPTO_EVENT_UNFENCED,
	IPTO_EVENT_NODE_DRAIN,
};

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
	IPTO_DEV_A_FAILBACK,
	IPTO_DEV_A_ALERTS,
	IPTO_DEV_A_PAD,
	IPTO_DEV_A_FENCED,
	IPTO_DEV_A_LEASE_LEFT_MS,
	IPTO_DEV_A_LEASE_END_NS,

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
	IPTO_ADDR_A_FIRST_REPLY_MS,

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
	IPTO_STATS_A_TICKLES,		/* out-of-window ACKs sent (CONN_RESET) */

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
	IPTO_SVC_A_FAILOVER,
	IPTO_SVC_A_STANDBY,
	IPTO_SVC_A_OWNER,
	IPTO_SVC_A_GUARD,

	__IPTO_SVC_A_MAX
};

#define IPTO_SVC_A_MAX (__IPTO_SVC_A_MAX - 1)

enum ipto_node_attr {
	IPTO_NODE_A_UNSPEC,
	IPTO_NODE_A_IFINDEX,
	IPTO_NODE_A_IFNAME,
	IPTO_NODE_A_ID,
	IPTO_NODE_A_NAME,
	IPTO_NODE_A_ADDRS,
	IPTO_NODE_A_STATE,
	IPTO_NODE_A_FAILOVER,
	IPTO_NODE_A_STANDBY,
	IPTO_NODE_A_SELF,
	IPTO_NODE_A_OWNER,
	IPTO_NODE_A_GUARD,
	IPTO_NODE_A_DRAIN_CONNS,	/* u32 */
	IPTO_NODE_A_DRAIN_LEFT_MS,	/* u32 */

	__IPTO_NODE_A_MAX
};

#define IPTO_NODE_A_MAX (__IPTO_NODE_A_MAX - 1)

/* Entries of the nest IPTO_NODE_A_ADDRS. */
enum ipto_node_addr_attr {
	IPTO_NODE_ADDR_A_UNSPEC,
	IPTO_NODE_ADDR_A_IPV4,
	IPTO_NODE_ADDR_A_IPV6,

	__IPTO_NODE_ADDR_A_MAX
};

#define IPTO_NODE_ADDR_A_MAX (__IPTO_NODE_ADDR_A_MAX - 1)

/* The request and the reply of IPTO_CMD_CONN_RESET. */
enum ipto_reset_attr {
	IPTO_RESET_A_UNSPEC,
	IPTO_RESET_A_IFINDEX,
	IPTO_RESET_A_IFNAME,
	IPTO_RESET_A_CONN,		/* nest of enum ipto_conn_attr, one per connection */
	IPTO_RESET_A_SENT,		/* u32, in the reply: connections tickled */

	__IPTO_RESET_A_MAX
};

#define IPTO_RESET_A_MAX (__IPTO_RESET_A_MAX - 1)

/* A TCP connection, nested in IPTO_RESET_A_CONN. */
enum ipto_conn_attr {
	IPTO_CONN_A_UNSPEC,
	IPTO_CONN_A_LOCAL_IPV4,		/* the adopted address */
	IPTO_CONN_A_LOCAL_IPV6,
	IPTO_CONN_A_LOCAL_PORT,		/* u16, host byte order */
	IPTO_CONN_A_REMOTE_IPV4,	/* the client */
	IPTO_CONN_A_REMOTE_IPV6,
	IPTO_CONN_A_REMOTE_PORT,	/* u16, host byte order */

	__IPTO_CONN_A_MAX
};

#define IPTO_CONN_A_MAX (__IPTO_CONN_A_MAX - 1)

enum ipto_event_attr {
	IPTO_EVENT_A_UNSPEC,
	IPTO_EVENT_A_TYPE,
	IPTO_EVENT_A_IFINDEX,
	IPTO_EVENT_A_NODE,
	IPTO_EVENT_A_IPV4,
	IPTO_EVENT_A_IPV6,
	IPTO_EVENT_A_SERVICE,
	IPTO_EVENT_A_OWNER,
	IPTO_EVENT_A_REASON,
	IPTO_EVENT_A_DRAIN_CONNS,	/* u32 */
	IPTO_EVENT_A_DRAIN_LEFT_MS,	/* u32 */

	__IPTO_EVENT_A_MAX
};

#define IPTO_EVENT_A_MAX (__IPTO_EVENT_A_MAX - 1)

#define IPTO_NODE_ID_MAX		65535
#define IPTO_NODE_NAME_LEN		32
#define IPTO_NODES_MAX			64
#define IPTO_NODE_ADDRS_MAX		16384
#define IPTO_STANDBY_MAX		16
#define IPTO_SERVICE_NAME_LEN		32
#define IPTO_SERVICES_MAX		1024
#define IPTO_CONN_RESET_MAX		1024

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
