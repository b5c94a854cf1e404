"""Assignment `calculus` end to end, and its graders' strength measured by mutating the
reference answers (one mutation per question per submission, so each is judged alone)."""
import shutil

from autograder.grading import grade
from tests.helpers import ROOT, by_number, one_per_question, write

REFERENCE = (ROOT / "reference" / "calculus" / "answers.py").read_text()
FULL = 22.0

# (question, replacement answer, what its feedback must say)
MUTANTS = [
    ("1a", '("-sin(x1)", "4*x2")', "∂f/∂x1"),
    ("1a", '("cos(x1)", "2*x2")', "∂f/∂x2: not correct: off by a constant factor"),
    ("1b", '(("pi/2", "0"), "minimum")', "not a minimum"),
    ("1b", '(("0", "0"), "saddle")', "not critical"),
    ("2a", '("3", "2")', "∂/∂x2: not correct"),  # a constant: no hint that would leak it
    ("2b", '"minimum"', "no critical point"),
    ("3", '[["4*x1", "exp(x1)*sin(x3)"], ["3", "0"], ["0", "exp(x1)*cos(x3)"]]', "transposed"),
    ("3", '[["4*x1", "3", "0"], ["-exp(x1)", "0", "cos(x3)"]]', "row 2"),
    ("3", '[["2*x1", "3", "0"], ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3)"]]', "entry (1, 1)"),
    ("4a", '"A.T"', "transpose of the answer"),
    ("4b", '"A"', "wrong shape: expected n×n, got m×n"),
    ("5a", '"v.T @ v"', "wrong shape"),
    ("5b", '"A @ v @ v.T"', "missing a factor 2"),
    ("6a", '"2 * (y - yp)"', "the sign is flipped"),
    ("6b", '"hp @ d_yp.T"', "transpose of the answer"),
    ("6c", '"2 * d_yp"', "constant factor (yours is 2 times"),
    ("6d", '"W @ d_yp"', "the shapes do not fit"),
    ("6e", '"d_hp"', "entries differ"),
    ("6f", '"d_h @ x"', "the shapes do not fit"),
    ("6g", '"d_hp"', "entries differ"),
]

REWRITES = {
    "q1a": '("cos(x1)", "2*2*x2")',
    "q1b": '(("3*pi/2", "0"), "local min")',
    "q2b": '"There are no critical points."',
    "q3": '"Matrix([[4*x1, 3, 0], [exp(x1)*sin(x3), 0, exp(x1)*cos(x3)]])"',
    "q4b": '"I + 0 * A.T @ A"',
    "q5a": '"outer(v, v)"',
    "q5b": '"2 A v vᵀ"',
    "q6a": '"2*yp - 2*y"',
    "q6b": '"outer(d_yp, hp)"',
    "q6d": '"(d_yp.T @ W).T"',
    "q6e": '"diag(h > 0) @ d_hp"',
    "q6f": '"outer(d_h, x)"',
    "q6g": '"(h > 0) * (W.T @ d_yp)"',
}


def _with(tmp_path, name, answers: dict):
    folder = tmp_path / name
    write(folder, "answers.py", REFERENCE + "\n" + "\n".join(f"q{q} = {a}"
                                                             for q, a in answers.items()) + "\n")
    return by_number(grade("calculus", folder))


def test_reference_full_marks_and_template_zero(tmp_path):
    folder = tmp_path / "ref"
    write(folder, "answers.py", REFERENCE)
    assert grade("calculus", folder).score == FULL
    template = tmp_path / "template"
    shutil.copytree(ROOT / "student_template" / "calculus", template)
    result = grade("calculus", template)
    assert result.score == 0 and all("not answered yet" in t.output for t in result.tests)


def test_every_mutation_loses_points_with_its_message(tmp_path, capsys):
    killed = 0
    for i, batch in enumerate(one_per_question(MUTANTS)):
        tests = _with(tmp_path, f"b{i}", {q: a for q, (a, _) in batch.items()})
        for question, (answer, message) in batch.items():
            assert not tests[question].passed, f"survived: q{question} = {answer}"
            assert message in tests[question].output, (question, tests[question].output)
            killed += 1
        untouched = [n for n, t in tests.items() if n not in batch and not n.startswith("0.")]
        assert all(tests[n].passed for n in untouched)  # the rest is still graded
    with capsys.disabled():
        print(f"\nmutation score (calculus answers): {killed}/{len(MUTANTS)} mutants killed")
    assert len(MUTANTS) >= 15


def test_equivalent_rewrites_keep_full_marks(tmp_path):
    tests = _with(tmp_path, "rw", {q[1:]: a for q, a in REWRITES.items()})
    assert [(n, t.output) for n, t in tests.items() if not t.passed] == []
    assert len(REWRITES) >= 10


def test_solve_then_grade_full_marks_for_calculus_and_backprop(tmp_path):
    from tests.helpers import run_cli
    for assignment, full in (("calculus", FULL), ("backprop", 21.0)):
        folder = tmp_path / assignment
        done = run_cli("solve", assignment, str(folder))
        assert done.returncode == 0, done.stderr
        assert grade(assignment, folder).score == full
    assert (tmp_path / "backprop" / "mlp.py").is_file()


def test_one_unreadable_or_missing_jacobian_entry_costs_only_itself(tmp_path):
    """Q3 is worth 3 points for 6 entries: each entry that cannot be read (a list of rows, the
    same as text, or in LaTeX) or is left None loses half a point and is named."""
    answers = {
        "list": ('[["4*x1", "3", "0"], ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3"]]',
                 "entry (2, 3): cannot read it"),
        "text": ('"[[4x1, 3, 0], [e^x1 sin(x3), 0, e^x1 cos(x3 ]]"', "entry (2, 3): cannot read it"),
        "latex": (r'r"\begin{bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin(x_3) & 0 & e^{x_1}\cos(x_3 '
                  r'\end{bmatrix}"', "entry (2, 3): cannot read it"),
        "none": ('[["4*x1", "3", "0"], ["exp(x1)*sin(x3)", "0", None]]',
                 "entry (2, 3): not answered yet"),
    }
    for name, (answer, message) in answers.items():
        q3 = _with(tmp_path, name, {"3": answer})["3"]
        assert q3.score == 2.5 and message in q3.output, (name, q3.output)
    two = _with(tmp_path, "two", {"3": '[["4*x1", "3", "0"], ["e^x1 sin(x3", "0", "??"]]'})["3"]
    assert two.score == 2.0 and "entry (2, 1)" in two.output and "entry (2, 3)" in two.output
