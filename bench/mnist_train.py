"""How fast the reference MNIST networks (reference/mnist/network.py) train, measured in one run.

1. The "relu" network of seed 002 §4 (784-512-10, squared error), trained by `train_minibatch`
   with RELU_RECIPE for 1, 2, ... epochs (each a fresh run from the same seed) until its test
   accuracy reaches 97%: seconds and test accuracy of every run.
2. The vectorised trainer against seed 001's per-sample loop on the same data, the first N
   training images (N = 10000; 2000 with --quick): one pass of `train_per_sample` (the
   baseline), then one epoch of `train_minibatch("sigmoid", ...)` with SIGMOID_RECIPE's batch
   size and learning rate.  Prints both times, the speed-up, and both test accuracies.

BLAS runs single-threaded unless OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) says otherwise: with
batches of 16 to 32 images, threads gain little, and on a shared machine they can make the
matrix products several times slower.  --quick also trains the relu network on N images only.

    AUTOGRADER_MNIST=path/to/mnist .venv/bin/python bench/mnist_train.py [--quick]
"""
from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):  # before NumPy loads its BLAS
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from autograder.mnist import load  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reference" / "mnist"))
import network  # noqa: E402

TARGET = 0.97  # seed 002 §4: 97% test accuracy within 5 epochs
PER_SAMPLE_RATE = 0.003  # seed 001's learning rate


def timed(action):
    """(seconds, result) of calling action()."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2000 images instead of 10000 "
                        "for the comparison, and the relu network trained on them only")
    quick = parser.parse_args().quick
    n = 2000 if quick else 10_000
    (x_train, y_train), (x_test, y_test) = load("train"), load("test")
    threads = os.environ["OPENBLAS_NUM_THREADS"]

    relu_x, relu_y = (x_train[:n], y_train[:n]) if quick else (x_train, y_train)
    recipe = dict(network.RELU_RECIPE)
    max_epochs = recipe.pop("epochs")
    print(f"relu 784-{recipe['hidden']}-10, {len(relu_x)} training images, batch "
          f"{recipe['batch_size']}, learning rate {recipe['learning_rate']}, "
          f"BLAS threads {threads}:")
    for epochs in range(1, max_epochs + 1):
        seconds, (weights, biases) = timed(lambda: network.train_minibatch(
            "relu", relu_x, relu_y, epochs, seed=0, **recipe))
        accuracy = network.accuracy(weights, biases, x_test, y_test, arch="relu")
        print(f"  {epochs} epoch(s): {seconds:6.2f} s, test accuracy {accuracy:.2%}")
        if accuracy >= TARGET:
            break
    else:
        print(f"  did not reach {TARGET:.0%} in {max_epochs} epochs")

    x, y = x_train[:n], y_train[:n]
    weights, biases = network.init_params(np.random.default_rng(0))
    per_sample, _ = timed(lambda: network.train_per_sample(weights, biases, x, y,
                                                          PER_SAMPLE_RATE))
    per_sample_accuracy = network.accuracy(weights, biases, x_test, y_test)
    batch_size, learning_rate = (network.SIGMOID_RECIPE[key]
                                 for key in ("batch_size", "learning_rate"))
    vectorised, (weights, biases) = timed(lambda: network.train_minibatch(
        "sigmoid", x, y, 1, batch_size, learning_rate, seed=0))
    vectorised_accuracy = network.accuracy(weights, biases, x_test, y_test)
    print(f"sigmoid 784-32-32-10, one pass over the first {n} training images:")
    rows = [(f"per-sample loop, learning rate {PER_SAMPLE_RATE}", per_sample, per_sample_accuracy),
            (f"mini-batch {batch_size}, learning rate {learning_rate}", vectorised,
             vectorised_accuracy)]
    width = max(len(label) for label, _, _ in rows)
    for label, seconds, accuracy in rows:
        print(f"  {label:<{width}} {seconds:6.2f} s, test accuracy {accuracy:.2%}")
    print(f"  speed-up: {per_sample / vectorised:.1f}x")


if __name__ == "__main__":
    main()
