// SPDX-License-Identifier: GPL-2.0
/*
 * spawn.c - children of iptod: posix_spawn with a clean signal state and
 * stdin on /dev/null; as another user, vfork and exec with the same state
 * after taking that user's ids.
 */
#define _GNU_SOURCE	/* vfork, syscall */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

/*
 * The child's side of spawn_as(), in the parent's memory until the exec
 * (vfork): its signal state, stdin, then the user's groups and ids, which
 * also drop every capability (the effective, permitted and ambient sets of
 * a process that leaves uid 0 are cleared), then the exec.  Plain system
 * calls only; an error is left in *err for the parent, which resumes once
 * the child has exec'd or exited.
 */
static void __attribute__((noreturn))
child_as(char *const argv[], char *const envp[], const struct iptod_run_as *as,
	 volatile int *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);	/* SIGKILL, SIGSTOP: refused, fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0 && dup2(null, 0) == 0 && (null == 0 || close(null) == 0) &&
	    syscall(SYS_setgroups, (size_t)as->ngroups, as->groups) == 0 &&
	    syscall(SYS_setresgid, as->gid, as->gid, as->gid) == 0 &&
	    syscall(SYS_setresuid, as->uid, as->uid, as->uid) == 0)
		execve(argv[0], argv, envp);
	*err = errno ? errno : EIO;
	_exit(127);
}

/*
 * vfork, not fork: copying iptod's address space for every hook or check
 * costs, under an emulator or with AddressSanitizer's shadow, as much as
 * the child's work.  posix_spawn does the same internally.
 */
static int spawn_as(char *const argv[], char *const envp[], const struct iptod_run_as *as,
		    pid_t *pid)
{
	volatile int err = 0;
	pid_t child = vfork();

	if (child < 0)
		return errno;
	if (child == 0)
		child_as(argv, envp, as, &err);
	if (err) {
		/* It never ran: reaped here, so that no exit status is reported. */
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		return err;
	}
	*pid = child;
	return 0;
}

int iptod_spawn(char *const argv[], char *const envp[], const struct iptod_run_as *run_as,
		pid_t *pid)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int err;

	if (run_as && run_as->name[0])
		return spawn_as(argv, envp, run_as, pid);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	err = posix_spawn(pid, argv[0], &actions, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	return err;
}
