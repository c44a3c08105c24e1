//! Multipliers as shadow prices, by central differences of re-solves: for
//! every scalar constraint and every bounded variable of a problem file, the
//! constant end (or the bound) is moved by ±h, the problem solved again,
//! and the reported multiplier compared with (f*(+h) − f*(−h)) / (2h): the
//! contract's λᵢ = d f*/d(the active end) and zⱼ = d f*/d(the active bound),
//! for minimize and maximize alike. Inactive constraints and bounds report
//! exactly 0, and their difference quotient must be 0 too. Where the
//! multipliers are not unique, f* has two one-sided derivatives and the
//! reported multiplier must lie between them.
//!
//! How an end is moved without editing the file on disk: an equation or
//! inequality `lhs REL rhs` is rewritten `lhs REL (rhs) + d_end_k`, with a
//! new parameter `d_end_k` shaped like the constraint, zero except for the
//! moved element, and the JSON loaded again (loading folds constant
//! subexpressions, so setting a parameter in an already loaded definition
//! would move nothing). A range's ends and a variable's bounds are numbers in
//! the loaded definition and are moved there: both ends of a range, both
//! bounds of a variable, since only the active one matters.

use std::path::PathBuf;

use lagrange::problem::ConstraintKind;
use lagrange::problem_file::compile;
use lagrange::problem_file::{load_str, Definition, Shape};
use lagrange::solver::{solve, NlpProblem, Sense, Settings, Solution, Status};
use lagrange_test_support::cli::root;
use serde_json::Value;

/// The re-solves' tolerance: f*'s error, divided by h, is the difference
/// quotient's noise.
const TOLERANCE: f64 = 1e-11;

/// h relative to the size of the moved end or bound. Small, because the
/// third derivative of f* can be large on the scale of the end (HS72's
/// ends are 0.04, HS114's bounds 2000 with curvature on a much smaller
/// scale): there the truncation error of h = 1e-4·size is 1e-4 relative.
const STEP: f64 = 1e-5;

/// The smallest size h is taken relative to (ends and bounds at 0).
const SIZE_FLOOR: f64 = 1e-2;

/// The HS files whose multipliers are compared, by class of trouble left
/// out:
/// - HS30, HS116: the active gradients are linearly dependent, the
///   multipliers not unique (HS30 is checked below against its one-sided
///   derivatives instead);
/// - HS32: a weakly active bound; at tolerance 1e-11 the solve stops at the
///   iteration limit (200, KKT residual 6e-10: an interior-point method
///   approaches a weakly active bound like √μ);
/// - HS97, HS98: two nearby local minima; re-solves with an end moved by
///   1e-4 relative already land on the other one, so the difference
///   measures the jump, not the derivative;
/// - HS106: its constraints cancel terms of size 1e6 to 0, whose rounding
///   (1e-10) exceeds tolerance 1e-11: re-solves with an end moved by 1e-7
///   end `line_search_failed` at the optimum, the nearly active constraint
///   judged inactive and its multiplier zeroed.
const HS_SMALL: &[&str] = &[
    "hs1",
    "hs2",
    "hs3",
    "hs4",
    "hs5",
    "hs10",
    "hs11",
    "hs12",
    "hs14",
    "hs15",
    "hs16",
    "hs17",
    "hs18",
    "hs19",
    "hs20",
    "hs21",
    "hs22",
    "hs23",
    "hs24",
    "hs25",
    "hs29",
    "hs31",
    "hs33",
    "hs34",
    "hs35",
    "hs36",
    "hs37",
    "hs38",
    "hs41",
    "hs43",
    "hs44",
    "hs45",
    "hs59",
    "hs64",
    "hs65",
    "hs66",
    "max_box_range",
    "max_budget",
    "max_log_cap",
];

/// The HS files with more variables (see [`HS_SMALL`] for those left out),
/// in two tests that stay fast in debug builds.
const HS_MEDIUM: &[&str] = &[
    "hs71", "hs72", "hs73", "hs74", "hs75", "hs76", "hs83", "hs84", "hs86", "hs93", "hs95", "hs96",
    "hs100", "hs101", "hs102", "hs103", "hs104",
];
const HS_LARGE: &[&str] = &["hs107", "hs108", "hs110", "hs113", "hs114"];

/// The shipped problems with inequalities or bounds (`water_filling_degenerate`,
/// whose multipliers are not unique, is checked below).
const SHIPPED: &[&str] = &[
    "box_nearest",
    "box_nearest_fixed",
    "delivery_contract",
    "delivery_contract_range",
    "diet_requirement",
    "disk_nearest",
    "expenditure_min",
    "isotonic_regression",
    "portfolio_long_only_small",
    "production_capacity",
    "production_capacity_tight",
    "range_projection",
    "range_scaled",
    "utility_corner",
    "water_filling",
    "water_filling_small_multiplier",
];

