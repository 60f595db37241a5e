// SPDX-License-Identifier: GPL-2.0
/*
 * iptoctl: the command line interface to the ipto kernel module: the global
 * options, the command table and help; the commands live in their own files
 * (subcommands.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

#include "version.h"	/* IPTO_VERSION, written by the Makefile */

struct command {
	const char *name;
	const char *verb;	/* the second word ("service add"), or NULL */
	int (*handler)(const struct options *opts, int argc, char **argv);
	const char *args;	/* NULL: set_usage(), from the settings table */
	const char *help;
};

static int cmd_help(const struct options *opts, int argc, char **argv);

static const struct command commands[] = {
	{ "show", NULL, cmd_show, "[dev DEV]",
	  "show ipto devices: settings, nodes, adopted addresses, services" },
	{ "adopt", NULL, cmd_adopt, "dev DEV addr ADDR[/LEN] [from NODE]",
	  "adopt an address (and add it to DEV as a local address)" },
	{ "release", NULL, cmd_release, "dev DEV addr ADDR[/LEN]",
	  "release an adopted address (and remove it from DEV)" },
	{ "node", "add", cmd_node_add,
	  "dev DEV id N name NAME addr A[,A...]\n"
	  "                [standby N[,N...]|none] [failover on|off] [self]",
	  "add a node to the cluster table" },
	{ "node", "set", cmd_node_set,
	  "dev DEV id N [state up|down|drain] [standby N[,N...]|none]\n"
	  "                [failover on|off]",
	  "change a node: its state (takeover follows), standby, failover" },
	{ "node", "del", cmd_node_del, "dev DEV id N",
	  "delete a node from the cluster table" },
	{ "node", "failback", cmd_node_failback, "dev DEV id N",
	  "manual failback: give node N, which is up, its addresses back" },
	{ "service", "add", cmd_service_add,
	  "dev DEV node N name NAME proto tcp|udp port P[-Q]\n"
	  "                [action reject|drop|serve] [standby N[,N...]|none]\n"
	  "                [failover on|off]",
	  "add a service of a node" },
	{ "service", "set", cmd_service_set,
	  "dev DEV node N name NAME [action reject|drop|serve]\n"
	  "                [standby N[,N...]|none] [failover on|off]",
	  "change a service of a node" },
	{ "service", "del", cmd_service_del, "dev DEV node N name NAME",
	  "delete a service of a node" },
	{ "set", NULL, cmd_set, NULL, "change settings of a device" },
	{ "fence", NULL, cmd_fence, "dev DEV on|off",
	  "fence a device (it falls silent on its addresses) or lift the fence" },
	{ "lease", NULL, cmd_lease, "dev DEV",
	  "renew the lease of a device (lease_ms from now)" },
	{ "monitor", NULL, cmd_monitor, "[dev DEV]",
	  "print events as they happen, until interrupted" },
	{ "reset", NULL, cmd_reset,
	  "dev DEV conn LOCAL:PORT,REMOTE:PORT [conn ...]\n"
	  "                | dev DEV conn -",
	  "tickle TCP connections to adopted addresses: their clients get a reset\n"
	  "      (conn -: one connection a line from standard input)" },
	{ "help", NULL, cmd_help, "", "show this help" },
};

static void print_usage(void)
{
	size_t i;

	printf("Usage: " PROG " [-j|--json] [-p|--pretty] COMMAND [ARGS]\n"
	       "       " PROG " -h|--help | -V|--version\n"
	       "\n"
	       "Options:\n"
	       "  -j, --json     print JSON\n"
	       "  -p, --pretty   print indented JSON (implies -j)\n"
	       "  -h, --help     show this help\n"
	       "  -V, --version  print the version\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < MNL_ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		const char *args = c->args ? c->args : set_usage();

		printf("  %s%s%s%s%s\n      %s\n", c->name, c->verb ? " " : "",
		       c->verb ? c->verb : "", args[0] ? " " : "", args, c->help);
	}
}

static int cmd_help(const struct options *opts, int argc, char **argv)
{
	(void)opts;
	if (argc > 0)
		return usage_error("help: unknown argument '%s'", argv[0]);
	print_usage();
	return EXIT_OK;
}

/*
 * Finds the command argv names; sets *words to how many words it took.
 * Says what is wrong and returns NULL when there is no such command.
 */
static const struct command *find_command(int argc, char **argv, int *words)
{
	bool has_verbs = false;
	size_t i;

	for (i = 0; i < MNL_ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];

		if (strcmp(c->name, argv[0]) != 0)
			continue;
		if (!c->verb) {
			*words = 1;
			return c;
		}
		has_verbs = true;
		if (argc > 1 && strcmp(c->verb, argv[1]) == 0) {
			*words = 2;
			return c;
		}
	}
	if (!has_verbs)
		usage_error("unknown command '%s'", argv[0]);
	else if (argc > 1)
		usage_error("%s: unknown subcommand '%s'", argv[0], argv[1]);
	else
		usage_error("%s: missing subcommand", argv[0]);
	return NULL;
}

/* Makes a failed write to stdout (full disk, closed pipe) a failure. */
static int finish_output(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, PROG ": cannot write output: %s\n", strerror(errno));
	return EXIT_FAILED;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .json = false };
	const struct command *cmd;
	int opt, words;

	if (argc > 0)
		argv[0] = PROG;	/* the name getopt puts in its messages */
	while ((opt = getopt_long(argc, argv, "+jphV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = true;
			opts.pretty = true;
			break;
		case 'h':
			print_usage();
			return finish_output(EXIT_OK);
		case 'V':
			printf(PROG " %s\n", IPTO_VERSION);
			return finish_output(EXIT_OK);
		default:	/* getopt has said what is wrong */
			fputs(usage_hint, stderr);
			return EXIT_USAGE;
		}
	}

	if (optind >= argc)
		return usage_error("no command given");
	cmd = find_command(argc - optind, argv + optind, &words);
	if (!cmd)
		return EXIT_USAGE;
	optind += words;
	return finish_output(cmd->handler(&opts, argc - optind, argv + optind));
}
