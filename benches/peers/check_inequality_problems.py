#!/usr/bin/env python3
"""Checks the problems of make_inequality_problems.py against the solver.

For every problem:
  1. solves the file as shipped (its own tolerance) with `lagrange solve
     --json` under `--barrier monotone` and `--barrier adaptive` and
     compares status, objective, x, multipliers and bound_multipliers with
     `expected`;
  2. for every perturbation listed beside the problem (each constraint's
     constant end, each variable bound, a fixed variable's value), re-solves
     with that constant moved by +h and -h (h = 1e-4, --tolerance 1e-10,
     both barriers) and compares the central difference
     (f*(+h) - f*(-h)) / 2h with the expected multiplier (0 for an
     inactive end or bound), to 1e-5 relative.

Standard library only. Usage:
  python3 benches/peers/check_inequality_problems.py [--bin target/release/lagrange] [--pending] [NAME...]
Exit status 0 when everything agrees.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import make_inequality_problems as mk  # noqa: E402

H = 1e-4
TOL_SOLVE = 1e-10  # for the re-solves of the central differences


def solve(binary, doc, barrier, workdir, tolerance=None):
    path = os.path.join(workdir, doc["name"] + ".json")
    with open(path, "w") as fh:
        json.dump(doc, fh)
    cmd = [binary, "solve", path, "--json", "--barrier", barrier]
    if tolerance is not None:
        cmd += ["--tolerance", str(tolerance)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode == 2 or not run.stdout.strip():
        raise RuntimeError(f"{doc['name']}: exit {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def flat(v):
    if isinstance(v, list):
        out = []
        for t in v:
            out.extend(flat(t))
        return out
    if isinstance(v, dict):
        raise TypeError("flatten a dict by keys")
    return [v]


def compare(label, got, want, tol):
    g, w = flat(got), flat(want)
    if len(g) != len(w):
        return [f"{label}: shape {got} vs expected {want}"]
    bad = []
    for k, (a, b) in enumerate(zip(g, w)):
        if a is None or abs(a - b) > tol * max(1.0, abs(b)):
            bad.append(f"{label}[{k}]: got {a}, expected {b}")
    return bad


def check_solution(out, exp, tol):
    bad = []
    if out.get("status") != "converged":
        bad.append(f"status {out.get('status')}: {out.get('message', '')}")
    if "objective" in exp:
        bad += compare("objective", out.get("objective"), exp["objective"], tol)
    for key in ("x", "bound_multipliers"):
        for name, want in exp.get(key, {}).items():
            got = (out.get(key) or {}).get(name)
            if got is None:
                bad.append(f"{key}.{name}: missing")
            else:
                bad += compare(f"{key}.{name}", got, want, tol)
    if "multipliers" in exp:
        bad += compare("multipliers", out.get("multipliers"), exp["multipliers"], tol)
    return bad


def perturbed(doc, kind, target, index, h):
    d = copy.deepcopy(doc)
    d.pop("expected", None)
    if kind == "param":
        if index is None:
            d["parameters"][target] += h
        else:
            d["parameters"][target][index] += h
    elif kind in ("lower", "upper", "fixed"):
        var = next(v for v in d["variables"] if v["name"] == target)
        keys = ("lower", "upper") if kind == "fixed" else (kind,)
        for key in keys:
            bound = var.get(key)
            size = var.get("size")
            if isinstance(bound, str):
                if index is None:
                    var[key] = f"({bound}) + {h!r}"
                else:
                    e = [0.0] * size
                    e[index] = h
                    d["parameters"]["__delta"] = e
                    var[key] = f"({bound}) + __delta"
            elif bound is None:
                # no bound here: an inactive side we move from "none" is meaningless
                raise ValueError(f"{target} has no {key} bound")
            elif size is None:
                var[key] = bound + h
            else:
                b = list(bound) if isinstance(bound, list) else [bound] * size
                if b[index] is None:
                    raise ValueError(f"{target}[{index}] has no {key} bound")
                b[index] += h
                var[key] = b
        # keep the start valid for a fixed variable
        if kind == "fixed":
            var["start"] = var["lower"]
    elif kind == "rhs":
        c = next(c for c in d["constraints"] if isinstance(c, dict) and c["name"] == target)
        c["equation"] = c["equation"] + f" + {h!r}"
    else:
        raise ValueError(kind)
    return d


def expected_at(exp, path):
    if path[0] == "zero":
        return 0.0
    v = exp[path[0]]
    for k in path[1:]:
        v = v[k]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "lagrange"))
    ap.add_argument("--pending", action="store_true",
                    help="also the problems kept in tests/data/pending/")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    failures = 0
    problems = mk.all_problems(None if args.pending else "problems")
    with tempfile.TemporaryDirectory() as work:
        for doc, perts in problems:
            if args.names and doc["name"] not in args.names:
                continue
            exp = doc["expected"]
            tol = exp.get("tolerance", 1e-6)
            for barrier in ("monotone", "adaptive"):
                try:
                    out = solve(args.bin, doc, barrier, work)
                    bad = check_solution(out, exp, tol)
                    its = out.get("iterations")
                except RuntimeError as e:
                    bad, its = [str(e)], None
                print(f"{'ok  ' if not bad else 'FAIL'} {doc['name']} --barrier {barrier}"
                      f" ({its} iterations)")
                for b in bad:
                    print(f"       {b}")
                failures += bool(bad)
            for label, kind, target, index, path in perts:
                want = expected_at(exp, path)
                for barrier in ("monotone", "adaptive"):
                    vals = []
                    for h in (H, -H):
                        d = perturbed(doc, kind, target, index, h)
                        out = solve(args.bin, d, barrier, work, TOL_SOLVE)
                        if out.get("status") != "converged":
                            vals = f"{out.get('status')} at h = {h:+g}"
                            break
                        vals.append(out["objective"])
                    if isinstance(vals, str):
                        print(f"FAIL {doc['name']} d f*/d({label}) --barrier {barrier}:"
                              f" re-solve {vals}")
                        failures += 1
                        continue
                    fd = (vals[0] - vals[1]) / (2 * H)
                    ok = abs(fd - want) <= 1e-5 * max(1.0, abs(want))
                    print(f"{'ok  ' if ok else 'FAIL'} {doc['name']} d f*/d({label}) --barrier"
                          f" {barrier} = {fd:.9g}, multiplier {want:.9g},"
                          f" |diff| {abs(fd - want):.1e}")
                    failures += not ok
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
