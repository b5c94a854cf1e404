"""Assignment gd: analysing gradient descent."""
import numpy as np

q1a = ("a*w1", "b*w2")
q1b = (0, 0)
q1c = ("1 - eta*a", "1 - eta*b")
q1d = "0 < eta < 2/max(a, b)"
q1e = ("2/(b + a)", "(a - b)/(b + a)")
q2a = (1, 3)
q2b = "2/(15 + sqrt(221))"


def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        grad = np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
        w = w - eta*grad
        out.append(np.linalg.norm(w - w_star))
    return np.array(out)
