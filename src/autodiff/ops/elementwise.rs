//! The op table: every named elementwise function of the engine (`sin`,
//! `log1p`, `sigmoid`, ...), with its name, its value and its derivative
//! rules, one entry per function.
//!
//! The table is the one list of these functions in the crate. Each entry
//! gives the enum variant, the name (the method name on [`Tensor`],
//! [`Dual`] and [`Real`], the function name in problem files, the CUDA
//! expression's method), then three scalar facts side by side: the value
//! f(x), the first derivative f'(x) and the second derivative f''(x) (both
//! may use y = f(x) when that is cheaper). Every derivative rule of the
//! engine follows from these three (see `elementwise_unary`), and so do the
//! tape's batched rules.
//!
//! Everything else is derived from the table, through [`Elementwise`] or
//! through the `elementwise_table!` callback macro: the named methods of
//! [`Tensor`], [`Dual`], [`Real`] and the CUDA device tensor and
//! expression, the problem-file function names, and the PyTorch-style
//! `grad_fn` name (`SigmoidBackward`). What cannot be derived is a kernel:
//! the CUDA code maps each [`Elementwise`] to its kernels and its
//! instruction code in exhaustive `match`es, so adding an entry here makes
//! the compiler point at them.
//!
//! Adding an elementwise function therefore means: one entry below (value
//! and rules), its kernels in `kernels/lagrange_kernels.cu` with the two
//! `match` arms the compiler asks for in `src/cuda/`, tests against finite
//! differences and a closed form, and a line in the README's list of
//! reserved names.
//!
//! [`Tensor`]: crate::autodiff::Tensor
//! [`Dual`]: crate::autodiff::Dual
//! [`Real`]: crate::autodiff::Real

/// Calls `$callback!` with every entry of the op table.
///
/// An entry is `Variant name { f: |x| …, d1: |x, y| …, d2: |x, y| … }`
/// with its doc comment; a consumer matches the whole grammar and uses the
/// parts it needs (the variant and name for methods, the rules for the
/// enum's `f`, `d1`, `d2`).
macro_rules! elementwise_table {
    ($callback:ident) => {
        $callback! {
            /// Sine, sin x.
            Sin sin {
                f: |x| x.sin(),
                d1: |x, _y| x.cos(),
                d2: |_x, y| -y,
            }
            /// Cosine, cos x.
            Cos cos {
                f: |x| x.cos(),
                d1: |x, _y| -x.sin(),
                d2: |_x, y| -y,
            }
            /// Tangent, tan x.
            Tan tan {
                f: |x| x.tan(),
                d1: |_x, y| 1.0 + y * y,
                d2: |_x, y| 2.0 * y * (1.0 + y * y),
            }
            /// Exponential, eˣ.
            Exp exp {
                f: |x| x.exp(),
                d1: |_x, y| y,
                d2: |_x, y| y,
            }
            /// Natural logarithm, ln x.
            Log log {
                f: |x| x.ln(),
                d1: |x, _y| 1.0 / x,
                d2: |x, _y| -1.0 / (x * x),
            }
            /// Square root, √x.
            Sqrt sqrt {
                f: |x| x.sqrt(),
                d1: |_x, y| 0.5 / y,
                d2: |x, y| -0.25 / (y * x),
            }
            /// Hyperbolic tangent, tanh x.
            Tanh tanh {
                f: |x| x.tanh(),
                d1: |_x, y| 1.0 - y * y,
                d2: |_x, y| -2.0 * y * (1.0 - y * y),
            }
            /// Absolute value, |x| (derivative sign(x), 0 at 0, as PyTorch).
            Abs abs {
                f: |x| x.abs(),
                d1: |x, _y| sign(x),
                d2: |_x, _y| 0.0,
            }
            /// ln(1 + x), accurate for small x.
            Log1p log1p {
                f: |x| x.ln_1p(),
                d1: |x, _y| 1.0 / (1.0 + x),
                d2: |x, _y| -1.0 / ((1.0 + x) * (1.0 + x)),
            }
            /// eˣ − 1, accurate for small x.
            Expm1 expm1 {
                f: |x| x.exp_m1(),
                // eˣ, not y + 1: that loses all digits where eˣ ≪ 1.
                d1: |x, _y| x.exp(),
                d2: |x, _y| x.exp(),
            }
            /// Arctangent, atan x.
            Atan atan {
                f: |x| x.atan(),
                d1: |x, _y| 1.0 / (1.0 + x * x),
                d2: |x, _y| -2.0 * x / ((1.0 + x * x) * (1.0 + x * x)),
            }
            /// Logistic sigmoid, 1 / (1 + e⁻ˣ).
            Sigmoid sigmoid {
                f: |x| sigmoid(x),
                d1: |_x, y| y * (1.0 - y),
                d2: |_x, y| y * (1.0 - y) * (1.0 - 2.0 * y),
            }
        }
    };
}
pub(crate) use elementwise_table;

