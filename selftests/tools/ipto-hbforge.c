// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-hbforge: plays a hostile or a fake peer of iptod for the selftests.
 * It sends heartbeats built with iptod's own codec (userland/iptod/
 * heartbeat.c) under any key and with any field values, whole or cut short;
 * random datagrams; and datagrams captured earlier, played back.  It also
 * captures datagrams into a file for that.  One mode per run:
 *
 *   forge     --key FILE --node ID --boot N --seq N [--challenge N] [--echo N]
 *             ... ADDR PORT
 *   random    --raw-random N ... ADDR PORT
 *   capture   --capture PORT --count N --out FILE
 *   replay    --replay FILE ... ADDR PORT
 *
 * The capture file is a sequence of records, one per datagram: its length
 * (2 bytes, big endian), then its bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "heartbeat.h"

#define PROG "ipto-hbforge"
#define TOOL_USAGE_HINT "Try '" PROG " --help'.\n"
#include "tool_util.h"	/* EXIT_FAILED: a system call failed, or capture timed out */

#define RAW_LEN_MAX		200
#define DGRAM_MAX		65535
#define CAPTURE_TIMEOUT_MS	10000
#define NSEC_PER_MSEC		1000000ULL

enum mode {
	MODE_NONE,
	MODE_FORGE,
	MODE_RAW,
	MODE_CAPTURE,
	MODE_REPLAY,
};

struct options {
	enum mode mode;
	/* forge */
	const char *key_file;
	bool has_node, has_boot, has_seq;
	struct iptod_heartbeat hb;
	bool same;
	bool has_truncate;
	size_t truncate;
	/* random */
	uint64_t raw_count;
	bool has_seed;
	uint64_t seed;
	/* capture */
	uint16_t capture_port;
	const char *out;
	uint64_t timeout_ms;
	/* replay */
	const char *replay;
	/* several */
	bool has_count;
	uint64_t count;
	uint64_t interval_ms;
	const char *bind;
	const char *addr;
	uint16_t port;
};

static void usage(FILE *out)
{
	fputs("usage:\n"
	      "  " PROG " --key FILE --node ID --boot N|now --seq N [--held ID,...]\n"
	      "               [--challenge N (default 1)] [--echo N (default 0)]\n"
	      "               [--flags fit,fenced,quorum|none|NUMBER] [--count N] [--same]\n"
	      "               [--truncate LEN] [--interval-ms N] [--bind ADDR] ADDR PORT\n"
	      "      send COUNT (default 1) heartbeats with seq N, N+1, ... (--same: all\n"
	      "      the same), authenticated with the key file (any key: a wrong one\n"
	      "      forges); --truncate sends only their first LEN bytes.  Ids and\n"
	      "      flags are not checked, so invalid ones can be sent.\n"
	      "  " PROG " --raw-random N [--seed S] [--interval-ms N] [--bind ADDR] ADDR PORT\n"
	      "      send N random datagrams of random lengths 0..200 (seed printed)\n"
	      "  " PROG " --capture PORT --count N --out FILE [--timeout-ms N] [--bind ADDR]\n"
	      "      receive N datagrams on PORT (any address, or ADDR) into FILE;\n"
	      "      fails after --timeout-ms (default 10000, 0: wait forever)\n"
	      "  " PROG " --replay FILE [--interval-ms N] [--bind ADDR] ADDR PORT\n"
	      "      send the datagrams of a capture FILE again\n"
	      "ADDR is IPv4 or IPv6 (fe80::1%eth0 too); --bind chooses the source\n"
	      "address (default: the kernel's choice).  Exit 0, 1 on failure, 2 on\n"
	      "usage errors.\n", out);
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void parse_held(const char *text, struct iptod_heartbeat *hb)
{
	char *copy = strdup(text), *save = NULL, *tok;

	if (!copy)
		fail("out of memory");
	hb->nheld = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (hb->nheld == IPTO_NODES_MAX)
			usage_error("--held: more than %d ids", IPTO_NODES_MAX);
		hb->held[hb->nheld++] = parse_option(tok, 0, 0, UINT32_MAX,
						  "--held");
	}
	free(copy);
}

