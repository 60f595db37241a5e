/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spawn.h - how iptod starts its children (health checks, the notify hook):
 * without waiting, with stdin on /dev/null, the default signal dispositions
 * and an empty signal mask (iptod blocks the signals it reads from a
 * signalfd), only the environment given, and as the configured user with
 * no capabilities.
 */
#ifndef IPTOD_SPAWN_H
#define IPTOD_SPAWN_H

#include <sys/types.h>

/* The PATH children get. */
#define IPTOD_CHILD_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#define IPTOD_GROUPS_MAX	64

/*
 * The user children run as (iptod.conf's run_as), resolved when the
 * configuration is read: its uid, primary gid and every group it is in.
 * An empty name: iptod's own user, with iptod's capabilities.
 */
struct iptod_run_as {
	char name[64];
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[IPTOD_GROUPS_MAX];
};

/*
 * Starts argv[0] (an absolute path), as run_as when it names a user (NULL:
 * iptod's own); returns 0 with *pid set, or an errno, also one of the
 * child's before its exec (the user's ids could not be taken, the file
 * could not be run).
 */
int iptod_spawn(char *const argv[], char *const envp[], const struct iptod_run_as *run_as,
		pid_t *pid);

#endif /* IPTOD_SPAWN_H */
