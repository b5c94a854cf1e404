"""A pytest plugin that turns every grader test into a :class:`TestResult`, whatever happens.

Graders are pytest functions carrying gradescope-utils' metadata (``@weight``, ``@number``,
``@visibility``, ``@partial_credit``, ``@tags``, ``@hide_errors``).  A run has three phases
(see :mod:`autograder.student`): every test is first *planned* (run with placeholder replies,
to learn its probes), then every probe is *fetched* from the student's code, and only then is
each test *judged*, in a forked child with CPU and memory limits (:mod:`autograder.isolated`).

Nothing is dropped: a pass, a failure, an error, a skip, an undecided check, a test that never
ran and a grader file that would not even import each give a result worth the test's points.
A run cut short (a time limit reached outside a check, an error of pytest's own) leaves the
questions it did not judge *undecided*, flagged for the instructor, never an engine error.
Students see only our feedback messages, never a traceback (a traceback can show the reference
values in the grader's locals); tracebacks go to the instructor log.  A test without a
``@visibility`` is shown only after the due date, so a forgotten decorator opens no oracle.
"""
from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from .assignment import DEFAULT_VISIBILITY, PUBLIC_PREFIX, Assignment
from .budget import FLAGGED, WALL_FACTOR, Expired, Undecided, cpu_limit, wall_limit
from .checkers.verdict import Incorrect, Verdict
from .isolated import out_of_cpu, out_of_time, run_isolated
from .results import TestResult
from .student import Student

INTERNAL = ("The autograder could not check this question (an internal error, not your fault). "
            "Please tell your instructor.")
NOT_JUDGED = "the grading run stopped before this question was checked"
LIMIT_REACHED = "the grader's time limit was reached before this question was checked"


class Grade:
    """The ``grade`` fixture: ``grade(verdict)`` records the credit and fails on a wrong answer."""

    def __init__(self):
        self.fraction: float | None = None
        self.notes: list[str] = []

    def __call__(self, verdict: Verdict) -> None:
        self.fraction = verdict.fraction
        if verdict.undecided:
            raise Undecided(verdict.undecided, fraction=verdict.fraction, feedback=verdict.message)
        if not verdict.passed:
            raise Incorrect(verdict.message or "not correct", verdict.fraction)
        if verdict.message:
            self.notes.append(verdict.message)


class GraderError(Exception):
    """A grader test broke (not the student's answer); the message is its traceback."""