static uint8_t parse_flags(const char *text)
{
	char *copy = strdup(text), *save = NULL, *tok;
	unsigned int flags = 0;

	if (!copy)
		fail("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "fit"))
			flags |= IPTOD_HB_FIT;
		else if (!strcmp(tok, "fenced"))
			flags |= IPTOD_HB_FENCED;
		else if (!strcmp(tok, "quorum"))
			flags |= IPTOD_HB_QUORUM;
		else if (!strcmp(tok, "none"))
			;
		else if (tok[0] >= '0' && tok[0] <= '9')
			flags |= parse_option(tok, 0, 0, UINT8_MAX, "--flags");
		else
			usage_error("--flags: unknown flag \"%s\" (fit, fenced, quorum, none or a number)",
				    tok);
	}
	free(copy);
	return flags;
}

/* Parses a numeric IPv4 or IPv6 address (with an optional %scope). */
static socklen_t parse_address(const char *text, uint16_t port,
			       struct sockaddr_storage *out)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST,
		.ai_socktype = SOCK_DGRAM,
	};
	struct addrinfo *res;
	socklen_t len;
	int err;

	err = getaddrinfo(text, NULL, &hints, &res);
	if (err)
		usage_error("%s: not an IPv4 or IPv6 address: %s", text,
			    gai_strerror(err));
	len = res->ai_addrlen;
	memcpy(out, res->ai_addr, len);
	freeaddrinfo(res);
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	return len;
}

static void set_mode(struct options *opt, enum mode mode, const char *name)
{
	if (opt->mode != MODE_NONE && opt->mode != mode)
		usage_error("%s: only one of --key, --raw-random, --capture and --replay",
			    name);
	opt->mode = mode;
}

static const char *const mode_options[] = {
	[MODE_FORGE] = "--key",
	[MODE_RAW] = "--raw-random",
	[MODE_CAPTURE] = "--capture",
	[MODE_REPLAY] = "--replay",
};

/* Refuses an option given that the chosen mode does not use. */
static void only_in(const struct options *opt, bool given, const char *name,
		    unsigned int modes)
{
	if (given && !(modes & (1u << opt->mode)))
		usage_error("%s does not go with %s", name,
			    mode_options[opt->mode]);
}

#define IN(m)	(1u << (m))

enum {
	OPT_KEY = 256, OPT_NODE, OPT_BOOT, OPT_SEQ, OPT_HELD, OPT_FLAGS,
	OPT_COUNT, OPT_INTERVAL, OPT_SAME, OPT_TRUNCATE, OPT_RAW, OPT_SEED,
	OPT_CAPTURE, OPT_OUT, OPT_TIMEOUT, OPT_REPLAY, OPT_BIND, OPT_HELP,
	OPT_CHALLENGE, OPT_ECHO,
};

