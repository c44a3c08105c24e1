//! Fused elementwise functions of one tensor, evaluated in one kernel pass.
//!
//! An [`Expr`] is a small expression in one variable `x` (such as
//! `exp(sin(x)) * x²`). [`Expr::compile`] turns it into a register program
//! that the kernels evaluate per element on dual numbers (value, d/dx), so a
//! single read of `x` yields both f(x) and f'(x). The device ops
//! [`DeviceTensor::map`](super::DeviceTensor::map),
//! [`DeviceTensor::map_sum`](super::DeviceTensor::map_sum) and
//! [`sum_value_and_grad`](super::sum_value_and_grad) run compiled expressions;
//! their backward passes read `x` once more and never store intermediates.
//!
//! This module knows nothing of devices: compiling and the host evaluation
//! ([`Expr::eval`]) work without a GPU.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::error::CudaError;
use super::kernels::{ExprProgram, EXPR_MAX, EXPR_REGS};
use crate::autodiff::Elementwise;

/// Instruction codes, as `enum ExprOp` in `kernels/lagrange_kernels.cu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
enum Code {
    X = 0,
    Const = 1,
    Neg = 2,
    Exp = 3,
    Log = 4,
    Sqrt = 5,
    Sin = 6,
    Cos = 7,
    Tan = 8,
    Tanh = 9,
    Abs = 10,
    Square = 11,
    Powf = 12,
    AddK = 13,
    MulK = 14,
    RdivK = 15,
    Add = 16,
    Sub = 17,
    Mul = 18,
    Div = 19,
    Pow = 20,
    Log1p = 21,
    Expm1 = 22,
    Atan = 23,
    Sigmoid = 24,
}

/// The kernels' instruction for each function of the op table: the one place
/// here that a new entry of the table must be handled (the compiler points
/// at it), beside its `case` in `expr_eval` of the `.cu` file.
fn code_of(e: Elementwise) -> Code {
    match e {
        Elementwise::Sin => Code::Sin,
        Elementwise::Cos => Code::Cos,
        Elementwise::Tan => Code::Tan,
        Elementwise::Exp => Code::Exp,
        Elementwise::Log => Code::Log,
        Elementwise::Sqrt => Code::Sqrt,
        Elementwise::Tanh => Code::Tanh,
        Elementwise::Abs => Code::Abs,
        Elementwise::Log1p => Code::Log1p,
        Elementwise::Expm1 => Code::Expm1,
        Elementwise::Atan => Code::Atan,
        Elementwise::Sigmoid => Code::Sigmoid,
    }
}

/// A one-argument function applied to a subexpression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UnaryFn {
    /// −u
    Neg,
    /// A named function of the engine's op table (`sin`, `sigmoid`, ...),
    /// with the table's value and derivative rules.
    Map(Elementwise),
    /// u²
    Square,
    /// uᵖ for a constant p
    Powf(f64),
    /// u + c
    AddConst(f64),
    /// u · c
    MulConst(f64),
    /// c / u
    ConstDiv(f64),
}

impl From<Elementwise> for UnaryFn {
    fn from(e: Elementwise) -> UnaryFn {
        UnaryFn::Map(e)
    }
}

/// A two-argument function of subexpressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryFn {
    /// u + v
    Add,
    /// u − v
    Sub,
    /// u · v
    Mul,
    /// u / v
    Div,
    /// uᵛ
    Pow,
}

/// An elementwise expression in the single variable `x`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// The variable.
    X,
    /// A constant.
    Const(f64),
    /// A one-argument function of a subexpression.
    Unary(UnaryFn, Box<Expr>),
    /// A two-argument function of two subexpressions.
    Binary(BinaryFn, Box<Expr>, Box<Expr>),
}

/// A compiled expression, ready for the device.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementwiseFn {
    expr: Expr,
    pub(crate) program: ExprProgram,
    registers: usize,
}

impl ElementwiseFn {
    /// The expression it was compiled from.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Instructions in the program.
    pub fn instructions(&self) -> usize {
        self.program.len as usize
    }

    /// Registers the program uses.
    pub fn registers(&self) -> usize {
        self.registers
    }
}

