#!/usr/bin/env python3
"""IPOPT from perturbed starts on the Hock-Schittkowski files with inequalities
and bounds: writes tests/data/hs_inequalities_perturbed_ipopt_reference.json,
read by tests/hock_schittkowski_perturbed.rs.

The perturbed start of each file is the one that test computes (the two must
agree bit for bit; the test compares its own start with the `start` recorded
here):

  seed  = FNV-1a (64 bit) of the file's stem ("hs16")
  rng   = the tests' generator (tests/support/src/rng.rs): a 64-bit LCG,
          state <- state * 6364136223846793005 + 1442695040888963407 (mod 2^64),
          u = ((state >> 11) / 2^53) * 2 - 1, uniform in [-1, 1)
  x_j   = x0_j + s * (1 + |x0_j|) * u_j          (one u per scalar variable, in order;
                                                  s = 0.1 and s = 1, the same u for both)
  then pushed inside its bounds: with w = hi - lo,
          x < lo + d  ->  x = lo + d,  d = min(0.01 * (1 + |lo|), w / 4)
          x > hi - d  ->  x = hi - d,  d = min(0.01 * (1 + |hi|), w / 4)

so both solvers start from the same interior point (neither solver's own
bound push is involved).

IPOPT runs with default options (tol 1e-8, exact Hessian, MUMPS, default
bound relaxation), as in tests/data/hs_inequalities_ipopt_reference.json.
Recorded per file: the start, IPOPT's status, iterations, objective and x, and
`reaches_expected`: whether its objective is within the file's
expected.tolerance (absolute or relative, whichever is larger) of
`expected.objective`.

Usage: .venv/bin/python benches/peers/make_hs_perturbed.py [--only hs1,hs2]
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import translate as T  # noqa: E402
import solvers as S  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
DIR = os.path.join(ROOT, "tests", "data", "hock_schittkowski_inequalities")
OUT = os.path.join(ROOT, "tests", "data", "hs_inequalities_perturbed_ipopt_reference.json")

# The perturbation sizes s (x0 + s (1 + |x0|) u); the reference holds one
# table per size, keyed by repr(s).
SCALES = (0.1, 1.0)

MASK = (1 << 64) - 1


def fnv1a(text: str) -> int:
    h = 0xCBF29CE484222325
    for b in text.encode():
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return h


class Rng:
    """tests/support/src/rng.rs, bit for bit."""

    def __init__(self, seed: int):
        self.state = seed & MASK

    def next_u64(self) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state

    def unit(self) -> float:
        return (self.next_u64() >> 11) / float(1 << 53)

    def next(self) -> float:
        return self.unit() * 2.0 - 1.0


def perturbed_start(name: str, scale: float, x0: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> list[float]:
    rng = Rng(fnv1a(name))
    out = []
    for a, l, h in zip(x0.tolist(), lo.tolist(), hi.tolist()):
        u = rng.next()
        x = a + scale * (1.0 + abs(a)) * u
        w = h - l
        if math.isfinite(l):
            d = min(0.01 * (1.0 + abs(l)), w / 4.0)
            if x < l + d:
                x = l + d
        if math.isfinite(h):
            d = min(0.01 * (1.0 + abs(h)), w / 4.0)
            if x > h - d:
                x = h - d
        out.append(x)
    return out


def main(argv):
    only = None
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
    names = sorted(f[:-5] for f in os.listdir(DIR) if f.endswith(".json"))
    reference = {"_about": (
        f"IPOPT through CasADi (casadi {S.ca.__version__}), exact Hessian, default options (tol 1e-8, MUMPS, "
        "default bound relaxation), from the perturbed start of each file in "
        "tests/data/hock_schittkowski_inequalities (benches/peers/make_hs_perturbed.py: x0 + s (1 + |x0|) u, "
        "u from the tests' seeded generator, pushed inside the bounds), one table per s. start: the start used; "
        "iterations: "
        "IPOPT's iter_count; reaches_expected: objective within the file's expected.tolerance of "
        "expected.objective.")}
    if only and os.path.exists(OUT):
        with open(OUT) as fh:
            reference.update({k: v for k, v in json.load(fh).items() if k != "_about"})
    for scale in SCALES:
        key = repr(scale)
        table = reference.setdefault(key, {})
        for name in names:
            if only and name not in only:
                continue
            prob = T.load_problem(os.path.join(DIR, name + ".json"))
            start = perturbed_start(name, scale, prob.x0(), prob.lbx(), prob.ubx())
            res = S.solve_ipopt(prob, x0=np.array(start))
            exp = prob.raw["expected"]
            f_exp = exp["objective"]
            tol = exp.get("tolerance", 1e-6)
            reaches = bool(res["success"] and abs(res["objective"] - f_exp) <= tol * max(1.0, abs(f_exp)))
            table[name] = {
                "start": start,
                "status": res["status"],
                "iterations": res["iterations"],
                "objective": res["objective"],
                "x": res["x"].tolist(),
                "reaches_expected": reaches,
            }
            print(f"{key:4s} {name:14s} {res['status']:24s} {res['iterations']:4d} it  f = {res['objective']:.10g}"
                  f"  (expected {f_exp:.10g}){'' if reaches else '  OTHER'}")
    with open(OUT, "w") as fh:
        json.dump(reference, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
