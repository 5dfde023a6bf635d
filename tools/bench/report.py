#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's BENCHCSV/BENCHINFO lines into results.md and CSVs.

Usage:
  report.py --raw RAW.txt --md OUT.md --csv OUT.csv --raw-csv OUT-raw.csv
            [--date D] [--qemu-version V] [--accel A] [--kernel-pkg P]
            [--guest G] [--wall W] [--mode M] [--source S] [--attempts A]
            [--host-cpus N] [--host-cpu-model M] [--host-kernel K]
            [--host-clocksource C] [--load-before "L1 L5 L15"]
            [--load-after "L1 L5 L15"] [--load-file LOAD.txt]
            [--cpu-pressure-before US] [--cpu-pressure-after US]
            [--guest-seconds S]

RAW.txt holds the guest's lines (run-bench.sh extracts them from the
console):
  BENCHCSV,section,metric,variant,param,run,value,unit,note
  BENCHINFO,key,value
Every figure is the median of its runs, with min and max; ratios were taken
pair-wise in the guest (one ratio per run), so their median, min and max are
of those per-run ratios.

Rules (tools/bench/README.md, "Reading the numbers"):
* tie: a ratio whose runs do not all fall on one side of 1 (min <= 1 <=
  max) is a tie, never a win or a loss, in the tables and the summary.
* disturbed: a run during which processes other than the benchmark's QEMU
  used more than 0.5 CPU on average, or more than 1 CPU in a 5 s sample,
  is marked "disturbed" in the header. It is not rejected. (The load
  average is shown, but its rule, load above the CPU count, remains only
  for runs without those samples: the guest's own QEMU keeps the load near
  the vCPU count, so on a 2-CPU host it flagged quiet runs.)
* The host facts (CPUs, load, clocksource, kernel, QEMU) are what
  run-bench.sh measured and passed; "?" when it passed nothing.
* Sections and rows this script has no layout for are still shown, as
  generic tables under their section, metric and variant names, and their
  ratios are listed (with the tie rule) in the summary.

Exit status 0, or 1 when RAW.txt has no rows.
"""

import argparse
import csv
import statistics
import sys
from collections import OrderedDict

# ---------------------------------------------------------------- figures


class Fig:
    """Median, min, max of one figure's runs."""

    def __init__(self, values):
        self.values = list(values)
        self.n = len(self.values)
        self.med = statistics.median(self.values) if self.values else None
        self.min = min(self.values) if self.values else None
        self.max = max(self.values) if self.values else None

    @classmethod
    def stats(cls, n, med, lo, hi):
        """A figure known only by its summary (a results.csv line)."""
        f = cls([])
        f.n, f.med, f.min, f.max = n, med, lo, hi
        return f


def is_tie(fig):
    """The tie rule: the per-run ratios do not all fall on one side of 1."""
    return fig.min <= 1.0 <= fig.max


