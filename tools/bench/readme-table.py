#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the README's benchmark excerpt from the committed results.

Usage:
  tools/bench/readme-table.py [--check] [--csv RESULTS.csv] [--md RESULTS.md]
                              [--readme README.md]

Replaces what lies between the lines
  <!-- bench-table: begin ... -->
  <!-- bench-table: end -->
of README.md (default: the repository's) with a table made from
tools/bench/results.csv (the figures: median, min, max of every ratio) and
the header of tools/bench/results.md (guest kernel, QEMU, date, runs,
disturbed). The rows, their order (like with like first), the tie rule and
what each ratio includes come from report.py, so the README says what
results.md says.

--check: write nothing; exit 1 (with a diff on stderr) when README.md
differs from what would be written. Exit 2: usage error, no markers, or an
unreadable results file.
"""

import argparse
import difflib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402

BEGIN = "<!-- bench-table: begin"
END = "<!-- bench-table: end -->"
BEGIN_LINE = ("<!-- bench-table: begin (written by tools/bench/readme-table.py from "
              "tools/bench/results.csv and results.md; do not edit by hand) -->")


def provenance(md_path):
    """The results.md header table as a dict ({} when unreadable)."""
    prov = {}
    try:
        with open(md_path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("###"):
                    break
                m = re.match(r"^\| ([^|]+?) \| (.*) \|$", line.rstrip("\n"))
                if m and m.group(1) not in ("", "---"):
                    prov[m.group(1)] = m.group(2)
    except OSError:
        pass
    if any(l.startswith("**Disturbed run**") for l in _lines(md_path)):
        prov["disturbed"] = "yes"
    return prov


def _lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError:
        return []


def _short(v, pat, default="?"):
    m = re.search(pat, v or "")
    return m.group(1) if m else default


def block(figs, prov):
    """The lines between the markers (markers excluded)."""
    out = []
    kernel = _short(prov.get("Guest kernel"), r"^(\S+)")
    qemu = _short(prov.get("QEMU"), r"version (\S+)", prov.get("QEMU", "?"))
    accel = prov.get("Accelerator", "?").upper()
    date = _short(prov.get("Date"), r"^(\d{4}-\d\d-\d\d)")
    runs = prov.get("Runs per figure", "?")
    out.append("Excerpt of [tools/bench/results.md](tools/bench/results.md) (guest Linux %s, "
               "QEMU %s %s, %s runs per figure, %s). Each result is SVA against the other path, "
               "median [range over the runs] of ratios taken pair by pair in one boot; "
               "**tie** when the runs fall on both sides of 1. Like-with-like rows come first; "
               "the others say what makes them unequal." % (kernel, qemu, accel, runs, date))
    if prov.get("disturbed") == "yes":
        out.append("")
        out.append("That run was **disturbed** (the host's load average exceeded its CPUs; "
                   "results.md's header says by how much).")
    out.append("")
    cmps = [c for c in report.comparisons(figs) if c.readme]
    out.append("| Comparison | Case | Result | What the ratio includes |")
    out.append("| --- | --- | --- | --- |")
    titles = {"fair": "Like with like", "unequal": "Not the same work on both sides",
              "flr": "Dominated by vfio-pci's function reset (FLR, 100 ms): not SVA's merit"}
    for g, _title in report.GROUPS:
        mine = [c for c in cmps if c.group == g]
        if not mine:
            continue
        out.append("| **%s** | | | |" % titles.get(g, g))
        topic = None
        for c in mine:
            first = (c.topic, c.includes) != topic
            topic = (c.topic, c.includes)
            out.append("| %s | %s | %s | %s |" % (c.topic if first else "", c.case,
                                                 c.result(short=True), c.includes if first else ""))
    out.append("")
    per = _last(figs, "fault", "per-fault", "4k")
    thp = _last(figs, "fault", "per-4k-page", "thp")
    if per or thp:
        parts = []
        if per:
            parts.append("one device page fault (a PRI round trip through the kernel's I/O "
                         "page-fault handler) costs %s µs per 4 KiB page (%s buffer)"
                         % (report.cell(per[1]), per[0]))
        if thp:
            parts.append("with 2 MiB huge pages %s µs per 4 KiB of buffer (%s)"
                         % (report.cell(thp[1]), thp[0]))
        out.append("- Device page faults: " + "; ".join(parts) + ". SVA loses to pinning "
                   "wherever the device touches most pages first: prefault buffers "
                   "(uiosva_prefault(), see the prefault rows above) before their first DMA.")
    return out


def _last(figs, sec, metric, variant):
    ps = figs.params(sec, metric, variant)
    if not ps:
        return None
    f = figs.fig(sec, metric, variant, ps[-1])
    return (ps[-1], f) if f and f.med is not None else None


def update(text, lines):
    """README text with the block replaced; ValueError without markers."""
    src = text.split("\n")
    try:
        b = next(i for i, l in enumerate(src) if l.startswith(BEGIN))
        e = next(i for i, l in enumerate(src) if i > b and l.strip() == END)
    except StopIteration:
        raise ValueError("no '%s ... -->' / '%s' lines" % (BEGIN, END)) from None
    return "\n".join(src[:b] + [BEGIN_LINE] + lines + [END] + src[e + 1:])


def main(argv=None):
    top = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--csv", default=os.path.join(HERE, "results.csv"))
    ap.add_argument("--md", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--readme", default=os.path.join(top, "README.md"))
    a = ap.parse_args(argv)
    try:
        figs = report.Figs.from_csv(a.csv)
        with open(a.readme, encoding="utf-8") as f:
            old = f.read()
        new = update(old, block(figs, provenance(a.md)))
    except (OSError, KeyError, ValueError) as e:
        sys.stderr.write("readme-table.py: %s\n" % e)
        return 2
    if a.check:
        if new == old:
            return 0
        sys.stderr.write("readme-table.py: %s differs from %s; run tools/bench/readme-table.py\n"
                         % (a.readme, a.csv))
        sys.stderr.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                   a.readme, "generated", n=1))
        return 1
    if new != old:
        with open(a.readme, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
