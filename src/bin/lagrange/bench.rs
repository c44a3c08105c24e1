//! `lagrange bench`: the scalable families against their closed forms.
//!
//! For each family and size: generate the problem file in memory, load it
//! through the problem-file path (`load_str` + `compile`), solve, and
//! compare with the exact solution. Writes a table on standard output,
//! progress on standard error, `results.json`, `results.csv` and two SVG
//! plots in the output directory.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use lagrange::problem_file::{compile::compile, load_str};
use lagrange::solver::{Algorithm, NlpProblem, Settings, Solution, Status};
use serde_json::{json, Value};

use crate::args::BenchArgs;
use crate::generate::family_file;
use crate::report::sci;
use crate::{plot, unusable, Outcome};
use lagrange::families::GeneratedProblem;

/// One measured run.
#[derive(Clone, Debug)]
pub struct Run {
    /// Family name.
    pub family: String,
    /// Family size.
    pub n: usize,
    /// Scalar variables.
    pub variables: usize,
    /// Scalar constraints.
    pub constraints: usize,
    /// The solver's status word.
    pub status: String,
    /// Whether the status is `converged`.
    pub converged: bool,
    /// Newton iterations.
    pub iterations: usize,
    /// max |x − x*| / ‖x*‖∞.
    pub x_error: f64,
    /// |f − f*| / |f*|.
    pub objective_error: f64,
    /// max |λ − λ*| / ‖λ*‖∞, when the family gives λ*.
    pub multiplier_error: Option<f64>,
    /// max(‖∇f − Jᵀλ‖∞, ‖g‖∞) at the returned point.
    pub kkt_residual: f64,
    /// Seconds to parse, check and compile the file text.
    pub load_seconds: f64,
    /// Seconds of the solve (median over the repeats).
    pub solve_seconds: f64,
    /// Of which the second-order classification of the result.
    pub classification_seconds: f64,
    /// How many solves the median is over.
    pub repeats: u32,
    /// Per iterate: (‖∇L‖∞, ‖g‖∞).
    pub history: Vec<(f64, f64)>,
}

impl Run {
    /// The larger of the x and objective errors.
    pub fn error(&self) -> f64 {
        self.x_error.max(self.objective_error)
    }

    /// Load + solve seconds.
    pub fn total_seconds(&self) -> f64 {
        self.load_seconds + self.solve_seconds
    }
}

/// A row of the results: a run, or a size that was skipped.
#[derive(Clone, Debug)]
pub enum Row {
    /// The size ran.
    Ran(Run),
    /// The size was not run.
    Skipped {
        /// Family name.
        family: String,
        /// Family size.
        n: usize,
        /// Why.
        reason: String,
    },
}

/// Families whose global minimum is unique only up to the sign of each
/// element (sphere-quartic: every x with |xᵢ| = 1/√n is a global minimum, and
/// the generated `expected.x` lists the positive one): their x error is
/// measured on |x|.
pub const SIGN_FREE: [&str; 1] = ["sphere-quartic"];

/// Largest |a − b| over the elements, relative to ‖b‖∞.
pub fn relative_error(got: &[f64], exact: &[f64]) -> f64 {
    if got.len() != exact.len() {
        return f64::INFINITY;
    }
    let scale = exact.iter().fold(f64::MIN_POSITIVE, |m, v| m.max(v.abs()));
    let mut worst = 0.0_f64;
    for (g, e) in got.iter().zip(exact) {
        let d = (g - e).abs();
        if d.is_nan() {
            return f64::NAN;
        }
        worst = worst.max(d);
    }
    worst / scale
}

