#!/usr/bin/env python3
"""Large problems side by side: `lagrange solve` against IPOPT (CasADi, exact
Hessian, MUMPS) with each MUMPS ordering, on the same files, in one run.

For every file:
- lagrange: the whole process (`lagrange solve FILE --json`: reading the
  file, compiling, sparsity detection, solving, classification, JSON
  output) as wall time, and its own `solve_seconds`; median of --repeats.
- IPOPT: set-up (reading the file, building the CasADi expressions and the
  `nlpsol` object, whose construction generates the derivative functions)
  and IPOPT's own solve time (`t_wall_total`) for each MUMPS ordering
  (`mumps_pivot_order`: 0 AMD, 2 AMF, 3 SCOTCH, 4 PORD, 5 METIS, 6 QAMD,
  7 automatic; an ordering this MUMPS build lacks is reported and skipped);
  the best ordering is the one compared.

Ratios > 1 mean lagrange is faster: IPOPT best solve / lagrange solve, and
IPOPT (set-up + best solve) / lagrange whole process.

Usage:
  large.py FILE... [--lagrange BIN] [--repeats N] [--orderings 7,0,2,3,4,5,6]
           [--timeout S] [--max-iter N] [--out results.json]
Not part of CI (needs the venv from setup.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import solvers as S  # noqa: E402
import translate as T  # noqa: E402

ORDERING_NAMES = {0: "amd", 1: "user", 2: "amf", 3: "scotch", 4: "pord", 5: "metis",
                  6: "qamd", 7: "auto"}


def ipopt_run(path: str, ordering: int, max_iter: int) -> dict:
    """Set-up and solve from scratch (nothing cached between orderings);
    set-up = reading the file + `solve_ipopt`'s CasADi set-up."""
    t0 = time.perf_counter()
    prob = T.load_problem(path)
    read = time.perf_counter() - t0
    r = S.solve_ipopt(prob, extra={"mumps_pivot_order": ordering, "max_iter": max_iter})
    out = {k: r[k] for k in ("status", "success", "objective", "x", "multipliers", "iterations")}
    out.update(solve=r["seconds"], setup=read + r["setup_seconds"])
    out["error"] = S.max_error(prob, out)
    return out


def lagrange_run(path: str, binary: str, timeout: float) -> dict:
    prob = T.load_problem(path)
    r = S.solve_lagrange(prob, binary, timeout)
    return {"status": r["status"], "success": r["success"], "iterations": r["iterations"],
            "solve": r["seconds"], "process": r["wall_seconds"], "error": S.max_error(prob, r)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--lagrange")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--orderings", default="7,0,2,3,4,5,6")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--max-iter", type=int, default=3000, help="IPOPT's max_iter (its default 3000)")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "target", "peers", "large.json"))
    args = ap.parse_args(argv)
    binary = S.find_lagrange(args.lagrange)
    if binary is None:
        sys.exit("no lagrange binary: build it (cargo build --release) or pass --lagrange")
    orderings = [int(o) for o in args.orderings.split(",")]
    rows = []
    for path in args.files:
        name = os.path.basename(path).removesuffix(".json")
        runs = [lagrange_run(path, binary, args.timeout) for _ in range(args.repeats)]
        lg = dict(runs[0])
        lg["solve"] = statistics.median(r["solve"] for r in runs)
        lg["process"] = statistics.median(r["process"] for r in runs)
        print(f"{name}: lagrange {lg['status']} {lg['iterations']} it, solve {lg['solve']:.3f} s, "
              f"process {lg['process']:.3f} s, error {lg['error']:.1e}", file=sys.stderr, flush=True)
        per_ordering = {}
        for o in orderings:
            try:
                tries = [ipopt_run(path, o, args.max_iter) for _ in range(args.repeats)]
            except Exception as exc:  # an ordering missing from this MUMPS build
                print(f"{name}: ipopt ordering {ORDERING_NAMES[o]}: {exc}", file=sys.stderr)
                continue
            r = dict(tries[0])
            r["solve"] = statistics.median(t["solve"] for t in tries)
            r["setup"] = statistics.median(t["setup"] for t in tries)
            r = {k: v for k, v in r.items() if k not in ("x", "multipliers")}
            per_ordering[ORDERING_NAMES[o]] = r
            print(f"{name}: ipopt/{ORDERING_NAMES[o]} {r['status']} {r['iterations']} it, "
                  f"set-up {r['setup']:.3f} s, solve {r['solve']:.3f} s, error {r['error']:.1e}",
                  file=sys.stderr, flush=True)
        solved = {k: v for k, v in per_ordering.items() if v["success"]}
        best = min(solved, key=lambda k: solved[k]["solve"]) if solved else None
        rows.append({"problem": name, "lagrange": lg, "ipopt": per_ordering, "best": best})

    head = (f"{'problem':24} | {'lagrange':>9} {'it':>3} {'err':>7} {'solve s':>8} {'process s':>9} | "
            f"{'ipopt':>9} {'order':>6} {'it':>3} {'err':>7} {'solve s':>8} {'setup s':>8} | "
            f"{'solve x':>7} {'whole x':>7}")
    print(head)
    print("-" * len(head))
    for row in rows:
        lg, best = row["lagrange"], row["best"]
        ok = "ok" if lg["success"] else lg["status"]
        left = (f"{row['problem']:24} | {ok:>9} {lg['iterations']:3d} {lg['error']:7.1e} "
                f"{lg['solve']:8.3f} {lg['process']:9.3f} | ")
        if best is None:
            statuses = ",".join(sorted({v["status"] for v in row["ipopt"].values()})) or "n/a"
            print(left + f"{statuses[:9]:>9}")
            continue
        ip = row["ipopt"][best]
        whole = ip["setup"] + ip["solve"]
        print(left + f"{'ok':>9} {best:>6} {ip['iterations']:3d} {ip['error']:7.1e} "
              f"{ip['solve']:8.3f} {ip['setup']:8.3f} | {ip['solve'] / lg['solve']:6.1f}x "
              f"{whole / lg['process']:6.1f}x")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(rows, fh, indent=1, default=float)
    print(f"\nwrote {os.path.abspath(args.out)}")


if __name__ == "__main__":
    main(sys.argv[1:])
