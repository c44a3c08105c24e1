//! Property tests: random compositions of the ops at random points.
//!
//! Every expression is evaluated three independent ways: with tensor ops
//! (eager graph and compiled tape), and through the `Real` trait on `f64`
//! and `Dual` (a second implementation of each op, element by element).
//! The derivatives must agree with central finite differences (relative
//! error ≤ 1e-6) and with each other:
//! gradient (eager) = VJP (tape), JVP·u = u·VJP, Dual = tape JVP,
//! HVP = Hessian·v, Hessian = finite differences of the gradient.
//!
//! Inputs stay in domains where every op is smooth: logs and square roots
//! see 1 + a², powers have positive bases, norms get a constant 1 appended.

use faer::Mat;
use lagrange::autodiff::{Dual, Real, Tape, Tensor};
use proptest::prelude::*;

const N: usize = 3;
/// A fixed, well-scaled matrix for matrix-vector products.
const A: [[f64; N]; N] = [[0.8, -0.3, 0.5], [0.1, 0.9, -0.4], [-0.6, 0.2, 0.7]];

#[derive(Clone, Copy, Debug)]
enum U {
    Sin,
    Cos,
    Tanh,
    ExpSin,
    Log1pSq,
    SqrtSoft,
    Sq,
    Cube,
    TanHalfTanh,
    PowPos,
    Neg,
    AbsShift,
    Affine,
}

#[derive(Clone, Copy, Debug)]
enum B {
    Add,
    Sub,
    Mul,
    DivSoft,
}

#[derive(Clone, Copy, Debug)]
enum R {
    Sum,
    Mean,
    NormSoft,
}

/// A vector-valued expression of x ∈ ℝ³.
#[derive(Clone, Debug)]
enum V {
    X,
    Un(U, Box<V>),
    Bin(B, Box<V>, Box<V>),
    WithScalar(B, Box<V>, Box<S>),
    MatVec(Box<V>),
    Rotate(Box<V>),
    ViaTranspose(Box<V>),
}

/// A scalar-valued expression of x ∈ ℝ³.
#[derive(Clone, Debug)]
enum S {
    Xi(usize),
    Un(U, Box<S>),
    Bin(B, Box<S>, Box<S>),
    Red(R, Box<V>),
    Dot(Box<V>, Box<V>),
}

fn arb_u() -> impl Strategy<Value = U> {
    prop_oneof![
        Just(U::Sin),
        Just(U::Cos),
        Just(U::Tanh),
        Just(U::ExpSin),
        Just(U::Log1pSq),
        Just(U::SqrtSoft),
        Just(U::Sq),
        Just(U::Cube),
        Just(U::TanHalfTanh),
        Just(U::PowPos),
        Just(U::Neg),
        Just(U::AbsShift),
        Just(U::Affine),
    ]
}

fn arb_b() -> impl Strategy<Value = B> {
    prop_oneof![Just(B::Add), Just(B::Sub), Just(B::Mul), Just(B::DivSoft)]
}

fn arb_r() -> impl Strategy<Value = R> {
    prop_oneof![Just(R::Sum), Just(R::Mean), Just(R::NormSoft)]
}

fn arb_exprs(depth: u32) -> (BoxedStrategy<V>, BoxedStrategy<S>) {
    if depth == 0 {
        return (Just(V::X).boxed(), (0..N).prop_map(S::Xi).boxed());
    }
    let (v, s) = arb_exprs(depth - 1);
    let bv = |e: V| Box::new(e);
    let vs = prop_oneof![
        1 => Just(V::X),
        3 => (arb_u(), v.clone()).prop_map(move |(u, a)| V::Un(u, bv(a))),
        3 => (arb_b(), v.clone(), v.clone()).prop_map(|(b, a, c)| V::Bin(b, Box::new(a), Box::new(c))),
        2 => (arb_b(), v.clone(), s.clone()).prop_map(|(b, a, c)| V::WithScalar(b, Box::new(a), Box::new(c))),
        1 => v.clone().prop_map(|a| V::MatVec(Box::new(a))),
        1 => v.clone().prop_map(|a| V::Rotate(Box::new(a))),
        1 => v.clone().prop_map(|a| V::ViaTranspose(Box::new(a))),
    ]
    .boxed();
    let ss = prop_oneof![
        1 => (0..N).prop_map(S::Xi),
        2 => (arb_u(), s.clone()).prop_map(|(u, a)| S::Un(u, Box::new(a))),
        2 => (arb_b(), s.clone(), s.clone()).prop_map(|(b, a, c)| S::Bin(b, Box::new(a), Box::new(c))),
        3 => (arb_r(), v.clone()).prop_map(|(r, a)| S::Red(r, Box::new(a))),
        2 => (v.clone(), v).prop_map(|(a, c)| S::Dot(Box::new(a), Box::new(c))),
    ]
    .boxed();
    (vs, ss)
}

