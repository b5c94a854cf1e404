"""Bad input, graded to an exact outcome through both entry points (see ``tests/hostile.py``):
text that is not UTF-8, replies forged on the child's pipe, oversized answers, zip bombs.  Each
costs at most the submitter's own questions, never the whole grade or the grader's memory."""
from __future__ import annotations

import pytest

from conftest import REFERENCE_GD
from hostile import CODE, Case, fast_graders, grade_both

CASES = [
    # text that cannot be written as UTF-8, or that a terminal would read as markup
    Case("lone_surrogate_in_error", 'raise ValueError("\\ud800")',
         summary="raised `ValueError: \ufffd`"),
    Case("invalid_utf8_file_name", files={b"\xff\xfe.py": REFERENCE_GD},
         summary="graded \ufffd\ufffd.py as answers.py"),
    Case("rich_markup_in_error", 'def gd_distances(eta, epochs):\n'
         '    raise ValueError("[/x] [bold]")', CODE, {"*": "ValueError: [/x] [bold]"}),
]


@pytest.fixture(scope="module")
def graders(tmp_path_factory):
    return fast_graders(tmp_path_factory.mktemp("graders"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, graders, results_schema):
    grade_both(case, tmp_path, graders, results_schema)