static const struct option long_options[] = {
	{ "key", required_argument, NULL, OPT_KEY },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "seq", required_argument, NULL, OPT_SEQ },
	{ "challenge", required_argument, NULL, OPT_CHALLENGE },
	{ "echo", required_argument, NULL, OPT_ECHO },
	{ "held", required_argument, NULL, OPT_HELD },
	{ "flags", required_argument, NULL, OPT_FLAGS },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "interval-ms", required_argument, NULL, OPT_INTERVAL },
	{ "same", no_argument, NULL, OPT_SAME },
	{ "truncate", required_argument, NULL, OPT_TRUNCATE },
	{ "raw-random", required_argument, NULL, OPT_RAW },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv, struct options *opt)
{
	bool has_held = false, has_flags = false, has_interval = false;
	bool has_timeout = false, has_challenge = false, has_echo = false;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->count = 1;
	opt->hb.challenge = 1;
	opt->timeout_ms = CAPTURE_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_KEY:
			set_mode(opt, MODE_FORGE, "--key");
			opt->key_file = optarg;
			break;
		case OPT_NODE:
			opt->hb.node = parse_option(optarg, 0, 0, UINT32_MAX, "--node");
			opt->has_node = true;
			break;
		case OPT_BOOT:
			if (!strcmp(optarg, "now"))
				opt->hb.boot = now_usec();
			else
				opt->hb.boot = parse_option(optarg, 0, 0, UINT64_MAX,
							 "--boot");
			opt->has_boot = true;
			break;
		case OPT_SEQ:
			opt->hb.seq = parse_option(optarg, 0, 0, UINT64_MAX, "--seq");
			opt->has_seq = true;
			break;
		case OPT_CHALLENGE:
			opt->hb.challenge = parse_option(optarg, 0, 0, UINT64_MAX, "--challenge");
			has_challenge = true;
			break;
		case OPT_ECHO:
			opt->hb.echo = parse_option(optarg, 0, 0, UINT64_MAX, "--echo");
			has_echo = true;
			break;
		case OPT_HELD:
			parse_held(optarg, &opt->hb);
			has_held = true;
			break;
		case OPT_FLAGS:
			opt->hb.flags = parse_flags(optarg);
			has_flags = true;
			break;
		case OPT_COUNT:
			opt->count = parse_option(optarg, 0, 1, UINT32_MAX, "--count");
			opt->has_count = true;
			break;
		case OPT_INTERVAL:
			opt->interval_ms = parse_option(optarg, 0, 0, 3600000,
						     "--interval-ms");
			has_interval = true;
			break;
		case OPT_SAME:
			opt->same = true;
			break;
		case OPT_TRUNCATE:
			opt->truncate = parse_option(optarg, 0, 0, IPTOD_HB_MAX_LEN - 1,
						  "--truncate");
			opt->has_truncate = true;
			break;
		case OPT_RAW:
			set_mode(opt, MODE_RAW, "--raw-random");
			opt->raw_count = parse_option(optarg, 0, 1, UINT32_MAX,
						   "--raw-random");
			break;
		case OPT_SEED:
			opt->seed = parse_option(optarg, 0, 0, UINT64_MAX, "--seed");
			opt->has_seed = true;
			break;
		case OPT_CAPTURE:
			set_mode(opt, MODE_CAPTURE, "--capture");
			opt->capture_port = parse_option(optarg, 0, 1, 65535,
						      "--capture");
			break;
		case OPT_OUT:
			opt->out = optarg;
			break;
		case OPT_TIMEOUT:
			opt->timeout_ms = parse_option(optarg, 0, 0, 3600000,
						    "--timeout-ms");
			has_timeout = true;
			break;
		case OPT_REPLAY:
			set_mode(opt, MODE_REPLAY, "--replay");
			opt->replay = optarg;
			break;
		case OPT_BIND:
			opt->bind = optarg;
			break;
		case OPT_HELP:
			usage_exit(usage, EXIT_OK);
		default:
			fputs(TOOL_USAGE_HINT, stderr);
			exit(EXIT_USAGE);
		}
	}

	if (opt->mode == MODE_NONE)
		usage_exit(usage, EXIT_USAGE);
	only_in(opt, opt->has_node, "--node", IN(MODE_FORGE));
	only_in(opt, opt->has_boot, "--boot", IN(MODE_FORGE));
	only_in(opt, opt->has_seq, "--seq", IN(MODE_FORGE));
	only_in(opt, has_challenge, "--challenge", IN(MODE_FORGE));
	only_in(opt, has_echo, "--echo", IN(MODE_FORGE));
	only_in(opt, has_held, "--held", IN(MODE_FORGE));
	only_in(opt, has_flags, "--flags", IN(MODE_FORGE));
	only_in(opt, opt->same, "--same", IN(MODE_FORGE));
	only_in(opt, opt->has_truncate, "--truncate", IN(MODE_FORGE));
	only_in(opt, opt->has_count, "--count", IN(MODE_FORGE) | IN(MODE_CAPTURE));
	only_in(opt, has_interval, "--interval-ms",
		IN(MODE_FORGE) | IN(MODE_RAW) | IN(MODE_REPLAY));
	only_in(opt, opt->has_seed, "--seed", IN(MODE_RAW));
	only_in(opt, opt->out != NULL, "--out", IN(MODE_CAPTURE));
	only_in(opt, has_timeout, "--timeout-ms", IN(MODE_CAPTURE));

	if (opt->mode == MODE_FORGE) {
		if (!opt->has_node || !opt->has_boot || !opt->has_seq)
			usage_error("--key needs --node, --boot and --seq");
		if (!opt->same && opt->count - 1 > UINT64_MAX - opt->hb.seq)
			usage_error("--seq %" PRIu64 " --count %" PRIu64 ": seq overflows",
				    opt->hb.seq, opt->count);
		if (opt->has_truncate &&
		    opt->truncate >= IPTOD_HB_HEADER_LEN + 4u * opt->hb.nheld +
				     IPTOD_HB_MAC_LEN)
			usage_error("--truncate %zu: not shorter than the heartbeat (%u bytes)",
				    opt->truncate,
				    IPTOD_HB_HEADER_LEN + 4u * opt->hb.nheld +
				    IPTOD_HB_MAC_LEN);
	}
	if (opt->mode == MODE_CAPTURE) {
		if (!opt->has_count || !opt->out)
			usage_error("--capture needs --count and --out");
		if (optind != argc)
			usage_error("--capture takes no ADDR PORT (unexpected \"%s\"); --bind ADDR chooses the address",
				    argv[optind]);
		return;
	}
	if (argc - optind != 2)
		usage_error("need ADDR PORT, got %d argument%s", argc - optind,
			    argc - optind == 1 ? "" : "s");
	opt->addr = argv[optind];
	opt->port = parse_option(argv[optind + 1], 0, 1, 65535, "PORT");
}

