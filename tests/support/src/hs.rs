//! Equality-constrained Hock–Schittkowski problems with hand-coded first and
//! second derivatives, their standard starts and published optima
//! (Hock & Schittkowski, *Test Examples for Nonlinear Programming Codes*,
//! 1981; Schittkowski, *More Test Examples*, 1987). Every published optimum
//! is re-verified by the tests (KKT conditions at the published point), not
//! trusted.
#![allow(clippy::needless_range_loop)]

use faer::MatMut;
use lagrange::solver::{NlpProblem, Sense};

/// Values and derivatives at a point: f, ∇f, ∇²f, and per constraint
/// (g, ∇g, ∇²g), Hessians as full dense row-major n × n.
pub struct Eval {
    pub f: f64,
    pub grad: Vec<f64>,
    pub hess: Vec<Vec<f64>>,
    pub cons: Vec<(f64, Vec<f64>, Vec<Vec<f64>>)>,
}

/// One HS problem.
#[derive(Clone, Copy)]
pub struct Hs {
    pub name: &'static str,
    pub n: usize,
    pub m: usize,
    pub start: &'static [f64],
    /// Published optimum (x*, f*).
    pub x_star: &'static [f64],
    pub f_star: f64,
    pub eval: fn(&[f64]) -> Eval,
    /// IPOPT 3.14 (CasADi 3.8.2, exact Hessian, default options) iterations
    /// from the same start (benches/solver_ipopt.py).
    pub ipopt_iterations: usize,
}

impl Hs {
    /// Whether x is the published optimum to `tol` (relative or absolute,
    /// whichever is larger). Degenerate minima (quartic or sextic terms) pin
    /// x only to about tol^(1/4), so they get `degenerate_tol`; HS9 is
    /// periodic, any (12k − 3, 16k − 4) is optimal.
    pub fn matches_optimum(&self, x: &[f64], tol: f64, degenerate_tol: f64) -> bool {
        let close = |a: f64, b: f64, t: f64| (a - b).abs() <= t * a.abs().max(b.abs()).max(1.0);
        if self.name == "hs9" {
            let k = ((x[0] + 3.0) / 12.0).round();
            return close(x[0], 12.0 * k - 3.0, tol) && close(x[1], 16.0 * k - 4.0, tol);
        }
        let t = if matches!(self.name, "hs26" | "hs46" | "hs49" | "hs50") {
            degenerate_tol
        } else {
            tol
        };
        x.iter().zip(self.x_star).all(|(&a, &b)| close(a, b, t))
    }
}

impl NlpProblem for Hs {
    fn num_variables(&self) -> usize {
        self.n
    }
    fn num_constraints(&self) -> usize {
        self.m
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn start(&self) -> Vec<f64> {
        self.start.to_vec()
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        (self.eval)(x).f
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        grad.copy_from_slice(&(self.eval)(x).grad);
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        for (v, c) in values.iter_mut().zip((self.eval)(x).cons) {
            *v = c.0;
        }
    }
    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        for (i, c) in (self.eval)(x).cons.into_iter().enumerate() {
            for j in 0..self.n {
                jac[(i, j)] = c.1[j];
            }
        }
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        let e = (self.eval)(x);
        for i in 0..self.n {
            for j in 0..self.n {
                let mut v = objective_factor * e.hess[i][j];
                for (k, c) in e.cons.iter().enumerate() {
                    v -= lambda[k] * c.2[i][j];
                }
                hess[(i, j)] = v;
            }
        }
    }
}

fn zeros(n: usize) -> Vec<Vec<f64>> {
    vec![vec![0.0; n]; n]
}

/// Sets a symmetric pair of entries.
fn sym(h: &mut [Vec<f64>], i: usize, j: usize, v: f64) {
    h[i][j] = v;
    h[j][i] = v;
}

const SQRT2: f64 = std::f64::consts::SQRT_2;

fn hs6(x: &[f64]) -> Eval {
    let mut hf = zeros(2);
    hf[0][0] = 2.0;
    let mut hg = zeros(2);
    hg[0][0] = -20.0;
    Eval {
        f: (1.0 - x[0]).powi(2),
        grad: vec![-2.0 * (1.0 - x[0]), 0.0],
        hess: hf,
        cons: vec![(10.0 * (x[1] - x[0] * x[0]), vec![-20.0 * x[0], 10.0], hg)],
    }
}

