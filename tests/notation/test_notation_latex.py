r"""Notation of issue 20 (items 3-6), judged end to end by the real graders of `gd`, `calculus`,
`backprop` and `optim_cnn` (each question's checker and form check, built from its
assignment.toml): labelled answers, equation tags, LaTeX commands and environments.  An
equivalent form earns what its plain-text twin earns; a wrong one loses the same points with
the same message as its twin; what stays unreadable names the command and its position."""

import numpy as np
import pytest
import sympy

from autograder.assignment import load_assignment
from autograder.checkers.expressions import ExpressionQuestion
from autograder.checkers.labels import label_key, question_keys
from autograder.checkers.matrix_parse import parse_matrix
from autograder.checkers.matrix_space import MatrixSpace
from autograder.checkers.parse import Namespace, ParseError, parse
from tests.helpers import assert_both_readers_refuse, form, judge

DW2 = r"\left(\frac{\partial \ell}{\partial \hat{y}} \frac{\partial \hat{y}}{\partial z_3}\right)^\top "
EQUIVALENT = [
    # 3. labelled answers: the left side names the question's quantity
    ("gd", "q2a", r"(w_1^*, w_2^*) = (1, 3)"), ("gd", "q2a", r"$(w_1^*, w_2^*) = (1, 3)$"),
    ("gd", "q2a", "(w₁*, w₂*) = (1, 3)"), ("gd", "q2a", r"\mathbf{w}^* = (1, 3)"),
    ("gd", "q2a", r"(w_1, w_2) = \left(1, 3\right)"), ("gd", "q2a", "q2a = (1, 3)"),
    ("gd", "q1b", r"w^{*} = \begin{pmatrix} 0 \\ 0 \end{pmatrix}"),
    ("gd", "q1e", (r"\eta^* = \frac{2}{a+b}", r"\rho^{\star} = \frac{a-b}{a+b}")),
    ("gd", "q1e", ("eta* = 2/(a+b)", "rho = (a - b)/(a + b)")),
    ("gd", "q1a", r"\nabla_{w} L = (a w_1, b w_2)"),
    ("gd", "q1a", r"\nabla_{\mathbf{w}} L(\mathbf{w}) = \begin{bmatrix} a w_1 \\ b w_2 \end{bmatrix}"),
    ("gd", "q1a", "∇L(w) = (a·w₁, b·w₂)"),
    ("gd", "q1a", (r"\nabla_{w_1} L = a w_1", r"\frac{\partial L}{\partial w_2} = b w_2")),
    ("gd", "q1a", ("∂L/∂w1 = a w1", "dL/dw2 = b*w2")),
    ("gd", "q2b", r"\eta^* = \frac{2}{15+\sqrt{221}}"), ("gd", "q2b", r"\eta_{\max} = 0.06697"),
    ("calculus", "q1a", r"\nabla f(x) = \left(\cos x_1, 4x_2\right)"),
    ("calculus", "q1b", (r"x^* = (\pi/2, 0)", "saddle")),
    ("calculus", "q3", r"J = \begin{bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin x_3 & 0 & e^{x_1}\cos x_3 \end{bmatrix}"),
    ("calculus", "q6a", r"L'(y') = 2(y' - y)"), ("calculus", "q6a", r"\nabla_{y'} L = 2(y' - y)"),
    ("calculus", "q6a", r"d_{yp} = 2(\mathbf{y}' - \mathbf{y})"),
    ("calculus", "q6a", r"\boxed{2\left(\mathbf{y}^{\prime} - \mathbf{y}\right)}"),
    ("optim_cnn", "q5", r"\boxed{\widetilde{\lambda} = \dfrac{\lambda}{2\eta}}"),
    ("calculus", "q6d", r"\nabla_{h'} L = W^\top d_{yp}"), ("calculus", "q6f", "∇_V L = d_h·xᵀ"),
    ("backprop", "q1", r"\varphi'(v) = s\varphi(v)(1-\varphi(v))"),
    ("backprop", "q1", r"q1 = \frac{s e^{-sv}}{(1+e^{-sv})^2}"),
    ("backprop", "q3a", r"\frac{\partial \ell}{\partial \hat{y}} = 2(\hat{y} - y)^\top"),
    ("backprop", "q3e", "∂ℓ/∂b₂ = (dl_dyhat · dyhat_dz3)ᵀ"),
    ("backprop", "q3g", r"\frac{\partial \ell}{\partial b_1} = \left(\frac{\partial \ell}{\partial \hat{y}}"
                        r"\frac{\partial \hat{y}}{\partial z_3} W_2 \frac{\partial z_2}{\partial z_1}\right)^\top"),
    ("optim_cnn", "q5", "λ̃ = λ/(2η)"), ("optim_cnn", "q5", r"\tilde{\lambda}^* = \frac{\lambda}{2\eta}"),
    # chains and aligned environments: the last part is the answer
    ("gd", "q1e", (r"\eta^* = \frac{2}{a+b}", r"\rho = 1 - \eta^* a = 1 - \frac{2a}{a+b} = \frac{a-b}{a+b}")),
    ("backprop", "q1", r"\begin{aligned} \varphi'(v) &= \frac{s e^{-sv}}{(1+e^{-sv})^2} \\"
                       r" &= s\varphi(v)\left(1-\varphi(v)\right) \end{aligned}"),
    ("backprop", "q1", r"\begin{align*} \varphi'(v) &= \frac{s e^{-sv}}{(1+e^{-sv})^2} \nonumber \\"
                       r" &= s\varphi(v)(1-\varphi(v)) \label{eq:dphi} \end{align*}"),
    ("calculus", "q6a", r"\begin{aligned} \nabla_{y'} L &= \nabla_{y'} \|y - y'\|^2 \\ &= 2(y' - y)"
                        r" \end{aligned}"),
    ("optim_cnn", "q5", r"\begin{equation} \tilde\lambda = \frac{\lambda}{2\eta} \tag{7} \end{equation}"),
    # 4. equation tags and alignment marks are not factors
    ("gd", "q1a", (r"a w_1 \quad (4)", r"b w_2 \qquad (5)")), ("gd", "q1a", ("a w1  (4)", "b w2\t(5)")),
    ("gd", "q1c", (r"1 - \eta a \tag{3}", r"1 - \eta b \; (3)")),
    ("gd", "q1c", (r"$$1 - \eta a$$ (3)", r"\[1 - \eta b\] (3)")),
    ("gd", "q1c", (r"\rho_1 &= 1 - \eta a \label{eq:rho1}", r"\rho_2 &= 1 - \eta b \nonumber")),
    ("gd", "q1d", r"\eta \in \left(0, \frac{2}{\max(a,b)}\right) \quad (5)"),
    ("gd", "q1d", r"0 < \eta < \frac{2}{\max\{a, b\}} \tag*{(5)}"),
    ("gd", "q2b", r"\frac{2}{15+\sqrt{221}} \qquad (2.3)"), ("gd", "q2b", "2/(15 + √221)   (7)"),
    ("optim_cnn", "q8a", r"14 \quad (2)"), ("optim_cnn", "q8a", r"7 (2)"), ("optim_cnn", "q8a", "14  (2)"),
    ("backprop", "q1", r"s\varphi(v)(1-\varphi(v)) \quad (1)"),
    ("calculus", "q1a", r"\begin{bmatrix} \cos x_1 \\ 4 x_2 \end{bmatrix} \quad (2)"),
    ("calculus", "q6e", r"(h > 0) \odot d_{hp} \quad (6)"),
    # 5. commands
    ("backprop", "q1", r"\cfrac{s\,\mathrm{e}^{-sv}}{\left(1+\mathrm{e}^{-sv}\right)^2}"),
    ("backprop", "q1", r"\tfrac{s}{4}\left(1 - \tanh^2\left(\tfrac{sv}{2}\right)\right)"),
    ("backprop", "q1", r"\dfrac{s}{4\cosh^{2}(sv/2)}"),
    ("backprop", "q1", r"\frac{s \exp(-sv)}{(1 + \exp(-sv))^2}"),
    ("backprop", "q1", r"s \exp\left(\ln(\varphi(v)) + \ln(1 - \varphi(v))\right)"),
    ("optim_cnn", "q5", r"\frac{\lambda}{2^{\log_2(2\eta)}}"),
    ("optim_cnn", "q5", r"\frac{\lambda}{2\eta}\sin^{2}(\eta) + \frac{\lambda}{2\eta}\cos^2 \eta"),
    ("calculus", "q1b", (r"\left(2\sin^{-1}(1) - \frac{\pi}{2}, 0\right)", "saddle")),
    ("calculus", "q1b", (r"\left\langle \frac{\pi}{2}, 0 \right\rangle", "saddle")),
    ("calculus", "q1a", r"\langle \cos x_1, 4x_2 \rangle"),
    ("optim_cnn", "q4a", r"\frac{n}{2}\frac{\left\lVert X^\top a\right\rVert^2}{\left\lVert XX^\top a\right\rVert_2^2}"),
    ("backprop", "q3d", "(dl_dyhat · dyhat_dz3)ᵀ (5 max(0, z₁))ᵀ"),
    ("backprop", "q3d", DW2 + r"(5\operatorname{ReLU}(z_1))^\top"),
    ("backprop", "q3d", DW2 + r"(5\max(0, z_1))^\top"),
    ("backprop", "q3d", DW2 + r"\left(5 \max(z_1, 0)\right)^T"),
    ("backprop", "q3c", r"5\,\mathrm{diag}\left(\mathbb{1}[z_1 > 0]\right)"),
    ("backprop", "q3c", r"5 \operatorname{diag}(\mathbf{1}[z_1 > 0])"),
    ("calculus", "q6e", r"\mathrm{diag}(\mathbb{1}[h>0])\, d_{hp}"),
    ("calculus", "q5a", r"\frac{\operatorname{Tr}(v v^\top)}{\mathrm{tr}(v^\top v)} v v^\top"),
    ("calculus", "q3", r"\begin{bmatrix} 4x_1 & 3 & 0 \\ \mathrm{e}^{x_1}\sin x_3 & 0 & \exp(x_1)\cos x_3 \end{bmatrix}"),
    ("backprop", "q2", {"W1": r"k \times n", "b1": "$k$", "W2": r"$K \times k$", "b2": r"K \quad (2)"}),
    # 6. environments
    ("calculus", "q3", r"\left[\begin{array}{ccc} 4x_1 & 3 & 0 \\ e^{x_1}\sin(x_3) & 0 & e^{x_1}\cos(x_3) \end{array}\right]"),
    ("calculus", "q3", r"\left(\begin{array}{c|c|c} 4x_1 & 3 & 0 \\ e^{x_1}\sin x_3 & 0 & e^{x_1}\cos x_3 \end{array}\right)"),
    ("calculus", "q3", r"\begin{Bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin x_3 & 0 & e^{x_1}\cos x_3 \end{Bmatrix}"),
    ("calculus", "q3", r"\begin{bmatrix} 4x_1 & 3 & 0 \\ e^{x_1}\sin x_3 & 0 & e^{x_1}\cos x_3 \end{bmatrix}"
                       r"\begin{bmatrix} 1 & 0 & 0 \\ 0 & 1 & 0 \\ 0 & 0 & 1 \end{bmatrix}"),
    ("gd", "q1a", r"\begin{bmatrix} a & 0 \\ 0 & b \end{bmatrix} \begin{bmatrix} w_1 \\ w_2 \end{bmatrix}"),
    ("gd", "q1a", r"\nabla L = \begin{pmatrix} a & 0 \\ 0 & b \end{pmatrix}\begin{pmatrix} w_1 \\ w_2 \end{pmatrix}"),
    ("gd", "q1a", r"\begin{bmatrix} a & 0 \\ 0 & b \end{bmatrix} \cdot \begin{bmatrix} w_1 & w_2 \end{bmatrix}^\top"),
    ("gd", "q2b", r"\frac{2}{\begin{vmatrix} 15 + \sqrt{221} \end{vmatrix}}"),
    ("gd", "q1e", (r"\frac{2}{\begin{vmatrix} a & -1 \\ b & 1 \end{vmatrix}}", r"\frac{a-b}{a+b}")),
    ("gd", "q1e", (r"\frac{2}{\left|\begin{array}{cc} a & -1 \\ b & 1 \end{array}\right|}",
                   r"\frac{a-b}{a+b}")),
]


