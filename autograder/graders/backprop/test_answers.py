"""Correctness of `backprop` (instructors only: needs reference/backprop).

Derivations (answers.py) are shown after the due date.  mlp.py is run in the sandbox by the
trusted routines of autograder/routines/mlp.py on hidden random sizes and every f/g/loss
combination, and compared with the reference run on the same inputs.
"""
import numpy as np

from autograder.api import (ExpressionQuestion, Incorrect, MatrixQuestion, ShapesQuestion,
                            Undecided, Verdict, compare, judge_cases, load_assignment,
                            load_reference, number, visibility, weight)
from autograder.routines import mlp as routines

REF = load_reference("backprop")
REF_MLP = load_reference("backprop", "mlp")
ASSIGNMENT = load_assignment("backprop")
NS = ASSIGNMENT.namespace()
SPACE = ASSIGNMENT.matrix_space(hidden={"dl_dyhat": REF.q3a, "dyhat_dz3": REF.q3b,
                                        "dz2_dz1": REF.q3c})
NUMERATOR = ("this is the transpose of the answer: in numerator layout the derivative of an "
             "m-vector by an n-vector is m×n")
LIKE_VARIABLE = "this is the transpose of the answer: it should have the shape of the variable"
SEED = 2718  # hidden cases


@weight(2)
@number("1")
@visibility("after_due_date")
def test_q1(student, grade):
    """Q1: the derivative of the sigmoid with slope s"""
    question = ExpressionQuestion(REF.q1, NS, seed="1", wrong=[
        ("phi * (1 - phi)", "missing the factor s: the chain rule through s·v brings it out")])
    grade(question.check(student.value("q1")))


@weight(2)
@number("2")
@visibility("after_due_date")
def test_q2(student, grade):
    """Q2: the parameter shapes"""
    grade(ShapesQuestion(REF.q2, NS).check(student.value("q2")))


def _chain(name, shape, layout):
    @weight(1)
    @number(name[1:])
    @visibility("after_due_date")
    def test(student, grade):
        question = MatrixQuestion(getattr(REF, name), SPACE, shape=shape, seed=name,
                                  layout_message=layout)
        grade(question.check(student.value(name)))
    return test


test_q3a = _chain("q3a", (1, "K"), NUMERATOR)
test_q3a.__doc__ = "Q3a: ∂ℓ/∂ŷ"
test_q3b = _chain("q3b", ("K", "K"), NUMERATOR)
test_q3b.__doc__ = "Q3b: ∂ŷ/∂z3"
test_q3c = _chain("q3c", ("k", "k"), NUMERATOR)
test_q3c.__doc__ = "Q3c: ∂z2/∂z1"
test_q3d = _chain("q3d", ("K", "k"), LIKE_VARIABLE)
test_q3d.__doc__ = "Q3d: ∂ℓ/∂W2"
test_q3e = _chain("q3e", ("K", 1), LIKE_VARIABLE)
test_q3e.__doc__ = "Q3e: ∂ℓ/∂b2"
test_q3f = _chain("q3f", ("k", "n"), LIKE_VARIABLE)
test_q3f.__doc__ = "Q3f: ∂ℓ/∂W1"
test_q3g = _chain("q3g", ("k", 1), LIKE_VARIABLE)
test_q3g.__doc__ = "Q3g: ∂ℓ/∂b1"


def _case(seed, combo):
    """One hidden case of ``combo``, with backward's input: the true gradient of the loss at
    the true output, for each of its two batches."""
    case = routines.make_case(seed, *combo)
    network = (case["sizes"], case["f"], case["g"])
    dJ, dJ2 = (routines.loss_gradient(REF_MLP, *network, case["loss"], case["params"], x, y)
               for x, y in ((case["x"], case["y"]), (case["x2"], case["y2"])))
    return case, network, dJ, dJ2


def _problem(name, got, expected, case):
    return compare(name, got, expected, batch=case["batch"], sizes=case["sizes"])


def _forward(student, seed, combo):
    case = routines.make_case(seed, *combo)
    args = (case["sizes"], case["f"], case["g"], case["params"], case["x"])
    return _problem("y_hat", student.run(routines.forward, "mlp", *args)["y_hat"],
                    routines.forward(REF_MLP, *args)["y_hat"], case)


def _backward(student, seed, combo):
    case, network, dJ, _ = _case(seed, combo)
    args = (*network, case["params"], case["x"], dJ)
    got = student.run(routines.backward, "mlp", *args)["grads"]
    for name, expected in routines.backward(REF_MLP, *args)["grads"].items():
        if (p := _problem(name, got.get(name), expected, case)):
            return p
    return None


