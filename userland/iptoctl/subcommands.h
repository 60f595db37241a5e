/* SPDX-License-Identifier: GPL-2.0 */
/*
 * subcommands: the iptoctl commands.  Each gets the global options and the
 * arguments after its name (argv[0] is the first of them, if any), and
 * returns an exit status (enum exit_status).
 */
#ifndef IPTOCTL_SUBCOMMANDS_H
#define IPTOCTL_SUBCOMMANDS_H

#include "cli.h"

int cmd_show(const struct options *opts, int argc, char **argv);
int cmd_adopt(const struct options *opts, int argc, char **argv);
int cmd_release(const struct options *opts, int argc, char **argv);
int cmd_node_add(const struct options *opts, int argc, char **argv);
int cmd_node_set(const struct options *opts, int argc, char **argv);
int cmd_node_del(const struct options *opts, int argc, char **argv);
int cmd_node_failback(const struct options *opts, int argc, char **argv);
int cmd_service_add(const struct options *opts, int argc, char **argv);
int cmd_service_set(const struct options *opts, int argc, char **argv);
int cmd_service_del(const struct options *opts, int argc, char **argv);
int cmd_set(const struct options *opts, int argc, char **argv);
const char *set_usage(void);	/* its arguments, made from the settings table */
int cmd_fence(const struct options *opts, int argc, char **argv);
int cmd_lease(const struct options *opts, int argc, char **argv);
int cmd_monitor(const struct options *opts, int argc, char **argv);
int cmd_reset(const struct options *opts, int argc, char **argv);

#endif /* IPTOCTL_SUBCOMMANDS_H */
