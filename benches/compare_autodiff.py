#!/usr/bin/env python3
"""Peers for benches/autodiff.rs (issue 2): the same four functions, the same
sizes and the same data, in PyTorch (CPU, eager), CasADi (SX virtual machine,
MX for the large vector/matrix cases) and JAX (jit), on 2 threads, in
float64 (the Rust engine's precision). Prints one table; --json FILE writes
the numbers.

 (a) scalar chain: v <- sin(v)*y + v*v/(1+y), repeated 1667 times from
     v = x = 0.5, y = 2.0: 6 elementary ops per repetition, 10,002 ops
     (sin, *, *, 1+y, /, +). Forward + gradient (w.r.t. x and y), reported
     per elementary op. PyTorch: 0-dim tensors, eager. CasADi: the SX graph
     of value and reverse-mode gradient, evaluated by its virtual machine
     (and, with --codegen, compiled C through CasADi's jit with the system C
     compiler at -O1; the compile takes about a minute). JAX: jit of
     value_and_grad of the chain as a lax.scan (fully unrolled, XLA's compile
     did not finish in minutes).
 (b) f(x) = sum(exp(sin(x)) * x^2), n = 10^7, x_i = (i % 1000)*1e-3 - 0.5:
     forward alone and forward + backward (gradient).
 (c) f(x) = 0.5 x'Ax - b'x, dense A 4000x4000 with A[k] (row-major flat
     index k) = ((7919 k) % 1000)*1e-3 - 0.5, b_i = (i % 13)*0.1,
     x_i = (i % 17)*0.05 - 0.4: time of the gradient (with the forward
     value), next to one and two NumPy matrix-vector products.
 (d) dense Hessian of the 100-variable function
       f(x) = sum_i [(x_i - x_{i+1})^2 + sin(x_i) x_{i+1} + exp(x_i/10)] + (sum_i x_i^2)^2
     (indices cyclic, i+1 taken mod 100: the last term makes the Hessian
     dense) at x_i = sin(0.37 i); reported with the time of 100 gradients and
     the ratio Hessian / (100 gradients). CasADi's 100 gradients run inside
     its VM (Function.map(100, "serial")), JAX's inside one jit (lax.map),
     so that Python call overhead does not count; PyTorch's are 100 eager
     backward passes. This is the function of
     benches/autodiff.rs (hess_fn), so the ratios compare directly.

Times are medians of several runs after a warm-up (JAX: compile excluded,
reported separately). Usage: .venv/bin/python benches/compare_autodiff.py
[--quick] [--json FILE] [--codegen] [--skip torch,casadi,jax]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

CHAIN_ITERS = 1667
CHAIN_OPS = 6 * CHAIN_ITERS
RESULTS: dict = {}


def median_time(f, reps, warmup=1):
    for _ in range(warmup):
        f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def record(key, peer, value, unit):
    RESULTS.setdefault(key, {})[peer] = (value, unit)


def data_b(n):
    return (np.arange(n) % 1000) * 1e-3 - 0.5


def data_c(n):
    k = np.arange(n * n, dtype=np.int64)
    A = (((k * 7919) % 1000) * 1e-3 - 0.5).reshape(n, n)
    b = (np.arange(n) % 13) * 0.1
    x = (np.arange(n) % 17) * 0.05 - 0.4
    return A, b, x


def data_d(n=100):
    return np.sin(np.arange(n) * 0.37)


def hess_reference(p):
    """Analytic gradient of (d) in numpy, to check every peer's numbers."""
    n = p.size
    nxt = np.roll(p, -1)
    prv = np.roll(p, 1)
    s = np.sum(p * p)
    g = 2 * (p - nxt) - 2 * (prv - p) + np.cos(p) * nxt + np.sin(prv) + np.exp(p / 10) / 10 + 4 * s * p
    return g


# ---------------------------------------------------------------------------
# PyTorch
# ---------------------------------------------------------------------------

