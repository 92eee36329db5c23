//! Everything that can stop a verification as a whole. A file that does not
//! compile, or a test file that pytest cannot collect, is not an error here:
//! it is a result, reported per file. These are the failures that leave
//! nothing to report: no interpreter, no pytest, a probe that did not answer.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no Python interpreter found: {tried}")]
    NoInterpreter { tried: String },
    #[error("`{path}` cannot be run: {reason}")]
    CannotRun { path: PathBuf, reason: String },
    #[error("`{path}` does not look like a Python interpreter: {output}")]
    NotPython { path: PathBuf, output: String },
    #[error("`{path}` is Python {version}; Ferry needs Python 3.8 or newer to verify with it")]
    PythonTooOld { path: PathBuf, version: String },
    #[error("pytest is not installed for `{python}` (install it there, e.g. `{python} -m pip install pytest`, or choose another interpreter with --python)")]
    NoPytest { python: PathBuf },
    #[error("{what} did not finish within {} s (killed)", .timeout.as_secs())]
    Timeout { what: String, timeout: Duration },
    #[error("{what} failed (exit code {code}):\n{stderr}")]
    Failed {
        what: String,
        code: String,
        stderr: String,
    },
    #[error("{what} printed something Ferry cannot read ({reason}):\n{output}")]
    BadOutput {
        what: String,
        reason: String,
        output: String,
    },
    #[error("cannot create a scratch folder: {0}")]
    Scratch(String),
    #[error("{}: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{0}")]
    Config(String),
}

impl VerifyError {
    pub(crate) fn io(path: &std::path::Path, err: std::io::Error) -> Self {
        VerifyError::Io {
            path: path.to_path_buf(),
            reason: err.to_string(),
        }
    }
}
