//! Semantics of expressions: precedence, associativity, indexing, slicing,
//! functions and broadcasting, checked by evaluating against Rust arithmetic.

use std::path::Path;

use lagrange::problem_file::{load_str, Definition, ErrorKind};

/// A problem with scalar x = 2, y = 3, vector v = [1, 2, 3, 4, 5] and
/// parameters c = 10, b = [1, 2], A = [[1, 2, 3, 4, 5], [0, 1, 0, 1, 0]].
fn problem(objective: &str) -> Result<Definition, lagrange::problem_file::FileError> {
    let text = serde_json::json!({
        "variables": [
            {"name": "x", "start": 2.0},
            {"name": "y", "start": 3.0},
            {"name": "v", "size": 5, "start": [1.0, 2.0, 3.0, 4.0, 5.0]}
        ],
        "parameters": {"c": 10.0, "b": [1.0, 2.0], "A": [[1, 2, 3, 4, 5], [0, 1, 0, 1, 0]]},
        "minimize": objective
    })
    .to_string();
    lagrange::problem_file::with_large_stack(|| load_str(Path::new("test.json"), &text))
}

fn value(objective: &str) -> f64 {
    let p = problem(objective)
        .unwrap_or_else(|e| panic!("{}", e.render().chars().take(2000).collect::<String>()));
    p.evaluate_objective(&p.start())
}

fn error(objective: &str) -> ErrorKind {
    *problem(objective).expect_err(objective).kind
}

#[track_caller]
fn assert_value(objective: &str, expected: f64) {
    let got = value(objective);
    assert!(
        (got - expected).abs() <= 1e-12 * expected.abs().max(1.0),
        "{}: got {got}, expected {expected}",
        &objective[..objective.len().min(80)]
    );
}

#[test]
fn precedence_of_binary_operators() {
    let (x, y) = (2.0f64, 3.0f64);
    assert_value("x + y * 2", x + y * 2.0);
    assert_value("x * y + 2", x * y + 2.0);
    assert_value("x - y - 1", (x - y) - 1.0);
    assert_value("x / y / 2", (x / y) / 2.0);
    assert_value("x - y + 1", (x - y) + 1.0);
    assert_value("x * y ^ 2", x * y.powi(2));
    assert_value("(x + y) * 2", (x + y) * 2.0);
    assert_value("x ** 2 * y", x.powi(2) * y);
}

#[test]
fn power_is_right_associative_and_binds_tighter_than_unary_minus() {
    let (x, y) = (2.0f64, 3.0f64);
    assert_value("x ^ y ^ 2", x.powf(y.powi(2)));
    assert_value("(x ^ y) ^ 2", x.powf(y).powi(2));
    assert_value("-x ^ 2", -(x * x));
    assert_value("(-x) ^ 2", x * x);
    assert_value("2 ^ -x", 2f64.powf(-x));
    assert_value("x ^ -y ^ 2", x.powf(-(y * y)));
    assert_value("- - x", x);
    assert_value("- - - x", -x);
    assert_value("-x * -y", x * y);
    assert_value("y - -x", y + x);
    assert_value("+x", x);
    assert_value("pow(x, y)", x.powf(y));
}

#[test]
fn constants_and_functions() {
    let (x, y) = (2.0f64, 3.0f64);
    assert_value("pi * x", std::f64::consts::PI * x);
    assert_value("e ^ x", std::f64::consts::E.powf(x));
    assert_value("sin(x) + cos(y) + tan(x)", x.sin() + y.cos() + x.tan());
    assert_value("exp(x) * log(y) / sqrt(y)", x.exp() * y.ln() / y.sqrt());
    assert_value("tanh(x) + abs(-y)", x.tanh() + y);
    assert_value("log1p(x) * expm1(y)", (1.0 + x).ln() * (y.exp() - 1.0));
    assert_value("atan(x) + sigmoid(-y)", x.atan() + 1.0 / (1.0 + y.exp()));
    assert_value("sum(v)", 15.0);
    assert_value("sum(v ^ 2)", 55.0);
    assert_value("norm(v)", 55f64.sqrt());
    assert_value(
        "dot(v, v + 1)",
        1.0 * 2.0 + 2.0 * 3.0 + 3.0 * 4.0 + 4.0 * 5.0 + 5.0 * 6.0,
    );
    assert_value("sum(exp(v))", (1..=5).map(|i| (i as f64).exp()).sum());
    assert_value("1e-3 * x + 2.5 + .5", 1e-3 * x + 3.0);
}

#[test]
fn indexing_and_slicing_follow_python() {
    assert_value("v[0]", 1.0);
    assert_value("v[4]", 5.0);
    assert_value("v[-1]", 5.0);
    assert_value("v[-5]", 1.0);
    assert_value("sum(v[1:])", 14.0);
    assert_value("sum(v[:2])", 3.0);
    assert_value("sum(v[1:3])", 5.0);
    assert_value("sum(v[:-1])", 10.0);
    assert_value("sum(v[-2:])", 9.0);
    assert_value("sum(v[:])", 15.0);
    assert_value("sum(v[2:100])", 12.0);
    assert_value("sum(v[-100:2])", 3.0);
    assert_value("sum(v[1:] - v[:-1])", 4.0);
    assert_value("v[1:][0]", 2.0);
    assert_value("(v * 2)[3]", 8.0);
    assert_value("A[1][3]", 1.0);
    assert_value("A[-1][1]", 1.0);
    assert_value("sum(A[0])", 15.0);
    assert_value("sum(A[1:][0])", 2.0);
}

