# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# corosync.sh - corosync 3 (knet), corosync-qdevice and corosync-qnetd in
# the tests' namespaces, sourced after lib.sh and iptod.sh (the nodes are
# $IPTOD_NODES, node I is namespace nodeI with 10.0.0.I on the LAN).  The
# programs are Debian's, unpacked under $CACHE_ROOT by make deps, never
# installed (selftests/vm/cache.sh); the client libraries (libcpg,
# libvotequorum, libquorum, libcmap, libqb) are the machine's.
#
# Use (each start from the test's own shell, not from check or $(...):
# the pids are kept in arrays), e.g. after iptod_cluster:
#   for i in $IPTOD_NODES; do corosync_start $i; done    # or: $i two_node,
#   check "..." wait_for 60 corosync_all_ready            #  $i qdevice
#   qnetd_start; qdevice_start I; wait_for 60 qdevice_voting I
#   corosync_stop I / corosync_kill I / corosync_start I (same config)
#   corosync_in I corosync-cmapctl -g KEY; corosync_field I "Node ID"
#   corosync_quorate I / corosync_lost I / corosync_ready I [N]
#   peer_block I J / peer_unblock I J  (cut + heal from lib.sh cut a node)
# on_finish stops everything (a failed test first shows corosync's state
# and logs); at exit, whatever still runs is killed.
# Settings, before the starts: COROSYNC_TOKEN_MS (default 3000),
# COROSYNC_TOKEN_COEFFICIENT_MS, COROSYNC_CRYPTO (on), and
# COROSYNC_QDEVICE_TIMEOUT_MS / _SYNC_TIMEOUT_MS.
#
# Files, all under $TEST_TMP:
#   corosync.key            the cluster's key (corosync-keygen -k)
#   corosyncI/corosync.conf node I's configuration (corosync_conf)
#   corosyncI/corosync.log  its log (corosync's, with hires timestamps, and
#                           its stderr); qdevice.log: corosync-qdevice's
#   corosyncI/run/          what corosync writes to /run (its pid file)
#   corosyncI/state/        its state_dir (blackbox dumps)
#   qnetd/                  corosync-qnetd's lock, socket and log
#
# Confinement (what each program would otherwise write to a fixed path):
#   corosync   /var/run/corosync.pid is compiled in (no option, no
#              variable): corosync runs in a mount namespace of its own
#              (the one "ip netns exec" makes) with corosyncI/run bound
#              over /run; state_dir and the log file are options.  knet
#              dlopen()s its crypto plugins from the compiled-in
#              /usr/lib/x86_64-linux-gnu/kronosnet, which exists only
#              when libknet1 is installed: the cache's copy is bound
#              there, in the same mount namespace (corosync_start).
#   qdevice    -S lock_file=,local_socket_file= (defaults in
#              /var/run/corosync-qdevice/); with tls: off it opens no NSS
#              database.  It reads its configuration from corosync (cmap).
#   qnetd      the same -S options, and -s off (no NSS database).
# Their IPC needs nothing: libqb's sockets are abstract unix sockets, which
# belong to the network namespace (corosync_netns.sh shows it), so a
# client in namespace nodeI reaches node I's corosync and no other.  The
# shared-memory ring buffers of an IPC connection are files in /dev/shm
# named after the server's and the client's pids (unique in the one pid
# namespace); corosync removes them when a connection ends, and
# corosync_kill removes those a killed corosync left.

# shellcheck source=selftests/vm/cache.sh
. "$IPTO_SRC/selftests/vm/cache.sh"
COROSYNC_BIN=$CACHE_ROOT/usr/sbin
declare -A COROSYNC_PID=() QDEVICE_PID=()
QNETD_PID=""
# qnetd's namespace and address: a host of its own on the LAN (not a node:
# the tests cut nodes, and the arbiter must stay reachable from the side
# it picks).
QNETD_NS=arbiter
QNETD_ADDR=10.0.0.200

