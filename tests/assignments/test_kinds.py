"""The kinds' registry (autograder/kinds.py) against assignment.schema.json, the one source of
each key's role and default: every kind of the schema has one entry and no entry is not in it,
every key a kind reads is declared with a role, and the shipped questions use only keys their
kind reads, and the self-check (which reads the student package's cut toml) reads only public
keys.  ``test_a_kind_is_added_in_one_entry`` shows what adding a kind takes."""
from __future__ import annotations

import copy
import dataclasses
import sys

import jsonschema
import pytest

from autograder import schema
from autograder.assignment import GRADERS, QuestionSpec, _question, available, load_assignment
from autograder.kinds import COMMON_KEYS, KINDS, Kind
from autograder.package import public_toml
from autograder.reference import load_reference, reference_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def disagreements(kinds: dict[str, Kind], data: dict) -> list[str]:
    """Where a registry of kinds and a schema disagree (none: they agree)."""
    keys = data["$defs"]["question"]["properties"]
    enum, hand_written = keys["kind"]["enum"], keys["kind"]["x-hand-written"]
    found = [f"{name}: in the schema's kind enum, not in the registry"
             for name in enum if name not in kinds]
    found += [f"{name}: in the registry, not in the schema's kind enum"
              for name in kinds if name not in enum]
    found += [f"{name}: graded by pytest functions (no checker) but not x-hand-written"
              for name, kind in kinds.items() if kind.checker is None and name not in hand_written]
    found += [f"{name}: x-hand-written but has a checker"
              for name in hand_written if name in kinds and kinds[name].checker is not None]
    found += [f"{name}: a closed form without a form check"
              for name, kind in kinds.items() if kind.checker and not kind.check_form]
    found += [f"{name} reads {key!r}, which the schema has no role for"
              for name, kind in kinds.items() for key in sorted(kind.keys | COMMON_KEYS)
              if not keys.get(key, {}).get("x-role")]
    read = COMMON_KEYS.union(*(kind.keys for kind in kinds.values()))
    found += [f"{key!r}: a question key that no kind reads" for key in keys if key not in read]
    return found


def test_the_registry_agrees_with_the_schema():
    assert disagreements(KINDS, schema.SCHEMA_DATA) == []


def test_a_kind_is_added_in_one_entry():
    """A kind `modular` (an integer modulo `modulus`): its Kind entry (keys, form check,
    checker), and in the schema its name and each new key with its role."""
    entry = Kind(frozenset({"labels", "modulus"}), KINDS["expression"].check_form,
                 KINDS["expression"].checker)
    data = copy.deepcopy(schema.SCHEMA_DATA)
    keys = data["$defs"]["question"]["properties"]
    assert disagreements({**KINDS, "modular": entry}, data) == [
        "modular: in the registry, not in the schema's kind enum",
        "modular reads 'modulus', which the schema has no role for"]
    keys["kind"]["enum"].append("modular")
    assert disagreements(KINDS, data) == ["modular: in the schema's kind enum, not in the registry"]
    keys["modulus"] = {"x-role": ["check"], "type": "integer",
                       "description": "modular: the modulus answers are compared by."}
    assert disagreements({**KINDS, "modular": entry}, data) == []
    assert disagreements({**KINDS, "modular": dataclasses.replace(entry, checker=None)}, data) \
        == ["modular: graded by pytest functions (no checker) but not x-hand-written"]


@pytest.mark.parametrize("where", ["assignment", "question"])
def test_every_key_has_roles_of_the_vocabulary(where):
    keys = schema.ASSIGNMENT_KEYS if where == "assignment" else schema.QUESTION_KEYS
    for key, spec in keys.items():
        roles = spec.get("x-role")
        assert roles and set(roles) <= set(schema.ROLES), key
        assert "grader" not in roles or roles == ["grader"], key   # graders only: never shipped


