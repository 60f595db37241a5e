#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the kernel half of "make check" and "make check-full".  For
# each kernel series in $KERNELS (default "6.1 6.12", the Debian kernels
# make deps unpacked into the cache; "mainline" and "debug" as in vm.sh):
# build ipto.ko against that kernel's headers, check the kernel's config
# against each test group's config fragment, boot the kernel in QEMU (TCG)
# with the host root shared read-only, run the groups' tests inside the
# guest, and report one KTAP line per test per kernel, each with its time,
# then the ten slowest tests and a closing "N passed, N failed" line.
#
# The tests are grouped by what they test, one folder each under
# selftests/ (TEST_GROUPS below, in the order they run); a folder's
# "tests" file lists its tests in order, its "config" file the kernel
# options they need.
#
# IPTO_CHECK=quick (make check, what CI runs) sizes repeat counts for
# catching regressions and runs each test of the install group (which
# compiles in the guest) on one kernel only; IPTO_CHECK=full (make
# check-full) runs every count at its full size and every group on every
# kernel.
#
# The kernels' guests run side by side, one per core (VM_JOBS), each under
# single-threaded TCG (vm.sh): on 2 cores make check took 30 min so,
# against 35 min with one multi-threaded guest after the other.  Under
# VM_TCG=multi one guest runs at a time, and it holds the netfilter hook points open
# (HOLD_HOOKS=yes; guest.sh says why: the emulator runs stale int3s of the
# kernel's text patching), so that ipto's own hook registration under
# traffic is exercised only under single-threaded TCG.
#
# Environment: KERNELS, T (tests or groups, by name), IPTO_CHECK, VM_TCG,
# VM_JOBS, TEST_TIMEOUT (s, per test), VM_TIMEOUT (s, per boot).
# Logs: build/logs/<series>/, and the lane's KTAP lines in
# build/logs/<series>.tap.
set -uo pipefail

. "$(dirname "$0")/vm.sh"
KERNELS=${KERNELS:-6.1 6.12}
T=${T:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-240}
export IPTO_CHECK=${IPTO_CHECK:-quick}
case $VM_TCG in
multi|single) ;;
*) echo "check: VM_TCG must be multi or single, not '$VM_TCG'" >&2; exit 2 ;;
esac
TEST_GROUPS="kmod takeover cluster iptod clients install"
# Compiles in the guest (DKMS, apt): one kernel is enough to catch a
# regression; the module's build against each kernel is checked on the
# host (above) and by make lint.  In make check each of these tests runs on
# one kernel, the first test on the first kernel, the next on the next, so
# that the lanes, which run side by side, take about as long.
ONE_KERNEL_GROUPS="install"

case $IPTO_CHECK in
quick|full) ;;
*) echo "check: IPTO_CHECK must be quick or full, not '$IPTO_CHECK'" >&2; exit 2 ;;
esac

group_tests() { grep -v -e '^#' -e '^$' "$TOP/selftests/$1/tests"; }
group_of() {	# group_of TEST: its group, or nothing
	local g
	for g in $TEST_GROUPS; do
		group_tests "$g" | grep -qx -- "$1" && { echo "$g"; return; }
	done
}

# The selection, as GROUP/TEST paths in run order.
selected=()
if [ -n "$T" ]; then
	for t in $T; do
		if [[ " $TEST_GROUPS " == *" $t "* ]]; then
			for x in $(group_tests "$t"); do selected+=("$t/$x"); done
		elif g=$(group_of "$t") && [ -n "$g" ]; then
			selected+=("$g/$t")
		else
			echo "check: no test or group named '$t'; groups: $TEST_GROUPS; tests:" >&2
			for g in $TEST_GROUPS; do echo "  $g: $(group_tests "$g" | tr '\n' ' ')" >&2; done
			exit 2
		fi
	done
else
	for g in $TEST_GROUPS; do
		for x in $(group_tests "$g"); do selected+=("$g/$x"); done
	done
fi

# ktap STATUS DESCRIPTION [REASON]: one KTAP line of a lane (numbered
# again when the lanes are merged).
ktap() {
	case $1 in
	ok) echo "ok 0 $2${3:+ # $3}" ;;
	skip) echo "ok 0 $2 # SKIP ${3:-}" ;;
	*) echo "not ok 0 $2${3:+ # $3}" ;;
	esac
}
secs() { printf '%d.%d s' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# config_missing GROUP: the options of GROUP's fragment that the kernel of
# the last vm_prepare lacks ("CONFIG_X=y (is m)").
config_missing() {
	local opt want have kconfig=$VM_KDIR/.config
	while IFS='=' read -r opt want; do
		have=$(grep -m1 "^$opt=" "$kconfig" | cut -d= -f2)
		case $want:$have in
		y:y|m:y|m:m) ;;
		*) echo -n "$opt=$want (is ${have:-not set}) " ;;
		esac
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$TOP/selftests/$1/config")
}

