"""How long reading a long write-up takes, against reading a one-page one in the same run.

The one-page write-ups are the tests' Typora Markdown and Overleaf LaTeX homework for `gd`;
the 30-page ones are the same with about 3.5 KB of derivation (prose, inline math, displays)
before each part's answer, about 100 KB in all.  Prints the median seconds of reading each
(`read_writeup`: parsing, locating and reading every closed form, without grading; CPU
seconds), the ratio, what the 30 pages cost beyond the one page, and a whole `grade` of the
one page (wall seconds).

    .venv/bin/python bench/writeup_speed.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.writeup import read_writeup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the tests package

from tests.writeup.test_writeup import GD_TYPORA  # noqa: E402
from tests.writeup.test_writeup_tex import MAIN, PROBLEM2  # noqa: E402

PARAGRAPH = (r"Expanding the square, "
             r"$(x_{k} - \bar{x})^2 = x_{k}^2 - 2 x_{k} \bar{x} + \bar{x}^2$, "
             r"and summing over $k = 1, \dots, n$ the cross terms cancel since "
             r"$\sum_k (x_k - \bar{x}) = 0$. By the chain rule the derivative of each term is "
             r"$2 (x_k - \bar{x}) \frac{\partial x_k}{\partial t}$.")
DISPLAY = r"\sum_{k=1}^{n} \left(x_k - \bar{x}\right)^2 = \sum_{k=1}^{n} x_k^2 - n \bar{x}^2"


def padding(latex: bool, pages: int, parts: int) -> str:
    """About 3.5 KB of derivation per page, shared among the parts."""
    per_part = max(1, pages * 3500 // parts // (len(PARAGRAPH) + len(DISPLAY) + 12))
    display = rf"\[ {DISPLAY} \]" if latex else f"$$ {DISPLAY} $$"
    return "\n\n".join(f"{PARAGRAPH}\n\n{display}" for _ in range(per_part)) + "\n\n"


def markdown(pages: int) -> str:
    parts = re.findall(r"^###? .*$", GD_TYPORA, re.MULTILINE)
    pad = padding(False, pages - 1, len(parts)) if pages > 1 else ""
    return re.sub(r"^(###? .*)$", lambda m: f"{m.group(1)}\n\n{pad}", GD_TYPORA,
                  flags=re.MULTILINE)


def latex(pages: int) -> tuple[str, str]:
    pad = padding(True, pages - 1, 7) if pages > 1 else ""
    return MAIN.replace(r"\item ", rf"\item {pad}"), PROBLEM2.replace(r"\item ", rf"\item {pad}")


def timed(action, repeat: int, clock=time.process_time) -> float:
    """The median time of ``action``: CPU time of this process by default (the reading runs
    in it alone), which another run sharing the cores changes least."""
    samples = []
    for _ in range(repeat):
        started = clock()
        action()
        samples.append(clock() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    assignment = load_assignment("gd")
    with tempfile.TemporaryDirectory() as scratch:
        folders = {}
        for style in ("markdown", "latex"):
            for pages in (1, 30):
                folder = Path(scratch) / f"{style}-{pages}"
                folder.mkdir()
                if style == "markdown":
                    (folder / "hw1.md").write_text(markdown(pages))
                else:
                    main_text, problem2 = latex(pages)
                    (folder / "hw1.tex").write_text(main_text)
                    (folder / "problem2.tex").write_text(problem2)
                folders[style, pages] = folder
        for style in ("markdown", "latex"):
            name = "hw1.md" if style == "markdown" else "hw1.tex"
            seconds, sizes = {}, {}
            for pages in (1, 30):
                folder = folders[style, pages]
                sizes[pages] = sum(p.stat().st_size for p in folder.iterdir())
                writeup = read_writeup(folder / name, assignment, root=folder)
                read = sum(bool(r.read) for r in writeup.readings.values())
                assert read == 7, (style, pages, read)   # the padding changes no reading
                seconds[pages] = timed(lambda: read_writeup(folder / name, assignment,
                                                            root=folder), repeat)
            whole = timed(lambda: grade("gd", folders[style, 1]), max(1, repeat // 2),
                          time.perf_counter)   # wall time: its sandboxed child runs apart
            print(f"{style}: 1 page ({sizes[1] / 1024:.0f} KB) read in {seconds[1]:.3f} s; "
                  f"30 pages ({sizes[30] / 1024:.0f} KB) in {seconds[30]:.3f} s "
                  f"({seconds[30] / seconds[1]:.1f}x), {seconds[30] - seconds[1]:.3f} s beyond "
                  f"the page; grading the page takes {whole:.2f} s")


if __name__ == "__main__":
    main()
