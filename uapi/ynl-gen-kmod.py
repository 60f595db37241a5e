#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl-gen-kmod.py - the module's netlink policies and op table, generated
# from the protocol's spec, uapi/ipto.yaml: kmod/netlink-gen.c and
# kmod/netlink-gen.h, committed so that building the module (DKMS on a
# node) needs no Python.  "make gen" writes them; the unit tests check
# that they are what this script makes of the spec.
#
# What the kernel's ynl-gen-c.py does in-tree, for the kernels ipto
# supports: it emits struct genl_ops, which 6.1 (no split ops) and every
# later kernel take, with one policy per command, the attributes its
# request lists and no others (strict validation refuses the rest).  A
# command with both do and dump (dev-get) validates both with its do
# policy; its dump handler refuses attributes itself.  Each do's pre and
# post hooks in the spec become the op's internal_flags for the family's
# one pre_doit and post_doit (6.1 has no per-op hooks):
#   pre: ipto-nl-pre-doit        IPTO_NL_DEV: RTNL and the device
#   post: ipto-nl-post-doit-run  IPTO_NL_RUN: the engine runs after it
#
# usage: ynl-gen-kmod.py SPEC OUT.c OUT.h
import sys

import yaml

HOOK_FLAGS = {
    ("pre", "ipto-nl-pre-doit"): "IPTO_NL_DEV",
    ("post", "ipto-nl-post-doit"): None,
    ("post", "ipto-nl-post-doit-run"): "IPTO_NL_RUN",
}
NLA_TYPES = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32", "u64": "NLA_U64"}
S16_MAX = 32767


def c(*parts):
    return "".join(parts).upper().replace("-", "_")


def low(*parts):
    return "".join(parts).lower().replace("-", "_")


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.raw = yaml.safe_load(f)
        self.name = self.raw["name"]
        self.consts = {d["name"]: d for d in self.raw.get("definitions", [])}
        self.sets = {s["name"]: s for s in self.raw["attribute-sets"]}
        self.ranges = []        # (C name, min, max) of full-range validations

    def attr(self, aset, name):
        for a in self.sets[aset]["attributes"]:
            if a["name"] == name:
                return a
        raise SystemExit(f"{aset}: no attribute {name}")

    def attr_c(self, aset, name):
        s = self.sets[aset]
        return c(s.get("name-prefix", f"{self.name}-a-{aset}-"), name)

    def value(self, v):
        """A check's bound: a number, a constant's name, or NAME - 1."""
        if isinstance(v, int):
            return str(v)
        name, _, rest = v.partition(" ")
        if name not in self.consts:
            raise SystemExit(f"unknown constant {name!r} in a check")
        return c(self.name, "-", name) + (" " + rest if rest else "")

    def enum_max(self, enum):
        d = self.consts[enum]
        prefix = d.get("name-prefix", f"{self.name}-{enum}-")
        entries = d["entries"]
        last = entries[-1] if isinstance(entries[-1], str) else entries[-1]["name"]
        return c(prefix, "max" if d.get("render-max") else last)

    def policy_entry(self, aset, a):
        """The nla_policy initializer of attribute a of set aset."""
        t, checks = a["type"], a.get("checks", {})
        if t in NLA_TYPES:
            nla = NLA_TYPES[t]
            lo, hi = checks.get("min"), checks.get("max")
            if hi is None and "enum" in a:
                return f"NLA_POLICY_MAX({nla}, {self.enum_max(a['enum'])})"
            big = any(isinstance(x, int) and abs(x) > S16_MAX for x in (lo, hi) if x is not None)
            if big or (lo is not None and hi is not None and t in ("u32", "u64")):
                rng = low(self.name, "-", aset, "-", a["name"], "-range")
                if rng not in [r[0] for r in self.ranges]:
                    self.ranges.append((rng, self.value(lo if lo is not None else 0),
                                        self.value(hi) if hi is not None else "U32_MAX"))
                return f"NLA_POLICY_FULL_RANGE({nla}, &{rng})"
            if lo is not None and hi is not None:
                return f"NLA_POLICY_RANGE({nla}, {self.value(lo)}, {self.value(hi)})"
            if lo is not None:
                return f"NLA_POLICY_MIN({nla}, {self.value(lo)})"
            if hi is not None:
                return f"NLA_POLICY_MAX({nla}, {self.value(hi)})"
            return f"{{ .type = {nla}, }}"
        if t == "string":
            if "max-len" in checks:
                return f"{{ .type = NLA_NUL_STRING, .len = {self.value(checks['max-len'])}, }}"
            return "{ .type = NLA_NUL_STRING, }"
        if t == "binary":
            if "exact-len" in checks:
                return f"NLA_POLICY_EXACT_LEN({self.value(checks['exact-len'])})"
            if "max-len" in checks:
                return f"{{ .type = NLA_BINARY, .len = {self.value(checks['max-len'])}, }}"
            return "{ .type = NLA_BINARY, }"
        if t == "nest":
            return f"NLA_POLICY_NESTED({low(self.name, '-', a['nested-attributes'], '-nl-policy')})"
        raise SystemExit(f"{aset}/{a['name']}: no policy for type {t}")

    def policy(self, name, aset, attrs):
        """(C name, highest attribute, lines) of a policy of attrs of aset."""
        order = [a["name"] for a in self.sets[aset]["attributes"]]
        entries = [(self.attr_c(aset, n), self.policy_entry(aset, self.attr(aset, n)))
                   for n in sorted(attrs, key=order.index)]
        top = entries[-1][0]
        lines = [f"const struct nla_policy {name}[{top} + 1] = {{"]
        for k, v in entries:
            one = f"\t[{k}] = {v},"
            lines += [one] if len(one.expandtabs(8)) <= 100 else [f"\t[{k}] =", f"\t\t{v},"]
        lines.append("};")
        return name, top, lines