def _accumulation(student, seed, combo):
    """Two backward calls add up (one that replaced self.grads is named as such); clearing
    zeroes the gradients."""
    case, network, dJ, dJ2 = _case(seed, combo)
    args = (*network, case["params"], case["x"], case["x2"], dJ, dJ2)
    got = student.run(routines.accumulation, "mlp", *args)
    ref = routines.accumulation(REF_MLP, *args)
    second = routines.backward(REF_MLP, *network, case["params"], case["x2"], dJ2)["grads"]
    for name, expected in ref["grads_accumulated"].items():
        mine = got["grads_accumulated"].get(name)
        if (p := _problem(name, mine, expected, case)):
            if _problem(name, mine, second[name], case) is None:
                return f"{name}: backward replaced self.grads instead of adding to it (+=)"
            return p
    for name, expected in ref["grads_cleared"].items():
        if (p := _problem(name, got["grads_cleared"].get(name), expected, case)):
            return f"after clear_grad_and_cache, {p}"
    return None


def _judge(check, combos, student) -> Verdict:
    """Every combination is a case: one that crashes or is wrong costs that case only."""
    return judge_cases([(f"(f={f} g={g} loss={loss})",
                         lambda i=i, combo=(f, g, loss): check(student, SEED + i, combo))
                        for i, (f, g, loss) in enumerate(combos)], "combinations")


@weight(2)
@number("4a")
@visibility("after_due_date")
def test_forward(student, grade):
    """Q4a: forward, for every f and g"""
    verdict = _judge(_forward, [c for c in routines.COMBOS if c[2] == "mse"], student)
    case = routines.make_case(SEED, *routines.COMBOS[0])
    args = (case["sizes"], case["f"], case["g"], case["params"], case["x"])
    try:  # both probes before either reply is used
        replies = [student.run(routines.forward, "mlp", *args) for _ in range(2)]
        varies = not np.array_equal(replies[0]["y_hat"], replies[1]["y_hat"])
    except (Incorrect, Undecided):  # that combination's failure is counted in the verdict
        varies = False
    if varies:
        grade(Verdict.wrong("the same input gave different outputs: forward should not use "
                            "random numbers"))
    grade(verdict)


@weight(4)
@number("4b")
@visibility("after_due_date")
def test_backward(student, grade):
    """Q4b: backward, for every f, g and loss"""
    grade(_judge(_backward, routines.COMBOS, student))


@weight(1)
@number("4c")
@visibility("after_due_date")
def test_accumulate_and_clear(student, grade):
    """Q4c: gradients accumulate over backward calls and clear_grad_and_cache zeroes them"""
    grade(_judge(_accumulation, routines.COMBOS[:3], student))


def _losses(student, loss, pairs):
    replies = [student.run(routines.loss_values, "mlp", loss, y, y_hat) for y, y_hat in pairs]
    problems = []
    for got, (y, y_hat) in zip(replies, pairs):
        ref = routines.loss_values(REF_MLP, loss, y, y_hat)
        for key in ("J", "dJdy_hat"):
            if (p := compare(key, got[key], ref[key], batch=y.size)):
                problems.append(p)
    return Verdict.wrong(f"{loss}_loss: " + "; ".join(dict.fromkeys(problems))) if problems \
        else Verdict.right()


@weight(1)
@number("4d")
@visibility("after_due_date")
def test_mse_loss(student, grade):
    """Q4d: mse_loss, its value and gradient"""
    rng = np.random.default_rng(SEED)
    grade(_losses(student, "mse", [(rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
                                  (rng.standard_normal((1, 1)), rng.standard_normal((1, 1)))]))


@weight(1)
@number("4e")
@visibility("after_due_date")
def test_bce_loss(student, grade):
    """Q4e: bce_loss, its value and gradient (targets 0/1 and soft, predictions near 0 and 1)"""
    rng = np.random.default_rng(SEED + 1)
    hard = rng.integers(0, 2, (5, 2)).astype(float)
    near_edges = np.where(hard == 1, 1 - 1e-6, 1e-6)
    grade(_losses(student, "bce", [(hard, rng.uniform(0.05, 0.95, (5, 2))),
                                  (rng.uniform(0, 1, (3, 4)), rng.uniform(0.05, 0.95, (3, 4))),
                                  (hard, near_edges), (1 - hard, np.clip(near_edges, 0.3, 0.7))]))


@weight(1)
@number("4f")
@visibility("after_due_date")
def test_training(student, grade):
    """Q4f: a few gradient-descent steps with your gradients lower the risk"""
    case = routines.make_case(SEED + 99, "relu", "identity", "mse")
    args = (case["sizes"], "relu", "identity", case["params"], case["x"], case["y"], 20, 0.05)
    trained = student.run(routines.train, "mlp", *args)["params"]
    # the risk is the grader's own: the reference's forward pass and loss on your parameters
    risks = [routines.risk(REF_MLP, case["sizes"], "relu", "identity", params, case["x"],
                           case["y"]) for params in (case["params"], trained)]
    correct = routines.risk(REF_MLP, case["sizes"], "relu", "identity",
                            routines.train(REF_MLP, *args)["params"], case["x"], case["y"])
    if not np.all(np.isfinite(risks)):
        grade(Verdict.wrong("the risk became NaN or infinite while training"))
    if not risks[1] < 0.9 * risks[0]:
        grade(Verdict.wrong(f"20 steps did not lower the risk enough: from {risks[0]:.4g} to "
                            f"{risks[1]:.4g}, where correct gradients reach {correct:.4g}"))
    grade(Verdict.right())
