// SPDX-License-Identifier: GPL-2.0
/*
 * timeline.c - ipto-probe's report: each attempt as it ends (text with
 * runs of successes collapsed, or one JSON object per line), the outage
 * bookkeeping (since_success_ms, outage_ms) and the summary: counts,
 * errors per name, outages and served latencies with percentiles.
 */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

static const double summary_percentiles[] = { 50.0, 90.0, 99.0 };
static const char *const summary_percentile_names[] = { "p50", "p90", "p99" };
#define N_PERCENTILES (sizeof(summary_percentiles) / sizeof(summary_percentiles[0]))

double timespec_ms(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) * 1e3 +
	       (double)(to->tv_nsec - from->tv_nsec) / 1e6;
}

static void out_of_memory(void)
{
	fprintf(stderr, "ipto-probe: out of memory\n");
	exit(1);
}

static void values_add(struct probe_values *vals, double value)
{
	if (vals->n == vals->cap) {
		size_t cap = vals->cap ? vals->cap * 2 : 64;
		double *v = realloc(vals->v, cap * sizeof(*v));

		if (!v)
			out_of_memory();
		vals->v = v;
		vals->cap = cap;
	}
	vals->v[vals->n++] = value;
}

/* the values sorted, in a copy (the caller frees it) */
static double *values_sorted(const struct probe_values *vals)
{
	double *copy = malloc((vals->n ? vals->n : 1) * sizeof(*copy));

	if (!copy)
		out_of_memory();
	if (vals->n)
		memcpy(copy, vals->v, vals->n * sizeof(*copy));
	probe_sort(copy, vals->n);
	return copy;
}

