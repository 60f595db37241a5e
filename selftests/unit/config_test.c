// SPDX-License-Identifier: GPL-2.0
/*
 * config_test.c - cmocka unit tests of iptod's configuration parser,
 * userland/iptod/config*.c, compiled here unchanged.  Run from this
 * directory (the Makefile does): it reads configs/ and the example
 * userland/iptod/iptod.conf.example.  This file owns:
 *   - the example: it loads, and gives the expected table, field by field;
 *   - the broken files configs/bad-*.conf: each must fail with
 *     "FILE:LINE: REASON" at the expected line, the reason naming what is
 *     wrong, and leave the configuration zeroed; every such file has a case;
 *   - edge cases written to a temporary directory: defaults, lease bounds,
 *     health check forms, the limits (name lengths, standby entries, exec
 *     words, nodes, services, addresses, line length), syntax variants
 *     (CRLF, BOM, comments, continuation lines), and the helpers
 *     iptod_node_equal, iptod_service_equal, iptod_config_node and
 *     iptod_addr_str.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pwd.h>

#include <dirent.h>
#include <unistd.h>

#include "config.h"

#define EXAMPLE "../../userland/iptod/iptod.conf.example"
#define ERRLEN 512

/* ---- helpers ---------------------------------------------------------- */

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static char tmpdir[] = "/tmp/config_test.XXXXXX";
static char tmpfile_path[sizeof(tmpdir) + 16];

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(tmpfile_path, sizeof(tmpfile_path), "%s/t.conf", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(tmpfile_path);
	rmdir(tmpdir);
	return 0;
}

static void write_file(const char *text, size_t len)
{
	FILE *f = fopen(tmpfile_path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static bool is_zeroed(const struct iptod_config *cfg)
{
	static const struct iptod_config zero;

	return !memcmp(cfg, &zero, sizeof(zero));
}

/* Loads text as a file; the caller frees cfg when it returns 0. */
static int load_text(const char *text, bool allow_no_key, struct iptod_config *cfg,
		     char *err)
{
	int ret;

	write_file(text, strlen(text));
	ret = iptod_config_load(tmpfile_path, allow_no_key, cfg, err, ERRLEN);
	if (ret < 0)
		assert_true(is_zeroed(cfg));
	return ret;
}

static void expect_ok(const char *text, struct iptod_config *cfg)
{
	char err[ERRLEN];

	if (load_text(text, false, cfg, err) < 0)
		fail_msg("unexpected error: %s\nin:\n%s", err, text);
}

/* The error must be "PATH:LINE: ...REASON...". */
static void expect_error_at(const char *path, const char *err, int line, const char *reason)
{
	char prefix[512];

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, reason))
		fail_msg("want \"%s...%s...\", got \"%s\"", prefix, reason, err);
}

static void expect_error(const char *text, int line, const char *reason)
{
	struct iptod_config cfg;
	char err[ERRLEN];

	if (load_text(text, false, &cfg, err) == 0) {
		iptod_config_free(&cfg);
		fail_msg("no error, want line %d: %s\nin:\n%s", line, reason, text);
	}
	expect_error_at(tmpfile_path, err, line, reason);
}

static void assert_addr(const struct iptod_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	assert_string_equal(iptod_addr_str(a, buf, sizeof(buf)), want);
}

/* Lines 1-5, 6-9 and 10-13: what every edge case starts from. */
#define CLUSTER "[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\n" \
	"key_file = /etc/ipto/key\n"
#define ALPHA "[node alpha]\nid = 1\nheartbeat = 10.0.0.1\naddresses = 10.0.0.11\n"
#define BETA "[node beta]\nid = 2\nheartbeat = 10.0.0.2\naddresses = 10.0.0.12\n"

/* ---- the example ------------------------------------------------------ */

static void test_example(void **state)
{
	const struct iptod_node *n;
	const struct iptod_service *s;
	struct iptod_config cfg;
	char err[ERRLEN];

	(void)state;
	if (iptod_config_load(EXAMPLE, false, &cfg, err, sizeof(err)) < 0)
		fail_msg("the example does not load: %s", err);
	assert_string_equal(cfg.path, EXAMPLE);
	assert_string_equal(cfg.device, "ipto0");
	assert_string_equal(cfg.link, "eth0");
	assert_int_equal(cfg.self, 1);
	assert_int_equal(cfg.port, 7410);
	assert_int_equal(cfg.interval_ms, 100);
	assert_int_equal(cfg.misses, 3);
	assert_int_equal(cfg.lease_ms, 200);
	assert_string_equal(cfg.key_file, "/etc/ipto/key");
	assert_int_equal(cfg.failback, IPTO_FAILBACK_AUTO);
	assert_string_equal(cfg.notify, "/usr/local/sbin/ipto-notify");
	assert_false(cfg.has_witness);

	assert_int_equal(cfg.nnodes, 3);
	n = &cfg.nodes[0];
	assert_string_equal(n->name, "alpha");
	assert_int_equal(n->id, 1);
	assert_addr(&n->heartbeat, "10.0.0.1");
	assert_int_equal(n->naddrs, 2);
	assert_addr(&n->addrs[0], "10.0.0.11");
	assert_addr(&n->addrs[1], "fd00::11");
	assert_int_equal(n->nstandby, 2);
	assert_int_equal(n->standby[0], 2);
	assert_int_equal(n->standby[1], 3);
	assert_true(n->failover);
	assert_true(n->line > 0);

	n = &cfg.nodes[1];
	assert_string_equal(n->name, "beta");
	assert_int_equal(n->id, 2);
	assert_addr(&n->heartbeat, "10.0.0.2");
	assert_int_equal(n->naddrs, 4);	/* over a continuation line */
	assert_addr(&n->addrs[0], "10.0.0.12");
	assert_addr(&n->addrs[1], "fd00::12");
	assert_addr(&n->addrs[2], "10.0.0.22");
	assert_addr(&n->addrs[3], "fd00::22");
	assert_int_equal(n->nstandby, 2);
	assert_int_equal(n->standby[0], 3);
	assert_int_equal(n->standby[1], 1);
	assert_true(n->failover);

	n = &cfg.nodes[2];
	assert_string_equal(n->name, "gamma");
	assert_int_equal(n->id, 3);
	assert_addr(&n->heartbeat, "10.0.0.3");
	assert_int_equal(n->naddrs, 2);
	assert_addr(&n->addrs[0], "10.0.0.13");
	assert_addr(&n->addrs[1], "fd00::13");
	assert_int_equal(n->nstandby, 2);
	assert_int_equal(n->standby[0], 1);
	assert_int_equal(n->standby[1], 2);
	assert_true(cfg.nodes[0].line < cfg.nodes[1].line);
	assert_true(cfg.nodes[1].line < cfg.nodes[2].line);

	assert_int_equal(cfg.nservices, 3);
	s = &cfg.services[0];
	assert_string_equal(s->name, "web");
	assert_int_equal(s->node, 1);
	assert_int_equal(s->proto, IPPROTO_TCP);
	assert_int_equal(s->port_min, 80);
	assert_int_equal(s->port_max, 80);
	assert_int_equal(s->action, IPTO_ACTION_SERVE);
	assert_false(s->has_standby);
	assert_false(s->has_failover);
	assert_int_equal(s->check.kind, IPTOD_CHECK_TCP);
	assert_addr(&s->check.addr, "127.0.0.1");
	assert_int_equal(s->check.port, 80);
	assert_null(s->check.argv[0]);
	assert_int_equal(s->check.interval_ms, 1000);
	assert_int_equal(s->check.timeout_ms, 500);
	assert_int_equal(s->check.fall, 3);
	assert_int_equal(s->check.rise, 2);

	s = &cfg.services[1];
	assert_string_equal(s->name, "db");
	assert_int_equal(s->node, 2);
	assert_int_equal(s->proto, IPPROTO_TCP);
	assert_int_equal(s->port_min, 5432);
	assert_int_equal(s->port_max, 5433);
	assert_int_equal(s->action, IPTO_ACTION_REJECT);
	assert_true(s->has_standby);
	assert_int_equal(s->nstandby, 1);
	assert_int_equal(s->standby[0], 3);
	assert_true(s->has_failover);
	assert_true(s->failover);
	assert_int_equal(s->check.kind, IPTOD_CHECK_EXEC);
	assert_string_equal(s->check.argv[0], "/usr/bin/pg_isready");
	assert_string_equal(s->check.argv[1], "-q");
	assert_string_equal(s->check.argv[2], "-h");
	assert_string_equal(s->check.argv[3], "127.0.0.1");
	assert_string_equal(s->check.argv[4], "-p");
	assert_string_equal(s->check.argv[5], "5432");
	assert_null(s->check.argv[6]);
	assert_int_equal(s->check.interval_ms, 2000);
	assert_int_equal(s->check.timeout_ms, 1000);
	assert_int_equal(s->check.fall, 2);
	assert_int_equal(s->check.rise, 2);

	s = &cfg.services[2];
	assert_string_equal(s->name, "dns");
	assert_int_equal(s->node, 3);
	assert_int_equal(s->proto, IPPROTO_UDP);
	assert_int_equal(s->port_min, 53);
	assert_int_equal(s->port_max, 53);
	assert_int_equal(s->action, IPTO_ACTION_DROP);
	assert_int_equal(s->check.kind, IPTOD_CHECK_NONE);

	iptod_config_free(&cfg);
	assert_true(is_zeroed(&cfg));
}

