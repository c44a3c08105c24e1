//! Refactorings keep the iterates: `lagrange solve --json` of every shipped
//! problem and every Hock–Schittkowski file is identical, number for number,
//! to the outputs committed in `tests/golden/outputs.json` (timings left
//! out). The golden file is written on this machine class by
//! `tests/golden/regenerate.sh`; a change that moves iterates on purpose
//! regenerates it and names the files whose iterations changed.

use lagrange_test_support::cli::run;
use std::collections::BTreeMap;

use serde_json::Value;

const GOLDEN: &str = "tests/golden/outputs.json";

fn solve_json(file: &str) -> Value {
    let mut value = run(&["solve", file, "--json"]).json();
    if let Value::Object(map) = &mut value {
        map.retain(|key, _| !key.starts_with("solve_seconds"));
    }
    value
}

/// The first place where two JSON values differ, as a path and both values.
fn first_difference(path: &str, got: &Value, want: &Value) -> Option<String> {
    match (got, want) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(&format!("{path}.{k}"), x, y),
                (x, y) => Some(format!("{path}.{k}: {x:?} vs golden {y:?}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(&format!("{path}[{i}]"), x, y)),
        _ => (got != want).then(|| format!("{path}: {got} vs golden {want}")),
    }
}

#[test]
fn outputs_match_the_golden_file() {
    let text = std::fs::read_to_string(format!("{}/{GOLDEN}", env!("CARGO_MANIFEST_DIR")))
        .expect("the golden file exists");
    let golden: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
    assert!(golden.len() >= 60, "only {} golden outputs", golden.len());
    let differences: Vec<String> = golden
        .iter()
        .filter_map(|(file, want)| first_difference(file, &solve_json(file), want))
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} outputs differ from {GOLDEN} (run tests/golden/regenerate.sh only \
         for an intended change of iterates):\n{}",
        differences.len(),
        golden.len(),
        differences.join("\n")
    );
}

#[test]
fn a_changed_number_is_reported_with_its_place() {
    let want: Value = serde_json::json!({"x": {"w": [1.0, 2.0]}, "iterations": 3});
    let got: Value = serde_json::json!({"x": {"w": [1.0, 2.0000000000000004]}, "iterations": 3});
    let diff = first_difference("f", &got, &want).expect("a one-ulp change is a difference");
    assert!(diff.starts_with("f.x.w[1]:"), "{diff}");
    assert_eq!(first_difference("f", &want, &want), None);
}
