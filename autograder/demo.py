"""``python -m autograder demo``: the project's example class, regraded as ``regrade`` does.

The class is ``demo/gd-export/`` beside the package: a Gradescope export of assignment ``gd``
(``submission_metadata.yml`` with names, SIDs and the scores Gradescope has now, and one folder
per submission) in the styles students hand in (see ``demo/README.md``).  It holds right
answers, so it lives outside the package, like ``reference/``: no zip built by ``package``
takes it, and student code graded in a checkout cannot read it (the sandbox's private paths).
"""
from __future__ import annotations

import shutil
from pathlib import Path

ASSIGNMENT = "gd"
CLASS = Path(__file__).resolve().parents[1] / "demo" / "gd-export"
MARKER = ".autograder-demo"   # in a folder this command wrote: it may replace it
TIMEOUT = 10.0                # a core's seconds per submission: the endless loop is stopped
#                              well before gd's own 30 s limit on loading answers.py


class DemoError(Exception):
    """The demo cannot run (the message says why)."""


def prepare(out: Path) -> Path:
    """A fresh copy of the class in ``out/class``; its path.  ``out`` may be new, empty or an
    earlier demo's (replaced whole); any other folder is refused."""
    if not CLASS.is_dir():
        raise DemoError(f"the demo class {CLASS} is not here: it comes with a checkout of the "
                        f"project, not with an installed package")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DemoError(f"{out} is a file: give the demo a folder with --out")
    if (out / MARKER).is_file():
        shutil.rmtree(out)
    elif out.is_dir() and any(out.iterdir()):
        raise DemoError(f"{out} holds files the demo did not write: give it a new or empty "
                        f"folder with --out")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `python -m autograder demo`, which replaces this "
                              "folder when it runs again\n")
    # git keeps no empty folder: the empty submission holds a .gitkeep, not copied
    return Path(shutil.copytree(CLASS, out / "class",
                                ignore=shutil.ignore_patterns(".gitkeep", "__pycache__")))
