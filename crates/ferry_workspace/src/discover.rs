//! Finding the Python files to look at.
//!
//! Walks the given paths in parallel with `ignore` (so `.gitignore`, `.ignore`
//! and git's exclude files are honoured), keeps `.py` and `.pyi` files, and
//! skips what is never the project's own code: VCS folders, caches,
//! `site-packages`, `node_modules`, and any folder holding a `pyvenv.cfg`
//! (a virtual environment, whatever its name). Symlinks are not followed.
//! A file named on the command line is always taken.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use rayon::iter::{IntoParallelRefIterator, ParallelBridge, ParallelIterator};

/// Folder names that never hold the project's own sources.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "site-packages",
];

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Extra globs to skip, matched against paths relative to each given root
    /// and against file and folder names (`legacy/**`, `*_pb2.py`).
    pub exclude: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("`{0}` does not exist")]
    Missing(PathBuf),
    #[error("invalid --exclude glob `{glob}`: {reason}")]
    BadGlob { glob: String, reason: String },
}

/// What discovery found: files to scan, and paths it could not walk into.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted and without duplicates.
    pub files: Vec<PathBuf>,
    /// Paths that could not be read while walking, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Jupyter notebooks seen and skipped (not supported yet), sorted.
    pub skipped_notebooks: Vec<PathBuf>,
    /// What the walk left out, counted by reason (`--verbose` shows it).
    pub skipped: Skipped,
}

/// Folders and files a walk left out, by reason. Paths a `.gitignore` (or
/// `.ignore`, or git's exclude file) names are not among them: the walker
/// drops those before Ferry sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// VCS and cache folders (`.git`, `__pycache__`, `.tox`, `.mypy_cache`...).
    pub vcs_or_cache: usize,
    /// `site-packages` folders.
    pub site_packages: usize,
    /// `node_modules` folders.
    pub node_modules: usize,
    /// Folders holding a `pyvenv.cfg`: virtual environments, whatever their name.
    pub virtual_envs: usize,
    /// Files and folders matching an `--exclude` glob.
    pub excluded: usize,
    /// Python files the caller's filter left out (the configuration's
    /// `exclude`, phases not selected).
    pub filtered: usize,
}

/// [`Skipped`], counted from the walk's threads.
#[derive(Debug, Default)]
struct SkipCounters {
    vcs_or_cache: AtomicUsize,
    site_packages: AtomicUsize,
    node_modules: AtomicUsize,
    virtual_envs: AtomicUsize,
    excluded: AtomicUsize,
    filtered: AtomicUsize,
}

impl SkipCounters {
    fn count(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> Skipped {
        let n = |counter: &AtomicUsize| counter.load(Ordering::Relaxed);
        Skipped {
            vcs_or_cache: n(&self.vcs_or_cache),
            site_packages: n(&self.site_packages),
            node_modules: n(&self.node_modules),
            virtual_envs: n(&self.virtual_envs),
            excluded: n(&self.excluded),
            filtered: n(&self.filtered),
        }
    }
}

fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "ipynb")
}

pub fn discover(roots: &[PathBuf], options: &DiscoverOptions) -> Result<Discovered, DiscoverError> {
    Ok(Walk::new(roots, options)?.collect())
}

/// A walk over the given paths that hands each file over the moment it is
/// met, so that a scan overlaps the walk and never holds the list of every
/// file. [`discover`] is a walk collected into a sorted list, for commands
/// that need one.
pub struct Walk {
    roots: Vec<PathBuf>,
    excludes: GlobSet,
    /// The caller's own filter (configured excludes, selected phases).
    keep: Box<dyn Fn(&Path) -> bool + Send + Sync>,
    /// Whether a file can be met twice (one given path inside another).
    overlapping: bool,
    notes: Mutex<Discovered>,
    skipped: Arc<SkipCounters>,
}

/// Files go from the walk to the workers this many at a time: one hand-over
/// per file cost more in thread switches than reading most files does.
const FILES_PER_BATCH: usize = 64;

/// How many batches may wait for a worker: enough to keep every core busy,
/// few enough that memory does not grow with the tree.
const QUEUED_BATCHES: usize = 16;

