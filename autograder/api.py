"""Everything a grader file needs, in one import.

A graded test's points and visibility are its question's in assignment.toml (matched by its
``@number``), so gradescope-utils' ``@weight`` and ``@visibility`` are refused here with a
message that says so (a grader file that imports them does not load).
"""
from gradescope_utils.autograder_utils.decorators import (  # noqa: F401
    hide_errors, number, partial_credit, tags)

from .assignment import load_assignment  # noqa: F401
from .checkers.arrays import as_array, as_vector, check_array  # noqa: F401
from .checkers.cases import judge_cases  # noqa: F401
from .checkers.coerce import NOT_ANSWERED, describe  # noqa: F401
from .checkers.expressions import ExpressionQuestion  # noqa: F401
from .checkers.intervals import IntervalQuestion, upper_bound  # noqa: F401
from .checkers.matrices import MatrixQuestion  # noqa: F401
from .checkers.matrix_space import MatrixSpace  # noqa: F401
from .checkers.choices import ChoiceQuestion  # noqa: F401
from .checkers.structures import (CriticalPointQuestion, ShapesQuestion,  # noqa: F401
                                  SymbolicMatrixQuestion, matrix_entries)
from .checkers.gradients import compare  # noqa: F401
from .checkers.numbers import as_number, as_whole_numbers, check_number  # noqa: F401
from .checkers.parse import ParseError  # noqa: F401
from .checkers.verdict import Verdict  # noqa: F401
from .outcomes import Incorrect, Undecided  # noqa: F401
from .kinds import check_form  # noqa: F401
from .reference import load_reference  # noqa: F401

FROM_THE_TOML = {"weight": "points come from `points`",
                 "visibility": "visibility comes from `visibility`"}


def __getattr__(name: str):
    if name in FROM_THE_TOML:
        raise ImportError(f"autograder.api has no @{name}: a graded test's {FROM_THE_TOML[name]}"
                          f" of its question in assignment.toml (the question its @number "
                          f"names); remove the decorator")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
