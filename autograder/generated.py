"""The pytest tests made from assignment.toml, so that a closed-form question needs no grader
code: the public form check of every question (``test_form.py`` is
``test_form = form_test("<id>")``) and the graded test of every closed form
(``test_closed_forms.py`` is ``test_closed_form = closed_form_tests("<id>")``).  Points,
visibility and titles come from the toml through each test's ``@number``."""
from __future__ import annotations

import pytest
from gradescope_utils.autograder_utils.decorators import number

from .assignment import load_assignment
from .checkers.verdict import Verdict
from .kinds import KINDS, check_form, checker
from .outcomes import Undecided
from .reference import load_reference
from .writeup.names import with_given


def form_test(assignment_id: str):
    """One public form-check test per question (0 points and visible, as every test of a
    ``test_form*`` file)."""
    questions = [q for q in load_assignment(assignment_id).questions
                 if KINDS[q.kind].form_checked]

    @number("0.{question.id}")
    @pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])
    def test_form(question, student, assignment, grade):
        """Q{question.id} form: {question.title}"""
        assignment = with_given(assignment, given_of(question, student))
        try:
            verdict = check_form(question, student, assignment)
        except Undecided as exc:   # a write-up's reading that is the instructor's to decide
            if not student.written_undecided(question.name):
                raise
            verdict = Verdict.wrong(f"{exc}; on submission it is flagged for your instructor.")
        grade(quoted(verdict, student.source_of(question.name)))

    return test_form


def closed_form_tests(assignment_id: str):
    """The graded test of every closed-form question of an assignment."""
    questions = [q for q in load_assignment(assignment_id).questions
                 if q.closed_form and q.graded]

    @number("{question.id}")
    @pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])
    def test_closed_form(question, student, assignment, grade):
        references = load_reference(assignment_id)
        assignment = with_given(assignment, given_of(question, student))
        verdict = checker(question, assignment, references).check(student.value(question.name))
        if not verdict.passed and not verdict.undecided:   # feedback only, never points
            step = student.first_wrong_step(question.name, assignment)
            verdict = Verdict(verdict.fraction, "\n\n".join(filter(None, (verdict.message, step))))
        grade(quoted(verdict, student.source_of(question.name)))

    return test_closed_form


def given_of(question, student) -> dict[str, str]:
    """The values the question states (``given``), and those the write-up's handout gives."""
    return {**question.check.get("given", {}), **student.given(question.name)}


def quoted(verdict: Verdict, source: str) -> Verdict:
    """``verdict`` whose message first says what was read from the write-up, and where."""
    if not source:
        return verdict
    message = "\n\n".join(p for p in (source, verdict.message) if p)
    return Verdict(verdict.fraction, message, verdict.undecided)
