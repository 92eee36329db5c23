//! Interrupted and concurrent `ferry fix` runs lose nothing and half-write
//! nothing. `ferry fix` is killed with SIGKILL at many seeded random moments
//! while it rewrites a generated tree; after every kill each file is
//! byte-identical to its original or to its fully fixed version, and a later
//! run finishes the job and leaves no temporary file. Two runs at once on one
//! tree give the result of one run. A file edited by another process between
//! Ferry's read and its write is never overwritten: a stand-in `git`, which
//! Ferry runs between planning and writing, makes that edit at exactly that
//! moment.

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use cli::{all_output, assert_clean_exit, ferry, ferry_command, snapshot, temp_files, Node, Rng};
use ferry_engine::{fix_source, Settings};

/// A generated project: relative path → (original bytes, fixed bytes).
type Tree = BTreeMap<PathBuf, (Vec<u8>, Vec<u8>)>;

/// What `ferry fix` must turn `bytes` into, computed by the library.
fn fixed_by_library(bytes: &[u8]) -> Vec<u8> {
    let source = ferry_python::decode(bytes).expect("generated files decode");
    let outcome = fix_source(
        &source.text,
        ferry_rules::all_packs(),
        &Settings::default(),
        false,
    )
    .expect("generated files fix");
    source.encoding.encode(&outcome.text).unwrap()
}

/// `files` modules of about `size` bytes in a few packages; one in five
/// has no websockets code at all. Deterministic for a seed.
fn generate(seed: u64, files: usize, size: usize) -> Tree {
    let mut rng = Rng::new(seed);
    let mut tree = Tree::new();
    for i in 0..files {
        let package = *rng.pick(&["api", "feeds", "workers", "tools/cli"]);
        let path = PathBuf::from(format!("{package}/mod_{i:03}.py"));
        let text = if i % 5 == 4 {
            format!("\"\"\"Helpers {i}.\"\"\"\n\n\ndef double(x):\n    return 2 * x + {i}\n")
        } else {
            cli::websockets_module(rng.next(), size)
        };
        let fixed = fixed_by_library(text.as_bytes());
        tree.insert(path, (text.into_bytes(), fixed));
    }
    tree
}

fn lay_out(root: &Path, tree: &Tree) {
    for (path, (original, _)) in tree {
        cli::write(root, path.to_str().unwrap(), original);
    }
}

/// How far a run got: (files still original, files fixed). Panics on any
/// file that is neither, and on any stray file but Ferry's temporary files.
fn census(root: &Path, tree: &Tree) -> (usize, usize) {
    let temps = temp_files(root);
    let (mut original, mut fixed) = (0, 0);
    for (path, node) in snapshot(root) {
        match node {
            Node::Dir => {}
            Node::File(bytes) => {
                if let Some((before, after)) = tree.get(&path) {
                    if &bytes == after {
                        fixed += 1;
                    } else if &bytes == before {
                        original += 1;
                    } else {
                        panic!("{path:?} is neither its original nor its fixed version");
                    }
                } else {
                    assert!(temps.contains(&path), "stray file {path:?}");
                }
            }
            other => panic!("{path:?} became {other:?}"),
        }
    }
    assert_eq!(original + fixed, tree.len(), "a file went missing");
    (original, fixed)
}

fn changing(tree: &Tree) -> usize {
    tree.values().filter(|(a, b)| a != b).count()
}

/// The inode of every file of `tree`: a rename over a file changes it.
fn inodes(root: &Path, tree: &Tree) -> Vec<u64> {
    use std::os::unix::fs::MetadataExt;
    tree.keys()
        .map(|p| fs::metadata(root.join(p)).map_or(0, |m| m.ino()))
        .collect()
}

