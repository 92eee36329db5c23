//! What the project pins: the one reader of dependency declarations in
//! Ferry. The same top-level `websockets.connect` is the legacy client under
//! `websockets<14` and the new one from 14 on, so a file's findings depend on
//! the version its project installs. This module reads that version from the
//! requirement files nearest to each source file and turns it into the file's
//! target (`--target` still overrides it), and serves `ferry doctor` the
//! declared lines. What a library's breaking release is comes from its pack
//! (`ferry_engine::Migration`); nothing here names a library.
//!
//! Sources, per folder: `requirements*.txt` (following `-r`/`-c` includes),
//! `pyproject.toml` (PEP 621, PEP 735 groups, Poetry), `setup.cfg`,
//! literal lists in `setup.py`, `Pipfile`, and the locks `uv.lock`,
//! `poetry.lock` and `Pipfile.lock`. For a pack whose library is `python`
//! (the interpreter), the same walk reads `requires-python`,
//! `python_requires` (setup.cfg, setup.py), Pipfile's `[requires]`,
//! `.python-version` and the `py3XX` environments of `tox.ini`. Walking up from a source file's folder,
//! the first folder whose sources name the library decides for it (a
//! `pyproject.toml` that only configures tools does not hide a pin further
//! up); the walk stops at the top of a git work tree or at the filesystem
//! root. In that folder a lock wins (it is what gets installed); a uv
//! workspace member without a lock of its own gets the one at its
//! workspace's root. Otherwise every declaration counts (they describe one
//! environment): one that allows no release from the breaking one on (every
//! clause counted) holds the files back, and the tightest of those decides
//! the target. Each folder and each file is read once per run.

mod bump;
mod formats;
mod specifier;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ferry_engine::{Floor, Migration, Pack, Settings, Version};
use ferry_report::PinNote;

use crate::folder_map::FolderMap;

pub use bump::PinBump;
pub use specifier::SpecifierSet;

use formats::Sink;

/// Which kind of file a requirement was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    RequirementsTxt,
    /// A PEP 508 string in `pyproject.toml` (`[project]`, `[dependency-groups]`).
    Pep621,
    /// `[tool.poetry.*dependencies]` in `pyproject.toml`.
    Poetry,
    SetupCfg,
    SetupPy,
    Pipfile,
    /// `uv.lock`, `poetry.lock` or `Pipfile.lock`: the version that gets installed.
    Lock,
    /// `.python-version`: the interpreter a project runs.
    PythonVersion,
    /// `tox.ini`: the interpreters its environments test.
    ToxIni,
}

/// One declaration (or locked version) of a library.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The library's normalised name (`websockets`).
    pub library: String,
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// The requirement as written, e.g. `websockets>=10.4,<14`.
    pub text: String,
    pub kind: SourceKind,
    /// `None` when the constraints cannot be read (a URL, an unknown operator).
    pub specifiers: Option<SpecifierSet>,
    /// For a lock: the locked release.
    pub locked: Option<Version>,
    /// Where it sits in the file (bytes), for a finding about it.
    pub span: Range<usize>,
    /// The specifier's bytes, when the pin bump may rewrite them in place.
    pub rewritable: Option<Range<usize>>,
}

impl Requirement {
    /// Whether `version` satisfies the declaration; `None`: cannot tell.
    pub fn allows(&self, version: &str) -> Option<bool> {
        self.specifiers.as_ref()?.allows(version)
    }
}

/// PEP 503 name normalisation: case and runs of `-`, `_`, `.` do not matter.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `name` normalises to `normalized` ([`normalize_name`]), with no
/// allocation for a name that is in that form already (a pack's library,
/// asked once per file).
fn normalizes_to(name: &str, normalized: &str) -> bool {
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        name == normalized
    } else {
        normalize_name(name) == normalized
    }
}

