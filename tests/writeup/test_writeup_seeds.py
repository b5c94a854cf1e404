"""The five seed write-ups graded as they are, each as one ``.md`` file, against a careful
TA's verdict per closed-form question (the course pack's notes on them).

The seeds live beside the repository (``../shared/seeds``), never in it: without them these
tests skip.  ``python tests/test_writeup_seeds.py`` prints the per-seed, per-question table.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ROOT, by_number, write
from autograder.grading import grade

SEEDS = ROOT.parent / "shared" / "seeds"

# (seed, assignment): {question: a careful TA's verdict}.  "right": full marks; "wrong":
# fewer points, graded; "unanswered": 0, nothing written for it.
TA = {
    # Question 1 (a) is our gd 2a: w1 = 1 and w2 = 3 through tagged equations
    ("000", "gd"): {"2a": "right"},
    # Question 2 (a) is backprop 1 with s = 3; (b) gives the shapes of W, b, U, c (n = k = 3,
    # K = 1); its (c) is another network's backward pass, not backprop's 3a-3g
    ("000", "backprop"): {"1": "right", "2": "right"},
    # 1.a is our 1a and 1b (w* = ⟨0, 0⟩), 1.b our 1c, 1.c our 1d
    ("001", "gd"): {"1a": "right", "1b": "right", "1c": "right", "1d": "right"},
    # numbered section.item(letter): J_f's second row is wrong; the rest is right, written
    # entry by entry (∇f(A)_ij = v_i v_j), in words ("no critical points"), as J_h = 1 (the
    # identity, or a matrix of ones?) and in names of earlier results (∇L(y'), Σ_h)
    ("002", "calculus"): {**{q: "right" for q in (
        "1a", "1b", "2a", "2b", "4a", "5a", "5b", "6a", "6b", "6c", "6d", "6e", "6f", "6g")},
        "3": "wrong", "4b": "right"},
    # items 1.3 and 1.4 of Problem 1: 1.4 is left blank ("k"); 1.3's gradients have no
    # transposes (and db2 a spurious 5)
    ("003", "backprop"): {**{q: "unanswered" for q in ("3a", "3b", "3c")},
                          **{q: "wrong" for q in ("3d", "3e", "3f", "3g")}},
    # the course's 1.1.1 ... 3.3: λ̃ = 0 and a receptive field of 15 are wrong
    ("004", "optim_cnn"): {**{q: "right" for q in ("1a", "2a", "2b", "3", "4a", "6a", "7a")},
                           "5": "wrong", "8a": "wrong"},
}


def verdict(test, question: str) -> str:
    """What the grader did with a question: right, wrong, unanswered or undecided."""
    if test.kind == "undecided":
        return "undecided"
    if test.score == test.max_score:
        return "right"
    return "unanswered" if f"no answer found for {question}" in test.output else "wrong"


def seed_table(tmp_path: Path) -> list[tuple[str, str, str, str, str, str]]:
    """(seed, assignment, question, TA's verdict, the grader's, its feedback) per question."""
    rows = []
    for (seed, assignment), verdicts in TA.items():
        source = next(SEEDS.glob(f"{seed}_*.txt"))
        folder = tmp_path / f"{seed}-{assignment}"
        write(folder, "writeup.md", source.read_text())
        tests = by_number(grade(assignment, folder))
        for question, ta in verdicts.items():
            test = tests[question]
            rows.append((seed, assignment, question, ta, verdict(test, question), test.output))
    return rows


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("the seeds are not beside the repository (../shared/seeds)")
    return seed_table(tmp_path_factory.mktemp("seeds"))


def test_no_seed_question_is_misgraded(table):
    for seed, assignment, question, ta, got, output in table:
        assert got in (ta, "undecided"), (seed, assignment, question, output)


def test_at_least_all_but_three_get_the_tas_verdict(table):
    agreed = sum(got == ta for *_, ta, got, _ in table)
    assert agreed >= len(table) - 3, [row[:5] for row in table if row[3] != row[4]]


def test_every_graded_seed_answer_quotes_what_it_read(table):
    for seed, assignment, question, ta, got, output in table:
        if got in ("right", "wrong"):
            assert output.startswith("Read from `writeup.md`, line"), (seed, question, output)
        if got == "unanswered":
            assert "looked in" in output or "has no part labelled" in output, output
        if got == "undecided":
            assert "writeup.md" in output, output   # the candidates or where it looked


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        rows = seed_table(Path(tmp))
    for seed, assignment, question, ta, got, output in rows:
        mark = "ok" if got == ta else "--" if got == "undecided" else "MISGRADED"
        print(f"{seed} {assignment:9} {question:3} TA {ta:10} grader {got:10} {mark:9} "
              f"{output.splitlines()[0][:110] if output else ''}")
    agreed = sum(r[3] == r[4] for r in rows)
    undecided = sum(r[4] == "undecided" for r in rows)
    print(f"{agreed}/{len(rows)} as the TA, {undecided} undecided, "
          f"{len(rows) - agreed - undecided} misgraded")