/// Polls until the run has written something (a temporary file exists or a
/// file was renamed over) or has ended; returns how long that took.
fn wait_for_first_write(
    root: &Path,
    tree: &Tree,
    child: &mut std::process::Child,
    limit: Duration,
) -> Duration {
    let before = inodes(root, tree);
    let start = Instant::now();
    while start.elapsed() < limit && child.try_wait().unwrap().is_none() {
        if !temp_files(root).is_empty() || inodes(root, tree) != before {
            break;
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    start.elapsed()
}

#[cfg(unix)]
#[test]
fn sigkill_at_random_moments_never_leaves_a_half_written_file() {
    let tree = generate(7, 120, 3_000);
    let to_fix = changing(&tree);
    assert!(to_fix > 80, "the tree has real work in it");

    // One uninterrupted run: the CLI agrees with the library, and it times
    // the whole job and its writing phase.
    let scratch = tempfile::tempdir().unwrap();
    lay_out(scratch.path(), &tree);
    let start = Instant::now();
    let mut child = ferry_command(scratch.path(), &["fix", "--allow-no-vcs"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let until_write =
        wait_for_first_write(scratch.path(), &tree, &mut child, Duration::from_secs(60));
    assert!(child.wait().unwrap().success());
    let full_run = start.elapsed();
    let writing = full_run
        .saturating_sub(until_write)
        .max(Duration::from_millis(20));
    assert_eq!(census(scratch.path(), &tree), (0, tree.len()));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    lay_out(root, &tree);
    let mut rng = Rng::new(20_240_611);
    let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap().max(1);
    let (mut kills, mut partial) = (0, 0);
    for round in 0..24 {
        let mut child = ferry_command(root, &["fix", "--allow-no-vcs"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // One kill in three at any moment (reading, planning, writing); the
        // others while it writes, where a crash could do harm.
        if round % 3 == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(micros(full_run))));
        } else {
            wait_for_first_write(root, &tree, &mut child, full_run * 3);
            std::thread::sleep(Duration::from_micros(rng.below(micros(writing))));
        }
        // `kill` sends SIGKILL: no handler, no cleanup, exactly a crash.
        child.kill().unwrap();
        if child.wait().unwrap().code().is_none() {
            kills += 1;
        }
        let (original, fixed) = census(root, &tree);
        if original > 0 && fixed > tree.len() - to_fix {
            partial += 1;
        }
        if original == 0 {
            // All done: start again from the originals, keeping any stale temporary files.
            lay_out(root, &tree);
        }
    }
    eprintln!(
        "{kills} runs killed, {partial} of them mid-write; full run {full_run:?}, writing {writing:?}"
    );
    assert!(kills > 0, "some runs were killed before they ended");

    // A run to the end completes the job and removes every stale temporary file.
    let output = ferry(root, &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    assert_eq!(census(root, &tree), (0, tree.len()));
    assert_eq!(temp_files(root), Vec::<PathBuf>::new());
}

#[test]
fn two_runs_at_once_give_the_result_of_one() {
    let tree = generate(11, 80, 2_000);
    for (round, stagger) in [0u64, 3, 15].into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        lay_out(root, &tree);
        let spawn = || {
            ferry_command(root, &["fix", "--allow-no-vcs"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let first = spawn();
        std::thread::sleep(Duration::from_millis(stagger));
        let second = spawn();
        for output in [
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        ] {
            assert_clean_exit(&output);
            let text = all_output(&output);
            match output.status.code() {
                Some(0) => {}
                // The slower run finds files the other already wrote, and leaves them.
                Some(2) => {
                    for line in text.lines().filter(|l| l.contains(": error: ")) {
                        assert!(
                            line.ends_with("changed on disk since Ferry read it; not overwritten (run ferry again)"),
                            "round {round}: {line}"
                        );
                    }
                }
                other => panic!("round {round}: exit {other:?}\n{text}"),
            }
        }
        assert_eq!(census(root, &tree), (0, tree.len()), "round {round}");
        assert!(temp_files(root).is_empty(), "round {round}");
    }
}

#[cfg(unix)]
#[test]
fn a_file_edited_between_read_and_write_is_not_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    let client = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n";
    let edited_path = cli::write(&root, "app/client.py", client);
    let other_path = cli::write(&root, "app/other.py", client);
    // Ferry runs `git` after reading and planning every file and before
    // writing any (the uncommitted-changes guard): this one is another editor
    // saving the file at that moment, then says "not a repository".
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let git = bin.join("git");
    fs::write(
        &git,
        format!(
            "#!/bin/sh\nprintf '# saved by another editor\\n' >> '{}'\nexit 128\n",
            edited_path.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&git, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let output = ferry_command(&root, &["fix", "--allow-no-vcs"])
        .env("PATH", path)
        .output()
        .unwrap();
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    let text = all_output(&output);
    assert!(
        text.contains("app/client.py: error: changed on disk since Ferry read it; not overwritten"),
        "{text}"
    );
    let edited = fs::read_to_string(&edited_path).unwrap();
    assert!(
        edited.starts_with(client) && edited.ends_with("# saved by another editor\n"),
        "the other editor's save is kept: {edited}"
    );
    assert!(fs::read_to_string(&other_path)
        .unwrap()
        .contains("additional_headers=h"));
    assert!(temp_files(&root).is_empty());

    // Run again (as the message says): the edited file is fixed, its edit kept.
    let output = ferry(&root, &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    let fixed = fs::read_to_string(&edited_path).unwrap();
    assert!(
        fixed.contains("additional_headers=h") && fixed.ends_with("# saved by another editor\n")
    );
}
