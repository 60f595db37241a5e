#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# spec_test.sh - uapi/ipto.yaml against the kernel's netlink spec schema
# (genetlink-legacy.yaml of Debian's linux-source-6.12, extracted by
# selftests/vm/ynl.sh) with python3-jsonschema, as ynl validates a spec;
# ynl's own parse of it; and its agreement with uapi/linux/ipto.h
# (spec_check.py); kmod/netlink-gen.[ch] and selftests/helpers/ipto_spec.py
# being what uapi/ynl-gen-kmod.py and ynl-gen-py.py make of it (make gen),
# and every number of ipto_spec.py the header's.  Then broken copies, each of
# which must be refused with an error that names what is wrong.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ynl=$("$top/selftests/vm/ynl.sh") || exit 1
spec=$top/uapi/ipto.yaml
header=$top/uapi/linux/ipto.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
run() { python3 "$top/selftests/unit/spec_check.py" --ynl "$ynl" "$@"; }

if out=$(run --header "$header" "$spec" 2>&1); then
	ok "uapi/ipto.yaml: schema, ynl parse, header"
	printf '%s\n' "$out" | sed 's/^/# /'
else
	not_ok "uapi/ipto.yaml: schema, ynl parse, header"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi

# generated SPEC DIR: the module's policies and op table made of SPEC in DIR.
generated() {
	mkdir -p "$2" && python3 "$top/uapi/ynl-gen-kmod.py" "$1" "$2/netlink-gen.c" "$2/netlink-gen.h"
}
if generated "$spec" "$tmp/gen" && cmp -s "$tmp/gen/netlink-gen.c" "$top/kmod/netlink-gen.c" &&
   cmp -s "$tmp/gen/netlink-gen.h" "$top/kmod/netlink-gen.h"; then
	ok "kmod/netlink-gen.[ch] are generated from uapi/ipto.yaml"
else
	not_ok "kmod/netlink-gen.[ch] are not what uapi/ipto.yaml makes (make gen)"
	diff -u "$top/kmod/netlink-gen.c" "$tmp/gen/netlink-gen.c" | head -n 20 | sed 's/^/#   /'
fi
if python3 "$top/uapi/ynl-gen-py.py" "$spec" "$tmp/ipto_spec.py" &&
   cmp -s "$tmp/ipto_spec.py" "$top/selftests/helpers/ipto_spec.py"; then
	ok "selftests/helpers/ipto_spec.py is generated from uapi/ipto.yaml"
else
	not_ok "selftests/helpers/ipto_spec.py is not what uapi/ipto.yaml makes (make gen)"
fi
# Each number of ipto_spec.py is the header's IPTO_<NAME>: a C program
# prints the header's, for every name of the Python file.
{
	echo '#include <stdio.h>'
	echo '#include <linux/ipto.h>'
	echo 'int main(void) {'
	sed -n 's/^\([A-Z][A-Z0-9_]*\) = \([0-9][0-9]*\)$/\1/p' "$top/selftests/helpers/ipto_spec.py" |
		grep -v '^FAMILY_VERSION$' |
		sed 's/.*/printf("& = %lld\\n", (long long)IPTO_&);/'
	echo 'return 0; }'
} >"$tmp/numbers.c"
sed -n 's/^\([A-Z][A-Z0-9_]*\) = \([0-9][0-9]*\)$/& /p' "$top/selftests/helpers/ipto_spec.py" |
	grep -v '^FAMILY_VERSION' | sed 's/ $//' >"$tmp/numbers.py"
if cc -I "$top/uapi" -o "$tmp/numbers" "$tmp/numbers.c" 2>"$tmp/numbers.err" &&
   "$tmp/numbers" >"$tmp/numbers.h" && diff -u "$tmp/numbers.h" "$tmp/numbers.py" >"$tmp/numbers.diff"; then
	ok "ipto_spec.py: all $(wc -l <"$tmp/numbers.py") numbers are the header's"
else
	not_ok "ipto_spec.py and uapi/linux/ipto.h disagree"
	head -n 20 "$tmp/numbers.err" "$tmp/numbers.diff" 2>/dev/null | sed 's/^/#   /'
fi
# A change of the spec's checks changes the kernel's policy.
sed '0,/max: 100  # announce-count-max/s//max: 101  # announce-count-max/' "$spec" >"$tmp/max.yaml"
if generated "$tmp/max.yaml" "$tmp/gen-max" &&
   grep -A2 'announce_count_range' "$tmp/gen-max/netlink-gen.c" | grep -q '\.max = 101,'; then
	ok "a spec's announce-count max of 101 is the policy's"
else
	not_ok "a spec's announce-count max of 101 is not the policy's"
fi

# refused DESCRIPTION MESSAGE SPEC [HEADER]: spec_check.py must fail on
# SPEC and its errors must contain MESSAGE.
refused() {
	local desc=$1 msg=$2 out
	if out=$(run --header "${4:-$header}" "$3" 2>&1); then
		not_ok "$desc: accepted"
	elif [[ "$out" != *"$msg"* ]]; then
		not_ok "$desc: the error does not say '$msg'"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		ok "$desc refused"
		printf '%s\n' "$out" | grep -F -- "$msg" | head -n 1 | sed 's/^/#   /'
	fi
}

# broken NAME SED-SCRIPT: a copy of the spec changed by SED-SCRIPT, which
# must change it.
broken() {
	sed "$2" "$spec" >"$tmp/$1.yaml"
	cmp -s "$spec" "$tmp/$1.yaml" && echo "spec_test: '$2' changes nothing" >&2
	echo "$tmp/$1.yaml"
}

refused "unknown top-level key" \
	"Additional properties are not allowed ('bogus-key' was unexpected)" \
	"$(broken key 's/^name: ipto$/&\nbogus-key: 1/')"
refused "unknown key in an attribute" \
	"attribute-sets/0/attributes/1: Additional properties are not allowed ('bogus' was unexpected)" \
	"$(broken attrkey '0,/^        type: u32$/s//&\n        bogus: 1/')"
refused "unknown attribute type" \
	"attribute-sets/0/attributes/1/type: 'u31' is not one of" \
	"$(broken type '0,/^        type: u32$/s//        type: u31/')"
refused "no SPDX tag on line 1" "SPDX license tag required" "$(broken spdx '1d')"
refused "an operation on an undefined attribute set" "KeyError: 'nosuch'" \
	"$(broken aset '0,/attribute-set: dev$/s//attribute-set: nosuch/')"
refused "an attribute of an undefined enum" \
	"attribute-sets/dev/default-action: enum 'nosuch' is not defined" \
	"$(broken enum '0,/^        enum: action$/s//        enum: nosuch/')"
refused "commands numbered from 2" \
	"spec and header disagree: operation dev-get: IPTO_CMD_DEV_GET == 2" \
	"$(broken cmd '0,/^      value: 1$/s//      value: 2/')"
sed 's/^\tIPTO_DEV_A_LEASE_END_NS,$/&\n\tIPTO_DEV_A_EXTRA,/' "$header" >"$tmp/ipto.h"
refused "a header with an attribute the spec lacks" \
	"spec and header disagree: attribute-set dev: max: IPTO_DEV_A_MAX == 16" "$spec" "$tmp/ipto.h"
sed 's/^\tIPTO_FENCE_LEASE,$//' "$header" >"$tmp/ipto-nofence.h"
refused "a header without an enum entry of the spec" "IPTO_FENCE_LEASE" "$spec" "$tmp/ipto-nofence.h"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
