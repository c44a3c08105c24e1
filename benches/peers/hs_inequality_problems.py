"""Statements of the Hock-Schittkowski problems with inequalities and/or bounds
(W. Hock, K. Schittkowski, Test Examples for Nonlinear Programming Codes,
Lecture Notes in Economics and Mathematical Systems 187, Springer 1981),
written in the problem-file grammar, with the book's standard starts and
published optima. Used by make_hs_inequalities.py.

Each entry of PROBLEMS: name -> dict with
  n          number of variables
  start      list (standard start)
  lower/upper  list with None for none (or None: no bounds of that side)
  minimize   objective over x1..xn
  constraints  list of constraint strings (x1..xn), or {"name", "equation"}
  fstar, xstar published optimum (xstar may be None)
  vector     True: written with one vector variable x (x1 -> x[0], ...), bounds
             as arrays with null; a string upper/lower is a parameter expression
  parameters optional parameters
  note       deviations / remarks for the description
Variables are x1..xn in the book's numbering.
"""

from __future__ import annotations

import math

S3 = math.sqrt(3.0)
R2 = math.sqrt(2.0)


def mono(coef, exps):
    """coef * x1^e1 * ... * x7^e7 (zero exponents dropped)."""
    parts = [repr(float(coef)) if coef != 1 else None]
    for i, e in enumerate(exps, start=1):
        if e == 0:
            continue
        if e == 1:
            parts.append(f"x{i}")
        elif float(e).is_integer():
            parts.append(f"x{i}^{int(e)}" if e > 0 else f"x{i}^({int(e)})")
        else:
            parts.append(f"x{i}^{e!r}" if e > 0 else f"x{i}^({e!r})")
    return " * ".join(p for p in parts if p)


def posy(terms):
    return " + ".join(mono(c, e) for c, e in terms)


PROBLEMS: dict[str, dict] = {}


def P(name, **kw):
    kw.setdefault("constraints", [])
    kw.setdefault("lower", None)
    kw.setdefault("upper", None)
    kw.setdefault("vector", False)
    kw.setdefault("note", "")
    kw.setdefault("parameters", None)
    PROBLEMS[name] = kw


ROSEN = "100 * (x2 - x1^2)^2 + (1 - x1)^2"

P("hs1", n=2, start=[-2.0, 1.0], lower=[None, -1.5], minimize=ROSEN, fstar=0.0, xstar=[1, 1], vector=True,
  note="Rosenbrock's function with the bound x2 >= -1.5 (inactive at the solution).")
P("hs2", n=2, start=[-2.0, 1.0], lower=[None, 1.5], minimize=ROSEN, fstar=0.0504261879,
  xstar=[1.224370749, 1.5], vector=True)
P("hs3", n=2, start=[10.0, 1.0], lower=[None, 0.0], minimize="x2 + 1e-5 * (x2 - x1)^2", fstar=0.0, xstar=[0, 0])
P("hs4", n=2, start=[1.125, 0.125], lower=[1.0, 0.0], minimize="(x1 + 1)^3 / 3 + x2", fstar=8 / 3, xstar=[1, 0])
P("hs5", n=2, start=[0.0, 0.0], lower=[-1.5, -3.0], upper=[4.0, 3.0],
  minimize="sin(x1 + x2) + (x1 - x2)^2 - 1.5 * x1 + 2.5 * x2 + 1",
  fstar=-S3 / 2 - math.pi / 3, xstar=[-math.pi / 3 + 0.5, -math.pi / 3 - 0.5])
P("hs10", n=2, start=[-10.0, 10.0], minimize="x1 - x2",
  constraints=["-3 * x1^2 + 2 * x1 * x2 - x2^2 + 1 >= 0"], fstar=-1.0, xstar=[0, 1])
P("hs11", n=2, start=[4.9, 0.1], minimize="(x1 - 5)^2 + x2^2 - 25",
  constraints=["-x1^2 + x2 >= 0"], fstar=-8.498464223, xstar=[1.234771549, 1.524660788])
P("hs12", n=2, start=[0.0, 0.0], minimize="0.5 * x1^2 + x2^2 - x1 * x2 - 7 * x1 - 7 * x2",
  constraints=["25 - 4 * x1^2 - x2^2 >= 0"], fstar=-30.0, xstar=[2, 3])
P("hs14", n=2, start=[2.0, 2.0], minimize="(x1 - 2)^2 + (x2 - 1)^2",
  constraints=["-0.25 * x1^2 - x2^2 + 1 >= 0", "x1 - 2 * x2 + 1 = 0"],
  fstar=9 - 2.875 * math.sqrt(7), xstar=[(math.sqrt(7) - 1) / 2, (math.sqrt(7) + 1) / 4])
P("hs15", n=2, start=[-2.0, 1.0], upper=[0.5, None], minimize="100 * (x2 - x1^2)^2 + (1 - x1)^2",
  constraints=["x1 * x2 - 1 >= 0", "x1 + x2^2 >= 0"], fstar=306.5, xstar=[0.5, 2], vector=True)
P("hs16", n=2, start=[-2.0, 1.0], lower=[-0.5, None], upper=[0.5, 1.0], minimize=ROSEN,
  constraints=["x1 + x2^2 >= 0", "x1^2 + x2 >= 0"], fstar=0.25, xstar=[0.5, 0.25], vector=True)
P("hs17", n=2, start=[-2.0, 1.0], lower=[-0.5, None], upper=[0.5, 1.0], minimize=ROSEN,
  constraints=["x2^2 - x1 >= 0", "x1^2 - x2 >= 0"], fstar=1.0, xstar=[0, 0], vector=True)
P("hs18", n=2, start=[2.0, 2.0], lower=[2.0, 0.0], upper=[50.0, 50.0], minimize="0.01 * x1^2 + x2^2",
  constraints=["x1 * x2 - 25 >= 0", "x1^2 + x2^2 - 25 >= 0"], fstar=5.0,
  xstar=[math.sqrt(250), math.sqrt(2.5)])
P("hs19", n=2, start=[20.1, 5.84], lower=[13.0, 0.0], upper=[100.0, 100.0],
  minimize="(x1 - 10)^3 + (x2 - 20)^3",
  constraints=["(x1 - 5)^2 + (x2 - 5)^2 - 100 >= 0", "-(x2 - 5)^2 - (x1 - 6)^2 + 82.81 >= 0"],
  fstar=-6961.81381, xstar=[14.095, 0.84296079])
P("hs20", n=2, start=[-2.0, 1.0], lower=[-0.5, None], upper=[0.5, None], minimize=ROSEN,
  constraints=["x1 + x2^2 >= 0", "x1^2 + x2 >= 0", "x1^2 + x2^2 - 1 >= 0"],
  fstar=81.5 - 25 * S3, xstar=[0.5, S3 / 2], vector=True)
