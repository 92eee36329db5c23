//! The project's configuration: `ferry.toml`, or `[tool.ferry]` in
//! `pyproject.toml`, with the same keys. The nearest one above the starting
//! folder wins; in one folder `ferry.toml` wins over `pyproject.toml`.
//!
//! ```toml
//! packs = ["websockets"]
//! exclude = ["legacy/**"]
//! target = { websockets = "15.0.1" }
//!
//! [[phase]]
//! name = "mission-critical"
//! paths = ["tests/mission_critical/**"]
//! impact = "Blocks release"
//! ```
//!
//! Unknown keys are errors naming the key and the file: a misspelt `phases`
//! silently ignored would put every file in `unphased`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::paths::{PathGlobs, UNPHASED};

/// The name of Ferry's own configuration file.
pub const CONFIG_FILE: &str = "ferry.toml";

/// A configuration as read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from.
    pub file: PathBuf,
    /// The folder of that file: `exclude` and phase `paths` are relative to it.
    pub root: PathBuf,
    /// Pack names to run (default: every pack).
    pub packs: Option<Vec<String>>,
    /// Globs of paths to skip.
    pub exclude: Vec<String>,
    /// Library → version to migrate to, e.g. `websockets` → `15.0.1`.
    pub target: BTreeMap<String, String>,
    /// In the order the work is done.
    pub phases: Vec<PhaseConfig>,
    /// How `ferry verify --tests` runs the project's tests, when not with
    /// pytest (`["python", "-m", "unittest"]`; `python` is the project's).
    pub test_command: Option<Vec<String>>,
}

/// One `[[phase]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseConfig {
    pub name: String,
    /// Globs relative to the configuration's folder; a folder matches
    /// everything under it.
    pub paths: Vec<String>,
    /// Free text shown in plans and reports: what breaks if this phase breaks.
    pub impact: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    packs: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    target: BTreeMap<String, String>,
    #[serde(default)]
    phase: Vec<PhaseConfig>,
    #[serde(default, rename = "test-command")]
    test_command: Option<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {reason}", .file.display())]
    Read { file: PathBuf, reason: String },
    #[error("{}: {reason}", .file.display())]
    Invalid { file: PathBuf, reason: String },
}

impl ConfigError {
    fn invalid(file: &Path, reason: impl Into<String>) -> Self {
        Self::Invalid {
            file: file.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Finds the nearest configuration in `start` or a folder above it.
/// A `pyproject.toml` without `[tool.ferry]` does not count.
pub fn find_config(start: &Path) -> Result<Option<Config>, ConfigError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        let ferry_toml = dir.join(CONFIG_FILE);
        if ferry_toml.is_file() {
            return load_config(&ferry_toml).map(Some);
        }
        let pyproject = dir.join("pyproject.toml");
        if pyproject.is_file() {
            if let Some(config) = load_pyproject(&pyproject)? {
                return Ok(Some(config));
            }
        }
    }
    Ok(None)
}

/// Reads a configuration file: `pyproject.toml` is read for its
/// `[tool.ferry]` table (an error if it has none), any other name as a
/// `ferry.toml`.
pub fn load_config(file: &Path) -> Result<Config, ConfigError> {
    if file
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        return load_pyproject(file)?.ok_or_else(|| {
            ConfigError::invalid(
                file,
                "has no [tool.ferry] table to read Ferry's settings from",
            )
        });
    }
    let text = read(file)?;
    let raw: RawConfig =
        toml::from_str(&text).map_err(|err| ConfigError::invalid(file, describe(&err, &text)))?;
    finish(file, raw)
}

