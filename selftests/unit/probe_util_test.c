// SPDX-License-Identifier: GPL-2.0
/*
 * probe_util_test.c - cmocka unit tests of ipto-probe's pure helpers,
 * userland/probe/probe_util.c, compiled here unchanged: address parsing
 * (good IPv4/IPv6 forms and each kind of bad one), numbers, the request
 * escapes, errno names, nearest-rank percentiles, the shown line of a
 * reply and JSON string escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "probe_util.h"

static void test_addr_ipv4(void **state)
{
	struct probe_addr addr;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&addr.sa;
	const char *why = NULL;

	(void)state;
	assert_int_equal(probe_parse_addr("10.0.0.11:8080", &addr, &why), 0);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 8080);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x0a00000b);
	assert_int_equal(addr.salen, sizeof(struct sockaddr_in));
	assert_string_equal(addr.text, "10.0.0.11:8080");
	assert_int_equal(probe_parse_addr("1.2.3.4:65535", &addr, &why), 0);
	assert_int_equal(ntohs(sin->sin_port), 65535);
}

static void test_addr_ipv6(void **state)
{
	struct probe_addr addr;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&addr.sa;
	struct in6_addr expect;
	const char *why = NULL;

	(void)state;
	assert_int_equal(probe_parse_addr("[fd00::11]:7000", &addr, &why), 0);
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 7000);
	assert_int_equal(inet_pton(AF_INET6, "fd00::11", &expect), 1);
	assert_memory_equal(&sin6->sin6_addr, &expect, sizeof(expect));
	assert_int_equal(addr.salen, sizeof(struct sockaddr_in6));
	assert_string_equal(addr.text, "[fd00::11]:7000");
	assert_int_equal(probe_parse_addr(
		"[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", &addr, &why), 0);
}

struct bad_addr {
	const char *text;
	const char *why;	/* a part of the reason */
};