@pytest.mark.parametrize("assignment_id, name, answer", EQUIVALENT,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _) in enumerate(EQUIVALENT)])
def test_equivalent_forms_earn_full_marks_and_pass_the_form_check(assignment_id, name, answer):
    fraction, message = judge(assignment_id, name, answer)
    assert fraction == 1.0, message
    verdict = form(assignment_id, name, answer)
    assert verdict.passed, verdict.message


TWINS = [   # (assignment, question, a wrong answer in LaTeX or Unicode, its plain-text twin)
    ("gd", "q1a", r"\nabla_{w} L = (2a w_1, 2b w_2)", "(2*a*w1, 2*b*w2)"),
    ("gd", "q1a", (r"2aw_1 \quad (4)", r"2bw_2 \tag{5}"), ("2*a*w1", "2*b*w2")),
    ("gd", "q1a", r"\begin{bmatrix} 2a & 0 \\ 0 & 2b \end{bmatrix}\begin{bmatrix} w_1 \\ w_2 \end{bmatrix}",
     "(2*a*w1, 2*b*w2)"),
    ("gd", "q1c", (r"\rho_1 = 1 + \eta a \qquad (3)", r"\rho_2 = 1 - \eta b"), ("1 + eta*a", "1 - eta*b")),
    ("gd", "q1d", r"\eta \in \left(0, \tfrac{2}{\min(a,b)}\right) \tag{5}", "0 < eta < 2/min(a, b)"),
    ("gd", "q1d", r"0 \le \eta < \cfrac{2}{\max(a,b)} \quad (5)", "0 <= eta < 2/max(a, b)"),
    ("gd", "q1e", (r"\eta^* = \frac{2}{a-b}", r"\rho = \frac{a-b}{a+b}"), ("2/(a-b)", "(a-b)/(a+b)")),
    ("gd", "q2a", r"(w_1^*, w_2^*) = (3, 1)", "(3, 1)"),
    ("gd", "q2b", r"\eta_{\max} = \frac{2}{15} \quad (2)", "2/15"),
    ("calculus", "q1a", r"\nabla f(x) = \begin{bmatrix} \sin x_1 \\ 4x_2 \end{bmatrix}", "(sin(x1), 4*x2)"),
    ("calculus", "q3", r"J = \left[\begin{array}{ccc} 4x_1 & 3 & 0 \\ -e^{x_1} & 0 & \cos x_3 \end{array}\right]",
     "[[4*x1, 3, 0], [-exp(x1), 0, cos(x3)]]"),
    ("calculus", "q6a", r"L'(y') = 2(y - y') \quad (6)", "2*(y - yp)"),
    ("calculus", "q6a", r"\begin{aligned} \nabla_{y'} L &= -2(y' - y) \\ &= 2(y - y') \end{aligned}",
     "2*(y - yp)"),
    ("calculus", "q5b", r"\mathbf{A}\mathbf{v}\mathbf{v}^\top \qquad (5)", "A @ v @ v.T"),
    ("backprop", "q1", r"\varphi'(v) = \varphi(v)(1-\varphi(v)) \tag{1}", "phi * (1 - phi)"),
    ("backprop", "q1", r"\dfrac{e^{-sv}}{(1+e^{-sv})^2}", "phi * (1 - phi)"),
    ("backprop", "q3a", r"\frac{\partial \ell}{\partial \hat{y}} = 2(\hat{y} - y)", "2*(yhat - y)"),
    ("optim_cnn", "q5", r"\tilde{\lambda} = \frac{\lambda}{\eta} \qquad (7)", "lambda/eta"),
    ("optim_cnn", "q5", r"\tilde\lambda = 0", "0"),
    ("optim_cnn", "q8a", r"14 (2)", "28"),          # one space: a product, not a tag
    ("optim_cnn", "q8a", r"7 \quad (2)", "7"),      # after \quad: a tag, not a factor
    ("gd", "q1a", (r"a w_1 (4)", "b w_2"), ("4*a*w1", "b*w2")),
]


