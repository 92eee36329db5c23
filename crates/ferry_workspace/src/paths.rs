//! Paths relative to the configuration's folder: the `exclude` globs and the
//! phases, which put every file in exactly one phase (the first whose globs
//! match it, else `unphased`).

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::Config;

/// The phase of files that no configured phase matches; always last.
pub const UNPHASED: &str = "unphased";

/// Globs matched against a path relative to a root. A glob matches a file
/// when it matches the file's path or the path of a folder above it, so
/// `backend` and `backend/**` both take everything under `backend/`.
#[derive(Debug, Clone)]
pub struct PathGlobs {
    set: GlobSet,
}

impl PathGlobs {
    pub fn new(globs: &[String]) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.trim_start_matches("./").trim_end_matches('/');
            let parsed = Glob::new(pattern)
                .map_err(|err| format!("invalid glob `{glob}`: {}", err.kind()))?;
            builder.add(parsed);
        }
        let set = builder
            .build()
            .map_err(|err| format!("invalid globs: {err}"))?;
        Ok(Self { set })
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether `relative` (a path relative to the root) or a folder above it matches.
    pub fn matches(&self, relative: &Path) -> bool {
        !self.set.is_empty() && relative.ancestors().any(|p| self.set.is_match(p))
    }
}

/// One phase as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub name: String,
    pub paths: Vec<String>,
    pub impact: String,
    pub description: Option<String>,
}

/// The configured phases, in order, then `unphased`, with what decides
/// which file is in which.
#[derive(Debug, Clone)]
pub struct PhasePlan {
    /// Absolute and normalised; paths outside it are unphased.
    root: PathBuf,
    phases: Vec<Phase>,
    matchers: Vec<PathGlobs>,
    exclude: PathGlobs,
}

impl PhasePlan {
    /// The plan of a configuration; without one, every file is unphased and
    /// nothing is excluded.
    pub fn new(config: Option<&Config>, cwd: &Path) -> Self {
        let mut phases = Vec::new();
        let mut matchers = Vec::new();
        let (root, exclude) = match config {
            Some(config) => {
                for phase in &config.phases {
                    phases.push(Phase {
                        name: phase.name.clone(),
                        paths: phase.paths.clone(),
                        impact: phase.impact.clone(),
                        description: phase.description.clone(),
                    });
                    // Validated when the configuration was read.
                    matchers.push(PathGlobs::new(&phase.paths).expect("validated globs"));
                }
                (
                    normalize(&config.root, cwd),
                    PathGlobs::new(&config.exclude).expect("validated globs"),
                )
            }
            None => (normalize(Path::new("."), cwd), PathGlobs::new(&[]).unwrap()),
        };
        phases.push(Phase {
            name: UNPHASED.to_string(),
            paths: Vec::new(),
            impact: "Files no configured phase matches".to_string(),
            description: None,
        });
        Self {
            root,
            phases,
            matchers,
            exclude,
        }
    }

    /// Every phase, `unphased` last.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// Whether a configuration defined phases.
    pub fn is_configured(&self) -> bool {
        self.phases.len() > 1
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.name == name)
    }

    /// The index of the phase `path` (absolute, or relative to `cwd`) is in.
    pub fn phase_of(&self, path: &Path, cwd: &Path) -> usize {
        match self.relative(path, cwd) {
            Some(relative) => self
                .matchers
                .iter()
                .position(|m| m.matches(&relative))
                .unwrap_or(self.phases.len() - 1),
            None => self.phases.len() - 1,
        }
    }

    /// Whether the configuration's `exclude` takes `path`.
    pub fn is_excluded(&self, path: &Path, cwd: &Path) -> bool {
        !self.exclude.is_empty()
            && self
                .relative(path, cwd)
                .is_some_and(|relative| self.exclude.matches(&relative))
    }

    /// The folder phase paths are relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn relative(&self, path: &Path, cwd: &Path) -> Option<PathBuf> {
        normalize(path, cwd)
            .strip_prefix(&self.root)
            .ok()
            .map(Path::to_path_buf)
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by name
/// (symlinks are not followed: phases are about where a file is shown).
pub fn normalize(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PhaseConfig;
    use std::collections::BTreeMap;

    fn config(root: &str, phases: &[(&str, &[&str])], exclude: &[&str]) -> Config {
        Config {
            file: PathBuf::from(root).join("ferry.toml"),
            root: PathBuf::from(root),
            packs: None,
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            target: BTreeMap::new(),
            phases: phases
                .iter()
                .map(|(name, paths)| PhaseConfig {
                    name: name.to_string(),
                    paths: paths.iter().map(|s| s.to_string()).collect(),
                    impact: format!("{name} impact"),
                    description: None,
                })
                .collect(),
            test_command: None,
        }
    }

    #[test]
    fn the_first_matching_phase_wins_and_the_rest_is_unphased() {
        let config = config(
            "/p",
            &[
                ("critical", &["tests/mission_critical/**"]),
                ("tests", &["tests"]),
                ("backend", &["backend/**", "*.py"]),
            ],
            &[],
        );
        let plan = PhasePlan::new(Some(&config), Path::new("/p"));
        let phase = |p: &str| {
            plan.phases()[plan.phase_of(Path::new(p), Path::new("/p"))]
                .name
                .clone()
        };
        assert_eq!(phase("tests/mission_critical/test_a.py"), "critical");
        assert_eq!(phase("tests/e2e/test_b.py"), "tests");
        assert_eq!(phase("backend/x/y.py"), "backend");
        assert_eq!(phase("setup.py"), "backend");
        assert_eq!(phase("docs/conf.txt"), "unphased");
        // Absolute, from another folder, with `..`: the same file, the same phase.
        assert_eq!(phase("/p/tests/e2e/../mission_critical/t.py"), "critical");
        assert_eq!(
            plan.phases()[plan.phase_of(Path::new("p/backend/a.py"), Path::new("/"))].name,
            "backend"
        );
        // Outside the configuration's folder.
        assert_eq!(phase("/elsewhere/backend/a.py"), "unphased");
        assert_eq!(plan.phases().last().unwrap().name, UNPHASED);
        assert_eq!(plan.index_of("tests"), Some(1));
        assert!(plan.is_configured());
    }

    #[test]
    fn exclude_is_relative_to_the_configuration() {
        let config = config("/p", &[], &["vendored", "gen/*_pb2.py"]);
        let plan = PhasePlan::new(Some(&config), Path::new("/p/sub"));
        let cwd = Path::new("/p/sub");
        assert!(plan.is_excluded(Path::new("../vendored/lib/a.py"), cwd));
        assert!(plan.is_excluded(Path::new("/p/gen/x_pb2.py"), cwd));
        assert!(!plan.is_excluded(Path::new("/p/gen/x.py"), cwd));
        assert!(!plan.is_excluded(Path::new("vendored/a.py"), cwd));
        assert!(!plan.is_configured());
    }

    #[test]
    fn without_a_configuration_everything_is_unphased() {
        let plan = PhasePlan::new(None, Path::new("/p"));
        assert_eq!(plan.phases().len(), 1);
        assert_eq!(plan.phase_of(Path::new("a.py"), Path::new("/p")), 0);
        assert!(!plan.is_excluded(Path::new("a.py"), Path::new("/p")));
    }
}
