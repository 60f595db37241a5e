// SPDX-License-Identifier: GPL-2.0
/*
 * cli: how iptoctl tells usage errors and failures, and opens the family.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char usage_hint[] = "Try '" PROG " help' for more information.\n";

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_hint, stderr);
	return EXIT_USAGE;
}

int report_failure(const struct ipto_nl *nl, int error, const char *detail)
{
	uint32_t offset;

	if (!detail[0] && ipto_nl_extack(nl))
		detail = ipto_nl_extack(nl);
	if (detail[0])
		fprintf(stderr, PROG ": %s: %s\n", strerror(-error), detail);
	else if (ipto_nl_extack_offset(nl, &offset))
		fprintf(stderr, PROG ": %s: bad attribute at byte %u of the request\n",
			strerror(-error), offset);
	else
		fprintf(stderr, PROG ": %s\n", strerror(-error));
	return EXIT_FAILED;
}

struct ipto_nl *open_ipto(void)
{
	struct ipto_nl *nl;
	char err[256];

	nl = ipto_nl_open(err, sizeof(err));
	if (!nl)
		fprintf(stderr, PROG ": %s\n", err);
	return nl;
}
