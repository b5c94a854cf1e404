"""From a question of assignment.toml to how its kind is checked: one registry, :data:`KINDS`.

One :class:`Kind` per kind of the schema holds all that is particular to it: the question keys
it reads, its public form check ``(question, answer, assignment) -> Verdict`` (see
:mod:`.form`) and, for a closed form, the builder of its checker, whose ``check(answer) ->
Verdict`` is the graded test.  :mod:`.generated` makes the pytest tests of both from the toml;
tests/test_kinds.py checks the registry against assignment.schema.json.  docs/authoring.md
(Adding a kind) says what a new kind needs.
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

FormCheck = Callable[[QuestionSpec, object, Assignment], Verdict]   # of the answer's value
DefinedCheck = Callable[[QuestionSpec, Student, Assignment], Verdict]   # of what is defined
Builder = Callable[[QuestionSpec, Assignment, ModuleType], object]   # a closed form's checker
# keys of every question, whatever its kind (the rest are each read by the kinds that name them)
COMMON_KEYS = frozenset({"id", "name", "kind", "title", "points", "visibility", "parts",
                         "square_side", "custom", "given"})

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
    test = sympy.lambdify(names, relation, modules="math", docstring_limit=0)
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


def _function_defined(question: QuestionSpec, student: Student, assignment: Assignment) -> Verdict:
    """A function's form check: it is defined with the parameters asked (no value to read)."""
    function = student.function(question.name, question.params)
    return Verdict.right(f"`{question.name}{function.signature}` is defined. "
                         f"Its results are checked when you submit.")


@dataclass(frozen=True)
class Kind:
    """Everything particular to one kind of question: the toml keys it reads besides
    :data:`COMMON_KEYS`, its public form check (of the student's value, or of what the student
    defines), and for a closed form the builder of its checker.  Without a checker the kind
    is hand-written: pytest functions grade it."""
    keys: frozenset[str]
    check_form: FormCheck | None = None
    checker: Builder | None = None
    check_defined: DefinedCheck | None = None   # instead of check_form (a function: no value)

    @property
    def form_checked(self) -> bool:
        """Whether the self-check has a form check of it (code in a module runs its own)."""
        return bool(self.check_form or self.check_defined)


def _keys(*keys: str) -> frozenset[str]:
    return frozenset(keys)


_EXPRESSIONS = ("labels", "wrong", "constraint", "rtol")   # read by every kind made of expressions
KINDS = {
    "expression": Kind(_keys(*_EXPRESSIONS), form.expression_form, _expression),
    "tuple": Kind(_keys(*_EXPRESSIONS, "length", "unordered"), form.tuple_form, _expression),
    "bound": Kind(_keys(*_EXPRESSIONS, "variable"), form.bound_form, _Bound),
    "interval": Kind(_keys("labels", "wrong", "rtol", "variable", "union", "openness"),
                     form.interval_form, _interval),
    "matrix": Kind(_keys("labels", "wrong", "shape", "layout"), form.matrix_form, _matrix),
    "sym_matrix": Kind(_keys("labels", "wrong", "shape", "rows", "columns"),
                       form.sym_matrix_form, _sym_matrix),
    "choice": Kind(_keys("labels", "wrong", "options"), form.choice_form, _choice),
    "critical_point": Kind(_keys("labels", "length", "function", "variables"),
                           form.critical_point_form, _critical_point),
    "shapes": Kind(_keys("labels"), form.shapes_form, _shapes),
    "layers": Kind(_keys("length"), form.layers_form),          # mnist's weights
    "function": Kind(_keys("params"), check_defined=_function_defined),
    "code": Kind(_keys()),   # code in a module (mlp.py): its graders' public checks run it
}


_built: dict[tuple, tuple] = {}   # (question, assignment, references, checker) by their ids


def checker(question: QuestionSpec, assignment: Assignment, references: ModuleType):
    """The checker of a closed-form question, built against the reference's answers; built
    once for the same three objects (a checker only reads what it was built from, so a
    batch's worker builds each once and its gradings share it)."""
    made = (question, assignment, references)
    key = tuple(map(id, made))
    cached = _built.get(key)
    if cached is None or any(x is not y for x, y in zip(cached, made)):
        if len(_built) > 4096:   # assignments with given values are new objects: stay small
            _built.clear()
        cached = _built[key] = (*made, KINDS[question.kind].checker(*made))
    return cached[3]


def check_form(question: QuestionSpec, student: Student, assignment: Assignment) -> Verdict:
    """The public form check of ``question`` on the student's answer."""
    kind = KINDS[question.kind]
    if kind.check_defined:
        return kind.check_defined(question, student, assignment)
    answer = student.value(question.name)
    if answer is None:
        return Verdict.wrong(f"`{question.name}`: {NOT_ANSWERED}")
    return kind.check_form(question, answer, assignment)
