"""The pieces that keep bad input to the submitter's own questions: text made safe for
results.json and the terminal, a disk reserve for results.json, bounded replies from the
child, size checks before a notebook or a zip is read, and a walk that no depth can break."""
from __future__ import annotations

import json

from rich.console import Console

from autograder import results
from autograder.gradescope import write_results
from autograder.report import print_report
from autograder.results import GradingResult

BAD = "surrogate \ud800, a byte that was not UTF-8 \udcff, NUL \x00, CR\rLF\r\nend"
SAFE = "surrogate \ufffd, a byte that was not UTF-8 \ufffd, NUL , CR\nLF\nend"


# 1. text that cannot be written as UTF-8

def test_clean_text():
    assert results.clean_text(BAD) == SAFE
    assert results.clean_text("é ∇ 😀 [/x]") == "é ∇ 😀 [/x]"


def test_results_json_takes_any_text(tmp_path):
    result = GradingResult("gd", [results.TestResult(BAD, 1, 1, number="1", output=BAD, tags=(BAD,),
                                             outcome="passed")], output=BAD)
    path = tmp_path / "results.json"
    write_results(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["output"] == data["tests"][0]["output"] == data["tests"][0]["name"] == SAFE
    assert data["tests"][0]["tags"] == [SAFE] and data["score"] == 1


def test_terminal_report_takes_any_text(tmp_path):
    """Surrogates cannot be printed, and rich would read ``[/x]`` as a (broken) closing tag."""
    result = GradingResult("gd", [results.TestResult("1a [/x]", 1, output=BAD + " [/x] [bold]")],
                           output=BAD)
    with open(tmp_path / "report.txt", "w", encoding="utf-8") as out:
        print_report(result, title="gd: \udcff [/x]", console=Console(file=out, width=200))
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "1a [/x]" in text and "[/x] [bold]" in text and "gd: \ufffd [/x]" in text
    assert "\ufffd, a byte" in text and "\x00" not in text and "\r" not in text
