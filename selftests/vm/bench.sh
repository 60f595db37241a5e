#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - "make bench": boot each kernel of $KERNELS (default 6.1) and
# run the benchmarks under selftests/bench/ inside the guest; they print
# their figures and write JSON under selftests/bench/results/.  A
# benchmark never fails the run on a number, only on not running.
set -uo pipefail
. "$(dirname "$0")/vm.sh"
rc=0
for series in ${KERNELS:-6.1}; do
	if ! vm_prepare "$series" "build/bench/$series"; then
		echo "bench: $VM_ERROR" >&2
		rc=1
		continue
	fi
	benches=$(cd "$TOP/selftests/bench" && ls -- *.sh | sed 's/\.sh$//' | tr '\n' ' ')
	vm_boot selftests/bench "$benches" 900
	for b in $benches; do
		echo "== $series $b: $(grep -m1 "^RESULT $b " "$VM_DIR/results.txt" | awk '{ print $3 }')"
		cat "$VM_DIR/logs/$b.log" 2>/dev/null
	done
	grep -q '^IPTO-RESULT done' "$VM_DIR/results.txt" || rc=1
done
exit $rc