impl Walk {
    /// Checks that every path exists; nothing is walked yet.
    pub fn new(roots: &[PathBuf], options: &DiscoverOptions) -> Result<Self, DiscoverError> {
        let excludes = build_globs(&options.exclude)?;
        let mut canonical = Vec::with_capacity(roots.len());
        for root in roots {
            std::fs::symlink_metadata(root).map_err(|_| DiscoverError::Missing(root.clone()))?;
            canonical.push(std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()));
        }
        let overlapping = canonical.iter().enumerate().any(|(i, a)| {
            canonical
                .iter()
                .enumerate()
                .any(|(j, b)| i != j && b.starts_with(a))
        });
        Ok(Self {
            roots: roots.to_vec(),
            excludes,
            keep: Box::new(|_| true),
            overlapping,
            notes: Mutex::new(Discovered::default()),
            skipped: Arc::default(),
        })
    }

    /// Leaves out the files (and walk errors) for which `keep` is false.
    pub fn filter(mut self, keep: impl Fn(&Path) -> bool + Send + Sync + 'static) -> Self {
        self.keep = Box::new(keep);
        self
    }

    /// Calls `deliver` with every file, in batches, from the walk's threads,
    /// as they are met.
    fn run(&self, deliver: &(dyn Fn(Vec<PathBuf>) + Sync)) {
        let seen = self.overlapping.then(|| Mutex::new(HashSet::new()));
        let wanted = |path: &Path| {
            let kept = (self.keep)(path);
            if !kept {
                SkipCounters::count(&self.skipped.filtered);
            }
            kept && seen.as_ref().is_none_or(|seen| {
                let mut seen = seen.lock().expect("no panics while locked");
                seen.insert(path.to_path_buf())
            })
        };
        let mut named = Batch::new(deliver);
        for root in &self.roots {
            let is_dir = std::fs::symlink_metadata(root).is_ok_and(|m| m.is_dir());
            if is_dir {
                let skipped = Arc::clone(&self.skipped);
                walk_dir(root, &self.excludes, skipped, &wanted, deliver, &|note| {
                    self.note(note)
                });
                continue;
            }
            // Reading a FIFO or a device would block or never end: only regular files
            // (or links to them) are read.
            let regular = std::fs::metadata(root).is_ok_and(|m| m.is_file());
            if !regular {
                self.note(Note::Error(
                    root.clone(),
                    "not a regular file (a FIFO, socket, device or broken link); not read"
                        .to_string(),
                ));
            } else if is_notebook(root) {
                self.note(Note::Notebook(root.clone()));
            } else if wanted(root) {
                // Named explicitly: taken as it is, even without a .py suffix.
                named.push(root.clone());
            }
        }
    }

    fn note(&self, note: Note) {
        let mut notes = self.notes.lock().expect("no panics while locked");
        match note {
            Note::Error(path, reason) => {
                if (self.keep)(&path) {
                    notes.errors.push((path, reason));
                }
            }
            Note::Notebook(path) => notes.skipped_notebooks.push(path),
        }
    }

    /// Walks to the end and returns every file, sorted.
    pub fn collect(self) -> Discovered {
        let files = Mutex::new(Vec::new());
        self.run(&|batch| {
            let mut files = files.lock().expect("no panics while locked");
            files.extend(batch);
        });
        let mut found = self.into_notes();
        found.files = files.into_inner().expect("no panics while locked");
        sort_and_dedup(&mut found.files);
        found
    }

    /// What the walk met besides files, once it has run: paths it could
    /// not read and notebooks it skipped, sorted (`files` is empty).
    pub fn into_notes(self) -> Discovered {
        let mut notes = self.notes.into_inner().expect("no panics while locked");
        notes.skipped = self.skipped.get();
        notes.errors.sort();
        notes.skipped_notebooks.sort();
        notes
    }
}

/// What a walk meets besides the files it hands over.
enum Note {
    Error(PathBuf, String),
    Notebook(PathBuf),
}

/// The files a run works on: a sorted list, or a [`Walk`] that hands them
/// over as it meets them.
pub trait Files: Sync {
    /// How many files there are, when known before the run.
    fn count_hint(&self) -> Option<usize>;
    /// Calls `each` with every file, on all cores; returns how many there were.
    fn for_each_file(&self, each: &(dyn Fn(&Path) + Sync)) -> usize;
}