/* splitmix64's state */
static uint64_t random_state;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000 * NSEC_PER_MSEC),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct sender {
	int fd;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	uint64_t interval_ms;
	uint64_t sent;
	const char *addr;
	uint16_t port;
};

static void sender_open(struct sender *s, const struct options *opt)
{
	s->dst_len = parse_address(opt->addr, opt->port, &s->dst);
	s->interval_ms = opt->interval_ms;
	s->sent = 0;
	s->addr = opt->addr;
	s->port = opt->port;
	s->fd = socket(s->dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		fail("UDP socket: %s", strerror(errno));
	if (opt->bind) {
		struct sockaddr_storage src;
		socklen_t len = parse_address(opt->bind, 0, &src);

		if (src.ss_family != s->dst.ss_family)
			usage_error("--bind %s: not the address family of %s",
				    opt->bind, opt->addr);
		if (bind(s->fd, (struct sockaddr *)&src, len) < 0)
			fail("--bind %s: %s", opt->bind,
			     strerror(errno));
	}
}

static void sender_send(struct sender *s, const uint8_t *buf, size_t len)
{
	if (s->sent && s->interval_ms)
		sleep_ms(s->interval_ms);
	if (sendto(s->fd, buf, len, 0, (struct sockaddr *)&s->dst,
		   s->dst_len) != (ssize_t)len)
		fail("send to %s port %u: %s (after %" PRIu64
		     " datagrams)", s->addr, s->port, strerror(errno), s->sent);
	s->sent++;
}

static int run_forge(struct options *opt)
{
	uint8_t buf[IPTOD_HB_MAX_LEN];
	struct iptod_key key;
	struct sender s;
	char err[512];

	if (iptod_key_load(opt->key_file, &key, err, sizeof(err)) < 0)
		fail("%s", err);
	sender_open(&s, opt);
	for (uint64_t i = 0; i < opt->count; i++) {
		size_t len = iptod_hb_encode(&opt->hb, &key, buf);

		if (opt->has_truncate)
			len = opt->truncate;
		sender_send(&s, buf, len);
		if (!opt->same)
			opt->hb.seq++;
	}
	close(s.fd);
	return EXIT_OK;
}

static int run_raw(const struct options *opt)
{
	uint8_t buf[RAW_LEN_MAX];
	struct sender s;

	random_state = opt->has_seed ? opt->seed :
		       monotonic_ns() ^ (uint64_t)getpid() << 32 ^ now_usec();
	fprintf(stderr, PROG ": --raw-random seed %#" PRIx64 "\n",
		random_state);
	sender_open(&s, opt);
	for (uint64_t i = 0; i < opt->raw_count; i++) {
		size_t len = splitmix64(&random_state) % (RAW_LEN_MAX + 1);

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)splitmix64(&random_state);
		sender_send(&s, buf, len);
	}
	close(s.fd);
	return EXIT_OK;
}

