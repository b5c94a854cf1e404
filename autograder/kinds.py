"""From a question of assignment.toml to how its kind is checked: one registry, :data:`KINDS`.

Every kind has a public form check ``(question, answer, assignment) -> Verdict`` (see
:mod:`.form`); every closed-form kind also builds a checker with ``check(answer) -> Verdict``
from the question's keys (see assignment.schema.json) and the reference's answer.
:mod:`.generated` makes the pytest tests of both from the toml.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import sympy

from . import form
from .assignment import Assignment, QuestionSpec
from .checkers.coerce import NOT_ANSWERED
from .checkers.expressions import ExpressionQuestion
from .checkers.intervals import IntervalQuestion, upper_bound
from .checkers.matrices import MatrixQuestion
from .checkers.parse import ParseError, parse
from .checkers.choices import ChoiceQuestion
from .checkers.structures import CriticalPointQuestion, ShapesQuestion, SymbolicMatrixQuestion
from .checkers.verdict import Verdict
from .student import Student

FormCheck = Callable[[QuestionSpec, object, Assignment], Verdict]

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
    ns = assignment.namespace(question)
    wrong = _wrong(question, "part")
    constraint = question.check.get("constraint")
    return ExpressionQuestion(
        _answer(question, references), ns, wrong=wrong.pop(None, ()), seed=question.id,
        component_wrong={part - 1: answers for part, answers in wrong.items()},
        labels=tuple(question.check.get("labels", ())),
        unordered=bool(question.check.get("unordered", False)),
        constraint=_constraint(constraint, ns) if constraint else None,
        **({"rtol": question.check["rtol"]} if "rtol" in question.check else {}))


def _constraint(text: str, ns) -> Callable[[dict], bool]:
    """``"a >= b"`` as a test of sampled values ``{"a": 2.0, "b": 1.0}``."""
    relation = parse(text, ns)
    names = sorted(relation.free_symbols, key=lambda s: s.name)
    test = sympy.lambdify(names, relation)
    return lambda values: bool(test(*(values[s.name] for s in names)))


class _Bound:
    """The largest value of a variable: ``1/(3 + √5)`` or ``η < 1/(3 + √5)``."""

    def __init__(self, question, assignment, references):
        self.ns = assignment.namespace(question)
        self.variable = self.ns.symbols[question.variable]
        self.value = _expression(question, assignment, references)

    def check(self, answer: object) -> Verdict:
        try:
            answer = upper_bound(answer, self.ns, self.variable)
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the answer: {exc}")
        return self.value.check(answer)


def _interval(question, assignment, references):
    return IntervalQuestion(_answer(question, references), question.variable, assignment.namespace(question),
                            seed=question.id, wrong_ends=_wrong(question, "end"),
                            openness_messages=dict(question.check.get("openness", {})),
                            union=question.union,
                            **({"rtol": question.check["rtol"]} if "rtol" in question.check
                               else {}))


def _matrix(question, assignment, references):
    hidden = {name: getattr(references, answer) for name, answer in
              assignment.answer_names.items()}
    layout = question.check.get("layout")
    return MatrixQuestion(_answer(question, references), assignment.matrix_space(hidden, question), shape=question.shape,
                          wrong=_wrong(question).get(None, ()), seed=question.id,
                          layout_message=TRANSPOSED + assignment.layouts[layout] if layout
                          else "")


def _sym_matrix(question, assignment, references):
    return SymbolicMatrixQuestion(
        _answer(question, references), assignment.namespace(question), seed=question.id,
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
                                 assignment.namespace(question))


def _shapes(question, assignment, references):
    return ShapesQuestion(_answer(question, references), assignment.namespace(question))


@dataclass(frozen=True)
class Kind:
    """What a kind of question is checked with: its public form check, and (for a closed form)
    the builder of its checker, whose ``check(answer)`` gives the graded :class:`Verdict`."""
    check_form: FormCheck
    checker: Callable | None = None   # (question, assignment, references) -> a checker


KINDS = {
    "expression": Kind(form.expression_form, _expression),
    "tuple": Kind(form.tuple_form, _expression),
    "bound": Kind(form.bound_form, _Bound),
    "interval": Kind(form.interval_form, _interval),
    "matrix": Kind(form.matrix_form, _matrix),
    "sym_matrix": Kind(form.sym_matrix_form, _sym_matrix),
    "choice": Kind(form.choice_form, _choice),
    "critical_point": Kind(form.critical_point_form, _critical_point),
    "shapes": Kind(form.shapes_form, _shapes),
    "layers": Kind(form.layers_form),     # hand-written graded tests (mnist)
}   # a function's form check needs its signature, not a value: see check_form


def checker(question: QuestionSpec, assignment: Assignment, references: ModuleType):
    """The checker of a closed-form question, built against the reference's answers."""
    return KINDS[question.kind].checker(question, assignment, references)


def check_form(question: QuestionSpec, student: Student, assignment: Assignment) -> Verdict:
    """The public form check of ``question`` on the student's answer."""
    if question.kind == "function":
        function = student.function(question.name, question.params)
        return Verdict.right(f"`{question.name}{function.signature}` is defined. "
                             f"Its results are checked when you submit.")
    answer = student.value(question.name)
    if answer is None:
        return Verdict.wrong(f"`{question.name}`: {NOT_ANSWERED}")
    return KINDS[question.kind].check_form(question, answer, assignment)