impl Files for [PathBuf] {
    fn count_hint(&self) -> Option<usize> {
        Some(self.len())
    }

    fn for_each_file(&self, each: &(dyn Fn(&Path) + Sync)) -> usize {
        self.par_iter().for_each(|path| each(path));
        self.len()
    }
}

impl Files for Vec<PathBuf> {
    fn count_hint(&self) -> Option<usize> {
        self.as_slice().count_hint()
    }

    fn for_each_file(&self, each: &(dyn Fn(&Path) + Sync)) -> usize {
        self.as_slice().for_each_file(each)
    }
}

impl Files for Walk {
    fn count_hint(&self) -> Option<usize> {
        None
    }

    fn for_each_file(&self, each: &(dyn Fn(&Path) + Sync)) -> usize {
        // The walk's threads only list folders; the files go through a
        // bounded queue to rayon's workers, which have the stack deep
        // syntax trees need.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<PathBuf>>(QUEUED_BATCHES);
        let count = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                // A send fails only once the workers are gone (a panic): stop feeding them.
                self.run(&|batch| {
                    let _ = sender.send(batch);
                });
            });
            receiver.into_iter().par_bridge().for_each(|batch| {
                count.fetch_add(batch.len(), Ordering::Relaxed);
                for path in batch {
                    each(&path);
                }
            });
        });
        count.into_inner()
    }
}

/// One walker thread's files, handed over [`FILES_PER_BATCH`] at a time
/// and the rest when the thread is done with it.
struct Batch<'a> {
    paths: Vec<PathBuf>,
    deliver: &'a (dyn Fn(Vec<PathBuf>) + Sync),
}

impl<'a> Batch<'a> {
    fn new(deliver: &'a (dyn Fn(Vec<PathBuf>) + Sync)) -> Self {
        Self {
            paths: Vec::new(),
            deliver,
        }
    }

    fn push(&mut self, path: PathBuf) {
        self.paths.push(path);
        if self.paths.len() >= FILES_PER_BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.paths.is_empty() {
            (self.deliver)(std::mem::take(&mut self.paths));
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

fn walk_dir(
    root: &Path,
    excludes: &GlobSet,
    skipped: Arc<SkipCounters>,
    wanted: &(dyn Fn(&Path) -> bool + Sync),
    deliver: &(dyn Fn(Vec<PathBuf>) + Sync),
    note: &(dyn Fn(Note) + Sync),
) {
    let root_owned = root.to_path_buf();
    let excludes_for_filter = excludes.clone();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(move |entry| {
            let path = entry.path();
            let relative = path.strip_prefix(&root_owned).unwrap_or(path);
            if !excludes_for_filter.is_empty()
                && (excludes_for_filter.is_match(relative)
                    || excludes_for_filter.is_match(entry.file_name()))
            {
                SkipCounters::count(&skipped.excluded);
                return false;
            }
            if entry.file_type().is_some_and(|t| t.is_dir()) && entry.depth() > 0 {
                let name = entry.file_name().to_string_lossy();
                let counter = match name.as_ref() {
                    "site-packages" => Some(&skipped.site_packages),
                    "node_modules" => Some(&skipped.node_modules),
                    other if SKIPPED_DIRS.contains(&other) => Some(&skipped.vcs_or_cache),
                    _ if path.join("pyvenv.cfg").exists() => Some(&skipped.virtual_envs),
                    _ => None,
                };
                if let Some(counter) = counter {
                    SkipCounters::count(counter);
                    return false;
                }
            }
            true
        })
        .build_parallel();
    walker.run(|| {
        let mut batch = Batch::new(deliver);
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_python = entry
                        .path()
                        .extension()
                        .is_some_and(|ext| ext == "py" || ext == "pyi");
                    if is_file && is_python && wanted(entry.path()) {
                        batch.push(entry.into_path());
                    } else if is_file && is_notebook(entry.path()) {
                        note(Note::Notebook(entry.into_path()));
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    note(Note::Error(path, error_reason(&err)));
                }
            }
            WalkState::Continue
        })
    });
}

