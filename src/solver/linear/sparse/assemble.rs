//! Values of K: scattering the Hessian, Jacobian and diagonal values into
//! their slots, the equilibration of the stored matrix, and products with
//! K (for refinement and for checks).

use super::super::equilibrate;
use super::SparseKkt;
use crate::solver::kkt::Diagonal;

impl SparseKkt {
    /// Writes K(δ, γ) from the Hessian values (`None`: W = 0) and the
    /// Jacobian values, in the order of the patterns given to [`Self::new`].
    pub fn assemble(&mut self, w: Option<&[f64]>, jac: &[f64], diagonal: &Diagonal<'_>) {
        let (delta, gamma) = (diagonal.delta, diagonal.gamma);
        self.factored = false;
        self.values.fill(0.0);
        if let Some(w) = w {
            for (&s, v) in self.hess_slot.iter().zip(w) {
                self.values[s] += v;
            }
        }
        for (&s, v) in self.jac_slot.iter().zip(jac) {
            self.values[s] += v;
        }
        for (j, &s) in self.diag_slot.iter().enumerate() {
            self.values[s] += if j < self.n { delta } else { -gamma };
        }
        for (&s, d) in self.diag_slot.iter().zip(diagonal.primal) {
            self.values[s] += d;
        }
        for (&s, d) in self.diag_slot[self.n..].iter().zip(diagonal.dual) {
            self.values[s] -= d;
        }
        self.equilibrate();
        self.max_abs = self.values.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    }

    /// Replaces the stored P K Pᵀ by its Ruiz equilibration S P K Pᵀ S.
    fn equilibrate(&mut self) {
        let (col_ptr, row_idx) = (self.structure.col_ptr(), self.structure.row_idx());
        let values = &self.values;
        equilibrate::sweeps(&mut self.scale, &mut self.row_max, || {
            (0..col_ptr.len() - 1).flat_map(move |j| {
                let range = col_ptr[j]..col_ptr[j + 1];
                row_idx[range.clone()]
                    .iter()
                    .zip(&values[range])
                    .map(move |(&i, &v)| (i, j, v))
            })
        });
        for j in 0..col_ptr.len() - 1 {
            let sj = self.scale[j];
            let range = col_ptr[j]..col_ptr[j + 1];
            for (&i, value) in row_idx[range.clone()].iter().zip(&mut self.values[range]) {
                *value *= self.scale[i] * sj;
            }
        }
    }

    /// y = K x with K the last assembled matrix, unscaled (allocates two
    /// vectors).
    pub fn mul(&self, x: &[f64], y: &mut [f64]) {
        let xp: Vec<f64> = self
            .forward
            .iter()
            .zip(&self.scale)
            .map(|(&f, s)| x[f] / s)
            .collect();
        let mut yp = vec![0.0; xp.len()];
        symmetric_mul_sub(
            self.structure.col_ptr(),
            self.structure.row_idx(),
            &self.values,
            &xp,
            &mut yp,
        );
        for ((v, &f), s) in yp.iter().zip(&self.forward).zip(&self.scale) {
            y[f] = -v / s;
        }
    }
}

/// y −= K x for K symmetric with one of its triangles in CSC form.
pub(super) fn symmetric_mul_sub(
    col_ptr: &[usize],
    row_idx: &[usize],
    values: &[f64],
    x: &[f64],
    y: &mut [f64],
) {
    for j in 0..col_ptr.len() - 1 {
        let xj = x[j];
        let mut acc = 0.0;
        for k in col_ptr[j]..col_ptr[j + 1] {
            let (i, v) = (row_idx[k], values[k]);
            y[i] -= v * xj;
            if i != j {
                acc += v * x[i];
            }
        }
        y[j] -= acc;
    }
}