#[test]
fn matrix_products_and_broadcasting() {
    // A v = [1+4+9+16+25, 2+4] = [55, 6]
    assert_value("sum(A @ v)", 61.0);
    assert_value("dot(A @ v, b)", 55.0 + 12.0);
    assert_value("b @ A @ v", 55.0 + 12.0);
    assert_value("v @ v", 55.0);
    assert_value("sum(2 * A @ v)", 122.0);
    assert_value("sum(v * 2 + 1)", 35.0);
    assert_value("sum(1 / v)", 1.0 + 0.5 + 1.0 / 3.0 + 0.25 + 0.2);
    assert_value("sum(2 ^ v)", 62.0);
    assert_value("sum(v ^ v)", 1.0 + 4.0 + 27.0 + 256.0 + 3125.0);
    assert_value("sum(A @ v / c)", 6.1);
}

#[test]
fn shape_errors_are_caught_before_evaluation() {
    assert!(matches!(
        error("sum(v + b)"),
        ErrorKind::ShapeMismatch { .. }
    ));
    assert!(matches!(
        error("sum(A @ b)"),
        ErrorKind::ShapeMismatch { .. }
    ));
    assert!(matches!(error("x @ v"), ErrorKind::ShapeMismatch { .. }));
    assert!(matches!(
        error("dot(v, b)"),
        ErrorKind::ShapeMismatch { .. }
    ));
    assert!(matches!(error("v"), ErrorKind::Invalid { .. }));
    assert!(matches!(error("x[0]"), ErrorKind::Shape { .. }));
    assert!(matches!(error("v[5]"), ErrorKind::Shape { .. }));
    assert!(matches!(error("v[-6]"), ErrorKind::Shape { .. }));
    assert!(matches!(error("sum(v[3:3])"), ErrorKind::Shape { .. }));
    assert!(matches!(error("sum(v[4:1])"), ErrorKind::Shape { .. }));
    assert!(matches!(error("v[1.5]"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("sin(x, y)"), ErrorKind::Arity { .. }));
    assert!(matches!(error("dot(v)"), ErrorKind::Arity { .. }));
    assert!(matches!(
        error("sinh(x)"),
        ErrorKind::UnknownFunction { .. }
    ));
    assert!(matches!(error("x(2)"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("sin + x"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("x <= y"), ErrorKind::Unsupported { .. }));
    assert!(matches!(error("1.2.3 * x"), ErrorKind::BadNumber { .. }));
    assert!(matches!(error("2x"), ErrorKind::BadNumber { .. }));
    assert!(matches!(error("1e"), ErrorKind::BadNumber { .. }));
    assert!(matches!(error("(x + y"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("x + y)"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("x = y"), ErrorKind::Syntax { .. }));
    assert!(matches!(error(""), ErrorKind::Syntax { .. }));
    assert!(matches!(error("x +"), ErrorKind::Syntax { .. }));
    assert!(matches!(error("x $ y"), ErrorKind::Syntax { .. }));
}

#[test]
fn error_columns_point_at_the_culprit() {
    let err = problem("x + y2").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("minimize"));
    assert_eq!(err.column(), Some(5));
    assert_eq!(err.help().as_deref(), Some("did you mean 'y'?"));
    let err = problem("x + (y * 2").unwrap_err();
    assert_eq!(err.column(), Some(5));
    let err = problem("sum(v) + sum(v + b)").unwrap_err();
    assert_eq!(err.column(), Some(16));
}

#[test]
fn nesting_limit_and_long_expressions() {
    let deep = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
    assert_value(&deep(999), 2.0);
    assert!(matches!(error(&deep(1001)), ErrorKind::TooDeep { .. }));
    assert!(matches!(error(&deep(100_000)), ErrorKind::TooDeep { .. }));
    let calls = |n: usize| format!("{}x{}", "abs(".repeat(n), ")".repeat(n));
    assert_value(&calls(999), 2.0);
    assert!(matches!(error(&calls(1001)), ErrorKind::TooDeep { .. }));
    let long_sum = vec!["x"; 100_000].join(" + ");
    assert_value(&long_sum, 200_000.0);
    let long_product = vec!["1.0001"; 10_000].join(" * ") + " * x";
    assert!((value(&long_product) - 2.0 * 1.0001f64.powi(10_000)).abs() < 1e-6);
    let signs = format!("{}x", "-".repeat(100_001));
    assert_value(&signs, -2.0);
    let mixed = (0..50_000)
        .map(|i| if i % 2 == 0 { "x" } else { "y" })
        .collect::<Vec<_>>()
        .join(" - ");
    // x − y − x − y ...: one x added, 24 999 x and 25 000 y subtracted.
    assert_value(&mixed, 2.0 - 2.0 * 24_999.0 - 3.0 * 25_000.0);
}
