"""Public form checks: is each answer present, readable in the expected shape, and unambiguous?

They reveal nothing about the answers, so they run in the student's self-check too.  An answer
written ambiguously (``λ/2η``) fails its form check with both readings, before it is submitted.
"""
from __future__ import annotations

import sympy

from .assignment import Assignment, QuestionSpec
from .checkers.coerce import NOT_ANSWERED, NotAnswered, describe, parts_of, to_parsed
from .checkers.intervals import to_range, upper_bound
from .checkers.matrices import check_shape
from .checkers.structures import matrix_entries, normalise_choice, shape_of
from .checkers.parse import ParseError, warnings_of
from .checkers.verdict import Verdict
from .student import Student


def check_form(question: QuestionSpec, student: Student, assignment: Assignment) -> Verdict:
    if question.kind == "function":
        function = student.function(question.name, question.params)
        return Verdict.right(f"`{question.name}{function.signature}` is defined. "
                             f"Its results are checked when you submit.")
    answer = student.value(question.name)
    if answer is None:
        return Verdict.wrong(f"`{question.name}`: {NOT_ANSWERED}")
    ns = assignment.namespace()
    if question.kind in STRUCTURED:
        return STRUCTURED[question.kind](question, answer, assignment)
    if warnings := warnings_of(answer, ns):
        return Verdict.wrong(f"`{question.name}` is ambiguous: " + "\n".join(warnings))
    try:
        if question.kind == "interval":
            to_range(answer, ns, ns.symbols[question.variable])
            return Verdict.right(f"`{question.name}` reads as a range of {question.variable}.")
        if question.kind == "bound":
            answer = upper_bound(answer, ns, ns.symbols[question.variable])
        value = to_parsed(answer, ns).value
    except (NotAnswered, ParseError) as exc:
        parts = parts_of(answer, ns, question.length) if question.kind == "tuple" else None
        unreadable = [(i, p) for i, p in enumerate(parts or (), 1) if isinstance(p, ValueError)]
        if unreadable:
            return Verdict.wrong("\n".join(f"`{question.name}`: value {i} cannot be read: {p}"
                                           for i, p in unreadable))
        return Verdict.wrong(f"`{question.name}`: {exc}")
    if question.kind == "tuple":
        if not isinstance(value, tuple) or len(value) != question.length:
            got = f"{len(value)} values" if isinstance(value, tuple) else "one expression"
            return Verdict.wrong(f"`{question.name}` should hold {question.length} values "
                                 f"(a tuple), got {got}.")
        if not all(isinstance(v, sympy.Expr) for v in value):
            return Verdict.wrong(f"each value of `{question.name}` must be an expression.")
        return Verdict.right(f"`{question.name}` reads as {question.length} expressions.")
    if not isinstance(value, sympy.Expr):
        return Verdict.wrong(f"`{question.name}` should be a single expression.")
    return Verdict.right(f"`{question.name}` reads as an expression.")


def _matrix_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    """Readable, and of the shape the question states (checked on random matrices)."""
    verdict = check_shape(answer, assignment.matrix_space(), question.shape)
    if not verdict.passed:
        return Verdict.wrong(f"`{question.name}`: {verdict.message}")
    return Verdict.right(f"`{question.name}` reads as a matrix expression of the right shape.")


def _sym_matrix_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    rows, cols = question.shape
    try:
        entries = matrix_entries(answer, assignment.namespace())
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    if (len(entries), len(entries[0])) not in ((rows, cols), (cols, rows)):
        return Verdict.wrong(f"`{question.name}` should be a {rows}×{cols} matrix, got "
                             f"{len(entries)}×{len(entries[0])}")
    return Verdict.right(f"`{question.name}` reads as a {len(entries)}×{len(entries[0])} matrix.")


def _choice_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    if normalise_choice(answer, question.options) not in question.options:
        return Verdict.wrong(f"`{question.name}` should be one of: {', '.join(question.options)}"
                             f" (got {describe(answer)})")
    return Verdict.right(f"`{question.name}` names one of the options.")


def _critical_point_form(question: QuestionSpec, answer: object,
                         assignment: Assignment) -> Verdict:
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        return Verdict.wrong(f"`{question.name}` should be (point, type), e.g. "
                             f"((1, 2), 'minimum')")
    try:
        point = to_parsed(answer[0], assignment.namespace()).value
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: cannot read the point: {exc}")
    if not (isinstance(point, tuple) and len(point) == question.length):
        return Verdict.wrong(f"`{question.name}`: the point should have {question.length} "
                             f"coordinates")
    if normalise_choice(answer[1]) not in ("minimum", "maximum", "saddle"):
        return Verdict.wrong(f"`{question.name}`: the type should be minimum, maximum or saddle")
    return Verdict.right(f"`{question.name}` reads as a point and a type.")


def _shapes_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    shapes = answer.values() if isinstance(answer, dict) else answer
    if not isinstance(shapes, (tuple, list)) and not isinstance(answer, dict):
        return Verdict.wrong(f"`{question.name}` should give a shape per parameter")
    try:
        for shape in shapes:
            shape_of(shape, assignment.namespace())
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    return Verdict.right(f"`{question.name}` reads as shapes.")


def _layers_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    """A list, tuple or dict of one NumPy array (or one number, a scalar bias) per layer."""
    import numpy as np
    layers = list(answer.values()) if isinstance(answer, dict) else answer
    if not (isinstance(layers, (list, tuple)) and len(layers) == question.length
            and all(type(a) in (np.ndarray, int, float) for a in layers)):
        return Verdict.wrong(f"`{question.name}` should hold {question.length} NumPy arrays, in a "
                             f"list or a dict (got {describe(answer)})")
    shapes = ", ".join(str(np.shape(a)) for a in layers)
    return Verdict.right(f"`{question.name}` holds {question.length} layers: {shapes}.")


STRUCTURED = {"matrix": _matrix_form, "shapes": _shapes_form, "layers": _layers_form, "sym_matrix": _sym_matrix_form, "choice": _choice_form,
              "critical_point": _critical_point_form}


def form_test(assignment_id: str):
    """The public form-check test of an assignment: one test per question (0 points and
    visible, as every test of a ``test_form*`` file).  A grader folder's ``test_form.py`` is
    just ``test_form = form_test("<id>")``."""
    import pytest
    from gradescope_utils.autograder_utils.decorators import number

    from .assignment import load_assignment

    # code in a module (mlp.py) has no value to look at: its own public checks run it
    questions = [q for q in load_assignment(assignment_id).questions if q.kind != "code"]

    @number("0.{question.id}")
    @pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])
    def test_form(question, student, assignment, grade):
        """Q{question.id} form: {question.title}"""
        grade(check_form(question, student, assignment))

    return test_form