def bench_torch(quick):
    import torch

    torch.set_num_threads(2)
    dt = torch.float64
    out = {"version": torch.__version__}

    # (a) eager chain of 0-dim tensors
    def chain():
        x = torch.tensor(0.5, dtype=dt, requires_grad=True)
        y = torch.tensor(2.0, dtype=dt, requires_grad=True)
        v = x
        for _ in range(CHAIN_ITERS):
            v = torch.sin(v) * y + v * v / (1 + y)
        v.backward()
        return x.grad, y.grad

    t = median_time(chain, 3 if quick else 7)
    record("a_chain_fwd_grad_ns_per_op", "PyTorch eager", t / CHAIN_OPS * 1e9, "ns/op")

    # (b) large elementwise
    n = 100_000 if quick else 10_000_000
    xb = torch.tensor(data_b(n), dtype=dt)

    def fwd():
        with torch.no_grad():
            return torch.sum(torch.exp(torch.sin(xb)) * xb * xb).item()

    def fwd_bwd():
        x = xb.detach().requires_grad_(True)
        f = torch.sum(torch.exp(torch.sin(x)) * x ** 2)
        f.backward()
        return x.grad

    record("b_elementwise_forward_s", "PyTorch eager", median_time(fwd, 5), "s")
    record("b_elementwise_fwd_bwd_s", "PyTorch eager", median_time(fwd_bwd, 5), "s")

    # (c) quadratic gradient
    nc = 500 if quick else 4000
    A, b, x0 = data_c(nc)
    At, bt = torch.tensor(A, dtype=dt), torch.tensor(b, dtype=dt)
    xt = torch.tensor(x0, dtype=dt)

    def grad_c():
        x = xt.detach().requires_grad_(True)
        f = 0.5 * torch.dot(x, At @ x) - torch.dot(bt, x)
        f.backward()
        return x.grad

    g = grad_c().numpy()
    assert np.allclose(g, 0.5 * (A @ x0 + A.T @ x0) - b, rtol=1e-9, atol=1e-9)
    record("c_quadratic_grad_ms", "PyTorch eager", median_time(grad_c, 21) * 1e3, "ms")

    # (d) Hessian of 100 variables
    p = torch.tensor(data_d(), dtype=dt)

    def fd(x):
        nxt = torch.roll(x, -1)
        d = x - nxt
        return torch.sum(d * d + torch.sin(x) * nxt + torch.exp(x / 10)) + torch.sum(x * x) ** 2

    def hess():
        return torch.autograd.functional.hessian(fd, p)

    def grads100():
        for _ in range(100):
            x = p.detach().requires_grad_(True)
            fd(x).backward()
        return x.grad

    assert np.allclose(grads100().numpy(), hess_reference(data_d()), rtol=1e-10, atol=1e-10)
    H = hess().numpy()
    assert np.allclose(H, H.T)
    th = median_time(hess, 11)
    tg = median_time(grads100, 11)
    record("d_hessian_us", "PyTorch eager", th * 1e6, "us")
    record("d_100_gradients_us", "PyTorch eager", tg * 1e6, "us")
    record("d_hessian_over_100_gradients", "PyTorch eager", th / tg, "ratio")
    return out


# ---------------------------------------------------------------------------
# CasADi
# ---------------------------------------------------------------------------