fn hs7(x: &[f64]) -> Eval {
    let q = 1.0 + x[0] * x[0];
    let mut hf = zeros(2);
    hf[0][0] = (2.0 - 2.0 * x[0] * x[0]) / (q * q);
    let mut hg = zeros(2);
    hg[0][0] = 4.0 + 12.0 * x[0] * x[0];
    hg[1][1] = 2.0;
    Eval {
        f: q.ln() - x[1],
        grad: vec![2.0 * x[0] / q, -1.0],
        hess: hf,
        cons: vec![(
            q * q + x[1] * x[1] - 4.0,
            vec![4.0 * x[0] * q, 2.0 * x[1]],
            hg,
        )],
    }
}

fn hs26(x: &[f64]) -> Eval {
    let (a, b) = (x[0] - x[1], x[1] - x[2]);
    let mut hf = zeros(3);
    hf[0][0] = 2.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 2.0 + 12.0 * b * b;
    sym(&mut hf, 1, 2, -12.0 * b * b);
    hf[2][2] = 12.0 * b * b;
    let mut hg = zeros(3);
    sym(&mut hg, 0, 1, 2.0 * x[1]);
    hg[1][1] = 2.0 * x[0];
    hg[2][2] = 12.0 * x[2] * x[2];
    Eval {
        f: a * a + b.powi(4),
        grad: vec![2.0 * a, -2.0 * a + 4.0 * b.powi(3), -4.0 * b.powi(3)],
        hess: hf,
        cons: vec![(
            (1.0 + x[1] * x[1]) * x[0] + x[2].powi(4) - 3.0,
            vec![1.0 + x[1] * x[1], 2.0 * x[0] * x[1], 4.0 * x[2].powi(3)],
            hg,
        )],
    }
}

fn hs27(x: &[f64]) -> Eval {
    let r = x[1] - x[0] * x[0];
    let mut hf = zeros(3);
    hf[0][0] = 0.02 - 4.0 * x[1] + 12.0 * x[0] * x[0];
    sym(&mut hf, 0, 1, -4.0 * x[0]);
    hf[1][1] = 2.0;
    let mut hg = zeros(3);
    hg[2][2] = 2.0;
    Eval {
        f: 0.01 * (x[0] - 1.0).powi(2) + r * r,
        grad: vec![0.02 * (x[0] - 1.0) - 4.0 * x[0] * r, 2.0 * r, 0.0],
        hess: hf,
        cons: vec![(x[0] + x[2] * x[2] + 1.0, vec![1.0, 0.0, 2.0 * x[2]], hg)],
    }
}

fn hs39(x: &[f64]) -> Eval {
    let mut h1 = zeros(4);
    h1[0][0] = -6.0 * x[0];
    h1[2][2] = -2.0;
    let mut h2 = zeros(4);
    h2[0][0] = 2.0;
    h2[3][3] = -2.0;
    Eval {
        f: -x[0],
        grad: vec![-1.0, 0.0, 0.0, 0.0],
        hess: zeros(4),
        cons: vec![
            (
                x[1] - x[0].powi(3) - x[2] * x[2],
                vec![-3.0 * x[0] * x[0], 1.0, -2.0 * x[2], 0.0],
                h1,
            ),
            (
                x[0] * x[0] - x[1] - x[3] * x[3],
                vec![2.0 * x[0], -1.0, 0.0, -2.0 * x[3]],
                h2,
            ),
        ],
    }
}

