"""Student text inside our Markdown: shown as written, never as formatting.

A file name or an error message a student's code raised may contain ``# 15 / 15``, a link or
an image; in the always-visible summary that would forge a heading or a link.  Made inert, it
is plain text on one line (a line can only start with our own words, so no heading or list).
"""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>!&|~])")   # what can format text in the middle of a line


def _flat(text: object, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def inert(text: object, limit: int = 300) -> str:
    """``text`` on one line, at most ``limit`` characters, its Markdown characters escaped."""
    return _SPECIAL.sub(r"\\\1", _flat(text, limit))


def code(text: object, limit: int = 300) -> str:
    """``text`` as an inline code span (nothing inside one is formatting), on one line."""
    flat = _flat(text, limit)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
