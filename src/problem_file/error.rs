//! The one error type of the problem-file layer, and its rustc-style rendering.
//!
//! Every error carries the facts a user needs to find the mistake: the file,
//! the field inside it (`constraints[3].equation`, `variables[1].start`), and,
//! inside an expression, the text of the expression with the column of the
//! offending token. [`FileError::render`] prints them like rustc:
//!
//! ```text
//! error: unknown name 'y2'
//!  --> budget.json: constraints[0], column 5
//!   |
//!   | x + y2 = c
//!   |     ^^
//!   = help: did you mean 'y'?
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use super::npy::NpyError;
use super::shape::Shape;

/// What went wrong, with the facts of the case.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read (missing, a directory, no permission).
    #[error("cannot read the file: {message}")]
    Io {
        /// The operating system's explanation.
        message: String,
    },
    /// The file is not valid UTF-8 text.
    #[error("the file is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file is empty or holds only white space.
    #[error("the file is empty; a problem file is a JSON object")]
    Empty,
    /// The text is not valid JSON.
    #[error("invalid JSON: {message}")]
    Json {
        /// serde_json's explanation, without its position suffix.
        message: String,
    },
    /// A number that JSON cannot hold or that is not finite (`NaN`, `Infinity`, `1e999`).
    #[error("'{token}' is not a finite number; values must be finite")]
    NonFinite {
        /// The offending text.
        token: String,
    },
    /// The top level (or an object inside) has a field the format does not know.
    #[error("unknown field '{field}'; expected one of {}", .expected.join(", "))]
    UnknownField {
        /// The unknown field.
        field: String,
        /// The fields allowed at this place.
        expected: Vec<&'static str>,
        /// The nearest known field, if one is close.
        suggestion: Option<String>,
    },
    /// A field is missing that the format requires.
    #[error("missing field '{field}'")]
    MissingField {
        /// The missing field.
        field: &'static str,
    },
    /// A field has the wrong JSON type or an impossible value.
    #[error("{message}")]
    InvalidValue {
        /// What is wrong and what was expected.
        message: String,
    },
    /// A name is not usable for a variable, parameter or constraint.
    #[error("'{name}' cannot be used as a name: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why not.
        reason: String,
    },
    /// Two things share one name.
    #[error("duplicate name '{name}' (first defined at {first})")]
    DuplicateName {
        /// The name.
        name: String,
        /// The field where the name was first defined.
        first: String,
    },
    /// Neither `minimize` nor `maximize` is given.
    #[error("missing objective: give exactly one of 'minimize' or 'maximize'")]
    MissingObjective,
    /// Both `minimize` and `maximize` are given.
    #[error("both 'minimize' and 'maximize' are given; give exactly one")]
    BothObjectives,
    /// A vector start value has the wrong number of elements.
    #[error("variable '{variable}' has size {expected} but its start has {found} values")]
    StartLength {
        /// The variable.
        variable: String,
        /// Its declared size.
        expected: usize,
        /// The length of the start array.
        found: usize,
    },
    /// A matrix parameter's rows differ in length.
    #[error("matrix parameter '{parameter}' is not rectangular: row {row} has {found} values, row 0 has {expected}")]
    NonRectangular {
        /// The parameter.
        parameter: String,
        /// The first row whose length differs.
        row: usize,
        /// The length of row 0.
        expected: usize,
        /// The length of the offending row.
        found: usize,
    },
    /// A `.npy` parameter file is missing or unusable.
    #[error("cannot use NumPy file '{}': {error}", .path.display())]
    Npy {
        /// The resolved path of the `.npy` file.
        path: PathBuf,
        /// What is wrong.
        error: NpyError,
    },
    /// The expression does not follow the grammar.
    #[error("{message}")]
    Syntax {
        /// What was found and what was expected.
        message: String,
    },
    /// A number literal is malformed (`1.2.3`, `1e`, `2x`).
    #[error("bad number literal '{literal}'")]
    BadNumber {
        /// The malformed literal.
        literal: String,
    },
    /// A name in an expression is neither a variable, a parameter nor a constant.
    #[error("unknown name '{name}'")]
    UnknownName {
        /// The name.
        name: String,
        /// The nearest known name, if one is close.
        suggestion: Option<String>,
    },
    /// A call names no known function.
    #[error("unknown function '{name}'")]
    UnknownFunction {
        /// The name.
        name: String,
        /// The nearest function, if one is close.
        suggestion: Option<String>,
    },
    /// A function is called with the wrong number of arguments.
    #[error("function '{function}' takes {expected} argument{}, found {found}", if *.expected == 1 { "" } else { "s" })]
    Arity {
        /// The function.
        function: &'static str,
        /// The number of arguments it takes.
        expected: usize,
        /// The number given.
        found: usize,
    },
    /// Operand shapes do not fit the operation.
    #[error("shape mismatch: {operation} needs {requirement}, found {left} and {right}")]
    ShapeMismatch {
        /// The operation (`'+'`, `'@'`, `dot`, `equation`).
        operation: String,
        /// The rule that was broken.
        requirement: &'static str,
        /// Shape of the left (or first) operand.
        left: Shape,
        /// Shape of the right (or second) operand.
        right: Shape,
    },
    /// A single operand has a shape the operation cannot take.
    #[error("{message}")]
    Shape {
        /// What is wrong.
        message: String,
    },
    /// A feature of the grammar that is reserved but not implemented.
    #[error("{what} not supported yet")]
    Unsupported {
        /// The feature.
        what: String,
    },
    /// The expression nests deeper than the limit.
    #[error("expression nests deeper than {limit} levels (parentheses, calls, indexing, powers)")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A bound or the end of a range uses a variable.
    #[error("{what} must not depend on variables")]
    NotConstant {
        /// What it is: `a bound`, `the end of a range`.
        what: String,
    },
    /// A bound array has the wrong number of entries.
    #[error("variable '{variable}' has size {expected} but its bound has {found} entries (use null for none)")]
    BoundLength {
        /// The variable.
        variable: String,
        /// Its size.
        expected: usize,
        /// The number of entries given.
        found: usize,
    },
    /// A variable's lower bound exceeds its upper bound.
    #[error("variable '{variable}': lower bound {lower} > upper bound {upper}{}", element(*.index))]
    CrossedBounds {
        /// The variable.
        variable: String,
        /// The element, for a vector variable.
        index: Option<usize>,
        /// The lower bound.
        lower: f64,
        /// The upper bound.
        upper: f64,
    },
    /// A range's lower end exceeds its upper end.
    #[error("constraint '{constraint}': lower end {lo} > upper end {hi}{}", element(*.index))]
    CrossedRange {
        /// The constraint.
        constraint: String,
        /// The element, for a vector range.
        index: Option<usize>,
        /// The lower end.
        lo: f64,
        /// The upper end.
        hi: f64,
    },
    /// A semantic rule of the format is broken (objective not scalar, constant constraint, ...).
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
    },
}

