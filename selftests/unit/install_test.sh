#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install_test.sh - "make install DESTDIR=D" puts the module, the tools,
# the man pages, the systemd unit (naming the installed iptod), the bash
# completion and the example configuration where an operator expects
# them, for PREFIX=/usr/local and PREFIX=/usr; "make uninstall" with the
# same variables removes every file it installed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kver=$(make -s --no-print-directory -C "$top" kernelrelease)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

for prefix in /usr/local /usr; do
	dest=$tmp/root${prefix//\//_}
	unitdir=/etc/systemd/system
	[ "$prefix" = /usr ] && unitdir=/lib/systemd/system
	if ! make -s -C "$top" install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1; then
		not_ok "make install PREFIX=$prefix: $(grep -m1 -iE "error|no rule|cannot" "$tmp/log")"
		continue
	fi
	want=$(printf '%s\n' \
		"0644 /lib/modules/$kver/updates/ipto.ko" \
		"0755 $prefix/sbin/iptoctl" "0755 $prefix/sbin/iptod" \
		"0755 $prefix/bin/ipto-probe" \
		"0644 $prefix/share/man/man8/iptoctl.8" "0644 $prefix/share/man/man8/iptod.8" \
		"0644 $prefix/share/man/man5/iptod.conf.5" \
		"0644 $prefix/share/man/man1/ipto-probe.1" \
		"0644 $unitdir/iptod.service" "0644 $unitdir/iptod-prepare.service" \
		"0644 $prefix/share/bash-completion/completions/iptoctl" \
		"0644 $prefix/share/doc/ipto/iptod.conf.example" | sort)
	got=$(cd "$dest" && find . -type f -printf '%m /%P\n' | sed 's/^755/0755/; s/^644/0644/' | sort)
	if [ "$got" = "$want" ]; then
		ok "PREFIX=$prefix: the $(wc -l <<<"$want") files, with their modes"
	else
		not_ok "PREFIX=$prefix: installed files differ:"
		diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
	fi
	exec_start=$(awk -F'[= ]' '/^ExecStart=/ { print $2 }' "$dest$unitdir/iptod.service")
	if [ "$exec_start" = "$prefix/sbin/iptod" ] && [ -x "$dest$exec_start" ]; then
		ok "PREFIX=$prefix: the unit starts the installed $exec_start"
	else
		not_ok "PREFIX=$prefix: the unit starts '$exec_start'"
	fi
	if modinfo -F name "$dest/lib/modules/$kver/updates/ipto.ko" | grep -qx ipto &&
	   [ "$(modinfo -F vermagic "$dest/lib/modules/$kver/updates/ipto.ko" | awk '{ print $1 }')" = "$kver" ]; then
		ok "PREFIX=$prefix: the module is built for $kver"
	else
		not_ok "PREFIX=$prefix: the module's vermagic is not $kver"
	fi
	versions=$( ("$dest$prefix/sbin/iptoctl" --version; "$dest$prefix/sbin/iptod" --version) |
		awk '{ print $2 }'; modinfo -F version "$dest/lib/modules/$kver/updates/ipto.ko")
	if [ "$(sort -u <<<"$versions" | wc -l)" -eq 1 ] && [ -n "$(head -n 1 <<<"$versions")" ]; then
		ok "PREFIX=$prefix: iptoctl, iptod and the module have one version, $(head -n 1 <<<"$versions")"
	else
		not_ok "PREFIX=$prefix: versions differ (iptoctl, iptod, module):" $versions
	fi
	make -s -C "$top" uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1
	left=$(find "$dest" -type f)
	if [ -z "$left" ]; then
		ok "PREFIX=$prefix: make uninstall removes every file"
	else
		not_ok "PREFIX=$prefix: left after make uninstall: $left"
	fi
done

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