/// The files of one folder that can declare dependencies, and how to read each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    RequirementsTxt,
    Pyproject,
    SetupCfg,
    SetupPy,
    Pipfile,
    /// `uv.lock`, `poetry.lock` (TOML).
    Lock,
    /// `Pipfile.lock` (JSON).
    PipfileLock,
    PythonVersion,
    ToxIni,
}

fn reader_for(name: &str) -> Option<Reader> {
    Some(match name {
        "pyproject.toml" => Reader::Pyproject,
        "setup.cfg" => Reader::SetupCfg,
        "setup.py" => Reader::SetupPy,
        "Pipfile" => Reader::Pipfile,
        "uv.lock" | "poetry.lock" => Reader::Lock,
        "Pipfile.lock" => Reader::PipfileLock,
        ".python-version" => Reader::PythonVersion,
        "tox.ini" => Reader::ToxIni,
        _ if name.starts_with("requirements") && name.ends_with(".txt") => Reader::RequirementsTxt,
        _ => return None,
    })
}

/// One file, read once: its text (kept so a pin bump edits exactly the
/// bytes that were read), its requirements, and its includes.
#[derive(Debug)]
pub(crate) struct ReadFile {
    pub text: Arc<str>,
    requirements: Vec<Requirement>,
    includes: Vec<PathBuf>,
    /// For a `uv.lock`: the folders of the workspace members it locks.
    members: Vec<PathBuf>,
}

/// What one folder's own files say.
#[derive(Debug, Default)]
struct FolderSources {
    requirements: Vec<Requirement>,
    /// The folders of the uv workspace members its `uv.lock` locks.
    workspace_members: Vec<PathBuf>,
    /// The folder is the top of a git work tree: the walk up stops here.
    is_work_tree_top: bool,
}

/// The requirements that decide for the files under one folder.
#[derive(Debug)]
pub struct FolderPin {
    pub library: String,
    /// The library's breaking release, from its pack; `None`: the pin is
    /// read (for `ferry doctor`) but decides nothing.
    pub migration: Option<Migration>,
    pub folder: PathBuf,
    /// Every declaration and locked version of the library there, by file and line.
    pub requirements: Vec<Requirement>,
    /// The target for files under it; `None`: the newest release.
    pub target: Option<Version>,
    /// The requirement that sets the target (the lock, or the declaration
    /// whose upper bound is below the breaking release).
    pub decided_by: Option<usize>,
    /// The oldest release the requirements allow (a lock: its release), and
    /// the requirement that allows it; `None` when none has a lower bound.
    pub floor: Option<(Version, usize)>,
}

impl FolderPin {
    fn decide(
        library: &str,
        migration: Option<Migration>,
        folder: PathBuf,
        requirements: Vec<Requirement>,
    ) -> Self {
        // No migration: every release counts, the newest first.
        let breaking =
            migration.map_or_else(|| Version::new(&[u64::MAX]), |m| m.breaking_since.version());
        let lock = requirements
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.locked.as_ref().map(|v| (i, v)))
            .max_by(|a, b| a.1.cmp(b.1));
        let (target, decided_by) = match lock {
            // Several locked versions (uv's forks): the highest may be installed.
            Some((i, version)) => (Some(version.clone()), Some(i)),
            // Below the breaking release, or at least below a release whose
            // rules (a later `since`) then do not apply.
            None => requirements
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind != SourceKind::Lock)
                .filter_map(|(i, r)| {
                    let specifiers = r.specifiers.as_ref()?;
                    let highest = specifiers
                        .highest_below(&breaking)
                        .or_else(|| specifiers.highest())?;
                    Some((i, highest))
                })
                .min_by(|a, b| a.1.cmp(&b.1))
                .map_or((None, None), |(i, v)| (Some(v), Some(i))),
        };
        let floor = match lock {
            Some((i, version)) => Some((version.clone(), i)),
            // Each declaration is one way to install the project: the
            // oldest release any of them allows is the one fixes must keep.
            None => requirements
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind != SourceKind::Lock)
                .filter_map(|(i, r)| Some((r.specifiers.as_ref()?.lowest()?, i)))
                .min_by(|a, b| a.0.cmp(&b.0)),
        };
        Self {
            library: library.to_string(),
            migration,
            folder,
            requirements,
            target,
            decided_by,
            floor,
        }
    }

    /// Whether the target keeps the migration from applying.
    pub fn holds_back(&self) -> bool {
        match (&self.migration, &self.target) {
            (Some(m), Some(target)) => *target < m.breaking_since.version(),
            _ => false,
        }
    }

    pub fn deciding(&self) -> Option<&Requirement> {
        self.requirements.get(self.decided_by?)
    }
}

