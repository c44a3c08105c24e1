#!/usr/bin/env python3
"""Two independent readers of the same files must agree: for every problem
file, `lagrange eval FILE` (the project's parser and autodiff) is compared
with this directory's translator (CasADi AD) at the start point and at a
perturbed point, with random multipliers: objective, gradient, constraint
values, Jacobian and the Hessian of the Lagrangian f - sum(lambda_i g_i).

A disagreement means one of the two parsers (or one of the two AD engines)
reads the grammar differently: precedence, slicing, broadcasting, the order
of flattened vector/matrix equations, or a derivative rule.

Usage: cross_check_eval.py [PATH ...] [--lagrange BIN]   (default: problems/
and tests/data/hock_schittkowski/). Exits 1 on any disagreement beyond
1e-9 relative (|a - b| / max(1, |b|)).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import translate as T  # noqa: E402
import solvers as S  # noqa: E402
from verify_expected import collect  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TOL = 1e-9


def rel(a, b) -> float:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def lagrange_eval(binary, path, point=None, mult=None):
    cmd = [binary, "eval", path]
    if point is not None:
        cmd += ["--at", json.dumps(point)]
    if mult is not None:
        cmd += ["--multipliers", json.dumps(mult)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {p.stderr.strip()[:300]}")
    return json.loads(p.stdout)


def check_file(binary, path, rng):
    prob = T.load_problem(path)
    t, F = S._functions(prob)
    m = t["g"].shape[0]
    x0 = prob.x0()
    errs = {}
    # 1) at the start, multipliers zero; 2) at a perturbed point with random multipliers
    pts = [(x0, None)]
    xp = x0 + 0.05 * rng.standard_normal(x0.size) * np.maximum(1.0, np.abs(x0)) * 0.1
    if "log" in prob.raw.get("minimize", prob.raw.get("maximize", "")):
        xp = x0 * (1 + 0.05 * rng.uniform(-1, 1, x0.size))  # stay in the domain of log
    lam = rng.standard_normal(m)
    pts.append((xp, lam))
    for k, (x, lamv) in enumerate(pts):
        point = prob.unpack(x)
        mult = prob.shape_multipliers(lamv, t["shapes"]) if lamv is not None else None
        out = lagrange_eval(binary, path, point if k else None, mult)
        lam_full = lamv if lamv is not None else np.zeros(m)
        f = float(F["f"](x))
        g = np.asarray(F["grad"](x)).ravel()
        c = np.asarray(F["g"](x)).ravel()
        J = np.asarray(F["jac"](x)).reshape(m, prob.n)
        H = np.asarray(F["hess_l"](x, lam_full))
        errs[f"objective@{k}"] = rel(out["objective"], f)
        errs[f"gradient@{k}"] = rel(prob.pack(out["gradient"]), g)
        errs[f"constraints@{k}"] = rel(prob.flatten_multipliers(out["constraints"]), c)
        errs[f"jacobian@{k}"] = rel(np.asarray(out["jacobian"], dtype=float).reshape(m, prob.n), J)
        errs[f"hessian@{k}"] = rel(np.asarray(out["hessian"], dtype=float), H)
    return errs


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--lagrange", default=None)
    args = ap.parse_args(argv[1:])
    binary = S.find_lagrange(args.lagrange)
    if binary is None:
        print("no lagrange binary found (--lagrange, $LAGRANGE_BIN, target/*/lagrange)", file=sys.stderr)
        return 2
    paths = args.paths or [os.path.join(ROOT, "problems"), os.path.join(ROOT, "tests", "data", "hock_schittkowski")]
    rng = np.random.default_rng(1)
    bad = 0
    worst_all = 0.0
    for f in collect(paths):
        try:
            errs = check_file(binary, f, rng)
        except Exception as exc:
            print(f"{os.path.relpath(f, ROOT):48s} ERROR {exc}")
            bad += 1
            continue
        key, worst = max(errs.items(), key=lambda kv: kv[1])
        worst_all = max(worst_all, worst)
        flag = "" if worst <= TOL else "   <-- DISAGREE"
        bad += worst > TOL
        print(f"{os.path.relpath(f, ROOT):48s} max rel diff {worst:9.2e} ({key}){flag}")
    print(f"worst difference {worst_all:.2e}; {'ALL AGREE' if not bad else f'{bad} file(s) disagree'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
