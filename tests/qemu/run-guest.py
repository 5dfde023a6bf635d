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
  --stall-timeout S seconds of console silence until the guest counts as
                    stalled and is killed (default 300; 0: never); on any
                    timeout the vCPU state goes into the log (@@STALL lines)
  --log FILE        where to write the console log (default: a temp file)
  --accel MODE      auto|kvm|tcg (default: $UIO_SVA_ACCEL, else auto: KVM
                    only if /dev/kvm really runs a guest, TCG otherwise)
  --iommu PROPS     the -device intel-iommu,... properties (default: the
                    scalable-mode/PASID/SVA set of LAB-NOTES section 3;
                    $UIO_SVA_IOMMU overrides); "none" for no vIOMMU
  --name NAME       suite name for the TAP lines the runner adds
  --qemu-expect RE  QEMU stderr / guest_errors lines matching RE are
                    expected (repeatable)
  --qemu-require RE such a line must appear (repeatable; implies expected)
  --verbose         copy the console to stderr as it arrives
  --interactive     a shell on this terminal instead of the suite (run it
                    with: sh /suites/NAME.sh), no checks
  QEMU-ARGS         appended to the QEMU command line, e.g.
                    -device uio-sva-testdev,id=dev0 (after "--")

The guest's /init forwards the suite's output into the kernel log as lines
"@@| TEXT"; the TAP is taken from those. Other guest requests on the console:
  @@EXPECT REGEX    kernel log lines matching REGEX (re.search) are expected
                    from here on and are not failures
  @@REQUIRE REGEX   like @@EXPECT, and a kernel line matching REGEX must
                    appear before the scope ends, else the suite fails
  @@EXPECT-CLEAR    end of the scope: drop all expectations, check the
                    requirements
  @@QMP JSON        execute the QMP command; the reply is logged as
                    "@@QMP-REPLY JSON" in the console log
  @@DONE rc=N       the suite finished with status N (then /init powers off)
Every kernel line matching WARNING:, BUG:, Oops, Call Trace, list_del
corruption, refcount_t:, KASAN, UBSAN, lockdep reports, general protection
fault, Kernel panic, soft lockup, hung tasks, RCU stalls or DMAR faults that
no expectation covers adds a failing test; a whole report (from "cut here"
or its first matching line to "end trace" or the end of its stack trace)
counts once, and is unexpected if any one of its matching lines is. DMAR
fault lines count one by one. QEMU runs with -d guest_errors; every line
of that log and of QEMU's stderr fails the suite unless --qemu-expect
covers it. The full rule set is in tests/qemu/verdict.py.

