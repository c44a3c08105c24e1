#!/usr/bin/env python3
"""Writes the problems/*.json with bounds, inequalities and ranges from
their closed forms (standard library only: exact fractions where the
answer is rational, math.log / math.sqrt otherwise).

Each entry of PROBLEMS is (file dict, perturbations). The file's
`expected` holds the hand-derived answer; the perturbations tell
check_inequality_problems.py how to move each constraint's constant end and
each variable bound, so that it can compare every multiplier with the
central difference of re-solved optimal values.

Multiplier convention (shared/spec/problem-format.md): g = lhs - rhs,
L = f - sum(lambda_i g_i) - sum(z_j x_j), so grad f = J' lambda + z;
lambda_i = d f*/d(the active end), z_j = d f*/d(the active bound), for
minimize and maximize alike (f as written), 0 when inactive.

Usage: python3 benches/peers/make_inequality_problems.py [OUTDIR]
(default: problems/; with OUTDIR, OUTDIR/problems)
"""

from __future__ import annotations

import json
import math
import os
import sys
from fractions import Fraction as Q

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CHECKED = (
    " Checked: lagrange solve with --barrier monotone and --barrier adaptive, and every"
    " multiplier and bound multiplier against the central difference of re-solved optimal"
    " values with the constant end or bound moved by +-1e-4"
    " (benches/peers/check_inequality_problems.py)."
)


def f(v):
    if isinstance(v, (list, tuple)):
        return [f(t) for t in v]
    return float(v)


# A perturbation: (label, kind, target, index, expected path)
#   kind "param": add h to parameters[target] (element `index` when not None)
#   kind "lower"/"upper": add h to the bound of variable `target` (element
#       `index`); a string bound gets " + h" appended
#   expected path: ("multipliers", i[, k]) or ("bound_multipliers", var[, k])


def box_nearest(fixed=False):
    p = [Q(3, 2), Q(-1, 2), Q(3, 10), Q(2)]
    lo, up = 0, [1, 1, 1, None]
    x = [min(max(pi, lo), u if u is not None else pi) for pi, u in zip(p, up)]
    grad = [2 * (xi - pi) for xi, pi in zip(x, p)]
    fstar = sum((xi - pi) ** 2 for xi, pi in zip(x, p)) + (2 - 1) ** 2 * fixed
    z = grad  # no constraints: z = grad f
    t_fixed = 2
    z_t = 2 * (t_fixed - 1)
    doc = {
        "name": "box_nearest_fixed" if fixed else "box_nearest",
        "description": (
            "Closest point in a box (geometry; bounds as a number and as an array with null"
            + (", and a fixed variable" if fixed else "")
            + "): minimize |x - p|^2"
            + (" + (t - 1)^2" if fixed else "")
            + " with p = (1.5, -0.5, 0.3, 2), 0 <= x"
            " (lower: one number for every element), x <= (1, 1, 1, none) (upper: an array with"
            " null)"
            + (", and t fixed at 2 by lower = upper = 2" if fixed else "")
            + ". The problem separates: x*_j = clip(p_j, lower_j, upper_j) = (1, 0, 0.3, 2), f* ="
            " 0.5^2 + 0.5^2 + 0 + 0"
            + (" + 1^2 = 1.5 with t* = 2" if fixed else " = 0.5")
            + ". With no constraints, grad f = z: z_j = 2 (x*_j - p_j) = (-1, 1, 0, 0): x0 sits on"
            " its upper bound 1 and f* = (p0 - u0)^2 falls as u0 rises (z0 = -2(p0 - u0) = -1 < 0,"
            " the right sign for an active upper bound when minimizing); x1 sits on its lower"
            " bound 0 and f* = (l1 - p1)^2 rises with l1 (z1 = 2(l1 - p1) = 1 > 0); x2 and x3 are"
            " interior (z = 0; x3 has no upper bound)."
            + (" The fixed t has z_t = 2(t - 1) = 2 = d f*/d(the fixed value)." if fixed else "")
            + CHECKED
        ),
        "variables": [
            {"name": "x", "size": 4, "start": 0.5, "lower": 0.0, "upper": [1.0, 1.0, 1.0, None]},
        ],
        "parameters": {"p": f(p)},
        "minimize": "dot(x - p, x - p)",
        "expected": {
            "objective": float(fstar),
            "x": {"x": f(x)},
            "bound_multipliers": {"x": f(z)},
            "tolerance": 1e-7,
        },
    }
    if fixed:
        doc["variables"].append({"name": "t", "start": 2.0, "lower": 2.0, "upper": 2.0})
        doc["minimize"] += " + (t - 1)^2"
        doc["expected"]["x"]["t"] = float(t_fixed)
        doc["expected"]["bound_multipliers"]["t"] = float(z_t)
    pert = [
        ("x[0] upper", "upper", "x", 0, ("bound_multipliers", "x", 0)),
        ("x[1] lower", "lower", "x", 1, ("bound_multipliers", "x", 1)),
        ("x[2] upper (inactive)", "upper", "x", 2, ("bound_multipliers", "x", 2)),
        ("x[2] lower (inactive)", "lower", "x", 2, ("bound_multipliers", "x", 2)),
        ("x[3] lower (inactive)", "lower", "x", 3, ("bound_multipliers", "x", 3)),
    ]
    if fixed:
        pert.append(("t fixed value", "fixed", "t", None, ("bound_multipliers", "t")))
    return doc, pert


