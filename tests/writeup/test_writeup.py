"""Grading the write-up a student hands in (Markdown with $…$ math), end to end through
``grade``: located by the handout's part labels and the question's labels, read as answers.py
would give it, graded by the same checker, and quoted with the line it was read from."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.gradescope import to_results_json
from autograder.grading import grade
from autograder.writeup import read_writeup
from tests.helpers import ROOT, by_number, validate, write

# Typora: headings per part, $$ displays, a boxed final, an "Answer:" line, a chain
GD_TYPORA = r"""
# Homework 1 — Gradient descent

## Question 1

### 1(a)

The gradient is
$$\nabla L(w) = \begin{pmatrix} a w_1 \\ b w_2 \end{pmatrix}$$
so $\frac{\partial L}{\partial w_1} = a w_1$ and $\frac{\partial L}{\partial w_2} = b w_2$.

### 1(b)

Setting the gradient to zero gives $w_1^* = 0$ and $w_2^* = 0$.

### 1(c)

$$w_1(t+1) = w_1(t) - \eta a w_1(t) = (1 - \eta a) w_1(t)$$

$$\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b$$

### 1(d)

We need $|\rho_i| < 1$ for both coordinates, hence $0 < \eta < \frac{2}{\max(a, b)}$.

### 1(e)

$$\boxed{\eta^* = \frac{2}{a+b}}$$ and the rate is $\rho = \frac{a-b}{a+b}$.

## Question 2

**Q2a.** Setting $\nabla R = 0$:

$$26 w_1 - 10 w_2 + 4 = 0 \quad (1)$$

$$w_1 = 1, \quad w_2 = 3 \quad (2)$$

**Q2b.** The Hessian's largest eigenvalue is $\lambda_{max} = 15 + \sqrt{221}$.

**Answer:** $\eta < \frac{2}{15 + \sqrt{221}}$
"""


def _line(text: str, snippet: str) -> str:
    """``line N`` of the file ``text`` where ``snippet`` is."""
    return f"line {text[:text.index(snippet)].count(chr(10)) + 1}"


def _submit(tmp_path: Path, text: str, name: str = "hw1.md", **files: str) -> Path:
    folder = tmp_path / "submission"
    write(folder, name, text)
    for file, source in files.items():
        write(folder, file, source)
    return folder


def _closed_forms(assignment: str) -> list[str]:
    return [q.id for q in load_assignment(assignment).questions if q.closed_form and q.graded]


def test_a_typora_writeup_is_graded_like_answers_py(tmp_path, results_schema):
    result = grade("gd", _submit(tmp_path, GD_TYPORA))
    data = to_results_json(result)
    validate(data, results_schema)
    numbers = [t["number"] for t in data["tests"] if t.get("max_score")]
    assert len(numbers) == len(set(numbers))   # one graded test per question
    tests = by_number(result)
    lines = {question: _line(GD_TYPORA, snippet) for question, snippet in (
        ("1a", r"$$\nabla L(w)"), ("1b", "Setting the gradient"), ("1c", r"$$\rho_1"),
        ("1d", "We need"), ("1e", r"$$\boxed"), ("2a", "$$w_1 = 1"), ("2b", "**Answer:**"))}
    for question, line in lines.items():
        test = tests[question]
        assert test.score == test.max_score, (question, test.output)
        assert test.output.startswith(f"Read from `hw1.md`, {line}: `"), (question, test.output)
    assert "`\\rho_1 = 1 - \\eta a, \\quad \\rho_2 = 1 - \\eta b`" in tests["1c"].output
    # 2a's display ends with the tag (2): quoted as written, graded as (1, 3), not (1, 6)
    assert tests["2a"].output.endswith("`w_1 = 1, \\quad w_2 = 3 \\quad (2)`")
    assert "hw1.md follows the numbering of our handout" in result.output
    assert tests["2c.1"].score == 0   # the code question is not in the write-up


WRONG = {   # question: (right text, wrong text, the known wrong answer's message)
    "1c": (r"$$\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b$$",
           r"$$\rho_1 = 1 + \eta a, \quad \rho_2 = 1 + \eta b$$", "sign of the step"),
    "1d": (r"hence $0 < \eta < \frac{2}{\max(a, b)}$.",
           r"hence $0 < \eta < \frac{2}{\min(a, b)}$.", "wrong upper end"),
    "1a": (r"so $\frac{\partial L}{\partial w_1} = a w_1$ and $\frac{\partial L}{\partial w_2} = b w_2$.",
           r"so $\frac{\partial L}{\partial w_1} = 2a w_1$ and $\frac{\partial L}{\partial w_2} = 2b w_2$.",
           "you forgot the ½"),
    "1a ": (r"\begin{pmatrix} a w_1 \\ b w_2 \end{pmatrix}",
            r"\begin{pmatrix} 2a w_1 \\ 2b w_2 \end{pmatrix}", "you forgot the ½"),
}


def test_wrong_answers_lose_their_points_with_the_same_message_as_in_answers_py(tmp_path):
    text = GD_TYPORA
    for right, wrong, _ in WRONG.values():
        assert right in text
        text = text.replace(right, wrong)
    tests = by_number(grade("gd", _submit(tmp_path, text)))
    for question, (_, _, message) in WRONG.items():
        question = question.strip()
        assert tests[question].score == 0 and message in tests[question].output, question
        assert "Read from `hw1.md`, line" in tests[question].output
    assert tests["1e"].score == tests["1e"].max_score   # the rest still graded


def test_equivalent_forms_earn_full_points(tmp_path):
    text = (GD_TYPORA
            .replace(r"\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b",
                     r"\rho_1 = -(a\eta - 1), \quad \rho_2 = 1-b\eta")
            .replace(r"0 < \eta < \frac{2}{\max(a, b)}", r"0 < \eta < \min(2/a, 2/b)")
            .replace(r"\boxed{\eta^* = \frac{2}{a+b}}", r"\boxed{\eta^* = 2(a+b)^{-1}}"))
    tests = by_number(grade("gd", _submit(tmp_path, text)))
    for question in ("1c", "1d", "1e"):
        assert tests[question].score == tests[question].max_score, tests[question].output


def test_an_obsidian_table_of_answers_with_q_numbering(tmp_path):
    text = r"""
