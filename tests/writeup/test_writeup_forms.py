"""Write-ups answering the way real write-ups do: matrices entry by entry (and in ``cases``),
later answers in the names of earlier ones, choices and critical points in words, shapes in
prose, tuples whose values are named under a heading line, values the handout gives; each
graded as the same answer in answers.py would be, and wrong forms losing their points."""
from __future__ import annotations

from tests.helpers import by_number, write
from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.writeup import read_writeup

# Obsidian, bold Q labels, the way seed-like write-ups answer calculus
CALCULUS = r"""
# Math for ML, homework 7

**Q1a** $\nabla f(x) = (\cos x_1, 4x_2)$

**Q1b** Setting the gradient to zero, $\cos x_1 = 0$ and $x_2 = 0$.
$(-\frac{\pi}{2}, 0)$ is a critical point. The Hessian there is $\mathrm{diag}(1, 4)$,
so it is a local minimum.

**Q2a** Since $g(x) = 3x_1 - 2x_2$, we get $\nabla g(x) = v$.

**Q2b** The gradient is the constant $v \neq 0$, so g has no critical points.

**Q5a** Writing $f(A) = \sum_{ij} v_i A_{ij} v_j$, we get $\nabla f(A)_{ij} = v_i v_j$.

**Q5b** By the chain rule, $\nabla f(A)_{ij} = 2 (Av)_i v_j$.

**Q6a** Therefore $\nabla L(y') = 2(y' - y)$.

**Q6b** Entry by entry, $\nabla L(W)_{ij} = \nabla L(y')_i \, h'_j$.

**Q6d** $$\nabla L(h') = W^T \nabla L(y')$$

**Q6e** ReLU passes the gradient where $h$ is positive:
$\nabla L(h)_i = \mathbb{1}[h_i > 0] \cdot \nabla L(h')_i$.

**Q6f** Similarly $\nabla L(V)_{ij} = \nabla L(h)_i x_j$.
"""


def _grade(tmp_path, assignment: str, text: str, name: str = "hw.md"):
    folder = tmp_path / "submission"
    write(folder, name, text)
    return by_number(grade(assignment, folder))


def _right(tests, *questions):
    for question in questions:
        test = tests[question]
        assert test.score == test.max_score, (question, test.output)
        assert test.output.startswith("Read from `hw.md`, line"), (question, test.output)


def test_calculus_answered_entry_by_entry_in_words_and_in_earlier_names(tmp_path):
    tests = _grade(tmp_path, "calculus", CALCULUS)
    _right(tests, "1a", "1b", "2a", "2b", "5a", "5b", "6a", "6b", "6d", "6e", "6f")
    assert "`\\nabla f(A)_{ij} = v_i v_j`" in tests["5a"].output
    assert "so it is a local minimum" in tests["1b"].output   # the type's sentence is quoted


def test_wrong_entries_words_and_types_lose_their_points_with_their_messages(tmp_path):
    text = (CALCULUS
            .replace(r"2 (Av)_i v_j", r"(Av)_i v_j")                       # the 2 forgotten
            .replace(r"\nabla L(y')_i \, h'_j", r"2(y_i - y'_i) h'_j")       # the sign flipped
            .replace("so g has no critical points", "so g has a minimum at the origin")
            .replace("so it is a local minimum", "so it is a saddle point"))
    tests = _grade(tmp_path, "calculus", text)
    assert tests["5b"].score == 0 and "missing a factor 2" in tests["5b"].output
    assert tests["6b"].score == 0 and tests["6b"].kind != "undecided", tests["6b"].output
    assert tests["2b"].score == 0 and "no critical point" in tests["2b"].output
    assert 0 < tests["1b"].score < tests["1b"].max_score and "saddle" in tests["1b"].output
    _right(tests, "5a", "6a", "6f")


def test_what_cannot_be_told_is_undecided_never_a_verdict(tmp_path):
    text = (CALCULUS
            # two concluding sentences that decide differently
            .replace("so g has no critical points.",
                     "so g has no critical points. Hence g has a minimum.")
            # "1": the identity, or a matrix of ones?
            + "\n**Q4b** Since $h$ only shifts $v$, $J_h = 1$.\n")
    tests = _grade(tmp_path, "calculus", text)
    for question in ("2b", "4b"):
        assert tests[question].kind == "undecided", (question, tests[question].output)
        assert "`hw.md`" in tests[question].output   # the candidates are quoted


