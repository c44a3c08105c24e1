//! Name resolution and shape checking: syntax tree → checked [`Node`].
//!
//! Every shape rule is enforced here, so that building tensors from a
//! checked node never meets a mismatch (the autodiff engine panics on one).
//! Subexpressions that depend on no variable are folded to constants.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{AddOp, Expr, ExprKind, MulOp, Span, Subscript};
use super::dense::{matmul_shape, Dense, DenseBackend};
use super::error::{ErrorKind, ExprError};
use super::functions::{Function, CONSTANTS, FUNCTIONS};
use super::ir::{Node, Op};
use super::lower::lower;
use super::shape::Shape;
use super::suggest::nearest;

/// What a name in an expression stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Symbol {
    /// The variable with this index and shape.
    Variable(usize, Shape),
    /// The parameter with this index and shape.
    Parameter(usize, Shape),
    /// A named constant.
    Constant(f64),
}

/// The names an expression may use, and the parameter values for folding.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    symbols: HashMap<String, Symbol>,
    /// Parameter values by index.
    pub parameters: Vec<Arc<Dense>>,
}

impl Scope {
    /// A scope with `pi` and `e` and nothing else.
    pub fn new() -> Scope {
        let mut symbols = HashMap::new();
        for (name, value) in CONSTANTS {
            symbols.insert(name.to_string(), Symbol::Constant(value));
        }
        Scope {
            symbols,
            parameters: Vec::new(),
        }
    }

    /// Add a variable; returns its index. The caller ensures the name is free.
    pub fn add_variable(&mut self, name: &str, index: usize, shape: Shape) {
        self.symbols
            .insert(name.to_string(), Symbol::Variable(index, shape));
    }

    /// Add a parameter; returns its index. The caller ensures the name is free.
    pub fn add_parameter(&mut self, name: &str, value: Arc<Dense>) -> usize {
        let index = self.parameters.len();
        self.symbols
            .insert(name.to_string(), Symbol::Parameter(index, value.shape));
        self.parameters.push(value);
        index
    }

    /// What `name` stands for.
    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    fn suggest(&self, name: &str) -> Option<String> {
        nearest(name, self.symbols.keys().map(String::as_str))
    }
}

/// Resolve names and check shapes of `expr`.
pub fn check(expr: &Expr, scope: &Scope) -> Result<Node, ExprError> {
    Checker { scope }.expr(expr)
}

struct Checker<'a> {
    scope: &'a Scope,
}

fn shape_mismatch(
    operation: &str,
    requirement: &'static str,
    left: Shape,
    right: Shape,
    span: Span,
) -> ExprError {
    ExprError::new(
        ErrorKind::ShapeMismatch {
            operation: operation.to_string(),
            requirement,
            left,
            right,
        },
        span,
    )
}

const ELEMENTWISE_RULE: &str = "equal shapes or a scalar";

