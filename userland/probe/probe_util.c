// SPDX-License-Identifier: GPL-2.0
/*
 * probe_util.c - ipto-probe's pure helpers (see probe_util.h): argument
 * parsing, error names, percentiles, the shown line of a reply, JSON
 * string escaping.
 */
#define _GNU_SOURCE	/* strerrorname_np */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_util.h"

static int parse_port(const char *text, in_port_t *port)
{
	unsigned long value;

	if (probe_parse_uint(text, 1, 65535, &value))
		return -1;
	*port = htons((unsigned short)value);
	return 0;
}

int probe_parse_addr(const char *text, struct probe_addr *addr, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	const char *port_text;
	size_t host_len;
	in_port_t port;

	memset(addr, 0, sizeof(*addr));
	if (strlen(text) >= sizeof(addr->text)) {
		*why = "too long for an address and a port";
		return -1;
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close) {
			*why = "no ']' after the IPv6 address";
			return -1;
		}
		if (close[1] != ':') {
			*why = "no ':PORT' after ']'";
			return -1;
		}
		host_len = (size_t)(close - text - 1);
		port_text = close + 2;
	} else {
		const char *colon = strrchr(text, ':');

		if (!colon) {
			*why = "no ':PORT'";
			return -1;
		}
		if (memchr(text, ':', (size_t)(colon - text))) {
			*why = "an IPv6 address goes in brackets: [ADDR]:PORT";
			return -1;
		}
		host_len = (size_t)(colon - text);
		port_text = colon + 1;
	}
	if (host_len == 0 || host_len >= sizeof(host)) {
		*why = "not a numeric IPv4 or IPv6 address";
		return -1;
	}
	memcpy(host, text[0] == '[' ? text + 1 : text, host_len);
	host[host_len] = '\0';
	if (parse_port(port_text, &port)) {
		*why = "the port is not a number from 1 to 65535";
		return -1;
	}
	if (text[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr->sa;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			*why = "not a numeric IPv6 address";
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		addr->salen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&addr->sa;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			*why = "not a numeric IPv4 address";
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		addr->salen = sizeof(*sin);
	}
	strcpy(addr->text, text);
	return 0;
}

int probe_parse_uint(const char *text, unsigned long min, unsigned long max,
		     unsigned long *value)
{
	unsigned long parsed;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	parsed = strtoul(text, &end, 10);
	if (errno || *end || parsed < min || parsed > max)
		return -1;
	*value = parsed;
	return 0;
}

int probe_unescape(const char *text, char **out, size_t *out_len,
		   char *why, size_t why_size)
{
	size_t len = 0;
	char *s;

	s = malloc(strlen(text) + 1);
	if (!s) {
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	for (const char *p = text; *p; p++) {
		if (*p != '\\') {
			s[len++] = *p;
			continue;
		}
		switch (p[1]) {
		case 'r':
			s[len++] = '\r';
			break;
		case 'n':
			s[len++] = '\n';
			break;
		case 't':
			s[len++] = '\t';
			break;
		case '\\':
			s[len++] = '\\';
			break;
		case '\0':
			snprintf(why, why_size, "a backslash ends it (escapes: \\r \\n \\t \\\\)");
			free(s);
			return -1;
		default:
			snprintf(why, why_size, "unknown escape '\\%c' (escapes: \\r \\n \\t \\\\)", p[1]);
			free(s);
			return -1;
		}
		p++;
	}
	s[len] = '\0';
	*out = s;
	*out_len = len;
	return 0;
}

const char *probe_errno_name(int err, char *buf, size_t size)
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, size, "errno %d", err);
	return buf;
}

bool probe_percentile(const double *sorted, size_t n, double p, double *value)
{
	size_t rank;

	if (n == 0 || !(p > 0.0) || p > 100.0)
		return false;
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	*value = sorted[rank - 1];
	return true;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void probe_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), compare_double);
}

void probe_reply_line(const char *reply, size_t len, char *out)
{
	size_t end = len, start, shown = 0;

	/* skip the line ends and empty lines at the end */
	for (;;) {
		while (end > 0 && (reply[end - 1] == '\n' || reply[end - 1] == '\r'))
			end--;
		if (end == 0) {
			out[0] = '\0';
			return;
		}
		start = end;
		while (start > 0 && reply[start - 1] != '\n')
			start--;
		if (start < end)
			break;
	}
	for (size_t i = start; i < end && shown < PROBE_REPLY_SHOWN; i++) {
		unsigned char c = (unsigned char)reply[i];

		out[shown++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
	}
	out[shown] = '\0';
}

size_t probe_json_escape(char *dst, size_t size, const char *src)
{
	size_t need = 0, copied = 0;
	bool fits = size > 0;

	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		char piece[8];
		size_t n;

		switch (*p) {
		case '"':
			n = (size_t)snprintf(piece, sizeof(piece), "\\\"");
			break;
		case '\\':
			n = (size_t)snprintf(piece, sizeof(piece), "\\\\");
			break;
		case '\n':
			n = (size_t)snprintf(piece, sizeof(piece), "\\n");
			break;
		case '\r':
			n = (size_t)snprintf(piece, sizeof(piece), "\\r");
			break;
		case '\t':
			n = (size_t)snprintf(piece, sizeof(piece), "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				n = (size_t)snprintf(piece, sizeof(piece), "\\u%04x", *p);
			else
				n = (size_t)snprintf(piece, sizeof(piece), "%c", *p);
		}
		if (fits && copied + n < size) {
			memcpy(dst + copied, piece, n);
			copied += n;
		} else {
			fits = false;	/* never half a piece, nor a later one */
		}
		need += n;
	}
	if (size)
		dst[copied] = '\0';
	return need;
}
