//! Each tensor op with matrix operands, differentiated with respect to all
//! of them at once: eager gradient, tape gradient, tape HVP and Hessian
//! against central finite differences.

use faer::Mat;
use lagrange::autodiff::{Tape, Tensor};

/// Inputs as (shape, values).
type Inputs = Vec<(Vec<usize>, Vec<f64>)>;

fn split(flat: &[f64], inputs: &Inputs) -> Vec<Tensor> {
    let mut off = 0;
    inputs
        .iter()
        .map(|(shape, v)| {
            let t = Tensor::from_shape(shape, flat[off..off + v.len()].to_vec());
            off += v.len();
            t
        })
        .collect()
}

/// Checks the first and second derivatives of the scalar `f` at `inputs`.
fn check(name: &str, inputs: Inputs, f: impl Fn(&[Tensor]) -> Tensor) {
    let flat: Vec<f64> = inputs.iter().flat_map(|(_, v)| v.clone()).collect();
    let n = flat.len();
    let value = |z: &[f64]| f(&split(z, &inputs)).item();
    let h = 1e-5;
    let fd: Vec<f64> = (0..n)
        .map(|i| {
            let (mut a, mut b) = (flat.clone(), flat.clone());
            a[i] += h;
            b[i] -= h;
            (value(&a) - value(&b)) / (2.0 * h)
        })
        .collect();
    let scale = fd.iter().fold(1.0f64, |m, v| m.max(v.abs()));

    let ts: Vec<Tensor> = split(&flat, &inputs)
        .into_iter()
        .map(Tensor::requires_grad)
        .collect();
    let y = f(&ts);
    let refs: Vec<&Tensor> = ts.iter().collect();
    let mut tape = Tape::record(&refs, &[&y]).unwrap();
    y.backward().unwrap();
    let eager: Vec<f64> = ts.iter().flat_map(|t| t.grad().unwrap()).collect();
    let mut g = vec![0.0; n];
    tape.vjp(&[1.0], &mut g);
    for i in 0..n {
        assert!(
            (eager[i] - fd[i]).abs() < 1e-6 * scale,
            "{name}: eager ∂f/∂x{i} = {} vs {}",
            eager[i],
            fd[i]
        );
        assert!(
            (g[i] - eager[i]).abs() < 1e-12 * scale,
            "{name}: tape vs eager at {i}"
        );
    }

    // Hessian against finite differences of the tape gradient.
    let mut hess = Mat::<f64>::zeros(n, n);
    tape.hessian(&[1.0], hess.as_mut());
    let mut t2 = tape.clone();
    let mut grad_at = |z: &[f64]| {
        let mut gz = vec![0.0; n];
        t2.gradient(z, &mut gz);
        gz
    };
    let mut hscale = 1.0f64;
    let mut cols = Vec::new();
    for j in 0..n {
        let (mut a, mut b) = (flat.clone(), flat.clone());
        a[j] += h;
        b[j] -= h;
        let (ga, gb) = (grad_at(&a), grad_at(&b));
        let col: Vec<f64> = (0..n).map(|i| (ga[i] - gb[i]) / (2.0 * h)).collect();
        hscale = col.iter().fold(hscale, |m, v| m.max(v.abs()));
        cols.push(col);
    }
    for (j, col) in cols.iter().enumerate() {
        for i in 0..n {
            assert!(
                (hess[(i, j)] - col[i]).abs() < 1e-6 * hscale,
                "{name}: H[{i},{j}] = {} vs {}",
                hess[(i, j)],
                col[i]
            );
        }
    }
}

fn vals(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| ((i as f64 + 1.0) * seed).sin()).collect()
}

#[test]
fn matrix_matrix_product_in_both_operands() {
    check(
        "sum(sin(A B))",
        vec![(vec![2, 3], vals(6, 0.7)), (vec![3, 4], vals(12, 1.3))],
        |t| t[0].matmul(&t[1]).sin().sum(),
    );
}

#[test]
fn vector_matrix_and_matrix_vector_products() {
    check(
        "vector·matrix, matrix·vector, vector·vector",
        vec![
            (vec![3], vals(3, 0.9)),
            (vec![3, 2], vals(6, 0.4)),
            (vec![2], vals(2, 2.1)),
        ],
        |t| {
            let xb = t[0].matmul(&t[1]); // [2]
            let bv = t[1].matmul(&t[2]); // [3]
            xb.tanh().dot(&t[2]) + bv.dot(&t[0]).powf(2.0) + t[0].matmul(&t[0])
        },
    );
}

