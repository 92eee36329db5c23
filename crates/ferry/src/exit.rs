//! Exit codes, documented in one place: the codes themselves, and what each
//! subcommand's `--help` says they mean for it (only the codes it can
//! return).

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing left to do.
    Success,
    /// 1: findings remain, `--check`/`--diff` would change files, or verification failed.
    Findings,
    /// 2: usage, configuration or IO error (including files that could not be
    /// read or parsed), or a write refused (uncommitted changes, no version control).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Findings => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// `ferry --help`: every code, for every command.
pub const ALL: &str = "Exit codes (each command's --help says what they mean for it):
  0  nothing left to do
  1  findings remain, files would change, or verification failed
  2  usage, configuration or IO error, a file that could not be read, decoded or
     parsed, or a write refused";

pub const SCAN: &str = "Exit codes:
  0  no finding
  1  findings remain
  2  usage, configuration or IO error, or a file that could not be read, decoded or parsed";

pub const FIX: &str = "Exit codes:
  0  nothing left to do
  1  review items or unsafe fixes are left after writing; with --check or --diff, files
     would change; with --verify or --verify-tests, the verification failed
  2  usage, configuration or IO error, a file that could not be read, decoded, parsed or
     written, or a write refused (uncommitted changes without --allow-dirty, files outside
     version control without --allow-no-vcs)";

pub const DOCTOR: &str = "Exit codes:
  0  nothing fails with the installed version
  1  uses fail with the installed version, or a declared requirement does not allow it
  2  usage or IO error, or no Python could be asked";

pub const VERIFY: &str = "Exit codes:
  0  every file compiles and every test file collects (with --tests: no test fails)
  1  a file does not compile or a test file does not collect (with --tests: a test fails,
     or one that passed before is broken)
  2  usage, configuration or IO error, or no Python could be run";

pub const UPGRADE: &str = "Exit codes:
  0  the trial passed: no test that passed before fails after the upgrade
  1  the trial failed: a test that passed before fails after it
  2  usage or IO error, or the baseline could not run
  130  interrupted (Ctrl-C): the trial's tests, worktree and half-built venv were removed";

pub const PLAN: &str = "Exit codes:
  0  nothing to fix
  1  findings remain
  2  usage, configuration or IO error, or a file that could not be read, decoded or parsed";

pub const REPORT: &str = "Exit codes:
  0  the report was written (whatever it says)
  2  usage, configuration or IO error";

pub const INIT: &str = "Exit codes:
  0  the configuration was written (or printed)
  2  usage or IO error, or a configuration already exists";

pub const RULES: &str = "Exit codes:
  0  printed
  2  usage error";

pub const EXPLAIN: &str = "Exit codes:
  0  printed
  2  usage error, or an unknown rule code";

pub const PACK_DRAFT: &str = "Exit codes:
  0  the draft is written (with --against: and the project meets none of its rules)
  1  with --against: the project meets some of the drafted rules
  2  a release cannot be installed or inspected, or the draft cannot be written";

pub const PACK: &str = "Exit codes:
  0  the pack is valid (check), every fixture passed (test)
  1  a release contradicts the pack (check --old/--new), a fixture failed (test)
  2  the pack or the folder is invalid or cannot be read, or a release cannot be installed";
