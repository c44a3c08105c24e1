//! Steady-state recording of scalar ops, their backward pass and every
//! compiled-tape sweep must not allocate: counted with a global allocator,
//! per thread (the test harness's own thread may allocate meanwhile: a
//! process-wide count failed once on a loaded machine). The engine runs
//! these small graphs on the calling thread, so nothing is missed.

use faer::Mat;
use lagrange::autodiff::{Tape, Tensor};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread (const-initialized: no allocation,
    /// no lazy initialization inside the allocator).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the slot is gone while the thread's locals are destroyed.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn chain(x: &Tensor, y: &Tensor) -> Tensor {
    let mut v = x.clone();
    for _ in 0..500 {
        v = v.sin() * y + &v * &v / (1.0 + y) - v.tanh().powf(2.0);
    }
    v
}

// One test function, so that no other test thread allocates meanwhile.
#[test]
fn steady_state_does_not_allocate() {
    let x = Tensor::scalar(0.5).requires_grad();
    let y = Tensor::scalar(2.0).requires_grad();
    // Warm up: the arena, its free list and the scratch stacks grow once,
    // and the leaves get their gradient buffers.
    for _ in 0..2 {
        chain(&x, &y).backward().unwrap();
    }
    let n = allocations_during(|| {
        let f = chain(&x, &y);
        f.backward().unwrap();
    });
    assert_eq!(
        n, 0,
        "eager scalar recording + backward allocated {n} times"
    );

    let f = chain(&x, &y);
    let mut tape = Tape::record(&[&x, &y], &[&f]).unwrap();
    let mut g = [0.0; 2];
    let mut t = [0.0; 1];
    let mut hv = [0.0; 2];
    let mut h = Mat::<f64>::zeros(2, 2);
    let mut jac = Mat::<f64>::zeros(1, 2);
    tape.hvp(&[1.0], &[1.0, 0.0], &mut hv);
    tape.hessian(&[1.0], h.as_mut());
    tape.jacobian(jac.as_mut());
    let n = allocations_during(|| {
        for k in 0..3 {
            tape.forward(&[0.5 + 0.1 * k as f64, 2.0]);
            tape.vjp(&[1.0], &mut g);
            tape.jvp(&[1.0, -1.0], &mut t);
            tape.hvp(&[1.0], &[0.3, 0.7], &mut hv);
            tape.hessian(&[1.0], h.as_mut());
            tape.jacobian(jac.as_mut());
        }
    });
    assert_eq!(n, 0, "tape sweeps allocated {n} times");
}
