//! Every kernel against a CPU reference on fresh random inputs (f64):
//! relative error ≤ 1e-12 elementwise, ≤ 1e-10 for reductions (relative to
//! the sum of |terms|). Allocations are poisoned with NaN (see cuda_common),
//! so an element a kernel does not write fails the comparison; every launch
//! is followed by a checked synchronisation.
//!
//! Skipped (with a note) without a GPU; kernels/gpu-check.sh runs them with
//! LAGRANGE_REQUIRE_GPU=1.
#![cfg(feature = "cuda")]

mod cuda_common;

use cuda_common::gpu;
use lagrange::cuda::{sum_value_and_grad, BinaryFn, Device, DeviceTensor, Expr};
use lagrange_test_support::accuracy::{
    assert_reduction, assert_rel, assert_rel_to_terms, sum_ref, ELEMENTWISE_TOL, REDUCTION_TOL,
};
use lagrange_test_support::Rng;

/// Sizes that hit partial blocks, a single element and several blocks.
const SIZES: &[usize] = &[1, 255, 257, 100_003];

type Fwd = fn(f64) -> f64;

/// (name, device op, CPU value, CPU derivative, input range): derivative
/// formulas written independently of the kernels' (e.g. tan' = 1/cos²).
#[allow(clippy::type_complexity)]
fn unary_cases() -> Vec<(
    &'static str,
    fn(&DeviceTensor) -> DeviceTensor,
    Fwd,
    Fwd,
    (f64, f64),
)> {
    vec![
        ("neg", |t| t.neg().unwrap(), |x| -x, |_| -1.0, (-3.0, 3.0)),
        ("exp", |t| t.exp().unwrap(), f64::exp, f64::exp, (-5.0, 5.0)),
        (
            "log",
            |t| t.log().unwrap(),
            f64::ln,
            |x| 1.0 / x,
            (0.01, 10.0),
        ),
        (
            "sqrt",
            |t| t.sqrt().unwrap(),
            f64::sqrt,
            |x| 0.5 / x.sqrt(),
            (0.01, 10.0),
        ),
        ("sin", |t| t.sin().unwrap(), f64::sin, f64::cos, (-4.0, 4.0)),
        (
            "cos",
            |t| t.cos().unwrap(),
            f64::cos,
            |x| -x.sin(),
            (-4.0, 4.0),
        ),
        (
            "tan",
            |t| t.tan().unwrap(),
            f64::tan,
            |x| 1.0 / (x.cos() * x.cos()),
            (-1.2, 1.2),
        ),
        (
            "tanh",
            |t| t.tanh().unwrap(),
            f64::tanh,
            |x| 1.0 / (x.cosh() * x.cosh()),
            (-3.0, 3.0),
        ),
        (
            "log1p",
            |t| t.log1p().unwrap(),
            |x| (1.0 + x).ln(),
            |x| 1.0 / (1.0 + x),
            (0.2, 5.0),
        ),
        (
            "expm1",
            |t| t.expm1().unwrap(),
            |x| x.exp() - 1.0,
            f64::exp,
            (0.5, 3.0),
        ),
        (
            "atan",
            |t| t.atan().unwrap(),
            f64::atan,
            |x| x.atan().cos().powi(2),
            (-4.0, 4.0),
        ),
        (
            "sigmoid",
            |t| t.sigmoid().unwrap(),
            |x| 0.5 * (1.0 + (0.5 * x).tanh()),
            |x| 0.25 / ((0.5 * x).cosh() * (0.5 * x).cosh()),
            (-6.0, 6.0),
        ),
        (
            "abs",
            |t| t.abs().unwrap(),
            f64::abs,
            f64::signum,
            (-3.0, 3.0),
        ),
        (
            "square",
            |t| t.square().unwrap(),
            |x| x * x,
            |x| 2.0 * x,
            (-3.0, 3.0),
        ),
        (
            "powf(2.5)",
            |t| t.powf(2.5).unwrap(),
            |x| x.powf(2.5),
            |x| 2.5 * x.powf(1.5),
            (0.1, 4.0),
        ),
        (
            "powf(-1.5)",
            |t| t.powf(-1.5).unwrap(),
            |x| x.powf(-1.5),
            |x| -1.5 * x.powf(-2.5),
            (0.1, 4.0),
        ),
        (
            "add_scalar",
            |t| t.add_scalar(1.75).unwrap(),
            |x| x + 1.75,
            |_| 1.0,
            (-3.0, 3.0),
        ),
        (
            "sub_scalar",
            |t| t.sub_scalar(0.5).unwrap(),
            |x| x - 0.5,
            |_| 1.0,
            (-3.0, 3.0),
        ),
        (
            "mul_scalar",
            |t| t.mul_scalar(-2.25).unwrap(),
            |x| x * -2.25,
            |_| -2.25,
            (-3.0, 3.0),
        ),
        (
            "div_scalar",
            |t| t.div_scalar(4.0).unwrap(),
            |x| x * 0.25,
            |_| 0.25,
            (-3.0, 3.0),
        ),
        (
            "rdiv_scalar",
            |t| t.rdiv_scalar(3.0).unwrap(),
            |x| 3.0 / x,
            |x| -3.0 / (x * x),
            (0.1, 4.0),
        ),
    ]
}

