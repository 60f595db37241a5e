#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the kernel half of "make check".  For each kernel series in
# $KERNELS (default "6.1 6.12", Debian's installed images; "debug" is the
# debug kernel of make check-debug): build ipto.ko
# against that kernel's headers, stage it in a module tree, boot the kernel
# in QEMU (TCG) with the host root shared read-only, run the tests under
# selftests/ inside the guest, and report one KTAP line per test per kernel
# and a closing "N passed, N failed" line.
#
# Environment: KERNELS, T (tests, by name), TEST_TIMEOUT (s, per test),
# VM_TIMEOUT (s, per boot).  Logs: build/logs/<series>/.
set -uo pipefail

. "$(dirname "$0")/vm.sh"
KERNELS=${KERNELS:-6.1 6.12}
T=${T:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-240}

all_tests=$(cd "$TOP/selftests" && ls -- *.sh | sed 's/\.sh$//' | grep -vx lib)
if [ -n "$T" ]; then
	for t in $T; do
		if ! grep -qx -- "$t" <<<"$all_tests"; then
			echo "check: no test named '$t'; tests are:" $all_tests >&2
			exit 2
		fi
	done
	tests=$T
else
	tests=$(echo $all_tests)
fi

n=0 passed=0 failed=0 skipped=0
ktap() {	# ktap STATUS DESCRIPTION [REASON]
	n=$((n + 1))
	case $1 in
	ok) passed=$((passed + 1)); echo "ok $n $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok $n $2 # SKIP ${3:-}" ;;
	*) failed=$((failed + 1)); echo "not ok $n $2${3:+ # $3}" ;;
	esac
}

run_kernel() {
	local series=$1 t line status ms reason log start qemu_rc

	start=$(date +%s)
	if ! vm_prepare "$series"; then
		ktap fail "$series build" "$VM_ERROR"
		return
	fi
	ktap ok "$series build"
	echo "# kernel $series: $VM_KVER, logs in build/logs/$series/"
	vm_boot selftests "$tests" "$TEST_TIMEOUT"
	qemu_rc=$?

	if ! grep -q '^IPTO-RESULT started' "$VM_DIR/results.txt"; then
		ktap fail "$series boot" "guest did not boot (qemu exit $qemu_rc): $(grep -h -m1 -E 'IPTO-RESULT|Kernel panic|initramfs:' "$VM_DIR/results.txt" "$VM_DIR/console.log" | head -1)"
		return
	fi
	for t in $tests; do
		line=$(grep -m1 "^RESULT $t " "$VM_DIR/results.txt")
		if [ -z "$line" ]; then
			ktap fail "$series $t" "no result: guest crashed or timed out, see build/logs/$series/console.log"
			continue
		fi
		read -r _ _ status ms reason <<<"$line"
		ktap "$status" "$series $t" "$reason"
		log=$VM_DIR/logs/$t.log
		if [ "$status" = fail ] && [ -f "$log" ]; then
			# Every failed check and figure, then the log's end.
			grep -E '^# (not ok|measure:)' "$log" | sed 's/^/#   /'
			echo "#   ... the end of build/logs/$series/logs/$t.log:"
			tail -n 15 "$log" | sed 's/^/#   /'
		fi
		echo "#   $t: ${ms} ms"
	done
	if ! grep -q '^IPTO-RESULT done' "$VM_DIR/results.txt"; then
		ktap fail "$series guest" "guest did not finish (qemu exit $qemu_rc, VM_TIMEOUT=${VM_TIMEOUT}s)"
	fi
	leaks=$(awk '$1 == "KMEMLEAK" { print $2 }' "$VM_DIR/results.txt")
	if [ -n "$leaks" ]; then
		if [ "$leaks" -eq 0 ]; then
			ktap ok "$series kmemleak"
		else
			ktap fail "$series kmemleak" "$leaks unreferenced objects, see build/logs/$series/kmemleak.log"
			grep -A12 -m3 '^unreferenced object' "$VM_DIR/kmemleak.log" | sed 's/^/#   /'
		fi
	fi
	# Reports the guest could not attribute to a test (a panic) still fail.
	if grep -q -E 'Kernel panic|BUG:|Oops' "$VM_DIR/console.log"; then
		ktap fail "$series console" "$(grep -m1 -E 'Kernel panic|BUG:|Oops' "$VM_DIR/console.log")"
	fi
	echo "# kernel $series: $(($(date +%s) - start)) s"
}

echo "TAP version 13"
for series in $KERNELS; do
	run_kernel "$series"
done
echo "1..$n"
echo "# Totals: pass:$passed fail:$failed skip:$skipped"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
