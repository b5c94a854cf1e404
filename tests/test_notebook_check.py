"""`check()` in a notebook cell: the form checks of the kernel's current values (the notebook
never saved), shown as a table in the notebook, never saying right or wrong."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.notebook import check
from conftest import REFERENCE_GD

CHECK = "from autograder.notebook import check\nresult = check(assignment='gd')"


def _outputs(cells: list[str], tmp_path) -> str:
    """Run ``cells`` in a fresh kernel (in ``tmp_path``); what the last cell displayed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return "\n".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
                     + str(o.get("data", {}).get("text/plain", ""))
                     for o in nb.cells[-1].outputs)


def test_check_in_a_notebook_renders_the_kernels_current_values(tmp_path):
    """q1c was changed in the kernel after the file's version: the check sees the change; q2b
    was never defined; the rest is read as grading reads it."""
    shown = _outputs([REFERENCE_GD, "q1c = 'λ/2η'\ndel q2b", CHECK], tmp_path)
    assert "<table" in shown or "┃" in shown       # a table, in the notebook's output
    assert "Q1c form" in shown and "unknown name" in shown
    assert "`q2b` is not defined" in shown
    assert "6 of 8 answers are present and readable" in shown
    assert "correct." not in shown.lower() and "points" not in shown


def test_check_one_question_by_name_or_id():
    values = {}
    exec(REFERENCE_GD, values)
    values["q1d"] = "eta < "
    for question in ("q1d", "1d"):
        result = check(question, assignment="gd", namespace=values, show=False)
        assert [t.number for t in result.tests] == ["0.1d"]
        assert not result.tests[0].passed
    assert all(t.passed for t in check(assignment="gd", namespace=values, show=False).tests
               if t.number != "0.1d")
    with pytest.raises(ValueError, match="no question 'q9'"):
        check("q9", assignment="gd", namespace=values, show=False)


def test_values_take_the_wire_formats_path():
    """What crosses is what grading reads: a 10 MB answer is refused as too large, an object
    of another type is described, never trusted."""
    values = {}
    exec(REFERENCE_GD, values)
    values["q1a"] = "x" * 10_000_000
    values["q1b"] = object()
    tests = {t.number: t for t in check(assignment="gd", namespace=values, show=False).tests}
    assert "too large" in tests["0.1a"].output
    assert "object" in tests["0.1b"].output and not tests["0.1b"].passed
