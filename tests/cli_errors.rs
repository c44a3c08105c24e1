//! Every class of unusable input: exit status 2, a message on standard error
//! that names the file, the field and (inside expressions) the column,
//! nothing on standard output, and no panic.

use lagrange_test_support::cli::{fixture, run, scratch, write, Run};
use std::path::Path;

/// Solve `path`; expect exit 2 with every `needle` in the message.
#[track_caller]
fn assert_unusable(path: &Path, needles: &[&str]) -> String {
    let r = run(&["solve", path.to_str().unwrap()]);
    assert_unusable_run(&r, path, needles);
    r.stderr
}

#[track_caller]
fn assert_unusable_run(r: &Run, path: &Path, needles: &[&str]) {
    assert_eq!(r.code, Some(2), "exit status; stderr:\n{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "stdout must be empty, got:\n{}",
        r.stdout
    );
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        r.stderr.contains(name),
        "stderr must name the file {name}:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with("error: "),
        "rustc-style message:\n{}",
        r.stderr
    );
    for needle in needles {
        assert!(
            r.stderr.contains(needle),
            "stderr must contain {needle:?}:\n{}",
            r.stderr
        );
    }
}

/// A minimal valid file with one field replaced or added.
fn problem(fields: serde_json::Value) -> String {
    let mut base = serde_json::json!({
        "variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 2.0}, {"name": "w", "size": 3}],
        "parameters": {"c": 10.0, "b": [1.0, 2.0], "A": [[1, 2, 3], [0, 1, 0]]},
        "maximize": "x * y - dot(w, w)",
        "constraints": ["x + y = c", {"name": "rows", "equation": "A @ w = b"}]
    });
    for (k, v) in fields.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    serde_json::to_string_pretty(&base).unwrap()
}

