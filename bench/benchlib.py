# SPDX-License-Identifier: MIT
"""What bench/run and bench/scaling share: running one npcheck command with a
timeout and a memory cap, and reading its wall time and peak RSS.

Wall time is time.monotonic around the child. Peak RSS comes from
`/usr/bin/time -v` (Debian package `time`) when it is installed: Linux
counts into a process's ru_maxrss the memory it had before exec, so a
child forked straight from this Python process would report at least the
runner's own ~20 MB; npcheck forked from the small `time` does not.
Without it, the rusage that os.wait4 returns is used (that floor
included). A command that runs past its timeout, or whose resident set
grows past the cap, is killed (its own process group, nothing else) and
reported as ">Ns" or ">N GiB" instead of blocking the run.
"""

import datetime
import hashlib
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIME_BIN = "/usr/bin/time"
UNKNOWN_SUBCOMMAND = re.compile(r"not expected|unknown|unrecognized|invalid (sub)?command|extras?", re.I)


def default_npcheck():
    for rel in ("build-release/npcheck", "build/npcheck"):
        path = os.path.join(ROOT, rel)
        if os.access(path, os.X_OK):
            return path
    return os.path.join(ROOT, "build-release/npcheck")


def file_digest(*paths, extra=""):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    h.update(extra.encode())
    return h.hexdigest()[:16]


def cached(path, digest, make):
    """Calls make(path) unless path exists with a stamp holding digest.
    Returns the seconds make took, or None when the file was reused."""
    stamp = path + ".stamp"
    if os.path.exists(path) and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read().strip() == digest:
                return None
    t0 = time.monotonic()
    make(path)
    elapsed = time.monotonic() - t0
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    return elapsed


def environment(npcheck):
    """One line about the measured binary and the machine, for the record."""
    commit = "unknown"
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        if dirty:
            commit += "+dirty"
    except (OSError, subprocess.CalledProcessError):
        pass
    return {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit,
            "npcheck": npcheck, "cpus": os.cpu_count(), "loadavg": os.getloadavg()}


def loadavg():
    return os.getloadavg()[0]


class Result:
    """status: ok, timeout, memory, n/a or err(N)."""

    def __init__(self, status, wall=None, rss_mb=None, stderr="", limit=None, cpu=None):
        self.status = status
        self.wall = wall
        self.cpu = cpu    # user + system seconds (npcheck loads and builds the matrix on 2 threads)
        self.rss_mb = rss_mb
        self.stderr = stderr
        self.limit = limit  # the timeout (s) or the memory cap (MB) that stopped it
        self.cpu_limit = False  # the timeout counted CPU seconds

    @property
    def ok(self):
        return self.status == "ok"

    def time_cell(self):
        if self.status == "ok":
            return f"{self.wall:.2f}s"
        if self.status == "timeout":
            return f">{self.limit:g}s" + (" cpu" if self.cpu_limit else "")
        if self.status == "memory":
            return f">{self.limit / 1024:g}GiB@{self.wall:.0f}s"
        return self.status

    def cell(self, cpu=False):
        if self.status == "ok":
            if cpu:
                return f"{self.wall:.2f}s/{self.cpu:.2f}c/{self.rss_mb:.0f}MB"
            return f"{self.wall:.2f}s/{self.rss_mb:.0f}MB"
        return self.time_cell()

    def lower_bound(self, cpu=False):
        """Seconds this command took at least: its wall (or CPU) time, up
        to the moment it was stopped if it was."""
        if self.status in ("ok", "timeout", "memory"):
            return self.cpu if cpu else self.wall
        return None

    def as_dict(self):
        return {"status": self.status, "wall_s": self.wall, "cpu_s": self.cpu, "peak_rss_mb": self.rss_mb,
                "limit": self.limit}


