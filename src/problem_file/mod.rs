//! Problem files: the JSON format of the spec, read into a checked problem.
//!
//! The data flow, one file per step:
//! - `model`: the serde model of the file (unknown fields rejected);
//! - [`load`]: reading and validation (names, lengths, parameters, `npy`),
//!   with `diagnose` naming the field of errors serde reports by position;
//! - `lexer`, `parser`, `statement`, `ast`: expression text → syntax
//!   tree with spans;
//! - `constant`: bounds and range ends, expressions of parameters only;
//! - `check`: names resolved and shapes checked → `ir::Node`;
//! - `lower`: a checked expression built on a backend (`dense` values,
//!   or autodiff tensors in `compile`);
//! - `error`: the one error type of this layer, rendered rustc-style.
//!
//! This module knows nothing of the command line or of terminal output.

mod ast;
mod check;
mod compile;
mod constant;
mod constraint;
mod definition;
mod dense;
mod diagnose;
mod error;
mod expected;
mod functions;
mod ir;
mod lexer;
mod load;
mod lower;
mod model;
mod npy;
mod parser;
mod shape;
mod statement;
mod suggest;

pub use compile::compile;
pub use definition::{Constraint, Definition, Expected, Expression, Options, Parameter, Variable};
pub use dense::Dense;
pub use error::{ErrorKind, ExprError, FileError};
pub use expected::{compare, compare_bound_multipliers, within, Mismatch};
pub use load::{load, load_str, read_text, with_large_stack};
pub use model::{ProblemFile, TOP_LEVEL_FIELDS};
pub use npy::{encode_npy, parse_npy, read_npy, NpyError};
pub use shape::Shape;

/// Internals for the command line and the tests: not part of the API.
#[doc(hidden)]
pub mod internals {
    pub use super::ast::Statement;
    pub use super::parser::parse_statement;
    pub use super::suggest::nearest;
}
