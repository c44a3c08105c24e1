//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  lagrange solve problems/budget.json
  lagrange solve problems/budget.json --json --tolerance 1e-10
  lagrange solve problems/chain.json --verbose --trace chain.csv
  lagrange eval problems/budget.json --at '{\"x\": 4, \"y\": 6}' --multipliers '[5, [0, 0]]'
  lagrange check problems

Exit status: 0 converged (or every check passed), 1 the solver stopped
without converging (or a value was not finite, or a check failed), 2 the
input could not be used (the message is on standard error).";

/// Equality-constrained optimization with Lagrange multipliers.
///
/// Reads a JSON problem file (variables, parameters, an objective to
/// minimize or maximize, equations as constraints) and solves it with a
/// Newton method on the KKT conditions, with exact derivatives.
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
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        Ok(v) => Err(format!("must be a positive finite number, found {v}")),
        Err(e) => Err(e.to_string()),
    }
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
}

/// Options of `lagrange check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Problem files, or directories searched for *.json files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}
