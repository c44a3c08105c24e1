//! Reading a problem file: text → serde model → validated [`Definition`].

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::check::{check, Scope};
use super::constant::{bound_values, BoundSite};
use super::constraint::read_constraint;
use super::definition::{
    Constraint, Definition, Expected, Expression, Options, Parameter, Variable,
};
use super::dense::Dense;
use super::diagnose::diagnose;
use super::error::{ErrorKind, FileError};
use super::functions::{is_reserved, Function};
use super::model::{
    BoundSpec, ConstraintSpec, NumberOrArray, ParameterSpec, ProblemFile, ValueSpec,
};
use super::npy::read_npy;
use super::parser::parse_constraint;
use super::parser::parse_expression;
use super::shape::Shape;
use crate::solver::{Barrier, LinearSolver, Sense};

/// Stack size of the thread that parses and checks: deep (but legal)
/// nesting recurses about a thousand levels, more than a test thread's 2 MiB.
pub const STACK_SIZE: usize = 256 << 20;

/// Run `f` on a thread with a `STACK_SIZE` stack.
pub fn with_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("lagrange-load".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, f)
        {
            Ok(handle) => match handle.join() {
                Ok(value) => value,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => panic!("cannot start a thread to load the problem file"),
        }
    })
}

/// Read, validate and check the problem file at `path`.
pub fn load(path: &Path) -> Result<Definition, FileError> {
    let text = read_text(path)?;
    with_large_stack(|| load_str(path, &text))
}

/// Read the file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    if path.is_dir() {
        return Err(FileError::new(
            path,
            ErrorKind::Io {
                message: "it is a directory, not a problem file".to_string(),
            },
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        FileError::new(
            path,
            ErrorKind::Io {
                message: e.to_string(),
            },
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        FileError::new(
            path,
            ErrorKind::NotUtf8 {
                offset: e.utf8_error().valid_up_to(),
            },
        )
    })
}

/// Validate and check the problem in `text`; `path` names the file in errors
/// and anchors relative `.npy` paths. Deeply nested expressions need a large
/// stack: call it through [`with_large_stack`] unless the caller's stack is big.
pub fn load_str(path: &Path, text: &str) -> Result<Definition, FileError> {
    if text.trim().is_empty() {
        return Err(FileError::new(path, ErrorKind::Empty));
    }
    let file: ProblemFile = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(e) => return Err(diagnose(path, text, &e)),
    };
    Validator::new(path).run(file)
}

/// The allowed shape of names: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct Validator<'a> {
    path: &'a Path,
    /// Names of variables and parameters, and the field that defined each.
    names: HashMap<String, String>,
    scope: Scope,
}

