//! Grammar-aware fuzzing of the expression parser and the file loader:
//! random valid expressions, mutated expressions and mutated files must
//! never panic; whatever loads must evaluate (the shape checker must have
//! rejected every mismatch the engine would panic on).
//!
//! The normal suite runs a bounded number of cases. For a long run:
//! `LAGRANGE_FUZZ_CASES=1000000 cargo test --release --test problem_file_fuzz -- --ignored`

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many generated files loaded (and were compiled and evaluated).
static LOADED: AtomicUsize = AtomicUsize::new(0);
/// How many generated files were rejected with an error.
static REJECTED: AtomicUsize = AtomicUsize::new(0);

use lagrange::problem_file::internals::parse_statement;
use lagrange::problem_file::with_large_stack;
use lagrange::problem_file::{load_str, Definition};
use lagrange_test_support::Rng;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Names in scope in the fuzz problem, some unknown ones, and constants.
const NAMES: &[&str] = &[
    "x", "y", "v", "u", "A", "B", "b", "c", "pi", "e", "z", "sin", "vv", "_q",
];
const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs", "sum", "dot", "norm", "pow", "max",
    "sinh",
];
const OPERATORS: &[&str] = &[
    " + ", " - ", " * ", " / ", " ^ ", " @ ", "**", "+-", " = ", " <= ", " >= ", "==", "<", " > ",
];

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100).prop_map(|n| n.to_string()),
        (0.0f64..10.0).prop_map(|v| format!("{v}")),
        (1u32..9, -30i32..30).prop_map(|(m, e)| format!("{m}e{e}")),
        Just(".5".to_string()),
        Just("1e400".to_string()),
        Just("1.2.3".to_string()),
        Just("3x".to_string()),
    ]
}

fn subscript() -> impl Strategy<Value = String> {
    prop_oneof![
        (-7i32..7).prop_map(|i| format!("[{i}]")),
        (
            proptest::option::of(-7i32..7),
            proptest::option::of(-7i32..7)
        )
            .prop_map(|(a, b)| {
                let f = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
                format!("[{}:{}]", f(a), f(b))
            }),
        Just("[1.5]".to_string()),
        Just("[]".to_string()),
        Just("[x]".to_string()),
    ]
}

/// Expressions from the grammar, with some deliberate near-misses.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        number(),
        proptest::sample::select(NAMES).prop_map(str::to_string),
    ];
    leaf.prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(OPERATORS),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            (inner.clone(), subscript()).prop_map(|(a, s)| format!("{a}{s}")),
            (
                proptest::sample::select(FUNCTIONS),
                proptest::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
        ]
    })
}

/// Shapes of the well-typed generator: scalar, vector of 3, vector of 2.
#[derive(Clone, Copy)]
enum Ty {
    S,
    V3,
    V2,
}

/// A well-typed expression of type `ty` (so most generated files load and
/// reach the engine).
fn typed(rng: &mut Rng, ty: Ty, depth: u32) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return match ty {
            Ty::S => rng
                .pick(&[
                    "x",
                    "y",
                    "c",
                    "pi",
                    "e",
                    "2.5",
                    "1e-3",
                    "v[0]",
                    "v[-1]",
                    "b[1]",
                    "A[1][2]",
                    "sum(v)",
                    "norm(u)",
                    "dot(v, v)",
                ])
                .to_string(),
            Ty::V3 => rng
                .pick(&["v", "A[0]", "v[0:3]", "v[:]", "B @ v"])
                .to_string(),
            Ty::V2 => rng
                .pick(&[
                    "u", "b", "A @ v", "v[1:]", "v[:-1]", "v[-2:]", "A[1][:2]", "B @ v",
                ])
                .to_string(),
        }
        .replace("B @ v", if matches!(ty, Ty::V3) { "v" } else { "A @ v" });
    }
    let d = depth - 1;
    let same = |rng: &mut Rng| typed(rng, ty, d);
    match rng.below(9) {
        0 | 1 => {
            let op = rng.pick(&[" + ", " - ", " * ", " / "]);
            let (a, b) = match (ty, rng.below(3)) {
                (Ty::S, _) | (_, 0) => (same(rng), same(rng)),
                (_, 1) => (same(rng), typed(rng, Ty::S, d)),
                _ => (typed(rng, Ty::S, d), same(rng)),
            };
            format!("{a}{op}{b}")
        }
        2 => format!("-{}", same(rng)),
        3 => format!("({})", same(rng)),
        4 => format!("{}^{}", same(rng), rng.pick(&["2", "0.5", "-1", "3", "x"])),
        5 => format!(
            "{}({})",
            rng.pick(&["sin", "cos", "tanh", "exp", "abs", "sqrt", "log"]),
            same(rng)
        ),
        6 => match ty {
            Ty::S => format!("{}({})", rng.pick(&["sum", "norm"]), typed(rng, Ty::V3, d)),
            Ty::V3 => format!("{}[0]", rng.pick(&["A", "(A + 1)", "(2 * A)"])),
            Ty::V2 => format!("A @ ({})", typed(rng, Ty::V3, d)),
        },
        7 => match ty {
            Ty::S => format!("dot({}, {})", typed(rng, Ty::V2, d), typed(rng, Ty::V2, d)),
            Ty::V3 => format!("({})[0:3]", same(rng)),
            Ty::V2 => format!("({})[1:]", typed(rng, Ty::V3, d)),
        },
        _ => format!("pow({}, 2)", same(rng)),
    }
}

