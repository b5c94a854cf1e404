"""How long the commands take to start, as a user runs them: ``--help``, ``list`` and a
student's ``check`` of the gd reference, each a fresh ``python -m autograder``.

Interleaved rounds with the floors (bench/measure.py): an interpreter (``python -c pass``) and
the import floor (``python -c "import numpy, sympy"``).  Printed per command: median wall time
and CPU seconds (children included), the CPU ratio to each floor, and the machine's load.
``python -X importtime -m autograder --help`` says where the rest goes.

    .venv/bin/python bench/cold_start.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from measure import IMPORT_FLOOR, INTERPRETER, describe, machine, median, run

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = [sys.executable, "-m", "autograder"]
COMMANDS = {
    "python -c pass": INTERPRETER,
    "the import floor": IMPORT_FLOOR,
    "--help": [*AUTOGRADER, "--help"],
    "list": [*AUTOGRADER, "list"],
    "check gd (reference)": [*AUTOGRADER, "check", "gd", str(ROOT / "reference" / "gd")],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(f"{machine()}; {rounds} interleaved rounds, medians")
    samples: dict[str, list] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, argv in COMMANDS.items():
            samples[name].append(run(argv, cwd=ROOT))
    floors = {name: median(samples[name]) for name in ("python -c pass", "the import floor")}
    for name, taken in samples.items():
        print(f"{name:>22}: {describe(taken, floors)}")


if __name__ == "__main__":
    main()
