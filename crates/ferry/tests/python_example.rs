//! The Python upgrade example (`examples/report-service`, written for 3.9),
//! end to end on the real interpreters, with no configuration (the Python
//! pack is built in): its own unittest suite fails on 3.13 as written;
//! after `ferry fix` (the project declares
//! `requires-python >= 3.9`, so every fix must also run on 3.9) it passes on
//! 3.13 and still on 3.9, and a second scan finds nothing.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{copy_tree, ferry, git};

fn unittest(python: &ferry_verify::Python, project: &Path) -> Output {
    Command::new(&python.executable)
        .args(["-m", "unittest", "-q"])
        .current_dir(project)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_report_service_passes_on_3_13_after_ferry_fix_and_still_on_3_9() {
    let find = |major, minor| {
        ferry_verify::find_release(major, minor)
            .unwrap_or_else(|err| panic!("Python {major}.{minor} (pyenv): {err}"))
    };
    let (py313, py39) = (find(3, 13), find(3, 9));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("report-service");
    copy_tree(&repo.join("examples/report-service"), &project);
    git(&project, &["init", "-q"]);
    git(&project, &["add", "."]);
    git(&project, &["commit", "-qm", "written for 3.9"]);

    let before = unittest(&py39, &project);
    assert!(before.status.success(), "3.9 before: {}", text(&before));
    let before = unittest(&py313, &project);
    assert!(!before.status.success(), "3.13 before: {}", text(&before));

    let scan = ferry(&project, &["scan", "--format", "concise"]);
    let shown = text(&scan);
    for code in [
        "PY001", "PY002", "PY004", "PY010", "PY011", "PY013", "PY014", "PY020",
    ] {
        assert!(shown.contains(&format!(" {code} ")), "{code}: {shown}");
    }
    let fix = ferry(&project, &["fix"]);
    assert_eq!(fix.status.code(), Some(0), "{}", text(&fix));

    for python in [&py313, &py39] {
        let after = unittest(python, &project);
        assert!(
            after.status.success(),
            "{} after the fix: {}",
            python.version,
            text(&after)
        );
    }
    let again = ferry(&project, &["scan"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).contains("No breaking uses found"),
        "{}",
        text(&again)
    );
}
