//! Sparse test problems with hand-written derivatives and sparsity patterns
//! (shared by tests/solver_sparse.rs and examples/sparse_scaling.rs), each
//! with its closed-form solution.
use lagrange::solver::Sense;

use crate::closure::pattern;
use crate::{Closure, Sparsity};

/// Projection of t onto the chain of overlapping linear constraints
/// xᵢ + xᵢ₊₁ = 2cᵢ (i < n − 1): minimize ½‖x − t‖².
///
/// The feasible set is the line p + s v with v = (1, −1, 1, …) and p the
/// particular solution with p₀ = 0, so x* = p + s* v with s* = (t − p)·v / n,
/// and λ* solves Aᵀλ = x* − t (bidiagonal: λ₀ = x₀ − t₀, λᵢ = (xᵢ − tᵢ) − λᵢ₋₁).
pub fn projection_chain(n: usize) -> Closure {
    assert!(n >= 2);
    let m = n - 1;
    let t: Vec<f64> = (0..n).map(|i| (0.3 * i as f64).sin() + 0.5).collect();
    let c: Vec<f64> = (0..m)
        .map(|i| 1.0 + 0.25 * (0.7 * i as f64).cos())
        .collect();
    let mut p = vec![0.0; n];
    for i in 0..m {
        p[i + 1] = 2.0 * c[i] - p[i];
    }
    let v: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let s = (0..n).map(|i| (t[i] - p[i]) * v[i]).sum::<f64>() / n as f64;
    let x_star: Vec<f64> = (0..n).map(|i| p[i] + s * v[i]).collect();
    let mut lambda_star = vec![0.0; m];
    for i in 0..m {
        let prev = if i == 0 { 0.0 } else { lambda_star[i - 1] };
        lambda_star[i] = (x_star[i] - t[i]) - prev;
    }
    let f_star = 0.5 * (0..n).map(|i| (x_star[i] - t[i]).powi(2)).sum::<f64>();
    let (t1, t2, c1) = (t.clone(), t.clone(), c.clone());
    Closure {
        n,
        m,
        sense: Sense::Minimize,
        start: vec![0.0; n],
        f: Box::new(move |x| {
            0.5 * x
                .iter()
                .zip(&t1)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        }),
        grad: Box::new(move |x, g| {
            for i in 0..x.len() {
                g[i] = x[i] - t2[i];
            }
        }),
        cons: Box::new(move |x, g| {
            for i in 0..g.len() {
                g[i] = x[i] + x[i + 1] - 2.0 * c1[i];
            }
        }),
        sparsity: Some(Sparsity {
            jac_pattern: pattern(m, n, (0..m).flat_map(|i| [(i, i), (i, i + 1)])),
            hess_pattern: pattern(n, n, (0..n).map(|i| (i, i))),
            jac: Box::new(|_, v| v.fill(1.0)),
            hess: Box::new(|_, sigma, _, h| h.fill(sigma)),
            offered: true,
        }),
        x_star,
        lambda_star,
        f_star,
        ..Default::default()
    }
}

/// Minimize Σ xᵢ⁴ on the unit sphere Σ xᵢ² = 1 from a positive start:
/// x* = 1/√n, f* = 1/n, λ* = 2/n (∇f = 4x³ = λ·2x); the reduced Hessian
/// (12/n − 4/n) I is positive definite: a minimum.
pub fn quartic_sphere(n: usize) -> Closure {
    let start: Vec<f64> = (0..n).map(|i| 1.0 + 0.5 * (i as f64).sin().abs()).collect();
    Closure {
        n,
        m: 1,
        sense: Sense::Minimize,
        start,
        f: Box::new(|x| x.iter().map(|v| v.powi(4)).sum()),
        grad: Box::new(|x, g| {
            for i in 0..x.len() {
                g[i] = 4.0 * x[i].powi(3);
            }
        }),
        cons: Box::new(|x, g| g[0] = x.iter().map(|v| v * v).sum::<f64>() - 1.0),
        sparsity: Some(Sparsity {
            jac_pattern: pattern(1, n, (0..n).map(|j| (0, j))),
            hess_pattern: pattern(n, n, (0..n).map(|i| (i, i))),
            jac: Box::new(|x, v| {
                for i in 0..x.len() {
                    v[i] = 2.0 * x[i];
                }
            }),
            hess: Box::new(|x, sigma, lambda, h| {
                for i in 0..x.len() {
                    h[i] = sigma * 12.0 * x[i] * x[i] - 2.0 * lambda[0];
                }
            }),
            offered: true,
        }),
        x_star: vec![1.0 / (n as f64).sqrt(); n],
        lambda_star: vec![2.0 / n as f64],
        f_star: 1.0 / n as f64,
        ..Default::default()
    }
}