/// What the resolver has read. A scan visits every folder that holds a
/// file with the packs' words and the folders above it, so the cache keeps
/// one small entry per folder: its name once ([`FolderMap`]), and its
/// sources shared with every other folder that has none (most of them).
#[derive(Debug, Default)]
struct ResolverState {
    folders: FolderMap<Folder>,
    files: HashMap<PathBuf, Option<Arc<ReadFile>>>,
    /// The sources of a folder without any: one allocation for all of them.
    no_sources: Arc<FolderSources>,
}

#[derive(Debug)]
struct Folder {
    sources: Arc<FolderSources>,
    /// The nearest pin at or above the folder, by the library's index in
    /// [`PinResolver::libraries`]; a library not asked about yet is absent.
    nearest: Vec<(usize, Option<Arc<FolderPin>>)>,
}

/// Finds the pin that decides for a folder, reading each folder and file
/// at most once. Shared by the threads of a scan; lookups are cached per
/// folder, so a tree costs one directory listing per folder that holds a
/// file worth checking (and its ancestors).
#[derive(Debug)]
pub(crate) struct PinResolver {
    /// The libraries read, by normalised name.
    libraries: Vec<String>,
    /// Their packs' breaking releases.
    migrations: HashMap<String, Migration>,
    state: Mutex<ResolverState>,
}

impl PinResolver {
    /// Reads the requirements of `libraries` (normalised names), each
    /// decided against its migration.
    pub fn new(libraries: Vec<(String, Option<Migration>)>) -> Self {
        Self {
            migrations: libraries
                .iter()
                .filter_map(|(library, m)| Some((library.clone(), (*m)?)))
                .collect(),
            libraries: libraries.into_iter().map(|(library, _)| library).collect(),
            state: Mutex::new(ResolverState::default()),
        }
    }