fn settings() -> Settings {
    Settings::builder().tolerance(TOLERANCE).build().unwrap()
}

/// What one difference moves.
#[derive(Clone, Copy, Debug)]
enum Site {
    /// Element `element` of the shift of equation or inequality
    /// `constraint`, whose multiplier is at flat index `row`.
    Shift {
        constraint: usize,
        element: usize,
        row: usize,
    },
    /// Both ends of element `element` of range `constraint`.
    Range {
        constraint: usize,
        element: usize,
        row: usize,
    },
    /// Both bounds of element `element` of variable `variable`, flat
    /// index `column`.
    Bound {
        variable: usize,
        element: usize,
        column: usize,
    },
}

fn shift_name(k: usize) -> String {
    format!("d_end_{k}")
}

/// `lhs REL rhs` → `lhs REL (rhs) + d_end_k`, the relation being the first
/// `<=`, `>=` or else the `=`.
fn with_shift(text: &str, k: usize) -> String {
    let (at, len) = ["<=", ">="]
        .iter()
        .find_map(|r| text.find(r).map(|i| (i, 2)))
        .unwrap_or_else(|| (text.find('=').expect("a relation"), 1));
    let (lhs, rhs) = text.split_at(at + len);
    format!("{lhs} ({rhs}) + {}", shift_name(k))
}

fn zeros_like(shape: Shape) -> Value {
    match shape {
        Shape::Scalar => Value::from(0.0),
        Shape::Vector(n) => Value::from(vec![0.0; n]),
        Shape::Matrix(r, c) => Value::from(vec![vec![0.0; c]; r]),
    }
}

/// A problem file with a zero shift on every equation and inequality: its
/// JSON and its loaded definition.
struct Shifted {
    name: String,
    path: PathBuf,
    raw: Value,
    definition: Definition,
}

impl Shifted {
    fn load(file: &str) -> Shifted {
        let path = root().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let original = load_str(&path, &text).unwrap();
        let mut raw: Value = serde_json::from_str(&text).unwrap();
        if raw.get("parameters").is_none() {
            raw["parameters"] = Value::Object(Default::default());
        }
        for (k, c) in original.constraints.iter().enumerate() {
            if c.kind == ConstraintKind::Range {
                continue;
            }
            raw["parameters"][shift_name(k)] = zeros_like(c.shape);
            let entry = &mut raw["constraints"][k];
            let equation = match entry {
                Value::String(_) => entry,
                _ => &mut entry["equation"],
            };
            *equation = Value::from(with_shift(equation.as_str().unwrap(), k));
        }
        let definition = load_str(&path, &raw.to_string()).unwrap();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        Shifted {
            name,
            path,
            raw,
            definition,
        }
    }

    fn sites(&self) -> Vec<Site> {
        let d = &self.definition;
        let mut out = Vec::new();
        for (constraint, c) in d.constraints.iter().enumerate() {
            for element in 0..c.shape.numel() {
                let row = c.offset + element;
                out.push(if c.kind == ConstraintKind::Range {
                    Site::Range {
                        constraint,
                        element,
                        row,
                    }
                } else {
                    Site::Shift {
                        constraint,
                        element,
                        row,
                    }
                });
            }
        }
        for (variable, v) in d.variables.iter().enumerate() {
            for element in 0..v.shape.numel() {
                if v.lower[element].is_finite() || v.upper[element].is_finite() {
                    out.push(Site::Bound {
                        variable,
                        element,
                        column: v.offset + element,
                    });
                }
            }
        }
        out
    }

    /// The definition with `site` moved by `h`.
    fn moved(&self, site: Site, h: f64) -> Definition {
        match site {
            Site::Shift {
                constraint,
                element,
                ..
            } => {
                let mut raw = self.raw.clone();
                let shift = &mut raw["parameters"][shift_name(constraint)];
                let value = match shift {
                    Value::Array(rows) if rows.iter().all(Value::is_array) => {
                        let cols = rows[0].as_array().unwrap().len();
                        &mut rows[element / cols][element % cols]
                    }
                    Value::Array(elements) => &mut elements[element],
                    scalar => scalar,
                };
                *value = Value::from(h);
                load_str(&self.path, &raw.to_string()).unwrap()
            }
            Site::Range {
                constraint,
                element,
                ..
            } => {
                let mut d = self.definition.clone();
                let ends = &mut d.constraints[constraint].ends;
                ends.0[element] += h;
                ends.1[element] += h;
                d
            }
            Site::Bound {
                variable, element, ..
            } => {
                let mut d = self.definition.clone();
                let v = &mut d.variables[variable];
                v.lower[element] += h;
                v.upper[element] += h;
                d
            }
        }
    }

