r"""Notation students really write (issue 11), in text and in LaTeX, judged by the real graders
of `gd`, `calculus`, `backprop` (Q1, Q3) and `optim_cnn` (closed forms): every form here is
equivalent to the reference and earns full marks; the wrong forms beside them still lose
their points with their message; hostile LaTeX is refused quickly."""

import pytest
import sympy

from autograder.assignment import load_assignment
from autograder.checkers.coerce import side_of_square
from autograder.checkers.parse import ParseError, parse, parse_answer
from tests.helpers import assert_both_readers_refuse, form, judge

EQUIVALENT = [
    # gd: gradient, minimiser, factors, range, best rate, critical point, bound
    ("gd", "q1a", ("aw1", "bw2")), ("gd", "q1a", "(aw1, bw2)"), ("gd", "q1a", ("a w_1", "b w_2")),
    ("gd", "q1a", "(a·w₁, b·w₂)"), ("gd", "q1a", (r"$a w_1$", r"$b w_2$")),
    ("gd", "q1a", r"\begin{pmatrix} a w_1 \\ b w_2 \end{pmatrix}"),
    ("gd", "q1a", r"$\left(aw_1, bw_2\right)$"), ("gd", "q1a", r"\begin{bmatrix} aw_1 & bw_2 \end{bmatrix}^\top"),
    ("gd", "q1b", r"\begin{bmatrix} 0 \\ 0 \end{bmatrix}"), ("gd", "q1b", ("$0$", "$0$")),
    ("gd", "q1c", (r"1-\eta a", r"1-\eta b")), ("gd", "q1c", r"(1-\eta a, 1 - \eta b)"),
    ("gd", "q1c", (r"\left(1 - a\eta\right)", r"\left(1 - b\eta\right)")),
    ("gd", "q1d", "η ∈ (0, 2/max(a, b))"), ("gd", "q1d", "eta in (0, 2/max(a,b))"),
    ("gd", "q1d", "η < 2/max(a, b)"), ("gd", "q1d", "η ∈ (0, min(2/a, 2/b))"),
    ("gd", "q1d", r"0 < \eta < \frac{2}{\max(a,b)}"),
    ("gd", "q1d", r"\eta \in \left(0, \frac{2}{\max(a, b)}\right)"),
    ("gd", "q1d", r"\eta < \frac{2}{\max\{a, b\}}"),
    ("gd", "q1d", r"0<\eta<\min\left(\frac{2}{a},\frac{2}{b}\right)"),
    ("gd", "q1d", r"$\eta < 2/\max(a,b)$"), ("gd", "q1d", r"\eta \in (0, \frac{2}{\max(a,b)})"),
    ("gd", "q1e", (r"\frac{2}{a+b}", r"\frac{a-b}{a+b}")),
    ("gd", "q1e", r"\left(\frac{2}{a+b}, \frac{\kappa-1}{\kappa+1}\right)"),
    ("gd", "q1e", ("2/[a+b]", "[a − b]/[a + b]")),
    ("gd", "q2a", r"\begin{pmatrix} 1 \\ 3 \end{pmatrix}"), ("gd", "q2a", "$(1, 3)$"),
    ("gd", "q2a", ("$1$", "$3$")), ("gd", "q2a", r"\begin{bmatrix}1 & 3\end{bmatrix}^\top"),
    ("gd", "q2b", r"\frac{2}{15+\sqrt{221}}"), ("gd", "q2b", r"\eta < \frac{2}{15 + \sqrt{221}}"),
    ("gd", "q2b", r"$0.06697$"), ("gd", "q2b", r"0 < \eta < 0.067"),
    ("gd", "q2b", "η ∈ (0, 2/(15 + √221))"), ("gd", "q2b", r"\eta \le \frac{2}{15+\sqrt{221}}"),
    # calculus: gradients, a critical point, the Jacobian, matrix calculus
    ("calculus", "q1a", r"\begin{bmatrix} \cos(x_1) & 4x_2 \end{bmatrix}^\top"),   # seed 002
    ("calculus", "q1a", r"(\cos x_1, 4 x_2)"), ("calculus", "q1a", ("cos(x₁)", "4x₂")),
    ("calculus", "q1a", (r"\cos(x_1)", r"4x_2")), ("calculus", "q1a", "(cos(x_1), 4x_2)"),
    ("calculus", "q1b", (r"\begin{bmatrix} \frac{\pi}{2} & 0 \end{bmatrix}^{\top}", "saddle")),
    ("calculus", "q1b", (r"(\pi/2, 0)", "a saddle point")),
    ("calculus", "q2a", r"\begin{bmatrix} 3 & -2 \end{bmatrix}^{\top}"),
    ("calculus", "q2a", r"\begin{pmatrix}3\\-2\end{pmatrix}"),
    ("calculus", "q3", r"\begin{bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin(x_3) & 0 & e^{x_1}\cos(x_3) "
                      r"\end{bmatrix}"),
    ("calculus", "q3", r"$$\begin{bmatrix} 4x_1 & 3 & 0 \\ \sin(x_3) e^{x_1} & 0 & e^{x_1}\cos x_3"
                      r"\end{bmatrix}$$"),
    ("calculus", "q3", "[[4x₁, 3, 0], [e^x₁ sin(x₃), 0, e^x₁ cos(x₃)]]"),
    ("calculus", "q4a", r"\mathbf{A}"), ("calculus", "q4b", "I_n"), ("calculus", "q4b", "Iₙ"),
    ("calculus", "q4b", r"\mathbf{I}"), ("calculus", "q4b", r"I_{n}"),
    ("calculus", "q5a", r"\mathbf{v}\mathbf{v}^\top"), ("calculus", "q5a", "v·vᵀ"),
    ("calculus", "q5b", r"2\mathbf{A}\mathbf{v}\mathbf{v}^\top"),
    ("calculus", "q5b", "2(A·v)·vᵀ"), ("calculus", "q5b", r"2 (Av) v^{T}"),
    ("calculus", "q6a", "2(y' − y)"), ("calculus", "q6a", r"2(\mathbf{y}' - \mathbf{y})"),
    ("calculus", "q6b", "d_yp·h'ᵀ"), ("calculus", "q6b", r"d_{yp} h'^\top"),
    ("calculus", "q6d", r"W^\top d_{yp}"), ("calculus", "q6d", "Wᵀ·d_yp"),
    ("calculus", "q6e", "(h > 0) ⊙ d_hp"), ("calculus", "q6e", "1[h > 0] ⊙ d_hp"),
    ("calculus", "q6e", r"\mathbb{1}[h>0] \odot d_{hp}"), ("calculus", "q6f", "d_h·xᵀ"),
    ("calculus", "q6f", r"d_h x^\top"),
    # backprop: φ'(v) with φ applied, and the chain of question 3
    ("backprop", "q1", "s*phi(v)*(1 - phi(v))"), ("backprop", "q1", "sφ(v)(1−φ(v))"),
    ("backprop", "q1", "s ϕ(v) (1 - ϕ(v))"), ("backprop", "q1", r"s\varphi(v)(1-\varphi(v))"),
    ("backprop", "q1", r"s\phi(v)\left(1-\phi(v)\right)"),
    ("backprop", "q1", r"\frac{s e^{-sv}}{(1+e^{-sv})^2}"), ("backprop", "q1", "s·φ·(1 − φ)"),
    ("backprop", "q1", "s*phi(v) - s*phi(v)^2"), ("backprop", "q3a", "2(ŷ − y)ᵀ"),
    ("backprop", "q3a", r"2(\hat{y} - y)^\top"), ("backprop", "q3a", "2(y_hat - y)^T"),
    ("backprop", "q3a", r"2\left(\hat{\mathbf{y}} - \mathbf{y}\right)^{T}"),
    ("backprop", "q3b", "I_K"), ("backprop", "q3b", r"I_{K}"), ("backprop", "q3b", r"\mathbf{I}"),
    ("backprop", "q3c", "5 diag(1[z1 > 0])"), ("backprop", "q3c", r"5\,\operatorname{diag}(z_1 > 0)"),
    ("backprop", "q3c", "5·diag(z₁ > 0)"), ("backprop", "q3d", "(dl_dyhat · dyhat_dz3)ᵀ · z₂ᵀ"),
    ("backprop", "q3d", "(dl_dyhat dyhat_dz3)^T z_2^T"),
    ("backprop", "q3f", "(dl_dyhat·dyhat_dz3·W₂·dz2_dz1)ᵀ·xᵀ"),
    ("backprop", "q3g", "(dl_dyhat dyhat_dz3 W_2 dz2_dz1)^T"),
    # optim_cnn: closed forms (seed 004's own LaTeX among them)
    ("optim_cnn", "q1a", r"X^\top (X X^\top)^{-1} t"), ("optim_cnn", "q1a", r"X^T(XX^T)^{-1}t"),
    ("optim_cnn", "q1a", "Xᵀ·(X·Xᵀ)⁻¹·t"), ("optim_cnn", "q1a", r"$X^T(XX^T)^{-1}t$"),
    ("optim_cnn", "q1a", r"\mathbf{X}^\top(\mathbf{X}\mathbf{X}^\top)^{-1}\mathbf{t}"),
    ("optim_cnn", "q1a", r"X^{\top}\left(XX^{\top}\right)^{-1}t"),
    ("optim_cnn", "q2a", r"\begin{pmatrix} \frac{4}{5} \\ \frac{2}{5} \end{pmatrix}"),
    ("optim_cnn", "q2a", r"\begin{pmatrix} 0.8 \\ 0.4 \end{pmatrix}"),
    ("optim_cnn", "q2a", r"(\frac45, \frac25)"),
    ("optim_cnn", "q3", r"\frac{1}{n} a^T \left[I - \frac{2\eta}{n} XX^T \right]^2 a"),
    ("optim_cnn", "q3", r"\frac{1}{n} [Xw_0 - t]^T \left[I - \frac{2\eta}{n} XX^T \right]^2 "
                        r"[Xw_0 - t]"),
    ("optim_cnn", "q3", "1/n aᵀ[I − 2η/n XXᵀ]² a"),
    ("optim_cnn", "q3", r"\frac{1}{n}\left\|a - \frac{2\eta}{n}XX^\top a\right\|^2"),
    ("optim_cnn", "q3", "(1/n)·aᵀ·(I_n − (2η/n)·X·Xᵀ)²·a"),
    ("optim_cnn", "q4a", r"\frac{n}{2} \cdot \frac{(X^T a)^T (X^T a)}{(X X^T a)^T (X X^T a)}"),
    ("optim_cnn", "q4a", r"\frac{n a^T X X^T a}{2 a^T X X^T X X^T a}"),
    ("optim_cnn", "q4a", r"\frac{n}{2}\frac{\|X^\top a\|^2}{\|XX^\top a\|_2^2}"),
    ("optim_cnn", "q5", r"\frac{\lambda}{2\eta}"),
    ("optim_cnn", "q5", r"$\frac{\lambda}{2 \eta}$"), ("optim_cnn", "q5", r"\lambda / (2\eta)"),
    ("optim_cnn", "q5", r"\tfrac{\lambda}{2}\eta^{-1}"),
    # answers labelled as in a write-up, absolute values, ∂-fractions naming earlier answers
    ("gd", "q1e", (r"\eta^* = \frac{2}{a+b}", r"\rho = \frac{a-b}{a+b}")),
    ("gd", "q1e", "(η* = 2/(a+b), ρ* = (a-b)/(a+b))"),
    ("gd", "q1e", ("η* = 2/(a+b)", "ρ = 1 - η* a = 1 - 2a/(a+b) = (a-b)/(a+b)")),
    ("gd", "q1e", (r"\frac{2}{a+b}", r"\frac{|a-b|}{a+b}")), ("gd", "q1e", ("2/(a+b)", "|a−b|/|a+b|")),
    ("gd", "q1e", (r"\frac{2}{a+b}", r"\left\lvert\frac{a-b}{a+b}\right\rvert")),
    ("gd", "q1c", ("ρ₁ = 1 − ηa", "ρ₂ = 1 − ηb")), ("gd", "q1a", "∇L(w) = (a w1, b w2)"),
    ("gd", "q2b", r"\eta_{\max} = \frac{2}{15+\sqrt{221}}"), ("calculus", "q1a", "∇f(x) = (cos(x1), 4x2)"),
    ("optim_cnn", "q5", r"\tilde{\lambda} = \frac{\lambda}{2\eta}"),
    ("optim_cnn", "q5", r"\tilde\lambda := \frac{\lambda}{2\eta}"),
    ("optim_cnn", "q4a", "n/2 * ||Xᵀa||^2 / ||XXᵀa||^2"),
    ("backprop", "q3d", r"\left(\frac{\partial \ell}{\partial \hat{y}} \frac{\partial \hat{y}}"
                        r"{\partial z_3}\right)^\top z_2^\top"),
    ("backprop", "q3g", r"\left(\frac{\partial \ell}{\partial \hat{y}}\frac{\partial \hat{y}}"
                        r"{\partial z_3} W_2 \frac{\partial z_2}{\partial z_1}\right)^\top"),
    ("optim_cnn", "q8a", "14x14"), ("optim_cnn", "q8a", "14×14"),
    ("optim_cnn", "q8a", r"$14 \times 14$"), ("optim_cnn", "q8a", r"\frac{28}{2}"),
]


