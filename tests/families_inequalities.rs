//! The families with bounds and inequalities (`simplex`, `water-filling`,
//! `knapsack`, `isotonic`): each generated file's `expected` is checked
//! against an independent computation (enumeration of the active sets at
//! small n; for isotonic regression the min–max formula and a least-squares
//! solve of stationarity), against the KKT conditions of the contract's
//! convention (∇f = Jᵀλ + z, complementarity, feasibility, signs, strict
//! complementarity) at n = 10, 100 and 10⁴, and for its shape. Everything is
//! read back from the file's `parameters` and `expected`, so the file is
//! what is tested, not the generator's internals.
//! The files are also solved (`lagrange check`, both barrier rules) and the
//! same problems stated by hand through `NlpProblem`.

use std::path::PathBuf;

use lagrange::families::{generate, FamilyError, FAMILIES, INEQUALITY_FAMILIES};
use lagrange::problem_file::TOP_LEVEL_FIELDS;
use serde_json::Value;

const SIZES: [usize; 3] = [10, 100, 10_000];

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

/// The numbers of a file: parameters, the expected answer.
struct File<'a>(&'a Value);

impl File<'_> {
    fn param(&self, name: &str) -> Vec<f64> {
        numbers(&self.0["parameters"][name])
    }
    fn scalar(&self, name: &str) -> f64 {
        self.0["parameters"][name]
            .as_f64()
            .expect("a scalar parameter")
    }
    fn x(&self) -> Vec<f64> {
        numbers(&self.0["expected"]["x"]["x"])
    }
    fn z(&self) -> Vec<f64> {
        numbers(&self.0["expected"]["bound_multipliers"]["x"])
    }
    /// The multiplier of the one scalar equation.
    fn lambda(&self) -> f64 {
        self.0["expected"]["multipliers"][0]
            .as_f64()
            .expect("a scalar multiplier")
    }
    /// The multipliers of the one vector inequality.
    fn lambdas(&self) -> Vec<f64> {
        numbers(&self.0["expected"]["multipliers"][0])
    }
    fn objective(&self) -> f64 {
        self.0["expected"]["objective"].as_f64().unwrap()
    }
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

/// ‖∇f − Jᵀλ − z‖∞ relative to max(1, ‖∇f‖∞), as the contract's stationarity.
fn assert_stationary(what: &str, gradient: &[f64], residual: &[f64]) {
    let scale = inf_norm(gradient).max(1.0);
    let r = inf_norm(residual) / scale;
    assert!(r <= 1e-12, "{what}: stationarity residual {r:e}");
}

fn assert_close(what: &str, got: f64, exact: f64, tol: f64) {
    let e = (got - exact).abs() / exact.abs().max(1.0);
    assert!(e <= tol, "{what}: {got} vs {exact} (error {e:e})");
}

fn assert_close_all(what: &str, got: &[f64], exact: &[f64], tol: f64) {
    assert_eq!(got.len(), exact.len(), "{what}: length");
    let scale = inf_norm(exact).max(1.0);
    for (i, (g, e)) in got.iter().zip(exact).enumerate() {
        assert!(
            (g - e).abs() <= tol * scale,
            "{what}[{i}]: {g} vs {e} (scale {scale})"
        );
    }
}

/// One bound of one element: its distance from the bound and its multiplier
/// are not both nonzero, and exactly one of them is (strict complementarity).
fn assert_strictly_complementary(what: &str, distance: f64, multiplier: f64) {
    assert!(distance >= 0.0, "{what}: bound violated by {distance:e}");
    assert!(
        distance == 0.0 || multiplier == 0.0,
        "{what}: distance {distance:e} with multiplier {multiplier:e}"
    );
    assert!(
        distance > 0.0 || multiplier != 0.0,
        "{what}: active with a zero multiplier"
    );
}

/// Some bounds or rows are active (nonzero multiplier) and some not.
fn assert_both_kinds(what: &str, multipliers: &[f64]) {
    assert!(multipliers.iter().any(|&m| m != 0.0), "{what}: none active");
    assert!(multipliers.contains(&0.0), "{what}: all active");
}

