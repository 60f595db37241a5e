#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# client_curl.sh - an unmodified curl with two addresses for one name
# (--resolve svc:PORT:VIP1,VIP2) fails over through ipto: three nodes run
# iptod (reject action); an HTTP server runs on node 1 and node 2, each on
# its home address.  After node 1's LAN port goes dark, node 2 adopts VIP1
# and refuses the client's SYN there with a RST; curl moves on to VIP2 at
# once.  The control: the same client, with node 1's failover off, waits
# for its connect timeout on VIP1.  See helpers/client_failover.sh.
#
# curl 7.88 tries the addresses of one family one after the other (no
# race within a family) and gives each address but the last half of the
# connect time left: with --connect-timeout 10, VIP1 gets 5 s.  So besides
# the elapsed time, curl's own verbose account is checked: VIP1 refused
# the connection (not "connect timeout ..., move on"), and in the control
# the reverse.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/client_failover.sh"

command -v curl >/dev/null || skip_test "curl is not installed"
busybox httpd --help >/dev/null 2>&1 || skip_test "busybox has no httpd (make deps installs busybox-static)"
HTTP_PORT=8080
ASK_TIMEOUT=10
# --connect-timeout 4: VIP1, the first of two addresses, gets 2 s.
CONTROL_TIMEOUT=4
CONTROL_MIN_MS=2000

# ask TIMEOUT ADDR...: curl fetches http://svc:PORT/ with svc resolved to
# the addresses, in order, and says the address it used and the node the
# page names.
ask() {
	local timeout=$1 addrs out
	shift
	addrs=$(IFS=,; echo "$*")
	out=$(ip netns exec client curl -sS -v --trace-time --connect-timeout "$timeout" \
		--resolve "svc:$HTTP_PORT:$addrs" -w '\nremote %{remote_ip}\n' \
		"http://svc:$HTTP_PORT/") || return 1
	awk '$1 == "served" && $2 == "by" { who = $3 } $1 == "remote" { ip = $2 }
	     END { if (who == "" || ip == "") exit 1; print ip, who }' <<<"$out"
}

# explain_ask LABEL: what curl says it did with VIP1.
explain_ask() {
	local err=$TEST_TMP/ask-$1.err refused timeout
	refused=$(grep -m1 "connect to 10.0.0.11 port $HTTP_PORT failed: Connection refused" "$err")
	timeout=$(grep -m1 "connect timeout after [0-9]*ms, move on" "$err")
	case $1 in
	cut|adopted)
		check "curl ($1): VIP1 refused the connection" test -n "$refused"
		check_eq "curl ($1): no connect timeout on VIP1" "" "$timeout"
		;;
	control_*)
		check "curl ($1): connect timeout on VIP1, moved on" test -n "$timeout"
		;;
	esac
	# curl's own timeline of the connection attempts.
	grep -E "Trying |failed: |move on|Connected to " "$err" |
		while read -r line; do info "curl ($1): $line"; done
}

t_setup=$(date +%s%N)
check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
for i in 1 2; do
	mkdir "$TEST_TMP/www$i"
	echo "served by node$i" >"$TEST_TMP/www$i/index.html"
	# busybox's httpd: python's http.server took 4.6 s to listen under TCG.
	ip netns exec node$i busybox httpd -f -p 10.0.0.1$i:$HTTP_PORT \
		-h "$TEST_TMP/www$i" >"$TEST_TMP/http$i.log" 2>&1 &
done
for i in 1 2; do
	check "the HTTP server on node $i is ready at 10.0.0.1$i" \
		wait_for 30 answers "10.0.0.1$i node$i" 2 10.0.0.1$i
done
check "three nodes running iptod settle" wait_for 30 iptod_settled
info "setup (cluster, two HTTP servers): $((($(date +%s%N) - t_setup) / 1000000)) ms"

client_failover_run
finish