    /// The nearest folder pin of `library` for files in `folder` (absolute).
    pub fn pin_for(&self, folder: &Path, library: &str) -> Option<Arc<FolderPin>> {
        let index = self.libraries.iter().position(|l| l == library)?;
        let mut state = self.state.lock().expect("no panics while locked");
        let mut visited = Vec::new();
        let mut current = Some(folder);
        let found = loop {
            let Some(dir) = current else { break None };
            let known = state.folders.get(dir).and_then(|f| {
                f.nearest
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, pin)| pin.clone())
            });
            if let Some(hit) = known {
                break hit;
            }
            visited.push(dir);
            let sources = self.folder(&mut state, dir);
            let requirements: Vec<Requirement> = sources
                .requirements
                .iter()
                .filter(|r| r.library == library)
                .cloned()
                .collect();
            if !requirements.is_empty() {
                let mut requirements = requirements;
                if !requirements.iter().any(|r| r.kind == SourceKind::Lock) {
                    requirements.extend(self.workspace_lock(&mut state, dir, library));
                }
                break Some(Arc::new(FolderPin::decide(
                    library,
                    self.migrations.get(library).copied(),
                    dir.to_path_buf(),
                    requirements,
                )));
            }
            if sources.is_work_tree_top {
                break None;
            }
            current = dir.parent();
        };
        for dir in visited {
            if let Some(folder) = state.folders.get_mut(dir) {
                folder.nearest.push((index, found.clone()));
            }
        }
        found
    }

    /// The locked versions of `library` for a uv workspace member in
    /// `member`: the `uv.lock` of the nearest folder above that lists it as
    /// a member (a workspace has one lock, at its root). The member's own
    /// declarations still say which library and specifier apply; the lock
    /// says what gets installed. Empty when no such lock is found below the
    /// top of the work tree.
    fn workspace_lock(
        &self,
        state: &mut ResolverState,
        member: &Path,
        library: &str,
    ) -> Vec<Requirement> {
        let mut current = member;
        while let Some(dir) = current.parent() {
            let below_top = !self.folder(state, current).is_work_tree_top;
            if !below_top {
                break;
            }
            let sources = self.folder(state, dir);
            if sources.workspace_members.iter().any(|m| m == member) {
                return sources
                    .requirements
                    .iter()
                    .filter(|r| r.library == library && r.kind == SourceKind::Lock)
                    .cloned()
                    .collect();
            }
            current = dir;
        }
        Vec::new()
    }

    /// The text a requirement was read from, as it was read.
    pub fn text_of(&self, file: &Path) -> Option<Arc<str>> {
        let state = self.state.lock().expect("no panics while locked");
        state
            .files
            .get(file)
            .and_then(|f| f.as_ref().map(|f| f.text.clone()))
    }

    fn folder(&self, state: &mut ResolverState, dir: &Path) -> Arc<FolderSources> {
        if let Some(hit) = state.folders.get(dir) {
            return hit.sources.clone();
        }
        let mut names: Vec<String> = Vec::new();
        let mut is_work_tree_top = false;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name == ".git" {
                is_work_tree_top = true;
            } else if reader_for(&name).is_some() {
                names.push(name);
            }
        }
        names.sort();
        let mut requirements = Vec::new();
        let mut seen = HashSet::new();
        for name in &names {
            let reader = reader_for(name).expect("kept only readable names");
            self.gather(state, &dir.join(name), reader, &mut seen, &mut requirements);
        }
        let workspace_members = if names.iter().any(|n| n == "uv.lock") {
            self.read(state, &dir.join("uv.lock"), Reader::Lock)
                .map(|lock| lock.members.clone())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let sources =
            if requirements.is_empty() && workspace_members.is_empty() && !is_work_tree_top {
                state.no_sources.clone()
            } else {
                Arc::new(FolderSources {
                    requirements,
                    workspace_members,
                    is_work_tree_top,
                })
            };
        let folder = Folder {
            sources: sources.clone(),
            nearest: Vec::new(),
        };
        state.folders.insert(dir, folder);
        sources
    }

    /// Adds a file's requirements, then those of the files it includes;
    /// `seen` guards against include cycles and files read twice.
    fn gather(
        &self,
        state: &mut ResolverState,
        path: &Path,
        reader: Reader,
        seen: &mut HashSet<PathBuf>,
        into: &mut Vec<Requirement>,
    ) {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !seen.insert(identity) {
            return;
        }
        let Some(file) = self.read(state, path, reader) else {
            return;
        };
        into.extend(file.requirements.iter().cloned());
        for included in &file.includes {
            self.gather(state, included, Reader::RequirementsTxt, seen, into);
        }
    }

    fn read(
        &self,
        state: &mut ResolverState,
        path: &Path,
        reader: Reader,
    ) -> Option<Arc<ReadFile>> {
        if let Some(hit) = state.files.get(path) {
            return hit.clone();
        }
        let file = read_file(path, reader, &self.libraries).map(Arc::new);
        state.files.insert(path.to_path_buf(), file.clone());
        file
    }
}

