#!/usr/bin/env python3
"""Writes problems/*.json (and the *.npy files beside them) from closed forms.

Each family has two halves:
  * `data_*`: the problem statement (expressions, parameters, start), built
    from small deterministic data;
  * `closed_*`: the analytic solution computed from the *parameters as
    stored in the file* (so verify_expected.py can recompute it from a file
    alone), in multiprecision (mpmath, 40 digits) wherever a root or a
    linear solve is involved.

Multipliers follow the contract: L = f - sum(lambda_i g_i), g_i = lhs - rhs,
lambda_i = d f*/d rhs_i for the objective as written (minimize or maximize).

Usage: python benches/peers/make_problems.py [OUTDIR]   (default: problems/)
"""

from __future__ import annotations

import json
import math
import os
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def F(v) -> float:
    return float(v)


def flist(v) -> list:
    return [float(t) for t in v]


def mvec(a) -> mp.matrix:
    return mp.matrix([mp.mpf(float(t)) for t in np.ravel(a)])


def mmat(A) -> mp.matrix:
    A = np.asarray(A, dtype=float)
    M = mp.matrix(A.shape[0], A.shape[1])
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            M[i, j] = mp.mpf(float(A[i, j]))
    return M


def p(params, name):
    """A parameter as numpy (number, list, matrix or the loaded npy array)."""
    return np.asarray(params[name], dtype=float)


# ---------------------------------------------------------------------------
# Small problems
# ---------------------------------------------------------------------------

def budget():
    prob = {
        "name": "budget",
        "description": (
            "Maximize x*y on the line x + y = 10 (the seed's budget problem). On the line y = 10 - x "
            "the objective is 10x - x^2, concave, with its maximum at x = y = 5, f* = 25. "
            "Lagrange: grad f = (y, x) = lambda * (1, 1) gives x = y, so x = y = 5 and lambda = 5. "
            "Sensitivity: with rhs c, f*(c) = c^2/4 and d f*/dc = c/2 = 5 = lambda."),
        "variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 2.0}],
        "maximize": "x * y",
        "constraints": ["x + y = 10"],
    }
    return prob, None


def closed_budget(params):
    return {"objective": 25.0, "x": {"x": 5.0, "y": 5.0}, "multipliers": [5.0]}


def seed_tangent_contours():
    prob = {
        "name": "seed_tangent_contours",
        "description": (
            "The seed tutorial's picture of Lagrange multipliers: maximize f(x, y) on the curve g(x, y) = 0, "
            "where the answer is the largest contour level c in {7, 8, 9, 10, 11} whose contour f = c still "
            "meets the curve, and there the contour touches it tangentially (grad f parallel to grad g). "
            "Here f = 12 - (x-2)^2 - (y-2)^2, so the contour f = c is the circle of radius sqrt(12 - c) about "
            "(2, 2), and the constraint is the circle x^2 + y^2 = 2 (radius sqrt(2) about the origin). The "
            "centres are 2*sqrt(2) apart, so the contour f = c meets the constraint iff sqrt(12 - c) >= "
            "2*sqrt(2) - sqrt(2) = sqrt(2), i.e. c <= 10: the levels 7, 8, 9 cross the constraint twice, "
            "c = 10 touches it at (1, 1), c = 11 misses it. Lagrange: grad f = (2(2-x), 2(2-y)) = "
            "lambda * (2x, 2y) at (1, 1) gives lambda = 1, f* = 10. Sensitivity: with rhs r the nearest "
            "point is at radius sqrt(r), f*(r) = 12 - (2*sqrt(2) - sqrt(r))^2, d f*/dr = (2*sqrt(2) - "
            "sqrt(r))/sqrt(r) = 1 at r = 2. (The far point (-1, -1), f = -6, is the constrained minimum.)"),
        "variables": [{"name": "x", "start": 1.5}, {"name": "y", "start": 0.5}],
        "maximize": "12 - (x - 2)^2 - (y - 2)^2",
        "constraints": [{"name": "circle", "equation": "x^2 + y^2 = 2"}],
    }
    return prob, None


def closed_seed_tangent_contours(params):
    return {"objective": 10.0, "x": {"x": 1.0, "y": 1.0}, "multipliers": [1.0]}


def nearest_plane():
    prob = {
        "name": "nearest_plane",
        "description": (
            "Nearest point to p on the plane a.x = b in R^3: minimize |x - p|^2. Lagrange: 2(x - p) = "
            "lambda*a, so x = p + (lambda/2) a; substituting into a.x = b gives lambda = 2(b - a.p)/|a|^2, "
            "x* = p + (b - a.p)/|a|^2 * a, f* = (b - a.p)^2/|a|^2 (the squared distance). With p = (1, 2, 3), "
            "a = (1, -2, 2), b = 12: a.p = 3, |a|^2 = 9, x* = (2, 0, 5), f* = 9, lambda = 2 = d f*/db."),
        "variables": [{"name": "x", "size": 3, "start": 0.0}],
        "parameters": {"p": [1.0, 2.0, 3.0], "a": [1.0, -2.0, 2.0], "b": 12.0},
        "minimize": "dot(x - p, x - p)",
        "constraints": [{"name": "plane", "equation": "dot(a, x) = b"}],
    }
    return prob, None


def closed_nearest_plane(params):
    pp, a, b = mvec(p(params, "p")), mvec(p(params, "a")), mp.mpf(F(params["b"]))
    aa = sum(t * t for t in a)
    ap = sum(s * t for s, t in zip(a, pp))
    x = [pi + (b - ap) / aa * ai for pi, ai in zip(pp, a)]
    return {"objective": F((b - ap) ** 2 / aa), "x": {"x": flist(x)}, "multipliers": [F(2 * (b - ap) / aa)]}


