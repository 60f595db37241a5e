# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lifecycle.sh - sourced by lifecycle_load.sh and lifecycle_delete.sh after
# lib.sh: the load they keep up while the module or a device goes away
# (paced SYN floods, an iptoctl adopt/show/release churn on node 2's
# ipto0) and the counters they watch.  The counters are read with shell
# builtins only: TCG makes every program started expensive.

STOP=$TEST_TMP/stop
CHURN_LOG=$TEST_TMP/churn.log
CHURN_ADOPTED=$TEST_TMP/churn.adopted
: >"$CHURN_LOG"
# The count is rewritten in place, at a fixed width, never truncated: a
# reader that opened the file between an "echo >" truncating it and the
# write saw it empty (a cycle then waited for an adoption after "", in vain).
printf '%10d\n' 0 >"$CHURN_ADOPTED"

# flood_loop ADDR OUT: back-to-back paced floods at ADDR port 80 until
# $STOP exists, each one's summary line appended to OUT.
flood_loop() {
	while [ ! -e "$STOP" ]; do
		synflood -d "$1" -p 80 -n "$FLOOD_RATE" -r "$FLOOD_RATE" -w 100 ||
			echo "synflood failed: $?"
	done >>"$2" 2>&1
}

# churn [PREFIX...]: adopt fd00::11 on ipto0, dump it, release fd00::11,
# over and over until $STOP exists, each iptoctl run as "PREFIX iptoctl"
# (e.g. "ip netns exec node2": then no process of the churn keeps the
# namespace alive for long); one line per command in $CHURN_LOG, "ok VERB"
# or "fail VERB: message", and the count of successful adoptions in
# $CHURN_ADOPTED.
churn() {
	local verb out adopted=0
	while [ ! -e "$STOP" ]; do
		for verb in adopt show release; do
			case $verb in
			adopt) out=$("$@" iptoctl adopt dev ipto0 addr fd00::11 from 1 2>&1) ;;
			show) out=$("$@" iptoctl -j show dev ipto0 2>&1 >/dev/null) ;;
			release) out=$("$@" iptoctl release dev ipto0 addr fd00::11 2>&1) ;;
			esac
			# shellcheck disable=SC2181 # $? of the assignment above
			if [ $? -eq 0 ]; then
				echo "ok $verb" >>"$CHURN_LOG"
				# (Not "1<>": bash 5.2's export -f writes that
				# as "<>", stdin's.)
				[ $verb = adopt ] &&
					printf '%10d\n' $((++adopted)) 3<>"$CHURN_ADOPTED" >&3
			else
				echo "fail $verb: ${out//$'\n'/ | }" >>"$CHURN_LOG"
			fi
		done
	done
}
export -f flood_loop churn
export STOP CHURN_LOG CHURN_ADOPTED FLOOD_RATE

# tcp_in PID: the count of TCP segments received in the namespace of
# process PID, in $TCP_IN: on a client, only the resets answering its
# flood.
tcp_in() {
	local -a f names=()
	local i
	TCP_IN=0
	while read -r -a f; do
		[ "${f[0]:-}" = Tcp: ] || continue
		if [ ${#names[@]} -eq 0 ]; then
			names=("${f[@]}")
			continue
		fi
		for i in "${!names[@]}"; do
			[ "${names[i]}" = InSegs ] && TCP_IN=${f[i]}
		done
	done <"/proc/$1/net/snmp"
}
# resets_since PID N: the client of PID got MIN_RST more resets than N.
resets_since() { tcp_in "$1"; [ "$TCP_IN" -ge $(($2 + MIN_RST)) ]; }
churn_adopted() { CHURN_N=0; read -r CHURN_N <"$CHURN_ADOPTED"; : "${CHURN_N:=0}"; }
churn_since() { churn_adopted; [ "$CHURN_N" -gt "$1" ]; }
