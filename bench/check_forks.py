"""What judging costs per grading: one bounded child for all the checks of a run
(``isolated.run_batch``, as `grade` does) against one child per check (as before issue 26),
interleaved in one run, beside the floor of a fork of this warm process (bench/measure.py).

For each `gd` submission (the reference, the template, and eight of bench/distinct_class.py's,
about one answer in four a known wrong form), each way is run ``--rounds`` times in this
process: the checks' children counted, and the CPU seconds of the whole grading (this process
and every child it waited for: the sandbox and the judging children).  The results must be
identical.

    .venv/bin/python bench/check_forks.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from measure import Sample, describe, fork, machine, median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import isolated, plugin  # noqa: E402
from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import grade  # noqa: E402
from distinct_class import distinct_class  # noqa: E402


def one_child_each(calls, **limits):
    """Each check in a child of its own."""
    return [isolated.run_isolated(call, **limits) for call in calls]


def _cpu() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def graded(assignment, folder: Path, judge) -> tuple[Sample, int, list]:
    """One grading with ``judge`` as the plugin's run_batch: its cost, its checks' children,
    and what each test got."""
    forks, real_fork = [], isolated.fork_stream

    def counted(*args, **options):
        forks.append(1)
        return real_fork(*args, **options)
    plugin.run_batch, isolated.fork_stream = judge, counted
    cpu, started = _cpu(), time.perf_counter()
    try:
        result = grade(assignment, folder)
    finally:
        plugin.run_batch, isolated.fork_stream = isolated.run_batch, real_fork
    sample = Sample(time.perf_counter() - started, _cpu() - cpu, os.getloadavg()[0])
    return sample, len(forks), [(t.number, t.kind, t.score, t.output) for t in result.tests]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    assignment = load_assignment("gd")
    kinds = [{"answers.py": (ROOT / folder / "gd" / "answers.py").read_text()}
             for folder in ("reference", "student_template")] + distinct_class(8, seed=5)
    ways = {"one child per check": one_child_each, "one child per grading": isolated.run_batch}
    samples: dict[str, list[Sample]] = {name: [] for name in ways}
    children: dict[str, list[int]] = {name: [] for name in ways}
    floor, differ = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for i, files in enumerate(kinds):
            folder = Path(tmp) / f"s{i}"
            folder.mkdir()
            for name, text in files.items():
                (folder / name).write_text(text)
            folders.append(folder)
        grade(assignment, folders[0])   # warm: imports and caches
        for _ in range(args.rounds):
            for folder in folders:
                seen = []
                for name, judge in ways.items():
                    sample, count, tests = graded(assignment, folder, judge)
                    samples[name].append(sample)
                    children[name].append(count)
                    seen.append(tests)
                    floor.append(fork())
                differ += seen[0] != seen[1]
    bases = {"a fork": median(floor)}
    print(f"gd: {len(folders)} submissions x {args.rounds} rounds; "
          f"a fork: {describe(floor)}")
    for name in ways:
        print(f"  {name:>22}: {statistics.mean(children[name]):4.1f} children a grading; "
              f"{describe(samples[name], bases)}")
    print(f"  results identical both ways: {'yes' if not differ else f'NO ({differ} differ)'}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
