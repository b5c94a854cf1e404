"""Drive a student's MNIST notebook (the seed-001 interface: globals ``weights`` and ``biases``,
``feed_forward_sample``, ``train_one_sample``), returning plain arrays.  Layouts are the
student's own; the grader converts them.  Every parameter and sample a check depends on comes
from the grader, and the grader counts the samples: nothing here reads a clock."""
import numpy as np


def params(nb):
    """The notebook's weights and biases, as float arrays in its own layout."""
    return {"weights": [np.array(w, dtype=float) for w in nb.weights],
            "biases": [np.array(b, dtype=float) for b in nb.biases]}


def set_params(nb, weights, biases):
    """Put canonical parameters ((n_in, n_out) weights, flat biases) into the notebook's own
    arrays, in its own layout: in place where it can, so aliases (``w1 = weights[0]``) see
    them too."""
    transposed = _transposed(nb)
    for store, values in ((nb.weights, [np.asarray(w, dtype=float).T if transposed else
                                        np.asarray(w, dtype=float) for w in weights]),
                          (nb.biases, [np.asarray(b, dtype=float) for b in biases])):
        for i, value in enumerate(values):
            target = store[i]
            if isinstance(target, np.ndarray) and target.size == value.size \
                    and target.flags.writeable and target.dtype.kind == "f":
                target[...] = value.reshape(target.shape)
            else:
                store[i] = value.reshape(np.shape(target)).astype(np.asarray(target).dtype)


def _transposed(nb):
    """The notebook stores (n_out, n_in) weights (decided by the 784-wide first layer)."""
    return np.shape(nb.weights[0])[0] != 784


def forward(nb, weights, biases, samples, labels):
    """feed_forward_sample on each (image, label) with the given parameters: each loss and
    each one-hot guess, as the notebook returned them."""
    set_params(nb, weights, biases)
    losses, guesses = [], []
    for sample, label in zip(samples, labels):
        loss, one_hot = nb.feed_forward_sample(np.array(sample).reshape(-1), int(label))
        losses.append(np.array(loss, dtype=float))
        guesses.append(np.array(one_hot, dtype=float))
    return {"losses": losses, "guesses": guesses}


def update(nb, weights, biases, samples, labels, learning_rate):
    """For each (image, label): one train_one_sample step from the given parameters, and the
    parameters it leaves, in the notebook's layout."""
    after = []
    for sample, label in zip(samples, labels):
        set_params(nb, weights, biases)
        nb.train_one_sample(np.array(sample).reshape(-1), int(label), learning_rate)
        after.append(params(nb))
    return after


def train(nb, weights, biases, samples, labels, learning_rate):
    """train_one_sample on every (image, label) in order, from the given start; the
    parameters it ends with."""
    set_params(nb, weights, biases)
    for sample, label in zip(samples, labels):
        nb.train_one_sample(np.array(sample).reshape(-1), int(label), learning_rate)
    return params(nb)
