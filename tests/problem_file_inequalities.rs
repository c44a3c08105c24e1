//! Problem files with bounds, inequalities and ranges, read by the library:
//! bounds and ends as loaded and as compiled, the value of a range, the new
//! options and `expected.bound_multipliers`, and the errors' fields and
//! columns.

use std::path::Path;

use lagrange::problem::ConstraintKind;
use lagrange::problem_file::{compile, load_str, Definition, ErrorKind, FileError};
use lagrange::solver::{Barrier, LinearSolver, NlpProblem};

const INF: f64 = f64::INFINITY;

/// x (scalar, start 1), w (size 3, start [0.5, 1, 2]), parameters cap = 2,
/// lo = [0, 1, 2], with the given variables' extra fields and constraints.
fn load(
    x: serde_json::Value,
    w: serde_json::Value,
    constraints: serde_json::Value,
) -> Result<Definition, FileError> {
    let mut xv = serde_json::json!({"name": "x", "start": 1.0});
    let mut wv = serde_json::json!({"name": "w", "size": 3, "start": [0.5, 1.0, 2.0]});
    for (v, extra) in [(&mut xv, x), (&mut wv, w)] {
        for (k, e) in extra.as_object().unwrap() {
            v[k] = e.clone();
        }
    }
    let text = serde_json::json!({
        "variables": [xv, wv],
        "parameters": {"cap": 2.0, "lo": [0.0, 1.0, 2.0]},
        "minimize": "x^2 + dot(w, w)",
        "constraints": constraints,
    })
    .to_string();
    load_str(Path::new("ineq.json"), &text)
}

fn ok(x: serde_json::Value, w: serde_json::Value, constraints: serde_json::Value) -> Definition {
    load(x, w, constraints).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn err(x: serde_json::Value, w: serde_json::Value, constraints: serde_json::Value) -> FileError {
    load(x, w, constraints).expect_err("an error")
}

fn none() -> serde_json::Value {
    serde_json::json!({})
}

#[test]
fn bounds_number_array_with_null_and_expressions() {
    let d = ok(
        serde_json::json!({"lower": 0, "upper": "cap / 2"}),
        serde_json::json!({"lower": [null, -1, 1e20], "upper": "lo + cap"}),
        serde_json::json!([]),
    );
    assert_eq!(d.variables[0].lower, [0.0]);
    assert_eq!(d.variables[0].upper, [1.0]);
    assert_eq!(d.variables[1].lower, [-INF, -1.0, -INF]);
    assert_eq!(d.variables[1].upper, [2.0, 3.0, 4.0]);
    assert!(d.has_bounds());
    // The compiled problem gives the solver the same flat bounds.
    let p = compile(&d).unwrap();
    let (mut lo, mut hi) = (vec![0.0; 4], vec![0.0; 4]);
    p.variable_bounds(&mut lo, &mut hi);
    assert_eq!(lo, [0.0, -INF, -1.0, -INF]);
    assert_eq!(hi, [1.0, 2.0, 3.0, 4.0]);
    // Equal bounds fix an element; the start is kept as written.
    let d = ok(
        serde_json::json!({"lower": 3, "upper": 3}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(
        (d.variables[0].lower[0], d.variables[0].upper[0]),
        (3.0, 3.0)
    );
    assert_eq!(d.start()[0], 1.0);
    assert!(!ok(none(), none(), serde_json::json!([])).has_bounds());
}

#[test]
fn inequalities_and_ranges_as_loaded_and_compiled() {
    let d = ok(
        none(),
        none(),
        serde_json::json!([
            "x + sum(w) <= cap",
            {"name": "floor", "equation": "w >= lo"},
            {"name": "band", "equation": "-1 <= 2 * w <= lo + 3"},
            {"name": "down", "equation": "cap >= x >= -cap"},
            {"name": "pin", "equation": "1 <= x <= 1"}
        ]),
    );
    let kinds: Vec<ConstraintKind> = d.constraints.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ConstraintKind::AtMost,
            ConstraintKind::AtLeast,
            ConstraintKind::Range,
            ConstraintKind::Range,
            ConstraintKind::Range
        ]
    );
    assert_eq!(d.constraints[2].ends, (vec![-1.0; 3], vec![3.0, 4.0, 5.0]));
    assert_eq!(d.constraints[3].ends, (vec![-2.0], vec![2.0]));
    assert_eq!(d.constraints[4].ends, (vec![1.0], vec![1.0]));
    // g = lhs − rhs for inequalities, e for ranges (equal ends included).
    let g = d.evaluate_constraints(&d.start());
    assert_eq!(g, [1.0 + 3.5 - 2.0, 0.5, 0.0, 0.0, 1.0, 2.0, 4.0, 1.0, 1.0]);
    let mut p = compile(&d).unwrap();
    let mut compiled_g = vec![0.0; 9];
    p.constraints(&d.start(), &mut compiled_g);
    assert_eq!(compiled_g, g);
    let (mut lo, mut hi) = (vec![0.0; 9], vec![0.0; 9]);
    p.constraint_bounds(&mut lo, &mut hi);
    assert_eq!(lo, [-INF, 0.0, 0.0, 0.0, -1.0, -1.0, -1.0, -2.0, 1.0]);
    assert_eq!(hi, [0.0, INF, INF, INF, 3.0, 4.0, 5.0, 2.0, 1.0]);
}

#[test]
fn options_and_expected_bound_multipliers() {
    let text = serde_json::json!({
        "variables": [{"name": "x", "lower": 1}, {"name": "w", "size": 2}],
        "minimize": "x^2 + sum(w)",
        "options": {"barrier": "monotone", "linear_solver": "sparse"},
        "expected": {"bound_multipliers": {"x": 2.0, "w": [0, 0]}}
    })
    .to_string();
    let d = load_str(Path::new("o.json"), &text).unwrap();
    assert_eq!(d.options.barrier, Some(Barrier::Monotone));
    assert_eq!(d.options.linear_solver, Some(LinearSolver::Sparse));
    let expected = d.expected.as_ref().unwrap();
    assert_eq!(expected.bound_multipliers.len(), 2);
    let mismatches =
        lagrange::problem_file::compare_bound_multipliers(&d, expected, &[2.0, 0.5, 0.0]);
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].what, "bound_multipliers.w[0]");
}

