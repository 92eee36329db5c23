//! The uncommitted-changes guard, after `cargo fix`: inside a git work tree,
//! Ferry does not rewrite a file whose current content git does not have,
//! because the user could then neither review nor undo Ferry's change.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file with changes git does not have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirtyFile {
    pub path: PathBuf,
    /// `dirty` (changed in the work tree), `staged` (changed in the index only) or `untracked`.
    pub state: &'static str,
}

/// The files among `paths` that have uncommitted changes. Files outside any
/// git work tree (or when git is not installed) are never reported.
pub fn uncommitted(paths: &[PathBuf]) -> Vec<DirtyFile> {
    // One `git status` per work tree.
    let mut by_top: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    let mut top_of_dir: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for path in paths {
        let Ok(absolute) = std::path::absolute(path) else {
            continue;
        };
        let dir = absolute.parent().unwrap_or(Path::new("/")).to_path_buf();
        let top = top_of_dir
            .entry(dir.clone())
            .or_insert_with(|| work_tree_of(&dir))
            .clone();
        if let Some(top) = top {
            by_top.entry(top).or_default().push(path.clone());
        }
    }
    let mut dirty = BTreeSet::new();
    for (top, files) in by_top {
        let states = status(&top);
        for file in files {
            let Ok(absolute) = std::path::absolute(&file) else {
                continue;
            };
            let canonical = absolute.canonicalize().unwrap_or(absolute);
            if let Some(state) = canonical
                .strip_prefix(&top)
                .ok()
                .and_then(|rel| states.get(rel))
            {
                dirty.insert(DirtyFile { path: file, state });
            }
        }
    }
    dirty.into_iter().collect()
}

fn work_tree_of(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let top = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r']));
    top.canonicalize().ok()
}

/// Paths (relative to the work tree's top) with uncommitted changes.
fn status(top: &Path) -> HashMap<PathBuf, &'static str> {
    let Ok(output) = Command::new("git")
        .arg("-C")
        .arg(top)
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
        ])
        .output()
    else {
        return HashMap::new();
    };
    let mut states = HashMap::new();
    for entry in output.stdout.split(|&b| b == 0) {
        if entry.len() < 4 {
            continue;
        }
        let (index, worktree) = (entry[0], entry[1]);
        let path = PathBuf::from(String::from_utf8_lossy(&entry[3..]).into_owned());
        let state = match (index, worktree) {
            (b'?', b'?') => "untracked",
            (_, b' ') => "staged",
            _ => "dirty",
        };
        states.insert(path, state);
    }
    states
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// Runs git in `dir` with a fixed identity (for tests of this crate).
    pub(crate) fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn reports_dirty_staged_and_untracked_files_only_inside_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["clean.py", "dirty.py", "staged.py"] {
            fs::write(root.join(name), "x = 1\n").unwrap();
        }
        git(root, &["init", "-q"]);
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "init"]);
        fs::write(root.join("dirty.py"), "x = 2\n").unwrap();
        fs::write(root.join("staged.py"), "x = 2\n").unwrap();
        git(root, &["add", "staged.py"]);
        fs::write(root.join("new.py"), "x = 1\n").unwrap();
        let paths: Vec<PathBuf> = ["clean.py", "dirty.py", "staged.py", "new.py"]
            .iter()
            .map(|n| root.join(n))
            .collect();
        let found: Vec<(String, &str)> = uncommitted(&paths)
            .into_iter()
            .map(|d| {
                (
                    d.path.file_name().unwrap().to_string_lossy().into_owned(),
                    d.state,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("dirty.py".to_string(), "dirty"),
                ("new.py".to_string(), "untracked"),
                ("staged.py".to_string(), "staged"),
            ]
        );
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("a.py"), "x\n").unwrap();
        assert!(uncommitted(&[outside.path().join("a.py")]).is_empty());
    }
}
