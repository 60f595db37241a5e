#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the story "make demo" tells, run inside the guest: three
# nodes, alpha, beta and gamma, and a client on one LAN (namespaces on a
# bridge).  Every node runs iptod from selftests/vm/demo/iptod.conf and a
# small HTTP server on its home address.  Two clients run ipto-probe
# against [alpha's address, beta's address]: one opens a new connection
# per request, one keeps a connection open.  Alpha's LAN port is cut, then
# restored; the story ends with the timeline of what every party saw,
# and fails (exit 1) unless the clients were refused, not left waiting.
set -u
. "$(dirname "$0")/../lib.sh"

DEMO=/tmp/demo
NODES="alpha beta gamma"
VIP1=10.0.0.11 VIP2=10.0.0.12
PROBE=$IPTO_SRC/userland/probe/ipto-probe
IPTOD=$IPTO_SRC/userland/iptod/iptod
GET10='GET / HTTP/1.0\r\n\r\n'
GET11='GET / HTTP/1.1\r\nHost: web\r\n\r\n'

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
now() { date +%s.%N; }
status_of() { sed -n "s/^$2=//p" "$DEMO/$1.status" 2>/dev/null; }
# settled NODE: quorum, not fenced, both peers up.
settled() {
	[ "$(status_of "$1" quorum)" = 1 ] && [ "$(status_of "$1" fenced)" = 0 ] &&
		[ "$(grep -c '^peer\..* up' "$DEMO/$1.status")" = 2 ]
}
all_settled() { settled alpha && settled beta && settled gamma; }
# served_after FILE T: the probe in FILE was served on $VIP2 after time T.
served_after() {
	python3 - "$1" "$2" "$VIP2" <<-'PY'
	import json, sys
	for line in open(sys.argv[1]):
	    e = json.loads(line)
	    if e.get("result") == "served" and e["time"] > float(sys.argv[2]) \
	       and e["addr"].startswith(sys.argv[3] + ":"):
	        sys.exit(0)
	sys.exit(1)
	PY
}
lines_of() { wc -l <"$1" 2>/dev/null || echo 0; }

mkdir -p "$DEMO"
(umask 077 && head -c 32 /dev/urandom >"$DEMO/key")

step "a LAN: alpha (10.0.0.1), beta (.2), gamma (.3) and a client (.100)"
lan_new $NODES client
lan_hosts 1 $NODES
lan_hosts 100 client
n=1
for node in $NODES; do
	ip -n $node addr add 10.0.0.1$n/24 dev eth0
	ip -n $node addr add fd00::1$n/64 dev eth0
	printf '   %-6s home address 10.0.0.1%s, HTTP server "served by %s" on port 80\n' $node $n $node
	ip netns exec $node python3 "$IPTO_SRC/selftests/helpers/http_server.py" \
		10.0.0.1$n 80 $node >"$DEMO/http-$node.log" 2>&1 &
	ip netns exec $node cat /sys/class/net/eth0/address >"$DEMO/$node.mac"
	sed "s/^node = alpha/node = $node/" "$IPTO_SRC/selftests/vm/demo/iptod.conf" >"$DEMO/$node.conf"
	n=$((n + 1))
done
ip netns exec client ip monitor neigh 2>&1 |
	python3 "$IPTO_SRC/selftests/helpers/stamp.py" >"$DEMO/client-neigh.log" &

step "every node runs iptod with this configuration (only 'node =' differs)"
grep -v -e '^#' -e '^$' "$IPTO_SRC/selftests/vm/demo/iptod.conf" | sed 's/^/   /'
run modprobe ipto
for node in $NODES; do
	STATE_DIRECTORY=$DEMO/$node.state ip netns exec $node "$IPTOD" -c "$DEMO/$node.conf" --log stderr \
		--status "$DEMO/$node.status" 2>&1 |
		python3 "$IPTO_SRC/selftests/helpers/stamp.py" >"$DEMO/$node.log" &
done
if ! wait_for 30 all_settled; then
	echo "demo: the cluster did not settle in 30 s; iptod said:"
	tail -n 5 "$DEMO"/*.log
	exit 1
fi
echo "   the three daemons hear each other; beta's kernel says:"
run ip netns exec beta iptoctl show

step "two clients run ipto-probe against [$VIP1, $VIP2], port 80"
echo "   'new': a new TCP connection every 100 ms"
echo "   'open': one connection kept open, an HTTP/1.1 GET on it every 100 ms"
ip netns exec client "$PROBE" -j -t 3000 $VIP1:80 $VIP2:80 \
	>"$DEMO/probe-new.json" 2>"$DEMO/probe-new.err" &
probe_new=$!
ip netns exec client "$PROBE" -j -t 3000 -k -r "$GET11" $VIP1:80 $VIP2:80 \
	>"$DEMO/probe-open.json" 2>"$DEMO/probe-open.err" &
probe_open=$!
wait_for 20 sh -c "[ \$(wc -l <$DEMO/probe-new.json) -ge 10 ] && [ \$(wc -l <$DEMO/probe-open.json) -ge 10 ]"
echo "   both are served by alpha"

step "t = 0: alpha's LAN port goes dark (nobody is told)"
cut_start=$(now)
run ip -n lan link set lan-alpha down
cut_at=$(now)	# t = 0: the port is down once the command has returned
for probe in new open; do
	if wait_for 20 served_after "$DEMO/probe-$probe.json" "$cut_at"; then
		echo "   '$probe' is served by beta at $VIP2"
	else
		echo "   '$probe' is not served again within 20 s"
	fi
done
# Let the clients run on beta for a moment: the timeline shows that they
# stay there, served, while alpha is away.
wait_for 10 sh -c "[ \$(wc -l <$DEMO/probe-new.json) -ge $(($(lines_of "$DEMO/probe-new.json") + 10)) ]"

step "alpha's LAN port is back"
heal_start=$(now)
run ip -n lan link set lan-alpha up
heal_at=$(now)
if wait_for 30 sh -c "[ -z \"\$(sed -n 's/^held=//p' $DEMO/beta.status)\" ] && [ \"\$(sed -n 's/^fenced=//p' $DEMO/alpha.status)\" = 0 ]"; then
	echo "   beta released alpha's addresses; alpha answers for them again"
fi
echo "   a new client of $VIP1 now:"
ip netns exec client "$PROBE" -j -c 1 -t 2000 -r "$GET10" $VIP1:80 >"$DEMO/probe-back.json"
sed -n 's/.*"reply":"\([^"]*\)".*/   \1/p' "$DEMO/probe-back.json"
back_at=$(now)

kill -INT $probe_new $probe_open
wait $probe_new $probe_open
disown -a	# the servers and daemons go with the namespaces, silently

# Kept for a look afterwards: build/demo/<series>/files/.
cp -r "$DEMO" "$IPTO_RUN/files" 2>/dev/null

step "the timeline (t = 0: the cut; times in ms)"
python3 "$IPTO_SRC/selftests/helpers/demo_timeline.py" --cut-start "$cut_start" \
	--cut "$cut_at" --heal-start "$heal_start" --heal "$heal_at" --back "$back_at" \
	--dir "$DEMO" --nodes "$NODES"