fn load_pyproject(file: &Path) -> Result<Option<Config>, ConfigError> {
    let text = read(file)?;
    let document: toml::Table =
        toml::from_str(&text).map_err(|err| ConfigError::invalid(file, describe(&err, &text)))?;
    let Some(table) = document
        .get("tool")
        .and_then(|tool| tool.get("ferry"))
        .cloned()
    else {
        return Ok(None);
    };
    let raw = RawConfig::deserialize(table).map_err(|err| {
        ConfigError::invalid(file, format!("[tool.ferry]: {}", describe(&err, &text)))
    })?;
    finish(file, raw).map(Some)
}

fn read(file: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(file).map_err(|err| ConfigError::Read {
        file: file.to_path_buf(),
        reason: err.to_string(),
    })
}

/// toml's own rendering spans several lines (a source excerpt); after the
/// file name, `line N: message` reads better.
fn describe(err: &toml::de::Error, text: &str) -> String {
    let message = err.message().trim();
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message.to_string(),
    }
}

fn finish(file: &Path, raw: RawConfig) -> Result<Config, ConfigError> {
    let root = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let root = std::path::absolute(&root).unwrap_or(root);
    PathGlobs::new(&raw.exclude)
        .map_err(|reason| ConfigError::invalid(file, format!("exclude: {reason}")))?;
    let mut seen = std::collections::HashSet::new();
    for (index, phase) in raw.phase.iter().enumerate() {
        let which = format!("phase {} (`{}`)", index + 1, phase.name);
        if phase.name.trim().is_empty() {
            return Err(ConfigError::invalid(
                file,
                format!("phase {}: `name` is empty", index + 1),
            ));
        }
        if phase.name == UNPHASED {
            return Err(ConfigError::invalid(
                file,
                format!("{which}: `{UNPHASED}` is the name of the phase for files no phase matches; choose another name"),
            ));
        }
        if !seen.insert(phase.name.as_str()) {
            return Err(ConfigError::invalid(
                file,
                format!("{which}: a phase with this name is already defined"),
            ));
        }
        if phase.paths.is_empty() {
            return Err(ConfigError::invalid(
                file,
                format!("{which}: `paths` is empty, so no file could be in it"),
            ));
        }
        PathGlobs::new(&phase.paths)
            .map_err(|reason| ConfigError::invalid(file, format!("{which}: {reason}")))?;
    }
    if raw.test_command.as_ref().is_some_and(Vec::is_empty) {
        return Err(ConfigError::invalid(
            file,
            "`test-command` is empty (leave it out to run the tests with pytest)",
        ));
    }
    if let Some(packs) = &raw.packs {
        if packs.is_empty() {
            return Err(ConfigError::invalid(
                file,
                "`packs` is empty, so nothing would be checked (leave it out to run every pack)",
            ));
        }
    }
    Ok(Config {
        file: file.to_path_buf(),
        root,
        packs: raw.packs,
        exclude: raw.exclude,
        target: raw.target,
        phases: raw.phase,
        test_command: raw.test_command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    const PHASES: &str = r#"
packs = ["websockets"]
exclude = ["vendored/**"]
target = { websockets = "15.0.1" }

[[phase]]
name = "mission-critical"
paths = ["tests/mission_critical/**"]
impact = "Blocks release"
description = "The tests that gate every deploy"

[[phase]]
name = "backend"
paths = ["backend"]
impact = "Server internals"
"#;

    #[test]
    fn reads_every_key_of_ferry_toml() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), CONFIG_FILE, PHASES);
        let config = load_config(&file).unwrap();
        assert_eq!(config.packs, Some(vec!["websockets".to_string()]));
        assert_eq!(config.exclude, vec!["vendored/**"]);
        assert_eq!(config.target["websockets"], "15.0.1");
        assert_eq!(config.phases.len(), 2);
        assert_eq!(config.phases[0].name, "mission-critical");
        assert_eq!(
            config.phases[0].description.as_deref(),
            Some("The tests that gate every deploy")
        );
        assert_eq!(config.phases[1].description, None);
        assert_eq!(config.root, std::path::absolute(dir.path()).unwrap());
    }

    #[test]
    fn reads_tool_ferry_in_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        let body = PHASES
            .replace("[[phase]]", "[[tool.ferry.phase]]")
            .replacen("packs", "[tool.ferry]\npacks", 1);
        write(
            dir.path(),
            "pyproject.toml",
            &format!("[project]\nname = \"x\"\n{body}"),
        );
        let config = find_config(&dir.path().join("src/deep")).unwrap().unwrap();
        assert_eq!(config.phases.len(), 2);
        assert_eq!(config.target["websockets"], "15.0.1");
    }

    #[test]
    fn the_nearest_config_wins_and_ferry_toml_beats_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), CONFIG_FILE, "exclude = [\"outer\"]\n");
        write(
            dir.path(),
            "inner/pyproject.toml",
            "[tool.ferry]\nexclude = [\"inner-pyproject\"]\n",
        );
        let found = find_config(&dir.path().join("inner/src")).unwrap().unwrap();
        assert_eq!(found.exclude, vec!["inner-pyproject"]);
        write(dir.path(), "inner/ferry.toml", "exclude = [\"inner\"]\n");
        let found = find_config(&dir.path().join("inner")).unwrap().unwrap();
        assert_eq!(found.exclude, vec!["inner"]);
        // A pyproject.toml without [tool.ferry] is passed over.
        write(
            dir.path(),
            "other/pyproject.toml",
            "[project]\nname = \"x\"\n",
        );
        let found = find_config(&dir.path().join("other")).unwrap().unwrap();
        assert_eq!(found.exclude, vec!["outer"]);
    }

    #[test]
    fn no_config_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // The temp dir's ancestors (/tmp, /) hold no ferry.toml on a sane machine.
        assert!(find_config(dir.path()).unwrap().is_none());
    }

    fn error_of(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), CONFIG_FILE, text);
        load_config(&file).unwrap_err().to_string()
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key_and_the_file() {
        let message = error_of("[[phases]]\nname = \"a\"\npaths = [\"a\"]\nimpact = \"x\"\n");
        assert!(message.contains("ferry.toml"), "{message}");
        assert!(message.contains("unknown field `phases`"), "{message}");
        let message = error_of("[[phase]]\nname = \"a\"\npath = [\"a\"]\nimpact = \"x\"\n");
        assert!(message.contains("unknown field `path`"), "{message}");

        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "pyproject.toml",
            "[tool.ferry]\ntargets = { websockets = \"15\" }\n",
        );
        let message = load_config(&file).unwrap_err().to_string();
        assert!(message.contains("pyproject.toml"), "{message}");
        assert!(message.contains("[tool.ferry]"), "{message}");
        assert!(message.contains("unknown field `targets`"), "{message}");
    }

    #[test]
    fn bad_phases_are_errors() {
        let phase = |name: &str, paths: &str| {
            format!("[[phase]]\nname = \"{name}\"\npaths = {paths}\nimpact = \"x\"\n")
        };
        let twice = format!("{}{}", phase("a", "[\"a\"]"), phase("a", "[\"b\"]"));
        assert!(error_of(&twice).contains("already defined"));
        assert!(error_of(&phase("unphased", "[\"a\"]")).contains("`unphased` is the name"));
        assert!(error_of(&phase("a", "[]")).contains("`paths` is empty"));
        assert!(error_of(&phase("a", "[\"a[\"]")).contains("phase 1 (`a`)"));
        assert!(error_of("[[phase]]\nname = \"a\"\npaths = [\"a\"]\n").contains("impact"));
        assert!(error_of("packs = []\n").contains("`packs` is empty"));
        assert!(error_of("exclude = [\"[\"]\n").contains("exclude"));
        assert!(error_of("exclude = \"a\"\n").contains("invalid type"));
    }

    #[test]
    fn a_pyproject_named_explicitly_needs_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
        let message = load_config(&file).unwrap_err().to_string();
        assert!(message.contains("has no [tool.ferry] table"), "{message}");
    }
}