/// Random edits: delete, insert or replace characters.
fn mutate(text: String, edits: Vec<(usize, u8, char)>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, kind, c) in edits {
        let at = if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        };
        match kind % 3 {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, c),
            _ if at < chars.len() => chars[at] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

fn edit() -> impl Strategy<Value = (usize, u8, char)> {
    (
        0usize..10_000,
        0u8..3,
        prop_oneof![
            proptest::sample::select(vec![
                '(', ')', '[', ']', ':', ',', '-', '^', '@', '=', '<', '"', '{', '}', '0', '9',
                '.', 'e', ' ', 'λ', '\u{0}'
            ]),
            any::<char>(),
        ],
    )
}

/// A constant of type `ty` for the ends of a range, with some that are
/// not constant or not of the right shape.
fn end(rng: &mut Rng, ty: Ty) -> &'static str {
    match (ty, rng.below(8)) {
        (_, 0) => rng.pick(&["x", "v", "A", "1e20", "-1e400", "sqrt(-c)"]),
        (Ty::V2, 1) => "b",
        (Ty::V2, 2) => "-b",
        (Ty::V3, 1) => "A[0]",
        _ => rng.pick(&["c", "-c", "0", "1", "b[0]", "sum(b)", "-2.5"]),
    }
}

/// A well-typed constraint: an equation, an inequality or a range.
fn typed_constraint(rng: &mut Rng) -> String {
    let ty = [Ty::S, Ty::V2, Ty::V3][rng.below(3)];
    let (a, b) = (typed(rng, ty, 4), typed(rng, ty, 3));
    match rng.below(6) {
        0 | 1 => format!("{a} = {b}"),
        2 => format!("{a} <= {b}"),
        3 => format!("{a} >= {b}"),
        4 => format!("{} <= {a} <= {}", end(rng, ty), end(rng, ty)),
        _ => format!("{} >= {a} >= {}", end(rng, ty), end(rng, ty)),
    }
}

/// A bound for a variable of `size` elements (0: scalar): absent, a number,
/// an array with nulls (sometimes of the wrong length), an expression.
fn bound(rng: &mut Rng, size: usize) -> serde_json::Value {
    let number = |rng: &mut Rng| serde_json::json!(rng.below(7) as f64 - 3.0);
    match rng.below(6) {
        0 | 1 => serde_json::Value::Null,
        2 => number(rng),
        3 => {
            let len = if rng.below(5) == 0 {
                size + 1
            } else {
                size.max(1)
            };
            let items: Vec<serde_json::Value> = (0..len)
                .map(|_| {
                    if rng.below(3) == 0 {
                        serde_json::Value::Null
                    } else {
                        number(rng)
                    }
                })
                .collect();
            serde_json::Value::Array(items)
        }
        _ => serde_json::json!(
            rng.pick(&["c", "-c", "b[0] - 5", "0.5 * c", "A[0]", "b", "x", "1e20"])
        ),
    }
}

fn file(objective: &str, constraint: &str) -> String {
    file_with_bounds(objective, constraint, None)
}

/// The fuzz file; with a generator, also random bounds on x and v.
fn file_with_bounds(objective: &str, constraint: &str, rng: Option<&mut Rng>) -> String {
    let mut variables = serde_json::json!([
        {"name": "x", "start": 0.5}, {"name": "y", "start": 1.5},
        {"name": "v", "size": 3, "start": [0.1, 0.2, 0.3]}, {"name": "u", "size": 2}
    ]);
    if let Some(rng) = rng {
        for (i, size) in [(0, 0), (2, 3)] {
            for side in ["lower", "upper"] {
                let b = bound(rng, size);
                if !b.is_null() {
                    variables[i][side] = b;
                }
            }
        }
    }
    serde_json::json!({
        "variables": variables,
        "parameters": {"A": [[1, 2, 3], [4, 5, 6]], "B": [[1, 0], [0, 1]], "b": [1, 2], "c": 3},
        "minimize": objective,
        "constraints": [constraint, {"name": "named", "equation": "x + y = 1"}]
    })
    .to_string()
}

