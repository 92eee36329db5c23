//! What `ferry verify` and `ferry fix --verify` measure and conclude, as data.
//!
//! A measurement is the state of some files under the project's interpreter:
//! does each compile, and what does pytest collect from each test file.
//! `ferry verify` judges one measurement (a file that does not compile or a
//! test file with a collection error fails); `ferry fix --verify` judges the
//! measurement after writing against the one taken before, so only what the
//! fix made worse fails: a new compile error, a new collection error, fewer
//! tests collected.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::collect::{
    collect_files, is_test_file, pytest_version, regression, CollectOptions, Collection,
    CollectionError, Regression,
};
use crate::compile::{compile_files, CompileError};
use crate::error::VerifyError;
use crate::interpreter::Python;

/// A file to verify: where it is, and its name as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub shown: String,
}

/// One file's state under the interpreter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileState {
    /// Python's message if the file does not compile.
    pub compile_error: Option<CompileError>,
    /// What pytest collected, for test files.
    pub collection: Option<Collection>,
}

/// Why a file failed verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Failure {
    /// The file does not compile (and did before, for `fix --verify`).
    DoesNotCompile { error: CompileError },
    /// pytest cannot collect the test file.
    CollectionError { errors: Vec<CollectionError> },
    /// Collection got worse than before the fix.
    Regression { regression: Regression },
}

/// One file's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileVerification {
    pub path: String,
    #[serde(flatten)]
    pub now: FileState,
    /// The state before the fix (`fix --verify` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<FileState>,
    pub failures: Vec<Failure>,
    /// Restored to its bytes from before the fix (`--rollback-on-failure`).
    pub restored: bool,
}

impl FileVerification {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The result of a verification, ready to print or to put in a report.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub python: Python,
    /// Present when test files were collected.
    pub pytest_version: Option<String>,
    pub warnings_as_errors: bool,
    /// In the order the files were given (sorted by path by the caller).
    pub files: Vec<FileVerification>,
}

impl VerifyReport {
    pub fn failed(&self) -> impl Iterator<Item = &FileVerification> {
        self.files.iter().filter(|f| !f.passed())
    }

    pub fn has_failures(&self) -> bool {
        self.failed().next().is_some()
    }
}

/// Measures files with one interpreter, in one project.
pub struct Verifier {
    python: Python,
    root: PathBuf,
    options: CollectOptions,
    pytest_version: Option<String>,
}

impl Verifier {
    /// `root` is the project folder: pytest runs there.
    pub fn new(python: Python, root: PathBuf, options: CollectOptions) -> Self {
        Self {
            python,
            root,
            options,
            pytest_version: None,
        }
    }

    pub fn python(&self) -> &Python {
        &self.python
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Fails early, with a clear message, if `files` holds test files and
    /// pytest is not installed.
    pub fn require_pytest_for(&mut self, files: &[SourceFile]) -> Result<(), VerifyError> {
        if self.pytest_version.is_none() && files.iter().any(|f| is_test_file(&f.path)) {
            self.pytest_version = Some(pytest_version(&self.python, &self.root)?);
        }
        Ok(())
    }

    /// Compiles every file (one process) and collects each test file among
    /// them (one process each). Returns the states in the order of `files`.
    pub fn measure(&mut self, files: &[SourceFile]) -> Result<Vec<FileState>, VerifyError> {
        self.require_pytest_for(files)?;
        let compiled = compile_files(&self.python, files, &self.root)?;
        let tests: Vec<SourceFile> = files
            .iter()
            .filter(|f| is_test_file(&f.path))
            .cloned()
            .collect();
        let mut collections =
            collect_files(&self.python, &self.root, &tests, self.options)?.into_iter();
        Ok(files
            .iter()
            .zip(compiled)
            .map(|(file, compile_error)| FileState {
                compile_error,
                collection: if is_test_file(&file.path) {
                    collections.next()
                } else {
                    None
                },
            })
            .collect())
    }

    /// `ferry verify`: measures `files` and fails those that do not compile
    /// or cannot be collected.
    pub fn verify(mut self, files: &[SourceFile]) -> Result<VerifyReport, VerifyError> {
        let states = self.measure(files)?;
        let verdicts = files
            .iter()
            .zip(states)
            .map(|(file, now)| judge(file, None, now))
            .collect();
        Ok(self.report(verdicts))
    }

    /// Wraps verdicts (from [`judge`]) into a report.
    pub fn report(self, files: Vec<FileVerification>) -> VerifyReport {
        VerifyReport {
            python: self.python,
            pytest_version: self.pytest_version,
            warnings_as_errors: self.options.warnings_as_errors,
            files,
        }
    }
}

/// One file's verdict: against its state before the fix when there is one,
/// else on its own.
pub fn judge(file: &SourceFile, before: Option<FileState>, now: FileState) -> FileVerification {
    let mut failures = Vec::new();
    let compiled_before = before.as_ref().is_none_or(|b| b.compile_error.is_none());
    if let (Some(error), true) = (&now.compile_error, compiled_before) {
        failures.push(Failure::DoesNotCompile {
            error: error.clone(),
        });
    }
    let collected_before = before.as_ref().and_then(|b| b.collection.as_ref());
    match (collected_before, &now.collection) {
        (Some(then), Some(now)) => {
            if let Some(regression) = regression(then, now) {
                failures.push(Failure::Regression { regression });
            }
        }
        (None, Some(now)) if !now.errors.is_empty() => {
            failures.push(Failure::CollectionError {
                errors: now.errors.clone(),
            });
        }
        _ => {}
    }
    FileVerification {
        path: file.shown.clone(),
        now,
        before,
        failures,
        restored: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> SourceFile {
        SourceFile {
            path: PathBuf::from("tests/test_a.py"),
            shown: "tests/test_a.py".into(),
        }
    }

    fn state(compiles: bool, tests: usize, error: Option<&str>) -> FileState {
        FileState {
            compile_error: (!compiles).then(|| CompileError {
                kind: "SyntaxError".into(),
                line: Some(1),
                message: "SyntaxError: invalid syntax".into(),
            }),
            collection: Some(Collection {
                tests,
                node_ids: Vec::new(),
                errors: error
                    .map(|m| CollectionError {
                        message: m.into(),
                        details: m.into(),
                    })
                    .into_iter()
                    .collect(),
            }),
        }
    }

    #[test]
    fn alone_a_file_fails_when_it_does_not_compile_or_collect() {
        assert!(judge(&file(), None, state(true, 3, None)).passed());
        let broken = judge(&file(), None, state(false, 0, Some("SyntaxError")));
        assert!(matches!(
            broken.failures.as_slice(),
            [
                Failure::DoesNotCompile { .. },
                Failure::CollectionError { .. }
            ]
        ));
    }

    #[test]
    fn after_a_fix_only_what_got_worse_fails() {
        let same_error = judge(
            &file(),
            Some(state(false, 0, Some("SyntaxError"))),
            state(false, 0, Some("SyntaxError")),
        );
        assert!(same_error.passed(), "{:?}", same_error.failures);
        let dropped = judge(&file(), Some(state(true, 3, None)), state(true, 2, None));
        assert!(matches!(
            dropped.failures.as_slice(),
            [Failure::Regression {
                regression: Regression::FewerTests {
                    before: 3,
                    after: 2,
                    ..
                }
            }]
        ));
        let new_error = judge(
            &file(),
            Some(state(true, 3, None)),
            state(true, 0, Some("TypeError: boom")),
        );
        assert!(matches!(
            new_error.failures.as_slice(),
            [Failure::Regression {
                regression: Regression::NewError { .. }
            }]
        ));
    }
}