def bench_casadi(quick, codegen):
    import casadi as ca

    out = {"version": ca.__version__}
    # (a) SX chain, value + reverse gradient, VM
    x = ca.SX.sym("x")
    y = ca.SX.sym("y")
    v = x
    for _ in range(CHAIN_ITERS):
        v = ca.sin(v) * y + v * v / (1 + y)
    grad = ca.gradient(v, ca.vertcat(x, y))
    F = ca.Function("chain", [x, y], [v, grad])
    out["chain_instructions"] = F.n_instructions()

    def run_vm():
        return F(0.5, 2.0)

    reps = 51 if quick else 201
    t = median_time(run_vm, reps)
    record("a_chain_fwd_grad_ns_per_op", "CasADi SX VM", t / CHAIN_OPS * 1e9, "ns/op")
    # per call through the raw numeric interface (less Python overhead): many calls, amortized
    try:
        Fn = F.buffer() if hasattr(F, "buffer") else None
    except Exception:
        Fn = None
    if Fn is not None:
        buf, trigger = Fn
        a, b_ = np.array([0.5]), np.array([2.0])
        o1, o2 = np.zeros(1), np.zeros(2)
        buf.set_arg(0, memoryview(a))
        buf.set_arg(1, memoryview(b_))
        buf.set_res(0, memoryview(o1))
        buf.set_res(1, memoryview(o2))
        t = median_time(trigger, reps)
        record("a_chain_fwd_grad_ns_per_op", "CasADi SX VM (buffer)", t / CHAIN_OPS * 1e9, "ns/op")
    if codegen:
        try:
            Fj = ca.Function("chainj", [x, y], [v, grad],
                             {"jit": True, "compiler": "shell", "jit_options": {"flags": ["-O1"]}})
            Fj(0.5, 2.0)
            bufj, trigj = Fj.buffer()
            a, b_ = np.array([0.5]), np.array([2.0])
            o1, o2 = np.zeros(1), np.zeros(2)
            bufj.set_arg(0, memoryview(a))
            bufj.set_arg(1, memoryview(b_))
            bufj.set_res(0, memoryview(o1))
            bufj.set_res(1, memoryview(o2))
            t = median_time(trigj, reps)
            record("a_chain_fwd_grad_ns_per_op", "CasADi C (jit -O1)", t / CHAIN_OPS * 1e9, "ns/op")
        except Exception as exc:  # no compiler: say so
            out["codegen_error"] = str(exc)[:200]

    # (b) MX on 10^7 elements
    n = 100_000 if quick else 10_000_000
    xb = ca.MX.sym("x", n)
    fb = ca.sum1(ca.exp(ca.sin(xb)) * xb ** 2)
    Ff = ca.Function("fb", [xb], [fb])
    Fg = ca.Function("gb", [xb], [fb, ca.gradient(fb, xb)])
    d = data_b(n)
    record("b_elementwise_forward_s", "CasADi MX", median_time(lambda: Ff(d), 3), "s")
    record("b_elementwise_fwd_bwd_s", "CasADi MX", median_time(lambda: Fg(d), 3), "s")

    # (c) quadratic, MX with a dense constant matrix
    nc = 500 if quick else 4000
    A, b, x0 = data_c(nc)
    xc = ca.MX.sym("x", nc)
    Ad = ca.DM(A)
    fc = 0.5 * ca.dot(xc, ca.mtimes(Ad, xc)) - ca.dot(ca.DM(b), xc)
    Gc = ca.Function("gc", [xc], [fc, ca.gradient(fc, xc)])
    g = np.asarray(Gc(x0)[1]).ravel()
    assert np.allclose(g, 0.5 * (A @ x0 + A.T @ x0) - b, rtol=1e-9, atol=1e-9)
    record("c_quadratic_grad_ms", "CasADi MX", median_time(lambda: Gc(x0), 11) * 1e3, "ms")

    # (d) SX Hessian
    xs = ca.SX.sym("x", 100)
    terms = 0
    for i in range(100):
        nx = xs[(i + 1) % 100]
        dd = xs[i] - nx
        terms += dd * dd + ca.sin(xs[i]) * nx + ca.exp(xs[i] / 10)
    fdx = terms + ca.sumsqr(xs) ** 2
    H = ca.Function("H", [xs], [ca.hessian(fdx, xs)[0]])
    G = ca.Function("G", [xs], [fdx, ca.gradient(fdx, xs)])
    p = data_d()
    assert np.allclose(np.asarray(G(p)[1]).ravel(), hess_reference(p), rtol=1e-10, atol=1e-10)
    th = median_time(lambda: H(p), 51)

    # 100 gradients inside the VM (map, serial): no Python call per gradient
    G100 = G.map(100, "serial")
    P100 = np.tile(p.reshape(-1, 1), (1, 100))
    tg = median_time(lambda: G100(P100), 21)
    record("d_hessian_us", "CasADi SX VM", th * 1e6, "us")
    record("d_100_gradients_us", "CasADi SX VM", tg * 1e6, "us")
    record("d_hessian_over_100_gradients", "CasADi SX VM", th / tg, "ratio")
    return out


