"""Peer solvers on translated problem files: IPOPT (through CasADi, exact
Hessian), SciPy's SLSQP and trust-constr, and the `lagrange` binary.

Every solver returns a dict with the same keys:
  solver, status ('converged' or a reason), success (bool), objective (f as
  written), x (flat numpy array), multipliers (flat, the spec's convention
  L = f - sum(lambda_i g_i), lambda_i = d f*/d rhs_i; None where the solver
  does not give them), iterations, seconds (the solver's own time where it
  reports one, otherwise wall time around the call), message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import warnings

import numpy as np

import translate as T

ca = T.ca


def _functions(prob: T.Problem, kind="auto"):
    t = prob.casadi(kind)
    x, f, g = t["x"], t["f"], t["g"]
    lam = (ca.SX if t["kind"] == "SX" else ca.MX).sym("lam", g.shape[0])
    lagr = f - ca.dot(lam, g) if g.shape[0] else f
    funcs = {
        "f": ca.Function("f", [x], [f]),
        "grad": ca.Function("grad", [x], [ca.gradient(f, x)]),
        "g": ca.Function("g", [x], [g]),
        "jac": ca.Function("jac_g", [x], [ca.jacobian(g, x)]),
        "hess_f": ca.Function("hess_obj", [x], [ca.hessian(f, x)[0]]),
        "hess_l": ca.Function("hess_lag", [x, lam], [ca.hessian(lagr, x)[0]]),
        "lhs": ca.Function("lhs", [x], [t["lhs"]]),
        "rhs": ca.Function("rhs", [x], [t["rhs"]]),
    }
    return t, funcs


def violation(g: np.ndarray, lbg: np.ndarray, ubg: np.ndarray) -> np.ndarray:
    """How far each g_i lies outside [lbg_i, ubg_i] (0 inside)."""
    with np.errstate(invalid="ignore"):
        return np.maximum(0.0, np.maximum(lbg - g, g - ubg))


def kkt_residual(prob: T.Problem, x: np.ndarray, lam: np.ndarray | None, funcs=None,
                 z: np.ndarray | None = None, t: dict | None = None):
    """(stationarity ||grad f - J^T lam - z||_inf, feasibility (largest violation of
    an equation, inequality, range or bound), scaled stationarity, scaled
    feasibility) in the spec's convention. For equality-only problems this is
    (||grad f - J^T lam||, ||g||, ...) as before."""
    if funcs is None or t is None:
        t, funcs = _functions(prob)
    gf = np.asarray(funcs["grad"](x)).ravel()
    g = np.asarray(funcs["g"](x)).ravel()
    if g.size and lam is not None:
        J = np.asarray(funcs["jac"](x))
        st = gf - J.T @ lam
    else:
        st = gf.copy()
    if z is not None:
        st = st - z
    stat = float(np.max(np.abs(st))) if st.size else 0.0
    viol_g = violation(g, t["lbg"], t["ubg"])
    viol_x = violation(x, t["lbx"], t["ubx"])
    feas = float(max(np.max(viol_g) if g.size else 0.0, np.max(viol_x) if x.size else 0.0))
    scale_f = max(1.0, float(np.max(np.abs(gf))) if gf.size else 1.0)
    sf = 0.0
    if g.size:
        lhs = np.abs(np.asarray(funcs["lhs"](x)).ravel())
        rhs = np.abs(np.asarray(funcs["rhs"](x)).ravel())
        sf = float(np.max(viol_g / np.maximum(1.0, np.maximum(lhs, rhs))))
    if x.size:
        bnd = np.where(viol_x > 0, np.where(x < t["lbx"], np.abs(t["lbx"]), np.abs(t["ubx"])), 0.0)
        sf = max(sf, float(np.max(viol_x / np.maximum(1.0, bnd))))
    return stat, feas, stat / scale_f, sf


def solve_ipopt(prob: T.Problem, tol: float | None = None, kind="auto", print_level=0,
                extra: dict | None = None, g_shift=None, x0=None, bound_shift=None) -> dict:
    """IPOPT with exact Hessian. tol None: IPOPT's defaults (tol 1e-8); with
    tol given also bound_relax_factor 0 (exact bounds; `extra` may override).
    g_shift: move every constant end of constraint i by g_shift[i] (an equation
    lhs - rhs = g_shift, an inequality lhs - rhs <= / >= g_shift, both ends of a
    range), i.e. the right-hand side raised, for sensitivity checks;
    bound_shift: likewise for the variable bounds (both of x_j moved by
    bound_shift[j]); x0: start instead of the file's. "setup_seconds": building
    the CasADi expressions and the nlpsol object (the file already read).

    Multipliers come back in the contract's convention. CasADi's IPOPT
    interface solves min F s.t. lbg <= g <= ubg, lbx <= x <= ubx with
    grad F + J^T lam_g + lam_x = 0 (lam > 0 at an active upper end, < 0 at an
    active lower end). For minimize F = f, so grad f = J^T (-lam_g) + (-lam_x);
    for maximize F = -f, so grad f = J^T lam_g + lam_x. Hence
    lambda = -sign * lam_g and z = -sign * lam_x (sign = +1 minimize, -1
    maximize): grad f = J^T lambda + z, lambda_i = d f*/d(active end),
    z_j = d f*/d(active bound)."""
    t_setup = time.perf_counter()
    t = prob.casadi(kind)
    sign = 1.0 if prob.sense == "minimize" else -1.0
    opts = {"print_level": print_level, "sb": "yes"}
    if tol is not None:
        opts["tol"] = tol
        # IPOPT relaxes every bound and inequality end by 1e-8 * max(1, |b|) by
        # default, so a tight solve would stop that far outside an active
        # bound; with an explicit tol (reference answers) the bounds are exact
        opts["bound_relax_factor"] = 0.0
    if extra:
        opts.update(extra)
    solver = ca.nlpsol("s", "ipopt", {"x": t["x"], "f": sign * t["f"], "g": t["g"]},
                       {"print_time": False, "record_time": True, "ipopt": opts})
    m = t["g"].shape[0]
    t0 = time.perf_counter()
    setup = t0 - t_setup
    shift = np.zeros(m) if g_shift is None else np.asarray(g_shift, dtype=float)
    bshift = np.zeros(prob.n) if bound_shift is None else np.asarray(bound_shift, dtype=float)
    res = solver(x0=prob.x0() if x0 is None else x0, lbg=t["lbg"] + shift, ubg=t["ubg"] + shift,
                 lbx=t["lbx"] + bshift, ubx=t["ubx"] + bshift)
    wall = time.perf_counter() - t0
    st = solver.stats()
    x = np.asarray(res["x"]).ravel()
    lam = -sign * np.asarray(res["lam_g"]).ravel()
    z = -sign * np.asarray(res["lam_x"]).ravel()
    ok = st["return_status"] in ("Solve_Succeeded", "Solved_To_Acceptable_Level")
    return {
        "solver": "ipopt", "status": "converged" if ok else st["return_status"],
        "success": ok, "objective": sign * float(res["f"]), "x": x, "multipliers": lam,
        "bound_multipliers": z,
        "iterations": int(st["iter_count"]), "seconds": float(st.get("t_wall_total", wall)),
        "wall_seconds": wall, "setup_seconds": setup, "message": st["return_status"],
        "shapes": t["shapes"],
    }


def solve_pounce(prob: T.Problem, tol: float = 1e-8) -> dict:
    """POUNCE (PyPI `pounce-solver`: a pure-Rust port of IPOPT) through its
    cyipopt-style `Problem` class, with exact derivatives from the same CasADi
    functions as IPOPT's (dense structures: these are small problems).
    Callbacks run in Python, so "seconds" (wall time of `solve`) includes
    the callback overhead that IPOPT through CasADi does not pay; the
    iteration count is POUNCE's own. Multipliers as for IPOPT: POUNCE's
    mult_g / mult_x_L - mult_x_U follow cyipopt's convention
    (grad F + J^T mult_g - zL + zU = 0)."""
    import pounce

    t, F = _functions(prob)
    sign = 1.0 if prob.sense == "minimize" else -1.0
    n, m = prob.n, t["g"].shape[0]
    rows_j, cols_j = np.nonzero(np.ones((m, n)))
    rows_h, cols_h = np.tril_indices(n)
    zero_lam = np.zeros(m)

    class _Callbacks:
        def objective(self, x):
            return sign * float(F["f"](x))

        def gradient(self, x):
            return sign * np.asarray(F["grad"](x)).ravel()

        def constraints(self, x):
            return np.asarray(F["g"](x)).ravel()

        def jacobianstructure(self):
            return rows_j, cols_j

        def jacobian(self, x):
            return np.asarray(F["jac"](x))[rows_j, cols_j]

        def hessianstructure(self):
            return rows_h, cols_h

        def hessian(self, x, lagrange, obj_factor):
            # F["hess_l"](x, lam) = hess(f - lam.g): obj_factor * sign * f + mult.g
            hf = np.asarray(F["hess_f"](x))
            hl = np.asarray(F["hess_l"](x, -np.asarray(lagrange))) - hf if m else 0.0 * hf
            return (obj_factor * sign * hf + hl)[rows_h, cols_h]

    big = 1e19
    lbg = np.where(np.isfinite(t["lbg"]), t["lbg"], -big)
    ubg = np.where(np.isfinite(t["ubg"]), t["ubg"], big)
    lbx = np.where(np.isfinite(t["lbx"]), t["lbx"], -big)
    ubx = np.where(np.isfinite(t["ubx"]), t["ubx"], big)
    problem = pounce.Problem(n, m, problem_obj=_Callbacks(), lb=lbx, ub=ubx, cl=lbg, cu=ubg)
    try:
        problem.add_option("print_level", 0)
        problem.add_option("tol", tol)
    except Exception:
        pass
    t0 = time.perf_counter()
    try:
        x, info = problem.solve(x0=prob.x0())
        msg = str(info.get("status_msg", info.get("status")))
        ok = info.get("status") in (0, 1)
        its = int(info.get("iter_count", info.get("iterations", 0)) or 0)
        lam = -sign * np.asarray(info.get("mult_g", zero_lam)).ravel()
    except Exception as exc:  # a peer's crash is a result, not our crash
        x, ok, its, lam, msg = prob.x0(), False, 0, None, f"exception: {exc}"
    wall = time.perf_counter() - t0
    x = np.asarray(x, dtype=float)
    return {"solver": "pounce", "status": "converged" if ok else "failed", "success": ok,
            "objective": float(F["f"](x)), "x": x, "multipliers": lam if m else np.zeros(0),
            "iterations": its, "seconds": wall, "wall_seconds": wall, "message": msg}


def solve_scipy(prob: T.Problem, method: str, tol: float = 1e-8, maxiter: int = 3000) -> dict:
    """SLSQP (gradients, BFGS) or trust-constr (exact Hessians of f and g).
    Inequalities, ranges and bounds are passed as SciPy's; multipliers are
    returned for equation-only problems without bounds (SciPy's sign
    conventions for inequality multipliers differ between methods)."""
    from scipy.optimize import minimize, NonlinearConstraint, Bounds

    t, F = _functions(prob)
    sign = 1.0 if prob.sense == "minimize" else -1.0
    m = t["g"].shape[0]
    fun = lambda x: sign * float(F["f"](x))  # noqa: E731
    jac = lambda x: sign * np.asarray(F["grad"](x)).ravel()  # noqa: E731
    gfun = lambda x: np.asarray(F["g"](x)).ravel()  # noqa: E731
    gjac = lambda x: np.asarray(F["jac"](x))  # noqa: E731
    x0 = prob.x0()
    lbg, ubg = t["lbg"], t["ubg"]
    eq = np.nonzero(lbg == ubg)[0]
    lo_rows = np.nonzero((lbg != ubg) & np.isfinite(lbg))[0]
    hi_rows = np.nonzero((lbg != ubg) & np.isfinite(ubg))[0]
    only_eq = eq.size == m and not prob.has_bounds
    bounds = Bounds(t["lbx"], t["ubx"]) if prob.has_bounds else None
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method == "SLSQP":
                cons = []
                if eq.size:
                    cons.append({"type": "eq", "fun": lambda x: gfun(x)[eq] - lbg[eq],
                                 "jac": lambda x: gjac(x)[eq]})
                if lo_rows.size:
                    cons.append({"type": "ineq", "fun": lambda x: gfun(x)[lo_rows] - lbg[lo_rows],
                                 "jac": lambda x: gjac(x)[lo_rows]})
                if hi_rows.size:
                    cons.append({"type": "ineq", "fun": lambda x: ubg[hi_rows] - gfun(x)[hi_rows],
                                 "jac": lambda x: -gjac(x)[hi_rows]})
                res = minimize(fun, x0, jac=jac, method="SLSQP", constraints=cons, bounds=bounds,
                               tol=tol, options={"maxiter": maxiter})
                lam = None
                msg = str(res.message)
            else:
                # hess of sum(v_i g_i) is hess_l(x, -v) minus hess of f; build directly
                gl = (ca.SX if t["kind"] == "SX" else ca.MX).sym("v", m)
                hv = ca.Function("hv", [t["x"], gl], [ca.hessian(ca.dot(gl, t["g"]), t["x"])[0]]) if m else None
                hess = lambda x: sign * np.asarray(F["hess_f"](x))  # noqa: E731
                cons = [NonlinearConstraint(gfun, lbg, ubg, jac=gjac,
                                            hess=lambda x, v: np.asarray(hv(x, v)))] if m else []
                res = minimize(fun, x0, jac=jac, hess=hess, method="trust-constr",
                               constraints=cons, bounds=bounds,
                               options={"gtol": tol, "xtol": 1e-14, "maxiter": maxiter})
                # SciPy: grad(sign f) + J^T v = 0 (v = res.v[0]) => lambda = -sign v
                lam = (-sign * np.asarray(res.v[0]).ravel() if m else np.zeros(0)) if only_eq else None
                msg = str(res.message)
            x = np.asarray(res.x, dtype=float)
            ok = bool(res.success)
            its = int(getattr(res, "nit", 0) or 0)
        except Exception as exc:  # a peer's crash is a result, not our crash
            x, ok, its, lam, msg = x0, False, 0, None, f"exception: {exc}"
    wall = time.perf_counter() - t0
    try:
        obj = float(F["f"](x))
    except Exception:
        obj = float("nan")
    return {"solver": method, "status": "converged" if ok else "failed", "success": ok,
            "objective": obj, "x": x, "multipliers": lam, "iterations": its,
            "seconds": wall, "wall_seconds": wall, "message": msg}


def find_lagrange(explicit: str | None = None) -> str | None:
    """The `lagrange` binary: --lagrange, $LAGRANGE_BIN, target/release, target/debug, PATH."""
    cands = [explicit, os.environ.get("LAGRANGE_BIN")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cands += [os.path.join(root, "target", "release", "lagrange"),
              os.path.join(root, "target", "debug", "lagrange"), shutil.which("lagrange")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def solve_lagrange(prob: T.Problem, binary: str, timeout: float = 600.0, repeat: int = 1) -> dict:
    """`lagrange solve --json`. With repeat > 1 the binary solves the file
    that many times in one process and "seconds" is the median warm solve
    time (`solve_seconds_warm`), comparable with IPOPT's time in a process
    that has already solved (CasADi's library code warm); "cold_seconds" is
    the first solve's, "wall_seconds" the whole process."""
    t0 = time.perf_counter()
    cmd = [binary, "solve", "--json", prob.path]
    if repeat > 1:
        cmd += ["--repeat", str(repeat)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"solver": "lagrange", "status": "timeout", "success": False, "objective": float("nan"),
                "x": None, "multipliers": None, "iterations": 0, "seconds": timeout,
                "wall_seconds": timeout, "message": "timeout"}
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        return {"solver": "lagrange", "status": f"exit {p.returncode}", "success": False,
                "objective": float("nan"), "x": None, "multipliers": None, "iterations": 0,
                "seconds": wall, "wall_seconds": wall, "message": p.stderr.strip()[:300]}
    try:
        out = json.loads(p.stdout)
        x = prob.pack(out["x"])
        lam = prob.flatten_multipliers(out.get("multipliers") or []) if out.get("multipliers") is not None else None
    except Exception as exc:
        return {"solver": "lagrange", "status": "bad output", "success": False,
                "objective": float("nan"), "x": None, "multipliers": None, "iterations": 0,
                "seconds": wall, "wall_seconds": wall, "message": f"{exc}: {p.stdout[:200]}"}
    return {"solver": "lagrange", "status": out.get("status", "?"),
            "success": out.get("status") == "converged", "objective": float(out.get("objective", "nan")),
            "x": x, "multipliers": lam, "iterations": int(out.get("iterations", 0)),
            "seconds": float(out.get("solve_seconds_warm", out.get("solve_seconds", wall))),
            "cold_seconds": float(out.get("solve_seconds", wall)), "wall_seconds": wall,
            "message": out.get("message", "")}


def max_error(prob: T.Problem, res: dict) -> float:
    """Largest error against `expected` over objective, x and multipliers, each
    number's error taken absolute or relative to its size, whichever is larger
    (the spec's rule), i.e. |a - b| / max(1, |b|)."""
    exp = prob.expected or {}
    errs = []

    def err(a, b):
        a = np.ravel(np.asarray(a, dtype=float))
        b = np.ravel(np.asarray(b, dtype=float))
        if a.shape != b.shape:
            return float("inf")
        return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0

    if res.get("x") is None:
        return float("inf")
    if "objective" in exp:
        errs.append(err(res["objective"], exp["objective"]))
    if "x" in exp:
        got = prob.unpack(res["x"])
        for k, v in exp["x"].items():
            errs.append(err(got[k], v))
    if "multipliers" in exp and res.get("multipliers") is not None:
        errs.append(err(res["multipliers"], prob.flatten_multipliers(exp["multipliers"])))
    e = max(errs) if errs else float("nan")
    return float("inf") if np.isnan(e) and errs else e
