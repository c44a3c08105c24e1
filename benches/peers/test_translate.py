#!/usr/bin/env python3
"""Self-checks of the expression translator (run: python benches/peers/test_translate.py,
or pytest benches/peers/test_translate.py, which also runs the test_* functions
for bounds, inequalities, ranges and the multipliers' sign convention).

Each expression is evaluated both through CasADi (SX and MX) and through the
independent numpy evaluator, and compared with a value computed by hand in
Python; error cases must raise ProblemError with a column."""

import json
import math
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import translate as T  # noqa: E402
import casadi as ca  # noqa: E402

x = np.array([0.3, -1.2, 2.0, 0.7])
A = np.array([[1.0, 2.0, 0.0, -1.0], [0.5, 0.0, 3.0, 1.0]])
M = np.array([[2.0, 1.0], [1.0, 3.0]])
y = 1.7

CASES = [
    ("-y^2", -(y ** 2)),
    ("2^-1", 0.5),
    ("2^3^2", 2.0 ** 9),
    ("-2^2", -4.0),
    ("(-2)^2", 4.0),
    ("1 - 2 - 3", -4.0),
    ("8 / 4 / 2", 1.0),
    ("2 * 3 + 4 * 5", 26.0),
    ("1e-3 * 1000 + .5 + 2.", 3.5),
    ("pi + e", math.pi + math.e),
    ("x[0] + x[-1] + x[1]", x[0] + x[-1] + x[1]),
    ("sum(x[1:] - x[:-1])", float(np.sum(x[1:] - x[:-1]))),
    ("sum(x[:2]) + sum(x[2:]) + sum(x[-3:-1])", float(np.sum(x[:2]) + np.sum(x[2:]) + np.sum(x[-3:-1]))),
    ("dot(A @ x, A @ x)", float((A @ x) @ (A @ x))),
    ("sum(M @ (A @ x))", float(np.sum(M @ (A @ x)))),
    ("sum(M @ A)", float(np.sum(M @ A))),
    ("norm(x) + norm(A)", float(np.linalg.norm(x) + np.linalg.norm(A))),
    ("sum(exp(sin(x)) * x^2)", float(np.sum(np.exp(np.sin(x)) * x ** 2))),
    ("sum(abs(x)) + sum(tanh(x)) + sum(cos(x)) + sum(tan(x))",
     float(np.sum(np.abs(x)) + np.sum(np.tanh(x)) + np.sum(np.cos(x)) + np.sum(np.tan(x)))),
    ("sum(sqrt(x^2 + 1)) + log(y) + pow(y, 3)", float(np.sum(np.sqrt(x ** 2 + 1)) + math.log(y) + y ** 3)),
    ("sum(2 / (1 + x^2))", float(np.sum(2 / (1 + x ** 2)))),
    ("sum(log1p(abs(x))) + sum(expm1(x)) + sum(atan(x)) + sum(sigmoid(x))",
     sum(math.log(1 + abs(v)) + math.exp(v) - 1 + math.atan(v) + 1 / (1 + math.exp(-v)) for v in x)),
    ("A[1] @ x + sum(A[0:1] @ x)", float(A[1] @ x + np.sum(A[0:1] @ x))),
    ("x @ x", float(x @ x)),
    ("-x[0]^2 - -y", -(x[0] ** 2) + y),
]

ERRORS = [
    ("x +", "end of expression"),
    ("(x[0] + 1", "expected ')'"),
    ("x[0] + 1)", "unexpected ')'"),
    ("1.2.3 + x[0]", "bad number literal"),
    ("1e + x[0]", "bad number literal"),
    ("foo(x)", "unknown function"),
    ("sum(xx)", "did you mean 'x'"),
    ("x + A", "shape mismatch"),
    ("dot(x)", "takes 2 arguments"),
    ("x[7]", "out of range"),
    ("x[1.5]", "integer literal"),
    ("y[0]", "cannot index a scalar"),
    ("A @ A", "shape mismatch"),
    ("x <= 1", "only allowed in a constraint"),
    ("x < 1", "use '<='"),
    ("(" * 1200 + "y" + ")" * 1200, "nests deeper"),
    ("$", "unexpected character"),
]


def build(kind):
    xs = ca.SX.sym("x", 4) if kind == "SX" else ca.MX.sym("x", 4)
    ys = ca.SX.sym("y") if kind == "SX" else ca.MX.sym("y")
    be = T.CasadiBackend()
    env = {"x": T.Val(xs, (4,)), "y": T.Val(ys, ()), "A": T.Val(be.const(A), A.shape),
           "M": T.Val(be.const(M), M.shape)}
    return xs, ys, be, env


