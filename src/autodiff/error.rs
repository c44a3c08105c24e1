//! The error type of the autodiff layer.

use thiserror::Error;

/// What went wrong in a backward pass, a tape recording or a tensor setting.
///
/// Shape mismatches between operands are programming errors and panic with
/// both shapes in the message instead (as slice indexing does).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AutodiffError {
    /// `backward()` was called on a tensor with more than one element.
    #[error(
        "backward() needs a scalar output, but this tensor has shape {shape}; \
         for a vector-Jacobian product call backward_with(seed, retain_graph) with a seed of {numel} values"
    )]
    NonScalarOutput {
        /// Shape of the output, e.g. `[3]`.
        shape: String,
        /// Number of elements a seed must have.
        numel: usize,
    },
    /// The output of a backward pass does not depend on any tensor with
    /// `requires_grad` set.
    #[error(
        "this tensor does not require grad: none of the tensors it was computed from has \
         requires_grad set, or it was computed under no_grad / detach, so there is nothing to differentiate"
    )]
    DoesNotRequireGrad,
    /// A backward pass reached a part of the graph that an earlier backward
    /// pass has already freed.
    #[error(
        "trying to backward through the graph a second time, but its buffers were freed by the \
         first backward; call backward_with(seed, true) (retain_graph) the first time if you need to backward again"
    )]
    GraphFreed,
    /// A seed, point or direction has the wrong number of values.
    #[error("{what} has {found} values, expected {expected}")]
    WrongLength {
        /// Which argument, e.g. "seed".
        what: &'static str,
        /// The length that was needed.
        expected: usize,
        /// The length that was given.
        found: usize,
    },
    /// An input of `Tape::record` is not a leaf tensor.
    #[error(
        "tape input {index} is not a leaf tensor (it was computed by {op}); \
         record inputs must be tensors created by the user with requires_grad()"
    )]
    InputNotLeaf {
        /// Position in the `inputs` list.
        index: usize,
        /// Name of the op that produced it.
        op: &'static str,
    },
    /// An input of `Tape::record` does not have `requires_grad` set, so no
    /// graph was recorded from it.
    #[error(
        "tape input {index} does not have requires_grad set, so no operations on it were recorded; \
         create it with .requires_grad()"
    )]
    InputWithoutGrad {
        /// Position in the `inputs` list.
        index: usize,
    },
    /// The same tensor was passed twice as a tape input.
    #[error("tape input {index} is the same tensor as input {first}; each input must appear once")]
    DuplicateInput {
        /// Position of the repeated input.
        index: usize,
        /// Position of its first occurrence.
        first: usize,
    },
    /// Data that does not fit the requested shape, or a rank above 2.
    #[error("cannot make a tensor of shape {dims:?} from {values} values: {reason}")]
    InvalidShape {
        /// The requested dimensions.
        dims: Vec<usize>,
        /// Number of values given.
        values: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// `set_requires_grad(false)` on a tensor computed by an op.
    #[error(
        "requires_grad can only be changed on leaf tensors; this tensor was computed by {op} \
         (use detach() to get a tensor that does not require grad)"
    )]
    NotALeaf {
        /// Name of the op that produced it.
        op: &'static str,
    },
}