class GradingPlugin:
    def __init__(self, assignment: Assignment, student: Student, graded: bool = True,
                 verdicts: dict | None = None):
        self.config = assignment
        # verdicts already reached in this batch, by evidence (Student.evidence): a test whose
        # replies were all seen before gets the same verdict without being checked again
        self.verdicts = verdicts
        self.graded = graded   # every graded question of the toml gets a result
        self._student = student
        self.order: list[str] = []
        self.results: dict[str, TestResult] = {}
        self.pending: dict[str, dict] = {}
        self.grades: dict[str, Grade] = {}
        self.log: list[str] = []
        self.unplanned: dict[str, dict] = {}   # tests whose planning run reached a limit
        self.stopped = ""   # why the run stopped before judging every test (instructor's)

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

    def pytest_exception_interact(self, node, call, report):
        if call.excinfo.errisinstance(Expired) and isinstance(report, pytest.CollectReport):
            self.stopped = f"a time limit was reached while loading {node.path.name}"

    def pytest_internalerror(self, excrepr, excinfo):
        """pytest's run stopped (also a time limit reached between tests): what was not judged
        is undecided (see pytest_sessionfinish); the cause goes to the instructor log."""
        what = "a time limit was reached" if excinfo.errisinstance(Expired) else \
            f"{excinfo.typename} in the grading run"
        self.stopped = f"{what}; the run stopped"
        self.log.append(f"the grading run stopped:\n{excrepr}")
        return True

    # plan and fetch: all student code runs here, before any check ---------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session):
        for item in session.items:
            self._plan(item)
        self._student.fetch([item.nodeid for item in session.items])
        return (yield)

    def _plan(self, item) -> None:
        """Run the test with placeholder replies (trusted grader code on no student data) to
        learn the probes it makes."""
        try:
            self._plan_limited(item)
        except Expired:  # a limit reached outside its block: this test cannot be judged
            self.unplanned[item.nodeid] = {"undecided": LIMIT_REACHED,
                                           "detail": "a time limit was reached while planning"}

    def _plan_limited(self, item) -> None:
        arguments = self._arguments(item, Grade())
        if arguments is None:
            return
        self._student.plan(item.nodeid)
        seconds = self.config.grader_limits.question_seconds
        with wall_limit(WALL_FACTOR * seconds) as wall, cpu_limit(seconds) as cpu:
            try:
                item.obj(**arguments)
            except (Exception, pytest.skip.Exception, pytest.fail.Exception):
                pass  # a planning run ends however it ends
        _forget_score(item)
        if cpu.expired:  # judging it would only run into the same limit
            self.unplanned[item.nodeid] = out_of_cpu(seconds)
        elif wall.expired:
            self.unplanned[item.nodeid] = out_of_time(WALL_FACTOR * seconds)

    def _arguments(self, item, grade: Grade) -> dict | None:
        """The test function's arguments: our fixtures and its parameters."""
        params = getattr(getattr(item, "callspec", None), "params", {})
        available = {"student": self._student, "assignment": self.config, "grade": grade,
                     **params}
        names = item._fixtureinfo.argnames
        if not all(name in available for name in names):
            self.log.append(f"{item.nodeid}: cannot plan a test with fixtures other than "
                            f"student, assignment and grade")
            return None
        return {name: available[name] for name in names}

    # judge --------------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        _forget_score(pyfuncitem)
        self._student.judge(pyfuncitem.nodeid)
        grade = self.grades.setdefault(pyfuncitem.nodeid, Grade())
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

        def call() -> dict:
            try:
                pyfuncitem.obj(**arguments)
                error = None
            except (Exception, pytest.skip.Exception, pytest.fail.Exception) as exc:
                error = _describe_error(exc)  # raised again in this process
            return {"error": error, "fraction": grade.fraction, "notes": grade.notes,
                    "score": getattr(pyfuncitem.obj, "__score__", None)}

        outcome = self.unplanned.get(pyfuncitem.nodeid)
        evidence = None
        if outcome is None and self.verdicts is not None:
            evidence = self._student.evidence(pyfuncitem.nodeid)
            outcome = self.verdicts.get(evidence)
        if outcome is None:
            outcome = run_isolated(call, cpu_seconds=self.config.grader_limits.question_seconds,
                                   memory_mb=self.config.grader_limits.grader_memory_mb)
            if evidence is not None and _reusable(outcome):
                self.verdicts[evidence] = outcome
        if "undecided" in outcome:
            raise Undecided(outcome["undecided"], outcome.get("detail", ""))
        grade.fraction, grade.notes = outcome["fraction"], outcome["notes"]
        if outcome["score"] is not None:
            pyfuncitem.obj.__score__ = outcome["score"]
        if outcome["error"]:
            _raise(outcome["error"])
        return True

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
            self.results[item.nodeid] = self._quoted(self._finish(item, info))
        return report

    def pytest_sessionfinish(self, session):
        for nodeid in self.order:
            if nodeid not in self.results:
                info = self.pending[nodeid]
                self.results[nodeid] = not_judged(
                    info["name"], info["weight"], info["number"], info["visibility"],
                    self.stopped or "the run stopped", info["tags"], info["public"])
        if self.graded:
            self._unrun_questions()

    def _unrun_questions(self) -> None:
        """A graded question of assignment.toml that no test graded (its grader file would not
        load, or has no test of that number) still gets its result, worth its points."""
        numbers = {info["number"] for info in self.pending.values()}
        for spec in self.config.graded_tests:
            if spec.id in numbers:
                continue
            self.log.append(f"question {spec.id} of assignment.toml was graded by no test")
            self.order.append(f"<toml>::{spec.id}")
            self.results[f"<toml>::{spec.id}"] = not_judged_question(spec, self.stopped) \
                if self.stopped else TestResult(f"Q{spec.id}: {spec.title}", spec.points, 0.0,
                                                spec.id, spec.visibility, INTERNAL,
                                                outcome="error")

    def _quoted(self, result: TestResult) -> TestResult:
        """A hand-written test's result of a question answered in the write-up says first
        what was read and where (the toml's tests say it themselves)."""
        question = next((q for q in self.config.questions if q.id == result.number), None)
        source = self._student.source_of(question.name) if question and question.custom else ""
        if source and not result.output.startswith(source):
            result.output = f"{source}\n\n{result.output}"
        return result

    # results ------------------------------------------------------------------------------------
    def ordered_results(self) -> list[TestResult]:
        return [self.results[n] for n in self.order if n in self.results]

    def _describe(self, item) -> dict:
        """A test's name, points, number and visibility: a graded test's come from
        assignment.toml by its number; a public check's (0 points, visible) from its code."""
        function = getattr(item, "obj", None)
        params = getattr(getattr(item, "callspec", None), "params", {})
        number = getattr(function, "__number__", None)
        number = _fill(number, params) if number is not None else None
        public = item.path.name.startswith(PUBLIC_PREFIX)
        doc = (getattr(function, "__doc__", None) or "").strip().splitlines()
        info = {"name": _fill(doc[0], params) if doc else item.name, "weight": 0.0,
                "number": number, "visibility": "visible", "public": public,
                "tags": tuple(getattr(function, "__tags__", ())),
                "hide_errors": getattr(function, "__hide_errors__", None)}
        if not public:
            spec = self.config.graded_test(number) if number is not None else None
            if spec is None:
                info["unlisted"] = True
                info["visibility"] = DEFAULT_VISIBILITY
            else:
                info.update(name=f"Q{spec.id}: {spec.title}", weight=spec.points,
                            visibility=spec.visibility)
        return info

    def _finish(self, item, info: dict) -> TestResult:
        weight = info["weight"]
        grade = self.grades.get(item.nodeid)
        set_score = getattr(getattr(item, "obj", None), "__score__", None)
        notes = grade.notes if grade else []
        excinfo = info.get("excinfo")
        outcome, output, fraction, detail = "failed", "", 0.0, ""
        if info.get("unlisted"):
            self.log.append(f"{item.nodeid}: its number {info['number']!r} is no graded "
                            f"question or part of assignment.toml, so it has no points")
            return TestResult(info["name"], 0.0, 0.0, info["number"], info["visibility"],
                              INTERNAL, info["tags"], info["public"], "error")
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
            if isinstance(error, Undecided):
                outcome, fraction, detail = "undecided", error.fraction, error.detail
                output = "\n\n".join(p for p in (error.feedback, f"{error}: {FLAGGED}.") if p)
            elif isinstance(error, Expired):
                outcome, output = "undecided", f"{LIMIT_REACHED}: {FLAGGED}."
                detail = f"a time limit was reached in the test's {info['when']}"
            elif isinstance(error, Incorrect):
                fraction = error.verdict.fraction
                output = str(error)
            elif isinstance(error, AssertionError) and info["when"] == "call":
                output = info["hide_errors"] or _assertion_message(error)
            else:
                outcome = "error"
                output = INTERNAL
                cause = str(error) if isinstance(error, GraderError) else "".join(
                    traceback.format_exception(type(error), error, error.__traceback__))
                self.log.append(f"{item.nodeid} raised:\n{cause}")
            if info["hide_errors"] and outcome == "failed":
                output = info["hide_errors"]
        score = weight * fraction
        if set_score is not None and outcome in ("passed", "failed"):
            score = float(set_score)
            outcome = "passed" if score >= weight and outcome == "passed" else "failed"
        if detail:
            self.log.append(f"{item.nodeid} undecided: {detail}")
        return TestResult(info["name"], weight, score, info["number"], info["visibility"],
                          output, info["tags"], info["public"], outcome, detail)


