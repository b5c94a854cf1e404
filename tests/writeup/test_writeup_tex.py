"""LaTeX write-ups as Overleaf homework templates make them: sections and enumerate parts,
``align*`` chains with ``\\tag``s, ``\\boxed`` finals, ``\\newcommand`` macros and an
``\\input`` per problem; graded as the same answers in answers.py would be, quoted with their
file and line.  Hostile sources (``\\input{/etc/passwd}``, recursive macros, deep braces) are
refused with a message and cost only the write-up."""
from __future__ import annotations

from tests.helpers import by_number, write
from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.writeup import read_writeup

MAIN = r"""\documentclass[11pt]{article}
\usepackage{amsmath,amssymb}
\newcommand{\R}{\mathbb{R}}
\newcommand{\grad}[1]{\nabla #1}
\def\lr{\eta}
\title{Homework 1}
\begin{document}
\maketitle
\section*{Problem 1}
\begin{enumerate}[(a)]
\item The gradient is $\grad{L}(w) = (a w_1, b w_2)$. % the 1/2 cancels
\item Setting it to zero, $w^* = (0, 0)$.
\item The update is
\begin{align*}
w_1(t+1) &= w_1(t) - \lr a w_1(t) \\
\rho_1 &= 1 - \lr a \tag{3}\\
\rho_2 &= 1 - \lr b \tag{4}
\end{align*}
\item Hence $0 < \lr < \frac{2}{\max(a, b)}$.
\item \[ \boxed{\eta^* = \frac{2}{a+b}} \] and the rate is $\rho = \frac{a-b}{a+b}$.
\end{enumerate}
\section*{Problem 2}
\input{problem2}
\end{document}
"""
PROBLEM2 = r"""\begin{enumerate}[(a)]
\item Solving $\nabla R = 0$ gives $w^* = (1, 3)$.
\item \textbf{Answer:} $\lr < \frac{2}{15 + \sqrt{221}}$
\end{enumerate}
"""


def _submit(tmp_path, main=MAIN, **files):
    folder = tmp_path / "submission"
    write(folder, "hw1.tex", main)
    for name, text in {"problem2.tex": PROBLEM2, **files}.items():
        write(folder, name, text)
    return folder


def test_an_overleaf_writeup_with_macros_and_inputs_is_graded(tmp_path):
    tests = by_number(grade("gd", _submit(tmp_path)))
    for question in ("1a", "1b", "1c", "1d", "1e", "2a", "2b"):
        assert tests[question].score == tests[question].max_score, tests[question].output
    # quoted as the student wrote it: \lr, not the \eta it expands to
    assert tests["1c"].output.startswith("Read from `hw1.tex`, line 16: `\\rho_1 &= 1 - \\lr a")
    assert tests["1a"].output.startswith("Read from `hw1.tex`, line 11: `\\grad{L}(w) = ")
    assert tests["2b"].output.startswith("Read from `problem2.tex`, line 3: ")


def test_quotes_and_where_it_looked_name_the_input_file_and_its_line(tmp_path):
    """ρ2 in a file of its own, 2a unanswered in problem2.tex: each line is named in its file."""
    main = MAIN.replace(r"\rho_2 &= 1 - \lr b \tag{4}", r"\input{rho2}")
    problem2 = PROBLEM2.replace(r"Solving $\nabla R = 0$ gives $w^* = (1, 3)$.",
                                "Solving it is left to the reader.")
    tests = by_number(grade("gd", _submit(tmp_path, main, **{
        "problem2.tex": problem2, "rho2.tex": "% the second factor\n\\rho_2 &= 1 - \\lr b"})))
    assert tests["1c"].output.startswith(
        "Read from `hw1.tex`, line 16: `\\rho_1 &= 1 - \\lr a \\tag{3}\\\\`; `rho2.tex`, line 2: "
        "`\\rho_2 &= 1 - \\lr b`"), tests["1c"].output
    assert tests["2a"].score == 0
    assert "no answer found for 2a: looked in `problem2.tex`, line 2 (" in tests["2a"].output
    assert tests["2b"].output.startswith("Read from `problem2.tex`, line 3: `\\lr < ")


