//! Whether operations on tensors are recorded for differentiation: the
//! `no_grad` scope of PyTorch, per thread.

use crate::autodiff::graph::{with_arena, ARENA};
use std::marker::PhantomData;

/// Whether ops on this thread currently record a graph (true unless inside
/// [`no_grad`] or while a [`NoGradGuard`] lives).
pub fn is_grad_enabled() -> bool {
    with_arena(|ar| !ar.grad_disabled)
}

/// Turns graph recording off on this thread until it is dropped; restores
/// the previous setting then (guards nest).
///
/// ```
/// use lagrange::autodiff::{NoGradGuard, Tensor};
/// let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
/// {
///     let _guard = NoGradGuard::new();
///     assert!(!(&x * 2.0).is_requires_grad());
/// }
/// assert!((&x * 2.0).is_requires_grad());
/// ```
#[must_use = "recording is off only while the guard lives"]
pub struct NoGradGuard {
    previous: bool,
    // The setting is per thread, so the guard must stay on its thread.
    _not_send: PhantomData<*const ()>,
}

impl NoGradGuard {
    /// Turns recording off.
    pub fn new() -> NoGradGuard {
        let previous = with_arena(|ar| !std::mem::replace(&mut ar.grad_disabled, true));
        NoGradGuard {
            previous,
            _not_send: PhantomData,
        }
    }
}

impl Default for NoGradGuard {
    fn default() -> Self {
        NoGradGuard::new()
    }
}

impl Drop for NoGradGuard {
    fn drop(&mut self) {
        let previous = self.previous;
        let _ = ARENA.try_with(|a| {
            if let Ok(mut ar) = a.try_borrow_mut() {
                ar.grad_disabled = !previous;
            }
        });
    }
}

/// Runs `f` with graph recording turned off, like `with torch.no_grad():`.
/// Results computed inside do not require grad, even from tensors that do.
///
/// ```
/// use lagrange::autodiff::{no_grad, Tensor};
/// let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
/// let y = no_grad(|| x.powf(2.0));
/// assert!(!y.is_requires_grad());
/// ```
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _guard = NoGradGuard::new();
    f()
}