impl Checker<'_> {
    /// Evaluate a node whose inputs are all constants.
    fn fold(&self, node: Node) -> Node {
        let mut backend = DenseBackend {
            variables: &[],
            parameters: &self.scope.parameters,
        };
        let value = lower(&node, &mut backend);
        Node {
            shape: node.shape,
            op: Op::Constant(value),
        }
    }

    /// `node`, folded when every input is constant.
    fn finish(&self, node: Node, inputs_constant: bool) -> Node {
        if inputs_constant {
            self.fold(node)
        } else {
            node
        }
    }

    fn expr(&self, expr: &Expr) -> Result<Node, ExprError> {
        match &expr.kind {
            ExprKind::Number(v) => Ok(Node {
                shape: Shape::Scalar,
                op: Op::Constant(Arc::new(Dense::scalar(*v))),
            }),
            ExprKind::Name(name) => self.name(name, expr.span),
            ExprKind::Neg(a) => {
                let a = self.expr(a)?;
                let constant = a.is_constant();
                let node = Node {
                    shape: a.shape,
                    op: Op::Neg(Box::new(a)),
                };
                Ok(self.finish(node, constant))
            }
            ExprKind::Sum(first, rest) => {
                let first = self.expr(first)?;
                let mut shape = first.shape;
                let mut constant = first.is_constant();
                let mut terms = Vec::with_capacity(rest.len() + 1);
                terms.push((AddOp::Add, first));
                for (op, op_span, term) in rest {
                    let term = self.expr(term)?;
                    shape = shape.broadcast(term.shape).ok_or_else(|| {
                        let name = if *op == AddOp::Add { "'+'" } else { "'-'" };
                        shape_mismatch(name, ELEMENTWISE_RULE, shape, term.shape, *op_span)
                    })?;
                    constant &= term.is_constant();
                    terms.push((*op, term));
                }
                Ok(self.finish(
                    Node {
                        shape,
                        op: Op::Sum(terms),
                    },
                    constant,
                ))
            }
            ExprKind::Product(first, rest) => self.product(first, rest),
            ExprKind::Power(a, b, op_span) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                self.power(a, b, "'^'", *op_span)
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, args, expr.span),
            ExprKind::Subscript(base, subscript) => {
                let base = self.expr(base)?;
                self.subscript(base, *subscript, expr.span)
            }
        }
    }

    fn name(&self, name: &str, span: Span) -> Result<Node, ExprError> {
        match self.scope.get(name) {
            Some(Symbol::Variable(i, shape)) => Ok(Node {
                shape,
                op: Op::Variable(i),
            }),
            Some(Symbol::Parameter(i, shape)) => Ok(Node {
                shape,
                op: Op::Parameter(i),
            }),
            Some(Symbol::Constant(v)) => Ok(Node {
                shape: Shape::Scalar,
                op: Op::Constant(Arc::new(Dense::scalar(v))),
            }),
            None if Function::from_name(name).is_some() => Err(ExprError::new(
                ErrorKind::Syntax {
                    message: format!("'{name}' is a function; call it as {name}(...)"),
                },
                span,
            )),
            None => Err(ExprError::new(
                ErrorKind::UnknownName {
                    name: name.to_string(),
                    suggestion: self.scope.suggest(name),
                },
                span,
            )),
        }
    }

    fn product(&self, first: &Expr, rest: &[(MulOp, Span, Expr)]) -> Result<Node, ExprError> {
        let first = self.expr(first)?;
        let mut shape = first.shape;
        // Fold a constant prefix as it grows (`2 * pi * A @ x`: `2*pi*A` is one constant).
        let mut factors: Vec<(MulOp, Node)> = vec![(MulOp::Mul, first)];
        for (op, op_span, factor) in rest {
            let factor = self.expr(factor)?;
            shape = match op {
                MulOp::MatMul => matmul_shape(shape, factor.shape).ok_or_else(|| {
                    let rule = if shape.is_scalar() || factor.shape.is_scalar() {
                        "two vectors or matrices (use '*' for a scalar)"
                    } else {
                        "inner dimensions that agree"
                    };
                    shape_mismatch("'@'", rule, shape, factor.shape, *op_span)
                })?,
                _ => shape.broadcast(factor.shape).ok_or_else(|| {
                    let name = if *op == MulOp::Mul { "'*'" } else { "'/'" };
                    shape_mismatch(name, ELEMENTWISE_RULE, shape, factor.shape, *op_span)
                })?,
            };
            let prefix_constant = factors.len() == 1 && factors[0].1.is_constant();
            if prefix_constant && factor.is_constant() {
                let (_, prefix) = factors.pop().expect("one factor");
                let node = Node {
                    shape,
                    op: Op::Product(vec![(MulOp::Mul, prefix), (*op, factor)]),
                };
                factors.push((MulOp::Mul, self.fold(node)));
            } else {
                factors.push((*op, factor));
            }
        }
        if factors.len() == 1 {
            return Ok(factors.pop().expect("one factor").1);
        }
        Ok(Node {
            shape,
            op: Op::Product(factors),
        })
    }

    fn power(&self, a: Node, b: Node, operation: &str, span: Span) -> Result<Node, ExprError> {
        let shape = a
            .shape
            .broadcast(b.shape)
            .ok_or_else(|| shape_mismatch(operation, ELEMENTWISE_RULE, a.shape, b.shape, span))?;
        let constant = a.is_constant() && b.is_constant();
        Ok(self.finish(
            Node {
                shape,
                op: Op::Power(Box::new(a), Box::new(b)),
            },
            constant,
        ))
    }

    fn call(
        &self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        span: Span,
    ) -> Result<Node, ExprError> {
        let function = match Function::from_name(name) {
            Some(f) => f,
            None => {
                let kind = match self.scope.get(name) {
                    Some(_) => ErrorKind::Syntax {
                        message: format!("'{name}' is not a function"),
                    },
                    None => ErrorKind::UnknownFunction {
                        name: name.to_string(),
                        suggestion: nearest(name, FUNCTIONS.iter().map(|(n, _)| *n)),
                    },
                };
                return Err(ExprError::new(kind, name_span));
            }
        };
        if args.len() != function.arity() {
            return Err(ExprError::new(
                ErrorKind::Arity {
                    function: function.name(),
                    expected: function.arity(),
                    found: args.len(),
                },
                span,
            ));
        }
        let mut checked = Vec::with_capacity(args.len());
        for arg in args {
            checked.push(self.expr(arg)?);
        }
        let mut checked = checked.into_iter();
        let a = checked.next().expect("arity checked");
        if let Some(f) = function.elementwise() {
            let constant = a.is_constant();
            let node = Node {
                shape: a.shape,
                op: Op::Map(f, Box::new(a)),
            };
            return Ok(self.finish(node, constant));
        }
        let node = match function {
            Function::Sum | Function::Norm => {
                let constant = a.is_constant();
                let op = if function == Function::Sum {
                    Op::SumAll(Box::new(a))
                } else {
                    Op::Norm(Box::new(a))
                };
                return Ok(self.finish(
                    Node {
                        shape: Shape::Scalar,
                        op,
                    },
                    constant,
                ));
            }
            Function::Dot => {
                let b = checked.next().expect("arity checked");
                if a.shape != b.shape {
                    return Err(shape_mismatch(
                        "dot",
                        "two values of the same shape",
                        a.shape,
                        b.shape,
                        span,
                    ));
                }
                let constant = a.is_constant() && b.is_constant();
                self.finish(
                    Node {
                        shape: Shape::Scalar,
                        op: Op::Dot(Box::new(a), Box::new(b)),
                    },
                    constant,
                )
            }
            Function::Pow => {
                let b = checked.next().expect("arity checked");
                return self.power(a, b, "pow", span);
            }
            _ => unreachable!("elementwise functions handled above"),
        };
        Ok(node)
    }

    fn subscript(&self, base: Node, subscript: Subscript, span: Span) -> Result<Node, ExprError> {
        let Some(len) = base.shape.leading() else {
            return Err(ExprError::new(
                ErrorKind::Shape {
                    message: "cannot index or slice a scalar".to_string(),
                },
                span,
            ));
        };
        let element = match base.shape {
            Shape::Matrix(_, c) => Shape::Vector(c),
            _ => Shape::Scalar,
        };
        let constant = base.is_constant();
        let node = match subscript {
            Subscript::Index(i) => {
                let resolved = if i < 0 { i + len as i64 } else { i };
                if resolved < 0 || resolved >= len as i64 {
                    return Err(ExprError::new(
                        ErrorKind::Shape {
                            message: format!("index {i} is out of range for {}", base.shape),
                        },
                        span,
                    ));
                }
                Node {
                    shape: element,
                    op: Op::Index(Box::new(base), resolved as usize),
                }
            }
            Subscript::Slice(a, b) => {
                // Python's rule: negative counts from the end, then clamp.
                let clamp = |v: Option<i64>, default: usize| -> usize {
                    match v {
                        None => default,
                        Some(v) if v < 0 => (v + len as i64).max(0) as usize,
                        Some(v) => (v as u64).min(len as u64) as usize,
                    }
                };
                let start = clamp(a, 0);
                let end = clamp(b, len);
                if start >= end {
                    return Err(ExprError::new(
                        ErrorKind::Shape {
                            message: format!(
                                "the slice is empty: it selects rows {start}..{end} of {}",
                                base.shape
                            ),
                        },
                        span,
                    ));
                }
                let shape = match base.shape {
                    Shape::Matrix(_, c) => Shape::Matrix(end - start, c),
                    _ => Shape::Vector(end - start),
                };
                Node {
                    shape,
                    op: Op::Slice(Box::new(base), start, end),
                }
            }
        };
        Ok(self.finish(node, constant))
    }
}
