//! Collecting a test file with pytest (`python -m pytest --collect-only -q`),
//! one process per file, and reading what pytest printed: the test ids, the
//! count from its closing line, and each collection error in pytest's own
//! words. Collection imports the test module, so it notices a module that no
//! longer imports, a decorator that now fails, or tests that vanished, without
//! running any test.
//!
//! pytest runs in the project root, as the user runs it (so `conftest.py`,
//! `pytest.ini` and `pyproject.toml` settings apply), but with the cache
//! plugin off and bytecode writing off, so collecting leaves no file behind.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::VerifyError;
use crate::interpreter::Python;
use crate::process::Captured;
use crate::verify::SourceFile;

/// How much of pytest's output is kept when it ends without its usual lines.
const KEPT_OUTPUT_LINES: usize = 30;

/// Whether pytest's default discovery would take this file as a test module.
pub fn is_test_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

/// One collection error, as pytest reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionError {
    /// The exception lines (pytest's `E` lines), e.g.
    /// `TypeError: connect() got multiple values for keyword argument 'close_timeout'`.
    pub message: String,
    /// pytest's whole report for this error (traceback included).
    pub details: String,
}

/// What pytest collected from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collection {
    /// The count from pytest's closing line (`4 tests collected in 0.01s`).
    pub tests: usize,
    /// The test ids pytest listed (`tests/test_a.py::test_one`).
    pub node_ids: Vec<String>,
    pub errors: Vec<CollectionError>,
}

/// How to collect.
#[derive(Debug, Clone, Copy, Default)]
pub struct CollectOptions {
    /// Collect with `-W error::DeprecationWarning`, so importing a deprecated
    /// module (`websockets.legacy` from 14.0 on) is a collection error.
    pub warnings_as_errors: bool,
}

/// pytest's version in `python`, or [`VerifyError::NoPytest`].
pub fn pytest_version(python: &Python, cwd: &Path) -> Result<String, VerifyError> {
    let args: Vec<OsString> = vec![
        "-c".into(),
        "import pytest, sys; sys.stdout.write(pytest.__version__)".into(),
    ];
    let what = format!("looking for pytest in {}", python.path.display());
    let captured = python.run(&what, args, cwd, None)?;
    if captured.code == Some(0) && !captured.stdout.trim().is_empty() {
        return Ok(captured.stdout.trim().to_string());
    }
    if captured.stderr.contains("No module named") && captured.stderr.contains("pytest") {
        return Err(VerifyError::NoPytest {
            python: python.path.clone(),
        });
    }
    Err(VerifyError::Failed {
        what,
        code: captured.code_text(),
        stderr: captured.stderr.trim_end().to_string(),
    })
}

/// Collects each file in its own pytest process, several at a time.
pub fn collect_files(
    python: &Python,
    root: &Path,
    files: &[SourceFile],
    options: CollectOptions,
) -> Result<Vec<Collection>, VerifyError> {
    files
        .par_iter()
        .map(|file| collect(python, root, &file.path, options))
        .collect()
}

/// Collects one test file, with pytest running in `root`. A file pytest cannot
/// collect is a [`Collection`] with errors; `Err` only when pytest cannot run.
pub fn collect(
    python: &Python,
    root: &Path,
    file: &Path,
    options: CollectOptions,
) -> Result<Collection, VerifyError> {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    // Relative to the root, so pytest's ids and messages read as the user's.
    let mut target = match absolute.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => absolute.clone(),
    };
    if target.to_string_lossy().starts_with('-') {
        target = PathBuf::from(".").join(target);
    }
    let mut args: Vec<OsString> = [
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    if options.warnings_as_errors {
        args.push("-W".into());
        args.push("error::DeprecationWarning".into());
    }
    args.push(target.into_os_string());
    let what = format!("collecting {} with pytest", file.display());
    let captured = python.run(&what, args, root, None)?;
    Ok(parse_collection(&captured, python.timeout.as_secs()))
}

