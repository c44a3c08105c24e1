//! The equality-constrained Hock–Schittkowski problems as problem files
//! (tests/data/hock_schittkowski, expected values from IPOPT at tol 1e-12,
//! cross-checked with the published optima): each converges from its
//! standard start to the expected optimum, and our iteration count is no
//! more than IPOPT's on at least 90% of them.

use lagrange::problem_file::compare;
use lagrange::problem_file::compile;
use lagrange::problem_file::load;
use lagrange::solver::{solve, Settings, Status};
use std::path::Path;

const DIR: &str = "tests/data/hock_schittkowski";
const IPOPT_REFERENCE: &str = "tests/data/hs_ipopt_reference.json";

#[test]
fn every_problem_converges_to_its_expected_optimum_within_ipopt_iterations() {
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(IPOPT_REFERENCE).unwrap()).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "only {} HS files", files.len());

    let (mut within_ipopt, mut lines) = (0, Vec::new());
    for path in &files {
        let definition = load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut problem = compile(&definition).unwrap();
        let s = solve(&mut problem, &Settings::default());
        let name = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(s.status, Status::Converged, "{name}: {}", s.message);
        let expected = definition
            .expected
            .as_ref()
            .expect("HS files carry expected");
        let mismatches = compare(&definition, expected, s.objective, &s.x, &s.multipliers);
        assert!(mismatches.is_empty(), "{name}: {mismatches:?}");
        let ipopt = reference[name]["iterations"]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: no IPOPT reference")) as usize;
        if s.iterations <= ipopt {
            within_ipopt += 1;
        }
        lines.push(format!(
            "{name}: {} iterations (IPOPT {ipopt})",
            s.iterations
        ));
    }
    println!("{}", lines.join("\n"));
    assert!(
        within_ipopt * 10 >= files.len() * 9,
        "iterations within IPOPT's on only {within_ipopt} of {}",
        files.len()
    );
    assert!(Path::new(IPOPT_REFERENCE).exists());
}
