#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl-gen-py.py - the protocol's numbers for the Python test helpers,
# generated from uapi/ipto.yaml: selftests/helpers/ipto_spec.py, committed
# (the helpers run with python3 -S, which cannot import a YAML parser).
# "make gen" writes it; the unit tests check that it is current.
#
# Names: CMD_<COMMAND>, <SET>_A_<ATTRIBUTE> (the attribute sets' own
# prefixes, without "IPTO_"), <ENUM>_<ENTRY>, and the constants, each as
# uapi/linux/ipto.h spells it without "IPTO_"; MCGRP_<GROUP> the group
# names.
#
# usage: ynl-gen-py.py SPEC OUT.py
import sys

import yaml


def c(*parts):
    return "".join(parts).upper().replace("-", "_")


def strip(name, family):
    return name[len(family) + 1:] if name.startswith(family + "_") else name


def numbered(fam, prefix, items, start=0):
    """A blank line, then NAME = VALUE for each of items (names, or dicts
    with a name and maybe a value), counting from start as C enums do."""
    lines, value = [""], start
    for item in items:
        name = item if isinstance(item, str) else item["name"]
        if isinstance(item, dict):
            value = item.get("value", value)
        lines.append(f"{strip(c(prefix, name), fam)} = {value}")
        value += 1
    return lines


def main():
    with open(sys.argv[1]) as f:
        spec = yaml.safe_load(f)
    fam = c(spec["name"])
    out = ["# SPDX-License-Identifier: GPL-2.0",
           "# Do not edit: generated from uapi/ipto.yaml by uapi/ynl-gen-py.py.",
           '"""ipto_spec.py - the numbers of the "ipto" generic netlink family."""',
           "", f"FAMILY_NAME = {spec['name']!r}", f"FAMILY_VERSION = {spec['version']}"]

    for d in spec.get("definitions", []):
        if d["type"] == "const":
            if isinstance(d["value"], int):
                out.append(f"{strip(c(spec['name'], '-', d['name']), fam)} = {d['value']}")
            continue
        out += numbered(fam, d.get("name-prefix", f"{spec['name']}-{d['name']}-"),
                        d["entries"], d.get("value-start", 0))

    for s in spec["attribute-sets"]:
        out += numbered(fam, s.get("name-prefix", f"{spec['name']}-a-{s['name']}-"),
                        s["attributes"])

    ops = spec["operations"]
    out += numbered(fam, ops["name-prefix"], ops["list"])

    out.append("")
    for g in spec.get("mcast-groups", {}).get("list", []):
        out.append(f"MCGRP_{c(g['name'])} = {g['name']!r}")

    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


main()