fn hs40(x: &[f64]) -> Eval {
    let mut hf = zeros(4);
    let mut grad = vec![0.0; 4];
    for i in 0..4 {
        grad[i] = -(0..4).filter(|&k| k != i).map(|k| x[k]).product::<f64>();
        for j in 0..4 {
            if i != j {
                hf[i][j] = -(0..4)
                    .filter(|&k| k != i && k != j)
                    .map(|k| x[k])
                    .product::<f64>();
            }
        }
    }
    let mut h1 = zeros(4);
    h1[0][0] = 6.0 * x[0];
    h1[1][1] = 2.0;
    let mut h2 = zeros(4);
    h2[0][0] = 2.0 * x[3];
    sym(&mut h2, 0, 3, 2.0 * x[0]);
    let mut h3 = zeros(4);
    h3[3][3] = 2.0;
    Eval {
        f: -x[0] * x[1] * x[2] * x[3],
        grad,
        hess: hf,
        cons: vec![
            (
                x[0].powi(3) + x[1] * x[1] - 1.0,
                vec![3.0 * x[0] * x[0], 2.0 * x[1], 0.0, 0.0],
                h1,
            ),
            (
                x[0] * x[0] * x[3] - x[2],
                vec![2.0 * x[0] * x[3], 0.0, -1.0, x[0] * x[0]],
                h2,
            ),
            (x[3] * x[3] - x[1], vec![0.0, -1.0, 0.0, 2.0 * x[3]], h3),
        ],
    }
}

/// Shared constraint pair of HS46 (rhs 1, 2) and HS77 (rhs 2√2, 8 + √2).
fn hs46_77_constraints(x: &[f64], r1: f64, r2: f64) -> Vec<(f64, Vec<f64>, Vec<Vec<f64>>)> {
    let (s, c) = (x[3] - x[4]).sin_cos();
    let mut h1 = zeros(5);
    h1[0][0] = 2.0 * x[3];
    sym(&mut h1, 0, 3, 2.0 * x[0]);
    h1[3][3] = -s;
    sym(&mut h1, 3, 4, s);
    h1[4][4] = -s;
    let mut h2 = zeros(5);
    h2[2][2] = 12.0 * x[2] * x[2] * x[3] * x[3];
    sym(&mut h2, 2, 3, 8.0 * x[2].powi(3) * x[3]);
    h2[3][3] = 2.0 * x[2].powi(4);
    vec![
        (
            x[0] * x[0] * x[3] + s - r1,
            vec![2.0 * x[0] * x[3], 0.0, 0.0, x[0] * x[0] + c, -c],
            h1,
        ),
        (
            x[1] + x[2].powi(4) * x[3] * x[3] - r2,
            vec![
                0.0,
                1.0,
                4.0 * x[2].powi(3) * x[3] * x[3],
                2.0 * x[2].powi(4) * x[3],
                0.0,
            ],
            h2,
        ),
    ]
}

/// The objective HS46 and HS49 share, (x₀ − x₁)² + (x₂ − 1)² + (x₃ − 1)⁴
/// + (x₄ − 1)⁶: its value, gradient and Hessian.
fn hs46_49_objective(x: &[f64]) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    let a = x[0] - x[1];
    let mut hf = zeros(5);
    hf[0][0] = 2.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 2.0;
    hf[2][2] = 2.0;
    hf[3][3] = 12.0 * (x[3] - 1.0).powi(2);
    hf[4][4] = 30.0 * (x[4] - 1.0).powi(4);
    let f = a * a + (x[2] - 1.0).powi(2) + (x[3] - 1.0).powi(4) + (x[4] - 1.0).powi(6);
    let grad = vec![
        2.0 * a,
        -2.0 * a,
        2.0 * (x[2] - 1.0),
        4.0 * (x[3] - 1.0).powi(3),
        6.0 * (x[4] - 1.0).powi(5),
    ];
    (f, grad, hf)
}

fn hs46(x: &[f64]) -> Eval {
    let (f, grad, hess) = hs46_49_objective(x);
    Eval {
        f,
        grad,
        hess,
        cons: hs46_77_constraints(x, 1.0, 2.0),
    }
}

fn hs77(x: &[f64]) -> Eval {
    let a = x[0] - x[1];
    let mut hf = zeros(5);
    hf[0][0] = 4.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 2.0;
    hf[2][2] = 2.0;
    hf[3][3] = 12.0 * (x[3] - 1.0).powi(2);
    hf[4][4] = 30.0 * (x[4] - 1.0).powi(4);
    Eval {
        f: (x[0] - 1.0).powi(2)
            + a * a
            + (x[2] - 1.0).powi(2)
            + (x[3] - 1.0).powi(4)
            + (x[4] - 1.0).powi(6),
        grad: vec![
            2.0 * (x[0] - 1.0) + 2.0 * a,
            -2.0 * a,
            2.0 * (x[2] - 1.0),
            4.0 * (x[3] - 1.0).powi(3),
            6.0 * (x[4] - 1.0).powi(5),
        ],
        hess: hf,
        cons: hs46_77_constraints(x, 2.0 * SQRT2, 8.0 + SQRT2),
    }
}

