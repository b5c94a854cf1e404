"""`check` on a write-up, as a student runs it before the due date: for each question of a
Markdown, LaTeX or notebook write-up, what would be read and from which line, never whether
it is right (no score, no known wrong answer's message, no first wrong step, no reference)."""
from __future__ import annotations

import nbformat
import pytest

from tests.helpers import run_cli, write
from tests.writeup.test_writeup import GD_TYPORA
from tests.writeup.test_writeup_tex import MAIN, PROBLEM2

# 1c wrong in each (the sign of the step), everything else as in the graded tests
MARKDOWN = GD_TYPORA.replace(r"\rho_1 = 1 - \eta a", r"\rho_1 = 1 + \eta a").replace(
    r"= (1 - \eta a) w_1(t)$$", "$$")
LATEX = MAIN.replace(r"\rho_1 &= 1 - \lr a", r"\rho_1 &= 1 + \lr a")
SAID_WRONG = ("sign of the step", "does not hold", "1 - \\eta a", "1 - eta", "incorrect",
              "points", "/ 15", "2/(a + b)")


def _notebook() -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(
        "### 1(c)\n\nThe factors are\n$$\\rho_1 = 1 + \\eta a, \\quad \\rho_2 = 1 - \\eta b$$")]
    return nbformat.writes(notebook)


@pytest.mark.parametrize("files, read", [
    ({"hw1.md": MARKDOWN}, ["Read from `hw1.md`, line 20: `\\rho_1 = 1 + \\eta a, \\quad",
                            "Read from `hw1.md`, line 24: `0 < \\eta <",
                            "Read from `hw1.md`, line 28: `\\boxed{\\eta^* = \\frac{2}{a+b}}`"]),
    ({"hw1.tex": LATEX, "problem2.tex": PROBLEM2},
     ["Read from `hw1.tex`, line 16: `\\rho_1 &= 1 + \\lr a \\tag{3}\\\\`",
      "Read from `problem2.tex`, line 3: `\\lr < \\frac{2}{15 + \\sqrt{221}}`"]),
    ({"gd.ipynb": _notebook()},
     ["Read from `gd.ipynb, cell 1`, line 4: `\\rho_1 = 1 + \\eta a, \\quad"]),
], ids=["markdown", "latex", "notebook"])
def test_check_shows_what_each_question_would_read_and_nothing_hidden(tmp_path, files, read):
    folder = tmp_path / "submission"
    for name, text in files.items():
        write(folder, name, text)
    done = run_cli("check", "gd", str(folder), env={"COLUMNS": "400"})
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout
    for quote in read:
        assert quote in out, (quote, out)
    assert "follows the numbering of our handout" in out
    rows = [line for line in out.splitlines() if "Q1c form" in line]
    assert rows and "✔" in rows[0], out   # read, and of the right form: not said to be wrong
    for hidden in SAID_WRONG:
        assert hidden not in out, (hidden, out)
