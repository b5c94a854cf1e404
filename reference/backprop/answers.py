"""Reference answers of assignment `backprop` (instructors only); the code is in mlp.py."""

# Q1: phi(v) = 1/(1 + exp(-s v)).
q1 = "s * phi * (1 - phi)"

# Q2: shapes for x in R^n, k hidden units, K outputs.
q2 = {"W1": ("k", "n"), "b1": ("k",), "W2": ("K", "k"), "b2": ("K",)}

# Q3: z1 = W1 x + b1, z2 = 5 relu(z1), z3 = W2 z2 + b2, yhat = z3, loss = ||yhat - y||^2,
# in numerator layout (the derivative of an m-vector by an n-vector is m x n).
q3a = "2 * (yhat - y).T"
q3b = "I"
q3c = "5 * diag(z1 > 0)"
q3d = "(dl_dyhat @ dyhat_dz3).T @ z2.T"
q3e = "(dl_dyhat @ dyhat_dz3).T"
q3f = "(dl_dyhat @ dyhat_dz3 @ W2 @ dz2_dz1).T @ x.T"
q3g = "(dl_dyhat @ dyhat_dz3 @ W2 @ dz2_dz1).T"