P("hs21", n=2, start=[-1.0, -1.0], lower=[2.0, -50.0], upper=[50.0, 50.0], minimize="0.01 * x1^2 + x2^2 - 100",
  constraints=["10 * x1 - x2 - 10 >= 0"], fstar=-99.96, xstar=[2, 0])
P("hs22", n=2, start=[2.0, 2.0], minimize="(x1 - 2)^2 + (x2 - 1)^2",
  constraints=["-x1 - x2 + 2 >= 0", "-x1^2 + x2 >= 0"], fstar=1.0, xstar=[1, 1])
P("hs23", n=2, start=[3.0, 1.0], lower=[-50.0, -50.0], upper=[50.0, 50.0], minimize="x1^2 + x2^2",
  constraints=["x1 + x2 - 1 >= 0", "x1^2 + x2^2 - 1 >= 0", "9 * x1^2 + x2^2 - 9 >= 0",
               "x1^2 - x2 >= 0", "x2^2 - x1 >= 0"], fstar=2.0, xstar=[1, 1])
P("hs24", n=2, start=[1.0, 0.5], lower=[0.0, 0.0],
  minimize="((x1 - 3)^2 - 9) * x2^3 / (27 * sqrt(3))",
  constraints=["x1 / sqrt(3) - x2 >= 0", "0 <= x1 + sqrt(3) * x2 <= 6"], fstar=-1.0, xstar=[3, S3],
  note="The book's g2 = x1 + sqrt(3) x2 >= 0 and g3 = 6 - x1 - sqrt(3) x2 >= 0 are written as one range.")
U25 = [25 + (-50 * math.log(0.01 * i)) ** (2 / 3) for i in range(1, 100)]
P("hs25", n=3, start=[100.0, 12.5, 3.0], lower=[0.1, 0.0, 0.0], upper=[100.0, 25.6, 5.0],
  parameters={"u": U25, "k": [float(i) for i in range(1, 100)]},
  minimize="sum((exp(-(u - x2)^x3 / x1) - 0.01 * k)^2)", fstar=0.0, xstar=[50, 25, 1.5],
  note="The 99 residuals are one vector expression; u_i = 25 + (-50 log(0.01 i))^(2/3) is a parameter "
       "vector computed in double precision.")
P("hs29", n=3, start=[1.0, 1.0, 1.0], minimize="-x1 * x2 * x3",
  constraints=["-x1^2 - 2 * x2^2 - 4 * x3^2 + 48 >= 0"], fstar=-16 * R2, xstar=[4, 2 * R2, 2])
P("hs30", n=3, start=[1.0, 1.0, 1.0], lower=[1.0, -10.0, -10.0], upper=[10.0, 10.0, 10.0],
  minimize="x1^2 + x2^2 + x3^2", constraints=["x1^2 + x2^2 - 1 >= 0"], fstar=1.0, xstar=[1, 0, 0],
  note="At the solution (1, 0, 0) both the bound x1 >= 1 and the constraint x1^2 + x2^2 >= 1 are active "
       "with gradients (1, 0, 0) and (2, 0, 0): linearly dependent, so the multipliers are not unique "
       "(only z1 + 2 lambda = 2 is determined); `expected` holds objective and x only.")
P("hs31", n=3, start=[1.0, 1.0, 1.0], lower=[-10.0, 1.0, -10.0], upper=[10.0, 10.0, 1.0],
  minimize="9 * x1^2 + x2^2 + 9 * x3^2", constraints=["x1 * x2 - 1 >= 0"], fstar=6.0,
  xstar=[1 / S3, S3, 0])
P("hs32", n=3, start=[0.1, 0.7, 0.2], lower=[0.0, 0.0, 0.0], minimize="(x1 + 3 * x2 + x3)^2 + 4 * (x1 - x2)^2",
  constraints=["6 * x2 + 4 * x3 - x1^3 - 3 >= 0", "1 - x1 - x2 - x3 = 0"], fstar=1.0, xstar=[0, 0, 1])
P("hs33", n=3, start=[0.0, 0.0, 3.0], lower=[0.0, 0.0, 0.0], upper=[None, None, 5.0],
  minimize="(x1 - 1) * (x1 - 2) * (x1 - 3) + x3",
  constraints=["x3^2 - x1^2 - x2^2 >= 0", "x1^2 + x2^2 + x3^2 - 4 >= 0"], fstar=R2 - 6, xstar=[0, R2, R2])
P("hs34", n=3, start=[0.0, 1.05, 2.9], lower=[0.0, 0.0, 0.0], upper=[100.0, 100.0, 10.0], minimize="-x1",
  constraints=["x2 - exp(x1) >= 0", "x3 - exp(x2) >= 0"], fstar=-math.log(math.log(10)),
  xstar=[math.log(math.log(10)), math.log(10), 10])
P("hs35", n=3, start=[0.5, 0.5, 0.5], lower=[0.0, 0.0, 0.0],
  minimize="9 - 8 * x1 - 6 * x2 - 4 * x3 + 2 * x1^2 + 2 * x2^2 + x3^2 + 2 * x1 * x2 + 2 * x1 * x3",
  constraints=["3 - x1 - x2 - 2 * x3 >= 0"], fstar=1 / 9, xstar=[4 / 3, 7 / 9, 4 / 9])
P("hs36", n=3, start=[10.0, 10.0, 10.0], lower=[0.0, 0.0, 0.0], upper=[20.0, 11.0, 42.0],
  minimize="-x1 * x2 * x3", constraints=["72 - x1 - 2 * x2 - 2 * x3 >= 0"], fstar=-3300.0, xstar=[20, 11, 15])
P("hs37", n=3, start=[10.0, 10.0, 10.0], lower=[0.0, 0.0, 0.0], upper=[42.0, 42.0, 42.0],
  minimize="-x1 * x2 * x3", constraints=["72 >= x1 + 2 * x2 + 2 * x3 >= 0"], fstar=-3456.0,
  xstar=[24, 12, 12],
  note="The book's two constraints 72 - x1 - 2 x2 - 2 x3 >= 0 and x1 + 2 x2 + 2 x3 >= 0 are one range, "
       "written high to low.")
P("hs38", n=4, start=[-3.0, -1.0, -3.0, -1.0], lower=[-10.0] * 4, upper=[10.0] * 4,
  minimize="100 * (x2 - x1^2)^2 + (1 - x1)^2 + 90 * (x4 - x3^2)^2 + (1 - x3)^2"
           " + 10.1 * ((x2 - 1)^2 + (x4 - 1)^2) + 19.8 * (x2 - 1) * (x4 - 1)",
  fstar=0.0, xstar=[1, 1, 1, 1], vector=True, note="Wood's function in the box -10 <= x <= 10.")
