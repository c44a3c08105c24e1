//! Which variables have bounds and which constraints are inequalities: the
//! index sets the interior-point method works with, fixed once per solve.
//!
//! Ends of magnitude ≥ [`NO_BOUND`] (or infinite) are absent. A constraint
//! whose two ends are equal is an equation; every other constraint row i
//! gets a slack tᵢ with the row's ends as its bounds (IPOPT's d(x) − s = 0).

use crate::solver::nlp::{NlpProblem, NO_BOUND};

/// Bounds of one kind of primal variable (x or the slacks t): finite ends
/// and the lists of indices that have them.
#[derive(Clone, Debug, Default)]
pub struct Bounds {
    /// Lower ends (−∞ where absent).
    pub lower: Vec<f64>,
    /// Upper ends (+∞ where absent).
    pub upper: Vec<f64>,
    /// Indices with a finite lower end.
    pub has_lower: Vec<usize>,
    /// Indices with a finite upper end.
    pub has_upper: Vec<usize>,
}

impl Bounds {
    /// From raw ends, with [`NO_BOUND`] and beyond treated as absent.
    pub fn new(mut lower: Vec<f64>, mut upper: Vec<f64>) -> Self {
        for l in &mut lower {
            if *l <= -NO_BOUND {
                *l = f64::NEG_INFINITY;
            }
        }
        for u in &mut upper {
            if *u >= NO_BOUND {
                *u = f64::INFINITY;
            }
        }
        let has_lower = (0..lower.len()).filter(|&i| lower[i].is_finite()).collect();
        let has_upper = (0..upper.len()).filter(|&i| upper[i].is_finite()).collect();
        Bounds {
            lower,
            upper,
            has_lower,
            has_upper,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.lower.len()
    }

    /// Whether any entry has a finite end.
    pub fn any(&self) -> bool {
        !self.has_lower.is_empty() || !self.has_upper.is_empty()
    }

    /// Moves an end away from `v` where their distance fell to a few
    /// units in the last place of the end (IPOPT's `slack_move`): the
    /// barrier needs a positive distance, and the fraction to the boundary
    /// can ask for less than rounding resolves near a nonzero end. Near a
    /// zero end the floor is 10⁻²⁰ or so: μ/distance and z/distance stay
    /// far from overflow.
    pub fn keep_distance(&mut self, v: &[f64]) {
        let floor = |end: f64| f64::EPSILON * (4.0 * end.abs()).max(1e-4);
        for &i in &self.has_lower {
            let floor = floor(self.lower[i]);
            if v[i] - self.lower[i] < floor {
                self.lower[i] = v[i] - floor;
            }
        }
        for &i in &self.has_upper {
            let floor = floor(self.upper[i]);
            if self.upper[i] - v[i] < floor {
                self.upper[i] = v[i] + floor;
            }
        }
    }

    /// Moves `v` strictly inside its bounds, as IPOPT's `bound_push` and
    /// `bound_frac` (κ₁ = κ₂ = 10⁻²): at least min(κ₁ max(1, |end|),
    /// κ₂ (upper − lower)) from each end.
    pub fn push_inside(&self, v: &mut [f64]) {
        const KAPPA_1: f64 = 1e-2;
        const KAPPA_2: f64 = 1e-2;
        for (i, v) in v.iter_mut().enumerate() {
            let (l, u) = (self.lower[i], self.upper[i]);
            let width = u - l;
            if l.is_finite() {
                let push = (KAPPA_1 * l.abs().max(1.0)).min(KAPPA_2 * width);
                *v = v.max(l + push);
            }
            if u.is_finite() {
                let push = (KAPPA_1 * u.abs().max(1.0)).min(KAPPA_2 * width);
                *v = v.min(u - push);
            }
        }
    }
}

/// Problem-wide index sets and ends, unscaled.
#[derive(Clone, Debug, Default)]
pub struct Structure {
    /// Bounds of the variables.
    pub x: Bounds,
    /// Constraint ends (g_L, g_U) as the problem gave them.
    pub constraint_lower: Vec<f64>,
    /// Upper constraint ends.
    pub constraint_upper: Vec<f64>,
    /// Rows that are inequalities (or ranges), in row order; the others are
    /// equations with right-hand side `constraint_lower`.
    pub inequalities: Vec<usize>,
    /// For each row, its slack's position in `inequalities` (None: equation).
    pub slack_of: Vec<Option<usize>>,
    /// Variables whose bounds are equal (fixed).
    pub fixed: Vec<usize>,
}

/// A bound or constraint end that makes the problem unusable.
#[derive(Clone, Debug, PartialEq)]
pub enum StructureError {
    /// A lower end above its upper end, or a NaN end.
    Crossed {
        /// `variable` or `constraint`.
        kind: &'static str,
        /// Its index.
        index: usize,
        /// The lower end.
        lower: f64,
        /// The upper end.
        upper: f64,
    },
}

impl std::fmt::Display for StructureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StructureError::Crossed {
                kind,
                index,
                lower,
                upper,
            } => write!(
                f,
                "{kind} {index} has lower end {lower} above its upper end {upper} \
                 (or an end that is NaN)"
            ),
        }
    }
}

impl Structure {
    /// Asks the problem for its bounds and constraint ends.
    pub fn of<P: NlpProblem + ?Sized>(problem: &P) -> Result<Self, StructureError> {
        let (n, m) = (problem.num_variables(), problem.num_constraints());
        let (mut xl, mut xu) = (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]);
        problem.variable_bounds(&mut xl, &mut xu);
        let (mut gl, mut gu) = (vec![0.0; m], vec![0.0; m]);
        problem.constraint_bounds(&mut gl, &mut gu);
        for (kind, lower, upper) in [("variable", &xl, &xu), ("constraint", &gl, &gu)] {
            if let Some(index) = (0..lower.len())
                .find(|&i| lower[i].partial_cmp(&upper[i]).is_none_or(|o| o.is_gt()))
            {
                return Err(StructureError::Crossed {
                    kind,
                    index,
                    lower: lower[index],
                    upper: upper[index],
                });
            }
        }
        let x = Bounds::new(xl, xu);
        let fixed = (0..n).filter(|&j| x.lower[j] == x.upper[j]).collect();
        let mut inequalities = Vec::new();
        let mut slack_of = vec![None; m];
        for i in 0..m {
            let equation = gl[i] == gu[i] && gl[i].abs() < NO_BOUND;
            if !equation {
                slack_of[i] = Some(inequalities.len());
                inequalities.push(i);
            }
        }
        Ok(Structure {
            x,
            constraint_lower: gl,
            constraint_upper: gu,
            inequalities,
            slack_of,
            fixed,
        })
    }

    /// The structure of the problem in the variables `free` only (the
    /// fixed ones removed).
    pub fn without_fixed(self, free: &[usize]) -> Self {
        let gather = |v: &[f64]| free.iter().map(|&j| v[j]).collect::<Vec<_>>();
        Structure {
            x: Bounds::new(gather(&self.x.lower), gather(&self.x.upper)),
            fixed: Vec::new(),
            ..self
        }
    }

    /// Whether the problem has any bound or inequality (else the equality
    /// Newton–KKT path serves it).
    pub fn needs_interior_point(&self) -> bool {
        self.x.any() || !self.inequalities.is_empty()
    }
}
