"""`check()` in a notebook cell: the form checks of the kernel's current values (the notebook
never saved), shown as a table in the notebook, never saying right or wrong, and where the
kernel differs from the saved notebook run from the top."""
from __future__ import annotations

import copy

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.notebook import form_results
from autograder.run_order import flow, warnings
from tests.helpers import REFERENCE_GD

CHECK = "from autograder.notebook import check\ncheck(assignment='gd')"


def _outputs(cells: list[str], tmp_path) -> str:
    """Run ``cells`` in a fresh kernel (in ``tmp_path``); what the last cell displayed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return _shown(nb.cells[-1])


def _shown(cell) -> str:
    """What a cell displayed: HTML, printed text and results."""
    return "\n".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
                     + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


def test_check_in_a_notebook_renders_the_kernels_current_values(tmp_path):
    """q1c was changed in the kernel after the file's version: the check sees the change; q2b
    was never defined; the rest is read as grading reads it."""
    shown = _outputs([REFERENCE_GD, "q1c = 'λ/2η'\ndel q2b", CHECK], tmp_path)
    assert "<table" in shown or "┃" in shown       # a table, in the notebook's output
    assert "Q1c form" in shown and "unknown name" in shown
    assert "`q2b` is not defined" in shown
    assert "6 of 8 answers are present and readable" in shown
    assert "correct." not in shown.lower() and "points" not in shown
    assert "GradingResult" not in shown and "Warning" not in shown   # nothing after the table


def test_check_one_question_by_name_or_id():
    values = {}
    exec(REFERENCE_GD, values)
    values["q1d"] = "eta < "
    for question in ("q1d", "1d"):
        result = form_results(question, assignment="gd", namespace=values)
        assert [t.number for t in result.tests] == ["0.1d"]
        assert not result.tests[0].passed
    assert all(t.passed for t in form_results(assignment="gd", namespace=values).tests
               if t.number != "0.1d")
    with pytest.raises(ValueError, match="no question 'q9'"):
        form_results("q9", assignment="gd", namespace=values)


def test_values_take_the_wire_formats_path():
    """What crosses is what grading reads: a 10 MB answer is refused as too large, an object
    of another type is described, never trusted."""
    values = {}
    exec(REFERENCE_GD, values)
    values["q1a"] = "x" * 10_000_000
    values["q1b"] = object()
    tests = {t.number: t for t in form_results(assignment="gd", namespace=values).tests}
    assert "too large" in tests["0.1a"].output
    assert "object" in tests["0.1b"].output and not tests["0.1b"].passed


def test_one_value_where_several_are_asked_is_said_one_way():
    """A bare expression and a 1-tuple are the same situation: one wording for both."""
    values = {}
    exec(REFERENCE_GD, values)
    said = set()
    for answer in ("a*w1", ("a*w1",), ["a*w1"]):
        values["q1a"] = answer
        said.add(form_results("q1a", assignment="gd", namespace=values).tests[0].output)
    assert said == {"`q1a` should hold 2 values (a tuple), got a single expression."}


# the saved notebook gd.ipynb: its cells, and an order in which a student ran them
SAVED = [REFERENCE_GD.replace('q1a = ("a*w1", "b*w2")', "").replace("q2b = ", "# q2b = "),
         'q1a = gradient("a*w1", "b*w2")',
         "def gradient(*parts):\n    return tuple(parts)",
         'q1d = "eta <"    # an earlier try, left below',
         CHECK.replace("check(assignment='gd')", "check()")]
DELETED = 'q2b = "2/(15 + sqrt(221))"'   # ran, then its cell was deleted


def test_check_warns_when_the_kernel_ran_cells_out_of_order(tmp_path):
    """Every answer is readable in the kernel, but gd.ipynb run from the top is not what it
    holds: cell 2 uses a function defined in cell 3, cell 4 assigns q1d again, and q2b comes
    from a deleted cell.  check() (the assignment found from the notebook's name) says so."""
    saved = nbformat.v4.new_notebook()
    saved.cells = [nbformat.v4.new_code_cell(source) for source in SAVED]
    nbformat.write(saved, tmp_path / "gd.ipynb")
    ran = copy.deepcopy(saved)
    ran.cells.append(nbformat.v4.new_code_cell(DELETED))
    client = NotebookClient(ran, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for index in (2, 1, 3, 0, 5, 4):     # the check last
            client.execute_cell(ran.cells[index], index)
    shown = _shown(ran.cells[4])
    assert "8 of 8 answers are present and readable" in shown
    assert "differ from gd.ipynb run from the top" in shown
    assert "cell 1 last ran as In [4], after cell 2 (In [2])" in shown
    assert "cell 2 uses `gradient` before cell 3 defines it" in shown
    assert "`q1d` holds what cell 1 gave it, but cell 4, below it, assigns it again" in shown
    assert "`q2b` is in your kernel, but no cell of the saved notebook defines it" in shown


def test_a_notebook_run_in_order_gets_no_warning():
    cells = [(f"cell {i}", source) for i, source in enumerate(SAVED[:3], start=1)]
    cells[1], cells[2] = ("cell 2", SAVED[2]), ("cell 3", SAVED[1])   # the helper above its use
    history = [(i, source) for i, (_, source) in enumerate(cells, start=1)]
    history.append((4, cells[0][1]))   # cell 1 run again: nothing below it assigns its names
    namespace = {"gradient": len, "q1a": (), "q1d": "0 < eta < 2/max(a, b)"}
    assert warnings(cells, history, ["q1a", "q1d", "q2b"], namespace) == []


def test_what_a_cell_reads_before_it_defines_it():
    """Top-level reads only: a function's body, a lambda's, a comprehension's own variable are
    read later or are local; magics are read as IPython runs them; a broken cell defines
    nothing."""
    cell = flow("import numpy as np\nx = y + 1\nfor i in range(3):\n    z = i + w\n"
                "f = lambda q: q + later\n[k * 2 for k in items]\n"
                "def g(v=default):\n    return inside\n%time t = u\nx += 1\n")
    assert cell.uses == {"y", "range", "w", "items", "default", "get_ipython"}
    assert cell.defines == {"np", "x", "i", "z", "f", "g"}
    assert flow("q1a = (1,\n") .defines == set()