fn hs48(x: &[f64]) -> Eval {
    let mut hf = zeros(5);
    hf[0][0] = 2.0;
    hf[1][1] = 2.0;
    sym(&mut hf, 1, 2, -2.0);
    hf[2][2] = 2.0;
    hf[3][3] = 2.0;
    sym(&mut hf, 3, 4, -2.0);
    hf[4][4] = 2.0;
    let (b, c) = (x[1] - x[2], x[3] - x[4]);
    Eval {
        f: (x[0] - 1.0).powi(2) + b * b + c * c,
        grad: vec![2.0 * (x[0] - 1.0), 2.0 * b, -2.0 * b, 2.0 * c, -2.0 * c],
        hess: hf,
        cons: vec![
            (x.iter().sum::<f64>() - 5.0, vec![1.0; 5], zeros(5)),
            (
                x[2] - 2.0 * (x[3] + x[4]) + 3.0,
                vec![0.0, 0.0, 1.0, -2.0, -2.0],
                zeros(5),
            ),
        ],
    }
}

fn hs49(x: &[f64]) -> Eval {
    let (f, grad, hess) = hs46_49_objective(x);
    Eval {
        f,
        grad,
        hess,
        cons: vec![
            (
                x[0] + x[1] + x[2] + 4.0 * x[3] - 7.0,
                vec![1.0, 1.0, 1.0, 4.0, 0.0],
                zeros(5),
            ),
            (
                x[2] + 5.0 * x[4] - 6.0,
                vec![0.0, 0.0, 1.0, 0.0, 5.0],
                zeros(5),
            ),
        ],
    }
}

fn hs50(x: &[f64]) -> Eval {
    let (a, b, c, d) = (x[0] - x[1], x[1] - x[2], x[2] - x[3], x[3] - x[4]);
    let mut hf = zeros(5);
    hf[0][0] = 2.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 4.0;
    sym(&mut hf, 1, 2, -2.0);
    hf[2][2] = 2.0 + 12.0 * c * c;
    sym(&mut hf, 2, 3, -12.0 * c * c);
    hf[3][3] = 12.0 * c * c + 2.0;
    sym(&mut hf, 3, 4, -2.0);
    hf[4][4] = 2.0;
    Eval {
        f: a * a + b * b + c.powi(4) + d * d,
        grad: vec![
            2.0 * a,
            -2.0 * a + 2.0 * b,
            -2.0 * b + 4.0 * c.powi(3),
            -4.0 * c.powi(3) + 2.0 * d,
            -2.0 * d,
        ],
        hess: hf,
        cons: vec![
            (
                x[0] + 2.0 * x[1] + 3.0 * x[2] - 6.0,
                vec![1.0, 2.0, 3.0, 0.0, 0.0],
                zeros(5),
            ),
            (
                x[1] + 2.0 * x[2] + 3.0 * x[3] - 6.0,
                vec![0.0, 1.0, 2.0, 3.0, 0.0],
                zeros(5),
            ),
            (
                x[2] + 2.0 * x[3] + 3.0 * x[4] - 6.0,
                vec![0.0, 0.0, 1.0, 2.0, 3.0],
                zeros(5),
            ),
        ],
    }
}

fn hs51(x: &[f64]) -> Eval {
    let (a, b) = (x[0] - x[1], x[1] + x[2] - 2.0);
    let mut hf = zeros(5);
    hf[0][0] = 2.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 4.0;
    sym(&mut hf, 1, 2, 2.0);
    hf[2][2] = 2.0;
    hf[3][3] = 2.0;
    hf[4][4] = 2.0;
    Eval {
        f: a * a + b * b + (x[3] - 1.0).powi(2) + (x[4] - 1.0).powi(2),
        grad: vec![
            2.0 * a,
            -2.0 * a + 2.0 * b,
            2.0 * b,
            2.0 * (x[3] - 1.0),
            2.0 * (x[4] - 1.0),
        ],
        hess: hf,
        cons: vec![
            (
                x[0] + 3.0 * x[1] - 4.0,
                vec![1.0, 3.0, 0.0, 0.0, 0.0],
                zeros(5),
            ),
            (
                x[2] + x[3] - 2.0 * x[4],
                vec![0.0, 0.0, 1.0, 1.0, -2.0],
                zeros(5),
            ),
            (x[1] - x[4], vec![0.0, 1.0, 0.0, 0.0, -1.0], zeros(5)),
        ],
    }
}

