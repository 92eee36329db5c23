//! Running the project's own test suite, recording each run, and comparing
//! two runs test by test.
//!
//! Compiling and collecting (the rest of this crate) proves that the code
//! imports; only the project's tests prove it works. With pytest (the
//! default), each test's outcome is read from a JUnit XML report pytest
//! writes; another command (`test-command`) is judged by its exit code.
//! Every run is kept under `.ferry/runs/ID/` (its result as JSON, the whole
//! output as a log, the JUnit file), with a `.gitignore` so none of it is
//! committed by accident.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::VerifyError;
use crate::interpreter::Python;
use crate::process::{run, PythonRun};

/// Where runs are kept, under the project root.
pub const RUNS_DIR: &str = ".ferry/runs";

/// What one test did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    /// An error outside the test body (a fixture, collection).
    Error,
    Skipped,
}

impl Outcome {
    fn failing(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Error)
    }
}

/// How to run the suite.
#[derive(Debug, Clone, Default)]
pub struct SuiteOptions {
    /// The command, when not pytest: `python` as its first word means the
    /// project's interpreter. Judged by its exit code.
    pub command: Option<Vec<String>>,
    /// Test files or folders to run (pytest only); empty: the whole suite.
    pub paths: Vec<PathBuf>,
    /// `-W error::DeprecationWarning` (pytest only).
    pub warnings_as_errors: bool,
    /// After this, the whole process group is ended and the run fails.
    pub timeout: Duration,
    /// Where the suite's process group is written while it runs (see
    /// [`crate::end_group_in`]).
    pub group_file: Option<PathBuf>,
}

/// Counts of a run, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

/// One run of the suite, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteRun {
    /// The run's folder name under [`RUNS_DIR`], sortable by time.
    pub id: String,
    /// The command as run (the interpreter's path first).
    pub command: Vec<String>,
    /// `None`: killed (after the timeout, or by a signal).
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub seconds: f64,
    /// Whether `tests` holds one outcome per test (pytest's report was read).
    pub per_test: bool,
    /// Test id (`module.path::Class::test`) → outcome.
    pub tests: BTreeMap<String, Outcome>,
    pub counts: Counts,
}

impl SuiteRun {
    /// Whether the run says the suite passes.
    pub fn passed(&self) -> bool {
        !self.timed_out
            && if self.per_test {
                self.counts.failed == 0 && self.counts.errors == 0 && self.exit_code == Some(0)
            } else {
                self.exit_code == Some(0)
            }
    }

    /// The ids of the tests that failed or errored, sorted.
    pub fn failing(&self) -> Vec<&str> {
        self.tests
            .iter()
            .filter(|(_, o)| o.failing())
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The folder the run is kept in.
    pub fn folder(&self, root: &Path) -> PathBuf {
        root.join(RUNS_DIR).join(&self.id)
    }
}

/// Two runs compared test by test.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub before: String,
    pub after: String,
    /// Failed or errored before, passed after.
    pub fixed: Vec<String>,
    /// Passed before, failed or errored after: what a change must never do.
    pub broken: Vec<String>,
    pub still_failing: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Passed in both.
    pub still_passing: usize,
    /// When either run has no per-test results: whether the suite went from
    /// passing to failing (by exit code).
    pub whole_suite_broken: bool,
}

impl Comparison {
    /// Whether anything that passed before fails now.
    pub fn broke_something(&self) -> bool {
        !self.broken.is_empty() || self.whole_suite_broken
    }
}

/// Compares two runs of the same suite.
pub fn compare(before: &SuiteRun, after: &SuiteRun) -> Comparison {
    let mut comparison = Comparison {
        before: before.id.clone(),
        after: after.id.clone(),
        ..Comparison::default()
    };
    if !(before.per_test && after.per_test) {
        comparison.whole_suite_broken = before.passed() && !after.passed();
        return comparison;
    }
    for (id, then) in &before.tests {
        match after.tests.get(id) {
            None => comparison.removed.push(id.clone()),
            Some(now) => match (then.failing(), now.failing()) {
                (true, false) if *now == Outcome::Passed => comparison.fixed.push(id.clone()),
                (false, true) if *then == Outcome::Passed => comparison.broken.push(id.clone()),
                (true, true) => comparison.still_failing.push(id.clone()),
                (false, false) if *then == Outcome::Passed && *now == Outcome::Passed => {
                    comparison.still_passing += 1
                }
                _ => {}
            },
        }
    }
    comparison.added = after
        .tests
        .keys()
        .filter(|id| !before.tests.contains_key(*id))
        .cloned()
        .collect();
    // A suite killed or crashed after the tests ran still broke something.
    comparison.whole_suite_broken =
        before.passed() && !after.passed() && comparison.broken.is_empty();
    comparison
}