/// Load; when it loads, evaluate (and, with the engine, compile and differentiate).
fn exercise(text: &str) {
    let loaded: Result<Definition, _> = load_str(Path::new("fuzz.json"), text);
    match loaded {
        Err(e) => {
            REJECTED.fetch_add(1, Ordering::Relaxed);
            let rendered = e.render();
            assert!(rendered.starts_with("error: "), "{rendered}");
        }
        Ok(def) => {
            LOADED.fetch_add(1, Ordering::Relaxed);
            let x = def.start();
            let _ = def.evaluate_objective(&x);
            let g = def.evaluate_constraints(&x);
            assert_eq!(g.len(), def.num_constraints());
            let mut compiled =
                lagrange::problem_file::compile(&def).expect("checked problems compile");
            use lagrange::solver::NlpProblem;
            let f = compiled.objective(&x);
            let direct = def.evaluate_objective(&x);
            // Where both are finite they must agree. (Through non-finite
            // intermediates the engine may differ from IEEE `powf`: its
            // x^0.5 is sqrt, NaN at −∞ where powf gives +∞.)
            if f.is_finite() && direct.is_finite() {
                assert!(
                    (f - direct).abs() <= 1e-9 * direct.abs().max(1.0),
                    "engine {f} vs direct {direct} for {}",
                    def.objective.text
                );
            }
            let mut grad = vec![0.0; x.len()];
            compiled.gradient(&x, &mut grad);
            // Bounds and ends as compiled: as loaded, never crossed.
            let (n, m) = (compiled.num_variables(), compiled.num_constraints());
            let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
            compiled.variable_bounds(&mut lo, &mut hi);
            assert!(lo.iter().zip(&hi).all(|(l, h)| l <= h));
            let loaded: Vec<f64> = def.variables.iter().flat_map(|v| v.lower.clone()).collect();
            assert_eq!(lo, loaded);
            let (mut lo, mut hi) = (vec![0.0; m], vec![0.0; m]);
            compiled.constraint_bounds(&mut lo, &mut hi);
            assert!(lo.iter().zip(&hi).all(|(l, h)| l <= h));
        }
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("LAGRANGE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run_fuzz(cases: u32) {
    with_large_stack(move || {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            expression(),
            expression(),
            proptest::collection::vec(edit(), 0..4),
            proptest::collection::vec(edit(), 0..3),
            any::<u8>(),
            any::<u64>(),
        );
        runner
            .run(
                &strategy,
                |(objective, constraint, expr_edits, file_edits, mode, seed)| {
                    // Half the cases: well-typed files that should load.
                    if mode % 2 == 1 {
                        let mut rng = Rng::new(seed);
                        let objective = typed(&mut rng, Ty::S, 5);
                        let constraint = typed_constraint(&mut rng);
                        exercise(&file_with_bounds(&objective, &constraint, Some(&mut rng)));
                        return Ok(());
                    }
                    let _ = parse_statement(&objective);
                    let objective = if mode % 2 == 0 {
                        mutate(objective, expr_edits)
                    } else {
                        objective
                    };
                    let _ = parse_statement(&objective);
                    let constraint = if mode % 3 == 0 {
                        constraint
                    } else {
                        format!("{constraint} = x")
                    };
                    let text = file(&objective, &constraint);
                    exercise(&text);
                    if mode % 5 == 0 {
                        exercise(&mutate(text, file_edits));
                    }
                    Ok(())
                },
            )
            .unwrap();
    });
    let (loaded, rejected) = (
        LOADED.load(Ordering::Relaxed),
        REJECTED.load(Ordering::Relaxed),
    );
    eprintln!("{cases} cases: {loaded} files loaded, compiled and evaluated; {rejected} rejected with an error");
    assert!(
        loaded > 0 && rejected > 0,
        "the generator must reach both outcomes"
    );
}

#[test]
fn fuzz_parser_and_loader_bounded() {
    run_fuzz(cases(384));
}

#[test]
#[ignore = "long run: LAGRANGE_FUZZ_CASES=1000000 cargo test --release --test problem_file_fuzz -- --ignored"]
fn fuzz_parser_and_loader_long() {
    run_fuzz(cases(1_000_000));
}