fn read_file(path: &Path, reader: Reader, libraries: &[String]) -> Option<ReadFile> {
    let text: Arc<str> = std::fs::read_to_string(path).ok()?.into();
    let mut sink = Sink::new(path, &text, libraries);
    let mut includes = Vec::new();
    let mut members = Vec::new();
    match reader {
        Reader::RequirementsTxt => includes = formats::requirements_txt(&mut sink),
        Reader::Pyproject => formats::pyproject(&mut sink),
        Reader::SetupCfg => formats::setup_cfg(&mut sink),
        Reader::SetupPy => formats::setup_py(&mut sink),
        Reader::Pipfile => formats::pipfile(&mut sink),
        Reader::Lock => members = formats::lock(&mut sink),
        Reader::PipfileLock => formats::pipfile_lock(&mut sink),
        Reader::PythonVersion => formats::python_version_file(&mut sink),
        Reader::ToxIni => formats::tox_ini(&mut sink),
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let members = members
        .iter()
        .map(|member| formats::without_dot_segments(&folder.join(member)))
        .collect();
    let mut requirements = sink.found;
    requirements.sort_by_key(|r| r.span.start);
    Some(ReadFile {
        text: text.clone(),
        requirements,
        includes,
        members,
    })
}

/// Every declaration of `library` in the dependency files of `folder`
/// (following includes; locks left out), sorted by file and line: what
/// `ferry doctor` checks the installed version against.
pub fn declared_in(folder: &Path, library: &str) -> Vec<Requirement> {
    let library = normalize_name(library);
    let resolver = PinResolver::new(vec![(library.clone(), None)]);
    let mut state = resolver.state.lock().expect("no panics while locked");
    let sources = resolver.folder(&mut state, folder);
    let mut found: Vec<Requirement> = sources
        .requirements
        .iter()
        .filter(|r| r.library == library && r.kind != SourceKind::Lock)
        .cloned()
        .collect();
    found.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    found
}

/// A pin that held the migration back, and what would break without it.
#[derive(Debug)]
struct HeldBack {
    pin: Arc<FolderPin>,
    breaks_when_raised: usize,
}

/// The targets of one file: the run's settings, or a copy with the
/// libraries its project pins below their breaking release.
pub(crate) struct FileTargets<'s> {
    pub settings: std::borrow::Cow<'s, Settings>,
    /// Libraries whose pin held this file back, for the count at the newest release.
    pub held_back: Vec<Arc<FolderPin>>,
    /// The pins that gave this file a floor (`Settings::floors`).
    pub floored: Vec<Arc<FolderPin>>,
}

/// Pins during one `scan` or `fix` run: each file's targets, the count of
/// what pinned files would break once raised, and which folder pins the
/// run met (for the pin bump).
pub(crate) struct RunPins<'s> {
    settings: &'s Settings,
    cwd: PathBuf,
    /// The libraries whose pack names a migration, normalised.
    libraries: Vec<String>,
    resolver: Option<PinResolver>,
    held_back: Mutex<BTreeMap<(PathBuf, usize, String), HeldBack>>,
    met: Mutex<BTreeMap<(PathBuf, String), Arc<FolderPin>>>,
    /// Pins whose files use what only a newer release has: raised to the
    /// pack's example target by the pin bump, as an explicit target would.
    demanded: Mutex<BTreeMap<(PathBuf, String), Arc<FolderPin>>>,
    /// Pins whose floor is older than what the fixes applied under them
    /// need: their lower bound is raised to the pack's recommended floor.
    floors_demanded: Mutex<BTreeMap<(PathBuf, String), Arc<FolderPin>>>,
}

impl<'s> RunPins<'s> {
    /// `enabled: false` gives every file the run's settings and reads nothing.
    /// The packs' migrations are all it knows of their libraries.
    pub fn new(settings: &'s Settings, packs: &[&Pack], cwd: &Path, enabled: bool) -> Self {
        let mut migrations: Vec<(String, Option<Migration>)> = packs
            .iter()
            .filter_map(|p| Some((normalize_name(p.library), Some(p.migration?))))
            .collect();
        migrations.sort_by(|a, b| a.0.cmp(&b.0));
        migrations.dedup_by(|a, b| a.0 == b.0);
        let libraries: Vec<String> = migrations.iter().map(|(l, _)| l.clone()).collect();
        let resolver = (enabled && !libraries.is_empty()).then(|| PinResolver::new(migrations));
        Self {
            settings,
            cwd: cwd.to_path_buf(),
            libraries,
            resolver,
            held_back: Mutex::new(BTreeMap::new()),
            met: Mutex::new(BTreeMap::new()),
            demanded: Mutex::new(BTreeMap::new()),
            floors_demanded: Mutex::new(BTreeMap::new()),
        }
    }

