"""Commands that grade nothing start without what grading needs: ``--help``, ``list`` and
``solve`` import neither SymPy, pytest, NumPy, rich nor the checkers (bench/cold_start.py
measures what this saves).  Each command runs in a fresh interpreter, which then says which
of those modules it loaded."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sympy", "pytest", "numpy", "rich", "autograder.grading", "autograder.checkers.parse")

PROBE = """
import contextlib, io, json, sys
from autograder.cli import main
{before}
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main({argv!r})
    except SystemExit:
        pass
print(json.dumps([name for name in {heavy!r} if name in sys.modules]))
"""


def loaded_after(argv: list[str], before: str = "") -> list[str]:
    """The modules of HEAVY a fresh interpreter holds after ``main(argv)``."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY,
                                                              before=before)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["list", "--points"], ["grade", "--help"],
                                  ["solve", "gd", "{tmp}"]])
def test_commands_that_grade_nothing_import_nothing_heavy(argv, tmp_path):
    argv = [arg.format(tmp=tmp_path / "solved") for arg in argv]
    assert loaded_after(argv) == []


def test_the_probe_sees_what_grading_imports():
    """The probe's control: once grading is imported, SymPy and pytest are there to see."""
    seen = loaded_after(["list"], before="import autograder.grading")
    assert {"sympy", "pytest", "autograder.grading"} <= set(seen)
