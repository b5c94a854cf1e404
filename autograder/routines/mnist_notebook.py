"""Drive a student's MNIST notebook (the seed-001 interface: globals ``weights`` and ``biases``,
``feed_forward_sample``, ``train_one_sample``), returning plain arrays.  Layouts are the
student's own; the grader converts them."""
import time

import numpy as np


def params(nb):
    """The notebook's weights and biases, as float arrays in its own layout."""
    return {"weights": [np.array(w, dtype=float) for w in nb.weights],
            "biases": [np.array(b, dtype=float) for b in nb.biases]}


def forward(nb, samples, labels):
    """feed_forward_sample on each (image, label): the losses and the guessed classes."""
    losses, guesses = [], []
    for sample, label in zip(samples, labels):
        loss, one_hot = nb.feed_forward_sample(np.array(sample).reshape(-1), int(label))
        losses.append(float(np.sum(loss)))
        guesses.append(int(np.argmax(one_hot)))
    return {"losses": np.array(losses), "guesses": np.array(guesses, dtype=float)}


def set_params(nb, weights, biases):
    """Put canonical parameters ((n_in, n_out) weights, flat biases) into the notebook's own
    arrays, in its own layout."""
    for i, (w, b) in enumerate(zip(weights, biases)):
        w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
        target = np.asarray(nb.weights[i])
        new = w if target.shape == w.shape and not _transposed(nb) else w.T
        nb.weights[i] = new.reshape(target.shape).astype(target.dtype, copy=True)
        nb.biases[i] = b.reshape(np.shape(nb.biases[i])).astype(np.asarray(nb.biases[i]).dtype)


def _transposed(nb):
    """The notebook stores (n_out, n_in) weights (decided by the 784-wide first layer)."""
    return np.shape(nb.weights[0])[0] != 784


def update(nb, weights, biases, sample, label, learning_rate):
    """One train_one_sample step from the given parameters: (after - before) / learning_rate
    per layer, in the notebook's layout."""
    set_params(nb, weights, biases)
    before = params(nb)
    nb.train_one_sample(np.array(sample).reshape(-1), int(label), learning_rate=learning_rate)
    after = params(nb)
    return {"weights": [(a - b) / learning_rate for a, b in zip(after["weights"],
                                                                 before["weights"])],
            "biases": [(a - b) / learning_rate for a, b in zip(after["biases"],
                                                                before["biases"])]}


def train(nb, weights, biases, count, seconds):
    """train_one_sample over the first ``count`` training images in order, from the given
    start, for at most ``seconds``; the final parameters and how many samples were used."""
    from autograder.mnist import load  # the public data, loaded here rather than sent
    samples, labels = load("train")
    set_params(nb, weights, biases)
    deadline, used = time.monotonic() + seconds, 0
    for sample, label in zip(samples[:count].astype(float), labels[:count]):
        if time.monotonic() > deadline:
            break
        nb.train_one_sample(np.array(sample).reshape(-1), int(label))
        used += 1
    return {**params(nb), "used": used}
