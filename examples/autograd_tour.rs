//! A tour of the autodiff engine following the seed tutorial (Tutorial 04,
//! "Differentiation & Autograd"): automatic differentiation is exact, unlike
//! finite differences; reverse mode on a small graph; `mean(3(x+2)²)`;
//! vector-Jacobian products; `no_grad` and `detach`; then forward mode with
//! dual numbers and the compiled tape with an exact Hessian.
//!
//! Run with `cargo run --example autograd_tour`.

use faer::Mat;
use lagrange::autodiff::{no_grad, AutodiffError, Dual, Real, Tape, Tensor};

/// func(x) = 3x³ − 5x², written once for any number type.
fn func<T: Real>(x: &T) -> T {
    x.powf(3.0) * 3.0 - x.powf(2.0) * 5.0
}

fn main() -> Result<(), AutodiffError> {
    // 1. AutoDiff is not numerical differentiation.
    println!("== d/dx (3x^3 - 5x^2) at x = 1.5; exact value 9x^2 - 10x = 5.25");
    let x = Tensor::scalar(1.5).requires_grad();
    let y = func(&x);
    y.backward()?;
    let ad = x.grad().expect("x requires grad")[0];
    println!("reverse-mode AD: {ad}   (error {:.1e})", (ad - 5.25).abs());
    println!(
        "{:>8} {:>22} {:>10} {:>22} {:>10}",
        "h", "forward difference", "error", "central difference", "error"
    );
    for k in 1..=10 {
        let h = 10f64.powi(-k);
        let fwd = (func(&(1.5 + h)) - func(&1.5)) / h;
        let cen = (func(&(1.5 + h)) - func(&(1.5 - h))) / (2.0 * h);
        println!(
            "{h:>8.0e} {fwd:>22.15} {:>10.1e} {cen:>22.15} {:>10.1e}",
            (fwd - 5.25).abs(),
            (cen - 5.25).abs()
        );
    }
    println!("truncation error shrinks with h, round-off grows as 1/h; AD has neither.\n");

    // 2. Reverse mode on d = a (a + b).
    println!("== d = a * (a + b)");
    let a = Tensor::scalar(2.0).requires_grad();
    let b = Tensor::scalar(3.0).requires_grad();
    let c = &a + &b;
    let d = &a * &c;
    println!(
        "c.grad_fn = {:?}, d.grad_fn = {:?}",
        c.grad_fn(),
        d.grad_fn()
    );
    d.backward()?;
    println!(
        "dd/da = {} (2a + b = {}), dd/db = {} (a = {})\n",
        a.grad().unwrap()[0],
        2.0 * 2.0 + 3.0,
        b.grad().unwrap()[0],
        2.0
    );

    // 3. o = mean(3 (x + 2)²) at x = 1.
    println!("== o = mean(3 (x + 2)^2), x = ones(2, 2)");
    let x = Tensor::matrix(2, 2, vec![1.0; 4]).requires_grad();
    let y = &x + 2.0;
    let z = &y * &y * 3.0;
    let out = z.mean();
    println!("y = {y:?}");
    println!("z = {z:?}, out = {out:?}");
    out.backward()?;
    println!(
        "x.grad = {:?}   (do/dx_i = 3/2 (x_i + 2) = 4.5)\n",
        x.grad().unwrap()
    );

    // 4. Vector-Jacobian product of a doubling loop.
    println!("== vector-Jacobian product: y = x * 2^k with ||y|| >= 1000");
    let x = Tensor::vector(vec![0.7, -0.5, 1.2]).requires_grad();
    let mut y = &x * 2.0;
    let mut k = 1;
    while y.norm().item() < 1000.0 {
        y = &y * 2.0;
        k += 1;
    }
    println!("y = {y:?} after k = {k} doublings");
    let v = [0.1, 1.0, 0.0001];
    y.backward_with(&v, false)?;
    println!("x.grad = v^T J = 2^{k} v = {:?}\n", x.grad().unwrap());

    // 5. Stopping the recording.
    println!("== no_grad and detach");
    println!("x.requires_grad = {}", x.is_requires_grad());
    println!(
        "(x ** 2).requires_grad = {}",
        x.powf(2.0).is_requires_grad()
    );
    println!(
        "under no_grad: (x ** 2).requires_grad = {}",
        no_grad(|| x.powf(2.0)).is_requires_grad()
    );
    let yd = x.detach();
    println!(
        "y = x.detach(): y.requires_grad = {}, same values: {}\n",
        yd.is_requires_grad(),
        yd.to_vec() == x.to_vec()
    );

    // 6. Forward mode: dual numbers on the same function.
    println!("== forward mode with dual numbers");
    let fx = func(&Dual::variable(1.5));
    println!("func(1.5 + ε) = {fx}   (the ε coefficient is the derivative)\n");

    // 7. A compiled tape: gradient and exact Hessian at new points.
    println!("== compiled tape of f(x) = sum(exp(sin(x)) * x^2)");
    let x = Tensor::vector(vec![0.1, 0.2, 0.3]).requires_grad();
    let f = (x.sin().exp() * x.powf(2.0)).sum();
    let mut tape = Tape::record(&[&x], &[&f])?;
    let p = [0.5, -1.0, 2.0];
    let mut grad = [0.0; 3];
    let value = tape.gradient(&p, &mut grad);
    let mut h = Mat::<f64>::zeros(3, 3);
    tape.hessian(&[1.0], h.as_mut());
    println!("f({p:?}) = {value:.6}");
    println!("gradient = {grad:.6?}");
    println!(
        "Hessian (diagonal, separable f) = {:.6?}",
        (0..3).map(|i| h[(i, i)]).collect::<Vec<_>>()
    );
    Ok(())
}
