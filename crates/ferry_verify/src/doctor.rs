//! What `ferry doctor` concludes, as data: for each pack, the probe of the
//! installed library, the project's declared requirements checked against
//! it, and how many of the project's uses fail at run time with it. The
//! run-time count comes from a scan, which the caller runs (this crate knows
//! nothing of rules); it is carried here so a report can include it.

use serde::Serialize;

use crate::interpreter::Python;
use crate::probe::ProbeReport;
use crate::requirements::RequirementCheck;

/// One use of the library that fails with the installed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingUse {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub code: String,
    pub message: String,
}

/// The project's uses of the library, against the installed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuntimeVerdict {
    /// Findings of a normal scan (migrating to the newest release).
    pub findings: usize,
    /// The installed version the uses were checked against; `None` when the
    /// library is not installed or its version cannot be read as a release.
    pub checked_against: Option<String>,
    /// Uses that fail at run time with `checked_against`.
    pub failing: Vec<FailingUse>,
}

/// Everything doctor says about one pack's library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackDoctor {
    pub pack: String,
    pub probe: ProbeReport,
    /// The project's declarations of the library (`requirements*.txt`,
    /// `pyproject.toml`) and whether the installed version meets each.
    pub requirements: Vec<RequirementCheck>,
    pub runtime: RuntimeVerdict,
    /// What `ferry scan` checks the project against, said in words, for a
    /// pack whose target the project's declarations decide (the
    /// interpreter's); `None` for the others, whose probe says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl PackDoctor {
    /// Declarations the installed version does not meet (or that nothing
    /// installed can meet).
    pub fn disagreements(&self) -> impl Iterator<Item = &RequirementCheck> {
        self.requirements.iter().filter(|c| c.agrees == Some(false))
    }

    /// Whether the library is missing although the project needs it.
    pub fn missing_but_needed(&self) -> bool {
        self.probe.library_version.is_none()
            && (self.runtime.findings > 0 || !self.requirements.is_empty())
    }

    pub fn has_problems(&self) -> bool {
        !self.runtime.failing.is_empty()
            || self.disagreements().next().is_some()
            || self.missing_but_needed()
    }
}

/// `ferry doctor`'s whole answer.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    pub python: Python,
    pub packs: Vec<PackDoctor>,
}

impl DoctorReport {
    pub fn has_problems(&self) -> bool {
        self.packs.iter().any(PackDoctor::has_problems)
    }
}