    /// f* with `site` moved by `h`.
    fn optimum(&self, site: Site, h: f64) -> Result<f64, String> {
        let s = self.solve(&self.moved(site, h));
        if s.status == Status::Converged {
            Ok(s.objective)
        } else {
            Err(format!(
                "{} with {site:?} moved by {h:e}: {} ({})",
                self.name, s.status, s.message
            ))
        }
    }

    fn solve(&self, d: &Definition) -> Solution {
        let mut p = compile(d).unwrap();
        solve(&mut p, &settings())
    }

    /// The unmoved solve and the size of each site's end or bound (ends:
    /// max(|lhs|, |rhs|) at the solution, ranges the larger finite end,
    /// bounds the larger finite bound; at least [`SIZE_FLOOR`]).
    fn base(&self) -> (Solution, Vec<f64>) {
        let base = self.solve(&self.definition);
        assert_eq!(
            base.status,
            Status::Converged,
            "{}: {}",
            self.name,
            base.message
        );
        let mut p = compile(&self.definition).unwrap();
        let mut magnitudes = vec![0.0; p.num_constraints()];
        p.constraint_magnitudes(&base.x, &mut magnitudes);
        let largest_finite = |a: f64, b: f64| {
            [a, b]
                .iter()
                .filter(|e| e.is_finite())
                .fold(0.0f64, |m, e| m.max(e.abs()))
        };
        let d = &self.definition;
        let sizes = self
            .sites()
            .iter()
            .map(|&site| match site {
                Site::Shift { row, .. } => magnitudes[row],
                Site::Range {
                    constraint,
                    element,
                    ..
                } => {
                    let (lo, hi) = &d.constraints[constraint].ends;
                    largest_finite(lo[element], hi[element])
                }
                Site::Bound {
                    variable, element, ..
                } => {
                    let v = &d.variables[variable];
                    largest_finite(v.lower[element], v.upper[element])
                }
            })
            .map(|s| s.max(SIZE_FLOOR))
            .collect();
        (base, sizes)
    }
}

fn multiplier(s: &Solution, site: Site) -> f64 {
    match site {
        Site::Shift { row, .. } | Site::Range { row, .. } => s.multipliers[row],
        Site::Bound { column, .. } => s.bound_multipliers[column],
    }
}

/// What the comparisons over a set of files covered.
#[derive(Default, Debug)]
struct Coverage {
    files: usize,
    maximize: usize,
    /// Sites with a nonzero multiplier (active) and with zero (inactive).
    active: usize,
    inactive: usize,
    ranges: usize,
    bounds: usize,
    /// The largest |λ − difference| / max(1, |λ|), and where.
    worst: (f64, String),
}

/// Every multiplier of every file against its central difference; panics
/// with every disagreement.
fn check(files: &[String]) -> Coverage {
    let mut coverage = Coverage::default();
    let mut failures = Vec::new();
    for file in files {
        let started = std::time::Instant::now();
        let shifted = Shifted::load(file);
        let (base, sizes) = shifted.base();
        coverage.files += 1;
        if shifted.definition.sense == Sense::Maximize {
            coverage.maximize += 1;
        }
        let f_scale = base.objective.abs().max(1.0);
        for (site, size) in shifted.sites().into_iter().zip(sizes) {
            let lambda = multiplier(&base, site);
            let h = STEP * size;
            let difference = match (shifted.optimum(site, h), shifted.optimum(site, -h)) {
                (Ok(plus), Ok(minus)) => (plus - minus) / (2.0 * h),
                (Err(e), _) | (_, Err(e)) => {
                    failures.push(e);
                    continue;
                }
            };
            // Truncation h²/6 · f*''' and noise TOLERANCE·|f*| / h, with
            // f*''' of order |f*| / size³: both in units of |f*| / size,
            // the natural size of d f*/d(end); plus rounding of λ itself.
            let allowed =
                10.0 * (STEP * STEP + TOLERANCE / STEP) * f_scale / size + 1e-6 * lambda.abs();
            let error = (lambda - difference).abs();
            if lambda == 0.0 {
                coverage.inactive += 1;
            } else {
                coverage.active += 1;
            }
            match site {
                Site::Range { .. } => coverage.ranges += 1,
                Site::Bound { .. } => coverage.bounds += 1,
                Site::Shift { .. } => {}
            }
            let relative = error / lambda.abs().max(1.0);
            if relative > coverage.worst.0 {
                coverage.worst = (relative, format!("{} {site:?}", shifted.name));
            }
            if error.is_nan() || error > allowed {
                failures.push(format!(
                    "{} {site:?}: multiplier {lambda}, difference {difference} \
                     (error {error:.2e} > {allowed:.2e})",
                    shifted.name
                ));
            }
        }
        println!("{file}: {:.2} s", started.elapsed().as_secs_f64());
    }
    println!("{coverage:?}");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    coverage
}

