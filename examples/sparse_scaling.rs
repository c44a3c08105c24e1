//! Scaling of the sparse Newton–KKT path: solves four problem families with
//! closed-form solutions at growing n, each in its own process so that the
//! peak resident memory (VmHWM of /proc/self/status) belongs to one size.
//!
//! ```text
//! cargo run --release --example sparse_scaling                 # 10⁴, 10⁵
//! cargo run --release --example sparse_scaling -- 10000 100000 1000000
//! cargo run --release --example sparse_scaling -- one entropy 100000
//! ```
//!
//! Prints one line per (family, n): status, iterations, errors against the
//! closed form, set-up time (patterns, structure, ordering, symbolic
//! analysis), solve time, time per iteration, factorization time,
//! classification time, nonzeros of K and of its factor, and peak memory.

use std::process::Command;
use std::time::Instant;

use lagrange::solver::{LinearSolver, Newton, Settings};
use lagrange_test_support::max_relative_error;
use lagrange_test_support::sparse::{cosh_chain, entropy, projection_chain, quartic_sphere};

const FAMILIES: [&str; 4] = ["projection", "quartic_sphere", "entropy", "cosh_chain"];

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn run_one(family: &str, n: usize) -> Result<(), String> {
    let mut problem = match family {
        "projection" => projection_chain(n),
        "quartic_sphere" => quartic_sphere(n),
        "entropy" => entropy(n),
        "cosh_chain" => cosh_chain(n),
        other => return Err(format!("unknown family {other}")),
    };
    let settings = Settings::builder()
        .linear_solver(LinearSolver::Sparse)
        .build()
        .map_err(|e| e.to_string())?;
    let before = peak_memory_mib();
    let clock = Instant::now();
    let mut newton = Newton::new(settings);
    newton.init(&mut problem);
    let setup = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    while newton.status().is_none() {
        newton.next_iter(&mut problem);
    }
    let iterating = clock.elapsed().as_secs_f64();
    let (nnz, factor_nnz) = newton.sparse_nonzeros().unwrap_or((0, 0));
    let mut solution = newton.finish(&mut problem, None);
    if family == "quartic_sphere" {
        solution.x.iter_mut().for_each(|v| *v = v.abs());
    }
    let ex = max_relative_error(&solution.x, &problem.x_star);
    let el = max_relative_error(&solution.multipliers, &problem.lambda_star);
    let ef = (solution.objective - problem.f_star).abs() / problem.f_star.abs().max(1.0);
    let t = &solution.timings;
    println!(
        "{family:>14} n={n:>8} m={:>7} {:<10} it={:>3} err(x)={ex:.1e} err(λ)={el:.1e} err(f)={ef:.1e} \
         setup={setup:.3}s iterate={iterating:.3}s per_it={:.4}s factor={:.3}s eval={:.3}s \
         classify={:.3}s ({:?}) total={:.3}s nnz(K)={nnz} nnz(L)={factor_nnz} peak={:.1}MiB (at start {before:.1}MiB)",
        problem.m,
        solution.status.as_str(),
        solution.iterations,
        iterating / solution.iterations.max(1) as f64,
        t.factorization.as_secs_f64(),
        t.evaluation.as_secs_f64(),
        t.classification.as_secs_f64(),
        solution.point,
        t.total.as_secs_f64(),
        peak_memory_mib(),
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("one") {
        let family = args.get(1).ok_or("missing family")?;
        let n = args
            .get(2)
            .and_then(|v| v.parse().ok())
            .ok_or("missing or bad n")?;
        return run_one(family, n);
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000]
    } else {
        args.iter()
            .map(|a| a.parse().map_err(|_| format!("bad size {a}")))
            .collect::<Result<_, _>>()?
    };
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    for family in FAMILIES {
        for &n in &sizes {
            let status = Command::new(&me)
                .args(["one", family, &n.to_string()])
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                eprintln!("{family} n={n}: the run failed ({status})");
            }
        }
    }
    Ok(())
}