/// The error's field, its column (if inside an expression) and its message.
fn facts(e: &FileError) -> (String, Option<usize>, String) {
    (
        e.field.clone().unwrap_or_default(),
        e.column(),
        e.kind.to_string(),
    )
}

#[test]
fn comparison_errors_have_field_and_column() {
    let case = |c: &str| facts(&err(none(), none(), serde_json::json!([c])));
    let (field, column, message) = case("x < 1");
    assert_eq!((field.as_str(), column), ("constraints[0]", Some(3)));
    assert!(message.contains("write '<='"), "{message}");
    assert!(case("x > 1").2.contains("write '>='"));
    let (_, column, message) = case("0 <= x >= 1");
    assert_eq!(column, Some(8));
    assert!(message.contains("mixed comparisons"));
    let (_, column, message) = case("0 <= x <= 1 <= 2");
    assert_eq!(column, Some(13));
    assert!(message.contains("chained"));
    for text in ["x = 1 <= 2", "0 <= x = 1", "x = 1 = 2"] {
        assert!(
            case(text).2.contains("an equation cannot be chained"),
            "{text}"
        );
    }
    let (_, column, message) = case("0 <= w <= x");
    assert_eq!(column, Some(11));
    assert_eq!(message, "the end of a range must not depend on variables");
    let (_, column, message) = case("lo >= w >= 1");
    assert_eq!(column, Some(1));
    assert_eq!(
        message,
        "constraint 'c0': lower end 1 > upper end 0 at element 0"
    );
    let (_, _, message) = case("cap <= x <= 1");
    assert_eq!(message, "constraint 'c0': lower end 2 > upper end 1");
    assert!(matches!(
        *err(none(), none(), serde_json::json!(["w <= lo[0:2]"])).kind,
        ErrorKind::ShapeMismatch { .. }
    ));
    assert!(matches!(
        *err(none(), none(), serde_json::json!(["lo[0:2] <= w <= 1"])).kind,
        ErrorKind::ShapeMismatch { .. }
    ));
    assert!(case("cap <= 3")
        .2
        .contains("does not depend on any variable"));
}

#[test]
fn bound_errors_have_field_and_column() {
    let e = err(
        none(),
        serde_json::json!({"lower": [0, 5, null], "upper": 2}),
        serde_json::json!([]),
    );
    assert_eq!(e.field.as_deref(), Some("variables[1]"));
    assert_eq!(
        *e.kind,
        ErrorKind::CrossedBounds {
            variable: "w".into(),
            index: Some(1),
            lower: 5.0,
            upper: 2.0
        }
    );
    let e = err(
        serde_json::json!({"lower": 2, "upper": "cap / 4"}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(
        e.kind.to_string(),
        "variable 'x': lower bound 2 > upper bound 0.5"
    );
    let e = err(
        none(),
        serde_json::json!({"upper": [1, 2]}),
        serde_json::json!([]),
    );
    assert_eq!(e.field.as_deref(), Some("variables[1].upper"));
    assert!(matches!(
        *e.kind,
        ErrorKind::BoundLength {
            expected: 3,
            found: 2,
            ..
        }
    ));
    let e = err(
        serde_json::json!({"upper": "cap * w[0]"}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(
        (e.field.as_deref(), e.column()),
        (Some("variables[0].upper"), Some(7))
    );
    assert!(matches!(*e.kind, ErrorKind::NotConstant { .. }));
    let e = err(
        serde_json::json!({"lower": "lo"}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(
        (e.field.as_deref(), e.column()),
        (Some("variables[0].lower"), Some(1))
    );
    assert!(e.kind.to_string().contains("its bound is a vector of 3"));
    let e = err(
        serde_json::json!({"lower": "x <= 1"}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(e.column(), Some(3));
    let e = err(
        serde_json::json!({"lower": "sqrt(-cap)"}),
        none(),
        serde_json::json!([]),
    );
    assert!(
        matches!(*e.kind, ErrorKind::NonFinite { .. }),
        "{}",
        e.render()
    );
    let e = err(
        serde_json::json!({"lowr": 0}),
        none(),
        serde_json::json!([]),
    );
    assert_eq!(e.field.as_deref(), Some("variables[0].lowr"));
    assert_eq!(e.help().as_deref(), Some("did you mean 'lower'?"));
}
