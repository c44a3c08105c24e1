//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use lagrange::solver::{Barrier, LinearSolver};

const EXAMPLES: &str = "\
Examples:
  lagrange solve problems/budget.json
  lagrange solve problems/budget.json --json --tolerance 1e-10
  lagrange solve problems/chain.json --verbose --trace chain.csv
  lagrange eval problems/budget.json --at '{\"x\": 4, \"y\": 6}' --multipliers '[5, [0, 0]]'
  lagrange solve bounded.json --json > previous.json
  lagrange solve bounded.json --warm-start previous.json --barrier monotone
  lagrange check problems
  lagrange generate chain --n 100 -o chain-100.json
  lagrange bench --sizes 10,100,1000 --out target/bench

Exit status: 0 converged (or every check passed), 1 the solver stopped
without converging (or a value was not finite, or a check failed), 2 the
input could not be used (the message is on standard error).";

/// Constrained optimization with Lagrange multipliers.
///
/// Reads a JSON problem file (variables with optional bounds, parameters, an
/// objective to minimize or maximize, equations, inequalities and ranges as
/// constraints) and solves it with a Newton method on the KKT conditions,
/// with exact derivatives.
#[derive(Debug, Parser)]
#[command(name = "lagrange", version, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a problem file and report the solution.
    #[command(
        after_help = "Examples:\n  lagrange solve problems/budget.json\n  lagrange solve problems/budget.json --json | jq .x\n  lagrange solve problems/chain.json --verbose --trace chain.csv"
    )]
    Solve(SolveArgs),
    /// Print the objective, gradient, constraints, Jacobian and Hessian of the Lagrangian at a point, as JSON.
    #[command(
        after_help = "Examples:\n  lagrange eval problems/budget.json\n  lagrange eval problems/budget.json --at '{\"x\": 4, \"w\": [0, 1, 0]}' --multipliers '[5, [0.6, -5.2]]'"
    )]
    Eval(EvalArgs),
    /// Solve every problem file that has an `expected` answer and compare.
    #[command(
        after_help = "Examples:\n  lagrange check problems\n  lagrange check problems/budget.json problems/sphere.json"
    )]
    Check(CheckArgs),
    /// Write a problem file of a scalable family with a closed-form solution.
    #[command(
        after_help = "Families: quadratic, entropy, rayleigh, chain, chain-scalar (the chain with one constraint per link), sphere-quartic.\n\nExamples:\n  lagrange generate rayleigh --n 50\n  lagrange generate chain --n 1000 -o chain-1000.json --compact\n  lagrange generate quadratic --n 10000 -o q.json --npy"
    )]
    Generate(GenerateArgs),
    /// Solve the scalable families at several sizes against their closed forms; write a table, CSV/JSON and SVG plots.
    #[command(
        after_help = "Examples:\n  lagrange bench\n  lagrange bench --families quadratic,chain --sizes 10,100,1000 --budget 30 --out target/bench"
    )]
    Bench(BenchArgs),
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        Ok(v) => Err(format!("must be a positive finite number, found {v}")),
        Err(e) => Err(e.to_string()),
    }
}

fn barrier(text: &str) -> Result<Barrier, String> {
    text.parse::<Barrier>()
        .map_err(|_| format!("'{text}' is not one of monotone, adaptive"))
}

fn linear_solver(text: &str) -> Result<LinearSolver, String> {
    text.parse::<LinearSolver>()
        .map_err(|_| format!("'{text}' is not one of auto, dense, sparse"))
}

/// Options of `lagrange solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The problem file (JSON).
    pub file: PathBuf,
    /// Print exactly one JSON object on standard output.
    #[arg(long)]
    pub json: bool,
    /// Convergence tolerance (overrides the file's options.tolerance; default 1e-8).
    #[arg(long, value_name = "T", value_parser = positive)]
    pub tolerance: Option<f64>,
    /// Iteration limit (overrides the file's options.max_iterations).
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<usize>,
    /// Print one line per Newton iteration (on standard error with --json).
    #[arg(long, short)]
    pub verbose: bool,
    /// Write the iteration history as CSV to this file.
    #[arg(long, value_name = "FILE.csv")]
    pub trace: Option<PathBuf>,
    /// KKT linear algebra: auto (sparse for large sparse systems), dense or sparse.
    #[arg(long, value_name = "auto|dense|sparse", value_parser = linear_solver)]
    pub linear_solver: Option<LinearSolver>,
    /// Barrier strategy for problems with inequalities or bounds (overrides
    /// the file's options.barrier).
    #[arg(long, value_name = "monotone|adaptive", value_parser = barrier)]
    pub barrier: Option<Barrier>,
    /// Start from a previous `solve --json` output: its x (by name),
    /// multipliers and bound_multipliers.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub warm_start: Option<PathBuf>,
    /// For benchmarks: solve R times in this process (compiling afresh each
    /// time) and add the median solve time of runs 2…R, caches warm, to the
    /// JSON as `solve_seconds_warm`; `solve_seconds` stays the first run's.
    #[arg(long, value_name = "R", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
}

