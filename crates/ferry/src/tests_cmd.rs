//! `ferry verify --tests` and `ferry fix --verify-tests`: the project's own
//! test suite, run with its interpreter, recorded, and compared test by test
//! with the run before (or with the run before the fix).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use ferry_verify::{
    compare, is_test_file, project_root, pytest_version, recorded_runs, run_suite, Comparison,
    Python, SuiteOptions, SuiteRun,
};
use ferry_workspace::{display_path, write_atomically, Fingerprint, FixRun};
use serde::Serialize;

use crate::cli::{FixArgs, OutputFormat, Selection, VerifyArgs};
use crate::commands::print;
use crate::exit::ExitStatus;
use crate::project::Project;
use crate::verify_cmd::{find_python, python_line};

/// What `--tests` runs, and with what.
struct Suite {
    python: Python,
    root: PathBuf,
    options: SuiteOptions,
    pytest: Option<String>,
}

impl Suite {
    /// The project's interpreter and test command; with `--phase`, only the
    /// test files of those phases.
    fn new(
        selection: &Selection,
        python: Option<PathBuf>,
        timeout_seconds: u64,
        warnings_as_errors: bool,
    ) -> Result<Self> {
        let project = Project::load(selection)?;
        let start = selection
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let root = project_root(&start);
        let python = find_python(python, &root)?;
        let command = project.config.as_ref().and_then(|c| c.test_command.clone());
        let paths = if selection.phase.is_empty() {
            Vec::new()
        } else {
            let inputs = project.inputs(selection)?;
            let tests: Vec<PathBuf> = inputs
                .discovered
                .files
                .iter()
                .filter(|p| is_test_file(p))
                .map(|p| {
                    let absolute = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                    absolute
                        .strip_prefix(std::path::absolute(&root).unwrap_or(root.clone()))
                        .map(Path::to_path_buf)
                        .unwrap_or(absolute)
                })
                .collect();
            if tests.is_empty() {
                anyhow::bail!(
                    "the phases {} have no test files (test_*.py, *_test.py) to run",
                    selection.phase.join(", ")
                );
            }
            tests
        };
        let pytest = if command.is_none() {
            Some(pytest_version(&python, &root)?)
        } else {
            None
        };
        Ok(Self {
            python,
            root,
            options: SuiteOptions {
                command,
                paths,
                warnings_as_errors,
                timeout: Duration::from_secs(timeout_seconds),
                group_file: None,
            },
            pytest,
        })
    }

    fn run(&self) -> Result<SuiteRun> {
        eprintln!(
            "Running the tests ({})...",
            self.options
                .command
                .as_ref()
                .map_or("pytest".to_string(), |c| c.join(" "))
        );
        Ok(run_suite(&self.python, &self.root, &self.options)?)
    }

    fn header(&self) -> String {
        match &self.pytest {
            Some(pytest) => format!("Python: {}; pytest {pytest}\n", python_line(&self.python)),
            None => format!("Python: {}\n", python_line(&self.python)),
        }
    }
}