/* ---- broken files ------------------------------------------------------ */

struct bad_case {
	const char *file;	/* under configs/ */
	int line;
	const char *reason;	/* a substring of the message */
};

static const struct bad_case bad_cases[] = {
	{ "bad-action.conf", 24, "action: \"accept\" is not reject, drop or serve" },
	{ "bad-address.conf", 11, "addresses: \"10.0.0.300\" is not an IPv4 or IPv6 address" },
	{ "bad-before-section.conf", 2, "device = ... before any section" },
	{ "bad-bool.conf", 19, "failover: \"maybe\" is not yes or no" },
	{ "bad-check-exec.conf", 24, "check: \"bin/check\" is not an absolute path" },
	{ "bad-check-ipv6.conf", 24, "write an IPv6 address and port as [ADDRESS]:PORT" },
	{ "bad-check-kind.conf", 24, "check: \"http\" is not a check" },
	{ "bad-check-missing.conf", 24, "fall: service web has no check" },
	{ "bad-check-timeout.conf", 26,
	  "check_timeout_ms: 500 must be below check_interval_ms (500)" },
	{ "bad-cluster-twice.conf", 20, "[cluster] given twice (first on line 2)" },
	{ "bad-continued-single.conf", 24, "continues the value of port, which takes one value" },
	{ "bad-device.conf", 3, "device: \"ipto/0\" is not an interface name" },
	{ "bad-duplicate-id.conf", 15, "id: 1 is also the id of node alpha (line 9)" },
	{ "bad-duplicate-key.conf", 16, "id given twice in [node beta] (first on line 15)" },
	{ "bad-duplicate-section.conf", 20, "[node beta] given twice (first on line 14)" },
	{ "bad-empty-entry.conf", 11, "addresses: empty entry" },
	{ "bad-failback.conf", 7, "failback: \"sometimes\" is not auto or manual" },
	{ "bad-heartbeat-home.conf", 16,
	  "heartbeat: 10.0.0.11 is a home address of node alpha (line 11)" },
	{ "bad-heartbeat-shared.conf", 16,
	  "heartbeat: 10.0.0.1 is also the heartbeat address of node alpha (line 10)" },
	{ "bad-indented-key.conf", 17,
	  "continues the value of heartbeat: write \"addresses = 10.0.0.12\"" },
	{ "bad-key-file.conf", 6, "key_file: \"key\" is not an absolute path" },
	{ "bad-lease-default.conf", 8,
	  "misses: interval_ms * misses = 10 * 2 = 20 ms leaves no room for the lease" },
	{ "bad-lease-high.conf", 9,
	  "lease_ms: 300 must be below interval_ms * misses (100 * 3 = 300)" },
	{ "bad-lease-low.conf", 7, "lease_ms: 100 must be above interval_ms (100)" },
	{ "bad-link-device.conf", 4, "link: ipto0 is the ipto device itself" },
	{ "bad-link-local.conf", 17, "addresses: fe80::12 is a link-local address" },
	{ "bad-long-line.conf", 17, "the line is 321 characters long, at most 197 fit" },
	{ "bad-loopback.conf", 17, "addresses: 127.0.0.2 is a loopback address" },
	{ "bad-missing-id.conf", 0, "[node beta] (line 14) has no id" },
	{ "bad-multicast.conf", 16, "heartbeat: ff02::1 is a multicast address" },
	{ "bad-no-cluster.conf", 0, "no [cluster] section" },
	{ "bad-no-key.conf", 0, "[cluster] (line 2) has no key_file" },
	{ "bad-no-nodes.conf", 0, "no [node NAME] section" },
	{ "bad-node-id-range.conf", 15, "id: 65536 is out of range" },
	{ "bad-node-name.conf", 14, "\"be@ta\" is not a node name" },
	{ "bad-none-mixed.conf", 12, "standby: none (no standby node) cannot be combined" },
	{ "bad-notify.conf", 7, "notify: \"ipto-notify\" is not an absolute path" },
	{ "bad-number.conf", 7,
	  "interval_ms: \"abc\" is not a number of milliseconds (10..10000)" },
	{ "bad-port-junk.conf", 23, "port: \"80x\" is not a port or a port range" },
	{ "bad-port-range.conf", 23, "port: 90-80 is an empty range" },
	{ "bad-prefix.conf", 11,
	  "\"10.0.0.11/24\" is not an IPv4 or IPv6 address (write it without a prefix length)" },
	{ "bad-proto.conf", 22, "proto: \"sctp\" is not tcp or udp" },
	{ "bad-range.conf", 7, "misses: 1 is out of range" },
	{ "bad-self-unknown.conf", 5, "node: delta names no [node NAME] section" },
	{ "bad-service-missing-proto.conf", 0, "[service web] (line 20) has no proto" },
	{ "bad-service-node.conf", 21, "node: delta names no [node NAME] section" },
	{ "bad-shared-address.conf", 17,
	  "addresses: fd00::11 is also an address of node alpha (line 11)" },
	{ "bad-standby-self.conf", 18, "standby: node beta cannot be its own standby" },
	{ "bad-standby-twice.conf", 12, "standby: beta is listed twice" },
	{ "bad-standby-unknown.conf", 12, "standby: delta names no [node NAME] section" },
	{ "bad-syntax.conf", 6, "\"key_file /etc/ipto/key\" is not KEY = VALUE" },
	{ "bad-unclosed.conf", 14, "section header without a closing ]" },
	{ "bad-unknown-key.conf", 7, "unknown key \"intervall_ms\" in [cluster]" },
	{ "bad-unknown-section.conf", 20, "unknown section [nodes gamma]" },
	{ "bad-witness.conf", 7,
	  "witness: 10.0.0.2 is the heartbeat address of node beta (line 17)" },
};

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