@pytest.mark.parametrize("assignment_id, name, answer, twin", TWINS,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _, _) in enumerate(TWINS)])
def test_wrong_forms_lose_what_their_plain_twin_loses_with_its_message(assignment_id, name,
                                                                      answer, twin):
    fraction, message = judge(assignment_id, name, answer)
    assert fraction < 1.0
    assert (fraction, message) == judge(assignment_id, name, twin)
    assert form(assignment_id, name, answer).passed == form(assignment_id, name, twin).passed


NOT_LABELS = [   # the left side names something else: a form error, never a silent grade
    ("gd", "q1a", "∇f(w) = (a w1, b w2)", "∇f(w)"),     # the question's function is L
    ("gd", "q2b", r"w_1 = \frac{2}{15+\sqrt{221}}", "w_1"),
    ("calculus", "q2a", "x* = (3, -2)", "x*"),           # a gradient, not a point
    ("calculus", "q6b", r"\nabla_{c} L = d_{yp} h'^\top", r"∇_c"),
    ("optim_cnn", "q5", r"\lambda = \frac{\lambda}{2\eta}", "λ"),
]


@pytest.mark.parametrize("assignment_id, name, answer, left", NOT_LABELS)
def test_a_left_side_that_does_not_name_the_answer_is_a_form_error(assignment_id, name, answer,
                                                                   left):
    verdict = form(assignment_id, name, answer)
    assert not verdict.passed and left in verdict.message
    assert "does not name this question's answer" in verdict.message
    fraction, message = judge(assignment_id, name, answer)
    assert fraction == 0 and "does not name this question's answer" in message