fn hs78(x: &[f64]) -> Eval {
    let mut hf = zeros(5);
    let mut grad = vec![0.0; 5];
    for i in 0..5 {
        grad[i] = (0..5).filter(|&k| k != i).map(|k| x[k]).product::<f64>();
        for j in 0..5 {
            if i != j {
                hf[i][j] = (0..5)
                    .filter(|&k| k != i && k != j)
                    .map(|k| x[k])
                    .product::<f64>();
            }
        }
    }
    let mut h1 = zeros(5);
    for i in 0..5 {
        h1[i][i] = 2.0;
    }
    let mut h2 = zeros(5);
    sym(&mut h2, 1, 2, 1.0);
    sym(&mut h2, 3, 4, -5.0);
    let mut h3 = zeros(5);
    h3[0][0] = 6.0 * x[0];
    h3[1][1] = 6.0 * x[1];
    Eval {
        f: x.iter().product(),
        grad,
        hess: hf,
        cons: vec![
            (
                x.iter().map(|v| v * v).sum::<f64>() - 10.0,
                x.iter().map(|v| 2.0 * v).collect(),
                h1,
            ),
            (
                x[1] * x[2] - 5.0 * x[3] * x[4],
                vec![0.0, x[2], x[1], -5.0 * x[4], -5.0 * x[3]],
                h2,
            ),
            (
                x[0].powi(3) + x[1].powi(3) + 1.0,
                vec![3.0 * x[0] * x[0], 3.0 * x[1] * x[1], 0.0, 0.0, 0.0],
                h3,
            ),
        ],
    }
}

fn hs79(x: &[f64]) -> Eval {
    let (a, b, c, d) = (x[0] - x[1], x[1] - x[2], x[2] - x[3], x[3] - x[4]);
    let mut hf = zeros(5);
    hf[0][0] = 4.0;
    sym(&mut hf, 0, 1, -2.0);
    hf[1][1] = 4.0;
    sym(&mut hf, 1, 2, -2.0);
    hf[2][2] = 2.0 + 12.0 * c * c;
    sym(&mut hf, 2, 3, -12.0 * c * c);
    hf[3][3] = 12.0 * c * c + 12.0 * d * d;
    sym(&mut hf, 3, 4, -12.0 * d * d);
    hf[4][4] = 12.0 * d * d;
    let mut h1 = zeros(5);
    h1[1][1] = 2.0;
    h1[2][2] = 6.0 * x[2];
    let mut h2 = zeros(5);
    h2[2][2] = -2.0;
    let mut h3 = zeros(5);
    sym(&mut h3, 0, 4, 1.0);
    Eval {
        f: (x[0] - 1.0).powi(2) + a * a + b * b + c.powi(4) + d.powi(4),
        grad: vec![
            2.0 * (x[0] - 1.0) + 2.0 * a,
            -2.0 * a + 2.0 * b,
            -2.0 * b + 4.0 * c.powi(3),
            -4.0 * c.powi(3) + 4.0 * d.powi(3),
            -4.0 * d.powi(3),
        ],
        hess: hf,
        cons: vec![
            (
                x[0] + x[1] * x[1] + x[2].powi(3) - 2.0 - 3.0 * SQRT2,
                vec![1.0, 2.0 * x[1], 3.0 * x[2] * x[2], 0.0, 0.0],
                h1,
            ),
            (
                x[1] - x[2] * x[2] + x[3] + 2.0 - 2.0 * SQRT2,
                vec![0.0, 1.0, -2.0 * x[2], 1.0, 0.0],
                h2,
            ),
            (x[0] * x[4] - 2.0, vec![x[4], 0.0, 0.0, 0.0, x[0]], h3),
        ],
    }
}

