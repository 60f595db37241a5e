#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_config.sh - bad input to iptod: broken configuration files each give
# "FILE:LINE: REASON" and exit status 2 (iptod --check and a real start);
# a missing or unprotected key, bad options.  A running iptod reloads on
# SIGHUP: a broken file is refused and the running configuration stays
# (nothing in the kernel changes); a good one changes only what differs.
# iptod runs as its AddressSanitizer + UBSan build here.
. "$(dirname "$0")/../lib.sh"
IPTOD_ASAN=1
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

iptod_key
iptod_conf 1 reject >"$TEST_TMP/good.conf"
check "the good configuration passes --check" "$IPTOD" --check -c "$TEST_TMP/good.conf"

# broken NAME LINE_PATTERN REPLACEMENT REASON: a copy of the good file with
# the first line matching LINE_PATTERN replaced (an empty REPLACEMENT
# deletes it); --check must say "FILE:LINE: ...REASON..." and exit 2, LINE
# being where the pattern matched (or 0 for a whole-file reason: pass "0:").
broken() {
	local name=$1 pat=$2 repl=$3 reason=$4 f="$TEST_TMP/$1.conf" line out rc
	line=$(grep -n -m1 -- "$pat" "$TEST_TMP/good.conf" | awk -F: "{ print \$1 }")
	if [ -n "$repl" ]; then
		awk -v n="$line" -v r="$repl" 'NR == n { print r; next } { print }' \
			"$TEST_TMP/good.conf" >"$f"
	else
		awk -v n="$line" 'NR != n' "$TEST_TMP/good.conf" >"$f"
	fi
	case $reason in 0:*) line=0; reason=${reason#0:} ;; esac
	out=$("$IPTOD" --check -c "$f" 2>&1)
	rc=$?
	if [ $rc = 2 ] && grep -qF -- "$f:$line: " <<<"$out" && grep -qiF -- "$reason" <<<"$out"; then
		pass "$name: $out"
	else
		fail "$name: exit $rc, want 2 and \"$f:$line: ...$reason...\", got: $out"
	fi
}
broken unknown-key '^misses' 'missess = 3' 'missess'
broken bad-number '^interval_ms' 'interval_ms = fast' 'interval_ms'
broken interval-range '^interval_ms' 'interval_ms = 5' 'interval_ms'
# A lease as long as interval_ms * misses (the file's own, longer on the
# debug kernel) outlives the moment the peers take the addresses.
broken lease-too-long '^failback' "lease_ms = $((HB_INTERVAL_MS * IPTOD_MISSES))" 'lease_ms'
broken unknown-section '^\[cluster\]' '[clutser]' 'clutser'
broken bad-address '^addresses = 10.0.0.12' 'addresses = 10.0.0.312' '10.0.0.312'
broken standby-unknown '^standby = n3, n1' 'standby = n3, n9' 'n9'
broken standby-self '^standby = n3, n1' 'standby = n2' 'n2'
broken duplicate-id '^id = 3' 'id = 2' 'id'
broken shared-address '^addresses = 10.0.0.13' 'addresses = 10.0.0.12, fd00::13' '10.0.0.12'
broken bad-proto '^proto = tcp' 'proto = sctp' 'sctp'
broken bad-port '^port = 7000' 'port = 70000' '70000'
broken bad-action '^action = reject' 'action = accept' 'accept'
broken self-unknown '^node = n1' 'node = n7' 'n7'
broken no-line-equals '^failback' 'failback auto' 'failback'
broken no-key '^key_file' '' '0:key_file'

out=$("$IPTOD" --check -c "$TEST_TMP/nonexistent.conf" 2>&1)
check_eq "a missing file: exit 2" 2 $?
check "a missing file is named" grep -q "nonexistent.conf" <<<"$out"
chmod 644 "$TEST_TMP/key"
out=$("$IPTOD" --check -c "$TEST_TMP/good.conf" 2>&1)
check_eq "a key readable by others: exit 2" 2 $?
check "and the reason says so ($out)" grep -q "chmod 600" <<<"$out"
chmod 600 "$TEST_TMP/key"
"$IPTOD" --bogus >/dev/null 2>&1
check_eq "an unknown option: exit 2" 2 $?
out=$("$IPTOD" --log nowhere -c "$TEST_TMP/good.conf" 2>&1)
check_eq "a bad --log: exit 2" 2 $?
check "and it names the value" grep -q nowhere <<<"$out"

# Reload.
check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
table=$(table_of node2)
cp "$TEST_TMP/node2.conf" "$TEST_TMP/node2.good"
sed -i 's/^standby = n3, n1$/standby = n3, n9/' "$TEST_TMP/node2.conf"
kill -HUP "${IPTOD_PID[2]}"
check "a broken reload is refused" wait_for 10 status_is 2 reload_failures=1
check "the log says why, with file and line" \
	grep -q "reload refused, the running configuration stays: $TEST_TMP/node2.conf:[0-9]*: .*n9" \
	"$TEST_TMP/node2.log"
check_eq "the kernel's table did not change" "$table" "$(table_of node2)"
check "node 2 still settled" node_settled 2

# A good reload: node 3's standby order changes and a service is added.
sed -e '/^\[node n3\]/,/^\[/ s/^standby = n1, n2$/standby = n2, n1/' "$TEST_TMP/node2.good" \
	>"$TEST_TMP/node2.conf"
printf '\n[service ssh2]\nnode = n2\nproto = tcp\nport = 22\n' >>"$TEST_TMP/node2.conf"
kill -HUP "${IPTOD_PID[2]}"
check "a good reload is applied" wait_for 10 status_is 2 reloads=1
check_eq "node 3's standby order changed in the kernel" "[2, 1]" \
	"$(ip netns exec node2 iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print([n["standby"] for n in json.load(sys.stdin)[0]["nodes"] if n["id"] == 3][0])')"
check "the new service is in the kernel" sh -c \
	"ip netns exec node2 iptoctl -j show dev ipto0 | grep -q '\"ssh2\"'"
check "nothing was released or adopted by the reload" sh -c \
	"! grep -q 'kernel: \(adopted\|released\)' $TEST_TMP/node2.log"
check "node 2 still settled" node_settled 2
check "no sanitizer report (iptod built with ASan + UBSan)" no_sanitizer_reports
finish