/// Maximize the entropy −Σ xᵢ log xᵢ subject to Σ xᵢ = 1: x* = 1/n,
/// f* = log n, λ* = log n − 1; a maximum.
pub fn entropy(n: usize) -> Closure {
    let start: Vec<f64> = (0..n)
        .map(|i| (1.0 + 0.5 * (i as f64 * 0.37).sin()) / n as f64)
        .collect();
    let ln = (n as f64).ln();
    Closure {
        n,
        m: 1,
        sense: Sense::Maximize,
        start,
        f: Box::new(|x| -x.iter().map(|v| v * v.ln()).sum::<f64>()),
        grad: Box::new(|x, g| {
            for i in 0..x.len() {
                g[i] = -x[i].ln() - 1.0;
            }
        }),
        cons: Box::new(|x, g| g[0] = x.iter().sum::<f64>() - 1.0),
        sparsity: Some(Sparsity {
            jac_pattern: pattern(1, n, (0..n).map(|j| (0, j))),
            hess_pattern: pattern(n, n, (0..n).map(|i| (i, i))),
            jac: Box::new(|_, v| v.fill(1.0)),
            hess: Box::new(|x, sigma, _, h| {
                for i in 0..x.len() {
                    h[i] = -sigma / x[i];
                }
            }),
            offered: true,
        }),
        x_star: vec![1.0 / n as f64; n],
        lambda_star: vec![ln - 1.0],
        f_star: ln,
        ..Default::default()
    }
}

/// A chain with a tridiagonal Hessian: minimize Σᵢ cosh(xᵢ₊₁ − xᵢ) subject to
/// x₀ = 0 and xₙ₋₁ = L. By convexity and symmetry every link has the same
/// length d = L/(n − 1): x*ᵢ = i d, f* = (n − 1) cosh d, and the multipliers
/// (d f*/d rhs) are λ₀ = −sinh d, λ₁ = sinh d.
pub fn cosh_chain(n: usize) -> Closure {
    assert!(n >= 3);
    let span = 2.0;
    let d = span / (n - 1) as f64;
    let start: Vec<f64> = (0..n).map(|i| 0.3 * (i as f64 * 0.9).sin()).collect();
    let hess_entries = (0..n).flat_map(move |i| {
        let below = (i + 1 < n).then_some((i + 1, i));
        std::iter::once((i, i)).chain(below)
    });
    Closure {
        n,
        m: 2,
        sense: Sense::Minimize,
        start,
        f: Box::new(|x| x.windows(2).map(|w| (w[1] - w[0]).cosh()).sum()),
        grad: Box::new(|x, g| {
            g.fill(0.0);
            for i in 0..x.len() - 1 {
                let s = (x[i + 1] - x[i]).sinh();
                g[i] -= s;
                g[i + 1] += s;
            }
        }),
        cons: Box::new(move |x, g| {
            g[0] = x[0];
            g[1] = x[x.len() - 1] - span;
        }),
        sparsity: Some(Sparsity {
            jac_pattern: pattern(2, n, [(0, 0), (1, n - 1)].into_iter()),
            hess_pattern: pattern(n, n, hess_entries),
            jac: Box::new(|_, v| v.fill(1.0)),
            hess: Box::new(|x, sigma, _, h| {
                // Entries in pattern order: (i, i) then (i + 1, i).
                let n = x.len();
                let mut k = 0;
                for i in 0..n {
                    let left = if i > 0 { (x[i] - x[i - 1]).cosh() } else { 0.0 };
                    let right = if i + 1 < n {
                        (x[i + 1] - x[i]).cosh()
                    } else {
                        0.0
                    };
                    h[k] = sigma * (left + right);
                    k += 1;
                    if i + 1 < n {
                        h[k] = -sigma * right;
                        k += 1;
                    }
                }
            }),
            offered: true,
        }),
        x_star: (0..n).map(|i| i as f64 * d).collect(),
        lambda_star: vec![-d.sinh(), d.sinh()],
        f_star: (n - 1) as f64 * d.cosh(),
        ..Default::default()
    }
}
