"""The import graph of the ``autograder`` package: no module imports in a circle, and the bottom
layers (``checkers/``, ``sandbox/``) import nothing above them (docs/architecture.md, Layers).

Every import counts, also one inside a function or under ``TYPE_CHECKING``: imports are read
from each module's syntax tree, never run.  Importing ``a.b.c`` also runs the packages ``a.b``
and ``a``, so those count too (except the importer's own packages, already running).
"""
from __future__ import annotations

import ast
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent

# The layer map.  BASE: plain values that cross the trust boundary, CPU-time limits, outcomes;
# they import only each other.  Each bottom layer imports only itself and BASE.
BASE = {"autograder.values", "autograder.budget", "autograder.outcomes"}
MAY_IMPORT = {"autograder.checkers": BASE, "autograder.sandbox": BASE,
              **{module: BASE for module in BASE}}

# Known violations, each removed by another part of issue 23: delete an entry when its arrow is
# gone (test_known_violations_are_still_there says so).
KNOWN = {
}


def modules(root: Path) -> dict[str, Path]:
    """Every module under the package folder ``root``, by its dotted name."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package at ``root`` and the package's modules it imports."""
    known = modules(root)
    graph = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    stem = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(stem + ([node.module] if node.module else []))
                targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                            for a in node.names}
        edges = set()
        for target in targets:
            while target and target not in known:      # a name inside a module: the module
                target = target.rpartition(".")[0]
            parts = target.split(".")
            edges |= {".".join(parts[:n]) for n in range(1, len(parts) + 1)
                      if not (name + ".").startswith(".".join(parts[:n]) + ".")}
        graph[name] = {e for e in edges if e in known and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import each other (in a circle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:                   # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle(graph, group) for group in groups]


def _cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:                                 # breadth first, back to start
        node = frontier.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                frontier.append(nxt)
    raise AssertionError(f"no cycle through {start}")


def upward(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The imports of a layer of MAY_IMPORT outside itself and what it may import."""
    found = set()
    for importer, imported in ((m, i) for m, targets in graph.items() for i in targets):
        layer = next((name for name in MAY_IMPORT
                      if importer == name or importer.startswith(name + ".")), None)
        allowed = {layer, *MAY_IMPORT[layer]} if layer else set()
        if layer and not any(imported == a or imported.startswith(a + ".") for a in allowed):
            found.add((importer, imported))
    return found


def test_no_module_imports_in_a_circle():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_bottom_layers_import_nothing_above_them():
    assert sorted(upward(import_graph(PACKAGE)) - set(KNOWN)) == []


def test_known_violations_are_still_there():
    assert sorted(set(KNOWN) - upward(import_graph(PACKAGE))) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "autograder"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_circle_hidden_in_a_function_or_type_checking_is_found(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "checkers/__init__.py": "",
        "checkers/parse.py": "from .tokens import Token\ndef plain():\n    from .latex import x\n",
        "checkers/latex.py": "from autograder.checkers.parse import plain\n",
        "checkers/tokens.py": "",
        "checkers/eval.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from . import space\n",
        "checkers/space.py": "from .eval import Evaluator\n",
    })
    assert sorted(cycles(import_graph(root))) == [
        ["autograder.checkers.eval", "autograder.checkers.space", "autograder.checkers.eval"],
        ["autograder.checkers.latex", "autograder.checkers.parse", "autograder.checkers.latex"]]


def test_an_import_of_a_package_runs_its_init(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "grading.py": "from .writeup.locate import find\n",
        "writeup/__init__.py": "from .reading import read\n",
        "writeup/reading.py": "from ..grading import grade\nfrom . import locate\n",
        "writeup/locate.py": "",
    })
    graph = import_graph(root)
    assert graph["autograder.grading"] == {"autograder.writeup", "autograder.writeup.locate"}
    assert graph["autograder.writeup.reading"] == {"autograder.grading",
                                                    "autograder.writeup.locate"}
    assert cycles(graph) == [["autograder.grading", "autograder.writeup",
                              "autograder.writeup.reading", "autograder.grading"]]


def test_an_upward_import_is_found(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "", "values.py": "", "mnist.py": "", "budget.py": "import autograder.mnist\n",
        "sandbox/__init__.py": "",
        "sandbox/session.py": "from ..values import Text\nfrom .. import mnist\n",
        "checkers/__init__.py": "",
        "checkers/matrices.py": "def f():\n    from autograder.sandbox.session import run\n"
                                "    from .. import budget\n",
    })
    assert upward(import_graph(root)) == {
        ("autograder.sandbox.session", "autograder.mnist"),
        ("autograder.checkers.matrices", "autograder.sandbox.session"),
        ("autograder.checkers.matrices", "autograder.sandbox"),
        ("autograder.budget", "autograder.mnist")}
