"""The Markdown cells of a notebook as one Markdown write-up (nbformat reads it; outputs are
dropped first): its code cells answer code questions, its Markdown cells the closed forms its
code leaves out.  Each line knows its cell, so quotes say ``hw.ipynb, cell 4, line 2``, and
what is not found says which cells were searched."""
from __future__ import annotations

from pathlib import Path

from ..submission import MAX_NOTEBOOK_BYTES, MAX_NOTEBOOK_PARTS, slim_notebook
from .tex import Source, Refused


def markdown_cells(path: Path, shown: str) -> Source:
    """The notebook's Markdown cells, one after another, and where each line comes from."""
    data = path.read_bytes()[:MAX_NOTEBOOK_BYTES + 1]
    if len(data) > MAX_NOTEBOOK_BYTES or data.count(b"{") + data.count(b"[") > MAX_NOTEBOOK_PARTS:
        raise Refused("the notebook is too large to read (clear its outputs)")
    try:
        notebook = slim_notebook(data)
    except Exception as exc:   # json and nbformat raise many kinds for a broken file
        raise Refused(f"it is not a readable Jupyter notebook ({type(exc).__name__})") from exc
    source, lines, numbers = Source(""), [], []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.get("cell_type") != "markdown":
            continue
        source.places.append((len(lines) + 1, f"{shown}, cell {number}", 1))
        lines += str(cell.get("source", "")).splitlines() + [""]
        numbers.append(str(number))
    source.text = "\n".join(lines)
    source.within = (f"in its Markdown {'cell' if len(numbers) == 1 else 'cells'} "
                     f"({_listed(numbers)})" if numbers else "(it has no Markdown cell)")
    return source


def _listed(numbers: list[str]) -> str:
    """``cell 2``, ``cells 1 and 3``, ``cells 1, 4 and 6``."""
    head = ", ".join(numbers[:-1])
    return f"cells {head} and {numbers[-1]}" if head else f"cell {numbers[0]}"