def test_the_check_keys_are_the_question_keys_without_a_field():
    """A question key is a field of QuestionSpec, or is kept in its ``check`` (role check)."""
    fields = {f.name for f in dataclasses.fields(QuestionSpec)} - {"check"}
    assert set(schema.QUESTION_KEYS) - set(schema.CHECK_KEYS) == fields
    assert not fields & set(schema.CHECK_KEYS)


def test_a_key_left_out_is_read_as_its_schema_default():
    """Writing every default out changes nothing, and the defaults are valid values."""
    required = {"id": "1", "name": "q1", "kind": "expression", "title": "t"}
    data = {"title": "t", "files": ["answers.py"], **schema.ASSIGNMENT_DEFAULTS,
            "questions": [{**required, **schema.QUESTION_DEFAULTS}]}
    assert not list(jsonschema.Draft202012Validator(schema.SCHEMA_DATA).iter_errors(data))
    visibility = schema.DEFAULT_VISIBILITY
    assert _question(required, visibility) == _question(data["questions"][0], visibility)
    assert _question(required, visibility) == QuestionSpec(**required)


class _Noting(dict):
    """A question's ``check`` that notes which keys are read."""

    def __init__(self, data: dict, read: set):
        super().__init__(data)
        self.read = read

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


class _Noted:
    """A question whose fields and checks note which of its keys are read."""

    def __init__(self, question: QuestionSpec):
        self._question, self.read = question, set()

    def __getattr__(self, name):
        self.read.add(name)
        value = getattr(self._question, name)
        return _Noting(value, self.read) if name == "check" else value


def _questions(marks: dict | None = None, values: bool = False) -> list:
    """(assignment, its toml's question, the question) of every shipped question; ``values``:
    only those whose form check reads a value the reference's answers.py gives."""
    found = []
    for assignment_id in available(GRADERS):
        if values and not (reference_dir(assignment_id) / "answers.py").is_file():
            continue   # mnist's reference is a notebook
        toml = tomllib.loads((GRADERS / assignment_id / "assignment.toml").read_text())
        for given, question in zip(toml["questions"], load_assignment(assignment_id).questions):
            if values and not KINDS[question.kind].check_form:
                continue
            name = f"{assignment_id}-{question.id}"
            found.append(pytest.param(assignment_id, given, question, id=name,
                                      marks=(marks or {}).get(name, ())))
    return found


@pytest.mark.parametrize("assignment_id, given, question", _questions())
def test_a_question_gives_only_keys_its_kind_reads(assignment_id, given, question):
    """Each key of a shipped question is one its kind reads (or every question has), and its
    form check and checker read it."""
    kind = KINDS[question.kind]
    assert set(given) <= COMMON_KEYS | kind.keys
    if not kind.checker:
        return
    assignment = load_assignment(assignment_id)
    references = load_reference(assignment_id)
    noted = _Noted(question)
    kind.check_form(noted, getattr(references, question.name), assignment)
    kind.checker(noted, assignment, references)
    assert set(given) & kind.keys <= noted.read


# The self-check reads the student package's toml, cut to the public keys: its form check must
# read nothing else, or it tells the student other than the graders' form test does.
@pytest.mark.parametrize("assignment_id, given, question",
                         _questions(values=True))
def test_a_form_check_reads_only_public_keys(assignment_id, given, question):
    noted = _Noted(question)
    KINDS[question.kind].check_form(noted, getattr(load_reference(assignment_id), question.name),
                                    load_assignment(assignment_id))
    assert noted.read & set(given) <= schema.PUBLIC_QUESTION_KEYS


def test_the_self_check_reads_answers_as_the_graders_do(tmp_path):
    (tmp_path / "optim_cnn").mkdir()
    (tmp_path / "optim_cnn" / "assignment.toml").write_text(
        public_toml(GRADERS / "optim_cnn" / "assignment.toml"))
    assert load_assignment("optim_cnn", tmp_path).square_sides \
        == load_assignment("optim_cnn").square_sides