// ---------------------------------------------------------------------------
// KKT conditions of each family, from the file alone.

/// minimize ½‖x − a‖², sum(x) = 1 (λ), x ≥ 0 (z ≥ 0).
fn kkt_simplex(file: &File, n: usize) {
    let (a, x, z, lambda) = (file.param("a"), file.x(), file.z(), file.lambda());
    let gradient: Vec<f64> = x.iter().zip(&a).map(|(x, a)| x - a).collect();
    let residual: Vec<f64> = (0..n).map(|j| gradient[j] - lambda - z[j]).collect();
    assert_stationary("simplex", &gradient, &residual);
    assert_close("simplex sum(x)", x.iter().sum(), 1.0, 1e-13);
    for j in 0..n {
        assert_strictly_complementary(&format!("simplex x[{j}]"), x[j], z[j]);
        assert!(
            z[j] >= 0.0,
            "simplex z[{j}] = {} < 0 at a lower bound",
            z[j]
        );
        // The construction's margins: x at least 0.5/n, z at least 0.5.
        assert!(
            x[j] >= 0.5 / n as f64 || z[j] >= 0.5,
            "simplex margin at {j}"
        );
    }
    assert_both_kinds("simplex", &z);
    let f = 0.5 * gradient.iter().map(|g| g * g).sum::<f64>();
    assert_close("simplex objective", f, file.objective(), 1e-13);
}

/// maximize Σ log(α + x), sum(x) = P (λ > 0), x ≥ 0 (z ≤ 0 when maximizing).
fn kkt_water_filling(file: &File, n: usize) {
    let (alpha, power) = (file.param("alpha"), file.scalar("P"));
    let (x, z, lambda) = (file.x(), file.z(), file.lambda());
    let gradient: Vec<f64> = x.iter().zip(&alpha).map(|(x, a)| 1.0 / (a + x)).collect();
    let residual: Vec<f64> = (0..n).map(|i| gradient[i] - lambda - z[i]).collect();
    assert_stationary("water-filling", &gradient, &residual);
    assert_close("water-filling sum(x)", x.iter().sum(), power, 1e-13);
    assert!(lambda > 0.0);
    for i in 0..n {
        assert_strictly_complementary(&format!("water-filling x[{i}]"), x[i], z[i]);
        assert!(
            z[i] <= 0.0,
            "water-filling z[{i}] = {} > 0 (maximize)",
            z[i]
        );
        assert!(
            x[i] >= 0.1 - 1e-12 || z[i] <= -0.4,
            "water-filling margin at {i}"
        );
    }
    assert_both_kinds("water-filling", &z);
    let f: f64 = x.iter().zip(&alpha).map(|(x, a)| (a + x).ln()).sum();
    assert_close("water-filling objective", f, file.objective(), 1e-13);
}

/// minimize Σ ½ d (x − a)², b·x = c (λ), l ≤ x ≤ u (z ≥ 0 at l, ≤ 0 at u).
fn kkt_knapsack(file: &File, n: usize) {
    let (d, a, b) = (file.param("d"), file.param("a"), file.param("b"));
    let (l, u, c) = (file.param("l"), file.param("u"), file.scalar("c"));
    let (x, z, lambda) = (file.x(), file.z(), file.lambda());
    let gradient: Vec<f64> = (0..n).map(|i| d[i] * (x[i] - a[i])).collect();
    let residual: Vec<f64> = (0..n).map(|i| gradient[i] - lambda * b[i] - z[i]).collect();
    assert_stationary("knapsack", &gradient, &residual);
    assert_close("knapsack b.x", dot(&b, &x), c, 1e-13);
    for i in 0..n {
        assert!(l[i] < u[i]);
        // z's sign selects the bound (the contract's rule for its distance):
        // a z of the wrong sign for the bound x is at leaves a distance.
        let distance = if z[i] > 0.0 {
            x[i] - l[i]
        } else if z[i] < 0.0 {
            u[i] - x[i]
        } else {
            (x[i] - l[i]).min(u[i] - x[i])
        };
        assert_strictly_complementary(&format!("knapsack x[{i}]"), distance, z[i]);
        assert!(
            x[i] >= l[i] && x[i] <= u[i],
            "knapsack x[{i}] outside its box"
        );
        let margin = distance.max(z[i].abs());
        assert!(margin >= 0.05, "knapsack margin {margin:e} at {i}");
    }
    // Each of the three kinds occurs.
    assert!((0..n).any(|i| z[i] > 0.0) && (0..n).any(|i| z[i] < 0.0));
    assert!((0..n).any(|i| z[i] == 0.0));
    let f: f64 = (0..n).map(|i| 0.5 * d[i] * (x[i] - a[i]).powi(2)).sum();
    assert_close("knapsack objective", f, file.objective(), 1e-13);
}

