"""Correctness of `backprop`'s mlp.py (instructors only: needs reference/backprop).

mlp.py is run in the sandbox by the trusted routines of autograder/routines/mlp.py on hidden
random sizes and every f/g/loss combination, and compared with the reference run on the same
inputs.  The derivations in answers.py are closed forms, graded from assignment.toml
(test_closed_forms.py), where the points and visibility of every test are too.
"""
import numpy as np

from autograder.api import (Incorrect, Undecided, Verdict, compare, judge_cases, load_reference,
                            number)
from autograder.routines import mlp as routines

REF_MLP = load_reference("backprop", "mlp")
SEED = 2718  # hidden cases


def _case(seed, combo):
    """One hidden case of ``combo``, with backward's input: the true gradient of the loss at
    the true output, for each of its two batches."""
    case = routines.make_case(seed, *combo)
    network = (case["sizes"], case["f"], case["g"])
    dJ, dJ2 = (routines.loss_gradient(REF_MLP, *network, case["loss"], case["params"], x, y)
               for x, y in ((case["x"], case["y"]), (case["x2"], case["y2"])))
    return case, network, dJ, dJ2


def _compare(name, got, expected, case) -> Verdict:
    return compare(name, got, expected, batch=case["batch"], sizes=case["sizes"])


def _forward(student, seed, combo):
    case = routines.make_case(seed, *combo)
    args = (case["sizes"], case["f"], case["g"], case["params"], case["x"])
    return _compare("y_hat", student.run(routines.forward, "mlp", *args)["y_hat"],
                    routines.forward(REF_MLP, *args)["y_hat"], case)


def _backward(student, seed, combo):
    case, network, dJ, _ = _case(seed, combo)
    args = (*network, case["params"], case["x"], dJ)
    got = student.run(routines.backward, "mlp", *args)["grads"]
    for name, expected in routines.backward(REF_MLP, *args)["grads"].items():
        if not (verdict := _compare(name, got.get(name), expected, case)).passed:
            return verdict
    return Verdict.right()


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
        if not (verdict := _compare(name, mine, expected, case)).passed:
            if _compare(name, mine, second[name], case).passed:
                return Verdict.wrong(f"{name}: backward replaced self.grads instead of adding "
                                     f"to it (+=)")
            return verdict
    for name, expected in ref["grads_cleared"].items():
        verdict = _compare(name, got["grads_cleared"].get(name), expected, case)
        if not verdict.passed:
            return Verdict.wrong(f"after clear_grad_and_cache, {verdict.message}")
    return Verdict.right()


def _judge(check, combos, student) -> Verdict:
    """Every combination is a case: one that crashes or is wrong costs that case only."""
    return judge_cases([(f"(f={f} g={g} loss={loss})",
                         lambda i=i, combo=(f, g, loss): check(student, SEED + i, combo))
                        for i, (f, g, loss) in enumerate(combos)], "combinations")


@number("4a")
def test_forward(student, grade):
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


@number("4b")
def test_backward(student, grade):
    grade(_judge(_backward, routines.COMBOS, student))


@number("4c")
def test_accumulate_and_clear(student, grade):
    grade(_judge(_accumulation, routines.COMBOS[:3], student))


def _losses(student, loss, pairs):
    replies = [student.run(routines.loss_values, "mlp", loss, y, y_hat) for y, y_hat in pairs]
    problems = []
    for got, (y, y_hat) in zip(replies, pairs):
        ref = routines.loss_values(REF_MLP, loss, y, y_hat)
        for key in ("J", "dJdy_hat"):
            if not (verdict := compare(key, got[key], ref[key], batch=y.size)).passed:
                problems.append(verdict.message)
    return Verdict.wrong(f"{loss}_loss: " + "; ".join(dict.fromkeys(problems))) if problems \
        else Verdict.right()


@number("4d")
def test_mse_loss(student, grade):
    rng = np.random.default_rng(SEED)
    grade(_losses(student, "mse", [(rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
                                  (rng.standard_normal((1, 1)), rng.standard_normal((1, 1)))]))


@number("4e")
def test_bce_loss(student, grade):
    rng = np.random.default_rng(SEED + 1)
    hard = rng.integers(0, 2, (5, 2)).astype(float)
    near_edges = np.where(hard == 1, 1 - 1e-6, 1e-6)
    grade(_losses(student, "bce", [(hard, rng.uniform(0.05, 0.95, (5, 2))),
                                  (rng.uniform(0, 1, (3, 4)), rng.uniform(0.05, 0.95, (3, 4))),
                                  (hard, near_edges), (1 - hard, np.clip(near_edges, 0.3, 0.7))]))


@number("4f")
def test_training(student, grade):
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
