"""A pytest plugin that turns every grader test into a :class:`TestResult`, whatever happens.

Graders are pytest functions carrying gradescope-utils' metadata (``@weight``, ``@number``,
``@visibility``, ``@partial_credit``, ``@tags``, ``@hide_errors``).  Unlike gradescope-utils'
own unittest runner, nothing is dropped: a pass, a failure, an error, a skip, a timeout, a test
that never ran and a grader file that would not even import each give a result worth the test's
points.  Students see only our feedback messages, never a traceback (a traceback can show the
reference values in the grader's locals); tracebacks go to the instructor log.
"""
from __future__ import annotations

import ast
import time
import traceback
from pathlib import Path

import pytest

from .assignment import PUBLIC_PREFIX, Assignment
from .checkers.verdict import Verdict
from .feedback import Incorrect
from .results import TestResult
from .student import Student
from .timelimit import BudgetExhausted, TimeLimitExceeded, time_limit

INTERNAL = ("The autograder could not check this question (an internal error, not your fault). "
            "Please tell your instructor.")


class Grade:
    """The ``grade`` fixture: ``grade(verdict)`` records the credit and fails on a wrong answer."""

    def __init__(self):
        self.fraction: float | None = None
        self.notes: list[str] = []

    def __call__(self, verdict: Verdict) -> None:
        self.fraction = verdict.fraction
        if not verdict.passed:
            raise Incorrect(verdict.message or "not correct", verdict.fraction)
        if verdict.message:
            self.notes.append(verdict.message)


