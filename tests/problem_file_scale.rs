//! Large files: loading and evaluating grow linearly with the size.

use std::path::Path;
use std::time::{Duration, Instant};

use lagrange::problem_file::encode_npy;
use lagrange::problem_file::with_large_stack;
use lagrange::problem_file::{load, load_str, Dense};
use lagrange::solver::NlpProblem;

/// A chain problem with n variables written with vector operations.
fn vector_problem(dir: &Path, n: usize) -> std::path::PathBuf {
    let mut a = vec![0.0; 2 * n];
    for j in 0..n {
        a[j] = 1.0;
        a[n + j] = (j % 7) as f64;
    }
    std::fs::write(
        dir.join(format!("A{n}.npy")),
        encode_npy(&Dense::matrix(2, n, a)),
    )
    .unwrap();
    let text = serde_json::json!({
        "variables": [{"name": "x", "size": n, "start": 0.5}],
        "parameters": {"A": {"npy": format!("A{n}.npy")}, "b": [1.0, 2.0], "h": 0.001},
        "minimize": "sum(x^4) + 0.5 * dot(x, x)",
        "constraints": ["x[1:] - x[:-1] = h", "A @ x = b"]
    });
    let path = dir.join(format!("chain{n}.json"));
    std::fs::write(&path, text.to_string()).unwrap();
    path
}

/// Time to load, compile and evaluate f, ∇f and g once.
fn load_and_evaluate(path: &Path, n: usize) -> Duration {
    let started = Instant::now();
    let def = load(path).unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(def.num_variables(), n);
    assert_eq!(def.num_constraints(), n + 1);
    let mut problem = lagrange::problem_file::compile(&def).unwrap();
    let x = def.start();
    let f = problem.objective(&x);
    assert!((f - n as f64 * (0.0625 + 0.125)).abs() < 1e-9 * f);
    let mut grad = vec![0.0; n];
    problem.gradient(&x, &mut grad);
    assert!((grad[0] - (4.0 * 0.125 + 0.5)).abs() < 1e-12);
    let mut g = vec![0.0; n + 1];
    problem.constraints(&x, &mut g);
    assert!((g[0] + 0.001).abs() < 1e-12);
    started.elapsed()
}

#[test]
fn vector_files_load_and_evaluate_in_linear_time() {
    let dir = std::env::temp_dir().join(format!("lagrange-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let small = vector_problem(&dir, 10_000);
    let large = vector_problem(&dir, 100_000);
    // Warm up, then take the best of three runs of each size. A complexity
    // check, not a speed target: linear gives ~10, quadratic ~100; the bound
    // sits between them with room for a loaded machine (speed itself is
    // benchmarked, not tested).
    let _ = load_and_evaluate(&small, 10_000);
    let t_small = (0..3)
        .map(|_| load_and_evaluate(&small, 10_000))
        .min()
        .unwrap();
    let t_large = (0..3)
        .map(|_| load_and_evaluate(&large, 100_000))
        .min()
        .unwrap();
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    eprintln!("n = 1e4: {t_small:?}, n = 1e5: {t_large:?}, ratio {ratio:.1} (linear: 10)");
    assert!(ratio < 40.0, "10x the size took {ratio:.1}x the time");
}

#[test]
fn ten_thousand_scalar_constraints_load_fast() {
    let n = 10_000;
    let variables: Vec<_> = (0..n)
        .map(|i| serde_json::json!({"name": format!("x{i}"), "start": 1.0}))
        .collect();
    let constraints: Vec<_> = (0..n - 1)
        .map(|i| serde_json::Value::from(format!("x{} + 2 * x{} = {}", i, i + 1, i % 10)))
        .collect();
    let objective = (0..n)
        .map(|i| format!("x{i}^2"))
        .collect::<Vec<_>>()
        .join(" + ");
    let text = serde_json::json!({"variables": variables, "minimize": objective, "constraints": constraints}).to_string();
    // The best of three loads. The target (well under a second in release)
    // is a benchmark; this bound, in a debug build on a possibly loaded
    // machine, only catches a quadratic blow-up (minutes at this size).
    let mut best = Duration::MAX;
    let mut def = None;
    for _ in 0..3 {
        let started = Instant::now();
        def = Some(with_large_stack(|| load_str(Path::new("many.json"), &text)).unwrap());
        best = best.min(started.elapsed());
    }
    let def = def.unwrap();
    eprintln!("load of {n} scalar constraints: {best:?}");
    assert_eq!(def.num_constraints(), n - 1);
    assert!(best < Duration::from_secs(5), "{best:?}");
    let x = def.start();
    assert_eq!(def.evaluate_constraints(&x)[3], 3.0 - 3.0);
}