static void test_bad(void **state)
{
	const struct bad_case *c = *state;
	struct iptod_config cfg;
	char path[256], err[ERRLEN];

	snprintf(path, sizeof(path), "configs/%s", c->file);
	memset(&cfg, 0xa5, sizeof(cfg));	/* must come back zeroed */
	if (iptod_config_load(path, false, &cfg, err, sizeof(err)) == 0) {
		iptod_config_free(&cfg);
		fail_msg("%s loads without error", path);
	}
	assert_true(is_zeroed(&cfg));
	assert_null(strchr(err, '\n'));
	expect_error_at(path, err, c->line, c->reason);
}

static void test_every_bad_file_has_a_case(void **state)
{
	struct dirent *e;
	unsigned int files = 0;
	size_t i;
	DIR *d;

	(void)state;
	d = opendir("configs");
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool found = false;

		if (strncmp(e->d_name, "bad-", 4) || len < 5 ||
		    strcmp(e->d_name + len - 5, ".conf"))
			continue;
		files++;
		for (i = 0; i < NBAD; i++)
			found |= !strcmp(bad_cases[i].file, e->d_name);
		if (!found)
			fail_msg("configs/%s has no case in bad_cases", e->d_name);
	}
	closedir(d);
	assert_int_equal(files, NBAD);
	assert_true(NBAD >= 15);
}

/* ---- edge cases ------------------------------------------------------- */

/* conn_sync_ms: 0 (off) or 100..60000; conn_sync_max: 1..10000000. */
static void test_conn_sync_keys(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok(CLUSTER "conn_sync_ms = 0\nconn_sync_max = 1\n" ALPHA, &cfg);
	assert_int_equal(cfg.conn_sync_ms, 0);
	assert_int_equal(cfg.conn_sync_max, 1);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER "conn_sync_ms = 60000\nconn_sync_max = 10000000\n" ALPHA, &cfg);
	assert_int_equal(cfg.conn_sync_ms, 60000);
	assert_int_equal(cfg.conn_sync_max, 10000000);
	iptod_config_free(&cfg);
	expect_error(CLUSTER "conn_sync_ms = 99\n" ALPHA, 6, "conn_sync_ms: 99 is out of range");
	expect_error(CLUSTER "conn_sync_ms = 60001\n" ALPHA, 6,
		     "conn_sync_ms: 60001 is out of range");
	expect_error(CLUSTER "conn_sync_ms = soon\n" ALPHA, 6,
		     "conn_sync_ms: \"soon\" is not 0 (off) or a number of milliseconds");
	expect_error(CLUSTER "conn_sync_max = 0\n" ALPHA, 6, "conn_sync_max: 0 is out of range");
}

/* drain_timeout_ms: 0 (at once) .. a day. */
static void test_drain_timeout(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok(CLUSTER "drain_timeout_ms = 0\n" ALPHA, &cfg);
	assert_int_equal(cfg.drain_timeout_ms, 0);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER "drain_timeout_ms = 86400000\n" ALPHA, &cfg);
	assert_int_equal(cfg.drain_timeout_ms, 86400000);
	iptod_config_free(&cfg);
	expect_error(CLUSTER "drain_timeout_ms = 86400001\n" ALPHA, 6,
		     "drain_timeout_ms: 86400001 is out of range");
	expect_error(CLUSTER "drain_timeout_ms = 5s\n" ALPHA, 6,
		     "drain_timeout_ms: \"5s\" is not a number of milliseconds");
}

/* membership: heartbeat (the default) or corosync, which takes no witness. */
static void test_membership(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok(CLUSTER ALPHA, &cfg);
	assert_int_equal(cfg.membership, IPTOD_MEMBERSHIP_HEARTBEAT);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER "membership = corosync\n" ALPHA, &cfg);
	assert_int_equal(cfg.membership, IPTOD_MEMBERSHIP_COROSYNC);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER "membership = heartbeat\n" ALPHA, &cfg);
	assert_int_equal(cfg.membership, IPTOD_MEMBERSHIP_HEARTBEAT);
	iptod_config_free(&cfg);
	expect_error(CLUSTER "membership = pacemaker\n" ALPHA, 6,
		     "membership: \"pacemaker\" is not heartbeat or corosync");
	expect_error(CLUSTER "membership = corosync\nwitness = 10.0.0.254\n" ALPHA BETA, 7,
		     "witness: with membership = corosync, corosync's quorum decides");
}

/* metrics_file: an absolute NAME.prom path; metrics_addresses: 0..65536. */
static void test_metrics_keys(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok(CLUSTER "metrics_file = /var/lib/node-exporter/ipto.prom\n"
		  "metrics_addresses = 0\n" ALPHA, &cfg);
	assert_string_equal(cfg.metrics_file, "/var/lib/node-exporter/ipto.prom");
	assert_int_equal(cfg.metrics_addresses, 0);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER "metrics_addresses = 65536\n" ALPHA, &cfg);
	assert_string_equal(cfg.metrics_file, "");
	assert_int_equal(cfg.metrics_addresses, 65536);
	iptod_config_free(&cfg);
	expect_error(CLUSTER "metrics_addresses = 65537\n" ALPHA, 6,
		     "metrics_addresses: 65537 is out of range (a number of addresses, 0..65536)");
	expect_error(CLUSTER "metrics_addresses = many\n" ALPHA, 6,
		     "metrics_addresses: \"many\" is not a number of addresses");
	expect_error(CLUSTER "metrics_file = ipto.prom\n" ALPHA, 6,
		     "metrics_file: \"ipto.prom\" is not an absolute path");
	expect_error(CLUSTER "metrics_file = /run/ipto.txt\n" ALPHA, 6,
		     "metrics_file: \"/run/ipto.txt\" does not end in NAME.prom");
	expect_error(CLUSTER "metrics_file = /run/.prom\n" ALPHA, 6,
		     "metrics_file: \"/run/.prom\" does not end in NAME.prom");
	expect_error(CLUSTER "metrics_file =\n" ALPHA, 6, "metrics_file: no value");
}

static void test_defaults(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = udp\nport = 53\n", &cfg);
	assert_string_equal(cfg.path, tmpfile_path);
	assert_int_equal(cfg.self, 1);
	assert_int_equal(cfg.port, IPTOD_PORT_DEFAULT);
	assert_int_equal(cfg.interval_ms, 100);
	assert_int_equal(cfg.misses, 3);
	assert_int_equal(cfg.lease_ms, 200);
	assert_int_equal(cfg.failback, IPTO_FAILBACK_AUTO);
	assert_string_equal(cfg.notify, "");
	assert_false(cfg.has_witness);
	assert_int_equal(cfg.conn_sync_ms, 500);
	assert_int_equal(cfg.conn_sync_max, 100000);
	assert_int_equal(cfg.drain_timeout_ms, 60000);
	assert_string_equal(cfg.metrics_file, "");
	assert_int_equal(cfg.metrics_addresses, 256);
	assert_int_equal(cfg.nnodes, 1);
	assert_int_equal(cfg.nodes[0].line, 6);
	assert_int_equal(cfg.nodes[0].nstandby, 0);
	assert_true(cfg.nodes[0].failover);
	assert_int_equal(cfg.nservices, 1);
	assert_int_equal(cfg.services[0].line, 10);
	assert_int_equal(cfg.services[0].action, IPTO_ACTION_REJECT);
	assert_false(cfg.services[0].has_standby);
	assert_false(cfg.services[0].has_failover);
	assert_int_equal(cfg.services[0].check.kind, IPTOD_CHECK_NONE);
	iptod_config_free(&cfg);
}

