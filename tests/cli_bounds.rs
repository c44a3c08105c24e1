//! The binary on files with bounds, inequalities and ranges: eval's
//! `lagrangian_gradient` (by hand and by central finite differences) and
//! `kkt_residual`, `bound_multipliers` in `solve --json`, the `--barrier`
//! and `--warm-start` flags, `check` with `expected.bound_multipliers`, and
//! exit status 2 for unusable arguments.

use std::path::Path;

use lagrange_test_support::cli::{self, json as json_of, run, scratch, Run};
use serde_json::{json, Value};

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = cli::write(dir, name, serde_json::to_string_pretty(value).unwrap());
    path.to_str().unwrap().to_string()
}

/// Exit 2, nothing on standard output, every needle on standard error.
#[track_caller]
fn assert_unusable(args: &[&str], needles: &[&str]) {
    let Run {
        code,
        stdout,
        stderr,
    } = run(args);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr must contain {n:?}:\n{stderr}");
    }
}

/// f = x² + x·w₀ + sin(w₁) + w₂³ with one constraint of each kind and bounds.
fn bounded() -> Value {
    json!({
        "variables": [
            {"name": "x", "start": 0.7, "lower": 0},
            {"name": "w", "size": 3, "start": [0.2, -0.4, 1.1], "upper": [1, null, 2]}
        ],
        "parameters": {"cap": 2.0},
        "minimize": "x^2 + x * w[0] + sin(w[1]) + w[2]^3",
        "constraints": [
            "x + sum(w) = 1",
            {"name": "cap", "equation": "x * w[2] <= cap"},
            {"name": "floor", "equation": "w[0:2] >= -1"},
            {"name": "band", "equation": "-1 <= exp(w[1]) + x <= 3"}
        ]
    })
}

/// The flat numbers of a JSON value (number, array, map in variable order).
fn flat(v: &Value, order: &[&str]) -> Vec<f64> {
    match v {
        Value::Number(n) => vec![n.as_f64().unwrap()],
        Value::Array(items) => items.iter().flat_map(|i| flat(i, order)).collect(),
        Value::Object(map) => order.iter().flat_map(|k| flat(&map[*k], order)).collect(),
        _ => panic!("not numeric: {v}"),
    }
}

#[test]
fn eval_lagrangian_gradient_by_hand_and_by_finite_differences() {
    let dir = scratch("eval");
    let file = write(&dir, "b.json", &bounded());
    let lambda = "[0.5, -1.5, [2, 0.25], 0.75]";
    let z = r#"{"x": 0.3, "w": [-0.2, 0, -1]}"#;
    let (code, v) = json_of(&[
        "eval",
        &file,
        "--multipliers",
        lambda,
        "--bound-multipliers",
        z,
    ]);
    assert_eq!(code, Some(0));
    let (x, w) = (0.7f64, [0.2f64, -0.4, 1.1]);
    let (l, zz) = ([0.5, -1.5, 2.0, 0.25, 0.75], [0.3, -0.2, 0.0, -1.0]);
    // ∇f, and the Jacobian rows: sum, x·w₂, w₀, w₁, exp(w₁) + x.
    let grad = [2.0 * x + w[0], x, w[1].cos(), 3.0 * w[2] * w[2]];
    let jac = [
        [1.0, 1.0, 1.0, 1.0],
        [w[2], 0.0, 0.0, x],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [1.0, 0.0, w[1].exp(), 0.0],
    ];
    let by_hand: Vec<f64> = (0..4)
        .map(|j| grad[j] - (0..5).map(|i| jac[i][j] * l[i]).sum::<f64>() - zz[j])
        .collect();
    let printed = flat(&v["lagrangian_gradient"], &["x", "w"]);
    for j in 0..4 {
        assert!(
            (printed[j] - by_hand[j]).abs() < 1e-12,
            "{printed:?} vs {by_hand:?}"
        );
    }
    // The same by central differences of the Lagrangian value f − λᵀg − zᵀx
    // (g from eval's own `constraints`: e for the range).
    let lagrangian = |point: &[f64]| {
        let at = json!({"x": point[0], "w": &point[1..]}).to_string();
        let (_, e) = json_of(&["eval", &file, "--at", &at]);
        let g = flat(&e["constraints"], &[]);
        e["objective"].as_f64().unwrap()
            - l.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>()
            - zz.iter().zip(point).map(|(a, b)| a * b).sum::<f64>()
    };
    let point = [x, w[0], w[1], w[2]];
    let h = 1e-6;
    for j in 0..4 {
        let (mut up, mut down) = (point, point);
        up[j] += h;
        down[j] -= h;
        let fd = (lagrangian(&up) - lagrangian(&down)) / (2.0 * h);
        assert!(
            (fd - printed[j]).abs() < 1e-6,
            "element {j}: fd {fd}, printed {}",
            printed[j]
        );
    }
    // The range prints e = exp(w₁) + x, not a difference.
    let g = flat(&v["constraints"], &[]);
    assert!((g[4] - (w[1].exp() + x)).abs() < 1e-15);
    assert!((g[1] - (x * w[2] - 2.0)).abs() < 1e-15);
}

