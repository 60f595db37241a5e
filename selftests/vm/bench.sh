#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - "make bench": boot each kernel of $KERNELS (default 6.1) and
# run the benchmarks under selftests/bench/ (every *.sh there, or those
# named in $BENCH, e.g. BENCH="fastpath memory") inside the guest; they
# print their figures and write JSON under selftests/bench/results/.  Then,
# on the host, selftests/bench/report.py turns the JSON of the newest run
# into selftests/bench/results/RESULTS.md and the outage chart.  A
# benchmark never fails the run on a number, only on not running.
set -uo pipefail
. "$(dirname "$0")/vm.sh"

all=$(cd "$TOP/selftests/bench" && ls -- *.sh | sed 's/\.sh$//' | tr '\n' ' ')
benches=${BENCH:-$all}
for b in $benches; do
	case " $all " in
	*" $b "*) ;;
	*) echo "bench: no benchmark \"$b\" (BENCH=\"$BENCH\"); there are: $all" >&2; exit 2 ;;
	esac
done

rc=0
for series in ${KERNELS:-6.1}; do
	if ! vm_prepare "$series" "build/bench/$series"; then
		echo "bench: $VM_ERROR" >&2
		rc=1
		continue
	fi
	start=$(date +%s)
	vm_boot selftests/bench "$benches" 900
	for b in $benches; do
		echo "== $series $b: $(grep -m1 "^RESULT $b " "$VM_DIR/results.txt" | awk '{ print $3, $4 " ms" }')"
		cat "$VM_DIR/logs/$b.log" 2>/dev/null
	done
	echo "== $series: the guest ran for $(($(date +%s) - start)) s"
	grep -q '^IPTO-RESULT done' "$VM_DIR/results.txt" || rc=1
	grep -q '^RESULT .* fail' "$VM_DIR/results.txt" && rc=1
	if ! python3 "$TOP/selftests/bench/report.py" "$TOP/selftests/bench/results" "$VM_KVER" \
		"$VM_DIR/results.txt"; then
		echo "bench: the report could not be made" >&2
		rc=1
	fi
done
exit $rc