static int capture_socket(const struct options *opt)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd, off = 0;

	if (opt->bind) {
		len = parse_address(opt->bind, opt->capture_port, &addr);
		fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else {
		/* IPv4 and IPv6 on one socket; IPv4 alone without IPv6 */
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;

		memset(&addr, 0, sizeof(addr));
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons(opt->capture_port);
		len = sizeof(*a6);
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
					  sizeof(off)) < 0)
			fail("IPV6_V6ONLY: %s", strerror(errno));
		if (fd < 0 && errno == EAFNOSUPPORT) {
			struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;

			memset(&addr, 0, sizeof(addr));
			a4->sin_family = AF_INET;
			a4->sin_addr.s_addr = htonl(INADDR_ANY);
			a4->sin_port = htons(opt->capture_port);
			len = sizeof(*a4);
			fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		}
	}
	if (fd < 0)
		fail("UDP socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, len) < 0)
		fail("bind to port %u: %s", opt->capture_port,
		     strerror(errno));
	return fd;
}

static int run_capture(const struct options *opt)
{
	static uint8_t buf[DGRAM_MAX];
	uint64_t deadline = monotonic_ns() + opt->timeout_ms * NSEC_PER_MSEC;
	uint64_t got = 0;
	FILE *out;
	int fd;

	fd = capture_socket(opt);
	out = fopen(opt->out, "we");
	if (!out)
		fail("%s: %s", opt->out, strerror(errno));
	while (got < opt->count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = -1;
		uint8_t head[2];
		ssize_t n;

		if (opt->timeout_ms) {
			uint64_t now = monotonic_ns();

			if (now >= deadline)
				break;
			wait = (int)((deadline - now + NSEC_PER_MSEC - 1) /
				     NSEC_PER_MSEC);
		}
		n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("poll: %s", strerror(errno));
		if (n == 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			fail("recv: %s", strerror(errno));
		head[0] = (uint8_t)(n >> 8);
		head[1] = (uint8_t)n;
		if (fwrite(head, 1, 2, out) != 2 ||
		    fwrite(buf, 1, n, out) != (size_t)n || fflush(out) != 0)
			fail("%s: %s", opt->out, strerror(errno));
		got++;
	}
	if (fclose(out) != 0)
		fail("%s: %s", opt->out, strerror(errno));
	close(fd);
	if (got < opt->count)
		fail("--capture %u: got %" PRIu64 " of %" PRIu64
		     " datagrams in %" PRIu64 " ms", opt->capture_port, got,
		     opt->count, opt->timeout_ms);
	return EXIT_OK;
}

static int run_replay(const struct options *opt)
{
	static uint8_t buf[DGRAM_MAX];
	struct sender s;
	uint8_t head[2];
	uint64_t n = 0;
	FILE *in;

	in = fopen(opt->replay, "re");
	if (!in)
		fail("%s: %s", opt->replay, strerror(errno));
	sender_open(&s, opt);
	for (;;) {
		size_t got = fread(head, 1, 2, in);
		size_t len;

		if (got == 0 && feof(in))
			break;
		if (got != 2)
			fail("%s: record %" PRIu64 ": %s", opt->replay,
			     n + 1, ferror(in) ? strerror(errno) : "cut short");
		len = (size_t)head[0] << 8 | head[1];
		if (fread(buf, 1, len, in) != len)
			fail("%s: record %" PRIu64 ": %s", opt->replay,
			     n + 1, ferror(in) ? strerror(errno) : "cut short");
		sender_send(&s, buf, len);
		n++;
	}
	fclose(in);
	close(s.fd);
	if (!n)
		fail("%s: no datagrams in it", opt->replay);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options opt;

	parse_options(argc, argv, &opt);
	switch (opt.mode) {
	case MODE_FORGE:
		return run_forge(&opt);
	case MODE_RAW:
		return run_raw(&opt);
	case MODE_CAPTURE:
		return run_capture(&opt);
	case MODE_REPLAY:
		return run_replay(&opt);
	case MODE_NONE:
		break;
	}
	return EXIT_USAGE;
}
