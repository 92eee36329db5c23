//! `ferry upgrade`: a trial migration in a worktree, with environments built
//! from the project's declared requirements by pip from the package index
//! (cached under target/ferry-cache between test runs), and the project's
//! own tests run before and after.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{copy_tree, example, ferry_command, git, text};

/// The cache is shared by the tests, which run at once: the one that counts
/// half-built venvs in it runs alone, or it would count another test's
/// build in progress.
static CACHE: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn sharing_cache() -> std::sync::RwLockReadGuard<'static, ()> {
    CACHE
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ferry-cache")
}

fn upgrade(root: &Path, args: &[&str]) -> Output {
    let python = std::env::var("FERRY_TEST_PYTHON").expect("scripts/test sets FERRY_TEST_PYTHON");
    let mut all = vec!["upgrade", "websockets==15.0.1", "--python", python.as_str()];
    all.extend(args);
    ferry_command(root, &all)
        .env("FERRY_CACHE_DIR", cache())
        .output()
        .unwrap()
}

/// The example, pinned to websockets 13.1 and committed.
fn pinned_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(), dir.path());
    std::fs::write(
        dir.path().join("requirements.txt"),
        "websockets==13.1\npytest==8.3.4\niniconfig==2.3.1\npackaging==26.4\npluggy==1.7.0\n",
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    dir
}

#[test]
fn a_trial_passes_on_13_1_before_and_on_15_after_and_touches_nothing_until_apply() {
    let _cache = sharing_cache();
    let dir = pinned_example();
    let root = dir.path();
    let head = git(root, &["rev-parse", "HEAD"]);

    let output = upgrade(root, &["--unsafe-fixes"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("\nBaseline (as pinned today): 29 passed, 0 failed, 0 errors, 0 skipped ("),
        "{out}"
    );
    assert!(
        out.contains("\nTrial (websockets==15.0.1, after `ferry fix`): 29 passed, 0 failed, 0 errors, 0 skipped ("),
        "{out}"
    );
    assert!(
        out.contains("Verdict: 0 fixed, 0 broken, 0 still failing"),
        "{out}"
    );
    assert!(out.contains("0 findings left for review"), "{out}");
    assert!(
        out.contains("Nothing was changed in the working tree"),
        "{out}"
    );
    // The copy is as it was: same commit, nothing modified, no worktree left.
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(root, &["status", "--porcelain"]), "");
    assert_eq!(git(root, &["worktree", "list"]).lines().count(), 1);

    let output = upgrade(root, &["--unsafe-fixes", "--apply"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(std::fs::read_to_string(root.join("requirements.txt"))
        .unwrap()
        .starts_with("websockets>=14.2\n"));
    assert!(git(root, &["status", "--porcelain"]).contains("M chat/client.py"));
}

#[test]
fn safe_fixes_alone_leave_tests_broken_and_the_verdict_says_so() {
    let _cache = sharing_cache();
    let dir = pinned_example();
    let output = upgrade(dir.path(), &[]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("\n  broken: tests.e2e.test_chat_rooms::test_two_users_chat_in_a_room\n"),
        "{out}"
    );
}

#[test]
fn a_dirty_tree_is_refused_and_a_branch_gets_the_changes() {
    let _cache = sharing_cache();
    let dir = pinned_example();
    let root = dir.path();
    std::fs::write(root.join("chat/__init__.py"), "# edited\n").unwrap();
    let output = upgrade(root, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("uncommitted changes"),
        "{}",
        text(&output)
    );
    git(root, &["checkout", "--", "chat/__init__.py"]);

    let output = upgrade(root, &["--unsafe-fixes", "--branch", "ferry-upgrade"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        git(root, &["status", "--porcelain"]),
        "",
        "the working tree is untouched"
    );
    let changed = git(root, &["diff", "--name-only", "HEAD", "ferry-upgrade"]);
    assert!(
        changed.lines().any(|l| l == "requirements.txt"),
        "{changed}"
    );
    assert!(changed.lines().any(|l| l == "chat/client.py"), "{changed}");
}

/// A trial of the pinned example whose suite sleeps for a minute, started
/// and watched until that test runs: the run, its trial folder, and a
/// check that its tests' process group is still running.
fn trial_in_its_slow_test(root: &Path) -> (std::process::Child, PathBuf, impl Fn() -> bool) {
    // A suite that runs for a minute, so a killed run leaves it running.
    std::fs::write(
        root.join("tests/test_slow.py"),
        "import pathlib\nimport time\n\n\ndef test_slow():\n    pathlib.Path(__file__).resolve().parents[1].joinpath('slow-started').write_text('1')\n    time.sleep(60)\n",
    )
    .unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "slow"]);
    let python = std::env::var("FERRY_TEST_PYTHON").unwrap();
    let child = ferry_command(
        root,
        &["upgrade", "websockets==15.0.1", "--python", &python],
    )
    .env("FERRY_CACHE_DIR", cache())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let trial = cache().join("trials").join(child.id().to_string());
    let group_file = trial.join("tests.pgid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while !group_file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let group = std::fs::read_to_string(&group_file).unwrap();
    let running = move || {
        std::fs::read_to_string(format!("/proc/{}/stat", group.trim()))
            .is_ok_and(|stat| stat.split(' ').nth(2).is_none_or(|state| state != "Z"))
    };
    // Killed once the slow test runs: pytest has written everything it
    // writes before it (a pytest still writing to the dead run's pipe would
    // end by itself), and now sleeps.
    let started = trial.join("tree/slow-started");
    while !started.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child, trial, running)
}

#[test]
fn a_killed_trial_is_cleaned_up_by_the_next_run() {
    let _cache = CACHE
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = pinned_example();
    let root = dir.path();
    let (mut child, trial, running) = trial_in_its_slow_test(root);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(trial.exists(), "the killed run left its trial");
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(running(), "its tests are still running");
    assert_eq!(git(root, &["worktree", "list"]).lines().count(), 2);

    // The next run (its own baseline stopped by a short timeout) cleans up first.
    let output = upgrade(root, &["--timeout", "3"]);
    assert!(
        text(&output).contains("The baseline did not run"),
        "{}",
        text(&output)
    );
    assert!(!trial.exists(), "the next run removed the dead trial");
    assert!(
        !running(),
        "the next run ended the tests the killed one left running"
    );
    assert_eq!(git(root, &["worktree", "list"]).lines().count(), 1);
    // No half-built environment is left in the cache.
    let partial = std::fs::read_dir(cache().join("venvs"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "partial"))
        .count();
    assert_eq!(partial, 0);
}

#[test]
fn ctrl_c_ends_the_trial_at_once() {
    let _cache = CACHE
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = pinned_example();
    let root = dir.path();
    let (mut child, trial, running) = trial_in_its_slow_test(root);
    // What a terminal's Ctrl-C sends to the run (not to the tests, which
    // run in their own process group).
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    // At once, not by the next run (SIGKILL takes effect a moment after it is sent).
    assert!(!trial.exists(), "the interrupted run removed its trial");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!running(), "the interrupted run ended its tests");
    assert_eq!(git(root, &["worktree", "list"]).lines().count(), 1);
}
