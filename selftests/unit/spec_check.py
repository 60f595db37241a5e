#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# spec_check.py - check a netlink YAML spec (uapi/ipto.yaml) the way the
# kernel's ynl does before it uses one (tools/net/ynl/lib/nlspec.py,
# SpecFamily): the SPDX tag on the first line, then jsonschema validation
# against the schema of the spec's protocol (Documentation/netlink/
# <protocol>.yaml), then ynl's own parse of the spec (references resolved).
# Unlike ynl, which stops at jsonschema's best match, every schema error is
# printed, as "spec: PATH: MESSAGE".
#
# With --header H, the spec must also agree with the uapi header H: every
# command, attribute, enum entry and constant the spec defines must have the
# same value in H, and each *_MAX the last one (checked by the C compiler).
#
# usage: spec_check.py --ynl DIR [--header H] SPEC
#   DIR is the extracted kernel tooling (build/ynl, selftests/vm/ynl.sh).
# Exits 0 when everything holds, 1 with the errors on stderr otherwise.
import argparse
import os
import subprocess
import sys
import tempfile
import warnings

import jsonschema
import yaml


def err(msg):
    print(msg, file=sys.stderr)


def cname(*parts):
    return "".join(parts).upper().replace("-", "_")


def header_asserts(family, raw):
    """(C expression, what) pairs the header must satisfy."""
    family_prefix = cname(raw["name"], "-")
    out = []

    def eq(name, value, what):
        out.append((f"{name} == {value}", what))

    if "c-version-name" in raw and "version" in raw:
        eq(cname(raw["c-version-name"]), raw["version"], "family version")
    for d in raw.get("definitions", []):
        if d["type"] == "const":
            if isinstance(d["value"], int):
                eq(cname(family_prefix, d["name"]), d["value"], f"const {d['name']}")
            continue
        enum = family.consts[d["name"]]
        prefix = d.get("name-prefix", f"{raw['name']}-{d['name']}-")
        last = None
        for e in enum.entries.values():
            eq(cname(prefix, e.name), e.value, f"enum {d['name']}: {e.name}")
            last = e.value
        if d.get("render-max") and last is not None:
            eq(cname(prefix, "max"), last, f"enum {d['name']}: max")
    for s in raw.get("attribute-sets", []):
        aset = family.attr_sets[s["name"]]
        prefix = s.get("name-prefix", f"{raw['name']}-a-{s['name']}-")
        last = None
        for a in aset.attrs.values():
            eq(cname(prefix, a.name), a.value, f"attribute-set {s['name']}: {a.name}")
            last = a.value
        if raw.get("max-by-define") and last is not None:
            eq(cname(prefix, "max"), last, f"attribute-set {s['name']}: max")
    ops = raw["operations"]
    prefix = ops.get("name-prefix", f"{raw['name']}-cmd-")
    last = None
    for op in family.msgs.values():
        eq(cname(prefix, op.name), op.req_value, f"operation {op.name}")
        last = op.req_value
    if raw.get("max-by-define") and last is not None:
        eq(cname(prefix, "max"), last, "operations: max")
    return out


def check_header(family, raw, header):
    asserts = header_asserts(family, raw)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "spec_check.c")
        with open(src, "w") as f:
            f.write(f'#include "{os.path.abspath(header)}"\n')
            for expr, what in asserts:
                f.write(f'_Static_assert({expr}, "spec and header disagree: {what}: {expr}");\n')
        cc = os.environ.get("CC", "cc")
        r = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-Werror", src],
                           capture_output=True, text=True)
    if r.returncode == 0:
        return len(asserts), []
    msgs = []
    for line in r.stderr.splitlines():
        if "error: " not in line:
            continue	# the compiler's quotes of the source
        if "spec and header disagree" in line:
            m = line[line.index("spec and header disagree"):].rstrip('"')
        else:
            m = "header: " + line.split("error: ", 1)[1]
        if m not in msgs:
            msgs.append(m)
    return len(asserts), msgs or [r.stderr.strip()]


def check_enum_refs(raw):
    """Attributes naming an enum that is not defined (ynl only finds out
    when it decodes such an attribute)."""
    enums = {d["name"] for d in raw.get("definitions", []) if d["type"] in ("enum", "flags")}
    return [f"attribute-sets/{s['name']}/{a['name']}: enum '{a['enum']}' is not defined"
            for s in raw.get("attribute-sets", []) for a in s.get("attributes", [])
            if "enum" in a and a["enum"] not in enums]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ynl", required=True, help="the extracted kernel tooling")
    ap.add_argument("--header", help="the uapi header the spec must agree with")
    ap.add_argument("spec")
    args = ap.parse_args()

    with open(args.spec) as f:
        first = f.readline().strip()
        f.seek(0)
        try:
            raw = yaml.safe_load(f)
        except yaml.YAMLError as e:
            err(f"spec: not YAML: {e}")
            return 1
    if not first.startswith("# SPDX-License-Identifier: "):
        err("spec: line 1: SPDX license tag required (ynl refuses the spec)")
        return 1
    if not isinstance(raw, dict):
        err("spec: not a mapping")
        return 1

    proto = raw.get("protocol", "genetlink")
    schema_path = os.path.join(args.ynl, "Documentation", "netlink", f"{proto}.yaml")
    if not os.path.isfile(schema_path):
        err(f"spec: protocol '{proto}': no schema {schema_path}")
        return 1
    with open(schema_path) as f:
        schema = yaml.safe_load(f)
    # jsonschema.validate()'s choice of validator, as in ynl: the schemas'
    # $schema (draft-07 without the '#') is unknown to python3-jsonschema
    # 4.10, which then takes its latest draft, with a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        path = "/".join(map(str, e.absolute_path)) or "(top level)"
        err(f"spec: {path}: {e.message}")
    if errors:
        err(f"spec: {len(errors)} error(s) against {os.path.basename(schema_path)}")
        return 1
    print(f"spec: {args.spec} validates against {os.path.basename(schema_path)} "
          f"(jsonschema {cls.__name__})")

    # ynl's own parse: what cli.py does with the spec before any request.
    sys.path.insert(0, os.path.join(args.ynl, "tools", "net", "ynl"))
    from lib import SpecFamily  # noqa: E402
    try:
        family = SpecFamily(args.spec, schema_path)
    except Exception as e:  # ynl raises plain Exceptions on bad references
        err(f"spec: ynl cannot load it: {type(e).__name__}: {e}")
        return 1
    print(f"spec: ynl loads it: family {family.name}, {len(family.msgs)} operations, "
          f"{len(family.attr_sets)} attribute sets")

    msgs = check_enum_refs(raw)
    for m in msgs:
        err(f"spec: {m}")
    if msgs:
        return 1

    if args.header:
        n, msgs = check_header(family, raw, args.header)
        for m in msgs:
            err(f"spec: {m}")
        if msgs:
            return 1
        print(f"spec: agrees with {args.header} ({n} values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
