//! `lagrange check`: solve files with an `expected` answer and compare.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lagrange::problem_file::{compare, compare_bound_multipliers};

use crate::args::CheckArgs;
use crate::solve::{load, settings, solve, Overrides};
use crate::{unusable, Outcome};

/// Every `*.json` file under `dir`, sorted.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// What happened to one file.
enum Verdict {
    Passed,
    Failed,
    Skipped,
    Unusable,
}

fn check_file(path: &Path, flags: &Overrides) -> Verdict {
    let started = Instant::now();
    let definition = match load(path) {
        Ok(d) => d,
        Err(_) => {
            println!("error {}: unusable (see standard error)", path.display());
            return Verdict::Unusable;
        }
    };
    let Some(expected) = &definition.expected else {
        println!("skip  {}: no 'expected'", path.display());
        return Verdict::Skipped;
    };
    let solution = match settings(&definition, flags.clone()).and_then(|s| solve(&definition, &s)) {
        Ok(s) => s,
        Err(_) => {
            println!("error {}: unusable (see standard error)", path.display());
            return Verdict::Unusable;
        }
    };
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    if !solution.status.is_converged() {
        println!(
            "FAIL  {}: status {} after {} iterations: {}",
            path.display(),
            solution.status,
            solution.iterations,
            solution.message
        );
        return Verdict::Failed;
    }
    let mut mismatches = compare(
        &definition,
        expected,
        solution.objective,
        &solution.x,
        &solution.multipliers,
    );
    mismatches.extend(compare_bound_multipliers(
        &definition,
        expected,
        &solution.bound_multipliers,
    ));
    if mismatches.is_empty() {
        println!(
            "ok    {} ({} iterations, {}, {elapsed:.1} ms)",
            path.display(),
            solution.iterations,
            solution.point.map_or("not classified", |p| p.as_str()),
        );
        Verdict::Passed
    } else {
        for m in &mismatches {
            println!("FAIL  {}: {m}", path.display());
        }
        Verdict::Failed
    }
}

/// Run `lagrange check`.
pub fn run(args: &CheckArgs) -> Outcome {
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let before = files.len();
            if let Err(e) = json_files(path, &mut files) {
                return unusable(format!(
                    "error: cannot read the directory: {e}\n --> {}",
                    path.display()
                ));
            }
            if files.len() == before {
                return unusable(format!(
                    "error: no problem files (*.json) in the directory\n --> {}",
                    path.display()
                ));
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return unusable(format!(
                "error: cannot read the file: no such file or directory\n --> {}",
                path.display()
            ));
        }
    }
    let flags = Overrides {
        linear_solver: args.linear_solver,
        barrier: args.barrier,
        ..Overrides::default()
    };
    let (mut passed, mut failed, mut skipped, mut bad) = (0, 0, 0, 0);
    for file in &files {
        match check_file(file, &flags) {
            Verdict::Passed => passed += 1,
            Verdict::Failed => failed += 1,
            Verdict::Skipped => skipped += 1,
            Verdict::Unusable => bad += 1,
        }
    }
    println!(
        "{} files: {passed} passed, {failed} failed, {skipped} skipped (no expected), {bad} unusable",
        files.len()
    );
    if bad > 0 {
        Outcome::Unusable
    } else if failed > 0 {
        Outcome::NotConverged
    } else {
        Outcome::Success
    }
}
