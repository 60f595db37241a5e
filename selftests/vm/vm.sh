#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - sourced by check.sh and demo.sh: build ipto.ko for one installed
# Debian kernel, stage it in a module tree, and boot that kernel in QEMU
# (TCG) with the host root shared read-only and the project tree
# read-write.  Inside, selftests/vm/guest.sh runs the scripts named in
# run.env.  Everything of one run lands in build/logs/<series>/.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/vm/cache.sh
. "$TOP/selftests/vm/cache.sh"
VM_TIMEOUT=${VM_TIMEOUT:-3600}
# Single-threaded TCG (one host thread runs both vCPUs), and as many guests
# side by side as the machine has cores (check.sh).  VM_TCG=multi gives each
# vCPU a host thread: one guest alone runs about 1.3 times faster, two
# side by side slower; under it the guest holds ipto's netfilter hook
# points (guest.sh says why), and one guest runs at a time.
VM_TCG=${VM_TCG:-single}
HOLD_HOOKS=${HOLD_HOOKS:-$([ "$VM_TCG" = multi ] && echo yes || echo no)}
VM_JOBS=${VM_JOBS:-$([ "$VM_TCG" = multi ] && echo 1 || nproc)}
IPTO_VERSION=${IPTO_VERSION:-0.1}

# vm_kernel SERIES: sets VM_KVER, VM_KDIR (the tree modules build
# against), VM_KIMAGE, VM_KMODS (the kernel's module tree, empty when
# everything is built in) and VM_CHROOT (where the module is built, empty
# for the machine itself).  "debug" is the debug kernel of make
# check-debug, built once by debug-kernel.sh; "mainline" is Debian
# unstable's kernel, built against in the unstable chroot of
# mainline-kernel.sh; any other series is a Debian kernel that deps.sh
# unpacked into the cache.
vm_kernel() {
	local tree root

	VM_CHROOT=""
	if [ "$1" = mainline ]; then
		root=$("$TOP/selftests/vm/mainline-kernel.sh") || return 1
		VM_KVER=$(cat "$root/../kernel.release")
		VM_CHROOT=$root
		VM_KDIR=$root/usr/src/linux-headers-$VM_KVER
		VM_KIMAGE=$root/boot/vmlinuz-$VM_KVER
		VM_KMODS=$root/lib/modules/$VM_KVER
		return 0
	fi
	if [ "$1" = debug ]; then
		tree=$("$TOP/selftests/vm/debug-kernel.sh") || return 1
		VM_KVER=$(cat "$tree/include/config/kernel.release")
		VM_KDIR=$tree
		VM_KIMAGE=$tree/arch/x86/boot/bzImage
		VM_KMODS=""
		return 0
	fi
	VM_KVER=$(cache_kernel_release "$1") || return 1
	root=$(cache_kernel_dir "$1")/root
	VM_KDIR=$root/usr/src/linux-headers-$VM_KVER
	VM_KIMAGE=$root/boot/vmlinuz-$VM_KVER
	VM_KMODS=$root/lib/modules/$VM_KVER
	[ -d "$VM_KDIR" ] && [ -f "$VM_KIMAGE" ]
}

# vm_module_sources DIR: a fresh copy of the module's sources in DIR, with
# no objects of an earlier build, so that kernels do not share objects.
vm_module_sources() {
	rm -rf "$1" && mkdir -p "$1" &&
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$1/" &&
	rm -f "$1/kmod/"*.o "$1/kmod/"*.ko "$1/kmod/".*.cmd
}