class GradingPlugin:
    def __init__(self, assignment: Assignment, student: Student, default_visibility: str):
        self.config = assignment
        self._student = student
        self.default_visibility = default_visibility
        self.order: list[str] = []
        self.results: dict[str, TestResult] = {}
        self.pending: dict[str, dict] = {}
        self.grades: dict[str, Grade] = {}
        self.log: list[str] = []
        self.deadline = time.monotonic() + assignment.limits.budget_seconds

    # fixtures offered to grader files ------------------------------------------------------
    @pytest.fixture(scope="session")
    def student(self) -> Student:
        return self._student

    @pytest.fixture(scope="session")
    def assignment(self) -> Assignment:
        return self.config

    @pytest.fixture
    def grade(self, request) -> Grade:
        return self.grades.setdefault(request.node.nodeid, Grade())

    # collection ------------------------------------------------------------------------------
    def pytest_collection_modifyitems(self, items):
        for item in items:
            self.order.append(item.nodeid)
            self.pending[item.nodeid] = self._describe(item)

    def pytest_configure(self, config):
        self.rootpath = Path(config.rootpath)

    def pytest_collectreport(self, report):
        if report.failed and report.nodeid:
            path = self.rootpath / report.nodeid.split("::")[0]
            self.log.append(f"grader file {path.name} failed to load:\n{report.longreprtext}")
            for info in static_tests(path, self.default_visibility):
                key = f"{path.name}::{info['function']}"
                self.order.append(key)
                self.results[key] = TestResult(
                    info["name"], info["weight"], 0.0, info["number"], info["visibility"],
                    INTERNAL, public=path.name.startswith(PUBLIC_PREFIX), outcome="error")

    # running ----------------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        function = getattr(item, "obj", None)
        if function is not None and hasattr(function, "__score__"):
            del function.__score__  # partial_credit keeps it on the function between runs
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BudgetExhausted
        limit = min(self.config.question_seconds, left)
        try:
            with time_limit(limit):
                return (yield)
        except TimeLimitExceeded:
            if limit < self.config.question_seconds:
                raise BudgetExhausted from None
            raise

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        info = self.pending.get(item.nodeid)
        if info is None:
            return report
        if call.excinfo is not None and info.get("excinfo") is None and call.when != "teardown":
            info["excinfo"] = call.excinfo
            info["when"] = call.when
        if report.skipped and call.when in ("setup", "call"):
            info["skipped"] = True
        if call.when == "call" and report.passed:
            info["passed"] = True
        if call.when == "teardown":
            if call.excinfo is not None:
                self.log.append(f"{item.nodeid} teardown error: {call.excinfo.exconly()}")
            self.results[item.nodeid] = self._finish(item, info)
        return report

    def pytest_sessionfinish(self, session):
        for nodeid in self.order:
            if nodeid not in self.results:
                info = self.pending[nodeid]
                self.results[nodeid] = TestResult(
                    info["name"], info["weight"], 0.0, info["number"], info["visibility"],
                    "This question was not graded: the grading run stopped early. "
                    "Please tell your instructor.", info["tags"], info["public"], "not run")

    # results ------------------------------------------------------------------------------------
    def ordered_results(self) -> list[TestResult]:
        return [self.results[n] for n in self.order if n in self.results]

    def _describe(self, item) -> dict:
        function = getattr(item, "obj", None)
        params = getattr(getattr(item, "callspec", None), "params", {})
        doc = (getattr(function, "__doc__", None) or "").strip().splitlines()
        name = _fill(doc[0], params) if doc else item.name
        number = getattr(function, "__number__", None)
        return {
            "name": name,
            "weight": float(getattr(function, "__weight__", 0.0) or 0.0),
            "number": _fill(number, params) if number is not None else None,
            "visibility": getattr(function, "__visibility__", self.default_visibility),
            "tags": tuple(getattr(function, "__tags__", ())),
            "public": Path(str(item.fspath)).name.startswith(PUBLIC_PREFIX),
            "hide_errors": getattr(function, "__hide_errors__", None),
        }

    def _finish(self, item, info: dict) -> TestResult:
        weight = info["weight"]
        grade = self.grades.get(item.nodeid)
        set_score = getattr(getattr(item, "obj", None), "__score__", None)
        notes = grade.notes if grade else []
        excinfo = info.get("excinfo")
        outcome, output, fraction = "failed", "", 0.0
        if info.get("passed"):
            outcome = "passed"
            fraction = grade.fraction if grade and grade.fraction is not None else 1.0
            output = "\n\n".join(notes) or "Correct."
        elif info.get("skipped"):
            outcome = "skipped"
            reason = excinfo.value.msg if excinfo is not None and hasattr(excinfo.value, "msg") else ""
            output = f"Not checked: {reason}" if reason else "Not checked."
        elif excinfo is not None:
            error = excinfo.value
            if isinstance(error, Incorrect):
                fraction = error.fraction
                output = str(error)
            elif isinstance(error, BudgetExhausted):
                outcome = "timeout"
                output = (f"Not graded: the time for grading this submission "
                          f"({self.config.limits.budget_seconds:g} s in all) ran out first.")
            elif isinstance(error, TimeLimitExceeded):
                outcome = "timeout"
                output = (f"Checking this question took longer than "
                          f"{self.config.question_seconds:g} s, so it earns no points.")
            elif isinstance(error, AssertionError) and info["when"] == "call":
                output = info["hide_errors"] or _assertion_message(error)
            else:
                outcome = "error"
                output = INTERNAL
                self.log.append(f"{item.nodeid} raised:\n" + "".join(
                    traceback.format_exception(type(error), error, error.__traceback__)))
            if info["hide_errors"] and outcome == "failed":
                output = info["hide_errors"]
        score = weight * fraction
        if set_score is not None and outcome in ("passed", "failed"):
            score = float(set_score)
            outcome = "passed" if score >= weight and outcome == "passed" else "failed"
        return TestResult(info["name"], weight, score, info["number"], info["visibility"],
                          output, info["tags"], info["public"], outcome)


def _fill(template: str, params: dict) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, AttributeError, ValueError):
        return template


def _assertion_message(error: AssertionError) -> str:
    """The author's message of a bare ``assert``, without pytest's value introspection."""
    text = str(error)
    message = text.split("\nassert ")[0].strip() if text else ""
    return message if message and not message.startswith("assert ") else "Not correct."


def static_tests(path: Path, default_visibility: str) -> list[dict]:
    """The tests a grader file declares, read from its syntax tree (it could not be imported)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return [{"function": path.stem, "name": f"{path.name} (could not be loaded)",
                 "weight": 0.0, "number": None, "visibility": "visible"}]
    found = []
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test")):
            continue
        meta = {"weight": 0.0, "number": None, "visibility": default_visibility}
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) \
                    and decorator.args and isinstance(decorator.args[0], ast.Constant):
                value = decorator.args[0].value
                key = {"weight": "weight", "partial_credit": "weight", "number": "number",
                       "visibility": "visibility"}.get(decorator.func.id)
                if key:
                    meta[key] = float(value) if key == "weight" else str(value)
        doc = (ast.get_docstring(node) or node.name).strip().splitlines()[0]
        found.append({"function": node.name, "name": doc, **meta})
    return found