def test_wrong_answers_in_latex_lose_their_points_with_their_messages(tmp_path):
    main = MAIN.replace(r"\rho_1 &= 1 - \lr a", r"\rho_1 &= 1 + \lr a").replace(
        r"\frac{2}{\max(a, b)}", r"\frac{2}{\min(a, b)}")
    tests = by_number(grade("gd", _submit(tmp_path, main)))
    assert tests["1c"].score < tests["1c"].max_score and "sign of the step" in tests["1c"].output
    assert tests["1d"].score == 0 and "wrong upper end" in tests["1d"].output
    assert tests["1e"].score == tests["1e"].max_score


def test_an_input_outside_the_submission_is_refused(tmp_path):
    for name in ("/etc/passwd", "../secret", "sub/../../x"):
        folder = _submit(tmp_path / name.replace("/", "_"),
                         MAIN.replace(r"\input{problem2}", rf"\input{{{name}}}"))
        writeup = read_writeup(folder / "hw1.tex", load_assignment("gd"), root=folder)
        assert "is outside your submission" in writeup.problem, (name, writeup.problem)
        assert all(r.missing and not r.read for r in writeup.readings.values())


def test_recursive_macros_and_deep_braces_are_refused_with_a_message(tmp_path):
    assignment = load_assignment("gd")
    recursive = MAIN.replace(r"\def\lr{\eta}", r"\def\lr{\lr\lr}")
    path = write(tmp_path, "a.tex", recursive)
    assert "expand without end" in read_writeup(path, assignment).problem
    braces = MAIN.replace(r"\end{document}", "{" * 1_500_000 + r"\end{document}")
    path = write(tmp_path, "b.tex", braces)
    writeup = read_writeup(path, assignment)
    assert "braces nest deeper" in writeup.problem
    assert all(r.missing for r in writeup.readings.values())


def test_the_root_is_the_file_with_documentclass(tmp_path, results_schema):
    folder = _submit(tmp_path, **{"appendix.tex": "A long appendix. " * 2000})
    tests = by_number(grade("gd", folder))
    assert tests["1c"].output.startswith("Read from `hw1.tex`")


def _graded_notebook(tmp_path, cells: list[tuple[str, str]]) -> dict:
    """``cells`` ("markdown" or "code", source) as gd.ipynb, graded."""
    import nbformat
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [getattr(nbformat.v4, f"new_{kind}_cell")(source) for kind, source in cells]
    folder = tmp_path / "submission"
    folder.mkdir()
    nbformat.write(notebook, folder / "gd.ipynb")
    return by_number(grade("gd", folder))


def test_a_notebooks_markdown_cells_answer_what_its_code_leaves_out(tmp_path):
    tests = _graded_notebook(tmp_path, [
        ("markdown", "# Homework 1\n\n### 1(c)\n\nThe factors are\n"
                     "$$\\rho_1 = 1 - \\eta a, \\quad \\rho_2 = 1 - \\eta b$$"),
        ("code", 'q1d = "0 < eta < 2/max(a, b)"'),
        ("markdown", "### 1(d)\n\nTherefore $0 < \\eta < 2/\\min(a, b)$.")])
    assert tests["1c"].score == tests["1c"].max_score, tests["1c"].output
    assert tests["1c"].output.startswith("Read from `gd.ipynb, cell 1`, line 6: `\\rho_1")
    # the code's q1d is graded, not the Markdown's (wrong) range
    assert tests["1d"].score == tests["1d"].max_score and "Read from" not in tests["1d"].output
    assert "`q1a` is not defined in gd.ipynb" in tests["1a"].output   # neither answers it


def test_an_input_of_itself_is_refused_not_followed_forever(tmp_path):
    folder = _submit(tmp_path, MAIN.replace(r"\input{problem2}", r"\input{hw1}"))
    writeup = read_writeup(folder / "hw1.tex", load_assignment("gd"), root=folder)
    assert "inputs nest deeper than" in writeup.problem