    /// The run's own targets, for a file no pin is read for.
    pub fn unpinned(&self) -> FileTargets<'s> {
        FileTargets {
            settings: std::borrow::Cow::Borrowed(self.settings),
            held_back: Vec::new(),
            floored: Vec::new(),
        }
    }

    pub fn for_file(&self, path: &Path) -> FileTargets<'s> {
        self.for_file_using(path, None)
    }

    /// [`Self::for_file`] for a file that spells the words of only some
    /// packs (`used`: their libraries): the pins of the others are not
    /// read, and not met, so a folder whose files never use a library
    /// gets no bump of its requirement.
    pub fn for_file_using(&self, path: &Path, used: Option<&[&str]>) -> FileTargets<'s> {
        let mut targets = self.unpinned();
        let Some(resolver) = &self.resolver else {
            return targets;
        };
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        let Some(folder) = absolute.parent() else {
            return targets;
        };
        for library in &self.libraries {
            if used.is_some_and(|used| !used.iter().any(|u| normalizes_to(u, library))) {
                continue;
            }
            let Some(pin) = resolver.pin_for(folder, library) else {
                continue;
            };
            if let Some((release, index)) = &pin.floor {
                let requirement = &pin.requirements[*index];
                let file = crate::display_path(&requirement.file, &self.cwd);
                targets.settings.to_mut().floors.insert(
                    library.clone(),
                    Floor {
                        release: release.clone(),
                        declared: format!("{file}:{} (`{}`)", requirement.line, requirement.text),
                    },
                );
                targets.floored.push(pin.clone());
            }
            if self.settings.target(library).is_some() {
                self.met
                    .lock()
                    .expect("no panics while locked")
                    .entry((pin.folder.clone(), library.clone()))
                    .or_insert_with(|| pin.clone());
                continue;
            }
            let Some(target) = &pin.target else { continue };
            targets
                .settings
                .to_mut()
                .targets
                .insert(library.clone(), target.clone());
            if pin.holds_back() {
                if let Some(deciding) = pin.deciding() {
                    let file = crate::display_path(&deciding.file, &self.cwd);
                    targets.settings.to_mut().held_back_by.insert(
                        library.clone(),
                        format!("{file}:{} (`{}`)", deciding.line, deciding.text),
                    );
                }
                targets.held_back.push(pin.clone());
            }
        }
        targets
    }

    /// What [`Self::for_file_using`] records of a file no rule is run on:
    /// it meets the pins of the libraries it uses (`used`) that the run
    /// targets explicitly, for their bumps. Its settings are not worked out.
    pub fn meet_using(&self, path: &Path, used: &[&str]) {
        let Some(resolver) = &self.resolver else {
            return;
        };
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        let Some(folder) = absolute.parent() else {
            return;
        };
        for library in &self.libraries {
            if self.settings.target(library).is_none()
                || !used.iter().any(|u| normalizes_to(u, library))
            {
                continue;
            }
            if let Some(pin) = resolver.pin_for(folder, library) {
                self.met
                    .lock()
                    .expect("no panics while locked")
                    .entry((pin.folder.clone(), library.clone()))
                    .or_insert_with(|| pin.clone());
            }
        }
    }

    /// Records that a file held back by `pin` uses what only a newer release
    /// has: the pin bump raises it (see [`Rule::applies_below`]).
    ///
    /// [`Rule::applies_below`]: ferry_engine::Rule::applies_below
    pub fn demand_newer(&self, pin: &Arc<FolderPin>) {
        self.demanded
            .lock()
            .expect("no panics while locked")
            .entry((pin.folder.clone(), pin.library.clone()))
            .or_insert_with(|| pin.clone());
    }

    /// Records that fixes applied under `pin` need a newer release than its
    /// floor: the pin bump raises the floor.
    pub fn demand_floor(&self, pin: &Arc<FolderPin>) {
        self.floors_demanded
            .lock()
            .expect("no panics while locked")
            .entry((pin.folder.clone(), pin.library.clone()))
            .or_insert_with(|| pin.clone());
    }

    /// Records that a file held back by `pin` has `breaks` findings at the newest release.
    pub fn count_breaks(&self, pin: &Arc<FolderPin>, breaks: usize) {
        let Some(deciding) = pin.deciding() else {
            return;
        };
        let key = (deciding.file.clone(), deciding.line, pin.library.clone());
        let mut held = self.held_back.lock().expect("no panics while locked");
        held.entry(key)
            .or_insert_with(|| HeldBack {
                pin: pin.clone(),
                breaks_when_raised: 0,
            })
            .breaks_when_raised += breaks;
    }

    /// The notes about pins that held files back, sorted by file and line.
    pub fn notes(&self) -> Vec<PinNote> {
        let held = self.held_back.lock().expect("no panics while locked");
        held.values()
            .filter_map(|held| {
                let deciding = held.pin.deciding()?;
                let migration = held.pin.migration.as_ref()?;
                let target = held.pin.target.as_ref()?;
                let file = crate::display_path(&deciding.file, &self.cwd);
                let how = if deciding.kind == SourceKind::Lock {
                    "locked"
                } else {
                    "pinned"
                };
                let library = &held.pin.library;
                let breaks = held.breaks_when_raised;
                let would_break = match breaks {
                    0 => "nothing would break".to_string(),
                    1 => "1 use would break".to_string(),
                    n => format!("{n} uses would break"),
                };
                let message = format!(
                    "{library} is {how} below {} in {file}:{} (`{}`): {}; the migration applies once the pin is raised, and then {would_break} (run with --target {library}=={} to see what would break)",
                    migration.breaking_since.spoken(),
                    deciding.line,
                    deciding.text,
                    migration.below_means,
                    migration.example_target,
                );
                Some(PinNote {
                    library: library.clone(),
                    file,
                    line: deciding.line,
                    requirement: deciding.text.clone(),
                    target: target.to_string(),
                    breaks_when_raised: breaks,
                    message,
                })
            })
            .collect()
    }

    /// The pin bumps the run's explicit targets call for.
    pub fn bumps(&self) -> Vec<PinBump> {
        let Some(resolver) = &self.resolver else {
            return Vec::new();
        };
        let met = self.met.lock().expect("no panics while locked");
        let demanded = self.demanded.lock().expect("no panics while locked");
        let floors = self.floors_demanded.lock().expect("no panics while locked");
        let explicit = met.values().filter_map(|pin| {
            let target = self.settings.target(&pin.library)?.clone();
            let raise_floor = floors.contains_key(&(pin.folder.clone(), pin.library.clone()));
            Some((pin, target, raise_floor))
        });
        let example = |pin: &Arc<FolderPin>| -> Option<Version> {
            pin.migration?.example_target.parse().ok()
        };
        let implied = demanded
            .iter()
            .filter(|(key, _)| !met.contains_key(*key))
            .filter_map(|(key, pin)| Some((pin, example(pin)?, floors.contains_key(key))));
        let floors_only = floors
            .iter()
            .filter(|(key, _)| !met.contains_key(*key) && !demanded.contains_key(*key))
            .filter_map(|(_, pin)| Some((pin, example(pin)?, true)));
        bump::plan(
            explicit.chain(implied).chain(floors_only),
            self.settings,
            resolver,
            &self.cwd,
        )
    }
}

#[cfg(test)]
mod tests;
