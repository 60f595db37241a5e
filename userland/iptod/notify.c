// SPDX-License-Identifier: GPL-2.0
/*
 * notify.c - the notify hook: started in the background, tracked while it
 * runs, reaped from the main loop's SIGCHLD, killed after a timeout.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "notify.h"
#include "spawn.h"

#define HOOK_ENV_MAX	20
#define HOOK_ENV_LEN	256

/*
 * kill_after_ms is a deadline, not a start time: the main loop reads the
 * clock once per wakeup, so a tick can pass a time earlier than the start
 * of a hook spawned during that wakeup, and "now - started" would wrap.
 */
struct hook_run {
	pid_t pid;
	uint64_t kill_after_ms;
	char event[32];
};

static struct hook_run hooks[IPTOD_HOOKS_MAX];
static unsigned long hooks_started, hooks_failed;
static struct iptod_log_limit failure_log;

/* A failure of the hook, logged unless one was in the last IPTOD_HOOK_LOG_MS. */
static void __attribute__((format(printf, 2, 3)))
log_failure(uint64_t now_ms, const char *fmt, ...)
{
	unsigned long held;
	char msg[256];
	va_list ap;

	if (!iptod_log_allowed(&failure_log, now_ms, IPTOD_HOOK_LOG_MS, &held))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (held)
		iptod_warn("%s (and %lu more failures since the last one logged)", msg, held);
	else
		iptod_warn("%s", msg);
}

void iptod_notify(const char *hook, const struct iptod_run_as *run_as,
		  const char *const *fields, uint64_t now_ms)
{
	char env[HOOK_ENV_MAX][HOOK_ENV_LEN];
	char *envp[HOOK_ENV_MAX + 2];
	char *argv[] = { (char *)hook, NULL };
	struct hook_run *slot = NULL;
	const char *event = "";
	int n = 0, err;

	if (!hook[0])
		return;
	for (unsigned int i = 0; i < IPTOD_HOOKS_MAX; i++) {
		if (!hooks[i].pid) {
			slot = &hooks[i];
			break;
		}
	}
	for (int i = 0; fields && fields[i] && n < HOOK_ENV_MAX; i++, n++) {
		snprintf(env[n], sizeof(env[n]), "IPTO_%s", fields[i]);
		envp[n] = env[n];
		if (!strncmp(fields[i], "EVENT=", 6))
			event = fields[i] + 6;
	}
	envp[n++] = IPTOD_CHILD_PATH;
	envp[n] = NULL;
	if (!slot) {
		log_failure(now_ms, "notify hook not run for event %s: %d hooks still running",
			    event, IPTOD_HOOKS_MAX);
		return;
	}
	err = iptod_spawn(argv, envp, run_as, &slot->pid);
	if (err) {
		slot->pid = 0;
		hooks_failed++;
		log_failure(now_ms, "notify hook %s: cannot run it: %s", hook, strerror(err));
		return;
	}
	hooks_started++;
	slot->kill_after_ms = now_ms + IPTOD_HOOK_TIMEOUT_MS;
	snprintf(slot->event, sizeof(slot->event), "%s", event);
}

bool iptod_notify_reaped(pid_t pid, int status, uint64_t now_ms)
{
	for (unsigned int i = 0; i < IPTOD_HOOKS_MAX; i++) {
		if (hooks[i].pid != pid)
			continue;
		hooks[i].pid = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return true;
		hooks_failed++;
		if (WIFEXITED(status))
			log_failure(now_ms, "notify hook failed for event %s: exit status %d",
				    hooks[i].event, WEXITSTATUS(status));
		else
			log_failure(now_ms, "notify hook failed for event %s: killed by signal %d",
				    hooks[i].event, WTERMSIG(status));
		return true;
	}
	return false;
}

void iptod_notify_expire(uint64_t now_ms)
{
	for (unsigned int i = 0; i < IPTOD_HOOKS_MAX; i++) {
		if (hooks[i].pid && now_ms > hooks[i].kill_after_ms) {
			log_failure(now_ms, "notify hook for event %s still running after %d ms: killed",
				    hooks[i].event, IPTOD_HOOK_TIMEOUT_MS);
			kill(hooks[i].pid, SIGKILL);
			/* reaped on SIGCHLD; killed again if it is not by then */
			hooks[i].kill_after_ms = now_ms + IPTOD_HOOK_TIMEOUT_MS;
		}
	}
}

void iptod_notify_counts(unsigned long *started, unsigned long *failed)
{
	*started = hooks_started;
	*failed = hooks_failed;
}
