/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_util.h - ipto-probe's pure helpers: parsing its arguments
 * (addresses, numbers, escapes), naming errors, nearest-rank percentiles,
 * the printable last line of a reply and JSON string escaping.  No I/O, so
 * the unit tests call them directly.
 */
#ifndef IPTO_PROBE_UTIL_H
#define IPTO_PROBE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* "[ffff:...:ffff]:65535" and a NUL */
#define PROBE_ADDR_TEXT_MAX	56
/* the quoted part of a reply: printable characters kept */
#define PROBE_REPLY_SHOWN	60

struct probe_addr {
	struct sockaddr_storage sa;
	socklen_t salen;
	char text[PROBE_ADDR_TEXT_MAX];	/* as given: 10.0.0.11:80, [fd00::11]:80 */
};

/*
 * probe_parse_addr: a numeric "A.B.C.D:PORT" or "[IPV6]:PORT" (port
 * 1-65535).  0 on success; -1 with a reason in @why (static text).
 */
int probe_parse_addr(const char *text, struct probe_addr *addr, const char **why);

/*
 * probe_parse_uint: a decimal integer in [min, max], nothing else around
 * it.  0 on success, -1 otherwise.
 */
int probe_parse_uint(const char *text, unsigned long min, unsigned long max,
		     unsigned long *value);

/*
 * probe_unescape: @text with the escapes \r \n \t \\ replaced, into a new
 * string (*out, *out_len; free it).  0 on success; -1 with a reason in
 * @why: an unknown escape or a trailing backslash (@why names it, in a
 * buffer of @why_size bytes), or no memory.
 */
int probe_unescape(const char *text, char **out, size_t *out_len,
		   char *why, size_t why_size);

/* The errno name of @err ("ECONNREFUSED"), or "errno N" in @buf. */
const char *probe_errno_name(int err, char *buf, size_t size);

/*
 * probe_percentile: nearest rank: the smallest value of @sorted (ascending,
 * @n values) with at least @p percent (0 < p <= 100) of the values at or
 * below it.  false when there is no value (n == 0).
 */
bool probe_percentile(const double *sorted, size_t n, double p, double *value);

/* probe_sort: @v ascending. */
void probe_sort(double *v, size_t n);

/*
 * probe_reply_line: the last non-empty line of @reply (@len bytes, "\r\n"
 * or "\n" ends a line), at most PROBE_REPLY_SHOWN characters, each
 * non-printable byte shown as '.', into @out (at least
 * PROBE_REPLY_SHOWN + 1 bytes).  Empty when the reply has no such line.
 */
void probe_reply_line(const char *reply, size_t len, char *out);

/*
 * probe_json_escape: @src as the inside of a JSON string (quotes,
 * backslashes and control characters escaped) into @dst of @size bytes.
 * Returns the length the whole escaped text needs (like snprintf): it was
 * truncated when that is >= size.
 */
size_t probe_json_escape(char *dst, size_t size, const char *src);

#endif
