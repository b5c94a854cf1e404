"""A syntax error costs only its statement (autograder/sandbox/statements.py): the file is split
into top-level statements with the tokenizer, a broken one loses only the names it would
define, and the message names its line; through grading, the CLI's grade and check."""
from __future__ import annotations

import ast

import pytest

from autograder.grading import grade
from autograder.sandbox.statements import Broken, defined_names, split
from tests.helpers import ROOT, by_number, run_cli, write

# A gd write-up as students type it (header, imports, LaTeX and Unicode answers, comments), with
# a stray ")" on line 26 (the case): it costs q1d alone.
GD_STUDENT = '''\
# Homework 1: gradient descent
# Name: Jane Doe    SID: 3031234567
#
# I worked the derivations out on paper first; answers below.
import numpy as np
import sympy as sp

a, b = sp.symbols("a b", positive=True)

# ---------------------------------------------------------------------------
# Q1 (a): the gradient of L(w) = 1/2 (a w1^2 + b w2^2)
q1a = (r"$a w_1$",
       r"$b w_2$")

# Q1 (b): the minimiser
q1b = (0, 0)

# Q1 (c): w_i(t+1) = rho_i w_i(t)
q1c = ("1 − ηa", "1 − ηb")   # pasted from my PDF

# Q1 (d): GD converges for
#   |1 - eta a| < 1 and |1 - eta b| < 1
#   i.e. 0 < eta < 2/a and 0 < eta < 2/b
# so the smaller bound wins:

q1d = r"0 < \\eta < \\frac{2}{\\max(a, b)}")

# Q1 (e)
q1e = (r"\\frac{2}{a+b}", r"\\frac{a-b}{a+b}")

# Q2
q2a = (1, 3)
q2b = "2/(15 + sqrt(221))"


def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        grad = np.array([26 * w[0] - 10 * w[1] + 4, -10 * w[0] + 4 * w[1] - 2])
        w = w - eta * grad
        out.append(np.linalg.norm(w - w_star))
    return np.array(out)
'''
GD_FULL = 15


def _parts(source: str) -> list[tuple]:
    """(line, names, broken) of each top-level statement of ``source``."""
    out = []
    for part in split(source, "answers.py"):
        if isinstance(part, Broken):
            out.append((part.error.lineno, part.names, True))
        else:
            out.append((part.lineno, sorted(defined_names(part)), False))
    return out


def test_a_source_that_parses_is_split_as_ast_splits_it():
    source = (ROOT / "reference" / "gd" / "answers.py").read_text()
    assert [ast.dump(n) for n in split(source, "answers.py")] == \
        [ast.dump(n) for n in ast.parse(source).body]


@pytest.mark.parametrize("source, expected", [
    # a stray closing bracket: only its line
    ('q1a = 1\nq1d = "x")\nq1e = (\n"y",\n"z")\nq2 = 2\n',
     [(1, ["q1a"], False), (2, ["q1d"], True), (3, ["q1e"], False), (6, ["q2"], False)]),
    # an unclosed bracket reaches the next line at the margin, not the end of the file
    ("q1c = 3\nq1d = (2 / a\nq1e = ('2/(a+b)', 'x')\nq2a = (1, 3)\n",
     [(1, ["q1c"], False), (2, ["q1d"], True), (3, ["q1e"], False), (4, ["q2a"], False)]),
    # ... nor does an unclosed outer list whose rows are indented
    ('q3 = [["4*x1", "3", "0"],\n      ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3)"]\nq4a = "A"\n',
     [(1, ["q3"], True), (3, ["q4a"], False)]),
    # ... while lines at the margin that continue a statement stay in it
    ("q1 = dict(\nx=1,\ny=2)\nq2 = [1,\n2\nq3 = 3\n",
     [(1, ["q1"], False), (4, ["q2"], True), (6, ["q3"], False)]),
    # an unterminated string
    ('q1 = """abc\nq2 = 5\n', [(1, ["q1"], True), (2, ["q2"], False)]),
    # curly quotes pasted from a PDF
    ("q1 = ‘a*w1’\nq2 = \"b\"\n", [(1, ["q1"], True), (2, ["q2"], False)]),
    # an unexpected indent is its own statement
    ("q1a = 1\n q1b = 2\nq1c = 3\n",
     [(1, ["q1a"], False), (2, ["q1b"], True), (3, ["q1c"], False)]),
    # a decorated def and an if/else stay whole; a broken def costs its name, not its locals
    ("@staticmethod\n@other\ndef g():\n    return 1\nif True:\n    a = 1\nelse:\n    a = 2)\n"
     "def f(x:\n    y = x\n    return y\nq9 = 4\n",
     [(3, ["g"], False), (8, ["a"], True), (9, ["f"], True), (12, ["q9"], False)]),
    # the names of tuple targets, annotations and imports
    ("q1a, (q1b, q1c) = 1, (2, 3\nq2: str = 'x'\nfrom math import (sqrt,\n  pi as PI\n"
     "d['k'] = (1\n",
     [(1, ["q1a", "q1b", "q1c"], True), (2, ["q2"], False), (3, ["PI", "sqrt"], True),
      (5, [], True)]),
])
def test_broken_statements_cost_only_themselves(source, expected):
    assert _parts(source) == expected


