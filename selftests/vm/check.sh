#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the kernel half of "make check".  For each kernel series in
# $KERNELS (default "6.1 6.12", Debian's installed images): build ipto.ko
# against that kernel's headers, stage it in a module tree, boot the kernel
# in QEMU (TCG) with the host root shared read-only, run the tests under
# selftests/ inside the guest, and report one KTAP line per test per kernel
# and a closing "N passed, N failed" line.
#
# Environment: KERNELS, T (one test), TEST_TIMEOUT (s, per test),
# VM_TIMEOUT (s, per boot).  Logs: build/logs/<series>/.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNELS=${KERNELS:-6.1 6.12}
T=${T:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-240}
VM_TIMEOUT=${VM_TIMEOUT:-1500}
IPTO_VERSION=${IPTO_VERSION:-0.1}

all_tests=$(cd "$TOP/selftests" && ls -- *.sh | sed 's/\.sh$//' | grep -vx lib)
if [ -n "$T" ]; then
	if ! grep -qx -- "$T" <<<"$all_tests"; then
		echo "check: no test named '$T'; tests are:" $all_tests >&2
		exit 2
	fi
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

# Newest installed Debian kernel of a series, e.g. 6.1 -> 6.1.0-56-amd64.
kernel_of_series() {
	ls /boot/vmlinuz-"$1".* /boot/vmlinuz-"$1"-* 2>/dev/null | sed 's|/boot/vmlinuz-||' |
		sort -V | tail -n 1
}

run_kernel() {
	local series=$1 kver dir stage t line status ms reason log start

	dir=$TOP/build/logs/$series
	rm -rf "$dir"
	mkdir -p "$dir/logs"
	kver=$(kernel_of_series "$series")
	if [ -z "$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
		ktap fail "$series build" "no installed kernel image and headers for $series (make deps)"
		return
	fi
	echo "# kernel $series: $kver, logs in build/logs/$series/"
	start=$(date +%s)

	# Module, built in a copy of the sources so kernels do not share objects.
	mkdir -p "$dir/src"
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$dir/src/"
	rm -f "$dir/src/kmod/"*.o "$dir/src/kmod/"*.ko "$dir/src/kmod/".*.cmd
	if ! make -C "/lib/modules/$kver/build" M="$dir/src" W=1 \
		IPTO_VERSION="$IPTO_VERSION" modules >"$dir/build.log" 2>&1; then
		ktap fail "$series build" "module build failed: $(grep -m1 -E 'error' "$dir/build.log")"
		return
	fi
	if grep -q 'warning:' "$dir/build.log"; then
		ktap fail "$series build" "W=1 warning: $(grep -m1 'warning:' "$dir/build.log")"
		return
	fi
	ktap ok "$series build"

	# Module tree: the real one plus updates/ipto.ko, indexed here
	# (depmod in the guest over 9p takes minutes under TCG).
	stage=$dir/modroot/lib/modules/$kver
	mkdir -p "$stage/updates"
	ln -s "/lib/modules/$kver/kernel" "$stage/kernel"
	cp "/lib/modules/$kver/"modules.{order,builtin,builtin.modinfo} "$stage/"
	cp "$dir/src/kmod/ipto.ko" "$stage/updates/"
	depmod -b "$dir/modroot" "$kver"

	"$TOP/selftests/vm/mkinitramfs.sh" "$kver" "$dir/initramfs.cpio.gz" || {
		ktap fail "$series boot" "could not build the initramfs"
		return
	}
	printf 'TESTS="%s"\nTEST_TIMEOUT=%s\n' "$tests" "$TEST_TIMEOUT" >"$dir/run.env"
	: >"$dir/results.txt"

	timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
		-machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
		-nodefaults -nographic -no-reboot -monitor none \
		-serial "file:$dir/console.log" -serial "file:$dir/results.txt" \
		-kernel "/boot/vmlinuz-$kver" -initrd "$dir/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=5 iptorun=build/logs/$series" \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=ipto,path="$TOP",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=ipto,mount_tag=ipto \
		>"$dir/qemu.log" 2>&1
	local qemu_rc=$?

	if ! grep -q '^IPTO-RESULT started' "$dir/results.txt"; then
		ktap fail "$series boot" "guest did not boot (qemu exit $qemu_rc): $(grep -m1 -E 'IPTO-RESULT|Kernel panic|initramfs:' "$dir/results.txt" "$dir/console.log" | head -1)"
		return
	fi
	for t in $tests; do
		line=$(grep -m1 "^RESULT $t " "$dir/results.txt")
		if [ -z "$line" ]; then
			ktap fail "$series $t" "no result: guest crashed or timed out, see build/logs/$series/console.log"
			continue
		fi
		read -r _ _ status ms reason <<<"$line"
		ktap "$status" "$series $t" "$reason"
		log=$dir/logs/$t.log
		if [ "$status" = fail ] && [ -f "$log" ]; then
			tail -n 15 "$log" | sed 's/^/#   /'
		fi
		echo "#   $t: ${ms} ms"
	done
	if ! grep -q '^IPTO-RESULT done' "$dir/results.txt"; then
		ktap fail "$series guest" "guest did not finish (qemu exit $qemu_rc, VM_TIMEOUT=${VM_TIMEOUT}s)"
	fi
	# Reports the guest could not attribute (a panic, say) still fail.
	if grep -q -E 'Kernel panic|BUG:|Oops' "$dir/console.log"; then
		ktap fail "$series console" "$(grep -m1 -E 'Kernel panic|BUG:|Oops' "$dir/console.log")"
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
