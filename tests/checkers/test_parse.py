"""The safe parser: the pitfalls of student text, each handled on purpose."""
import pytest
import sympy

from autograder.checkers.parse import Namespace, ParseError, parse, parse_answer

NS = Namespace.declare({"a": "positive", "b": "positive", "eta": "positive", "x1": "real",
                        "x2": "real", "lam": "positive"}, aliases={"lambda": "lam"})
a, b, eta, x1, x2, lam = (NS.symbols[n] for n in ("a", "b", "eta", "x1", "x2", "lam"))


@pytest.mark.parametrize("text, expected", [
    ("x1^2", x1 ** 2),                     # ^ is a power, not XOR
    ("x1**2", x1 ** 2),
    ("2x1", 2 * x1),                       # implicit product after a number
    ("2(a+b)", 2 * a + 2 * b),
    ("(a+b)(a-b)", (a + b) * (a - b)),
    ("eta a", eta * a),                    # a space between names multiplies
    ("1 - ηa", 1 - eta * a),               # a Greek letter is one name
    ("λ/(2η)", lam / (2 * eta)),
    ("lambda/(2*eta)", lam / (2 * eta)),   # a Python keyword works as a name
    ("2e-3", sympy.Rational(1, 500)),      # scientific notation, not 2*e - 3
    ("2*e-3", 2 * sympy.E - 3),
    ("e", sympy.E),                        # e is Euler's number unless declared
    ("e^x1", sympy.exp(x1)),
    ("exp(x1)", sympy.exp(x1)),
    ("0.5", sympy.Rational(1, 2)),         # decimals are exact rationals
    ("√221", sympy.sqrt(221)),
    ("√(a+b)", sympy.sqrt(a + b)),
    ("pi/2", sympy.pi / 2),
    ("1 − η·a", 1 - eta * a),              # Unicode minus and dot
    ("x1²", x1 ** 2),
    ("2/max(a,b)", 2 / sympy.Max(a, b)),
    ("Min(2/a, 2/b)", sympy.Min(2 / a, 2 / b)),
    ("abs(a-b)", sympy.Abs(a - b)),
])
def test_reads(text, expected):
    assert sympy.simplify(parse(text, NS) - expected) == 0


@pytest.mark.parametrize("text, message", [
    ("exp", "exp is a function: write exp(...)"),              # a bare function name
    ("sin x1", "sin is a function"),
    ("__import__('os').system('id')", "quotes are not allowed"),
    ("__import__(os)", "unknown name '__import__'"),
    ("a.b", "attribute access"),
    ("x1.real", "attribute access"),
    ("x1[0]", "indexing"),
    ("9**9**9**9", "too large"),
    ("2**100000", "too large"),
    ("x1**1000", "exponents above"),
    ("y + 1", "unknown name 'y'"),
    ("etta", "did you mean 'eta'"),
    ("1 = eta", "without '='"),
    ("(a + b", "parentheses do not match"),
    ("lambda x: x", "unexpected character ':'"),   # keywords are plain names here
    ("[x for x in a]", "unknown name 'x'"),
    ("a if b else 1", "a number right after a name"),
    ("1/0", "division by zero"),
    ("a or b", "'or' cannot describe one range"),
    ("", "empty"),
    ("x1 " * 1000, "characters long"),
    ("(" * 300 + "1" + ")" * 300, "cannot read"),
    ("1" * 50, "too long"),
    ("a $ b", "unexpected character"),
])
def test_refuses_with_a_clear_message(text, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("*", r"\*").replace(".", r"\.")):
        parse(text, NS)


def test_never_evaluates_python():
    """Nothing in the text reaches eval: a call to a Python builtin is just an unknown name."""
    for text in ["open(a)", "eval(a)", "exec(a)", "globals()", "getattr(a, b)"]:
        with pytest.raises(ParseError):
            parse(text, NS)


def test_decimal_flag():
    assert parse_answer("0.333", NS).has_decimal
    assert not parse_answer("1/3", NS).has_decimal


def test_comparisons_and_conjunctions():
    rel = parse("0 < eta < 2/max(a,b)", NS)
    assert isinstance(rel, sympy.And) and len(rel.args) == 2
    assert parse("(eta > 0) & (eta < 1)", NS) == parse("eta > 0 and eta < 1", NS)


def test_declared_e_is_a_symbol():
    ns = Namespace.declare({"e": "real"})
    assert parse("e", ns) == ns.symbols["e"]
