//! In-process solve time of the Newton–KKT solver on the equality-constrained
//! Hock–Schittkowski problems (hand-coded derivatives, the same problems as
//! tests/solver_hock_schittkowski.rs) and on a few closed-form problems of
//! growing size. Prints iterations and the geometric mean of the solve times.
//!
//! Run: `cargo bench --bench solver`.

#[path = "../tests/solver_common/mod.rs"]
mod solver_common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use faer::Mat;
use lagrange::solver::{solve, Settings, Status};
use solver_common::hs::problems;
use solver_common::{Closure, Lcg};

/// IPOPT's own solve time (`t_wall_total`, median of 20, seconds) on the
/// same problems and starts, measured with benches/solver_ipopt.py on the
/// development machine (2 shared cores). Iterations are in the problem
/// table (`Hs::ipopt_iterations`).
const IPOPT_SECONDS: [(&str, f64); 19] = [
    ("hs9", 0.629e-3),
    ("hs28", 0.330e-3),
    ("hs42", 0.611e-3),
    ("hs52", 0.342e-3),
    ("hs61", 7.897e-3),
    ("hs6", 3.699e-3),
    ("hs7", 18.852e-3),
    ("hs26", 17.271e-3),
    ("hs27", 52.515e-3),
    ("hs39", 14.901e-3),
    ("hs40", 1.054e-3),
    ("hs46", 24.283e-3),
    ("hs48", 1.191e-3),
    ("hs49", 14.232e-3),
    ("hs50", 4.182e-3),
    ("hs51", 0.419e-3),
    ("hs77", 3.303e-3),
    ("hs78", 1.318e-3),
    ("hs79", 8.190e-3),
];

fn hock_schittkowski(c: &mut Criterion) {
    let settings = Settings::builder().record_history(false).build().unwrap();
    let mut group = c.benchmark_group("hs");
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let mut log_sum = 0.0;
    let mut log_ratio = 0.0;
    let mut count = 0;
    for p in problems() {
        let mut q = p;
        let s = solve(&mut q, &settings);
        assert_eq!(s.status, Status::Converged, "{}", p.name);
        // A direct timing for the summary line (criterion's own numbers are
        // in its report).
        let reps = 200;
        let start = Instant::now();
        for _ in 0..reps {
            let mut q = p;
            black_box(solve(&mut q, &settings));
        }
        let per_solve = start.elapsed().as_secs_f64() / reps as f64;
        let ipopt = IPOPT_SECONDS
            .iter()
            .find(|(name, _)| *name == p.name)
            .map_or(f64::NAN, |(_, t)| *t);
        log_sum += per_solve.ln();
        log_ratio += (ipopt / per_solve).ln();
        count += 1;
        println!(
            "{:5} {:3} iterations (IPOPT {:3})  {:8.2} µs/solve  IPOPT {:8.2} µs  ×{:.0}",
            p.name,
            s.iterations,
            p.ipopt_iterations,
            per_solve * 1e6,
            ipopt * 1e6,
            ipopt / per_solve
        );
        group.bench_function(p.name, |b| {
            b.iter(|| {
                let mut q = p;
                black_box(solve(&mut q, &settings))
            })
        });
    }
    group.finish();
    println!(
        "geometric mean over {count} HS problems: {:.2} µs/solve; IPOPT/ours: ×{:.0}",
        (log_sum / count as f64).exp() * 1e6,
        (log_ratio / count as f64).exp()
    );
}

/// min ½xᵀQx + cᵀx s.t. Ax = b of size (n, n/3): one Newton step, so this
/// measures assembly and factorization.
fn quadratic(n: usize) -> Closure {
    let m = n / 3;
    let mut rng = Lcg(n as u64);
    let q = rng.spd(n);
    let c: Vec<f64> = (0..n).map(|_| rng.next()).collect();
    let a = Mat::from_fn(m, n, |_, _| rng.next());
    let b: Vec<f64> = (0..m).map(|_| rng.next()).collect();
    let mut p = Closure::new(n, m, vec![0.0; n]);
    let q1 = q.clone();
    let c1 = c.clone();
    p.f = Box::new(move |x| {
        let mut f = 0.0;
        for i in 0..n {
            f += c1[i] * x[i] + 0.5 * x[i] * (0..n).map(|j| q1[(i, j)] * x[j]).sum::<f64>();
        }
        f
    });
    let q2 = q.clone();
    p.grad = Box::new(move |x, g| {
        for i in 0..n {
            g[i] = c[i] + (0..n).map(|j| q2[(i, j)] * x[j]).sum::<f64>();
        }
    });
    let a1 = a.clone();
    p.cons = Box::new(move |x, v| {
        for i in 0..m {
            v[i] = (0..n).map(|j| a1[(i, j)] * x[j]).sum::<f64>() - b[i];
        }
    });
    p.jac = Box::new(move |_, mut j| j.copy_from(&a));
    p.hess = Box::new(move |_, s, _, mut h| {
        for j in 0..n {
            for i in 0..n {
                h[(i, j)] = s * q[(i, j)];
            }
        }
    });
    p
}

fn dense_quadratic_programs(c: &mut Criterion) {
    let settings = Settings::builder().record_history(false).build().unwrap();
    let mut group = c.benchmark_group("qp");
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for n in [10, 50, 200] {
        let mut p = quadratic(n);
        assert_eq!(solve(&mut p, &settings).status, Status::Converged);
        group.bench_function(format!("n{n}"), |b| {
            b.iter(|| black_box(solve(&mut p, &settings)))
        });
    }
    group.finish();
}

criterion_group!(benches, hock_schittkowski, dense_quadratic_programs);
criterion_main!(benches);
