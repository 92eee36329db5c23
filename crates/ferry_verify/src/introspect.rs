//! A library's whole public API as one release has it (`ferry pack
//! draft`): every public module, its names and the identities of the
//! objects they bind, signatures, keywords read from `**kwargs`, class
//! members. Taken in a subprocess (`introspect.py`) that imports the
//! library's modules one by one, each with a time limit, so a module that
//! fails is one error in the answer rather than a failed run. The caller
//! gives the type the answer is read into (`ferry_packs::draft::Inventory`);
//! this crate knows no library.

use std::ffi::OsString;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::VerifyError;
use crate::interpreter::Python;

const INTROSPECT_SCRIPT: &str = include_str!("introspect.py");

/// Takes the inventory of `distribution` as installed for `python`,
/// giving each module's import at most `import_limit`. Runs in an empty
/// scratch folder, so nothing of the current folder is imported.
pub fn take_inventory<T: DeserializeOwned>(
    python: &Python,
    distribution: &str,
    import_limit: Duration,
) -> Result<T, VerifyError> {
    let request = serde_json::json!({
        "distribution": distribution,
        "import_timeout": import_limit.as_secs_f64(),
    })
    .to_string();
    let scratch = tempfile::tempdir().map_err(|e| VerifyError::Scratch(e.to_string()))?;
    let what = format!(
        "taking the inventory of {distribution}'s public API with {}",
        python.path.display()
    );
    let args: Vec<OsString> = vec!["-c".into(), INTROSPECT_SCRIPT.into(), request.into()];
    let captured = python.run_ok(&what, args, scratch.path(), None)?;
    serde_json::from_str(captured.stdout.trim()).map_err(|err| VerifyError::BadOutput {
        what,
        reason: err.to_string(),
        output: captured.stdout.chars().take(2000).collect(),
    })
}
