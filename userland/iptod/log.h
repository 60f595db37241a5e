/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - iptod's log: one line per message with structured fields, to the
 * journal when iptod runs under systemd (JOURNAL_STREAM is set), else to
 * stderr as "iptod[LEVEL]: message KEY=value ...".
 */
#ifndef IPTOD_LOG_H
#define IPTOD_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum iptod_log_target {
	IPTOD_LOG_AUTO,
	IPTOD_LOG_STDERR,
	IPTOD_LOG_JOURNAL,
};

void iptod_log_init(enum iptod_log_target target, bool debug);

/*
 * Logs message at priority (LOG_ERR...) with fields: a NULL-terminated list
 * of "KEY=value" strings (KEY in capitals, journal style, without the
 * IPTO_ prefix, which the journal gets added).
 */
void iptod_log(int priority, const char *const *fields, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Plain messages without fields. */
#define iptod_err(...)		iptod_log(LOG_ERR, NULL, __VA_ARGS__)
#define iptod_warn(...)		iptod_log(LOG_WARNING, NULL, __VA_ARGS__)
#define iptod_notice(...)	iptod_log(LOG_NOTICE, NULL, __VA_ARGS__)
#define iptod_info(...)		iptod_log(LOG_INFO, NULL, __VA_ARGS__)
#define iptod_debug(...)	iptod_log(LOG_DEBUG, NULL, __VA_ARGS__)

#endif /* IPTOD_LOG_H */
