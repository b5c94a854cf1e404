"""Grading the write-up a student hands in (Markdown with ``$…$`` math): each closed-form
answer is located by the handout's part labels and the question's labels, read as answers.py
would give it, and graded by the same checker.  See :func:`.reading.read_writeup`.

Its names are imported on first use: a grading with no write-up does not pay for the reader
(markdown-it, the LaTeX reader)."""
from __future__ import annotations

__all__ = ["Reading", "Writeup", "read_writeup"]


def __getattr__(name: str):
    if name in __all__:
        from . import reading
        return getattr(reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