/// Predicted seconds of a run at size `n` from the measured (n, seconds) of
/// smaller sizes of the same family: a power law through the last two
/// (exponent clamped to [1, 3]), or cubic from a single point.
pub fn predict(measured: &[(usize, f64)], n: usize) -> Option<f64> {
    let (n2, t2) = *measured.last()?;
    let p = match measured.len() {
        1 => 3.0,
        k => {
            let (n1, t1) = measured[k - 2];
            let p = (t2 / t1).ln() / (n2 as f64 / n1 as f64).ln();
            if p.is_finite() {
                p.clamp(1.0, 3.0)
            } else {
                3.0
            }
        }
    };
    Some(t2 * (n as f64 / n2 as f64).powf(p))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Status word of a run stopped because it used up its time budget.
pub const OVER_BUDGET: &str = "over_budget";

/// Solve, stopping between Newton iterations once `budget` has passed.
/// Returns the solution and whether it was stopped for time.
pub fn solve_within<P: NlpProblem>(
    problem: &mut P,
    settings: &Settings,
    budget: Duration,
) -> (Solution, bool) {
    let started = Instant::now();
    let mut algorithm = Algorithm::for_problem(settings, problem);
    algorithm.init(problem);
    while algorithm.status().is_none() {
        if started.elapsed() > budget {
            return (algorithm.finish(problem, Some(Status::MaxIterations)), true);
        }
        algorithm.next_iter(problem);
    }
    (algorithm.finish(problem, None), false)
}

/// Generate, load, compile and solve one family at one size.
fn run_one(
    family: &str,
    n: usize,
    generated: &GeneratedProblem,
    settings: &Settings,
    repeats: u32,
    budget: f64,
) -> Result<Run, String> {
    let text = serde_json::to_string(&generated.file).map_err(|e| e.to_string())?;
    let name = format!("{family}-{n}.json");
    let started = Instant::now();
    let definition = load_str(Path::new(&name), &text).map_err(|e| e.render())?;
    let mut problem = compile(&definition).map_err(|e| e.render())?;
    let load_seconds = started.elapsed().as_secs_f64();
    let (variables, constraints) = (problem.num_variables(), problem.num_constraints());

    let limit = Duration::from_secs_f64((budget - load_seconds).max(0.0));
    let (solution, timed_out) = solve_within(&mut problem, settings, limit);
    let mut times = vec![solution.timings.total.as_secs_f64()];
    // Repeat cheap solves for a steadier time; stop while it stays cheap.
    let mut spent = times[0];
    while !timed_out
        && (times.len() as u32) < repeats
        && spent + times[0] < (budget / 10.0).min(2.0)
    {
        let (again, _) = solve_within(&mut problem, settings, limit);
        times.push(again.timings.total.as_secs_f64());
        spent += times[times.len() - 1];
    }

    let x_exact: Vec<f64> = generated.x.iter().flat_map(|(_, v)| v.clone()).collect();
    let objective_error = (solution.objective - generated.objective).abs()
        / generated.objective.abs().max(f64::MIN_POSITIVE);
    Ok(Run {
        family: family.to_string(),
        n,
        variables,
        constraints,
        status: if timed_out {
            OVER_BUDGET.to_string()
        } else {
            solution.status.as_str().to_string()
        },
        converged: solution.status.is_converged(),
        iterations: solution.iterations,
        x_error: if SIGN_FREE.contains(&family) {
            let abs = |v: &[f64]| v.iter().map(|x| x.abs()).collect::<Vec<f64>>();
            relative_error(&abs(&solution.x), &abs(&x_exact))
        } else {
            relative_error(&solution.x, &x_exact)
        },
        objective_error: if objective_error.is_nan() {
            f64::INFINITY
        } else {
            objective_error
        },
        multiplier_error: generated
            .multipliers
            .as_ref()
            .map(|m| relative_error(&solution.multipliers, m)),
        kkt_residual: solution.kkt_residual,
        load_seconds,
        repeats: times.len() as u32,
        solve_seconds: median(times),
        classification_seconds: solution.timings.classification.as_secs_f64(),
        history: solution
            .history
            .iter()
            .map(|r| (r.stationarity, r.constraint_violation))
            .collect(),
    })
}

/// Short form of an optional number for the table and CSV.
fn opt(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| sci(v, 1))
}

/// The table printed on standard output.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:>6} {:>6} {:>6}  {:<14} {:>4}  {:>8}  {:>8}  {:>8}  {:>8}  {:>9}  {:>9}",
        "family",
        "n",
        "vars",
        "cons",
        "status",
        "iter",
        "x err",
        "f err",
        "λ err",
        "KKT res",
        "load s",
        "solve s"
    );
    for row in rows {
        match row {
            Row::Ran(r) => {
                let _ = writeln!(
                    out,
                    "{:<15} {:>6} {:>6} {:>6}  {:<14} {:>4}  {:>8}  {:>8}  {:>8}  {:>8}  {:>9}  {:>9}",
                    r.family,
                    r.n,
                    r.variables,
                    r.constraints,
                    r.status,
                    r.iterations,
                    sci(r.x_error, 1),
                    sci(r.objective_error, 1),
                    opt(r.multiplier_error),
                    sci(r.kkt_residual, 1),
                    sci(r.load_seconds, 2),
                    sci(r.solve_seconds, 2)
                );
            }
            Row::Skipped { family, n, reason } => {
                let _ = writeln!(out, "{family:<15} {n:>6}  skipped: {reason}");
            }
        }
    }
    out
}