def test_an_equation_is_not_a_label():
    """`1 - ηa = ρ` has an expression on the left: refused as before, not guessed."""
    verdict = form("gd", "q1c", ("1 - ηa = ρ", "1 - ηb"))
    assert not verdict.passed and "without '='" in verdict.message


def test_labels_are_compared_whatever_their_spelling():
    same = [r"\eta^*", "η*", "eta^*", r"\eta^{\star}", "η_*", r"\eta^{*}", "η^(*)"]
    assert {label_key(s) for s in same} == {"eta"}
    assert label_key(r"\frac{\partial L}{\partial w_1}") == label_key("∂L/∂w₁") == "dLdw1"
    assert label_key(r"\nabla_{\mathbf{w}} L(\mathbf{w})") == label_key("∇_w L") == "∇wL"
    assert label_key(r"(w_1^*, w_2^*)") == label_key("(w1*, w2*)") == "(w1,w2)"
    assert label_key(r"\tilde{\lambda}") == label_key("λ̃") == "lambdatilde"
    assert label_key(r"\|w^*\|") == label_key("||w*||") == "‖w‖"
    keys = question_keys("q1a", "1a", ["∂L/∂w1", "∂L/∂w2"], components=["∂L/∂w1", "∂L/∂w2"])
    assert {"∇L", "∇wL", "∇w1L", "(dLdw1,dLdw2)", "q1a"} <= keys and "∇f" not in keys