# cs_run CMD ARGS...: a program of the unpacked corosync packages, with the
# libraries unpacked beside them (knet, nozzle, the NSS of the cache).
cs_run() {
	local cmd=$1
	shift
	env LD_LIBRARY_PATH="$CACHE_LIBS" "$COROSYNC_BIN/$cmd" "$@"
}

# corosync_in I CMD ARGS...: a corosync tool (corosync-quorumtool,
# corosync-cmapctl, corosync-cfgtool, corosync-cpgtool) in namespace nodeI,
# talking to node I's corosync.
corosync_in() {
	local ns=node$1 cmd=$2
	shift 2
	ip netns exec "$ns" env LD_LIBRARY_PATH="$CACHE_LIBS" "$COROSYNC_BIN/$cmd" "$@"
}

# COROSYNC_CRYPTO: on (knet encrypts and authenticates with the key:
# aes256, sha256) or off.
COROSYNC_CRYPTO=${COROSYNC_CRYPTO:-on}
KNET_PLUGIN_DIR=/usr/lib/x86_64-linux-gnu/kronosnet

# corosync_key: a fresh key for the cluster (knet's crypto: aes256 and
# sha256, from this key), root-only.
corosync_key() {
	[ -s "$TEST_TMP/corosync.key" ] && return 0
	cs_run corosync-keygen -k "$TEST_TMP/corosync.key" >/dev/null
}

# Timing.  COROSYNC_TOKEN_MS: totem's token, Debian's default (the
# package's corosync.conf sets none; corosync's own default is 3000 ms)
# unless a test sets it.  With three nodes or more corosync adds
# token_coefficient (650 ms) per node above two: the token in force is
# token + (nodes - 2) * 650 ms (runtime.config.totem.token) unless
# COROSYNC_TOKEN_COEFFICIENT_MS says otherwise.  Consensus is corosync's
# default, 1.2 times that.
COROSYNC_TOKEN_MS=${COROSYNC_TOKEN_MS:-3000}
COROSYNC_TOKEN_COEFFICIENT_MS=${COROSYNC_TOKEN_COEFFICIENT_MS:-}
# qdevice's timeout (quorum.device.timeout: its poll of votequorum and the
# heartbeat to qnetd, 0.8 of it) and sync_timeout: corosync-qdevice's
# defaults are 10000 and 30000 ms; tests may set less (the heartbeat's
# floor is 1000 ms, on both sides).
COROSYNC_QDEVICE_TIMEOUT_MS=${COROSYNC_QDEVICE_TIMEOUT_MS:-}
COROSYNC_QDEVICE_SYNC_TIMEOUT_MS=${COROSYNC_QDEVICE_SYNC_TIMEOUT_MS:-}

# corosync_conf I [two_node|qdevice]: node I's corosync.conf on stdout.
# Every node of $IPTOD_NODES is in the nodelist (nodeid I, name nI, link 0
# on 10.0.0.I); quorum by votequorum; two_node: the two-node mode (each
# node alone is quorate once both have been seen: wait_for_all); qdevice:
# a qdevice of model net with one vote, qnetd at $QNETD_ADDR without TLS,
# algorithm ffsplit.
corosync_conf() {
	local self=$1 mode=${2:-} j
	cat <<-CONF
	# node $self of the test's cluster (selftests/helpers/corosync.sh)
	totem {
		version: 2
		cluster_name: ipto
		transport: knet
		crypto_cipher: $([ "$COROSYNC_CRYPTO" = on ] && echo aes256 || echo none)
		crypto_hash: $([ "$COROSYNC_CRYPTO" = on ] && echo sha256 || echo none)
		keyfile: $TEST_TMP/corosync.key
		token: $COROSYNC_TOKEN_MS
	CONF
	if [ -n "$COROSYNC_TOKEN_COEFFICIENT_MS" ]; then
		echo "	token_coefficient: $COROSYNC_TOKEN_COEFFICIENT_MS"
	fi
	# No move_to_root_cgroup: a test moves no process out of its cgroup.
	cat <<-CONF
	}

	system {
		state_dir: $TEST_TMP/corosync$self/state
		move_to_root_cgroup: no
	}

	logging {
		to_stderr: no
		to_syslog: no
		to_logfile: yes
		logfile: $TEST_TMP/corosync$self/corosync.log
		timestamp: hires
		fileline: off
		debug: off
	}

	nodelist {
	CONF
	for j in $IPTOD_NODES; do
		cat <<-CONF
			node {
				nodeid: $j
				name: n$j
				ring0_addr: 10.0.0.$j
			}
		CONF
	done
	cat <<-CONF
	}

	quorum {
		provider: corosync_votequorum
	CONF
	case $mode in
	two_node)
		echo "	two_node: 1"
		;;
	qdevice)
		cat <<-CONF
			device {
				model: net
				votes: 1
		CONF
		[ -n "$COROSYNC_QDEVICE_TIMEOUT_MS" ] &&
			echo "		timeout: $COROSYNC_QDEVICE_TIMEOUT_MS"
		[ -n "$COROSYNC_QDEVICE_SYNC_TIMEOUT_MS" ] &&
			echo "		sync_timeout: $COROSYNC_QDEVICE_SYNC_TIMEOUT_MS"
		cat <<-CONF
				net {
					host: $QNETD_ADDR
					algorithm: ffsplit
					tls: off
				}
			}
		CONF
		;;
	"") ;;
	*)
		echo "corosync_conf: unknown mode '$mode'" >&2
		return 1
		;;
	esac
	echo "}"
}

