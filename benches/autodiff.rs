//! Benchmarks of the autodiff engine against the targets of issue 2, each
//! compared with an in-process peer measured in the same run:
//!
//! 1. scalar chain (x ← sin(x)·y + x·x/(1+y), 10,002 ops): forward + gradient
//!    per op, compiled tape (target ≤ 10 ns/op) and eager recording
//!    (target ≤ 30 ns/op); peer: one libm `sin` call;
//! 2. f(x) = sum(exp(sin(x))·x²) at 10⁷ elements: backward ≤ 3× forward,
//!    forward + backward ≤ 0.5 s; peer: the forward pass;
//! 3. gradient of ½xᵀAx − bᵀx, dense A 4000×4000: ≤ 1.2× two faer
//!    matrix-vector products (A·x and Aᵀ·y on the same storage);
//! 4. dense Hessian of a 100-variable function: ≤ 3 × 100 gradients.
//!
//! Criterion reports each measurement; the `SUMMARY` lines give the ratios.
//! Ratios come from alternating runs of the two sides, so that load from
//! other processes on a shared machine hits both alike; single-threaded
//! costs are also given in thread CPU time (Linux), which such load does
//! not inflate. `LAGRANGE_BENCH_QUICK=1` shrinks the sizes for a smoke run.

use criterion::{criterion_group, Criterion};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Par};
use lagrange::autodiff::{Tape, Tensor};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn quick() -> bool {
    std::env::var_os("LAGRANGE_BENCH_QUICK").is_some()
}

/// Runs `f` and `g` alternately `reps` times (after a warm-up) and returns
/// their median wall times.
fn paired(reps: usize, mut f: impl FnMut(), mut g: impl FnMut()) -> (Duration, Duration) {
    f();
    g();
    let (mut tf, mut tg) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let s = Instant::now();
        f();
        tf.push(s.elapsed());
        let s = Instant::now();
        g();
        tg.push(s.elapsed());
    }
    tf.sort();
    tg.sort();
    (tf[reps / 2], tg[reps / 2])
}

/// CPU time this thread has run, in nanoseconds (Linux `schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Mean thread CPU time per run of `f` over `reps` runs.
fn cpu_time(reps: usize, mut f: impl FnMut()) -> Option<f64> {
    f();
    let start = thread_cpu_ns()?;
    for _ in 0..reps {
        f();
    }
    Some((thread_cpu_ns()? - start) as f64 / reps as f64)
}

/// CPU time of the whole process (all threads), in seconds (Linux
/// `/proc/self/stat`, 10 ms resolution).
fn process_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the name.
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn report(name: &str, value: f64, unit: &str, target: &str) {
    println!("SUMMARY {name:<56} {value:>11.3} {unit:<6} {target}");
}

// ---- 1. scalar chain -----------------------------------------------------------

const CHAIN_ITERS: usize = 1667; // 6 ops per iteration: 10,002 ops

/// Builds the chain eagerly; returns (x, y, output, number of ops).
fn scalar_chain(x0: f64, y0: f64) -> (Tensor, Tensor, Tensor, usize) {
    let x = Tensor::scalar(x0).requires_grad();
    let y = Tensor::scalar(y0).requires_grad();
    let mut v = x.clone();
    for _ in 0..CHAIN_ITERS {
        // sin, mul, mul, add-constant, div, add
        v = v.sin() * &y + &v * &v / (1.0 + &y);
    }
    (x, y, v, 6 * CHAIN_ITERS)
}

fn eager_chain_gradient() -> Option<Vec<f64>> {
    let (x, _y, f, _) = scalar_chain(black_box(0.5), 2.0);
    f.backward().unwrap();
    x.grad()
}