def nearest_sphere():
    prob = {
        "name": "nearest_sphere",
        "description": (
            "Nearest point to p = (2, 3, 6) (|p| = 7) on the sphere x^2 + y^2 + z^2 = 4 (radius r = 2): "
            "minimize (x-2)^2 + (y-3)^2 + (z-6)^2. Lagrange: 2(X - p) = lambda * 2X gives X = p/(1 - lambda), "
            "parallel to p; the nearer of the two candidates is X* = r p/|p| = (4/7, 6/7, 12/7) with "
            "lambda = 1 - |p|/r = -5/2 and f* = (|p| - r)^2 = 25 (the antipode -r p/|p| is the farthest "
            "point, a maximum). Sensitivity: with rhs R = r^2, f*(R) = (7 - sqrt(R))^2, d f*/dR = "
            "-(7 - sqrt(R))/sqrt(R) = -5/2 at R = 4. Start in the positive octant."),
        "variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 1.0}, {"name": "z", "start": 1.0}],
        "minimize": "(x - 2)^2 + (y - 3)^2 + (z - 6)^2",
        "constraints": [{"name": "sphere", "equation": "x^2 + y^2 + z^2 = 4"}],
    }
    return prob, None


def closed_nearest_sphere(params):
    r = 2
    return {"objective": 25.0, "x": {"x": 4 / 7, "y": 6 / 7, "z": 12 / 7}, "multipliers": [F(1 - mp.mpf(7) / r)]}


def nearest_ellipse():
    prob = {
        "name": "nearest_ellipse",
        "description": (
            "Nearest point to (u, v) = (3, 2) on the ellipse x^2/a^2 + y^2/b^2 = 1 with a = 2, b = 1: "
            "minimize (x-u)^2 + (y-v)^2. Lagrange: 2(x-u) = lambda*2x/a^2, 2(y-v) = lambda*2y/b^2, so "
            "x = u a^2/(a^2 - lambda), y = v b^2/(b^2 - lambda), and the constraint becomes the secular "
            "equation u^2 a^2/(a^2-lambda)^2 + v^2 b^2/(b^2-lambda)^2 = 1, whose left side increases from 0 "
            "to infinity on lambda < b^2: its unique root there (lambda < 0 since the point is outside) is "
            "the nearest point, found by 1-D root finding at 40 digits (mpmath). lambda = d f*/d rhs "
            "(rhs 1 of the ellipse equation) by the envelope theorem."),
        "variables": [{"name": "x", "start": 1.5}, {"name": "y", "start": 0.5}],
        "parameters": {"u": 3.0, "v": 2.0, "a": 2.0, "b": 1.0},
        "minimize": "(x - u)^2 + (y - v)^2",
        "constraints": ["x^2 / a^2 + y^2 / b^2 = 1"],
    }
    return prob, None


def closed_nearest_ellipse(params):
    u, v, a, b = (mp.mpf(F(params[k])) for k in ("u", "v", "a", "b"))
    phi = lambda lam: u**2 * a**2 / (a**2 - lam) ** 2 + v**2 * b**2 / (b**2 - lam) ** 2 - 1  # noqa: E731
    lo, hi = mp.mpf(-100), mp.mpf(0)
    lam = mp.findroot(phi, (lo, hi), solver="anderson")
    lam = mp.findroot(phi, lam)  # polish with secant/Newton at full precision
    x = u * a**2 / (a**2 - lam)
    y = v * b**2 / (b**2 - lam)
    return {"objective": F((x - u) ** 2 + (y - v) ** 2), "x": {"x": F(x), "y": F(y)}, "multipliers": [F(lam)]}


def rectangle_in_ellipse():
    prob = {
        "name": "rectangle_in_ellipse",
        "description": (
            "Largest axis-parallel rectangle inscribed in the ellipse x^2/9 + y^2/4 = 1, corner (x, y) in "
            "the first quadrant: maximize 4xy. Lagrange: 4y = lambda*2x/9, 4x = lambda*2y/4, so x^2/9 = "
            "y^2/4 = 1/2: x = 3/sqrt(2), y = sqrt(2), area 2ab = 12, lambda = 18y/x = 12. Sensitivity: "
            "with rhs s the ellipse scales by sqrt(s), the area 2ab*s, so d f*/ds = 2ab = 12."),
        "variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 1.0}],
        "maximize": "4 * x * y",
        "constraints": ["x^2 / 9 + y^2 / 4 = 1"],
    }
    return prob, None


def closed_rectangle_in_ellipse(params):
    return {"objective": 12.0, "x": {"x": 3 / math.sqrt(2), "y": math.sqrt(2)}, "multipliers": [12.0]}


def largest_box():
    prob = {
        "name": "largest_box",
        "description": (
            "Largest box of surface area S = 24: maximize xyz subject to 2(xy + yz + zx) = S. Lagrange: "
            "yz = 2 lambda (y + z), xz = 2 lambda (x + z), xy = 2 lambda (x + y); subtracting pairs gives "
            "x = y = z, the cube of side sqrt(S/6) = 2, volume (S/6)^(3/2) = 8, lambda = yz/(2(y+z)) = 1/2. "
            "Sensitivity: d/dS (S/6)^(3/2) = sqrt(S/6)/4 = 1/2."),
        "variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 1.5}, {"name": "z", "start": 2.0}],
        "parameters": {"S": 24.0},
        "maximize": "x * y * z",
        "constraints": [{"name": "surface", "equation": "2 * (x*y + y*z + z*x) = S"}],
    }
    return prob, None


def closed_largest_box(params):
    S = mp.mpf(F(params["S"]))
    s = mp.sqrt(S / 6)
    return {"objective": F(s**3), "x": {"x": F(s), "y": F(s), "z": F(s)}, "multipliers": [F(s / 4)]}


def cobb_douglas():
    prob = {
        "name": "cobb_douglas",
        "description": (
            "Cobb-Douglas utility with a budget: maximize x^alpha y^(1-alpha) subject to px*x + py*y = I, "
            "alpha = 0.3, px = 2, py = 5, I = 100. Lagrange: alpha U/x = lambda px and (1-alpha) U/y = "
            "lambda py; adding x*(first) + y*(second) gives U = lambda I, so x = alpha I/px = 15, "
            "y = (1-alpha) I/py = 14 (constant budget shares), U* = 15^0.3 14^0.7, lambda = U*/I (the "
            "marginal utility of income: U* is homogeneous of degree 1 in I)."),
        "variables": [{"name": "x", "start": 10.0}, {"name": "y", "start": 10.0}],
        "parameters": {"alpha": 0.3, "px": 2.0, "py": 5.0, "income": 100.0},
        "maximize": "x^alpha * y^(1 - alpha)",
        "constraints": [{"name": "budget", "equation": "px * x + py * y = income"}],
    }
    return prob, None


