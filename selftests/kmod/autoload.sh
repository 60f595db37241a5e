#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# autoload.sh - the module's aliases load it on demand, as on an installed
# node: "ip link add ... type ipto" (rtnl-link-ipto) and a lookup of the
# generic netlink family (net-pf-16-proto-16-family-ipto).
. "$(dirname "$0")/../lib.sh"

module_loaded && rmmod ipto
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1

check_eq "modinfo lists the link alias" 1 "$(modinfo -F alias ipto | grep -cx rtnl-link-ipto)"
check_eq "modinfo lists the family alias" 1 "$(modinfo -F alias ipto | grep -cx net-pf-16-proto-16-family-ipto)"
check "ip link add ... type ipto loads the module" ip -n n1 link add ipto0 link eth0 type ipto
check "module loaded" module_loaded
check "rmmod" rmmod ipto
check "genl family lookup loads the module" genl ctrl get name ipto
check "module loaded again" module_loaded
check "rmmod" rmmod ipto
check "iptoctl show loads the module" ip netns exec n1 iptoctl show
check "module loaded by iptoctl" module_loaded
finish
