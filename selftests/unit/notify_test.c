// SPDX-License-Identifier: GPL-2.0
/*
 * notify_test.c - cmocka unit tests of iptod's notify hook runner,
 * userland/iptod/notify.c, with real hooks (shell scripts in a fresh
 * directory under /tmp) started through userland/iptod/spawn.c.  This file
 * owns:
 *   - the hook's environment: the event's fields as IPTO_KEY=value, a fixed
 *     PATH and nothing else;
 *   - the timeout: a hook is killed only once it has run longer than
 *     IPTOD_HOOK_TIMEOUT_MS, also when the caller's clock reading is older
 *     than the hook's start (the main loop reads the clock once per wakeup);
 *   - failures (exit status, signal) counted and logged with the event, at
 *     most once per IPTOD_HOOK_LOG_MS, the next saying how many were not;
 *   - the limit on hooks running at once.
 * iptod's log is replaced here by a recorder of the last message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "spawn.h"

/* ---- the log, recorded ---- */

static char last_log[512];
static unsigned int logged;

void iptod_log(int priority, const char *const *fields, const char *fmt, ...)
{
	va_list ap;

	(void)priority;
	(void)fields;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	logged++;
}

/* ---- hooks in a scratch directory ---- */

static char dir[] = "/tmp/notify_test.XXXXXX";
static char env_file[64], exiting_hook[64], exit3_hook[64], sleeping_hook[64];

static void write_hook(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static int hooks_setup(void **state)
{
	char body[256];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(env_file, sizeof(env_file), "%s/env", dir);
	snprintf(exiting_hook, sizeof(exiting_hook), "%s/exits", dir);
	snprintf(exit3_hook, sizeof(exit3_hook), "%s/exit3", dir);
	snprintf(sleeping_hook, sizeof(sleeping_hook), "%s/sleeps", dir);
	/* the environment, without the PWD the shell adds */
	snprintf(body, sizeof(body), "env | grep -v ^PWD= | sort >%s.tmp && mv %s.tmp %s",
		 env_file, env_file, env_file);
	write_hook(exiting_hook, body);
	write_hook(exit3_hook, "exit 3");
	write_hook(sleeping_hook, "exec sleep 600");
	return 0;
}

static int hooks_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Waits for the next hook to end, hands it to notify.c as reaped at now_ms,
 * returns its status.  Each test's clock starts after the last test's, at
 * least IPTOD_HOOK_LOG_MS later, so that failures are logged as they come
 * unless a test is about the limit.
 */
static int reap_one(uint64_t now_ms)
{
	int status;
	pid_t pid = waitpid(-1, &status, 0);

	assert_true(pid > 0);
	assert_true(iptod_notify_reaped(pid, status, now_ms));
	return status;
}

static const char *const adopted[] = {
	"EVENT=adopted", "DEVICE=ipto0", "NODE=3", "ADDRESS=10.0.0.13", NULL
};

/* ---- tests ---- */

static void test_environment(void **state)
{
	char got[1024] = "";
	size_t n;
	FILE *f;

	(void)state;
	iptod_notify(exiting_hook, NULL, adopted, 1000);
	assert_true(WIFEXITED(reap_one(1000)));
	f = fopen(env_file, "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = '\0';
	assert_string_equal(got, "IPTO_ADDRESS=10.0.0.13\nIPTO_DEVICE=ipto0\n"
			    "IPTO_EVENT=adopted\nIPTO_NODE=3\n" IPTOD_CHILD_PATH "\n");
}

/*
 * The regression: a wakeup reads the clock (1000), a heartbeat's event
 * starts a hook at 1004, and the same wakeup's tick expires hooks with 1000.
 * "1000 - 1004" wrapped and the hook was killed at once.
 */
static void test_not_killed_by_an_older_clock_reading(void **state)
{
	unsigned long started, failed, started_before, failed_before;
	int status;

	(void)state;
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify(exiting_hook, NULL, adopted, 1004);
	iptod_notify_expire(1000);
	iptod_notify_expire(1004 + IPTOD_HOOK_TIMEOUT_MS);	/* not past yet */
	status = reap_one(1004 + IPTOD_HOOK_TIMEOUT_MS);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before + 1);
	assert_int_equal(failed, failed_before);
}

static void test_killed_after_the_timeout(void **state)
{
	unsigned long started, failed, started_before, failed_before;
	unsigned int logged_before;
	int status;

	(void)state;
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify(sleeping_hook, NULL, adopted, 5000);
	logged_before = logged;
	iptod_notify_expire(5000 + IPTOD_HOOK_TIMEOUT_MS);
	assert_int_equal(logged, logged_before);	/* nothing killed yet */
	iptod_notify_expire(5001 + IPTOD_HOOK_TIMEOUT_MS);
	assert_string_equal(last_log,
			    "notify hook for event adopted still running after 30000 ms: killed");
	status = reap_one(5001 + IPTOD_HOOK_TIMEOUT_MS + IPTOD_HOOK_LOG_MS);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_string_equal(last_log, "notify hook failed for event adopted: killed by signal 9");
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before + 1);
	assert_int_equal(failed, failed_before + 1);
}

