//! Human-readable output: the solve report, the per-iteration log and the
//! CSV trace.

use std::fmt::Write;

use lagrange::problem::ConstraintKind;
use lagrange::problem_file::{Definition, Shape};
use lagrange::solver::{IterationRecord, Sense, Solution};

/// At most this many elements of a vector are listed in the report.
const MAX_LISTED: usize = 20;

/// A number for people: up to 10 significant digits, exponent form when
/// very small or large.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v != 0.0 && !(1e-4..1e9).contains(&v.abs()) {
        return sci(v, 6);
    }
    let rounded: f64 = format!("{v:.9e}").parse().unwrap_or(v);
    format!("{rounded}")
}

/// Scientific notation with a signed two-digit exponent: `1.50e-03`.
pub fn sci(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let text = format!("{v:.digits$e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let e: i32 = exponent.parse().unwrap_or(0);
            let sign = if e < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", e.abs())
        }
        None => text,
    }
}

/// Names of the scalar elements of a value called `name` of `shape`.
fn element_names(name: &str, shape: Shape) -> Vec<String> {
    match shape {
        Shape::Scalar => vec![name.to_string()],
        Shape::Vector(n) => (0..n).map(|i| format!("{name}[{i}]")).collect(),
        Shape::Matrix(r, c) => (0..r * c)
            .map(|k| format!("{name}[{}][{}]", k / c, k % c))
            .collect(),
    }
}

fn table(out: &mut String, title: &str, rows: &[(String, Shape, usize)], values: &[f64]) {
    let _ = writeln!(out, "{title}");
    let names: Vec<(Vec<String>, usize)> = rows
        .iter()
        .map(|(name, shape, offset)| (element_names(name, *shape), *offset))
        .collect();
    let width = names
        .iter()
        .flat_map(|(n, _)| n.iter().take(MAX_LISTED).map(|s| s.chars().count()))
        .max()
        .unwrap_or(0);
    for (elements, offset) in &names {
        for (k, name) in elements.iter().enumerate().take(MAX_LISTED) {
            let _ = writeln!(out, "  {name:<width$}  {:>16}", num(values[offset + k]));
        }
        if elements.len() > MAX_LISTED {
            let _ = writeln!(
                out,
                "  ... {} more (use --json for all)",
                elements.len() - MAX_LISTED
            );
        }
    }
}

/// The report of `lagrange solve` without `--json`.
pub fn solution(definition: &Definition, solution: &Solution) -> String {
    let mut out = String::new();
    let title = definition.name.as_deref().unwrap_or("problem");
    let _ = writeln!(out, "{title} ({})", definition.path.display());
    let _ = writeln!(out, "status                {}", solution.status);
    if !solution.status.is_converged() && !solution.message.is_empty() {
        let _ = writeln!(out, "                      {}", solution.message);
    }
    let sense = match definition.sense {
        Sense::Minimize => "minimize",
        Sense::Maximize => "maximize",
    };
    let _ = writeln!(out, "objective ({sense})  {}", num(solution.objective));
    out.push('\n');
    let variables: Vec<(String, Shape, usize)> = definition
        .variables
        .iter()
        .map(|v| (v.name.clone(), v.shape, v.offset))
        .collect();
    table(&mut out, "variables", &variables, &solution.x);
    if !definition.constraints.is_empty() {
        let constraints: Vec<(String, Shape, usize)> = definition
            .constraints
            .iter()
            .map(|c| (c.name.clone(), c.shape, c.offset))
            .collect();
        out.push('\n');
        table(
            &mut out,
            "multipliers (d objective / d right-hand side)",
            &constraints,
            &solution.multipliers,
        );
    }
    active_set(&mut out, definition, solution);
    out.push('\n');
    let _ = writeln!(out, "iterations            {}", solution.iterations);
    let _ = writeln!(out, "KKT residual          {:.3e}", solution.kkt_residual);
    let _ = writeln!(
        out,
        "constraint violation  {:.3e}",
        solution.constraint_violation
    );
    let point = solution.point.map_or("not classified", |p| p.as_str());
    let _ = writeln!(out, "point                 {point}");
    if solution.dependent_constraints {
        let _ = writeln!(
            out,
            "note                  the constraints are dependent at this point; the multipliers are not unique"
        );
    }
    let _ = writeln!(
        out,
        "time                  {:.3} ms",
        solution.timings.total.as_secs_f64() * 1e3
    );
    out
}

