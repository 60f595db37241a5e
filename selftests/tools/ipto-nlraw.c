// SPDX-License-Identifier: GPL-2.0
/*
 * ipto-nlraw: sends one arbitrary generic netlink request, built from the
 * command line, to a family (by default "ipto") and prints what the kernel
 * answered, including the extended ACK message and the offset of the
 * offending attribute.  The selftests use it to check that the kernel
 * refuses malformed requests with the right message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ipto.h>

#define PROG "ipto-nlraw"
#include "tool_util.h"	/* EXIT_FAILED: the kernel refused, or no answer */
#include "genl_util.h"

#define MAX_NEST_DEPTH		16
#define ANSWER_TIMEOUT_SEC	5
#define RECV_BUF_SIZE		(64 * 1024)

/* What -r appends: shorter than an attribute header, so never an attribute. */
static const uint8_t trailing_garbage[] = { 0xa5, 0xa5, 0xa5 };

struct options {
	const char *family;
	bool dump;
	int version;		/* -1: the version the family reports */
	unsigned int trunc;
	bool garbage;
	uint8_t cmd;
	char **attrs;
	int nattrs;
};

/* What an NLMSG_ERROR or NLMSG_DONE carried in its extended ACK. */
struct ext_ack {
	const char *msg;
	bool has_offset;
	uint32_t offset;
	bool has_miss_type;
	uint32_t miss_type;
	bool has_miss_nest;
	uint32_t miss_nest;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " [-f FAMILY] [-d] [-v VERSION] [-t TRUNC] [-r] CMD [ATTR...]\n"
		"  -f FAMILY   generic netlink family name (default \"%s\")\n"
		"  -d          dump request (NLM_F_DUMP)\n"
		"  -v VERSION  genl header version (default: the family's)\n"
		"  -t TRUNC    cut TRUNC bytes off the end of the built message\n"
		"  -r          append %zu bytes of trailing garbage (no attribute)\n"
		"  CMD         command number\n"
		"  ATTR        TYPE:KIND:VALUE, KIND one of u8 u16 u32 u64 be32 str\n"
		"              nulstr bin (hex) flag (no value) nest (no value,\n"
		"              following ATTRs go inside until the word \"end\")\n"
		"Prints \"ok\" (\"ok N messages\" for a dump) or\n"
		"\"error NAME (-ERRNO): MESSAGE [bad attribute at offset N]\".\n"
		"Exit status: 0 ok, 1 refused or failed, 2 usage error.\n",
		IPTO_GENL_NAME, sizeof(trailing_garbage));
}