// ---- evaluation with tensor ops ----------------------------------------------

fn unary_t(u: U, a: &Tensor) -> Tensor {
    match u {
        U::Sin => a.sin(),
        U::Cos => a.cos(),
        U::Tanh => a.tanh(),
        U::ExpSin => a.sin().exp(),
        U::Log1pSq => (a * a + 1.0).log(),
        U::SqrtSoft => (a.powf(2.0) + 1.0).sqrt(),
        U::Sq => a.powf(2.0),
        U::Cube => a * a * a / 3.0,
        U::TanHalfTanh => (0.5 * a.tanh()).tan(),
        U::PowPos => (a * a + 1.0).pow(&(a.sin() * 0.5)),
        U::Neg => -a,
        U::AbsShift => (a.sin() - 2.0).abs(),
        U::Affine => 1.3 * a - 0.2,
    }
}

fn binary_t(b: B, a: &Tensor, c: &Tensor) -> Tensor {
    match b {
        B::Add => a + c,
        B::Sub => a - c,
        B::Mul => a * c,
        B::DivSoft => a / (c * c + 1.0),
    }
}

fn v_t(e: &V, x: &Tensor) -> Tensor {
    match e {
        V::X => x.clone(),
        V::Un(u, a) => unary_t(*u, &v_t(a, x)),
        V::Bin(b, a, c) => binary_t(*b, &v_t(a, x), &v_t(c, x)),
        V::WithScalar(b, a, c) => binary_t(*b, &v_t(a, x), &s_t(c, x)),
        V::MatVec(a) => {
            let m = Tensor::matrix(N, N, A.concat());
            m.matmul(&v_t(a, x))
        }
        V::Rotate(a) => {
            let a = v_t(a, x);
            Tensor::concat(&[&a.slice(1, N), &a.index(0)])
        }
        V::ViaTranspose(a) => {
            // [3] → [3, 1] → [1, 3] → [3]: the identity, through three ops.
            v_t(a, x).reshape(&[N, 1]).t().reshape(&[N])
        }
    }
}

fn s_t(e: &S, x: &Tensor) -> Tensor {
    match e {
        S::Xi(i) => x.index(*i as isize),
        S::Un(u, a) => unary_t(*u, &s_t(a, x)),
        S::Bin(b, a, c) => binary_t(*b, &s_t(a, x), &s_t(c, x)),
        S::Red(r, a) => {
            let a = v_t(a, x);
            match r {
                R::Sum => a.sum(),
                R::Mean => a.mean(),
                R::NormSoft => Tensor::concat(&[&a, &Tensor::scalar(1.0)]).norm(),
            }
        }
        S::Dot(a, c) => v_t(a, x).dot(&v_t(c, x)),
    }
}

// ---- evaluation element by element through `Real` ------------------------------

fn unary_r<T: Real>(u: U, a: T) -> T {
    match u {
        U::Sin => a.sin(),
        U::Cos => a.cos(),
        U::Tanh => a.tanh(),
        U::ExpSin => a.sin().exp(),
        U::Log1pSq => (a.clone() * a + 1.0).log(),
        U::SqrtSoft => (a.powf(2.0) + 1.0).sqrt(),
        U::Sq => a.powf(2.0),
        U::Cube => a.clone() * a.clone() * a / 3.0,
        U::TanHalfTanh => (a.tanh() * 0.5).tan(),
        U::PowPos => (a.clone() * a.clone() + 1.0).pow(&(a.sin() * 0.5)),
        U::Neg => -a,
        U::AbsShift => (a.sin() - 2.0).abs(),
        U::Affine => a * 1.3 - 0.2,
    }
}

fn binary_r<T: Real>(b: B, a: T, c: T) -> T {
    match b {
        B::Add => a + c,
        B::Sub => a - c,
        B::Mul => a * c,
        B::DivSoft => a / (c.clone() * c + 1.0),
    }
}

fn v_r<T: Real>(e: &V, x: &[T]) -> Vec<T> {
    match e {
        V::X => x.to_vec(),
        V::Un(u, a) => v_r(a, x).into_iter().map(|a| unary_r(*u, a)).collect(),
        V::Bin(b, a, c) => v_r(a, x)
            .into_iter()
            .zip(v_r(c, x))
            .map(|(a, c)| binary_r(*b, a, c))
            .collect(),
        V::WithScalar(b, a, c) => {
            let c = s_r(c, x);
            v_r(a, x)
                .into_iter()
                .map(|a| binary_r(*b, a, c.clone()))
                .collect()
        }
        V::MatVec(a) => {
            let a = v_r(a, x);
            (0..N)
                .map(|i| {
                    let mut acc = a[0].clone() * A[i][0];
                    for j in 1..N {
                        acc = acc + a[j].clone() * A[i][j];
                    }
                    acc
                })
                .collect()
        }
        V::Rotate(a) => {
            let mut a = v_r(a, x);
            a.rotate_left(1);
            a
        }
        V::ViaTranspose(a) => v_r(a, x),
    }
}

