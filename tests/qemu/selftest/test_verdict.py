#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of the guest-run verdict (tests/qemu/verdict.py), fed
synthetic consoles: no QEMU, no guest. Python's unittest; prints TAP
("ok N - name") so that tests/unit/run-tests.sh can collect it.

Run: python3 tests/qemu/selftest/test_verdict.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from verdict import Verdict  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "unit"))
import tap_unittest  # noqa: E402


def guest(*lines):
    """Console lines as /init forwards the suite's output."""
    return ["[    1.000000] @@| " + l for l in lines]


def good_tap(n=3):
    return guest("KTAP version 1", "1..%d" % n,
                 *["ok %d case %d" % (i, i) for i in range(1, n + 1)],
                 "# Totals: pass:%d fail:0 xfail:0 xpass:0 skip:0 error:0" % n)


DONE0 = ["[    2.000000] @@DONE rc=0"]


def judge(console, qemu_rc=0, stderr=(), qemu_log="", expect=(), require=(), **kw):
    v = Verdict("selftest@7.2", qemu_expect=expect, qemu_require=require)
    for line in console:
        v.console_line(line)
    for line in stderr:
        v.qemu_stderr(line)
    v.qemu_log(qemu_log)
    return v.tap(qemu_rc=qemu_rc, **kw)


