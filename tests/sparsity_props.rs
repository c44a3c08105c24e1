//! Property test: on random compositions of elementwise ops, slices, sums,
//! dots, norms, concatenations, broadcasts and products with sparse
//! constant matrices, the compressed Jacobian and Hessian (colored sweeps)
//! equal the dense tape Jacobian and Hessian (one unit direction per
//! column), and every nonzero of the dense matrices lies in the detected
//! pattern.

use faer::Mat;
use lagrange::autodiff::Tensor;
use lagrange::problem::Problem;
use lagrange::solver::NlpProblem;
use proptest::prelude::*;

/// Variables.
const N: usize = 9;
/// Length of the vector expressions.
const L: usize = 6;

#[derive(Clone, Debug)]
enum V {
    /// x[k..k+L]
    Slice(usize),
    Sin(Box<V>),
    Sq(Box<V>),
    ExpHalf(Box<V>),
    Scale(f64, Box<V>),
    Add(Box<V>, Box<V>),
    Sub(Box<V>, Box<V>),
    Mul(Box<V>, Box<V>),
    /// a / (1 + b²)
    DivSoft(Box<V>, Box<V>),
    /// v · s (scalar broadcast)
    Bcast(Box<V>, Box<S>),
    /// A v for a constant matrix with the given zero pattern seed
    MatVec(u64, Box<V>),
    /// concat(a[..k], b[k..])
    Splice(usize, Box<V>, Box<V>),
    /// constant-masked product c ⊙ v (some c are 0)
    Mask(u64, Box<V>),
}

#[derive(Clone, Debug)]
enum S {
    Var(usize),
    Sum(Box<V>),
    Dot(Box<V>, Box<V>),
    /// ‖(v, 1)‖
    NormSoft(Box<V>),
    Index(usize, Box<V>),
    Mul(Box<S>, Box<S>),
    Cos(Box<S>),
}