Final answers (derivations on the next pages):

| Part | Answer |
|------|--------|
| Q1c | $\rho_1 = 1 - \eta a$, $\rho_2 = 1 - \eta b$ |
| Q2a | $w^* = (1, 3)$ |
| Q2b | $\eta < 0.06697$ |
"""
    tests = by_number(grade("gd", _submit(tmp_path, text, "answers-sheet.md")))
    for question in ("1c", "2a", "2b"):
        assert tests[question].score == tests[question].max_score, tests[question].output
    assert tests["1c"].output.startswith("Read from `answers-sheet.md`, line 6")
    assert "no answer found for 1a: `answers-sheet.md` has no part labelled 1a" in \
        tests["1a"].output


def test_two_different_final_answers_are_undecided_with_both_shown(tmp_path):
    text = GD_TYPORA.replace(r"$$w_1 = 1, \quad w_2 = 3 \quad (2)$$",
                             r"$$\boxed{w^* = (1, 3)}$$ or maybe $\boxed{w^* = (3, 1)}$")
    test = by_number(grade("gd", _submit(tmp_path, text)))["2a"]
    assert test.kind == "undecided" and test.score == 0
    assert "2 different answers" in test.output
    assert "(1, 3)" in test.output and "(3, 1)" in test.output


def test_a_boxed_answer_that_cannot_be_read_is_undecided_not_zero(tmp_path):
    text = GD_TYPORA.replace(r"$$\boxed{\eta^* = \frac{2}{a+b}}$$ and the rate is $\rho = \frac{a-b}{a+b}$.",
                             r"$$\boxed{\left(\frac{2}{a+b}, \frac{a-b}{a+b} @@\right)}$$")
    test = by_number(grade("gd", _submit(tmp_path, text)))["1e"]
    assert test.kind == "undecided" and test.score == 0, test.output
    assert "cannot be read" in test.output and _line(text, r"$$\boxed") in test.output


def test_nothing_found_is_zero_and_says_where_it_looked(tmp_path):
    text = GD_TYPORA.replace(r"$$\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b$$",
                             "The factors follow from the update above.").replace(
        r"$$w_1(t+1) = w_1(t) - \eta a w_1(t) = (1 - \eta a) w_1(t)$$", "No time for this one.")
    test = by_number(grade("gd", _submit(tmp_path, text)))["1c"]
    assert test.score == 0 and test.kind == "failed"
    assert f"looked in `hw1.md`, lines {_line(text, '### 1(c)')[5:]}–" in test.output
    assert "`ρ1`, `ρ2`" in test.output


def test_answers_py_answers_first_and_the_writeup_what_it_leaves_out(tmp_path):
    answers = '"""my answers"""\nq1c = ("1 + eta*a", "1 + eta*b")\nq1d = None\n'
    folder = _submit(tmp_path, GD_TYPORA, **{"answers.py": answers})
    tests = by_number(grade("gd", folder))
    assert tests["1c"].score == 0 and "sign of the step" in tests["1c"].output
    assert "Read from" not in tests["1c"].output      # answers.py's own value was graded
    assert tests["1d"].score == tests["1d"].max_score  # None in answers.py: the write-up's
    assert tests["1d"].output.startswith("Read from `hw1.md`, line 24")
    assert tests["1e"].score == tests["1e"].max_score  # not in answers.py at all


def test_check_shows_what_would_be_read_not_whether_it_is_right(tmp_path):
    text = GD_TYPORA.replace(r"\rho_1 = 1 - \eta a", r"\rho_1 = 1 + \eta a")  # wrong: not said
    result = grade("gd", _submit(tmp_path, text), public_only=True)
    tests = by_number(result)
    assert tests["0.1c"].passed
    assert tests["0.1c"].output.startswith("Read from `hw1.md`, line 20: "
                                           "`\\rho_1 = 1 + \\eta a, \\quad")
    assert "sign" not in tests["0.1c"].output
    assert "no answer found" not in tests["0.1e"].output


def test_a_writeup_follows_the_handout_its_labels_fit(tmp_path):
    """Another handout asks our 1a and 1b together as 1.a, our 1c as 1.b, our 1d as 1.c."""
    text = r"""