P("hs41", n=4, start=[2.0] * 4, lower=[0.0] * 4, upper=[1.0, 1.0, 1.0, 2.0], minimize="2 - x1 * x2 * x3",
  constraints=["x1 + 2 * x2 + 2 * x3 - x4 = 0"], fstar=52 / 27, xstar=[2 / 3, 1 / 3, 1 / 3, 2])
P("hs43", n=4, start=[0.0] * 4,
  minimize="x1^2 + x2^2 + 2 * x3^2 + x4^2 - 5 * x1 - 5 * x2 - 21 * x3 + 7 * x4",
  constraints=["8 - x1^2 - x2^2 - x3^2 - x4^2 - x1 + x2 - x3 + x4 >= 0",
               "10 - x1^2 - 2 * x2^2 - x3^2 - 2 * x4^2 + x1 + x4 >= 0",
               "5 - 2 * x1^2 - x2^2 - x3^2 - 2 * x1 + x2 + x4 >= 0"], fstar=-44.0, xstar=[0, 1, 2, -1],
  note="The Rosen-Suzuki problem.")
P("hs44", n=4, start=[0.0] * 4, lower=[0.0] * 4,
  minimize="x1 - x2 - x3 - x1 * x3 + x1 * x4 + x2 * x3 - x2 * x4",
  constraints=["8 - x1 - 2 * x2 >= 0", "12 - 4 * x1 - x2 >= 0", "12 - 3 * x1 - 4 * x2 >= 0",
               "8 - 2 * x3 - x4 >= 0", "8 - x3 - 2 * x4 >= 0", "5 - x3 - x4 >= 0"],
  fstar=-15.0, xstar=[0, 3, 0, 4])
P("hs45", n=5, start=[2.0] * 5, lower=[0.0] * 5, upper="idx", parameters={"idx": [1.0, 2.0, 3.0, 4.0, 5.0]},
  minimize="2 - x1 * x2 * x3 * x4 * x5 / 120", fstar=1.0, xstar=[1, 2, 3, 4, 5], vector=True,
  note="The upper bounds x_i <= i are the parameter vector idx (a bound written as an expression of "
       "parameters).")
EXCLUDED = {
    "hs13": "At the published solution (1, 0) the constraint (1 - x1)^3 - x2 >= 0 and the bound x2 >= 0 "
            "meet in a cusp: no constraint qualification holds and no KKT multipliers exist.",
    "hs57": "From the standard start (0.42, 5) IPOPT follows a valley to x2 -> infinity (it stops at x2 ~ 1.9e5, "
            "f = 0.0306476, the constraint inactive, the gradient vanishing asymptotically), not at the published "
            "minimiser (0.419952675, 1.284845629), f* = 0.0284596697, which is a KKT point (lambda = 0.0667).",
}
P("hs57", n=2, start=[0.42, 5.0], lower=[0.4, -4.0],
  parameters={"a": [8.0] * 2 + [10.0] * 4 + [12.0] * 4 + [14.0] * 3 + [16.0] * 3 + [18.0] * 2 + [20.0] * 3
              + [22.0] * 3 + [24.0] * 3 + [26.0] * 3 + [28.0] * 2 + [30.0] * 3 + [32.0] * 2 + [34.0]
              + [36.0] * 2 + [38.0] * 2 + [40.0, 42.0],
              "b": [0.49, 0.49, 0.48, 0.47, 0.48, 0.47, 0.46, 0.46, 0.45, 0.43, 0.45, 0.43, 0.43, 0.44,
                    0.43, 0.43, 0.46, 0.45, 0.42, 0.42, 0.43, 0.41, 0.41, 0.40, 0.42, 0.40, 0.40, 0.41,
                    0.40, 0.41, 0.41, 0.40, 0.40, 0.40, 0.38, 0.41, 0.40, 0.40, 0.41, 0.38, 0.40, 0.40,
                    0.39, 0.39]},
  minimize="sum((b - x1 - (0.49 - x1) * exp(-x2 * (a - 8)))^2)",
  constraints=["0.49 * x2 - x1 * x2 - 0.09 >= 0"], fstar=0.0284596697, xstar=[0.419952675, 1.284845629],
  note="A least-squares fit to 44 data points (a, b parameter vectors).")
P("hs59", n=2, start=[90.0, 10.0], lower=[0.0, 0.0], upper=[75.0, 65.0],
  minimize="-75.196 + 3.8112 * x1 + 0.0020567 * x1^3 - 1.0345e-5 * x1^4 + 6.8306 * x2"
           " - 0.030234 * x1 * x2 + 1.28134e-3 * x2 * x1^2 + 2.266e-7 * x1^4 * x2 - 0.25645 * x2^2"
           " + 0.0034604 * x2^3 - 1.3514e-5 * x2^4 + 28.106 / (x2 + 1) + 5.2375e-6 * x1^2 * x2^2"
           " + 6.3e-8 * x1^3 * x2^2 - 7e-10 * x1^3 * x2^3 - 3.4054e-4 * x1 * x2^2 + 1.6638e-6 * x1 * x2^3"
           " + 2.8673 * exp(0.0005 * x1 * x2) - 3.5256e-5 * x1^3 * x2 - 0.12694 * x1^2",
  constraints=["x1 * x2 - 700 >= 0", "x2 - x1^2 / 125 >= 0", "(x2 - 50)^2 - 5 * (x1 - 55) >= 0"],
  fstar=-7.804226324, xstar=[13.55010424, 51.66018129],
  note="The standard start (90, 10) lies outside the bound x1 <= 75; it is moved inside. The coefficient of "
       "x1 x2^2 is -3.4054e-4 (with -3.405e-4, as in some translations, the minimum is -7.8027895 and the "
       "published f* is not reproduced).")
P("hs64", n=3, start=[1.0, 1.0, 1.0], lower=[1e-5] * 3,
  minimize="5 * x1 + 50000 / x1 + 20 * x2 + 72000 / x2 + 10 * x3 + 144000 / x3",
  constraints=["1 - 4 / x1 - 32 / x2 - 120 / x3 >= 0"], fstar=6299.842428,
  xstar=[108.7347175, 85.12613942, 204.3247078])
P("hs65", n=3, start=[-5.0, 5.0, 0.0], lower=[-4.5, -4.5, -5.0], upper=[4.5, 4.5, 5.0],
  minimize="(x1 - x2)^2 + (x1 + x2 - 10)^2 / 9 + (x3 - 5)^2",
  constraints=["48 - x1^2 - x2^2 - x3^2 >= 0"], fstar=0.9535288567,
  xstar=[3.650461821, 3.650461821, 4.620417155])
