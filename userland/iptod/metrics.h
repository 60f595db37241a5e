/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the Prometheus text exposition format (version 0.0.4) as
 * iptod writes it: a growing text buffer, metric families with their
 * # HELP and # TYPE lines, samples with escaped label values, and a
 * latency histogram with fixed buckets in seconds.  Nothing here knows
 * iptod; metrics_file.c gathers what iptod reports.
 */
#ifndef IPTOD_METRICS_H
#define IPTOD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bounds of the histogram buckets, in seconds; +Inf follows. */
#define METRICS_NBUCKETS	14
extern const double metrics_bucket_le[METRICS_NBUCKETS];

/* A histogram of durations: per-bucket counts (not cumulative), sum, count. */
struct metrics_hist {
	uint64_t bucket[METRICS_NBUCKETS + 1];	/* the last: above every bound */
	uint64_t count;
	uint64_t sum_us;
};

/* Counts one duration, in microseconds. */
void metrics_hist_observe_us(struct metrics_hist *h, uint64_t us);

/* The text being built; on allocation failure it stops growing (oom). */
struct metrics_text {
	char *buf;
	size_t len, cap;
	bool oom;
};

struct metrics_label {
	const char *name;		/* [a-zA-Z_][a-zA-Z0-9_]*, not __-prefixed */
	const char *value;		/* any UTF-8; escaped when written */
};

void metrics_text_free(struct metrics_text *t);

/* The family's "# HELP" and "# TYPE" lines; type: counter, gauge, histogram. */
void metrics_family(struct metrics_text *t, const char *name, const char *type,
		    const char *help);

/* One sample: name{labels...} value. */
void metrics_u64(struct metrics_text *t, const char *name, const struct metrics_label *labels,
		 unsigned int nlabels, uint64_t value);
void metrics_double(struct metrics_text *t, const char *name,
		    const struct metrics_label *labels, unsigned int nlabels, double value);

/*
 * A histogram's samples: name_bucket{labels...,le="..."} (cumulative, +Inf
 * last), name_sum (seconds) and name_count.
 */
void metrics_histogram(struct metrics_text *t, const char *name,
		       const struct metrics_label *labels, unsigned int nlabels,
		       const struct metrics_hist *h);

#endif /* IPTOD_METRICS_H */
