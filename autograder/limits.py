"""An assignment's limits (the ``[limits]`` table of assignment.toml), in two parts: what
student code may use in the sandbox (:class:`StudentLimits`) and what the grader's own check
of one question may use (:class:`GraderLimits`).  Each key's default is written once, as its
``default`` in assignment.schema.json; the fields here are the schema's keys, by name.

Both are frozen: :func:`autograder.assignment.load_assignment` makes them from the toml, and
only a copy (``dataclasses.replace``) can change one.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

SCHEMA = Path(__file__).with_name("assignment.schema.json")


def schema_defaults() -> dict[str, object]:
    """Each limit's default, as the schema states it."""
    keys = json.loads(SCHEMA.read_text(encoding="utf-8"))["properties"]["limits"]["properties"]
    return {key: spec["default"] for key, spec in keys.items()}


_DEFAULT = schema_defaults()


class _Limits:
    def __post_init__(self):
        for f in dataclasses.fields(self):   # a time written as a whole number is still one
            if f.type == "float":
                object.__setattr__(self, f.name, float(getattr(self, f.name)))


@dataclass(frozen=True)
class StudentLimits(_Limits):
    """What student code gets in one grading run; the sandbox is handed these, and its child
    sets them on itself before any student code runs."""

    load_seconds: float = _DEFAULT["load_seconds"]
    probe_seconds: float = _DEFAULT["probe_seconds"]
    statement_seconds: float = _DEFAULT["statement_seconds"]   # one statement, definitions-only
    cpu_seconds: int = _DEFAULT["cpu_seconds"]
    memory_mb: int = _DEFAULT["memory_mb"]
    file_mb: int = _DEFAULT["file_mb"]          # largest file the student's code may write
    open_files: int = _DEFAULT["open_files"]
    no_network: bool = _DEFAULT["no_network"]   # an empty network namespace, where allowed
    processes: int = _DEFAULT["processes"]      # per sandbox user (only when running as root)
    budget_seconds: float = _DEFAULT["budget_seconds"]   # all of the student's code in one run
    output_bytes: int = _DEFAULT["output_bytes"]   # of what student code prints, for the log


@dataclass(frozen=True)
class GraderLimits(_Limits):
    """What the grader's check of one question may use (reached: undecided)."""

    question_seconds: float = _DEFAULT["question_seconds"]   # its CPU time
    grader_memory_mb: int = _DEFAULT["grader_memory_mb"]     # what it may add to memory


def read_limits(config: dict) -> tuple[StudentLimits, GraderLimits]:
    """The limits of a ``[limits]`` table, each key not in it at its default."""
    parts = (StudentLimits, GraderLimits)
    known = {f.name for part in parts for f in dataclasses.fields(part)}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ValueError(f"unknown limits {unknown}; known: {sorted(known)}")
    return tuple(part(**{f.name: config[f.name] for f in dataclasses.fields(part)
                         if f.name in config}) for part in parts)