#[test]
fn unary_kernels_and_their_derivatives() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("unary");
    for (name, op, f, df, (lo, hi)) in unary_cases() {
        for &n in SIZES {
            let xs = rng.uniform(n, lo, hi);
            let v = rng.uniform(n, -1.0, 1.0);
            let x = DeviceTensor::from_vec(xs.clone(), dev)
                .unwrap()
                .requires_grad();
            let y = op(&x);
            let want: Vec<f64> = xs.iter().map(|&x| f(x)).collect();
            assert_rel(
                &format!("{name} forward, n={n}"),
                &y.to_vec().unwrap(),
                &want,
                ELEMENTWISE_TOL,
            );
            // Backward with a dense seed: the gradient is written ...
            let seed = DeviceTensor::from_vec(v.clone(), dev).unwrap();
            y.backward_with(&seed).unwrap();
            let want: Vec<f64> = xs.iter().zip(&v).map(|(&x, &v)| v * df(x)).collect();
            assert_rel(
                &format!("{name} backward, n={n}"),
                &x.grad().unwrap().to_vec().unwrap(),
                &want,
                ELEMENTWISE_TOL,
            );
            // ... and accumulated by a second backward.
            y.backward_with(&seed).unwrap();
            let want2: Vec<f64> = want.iter().map(|w| w + w).collect();
            assert_rel(
                &format!("{name} accumulated backward, n={n}"),
                &x.grad().unwrap().to_vec().unwrap(),
                &want2,
                ELEMENTWISE_TOL,
            );
            // A broadcast seed (the backward of a sum): gradient f'(x).
            let x2 = DeviceTensor::from_vec(xs.clone(), dev)
                .unwrap()
                .requires_grad();
            op(&x2).sum().unwrap().backward().unwrap();
            let want: Vec<f64> = xs.iter().map(|&x| df(x)).collect();
            assert_rel(
                &format!("{name} backward of sum, n={n}"),
                &x2.grad().unwrap().to_vec().unwrap(),
                &want,
                ELEMENTWISE_TOL,
            );
        }
    }
}

type Bin = fn(f64, f64) -> f64;

