"""Correctness of `optim_cnn` (instructors only: needs reference/optim_cnn).

Everything is shown after the due date: the code questions run on the handout's own cases,
whose results are the numeric answers, so earlier feedback would be an answer oracle.  Each
function is judged on the handout's case and on hidden random cases against the reference
(credit is the share of cases right, so hard-coding the handout's numbers earns little).
"""
import functools
import itertools

import numpy as np

from autograder.api import (NOT_ANSWERED, Incorrect, Verdict, as_array, as_number, as_vector,
                            as_whole_numbers, check_array, compare, describe, judge_cases,
                            load_assignment, load_reference, matrix_entries, number)

REF = load_reference("optim_cnn")
ASSIGNMENT = load_assignment("optim_cnn")
NS = ASSIGNMENT.namespace()
SEED = 413

HANDOUT_X, HANDOUT_T = np.array([[2.0, 1.0]]), np.array([2.0])
HANDOUT_I = np.array([[0, 0, 0, 0, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 1, 1, 1, 0],
                      [0, 0, 1, 0, 0]])
HANDOUT_J = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
HANDOUT_NET = [("conv", 3, 1), ("pool", 2), ("conv", 3, 1), ("pool", 2), ("conv", 3, 1)]
HANDOUT_RF = [(5, 1), (2, 2), (5, 1)]

CONVENTION = ("this is the true convolution (the kernel flipped); here I ∗ J is "
              "cross-correlation: slide J over I without flipping it")
RF_PRODUCT = ("the product for layer j runs over the strides of the layers before it (i < j): "
              "a layer's own stride only spreads the layers after it")
RF_STRIDES = ("the strides are missing: each kernel's extra reach is multiplied by the strides "
              "of all layers before it")
INPUT_UNITS = "count the input units as neurons too, as the question says"
BIASES = "count the biases: one per output channel of a conv layer, one per unit of an FC layer"
NOT_MIN_NORM = ("it solves X w = t, but it is not the minimum-norm solution (it has a component "
                "outside the row space of X)")


def _rng(k: int) -> np.random.Generator:
    return np.random.default_rng(SEED + k)


