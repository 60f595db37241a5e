#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - PID 1 of the test VM.  Runs inside the guest with the host's
# root file system (read-only) and the project tree at /run/ipto/src.
#
# For each test named in run.env (GROUP/NAME, or NAME) it runs
# $SCRIPT_DIR/GROUP/NAME.sh under a timeout, then cleans up what the test
# left (namespaces, the module) and checks the kernel: a new
# WARNING/BUG/Oops/lockdep/refcount/KFENCE report in the kernel log, or a
# taint other than out-of-tree/unsigned module, fails the test.  On a
# kernel with kmemleak, a scan after the last test counts the leaks for
# the host.  One line per test goes to ttyS1, the channel the host reads
# (RESULT NAME STATUS MS REASON); the test's own output goes to
# logs/NAME.log.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LC_ALL=C.UTF-8 TERM=dumb

SRC=/run/ipto/src
RUN=$SRC/${iptorun:?iptorun= missing from the kernel command line}
export IPTO_RUN=$RUN	# where a script may leave files for the host
export IPTO_CACHE=${iptocache:?iptocache= missing from the kernel command line}
KVER=$(uname -r)
# Taint bits allowed: O (out-of-tree module) and E (unsigned module).
ALLOWED_TAINT=$((0x1000 | 0x2000))
KERNEL_REPORT='WARNING:|BUG:|Oops|general protection fault|kernel BUG|Call Trace:|refcount_t:|KFENCE|KASAN|UBSAN|kmemleak|lockdep|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|unregister_netdevice: waiting|blocked for more than|self-detected stall|Kernel panic'

exec 3>/dev/ttyS1
report() { echo "$*" >&3; }

# Init (this shell) must not exit before the machine is off: that is a
# kernel panic on the console.  So no program runs after the trigger (a
# sleep once failed there with EIO, the files going away under it); the
# builtin loop lasts the few milliseconds the power-off takes.
power_off() {
	sync
	echo o >/proc/sysrq-trigger
	while :; do :; done
}
trap power_off EXIT

mkdir -p /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t devpts devpts /dev/pts
# What udev adds to a real node's /dev and devtmpfs lacks: bash's <(...)
# and tools such as dkms rely on /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
ip link set lo up
# shellcheck source=/dev/null
. "$RUN/run.env"
export IPTO_CHECK	# quick (make check) or full (make check-full)
report "IPTO-RESULT started $KVER"

# The module tree staged on the host (the kernel's modules, linked from the
# cache, plus updates/ipto.ko, indexed by depmod there) as
# /lib/modules/$KVER, so that modprobe and alias autoloading find ipto as
# on an installed node.  (initramfs-init made /lib/modules writable.)
rm -rf "/lib/modules/$KVER"
mkdir -p /lib/modules
cp -a "$RUN/modroot/lib/modules/$KVER" /lib/modules/

# kmemleak (debug kernel): forget what boot allocated, so that the scan
# after the last test reports only what the tests leaked.
KMEMLEAK=/sys/kernel/debug/kmemleak
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"

# HOLD_HOOKS=yes (run.env; vm.sh sets it under multi-threaded TCG):
# the netfilter hook points ipto uses stay on for the whole boot, a base
# chain at each in the namespace hook_holder, which the cleanup between
# tests leaves alone.  ipto registers its hooks in a namespace at its first
# adoption and unregisters them after its last release; with the points
# held that only counts, and never patches kernel text (static keys) under
# traffic.  Multi-threaded TCG runs a stale int3 of that patching: without
# the holder, lifecycle_load (100 cycles) on 6.12 died in one boot of three
# with "Oops: int3" at ipv6_rcv+0x42, where memory already held the
# finished 5-byte NOP (0f 1f 44 00 00: the patch was complete and synced
# on every CPU, yet one vCPU still ran the int3); single-threaded TCG ran
# the same tests clean in two boots of two.  Single-threaded TCG is the
# default (vm.sh): make check and make check-full run without the holder,
# and ipto's own registration under traffic is what the tests exercise.
HOOK_HOLDER=hook_holder
if [ "${HOLD_HOOKS:-no}" = yes ]; then
	ip netns add "$HOOK_HOLDER" && ip netns exec "$HOOK_HOLDER" nft -f - <<-'EOF' ||
		table ip hold { chain pre { type filter hook prerouting priority 0; policy accept; }; }
		table ip6 hold { chain pre { type filter hook prerouting priority 0; policy accept; }; }
		table arp hold { chain in { type filter hook input priority 0; policy accept; }; }
	EOF
		echo "guest: could not hold the netfilter hook points (nft)"