P("hs66", n=3, start=[0.0, 1.05, 2.9], lower=[0.0, 0.0, 0.0], upper=[100.0, 100.0, 10.0],
  minimize="0.2 * x3 - 0.8 * x1", constraints=["x2 - exp(x1) >= 0", "x3 - exp(x2) >= 0"],
  fstar=0.5181632741, xstar=[0.1841264879, 1.202167873, 3.327322322])
P("hs71", n=4, start=[1.0, 5.0, 5.0, 1.0], lower=[1.0] * 4, upper=[5.0] * 4,
  minimize="x1 * x4 * (x1 + x2 + x3) + x3",
  constraints=["x1 * x2 * x3 * x4 - 25 >= 0", "x1^2 + x2^2 + x3^2 + x4^2 - 40 = 0"], fstar=17.0140173,
  xstar=[1, 4.7429994, 3.8211503, 1.3794082])
P("hs72", n=4, start=[1.0] * 4, lower=[0.001] * 4, upper="cap",
  parameters={"cap": [4e5, 3e5, 2e5, 1e5]}, minimize="1 + x1 + x2 + x3 + x4",
  constraints=["0.0401 - 4 / x1 - 2.25 / x2 - 1 / x3 - 0.25 / x4 >= 0",
               "0.010085 - 0.16 / x1 - 0.36 / x2 - 0.64 / x3 - 0.64 / x4 >= 0"],
  fstar=727.67937, xstar=[193.4071, 179.5475, 185.0186, 168.7062], vector=True,
  note="The upper bounds (5 - i) 1e5 are the parameter vector cap.")
P("hs73", n=4, start=[1.0] * 4, lower=[0.0] * 4, minimize="24.55 * x1 + 26.75 * x2 + 39 * x3 + 40.5 * x4",
  constraints=["2.3 * x1 + 5.6 * x2 + 11.1 * x3 + 1.3 * x4 - 5 >= 0",
               "12 * x1 + 11.9 * x2 + 41.8 * x3 + 52.1 * x4 - 21"
               " - 1.645 * sqrt(0.28 * x1^2 + 0.19 * x2^2 + 20.5 * x3^2 + 0.62 * x4^2) >= 0",
               "x1 + x2 + x3 + x4 - 1 = 0"], fstar=29.894378, xstar=[0.6355216, 0.0, 0.3127019, 0.05177655])
HS74_EQ = ["1000 * sin(-x3 - 0.25) + 1000 * sin(-x4 - 0.25) + 894.8 - x1 = 0",
           "1000 * sin(x3 - 0.25) + 1000 * sin(x3 - x4 - 0.25) + 894.8 - x2 = 0",
           "1000 * sin(x4 - 0.25) + 1000 * sin(x4 - x3 - 0.25) + 1294.8 = 0"]
P("hs74", n=4, start=[0.0] * 4, lower=[0.0, 0.0, -0.55, -0.55], upper=[1200.0, 1200.0, 0.55, 0.55],
  minimize="3 * x1 + 1e-6 * x1^3 + 2 * x2 + 2e-6 / 3 * x2^3",
  constraints=["-0.55 <= x4 - x3 <= 0.55"] + HS74_EQ, fstar=5126.4981,
  xstar=[679.9453, 1026.067, 0.1188764, -0.3962336])
P("hs75", n=4, start=[0.0] * 4, lower=[0.0, 0.0, -0.48, -0.48], upper=[1200.0, 1200.0, 0.48, 0.48],
  minimize="3 * x1 + 1e-6 * x1^3 + 2 * x2 + 2e-6 / 3 * x2^3",
  constraints=["-0.48 <= x4 - x3 <= 0.48"] + HS74_EQ, fstar=5174.4129,
  xstar=[776.1592, 925.1949, 0.05110879, -0.4288911])
P("hs76", n=4, start=[0.5] * 4, lower=[0.0] * 4,
  minimize="x1^2 + 0.5 * x2^2 + x3^2 + 0.5 * x4^2 - x1 * x3 + x3 * x4 - x1 - 3 * x2 + x3 - x4",
  constraints=["5 - x1 - 2 * x2 - x3 - x4 >= 0", "4 - 3 * x1 - x2 - 2 * x3 + x4 >= 0",
               "x2 + 4 * x3 - 1.5 >= 0"], fstar=-4.681818181, xstar=[0.2727273, 2.090909, 0.0, 0.5454545])
A83 = [85.334407, 0.0056858, 0.0006262, 0.0022053, 80.51249, 0.0071317, 0.0029955, 0.0021813, 9.300961,
       0.0047026, 0.0012547, 0.0019085]
P("hs83", n=5, start=[78.0, 33.0, 27.0, 27.0, 27.0], lower=[78.0, 33.0, 27.0, 27.0, 27.0],
  upper=[102.0, 45.0, 45.0, 45.0, 45.0],
  minimize="5.3578547 * x3^2 + 0.8356891 * x1 * x5 + 37.293239 * x1 - 40792.141",
  constraints=[f"0 <= {A83[0]} + {A83[1]} * x2 * x5 + {A83[2]} * x1 * x4 - {A83[3]} * x3 * x5 <= 92",
               f"90 <= {A83[4]} + {A83[5]} * x2 * x5 + {A83[6]} * x1 * x2 + {A83[7]} * x3^2 <= 110",
               f"20 <= {A83[8]} + {A83[9]} * x3 * x5 + {A83[10]} * x1 * x3 + {A83[11]} * x3 * x4 <= 25"],
  fstar=-30665.53867, xstar=[78, 33, 29.99526, 45, 36.77581], vector=True,
  note="The book's six inequalities are three ranges. The standard start lies on the lower bounds; "
       "it is moved inside.")
A84 = [-24345.0, -8720288.849, 150512.5253, -156.6950325, 476470.3222, 729482.8271, -145421.402,
       2931.1506, -40.427932, 5106.192, 15711.36, -155011.1084, 4360.53352, 12.9492344, 10236.884,
       13176.786, -326669.5104, 7390.68412, -27.8986976, 16643.076, 30988.146]


def _lin84(c):
    return f"{c[0]} * x1 + {c[1]} * x1 * x2 + {c[2]} * x1 * x3 + {c[3]} * x1 * x4 + {c[4]} * x1 * x5"


P("hs84", n=5, start=[2.52, 2.0, 37.5, 9.25, 6.8], lower=[0.0, 1.2, 20.0, 9.0, 6.5],
  upper=[1000.0, 2.4, 60.0, 9.3, 7.0],
  minimize=f"{-A84[0]} - ({_lin84(A84[1:6])})",
  constraints=[f"0 <= {_lin84(A84[6:11])} <= 294000", f"0 <= {_lin84(A84[11:16])} <= 294000",
               f"0 <= {_lin84(A84[16:21])} <= 277200"],
  fstar=-5280335.133, xstar=[4.53743097, 2.4, 60, 9.3, 7.0],
  note="The book's six inequalities are three ranges.")
