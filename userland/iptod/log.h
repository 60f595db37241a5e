/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - iptod's log: one line per message with structured fields, to the
 * journal when iptod runs under systemd (JOURNAL_STREAM is set), else to
 * stderr as "iptod[LEVEL]: message KEY=value ...".
 */
#ifndef IPTOD_LOG_H
#define IPTOD_LOG_H

#include <stdbool.h>
#include <stdint.h>
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

/*
 * One kind of message logged at most once per interval: a flood of the same
 * fault (bad heartbeats, failing hooks) costs one line per interval, and the
 * next line logged says how many were held back.  Zero-initialised.
 */
struct iptod_log_limit {
	bool logged;		/* one was logged at last_ms */
	uint64_t last_ms;
	unsigned long held;	/* occurrences not logged since then */
};

/*
 * Whether an occurrence at now_ms may be logged.  When it may, *held is how
 * many were held back before it, for the line to say; when not, it is
 * counted as held.
 */
static inline bool iptod_log_allowed(struct iptod_log_limit *limit, uint64_t now_ms,
				     uint64_t interval_ms, unsigned long *held)
{
	if (limit->logged && now_ms - limit->last_ms < interval_ms) {
		limit->held++;
		return false;
	}
	*held = limit->held;
	limit->logged = true;
	limit->last_ms = now_ms;
	limit->held = 0;
	return true;
}

#endif /* IPTOD_LOG_H */