static void test_exit_status_logged(void **state)
{
	unsigned long started, failed, started_before, failed_before;

	(void)state;
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify(exit3_hook, NULL, adopted, 40000);
	assert_int_equal(WEXITSTATUS(reap_one(40000)), 3);
	assert_string_equal(last_log, "notify hook failed for event adopted: exit status 3");
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before + 1);
	assert_int_equal(failed, failed_before + 1);
}

static void test_cannot_run(void **state)
{
	char missing[80];
	unsigned long started, failed, started_before, failed_before;

	(void)state;
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify(missing, NULL, adopted, 45000);
	assert_non_null(strstr(last_log, "cannot run it: No such file or directory"));
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before);
	assert_int_equal(failed, failed_before + 1);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);	/* no child left */
}

static void test_at_most_hooks_max(void **state)
{
	unsigned long started, failed, started_before, failed_before;

	(void)state;
	iptod_notify_counts(&started_before, &failed_before);
	for (unsigned int i = 0; i < IPTOD_HOOKS_MAX; i++)
		iptod_notify(sleeping_hook, NULL, adopted, 50000);
	iptod_notify(sleeping_hook, NULL, adopted, 50000);
	assert_string_equal(last_log,
			    "notify hook not run for event adopted: 16 hooks still running");
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before + IPTOD_HOOKS_MAX);
	iptod_notify_expire(50001 + IPTOD_HOOK_TIMEOUT_MS);
	for (unsigned int i = 0; i < IPTOD_HOOKS_MAX; i++)
		assert_true(WIFSIGNALED(reap_one(50001 + IPTOD_HOOK_TIMEOUT_MS)));
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	/* every slot is free again */
	iptod_notify(exiting_hook, NULL, adopted, 90000);
	assert_true(WIFEXITED(reap_one(90000)));
}

static void test_no_hook(void **state)
{
	unsigned long started, failed, started_before, failed_before;

	(void)state;
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify("", NULL, adopted, 0);
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before);
	assert_int_equal(failed, failed_before);
	assert_false(iptod_notify_reaped(getpid(), 0, 0));	/* not a hook's pid */
}

/* A hook that fails on every event of a burst is logged once a second. */
static void test_failures_logged_once_a_second(void **state)
{
	unsigned long started, failed, started_before, failed_before;
	unsigned int logged_before;

	(void)state;
	/* Logs what the tests before left unlogged, and starts the count. */
	iptod_notify(exit3_hook, NULL, adopted, 150000);
	reap_one(150000);
	iptod_notify_counts(&started_before, &failed_before);
	iptod_notify(exit3_hook, NULL, adopted, 200000);
	reap_one(200000);
	assert_string_equal(last_log, "notify hook failed for event adopted: exit status 3");
	logged_before = logged;
	iptod_notify(exit3_hook, NULL, adopted, 200010);
	reap_one(200010);
	iptod_notify(exit3_hook, NULL, adopted, 200000 + IPTOD_HOOK_LOG_MS - 1);
	reap_one(200000 + IPTOD_HOOK_LOG_MS - 1);
	assert_int_equal(logged, logged_before);	/* within the second: not logged */
	iptod_notify(exit3_hook, NULL, adopted, 200000 + IPTOD_HOOK_LOG_MS);
	reap_one(200000 + IPTOD_HOOK_LOG_MS);
	assert_string_equal(last_log, "notify hook failed for event adopted: exit status 3 "
			    "(and 2 more failures since the last one logged)");
	iptod_notify_counts(&started, &failed);
	assert_int_equal(started, started_before + 4);
	assert_int_equal(failed, failed_before + 4);	/* every failure counted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_not_killed_by_an_older_clock_reading),
		cmocka_unit_test(test_killed_after_the_timeout),
		cmocka_unit_test(test_exit_status_logged),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_at_most_hooks_max),
		cmocka_unit_test(test_no_hook),
		cmocka_unit_test(test_failures_logged_once_a_second),
	};

	return cmocka_run_group_tests(tests, hooks_setup, hooks_teardown);
}