/// minimize ½‖x − y‖², x[1:] − x[:-1] ≥ 0 (λ ≥ 0); (Jᵀλ)ᵢ = λᵢ₋₁ − λᵢ.
fn kkt_isotonic(file: &File, n: usize) {
    let (y, x, lambda) = (file.param("y"), file.x(), file.lambdas());
    assert_eq!(lambda.len(), n - 1);
    let gradient: Vec<f64> = x.iter().zip(&y).map(|(x, y)| x - y).collect();
    let jt_lambda = |i: usize| {
        let before = if i > 0 { lambda[i - 1] } else { 0.0 };
        let after = if i + 1 < n { lambda[i] } else { 0.0 };
        before - after
    };
    let residual: Vec<f64> = (0..n).map(|i| gradient[i] - jt_lambda(i)).collect();
    assert_stationary("isotonic", &gradient, &residual);
    for k in 0..n - 1 {
        let slack = x[k + 1] - x[k];
        assert!(lambda[k] >= 0.0, "isotonic lambda[{k}] < 0 (minimize, >=)");
        assert_strictly_complementary(&format!("isotonic row {k}"), slack, lambda[k]);
        assert!(
            slack.max(lambda[k]) >= 0.1 - 1e-12,
            "isotonic margin at {k}"
        );
    }
    assert_both_kinds("isotonic", &lambda);
    let f = 0.5 * gradient.iter().map(|g| g * g).sum::<f64>();
    assert_close("isotonic objective", f, file.objective(), 1e-13);
}

fn kkt(family: &str, file: &File, n: usize) {
    match family {
        "simplex" => kkt_simplex(file, n),
        "water-filling" => kkt_water_filling(file, n),
        "knapsack" => kkt_knapsack(file, n),
        "isotonic" => kkt_isotonic(file, n),
        _ => unreachable!("{family}"),
    }
}

#[test]
fn expected_answers_satisfy_the_kkt_conditions_strictly() {
    for family in INEQUALITY_FAMILIES {
        for n in SIZES {
            let generated = generate(family, n).unwrap();
            kkt(family, &File(&generated.file), n);
        }
    }
}

// ---------------------------------------------------------------------------
// Independent solutions at small n.

/// The subsets of 0..n as membership vectors.
fn subsets(n: usize) -> impl Iterator<Item = Vec<bool>> {
    (0u32..1 << n).map(move |m| (0..n).map(|j| m >> j & 1 == 1).collect())
}

/// The one candidate that passes, with a message naming the family.
fn unique<T>(family: &str, n: usize, candidates: Vec<T>) -> T {
    let count = candidates.len();
    assert_eq!(count, 1, "{family} n={n}: {count} KKT points");
    candidates.into_iter().next().unwrap()
}

const SMALL: [usize; 4] = [2, 3, 7, 10];
const TOL: f64 = 1e-12;

