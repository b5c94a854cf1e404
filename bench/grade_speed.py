"""How long grading one reference submission takes, against the floor of any sandboxed run.

Baseline (same run, same machine): starting a fresh Python child that imports NumPy and SymPy,
which every grading run pays at least once.  Prints seconds and the ratio per assignment, and
for `backprop` with a PyTorch mlp.py in the real course's style (when torch is installed).

    .venv/bin/python bench/grade_speed.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import importlib.util
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
sys.path.insert(0, str(ROOT / "tests" / "assignments"))   # mlp_torch


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
            report(assignment_id, folder, assignment_id, baseline, repeat)
        if importlib.util.find_spec("torch"):
            import mlp_torch
            folder = Path(tmp) / "backprop-torch"
            shutil.copytree(Path(tmp) / "backprop", folder)
            (folder / "mlp.py").write_text(mlp_torch.ACCUMULATES)
            report("backprop", folder, "(torch)", baseline, repeat)


def report(assignment_id: str, folder: Path, label: str, baseline: float, repeat: int) -> None:
    full = timed(lambda: grade(assignment_id, folder), repeat)
    check = timed(lambda: grade(assignment_id, folder, public_only=True), repeat)
    print(f"{label:>9}: grade {full:5.2f} s ({full / baseline:4.1f}x), "
          f"check {check:5.2f} s ({check / baseline:4.1f}x)")


if __name__ == "__main__":
    main()
