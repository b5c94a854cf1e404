"""``python -m autograder new <id>``: a complete assignment that grades at once.

It writes the assignment's toml and grader files (where ``list`` finds assignments), its
reference and student template (beside ``reference/``), and a test of it in ``tests/``: two
closed-form questions (no grader code) and a code question with a visible and a hidden part.
docs/authoring.md explains each file; change them from there.
"""
from __future__ import annotations

import re
from pathlib import Path

from .assignment import graders_root
from .reference import reference_root, template_dir

TOML = '''\
# Assignment `{id}`, made by `python -m autograder new {id}`: docs/authoring.md explains every
# key; assignment.schema.json lists them.  Graded tests are shown after the due date unless a
# question says otherwise.
title = "{id}: gradient descent on a parabola"
files = ["answers.py", "{id}.ipynb"]

[symbols]
a = "positive"
x = "real"
eta = "positive"

[[questions]]
id = "1"
name = "q1"
kind = "expression"
points = 2
title = "the derivative of f(x) = a·x² by x"
wrong = [{{answer = "a*x", message = "missing the factor 2: the power rule brings it down"}}]

[[questions]]
id = "2"
name = "q2"
kind = "interval"
variable = "eta"
points = 2
title = "the learning rates η for which gradient descent on f converges"
wrong = [{{end = "upper", answer = "2/a", message = "the step is η·f'(x) = 2ηa·x: the factor is 1 − 2ηa"}}]

[[questions]]
id = "3"
name = "derivative"
kind = "function"
params = ["a", "x"]
title = "code: f'(x) for f(x) = a·x²"
parts = [
    {{id = "3.1", points = 1, visibility = "visible", title = "derivative on the handout's case"}},
    {{id = "3.2", points = 2, title = "derivative on hidden cases"}},
]
'''

REFERENCE = '''\
"""Reference answers of `{id}` (instructors only)."""

q1 = "2*a*x"
q2 = "0 < eta < 1/a"


def derivative(a, x):
    return 2 * a * x
'''

TEMPLATE = '''\
"""`{id}`: write your answers here.  Math is text (2*a*x, eta < 1/a) or LaTeX; run
`python -m autograder check {id} .` to check their form before you submit."""

# 1. The derivative of f(x) = a·x² by x.
q1 = None

# 2. The learning rates η for which gradient descent on f converges, e.g. "0 < eta < 3".
q2 = None


# 3. Code: f'(x) for f(x) = a·x².
def derivative(a, x):
    raise NotImplementedError
'''

FORM = '''\
"""Public form checks for `{id}` (0 points, always visible, also run by `check`)."""
from autograder.generated import form_test

test_form = form_test("{id}")
'''

CLOSED_FORMS = '''\
"""The graded tests of `{id}`'s closed-form questions, made from assignment.toml."""
from autograder.generated import closed_form_tests

test_closed_form = closed_form_tests("{id}")
'''

ANSWERS = '''\
"""Correctness of `{id}`'s code question (instructors only: needs reference/{id}).
Points, visibility and titles are in assignment.toml, by each test's number."""
import numpy as np

from autograder.api import Verdict, check_number, judge_cases, load_reference, number

REF = load_reference("{id}")
HANDOUT = [(1.5, 2.0)]


def _case(student, a, x, shown) -> Verdict:
    got = student.call("derivative", a, x, show_args=shown)
    what = f"derivative({{a}}, {{x}})" if shown else "derivative on a hidden case"
    verdict = check_number(got, REF.derivative(a, x))
    return verdict if verdict.passed else Verdict.wrong(f"{{what}}: {{verdict.message}}")


@number("3.1")
def test_derivative_handout(student, grade):
    grade(judge_cases([(f"a = {{a}}, x = {{x}}", lambda a=a, x=x: _case(student, a, x, True))
                       for a, x in HANDOUT]))


@number("3.2")
def test_derivative_hidden(student, grade):
    rng = np.random.default_rng(7)
    cases = [(float(rng.uniform(0.1, 5)), float(rng.normal())) for _ in range(5)]
    grade(judge_cases([(f"hidden case {{i}}", lambda a=a, x=x: _case(student, a, x, False))
                       for i, (a, x) in enumerate(cases, 1)]))
'''

TEST = '''\
"""`{id}` end to end: the reference earns full marks, the template nothing, and each known
mistake loses its points with its message (add a mutant for every mistake you anticipate)."""
from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.reference import reference_dir

REFERENCE = (reference_dir("{id}") / "answers.py").read_text()
MUTANTS = [  # (replaced line, replacement, test number, what its feedback says)
    ('q1 = "2*a*x"', 'q1 = "a*x"', "1", "missing the factor 2"),
    ('q2 = "0 < eta < 1/a"', 'q2 = "0 < eta < 2/a"', "2", "the factor is 1 − 2ηa"),
    ("return 2 * a * x", "return a * x", "3.2", "not correct"),
]


def _grade(folder, source):
    folder.mkdir()
    (folder / "answers.py").write_text(source)
    return grade("{id}", folder)


def test_reference_earns_full_marks(tmp_path):
    result = _grade(tmp_path / "reference", REFERENCE)
    assert result.score == load_assignment("{id}").points, result.output


def test_each_mutant_loses_its_points_with_its_message(tmp_path):
    for i, (old, new, number, message) in enumerate(MUTANTS):
        assert REFERENCE.count(old) == 1, old
        result = _grade(tmp_path / str(i), REFERENCE.replace(old, new))
        test = next(t for t in result.tests if t.number == number)
        assert test.score < test.max_score and message in test.output, (number, test.output)
'''


def scaffold(assignment_id: str) -> list[Path]:
    """Write every file of a new assignment ``assignment_id``; return their paths.  Refuses
    to overwrite anything."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment_id):
        raise ValueError(f"{assignment_id!r}: an assignment id is lower case letters, digits "
                         f"and _, starting with a letter")
    root = reference_root().parent
    files = {
        graders_root() / assignment_id / "assignment.toml": TOML,
        graders_root() / assignment_id / "test_form.py": FORM,
        graders_root() / assignment_id / "test_closed_forms.py": CLOSED_FORMS,
        graders_root() / assignment_id / "test_answers.py": ANSWERS,
        reference_root() / assignment_id / "answers.py": REFERENCE,
        template_dir(assignment_id) / "answers.py": TEMPLATE,
        root / "tests" / f"test_{assignment_id}.py": TEST,
    }
    existing = [path for path in files if path.exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} exists: choose another id")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(id=assignment_id), encoding="utf-8")
    return list(files)
