/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timeline.h - what ipto-probe reports: every attempt as a text line
 * (successes collapsed into runs) or a JSON line, the outages measured
 * from them, and the summary at the end.
 */
#ifndef IPTO_PROBE_TIMELINE_H
#define IPTO_PROBE_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "probe_util.h"

/* the peer closed the connection before it served (no errno) */
#define PROBE_EOF	(-1)

struct probe_attempt {
	unsigned long request;		/* 1, 2, ... */
	const struct probe_addr *addr;
	int err;			/* 0: served; an errno; PROBE_EOF */
	struct timespec start;		/* CLOCK_MONOTONIC */
	struct timespec end;		/* CLOCK_MONOTONIC */
	struct timespec end_real;	/* CLOCK_REALTIME */
	bool has_reply;
	char reply[PROBE_REPLY_SHOWN + 1];
};

struct probe_values {
	double *v;
	size_t n, cap;
};

struct probe_error_count {
	char name[32];
	unsigned long count;
};

struct timeline {
	FILE *out;
	bool json;
	struct timespec start;		/* the probe's start, CLOCK_MONOTONIC */
	bool has_success;
	struct timespec last_success;	/* end of the last served attempt */
	unsigned long errors_since_success;
	unsigned long requests, served, failed;
	struct probe_error_count *errors;
	size_t n_errors;
	struct probe_values outages;	/* ms */
	struct probe_values latencies;	/* ms, of served attempts */
	/* the run of successes on one address being collapsed (text) */
	const struct probe_addr *run_addr;
	struct probe_values run;
	double run_last_t_ms;
};

void timeline_init(struct timeline *tl, FILE *out, bool json,
		   const struct timespec *start);
/* The header line (text only): addresses, mode, interval, timeout. */
void timeline_header(struct timeline *tl, const struct probe_addr *addrs,
		     size_t n_addrs, const char *mode,
		     unsigned long interval_ms, unsigned long timeout_ms);
void timeline_attempt(struct timeline *tl, const struct probe_attempt *a);
void timeline_request_done(struct timeline *tl, bool served);
/* Ends the current run and prints the summary. */
void timeline_summary(struct timeline *tl);
void timeline_free(struct timeline *tl);

double timespec_ms(const struct timespec *from, const struct timespec *to);

#endif