def main():
    spec = Spec(sys.argv[1])
    out_c, out_h = sys.argv[2], sys.argv[3]
    name = spec.name
    banner = ["/* Do not edit: generated from uapi/ipto.yaml by uapi/ynl-gen-kmod.py. */"]

    nested = set()          # the sets nested in a request: all of each is allowed
    for op in spec.raw["operations"]["list"]:
        for sub in (op.get("do"), op.get("dump")):
            for n in (sub or {}).get("request", {}).get("attributes", []):
                a = spec.attr(op["attribute-set"], n)
                if a["type"] == "nest":
                    nested.add(a["nested-attributes"])

    policies, ops, decls = [], [], []
    for aset in sorted(nested):
        attrs = [a["name"] for a in spec.sets[aset]["attributes"]
                 if a["type"] not in ("unused", "pad")]
        pname, top, lines = spec.policy(low(name, "-", aset, "-nl-policy"), aset, attrs)
        policies.append(lines)
        decls.append(f"extern const struct nla_policy {pname}[{top} + 1];")

    for op in spec.raw["operations"]["list"]:
        do, dump = op.get("do"), op.get("dump")
        if not do and not dump:
            continue
        aset = op["attribute-set"]
        req = (do or dump).get("request", {}).get("attributes", [])
        base = low(name, "-nl-", op["name"])     # the handlers'
        pbase = low(name, "-", op["name"])      # the policy's
        flags = []
        for kind in ("pre", "post"):
            hook = (do or {}).get(kind)
            if hook is None:
                continue
            if (kind, hook) not in HOOK_FLAGS:
                raise SystemExit(f"{op['name']}: unknown {kind} hook {hook}")
            if HOOK_FLAGS[(kind, hook)]:
                flags.append(HOOK_FLAGS[(kind, hook)])
        pname, top, lines = spec.policy(pbase + "_nl_policy", aset, req)
        policies.append(lines)
        decls.append(f"extern const struct nla_policy {pname}[{top} + 1];")
        ent = ["\t{", f"\t\t.cmd = {c(spec.raw['operations']['name-prefix'], op['name'])},"]
        if do:
            ent.append(f"\t\t.doit = {base}_doit,")
            decls.append(f"int {base}_doit(struct sk_buff *skb, struct genl_info *info);")
        if dump:
            ent.append(f"\t\t.dumpit = {base}_dumpit,")
            decls.append(f"int {base}_dumpit(struct sk_buff *skb, struct netlink_callback *cb);")
        ent.append(f"\t\t.policy = {pname},")
        ent.append(f"\t\t.maxattr = {top},")
        if "uns-admin-perm" in op.get("flags", []):
            ent.append("\t\t.flags = GENL_UNS_ADMIN_PERM,")
        if "admin-perm" in op.get("flags", []):
            ent.append("\t\t.flags = GENL_ADMIN_PERM,")
        if flags:
            ent.append(f"\t\t.internal_flags = {' | '.join(flags)},")
        ent.append("\t},")
        ops.append(ent)

    guard = c("_", name, "-netlink-gen-h")
    h = ["/* SPDX-License-Identifier: GPL-2.0 */"] + banner + [
        "/* netlink-gen.h - the family's policies, op table and handlers. */",
        f"#ifndef {guard}", f"#define {guard}", "",
        "#include <net/genetlink.h>", "#include <net/netlink.h>", "",
        "#include <linux/ipto.h>", "", "#include \"compat.h\"", "",
        "/* genl_ops.internal_flags, acted on by ipto_nl_pre_doit() and _post_doit(). */",
        "#define IPTO_NL_DEV\tBIT(0)\t/* RTNL, and the device in info->user_ptr[0] */",
        "#define IPTO_NL_RUN\tBIT(1)\t/* the engine runs again after the handler */", "",
    ] + decls + [
        "", f"extern const struct genl_ops {low(name, '-nl-ops')}[{len(ops)}];", "",
        "int ipto_nl_pre_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,",
        "\t\t     struct genl_info *info);",
        "void ipto_nl_post_doit(const struct ipto_compat_genl_hook_ops *ops, struct sk_buff *skb,",
        "\t\t       struct genl_info *info);", "",
        f"#endif /* {guard} */"]

    ccode = ["// SPDX-License-Identifier: GPL-2.0"] + banner + [
        "/* netlink-gen.c - the family's policies and op table. */", "",
        "#include \"netlink-gen.h\"", ""]
    if spec.ranges:
        ccode += ["/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a plain pointer. */"]
        for rng, lo, hi in spec.ranges:
            ccode += [f"static struct netlink_range_validation {rng} __ro_after_init = {{",
                      f"\t.min = {lo},", f"\t.max = {hi},", "};", ""]
    for lines in policies:
        ccode += lines + [""]
    ccode.append(f"const struct genl_ops {low(name, '-nl-ops')}[{len(ops)}] = {{")
    for ent in ops:
        ccode += ent
    ccode.append("};")

    with open(out_c, "w") as f:
        f.write("\n".join(ccode) + "\n")
    with open(out_h, "w") as f:
        f.write("\n".join(h) + "\n")


main()
