#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memory.sh - benchmark (never fails on a number): kernel memory per
# adopted address, from /proc/meminfo before and after adopting 100,000
# addresses on one ipto device, and after releasing them: Slab (the
# address entries), and MemFree, which also counts the hash table's bucket
# array (a large kvmalloc: whole pages, not slab), after dropping caches.  Results in
# selftests/bench/results/memory-<kernel>.json.
. "$(dirname "$0")/../lib.sh"

N=${MEMORY_ADDRESSES:-100000}
RESULTS_DIR=$IPTO_SRC/selftests/bench/results
mkdir -p "$RESULTS_DIR"

modprobe ipto || exit 1
ns_new memnode || exit 1
ip -n memnode link add eth0 type veth peer name eth1
ip -n memnode link set eth1 up
ip -n memnode link set eth0 up
ip -n memnode link add ipto0 link eth0 type ipto
ip -n memnode link set ipto0 up
in_ns memnode iptoctl set dev ipto0 announce_count 0 || { fail "announce_count 0"; finish; }
# The first adoption registers the namespace's hooks: it is not counted.
in_ns memnode iptoctl adopt dev ipto0 addr 10.9.255.254 from 1 || { fail "adopt"; finish; }

# meminfo: "SLAB_KB MEMFREE_KB" with the page cache and the reclaimable
# slab dropped.
meminfo() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '$1 == "Slab:" { s = $2 } $1 == "MemFree:" { f = $2 } END { print s, f }' /proc/meminfo
}

read -r slab0 vm0 <<<"$(meminfo)"
out=$(in_ns memnode python3 "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.64.0.1 "$N") ||
	{ fail "adopting $N addresses: $out"; finish; }
adopt_ms=$(awk '{ print $3 }' <<<"$out")
read -r slab1 vm1 <<<"$(meminfo)"
held=$(in_ns memnode iptoctl -j show dev ipto0 |
	python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["addresses"]))')
out=$(in_ns memnode python3 "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.64.0.1 "$N" release) ||
	{ fail "releasing $N addresses: $out"; finish; }
read -r slab2 vm2 <<<"$(meminfo)"
info "Slab kB: $slab0 before, $slab1 with $held adopted, $slab2 released; MemFree kB: $vm0, $vm1, $vm2"

python3 - "$RESULTS_DIR/memory-$(uname -r).json" "$N" "$held" "$adopt_ms" \
	"$slab0 $slab1 $slab2" "$vm0 $vm1 $vm2" <<'EOF' | sed 's/^/# /'
import json, sys
out, n, held, adopt_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = [int(x) for x in sys.argv[5].split()]
v = [int(x) for x in sys.argv[6].split()]
slab = (s[1] - s[0]) * 1024 / n
total = (v[0] - v[1]) * 1024 / n
res = {"benchmark": "memory", "addresses": n, "held": held - 1, "adopt_ms": adopt_ms,
       "slab_kb": s, "memfree_kb": v, "slab_bytes_per_address": round(slab, 1),
       "memfree_bytes_per_address": round(total, 1),
       "slab_kb_not_returned_after_release": s[2] - s[0]}
json.dump(res, open(out, "w"), indent=1)
print("%d addresses adopted in %d ms: %.0f bytes of slab per address, %.0f of MemFree "
      "(everything, the hash table too); %d kB of slab not back after releasing all" % (
          n, adopt_ms, slab, total, s[2] - s[0]))
EOF
finish
