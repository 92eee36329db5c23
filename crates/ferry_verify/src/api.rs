//! What a library's release has under given names (`ferry pack check
//! --old/--new`): whether each name resolves, what it is, and a callable's
//! parameters. Asked in a subprocess (`api.py`) that imports the library
//! only. The caller says which names; this crate knows no library.

use std::ffi::OsString;

use serde::{Deserialize, Serialize};

use crate::error::VerifyError;
use crate::interpreter::Python;

/// One name as the installed release has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiName {
    pub name: String,
    pub exists: bool,
    /// `module`, `class`, `callable` or `value`.
    #[serde(default)]
    pub kind: Option<String>,
    /// A callable's parameters, when it has a signature.
    #[serde(default)]
    pub parameters: Option<Vec<ApiParameter>>,
    /// Why it does not resolve.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiParameter {
    pub name: String,
    /// `inspect.Parameter.kind`'s name: `POSITIONAL_OR_KEYWORD`, `VAR_KEYWORD`, ...
    pub kind: String,
}

impl ApiName {
    /// Whether a call can pass `keyword` by that name: `Some(true)` for a
    /// named parameter, `None` when only `**kwargs` would take it (the call
    /// does not fail, but nothing says the keyword is understood),
    /// `Some(false)` otherwise; `None` without a signature.
    pub fn takes_keyword(&self, keyword: &str) -> Option<bool> {
        let parameters = self.parameters.as_ref()?;
        let named = parameters.iter().any(|p| {
            p.name == keyword && matches!(p.kind.as_str(), "POSITIONAL_OR_KEYWORD" | "KEYWORD_ONLY")
        });
        if named {
            return Some(true);
        }
        if parameters.iter().any(|p| p.kind == "VAR_KEYWORD") {
            return None;
        }
        Some(false)
    }
}

/// A release's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReport {
    /// The installed version of the distribution; `None`: not installed.
    pub version: Option<String>,
    pub names: Vec<ApiName>,
}

const API_SCRIPT: &str = include_str!("api.py");

/// Asks `python` about `names` of `distribution`. Runs in an empty scratch folder.
pub fn look_up_names(
    python: &Python,
    distribution: &str,
    names: &[String],
) -> Result<ApiReport, VerifyError> {
    let request = serde_json::json!({ "distribution": distribution, "names": names }).to_string();
    let scratch = tempfile::tempdir().map_err(|e| VerifyError::Scratch(e.to_string()))?;
    let what = format!(
        "looking up {distribution}'s names with {}",
        python.path.display()
    );
    let args: Vec<OsString> = vec!["-c".into(), API_SCRIPT.into(), request.into()];
    let captured = python.run_ok(&what, args, scratch.path(), None)?;
    serde_json::from_str(captured.stdout.trim()).map_err(|err| VerifyError::BadOutput {
        what,
        reason: err.to_string(),
        output: captured.stdout.clone(),
    })
}