def test_a_diagonal_alone_is_not_read_but_a_cases_block_is(tmp_path):
    cases = r"""
### 3(c)

$$\left(\frac{\partial z_2}{\partial z_1}\right)_{ij} = \begin{cases}
5 \cdot \mathbb{1}[z_{1,i} > 0] & i = j \\ 0 & \text{otherwise} \end{cases}$$
"""
    tests = _grade(tmp_path, "backprop", cases)
    _right(tests, "3c")
    alone = cases.replace("\\begin{cases}\n5 \\cdot \\mathbb{1}[z_{1,i} > 0] & i = j \\\\ 0 & "
                          "\\text{otherwise} \\end{cases}", r"5 \cdot \mathbb{1}[z_{1,i} > 0]")
    alone = alone.replace("_{ij} =", "_{ii} =")
    assert tests["3c"].score and alone != cases
    assert _grade(tmp_path / "alone", "backprop", alone)["3c"].kind == "undecided"
    said = alone + "\nThe off-diagonal entries are 0.\n"
    _right(_grade(tmp_path / "said", "backprop", said), "3c")


def test_a_labelled_matrix_whose_shapes_do_not_fit_is_wrong_not_undecided(tmp_path):
    text = r"""
### 3(d)

$$dW^{(2)} = \frac{\partial \ell}{\partial \hat{y}} \frac{\partial \hat{y}}{\partial z_3} z_2$$
"""
    test = _grade(tmp_path, "backprop", text)["3d"]
    assert test.score == 0 and test.kind == "failed", test.output
    assert "the shapes do not fit" in test.output and test.output.startswith("Read from")


def test_shapes_in_prose_and_the_values_a_handout_gives(tmp_path):
    ours = r"""
### 1

$$\varphi'(v) = s\,\varphi(v)\,(1 - \varphi(v))$$

### 2

$W_1 \in \mathbb{R}^{k \times n}$, $b_1 \in \mathbb{R}^{k}$, $W_2 \in \mathbb{R}^{K \times k}$
and $b_2 \in \mathbb{R}^{K}$.
"""
    _right(_grade(tmp_path, "backprop", ours), "1", "2")
    transposed = ours.replace(r"W_1 \in \mathbb{R}^{k \times n}",
                              r"W_1 \in \mathbb{R}^{n \times k}")
    test = _grade(tmp_path / "t", "backprop", transposed)["2"]
    assert test.score < test.max_score and "W1: transposed" in test.output
    # the handout whose Question 2 has slope 3 and parameters W, b, U, c (n = k = 3, K = 1)
    theirs = r"""
Question 1

(a) done in the notebook.

Question 2

$$(a) \quad \varphi(v) = \frac{1}{1 + e^{-3v}}, \qquad \varphi'(v) = 3\varphi(v)(1-\varphi(v))$$

(b) W is 3×3, b is 3, U is 1×3 and c is 1.

(c) see the code.
"""
    tests = _grade(tmp_path / "theirs", "backprop", theirs)
    _right(tests, "1", "2")
    wrong = theirs.replace(r"3\varphi(v)(1-\varphi(v))", r"\varphi(v)(1-\varphi(v))")
    test = _grade(tmp_path / "wrong", "backprop", wrong)["1"]
    assert test.score == 0 and "missing the factor s" in test.output


