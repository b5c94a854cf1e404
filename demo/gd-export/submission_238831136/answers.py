"""Assignment gd: analysing gradient descent."""
import numpy as np

q1a = ("a*w1", "b*w2")
q1b = (0, 0)
q1c = ("1 - eta*a", "1 - eta*b")
q1d = "0 < eta < 2/a"
q1e = None
q2a = None
q2b = None


def gd_distances(eta, epochs):
    raise NotImplementedError
