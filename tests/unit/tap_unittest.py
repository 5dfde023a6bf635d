# SPDX-License-Identifier: GPL-2.0
"""Run unittest test cases as TAP: "TAP version 13", the plan, then one
"ok N - name" / "not ok N - name" line per test (a failure's traceback as
"# " lines; a skip as "ok N - name # SKIP why"). Exit status 0 when every
test passed. Used by tests/unit/test_bench_report.py and
tests/qemu/selftest/test_verdict.py."""

import os
import sys
import unittest


class TapResult(unittest.TextTestResult):
    """unittest's result, also printed as TAP lines."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.n = 0

    def _tap(self, ok, test, why=""):
        self.n += 1
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, test._testMethodName, why))
        sys.stdout.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._tap(True, test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._tap(True, test, " # SKIP " + reason)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._tap(False, test)
        for l in self._exc_info_to_string(err, test).splitlines():
            print("# " + l)

    addError = addFailure


def run(*cases):
    """Run the TestCase classes @cases as one TAP stream; return 0 or 1."""
    load = unittest.defaultTestLoader.loadTestsFromTestCase
    suite = unittest.TestSuite([load(c) for c in cases])
    print("TAP version 13")
    print("1..%d" % suite.countTestCases())
    sys.stdout.flush()
    with open(os.devnull, "w") as null:
        res = unittest.TextTestRunner(stream=null, resultclass=TapResult).run(suite)
    return 0 if res.wasSuccessful() else 1
