/* SPDX-License-Identifier: GPL-2.0 */
/* nf.h - the netfilter hooks that answer for adopted addresses. */
#ifndef _IPTO_NF_H
#define _IPTO_NF_H

struct net;

int ipto_nf_register(struct net *net);
void ipto_nf_unregister(struct net *net);

#endif /* _IPTO_NF_H */
