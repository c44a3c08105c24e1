//! `lagrange solve`.

use std::io::Write;
use std::path::Path;

use lagrange::problem_file::{self, Definition};
use lagrange::solver::{self, Barrier, LinearSolver, Settings, Solution, WarmStart};

use crate::args::SolveArgs;
use crate::json::{shaped, Json};
use crate::{report, unusable, Outcome};

/// Load and check a problem file, printing the error if it is unusable.
pub fn load(path: &Path) -> Result<Definition, Outcome> {
    problem_file::read_text(path)
        .and_then(|text| problem_file::load_str(path, &text))
        .map_err(|e| unusable(e.render()))
}

/// Command-line settings that override the file's options.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--tolerance`.
    pub tolerance: Option<f64>,
    /// `--max-iterations`.
    pub max_iterations: Option<usize>,
    /// `--linear-solver`.
    pub linear_solver: Option<LinearSolver>,
    /// `--barrier`.
    pub barrier: Option<Barrier>,
    /// `--warm-start`, read.
    pub warm_start: Option<WarmStart>,
}

/// Solver settings from the file's options and the command-line overrides.
pub fn settings(definition: &Definition, overrides: Overrides) -> Result<Settings, Outcome> {
    let options = &definition.options;
    let mut builder = Settings::builder();
    if let Some(l) = overrides.linear_solver.or(options.linear_solver) {
        builder = builder.linear_solver(l);
    }
    if let Some(b) = overrides.barrier.or(options.barrier) {
        builder = builder.barrier(b);
    }
    if let Some(t) = overrides.tolerance.or(options.tolerance) {
        builder = builder.tolerance(t);
    }
    if let Some(n) = overrides.max_iterations.or(options.max_iterations) {
        builder = builder.max_iterations(n);
    }
    if let Some(w) = overrides.warm_start {
        builder = builder.warm_start(w);
    }
    builder
        .build()
        .map_err(|e| unusable(format!("error: {e}\n --> {}", definition.path.display())))
}

/// Compile and solve.
pub fn solve(definition: &Definition, settings: &Settings) -> Result<Solution, Outcome> {
    let mut compiled = problem_file::compile(definition).map_err(|e| unusable(e.render()))?;
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
    let by_variable = |values: &[f64]| {
        Json::object(definition.variables.iter().map(|v| {
            (
                v.name.clone(),
                shaped(v.shape, &values[v.offset..v.offset + v.shape.numel()]),
            )
        }))
    };
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
    ]);
    // Only problems with bounds have the key, so equality-only outputs stay
    // as they were.
    if definition.has_bounds() {
        pairs.push((
            "bound_multipliers".to_string(),
            by_variable(&solution.bound_multipliers),
        ));
    }
    pairs.extend([
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
    let warm_start = match &args.warm_start {
        None => None,
        Some(path) => match crate::warm_start::read(&definition, path) {
            Ok(w) => Some(w),
            Err(message) => return unusable(message),
        },
    };
    let overrides = Overrides {
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
        linear_solver: args.linear_solver,
        barrier: args.barrier,
        warm_start,
    };
    let settings = match settings(&definition, overrides) {
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