/* run_as: resolved to ids and groups at load; unknown users and root refused. */
static void test_run_as(void **state)
{
	struct passwd *nobody = getpwnam("nobody");
	struct iptod_config cfg;

	(void)state;
	assert_non_null(nobody);
	expect_ok(CLUSTER "run_as = nobody\n" ALPHA, &cfg);
	assert_string_equal(cfg.run_as.name, "nobody");
	assert_int_equal(cfg.run_as.uid, nobody->pw_uid);
	assert_int_equal(cfg.run_as.gid, nobody->pw_gid);
	assert_true(cfg.run_as.ngroups >= 1);
	assert_int_equal(cfg.run_as.groups[0], nobody->pw_gid);
	iptod_config_free(&cfg);
	expect_ok(CLUSTER ALPHA, &cfg);
	assert_string_equal(cfg.run_as.name, "");	/* iptod's own user */
	iptod_config_free(&cfg);
	expect_error(CLUSTER "run_as = no-such-user-here\n" ALPHA, 6,
		     "run_as: no user \"no-such-user-here\"");
	expect_error(CLUSTER "run_as = root\n" ALPHA, 6,
		     "run_as: \"root\" has uid 0, which keeps every capability; "
		     "leave run_as out to run as iptod's own user");
	expect_error(CLUSTER "run_as = " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "\n" ALPHA, 6, "run_as: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "aaaaaaaaaaaaa\" is too long for a user name");
}

static void test_all_keys(void **state)
{
	struct iptod_config cfg;

	(void)state;
	expect_ok("[cluster]\ndevice = ipto1\nlink = bond0.100\nnode = beta\nport = 9000\n"
		  "interval_ms = 250\nmisses = 5\nlease_ms = 1000\nkey_file = /k\n"
		  "failback = manual\nnotify = /bin/true\nwitness = 10.0.0.254\n"
		  ALPHA "failover = no\nstandby = beta\n"
		  BETA "standby = none\n"
		  "[service s]\nnode = beta\nproto = udp\nport = 1-65535\naction = drop\n"
		  "standby = none\nfailover = off\n", &cfg);
	assert_string_equal(cfg.device, "ipto1");
	assert_string_equal(cfg.link, "bond0.100");
	assert_int_equal(cfg.self, 2);
	assert_int_equal(cfg.port, 9000);
	assert_int_equal(cfg.interval_ms, 250);
	assert_int_equal(cfg.misses, 5);
	assert_int_equal(cfg.lease_ms, 1000);
	assert_string_equal(cfg.key_file, "/k");
	assert_int_equal(cfg.failback, IPTO_FAILBACK_MANUAL);
	assert_string_equal(cfg.notify, "/bin/true");
	assert_true(cfg.has_witness);
	assert_addr(&cfg.witness, "10.0.0.254");
	assert_false(cfg.nodes[0].failover);
	assert_int_equal(cfg.nodes[0].nstandby, 1);
	assert_int_equal(cfg.nodes[0].standby[0], 2);
	assert_int_equal(cfg.nodes[1].nstandby, 0);
	assert_int_equal(cfg.services[0].node, 2);
	assert_int_equal(cfg.services[0].port_min, 1);
	assert_int_equal(cfg.services[0].port_max, 65535);
	assert_int_equal(cfg.services[0].action, IPTO_ACTION_DROP);
	assert_true(cfg.services[0].has_standby);
	assert_int_equal(cfg.services[0].nstandby, 0);
	assert_true(cfg.services[0].has_failover);
	assert_false(cfg.services[0].failover);
	iptod_config_free(&cfg);
}