A86 = [[-16, 2, 0, 1, 0], [0, -2, 0, 4, 2], [-3.5, 0, 2, 0, 0], [0, -2, 0, -4, -1], [0, -9, -2, 1, -2.8],
       [2, 0, -4, 0, 0], [-1, -1, -1, -1, -1], [-1, -2, -3, -2, -1], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1]]
B86 = [-40, -2, -0.25, -4, -4, -1, -40, -60, 5, 1]
C86 = [[30, -20, -10, 32, -10], [-20, 39, -6, -31, 32], [-10, -6, 10, -6, -10], [32, -31, -6, 39, -20],
       [-10, 32, -10, -20, 30]]
D86 = [4, 8, 10, 6, 2]
E86 = [-15, -27, -36, -18, -12]
_f = lambda m: [[float(t) for t in r] for r in m] if isinstance(m[0], list) else [float(t) for t in m]  # noqa
P("hs86", n=5, start=[0.0, 0.0, 0.0, 0.0, 1.0], lower=[0.0] * 5,
  parameters={"A": _f(A86), "b": _f(B86), "C": _f(C86), "d": _f(D86), "lin": _f(E86)},
  minimize="dot(lin, x) + dot(x, C @ x) + dot(d, x^3)", constraints=["A @ x >= b"],
  fstar=-32.34867897, xstar=[0.3, 0.33346761, 0.4, 0.42831010, 0.22396487], vector=True,
  note="Written with vector operations: the ten linear inequalities are one vector inequality A @ x >= b.")
P("hs93", n=6, start=[5.54, 4.4, 12.02, 11.82, 0.702, 0.852], lower=[0.0] * 6,
  minimize="0.0204 * x1 * x4 * (x1 + x2 + x3) + 0.0187 * x2 * x3 * (x1 + 1.57 * x2 + x4)"
           " + 0.0607 * x1 * x4 * x5^2 * (x1 + x2 + x3) + 0.0437 * x2 * x3 * x6^2 * (x1 + 1.57 * x2 + x4)",
  constraints=["0.001 * x1 * x2 * x3 * x4 * x5 * x6 - 2.07 >= 0",
               "1 - 0.00062 * x1 * x4 * x5^2 * (x1 + x2 + x3) - 0.00058 * x2 * x3 * x6^2 * (x1 + 1.57 * x2 + x4) >= 0"],
  fstar=135.075961, xstar=[5.332666, 4.656744, 10.43299, 12.08230, 0.7526074, 0.87865084])
G95 = ["17.1 * x1 + 38.2 * x2 + 204.2 * x3 + 212.3 * x4 + 623.4 * x5 + 1495.5 * x6 - 169 * x1 * x3"
       " - 3580 * x3 * x5 - 3810 * x4 * x5 - 18500 * x4 * x6 - 24300 * x5 * x6",
       "17.9 * x1 + 36.8 * x2 + 113.9 * x3 + 169.7 * x4 + 337.8 * x5 + 1385.2 * x6 - 139 * x1 * x3"
       " - 2450 * x4 * x5 - 16600 * x4 * x6 - 17200 * x5 * x6",
       "-273 * x2 - 70 * x4 - 819 * x5 + 26000 * x4 * x5",
       "159.9 * x1 - 311 * x2 + 587 * x4 + 391 * x5 + 2198 * x6 - 14000 * x1 * x6"]
for _name, _b, _fs in (("hs95", [4.97, -1.88, -29.08, -78.02], 0.015619514),
                       ("hs96", [4.97, -1.88, -69.08, -118.02], 0.015619514),
                       ("hs97", [32.97, 25.12, -29.08, -78.02], 3.1358091),
                       ("hs98", [32.97, 25.12, -124.08, -173.02], 3.1358091)):
    P(_name, n=6, start=[0.0] * 6, lower=[0.0] * 6, upper=[0.31, 0.046, 0.068, 0.042, 0.028, 0.0134],
      minimize="4.3 * x1 + 31.8 * x2 + 63.3 * x3 + 15.8 * x4 + 68.5 * x5 + 4.7 * x6",
      constraints=[f"{g} >= {b}" for g, b in zip(G95, _b)], fstar=_fs, xstar=None)
P("hs100", n=7, start=[1.0, 2.0, 0.0, 4.0, 0.0, 1.0, 1.0],
  minimize="(x1 - 10)^2 + 5 * (x2 - 12)^2 + x3^4 + 3 * (x4 - 11)^2 + 10 * x5^6 + 7 * x6^2 + x7^4"
           " - 4 * x6 * x7 - 10 * x6 - 8 * x7",
  constraints=["127 - 2 * x1^2 - 3 * x2^4 - x3 - 4 * x4^2 - 5 * x5 >= 0",
               "282 - 7 * x1 - 3 * x2 - 10 * x3^2 - x4 + x5 >= 0",
               "196 - 23 * x1 - x2^2 - 6 * x6^2 + 8 * x7 >= 0",
               "-4 * x1^2 - x2^2 + 3 * x1 * x2 - 2 * x3^2 - 5 * x6 + 11 * x7 >= 0"],
  fstar=680.6300573, xstar=[2.330499, 1.951372, -0.4775414, 4.365726, -0.6244870, 1.038131, 1.594227])


def _hs101(a):
    f = posy([(10, [1, -1, 0, 2, 0, -3, a]), (15, [-1, -2, 1, 1, -1, 0, -0.5]),
              (20, [-2, 1, 0, -1, -2, 1, 0]), (25, [2, 2, -1, 0, 0.5, -2, 1])])
    g = ["1 - (" + posy([(0.5, [0.5, 0, -1, 0, 0, -2, 1]), (0.7, [3, 1, -2, 0, 0, 1, 0.5]),
                         (0.2, [0, -1, 1, -0.5, 0, 2 / 3, 0.25])]) + ") >= 0",
         "1 - (" + posy([(1.3, [-0.5, 1, -1, 0, -1, 1, 0]), (0.8, [0, 0, 1, -1, -1, 2, 0]),
                         (3.1, [-1, 0.5, 0, -2, -1, 1 / 3, 0])]) + ") >= 0",
         "1 - (" + posy([(2, [1, 0, -1.5, 0, 1, -1, 1 / 3]), (0.1, [0, 1, -0.5, 0, 1, -1, -0.5]),
                         (1, [-1, 1, 0.5, 0, 1, 0, 0]), (0.65, [0, -2, 1, 0, 1, -1, 1])]) + ") >= 0",
         "1 - (" + posy([(0.2, [-2, 1, 0, -1, 0.5, 0, 1 / 3]), (0.3, [0.5, 2, 1, 1 / 3, -2 / 3, 0, 0.25]),
                         (0.4, [-3, -2, 1, 0, 1, 0, 0.75]), (0.5, [0, 0, -2, 1, 0, 0, 0.5])]) + ") >= 0",
         f"100 <= {f} <= 3000"]
    return f, g


