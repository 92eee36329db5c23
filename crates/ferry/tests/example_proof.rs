//! The bundled example (`examples/chat-service`), end to end on the real
//! library: its own test suite fails on websockets 15.0.1 as written, passes
//! after `ferry fix --unsafe-fixes` (which `ferry verify` confirms), a second
//! fix changes nothing, and the completion report's numbers match the files.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{copy_tree, ferry, git, websockets_15};

/// The example's own tests, with a clean environment (no proxies, no bytecode).
fn pytest(python: &Path, project: &Path) -> Output {
    Command::new(python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(project)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest runs")
}

fn summary(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout.lines().last().unwrap_or_default().to_string()
}

#[test]
fn example_suite_fails_on_15_then_passes_after_ferry_fix() {
    let python = websockets_15();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/chat-service");
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("chat-service");
    copy_tree(&example, &project);
    git(&project, &["init", "-q"]);
    git(&project, &["add", "."]);
    git(&project, &["commit", "-qm", "legacy"]);

    let before = pytest(python, &project);
    assert!(
        !before.status.success(),
        "the legacy example must fail on 15.0.1: {}",
        summary(&before)
    );
    assert!(summary(&before).contains("failed"), "{}", summary(&before));

    let fixed = ferry(&project, &["fix", "--unsafe-fixes"]);
    let fix_out = String::from_utf8_lossy(&fixed.stdout).into_owned();
    assert!(matches!(fixed.status.code(), Some(0 | 1)), "{fix_out}");
    assert!(fix_out.contains("Fixed "), "{fix_out}");

    let after = pytest(python, &project);
    assert!(
        after.status.success(),
        "the example must pass on 15.0.1 after ferry fix:\n{}\n{}",
        String::from_utf8_lossy(&after.stdout),
        fix_out
    );

    let python_arg = python.to_str().unwrap();
    let verify = ferry(&project, &["verify", "--python", python_arg]);
    let verify_out = String::from_utf8_lossy(&verify.stdout).into_owned();
    assert_eq!(verify.status.code(), Some(0), "{verify_out}");
    assert!(verify_out.contains(", 0 failed."), "{verify_out}");

    let again = ferry(&project, &["fix", "--unsafe-fixes", "--allow-dirty"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to fix"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    // The report since the commit before the fix, against the files themselves.
    let report = ferry(&project, &["report", "--since", "HEAD", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let changed = git(&project, &["diff", "--name-only"]);
    let mut changed: Vec<&str> = changed.lines().collect();
    let mut with_changes: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["changes_applied"].as_u64().unwrap() > 0)
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    changed.sort();
    with_changes.sort();
    assert_eq!(
        with_changes, changed,
        "the files with changes are the files that changed"
    );
    let fixed_count: u64 = fix_out
        .lines()
        .find_map(|l| l.strip_prefix("Fixed "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(
        report["summary"]["changes_applied"].as_u64().unwrap(),
        fixed_count
    );
    let left = report["summary"]["review_items"].as_u64().unwrap()
        + report["summary"]["safe_fixes_left"].as_u64().unwrap()
        + report["summary"]["unsafe_fixes_left"].as_u64().unwrap();
    let scan = ferry(&project, &["scan", "--format", "json"]);
    let scan: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(
        left,
        scan["summary"]["findings"].as_u64().unwrap(),
        "what is left is what scan finds"
    );
}
