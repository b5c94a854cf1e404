"""Public form checks for `gd` (0 points, always visible, also run by `check`)."""
import pytest

from autograder.api import check_form, load_assignment, number, visibility, weight

QUESTIONS = load_assignment("gd").questions


@weight(0)
@visibility("visible")
@number("0.{question.id}")
@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_form(question, student, assignment, grade):
    """Q{question.id} form: {question.title}"""
    grade(check_form(question, student, assignment))