impl<'a> Validator<'a> {
    fn new(path: &'a Path) -> Validator<'a> {
        Validator {
            path,
            names: HashMap::new(),
            scope: Scope::new(),
        }
    }

    fn error(&self, field: impl Into<String>, kind: ErrorKind) -> FileError {
        FileError::new(self.path, kind).at(field)
    }

    fn invalid(&self, field: impl Into<String>, message: String) -> FileError {
        self.error(field, ErrorKind::Invalid { message })
    }

    /// Check that `name` may name a variable or parameter, and claim it.
    fn claim_name(&mut self, name: &str, field: String) -> Result<(), FileError> {
        let reason = if !is_identifier(name) {
            Some("a name is a letter or '_' followed by letters, digits or '_'".to_string())
        } else if Function::from_name(name).is_some() {
            Some(format!("'{name}' is a function"))
        } else if is_reserved(name) {
            Some(format!("'{name}' is a built-in constant"))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(self.error(
                field,
                ErrorKind::InvalidName {
                    name: name.to_string(),
                    reason,
                },
            ));
        }
        match self.names.entry(name.to_string()) {
            Entry::Occupied(first) => Err(FileError::new(
                self.path,
                ErrorKind::DuplicateName {
                    name: name.to_string(),
                    first: first.get().clone(),
                },
            )
            .at(field)),
            Entry::Vacant(slot) => {
                slot.insert(field);
                Ok(())
            }
        }
    }

    fn run(mut self, file: ProblemFile) -> Result<Definition, FileError> {
        let (sense, objective_field, objective_text) = match (file.minimize, file.maximize) {
            (Some(_), Some(_)) => return Err(self.error("maximize", ErrorKind::BothObjectives)),
            (None, None) => return Err(FileError::new(self.path, ErrorKind::MissingObjective)),
            (Some(text), None) => (Sense::Minimize, "minimize", text),
            (None, Some(text)) => (Sense::Maximize, "maximize", text),
        };

        let parameters = self.parameters(file.parameters)?;
        let variables = self.variables(file.variables)?;

        let objective_node =
            match parse_expression(&objective_text).and_then(|expr| check(&expr, &self.scope)) {
                Ok(node) => node,
                Err(e) => return Err(e.in_field(self.path, objective_field, &objective_text)),
            };
        if objective_node.shape != Shape::Scalar {
            return Err(self.invalid(
                objective_field,
                format!(
                    "the objective must be a scalar, found {} (use sum(...) or norm(...)?)",
                    objective_node.shape
                ),
            ));
        }
        let objective = Expression {
            text: objective_text,
            field: objective_field.to_string(),
            node: objective_node,
        };

        let constraints = self.constraints(file.constraints)?;
        let options = self.options(file.options)?;
        let expected = match file.expected {
            Some(spec) => Some(self.expected(spec, &variables, &constraints)?),
            None => None,
        };
        Ok(Definition {
            path: self.path.to_path_buf(),
            name: file.name,
            description: file.description,
            variables,
            parameters,
            sense,
            objective,
            constraints,
            options,
            expected,
        })
    }

    fn parameters(
        &mut self,
        specs: std::collections::BTreeMap<String, ParameterSpec>,
    ) -> Result<Vec<Parameter>, FileError> {
        let mut parameters = Vec::with_capacity(specs.len());
        for (name, spec) in specs {
            let field = format!("parameters.{name}");
            self.claim_name(&name, field.clone())?;
            let value = match spec {
                ParameterSpec::Number(v) => Dense::scalar(v),
                ParameterSpec::Vector(v) if v.is_empty() => {
                    return Err(self.invalid(field, format!("parameter '{name}' is an empty array")))
                }
                ParameterSpec::Vector(v) => Dense::vector(v),
                ParameterSpec::Matrix(rows) => self.matrix(&name, &field, rows)?,
                ParameterSpec::Npy(npy) => {
                    let base = self.path.parent().unwrap_or(Path::new(""));
                    let resolved = base.join(&npy.npy);
                    read_npy(&resolved).map_err(|error| {
                        self.error(
                            format!("{field}.npy"),
                            ErrorKind::Npy {
                                path: resolved.clone(),
                                error,
                            },
                        )
                    })?
                }
            };
            let value = Arc::new(value);
            self.scope.add_parameter(&name, value.clone());
            parameters.push(Parameter { name, value });
        }
        Ok(parameters)
    }

    fn matrix(&self, name: &str, field: &str, rows: Vec<Vec<f64>>) -> Result<Dense, FileError> {
        let cols = rows[0].len();
        if cols == 0 {
            return Err(self.invalid(
                field,
                format!("matrix parameter '{name}' has an empty row 0"),
            ));
        }
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(self.error(
                format!("{field}[{row}]"),
                ErrorKind::NonRectangular {
                    parameter: name.to_string(),
                    row,
                    expected: cols,
                    found: r.len(),
                },
            ));
        }
        let n_rows = rows.len();
        let data: Vec<f64> = rows.into_iter().flatten().collect();
        Ok(Dense::matrix(n_rows, cols, data))
    }

    fn variables(
        &mut self,
        specs: Vec<super::model::VariableSpec>,
    ) -> Result<Vec<Variable>, FileError> {
        let mut variables = Vec::with_capacity(specs.len());
        // Bounds are read once every variable is in scope, so that a bound
        // naming any variable is reported as such, not as an unknown name.
        let mut bounds: Vec<(Option<BoundSpec>, Option<BoundSpec>)> = Vec::new();
        let mut offset = 0;
        for (i, spec) in specs.into_iter().enumerate() {
            let field = format!("variables[{i}]");
            self.claim_name(&spec.name, format!("{field}.name"))?;
            let shape = match spec.size {
                None => Shape::Scalar,
                Some(0) => {
                    return Err(self.invalid(
                        format!("{field}.size"),
                        format!(
                            "variable '{}' has size 0; a vector needs at least one element",
                            spec.name
                        ),
                    ))
                }
                Some(n) => Shape::Vector(n),
            };
            let n = shape.numel();
            let start = match spec.start {
                None => vec![0.0; n],
                Some(NumberOrArray::Number(v)) => vec![v; n],
                Some(NumberOrArray::Array(values)) => {
                    if shape == Shape::Scalar {
                        return Err(self.invalid(
                            format!("{field}.start"),
                            format!(
                                "variable '{}' is a scalar (no 'size'), so its start is a number, not an array",
                                spec.name
                            ),
                        ));
                    }
                    if values.len() != n {
                        return Err(self.error(
                            format!("{field}.start"),
                            ErrorKind::StartLength {
                                variable: spec.name.clone(),
                                expected: n,
                                found: values.len(),
                            },
                        ));
                    }
                    values
                }
            };
            if let Some(j) = start.iter().position(|v| !v.is_finite()) {
                return Err(self.error(
                    format!("{field}.start"),
                    ErrorKind::NonFinite {
                        token: format!("{} (element {j})", start[j]),
                    },
                ));
            }
            self.scope.add_variable(&spec.name, i, shape);
            bounds.push((spec.lower, spec.upper));
            variables.push(Variable {
                name: spec.name,
                shape,
                start,
                offset,
                lower: vec![f64::NEG_INFINITY; n],
                upper: vec![f64::INFINITY; n],
            });
            offset += n;
        }
        for (i, (lower, upper)) in bounds.into_iter().enumerate() {
            self.bounds(i, &mut variables[i], lower, upper)?;
        }
        Ok(variables)
    }