OPTIM = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\subsection*{Problem 2, part (a)}
The minimum-norm solution is $w^* = \frac{2}{5} x_1 = (0.8, 0.4)$.
\subsection*{Problem 2, part (b)}
Running it shows that RMSProp does not reach $w^*$: its steps scale each coordinate.
Therefore RMSProp does not find the minimum-norm solution.
\subsection*{Problem 4, part (a)}
\begin{align}
\frac{2\eta^*}{n} \|XX^\top a\|^2 &= \|X^\top a\|^2 \\
\eta^* &= \frac{n}{2} \cdot \frac{\|X^\top a\|^2}{\|XX^\top a\|^2} \label{eq:eta}
\end{align}
\subsection*{Problem 5}
Matching the two updates gives $\boxed{\tilde{\lambda} = \frac{\lambda}{2\eta}}$.
\subsection*{Problem 8, part (a)}
\begin{tabular}{ll}
layer & receptive field \\
conv 1 & 5 \\
conv 2 & $R = 1 + 4 + 4 \cdot 2 = 13$ \\
\end{tabular}

Hence the receptive field is $14 \times 14$.
\end{document}
"""


def test_an_optim_cnn_writeup_numbered_problem_part(tmp_path):
    folder = tmp_path / "submission"
    write(folder, "main.tex", OPTIM)
    tests = by_number(grade("optim_cnn", folder))
    for question in ("2a", "2b", "4a", "5"):
        assert tests[question].score == tests[question].max_score, (question, tests[question].output)
    assert "\\eta^* &= \\frac{n}{2}" in tests["4a"].output
    # the table's 13 and the sentence's 14: which is final is the instructor's to decide
    assert tests["8a"].kind == "undecided" and "13" in tests["8a"].output \
        and "14 \\times 14" in tests["8a"].output
    write(folder, "main.tex", OPTIM.replace("4 \\cdot 2 = 13", "4 \\cdot 2 = 14"))
    test = by_number(grade("optim_cnn", folder))["8a"]
    assert test.score == test.max_score, test.output
    wrong = OPTIM.replace(r"\frac{\lambda}{2\eta}", "0").replace(r"\frac{n}{2} \cdot ", "")
    write(folder, "main.tex", wrong)
    tests = by_number(grade("optim_cnn", folder))
    assert tests["5"].score == 0 and "adds no penalty" in tests["5"].output
    assert tests["4a"].score == 0 and "missing the factor n/2" in tests["4a"].output


def test_a_wrong_chain_says_its_first_wrong_step_as_written_on_its_line(tmp_path):
    """ρ1's chain goes wrong on its second line, written with the student's \\lr."""
    main = MAIN.replace(r"\rho_1 &= 1 - \lr a \tag{3}\\",
                        r"\rho_1 &= 1 - \lr a \\" + "\n" + r"&= 1 + a \lr \tag{3}\\")
    test = by_number(grade("gd", _submit(tmp_path, main)))["1c"]
    assert test.score < test.max_score and "sign of the step" in test.output
    assert "In your derivation on line 17 of `hw1.tex`, the step `1 - \\lr a = 1 + a \\lr` " \
           "does not hold" in test.output, test.output


# \ma is ten \mb, each ten \mc, … : 10^8 \mi once expanded (the "billion laughs")
_LAUGHS = "".join(r"\def\m" + a + "{" + (r"\m" + b) * 10 + "}" for a, b in
                  zip("abcdefgh", "bcdefghi")) + r"\def\mi{x}\def\lr{\ma}"


def test_hostile_latex_is_refused_and_costs_only_the_writeup(tmp_path):
    """10 MB of braces, a 10 MB input, a symbolic link out of the submission and macros that
    grow exponentially are each refused with a message; answers.py beside them is graded."""
    from tests.helpers import REFERENCE_GD
    assignment = load_assignment("gd")
    cases = {
        "10 MB of braces": ({"hw1.tex": MAIN + "{}" * 5_000_000}, "MB of write-up is read"),
        "a 10 MB input": ({"hw1.tex": MAIN, "problem2.tex": "{}" * 5_000_000},
                          "MB are read"),
        "exponential macros": ({"hw1.tex": MAIN.replace(r"\def\lr{\eta}", _LAUGHS),
                                "problem2.tex": PROBLEM2}, "expand without end"),
    }
    for name, (files, message) in cases.items():
        folder = tmp_path / name.replace(" ", "_")
        for file, text in files.items():
            write(folder, file, text)
        writeup = read_writeup(folder / "hw1.tex", assignment, root=folder)
        assert message in writeup.problem, (name, writeup.problem)
        assert all(r.missing and not r.read for r in writeup.readings.values()), name
        write(folder, "answers.py", REFERENCE_GD)   # beside answers.py it costs nothing
        result = grade("gd", folder)
        assert result.score == result.max_score, (name, result.output)
    folder = _submit(tmp_path / "link")
    (folder / "secret.tex").symlink_to("/etc/passwd")
    write(folder, "hw1.tex", MAIN.replace(r"\input{problem2}", r"\input{secret}"))
    writeup = read_writeup(folder / "hw1.tex", assignment, root=folder)
    assert "is outside your submission" in writeup.problem
    assert "root:" not in repr(writeup)


def test_what_neither_a_notebooks_code_nor_its_markdown_answers_says_where_it_looked(tmp_path):
    """Its code answers 1d only, its Markdown cells (1 and 3) 1c only: 1a says that the code
    does not define it and which Markdown cells were searched for which part label."""
    tests = _graded_notebook(tmp_path, [
        ("markdown", "# HW1\n\n**1(c)** $\\rho_1 = 1 - \\eta a$, $\\rho_2 = 1 - \\eta b$"),
        ("code", 'import numpy as np\nq1d = "0 < eta < 2/max(a, b)"'),
        ("markdown", "**1(b)**\n\nThe minimiser is easy to see.")])
    assert tests["1c"].score == tests["1c"].max_score, tests["1c"].output
    assert tests["1a"].score == 0
    assert "`q1a` is not defined in gd.ipynb" in tests["1a"].output
    assert ("Your write-up does not answer it either: no answer found for 1a: `gd.ipynb` has "
            "no part labelled 1a (our handout) in its Markdown cells (cells 1 and 3)."
            in tests["1a"].output), tests["1a"].output
    # a part that is there but holds no answer: the cell and its lines
    assert "no answer found for 1b: looked in `gd.ipynb, cell 3`, lines 1–3" in \
        tests["1b"].output, tests["1b"].output


def test_the_walker_reads_structure_only_and_every_piece_keeps_its_text_and_line():
    """The walker sees math and plain prose cut to one character: each block's text, each
    math span and each line are still the document's own."""
    from autograder.writeup.tex import read_tex
    text = ("\\section*{Problem~2: convergence of gradient descent on $R$}\n"
            "A long paragraph of prose that runs on for a while before any math,\n"
            "then \\textbf{(b)} the step $\\eta < \\frac{2}{15 + \\sqrt{221}}$ and, on the next\n"
            "line, \\( \\lambda_{max} = 15 + \\sqrt{221} \\).\n\n"
            "\\begin{tabular}{l|c}\n 2(b) & $\\eta < 0.06697$ \\\\\n\\end{tabular}\n"
            "\\[\n w^* = (1, 3)\n\\]\n")
    blocks = read_tex(text)
    assert [(b.kind, b.line) for b in blocks] == [("heading", 1), ("paragraph", 2),
                                                  ("cell", 6), ("cell", 7), ("display", 10)]
    assert blocks[0].text == "Problem~2: convergence of gradient descent on $R$"
    assert blocks[1].text.startswith("A long paragraph of prose that runs on for a while")
    assert [(m.text, m.line) for m in blocks[1].maths] == [
        ("\\eta < \\frac{2}{15 + \\sqrt{221}}", 3), ("\\lambda_{max} = 15 + \\sqrt{221}", 4)]
    assert blocks[3].maths[0].text == "\\eta < 0.06697"
    assert blocks[4].maths[0].text == "w^* = (1, 3)"
