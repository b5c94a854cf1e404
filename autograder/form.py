"""Public form checks: is each answer present and readable in the expected shape?

They reveal nothing about the answers, so they run in the student's self-check too.
"""
from __future__ import annotations

import sympy

from .assignment import Assignment, QuestionSpec
from .checkers.coerce import NotAnswered, to_parsed
from .checkers.intervals import to_range, upper_bound
from .checkers.parse import ParseError
from .checkers.verdict import Verdict
from .student import Student


def check_form(question: QuestionSpec, student: Student, assignment: Assignment) -> Verdict:
    if question.kind == "function":
        function = student.function(question.name, question.params)
        return Verdict.right(f"`{question.name}{function.signature}` is defined. "
                             f"Its results are checked when you submit.")
    answer = student.value(question.name)
    ns = assignment.namespace()
    try:
        if question.kind == "interval":
            to_range(answer, ns, ns.symbols[question.variable])
            return Verdict.right(f"`{question.name}` reads as a range of {question.variable}.")
        if question.kind == "bound":
            answer = upper_bound(answer, ns, ns.symbols[question.variable])
        value = to_parsed(answer, ns).value
    except (NotAnswered, ParseError) as exc:
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