/* Decodes an even-length hex string into out; returns the byte count. */
static size_t parse_hex(const char *arg, const char *hex, uint8_t *out)
{
	size_t len = strlen(hex), i;

	if (len % 2)
		usage_error("%s: odd number of hex digits", arg);
	for (i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			usage_error("%s: not a hex string", arg);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return len / 2;
}

static void put_checked(struct nlmsghdr *nlh, const char *arg, uint16_t type,
			size_t len, const void *data)
{
	if (len > UINT16_MAX - NLA_HDRLEN)
		usage_error("%s: value too long for an attribute", arg);
	mnl_attr_put(nlh, type, len, data);
}

static void close_nest(struct nlmsghdr *nlh, struct nlattr *nest)
{
	size_t len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;

	if (len > UINT16_MAX)
		usage_error("nest of type %u too long for an attribute",
			    mnl_attr_get_type(nest));
	mnl_attr_nest_end(nlh, nest);
}

/*
 * Appends the ATTR arguments to nlh.  nest_stack holds the open nests;
 * those still open at the end are closed.
 */
static void put_attributes(struct nlmsghdr *nlh, char **args, int nargs)
{
	struct nlattr *nest_stack[MAX_NEST_DEPTH];
	int depth = 0, i;

	for (i = 0; i < nargs; i++) {
		const char *arg = args[i];
		char *copy, *kind, *value;
		uint64_t type, num;

		if (!strcmp(arg, "end")) {
			if (!depth)
				usage_error("\"end\" without an open nest");
			close_nest(nlh, nest_stack[--depth]);
			continue;
		}

		copy = strdup(arg);
		if (!copy)
			fail("out of memory");
		kind = strchr(copy, ':');
		if (!kind)
			usage_error("%s: not TYPE:KIND:VALUE", arg);
		*kind++ = '\0';
		value = strchr(kind, ':');
		if (value)
			*value++ = '\0';
		if (!parse_unsigned(copy, UINT16_MAX, &type))
			usage_error("%s: attribute type must be 0..65535", arg);

		if (!strcmp(kind, "flag") || !strcmp(kind, "nest")) {
			if (value && *value)
				usage_error("%s: %s takes no value", arg, kind);
			if (kind[0] == 'f') {
				static const uint8_t none;

				mnl_attr_put(nlh, (uint16_t)type, 0, &none);
			} else {
				if (depth == MAX_NEST_DEPTH)
					usage_error("nests deeper than %d",
						    MAX_NEST_DEPTH);
				nest_stack[depth++] =
					mnl_attr_nest_start(nlh, (uint16_t)type);
			}
			free(copy);
			continue;
		}

		if (!value)
			usage_error("%s: missing value", arg);

		if (!strcmp(kind, "u8")) {
			if (!parse_unsigned(value, UINT8_MAX, &num))
				usage_error("%s: not a u8", arg);
			mnl_attr_put_u8(nlh, (uint16_t)type, (uint8_t)num);
		} else if (!strcmp(kind, "u16")) {
			if (!parse_unsigned(value, UINT16_MAX, &num))
				usage_error("%s: not a u16", arg);
			mnl_attr_put_u16(nlh, (uint16_t)type, (uint16_t)num);
		} else if (!strcmp(kind, "u32")) {
			if (!parse_unsigned(value, UINT32_MAX, &num))
				usage_error("%s: not a u32", arg);
			mnl_attr_put_u32(nlh, (uint16_t)type, (uint32_t)num);
		} else if (!strcmp(kind, "u64")) {
			if (!parse_unsigned(value, UINT64_MAX, &num))
				usage_error("%s: not a u64", arg);
			mnl_attr_put_u64(nlh, (uint16_t)type, num);
		} else if (!strcmp(kind, "be32")) {
			struct in_addr dotted;
			uint32_t be;

			/* a number in host order, or a dotted IPv4 address */
			if (strchr(value, '.') &&
			    inet_pton(AF_INET, value, &dotted) == 1)
				be = dotted.s_addr;
			else if (parse_unsigned(value, UINT32_MAX, &num))
				be = htonl((uint32_t)num);
			else
				usage_error("%s: not a be32", arg);
			mnl_attr_put(nlh, (uint16_t)type, sizeof(be), &be);
		} else if (!strcmp(kind, "str")) {
			put_checked(nlh, arg, (uint16_t)type, strlen(value), value);
		} else if (!strcmp(kind, "nulstr")) {
			put_checked(nlh, arg, (uint16_t)type, strlen(value) + 1,
				    value);
		} else if (!strcmp(kind, "bin")) {
			uint8_t *bytes = malloc(strlen(value) / 2 + 1);
			size_t len;

			if (!bytes)
				fail("out of memory");
			len = parse_hex(arg, value, bytes);
			put_checked(nlh, arg, (uint16_t)type, len, bytes);
			free(bytes);
		} else {
			usage_error("%s: unknown kind \"%s\"", arg, kind);
		}
		free(copy);
	}

	while (depth)
		close_nest(nlh, nest_stack[--depth]);
}

/* An upper bound on the size of the message the arguments build. */
static size_t request_size(const struct options *opt)
{
	size_t size = MNL_ALIGN(sizeof(struct nlmsghdr)) +
		      MNL_ALIGN(sizeof(struct genlmsghdr)) +
		      sizeof(trailing_garbage) + MNL_ALIGNTO;
	int i;

	/* header, the longest value an argument can give (u64), padding */
	for (i = 0; i < opt->nattrs; i++)
		size += strlen(opt->attrs[i]) + NLA_HDRLEN + 8 + MNL_ALIGNTO;
	return size;
}

/* Looks the family up with nlctrl; exits when it does not exist. */
static struct genl_family resolve_family(struct mnl_socket *nl, const char *name,
					 uint32_t seq, void *buf, size_t bufsize)
{
	struct genl_family fam = { 0 };
	struct nlmsghdr *nlh;
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	if (strlen(name) >= GENL_NAMSIZ)
		usage_error("family name \"%s\" too long", name);

	nlh = genl_family_request(buf, name, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		fail("sending the family lookup: %s", strerror(errno));

	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, bufsize);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				fail("no answer to the family lookup");
			fail("receiving: %s", strerror(errno));
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, genl_family_msg_cb, &fam);
	} while (ret > 0);

	if (ret < 0) {
		if (errno == ENOENT)
			fail("generic netlink family \"%s\" not found", name);
		fail("looking up family \"%s\": %s", name, strerror(errno));
	}
	if (!fam.found_id)
		fail("family \"%s\": no id in the answer", name);
	return fam;
}

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
	struct ext_ack *ack = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			ack->msg = mnl_attr_get_str(attr);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ack->offset = mnl_attr_get_u32(attr);
			ack->has_offset = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ack->miss_type = mnl_attr_get_u32(attr);
			ack->has_miss_type = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ack->miss_nest = mnl_attr_get_u32(attr);
			ack->has_miss_nest = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/* Prints a refusal in the documented one-line form. */
