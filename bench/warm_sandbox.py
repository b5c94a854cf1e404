"""What the warm sandbox (autograder/sandbox/warm.py) saves a regrade: a class of `gd`
submissions whose answers are all distinct (bench/distinct_class.py: no verdict to reuse) is
regraded at ``--jobs 2`` by the command an instructor types, with each sandboxed child forked
from a warm zygote and with a fresh interpreter per child (``AUTOGRADER_SANDBOX=fresh``), in
interleaved rounds beside the floors (bench/measure.py).  Printed: wall time, submissions per
minute and whole-process CPU seconds per submission (workers, zygotes and sandboxes included)
with their ratio to each floor, and the load.

    .venv/bin/python bench/warm_sandbox.py [--size 100] [--rounds 2] [--jobs 2] [--before DIR]

``--before DIR``: also regrade with the checkout in DIR (e.g. ``git worktree add DIR main``),
run the same way, in the same rounds.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from measure import Sample, describe, floors, machine, median, run
from distinct_class import distinct_class

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the tests package

from tests.batch.classroom import write_class  # noqa: E402

MODES = {"warm zygote": {}, "fresh interpreter": {"AUTOGRADER_SANDBOX": "fresh"}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    modes = {name: (ROOT, env) for name, env in MODES.items()}
    if args.before:
        modes["the --before checkout"] = (args.before.resolve(),
                                          {"PYTHONPATH": str(args.before.resolve())})
    print(machine())
    taken: dict[str, list[Sample]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        write_class(Path(tmp) / "class", distinct_class(args.size, seed=11))
        for i in range(args.rounds):
            for name, floor in floors(1).items():
                taken.setdefault(name, []).extend(floor)
            for mode, (where, env) in modes.items():
                done = run([sys.executable, "-m", "autograder", "regrade", "gd",
                            str(Path(tmp) / "class"), "--out", str(Path(tmp) / f"out-{i}-{mode}"),
                            "--jobs", str(args.jobs)], cwd=where, env={**os.environ, **env})
                taken.setdefault(mode, []).append(
                    Sample(done.wall / args.size, done.cpu / args.size, done.load))
    bases = {name: median(taken[name]) for name in ("the import floor", "a fork")}
    print(f"gd, {args.size} distinct submissions, --jobs {args.jobs}, {args.rounds} rounds")
    for name, samples in taken.items():
        rate = f" {60 / median(samples).wall:4.0f}/min;" if name in modes else ""
        print(f"  {name:>21}:{rate} {'per submission: ' if name in modes else ''}"
              f"{describe(samples, bases if name in modes else None)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
