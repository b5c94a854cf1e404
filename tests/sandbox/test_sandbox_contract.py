"""The sandbox's contract: both sessions implement :class:`Session` with state of their own, the
limits come from the assignment (defaults from its schema) and reach the child unchanged, the
harness has no limit of its own, and nothing in ``sandbox/`` imports from above it."""
from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import typing

import pytest

from autograder.assignment import load_assignment
from autograder.limits import GraderLimits, StudentLimits, read_limits
from autograder.notebook import KernelSession
from autograder.sandbox import protocol
from autograder.sandbox.session import CHILD_LIMITS, SandboxSession, value_request
from autograder.submission import Cell
from tests.helpers import ROOT

PACKAGE = ROOT / "autograder"


def _members(cls) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")} | set(
        typing.get_type_hints(cls))


@pytest.mark.parametrize("make", [
    lambda tmp: SandboxSession([Cell("answers.py", "x = 1")], tmp, StudentLimits()),
    lambda tmp: KernelSession({"x": 1})], ids=["sandbox", "kernel"])
def test_both_sessions_implement_the_protocol_with_their_own_state(make, tmp_path):
    first, second = make(tmp_path), make(tmp_path)
    try:
        assert _members(protocol.Session) <= set(dir(first))
        assert first.request(value_request("x")).value == 1
        assert first.load_errors is not second.load_errors   # no state shared by the class
        mutable = {name: value for name, value in vars(type(first)).items()
                   if isinstance(value, (list, dict, set))}
        assert mutable == {}
    finally:
        first.close()
        second.close()


def test_every_limit_has_one_default_in_the_schema_and_one_owner():
    schema = json.loads((PACKAGE / "assignment.schema.json").read_text())
    keys = schema["properties"]["limits"]["properties"]
    student = {f.name for f in dataclasses.fields(StudentLimits)}
    grader = {f.name for f in dataclasses.fields(GraderLimits)}
    assert not student & grader and student | grader == set(keys)
    assert all("default" in spec for spec in keys.values())
    defaults = {**dataclasses.asdict(StudentLimits()), **dataclasses.asdict(GraderLimits())}
    assert defaults == {k: spec["default"] for k, spec in keys.items()}
    # what the sandbox reads is what the assignment gives it
    assert set(typing.get_type_hints(protocol.Limits)) == student


def test_an_assignments_limits_are_split_by_owner():
    student, grader = read_limits({"probe_seconds": 2, "question_seconds": 5, "memory_mb": 512})
    assert (student.probe_seconds, student.memory_mb, student.load_seconds) == \
        (2.0, 512, StudentLimits().load_seconds)
    assert grader == GraderLimits(question_seconds=5.0)
    with pytest.raises(ValueError, match="unknown limits \\['seconds'\\]"):
        read_limits({"seconds": 1})
    gd = load_assignment("gd")
    assert (gd.student_limits.budget_seconds, gd.grader_limits.question_seconds) == (300, 60)


def test_the_child_sets_the_limits_its_session_hands_it(tmp_path):
    """Non-default limits, as rlimits of the child (soft and hard)."""
    limits = StudentLimits(cpu_seconds=321, memory_mb=2900, file_mb=3, open_files=77)
    source = ("import resource as r\n"
              "got = [r.getrlimit(k) for k in (r.RLIMIT_CPU, r.RLIMIT_AS, r.RLIMIT_FSIZE,"
              " r.RLIMIT_NOFILE)]\n")
    s = SandboxSession([Cell("answers.py", source)], tmp_path, limits)
    try:
        got = s.request(value_request("got")).value
    finally:
        s.close()
    assert [tuple(pair) for pair in got] == [(321, 321), (2900 * 2**20, 2900 * 2**20),
                                             (3 * 2**20, 3 * 2**20), (77, 77)]
    assert set(CHILD_LIMITS) < {f.name for f in dataclasses.fields(StudentLimits)}


def test_the_harness_has_no_limit_of_its_own():
    """Started without its settings, the harness refuses to run any code: it never falls back
    to limits of its own."""
    done = subprocess.run([sys.executable, "-I", str(PACKAGE / "sandbox" / "harness.py"),
                           "0", "1", "{}"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode != 0 and "KeyError" in done.stderr


def _imports(path) -> set[str]:
    """The modules of the package ``path`` imports, as dotted names under ``autograder``."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = module.split(".")[:len(module.split(".")) - node.level] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found |= {name} if node.module else {f"{name}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {name for name in found if name.split(".")[0] == "autograder"}


def test_the_layers_above_the_sandbox_hand_it_what_it_needs():
    """What the sandbox itself may import is tests/test_imports.py's layer map; these modules,
    which describe a submission and its limits, import nothing of it."""
    for name in ("assignment.py", "submission.py", "limits.py", "batch/run.py"):
        assert not {m for m in _imports(PACKAGE / name) if m.startswith("autograder.sandbox")}, \
            name
