//! `ferry pack test DIR`: a pack's fixtures, run through the engine.
//!
//! A pack folder holds `pack.toml` and `fixtures/<CODE>/`. In a rule's
//! folder, `NAME.py` is a `before` file: the rule must find something in
//! it, its fixed text (safe fixes, or unsafe too with a leading
//! `# ferry-test: unsafe-fixes`) must equal `NAME.fixed.py` byte for byte
//! (or the file itself when there is no `NAME.fixed.py`: only review
//! items), a second fix must change nothing, and the result must parse.
//! `NAME.clean.py` is a negative fixture: no rule of the pack may report
//! anything in it. The leading `# ferry-test:` lines of [`crate::fixture`]
//! set the target and the floor. Files are read as Ferry reads sources
//! (BOM, coding cookies) and compared as bytes in their own encoding.
//! With `update`, each fixture's `NAME.fixed.py` is written from what the
//! fix gives (and removed when nothing changes), for the author to review.

use std::path::{Path, PathBuf};

use ferry_engine::{check_source, fix_source, Pack, Settings};

use crate::fixture::fixture_options;
use crate::PackError;

/// The pack file of a pack folder.
pub const PACK_FILE: &str = "pack.toml";
/// The folder of its fixtures, one folder per rule code.
pub const FIXTURES: &str = "fixtures";

/// What one fixture showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureResult {
    pub path: PathBuf,
    /// `None`: it passed; else why not.
    pub failure: Option<String>,
    /// With `update`: the expected output was written (or removed).
    pub updated: bool,
}

/// Why a pack folder's fixtures cannot be run at all.
#[derive(Debug, thiserror::Error)]
pub enum PackTestError {
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error("{}: {reason}", path.display())]
    Layout { path: PathBuf, reason: String },
}

/// Loads `dir/pack.toml` and runs every fixture under `dir/fixtures`,
/// sorted by path.
pub fn run_pack_tests(dir: &Path, update: bool) -> Result<Vec<FixtureResult>, PackTestError> {
    let pack = crate::load_pack_file(&dir.join(PACK_FILE))?;
    let fixtures = dir.join(FIXTURES);
    let layout = |path: &Path, reason: String| PackTestError::Layout {
        path: path.to_path_buf(),
        reason,
    };
    let rule_dirs = sorted_entries(&fixtures).map_err(|err| {
        layout(
            &fixtures,
            format!("cannot list the fixtures ({err}): a pack folder has `{FIXTURES}/<CODE>/*.py`"),
        )
    })?;
    let mut results = Vec::new();
    for rule_dir in rule_dirs {
        let Some(code) = rule_dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !rule_dir.is_dir() {
            return Err(layout(
                &rule_dir,
                "only folders named after rule codes belong in `fixtures`".into(),
            ));
        }
        let Some(rule) = pack
            .rules
            .iter()
            .find(|r| r.code().eq_ignore_ascii_case(code))
        else {
            return Err(layout(
                &rule_dir,
                format!("`{code}` is not a rule of pack `{}`", pack.name),
            ));
        };
        let files = sorted_entries(&rule_dir).map_err(|err| layout(&rule_dir, err.to_string()))?;
        for file in files {
            if !is_fixture_input(&file) {
                continue;
            }
            let (failure, updated) = match run_fixture(pack, rule.code(), &file, update) {
                Ok(updated) => (None, updated),
                Err(why) => (Some(why), false),
            };
            results.push(FixtureResult {
                path: file,
                failure,
                updated,
            });
        }
    }
    if results.is_empty() {
        return Err(layout(
            &fixtures,
            "no fixture (`<CODE>/NAME.py`) found".into(),
        ));
    }
    Ok(results)
}

/// Whether a fixture folder's file is a fixture's input: a `.py` file
/// other than an expected output (`NAME.fixed.py`).
pub fn is_fixture_input(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".py") && !n.ends_with(".fixed.py"))
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    Ok(entries)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// Runs one fixture; `Ok(updated)` when it holds (with `update`, whether
/// its expected output was written), `Err` says what did not hold.
fn run_fixture(pack: &'static Pack, code: &str, path: &Path, update: bool) -> Result<bool, String> {
    let bytes = read(path)?;
    let source = ferry_python::decode(&bytes).map_err(|err| format!("cannot decode: {err}"))?;
    let before: &str = source.text.as_ref();
    let options = fixture_options(before)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".clean.py") {
        // Every rule of the pack, as a run would use them. A file that
        // does not parse has no finding either.
        let Ok(check) = check_source(before, &[pack], &options.settings) else {
            return Ok(false);
        };
        return match check.findings.first() {
            None => Ok(false),
            Some(finding) => Err(format!(
                "a negative fixture, but {} reports: {}",
                finding.code, finding.message
            )),
        };
    }
    let settings = Settings {
        selection: ferry_engine::RuleSelection {
            select: vec![code.to_string()],
            ignore: Vec::new(),
        },
        ..options.settings
    };
    let check =
        check_source(before, &[pack], &settings).map_err(|err| format!("does not parse: {err}"))?;
    if check.findings.is_empty() {
        return Err(format!(
            "{code} finds nothing here (a file where it must not is named `*.clean.py`)"
        ));
    }
    let fixed = fix_source(before, &[pack], &settings, options.unsafe_fixes)
        .map_err(|err| format!("fixing fails: {err}"))?;
    let fixed_bytes = source
        .encoding
        .encode(&fixed.text)
        .map_err(|err| format!("the fixed text does not encode back: {err}"))?;
    let stem = name.strip_suffix(".py").unwrap_or(name);
    let expected_path = path.with_file_name(format!("{stem}.fixed.py"));
    if update {
        let changed = fixed_bytes != bytes;
        let current = std::fs::read(&expected_path).ok();
        let wanted = changed.then_some(&fixed_bytes);
        if current.as_ref() != wanted {
            match wanted {
                Some(bytes) => std::fs::write(&expected_path, bytes),
                None => std::fs::remove_file(&expected_path),
            }
            .map_err(|err| format!("cannot update {}: {err}", expected_path.display()))?;
            return Ok(true);
        }
    }
    let expected = if expected_path.exists() {
        read(&expected_path)?
    } else {
        bytes.clone()
    };
    if fixed_bytes != expected {
        let against = if expected_path.exists() {
            format!("{}", expected_path.display())
        } else {
            "the file itself (no `.fixed.py`: nothing should change)".to_string()
        };
        return Err(format!(
            "the fixed text differs from {against} (`ferry pack test --update` rewrites it):\n{}",
            line_diff(
                &String::from_utf8_lossy(&expected),
                &String::from_utf8_lossy(&fixed_bytes)
            )
        ));
    }
    if ferry_python::parse(&fixed.text).is_err() {
        return Err("the fixed text does not parse".to_string());
    }
    let again = fix_source(&fixed.text, &[pack], &settings, options.unsafe_fixes)
        .map_err(|err| format!("fixing the fixed text fails: {err}"))?;
    if again.text != fixed.text {
        return Err(format!(
            "a second fix changes the text again:\n{}",
            line_diff(&fixed.text, &again.text)
        ));
    }
    Ok(false)
}

/// A unified diff from what was expected to what came out.
fn line_diff(expected: &str, got: &str) -> String {
    similar::TextDiff::from_lines(expected, got)
        .unified_diff()
        .header("expected", "fixed")
        .to_string()
}
