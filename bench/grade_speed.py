"""How long grading one `gd` submission takes, against the floor of any sandboxed run.

Baseline (same run, same machine): starting a fresh Python child that imports NumPy and SymPy,
which every grading of a SymPy-using submission pays once.  Prints seconds and the ratio.

    .venv/bin/python bench/grade_speed.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp)
        (submission / "answers.py").write_text((ROOT / "reference/gd/answers.py").read_text()
                                               + "\nimport sympy\n")
        baseline = timed(lambda: subprocess.run(
            [sys.executable, "-I", "-c", "import numpy, sympy"], check=True), repeat)
        full = timed(lambda: grade("gd", submission), repeat)
        check = timed(lambda: grade("gd", submission, public_only=True), repeat)
    print(f"baseline (child importing numpy+sympy): {baseline:6.2f} s")
    print(f"grade gd, reference submission:        {full:6.2f} s  ({full / baseline:4.1f}x baseline)")
    print(f"check gd (form checks only):           {check:6.2f} s  ({check / baseline:4.1f}x baseline)")


if __name__ == "__main__":
    main()
