//! `ferry verify --tests` and `ferry fix --verify-tests`: the project's own
//! test suite, run with the real pytest and websockets 15.0.1, recorded
//! under `.ferry/runs/`, and compared test by test.

use std::path::Path;
use std::process::Output;

mod common;
use common::{copy_tree, example, ferry, git, websockets_15};

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn with_python<'a>(python: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--python", python.to_str().unwrap()]);
    all
}

/// A committed copy of a folder, so that `fix` may write into it.
fn committed_copy(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(from, dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    dir
}

#[test]
fn the_example_fails_18_of_29_tests_before_the_fix_and_passes_all_after() {
    let python = websockets_15();
    let dir = committed_copy(&example());
    let root = dir.path();

    let before = ferry(root, &with_python(python, &["verify", "--tests"]));
    let text = out(&before);
    assert_eq!(before.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Tests: 29 run in ")
            && text.contains(": 11 passed, 18 failed, 0 errors, 0 skipped (run "),
        "{text}"
    );
    assert!(text.contains("\n  failing: tests.mission_critical.test_agent_event_pipeline::test_agent_publishes_event_and_gets_ack\n"), "{text}");
    // Runs are kept, and never committed.
    assert_eq!(
        std::fs::read_to_string(root.join(".ferry/.gitignore")).unwrap(),
        "# Ferry's test runs: local only.\n*\n"
    );
    assert_eq!(git(root, &["status", "--porcelain"]), "");

    let fixed = ferry(
        root,
        &with_python(python, &["fix", "--unsafe-fixes", "--verify-tests"]),
    );
    let text = out(&fixed);
    assert!(
        text.contains("After:  Tests: 29 run in ") && text.contains(": 29 passed, 0 failed"),
        "{text}"
    );
    assert!(
        text.contains(": 18 fixed, 0 broken, 0 still failing, 0 added, 0 removed.\n"),
        "{text}"
    );

    // The next run is compared with the last one.
    let after = ferry(
        root,
        &with_python(python, &["verify", "--tests", "--format", "json"]),
    );
    assert_eq!(after.status.code(), Some(0), "{}", out(&after));
    let doc: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(doc["run"]["counts"]["passed"], 29);
    assert_eq!(doc["comparison"]["broken"].as_array().unwrap().len(), 0);
    assert_eq!(doc["comparison"]["still_passing"], 29);

    // The completion report shows the last run beside the phases.
    let report = ferry(root, &["report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let tests = &report["tests"];
    assert_eq!(tests["run"], doc["run"]["id"], "{report}");
    assert_eq!(tests["passed"], 29);
    assert_eq!(tests["compared_with"], doc["comparison"]["before"]);
    assert_eq!(tests["broken"].as_array().unwrap().len(), 0);
    let by_phase: Vec<(String, u64)> = tests["by_phase"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["phase"].as_str().unwrap().to_string(),
                p["passed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_phase,
        [
            ("mission-critical".to_string(), 5),
            ("e2e-integration".to_string(), 11),
            ("backend".to_string(), 13)
        ]
    );
    let markdown = out(&ferry(root, &["report"]));
    assert!(markdown.contains("\n## Tests\n"), "{markdown}");
    assert!(
        markdown.contains("| mission-critical | 5 | 0 |"),
        "{markdown}"
    );
}

/// A project whose own test reads the source it checks: the rename makes it fail.
fn project_with_a_test_the_fix_breaks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(
        root.join("app/client.py"),
        "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("test_source.py"),
        "import pathlib\n\n\ndef test_source_keeps_its_keyword():\n    assert 'extra_headers' in pathlib.Path('app/client.py').read_text()\n\n\ndef test_other():\n    assert True\n",
    )
    .unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "start"]);
    dir
}

#[test]
fn a_fix_that_breaks_a_test_is_reported_and_rolled_back() {
    let python = websockets_15();
    let dir = project_with_a_test_the_fix_breaks();
    let root = dir.path();
    let original = std::fs::read(root.join("app/client.py")).unwrap();

    let output = ferry(
        root,
        &with_python(python, &["fix", "--verify-tests", "--rollback-on-failure"]),
    );
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(": 0 fixed, 1 broken, 0 still failing, 0 added, 0 removed.\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  broken: test_source::test_source_keeps_its_keyword\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "A test that passed before fails now: restored 1 file to the original bytes.\n"
        ),
        "{text}"
    );
    assert_eq!(std::fs::read(root.join("app/client.py")).unwrap(), original);

    // Without the rollback, the fix stays and the run still fails.
    let output = ferry(root, &with_python(python, &["fix", "--verify-tests"]));
    assert_eq!(output.status.code(), Some(1), "{}", out(&output));
    assert_ne!(std::fs::read(root.join("app/client.py")).unwrap(), original);
}

/// A pack written for this test whose fact is wrong for the project's own
/// library (it renames `amount=`, which `shop.pay` still takes): the fix
/// breaks the project's test, which the run reports, and the rollback undoes.
#[test]
fn a_wrong_pack_s_fix_is_caught_by_the_project_s_tests_and_rolled_back() {
    let python = websockets_15();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("shop/__init__.py", "def pay(amount):\n    return amount\n");
    write(
        "app.py",
        "import shop\n\n\ndef checkout():\n    return shop.pay(amount=3)\n",
    );
    write(
        "test_app.py",
        "import app\n\n\ndef test_checkout():\n    assert app.checkout() == 3\n",
    );
    write(
        "shop-2.toml",
        "name = \"shop\"\nsummary = \"shop 1 to 2\"\nprefix = \"SH\"\n\n[library]\nname = \"shop\"\npackages = [\"shop\"]\nbreaking = \"2.0\"\n\n[[rules]]\ncode = \"SH001\"\nname = \"PayTotal\"\nkind = \"rename-keyword\"\nsummary = \"`amount=` of `shop.pay` is `total=`.\"\ncallables = [\"shop.pay\"]\nold = \"amount\"\nnew = \"total\"\n",
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "start"]);
    let original = std::fs::read(root.join("app.py")).unwrap();

    let output = ferry(
        root,
        &with_python(
            python,
            &[
                "fix",
                "--pack",
                "shop-2.toml",
                "--verify-tests",
                "--rollback-on-failure",
            ],
        ),
    );
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Fixed 1 finding in 1 file."), "{text}");
    assert!(
        text.contains(": 0 fixed, 1 broken, 0 still failing, 0 added, 0 removed.\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  broken: test_app::test_checkout\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "A test that passed before fails now: restored 1 file to the original bytes.\n"
        ),
        "{text}"
    );
    assert_eq!(std::fs::read(root.join("app.py")).unwrap(), original);
}

#[test]
fn a_test_command_is_judged_by_its_exit_code() {
    let python = websockets_15();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("ferry.toml"),
        "test-command = [\"python\", \"-c\", \"import sys; sys.exit(3)\"]\n",
    )
    .unwrap();
    let output = ferry(root, &with_python(python, &["verify", "--tests"]));
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(" -c import sys; sys.exit(3)` exited with 3 in "),
        "{text}"
    );
}
