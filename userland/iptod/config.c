// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - iptod's loaded configuration as the rest of iptod uses it:
 * freed, a node found by id, an address written out or compared.  Reading
 * the file is config_parse.c's, checking it config_check.c's, comparing
 * two of them on a reload config_diff.c's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void iptod_config_free(struct iptod_config *cfg)
{
	unsigned int i, j;

	if (cfg->nodes) {
		for (i = 0; i < cfg->nnodes; i++)
			free(cfg->nodes[i].addrs);
	}
	if (cfg->services) {
		for (i = 0; i < cfg->nservices; i++) {
			for (j = 0; j < IPTOD_ARGS_MAX; j++)
				free(cfg->services[i].check.argv[j]);
		}
	}
	free(cfg->nodes);
	free(cfg->services);
	memset(cfg, 0, sizeof(*cfg));
}

const struct iptod_node *iptod_config_node(const struct iptod_config *cfg, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < cfg->nnodes; i++) {
		if (cfg->nodes[i].id == id)
			return &cfg->nodes[i];
	}
	return NULL;
}

bool iptod_addr_equal(const struct iptod_addr *a, const struct iptod_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	if (a->family == AF_INET6)
		return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return true;
}

const char *iptod_addr_str(const struct iptod_addr *a, char *buf, size_t len)
{
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 :
		       (const void *)&a->v6, buf, (socklen_t)len))
		snprintf(buf, len, "none");
	return buf;
}