def test_values_named_under_a_heading_line(tmp_path):
    text = r"""
## 7(a)

- For the CNN:
- Number of neurons = $3 \cdot 32^2 + 16^2 + 8^2 + 8^2 = 2688$ (input units counted)
- Number of parameters = $3 \times 10 = 30$
- For the FC network:
- Number of neurons = $2688$
- Number of parameters = $1119552$
"""
    assignment = load_assignment("optim_cnn")
    assignment.handouts = [{"name": "ours", "values": {"7a": [
        ["CNN: number of neurons"], ["CNN: number of parameters"],
        ["FC: number of neurons"], ["FC: number of parameters"]]}}]
    path = write(tmp_path, "hw.md", text)
    reading = read_writeup(path, assignment).readings["q7a"]
    assert reading.value == ("2688", "30", "2688", "1119552"), (reading.value, reading.undecided)
    # without the lines naming the networks, "Number of neurons" names no value
    unqualified = text.replace("- For the CNN:\n", "").replace("- For the FC network:\n", "")
    path = write(tmp_path, "unqualified.md", unqualified)
    assert read_writeup(path, assignment).readings["q7a"].undecided


CASES = r"""
### 3(c)

$$\left(\frac{\partial z_2}{\partial z_1}\right)_{ij} = \begin{cases}
5 & i = j, z_{1,i} > 0 \\
0 & i = j, z_{1,i} \leq 0 \\
0 & i \neq j
\end{cases}$$
"""


def test_cases_blocks_of_more_than_two_rows_are_read(tmp_path):
    _right(_grade(tmp_path, "backprop", CASES), "3c")
    worded = CASES.replace("i = j, z_{1,i} > 0", r"\text{if } i = j \text{ and } z_{1,i} > 0")
    _right(_grade(tmp_path / "worded", "backprop", worded), "3c")
    # the sign flipped: read, and wrong
    flipped = CASES.replace("5 & i = j, z_{1,i} > 0", "0 & i = j, z_{1,i} > 0").replace(
        "0 & i = j, z_{1,i} \\leq 0", "5 & i = j, z_{1,i} \\leq 0")
    test = _grade(tmp_path / "flipped", "backprop", flipped)["3c"]
    assert test.kind != "undecided" and test.score == 0, test.output
    # a diagonal entry by the sign of z_1, the rest said in prose (or not: not read)
    diagonal = r"""
### 3(c)

$$\left(\frac{\partial z_2}{\partial z_1}\right)_{ii} = \begin{cases}
5 & z_{1,i} > 0 \\ 0 & \text{otherwise} \end{cases}$$
"""
    assert _grade(tmp_path / "alone", "backprop", diagonal)["3c"].kind == "undecided"
    said = diagonal + "\nThe off-diagonal entries are 0.\n"
    _right(_grade(tmp_path / "said", "backprop", said), "3c")
    # a row that no case reaches, or a condition it cannot tell: not read, never a guess
    gap = CASES.replace("0 & i = j, z_{1,i} \\leq 0 \\\\\n", "")
    assert _grade(tmp_path / "gap", "backprop", gap)["3c"].kind == "undecided"


# Typora, parenthesised numbering: chains through earlier answers' names and entry by entry
CALCULUS_CHAINS = r"""
## Problem 6

**6(a)** $$\nabla L(y') = \frac{\partial}{\partial y'} \|y - y'\|^2 = 2(y' - y)$$

**6(b)** Entry by entry, $\nabla L(W)_{ij} = \frac{\partial L}{\partial y'_i} h'_j
= \nabla L(y')_i \, h'_j = 2(y'_i - y_i) h'_j$.

**6(d)** $$\nabla L(h') = W^T \nabla L(y') = 2 W^T (y' - y)$$

**6(f)** $$\nabla L(V)_{ij} = \nabla L(h)_i \, x_j = (\nabla L(h) x^T)_{ij}$$
"""