fn bench_scalar_chain(c: &mut Criterion) {
    let (x, y, f, ops) = scalar_chain(0.5, 2.0);
    let mut tape = Tape::record(&[&x, &y], &[&f]).unwrap();
    drop((x, y, f));
    assert_eq!(tape.num_instructions(), ops);
    let mut g = [0.0; 2];
    let mut group = c.benchmark_group("scalar_chain_10k_ops");
    group.bench_function("tape_forward_plus_gradient", |b| {
        b.iter(|| {
            tape.forward(black_box(&[0.5, 2.0]));
            tape.vjp(&[1.0], &mut g);
            black_box(g[0])
        })
    });
    group.bench_function("eager_record_plus_backward", |b| {
        b.iter(eager_chain_gradient)
    });
    group.finish();

    let n = ops as f64;
    let mut tape2 = tape.clone();
    let (tape_t, eager_t) = paired(
        101,
        || {
            tape2.forward(&[0.5, 2.0]);
            tape2.vjp(&[1.0], &mut g);
        },
        || {
            black_box(eager_chain_gradient());
        },
    );
    report(
        "chain: tape forward+gradient per op (wall)",
        tape_t.as_nanos() as f64 / n,
        "ns/op",
        "target <= 10",
    );
    report(
        "chain: eager record+backward per op (wall)",
        eager_t.as_nanos() as f64 / n,
        "ns/op",
        "target <= 30",
    );
    let tape_cpu = cpu_time(300, || {
        tape.forward(&[0.5, 2.0]);
        tape.vjp(&[1.0], &mut g);
    });
    let fwd_cpu = cpu_time(300, || tape.forward(&[0.5, 2.0]));
    let eager_cpu = cpu_time(50, || {
        black_box(eager_chain_gradient());
    });
    let mut acc = 0.0;
    let sin_cpu = cpu_time(100, || {
        for i in 0..10_000 {
            acc += black_box(0.5 + i as f64 * 1e-6).sin();
        }
    });
    black_box(acc);
    if let (Some(t), Some(fw), Some(e), Some(s)) = (tape_cpu, fwd_cpu, eager_cpu, sin_cpu) {
        report(
            "chain: tape forward+gradient per op (CPU time)",
            t / n,
            "ns/op",
            "target <= 10",
        );
        report(
            "chain: tape forward only per op (CPU time)",
            fw / n,
            "ns/op",
            "",
        );
        report(
            "chain: eager record+backward per op (CPU time)",
            e / n,
            "ns/op",
            "target <= 30",
        );
        report("peer: one libm sin call (CPU time)", s / 10_000.0, "ns", "");
    }
}

// ---- 2. large elementwise --------------------------------------------------------

fn bench_elementwise(c: &mut Criterion) {
    let n = if quick() { 100_000 } else { 10_000_000 };
    let data: Vec<f64> = (0..n).map(|i| ((i % 1000) as f64) * 1e-3 - 0.5).collect();
    let x = Tensor::vector(data.clone()).requires_grad();
    let f = (x.sin().exp() * x.powf(2.0)).sum();
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    drop((x, f));
    let mut g = vec![0.0; n];
    let mut group = c.benchmark_group("sum_exp_sin_x_times_x2");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function(format!("tape_forward_n{n}"), |b| {
        b.iter(|| tape.forward(black_box(&data)))
    });
    group.bench_function(format!("tape_forward_plus_backward_n{n}"), |b| {
        b.iter(|| {
            tape.forward(black_box(&data));
            tape.vjp(&[1.0], &mut g);
        })
    });
    group.finish();

    let mut tape2 = tape.clone();
    let mut g2 = g.clone();
    let (fwd, both) = paired(
        7,
        || tape.forward(&data),
        || {
            tape2.forward(&data);
            tape2.vjp(&[1.0], &mut g2);
        },
    );
    let reps = 10;
    let cpu_both = process_cpu_s().and_then(|start| {
        for _ in 0..reps {
            tape2.forward(&data);
            tape2.vjp(&[1.0], &mut g2);
        }
        Some((process_cpu_s()? - start) / reps as f64)
    });
    drop((tape, tape2));
    let eager = paired(
        3,
        || {
            let x = Tensor::vector(data.clone()).requires_grad();
            let f = (x.sin().exp() * x.powf(2.0)).sum();
            f.backward().unwrap();
            black_box(x.grad());
        },
        || {},
    )
    .0;
    let back = both.saturating_sub(fwd);
    report(
        &format!("elementwise n={n}: tape forward"),
        fwd.as_secs_f64(),
        "s",
        "",
    );
    report(
        &format!("elementwise n={n}: tape forward+backward"),
        both.as_secs_f64(),
        "s",
        "target <= 0.5",
    );
    report(
        "elementwise: backward / forward",
        back.as_secs_f64() / fwd.as_secs_f64(),
        "ratio",
        "target <= 3",
    );
    if let Some(c) = cpu_both {
        report(
            &format!("elementwise n={n}: forward+backward, CPU (all threads)"),
            c,
            "s",
            "",
        );
    }
    report(
        &format!("elementwise n={n}: eager forward+backward"),
        eager.as_secs_f64(),
        "s",
        "",
    );
}

// ---- 3. quadratic with dense A ------------------------------------------------------

