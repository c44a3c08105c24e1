//! `lagrange solve`, `eval` and `check` on valid files: the JSON contract,
//! exit statuses, derivatives against central finite differences.

use std::path::{Path, PathBuf};

use lagrange::problem_file::{load, Definition};
use lagrange_test_support::cli::{fixture, json, run, scratch, Run};
use lagrange_test_support::close;
use serde_json::Value;

#[test]
fn solve_json_is_exactly_the_contract_object() {
    let budget = fixture("budget.json");
    let (code, v) = json(&["solve", budget.to_str().unwrap(), "--json"]);
    assert_eq!(code, Some(0));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "status",
        "objective",
        "x",
        "multipliers",
        "iterations",
        "kkt_residual",
        "constraint_violation",
        "point",
        "solve_seconds",
    ] {
        assert!(keys.contains(&key), "missing {key}");
    }
    assert_eq!(v["status"], "converged");
    assert_eq!(v["point"], "maximum");
    // Closed form: x = y = 5, w = least-norm solution of A w = b.
    assert!(close(v["objective"].as_f64().unwrap(), 20.1, 1e-9));
    assert!(close(v["x"]["x"].as_f64().unwrap(), 5.0, 1e-9));
    let w: Vec<f64> = v["x"]["w"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for (got, want) in w.iter().zip([-0.3, 2.0, -0.9]) {
        assert!(close(*got, want, 1e-9), "{w:?}");
    }
    // Multipliers: a number for the scalar equation, an array for the vector one.
    assert!(close(v["multipliers"][0].as_f64().unwrap(), 5.0, 1e-9));
    assert_eq!(v["multipliers"][1].as_array().unwrap().len(), 2);
    // λ = d f*/d c: re-solve with c + h and compare.
    let text = std::fs::read_to_string(&budget)
        .unwrap()
        .replace("\"c\": 10.0", "\"c\": 10.001");
    let dir = scratch("sensitivity");
    let shifted = dir.join("shifted.json");
    std::fs::write(&shifted, text).unwrap();
    let (_, s) = json(&["solve", shifted.to_str().unwrap(), "--json"]);
    let derivative = (s["objective"].as_f64().unwrap() - v["objective"].as_f64().unwrap()) / 0.001;
    assert!((derivative - v["multipliers"][0].as_f64().unwrap()).abs() < 1e-3);
}

/// `--repeat R` solves R times in one process: the printed solution is the
/// first run's, and `solve_seconds_warm` (only then) is a positive time.
#[test]
fn repeat_adds_a_warm_solve_time_and_keeps_the_solution() {
    let budget = fixture("budget.json");
    let path = budget.to_str().unwrap();
    let (_, once) = json(&["solve", path, "--json"]);
    let (code, repeated) = json(&["solve", path, "--json", "--repeat", "4"]);
    assert_eq!(code, Some(0));
    assert!(once.get("solve_seconds_warm").is_none());
    let warm = repeated["solve_seconds_warm"].as_f64().unwrap();
    assert!(warm > 0.0 && warm.is_finite(), "{warm}");
    for key in [
        "status",
        "objective",
        "x",
        "multipliers",
        "iterations",
        "point",
    ] {
        assert_eq!(once[key], repeated[key], "{key}");
    }
    let Run { code, stderr, .. } = run(&["solve", path, "--repeat", "0"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--repeat"), "{stderr}");
}

#[test]
fn matrix_equation_multipliers_are_rows() {
    let (code, v) = json(&[
        "solve",
        fixture("matrix_constraint.json").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, Some(0), "{v}");
    let rows = v["multipliers"][0].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.as_array().unwrap().len() == 2));
}

#[test]
fn not_converged_exits_1_and_still_prints_json() {
    let dir = scratch("not_converged");
    let path = dir.join("quartic.json");
    let text = r#"{"variables": [{"name": "x", "start": 10}, {"name": "y", "start": -7}],
                   "minimize": "x^4 + y^4 + x*y", "constraints": ["x + 2*y = 3"]}"#;
    std::fs::write(&path, text).unwrap();
    let (code, v) = json(&[
        "solve",
        path.to_str().unwrap(),
        "--json",
        "--max-iterations",
        "1",
    ]);
    assert_eq!(code, Some(1));
    assert_ne!(v["status"], "converged");
    assert!(v["message"].is_string());
}