stdout: the TAP (KTAP version 1): the guest's lines, then the runner's.
Exit status: 0 if the suite passed (see tests/qemu/verdict.py), 1
otherwise, 2 on a usage error.
"""

import argparse
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdict import Verdict, desc  # noqa: E402

DEFAULT_IOMMU = ("intremap=on,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on,"
                 "x-flts=on,device-iotlb=on,svm=on")
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# panic the boot ("timer doesn't work through Interrupt-remapped IO-APIC").
# oops=panic with panic=-1 (and QEMU's -no-reboot): an Oops ends the guest at
# once instead of leaving it hung until the suite's timeout.
BASE_APPEND = ("console=ttyS0 intel_iommu=on,sm_on iommu.passthrough=0 oops=panic panic=-1 "
               "printk.devkmsg=on log_buf_len=4M no_timer_check")

def log(msg):
    sys.stderr.write("[run-guest] %s\n" % msg)
    sys.stderr.flush()


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


# --------------------------------------------------------------- runner

class Run:
    """One boot: the console log file, QMP, and the Verdict it feeds."""

    def __init__(self, args, log_path):
        self.args = args
        # Line-buffered: the log on disk is current while the guest runs.
        self.logf = open(log_path, "w", encoding="utf-8", errors="replace",
                         buffering=1)
        self.log_path = log_path
        self.lineno = 0
        self.tail = []
        self.boot_timed_out = False     # nothing from /init by --boot-timeout
        self.stalled = False            # console silent for --stall-timeout
        self.verdict = Verdict(args.name, args.qemu_expect or (), args.qemu_require or ())
        self.qmp = None
        self.console_lines = 0
        self.kvm_error = False

    @property
    def started(self):
        return bool(self.verdict.guest)

    @property
    def done_rc(self):
        return self.verdict.done_rc

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
        act = self.verdict.console_line(raw, lineno)
        if act and act[0] == "QMP":
            self.do_qmp(act[1], lineno)

    def dump_vcpus(self):
        """Into the log: what the vCPUs do when the guest has gone silent
        (for root-causing a stall; the verdict does not read it)."""
        if not self.qmp:
            return
        for cmd in ({"execute": "query-status"},
                    {"execute": "query-cpus-fast"},
                    {"execute": "human-monitor-command",
                     "arguments": {"command-line": "info registers -a"}},
                    {"execute": "human-monitor-command",
                     "arguments": {"command-line": "info lapic"}}):
            try:
                reply = self.qmp.execute(cmd, timeout=10)
            except (OSError, TimeoutError, ValueError) as e:
                reply = {"error": str(e)}
            ret = reply.get("return", reply)
            text = ret if isinstance(ret, str) else json.dumps(ret)
            for line in text.splitlines():
                self.write("@@STALL %s: %s" % (cmd.get("arguments", {}).get(
                    "command-line", cmd["execute"]), line))

    def do_qmp(self, payload, lineno):
        fail = self.verdict.runner_fail
        try:
            cmd = json.loads(payload)
            if not isinstance(cmd, dict) or "execute" not in cmd:
                raise ValueError("not a QMP command object")
        except ValueError as e:
            fail.append("bad @@QMP request at console line %d: %s" % (lineno, e))
            self.write("@@QMP-REPLY " + json.dumps({"error": {"desc": str(e)}}))
            return
        if not self.qmp:
            fail.append("@@QMP at console line %d: no QMP connection" % lineno)
            return
        try:
            reply = self.qmp.execute(cmd)
        except (OSError, TimeoutError, ValueError) as e:
            reply = {"error": {"class": "RunnerError", "desc": str(e)}}
        self.write("@@QMP-REPLY " + json.dumps(reply))
        for ev in self.qmp.events:
            self.write("@@QMP-EVENT " + json.dumps(ev))
        self.qmp.events = []


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


def build_cmd(args, accel, qmp_path, qemu_log=None):
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
    if qemu_log:
        cmd += ["-d", "guest_errors", "-D", qemu_log]
    if args.iommu != "none":
        cmd += ["-device", "intel-iommu," + args.iommu]
    return cmd + args.qemu_args


def boot(args, accel, log_path):
    """One boot. Returns (Run, qemu_rc, timed_out, early_kvm_failure)."""
    tmpdir = tempfile.mkdtemp(prefix="uio-sva-")
    qmp_path = os.path.join(tmpdir, "qmp.sock")
    qemu_log = os.path.join(tmpdir, "guest-errors.log")
    cmd = build_cmd(args, accel, qmp_path, qemu_log)
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
    last_output = t0
    open_streams = 2
    try:
        while open_streams:
            now = time.monotonic()
            if run.qmp is None and os.path.exists(qmp_path):
                try:
                    run.qmp = QMP(qmp_path)
                    sel.register(run.qmp, selectors.EVENT_READ, "qmp")
                except (OSError, TimeoutError, ValueError) as e:
                    run.verdict.runner_diag.append("QMP connection failed: %s" % e)
                    run.qmp = False
            if run.done_rc is not None and done_at is None:
                done_at = now
                run.verdict.runner_diag.append("suite done after %.1f s (accel %s)"
                                               % (now - t0, accel))
            limit = deadline if done_at is None else min(deadline, done_at + 30)
            if not run.started and not args.interactive:
                limit = min(limit, boot_deadline)
            if now >= limit:
                timed_out = done_at is None
                run.boot_timed_out = not run.started
                if timed_out:
                    run.dump_vcpus()
                break
            if (args.stall_timeout and done_at is None and not args.interactive and
                    now - last_output >= args.stall_timeout):
                timed_out = run.stalled = True
                run.boot_timed_out = not run.started
                run.dump_vcpus()
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
                if key.data == "out":
                    last_output = time.monotonic()
                while b"\n" in bufs[fd]:
                    raw, bufs[fd] = bufs[fd].split(b"\n", 1)
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    if key.data == "out":
                        run.console_line(line)
                    else:
                        run.write("[qemu-stderr] " + line)
                        run.verdict.qemu_stderr(line)
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
        try:
            with open(qemu_log, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            text = ""
        for line in text.splitlines():
            run.write("[qemu-guest-errors] " + line)
        run.verdict.qemu_log(text)
        shutil.rmtree(tmpdir, ignore_errors=True)
    rc = proc.returncode
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
    ap.add_argument("--stall-timeout", type=float, default=300,
                    help="seconds of console silence after which the guest counts as "
                    "stalled and is killed (default 300; 0: never)")
    ap.add_argument("--log")
    ap.add_argument("--accel", default=os.environ.get("UIO_SVA_ACCEL") or "auto",
                    choices=["auto", "kvm", "tcg"])
    ap.add_argument("--iommu", default=os.environ.get("UIO_SVA_IOMMU") or DEFAULT_IOMMU)
    ap.add_argument("--name", default="guest")
    ap.add_argument("--qemu-expect", action="append", metavar="REGEX")
    ap.add_argument("--qemu-require", action="append", metavar="REGEX")
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
    run.verdict.runner_diag.append("console log: %s" % os.path.abspath(log_path))
    run.logf.close()
    lines, failed = run.verdict.tap(qemu_rc=rc, timed_out=timed_out,
                                    boot_timed_out=run.boot_timed_out,
                                    stalled=run.stalled and args.stall_timeout,
                                    timeout=args.timeout, boot_timeout=args.boot_timeout)
    if timed_out or (failed and run.done_rc is None):
        sys.stderr.write("---- last %d console lines (%s) ----\n" % (len(run.tail), log_path))
        sys.stderr.write("\n".join(run.tail) + "\n----\n")
    print("\n".join(lines))
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
