"""Correctness of `mnist` (instructors only: needs reference/mnist).

The notebook's functions are driven in the sandbox on hidden samples; layouts ((784, 32) or
(32, 784) weights; (n,), (1, n), (n, 1) or scalar biases; lists or dicts) are the student's
choice, so behaviour is graded, not layout.  Shown after the due date.
"""
import functools

import numpy as np

from autograder.api import Incorrect, Verdict, compare, load_reference, number
from autograder.mnist import load
from autograder.routines import mnist_notebook as drive

NET = load_reference("mnist", "network")
SIZES = [(784, 32), (32, 32), (32, 10)]
RNG_SEED = 4242


def canonical(params):
    """(n_in, n_out) weights and flat biases from the notebook's layout; a layout that is not
    the network's is wrong."""
    weights, biases = params["weights"], params["biases"]
    if len(weights) != 3 or len(biases) != 3:
        raise Incorrect("weights and biases should each hold 3 layers")
    transposed = np.shape(weights[0]) == (32, 784)
    out_w, out_b = [], []
    for i, ((n_in, n_out), w, b) in enumerate(zip(SIZES, weights, biases)):
        w = np.asarray(w).T if transposed else np.asarray(w)
        if w.shape != (n_in, n_out):
            raise Incorrect(f"layer {i + 1}: weights of shape {np.shape(weights[i])}; expected "
                            f"({n_in}, {n_out}) or ({n_out}, {n_in}), the same way for all "
                            f"layers")
        if np.ndim(b) == 0:  # one number for the whole layer (`biases = [0, 0, 0]`)
            b = np.full(n_out, float(b))
        if np.size(b) != n_out or max(np.shape(b), default=1) != n_out:
            raise Incorrect(f"layer {i + 1}: biases of shape {np.shape(b)}; expected "
                            f"({n_out},), (1, {n_out}) or ({n_out}, 1)")
        out_w.append(w)
        out_b.append(np.asarray(b).reshape(-1))
    return out_w, out_b


def _drive(student, routine, *args):
    """Run a driver routine on the notebook; what the notebook does not answer is wrong."""
    reply = student.run(routine, "__main__", *args)
    if isinstance(reply, dict) and "not_answered" in reply:
        raise Incorrect(f"{reply['not_answered']}.")
    return reply


def _samples(count, split="test", seed=RNG_SEED):
    x, y = load(split)
    index = np.random.default_rng(seed).choice(len(y), count, replace=False)
    return x[index].astype(float), y[index]


def _start(seed, bias_scale=0.0):
    """Parameters the grader chooses; non-zero biases make forgotten biases show."""
    rng = np.random.default_rng(seed)
    weights, biases = NET.init_params(rng)
    return weights, [b + bias_scale * rng.standard_normal(b.shape) for b in biases]


@number("1")
def test_initialisation(student, grade):
    """Q1: initialisation: shapes and variance 1/max(n_in, n_out)"""
    weights, biases = canonical(_drive(student, drive.params))
    problems, nonzero = [], []
    for i, ((n_in, n_out), w, b) in enumerate(zip(SIZES, weights, biases)):
        if not np.all(np.isfinite(b)):
            problems.append(f"layer {i + 1}: the biases are not finite numbers")
        elif np.any(b != 0):
            nonzero.append(f"layer {i + 1} (mean {b.mean():.3g}, standard deviation "
                           f"{b.std():.3g})")
        variance, n = 1 / max(n_in, n_out), w.size
        # six standard errors either way: a correct initialisation fails with odds < 1e-8
        if abs(w.mean()) > 6 * np.sqrt(variance / n):
            problems.append(f"layer {i + 1}: the weights should have mean 0")
        if abs(w.var() / variance - 1) > 6 * np.sqrt(2 / (n - 1)):
            problems.append(f"layer {i + 1}: the weights' variance is {w.var():.3g}; it should "
                            f"be 1/max(n_in, n_out)")
    # the handout states the weights' distribution only; zero biases are a suggestion
    note = (f"Note: the biases start non-zero in {', '.join(nonzero)}; the handout suggests "
            f"zero biases but does not require them, so no points are taken."
            if nonzero else "")
    grade(Verdict.wrong("\n".join(problems + [note]).strip()) if problems
          else Verdict.right(note))


@number("2")
def test_forward(student, grade):
    """Q2: feed_forward_sample: loss and prediction on hidden samples, with given parameters"""
    weights, biases = _start(RNG_SEED + 2, bias_scale=0.1)
    x, y = _samples(20)
    got = _drive(student, drive.forward, weights, biases, x, y)
    reference = [NET.forward_sample(weights, biases, s.reshape(-1), int(label))
                 for s, label in zip(x, y)]
    losses = np.array([np.sum(loss) for loss in got["losses"]])
    guesses = np.array([np.argmax(guess) for guess in got["guesses"]], dtype=float)
    problems = [v.message for v in (
        compare("the loss", losses, np.array([r[0] for r in reference]), rtol=1e-4),
        compare("the predicted class", guesses,
                np.array([np.argmax(r[1]) for r in reference], dtype=float))) if not v.passed]
    grade(Verdict.wrong("; ".join(problems) + " (with parameters the grader chose)")
          if problems else Verdict.right())


