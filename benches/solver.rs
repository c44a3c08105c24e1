//! In-process solve time of the Newton–KKT solver on the equality-constrained
//! Hock–Schittkowski problems (hand-coded derivatives, the same problems as
//! tests/solver_hock_schittkowski.rs) and on a few closed-form problems of
//! growing size. Prints iterations and the geometric mean of the solve times.
//!
//! Run: `cargo bench --bench solver`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use faer::Mat;
use lagrange::solver::{solve, Settings, Status};
use lagrange_test_support::hs::{problems, Cached};
use lagrange_test_support::{Closure, Rng};

/// IPOPT's own solve time (`t_wall_total`, median of 20, seconds) on the
/// same problems and starts, measured with benches/solver_ipopt.py on the
/// development machine (2 shared cores, no other load: an earlier run
/// under load gave 3–10× larger times). Iterations are in the problem
/// table (`Hs::ipopt_iterations`).
const IPOPT_SECONDS: [(&str, f64); 19] = [
    ("hs9", 0.572e-3),
    ("hs28", 0.328e-3),
    ("hs42", 0.637e-3),
    ("hs52", 0.333e-3),
    ("hs61", 0.960e-3),
    ("hs6", 0.797e-3),
    ("hs7", 6.609e-3),
    ("hs26", 6.148e-3),
    ("hs27", 9.495e-3),
    ("hs39", 1.248e-3),
    ("hs40", 0.505e-3),
    ("hs46", 2.011e-3),
    ("hs48", 0.331e-3),
    ("hs49", 1.728e-3),
    ("hs50", 0.962e-3),
    ("hs51", 0.329e-3),
    ("hs77", 1.093e-3),
    ("hs78", 0.565e-3),
    ("hs79", 0.564e-3),
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
        let s = solve(&mut Cached::new(p), &settings);
        assert_eq!(s.status, Status::Converged, "{}", p.name);
        // A direct timing for the summary line (criterion's own numbers are
        // in its report).
        let reps = 200;
        let start = Instant::now();
        for _ in 0..reps {
            black_box(solve(&mut Cached::new(p), &settings));
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
            b.iter(|| black_box(solve(&mut Cached::new(p), &settings)))
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
    let mut rng = Rng::new(n as u64);
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
        let s = solve(&mut p, &settings);
        assert_eq!(s.status, Status::Converged);
        let t = s.timings;
        println!(
            "qp n={n}: total {:?} = evaluation {:?} + factorization {:?} + line search {:?} \
             + classification {:?} + rest",
            t.total, t.evaluation, t.factorization, t.line_search, t.classification
        );
        group.bench_function(format!("n{n}"), |b| {
            b.iter(|| black_box(solve(&mut p, &settings)))
        });
    }
    group.finish();
}

/// The sparse path at n = 10⁴ on the closed-form families of
/// tests/support/src/sparse.rs (for 10⁵–10⁶ and peak memory, see
/// examples/sparse_scaling.rs).
fn sparse_families(c: &mut Criterion) {
    use lagrange::solver::LinearSolver;
    use lagrange_test_support::sparse::{cosh_chain, entropy, projection_chain, quartic_sphere};
    let settings = Settings::builder()
        .record_history(false)
        .linear_solver(LinearSolver::Sparse)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("sparse");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    type Maker = fn(usize) -> lagrange_test_support::Closure;
    let families: [(&str, Maker); 4] = [
        ("projection", projection_chain),
        ("quartic_sphere", quartic_sphere),
        ("entropy", entropy),
        ("cosh_chain", cosh_chain),
    ];
    for (name, make) in families {
        let n = 10_000;
        let mut p = make(n);
        let s = solve(&mut p, &settings);
        assert_eq!(s.status, Status::Converged, "{name}");
        println!(
            "sparse {name} n={n}: {} iterations, total {:?} (factorization {:?}, classification {:?})",
            s.iterations, s.timings.total, s.timings.factorization, s.timings.classification
        );
        group.bench_function(format!("{name}_n{n}"), |b| {
            b.iter(|| black_box(solve(&mut p, &settings)))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    hock_schittkowski,
    dense_quadratic_programs,
    sparse_families
);
criterion_main!(benches);
