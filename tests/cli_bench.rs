//! `lagrange generate` and `lagrange bench`: generated files carry their
//! closed forms and pass `check`; the bench writes its table, CSV, JSON and
//! SVG plots; bad arguments are unusable input (exit 2). Also the `point`
//! field of a run that stopped without converging.

use std::path::{Path, PathBuf};

use lagrange::families::{generate, EQUALITY_FAMILIES};
use lagrange::problem_file::load;
use lagrange_test_support::cli::{run, s, scratch, Run};
use serde_json::Value;

/// Writes FAMILY at size n with `lagrange generate` and returns the path.
fn generated_file(dir: &Path, family: &str, n: usize, extra: &[&str]) -> PathBuf {
    let path = dir.join(format!("{family}-{n}.json"));
    let n_text = n.to_string();
    let mut args = vec!["generate", family, "--n", &n_text, "-o", s(&path)];
    args.extend_from_slice(extra);
    let Run {
        code,
        stdout,
        stderr,
    } = run(&args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.is_empty(),
        "with -o nothing goes to stdout: {stdout}"
    );
    path
}

#[test]
fn generated_files_load_and_their_expected_is_the_exact_solution() {
    let dir = scratch("expected");
    // The inequality families load once the bound and inequality grammar
    // lands: tests/families_inequalities.rs.
    for family in EQUALITY_FAMILIES {
        for n in [3, 17] {
            let exact = generate(family, n).unwrap();
            for extra in [&[][..], &["--compact"][..]] {
                let path = generated_file(&dir, family, n, extra);
                let definition = load(&path).unwrap_or_else(|e| panic!("{}", e.render()));
                let expected = definition.expected.as_ref().expect("an expected answer");
                // JSON numbers round-trip exactly.
                assert_eq!(expected.objective, Some(exact.objective), "{family} n={n}");
                // sphere-quartic's minimum is unique only up to signs: no x.
                let x_listed = if family == "sphere-quartic" {
                    0
                } else {
                    exact.x.len()
                };
                assert_eq!(expected.x.len(), x_listed, "{family} n={n}");
                for ((index, value), (name, x)) in expected.x.iter().zip(&exact.x) {
                    assert_eq!(&definition.variables[*index].name, name);
                    assert_eq!(&value.data, x, "{family} n={n} {name}");
                }
                if let Some(m) = &exact.multipliers {
                    let flat: Vec<f64> = expected
                        .multipliers
                        .as_ref()
                        .expect("multipliers")
                        .iter()
                        .flat_map(|d| d.data.clone())
                        .collect();
                    assert_eq!(&flat, m, "{family} n={n} multipliers");
                }
            }
        }
    }
}

#[test]
fn generate_writes_to_stdout_by_default_with_the_contract_field_order() {
    let Run { code, stdout, .. } = run(&["generate", "rayleigh", "--n", "5"]);
    assert_eq!(code, Some(0));
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value, generate("rayleigh", 5).unwrap().file);
    assert!(stdout.find("\"name\"").unwrap() < stdout.find("\"variables\"").unwrap());
    assert!(stdout.find("\"constraints\"").unwrap() < stdout.find("\"expected\"").unwrap());
}

#[test]
fn generated_files_pass_check_for_every_family() {
    let dir = scratch("check");
    let mut paths = Vec::new();
    // The inequality families load once the bound and inequality grammar
    // lands: tests/families_inequalities.rs.
    for family in EQUALITY_FAMILIES {
        for n in [5, 25] {
            paths.push(generated_file(&dir, family, n, &[]));
        }
    }
    let mut args = vec!["check"];
    args.extend(paths.iter().map(|p| s(p)));
    let Run {
        code,
        stdout,
        stderr,
    } = run(&args);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let files = 2 * EQUALITY_FAMILIES.len();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        files
    );
    assert!(
        stdout.contains(&format!("{files} files: {files} passed, 0 failed")),
        "{stdout}"
    );
}

#[test]
fn npy_parameters_load_to_the_same_values_as_inline_ones() {
    let dir = scratch("npy");
    let inline = generated_file(&dir, "quadratic", 150, &[]);
    let npy_dir = dir.join("npy");
    std::fs::create_dir_all(&npy_dir).unwrap();
    let external = generated_file(&npy_dir, "quadratic", 150, &["--npy"]);
    let text = std::fs::read_to_string(&external).unwrap();
    assert!(text.contains("quadratic-150.A.npy"), "{text}");
    assert!(npy_dir.join("quadratic-150.A.npy").exists());
    let a = load(&inline).unwrap();
    let b = load(&external).unwrap();
    assert_eq!(a.parameters.len(), b.parameters.len());
    for (p, q) in a.parameters.iter().zip(&b.parameters) {
        assert_eq!(p.name, q.name);
        assert_eq!(p.value, q.value, "parameter {}", p.name);
    }
    let Run { code, stdout, .. } = run(&["check", s(&external)]);
    assert_eq!(code, Some(0), "{stdout}");
}