fn s_r<T: Real>(e: &S, x: &[T]) -> T {
    match e {
        S::Xi(i) => x[*i].clone(),
        S::Un(u, a) => unary_r(*u, s_r(a, x)),
        S::Bin(b, a, c) => binary_r(*b, s_r(a, x), s_r(c, x)),
        S::Red(r, a) => {
            let a = v_r(a, x);
            let sum = |v: Vec<T>| v.into_iter().reduce(|p, q| p + q).unwrap();
            match r {
                R::Sum => sum(a),
                R::Mean => sum(a) / N as f64,
                R::NormSoft => (sum(a.into_iter().map(|v| v.clone() * v).collect()) + 1.0).sqrt(),
            }
        }
        S::Dot(a, c) => {
            let p: Vec<T> = v_r(a, x)
                .into_iter()
                .zip(v_r(c, x))
                .map(|(a, c)| a * c)
                .collect();
            p.into_iter().reduce(|p, q| p + q).unwrap()
        }
    }
}

// ---- helpers -------------------------------------------------------------------

/// ‖a − b‖∞ ≤ tol · max(1, ‖b‖∞).
fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) -> Result<(), TestCaseError> {
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let err = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (p, q)| m.max((p - q).abs()));
    prop_assert!(
        err <= tol * scale,
        "{what}: {a:?} vs {b:?} (error {err:e}, scale {scale:e})"
    );
    Ok(())
}

fn fd_grad(f: impl Fn(&[f64]) -> f64, p: &[f64]) -> Vec<f64> {
    let h = 1e-5;
    (0..p.len())
        .map(|i| {
            let (mut a, mut b) = (p.to_vec(), p.to_vec());
            a[i] += h;
            b[i] -= h;
            (f(&a) - f(&b)) / (2.0 * h)
        })
        .collect()
}

fn point() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0f64..1.0, N)
}

fn values_finite_and_moderate(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite() && x.abs() < 1e3)
}

