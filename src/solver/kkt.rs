//! Assembly of the regularized KKT matrix
//!
//! ```text
//! K(δ, γ) = [ W + D_x + δI   Jᵀ       ]
//!           [ J             −D_c − γI  ]
//! ```
//!
//! where the diagonals D_x and D_c (see [`Diagonal`]) carry the barrier
//! terms of the interior-point method (zero for equality-only problems).
//!
//! (lower triangle only) into a matrix allocated once. W is the Hessian of
//! the (scaled) Lagrangian, J the (scaled) constraint Jacobian. With
//! unknowns (d, −y⁺) and right-hand side −(∇φ, c) it is the Newton step on
//! ∇φ − Jᵀy = 0, c = 0. The matrix is stored equilibrated, S K S (see
//! [`super::linear::equilibrate`]).

use faer::{Mat, MatRef};

use super::linear::equilibrate;

/// The diagonal terms of K: δ and γ from the inertia correction, and the
/// barrier's diagonals D_x (primal-dual Σ of the bounds, length n) and D_c
/// (the eliminated slacks' 1/(Σₛ + δ), length m). An empty slice means zero.
#[derive(Clone, Copy, Debug, Default)]
pub struct Diagonal<'a> {
    /// δ, added to every diagonal entry of the Hessian block.
    pub delta: f64,
    /// γ, subtracted from every diagonal entry of the constraint block.
    pub gamma: f64,
    /// D_x, added to the Hessian block's diagonal (empty: zero).
    pub primal: &'a [f64],
    /// D_c, subtracted from the constraint block's diagonal (empty: zero).
    pub dual: &'a [f64],
}

impl Diagonal<'_> {
    /// δ and γ only, no barrier terms.
    pub fn regularization(delta: f64, gamma: f64) -> Self {
        Diagonal {
            delta,
            gamma,
            primal: &[],
            dual: &[],
        }
    }
}

/// The KKT matrix workspace for n variables and m constraints.
#[derive(Debug)]
pub struct KktMatrix {
    n: usize,
    m: usize,
    /// S K S, lower triangle.
    matrix: Mat<f64>,
    /// The diagonal of S.
    scale: Vec<f64>,
    /// Row maxima (workspace of the equilibration).
    row_max: Vec<f64>,
    /// Largest magnitude in the stored lower triangle, found while it is
    /// scaled (the pivot tolerances ask for it after every assembly; a
    /// separate pass over the matrix was a visible part of small solves).
    max_abs: f64,
}

impl KktMatrix {
    /// Allocates an (n + m) × (n + m) matrix.
    pub fn new(n: usize, m: usize) -> Self {
        KktMatrix {
            n,
            m,
            matrix: Mat::zeros(n + m, n + m),
            scale: vec![1.0; n + m],
            row_max: vec![0.0; n + m],
            max_abs: 0.0,
        }
    }

    /// Writes K from W (n × n, lower triangle read; `None`: W = 0), J
    /// (m × n) and the diagonal terms.
    pub fn assemble(
        &mut self,
        w: Option<MatRef<'_, f64>>,
        jac: MatRef<'_, f64>,
        diagonal: &Diagonal<'_>,
    ) {
        let (delta, gamma) = (diagonal.delta, diagonal.gamma);
        let (n, m) = (self.n, self.m);
        // Column slices: this runs once per inertia-correction attempt, and
        // on small problems indexed access was a visible part of it.
        for j in 0..n {
            let col = self.matrix.col_as_slice_mut(j);
            match w {
                Some(w) => copy_col(w, j, j..n, &mut col[j..n]),
                None => col[j..n].fill(0.0),
            }
            col[j] += delta;
            if let Some(d) = diagonal.primal.get(j) {
                col[j] += d;
            }
            copy_col(jac, j, 0..m, &mut col[n..n + m]);
        }
        for j in 0..m {
            let col = self.matrix.col_as_slice_mut(n + j);
            col[n + j..].fill(0.0);
            col[n + j] = -gamma;
            if let Some(d) = diagonal.dual.get(j) {
                col[n + j] -= d;
            }
        }
        self.equilibrate();
    }

