#!/usr/bin/env python3
"""Side-by-side: lagrange vs IPOPT (exact Hessian, default options), POUNCE
(the pure-Rust IPOPT port, Python callbacks), SciPy SLSQP and SciPy
trust-constr (exact Hessians) on problem files.

For every file: iterations, max error against `expected` (|a - b|/max(1,|b|)
over objective, x and multipliers), status and time, with time ratios
peer/lagrange. Times: IPOPT's own solve time (CasADi t_wall_total), SciPy's
wall time around `minimize`, lagrange's in-process solve time and the
whole-process wall time. Median over --repeats solves. IPOPT's repeats run
in one Python process, so all but the first find its code warm; lagrange's
are therefore taken in one process too (`lagrange solve --repeat N`: the
median of the warm solves, `solve_seconds_warm`); its first, cold solve
(`solve_seconds`) is kept as `cold_seconds` in the JSON/CSV.

Usage:
  benches/peers/run_peers.py [PATH ...] [--lagrange BIN] [--repeats N]
                             [--solvers lagrange,ipopt,pounce,slsqp,trust-constr]
                             [--out results.json] [--csv results.csv]
PATH: problem files or directories (default: problems/ and
tests/data/hock_schittkowski/). The binary: --lagrange, $LAGRANGE_BIN,
target/release/lagrange, target/debug/lagrange or `lagrange` on PATH;
when none is found the lagrange column is left empty.
Not part of CI (needs the venv from benches/peers/setup.sh).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import translate as T  # noqa: E402
import solvers as S  # noqa: E402
from verify_expected import collect  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
ALL = ["lagrange", "ipopt", "pounce", "SLSQP", "trust-constr"]


def _child(conn, path, solver):
    try:
        conn.send(S.solve_scipy(T.load_problem(path), solver))
    except Exception as exc:  # report, never hang the parent
        conn.send({"error": str(exc)})
    conn.close()


def solve_with_timeout(prob, solver, timeout):
    """A SciPy solve in a forked child process, killed after `timeout` seconds
    (SLSQP's dense O(n^3) steps take minutes at n = 1000)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    t0 = time.perf_counter()
    proc = ctx.Process(target=_child, args=(child, prob.path, solver))
    proc.start()
    child.close()
    res = parent.recv() if parent.poll(timeout) else None
    proc.join(1.0)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if res is None or "error" in res:
        wall = time.perf_counter() - t0
        msg = "timeout" if res is None else res["error"]
        return {"solver": solver, "status": "timeout" if res is None else "error", "success": False,
                "objective": float("nan"), "x": None, "multipliers": None, "iterations": 0,
                "seconds": wall, "wall_seconds": wall, "message": msg}
    return res


def run_one(prob, solver, repeats, binary, budget_s):
    runs = []
    t_start = time.perf_counter()
    for _ in range(repeats):
        if solver == "ipopt":
            r = S.solve_ipopt(prob, tol=None)
        elif solver == "pounce":
            r = S.solve_pounce(prob)
        elif solver == "lagrange":
            # One process, `repeats` warm solves after the cold one.
            runs.append(S.solve_lagrange(prob, binary, timeout=budget_s, repeat=max(repeats, 1) + 1))
            break
        else:
            r = solve_with_timeout(prob, solver, budget_s)
        runs.append(r)
        if not r["success"]:
            break
        # one slow peer must not hold the table hostage: fewer repeats if slow
        if time.perf_counter() - t_start > budget_s:
            break
    r = runs[0]
    r["seconds"] = statistics.median(x["seconds"] for x in runs)
    r["wall_seconds"] = statistics.median(x["wall_seconds"] for x in runs)
    r["repeats"] = len(runs)
    r["error"] = S.max_error(prob, r)
    return r


def fmt_t(s):
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.0f}us"
    if s < 1:
        return f"{s * 1e3:.2f}ms"
    return f"{s:.2f}s"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--lagrange", default=None, help="path of the lagrange binary")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--solvers", default=",".join(s.lower() for s in ALL))
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "peers", "results.json"))
    ap.add_argument("--csv", default=None, help="CSV file (default: beside --out)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds per solve before a peer is stopped (timeout), and per "
                         "(problem, solver) before repeats stop")
    args = ap.parse_args(argv[1:])

    wanted = [s for s in ALL if s.lower() in [t.strip().lower() for t in args.solvers.split(",")]]
    binary = S.find_lagrange(args.lagrange)
    if "lagrange" in wanted and binary is None:
        print("note: no lagrange binary found (--lagrange, $LAGRANGE_BIN, target/*/lagrange); "
              "its column stays empty", file=sys.stderr)
        wanted.remove("lagrange")
    paths = args.paths or [os.path.join(ROOT, "problems"), os.path.join(ROOT, "tests", "data", "hock_schittkowski")]
    files = collect(paths)
    if not files:
        print("no problem files found", file=sys.stderr)
        return 2

    rows = []
    hdr = f"{'problem':28s} {'n':>5s} {'m':>5s}"
    for s in ALL:
        hdr += f" | {s[:12]:>12s} {'it':>4s} {'err':>7s} {'time':>8s}"
    print(hdr)
    print("-" * len(hdr))
    for f in files:
        try:
            prob = T.load_problem(f)
            m = int(sum(1 if sh == () else math.prod(sh) for sh in prob.casadi()["shapes"]))
        except T.ProblemError as exc:
            print(f"{os.path.basename(f)}: unusable: {exc}", file=sys.stderr)
            continue
        row = {"file": os.path.relpath(f, ROOT), "name": prob.raw.get("name", os.path.basename(f)),
               "n": prob.n, "m": m, "results": {}}
        line = f"{row['name'][:28]:28s} {prob.n:5d} {m:5d}"
        for s in ALL:
            if s not in wanted:
                line += f" | {'':>12s} {'':>4s} {'':>7s} {'':>8s}"
                continue
            r = run_one(prob, s, args.repeats, binary, args.budget)
            tol = max(1e-6, (prob.expected or {}).get("tolerance", 1e-6))
            # ok: within the file's tolerance; inexact: claims success, error <= 1e-3;
            # WRONG: claims success but is further off (the dangerous failure)
            if r["success"]:
                status = "ok" if r["error"] <= tol else ("inexact" if r["error"] <= 1e-3 else "WRONG")
            else:
                status = r["status"][:12]
            row["results"][s] = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in r.items()
                                 if k in ("status", "success", "objective", "iterations", "seconds",
                                          "wall_seconds", "cold_seconds", "repeats", "error",
                                          "message")}
            row["results"][s]["verdict"] = status
            line += f" | {status:>12s} {r['iterations']:4d} {r['error']:7.1e} {fmt_t(r['seconds']):>8s}"
        print(line, flush=True)
        rows.append(row)

    # summary: totals and ratios vs lagrange (on problems every solver solved)
    print()
    summary = {}
    for s in wanted:
        rs = [row["results"][s] for row in rows if s in row["results"]]
        solved = [r for r in rs if r["verdict"] == "ok"]
        wrong = [r for r in rs if r["verdict"] == "WRONG"]
        inexact = [r for r in rs if r["verdict"] == "inexact"]
        tot = sum(r["seconds"] for r in rs)
        geo = math.exp(sum(math.log(max(r["seconds"], 1e-9)) for r in rs) / len(rs)) if rs else float("nan")
        summary[s] = {"problems": len(rs), "solved": len(solved), "claimed_success_but_wrong": len(wrong),
                      "inexact": len(inexact),
                      "total_seconds": tot, "geomean_seconds": geo,
                      "total_iterations": sum(r["iterations"] for r in rs)}
        print(f"{s:13s} solved {len(solved):3d}/{len(rs):3d}  inexact {len(inexact):2d}  "
              f"claimed-success-but-wrong {len(wrong):2d}  "
              f"total {fmt_t(tot):>8s}  geomean {fmt_t(geo):>8s}  iterations {summary[s]['total_iterations']}")
    if "lagrange" in wanted:
        for s in wanted:
            if s == "lagrange":
                continue
            # only where both solved: a failed run's time or iteration count means nothing
            both = [row for row in rows if s in row["results"] and row["results"][s]["verdict"] == "ok"
                    and row["results"]["lagrange"]["verdict"] == "ok" and row["results"]["lagrange"]["seconds"] > 0]
            if both:
                ratios = [row["results"][s]["seconds"] / row["results"]["lagrange"]["seconds"] for row in both]
                g = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
                tot = sum(row["results"][s]["seconds"] for row in both) / sum(
                    row["results"]["lagrange"]["seconds"] for row in both)
                summary[s]["geomean_time_ratio_vs_lagrange"] = g
                summary[s]["total_time_ratio_vs_lagrange"] = tot
                fewer = sum(1 for row in both
                            if row["results"]["lagrange"]["iterations"] <= row["results"][s]["iterations"])
                summary[s]["lagrange_iterations_not_more"] = f"{fewer}/{len(both)}"
                print(f"{s:13s} on the {len(both)} problems both solved: time / lagrange time geomean "
                      f"{g:.1f}x, total {tot:.1f}x; lagrange iterations <= {s}'s on {fewer}/{len(both)}")
            else:
                print(f"{s:13s} no problem solved by both {s} and lagrange: no ratios")

    meta = {"machine": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "casadi": S.ca.__version__,
            "lagrange": binary, "repeats": args.repeats, "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    try:
        import scipy
        meta["scipy"] = scipy.__version__
    except ImportError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({"meta": meta, "summary": summary, "rows": rows}, fh, indent=1)
    csv_path = args.csv or os.path.splitext(args.out)[0] + ".csv"
    with open(csv_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "n", "m", "solver", "verdict", "status", "iterations", "error", "seconds", "wall_seconds"])
        for row in rows:
            for s, r in row["results"].items():
                w.writerow([row["file"], row["n"], row["m"], s, r["verdict"], r["status"], r["iterations"],
                            f"{r['error']:.3e}", f"{r['seconds']:.6e}", f"{r['wall_seconds']:.6e}"])
    print(f"\nwrote {args.out} and {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
