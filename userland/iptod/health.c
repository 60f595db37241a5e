// SPDX-License-Identifier: GPL-2.0
/*
 * health.c - the service health checks: non-blocking TCP connects watched
 * by the main loop's poll(), executables started in the background and
 * reaped from its SIGCHLD, both bounded by their timeout, and the
 * fall/rise counting that turns results into good or bad.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "health.h"
#include "iptod.h"
#include "log.h"
#include "spawn.h"

/* What a check has found: nothing yet, then good or bad. */
enum check_state {
	CHECK_UNKNOWN,
	CHECK_GOOD,
	CHECK_BAD,
};

struct check_run {
	const struct iptod_service *svc;
	enum check_state state;
	unsigned int fails, oks;	/* in a row */
	uint64_t next_ms;		/* when the next run starts */
	uint64_t deadline_ms;		/* of the running one; 0: none */
	int fd;				/* TCP: connecting socket, else -1 */
	pid_t pid;			/* EXEC: the running child, else 0 */
	char why[96];			/* the last failure */
};

struct iptod_health {
	struct check_run *runs;
	unsigned int nruns;
	struct iptod_run_as run_as;	/* of the exec checks: a copy, since a
					 * reload builds its configuration on
					 * the stack before it is kept */
};

struct iptod_health *iptod_health_new(const struct iptod_config *cfg, uint32_t self)
{
	struct iptod_health *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->runs = calloc(cfg->nservices + 1, sizeof(*h->runs));
	if (!h->runs) {
		free(h);
		return NULL;
	}
	for (unsigned int i = 0; i < cfg->nservices; i++) {
		const struct iptod_service *s = &cfg->services[i];

		if (s->node != self || s->check.kind == IPTOD_CHECK_NONE)
			continue;
		h->runs[h->nruns++] = (struct check_run){ .svc = s, .fd = -1 };
	}
	h->run_as = cfg->run_as;
	return h;
}

static bool same_check(const struct iptod_check *a, const struct iptod_check *b)
{
	unsigned int i;

	if (a->kind != b->kind || a->interval_ms != b->interval_ms ||
	    a->timeout_ms != b->timeout_ms || a->fall != b->fall || a->rise != b->rise)
		return false;
	if (a->kind == IPTOD_CHECK_TCP)
		return a->port == b->port && iptod_addr_equal(&a->addr, &b->addr);
	for (i = 0; a->argv[i] && b->argv[i]; i++)
		if (strcmp(a->argv[i], b->argv[i]))
			return false;
	return !a->argv[i] && !b->argv[i];
}

void iptod_health_carry(struct iptod_health *h, struct iptod_health *old)
{
	for (unsigned int i = 0; i < h->nruns; i++) {
		struct check_run *r = &h->runs[i];
		const struct iptod_service *svc;

		for (unsigned int j = 0; j < old->nruns; j++) {
			struct check_run *o = &old->runs[j];

			if (!o->svc || strcmp(o->svc->name, r->svc->name) ||
			    !same_check(&o->svc->check, &r->svc->check))
				continue;
			svc = r->svc;
			*r = *o;
			r->svc = svc;
			/* The running check is r's now: old must not stop it. */
			o->svc = NULL;
			o->fd = -1;
			o->pid = 0;
			break;
		}
	}
}

static void stop_run(struct check_run *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->pid > 0)
		kill(r->pid, SIGKILL);	/* reaped later; its result is ignored */
	r->pid = 0;
	r->deadline_ms = 0;
}

void iptod_health_free(struct iptod_health *h)
{
	if (!h)
		return;
	for (unsigned int i = 0; i < h->nruns; i++)
		stop_run(&h->runs[i]);
	free(h->runs);
	free(h);
}

static void result(struct check_run *r, bool ok, uint64_t now_ms, const char *why)
{
	const struct iptod_check *c = &r->svc->check;

	stop_run(r);
	r->next_ms = now_ms + c->interval_ms;
	if (ok) {
		r->fails = 0;
		if (r->state == CHECK_UNKNOWN) {
			r->state = CHECK_GOOD;
			iptod_notice("health check of service %s passes", r->svc->name);
		} else if (r->state == CHECK_BAD && ++r->oks >= c->rise) {
			r->state = CHECK_GOOD;
			iptod_notice("health check of service %s passes again (%u in a row)",
				     r->svc->name, r->oks);
		}
		return;
	}
	r->oks = 0;
	snprintf(r->why, sizeof(r->why), "%s", why);
	if (r->state == CHECK_UNKNOWN) {
		r->state = CHECK_BAD;
		iptod_warn("health check of service %s fails at its first run: %s",
			   r->svc->name, why);
	} else if (r->state == CHECK_GOOD && ++r->fails >= c->fall) {
		r->state = CHECK_BAD;
		iptod_warn("health check of service %s failed %u times in a row: %s",
			   r->svc->name, r->fails, why);
	}
}

