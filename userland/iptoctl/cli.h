/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli: what every iptoctl command shares: the program name, the exit
 * statuses, the global options, and how usage errors and failures are told.
 */
#ifndef IPTOCTL_CLI_H
#define IPTOCTL_CLI_H

#include <stdbool.h>

#include "lib/ipto_nl.h"

#define PROG "iptoctl"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the kernel refused or something failed */
	EXIT_USAGE = 2,		/* bad command line */
};

struct options {
	bool json;
	bool pretty;
};

extern const char usage_hint[];

/* Says what is wrong with the command line; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int usage_error(const char *fmt, ...);

/*
 * Prints a failed request: the errno text, then detail, or the kernel's
 * extended ACK message when detail is "".  Returns EXIT_FAILED.
 */
int report_failure(const struct ipto_nl *nl, int error, const char *detail);

/* Opens the "ipto" family, or says why not and returns NULL. */
struct ipto_nl *open_ipto(void);

#endif /* IPTOCTL_CLI_H */