fn svg_ok(path: &Path, series: &[String]) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.trim_start().starts_with("<svg"), "{}", path.display());
    assert!(text.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(text.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(
        text.matches("<text").count(),
        text.matches("</text>").count()
    );
    for name in series {
        assert!(
            text.contains(name.as_str()),
            "{}: no series '{name}'",
            path.display()
        );
    }
}

#[test]
fn bench_writes_table_csv_json_and_two_plots() {
    let dir = scratch("bench");
    let out = dir.join("out");
    let Run {
        code,
        stdout,
        stderr,
    } = run(&[
        "bench",
        "--families",
        "quadratic,chain,entropy",
        "--sizes",
        "8,3",
        "--out",
        s(&out),
        "--budget",
        "30",
    ]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Progress on stderr, one line per run; the table on stdout.
    assert!(
        stderr.contains("bench: chain n=8 ... converged"),
        "{stderr}"
    );
    let rows: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 6, "{stdout}");
    assert!(stdout.lines().next().unwrap().contains("KKT res"));
    assert!(rows[0].starts_with("quadratic") && rows[0].contains(" 3 "));
    assert!(rows.iter().all(|r| r.contains("converged")), "{stdout}");

    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7);
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in &lines[1..] {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), header.len());
        assert_eq!(f[col("status")], "converged");
        let x_error: f64 = f[col("x_error")].parse().unwrap();
        let kkt: f64 = f[col("kkt_residual")].parse().unwrap();
        assert!(x_error <= 1e-8, "{line}");
        assert!(kkt <= 1e-8, "{line}");
    }

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    for r in runs {
        let iterations = r["iterations"].as_u64().unwrap() as usize;
        let history = r["history"]["stationarity"].as_array().unwrap();
        assert_eq!(history.len(), iterations + 1, "one record per iterate");
        let violation = r["history"]["constraint_violation"].as_array().unwrap();
        let kkt = r["kkt_residual"].as_f64().unwrap();
        let last = history[iterations]
            .as_f64()
            .unwrap()
            .max(violation[iterations].as_f64().unwrap());
        assert!((last - kkt).abs() <= 1e-12 + 1e-6 * kkt, "{last} vs {kkt}");
        assert!(r["objective_error"].as_f64().unwrap() <= 1e-8);
    }
    // The chain has 2(n+1) variables and n + 4 constraints.
    let chain8 = runs
        .iter()
        .find(|r| r["family"] == "chain" && r["n"] == 8)
        .unwrap();
    assert_eq!(chain8["variables"], 18);
    assert_eq!(chain8["constraints"], 12);
    assert_eq!(json["settings"]["history_n"], 8);

    let families = ["quadratic", "chain", "entropy"];
    svg_ok(
        &out.join("time_vs_n.svg"),
        families.map(String::from).as_ref(),
    );
    let series: Vec<String> = families
        .iter()
        .flat_map(|f| [format!("{f} ‖∇L‖∞"), format!("{f} ‖g‖∞")])
        .collect();
    svg_ok(&out.join("kkt_history.svg"), &series);
}

