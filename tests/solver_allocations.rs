//! Workspaces are allocated once: after `Newton::init`, Newton iterations
//! (factorization with inertia correction, line search, second-order
//! corrections) allocate nothing, checked with a counting global allocator
//! on a problem whose own evaluations do not allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use lagrange::solver::{LinearSolver, Newton, Settings, Status};
use lagrange_test_support::Closure;

struct Counting;

thread_local! {
    /// Allocations made by this thread (tests run in parallel threads).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(|c| c.get())
}

fn count_one() {
    // During thread teardown the slot may be gone: then do not count.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn newton_iterations_do_not_allocate() {
    // Nearest point on the ellipsoid Σ xᵢ²/aᵢ² = 1 to a far point, n = 6:
    // several iterations with regularization and full/partial steps.
    let n = 6;
    let axes: Vec<f64> = (0..n).map(|i| 1.0 + i as f64).collect();
    let target: Vec<f64> = (0..n).map(|i| 3.0 - i as f64).collect();
    let mut p = Closure::new(n, 1, vec![0.5; n]);
    let t1 = target.clone();
    p.f = Box::new(move |x| x.iter().zip(&t1).map(|(a, b)| (a - b) * (a - b)).sum());
    let t2 = target;
    p.grad = Box::new(move |x, g| {
        for k in 0..x.len() {
            g[k] = 2.0 * (x[k] - t2[k]);
        }
    });
    let a1 = axes.clone();
    p.cons = Box::new(move |x, c| {
        c[0] = x.iter().zip(&a1).map(|(x, a)| x * x / (a * a)).sum::<f64>() - 1.0
    });
    let a2 = axes.clone();
    p.jac = Box::new(move |x, mut j| {
        for k in 0..x.len() {
            j[(0, k)] = 2.0 * x[k] / (a2[k] * a2[k]);
        }
    });
    let a3 = axes;
    p.hess = Box::new(move |_, s, l, mut h| {
        for k in 0..a3.len() {
            h[(k, k)] = 2.0 * s - 2.0 * l[0] / (a3[k] * a3[k]);
        }
    });
    let mut newton = Newton::new(Settings::default());
    newton.init(&mut p);
    let mut per_step = Vec::with_capacity(100);
    while newton.status().is_none() {
        let before = allocations();
        newton.next_iter(&mut p);
        per_step.push(allocations() - before);
    }
    assert_eq!(newton.status(), Some(Status::Converged));
    let steps = per_step.len();
    assert!(
        steps >= 3,
        "a test with few iterations proves little: {steps}"
    );
    // Only the last call may allocate: the status message.
    let (last, others) = per_step.split_last().unwrap();
    assert!(
        others.iter().all(|&a| a == 0),
        "allocations per iteration: {per_step:?}"
    );
    assert!(*last <= 1, "allocations per iteration: {per_step:?}");
}

/// The same on the sparse path (sparse LDLᵀ, inertia correction, iterative
/// refinement): the quartic on the sphere and the entropy problem, whose
/// evaluations through the pattern methods do not allocate.
#[test]
fn sparse_newton_iterations_do_not_allocate() {
    for (name, mut p) in [
        (
            "quartic sphere",
            lagrange_test_support::sparse::quartic_sphere(500),
        ),
        ("entropy", lagrange_test_support::sparse::entropy(500)),
        ("cosh chain", lagrange_test_support::sparse::cosh_chain(500)),
    ] {
        let settings = Settings::builder()
            .linear_solver(LinearSolver::Sparse)
            .build()
            .unwrap();
        let mut newton = Newton::new(settings);
        newton.init(&mut p);
        assert!(newton.uses_sparse());
        let mut per_step = Vec::with_capacity(100);
        while newton.status().is_none() {
            let before = allocations();
            newton.next_iter(&mut p);
            per_step.push(allocations() - before);
        }
        assert_eq!(newton.status(), Some(Status::Converged), "{name}");
        assert!(per_step.len() >= 3, "{name}: {per_step:?}");
        let (last, others) = per_step.split_last().unwrap();
        assert!(
            others.iter().all(|&a| a == 0),
            "{name}: allocations per iteration: {per_step:?}"
        );
        assert!(
            *last <= 1,
            "{name}: allocations per iteration: {per_step:?}"
        );
    }
}
