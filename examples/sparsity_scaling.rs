//! Time and peak memory of sparse derivative evaluation on vector-written
//! problems, for the linear-scaling check of the sparse path.
//!
//! ```text
//! cargo run --release --example sparsity_scaling -- FAMILY N
//! ```
//!
//! FAMILY is one of `chain` (min Σ xᵢ⁴ s.t. x[1:] − x[:-1] = h),
//! `sphere` (min Σ (xᵢ − cᵢ)² s.t. x·x = 1 and the chain links),
//! `banded` (min Σ exp(xᵢ/n)·xᵢ² s.t. tridiagonal 2x[1:-1] − x[:-2] − x[2:] = b
//! written with slices) or `expsum` (min Σ exp(xᵢ) s.t. Σ xᵢ = 1 and
//! w·x = 0). Prints one line: the family, n, the sparsity report, the times
//! (recording, detection, f + ∇f + g, J values, H values, each the best of
//! three) and the peak resident memory (VmHWM). Run each size in its own
//! process so that VmHWM belongs to that size alone.

use lagrange::autodiff::Tensor;
use lagrange::problem::{CompiledProblem, Problem};
use lagrange::solver::NlpProblem;
use std::time::Instant;

fn build(family: &str, n: usize) -> Result<CompiledProblem, String> {
    let mut p = Problem::new();
    let start: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64 / 10.0).collect();
    let x = p.vector_variable("x", start);
    match family {
        "chain" => {
            p.minimize((&x * &x * &x * &x).sum());
            p.constraint("links", x.slice(1, n) - x.slice(0, n - 1), 1.0 / n as f64);
        }
        "sphere" => {
            let c = Tensor::vector((0..n).map(|i| (i % 5) as f64).collect::<Vec<_>>());
            let d = &x - &c;
            p.minimize((&d * &d).sum());
            p.constraint("sphere", x.dot(&x), 1.0);
            p.constraint("links", x.slice(1, n) - x.slice(0, n - 1), 0.0);
        }
        "banded" => {
            let w = (&x * (1.0 / n as f64)).exp();
            p.minimize((&w * &x * &x).sum());
            let lap = x.slice(1, n - 1) * 2.0 - x.slice(0, n - 2) - x.slice(2, n);
            p.constraint("banded", lap, 1.0 / (n as f64 * n as f64));
        }
        "expsum" => {
            let w = Tensor::vector(
                (0..n)
                    .map(|i| i as f64 / n as f64 - 0.5)
                    .collect::<Vec<_>>(),
            );
            p.minimize(x.exp().sum());
            p.constraint("total", x.sum(), 1.0);
            p.constraint("moment", w.dot(&x), 0.0);
        }
        other => {
            return Err(format!(
                "unknown family {other}: chain, sphere, banded, expsum"
            ))
        }
    }
    p.compile().map_err(|e| e.to_string())
}

/// Peak resident set size in MiB, from /proc/self/status.
fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Best of three wall times of `f`, in milliseconds.
fn best_ms(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: sparsity_scaling FAMILY N");
        std::process::exit(2);
    }
    let family = &args[1];
    let n: usize = match args[2].parse() {
        Ok(n) if n >= 3 => n,
        _ => {
            eprintln!("N must be an integer >= 3, got {}", args[2]);
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let mut c = match build(family, n) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let record_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let report = match c.sparsity_report() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let jp = c.jacobian_pattern().expect("pattern");
    let hp = c.hessian_pattern().expect("pattern");
    let detect_ms = t.elapsed().as_secs_f64() * 1e3;

    let m = c.num_constraints();
    let mut x = c.start();
    let mut grad = vec![0.0; n];
    let mut g = vec![0.0; m];
    let mut jv = vec![0.0; jp.nnz()];
    let mut hv = vec![0.0; hp.nnz()];
    let lambda = vec![0.5; m];
    let mut k = 0.0;
    // A new point before each evaluation so nothing is served from a cache.
    let mut step = |x: &mut Vec<f64>| {
        k += 1.0;
        x[0] = 1.0 + 1e-3 * k;
    };
    let fg_ms = best_ms(|| {
        step(&mut x);
        c.objective(&x);
        c.gradient(&x, &mut grad);
        c.constraints(&x, &mut g);
    });
    let j_ms = best_ms(|| {
        step(&mut x);
        c.objective(&x);
        c.jacobian_values(&x, &mut jv);
    });
    let h_ms = best_ms(|| {
        step(&mut x);
        c.objective(&x);
        c.hessian_values(&x, 1.0, &lambda, &mut hv);
    });
    println!(
        "{family:7} n={n:8} m={m:8} nnzJ={:9} sweepsJ={:2} nnzH={:9} sweepsH={:2} | \
         record {record_ms:8.1} ms  detect {detect_ms:8.1} ms  f+g+c {fg_ms:7.1} ms  \
         J {j_ms:7.1} ms  H {h_ms:7.1} ms | VmHWM {:7.1} MiB",
        report.jacobian_nnz,
        report.jacobian_sweeps(),
        report.hessian_nnz,
        report.hessian_sweeps(),
        vm_hwm_mib()
    );
}