def test_a_declared_label_such_as_a_norm_names_the_answer():
    """A question about ‖w*‖ declares the label `\\|w^*\\|`: any spelling of it labels the
    answer; another name does not."""
    symbols = Namespace.declare({"a": "positive"}).symbols
    keys = question_keys("q3", "3", [r"\|w^*\|"])
    ns = Namespace(symbols, labels=keys)
    question = ExpressionQuestion("sqrt(10)", ns)
    for answer in [r"\|w^*\| = \sqrt{10}", r"\left\lVert w^* \right\rVert = \sqrt{10}",
                   "||w*|| = √10", "‖w‖ = sqrt(10)", r"\sqrt{10} \quad (3)"]:
        assert question.check(answer).passed, answer
    assert question.check(r"\|w^*\| = \sqrt{11}").fraction == 0
    assert "does not name" in question.check(r"\|v\| = \sqrt{10}").message


def test_a_line_break_outside_a_chain_is_refused_not_multiplied():
    """`a \\\\ b` would read as a·b: two answers on two lines are refused, with the place."""
    ns = load_assignment("gd").namespace()
    with pytest.raises(ParseError, match=r"line break .* at position 7 separates two answers"):
        parse(r"a w_1 \\ b w_2", ns)
    assert parse(r"a w_1 \\ + b w_2", ns) == parse("a*w1 + b*w2", ns)


