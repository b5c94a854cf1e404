import numpy as np

q1a = ("a*w1", "b*w2")
q1b = (0, 0)
q1c = ("1 - a*eta", "1 - b*eta")
q1d = "0 <= eta < 2/min(a, b)"
q1e = ("2/(a+b)", "(b - a)/(a + b)")
q2a = (3, 1)
q2b = "2/(15 - sqrt(221))"


def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        w = w - eta*np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
        out.append(np.linalg.norm(w - w_star))
    return np.array(out)