def closed_cobb_douglas(params):
    al, px, py, I = (mp.mpf(F(params[k])) for k in ("alpha", "px", "py", "income"))
    x, y = al * I / px, (1 - al) * I / py
    U = x**al * y ** (1 - al)
    return {"objective": F(U), "x": {"x": F(x), "y": F(y)}, "multipliers": [F(U / I)]}


def gibbs(E, mu):
    """Maximum entropy p on levels E with mean mu: p_i = exp(-beta E_i)/Z.
    Returns (beta, logZ, p) at mp precision; beta from 1-D root finding."""
    E = [mp.mpf(F(t)) for t in E]
    mu = mp.mpf(F(mu))
    Emin = min(E)

    def mean(beta):
        w = [mp.exp(-beta * (t - Emin)) for t in E]
        return sum(t * wi for t, wi in zip(E, w)) / sum(w) - mu

    beta = mp.findroot(mean, (mp.mpf(-200), mp.mpf(200)), solver="anderson")
    beta = mp.findroot(mean, beta)
    w = [mp.exp(-beta * (t - Emin)) for t in E]
    Zs = sum(w)
    logZ = mp.log(Zs) - beta * Emin
    p = [wi / Zs for wi in w]
    return beta, logZ, p


def entropy_dice():
    prob = {
        "name": "entropy_dice",
        "description": (
            "Maximum entropy with a mean constraint (Jaynes' Brandeis dice): a die whose mean roll is 4.5; "
            "maximize H = -sum(p log p) subject to sum(p) = 1 and sum(k p) = 4.5, k = 1..6. Lagrange: "
            "-log p_k - 1 = lambda_norm + lambda_mean * k, so p_k = exp(-beta k)/Z (Gibbs distribution) with "
            "beta = lambda_mean and lambda_norm = log Z - 1; beta solves the 1-D equation "
            "sum(k e^{-beta k})/sum(e^{-beta k}) = 4.5 (root found at 40 digits with mpmath; beta < 0 since "
            "4.5 > 3.5). H* = log Z + beta*mu, and d H*/d mu = beta as the multiplier says."),
        "variables": [{"name": "p", "size": 6, "start": 1.0 / 6.0}],
        "parameters": {"k": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "mu": 4.5},
        "maximize": "-sum(p * log(p))",
        "constraints": [
            {"name": "normalization", "equation": "sum(p) = 1"},
            {"name": "mean", "equation": "dot(k, p) = mu"},
        ],
    }
    return prob, None


def closed_entropy(params, E="k", mu="mu"):
    beta, logZ, pr = gibbs(p(params, E), F(params[mu]))
    H = -sum(t * mp.log(t) for t in pr)
    return {"objective": F(H), "x": {"p": flist(pr)}, "multipliers": [F(logZ - 1), F(beta)]}


def closed_entropy_dice(params):
    return closed_entropy(params)


SIGMA5 = None


def sigma5():
    vol = np.array([0.20, 0.15, 0.25, 0.10, 0.30])
    corr = np.array([
        [1.0, 0.3, 0.2, 0.1, 0.25],
        [0.3, 1.0, 0.35, 0.15, 0.2],
        [0.2, 0.35, 1.0, 0.05, 0.4],
        [0.1, 0.15, 0.05, 1.0, 0.1],
        [0.25, 0.2, 0.4, 0.1, 1.0],
    ])
    return np.round(np.outer(vol, vol) * corr, 6)


def portfolio_target():
    S = sigma5()
    prob = {
        "name": "portfolio_target",
        "description": (
            "Minimum-variance portfolio with a target return (Markowitz): minimize w' Sigma w subject to "
            "sum(w) = 1 and mu'w = r, five assets, short sales allowed. Lagrange: 2 Sigma w = lambda_1 1 + "
            "lambda_2 mu, so w = Sigma^-1 [1 mu] (lambda/2); with M = [1 mu]' Sigma^-1 [1 mu] (2x2), "
            "lambda = 2 M^-1 (1, r) and w = Sigma^-1 [1 mu] M^-1 (1, r), variance (1, r) M^-1 (1, r)'. "
            "Computed with 40-digit linear solves (mpmath). lambda_2 = d var*/dr is the slope of the "
            "efficient frontier."),
        "variables": [{"name": "w", "size": 5, "start": 0.2}],
        "parameters": {"Sigma": S.tolist(), "mu": [0.08, 0.06, 0.10, 0.04, 0.12], "r": 0.09},
        "minimize": "dot(w, Sigma @ w)",
        "constraints": [
            {"name": "budget", "equation": "sum(w) = 1"},
            {"name": "target", "equation": "dot(mu, w) = r"},
        ],
    }
    return prob, None


def _markowitz(solve_sigma, mu, r, n):
    """w, variance, multipliers for min w'Sigma w st 1'w = 1, mu'w = r (mu None: budget only)."""
    one = mp.matrix([1] * n)
    a = solve_sigma(one)
    if mu is None:
        s = sum(a)
        w = a / s
        return w, 1 / s, [2 / s]
    b = solve_sigma(mu)
    M = mp.matrix([[sum(a), sum(b)], [sum(mu[i] * a[i] for i in range(n)), sum(mu[i] * b[i] for i in range(n))]])
    c = mp.lu_solve(M, mp.matrix([1, r]))
    w = a * c[0] + b * c[1]
    var = c[0] * 1 + c[1] * r
    return w, var, [2 * c[0], 2 * c[1]]


def closed_portfolio_target(params):
    S = mmat(p(params, "Sigma"))
    mu = mvec(p(params, "mu"))
    n = S.rows
    w, var, lam = _markowitz(lambda v: mp.lu_solve(S, v), mu, mp.mpf(F(params["r"])), n)
    return {"objective": F(var), "x": {"w": flist(w)}, "multipliers": [F(t) for t in lam]}


def portfolio_global():
    S = sigma5()
    prob = {
        "name": "portfolio_global",
        "description": (
            "Global minimum-variance portfolio: minimize w' Sigma w subject to sum(w) = 1 (same five-asset "
            "Sigma as portfolio_target). Lagrange: 2 Sigma w = lambda 1, so w = Sigma^-1 1 / (1' Sigma^-1 1), "
            "variance 1/(1' Sigma^-1 1), lambda = 2/(1' Sigma^-1 1) (= d var*/d rhs: the variance scales "
            "as the square of the budget). 40-digit linear solve."),
        "variables": [{"name": "w", "size": 5, "start": [0.3, 0.3, 0.1, 0.2, 0.1]}],
        "parameters": {"Sigma": S.tolist()},
        "minimize": "dot(w, Sigma @ w)",
        "constraints": ["sum(w) = 1"],
    }
    return prob, None


