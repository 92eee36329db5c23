//! Byte-compiling files with the project's interpreter, all of them in one
//! process (`compile.py`), so checking a thousand files costs one interpreter
//! start. Ferry's parser accepts some programs CPython rejects (a repeated
//! keyword argument, `return` outside a function, …); this is where those are
//! caught, with Python's own message.

use std::ffi::OsString;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::VerifyError;
use crate::interpreter::Python;
use crate::verify::SourceFile;

/// Why a file does not compile, as Python says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileError {
    /// The exception's class, e.g. `SyntaxError`.
    pub kind: String,
    /// The line Python points at, for syntax errors.
    pub line: Option<u32>,
    /// Python's own message, with the file name shown as Ferry shows it.
    pub message: String,
}

const COMPILE_SCRIPT: &str = include_str!("compile.py");

/// Compiles `files` in one batch. Returns, in the same order, `None` for a
/// file that compiles and its error otherwise. Nothing is written beside the
/// files: the bytecode goes to a scratch folder that is then removed.
pub fn compile_files(
    python: &Python,
    files: &[SourceFile],
    cwd: &Path,
) -> Result<Vec<Option<CompileError>>, VerifyError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let mut stdin = Vec::new();
    for file in files {
        let absolute = std::path::absolute(&file.path).unwrap_or_else(|_| file.path.clone());
        stdin.extend_from_slice(&path_bytes(absolute.as_os_str()));
        stdin.push(0);
        stdin.extend_from_slice(file.shown.as_bytes());
        stdin.push(0);
    }
    let what = format!(
        "byte-compiling {} with {}",
        plural(files.len()),
        python.path.display()
    );
    let args: Vec<OsString> = vec!["-I".into(), "-c".into(), COMPILE_SCRIPT.into()];
    let captured = python.run_ok(&what, args, cwd, Some(stdin))?;
    let results: Vec<Option<CompileError>> =
        serde_json::from_str(captured.stdout.trim()).map_err(|err| VerifyError::BadOutput {
            what: what.clone(),
            reason: err.to_string(),
            output: captured.stdout.clone(),
        })?;
    if results.len() != files.len() {
        return Err(VerifyError::BadOutput {
            what,
            reason: format!("{} results for {} files", results.len(), files.len()),
            output: captured.stdout,
        });
    }
    Ok(results)
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

#[cfg(unix)]
fn path_bytes(path: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &std::ffi::OsStr) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}
