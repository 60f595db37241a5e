// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_test.c - cmocka unit tests of iptod's Prometheus text format,
 * userland/iptod/metrics.c, compiled here unchanged: the histogram's
 * buckets (bounds inclusive, +Inf), its cumulative rendering with _sum and
 * _count, family headers, label value and HELP escaping, and growth of
 * the text past its first allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"

static void test_buckets(void **state)
{
	struct metrics_hist h = { 0 };

	(void)state;
	metrics_hist_observe_us(&h, 0);		/* le 0.001 */
	metrics_hist_observe_us(&h, 1000);	/* on the bound: le 0.001 */
	metrics_hist_observe_us(&h, 1001);	/* le 0.0025 */
	metrics_hist_observe_us(&h, 2500000);	/* le 2.5 */
	metrics_hist_observe_us(&h, 30000001);	/* +Inf */
	assert_int_equal(h.bucket[0], 2);
	assert_int_equal(h.bucket[1], 1);
	assert_int_equal(h.bucket[10], 1);
	assert_true(metrics_bucket_le[10] == 2.5);
	assert_int_equal(h.bucket[METRICS_NBUCKETS], 1);
	assert_int_equal(h.count, 5);
	assert_int_equal(h.sum_us, 0 + 1000 + 1001 + 2500000 + 30000001);
}

static void test_histogram_text(void **state)
{
	struct metrics_hist h = { 0 };
	struct metrics_text t = { 0 };
	const struct metrics_label dev[] = { { "device", "ipto0" } };

	(void)state;
	metrics_hist_observe_us(&h, 4000);
	metrics_hist_observe_us(&h, 1200000);
	metrics_family(&t, "x_seconds", "histogram", "A test.");
	metrics_histogram(&t, "x_seconds", dev, 1, &h);
	assert_false(t.oom);
	assert_string_equal(t.buf,
		"# HELP x_seconds A test.\n"
		"# TYPE x_seconds histogram\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.001\"} 0\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.0025\"} 0\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.005\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.01\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.025\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.05\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.1\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.25\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"0.5\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"1\"} 1\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"2.5\"} 2\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"5\"} 2\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"10\"} 2\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"30\"} 2\n"
		"x_seconds_bucket{device=\"ipto0\",le=\"+Inf\"} 2\n"
		"x_seconds_sum{device=\"ipto0\"} 1.204000\n"
		"x_seconds_count{device=\"ipto0\"} 2\n");
	metrics_text_free(&t);
	assert_null(t.buf);
}

static void test_escaping(void **state)
{
	struct metrics_text t = { 0 };

	(void)state;
	metrics_family(&t, "a_total", "counter", "back\\slash, \"quote\"\nline");
	metrics_u64(&t, "a_total", (const struct metrics_label[]){
			{ "peer", "a\"b\\c\nd" }, { "reason", "ok" } }, 2, 18446744073709551615ULL);
	metrics_double(&t, "b", NULL, 0, 0.25);
	assert_string_equal(t.buf,
		"# HELP a_total back\\\\slash, \"quote\"\\nline\n"
		"# TYPE a_total counter\n"
		"a_total{peer=\"a\\\"b\\\\c\\nd\",reason=\"ok\"} 18446744073709551615\n"
		"b 0.25\n");
	metrics_text_free(&t);
}

/* Far more than the first allocation: every sample is kept, in order. */
static void test_growth(void **state)
{
	struct metrics_text t = { 0 };
	char want[64], *line;
	unsigned int i;

	(void)state;
	for (i = 0; i < 20000; i++)
		metrics_u64(&t, "n", (const struct metrics_label[]){ { "i", "x" } }, 1, i);
	assert_false(t.oom);
	assert_int_equal(strlen(t.buf), t.len);
	line = t.buf;
	for (i = 0; i < 20000; i++) {
		int n = snprintf(want, sizeof(want), "n{i=\"x\"} %u\n", i);

		assert_memory_equal(line, want, (size_t)n);
		line += n;
	}
	assert_int_equal(*line, '\0');
	metrics_text_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_histogram_text),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