for _name, _a, _fs, _xs in (
        ("hs101", -0.25, 1809.76476, [2.856159, 0.6108230, 2.150813, 4.712874, 0.9994875, 1.347508, 0.03165277]),
        ("hs102", 0.125, 911.880571, [3.896253, 0.8093588, 2.664386, 4.300914, 0.8535549, 1.095287, 0.02731373]),
        ("hs103", 0.5, 543.667958, [4.394104, 0.8544687, 2.843230, 3.399978, 0.7229245, 0.8704064, 0.02463895])):
    _obj, _cons = _hs101(_a)
    P(_name, n=7, start=[6.0] * 7, lower=[0.1] * 6 + [0.01], upper=[10.0] * 7, minimize=_obj,
      constraints=_cons, fstar=_fs, xstar=_xs,
      note="The book's g5 = f - 100 >= 0 and g6 = 3000 - f >= 0 are one range on the objective's expression.")
F104 = "0.4 * x1^0.67 * x7^(-0.67) + 0.4 * x2^0.67 * x8^(-0.67) + 10 - x1 - x2"
P("hs104", n=8, start=[6.0, 3.0, 0.4, 0.2, 6.0, 6.0, 1.0, 0.5], lower=[0.1] * 8, upper=[10.0] * 8,
  minimize=F104,
  constraints=["1 - 0.0588 * x5 * x7 - 0.1 * x1 >= 0", "1 - 0.0588 * x6 * x8 - 0.1 * x1 - 0.1 * x2 >= 0",
               "1 - 4 * x3 / x5 - 2 * x3^(-0.71) / x5 - 0.0588 * x3^(-1.3) * x7 >= 0",
               "1 - 4 * x4 / x6 - 2 * x4^(-0.71) / x6 - 0.0588 * x4^(-1.3) * x8 >= 0",
               f"1 <= {F104} <= 4.2"],
  fstar=3.9511634396, xstar=[6.465114, 2.232709, 0.6673975, 0.5957564, 5.932676, 5.527235, 1.013322, 0.4006682],
  note="The book's g5 = f - 1 >= 0 and g6 = 4.2 - f >= 0 are one range on the objective's expression.")
P("hs106", n=8, start=[5000.0, 5000.0, 5000.0, 200.0, 350.0, 150.0, 225.0, 425.0],
  lower=[100.0, 1000.0, 1000.0, 10.0, 10.0, 10.0, 10.0, 10.0],
  upper=[10000.0, 10000.0, 10000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0], minimize="x1 + x2 + x3",
  constraints=["1 - 0.0025 * (x4 + x6) >= 0", "1 - 0.0025 * (x5 + x7 - x4) >= 0", "1 - 0.01 * (x8 - x5) >= 0",
               "x1 * x6 - 833.33252 * x4 - 100 * x1 + 83333.333 >= 0",
               "x2 * x7 - 1250 * x5 - x2 * x4 + 1250 * x4 >= 0",
               "x3 * x8 - 1250000 - x3 * x5 + 2500 * x5 >= 0"],
  fstar=7049.330923, xstar=[579.3167, 1359.943, 5110.071, 182.0174, 295.5985, 217.9799, 286.4162, 395.5979],
  note="Badly scaled (x ~ 1e1 to 1e4, constraints mixing 1e-3 and 1e6 coefficients).")
P("hs107", n=9, start=[0.8, 0.8, 0.2, 0.2, 1.0454, 1.0454, 1.0454, 0.0, 0.0],
  lower=[0.0, 0.0, None, None, 0.90909, 0.90909, 0.90909, None, None],
  upper=[None, None, None, None, 1.0909, 1.0909, 1.0909, None, None],
  parameters={"c": 48.4 / 50.176 * math.sin(0.25), "d": 48.4 / 50.176 * math.cos(0.25)},
  minimize="3000 * x1 + 1000 * x1^3 + 2000 * x2 + 666.667 * x2^3",
  constraints=["0.4 - x1 + 2 * c * x5^2 - x5 * x6 * (d * sin(x8) + c * cos(x8)) - x5 * x7 * (d * sin(x9) + c * cos(x9)) = 0",
               "0.4 - x2 + 2 * c * x6^2 + x5 * x6 * (d * sin(x8) - c * cos(x8)) + x6 * x7 * (d * sin(x8 - x9) - c * cos(x8 - x9)) = 0",
               "0.8 + 2 * c * x7^2 + x5 * x7 * (d * sin(x9) - c * cos(x9)) - x6 * x7 * (d * sin(x8 - x9) + c * cos(x8 - x9)) = 0",
               "0.2 - x3 + 2 * d * x5^2 + x5 * x6 * (c * sin(x8) - d * cos(x8)) + x5 * x7 * (c * sin(x9) - d * cos(x9)) = 0",
               "0.2 - x4 + 2 * d * x6^2 - x5 * x6 * (c * sin(x8) + d * cos(x8)) - x6 * x7 * (c * sin(x8 - x9) + d * cos(x8 - x9)) = 0",
               "-0.337 + 2 * d * x7^2 - x5 * x7 * (c * sin(x9) + d * cos(x9)) + x6 * x7 * (c * sin(x8 - x9) - d * cos(x8 - x9)) = 0"],
  fstar=5055.011803, xstar=[0.6670128, 1.022388, 0.2282874, 0.1848213, 1.090909, 1.090909, 1.069036,
                            0.1066126, -0.3387867],
  note="The constants c = (48.4/50.176) sin 0.25 and d = (48.4/50.176) cos 0.25 are parameters.")
P("hs108", n=9, start=[1.0] * 9, lower=[None] * 8 + [0.0],
  minimize="-0.5 * (x1 * x4 - x2 * x3 + x3 * x9 - x5 * x9 + x5 * x8 - x6 * x7)",
  constraints=["1 - x3^2 - x4^2 >= 0", "1 - x9^2 >= 0", "1 - x5^2 - x6^2 >= 0", "1 - x1^2 - (x2 - x9)^2 >= 0",
               "1 - (x1 - x5)^2 - (x2 - x6)^2 >= 0", "1 - (x1 - x7)^2 - (x2 - x8)^2 >= 0",
               "1 - (x3 - x5)^2 - (x4 - x6)^2 >= 0", "1 - (x3 - x7)^2 - (x4 - x8)^2 >= 0",
               "1 - x7^2 - (x8 - x9)^2 >= 0", "x1 * x4 - x2 * x3 >= 0", "x3 * x9 >= 0", "-x5 * x9 >= 0",
               "x5 * x8 - x6 * x7 >= 0"],
  fstar=-0.8660254038, xstar=None,
  note="The largest hexagon of diameter 1; the book's constraint 1 - x9^2 >= 0 is kept besides the bound "
       "x9 >= 0.")
