/* SPDX-License-Identifier: GPL-2.0 */
/*
 * notify.h - the operator's notify hook: an executable iptod runs on every
 * event with the event's details in its environment (IPTO_EVENT,
 * IPTO_DEVICE, IPTO_NODE, ...).  iptod never waits for it: the hook runs in
 * the background, its failure is logged with its cause when it ends, and
 * one that runs longer than IPTOD_HOOK_TIMEOUT_MS is killed.  Failures are
 * logged at most once per IPTOD_HOOK_LOG_MS; the next logged one says how
 * many were not (a hook that fails on every event of a burst cannot flood
 * the journal).
 */
#ifndef IPTOD_NOTIFY_H
#define IPTOD_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define IPTOD_HOOKS_MAX		16	/* running at once; more are skipped */
#define IPTOD_HOOK_TIMEOUT_MS	30000
#define IPTOD_HOOK_LOG_MS	1000

struct iptod_run_as;

/*
 * Starts hook (an absolute path; "" does nothing) with fields, a
 * NULL-terminated list of "KEY=value", in its environment as
 * IPTO_KEY=value, next to a fixed PATH; as run_as (NULL or no name:
 * iptod's own user).
 */
void iptod_notify(const char *hook, const struct iptod_run_as *run_as,
		  const char *const *fields, uint64_t now_ms);

/* A child ended: if it was a hook, logs how and returns true. */
bool iptod_notify_reaped(pid_t pid, int status, uint64_t now_ms);

/* Kills hooks that have run too long. */
void iptod_notify_expire(uint64_t now_ms);

/* Hooks started and failed (ended other than with status 0) so far. */
void iptod_notify_counts(unsigned long *started, unsigned long *failed);

#endif /* IPTOD_NOTIFY_H */