/// One method per entry of the op table (`x.sin()`, `x.log1p()`, ...).
macro_rules! expr_methods {
    ($($(#[doc = $doc:expr])* $V:ident $name:ident { $($rules:tt)* })*) => {
        impl Expr {
            $(
                $(#[doc = $doc])*
                pub fn $name(self) -> Expr {
                    self.elementwise(Elementwise::$V)
                }
            )*
        }
    };
}
crate::autodiff::ops::elementwise::elementwise_table!(expr_methods);

impl Expr {
    /// The variable `x`.
    pub fn x() -> Expr {
        Expr::X
    }

    /// The constant `c`.
    pub fn constant(c: f64) -> Expr {
        Expr::Const(c)
    }

    fn unary(self, f: UnaryFn) -> Expr {
        Expr::Unary(f, Box::new(self))
    }

    /// The named function `f` of the op table applied to this expression;
    /// each function is also a method (`x.sigmoid()`).
    pub fn elementwise(self, f: Elementwise) -> Expr {
        self.unary(UnaryFn::Map(f))
    }
    /// self²
    pub fn square(self) -> Expr {
        self.unary(UnaryFn::Square)
    }
    /// selfᵖ for a constant exponent.
    pub fn powf(self, p: f64) -> Expr {
        self.unary(UnaryFn::Powf(p))
    }
    /// selfᵉ for an expression exponent.
    pub fn pow(self, e: Expr) -> Expr {
        Expr::Binary(BinaryFn::Pow, Box::new(self), Box::new(e))
    }

    /// Value and derivative at `x`, on the host (dual numbers, the same rules
    /// as the kernel): the reference the GPU tests compare against, beside
    /// finite differences.
    pub fn eval(&self, x: f64) -> (f64, f64) {
        match self {
            Expr::X => (x, 1.0),
            Expr::Const(c) => (*c, 0.0),
            Expr::Unary(f, u) => {
                let (v, d) = u.eval(x);
                match *f {
                    UnaryFn::Neg => (-v, -d),
                    UnaryFn::Map(e) => {
                        let y = e.f(v);
                        (y, e.d1(v, y) * d)
                    }
                    UnaryFn::Square => (v * v, 2.0 * v * d),
                    UnaryFn::Powf(p) => (
                        v.powf(p),
                        if p == 0.0 {
                            0.0
                        } else {
                            p * v.powf(p - 1.0) * d
                        },
                    ),
                    UnaryFn::AddConst(c) => (v + c, d),
                    UnaryFn::MulConst(c) => (v * c, d * c),
                    UnaryFn::ConstDiv(c) => (c / v, -c / (v * v) * d),
                }
            }
            Expr::Binary(f, u, w) => {
                let (a, da) = u.eval(x);
                let (b, db) = w.eval(x);
                match f {
                    BinaryFn::Add => (a + b, da + db),
                    BinaryFn::Sub => (a - b, da - db),
                    BinaryFn::Mul => (a * b, da * b + a * db),
                    BinaryFn::Div => {
                        let q = a / b;
                        (q, (da - q * db) / b)
                    }
                    BinaryFn::Pow => {
                        let y = a.powf(b);
                        let ga = if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) };
                        let gb = if y == 0.0 { 0.0 } else { y * a.ln() };
                        (y, ga * da + gb * db)
                    }
                }
            }
        }
    }

    /// Registers needed to evaluate this expression (Sethi–Ullman number).
    fn registers(&self) -> usize {
        match self {
            Expr::X | Expr::Const(_) => 1,
            Expr::Unary(_, u) => u.registers(),
            Expr::Binary(_, u, w) => {
                let (ru, rw) = (u.registers(), w.registers());
                if ru == rw {
                    ru + 1
                } else {
                    ru.max(rw)
                }
            }
        }
    }

    fn instructions(&self) -> usize {
        match self {
            Expr::X | Expr::Const(_) => 1,
            Expr::Unary(_, u) => 1 + u.instructions(),
            Expr::Binary(_, u, w) => 1 + u.instructions() + w.instructions(),
        }
    }

    /// Compiles to the kernels' register program; an expression that needs
    /// more than the kernel's 16 instructions or 4 registers is an error.
    pub fn compile(&self) -> Result<ElementwiseFn, CudaError> {
        let (instructions, registers) = (self.instructions(), self.registers());
        if instructions > EXPR_MAX || registers > EXPR_REGS {
            return Err(CudaError::ExprTooLarge {
                instructions,
                registers,
                max_instructions: EXPR_MAX,
                max_registers: EXPR_REGS,
            });
        }
        let mut program = ExprProgram {
            len: 0,
            code: [0; EXPR_MAX],
            k: [0.0; EXPR_MAX],
        };
        self.emit(0, &mut program);
        Ok(ElementwiseFn {
            expr: self.clone(),
            program,
            registers,
        })
    }

    /// Emits code leaving the value in register `dst`, using registers
    /// `dst..` only (the larger subtree first, so the other needs one fewer).
    fn emit(&self, dst: usize, p: &mut ExprProgram) {
        let mut push = |code: Code, a: usize, b: usize, k: f64| {
            let j = p.len as usize;
            p.code[j] = code as i32 | (dst as i32) << 8 | (a as i32) << 12 | (b as i32) << 16;
            p.k[j] = k;
            p.len += 1;
        };
        match self {
            Expr::X => push(Code::X, 0, 0, 0.0),
            Expr::Const(c) => push(Code::Const, 0, 0, *c),
            Expr::Unary(f, u) => {
                u.emit(dst, p);
                let (code, k) = match *f {
                    UnaryFn::Neg => (Code::Neg, 0.0),
                    UnaryFn::Map(e) => (code_of(e), 0.0),
                    UnaryFn::Square => (Code::Square, 0.0),
                    UnaryFn::Powf(e) => (Code::Powf, e),
                    UnaryFn::AddConst(c) => (Code::AddK, c),
                    UnaryFn::MulConst(c) => (Code::MulK, c),
                    UnaryFn::ConstDiv(c) => (Code::RdivK, c),
                };
                let j = p.len as usize;
                p.code[j] = code as i32 | (dst as i32) << 8 | (dst as i32) << 12;
                p.k[j] = k;
                p.len += 1;
            }
            Expr::Binary(f, u, w) => {
                let (ra, rb) = if u.registers() >= w.registers() {
                    u.emit(dst, p);
                    w.emit(dst + 1, p);
                    (dst, dst + 1)
                } else {
                    w.emit(dst, p);
                    u.emit(dst + 1, p);
                    (dst + 1, dst)
                };
                let code = match f {
                    BinaryFn::Add => Code::Add,
                    BinaryFn::Sub => Code::Sub,
                    BinaryFn::Mul => Code::Mul,
                    BinaryFn::Div => Code::Div,
                    BinaryFn::Pow => Code::Pow,
                };
                let j = p.len as usize;
                p.code[j] = code as i32 | (dst as i32) << 8 | (ra as i32) << 12 | (rb as i32) << 16;
                p.len += 1;
            }
        }
    }

    /// Evaluates a compiled program on the host, instruction by instruction,
    /// as the kernel does (used to test the compiler against [`Expr::eval`]).
    #[cfg(test)]
    fn run_program(p: &ExprProgram, x: f64) -> (f64, f64) {
        let mut r = [(0.0f64, 0.0f64); EXPR_REGS];
        for j in 0..p.len as usize {
            let w = p.code[j];
            let (op, dst, a, b) = (w & 0xff, (w >> 8) & 0xf, (w >> 12) & 0xf, (w >> 16) & 0xf);
            let (ea, eb) = (r[a as usize], r[b as usize]);
            let k = p.k[j];
            // Re-express the instruction with constants and evaluate it with the
            // tree rules, carrying the derivative by the chain rule.
            let un = |f: UnaryFn| {
                let (v, d) = Expr::Unary(f, Box::new(Expr::X)).eval(ea.0);
                (v, d * ea.1)
            };
            let bin = |f: BinaryFn| {
                let (v, _) =
                    Expr::Binary(f, Box::new(Expr::Const(ea.0)), Box::new(Expr::Const(eb.0)))
                        .eval(0.0);
                let (_, du) =
                    Expr::Binary(f, Box::new(Expr::X), Box::new(Expr::Const(eb.0))).eval(ea.0);
                let (_, dw) =
                    Expr::Binary(f, Box::new(Expr::Const(ea.0)), Box::new(Expr::X)).eval(eb.0);
                (v, du * ea.1 + dw * eb.1)
            };
            r[dst as usize] = match op {
                0 => (x, 1.0),
                1 => (k, 0.0),
                2 => un(UnaryFn::Neg),
                11 => un(UnaryFn::Square),
                12 => un(UnaryFn::Powf(k)),
                13 => un(UnaryFn::AddConst(k)),
                14 => un(UnaryFn::MulConst(k)),
                15 => un(UnaryFn::ConstDiv(k)),
                16 => bin(BinaryFn::Add),
                17 => bin(BinaryFn::Sub),
                18 => bin(BinaryFn::Mul),
                19 => bin(BinaryFn::Div),
                20 => bin(BinaryFn::Pow),
                _ => match Elementwise::ALL.iter().find(|&&e| code_of(e) as i32 == op) {
                    Some(&e) => un(UnaryFn::Map(e)),
                    None => panic!("unknown op {op}"),
                },
            };
        }
        r[0]
    }
}

impl Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        self.unary(UnaryFn::Neg)
    }
}