class VerdictTest(unittest.TestCase):
    def passes(self, *a, **kw):
        lines, failed = judge(*a, **kw)
        self.assertFalse(failed, "\n".join(lines))
        return lines

    def fails(self, why, *a, **kw):
        lines, failed = judge(*a, **kw)
        self.assertTrue(failed, "\n".join(lines))
        self.assertTrue(any(why in l for l in lines if l.startswith("not ok")),
                        "no 'not ok' line says %r:\n%s" % (why, "\n".join(lines)))
        return lines

    # -- the good run, and skip-all
    def test_good_run_passes(self):
        lines = self.passes(good_tap() + DONE0)
        self.assertIn("1..3", lines)

    def test_skip_all_passes(self):
        lines = self.passes(guest("1..0 # SKIP no device") + DONE0)
        self.assertTrue(any("# SKIP no device" in l for l in lines))

    # -- the guest's exit status and @@DONE
    def test_all_ok_then_rc1_fails(self):
        self.fails("exited with status 1", good_tap() + ["@@DONE rc=1"])

    def test_no_done_fails(self):
        self.fails("no @@DONE", good_tap())

    def test_timeout_fails(self):
        self.fails("did not finish within 60 s", good_tap(), timed_out=True, timeout=60)

    def test_stall_fails_and_says_so(self):
        self.fails("printed nothing for 300 s", good_tap()[:3], timed_out=True,
                   stalled=300, timeout=900)

    def test_stall_before_init_says_so(self):
        self.fails("before /init", [], timed_out=True, boot_timed_out=True,
                   stalled=300, timeout=900, boot_timeout=180)

    # -- the plan and the numbers
    def test_missing_plan_fails(self):
        self.fails("no plan", guest("KTAP version 1", "ok 1 a", "ok 2 b") + DONE0)

    def test_no_tap_fails(self):
        self.fails("printed no TAP", guest("hello") + DONE0)

    def test_two_plans_fail(self):
        self.fails("2 plans", guest("1..2", "ok 1 a", "ok 2 b", "1..2") + DONE0)

    def test_duplicate_number_fails(self):
        self.fails("more than once", guest("1..3", "ok 1 a", "ok 2 b", "ok 2 b", "ok 3 c") + DONE0)

    def test_result_past_plan_fails(self):
        self.fails("outside the plan", guest("1..2", "ok 1 a", "ok 2 b", "ok 3 c") + DONE0)

    def test_out_of_order_fails(self):
        self.fails("out of order", guest("1..3", "ok 1 a", "ok 3 c", "ok 2 b") + DONE0)

    def test_missing_result_fails(self):
        self.fails("did not report", guest("1..3", "ok 1 a", "ok 2 b") + DONE0)

    def test_unnumbered_result_fails(self):
        self.fails("without a test number", guest("1..2", "ok 1 a", "ok b") + DONE0)

    def test_text_after_last_result_fails(self):
        self.fails("output after the last result",
                   guest("1..1", "ok 1 a", "Segmentation fault") + DONE0)

    def test_comments_after_last_result_pass(self):
        self.passes(guest("1..1", "ok 1 a", "# Totals: pass:1", "# bye") + DONE0)

    # -- result classes
    def test_not_ok_fails(self):
        lines, failed = judge(guest("1..2", "ok 1 a", "not ok 2 b") + DONE0)
        self.assertTrue(failed)

    def test_todo_is_not_a_pass(self):
        lines, failed = judge(guest("1..1", "not ok 1 a # TODO later") + DONE0)
        self.assertTrue(failed)

    def test_xfail_is_not_a_pass(self):
        lines, failed = judge(guest("1..1", "ok 1 a # XFAIL known") + DONE0)
        self.assertTrue(failed)

    def test_skip_passes(self):
        self.passes(guest("1..2", "ok 1 a", "ok 2 b # SKIP no tracer") + DONE0)

    # -- kernel reports
    def test_oops_after_last_ok_fails(self):
        self.fails("kernel log: BUG: kernel NULL pointer dereference",
                   good_tap() + ["[    1.5] BUG: kernel NULL pointer dereference, address: 0",
                                 "[    1.5] Oops: 0000 [#1] SMP"] + DONE0)

    def test_lockdep_boot_banner_passes(self):
        # printed at every boot of a PROVE_RCU kernel: not a report
        self.passes(["[    0.1] rcu: \tRCU lockdep checking is enabled."] + good_tap() + DONE0)

    def test_lockdep_report_fails(self):
        self.fails("kernel log: INFO: lockdep is turned off",
                   good_tap() + ["[    1.5] INFO: lockdep is turned off."] + DONE0)

    def test_warning_report_counts_once(self):
        lines = self.fails("kernel log: WARNING:",
                           good_tap() + ["------------[ cut here ]------------",
                                         "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2",
                                         "Call Trace:", " <TASK>", " f+0x1/0x2", " </TASK>",
                                         "---[ end trace 0000000000000000 ]---"] + DONE0)
        self.assertEqual(sum("kernel log" in l for l in lines), 1)

    def test_expected_line_passes(self):
        self.passes(good_tap() + ["@@EXPECT DMAR: DRHD: handling fault",
                                  "DMAR: DRHD: handling fault status reg 2",
                                  "@@EXPECT-CLEAR"] + DONE0)

    def test_expectation_ends_at_clear(self):
        self.fails("kernel log: DMAR",
                   good_tap() + ["@@EXPECT DMAR: DRHD: handling fault", "@@EXPECT-CLEAR",
                                 "DMAR: DRHD: handling fault status reg 2"] + DONE0)

    def test_expected_per_line_not_per_report(self):
        # One expected line must not make the rest of the report expected.
        self.fails("kernel log: Call Trace",
                   good_tap() + ["@@EXPECT WARNING: CPU: 0 PID: 1 at x.c:1",
                                 "------------[ cut here ]------------",
                                 "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2",
                                 "Call Trace:", " </TASK>",
                                 "---[ end trace 0000000000000000 ]---",
                                 "@@EXPECT-CLEAR"] + DONE0)

    def test_whole_report_expected_passes(self):
        self.passes(good_tap() + ["@@EXPECT WARNING: CPU: 0 PID: 1 at x.c:1",
                                  "@@EXPECT Call Trace",
                                  "------------[ cut here ]------------",
                                  "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2",
                                  "Call Trace:", " </TASK>",
                                  "---[ end trace 0000000000000000 ]---",
                                  "@@EXPECT-CLEAR"] + DONE0)

    # -- required messages
    def test_required_message_present_passes(self):
        self.passes(good_tap() + ["@@REQUIRE DMAR: \\[DMA Write NO_PASID\\]",
                                  "DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault",
                                  "@@EXPECT-CLEAR"] + DONE0)

    def test_required_message_missing_fails(self):
        self.fails("required kernel message",
                   good_tap() + ["@@REQUIRE DMAR: \\[DMA Write", "@@EXPECT-CLEAR"] + DONE0)

    def test_required_message_after_scope_fails(self):
        self.fails("required kernel message",
                   good_tap() + ["@@REQUIRE DMAR: \\[DMA Write", "@@EXPECT-CLEAR",
                                 "DMAR: [DMA Write NO_PASID] Request device"] + DONE0)

    def test_required_message_missing_at_end_fails(self):
        self.fails("required kernel message", good_tap() + ["@@REQUIRE xyz"] + DONE0)

    def test_required_not_met_by_guest_output(self):
        # The suite's own relayed text is not a kernel line.
        self.fails("required kernel message",
                   good_tap() + ["@@REQUIRE no ATS capability"] +
                   guest("# device has no ATS capability") + ["@@EXPECT-CLEAR"] + DONE0)

    def test_bad_regex_fails(self):
        self.fails("invalid @@REQUIRE regex", good_tap() + ["@@REQUIRE (", "@@EXPECT-CLEAR"] + DONE0)

    # -- QEMU
    def test_qemu_nonzero_exit_fails(self):
        self.fails("QEMU exited with status 1", good_tap() + DONE0, qemu_rc=1)

    def test_qemu_stderr_fails(self):
        self.fails("QEMU stderr: qemu-system-x86_64: oops",
                   good_tap() + DONE0, stderr=["qemu-system-x86_64: oops"])

    def test_unexpected_guest_error_fails(self):
        self.fails("guest_errors log: uio-sva-testdev: DOORBELL while busy",
                   good_tap() + DONE0, qemu_log="uio-sva-testdev: DOORBELL while busy\n")

    def test_expected_guest_error_passes(self):
        self.passes(good_tap() + DONE0, qemu_log="uio-sva-testdev: operation refused, error 5\n",
                    expect=["operation refused, error 5"])

    def test_expected_guest_error_is_per_line(self):
        self.fails("DOORBELL while busy", good_tap() + DONE0,
                   qemu_log="uio-sva-testdev: operation refused, error 5\n"
                            "uio-sva-testdev: DOORBELL while busy\n",
                   expect=["operation refused"])

    def test_required_guest_error_present_passes(self):
        self.passes(good_tap() + DONE0, qemu_log="uio-sva-testdev: page request for 0x1000 not sent (-22)\n",
                    require=[r"^uio-sva-testdev: page request for 0x[0-9a-f]+ not sent \(-22\)$"])

    def test_required_guest_error_missing_fails(self):
        self.fails("required QEMU log line", good_tap() + DONE0,
                   require=["operation refused"])


