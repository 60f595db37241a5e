// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - iptod's log: the choice between journal and stderr and the
 * formatting of a message with its structured fields for either.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "log.h"

#define LOG_FIELDS_MAX	16
#define LOG_LINE_MAX	1024

static bool log_journal;
static bool log_debug;

void iptod_log_init(enum iptod_log_target target, bool debug)
{
	log_debug = debug;
	if (target == IPTOD_LOG_AUTO)
		log_journal = getenv("JOURNAL_STREAM") != NULL;
	else
		log_journal = target == IPTOD_LOG_JOURNAL;
}

static const char *level_name(int priority)
{
	switch (priority) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void log_to_journal(int priority, const char *const *fields, const char *msg)
{
	char bufs[LOG_FIELDS_MAX + 2][LOG_LINE_MAX];
	struct iovec iov[LOG_FIELDS_MAX + 2];
	int n = 0;

	snprintf(bufs[n], sizeof(bufs[n]), "MESSAGE=%s", msg);
	iov[n].iov_base = bufs[n];
	iov[n].iov_len = strlen(bufs[n]);
	n++;
	snprintf(bufs[n], sizeof(bufs[n]), "PRIORITY=%d", priority);
	iov[n].iov_base = bufs[n];
	iov[n].iov_len = strlen(bufs[n]);
	n++;
	for (int i = 0; fields && fields[i] && i < LOG_FIELDS_MAX; i++, n++) {
		snprintf(bufs[n], sizeof(bufs[n]), "IPTO_%s", fields[i]);
		iov[n].iov_base = bufs[n];
		iov[n].iov_len = strlen(bufs[n]);
	}
	if (sd_journal_sendv(iov, n) < 0)
		fprintf(stderr, "iptod[%s]: %s\n", level_name(priority), msg);
}

static void log_to_stderr(int priority, const char *const *fields, const char *msg)
{
	char line[LOG_LINE_MAX * 2];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "iptod[%s]: %s", level_name(priority), msg);
	for (int i = 0; fields && fields[i] && i < LOG_FIELDS_MAX && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", fields[i]);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	line[len] = '\0';
	fprintf(stderr, "%s\n", line);
}

void iptod_log(int priority, const char *const *fields, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	if (priority == LOG_DEBUG && !log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_journal)
		log_to_journal(priority, fields, msg);
	else
		log_to_stderr(priority, fields, msg);
}