def main():
    failures = 0
    for kind in ("SX", "MX"):
        xs, ys, be, env = build(kind)
        for src, want in CASES:
            node = T.parse_expression(src)
            val = T.Lowerer(be, env, "test").lower(node)
            f = ca.Function("f", [xs, ys], [val.v])
            got = float(f(x, y))
            npenv = {"x": T.Val(x, (4,)), "y": T.Val(np.float64(y), ()), "A": T.Val(A, A.shape), "M": T.Val(M, M.shape)}
            got_np = float(T.Lowerer(T.NumpyBackend(), npenv, "test").lower(node).v)
            if not (abs(got - want) <= 1e-12 * max(1, abs(want)) and abs(got_np - want) <= 1e-12 * max(1, abs(want))):
                print(f"FAIL [{kind}] {src}: casadi {got}, numpy {got_np}, want {want}")
                failures += 1
    _, _, be, env = build("SX")
    for src, needle in ERRORS:
        try:
            node = T.parse_expression(src, "test")
            T.Lowerer(be, env, "test").lower(node)
        except T.ProblemError as exc:
            if needle not in str(exc) or "column" not in str(exc):
                print(f"FAIL error text for {src[:30]!r}: {exc}")
                failures += 1
            continue
        print(f"FAIL no error for {src[:30]!r}")
        failures += 1
    # a long flat sum must not recurse
    long = " + ".join(["y"] * 20000)
    node = T.parse_expression(long)
    npenv = {"y": T.Val(np.float64(1.0), ())}
    assert float(T.Lowerer(T.NumpyBackend(), npenv, "t").lower(node).v) == 20000.0
    # file-level checks: unknown field, matrix equation flattening (row-major)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "p.json")
        with open(p, "w") as fh:
            json.dump({"variables": [{"name": "w", "size": 2}], "minimize": "w[0]", "typo": 1}, fh)
        try:
            T.load_problem(p)
            print("FAIL unknown field accepted")
            failures += 1
        except T.ProblemError as exc:
            assert "typo" in str(exc)
        np.save(os.path.join(d, "B.npy"), np.array([[1.0, 2.0], [3.0, 4.0]]))
        with open(p, "w") as fh:
            json.dump({"variables": [{"name": "w", "size": 2, "start": [1, 2]}],
                       "parameters": {"B": {"npy": "B.npy"}},
                       "minimize": "dot(w, w)", "constraints": ["B * w[0] = B", "B @ w = 1"]}, fh)
        prob = T.load_problem(p)
        t = prob.casadi("SX")
        g = ca.Function("g", [t["x"]], [t["g"]])(prob.x0()).full().ravel()
        want = np.concatenate([(np.array([[1.0, 2.0], [3.0, 4.0]]) * 1 - np.array([[1, 2], [3, 4]])).ravel(),
                               np.array([[1.0, 2.0], [3.0, 4.0]]) @ [1, 2] - 1])
        assert np.allclose(g, want), (g, want)
        assert t["shapes"] == [(2, 2), (2,)]
        f_np, g_np = prob.numpy_eval(prob.x0())
        assert np.allclose(g_np, want) and f_np == 5.0
    print("translator self-check:", "OK" if failures == 0 else f"{failures} failures",
          f"({2 * len(CASES)} values, {len(ERRORS)} errors)")
    return 1 if failures else 0


# --------------------------------------------------------------------------
# bounds, inequalities, ranges (pytest)
# --------------------------------------------------------------------------

import pytest  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import solvers as S  # noqa: E402


def test_expression_self_check():
    assert main() == 0


def _load(tmp_path, prob, name="p.json"):
    p = tmp_path / name
    p.write_text(json.dumps(prob))
    return T.load_problem(str(p))


def _error(tmp_path, prob, needle):
    with pytest.raises(T.ProblemError) as exc:
        _load(tmp_path, prob).casadi("SX")
    assert needle in str(exc.value), str(exc.value)
    return str(exc.value)


