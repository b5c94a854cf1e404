"""From a question of assignment.toml to the checker of its kind: one registry.

Every closed-form kind builds a checker with ``check(answer) -> Verdict`` from the question's
keys (see assignment.schema.json) and the reference's answer; :func:`closed_form_tests` makes
the graded pytest test of every closed-form question, so such a question needs no grader code.
"""
from __future__ import annotations

from types import ModuleType
from typing import Callable

import sympy

from .assignment import Assignment, QuestionSpec
from .checkers.expressions import ExpressionQuestion
from .checkers.intervals import IntervalQuestion, upper_bound
from .checkers.matrices import MatrixQuestion
from .checkers.parse import ParseError, parse
from .checkers.structures import (ChoiceQuestion, CriticalPointQuestion, ShapesQuestion,
                                  SymbolicMatrixQuestion)
from .checkers.verdict import Verdict

TRANSPOSED = "this is the transpose of the answer: "


def _wrong(question: QuestionSpec, key: str | None = None) -> dict:
    """The known wrong answers, grouped by ``key`` (part, row or end; None: the whole)."""
    groups: dict = {}
    for wrong in question.check.get("wrong", ()):
        answer = wrong["answer"]
        groups.setdefault(wrong.get(key) if key else None, []).append(
            (tuple(answer) if isinstance(answer, list) else answer, wrong["message"]))
    return groups


def _answer(question: QuestionSpec, references: ModuleType) -> object:
    """The reference's answer to ``question``."""
    return getattr(references, question.name, None)


def _expression(question, assignment, references):
    ns = assignment.namespace()
    wrong = _wrong(question, "part")
    constraint = question.check.get("constraint")
    return ExpressionQuestion(
        _answer(question, references), ns, wrong=wrong.pop(None, ()), seed=question.id,
        component_wrong={part - 1: answers for part, answers in wrong.items()},
        labels=tuple(question.check.get("labels", ())),
        constraint=_constraint(constraint, ns) if constraint else None,
        **({"rtol": question.check["rtol"]} if "rtol" in question.check else {}))


def _constraint(text: str, ns) -> Callable[[dict], bool]:
    """``"a >= b"`` as a test of sampled values ``{"a": 2.0, "b": 1.0}``."""
    relation = parse(text, ns)
    names = sorted(relation.free_symbols, key=lambda s: s.name)
    test = sympy.lambdify(names, relation)
    return lambda values: bool(test(*(values[s.name] for s in names)))


class _Bound:
    """The largest value of a variable: ``2/(15 + √221)`` or ``η < 2/(15 + √221)``."""

    def __init__(self, question, assignment, references):
        self.ns = assignment.namespace()
        self.variable = self.ns.symbols[question.variable]
        self.value = _expression(question, assignment, references)

    def check(self, answer: object) -> Verdict:
        try:
            answer = upper_bound(answer, self.ns, self.variable)
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the answer: {exc}")
        return self.value.check(answer)


def _interval(question, assignment, references):
    return IntervalQuestion(_answer(question, references), question.variable, assignment.namespace(),
                            seed=question.id, wrong_ends=_wrong(question, "end"),
                            openness_messages=dict(question.check.get("openness", {})))


def _matrix(question, assignment, references):
    hidden = {name: getattr(references, answer) for name, answer in
              assignment.answer_names.items()}
    layout = question.check.get("layout")
    return MatrixQuestion(_answer(question, references), assignment.matrix_space(hidden), shape=question.shape,
                          wrong=_wrong(question).get(None, ()), seed=question.id,
                          layout_message=TRANSPOSED + assignment.layouts[layout] if layout
                          else "")


def _sym_matrix(question, assignment, references):
    return SymbolicMatrixQuestion(
        _answer(question, references), assignment.namespace(), seed=question.id,
        row_names=tuple(question.check.get("rows", ())),
        column_names=tuple(question.check.get("columns", ())),
        wrong_rows={row - 1: answers
                    for row, answers in _wrong(question, "row").items()})


def _choice(question, assignment, references):
    return ChoiceQuestion(_answer(question, references), question.options,
                          wrong={answer: message for answer, message in
                                 _wrong(question).get(None, ())})


def _critical_point(question, assignment, references):
    return CriticalPointQuestion(question.check["function"], list(question.check["variables"]),
                                 assignment.namespace())


def _shapes(question, assignment, references):
    return ShapesQuestion(_answer(question, references), assignment.namespace())


CHECKERS = {"expression": _expression, "tuple": _expression, "bound": _Bound,
            "interval": _interval, "matrix": _matrix, "sym_matrix": _sym_matrix, "choice": _choice,
            "critical_point": _critical_point, "shapes": _shapes}


def checker(question: QuestionSpec, assignment: Assignment, references: ModuleType):
    """The checker of a closed-form question, built against the reference's answers."""
    return CHECKERS[question.kind](question, assignment, references)


def closed_form_tests(assignment_id: str):
    """The graded test of every closed-form question of an assignment (points, visibility
    and title from its toml).  A grader folder's ``test_closed_forms.py`` is just
    ``test_closed_form = closed_form_tests("<id>")``."""
    import pytest
    from gradescope_utils.autograder_utils.decorators import number

    from .assignment import load_assignment
    from .reference import load_reference

    questions = [q for q in load_assignment(assignment_id).questions
                 if q.closed_form and q.graded]

    @number("{question.id}")
    @pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])
    def test_closed_form(question, student, assignment, grade):
        references = load_reference(assignment_id)
        grade(checker(question, assignment, references).check(student.value(question.name)))

    return test_closed_form