#[test]
fn bench_skips_sizes_predicted_over_the_budget_and_below_the_minimum() {
    let dir = scratch("budget");
    let Run {
        code,
        stdout,
        stderr,
    } = run(&[
        "bench",
        "--families",
        "entropy",
        "--sizes",
        "2,6,12,1000000",
        "--budget",
        "0.5",
        "--out",
        s(&dir),
    ]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("entropy              2  skipped: family 'entropy' needs n >= 3"),
        "{stdout}"
    );
    assert!(stdout.contains("1000000  skipped: predicted"), "{stdout}");
    assert!(
        stderr.contains("entropy n=1000000: skipped (predicted"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    assert!(csv.contains("entropy,1000000,,,skipped"), "{csv}");
    assert!(csv.contains("entropy,12,"), "{csv}");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let dir = scratch("bad");
    let out = dir.join("o");
    let cases: [(&[&str], &str); 11] = [
        (&["generate", "nope", "--n", "5"], "unknown family 'nope'"),
        (&["generate", "entropy", "--n", "2"], "needs n >= 3"),
        (&["generate", "chain", "--n", "-3"], "--n"),
        (&["generate", "chain"], "--n"),
        (&["generate", "chain", "--n", "100000000"], "too large"),
        (&["generate", "chain", "--n", "5", "--npy"], "--output"),
        (&["bench", "--sizes", "10,0"], "positive"),
        (&["bench", "--sizes", "ten"], "'ten' is not a size"),
        (
            &["bench", "--families", "chain,nope"],
            "unknown family 'nope'",
        ),
        (&["bench", "--budget=-1"], "positive"),
        (&["bench", "--tolerance", "0"], "positive"),
    ];
    for (args, message) in cases {
        let mut args = args.to_vec();
        if args[0] == "bench" {
            args.extend(["--out", s(&out)]);
        }
        let Run {
            code,
            stdout,
            stderr,
        } = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // Nothing was run, so nothing was written.
    assert!(!out.exists());
    // An output directory that cannot be created.
    let blocker = dir.join("file");
    std::fs::write(&blocker, "x").unwrap();
    let Run { code, stderr, .. } =
        run(&["bench", "--sizes", "3", "--out", s(&blocker.join("sub"))]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot create the output directory"),
        "{stderr}"
    );
}

#[test]
fn a_run_stopped_before_convergence_is_not_classified() {
    let dir = scratch("point");
    let path = generated_file(&dir, "chain", 12, &[]);
    let Run {
        code,
        stdout,
        stderr,
    } = run(&["solve", s(&path), "--json", "--max-iterations", "1"]);
    assert_eq!(code, Some(1), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], "max_iterations");
    assert_eq!(v["point"], Value::Null);
    assert!(v.as_object().unwrap().contains_key("point"));
    let Run { code, stdout, .. } = run(&["solve", s(&path), "--max-iterations", "1"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("point") && l.ends_with("not classified")),
        "{stdout}"
    );
    assert!(!stdout.contains("degenerate"));
    // Converged: a classification.
    let Run { code, stdout, .. } = run(&["solve", s(&path), "--json"]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["point"], "minimum");
}

/// sphere-quartic has 2ⁿ global minima (|xᵢ| = 1/√n, any signs), so the
/// file's `expected` leaves x out. At n = 4 Newton from the generated start
/// lands on a mixed-sign one: `check` passes on the objective and the
/// multiplier, the bench compares |x|.
#[test]
fn sphere_quartic_mirror_minimum_at_n_4() {
    let dir = scratch("mirror");
    let path = generated_file(&dir, "sphere-quartic", 4, &[]);
    let Run { code, stdout, .. } = run(&["solve", s(&path), "--json"]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let x: Vec<f64> = v["x"]["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_f64().unwrap())
        .collect();
    assert!(x.iter().all(|xi| (xi.abs() - 0.5).abs() < 1e-9), "{x:?}");
    assert!((v["objective"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!((v["multipliers"][0].as_f64().unwrap() - 0.5).abs() < 1e-9);
    let Run { code, .. } = run(&["check", s(&path)]);
    assert_eq!(
        code,
        Some(0),
        "check compares only the sign-free objective and multiplier"
    );
    let out = dir.join("bench");
    let Run { code, stderr, .. } = run(&[
        "bench",
        "--families",
        "sphere-quartic",
        "--sizes",
        "4",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_solve_over_the_budget_stops_and_larger_sizes_are_skipped() {
    let dir = scratch("over");
    // The chain at n = 60 takes far more than a microsecond per Newton
    // iteration (tens of them, even in a release build, where the whole
    // solve takes about a millisecond): the solve stops after its first
    // iteration.
    let Run {
        code,
        stdout,
        stderr,
    } = run(&[
        "bench",
        "--families",
        "chain",
        "--sizes",
        "60,200",
        "--budget",
        "0.000001",
        "--out",
        s(&dir),
    ]);
    assert_eq!(
        code,
        Some(1),
        "an unconverged run fails the bench: {stderr}"
    );
    assert!(stdout.contains("over_budget"), "{stdout}");
    assert!(
        stdout.contains("200  skipped: n = 60 already took"),
        "{stdout}"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    let first = &json["runs"][0];
    assert_eq!(first["status"], "over_budget");
    assert!(first["iterations"].as_u64().unwrap() <= 2);
    assert_eq!(json["runs"][1]["status"], "skipped");
    // Plots are still written.
    assert!(dir.join("time_vs_n.svg").exists());
    assert!(dir.join("kkt_history.svg").exists());
}

#[test]
fn linear_solver_flag_dense_and_sparse_agree() {
    let dir = scratch("linear");
    let path = generated_file(&dir, "chain", 20, &[]);
    let solve = |kind: &str| {
        let Run {
            code,
            stdout,
            stderr,
        } = run(&["solve", s(&path), "--json", "--linear-solver", kind]);
        assert_eq!(code, Some(0), "{kind}: {stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap()
    };
    let dense = solve("dense");
    let sparse = solve("sparse");
    let auto = solve("auto");
    let exact = generate("chain", 20).unwrap();
    for v in [&dense, &sparse, &auto] {
        for (name, x) in &exact.x {
            let got = v["x"][name].as_array().unwrap();
            for (g, e) in got.iter().zip(x) {
                assert!((g.as_f64().unwrap() - e).abs() < 1e-8, "{name}");
            }
        }
    }
    let Run { code, stdout, .. } = run(&["check", s(&path), "--linear-solver", "sparse"]);
    assert_eq!(code, Some(0), "{stdout}");
    let out = dir.join("bench");
    let Run { code, stderr, .. } = run(&[
        "bench",
        "--families",
        "rayleigh",
        "--sizes",
        "5",
        "--linear-solver",
        "sparse",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["settings"]["linear_solver"], "sparse");
    for args in [
        &["solve", s(&path), "--linear-solver", "lu"][..],
        &["check", s(&path), "--linear-solver", "Dense"][..],
        &["bench", "--linear-solver", "", "--out", s(&out)][..],
    ] {
        let Run {
            code,
            stdout,
            stderr,
        } = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("is not one of auto, dense, sparse"),
            "{stderr}"
        );
    }
}