# ---------------------------------------------------------------------------
# JAX
# ---------------------------------------------------------------------------

def bench_jax(quick):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    out = {"version": jax.__version__}

    def block(t):
        return jax.tree_util.tree_map(lambda a: a.block_until_ready(), t)

    # (a) chain under jit, as a lax.scan (one loop trip per repetition).
    # Fully unrolled (a Python loop traced into 10,002 HLO ops plus their
    # adjoints), XLA's CPU compiler did not finish within 8 minutes here and
    # was killed; scan with unroll=128 compiled in 160 s and ran at 4.7 us/op,
    # unroll=16 at 400 ns/op, plain scan (unroll=1) at about 20 ns/op.
    def step(v, _, y):
        return jnp.sin(v) * y + v * v / (1 + y), None

    def chain(x, y):
        v, _ = jax.lax.scan(lambda c, t: step(c, t, y), x, None, length=CHAIN_ITERS)
        return v

    f = jax.jit(jax.value_and_grad(chain, argnums=(0, 1)))
    x0, y0 = jnp.float64(0.5), jnp.float64(2.0)
    t = time.perf_counter()
    block(f(x0, y0))
    out["chain_compile_s"] = time.perf_counter() - t
    tt = median_time(lambda: block(f(x0, y0)), 51 if quick else 201)
    record("a_chain_fwd_grad_ns_per_op", "JAX jit (lax.scan)", tt / CHAIN_OPS * 1e9, "ns/op")

    # (b)
    n = 100_000 if quick else 10_000_000
    xb = jnp.asarray(data_b(n))

    def fb(x):
        return jnp.sum(jnp.exp(jnp.sin(x)) * x ** 2)

    ff = jax.jit(fb)
    fg = jax.jit(jax.value_and_grad(fb))
    block(ff(xb))
    block(fg(xb))
    record("b_elementwise_forward_s", "JAX jit", median_time(lambda: block(ff(xb)), 5), "s")
    record("b_elementwise_fwd_bwd_s", "JAX jit", median_time(lambda: block(fg(xb)), 5), "s")

    # (c)
    nc = 500 if quick else 4000
    A, b, x0c = data_c(nc)
    Aj, bj, xj = jnp.asarray(A), jnp.asarray(b), jnp.asarray(x0c)

    def fc(x):
        return 0.5 * jnp.dot(x, Aj @ x) - jnp.dot(bj, x)

    gc = jax.jit(jax.value_and_grad(fc))
    g = np.asarray(block(gc(xj))[1])
    assert np.allclose(g, 0.5 * (A @ x0c + A.T @ x0c) - b, rtol=1e-9, atol=1e-9)
    record("c_quadratic_grad_ms", "JAX jit", median_time(lambda: block(gc(xj)), 21) * 1e3, "ms")

    # (d)
    def fd(x):
        nxt = jnp.roll(x, -1)
        d = x - nxt
        return jnp.sum(d * d + jnp.sin(x) * nxt + jnp.exp(x / 10)) + jnp.sum(x * x) ** 2

    p = jnp.asarray(data_d())
    hj = jax.jit(jax.hessian(fd))
    gj = jax.jit(jax.grad(fd))
    block(hj(p))
    assert np.allclose(np.asarray(gj(p)), hess_reference(data_d()), rtol=1e-10, atol=1e-10)

    # 100 gradients in one compiled call (lax.map: a sequential loop, no
    # per-call dispatch); the Python loop of 100 calls is reported too
    g100 = jax.jit(lambda ps: jax.lax.map(jax.grad(fd), ps))
    P100 = jnp.tile(p, (100, 1))
    block(g100(P100))

    def grads100():
        return block(g100(P100))

    def grads100_calls():
        for _ in range(100):
            r = gj(p)
        return block(r)

    record("d_100_gradients_us", "JAX jit (100 dispatches)", median_time(grads100_calls, 21) * 1e6, "us")
    th = median_time(lambda: block(hj(p)), 51)
    tg = median_time(grads100, 21)
    record("d_hessian_us", "JAX jit", th * 1e6, "us")
    record("d_100_gradients_us", "JAX jit", tg * 1e6, "us")
    record("d_hessian_over_100_gradients", "JAX jit", th / tg, "ratio")
    return out


