"""Notebook submissions: magics and shell lines, failing cells, definitions-only mode, plots."""
import dataclasses
import json

import nbformat

from autograder.assignment import load_assignment
from autograder.grading import grade
from tests.helpers import REFERENCE_GD, by_number

GD = load_assignment("gd")
FULL = 15.0

TRAINING = """
def train_for_ever():
    while True:
        gd_distances(0.05, 10)

steps = []
for rate in (0.05, 0.1):            # builds state: runs
    steps.append(gd_distances(rate, 10))
for epoch in range(10**9):          # calls a function that trains: skipped
    train_for_ever()
import matplotlib.pyplot as plt
fig, ax = plt.subplots()            # plots: skipped
ax.plot(steps[0])                   # uses what only a skipped statement made: skipped
"""


def notebook(folder, *sources, minor=5):
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = minor
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gd.ipynb").write_text(nbformat.writes(nb))
    return folder


def test_definitions_only_mode_skips_what_trains_or_plots(tmp_path):
    folder = notebook(tmp_path / "s", REFERENCE_GD, TRAINING, "assert len(steps) == 2")
    fast = dataclasses.replace(GD, definitions_only=True)
    result = grade(fast, folder)
    assert result.score == FULL
    assert "3 top-level statement(s) that train or plot were skipped" in result.output
    assert "raised" not in result.output


def test_definitions_only_mode_stops_a_long_statement_and_goes_on(tmp_path):
    from autograder.limits import StudentLimits
    slow = "total = 0\nwhile True:                 # no training call: it runs, and is stopped\n" \
           "    total += 1\n"
    folder = notebook(tmp_path / "s", slow, REFERENCE_GD)
    bounded = dataclasses.replace(GD, definitions_only=True,
                                  student_limits=StudentLimits(statement_seconds=1))
    result = grade(bounded, folder)
    assert result.score == FULL
    assert "cell 1, line 2 raised `TookTooLong: stopped after 1" in result.output


def test_without_that_mode_the_loop_runs_and_times_out(tmp_path):
    from autograder.limits import StudentLimits
    folder = notebook(tmp_path / "s", REFERENCE_GD, TRAINING)
    slow = dataclasses.replace(GD, student_limits=StudentLimits(load_seconds=2))
    result = grade(slow, folder)
    assert result.score == 0 and "did not finish within 2 s" in by_number(result)["1a"].output


def test_magics_shell_lines_and_headless_plots(tmp_path):
    plots = ("import matplotlib.pyplot as plt\n"
             "plt.plot(gd_distances(0.05, 20))\nplt.savefig('curve.png')\nplt.show()\n")
    folder = notebook(tmp_path / "s", "%matplotlib inline\n!pip install nothing\n"
                      "import numpy as np", REFERENCE_GD, plots)
    result = grade(GD, folder)
    assert result.score == FULL, result.output
    assert "skipped 2 IPython magic or shell line(s)" in result.output
    assert "raised" not in result.output  # the plot cell ran without error


def test_any_nbformat_4_minor_version(tmp_path):
    folder = notebook(tmp_path / "s", REFERENCE_GD, minor=0)
    data = json.loads((folder / "gd.ipynb").read_text())
    for cell in data["cells"]:  # nbformat 4.0 had no cell ids
        cell.pop("id", None)
    (folder / "gd.ipynb").write_text(json.dumps(data))
    assert grade(GD, folder).score == FULL
