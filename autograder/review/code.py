"""A class's code for each code question, grouped by what it is once layout, comments,
docstrings and names are set aside, with how it failed: the evidence of "identical code that
fails in the same way" (:mod:`.collusion`).

The definition a question names (``gd_distances``, ``MLP.backward``) is found in the
submission's own files (its answers file or notebook, and code modules such as ``mlp.py``) by
reading their syntax trees: nothing of the student's runs.  Its normal form is the tree with
docstrings dropped and every name but the builtins' renamed by order of first use (``w``,
``weights`` and ``x`` are one name), attributes kept (``np.linalg.norm``).  How it failed is
each of the question's tests' score and message (line numbers left out), as results.json has
them.  Code as the student template gives it, or too short to tell apart, is no evidence.
"""
from __future__ import annotations

import ast
import builtins
import copy
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..assignment import Assignment, QuestionSpec
from ..batch.reports import Row
from ..reference import template_dir
from ..submission import find_submission
from .groups import Messages

CODE_KINDS = ("function", "code")
MIN_NODES = 25        # smaller definitions (a stub, a one-liner) are alike by chance
BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Copy:
    submission: str
    where: str          # file and line of the definition


@dataclass(frozen=True)
class CodeGroup:
    question: str
    name: str           # the definition's name
    failure: tuple      # ((test, score, max score, message), ...) of its failing tests
    members: tuple[Copy, ...]


def code_groups(assignment: Assignment, rows: list[Row], out: Path) -> list[CodeGroup]:
    """Each code question's groups of two or more submissions whose definition has one normal
    form and fails the question's tests alike (at least one test not full)."""
    questions = [q for q in assignment.questions if q.kind in CODE_KINDS and (q.graded or q.parts)]
    if not questions:
        return []
    messages = Messages(out)
    template = _definitions(template_dir(assignment.id), assignment)
    found: dict[tuple, list[Copy]] = defaultdict(list)
    for row in rows:
        if not row.scored or not row.record.get("tests"):
            continue
        scores = {t["id"]: t for t in row.record["tests"]}
        failures = [(q, _failure(q, scores, messages, row.entry.id)) for q in questions]
        if not any(failure for _, failure in failures):
            continue   # nothing failed: its code is not read
        definitions = _definitions(row.entry.folder, assignment)
        for question, failure in failures:
            form = definitions.get(question.name)
            if failure and form is not None and \
                    form[0] != template.get(question.name, (None,))[0]:
                found[question.id, question.name, form[0], failure].append(
                    Copy(row.entry.id, form[1]))
    return [CodeGroup(question, name, failure, tuple(copies))
            for (question, name, _, failure), copies in found.items() if len(copies) >= 2]


def normal_form(node: ast.AST) -> str | None:
    """The digest of a definition's normal form (None when it is too short to tell apart)."""
    tree = _Renamer().visit(_without_docstrings(copy.deepcopy(node)))
    if sum(1 for _ in ast.walk(tree)) < MIN_NODES:
        return None
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()


def _failure(question: QuestionSpec, scores: dict, messages: Messages, submission: str) -> tuple:
    tests = [t for t in ([p.id for p in question.parts] or [question.id]) if t in scores]
    if not any(scores[t].get("score") is None or scores[t].get("max_score") is None
               or scores[t]["score"] < scores[t]["max_score"] for t in tests):
        return ()   # all full: its messages are not read
    return tuple((t, scores[t].get("score"), scores[t].get("max_score"),
                  re.sub(r"\blines? \d+(, \d+)*", "line …", messages.get(submission, t)))
                 for t in tests)


def _definitions(folder: Path, assignment: Assignment) -> dict[str, tuple[str, str]]:
    """Each named top-level function, class and method (``MLP.backward``) of the submission in
    ``folder``: its normal form and where it is; the last definition of a name wins."""
    found: dict[str, tuple[str, str]] = {}
    for label, source in _sources(Path(folder), assignment):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue   # a cell with a magic or a syntax error: the rest is still read
        for node in tree.body:
            for name, definition in _named(node):
                try:
                    form = normal_form(definition)
                except (RecursionError, MemoryError, ValueError):
                    form = None
                if form is not None:
                    found[name] = (form, f"{label}, line {definition.lineno}")
    return found


def _named(node: ast.AST, prefix: str = ""):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield prefix + node.name, node
    elif isinstance(node, ast.ClassDef):
        yield prefix + node.name, node
        for inner in node.body:
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{prefix}{node.name}.{inner.name}", inner


def _sources(folder: Path, assignment: Assignment) -> list[tuple[str, str]]:
    """(label, source) of the answers file's cells and of each code module (``mlp.py``)."""
    if not folder.is_dir():
        return []
    submission = find_submission(folder, assignment.files, modules=assignment.modules)
    sources = [(f"{submission.label} {cell.label}" if submission.is_notebook else cell.label,
                cell.source) for cell in submission.cells]
    for module in assignment.modules:
        path = next((p for p in sorted(folder.rglob(module))
                     if p.is_file() and not p.is_symlink()), None)
        if path is not None and path.stat().st_size <= 5 * 1024 * 1024:
            sources.append((module, path.read_text(encoding="utf-8", errors="replace")))
    return sources


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return tree


class _Renamer(ast.NodeTransformer):
    """Every name but the builtins', by order of first use."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name in BUILTINS:
            return name
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self._name(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def visit_FunctionDef(self, node):
        node.name = self._name(node.name)
        node.returns = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        node.name = self._name(node.name)
        self.generic_visit(node)
        return node
