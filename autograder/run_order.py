"""Does the kernel hold what the saved notebook, run from the top as grading runs it, would give?

``check()`` in a notebook reads the kernel's values; grading runs the saved notebook's cells in
order.  They differ when cells ran out of order (a cell uses a name that only a cell below it
defines), when a cell below assigns an answer again, or when a value comes from code that is no
longer in the saved notebook.  What ran is IPython's input history (``In``); the saved notebook
is the one the kernel was started for (``JPY_SESSION_NAME``, ``__session__``, VS Code's
``__vsc_ipynb_file__``), or the notebook beside the kernel whose cells match what ran.
"""
from __future__ import annotations

import ast
import builtins
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "get_ipython", "display", "In",
                                       "Out", "exit", "quit"}


@dataclass
class Flow:
    """A cell's names: those it reads before it defines them, and those it defines."""

    uses: set[str] = field(default_factory=set)
    defines: set[str] = field(default_factory=set)
    star: bool = False   # ``from m import *``: what it defines is unknown


def flow(source: str) -> Flow:
    """The names ``source`` reads at its top level before defining them (a function's body is
    read when it is called, not here), and those it defines; a cell that does not parse
    defines nothing (as grading runs it)."""
    result = Flow()
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError):
        return result
    _statements(tree.body, result)
    return result


def _python(source: str) -> str:
    """IPython's own translation of magics and shell lines into Python, where IPython is."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def _statements(body: list[ast.stmt], result: Flow) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            parts = [*node.decorator_list, *getattr(node, "bases", ()),
                     *(getattr(node.args, "defaults", ()) if hasattr(node, "args") else ())]
            _read(parts, result)
            if isinstance(node, ast.ClassDef):
                _statements(node.body, Flow(result.uses, set(result.defines)))
            result.defines.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    result.star = True
                else:
                    result.defines.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            _read([node.iter], result)
            _store([node.target], result)
            _statements(node.body + node.orelse, result)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            _read([item.context_expr for item in node.items], result)
            _store([item.optional_vars for item in node.items if item.optional_vars], result)
            _statements(node.body, result)
        elif isinstance(node, (ast.If, ast.While)):
            _read([node.test], result)
            _statements(node.body + node.orelse, result)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            _statements(node.body, result)
            for handler in node.handlers:
                _read([handler.type] if handler.type else [], result)
                if handler.name:
                    result.defines.add(handler.name)
                _statements(handler.body, result)
            _statements(node.orelse + node.finalbody, result)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            _read([node.value] if node.value else [], result)
            if isinstance(node, ast.AugAssign):
                _read([node.target], result, load_only=False)
            _store(targets, result)
        else:
            _read([node], result)


def _read(nodes: list[ast.AST], result: Flow, load_only: bool = True) -> None:
    """Add the names these expressions read now (not in a lambda's body, not a
    comprehension's own variables) that are not defined yet; a walrus defines its name."""
    for node in nodes:
        local = {n.id for c in ast.walk(node) if isinstance(c, ast.comprehension)
                 for n in ast.walk(c.target) if isinstance(n, ast.Name)}
        for child in _walk_now(node):
            if isinstance(child, ast.Name) and (isinstance(child.ctx, ast.Load) or not load_only):
                if child.id not in result.defines and child.id not in local:
                    result.uses.add(child.id)
            elif isinstance(child, ast.NamedExpr):
                result.defines.add(child.target.id)


def _walk_now(node: ast.AST):
    """``ast.walk`` without what runs later: lambda bodies, nested functions and classes."""
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Lambda):
            todo.extend(current.args.defaults)
            continue
        yield current
        todo.extend(child for child in ast.iter_child_nodes(current) if not isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))


def _store(targets: list[ast.AST], result: Flow) -> None:
    """Names assigned; ``a[i] = …`` and ``a.x = …`` read ``a`` (and ``i``)."""
    for target in targets:
        if isinstance(target, ast.Name):
            result.defines.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            _store(target.elts, result)
        elif isinstance(target, ast.Starred):
            _store([target.value], result)
        else:
            _read([target], result, load_only=False)


