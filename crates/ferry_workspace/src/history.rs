//! The tree at an earlier git revision, read through git (`git cat-file
//! --batch`), never checked out: `ferry report --since REV` checks each
//! file's old text with today's targets, so findings resolved since then
//! count as changes applied without any state file.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ferry_engine::{Pack, Prefilter, Settings};
use ferry_python::decode;
use rayon::prelude::*;

use crate::pins::RunPins;

/// A revision resolved to a commit, in the work tree of the current folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// As the user wrote it, e.g. `HEAD~3` or `main`.
    pub rev: String,
    /// The full commit id.
    pub commit: String,
    /// The work tree's top folder.
    pub top: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("--since {rev}: {reason}")]
    Git { rev: String, reason: String },
}

/// Resolves `rev` with git, from `cwd`.
pub fn resolve_revision(rev: &str, cwd: &Path) -> Result<Revision, HistoryError> {
    let fail = |reason: String| HistoryError::Git {
        rev: rev.to_string(),
        reason,
    };
    let top = git(cwd, &["rev-parse", "--show-toplevel"])
        .map_err(|reason| fail(format!("not inside a git work tree ({reason})")))?;
    let commit = git(
        cwd,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| fail("no such commit in this repository".to_string()))?;
    Ok(Revision {
        rev: rev.to_string(),
        commit,
        top: PathBuf::from(top),
    })
}

fn git(cwd: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// For each of `files` (paths of today's tree) that existed at `revision`,
/// its findings then, counted by rule code, checked with the targets the
/// file has today. Files that did not exist, or whose old text cannot be
/// decoded or parsed, are absent.
pub fn findings_at(
    revision: &Revision,
    files: &[PathBuf],
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
) -> Result<BTreeMap<PathBuf, BTreeMap<&'static str, usize>>, HistoryError> {
    let old = read_blobs(revision, files)?;
    let prefilter = Prefilter::for_selection(packs, &settings.selection);
    let pins = RunPins::new(settings, packs, cwd, true);
    Ok(old
        .into_par_iter()
        .filter_map(|(path, bytes)| {
            if !prefilter.is_candidate(&bytes) {
                return None;
            }
            let source = decode(&bytes).ok()?;
            let text = source.text.as_ref();
            let spelled = ferry_engine::Spelled::in_text(packs, text, &settings.selection);
            if !spelled.may_report(text) {
                return None;
            }
            let libraries = crate::scan::libraries(&spelled.packs());
            let targets = pins.for_file_using(&path, Some(&libraries));
            let check = ferry_engine::check_spelled(text, &spelled, &targets.settings).ok()?;
            let mut counts = BTreeMap::new();
            for finding in &check.findings {
                *counts.entry(finding.code).or_default() += 1;
            }
            Some((path, counts))
        })
        .collect())
}

/// The bytes of each file at the revision, in one `git cat-file --batch`.
fn read_blobs(
    revision: &Revision,
    files: &[PathBuf],
) -> Result<Vec<(PathBuf, Vec<u8>)>, HistoryError> {
    let fail = |reason: String| HistoryError::Git {
        rev: revision.rev.clone(),
        reason,
    };
    // Paths relative to the top of the work tree, as git names them. A name
    // with a line break cannot be asked for in batch mode; it is skipped.
    let mut wanted: Vec<(PathBuf, String)> = Vec::new();
    for file in files {
        let Ok(absolute) = std::path::absolute(file) else {
            continue;
        };
        let canonical = absolute.canonicalize().unwrap_or(absolute);
        let Ok(relative) = canonical.strip_prefix(&revision.top) else {
            continue;
        };
        let Some(name) = relative.to_str() else {
            continue;
        };
        if name.contains('\n') {
            continue;
        }
        wanted.push((file.clone(), name.replace('\\', "/")));
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&revision.top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| fail(format!("cannot run git: {err}")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let requests: Vec<String> = wanted
        .iter()
        .map(|(_, name)| format!("{}:{name}\n", revision.commit))
        .collect();
    // Written from another thread: git answers while it reads, and a full
    // pipe on both sides would deadlock.
    let writer = std::thread::spawn(move || {
        for request in requests {
            if stdin.write_all(request.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped"));
    let mut out = Vec::new();
    for (path, _) in wanted {
        let mut header = String::new();
        if reader
            .read_line(&mut header)
            .map_err(|e| fail(e.to_string()))?
            == 0
        {
            return Err(fail("git cat-file stopped answering".into()));
        }
        // `<oid> blob <size>`, or `<object> missing` for a file new since then.
        let mut parts = header.split_whitespace();
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        let Some(size) = size.and_then(|s| s.parse::<usize>().ok()) else {
            continue;
        };
        let mut content = vec![0; size + 1];
        reader
            .read_exact(&mut content)
            .map_err(|e| fail(format!("reading git's answer: {e}")))?;
        content.pop();
        if kind == Some("blob") {
            out.push((path, content));
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::git::tests::git as run;

    #[test]
    fn old_findings_are_read_through_git_without_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        run(root, &["init", "-q"]);
        let legacy =
            "import websockets\nwebsockets.connect('ws://x', extra_headers={}, timeout=3)\n";
        std::fs::write(root.join("a.py"), legacy).unwrap();
        std::fs::write(root.join("b.py"), "x = 1\n").unwrap();
        run(root, &["add", "."]);
        run(root, &["commit", "-qm", "old"]);
        std::fs::write(
            root.join("a.py"),
            "import websockets\nwebsockets.connect('ws://x', additional_headers={}, timeout=3)\n",
        )
        .unwrap();
        std::fs::write(root.join("new.py"), legacy).unwrap();
        let revision = resolve_revision("HEAD", root).unwrap();
        assert_eq!(revision.commit.len(), 40);
        let files = vec![root.join("a.py"), root.join("b.py"), root.join("new.py")];
        let packs: Vec<&Pack> = Vec::new();
        // Without packs nothing can be found; the blobs are still read.
        let blobs = read_blobs(&revision, &files).unwrap();
        let names: Vec<_> = blobs.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(names, vec![root.join("a.py"), root.join("b.py")]);
        assert_eq!(blobs[0].1, legacy.as_bytes());
        let found = findings_at(&revision, &files, &packs, &Settings::default(), root).unwrap();
        assert!(found.is_empty());
        // The work tree was not touched.
        assert!(std::fs::read_to_string(root.join("a.py"))
            .unwrap()
            .contains("additional_headers"));
    }

    #[test]
    fn unknown_revisions_and_folders_outside_git_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = resolve_revision("HEAD", dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not inside a git work tree"), "{err}");
        run(dir.path(), &["init", "-q"]);
        let err = resolve_revision("nope", dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--since nope: no such commit"), "{err}");
    }
}