proptest! {
    // 64 cases by default (fast in debug builds); PROPTEST_CASES overrides.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
    ))]

    /// Scalar outputs: gradient, HVP and Hessian.
    #[test]
    fn scalar_function_derivatives(e in arb_exprs(3).1, p in point(), q in point(), v in point()) {
        let f64_f = |z: &[f64]| s_r(&e, z);
        prop_assume!(values_finite_and_moderate(&[f64_f(&p), f64_f(&q)]));

        // Eager value and gradient at p.
        let x = Tensor::vector(p.clone()).requires_grad();
        let f = s_t(&e, &x);
        assert_close(&[f.item()], &[f64_f(&p)], 1e-12, "tensor value vs Real value")?;
        let mut tape = Tape::record(&[&x], &[&f]).unwrap();
        f.backward().unwrap();
        let g_eager = x.grad().unwrap();
        assert_close(&g_eager, &fd_grad(f64_f, &p), 1e-6, "eager gradient vs finite differences")?;

        // The tape at a new point q.
        let mut g = vec![0.0; N];
        tape.forward(&q);
        assert_close(tape.outputs(), &[f64_f(&q)], 1e-12, "tape value")?;
        tape.vjp(&[1.0], &mut g);
        let xq = Tensor::vector(q.clone()).requires_grad();
        s_t(&e, &xq).backward().unwrap();
        assert_close(&g, &xq.grad().unwrap(), 1e-12, "tape VJP vs eager backward")?;

        // JVP: tape, Dual and gᵀv agree.
        let mut jv = [0.0];
        tape.jvp(&v, &mut jv);
        let dual = s_r(&e, &Dual::seed(&q, &v)).tangent;
        let gv: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
        assert_close(&[jv[0]], &[gv], 1e-12, "JVP vs gradient·v")?;
        assert_close(&[dual], &[jv[0]], 1e-12, "Dual vs tape JVP")?;

        // HVP and Hessian vs finite differences of the gradient.
        let mut hv = vec![0.0; N];
        tape.hvp(&[1.0], &v, &mut hv);
        let mut h = Mat::<f64>::zeros(N, N);
        tape.hessian(&[1.0], h.as_mut());
        let mut tape2 = tape.clone();
        let grad_at = |z: &[f64], t: &mut Tape| {
            let mut gz = vec![0.0; N];
            t.forward(z);
            t.vjp(&[1.0], &mut gz);
            gz
        };
        let eps = 1e-5;
        let mut hfd = vec![vec![0.0; N]; N];
        for j in 0..N {
            let (mut a, mut b) = (q.clone(), q.clone());
            a[j] += eps;
            b[j] -= eps;
            let (ga, gb) = (grad_at(&a, &mut tape2), grad_at(&b, &mut tape2));
            for i in 0..N {
                hfd[i][j] = (ga[i] - gb[i]) / (2.0 * eps);
            }
        }
        let hflat: Vec<f64> = (0..N).flat_map(|i| (0..N).map(move |j| (i, j))).map(|(i, j)| h[(i, j)]).collect();
        let hfd_flat: Vec<f64> = hfd.concat();
        assert_close(&hflat, &hfd_flat, 1e-6, "Hessian vs finite differences")?;
        let h_v: Vec<f64> = (0..N).map(|i| (0..N).map(|j| h[(i, j)] * v[j]).sum()).collect();
        assert_close(&hv, &h_v, 1e-10, "HVP vs Hessian·v")?;
        let hv_fd: Vec<f64> = (0..N).map(|i| (0..N).map(|j| hfd[i][j] * v[j]).sum()).collect();
        assert_close(&hv, &hv_fd, 1e-6, "HVP vs finite differences")?;
    }

    /// Vector outputs: VJP, JVP and the Jacobian.
    #[test]
    fn vector_function_derivatives(e in arb_exprs(3).0, p in point(), u in point(), w in point()) {
        let f64_f = |z: &[f64]| v_r(&e, z);
        prop_assume!(values_finite_and_moderate(&f64_f(&p)));
        let x = Tensor::vector(p.clone()).requires_grad();
        let y = v_t(&e, &x);
        assert_close(&y.to_vec(), &f64_f(&p), 1e-12, "tensor value vs Real value")?;
        let mut tape = Tape::record(&[&x], &[&y]).unwrap();

        // Eager VJP vs tape VJP vs finite differences of wᵀy.
        y.backward_with(&w, false).unwrap();
        let vjp_eager = x.grad().unwrap();
        let mut vjp = vec![0.0; N];
        tape.vjp(&w, &mut vjp);
        assert_close(&vjp, &vjp_eager, 1e-12, "tape VJP vs eager VJP")?;
        let wy = |z: &[f64]| f64_f(z).iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
        assert_close(&vjp, &fd_grad(wy, &p), 1e-6, "VJP vs finite differences")?;

        // JVP vs finite differences, Dual, and wᵀ(Ju) = (wᵀJ)u.
        let mut ju = vec![0.0; N];
        tape.jvp(&u, &mut ju);
        let h = 1e-5;
        let pp: Vec<f64> = p.iter().zip(&u).map(|(a, b)| a + h * b).collect();
        let pm: Vec<f64> = p.iter().zip(&u).map(|(a, b)| a - h * b).collect();
        let ju_fd: Vec<f64> = f64_f(&pp).iter().zip(f64_f(&pm)).map(|(a, b)| (a - b) / (2.0 * h)).collect();
        assert_close(&ju, &ju_fd, 1e-6, "JVP vs finite differences")?;
        let dual: Vec<f64> = v_r(&e, &Dual::seed(&p, &u)).iter().map(|d| d.tangent).collect();
        assert_close(&dual, &ju, 1e-12, "Dual vs tape JVP")?;
        let lhs: f64 = w.iter().zip(&ju).map(|(a, b)| a * b).sum();
        let rhs: f64 = vjp.iter().zip(&u).map(|(a, b)| a * b).sum();
        assert_close(&[lhs], &[rhs], 1e-12, "wᵀ(Ju) vs (wᵀJ)u")?;

        // Jacobian columns are JVPs of unit vectors, rows are VJPs.
        let mut jac = Mat::<f64>::zeros(N, N);
        tape.jacobian(jac.as_mut());
        let jac_u: Vec<f64> = (0..N).map(|i| (0..N).map(|j| jac[(i, j)] * u[j]).sum()).collect();
        assert_close(&jac_u, &ju, 1e-12, "Jacobian·u vs JVP")?;

        // Σₖ wₖ ∇²yₖ · u: HVP with seed w vs finite differences of the VJP.
        let mut hv = vec![0.0; N];
        tape.hvp(&w, &u, &mut hv);
        let mut t2 = tape.clone();
        let mut vjp_at = |z: &[f64]| {
            let mut g = vec![0.0; N];
            t2.forward(z);
            t2.vjp(&w, &mut g);
            g
        };
        let (ga, gb) = (vjp_at(&pp), vjp_at(&pm));
        let hv_fd: Vec<f64> = ga.iter().zip(&gb).map(|(a, b)| (a - b) / (2.0 * h)).collect();
        assert_close(&hv, &hv_fd, 1e-6, "seeded HVP vs finite differences")?;
    }
}
