// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module entry and exit: registers per-namespace state, the lease
 * workqueue, the link type and the generic netlink family, in that order,
 * so that userspace never reaches a half-initialised module.  On exit the
 * family goes last: the devices' teardown and a lease work still running
 * send events through it.
 */
#include <linux/module.h>
#include <linux/ipto.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "family.h"
#include "fence.h"
#include "pernet.h"

static int __init ipto_module_init(void)
{
	int ret;

	ret = ipto_pernet_init();
	if (ret)
		goto err_pernet;
	ret = ipto_fence_init();
	if (ret)
		goto err_fence;
	ret = ipto_device_init();
	if (ret)
		goto err_device;
	ret = ipto_genl_init();
	if (ret)
		goto err_genl;
	pr_info("transparent IP takeover loaded\n");
	return 0;

err_genl:
	ipto_device_uninit();
err_device:
	ipto_fence_uninit();
err_fence:
	ipto_pernet_uninit();
err_pernet:
	pr_err("cannot load: %d\n", ret);
	return ret;
}

static void __exit ipto_module_exit(void)
{
	ipto_device_uninit();
	ipto_fence_uninit();
	ipto_genl_uninit();
	ipto_pernet_uninit();
	rcu_barrier();
}

module_init(ipto_module_init);
module_exit(ipto_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ipto: transparent IP takeover for Linux clusters");
MODULE_AUTHOR("The ipto authors");
MODULE_VERSION(IPTO_MODULE_VERSION);
MODULE_ALIAS_RTNL_LINK(IPTO_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(IPTO_GENL_NAME);
