#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptoctl_asan.sh - iptoctl built with AddressSanitizer and UBSan
# (userland/build-asan) against the real kernel: every command, good and
# bad input, large dumps.  Any sanitizer report fails the test.
. "$(dirname "$0")/../lib.sh"

ASAN_CTL=$IPTO_SRC/userland/build-asan/iptoctl/iptoctl
[ -x "$ASAN_CTL" ] || skip_test "no sanitizer build (make -C userland asan)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
check "modprobe ipto" modprobe ipto
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
ip -n n1 link set eth0 up
ip -n n1 link add ipto0 link eth0 type ipto
log=$TEST_TMP/asan.log
# run EXPECTED_EXIT ARGS...: the sanitizer build must exit as expected.
run() {
	local want=$1 rc
	shift
	in_ns n1 "$ASAN_CTL" "$@" >>"$log" 2>&1
	rc=$?
	check_eq "iptoctl $* (exit $want)" "$want" "$rc"
}
run 0 show
run 0 -j -p show dev ipto0
run 0 set dev ipto0 reply_rate 500 echo_reply off failback manual
run 1 set dev ipto0 reply_rate 0
run 0 node add dev ipto0 id 1 name a addr 10.0.0.11,fd00::11 self
run 0 node add dev ipto0 id 2 name b addr 10.0.0.12 standby 1
run 0 node set dev ipto0 id 1 standby 2
run 1 node add dev ipto0 id 3 name c addr 10.0.0.13 standby 9
run 0 service add dev ipto0 node 2 name web proto tcp port 80-90 action serve standby 1 failover on
run 0 service set dev ipto0 node 2 name web action drop standby none
run 0 node set dev ipto0 id 2 state down
run 0 adopt dev ipto0 addr 10.0.0.50 from 2
run 0 adopt dev ipto0 addr fd00::50/128
run 1 adopt dev ipto0 addr 10.0.0.50
run 0 -j show
run 0 show
run 0 release dev ipto0 addr 10.0.0.50
run 0 node set dev ipto0 id 2 state up
run 0 node failback dev ipto0 id 2
run 1 node failback dev ipto0 id 9
run 2 node failback dev ipto0
run 0 service del dev ipto0 node 2 name web
run 1 node del dev ipto0 id 1
run 2 node add dev ipto0 id 3
run 2 adopt dev ipto0 addr 300.1.1.1
run 2 bogus
run 0 help
run 0 set dev ipto0 lease_ms 60000
run 0 lease dev ipto0
run 0 fence dev ipto0 on
run 1 adopt dev ipto0 addr 10.0.0.51
run 0 -j show dev ipto0
run 0 show dev ipto0
run 0 fence dev ipto0 off
run 0 set dev ipto0 lease_ms 0
run 1 lease dev ipto0
run 2 fence dev ipto0
run 2 fence dev ipto0 on off
run 2 lease
in_ns n1 python3 -S "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.128.0.1 3000 >/dev/null
run 0 -j show dev ipto0
in_ns n1 timeout --preserve-status -s INT 2 "$ASAN_CTL" -j monitor >>"$log" 2>&1
check_eq "monitor ends cleanly on SIGINT" 0 $?
# The monitor again, as text, while events come.
in_ns n1 timeout --preserve-status -s INT 10 "$ASAN_CTL" monitor >"$TEST_TMP/mon" 2>&1 &
mon=$!
wait_for 5 grep -q listening "$TEST_TMP/mon"
in_ns n1 iptoctl fence dev ipto0 on
in_ns n1 iptoctl fence dev ipto0 off
wait_for 5 grep -q unfenced "$TEST_TMP/mon"
kill -INT "$mon"
wait "$mon"
check_eq "monitor with fence events ends cleanly on SIGINT" 0 $?
cat "$TEST_TMP/mon" >>"$log"
if grep -qE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$log"; then
	fail "sanitizer report"
	grep -m5 -E 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$log" | sed 's/^/#   | /'
else
	pass "no sanitizer report"
fi
finish
