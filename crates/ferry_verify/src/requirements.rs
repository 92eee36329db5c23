//! The project's declared requirements as `ferry doctor` reports them: each
//! line naming the library and whether the installed version satisfies it.
//! This is data only. Reading the declarations is `ferry_workspace::pins`'s
//! job (the one reader of requirement files in Ferry, which also decides
//! each file's target); the CLI fills these from it, so this crate keeps
//! knowing nothing of files other than the ones its subprocesses produce.

use serde::Serialize;

/// One line of the project that names the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredRequirement {
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The requirement as written, e.g. `websockets>=10.4,<14`.
    pub text: String,
}

/// A declaration checked against the installed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementCheck {
    #[serde(flatten)]
    pub requirement: DeclaredRequirement,
    /// `Some(true)`: the installed version satisfies it; `Some(false)`: it
    /// does not, or nothing is installed; `None`: cannot tell.
    pub agrees: Option<bool>,
}