/// The results as CSV, one line per row (skipped sizes have empty numbers).
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "family,n,variables,constraints,status,iterations,x_error,objective_error,multiplier_error,kkt_residual,load_seconds,solve_seconds,classification_seconds,repeats\n",
    );
    for row in rows {
        match row {
            Row::Ran(r) => {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{:e},{:e},{},{:e},{:e},{:e},{:e},{}",
                    r.family,
                    r.n,
                    r.variables,
                    r.constraints,
                    r.status,
                    r.iterations,
                    r.x_error,
                    r.objective_error,
                    r.multiplier_error
                        .map_or(String::new(), |v| format!("{v:e}")),
                    r.kkt_residual,
                    r.load_seconds,
                    r.solve_seconds,
                    r.classification_seconds,
                    r.repeats
                );
            }
            Row::Skipped { family, n, .. } => {
                let _ = writeln!(out, "{family},{n},,,skipped,,,,,,,,,");
            }
        }
    }
    out
}

/// A finite number as JSON, otherwise null.
fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// The CPU model, from /proc/cpuinfo where there is one.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// The results as one JSON object.
pub fn results_json(
    rows: &[Row],
    args: &BenchArgs,
    settings: &Settings,
    history_n: usize,
) -> Value {
    let runs: Vec<Value> = rows
        .iter()
        .map(|row| match row {
            Row::Ran(r) => json!({
                "family": r.family,
                "n": r.n,
                "variables": r.variables,
                "constraints": r.constraints,
                "status": r.status,
                "iterations": r.iterations,
                "x_error": num(r.x_error),
                "objective_error": num(r.objective_error),
                "multiplier_error": r.multiplier_error.map_or(Value::Null, num),
                "kkt_residual": num(r.kkt_residual),
                "load_seconds": r.load_seconds,
                "solve_seconds": r.solve_seconds,
                "classification_seconds": r.classification_seconds,
                "repeats": r.repeats,
                "history": {
                    "stationarity": r.history.iter().map(|h| num(h.0)).collect::<Vec<_>>(),
                    "constraint_violation": r.history.iter().map(|h| num(h.1)).collect::<Vec<_>>(),
                },
            }),
            Row::Skipped { family, n, reason } => json!({
                "family": family,
                "n": n,
                "status": "skipped",
                "reason": reason,
            }),
        })
        .collect();
    json!({
        "lagrange": env!("CARGO_PKG_VERSION"),
        "machine": {
            "cpu": cpu_model(),
            "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
        "settings": {
            "tolerance": settings.tolerance(),
            "max_iterations": settings.max_iterations(),
            "budget_seconds": args.budget,
            "repeats": args.repeats,
            "history_n": history_n,
            "linear_solver": settings.linear_solver().as_str(),
        },
        "notes": {
            "x_error": "max |x - x*| / max |x*| over all elements (for sphere-quartic on |x|: every sign pattern is a global minimum)",
            "objective_error": "|f - f*| / |f*|",
            "multiplier_error": "max |lambda - lambda*| / max |lambda*|",
            "solve_seconds": "median over the repeats of the solver's own total time (classification included)",
            "load_seconds": "parse + check + compile of the in-memory file text",
        },
        "runs": runs,
    })
}

/// The size whose iteration histories are plotted: the one asked for, else
/// the largest size up to 1000 at which every family converged, else the
/// smallest size that ran.
fn history_size(rows: &[Row], families: &[String], asked: Option<usize>) -> Option<usize> {
    if asked.is_some() {
        return asked;
    }
    let converged = |family: &str, n: usize| {
        rows.iter()
            .any(|r| matches!(r, Row::Ran(r) if r.family == family && r.n == n && r.converged))
    };
    let mut sizes: Vec<usize> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Ran(r) => Some(r.n),
            Row::Skipped { .. } => None,
        })
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
        .iter()
        .rev()
        .find(|&&n| n <= 1000 && families.iter().all(|f| converged(f, n)))
        .or(sizes.first())
        .copied()
}