/// ` at element k` for an element of a vector, nothing for a scalar.
fn element(index: Option<usize>) -> String {
    index
        .map(|k| format!(" at element {k}"))
        .unwrap_or_default()
}

/// Where inside an expression string an error is, in characters (0-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The full text of the expression (or of the JSON line).
    pub text: String,
    /// Byte offset of the start of the offending part in `text`.
    pub start: usize,
    /// Byte offset of its end (exclusive; at least `start`).
    pub end: usize,
}

impl Snippet {
    /// A snippet that marks `text[start..end]`.
    pub fn new(text: &str, start: usize, end: usize) -> Snippet {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        Snippet {
            text: text.to_string(),
            start,
            end,
        }
    }

    /// 1-based line of the marked part within `text`.
    pub fn line(&self) -> usize {
        self.text[..self.start].matches('\n').count() + 1
    }

    /// 1-based column (in characters) of the marked part within its line.
    pub fn column(&self) -> usize {
        let line_start = self.text[..self.start].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..self.start].chars().count() + 1
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An error in a problem file: what went wrong, in which file, at which field
/// and (inside an expression) at which column.
#[derive(Clone, Debug, PartialEq)]
pub struct FileError {
    /// The problem file as the user named it.
    pub file: PathBuf,
    /// The field inside the file (`constraints[0].equation`), if the error has one.
    pub field: Option<String>,
    /// The expression (or JSON line) and the part of it that is wrong.
    pub snippet: Option<Box<Snippet>>,
    /// Line and column in the JSON text, for errors found by the JSON reader.
    pub json_position: Option<(usize, usize)>,
    /// What went wrong.
    pub kind: Box<ErrorKind>,
}

impl std::error::Error for FileError {}

impl FileError {
    /// An error about the file as a whole.
    pub fn new(file: &Path, kind: ErrorKind) -> FileError {
        FileError {
            file: file.to_path_buf(),
            field: None,
            snippet: None,
            json_position: None,
            kind: Box::new(kind),
        }
    }