def num(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def cell(fig, unit=""):
    if fig is None or fig.med is None:
        return "-"
    s = "%s%s" % (num(fig.med), unit)
    if fig.n > 1:
        s += " [%s–%s]" % (num(fig.min), num(fig.max))
    return s


def ratio_cell(fig):
    """A comparison's ratio; "tie" when its runs fall on both sides of 1."""
    s = cell(fig, "×")
    if fig is not None and fig.med is not None and is_tie(fig):
        s = "tie: " + s
    return s


class Figs:
    """The figures of one run by (section, metric, variant, param, unit)."""

    def __init__(self, figs):
        self.figs = figs            # OrderedDict key -> Fig
        self.used = set()

    @classmethod
    def from_rows(cls, rows):
        g = OrderedDict()
        for sec, metric, variant, param, _run, value, unit in rows:
            g.setdefault((sec, metric, variant, param, unit), []).append(value)
        return cls(OrderedDict((k, Fig(v)) for k, v in g.items()))

    @classmethod
    def from_csv(cls, path):
        """results.csv (section,metric,variant,param,unit,runs,median,min,max)."""
        g = OrderedDict()
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                g[(r["section"], r["metric"], r["variant"], r["param"], r["unit"])] = Fig.stats(
                    int(r["runs"]), float(r["median"]), float(r["min"]), float(r["max"]))
        return cls(g)

    def fig(self, sec, metric, variant, param, unit=None):
        for k, f in self.figs.items():
            s, m, v, p, u = k
            if s == sec and m == metric and v == variant and p == param and (unit is None or u == unit):
                self.used.add(k)
                return f
        return None

    def pooled(self, sec, metric, prefix, param):
        vals = []
        for k, f in self.figs.items():
            s, m, v, p, _ = k
            if s == sec and m == metric and v.startswith(prefix) and p == param:
                self.used.add(k)
                vals += f.values
        return Fig(vals) if vals else None

    def params(self, sec, metric=None, variant=None):
        seen = []
        for (s, m, v, p, _) in self.figs:
            if s == sec and (metric is None or m == metric) and (variant is None or v == variant):
                if p not in seen:
                    seen.append(p)
        return seen

    def sections(self):
        seen = []
        for k in self.figs:
            if k[0] not in seen:
                seen.append(k[0])
        return seen


# ---------------------------------------------------------------- comparisons

# The summary's groups, in the order the summary (and the README excerpt)
# shows them: the like-with-like ratios lead.
GROUPS = (
    ("fair", "Like with like (the same work on both sides): read these first"),
    ("unequal", "Not the same work on both sides: the ratio includes what the other "
                "path leaves out (or does differently); the price of a feature, not a contest"),
    ("flr", "Dominated by vfio-pci's function reset: VFIO with a device fd resets the "
            "function (FLR, a 100 ms wait) at open and at close, uio_pci_sva not at open "
            "(nor at close when the line says \"no reset\"). That wait is not an IOMMU cost, "
            "so these lines are not SVA's merit"),
    ("self", "SVA against itself: what device page faults cost"),
    ("other", "Ratios report.py has no description for (new sections or rows): shown by "
              "name, not classified as like with like"),
)

TIME_UNITS = ("us", "ns", "ms", "s", "cycles")


class Cmp:
    """One pair-wise ratio of the summary.

    sign: +1 when the ratio is other/SVA of a time (above 1 favours SVA),
    -1 when it is SVA/other (above 1 favours the other path), 0 when it
    does not compare SVA with another path (no winner, only the tie rule).
    """

    def __init__(self, group, topic, case, includes, fig, sign, name, readme=False):
        self.group, self.topic, self.case, self.includes = group, topic, case, includes
        self.label = "%s, %s" % (topic, case) if case else topic
        self.fig, self.sign, self.name, self.readme = fig, sign, name, readme

    def kind(self):
        if is_tie(self.fig):
            return "tie"
        if self.sign == 0:
            return "above" if self.fig.min > 1 else "below"
        above = self.fig.min > 1
        return "win" if above == (self.sign > 0) else "loss"

    def result(self, short=False):
        """The verdict in words: SVA n× faster / slower, or a tie with the range."""
        f, k = self.fig, self.kind()
        rng = "[%s–%s]" % (num(f.min), num(f.max))
        if k == "tie":
            return "tie: %s = %s× %s%s" % (self.name, num(f.med), rng,
                                          "" if short else ", the runs fall on both sides of 1")
        if k in ("above", "below"):
            return "%s = %s× %s" % (self.name, num(f.med), rng)
        if self.sign > 0:
            med, lo, hi = f.med, f.min, f.max
        else:
            med, lo, hi = 1 / f.med, 1 / f.max, 1 / f.min
        if k == "win":
            return "SVA %s× faster [%s–%s]" % (num(med), num(lo), num(hi))
        return "SVA %s× slower [%s–%s]" % (num(1 / med), num(1 / hi), num(1 / lo))


def _split_ratio(variant):
    """'ratio-A/B' -> (A, B), or None."""
    if not variant.startswith("ratio-") or "/" not in variant:
        return None
    a, b = variant[len("ratio-"):].split("/", 1)
    return a, b


def _generic_sign(figs, sec, metric, variant):
    """+1/-1/0 for a ratio report.py has no entry for, from its name and the
    unit of its section's figures: a side named *sva* against one that is
    not, of a time (lower is better) or a rate (…/s, higher is better)."""
    ab = _split_ratio(variant)
    if not ab:
        return 0
    a_sva, b_sva = "sva" in ab[0], "sva" in ab[1]
    if a_sva == b_sva:
        return 0
    units = {k[4] for k in figs.figs if k[0] == sec and k[1] == metric and k[4] != "x"}
    if units and units <= set(TIME_UNITS):
        lower_better = True
    elif units and all(u.endswith("/s") for u in units):
        lower_better = False
    else:
        return 0
    sva_on_top = a_sva
    return -1 if sva_on_top == lower_better else 1


IRQ_PATHS = (("uio_pci_generic-intx", "uio_pci_generic, INTx, `read()`"),
             ("vfio-msix-eventfd", "VFIO, MSI-X eventfd"),
             ("vfio-intx-eventfd", "VFIO, INTx eventfd"))


def _mid_params(ps):
    """First, middle and last of a list of sizes (the README's excerpt)."""
    if len(ps) <= 3:
        return list(ps)
    return [ps[0], ps[len(ps) // 2], ps[-1]]


def comparisons(figs):
    """Every pair-wise ratio of the run, classified (see GROUPS)."""
    out, known = [], set()

    def add(group, topic, case, includes, key, sign, name, readme=False):
        f = figs.figs.get(key)
        known.add(key)
        if f is None or f.med is None or f.min is None or f.min <= 0:
            return
        out.append(Cmp(group, topic, case, includes, f, sign, name, readme))

    # setup: like with like (no device open/close, no reset on either side).
    for kind, what, inc_sva in (
            ("touched", "buffer the CPU already wrote (pages present)",
             "SVA: one FILL at the virtual address; VFIO: MAP_DMA (pin + IOMMU map) + FILL at the IOVA + UNMAP_DMA"),
            ("fresh", "fresh buffer (no page present yet)",
             "SVA: one FILL at the virtual address, every page brought in by a device page fault (PRI); "
             "VFIO: MAP_DMA (pins, faulting the pages in on the CPU) + FILL + UNMAP_DMA"),
            ("fresh-prefault", "fresh buffer, SVA prefaulting it with uiosva_prefault()",
             "SVA: uiosva_prefault() (MADV_POPULATE_WRITE) + one FILL at the virtual address, no page "
             "request; VFIO: MAP_DMA (pins, faulting the pages in on the CPU) + FILL + UNMAP_DMA")):
        ps = figs.params("setup", kind, "ratio-vfio/sva")
        mids = _mid_params(ps)
        for p in ps:
            add("fair", "setup + first DMA vs VFIO type1, %s" % what, p, inc_sva,
                ("setup", kind, "ratio-vfio/sva", p, "x"), +1, "VFIO/SVA", p in mids)
    # open/close: the IOMMU part of VFIO is the like-with-like row; with a
    # device fd VFIO resets the function (FLR) at open and close. Whether
    # uio_pci_sva's close() reset the function too (the driver does from
    # e6b17b4 on) is read from this run's close times.
    resets = sva_close_resets(figs)
    opens = {
        "vfio-iommu-only": ("fair", "VFIO container + group + SET_IOMMU (IOMMU domain; no device fd, no reset)"),
        "uio_pci_generic": ("unequal", "uio_pci_generic, which does no IOMMU work and no reset: the ratio is the "
                                       "whole price of bind/unbind"),
        "vfio-type1": ("flr", "VFIO container + group + SET_IOMMU + device fd: vfio-pci's FLR (100 ms) at open and close"),
    }
    sva_close = ("close() clears bus mastering, drains, unbinds and resets the function (FLR: this run's "
                 "close times include its 100 ms wait)" if resets else
                 "close() clears bus mastering, drains, unbinds (no reset: this run's close times hold no FLR wait)")
    for alt in ("vfio-iommu-only", "uio_pci_generic", "vfio-type1"):
        for m, sva_does in (("open", "open() binds the address space"), ("close", sva_close)):
            group, inc = opens[alt]
            if m == "close" and resets:
                # Both sides reset against VFIO with a device fd; against the
                # others SVA's figure is the reset's wait.
                group = "fair" if alt == "vfio-type1" else "unequal"
            for variant, case in (("same-process", "same process"),
                                  ("new-process", "new process" + (" (its first open: PASID allocation included)"
                                                                   if m == "open" else ""))):
                add(group, "%s() vs %s" % (m, alt), case,
                    "uio_pci_sva %s; against %s" % (sva_does, inc),
                    ("open", m, "ratio-uio_pci_sva/%s" % alt, variant, "x"), -1,
                    "SVA/%s" % alt, variant == "same-process" or group == "fair")
    # steady: buffers reused, completion polled; not judged where the
    # polling spun out in more than a quarter of some run's operations
    # (the host's scheduling, not the paths; see the steady table).
    for p in figs.params("steady", "op", "ratio-vfio/sva"):
        key = ("steady", "op", "ratio-vfio/sva", p, "x")
        so = [figs.figs.get(("steady", "spin-out", v, p, "fraction")) for v in ("sva", "vfio-type1")]
        if any(f is not None and f.max is not None and f.max > 0.25 for f in so):
            known.add(key)
            continue
        add("fair", "steady-state polled operation vs VFIO type1 mapped once", p.replace("p", " pages"),
            "SVA: buffer prefaulted once, FILL at its virtual address, STATUS polled; VFIO: buffer "
            "mapped once (outside the loop), FILL at the IOVA, STATUS polled", key, +1, "VFIO/SVA", True)
    # irq: MSI-X against MSI-X is like with like; INTx paths are not.
    for v, name in IRQ_PATHS:
        group = "fair" if v == "vfio-msix-eventfd" else "unequal"
        for m in ("latency", "cycle"):
            inc = ("uio_pci_sva: MSI-X, woken in `read()` from UIO's threaded handler; %s%s"
                   % (name.replace("`", ""),
                      " (INTx: a line interrupt, unmasked in every cycle)" if "intx" in v else
                      ", signalled from the hard handler"))
            for cpu in ("same-cpu", "other-cpu"):
                add(group, "interrupt %s vs %s" % (m, name.replace("`", "")),
                    "interrupt on the %s" % cpu.replace("-", " ").replace("cpu", "CPU"),
                    inc, ("irq", m, "ratio-%s/uio_pci_sva-msix" % v, cpu, "x"), +1,
                    "%s/SVA" % v, m == "latency" and (group == "fair" or cpu == "same-cpu"))
    # fault: SVA against SVA.
    for pg, pname in (("4k", "4 KiB pages"), ("thp", "2 MiB THP")):
        for p in figs.params("fault", "ratio-first/prefaulted", pg):
            add("self", "first-touch DMA / prefaulted DMA, %s" % pname, p,
                "DMA into a buffer no page of which is present (every page by PRI) / the same DMA "
                "into memory the CPU wrote", ("fault", "ratio-first/prefaulted", pg, p, "x"), 0,
                "first-touch/prefaulted")
    # Anything else that is a ratio: by name.
    for key, f in figs.figs.items():
        sec, metric, variant, param, unit = key
        if key in known or not variant.startswith("ratio-"):
            continue
        add("other", "%s: %s %s" % (sec, metric, variant[len("ratio-"):]), param,
            "section `%s`, metric `%s`, variant `%s`" % (sec, metric, variant), key,
            _generic_sign(figs, sec, metric, variant), variant[len("ratio-"):])
    return out


RESET_US = 50000   # an FLR waits 100 ms; a close without one takes well under 1 ms


def sva_close_resets(figs):
    """Did this run's uio_pci_sva close() reset the function? Yes when its
    median close time (any block) reaches RESET_US."""
    for (s, m, v, _p, u), f in figs.figs.items():
        if s == "open" and m == "close" and v.startswith("uio_pci_sva") and u == "us" \
                and f.med is not None and f.med >= RESET_US:
            return True
    return False


def summary_counts(cmps, group):
    c = {"win": 0, "loss": 0, "tie": 0}
    for x in cmps:
        if x.group == group and x.kind() in c:
            c[x.kind()] += 1
    return c


# ---------------------------------------------------------------- host facts


def read_load_file(path):
    """run-bench.sh's samples, one line every 5 s: the 1-minute load
    average and, when measured, the CPUs that processes other than the
    benchmark's QEMU used since the last sample ("-": not measured).
    Returns ([load averages], [other CPUs])."""
    loads, others = [], []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if not fields:
                    continue
                loads.append(float(fields[0]))
                if len(fields) > 1 and fields[1] != "-":
                    others.append(float(fields[1]))
    except (OSError, ValueError):
        return [], []
    return loads, others


def first_float(s):
    try:
        return float(str(s).split()[0])
    except (ValueError, IndexError):
        return None


OTHER_MEAN = 0.5   # CPUs that other processes may use on average during a run
OTHER_PEAK = 1.0   # ... and in any 5 s sample


def disturbed_by_others(others):
    """The disturbance rule: what the host's other processes took. The
    guest's own QEMU keeps the load average near the vCPU count on a
    2-CPU host, so the load average cannot tell a quiet host from a busy
    one; the CPU time used by everything else can. others: CPUs used by
    processes other than the benchmark's QEMU, one value per 5 s sample.
    Returns (True/False/None, why); None = not measured."""
    if not others:
        return None, "not measured (no samples of the other processes' CPU use)"
    mean, peak = statistics.mean(others), max(others)
    what = ("processes other than the benchmark's QEMU used %.2f CPUs on average during the guest "
            "run (peak %.2f in a 5 s sample, %d samples)" % (mean, peak, len(others)))
    if mean > OTHER_MEAN or peak > OTHER_PEAK:
        return True, what + "; the limits are %.1f on average and %.1f at a peak" % (OTHER_MEAN, OTHER_PEAK)
    return False, what


def disturbed(cpus, during):
    """The former rule, for runs with load averages only. cpus: the host's
    CPU count; during: 1-minute load averages sampled during the guest run
    (the value at its end included). Returns (True/False/None, why)."""
    vals = [v for v in during if v is not None]
    if not cpus or not vals:
        return None, "not measured (no CPU count or no load samples)"
    peak = max(vals)
    over = sum(1 for v in vals if v > cpus)
    if over:
        return True, ("the host's 1-minute load average exceeded its %d CPUs during the guest run "
                      "(peak %.2f; %d of %d samples above %d)" % (cpus, peak, over, len(vals), cpus))
    return False, ("the host's 1-minute load average stayed at or below its %d CPUs during the "
                   "guest run (peak %.2f, %d samples)" % (cpus, peak, len(vals)))


CALIB_SLOW = 1.5   # calib.c's threshold: a loop this much slower than the fastest


def calib_entries(info):
    """The guest's calibration lines (calib.c): [(section, median µs,
    fastest µs so far, waits)], in order."""
    out = []
    for part in info.get("calib", "").split("; "):
        f = part.split()
        if len(f) == 4:
            try:
                out.append((f[0], float(f[1]), float(f[2]), int(f[3])))
            except ValueError:
                continue
    return out


def calib_slow(entries):
    """Sections whose calibration loop, after any waits, still took
    CALIB_SLOW times the fastest loop of the run: run on a busy host."""
    if not entries:
        return []
    fastest = min(min(e[1], e[2]) for e in entries)
    return [e[0] for e in entries if e[1] > CALIB_SLOW * fastest]


def calib_text(entries):
    if not entries:
        return "? (no calibration lines)"
    fastest = min(min(e[1], e[2]) for e in entries)
    parts = []
    for name, med, _f, waits in entries:
        t = "%s %s µs (%s×)" % (name, num(med), num(med / fastest))
        if waits:
            t += " after waiting %d × 2 s" % waits
        parts.append(t)
    return "; ".join(parts)


class Host:
    """What run-bench.sh measured on the host (strings as passed, "?" = not)."""

    def __init__(self, meta):
        self.meta = meta
        try:
            self.cpus = int(meta.host_cpus)
        except (TypeError, ValueError):
            self.cpus = None
        self.samples, self.others = read_load_file(meta.load_file)
        self.after1 = first_float(meta.load_after)
        if self.others:
            self.flag, self.why = disturbed_by_others(self.others)
        else:
            self.flag, self.why = disturbed(self.cpus, self.samples + ([self.after1] if self.after1 is not None else []))

    def cpu_text(self):
        m = self.meta
        return "%s CPUs (nproc), %s; Linux %s; clocksource %s" % (
            m.host_cpus, m.host_cpu_model, m.host_kernel, m.host_clocksource)

    def load_text(self):
        m, v = self.meta, self.samples
        during = ("%.2f / %.2f / %.2f (min / median / max of %d samples, every 5 s)"
                  % (min(v), statistics.median(v), max(v), len(v))) if v else "?"
        return "before the guest run: %s; during: %s; after: %s (1, 5, 15 min)" % (
            m.load_before, during, m.load_after)

    def pressure_text(self):
        m = self.meta
        try:
            us = float(m.cpu_pressure_after) - float(m.cpu_pressure_before)
            secs = float(m.guest_seconds)
        except (TypeError, ValueError):
            return "?"
        if secs <= 0:
            return "?"
        return ("%.1f%% of the guest run's %d s (some runnable task waited for a CPU; "
                "/proc/pressure/cpu \"some\")" % (100.0 * us / 1e6 / secs, secs))

    def disturbed_text(self):
        if self.flag is None:
            return "? (%s)" % self.why
        return ("**yes**: " if self.flag else "no: ") + self.why


# ---------------------------------------------------------------- results.md

# Optional descriptions of sections report.py has no layout for; a section
# missing here is still shown, by its name, in a generic table.
SECTION_NOTES = {}
LAID_OUT = ("setup", "fault", "irq", "open", "scale", "steady")


class Report:
    def __init__(self, figs, info, host):
        self.figs = figs
        self.info = info
        self.host = host
        self.disturbed = False
        self.out = []

    def fig(self, *a, **kw):
        return self.figs.fig(*a, **kw)

    def pooled(self, *a):
        return self.figs.pooled(*a)

    def params(self, *a, **kw):
        return self.figs.params(*a, **kw)

    def w(self, line=""):
        self.out.append(line)

    # ------------------------------------------------------------ sections

    def header(self, meta):
        i, h = self.info, self.host
        cal = calib_entries(i)
        slow = calib_slow(cal)
        self.w("# uio-pci-sva benchmark results")
        self.w()
        self.w("Generated by `make bench` (tools/bench/run-bench.sh%s); do not edit by hand."
               % (" --smoke" if meta.mode == "smoke" else ""))
        self.w()
        why = ([h.why] if h.flag else []) + (
            ["the guest's CPU calibration loop stayed %s× slower than its fastest before: %s"
             % (num(CALIB_SLOW), ", ".join(slow))] if slow else [])
        if why:
            self.disturbed = True
            self.w("**Disturbed run**: %s. The figures that cross QEMU threads (device faults, "
                   "scale, interrupts to the other CPU) are the first to move; compare with a run "
                   "on a quieter host." % "; ".join(why))
            self.w()
        self.w("| | |")
        self.w("| --- | --- |")
        for k, v in (("Date", meta.date),
                     ("Guest kernel", "%s (Debian %s)" % (i.get("kernel", "?"), meta.kernel_pkg)),
                     ("QEMU", meta.qemu_version),
                     ("Accelerator", meta.accel),
                     ("Host", h.cpu_text()),
                     ("Guest", "%s; THP `%s`" % (meta.guest, i.get("thp", "?"))),
                     ("Runs per figure", i.get("runs", "?")),
                     ("Guest clocksource", "%s (at the end: %s)" % (i.get("clocksource", "?"),
                                                                   i.get("clocksource-end", "?"))),
                     ("Source", meta.source),
                     ("Wall time", meta.wall),
                     ("Guest boots", meta.attempts),
                     ("Host load average", h.load_text()),
                     ("Host CPU pressure during the guest run", h.pressure_text()),
                     ("Disturbed (CPU time taken by the host's other processes)", h.disturbed_text()),
                     ("Guest CPU calibration before each section (calib.c: a fixed loop; × the "
                      "fastest; %s× or more marks the section disturbed)" % num(CALIB_SLOW),
                      calib_text(cal) + ("; **disturbed: %s**" % ", ".join(slow) if slow else ""))):
            self.w("| %s | %s |" % (k, v))
        self.w()
        self.w("Cells read `median [min–max]` over the runs. Every ratio is taken "
               "pair-wise in the same boot (the two paths run back to back, in "
               "alternating order, and the two test devices swap roles every "
               "other run), then summarised the same way. A ratio whose runs fall "
               "on both sides of 1 reads \"tie\": it is neither a win nor a loss. "
               "Under TCG the absolute times mean little; the ratios and growth "
               "curves are the result.")
        self.w()

    def setup(self):
        iommufd = self.info.get("iommufd", "n/a")
        for kind, title in (("fresh", "fresh buffers (never touched: every page is faulted in during setup)"),
                            ("fresh-prefault", "fresh buffers made present by `uiosva_prefault()` "
                             "before the DMA (SVA time includes it; in parentheses)"),
                            ("touched", "buffers the CPU already wrote (pages present)")):
            sizes = self.params("setup", kind, "sva")
            if not sizes:
                continue
            self.w("### Setup cost per buffer, first DMA included: %s" % title)
            self.w()
            self.w("SVA: FILL at the virtual address, nothing else. VFIO type1: "
                   "`VFIO_IOMMU_MAP_DMA` + untagged FILL at the IOVA + `VFIO_IOMMU_UNMAP_DMA`. "
                   "Times in µs; ratio = VFIO / SVA (above 1: SVA is cheaper).")
            self.w()
            self.w("| Buffer | SVA | SVA page requests | VFIO type1 | VFIO map / DMA / unmap (medians) | iommufd | Ratio VFIO/SVA |")
            self.w("| ---: | ---: | ---: | ---: | ---: | :---: | ---: |")
            for p in sizes:
                parts = [self.fig("setup", kind, v, p) for v in ("vfio-map", "vfio-dma", "vfio-unmap")]
                pf = self.fig("setup", kind, "sva-prefault", p)
                self.w("| %s | %s | %s | %s | %s | %s | %s |" % (
                    p, cell(self.fig("setup", kind, "sva", p)) + (" (%s)" % num(pf.med) if pf else ""),
                    num(self.fig("setup", kind, "sva-pri", p).med) if self.fig("setup", kind, "sva-pri", p) else "-",
                    cell(self.fig("setup", kind, "vfio-type1", p)),
                    " / ".join(num(f.med) if f else "-" for f in parts),
                    iommufd,
                    ratio_cell(self.fig("setup", kind, "ratio-vfio/sva", p))))
            self.w()

    def fault(self):
        if not self.params("fault"):
            return
        self.w("### Device page faults: first-touch DMA vs DMA into prefaulted memory")
        self.w()
        self.w("Per fault = (first-touch − prefaulted) / page requests (PRI); per 4 KiB = the same "
               "difference / (buffer / 4 KiB). Times in µs.")
        self.w()
        self.w("| Pages | Buffer | First-touch | Prefaulted | Page requests | ATS requests (first-touch) | Per fault | Per 4 KiB of buffer | First/prefaulted |")
        self.w("| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for pg, name in (("4k", "4 KiB (MADV_NOHUGEPAGE)"), ("thp", "2 MiB THP")):
            for p in self.params("fault", "first-touch", pg):
                pri = self.fig("fault", "first-touch-pri", pg, p)
                ats = self.fig("fault", "first-touch-ats", pg, p)
                self.w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    name, p, cell(self.fig("fault", "first-touch", pg, p)),
                    cell(self.fig("fault", "prefaulted", pg, p)),
                    num(pri.med) if pri else "-", num(ats.med) if ats else "-",
                    cell(self.fig("fault", "per-fault", pg, p)),
                    cell(self.fig("fault", "per-4k-page", pg, p)),
                    ratio_cell(self.fig("fault", "ratio-first/prefaulted", pg, p))))
        self.w()
        for pg, name in (("4k", "4 KiB pages"), ("thp", "THP")):
            ps = self.params("fault", "per-fault", pg)
            if len(ps) >= 2:
                a, b = self.fig("fault", "per-fault", pg, ps[0]), self.fig("fault", "per-fault", pg, ps[-1])
                if a and b and a.med:
                    self.w("Growth, %s: the cost per fault at %s is %s× the cost at %s "
                           "(1× = total fault time linear in the number of pages)." % (
                               name, ps[-1], num(b.med / a.med), ps[0]))
                    self.w()

    IRQ_PATHS = IRQ_PATHS

    def irq(self):
        if not self.params("irq"):
            return
        self.w("### Interrupt to user space (zero-length operation)")
        self.w()
        self.w("Latency: doorbell write to the return of `read()`. Cycle: latency plus what the "
               "path needs before the next interrupt (acknowledge in the device; for INTx the "
               "unmask: a config-space write for uio_pci_generic, `VFIO_DEVICE_SET_IRQS` for "
               "VFIO). The process runs on CPU 0. The emulated device completes a zero-length "
               "operation inside the doorbell write, so with the interrupt routed to CPU 0 "
               "(\"same CPU\") it is taken right after the doorbell and `read()` finds it "
               "counted; routed to CPU 1 (\"other CPU\") the reader sleeps in `read()` and is "
               "woken from there. Each run is the median of its iterations; µs. Ratio = path / "
               "uio_pci_sva of the same interleaved block (above 1: SVA's path is faster).")
        self.w()
        for cpu, cname in (("same-cpu", "same CPU"), ("other-cpu", "other CPU")):
            if not self.fig("irq", "latency", "ratio-vfio-msix-eventfd/uio_pci_sva-msix", cpu):
                continue
            self.w("| Path (interrupt on the %s) | Latency | Ratio to uio_pci_sva | Cycle | Ratio to uio_pci_sva |" % cname)
            self.w("| :--- | ---: | ---: | ---: | ---: |")
            self.w("| **uio_pci_sva, MSI-X, `read()`** (all blocks) | %s | 1× | %s | 1× |" % (
                cell(self.pooled("irq", "latency", "uio_pci_sva-msix(vs-", cpu)),
                cell(self.pooled("irq", "cycle", "uio_pci_sva-msix(vs-", cpu))))
            for v, name in self.IRQ_PATHS:
                r = "ratio-%s/uio_pci_sva-msix" % v
                self.w("| %s | %s | %s | %s | %s |" % (
                    name, cell(self.fig("irq", "latency", v, cpu)),
                    ratio_cell(self.fig("irq", "latency", r, cpu)),
                    cell(self.fig("irq", "cycle", v, cpu)),
                    ratio_cell(self.fig("irq", "cycle", r, cpu))))
            self.w()

    def open_(self):
        if not self.params("open"):
            return
        self.w("### The price of SVA per process: open() and close()")
        self.w()
        self.w("uio_pci_sva: `open()` binds the address space (`iommu_sva_bind_device`), `close()` "
               "clears bus mastering, waits for pending transactions, unbinds and (driver from e6b17b4 on) "
               "resets the function: %s. "
               "uio_pci_generic: plain `open()`/`close()` of its /dev/uioX. VFIO type1: container "
               "+ group + `VFIO_SET_IOMMU` + device fd, then close of all three (vfio-pci resets "
               "the function at device open and close: the FLR's 100 ms wait dominates); "
               "\"SET_IOMMU only\" leaves out the device fd, i.e. the IOMMU domain alone. "
               "\"new process\": every open is the first of a freshly forked process (PASID "
               "allocation included). µs; ratio = uio_pci_sva / other (above 1: SVA is slower)."
               % ("this run's close times include the FLR's wait" if sva_close_resets(self.figs)
                  else "not in this run (its close times hold no FLR wait)"))
        self.w()
        self.w("| Process | Compared with | uio_pci_sva open | other open | Ratio open | uio_pci_sva close | other close | Ratio close |")
        self.w("| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for variant, vname in (("same-process", "same process"), ("new-process", "new process")):
            for alt, aname in (("uio_pci_generic", "uio_pci_generic"),
                               ("vfio-type1", "VFIO type1 (device fd: FLR at open and close)"),
                               ("vfio-iommu-only", "VFIO type1, container + group + SET_IOMMU only")):
                sva = "uio_pci_sva(vs-%s)" % alt
                r = "ratio-uio_pci_sva/%s" % alt
                if not self.fig("open", "open", alt, variant):
                    continue
                self.w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    vname, aname,
                    cell(self.fig("open", "open", sva, variant)),
                    cell(self.fig("open", "open", alt, variant)),
                    ratio_cell(self.fig("open", "open", r, variant)),
                    cell(self.fig("open", "close", sva, variant)),
                    cell(self.fig("open", "close", alt, variant)),
                    ratio_cell(self.fig("open", "close", r, variant))))
        self.w()

    def scale(self):
        ns = self.params("scale", "ops-per-s", "aggregate")
        if not ns:
            return
        self.w("### Scale: N processes, one device and one PASID each")
        self.w()
        self.w("Each process binds its own device (all bind before any starts), then runs "
               "back-to-back 64 KiB FILLs of a buffer it wrote, waiting for each completion "
               "interrupt. Efficiency = aggregate(N) / (N × aggregate(1)) of the same run. "
               "The host has %s CPUs (header) and every DMA needs a guest vCPU and the device's own "
               "QEMU thread, so the aggregate saturates early: the table shows that N "
               "processes with N PASIDs work side by side (each DMA counted by its device), not how "
               "hardware would scale." % self.host.meta.host_cpus)
        self.w()
        self.w("| Processes | Aggregate DMA completions/s | Per process | Efficiency | Distinct PASIDs |")
        self.w("| ---: | ---: | ---: | ---: | ---: |")
        for p in ns:
            d = self.fig("scale", "pasids", "distinct", p)
            self.w("| %s | %s | %s | %s | %s |" % (
                p.replace("N=", ""), cell(self.fig("scale", "ops-per-s", "aggregate", p)),
                cell(self.fig("scale", "ops-per-s", "per-process", p)),
                cell(self.fig("scale", "efficiency", "aggregate", p), "×"),
                num(d.med) if d else "-"))
        self.w()

    def steady(self):
        sets = self.params("steady", "op", "sva")
        if not sets:
            return
        self.w("### Steady state: buffers reused, completion polled (the DPDK case)")
        self.w()
        self.w("SVA: buffers prefaulted once (`uiosva_prefault()`), the device given their virtual "
               "addresses with the PASID. VFIO type1: buffers mapped once, outside the timed loop. "
               "Per operation both write DST and the doorbell and poll STATUS (no interrupt); each "
               "FILLs 2 KiB at the next 4 KiB page of the working set. The test device's ATC holds "
               "64 pages: up to 64 every operation hits it, beyond it every one misses (ATS request "
               "to the IOMMU). Operation = median doorbell-to-done time (µs); ops/s over whole "
               "loops; ratio = VFIO / SVA per pair of loops (above 1: SVA is faster). Spin-outs: "
               "operations that outlasted the 60 µs spin and napped, mostly because the device's "
               "QEMU thread did not run while the polling vCPU spun (they shared a host CPU, "
               "often for whole loops, so one path can be hit and not the other); a working "
               "set where they exceed a quarter of one path's operations in some run measured "
               "the host's scheduling, not the paths, and is not judged below.")
        self.w()
        self.w("| Working set | SVA op (µs) | VFIO op (µs) | SVA ops/s | VFIO ops/s | Ratio VFIO/SVA "
               "| SVA ATS req. / ATC hits / page req. per op | Spin-outs SVA / VFIO |")
        self.w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for p in sets:
            tr = [self.fig("steady", "translation", v, p) for v in ("sva-ats", "sva-atc-hits", "sva-pri")]
            so = [self.fig("steady", "spin-out", v, p) for v in ("sva", "vfio-type1")]
            self.w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                p.replace("p", " pages"), cell(self.fig("steady", "op", "sva", p)),
                cell(self.fig("steady", "op", "vfio-type1", p)),
                cell(self.fig("steady", "ops", "sva", p)),
                cell(self.fig("steady", "ops", "vfio-type1", p)),
                ratio_cell(self.fig("steady", "op", "ratio-vfio/sva", p)),
                " / ".join(num(f.med) if f else "-" for f in tr),
                " / ".join("%.0f%%" % (100 * f.med) if f else "-" for f in so)))
        self.w()

    def generic(self):
        """Every figure no table above showed: new sections, new rows."""
        for sec in self.figs.sections():
            keys = [k for k in self.figs.figs if k[0] == sec and k not in self.figs.used]
            if not keys:
                continue
            if sec in LAID_OUT:
                self.w("### Further figures of `%s` (rows report.py has no layout for)" % sec)
            else:
                self.w("### Section `%s`" % sec)
            self.w()
            if sec in SECTION_NOTES:
                self.w(SECTION_NOTES[sec])
                self.w()
            self.w("Ratios (`ratio-A/B`, ×) read \"tie\" when their runs fall on both sides of 1.")
            self.w()
            self.w("| Metric | Variant | Param | Unit | Median [min–max] |")
            self.w("| :--- | :--- | :--- | :--- | ---: |")
            for k in keys:
                f = self.figs.figs[k]
                self.figs.used.add(k)
                c = ratio_cell(f) if k[2].startswith("ratio-") else cell(f)
                self.w("| %s | %s | %s | %s | %s |" % (k[1], k[2], k[3] or "-", k[4], c))
            self.w()

    # ------------------------------------------------------------ summary

    def verdicts(self):
        cmps = comparisons(self.figs)
        fair = summary_counts(cmps, "fair")
        self.w("### Where SVA wins and where it loses (this run)")
        self.w()
        self.w("Each line is a pair-wise ratio of this run, as SVA n× faster or slower (median "
               "[range over the runs]), or a tie when the runs fall on both sides of 1; "
               "each topic says what its ratio includes. The like-with-like comparisons come "
               "first (SVA wins %d, loses %d, ties %d of them)." % (fair["win"], fair["loss"], fair["tie"]))
        if self.disturbed:
            self.w()
            self.w("This run was disturbed (header): the ranges are wider than on a quiet host.")
        self.w()
        for g, title in GROUPS:
            mine = [c for c in cmps if c.group == g]
            if not mine:
                continue
            self.w("#### " + title)
            self.w()
            topic = None
            for c in mine:
                if (c.topic, c.includes) != topic:
                    topic = (c.topic, c.includes)
                    self.w("- %s. Includes: %s." % (c.topic, c.includes))
                self.w("  - %s**%s**" % (c.case + ": " if c.case else "", c.result()))
            self.w()

    def render(self, meta):
        self.header(meta)
        self.setup()
        self.fault()
        self.irq()
        self.open_()
        self.scale()
        self.steady()
        self.generic()
        self.verdicts()
        return "\n".join(self.out)