def _rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _cpu_s(pid):
    """User + system seconds of pid so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        return []


def _group_cpu_s(pid):
    return _cpu_s(pid) + sum(_cpu_s(c) for c in _children(pid))


def _group_rss_kb(pid):
    """RSS of pid and its children (npcheck under /usr/bin/time)."""
    return _rss_kb(pid) + sum(_rss_kb(c) for c in _children(pid))


def peak_rss_source():
    return "/usr/bin/time -v" if os.access(TIME_BIN, os.X_OK) else "wait4 rusage (includes ~20 MB of the runner)"


def measure(cmd, ok_codes=(0,), timeout=None, max_rss_mb=None, cpu_timeout=False):
    """Runs cmd (stdout to /dev/null) and returns a Result. With
    cpu_timeout the timeout counts the command's CPU seconds (user +
    system) rather than wall seconds, so that other work on the machine
    does not stop it early; wall time is then capped at 10x the timeout."""
    use_time = os.access(TIME_BIN, os.X_OK)
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".time") as tf:
        full = [TIME_BIN, "-v", "-o", tf.name] + cmd if use_time else cmd
        t0 = time.monotonic()
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        stopped = {}
        lock = threading.Lock()
        done = threading.Event()

        def watch():
            while not done.wait(0.1):
                why = None
                if timeout is not None and (time.monotonic() - t0 > (10 * timeout if cpu_timeout else timeout)
                                            or cpu_timeout and _group_cpu_s(proc.pid) > timeout):
                    why = "timeout"
                elif max_rss_mb is not None and _group_rss_kb(proc.pid) > max_rss_mb * 1024:
                    why = "memory"
                if why:
                    with lock:
                        if not done.is_set():
                            stopped["why"] = why
                            stopped["cpu"] = _group_cpu_s(proc.pid)
                            try:
                                os.killpg(proc.pid, signal.SIGKILL)
                            except ProcessLookupError:
                                pass
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        with lock:
            done.set()
        watcher.join()
        rc = os.waitstatus_to_exitcode(status)
        rss_kb = usage.ru_maxrss  # kilobytes on Linux
        cpu = usage.ru_utime + usage.ru_stime
        err.seek(0)
        stderr = err.read(64 * 1024).decode("utf-8", "replace")
        if use_time and not stopped:
            text = open(tf.name, encoding="utf-8", errors="replace").read()
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            if m:
                rss_kb = int(m.group(1))
            m = re.search(r"User time \(seconds\): ([\d.]+)\s+System time \(seconds\): ([\d.]+)", text)
            if m:
                cpu = float(m.group(1)) + float(m.group(2))
            m = re.search(r"Exit status: (\d+)", text)
            if m:
                rc = int(m.group(1))
            elif "Command terminated by signal" in text:
                rc = -1
    if stopped.get("why") == "timeout":
        r = Result("timeout", wall, stderr=stderr, limit=timeout, cpu=stopped["cpu"])
        r.cpu_limit = cpu_timeout
        return r
    if stopped.get("why") == "memory":
        return Result("memory", wall, stderr=stderr, limit=max_rss_mb, cpu=stopped["cpu"])
    if rc == 2 and UNKNOWN_SUBCOMMAND.search(stderr) and len(cmd) > 1 and cmd[1] in stderr:
        return Result("n/a", stderr=stderr)
    if rc not in ok_codes:
        return Result(f"err({rc})", stderr=stderr)
    return Result("ok", wall, rss_kb / 1024.0, stderr, cpu=cpu)


def best_of(cmd, repeat, **kw):
    """The fastest of `repeat` runs (a slow run on a shared machine says
    more about the machine than about npcheck); stops at the first failure."""
    best = None
    for _ in range(max(1, repeat)):
        r = measure(cmd, **kw)
        if not r.ok:
            return r
        if best is None or r.wall < best.wall:
            best = r
    return best


def growth(prev, cur, cpu=False):
    """log2(t(2n)/t(n)) as text: '1.02', '>3.1' when cur was stopped."""
    base = prev.lower_bound(cpu) if prev is not None and prev.ok else None
    if not base or base <= 0:
        return ""
    t = cur.lower_bound(cpu)
    if t is None:
        return ""
    return f"{'' if cur.ok else '>'}{math.log2(max(t, 1e-3) / base):.2f}"


def print_table(header, rows, out=sys.stdout):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(fmt.format(*header), file=out)
    for r in rows:
        print(fmt.format(*[str(c) for c in r]), file=out)


def first_lines(text, n=5):
    return "\n    ".join(text.strip().splitlines()[:n])