fn hs(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| format!("tests/data/hock_schittkowski_inequalities/{n}.json"))
        .collect()
}

#[test]
fn hock_schittkowski_multipliers_are_shadow_prices() {
    let c = check(&hs(HS_SMALL));
    // The three closed-form maximizations among them.
    assert_eq!(c.maximize, 3);
    assert!(c.active >= 40 && c.inactive >= 40 && c.ranges >= 2, "{c:?}");
}

#[test]
fn medium_hock_schittkowski_multipliers_are_shadow_prices() {
    let c = check(&hs(HS_MEDIUM));
    assert!(
        c.active >= 40 && c.inactive >= 40 && c.ranges >= 10,
        "{c:?}"
    );
}

#[test]
fn large_hock_schittkowski_multipliers_are_shadow_prices() {
    let c = check(&hs(HS_LARGE));
    assert!(c.active >= 20 && c.inactive >= 30, "{c:?}");
}

// HS117–HS119: vector variables, matrix parameters, vector constraints
// (one shift parameter per vector constraint, moved element by element),
// one test each since each takes about 2 s in a debug build.

#[test]
fn hs117_multipliers_are_shadow_prices() {
    let c = check(&hs(&["hs117"]));
    assert!(c.active >= 10 && c.inactive >= 5, "{c:?}");
}

#[test]
fn hs118_multipliers_are_shadow_prices() {
    let c = check(&hs(&["hs118"]));
    assert!(
        c.active >= 10 && c.inactive >= 10 && c.ranges >= 10,
        "{c:?}"
    );
}

#[test]
fn hs119_multipliers_are_shadow_prices() {
    let c = check(&hs(&["hs119"]));
    assert!(c.active >= 10 && c.inactive >= 5, "{c:?}");
}

#[test]
fn shipped_problems_multipliers_are_shadow_prices() {
    let files: Vec<String> = SHIPPED
        .iter()
        .map(|n| format!("problems/{n}.json"))
        .collect();
    let c = check(&files);
    assert!(c.maximize >= 5, "{c:?}");
    assert!(c.active >= 20 && c.inactive >= 10 && c.ranges >= 3, "{c:?}");
}

/// Where the active gradients are dependent, f*(end) has a kink: its
/// one-sided derivatives differ, and every multiplier vector satisfying the
/// KKT conditions gives each multiplier a value between them.
/// water_filling_degenerate: the budget's one-sided derivatives are 0.4 and
/// 0.5 (its description); HS30: the bound x1 ≥ 1 and x1² + x2² ≥ 1 with
/// parallel gradients, f* = (1 + t) or (1 + t)² above, 1 below.
#[test]
fn multipliers_that_are_not_unique_lie_between_the_one_sided_derivatives() {
    for (file, kinks) in [
        ("problems/water_filling_degenerate.json", 1),
        ("tests/data/hock_schittkowski_inequalities/hs30.json", 2),
    ] {
        let shifted = Shifted::load(file);
        let (base, sizes) = shifted.base();
        let mut kinked = 0;
        for (site, size) in shifted.sites().into_iter().zip(sizes) {
            let lambda = multiplier(&base, site);
            let h = STEP * size;
            let at = |t: f64| shifted.optimum(site, t).unwrap();
            let (right, left) = ((at(h) - base.objective) / h, (base.objective - at(-h)) / h);
            // One-sided differences are first order: error h·f*''/2, with
            // f*'' of order |f*| / size².
            let slack = 10.0 * (STEP + TOLERANCE / STEP) * base.objective.abs().max(1.0) / size;
            let (lo, hi) = (left.min(right), left.max(right));
            assert!(
                lo - slack <= lambda && lambda <= hi + slack,
                "{file} {site:?}: multiplier {lambda} outside [{lo}, {hi}]"
            );
            if hi - lo > 0.05 {
                kinked += 1;
            }
        }
        // The check above means something only where f* has a kink.
        assert!(kinked >= kinks, "{file}: {kinked} kinks");
    }
}
