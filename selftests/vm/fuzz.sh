#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh - "make fuzz-netlink": for each kernel of $KERNELS (default 6.1),
# boot it and run selftests/fuzz/netlink.sh in the guest: nlfuzz sends
# FUZZ_MESSAGES (default 200000) generic netlink requests to the ipto
# family as root and a quarter as many as nobody, from seed FUZZ_SEED
# (default: the time, printed).  The two reach the guest in fuzz.env in
# the run directory.  Logs: build/fuzz/<series>/.
set -uo pipefail
VM_TIMEOUT=${VM_TIMEOUT:-5400}
. "$(dirname "$0")/vm.sh"

FUZZ_MESSAGES=${FUZZ_MESSAGES:-200000}
FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
for v in FUZZ_MESSAGES FUZZ_SEED VM_TIMEOUT; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]]; then
		echo "fuzz: $v must be a non-negative number, not \"${!v}\"" >&2
		exit 2
	fi
done
if [ "$VM_TIMEOUT" -le 120 ]; then
	echo "fuzz: VM_TIMEOUT must leave the guest more than 120 s" >&2
	exit 2
fi
if [ ! -x "$TOP/selftests/fuzz/nlfuzz" ]; then
	echo "fuzz: selftests/fuzz/nlfuzz is not built (make -C selftests/fuzz nlfuzz)" >&2
	exit 2
fi

rc=0
for series in ${KERNELS:-6.1}; do
	if ! vm_prepare "$series" "build/fuzz/$series"; then
		echo "fuzz: $VM_ERROR" >&2
		rc=1
		continue
	fi
	printf 'FUZZ_MESSAGES=%s\nFUZZ_SEED=%s\n' "$FUZZ_MESSAGES" "$FUZZ_SEED" >"$VM_DIR/fuzz.env"
	echo "== $series: seed $FUZZ_SEED, $FUZZ_MESSAGES messages as root, $((FUZZ_MESSAGES / 4)) as nobody"
	start=$(date +%s)
	vm_boot selftests/fuzz netlink "$((VM_TIMEOUT - 60))"
	cat "$VM_DIR/logs/netlink.log" 2>/dev/null
	line=$(grep -m1 '^RESULT netlink ' "$VM_DIR/results.txt")
	echo "== $series: ${line:-no result (guest crashed or timed out, see $VM_DIR/console.log)}"
	echo "== $series: the guest ran for $(($(date +%s) - start)) s"
	[[ $line == "RESULT netlink ok "* ]] || rc=1
	grep -q '^IPTO-RESULT done' "$VM_DIR/results.txt" || rc=1
	# The debug kernel's kmemleak scan, after the fuzzing.
	leaks=$(awk '$1 == "KMEMLEAK" { print $2 }' "$VM_DIR/results.txt")
	if [ -n "$leaks" ]; then
		echo "== $series: kmemleak: $leaks unreferenced objects"
		[ "$leaks" -eq 0 ] || rc=1
	fi
	# A report before the guest powers itself off; after that, init may
	# die while the shared root goes away, which is no finding.
	report=$(sed '/sysrq: Power Off/q' "$VM_DIR/console.log" | grep -m1 -E 'Kernel panic|BUG:|Oops')
	if [ -n "$report" ]; then
		echo "== $series: $report"
		rc=1
	fi
done
exit $rc