fi

# Namespaces and module left behind by a test are removed here, so that
# each test starts clean; failing to unload the module fails the test.
cleanup_after_test() {
	local ns pid

	for ns in $(ip netns list | awk -v keep="$HOOK_HOLDER" '$1 != keep { print $1 }'); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
		ip netns delete "$ns" 2>/dev/null
	done
	# What a killed corosync (helpers/corosync.sh) leaves in /dev/shm:
	# libqb's flight recorder (16 MB) and IPC ring buffers.  Nothing of
	# libqb's outlives a test.
	rm -rf /dev/shm/qb-*
	if [ -d /sys/module/ipto ] && ! rmmod ipto 2>/dev/null; then
		echo "module ipto could not be unloaded after the test"
		return 1
	fi
	return 0
}

log_lines() { dmesg | wc -l; }

# The letters the kernel prints for taint bits (Documentation/admin-guide/
# tainted-kernels.rst), for the bits set in $1.
taint_letters() {
	local letters=PFSRMBUDAWCIOELKXTN out="" i
	for ((i = 0; i < ${#letters}; i++)); do
		[ $(($1 >> i & 1)) -eq 1 ] && out+=${letters:i:1}
	done
	echo "$1 ($out)"
}

taint_seen=0
for t in $TESTS; do
	name=${t##*/}
	log=$RUN/logs/$name.log
	before=$(log_lines)
	start=$(date +%s%N)
	# A test may ask for more time than TEST_TIMEOUT: "# timeout: N".
	limit=$(awk '/^# timeout: [0-9]+$/ { print $3; exit }' "$SRC/$SCRIPT_DIR/$t.sh")
	[ -n "$limit" ] && [ "$limit" -gt "$TEST_TIMEOUT" ] || limit=$TEST_TIMEOUT
	# (The test sees its limit as TEST_TIMEOUT, to stop short of it.)
	TEST_TIMEOUT=$limit timeout -k 5 "$limit" bash "$SRC/$SCRIPT_DIR/$t.sh" \
		>"$log" 2>&1 </dev/null
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	status=ok
	reason=""
	case $rc in
	0) ;;
	4) status=skip; reason=$(grep -m1 '^# SKIP' "$log" | sed 's/^# SKIP *//') ;;
	124|137) status=fail; reason="timed out after ${limit}s" ;;
	*) status=fail; reason=$(grep -m1 -E '^# (not ok|FAIL)' "$log" | sed 's/^# //') ;;
	esac
	if ! why=$(cleanup_after_test); then
		status=fail
		reason="$why"
	fi
	report_line=$(dmesg | tail -n +"$((before + 1))" | grep -m1 -E "$KERNEL_REPORT")
	if [ -n "$report_line" ]; then
		status=fail
		reason="kernel log: $report_line"
	fi
	taint=$(cat /proc/sys/kernel/tainted)
	if [ $((taint & ~ALLOWED_TAINT)) -ne 0 ] && [ "$taint_seen" = 0 ]; then
		taint_seen=1
		status=fail
		reason="${reason:+$reason; }kernel tainted: $(taint_letters "$taint")"
	fi
	report "RESULT $name $status $ms ${reason:-}"
done

# Objects younger than 5 s are not reported, and a leak shows only on a
# second scan: wait that out, scan twice, and hand every report to the
# host, which fails the run on any.
if [ -w "$KMEMLEAK" ]; then
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >"$RUN/kmemleak.log"
	report "KMEMLEAK $(grep -c '^unreferenced object' "$RUN/kmemleak.log")"
fi

dmesg >"$RUN/dmesg.log"
report "IPTO-RESULT done"
