#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": boot a Debian kernel in QEMU, load the freshly
# built ipto module and walk through what a node sees (demo-guest.sh),
# printing the guest's story as it happens.  DEMO_KERNEL picks the series
# (default 6.1).
set -uo pipefail
. "$(dirname "$0")/vm.sh"
series=${DEMO_KERNEL:-6.1}

echo "demo: building ipto.ko for Debian's $series kernel"
if ! vm_prepare "$series" "build/demo/$series"; then
	echo "demo: $VM_ERROR" >&2
	exit 1
fi
echo "demo: booting $VM_KVER under QEMU (TCG), about 10 s"
log=$VM_DIR/logs/demo-guest.log
: >"$log"
vm_boot selftests/vm demo-guest 300 &
boot=$!
# The story as the guest writes it; tail reads the file to its end once
# more when the guest is gone, then exits.
tail -n +1 -F -s 0.2 --pid="$boot" "$log" 2>/dev/null
wait "$boot"
rc=$?

if grep -q '^RESULT demo-guest ok' "$VM_DIR/results.txt"; then
	echo "demo: done (console: build/demo/$series/console.log)"
	exit 0
fi
echo "demo: failed (qemu exit $rc): $(grep -m1 '^RESULT' "$VM_DIR/results.txt")" >&2
echo "demo: see build/demo/$series/console.log and $log" >&2
exit 1