@pytest.mark.parametrize("assignment_id, name, answer", EQUIVALENT,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _) in enumerate(EQUIVALENT)])
def test_equivalent_forms_earn_full_marks_and_pass_the_form_check(assignment_id, name, answer):
    fraction, message = judge(assignment_id, name, answer)
    assert fraction == 1.0, message
    assert form(assignment_id, name, answer).passed, form(assignment_id, name, answer).message


WRONG = [
    ("gd", "q1a", (r"2aw_1", r"2bw_2"), "forgot the ½"),
    ("gd", "q1c", (r"1+\eta a", r"1+\eta b"), "sign of the step"),
    ("gd", "q1d", r"\eta \in (0, \frac{2}{\min(a,b)})", "larger curvature max(a, b)"),
    ("gd", "q1d", r"0 \le \eta < \frac{2}{\max(a,b)}", "never moves"),
    ("gd", "q1d", "η ∈ [0, 2/max(a,b))", "never moves"),
    ("gd", "q1d", r"\eta \le 2/\max(a,b)", "oscillates forever"),
    ("gd", "q1d", "w1 ∈ (0, 2/max(a,b))", "give the range of eta"),
    ("gd", "q1e", (r"\frac{2}{a-b}", r"\frac{a-b}{a+b}"), "η*"),
    ("gd", "q2b", r"\frac{2}{15}", "not correct"),
    ("calculus", "q1a", r"\begin{bmatrix} \sin(x_1) & 4x_2 \end{bmatrix}^\top", "∂f/∂x1"),
    ("calculus", "q3", r"\begin{bmatrix} 4x_1 & 3 & 0 \\ -e^{x_1} & 0 & \cos(x_3) \end{bmatrix}",
     "row 2"),
    ("calculus", "q5b", r"\mathbf{A}\mathbf{v}\mathbf{v}^\top", "missing a factor 2"),
    ("calculus", "q6a", "2(y − y')", "sign"),
    ("backprop", "q1", "phi(v)*(1 - phi(v))", "missing the factor s"),
    ("backprop", "q1", r"\varphi(v)(1-\varphi(v))", "missing the factor s"),
    ("backprop", "q1", r"s\varphi(2v)(1-\varphi(2v))", "not correct"),
    ("backprop", "q3a", r"2(\hat{y} - y)", "transpose"),
    ("optim_cnn", "q1a", r"X^\top (X^\top X)^{-1} t", "singular"),
    ("optim_cnn", "q3", r"\frac{1}{n} a^T \left[I - \frac{\eta}{n} XX^T \right]^2 a",
     "missing a factor 2"),
    ("optim_cnn", "q4a", r"\frac{\|X^\top a\|^2}{\|XX^\top a\|^2}", "missing the factor n/2"),
    ("optim_cnn", "q5", "$0$", "adds no penalty"),
    ("optim_cnn", "q5", r"\frac{\lambda}{\eta}", "constant factor"),
    ("optim_cnn", "q8a", "15×15", "own stride"),                       # seed 004
    ("gd", "q1c", (r"\left|1-\eta a\right|", r"1-\eta b"), "ρ1: not correct"),
    ("gd", "q1e", ("2/(a+b)", "|a-b"), "a | is never closed"),
    ("gd", "q1c", ("1 - ηa = ρ", "1 - ηb"), "without '='"),            # no label: not guessed
    ("backprop", "q3d", r"\left(\frac{\partial \ell}{\partial \hat{y}} \frac{\partial \hat{y}}"
                        r"{\partial z_3}\right)^\top z_1^\top", "not correct"),
]


