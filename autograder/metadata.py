"""Read Gradescope's ``submission_metadata.json``: who submitted, and which attempt this is.

Any problem (no file, bad JSON, unexpected shapes) yields what could be read, never an error.
"""
from __future__ import annotations

import json
from pathlib import Path


def read_metadata(path: Path) -> dict:
    """``{"names": [...], "attempt": n}`` with whatever could be read (maybe nothing)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    info: dict = {}
    users = data.get("users")
    if isinstance(users, list):
        names = [str(u.get("name"))[:100] for u in users if isinstance(u, dict) and u.get("name")]
        if names:
            info["names"] = names
    previous = data.get("previous_submissions")
    if isinstance(previous, list):
        info["attempt"] = len(previous) + 1
    return info


def describe_submitter(info: dict) -> str:
    """``Submitted by Ada Lovelace (attempt 3).`` or an empty string."""
    if not info.get("names"):
        return f"Attempt {info['attempt']}." if info.get("attempt") else ""
    attempt = f" (attempt {info['attempt']})" if info.get("attempt") else ""
    return f"Submitted by {', '.join(info['names'])}{attempt}."