# corosync_start I [two_node|qdevice]: corosync in namespace nodeI, in the
# foreground, with its configuration written by corosync_conf (unless
# $TEST_TMP/corosyncI/corosync.conf exists: a test may write its own) and
# its key made by corosync_key.  Its pid in COROSYNC_PID[I].  Returns at
# once; corosync_ready tells when it is up.
corosync_start() {
	local i=$1 dir=$TEST_TMP/corosync$1
	mkdir -p "$dir/run" "$dir/state" || return 1
	corosync_key || return 1
	if [ ! -e "$dir/corosync.conf" ]; then
		corosync_conf "$i" "${2:-}" >"$dir/corosync.conf" || return 1
	fi
	# knet's crypto plugins are dlopen()ed from a compiled-in directory
	# that only an installed libknet1 makes: in the guest its mount point
	# is made in /usr/lib's writable layer (in memory, initramfs-init).
	if [ "$COROSYNC_CRYPTO" = on ] && [ ! -d "$KNET_PLUGIN_DIR" ]; then
		mkdir "$KNET_PLUGIN_DIR" || return 1
	fi
	# "ip netns exec" runs the command in a mount namespace of its own
	# (it remounts /sys there): the bind mounts stay in it.  The shell
	# execs corosync: $! is corosync's pid.
	# shellcheck disable=SC2016 # (the inner shell expands them)
	ip netns exec "node$i" sh -c '
		mount --bind "$1" /run || exit 1
		if [ "$2" = on ]; then mount --bind "$3" "$4" || exit 1; fi
		shift 4 && exec "$@"' - "$dir/run" "$COROSYNC_CRYPTO" \
		"$CACHE_ROOT$KNET_PLUGIN_DIR" "$KNET_PLUGIN_DIR" \
		env LD_LIBRARY_PATH="$CACHE_LIBS" "$COROSYNC_BIN/corosync" \
		-f -c "$dir/corosync.conf" >>"$dir/corosync.log" 2>&1 &
	COROSYNC_PID[$i]=$!
}