static void count_error(struct timeline *tl, const char *name)
{
	struct probe_error_count *e;

	for (size_t i = 0; i < tl->n_errors; i++) {
		if (!strcmp(tl->errors[i].name, name)) {
			tl->errors[i].count++;
			return;
		}
	}
	e = realloc(tl->errors, (tl->n_errors + 1) * sizeof(*e));
	if (!e)
		out_of_memory();
	tl->errors = e;
	e = &tl->errors[tl->n_errors++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->count = 1;
}

static const char *error_name(int err, char *buf, size_t size)
{
	if (err == PROBE_EOF)
		return "EOF";
	return probe_errno_name(err, buf, size);
}

void timeline_init(struct timeline *tl, FILE *out, bool json,
		   const struct timespec *start)
{
	memset(tl, 0, sizeof(*tl));
	tl->out = out;
	tl->json = json;
	tl->start = *start;
}

void timeline_header(struct timeline *tl, const struct probe_addr *addrs,
		     size_t n_addrs, const char *mode,
		     unsigned long interval_ms, unsigned long timeout_ms)
{
	if (tl->json)
		return;
	fprintf(tl->out, "ipto-probe:");
	for (size_t i = 0; i < n_addrs; i++)
		fprintf(tl->out, " %s", addrs[i].text);
	fprintf(tl->out, "; %s, interval %lu ms, timeout %lu ms\n",
		mode, interval_ms, timeout_ms);
	fprintf(tl->out, "%9s  %-18s %s\n", "t_ms", "address", "event");
	fflush(tl->out);
}

/* The collapsed run ends: its count and median, when it had more than one. */
static void run_end(struct timeline *tl)
{
	if (tl->run_addr && tl->run.n > 1) {
		double *sorted = values_sorted(&tl->run), median = 0.0;

		probe_percentile(sorted, tl->run.n, 50.0, &median);
		fprintf(tl->out, "%9.3f  %-18s ... served %zu times, median %.1f ms\n",
			tl->run_last_t_ms, tl->run_addr->text, tl->run.n, median);
		free(sorted);
	}
	tl->run_addr = NULL;
	tl->run.n = 0;
}

static void print_json_attempt(struct timeline *tl, const struct probe_attempt *a,
			       const char *err_name, double t_ms, double ms,
			       bool has_since, double since_ms,
			       bool ends_outage, double outage_ms)
{
	char addr[2 * PROBE_ADDR_TEXT_MAX], reply[6 * PROBE_REPLY_SHOWN + 1];
	FILE *out = tl->out;

	probe_json_escape(addr, sizeof(addr), a->addr->text);
	fprintf(out, "{\"t_ms\":%.3f,\"time\":%lld.%06ld,\"request\":%lu,\"addr\":\"%s\"",
		t_ms, (long long)a->end_real.tv_sec, a->end_real.tv_nsec / 1000,
		a->request, addr);
	if (a->err == 0) {
		fprintf(out, ",\"result\":\"served\"");
	} else {
		fprintf(out, ",\"result\":\"error\"");
		if (a->err == PROBE_EOF)
			fprintf(out, ",\"errno\":null");
		else
			fprintf(out, ",\"errno\":%d", a->err);
		fprintf(out, ",\"error\":\"%s\"", err_name);
	}
	fprintf(out, ",\"ms\":%.3f", ms);
	if (has_since)
		fprintf(out, ",\"since_success_ms\":%.3f", since_ms);
	else
		fprintf(out, ",\"since_success_ms\":null");
	if (ends_outage)
		fprintf(out, ",\"outage_ms\":%.3f", outage_ms);
	if (a->has_reply) {
		probe_json_escape(reply, sizeof(reply), a->reply);
		fprintf(out, ",\"reply\":\"%s\"", reply);
	}
	fprintf(out, "}\n");
	fflush(out);
}

static void print_text_attempt(struct timeline *tl, const struct probe_attempt *a,
			       const char *err_name, double t_ms, double ms,
			       bool has_since, double since_ms,
			       bool ends_outage, double outage_ms)
{
	FILE *out = tl->out;

	if (a->err == 0) {
		if (tl->run_addr == a->addr) {
			values_add(&tl->run, ms);
			tl->run_last_t_ms = t_ms;
			return;
		}
		run_end(tl);
		tl->run_addr = a->addr;
		values_add(&tl->run, ms);
		tl->run_last_t_ms = t_ms;
		fprintf(out, "%9.3f  %-18s served in %.1f ms", t_ms, a->addr->text, ms);
		if (a->has_reply)
			fprintf(out, " \"%s\"", a->reply);
		if (ends_outage)
			fprintf(out, "; outage %.1f ms", outage_ms);
		fprintf(out, "\n");
	} else {
		run_end(tl);
		fprintf(out, "%9.3f  %-18s %s", t_ms, a->addr->text, err_name);
		if (a->err == PROBE_EOF)
			fprintf(out, " (peer closed)");
		else
			fprintf(out, " (errno %d)", a->err);
		fprintf(out, " after %.1f ms, ", ms);
		if (has_since)
			fprintf(out, "%.1f ms since the last success\n", since_ms);
		else
			fprintf(out, "no success yet\n");
	}
	fflush(out);
}

void timeline_attempt(struct timeline *tl, const struct probe_attempt *a)
{
	double t_ms = timespec_ms(&tl->start, &a->end);
	double ms = timespec_ms(&a->start, &a->end);
	double since_ms = 0.0, outage_ms = 0.0;
	bool has_since = tl->has_success, ends_outage = false;
	const char *err_name = NULL;
	char buf[32];

	if (has_since)
		since_ms = timespec_ms(&tl->last_success, &a->end);
	if (a->err == 0) {
		if (tl->errors_since_success) {
			ends_outage = true;
			outage_ms = has_since ? since_ms : t_ms;
			values_add(&tl->outages, outage_ms);
		}
		values_add(&tl->latencies, ms);
		tl->errors_since_success = 0;
	} else {
		err_name = error_name(a->err, buf, sizeof(buf));
		count_error(tl, err_name);
		tl->errors_since_success++;
	}
	if (tl->json)
		print_json_attempt(tl, a, err_name, t_ms, ms, has_since, since_ms,
				   ends_outage, outage_ms);
	else
		print_text_attempt(tl, a, err_name, t_ms, ms, has_since, since_ms,
				   ends_outage, outage_ms);
	if (a->err == 0) {
		tl->has_success = true;
		tl->last_success = a->end;
	}
}

void timeline_request_done(struct timeline *tl, bool served)
{
	tl->requests++;
	if (served)
		tl->served++;
	else
		tl->failed++;
}

/* "p50 X, p90 X, p99 X, max X" (text) or the four JSON members */
static void print_stats(struct timeline *tl, const struct probe_values *vals,
			const char *json_prefix)
{
	double *sorted = values_sorted(vals), value;

	for (size_t i = 0; i <= N_PERCENTILES; i++) {
		bool has = i < N_PERCENTILES ?
			probe_percentile(sorted, vals->n, summary_percentiles[i], &value) :
			probe_percentile(sorted, vals->n, 100.0, &value);
		const char *name = i < N_PERCENTILES ? summary_percentile_names[i] : "max";

		if (tl->json) {
			fprintf(tl->out, ",\"%s_%s_ms\":", json_prefix, name);
			if (has)
				fprintf(tl->out, "%.3f", value);
			else
				fprintf(tl->out, "null");
		} else if (has) {
			fprintf(tl->out, "%s%s %.1f", i ? ", " : "", name, value);
		}
	}
	if (!tl->json)
		fprintf(tl->out, vals->n ? " ms\n" : "none\n");
	free(sorted);
}

static void summary_json(struct timeline *tl)
{
	FILE *out = tl->out;

	fprintf(out, "{\"summary\":{\"requests\":%lu,\"served\":%lu,\"failed\":%lu,\"errors\":{",
		tl->requests, tl->served, tl->failed);
	for (size_t i = 0; i < tl->n_errors; i++)
		fprintf(out, "%s\"%s\":%lu", i ? "," : "", tl->errors[i].name,
			tl->errors[i].count);
	fprintf(out, "},\"outages_ms\":[");
	for (size_t i = 0; i < tl->outages.n; i++)
		fprintf(out, "%s%.3f", i ? "," : "", tl->outages.v[i]);
	fprintf(out, "]");
	print_stats(tl, &tl->outages, "outage");
	print_stats(tl, &tl->latencies, "latency");
	fprintf(out, "}}\n");
}

static void summary_text(struct timeline *tl)
{
	FILE *out = tl->out;

	fprintf(out, "--- summary\n");
	fprintf(out, "requests %lu, served %lu, failed %lu\n",
		tl->requests, tl->served, tl->failed);
	fprintf(out, "errors:");
	for (size_t i = 0; i < tl->n_errors; i++)
		fprintf(out, "%s %s %lu", i ? "," : "", tl->errors[i].name,
			tl->errors[i].count);
	fprintf(out, "%s\n", tl->n_errors ? "" : " none");
	fprintf(out, "outages: %zu", tl->outages.n);
	for (size_t i = 0; i < tl->outages.n; i++)
		fprintf(out, "%s%.1f", i ? ", " : " (", tl->outages.v[i]);
	if (tl->outages.n) {
		fprintf(out, " ms); ");
		print_stats(tl, &tl->outages, NULL);
	} else {
		fprintf(out, "\n");
	}
	fprintf(out, "latency of served attempts: ");
	print_stats(tl, &tl->latencies, NULL);
}

void timeline_summary(struct timeline *tl)
{
	if (tl->json) {
		summary_json(tl);
	} else {
		run_end(tl);
		summary_text(tl);
	}
	fflush(tl->out);
}

void timeline_free(struct timeline *tl)
{
	free(tl->errors);
	free(tl->outages.v);
	free(tl->latencies.v);
	free(tl->run.v);
}