    /// Replaces K by S K S with Ruiz's symmetric scaling.
    fn equilibrate(&mut self) {
        let d = self.n + self.m;
        equilibrate::sweeps_dense(&mut self.scale, &mut self.row_max, &self.matrix);
        let mut max = 0.0f64;
        for j in 0..d {
            let sj = self.scale[j];
            let col = self.matrix.col_as_slice_mut(j);
            for (v, si) in col[j..].iter_mut().zip(&self.scale[j..]) {
                *v *= si * sj;
                max = max.max(v.abs());
            }
        }
        self.max_abs = max;
    }

    /// The diagonal of S: K z = b is K̃ (S⁻¹ z) = S b.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// (n, m).
    pub fn dims(&self) -> (usize, usize) {
        (self.n, self.m)
    }

    /// Largest magnitude among the entries of the stored (equilibrated)
    /// matrix.
    pub fn max_abs(&self) -> f64 {
        self.max_abs
    }

    /// r −= K̃ z and size += |K̃| |z| for the stored K̃ = S K S (symmetric,
    /// from its lower triangle): the residual and the row scales of the
    /// componentwise backward error.
    pub fn mul_sub(&self, z: &[f64], r: &mut [f64], size: &mut [f64]) {
        let d = self.n + self.m;
        assert_eq!(z.len(), d, "z has {} entries, K is {d} × {d}", z.len());
        assert_eq!(r.len(), d, "r has {} entries, K is {d} × {d}", r.len());
        assert_eq!(
            size.len(),
            d,
            "size has {} entries, K is {d} × {d}",
            size.len()
        );
        for j in 0..d {
            let col = self.matrix.col(j);
            let zj = z[j];
            let mut acc = col[j] * zj;
            let mut acc_abs = (col[j] * zj).abs();
            for i in j + 1..d {
                let v = col[i];
                r[i] -= v * zj;
                size[i] += (v * zj).abs();
                acc += v * z[i];
                acc_abs += (v * z[i]).abs();
            }
            r[j] -= acc;
            size[j] += acc_abs;
        }
    }

    /// The stored matrix S K S (lower triangle meaningful).
    pub fn as_ref(&self) -> MatRef<'_, f64> {
        self.matrix.as_ref()
    }
}

/// `dst = src[rows, j]`, through a slice when the column is contiguous.
fn copy_col(src: MatRef<'_, f64>, j: usize, rows: std::ops::Range<usize>, dst: &mut [f64]) {
    let col = src.col(j);
    match col.try_as_col_major() {
        Some(c) => dst.copy_from_slice(&c.as_slice()[rows]),
        None => {
            for (d, i) in dst.iter_mut().zip(rows) {
                *d = col[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The maximum kept from the scaling pass is that of the stored
    /// triangle, after every assembly (with and without W, δ and γ).
    #[test]
    fn max_abs_is_that_of_the_stored_triangle() {
        let (n, m) = (4, 2);
        let w = Mat::from_fn(n, n, |i, j| {
            ((i * 7 + j * 3) % 5) as f64 * 10f64.powi(i as i32) - 2.0
        });
        let jac = Mat::from_fn(m, n, |i, j| ((i + 2 * j) % 3) as f64 * 1e-3 - 1e-3);
        let mut k = KktMatrix::new(n, m);
        assert_eq!(k.max_abs(), 0.0);
        for (w, delta, gamma) in [
            (Some(w.as_ref()), 0.0, 0.0),
            (None, 1.0, 1e-8),
            (Some(w.as_ref()), 1e4, 0.0),
        ] {
            k.assemble(w, jac.as_ref(), &Diagonal::regularization(delta, gamma));
            let d = n + m;
            let direct = (0..d).fold(0.0f64, |a, j| {
                (j..d).fold(a, |a, i| a.max(k.as_ref()[(i, j)].abs()))
            });
            assert!(direct > 0.0);
            assert_eq!(k.max_abs().to_bits(), direct.to_bits());
        }
    }
}