fn bench_quadratic(c: &mut Criterion) {
    let n = if quick() { 500 } else { 4000 };
    let a_data: Vec<f64> = (0..n * n)
        .map(|k| (((k * 7919) % 1000) as f64) * 1e-3 - 0.5)
        .collect();
    let b_data: Vec<f64> = (0..n).map(|i| (i % 13) as f64 * 0.1).collect();
    let x0: Vec<f64> = (0..n).map(|i| (i % 17) as f64 * 0.05 - 0.4).collect();
    let a = Tensor::matrix(n, n, a_data.clone());
    let b = Tensor::vector(b_data);
    let x = Tensor::vector(x0.clone()).requires_grad();
    let f = 0.5 * x.dot(&a.matmul(&x)) - b.dot(&x);
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    drop((a, b, x, f));
    let mut g = vec![0.0; n];
    let am = MatRef::from_row_major_slice(&a_data, n, n);
    let xv = MatRef::from_row_major_slice(&x0, n, 1);
    let mut y1 = Mat::<f64>::zeros(n, 1);
    let mut y2 = Mat::<f64>::zeros(n, 1);
    let mut two_matvecs = || {
        matmul(y1.as_mut(), Accum::Replace, am, xv, 1.0, Par::Seq);
        matmul(
            y2.as_mut(),
            Accum::Replace,
            am.transpose(),
            y1.as_ref(),
            1.0,
            Par::Seq,
        );
        black_box(y2[(0, 0)]);
    };
    let mut group = c.benchmark_group(format!("quadratic_dense_{n}"));
    group.sample_size(20);
    group.bench_function("tape_forward_plus_gradient", |bch| {
        bch.iter(|| {
            tape.forward(black_box(&x0));
            tape.vjp(&[1.0], &mut g);
        })
    });
    group.bench_function("faer_two_matvecs", |bch| bch.iter(&mut two_matvecs));
    group.finish();

    let (grad_t, peer_t) = paired(
        31,
        || {
            tape.forward(&x0);
            tape.vjp(&[1.0], &mut g);
        },
        &mut two_matvecs,
    );
    report(
        &format!("quadratic n={n}: tape forward+gradient"),
        grad_t.as_secs_f64() * 1e3,
        "ms",
        "",
    );
    report(
        &format!("quadratic n={n}: two faer matvecs"),
        peer_t.as_secs_f64() * 1e3,
        "ms",
        "",
    );
    report(
        "quadratic: gradient / two matvecs",
        grad_t.as_secs_f64() / peer_t.as_secs_f64(),
        "ratio",
        "target <= 1.2",
    );
}

// ---- 4. Hessian of 100 variables ----------------------------------------------------

/// f(x) = Σᵢ [(xᵢ − xᵢ₊₁)² + sin(xᵢ) xᵢ₊₁ + exp(xᵢ/10)] + (Σᵢ xᵢ²)², written
/// with scalar ops (the last term couples all variables: a dense Hessian).
fn hess_fn(x: &Tensor, n: usize) -> Tensor {
    let xs: Vec<Tensor> = (0..n).map(|i| x.index(i as isize)).collect();
    let mut f = Tensor::scalar(0.0);
    let mut s = Tensor::scalar(0.0);
    for i in 0..n {
        let next = &xs[(i + 1) % n];
        let d = &xs[i] - next;
        f = f + &d * &d + xs[i].sin() * next + (&xs[i] / 10.0).exp();
        s = s + &xs[i] * &xs[i];
    }
    f + &s * &s
}

fn bench_hessian(c: &mut Criterion) {
    let n = 100;
    let p: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let x = Tensor::vector(p.clone()).requires_grad();
    let f = hess_fn(&x, n);
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    drop((x, f));
    let mut h = Mat::<f64>::zeros(n, n);
    let mut g = vec![0.0; n];
    let mut group = c.benchmark_group("hessian_100");
    group.bench_function("tape_hessian", |b| {
        b.iter(|| {
            tape.forward(black_box(&p));
            tape.hessian(&[1.0], h.as_mut());
        })
    });
    group.bench_function("tape_100_gradients", |b| {
        b.iter(|| {
            for _ in 0..n {
                tape.forward(black_box(&p));
                tape.vjp(&[1.0], &mut g);
            }
        })
    });
    group.finish();
    let mut tape2 = tape.clone();
    let (hess_t, grads_t) = paired(
        51,
        || {
            tape.forward(&p);
            tape.hessian(&[1.0], h.as_mut());
        },
        || {
            for _ in 0..n {
                tape2.forward(&p);
                tape2.vjp(&[1.0], &mut g);
            }
        },
    );
    report(
        "hessian n=100: dense Hessian",
        hess_t.as_secs_f64() * 1e6,
        "us",
        "",
    );
    report(
        "hessian n=100: 100 gradients",
        grads_t.as_secs_f64() * 1e6,
        "us",
        "",
    );
    report(
        "hessian: Hessian / (100 gradients)",
        hess_t.as_secs_f64() / grads_t.as_secs_f64(),
        "ratio",
        "target <= 3",
    );
}

criterion_group!(
    benches,
    bench_scalar_chain,
    bench_elementwise,
    bench_quadratic,
    bench_hessian
);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