#[test]
fn human_report_verbose_and_trace() {
    let dir = scratch("trace");
    let trace = dir.join("t.csv");
    let Run { code, stdout, .. } = run(&[
        "solve",
        fixture("budget.json").to_str().unwrap(),
        "--verbose",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    for needle in [
        "status",
        "converged",
        "objective",
        "variables",
        "multipliers",
        "rows[1]",
        "iterations",
        "KKT residual",
        "point",
        "maximum",
        "time",
        "‖∇L‖∞",
    ] {
        assert!(stdout.contains(needle), "{needle}:\n{stdout}");
    }
    let csv = std::fs::read_to_string(&trace).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("iteration,objective"));
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.split(',').count() == 6));
    // --verbose with --json: the log goes to stderr, stdout stays one object.
    let Run { stdout, stderr, .. } = run(&[
        "solve",
        fixture("budget.json").to_str().unwrap(),
        "--json",
        "-v",
    ]);
    serde_json::from_str::<Value>(&stdout).unwrap();
    assert!(stderr.contains("objective"));
}

#[test]
fn help_has_examples() {
    let Run { code, stdout, .. } = run(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("Examples:") && stdout.contains("lagrange check problems"));
    let Run { code, stdout, .. } = run(&["solve", "--help"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("--tolerance") && stdout.contains("--trace"));
}

#[test]
fn eval_prints_null_and_exits_1_for_non_finite_values() {
    let (code, v) = json(&["eval", fixture("domain.json").to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(v["objective"].is_null());
    let (code, v) = json(&[
        "eval",
        fixture("domain.json").to_str().unwrap(),
        "--at",
        "{\"x\": 2}",
    ]);
    assert_eq!(code, Some(0));
    assert!(close(
        v["objective"].as_f64().unwrap(),
        2f64.ln() + 4.0,
        1e-12
    ));
    assert!(close(
        v["gradient"]["x"].as_f64().unwrap(),
        0.5 + 4.0,
        1e-12
    ));
    assert!(close(
        v["hessian"][0][0].as_f64().unwrap(),
        -0.25 + 2.0,
        1e-12
    ));
}

/// Derivatives printed by `lagrange eval` against central differences of
/// the directly evaluated (engine-independent) objective and constraints.
fn check_eval_against_finite_differences(path: &Path) {
    let def: Definition = load(path).unwrap_or_else(|e| panic!("{}", e.render()));
    let n = def.num_variables();
    let m = def.num_constraints();
    // A point near the start, and multipliers, both deterministic.
    let mut x = def.start();
    for (k, v) in x.iter_mut().enumerate() {
        *v += 0.01 * ((k as f64) * 0.7).sin() * v.abs().max(0.1);
    }
    let lambda: Vec<f64> = (0..m).map(|k| 0.5 * ((k as f64) * 1.3).cos()).collect();
    let at = Value::Object(
        def.variables
            .iter()
            .map(|v| {
                let values = &x[v.offset..v.offset + v.shape.numel()];
                let value = if v.shape.dims().is_empty() {
                    Value::from(values[0])
                } else {
                    Value::from(values.to_vec())
                };
                (v.name.clone(), value)
            })
            .collect(),
    );
    let mut mults = Vec::new();
    for c in &def.constraints {
        let values = &lambda[c.offset..c.offset + c.shape.numel()];
        mults.push(match c.shape.dims().len() {
            0 => Value::from(values[0]),
            1 => Value::from(values.to_vec()),
            _ => Value::from(
                values
                    .chunks(c.shape.dims()[1])
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>(),
            ),
        });
    }
    let (code, out) = json(&[
        "eval",
        path.to_str().unwrap(),
        "--at",
        &at.to_string(),
        "--multipliers",
        &Value::from(mults).to_string(),
    ]);
    let f0 = def.evaluate_objective(&x);
    if !f0.is_finite() {
        return;
    }
    assert_eq!(code, Some(0), "{}", path.display());
    assert!(close(out["objective"].as_f64().unwrap(), f0, 1e-10));
    let flat = |value: &Value| -> Vec<f64> {
        let mut out = Vec::new();
        fn walk(v: &Value, out: &mut Vec<f64>) {
            match v {
                Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                v => out.push(v.as_f64().unwrap()),
            }
        }
        walk(value, &mut out);
        out
    };
    let mut gradient = Vec::new();
    for v in &def.variables {
        gradient.extend(flat(&out["gradient"][&v.name]));
    }
    let jacobian = flat(&out["jacobian"]);
    let hessian = flat(&out["hessian"]);
    assert_eq!(
        (gradient.len(), jacobian.len(), hessian.len()),
        (n, m * n, n * n)
    );
    let lagrangian = |x: &[f64]| {
        let g = def.evaluate_constraints(x);
        def.evaluate_objective(x) - g.iter().zip(&lambda).map(|(g, l)| g * l).sum::<f64>()
    };
    // Check a sample of columns (all of them for small problems).
    let columns: Vec<usize> = if n <= 12 {
        (0..n).collect()
    } else {
        (0..12).map(|k| (k * 7919) % n).collect()
    };
    for &j in &columns {
        let h = 1e-5 * x[j].abs().max(1.0);
        let mut xp = x.clone();
        let mut xm = x.clone();
        xp[j] += h;
        xm[j] -= h;
        let df = (def.evaluate_objective(&xp) - def.evaluate_objective(&xm)) / (2.0 * h);
        let scale = gradient.iter().fold(1.0f64, |a, g| a.max(g.abs()));
        assert!(
            (gradient[j] - df).abs() <= 1e-5 * scale,
            "{}: ∂f/∂x{j}: {} vs {df}",
            path.display(),
            gradient[j]
        );
        let (gp, gm) = (def.evaluate_constraints(&xp), def.evaluate_constraints(&xm));
        for i in 0..m {
            let dg = (gp[i] - gm[i]) / (2.0 * h);
            assert!(
                (jacobian[i * n + j] - dg).abs() <= 1e-5 * dg.abs().max(1.0),
                "{}: J[{i},{j}]",
                path.display()
            );
        }
        for &k in &columns {
            let hk = 1e-4 * x[k].abs().max(1.0);
            let hj = 1e-4 * x[j].abs().max(1.0);
            let at = |sj: f64, sk: f64| {
                let mut y = x.clone();
                y[j] += sj * hj;
                y[k] += sk * hk;
                lagrangian(&y)
            };
            let d2 =
                (at(1.0, 1.0) - at(1.0, -1.0) - at(-1.0, 1.0) + at(-1.0, -1.0)) / (4.0 * hj * hk);
            let hscale = hessian.iter().fold(1.0f64, |a, v| a.max(v.abs()));
            assert!(
                (hessian[j * n + k] - d2).abs() <= 1e-4 * hscale,
                "{}: H[{j},{k}] = {} vs {d2}",
                path.display(),
                hessian[j * n + k]
            );
        }
    }
}

#[test]
fn eval_agrees_with_finite_differences_on_fixtures_and_problems() {
    let mut files = vec![
        fixture("budget.json"),
        fixture("matrix_constraint.json"),
        fixture("table_functions.json"),
        fixture("typo_name.json"),
    ];
    files.pop(); // typo_name is unusable on purpose
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    if let Ok(entries) = std::fs::read_dir(&problems) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        files.extend(found);
    }
    for file in &files {
        check_eval_against_finite_differences(file);
    }
}

#[test]
fn check_passes_and_a_wrong_expected_value_fails_naming_file_and_number() {
    let Run { code, stdout, .. } = run(&["check", fixture("budget.json").to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 passed"));
    let dir = scratch("check");
    let text = std::fs::read_to_string(fixture("budget.json"))
        .unwrap()
        .replace("\"objective\": 20.1", "\"objective\": 20.2");
    let wrong = dir.join("wrong.json");
    std::fs::write(&wrong, text).unwrap();
    std::fs::copy(fixture("budget.json"), dir.join("right.json")).unwrap();
    let Run { code, stdout, .. } = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .expect("a FAIL line");
    assert!(
        line.contains("wrong.json") && line.contains("objective") && line.contains("20.2"),
        "{line}"
    );
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}

/// log1p, expm1, atan and sigmoid in a problem file, solved to the closed
/// form of `tests/fixtures/table_functions.json` (derivation in its
/// description): x*, the multipliers (λ = s(1 − s) for sigmoid, −e^½ for
/// expm1) and f*.
#[test]
fn table_functions_solve_to_their_closed_form() {
    let file = fixture("table_functions.json");
    let (code, v) = json(&["solve", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, Some(0), "{v}");
    let s = 1.0 / (1.0 + (-1.0f64).exp());
    let f = 2.0 * 2f64.ln() - 2.0 * (0.5f64.exp() - 1.0) + std::f64::consts::FRAC_PI_2 + 2.0 * s;
    assert!(close(v["objective"].as_f64().unwrap(), f, 1e-10), "{v}");
    for (name, want) in [("a", 1.0), ("b", 0.5), ("c", 1.0), ("d", 1.0)] {
        for x in v["x"][name].as_array().unwrap() {
            assert!(close(x.as_f64().unwrap(), want, 1e-8), "{name}: {v}");
        }
    }
    let lambda: Vec<f64> = v["multipliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_f64().unwrap())
        .collect();
    let want = [0.5, -(0.5f64.exp()), 0.5, s * (1.0 - s)];
    for (got, want) in lambda.iter().zip(want) {
        assert!(close(*got, want, 1e-8), "{lambda:?} vs {want}");
    }
    assert_eq!(v["point"], "maximum");
    // `check` compares with the file's `expected`.
    let Run { code, stderr, .. } = run(&["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
}
