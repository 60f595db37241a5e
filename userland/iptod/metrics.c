// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the Prometheus text exposition format as iptod writes it
 * (metrics.h): families, samples, label value escaping (backslash, double
 * quote and line feed, as the format requires) and histograms.
 */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * From 1 ms (a takeover inside one main loop round) to 30 s (a client that
 * sends again only after its SYN retries, 1 s, 3 s, 7 s, 15 s).
 */
const double metrics_bucket_le[METRICS_NBUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
};

void metrics_hist_observe_us(struct metrics_hist *h, uint64_t us)
{
	double s = (double)us / 1e6;
	unsigned int i = 0;

	while (i < METRICS_NBUCKETS && s > metrics_bucket_le[i])
		i++;
	h->bucket[i]++;
	h->count++;
	h->sum_us += us;
}

void metrics_text_free(struct metrics_text *t)
{
	free(t->buf);
	*t = (struct metrics_text){ 0 };
}

static bool reserve(struct metrics_text *t, size_t more)
{
	size_t cap = t->cap ? t->cap : 4096;
	char *buf;

	if (t->oom)
		return false;
	if (t->len + more < t->cap)
		return true;
	while (cap <= t->len + more)
		cap *= 2;
	buf = realloc(t->buf, cap);
	if (!buf) {
		t->oom = true;
		return false;
	}
	t->buf = buf;
	t->cap = cap;
	return true;
}

static void put(struct metrics_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(t, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void put_raw(struct metrics_text *t, const char *s, size_t n)
{
	if (!reserve(t, n + 1))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

/* HELP text escapes backslash and line feed; label values also '"'. */
static void put_escaped(struct metrics_text *t, const char *s, bool quote)
{
	const char *special = quote ? "\\\n\"" : "\\\n";

	while (*s) {
		size_t plain = strcspn(s, special);

		put_raw(t, s, plain);
		s += plain;
		if (!*s)
			break;
		put_raw(t, *s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\", 2);
		s++;
	}
}

void metrics_family(struct metrics_text *t, const char *name, const char *type,
		    const char *help)
{
	put(t, "# HELP %s ", name);
	put_escaped(t, help, false);
	put(t, "\n# TYPE %s %s\n", name, type);
}

static void put_labels(struct metrics_text *t, const struct metrics_label *labels,
		       unsigned int n, const char *le)
{
	if (!n && !le)
		return;
	put(t, "{");
	for (unsigned int i = 0; i < n; i++) {
		put(t, "%s%s=\"", i ? "," : "", labels[i].name);
		put_escaped(t, labels[i].value, true);
		put(t, "\"");
	}
	if (le)
		put(t, "%sle=\"%s\"", n ? "," : "", le);
	put(t, "}");
}

void metrics_u64(struct metrics_text *t, const char *name, const struct metrics_label *labels,
		 unsigned int nlabels, uint64_t value)
{
	put(t, "%s", name);
	put_labels(t, labels, nlabels, NULL);
	put(t, " %llu\n", (unsigned long long)value);
}

void metrics_double(struct metrics_text *t, const char *name,
		    const struct metrics_label *labels, unsigned int nlabels, double value)
{
	put(t, "%s", name);
	put_labels(t, labels, nlabels, NULL);
	put(t, " %.15g\n", value);	/* 0.664, not 0.66400000000000003 */
}

void metrics_histogram(struct metrics_text *t, const char *name,
		       const struct metrics_label *labels, unsigned int nlabels,
		       const struct metrics_hist *h)
{
	uint64_t cumulative = 0;
	char le[32];

	for (unsigned int i = 0; i <= METRICS_NBUCKETS; i++) {
		cumulative += h->bucket[i];
		if (i < METRICS_NBUCKETS)
			snprintf(le, sizeof(le), "%g", metrics_bucket_le[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		put(t, "%s_bucket", name);
		put_labels(t, labels, nlabels, le);
		put(t, " %llu\n", (unsigned long long)cumulative);
	}
	put(t, "%s_sum", name);
	put_labels(t, labels, nlabels, NULL);
	put(t, " %llu.%06llu\n", (unsigned long long)(h->sum_us / 1000000),
	    (unsigned long long)(h->sum_us % 1000000));
	put(t, "%s_count", name);
	put_labels(t, labels, nlabels, NULL);
	put(t, " %llu\n", (unsigned long long)h->count);
}
