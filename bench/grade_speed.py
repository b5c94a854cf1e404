"""How long grading one reference submission takes, against the floor of any sandboxed run.

Baseline (same run, same machine): starting a fresh Python child that imports NumPy and SymPy,
which every grading run pays at least once.  Prints seconds and the ratio per assignment.

    .venv/bin/python bench/grade_speed.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.assignment import available, load_assignment
from autograder.grading import grade

ROOT = Path(__file__).resolve().parents[1]


def timed(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    baseline = timed(lambda: subprocess.run(
        [sys.executable, "-I", "-c", "import numpy, sympy"], check=True), repeat)
    print(f"baseline (child importing numpy+sympy): {baseline:6.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for assignment_id in available():
            assignment = load_assignment(assignment_id)
            folder = Path(tmp) / assignment_id
            folder.mkdir()
            for name in (*assignment.files, *assignment.modules):
                source = ROOT / "reference" / assignment_id / name
                if source.is_file():
                    shutil.copy(source, folder)
            full = timed(lambda: grade(assignment_id, folder), repeat)
            check = timed(lambda: grade(assignment_id, folder, public_only=True), repeat)
            print(f"{assignment_id:>9}: grade {full:5.2f} s ({full / baseline:4.1f}x), "
                  f"check {check:5.2f} s ({check / baseline:4.1f}x)")


if __name__ == "__main__":
    main()
