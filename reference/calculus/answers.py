"""Reference solution of assignment `calculus` (instructors only), in the submission format."""

# Q1: f(x) = sin(x1) + 2 x2^2.
q1a = ("cos(x1)", "4*x2")
q1b = (("-pi/2", "0"), "minimum")        # any critical point with its right type is accepted

# Q2: f(x) = v^T x with v = (3, -2).
q2a = ("3", "-2")
q2b = "none"

# Q3: the Jacobian of f(x) = [2 x1^2 + 3 x2 + 5, sin(x3) e^x1]: a row per f_i, a column per x_j.
q3 = [["4*x1", "3", "0"],
      ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3)"]]

# Q4: Jacobians of g(v) = A v and h(v) = v + w.
q4a = "A"
q4b = "I"

# Q5: gradients with respect to the matrix A (same shape as A).
q5a = "v @ v.T"
q5b = "2 * (A @ v) @ v.T"

# Q6: y' = W h' + c, h' = relu(h), h = V x + b, L = ||y - y'||^2 (gradients shaped like the
# variable).  d_yp, d_hp and d_h stand for the gradients of L w.r.t. y', h' and h.
q6a = "2 * (yp - y)"
q6b = "d_yp @ hp.T"
q6c = "d_yp"
q6d = "W.T @ d_yp"
q6e = "(h > 0) * d_hp"
q6f = "d_h @ x.T"
q6g = "d_h"