#[test]
fn simplex_matches_the_enumeration_of_its_active_sets() {
    for n in SMALL {
        let g = generate("simplex", n).unwrap();
        let file = File(&g.file);
        let a = file.param("a");
        // Free set S: x_S = a_S − τ with τ = (Σ_S a − 1)/|S|, zero elsewhere.
        let found = unique(
            "simplex",
            n,
            subsets(n)
                .filter(|s| s.contains(&true))
                .filter_map(|s| {
                    let k = s.iter().filter(|&&b| b).count() as f64;
                    let free: f64 = (0..n).filter(|&j| s[j]).map(|j| a[j]).sum();
                    let tau = (free - 1.0) / k;
                    let x: Vec<f64> = (0..n)
                        .map(|j| if s[j] { a[j] - tau } else { 0.0 })
                        .collect();
                    let z: Vec<f64> = (0..n)
                        .map(|j| if s[j] { 0.0 } else { tau - a[j] })
                        .collect();
                    let ok = x.iter().all(|&v| v >= -TOL) && z.iter().all(|&v| v >= -TOL);
                    ok.then_some((x, -tau, z))
                })
                .collect(),
        );
        assert_close_all("simplex x", &file.x(), &found.0, TOL);
        assert_close("simplex lambda", file.lambda(), found.1, TOL);
        assert_close_all("simplex z", &file.z(), &found.2, TOL);
    }
}

#[test]
fn water_filling_matches_the_enumeration_of_its_active_sets() {
    for n in SMALL {
        let g = generate("water-filling", n).unwrap();
        let file = File(&g.file);
        let (alpha, power) = (file.param("alpha"), file.scalar("P"));
        // Channels S with power: level L = (P + Σ_S α)/|S|.
        let found = unique(
            "water-filling",
            n,
            subsets(n)
                .filter(|s| s.contains(&true))
                .filter_map(|s| {
                    let k = s.iter().filter(|&&b| b).count() as f64;
                    let level =
                        (power + (0..n).filter(|&i| s[i]).map(|i| alpha[i]).sum::<f64>()) / k;
                    let x: Vec<f64> = (0..n)
                        .map(|i| if s[i] { level - alpha[i] } else { 0.0 })
                        .collect();
                    let z: Vec<f64> = (0..n)
                        .map(|i| {
                            if s[i] {
                                0.0
                            } else {
                                1.0 / alpha[i] - 1.0 / level
                            }
                        })
                        .collect();
                    let ok = x.iter().all(|&v| v >= -TOL) && z.iter().all(|&v| v <= TOL);
                    ok.then_some((x, 1.0 / level, z))
                })
                .collect(),
        );
        assert_close_all("water-filling x", &file.x(), &found.0, TOL);
        assert_close("water-filling lambda", file.lambda(), found.1, TOL);
        assert_close_all("water-filling z", &file.z(), &found.2, TOL);
        let f: f64 = found.0.iter().zip(&alpha).map(|(x, a)| (a + x).ln()).sum();
        assert_close("water-filling objective", file.objective(), f, TOL);
    }
}

#[test]
fn knapsack_matches_the_enumeration_of_its_active_sets() {
    for n in [3, 4, 8] {
        let g = generate("knapsack", n).unwrap();
        let file = File(&g.file);
        let (d, a, b) = (file.param("d"), file.param("a"), file.param("b"));
        let (l, u, c) = (file.param("l"), file.param("u"), file.scalar("c"));
        let mut candidates = Vec::new();
        // Each element at its lower bound (0), free (1) or at its upper (2).
        for code in 0..3usize.pow(n as u32) {
            let state: Vec<usize> = (0..n).map(|i| code / 3usize.pow(i as u32) % 3).collect();
            let (mut rest, mut slope) = (c, 0.0);
            for i in 0..n {
                match state[i] {
                    0 => rest -= b[i] * l[i],
                    2 => rest -= b[i] * u[i],
                    _ => {
                        rest -= b[i] * a[i];
                        slope += b[i] * b[i] / d[i];
                    }
                }
            }
            if slope == 0.0 {
                continue;
            }
            let lambda = rest / slope;
            let x: Vec<f64> = (0..n)
                .map(|i| match state[i] {
                    0 => l[i],
                    2 => u[i],
                    _ => a[i] + lambda * b[i] / d[i],
                })
                .collect();
            let z: Vec<f64> = (0..n)
                .map(|i| match state[i] {
                    1 => 0.0,
                    _ => d[i] * (x[i] - a[i]) - lambda * b[i],
                })
                .collect();
            let ok = (0..n).all(|i| match state[i] {
                0 => z[i] >= -TOL,
                2 => z[i] <= TOL,
                _ => x[i] >= l[i] - TOL && x[i] <= u[i] + TOL,
            });
            if ok {
                candidates.push((x, lambda, z));
            }
        }
        let found = unique("knapsack", n, candidates);
        assert_close_all("knapsack x", &file.x(), &found.0, TOL);
        assert_close("knapsack lambda", file.lambda(), found.1, TOL);
        assert_close_all("knapsack z", &file.z(), &found.2, TOL);
    }
}

