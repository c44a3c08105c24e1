#!/usr/bin/env python3
"""Self-checks of the expression translator (run: python benches/peers/test_translate.py).

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
    ("x <= 1", "not supported"),
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


if __name__ == "__main__":
    sys.exit(main())