def test_tags_after_spacing_only():
    """The rule: a parenthesised number ((4), (2.3), (4a)) at the very end, after \\quad,
    \\qquad, \\;, \\:, \\ , ~, \\hfill, \\hspace{..} or two spaces, is an equation number;
    right after a term or one space it is a factor or a call."""
    ns = load_assignment("gd").namespace()
    w1 = ns.symbols["w1"]
    for tagged in [r"w_1 \quad (4)", r"w_1\qquad(4)", r"w_1 \; (4)", r"w_1 \: (4)", r"w_1 \ (4)",
                   r"$w_1 ~ (4)$", r"w_1 \hfill (4)", r"w_1 \hspace{1cm} (4a)", "w1  (4)",
                   "w1\t(2.3)", r"w_1 \tag{4}", r"w_1 \tag*{(4)}", r"\[ w_1 \] (4)", r"$$w_1$$(4)"]:
        assert parse(tagged, ns) == w1, tagged
    for factor in [r"w_1 (4)", "w1 (4)", "w1(4)", r"w_1\,(4)", r"w_1 \quad (4) + 1"]:
        assert parse(factor, ns) != w1, factor
    backprop = load_assignment("backprop").namespace()
    assert parse("phi(4)", backprop) == parse("1/(1 + exp(-4*s))", backprop)   # a call


def test_commands_read_as_their_functions():
    ns = Namespace.declare({"x": "real", "z": "real"},
                           definitions={"relu(x)": "max(0, x)"})
    x, z = ns.symbols["x"], ns.symbols["z"]
    assert parse(r"\tanh^2(z)", ns) == sympy.tanh(z) ** 2
    assert parse(r"\tanh^{2} z", ns) == sympy.tanh(z) ** 2
    assert parse(r"\sin^{-1}(x)", ns) == sympy.asin(x) == parse(r"\arcsin x", ns)
    assert parse(r"\log_2(x^2)", ns) == sympy.log(x ** 2, 2)
    assert parse(r"\log_{2} 8", ns) == 3
    assert parse(r"\ln(x) + \exp(z)", ns) == sympy.log(x) + sympy.exp(z)
    assert parse(r"\mathrm{e}^{x}", ns) == sympy.exp(x) == parse("e^{x}", ns)
    assert parse(r"\operatorname{ReLU}(x)", ns) == parse(r"\max(0, x)", ns) == sympy.Max(0, x)
    assert parse(r"\langle x, z \rangle", ns) == (x, z)
    assert parse(r"\cfrac{1}{1 + \cfrac{1}{x}}", ns) == 1 / (1 + 1 / x)
    assert parse(r"\frac{1}{\log_2(x)}", ns) == 1 / sympy.log(x, 2)     # the call is one factor
    assert parse(r"\sin^{\tanh^2(z)}(x)", ns) == sympy.sin(x) ** sympy.tanh(z) ** 2
    assert parse(r"\tanh^{|x|}(z)", ns) == sympy.tanh(z) ** sympy.Abs(x)
    declared = Namespace.declare({"e": "real", "x": "real"})           # e is a symbol here
    assert parse("e^{x}", declared) == declared.symbols["e"] ** declared.symbols["x"]