@pytest.mark.parametrize("assignment_id, name, answer, message", WRONG,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _, _) in enumerate(WRONG)])
def test_wrong_forms_still_lose_their_points(assignment_id, name, answer, message):
    fraction, feedback = judge(assignment_id, name, answer)
    assert fraction < 1.0 and message in feedback, feedback


def test_a_declared_function_is_applied_not_multiplied():
    """`phi(v)` was read as φ·v: silently wrong.  Now it is φ applied to v."""
    ns = load_assignment("backprop").namespace()
    s, v = ns.symbols["s"], ns.symbols["v"]
    phi = 1 / (1 + sympy.exp(-s * v))
    assert sympy.simplify(parse("s*phi(v)*(1 - phi(v))", ns) - s * phi * (1 - phi)) == 0
    assert sympy.simplify(parse("phi(2*v)", ns) - 1 / (1 + sympy.exp(-2 * s * v))) == 0
    assert parse("phi", ns) == phi
    with pytest.raises(ParseError, match="takes 1 argument"):
        parse("phi(v, s)", ns)


def test_run_together_names_have_one_reading_or_none():
    ns = load_assignment("gd").namespace()
    a, b, w1 = (ns.symbols[n] for n in ("a", "b", "w1"))
    assert parse("aw1", ns) == a * w1 and parse("ab", ns) == a * b
    assert parse("w_1", ns) == w1 and parse("w₁", ns) == w1
    with pytest.raises(ParseError, match="unknown name"):
        parse("aw3", ns)


