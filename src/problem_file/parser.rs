//! Recursive-descent parser for problem-file expressions.
//!
//! Grammar (lowest precedence first; `^` binds tighter than unary minus and
//! is right-associative, so `-x^2` is `-(x^2)` and `2^-x` is `2^(-x)`):
//!
//! ```text
//! statement := expr ( cmp expr ( cmp expr )? )?     cmp := '=' | '<=' | '>='
//! expr      := term    ( ('+' | '-') term )*
//! term      := unary   ( ('*' | '/' | '@') unary )*
//! unary     := ('-' | '+')* power
//! power     := postfix ( ('^' | '**') unary )?
//! postfix   := primary ( '[' subscript ']' )*
//! primary   := number | name | name '(' (expr (',' expr)*)? ')' | '(' expr ')'
//! subscript := int | int? ':' int?          int := ('-' | '+')? digits
//! ```
//!
//! A statement with two comparisons is a range, both `<=` or both `>=`;
//! `=` stands alone. Chains are parsed with loops, never recursion, so the
//! parser's stack depth follows the nesting (parentheses, calls, indexing,
//! powers), which is limited to [`MAX_DEPTH`] levels.

use super::ast::{AddOp, Expr, ExprKind, MulOp, Span, Statement, Subscript};
use super::error::{ErrorKind, ExprError};
use super::lexer::{tokenize, Token, TokenKind};
use super::statement::{statement, syntax, Comparison};

pub use super::statement::{parse_constraint, parse_expression};

/// The deepest nesting of parentheses, calls, indexing and powers accepted.
pub const MAX_DEPTH: usize = 1000;

/// Builds the flat node of a chain from its first operand and the rest.
type ChainNode<Op> = fn(Box<Expr>, Vec<(Op, Span, Expr)>) -> ExprKind;

