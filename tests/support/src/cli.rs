//! Running the `lagrange` binary from integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root (where `problems/` and `tests/` are).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// A fresh, empty directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lagrange-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// A path as the `&str` an argument list wants.
pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The `lagrange` binary that cargo built for the running integration test
/// (`target/<profile>/lagrange`, beside the test's `deps/` folder).
pub fn binary() -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test's own path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join(format!("lagrange{}", std::env::consts::EXE_SUFFIX))
}

/// A command running the binary in the repository root.
pub fn command() -> Command {
    let mut c = Command::new(binary());
    c.current_dir(root());
    c
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit status (None: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as JSON (panics with both streams if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `lagrange ARGS`.
pub fn run(args: &[&str]) -> Run {
    let out = command().args(args).output().expect("run lagrange");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `lagrange ARGS` and parses its standard output as JSON.
pub fn json(args: &[&str]) -> (Option<i32>, Value) {
    let r = run(args);
    (r.code, r.json())
}
