/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spawn.h - how iptod starts its children (health checks, the notify hook):
 * without waiting, with stdin on /dev/null, the default signal dispositions
 * and an empty signal mask (iptod blocks the signals it reads from a
 * signalfd), and only the environment given.
 */
#ifndef IPTOD_SPAWN_H
#define IPTOD_SPAWN_H

#include <sys/types.h>

/* The PATH children get. */
#define IPTOD_CHILD_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Starts argv[0] (an absolute path); returns 0 with *pid set, or an errno. */
int iptod_spawn(char *const argv[], char *const envp[], pid_t *pid);

#endif /* IPTOD_SPAWN_H */
