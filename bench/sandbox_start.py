"""What one sandboxed child costs, started fresh or forked from a warm zygote
(autograder/sandbox/warm.py): sessions of a one-line submission that imports numpy (start,
load, one probe, close; as the run's own uid when root), ``--count`` of each per round, in
interleaved rounds beside the floors (bench/measure.py).  CPU seconds are this process's and
its children's, the zygote's start and its children included (it is reaped at the end).

    .venv/bin/python bench/sandbox_start.py [--count 10] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from measure import floors, machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.limits import StudentLimits  # noqa: E402
from autograder.sandbox import warm  # noqa: E402
from autograder.sandbox.identity import hand_over, sandbox_identity  # noqa: E402
from autograder.sandbox.session import SandboxSession, value_request  # noqa: E402
from autograder.submission import Cell  # noqa: E402

SOURCE = "import numpy as np\nx = float(np.ones(3).sum())\n"


def _cpu() -> float:
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def sessions(count: int) -> None:
    with sandbox_identity() as identity, tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            work = Path(tmp) / str(i) / "work"
            work.mkdir(parents=True)
            if identity is not None:
                hand_over(work, identity)
            s = SandboxSession([Cell("answers.py", SOURCE)], work, StudentLimits(),
                               identity=identity)
            assert s.request(value_request("x")).value == 3.0
            s.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(machine())
    for round_ in range(args.rounds):
        floor = {name: samples[0] for name, samples in floors(1).items()}
        cpu, wall = _cpu(), time.perf_counter()
        sessions(args.count)
        fresh = (_cpu() - cpu) / args.count, (time.perf_counter() - wall) / args.count
        cpu, wall = _cpu(), time.perf_counter()
        warm.start()
        sessions(args.count)
        zygote = warm._zygote.process
        warm.stop()
        zygote.wait()
        hot = (_cpu() - cpu) / args.count, (time.perf_counter() - wall) / args.count
        print(f"round {round_ + 1}: per child, fresh CPU {fresh[0]:.3f} s (wall {fresh[1]:.3f}),"
              f" warm CPU {hot[0]:.3f} s (wall {hot[1]:.3f}; the zygote's start shared by "
              f"{args.count}); {fresh[0] / hot[0]:.1f}x less CPU; floors: import "
              f"{floor['the import floor'].cpu:.3f}, python -c pass "
              f"{floor['python -c pass'].cpu:.3f}, a fork {floor['a fork'].cpu:.4f} CPU s; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
