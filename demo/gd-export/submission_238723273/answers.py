import numpy as np
import sympy as sp

a, b, eta, w1, w2 = sp.symbols("a b eta w1 w2", positive=True)
L = (a*w1**2 + b*w2**2) / 2
q1a = (sp.diff(L, w1), sp.diff(L, w2))
q1b = (0, 0)
q1c = tuple(sp.expand(w - eta*g) / w for w, g in zip((w1, w2), q1a))
q1d = sp.Interval.open(0, 2/sp.Max(a, b))
q1e = (2/(a + b), (a - b)/(a + b))

R = 13*w1**2 - 10*w1*w2 + 4*w1 + 2*w2**2 - 2*w2 + 1
critical = sp.solve([sp.diff(R, w1), sp.diff(R, w2)], [w1, w2])
q2a = (critical[w1], critical[w2])
q2b = 2/max(sp.hessian(R, (w1, w2)).eigenvals())


def gd_distances(eta, epochs):
    H = np.array([[26.0, -10.0], [-10.0, 4.0]])
    w_star = np.linalg.solve(H, [-4.0, 2.0])
    w = np.zeros(2)
    dist = np.zeros(epochs)
    for t in range(epochs):
        w = w - eta*(H @ w + np.array([4.0, -2.0]))
        dist[t] = np.linalg.norm(w - w_star)
    return dist
