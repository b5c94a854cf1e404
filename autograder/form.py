"""The form check of every kind: is an answer readable in the expected shape, and unambiguous?

Each takes (question, answer, assignment) and returns a :class:`Verdict`; :mod:`.kinds` pairs
it with the kind's checker.  They reveal nothing about the answers, so they run in the
student's self-check too.  An answer written ambiguously (``λ/2η``) fails its form check with
both readings, before it is submitted.
"""
from __future__ import annotations

import sympy

from .assignment import Assignment, QuestionSpec
from .checkers.coerce import NotAnswered, as_asked, describe, parts_of, to_parsed
from .checkers.intervals import range_domain, to_range, to_ranges, upper_bound
from .checkers.matrices import check_shape
from .checkers.choices import normalise_choice
from .checkers.structures import matrix_entries, shape_of
from .checkers.parse import ParseError, warnings_of
from .checkers.verdict import Verdict


def _ambiguous(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict | None:
    if warnings := warnings_of(answer, assignment.namespace(question)):
        return Verdict.wrong(f"`{question.name}` is ambiguous: " + "\n".join(warnings))
    return None


def expression_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    return _ambiguous(question, answer, assignment) or _one_expression(question, answer,
                                                                       assignment)


def bound_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    """The largest value of a variable: ``3/c`` or ``η < 3/c``."""
    if ambiguous := _ambiguous(question, answer, assignment):
        return ambiguous
    ns = assignment.namespace(question)
    try:
        answer = upper_bound(answer, ns, ns.symbols[question.variable])
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    return _one_expression(question, answer, assignment)


def _one_expression(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    try:
        value = to_parsed(as_asked(answer, 1), assignment.namespace(question)).value
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    if not isinstance(value, sympy.Expr):
        return Verdict.wrong(f"`{question.name}` should be a single expression.")
    return Verdict.right(f"`{question.name}` reads as an expression.")


def tuple_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    if ambiguous := _ambiguous(question, answer, assignment):
        return ambiguous
    ns = assignment.namespace(question)
    try:
        answer = as_asked(answer, question.length)
    except ParseError as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    try:
        value = to_parsed(answer, ns).value
    except (NotAnswered, ParseError) as exc:
        unreadable = [(i, p) for i, p in enumerate(parts_of(answer, ns, question.length) or (), 1)
                      if isinstance(p, ValueError)]
        if unreadable:
            return Verdict.wrong("\n".join(f"`{question.name}`: value {i} cannot be read: {p}"
                                           for i, p in unreadable))
        return Verdict.wrong(f"`{question.name}`: {exc}")
    if not isinstance(value, tuple) or len(value) != question.length:
        # a 1-tuple is one value, as the graded check reads it: one wording for both
        got = f"{len(value)} values" if isinstance(value, tuple) and len(value) != 1 \
            else "a single expression"
        return Verdict.wrong(f"`{question.name}` should hold {question.length} values "
                             f"(a tuple), got {got}.")
    if not all(isinstance(v, sympy.Expr) for v in value):
        return Verdict.wrong(f"each value of `{question.name}` must be an expression.")
    return Verdict.right(f"`{question.name}` reads as {question.length} expressions.")


def interval_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    if ambiguous := _ambiguous(question, answer, assignment):
        return ambiguous
    ns = assignment.namespace(question)
    symbol = ns.symbols[question.variable]
    try:
        if question.union:
            to_ranges(answer, ns, symbol, range_domain(ns, symbol, question.id))
        else:
            to_range(answer, ns, symbol)
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    return Verdict.right(f"`{question.name}` reads as a range of {question.variable}.")


def matrix_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    """Readable, and of the shape the question states (checked on random matrices)."""
    verdict = check_shape(answer, assignment.matrix_space(question=question), question.shape)
    if not verdict.passed:
        return Verdict.wrong(f"`{question.name}`: {verdict.message}")
    return Verdict.right(f"`{question.name}` reads as a matrix expression of the right shape.")


def sym_matrix_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    rows, cols = question.shape
    try:
        entries = matrix_entries(answer, assignment.namespace(question))
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    if (len(entries), len(entries[0])) not in ((rows, cols), (cols, rows)):
        return Verdict.wrong(f"`{question.name}` should be a {rows}×{cols} matrix, got "
                             f"{len(entries)}×{len(entries[0])}")
    return Verdict.right(f"`{question.name}` reads as a {len(entries)}×{len(entries[0])} matrix.")


def choice_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    if normalise_choice(answer, question.options) not in question.options:
        return Verdict.wrong(f"`{question.name}` should be one of: {', '.join(question.options)}"
                             f" (got {describe(answer)})")
    return Verdict.right(f"`{question.name}` names one of the options.")


def critical_point_form(question: QuestionSpec, answer: object,
                        assignment: Assignment) -> Verdict:
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        return Verdict.wrong(f"`{question.name}` should be (point, type), e.g. "
                             f"((1, 2), 'minimum')")
    try:
        point = to_parsed(answer[0], assignment.namespace(question)).value
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: cannot read the point: {exc}")
    if not (isinstance(point, tuple) and len(point) == question.length):
        return Verdict.wrong(f"`{question.name}`: the point should have {question.length} "
                             f"coordinates")
    if normalise_choice(answer[1]) not in ("minimum", "maximum", "saddle"):
        return Verdict.wrong(f"`{question.name}`: the type should be minimum, maximum or saddle")
    return Verdict.right(f"`{question.name}` reads as a point and a type.")


def shapes_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    shapes = answer.values() if isinstance(answer, dict) else answer
    if not isinstance(shapes, (tuple, list)) and not isinstance(answer, dict):
        return Verdict.wrong(f"`{question.name}` should give a shape per parameter")
    try:
        for shape in shapes:
            shape_of(shape, assignment.namespace(question))
    except (NotAnswered, ParseError) as exc:
        return Verdict.wrong(f"`{question.name}`: {exc}")
    return Verdict.right(f"`{question.name}` reads as shapes.")


def layers_form(question: QuestionSpec, answer: object, assignment: Assignment) -> Verdict:
    """A list, tuple or dict of one NumPy array (or one number, a scalar bias) per layer."""
    import numpy as np
    layers = list(answer.values()) if isinstance(answer, dict) else answer
    if not (isinstance(layers, (list, tuple)) and len(layers) == question.length
            and all(type(a) in (np.ndarray, int, float) for a in layers)):
        return Verdict.wrong(f"`{question.name}` should hold {question.length} NumPy arrays, in a "
                             f"list or a dict (got {describe(answer)})")
    shapes = ", ".join(str(np.shape(a)) for a in layers)
    return Verdict.right(f"`{question.name}` holds {question.length} layers: {shapes}.")