fn hs9(x: &[f64]) -> Eval {
    let (a, b) = (std::f64::consts::PI / 12.0, std::f64::consts::PI / 16.0);
    let (sa, ca) = (a * x[0]).sin_cos();
    let (sb, cb) = (b * x[1]).sin_cos();
    let mut hf = zeros(2);
    hf[0][0] = -a * a * sa * cb;
    sym(&mut hf, 0, 1, -a * b * ca * sb);
    hf[1][1] = -b * b * sa * cb;
    Eval {
        f: sa * cb,
        grad: vec![a * ca * cb, -b * sa * sb],
        hess: hf,
        cons: vec![(4.0 * x[0] - 3.0 * x[1], vec![4.0, -3.0], zeros(2))],
    }
}

fn hs28(x: &[f64]) -> Eval {
    let (a, b) = (x[0] + x[1], x[1] + x[2]);
    let mut hf = zeros(3);
    hf[0][0] = 2.0;
    sym(&mut hf, 0, 1, 2.0);
    hf[1][1] = 4.0;
    sym(&mut hf, 1, 2, 2.0);
    hf[2][2] = 2.0;
    Eval {
        f: a * a + b * b,
        grad: vec![2.0 * a, 2.0 * a + 2.0 * b, 2.0 * b],
        hess: hf,
        cons: vec![(
            x[0] + 2.0 * x[1] + 3.0 * x[2] - 1.0,
            vec![1.0, 2.0, 3.0],
            zeros(3),
        )],
    }
}

fn hs42(x: &[f64]) -> Eval {
    let mut hf = zeros(4);
    for i in 0..4 {
        hf[i][i] = 2.0;
    }
    let mut h2 = zeros(4);
    h2[2][2] = 2.0;
    h2[3][3] = 2.0;
    Eval {
        f: (0..4).map(|i| (x[i] - (i + 1) as f64).powi(2)).sum(),
        grad: (0..4).map(|i| 2.0 * (x[i] - (i + 1) as f64)).collect(),
        hess: hf,
        cons: vec![
            (x[0] - 2.0, vec![1.0, 0.0, 0.0, 0.0], zeros(4)),
            (
                x[2] * x[2] + x[3] * x[3] - 2.0,
                vec![0.0, 0.0, 2.0 * x[2], 2.0 * x[3]],
                h2,
            ),
        ],
    }
}

fn hs52(x: &[f64]) -> Eval {
    let (a, b) = (4.0 * x[0] - x[1], x[1] + x[2] - 2.0);
    let mut hf = zeros(5);
    hf[0][0] = 32.0;
    sym(&mut hf, 0, 1, -8.0);
    hf[1][1] = 4.0;
    sym(&mut hf, 1, 2, 2.0);
    hf[2][2] = 2.0;
    hf[3][3] = 2.0;
    hf[4][4] = 2.0;
    Eval {
        f: a * a + b * b + (x[3] - 1.0).powi(2) + (x[4] - 1.0).powi(2),
        grad: vec![
            8.0 * a,
            -2.0 * a + 2.0 * b,
            2.0 * b,
            2.0 * (x[3] - 1.0),
            2.0 * (x[4] - 1.0),
        ],
        hess: hf,
        cons: vec![
            (x[0] + 3.0 * x[1], vec![1.0, 3.0, 0.0, 0.0, 0.0], zeros(5)),
            (
                x[2] + x[3] - 2.0 * x[4],
                vec![0.0, 0.0, 1.0, 1.0, -2.0],
                zeros(5),
            ),
            (x[1] - x[4], vec![0.0, 1.0, 0.0, 0.0, -1.0], zeros(5)),
        ],
    }
}

