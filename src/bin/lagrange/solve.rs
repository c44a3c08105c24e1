//! `lagrange solve`.

use std::io::Write;
use std::path::Path;

use lagrange::problem_file::{self, Definition};
use lagrange::solver::{self, LinearSolver, Settings, Solution};

use crate::args::SolveArgs;
use crate::json::{shaped, Json};
use crate::{report, unusable, Outcome};

/// Load and check a problem file, printing the error if it is unusable.
pub fn load(path: &Path) -> Result<Definition, Outcome> {
    problem_file::load::read_text(path)
        .and_then(|text| problem_file::load_str(path, &text))
        .map_err(|e| unusable(e.render()))
}

/// Solver settings from the file's options and the command-line overrides
/// (tolerance, iteration limit, linear algebra).
pub fn settings(
    definition: &Definition,
    tolerance: Option<f64>,
    max_iterations: Option<usize>,
    linear_solver: Option<LinearSolver>,
) -> Result<Settings, Outcome> {
    let mut builder = Settings::builder();
    if let Some(l) = linear_solver {
        builder = builder.linear_solver(l);
    }
    if let Some(t) = tolerance.or(definition.options.tolerance) {
        builder = builder.tolerance(t);
    }
    if let Some(n) = max_iterations.or(definition.options.max_iterations) {
        builder = builder.max_iterations(n);
    }
    builder
        .build()
        .map_err(|e| unusable(format!("error: {e}\n --> {}", definition.path.display())))
}

/// Compile and solve.
pub fn solve(definition: &Definition, settings: &Settings) -> Result<Solution, Outcome> {
    let mut compiled =
        problem_file::compile::compile(definition).map_err(|e| unusable(e.render()))?;
    Ok(solver::solve(&mut compiled, settings))
}

/// The contract's JSON object for a solution.
pub fn solution_json(definition: &Definition, solution: &Solution) -> Json {
    let x = Json::object(definition.variables.iter().map(|v| {
        (
            v.name.clone(),
            shaped(v.shape, &solution.x[v.offset..v.offset + v.shape.numel()]),
        )
    }));
    let multipliers = Json::Array(
        definition
            .constraints
            .iter()
            .map(|c| {
                shaped(
                    c.shape,
                    &solution.multipliers[c.offset..c.offset + c.shape.numel()],
                )
            })
            .collect(),
    );
    let mut pairs = vec![(
        "status".to_string(),
        Json::String(solution.status.as_str().to_string()),
    )];
    if !solution.status.is_converged() {
        pairs.push((
            "message".to_string(),
            Json::String(solution.message.clone()),
        ));
    }
    pairs.extend([
        ("objective".to_string(), Json::Number(solution.objective)),
        ("x".to_string(), x),
        ("multipliers".to_string(), multipliers),
        (
            "iterations".to_string(),
            Json::Integer(solution.iterations as u64),
        ),
        (
            "kkt_residual".to_string(),
            Json::Number(solution.kkt_residual),
        ),
        (
            "constraint_violation".to_string(),
            Json::Number(solution.constraint_violation),
        ),
        (
            "point".to_string(),
            // No classification (not converged, or it could not be
            // computed) is `null`, not a classification.
            solution
                .point
                .map_or(Json::Null, |p| Json::String(p.as_str().to_string())),
        ),
        (
            "solve_seconds".to_string(),
            Json::Number(solution.timings.total.as_secs_f64()),
        ),
    ]);
    Json::Object(pairs)
}

/// Run `lagrange solve`.
pub fn run(args: &SolveArgs) -> Outcome {
    let definition = match load(&args.file) {
        Ok(d) => d,
        Err(outcome) => return outcome,
    };
    let settings = match settings(
        &definition,
        args.tolerance,
        args.max_iterations,
        args.linear_solver,
    ) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    // Open the trace file before solving: an unwritable path is unusable input.
    let mut trace = match &args.trace {
        None => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Some(f),
            Err(e) => {
                return unusable(format!(
                    "error: cannot write the trace file: {e}\n --> {}",
                    path.display()
                ))
            }
        },
    };
    let solution = match solve(&definition, &settings) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    let mut warm = Vec::new();
    for _ in 1..args.repeat {
        match solve(&definition, &settings) {
            Ok(s) => warm.push(s.timings.total.as_secs_f64()),
            Err(outcome) => return outcome,
        }
    }
    if args.verbose {
        let mut log = report::log_header();
        log.push('\n');
        for r in &solution.history {
            log.push_str(&report::log_line(r));
            log.push('\n');
        }
        if args.json {
            eprint!("{log}");
        } else {
            println!("{log}");
        }
    }
    if let Some(file) = trace.as_mut() {
        if let Err(e) = file.write_all(report::trace_csv(&solution.history).as_bytes()) {
            eprintln!("warning: writing the trace file failed: {e}");
        }
    }
    let text = if args.json {
        let mut json = solution_json(&definition, &solution);
        if let (Json::Object(pairs), false) = (&mut json, warm.is_empty()) {
            warm.sort_by(f64::total_cmp);
            let median = warm[warm.len() / 2];
            pairs.push(("solve_seconds_warm".to_string(), Json::Number(median)));
        }
        json.render()
    } else {
        report::solution(&definition, &solution)
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if solution.status.is_converged() {
        Outcome::Success
    } else {
        Outcome::NotConverged
    }
}