/// Options of `lagrange eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The problem file (JSON).
    pub file: PathBuf,
    /// The point: a JSON map from variable names to numbers or arrays
    /// (variables left out keep their start values), or @FILE to read it.
    #[arg(long, value_name = "POINT")]
    pub at: Option<String>,
    /// Multipliers for the Hessian of the Lagrangian: a JSON array with one
    /// entry per constraint (default all zero), or @FILE to read it.
    #[arg(long, value_name = "M")]
    pub multipliers: Option<String>,
    /// Bound multipliers z: a JSON map shaped like x (variables left out
    /// have z = 0; default all zero), or @FILE to read it.
    #[arg(long, value_name = "Z")]
    pub bound_multipliers: Option<String>,
}

/// Options of `lagrange check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Problem files, or directories searched for *.json files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// KKT linear algebra: auto (sparse for large sparse systems), dense or sparse.
    #[arg(long, value_name = "auto|dense|sparse", value_parser = linear_solver)]
    pub linear_solver: Option<LinearSolver>,
    /// Barrier strategy for problems with inequalities or bounds (overrides
    /// each file's options.barrier).
    #[arg(long, value_name = "monotone|adaptive", value_parser = barrier)]
    pub barrier: Option<Barrier>,
}

/// Options of `lagrange generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The family: quadratic, entropy, rayleigh, chain, chain-scalar,
    /// sphere-quartic; with bounds or inequalities: simplex, water-filling,
    /// knapsack, isotonic.
    pub family: String,
    /// The size (number of variables; number of links for the chain).
    #[arg(long, short = 'n', value_name = "N")]
    pub n: usize,
    /// Write the problem file here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE.json")]
    pub output: Option<PathBuf>,
    /// One-line JSON instead of pretty-printed.
    #[arg(long)]
    pub compact: bool,
    /// Write vector and matrix parameters with more than 100 elements as
    /// NumPy files beside the problem file (`FILE.NAME.npy`); needs --output.
    #[arg(long, requires = "output")]
    pub npy: bool,
}

fn size_list(text: &str) -> Result<Vec<usize>, String> {
    let mut sizes = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let n: usize = item
            .parse()
            .map_err(|_| format!("'{item}' is not a size (a positive integer)"))?;
        if n == 0 {
            return Err("sizes must be positive".to_string());
        }
        sizes.push(n);
    }
    sizes.sort_unstable();
    sizes.dedup();
    Ok(sizes)
}

fn family_list(text: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        if !lagrange::families::FAMILIES.contains(&item) {
            return Err(format!(
                "unknown family '{item}' (known: {})",
                lagrange::families::FAMILIES.join(", ")
            ));
        }
        if !names.iter().any(|n| n == item) {
            names.push(item.to_string());
        }
    }
    Ok(names)
}

/// Options of `lagrange bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Comma-separated families (default: the equation-only ones, quadratic
    /// to sphere-quartic).
    #[arg(long, value_name = "A,B", value_parser = family_list)]
    pub families: Option<::std::vec::Vec<String>>,
    /// Comma-separated sizes n.
    #[arg(long, value_name = "N,N", value_parser = size_list, default_value = "10,100,1000,10000")]
    pub sizes: ::std::vec::Vec<usize>,
    /// Directory for results.json, results.csv and the SVG plots.
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out: PathBuf,
    /// Seconds one run (load, compile, solve) may take: a size whose time,
    /// extrapolated from the smaller sizes of its family, exceeds it is
    /// skipped; a solve still running at the budget stops after its current
    /// Newton iteration (status over_budget), and the larger sizes of its
    /// family are skipped.
    #[arg(long, value_name = "SECONDS", value_parser = positive, default_value = "60")]
    pub budget: f64,
    /// Solver tolerance (relative KKT tolerance; tighter than the solver default
    /// 1e-8 so that the errors vs the closed forms reach 1e-8).
    #[arg(long, value_name = "T", value_parser = positive, default_value = "1e-10")]
    pub tolerance: f64,
    /// Iteration limit (default: the solver's).
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<usize>,
    /// Time each solve up to this many times (while it stays cheap) and keep the median.
    #[arg(long, value_name = "R", default_value = "3", value_parser = clap::value_parser!(u32).range(1..))]
    pub repeats: u32,
    /// The size whose per-iteration KKT residuals are plotted (default: the
    /// largest size up to 1000 at which every family converged).
    #[arg(long, value_name = "N")]
    pub history_n: Option<usize>,
    /// A run counts as failed when its relative error vs the closed form exceeds this.
    #[arg(long, value_name = "E", value_parser = positive, default_value = "1e-8")]
    pub max_error: f64,
    /// KKT linear algebra: auto (sparse for large sparse systems), dense or sparse.
    #[arg(long, value_name = "auto|dense|sparse", value_parser = linear_solver, default_value = "auto")]
    pub linear_solver: LinearSolver,
}