/// Solves the square system m·v = rhs by Gaussian elimination with partial
/// pivoting.
fn solve_dense(mut m: Vec<Vec<f64>>, mut rhs: Vec<f64>) -> Vec<f64> {
    let k = rhs.len();
    for col in 0..k {
        let pivot = (col..k)
            .max_by(|&p, &q| m[p][col].abs().total_cmp(&m[q][col].abs()))
            .unwrap();
        m.swap(col, pivot);
        rhs.swap(col, pivot);
        let (top, below) = m.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (offset, row) in below.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            for (r, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *r -= factor * p;
            }
            rhs[col + 1 + offset] -= factor * rhs[col];
        }
    }
    let mut v = vec![0.0; k];
    for row in (0..k).rev() {
        let tail: f64 = (row + 1..k).map(|j| m[row][j] * v[j]).sum();
        v[row] = (rhs[row] - tail) / m[row][row];
    }
    v
}

#[test]
fn isotonic_matches_the_min_max_formula_and_least_squares_multipliers() {
    for n in [2, 3, 10, 40] {
        let g = generate("isotonic", n).unwrap();
        let file = File(&g.file);
        let y = file.param("y");
        // xᵢ = max over s ≤ i of min over e ≥ i of mean(y[s..=e]).
        let mut prefix = vec![0.0];
        for v in &y {
            prefix.push(prefix.last().unwrap() + v);
        }
        let mean = |s: usize, e: usize| (prefix[e + 1] - prefix[s]) / (e + 1 - s) as f64;
        let x: Vec<f64> = (0..n)
            .map(|i| {
                (0..=i)
                    .map(|s| (i..n).map(|e| mean(s, e)).fold(f64::INFINITY, f64::min))
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect();
        assert_close_all("isotonic x", &file.x(), &x, TOL);
        // λ on the active rows A (equal neighbours) from Jᵀ_A λ_A = x − y,
        // by the normal equations (J_A Jᵀ_A) λ_A = J_A (x − y).
        let active: Vec<usize> = (0..n - 1)
            .filter(|&k| (x[k + 1] - x[k]).abs() <= TOL)
            .collect();
        let row = |k: usize| {
            let mut r = vec![0.0; n];
            r[k] = -1.0;
            r[k + 1] = 1.0;
            r
        };
        let rows: Vec<Vec<f64>> = active.iter().map(|&k| row(k)).collect();
        let residual: Vec<f64> = x.iter().zip(&y).map(|(x, y)| x - y).collect();
        let normal: Vec<Vec<f64>> = rows
            .iter()
            .map(|p| rows.iter().map(|q| dot(p, q)).collect())
            .collect();
        let rhs: Vec<f64> = rows.iter().map(|p| dot(p, &residual)).collect();
        let lambda_active = solve_dense(normal, rhs);
        let mut lambda = vec![0.0; n - 1];
        for (k, v) in active.iter().zip(lambda_active) {
            lambda[*k] = v;
        }
        assert_close_all("isotonic lambda", &file.lambdas(), &lambda, 1e-11);
    }
}

// ---------------------------------------------------------------------------
// Shape of the files.

#[test]
fn generated_files_have_the_contract_shape() {
    let n = 10;
    for family in INEQUALITY_FAMILIES {
        let g = generate(family, n).unwrap();
        let file = g.file.as_object().unwrap();
        for key in file.keys() {
            assert!(
                TOP_LEVEL_FIELDS.contains(&key.as_str()),
                "{family}: field {key}"
            );
        }
        assert_eq!(file["name"], format!("{family}-{n}"));
        let description = file["description"].as_str().unwrap();
        assert!(description.contains("Closed form"), "{family}");
        let variables = file["variables"].as_array().unwrap();
        assert_eq!(variables.len(), 1);
        let x = &variables[0];
        assert_eq!(x["name"], "x");
        assert_eq!(x["size"], n);
        let start = &x["start"];
        assert!(start.is_number() || numbers(start).len() == n, "{family}");
        let sense = match family {
            "water-filling" => "maximize",
            _ => "minimize",
        };
        assert!(file[sense].is_string(), "{family}: {sense}");
        let constraints = file["constraints"].as_array().unwrap();
        assert_eq!(constraints.len(), 1, "{family}");
        let equation = constraints[0]["equation"].as_str().unwrap();
        let (lower, upper, equation_expected) = match family {
            "simplex" => (Some(Value::from(0.0)), None, "sum(x) = 1"),
            "water-filling" => (Some(Value::from(0.0)), None, "sum(x) = P"),
            "knapsack" => (
                Some(Value::from("l")),
                Some(Value::from("u")),
                "dot(b, x) = c",
            ),
            _ => (None, None, "x[1:] - x[:-1] >= 0"),
        };
        assert_eq!(equation, equation_expected);
        assert_eq!(x.get("lower").cloned(), lower, "{family}");
        assert_eq!(x.get("upper").cloned(), upper, "{family}");
        // Every vector parameter has n entries (the file stays small: the
        // expressions are vector operations, so only the data grow with n).
        for (name, value) in file["parameters"].as_object().unwrap() {
            if value.is_array() {
                assert_eq!(numbers(value).len(), n, "{family}: {name}");
            } else {
                assert!(value.is_number(), "{family}: {name}");
            }
        }
        let expressions = file[sense].as_str().unwrap().len() + equation.len();
        assert!(
            expressions < 100,
            "{family}: expressions {expressions} chars"
        );

        let expected = file["expected"].as_object().unwrap();
        let mut keys: Vec<&str> = expected.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let with_bounds = family != "isotonic";
        let mut wanted = vec!["multipliers", "objective", "tolerance", "x"];
        if with_bounds {
            wanted.insert(0, "bound_multipliers");
        }
        assert_eq!(keys, wanted, "{family}");
        assert_eq!(expected["objective"].as_f64(), Some(g.objective));
        assert_eq!(numbers(&expected["x"]["x"]), g.x[0].1, "{family}");
        let multipliers = expected["multipliers"].as_array().unwrap();
        assert_eq!(multipliers.len(), 1, "one entry per constraint");
        let flat = if family == "isotonic" {
            numbers(&multipliers[0])
        } else {
            vec![multipliers[0].as_f64().expect("a scalar equation's number")]
        };
        assert_eq!(Some(flat), g.multipliers, "{family}");
        if with_bounds {
            let z = numbers(&expected["bound_multipliers"]["x"]);
            assert_eq!(z.len(), n);
            assert_eq!(g.bound_multipliers.as_ref().unwrap()[0].1, z, "{family}");
        } else {
            assert!(g.bound_multipliers.is_none());
        }
    }
}

#[test]
fn families_are_listed_and_small_sizes_refused() {
    for family in INEQUALITY_FAMILIES {
        assert!(FAMILIES.contains(&family));
        let message = FamilyError::UnknownFamily("nope".into()).to_string();
        assert!(message.contains(family), "{message}");
    }
    for (family, min) in [
        ("simplex", 2),
        ("water-filling", 2),
        ("knapsack", 3),
        ("isotonic", 2),
    ] {
        assert!(generate(family, min).is_ok(), "{family}");
        assert_eq!(
            generate(family, min - 1).unwrap_err(),
            FamilyError::TooSmall {
                family,
                min,
                n: min - 1
            }
        );
    }
}

/// `lagrange ARGS`: exit status, standard output, standard error.
fn lagrange(args: &[&str]) -> (Option<i32>, String, String) {
    let run = lagrange_test_support::cli::run(args);
    (run.code, run.stdout, run.stderr)
}

#[test]
fn the_command_line_generates_and_lists_them() {
    let (code, help, _) = lagrange(&["generate", "--help"]);
    assert_eq!(code, Some(0));
    for family in INEQUALITY_FAMILIES {
        assert!(
            help.contains(family),
            "generate --help lacks {family}: {help}"
        );
        let (code, stdout, stderr) = lagrange(&["generate", family, "--n", "7"]);
        assert_eq!(code, Some(0), "{stderr}");
        let value: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(value, generate(family, 7).unwrap().file, "{family}");
    }
    let (code, _, stderr) = lagrange(&["generate", "knapsack", "--n", "2"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("family 'knapsack' needs n >= 3, got 2"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------
// Solving the files.

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "lagrange-families-inequalities-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes every inequality family at n = 10, 100, 1000 (`families` only)
/// and returns the paths.
fn family_files(test: &str, families: &[&str]) -> Vec<String> {
    let dir = scratch(test);
    let mut paths = Vec::new();
    for family in families {
        for n in [10, 100, 1000] {
            let path = dir.join(format!("{family}-{n}.json"));
            let text = serde_json::to_string(&generate(family, n).unwrap().file).unwrap();
            std::fs::write(&path, text).unwrap();
            paths.push(path.to_str().unwrap().to_string());
        }
    }
    paths
}

/// `lagrange check` with `options` on `paths`: every file converges and
/// matches.
fn assert_check_passes(paths: &[String], options: &[&str]) {
    let mut args = vec!["check"];
    args.extend_from_slice(options);
    args.extend(paths.iter().map(String::as_str));
    let (code, stdout, stderr) = lagrange(&args);
    let files = paths.len();
    assert_eq!(code, Some(0), "{options:?}\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("{files} files: {files} passed, 0 failed")),
        "{stdout}"
    );
}

/// `lagrange check` on every inequality family at three sizes: it loads the
/// bounds and the `>=` row, solves, and compares the objective, x, the
/// multipliers and the bound multipliers with `expected`, with each barrier
/// rule.
#[test]
fn generated_inequality_files_solve_to_their_closed_forms() {
    let all = family_files("check", &INEQUALITY_FAMILIES);
    assert_check_passes(&all, &["--barrier", "monotone"]);
    assert_check_passes(&all, &["--barrier", "adaptive"]);
}

// ---------------------------------------------------------------------------
// The solver on hand-coded problems: the same four problems stated through
// `NlpProblem` with derivatives written by hand (no file grammar needed), so
// the closed forms' multiplier signs meet the solver's.

use faer::MatMut;
use lagrange::solver::{solve, Barrier, NlpProblem, Sense, Settings, Status};

/// One of the four families, its data read from the generated file.
struct HandCoded {
    family: &'static str,
    n: usize,
    start: Vec<f64>,
    /// a (simplex, knapsack), alpha (water-filling), y (isotonic).
    a: Vec<f64>,
    d: Vec<f64>,
    b: Vec<f64>,
    rhs: f64,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl HandCoded {
    fn new(family: &'static str, n: usize) -> Self {
        let generated = generate(family, n).unwrap();
        let file = File(&generated.file);
        let start = match &generated.file["variables"][0]["start"] {
            Value::Array(_) => numbers(&generated.file["variables"][0]["start"]),
            v => vec![v.as_f64().unwrap(); n],
        };
        let (ones, inf) = (vec![1.0; n], vec![f64::INFINITY; n]);
        let (a, d, b, rhs, lower, upper) = match family {
            "simplex" => (file.param("a"), ones.clone(), ones, 1.0, vec![0.0; n], inf),
            "water-filling" => {
                let p = file.scalar("P");
                (
                    file.param("alpha"),
                    ones.clone(),
                    ones,
                    p,
                    vec![0.0; n],
                    inf,
                )
            }
            "knapsack" => (
                file.param("a"),
                file.param("d"),
                file.param("b"),
                file.scalar("c"),
                file.param("l"),
                file.param("u"),
            ),
            _ => (
                file.param("y"),
                ones.clone(),
                ones,
                0.0,
                vec![-1e20; n],
                inf,
            ),
        };
        Self {
            family,
            n,
            start,
            a,
            d,
            b,
            rhs,
            lower,
            upper,
        }
    }

    fn isotonic(&self) -> bool {
        self.family == "isotonic"
    }
}

impl NlpProblem for HandCoded {
    fn num_variables(&self) -> usize {
        self.n
    }
    fn num_constraints(&self) -> usize {
        if self.isotonic() {
            self.n - 1
        } else {
            1
        }
    }
    fn sense(&self) -> Sense {
        if self.family == "water-filling" {
            Sense::Maximize
        } else {
            Sense::Minimize
        }
    }
    fn start(&self) -> Vec<f64> {
        self.start.clone()
    }
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.copy_from_slice(&self.lower);
        upper.copy_from_slice(&self.upper);
    }
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.fill(0.0);
        upper.fill(if self.isotonic() { f64::INFINITY } else { 0.0 });
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        (0..self.n)
            .map(|i| match self.family {
                "water-filling" => (self.a[i] + x[i]).ln(),
                _ => 0.5 * self.d[i] * (x[i] - self.a[i]).powi(2),
            })
            .sum()
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        for i in 0..self.n {
            grad[i] = match self.family {
                "water-filling" => 1.0 / (self.a[i] + x[i]),
                _ => self.d[i] * (x[i] - self.a[i]),
            };
        }
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        if self.isotonic() {
            for k in 0..self.n - 1 {
                values[k] = x[k + 1] - x[k];
            }
        } else {
            values[0] = dot(&self.b, x) - self.rhs;
        }
    }
    fn jacobian(&mut self, _x: &[f64], mut jac: MatMut<'_, f64>) {
        jac.fill(0.0);
        if self.isotonic() {
            for k in 0..self.n - 1 {
                jac[(k, k)] = -1.0;
                jac[(k, k + 1)] = 1.0;
            }
        } else {
            for i in 0..self.n {
                jac[(0, i)] = self.b[i];
            }
        }
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        _lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        // The constraints are linear: only f contributes.
        hess.fill(0.0);
        for i in 0..self.n {
            hess[(i, i)] = objective_factor
                * match self.family {
                    "water-filling" => -1.0 / (self.a[i] + x[i]).powi(2),
                    _ => self.d[i],
                };
        }
    }
}

/// Solves the hand-coded `family` at size n and compares with the file's
/// closed form.
fn solve_hand_coded(family: &'static str, n: usize) {
    // The monotone barrier: the default one has an open failure on the
    // knapsack (see `knapsack_files_solve_with_the_default_barrier`).
    let settings = Settings::builder()
        .tolerance(1e-10)
        .barrier(Barrier::Monotone)
        .build()
        .unwrap();
    let generated = generate(family, n).unwrap();
    let file = File(&generated.file);
    let mut problem = HandCoded::new(family, n);
    let s = solve(&mut problem, &settings);
    let what = format!("{family} n={n}");
    assert_eq!(s.status, Status::Converged, "{what}: {}", s.message);
    assert_close_all(&format!("{what} x"), &s.x, &file.x(), 1e-7);
    assert_close(
        &format!("{what} objective"),
        s.objective,
        file.objective(),
        1e-9,
    );
    let lambda = if family == "isotonic" {
        file.lambdas()
    } else {
        vec![file.lambda()]
    };
    assert_close_all(
        &format!("{what} multipliers"),
        &s.multipliers,
        &lambda,
        1e-6,
    );
    if family != "isotonic" {
        let z = file.z();
        assert_close_all(
            &format!("{what} bound multipliers"),
            &s.bound_multipliers,
            &z,
            1e-6,
        );
    }
}

#[test]
fn the_interior_point_solver_finds_the_closed_forms_of_hand_coded_problems() {
    for family in ["water-filling", "knapsack", "isotonic"] {
        for n in [10, 100] {
            solve_hand_coded(family, n);
        }
    }
    solve_hand_coded("simplex", 10);
}

/// The simplex's free xⱼ are about 2/n: their bound multipliers μ/xⱼ are
/// reported as 0 (inactive), which leaves stationarity off by about
/// μ/min xⱼ, so μ must fall below tol/10 (to tol²) at tol = 1e-10.
#[test]
fn the_interior_point_solver_projects_onto_the_simplex_at_n_100() {
    solve_hand_coded("simplex", 100);
}