/// Runs the suite at `root` with `python`, and records the run.
pub fn run_suite(
    python: &Python,
    root: &Path,
    options: &SuiteOptions,
) -> Result<SuiteRun, VerifyError> {
    let runs = root.join(RUNS_DIR);
    std::fs::create_dir_all(&runs).map_err(|e| VerifyError::io(&runs, e))?;
    ignore_everything_in(&root.join(".ferry"))?;
    let id = new_run_id(&runs);
    let folder = runs.join(&id);
    std::fs::create_dir_all(&folder).map_err(|e| VerifyError::io(&folder, e))?;
    let junit = folder.join("junit.xml");
    let (program, args, per_test) = match &options.command {
        Some(command) => {
            let (first, rest) = command
                .split_first()
                .ok_or_else(|| VerifyError::Config("`test-command` is empty".to_string()))?;
            let program = if first == "python" {
                python.path.clone()
            } else {
                PathBuf::from(first)
            };
            (program, rest.iter().map(OsString::from).collect(), false)
        }
        None => {
            let mut args: Vec<OsString> = ["-m", "pytest", "-p", "no:cacheprovider", "-q"]
                .into_iter()
                .map(OsString::from)
                .collect();
            if options.warnings_as_errors {
                args.push("-W".into());
                args.push("error::DeprecationWarning".into());
            }
            let mut junit_arg = OsString::from("--junitxml=");
            junit_arg.push(&junit);
            args.push(junit_arg);
            args.extend(options.paths.iter().map(|p| p.as_os_str().to_owned()));
            (python.path.clone(), args, true)
        }
    };
    let started = Instant::now();
    let captured = run(PythonRun {
        python: &program,
        args: args.clone(),
        cwd: root,
        stdin: None,
        timeout: options.timeout,
        inherit_env: false,
        group_file: options.group_file.as_deref(),
    })
    .map_err(|e| VerifyError::io(&program, e))?;
    let seconds = started.elapsed().as_secs_f64();
    let log = folder.join("output.log");
    let mut output = captured.stdout.clone();
    output.push_str(&captured.stderr);
    std::fs::write(&log, output).map_err(|e| VerifyError::io(&log, e))?;
    let tests = if per_test {
        match std::fs::read_to_string(&junit) {
            Ok(xml) => parse_junit(&xml).map_err(|reason| VerifyError::BadOutput {
                what: "pytest's JUnit report".to_string(),
                reason,
                output: junit.display().to_string(),
            })?,
            // No report: pytest did not get as far (a usage error, a crash).
            Err(_) => BTreeMap::new(),
        }
    } else {
        BTreeMap::new()
    };
    let mut counts = Counts::default();
    for outcome in tests.values() {
        match outcome {
            Outcome::Passed => counts.passed += 1,
            Outcome::Failed => counts.failed += 1,
            Outcome::Error => counts.errors += 1,
            Outcome::Skipped => counts.skipped += 1,
        }
    }
    let mut command = vec![program.display().to_string()];
    command.extend(args.iter().map(|a| a.to_string_lossy().into_owned()));
    let suite = SuiteRun {
        id,
        command,
        exit_code: captured.code,
        timed_out: captured.timed_out,
        seconds,
        per_test: per_test && (!tests.is_empty() || captured.code == Some(5)),
        tests,
        counts,
    };
    let record = folder.join("run.json");
    let json = serde_json::to_string_pretty(&suite).expect("a run serializes");
    std::fs::write(&record, json).map_err(|e| VerifyError::io(&record, e))?;
    Ok(suite)
}

/// The runs recorded at `root`, oldest first (unreadable ones skipped).
pub fn recorded_runs(root: &Path) -> Vec<SuiteRun> {
    let Ok(entries) = std::fs::read_dir(root.join(RUNS_DIR)) else {
        return Vec::new();
    };
    let mut runs: Vec<SuiteRun> = entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path().join("run.json")).ok())
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect();
    runs.sort_by(|a, b| a.id.cmp(&b.id));
    runs
}

