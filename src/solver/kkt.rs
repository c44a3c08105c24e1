//! Assembly of the regularized KKT matrix
//!
//! ```text
//! K(δ, γ) = [ W + δI   Jᵀ  ]
//!           [ J       −γI  ]
//! ```
//!
//! (lower triangle only) into a matrix allocated once. W is the Hessian of
//! the (scaled) Lagrangian, J the (scaled) constraint Jacobian. With
//! unknowns (d, −y⁺) and right-hand side −(∇φ, c) it is the Newton step on
//! ∇φ − Jᵀy = 0, c = 0.

use faer::{Mat, MatRef};

/// The KKT matrix workspace for n variables and m constraints.
#[derive(Debug)]
pub struct KktMatrix {
    n: usize,
    m: usize,
    matrix: Mat<f64>,
}

impl KktMatrix {
    /// Allocates an (n + m) × (n + m) matrix.
    pub fn new(n: usize, m: usize) -> Self {
        KktMatrix {
            n,
            m,
            matrix: Mat::zeros(n + m, n + m),
        }
    }

    /// Writes K(δ, γ) from W (n × n, lower triangle read; `None`: W = 0)
    /// and J (m × n).
    pub fn assemble(
        &mut self,
        w: Option<MatRef<'_, f64>>,
        jac: MatRef<'_, f64>,
        delta: f64,
        gamma: f64,
    ) {
        let (n, m) = (self.n, self.m);
        for j in 0..n {
            for i in j..n {
                self.matrix[(i, j)] = w.map_or(0.0, |w| w[(i, j)]);
            }
            self.matrix[(j, j)] += delta;
            for i in 0..m {
                self.matrix[(n + i, j)] = jac[(i, j)];
            }
        }
        for j in 0..m {
            for i in j..m {
                self.matrix[(n + i, n + j)] = 0.0;
            }
            self.matrix[(n + j, n + j)] = -gamma;
        }
    }

    /// Largest magnitude among the entries of the lower triangle.
    pub fn max_abs(&self) -> f64 {
        let d = self.n + self.m;
        let mut max = 0.0f64;
        for j in 0..d {
            for i in j..d {
                max = max.max(self.matrix[(i, j)].abs());
            }
        }
        max
    }

    /// The assembled matrix (lower triangle meaningful).
    pub fn as_ref(&self) -> MatRef<'_, f64> {
        self.matrix.as_ref()
    }
}
