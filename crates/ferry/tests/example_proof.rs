//! The bundled example (`examples/chat-service`), end to end on the real
//! library: its own test suite fails on websockets 15.0.1 as written, passes
//! after `ferry fix --unsafe-fixes`, and a second fix changes nothing.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{copy_tree, ferry, websockets_15};

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

    let again = ferry(&project, &["fix", "--unsafe-fixes"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to fix"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}