/// Parse an expression, an equation, an inequality or a range.
pub fn parse_statement(text: &str) -> Result<Statement, ExprError> {
    let mut parser = Parser::new(text)?;
    let first = parser.expr()?;
    let mut rest: Vec<(Comparison, Span, Expr)> = Vec::new();
    loop {
        let token = parser.peek();
        let op = match token.kind {
            TokenKind::Eq => Comparison::Eq,
            TokenKind::Le => Comparison::Le,
            TokenKind::Ge => Comparison::Ge,
            TokenKind::Lt | TokenKind::Gt => {
                let (strict, write) = if token.kind == TokenKind::Lt {
                    ("<", "<=")
                } else {
                    (">", ">=")
                };
                return Err(syntax(
                    format!(
                        "'{strict}' is not supported: constraints are not strict; write '{write}'"
                    ),
                    token.span,
                ));
            }
            _ => break,
        };
        parser.next();
        rest.push((op, token.span, parser.expr()?));
    }
    parser.finish()?;
    statement(first, rest)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Parser<'a>, ExprError> {
        Ok(Parser {
            text,
            tokens: tokenize(text)?,
            pos: 0,
            depth: 0,
        })
    }

    fn peek(&self) -> Token {
        self.tokens[self.pos]
    }

    fn next(&mut self) -> Token {
        let token = self.tokens[self.pos];
        if token.kind != TokenKind::End {
            self.pos += 1;
        }
        token
    }

    fn describe(&self, token: Token) -> String {
        match token.kind {
            TokenKind::End => "the end of the expression".to_string(),
            _ => format!("'{}'", &self.text[token.span.start..token.span.end]),
        }
    }

    /// The error for a token that cannot appear here.
    fn unexpected(&self, token: Token, expected: &str) -> ExprError {
        let kind = match token.kind {
            TokenKind::EqEq => ErrorKind::Syntax {
                message: "'==' is not an operator; an equation is written 'lhs = rhs'".to_string(),
            },
            TokenKind::RParen if expected != "')'" => ErrorKind::Syntax {
                message: "unmatched ')'".to_string(),
            },
            TokenKind::RBracket if expected != "']'" => ErrorKind::Syntax {
                message: "unmatched ']'".to_string(),
            },
            _ => ErrorKind::Syntax {
                message: format!("expected {expected}, found {}", self.describe(token)),
            },
        };
        ExprError::new(kind, token.span)
    }

    fn finish(&mut self) -> Result<(), ExprError> {
        let token = self.peek();
        match token.kind {
            TokenKind::End => Ok(()),
            _ => Err(self.unexpected(token, "an operator or the end of the expression")),
        }
    }

    fn enter(&mut self, span: Span) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::new(
                ErrorKind::TooDeep { limit: MAX_DEPTH },
                span,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.chain(Self::term, add_op, ExprKind::Sum)
    }

    fn term(&mut self) -> Result<Expr, ExprError> {
        self.chain(Self::unary, mul_op, ExprKind::Product)
    }

    /// One binary precedence level: `operand (op operand)*`, stored flat.
    /// Both levels (additive, multiplicative) share it, so they cannot
    /// drift apart in spans or in how they loop.
    fn chain<Op>(
        &mut self,
        operand: fn(&mut Self) -> Result<Expr, ExprError>,
        op_of: fn(TokenKind) -> Option<Op>,
        node: ChainNode<Op>,
    ) -> Result<Expr, ExprError> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(op) = op_of(self.peek().kind) {
            let op_span = self.next().span;
            rest.push((op, op_span, operand(self)?));
        }
        let Some((_, _, last)) = rest.last() else {
            return Ok(first);
        };
        let span = first.span.to(last.span);
        Ok(Expr {
            kind: node(Box::new(first), rest),
            span,
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        // Signs are folded in a loop: `- - -x` is `-x`, and a run of 10⁵ signs
        // costs no stack.
        let start = self.peek().span.start;
        let mut negative = false;
        let mut signs = false;
        loop {
            match self.peek().kind {
                TokenKind::Minus => negative = !negative,
                TokenKind::Plus => {}
                _ => break,
            }
            signs = true;
            self.next();
        }
        let operand = self.power()?;
        if !negative {
            return Ok(if signs {
                Expr {
                    span: Span::new(start, operand.span.end),
                    kind: operand.kind,
                }
            } else {
                operand
            });
        }
        let span = Span::new(start, operand.span.end);
        Ok(Expr {
            kind: ExprKind::Neg(Box::new(operand)),
            span,
        })
    }

    fn power(&mut self) -> Result<Expr, ExprError> {
        let base = self.postfix()?;
        if self.peek().kind != TokenKind::Caret {
            return Ok(base);
        }
        let op_span = self.next().span;
        self.enter(op_span)?;
        let exponent = self.unary()?;
        self.leave();
        let span = base.span.to(exponent.span);
        Ok(Expr {
            kind: ExprKind::Power(Box::new(base), Box::new(exponent), op_span),
            span,
        })
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut expr = self.primary()?;
        let mut opened = 0;
        while self.peek().kind == TokenKind::LBracket {
            let open = self.next().span;
            self.enter(open)?;
            opened += 1;
            let subscript = self.subscript(open)?;
            let close = self.next().span;
            expr = Expr {
                span: expr.span.to(close),
                kind: ExprKind::Subscript(Box::new(expr), subscript),
            };
        }
        for _ in 0..opened {
            self.leave();
        }
        Ok(expr)
    }

    /// After `[`: an index or a slice, then `]` (left for the caller to eat).
    fn subscript(&mut self, open: Span) -> Result<Subscript, ExprError> {
        let first = self.integer()?;
        let subscript = if self.peek().kind == TokenKind::Colon {
            self.next();
            let second = self.integer()?;
            Subscript::Slice(first, second)
        } else {
            match first {
                Some(index) => Subscript::Index(index),
                None => {
                    let token = self.peek();
                    return Err(self.unexpected(token, "an integer index or a slice 'a:b'"));
                }
            }
        };
        let token = self.peek();
        match token.kind {
            TokenKind::RBracket => Ok(subscript),
            TokenKind::End => Err(ExprError::new(
                ErrorKind::Syntax {
                    message: "unclosed '['".to_string(),
                },
                open,
            )),
            _ => Err(self.unexpected(token, "']'")),
        }
    }

    /// An optional integer literal with an optional sign.
    fn integer(&mut self) -> Result<Option<i64>, ExprError> {
        let start = self.peek();
        let mut sign = 1i64;
        let mut has_sign = false;
        match start.kind {
            TokenKind::Minus => {
                sign = -1;
                has_sign = true;
                self.next();
            }
            TokenKind::Plus => {
                has_sign = true;
                self.next();
            }
            _ => {}
        }
        let token = self.peek();
        match token.kind {
            TokenKind::Number(_) => {
                let literal = &self.text[token.span.start..token.span.end];
                let span = start.span.to(token.span);
                if !literal.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(ExprError::new(
                        ErrorKind::Syntax {
                            message: format!(
                                "an index must be an integer literal, found '{literal}'"
                            ),
                        },
                        span,
                    ));
                }
                let value: i64 = literal.parse().map_err(|_| {
                    ExprError::new(
                        ErrorKind::Syntax {
                            message: format!("index '{literal}' is too large"),
                        },
                        span,
                    )
                })?;
                self.next();
                Ok(Some(sign * value))
            }
            _ if has_sign => Err(self.unexpected(token, "an integer index")),
            TokenKind::Colon | TokenKind::RBracket => Ok(None),
            _ => Err(ExprError::new(
                ErrorKind::Syntax {
                    message: format!(
                        "an index must be an integer literal, found {}",
                        self.describe(token)
                    ),
                },
                token.span,
            )),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let token = self.next();
        match token.kind {
            TokenKind::Number(value) => Ok(Expr {
                kind: ExprKind::Number(value),
                span: token.span,
            }),
            TokenKind::Ident => {
                let name = self.text[token.span.start..token.span.end].to_string();
                if self.peek().kind != TokenKind::LParen {
                    return Ok(Expr {
                        kind: ExprKind::Name(name),
                        span: token.span,
                    });
                }
                let open = self.next().span;
                self.enter(open)?;
                let mut args = Vec::new();
                if self.peek().kind != TokenKind::RParen {
                    loop {
                        args.push(self.expr()?);
                        let next = self.peek();
                        match next.kind {
                            TokenKind::Comma => {
                                self.next();
                            }
                            TokenKind::RParen => break,
                            TokenKind::End => return Err(unclosed(open)),
                            _ => return Err(self.unexpected(next, "',' or ')'")),
                        }
                    }
                }
                let close = self.next().span;
                self.leave();
                Ok(Expr {
                    kind: ExprKind::Call {
                        name,
                        name_span: token.span,
                        args,
                    },
                    span: token.span.to(close),
                })
            }
            TokenKind::LParen => {
                self.enter(token.span)?;
                let inner = self.expr()?;
                let close = self.peek();
                match close.kind {
                    TokenKind::RParen => {
                        self.next();
                    }
                    TokenKind::End => return Err(unclosed(token.span)),
                    _ => return Err(self.unexpected(close, "')'")),
                }
                self.leave();
                // Parentheses leave no node: only the span grows.
                Ok(Expr {
                    kind: inner.kind,
                    span: token.span.to(close.span),
                })
            }
            TokenKind::End if self.tokens.len() == 1 => Err(ExprError::new(
                ErrorKind::Syntax {
                    message: "empty expression".to_string(),
                },
                token.span,
            )),
            _ => Err(self.unexpected(token, "an expression")),
        }
    }
}

fn add_op(kind: TokenKind) -> Option<AddOp> {
    match kind {
        TokenKind::Plus => Some(AddOp::Add),
        TokenKind::Minus => Some(AddOp::Sub),
        _ => None,
    }
}

fn mul_op(kind: TokenKind) -> Option<MulOp> {
    match kind {
        TokenKind::Star => Some(MulOp::Mul),
        TokenKind::Slash => Some(MulOp::Div),
        TokenKind::At => Some(MulOp::MatMul),
        _ => None,
    }
}

fn unclosed(open: Span) -> ExprError {
    ExprError::new(
        ErrorKind::Syntax {
            message: "unclosed '(': expected ')' before the end of the expression".to_string(),
        },
        open,
    )
}