    /// Read the bounds of variable `i`; lower > upper is an error.
    fn bounds(
        &self,
        i: usize,
        variable: &mut Variable,
        lower: Option<BoundSpec>,
        upper: Option<BoundSpec>,
    ) -> Result<(), FileError> {
        for (spec, is_lower) in [(lower, true), (upper, false)] {
            let Some(spec) = spec else { continue };
            let site = BoundSite {
                path: self.path,
                field: format!(
                    "variables[{i}].{}",
                    if is_lower { "lower" } else { "upper" }
                ),
                variable: &variable.name,
                shape: variable.shape,
                lower: is_lower,
            };
            let values = bound_values(&site, spec, &self.scope)?;
            if is_lower {
                variable.lower = values;
            } else {
                variable.upper = values;
            }
        }
        let crossed = (0..variable.lower.len()).find(|&k| variable.lower[k] > variable.upper[k]);
        if let Some(k) = crossed {
            return Err(self.error(
                format!("variables[{i}]"),
                ErrorKind::CrossedBounds {
                    variable: variable.name.clone(),
                    index: (variable.shape != Shape::Scalar).then_some(k),
                    lower: variable.lower[k],
                    upper: variable.upper[k],
                },
            ));
        }
        Ok(())
    }

    fn constraints(&mut self, specs: Vec<ConstraintSpec>) -> Result<Vec<Constraint>, FileError> {
        let mut constraints = Vec::with_capacity(specs.len());
        let mut names: HashMap<String, usize> = HashMap::with_capacity(specs.len());
        let mut offset = 0;
        for (k, spec) in specs.into_iter().enumerate() {
            let (name, text, field, name_field) = match spec {
                ConstraintSpec::Equation(text) => (
                    format!("c{k}"),
                    text,
                    format!("constraints[{k}]"),
                    format!("constraints[{k}]"),
                ),
                ConstraintSpec::Named(named) => (
                    named.name,
                    named.equation,
                    format!("constraints[{k}].equation"),
                    format!("constraints[{k}].name"),
                ),
            };
            if name.trim().is_empty() {
                return Err(
                    self.invalid(name_field, "a constraint name cannot be empty".to_string())
                );
            }
            match names.entry(name.clone()) {
                Entry::Occupied(first) => {
                    return Err(self.error(
                        name_field,
                        ErrorKind::DuplicateName {
                            name,
                            first: format!("constraints[{}]", first.get()),
                        },
                    ))
                }
                Entry::Vacant(slot) => {
                    slot.insert(k);
                }
            }
            let parsed = parse_constraint(&text)
                .and_then(|statement| read_constraint(statement, &self.scope, &name))
                .map_err(|e| e.in_field(self.path, field.clone(), &text))?;
            if !parsed.lhs.depends_on_variables() && !parsed.rhs.depends_on_variables() {
                return Err(self.invalid(
                    field,
                    format!("constraint '{name}' does not depend on any variable"),
                ));
            }
            let shape = parsed.shape;
            constraints.push(Constraint {
                name,
                text,
                field,
                kind: parsed.kind,
                lhs: parsed.lhs,
                rhs: parsed.rhs,
                ends: parsed.ends,
                shape,
                offset,
            });
            offset += shape.numel();
        }
        Ok(constraints)
    }