def bench_numpy_reference(quick):
    nc = 500 if quick else 4000
    A, b, x0 = data_c(nc)

    def one():
        return A @ x0

    def two():
        y = A @ x0
        return A.T @ y

    record("c_quadratic_grad_ms", "NumPy 1 matvec (reference)", median_time(one, 21) * 1e3, "ms")
    record("c_quadratic_grad_ms", "NumPy 2 matvecs (reference)", median_time(two, 21) * 1e3, "ms")


TITLES = {
    "a_chain_fwd_grad_ns_per_op": "(a) chain, 10,002 scalar ops: forward + gradient",
    "b_elementwise_forward_s": "(b) sum(exp(sin(x)) x^2), n = 1e7: forward",
    "b_elementwise_fwd_bwd_s": "(b) same: forward + backward",
    "c_quadratic_grad_ms": "(c) gradient of 0.5 x'Ax - b'x, A 4000x4000",
    "d_hessian_us": "(d) dense Hessian, 100 variables",
    "d_100_gradients_us": "(d) 100 gradients of the same function",
    "d_hessian_over_100_gradients": "(d) Hessian / (100 gradients)",
}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--codegen", action="store_true", help="also CasADi-generated C (needs a C compiler)")
    ap.add_argument("--skip", default="")
    args = ap.parse_args(argv[1:])
    skip = {s.strip().lower() for s in args.skip.split(",") if s.strip()}
    meta = {"machine": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__, "threads": 2,
            "dtype": "float64", "quick": args.quick,
            "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    for name, fn in (("torch", lambda: bench_torch(args.quick)),
                     ("casadi", lambda: bench_casadi(args.quick, args.codegen)),
                     ("jax", lambda: bench_jax(args.quick))):
        if name in skip:
            continue
        try:
            t = time.perf_counter()
            meta[name] = fn()
            meta[name]["bench_seconds"] = round(time.perf_counter() - t, 1)
            print(f"[{name} done in {meta[name]['bench_seconds']} s]", file=sys.stderr, flush=True)
        except ImportError as exc:
            meta[name] = {"skipped": f"not installed: {exc}"}
            print(f"[{name} skipped: {exc}]", file=sys.stderr)
    bench_numpy_reference(args.quick)

    print(f"\nautodiff peers, float64, 2 threads, {meta['processor'] or platform.machine()}, {meta['cpus']} cpus"
          + (" (QUICK sizes)" if args.quick else ""))
    for key, title in TITLES.items():
        if key not in RESULTS:
            continue
        print(f"\n{title}")
        for peer, (val, unit) in RESULTS[key].items():
            print(f"  {peer:30s} {val:14.4g} {unit}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "results": {k: {p: {"value": v, "unit": u} for p, (v, u) in d.items()}
                                                 for k, d in RESULTS.items()}}, fh, indent=1)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
