//! The scalable benchmark families: each generated file, loaded through the
//! problem-file path and solved, matches its closed-form solution.

use lagrange::families::{generate, FamilyError, EQUALITY_FAMILIES};
use lagrange::problem_file::compile::compile;
use lagrange::problem_file::load_str;
use lagrange::solver::{solve, NlpProblem, Settings, Status};
use std::path::Path;

/// Largest error relative to the size of the exact vector (at least 1).
fn relative_error(got: &[f64], exact: &[f64]) -> f64 {
    let scale = exact.iter().fold(1e-300_f64, |m, v| m.max(v.abs()));
    got.iter()
        .zip(exact)
        .map(|(g, e)| (g - e).abs())
        .fold(0.0, f64::max)
        / scale
}

fn check_family(name: &str, n: usize) {
    let generated = generate(name, n).unwrap();
    let text = serde_json::to_string(&generated.file).unwrap();
    let definition = load_str(Path::new(&format!("{name}-{n}.json")), &text)
        .unwrap_or_else(|e| panic!("{name} n={n}: generated file does not load: {e}"));
    let mut problem = compile(&definition).unwrap();
    let settings = Settings::builder().tolerance(1e-12).build().unwrap();
    let s = solve(&mut problem, &settings);
    assert_eq!(s.status, Status::Converged, "{name} n={n}: {}", s.message);
    let x_exact: Vec<f64> = generated.x.iter().flat_map(|(_, v)| v.clone()).collect();
    assert_eq!(x_exact.len(), problem.num_variables());
    // sphere-quartic: every sign pattern is a global minimum; compare |x|.
    let x_found: Vec<f64> = if name == "sphere-quartic" {
        s.x.iter().map(|v| v.abs()).collect()
    } else {
        s.x.clone()
    };
    let ex = relative_error(&x_found, &x_exact);
    assert!(ex <= 1e-8, "{name} n={n}: x error {ex:e}");
    let ef = (s.objective - generated.objective).abs() / generated.objective.abs().max(1e-300);
    assert!(
        ef <= 1e-8,
        "{name} n={n}: objective {} vs {}",
        s.objective,
        generated.objective
    );
    if let Some(lambda) = &generated.multipliers {
        let el = relative_error(&s.multipliers, lambda);
        assert!(el <= 1e-7, "{name} n={n}: multiplier error {el:e}");
    }
}

#[test]
fn every_family_matches_its_closed_form_at_small_sizes() {
    // The inequality families load once the bound and inequality grammar
    // lands: tests/families_inequalities.rs.
    for name in EQUALITY_FAMILIES {
        for n in [2, 3, 10, 40] {
            if generate(name, n).is_ok() {
                check_family(name, n);
            }
        }
    }
}

#[test]
fn unknown_family_and_small_size_are_errors() {
    assert!(matches!(
        generate("nope", 10),
        Err(FamilyError::UnknownFamily(_))
    ));
    assert!(matches!(
        generate("entropy", 2),
        Err(FamilyError::TooSmall { .. })
    ));
}
