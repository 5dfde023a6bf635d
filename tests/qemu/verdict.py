# SPDX-License-Identifier: GPL-2.0
"""The verdict on one guest run, from what the run left behind: the console
lines, QEMU's stderr, QEMU's -d guest_errors log and QEMU's exit status.
No I/O here: run-guest.py feeds a live run, tests/qemu/selftest/ feeds
recorded or synthetic consoles.

A suite passes only when all of these hold:
  - the guest finished: "@@DONE rc=0" (rc != 0 fails, a missing @@DONE fails);
  - the guest's TAP has exactly one plan "1..N", before its first result;
  - results 1..N appear once each, in order, each with its number, none
    past the plan, and nothing but "#" comments (the totals) follows the
    last one;
  - no result is "not ok" (a "# TODO" directive does not excuse it) and none
    is "# XFAIL" (a known failure is still a failure);
  - every kernel log line of a report (WARNING, BUG, Oops, DMAR fault, ...)
    is covered by an expectation (@@EXPECT REGEX) in force when it arrives;
    a report counts once, and fails if any one of its lines is unexpected;
  - every required message (@@REQUIRE REGEX) appeared as a kernel line
    before its scope ended (@@EXPECT-CLEAR, or the end of the run);
  - QEMU wrote nothing to stderr and nothing to its guest_errors log that
    the suite did not declare (qemu_expect), every declared required
    QEMU log line (qemu_require) is there, and QEMU exited 0 after @@DONE.
"""

import re

MARKER = re.compile(r"@@(\||EXPECT-CLEAR|EXPECT|REQUIRE|QMP|DONE)(?: |$)(.*)")
CUT = re.compile(r"-+\[ cut here \]-+")
END = re.compile(r"---\[ end (trace|Kernel panic)|^\s*</TASK>")
DMAR = re.compile(r"DMAR: \[DMA|DMAR: DRHD: handling fault|DMAR: \[INTR-REMAP")
HIT = re.compile(
    r"WARNING:|BUG:|Oops|Call Trace|list_del corruption|list_add corruption|"
    r"refcount_t:|KASAN|UBSAN|lockdep(?! checking is enabled)|possible recursive locking|"
    r"circular locking|general protection fault|Kernel panic|"
    r"soft lockup|hard LOCKUP|blocked for more than \d+ seconds|"
    r"rcu_(?:sched|preempt) detected stalls|" + DMAR.pattern)
# kmemleak objects that /init copies into the log after the suite; one is a
# failure when its stack names our driver, UIO, SVA, I/O page faults or the
# PASID allocator.
KMEMLEAK = re.compile(r"^kmemleak-report(-end)?: ?(.*)")
KMEMLEAK_OURS = re.compile(r"uio_pci_generic_sva|\[uio\]|\buio_|iommu_sva|iopf|"
                           r"io_pgfault|pasid", re.I)
TAP_TEST = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(.*)$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
TAP_KEEP = re.compile(r"^\s*(?:ok\b|not ok\b|1\.\.\d|#|KTAP version|TAP version)")
TAP_TODO = re.compile(r"#\s*TODO\b", re.I)
TAP_XFAIL = re.compile(r"#\s*XFAIL\b", re.I)
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def desc(text):
    """A TAP description: no '#' (directive) and no newline."""
    return text.replace("#", "-").replace("\n", " ").strip()


def tap_failed(line):
    """A result line that is not a pass or a skip: "not ok" (also with
    "# TODO") and "ok ... # XFAIL"."""
    if re.match(r"not ok\b", line):
        return True
    return bool(re.match(r"ok\b", line) and TAP_XFAIL.search(line))


class Scanner:
    """Kernel log checks. Each matching line is judged when it arrives,
    against the expectations in force then; lines of one report (from
    "cut here" or its first matching line to "end trace" or the end of its
    stack trace) count once, as unexpected if any of them is. DMAR fault
    lines count one by one."""

    MAX_BLOCK = 200

    def __init__(self):
        self.expect = []                # compiled regexes
        self.require = []               # [regex, console line, met]
        self.block = None               # {"hits": [(text, lineno, ok)], "n": lines}
        self.findings = []              # (text, lineno) of unexpected reports
        self.expected = []              # (text, lineno) of expected ones
        self.unmet = []                 # (pattern, lineno) of missing requirements

    def add_expect(self, pattern):
        self.expect.append(re.compile(pattern))

    def add_require(self, pattern, lineno):
        rx = re.compile(pattern)
        self.require.append([rx, lineno, False])
        self.expect.append(rx)

    def clear_expect(self):
        """End of a scope: requirements not met so far fail."""
        self.close_block()
        for rx, lineno, met in self.require:
            if not met:
                self.unmet.append((rx.pattern, lineno))
        self.expect = []
        self.require = []

    def _is_expected(self, text):
        return any(e.search(text) for e in self.expect)

    def _judge(self, hits):
        if not hits:
            return
        bad = [(t, n) for t, n, ok in hits if not ok]
        if bad:
            self.findings.append(bad[0])
        else:
            self.expected.append(hits[0][:2])

    def close_block(self):
        if self.block is not None:
            self._judge(self.block["hits"])
            self.block = None

    def kernel_line(self, text, lineno):
        for req in self.require:
            if not req[2] and req[0].search(text):
                req[2] = True
        if CUT.search(text):
            self.close_block()
            self.block = {"hits": [], "n": 0}
            return
        if self.block is not None:
            self.block["n"] += 1
        if DMAR.search(text):
            self._judge([(text, lineno, self._is_expected(text))])
        elif HIT.search(text):
            if self.block is None:
                self.block = {"hits": [], "n": 0}
            self.block["hits"].append((text, lineno, self._is_expected(text)))
        if self.block is not None and (END.search(text) or self.block["n"] > self.MAX_BLOCK):
            self.close_block()

    def finish(self):
        self.clear_expect()