#[test]
fn transpose_concat_slice_index_reshape_of_matrices() {
    check(
        "stacked and transposed matrices",
        vec![(vec![2, 3], vals(6, 0.3)), (vec![1, 3], vals(3, 1.7))],
        |t| {
            let s = Tensor::concat(&[&t[0], &t[1]]); // [3, 3]
            let st = s.t();
            let rows = st.slice(1, 3).reshape(&[6]); // rows 1..3 of sᵀ
            let r = s.index(-1); // last row [3]
            (rows.exp() * 0.1).sum() + r.norm() * st.index(0).index(2) + s.mean()
        },
    );
}

#[test]
fn broadcasting_with_dynamic_scalars() {
    check(
        "scalar-vector broadcasts",
        vec![(vec![], vec![0.7]), (vec![4], vals(4, 0.8))],
        |t| {
            let a = &t[0] * &t[1] - &t[1] / (&t[0] + 2.0);
            let b = (&t[1] + 3.0).pow(&t[0]);
            let c = t[0].pow(&(&t[1] * 0.5)).log();
            (a + b + c).sum() + (&t[0] - &t[1]).abs().sum()
        },
    );
}

#[test]
fn log_determinant_with_other_ops() {
    check(
        "logdet(A Aᵀ + I)",
        vec![(vec![3, 3], vals(9, 0.6))],
        |t| {
            let eye = Tensor::matrix(3, 3, vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
            (t[0].matmul(&t[0].t()) + eye).logdet()
        },
    );
}

#[test]
fn elementary_functions_on_matrices() {
    check(
        "unary functions",
        vec![(vec![2, 2], vec![0.3, -0.4, 0.9, 0.2])],
        |t| {
            let x = &t[0];
            let pos = x * x + 1.0;
            (x.sin() + x.cos() + (x * 0.5).tan() + x.tanh() + pos.sqrt() + pos.log() + x.exp()
                - (1.0 / pos.clone())
                + (2.0 - x) * 3.0
                + x.powf(3.0)
                - -x)
                .sum()
        },
    );
}

/// Every function of the op table, each alone and on one shared input, so a
/// wrong rule is named: eager and tape gradients, HVPs and Hessians against
/// central differences.
#[test]
fn every_table_function() {
    use lagrange::autodiff::Elementwise;
    for &e in Elementwise::ALL {
        // Inside every domain: log and sqrt need x > 0, log1p x > −1.
        let x0 = vec![0.35, 1.2, 0.8, 0.05];
        check(e.name(), vec![(vec![2, 2], x0)], |t| {
            let y = t[0].elementwise(e);
            // A nonlinear outer function so that f'' meets f'.
            (&y * &y + &y * &t[0]).sum()
        });
    }
}

/// The functions added with the op table, against their closed forms
/// (sigmoid' = s(1 − s), atan' = 1/(1 + x²), log1p' = 1/(1 + x),
/// expm1' = eˣ) through the eager graph, and their names on the graph.
#[test]
fn new_functions_match_closed_forms() {
    let xs = vec![-2.0, -0.3, 0.0, 0.7, 3.0];
    let x = Tensor::vector(xs.clone()).requires_grad();
    let f = (x.sigmoid() + x.atan() + (&x * 0.25).log1p() + x.expm1()).sum();
    f.backward().unwrap();
    let g = x.grad().unwrap();
    for (i, &v) in xs.iter().enumerate() {
        let s = 1.0 / (1.0 + (-v).exp());
        let want = s * (1.0 - s) + 1.0 / (1.0 + v * v) + 0.25 / (1.0 + 0.25 * v) + v.exp();
        assert!((g[i] - want).abs() < 1e-14 * want.abs().max(1.0), "at {v}");
    }
    assert_eq!(x.sigmoid().grad_fn(), Some("SigmoidBackward"));
    assert_eq!(x.log1p().grad_fn(), Some("Log1pBackward"));
    assert_eq!(x.expm1().grad_fn(), Some("Expm1Backward"));
    assert_eq!(x.atan().grad_fn(), Some("AtanBackward"));
}
