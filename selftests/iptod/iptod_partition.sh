#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_partition.sh - a partition 2|1: node 1 loses the LAN.  The
# minority (node 1) loses quorum and fences itself: it releases what it
# adopted and stops answering its own addresses; the majority declares it
# dead and node 2 adopts its addresses.  When the LAN heals, node 1 waits
# until node 2 has given its addresses back before it answers them again:
# one owner per address, automatically.  Then node 3 is cut while node 1
# holds nothing, and the roles move as the standby orders say.  Node 1
# notices its lower device's lost carrier.  Every event reaches the notify
# hook, which runs as nobody without capabilities (run_as) and fails on
# purpose: iptod logs that and goes on.
# iptod runs as its AddressSanitizer + UBSan build here.  What is tested is
# who holds what, not how fast: the daemons find a peer dead after 1 s,
# not 300 ms, because under TCG one ASan daemon alone has not run for up to
# 766 ms (its log's pause lines), and its peers, which ran on, rightly took
# it for dead.
. "$(dirname "$0")/../lib.sh"
IPTOD_ASAN=1
IPTOD_MISSES=10
. "$IPTO_SRC/selftests/helpers/iptod.sh"

# The hook runs as nobody (run_as) on every node.  It records "EVENT
# DEVICE NODE ADDRESS" and, from its own /proc status, its ids and
# capabilities (with shell builtins only: under TCG every exec costs), one
# file each per run, and fails.  Nobody reaches $pub, not the rest of
# TEST_TMP.
pub=$TEST_TMP/pub
chmod 0711 "$TEST_TMP"
mkdir -m 1777 "$pub"
cat >"$pub/hook" <<HOOK
#!/bin/sh
echo "\$IPTO_EVENT \$IPTO_DEVICE \${IPTO_NODE:-} \${IPTO_ADDRESS:-}" >"$pub/hook.\$\$"
while read -r key value; do
	case \$key in Uid:|Gid:|Groups:|CapInh:|CapPrm:|CapEff:|CapAmb:) echo "\$key \$value" ;; esac
done </proc/\$\$/status >"$pub/id.\$\$"
exit 3
HOOK
chmod 755 "$pub/hook"
IPTOD_NOTIFY=$pub/hook
for i in 1 2 3; do
	IPTOD_CLUSTER_EXTRA[$i]="run_as = nobody"
done
# hook_saw LINE: a hook run recorded this line.
hook_saw() { cat "$pub"/hook.* 2>/dev/null | grep -qxF -- "$1"; }

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled

cut 1
check "node 1 loses quorum" wait_for 10 status_is 1 quorum=0
check "node 1 fences itself" wait_for 10 status_is 1 fenced=1
# Its peers stopped acknowledging its heartbeats before it lost quorum:
# the quorum lease ended first, and the kernel fenced it (iptod(8)).
check_eq "node 1's kernel is fenced by the quorum lease" lease "$(fence_of 1)"
check_eq "node 1 adopted nothing" "" "$(adopted_on node1)"
check "node 2 adopts node 1's addresses" wait_for 10 status_is 2 held=1
check_eq "node 2 adopted VIP1" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check_eq "node 3 adopted nothing" "" "$(adopted_on node3)"
check_eq "nodes 2 and 3 keep quorum" "1 1" "$(status_of 2 quorum) $(status_of 3 quorum)"
check_eq "client served on VIP1 by node 2" "ok node2" "$(client_says 10.0.0.11)"
check "node 1 noticed its lost carrier" grep -q 'lower device eth0 lost carrier' "$TEST_TMP/node1.log"
check_eq "node 1 is not fit while without carrier" 0 "$(status_of 1 fit)"
check "the hook saw the adoption of 10.0.0.11" wait_for 10 hook_saw "adopted ipto0 1 10.0.0.11"
check "the hook saw node 1's death" wait_for 10 hook_saw "peer_dead ipto0 1 "
check "the hook's failure was logged" grep -q 'notify hook failed for event .*: exit status 3' "$TEST_TMP/node2.log"
# Node 2's events of node 1's death (peer_dead, node_down, two adopted)
# came in a burst and each run of the hook failed: all are counted, at
# most one a second is logged.
hook_failures_above() { [ "$(status_of 2 hooks_failed)" -gt "$1" ]; }
check "node 2 counted its hook's failures" wait_for 10 hook_failures_above 3
# Each line once, whatever hook wrote it: a hook run as anyone else, or
# with a capability, adds a line.
u=$(id -u nobody) g=$(id -g nobody)
want=$(printf '%s\n' "Uid: $u $u $u $u" "Gid: $g $g $g $g" "Groups: $(id -G nobody)" \
	"CapInh: 0000000000000000" "CapPrm: 0000000000000000" \
	"CapEff: 0000000000000000" "CapAmb: 0000000000000000" | sort | paste -sd '|')
check_eq "every hook ran as nobody, in nobody's groups, with no capability" "$want" \
	"$(cat "$pub"/id.* | tr '\t' ' ' | sort -u | paste -sd '|')"
info "node 2: $(status_of 2 hooks_failed) hook failures, $(grep -c 'notify hook failed' "$TEST_TMP/node2.log") logged"
check "fewer failures logged than counted (once a second at most)" \
	hook_failures_above "$(grep -c 'notify hook failed' "$TEST_TMP/node2.log")"

heal 1
check "the cluster settles after the heal" wait_for 30 iptod_settled
check_eq "node 2 gave node 1's addresses back" "" "$(adopted_on node2)"
for i in 1 2 3; do
	check_eq "node $i's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on $i)"
done
check_eq "node 1 is no longer fenced" none "$(fence_of 1)"
check "client served on VIP1 by node 1 again" wait_for 20 serves 10.0.0.11 node1

cut 3
check "node 1 adopts node 3's addresses (its first standby)" \
	wait_for 10 status_is 1 held=3
check_eq "node 1 adopted VIP3" "10.0.0.13 fd00::13" "$(adopted_on node1)"
check_eq "client served on VIP3 by node 1" "ok node1" "$(client_says 10.0.0.13)"
heal 3
check "the cluster settles again" wait_for 30 iptod_settled
check_eq "node 1 gave node 3's addresses back" "" "$(adopted_on node1)"
check "no sanitizer report (iptod built with ASan + UBSan)" no_sanitizer_reports
finish
