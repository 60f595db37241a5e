/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_util.h - what the selftest C tools (synflood, ipto-nlraw,
 * ipto-hbforge, selftests/fuzz/nlfuzz) share: their exit statuses, the
 * "PROG: message" failure and usage-error exits, the usage exit, strict
 * unsigned number parsing and the splitmix64 generator.
 *
 * Define PROG (the tool's name) before including it, and optionally
 * TOOL_USAGE_HINT: what usage_error() prints after the message's line
 * (for example "Try 'PROG --help'.\n"; default nothing).
 */
#ifndef IPTO_SELFTEST_TOOL_UTIL_H
#define IPTO_SELFTEST_TOOL_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef PROG
#error "define PROG, the tool's name, before including tool_util.h"
#endif

#ifndef TOOL_USAGE_HINT
#define TOOL_USAGE_HINT ""
#endif

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* what failure means: each tool's usage */
	EXIT_USAGE = 2,
};

/* Prints "PROG: " and the message to stderr, then trailer. */
static inline void __attribute__((format(printf, 2, 0)))
tool_vmessage(const char *trailer, const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(trailer, stderr);
}

/* "PROG: MESSAGE" on stderr, exit status EXIT_FAILED. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_vmessage("\n", fmt, ap);
	va_end(ap);
	exit(EXIT_FAILED);
}

/* "PROG: MESSAGE" and TOOL_USAGE_HINT on stderr, exit status EXIT_USAGE. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_vmessage("\n" TOOL_USAGE_HINT, fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

/* Prints the usage to stdout for status EXIT_OK (help), else to stderr; exits. */
static inline void __attribute__((noreturn))
usage_exit(void (*usage)(FILE *out), int status)
{
	usage(status == EXIT_OK ? stdout : stderr);
	exit(status);
}

enum parse_result {
	PARSE_OK,
	PARSE_NOT_A_NUMBER,	/* empty, signed, or not all digits */
	PARSE_OUT_OF_RANGE,
};

/*
 * Parses an unsigned number in base (0: decimal, 0x hex or 0 octal) that
 * must lie in min..max into *out, which is left alone unless PARSE_OK.
 */
static inline enum parse_result parse_number(const char *s, int base,
					     uint64_t min, uint64_t max,
					     uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return PARSE_NOT_A_NUMBER;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end)
		return PARSE_NOT_A_NUMBER;
	if (errno || v < min || v > max)
		return PARSE_OUT_OF_RANGE;
	*out = v;
	return PARSE_OK;
}

/*
 * The value of a number option (base as for parse_number()) in min..max;
 * otherwise a usage error that names what and the bad text.
 */
static inline uint64_t parse_option(const char *text, int base, uint64_t min, uint64_t max,
				    const char *what)
{
	uint64_t v = 0;

	switch (parse_number(text, base, min, max, &v)) {
	case PARSE_OK:
		break;
	case PARSE_NOT_A_NUMBER:
		usage_error("%s: \"%s\" is not a %snumber", what, text,
			    base == 10 ? "decimal " : "");
	case PARSE_OUT_OF_RANGE:
		usage_error("%s: %s is out of range %" PRIu64 "..%" PRIu64, what, text, min, max);
	}
	return v;
}

/* Whether s is a number (decimal, 0x hex or 0 octal) no larger than max. */
static inline bool parse_unsigned(const char *s, uint64_t max, uint64_t *out)
{
	return parse_number(s, 0, 0, max, out) == PARSE_OK;
}

/* splitmix64: small, good enough, the same sequence for the same seed. */
static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define NSEC_PER_SEC 1000000000ULL

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Internet checksum arithmetic (RFC 1071) over a buffer, folded later. */
static inline uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The folded, complemented sum, in network order, for a header's field. */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* The value of one hex digit, or -1. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* IPTO_SELFTEST_TOOL_UTIL_H */