def test_environments_as_matrices_products_and_determinants():
    ns = load_assignment("gd").namespace()
    a, b, w1, w2 = (ns.symbols[n] for n in ("a", "b", "w1", "w2"))
    assert parse(r"\begin{vmatrix} a & w_1 \\ w_2 & b \end{vmatrix}", ns) == a * b - w1 * w2
    assert sympy.expand(parse(r"\begin{vmatrix} a & 0 & 1 \\ 0 & b & 0 \\ 1 & 0 & 1 \end{vmatrix}",
                              ns)) == a * b - b
    assert parse(r"\left| \begin{array}{cc} a & 1 \\ 1 & b \end{array} \right|", ns) == a * b - 1
    assert parse(r"\begin{array}{cc} a & 1 \\ 1 & b \end{array}", ns) == ((a, 1), (1, b))
    product = parse(r"\begin{bmatrix} 1 & 2 \end{bmatrix} \begin{bmatrix} a & 0 \\ 0 & b \end{bmatrix}",
                    ns)
    assert product == (a, 2 * b)
    with pytest.raises(ParseError, match=r"cannot be multiplied \(2×1 times 2×1\)"):
        parse(r"\begin{bmatrix} a \\ b \end{bmatrix}\begin{bmatrix} a \\ b \end{bmatrix}", ns)


