/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args: the command line grammar shared by the iptoctl commands: "KEYWORD
 * VALUE" pairs and lone flag keywords, and the values: device names, names,
 * numbers, addresses and lists of them, ports, node lists and words.  Every
 * parser says what is wrong itself (prefixed with the command, e.g. "adopt")
 * and returns EXIT_USAGE; EXIT_OK when all is well.
 */
#ifndef IPTOCTL_ARGS_H
#define IPTOCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ipto.h>

/* One keyword a command takes, with the value after it. */
struct keyword {
	const char *name;	/* "dev"; NULL: not taken by this command */
	const char *needs;	/* its value, for "'dev' needs a device name" */
	bool required;
	bool flag;		/* a keyword alone, without a value ("self") */
	const char *value;	/* set by parse_keywords(): NULL if not given,
				 * the keyword's name for a flag given */
};

/*
 * Fills in kws[0..n) from argv[0..argc): each keyword at most once, each
 * but a flag with a non-empty value; unknown keywords and missing required
 * ones are usage errors.
 */
int parse_keywords(const char *cmd, int argc, char **argv,
		   struct keyword *kws, size_t n);

/* A device name: shorter than IFNAMSIZ. */
int parse_ifname(const char *cmd, const char *value);

/* A name shorter than size (IPTO_SERVICE_NAME_LEN, ...); kw names it. */
int parse_name(const char *cmd, const char *kw, const char *value, size_t size);

/* An unsigned decimal number that fits 32 bits; kw names it in messages. */
int parse_u32(const char *cmd, const char *kw, const char *value,
	      uint32_t *out);

/* Whether text, the whole of it, is a port 1-65535; says nothing. */
bool port_from_text(const char *text, uint16_t *port);

/* "P" or "P-Q", each 1-65535; *max is P when there is no Q. */
int parse_port_range(const char *cmd, const char *value, uint16_t *min,
		     uint16_t *max, bool *has_max);

/* An IPv4 or IPv6 address as ip(8) writes it, optionally with "/LEN". */
struct cli_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* network order: 4 or 16 of them */
	bool has_prefixlen;
	uint8_t prefixlen;		/* 0-128, as given */
};

int parse_address(const char *cmd, const char *value, struct cli_addr *addr);

/*
 * "A[,A...]": at most max addresses, without "/LEN", into *addrs, which is
 * allocated (free() it, also after a failure) and holds *n of them.  Out of
 * memory, says so and returns EXIT_FAILED.
 */
int parse_address_list(const char *cmd, const char *kw, const char *value,
		       size_t max, struct cli_addr **addrs, size_t *n);

/* A standby list: node ids in order, host byte order. */
struct cli_standby {
	uint32_t ids[IPTO_STANDBY_MAX];
	size_t n;
};

/* "N[,N...]", at most IPTO_STANDBY_MAX of them, or "none" (an empty list). */
int parse_standby(const char *cmd, const char *value, struct cli_standby *out);

/* reject, drop or serve (enum ipto_action). */
int parse_action(const char *cmd, const char *kw, const char *value,
		 uint8_t *action);

/* tcp or udp, as IPPROTO_TCP or IPPROTO_UDP. */
int parse_proto(const char *cmd, const char *value, uint8_t *proto);

/* on (1) or off (0). */
int parse_on_off(const char *cmd, const char *kw, const char *value,
		 uint8_t *on);

/* up or down (enum ipto_node_state). */
int parse_node_state(const char *cmd, const char *value, uint8_t *state);

/* auto or manual (enum ipto_failback). */
int parse_failback(const char *cmd, const char *kw, const char *value,
		   uint8_t *failback);

#endif /* IPTOCTL_ARGS_H */