def test_bounds_three_forms(tmp_path):
    prob = _load(tmp_path, {
        "parameters": {"cap": 4.0, "lim": [1.0, 2.0, 3.0]},
        "variables": [
            {"name": "a", "lower": 0, "upper": "0.5 * cap"},
            {"name": "w", "size": 3, "lower": [None, -1, 1e20], "upper": "lim + cap"},
            {"name": "v", "size": 2, "lower": -2.5, "upper": [1e20, None]},
            {"name": "u"},
        ],
        "minimize": "a + sum(w) + sum(v) + u"})
    t = prob.casadi("SX")
    inf = np.inf
    assert np.array_equal(t["lbx"], [0, -inf, -1, -inf, -2.5, -2.5, -inf])
    assert np.array_equal(t["ubx"], [2, 5, 6, 7, inf, inf, inf])
    assert prob.has_bounds


def test_bound_errors(tmp_path):
    base = {"parameters": {"cap": 4.0, "two": [1.0, 2.0]}, "minimize": "x"}
    _error(tmp_path, dict(base, variables=[{"name": "x", "lower": 2, "upper": 1}]), "lower bound 2 > upper bound 1")
    _error(tmp_path, dict(base, variables=[{"name": "x", "lower": "x + 1"}]), "unknown name 'x'")
    _error(tmp_path, dict(base, variables=[{"name": "x", "upper": "two"}]), "the bound is vector[2]")
    _error(tmp_path, dict(base, variables=[{"name": "x", "size": 3, "upper": [1, 2]}]), "has 2 entries")
    _error(tmp_path, dict(base, variables=[{"name": "x", "lowr": 1}]), "unknown field 'lowr'")


def test_inequalities_and_ranges_give_lbg_ubg(tmp_path):
    prob = _load(tmp_path, {
        "parameters": {"lo": [0.0, -1.0], "hi": 5.0},
        "variables": [{"name": "x", "start": 1.0}, {"name": "w", "size": 2, "start": [2.0, 3.0]}],
        "minimize": "x^2",
        "constraints": [
            "x^2 + 1 <= 3 * x",          # g = x^2 + 1 - 3x in (-inf, 0]
            "x >= 2 - w[0]",             # g = x - 2 + w0 in [0, inf)
            "lo <= w <= hi",             # g = w in [lo, hi], per element
            "hi >= x + w[1] >= -hi",     # written high to low
            {"name": "fix", "equation": "1 <= x * w[0] <= 1"},  # equal ends
            "x = w[1] - 2",
        ]})
    t = prob.casadi("SX")
    inf = np.inf
    assert np.array_equal(t["lbg"], [-inf, 0, 0, -1, -5, 1, 0])
    assert np.array_equal(t["ubg"], [0, inf, 5, 5, 5, 1, 0])
    assert t["kinds"] == ["le", "ge", "range", "range", "range", "range", "eq"]
    assert t["shapes"] == [(), (), (2,), (), (), ()]
    g = np.asarray(ca.Function("g", [t["x"]], [t["g"]])(prob.x0())).ravel()
    want = [1 + 1 - 3, 1 - 2 + 2, 2, 3, 1 + 3, 1 * 2, 1 - 3 + 2]
    assert np.allclose(g, want)
    f_np, g_np = prob.numpy_eval(prob.x0())
    assert np.allclose(g_np, want) and f_np == 1.0
    assert prob.has_inequalities


@pytest.mark.parametrize("text, needle", [
    ("x < 1", "use '<='"),
    ("x > 1", "use '>='"),
    ("0 <= x >= 1", "same comparison twice"),
    ("0 <= x = 1", "cannot be chained"),
    ("0 <= x <= 1 <= 2", "at most two comparisons"),
    ("x <= x^2 <= 1", "must not depend on variables"),
    ("2 <= x <= 1", "lower end 2 > upper end 1"),
    ("[1] <= x", "unexpected"),
    ("x", "expected '=', '<=' or '>='"),
])
def test_constraint_errors(tmp_path, text, needle):
    msg = _error(tmp_path, {"variables": [{"name": "x"}], "minimize": "x", "constraints": [text]}, needle)
    assert "constraints[0]" in msg


