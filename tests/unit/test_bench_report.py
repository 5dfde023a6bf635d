#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of the benchmark's report (tools/bench/report.py) and README
excerpt generator (tools/bench/readme-table.py), fed synthetic rows: no
QEMU, no guest. Python's unittest; prints TAP ("ok N - name") so that
tests/unit/run-tests.sh can collect it (through check-bench-report.sh).

Run: python3 tests/unit/test_bench_report.py
"""

import argparse
import importlib.util
import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "bench")
sys.path.insert(0, BENCH)
import report  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap_unittest  # noqa: E402

_spec = importlib.util.spec_from_file_location("readme_table", os.path.join(BENCH, "readme-table.py"))
readme_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_table)


def rows(sec, metric, variant, param, values, unit):
    return [(sec, metric, variant, param, i, v, unit) for i, v in enumerate(values)]


def synthetic():
    """A small run: two setup sizes (one a tie), open/close, a new section."""
    r = []
    r += rows("setup", "touched", "sva", "4K", [80, 90, 100], "us")
    r += rows("setup", "touched", "vfio-type1", "4K", [120, 70, 130], "us")
    r += rows("setup", "touched", "ratio-vfio/sva", "4K", [1.5, 0.78, 1.3], "x")      # tie
    r += rows("setup", "touched", "sva", "1M", [1000, 1010, 990], "us")
    r += rows("setup", "touched", "vfio-type1", "1M", [1500, 1400, 1600], "us")
    r += rows("setup", "touched", "ratio-vfio/sva", "1M", [1.5, 1.39, 1.62], "x")     # win
    r += rows("setup", "touched", "sva-hugetlb", "1M", [900, 910, 920], "us")       # new row
    r += rows("setup", "fresh", "ratio-vfio/sva", "1M", [0.2, 0.15, 0.25], "x")       # loss
    for alt, ratios in (("vfio-iommu-only", [1.7, 1.5, 1.9]), ("vfio-type1", [0.005, 0.004, 0.006])):
        r += rows("open", "open", "uio_pci_sva(vs-%s)" % alt, "same-process", [250, 260, 270], "us")
        r += rows("open", "open", alt, "same-process", [150, 105000, 160], "us")
        r += rows("open", "open", "ratio-uio_pci_sva/%s" % alt, "same-process", ratios, "x")
        r += rows("open", "close", "uio_pci_sva(vs-%s)" % alt, "same-process", [280, 290, 300], "us")
        r += rows("open", "close", "ratio-uio_pci_sva/%s" % alt, "same-process", ratios, "x")
    # A section report.py has no layout for, with a time ratio and a count.
    r += rows("newsec", "dma-64k", "sva", "", [50, 52, 51], "us")
    r += rows("newsec", "dma-64k", "vfio-type1", "", [40, 41, 42], "us")
    r += rows("newsec", "dma-64k", "ratio-vfio-type1/sva", "", [0.8, 0.79, 0.82], "x")
    r += rows("newsec", "invalidations", "sva", "", [3, 3, 3], "count")
    return r


def meta(**kw):
    m = argparse.Namespace(**{k.replace("-", "_"): "?" for k in report.META})
    m.mode = "full"
    for k, v in kw.items():
        setattr(m, k, v)
    return m


def render(r=None, info=None, **kw):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(kw.pop("load", [])) + "\n")
        load = f.name
    try:
        return report.render(synthetic() if r is None else r, info or {}, meta(load_file=load, **kw))
    finally:
        os.unlink(load)


def summary(md):
    return md[md.index("### Where SVA wins"):]


class TieRuleTest(unittest.TestCase):
    def cmp(self, values, sign=+1):
        return report.Cmp("fair", "t", "c", "i", report.Fig(values), sign, "A/B")

    def test_range_crossing_one_is_a_tie(self):
        self.assertEqual(self.cmp([1.5, 0.78, 1.3]).kind(), "tie")
        self.assertEqual(self.cmp([0.5, 1.01]).kind(), "tie")

    def test_a_run_at_exactly_one_is_a_tie(self):
        self.assertEqual(self.cmp([1.0, 1.2, 1.3]).kind(), "tie")

    def test_one_sided_ranges_win_or_lose_by_orientation(self):
        self.assertEqual(self.cmp([1.02, 1.04]).kind(), "win")
        self.assertEqual(self.cmp([0.5, 0.9]).kind(), "loss")
        self.assertEqual(self.cmp([1.02, 1.04], -1).kind(), "loss")
        self.assertEqual(self.cmp([0.5, 0.9], -1).kind(), "win")

    def test_tie_text_has_range_and_no_faster_or_slower(self):
        t = self.cmp([1.5, 0.78, 1.3]).result()
        self.assertTrue(t.startswith("tie: A/B = 1.30× [0.780–1.50]"), t)
        self.assertNotIn("faster", t)
        self.assertNotIn("slower", t)

    def test_loss_text_inverts_the_range(self):
        self.assertEqual(self.cmp([0.2, 0.25, 0.5]).result(), "SVA 4.00× slower [2.00–5.00]")
        self.assertEqual(self.cmp([2.0, 4.0, 5.0], -1).result(), "SVA 4.00× slower [2.00–5.00]")

    def test_ratio_cell_marks_ties(self):
        self.assertTrue(report.ratio_cell(report.Fig([0.9, 1.1])).startswith("tie: "))
        self.assertFalse(report.ratio_cell(report.Fig([1.1, 1.2])).startswith("tie"))


class ReportTest(unittest.TestCase):
    def test_tie_in_table_and_summary(self):
        md = render()
        self.assertIn("| 4K | 90.0 [80.0–100] | - | 120 [70.0–130] | - / - / - | n/a | tie: 1.30× [0.780–1.50] |", md)
        s = summary(md)
        self.assertIn("  - 4K: **tie: VFIO/SVA = 1.30× [0.780–1.50]", s)
        self.assertIn("  - 1M: **SVA 1.50× faster [1.39–1.62]**", s)
        self.assertIn("(SVA wins 1, loses 3, ties 1 of them)", s)

    def test_like_with_like_leads_and_flr_is_labelled(self):
        s = summary(render())
        fair = s.index("#### Like with like")
        flr = s.index("#### Dominated by vfio-pci's function reset")
        self.assertLess(fair, flr)
        self.assertLess(fair, s.index("open() vs vfio-type1"))
        self.assertGreater(s.index("open() vs vfio-type1"), flr)
        self.assertIn("not SVA's merit", s[flr:])
        self.assertLess(s.index("open() vs vfio-iommu-only"), flr)

    def test_sva_close_with_reset_moves_vfio_close_to_like_with_like(self):
        r = [x for x in synthetic() if not (x[1] == "close" and x[2].startswith("uio_pci_sva"))]
        r += rows("open", "close", "uio_pci_sva(vs-vfio-type1)", "same-process", [101000, 102000, 103000], "us")
        s = summary(render(r))
        fair, flr = s.index("#### Like with like"), s.index("#### Dominated by")
        self.assertTrue(fair < s.index("close() vs vfio-type1") < flr, s)
        self.assertIn("resets the function (FLR", s)

    def test_new_section_and_new_row_are_rendered_by_name(self):
        md = render()
        self.assertIn("### Section `newsec`", md)
        self.assertIn("| dma-64k | vfio-type1 | - | us | 41.0 [40.0–42.0] |", md)
        self.assertIn("| invalidations | sva | - | count | 3.00 [3.00–3.00] |", md)
        self.assertIn("### Further figures of `setup`", md)
        self.assertIn("| touched | sva-hugetlb | 1M | us | 910 [900–920] |", md)
        s = summary(md)
        other = s.index("#### Ratios report.py has no description for")
        self.assertIn("newsec: dma-64k vfio-type1/sva", s[other:])
        # a time ratio other/SVA below 1 on every run: SVA is slower
        self.assertIn("  - **SVA 1.25× slower [1.22–1.27]**", s[other:])

    def test_host_facts_are_printed_as_given(self):
        md = render(host_cpus="8", host_cpu_model="Some CPU", host_kernel="6.1.0-42-amd64",
                    host_clocksource="hpet", load_before="0.10 0.20 0.30",
                    load_after="1.00 0.90 0.80", load=["0.5", "1.5"],
                    cpu_pressure_before="1000000", cpu_pressure_after="3000000", guest_seconds="100")
        self.assertIn("| Host | 8 CPUs (nproc), Some CPU; Linux 6.1.0-42-amd64; clocksource hpet |", md)
        self.assertIn("before the guest run: 0.10 0.20 0.30", md)
        self.assertIn("after: 1.00 0.90 0.80", md)
        self.assertIn("2.0% of the guest run's 100 s", md)
        self.assertNotIn("2 host CPUs", md)
        self.assertNotIn("**Disturbed run**", md)
        self.assertIn("| no: the host's 1-minute load average stayed at or below its 8 CPUs", md)

    def test_load_above_cpus_marks_the_run_disturbed(self):
        md = render(host_cpus="2", load=["0.5", "2.5", "1.0"], load_after="1.5 1.0 0.5")
        self.assertIn("**Disturbed run**: the host's 1-minute load average exceeded its 2 CPUs", md)
        self.assertIn("(peak 2.50; 1 of 4 samples above 2)", md)
        self.assertIn("This run was disturbed", summary(md))

    def test_other_processes_rule(self):
        self.assertIs(report.disturbed_by_others([0.1, 0.6, 0.2])[0], False)
        self.assertIs(report.disturbed_by_others([0.6, 0.6])[0], True)    # mean above 0.5
        self.assertIs(report.disturbed_by_others([0.0, 1.1, 0.0])[0], True)  # one sample above 1
        self.assertIsNone(report.disturbed_by_others([])[0])

    def test_other_processes_decide_over_the_load_average(self):
        # A load of 3 on 2 CPUs is the guest's own QEMU: quiet if nothing else ran.
        md = render(host_cpus="2", load=["3.0 0.05", "3.2 0.10", "2.9 -"], load_after="3.0 2.0 1.0")
        self.assertIn("| no: processes other than the benchmark's QEMU used 0.08 CPUs on average", md)
        md = render(host_cpus="2", load=["1.0 0.9", "1.0 0.8"], load_after="1.0 1.0 1.0")
        self.assertIn("**Disturbed run**: processes other than the benchmark's QEMU used 0.85 CPUs", md)

    def test_disturbed_rule(self):
        self.assertIs(report.disturbed(2, [0.5, 2.0])[0], False)
        self.assertIs(report.disturbed(2, [0.5, 2.01])[0], True)
        self.assertIs(report.disturbed(4, [3.9, None])[0], False)
        self.assertIsNone(report.disturbed(None, [9.0])[0])
        self.assertIsNone(report.disturbed(2, [])[0])
        md = render(host_cpus="?", load=["9"])
        self.assertIn("| Disturbed (CPU time taken by the host's other processes) | ? (not measured", md)


class CalibTest(unittest.TestCase):
    def info(self, *lines):
        """BENCHINFO,calib lines as report.parse() joins them."""
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("BENCHCSV,s,m,v,p,0,1,us,\n")
            f.write("".join("BENCHINFO,calib,%s\n" % l for l in lines))
        try:
            return report.parse(f.name)[1]
        finally:
            os.unlink(f.name)

    def test_entries_and_the_slow_rule(self):
        info = self.info("setup 5000.0 5000.0 0", "fault 7600.0 5000.0 5", "irq 7400.0 4900.0 1")
        e = report.calib_entries(info)
        self.assertEqual(e[1], ("fault", 7600.0, 5000.0, 5))
        # 1.5 × the fastest (4900) = 7350: fault and irq are slow
        self.assertEqual(report.calib_slow(e), ["fault", "irq"])
        self.assertEqual(report.calib_slow(e[:1]), [])
        self.assertEqual(report.calib_slow([]), [])

    def test_slow_section_marks_the_run_disturbed(self):
        md = render(info=self.info("setup 5000.0 5000.0 0", "open 9000.0 5000.0 5"),
                    host_cpus="4", load=["0.5"])
        self.assertIn("**Disturbed run**: the guest's CPU calibration loop stayed 1.50× slower "
                      "than its fastest before: open.", md)
        self.assertIn("open 9,000 µs (1.80×) after waiting 5 × 2 s; **disturbed: open**", md)
        self.assertIn("This run was disturbed", summary(md))

    def test_quiet_calibration_does_not(self):
        md = render(info=self.info("setup 5000.0 5000.0 0", "open 5500.0 5000.0 0"),
                    host_cpus="4", load=["0.5"])
        self.assertNotIn("Disturbed run", md)
        self.assertIn("setup 5,000 µs (1.00×); open 5,500 µs (1.10×) |", md)


class ReadmeTableTest(unittest.TestCase):
    README = "# x\n\nintro\n\n<!-- bench-table: begin -->\nold typed 1.85×\n<!-- bench-table: end -->\n\ntail\n"
    MD = ("# uio-pci-sva benchmark results\n\n| | |\n| --- | --- |\n| Date | 2026-12-06 17:00 UTC |\n"
          "| Guest kernel | 7.2.13+deb14-amd64 (Debian 7.2.13-1) |\n| QEMU | QEMU emulator version 10.2.2 |\n"
          "| Accelerator | tcg |\n| Runs per figure | 3 |\n\n### Setup\n")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bench-readme-")
        self.csv = os.path.join(self.dir, "results.csv")
        self.md = os.path.join(self.dir, "results.md")
        self.readme = os.path.join(self.dir, "README.md")
        report.write_csv(self.csv, report.Figs.from_rows(synthetic()))
        with open(self.md, "w", encoding="utf-8") as f:
            f.write(self.MD)
        with open(self.readme, "w", encoding="utf-8") as f:
            f.write(self.README)

    def tearDown(self):
        for n in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, n))
        os.rmdir(self.dir)

    def run_main(self, *extra):
        err = io.StringIO()
        with redirect_stderr(err):
            rc = readme_table.main(["--csv", self.csv, "--md", self.md, "--readme", self.readme] + list(extra))
        return rc, err.getvalue()

    def text(self):
        with open(self.readme, encoding="utf-8") as f:
            return f.read()

    def test_check_fails_on_a_stale_readme_then_passes_once_written(self):
        rc, err = self.run_main("--check")
        self.assertEqual(rc, 1)
        self.assertIn("old typed 1.85×", err)
        self.assertEqual(self.text(), self.README)        # --check writes nothing
        self.assertEqual(self.run_main()[0], 0)
        self.assertEqual(self.run_main("--check"), (0, ""))

    def test_block_has_the_tie_and_leads_with_like_with_like(self):
        self.run_main()
        t = self.text()
        self.assertTrue(t.startswith("# x\n\nintro\n\n<!-- bench-table: begin"), t)
        self.assertTrue(t.endswith("<!-- bench-table: end -->\n\ntail\n"), t)
        self.assertNotIn("old typed", t)
        self.assertIn("(guest Linux 7.2.13+deb14-amd64, QEMU 10.2.2 TCG, 3 runs per figure, 2026-12-06)", t)
        self.assertIn("| 4K | tie: VFIO/SVA = 1.30× [0.780–1.50] |", t)
        self.assertIn("| 1M | SVA 1.50× faster [1.39–1.62] |", t)
        self.assertLess(t.index("**Like with like**"), t.index("**Dominated by vfio-pci's function reset"))

    def test_no_markers_is_an_error(self):
        with open(self.readme, "w", encoding="utf-8") as f:
            f.write("# no markers\n")
        self.assertEqual(self.run_main("--check")[0], 2)
        self.assertEqual(self.run_main()[0], 2)

    def test_figures_from_csv_equal_those_from_rows(self):
        a = report.Figs.from_csv(self.csv).fig("setup", "touched", "ratio-vfio/sva", "4K")
        self.assertEqual((a.n, a.med, a.min, a.max), (3, 1.3, 0.78, 1.5))


def main():
    return tap_unittest.run(TieRuleTest, ReportTest, CalibTest, ReadmeTableTest)


if __name__ == "__main__":
    sys.exit(main())