@number("3")
def test_backprop(student, grade):
    """Q3: train_one_sample moves every layer by −learning_rate × the gradient"""
    weights, biases = _start(RNG_SEED, bias_scale=0.1)
    x, y = _samples(3, "train")
    rate = 1e-6
    moved = _drive(student, drive.update, weights, biases, x, y, rate)
    problems = []
    for after, sample, label in zip(moved, x, y):
        params = canonical(after)
        grad_w, grad_b = NET.gradients(weights, biases, sample.reshape(-1), int(label))
        for i in range(3):
            for name, got, start, true in (
                    (f"layer {i + 1} weights", params[0][i], weights[i], -grad_w[i]),
                    (f"layer {i + 1} biases", params[1][i], biases[i], -grad_b[i])):
                verdict = compare(name, (got - start) / rate, true, rtol=2e-3, atol=1e-6)
                if not verdict.passed:
                    problems.append(verdict.message)
        if problems:
            break
    if problems:
        grade(Verdict.wrong("the update is not −learning_rate × the gradient of the loss:\n"
                            + "\n".join(problems)))
    grade(Verdict.right())


CHUNKS, CHUNK = 10, 20   # 200 training samples, sent 20 at a time
LEARNING_RATE = 0.003    # the handout's
OTHER_RATE = 0.001       # train_one_epoch must pass on the rate it is given
# Raw-pixel sigmoid training is chaotic: rounding differences grow to 20% of the parameters'
# change within 300 samples.  So each chunk starts where the reference's trajectory is, and
# 20 steps from there correct code (float32 too) strays by at most 0.2% of the change; every
# broken backprop tried, and updating a layer before propagating through it, strays by 30%
# or more in some chunk.
TRAJECTORY_RTOL = 0.02


def _trajectory(weights, biases, samples, labels, rate, update_first=False):
    """The reference's parameters at the start and after each chunk of samples, one SGD
    step per sample in order."""
    states = [(weights, biases)]
    for k in range(0, len(samples), CHUNK):
        w, b = [x.copy() for x in states[-1][0]], [x.copy() for x in states[-1][1]]
        NET.train_per_sample(w, b, samples[k:k + CHUNK], labels[k:k + CHUNK], rate,
                             update_first)
        states.append((w, b))
    return states


def _strays(got, want, start):
    """The parameters whose change from ``start`` differs from ``want``'s by more than
    TRAJECTORY_RTOL of it, each named."""
    strays = []
    for kind, index in (("weights", 0), ("biases", 1)):
        for i, (g, w, s) in enumerate(zip(got[index], want[index], start[index])):
            diff = np.linalg.norm(g - w)
            off = diff / (np.linalg.norm(w - s) + 1e-12 * np.linalg.norm(w)) if diff else 0.0
            if not off <= TRAJECTORY_RTOL:  # NaN too
                size = f"{off:.0%}" if off < 10 else f"{off:.3g} times"
                strays.append(f"layer {i + 1} {kind} off by {size} of the right change")
    return strays


@functools.cache
def _training_case() -> tuple:
    """Q4's start, samples and labels, and the reference's trajectory through them at the
    handout's rate: the same for every submission, computed once per process."""
    weights, biases = _start(RNG_SEED + 1)
    x, y = load("train")
    samples = x[:CHUNKS * CHUNK].reshape(-1, 784).astype(float)
    labels = y[:CHUNKS * CHUNK]
    return weights, biases, samples, labels, _trajectory(weights, biases, samples, labels,
                                                         LEARNING_RATE)


@number("4")
def test_training(student, grade):
    """Q4: train_one_epoch takes an exact backprop step per sample, in order, at its rate"""
    weights, biases, samples, labels, path = _training_case()
    chunks = [(samples[k:k + CHUNK], labels[k:k + CHUNK]) for k in range(0, len(samples), CHUNK)]
    epochs = [_drive(student, drive.epoch, *path[k], *chunk, LEARNING_RATE)
              for k, chunk in enumerate(chunks)]
    other = _drive(student, drive.epoch, weights, biases, *chunks[0], OTHER_RATE)
    own = _drive(student, drive.train, weights, biases, *chunks[0], LEARNING_RATE)
    for k, reply in enumerate(epochs):
        if (strays := _strays(canonical(reply), path[k + 1], path[k])):
            break
    else:
        if _strays(canonical(other), _trajectory(weights, biases, *chunks[0], OTHER_RATE)[1],
                   path[0]):
            grade(Verdict(2 / 3, f"train_one_epoch trains right at the handout's learning rate "
                                 f"{LEARNING_RATE}, but not at the rate it is given "
                                 f"({OTHER_RATE}): pass its learning_rate on to "
                                 f"train_one_sample."))
        grade(Verdict.right(f"{len(samples)} samples, {CHUNK} per epoch, each an exact "
                            f"backpropagation step, in order."))
        return
    first = canonical(epochs[0])
    if not _strays(first, _trajectory(weights, biases, *chunks[0], LEARNING_RATE,
                                      update_first=True)[1], path[0]):
        grade(Verdict(1 / 3, "train_one_epoch takes a step per sample, in order, but each "
                             "step updates a layer before propagating the gradient back "
                             "through its weights, so the layers below get the gradient of "
                             "the updated weights: compute every gradient first, then update."))
    if not _strays(first, canonical(own), path[0]):
        grade(Verdict.wrong(f"train_one_epoch passes each sample in order through "
                            f"train_one_sample, but its steps are not exact backpropagation "
                            f"(see Q3): after samples {k * CHUNK + 1}–{(k + 1) * CHUNK}, "
                            f"{', '.join(strays)} (from a start the grader chose)."))
    grade(Verdict.wrong(f"train_one_epoch does not take one train_one_sample step per sample "
                        f"it is given, in order, at the given learning rate: after {CHUNK} "
                        f"samples its parameters differ from those of {CHUNK} calls of your "
                        f"train_one_sample."))
