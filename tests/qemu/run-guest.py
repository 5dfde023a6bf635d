#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot one QEMU test guest, collect its TAP, check its kernel log.

Usage:
  run-guest.py --kernel VMLINUZ --initrd INITRD [options] [-- QEMU-ARGS...]
  run-guest.py --probe-accel [--qemu PATH]     print "kvm" or "tcg"

Options:
  --append STR      added to the kernel command line (e.g. uio_sva.suite=smoke)
  --qemu PATH       qemu-system-x86_64 (default: $QEMU, else from PATH)
  -L DIR            firmware directory for QEMU (repeatable)
  --mem SIZE        guest memory (default 1G)      --smp N   vCPUs (default 2)
  --timeout S       seconds until the guest is killed (default 600)
  --boot-timeout S  seconds until /init must have printed (default 180)
  --log FILE        where to write the console log (default: a temp file)
  --accel MODE      auto|kvm|tcg (default: $UIO_SVA_ACCEL, else auto: KVM
                    only if /dev/kvm really runs a guest, TCG otherwise)
  --iommu PROPS     the -device intel-iommu,... properties (default: the
                    scalable-mode/PASID/SVA set of LAB-NOTES section 3;
                    $UIO_SVA_IOMMU overrides); "none" for no vIOMMU
  --name NAME       suite name for the TAP lines the runner adds
  --verbose         copy the console to stderr as it arrives
  --interactive     a shell on this terminal instead of the suite (run it
                    with: sh /suites/NAME.sh), no checks
  QEMU-ARGS         appended to the QEMU command line, e.g.
                    -device uio-sva-testdev,id=dev0 (after "--")

The guest's /init forwards the suite's output into the kernel log as lines
"@@| TEXT"; the TAP is taken from those. Other guest requests on the console:
  @@EXPECT REGEX    kernel log lines matching REGEX (re.search) are expected
                    from here on and are not failures
  @@EXPECT-CLEAR    drop all expectations
  @@QMP JSON        execute the QMP command; the reply is logged as
                    "@@QMP-REPLY JSON" in the console log
  @@DONE rc=N       the suite finished (then /init powers off)
Every kernel line matching WARNING:, BUG:, Oops, Call Trace, list_del
corruption, refcount_t:, KASAN, UBSAN, lockdep reports, general protection
fault, Kernel panic, soft lockup, hung tasks, RCU stalls or DMAR faults that
no expectation covers adds a failing test; a whole report (from "cut here"
or its first matching line to "end trace" or the end of its stack trace)
counts once and is expected if any of its matching lines is. DMAR fault
lines count one by one.

