#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink.sh - generic netlink fuzzing of the ipto family, run in the guest
# by "make fuzz-netlink" (selftests/vm/fuzz.sh); not one of the tests of
# "make check".  On a small cluster table (three nodes with addresses,
# services, adopted addresses) in a namespace, nlfuzz sends FUZZ_MESSAGES
# random and mutated requests as root, then a quarter as many as "nobody":
# every change request of nobody must be refused with EPERM and the table
# must come out of that phase unchanged.  Unreclaimable slab before
# loading the module and after unloading it (namespace gone, caches
# dropped) must not have grown by more than FUZZ_SLAB_LIMIT_KB.  The guest
# fails the run on any kernel report.  FUZZ_MESSAGES and FUZZ_SEED come
# from $IPTO_RUN/fuzz.env (written by fuzz.sh) or the environment.
. "$(dirname "$0")/../lib.sh"

[ -n "${IPTO_RUN:-}" ] && [ -f "$IPTO_RUN/fuzz.env" ] && . "$IPTO_RUN/fuzz.env"
FUZZ_MESSAGES=${FUZZ_MESSAGES:-20000}
FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
FUZZ_SLAB_LIMIT_KB=${FUZZ_SLAB_LIMIT_KB:-4096}
NLFUZZ=$IPTO_SRC/selftests/fuzz/nlfuzz
PEER=nlfz-eth1		# the lower device's peer, in the init namespace

[ -x "$NLFUZZ" ] || { fail "$NLFUZZ not built (make -C selftests/fuzz nlfuzz)"; finish; }
info "seed $FUZZ_SEED, $FUZZ_MESSAGES messages as root, $((FUZZ_MESSAGES / 4)) as nobody"

# unreclaimable_slab_kb: SUnreclaim after dropping the caches.
unreclaimable_slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

# slab_bytes: "CACHE BYTES" (active objects times object size) per cache.
slab_bytes() { awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo; }

# snapshot: the table as JSON, without what moves by itself (ages, lease
# left, per-address packet counters).
snapshot() {
	ip netns exec fz iptoctl -j show | python3 -c '
import json, sys
devs = json.load(sys.stdin)
for d in devs:
    d.pop("lease_left_ms", None)
    for a in d["addresses"]:
        a.pop("age_ms", None)
        a.pop("stats", None)
print(json.dumps(devs, sort_keys=True, indent=1))'
}

# fuzz LABEL ARGS...: runs nlfuzz in the namespace, shows its report.
fuzz() {
	local label=$1 rc timer=()
	shift
	# nlfuzz reports its own CPU time; time(1), when there, adds the rest.
	[ -x /usr/bin/time ] &&
		timer=(/usr/bin/time -f "time: %e s elapsed, %U s user, %S s system, %M KiB max RSS")
	"${timer[@]}" ip netns exec fz "$NLFUZZ" --dev ipto0 "$@" >"$TEST_TMP/$label.log" 2>&1
	rc=$?
	sed 's/^/#   | /' "$TEST_TMP/$label.log"
	return $rc
}

slab_before=$(unreclaimable_slab_kb)
slab_bytes >"$TEST_TMP/slab.before"

check "modprobe ipto" modprobe ipto
ns_new fz || { fail "namespace"; finish; }
ip link add "$PEER" type veth peer name eth0 netns fz
ip -n fz link set eth0 up
ip -n fz addr add 10.0.0.2/24 dev eth0
ip -n fz addr add fd00::2/64 dev eth0
ip -n fz link add ipto0 link eth0 type ipto
ip -n fz link set ipto0 up
ctl() { in_ns fz iptoctl "$@"; }
check "node 1" ctl node add dev ipto0 id 1 name n1 addr 10.0.0.11,fd00::11
check "node 2 (self)" ctl node add dev ipto0 id 2 name n2 addr 10.0.0.12,fd00::12 self standby 1
check "node 3" ctl node add dev ipto0 id 3 name n3 addr 10.0.0.13,fd00::13 standby 2,1
check "standby of node 1" ctl node set dev ipto0 id 1 standby 2,3
check "service web of node 1" ctl service add dev ipto0 node 1 name web proto tcp port 80
check "service dns of node 3" ctl service add dev ipto0 node 3 name dns proto udp port 53 action drop
check "service range of node 2" ctl service add dev ipto0 node 2 name range proto tcp port 7000-7100 action serve
check "node 3 down: node 2 adopts its addresses" ctl node set dev ipto0 id 3 state down
check "adopt 10.0.0.21" ctl adopt dev ipto0 addr 10.0.0.21 from 1
check "adopt fd00::21" ctl adopt dev ipto0 addr fd00::21 from 1
info "table before fuzzing:"
snapshot | sed 's/^/#   /'

if fuzz root --seed "$FUZZ_SEED" --messages "$FUZZ_MESSAGES"; then
	pass "root: $FUZZ_MESSAGES messages, no finding"
else
	fail "root: nlfuzz reported findings or failed (seed $FUZZ_SEED)"
fi
check "table readable after the root phase" snapshot

# What the root phase may have left running on its own: a lease that
# would fence the device, a fence.  Ended, so the table holds still.
check "end any lease" ctl set dev ipto0 lease_ms 0
check "lift any fence" ctl fence dev ipto0 off
before=$(snapshot)
if fuzz nobody --unprivileged --seed "$((FUZZ_SEED + 1))" --messages "$((FUZZ_MESSAGES / 4))"; then
	pass "nobody: $((FUZZ_MESSAGES / 4)) messages, every change refused with EPERM"
else
	fail "nobody: nlfuzz reported findings or failed (seed $((FUZZ_SEED + 1)))"
fi
after=$(snapshot)
if [ "$before" = "$after" ]; then
	pass "table unchanged by nobody's requests"
else
	fail "table changed by nobody's requests"
	diff <(echo "$before") <(echo "$after") | sed 's/^/#   | /'
fi

# The namespace is gone once its veth peer in the init namespace is.
ip netns delete fz
check "namespace cleaned up" wait_for 60 sh -c "! ip link show $PEER"
check "rmmod ipto" rmmod ipto
slab_after=$(unreclaimable_slab_kb)
slab_bytes >"$TEST_TMP/slab.after"
info "unreclaimable slab: $slab_before kB before, $slab_after kB after: $((slab_after - slab_before)) kB"
info "caches that grew most (bytes):"
awk 'NR == FNR { before[$1] = $2; next }
     { d = $2 - before[$1]; if (d > 0) print d, $1 }' \
	"$TEST_TMP/slab.before" "$TEST_TMP/slab.after" | sort -rn | head -n 5 | sed 's/^/#     /'
if [ $((slab_after - slab_before)) -gt "$FUZZ_SLAB_LIMIT_KB" ]; then
	fail "unreclaimable slab grew by $((slab_after - slab_before)) kB (limit $FUZZ_SLAB_LIMIT_KB kB)"
else
	pass "unreclaimable slab grew by at most $FUZZ_SLAB_LIMIT_KB kB"
fi
finish