# Multipliers in the contract's convention, on problems with closed-form
# answers: lambda_i = d f*/d(active end or rhs constant), z_j = d f*/d(active
# bound), grad f = J^T lambda + z, for minimize and maximize.
SIGN_CASES = [
    # (problem, f*, lambda, z)
    ({"variables": [{"name": "x", "start": 3.0}], "minimize": "x", "constraints": ["x >= 1"]}, 1.0, [1.0], None),
    ({"variables": [{"name": "x"}], "minimize": "-x", "constraints": ["x <= 2"]}, -2.0, [-1.0], None),
    ({"variables": [{"name": "x"}], "maximize": "x", "constraints": ["x <= 2"]}, 2.0, [1.0], None),
    ({"variables": [{"name": "x", "start": 4.0}], "maximize": "-x", "constraints": ["x >= 1"]}, -1.0, [-1.0], None),
    # lhs has the constant, rhs the variable: 2 >= 3 - x (+c)  <=>  x >= 1 + c: d f*/dc = 1
    ({"variables": [{"name": "x", "start": 3.0}], "minimize": "x", "constraints": ["2 >= 3 - x"]}, 1.0, [1.0], None),
    # ranges: minimize (x - 5)^2 on [0, 3]: f* = (hi - 5)^2, d/dhi = -4
    ({"variables": [{"name": "x"}], "minimize": "(x - 5)^2", "constraints": ["0 <= x <= 3"]}, 4.0, [-4.0], None),
    ({"variables": [{"name": "x"}], "maximize": "-(x - 5)^2", "constraints": ["3 >= x >= 0"]}, -4.0, [4.0], None),
    ({"variables": [{"name": "x"}], "maximize": "-(x + 5)^2", "constraints": ["0 <= 2 * x <= 3"]},
     -25.0, [-5.0], None),  # g = 2x, active lo = 0: f* = -(lo/2 + 5)^2, d/dlo = -5
    # bounds
    ({"variables": [{"name": "x", "upper": 3}], "minimize": "(x - 5)^2"}, 4.0, None, [-4.0]),
    ({"variables": [{"name": "x", "upper": 3}], "maximize": "-(x - 5)^2"}, -4.0, None, [4.0]),
    ({"variables": [{"name": "x", "lower": 0}], "minimize": "(x + 1)^2"}, 1.0, None, [2.0]),
    # a fixed variable (lower = upper): z = (grad f - J' lambda)_y = d f*/d(fixed value), of either sign;
    # a range with equal ends is the equation x + 2y = 1 (lambda = d f*/d(common value) = 0 here)
    ({"variables": [{"name": "x"}, {"name": "y", "lower": 0, "upper": 0, "start": 3}],
      "minimize": "(x - 1)^2 + (y - 2)^2 + x * y", "constraints": ["1 <= x + 2 * y <= 1"]},
     4.0, [0.0], [0.0, -3.0]),
    ({"variables": [{"name": "x", "size": 2, "lower": [0, None], "upper": [None, 1]}],
      "maximize": "-(x[0] + 1)^2 - (x[1] - 2)^2 + x[0] * x[1]"}, None, None, None),
]


@pytest.mark.parametrize("case", range(len(SIGN_CASES)))
def test_multiplier_signs(tmp_path, case):
    raw, fstar, lam_want, z_want = SIGN_CASES[case]
    prob = _load(tmp_path, raw)
    r = S.solve_ipopt(prob, tol=1e-12)
    assert r["success"]
    if fstar is not None:
        assert abs(r["objective"] - fstar) < 1e-8
    if lam_want is not None:
        assert np.allclose(r["multipliers"], lam_want, atol=1e-7), r["multipliers"]
    if z_want is not None:
        assert np.allclose(r["bound_multipliers"], z_want, atol=1e-7), r["bound_multipliers"]
    # grad f = J^T lambda + z
    stat, feas, _, _ = S.kkt_residual(prob, r["x"], r["multipliers"], z=r["bound_multipliers"])
    assert stat < 1e-8 and feas < 1e-8
    # and each multiplier is d f*/d(its constant end / bound), by central differences
    m = r["multipliers"].size
    for i in range(m):
        fs = []
        for sg in (1, -1):
            sh = np.zeros(m)
            sh[i] = sg * 1e-4
            fs.append(S.solve_ipopt(prob, tol=1e-12, g_shift=sh)["objective"])
        assert abs((fs[0] - fs[1]) / 2e-4 - r["multipliers"][i]) < 1e-6
    for j in range(prob.n):
        fs = []
        for sg in (1, -1):
            sh = np.zeros(prob.n)
            sh[j] = sg * 1e-4
            fs.append(S.solve_ipopt(prob, tol=1e-12, bound_shift=sh)["objective"])
        assert abs((fs[0] - fs[1]) / 2e-4 - r["bound_multipliers"][j]) < 1e-6


if __name__ == "__main__":
    sys.exit(main())
