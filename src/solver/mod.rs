//! Newton–KKT solver for equality-constrained problems.
pub mod nlp;
pub use nlp::{NlpProblem, Sense};