def not_judged(name: str, points: float, number: str | None, visibility: str, why: str,
               tags: tuple = (), public: bool = False) -> TestResult:
    """A test the run never judged: undecided (never a verdict), flagged with ``why``."""
    return TestResult(name, points, 0.0, number, visibility, f"{NOT_JUDGED}: {FLAGGED}.", tags,
                      public, "undecided", why)


def not_judged_question(spec, why: str) -> TestResult:
    """A graded question of assignment.toml that the run never judged."""
    return not_judged(f"Q{spec.id}: {spec.title}", spec.points, spec.id, spec.visibility, why)


def _reusable(outcome: dict) -> bool:
    """A verdict the same replies always earn: right or wrong, never undecided (a limit was
    reached) nor a grader's error."""
    error = outcome.get("error")
    return "undecided" not in outcome and (error is None or error["kind"] in
                                            ("incorrect", "assertion", "skip"))


def _forget_score(item) -> None:
    """partial_credit keeps the score on the function between runs: start afresh."""
    function = getattr(item, "obj", None)
    if function is not None and hasattr(function, "__score__"):
        del function.__score__


def _describe_error(exc: BaseException) -> dict:
    """A test's exception as plain data (it crosses from the judging child)."""
    if isinstance(exc, Undecided):
        return {"kind": "undecided", "message": str(exc), "detail": exc.detail,
                "fraction": exc.fraction, "feedback": exc.feedback}
    if isinstance(exc, Incorrect):
        return {"kind": "incorrect", "message": str(exc), "fraction": exc.verdict.fraction}
    if isinstance(exc, pytest.skip.Exception):
        return {"kind": "skip", "message": exc.msg}
    if isinstance(exc, AssertionError):
        return {"kind": "assertion", "message": str(exc)}
    # a failed allocation in a C extension (mpmath, gmpy) can surface as a SystemError
    if _caused_by(exc, (MemoryError, RecursionError, SystemError)):
        return {"kind": "undecided", "message": "checking this answer needed more memory than "
                                                "the grader allows",
                "detail": f"{type(exc).__name__} while checking", "fraction": 0.0,
                "feedback": ""}
    return {"kind": "internal", "message": "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))}


def _caused_by(exc: BaseException, kinds: tuple) -> bool:
    """Is ``exc``, or an exception it arose from, one of ``kinds`` (a failed allocation can
    surface as another error raised while handling it)?"""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _raise(error: dict) -> None:
    kind, message = error["kind"], error["message"]
    if kind == "undecided":
        raise Undecided(message, error["detail"], error["fraction"], error["feedback"])
    if kind == "incorrect":
        raise Incorrect(message, error["fraction"])
    if kind == "skip":
        pytest.skip(message)
    if kind == "assertion":
        raise AssertionError(message)
    raise GraderError(message)


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