# vm_make_module SRC [MAKE_ARGS...]: builds SRC/kmod/ipto.ko against
# $VM_KDIR at W=1 (vm_kernel sets it); in $VM_CHROOT when the kernel has
# one, from a copy of SRC there, copied back with the results.
vm_make_module() {
	local src=$1 inside rc
	shift

	if [ -z "$VM_CHROOT" ]; then
		make -C "$VM_KDIR" M="$src" W=1 IPTO_VERSION="$IPTO_VERSION" "$@" modules
		return
	fi
	# objtool reads /proc: a proc mounted in the chroot, in a mount
	# namespace of the build's own that takes it away afterwards.
	inside=$(mktemp -d "$VM_CHROOT/tmp/ipto-build.XXXXXX")
	cp -r "$src/." "$inside/" &&
	unshare --mount --propagation private \
		sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$VM_CHROOT" \
		make -C "${VM_KDIR#"$VM_CHROOT"}" M="${inside#"$VM_CHROOT"}" W=1 \
		IPTO_VERSION="$IPTO_VERSION" "$@" modules &&
	cp -r "$inside/." "$src/"
	rc=$?
	rm -rf "$inside"
	return $rc
}

# vm_prepare SERIES [DIR]: sets VM_KVER and VM_DIR (default
# build/logs/SERIES), builds the module and the boot files; on failure sets
# VM_ERROR and returns 1.
vm_prepare() {
	local series=$1 stage

	VM_DIR=$TOP/${2:-build/logs/$series}
	VM_ERROR=""
	rm -rf "$VM_DIR"
	mkdir -p "$VM_DIR/logs"
	if ! vm_kernel "$series"; then
		VM_ERROR="no kernel image and headers for $series in $IPTO_CACHE (make deps)"
		return 1
	fi

	if ! vm_module_sources "$VM_DIR/src" || ! vm_make_module "$VM_DIR/src" >"$VM_DIR/build.log" 2>&1; then
		VM_ERROR="module build failed: $(grep -m1 -E 'error' "$VM_DIR/build.log")"
		return 1
	fi
	if grep -q 'warning:' "$VM_DIR/build.log"; then
		VM_ERROR="W=1 warning: $(grep -m1 'warning:' "$VM_DIR/build.log")"
		return 1
	fi

	# The real module tree plus updates/ipto.ko, indexed here: depmod in
	# the guest over 9p takes minutes under TCG.
	stage=$VM_DIR/modroot/lib/modules/$VM_KVER
	mkdir -p "$stage/updates"
	if [ -n "$VM_KMODS" ]; then
		ln -s "$VM_KMODS/kernel" "$stage/kernel"
		cp "$VM_KMODS/"modules.{order,builtin,builtin.modinfo} "$stage/"
	else
		cp "$VM_KDIR/"modules.{order,builtin,builtin.modinfo} "$stage/"
	fi
	cp "$VM_DIR/src/kmod/ipto.ko" "$stage/updates/"
	# build: the kernel's headers, for DKMS in the guest (the target,
	# not the link: the link lives in the tree this one is mounted over).
	ln -s "$(readlink -f "$VM_KDIR")" "$stage/build"
	depmod -b "$VM_DIR/modroot" "$VM_KVER"

	if ! "$TOP/selftests/vm/mkinitramfs.sh" "$VM_KVER" "$VM_DIR/initramfs.cpio.gz" \
		${VM_KMODS:+"$VM_KMODS"}; then
		# shellcheck disable=SC2034 # (read by the callers)
		VM_ERROR="could not build the initramfs"
		return 1
	fi
}

# vm_boot SCRIPT_DIR SCRIPTS TIMEOUT_PER_SCRIPT: runs the scripts
# (paths without .sh, relative to SCRIPT_DIR, itself relative to the
# project; a script's results and log go by its base name) in the guest,
# with IPTO_CHECK (quick or full) in their environment; returns
# QEMU's (or timeout's) exit status.  Results: $VM_DIR/results.txt.
vm_boot() {
	local lock rc

	# One run at a time on a machine: guests of two runs would share the
	# cores and slow each other's timing-sensitive tests.  check.sh takes
	# the lock once for the guests it runs side by side.
	if [ -z "${IPTO_VM_LOCK_HELD:-}" ]; then
		exec {lock}>/tmp/ipto-vm.lock
		flock "$lock"
	fi
	# tsc=reliable: under TCG the kernel finds the vCPUs' TSCs out of sync
	# and falls back to the HPET, and then every clock read (iptod's
	# timers, every timestamp) is an MMIO exit into QEMU.  QEMU derives
	# every vCPU's TSC from the host's clock: they are in sync.  The
	# preemption model stays the kernel's own, as on a real node.
	# norandmaps: TCG translates guest code per guest page and keeps the
	# translations while the code stays where it was; with the address
	# space randomised every new process lands elsewhere and is translated
	# afresh.  Without randomisation a process starts 4 to 5 times faster
	# (ip -V: 1.1 s -> 0.13 s; python3 -c pass: 2 s -> 0.5 s).  Nothing
	# ipto does depends on where a process's mappings are.
	# mitigations=off: the CPU vulnerability mitigations (return stack
	# stuffing, buffer clears on every kernel exit) are emulated
	# instruction by instruction; without them three guest tests took
	# 104.5 s instead of 124 s.  ipto does nothing that depends on them,
	# and the CPU they would guard is QEMU's.
	# VM_CMDLINE adds kernel parameters (preempt=full).
	printf 'SCRIPT_DIR="%s"\nTESTS="%s"\nTEST_TIMEOUT=%s\nIPTO_CHECK=%s\nHOLD_HOOKS=%s\n' \
		"$1" "$2" "$3" "${IPTO_CHECK:-quick}" "$HOLD_HOOKS" >"$VM_DIR/run.env"
	: >"$VM_DIR/results.txt"
	timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
		-machine q35 -accel tcg,thread="$VM_TCG" -cpu max -smp 2 -m "${VM_MEMORY:-2048}" \
		-nodefaults -nographic -no-reboot -monitor none \
		-serial "file:$VM_DIR/console.log" -serial "file:$VM_DIR/results.txt" \
		-kernel "$VM_KIMAGE" -initrd "$VM_DIR/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=5 tsc=reliable norandmaps mitigations=off ${VM_CMDLINE:-} iptorun=${VM_DIR#"$TOP"/} iptocache=$IPTO_CACHE" \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=ipto,path="$TOP",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=ipto,mount_tag=ipto \
		-fsdev local,id=cache,path="$IPTO_CACHE",security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=cache,mount_tag=cache \
		>"$VM_DIR/qemu.log" 2>&1
	rc=$?
	[ -n "${lock:-}" ] && exec {lock}>&-
	# The guest's serial line ends every line with CR LF.
	sed -i 's/\r$//' "$VM_DIR/results.txt"
	return $rc
}
