"""``tf.keras.datasets.mnist.load_data()``: the same arrays Keras returns, from local files."""


def load_data(path="mnist.npz"):
    from autograder.mnist import load
    return load("train"), load("test")