def disk_nearest():
    # minimize (x-3)^2 + (y-4)^2 s.t. x^2 + y^2 <= r2 (r2 = 1), x - y <= 1 (inactive)
    r2 = 1.0
    px, py = 3.0, 4.0
    d = math.hypot(px, py)
    r = math.sqrt(r2)
    x, y = px * r / d, py * r / d
    fstar = (d - r) ** 2
    lam = -(d - r) / r  # d/dR (d - sqrt R)^2
    doc = {
        "name": "disk_nearest",
        "description": (
            "Closest point of a disk to an outside point (geometry; a nonlinear <= and an inactive"
            " linear <=): minimize (x - 3)^2 + (y - 4)^2 subject to x^2 + y^2 <= R (R = 1) and"
            " x - y <= 1. The point p = (3, 4) is at distance 5 from the origin, outside the disk,"
            " so the disk constraint is active and x* = p sqrt(R)/|p| = (0.6, 0.8), f*(R) ="
            " (5 - sqrt R)^2 = 16. Multiplier: lambda_disk = d f*/dR = -(5 - sqrt R)/sqrt R = -4"
            " (negative: a <= active in a minimization; one more unit of R, the squared radius,"
            " lowers the squared distance by 4 per unit); stationarity 2(x* - p) = (-4.8, -6.4) ="
            " lambda (2x*) with 2x* = (1.2, 1.6). x - y = -0.2 < 1, so the second constraint is"
            " inactive and its multiplier is exactly 0." + CHECKED
        ),
        "variables": [{"name": "x", "start": 0.0}, {"name": "y", "start": 0.0}],
        "parameters": {"p": [px, py], "R": r2, "c": 1.0},
        "minimize": "(x - p[0])^2 + (y - p[1])^2",
        "constraints": [
            {"name": "disk", "equation": "x^2 + y^2 <= R"},
            {"name": "halfplane", "equation": "x - y <= c"},
        ],
        "expected": {
            "objective": fstar,
            "x": {"x": x, "y": y},
            "multipliers": [lam, 0.0],
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("disk R", "param", "R", None, ("multipliers", 0)),
        ("halfplane c (inactive)", "param", "c", None, ("multipliers", 1)),
    ]
    return doc, pert


def production_capacity(tight=False):
    # maximize 10 x + 8 y - x^2 - y^2 s.t. A @ [x, y] <= b, x, y >= 0
    # labour 2x + y <= 8 active, material x + y <= 10 inactive
    lam = Q(12, 5)
    x, y = 5 - lam, 4 - lam / 2
    fstar = 10 * x + 8 * y - x * x - y * y
    assert 2 * x + y == 8 and x + y < 10
    doc = {
        "name": "production_capacity",
        "description": (
            "Production planning with a capacity (economics; vector inequality A @ q <= b with"
            " one row active, one inactive; maximize): a firm makes q = (q0, q1) >= 0 of two"
            " goods with profit 10 q0 + 8 q1 - q0^2 - q1^2 (prices less a rising marginal cost),"
            " subject to labour 2 q0 + q1 <= 8 hours and material q0 + q1 <= 10 units, i.e."
            " A @ q <= b with A = [[2, 1], [1, 1]], b = (8, 10). Unconstrained the firm would"
            " make (5, 4), which needs 14 hours: labour binds. Stationarity grad f = A' lambda:"
            " 10 - 2 q0 = 2 lambda0, 8 - 2 q1 = lambda0, so q = (5 - lambda0, 4 - lambda0/2);"
            " the labour row 2(5 - lambda0) + 4 - lambda0/2 = 8 gives lambda0 = 12/5 = 2.4,"
            " q* = (2.6, 2.8), profit f* = 33.8. Material uses 5.4 < 10 units: lambda1 = 0. The"
            " shadow price of labour is lambda0 = d f*/d b0 = 2.4 > 0 (positive: a <= active in"
            " a maximization): one more hour of capacity is worth 2.4 of profit, so the firm"
            " should pay up to 2.4 for it; the spare material is worth nothing. Both q > 0, so"
            " the bounds are inactive (z = 0)." + CHECKED
        ),
        "variables": [{"name": "q", "size": 2, "start": 1.0, "lower": 0.0}],
        "parameters": {"A": [[2.0, 1.0], [1.0, 1.0]], "b": [8.0, 10.0], "price": [10.0, 8.0]},
        "maximize": "dot(price, q) - dot(q, q)",
        "constraints": [{"name": "capacity", "equation": "A @ q <= b"}],
        "expected": {
            "objective": float(fstar),
            "x": {"q": f([x, y])},
            "multipliers": [f([lam, 0])],
            "bound_multipliers": {"q": [0.0, 0.0]},
            "tolerance": 1e-7,
        },
    }
    if tight:
        doc["name"] = "production_capacity_tight"
        doc["description"] = (
            "production_capacity with options tolerance 1e-12 and barrier adaptive (passes with"
            " --barrier monotone). " + doc["description"]
        )
        doc["options"] = {"tolerance": 1e-12, "barrier": "adaptive"}
        doc["expected"]["tolerance"] = 1e-9
    pert = [
        ("labour b0", "param", "b", 0, ("multipliers", 0, 0)),
        ("material b1 (inactive)", "param", "b", 1, ("multipliers", 0, 1)),
        ("q0 lower (inactive)", "lower", "q", 0, ("bound_multipliers", "q", 0)),
        ("q1 lower (inactive)", "lower", "q", 1, ("bound_multipliers", "q", 1)),
    ]
    return doc, pert


def diet_requirement():
    # minimize c.x + 1/2 |x|^2 s.t. a.x >= r, x >= 0
    c, a, r = [2, 3, 4], [4, 5, 2], 18
    lam = Q(r + 23, 41)  # foods 0 and 1 bought: 41 lam - 23 = r
    x = [max(Q(0), lam * ai - ci) for ai, ci in zip(a, c)]
    assert x[2] == 0 and sum(ai * xi for ai, xi in zip(a, x)) == r
    z = [ci + xi - lam * ai for ai, ci, xi in zip(a, c, x)]
    fstar = sum(ci * xi for ci, xi in zip(c, x)) + Q(1, 2) * sum(xi * xi for xi in x)
    doc = {
        "name": "diet_requirement",
        "description": (
            "Diet problem made strictly convex (economics; a >= requirement and a corner"
            " solution): buy x >= 0 of three foods at unit costs c = (2, 3, 4) with a rising"
            " marginal cost, minimize c.x + |x|^2/2, subject to the nutrient requirement"
            " a.x >= r with nutrient contents a = (4, 5, 2) and r = 18. Stationarity"
            " c + x = lambda a + z gives x_j = max(0, lambda a_j - c_j) with z_j = c_j - lambda"
            " a_j on the foods not bought. Food 2 costs 4/2 = 2 per unit of nutrient, more than"
            " lambda, so it is not bought; with foods 0 and 1, a.x = 4(4 lambda - 2) + 5(5 lambda"
            " - 3) = 41 lambda - 23 = 18 gives lambda = 1, x* = (2, 2, 0), cost f* = 2*2 + 3*2 +"
            " (4 + 4)/2 = 14. lambda = d f*/d r = 1 >= 0 (a >= active in a minimization: one"
            " more unit of required nutrient costs 1 more); z = (0, 0, c2 - lambda a2 = 2) >= 0:"
            " forcing a unit of food 2 into the diet would raise the cost at rate 2 (its lower"
            " bound is active)." + CHECKED
        ),
        "variables": [{"name": "x", "size": 3, "start": 1.0, "lower": 0.0}],
        "parameters": {"c": f(c), "a": f(a), "r": float(r)},
        "minimize": "dot(c, x) + 0.5 * dot(x, x)",
        "constraints": [{"name": "nutrient", "equation": "dot(a, x) >= r"}],
        "expected": {
            "objective": float(fstar),
            "x": {"x": f(x)},
            "multipliers": [float(lam)],
            "bound_multipliers": {"x": f(z)},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("nutrient r", "param", "r", None, ("multipliers", 0)),
        ("x[0] lower (inactive)", "lower", "x", 0, ("bound_multipliers", "x", 0)),
        ("x[2] lower", "lower", "x", 2, ("bound_multipliers", "x", 2)),
    ]
    return doc, pert


def utility_corner():
    # maximize sum a_i log(1 + x_i) s.t. p.x <= I, x >= 0; good 2 at the corner
    a, p, I = [1, 2, 1], [1, 1, 3], 5
    lam = Q(a[0] + a[1], I + p[0] + p[1])  # x_i = a_i/(lam p_i) - 1 for i = 0, 1
    x = [Q(a[0]) / (lam * p[0]) - 1, Q(a[1]) / (lam * p[1]) - 1, Q(0)]
    assert sum(pi * xi for pi, xi in zip(p, x)) == I
    z = [Q(0), Q(0), Q(a[2]) / (1 + x[2]) - lam * p[2]]
    assert z[2] < 0
    fstar = sum(ai * math.log(1 + xi) for ai, xi in zip(a, x))
    doc = {
        "name": "utility_corner",
        "description": (
            "Utility maximization with a budget and nonnegativity, corner solution (economics;"
            " maximize; <= budget; an active lower bound): maximize sum_i a_i log(1 + x_i) with"
            " a = (1, 2, 1), prices p = (1, 1, 3), income I = 5: p.x <= I, x >= 0. Utility"
            " rises with every good, so the budget binds. Stationarity a_i/(1 + x_i) = lambda p_i"
            " + z_i. Good 2's best marginal utility per unit of money is a_2/p_2 = 1/3 (at"
            " x_2 = 0), below the marginal utility of income, so it is not bought: with goods"
            " 0 and 1, x_i = a_i/(lambda p_i) - 1 and the budget 3/lambda - 2 = 5 give lambda ="
            " 3/7, x* = (4/3, 11/3, 0), U* = log(7/3) + 2 log(17/3) + 0, and U*(I) = 3 log(I + 2)"
            " + const, so lambda = d U*/d I = 3/(I + 2) = 3/7 > 0 (the marginal utility of"
            " income; a <= active in a maximization). z_2 = a_2 - lambda p_2 = 1 - 9/7 = -2/7 < 0:"
            " forcing a minimum purchase of good 2 (raising its lower bound) lowers utility at"
            " rate 2/7 (an active lower bound in a maximization)." + CHECKED
        ),
        "variables": [{"name": "x", "size": 3, "start": 1.0, "lower": 0.0}],
        "parameters": {"a": f(a), "p": f(p), "income": float(I)},
        "maximize": "dot(a, log(1 + x))",
        "constraints": [{"name": "budget", "equation": "dot(p, x) <= income"}],
        "expected": {
            "objective": fstar,
            "x": {"x": f(x)},
            "multipliers": [float(lam)],
            "bound_multipliers": {"x": f(z)},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("budget income", "param", "income", None, ("multipliers", 0)),
        ("x[0] lower (inactive)", "lower", "x", 0, ("bound_multipliers", "x", 0)),
        ("x[2] lower", "lower", "x", 2, ("bound_multipliers", "x", 2)),
    ]
    return doc, pert


def range_projection():
    # minimize (x0 - 0)^2 + (x1 - 3)^2 s.t. 1 <= x0 + x1 <= 2, 0 <= x0 - x1 <= 1
    p = [0, 3]
    x = [Q(1), Q(1)]
    g = [2 * (x[0] - p[0]), 2 * (x[1] - p[1])]  # (2, -4)
    lam_sum = (g[0] + g[1]) / 2
    lam_diff = (g[0] - g[1]) / 2
    fstar = sum((xi - pi) ** 2 for xi, pi in zip(x, p))
    doc = {
        "name": "range_projection",
        "description": (
            "Projection onto a strip intersection (ranges lo <= e <= hi, one active at its upper"
            " end and one at its lower end): minimize (x0 - 0)^2 + (x1 - 3)^2 subject to"
            " 1 <= x0 + x1 <= 2 and 0 <= x0 - x1 <= 1. The point (0, 3) has sum 3 > 2 and"
            " difference -3 < 0, so the sum sits at hi_s = 2 and the difference at lo_d = 0:"
            " x0 = (hi_s + lo_d)/2 = 1, x1 = (hi_s - lo_d)/2 = 1, f* = 1 + 4 = 5. As a function"
            " of the active ends f* = ((h + l)/2)^2 + ((h - l)/2 - 3)^2, so lambda_sum = d f*/d h"
            " = 1 - 2 = -1 (<= 0: an active upper end in a minimization) and lambda_diff ="
            " d f*/d l = 1 + 2 = 3 (>= 0: an active lower end); stationarity 2(x* - p) = (2, -4)"
            " = -1 (1, 1) + 3 (1, -1). For a range g = e and lambda is d f*/d(the active end)."
            + CHECKED
        ),
        "variables": [{"name": "x", "size": 2, "start": [0.5, 0.5]}],
        "parameters": {"p": f(p), "s_lo": 1.0, "s_hi": 2.0, "d_lo": 0.0, "d_hi": 1.0},
        "minimize": "dot(x - p, x - p)",
        "constraints": [
            {"name": "sum", "equation": "s_lo <= x[0] + x[1] <= s_hi"},
            {"name": "difference", "equation": "d_lo <= x[0] - x[1] <= d_hi"},
        ],
        "expected": {
            "objective": float(fstar),
            "x": {"x": f(x)},
            "multipliers": [float(lam_sum), float(lam_diff)],
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("sum hi", "param", "s_hi", None, ("multipliers", 0)),
        ("sum lo (inactive end)", "param", "s_lo", None, ("zero",)),
        ("difference lo", "param", "d_lo", None, ("multipliers", 1)),
        ("difference hi (inactive end)", "param", "d_hi", None, ("zero",)),
    ]
    return doc, pert


def isotonic_regression():
    y = [1, 3, 2, 4, 6, 4]
    # pool adjacent violators: (3, 2) -> 2.5, (6, 4) -> 5
    x = [Q(1), Q(5, 2), Q(5, 2), Q(4), Q(5), Q(5)]
    grad = [2 * (xi - yi) for xi, yi in zip(x, y)]
    # (J' lambda)_j = lambda_{j-1} - lambda_j for g_k = x_{k+1} - x_k
    lam = []
    prev = Q(0)
    for j in range(len(y) - 1):
        cur = prev - grad[j]
        lam.append(cur)
        prev = cur
    assert prev == grad[-1]
    fstar = sum((xi - yi) ** 2 for xi, yi in zip(x, y))
    doc = {
        "name": "isotonic_regression",
        "description": (
            "Isotonic regression (a vector inequality x[1:] - x[:-1] >= d, one constraint per"
            " neighbour pair, d = 0): minimize |x - y|^2 over nondecreasing x, y = (1, 3, 2, 4,"
            " 6, 4). Pool adjacent violators: the pairs (3, 2) and (6, 4) are out of order and"
            " are replaced by their means, x* = (1, 2.5, 2.5, 4, 5, 5), f* = 2(0.5^2) + 2(1^2) ="
            " 2.5. With g_k = x_{k+1} - x_k, (J' lambda)_j = lambda_{j-1} - lambda_j, and"
            " stationarity 2(x* - y) = (0, -1, 1, 0, -2, 2) gives lambda_k = lambda_{k-1} -"
            " 2(x*_k - y_k) = (0, 1, 0, 0, 2). For an active pair, forcing a gap d between the"
            " pooled values x = m -+ d/2 costs 2(delta + d/2)^2 with delta the half-distance of"
            " the data pair (0.5, 1), so lambda = d f*/d d = 2 delta = 1 and 2 (>= 0: an active"
            " >= in a minimization); the other pairs are strictly increasing and have lambda = 0."
            + CHECKED
        ),
        "variables": [{"name": "x", "size": 6, "start": 0.0}],
        "parameters": {"y": f(y), "d": [0.0] * 5},
        "minimize": "dot(x - y, x - y)",
        "constraints": [{"name": "monotone", "equation": "x[1:] - x[:-1] >= d"}],
        "expected": {
            "objective": float(fstar),
            "x": {"x": f(x)},
            "multipliers": [f(lam)],
            "tolerance": 1e-7,
        },
    }
    pert = [(f"gap d[{k}]", "param", "d", k, ("multipliers", 0, k)) for k in range(5)]
    return doc, pert


def portfolio_long_only(s=1):
    M = [[1, 0, Q(4, 5)], [0, 1, Q(4, 5)], [Q(4, 5), Q(4, 5), Q(3, 2)]]
    Sigma = [[s * float(v) for v in row] for row in M]
    # without asset 2: w = (1/2, 1/2), variance s/2, 2 Sigma w = (s, s) = lambda 1
    w = [Q(1, 2), Q(1, 2), Q(0)]
    Mw = [sum(M[i][j] * w[j] for j in range(3)) for i in range(3)]
    lam = 2 * Mw[0]
    assert 2 * Mw[1] == lam
    z2 = 2 * Mw[2] - lam  # (c02 + c12) - 1 in units of s
    # the unconstrained minimum variance portfolio would short asset 2:
    # M v = 1 with v = (a, a, b): a + 4/5 b = 1, 8/5 a + 3/2 b = 1
    b = (1 - Q(8, 5)) / (Q(3, 2) - Q(8, 5) * Q(4, 5))
    a = 1 - Q(4, 5) * b
    assert b < 0 and [a / (2 * a + b), b / (2 * a + b)] == [Q(7, 8), Q(-6, 8)]
    fstar = sum(w[i] * Mw[i] for i in range(3))
    sn = f"{s:g}"
    doc = {
        "name": "portfolio_long_only" if s == 1 else "portfolio_long_only_small",
        "description": (
            "Minimum-variance portfolio without short selling (bounds w >= 0 active on one"
            " asset): minimize w' Sigma w subject to sum(w) = 1, w >= 0, Sigma = s [[1, 0,"
            " 0.8], [0, 1, 0.8], [0.8, 0.8, 1.5]] with s = " + sn
            + (" (variances in units of the variance of asset 0;" if s == 1 else
               " (20% volatility for assets 0 and 1;")
            + " assets 0 and 1 uncorrelated, asset 2 strongly"
            " correlated with both). The unconstrained global minimum-variance portfolio"
            " Sigma^-1 1/(1' Sigma^-1 1) = (7, 7, -6)/8 shorts asset 2, so long-only its weight"
            " sits on its bound: on assets 0 and 1, w = (1/2, 1/2, 0), variance"
            " f* = s/2. Stationarity 2 Sigma w = lambda 1 + z: 2 Sigma w = s (1, 1, 1.6), so"
            " lambda = s (= d f*/d(budget): with budget B the variance is s B^2/2, derivative s"
            " at B = 1) and z = (0, 0, s (1.6 - 1)) = (0, 0, 0.6 s) >= 0: forcing a minimum"
            " holding of asset 2 raises the variance at rate 0.6 s per unit (an active lower"
            " bound in a minimization). With s = " + sn + ": f* = " + f"{s / 2:g}" + ", lambda = "
            + sn + ", z_2 = " + f"{0.6 * s:g}" + "." + CHECKED
        ),
        "variables": [{"name": "w", "size": 3, "start": [0.3, 0.3, 0.4], "lower": 0.0}],
        "parameters": {"Sigma": Sigma, "budget": 1.0},
        "minimize": "dot(w, Sigma @ w)",
        "constraints": [{"name": "budget", "equation": "sum(w) = budget"}],
        "expected": {
            "objective": s * float(fstar),
            "x": {"w": f(w)},
            "multipliers": [s * float(lam)],
            "bound_multipliers": {"w": [0.0, 0.0, s * float(z2)]},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("budget", "param", "budget", None, ("multipliers", 0)),
        ("w[0] lower (inactive)", "lower", "w", 0, ("bound_multipliers", "w", 0)),
        ("w[2] lower", "lower", "w", 2, ("bound_multipliers", "w", 2)),
    ]
    return doc, pert


def water_filling(degenerate=False, alpha0=Q(1, 5)):
    # maximize sum log(alpha + x) s.t. sum(x) <= P, 0 <= x <= k P
    if degenerate:
        alpha0 = Q(1, 2)
    alpha, P = [alpha0, Q(1), Q(5, 2)], Q(2)
    k = Q(1, 2) if degenerate else Q(3, 5)
    cap = k * P
    # channel 0 capped, channel 1 takes the rest; channel 2 dry
    x = [cap, P - cap, Q(0)]
    nu = alpha[1] + x[1]
    nu_free = (P + alpha[0] + alpha[1]) / 2  # level without the cap
    assert nu < alpha[2] and x[1] <= cap and alpha[0] + cap < nu_free
    fstar = sum(math.log(ai + xi) for ai, xi in zip(alpha, x))
    if degenerate:
        assert x[1] == cap
        doc = {
            "name": "water_filling_degenerate",
            "description": (
                "Water-filling with a per-channel cap that makes the answer degenerate: maximize"
                " sum_i log(alpha_i + x_i), alpha = (0.5, 1, 2.5), subject to sum(x) <= P = 2 and"
                " 0 <= x_i <= 0.5 P = 1. The cap holds channel 0 at 1 and the remaining power 1"
                " puts channel 1 exactly at its cap too: x* = (1, 1, 0), f* = log 7.5. The upper"
                " bound of x1 is weakly active and the multipliers are not unique: 1/(alpha_i +"
                " x_i) = lambda + z_i holds for every lambda in [0.4, 0.5] (z = (2/3 - lambda,"
                " 1/2 - lambda, 2/5 - lambda)); f*(P) has the one-sided derivatives 0.4 (more"
                " power goes to channel 2) and 0.5 (less power is taken from channel 1)."
                " Expected: objective and x only."
            ),
            "variables": [
                {"name": "x", "size": 3, "start": 0.3, "lower": 0.0, "upper": "0.5 * P"}
            ],
            "parameters": {"alpha": f(alpha), "P": float(P)},
            "maximize": "sum(log(alpha + x))",
            "constraints": [{"name": "power", "equation": "sum(x) <= P"}],
            "expected": {"objective": fstar, "x": {"x": f(x)}, "tolerance": 1e-7},
        }
        return doc, []
    lam = 1 / nu
    z = [1 / (alpha[0] + x[0]) - lam, Q(0), 1 / (alpha[2] + x[2]) - lam]
    assert z[0] > 0 and z[2] < 0 and x[1] < cap

    def g(v):
        return f"{float(v):.6g}"

    def r(v):
        return f"{v.numerator}/{v.denominator}" if v.denominator != 1 else f"{v.numerator}"

    name = "water_filling" if alpha0 == Q(1, 5) else "water_filling_small_multiplier"
    doc = {
        "name": name,
        "description": (
            "Water-filling with a per-channel cap (information theory / resource allocation;"
            " maximize; a <= power budget; both bounds active on different elements; an upper"
            " bound given as a parameter expression, \"0.6 * P\"): maximize sum_i log(alpha_i +"
            f" x_i) (capacity of parallel channels with noise alpha = ({g(alpha[0])}, 1, 2.5))"
            " subject to sum(x) <= P = 2 and 0 <= x_i <= 0.6 P = 1.2. Stationarity 1/(alpha_i +"
            f" x_i) = lambda + z_i. Without the cap the water level would be nu = {g(nu_free)}"
            f" with x = ({g(nu_free - alpha[0])}, {g(nu_free - alpha[1])}, 0); the cap holds"
            f" channel 0 at 1.2, the remaining power {g(x[1])} goes to channel 1 (level alpha_1 +"
            f" x_1 = {g(nu)} < alpha_2 = 2.5, so channel 2 stays dry): x* = (1.2, {g(x[1])}, 0),"
            f" f* = log {g(alpha[0] + x[0])} + log {g(nu)} + log 2.5, lambda = 1/{g(nu)} ="
            f" {r(lam)} (= d f*/d P with the cap held fixed: the marginal unit of power goes to"
            f" channel 1, d log(alpha_1 + x_1)/d x_1 = 1/{g(nu)}; > 0, a <= active in a maximization). z_0 ="
            f" 1/{g(alpha[0] + x[0])} - {r(lam)} = {r(z[0])} > 0 (raising channel 0's cap helps:"
            f" an active upper bound in a maximization); z_2 = 1/2.5 - {r(lam)} = {r(z[2])} < 0"
            " (forcing power into the dry channel hurts: an active lower bound in a"
            " maximization)." + CHECKED
        ),
        "variables": [{"name": "x", "size": 3, "start": 0.3, "lower": 0.0, "upper": "0.6 * P"}],
        "parameters": {"alpha": f(alpha), "P": float(P)},
        "maximize": "sum(log(alpha + x))",
        "constraints": [{"name": "power", "equation": "sum(x) <= P"}],
        "expected": {
            "objective": fstar,
            "x": {"x": f(x)},
            "multipliers": [float(lam)],
            "bound_multipliers": {"x": f(z)},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("power P in the constraint", "rhs", "power", None, ("multipliers", 0)),
        ("x[0] upper", "upper", "x", 0, ("bound_multipliers", "x", 0)),
        ("x[1] upper (inactive)", "upper", "x", 1, ("bound_multipliers", "x", 1)),
        ("x[1] lower (inactive)", "lower", "x", 1, ("bound_multipliers", "x", 1)),
        ("x[2] lower", "lower", "x", 2, ("bound_multipliers", "x", 2)),
    ]
    return doc, pert


def expenditure_min():
    # minimize px x + py y s.t. sqrt(x y) >= U, x, y >= 0 (Hicksian demand)
    px, py, U = 1.0, 4.0, 2.0
    x = U * math.sqrt(py / px)
    y = U * math.sqrt(px / py)
    E = 2 * U * math.sqrt(px * py)
    lam = 2 * math.sqrt(px * py)
    doc = {
        "name": "expenditure_min",
        "description": (
            "Expenditure minimization, the dual of utility maximization (economics; a nonlinear"
            " >= requirement; bounds that only keep the iterates where sqrt is defined):"
            " minimize px x + py y subject to sqrt(x y) >= U, x, y >= 0, with px = 1, py = 4,"
            " U = 2. The utility level binds (spending less is always cheaper). Stationarity"
            " (px, py) = lambda (sqrt(y/x), sqrt(x/y))/2 gives y/x = px/py, so the Hicksian"
            " demands are x* = U sqrt(py/px) = 4, y* = U sqrt(px/py) = 1, expenditure E(U) ="
            " 2 U sqrt(px py) = 8, and lambda = d E/d U = 2 sqrt(px py) = 4 >= 0 (a >= active in"
            " a minimization: the marginal cost of utility). Both goods are bought, so the"
            " bounds are inactive, z = 0." + CHECKED
        ),
        "variables": [
            {"name": "x", "start": 1.0, "lower": 0.0},
            {"name": "y", "start": 1.0, "lower": 0.0},
        ],
        "parameters": {"px": px, "py": py, "U": U},
        "minimize": "px * x + py * y",
        "constraints": [{"name": "utility", "equation": "sqrt(x * y) >= U"}],
        "expected": {
            "objective": E,
            "x": {"x": x, "y": y},
            "multipliers": [lam],
            "bound_multipliers": {"x": 0.0, "y": 0.0},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("utility U", "param", "U", None, ("multipliers", 0)),
        ("x lower (inactive)", "lower", "x", None, ("bound_multipliers", "x")),
    ]
    return doc, pert


def delivery_contract(use_range=False):
    # maximize price (q0 + q1) - q0^2 - 2 q1^2 s.t. lo <= q0 + q1 <= hi, 0 <= q, q0 <= 6
    price, lo, hi, cap = 12, 10, 14, 6
    q = [Q(cap), Q(lo - cap)]
    lam = price - 4 * q[1]  # plant 1 is interior: 12 - 4 q1 = lambda
    z0 = price - 2 * q[0] - lam
    assert lam == -4 and z0 == 4 and 0 < q[1]
    # without the cap: q = ((12 - lam)/2, (12 - lam)/4) with 3 (12 - lam)/4 = lo
    lam_free = price - Q(4, 3) * lo
    assert (price - lam_free) / 2 > cap
    fstar = price * (q[0] + q[1]) - q[0] ** 2 - 2 * q[1] ** 2
    doc = {
        "name": "delivery_contract_range" if use_range else "delivery_contract",
        "description": (
            "A firm with a delivery contract (economics; maximize; "
            + ("a range lo <= e <= hi active at its lower end" if use_range else
               "a >= requirement, active, and an inactive <=")
            + "; an upper bound given as an array with null, active): two"
            " plants make q = (q0, q1) sold at price 12 with costs q0^2 and 2 q1^2; maximize"
            " profit 12 (q0 + q1) - q0^2 - 2 q1^2 subject to the contract "
            + ("10 <= q0 + q1 <= 14" if use_range else "q0 + q1 >= 10 (deliver at least 10)"
               " and q0 + q1 <= 14 (at most 14)")
            + ", q >= 0 and plant 0's capacity q0 <= 6 (upper: [6, null]). Left alone the firm"
            " would make (6, 3), 9 units: the contract's lower end binds. Stationarity 12 -"
            " 2 q0 = lambda + z0, 12 - 4 q1 = lambda. Without the capacity q0 = (12 - lambda)/2"
            " would be 20/3 > 6, so plant 0 runs at capacity, q1 = 10 - 6 = 4, lambda = 12 -"
            " 16 = -4, z0 = 12 - 12 - lambda = 4; profit f* = 120 - 36 - 32 = 52. As functions"
            " of the constants, f* = 12 lo - u^2 - 2 (lo - u)^2 with u the capacity, so lambda"
            " = d f*/d lo = 12 - 4 (lo - u) = -4 (<= 0: an active >= (lower end) in a maximization:"
            " each extra unit the contract forces costs 4 of profit) and z0 = d f*/d u = -2u +"
            " 4 (lo - u) = 4 (>= 0: an active upper bound in a maximization: one more unit of"
            " plant 0's capacity is worth 4). The upper limit 14 and the lower bounds are"
            " inactive (multipliers 0)." + CHECKED
        ),
        "variables": [{"name": "q", "size": 2, "start": 1.0, "lower": 0.0, "upper": [6.0, None]}],
        "parameters": {"price": float(price), "lo": float(lo), "hi": float(hi)},
        "maximize": "price * sum(q) - q[0]^2 - 2 * q[1]^2",
        "constraints": (
            [{"name": "contract", "equation": "lo <= q[0] + q[1] <= hi"}] if use_range else
            [{"name": "minimum", "equation": "q[0] + q[1] >= lo"},
             {"name": "maximum", "equation": "q[0] + q[1] <= hi"}]
        ),
        "expected": {
            "objective": float(fstar),
            "x": {"q": f(q)},
            "multipliers": [float(lam)] if use_range else [float(lam), 0.0],
            "bound_multipliers": {"q": [float(z0), 0.0]},
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("contract lo", "param", "lo", None, ("multipliers", 0)),
        ("contract hi (inactive)", "param", "hi", None, ("zero",)),
        ("q[0] upper", "upper", "q", 0, ("bound_multipliers", "q", 0)),
        ("q[0] lower (inactive; its upper bound is the active one)", "lower", "q", 0, ("zero",)),
        ("q[1] lower (inactive)", "lower", "q", 1, ("bound_multipliers", "q", 1)),
    ]
    return doc, pert


def range_scaled():
    # minimize x^2 + y^2 s.t. 10 <= x + y <= 20: x = y = lo/2, lambda = lo
    lo, hi = 10, 20
    doc = {
        "name": "range_scaled",
        "description": (
            "The smallest range with ends away from 0 and 1: minimize x^2 + y^2 subject to"
            " 10 <= x + y <= 20. The lower end binds: x* = y* = 5, f*(lo) = lo^2/2 = 50,"
            " lambda = d f*/d lo = lo = 10 (>= 0: an active lower end in a minimization);"
            " stationarity (2x, 2y) = lambda (1, 1). The same problem with the one-sided"
            " x + y >= 10 converges."
        ),
        "variables": [{"name": "x", "start": 0.0}, {"name": "y", "start": 0.0}],
        "parameters": {"lo": float(lo), "hi": float(hi)},
        "minimize": "x^2 + y^2",
        "constraints": [{"name": "range", "equation": "lo <= x + y <= hi"}],
        "expected": {
            "objective": lo * lo / 2,
            "x": {"x": lo / 2, "y": lo / 2},
            "multipliers": [float(lo)],
            "tolerance": 1e-7,
        },
    }
    pert = [
        ("range lo", "param", "lo", None, ("multipliers", 0)),
        ("range hi (inactive end)", "param", "hi", None, ("zero",)),
    ]
    return doc, pert


# (make, where): "problems" ships; "pending" goes to tests/data/pending/,
# problems that are right but that the solver does not pass yet.
PROBLEMS = [
    (box_nearest, "problems"),
    (disk_nearest, "problems"),
    (production_capacity, "problems"),
    (diet_requirement, "problems"),
    (utility_corner, "problems"),
    (range_projection, "problems"),
    (isotonic_regression, "problems"),
    (portfolio_long_only, "problems"),
    (water_filling, "problems"),
    (expenditure_min, "problems"),
    (lambda: box_nearest(fixed=True), "problems"),
    (delivery_contract, "problems"),
    (lambda: delivery_contract(use_range=True), "problems"),
    (range_scaled, "problems"),
    (lambda: production_capacity(tight=True), "problems"),
    (lambda: portfolio_long_only(s=0.04), "problems"),
    (lambda: water_filling(degenerate=True), "problems"),
    (lambda: water_filling(alpha0=Q(1, 2)), "problems"),
]
DIRS = {
    "problems": os.path.join(ROOT, "problems"),
    "pending": os.path.join(ROOT, "tests", "data", "pending"),
}


def dumps(value, indent=0):
    """JSON with 2-space indentation, lists of numbers (and rows) on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        if all(isinstance(v, list) and all(not isinstance(t, (dict, list)) for t in v) for v in value):
            if len(value) <= 4 and sum(len(v) for v in value) <= 12:
                return "[" + ", ".join(dumps(v) for v in value) + "]"
        items = [pad + "  " + dumps(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def all_problems(where=None):
    return [make() for make, w in PROBLEMS if where is None or w == where]


def main():
    for make, where in PROBLEMS:
        doc, _ = make()
        out = os.path.join(sys.argv[1], where) if len(sys.argv) > 1 else DIRS[where]
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, doc["name"] + ".json")
        with open(path, "w") as fh:
            fh.write(dumps(doc) + "\n")
        print(path)


if __name__ == "__main__":
    main()