    fn options(&self, spec: Option<super::model::OptionsSpec>) -> Result<Options, FileError> {
        let Some(spec) = spec else {
            return Ok(Options::default());
        };
        if let Some(t) = spec.tolerance {
            if !(t > 0.0 && t.is_finite()) {
                return Err(self.invalid(
                    "options.tolerance",
                    format!("the tolerance must be a positive number, found {t}"),
                ));
            }
        }
        let barrier = match spec.barrier {
            None => None,
            Some(word) => Some(word.parse::<Barrier>().map_err(|_| {
                self.invalid(
                    "options.barrier",
                    format!("'{word}' is not a barrier strategy; expected monotone or adaptive"),
                )
            })?),
        };
        let linear_solver = match spec.linear_solver {
            None => None,
            Some(word) => Some(word.parse::<LinearSolver>().map_err(|_| {
                self.invalid(
                    "options.linear_solver",
                    format!("'{word}' is not a linear solver; expected auto, dense or sparse"),
                )
            })?),
        };
        Ok(Options {
            tolerance: spec.tolerance,
            max_iterations: spec.max_iterations,
            barrier,
            linear_solver,
        })
    }

    fn value(&self, field: &str, spec: ValueSpec) -> Result<Dense, FileError> {
        Ok(match spec {
            ValueSpec::Number(v) => Dense::scalar(v),
            ValueSpec::Vector(v) => Dense::vector(v),
            ValueSpec::Matrix(rows) if rows.is_empty() => Dense::vector(vec![]),
            ValueSpec::Matrix(rows) => self.matrix("expected value", field, rows)?,
        })
    }

    fn expected(
        &self,
        spec: super::model::ExpectedSpec,
        variables: &[Variable],
        constraints: &[Constraint],
    ) -> Result<Expected, FileError> {
        let tolerance = spec.tolerance.unwrap_or(1e-6);
        if !(tolerance > 0.0 && tolerance.is_finite()) {
            return Err(self.invalid(
                "expected.tolerance",
                format!("the tolerance must be a positive number, found {tolerance}"),
            ));
        }
        let x = self.by_variable("x", spec.x.unwrap_or_default(), variables)?;
        let bound_multipliers = self.by_variable(
            "bound_multipliers",
            spec.bound_multipliers.unwrap_or_default(),
            variables,
        )?;
        let multipliers = match spec.multipliers {
            None => None,
            Some(values) => {
                if values.len() != constraints.len() {
                    return Err(self.invalid(
                        "expected.multipliers",
                        format!(
                            "{} multiplier entries for {} constraints; give one per constraint",
                            values.len(),
                            constraints.len()
                        ),
                    ));
                }
                let mut out = Vec::with_capacity(values.len());
                for (k, (value, c)) in values.into_iter().zip(constraints).enumerate() {
                    let field = format!("expected.multipliers[{k}]");
                    let value = self.value(&field, value)?;
                    if value.shape != c.shape {
                        return Err(self.invalid(
                            field,
                            format!(
                                "constraint '{}' is {}, its expected multiplier is {}",
                                c.name, c.shape, value.shape
                            ),
                        ));
                    }
                    out.push(value);
                }
                Some(out)
            }
        };
        Ok(Expected {
            objective: spec.objective,
            x,
            multipliers,
            bound_multipliers,
            tolerance,
        })
    }

    /// Values by variable name, shaped like the variables (a scalar for a
    /// vector means every element), as in `expected.x`.
    fn by_variable(
        &self,
        key: &str,
        values: std::collections::BTreeMap<String, ValueSpec>,
        variables: &[Variable],
    ) -> Result<Vec<(usize, Dense)>, FileError> {
        let mut out = Vec::new();
        for (name, value) in values {
            let field = format!("expected.{key}.{name}");
            let Some(index) = variables.iter().position(|v| v.name == name) else {
                return Err(self.error(
                    field,
                    ErrorKind::UnknownName {
                        suggestion: super::suggest::nearest(
                            &name,
                            variables.iter().map(|v| v.name.as_str()),
                        ),
                        name,
                    },
                ));
            };
            let value = self.value(&field, value)?;
            let shape = variables[index].shape;
            let value = match (value.shape, shape) {
                (a, b) if a == b => value,
                (Shape::Scalar, Shape::Vector(n)) => Dense::vector(vec![value.data[0]; n]),
                (found, _) => {
                    return Err(self.invalid(
                        field,
                        format!("variable '{name}' is {shape}, the expected value is {found}"),
                    ))
                }
            };
            out.push((index, value));
        }
        Ok(out)
    }
}