def closed_portfolio_global(params):
    S = mmat(p(params, "Sigma"))
    w, var, lam = _markowitz(lambda v: mp.lu_solve(S, v), None, None, S.rows)
    return {"objective": F(var), "x": {"w": flist(w)}, "multipliers": [F(lam[0])]}


A4 = [[4.0, 1.0, -2.0, 2.0], [1.0, 2.0, 0.0, 1.0], [-2.0, 0.0, 3.0, -2.0], [2.0, 1.0, -2.0, -1.0]]


def _eig_sym(A):
    E, Q = mp.eigsy(mmat(A))
    order = sorted(range(len(E)), key=lambda i: E[i])
    return [E[i] for i in order], [Q[:, i] for i in order]


def rayleigh_small():
    E, Q = _eig_sym(A4)
    v = Q[0]
    s = 1 if v[0] >= 0 else -1
    start = [round(F(s * t), 1) for t in v]
    prob = {
        "name": "rayleigh_small",
        "description": (
            "Rayleigh quotient: minimize x'Ax subject to x'x = 1 for a symmetric 4x4 A. Lagrange: "
            "2Ax = lambda 2x, so every unit eigenvector is a critical point with f = lambda; the minimum is "
            "the smallest eigenvalue with its eigenvector (sign fixed by the start, which is that "
            "eigenvector rounded to one decimal; the other eigenvectors are saddles/maximum). f* scales "
            "with the rhs s as lambda_min*s, so d f*/ds = lambda_min. Reference: mpmath eigsy at 40 digits."),
        "variables": [{"name": "x", "size": 4, "start": start}],
        "parameters": {"A": A4},
        "minimize": "dot(x, A @ x)",
        "constraints": [{"name": "unit", "equation": "dot(x, x) = 1"}],
    }
    return prob, None


def _signed(v, start):
    d = sum(F(a) * b for a, b in zip(v, start))
    return [-t for t in v] if d < 0 else list(v)


def closed_rayleigh_small(params, start=None):
    E, Q = _eig_sym(p(params, "A"))
    v = _signed(Q[0], start)
    return {"objective": F(E[0]), "x": {"x": flist(v)}, "multipliers": [F(E[0])]}


B3 = [[2.0, -1.0, 0.5], [-1.0, 3.0, 1.0], [0.5, 1.0, 1.5]]


def rayleigh_max():
    E, Q = _eig_sym(B3)
    v = Q[-1]
    s = 1 if v[1] >= 0 else -1
    start = [round(F(s * t), 1) for t in v]
    prob = {
        "name": "rayleigh_max",
        "description": (
            "Largest eigenvalue as a maximum: maximize x'Bx subject to norm(x) = 1 for a symmetric 3x3 B. "
            "Lagrange with g = norm(x) - 1: 2Bx = lambda x/|x|, so at |x| = 1, Bx = (lambda/2) x: x is the "
            "eigenvector of the largest eigenvalue mu_max (sign from the start, the eigenvector rounded to "
            "one decimal), f* = mu_max and lambda = 2 mu_max. Sensitivity: with rhs rho, f* = mu_max rho^2, "
            "d f*/d rho = 2 mu_max. Reference: mpmath eigsy at 40 digits."),
        "variables": [{"name": "x", "size": 3, "start": start}],
        "parameters": {"B": B3},
        "maximize": "dot(x, B @ x)",
        "constraints": ["norm(x) = 1"],
    }
    return prob, None


def closed_rayleigh_max(params, start=None):
    E, Q = _eig_sym(p(params, "B"))
    v = _signed(Q[-1], start)
    return {"objective": F(E[-1]), "x": {"x": flist(v)}, "multipliers": [F(2 * E[-1])]}


def eq_least_squares():
    rng = np.random.default_rng(7)
    A = np.round(rng.normal(size=(6, 4)), 3)
    b = np.round(rng.normal(size=6), 3)
    C = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 2.0, 0.0]])
    d = np.array([1.0, 0.5])
    prob = {
        "name": "eq_least_squares",
        "description": (
            "Equality-constrained least squares: minimize |Ax - b|^2 subject to Cx = d (A 6x4, C 2x4, one "
            "vector equation of two rows). Lagrange: 2A'(Ax - b) = C' lambda and Cx = d, i.e. the linear KKT "
            "system [2A'A  C'; C  0] [x; -lambda] = [2A'b; d], solved once at 40 digits (mpmath). "
            "lambda = d f*/d d (one multiplier per row)."),
        "variables": [{"name": "x", "size": 4, "start": 0.0}],
        "parameters": {"A": A.tolist(), "b": b.tolist(), "C": C.tolist(), "d": d.tolist()},
        "minimize": "sum((A @ x - b)^2)",
        "constraints": [{"name": "rows", "equation": "C @ x = d"}],
    }
    return prob, None


def closed_eq_least_squares(params):
    A, b, C, d = mmat(p(params, "A")), mvec(p(params, "b")), mmat(p(params, "C")), mvec(p(params, "d"))
    n, m = A.cols, C.rows
    K = mp.matrix(n + m, n + m)
    AtA = A.T * A
    for i in range(n):
        for j in range(n):
            K[i, j] = 2 * AtA[i, j]
        for j in range(m):
            K[i, n + j] = C[j, i]
            K[n + j, i] = C[j, i]
    rhs = mp.matrix(n + m, 1)
    Atb = A.T * b
    for i in range(n):
        rhs[i] = 2 * Atb[i]
    for j in range(m):
        rhs[n + j] = d[j]
    sol = mp.lu_solve(K, rhs)
    x = sol[:n]
    r = A * mp.matrix(list(x)) - b
    return {"objective": F(sum(t * t for t in r)), "x": {"x": flist(x)},
            "multipliers": [[F(-sol[n + j]) for j in range(m)]]}