/// The inequalities, ranges and bounds that hold at the point, with their
/// shadow prices; nothing for a problem with equations only, whose report
/// stays as it was.
fn active_set(out: &mut String, definition: &Definition, solution: &Solution) {
    let has_inequalities = definition
        .constraints
        .iter()
        .any(|c| c.kind != ConstraintKind::Equation);
    if !has_inequalities && !definition.has_bounds() {
        return;
    }
    let mut rows: Vec<(String, &'static str, f64)> = Vec::new();
    for c in &definition.constraints {
        if c.kind == ConstraintKind::Equation {
            continue;
        }
        for (k, name) in element_names(&c.name, c.shape).into_iter().enumerate() {
            let i = c.offset + k;
            match solution.constraint_activity.get(i) {
                Some(a) if a.is_active() => rows.push((name, a.as_str(), solution.multipliers[i])),
                _ => {}
            }
        }
    }
    for v in &definition.variables {
        for (k, name) in element_names(&v.name, v.shape).into_iter().enumerate() {
            let j = v.offset + k;
            match solution.bound_activity.get(j) {
                Some(a) if a.is_active() => rows.push((
                    format!("bound {name}"),
                    a.as_str(),
                    solution.bound_multipliers.get(j).copied().unwrap_or(0.0),
                )),
                _ => {}
            }
        }
    }
    out.push('\n');
    let _ = writeln!(out, "active set (shadow price: d objective / d active end)");
    if rows.is_empty() {
        let _ = writeln!(out, "  none: no inequality or bound holds with equality");
        return;
    }
    let width = rows
        .iter()
        .map(|(n, _, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    for (name, end, price) in rows.iter().take(MAX_LISTED) {
        let _ = writeln!(out, "  {name:<width$}  {end:<5}  {:>16}", num(*price));
    }
    if rows.len() > MAX_LISTED {
        let _ = writeln!(
            out,
            "  ... {} more (use --json for all)",
            rows.len() - MAX_LISTED
        );
    }
}

/// The header of the per-iteration log.
pub fn log_header() -> String {
    format!(
        "{:>5}  {:>17}  {:>9}  {:>9}  {:>8}  {:>8}",
        "iter", "objective", "‖g‖∞", "‖∇L‖∞", "δ", "step"
    )
}

/// One line of the per-iteration log (IPOPT style).
pub fn log_line(r: &IterationRecord) -> String {
    let delta = if r.regularization == 0.0 {
        "-".to_string()
    } else {
        sci(r.regularization, 1)
    };
    let step = if r.iteration == 0 {
        "-".to_string()
    } else {
        sci(r.step_length, 2)
    };
    format!(
        "{:>5}  {:>17}  {:>9}  {:>9}  {:>8}  {:>8}",
        r.iteration,
        sci(r.objective, 9),
        sci(r.constraint_violation, 2),
        sci(r.stationarity, 2),
        delta,
        step
    )
}

/// The iteration history as CSV.
pub fn trace_csv(history: &[IterationRecord]) -> String {
    let mut out = String::from(
        "iteration,objective,constraint_violation,stationarity,step_length,regularization\n",
    );
    for r in history {
        let _ = writeln!(
            out,
            "{},{:e},{:e},{:e},{:e},{:e}",
            r.iteration,
            r.objective,
            r.constraint_violation,
            r.stationarity,
            r.step_length,
            r.regularization
        );
    }
    out
}