run_kernel() {
	local series=$1 kidx=$2 t name g line status ms reason log start qemu_rc
	local nk one=0 tests=() missing=() bad logs=build/logs/$series

	start=$(date +%s)
	if ! vm_prepare "$series" "$logs"; then
		ktap fail "$series build" "$VM_ERROR"
		return
	fi
	ktap ok "$series build"
	echo "# kernel $series: $VM_KVER, logs in $logs/, netfilter hook points held: $HOLD_HOOKS"
	for g in $TEST_GROUPS; do
		bad=$(config_missing "$g")
		if [ -n "$bad" ]; then
			ktap fail "$series $g config" "the kernel lacks $bad"
			missing+=("$g")
		fi
	done
	nk=$(wc -w <<<"$KERNELS")
	for t in "${selected[@]}"; do
		g=${t%/*}
		[[ " ${missing[*]} " == *" $g "* ]] && continue
		if [ "$IPTO_CHECK" = quick ] && [ -z "$T" ] &&
			[[ " $ONE_KERNEL_GROUPS " == *" $g "* ]]; then
			one=$((one + 1))
			[ $(((one - 1) % nk)) -eq "$kidx" ] || continue
		fi
		tests+=("$t")
	done
	[ ${#tests[@]} -gt 0 ] || return
	vm_boot selftests "${tests[*]}" "$TEST_TIMEOUT"
	qemu_rc=$?

	if ! grep -q '^IPTO-RESULT started' "$VM_DIR/results.txt"; then
		ktap fail "$series boot" "guest did not boot (qemu exit $qemu_rc): $(grep -h -m1 -E 'IPTO-RESULT|Kernel panic|initramfs:' "$VM_DIR/results.txt" "$VM_DIR/console.log" | head -1)"
		return
	fi
	for t in "${tests[@]}"; do
		name=${t#*/}
		line=$(grep -m1 "^RESULT $name " "$VM_DIR/results.txt")
		if [ -z "$line" ]; then
			ktap fail "$series $name" "no result: guest crashed or timed out, see $logs/console.log"
			continue
		fi
		read -r _ _ status ms reason <<<"$line"
		echo "TIME $ms $series $name"
		case $status in
		skip) ktap skip "$series $name" "$reason ($(secs "$ms"))" ;;
		ok) ktap ok "$series $name" "$(secs "$ms")" ;;
		*) ktap fail "$series $name" "$(secs "$ms"): $reason" ;;
		esac
		log=$VM_DIR/logs/$name.log
		if [ "$status" = fail ] && [ -f "$log" ]; then
			# Every failed check and figure, then the log's end.
			grep -E '^# (not ok|measure:)' "$log" | sed 's/^/#   /'
			echo "#   ... the end of $logs/logs/$name.log:"
			tail -n 15 "$log" | sed 's/^/#   /'
		fi
	done
	if ! grep -q '^IPTO-RESULT done' "$VM_DIR/results.txt"; then
		ktap fail "$series guest" "guest did not finish (qemu exit $qemu_rc, VM_TIMEOUT=${VM_TIMEOUT}s)"
	fi
	leaks=$(awk '$1 == "KMEMLEAK" { print $2 }' "$VM_DIR/results.txt")
	if [ -n "$leaks" ]; then
		if [ "$leaks" -eq 0 ]; then
			ktap ok "$series kmemleak"
		else
			ktap fail "$series kmemleak" "$leaks unreferenced objects, see $logs/kmemleak.log"
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
echo "# IPTO_CHECK=$IPTO_CHECK VM_TCG=$VM_TCG VM_JOBS=$VM_JOBS"
# The kernels' lanes run side by side, VM_JOBS guests at a time, each
# into its own file; their results are printed, renumbered, in the order
# of $KERNELS once all have finished.  The machine's lock is taken once
# for all of them (vm_boot takes it for a guest started alone).
exec {vm_lock}>/tmp/ipto-vm.lock
flock "$vm_lock"
export IPTO_VM_LOCK_HELD=1
lanes=()
kidx=0
for series in $KERNELS; do
	while [ "$(jobs -rp | wc -l)" -ge "$VM_JOBS" ]; do
		wait -n
	done
	lane=$TOP/build/logs/$series
	mkdir -p "$TOP/build/logs"
	echo "# kernel $series: started, results in $lane.tap"
	run_kernel "$series" "$kidx" >"$lane.tap" 2>&1 &
	lanes+=("$lane")
	kidx=$((kidx + 1))
done
wait
exec {vm_lock}>&-

n=0 passed=0 failed=0 skipped=0 times=()
for lane in "${lanes[@]}"; do
	while IFS= read -r line; do
		if [[ $line =~ ^(ok|not\ ok)\ [0-9]+\ (.*)$ ]]; then
			n=$((n + 1))
			if [ "${BASH_REMATCH[1]}" = "not ok" ]; then
				failed=$((failed + 1))
			elif [[ ${BASH_REMATCH[2]} == *" # SKIP"* ]]; then
				skipped=$((skipped + 1))
			else
				passed=$((passed + 1))
			fi
			echo "${BASH_REMATCH[1]} $n ${BASH_REMATCH[2]}"
		elif [[ $line == "TIME "* ]]; then
			times+=("${line#TIME }")
		else
			echo "$line"
		fi
	done <"$lane.tap"
done
echo "1..$n"
if [ ${#times[@]} -gt 0 ]; then
	echo "# the ten slowest:"
	printf '%s\n' "${times[@]}" | sort -rn | head -n 10 | while read -r ms series name; do
		printf '#   %8s  %s %s\n' "$(secs "$ms")" "$series" "$name"
	done
fi
echo "# Totals: pass:$passed fail:$failed skip:$skipped"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
