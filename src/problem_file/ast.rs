//! The syntax tree of an expression, with byte spans on every node.
//!
//! Left-associative chains (`a + b - c`, `a * b / c @ d`) are stored flat, as
//! a first operand and a list of (operator, operand) pairs, so that an
//! expression of 10⁵ terms is a wide node, not a tree 10⁵ levels deep: every
//! pass over the tree recurses only as deep as the expression truly nests.

/// A byte range `start..end` in the expression text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// `+` or `-` in a sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddOp {
    /// `+`
    Add,
    /// `-`
    Sub,
}

/// `*`, `/` or `@` in a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MulOp {
    /// `*`, elementwise.
    Mul,
    /// `/`, elementwise.
    Div,
    /// `@`, matrix product.
    MatMul,
}

/// An index or slice inside brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscript {
    /// `x[i]`: one element (a row for a matrix); negative counts from the end.
    Index(i64),
    /// `x[a:b]`, `x[a:]`, `x[:b]`, `x[:]`: a Python slice on axis 0.
    Slice(Option<i64>, Option<i64>),
}

/// An expression node.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// The text it was parsed from.
    pub span: Span,
}

/// The kinds of expression nodes.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal.
    Number(f64),
    /// A name: a variable, a parameter, `pi` or `e`.
    Name(String),
    /// Unary minus. (Repeated signs are folded by the parser.)
    Neg(Box<Expr>),
    /// `first (op term)*` with `+` and `-`.
    Sum(Box<Expr>, Vec<(AddOp, Span, Expr)>),
    /// `first (op factor)*` with `*`, `/` and `@`.
    Product(Box<Expr>, Vec<(MulOp, Span, Expr)>),
    /// `base ^ exponent` (right-associative).
    Power(Box<Expr>, Box<Expr>, Span),
    /// `name(args...)`.
    Call {
        /// The function name.
        name: String,
        /// Span of the function name.
        name_span: Span,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `base[subscript]`.
    Subscript(Box<Expr>, Subscript),
}

/// The direction of an inequality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `<=`
    AtMost,
    /// `>=`
    AtLeast,
}

impl Relation {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::AtMost => "<=",
            Relation::AtLeast => ">=",
        }
    }
}

/// A parsed problem-file string: an expression or a constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// A single expression (an objective).
    Expression(Expr),
    /// `lhs = rhs` (a constraint); the span is that of `=`.
    Equation(Expr, Span, Expr),
    /// `lhs <= rhs` or `lhs >= rhs`; the span is that of the operator.
    Inequality(Expr, Relation, Span, Expr),
    /// `lo <= e <= hi`, or `hi >= e >= lo` (stored as lo, e, hi).
    Range {
        /// The lower end.
        lo: Expr,
        /// The constrained expression.
        e: Expr,
        /// The upper end.
        hi: Expr,
        /// The two operators' spans, in text order.
        ops: (Span, Span),
    },
}
