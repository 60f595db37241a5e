#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - runs the fuzz harnesses built by selftests/fuzz/Makefile, each
# for a set time, and tells what each did.
#   run.sh SECONDS NAME...     e.g. run.sh 60 hb_fuzz config_fuzz
# NAME's corpus is build/fuzz/corpus/NAME, seeded from selftests/fuzz/seeds/
# (hb_fuzz: seeds/hb, config_fuzz: seeds/config plus the example, demo and
# unit-test configs of the tree); a dictionary selftests/fuzz/SHORT.dict is
# used when present.  A crash, leak or hang is saved by libFuzzer under
# build/fuzz/artifacts/NAME/; the run then fails, naming the saved input.
# Per harness it prints executions, exec/s, CPU seconds and the coverage
# gained; the whole libFuzzer output is in build/fuzz/logs/NAME.log.
set -uo pipefail

FUZZDIR=$(cd "$(dirname "$0")" && pwd)
TOPDIR=$(cd "$FUZZDIR/../.." && pwd)
OUTDIR=$TOPDIR/build/fuzz

usage() {
	echo "usage: run.sh SECONDS NAME..." >&2
	exit 2
}

[ $# -ge 2 ] || usage
secs=$1
shift
case $secs in
'' | *[!0-9]* | 0) echo "run.sh: SECONDS must be a positive integer, not \"$secs\"" >&2; exit 2 ;;
esac

# LeakSanitizer stops the process with ptrace; where Yama forbids that it
# cannot work, so leaks are checked only where it can (as selftests/unit).
detect_leaks=1
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
[ "$scope" = 0 ] || detect_leaks=0

# "1m2.500s" (bash's times) in seconds
to_seconds() {
	awk -v t="$1" 'BEGIN { split(t, a, "m"); sub("s", "", a[2]); printf "%.1f", a[1] * 60 + a[2] }'
}

# the value of libFuzzer's final "stat::NAME: VALUE" line in a log
stat_of() {
	awk -v k="stat::$2:" '$1 == k { v = $2 } END { print (v == "" ? "?" : v) }' "$1"
}

# the "cov:" figure of the first line of a log matching a pattern, or the last
cov_of() {
	awk -v pat="$2" -v last="$3" '
		$0 ~ pat { for (i = 1; i < NF; i++) if ($i == "cov:") { c = $(i + 1); if (!last) { print c; exit } } }
		END { if (last) print (c == "" ? "?" : c) }' "$1"
}

seed_corpus() {
	local name=$1 corpus=$2 f

	if [ -d "$FUZZDIR/seeds/${name%_fuzz}" ]; then
		for f in "$FUZZDIR/seeds/${name%_fuzz}"/*; do
			[ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"
		done
	fi
	if [ "$name" = config_fuzz ]; then
		cp -n "$TOPDIR/userland/iptod/iptod.conf.example" "$corpus/seed-iptod.conf.example"
		cp -n "$TOPDIR/selftests/vm/demo/iptod.conf" "$corpus/seed-demo-iptod.conf"
		for f in "$TOPDIR"/selftests/unit/configs/*.conf; do
			[ -f "$f" ] && cp -n "$f" "$corpus/seed-unit-$(basename "$f")"
		done
	fi
	return 0
}

failed=()
for name in "$@"; do
	bin=$OUTDIR/bin/$name
	corpus=$OUTDIR/corpus/$name
	artifacts=$OUTDIR/artifacts/$name
	log=$OUTDIR/logs/$name.log
	dict=$FUZZDIR/${name%_fuzz}.dict

	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is not built (make -C selftests/fuzz build)" >&2
		exit 2
	fi
	mkdir -p "$corpus" "$artifacts" "$OUTDIR/logs"
	seed_corpus "$name" "$corpus"
	ls -A "$artifacts" | sort >"$OUTDIR/logs/$name.artifacts-before"
	args=(-max_total_time="$secs" -print_final_stats=1 -timeout=25
	      -detect_leaks="$detect_leaks" -artifact_prefix="$artifacts/")
	[ -f "$dict" ] && args+=(-dict="$dict")

	echo "fuzz: $name for $secs s on $corpus ($(ls -A "$corpus" | wc -l) inputs)"
	# a subshell, so that its "times" counts only this harness's CPU
	result=$("$bin" "${args[@]}" "$corpus" >"$log" 2>&1
		 echo "exit $?"
		 times)
	rc=$(awk '$1 == "exit" { print $2 }' <<<"$result")
	cpu=$(awk 'NR == 3' <<<"$result")
	user=$(to_seconds "${cpu%% *}")
	sys=$(to_seconds "${cpu##* }")

	cov_start=$(cov_of "$log" "INITED" 0)
	cov_end=$(cov_of "$log" "cov:" 1)
	if [[ $cov_start =~ ^[0-9]+$ && $cov_end =~ ^[0-9]+$ ]]; then
		cov_new="+$((cov_end - cov_start))"
	else
		cov_new="?"
	fi
	printf '%s: %s executions, %s exec/s, CPU %s s user + %s s sys, ' \
		"$name" "$(stat_of "$log" number_of_executed_units)" \
		"$(stat_of "$log" average_exec_per_sec)" "$user" "$sys"
	printf 'coverage %s -> %s (%s edges), %s new inputs, peak RSS %s MB\n' \
		"$cov_start" "$cov_end" "$cov_new" \
		"$(stat_of "$log" new_units_added)" "$(stat_of "$log" peak_rss_mb)"

	if [ "$rc" != 0 ]; then
		new=$(ls -A "$artifacts" | sort | comm -13 "$OUTDIR/logs/$name.artifacts-before" -)
		grep -E 'FINDING|ERROR: |SUMMARY: |runtime error' "$log" | head -n 5 | sed 's/^/    /'
		if [ -n "$new" ]; then
			for f in $new; do
				echo "FAIL: $name: input saved as $artifacts/$f (reproduce: $bin $artifacts/$f)"
			done
		else
			echo "FAIL: $name: exit $rc and no input saved; see $log"
		fi
		failed+=("$name")
	fi
	rm -f "$OUTDIR/logs/$name.artifacts-before"
done

if [ ${#failed[@]} -ne 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}"
	exit 1
fi
echo "fuzz: $# harnesses, $secs s each, no crash"