def test_an_ambiguous_division_names_both_readings_before_submission():
    """`λ/2η`: the grader takes Python's reading, (λ/2)·η; the form check says so first."""
    verdict = form("optim_cnn", "q5", "λ/2η")
    assert not verdict.passed
    assert "(λ/2)·η or λ/(2η)" in verdict.message and "add parentheses" in verdict.message
    fraction, feedback = judge("optim_cnn", "q5", "λ/2η")
    assert fraction == 0 and "(λ/2)·η or λ/(2η)" in feedback
    for clear in ["λ/(2η)", "(λ/2)η", "λ/2 η", r"\frac{\lambda}{2\eta}", "1/2"]:
        assert not parse_answer(clear, load_assignment("optim_cnn").namespace()).warnings, clear
    matrix = form("optim_cnn", "q4a", "n/2‖Xᵀa‖²/‖XXᵀa‖²")
    assert not matrix.passed and "can mean (n/2)·" in matrix.message


def test_one_unreadable_part_costs_only_itself():
    fraction, feedback = judge("gd", "q1c", ("1 - eta*a", "1 - eta*b)"))
    assert fraction == 0.5 and "ρ2: cannot read it" in feedback and "ρ1" not in feedback
    fraction, feedback = judge("gd", "q1a", "(a*w1, b*w2 +)")
    assert fraction == 0.5 and "∂L/∂w2: cannot read it" in feedback
    fraction, feedback = judge("optim_cnn", "q7a", ("2688", "30", "2688", "1 119 552"))
    assert fraction == 0.75 and "FC parameters: cannot read it" in feedback
    verdict = form("gd", "q1c", ("1 - eta*a", "1 - eta*b)"))
    assert not verdict.passed and "value 2 cannot be read" in verdict.message
    assert "value 1" not in verdict.message


