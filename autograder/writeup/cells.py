"""The Markdown cells of a notebook as one Markdown write-up (nbformat reads it; outputs are
dropped first): its code cells answer code questions, its Markdown cells the closed forms its
code leaves out.  Each line knows its cell, so quotes say ``hw.ipynb, cell 4, line 2``."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from ..submission import MAX_NOTEBOOK_BYTES, MAX_NOTEBOOK_PARTS, _without_outputs
from .tex import Source, Refused


def markdown_cells(path: Path, shown: str) -> Source:
    """The notebook's Markdown cells, one after another, and where each line comes from."""
    data = path.read_bytes()[:MAX_NOTEBOOK_BYTES + 1]
    if len(data) > MAX_NOTEBOOK_BYTES or data.count(b"{") + data.count(b"[") > MAX_NOTEBOOK_PARTS:
        raise Refused("the notebook is too large to read (clear its outputs)")
    try:
        notebook = nbformat.reads(json.dumps(_without_outputs(json.loads(data))), as_version=4)
    except Exception as exc:   # json and nbformat raise many kinds for a broken file
        raise Refused(f"it is not a readable Jupyter notebook ({type(exc).__name__})") from exc
    source, lines = Source(""), []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.get("cell_type") != "markdown":
            continue
        source.places.append((len(lines) + 1, f"{shown}, cell {number}", 1))
        lines += str(cell.get("source", "")).splitlines() + [""]
    source.text = "\n".join(lines)
    return source
