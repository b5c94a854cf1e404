"""How long one `grade` and one `check` of each assignment's reference take as a user runs
them (a fresh ``python -m autograder`` each), against floors measured in the same run.

Floors (bench/measure.py), in rounds interleaved with the gradings: ``python -c pass`` and the
import floor ``python -c "import numpy, sympy"``, which every grading process pays at least
once.  Printed per assignment: median wall time and CPU seconds (children included: the
sandbox and the check forks), the CPU ratio to each floor, and the machine's load; also
`backprop` with a PyTorch mlp.py in the real course's style (when torch is installed).
`mnist` needs the data (``AUTOGRADER_MNIST``, as the tests find it).

    .venv/bin/python bench/grade_speed.py [--repeat 3] [--only gd]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

from measure import describe, floors, machine, median, run

from autograder.assignment import available, load_assignment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "assignments"))   # mlp_torch
if (ROOT.parent / "shared" / "mnist").is_dir():   # as the tests read MNIST
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="one assignment")
    args = parser.parse_args()
    print(f"{machine()}; {args.repeat} interleaved rounds, medians")
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for assignment_id in [args.only] if args.only else available():
            assignment = load_assignment(assignment_id)
            folder = Path(tmp) / assignment_id
            folder.mkdir()
            for name in (*assignment.files, *assignment.modules):
                source = ROOT / "reference" / assignment_id / name
                if source.is_file():
                    shutil.copy(source, folder)
            folders[assignment_id] = (assignment_id, folder)
        if importlib.util.find_spec("torch") and "backprop" in folders:
            import mlp_torch
            folder = Path(tmp) / "backprop-torch"
            shutil.copytree(Path(tmp) / "backprop", folder)
            (folder / "mlp.py").write_text(mlp_torch.ACCUMULATES)
            folders["backprop (torch)"] = ("backprop", folder)
        report(folders, args.repeat)


def report(folders: dict[str, tuple[str, Path]], repeat: int) -> None:
    """Every grading and the floors, ``repeat`` interleaved rounds; then the figures."""
    samples: dict[str, list] = {}
    taken: dict[str, list] = {}
    for _ in range(repeat):
        for name, floor in floors(1).items():
            taken.setdefault(name, []).extend(floor)
        for label, (assignment_id, folder) in folders.items():
            for verb in ("grade", "check"):
                samples.setdefault(f"{verb} {label}", []).append(run(
                    [sys.executable, "-m", "autograder", verb, assignment_id, str(folder)],
                    cwd=ROOT))
    bases = {name: median(taken[name]) for name in ("python -c pass", "the import floor")}
    for name in taken:
        print(f"{name:>25}: {describe(taken[name])}")
    for name, done in samples.items():
        print(f"{name:>25}: {describe(done, bases)}")


if __name__ == "__main__":
    main()
