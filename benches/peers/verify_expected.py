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
    if "bound_multipliers" in exp_a and "bound_multipliers" in exp_b:
        errs.append(rel_err(prob.pack(exp_a["bound_multipliers"]), prob.pack(exp_b["bound_multipliers"])))
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


def verify_general(prob: T.Problem, exp: dict, res: dict, row: dict) -> bool:
    """Steps 3 and 4 for files with inequalities, ranges or bounds.

    3. KKT at the expected point with the expected multipliers (IPOPT's where
       the file has none): stationarity ||grad f - J' lambda - z||, feasibility
       of every equation, inequality, range and bound, complementarity
       |lambda_i| * slack_i and |z_j| * distance_j (slack to the end the sign
       selects), the largest wrong-sign part (sign * lambda >= 0 at a lower
       end, <= 0 at an upper end; sign +1 minimize, -1 maximize), all scaled
       by max(1, ||grad f||); and the reduced Hessian of the Lagrangian on the
       null space of the equations and the strongly active inequalities and
       bounds (semidefinite in the sense's direction, else failure).
    4. sensitivities: every multiplier of a scalar constraint (first 40) and
       every bound multiplier of a bounded variable against the central
       difference (f*(end + h) - f*(end - h)) / 2h of IPOPT re-solves (tol
       1e-12, exact bounds, from the expected point) with that constraint's
       constant ends (both of a range) or that variable's bounds moved by
       +-h and +-h/2, h = 1e-4 max(1, |end|), Richardson-extrapolated, error
       beyond the noise floor 1e-11 max(1, |f*|) / h of f*'s accuracy: the contract's lambda_i = d f*/d(active end),
       z_j = d f*/d(active bound), for minimize and maximize."""
    ok = True
    t, funcs = S._functions(prob)
    x = prob.pack({**prob.unpack(res["x"]), **exp.get("x", {})})
    have_mult = "multipliers" in exp or not prob.constraints
    lam = prob.flatten_multipliers(exp["multipliers"]) if "multipliers" in exp else res["multipliers"]
    z = prob.pack(exp["bound_multipliers"]) if "bound_multipliers" in exp else (
        res["bound_multipliers"] if not have_mult or not prob.has_bounds else np.zeros(prob.n))
    if prob.has_bounds and "bound_multipliers" not in exp:
        have_mult = False
        z = res["bound_multipliers"]
    row["multipliers_in_file"] = have_mult
    stat, feas, sstat, sfeas = S.kkt_residual(prob, x, lam, funcs, z=z, t=t)
    gf = np.asarray(funcs["grad"](x)).ravel()
    scale = max(1.0, float(np.max(np.abs(gf))) if gf.size else 1.0)
    sign = 1.0 if prob.sense == "minimize" else -1.0
    g = np.asarray(funcs["g"](x)).ravel()
    comp, wrong = 0.0, 0.0
    for v, mult, lo, hi in ((g, lam, t["lbg"], t["ubg"]), (x, z, t["lbx"], t["ubx"])):
        for i in range(v.size):
            if lo[i] == hi[i]:
                continue  # an equation or a fixed variable: any sign
            s_ = sign * mult[i]
            if s_ > 0:  # claims the lower end
                slack = v[i] - lo[i] if np.isfinite(lo[i]) else np.inf
                wrong = max(wrong, s_ if not np.isfinite(lo[i]) else 0.0)
            elif s_ < 0:
                slack = hi[i] - v[i] if np.isfinite(hi[i]) else np.inf
                wrong = max(wrong, -s_ if not np.isfinite(hi[i]) else 0.0)
            else:
                slack = 0.0
            if np.isfinite(slack):
                comp = max(comp, abs(mult[i]) * abs(slack))
    row["kkt"] = max(sstat, sfeas, comp / scale, wrong / scale)
    row["kkt_parts"] = {"stationarity": sstat, "feasibility": sfeas, "complementarity": comp / scale,
                        "wrong_sign": wrong / scale}
    if row["kkt"] > TOL_KKT:
        ok = False
        row.setdefault("why", []).append("KKT")
    f_np, g_np = prob.numpy_eval(x)
    if "objective" in exp:
        row["f_numpy"] = rel_err(f_np, exp["objective"])
        if row["f_numpy"] > 1e-10:
            ok = False
            row.setdefault("why", []).append("objective (numpy)")
    viol_np = S.violation(g_np, t["lbg"], t["ubg"])
    lhs = np.abs(np.asarray(funcs["lhs"](x)).ravel())
    rhs = np.abs(np.asarray(funcs["rhs"](x)).ravel())
    row["g_numpy"] = float(np.max(viol_np / np.maximum(1.0, np.maximum(lhs, rhs)))) if g_np.size else 0.0
    if row["g_numpy"] > TOL_KKT:
        ok = False
        row.setdefault("why", []).append("feasibility (numpy)")
    # second order on the tangent space of the strongly active set
    ztol = 1e-9 * scale
    rows = []
    if g.size:
        J = np.asarray(funcs["jac"](x))
        for i in range(g.size):
            act = (abs(g[i] - t["lbg"][i]) <= 1e-7 * max(1, abs(t["lbg"][i])) if np.isfinite(t["lbg"][i]) else False) or \
                  (abs(g[i] - t["ubg"][i]) <= 1e-7 * max(1, abs(t["ubg"][i])) if np.isfinite(t["ubg"][i]) else False)
            if t["lbg"][i] == t["ubg"][i] or (act and abs(lam[i]) > ztol):
                rows.append(J[i])
    for j in range(prob.n):
        if abs(z[j]) > ztol:
            e = np.zeros(prob.n)
            e[j] = 1.0
            rows.append(e)
    H = np.asarray(funcs["hess_l"](x, lam if lam.size else np.zeros(0)))
    if rows:
        M = np.array(rows)
        _, sv, vt = np.linalg.svd(M)
        rank = int(np.sum(sv > 1e-10 * max(1.0, sv[0])))
        Z = vt[rank:].T
    else:
        Z = np.eye(prob.n)
    if Z.shape[1]:
        eig = np.linalg.eigvalsh(Z.T @ H @ Z)
        row["reduced_hessian"] = [float(eig.min()), float(eig.max())]
        hs = max(1.0, float(np.max(np.abs(eig))))
        e = eig if prob.sense == "minimize" else -eig
        row["second_order"] = ("strict" if e.min() > 1e-10 * hs else
                               "semidefinite" if e.min() > -1e-7 * hs else "WRONG SIGN")
    else:
        row["second_order"] = "vertex"  # T = {0}
    if row["second_order"] == "WRONG SIGN":
        ok = False
        row.setdefault("why", []).append("second order")
    # 4. sensitivities by central differences
    if have_mult and prob.n <= 2000:
        worst, count, raw = 0.0, 0, 0.0
        m = lam.size

        def fstar(kind, i, delta):
            if kind == "g":
                sh = np.zeros(m)
                sh[i] = delta
                r = S.solve_ipopt(prob, tol=1e-12, g_shift=sh, x0=x)
            else:
                sh = np.zeros(prob.n)
                sh[i] = delta
                r = S.solve_ipopt(prob, tol=1e-12, bound_shift=sh, x0=x)
            usable = r["success"] or r["message"] == "Search_Direction_Becomes_Too_Small"
            return r["objective"] if usable else float("nan")

        def fd(kind, i, end):
            # central differences at h and h/2 combined by Richardson
            # extrapolation (the h^2 term cancels), h = 1e-4 max(1, |end|)
            h = 1e-4 * max(1.0, abs(end))
            d1 = (fstar(kind, i, h) - fstar(kind, i, -h)) / (2 * h)
            d2 = (fstar(kind, i, h / 2) - fstar(kind, i, -h / 2)) / h
            # noise floor: IPOPT's f* at tol 1e-12 carries about 1e-12 |f*|
            noise = 1e-11 * max(1.0, abs(exp.get("objective", res["objective"]))) / h
            return (4 * d2 - d1) / 3, noise

        for i in range(min(m, 40)):
            lo, hi = t["lbg"][i], t["ubg"][i]
            end = lo if np.isfinite(lo) else hi
            if np.isfinite(lo) and np.isfinite(hi):
                end = lo if abs(g[i] - lo) <= abs(g[i] - hi) else hi
            d, noise = fd("g", i, end)
            count += 1
            raw = max(raw, abs(d - lam[i]) / max(1.0, abs(lam[i])))
            worst = max(worst, max(0.0, abs(d - lam[i]) - noise) / max(1.0, abs(lam[i]))
                        if np.isfinite(d) else float("inf"))
        for j in range(prob.n):
            lo, hi = t["lbx"][j], t["ubx"][j]
            if not (np.isfinite(lo) or np.isfinite(hi)) or count >= 80:
                continue
            end = lo if (np.isfinite(lo) and (not np.isfinite(hi) or abs(x[j] - lo) <= abs(x[j] - hi))) else hi
            d, noise = fd("x", j, end)
            count += 1
            raw = max(raw, abs(d - z[j]) / max(1.0, abs(z[j])))
            worst = max(worst, max(0.0, abs(d - z[j]) - noise) / max(1.0, abs(z[j]))
                        if np.isfinite(d) else float("inf"))
        row["sens"] = worst
        row["sens_raw"] = raw  # before discounting f*'s noise floor
        row["sens_count"] = count
        if not worst <= TOL_SENS * row.get("loose", 1.0):
            ok = False
            row.setdefault("why", []).append("sensitivity")
    return ok


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
          "multipliers": prob.shape_multipliers(res["multipliers"], res["shapes"]),
          "bound_multipliers": prob.unpack(res["bound_multipliers"])}
    row["ipopt"] = compare_expected(prob, ip, exp)
    # a file that declares a looser tolerance (degenerate solutions, approached
    # slowly; its description says why) is held to a tenth of it
    loose = max(1.0, float(exp.get("tolerance", 1e-6)) / 1e-6 / 10)
    row["loose"] = loose
    if not (res["success"] and row["ipopt"] <= TOL_IPOPT * loose):
        ok = False
        row.setdefault("why", []).append(f"ipopt ({res['status']})")
    if prob.has_bounds or prob.has_inequalities:
        ok &= verify_general(prob, exp, res, row)
        row["ok"] = bool(ok)
        return bool(ok), row
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
              f"{row.get('second_order', '-')}"
              + (f" (raw {row['sens_raw']:.1e}, {row['sens_count']} checked)" if "sens_raw" in row else "")
              + f"{'' if ok else '   <-- FAIL: ' + ', '.join(row.get('why', []))}")
    print(f"max discrepancy: closed form vs file {worst['closed']:.2e}, IPOPT vs file {worst['ipopt']:.2e}, "
          f"scaled KKT residual at expected {worst['kkt']:.2e}, multipliers vs d f*/d rhs "
          f"(central differences) {worst['sens']:.2e}")
    print("ALL OK" if all_ok else "DISAGREEMENT")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
