//! The `lagrange` command: solve, evaluate and check problem files; generate
//! and benchmark the scalable families.
//!
//! Only this binary knows about argument parsing and terminal output; the
//! library reads files ([`lagrange::problem_file`]) and solves problems
//! ([`lagrange::solver`]).

mod args;
mod bench;
mod check;
mod eval;
mod generate;
mod json;
mod plot;
mod report;
mod solve;
mod values;
mod warm_start;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// How a command ended, as the exit status of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 0: converged (or every check passed).
    Success,
    /// 1: the solver stopped without converging, a value was not finite, or a check failed.
    NotConverged,
    /// 2: the input could not be used (message on standard error).
    Unusable,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::NotConverged => 1,
            Outcome::Unusable => 2,
        })
    }
}

/// Print a rendered error on standard error and report the input unusable.
pub fn unusable(message: impl std::fmt::Display) -> Outcome {
    eprintln!("{message}");
    Outcome::Unusable
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deeply nested expressions recurse about a thousand levels while they are
    // parsed, checked and built; run on a thread with room for that.
    let outcome = lagrange::problem_file::with_large_stack(move || match cli.command {
        Command::Solve(a) => solve::run(&a),
        Command::Eval(a) => eval::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Bench(a) => bench::run(&a),
    });
    outcome.into()
}
