#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - "make lint": the static checks, each of which must be clean:
#   checkpatch.pl --strict on the module and the uapi header, taken from
#     Debian's linux-source-6.1 in the cache (extracted once into
#     build/lint/);
#   sparse (C=2) and W=1 on a build of the module for each kernel of
#     $KERNELS (default "6.1 6.12"; mainline's in its unstable chroot);
#   cppcheck on the C code that runs in userspace: the tools, daemon and
#     probe, the test tools, fuzz harnesses and unit tests, and the
#     module's decision core (kmod/decide.c), which the unit tests build;
#   every shell script through shellcheck (its warnings and errors).
# Prints one line per check and exits 1 if any found something.
set -uo pipefail
. "$(dirname "$0")/vm.sh"
cd "$TOP" || exit 1
KERNELS=${KERNELS:-6.1 6.12}
LINT=$TOP/build/lint
mkdir -p "$LINT"
rc=0

result() {	# result NAME LOG: ok when LOG is empty, else its lines
	if [ -s "$2" ]; then
		echo "lint: $1: FOUND"
		sed 's/^/  /' "$2"
		rc=1
	else
		echo "lint: $1: clean"
	fi
}

# checkpatch.pl and the data files it reads, from Debian's kernel source.
cp_dir=$LINT/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=$(cache_source 6.1)
	if [ ! -f "$tarball" ]; then
		echo "lint: no $tarball (make deps puts it there)" >&2
		exit 1
	fi
	rm -rf "$cp_dir" && mkdir -p "$cp_dir"
	top=$(tar -tf "$tarball" | head -n 1 | awk -F/ '{ print $1 }')
	tar -xf "$tarball" -C "$cp_dir" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" || exit 1
fi
sources=()
for f in kmod/*.c kmod/*.h; do
	[[ $f == *.mod.c ]] || sources+=("$f")
done
perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --quiet -f \
	"${sources[@]}" uapi/linux/ipto.h 2>&1 |
	grep -v '^total: 0 errors, 0 warnings, 0 checks' >"$LINT/checkpatch.log"
result "checkpatch --strict" "$LINT/checkpatch.log"

# sparse and W=1, in a copy of the sources per kernel.
for series in $KERNELS; do
	if ! vm_kernel "$series"; then
		echo "lint: no headers for $series (make deps)" >&2
		rc=1
		continue
	fi
	src=$LINT/src-$series
	vm_module_sources "$src" && vm_make_module "$src" C=2 >"$LINT/build-$series.log" 2>&1 ||
		echo "build failed" >>"$LINT/build-$series.log"
	# (Kbuild only warns, and goes on without it, when sparse cannot run.)
	grep -E 'warning:|error:|build failed|C=2 specified' "$LINT/build-$series.log" \
		>"$LINT/sparse-$series.log"
	result "sparse C=2 and W=1, $VM_KVER" "$LINT/sparse-$series.log"
done

# cppcheck on the C code that runs in userspace.
cppcheck --quiet --enable=warning,performance,portability --std=c11 \
	--inline-suppr -D_DEFAULT_SOURCE --suppress=missingIncludeSystem \
	-I uapi -I userland -I userland/iptoctl -I userland/iptod -I userland/probe -I kmod \
	userland/iptoctl userland/lib userland/iptod userland/probe selftests/tools/*.c \
	selftests/fuzz/*.c selftests/unit/*.c kmod/decide.c \
	>"$LINT/cppcheck.log" 2>&1
result "cppcheck (userland, test tools, fuzz harnesses, unit tests)" "$LINT/cppcheck.log"

# The shell scripts: the tests and their helpers, the guest's and
# the benchmarks' scripts, CI's entry point and the initramfs's init.  One
# run for all: a variable set in a test and read only by a helper it
# sources counts as used only when the helper is checked with it.
mapfile -t scripts < <(find . \( -path ./build -o -path ./.git \) -prune -o \
	-name '*.sh' -print | sort)
scripts+=(.ci/run selftests/vm/initramfs-init)
shellcheck --severity=warning --format=gcc "${scripts[@]}" >"$LINT/shellcheck.log" 2>&1
result "shellcheck (${#scripts[@]} scripts)" "$LINT/shellcheck.log"
exit $rc