fn small_matrix(seed: u64) -> Tensor {
    let data: Vec<f64> = (0..L * L)
        .map(|k| {
            let h = (seed ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .wrapping_mul(0xBF58_476D_1CE4_E5B9);
            if (h >> 60) < 6 {
                0.0
            } else {
                ((h >> 20) % 1000) as f64 / 500.0 - 1.0
            }
        })
        .collect();
    Tensor::matrix(L, L, data)
}

fn mask(seed: u64) -> Tensor {
    Tensor::vector(
        (0..L)
            .map(|k| {
                if (seed >> (3 * k)) & 3 == 0 {
                    0.0
                } else {
                    0.5 + k as f64 / 4.0
                }
            })
            .collect::<Vec<_>>(),
    )
}

fn eval_v(v: &V, x: &Tensor) -> Tensor {
    match v {
        V::Slice(k) => x.slice(*k, *k + L),
        V::Sin(a) => eval_v(a, x).sin(),
        V::Sq(a) => eval_v(a, x).powf(2.0),
        V::ExpHalf(a) => (eval_v(a, x) * 0.5).exp(),
        V::Scale(c, a) => eval_v(a, x) * *c,
        V::Add(a, b) => eval_v(a, x) + eval_v(b, x),
        V::Sub(a, b) => eval_v(a, x) - eval_v(b, x),
        V::Mul(a, b) => eval_v(a, x) * eval_v(b, x),
        V::DivSoft(a, b) => {
            let b = eval_v(b, x);
            eval_v(a, x) / (&b * &b + 1.0)
        }
        V::Bcast(a, s) => eval_v(a, x) * eval_s(s, x),
        V::MatVec(seed, a) => small_matrix(*seed).matmul(&eval_v(a, x)),
        V::Splice(k, a, b) => {
            let (a, b) = (eval_v(a, x), eval_v(b, x));
            Tensor::concat(&[&a.slice(0, *k), &b.slice(*k, L)])
        }
        V::Mask(seed, a) => mask(*seed) * eval_v(a, x),
    }
}

fn eval_s(s: &S, x: &Tensor) -> Tensor {
    match s {
        S::Var(i) => x.index(*i as isize),
        S::Sum(a) => eval_v(a, x).sum(),
        S::Dot(a, b) => eval_v(a, x).dot(&eval_v(b, x)),
        S::NormSoft(a) => Tensor::concat(&[&eval_v(a, x), &Tensor::vector(vec![1.0])]).norm(),
        S::Index(i, a) => eval_v(a, x).index(*i as isize),
        S::Mul(a, b) => eval_s(a, x) * eval_s(b, x),
        S::Cos(a) => eval_s(a, x).cos(),
    }
}

fn vec_expr() -> BoxedStrategy<V> {
    let leaf = (0..=N - L).prop_map(V::Slice);
    leaf.prop_recursive(4, 24, 2, |inner| {
        let scalar = scalar_leaf(inner.clone());
        prop_oneof![
            inner.clone().prop_map(|a| V::Sin(Box::new(a))),
            inner.clone().prop_map(|a| V::Sq(Box::new(a))),
            inner.clone().prop_map(|a| V::ExpHalf(Box::new(a))),
            (-2.0..2.0f64, inner.clone()).prop_map(|(c, a)| V::Scale(c, Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| V::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| V::Sub(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| V::Mul(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| V::DivSoft(Box::new(a), Box::new(b))),
            (inner.clone(), scalar).prop_map(|(a, s)| V::Bcast(Box::new(a), Box::new(s))),
            (any::<u64>(), inner.clone()).prop_map(|(k, a)| V::MatVec(k, Box::new(a))),
            (1..L, inner.clone(), inner.clone()).prop_map(|(k, a, b)| V::Splice(
                k,
                Box::new(a),
                Box::new(b)
            )),
            (any::<u64>(), inner).prop_map(|(k, a)| V::Mask(k, Box::new(a))),
        ]
    })
    .boxed()
}

/// Scalars built from vector expressions (one level).
fn scalar_leaf(v: impl Strategy<Value = V> + Clone + 'static) -> BoxedStrategy<S> {
    prop_oneof![
        (0..N).prop_map(S::Var),
        v.clone().prop_map(|a| S::Sum(Box::new(a))),
        (v.clone(), v.clone()).prop_map(|(a, b)| S::Dot(Box::new(a), Box::new(b))),
        v.clone().prop_map(|a| S::NormSoft(Box::new(a))),
        (0..L, v).prop_map(|(i, a)| S::Index(i, Box::new(a))),
    ]
    .boxed()
}

fn scalar_expr() -> impl Strategy<Value = S> {
    scalar_leaf(vec_expr()).prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| S::Mul(Box::new(a), Box::new(b))),
            inner.prop_map(|a| S::Cos(Box::new(a))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn compressed_derivatives_equal_dense(
        f in scalar_expr(),
        c in vec_expr(),
        d in scalar_expr(),
        point in prop::collection::vec(-1.0..1.0f64, N),
        lambda in prop::collection::vec(-2.0..2.0f64, L + 1),
        sigma in 0.1..2.0f64,
    ) {
        let mut p = Problem::new();
        let x = p.vector_variable("x", vec![0.5; N]);
        p.minimize(eval_s(&f, &x));
        p.constraint("c", eval_v(&c, &x), 0.0);
        p.constraint("d", eval_s(&d, &x), 0.0);
        let mut prob = p.compile().unwrap();
        let m = prob.num_constraints();
        prop_assert_eq!(m, L + 1);

        // Dense oracle: one unit direction per column on a copy of the tape.
        let mut tape = prob.tape().clone();
        tape.forward(&point);
        let mut all = Mat::zeros(tape.num_outputs(), N);
        tape.jacobian(all.as_mut());
        let mut seed = vec![0.0; tape.num_outputs()];
        seed[0] = sigma;
        for i in 0..m {
            seed[1 + i] = -lambda[i];
        }
        let mut hd = Mat::zeros(N, N);
        tape.hessian(&seed, hd.as_mut());

        let jp = prob.jacobian_pattern().unwrap();
        let hp = prob.hessian_pattern().unwrap();
        let mut jv = vec![0.0; jp.nnz()];
        prob.jacobian_values(&point, &mut jv);
        let mut hv = vec![0.0; hp.nnz()];
        prob.hessian_values(&point, sigma, &lambda, &mut hv);

        let mut js = Mat::<f64>::zeros(m, N);
        for k in 0..jp.nnz() {
            js[(jp.rows[k], jp.cols[k])] = jv[k];
        }
        let mut hs = Mat::<f64>::zeros(N, N);
        for k in 0..hp.nnz() {
            prop_assert!(hp.rows[k] >= hp.cols[k]);
            hs[(hp.rows[k], hp.cols[k])] = hv[k];
            hs[(hp.cols[k], hp.rows[k])] = hv[k];
        }
        let scale_j = 1.0 + (0..m).flat_map(|i| (0..N).map(move |j| (i, j))).map(|(i, j)| all[(1 + i, j)].abs()).fold(0.0, f64::max);
        let scale_h = 1.0 + (0..N).flat_map(|i| (0..N).map(move |j| (i, j))).map(|(i, j)| hd[(i, j)].abs()).fold(0.0, f64::max);
        for i in 0..m {
            for j in 0..N {
                let want = all[(1 + i, j)];
                prop_assert!((js[(i, j)] - want).abs() <= 1e-12 * scale_j,
                    "J[{},{}] sparse {} dense {}", i, j, js[(i, j)], want);
            }
        }
        for i in 0..N {
            for j in 0..N {
                prop_assert!((hs[(i, j)] - hd[(i, j)]).abs() <= 1e-11 * scale_h,
                    "H[{},{}] sparse {} dense {}", i, j, hs[(i, j)], hd[(i, j)]);
            }
        }
        let r = prob.sparsity_report().unwrap();
        prop_assert!(r.jacobian_sweeps() <= m, "{}", r);
        prop_assert!(r.hessian_sweeps() <= N, "{}", r);
    }
}