macro_rules! binary_ops {
    ($($trait:ident $method:ident $f:ident;)*) => {$(
        impl $trait for Expr {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                Expr::Binary(BinaryFn::$f, Box::new(self), Box::new(rhs))
            }
        }
    )*};
}
binary_ops! {
    Add add Add;
    Sub sub Sub;
    Mul mul Mul;
    Div div Div;
}

impl Add<f64> for Expr {
    type Output = Expr;
    fn add(self, c: f64) -> Expr {
        self.unary(UnaryFn::AddConst(c))
    }
}
impl Sub<f64> for Expr {
    type Output = Expr;
    fn sub(self, c: f64) -> Expr {
        self.unary(UnaryFn::AddConst(-c))
    }
}
impl Mul<f64> for Expr {
    type Output = Expr;
    fn mul(self, c: f64) -> Expr {
        self.unary(UnaryFn::MulConst(c))
    }
}
impl Div<f64> for Expr {
    type Output = Expr;
    fn div(self, c: f64) -> Expr {
        self.unary(UnaryFn::MulConst(1.0 / c))
    }
}
impl Add<Expr> for f64 {
    type Output = Expr;
    fn add(self, e: Expr) -> Expr {
        e.unary(UnaryFn::AddConst(self))
    }
}
impl Sub<Expr> for f64 {
    type Output = Expr;
    fn sub(self, e: Expr) -> Expr {
        (-e).unary(UnaryFn::AddConst(self))
    }
}
impl Mul<Expr> for f64 {
    type Output = Expr;
    fn mul(self, e: Expr) -> Expr {
        e.unary(UnaryFn::MulConst(self))
    }
}
impl Div<Expr> for f64 {
    type Output = Expr;
    fn div(self, e: Expr) -> Expr {
        e.unary(UnaryFn::ConstDiv(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Expr {
        Expr::x()
    }

    /// A few expressions covering every instruction.
    fn samples() -> Vec<Expr> {
        vec![
            x().sin().exp() * x().square(),
            (x() + 1.5).log() - x().cos() / (x().tanh() + 2.0),
            x().powf(2.5) * 3.0 + 2.0 / (x() + 4.0),
            x().abs().sqrt() - (-x()).tan() * 0.5,
            (x() + 3.0).pow(x().sin()) + Expr::constant(0.25) * x(),
            // A balanced tree that needs every register.
            ((x().sin() * x().cos()) * (x().exp() + x())) * ((x() - 1.0) * (x() + 2.0)),
            2.0 - x() * x(),
            // The functions added with the op table.
            x().log1p() * x().atan() + (x() * 0.5).expm1() - (x() - 1.0).sigmoid(),
        ]
    }

    #[test]
    fn derivatives_match_central_differences() {
        for e in samples() {
            for &x0 in &[0.3, 0.7, 1.1, 1.9] {
                let (_, d) = e.eval(x0);
                let h = 1e-6;
                let fd = (e.eval(x0 + h).0 - e.eval(x0 - h).0) / (2.0 * h);
                assert!(
                    (d - fd).abs() <= 1e-6 * (1.0 + d.abs()),
                    "{e:?} at {x0}: {d} vs {fd}"
                );
            }
        }
    }

    #[test]
    fn compiled_program_computes_the_expression() {
        for e in samples() {
            let f = e.compile().unwrap();
            assert!(f.registers() <= EXPR_REGS);
            for &x0 in &[0.3, 0.7, 1.1, 1.9] {
                let (v, d) = e.eval(x0);
                let (pv, pd) = Expr::run_program(&f.program, x0);
                assert!(
                    (v - pv).abs() <= 1e-14 * v.abs().max(1.0),
                    "{e:?}: {v} vs {pv}"
                );
                assert!(
                    (d - pd).abs() <= 1e-12 * d.abs().max(1.0),
                    "{e:?}: {d} vs {pd}"
                );
            }
        }
    }

    #[test]
    fn too_large_expressions_are_errors() {
        // Five levels of balanced products need five registers.
        let mut e = x();
        for _ in 0..4 {
            e = e.clone() * e;
        }
        let err = e.compile().unwrap_err();
        assert!(
            matches!(err, CudaError::ExprTooLarge { registers: 5, .. }),
            "{err}"
        );
        let mut long = x();
        for _ in 0..16 {
            long = long.sin();
        }
        let err = long.compile().unwrap_err();
        assert!(err.to_string().contains("17 instructions"), "{err}");
    }
}
