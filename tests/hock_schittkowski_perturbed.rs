//! The Hock–Schittkowski problems with inequalities and bounds
//! (tests/data/hock_schittkowski_inequalities) from perturbed starts: each
//! file's start moved to x0 + s·(1 + |x0|)·u, u uniform in [−1, 1) from the
//! tests' seeded generator (seeded per file by the FNV-1a hash of its name),
//! then pushed inside the bounds; s = 0.1 (near the standard start) and
//! s = 1 (far from it, along the same u). IPOPT's answers and iteration
//! counts from the same starts are in
//! tests/data/hs_inequalities_perturbed_ipopt_reference.json, one table per
//! s (benches/peers/make_hs_perturbed.py, which computes the same starts;
//! this test checks that they agree bit for bit).
//!
//! A solve counts as good when it converges to the file's `expected` answer
//! (objective, x and multipliers, as tests/hock_schittkowski_inequalities.rs
//! compares them) or to a listed local minimum.

use lagrange::problem_file::compile;
use lagrange::problem_file::load;
use lagrange::problem_file::Definition;
use lagrange::problem_file::{compare, within};
use lagrange::solver::{solve, Settings, Status};
use lagrange_test_support::Rng;

const DIR: &str = "tests/data/hock_schittkowski_inequalities";
const IPOPT_REFERENCE: &str = "tests/data/hs_inequalities_perturbed_ipopt_reference.json";

/// Files whose `expected` is a local minimum other than the published
/// optimum (the folder's README, "Local minima"): reaching the published
/// optimum instead, or any converged point at least as good as `expected`,
/// counts.
const LOCAL_MINIMA: &[&str] = &["hs2", "hs20", "hs44", "hs98", "hs108"];

/// Other strict local minima that a solver may reach from a perturbed start:
/// (file, objective), matched to the file's tolerance. HS15: x ≈ (−0.79,
/// −1.27), f = 360.3797673, with x1·x2 ≥ 1 active (the known second minimum
/// of HS15; IPOPT reaches it from the far start). HS16: x = (−0.5, 1/√2),
/// f = 23.1446609…, with x1 + x2² ≥ 0 and the bound x1 ≥ −0.5 active
/// (IPOPT reaches it from the near start). HS97: the KKT point where HS98's
/// `expected` lies, f = 4.0712464 (HS97 and HS98 differ only in the
/// right-hand sides of two constraints that are inactive there; IPOPT
/// reaches it from the near start).
const OTHER_LOCAL_MINIMA: &[(&str, f64)] = &[
    ("hs15", 360.3797673),
    ("hs16", 23.144660940672622),
    ("hs97", 4.0712463572),
];

/// The floors on good solves, near and far. Near the standard starts every
/// file is good today and the floor leaves room for three, so that a solver
/// change that merely sends one or two hard files (HS17 and HS32 with a
/// weakly active constraint, the multi-minimum HS97/HS98) down another path
/// does not fail the build, while a regression of the interior-point
/// method, which shows on several files at once, does. Far from them one
/// file fails today (HS107: `infeasible`, a bug: the problem is feasible
/// and IPOPT solves it from the same start); the floor leaves room for
/// three more. IPOPT reaches the expected or a listed minimum on every
/// file from both.
const FLOOR_NEAR: usize = 67;
const FLOOR_FAR: usize = 66;

/// FNV-1a (64 bit): the per-file seed, reproducible in Python.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// The file's start moved by scale·(1 + |x0|)·u and pushed inside its bounds
/// by min(0.01·(1 + |bound|), width/4), so that neither solver's own bound
/// push decides where it starts.
fn perturbed_start(name: &str, scale: f64, definition: &Definition) -> Vec<f64> {
    let mut rng = Rng::new(fnv1a(name));
    let mut out = Vec::new();
    for v in &definition.variables {
        for ((&a, &lo), &hi) in v.start.iter().zip(&v.lower).zip(&v.upper) {
            let u = rng.next();
            let mut x = a + scale * (1.0 + a.abs()) * u;
            let width = hi - lo;
            if lo.is_finite() {
                let d = (0.01 * (1.0 + lo.abs())).min(width / 4.0);
                if x < lo + d {
                    x = lo + d;
                }
            }
            if hi.is_finite() {
                let d = (0.01 * (1.0 + hi.abs())).min(width / 4.0);
                if x > hi - d {
                    x = hi - d;
                }
            }
            out.push(x);
        }
    }
    out
}

fn set_start(definition: &mut Definition, x: &[f64]) {
    for v in &mut definition.variables {
        let k = v.start.len();
        v.start.copy_from_slice(&x[v.offset..v.offset + k]);
    }
}