/// Reads pytest's `--collect-only -q` output.
fn parse_collection(captured: &Captured, timeout_secs: u64) -> Collection {
    let lines: Vec<&str> = captured.stdout.lines().collect();
    // With -q, the ids come first, one per line, up to the first blank line.
    let node_ids: Vec<String> = lines
        .iter()
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.contains("::"))
        .map(|line| line.to_string())
        .collect();
    let summary = lines
        .iter()
        .rev()
        .find(|line| !line.trim().is_empty())
        .and_then(|line| parse_summary(line));
    let mut errors = error_blocks(&lines);
    if captured.timed_out {
        errors.push(CollectionError {
            message: format!("pytest did not finish collecting within {timeout_secs} s (killed)"),
            details: tail(&captured.stdout, &captured.stderr),
        });
    }
    let ended_normally = matches!(captured.code, Some(0 | 2 | 5));
    let errors_missing = summary.is_some_and(|s| s.errors > errors.len());
    if !captured.timed_out && (!ended_normally || summary.is_none() || errors_missing) {
        let output = tail(&captured.stdout, &captured.stderr);
        errors.push(CollectionError {
            message: first_error_line(&output)
                .unwrap_or_else(|| format!("pytest ended with exit code {}", captured.code_text())),
            details: output,
        });
    }
    Collection {
        tests: summary.map_or(node_ids.len(), |s| s.tests),
        node_ids,
        errors,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Summary {
    tests: usize,
    errors: usize,
}

/// pytest's closing line: `4 tests collected in 0.01s`, `no tests collected,
/// 1 error in 0.38s`, `2/4 tests collected (2 deselected) in 0.01s`, possibly
/// framed by `=` when not quiet.
fn parse_summary(line: &str) -> Option<Summary> {
    let line = line.trim().trim_matches('=').trim();
    let (counts, _duration) = line.rsplit_once(" in ")?;
    let mut summary = Summary {
        tests: 0,
        errors: 0,
    };
    let mut saw_collected = false;
    for part in counts.split(", ") {
        let mut words = part.split_whitespace();
        let number = words.next()?;
        let noun = words.next().unwrap_or_default();
        let count = if number == "no" {
            0
        } else {
            // `2/4`: two selected out of four.
            number.split('/').next()?.parse().ok()?
        };
        if part.contains("collected") {
            summary.tests = count;
            saw_collected = true;
        } else if noun.starts_with("error") {
            summary.errors = count;
        }
    }
    (saw_collected || summary.errors > 0).then_some(summary)
}

/// Each `ERROR collecting FILE` section of pytest's ERRORS report.
fn error_blocks(lines: &[&str]) -> Vec<CollectionError> {
    let is_title = |line: &str| line.starts_with('_') && line.trim_end().ends_with('_');
    let is_section = |line: &str| line.starts_with("====") || line.starts_with("!!!!");
    let mut errors = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !(is_title(lines[i]) && lines[i].contains("ERROR collecting")) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < lines.len() && !is_title(lines[i]) && !is_section(lines[i]) {
            i += 1;
        }
        let body = &lines[start + 1..i];
        let exception: Vec<&str> = body
            .iter()
            .filter_map(|line| line.strip_prefix('E'))
            .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            .map(|rest| rest.strip_prefix("   ").unwrap_or(rest.trim_start()))
            .collect();
        let details = lines[start..i].join("\n");
        errors.push(CollectionError {
            message: if exception.is_empty() {
                body.join("\n").trim().to_string()
            } else {
                exception.join("\n")
            },
            details,
        });
    }
    errors
}

/// The end of what pytest printed, for errors that come without a section
/// (a broken `conftest.py`, a bad option, a crash).
fn tail(stdout: &str, stderr: &str) -> String {
    let both = format!("{}\n{}", stdout.trim_end(), stderr.trim_end());
    let lines: Vec<&str> = both.trim().lines().collect();
    lines[lines.len().saturating_sub(KEPT_OUTPUT_LINES)..].join("\n")
}

fn first_error_line(output: &str) -> Option<String> {
    output
        .lines()
        .map(str::trim)
        .find(|line| {
            line.starts_with("ERROR")
                || line.starts_with("E ")
                || line.contains("Error:")
                || line.contains("Error while")
        })
        .map(|line| line.trim_start_matches("E ").trim().to_string())
}

/// Collection got worse between two runs on the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Regression {
    /// pytest reports an error it did not report before.
    NewError {
        tests_before: usize,
        tests_after: usize,
        errors: Vec<CollectionError>,
    },
    /// Fewer tests are collected than before.
    FewerTests {
        before: usize,
        after: usize,
        /// Ids collected before and not after.
        missing: Vec<String>,
    },
}

