//! A parsed constraint (equation, inequality or range) checked into the
//! sides and ends the solver needs.

use std::sync::Arc;

use super::ast::{Expr, Relation, Span, Statement};
use super::check::{check, Scope};
use super::constant::{check_constant, evaluate, no_bound_as_infinite};
use super::dense::Dense;
use super::error::{ErrorKind, ExprError};
use super::ir::{Node, Op};
use super::shape::Shape;
use crate::problem::ConstraintKind;

/// A checked constraint: g = lhs − rhs, with ends (g_L, g_U) per element.
pub struct Checked {
    /// Equation, `<=`, `>=` or range.
    pub kind: ConstraintKind,
    /// Left side (e for a range).
    pub lhs: Node,
    /// Right side (0 for a range).
    pub rhs: Node,
    /// Ends of each scalar constraint, ±∞ where there is none.
    pub ends: (Vec<f64>, Vec<f64>),
    /// Shape of g.
    pub shape: Shape,
}

/// Check the sides of a parsed constraint called `name`.
pub fn read_constraint(
    statement: Statement,
    scope: &Scope,
    name: &str,
) -> Result<Checked, ExprError> {
    match statement {
        Statement::Expression(_) => unreachable!("parse_constraint returns constraints only"),
        Statement::Equation(lhs, op, rhs) => {
            sides(ConstraintKind::Equation, "'='", &lhs, op, &rhs, scope)
        }
        Statement::Inequality(lhs, Relation::AtMost, op, rhs) => {
            sides(ConstraintKind::AtMost, "'<='", &lhs, op, &rhs, scope)
        }
        Statement::Inequality(lhs, Relation::AtLeast, op, rhs) => {
            sides(ConstraintKind::AtLeast, "'>='", &lhs, op, &rhs, scope)
        }
        Statement::Range { lo, e, hi, ops } => range(&lo, &e, &hi, ops, scope, name),
    }
}

/// An equation or a one-sided inequality: g = lhs − rhs.
fn sides(
    kind: ConstraintKind,
    operation: &str,
    lhs: &Expr,
    op: Span,
    rhs: &Expr,
    scope: &Scope,
) -> Result<Checked, ExprError> {
    let (lhs, rhs) = (check(lhs, scope)?, check(rhs, scope)?);
    let Some(shape) = lhs.shape.broadcast(rhs.shape) else {
        return Err(ExprError::new(
            ErrorKind::ShapeMismatch {
                operation: operation.to_string(),
                requirement: "sides of the same shape, or a scalar side",
                left: lhs.shape,
                right: rhs.shape,
            },
            op,
        ));
    };
    let n = shape.numel();
    let (lo, hi) = match kind {
        ConstraintKind::AtMost => (f64::NEG_INFINITY, 0.0),
        ConstraintKind::AtLeast => (0.0, f64::INFINITY),
        _ => (0.0, 0.0),
    };
    Ok(Checked {
        kind,
        lhs,
        rhs,
        ends: (vec![lo; n], vec![hi; n]),
        shape,
    })
}

/// A range `lo <= e <= hi`: g = e, with constant ends of e's shape (or
/// scalars); lo > hi is an error naming both values.
fn range(
    lo: &Expr,
    e: &Expr,
    hi: &Expr,
    ops: (Span, Span),
    scope: &Scope,
    name: &str,
) -> Result<Checked, ExprError> {
    let e_node = check(e, scope)?;
    let shape = e_node.shape;
    let mut ends = Vec::with_capacity(2);
    for (end, op, is_lower) in [(lo, ops.0, true), (hi, ops.1, false)] {
        let node = check_constant(end, scope, "the end of a range")?;
        if node.shape != Shape::Scalar && node.shape != shape {
            return Err(ExprError::new(
                ErrorKind::ShapeMismatch {
                    operation: "a range".to_string(),
                    requirement: "ends that are scalars or of the shape of the middle",
                    left: node.shape,
                    right: shape,
                },
                op,
            ));
        }
        let value = evaluate(&node, scope);
        let values: Vec<f64> = (0..shape.numel())
            .map(|k| value.data[if value.data.len() == 1 { 0 } else { k }])
            .map(|v| no_bound_as_infinite(v, is_lower))
            .collect();
        if let Some(k) = values.iter().position(|v| v.is_nan()) {
            return Err(ExprError::new(
                ErrorKind::NonFinite {
                    token: format!("NaN (element {k})"),
                },
                end.span,
            ));
        }
        ends.push(values);
    }
    let (hi_values, lo_values) = (ends.pop().expect("two ends"), ends.pop().expect("two ends"));
    if let Some(k) = (0..lo_values.len()).find(|&k| lo_values[k] > hi_values[k]) {
        return Err(ExprError::new(
            ErrorKind::CrossedRange {
                constraint: name.to_string(),
                index: (shape != Shape::Scalar).then_some(k),
                lo: lo_values[k],
                hi: hi_values[k],
            },
            lo.span.to(hi.span),
        ));
    }
    Ok(Checked {
        kind: ConstraintKind::Range,
        lhs: e_node,
        rhs: Node {
            shape: Shape::Scalar,
            op: Op::Constant(Arc::new(Dense::scalar(0.0))),
        },
        ends: (lo_values, hi_values),
        shape,
    })
}