# corosync_stop I: SIGTERM to node I's corosync (it leaves the membership
# cleanly), and returns when it has exited (30 s at most: then SIGKILL and
# failure).
corosync_stop() {
	local pid=${COROSYNC_PID[$1]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	if ! wait_for 30 pid_gone "$pid"; then
		corosync_kill "$1"
		return 1
	fi
	wait "$pid" 2>/dev/null
	unset "COROSYNC_PID[$1]"
}

# corosync_kill I: SIGKILL to node I's corosync (a crash: its peers find
# out by the token), and returns when it is gone.  The shared memory of
# the IPC connections it had open is left in /dev/shm: removed.
corosync_kill() {
	local pid=${COROSYNC_PID[$1]:-}
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	shm_of_pid_remove "$pid"
	unset "COROSYNC_PID[$1]"
}

# pid_gone PID: no process PID (a zombie counts as gone).
pid_gone() {
	local state
	[ -e "/proc/$1" ] || return 0
	read -r _ _ state _ <"/proc/$1/stat" 2>/dev/null || return 0
	[ "$state" = Z ]
}

# shm_of_pid_remove PID: libqb's ring buffers in /dev/shm of IPC
# connections that had PID at one end (qb-PID-... and qb-...-PID-...), and
# its log's flight recorder.
shm_of_pid_remove() {
	local f
	for f in /dev/shm/qb-*; do
		case ${f#/dev/shm/} in
		qb-"$1"-* | qb-*-"$1"-* | qb-*-"$1" | *-blackbox-"$1"*) rm -rf "$f" ;;
		esac
	done
}

# corosync_quorum I: node I's "corosync-quorumtool -s" (its exit status:
# 0 quorate, 2 not quorate, 1 no answer).
corosync_quorum() { corosync_in "$1" corosync-quorumtool -s; }

# corosync_field I KEY: a field of that output ("Nodes", "Node ID",
# "Quorate", "Flags", "Total votes", "Ring ID"), empty without an answer.
corosync_field() {
	corosync_quorum "$1" 2>/dev/null | sed -n "s/^$2: *\(.*[^ ]\) *$/\1/p"
}

# corosync_quorate I: node I's corosync answers and is quorate.
corosync_quorate() { corosync_quorum "$1" >/dev/null 2>&1; }

# corosync_lost I: node I's corosync answers and is not quorate (an
# unreachable corosync is neither quorate nor this).
corosync_lost() {
	local rc=0
	corosync_quorum "$1" >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ]
}

# corosync_sees I N: node I's corosync answers, and its membership has N
# nodes.
corosync_sees() { [ "$(corosync_field "$1" Nodes)" = "$2" ]; }

