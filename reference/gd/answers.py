"""Reference solution of assignment `gd` (instructors only), in the submission format."""
import numpy as np

# Q1: L(w) = 1/2 (a w1^2 + b w2^2), with a, b > 0.
q1a = ("a*w1", "b*w2")                  # gradient
q1b = (0, 0)                            # minimiser w*
q1c = ("1 - eta*a", "1 - eta*b")        # rho_1, rho_2
q1d = "0 < eta < 2/max(a, b)"           # GD converges exactly for these eta
q1e = ("2/(a + b)", "(a - b)/(a + b)")  # best eta and its rate, for a >= b

# Q2: R(w) = 13 w1^2 - 10 w1 w2 + 4 w1 + 2 w2^2 - 2 w2 + 1.
q2a = (1, 3)                            # critical point (a minimum)
q2b = "2/(15 + sqrt(221))"              # 2 / lambda_max of the Hessian [[26, -10], [-10, 4]]


def gd_distances(eta, epochs):
    """Distances ||w(t) - w*|| after each of `epochs` GD steps on R, from w(0) = 0."""
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    distances = np.zeros(epochs)
    for t in range(epochs):
        gradient = np.array([26 * w[0] - 10 * w[1] + 4, -10 * w[0] + 4 * w[1] - 2])
        w = w - eta * gradient
        distances[t] = np.linalg.norm(w - w_star)
    return distances
