//! What a rule reports: a [`Finding`], optionally with a [`Fix`].

use ferry_python::TextRange;

use crate::edit::Edit;
use crate::settings::Release;

/// How sure a fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps behaviour on every supported version: applied by `ferry fix`.
    Safe,
    /// Right in the usual case, but a human should look: applied with `--unsafe-fixes`.
    Unsafe,
}

/// A set of edits that together resolve one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Imperative, e.g. "Rename `extra_headers` to `additional_headers`".
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// The first release of the pack's library on which the fixed code is
    /// right (`additional_headers=` on top-level `websockets.connect`:
    /// 14.0). Where the project's requirements allow an older release, the
    /// engine offers the fix as unsafe, saying why. `None`: the pack's
    /// breaking release, the safe default for a fix that writes the new
    /// API; [`Release::ANY`] for a fix right on every release (a removal, a
    /// rename to a name the old releases take too).
    pub requires: Option<Release>,
}

/// One affected use in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
    pub range: TextRange,
    /// `None`: a review item — the message says what a human must decide.
    pub fix: Option<Fix>,
}

/// The fix level of a finding, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FixKind {
    Safe,
    Unsafe,
    None,
}

impl FixKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::Safe => "safe",
            FixKind::Unsafe => "unsafe",
            FixKind::None => "none",
        }
    }
}

impl Finding {
    pub fn fix_kind(&self) -> FixKind {
        match &self.fix {
            Some(fix) if fix.applicability == Applicability::Safe => FixKind::Safe,
            Some(_) => FixKind::Unsafe,
            None => FixKind::None,
        }
    }
}