def cylinder_plane():
    prob = {
        "name": "cylinder_plane",
        "description": (
            "Two constraints (a textbook example): maximize x + 2y + 3z on the intersection of the plane "
            "x - y + z = 1 and the cylinder x^2 + y^2 = 1 (an ellipse). Eliminating z = 1 - x + y gives "
            "f = 3 - 2x + 5y on the unit circle, maximal at (x, y) = (-2, 5)/sqrt(29): z = 1 + 7/sqrt(29), "
            "f* = 3 + sqrt(29). Lagrange: (1, 2, 3) = lambda_1 (1, -1, 1) + lambda_2 (2x, 2y, 0) gives "
            "lambda_1 = 3 (the z-component) and lambda_2 = -1/x = sqrt(29)/2. Sensitivities: raising the "
            "plane's rhs by t raises z by t (df = 3t); the cylinder x^2 + y^2 = s gives f* = 3 + "
            "sqrt(29 s), derivative sqrt(29)/2 at s = 1."),
        "variables": [{"name": "x", "start": 0.0}, {"name": "y", "start": 1.0}, {"name": "z", "start": 2.0}],
        "maximize": "x + 2*y + 3*z",
        "constraints": ["x - y + z = 1", {"name": "cylinder", "equation": "x^2 + y^2 = 1"}],
    }
    return prob, None


def closed_cylinder_plane(params):
    s = mp.sqrt(29)
    return {"objective": F(3 + s), "x": {"x": F(-2 / s), "y": F(5 / s), "z": F(1 + 7 / s)},
            "multipliers": [3.0, F(s / 2)]}


# ---------------------------------------------------------------------------
# Hanging chain
# ---------------------------------------------------------------------------

def chain_discrete(N, h, span, dy):
    """Exact discrete optimum of the chain (see the description). Returns a dict
    of mp values: T, V0, x, y nodes, f, multipliers."""
    N = int(N)
    h, span, dy = mp.mpf(F(h)), mp.mpf(F(span)), mp.mpf(F(dy))
    w = h  # weight of a link (unit mass per length, unit gravity)

    def sums(T, V0):
        sx = sy = mp.mpf(0)
        for k in range(N):
            V = V0 - k * w
            r = mp.sqrt(T * T + V * V)
            sx += h * T / r
            sy += -h * V / r
        return sx, sy

    # start the 2-D Newton from the continuous catenary's horizontal tension
    # (c, for unit weight per length) and the equal-height vertical force
    c0 = catenary(N * h, span, dy)[0]
    V00 = w * (N - 1) / 2 + dy * c0 / span
    sol = mp.findroot(lambda T, V0: [sums(T, V0)[0] - span, sums(T, V0)[1] - dy], (c0, V00))
    T, V0 = sol[0], sol[1]
    xs, ys = [mp.mpf(0)], [mp.mpf(0)]
    lam = []
    for k in range(N):
        V = V0 - k * w
        r = mp.sqrt(T * T + V * V)
        dxk, dyk = h * T / r, -h * V / r
        xs.append(xs[-1] + dxk)
        ys.append(ys[-1] + dyk)
        lam.append(-T / (2 * dxk))
    f = w / 2 * sum(ys[k] + ys[k + 1] for k in range(N))
    VN1 = V0 - (N - 1) * w
    return {"T": T, "V0": V0, "x": xs, "y": ys, "f": f, "links": lam,
            "left_x": -T, "left_y": w / 2 + V0, "right_x": T, "right_y": w / 2 - VN1}


def catenary(L, span, dy):
    """Continuous catenary y = c cosh((x - xm)/c) + k through (0,0), (span, dy), length L."""
    L, span, dy = mp.mpf(L), mp.mpf(span), mp.mpf(dy)

    def eqs(c, xm):
        return [c * (mp.sinh((span - xm) / c) - mp.sinh(-xm / c)) - L,
                c * (mp.cosh((span - xm) / c) - mp.cosh(-xm / c)) - dy]

    c, xm = mp.findroot(eqs, (mp.mpf(0.3), span / 2))
    k = -c * mp.cosh(-xm / c)
    y = lambda x: c * mp.cosh((x - xm) / c) + k  # noqa: E731
    # potential energy: int y ds = int y cosh((x-xm)/c) dx
    pe = mp.quad(lambda x: y(x) * mp.cosh((x - xm) / c), [0, xm, span])
    return c, xm, k, y, pe


def hanging_chain(N, dy, name):
    L, span = 1.5, 1.0
    h = L / N
    ks = np.arange(N + 1)
    xs = (ks / N * span).round(6)
    ys = (-0.6 * np.sin(np.pi * ks / N) + dy * ks / N).round(6)
    sol = chain_discrete(N, h, span, dy)
    c, xm, kc, ycat, pe = catenary(L, span, dy)
    dev = max(abs(sol["y"][i] - ycat(sol["x"][i])) for i in range(N + 1))
    ymin = min(sol["y"])
    prob = {
        "name": name,
        "description": (
            f"Discretized hanging chain: N = {N} rigid links of length h = L/N (L = 1.5) between fixed "
            f"ends (0, 0) and (1, {dy:g}); node positions (x_k, y_k), k = 0..N, are the variables. Minimize the "
            "potential energy of links of weight h (unit mass per length and gravity), each weight at its "
            "midpoint: f = h * sum((y[1:] + y[:-1]) / 2), subject to the four end conditions (scalar "
            "equations) and the vector equation (x[1:]-x[:-1])^2 + (y[1:]-y[:-1])^2 = h^2 (N constraints). "
            "Exact discrete solution: stationarity at the nodes gives, with H = 2 lambda_k dx_k and V_k = "
            "2 lambda_k dy_k, H constant and V_k = V_0 - k h, so link k points along (T, -V_k)/sqrt(T^2 + "
            "V_k^2) with T = -H > 0: dx_k = h T/sqrt(T^2+V_k^2), dy_k = -h V_k/sqrt(T^2+V_k^2); the two "
            "numbers T, V_0 solve sum dx_k = 1, sum dy_k = dy (2-D Newton at 40 digits, mpmath). "
            f"Here T = {F(sol['T']):.12g}, V_0 = {F(sol['V0']):.12g}. Multipliers: links lambda_k = "
            "-T/(2 dx_k) < 0 (a longer link lowers the chain), ends: x_0: -T, y_0: h/2 + V_0, x_N: T, "
            "y_N: h/2 - V_{N-1}. Catenary comparison: the continuous chain of the same length is "
            f"y = c cosh((x - x_m)/c) + k with c = {F(c):.10g}, x_m = {F(xm):.10g}; its potential energy "
            f"int y ds = {F(pe):.10g} vs the discrete {F(sol['f']):.10g}, lowest point {F(min(ycat(xm), 0)):.8g} vs "
            f"the lowest node {F(ymin):.8g}, and the nodes lie within {F(dev):.3g} of the catenary (the "
            "discrepancy is O(h^2)). Start: a sine-shaped sag, not feasible."),
        "variables": [{"name": "x", "size": N + 1, "start": xs.tolist()},
                      {"name": "y", "size": N + 1, "start": ys.tolist()}],
        "parameters": {"h": h, "span": span, "dy": dy},
        "minimize": "h * sum(y[1:] + y[:-1]) / 2",
        "constraints": [
            {"name": "left_x", "equation": "x[0] = 0"},
            "y[0] = 0",
            {"name": "right_x", "equation": "x[-1] = span"},
            {"name": "right_y", "equation": "y[-1] = dy"},
            {"name": "links", "equation": "(x[1:] - x[:-1])^2 + (y[1:] - y[:-1])^2 = h^2"},
        ],
        "options": {"tolerance": 1e-10, "max_iterations": 200},
    }
    return prob, None


