"""What the bench/ scripts measure, the same way in each: a command's wall time and its
whole-process CPU seconds (every child it waited for included: ``RUSAGE_CHILDREN``), the
machine's load beside each figure (a shared machine's wall time says little alone), and the
floors they are compared with, measured in the same run between the same rounds.

This process is the subreaper of what it runs (Linux): a regrade's zygotes and their
sandboxed children can end after the worker that started them, and their CPU seconds are
counted too (about a tenth of a regrade's).

Floors: ``python -c pass`` (an interpreter), ``python -c "import numpy, sympy"`` (the import
floor: what any grading process pays at least once) and a fork of this warm process (what
each submission of a regrade pays at least once).
"""
from __future__ import annotations

import ctypes
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

PR_SET_CHILD_SUBREAPER = 36
if sys.platform.startswith("linux"):
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)

INTERPRETER = [sys.executable, "-c", "pass"]
IMPORT_FLOOR = [sys.executable, "-c", "import numpy, sympy"]


@dataclass(frozen=True)
class Sample:
    wall: float   # seconds
    cpu: float    # CPU seconds, user and system, children included
    load: float   # the machine's 1-minute load average when it ended


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], **options) -> Sample:
    """Run ``argv`` to its end (output discarded; a failure raises)."""
    cpu, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **options)
    wall = time.perf_counter() - started
    _reap_orphans()
    return Sample(wall, _cpu(resource.RUSAGE_CHILDREN) - cpu, os.getloadavg()[0])


def _reap_orphans(timeout: float = 30.0) -> None:
    """Wait for the processes the last command left (they were handed to this subreaper when
    their parents ended), so that their CPU seconds are counted.  It waits for every child of
    this process, up to ``timeout``: the bench scripts start none that outlives a command."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def run_watching(argv: list[str], **options) -> tuple[Sample, float]:
    """Run ``argv`` as :func:`run` does, and the highest peak resident memory (VmHWM) of its
    direct children (a regrade's workers), in MB, read every 0.1 s while it runs."""
    cpu, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               **options)
    peak = 0.0
    while True:
        peak = max([peak, *(_peak_mb(pid) for pid in _children(process.pid))])
        try:
            process.wait(timeout=0.1)   # returns as it ends: the wall time is not rounded up
            break
        except subprocess.TimeoutExpired:
            pass
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, argv)
    wall = time.perf_counter() - started
    _reap_orphans()
    return Sample(wall, _cpu(resource.RUSAGE_CHILDREN) - cpu, os.getloadavg()[0]), peak


def _children(parent: int) -> list[int]:
    try:
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


def _peak_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            line = next((line for line in f if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    except OSError:
        return 0.0
    return int(line.split()[1]) / 1024


def fork() -> Sample:
    """One fork of this process and its child's exit: both sides' CPU seconds."""
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return Sample(time.perf_counter() - started,
                  _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu,
                  os.getloadavg()[0])


def median(samples: list[Sample]) -> Sample:
    """Each field's median over ``samples`` (the load: its range is in :func:`describe`)."""
    return Sample(*(statistics.median(getattr(s, f) for s in samples)
                    for f in ("wall", "cpu", "load")))


def describe(samples: list[Sample], floors: dict[str, Sample] | None = None) -> str:
    """``wall 0.45 s, CPU 0.21 s (0.9x the import floor, ...), load 2.1-3.0``: medians, the
    CPU ratio to each floor, and the load's range over the samples."""
    m = median(samples)
    ratios = ", ".join(f"{m.cpu / floor.cpu:.1f}x {name}" for name, floor in (floors or {}).items()
                       if floor.cpu > 0)
    loads = [s.load for s in samples]
    return (f"wall {m.wall:6.3f} s, CPU {m.cpu:6.3f} s" + (f" ({ratios})" if ratios else "")
            + f", load {min(loads):.1f}-{max(loads):.1f}")


def floors(rounds: int) -> dict[str, list[Sample]]:
    """The floors' samples, ``rounds`` of each, interleaved."""
    out: dict[str, list[Sample]] = {"python -c pass": [], "the import floor": [], "a fork": []}
    for _ in range(rounds):
        out["python -c pass"].append(run(INTERPRETER))
        out["the import floor"].append(run(IMPORT_FLOOR))
        out["a fork"].append(fork())
    return out


def machine() -> str:
    """The machine's cores and its load now, for the heading of a run."""
    one, five, fifteen = os.getloadavg()
    return (f"{os.cpu_count()} cores; load average {one:.1f} / {five:.1f} / {fifteen:.1f} "
            f"(1, 5, 15 min)")
