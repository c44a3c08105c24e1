//! Expressions of parameters only (variable bounds, the ends of ranges):
//! checked to use no variable and evaluated once, when the file is loaded.

use std::path::Path;
use std::sync::Arc;

use super::ast::{Expr, ExprKind, Span};
use super::check::{check, Scope, Symbol};
use super::dense::{Dense, DenseBackend};
use super::error::{ErrorKind, ExprError, FileError};
use super::ir::Node;
use super::lower::lower;
use super::model::BoundSpec;
use super::parser::parse_expression;
use super::shape::Shape;
use crate::solver::NO_BOUND;

/// The span of the first variable named in `expr`, if any.
pub fn first_variable(expr: &Expr, scope: &Scope) -> Option<Span> {
    match &expr.kind {
        ExprKind::Number(_) => None,
        ExprKind::Name(name) => match scope.get(name) {
            Some(Symbol::Variable(..)) => Some(expr.span),
            _ => None,
        },
        ExprKind::Neg(a) | ExprKind::Subscript(a, _) => first_variable(a, scope),
        ExprKind::Sum(first, rest) => first_variable(first, scope)
            .or_else(|| rest.iter().find_map(|(_, _, e)| first_variable(e, scope))),
        ExprKind::Product(first, rest) => first_variable(first, scope)
            .or_else(|| rest.iter().find_map(|(_, _, e)| first_variable(e, scope))),
        ExprKind::Power(a, b, _) => first_variable(a, scope).or_else(|| first_variable(b, scope)),
        ExprKind::Call { args, .. } => args.iter().find_map(|a| first_variable(a, scope)),
    }
}

/// Check `expr` as a constant: an error at its first variable (`what`
/// says what it is: "a bound", "the end of a range") if it uses one.
pub fn check_constant(expr: &Expr, scope: &Scope, what: &str) -> Result<Node, ExprError> {
    if let Some(span) = first_variable(expr, scope) {
        return Err(ExprError::new(
            ErrorKind::NotConstant {
                what: what.to_string(),
            },
            span,
        ));
    }
    check(expr, scope)
}

/// The value of a checked expression that uses no variable.
pub fn evaluate(node: &Node, scope: &Scope) -> Arc<Dense> {
    let mut backend = DenseBackend {
        variables: &[],
        parameters: &scope.parameters,
    };
    lower(node, &mut backend)
}

/// A lower (`lower` true) or upper end of magnitude ≥ [`NO_BOUND`] means
/// none: −∞ (+∞).
pub fn no_bound_as_infinite(value: f64, lower: bool) -> f64 {
    match (value.abs() >= NO_BOUND, lower) {
        (false, _) => value,
        (true, true) => f64::NEG_INFINITY,
        (true, false) => f64::INFINITY,
    }
}

/// Where a bound is read: the file, its field, the variable it bounds.
pub struct BoundSite<'a> {
    /// The problem file.
    pub path: &'a Path,
    /// `variables[2].lower`.
    pub field: String,
    /// The variable's name.
    pub variable: &'a str,
    /// The variable's shape.
    pub shape: Shape,
    /// Whether this is the lower bound.
    pub lower: bool,
}

/// One bound value per element of the variable, ±∞ where there is none.
pub fn bound_values(
    site: &BoundSite,
    spec: BoundSpec,
    scope: &Scope,
) -> Result<Vec<f64>, FileError> {
    let n = site.shape.numel();
    let none = if site.lower {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let values: Vec<f64> = match spec {
        BoundSpec::Number(v) => vec![v; n],
        BoundSpec::Array(items) => {
            if items.len() != n {
                return Err(FileError::new(
                    site.path,
                    ErrorKind::BoundLength {
                        variable: site.variable.to_string(),
                        expected: n,
                        found: items.len(),
                    },
                )
                .at(site.field.clone()));
            }
            items.into_iter().map(|v| v.unwrap_or(none)).collect()
        }
        BoundSpec::Expression(text) => {
            let node = parse_expression(&text)
                .and_then(|expr| {
                    let node = check_constant(&expr, scope, "a bound")?;
                    if node.shape != Shape::Scalar && node.shape != site.shape {
                        return Err(ExprError::new(
                            ErrorKind::Shape {
                                message: format!(
                                    "variable '{}' is {}, its bound is {}; give a scalar or {}",
                                    site.variable, site.shape, node.shape, site.shape
                                ),
                            },
                            expr.span,
                        ));
                    }
                    Ok(node)
                })
                .map_err(|e| e.in_field(site.path, site.field.clone(), &text))?;
            let value = evaluate(&node, scope);
            (0..n)
                .map(|k| value.data[if value.data.len() == 1 { 0 } else { k }])
                .collect()
        }
    };
    if let Some(k) = values.iter().position(|v| v.is_nan()) {
        return Err(FileError::new(
            site.path,
            ErrorKind::NonFinite {
                token: format!("NaN (element {k})"),
            },
        )
        .at(site.field.clone()));
    }
    Ok(values
        .into_iter()
        .map(|v| no_bound_as_infinite(v, site.lower))
        .collect())
}
