/* SPDX-License-Identifier: GPL-2.0 */
/* reply.h - echo replies from adopted addresses. */
#ifndef _IPTO_REPLY_H
#define _IPTO_REPLY_H

#include <linux/in6.h>
#include <linux/types.h>

struct net;
struct sk_buff;

bool ipto_reply_source_ok4(__be32 saddr);
bool ipto_reply_source_ok6(const struct in6_addr *saddr);

void ipto_reply_echo4(struct net *net, struct sk_buff *oldskb, int hook);
void ipto_reply_echo6(struct net *net, struct sk_buff *oldskb, unsigned int thoff, int hook);

#endif /* _IPTO_REPLY_H */