def closed_hanging_chain(params, N):
    sol = chain_discrete(N, F(params["h"]), F(params["span"]), F(params["dy"]))
    return {"objective": F(sol["f"]), "x": {"x": flist(sol["x"]), "y": flist(sol["y"])},
            "multipliers": [F(sol["left_x"]), F(sol["left_y"]), F(sol["right_x"]), F(sol["right_y"]),
                            flist(sol["links"])]}


# ---------------------------------------------------------------------------
# Vector families (n = 100 and n = 1000)
# ---------------------------------------------------------------------------

def param_vec(arr, name, n, npy):
    """Inline for n <= 100, an npy file beside the problem otherwise."""
    if n <= 100:
        return np.asarray(arr).tolist(), None
    return {"npy": name}, (name, np.asarray(arr, dtype=np.float64))


def sphere_n(n):
    pvec = np.round(1.0 + np.sin(np.arange(n) * 0.7) * 0.5 + np.arange(n) / n, 6)
    val, npy = param_vec(pvec, f"sphere_{n}_p.npy", n, True)
    prob = {
        "name": f"nearest_sphere_{n}",
        "description": (
            f"Nearest point on the unit sphere in R^{n} to a point p (|p| > 1, entries positive): minimize "
            "sum((x - p)^2) subject to sum(x^2) = 1. Same formula as nearest_sphere: x* = p/|p|, "
            "f* = (|p| - 1)^2, lambda = 1 - |p| (= d f*/d rhs with rhs r^2 = 1). Start: all entries "
            "1/sqrt(n) (on the sphere, in the same orthant as p)."),
        "variables": [{"name": "x", "size": n, "start": 1 / math.sqrt(n)}],
        "parameters": {"p": val},
        "minimize": "sum((x - p)^2)",
        "constraints": [{"name": "sphere", "equation": "sum(x^2) = 1"}],
    }
    return prob, [npy] if npy else None


def closed_sphere_n(params):
    pv = mvec(p(params, "p"))
    nrm = mp.sqrt(sum(t * t for t in pv))
    return {"objective": F((nrm - 1) ** 2), "x": {"x": flist([t / nrm for t in pv])},
            "multipliers": [F(1 - nrm)]}


def rayleigh_tridiag(n):
    j = np.arange(1, n + 1)
    start = j * (n + 1 - j) * 1.0
    start = np.round(start / np.linalg.norm(start), 8)
    prob = {
        "name": f"rayleigh_tridiag_{n}",
        "description": (
            f"Rayleigh quotient of the {n}x{n} matrix tridiag(-1, 2, -1), written without a matrix: "
            "x'Ax = 2 dot(x, x) - 2 dot(x[1:], x[:-1]); minimize it subject to dot(x, x) = 1. The "
            "eigenvalues are 2 - 2 cos(k pi/(n+1)), k = 1..n, with eigenvectors sin(j k pi/(n+1)); the "
            "minimum is k = 1: f* = lambda = 2 - 2 cos(pi/(n+1)), x_j = sqrt(2/(n+1)) sin(j pi/(n+1)). "
            "Start: the parabola j(n+1-j), normalized, whose Rayleigh quotient ~ 10/(n+1)^2 lies between "
            "the two smallest eigenvalues (pi^2 and 4 pi^2 over (n+1)^2), so Newton's reduced Hessian is "
            "positive definite from the start. The gap between the two smallest eigenvalues is tiny for "
            "large n, hence the tighter tolerance."),
        "variables": [{"name": "x", "size": n, "start": start.tolist()}],
        "minimize": "2 * dot(x, x) - 2 * dot(x[1:], x[:-1])",
        "constraints": [{"name": "unit", "equation": "dot(x, x) = 1"}],
        "options": {"tolerance": 1e-11, "max_iterations": 200},
    }
    return prob, None


def closed_rayleigh_tridiag(params, n):
    t = mp.pi / (n + 1)
    lam = 2 - 2 * mp.cos(t)
    c = mp.sqrt(mp.mpf(2) / (n + 1))
    x = [c * mp.sin(j * t) for j in range(1, n + 1)]
    return {"objective": F(lam), "x": {"x": flist(x)}, "multipliers": [F(lam)]}


def entropy_n(n):
    E = np.arange(n) / (n - 1)
    val, npy = param_vec(E, f"entropy_{n}_E.npy", n, True)
    prob = {
        "name": f"entropy_gibbs_{n}",
        "description": (
            f"Maximum entropy on {n} levels E_i = i/(n-1) in [0, 1] with mean energy 0.3: maximize "
            "-sum(p log p) subject to sum(p) = 1 and dot(E, p) = 0.3. As in entropy_dice: p_i = "
            "exp(-beta E_i)/Z (Gibbs), multipliers (log Z - 1, beta), beta from the 1-D equation "
            "<E>_beta = 0.3 solved at 40 digits (mpmath). Start: uniform."),
        "variables": [{"name": "p", "size": n, "start": 1.0 / n}],
        "parameters": {"E": val, "m": 0.3},
        "maximize": "-sum(p * log(p))",
        "constraints": [{"name": "normalization", "equation": "sum(p) = 1"}, "dot(E, p) = m"],
    }
    return prob, [npy] if npy else None