HERE = os.path.dirname(os.path.abspath(__file__))


class KtestCaseTest(unittest.TestCase):
    """ktest_case() of tests/qemu/guest/ktest.h: one case's crash or hang
    fails that case only."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ktest-case-")
        exe = os.path.join(cls.tmp, "demo")
        subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2",
                        "-I" + os.path.join(HERE, "..", "guest"), "-o", exe,
                        os.path.join(HERE, "ktest_case_demo.c")], check=True)
        with tempfile.TemporaryFile() as out:
            # A file, not a pipe: the demo's lingering grandchild keeps a
            # pipe open for 20 s after the demo exits.
            p = subprocess.run([exe], stdout=out, timeout=60)
            out.seek(0)
            text = out.read().decode()
        cls.rc, cls.out = p.returncode, text.splitlines()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def results(self):
        return [l for l in self.out if l.startswith(("ok ", "not ok "))]

    def test_numbers_in_order(self):
        self.assertEqual([int(l.split()[2 if l.startswith("not") else 1])
                          for l in self.results()], list(range(1, 10)), "\n".join(self.out))

    def test_each_outcome(self):
        r = self.results()
        self.assertTrue(r[0].startswith("ok 1 passes"), r)
        self.assertTrue(r[1].startswith("not ok 2 fails"), r)
        self.assertIn("crash: killed by signal 11", r[2])
        self.assertIn("hang: timed out after 1 s", r[3])
        self.assertIn("silent: reported no result", r[4])
        self.assertTrue(r[5].startswith("ok 6 first of two") and
                        r[6].startswith("ok 7 second of two"), r)
        # The case ended; its grandchild still holds the pipe: not a hang.
        self.assertTrue(r[7].startswith("ok 8 leaves a grandchild behind"), r)
        # ... and the case's process group is killed when it ends.
        self.assertTrue(r[8].startswith("ok 9 the grandchild did not outlive"), r)

    def test_counter_and_totals(self):
        self.assertIn("# counter 2", self.out)
        self.assertIn("# Totals: pass:5 fail:4 xfail:0 xpass:0 skip:0 error:0", self.out)
        self.assertEqual(self.rc, 1)

    def test_verdict_of_its_console(self):
        lines, failed = judge(guest(*self.out) + ["@@DONE rc=%d" % self.rc])
        self.assertTrue(failed)


def main():
    return tap_unittest.run(VerdictTest, KtestCaseTest)


if __name__ == "__main__":
    sys.exit(main())