/// `ferry verify --tests`.
pub fn verify_tests(args: &VerifyArgs) -> Result<ExitStatus> {
    let selection = Selection {
        paths: args.paths.clone(),
        phase: args.phase.clone(),
        config: args.config.clone(),
        ..Selection::default()
    };
    let suite = Suite::new(
        &selection,
        args.python.clone(),
        args.timeout,
        args.warnings_as_errors,
    )?;
    // The run before, of the same command and tests, is what this one is compared with.
    let previous = recorded_runs(&suite.root)
        .into_iter()
        .rfind(|r| same_suite(r, &suite));
    let run = suite.run()?;
    let comparison = previous.as_ref().map(|before| compare(before, &run));
    match args.format {
        OutputFormat::Text => {
            let mut out = suite.header();
            out.push_str(&render_run(&run, &suite.root, true));
            if let Some(comparison) = &comparison {
                out.push_str(&render_comparison(comparison));
            }
            print(&out)?;
        }
        OutputFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                python: &'a Python,
                run: &'a SuiteRun,
                comparison: Option<&'a Comparison>,
            }
            let document = Document {
                python: &suite.python,
                run: &run,
                comparison: comparison.as_ref(),
            };
            print(&format!("{}\n", serde_json::to_string_pretty(&document)?))?;
        }
    }
    let broke = comparison.as_ref().is_some_and(Comparison::broke_something);
    Ok(if run.passed() && !broke {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// Whether a recorded run ran the same tests the same way.
fn same_suite(run: &SuiteRun, suite: &Suite) -> bool {
    let tail = |command: &[String]| {
        command
            .iter()
            .skip(1)
            .filter(|a| !a.starts_with("--junitxml="))
            .cloned()
            .collect::<Vec<_>>()
    };
    let expected: Vec<String> = match &suite.options.command {
        Some(command) => command.iter().skip(1).cloned().collect(),
        None => {
            let mut args: Vec<String> = ["-m", "pytest", "-p", "no:cacheprovider", "-q"]
                .into_iter()
                .map(String::from)
                .collect();
            if suite.options.warnings_as_errors {
                args.push("-W".into());
                args.push("error::DeprecationWarning".into());
            }
            args.extend(suite.options.paths.iter().map(|p| p.display().to_string()));
            args
        }
    };
    tail(&run.command) == expected
}

fn render_run(run: &SuiteRun, root: &Path, list_failing: bool) -> String {
    let log = display_path(&run.folder(root).join("output.log"), root);
    let mut out = if run.per_test {
        let c = run.counts;
        format!(
            "Tests: {} run in {:.1} s: {} passed, {} failed, {} errors, {} skipped (run {}, log {log})\n",
            c.passed + c.failed + c.errors + c.skipped,
            run.seconds,
            c.passed,
            c.failed,
            c.errors,
            c.skipped,
            run.id
        )
    } else {
        format!(
            "Tests: `{}` exited with {} in {:.1} s (run {}, log {log})\n",
            run.command.join(" "),
            run.exit_code
                .map_or("no code".to_string(), |c| c.to_string()),
            run.seconds,
            run.id
        )
    };
    if run.timed_out {
        out.push_str("The run did not finish in time and was stopped.\n");
    }
    if run.per_test && run.tests.is_empty() && run.exit_code != Some(5) {
        out.push_str(&format!(
            "pytest reported no test (exit code {}): see the log.\n",
            run.exit_code.map_or("none".to_string(), |c| c.to_string())
        ));
    }
    if list_failing {
        for id in run.failing() {
            out.push_str(&format!("  failing: {id}\n"));
        }
    }
    out
}

fn render_comparison(comparison: &Comparison) -> String {
    let mut out = format!(
        "Compared with run {}: {} fixed, {} broken, {} still failing, {} added, {} removed.\n",
        comparison.before,
        comparison.fixed.len(),
        comparison.broken.len(),
        comparison.still_failing.len(),
        comparison.added.len(),
        comparison.removed.len()
    );
    for id in &comparison.broken {
        out.push_str(&format!("  broken: {id}\n"));
    }
    if comparison.whole_suite_broken {
        out.push_str("  broken: the suite passed before and fails now\n");
    }
    out
}

/// `ferry fix --verify-tests`: the suite before the write, and after it.
pub struct FixTests {
    suite: Suite,
    baseline: SuiteRun,
    rollback: bool,
    /// Each file about to change, and its bytes before the fix.
    originals: BTreeMap<PathBuf, Vec<u8>>,
}

impl FixTests {
    /// Runs the suite before anything is written, and keeps the bytes of
    /// the files the fix will change (`to_change`), for a rollback.
    pub fn prepare(args: &FixArgs, to_change: &[PathBuf]) -> Result<Self> {
        let suite = Suite::new(
            &Selection {
                phase: args.selection.phase.clone(),
                ..args.selection.clone()
            },
            args.python.clone(),
            args.tests_timeout,
            args.warnings_as_errors,
        )?;
        let baseline = suite.run()?;
        let mut originals = BTreeMap::new();
        for path in to_change {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            originals.insert(path.clone(), bytes);
        }
        Ok(Self {
            suite,
            baseline,
            rollback: args.rollback_on_failure,
            originals,
        })
    }

    /// Runs the suite again, compares, and with `--rollback-on-failure`
    /// restores every file the fix wrote when a test that passed before
    /// fails now (a file changed since Ferry wrote it is left, and said so).
    pub fn finish(self, run: &FixRun, status: ExitStatus) -> Result<ExitStatus> {
        let written: Vec<(PathBuf, String)> = run
            .files
            .iter()
            .filter(|f| f.applied_count() > 0 && f.report.error.is_none())
            .map(|f| (f.path.clone(), f.report.path.clone()))
            .collect();
        // What Ferry wrote, read before the tests run for minutes.
        let mut fixed = Vec::new();
        for (path, shown) in &written {
            fixed.push(std::fs::read(path).with_context(|| format!("cannot read {shown}"))?);
        }
        let after = self.suite.run()?;
        let comparison = compare(&self.baseline, &after);
        let mut out = String::from("\nThe project's tests, before and after the fix:\n");
        out.push_str(&self.suite.header());
        out.push_str("Before: ");
        out.push_str(&render_run(&self.baseline, &self.suite.root, false));
        out.push_str("After:  ");
        out.push_str(&render_run(&after, &self.suite.root, true));
        out.push_str(&render_comparison(&comparison));
        let broke = comparison.broke_something();
        let mut restore_errors = Vec::new();
        if broke && self.rollback {
            let mut restored = 0;
            for ((path, shown), fixed) in written.iter().zip(&fixed) {
                let Some(original) = self.originals.get(path) else {
                    restore_errors.push(crate::diag::file_error(
                        shown,
                        "cannot restore: it was not going to change when Ferry read it",
                    ));
                    continue;
                };
                match write_atomically(path, &Fingerprint::of(fixed), original) {
                    Ok(()) => restored += 1,
                    Err(err) => restore_errors.push(crate::diag::file_error(
                        shown,
                        format_args!("cannot restore: {err}"),
                    )),
                }
            }
            out.push_str(&format!(
                "A test that passed before fails now: restored {} to the original bytes.\n",
                ferry_report::count(restored, "file")
            ));
        }
        print(&out)?;
        for line in &restore_errors {
            eprintln!("{line}");
        }
        Ok(
            if !restore_errors.is_empty() || status == ExitStatus::Error {
                ExitStatus::Error
            } else if broke {
                ExitStatus::Findings
            } else {
                status
            },
        )
    }
}