fn hs61(x: &[f64]) -> Eval {
    let mut hf = zeros(3);
    hf[0][0] = 8.0;
    hf[1][1] = 4.0;
    hf[2][2] = 4.0;
    let mut h1 = zeros(3);
    h1[1][1] = -4.0;
    let mut h2 = zeros(3);
    h2[2][2] = -2.0;
    Eval {
        f: 4.0 * x[0] * x[0] + 2.0 * x[1] * x[1] + 2.0 * x[2] * x[2] - 33.0 * x[0] + 16.0 * x[1]
            - 24.0 * x[2],
        grad: vec![8.0 * x[0] - 33.0, 4.0 * x[1] + 16.0, 4.0 * x[2] - 24.0],
        hess: hf,
        cons: vec![
            (
                3.0 * x[0] - 2.0 * x[1] * x[1] - 7.0,
                vec![3.0, -4.0 * x[1], 0.0],
                h1,
            ),
            (
                4.0 * x[0] - x[2] * x[2] - 11.0,
                vec![4.0, 0.0, -2.0 * x[2]],
                h2,
            ),
        ],
    }
}

/// The collection, with the published starts and optima.
pub fn problems() -> Vec<Hs> {
    vec![
        Hs {
            // Periodic: minima at (12k − 3, 16k − 4); the tests check f*
            // and feasibility only for this one.
            name: "hs9",
            n: 2,
            m: 1,
            start: &[0.0, 0.0],
            x_star: &[-3.0, -4.0],
            f_star: -0.5,
            eval: hs9,
            ipopt_iterations: 3,
        },
        Hs {
            name: "hs28",
            n: 3,
            m: 1,
            start: &[-4.0, 1.0, 1.0],
            x_star: &[0.5, -0.5, 0.5],
            f_star: 0.0,
            eval: hs28,
            ipopt_iterations: 1,
        },
        Hs {
            name: "hs42",
            n: 4,
            m: 2,
            start: &[1.0; 4],
            // (2, 2, 0.6√2, 0.8√2), f* = 28 − 10√2
            x_star: &[2.0, 2.0, 0.848528137423857, 1.131370849898476],
            f_star: 13.857864376269049,
            eval: hs42,
            ipopt_iterations: 4,
        },
        Hs {
            name: "hs52",
            n: 5,
            m: 3,
            start: &[2.0; 5],
            // (−33, 11, 180, −158, 11)/349, f* = 1859/349
            x_star: &[
                -0.09455587392550144,
                0.03151862464183381,
                0.5157593123209169,
                -0.4527220630372493,
                0.03151862464183381,
            ],
            f_star: 5.326647564469914,
            eval: hs52,
            ipopt_iterations: 1,
        },
        Hs {
            name: "hs61",
            n: 3,
            m: 2,
            start: &[0.0; 3],
            x_star: &[5.326770, -2.118998, 3.210464],
            f_star: -143.6461422,
            eval: hs61,
            ipopt_iterations: 9,
        },
        Hs {
            name: "hs6",
            n: 2,
            m: 1,
            start: &[-1.2, 1.0],
            x_star: &[1.0, 1.0],
            f_star: 0.0,
            eval: hs6,
            ipopt_iterations: 5,
        },
        Hs {
            name: "hs7",
            n: 2,
            m: 1,
            start: &[2.0, 2.0],
            x_star: &[0.0, 1.7320508075688772],
            f_star: -1.7320508075688772,
            eval: hs7,
            ipopt_iterations: 27,
        },
        Hs {
            name: "hs26",
            n: 3,
            m: 1,
            start: &[-2.6, 2.0, 2.0],
            x_star: &[1.0, 1.0, 1.0],
            f_star: 0.0,
            eval: hs26,
            ipopt_iterations: 25,
        },
        Hs {
            name: "hs27",
            n: 3,
            m: 1,
            start: &[2.0, 2.0, 2.0],
            x_star: &[-1.0, 1.0, 0.0],
            f_star: 0.04,
            eval: hs27,
            ipopt_iterations: 54,
        },
        Hs {
            name: "hs39",
            n: 4,
            m: 2,
            start: &[2.0; 4],
            x_star: &[1.0, 1.0, 0.0, 0.0],
            f_star: -1.0,
            eval: hs39,
            ipopt_iterations: 13,
        },
        Hs {
            name: "hs40",
            n: 4,
            m: 3,
            start: &[0.8; 4],
            // 2^(−1/3), 2^(−1/2), 2^(−11/12), 2^(−1/4)
            x_star: &[
                0.7937005259840998,
                std::f64::consts::FRAC_1_SQRT_2,
                0.5297315471796477,
                0.8408964152537145,
            ],
            f_star: -0.25,
            eval: hs40,
            ipopt_iterations: 3,
        },
        Hs {
            name: "hs46",
            n: 5,
            m: 2,
            start: &[std::f64::consts::FRAC_1_SQRT_2, 1.75, 0.5, 2.0, 2.0],
            x_star: &[1.0; 5],
            f_star: 0.0,
            eval: hs46,
            ipopt_iterations: 19,
        },
        Hs {
            name: "hs48",
            n: 5,
            m: 2,
            start: &[3.0, 5.0, -3.0, 2.0, -2.0],
            x_star: &[1.0; 5],
            f_star: 0.0,
            eval: hs48,
            ipopt_iterations: 1,
        },
        Hs {
            name: "hs49",
            n: 5,
            m: 2,
            start: &[10.0, 7.0, 2.0, -3.0, 0.8],
            x_star: &[1.0; 5],
            f_star: 0.0,
            eval: hs49,
            ipopt_iterations: 19,
        },
        Hs {
            name: "hs50",
            n: 5,
            m: 3,
            start: &[35.0, -31.0, 11.0, 5.0, -5.0],
            x_star: &[1.0; 5],
            f_star: 0.0,
            eval: hs50,
            ipopt_iterations: 9,
        },
        Hs {
            name: "hs51",
            n: 5,
            m: 3,
            start: &[2.5, 0.5, 2.0, -1.0, 0.5],
            x_star: &[1.0; 5],
            f_star: 0.0,
            eval: hs51,
            ipopt_iterations: 1,
        },
        Hs {
            name: "hs77",
            n: 5,
            m: 2,
            start: &[2.0; 5],
            x_star: &[1.166172, 1.182111, 1.380257, 1.506036, 0.6109203],
            f_star: 0.24150513,
            eval: hs77,
            ipopt_iterations: 11,
        },
        Hs {
            name: "hs78",
            n: 5,
            m: 3,
            start: &[-2.0, 1.5, 2.0, -1.0, -1.0],
            x_star: &[-1.717143, 1.595709, 1.827247, -0.7636413, -0.7636450],
            f_star: -2.919700,
            eval: hs78,
            ipopt_iterations: 4,
        },
        Hs {
            name: "hs79",
            n: 5,
            m: 3,
            start: &[2.0; 5],
            x_star: &[1.191127, 1.362603, 1.472818, 1.635017, 1.679081],
            f_star: 0.0787768,
            eval: hs79,
            ipopt_iterations: 4,
        },
    ]
}

