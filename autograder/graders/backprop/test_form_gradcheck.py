"""Public self-check of mlp.py: does your backward pass match finite differences of your own
forward pass and loss?  Needs no reference, reveals no answer (0 points, always visible)."""
import pytest

from autograder.api import Verdict, compare, number
from autograder.routines import mlp as routines

CASES = [("relu", "identity", "mse"), ("sigmoid", "sigmoid", "bce"), ("identity", "relu", "mse")]


@number("0.code.{f}-{g}-{loss}")
@pytest.mark.parametrize("f, g, loss", CASES, ids=["-".join(c) for c in CASES])
def test_backward_matches_your_forward(f, g, loss, student, grade):
    """Self-check: your backward matches finite differences of your forward ({f}, {g}, {loss})"""
    case = routines.make_case(7, f, g, loss)
    result = student.run(routines.gradcheck, "mlp", case["sizes"], f, g, loss, case["params"],
                         case["x"], case["y"])
    verdicts = [compare(name, result["analytic"].get(name), numeric, batch=case["batch"],
                        sizes=case["sizes"], rtol=1e-4, atol=1e-7)
                for name, numeric in result["numeric"].items()]
    problems = [verdict.message for verdict in verdicts if not verdict.passed]
    if problems:
        grade(Verdict.wrong("your backward pass does not match finite differences of your own "
                            "forward pass and loss:\n" + "\n".join(problems)))
    grade(Verdict.right("your backward pass matches finite differences of your forward pass"))