/// Sorts paths as `Path`'s own order does (component by component) and drops
/// duplicates. `Path::cmp` splits both paths into components at every
/// comparison, which took a fifth of a whole scan on a large tree; when every
/// path is spelled plainly, comparing bytes with `/` as the lowest byte gives
/// the same order at the cost of a byte comparison, with no extra memory.
fn sort_and_dedup(paths: &mut Vec<PathBuf>) {
    if sort_by_path(paths, |p| p) {
        // Plain spellings are equal exactly when the paths are.
        paths.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
    } else {
        paths.dedup();
    }
}

/// Sorts `items` by their paths in `Path`'s order, stably. Returns whether
/// every path was plain (see [`sort_and_dedup`]).
pub(crate) fn sort_by_path<T>(items: &mut [T], path: impl Fn(&T) -> &Path) -> bool {
    let plain = items.first().is_some_and(|first| {
        let absolute = path(first).as_os_str().as_encoded_bytes().starts_with(b"/");
        items.iter().all(|item| is_plain(path(item), absolute))
    });
    if plain {
        items.sort_by(|a, b| slash_lowest(path(a), path(b)));
    } else {
        items.sort_by(|a, b| path(a).cmp(path(b)));
    }
    plain
}

/// Whether `path` has one spelling per component list: `/`-separated names,
/// no empty, `.` or `..` component, no trailing `/`, no backslash (a separator
/// on Windows), rooted at `/` exactly when `absolute`.
fn is_plain(path: &Path, absolute: bool) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let rest = match bytes.strip_prefix(b"/") {
        Some(rest) if absolute => rest,
        None if !absolute => bytes,
        _ => return false,
    };
    !rest.is_empty()
        && !bytes.contains(&b'\\')
        && rest
            .split(|&b| b == b'/')
            .all(|name| !matches!(name, b"" | b"." | b".."))
}

/// Byte order with `/` below every other byte: for plain paths, `Path`'s order
/// (`a/b` before `a-b`, and a path before the paths under it).
fn slash_lowest(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rank = |bytes: &[u8]| {
        bytes
            .get(common)
            .map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 })
    };
    rank(a).cmp(&rank(b))
}

