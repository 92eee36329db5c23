//! Finding the Python files to look at.
//!
//! Walks the given paths in parallel with `ignore` (so `.gitignore`, `.ignore`
//! and git's exclude files are honoured), keeps `.py` and `.pyi` files, and
//! skips what is never the project's own code: VCS folders, caches,
//! `site-packages`, `node_modules`, and any folder holding a `pyvenv.cfg`
//! (a virtual environment, whatever its name). Symlinks are not followed.
//! A file named on the command line is always taken.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

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
}

fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "ipynb")
}

pub fn discover(roots: &[PathBuf], options: &DiscoverOptions) -> Result<Discovered, DiscoverError> {
    let excludes = build_globs(&options.exclude)?;
    let found = Mutex::new(Discovered::default());
    for root in roots {
        let meta =
            std::fs::symlink_metadata(root).map_err(|_| DiscoverError::Missing(root.clone()))?;
        if !meta.is_dir() {
            let mut found = found.lock().expect("no panics while locked");
            // Reading a FIFO or a device would block or never end: only regular files
            // (or links to them) are read.
            let regular = std::fs::metadata(root).is_ok_and(|m| m.is_file());
            if !regular {
                found.errors.push((
                    root.clone(),
                    "not a regular file (a FIFO, socket, device or broken link); not read"
                        .to_string(),
                ));
            } else if is_notebook(root) {
                found.skipped_notebooks.push(root.clone());
            } else {
                // Named explicitly: taken as it is, even without a .py suffix.
                found.files.push(root.clone());
            }
            continue;
        }
        walk_dir(root, &excludes, &found);
    }
    let mut found = found.into_inner().expect("no panics while locked");
    sort_and_dedup(&mut found.files);
    found.errors.sort();
    found.skipped_notebooks.sort();
    Ok(found)
}

fn walk_dir(root: &Path, excludes: &GlobSet, found: &Mutex<Discovered>) {
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
                return false;
            }
            if entry.file_type().is_some_and(|t| t.is_dir()) && entry.depth() > 0 {
                let name = entry.file_name().to_string_lossy();
                if SKIPPED_DIRS.contains(&name.as_ref()) || path.join("pyvenv.cfg").exists() {
                    return false;
                }
            }
            true
        })
        .build_parallel();
    walker.run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_python = entry
                        .path()
                        .extension()
                        .is_some_and(|ext| ext == "py" || ext == "pyi");
                    if is_file && is_python {
                        found
                            .lock()
                            .expect("no panics while locked")
                            .files
                            .push(entry.into_path());
                    } else if is_file && is_notebook(entry.path()) {
                        found
                            .lock()
                            .expect("no panics while locked")
                            .skipped_notebooks
                            .push(entry.into_path());
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    let reason = error_reason(&err);
                    found
                        .lock()
                        .expect("no panics while locked")
                        .errors
                        .push((path, reason));
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
    let plain = paths.first().is_some_and(|first| {
        let absolute = first.as_os_str().as_encoded_bytes().starts_with(b"/");
        paths.iter().all(|p| is_plain(p, absolute))
    });
    if plain {
        // Stable, so of equal paths the first one given stays, as with `sort`.
        paths.sort_by(|a, b| slash_lowest(a, b));
        // Plain spellings are equal exactly when the paths are.
        paths.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
    } else {
        paths.sort();
        paths.dedup();
    }
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