def closed_entropy_n(params):
    return closed_entropy(params, "E", "m")


def portfolio_n(n):
    rng = np.random.default_rng(100 + n)
    k = 3
    Fm = np.round(rng.normal(scale=0.1, size=(k, n)), 5)
    d = np.round(rng.uniform(0.01, 0.05, size=n), 5)
    mu = np.round(rng.uniform(0.02, 0.12, size=n), 5)
    vF, nF = param_vec(Fm, f"portfolio_{n}_F.npy", n, True)
    vd, nd = param_vec(d, f"portfolio_{n}_d.npy", n, True)
    vm, nm = param_vec(mu, f"portfolio_{n}_mu.npy", n, True)
    prob = {
        "name": f"portfolio_factor_{n}",
        "description": (
            f"Minimum-variance portfolio with a target return, {n} assets, covariance of a 3-factor model "
            "Sigma = diag(d) + F'F (F is 3 x n). Written in the sparse form with the factor exposures y as "
            "variables: minimize sum(d * w^2) + dot(y, y) subject to sum(w) = 1, dot(mu, w) = 0.08 and the "
            "vector equation F @ w = y (so w'Sigma w = sum(d w^2) + |F w|^2 at every feasible point, and "
            "the Hessian stays diagonal instead of dense n x n). Same closed form as portfolio_target: "
            "w = Sigma^-1 [1 mu] M^-1 (1, r), lambda = 2 M^-1 (1, r), with Sigma^-1 applied through the "
            "Woodbury identity (diag(d) + F'F)^-1 = D^-1 - D^-1 F'(I + F D^-1 F')^-1 F D^-1 at 40 digits "
            "(mpmath); y = F w, and the exposures' multipliers are -2y (stationarity in y: 2y = -lambda). "
            "Start: equal weights, zero exposures."),
        "variables": [{"name": "w", "size": n, "start": 1.0 / n}, {"name": "y", "size": k, "start": 0.0}],
        "parameters": {"d": vd, "F": vF, "mu": vm, "r": 0.08},
        "minimize": "sum(d * w^2) + dot(y, y)",
        "constraints": [{"name": "budget", "equation": "sum(w) = 1"},
                        {"name": "target", "equation": "dot(mu, w) = r"},
                        {"name": "exposures", "equation": "F @ w = y"}],
    }
    return prob, [t for t in (nF, nd, nm) if t]


def closed_portfolio_n(params):
    d = mvec(p(params, "d"))
    Fm = mmat(p(params, "F"))
    mu = mvec(p(params, "mu"))
    n, k = len(d), Fm.rows
    # Woodbury: (D + F'F)^-1 v = D^-1 v - D^-1 F' (I + F D^-1 F')^-1 F D^-1 v
    FDF = mp.matrix(k, k)
    for a in range(k):
        for b in range(k):
            FDF[a, b] = (1 if a == b else 0) + mp.fsum(Fm[a, i] * Fm[b, i] / d[i] for i in range(n))

    def solve(v):
        Dv = [v[i] / d[i] for i in range(n)]
        t = mp.matrix([mp.fsum(Fm[a, i] * Dv[i] for i in range(n)) for a in range(k)])
        s = mp.lu_solve(FDF, t)
        return mp.matrix([Dv[i] - mp.fsum(Fm[a, i] * s[a] for a in range(k)) / d[i] for i in range(n)])

    w, var, lam = _markowitz(solve, mu, mp.mpf(F(params["r"])), n)
    y = [mp.fsum(Fm[a, i] * w[i] for i in range(n)) for a in range(k)]
    return {"objective": F(var), "x": {"w": flist(w), "y": flist(y)},
            "multipliers": [F(t) for t in lam] + [[F(-2 * t) for t in y]]}


def qp_n(n):
    m = 10
    rng = np.random.default_rng(200 + n)
    A = np.round(rng.normal(size=(m, n)), 4)
    b = np.round(rng.normal(size=m), 4)
    q = np.round(rng.uniform(1.0, 10.0, size=n), 4)
    c = np.round(rng.normal(size=n), 4)
    vA, nA = param_vec(A, f"qp_{n}_A.npy", n, True)
    vq, nq = param_vec(q, f"qp_{n}_q.npy", n, True)
    vc, nc = param_vec(c, f"qp_{n}_c.npy", n, True)
    prob = {
        "name": f"qp_linear_{n}",
        "description": (
            f"Convex quadratic with {m} linear equality constraints, n = {n}: minimize "
            "0.5 sum(q * x^2) - dot(c, x) subject to A @ x = b (A is 10 x n, one vector equation). "
            "Lagrange: Q x - c = A' lambda (Q = diag(q)), so x = Q^-1 (c + A' lambda) and "
            "(A Q^-1 A') lambda = b - A Q^-1 c, a 10x10 solve at 40 digits (mpmath)."),
        "variables": [{"name": "x", "size": n, "start": 0.0}],
        "parameters": {"q": vq, "c": vc, "A": vA, "b": b.tolist()},
        "minimize": "0.5 * sum(q * x^2) - dot(c, x)",
        "constraints": [{"name": "rows", "equation": "A @ x = b"}],
    }
    return prob, [t for t in (nA, nq, nc) if t]


def closed_qp_n(params):
    A = p(params, "A")
    m, n = A.shape
    A = mmat(A)
    q, c, b = mvec(p(params, "q")), mvec(p(params, "c")), mvec(p(params, "b"))
    K = mp.matrix(m, m)
    for i in range(m):
        for j in range(m):
            K[i, j] = mp.fsum(A[i, t] * A[j, t] / q[t] for t in range(n))
    r = mp.matrix([b[i] - mp.fsum(A[i, t] * c[t] / q[t] for t in range(n)) for i in range(m)])
    lam = mp.lu_solve(K, r)
    x = [(c[t] + mp.fsum(A[i, t] * lam[i] for i in range(m))) / q[t] for t in range(n)]
    f = mp.fsum(q[t] * x[t] ** 2 for t in range(n)) / 2 - mp.fsum(c[t] * x[t] for t in range(n))
    return {"objective": F(f), "x": {"x": flist(x)}, "multipliers": [flist(lam)]}