static void print_error(int error, const struct ext_ack *ack)
{
	int err = error < 0 ? -error : error;
	const char *name = strerrorname_np(err);

	if (name)
		printf("error %s (%d): %s", name, -err, ack->msg ? ack->msg : "-");
	else
		printf("error E%d (%d): %s", err, -err, ack->msg ? ack->msg : "-");
	if (ack->has_offset)
		printf(" [bad attribute at offset %" PRIu32 "]", ack->offset);
	if (ack->has_miss_type) {
		printf(" [missing attribute %" PRIu32, ack->miss_type);
		if (ack->has_miss_nest)
			printf(" in nest at offset %" PRIu32, ack->miss_nest);
		putchar(']');
	}
	putchar('\n');
}

/*
 * Reads the extended ACK attributes of an NLMSG_ERROR (tlv_offset past the
 * struct nlmsgerr and the echoed request, if not capped) or NLMSG_DONE.
 */
static struct ext_ack parse_ext_ack(const struct nlmsghdr *nlh, size_t tlv_offset)
{
	struct ext_ack ack = { 0 };

	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + MNL_ALIGN(tlv_offset))
		mnl_attr_parse(nlh, (unsigned int)tlv_offset, ext_ack_attr_cb, &ack);
	return ack;
}

/*
 * Handles one answer message.  Returns -1 while more is expected, else the
 * exit status.
 */
static int handle_answer(const struct nlmsghdr *nlh, bool dump,
			 unsigned int *messages)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
		struct ext_ack ack;
		size_t tlv_offset = sizeof(*err);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
			fail("truncated error message from the kernel");
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    err->msg.nlmsg_len > MNL_NLMSG_HDRLEN)
			tlv_offset += MNL_ALIGN(err->msg.nlmsg_len) - MNL_NLMSG_HDRLEN;
		ack = parse_ext_ack(nlh, tlv_offset);
		if (err->error) {
			print_error(err->error, &ack);
			return EXIT_FAILED;
		}
		if (ack.msg)
			fprintf(stderr, PROG ": warning: %s\n", ack.msg);
		if (dump)
			printf("ok %u messages\n", *messages);
		else
			printf("ok\n");
		return EXIT_OK;
	}

	if (nlh->nlmsg_type == NLMSG_DONE) {
		int error = 0;
		struct ext_ack ack;

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error))
			memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
		ack = parse_ext_ack(nlh, sizeof(error));
		if (error) {
			print_error(error, &ack);
			return EXIT_FAILED;
		}
		if (ack.msg)
			fprintf(stderr, PROG ": warning: %s\n", ack.msg);
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			fprintf(stderr, PROG ": warning: dump interrupted\n");
		printf("ok %u messages\n", *messages);
		return EXIT_OK;
	}

	if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_OVERRUN)
		return -1;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		fprintf(stderr, PROG ": warning: dump interrupted\n");
	(*messages)++;
	return -1;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	uint64_t num;
	int c;

	*opt = (struct options){ .family = IPTO_GENL_NAME, .version = -1 };

	while ((c = getopt(argc, argv, "+f:dv:t:rh")) != -1) {
		switch (c) {
		case 'f':
			opt->family = optarg;
			break;
		case 'd':
			opt->dump = true;
			break;
		case 'v':
			if (!parse_unsigned(optarg, UINT8_MAX, &num))
				usage_error("-v: version must be 0..255");
			opt->version = (int)num;
			break;
		case 't':
			if (!parse_unsigned(optarg, UINT_MAX, &num))
				usage_error("-t: not a byte count");
			opt->trunc = (unsigned int)num;
			break;
		case 'r':
			opt->garbage = true;
			break;
		case 'h':
			usage_exit(usage, EXIT_OK);
		default:
			usage_exit(usage, EXIT_USAGE);
		}
	}
	if (optind >= argc)
		usage_exit(usage, EXIT_USAGE);
	if (!parse_unsigned(argv[optind], UINT8_MAX, &num))
		usage_error("CMD must be a number 0..255, not \"%s\"", argv[optind]);
	opt->cmd = (uint8_t)num;
	opt->attrs = argv + optind + 1;
	opt->nattrs = argc - optind - 1;
}