def test_a_square_size_is_its_side_only_where_one_number_is_asked():
    assert form("optim_cnn", "q8a", "14x14").passed and judge("optim_cnn", "q8a", "14x14")[0] == 1
    assert side_of_square("14x15") == "14x15" and side_of_square(r"$28\times 28$") == "28"
    assert parse("14×14", load_assignment("optim_cnn").namespace()) == 196   # elsewhere: 14·14


@pytest.mark.parametrize("text, message", [
    (r"\input{/etc/passwd}", r"\input is not understood"), (r"\def\x{1}\x", r"\def is not"),
    (r"\newcommand{\x}{1}", r"\newcommand is not"), (r"\csname x\endcsname", r"\csname is not"),
    (r"\write18{id}", r"\write is not"), (r"\mathbf{\input{x}}", r"\input is not"),
    (r"\begin{tikzpicture} x \end{tikzpicture}", "'tikzpicture' is not understood"),
    (r"\frac{1}{", "never closed"), ("\\frac{1}{" * 150 + "1" + "}" * 150, "nested too deeply"),
    ("{" * 900 + "1" + "}" * 900, "nested too deeply"),
    (r"a^{9^{9^{9}}}", "power"), (r"2^{3^{4^{5}}}", "power"), (r"a^{100000}", "exponents above"),
])
def test_hostile_latex_is_refused_quickly(text, message):
    """Nothing TeX would run is run; nesting and powers are bounded (SymPy's Lark parser never
    returns from 2^{3^{4^{5}}})."""
    assert_both_readers_refuse(text, message)
