#!/usr/bin/env python3
"""Checks every `expected` block of problem files four ways and
exits non-zero on any disagreement:

 1. closed form: the analytic solution is recomputed from the file's own
    parameters (make_problems.closed_form_for, multiprecision) and compared
    with the stored numbers (files without a registered closed form, e.g.
    the Hock-Schittkowski set, skip this check);
 2. IPOPT: the file is translated to CasADi and solved by IPOPT (exact
    Hessian, tol 1e-12) from the file's start; objective, x and multipliers
    (converted to the contract's sign convention) are compared with
    `expected`;
 3. KKT: at the expected x and multipliers, stationarity ||grad f - J' lambda||
    and feasibility ||g|| (scaled as in the contract) are computed with
    CasADi's AD and, for feasibility and the objective, with an independent
    numpy evaluator of the same expressions; the reduced Hessian of the
    Lagrangian on the null space of J must be positive definite for
    `minimize` (negative definite for `maximize`), so an expected point is a
    strict local optimum, not a saddle.
 4. sensitivities: each multiplier (first 12 scalar constraints) against
    the central difference (f*(rhs_i + h) - f*(rhs_i - h))/2h of IPOPT's
    optimal value, h = 1e-3 max(|lhs_i|, |rhs_i|) (1e-4 if both are ~0),
    which checks the contract's
    convention lambda_i = d f*/d rhs_i directly (IPOPT's own multipliers for
    files without stored ones);

Errors are |a - b| / max(1, |b|) per number (the contract's "absolute or
relative to its size, whichever is larger"), maximised over all numbers.

Usage: verify_expected.py [PATH ...]   (default: problems/)
"""

from __future__ import annotations

import glob
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import translate as T  # noqa: E402
import solvers as S  # noqa: E402
import make_problems as MP  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TOL_CLOSED = 1e-12   # stored numbers vs closed form recomputed
TOL_IPOPT = 1e-7     # IPOPT at tol 1e-12 vs stored numbers
TOL_KKT = 1e-9       # scaled KKT residual at the stored point
TOL_SENS = 1e-5      # multipliers vs central differences of f* in each rhs


def rel_err(a, b) -> float:
    a = np.ravel(np.asarray(a, dtype=float))
    b = np.ravel(np.asarray(b, dtype=float))
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0


def compare_expected(prob: T.Problem, exp_a: dict, exp_b: dict) -> float:
    """Max error of exp_a against exp_b over their common entries."""
    errs = [0.0]
    if "objective" in exp_a and "objective" in exp_b:
        errs.append(rel_err(exp_a["objective"], exp_b["objective"]))
    for k, v in (exp_b.get("x") or {}).items():
        if k in (exp_a.get("x") or {}):
            errs.append(rel_err(exp_a["x"][k], v))
    if "multipliers" in exp_a and "multipliers" in exp_b:
        errs.append(rel_err(prob.flatten_multipliers(exp_a["multipliers"]),
                            prob.flatten_multipliers(exp_b["multipliers"])))
    return max(errs)


def reduced_hessian_eigs(prob, funcs, x, lam):
    H = np.asarray(funcs["hess_l"](x, lam if lam is not None else np.zeros(0)))
    if lam is not None and lam.size:
        J = np.asarray(funcs["jac"](x))
        _, s, vt = np.linalg.svd(J)
        rank = int(np.sum(s > 1e-10 * max(1.0, s[0])))
        Z = vt[rank:].T
    else:
        Z = np.eye(prob.n)
    if Z.shape[1] == 0:
        return np.zeros(0)
    return np.linalg.eigvalsh(Z.T @ H @ Z)