def warnings(cells: list[tuple[str, str]], history: list[tuple[int, str]],
             answers: list[str], kernel: dict) -> list[str]:
    """How the kernel's values of ``answers`` differ from a run of ``cells`` (label, source:
    the saved notebook's code cells, in order) from the top; ``history`` is what ran (In
    number, source), in the order it ran."""
    flows = [flow(source) for _, source in cells]
    star = any(f.star for f in flows)
    found: list[str] = []
    defined: set[str] = set()
    for i, ((label, _), cell_flow) in enumerate(zip(cells, flows)):
        for name in sorted(cell_flow.uses - defined - BUILTINS):
            later = next((cells[j][0] for j in range(i + 1, len(cells))
                          if name in flows[j].defines), None)
            if later:
                found.append(f"{label} uses `{name}` before {later} defines it, so {label} "
                             f"fails.")
            elif name in kernel and not star and not any(name in f.defines for f in flows):
                found.append(f"{label} uses `{name}`, which no cell of the saved notebook defines "
                             f"(your kernel has it from code since changed or deleted).")
        defined |= cell_flow.defines
    where = {source.strip(): i for i, (_, source) in enumerate(cells)}
    ran_flows = [(source, flow(source)) for _, source in reversed(history)]   # latest first
    for name in answers:
        if name not in kernel:
            continue
        last_cell = max((i for i, f in enumerate(flows) if name in f.defines), default=None)
        ran = next((source for source, f in ran_flows if name in f.defines), None)
        if last_cell is None:
            if not star:
                found.append(f"`{name}` is in your kernel, but no cell of the saved notebook "
                             f"defines it: grading will not see it (save the notebook).")
        elif ran is not None and ran.strip() not in where:
            found.append(f"`{name}` comes from code that is not in the saved notebook (a cell "
                         f"changed since it was saved): save the notebook before you submit.")
        elif ran is not None and where[ran.strip()] < last_cell:
            found.append(f"`{name}` holds what {cells[where[ran.strip()]][0]} gave it, but "
                         f"{cells[last_cell][0]}, below it, assigns it again: grading gets "
                         f"{cells[last_cell][0]}'s.")
    if found and (order := _out_of_order(cells, history)):
        found.insert(0, order)
    return found


def _out_of_order(cells: list[tuple[str, str]], history: list[tuple[int, str]]) -> str | None:
    """The first pair of saved cells whose last runs are in the other order than the cells."""
    last = {}
    for number, source in history:
        for i, (_, cell) in enumerate(cells):
            if cell.strip() == source.strip():
                last[i] = number
    ordered = sorted(last)
    for above, below in zip(ordered, ordered[1:]):
        if last[above] > last[below]:
            return (f"Your cells ran out of order: {cells[above][0]} last ran as In "
                    f"[{last[above]}], after {cells[below][0]} (In [{last[below]}]).")
    return None


def saved_notebook(namespace: dict, history: list[tuple[int, str]]) -> Path | None:
    """The notebook this kernel runs: the one it was started for, or the notebook in its
    folder whose code cells hold the most of what ran."""
    for name in (os.environ.get("JPY_SESSION_NAME"), namespace.get("__session__"),
                 namespace.get("__vsc_ipynb_file__")):
        if isinstance(name, str) and name.endswith(".ipynb"):
            for path in (Path(name), Path.cwd() / Path(name).name):
                if path.is_file():
                    return path
    ran = {source.strip() for _, source in history}
    scores = {path: len(ran & {source.strip() for _, source in code_cells(path)})
              for path in sorted(Path.cwd().glob("*.ipynb"))}
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] else None


def code_cells(path: Path) -> list[tuple[str, str]]:
    """A notebook's code cells as (label, source), labelled as grading labels them; none if it
    cannot be read."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a notebook being written, or not one
        return []
    return [(f"cell {i}", str(cell.source)) for i, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code"]
