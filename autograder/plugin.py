"""A pytest plugin that turns every grader test into a :class:`TestResult`, whatever happens.

Graders are pytest functions carrying gradescope-utils' metadata (``@number``,
``@partial_credit``, ``@tags``, ``@hide_errors``); a graded test's points, title and visibility
come from assignment.toml by its number, never from the test (``autograder.api`` refuses
``@weight`` and ``@visibility``).  A run has three phases (see :mod:`autograder.student`):
every test is first *planned* (run with placeholder replies, to learn its probes), then every
probe is *fetched* from the student's code, and only then is each test *judged*, all in one
forked child with CPU and memory limits for each test (:mod:`autograder.isolated`; a fresh
child after one that died), which sends back each test's :class:`~autograder.outcomes.Outcome`.

Nothing is dropped: a pass, a failure, an error, a skip, an undecided check, a test that never
ran and a grader file that would not even import each give a result worth the test's points.
A run cut short (a time limit reached outside a check, an error of pytest's own) leaves the
questions it did not judge *undecided*, flagged for the instructor, never an engine error.
Students see only our feedback messages, never a traceback (a traceback can show the reference
values in the grader's locals); tracebacks go to the instructor log.  A test whose number is
not in assignment.toml earns no points and is shown only after the due date, so a mistyped
number opens no oracle.
"""
from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from .assignment import DEFAULT_VISIBILITY, PUBLIC_PREFIX, Assignment
from .budget import WALL_FACTOR, cpu_limit, wall_limit
from .checkers.verdict import Verdict
from .isolated import out_of_cpu, out_of_time, run_batch, run_isolated
from .outcomes import Expired, Incorrect, Kind, Outcome, Undecided, undecided
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
            raise Undecided(verdict.undecided, fraction=verdict.fraction, message=verdict.message)
        if not verdict.passed:
            raise Incorrect(verdict.message or "not correct", verdict.fraction)
        if verdict.message:
            self.notes.append(verdict.message)


class GradingPlugin:
    """One grading run of one submission: ``grading.run_graders`` makes it, hands it to
    ``pytest.main`` and reads ``ordered_results()`` and ``log`` when pytest is done; only
    pytest's hooks below change it while the run lasts.

    It holds the assignment and the student (read only), the tests in collection order and
    what assignment.toml says of each (``pending``), each judged test's :class:`Outcome`
    (``outcomes``) and :class:`TestResult` (``results``), the instructor's ``log``, and
    ``verdicts``: the outcomes (as JSON) a batch reached, by evidence
    (:meth:`Student.evidence`; ``get`` and item assignment, see
    :class:`autograder.batch.verdicts.Verdicts`), which the run reads and adds to, so a test
    whose replies were all seen before gets the same outcome without being checked again."""

    def __init__(self, assignment: Assignment, student: Student, graded: bool = True,
                 verdicts: dict | None = None):
        self.config = assignment
        self.verdicts = verdicts
        self.graded = graded   # every graded question of the toml gets a result
        self._student = student
        self.order: list[str] = []
        self.results: dict[str, TestResult] = {}
        self.pending: dict[str, dict] = {}
        self.grades: dict[str, Grade] = {}
        self.outcomes: dict[str, Outcome] = {}
        self.log: list[str] = []
        self.unplanned: dict[str, Outcome] = {}   # tests whose planning run reached a limit
        self.judged: dict[str, Outcome] = {}      # the outcomes of _judge_all, by test
        self.unfit: set[str] = set()   # tests with fixtures of their own: judged by pytest's call
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
        self._judge_all(session.items)
        return (yield)

    def _plan(self, item) -> None:
        """Run the test with placeholder replies (trusted grader code on no student data) to
        learn the probes it makes."""
        try:
            self._plan_limited(item)
        except Expired:  # a limit reached outside its block: this test cannot be judged
            self.unplanned[item.nodeid] = undecided(LIMIT_REACHED,
                                                    "a time limit was reached while planning")

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
            if item.nodeid in self.unfit:   # said when it was planned
                return None
            self.unfit.add(item.nodeid)
            self.log.append(f"{item.nodeid}: cannot plan a test with fixtures other than "
                            f"student, assignment and grade")
            return None
        return {name: available[name] for name in names}

    # judge --------------------------------------------------------------------------------------
    def _judge_all(self, items) -> None:
        """Judge, in collection order and in as few bounded children as may be
        (:func:`~autograder.isolated.run_batch`), every test whose outcome is not known yet:
        not reached at planning, nor reused from ``verdicts``."""
        todo = []
        for item in items:
            if item.nodeid in self.unplanned:
                continue
            evidence = self._student.evidence(item.nodeid) if self.verdicts is not None else None
            known = self.verdicts.get(evidence) if evidence is not None else None
            if known is not None:
                self.judged[item.nodeid] = Outcome.from_json(known)
                continue
            arguments = self._arguments(item, Grade())
            if arguments is not None:
                todo.append((item, arguments, evidence))
        limits = self.config.grader_limits
        outcomes = run_batch([self._check(item, arguments) for item, arguments, _ in todo],
                             cpu_seconds=limits.question_seconds,
                             memory_mb=limits.grader_memory_mb)
        for (item, _, evidence), outcome in zip(todo, outcomes):
            self.judged[item.nodeid] = outcome
            if evidence is not None and outcome.decided:
                self.verdicts[evidence] = outcome.to_json()

    def _check(self, item, arguments: dict) -> Callable[[], Outcome]:
        """Test ``item`` judged on the fetched replies: a call for a judging child."""
        grade = arguments["grade"] if "grade" in arguments else Grade()

        def call() -> Outcome:
            _forget_score(item)
            self._student.judge(item.nodeid)
            try:
                item.obj(**arguments)
                outcome = Outcome(Kind.PASSED, 1.0 if grade.fraction is None else grade.fraction)
            except (Exception, pytest.skip.Exception, pytest.fail.Exception) as exc:
                outcome = _checked(exc)
            return replace(outcome, notes=tuple(grade.notes),
                           score=getattr(item.obj, "__score__", None))
        return call

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        nodeid = pyfuncitem.nodeid
        outcome = self.unplanned.get(nodeid) or self.judged.get(nodeid)
        if outcome is None:   # not judged with the others (it could not be planned)
            arguments = {name: pyfuncitem.funcargs[name]
                         for name in pyfuncitem._fixtureinfo.argnames}
            outcome = run_isolated(self._check(pyfuncitem, arguments),
                                   cpu_seconds=self.config.grader_limits.question_seconds,
                                   memory_mb=self.config.grader_limits.grader_memory_mb)
        self.outcomes[nodeid] = outcome   # pytest sees a pass: _finish reads this
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
        if call.when == "teardown":
            if call.excinfo is not None:
                self.log.append(f"{item.nodeid} teardown error: {call.excinfo.exconly()}")
            self.results[item.nodeid] = self._quoted(self._finish(item, info))
        return report

    def pytest_sessionfinish(self, session):
        for nodeid in self.order:
            if nodeid not in self.results:
                self.results[nodeid] = _result(self.pending[nodeid], undecided(
                    NOT_JUDGED, self.stopped or "the run stopped"))
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
                if self.stopped else _result(_question(spec), Outcome(Kind.ERROR, message=INTERNAL))

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
        if info.get("unlisted"):
            self.log.append(f"{item.nodeid}: its number {info['number']!r} is no graded "
                            f"question or part of assignment.toml, so it has no points")
            return _result(info, Outcome(Kind.ERROR, message=INTERNAL))
        outcome = self.outcomes.get(item.nodeid)
        if outcome is None:   # it ended before it was judged: in its setup, or at a limit
            outcome = outcome_of(info["excinfo"].value, info["when"])
        if outcome.kind is Kind.ERROR:
            self.log.append(f"{item.nodeid} raised:\n{outcome.detail}")
        elif outcome.kind is Kind.UNDECIDED and outcome.detail:
            self.log.append(f"{item.nodeid} undecided: {outcome.detail}")
        return _result(info, outcome)