def verify_file(path: str) -> tuple[bool, dict]:
    prob = T.load_problem(path)
    exp = prob.expected
    row = {"file": os.path.relpath(path, ROOT), "n": prob.n}
    if not exp:
        row["note"] = "no expected"
        return True, row
    ok = True
    # 1. closed form
    try:
        cf = MP.closed_form_for(prob.raw, os.path.dirname(os.path.abspath(path)))
    except KeyError:
        cf = None
    if cf is not None:
        row["closed"] = compare_expected(prob, exp, cf)
        if row["closed"] > TOL_CLOSED:
            ok = False
            row.setdefault("why", []).append("closed form")
    # 2. IPOPT at tol 1e-12
    res = S.solve_ipopt(prob, tol=1e-12)
    row["ipopt_status"] = res["status"]
    row["ipopt_iter"] = res["iterations"]
    ip = {"objective": res["objective"], "x": prob.unpack(res["x"]),
          "multipliers": prob.shape_multipliers(res["multipliers"], res["shapes"])}
    row["ipopt"] = compare_expected(prob, ip, exp)
    if not (res["success"] and row["ipopt"] <= TOL_IPOPT):
        ok = False
        row.setdefault("why", []).append(f"ipopt ({res['status']})")
    # 3. KKT at the expected point
    _, funcs = S._functions(prob)
    x = prob.pack({**prob.unpack(res["x"]), **exp.get("x", {})})
    lam = prob.flatten_multipliers(exp["multipliers"]) if "multipliers" in exp else res["multipliers"]
    stat, feas, sstat, sfeas = S.kkt_residual(prob, x, lam, funcs)
    f_np, g_np = prob.numpy_eval(x)
    row["kkt"] = max(sstat, sfeas)
    if row["kkt"] > TOL_KKT:
        ok = False
        row.setdefault("why", []).append("KKT")
    if "objective" in exp:
        row["f_numpy"] = rel_err(f_np, exp["objective"])
        if row["f_numpy"] > 1e-10:
            ok = False
            row.setdefault("why", []).append("objective (numpy)")
    g_scale = np.maximum(1.0, np.maximum(np.abs(np.asarray(funcs["lhs"](x)).ravel()),
                                         np.abs(np.asarray(funcs["rhs"](x)).ravel()))) if g_np.size else 1.0
    row["g_numpy"] = float(np.max(np.abs(g_np) / g_scale)) if g_np.size else 0.0
    if row["g_numpy"] > TOL_KKT:
        ok = False
        row.setdefault("why", []).append("feasibility (numpy)")
    eig = reduced_hessian_eigs(prob, funcs, x, lam)
    if eig.size:
        row["reduced_hessian"] = [float(eig.min()), float(eig.max())]
        scale = max(1.0, float(np.max(np.abs(eig))))
        e = eig if prob.sense == "minimize" else -eig
        if e.min() > 1e-10 * scale:
            row["second_order"] = "strict"
        elif e.min() > -1e-7 * scale:
            row["second_order"] = "semidefinite"
        else:
            row["second_order"] = "WRONG SIGN"
        # the analytic problems must be strict optima; elsewhere (Hock-Schittkowski) a
        # degenerate (semidefinite) optimum is reported, a saddle or wrong-sense point fails
        strict_required = os.path.abspath(path).startswith(os.path.join(ROOT, "problems") + os.sep)
        if row["second_order"] == "WRONG SIGN" or (strict_required and row["second_order"] != "strict"):
            ok = False
            row.setdefault("why", []).append("second order")
    # 4. multipliers as sensitivities: lambda_i = d f*/d rhs_i by central
    #    differences of IPOPT's optimal value (first 12 scalar constraints)
    if lam is not None and lam.size and prob.n <= 2000:
        rhs = np.abs(np.asarray(funcs["rhs"](x)).ravel())
        worst = 0.0
        lhs = np.abs(np.asarray(funcs["lhs"](x)).ravel())
        for i in range(min(lam.size, 12)):
            # a step relative to the size of the equation's sides (small rhs such
            # as the chain's h^2 need a small step), 1e-4 when both sides are 0
            size = max(rhs[i], lhs[i])
            h = 1e-3 * size if size > 1e-8 else 1e-4
            fs = []
            for sgn in (1.0, -1.0):
                shift = np.zeros(lam.size)
                shift[i] = sgn * h
                r = S.solve_ipopt(prob, tol=1e-12, g_shift=shift, x0=x)
                usable = r["success"] or r["message"] == "Search_Direction_Becomes_Too_Small"
                fs.append(r["objective"] if usable else float("nan"))
            fd = (fs[0] - fs[1]) / (2 * h)
            worst = max(worst, abs(fd - lam[i]) / max(1.0, abs(lam[i])) if np.isfinite(fd) else float("inf"))
        row["sens"] = worst
        if not worst <= TOL_SENS:
            ok = False
            row.setdefault("why", []).append("sensitivity")
    row["ok"] = bool(ok)
    return bool(ok), row


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(glob.glob(os.path.join(p, "**", "*.json"), recursive=True))
        else:
            files.append(p)
    return [f for f in files if not f.endswith("ipopt_reference.json")]


def main(argv):
    paths = argv[1:] or [os.path.join(ROOT, "problems")]
    files = collect(paths)
    if not files:
        print("no problem files found", file=sys.stderr)
        return 2
    all_ok = True
    worst = {"closed": 0.0, "ipopt": 0.0, "kkt": 0.0, "sens": 0.0}
    print(f"{'file':44s} {'n':>5s} {'closed-form':>11s} {'ipopt':>9s} {'it':>4s} {'kkt':>9s} {'sens':>9s}  2nd-order")
    for f in files:
        try:
            ok, row = verify_file(f)
        except Exception as exc:  # report and go on
            ok, row = False, {"file": f, "n": 0, "why": [f"error: {exc}"]}
        all_ok &= ok
        for k in worst:
            if isinstance(row.get(k), float):
                worst[k] = max(worst[k], row[k])
        cl = f"{row['closed']:.1e}" if "closed" in row else "-"
        print(f"{row['file'][-44:]:44s} {row['n']:5d} {cl:>11s} {row.get('ipopt', float('nan')):9.1e} "
              f"{row.get('ipopt_iter', 0):4d} {row.get('kkt', float('nan')):9.1e} {row.get('sens', float('nan')):9.1e}  "
              f"{row.get('second_order', '-')}{'' if ok else '   <-- FAIL: ' + ', '.join(row.get('why', []))}")
    print(f"max discrepancy: closed form vs file {worst['closed']:.2e}, IPOPT vs file {worst['ipopt']:.2e}, "
          f"scaled KKT residual at expected {worst['kkt']:.2e}, multipliers vs d f*/d rhs "
          f"(central differences) {worst['sens']:.2e}")
    print("ALL OK" if all_ok else "DISAGREEMENT")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