stdout: the TAP (KTAP version 1): the guest's lines, then the runner's.
Exit status: 0 if every test passed or was skipped, 1 otherwise, 2 on a
usage error.
"""

import argparse
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DEFAULT_IOMMU = ("intremap=on,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on,"
                 "x-flts=on,device-iotlb=on,svm=on")
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# panic the boot ("timer doesn't work through Interrupt-remapped IO-APIC").
BASE_APPEND = ("console=ttyS0 intel_iommu=on,sm_on iommu.passthrough=0 panic=-1 "
               "printk.devkmsg=on log_buf_len=4M no_timer_check")

MARKER = re.compile(r"@@(\||EXPECT-CLEAR|EXPECT|QMP|DONE)(?: |$)(.*)")
CUT = re.compile(r"-+\[ cut here \]-+")
END = re.compile(r"---\[ end (trace|Kernel panic)|^\s*</TASK>")
DMAR = re.compile(r"DMAR: \[DMA|DMAR: DRHD: handling fault|DMAR: \[INTR-REMAP")
HIT = re.compile(
    r"WARNING:|BUG:|Oops|Call Trace|list_del corruption|list_add corruption|"
    r"refcount_t:|KASAN|UBSAN|lockdep|possible recursive locking|"
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
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def log(msg):
    sys.stderr.write("[run-guest] %s\n" % msg)
    sys.stderr.flush()


def desc(text):
    """A TAP description: no '#' (directive) and no newline."""
    return text.replace("#", "-").replace("\n", " ").strip()


# ---------------------------------------------------------------- KVM probe

def _kvm_ioctl_probe():
    """Run 5 bytes of real-mode code in a bare KVM VM: the cheap test."""
    import ctypes
    import fcntl
    import mmap
    import struct
    kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    if fcntl.ioctl(kvm, 0xAE00) != 12:                 # KVM_GET_API_VERSION
        return False
    vm = fcntl.ioctl(kvm, 0xAE01, 0)                   # KVM_CREATE_VM
    mem = mmap.mmap(-1, 0x10000)
    code = bytes([0xb0, 0x42, 0xe6, 0x10, 0xf4])       # mov al,42h; out 10h,al; hlt
    mem[0xfff0:0xfff0 + len(code)] = code              # at the reset vector
    addr = ctypes.addressof(ctypes.c_char.from_buffer(mem))
    fcntl.ioctl(vm, 0x4020AE46,                        # KVM_SET_USER_MEMORY_REGION
                struct.pack("IIQQQ", 0, 0, 0xFFFF0000, 0x10000, addr))
    vcpu = fcntl.ioctl(vm, 0xAE41, 0)                  # KVM_CREATE_VCPU
    size = fcntl.ioctl(kvm, 0xAE04)                    # KVM_GET_VCPU_MMAP_SIZE
    run = mmap.mmap(vcpu, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    fcntl.ioctl(vcpu, 0xAE80)                          # KVM_RUN
    reason = struct.unpack_from("I", run, 8)[0]
    port = struct.unpack_from("H", run, 34)[0]
    return reason == 2 and port == 0x10                # KVM_EXIT_IO on port 0x10


def probe_accel(qemu):
    """'kvm' if KVM runs a guest here, else 'tcg'. Nested KVM often passes
    the ioctl test and still fails in QEMU, so QEMU itself gets 3 s too."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "tcg"
    try:
        ok = subprocess.run([sys.executable, os.path.abspath(__file__), "--kvm-ioctl-probe"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            timeout=10).returncode == 0
    except subprocess.TimeoutExpired:
        ok = False
    if not ok or not qemu:
        return "tcg"
    # No boot device: SeaBIOS keeps running. An exit within 3 s means KVM
    # does not work (e.g. "failed to set MSR", "KVM internal error").
    cmd = [qemu, "-accel", "kvm", "-M", "q35", "-cpu", "max,la57=off", "-m", "64",
           "-nodefaults", "-display", "none", "-no-reboot", "-serial", "none"]
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    except OSError:
        return "tcg"
    try:
        p.wait(timeout=3)
        return "tcg"
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return "kvm"


# ------------------------------------------------------------------ QMP

class QMP:
    def __init__(self, path, timeout=15):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.next_id = 1
        self._read_msg(timeout)                         # greeting
        self.execute({"execute": "qmp_capabilities"})

    def fileno(self):
        return self.sock.fileno()

    def _read_msg(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no QMP answer")
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("QMP socket closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line.decode("utf-8", "replace"))

    def execute(self, cmd, timeout=30):
        cmd = dict(cmd)
        cmd.setdefault("id", "uio-sva-%d" % self.next_id)
        self.next_id += 1
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        while True:
            msg = self._read_msg(timeout)
            if "event" in msg:
                self.events.append(msg)
                continue
            if msg.get("id") == cmd["id"] or "return" in msg or "error" in msg:
                return msg

    def poll_events(self):
        """Read what is there without blocking; return the events."""
        self.sock.setblocking(False)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.buf += data
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            pass
        self.sock.setblocking(True)
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            try:
                msg = json.loads(line.decode("utf-8", "replace"))
            except ValueError:
                continue
            if "event" in msg:
                self.events.append(msg)
        ev, self.events = self.events, []
        return ev

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# -------------------------------------------------------------- scanner

class Scanner:
    """Kernel log checks with expectations and report grouping."""

    MAX_BLOCK = 200

    def __init__(self):
        self.expect = []                # compiled regexes
        self.block = None               # {"hits": [(text, lineno)], "n": lines}
        self.findings = []              # (text, lineno) of unexpected reports
        self.expected = []              # (text, lineno) of expected ones

    def add_expect(self, pattern):
        self.expect.append(re.compile(pattern))

    def clear_expect(self):
        self.close_block()
        self.expect = []

    def _judge(self, hits):
        if not hits:
            return
        for text, _ in hits:
            if any(e.search(text) for e in self.expect):
                self.expected.append(hits[0])
                return
        self.findings.append(hits[0])

    def close_block(self):
        if self.block is not None:
            self._judge(self.block["hits"])
            self.block = None

    def kernel_line(self, text, lineno):
        if CUT.search(text):
            self.close_block()
            self.block = {"hits": [], "n": 0}
            return
        if self.block is not None:
            self.block["n"] += 1
        if DMAR.search(text):
            self._judge([(text, lineno)])       # one line, never folded
        elif HIT.search(text):
            if self.block is None:
                self.block = {"hits": [], "n": 0}
            self.block["hits"].append((text, lineno))
        if self.block is not None and (END.search(text) or self.block["n"] > self.MAX_BLOCK):
            self.close_block()


# --------------------------------------------------------------- runner

class Run:
    def __init__(self, args, log_path):
        self.args = args
        self.logf = open(log_path, "w", encoding="utf-8", errors="replace")
        self.log_path = log_path
        self.lineno = 0
        self.tail = []
        self.guest = []                 # payloads of "@@|" lines
        self.boot_timed_out = False     # nothing from /init by --boot-timeout
        self.runner_fail = []           # descriptions of failures the runner adds
        self.runner_diag = []
        self.scanner = Scanner()
        self.done_rc = None
        self.qmp = None
        self.console_lines = 0
        self.kvm_error = False
        self.leak = None                # lines of the kmemleak object being read

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

    def write(self, line):
        self.lineno += 1
        self.logf.write(line + "\n")
        self.tail.append(line)
        if len(self.tail) > 40:
            del self.tail[0]
        if self.args.verbose:
            sys.stderr.write(line + "\n")
        return self.lineno

    def console_line(self, raw):
        self.console_lines += 1
        lineno = self.write(raw)
        text = TIMESTAMP.sub("", raw)
        km = KMEMLEAK.match(text)
        if km:
            self.kmemleak_line(km, lineno)
            return
        m = MARKER.search(text)
        if not m:
            self.scanner.kernel_line(text, lineno)
            return
        kind, payload = m.group(1), m.group(2)
        if kind == "|":
            self.guest.append(payload)
        elif kind == "EXPECT":
            try:
                self.scanner.add_expect(payload)
            except re.error as e:
                self.runner_fail.append("invalid @@EXPECT regex %r: %s (console line %d)"
                                        % (payload, e, lineno))
        elif kind == "EXPECT-CLEAR":
            self.scanner.clear_expect()
        elif kind == "QMP":
            self.do_qmp(payload, lineno)
        elif kind == "DONE":
            mm = re.match(r"rc=(\d+)", payload)
            self.done_rc = int(mm.group(1)) if mm else -1

    def do_qmp(self, payload, lineno):
        try:
            cmd = json.loads(payload)
            if not isinstance(cmd, dict) or "execute" not in cmd:
                raise ValueError("not a QMP command object")
        except ValueError as e:
            self.runner_fail.append("bad @@QMP request at console line %d: %s" % (lineno, e))
            self.write("@@QMP-REPLY " + json.dumps({"error": {"desc": str(e)}}))
            return
        if self.qmp is None:
            self.runner_fail.append("@@QMP at console line %d: no QMP connection" % lineno)
            return
        try:
            reply = self.qmp.execute(cmd)
        except (OSError, TimeoutError, ValueError) as e:
            reply = {"error": {"class": "RunnerError", "desc": str(e)}}
        self.write("@@QMP-REPLY " + json.dumps(reply))
        for ev in self.qmp.events:
            self.write("@@QMP-EVENT " + json.dumps(ev))
        self.qmp.events = []

    # ---- TAP assembly

    def tap(self, name):
        out = ["KTAP version 1"]
        body = []
        plan = None
        skip_all = None
        results = 0
        maxno = 0
        for line in self.guest:
            s = line.rstrip()
            if s.startswith("KTAP version") or s.startswith("TAP version"):
                continue
            pm = TAP_PLAN.match(s)
            if pm and plan is None:
                plan = int(pm.group(1))
                if plan == 0:
                    skip_all = pm.group(2) or "no tests"
                continue
            tm = TAP_TEST.match(s)
            if tm:
                results += 1
                if tm.group(2):
                    maxno = max(maxno, int(tm.group(2)))
                body.append(s)
            elif TAP_KEEP.match(s):
                body.append(s)
            elif s:
                body.append("# | " + s)
        extra = []
        if skip_all is not None and results == 0:
            skip = re.sub(r"^SKIP\s*", "", skip_all, flags=re.I)
            body.append("ok 1 %s # SKIP %s" % (desc(name), desc(skip)))
            results, maxno, plan = 1, 1, 1
        if plan is None and results == 0:
            extra.append("%s: the guest printed no TAP" % name)
        elif plan is not None and results < plan:
            extra.append("%s: %d of %d planned tests did not report (the suite stopped early)"
                         % (name, plan - results, plan))
        extra += self.runner_fail
        for text, lineno in self.scanner.findings:
            extra.append("%s: kernel log: %s (console line %d)" % (name, text.strip(), lineno))
        n = max(maxno, plan or 0, results)
        out.append("1..%d" % (n + len(extra)))
        out += body
        for i, text in enumerate(extra, n + 1):
            out.append("not ok %d %s" % (i, desc(text)))
        for text, lineno in self.scanner.expected:
            out.append("# expected kernel report (console line %d): %s" % (lineno, text.strip()))
        out += ["# " + d for d in self.runner_diag]
        return out


def _die_with_parent():
    """In the QEMU child: get SIGKILL when the runner dies, so that no QEMU
    outlives a killed test run (PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def build_cmd(args, accel, qmp_path):
    append = BASE_APPEND
    if args.append:
        append += " " + args.append
    if args.interactive:
        append += " uio_sva.suite=shell"     # the last one counts in /init
    cmd = [args.qemu, "-accel", accel, "-M", "q35,kernel-irqchip=split",
           "-cpu", "max,la57=off", "-m", args.mem, "-smp", str(args.smp),
           "-nodefaults", "-display", "none", "-no-reboot",
           "-kernel", args.kernel, "-initrd", args.initrd, "-append", append]
    for d in args.L or []:
        cmd += ["-L", d]
    if args.interactive:
        cmd += ["-serial", "mon:stdio"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none",
                "-qmp", "unix:%s,server=on,wait=off" % qmp_path]
    if args.iommu != "none":
        cmd += ["-device", "intel-iommu," + args.iommu]
    return cmd + args.qemu_args


def boot(args, accel, log_path):
    """One boot. Returns (Run, qemu_rc, timed_out, early_kvm_failure)."""
    tmpdir = tempfile.mkdtemp(prefix="uio-sva-")
    qmp_path = os.path.join(tmpdir, "qmp.sock")
    cmd = build_cmd(args, accel, qmp_path)
    run = Run(args, log_path)
    run.write("@@RUNNER " + " ".join(cmd))
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_die_with_parent)
    sel = selectors.DefaultSelector()
    bufs = {proc.stdout.fileno(): b"", proc.stderr.fileno(): b""}
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    deadline = t0 + args.timeout
    boot_deadline = t0 + args.boot_timeout
    done_at = None
    timed_out = False
    open_streams = 2
    try:
        while open_streams:
            now = time.monotonic()
            if run.qmp is None and os.path.exists(qmp_path):
                try:
                    run.qmp = QMP(qmp_path)
                    sel.register(run.qmp, selectors.EVENT_READ, "qmp")
                except (OSError, TimeoutError, ValueError) as e:
                    run.runner_diag.append("QMP connection failed: %s" % e)
                    run.qmp = False
            if run.done_rc is not None and done_at is None:
                done_at = now
                run.runner_diag.append("suite done after %.1f s (accel %s)" % (now - t0, accel))
            limit = deadline if done_at is None else min(deadline, done_at + 30)
            if not run.guest and not args.interactive:
                limit = min(limit, boot_deadline)
            if now >= limit:
                timed_out = done_at is None
                run.boot_timed_out = not run.guest
                break
            for key, _ in sel.select(timeout=min(0.5, limit - now)):
                if key.data == "qmp":
                    for ev in run.qmp.poll_events():
                        run.write("@@QMP-EVENT " + json.dumps(ev))
                    continue
                fd = key.fileobj.fileno()
                data = os.read(fd, 65536)
                if not data:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    if bufs[fd]:
                        data = b"\n"
                    else:
                        continue
                bufs[fd] += data
                while b"\n" in bufs[fd]:
                    raw, bufs[fd] = bufs[fd].split(b"\n", 1)
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    if key.data == "out":
                        run.console_line(line)
                    else:
                        run.write("[qemu-stderr] " + line)
                        if "KVM internal error" in line or "kvm_" in line:
                            run.kvm_error = True
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        if run.qmp:
            run.qmp.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
    rc = proc.returncode
    run.scanner.close_block()
    elapsed = time.monotonic() - t0
    # KVM that cannot run this guest (nested KVM here): QEMU dies before the
    # kernel prints anything, or reports a KVM internal error.
    early = (accel == "kvm" and run.done_rc is None and
             (run.console_lines == 0 or run.kvm_error))
    run.write("@@RUNNER qemu exit %s after %.1f s%s" % (rc, elapsed, " (timeout)" if timed_out else ""))
    return run, rc, timed_out, early


def main():
    ap = argparse.ArgumentParser(description="Boot one QEMU test guest and collect its TAP.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--append", default="")
    ap.add_argument("--qemu", default=os.environ.get("QEMU") or shutil.which("qemu-system-x86_64"))
    ap.add_argument("-L", action="append", metavar="DIR")
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--boot-timeout", type=float, default=180,
                    help="seconds until /init must have printed (default 180)")
    ap.add_argument("--log")
    ap.add_argument("--accel", default=os.environ.get("UIO_SVA_ACCEL") or "auto",
                    choices=["auto", "kvm", "tcg"])
    ap.add_argument("--iommu", default=os.environ.get("UIO_SVA_IOMMU") or DEFAULT_IOMMU)
    ap.add_argument("--name", default="guest")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("--probe-accel", action="store_true")
    ap.add_argument("--kvm-ioctl-probe", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("qemu_args", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if args.qemu_args and args.qemu_args[0] == "--":
        args.qemu_args = args.qemu_args[1:]

    if args.kvm_ioctl_probe:
        try:
            sys.exit(0 if _kvm_ioctl_probe() else 1)
        except OSError:
            sys.exit(1)
    if args.probe_accel:
        print(probe_accel(args.qemu))
        return 0
    if not args.kernel or not args.initrd:
        ap.error("--kernel and --initrd are required")
    for f in (args.kernel, args.initrd):
        if not os.path.isfile(f):
            ap.error("no such file: %s" % f)
    if not args.qemu or not os.access(args.qemu, os.X_OK):
        print("KTAP version 1\n1..1\nnot ok 1 %s: no QEMU (--qemu or $QEMU; tests/qemu/build-qemu.sh builds it)"
              % desc(args.name))
        return 1

    # SIGTERM/SIGINT/SIGHUP end the run through the finally clauses, which
    # kill QEMU.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _terminate)
    accel = args.accel
    if accel == "auto":
        accel = probe_accel(args.qemu)
    if args.interactive:
        cmd = build_cmd(args, accel, None)
        return subprocess.call(cmd)

    log_path = args.log or tempfile.mkstemp(prefix="uio-sva-console-", suffix=".log")[1]
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
    run, rc, timed_out, early = boot(args, accel, log_path)
    if early and args.accel == "auto":
        log("KVM failed early (qemu exit %s); booting again with TCG" % rc)
        run.logf.close()
        accel = "tcg"
        run, rc, timed_out, early = boot(args, accel, log_path)
    run.runner_diag.append("console log: %s" % os.path.abspath(log_path))
    if timed_out and run.boot_timed_out:
        run.runner_fail.append("%s: the guest printed nothing from /init within %d s (killed)"
                               % (args.name, args.boot_timeout))
    elif timed_out:
        run.runner_fail.append("%s: the guest did not finish within %d s (killed)"
                               % (args.name, args.timeout))
    elif run.done_rc is None:
        run.runner_fail.append("%s: the guest stopped before the suite finished (qemu exit %s)"
                               % (args.name, rc))
    run.logf.close()
    lines = run.tap(args.name)
    failed = any(re.match(r"not ok\b", l) and not re.search(r"#\s*TODO", l, re.I) for l in lines)
    if timed_out or (failed and run.done_rc is None):
        sys.stderr.write("---- last %d console lines (%s) ----\n" % (len(run.tail), log_path))
        sys.stderr.write("\n".join(run.tail) + "\n----\n")
    print("\n".join(lines))
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
