"""What graders use to ask about the student's code: values, calls and driver routines.

The grader never imports student code: replies come back from the sandboxed child as plain
data (see :mod:`autograder.sandbox`).  Probes go through three phases, driven by the plugin:

1. **plan**: each grader test runs once with every probe answered by :data:`PENDING`, so that
   every probe it will make is known before any student code runs.  A grader therefore picks
   every input itself, never from a reply, and makes all the probes of one case before it
   uses their replies.
2. **fetch**: every planned probe is answered by the child, all of them before any check
   runs; then the child is closed.  No student code runs after a check, so none can time one.
3. **judge**: each test runs again; replies come from what was fetched.

A reply that is the student's fault raises :class:`Incorrect`; one that reached a time limit
raises :class:`Undecided` (never a verdict).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .checkers.coerce import side_of_square
from .outcomes import Incorrect, Undecided
from .sandbox.protocol import Reply, Session
from .sandbox.session import call_request, run_request, value_request
from .submission import Submission
from .values import PENDING, FunctionValue, short_text


SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


class NotFetched(RuntimeError):
    """A grader asked, while judging, for a probe its planning run did not make: a grader bug
    (an input taken from a reply, or a probe made only after a check passed)."""


@dataclass(frozen=True)
class Probe:
    request: dict            # what the child is asked, arguments encoded
    what: str                # how messages name it: "`q1a`", "`gd_distances(...)`"
    timeout: float | None = None

    @functools.cached_property
    def key(self) -> str:
        """The request's digest (computed once: MNIST's probes carry megabytes of samples)."""
        text = json.dumps(self.request, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def target(self) -> str:
        """The function or routine probed: after one of its probes timed out, the other
        probes of the same test on it are not tried (each would time out too)."""
        return f"{self.request['op']}:{self.request.get('name') or self.request.get('function')}"


class Student:
    """One submission as the graders see it, for one grading run: the submission (read, never
    run here), its write-up, and the session that runs its code (built by the caller, a
    sandboxed child or a notebook's kernel: :class:`~.sandbox.protocol.Session`).  It holds
    every probe planned and every reply fetched; the plugin alone moves it through its phases
    (:meth:`plan`, :meth:`fetch`, :meth:`judge`), graders only ask (:meth:`value`,
    :meth:`call`, :meth:`run`), and nothing changes what was fetched."""

    def __init__(self, submission: Submission, session: Session, *,
                 square_sides: frozenset[str] = frozenset(), extras: tuple[str, ...] = (),
                 writeup=None):
        self.submission = submission
        self.session = session
        self.writeup = writeup   # a Writeup: it answers the closed forms the answers file leaves
        self.square_sides = square_sides   # answers that are one number: "14x14" is read as 14
        self.extras = extras   # packages students may use (torch): if missing, the grader's fault
        self.module_errors: dict[str, list[dict]] = {}  # failed lines of mlp.py, for the summary
        self.module = submission.module
        self._phase = "plan"
        self._test = ""
        self._plans: dict[str, list[Probe]] = {}
        self._values: dict[str, Reply] = {}
        self._replies: dict[str, list[tuple[str, Reply]]] = {}

    # phases (driven by the plugin) ---------------------------------------------------------------
    def plan(self, test: str) -> None:
        """Record the probes test ``test`` makes; each is answered by PENDING."""
        self._phase, self._test = "plan", test
        self._plans[test] = []

    def fetch(self, order: list[str]) -> None:
        """Answer every planned probe, test by test in ``order``; then close the child."""
        self.session.load()
        for test in order:
            self._replies[test] = self._fetch_test(self._plans.get(test, []))
        self.close()
        self._phase = "judge"

    def _fetch_test(self, probes: list[Probe]) -> list[tuple[str, Reply]]:
        replies, stopped = [], set()
        for probe in probes:
            if probe.request["op"] == "value":
                if probe.key not in self._values:
                    self._values[probe.key] = self._ask(probe)
                continue
            if probe.target in stopped:
                reply = Reply("skipped", message="not tried: an earlier case of this question "
                                                 "did not finish")
            else:
                reply = self._ask(probe)
                if reply.status in ("timeout", "fatal"):
                    stopped.add(probe.target)
            replies.append((probe.key, reply))
        return replies

    def _ask(self, probe: Probe) -> Reply:
        reply = self.session.request(dict(probe.request), probe.timeout)
        # For the summary, always visible: the first child's account only, as for the
        # submission's own load (a restarted child could report what earlier probes left).
        if reply.module_errors and self.session.starts == 1:
            self.module_errors.setdefault(probe.request["module"], reply.module_errors)
        return reply

    def judge(self, test: str) -> None:
        """Serve test ``test``'s probes from what was fetched for it."""
        self._test = test

    def evidence(self, test: str) -> str:
        """A digest of everything the verdict of test ``test`` depends on: the test, how the
        submission is named, what failed when it was loaded, and every reply the test will
        read.  Two submissions with the same evidence earn the same verdict (see
        :class:`autograder.plugin.GradingPlugin`'s ``verdicts``)."""
        values = [(p.key, _reply_data(self._values.get(p.key)))
                  for p in self._plans.get(test, []) if p.request["op"] == "value"]
        replies = [(key, _reply_data(reply)) for key, reply in self._replies.get(test, [])]
        written = [reading.evidence() for reading in self.writeup.readings.values()] \
            if self.writeup is not None else []
        data = [test, self.where, self.module, self.submission.problem, self.load_errors,
                values, replies, written]
        return hashlib.sha256(repr(data).encode()).hexdigest()

    def answer_texts(self, names: dict[str, str]) -> dict[str, str]:
        """What the submission gave each question's variable (``names``: id -> variable), as
        short text, from what was fetched (for a class's summary; nothing runs)."""
        texts = {}
        for question, name in names.items():
            reply = self._values.get(Probe(value_request(name), name).key)
            if reply is not None and reply.status == "ok" and reply.value is not None:
                texts[question] = short_text(reply.value)
            elif (written := self._written(name)) is not None and written.read:
                texts[question] = short_text(written.value)
        return texts

    # what graders call ----------------------------------------------------------------------------
    @property
    def where(self) -> str:
        return self.submission.label

    def value(self, name: str) -> object:
        """The value the student's code gave ``name``; what the write-up answers if the code
        leaves it out (not defined, or still None)."""
        written = self._written(name)
        if written is not None and self.submission.path is None:
            return written.answer()
        reply = self._reply(Probe(value_request(name), f"`{name}`"))
        if written is not None and not written.missing and self._phase == "judge" and (
                reply.status == "missing" or (reply.status == "ok" and reply.value is None)):
            return written.answer()   # nothing in the write-up either: answers.py says so
        if reply.status == "missing":
            raise Incorrect(self._not_defined(name) + (   # and where the write-up was searched
                f"\n\nYour write-up does not answer it either: {written.missing}."
                if written is not None and written.missing else ""))
        value = self._unwrap(reply, f"reading `{name}`")
        return side_of_square(value) if name in self.square_sides else value

    def _written(self, name: str):
        return self.writeup.readings.get(name) if self.writeup is not None else None

    def source_of(self, name: str) -> str:
        """Where the graded value of ``name`` was read in the write-up ("" if not from one)."""
        written = self._written(name)
        if written is None or not written.read or self._phase != "judge":
            return ""
        return "" if self._from_code(name) else written.source

    def _from_code(self, name: str) -> bool:
        reply = self._values.get(Probe(value_request(name), name).key)
        return reply is not None and reply.status == "ok" and reply.value is not None

    def written_undecided(self, name: str) -> bool:
        """Whether the write-up answers ``name`` with a reading left to the instructor (two
        finals, an unreadable one) and the code does not answer it."""
        written = self._written(name)
        return written is not None and bool(written.undecided) and not self._from_code(name)

    def given(self, name: str) -> dict[str, str]:
        """The values the write-up's handout gives the names of ``name``'s answer ({} if it
        was not read from a write-up)."""
        written = self._written(name)
        return written.given if written is not None and self.source_of(name) else {}

    def first_wrong_step(self, name: str, assignment) -> str:
        """Where the derivation the write-up's value of ``name`` ends came first goes wrong
        ("" if it was not read from a write-up, or every step holds)."""
        written = self._written(name)
        return written.first_wrong_step(assignment) if self.source_of(name) else ""

    def function(self, name: str, params: tuple[str, ...] = ()) -> FunctionValue:
        """The signature of the student's function ``name``; check it takes ``params``."""
        value = self.value(name)
        if not isinstance(value, FunctionValue):
            raise Incorrect(f"`{name}` should be a function, but it is not callable.")
        if params and len(value.parameters) < len(params):
            raise Incorrect(f"`{name}` should take {len(params)} arguments "
                            f"({', '.join(params)}), but it is defined as {name}{value.signature}.")
        return value

    def call(self, name: str, *args, timeout: float | None = None, show_args: bool = True) -> object:
        """Call the student's function in the sandbox and return its (decoded) result."""
        shown = f"{name}({', '.join(map(repr, args))})" if show_args else f"{name}(...)"
        reply = self._reply(Probe(call_request(name, args), f"`{shown}`", timeout))
        if reply.status == "missing":
            raise Incorrect(self._not_defined(name))
        if reply.status == "not_callable":
            raise Incorrect(f"`{name}` should be a function, but it is not callable "
                            f"(it is a {reply.message}).")
        return self._unwrap(reply, f"`{shown}`")

    def run(self, routine, module: str, *args, timeout: float | None = None) -> object:
        """Run the trusted driver ``routine`` (a function of an ``autograder.routines`` module)
        in the sandbox on the student's module ``module``; plain data comes back."""
        source = inspect.getsource(inspect.getmodule(routine))
        # the submission's own module is named by its file (a notebook's module is __main__)
        what = f"your {self.where if module == self.module else module + '.py'}"
        reply = self._reply(Probe(run_request(source, routine.__name__, module, args), what,
                                  timeout))
        if reply.status == "error" and reply.error.get("type") == "ModuleNotFoundError" \
                and f"'{module}'" in reply.message:
            raise Incorrect(f"no {module}.py found in your submission")
        missing = next(filter(None, map(self._extra_missing, reply.module_errors)), None)
        if reply.status == "error" and missing:
            raise Undecided(f"your {module}.py imports `{missing}`, which is not installed in the "
                            f"autograder, so it could not run: the autograder's problem, not yours",
                            detail=f"{missing} is missing from the grader's environment: "
                                   f"./setup.sh installs it for an assignment whose "
                                   f"assignment.toml declares extras = [\"{missing}\"]")
        return self._unwrap(reply, what, reply.module_errors)

    def _extra_missing(self, error: dict) -> str | None:
        """The package the assignment supports (of ``extras``: torch) whose import failed in
        ``error``, if any: the grader's installation lacks it, no fault of the student's."""
        if error.get("type") != "ModuleNotFoundError":
            return None
        missing = str(error.get("error")).partition("No module named '")[2].split("'")[0]
        package = missing.split(".")[0]
        return package if package in self.extras else None

    # replies -----------------------------------------------------------------------------------------
    def _reply(self, probe: Probe) -> Reply:
        if self.submission.problem is not None and probe.request["op"] != "run":
            raise Incorrect(self.submission.problem)   # code modules (mlp.py) may still be there
        if self._phase == "plan":
            self._plans[self._test].append(probe)
            return Reply("ok", value=PENDING)
        if probe.request["op"] == "value":
            reply = self._values.get(probe.key)
        else:
            replies = self._replies.get(self._test, [])
            index = next((i for i, (key, _) in enumerate(replies) if key == probe.key), None)
            reply = None if index is None else replies.pop(index)[1]
        if reply is None:
            raise NotFetched(f"{probe.what} was asked for while judging {self._test}, but its "
                             f"planning run did not ask for it")
        return reply

    def _unwrap(self, reply: Reply, what: str, load_errors: Sequence[dict] = ()) -> object:
        if reply.status == "ok":
            return reply.value
        if reply.status == "error" and reply.error.get("type") == "NotImplementedError":
            raise Incorrect(f"{what} is not implemented yet (it raises NotImplementedError).")
        if reply.status == "error":
            where = ""
            if reply.error.get("line"):
                where = f" (line {reply.error['line']} of {reply.error.get('where') or self.where})"
            note = _may_be_why(load_errors, self.where)
            raise Incorrect(f"{what} raised an error{where}:\n\n    {_indent(reply.message)}"
                            + (f"\n\n{note}" if note else ""))
        if reply.status == "fatal":
            raise Undecided(f"{self.where}: {reply.message}")
        if reply.status in ("timeout", "skipped"):
            raise Undecided(f"{what}: {reply.message}")
        if reply.status == "too_large":
            raise Incorrect(f"{what}: the answer is too large to grade ({reply.message}).")
        raise Incorrect(f"{what} failed: {reply.message}")

    def _not_defined(self, name: str) -> str:
        """Why ``name`` is missing: the statement that would have defined it failed (a syntax
        error, or an error when it ran), or, if none did, that it is not defined, with the
        first failed line as a hint."""
        failed = next((e for e in self.session.load_errors if name in e.get("names", ())), None)
        if failed is None:
            note = _may_be_why(self.session.load_errors, self.where)
            return f"`{name}` is not defined in {self.where}." + (f" {note}" if note else "")
        where = failed.get("where") or self.where
        line = f"line {failed['line']} of {where}" if failed.get("line") else where
        what = "has a syntax error" if failed.get("type") in SYNTAX_ERRORS else "raised an error"
        return (f"`{name}`: {line} {what}, so `{name}` is not defined:\n\n"
                f"    {_indent(str(failed.get('error')))}")

    @property
    def load_errors(self) -> list[dict]:
        """The lines that failed when the submission and its modules (mlp.py) were run."""
        return self.session.load_errors + [  # a missing extra: the code questions say so
            e for errors in self.module_errors.values()
            if not any(map(self._extra_missing, errors)) for e in errors]

    # what the run reports --------------------------------------------------------------------------
    def unparsable(self) -> str:
        """Why nothing of the submission's own file could be run, when no statement of it
        parses ("" when one does, or its statements were not counted)."""
        syntax = [e for e in self.session.load_errors if e.get("type") == "SyntaxError"]
        if not syntax or self.session.statements != 0:
            return ""
        error = (str(syntax[0].get("error")).strip().splitlines() or [""])[-1]
        return (f"no statement of {self.submission.label} parses (line "
                f"{syntax[0].get('line')}: {error})")

    @property
    def skipped(self) -> int:
        """Top-level statements that train or plot, left out in definitions-only mode."""
        return self.session.skipped

    @property
    def seconds(self) -> float:
        """The time the student's code has had in this run."""
        return self.session.used

    def log_lines(self) -> list[str]:
        """What the instructor's log keeps of the session (isolation, what the code printed)."""
        return self.session.log_lines()

    def close(self) -> None:
        self.session.close()


def _reply_data(reply: Reply | None) -> object:
    if reply is None:
        return None
    return (reply.status, reply.message, sorted(reply.error.items()), reply.module_errors,
            _canonical(reply.value))


def _canonical(value: object) -> object:
    """``value`` as plain data whose ``repr`` tells every two different values apart (an
    array by its type, shape and bytes: its ``repr`` elides)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":
        return ("ndarray", value.shape, _canonical(value.tolist()))
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape,
                hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_canonical(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(_canonical(k), _canonical(v)) for k, v in value.items()])
    return (type(value).__name__, repr(value))


def _may_be_why(errors: Sequence[dict], default: str) -> str:
    """A note naming the first line that failed while the code was loaded."""
    if not errors:
        return ""
    first = errors[0]
    line = f" at line {first['line']}" if first.get("line") else ""
    where = first.get("where") or default
    return (f"Running {where} raised an error{line}, which may be why:"
            f"\n\n    {_indent(str(first.get('error')))}")


def _indent(text: str) -> str:
    return text.strip().replace("\n", "\n    ")
