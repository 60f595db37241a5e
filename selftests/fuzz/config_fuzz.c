// SPDX-License-Identifier: GPL-2.0
/*
 * config_fuzz.c - libFuzzer harness of iptod's configuration parser
 * (userland/iptod/config*.c).  Each input is the contents of a config file,
 * written to a memfd and loaded through /proc/self/fd/N, once as iptod
 * does by default (key_file required) and once as with --insecure.  Beyond
 * the sanitizers, a finding is:
 *   - a result other than 0 or -1; a failure without "PATH:LINE: reason" in
 *     err, or that leaves the config non-empty; a success with err set;
 *   - a success that breaks what config.h promises: this node and at least
 *     one node present, node ids in 1..65535 and distinct, names distinct
 *     and terminated, at least one address each, standby lists naming other
 *     known nodes, no repeats, interval_ms < lease_ms < interval_ms * misses
 *     (computed without overflow), device != link, a key file unless
 *     insecure, services naming a known node with a valid protocol and port
 *     range;
 *   - a file accepted by default but refused with --insecure, or loaded to
 *     different node or service tables.
 * A finding aborts, so libFuzzer saves the input.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define finding(...) do {						\
	fprintf(stderr, "config_fuzz: FINDING: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define ERRLEN 512

static int conf_fd = -1;
static char conf_path[64];

static void open_memfd(void)
{
	conf_fd = memfd_create("iptod-fuzz.conf", MFD_CLOEXEC);
	if (conf_fd < 0) {
		perror("config_fuzz: memfd_create");
		exit(1);
	}
	snprintf(conf_path, sizeof(conf_path), "/proc/self/fd/%d", conf_fd);
}

static void write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(conf_fd, 0) < 0) {
		perror("config_fuzz: ftruncate");
		exit(1);
	}
	while (done < size) {
		ssize_t n = pwrite(conf_fd, data + done, size - done, (off_t)done);

		if (n <= 0) {
			perror("config_fuzz: pwrite");
			exit(1);
		}
		done += (size_t)n;
	}
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_standby(const struct iptod_config *cfg, const char *owner,
			  uint32_t self_id, const uint32_t *ids, unsigned int n)
{
	if (n > IPTO_STANDBY_MAX)
		finding("%s: %u standby nodes", owner, n);
	for (unsigned int i = 0; i < n; i++) {
		if (!iptod_config_node(cfg, ids[i]))
			finding("%s: standby id %u is no node", owner, ids[i]);
		if (ids[i] == self_id)
			finding("%s: standby names its own node %u", owner, ids[i]);
		for (unsigned int j = 0; j < i; j++) {
			if (ids[j] == ids[i])
				finding("%s: standby names %u twice", owner, ids[i]);
		}
	}
}

static void check_loaded(const struct iptod_config *cfg, bool allow_no_key)
{
	char addr[INET6_ADDRSTRLEN];

	if (cfg->nnodes < 1 || cfg->nnodes > IPTO_NODES_MAX)
		finding("loaded with %u nodes", cfg->nnodes);
	if (!iptod_config_node(cfg, cfg->self))
		finding("this node's id %u is no node", cfg->self);
	if (!terminated(cfg->device, sizeof(cfg->device)) || !cfg->device[0] ||
	    !terminated(cfg->link, sizeof(cfg->link)) || !cfg->link[0] ||
	    !strcmp(cfg->device, cfg->link))
		finding("device \"%.*s\" / link \"%.*s\"", (int)sizeof(cfg->device),
			cfg->device, (int)sizeof(cfg->link), cfg->link);
	if (!terminated(cfg->key_file, sizeof(cfg->key_file)) ||
	    !terminated(cfg->notify, sizeof(cfg->notify)))
		finding("key_file or notify not terminated");
	if (!allow_no_key && !cfg->key_file[0])
		finding("loaded without key_file although one is required");
	if (!(cfg->lease_ms > cfg->interval_ms &&
	      (uint64_t)cfg->lease_ms < (uint64_t)cfg->interval_ms * cfg->misses))
		finding("lease_ms %u outside (interval_ms %u, interval_ms * misses %llu)",
			cfg->lease_ms, cfg->interval_ms,
			(unsigned long long)cfg->interval_ms * cfg->misses);
	if (cfg->has_witness)
		iptod_addr_str(&cfg->witness, addr, sizeof(addr));

	for (unsigned int i = 0; i < cfg->nnodes; i++) {
		const struct iptod_node *n = &cfg->nodes[i];

		if (!terminated(n->name, sizeof(n->name)) || !n->name[0])
			finding("node %u: bad name", i);
		if (n->id < 1 || n->id > IPTO_NODE_ID_MAX)
			finding("node %s: id %u", n->name, n->id);
		if (iptod_config_node(cfg, n->id) != n)
			finding("node %s: id %u is not the first node with it", n->name, n->id);
		for (unsigned int j = 0; j < i; j++) {
			if (!strcmp(cfg->nodes[j].name, n->name))
				finding("two nodes named %s", n->name);
		}
		if (n->naddrs < 1 || !n->addrs)
			finding("node %s: no address", n->name);
		for (unsigned int j = 0; j < n->naddrs; j++)
			iptod_addr_str(&n->addrs[j], addr, sizeof(addr));
		iptod_addr_str(&n->heartbeat, addr, sizeof(addr));
		check_standby(cfg, n->name, n->id, n->standby, n->nstandby);
		if (!iptod_node_equal(n, n))
			finding("node %s differs from itself", n->name);
	}
	for (unsigned int i = 0; i < cfg->nservices; i++) {
		const struct iptod_service *s = &cfg->services[i];

		if (!terminated(s->name, sizeof(s->name)) || !s->name[0])
			finding("service %u: bad name", i);
		if (!iptod_config_node(cfg, s->node))
			finding("service %s: node %u is no node", s->name, s->node);
		if (s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP)
			finding("service %s: proto %u", s->name, s->proto);
		if (s->port_min > s->port_max)
			finding("service %s: ports %u-%u", s->name, s->port_min, s->port_max);
		if (s->has_standby)
			check_standby(cfg, s->name, s->node, s->standby, s->nstandby);
		if (!iptod_service_equal(s, s))
			finding("service %s differs from itself", s->name);
	}
}

static int load(bool allow_no_key, struct iptod_config *cfg)
{
	static const struct iptod_config zero;
	char err[ERRLEN];
	int ret;

	memset(err, 'x', sizeof(err));
	ret = iptod_config_load(conf_path, allow_no_key, cfg, err, sizeof(err));
	if (!terminated(err, sizeof(err)))
		finding("err not terminated");
	if (ret == 0) {
		if (err[0])
			finding("loaded, yet err says \"%s\"", err);
		check_loaded(cfg, allow_no_key);
	} else if (ret == -1) {
		size_t plen = strlen(conf_path);

		if (strncmp(err, conf_path, plen) || err[plen] != ':' ||
		    !strchr(err + plen + 1, ':'))
			finding("refused with err \"%s\", not PATH:LINE: reason", err);
		if (memcmp(cfg, &zero, sizeof(zero)))
			finding("refused (%s), yet the config is not empty", err);
	} else {
		finding("iptod_config_load returned %d", ret);
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iptod_config strict, insecure;
	int strict_ret, insecure_ret;

	if (conf_fd < 0)
		open_memfd();
	write_input(data, size);

	strict_ret = load(false, &strict);
	insecure_ret = load(true, &insecure);
	if (strict_ret == 0 && insecure_ret != 0)
		finding("accepted with key_file required, refused with --insecure");
	if (strict_ret == 0) {
		if (strict.nnodes != insecure.nnodes ||
		    strict.nservices != insecure.nservices || strict.self != insecure.self)
			finding("--insecure loads other tables");
		for (unsigned int i = 0; i < strict.nnodes; i++) {
			if (!iptod_node_equal(&strict.nodes[i], &insecure.nodes[i]))
				finding("--insecure loads node %s otherwise",
					strict.nodes[i].name);
		}
		for (unsigned int i = 0; i < strict.nservices; i++) {
			if (!iptod_service_equal(&strict.services[i], &insecure.services[i]))
				finding("--insecure loads service %s otherwise",
					strict.services[i].name);
		}
	}
	if (strict_ret == 0)
		iptod_config_free(&strict);
	if (insecure_ret == 0)
		iptod_config_free(&insecure);
	return 0;
}