/// An HS problem that evaluates everything once per point and answers the
/// solver's calls at that point from the cache (as a compiled problem
/// would), so that benchmarks time the solver rather than the allocations
/// of [`Eval`].
pub struct Cached {
    pub problem: Hs,
    x: Vec<f64>,
    eval: Option<Eval>,
}

impl Cached {
    pub fn new(problem: Hs) -> Self {
        Cached {
            problem,
            x: Vec::with_capacity(problem.n),
            eval: None,
        }
    }

    fn at(&mut self, x: &[f64]) -> &Eval {
        if self.eval.is_none() || self.x != x {
            self.x.clear();
            self.x.extend_from_slice(x);
            self.eval = Some((self.problem.eval)(x));
        }
        self.eval.as_ref().unwrap()
    }
}

impl NlpProblem for Cached {
    fn num_variables(&self) -> usize {
        self.problem.n
    }
    fn num_constraints(&self) -> usize {
        self.problem.m
    }
    fn start(&self) -> Vec<f64> {
        self.problem.start.to_vec()
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        self.at(x).f
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        grad.copy_from_slice(&self.at(x).grad);
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        for (v, c) in values.iter_mut().zip(&self.at(x).cons) {
            *v = c.0;
        }
    }
    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        let n = self.problem.n;
        for (i, c) in self.at(x).cons.iter().enumerate() {
            for j in 0..n {
                jac[(i, j)] = c.1[j];
            }
        }
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        let n = self.problem.n;
        let e = self.at(x);
        for i in 0..n {
            for j in 0..n {
                let mut v = objective_factor * e.hess[i][j];
                for (k, c) in e.cons.iter().enumerate() {
                    v -= lambda[k] * c.2[i][j];
                }
                hess[(i, j)] = v;
            }
        }
    }
}