def test_many_unclosed_brackets_stay_local():
    source = "".join(f"q{i} = ({i}\n" for i in range(80)) + "last = 1\n"
    parts = _parts(source)
    assert parts[-1] == (81, ["last"], False)
    assert all(broken for _, _, broken in parts[:-1])


def test_gd_stray_parenthesis_on_line_26_costs_only_q1d(tmp_path):
    folder = write(tmp_path / "jane", "answers.py", GD_STUDENT).parent
    assert GD_STUDENT.splitlines()[25].startswith("q1d = ")
    result = grade("gd", folder)
    tests = by_number(result)
    assert result.score == GD_FULL - 2
    assert tests["1d"].score == 0
    assert "`q1d`: line 26 of answers.py has a syntax error" in tests["1d"].output
    assert "unmatched ')'" in tests["1d"].output
    assert all(t.passed for number, t in tests.items() if number not in ("1d", "0.1d"))
    assert "line 26 has a syntax error" in result.output and "`q1d`" in result.output


def test_gd_syntax_error_through_the_cli_grade_and_check(tmp_path):
    folder = write(tmp_path / "jane", "answers.py", GD_STUDENT).parent
    graded = run_cli("grade", "gd", str(folder))
    assert graded.returncode == 0, graded.stderr
    assert "Total: 13 / 15 points" in graded.stdout
    checked = run_cli("check", "gd", str(folder), env={"COLUMNS": "300"})
    assert checked.returncode == 1
    flat = " ".join(checked.stdout.split())
    assert "line 26 of answers.py has a syntax error" in flat
    assert "7 of 8 answers are present and readable" in flat


def test_calculus_unclosed_jacobian_costs_only_q3(tmp_path):
    source = (ROOT / "reference" / "calculus" / "answers.py").read_text()
    broken = source.replace('"exp(x1)*cos(x3)"]]', '"exp(x1)*cos(x3)"]')
    assert broken != source
    result = grade("calculus", write(tmp_path / "s", "answers.py", broken).parent)
    tests = by_number(result)
    assert result.score == 22 - 3
    assert tests["3"].score == 0 and "has a syntax error" in tests["3"].output
    assert "was never closed" in tests["3"].output


def test_backprop_pasted_curly_quotes_cost_only_their_answer(tmp_path):
    reference = ROOT / "reference" / "backprop"
    answers = (reference / "answers.py").read_text().replace('q3b = "I"', "q3b = “I”")
    assert "“I”" in answers
    folder = write(tmp_path / "s", "answers.py", answers).parent
    write(folder, "mlp.py", (reference / "mlp.py").read_text())
    result = grade("backprop", folder)
    tests = by_number(result)
    assert result.score == 21 - 1
    assert "`q3b`: line 12 of answers.py has a syntax error" in tests["3b"].output


def test_a_notebook_cell_with_a_syntax_error_keeps_its_other_statements(tmp_path):
    import nbformat
    source = (ROOT / "reference" / "gd" / "answers.py").read_text()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source.replace('q2a = (1, 3)', 'q2a = (1, 3')),
                nbformat.v4.new_code_cell("x = 1")]
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "gd.ipynb").write_text(nbformat.writes(nb))
    result = grade("gd", folder)
    tests = by_number(result)
    assert result.score == GD_FULL - 1
    assert "`q2a`: line 12 of cell 1 has a syntax error" in tests["2a"].output
