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
//! set the target and the floor.

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
pub fn run_pack_tests(dir: &Path) -> Result<Vec<FixtureResult>, PackTestError> {
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
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".py") || name.ends_with(".fixed.py") {
                continue;
            }
            let failure = run_fixture(pack, rule.code(), &file).err();
            results.push(FixtureResult {
                path: file,
                failure,
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

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    Ok(entries)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// Runs one fixture; `Err` says what did not hold.
fn run_fixture(pack: &'static Pack, code: &str, path: &Path) -> Result<(), String> {
    let before = read(path)?;
    let options = fixture_options(&before)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".clean.py") {
        // Every rule of the pack, as a run would use them.
        let check = check_source(&before, &[pack], &options.settings)
            .map_err(|err| format!("does not parse: {err}"))?;
        return match check.findings.first() {
            None => Ok(()),
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
    let check = check_source(&before, &[pack], &settings)
        .map_err(|err| format!("does not parse: {err}"))?;
    if check.findings.is_empty() {
        return Err(format!(
            "{code} finds nothing here (a file where it must not is named `*.clean.py`)"
        ));
    }
    let fixed = fix_source(&before, &[pack], &settings, options.unsafe_fixes)
        .map_err(|err| format!("fixing fails: {err}"))?;
    let stem = name.strip_suffix(".py").unwrap_or(name);
    let expected_path = path.with_file_name(format!("{stem}.fixed.py"));
    let expected = if expected_path.exists() {
        read(&expected_path)?
    } else {
        before.clone()
    };
    if fixed.text != expected {
        let against = if expected_path.exists() {
            format!("{}", expected_path.display())
        } else {
            "the file itself (no `.fixed.py`: nothing should change)".to_string()
        };
        return Err(format!(
            "the fixed text differs from {against}:\n{}",
            line_diff(&expected, &fixed.text)
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
    Ok(())
}

/// A unified diff from what was expected to what came out.
fn line_diff(expected: &str, got: &str) -> String {
    similar::TextDiff::from_lines(expected, got)
        .unified_diff()
        .header("expected", "fixed")
        .to_string()
}