/// (name, device op, value, ∂/∂a, ∂/∂b, range of a, range of b)
#[allow(clippy::type_complexity)]
fn binary_cases() -> Vec<(
    &'static str,
    fn(&DeviceTensor, &DeviceTensor) -> DeviceTensor,
    Bin,
    Bin,
    Bin,
    (f64, f64),
    (f64, f64),
)> {
    vec![
        (
            "add",
            |a, b| a.add(b).unwrap(),
            |a, b| a + b,
            |_, _| 1.0,
            |_, _| 1.0,
            (-3.0, 3.0),
            (-3.0, 3.0),
        ),
        (
            "sub",
            |a, b| a.sub(b).unwrap(),
            |a, b| a - b,
            |_, _| 1.0,
            |_, _| -1.0,
            (-3.0, 3.0),
            (-3.0, 3.0),
        ),
        (
            "mul",
            |a, b| a.mul(b).unwrap(),
            |a, b| a * b,
            |_, b| b,
            |a, _| a,
            (-3.0, 3.0),
            (-3.0, 3.0),
        ),
        (
            "div",
            |a, b| a.div(b).unwrap(),
            |a, b| a / b,
            |_, b| 1.0 / b,
            |a, b| -a / (b * b),
            (-3.0, 3.0),
            (0.5, 3.0),
        ),
        (
            "pow",
            |a, b| a.pow(b).unwrap(),
            f64::powf,
            |a, b| b * a.powf(b - 1.0),
            |a, b| a.powf(b) * a.ln(),
            (0.2, 3.0),
            (-2.0, 2.0),
        ),
    ]
}