static void start_tcp(struct check_run *r, uint64_t now_ms)
{
	const struct iptod_check *c = &r->svc->check;
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd;

	if (c->addr.family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = c->addr.v6;
		sin6->sin6_port = htons(c->port);
		len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = c->addr.v4;
		sin->sin_port = htons(c->port);
		len = sizeof(*sin);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		result(r, false, now_ms, strerror(errno));
		return;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		close(fd);
		result(r, true, now_ms, "");
		return;
	}
	if (errno != EINPROGRESS) {
		char why[64];

		snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		close(fd);
		result(r, false, now_ms, why);
		return;
	}
	r->fd = fd;
	r->deadline_ms = now_ms + c->timeout_ms;
}

static void start_exec(struct check_run *r, const struct iptod_run_as *run_as, uint64_t now_ms)
{
	const struct iptod_check *c = &r->svc->check;
	char *envp[] = { IPTOD_CHILD_PATH, NULL };
	int err;

	err = iptod_spawn(c->argv, envp, run_as, &r->pid);
	if (err) {
		char why[96];

		r->pid = 0;
		snprintf(why, sizeof(why), "cannot run %s: %s", c->argv[0], strerror(err));
		result(r, false, now_ms, why);
		return;
	}
	/* From when the child exists: starting it can take long (a VM). */
	r->deadline_ms = iptod_now_ms() + c->timeout_ms;
}

void iptod_health_tick(struct iptod_health *h, uint64_t now_ms)
{
	for (unsigned int i = 0; i < h->nruns; i++) {
		struct check_run *r = &h->runs[i];

		if (r->deadline_ms) {
			if (now_ms >= r->deadline_ms)
				result(r, false, now_ms, "timed out");
			continue;
		}
		if (now_ms < r->next_ms)
			continue;
		if (r->svc->check.kind == IPTOD_CHECK_TCP)
			start_tcp(r, now_ms);
		else
			start_exec(r, &h->run_as, now_ms);
	}
}

void iptod_health_paused(struct iptod_health *h, uint64_t lost_ms)
{
	for (unsigned int i = 0; h && i < h->nruns; i++)
		if (h->runs[i].deadline_ms)
			h->runs[i].deadline_ms += lost_ms;
}

unsigned int iptod_health_pollfds(struct iptod_health *h, struct pollfd *fds,
				  unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->nruns && n < max; i++) {
		if (h->runs[i].fd < 0)
			continue;
		fds[n].fd = h->runs[i].fd;
		fds[n].events = POLLOUT;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

void iptod_health_polled(struct iptod_health *h, const struct pollfd *fds,
			 unsigned int n, uint64_t now_ms)
{
	for (unsigned int j = 0; j < n; j++) {
		if (!fds[j].revents)
			continue;
		for (unsigned int i = 0; i < h->nruns; i++) {
			struct check_run *r = &h->runs[i];
			int soerr = 0;
			socklen_t len = sizeof(soerr);
			char why[64];

			if (r->fd != fds[j].fd)
				continue;
			if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
				soerr = errno;
			if (!soerr) {
				result(r, true, now_ms, "");
			} else {
				snprintf(why, sizeof(why), "connect: %s", strerror(soerr));
				result(r, false, now_ms, why);
			}
		}
	}
}

bool iptod_health_reaped(struct iptod_health *h, pid_t pid, int status, uint64_t now_ms)
{
	for (unsigned int i = 0; h && i < h->nruns; i++) {
		struct check_run *r = &h->runs[i];
		char why[64];

		if (r->pid != pid)
			continue;
		r->pid = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			result(r, true, now_ms, "");
		} else {
			if (WIFEXITED(status))
				snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
			else
				snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
			result(r, false, now_ms, why);
		}
		return true;
	}
	return false;
}

enum iptod_health_verdict iptod_health_verdict(const struct iptod_health *h, const char **bad)
{
	enum iptod_health_verdict v = IPTOD_HEALTH_GOOD;

	for (unsigned int i = 0; h && i < h->nruns; i++) {
		if (h->runs[i].state == CHECK_BAD) {
			if (bad)
				*bad = h->runs[i].svc->name;
			return IPTOD_HEALTH_BAD;
		}
		if (h->runs[i].state == CHECK_UNKNOWN)
			v = IPTOD_HEALTH_UNKNOWN;
	}
	return v;
}