fn build_globs(globs: &[String]) -> Result<GlobSet, DiscoverError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let pattern = glob.trim_end_matches('/');
        let parsed = Glob::new(pattern).map_err(|e| DiscoverError::BadGlob {
            glob: glob.clone(),
            reason: e.kind().to_string(),
        })?;
        builder.add(parsed);
    }
    builder.build().map_err(|e| DiscoverError::BadGlob {
        glob: globs.join(", "),
        reason: e.to_string(),
    })
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn error_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_reason(err),
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x = 1\n").unwrap();
    }

    fn names(found: &Discovered, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn finds_python_and_skips_what_is_not_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "app/main.py",
            "app/types.pyi",
            "app/readme.txt",
            ".github/scripts/check.py",
            ".git/hooks/x.py",
            "env/lib/python3.11/site-packages/websockets/client.py",
            "venv/lib/site.py",
            "node_modules/pkg/x.py",
            "app/__pycache__/main.py",
            "ignored/x.py",
            "build/gen_pb2.py",
        ] {
            touch(root, rel);
        }
        fs::write(root.join("venv/pyvenv.cfg"), "home = /usr\n").unwrap();
        fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let options = DiscoverOptions {
            exclude: vec!["*_pb2.py".into()],
        };
        let found = discover(&[root.to_path_buf()], &options).unwrap();
        assert_eq!(
            names(&found, root),
            vec![".github/scripts/check.py", "app/main.py", "app/types.pyi"]
        );
        // Each skip counted by its reason; the gitignored folder is not seen.
        assert_eq!(
            found.skipped,
            Skipped {
                vcs_or_cache: 2,
                site_packages: 1,
                node_modules: 1,
                virtual_envs: 1,
                excluded: 1,
                filtered: 0,
            }
        );
    }

    #[test]
    fn a_walk_hands_over_each_file_once_and_what_the_filter_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in ["a.py", "sub/b.py", "sub/c.py", "sub/skip.py", "nb.ipynb"] {
            touch(root, rel);
        }
        let walked = |roots: &[PathBuf]| {
            let walk = Walk::new(roots, &DiscoverOptions::default())
                .unwrap()
                .filter(|p| !p.ends_with("skip.py"));
            let seen = Mutex::new(Vec::new());
            let count = walk.for_each_file(&|p| seen.lock().unwrap().push(p.to_path_buf()));
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            assert_eq!(count, seen.len());
            (seen, walk.into_notes())
        };
        let expected: Vec<PathBuf> = ["a.py", "sub/b.py", "sub/c.py"]
            .iter()
            .map(|rel| root.join(rel))
            .collect();
        // One root inside another, and a file named inside both: still once each.
        let overlapping = [root.to_path_buf(), root.join("sub"), root.join("sub/b.py")];
        let (seen, notes) = walked(&overlapping);
        assert_eq!(seen, expected);
        assert_eq!(notes.skipped_notebooks, vec![root.join("nb.ipynb")]);
        assert!(notes.files.is_empty());
        let (seen, _) = walked(&[root.to_path_buf()]);
        assert_eq!(seen, expected);
        // The same files as the sorted list `discover` makes.
        let listed = Walk::new(&overlapping, &DiscoverOptions::default())
            .unwrap()
            .filter(|p| !p.ends_with("skip.py"))
            .collect();
        assert_eq!(listed.files, expected);
    }

    #[test]
    fn sorting_is_path_order() {
        let plain = [
            "a",
            "a-b",
            "a/b",
            "a/b/c",
            "a.b",
            "-x",
            "a/-b",
            "ab",
            "a b",
            "é",
            "z/a",
            "a/b-c",
            "a/b/c/d",
            "a/b.py",
            "a/b",
            "a0/b",
            "a/b0",
            "a/\u{1}",
            ".hidden/x",
            "a/.x",
        ];
        let absolute: Vec<String> = plain.iter().map(|p| format!("/{p}")).collect();
        let mixed = [
            "a", "a/b", "/a", "/a/b", "./a", "../a", "./a/b", "a//b", "a/./b", "a/", ".", "..",
            "/", "b/../a", "a-b",
        ];
        let sets: [Vec<String>; 3] = [
            plain.iter().map(|p| p.to_string()).collect(),
            absolute,
            mixed.iter().map(|p| p.to_string()).collect(),
        ];
        for set in sets {
            let mut paths: Vec<PathBuf> = set.iter().map(PathBuf::from).collect();
            // Every rotation of the input, so the result cannot depend on the start.
            for _ in 0..paths.len() {
                paths.rotate_left(1);
                let mut expected = paths.clone();
                expected.sort();
                expected.dedup();
                let mut got = paths.clone();
                sort_and_dedup(&mut got);
                // Spelled the same, not only equal as paths (`a//b` == `a/b`).
                let spelled = |v: &[PathBuf]| {
                    v.iter()
                        .map(|p| p.as_os_str().to_owned())
                        .collect::<Vec<_>>()
                };
                assert_eq!(spelled(&got), spelled(&expected));
            }
        }
        assert!(is_plain(Path::new("a/b.py"), false));
        assert!(is_plain(Path::new("/a/b.py"), true));
        for odd in ["./a", "a//b", "a/", "a/../b", "/a", ""] {
            assert!(!is_plain(Path::new(odd), false), "{odd}");
        }
    }

    #[test]
    fn explicit_files_are_taken_and_missing_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "script");
        let file = dir.path().join("script");
        let found = discover(std::slice::from_ref(&file), &DiscoverOptions::default()).unwrap();
        assert_eq!(found.files, vec![file]);
        let missing = dir.path().join("nope");
        assert!(matches!(
            discover(&[missing], &DiscoverOptions::default()),
            Err(DiscoverError::Missing(_))
        ));
    }

    #[test]
    fn exclude_globs_match_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "legacy/a.py");
        touch(dir.path(), "src/b.py");
        let options = DiscoverOptions {
            exclude: vec!["legacy/**".into()],
        };
        let found = discover(&[dir.path().to_path_buf()], &options).unwrap();
        assert_eq!(names(&found, dir.path()), vec!["src/b.py"]);
        let bad = DiscoverOptions {
            exclude: vec!["a[".into()],
        };
        assert!(matches!(
            discover(&[dir.path().to_path_buf()], &bad),
            Err(DiscoverError::BadGlob { .. })
        ));
    }
}