def _systems(k: int, sizes) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random underdetermined systems X w = t (n < d) of the given sizes."""
    rng = _rng(k)
    return [(rng.standard_normal((n, d)), rng.standard_normal(n)) for n, d in sizes]


# --- numeric answers --------------------------------------------------------------------------

def _conv(got: object, I: np.ndarray, J: np.ndarray, what: str) -> Verdict:
    """``got`` as I ∗ J: right, or what is wrong: convention, padding, shape or values."""
    reference, flipped = REF.conv2d(I, J), REF.conv2d(I, J[::-1, ::-1])
    array = as_array(got)
    if array is not None and array.shape == reference.shape and \
            np.allclose(array, flipped) and not np.allclose(flipped, reference):
        return Verdict.wrong(CONVENTION)
    valid = reference.shape[0] - J.shape[0] + 1, reference.shape[1] - J.shape[1] + 1
    if array is not None and array.shape == valid and valid != reference.shape:
        return Verdict.wrong(f"expected shape {reference.shape} (I's shape), got {array.shape}: "
                             f"with zero 'same' padding the output has the input's size")
    return check_array(got, reference, what=what)


def _numeric_matrix(answer: object) -> np.ndarray:
    """A list of rows, an array or matrix text as a float array."""
    if (array := as_array(answer)) is not None:
        return array
    try:
        rows = matrix_entries(answer, NS)
        return np.array([[float(entry) for entry in row] for row in rows])
    except (ValueError, TypeError) as exc:   # ParseError, NotAnswered, a symbolic entry
        raise Incorrect(f"cannot read the matrix: {exc}") from None


@number("6a")
def test_q6a(student, grade):
    answer = student.value("q6a")
    if answer is None:
        grade(Verdict.wrong(NOT_ANSWERED))
    grade(_conv(_numeric_matrix(answer), HANDOUT_I, HANDOUT_J, "I ∗ J"))


# --- code: least squares ----------------------------------------------------------------------

def _solution(w: np.ndarray, X: np.ndarray, t: np.ndarray, tol: float) -> Verdict:
    best = REF.min_norm_solution(X, t)
    if np.linalg.norm(w - best) <= tol * (1 + np.linalg.norm(best)):
        return Verdict.right()
    if np.allclose(X @ w, t, rtol=1e-6, atol=1e-8):
        return Verdict.wrong(NOT_MIN_NORM)
    verdict = compare("w", w, best, rtol=1e-5)
    return Verdict.wrong("X w = t does not hold for the result") if verdict.passed else verdict


def _label(n: int, d: int, i: int) -> str:
    return f"hidden case {i} (n = {n}, d = {d})"


@number("1b")
def test_min_norm_solution(student, grade):
    def case(X, t):
        return lambda: _solution(
            as_vector(student.call("min_norm_solution", X, t, show_args=False), X.shape[1]),
            X, t, 1e-7)
    systems = _systems(1, [(2, 5), (3, 4), (4, 9), (5, 6), (1, 3)])
    grade(judge_cases([("the handout's case", case(HANDOUT_X, HANDOUT_T))] +
                      [(_label(*X.shape, i), case(X, t)) for i, (X, t) in enumerate(systems, 1)]))


def _sgd(student, X, t, batch, eta, steps, seed):
    return student.call("minibatch_sgd", X, t, batch, eta, steps, seed, show_args=False)


def _safe_eta(X: np.ndarray) -> float:
    """A learning rate for which every mini-batch step contracts: η · max ‖x_j‖² = 1/2."""
    return 0.5 / float(np.max(np.sum(X ** 2, axis=1)))


@number("1c")
def test_minibatch_sgd(student, grade):
    systems = _systems(2, [(3, 6), (4, 7), (5, 9)])

    def converges(X, t, batch):
        def check():
            w = as_vector(_sgd(student, X, t, batch, _safe_eta(X), 3000, SEED), X.shape[1])
            return _solution(w, X, t, 1e-6)
        return check

    def one_full_step():
        X, t = systems[0]
        eta, n = _safe_eta(X), len(t)
        w = as_vector(_sgd(student, X, t, n, eta, 1, 0), X.shape[1])
        return compare("w after one step with batch_size = n", w, (2 * eta / n) * X.T @ t,
                       batch=n, rtol=1e-7)

    def one_row_step():
        X, t = systems[1]
        eta = _safe_eta(X)
        w = as_vector(_sgd(student, X, t, 1, eta, 1, 0), X.shape[1])
        if any(np.allclose(w, 2 * eta * t[j] * X[j], rtol=1e-7, atol=1e-12)
               for j in range(len(t))):
            return Verdict.right()
        return Verdict.wrong("one step with batch_size = 1 should move along one row: "
                             "w1 = −η·2·x_jᵀ(x_j w0 − t_j) for the drawn row j")

    def seeded():   # 10 one-row steps on 5 rows: unseeded runs agree with odds 5^-10
        X, t = systems[2]
        replies = [_sgd(student, X, t, 1, _safe_eta(X), 10, seed) for seed in (1, 1, 2, 3, 4)]
        runs = [as_vector(reply, X.shape[1]) for reply in replies]
        if not np.array_equal(runs[0], runs[1]):
            return Verdict.wrong("two runs with the same seed gave different results: draw the "
                                 "batches with np.random.default_rng(seed)")
        if all(np.array_equal(runs[0], r) for r in runs[2:]):
            return Verdict.wrong("the result does not depend on seed: draw the batches with it")
        return Verdict.right()

    grade(judge_cases(
        [("the handout's case (batch_size = 1)", converges(HANDOUT_X, HANDOUT_T, 1))] +
        [(f"{_label(*X.shape, i)}, batch_size = {b}", converges(X, t, b))
         for i, ((X, t), b) in enumerate(zip(systems, (1, 2, 4)), 1)] +
        [("a hidden case with batch_size = n", one_full_step),
         ("a hidden case with batch_size = 1", one_row_step),
         ("hidden cases with different seeds", seeded)]))


def _rmsprop_variant(X, t, eta, beta, eps, steps, *, v0=0.0, average=True, v_first=True,
                     inside=False):
    """RMSProp written another way (the gradient through XᵀX), and its common mistakes."""
    n, d = X.shape
    gram, target = X.T @ X, X.T @ t
    w, v = np.zeros(d), np.full(d, v0)
    for _ in range(steps):
        g = 2 * (gram @ w - target) / n
        old = v
        v = beta * v + (1 - beta) * g * g if average else v + g * g
        scale = np.sqrt((v if v_first else old) + eps) if inside else \
            np.sqrt(v if v_first else old) + eps
        with np.errstate(all="ignore"):
            w = w - eta * g / scale
    return w


RMSPROP_MISTAKES = [
    (dict(v0=1.0), "v must start at 0 (v₋₁ = 0), not at 1"),
    (dict(average=False), "that is AdaGrad's running sum: RMSProp keeps a moving average "
                          "v ← βv + (1 − β)g²"),
    (dict(v_first=False), "update v with the current gradient before taking the step"),
]


def _rmsprop_mistakes(w: np.ndarray, args: tuple) -> str:
    """The messages of the smallest combination of known mistakes that gives ``w`` (seed 004
    makes three at once: v from 1, a running sum, the old v in the step), or ''."""
    for size in range(1, len(RMSPROP_MISTAKES) + 1):
        for combination in itertools.combinations(RMSPROP_MISTAKES, size):
            change = {key: value for c, _ in combination for key, value in c.items()}
            if np.allclose(w, _rmsprop_variant(*args, **change), rtol=1e-6, atol=1e-9):
                messages = [message for _, message in combination]
                return messages[0] if size == 1 else \
                    f"{size} mistakes together: " + "; ".join(messages)
    return ""


@functools.cache
def _rmsprop_cases() -> tuple[tuple[tuple, np.ndarray], ...]:
    """Hidden cases, each with the reference's result, whose result depends neither on
    rounding nor on where ε goes (RMSProp near its limit amplifies rounding): kept only where
    two ways of computing agree.  The last has a zero column, a coordinate without gradient:
    0/(0 + ε) must stay 0.  Computed once per process (a batch's worker: once for the class)."""
    rng, cases = _rng(3), []
    while len(cases) < 5:
        n = int(rng.integers(1, 4))
        X, t = rng.standard_normal((n, n + int(rng.integers(1, 4)))), rng.standard_normal(n)
        if len(cases) == 4:
            X[:, -1] = 0.0
        args = (X, t, float(rng.uniform(0.002, 0.05)), float(rng.uniform(0.8, 0.99)), 1e-8,
                int(rng.integers(10, 60)))
        w = REF.rmsprop(*args)
        if np.allclose(_rmsprop_variant(*args), w, rtol=1e-10, atol=1e-12) and \
                np.allclose(_rmsprop_variant(*args, inside=True), w, rtol=1e-8, atol=1e-10):
            cases.append((args, w))
    handout = (HANDOUT_X, HANDOUT_T, 0.01, 0.9, 1e-8, 1000)
    return ((handout, REF.rmsprop(*handout)), *cases)


@number("2c")
def test_rmsprop(student, grade):
    def case(args, reference):
        def check():
            X = args[0]
            w = as_vector(student.call("rmsprop", *args, show_args=False), X.shape[1])
            if np.allclose(w, reference, rtol=1e-6, atol=1e-9):
                return Verdict.right()
            if mistakes := _rmsprop_mistakes(w, args):
                return Verdict.wrong(mistakes)
            if np.allclose(w, REF.min_norm_solution(X, args[1]), rtol=1e-6, atol=1e-9):
                return Verdict.wrong("this is the minimum-norm solution, where plain gradient "
                                     "descent ends; RMSProp's per-coordinate steps g/(√v + ε) "
                                     "end elsewhere")
            return compare("w", w, reference, batch=len(args[1]), rtol=1e-6, atol=1e-9)
        return check
    (handout, reference), *cases = _rmsprop_cases()
    grade(judge_cases([("the handout's case", case(handout, reference))] +
                      [(_label(*args[0].shape, i), case(args, w))
                       for i, (args, w) in enumerate(cases, 1)]))


@number("4b")
def test_optimal_lr(student, grade):
    def case(X, t, w0):
        def check():
            got = as_number(student.call("optimal_lr", X, t, w0, show_args=False))
            if got is None:
                return Verdict.wrong("expected a number")
            reference, n = REF.optimal_lr(X, t, w0), len(t)
            if np.isclose(got, reference, rtol=1e-6):
                return Verdict.right()
            if n > 1 and np.isclose(got, reference * 2 / n, rtol=1e-6):
                return Verdict.wrong("missing the factor n/2")
            return compare("η*", np.array([got]), np.array([reference]), rtol=1e-6)
        return check
    rng = _rng(4)
    systems = _systems(5, [(2, 4), (3, 5), (4, 8), (6, 7), (2, 3)])
    grade(judge_cases([("the handout's case (w0 = 0)", case(HANDOUT_X, HANDOUT_T, np.zeros(2)))] +
                      [(_label(*X.shape, i), case(X, t, rng.standard_normal(X.shape[1])))
                       for i, (X, t) in enumerate(systems, 1)]))


# --- code: CNNs -------------------------------------------------------------------------------

@number("6b")
def test_conv2d(student, grade):
    def case(I, J):
        I, J = I.astype(float), J.astype(float)
        return lambda: _conv(student.call("conv2d", I, J, show_args=False), I, J, "I ∗ J")
    rng = _rng(6)
    shapes = [((6, 7), (3, 3)), ((5, 5), (5, 5)), ((8, 4), (3, 5)), ((4, 6), (1, 3)),
              ((7, 7), (3, 3))]
    hidden = [(rng.integers(-3, 4, image), rng.integers(-2, 3, kernel))
              for image, kernel in shapes]
    hidden[-1] = (rng.standard_normal((7, 7)), rng.standard_normal((3, 3)))
    grade(judge_cases([("the handout's case", case(HANDOUT_I, HANDOUT_J))] +
                      [(f"hidden case {i} (I {I.shape[0]}×{I.shape[1]}, J "
                        f"{J.shape[0]}×{J.shape[1]})", case(I, J))
                       for i, (I, J) in enumerate(hidden, 1)]))


def _counts(size, layers, *, fc, inputs=True, biases=True, channels=True):
    """(neurons, parameters), and the counts each common mistake gives."""
    side, c_in, neurons, params = size, 1, size * size if inputs else 0, 0
    for layer in layers:
        if layer[0] == "pool":
            side //= layer[1]
            neurons += side * side * c_in
            continue
        _, k, c = layer
        units_in, units_out = side * side * c_in, side * side * c
        if fc:
            params += units_in * units_out + (units_out if biases else 0)
        else:
            params += k * k * (c_in if channels else 1) * c + (c if biases else 0)
        neurons, c_in = neurons + units_out, c
    return neurons, params


def _networks() -> list[tuple[int, list]]:
    """Hidden networks: square inputs, conv layers of various kernels and channels, pools that
    divide the map."""
    rng, nets = _rng(7), []
    for size, depth in ((16, 3), (24, 4), (12, 2), (36, 5), (20, 4)):
        side, layers = size, []
        while len(layers) < depth:
            if layers and layers[-1][0] == "conv" and side % 2 == 0 and rng.random() < 0.5:
                p = 3 if side % 3 == 0 and rng.random() < 0.3 else 2
                layers.append(("pool", p))
                side //= p
            else:
                layers.append(("conv", int(rng.choice([1, 3, 5])), int(rng.integers(1, 5))))
        nets.append((size, layers))
    return nets


def _counts_verdict(student, function: str, fc: bool) -> Verdict:
    reference = REF.fc_counts if fc else REF.cnn_counts

    def case(size, layers):
        def check():
            result = student.call(function, size, layers, show_args=False)
            got, want = as_whole_numbers(result, 2), tuple(reference(size, layers))
            if got is None:
                return Verdict.wrong(f"expected (neurons, parameters), two integers; got "
                                     f"{describe(result)}")
            if got == want:
                return Verdict.right()
            wrong = " and ".join(name for name, g, w in zip(("neurons", "parameters"), got, want)
                                 if g != w)
            for change, message in ((dict(inputs=False), INPUT_UNITS),
                                    (dict(biases=False), BIASES),
                                    (dict(channels=False), "each conv kernel spans all input "
                                                           "channels: k·k·c_in weights")):
                if got == _counts(size, layers, fc=fc, **change):
                    return Verdict.wrong(f"{wrong} wrong: {message}")
            return Verdict.wrong(f"{wrong} wrong")
        return check

    return judge_cases([("the handout's network", case(32, HANDOUT_NET))] +
                       [(f"hidden network {i} ({len(layers)} layers)", case(size, layers))
                        for i, (size, layers) in enumerate(_networks(), 1)])


@number("7b")
def test_cnn_counts(student, grade):
    grade(_counts_verdict(student, "cnn_counts", fc=False))


@number("7c")
def test_fc_counts(student, grade):
    grade(_counts_verdict(student, "fc_counts", fc=True))


@number("8b")
def test_receptive_field(student, grade):
    def case(layers):
        def check():
            whole = as_whole_numbers(student.call("receptive_field", layers, show_args=False), 1)
            if whole is None:
                return Verdict.wrong("expected a whole number")
            got = whole[0]
            if got == REF.receptive_field(layers):
                return Verdict.right()
            strides = [s for _, s in layers]
            own = 1 + sum((k - 1) * int(np.prod(strides[:j + 1])) for j, (k, _) in
                          enumerate(layers))
            if got == own and own != REF.receptive_field(layers):
                return Verdict.wrong(RF_PRODUCT)
            if got == 1 + sum(k - 1 for k, _ in layers):
                return Verdict.wrong(RF_STRIDES)
            return Verdict.wrong("not correct")
        return check
    rng = _rng(8)
    hidden = [[(int(rng.integers(1, 8)), int(rng.integers(1, 4))) for _ in range(depth)]
              for depth in (2, 1, 3, 4, 6)]
    grade(judge_cases([("the handout's layers", case(HANDOUT_RF))] +
                      [(f"hidden stack {i} ({len(layers)} layer{'s' * (len(layers) > 1)})",
                        case(layers))
                       for i, layers in enumerate(hidden, 1)]))