/// Solves every file from its start perturbed by `scale`, prints our
/// iterations beside IPOPT's, and returns how many reach the expected or a
/// listed minimum (asserting that IPOPT's reference does everywhere).
fn sweep(scale: f64, key: &str) -> usize {
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(IPOPT_REFERENCE).unwrap()).unwrap();
    let reference = &all[key];
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        70,
        "the HS inequality set changed: update the floors"
    );

    let (mut good, mut ipopt_good, mut within_ipopt) = (0, 0, 0);
    let (mut ours_total, mut ipopt_total) = (0, 0);
    let (mut lines, mut misses) = (Vec::new(), Vec::new());
    for path in &files {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let mut definition = load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let start = perturbed_start(&name, scale, &definition);
        let ipopt = &reference[&name];
        let ipopt_start: Vec<f64> = ipopt["start"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no IPOPT reference"))
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert_eq!(
            start, ipopt_start,
            "{name}: not the start IPOPT solved from"
        );
        // A perturbation that moves nothing would test nothing.
        assert!(
            start != definition.start(),
            "{name}: the perturbation left the start unchanged"
        );
        set_start(&mut definition, &start);

        let mut problem = compile(&definition).unwrap();
        let s = solve(&mut problem, &Settings::default());
        let expected = definition
            .expected
            .as_ref()
            .expect("these files carry expected");
        let f_expected = expected.objective.expect("these files carry an objective");
        let tol = expected.tolerance;
        let verdict = if s.status != Status::Converged {
            format!("{}", s.status)
        } else if compare(&definition, expected, s.objective, &s.x, &s.multipliers).is_empty() {
            "expected".to_string()
        } else if LOCAL_MINIMA.contains(&name.as_str())
            && s.objective <= f_expected + tol * f_expected.abs().max(1.0)
        {
            "published or better".to_string()
        } else if let Some(&(_, f)) = OTHER_LOCAL_MINIMA
            .iter()
            .find(|&&(n, f)| n == name && within(s.objective, f, tol))
        {
            format!("local minimum {f}")
        } else {
            format!("wrong point, f = {}", s.objective)
        };
        let ok = s.status == Status::Converged && !verdict.starts_with("wrong");
        if ok {
            good += 1;
        } else {
            misses.push(format!("{name}: {verdict} ({})", s.message));
        }

        let ipopt_iterations = ipopt["iterations"].as_u64().unwrap() as usize;
        let ipopt_f = ipopt["objective"].as_f64().unwrap();
        // IPOPT's default bound relaxation (1e-8·max(1, |bound|)) moves its
        // optimum slightly outside active bounds and its objective by up to
        // ~1e-6 relative here: its answers are matched to 1e-5 at least.
        let ipopt_tol = tol.max(1e-5);
        let ipopt_ok = ipopt["status"] == "converged"
            && (within(ipopt_f, f_expected, ipopt_tol)
                || (LOCAL_MINIMA.contains(&name.as_str())
                    && ipopt_f <= f_expected + ipopt_tol * f_expected.abs().max(1.0))
                || OTHER_LOCAL_MINIMA
                    .iter()
                    .any(|&(n, f)| n == name && within(ipopt_f, f, ipopt_tol)));
        if ipopt_ok {
            ipopt_good += 1;
        }
        ours_total += s.iterations;
        ipopt_total += ipopt_iterations;
        if s.iterations <= ipopt_iterations {
            within_ipopt += 1;
        }
        lines.push(format!(
            "{name:14} ours {:4} iterations ({verdict})  IPOPT {ipopt_iterations:4} (f = {ipopt_f:.10})",
            s.iterations
        ));
    }
    println!("{}", lines.join("\n"));
    println!(
        "good: ours {good} of {}, IPOPT {ipopt_good}; iterations within IPOPT's on {within_ipopt}; \
         total iterations ours {ours_total}, IPOPT {ipopt_total}",
        files.len()
    );
    println!("misses:\n{}", misses.join("\n"));
    // The reference itself: a stale or mislabelled one fails here.
    assert_eq!(ipopt_good, files.len(), "IPOPT's reference has misses");
    assert!(
        misses.len() + good == files.len(),
        "every file is either good or a miss"
    );
    good
}

#[test]
fn near_starts_reach_the_expected_or_a_listed_local_minimum() {
    let good = sweep(0.1, "0.1");
    assert!(
        good >= FLOOR_NEAR,
        "only {good} of 70 near starts are good (floor {FLOOR_NEAR})"
    );
}

#[test]
fn far_starts_reach_the_expected_or_a_listed_local_minimum() {
    let good = sweep(1.0, "1.0");
    assert!(
        good >= FLOOR_FAR,
        "only {good} of 70 far starts are good (floor {FLOOR_FAR})"
    );
}
