"""What assignment.schema.json says of each key beyond its type: its role and its default.

The schema is the one source of these settings; the lists the rest of the package uses are
read from it here.  Every key of the assignment and of a question carries ``"x-role"``, a list
of :data:`ROLES`:

* ``public``: shipped to students in the student package's assignment.toml (the form checks
  read it); a key without it stays with the graders;
* ``check``: read by a kind's checker (kept in ``QuestionSpec.check``), hidden unless also
  public;
* ``grader``: read by the graders only, as a field of ``QuestionSpec``.

A key left out of a toml takes the schema's ``"default"``; ``kind`` carries
``"x-hand-written"``, the kinds graded by pytest functions.  autograder/kinds.py holds what
each kind reads and how it is checked; tests/test_kinds.py checks the two agree.
"""
from __future__ import annotations

import json
from pathlib import Path

SCHEMA = Path(__file__).with_name("assignment.schema.json")
ROLES = ("public", "check", "grader")

SCHEMA_DATA = json.loads(SCHEMA.read_text(encoding="utf-8"))
ASSIGNMENT_KEYS: dict[str, dict] = SCHEMA_DATA["properties"]
QUESTION_KEYS: dict[str, dict] = SCHEMA_DATA["$defs"]["question"]["properties"]


def keys_with(role: str, keys: dict[str, dict] = QUESTION_KEYS) -> tuple[str, ...]:
    """The keys (of a question, or of the assignment) that have ``role``, in schema order."""
    return tuple(key for key, spec in keys.items() if role in spec["x-role"])


def defaults(keys: dict[str, dict]) -> dict[str, object]:
    """The value of each key (of a question, or of the assignment) left out of a toml."""
    return {key: spec["default"] for key, spec in keys.items() if "default" in spec}


KIND_NAMES: tuple[str, ...] = tuple(QUESTION_KEYS["kind"]["enum"])
HAND_WRITTEN: tuple[str, ...] = tuple(QUESTION_KEYS["kind"]["x-hand-written"])
CHECK_KEYS = keys_with("check")              # kept in QuestionSpec.check
PUBLIC_QUESTION_KEYS = frozenset(keys_with("public"))
HIDDEN_ASSIGNMENT_KEYS = frozenset(ASSIGNMENT_KEYS) - set(keys_with("public", ASSIGNMENT_KEYS))
QUESTION_DEFAULTS = defaults(QUESTION_KEYS)
ASSIGNMENT_DEFAULTS = defaults(ASSIGNMENT_KEYS)
DEFAULT_VISIBILITY: str = ASSIGNMENT_DEFAULTS["visibility"]   # a test nobody set one for
