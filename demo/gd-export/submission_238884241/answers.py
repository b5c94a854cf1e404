# pasted from my PDF
import numpy as np

q1a = ("a·w₁", "b·w₂")
q1b = ("0", "0")
q1c = ("1 − ηa", "1 − ηb")
q1d = "η ∈ (0, 2/max(a, b))"
q1e = ("2/(a + b)", "(a − b)/(a + b)")
q2a = ("1", "3")
q2b = "2/(15 + √221)"


def gd_distances(eta, epochs):
    w = np.zeros(2)
    d = []
    for t in range(epochs):
        g = np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
        w -= eta*g
        d.append(np.linalg.norm(w - [1, 3]))
    return np.array(d)