def test_cases_are_a_piecewise_answer():
    """`\\begin{cases}` where an expression is asked: a value per condition, the first that
    holds; its twin in text is piecewise((..., ...), ...) or the closed form."""
    question = ExpressionQuestion("max(a, b)", load_assignment("gd").namespace(), seed="cases")
    for answer in [r"\begin{cases} a & a > b \\ b & \text{otherwise} \end{cases}",
                   r"\left\{ \begin{array}{ll} a, & \text{if } a \ge b \\ b, & \text{else} "
                   r"\end{array} \right.",
                   r"\begin{cases} b & \text{for } b > a, \\ a & a \geq b \end{cases}",
                   "piecewise((a, a > b), (b, otherwise))"]:
        assert question.check(answer).passed, answer
    wrong = question.check(r"\begin{cases} a & a < b \\ b & \text{otherwise} \end{cases}")
    assert wrong.fraction == 0 and wrong.message == question.check("min(a, b)").message
    relu = Namespace.declare({"x": "real"})
    x = relu.symbols["x"]
    step = ExpressionQuestion(sympy.Piecewise((1, x > 0), (0, True)), relu, seed="step")
    assert step.check(r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}").passed
    twice = step.check(r"\begin{cases} 2 & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    assert twice.fraction == 0 and "2 times" in twice.message
    with pytest.raises(ParseError, match="condition must be a comparison"):
        parse(r"\begin{cases} 1 & x \\ 0 & \text{otherwise} \end{cases}", relu)
    with pytest.raises(ParseError, match="a value & its condition"):
        parse(r"\begin{cases} 1 \\ 0 \end{cases}", relu)


def test_a_declared_ones_vector_is_bold_one():
    space = MatrixSpace({"ones": ("n", 1), "v": ("n", 1), "h": ("n", 1)})
    env = space.instances(1, "ones")[0]
    for text in [r"\mathbf{1}^\top v", r"\mathbb{1}^T v", r"\mathbf{1}_n^\top v", "onesᵀ v"]:
        assert np.allclose(parse_matrix(text, space).evaluate(env), env["v"].sum()), text
    indicator = parse_matrix(r"\mathbb{1}[h > 0] \odot v", space).evaluate(env)
    assert np.allclose(indicator, (env["h"] > 0) * env["v"])
    without = MatrixSpace({"v": ("n", 1)})                  # no ones declared: the number 1
    env = without.instances(1, "one")[0]
    assert np.allclose(parse_matrix(r"\mathbf{1} v", without).evaluate(env), env["v"])


@pytest.mark.parametrize("text, message", [
    (r"a w_1 + \foo{x}", r"\foo is not understood here (unknown command at position 9)"),
    (r"$w_1 + \mathcal{W}$", r"\mathcal is not understood here (unknown command at position 8)"),
    (r"\begin{tikzpicture} \end{tikzpicture}", "'tikzpicture' is not understood here (at position 1"),
    (r"w_1 # 2", "unexpected character '#' at position 5"),
    (r"$a & w_1$", "alignment mark & at position 4 outside a matrix"),
    (r"$\frac{w_1}{2} ? 1$", "unexpected character '?' at position 16"),
    (r"\sinh_{2}(x)", "only \\log takes a base"),
    (r"\begin{aligned} x &= 1 \end{align}", "closed by another \\end"),
    (r"\begin{vmatrix} 1&2&3&4&5 \\ 1&2&3&4&5 \\ 1&2&3&4&5 \\ 1&2&3&4&5 \\ 1&2&3&4&5 \end{vmatrix}",
     "larger than 4×4"),
    (r"\begin{bmatrix} a & b \\ a & b \end{bmatrix}" * 40, "too long once its matrices"),
    (r"\begin{aligned}" * 60 + "a" + r"\end{aligned}" * 60, "nested too deeply"),
    (r"\begin{vmatrix} a & b & a \\ a & b & a \\ b & a & " * 12 + "a" + r"\end{vmatrix}" * 12,
     "too long once"),
])
def test_what_stays_unreadable_is_named_with_its_position(text, message):
    assert_both_readers_refuse(text, message)


def test_an_unreadable_command_costs_only_its_part_and_says_where():
    fraction, message = judge("gd", "q1a", (r"a w_1 \foo", r"b w_2"))
    assert fraction == 0.5
    assert r"∂L/∂w1: cannot read it: the LaTeX command \foo is not understood here " \
           r"(unknown command at position 7)" in message


SOUP = [r"\frac", r"\cfrac", "{", "}", "(", ")", "[", "]", r"\left", r"\right", "|", r"\|", "&",
        r"\\", "^", "_", "=", "a", "w_1", "2", r"\quad", "(4)", r"\tag{4}", r"\label{x}",
        r"\begin{bmatrix}", r"\end{bmatrix}", r"\begin{array}{cc}", r"\end{array}",
        r"\begin{vmatrix}", r"\end{vmatrix}", r"\begin{aligned}", r"\end{aligned}", r"\log_2",
        r"\tanh^2", r"\sin^{-1}", r"\max", r"\mathbf{1}", r"\operatorname{ReLU}", r"\langle",
        r"\rangle", "  ", r"\eta^*", ",", r"\cdot", r"\lvert", "$", r"\[", r"\]", r"\nabla_{w}",
        "'", r"\prime", r"\boxed", r"\hat", r"\begin{cases}", "h", r"\end", r"\begin"]


def test_any_soup_of_these_commands_is_read_or_refused_with_a_message():
    """Random mixes of every construct above (seeded): a value or a ParseError, nothing else."""
    import random
    rng = random.Random(20)
    ns = load_assignment("gd").namespace(load_assignment("gd").questions[0])
    space = load_assignment("calculus").matrix_space()
    for _ in range(2000):
        text = "".join(rng.choice(SOUP) for _ in range(rng.randint(1, 14)))
        for reader in (lambda: parse(text, ns), lambda: parse_matrix(text, space)):
            try:
                reader()
            except ParseError:
                pass