#[test]
fn binary_kernels_with_fused_backward_and_broadcast() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("binary");
    for (name, op, f, da, db, ra, rb) in binary_cases() {
        for &n in SIZES {
            // Shapes: both [n]; b broadcast; a broadcast.
            for (na, nb) in [(n, n), (n, 1), (1, n)] {
                let av = rng.uniform(na, ra.0, ra.1);
                let bv = rng.uniform(nb, rb.0, rb.1);
                let v = rng.uniform(n, -1.0, 1.0);
                let at = |i: usize| av[if na == 1 { 0 } else { i }];
                let bt = |i: usize| bv[if nb == 1 { 0 } else { i }];
                let shape = |k: usize| if k == 1 && n != 1 { vec![] } else { vec![k] };
                let a = DeviceTensor::from_slice(&av, &shape(na), dev)
                    .unwrap()
                    .requires_grad();
                let b = DeviceTensor::from_slice(&bv, &shape(nb), dev)
                    .unwrap()
                    .requires_grad();
                let y = op(&a, &b);
                assert_eq!(y.numel(), n);
                let want: Vec<f64> = (0..n).map(|i| f(at(i), bt(i))).collect();
                let what = format!("{name} [{na}] with [{nb}]");
                assert_rel(
                    &format!("{what} forward"),
                    &y.to_vec().unwrap(),
                    &want,
                    ELEMENTWISE_TOL,
                );
                y.backward_with(&DeviceTensor::from_slice(&v, y.shape(), dev).unwrap())
                    .unwrap();
                for (side, t, len, d) in [("a", &a, na, da), ("b", &b, nb, db)] {
                    let got = t.grad().unwrap().to_vec().unwrap();
                    let terms: Vec<f64> = (0..n).map(|i| v[i] * d(at(i), bt(i))).collect();
                    if len == n {
                        assert_rel(&format!("{what} d{side}"), &got, &terms, ELEMENTWISE_TOL);
                    } else {
                        let (want, scale) = sum_ref(terms);
                        assert_reduction(
                            &format!("{what} d{side} (broadcast)"),
                            got[0],
                            want,
                            scale,
                            REDUCTION_TOL,
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn same_tensor_on_both_sides_gets_both_contributions() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("aliasing");
    let xs = rng.uniform(100_003, -2.0, 2.0);
    let x = DeviceTensor::from_vec(xs.clone(), dev)
        .unwrap()
        .requires_grad();
    x.mul(&x).unwrap().sum().unwrap().backward().unwrap();
    let want: Vec<f64> = xs.iter().map(|x| 2.0 * x).collect();
    assert_rel(
        "d/dx Σ x·x",
        &x.grad().unwrap().to_vec().unwrap(),
        &want,
        ELEMENTWISE_TOL,
    );
    let z = DeviceTensor::from_vec(xs.clone(), dev)
        .unwrap()
        .requires_grad();
    z.div(&z)
        .unwrap()
        .add(&z)
        .unwrap()
        .sum()
        .unwrap()
        .backward()
        .unwrap();
    let g = z.grad().unwrap().to_vec().unwrap();
    // d/dz (z/z + z) = 1 + 1/z − z/z² = 1, up to the rounding of adding
    // ±1/z to 1 in turn (the contributions accumulate one after another).
    for (i, (g, z)) in g.iter().zip(&xs).enumerate() {
        let tol = 4.0 * f64::EPSILON * (1.0 + 2.0 / z.abs());
        assert!((g - 1.0).abs() <= tol, "element {i}: z = {z}, gradient {g}");
    }
}

#[test]
fn reductions_match_compensated_sums_and_are_deterministic() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("reductions");
    for &n in &[1, 255, 256, 257, 262_143, 262_145, 1_000_003] {
        let xs = rng.uniform(n, -1.0, 2.0);
        let ys = rng.uniform(n, -1.5, 1.0);
        let x = DeviceTensor::from_vec(xs.clone(), dev)
            .unwrap()
            .requires_grad();
        let y = DeviceTensor::from_vec(ys.clone(), dev)
            .unwrap()
            .requires_grad();

        let s = x.sum().unwrap();
        let (want, scale) = sum_ref(xs.iter().copied());
        let got = s.item().unwrap();
        assert_reduction(&format!("sum n={n}"), got, want, scale, REDUCTION_TOL);
        // Fixed partition, fixed order: bitwise the same every time.
        for _ in 0..3 {
            assert_eq!(
                x.sum().unwrap().item().unwrap().to_bits(),
                got.to_bits(),
                "sum n={n} not deterministic"
            );
        }
        let m = x.mean().unwrap().item().unwrap();
        assert_reduction(
            &format!("mean n={n}"),
            m,
            want / n as f64,
            scale / n as f64,
            REDUCTION_TOL,
        );

        let (want, scale) = sum_ref(xs.iter().zip(&ys).map(|(a, b)| a * b));
        let d = x.dot(&y).unwrap();
        assert_reduction(
            &format!("dot n={n}"),
            d.item().unwrap(),
            want,
            scale,
            REDUCTION_TOL,
        );

        let (sq, _) = sum_ref(xs.iter().map(|a| a * a));
        let r = x.norm().unwrap();
        let norm = r.item().unwrap();
        assert_reduction(
            &format!("norm n={n}"),
            norm,
            sq.sqrt(),
            sq.sqrt(),
            REDUCTION_TOL,
        );

        // Gradients: d sum = 1, d mean = 1/n, d dot = (y, x), d norm = x/‖x‖.
        s.backward().unwrap();
        assert_rel(
            "d sum",
            &x.grad().unwrap().to_vec().unwrap(),
            &vec![1.0; n],
            ELEMENTWISE_TOL,
        );
        x.zero_grad();
        x.mean().unwrap().backward().unwrap();
        assert_rel(
            "d mean",
            &x.grad().unwrap().to_vec().unwrap(),
            &vec![1.0 / n as f64; n],
            ELEMENTWISE_TOL,
        );
        x.zero_grad();
        d.backward().unwrap();
        assert_rel(
            "d dot / dx",
            &x.grad().unwrap().to_vec().unwrap(),
            &ys,
            ELEMENTWISE_TOL,
        );
        assert_rel(
            "d dot / dy",
            &y.grad().unwrap().to_vec().unwrap(),
            &xs,
            ELEMENTWISE_TOL,
        );
        x.zero_grad();
        r.backward().unwrap();
        let want: Vec<f64> = xs.iter().map(|a| a / norm).collect();
        assert_rel(
            "d norm",
            &x.grad().unwrap().to_vec().unwrap(),
            &want,
            ELEMENTWISE_TOL,
        );
    }
}

fn matvec_ref(a: &[f64], x: &[f64], m: usize, n: usize) -> Vec<(f64, f64)> {
    (0..m)
        .map(|r| sum_ref((0..n).map(|c| a[r * n + c] * x[c])))
        .collect()
}

fn matvec_t_ref(a: &[f64], y: &[f64], m: usize, n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|c| sum_ref((0..m).map(|r| a[r * n + c] * y[r])))
        .collect()
}

#[test]
fn matrix_vector_products_and_their_gradients() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("matvec");
    for &(m, n) in &[
        (1, 1),
        (1, 1000),
        (1000, 1),
        (37, 1000),
        (1000, 37),
        (513, 257),
        (2000, 3000),
    ] {
        let av = rng.uniform(m * n, -1.0, 1.0);
        let xv = rng.uniform(n, -1.0, 1.0);
        let yv = rng.uniform(m, -1.0, 1.0);
        let a = DeviceTensor::from_slice(&av, &[m, n], dev)
            .unwrap()
            .requires_grad();
        let x = DeviceTensor::from_vec(xv.clone(), dev)
            .unwrap()
            .requires_grad();
        let y = DeviceTensor::from_vec(yv.clone(), dev)
            .unwrap()
            .requires_grad();

        // A·x and Aᵀ·y against compensated CPU sums, row by row.
        let ax = a.matvec(&x).unwrap();
        for (r, (got, (want, scale))) in ax
            .to_vec()
            .unwrap()
            .iter()
            .zip(matvec_ref(&av, &xv, m, n))
            .enumerate()
        {
            assert_reduction(
                &format!("A·x [{m}x{n}] row {r}"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }
        let aty = a.matvec_t(&y).unwrap();
        for (c, (got, (want, scale))) in aty
            .to_vec()
            .unwrap()
            .iter()
            .zip(matvec_t_ref(&av, &yv, m, n))
            .enumerate()
        {
            assert_reduction(
                &format!("Aᵀ·y [{m}x{n}] column {c}"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }

        // VJP of A·x with seed v = y: dx = Aᵀ y, dA = y xᵀ.
        ax.backward_with(&y.detach()).unwrap();
        let gx = x.grad().unwrap().to_vec().unwrap();
        for (c, (got, (want, scale))) in gx.iter().zip(matvec_t_ref(&av, &yv, m, n)).enumerate() {
            assert_reduction(
                &format!("VJP of A·x: (Aᵀv)[{c}]"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }
        let want: Vec<f64> = (0..m * n).map(|i| yv[i / n] * xv[i % n]).collect();
        assert_rel(
            "dA of A·x",
            &a.grad().unwrap().to_vec().unwrap(),
            &want,
            ELEMENTWISE_TOL,
        );

        // VJP of Aᵀ·y with seed x: dy = A x, dA += y xᵀ (so dA doubles).
        aty.backward_with(&x.detach()).unwrap();
        let gy = y.grad().unwrap().to_vec().unwrap();
        for (r, (got, (want, scale))) in gy.iter().zip(matvec_ref(&av, &xv, m, n)).enumerate() {
            assert_reduction(
                &format!("VJP of Aᵀ·y: (A v)[{r}]"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }
        let want2: Vec<f64> = want.iter().map(|w| 2.0 * w).collect();
        assert_rel(
            "dA accumulated",
            &a.grad().unwrap().to_vec().unwrap(),
            &want2,
            ELEMENTWISE_TOL,
        );

        // Broadcast seeds: d/dx Σ(A x) = Aᵀ 1 and d/dy Σ(Aᵀ y) = A 1.
        let x1 = x.detach().requires_grad();
        a.detach()
            .matvec(&x1)
            .unwrap()
            .sum()
            .unwrap()
            .backward()
            .unwrap();
        let ones_m = vec![1.0; m];
        for (c, (got, (want, scale))) in x1
            .grad()
            .unwrap()
            .to_vec()
            .unwrap()
            .iter()
            .zip(matvec_t_ref(&av, &ones_m, m, n))
            .enumerate()
        {
            assert_reduction(
                &format!("d Σ(Ax)/dx [{c}]"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }
        let y1 = y.detach().requires_grad();
        a.detach()
            .matvec_t(&y1)
            .unwrap()
            .sum()
            .unwrap()
            .backward()
            .unwrap();
        let ones_n = vec![1.0; n];
        for (r, (got, (want, scale))) in y1
            .grad()
            .unwrap()
            .to_vec()
            .unwrap()
            .iter()
            .zip(matvec_ref(&av, &ones_n, m, n))
            .enumerate()
        {
            assert_reduction(
                &format!("d Σ(Aᵀy)/dy [{r}]"),
                *got,
                want,
                scale,
                REDUCTION_TOL,
            );
        }
    }
}

/// Expressions covering every instruction of the fused kernel, with domains
/// where they are defined.
/// Size of the value and derivative of `e` at `x` as the sum of the
/// absolute values of the terms the dual-number rules add (product rule,
/// quotient rule, sums): the scale that device rounding is relative to, so
/// a derivative that cancels to a small number is judged against its terms.
fn term_sizes(e: &Expr, x: f64) -> (f64, f64) {
    match e {
        Expr::X => (x.abs(), 1.0),
        Expr::Const(c) => (c.abs(), 0.0),
        Expr::Unary(f, u) => {
            let (v, _) = u.eval(x);
            let (_, mu) = term_sizes(u, x);
            let (fv, dfv) = Expr::Unary(*f, Box::new(Expr::X)).eval(v);
            (fv.abs(), dfv.abs() * mu)
        }
        Expr::Binary(f, u, w) => {
            let ((a, _), (b, _)) = (u.eval(x), w.eval(x));
            let ((ma, mda), (mb, mdb)) = (term_sizes(u, x), term_sizes(w, x));
            match f {
                BinaryFn::Add | BinaryFn::Sub => (ma + mb, mda + mdb),
                BinaryFn::Mul => (ma * mb, mda * mb + ma * mdb),
                BinaryFn::Div => {
                    let q = (a / b).abs();
                    (q, (mda + q * mdb) / b.abs())
                }
                BinaryFn::Pow => {
                    let y = a.powf(b);
                    let ga = if b == 0.0 {
                        0.0
                    } else {
                        (b * a.powf(b - 1.0)).abs()
                    };
                    let gb = if y == 0.0 { 0.0 } else { (y * a.ln()).abs() };
                    (y.abs(), ga * mda + gb * mdb)
                }
            }
        }
    }
}

/// Per element, the size of the derivative's terms (see [`term_sizes`]).
fn derivative_term_sizes(e: &Expr, xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|&x| term_sizes(e, x).1).collect()
}

fn fused_cases() -> Vec<(Expr, (f64, f64))> {
    let x = Expr::x;
    vec![
        (x().sin().exp() * x().square(), (-3.0, 3.0)),
        (
            (x() + 1.5).log() - x().cos() / (x().tanh() + 2.0),
            (0.0, 3.0),
        ),
        (x().powf(2.5) * 3.0 + 2.0 / (x() + 4.0), (0.1, 3.0)),
        (x().abs().sqrt() - (-x()).tan() * 0.5, (0.1, 1.2)),
        (
            (x() + 3.0).pow(x().sin()) + Expr::constant(0.25) * x(),
            (-2.0, 2.0),
        ),
        (
            ((x().sin() * x().cos()) * (x().exp() + x())) * ((x() - 1.0) * (x() + 2.0)),
            (-2.0, 2.0),
        ),
        (
            x().log1p() * x().atan() + (x() * 0.5).expm1() - (x() - 1.0).sigmoid(),
            (-0.5, 3.0),
        ),
    ]
}

#[test]
fn fused_expressions_match_the_host_evaluation() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("fused");
    for (e, (lo, hi)) in fused_cases() {
        let f = e.compile().unwrap();
        for &n in SIZES {
            let xs = rng.uniform(n, lo, hi);
            let v = rng.uniform(n, -1.0, 1.0);
            let want_v: Vec<f64> = xs.iter().map(|&x| e.eval(x).0).collect();
            let want_d: Vec<f64> = xs.iter().map(|&x| e.eval(x).1).collect();
            let what = format!("{e:?} n={n}");

            let x = DeviceTensor::from_vec(xs.clone(), dev)
                .unwrap()
                .requires_grad();
            let y = x.map(&f).unwrap();
            assert_rel(
                &format!("map {what}"),
                &y.to_vec().unwrap(),
                &want_v,
                ELEMENTWISE_TOL,
            );
            y.backward_with(&DeviceTensor::from_vec(v.clone(), dev).unwrap())
                .unwrap();
            let want: Vec<f64> = want_d.iter().zip(&v).map(|(d, v)| d * v).collect();
            let sizes = derivative_term_sizes(&e, &xs);
            let scaled: Vec<f64> = sizes.iter().zip(&v).map(|(s, v)| s * v.abs()).collect();
            assert_rel_to_terms(
                &format!("map backward {what}"),
                &x.grad().unwrap().to_vec().unwrap(),
                &want,
                &scaled,
                ELEMENTWISE_TOL,
            );

            let (want_s, scale) = sum_ref(want_v.iter().copied());
            let x2 = x.detach().requires_grad();
            let s = x2.map_sum(&f).unwrap();
            assert_reduction(
                &format!("map_sum {what}"),
                s.item().unwrap(),
                want_s,
                scale,
                REDUCTION_TOL,
            );
            s.backward().unwrap();
            assert_rel_to_terms(
                &format!("map_sum backward {what}"),
                &x2.grad().unwrap().to_vec().unwrap(),
                &want_d,
                &sizes,
                ELEMENTWISE_TOL,
            );

            let (value, grad) = sum_value_and_grad(&x.detach(), &f).unwrap();
            assert_reduction(
                &format!("value_and_grad {what}"),
                value,
                want_s,
                scale,
                REDUCTION_TOL,
            );
            assert_rel_to_terms(
                &format!("value_and_grad gradient {what}"),
                &grad.to_vec().unwrap(),
                &want_d,
                &sizes,
                ELEMENTWISE_TOL,
            );
        }
    }
}

#[test]
fn fill_copy_reshape_and_transfer() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("copies");
    let xs = rng.uniform(1_000_003, -1.0, 1.0);
    let x = DeviceTensor::from_vec(xs.clone(), dev).unwrap();
    assert_eq!(x.to_vec().unwrap(), xs);
    assert_eq!(x.copy().unwrap().to_vec().unwrap(), xs);
    assert_eq!(x.to(dev).unwrap().to_vec().unwrap(), xs);
    assert_eq!(
        DeviceTensor::full(&[3, 5], -2.5, dev)
            .unwrap()
            .to_vec()
            .unwrap(),
        vec![-2.5; 15]
    );
    assert_eq!(
        DeviceTensor::zeros(&[0], dev).unwrap().to_vec().unwrap(),
        Vec::<f64>::new()
    );
    let m = DeviceTensor::from_slice(&xs[..6], &[2, 3], dev)
        .unwrap()
        .requires_grad();
    let r = m.reshape(&[6]).unwrap();
    assert_eq!(r.shape(), &[6]);
    r.mul_scalar(3.0)
        .unwrap()
        .sum()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(m.grad().unwrap().to_vec().unwrap(), vec![3.0; 6]);
    assert_eq!(DeviceTensor::scalar(4.0, dev).unwrap().item().unwrap(), 4.0);
    let _ = Device::Cuda(0);
}