static void test_lease_bounds(void **state)
{
	static const struct {
		unsigned int interval, misses, lease;	/* lease 0: not given */
		unsigned int want;			/* 0: an error */
		int line;
		const char *reason;
	} cases[] = {
		{ 100, 3, 101, 101, 0, NULL },
		{ 100, 3, 299, 299, 0, NULL },
		{ 100, 3, 0, 200, 0, NULL },
		{ 1000, 2, 0, 1333, 0, NULL },
		{ 10, 10, 0, 66, 0, NULL },
		{ 20, 3, 0, 50, 0, NULL },		/* 40, raised to the kernel's 50 */
		{ 30, 2, 0, 50, 0, NULL },
		{ 10000, 100, 0, 600000, 0, NULL },	/* 666666, cut to the kernel's max */
		{ 10000, 100, 600000, 600000, 0, NULL },
		{ 100, 3, 100, 0, 8, "lease_ms: 100 must be above interval_ms (100)" },
		{ 100, 3, 300, 0, 8, "lease_ms: 300 must be below interval_ms * misses" },
		{ 100, 3, 49, 0, 8, "lease_ms: 49 is out of range" },
		{ 10000, 100, 600001, 0, 8, "lease_ms: 600001 is out of range" },
		{ 10, 5, 0, 0, 7, "misses: interval_ms * misses = 10 * 5 = 50 ms leaves no room" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text t = { 0 };
		struct iptod_config cfg;

		text_add(&t, "[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\n"
			 "key_file = /k\ninterval_ms = %u\nmisses = %u\n",
			 cases[i].interval, cases[i].misses);
		if (cases[i].lease)
			text_add(&t, "lease_ms = %u\n", cases[i].lease);
		text_add(&t, ALPHA);
		if (cases[i].want) {
			expect_ok(t.s, &cfg);
			assert_int_equal(cfg.lease_ms, cases[i].want);
			iptod_config_free(&cfg);
		} else {
			expect_error(t.s, cases[i].line, cases[i].reason);
		}
		free(t.s);
	}
}

static void test_check_tcp(void **state)
{
	static const struct {
		const char *check;
		const char *addr;	/* NULL: an error */
		unsigned int port;
		const char *reason;
	} cases[] = {
		{ "tcp 80", "127.0.0.1", 80, NULL },
		{ "tcp 10.0.0.11:8080", "10.0.0.11", 8080, NULL },
		{ "tcp [::1]:5432", "::1", 5432, NULL },
		{ "tcp [fd00::11]:65535", "fd00::11", 65535, NULL },
		{ "TCP 127.0.0.2:1", "127.0.0.2", 1, NULL },
		{ "tcp fd00::11:80", NULL, 0, "write an IPv6 address and port as [ADDRESS]:PORT" },
		{ "tcp [fd00::11]80", NULL, 0, "is not [IPV6-ADDRESS]:PORT" },
		{ "tcp [10.0.0.1]:80", NULL, 0, "\"10.0.0.1\" is not an IPv6 address" },
		{ "tcp 10.0.0.256:80", NULL, 0, "\"10.0.0.256\" is not an IPv4 address" },
		{ "tcp [fe80::1]:80", NULL, 0, "the address is a link-local address" },
		{ "tcp 0.0.0.0:80", NULL, 0, "the address is unspecified" },
		{ "tcp 224.0.0.1:80", NULL, 0, "the address is a multicast address" },
		{ "tcp 0", NULL, 0, "\"0\" is not a port number (1..65535)" },
		{ "tcp 65536", NULL, 0, "\"65536\" is not a port number" },
		{ "tcp 10.0.0.1:", NULL, 0, "\"\" is not a port number" },
		{ "tcp 80 81", NULL, 0, "a TCP check takes one [ADDRESS:]PORT" },
		{ "tcp", NULL, 0, "check: tcp needs [ADDRESS:]PORT" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text t = { 0 };
		struct iptod_config cfg;

		text_add(&t, CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
			 "check = %s\n", cases[i].check);
		if (cases[i].addr) {
			expect_ok(t.s, &cfg);
			assert_int_equal(cfg.services[0].check.kind, IPTOD_CHECK_TCP);
			assert_addr(&cfg.services[0].check.addr, cases[i].addr);
			assert_int_equal(cfg.services[0].check.port, cases[i].port);
			assert_int_equal(cfg.services[0].check.interval_ms, 1000);
			assert_int_equal(cfg.services[0].check.timeout_ms, 500);
			assert_int_equal(cfg.services[0].check.fall, 3);
			assert_int_equal(cfg.services[0].check.rise, 2);
			iptod_config_free(&cfg);
		} else {
			expect_error(t.s, 14, cases[i].reason);
		}
		free(t.s);
	}
}

static void test_check_timing(void **state)
{
	static const struct {
		const char *keys;
		unsigned int interval, timeout;	/* interval 0: an error */
		int line;
		const char *reason;
	} cases[] = {
		{ "check_interval_ms = 100\n", 100, 50, 0, NULL },
		{ "check_interval_ms = 5000\n", 5000, 1000, 0, NULL },
		{ "check_interval_ms = 3600000\ncheck_timeout_ms = 3599999\n", 3600000, 3599999,
		  0, NULL },
		{ "check_timeout_ms = 10\n", 1000, 10, 0, NULL },
		{ "check_interval_ms = 99\n", 0, 0, 15, "check_interval_ms: 99 is out of range" },
		{ "check_interval_ms = 3600001\n", 0, 0, 15, "out of range" },
		{ "check_timeout_ms = 9\n", 0, 0, 15, "check_timeout_ms: 9 is out of range" },
		{ "check_timeout_ms = 1000\n", 0, 0, 15,
		  "check_timeout_ms: 1000 must be below check_interval_ms (1000)" },
		{ "fall = 0\n", 0, 0, 15, "fall: 0 is out of range" },
		{ "rise = 101\n", 0, 0, 15, "rise: 101 is out of range" },
		{ "fall = -1\n", 0, 0, 15, "fall: \"-1\" is not a number of checks (1..100)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text t = { 0 };
		struct iptod_config cfg;

		text_add(&t, CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
			 "check = tcp 80\n%s", cases[i].keys);
		if (cases[i].interval) {
			expect_ok(t.s, &cfg);
			assert_int_equal(cfg.services[0].check.interval_ms, cases[i].interval);
			assert_int_equal(cfg.services[0].check.timeout_ms, cases[i].timeout);
			iptod_config_free(&cfg);
		} else {
			expect_error(t.s, cases[i].line, cases[i].reason);
		}
		free(t.s);
	}
}

static void test_check_exec(void **state)
{
	struct iptod_config cfg;
	unsigned int i;

	(void)state;
	/* 16 words, over three lines, a comment among them */
	expect_ok(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
		  "check = exec /bin/c 1 2 3 4 5\n  6 7 8 9 10   ; more to come\n"
		  "# the last ones\n\t11 12 13 14 15\n", &cfg);
	assert_int_equal(cfg.services[0].check.kind, IPTOD_CHECK_EXEC);
	assert_string_equal(cfg.services[0].check.argv[0], "/bin/c");
	for (i = 1; i < IPTOD_ARGS_MAX; i++) {
		char word[8];

		snprintf(word, sizeof(word), "%u", i);
		assert_string_equal(cfg.services[0].check.argv[i], word);
	}
	assert_null(cfg.services[0].check.argv[IPTOD_ARGS_MAX]);
	iptod_config_free(&cfg);

	expect_error(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
		     "check = exec /bin/c 1 2 3 4 5 6 7 8 9 10\n 11 12 13 14 15 16\n", 15,
		     "check: more than 16 words (the path and 15 arguments)");
	expect_error(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
		     "check = exec\n", 14, "check: exec needs the absolute path of a program");
	/* a TCP check takes no continuation */
	expect_error(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 80\n"
		     "check = tcp 80\n  81\n", 15, "continues the value of check, which takes one");
}

/* A name of len characters: a, b, ... */
static const char *name_of(unsigned int len)
{
	static char buf[64];
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + i % 26);
	buf[len] = '\0';
	return buf;
}

static void test_name_lengths(void **state)
{
	struct iptod_config cfg;
	struct text t = { 0 };

	(void)state;
	text_add(&t, "[cluster]\ndevice = %.15s\nlink = eth0\nnode = %s\nkey_file = /k\n",
		 "ipto-0123456789abcdef", name_of(IPTO_NODE_NAME_LEN - 1));
	text_add(&t, "[node %s]\nid = 1\nheartbeat = 10.0.0.1\naddresses = 10.0.0.11\n",
		 name_of(IPTO_NODE_NAME_LEN - 1));
	text_add(&t, "[service %s]\nnode = %s\nproto = tcp\nport = 1\n",
		 name_of(IPTO_SERVICE_NAME_LEN - 1), name_of(IPTO_NODE_NAME_LEN - 1));
	expect_ok(t.s, &cfg);
	assert_int_equal(strlen(cfg.device), IF_NAMESIZE - 1);
	assert_int_equal(strlen(cfg.nodes[0].name), IPTO_NODE_NAME_LEN - 1);
	assert_int_equal(strlen(cfg.services[0].name), IPTO_SERVICE_NAME_LEN - 1);
	iptod_config_free(&cfg);
	free(t.s);

	t = (struct text){ 0 };
	text_add(&t, CLUSTER ALPHA "[node %s]\n", name_of(IPTO_NODE_NAME_LEN));
	expect_error(t.s, 10, "is not a node name (1 to 31 letters");
	free(t.s);
	t = (struct text){ 0 };
	text_add(&t, CLUSTER ALPHA "[service %s]\n", name_of(IPTO_SERVICE_NAME_LEN));
	expect_error(t.s, 10, "is not a service name (1 to 31 letters");
	free(t.s);
	t = (struct text){ 0 };
	text_add(&t, "[cluster]\nlink = %s\n", name_of(IF_NAMESIZE));
	expect_error(t.s, 2, "link: \"abcdefghijklmnop\" is not an interface name");
	free(t.s);
	expect_error("[cluster]\nnode = al pha\n", 2, "node: \"al pha\" is not a node name");
	expect_error(CLUSTER ALPHA "[node]\n", 10, "[node]: the section needs a name");
	expect_error(CLUSTER ALPHA "[node none]\n", 10, "the name none is reserved");
	expect_error("[cluster x]\n", 1, "the cluster section takes no name");
	expect_error("[cluster] trailing\n", 1, "text after the section header");
}

/* n nodes n1..n<n>, node n1 this one; extra goes into [node n1]. */
static void nodes_text(struct text *t, unsigned int n, const char *extra)
{
	unsigned int i;

	text_add(t, "[cluster]\ndevice = ipto0\nlink = eth0\nnode = n1\nkey_file = /k\n");
	for (i = 1; i <= n; i++)
		text_add(t, "[node n%u]\nid = %u\nheartbeat = 10.1.%u.%u\n"
			 "addresses = 10.2.%u.%u\n%s", i, i, i / 256, i % 256, i / 256, i % 256,
			 i == 1 ? extra : "");
}

static void test_limits_nodes_standby(void **state)
{
	struct iptod_config cfg;
	struct text t = { 0 }, sb = { 0 };
	unsigned int i;

	(void)state;
	nodes_text(&t, IPTO_NODES_MAX, "");
	expect_ok(t.s, &cfg);
	assert_int_equal(cfg.nnodes, IPTO_NODES_MAX);
	assert_int_equal(cfg.nodes[IPTO_NODES_MAX - 1].id, IPTO_NODES_MAX);
	assert_ptr_equal(iptod_config_node(&cfg, IPTO_NODES_MAX), &cfg.nodes[IPTO_NODES_MAX - 1]);
	iptod_config_free(&cfg);
	free(t.s);

	t = (struct text){ 0 };
	nodes_text(&t, IPTO_NODES_MAX + 1, "");
	/* 5 lines of [cluster], 4 per node */
	expect_error(t.s, 6 + 4 * IPTO_NODES_MAX, "[node n65]: more than 64 nodes");
	free(t.s);

	/* standby: 16 nodes, over two lines */
	text_add(&sb, "standby = n2");
	for (i = 3; i <= IPTO_STANDBY_MAX + 1; i++)
		text_add(&sb, i == 10 ? ",\n  n%u" : ", n%u", i);
	text_add(&sb, "\n");
	t = (struct text){ 0 };
	nodes_text(&t, IPTO_STANDBY_MAX + 2, sb.s);
	expect_ok(t.s, &cfg);
	assert_int_equal(cfg.nodes[0].nstandby, IPTO_STANDBY_MAX);
	for (i = 0; i < IPTO_STANDBY_MAX; i++)
		assert_int_equal(cfg.nodes[0].standby[i], i + 2);
	iptod_config_free(&cfg);
	free(t.s);

	text_add(&sb, "  n%u\n", IPTO_STANDBY_MAX + 2);
	t = (struct text){ 0 };
	nodes_text(&t, IPTO_STANDBY_MAX + 2, sb.s);
	expect_error(t.s, 12, "standby: more than 16 standby nodes");
	free(t.s);
	free(sb.s);
}

static void test_limits_services(void **state)
{
	struct iptod_config cfg;
	struct text t = { 0 };
	unsigned int i;

	(void)state;
	text_add(&t, CLUSTER ALPHA);
	for (i = 1; i <= IPTO_SERVICES_MAX; i++)
		text_add(&t, "[service s%u]\nnode = alpha\nproto = %s\nport = %u\n", i,
			 i % 2 ? "tcp" : "udp", i);
	expect_ok(t.s, &cfg);
	assert_int_equal(cfg.nservices, IPTO_SERVICES_MAX);
	assert_string_equal(cfg.services[IPTO_SERVICES_MAX - 1].name, "s1024");
	assert_int_equal(cfg.services[IPTO_SERVICES_MAX - 1].port_min, 1024);
	assert_int_equal(cfg.services[IPTO_SERVICES_MAX - 1].proto, IPPROTO_UDP);
	iptod_config_free(&cfg);
	text_add(&t, "[service extra]\n");
	expect_error(t.s, 10 + 4 * IPTO_SERVICES_MAX, "[service extra]: more than 1024 services");
	free(t.s);
}

static void test_limits_addresses(void **state)
{
	struct iptod_config cfg;
	struct text t = { 0 };
	unsigned int i, line;

	(void)state;
	text_add(&t, CLUSTER "[node alpha]\nid = 1\nheartbeat = 10.0.0.1\naddresses =");
	for (i = 0; i < IPTO_NODE_ADDRS_MAX; i++)
		text_add(&t, i % 8 == 7 ? " fd00::1:%x,\n\t" : " fd00::1:%x,", i);
	expect_ok(t.s, &cfg);
	assert_int_equal(cfg.nodes[0].naddrs, IPTO_NODE_ADDRS_MAX);
	assert_addr(&cfg.nodes[0].addrs[0], "fd00::1:0");
	assert_addr(&cfg.nodes[0].addrs[IPTO_NODE_ADDRS_MAX - 1], "fd00::1:3fff");
	iptod_config_free(&cfg);
	text_add(&t, "10.9.9.9\n");
	line = 9 + IPTO_NODE_ADDRS_MAX / 8;
	expect_error(t.s, (int)line, "addresses: more than 16384 addresses");
	free(t.s);

	/* the same address twice in one node; the first duplicate line wins */
	expect_error(CLUSTER "[node alpha]\nid = 1\nheartbeat = 10.0.0.1\n"
		     "addresses = 10.0.0.11, 10.0.0.12,\n  10.0.0.12,\n  10.0.0.11\n", 10,
		     "addresses: 10.0.0.12 is listed twice (first on line 9)");
	expect_error(CLUSTER ALPHA "addresses = 10.0.0.13\n", 10,
		     "addresses given twice in [node alpha] (first on line 9)");
	expect_error(CLUSTER ALPHA "[node beta]\nid = 2\nheartbeat = 10.0.0.2\naddresses =\n",
		     13, "addresses: no value");
	expect_error(CLUSTER ALPHA "[node beta]\nid = 2\nheartbeat = 10.0.0.2\n"
		     "addresses = ::ffff:10.0.0.9\n", 13, "is an IPv4-mapped address");
	expect_error(CLUSTER ALPHA "[node beta]\nid = 2\nheartbeat = 10.0.0.2\n"
		     "addresses = 255.255.255.255\n", 13, "is the broadcast address");
	expect_error(CLUSTER ALPHA "[node beta]\nid = 2\nheartbeat = 10.0.0.2\n"
		     "addresses = 0.1.2.3\n", 13, "is unspecified (0.0.0.0/8)");
	expect_error(CLUSTER ALPHA "[node beta]\nid = 2\nheartbeat = ::\n", 12,
		     "heartbeat: :: is the unspecified address");
}

static void test_line_length(void **state)
{
	struct iptod_config cfg;
	struct text t = { 0 };

	(void)state;
	/* inih's buffer holds 200 bytes: 197 characters, CR, LF and NUL */
	text_add(&t, CLUSTER ALPHA "# %0*d\r\n", 195, 0);
	expect_ok(t.s, &cfg);
	iptod_config_free(&cfg);
	free(t.s);
	t = (struct text){ 0 };
	text_add(&t, CLUSTER ALPHA "# %0*d\n", 196, 0);
	expect_error(t.s, 10, "the line is 198 characters long, at most 197 fit");
	free(t.s);
	/* Trailing CRs are not part of the line: 300 of them fit (found by
	 * selftests/fuzz/config_fuzz: they overran inih's buffer). */
	t = (struct text){ 0 };
	text_add(&t, CLUSTER ALPHA "# %0*d%0*d\n", 195, 0, 300, 0);
	for (char *c = t.s + strlen(t.s) - 301; *c != '\n'; c++)
		*c = '\r';
	expect_ok(t.s, &cfg);
	iptod_config_free(&cfg);
	free(t.s);
}

static void test_syntax_variants(void **state)
{
	struct iptod_config cfg;
	char err[ERRLEN];
	static const char nul[] = "[cluster]\ndevice = ip\0to0\n";

	(void)state;
	/*
	 * BOM, CRLF, comments of both kinds, indented comments, a key and value
	 * split by ':', spaces in a section header, keywords in capitals
	 */
	expect_ok("\xef\xbb\xbf; generated\r\n[cluster]\r\n  # indented comment\r\n"
		  "device = ipto0 ; inline\r\nlink=eth0\r\nnode: alpha\r\n"
		  "notify = /bin/notify#1\r\n"
		  "key_file = /k # a comment\r\nfailback = MANUAL\r\n"
		  "[  node   alpha  ]   ; comment\r\nid = 1\r\nheartbeat = fd00::1\r\n"
		  "addresses = 10.0.0.11,\r\n  ; a comment inside the list\r\n\r\n"
		  "  fd00::11 ; the last one\r\nfailover = On\r\n", &cfg);
	assert_string_equal(cfg.device, "ipto0");
	assert_string_equal(cfg.link, "eth0");
	assert_string_equal(cfg.notify, "/bin/notify#1");	/* no space before # */
	assert_string_equal(cfg.key_file, "/k");
	assert_int_equal(cfg.failback, IPTO_FAILBACK_MANUAL);
	assert_addr(&cfg.nodes[0].heartbeat, "fd00::1");
	assert_int_equal(cfg.nodes[0].naddrs, 2);
	assert_addr(&cfg.nodes[0].addrs[1], "fd00::11");
	assert_true(cfg.nodes[0].failover);
	iptod_config_free(&cfg);

	/* an indented line right after a section header is no continuation */
	expect_ok(CLUSTER "[node alpha]\n  id = 1\nheartbeat = 10.0.0.1\n"
		  "addresses = 10.0.0.11\n", &cfg);
	iptod_config_free(&cfg);

	write_file(nul, sizeof(nul) - 1);
	assert_int_equal(iptod_config_load(tmpfile_path, false, &cfg, err, sizeof(err)), -1);
	expect_error_at(tmpfile_path, err, 2, "the line holds a NUL byte");
	assert_true(is_zeroed(&cfg));

	expect_error("", 0, "no [cluster] section");
	expect_error("[cluster]\n= x\n", 2, "unknown key \"\" in [cluster]");
	expect_error("[cluster]\nDevice = ipto0\n", 2, "unknown key \"Device\"");
	expect_error("[cluster]\ndevice = ipto0\nport = 7410\nport = 7411\n", 4,
		     "port given twice in [cluster] (first on line 3)");
	expect_error("[cluster]\nport = +80\n", 2, "port: \"+80\" is not a port number");
	expect_error("[cluster]\nport = 0x50\n", 2, "port: \"0x50\" is not a port number");
	expect_error("[cluster]\nport = 99999999999999999999\n", 2,
		     "port: \"99999999999999999999\" is not a port number");
	expect_error("[cluster]\nport = 8 0\n", 2, "port: \"8 0\" is not a port number");
}

static void test_booleans(void **state)
{
	static const struct {
		const char *text;
		bool value;
	} cases[] = {
		{ "yes", true }, { "on", true }, { "true", true }, { "1", true }, { "YES", true },
		{ "no", false }, { "off", false }, { "false", false }, { "0", false },
		{ "False", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iptod_config cfg;
		struct text t = { 0 };

		text_add(&t, CLUSTER ALPHA "failover = %s\n", cases[i].text);
		expect_ok(t.s, &cfg);
		assert_int_equal(cfg.nodes[0].failover, cases[i].value);
		iptod_config_free(&cfg);
		free(t.s);
	}
	expect_error(CLUSTER ALPHA "failover = y\n", 10, "failover: \"y\" is not yes or no");
	expect_error(CLUSTER ALPHA "failover = 2\n", 10, "failover: \"2\" is not yes or no");
}

static void test_key_optional(void **state)
{
	static const char text[] = "[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\n"
				   ALPHA;
	struct iptod_config cfg;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(load_text(text, false, &cfg, err), -1);
	expect_error_at(tmpfile_path, err, 0, "[cluster] (line 1) has no key_file");
	assert_int_equal(load_text(text, true, &cfg, err), 0);
	assert_string_equal(cfg.key_file, "");
	iptod_config_free(&cfg);
	/* with allow_no_key a key_file is still checked, and used */
	assert_int_equal(load_text(CLUSTER ALPHA, true, &cfg, err), 0);
	assert_string_equal(cfg.key_file, "/etc/ipto/key");
	iptod_config_free(&cfg);
}

static void test_cross_references(void **state)
{
	struct iptod_config cfg;

	(void)state;
	/* a service's standby list may not name the service's own node */
	expect_error(CLUSTER ALPHA BETA "[service s]\nnode = alpha\nproto = tcp\nport = 1\n"
		     "standby = beta,\n  alpha\n", 19,
		     "standby: alpha is the service's own node, which cannot be its standby");
	expect_error(CLUSTER ALPHA BETA "[service s]\nnode = alpha\nproto = tcp\nport = 1\n"
		     "standby = gamma\n", 18, "standby: gamma names no [node NAME] section");
	expect_error(CLUSTER ALPHA BETA "[service s]\nnode = alpha\nproto = tcp\nport = 1\n"
		     "standby =\n", 18, "standby: no value");
	expect_error(CLUSTER ALPHA "standby = ,beta\n", 10, "standby: empty entry");
	expect_ok(CLUSTER ALPHA BETA "standby = alpha\n[service s]\nnode = beta\nproto = tcp\n"
		  "port = 1\nstandby = alpha\n", &cfg);
	assert_int_equal(cfg.nodes[1].nstandby, 1);
	assert_int_equal(cfg.nodes[1].standby[0], 1);
	assert_int_equal(cfg.services[0].node, 2);
	assert_true(cfg.services[0].has_standby);
	assert_int_equal(cfg.services[0].nstandby, 1);
	assert_int_equal(cfg.services[0].standby[0], 1);
	iptod_config_free(&cfg);
	/* a witness only for two nodes, of the heartbeats' family */
	expect_error("[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\nkey_file = /k\n"
		     "witness = 10.0.0.254\n" ALPHA BETA "[node gamma]\nid = 3\n"
		     "heartbeat = 10.0.0.3\naddresses = 10.0.0.13\n", 6,
		     "witness: only a two-node cluster takes a witness (this one has 3 nodes: "
		     "its majority decides)");
	expect_error("[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\nkey_file = /k\n"
		     "witness = 10.0.0.254\n" ALPHA, 6,
		     "witness: only a two-node cluster takes a witness (this one has 1 node)");
	expect_error("[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\nkey_file = /k\n"
		     "witness = fd00::fe\n" ALPHA BETA, 6,
		     "witness: fd00::fe is not of the heartbeats' family (IPv4), over which the "
		     "peer is pinged too");
	/* the witness may not be a home address either */
	expect_error("[cluster]\ndevice = ipto0\nlink = eth0\nnode = alpha\nkey_file = /k\n"
		     "witness = 10.0.0.11\n" ALPHA, 6,
		     "witness: 10.0.0.11 is a home address of node alpha (line 10)");
	/* a service of another node may share the name a node has */
	expect_ok(CLUSTER ALPHA BETA "[service alpha]\nnode = beta\nproto = tcp\nport = 1\n",
		  &cfg);
	iptod_config_free(&cfg);
	expect_error(CLUSTER ALPHA "[service s]\nnode = alpha\nproto = tcp\nport = 1\n"
		     "[service s]\n", 14, "[service s] given twice (first on line 10)");
	expect_error(CLUSTER ALPHA "[service s]\nnode = alpha\nport = 1\n", 0,
		     "[service s] (line 10) has no proto");
}

static void test_missing_file(void **state)
{
	struct iptod_config cfg;
	char err[ERRLEN];

	(void)state;
	memset(&cfg, 1, sizeof(cfg));
	assert_int_equal(iptod_config_load("/nonexistent/iptod.conf", false, &cfg, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/iptod.conf:0: cannot open: No such file or "
			    "directory");
	assert_true(is_zeroed(&cfg));
	assert_int_equal(iptod_config_load(tmpdir, false, &cfg, err, sizeof(err)), -1);
	expect_error_at(tmpdir, err, 0, "cannot read: Is a directory");
	assert_true(is_zeroed(&cfg));
	/* a short buffer gets a truncated, terminated message */
	assert_int_equal(iptod_config_load("/nonexistent/iptod.conf", false, &cfg, err, 8), -1);
	assert_string_equal(err, "/nonexi");
	iptod_config_free(&cfg);	/* freeing an empty one is fine */
}

static void test_equal(void **state)
{
	static const char base[] = CLUSTER ALPHA "standby = beta\n" BETA
		"[node gamma]\nid = 3\nheartbeat = 10.0.0.3\naddresses = 10.0.0.13\n"
		"[service s]\nnode = alpha\nproto = tcp\nport = 80\n";
	static const struct {
		const char *from, *to;	/* a change of base */
		bool node_equal, service_equal;
	} cases[] = {
		{ "heartbeat = 10.0.0.1\n", "heartbeat = 10.0.0.9\n", true, true },
		{ "addresses = 10.0.0.11\n", "addresses = 10.0.0.11, 10.0.0.21\n", false, true },
		{ "addresses = 10.0.0.11\n", "addresses = 10.0.0.21\n", false, true },
		{ "standby = beta\n", "standby = beta, gamma\n", false, true },
		{ "standby = beta\n", "standby = gamma\n", false, true },
		{ "standby = beta\n", "failover = no\nstandby = beta\n", false, true },
		{ "port = 80\n", "port = 80\ncheck = tcp 80\nfall = 5\n", true, true },
		{ "port = 80\n", "port = 80-81\n", true, false },
		{ "port = 80\n", "port = 80\naction = serve\n", true, false },
		{ "port = 80\n", "port = 80\nstandby = beta\n", true, false },
		{ "port = 80\n", "port = 80\nstandby = none\n", true, false },
		{ "port = 80\n", "port = 80\nfailover = yes\n", true, false },
		{ "proto = tcp\n", "proto = udp\n", true, false },
		{ "node = alpha\nproto", "node = beta\nproto", true, false },
		{ "[service s]", "[service t]", true, false },
	};
	struct iptod_config a, b;
	size_t i;

	(void)state;
	expect_ok(base, &a);
	expect_ok(base, &b);
	assert_true(iptod_node_equal(&a.nodes[0], &b.nodes[0]));
	assert_false(iptod_node_equal(&a.nodes[0], &b.nodes[1]));
	assert_true(iptod_service_equal(&a.services[0], &b.services[0]));
	iptod_config_free(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *at = strstr(base, cases[i].from);
		struct text t = { 0 };

		assert_non_null(at);
		text_add(&t, "%.*s%s%s", (int)(at - base), base, cases[i].to,
			 at + strlen(cases[i].from));
		expect_ok(t.s, &b);
		if (iptod_node_equal(&a.nodes[0], &b.nodes[0]) != cases[i].node_equal ||
		    iptod_service_equal(&a.services[0], &b.services[0]) != cases[i].service_equal)
			fail_msg("\"%s\" -> \"%s\": node equal %d, service equal %d", cases[i].from,
				 cases[i].to, iptod_node_equal(&a.nodes[0], &b.nodes[0]),
				 iptod_service_equal(&a.services[0], &b.services[0]));
		iptod_config_free(&b);
		free(t.s);
	}
	iptod_config_free(&a);
}

static void test_lookup_and_format(void **state)
{
	struct iptod_config cfg;
	struct iptod_addr none = { 0 };
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	expect_ok(CLUSTER ALPHA "[node beta]\nid = 65535\nheartbeat = 10.0.0.2\n"
		  "addresses = 2001:db8:0:0:0:0:0:1\n", &cfg);
	assert_ptr_equal(iptod_config_node(&cfg, 1), &cfg.nodes[0]);
	assert_ptr_equal(iptod_config_node(&cfg, 65535), &cfg.nodes[1]);
	assert_null(iptod_config_node(&cfg, 2));
	assert_null(iptod_config_node(&cfg, 0));
	assert_addr(&cfg.nodes[1].addrs[0], "2001:db8::1");	/* as ip(8) writes it */
	assert_string_equal(iptod_addr_str(&none, buf, sizeof(buf)), "none");
	iptod_config_free(&cfg);
	expect_error(CLUSTER ALPHA "[node beta]\nid = 0\n", 11, "id: 0 is out of range");
}

int main(void)
{
	enum { NFIXED = 25 };
	struct CMUnitTest tests[NBAD + NFIXED];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	tests[n].name = "the example loads and gives the expected table";
	tests[n++].test_func = test_example;
	for (i = 0; i < NBAD; i++) {
		tests[n].name = bad_cases[i].file;
		tests[n].test_func = test_bad;
		tests[n++].initial_state = (void *)&bad_cases[i];
	}
	tests[n].name = "every configs/bad-*.conf has a case";
	tests[n++].test_func = test_every_bad_file_has_a_case;
	tests[n].name = "defaults";
	tests[n++].test_func = test_defaults;
	tests[n].name = "conn_sync_ms and conn_sync_max take their ranges";
	tests[n++].test_func = test_conn_sync_keys;
	tests[n].name = "drain_timeout_ms takes its range";
	tests[n++].test_func = test_drain_timeout;
	tests[n].name = "membership: heartbeat or corosync, no witness with corosync";
	tests[n++].test_func = test_membership;
	tests[n].name = "metrics_file and metrics_addresses";
	tests[n++].test_func = test_metrics_keys;
	tests[n].name = "every key";
	tests[n++].test_func = test_all_keys;
	tests[n].name = "run_as: resolved, unknown user, root, too long";
	tests[n++].test_func = test_run_as;
	tests[n].name = "lease bounds and default";
	tests[n++].test_func = test_lease_bounds;
	tests[n].name = "tcp checks: addresses, ports, IPv6";
	tests[n++].test_func = test_check_tcp;
	tests[n].name = "check interval, timeout, fall, rise";
	tests[n++].test_func = test_check_timing;
	tests[n].name = "exec checks: words, continuation, limits";
	tests[n++].test_func = test_check_exec;
	tests[n].name = "name and path lengths";
	tests[n++].test_func = test_name_lengths;
	tests[n].name = "limits: 64 nodes, 16 standby nodes";
	tests[n++].test_func = test_limits_nodes_standby;
	tests[n].name = "limits: 1024 services";
	tests[n++].test_func = test_limits_services;
	tests[n].name = "limits: 16384 addresses, duplicates, unusable addresses";
	tests[n++].test_func = test_limits_addresses;
	tests[n].name = "line length";
	tests[n++].test_func = test_line_length;
	tests[n].name = "syntax: BOM, CRLF, comments, continuation, numbers";
	tests[n++].test_func = test_syntax_variants;
	tests[n].name = "booleans";
	tests[n++].test_func = test_booleans;
	tests[n].name = "key_file optional with allow_no_key";
	tests[n++].test_func = test_key_optional;
	tests[n].name = "cross references: standby, service node, witness";
	tests[n++].test_func = test_cross_references;
	tests[n].name = "missing file, directory, short error buffer";
	tests[n++].test_func = test_missing_file;
	tests[n].name = "iptod_node_equal, iptod_service_equal";
	tests[n++].test_func = test_equal;
	tests[n].name = "iptod_config_node, iptod_addr_str";
	tests[n++].test_func = test_lookup_and_format;
	assert_true(n <= sizeof(tests) / sizeof(tests[0]));
	return _cmocka_run_group_tests("iptod_config", tests, n, group_setup, group_teardown);
}