# ---------------------------------------------------------------- input, output


def parse(path):
    rows, info = [], OrderedDict()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split(",")
            if parts[0] == "BENCHINFO" and len(parts) >= 3:
                key, val = parts[1], ",".join(parts[2:])
                if key in info:
                    info[key] += "; " + val
                else:
                    info[key] = val
            elif parts[0] == "BENCHCSV" and len(parts) >= 9:
                sec, metric, variant, param, run, value, unit = parts[1:8]
                try:
                    rows.append((sec, metric, variant, param, int(run), float(value), unit))
                except ValueError:
                    continue
    return rows, info


def write_csv(path, figs):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["section", "metric", "variant", "param", "unit", "runs", "median", "min", "max"])
        for (sec, metric, variant, param, unit), fg in figs.figs.items():
            wr.writerow([sec, metric, variant, param, unit, fg.n,
                         "%.6g" % fg.med, "%.6g" % fg.min, "%.6g" % fg.max])


def write_raw_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["section", "metric", "variant", "param", "run", "value", "unit"])
        for r in rows:
            wr.writerow(list(r[:5]) + ["%.6g" % r[5], r[6]])


META = ("date", "qemu-version", "accel", "kernel-pkg", "guest", "wall", "mode",
        "load-file", "source", "attempts", "host-cpus", "host-cpu-model", "host-kernel",
        "host-clocksource", "load-before", "load-after", "cpu-pressure-before",
        "cpu-pressure-after", "guest-seconds")


def arg_parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--raw-csv", required=True)
    for opt in META:
        ap.add_argument("--" + opt, default="?")
    return ap


def render(rows, info, meta):
    """results.md's text for these rows."""
    return Report(Figs.from_rows(rows), info, Host(meta)).render(meta) + "\n"


def main(argv=None):
    meta = arg_parser().parse_args(argv)
    rows, info = parse(meta.raw)
    if not rows:
        sys.stderr.write("report.py: no BENCHCSV rows in %s\n" % meta.raw)
        return 1
    with open(meta.md, "w", encoding="utf-8") as f:
        f.write(render(rows, info, meta))
    write_csv(meta.csv, Figs.from_rows(rows))
    write_raw_csv(meta.raw_csv, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