/// Test outcomes from a JUnit XML report as pytest writes it: one
/// `<testcase classname=".." name="..">` per test, with a `<failure>`,
/// `<error>` or `<skipped>` child when it did not pass.
pub fn parse_junit(xml: &str) -> Result<BTreeMap<String, Outcome>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut tests = BTreeMap::new();
    let mut current: Option<(String, Outcome)> = None;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(element) | Event::Empty(element)
                if element.name().as_ref() == "testcase" =>
            {
                let mut classname = String::new();
                let mut name = String::new();
                for attribute in element.attributes() {
                    let attribute = attribute.map_err(|e| e.to_string())?;
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?
                        .into_owned();
                    match attribute.key.as_ref() {
                        "classname" => classname = value,
                        "name" => name = value,
                        _ => {}
                    }
                }
                let id = if classname.is_empty() {
                    name
                } else {
                    format!("{classname}::{name}")
                };
                if let Some((id, outcome)) = current.take() {
                    tests.insert(id, outcome);
                }
                current = Some((id, Outcome::Passed));
            }
            Event::Start(element) | Event::Empty(element) => {
                let outcome = match element.name().as_ref() {
                    "failure" => Some(Outcome::Failed),
                    "error" => Some(Outcome::Error),
                    "skipped" => Some(Outcome::Skipped),
                    _ => None,
                };
                if let (Some(outcome), Some((_, current))) = (outcome, current.as_mut()) {
                    // An error in teardown after a failure keeps the failure.
                    if *current == Outcome::Passed || outcome == Outcome::Failed {
                        *current = outcome;
                    }
                }
            }
            Event::End(element) if element.name().as_ref() == "testcase" => {
                if let Some((id, outcome)) = current.take() {
                    tests.insert(id, outcome);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((id, outcome)) = current.take() {
        tests.insert(id, outcome);
    }
    Ok(tests)
}

/// `.ferry/.gitignore` with `*`, so runs are never committed.
fn ignore_everything_in(folder: &Path) -> Result<(), VerifyError> {
    let path = folder.join(".gitignore");
    if !path.exists() {
        std::fs::write(&path, "# Ferry's test runs: local only.\n*\n")
            .map_err(|e| VerifyError::io(&path, e))?;
    }
    Ok(())
}

/// A new run's id: the UTC time (`20261206-204512`), with `-2`, `-3`, ...
/// when runs start within the same second.
fn new_run_id(runs: &Path) -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = utc_stamp(seconds);
    let mut id = base.clone();
    let mut n = 1;
    while runs.join(&id).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// `YYYYMMDD-HHMMSS` for seconds since the Unix epoch (UTC), by the civil
/// calendar algorithm (days to year/month/day).
fn utc_stamp(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_reports_give_each_test_its_outcome() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4">
<testcase classname="tests.test_a" name="test_ok" time="0.01" />
<testcase classname="tests.test_a" name="test_bad[x&amp;y]" time="0.01"><failure message="assert 1 == 2">trace</failure></testcase>
<testcase classname="tests.test_b.TestC" name="test_skip" time="0"><skipped type="pytest.skip" message="no" /></testcase>
<testcase classname="tests.test_b" name="test_fixture" time="0"><error message="fixture failed">e</error></testcase>
</testsuite></testsuites>"#;
        let tests = parse_junit(xml).unwrap();
        assert_eq!(tests.len(), 4);
        assert_eq!(tests["tests.test_a::test_ok"], Outcome::Passed);
        assert_eq!(tests["tests.test_a::test_bad[x&y]"], Outcome::Failed);
        assert_eq!(tests["tests.test_b.TestC::test_skip"], Outcome::Skipped);
        assert_eq!(tests["tests.test_b::test_fixture"], Outcome::Error);
        assert!(parse_junit("<testsuite><testcase name=").is_err());
    }

    fn suite(id: &str, tests: &[(&str, Outcome)]) -> SuiteRun {
        SuiteRun {
            id: id.to_string(),
            command: Vec::new(),
            exit_code: Some(i32::from(tests.iter().any(|(_, o)| o.failing()))),
            timed_out: false,
            seconds: 0.0,
            per_test: true,
            tests: tests.iter().map(|(n, o)| (n.to_string(), *o)).collect(),
            counts: Counts::default(),
        }
    }

    #[test]
    fn comparing_two_runs_test_by_test() {
        use Outcome::*;
        let before = suite(
            "1",
            &[
                ("a", Failed),
                ("b", Passed),
                ("c", Failed),
                ("d", Passed),
                ("e", Passed),
                ("s", Skipped),
            ],
        );
        let after = suite(
            "2",
            &[
                ("a", Passed),
                ("b", Failed),
                ("c", Error),
                ("e", Passed),
                ("f", Passed),
                ("s", Passed),
            ],
        );
        let comparison = compare(&before, &after);
        assert_eq!(comparison.fixed, ["a"]);
        assert_eq!(comparison.broken, ["b"]);
        assert_eq!(comparison.still_failing, ["c"]);
        assert_eq!(comparison.removed, ["d"]);
        assert_eq!(comparison.added, ["f"]);
        assert_eq!(comparison.still_passing, 1);
        assert!(comparison.broke_something());
        assert!(!compare(&after, &after).broke_something());
    }

    #[test]
    fn a_suite_judged_by_exit_code_breaks_as_a_whole() {
        let mut before = suite("1", &[]);
        before.per_test = false;
        let mut after = before.clone();
        after.exit_code = Some(1);
        assert!(compare(&before, &after).whole_suite_broken);
        assert!(!compare(&after, &before).broke_something());
    }

    #[test]
    fn run_ids_are_utc_stamps() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        assert_eq!(utc_stamp(951_782_400), "20000229-000000");
        assert_eq!(utc_stamp(1_796_589_912), "20261206-204512");
    }
}