P("hs110", n=10, start=[9.0] * 10, lower=[2.001] * 10, upper=[9.999] * 10,
  minimize="sum(log(x - 2)^2 + log(10 - x)^2) - exp(0.2 * sum(log(x)))",
  fstar=-45.77846971, xstar=[9.35025655] * 10, vector=True,
  note="The product (x1 ... x10)^0.2 is written exp(0.2 * sum(log(x))) (the grammar has no product; "
       "x > 2 on the box).")
P("hs113", n=10, start=[2.0, 3.0, 5.0, 5.0, 1.0, 2.0, 7.0, 3.0, 6.0, 10.0],
  minimize="x1^2 + x2^2 + x1 * x2 - 14 * x1 - 16 * x2 + (x3 - 10)^2 + 4 * (x4 - 5)^2 + (x5 - 3)^2"
           " + 2 * (x6 - 1)^2 + 5 * x7^2 + 7 * (x8 - 11)^2 + 2 * (x9 - 10)^2 + (x10 - 7)^2 + 45",
  constraints=["105 - 4 * x1 - 5 * x2 + 3 * x7 - 9 * x8 >= 0", "-10 * x1 + 8 * x2 + 17 * x7 - 2 * x8 >= 0",
               "8 * x1 - 2 * x2 - 5 * x9 + 2 * x10 + 12 >= 0",
               "-3 * (x1 - 2)^2 - 4 * (x2 - 3)^2 - 2 * x3^2 + 7 * x4 + 120 >= 0",
               "-5 * x1^2 - 8 * x2 - (x3 - 6)^2 + 2 * x4 + 40 >= 0",
               "-0.5 * (x1 - 8)^2 - 2 * (x2 - 4)^2 - 3 * x5^2 + x6 + 30 >= 0",
               "-x1^2 - 2 * (x2 - 2)^2 + 2 * x1 * x2 - 14 * x5 + 6 * x6 >= 0",
               "3 * x1 - 6 * x2 - 12 * (x9 - 8)^2 + 7 * x10 >= 0"],
  fstar=24.3062091, xstar=[2.171996, 2.363683, 8.773926, 5.095984, 0.9906548, 1.430574, 1.321644,
                           9.828726, 8.280092, 8.375927])
P("hs114", n=10, start=[1745.0, 12000.0, 110.0, 3048.0, 1974.0, 89.2, 92.8, 8.0, 3.6, 145.0],
  lower=[1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 85.0, 90.0, 3.0, 1.2, 145.0],
  upper=[2000.0, 16000.0, 120.0, 5000.0, 2000.0, 93.0, 95.0, 12.0, 4.0, 162.0],
  minimize="5.04 * x1 + 0.035 * x2 + 10 * x3 + 3.36 * x5 - 0.063 * x4 * x7",
  constraints=["35.82 - 0.222 * x10 - 0.9 * x9 >= 0", "-133 + 3 * x7 - 0.99 * x10 >= 0",
               "-35.82 + 0.222 * x10 + 0.9 * x9 + (1 / 0.9 - 0.9) * x9 >= 0",
               "133 - 3 * x7 + 0.99 * x10 + (1 / 0.99 - 0.99) * x10 >= 0",
               "1.12 * x1 + 0.13167 * x1 * x8 - 0.00667 * x1 * x8^2 - 0.99 * x4 >= 0",
               "57.425 + 1.098 * x8 - 0.038 * x8^2 + 0.325 * x6 - 0.99 * x7 >= 0",
               "-1.12 * x1 - 0.13167 * x1 * x8 + 0.00667 * x1 * x8^2 + 0.99 * x4 + (1 / 0.99 - 0.99) * x4 >= 0",
               "-57.425 - 1.098 * x8 + 0.038 * x8^2 - 0.325 * x6 + 0.99 * x7 + (1 / 0.99 - 0.99) * x7 >= 0",
               "1.22 * x4 - x1 - x5 = 0", "98000 * x3 / (x4 * x9 + 1000 * x3) - x6 = 0",
               "(x2 + x5) / x1 - x8 = 0"],
  fstar=-1768.80696, xstar=[1698.096, 15818.73, 54.10228, 3031.226, 2000.0, 90.11542, 95.0, 10.49336,
                            1.561636, 153.5353],
  note="Alkylation process (Bracken and McCormick).")
P("hs116", n=13, start=[0.5, 0.8, 0.9, 0.1, 0.14, 0.5, 489.0, 80.0, 650.0, 450.0, 150.0, 150.0, 150.0],
  lower=[0.1, 0.1, 0.1, 1e-4, 0.1, 0.1, 0.1, 0.1, 500.0, 0.1, 1.0, 1e-4, 1e-4],
  upper=[1.0, 1.0, 1.0, 0.1, 0.9, 0.9, 1000.0, 1000.0, 1000.0, 500.0, 150.0, 150.0, 150.0],
  minimize="x11 + x12 + x13",
  constraints=["x3 - x2 >= 0", "x2 - x1 >= 0", "1 - 0.002 * x7 + 0.002 * x8 >= 0",
               "250 >= x11 + x12 + x13 >= 50",
               "x13 - 1.262626 * x10 + 1.231059 * x3 * x10 >= 0",
               "x5 - 0.03475 * x2 - 0.975 * x2 * x5 + 0.00975 * x2^2 >= 0",
               "x6 - 0.03475 * x3 - 0.975 * x3 * x6 + 0.00975 * x3^2 >= 0",
               "x4 - 0.03475 * x1 - 0.975 * x1 * x4 + 0.00975 * x1^2 >= 0",
               "x12 - 1.262626 * x9 + 1.231059 * x2 * x9 >= 0",
               "x11 - 1.262626 * x8 + 1.231059 * x1 * x8 >= 0",
               "x5 * x7 - x1 * x8 - x4 * x7 + x4 * x8 >= 0",
               "1 - 0.002 * (x2 * x9 + x5 * x8 - x1 * x8 - x6 * x9) - x5 - x6 >= 0",
               "x2 * x9 - x3 * x10 - x6 * x9 - 500 * x2 + 500 * x6 + x2 * x10 >= 0",
               "x2 - 0.9 - 0.002 * (x2 * x10 - x3 * x10) >= 0"],
  fstar=97.588409, xstar=None,
  note="The book's g4 = x11 + x12 + x13 - 50 >= 0 and g15 = 250 - x11 - x12 - x13 >= 0 are one range.")