#[test]
fn valid_fixture_solves() {
    let r = run(&["solve", fixture("budget.json").to_str().unwrap(), "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["status"], "converged");
}

#[test]
fn not_json() {
    let dir = scratch("not_json");
    let path = write(
        &dir,
        "broken.json",
        "{\n  \"variables\": [\n    {\"name\": \"x\"},\n  ]\n  \"minimize\": \"x\"\n}\n",
    );
    assert_unusable(&path, &["invalid JSON", "broken.json:4:", "^"]);
    let path = write(&dir, "prose.json", "minimize x squared please");
    assert_unusable(&path, &["invalid JSON", "prose.json:1:1"]);
    let path = write(&dir, "array.json", "[1, 2]");
    assert_unusable(&path, &["a problem file is a JSON object"]);
}

#[test]
fn empty_file() {
    let dir = scratch("empty");
    assert_unusable(&write(&dir, "empty.json", ""), &["empty"]);
    assert_unusable(&write(&dir, "blank.json", "  \n\t\n"), &["empty"]);
}

#[test]
fn missing_file() {
    let path = std::env::temp_dir().join("lagrange-no-such-file-4242.json");
    assert_unusable(&path, &["cannot read the file"]);
    let r = run(&["eval", path.to_str().unwrap()]);
    assert_unusable_run(&r, &path, &["cannot read the file"]);
}

#[test]
fn directory_given_to_solve_and_directory_without_json_to_check() {
    let dir = scratch("dir_without_json");
    write(&dir, "notes.txt", "no problems here");
    let r = run(&["solve", dir.to_str().unwrap()]);
    assert_unusable_run(&r, &dir, &["directory"]);
    let r = run(&["check", dir.to_str().unwrap()]);
    assert_unusable_run(&r, &dir, &["no problem files (*.json)"]);
}

#[test]
fn unknown_top_level_field() {
    let dir = scratch("unknown_field");
    let text = problem(serde_json::json!({"maximize": null, "maximise": "x * y"}));
    let stderr = assert_unusable(
        &write(&dir, "typo.json", text),
        &["unknown field 'maximise'", "did you mean 'maximize'?"],
    );
    assert!(stderr.contains(" --> "), "{stderr}");
    let text = problem(serde_json::json!({"variables": [{"name": "x", "strat": 1.0}]}));
    assert_unusable(
        &write(&dir, "inner.json", text),
        &[
            "variables[0].strat",
            "unknown field 'strat'",
            "did you mean 'start'?",
        ],
    );
}

#[test]
fn unknown_name_with_suggestion_caret_and_column() {
    let stderr = assert_unusable(
        &fixture("typo_name.json"),
        &[
            "unknown name 'y2'",
            "constraints[0], column 5",
            "did you mean 'y'?",
        ],
    );
    let lines: Vec<&str> = stderr.lines().collect();
    let expr = lines
        .iter()
        .position(|l| l.ends_with("x + y2 = c"))
        .expect("expression line");
    let caret = lines[expr + 1];
    let expr_col = lines[expr].find("x + y2").unwrap();
    assert_eq!(
        caret.find('^').unwrap() - expr_col,
        4,
        "caret under y2:\n{stderr}"
    );
    assert!(caret.ends_with("^^"), "{stderr}");
}

#[test]
fn shape_mismatch() {
    let dir = scratch("shape");
    let text = problem(
        serde_json::json!({"constraints": ["x + y = c", {"name": "rows", "equation": "A @ w = w"}]}),
    );
    assert_unusable(
        &write(&dir, "eq.json", text),
        &[
            "shape mismatch",
            "constraints[1].equation, column 7",
            "a vector of 2",
            "a vector of 3",
        ],
    );
    let text = problem(serde_json::json!({"maximize": "x * y - sum(w + b)"}));
    assert_unusable(
        &write(&dir, "plus.json", text),
        &["shape mismatch", "maximize, column 15", "'+'"],
    );
    let text = problem(serde_json::json!({"maximize": "w"}));
    assert_unusable(
        &write(&dir, "objective.json", text),
        &["objective must be a scalar", "maximize"],
    );
}

#[test]
fn wrong_arity() {
    let dir = scratch("arity");
    let text = problem(serde_json::json!({"maximize": "x * y - dot(w)"}));
    assert_unusable(
        &write(&dir, "dot.json", text),
        &["'dot' takes 2 arguments, found 1", "maximize, column 9"],
    );
    let text = problem(serde_json::json!({"maximize": "sin(x, y)"}));
    assert_unusable(
        &write(&dir, "sin.json", text),
        &["'sin' takes 1 argument, found 2", "maximize, column 1"],
    );
}

#[test]
fn bad_number_literal() {
    let dir = scratch("number");
    let text = problem(serde_json::json!({"constraints": ["x + y = 1.2.3"]}));
    assert_unusable(
        &write(&dir, "n.json", text),
        &["bad number literal '1.2.3'", "constraints[0], column 9"],
    );
    let text = problem(serde_json::json!({"constraints": ["2x + y = 1"]}));
    assert_unusable(
        &write(&dir, "m.json", text),
        &["bad number literal '2x'", "column 1"],
    );
}

#[test]
fn unbalanced_parentheses() {
    let dir = scratch("parens");
    let text = problem(serde_json::json!({"maximize": "x * (y - dot(w, w)"}));
    assert_unusable(
        &write(&dir, "open.json", text),
        &["unclosed '('", "maximize, column 5"],
    );
    let text = problem(serde_json::json!({"maximize": "x * y) - dot(w, w)"}));
    assert_unusable(
        &write(&dir, "close.json", text),
        &["unmatched ')'", "maximize, column 6"],
    );
}

#[test]
fn missing_objective_and_both_objectives() {
    let dir = scratch("objective");
    let text = problem(serde_json::json!({"maximize": null}));
    assert_unusable(&write(&dir, "none.json", text), &["missing objective"]);
    let text = problem(serde_json::json!({"minimize": "x"}));
    assert_unusable(
        &write(&dir, "both.json", text),
        &["both 'minimize' and 'maximize'", ": maximize"],
    );
}

#[test]
fn comparison_errors_name_field_and_column() {
    let dir = scratch("comparisons");
    let cases: [(&str, serde_json::Value, &[&str]); 7] = [
        (
            "lt.json",
            serde_json::json!({"constraints": ["x + y < c"]}),
            &[
                "'<' is not supported",
                "write '<='",
                "constraints[0], column 7",
            ],
        ),
        (
            "gt.json",
            serde_json::json!({"constraints": [{"name": "cap", "equation": "x > 1"}]}),
            &["write '>='", "constraints[0].equation, column 3"],
        ),
        (
            "mixed.json",
            serde_json::json!({"constraints": ["0 <= x >= 1"]}),
            &["mixed comparisons", "constraints[0], column 8"],
        ),
        (
            "chained.json",
            serde_json::json!({"constraints": ["0 <= x <= y <= 3"]}),
            &["chained comparisons", "constraints[0], column 13"],
        ),
        (
            "eq_chain.json",
            serde_json::json!({"constraints": ["x = y <= 3"]}),
            &["an equation cannot be chained", "constraints[0], column 3"],
        ),
        (
            "range_var.json",
            serde_json::json!({"constraints": ["0 <= x <= y"]}),
            &[
                "the end of a range must not depend on variables",
                "column 11",
            ],
        ),
        (
            "range_crossed.json",
            serde_json::json!({"constraints": ["c >= x >= 20"]}),
            &["lower end 20 > upper end 10", "constraints[0], column 1"],
        ),
    ];
    for (name, fields, needles) in cases {
        assert_unusable(&write(&dir, name, problem(fields)), needles);
    }
}

#[test]
fn bound_errors_name_field() {
    let dir = scratch("bounds");
    let with_bounds = |w: serde_json::Value| serde_json::json!({"variables": [{"name": "x", "start": 1.0}, {"name": "y", "start": 2.0}, w]});
    let cases: [(&str, serde_json::Value, &[&str]); 7] = [
        (
            "crossed.json",
            with_bounds(
                serde_json::json!({"name": "w", "size": 3, "lower": [0, 5, null], "upper": 2}),
            ),
            &[
                "variable 'w': lower bound 5 > upper bound 2 at element 1",
                "variables[2]",
            ],
        ),
        (
            "length.json",
            with_bounds(serde_json::json!({"name": "w", "size": 3, "lower": [0, 1]})),
            &["size 3 but its bound has 2 entries", "variables[2].lower"],
        ),
        (
            "uses_variable.json",
            with_bounds(serde_json::json!({"name": "w", "size": 3, "upper": "c * x"})),
            &[
                "a bound must not depend on variables",
                "variables[2].upper, column 5",
            ],
        ),
        (
            "shape.json",
            with_bounds(serde_json::json!({"name": "w", "size": 3, "upper": "b"})),
            &["its bound is a vector of 2", "variables[2].upper, column 1"],
        ),
        (
            "unknown_field.json",
            with_bounds(serde_json::json!({"name": "w", "size": 3, "lowr": 0})),
            &[
                "unknown field 'lowr'",
                "variables[2].lowr",
                "did you mean 'lower'?",
            ],
        ),
        (
            "bad_type.json",
            with_bounds(serde_json::json!({"name": "w", "size": 3, "upper": true})),
            &[
                "expected a number, an array of numbers and nulls",
                "variables[2].upper",
            ],
        ),
        (
            "barrier.json",
            serde_json::json!({"options": {"barrier": "fast"}}),
            &["'fast' is not a barrier strategy", "options.barrier"],
        ),
    ];
    for (name, fields, needles) in cases {
        assert_unusable(&write(&dir, name, problem(fields)), needles);
    }
    let text =
        problem(serde_json::json!({"constraints": [{"name": "cap", "inequality": "x <= 1"}]}));
    assert_unusable(
        &write(&dir, "constraint_field.json", text),
        &["unknown field 'inequality'", "constraints[0].inequality"],
    );
}

#[test]
fn variable_named_like_a_function_or_constant() {
    let dir = scratch("reserved");
    let text = problem(
        serde_json::json!({"variables": [{"name": "sin"}], "maximize": "sin", "constraints": null}),
    );
    assert_unusable(
        &write(&dir, "sin.json", text),
        &[
            "'sin' cannot be used as a name",
            "variables[0].name",
            "is a function",
        ],
    );
    let text = problem(
        serde_json::json!({"variables": [{"name": "pi"}], "maximize": "pi", "constraints": null}),
    );
    assert_unusable(
        &write(&dir, "pi.json", text),
        &["'pi' cannot be used as a name", "variables[0].name"],
    );
    let text = problem(
        serde_json::json!({"variables": [{"name": "2x"}], "maximize": "1", "constraints": null}),
    );
    assert_unusable(
        &write(&dir, "ident.json", text),
        &["'2x' cannot be used as a name", "variables[0].name"],
    );
}

#[test]
fn duplicate_names() {
    let dir = scratch("duplicate");
    let text =
        problem(serde_json::json!({"variables": [{"name": "x"}, {"name": "y"}, {"name": "x"}]}));
    assert_unusable(
        &write(&dir, "var.json", text),
        &[
            "duplicate name 'x'",
            "variables[2].name",
            "variables[0].name",
        ],
    );
    let text =
        problem(serde_json::json!({"variables": [{"name": "x"}, {"name": "y"}, {"name": "c"}]}));
    assert_unusable(
        &write(&dir, "param.json", text),
        &["duplicate name 'c'", "variables[2].name", "parameters.c"],
    );
    let text = problem(
        serde_json::json!({"constraints": ["x + y = c", {"name": "c0", "equation": "x = 1"}]}),
    );
    assert_unusable(
        &write(&dir, "constraint.json", text),
        &["duplicate name 'c0'", "constraints[1].name"],
    );
}

#[test]
fn vector_start_of_wrong_length() {
    let dir = scratch("start_length");
    let text = problem(
        serde_json::json!({"variables": [{"name": "x"}, {"name": "y"}, {"name": "w", "size": 3, "start": [1, 2]}]}),
    );
    assert_unusable(
        &write(&dir, "w.json", text),
        &[
            "variable 'w' has size 3 but its start has 2 values",
            "variables[2].start",
        ],
    );
    let text = problem(
        serde_json::json!({"variables": [{"name": "x", "start": [1, 2]}, {"name": "y"}, {"name": "w", "size": 3}]}),
    );
    assert_unusable(
        &write(&dir, "scalar.json", text),
        &["variables[0].start", "scalar"],
    );
    let text = problem(
        serde_json::json!({"variables": [{"name": "x", "start": "one"}, {"name": "y"}, {"name": "w", "size": 3}]}),
    );
    assert_unusable(
        &write(&dir, "string.json", text),
        &[
            "variables[0].start",
            "expected a number or an array of numbers",
        ],
    );
}

#[test]
fn non_rectangular_matrix() {
    let dir = scratch("matrix");
    let text = problem(
        serde_json::json!({"parameters": {"c": 10, "b": [1, 2], "A": [[1, 2, 3], [0, 1]]}}),
    );
    assert_unusable(
        &write(&dir, "a.json", text),
        &["not rectangular", "row 1 has 2 values", "parameters.A[1]"],
    );
}

#[test]
fn missing_and_bad_npy_files() {
    let dir = scratch("npy");
    let text =
        problem(serde_json::json!({"parameters": {"c": 10, "b": [1, 2], "A": {"npy": "A.npy"}}}));
    let path = write(&dir, "missing.json", &text);
    assert_unusable(
        &path,
        &["cannot use NumPy file", "A.npy", "parameters.A.npy"],
    );
    write(&dir, "A.npy", "not numpy");
    assert_unusable(&path, &["bad magic bytes", "parameters.A.npy"]);
    let mut npy = Vec::new();
    npy.extend_from_slice(b"\x93NUMPY\x01\x00");
    let mut header = String::from("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
    npy.extend_from_slice(header.as_bytes());
    for v in [1.0f64, 2.0, 3.0, 0.0, 1.0, 0.0] {
        npy.extend_from_slice(&v.to_le_bytes());
    }
    write(&dir, "A.npy", &npy);
    let r = run(&["solve", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, Some(0), "a good npy file solves: {}", r.stderr);
}

#[test]
fn nesting_deeper_than_the_limit() {
    let dir = scratch("nesting");
    let deep = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
    let text = problem(serde_json::json!({"maximize": deep}));
    assert_unusable(
        &write(&dir, "deep.json", text),
        &["nests deeper than 1000 levels", "maximize, column 1001"],
    );
    let ok = format!("{}x * y{}", "(".repeat(990), ")".repeat(990));
    let text = problem(serde_json::json!({"maximize": ok}));
    let r = run(&[
        "solve",
        write(&dir, "ok.json", text).to_str().unwrap(),
        "--json",
    ]);
    assert_ne!(r.code, Some(2), "990 levels must load: {}", r.stderr);
}

#[test]
fn file_that_is_not_utf8() {
    assert_unusable(&fixture("not_utf8.json"), &["not UTF-8", "offset"]);
}

#[test]
fn nan_or_infinite_start_value() {
    assert_unusable(
        &fixture("nan_start.json"),
        &[
            "'NaN' is not a finite number",
            "variables[1].start",
            "nan_start.json: variables[1].start (line 4, column",
        ],
    );
    let dir = scratch("nan");
    let text = problem(serde_json::json!({"variables": [{"name": "x", "start": 1.0}, {"name": "y"}, {"name": "w", "size": 3, "start": [7.5, 1, 2]}]}))
        .replace("7.5", "-Infinity");
    assert!(text.contains("-Infinity"));
    assert_unusable(
        &write(&dir, "inf.json", text),
        &[
            "'-Infinity' is not a finite number",
            "variables[2].start[0]",
        ],
    );
    let text = problem(serde_json::json!({"variables": [{"name": "x", "start": 3.25}, {"name": "y"}, {"name": "w", "size": 3}]}))
        .replace("3.25", "1e999");
    assert_unusable(
        &write(&dir, "overflow.json", text),
        &["'1e999' is not a finite number", "variables[0].start"],
    );
    let text = problem(
        serde_json::json!({"variables": [{"name": "x", "start": "NaN"}, {"name": "y"}, {"name": "w", "size": 3}]}),
    );
    assert_unusable(
        &write(&dir, "string.json", text),
        &["variables[0].start", "expected a number"],
    );
}

#[test]
fn bad_command_line_arguments() {
    let budget = fixture("budget.json");
    let budget = budget.to_str().unwrap();
    for args in [
        vec!["solve", budget, "--tolerance", "-1"],
        vec!["solve", budget, "--max-iterations", "many"],
        vec!["solve"],
        vec!["frobnicate"],
        vec!["eval", budget, "--at", "{\"z\": 1}"],
        vec!["eval", budget, "--at", "{\"w\": [1, 2]}"],
        vec!["eval", budget, "--at", "not json"],
        vec!["eval", budget, "--multipliers", "[1]"],
        vec!["eval", budget, "--multipliers", "[1, [1, 2, 3]]"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    }
    let r = run(&["eval", budget, "--at", "{\"xx\": 1}"]);
    assert!(r.stderr.contains("did you mean 'x'?"), "{}", r.stderr);
    let dir = scratch("trace");
    let r = run(&[
        "solve",
        budget,
        "--trace",
        dir.join("no/such/dir/t.csv").to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}
