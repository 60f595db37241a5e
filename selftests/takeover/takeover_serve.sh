#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# takeover_serve.sh - the adopting node runs its own listener on the
# wildcard address.  Under reject (the default) and drop, traffic to the
# adopted address never reaches it; under a serve rule it does, for exactly
# the protocol and ports of the rule.  Where rules overlap, the first
# added that covers the port applies, also after rules are removed and
# added again.
. "$(dirname "$0")/../lib.sh"

PORT=7000
check "modprobe ipto" modprobe ipto
standby_and_client
in_ns node2 python3 -S "$IPTO_SRC/selftests/helpers/echo_server.py" $PORT node2 >/dev/null &
check "node 2's own wildcard listener answers on its own address" \
	wait_for 20 sh -c "ip netns exec client ipto-connect 10.0.0.2 $PORT 1 | grep -q '^ok.*node2'"

# client connect|udp ADDR PORT TIMEOUT_S: one try, as ipto-connect or
# client.py says it went.
client() {
	if [ "$1" = connect ]; then
		shift
		in_ns client ipto-connect "$@"
	else
		in_ns client python3 -S "$IPTO_SRC/selftests/helpers/client.py" "$@"
	fi
}
outcome() { client "$@" | awk '{ print $1 }'; }

for addr in 10.0.0.11 fd00::11; do
	check "adopt $addr" in_ns node2 iptoctl adopt dev ipto0 addr $addr from 1
	check_eq "$addr: local on node 2 (for serve)" True \
		"$(in_ns node2 iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addresses"] if a["address"] == sys.argv[1]][0])' $addr)"
	check_eq "$addr: reject: the wildcard listener is not reached (TCP)" refused "$(outcome connect $addr $PORT 2)"
	check_eq "$addr: reject: UDP refused" refused "$(outcome udp $addr $PORT 2)"

	check "$addr: service rule tcp $PORT drop" \
		in_ns node2 iptoctl service add dev ipto0 node 1 name web proto tcp port $PORT action drop
	check_eq "$addr: drop: connect times out" timeout "$(outcome connect $addr $PORT 1)"
	in_ns node2 iptoctl service del dev ipto0 node 1 name web

	check "$addr: service rule tcp $PORT-$((PORT + 10)) serve" \
		in_ns node2 iptoctl service add dev ipto0 node 1 name web proto tcp port $PORT-$((PORT + 10)) action serve
	check_eq "$addr: serve: node 2's listener answers" "ok node2" \
		"$(client connect $addr $PORT 2 | awk '{ print $1, $3 }')"
	check_eq "$addr: serve covers TCP only: UDP still refused" refused "$(outcome udp $addr $PORT 2)"
	check_eq "$addr: a port outside the rule is refused" refused "$(outcome connect $addr $((PORT + 11)) 2)"
	check_eq "$addr: a rule of another node does not apply" refused \
		"$(in_ns node2 iptoctl service add dev ipto0 node 3 name other proto udp port $PORT action serve &&
		   outcome udp $addr $PORT 2)"
	in_ns node2 iptoctl service del dev ipto0 node 1 name web
	in_ns node2 iptoctl service del dev ipto0 node 3 name other
	check_eq "$addr: rule removed: refused again" refused "$(outcome connect $addr $PORT 2)"

	check "$addr: overlapping rules: wide drop $((PORT - 10))-$((PORT + 10)), then narrow serve $PORT" \
		sh -c "ip netns exec node2 iptoctl service add dev ipto0 node 1 name wide proto tcp port $((PORT - 10))-$((PORT + 10)) action drop &&
		       ip netns exec node2 iptoctl service add dev ipto0 node 1 name narrow proto tcp port $PORT action serve"
	check_eq "$addr: the first rule covering the port applies (drop)" timeout "$(outcome connect $addr $PORT 1)"
	check "$addr: wide removed and added again, now after narrow" \
		sh -c "ip netns exec node2 iptoctl service del dev ipto0 node 1 name wide &&
		       ip netns exec node2 iptoctl service add dev ipto0 node 1 name wide proto tcp port $((PORT - 10))-$((PORT + 10)) action drop"
	check_eq "$addr: now narrow comes first (serve)" "ok node2" \
		"$(client connect $addr $PORT 2 | awk '{ print $1, $3 }')"
	check_eq "$addr: the port after narrow is wide's (drop)" timeout "$(outcome connect $addr $((PORT + 1)) 1)"
	check_eq "$addr: the port after wide has no rule (reject)" refused "$(outcome connect $addr $((PORT + 11)) 2)"
	in_ns node2 iptoctl service del dev ipto0 node 1 name narrow
	in_ns node2 iptoctl service del dev ipto0 node 1 name wide

	check "default action serve" in_ns node2 iptoctl set dev ipto0 default_action serve
	check_eq "$addr: default serve: UDP reaches node 2's socket" ok "$(outcome udp $addr $PORT 2)"
	in_ns node2 iptoctl set dev ipto0 default_action reject
	check "release $addr" in_ns node2 iptoctl release dev ipto0 addr $addr
done

json=$(in_ns node2 iptoctl -j show dev ipto0)
check_eq "nothing left adopted" "[]" "$(python3 -S -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])[0]["addresses"]))' "$json")"
finish