# corosync_ready I [N]: node I's corosync answers, its votequorum is
# quorate, and its membership holds N nodes (default: every node of
# $IPTOD_NODES).  One exec of corosync-quorumtool: under TCG each costs.
corosync_ready() {
	local n=${2:-$(wc -w <<<"$IPTOD_NODES")} out line
	out=$(corosync_quorum "$1" 2>/dev/null) || return 1
	while read -r line; do
		[[ $line =~ ^Nodes:\ +([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "$n" ] && return 0
	done <<<"$out"
	return 1
}

# corosync_all_ready [N]: corosync_ready on every node that runs
# corosync.  corosync_ready_on "I J..." [N]: on nodes I, J...
corosync_all_ready() { corosync_ready_on "${!COROSYNC_PID[*]}" "$@"; }
corosync_ready_on() {
	local i
	for i in $1; do
		corosync_ready "$i" "${@:2}" || return 1
	done
}

# corosync_log_mark I: where node I's corosync log ends now (a byte
# offset), for corosync_log_ms.
corosync_log_mark() {
	local f=$TEST_TMP/corosync$1/corosync.log
	[ -f "$f" ] && stat -c %s "$f" || echo 0
}

# corosync_log_ms I MARK T_US PATTERN: the milliseconds from T_US
# (EPOCHREALTIME, digits only) to the timestamp of the first line of node
# I's log after MARK that matches PATTERN (grep -E); nothing when none
# does.  The log's timestamps (timestamp: hires) are the wall clock to the
# millisecond, like EPOCHREALTIME: a measure at no cost to the guest's CPU
# while it runs, unlike polling corosync-quorumtool.
corosync_log_ms() {
	local line w ms
	line=$(tail -c +$(($2 + 1)) "$TEST_TMP/corosync$1/corosync.log" | grep -m1 -E -- "$4") || return 1
	# "Dec 05 11:32:19.220 [pid] host corosync ...": the first three words.
	read -r -a w <<<"$line"
	ms=$(date -d "${w[0]} ${w[1]} ${w[2]}" +%s%3N) || return 1
	echo $((ms - $3 / 1000))
}

# corosync_log_has I MARK PATTERN: a line of node I's log after MARK
# matches PATTERN (grep -E).  corosync logs every change of its node's
# quorum ("This node is within the primary component and will provide
# service." / "... non-primary component ..."): what happened between two
# polls is there.
corosync_log_has() {
	tail -c +$(($2 + 1)) "$TEST_TMP/corosync$1/corosync.log" | grep -q -E -- "$3"
}

# qnetd_start: corosync-qnetd, without TLS, in namespace $QNETD_NS
# ($QNETD_ADDR on the LAN, made here), listening on its port 5403, with
# its lock file and local socket under $TEST_TMP/qnetd.  Its pid in
# QNETD_PID.  qnetd_ready tells when it listens.
qnetd_start() {
	local dir=$TEST_TMP/qnetd
	mkdir -p "$dir" || return 1
	if [ ! -e "/run/netns/$QNETD_NS" ]; then
		lan_new "$QNETD_NS" || return 1
		ip -n "$QNETD_NS" addr add "$QNETD_ADDR/24" dev eth0 || return 1
	fi
	ip netns exec "$QNETD_NS" env LD_LIBRARY_PATH="$CACHE_LIBS" \
		"$CACHE_ROOT/usr/bin/corosync-qnetd" -f -d -s off -4 -l "$QNETD_ADDR" \
		-S "lock_file=$dir/qnetd.pid,local_socket_file=$dir/qnetd.sock" \
		>>"$dir/qnetd.log" 2>&1 &
	QNETD_PID=$!
}

# qnetd_ready: qnetd listens.
qnetd_ready() {
	[ -n "$(ip netns exec "$QNETD_NS" ss -Hltn "sport = :5403")" ]
}

# qnetd_status: what qnetd knows of its clients (corosync-qnetd-tool -l).
qnetd_status() {
	env LD_LIBRARY_PATH="$CACHE_LIBS" "$CACHE_ROOT/usr/bin/corosync-qnetd-tool" -l -v \
		-p "$TEST_TMP/qnetd/qnetd.sock"
}

# qnetd_stop: SIGTERM to qnetd; returns when it has exited.
qnetd_stop() {
	[ -n "$QNETD_PID" ] || return 0
	kill -TERM "$QNETD_PID" 2>/dev/null
	wait_for 30 pid_gone "$QNETD_PID" || kill -KILL "$QNETD_PID" 2>/dev/null
	wait "$QNETD_PID" 2>/dev/null
	QNETD_PID=""
}

# qdevice_start I: corosync-qdevice (model net, from node I's
# corosync.conf, which corosync_start I qdevice wrote) in namespace nodeI,
# in the foreground, its lock file and local socket under
# $TEST_TMP/corosyncI.  Its pid in QDEVICE_PID[I].  Node I's corosync
# must run: qdevice reads its configuration from corosync's cmap.
qdevice_start() {
	local i=$1 dir=$TEST_TMP/corosync$1
	ip netns exec "node$i" env LD_LIBRARY_PATH="$CACHE_LIBS" "$COROSYNC_BIN/corosync-qdevice" \
		-f -d -S "lock_file=$dir/qdevice.pid,local_socket_file=$dir/qdevice.sock" \
		>>"$dir/qdevice.log" 2>&1 &
	QDEVICE_PID[$i]=$!
}

# qdevice_voting I: node I's votequorum counts the qdevice's vote: its
# flags say "Qdevice" and the membership lists the device (node id 0) with
# its vote ("0 1 Qdevice"; a device whose vote is withheld shows
# "0 0 Qdevice (votes 1)").
qdevice_voting() {
	local out line flags=0 vote=0
	out=$(corosync_quorum "$1" 2>/dev/null) || return 1
	while read -r line; do
		[[ $line == Flags:*" Qdevice"* ]] && flags=1
		[[ $line =~ ^0\ +1\ +Qdevice$ ]] && vote=1
	done <<<"$out"
	[ $flags$vote = 11 ]
}

# qdevice_withheld I: node I's votequorum answers and lists the qdevice
# without its vote (qnetd gave it to the other side, or qdevice lost
# qnetd).
qdevice_withheld() {
	local out line
	out=$(corosync_quorum "$1" 2>/dev/null)
	[ -n "$out" ] || return 1
	while read -r line; do
		[[ $line =~ ^0\ +0\ +Qdevice\ \(votes\ 1\)$ ]] && return 0
	done <<<"$out"
	return 1
}

# qdevice_stop I: SIGTERM to node I's qdevice; returns when it has exited.
qdevice_stop() {
	local pid=${QDEVICE_PID[$1]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait_for 30 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "QDEVICE_PID[$1]"
}

# peer_block I J / peer_unblock I J: node I drops every packet from and to
# node J's 10.0.0.J (and J from and to I): the two lose each other while
# both keep the LAN, the client and the arbiter.
peer_block() {
	local a b
	for a in "$1" "$2"; do
		b=$(($1 + $2 - a))
		ip netns exec "node$a" nft -f - <<-NFT || return 1
		table inet peerblock$b {
			chain in { type filter hook input priority 0; ip saddr 10.0.0.$b drop; }
			chain out { type filter hook output priority 0; ip daddr 10.0.0.$b drop; }
		}
		NFT
	done
}
peer_unblock() {
	local a b
	for a in "$1" "$2"; do
		b=$(($1 + $2 - a))
		ip netns exec "node$a" nft delete table inet peerblock$b || return 1
	done
}

# corosync_cleanup: every qdevice, corosync and qnetd the test started is
# stopped: qdevice first (it would log corosync's disappearance), then
# corosync, by SIGTERM, so that it removes its IPC files from /dev/shm,
# then qnetd.  (ns_cleanup kills whatever still runs in the namespaces.)
corosync_cleanup() {
	local i pid
	# All of a kind at once: each takes a while to leave under TCG.
	for pid in "${QDEVICE_PID[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in "${!QDEVICE_PID[@]}"; do
		qdevice_stop "$i"
	done
	for pid in "${COROSYNC_PID[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in "${!COROSYNC_PID[@]}"; do
		corosync_stop "$i"
	done
	qnetd_stop
}

# corosync_dump: each node's quorum and the end of each log, for a failed
# check.
corosync_dump() {
	local i f
	for i in $IPTOD_NODES; do
		[ -d "$TEST_TMP/corosync$i" ] || continue
		info "node $i: $(corosync_quorum "$i" 2>&1 | grep -E '^(Nodes|Node ID|Quorate|Flags|Ring ID):' | tr '\n' ' ')"
		for f in "$TEST_TMP/corosync$i"/*.log; do
			tail -n 15 "$f" | while read -r line; do info "  n$i ${f##*/}: $line"; done
		done
	done
	if [ -f "$TEST_TMP/qnetd/qnetd.log" ]; then
		tail -n 15 "$TEST_TMP/qnetd/qnetd.log" | while read -r line; do info "  qnetd: $line"; done
	fi
}

# on_finish (lib.sh's finish runs it): a failed test first shows what
# corosync said, while it still answers, then everything is stopped; then
# the on_finish of a helper sourced before this one (iptod.sh's).
if declare -F on_finish >/dev/null; then
	eval "corosync_prev_on_finish() $(declare -f on_finish | tail -n +2)"
else
	corosync_prev_on_finish() { :; }
fi
on_finish() {
	[ "$FAILED" != 0 ] && corosync_dump
	corosync_cleanup
	corosync_prev_on_finish
}

# ns_cleanup (lib.sh: at exit, also when a test ends early): any corosync
# still running is killed first and its files in /dev/shm removed (its
# flight recorder alone is 16 MB of the guest's memory); then lib.sh's
# ns_cleanup kills the rest in the namespaces.
eval "corosync_prev_ns_cleanup() $(declare -f ns_cleanup | tail -n +2)"
ns_cleanup() {
	local i
	for i in "${!COROSYNC_PID[@]}"; do
		corosync_kill "$i"
	done
	corosync_prev_ns_cleanup
}
