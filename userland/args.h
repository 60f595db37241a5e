/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args: the command line grammar shared by the iptoctl commands: "KEYWORD
 * VALUE" pairs, and the values: device names, numbers, addresses, ports and
 * words.  Every parser says what is wrong itself (prefixed with the command,
 * e.g. "adopt") and returns EXIT_USAGE; EXIT_OK when all is well.
 */
#ifndef IPTOCTL_ARGS_H
#define IPTOCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One keyword a command takes, with the value after it. */
struct keyword {
	const char *name;	/* "dev" */
	const char *needs;	/* its value, for "'dev' needs a device name" */
	bool required;
	const char *value;	/* set by parse_keywords(): NULL if not given */
};

/*
 * Fills in kws[0..n) from argv[0..argc): each keyword at most once, each
 * with a non-empty value; unknown keywords and missing required ones are
 * usage errors.
 */
int parse_keywords(const char *cmd, int argc, char **argv,
		   struct keyword *kws, size_t n);

/* A device name: shorter than IFNAMSIZ. */
int parse_ifname(const char *cmd, const char *value);

/* An unsigned decimal number that fits 32 bits; kw names it in messages. */
int parse_u32(const char *cmd, const char *kw, const char *value,
	      uint32_t *out);

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

/* reject, drop or serve (enum ipto_action). */
int parse_action(const char *cmd, const char *kw, const char *value,
		 uint8_t *action);

/* tcp or udp, as IPPROTO_TCP or IPPROTO_UDP. */
int parse_proto(const char *cmd, const char *value, uint8_t *proto);

/* on (1) or off (0). */
int parse_on_off(const char *cmd, const char *kw, const char *value,
		 uint8_t *on);

#endif /* IPTOCTL_ARGS_H */