def log_utility_n(n):
    rng = np.random.default_rng(300 + n)
    a = np.round(rng.uniform(0.5, 2.0, size=n), 4)
    price = np.round(rng.uniform(1.0, 5.0, size=n), 4)
    va, na = param_vec(a, f"utility_{n}_a.npy", n, True)
    vp, npr = param_vec(price, f"utility_{n}_price.npy", n, True)
    income = 1000.0
    prob = {
        "name": f"log_utility_{n}",
        "description": (
            f"Cobb-Douglas utility over {n} goods, in log form: maximize dot(a, log(x)) subject to "
            "dot(price, x) = I, I = 1000. Lagrange: a_i/x_i = lambda price_i, and dot(price, x) = I gives "
            "lambda = sum(a)/I and x_i = a_i I/(price_i sum(a)) (budget shares a_i/sum(a), as in "
            "cobb_douglas). Start: the constant bundle I/sum(price), which is feasible."),
        "variables": [{"name": "x", "size": n, "start": round(income / float(np.sum(price)), 6)}],
        "parameters": {"a": va, "price": vp, "income": income},
        "maximize": "dot(a, log(x))",
        "constraints": [{"name": "budget", "equation": "dot(price, x) = income"}],
    }
    return prob, [t for t in (na, npr) if t]


def closed_log_utility_n(params):
    a, pr = mvec(p(params, "a")), mvec(p(params, "price"))
    I = mp.mpf(F(params["income"]))
    sa = mp.fsum(a)
    x = [a[i] * I / (pr[i] * sa) for i in range(len(a))]
    f = mp.fsum(a[i] * mp.log(x[i]) for i in range(len(a)))
    return {"objective": F(f), "x": {"x": flist(x)}, "multipliers": [F(sa / I)]}


# ---------------------------------------------------------------------------

def registry():
    """name -> (builder, closed form taking (params, raw problem))."""
    R = {}

    def add(builder, closed):
        prob, _ = builder() if callable(builder) else builder
        R[prob["name"]] = (builder, closed)

    add(budget, lambda P, raw: closed_budget(P))
    add(seed_tangent_contours, lambda P, raw: closed_seed_tangent_contours(P))
    add(nearest_plane, lambda P, raw: closed_nearest_plane(P))
    add(nearest_sphere, lambda P, raw: closed_nearest_sphere(P))
    add(nearest_ellipse, lambda P, raw: closed_nearest_ellipse(P))
    add(rectangle_in_ellipse, lambda P, raw: closed_rectangle_in_ellipse(P))
    add(largest_box, lambda P, raw: closed_largest_box(P))
    add(cobb_douglas, lambda P, raw: closed_cobb_douglas(P))
    add(entropy_dice, lambda P, raw: closed_entropy_dice(P))
    add(portfolio_target, lambda P, raw: closed_portfolio_target(P))
    add(portfolio_global, lambda P, raw: closed_portfolio_global(P))
    add(rayleigh_small, lambda P, raw: closed_rayleigh_small(P, raw["variables"][0]["start"]))
    add(rayleigh_max, lambda P, raw: closed_rayleigh_max(P, raw["variables"][0]["start"]))
    add(eq_least_squares, lambda P, raw: closed_eq_least_squares(P))
    add(cylinder_plane, lambda P, raw: closed_cylinder_plane(P))
    for N, dy in ((20, 0.0), (100, 0.25)):
        name = f"hanging_chain_{N}"
        R[name] = ((lambda N=N, dy=dy, name=name: hanging_chain(N, dy, name)),
                   (lambda P, raw, N=N: closed_hanging_chain(P, N)))
    for n in (100, 1000):
        R[f"nearest_sphere_{n}"] = ((lambda n=n: sphere_n(n)), lambda P, raw: closed_sphere_n(P))
        R[f"rayleigh_tridiag_{n}"] = ((lambda n=n: rayleigh_tridiag(n)),
                                      (lambda P, raw, n=n: closed_rayleigh_tridiag(P, n)))
        R[f"entropy_gibbs_{n}"] = ((lambda n=n: entropy_n(n)), lambda P, raw: closed_entropy_n(P))
        R[f"portfolio_factor_{n}"] = ((lambda n=n: portfolio_n(n)), lambda P, raw: closed_portfolio_n(P))
        R[f"qp_linear_{n}"] = ((lambda n=n: qp_n(n)), lambda P, raw: closed_qp_n(P))
        R[f"log_utility_{n}"] = ((lambda n=n: log_utility_n(n)), lambda P, raw: closed_log_utility_n(P))
    return R


def load_params(raw: dict, base_dir: str) -> dict:
    out = {}
    for k, v in (raw.get("parameters") or {}).items():
        if isinstance(v, dict):
            out[k] = np.load(os.path.join(base_dir, v["npy"]))
        else:
            out[k] = v
    return out


def closed_form_for(raw: dict, base_dir: str) -> dict:
    """The analytic `expected` values for a problem file's content."""
    R = registry()
    _, closed = R[raw["name"]]
    return closed(load_params(raw, base_dir), raw)


def dumps(obj, indent=0) -> str:
    """JSON with objects indented and arrays of numbers kept on one line."""
    pad = " " * (indent + 2)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {dumps(v, indent + 2)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(obj, list):
        if all(isinstance(t, (int, float)) for t in obj):
            return "[" + ", ".join(json.dumps(t) for t in obj) + "]"
        if all(isinstance(t, list) for t in obj):
            return "[\n" + ",\n".join(pad + dumps(t, indent + 2) for t in obj) + "\n" + " " * indent + "]"
        return "[\n" + ",\n".join(pad + dumps(t, indent + 2) for t in obj) + "\n" + " " * indent + "]"
    return json.dumps(obj)


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(ROOT, "problems")
    os.makedirs(out, exist_ok=True)
    R = registry()
    only = set(argv[2:])
    for name, (builder, closed) in R.items():
        if only and name not in only:
            continue
        prob, npys = builder()
        for fn, arr in npys or []:
            np.save(os.path.join(out, fn), arr)
        exp = closed(load_params(prob, out), prob)
        exp["tolerance"] = 1e-6
        prob["expected"] = exp
        path = os.path.join(out, f"{name}.json")
        with open(path, "w") as fh:
            fh.write(dumps(prob) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
