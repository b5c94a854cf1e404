"""Generated classes of `gd` submissions, as a real class hands them in, for the batch tests and
the regrading benchmark.

Each question's answer is drawn from the forms students write: right ones in many notations
(the seeds' ``η``, ``min(2/a, 2/b)``, lists for tuples), known wrong ones, blanks; the code of
``gd_distances`` in loop, vectorised or wrong styles; a notebook instead of answers.py now and
then; and a share of hostile submissions that end fast (exit, raise, NaN, a 10 MB answer, reading
a classmate's folder, writing outside, importing the grader).  Many students share answers, as
they do: that is what the batch's verdict reuse meets in practice.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import nbformat

RIGHT = {
    "q1a": ['("a*w1", "b*w2")', '("a w1", "b w2")', '["w1*a", "w2*b"]', '("a·w1", "b·w2")'],
    "q1b": ["(0, 0)", '("0", "0")', "[0, 0]", "(0.0, 0.0)"],
    "q1c": ['("1 - eta*a", "1 - eta*b")', '("(1 - η a)", "(1 - η b)")', '["1-a*eta", "1-b*eta"]',
            '("-a*eta + 1", "-b*eta + 1")'],
    "q1d": ['"0 < eta < 2/max(a, b)"', '"0 < η < min(2/a, 2/b)"', '"0 < eta < 2*min(1/a, 1/b)"'],
    "q1e": ['("2/(a + b)", "(a - b)/(a + b)")', '("2/(b+a)", "1 - 2*b/(a + b)")'],
    "q2a": ["(1, 3)", "[1, 3]", '("1", "3")', "(1.0, 3.0)"],
    "q2b": ['"2/(15 + sqrt(221))"', '"η < 0.067"', '"(15 - sqrt(221))/2"'],
}
WRONG = {
    "q1a": ['("2*a*w1", "2*b*w2")', '("a", "b")', '("a*w1**2", "b*w2**2")'],
    "q1b": ["(1, 1)", '("w1", "w2")'],
    "q1c": ['("1 + eta*a", "1 + eta*b")', '("eta*a", "eta*b")', '("1 - a", "1 - b")'],
    "q1d": ['"0 < eta < 2/min(a, b)"', '"0 <= eta < 2/max(a, b)"', '"0 < eta <= 2/max(a, b)"'],
    "q1e": ['("1/(a + b)", "(a - b)/(a + b)")', '("2/(a + b)", "(b - a)/(a + b)")'],
    "q2a": ["(3, 1)", "(-1, -3)", "(0, 0)"],
    "q2b": ['"2/(15 - sqrt(221))"', '"1/13"', '"0.1"'],
}
BLANK = "None"

CODE = {
    "loop": '''
def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        g = np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
        w = w - eta*g
        out.append(np.linalg.norm(w - w_star))
    return np.array(out)
''',
    "matrix": '''
H = np.array([[26., -10.], [-10., 4.]])
c = np.array([4., -2.])
def gd_distances(eta, epochs):
    w, res = np.zeros(2), np.empty(epochs)
    for t in range(epochs):
        w = w - eta * (H @ w + c)
        res[t] = np.sqrt(((w - np.array([1, 3]))**2).sum())
    return res
''',
    "off_by_one": '''
def gd_distances(eta, epochs):
    w, out = np.zeros(2), []
    for _ in range(epochs):
        out.append(np.linalg.norm(w - np.array([1.0, 3.0])))
        w = w - eta*np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
    return out
''',
    "unfinished": '''
def gd_distances(eta, epochs):
    raise NotImplementedError
''',
}

HOSTILE = {
    "exit_at_import": "import sys\nsys.exit(0)\n",
    "raise_at_import": "q1a = ('a*w1', 'b*w2')\nraise RuntimeError('half done')\n",
    "nan_answers": "q1b = (float('nan'), 0)\nq2a = (float('inf'), 3)\nq2b = float('nan')\n",
    "ten_megabytes": "q1c = ('1 - eta*a' * 1_000_000, '1')\nq1d = 'x' * 10_000_000\n",
    "reads_classmates": ("import glob\nseen = []\n"
                         "for pattern in ('../*/answers.py', '../../*/answers.py', "
                         "'/tmp/*/submission_*/answers.py', '/tmp/*/*/submission_*/answers.py'):\n"
                         "    seen += glob.glob(pattern)[:5]\n"
                         "q1a = ('a*w1', 'b*w2') if seen else ('a', 'b')\n"),
    "writes_outside": ("import os\nfor p in ('../results.json', '/autograder/results/results.json',"
                       " '../../grades.csv'):\n    try:\n        open(p, 'w').write('{}')\n"
                       "    except OSError:\n        pass\n"),
    "imports_grader": "import autograder\nq1a = autograder.__file__\n",
}


def gd_class(count: int, seed: int = 0, hostile_share: float = 0.06) -> list[dict[str, str]]:
    """``count`` submissions, each a dict of file name -> text."""
    rng = random.Random(seed)
    kinds = list(HOSTILE)
    return [_hostile(kinds[i % len(kinds)], rng) if rng.random() < hostile_share
            else _honest(rng) for i in range(count)]


def write_class(folder: Path, submissions: list[dict[str, str]], metadata: bool = True,
                previous: dict[str, float] | None = None) -> list[str]:
    """The class as a Gradescope export in ``folder`` (``submission_metadata.yml`` with names,
    SIDs, emails and each one's current score from ``previous``); the folders' names."""
    folder.mkdir(parents=True, exist_ok=True)
    names, meta = [], {}
    for i, files in enumerate(submissions):
        name = f"submission_{1000 + i}"
        names.append(name)
        (folder / name).mkdir()
        for file, text in files.items():
            (folder / name / file).write_text(text)
        meta[name] = {":submitters": [{":name": f"Student {i}", ":sid": f"{900000 + i}",
                                       ":email": f"s{i}@uni.edu"}],
                      ":created_at": "2026-10-01 12:00:00.000000000 Z",
                      ":score": (previous or {}).get(name, 0.0), ":status": "processed",
                      ":results": {"score": 0.0, "tests": []}, ":history": []}
    if metadata:
        (folder / "submission_metadata.yml").write_text(json.dumps(meta, indent=1))  # JSON is YAML
    return names


def _honest(rng: random.Random) -> dict[str, str]:
    skill = rng.random()
    lines = ["import numpy as np", ""]
    for name in RIGHT:
        roll = rng.random()
        pool = RIGHT[name] if roll < skill else WRONG[name] if roll < 0.93 else [BLANK]
        lines.append(f"{name} = {rng.choice(pool)}")
    style = rng.choices(list(CODE), weights=[5, 3, 1, 1])[0] if rng.random() < 0.9 + skill / 10 \
        else "unfinished"
    source = "\n".join(lines) + "\n" + CODE[style]
    if rng.random() < 0.15:
        return {"hw_gd.ipynb": _notebook(source)}
    return {"answers.py": source}


def _hostile(kind: str, rng: random.Random) -> dict[str, str]:
    honest = _honest(rng).get("answers.py", "")
    return {"answers.py": honest + "\n" + HOSTILE[kind]}


def _notebook(source: str) -> str:
    cells = [nbformat.v4.new_markdown_cell("# Homework: gradient descent")]
    cells += [nbformat.v4.new_code_cell(chunk) for chunk in source.split("\n\n") if chunk.strip()]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))