class Verdict:
    """Feed it the run (console_line, qemu_stderr, qemu_log), then call
    tap(): the KTAP lines and whether the suite failed."""

    def __init__(self, name, qemu_expect=(), qemu_require=()):
        self.name = name
        self.lineno = 0
        self.guest = []                 # payloads of "@@|" lines
        self.scanner = Scanner()
        self.done_rc = None
        self.runner_fail = []           # failures the runner adds
        self.runner_diag = []
        self.qemu_expect = [re.compile(p) for p in qemu_expect]
        self.qemu_require = [[re.compile(p), False] for p in qemu_require]
        self.qemu_errors = []           # unexpected QEMU stderr / log lines
        self.qemu_expected = 0
        self.leak = None                # lines of the kmemleak object being read

    # ---- input

    def console_line(self, raw, lineno=None):
        """One console line. Returns ("QMP", payload) when the runner must
        act on it, else None."""
        self.lineno = lineno if lineno is not None else self.lineno + 1
        text = TIMESTAMP.sub("", raw)
        km = KMEMLEAK.match(text)
        if km:
            self.kmemleak_line(km, self.lineno)
            return None
        m = MARKER.search(text)
        if not m:
            self.scanner.kernel_line(text, self.lineno)
            return None
        kind, payload = m.group(1), m.group(2)
        if kind == "|":
            self.guest.append(payload)
        elif kind in ("EXPECT", "REQUIRE"):
            try:
                if kind == "EXPECT":
                    self.scanner.add_expect(payload)
                else:
                    self.scanner.add_require(payload, self.lineno)
            except re.error as e:
                self.runner_fail.append("invalid @@%s regex %r: %s (console line %d)"
                                        % (kind, payload, e, self.lineno))
        elif kind == "EXPECT-CLEAR":
            self.scanner.clear_expect()
        elif kind == "QMP":
            return ("QMP", payload)
        elif kind == "DONE":
            mm = re.match(r"rc=(\d+)", payload)
            self.done_rc = int(mm.group(1)) if mm else -1
        return None

    def kmemleak_line(self, m, lineno):
        """One "kmemleak-report[-end]: TEXT" line of /init's leak report."""
        text = m.group(2)
        if m.group(1) or text.startswith("unreferenced object"):
            obj, self.leak = self.leak, None
            ours = [f.strip() for f in obj["frames"] if KMEMLEAK_OURS.search(f)] if obj else []
            if ours:
                self.runner_fail.append("kmemleak: %s, stack has %s (console line %d)"
                                        % (obj["lines"][0].rstrip(":"), ours[0], obj["lineno"]))
                self.runner_diag += ["kmemleak: " + x for x in obj["lines"]]
            if m.group(1):
                self.runner_diag.append("kmemleak: " + text)
            else:
                self.leak = {"lines": [text], "lineno": lineno, "frames": None}
        elif self.leak is not None:
            self.leak["lines"].append(text)
            if self.leak["frames"] is not None:
                self.leak["frames"].append(text)
            elif text.strip().startswith("backtrace"):
                self.leak["frames"] = []

    def _qemu_line(self, where, line):
        line = line.rstrip()
        if not line:
            return
        required = False
        for req in self.qemu_require:
            if req[0].search(line):
                req[1] = required = True
        if required or any(e.search(line) for e in self.qemu_expect):
            self.qemu_expected += 1
        else:
            self.qemu_errors.append("%s: %s" % (where, line))

    def qemu_stderr(self, line):
        self._qemu_line("QEMU stderr", line)

    def qemu_log(self, text):
        """The whole -d guest_errors log (-D FILE)."""
        for line in text.splitlines():
            self._qemu_line("QEMU guest_errors log", line)

    # ---- the guest's TAP

    def _guest_tap(self):
        """Parse the guest's lines. Returns (body, plan, results, problems)."""
        body, problems = [], []
        plans, results = [], []         # plan values; (number or None, line)
        after_last = []                 # non-comment lines after a result
        skip_all = None
        for line in self.guest:
            s = line.rstrip()
            if s.startswith("KTAP version") or s.startswith("TAP version"):
                continue
            pm = TAP_PLAN.match(s)
            if pm:
                plans.append(int(pm.group(1)))
                if results:
                    after_last.append(s)
                if len(plans) == 1 and int(pm.group(1)) == 0:
                    skip_all = pm.group(2) or "no tests"
                continue
            tm = TAP_TEST.match(s)
            if tm:
                after_last = []
                results.append((int(tm.group(2)) if tm.group(2) else None, s))
                body.append(s)
            elif TAP_KEEP.match(s):
                body.append(s)
            elif s:
                body.append("# | " + s)
                if results:
                    after_last.append(s)
        plan = plans[0] if plans else None
        if skip_all is not None and not results and len(plans) == 1:
            skip = re.sub(r"^SKIP\s*", "", skip_all, flags=re.I)
            body.append("ok 1 %s # SKIP %s" % (desc(self.name), desc(skip)))
            return body, 1, [(1, body[-1])], problems
        if plan is None:
            problems.append("the guest printed no TAP" if not results
                            else "the guest printed no plan (1..N)")
        elif len(plans) > 1:
            problems.append("the guest printed %d plans (%s), not one"
                            % (len(plans), ", ".join("1..%d" % p for p in plans)))
        nums = [n for n, _ in results]
        unnumbered = sum(1 for n in nums if n is None)
        if unnumbered:
            problems.append("%d result(s) without a test number" % unnumbered)
        seen = {}
        for n in nums:
            if n is not None:
                seen[n] = seen.get(n, 0) + 1
        dups = sorted(n for n, k in seen.items() if k > 1)
        if dups:
            problems.append("test number(s) reported more than once: %s"
                            % " ".join(map(str, dups)))
        if plan is not None:
            past = sorted(n for n in seen if n > plan or n < 1)
            if past:
                problems.append("result(s) outside the plan 1..%d: %s"
                                % (plan, " ".join(map(str, past))))
            missing = [n for n in range(1, plan + 1) if n not in seen]
            if missing:
                problems.append("%d of %d planned tests did not report (first missing: %d)"
                                % (len(missing), plan, missing[0]))
        numbered = [n for n in nums if n is not None]
        if not dups and numbered != sorted(numbered):
            problems.append("results out of order: %s"
                            % " ".join(map(str, numbered[:40])))
        if after_last:
            problems.append("output after the last result: %s" % after_last[0])
        return body, plan, results, problems

    # ---- output

    def tap(self, qemu_rc=0, timed_out=False, boot_timed_out=False,
            timeout=None, boot_timeout=None, stalled=None):
        """KTAP lines (the guest's, then the runner's) and failed (bool)."""
        name = self.name
        self.scanner.finish()
        body, plan, results, problems = self._guest_tap()
        extra = ["%s: %s" % (name, p) for p in problems]
        if timed_out and stalled:
            extra.append("%s: the guest printed nothing for %s s (%s; stalled, killed; "
                         "the vCPU state is in the console log as @@STALL lines)"
                         % (name, stalled, "before /init" if boot_timed_out else
                            "while the suite ran"))
        elif timed_out and boot_timed_out:
            extra.append("%s: the guest printed nothing from /init within %s s (killed)"
                         % (name, boot_timeout))
        elif timed_out:
            extra.append("%s: the guest did not finish within %s s (killed)" % (name, timeout))
        elif self.done_rc is None:
            extra.append("%s: the guest stopped before the suite finished (no @@DONE, qemu exit %s)"
                         % (name, qemu_rc))
        else:
            if self.done_rc != 0:
                extra.append("%s: the suite exited with status %d" % (name, self.done_rc))
            if qemu_rc != 0:
                extra.append("%s: QEMU exited with status %s after the guest finished"
                             % (name, qemu_rc))
        extra += self.runner_fail
        for text, lineno in self.scanner.findings:
            extra.append("%s: kernel log: %s (console line %d)" % (name, text.strip(), lineno))
        for pattern, lineno in self.scanner.unmet:
            extra.append("%s: required kernel message /%s/ did not appear (required at console line %d)"
                         % (name, pattern, lineno))
        for text in self.qemu_errors[:20]:
            extra.append("%s: %s" % (name, text))
        if len(self.qemu_errors) > 20:
            extra.append("%s: %d more QEMU error lines" % (name, len(self.qemu_errors) - 20))
        for rx, met in self.qemu_require:
            if not met:
                extra.append("%s: required QEMU log line /%s/ did not appear" % (name, rx.pattern))
        maxno = max([n for n, _ in results if n is not None] or [0])
        n = max(maxno, plan or 0, len(results))
        out = ["KTAP version 1", "1..%d" % (n + len(extra))] + body
        for i, text in enumerate(extra, n + 1):
            out.append("not ok %d %s" % (i, desc(text)))
        for text, lineno in self.scanner.expected:
            out.append("# expected kernel report (console line %d): %s" % (lineno, text.strip()))
        if self.qemu_expected:
            out.append("# %d expected QEMU log line(s)" % self.qemu_expected)
        out += ["# " + d for d in self.runner_diag]
        failed = bool(extra) or any(tap_failed(l) for l in body)
        return out, failed
