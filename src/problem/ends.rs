//! The ends g_L ≤ g ≤ g_U of every scalar constraint, from each
//! constraint's kind (and a range's constant ends), checked once at compile.

use super::bounds::no_bound_as_infinite;
use super::builder::ConstraintDecl;
use super::error::ProblemError;
use super::layout::ConstraintKind;
use crate::autodiff::Tensor;

/// Appends the ends of the `len` scalar constraints of `c` to `lower`, `upper`.
pub(super) fn push_ends(
    c: &ConstraintDecl,
    len: usize,
    lower: &mut Vec<f64>,
    upper: &mut Vec<f64>,
) -> Result<(), ProblemError> {
    let (lo, hi) = match (c.kind, &c.ends) {
        (ConstraintKind::Equation, _) => (vec![0.0], vec![0.0]),
        (ConstraintKind::AtMost, _) => (vec![f64::NEG_INFINITY], vec![0.0]),
        (ConstraintKind::AtLeast, _) => (vec![0.0], vec![f64::INFINITY]),
        (ConstraintKind::Range, Some((lo, hi))) => (
            end_values(c, lo, "lower", len)?,
            end_values(c, hi, "upper", len)?,
        ),
        (ConstraintKind::Range, None) => unreachable!("a range is declared with its ends"),
    };
    for k in 0..len {
        let l = no_bound_as_infinite(lo[if lo.len() == 1 { 0 } else { k }], true);
        let h = no_bound_as_infinite(hi[if hi.len() == 1 { 0 } else { k }], false);
        if l > h {
            return Err(ProblemError::CrossedRange {
                name: c.name.clone(),
                index: k,
                lo: l,
                hi: h,
            });
        }
        lower.push(l);
        upper.push(h);
    }
    Ok(())
}

/// The values of one end of a range: constant, scalar or of e's shape, no NaN.
fn end_values(
    c: &ConstraintDecl,
    end: &Tensor,
    side: &'static str,
    len: usize,
) -> Result<Vec<f64>, ProblemError> {
    if end.is_requires_grad() {
        return Err(ProblemError::RangeEndNotConstant {
            name: c.name.clone(),
            end: side,
        });
    }
    if end.numel() != 1 && end.shape() != c.lhs.shape() {
        return Err(ProblemError::RangeEndShape {
            name: c.name.clone(),
            end: side,
            expected: c.lhs.shape().to_vec(),
            found: end.shape().to_vec(),
        });
    }
    let values = end.to_vec();
    if let Some(index) = values.iter().position(|v| v.is_nan()) {
        return Err(ProblemError::NanBound {
            what: format!("constraint '{}'", c.name),
            index: if values.len() == 1 { 0 } else { index },
        });
    }
    debug_assert!(values.len() == 1 || values.len() == len);
    Ok(values)
}
