//! Dense or sparse storage of J, W and the KKT matrix: the choice made once
//! per solve from the settings and the problem's sparsity patterns.

use std::sync::Arc;

use faer::Mat;

use super::error::{PatternKind, SetupError};
use super::linear::{KktSolver, SparseKkt};
use super::matrices::{check_pattern, Hessian, Jacobian};
use super::nlp::{NlpProblem, SparsityPattern};
use super::settings::{LinearSolver, Settings, SPARSE_MAX_DENSITY, SPARSE_MIN_DIMENSION};

/// Storage of the Jacobian, the Hessian and the KKT matrix.
pub enum Layout {
    /// Dense matrices.
    Dense,
    /// Jacobian and Hessian patterns.
    Sparse(Arc<SparsityPattern>, Arc<SparsityPattern>),
}

/// Dense or sparse storage for n variables and m constraints, from the
/// settings and the problem's sparsity patterns (asked once), with a note
/// for the final message when the settings could not be followed; an error
/// for patterns that do not fit the problem.
pub fn choose_layout<P: NlpProblem + ?Sized>(
    settings: &Settings,
    problem: &mut P,
    n: usize,
    m: usize,
) -> Result<(Layout, Option<String>), SetupError> {
    let wanted = settings.linear_solver();
    // Small problems stay dense without asking for patterns (detecting
    // them may cost the problem a sweep of its graph).
    if wanted == LinearSolver::Dense
        || (wanted == LinearSolver::Auto && n + m < SPARSE_MIN_DIMENSION)
    {
        return Ok((Layout::Dense, None));
    }
    let patterns = problem.jacobian_pattern().zip(problem.hessian_pattern());
    let Some((jac, hess)) = patterns else {
        let note = (wanted == LinearSolver::Sparse).then(|| {
            "linear_solver = sparse was asked for, but the problem gives no sparsity \
             patterns: solved with the dense solver"
                .to_string()
        });
        return Ok((Layout::Dense, note));
    };
    check_pattern(PatternKind::Jacobian, &jac, m, n)?;
    check_pattern(PatternKind::Hessian, &hess, n, n)?;
    let dim = (n + m) as f64;
    let lower = dim * (dim + 1.0) / 2.0;
    let stored = (jac.nnz() + hess.nnz() + n + m) as f64;
    let sparse = wanted == LinearSolver::Sparse
        || (n + m >= SPARSE_MIN_DIMENSION && stored <= SPARSE_MAX_DENSITY * lower);
    let layout = if sparse {
        Layout::Sparse(Arc::new(jac), Arc::new(hess))
    } else {
        Layout::Dense
    };
    Ok((layout, None))
}

impl Layout {
    /// Zero storage of J (m × n) and W (n × n) in this layout.
    pub fn matrices(&self, n: usize, m: usize) -> (Jacobian, Hessian) {
        match self {
            Layout::Dense => (
                Jacobian::Dense(Mat::zeros(m, n)),
                Hessian::Dense(Mat::zeros(n, n)),
            ),
            Layout::Sparse(jac, hess) => (
                Jacobian::Sparse {
                    pattern: jac.clone(),
                    values: vec![0.0; jac.nnz()],
                },
                Hessian::Sparse {
                    pattern: hess.clone(),
                    values: vec![0.0; hess.nnz()],
                },
            ),
        }
    }

    /// The KKT solver for this layout (symbolic analysis on the sparse path:
    /// an error when the structure cannot be ordered or analysed).
    pub fn kkt_solver(&self, n: usize, m: usize) -> Result<KktSolver, SetupError> {
        Ok(match self {
            Layout::Dense => KktSolver::dense(n, m),
            Layout::Sparse(jac, hess) => KktSolver::Sparse(Box::new(SparseKkt::new(hess, jac)?)),
        })
    }
}