/// Run `lagrange bench`.
pub fn run(args: &BenchArgs) -> Outcome {
    let families: Vec<String> = match &args.families {
        Some(f) => f.clone(),
        // The inequality families are named with --families until the
        // bound and inequality grammar loads them.
        None => lagrange::families::EQUALITY_FAMILIES
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    if let Some(&n) = args.sizes.iter().find(|&&n| n > crate::generate::MAX_N) {
        return unusable(format!(
            "error: size {n} is too large (at most {})",
            crate::generate::MAX_N
        ));
    }
    let mut builder = Settings::builder()
        .tolerance(args.tolerance)
        .linear_solver(args.linear_solver);
    if let Some(n) = args.max_iterations {
        builder = builder.max_iterations(n);
    }
    let settings = match builder.build() {
        Ok(s) => s,
        Err(e) => return unusable(format!("error: {e}")),
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return unusable(format!(
            "error: cannot create the output directory: {e}\n --> {}",
            args.out.display()
        ));
    }

    let mut rows = Vec::new();
    for family in &families {
        let mut measured: Vec<(usize, f64)> = Vec::new();
        let mut over_budget: Option<(usize, f64)> = None;
        for &n in &args.sizes {
            if let Some((m, t)) = over_budget {
                let reason = format!(
                    "n = {m} already took {t:.1} s > budget {:.0} s",
                    args.budget
                );
                eprintln!("bench: {family} n={n}: skipped ({reason})");
                rows.push(Row::Skipped {
                    family: family.clone(),
                    n,
                    reason,
                });
                continue;
            }
            if let Some(t) = predict(&measured, n).filter(|&t| t > args.budget) {
                let reason = format!("predicted {t:.0} s > budget {:.0} s", args.budget);
                eprintln!("bench: {family} n={n}: skipped ({reason})");
                rows.push(Row::Skipped {
                    family: family.clone(),
                    n,
                    reason,
                });
                continue;
            }
            // The family names and the largest size are checked already:
            // what is left is a size below the family's minimum, a skip.
            let generated = match family_file(family, n) {
                Ok(g) => g,
                Err(message) => {
                    let reason = message.trim_start_matches("error: ").to_string();
                    eprintln!("bench: {family} n={n}: skipped ({reason})");
                    rows.push(Row::Skipped {
                        family: family.clone(),
                        n,
                        reason,
                    });
                    continue;
                }
            };
            eprint!("bench: {family} n={n} ... ");
            let run = match run_one(family, n, &generated, &settings, args.repeats, args.budget) {
                Ok(r) => r,
                Err(message) => {
                    eprintln!("failed");
                    return unusable(message);
                }
            };
            eprintln!(
                "{} ({} variables, {} constraints), {} iterations, error {}, load {:.3} s, solve {:.3} s",
                run.status,
                run.variables,
                run.constraints,
                run.iterations,
                sci(run.error(), 1),
                run.load_seconds,
                run.solve_seconds
            );
            let total = run.total_seconds();
            measured.push((n, total));
            if total > args.budget {
                over_budget = Some((n, total));
            }
            rows.push(Row::Ran(run));
        }
    }

    print!("{}", table(&rows));
    let history_n = history_size(&rows, &families, args.history_n).unwrap_or(0);
    let runs: Vec<&Run> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Ran(r) => Some(r),
            Row::Skipped { .. } => None,
        })
        .collect();
    let outputs: [(&str, Result<(), String>); 4] = [
        (
            "results.json",
            std::fs::write(
                args.out.join("results.json"),
                serde_json::to_string_pretty(&results_json(&rows, args, &settings, history_n))
                    .unwrap_or_default()
                    + "\n",
            )
            .map_err(|e| e.to_string()),
        ),
        (
            "results.csv",
            std::fs::write(args.out.join("results.csv"), csv(&rows)).map_err(|e| e.to_string()),
        ),
        (
            "time_vs_n.svg",
            plot::time_vs_n(&args.out.join("time_vs_n.svg"), &families, &runs),
        ),
        (
            "kkt_history.svg",
            plot::kkt_history(
                &args.out.join("kkt_history.svg"),
                &families,
                &runs,
                history_n,
            ),
        ),
    ];
    for (name, result) in outputs {
        if let Err(e) = result {
            return unusable(format!(
                "error: cannot write {name}: {e}\n --> {}",
                args.out.display()
            ));
        }
    }
    eprintln!(
        "bench: wrote results.json, results.csv, time_vs_n.svg, kkt_history.svg (n = {history_n}) in {}",
        args.out.display()
    );
    let failed: Vec<String> = runs
        .iter()
        .filter(|r| !(r.converged && r.error().le(&args.max_error)))
        .map(|r| format!("{} n={}", r.family, r.n))
        .collect();
    if failed.is_empty() {
        Outcome::Success
    } else {
        eprintln!(
            "bench: {} run(s) did not converge to within {:e} of the closed form: {}",
            failed.len(),
            args.max_error,
            failed.join(", ")
        );
        Outcome::NotConverged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_law_prediction() {
        assert_eq!(predict(&[], 10), None);
        // One point: cubic.
        let t = predict(&[(10, 1e-3)], 100).unwrap();
        assert!((t - 1.0).abs() < 1e-12);
        // Two points on t = n²: exponent 2.
        let t = predict(&[(10, 1e-2), (100, 1.0)], 1000).unwrap();
        assert!((t - 100.0).abs() < 1e-9);
        // Exponent clamped to [1, 3].
        let t = predict(&[(10, 1.0), (100, 1.0)], 1000).unwrap();
        assert!((t - 10.0).abs() < 1e-9);
    }

    #[test]
    fn relative_error_is_normwise() {
        assert_eq!(relative_error(&[1.0, 2.0], &[1.0, 4.0]), 0.5);
        assert_eq!(relative_error(&[1.0], &[1.0, 2.0]), f64::INFINITY);
        assert!(relative_error(&[f64::NAN], &[1.0]).is_nan());
    }
}
