//! Problem files: the JSON format of the spec, read into a checked problem.
//!
//! The data flow, one file per step:
//! - [`model`]: the serde model of the file (unknown fields rejected);
//! - [`load()`]: reading and validation (names, lengths, parameters, [`npy`]),
//!   with [`diagnose`] naming the field of errors serde reports by position;
//! - [`lexer`], [`parser`], [`statement`], [`ast`]: expression text → syntax
//!   tree with spans;
//! - [`constant`]: bounds and range ends, expressions of parameters only;
//! - [`check`]: names resolved and shapes checked → [`ir::Node`];
//! - [`lower`]: a checked expression built on a backend ([`dense`] values,
//!   or autodiff tensors in [`compile`]);
//! - [`error`]: the one error type of this layer, rendered rustc-style.
//!
//! This module knows nothing of the command line or of terminal output.

pub mod ast;
pub mod check;
pub mod compile;
pub mod constant;
pub mod constraint;
pub mod definition;
pub mod dense;
pub mod diagnose;
pub mod error;
pub mod expected;
pub mod functions;
pub mod ir;
pub mod lexer;
pub mod load;
pub mod lower;
pub mod model;
pub mod npy;
pub mod parser;
pub mod shape;
pub mod statement;
pub mod suggest;

pub use definition::{Constraint, Definition, Expected, Expression, Options, Parameter, Variable};
pub use dense::Dense;
pub use error::{ErrorKind, ExprError, FileError};
pub use load::{load, load_str};
pub use model::ProblemFile;
pub use shape::Shape;