static void test_addr_bad(void **state)
{
	static const struct bad_addr cases[] = {
		{ "10.0.0.11", "no ':PORT'" },
		{ "10.0.0.11:", "port" },
		{ "10.0.0.11:0", "port" },
		{ "10.0.0.11:65536", "port" },
		{ "10.0.0.11:80x", "port" },
		{ "10.0.0.11:-1", "port" },
		{ "10.0.0.11: 80", "port" },
		{ ":80", "numeric" },
		{ "node1:80", "numeric IPv4" },
		{ "10.0.0.256:80", "numeric IPv4" },
		{ "fd00::11:80", "brackets" },
		{ "[fd00::11]80", "':PORT'" },
		{ "[fd00::11:80", "']'" },
		{ "[10.0.0.1]:80", "numeric IPv6" },
		{ "[]:80", "numeric" },
		{ "[fd00::11]:", "port" },
		{ "", "no ':PORT'" },
		{ "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:80", "too long" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct probe_addr addr;
		const char *why = NULL;

		if (probe_parse_addr(cases[i].text, &addr, &why) == 0)
			fail_msg("'%s' accepted", cases[i].text);
		assert_non_null(why);
		if (!strstr(why, cases[i].why))
			fail_msg("'%s': reason '%s' does not say '%s'", cases[i].text,
				 why, cases[i].why);
	}
}

static void test_uint(void **state)
{
	unsigned long v = 0;

	(void)state;
	assert_int_equal(probe_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(probe_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(probe_parse_uint("11", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint("0", 1, 10, &v), -1);
	assert_int_equal(probe_parse_uint("", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint("-1", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint("+1", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint(" 1", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint("1ms", 0, 10, &v), -1);
	assert_int_equal(probe_parse_uint("99999999999999999999999", 0, 10, &v), -1);
	assert_int_equal(v, 10);	/* untouched on errors */
}

static void test_unescape(void **state)
{
	char why[128], *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(probe_unescape("GET / HTTP/1.0\\r\\n\\r\\n", &out, &len,
					 why, sizeof(why)), 0);
	assert_int_equal(len, 18);
	assert_string_equal(out, "GET / HTTP/1.0\r\n\r\n");
	free(out);
	assert_int_equal(probe_unescape("a\\tb\\\\n", &out, &len, why, sizeof(why)), 0);
	assert_int_equal(len, 5);
	assert_string_equal(out, "a\tb\\n");
	free(out);
	assert_int_equal(probe_unescape("", &out, &len, why, sizeof(why)), 0);
	assert_int_equal(len, 0);
	free(out);
	out = NULL;
	assert_int_equal(probe_unescape("x\\q", &out, &len, why, sizeof(why)), -1);
	assert_null(out);
	assert_non_null(strstr(why, "'\\q'"));
	assert_int_equal(probe_unescape("x\\", &out, &len, why, sizeof(why)), -1);
	assert_null(out);
	assert_non_null(strstr(why, "backslash ends it"));
}

static void test_errno_name(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(probe_errno_name(ECONNREFUSED, buf, sizeof(buf)), "ECONNREFUSED");
	assert_string_equal(probe_errno_name(ECONNRESET, buf, sizeof(buf)), "ECONNRESET");
	assert_string_equal(probe_errno_name(ETIMEDOUT, buf, sizeof(buf)), "ETIMEDOUT");
	assert_string_equal(probe_errno_name(EHOSTUNREACH, buf, sizeof(buf)), "EHOSTUNREACH");
	assert_string_equal(probe_errno_name(99999, buf, sizeof(buf)), "errno 99999");
}

static void test_percentile(void **state)
{
	static const double ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	double hundred[100], one = 42.0, v = -1.0;

	(void)state;
	assert_false(probe_percentile(ten, 0, 50.0, &v));
	assert_true(v == -1.0);
	assert_false(probe_percentile(ten, 10, 0.0, &v));
	assert_false(probe_percentile(ten, 10, 100.5, &v));
	/* nearest rank: ceil(p/100 * n) */
	assert_true(probe_percentile(ten, 10, 50.0, &v) && v == 5.0);
	assert_true(probe_percentile(ten, 10, 90.0, &v) && v == 9.0);
	assert_true(probe_percentile(ten, 10, 99.0, &v) && v == 10.0);
	assert_true(probe_percentile(ten, 10, 100.0, &v) && v == 10.0);
	assert_true(probe_percentile(ten, 10, 1.0, &v) && v == 1.0);
	assert_true(probe_percentile(ten, 10, 51.0, &v) && v == 6.0);
	assert_true(probe_percentile(&one, 1, 50.0, &v) && v == 42.0);
	for (int i = 0; i < 100; i++)
		hundred[i] = 100 - i;
	probe_sort(hundred, 100);
	assert_true(hundred[0] == 1.0 && hundred[99] == 100.0);
	assert_true(probe_percentile(hundred, 100, 99.0, &v) && v == 99.0);
	assert_true(probe_percentile(hundred, 100, 90.0, &v) && v == 90.0);
}

static void test_reply_line(void **state)
{
	char out[PROBE_REPLY_SHOWN + 1], long_line[200];

	(void)state;
	probe_reply_line("node1\n", 6, out);
	assert_string_equal(out, "node1");
	probe_reply_line("HTTP/1.0 200 OK\r\n\r\nserved by node2\r\n\r\n", 38, out);
	assert_string_equal(out, "served by node2");
	probe_reply_line("no newline", 10, out);
	assert_string_equal(out, "no newline");
	probe_reply_line("\n\r\n\n", 4, out);
	assert_string_equal(out, "");
	probe_reply_line("", 0, out);
	assert_string_equal(out, "");
	probe_reply_line("a\x01\tb\xff\n", 6, out);
	assert_string_equal(out, "a..b.");
	probe_reply_line("x\0y\n", 4, out);	/* a NUL is shown, not an end */
	assert_string_equal(out, "x.y");
	memset(long_line, 'z', sizeof(long_line));
	probe_reply_line(long_line, sizeof(long_line), out);
	assert_int_equal(strlen(out), PROBE_REPLY_SHOWN);
}

static void test_json_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(probe_json_escape(out, sizeof(out), "plain"), 5);
	assert_string_equal(out, "plain");
	probe_json_escape(out, sizeof(out), "a\"b\\c\nd\re\tf\x01g\x7f");
	assert_string_equal(out, "a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f");
	/* truncated: the needed length, never half an escape */
	assert_int_equal(probe_json_escape(out, 4, "ab\"c"), 5);
	assert_string_equal(out, "ab");
	assert_int_equal(probe_json_escape(NULL, 0, "\n"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_ipv4),
		cmocka_unit_test(test_addr_ipv6),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_errno_name),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_reply_line),
		cmocka_unit_test(test_json_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