#[test]
fn eval_kkt_residual_has_every_part() {
    let dir = scratch("kkt");
    // min x² + y² s.t. x + y >= 1, x <= 0.2: the KKT point x = 0.2, y = 0.8,
    // λ = 1.6, z = −1.2 (an upper bound of a minimization: z ≤ 0).
    let file = write(
        &dir,
        "k.json",
        &json!({
            "variables": [{"name": "x", "upper": 0.2}, {"name": "y"}],
            "minimize": "x^2 + y^2",
            "constraints": ["x + y >= 1"]
        }),
    );
    let residual = |at: &str, m: &str, z: &str| {
        let (code, v) = json_of(&[
            "eval",
            &file,
            "--at",
            at,
            "--multipliers",
            m,
            "--bound-multipliers",
            z,
        ]);
        assert_eq!(code, Some(0));
        v["kkt_residual"].as_f64().unwrap()
    };
    let at = r#"{"x": 0.2, "y": 0.8}"#;
    assert!(residual(at, "[1.6]", r#"{"x": -1.2}"#) < 1e-15);
    // Stationarity alone: z left at 0 leaves ∇f − Jᵀλ = (−1.2, 0).
    assert!((residual(at, "[1.6]", "{}") - 1.2).abs() < 1e-15);
    // A wrong-sign multiplier of an active `>=`, with z fixing stationarity.
    assert!((residual(at, "[-0.5]", r#"{"x": 0.9, "y": 2.1}"#) - 2.1).abs() < 1e-15);
    // Complementarity: λ = 2 with slack 0.5 (and z making ∇L zero).
    let r = residual(r#"{"x": 0.2, "y": 1.3}"#, "[2]", r#"{"x": -1.6, "y": 0.6}"#);
    assert!((r - 1.0).abs() < 1e-12, "{r}");
    // Equality-only: max(‖∇f − Jᵀλ‖∞, ‖g‖∞), the classic residual.
    let eq = write(
        &dir,
        "e.json",
        &json!({"variables": [{"name": "x"}, {"name": "y"}], "maximize": "x * y", "constraints": ["x + y = 10"]}),
    );
    let (_, v) = json_of(&[
        "eval",
        &eq,
        "--at",
        r#"{"x": 4, "y": 7}"#,
        "--multipliers",
        "[3]",
    ]);
    assert_eq!(v["kkt_residual"].as_f64(), Some(4.0));
    assert_eq!(flat(&v["lagrangian_gradient"], &["x", "y"]), [4.0, 1.0]);
}

#[test]
fn solve_json_has_bound_multipliers_only_with_bounds() {
    let dir = scratch("solve");
    let bounded = write(
        &dir,
        "b.json",
        &json!({"variables": [{"name": "x", "lower": -5}, {"name": "w", "size": 2, "upper": [null, 9]}],
                "minimize": "(x - 1)^2 + dot(w, w)"}),
    );
    let (code, v) = json_of(&["solve", &bounded, "--json", "--barrier", "monotone"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["bound_multipliers"], json!({"x": 0.0, "w": [0.0, 0.0]}));
    // Printed right after the multipliers.
    let Run { stdout: text, .. } = run(&["solve", &bounded, "--json"]);
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    assert!(
        at("multipliers") < at("bound_multipliers") && at("bound_multipliers") < at("iterations")
    );
    let plain = write(
        &dir,
        "p.json",
        &json!({"variables": [{"name": "x"}], "minimize": "(x - 1)^2"}),
    );
    let (_, v) = json_of(&["solve", &plain, "--json", "--barrier", "adaptive"]);
    assert!(v.get("bound_multipliers").is_none());
    // The human report lists the active set (none here).
    let Run {
        code, stdout: text, ..
    } = run(&["solve", &bounded]);
    assert_eq!(code, Some(0));
    assert!(text.contains("active set (shadow price"), "{text}");
    assert_unusable(
        &["solve", &plain, "--barrier", "fast"],
        &["'fast' is not one of monotone, adaptive"],
    );
}

#[test]
fn warm_start_reads_a_previous_json_output() {
    let dir = scratch("warm");
    let file = write(
        &dir,
        "w.json",
        &json!({"variables": [{"name": "x", "start": 3, "lower": 0}, {"name": "y", "start": -2}],
                "minimize": "(x - 1)^2 + (y - 2)^2",
                "constraints": ["x + y = 4"]}),
    );
    let Run { code, stdout, .. } = run(&["solve", &file, "--json"]);
    assert_eq!(code, Some(0));
    let previous = dir.join("previous.json");
    std::fs::write(&previous, &stdout).unwrap();
    let (code, v) = json_of(&[
        "solve",
        &file,
        "--json",
        "--warm-start",
        previous.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    assert!((v["x"]["x"].as_f64().unwrap() - 1.5).abs() < 1e-8);
    let bad = |name: &str, value: Value, needles: &[&str]| {
        let path = write(&dir, name, &value);
        let mut all = vec![name];
        all.extend_from_slice(needles);
        assert_unusable(&["solve", &file, "--warm-start", &path], &all);
    };
    bad(
        "no_x.json",
        json!({"multipliers": [1]}),
        &[": x", "expected an object"],
    );
    bad(
        "missing_y.json",
        json!({"x": {"x": 1}, "multipliers": [1]}),
        &[": x", "no value for variable 'y'"],
    );
    bad(
        "short.json",
        json!({"x": {"x": 1, "y": 2}, "multipliers": []}),
        &[": multipliers", "0 entries for 1 constraints"],
    );
    bad(
        "z.json",
        json!({"x": {"x": 1, "y": 2}, "multipliers": [1], "bound_multipliers": {"x": [1, 2]}}),
        &[": bound_multipliers", "variable 'x'"],
    );
    assert_unusable(
        &[
            "solve",
            &file,
            "--warm-start",
            dir.join("absent.json").to_str().unwrap(),
        ],
        &["absent.json", "cannot read the warm-start file"],
    );
}

#[test]
fn eval_bound_multipliers_argument_errors() {
    let dir = scratch("zerr");
    let file = write(&dir, "b.json", &bounded());
    assert_unusable(
        &["eval", &file, "--bound-multipliers", r#"{"v": 1}"#],
        &["--bound-multipliers: unknown variable 'v'"],
    );
    assert_unusable(
        &["eval", &file, "--bound-multipliers", "[1]"],
        &["--bound-multipliers: expected a JSON object"],
    );
    assert_unusable(
        &["eval", &file, "--bound-multipliers", r#"{"w": [1, 2]}"#],
        &["--bound-multipliers: variable 'w': expected 3 numbers, found 2"],
    );
}

#[test]
fn check_compares_bound_multipliers() {
    let dir = scratch("check");
    let problem = |z: f64| {
        json!({"variables": [{"name": "x", "lower": -5}], "minimize": "(x - 1)^2",
               "expected": {"x": {"x": 1}, "bound_multipliers": {"x": z}}})
    };
    let good = write(&dir, "good.json", &problem(0.0));
    let Run { code, stdout, .. } = run(&["check", &good]);
    assert_eq!(code, Some(0), "{stdout}");
    let Run { code, stdout, .. } = run(&[
        "check",
        &good,
        "--barrier",
        "adaptive",
        "--linear-solver",
        "dense",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    let wrong = write(&dir, "wrong.json", &problem(3.0));
    let Run { code, stdout, .. } = run(&["check", &wrong]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("bound_multipliers.x = 0 but expected 3"),
        "{stdout}"
    );
}
