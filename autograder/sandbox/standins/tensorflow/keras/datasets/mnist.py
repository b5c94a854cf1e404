"""``tf.keras.datasets.mnist.load_data()``: the same arrays Keras returns, from the files in
``$AUTOGRADER_MNIST`` (which the grader sets for its child)."""


def load_data(path="mnist.npz"):
    from mnist_idx import load
    return load("train"), load("test")
