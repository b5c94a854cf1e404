"""What many test files share (fixtures stay in ``conftest.py``): the repository's paths, a
submission written from text, the CLI run as a user runs it, results.json checked against its
schemas, and one question's checker and form check judging an answer alone."""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from autograder.assignment import Assignment, load_assignment
from autograder.checkers.coerce import side_of_square
from autograder.checkers.matrix_parse import parse_matrix
from autograder.checkers.parse import ParseError, parse
from autograder.grading import grade
from autograder.kinds import check_form, checker
from autograder.outcomes import Incorrect, Undecided
from autograder.plugin import Grade
from autograder.reference import load_reference

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = (ROOT / "tests" / "gradescope_results.schema.json",   # the repository's own
           ROOT.parent / "shared" / "gradescope_results.schema.json")  # the team's, when beside it
REFERENCE_GD = (ROOT / "reference" / "gd" / "answers.py").read_text()


def validate(data: dict, schemas: list[dict]) -> None:
    for schema in schemas:
        jsonschema.Draft202012Validator(schema).validate(data)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def gd_with(tmp_path: Path, **answers: str) -> Path:
    """A `gd` submission: the reference with some answers replaced by Python source text."""
    source = REFERENCE_GD
    for name, value in answers.items():
        source += f"\n{name} = {value}\n"
    folder = tmp_path / "submission"
    write(folder, "answers.py", source)
    return folder


def one_per_question(mutants) -> list[dict]:
    """Group (question, change, message) mutants into submissions holding at most one mutant
    per question, so that each is judged alone: [{question: (change, message)}, ...]."""
    rounds: list[dict] = []
    for question, change, message in mutants:
        batch = next((b for b in rounds if question not in b), None)
        if batch is None:
            rounds.append(batch := {})
        batch[question] = (change, message)
    return rounds


def by_number(result) -> dict:
    return {t.number: t for t in result.tests}


def grade_gd(folder: Path, **kw):
    return grade("gd", folder, **kw)


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd or ROOT, timeout=300)


def assert_row_is_graded_alone(row: dict, alone, name: str) -> None:
    """A grades.csv row holds the total and each graded question's score of ``alone`` (the
    submission graded by itself)."""
    assert float(row["total"]) == alone.score, name
    for test in alone.tests:
        if not test.public:
            assert float(row[f"Q{test.number}"]) == test.score, (name, test.number)


class Answers:
    """A student whose answers are given here (what `Student.value` hands the graders)."""

    def __init__(self, assignment, answers: dict):
        self.assignment, self.answers = assignment, answers

    def value(self, name):
        sides = {q.name for q in self.assignment.questions if q.square_side}
        value = self.answers[name]
        return side_of_square(value) if name in sides else value


def judged(assignment: Assignment, name: str, reference, answer) -> tuple[float, str]:
    """The credit and feedback of question ``name``'s checker (as its graded test builds it
    from assignment.toml, against ``reference``'s answers) for ``answer``."""
    question = next(q for q in assignment.questions if q.name == name)
    grade_ = Grade()
    try:
        grade_(checker(question, assignment, reference)
               .check(Answers(assignment, {name: answer}).value(name)))
    except Incorrect as exc:
        return exc.fraction, str(exc)
    except Undecided as exc:
        return exc.fraction, f"undecided: {exc}"
    return grade_.fraction, "\n".join(grade_.notes)


def form_checked(assignment: Assignment, name: str, answer):
    """The form check of question ``name`` for ``answer``."""
    question = next(q for q in assignment.questions if q.name == name)
    return check_form(question, Answers(assignment, {name: answer}), assignment)


REFERENCES: dict = {}


def judge(assignment_id: str, name: str, answer) -> tuple[float, str]:
    """`judged` by a shipped assignment's question, against its reference."""
    if assignment_id not in REFERENCES:
        REFERENCES[assignment_id] = load_reference(assignment_id)
    return judged(load_assignment(assignment_id), name, REFERENCES[assignment_id], answer)


def form(assignment_id: str, name: str, answer):
    """`form_checked` by a shipped assignment's question."""
    return form_checked(load_assignment(assignment_id), name, answer)


def assert_both_readers_refuse(text: str, message: str) -> None:
    """The expression reader (gd's names) and the matrix reader (optim_cnn's) both refuse
    ``text`` with ``message``, within a second of CPU time between them."""
    ns = load_assignment("gd").namespace()
    space = load_assignment("optim_cnn").matrix_space()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    for reader in (lambda: parse(text, ns), lambda: parse_matrix(text, space)):
        with pytest.raises(ParseError, match=re.escape(message)):
            reader()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 1.0