def _result(info: dict, outcome: Outcome) -> TestResult:
    """A test's result: what assignment.toml says of it (``info``, see ``_describe``) and what
    its outcome earned.  A partial-credit score below the points is a failure."""
    weight, kind = info["weight"], outcome.kind
    score, output = weight * outcome.fraction, outcome.message
    if kind is Kind.PASSED:
        output = "\n\n".join(outcome.notes) or "Correct."
    elif kind is Kind.FAILED and info.get("hide_errors"):
        output = info["hide_errors"]
    if outcome.score is not None and kind in (Kind.PASSED, Kind.FAILED):
        score = float(outcome.score)
        kind = Kind.PASSED if score >= weight and kind is Kind.PASSED else Kind.FAILED
    return TestResult(info["name"], weight, score, info["number"], info["visibility"], output,
                      info["tags"], info["public"], kind, outcome.detail)


def _question(spec) -> dict:
    """What assignment.toml says of a graded question, as ``_describe`` gives it of a test."""
    return {"name": f"Q{spec.id}: {spec.title}", "weight": spec.points, "number": spec.id,
            "visibility": spec.visibility, "tags": (), "public": False}


def not_judged_question(spec, why: str) -> TestResult:
    """A graded question of assignment.toml that the run never judged: undecided (never a
    verdict), flagged with ``why``."""
    return _result(_question(spec), undecided(NOT_JUDGED, why))


def outcome_of(exc: BaseException, when: str) -> Outcome:
    """What a test that raised ``exc`` in its ``when`` (setup, call) did."""
    if isinstance(exc, (Incorrect, Undecided)):
        return exc.outcome()
    if isinstance(exc, Expired):
        return undecided(LIMIT_REACHED, f"a time limit was reached in the test's {when}")
    if isinstance(exc, pytest.skip.Exception):
        return Outcome(Kind.SKIPPED, message=f"Not checked: {exc.msg}" if exc.msg else
                       "Not checked.")
    if isinstance(exc, AssertionError) and when == "call":
        return Outcome(Kind.FAILED, message=_assertion_message(exc))
    return Outcome(Kind.ERROR, message=INTERNAL, detail="".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)))


def _forget_score(item) -> None:
    """partial_credit keeps the score on the function between runs: start afresh."""
    function = getattr(item, "obj", None)
    if function is not None and hasattr(function, "__score__"):
        del function.__score__


def _checked(exc: BaseException) -> Outcome:
    """What a test whose check raised ``exc`` in its judging child did."""
    # a failed allocation in a C extension (mpmath, gmpy) can surface as a SystemError
    if _caused_by(exc, (MemoryError, RecursionError, SystemError)):
        return undecided("checking this answer needed more memory than the grader allows",
                         f"{type(exc).__name__} while checking")
    return outcome_of(exc, "call")


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
