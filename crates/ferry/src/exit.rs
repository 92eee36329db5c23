//! Exit codes, documented in one place (and in `ferry --help`).

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing left to do.
    Success,
    /// 1: findings remain, `--check`/`--diff` would change files, or verification failed.
    Findings,
    /// 2: usage, configuration or IO error (including files that could not be read or parsed).
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