def test_a_wrong_matrix_chain_in_earlier_names_or_entries_says_its_first_wrong_link(tmp_path):
    """The expansions of 6b and 6d flip the sign, 6f swaps the indices: each says the first
    link that does not hold (a link that cannot be told, ∂L/∂y'_i h'_j, is passed over), as
    feedback beside the verdict; the right chains say nothing of the kind."""
    right = _grade(tmp_path / "right", "calculus", CALCULUS_CHAINS)
    _right(right, "6a", "6b", "6d")
    assert not any("does not hold" in right[q].output for q in ("6a", "6b", "6d", "6f"))
    wrong = (CALCULUS_CHAINS.replace("2(y'_i - y_i) h'_j", "2(y_i - y'_i) h'_j")
             .replace("2 W^T (y' - y)", "2 W^T (y - y')")
             .replace(r"= (\nabla L(h) x^T)_{ij}", r"= \nabla L(h)_j \, x_i"))
    tests = _grade(tmp_path / "wrong", "calculus", wrong)
    for question, step in (("6b", "\\nabla L(y')_i \\, h'_j = 2(y_i - y'_i) h'_j"),
                           ("6d", "W^T \\nabla L(y') = 2 W^T (y - y')"),
                           ("6f", "\\nabla L(h)_i \\, x_j = \\nabla L(h)_j \\, x_i")):
        assert tests[question].score == 0, tests[question].output
        assert f"the step `{step}` does not hold: the first place it goes wrong" in \
            tests[question].output, tests[question].output
    assert "sign is flipped" in tests["6b"].output and "transpose" in tests["6f"].output


# Overleaf-style Markdown export of a backprop derivation: the chain rule in 3a-3c's names
BACKPROP_CHAINS = r"""
# Problem 3 (numerator layout)

**3(a)** $\frac{\partial \ell}{\partial \hat{y}} = 2(\hat{y} - y)^T$

**3(b)** $\frac{\partial \hat{y}}{\partial z_3} = I$ since $g$ is the identity.

**3(d)**
$$\frac{\partial \ell}{\partial W^{(2)}} = \left(\frac{\partial \ell}{\partial \hat{y}}
\frac{\partial \hat{y}}{\partial z_3}\right)^T z_2^T = 2(\hat{y} - y) z_2^T$$

**3(f)**
$$\frac{\partial \ell}{\partial W^{(1)}} = \left(\frac{\partial \ell}{\partial \hat{y}} W_2
\frac{\partial z_2}{\partial z_1}\right)^T x^T
= \frac{\partial z_2}{\partial z_1} W_2^T \, 2(\hat{y} - y) x^T$$
"""


def test_a_backprop_chain_in_earlier_answers_names_is_graded_and_its_slip_located(tmp_path):
    """3f's last step has the number 2 inside the product (W_2^T 2(ŷ − y)): one product,
    full marks; a flipped sign in 3d's expansion is its first wrong link."""
    right = _grade(tmp_path / "right", "backprop", BACKPROP_CHAINS)
    _right(right, "3a", "3b", "3d", "3f")
    assert not any("does not hold" in right[q].output for q in ("3d", "3f"))
    tests = _grade(tmp_path / "wrong", "backprop",
                   BACKPROP_CHAINS.replace(r"= 2(\hat{y} - y) z_2^T", r"= 2(y - \hat{y}) z_2^T"))
    assert tests["3d"].score == 0 and "sign is flipped" in tests["3d"].output
    assert "z_2^T = 2(y - \\hat{y}) z_2^T` does not hold" in tests["3d"].output, \
        tests["3d"].output
    _right(tests, "3f")


NAMED_POINT = r"""
## Problem 1

**(b)** We need $\nabla f = (\cos x_1, 4x_2) = 0$, so $\cos x_1 = 0$ and $x_2 = 0$.
Take $x^* = (-\pi/2, 0)$. The Hessian there is $\mathrm{diag}(-\sin x_1, 4) = \mathrm{diag}(1, 4)$,
positive definite, so this is a minimum.
"""


def test_a_critical_point_the_student_names_is_read_with_its_type(tmp_path):
    right = _grade(tmp_path / "right", "calculus", NAMED_POINT)["1b"]
    assert right.score == right.max_score and "`x^* = (-\\pi/2, 0) … " in right.output
    # the known wrong answer: (π/2, 0) called a minimum
    wrong = _grade(tmp_path / "wrong", "calculus", NAMED_POINT.replace("-\\pi/2", "\\pi/2"))["1b"]
    assert wrong.score < wrong.max_score and wrong.kind != "undecided", wrong.output
    # two named points: which one is the answer is not guessed
    two = NAMED_POINT.replace("Take $x^*", "Also $\\bar{x} = (\\pi/2, 0)$. Take $x^*")
    assert _grade(tmp_path / "two", "calculus", two)["1b"].kind == "undecided"