### Question 1

#### 1.a

$$\frac{\partial L}{\partial w_1} = a w_1 \text{ and } \frac{\partial L}{\partial w_2} = b w_2$$

Therefore, $w^* = (0, 0)$

#### 1.b

Therefore, $\rho_1 = 1 - \eta a$ and $\rho_2 = 1 - \eta b$

#### 1.c

$$-1 < 1 - \eta a < 1 \Rightarrow 0 < \eta < 2/a$$

Therefore, $0 < \eta < \min(2/a, 2/b)$

**1.d**

When $a/b$ is large, the rate $1 - 2b/a$ is close to $1$.
"""
    result = grade("gd", _submit(tmp_path, text))
    tests = by_number(result)
    assert "follows the numbering of the handout with parts 1.a-1.d" in result.output
    for question in ("1a", "1b", "1c", "1d"):
        assert tests[question].score == tests[question].max_score, tests[question].output
    assert tests["1d"].output.startswith(f"Read from `hw1.md`, {_line(text, 'Therefore, $0')}")


def test_a_calculus_writeup_with_matrices_and_bold_q_labels(tmp_path):
    text = r"""
# Calculus homework

**Q1a** The partial derivatives are $\frac{\partial f}{\partial x_1} = \cos x_1$ and
$\frac{\partial f}{\partial x_2} = 4x_2$.

**Q1b** The point $(\pi/2, 0)$ is a saddle point.

**Q2a** Since $v^T x = 3x_1 - 2x_2$:
$$\nabla (v^T x) = \begin{pmatrix} 3 \\ -2 \end{pmatrix}$$

**Q2b** The gradient is constant and never zero.

Answer: none

