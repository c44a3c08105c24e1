//! Sparse derivatives of every problem file in `problems/`: the compressed
//! Jacobian and Hessian of the Lagrangian equal the dense tape's (one unit
//! direction per column) at a point near the start, every dense nonzero is
//! in the detected pattern, and the sweeps never exceed the dense ones.

use faer::Mat;
use lagrange::problem_file::compile::compile;
use lagrange::problem_file::{load, load_str, Definition};
use lagrange::solver::NlpProblem;
use std::path::{Path, PathBuf};

fn problem_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn compressed_derivatives_of_problem_files_equal_dense() {
    let files = problem_files();
    assert!(!files.is_empty(), "no problem files found");
    for path in &files {
        let def = load(path).unwrap_or_else(|e| panic!("{}", e.render()));
        let name = path.file_name().unwrap().to_string_lossy();
        check_compressed_equals_dense(&name, &def);
    }
}

/// The generated families at a size where colorings are non-trivial (the
/// chain's link constraints overlap in pairs, the Rayleigh quotient is
/// tridiagonal).
#[test]
fn compressed_derivatives_of_families_equal_dense() {
    // The inequality families load once the bound and inequality grammar
    // lands: tests/families_inequalities.rs.
    for family in lagrange::families::EQUALITY_FAMILIES {
        let generated = lagrange::families::generate(family, 40).unwrap();
        let text = serde_json::to_string(&generated.file).unwrap();
        let def = load_str(Path::new(family), &text).unwrap_or_else(|e| panic!("{}", e.render()));
        check_compressed_equals_dense(family, &def);
    }
}

fn check_compressed_equals_dense(name: &str, def: &Definition) {
    {
        let mut c = compile(def).unwrap_or_else(|e| panic!("{}", e.render()));
        let (n, m) = (c.num_variables(), c.num_constraints());
        let mut x = c.start();
        for (k, v) in x.iter_mut().enumerate() {
            *v += 0.01 * ((k as f64) * 0.7).sin() * v.abs().max(0.1);
        }
        let lambda: Vec<f64> = (0..m).map(|k| 0.5 * ((k as f64) * 1.3).cos()).collect();
        let sigma = 1.0;

        let mut tape = c.tape().clone();
        tape.forward(&x);
        let mut all = Mat::zeros(tape.num_outputs(), n);
        tape.jacobian(all.as_mut());
        let mut seed = vec![0.0; tape.num_outputs()];
        seed[0] = sigma;
        for i in 0..m {
            seed[1 + i] = -lambda[i];
        }
        let mut hd = Mat::zeros(n, n);
        tape.hessian(&seed, hd.as_mut());

        let report = c
            .sparsity_report()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let jp = c.jacobian_pattern().unwrap();
        let hp = c.hessian_pattern().unwrap();
        let mut jv = vec![0.0; jp.nnz()];
        c.jacobian_values(&x, &mut jv);
        let mut hv = vec![0.0; hp.nnz()];
        c.hessian_values(&x, sigma, &lambda, &mut hv);

        let mut js = Mat::<f64>::zeros(m, n);
        let mut jmask = vec![false; m * n];
        for ((&r, &col), &v) in jp.rows.iter().zip(&jp.cols).zip(&jv) {
            js[(r, col)] = v;
            jmask[r * n + col] = true;
        }
        let mut hs = Mat::<f64>::zeros(n, n);
        let mut hmask = vec![false; n * n];
        for ((&r, &col), &v) in hp.rows.iter().zip(&hp.cols).zip(&hv) {
            assert!(r >= col, "{name}: Hessian entry above the diagonal");
            hs[(r, col)] = v;
            hs[(col, r)] = v;
            hmask[r * n + col] = true;
            hmask[col * n + r] = true;
        }
        let scale_j = 1.0
            + (0..m)
                .map(|i| (0..n).map(|j| all[(1 + i, j)].abs()).fold(0.0, f64::max))
                .fold(0.0, f64::max);
        let scale_h = 1.0
            + (0..n)
                .map(|i| (0..n).map(|j| hd[(i, j)].abs()).fold(0.0, f64::max))
                .fold(0.0, f64::max);
        for i in 0..m {
            for j in 0..n {
                let want = all[(1 + i, j)];
                assert!(
                    want == 0.0 || jmask[i * n + j],
                    "{name}: J[{i},{j}] = {want} missed"
                );
                assert!(
                    (js[(i, j)] - want).abs() <= 1e-11 * scale_j,
                    "{name}: J[{i},{j}] sparse {} dense {want}",
                    js[(i, j)]
                );
            }
        }
        for i in 0..n {
            for j in 0..n {
                let want = hd[(i, j)];
                assert!(
                    want == 0.0 || hmask[i * n + j],
                    "{name}: H[{i},{j}] = {want} missed"
                );
                assert!(
                    (hs[(i, j)] - want).abs() <= 1e-10 * scale_h,
                    "{name}: H[{i},{j}] sparse {} dense {want}",
                    hs[(i, j)]
                );
            }
        }
        assert!(report.jacobian_sweeps() <= m.max(1), "{name}: {report}");
        assert!(report.hessian_sweeps() <= n, "{name}: {report}");
        eprintln!("{name:32} n={n:5} m={m:5} {report}");
    }
}
