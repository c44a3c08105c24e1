//! Statements: operands joined by comparisons, assembled into an
//! expression, an equation, an inequality or a range, with the rules of
//! the format (`=` stands alone, a range is two `<=` or two `>=`).

use super::ast::{Expr, Relation, Span, Statement};
use super::error::{ErrorKind, ExprError};
use super::parser::parse_statement;

/// A comparison operator between the operands of a statement.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Comparison {
    /// `=`
    Eq,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// A syntax error at `span`.
pub(super) fn syntax(message: impl Into<String>, span: Span) -> ExprError {
    ExprError::new(
        ErrorKind::Syntax {
            message: message.into(),
        },
        span,
    )
}

/// The statement that operands joined by comparisons make, or the error
/// at the operator that breaks the rules.
pub(super) fn statement(
    first: Expr,
    mut rest: Vec<(Comparison, Span, Expr)>,
) -> Result<Statement, ExprError> {
    if let Some((_, span, _)) = rest.get(2) {
        return Err(syntax(
            "chained comparisons: a constraint has at most two ('lo <= e <= hi')",
            *span,
        ));
    }
    if rest.len() == 2 {
        let (a, b) = (rest[0].0, rest[1].0);
        if a == Comparison::Eq || b == Comparison::Eq {
            let span = if a == Comparison::Eq {
                rest[0].1
            } else {
                rest[1].1
            };
            return Err(syntax(
                "an equation cannot be chained with another comparison; write two constraints",
                span,
            ));
        }
        if a != b {
            return Err(syntax(
                "mixed comparisons '<=' and '>=': a range is 'lo <= e <= hi' or 'hi >= e >= lo'",
                rest[1].1,
            ));
        }
        let (_, second, right) = rest.pop().expect("two comparisons");
        let (_, first_op, middle) = rest.pop().expect("two comparisons");
        let (lo, hi) = if a == Comparison::Le {
            (first, right)
        } else {
            (right, first)
        };
        return Ok(Statement::Range {
            lo,
            e: middle,
            hi,
            ops: (first_op, second),
        });
    }
    Ok(match rest.pop() {
        None => Statement::Expression(first),
        Some((Comparison::Eq, span, rhs)) => Statement::Equation(first, span, rhs),
        Some((Comparison::Le, span, rhs)) => {
            Statement::Inequality(first, Relation::AtMost, span, rhs)
        }
        Some((Comparison::Ge, span, rhs)) => {
            Statement::Inequality(first, Relation::AtLeast, span, rhs)
        }
    })
}

/// The first comparison operator of a statement, with its text.
fn first_comparison(statement: &Statement) -> Option<(Span, &'static str)> {
    match statement {
        Statement::Expression(_) => None,
        Statement::Equation(_, span, _) => Some((*span, "=")),
        Statement::Inequality(_, relation, span, _) => Some((*span, relation.as_str())),
        Statement::Range { ops, lo, hi, .. } => {
            // `hi >= e >= lo` was stored with its ends swapped.
            let op = if lo.span.start < hi.span.start {
                "<="
            } else {
                ">="
            };
            Some((ops.0, op))
        }
    }
}

/// Parse an expression (an objective): a comparison is an error.
pub fn parse_expression(text: &str) -> Result<Expr, ExprError> {
    let statement = parse_statement(text)?;
    match first_comparison(&statement) {
        None => match statement {
            Statement::Expression(expr) => Ok(expr),
            _ => unreachable!("only an expression has no comparison"),
        },
        Some((eq, "=")) => Err(syntax(
            "expected an expression, found an equation ('=')",
            eq,
        )),
        Some((span, op)) => Err(ExprError::new(
            ErrorKind::Unsupported {
                what: format!("comparisons ('{op}') outside constraints are"),
            },
            span,
        )),
    }
}

/// Parse a constraint: an equation, an inequality or a range.
pub fn parse_constraint(text: &str) -> Result<Statement, ExprError> {
    match parse_statement(text)? {
        Statement::Expression(expr) => Err(syntax(
            "expected a constraint 'lhs = rhs', 'lhs <= rhs', 'lhs >= rhs' or 'lo <= e <= hi', found an expression without a comparison",
            Span::new(expr.span.end, expr.span.end),
        )),
        statement => Ok(statement),
    }
}