/// How `after` is worse than `before`, if it is. A collection error that was
/// already there before is not a regression.
pub fn regression(before: &Collection, after: &Collection) -> Option<Regression> {
    if after.errors.len() > before.errors.len() {
        let new: Vec<CollectionError> = after
            .errors
            .iter()
            .filter(|e| !before.errors.iter().any(|b| b.message == e.message))
            .cloned()
            .collect();
        return Some(Regression::NewError {
            tests_before: before.tests,
            tests_after: after.tests,
            errors: if new.is_empty() {
                after.errors.clone()
            } else {
                new
            },
        });
    }
    (after.tests < before.tests).then(|| Regression::FewerTests {
        before: before.tests,
        after: after.tests,
        missing: before
            .node_ids
            .iter()
            .filter(|id| !after.node_ids.contains(id))
            .cloned()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(code: i32, stdout: &str, stderr: &str) -> Captured {
        Captured {
            code: Some(code),
            stdout: stdout.to_string(),
            stderr: stderr.to_string(),
            timed_out: false,
        }
    }

    #[test]
    fn test_files_are_named_as_pytest_finds_them() {
        assert!(is_test_file(Path::new("tests/test_client.py")));
        assert!(is_test_file(Path::new("client_test.py")));
        assert!(!is_test_file(Path::new("tests/conftest.py")));
        assert!(!is_test_file(Path::new("tests/helpers.py")));
        assert!(!is_test_file(Path::new("test_data.txt")));
    }

    #[test]
    fn closing_lines_of_every_shape() {
        let s = |line| parse_summary(line);
        assert_eq!(
            s("4 tests collected in 0.01s"),
            Some(Summary {
                tests: 4,
                errors: 0
            })
        );
        assert_eq!(
            s("1 test collected in 0.15s"),
            Some(Summary {
                tests: 1,
                errors: 0
            })
        );
        assert_eq!(
            s("no tests collected in 0.00s"),
            Some(Summary {
                tests: 0,
                errors: 0
            })
        );
        assert_eq!(
            s("no tests collected, 1 error in 0.38s"),
            Some(Summary {
                tests: 0,
                errors: 1
            })
        );
        assert_eq!(
            s("2/4 tests collected (2 deselected) in 0.01s"),
            Some(Summary {
                tests: 2,
                errors: 0
            })
        );
        assert_eq!(
            s("===== 3 tests collected, 2 errors in 1.20s ====="),
            Some(Summary {
                tests: 3,
                errors: 2
            })
        );
        assert_eq!(s("ERROR: file or directory not found: x.py"), None);
    }

    #[test]
    fn error_sections_keep_pytests_own_message() {
        let stdout = "\n\
==================================== ERRORS ====================================\n\
______________________ ERROR collecting tests/test_bad.py ______________________\n\
tests/test_bad.py:3: in <module>\n\
    CLIENT = websockets.connect(\"ws://localhost:1\", close_timeout=5, **OPTIONS)\n\
E   TypeError: websockets.asyncio.client.connect() got multiple values for keyword argument 'close_timeout'\n\
=========================== short test summary info ============================\n\
ERROR tests/test_bad.py - TypeError: websockets.asyncio.client.connect() got ...\n\
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n\
no tests collected, 1 error in 0.38s\n";
        let collection = parse_collection(&captured(2, stdout, ""), 60);
        assert_eq!(collection.tests, 0);
        assert_eq!(collection.errors.len(), 1);
        assert_eq!(
            collection.errors[0].message,
            "TypeError: websockets.asyncio.client.connect() got multiple values for keyword argument 'close_timeout'"
        );
        assert!(collection.errors[0]
            .details
            .contains("tests/test_bad.py:3: in <module>"));
    }

    #[test]
    fn ids_and_counts_of_a_clean_collection() {
        let stdout = "tests/test_a.py::test_one\ntests/test_a.py::test_two[a b]\n\n2 tests collected in 0.01s\n";
        let collection = parse_collection(&captured(0, stdout, ""), 60);
        assert_eq!(collection.tests, 2);
        assert_eq!(
            collection.node_ids,
            vec![
                "tests/test_a.py::test_one",
                "tests/test_a.py::test_two[a b]"
            ]
        );
        assert!(collection.errors.is_empty());
    }

    #[test]
    fn output_without_the_usual_lines_is_an_error_with_what_pytest_said() {
        let broken_conftest = captured(
            4,
            "",
            "ImportError while loading conftest '/p/conftest.py'.\nconftest.py:1: in <module>\n    import nope\nE   ModuleNotFoundError: No module named 'nope'\n",
        );
        let collection = parse_collection(&broken_conftest, 60);
        assert_eq!(collection.errors.len(), 1);
        assert_eq!(
            collection.errors[0].message,
            "ImportError while loading conftest '/p/conftest.py'."
        );
        assert!(collection.errors[0]
            .details
            .contains("No module named 'nope'"));
        let killed = Captured {
            code: None,
            stdout: "tests/test_a.py::test_one\n".into(),
            stderr: String::new(),
            timed_out: true,
        };
        let collection = parse_collection(&killed, 7);
        assert_eq!(
            collection.errors[0].message,
            "pytest did not finish collecting within 7 s (killed)"
        );
    }

    #[test]
    fn regressions_are_new_errors_or_fewer_tests() {
        let ok = |ids: &[&str]| Collection {
            tests: ids.len(),
            node_ids: ids.iter().map(|s| s.to_string()).collect(),
            errors: Vec::new(),
        };
        let error = |message: &str| Collection {
            tests: 0,
            node_ids: Vec::new(),
            errors: vec![CollectionError {
                message: message.into(),
                details: String::new(),
            }],
        };
        let before = ok(&["t.py::a", "t.py::b"]);
        assert_eq!(regression(&before, &before), None);
        assert_eq!(
            regression(&before, &ok(&["t.py::a", "t.py::b", "t.py::c"])),
            None
        );
        assert_eq!(
            regression(&before, &ok(&["t.py::a"])),
            Some(Regression::FewerTests {
                before: 2,
                after: 1,
                missing: vec!["t.py::b".into()]
            })
        );
        assert!(matches!(
            regression(&before, &error("TypeError: x")),
            Some(Regression::NewError {
                tests_before: 2,
                tests_after: 0,
                ..
            })
        ));
        assert_eq!(regression(&error("E"), &error("E")), None, "not new");
    }
}
