import numpy as np

# as in my write-up
q1a = ("a w1", "b w2")
q1b = ("w1* = 0", "w2* = 0")
q1c = ("ρ1 = 1 - η*a", "ρ2 = 1 - η*b")
q1d = "0 < η < min(2/a, 2/b)"
q1e = ("η* = 2/(a+b)", "rate = 1 - 2b/(a+b) = (a-b)/(a+b)")
q2a = "w* = (1, 3)"
q2b = "η < 0.067"


def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    distances = []
    for epoch in range(epochs):
        w1, w2 = w
        w = w - eta*np.array([26*w1 - 10*w2 + 4, -10*w1 + 4*w2 - 2])
        distances.append(np.linalg.norm(w - w_star))
    return distances