    /// The same error, located at `field`.
    pub fn at(mut self, field: impl Into<String>) -> FileError {
        self.field = Some(field.into());
        self
    }

    /// The same error, marking `snippet` inside the field.
    pub fn with_snippet(mut self, snippet: Snippet) -> FileError {
        self.snippet = Some(Box::new(snippet));
        self
    }

    /// The 1-based column inside the expression, if the error is inside one.
    pub fn column(&self) -> Option<usize> {
        match (&self.snippet, self.json_position) {
            (_, Some((_, column))) => Some(column),
            (Some(snippet), None) => Some(snippet.column()),
            (None, None) => None,
        }
    }

    /// A hint that follows the message (`did you mean 'y'?`), if there is one.
    pub fn help(&self) -> Option<String> {
        match self.kind.as_ref() {
            ErrorKind::UnknownName {
                suggestion: Some(s),
                ..
            }
            | ErrorKind::UnknownFunction {
                suggestion: Some(s),
                ..
            }
            | ErrorKind::UnknownField {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean '{s}'?")),
            ErrorKind::NonFinite { .. } => Some(
                "JSON has no NaN or infinity (Python's json module writes them for float('nan'))"
                    .to_string(),
            ),
            ErrorKind::NotConstant { .. } => Some(
                "bounds and the ends of a range are expressions of parameters only; \
                 state what depends on variables as inequality constraints"
                    .to_string(),
            ),
            ErrorKind::Unsupported { .. } => Some(
                "an objective or a bound is an expression; comparisons belong in 'constraints'"
                    .to_string(),
            ),
            _ => None,
        }
    }

    /// The rustc-style multi-line rendering (no trailing newline).
    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n --> {}", self.kind, self.file.display());
        match (&self.field, self.json_position) {
            (Some(field), _) => {
                out.push_str(": ");
                out.push_str(field);
            }
            (None, Some((line, column))) => {
                out.push_str(&format!(":{line}:{column}"));
            }
            (None, None) => {}
        }
        if self.field.is_some() {
            if let Some((line, column)) = self.json_position {
                out.push_str(&format!(" (line {line}, column {column})"));
            } else if let Some(snippet) = &self.snippet {
                if snippet.text.contains('\n') {
                    out.push_str(&format!(", line {}", snippet.line()));
                }
                out.push_str(&format!(", column {}", snippet.column()));
            }
        }
        if let Some(snippet) = &self.snippet {
            let line_start = snippet.text[..snippet.start]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let line_end = snippet.text[snippet.start..]
                .find('\n')
                .map_or(snippet.text.len(), |i| snippet.start + i);
            let line = &snippet.text[line_start..line_end];
            let pad = snippet.text[line_start..snippet.start]
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
            let width = snippet.text[snippet.start..snippet.end.min(line_end)]
                .chars()
                .count()
                .max(1);
            out.push_str(&format!(
                "\n  |\n  | {line}\n  | {pad}{}",
                "^".repeat(width)
            ));
        }
        if let Some(help) = self.help() {
            out.push_str(&format!("\n  = help: {help}"));
        }
        out
    }
}

impl fmt::Display for FileError {
    /// One line: `file: field, column N: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        if let Some(column) = self.column() {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// An error inside one expression, before the file and field are known.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte span of the offending part of the expression.
    pub span: super::ast::Span,
}

impl ExprError {
    /// An error at `span`.
    pub fn new(kind: ErrorKind, span: super::ast::Span) -> ExprError {
        ExprError { kind, span }
    }

    /// Attach the file, the field and the expression text.
    pub fn in_field(self, file: &Path, field: impl Into<String>, text: &str) -> FileError {
        FileError::new(file, self.kind)
            .at(field)
            .with_snippet(Snippet::new(text, self.span.start, self.span.end))
    }
}