/// Defines [`Elementwise`] and its table-driven methods from the entries.
macro_rules! define_elementwise {
    ($(
        $(#[doc = $doc:expr])*
        $V:ident $name:ident {
            f: |$fx:ident| $f:expr,
            d1: |$d1x:ident, $d1y:ident| $d1:expr,
            d2: |$d2x:ident, $d2y:ident| $d2:expr $(,)?
        }
    )*) => {
        /// A named elementwise function of one argument: one entry of the
        /// engine's op table (the functions a problem file may call
        /// elementwise, by [`name`](Elementwise::name)).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Elementwise {
            $($(#[doc = $doc])* $V,)*
        }

        impl Elementwise {
            /// Every function, in table order.
            pub const ALL: &'static [Elementwise] = &[$(Elementwise::$V),*];

            /// Its name: the method of `Tensor`, `Dual` and `Real`, and the
            /// function in problem-file expressions.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Elementwise::$V => stringify!($name),)*
                }
            }

            /// The function called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Elementwise> {
                match name {
                    $(stringify!($name) => Some(Elementwise::$V),)*
                    _ => None,
                }
            }

            /// The PyTorch-style name of the backward node, for `grad_fn`.
            pub const fn grad_fn_name(self) -> &'static str {
                match self {
                    $(Elementwise::$V => concat!(stringify!($V), "Backward"),)*
                }
            }

            /// Its value f(x).
            pub fn apply(self, x: f64) -> f64 {
                self.f(x)
            }

            /// The value f(x).
            #[inline(always)]
            pub(crate) fn f(self, x: f64) -> f64 {
                match self {
                    $(Elementwise::$V => {
                        let $fx = x;
                        $f
                    })*
                }
            }

            /// The derivative f'(x), given y = f(x).
            #[inline(always)]
            pub(crate) fn d1(self, x: f64, y: f64) -> f64 {
                match self {
                    $(Elementwise::$V => {
                        let ($d1x, $d1y) = (x, y);
                        $d1
                    })*
                }
            }

            /// The second derivative f''(x), given y = f(x).
            #[inline(always)]
            pub(crate) fn d2(self, x: f64, y: f64) -> f64 {
                match self {
                    $(Elementwise::$V => {
                        let ($d2x, $d2y) = (x, y);
                        $d2
                    })*
                }
            }

            /// f' (and f'' when `d2` is given) of every element, with the
            /// dispatch on the function outside the element loop: each arm
            /// passes a constant variant, so the inlined rules fold to it
            /// (matched inside the loop, every element paid a jump).
            pub(crate) fn partials(
                self,
                x: &[f64],
                y: &[f64],
                d1: &mut [f64],
                d2: Option<&mut [f64]>,
            ) {
                match self {
                    $(Elementwise::$V => {
                        let e = Elementwise::$V;
                        fill_partials(|x, y| e.d1(x, y), |x, y| e.d2(x, y), x, y, d1, d2)
                    })*
                }
            }
        }
    };
}

elementwise_table!(define_elementwise);

/// f' (and f'' when `d2` is given) of every element, from the rules
/// `f1(x, y)` and `f2(x, y)`. Called with the rules of a constant function,
/// the inlined rules fold to that function's.
#[inline(always)]
pub(crate) fn fill_partials(
    f1: impl Fn(f64, f64) -> f64,
    f2: impl Fn(f64, f64) -> f64,
    x: &[f64],
    y: &[f64],
    d1: &mut [f64],
    d2: Option<&mut [f64]>,
) {
    let (x, y) = (&x[..d1.len()], &y[..d1.len()]);
    for i in 0..d1.len() {
        d1[i] = f1(x[i], y[i]);
    }
    if let Some(d2) = d2 {
        let d2 = &mut d2[..x.len()];
        for i in 0..x.len() {
            d2[i] = f2(x[i], y[i]);
        }
    }
}

/// sign(x) with sign(0) = 0, the subgradient PyTorch uses for |x|.
#[inline(always)]
pub(crate) fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// 1 / (1 + e⁻ˣ) without overflow: for x < 0 as eˣ / (1 + eˣ).
#[inline(always)]
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The new functions against their closed forms.
    #[test]
    fn closed_forms() {
        for &x in &[-30.0, -2.0, -1e-9, 0.0, 1e-9, 0.5, 3.0, 30.0] {
            let s = 1.0 / (1.0 + f64::exp(-x));
            let e = Elementwise::Sigmoid;
            let y = e.f(x);
            assert!((y - s).abs() <= 1e-15, "sigmoid({x})");
            assert!((e.d1(x, y) - s * (1.0 - s)).abs() <= 1e-15);
            assert!((e.d2(x, y) - s * (1.0 - s) * (1.0 - 2.0 * s)).abs() <= 1e-15);
            // sigmoid(−x) = 1 − sigmoid(x), also where e⁻ˣ overflows.
            assert!((e.f(-x) - (1.0 - y)).abs() <= 1e-15);
        }
        assert_eq!(Elementwise::Sigmoid.f(-800.0), 0.0);
        assert_eq!(Elementwise::Sigmoid.f(800.0), 1.0);
        // log1p and expm1 keep the digits that ln(1 + x) and eˣ − 1 lose.
        assert_eq!(Elementwise::Log1p.f(1e-20), 1e-20);
        assert_eq!(Elementwise::Expm1.f(1e-20), 1e-20);
        assert!((Elementwise::Log1p.f(f64::exp(2.5) - 1.0) - 2.5).abs() < 1e-15);
        assert!((Elementwise::Expm1.f(1.0) - (std::f64::consts::E - 1.0)).abs() < 1e-15);
        assert!((Elementwise::Expm1.d1(-40.0, -1.0) - f64::exp(-40.0)).abs() < 1e-30);
        // atan: atan 1 = π/4, atan' 1 = 1/2, atan'' 1 = −1/2.
        let a = Elementwise::Atan;
        assert!((a.f(1.0) - std::f64::consts::FRAC_PI_4).abs() < 1e-15);
        assert_eq!(a.d1(1.0, a.f(1.0)), 0.5);
        assert_eq!(a.d2(1.0, a.f(1.0)), -0.5);
    }

    #[test]
    fn names_round_trip() {
        for &e in Elementwise::ALL {
            assert_eq!(Elementwise::from_name(e.name()), Some(e));
        }
        assert_eq!(Elementwise::Sigmoid.grad_fn_name(), "SigmoidBackward");
        assert_eq!(Elementwise::Log1p.name(), "log1p");
        assert_eq!(Elementwise::from_name("softplus"), None);
    }
}