**Q3** The Jacobian is
$$J_f = \begin{bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin x_3 & 0 & e^{x_1}\cos x_3 \end{bmatrix}$$

**Q4a** $g$ is linear, so $\boxed{J_g = A}$.

**Q4b** $$J_h = I$$

**Q5a** Writing $v^T A v = \sum_{ij} v_i A_{ij} v_j$, we get $\nabla_A f = v v^T$.

**Q5b** Therefore $\nabla_A \|Av\|^2 = A v v^T$.
"""
    tests = by_number(grade("calculus", _submit(tmp_path, text, "calc.md")))
    for question in ("1a", "2a", "2b", "3", "4a", "4b", "5a"):
        assert tests[question].score == tests[question].max_score, (question, tests[question].output)
        assert tests[question].output.startswith("Read from `calc.md`, line")
    assert tests["5b"].score == 0 and "missing a factor 2" in tests["5b"].output
    assert tests["5b"].output.startswith(f"Read from `calc.md`, {_line(text, '**Q5b**')}")
    assert tests["1b"].score == tests["1b"].max_score, tests["1b"].output   # read from prose


def test_a_pdf_alone_asks_for_the_source(tmp_path, results_schema):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "hw1.pdf").write_bytes(b"%PDF-1.4\n")
    result = grade("gd", folder)
    validate(to_results_json(result), results_schema)
    assert "a PDF is not read: submit the source of your write-up (the .md or .tex file)" in \
        by_number(result)["1c"].output


def test_a_huge_writeup_is_refused_with_a_message(tmp_path, results_schema):
    folder = _submit(tmp_path, "# 1a\n\n" + "$x$ " * 3_000_000)   # 12 MB
    result = grade("gd", folder)
    validate(to_results_json(result), results_schema)
    test = by_number(result)["1c"]
    assert test.score == 0 and "MB of write-up is read" in test.output
    assert "MB of write-up is read" in result.output


def test_deeply_nested_quotes_cost_nothing(tmp_path):
    path = write(tmp_path, "deep.md", ">" * 100_000 + " $w^* = (1, 3)$\n")
    writeup = read_writeup(path, load_assignment("gd"))
    assert writeup.readings["q2a"].missing


def test_a_readme_beside_the_template_is_no_writeup(tmp_path):
    template = (ROOT / "student_template" / "gd" / "answers.py").read_text()
    folder = _submit(tmp_path, GD_TYPORA, "README.md", **{"answers.py": template})
    tests = by_number(grade("gd", folder, public_only=True))
    assert "not answered yet" in tests["0.1c"].output and "Read from" not in tests["0.1c"].output


def test_what_neither_file_answers_is_said_as_for_answers_py(tmp_path):
    template = (ROOT / "student_template" / "gd" / "answers.py").read_text()
    text = GD_TYPORA.split("## Question 2")[0]      # the write-up answers Question 1 only
    tests = by_number(grade("gd", _submit(tmp_path, text, **{"answers.py": template}),
                            public_only=True))
    assert tests["0.1c"].output.startswith("Read from `hw1.md`")
    assert "not answered yet" in tests["0.2a"].output


def test_student_text_in_feedback_is_inert(tmp_path):
    """A quoted answer cannot forge a heading or a link in the Markdown feedback."""
    text = GD_TYPORA.replace(r"$$w_1 = 1, \quad w_2 = 3 \quad (2)$$",
                             "$\\boxed{w^* = (1, 3)}$ or $\\boxed{w^* = (3, 1)}$\n\n"
                             "Therefore [full marks](http://x.example) $w^* = (1, 3)$")
    test = by_number(grade("gd", _submit(tmp_path, text, "# 15 of 15.md")))["2a"]
    assert test.kind == "undecided"
    assert "`\\boxed{w^* = (1, 3)}`" in test.output and "`# 15 of 15.md`" in test.output


def test_handouts_that_fit_equally_well_leave_what_they_read_differently_undecided(tmp_path):
    assignment = load_assignment("gd")
    assignment.handouts = [{"name": "handout A", "parts": {"1d": "1d"}},
                           {"name": "handout B", "parts": {"1d": "1e"}}]
    path = write(tmp_path, "hw.md", "### 1(d)\n\nTherefore $0 < \\eta < 2/\\max(a, b)$.\n")
    writeup = read_writeup(path, assignment)
    assert writeup.handout == "hw.md fits handout A and handout B equally well"
    assert "equally well" in writeup.readings["q1d"].undecided
    assert not writeup.readings["q1c"].undecided   # both say 1c is not there: 0 as usual


def test_a_multiline_typora_display_with_aligned_and_tags(tmp_path):
    text = GD_TYPORA.replace(r"$$\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b$$", r"""$$
\begin{aligned}
\rho_1 &= 1 - \eta a \tag{3}\\
\rho_2 &= 1 - \eta b \tag{4}
\end{aligned}
$$""")
    test = by_number(grade("gd", _submit(tmp_path, text)))["1c"]
    assert test.score == test.max_score, test.output
    assert f"Read from `hw1.md`, {_line(text, chr(92) + 'rho_1 &=')}: " \
           "`\\rho_1 &= 1 - \\eta a \\tag{3}\\\\`" in test.output


def test_a_writeup_that_takes_too_long_to_read_is_undecided_not_a_verdict(tmp_path, monkeypatch):
    """2 MB of "[" costs markdown-it minutes: the reading stops at its CPU limit."""
    import time

    from autograder.writeup import reading
    monkeypatch.setattr(reading, "READ_SECONDS", 0.5)
    path = write(tmp_path, "hw.md", "### 1c\n\n" + "[" * 1_500_000)
    started = time.monotonic()
    writeup = read_writeup(path, load_assignment("gd"))
    assert time.monotonic() - started < 30
    assert "could not be read within 0.5 s" in writeup.problem
    assert all(r.undecided and not r.read for r in writeup.readings.values())


def test_a_readme_alone_is_the_writeup(tmp_path):
    test = by_number(grade("gd", _submit(tmp_path, GD_TYPORA, "README.md")))["1c"]
    assert test.score == test.max_score and test.output.startswith("Read from `README.md`")


def test_a_wrong_derivation_says_its_first_wrong_step_as_feedback_only(tmp_path):
    text = GD_TYPORA.replace(
        r"$$w_1(t+1) = w_1(t) - \eta a w_1(t) = (1 - \eta a) w_1(t)$$",
        r"$$\rho_1 = 1 - \eta a = 1 + \eta a$$" + "\n\n" + r"$$\rho_2 = 1 - \eta b = 1 - b\eta$$"
    ).replace(r"$$\rho_1 = 1 - \eta a, \quad \rho_2 = 1 - \eta b$$", "")
    test = by_number(grade("gd", _submit(tmp_path, text)))["1c"]
    assert test.score == test.max_score / 2 and "sign of the step" in test.output
    assert "the step `1 - \\eta a = 1 + \\eta a` does not hold" in test.output
    right = by_number(grade("gd", _submit(tmp_path / "right", GD_TYPORA)))["1c"]
    assert "does not hold" not in right.output


def test_a_found_answer_that_cannot_be_read_is_undecided_never_zero(tmp_path):
    """1d's last display is malformed: undecided, quoted; 1b has nothing: 0, and where."""
    text = GD_TYPORA.replace(
        r"We need $|\rho_i| < 1$ for both coordinates, hence $0 < \eta < \frac{2}{\max(a, b)}$.",
        "We need $|\\rho_i| < 1$ for both coordinates:\n\n$$0 < \\eta < \\frac{2}{\\max(a, b}$$"
    ).replace(r"Setting the gradient to zero gives $w_1^* = 0$ and $w_2^* = 0$.",
              "Setting the gradient to zero is easy.")
    tests = by_number(grade("gd", _submit(tmp_path, text)))
    assert tests["1d"].kind == "undecided", tests["1d"].output
    assert "`0 < \\eta < \\frac{2}{\\max(a, b}`" in tests["1d"].output
    assert tests["1b"].kind != "undecided" and tests["1b"].score == 0
    first, last = _line(text, "### 1(b)"), _line(text, "### 1(c)").split()[1]
    assert f"no answer found for 1b: looked in `hw1.md`, {first}".replace("line", "lines") + \
        f"–{int(last) - 1} (the part labelled 1b)" in tests["1b"].output


def test_a_wrong_matrix_chain_says_its_first_wrong_step(tmp_path):
    """J_g = 2A − A = 2A: the matrices of the last link differ on the same instances."""
    text = "## Problem 4\n\n**4a.** The Jacobian is\n\n$$J_g = 2A - A = 2A$$\n"
    test = by_number(grade("calculus", _submit(tmp_path, text)))["4a"]
    assert test.score == 0, test.output
    assert "the step `2A - A = 2A` does not hold" in test.output, test.output
    right = text.replace("= 2A$$", "= A$$")
    test = by_number(grade("calculus", _submit(tmp_path / "right", right)))["4a"]
    assert test.score == test.max_score and "does not hold" not in test.output