int main(int argc, char **argv)
{
	struct timeval timeout = { .tv_sec = ANSWER_TIMEOUT_SEC };
	unsigned int messages = 0, portid;
	struct genl_family fam;
	struct genlmsghdr *genl;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct options opt;
	size_t request_len;
	void *request, *answer;
	uint32_t seq;
	int status;

	parse_options(argc, argv, &opt);

	request_len = request_size(&opt);
	request = calloc(1, request_len);
	answer = malloc(RECV_BUF_SIZE);
	if (!request || !answer)
		fail("out of memory");

	/* Build first so that usage errors come before any netlink traffic. */
	nlh = mnl_nlmsg_put_header(request);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (opt.dump ? NLM_F_DUMP : 0);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = opt.cmd;
	put_attributes(nlh, opt.attrs, opt.nattrs);
	if (opt.garbage) {
		memcpy((char *)nlh + nlh->nlmsg_len, trailing_garbage,
		       sizeof(trailing_garbage));
		nlh->nlmsg_len += sizeof(trailing_garbage);
	}
	if (opt.trunc > nlh->nlmsg_len - MNL_NLMSG_HDRLEN)
		usage_error("-t %u: the message has only %zu bytes after its netlink header",
			    opt.trunc, (size_t)(nlh->nlmsg_len - MNL_NLMSG_HDRLEN));
	nlh->nlmsg_len -= opt.trunc;

	nl = genl_socket_open(0);
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO,
		       &timeout, sizeof(timeout)) < 0)
		fail("SO_RCVTIMEO: %s", strerror(errno));
	portid = mnl_socket_get_portid(nl);
	seq = (uint32_t)time(NULL);

	fam = resolve_family(nl, opt.family, seq, answer, RECV_BUF_SIZE);
	nlh->nlmsg_type = fam.id;
	nlh->nlmsg_seq = ++seq;
	genl->version = opt.version >= 0 ? (uint8_t)opt.version : fam.version;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		fail("sending the request: %s", strerror(errno));

	for (;;) {
		const struct nlmsghdr *msg;
		ssize_t n = mnl_socket_recvfrom(nl, answer, RECV_BUF_SIZE);
		int left;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				fail("no answer from the kernel within %d s",
				     ANSWER_TIMEOUT_SEC);
			fail("receiving: %s", strerror(errno));
		}
		left = (int)n;
		for (msg = answer; mnl_nlmsg_ok(msg, left);
		     msg = mnl_nlmsg_next(msg, &left)) {
			if (!mnl_nlmsg_seq_ok(msg, seq) ||
			    !mnl_nlmsg_portid_ok(msg, portid))
				continue;
			status = handle_answer(msg, opt.dump, &messages);
			if (status >= 0)
				goto out;
		}
	}
out:
	mnl_socket_close(nl);
	free(request);
	free(answer);
	return status;
}