P("hs117", n=15, start=None, lower=None,
  variables=[{"name": "y", "size": 10, "start": [0.001] * 6 + [60.0] + [0.001] * 3, "lower": 0},
             {"name": "z", "size": 5, "start": 0.001, "lower": 0}],
  parameters={"At": [[float(A86[k][j]) for k in range(10)] for j in range(5)], "b": _f(B86),
              "C": _f(C86), "d": _f(D86), "lin": _f(E86)},
  minimize="-dot(b, y) + dot(z, C @ z) + 2 * dot(d, z^3)",
  constraints=["2 * (C @ z) + 3 * d * z^2 + lin - At @ y >= 0"],
  fstar=32.348679, xstar=None,
  note="The dual of HS86 (Colville 2), written with two vector variables y (the book's x1..x10) and z "
       "(x11..x15) and one vector inequality; At is the transpose of HS86's matrix A.")
P("hs118", n=15, start=[20.0, 55.0, 15.0] + [20.0, 60.0, 20.0] * 4,
  lower=[8.0, 43.0, 3.0] + [0.0] * 12, upper=[21.0, 57.0, 16.0] + [90.0, 120.0, 60.0] * 4,
  parameters={"ramp_hi": [6.0, 7.0, 6.0] * 4,
              "c1": [2.3, 1.7, 2.2] * 5, "c2": [1e-4, 1e-4, 1.5e-4] * 5,
              "Sblk": [[1.0 if j // 3 == i else 0.0 for j in range(15)] for i in range(5)],
              "demand": [60.0, 50.0, 70.0, 85.0, 100.0]},
  minimize="dot(c1, x) + dot(c2, x^2)",
  constraints=[{"name": "ramp", "equation": "-7 <= x[3:] - x[:-3] <= ramp_hi"},
               {"name": "demand", "equation": "Sblk @ x >= demand"}],
  fstar=664.8204500, xstar=[8, 49, 3, 1, 56, 0, 1, 63, 6, 3, 70, 12, 5, 77, 18], vector=True,
  note="Written with vector operations: the 24 ramp inequalities 0 <= x_{3j+k} - x_{3(j-1)+k} + 7 <= 13 "
       "(14 for k = 2) are one vector range -7 <= x[3:] - x[:-3] <= ramp_hi, the five demands one vector "
       "inequality.")
A119 = [[1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1], [0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0], [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]
B119_COLS = [[0.22, -1.46, 1.29, -1.10, 0, 0, 1.12, 0], [0.20, 0, -0.89, -1.06, 0, -1.72, 0, 0.45],
             [0.19, -1.30, 0, 0.95, 0, -0.33, 0, 0.26], [0.25, 1.82, 0, -0.54, -1.43, 0, 0.31, -1.10],
             [0.15, -1.15, -1.16, 0, 1.51, 1.62, 0, 0.58], [0.11, 0, -0.96, -1.78, 0.59, 1.24, 0, 0],
             [0.12, 0.80, 0, -0.41, -0.33, 0.21, 1.12, -1.03], [0.13, 0, -0.49, 0, -0.43, -0.26, 0, 0.10],
             [1, 0, 0, 0, 0, 0, -0.36, 0]] + [[1.0 if r == k else 0.0 for r in range(8)] for k in range(1, 8)]
B119 = [[float(B119_COLS[j][i]) for j in range(16)] for i in range(8)]
P("hs119", n=16, start=[10.0] * 16, lower=[0.0] * 16, upper=[5.0] * 16,
  parameters={"A": _f(A119), "B": B119, "c": [2.5, 1.1, -3.1, -3.5, 1.3, 2.1, 2.3, -1.5]},
  minimize="dot(x^2 + x + 1, A @ (x^2 + x + 1))", constraints=["B @ x = c"],
  fstar=244.899698, xstar=None, vector=True,
  note="Written with vector operations (f = q' A q with q = x^2 + x + 1; the eight equations B @ x = c). "
       "The standard start x = 10 lies outside the box 0 <= x <= 5; it is moved inside.")

# extra: small maximization problems with closed-form answers (the HS set
# has none), for the sign convention of maximize
EXTRA = {
    "max_budget": dict(
        description="Maximise x y on the budget x + 2 y <= c (c = 4) with x, y >= 0: x* = c/2, y* = c/4, "
                    "f* = c^2/8 = 2, lambda = d f*/dc = c/4 = 1 (an active upper end of a maximisation: "
                    "lambda > 0). The bounds are inactive (z = 0).",
        variables=[{"name": "x", "start": 1.0, "lower": 0}, {"name": "y", "start": 1.0, "lower": 0}],
        parameters={"c": 4.0}, maximize="x * y", constraints=[{"name": "budget", "equation": "x + 2 * y <= c"}],
        expected={"objective": 2.0, "x": {"x": 2.0, "y": 1.0}, "multipliers": [1.0],
                  "bound_multipliers": {"x": 0.0, "y": 0.0}}),
    "max_box_range": dict(
        description="Maximise -(x - 3)^2 - (y - 2)^2 with the bound x <= u (u = 1) and the range "
                    "0 <= x + y <= h (h = 2). Both upper ends are active at (1, 1): f = -(u - 3)^2 - "
                    "(h - u - 2)^2 = -5, lambda = d f*/dh = -2 (h - u - 2) = 2, z_x = d f*/du = "
                    "-2 (u - 3) + 2 (h - u - 2) = 2, z_y = 0 (y unbounded).",
        variables=[{"name": "x", "start": 0.0, "upper": 1}, {"name": "y", "start": 0.0}],
        maximize="-(x - 3)^2 - (y - 2)^2", constraints=["0 <= x + y <= 2"],
        expected={"objective": -5.0, "x": {"x": 1.0, "y": 1.0}, "multipliers": [2.0],
                  "bound_multipliers": {"x": 2.0, "y": 0.0}}),
    "max_log_cap": dict(
        description="Maximise sum(log(x)) over x in R^3 with 6 >= sum(x) (the constant on the left: "
                    "g = 6 - sum(x) >= 0) and upper bounds x <= cap = (1, 5, 5) (a bound written as a "
                    "parameter expression), lower bounds 1e-3. Solution x = (1, 2.5, 2.5), f* = "
                    "2 log 2.5. The budget's multiplier is d f*/d(constant added to the right-hand side "
                    "sum(x)) = -d f*/d(budget) = -1/2.5 = -0.4 (for maximize an active '>=' has lambda <= 0); "
                    "z1 = d f*/d cap1 = 1/x1 - 0.4 = 0.6.",
        variables=[{"name": "x", "size": 3, "start": 0.5, "lower": 1e-3, "upper": "cap"}],
        parameters={"cap": [1.0, 5.0, 5.0]}, maximize="sum(log(x))", constraints=["6 >= sum(x)"],
        expected={"objective": 2 * math.log(2.5), "x": {"x": [1.0, 2.5, 2.5]}, "multipliers": [-0.4],
                  "bound_multipliers": {"x": [0.6, 0.0, 0.0]}}),
}
