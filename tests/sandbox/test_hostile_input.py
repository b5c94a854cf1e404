"""Bad input, graded to an exact outcome through both entry points (see ``hostile.py``):
text that is not UTF-8, replies forged on the child's pipe, oversized answers, zip bombs.  Each
costs at most the submitter's own questions, never the whole grade or the grader's memory."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.helpers import REFERENCE_GD
from tests.sandbox.hostile import ALL, CODE, Case, grade_both, zipped

FORGE = """
import os, sys
def gd_distances(eta, epochs):  # writes on the harness's reply pipe, as if it were the harness
    os.write(int(sys.argv[2]), {line})
"""


def _forged(line: str) -> str:
    """Submission code whose gd_distances sends ``line`` (a bytes expression) as its reply
    (braces doubled: the runner formats the code)."""
    return FORGE.replace("{line}", line.replace("{", "{{").replace("}", "}}"))


def _notebook_bomb() -> bytes:
    """A zip of about 100 KB holding a 98 MB notebook: the reference answers, and one output."""
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": REFERENCE_GD,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "x" * 98_000_000}]}
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("hw/gd.ipynb", json.dumps(notebook))
    return buffer.getvalue()


TOO_LARGE = "the answer is too large to grade"

CASES = [
    # text that cannot be written as UTF-8, or that a terminal would read as markup
    Case("lone_surrogate_in_error", 'raise ValueError("\\ud800")',
         summary="raised `ValueError: \ufffd`"),
    Case("invalid_utf8_file_name", files={b"\xff\xfe.py": REFERENCE_GD},
         summary="graded \ufffd\ufffd.py as answers.py"),
    Case("rich_markup_in_error", 'def gd_distances(eta, epochs):\n'
         '    raise ValueError("[/x] [bold]")', CODE, {"*": "ValueError: [/x] [bold]"}),
    # replies forged on the reply pipe
    Case("forged_huge_reply", _forged("b'{\"value\": [' + b'{},' * 2_000_000 + b'{}]}\\n'"),
         CODE, {"*": f"{TOO_LARGE} (it takes more than 4 MB to send back)"}),
    Case("forged_deep_reply", _forged("b'{\"value\": ' + b'[' * 100_000 + b']' * 100_000 + "
                                      "b'}\\n'"),
         CODE, {"*": "the answer could not be read back: it is nested too deeply"}),
    Case("forged_tiny_objects", _forged("b'{\"value\": [' + b'{},' * 300_000 + b'{}]}\\n'"),
         CODE, {"*": "the answer could not be read back: it has more than 200000 lists and "
                     "objects"}),
    # answers too large to send back
    Case("string_10mb_in_pieces", "q1a = ('x' * 100_000,) * 100", {"0.1a": 0, "1a": 2},
         {"1a": f"{TOO_LARGE} (it takes 9.5 MB to send back, more than 4 MB)"}),
    Case("string_10mb_returned", "def gd_distances(eta, epochs):\n    return 'x' * 10_000_000",
         CODE, {"*": f"{TOO_LARGE} (a text in the answer has 10000000 characters, more "
                     f"than 100000)"}),
    Case("million_python_floats", "q1b = [0.5] * 10**6", {"0.1b": 0, "1b": 1},
         {"1b": f"{TOO_LARGE} (the answer has more than 20000 values)"}),
    # archives
    Case("zip_bomb_notebook", files={"hw.zip": _notebook_bomb()}, lost=ALL,
         says={"*": "gd.ipynb is 93 MB; at most 20 MB is read. Outputs (plots, printed text) "
                    "are what usually makes a notebook large: clear them"},
         summary="unpacked hw.zip"),
    Case("deep_zip_folder", files={"hw.zip": zipped({"hw/answers.py": REFERENCE_GD,
                                                    "d/" * 1200 + "x.py": "x = 1"})},
         summary="x.py (nested more than 20 folders deep)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, hostile_graders, results_schema):
    grade_both(case, tmp_path, hostile_graders, results_schema)
