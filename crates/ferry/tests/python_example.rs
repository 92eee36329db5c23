//! The Python upgrade example (`examples/report-service`, written for 3.9,
//! which asks for the built-in Python pack in its `pyproject.toml`), end to
//! end on the real interpreters: its own unittest suite fails on 3.13 as written;
//! after `ferry fix` (the project declares
//! `requires-python >= 3.9`, so every fix must also run on 3.9) it passes on
//! 3.13 and still on 3.9, and a second scan finds nothing.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{copy_tree, ferry, git, text};

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

fn project(pyproject: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const USES: &str = "import collections\nimport imp\n\nprint(collections.Mapping, imp)\n";

/// A declared upper bound is the target: `<3.11` never runs what 3.12
/// removed (`imp`), but does lack what 3.10 removed (`collections.Mapping`).
#[test]
fn a_declared_upper_bound_keeps_later_removals_out() {
    let dir = project(
        "[project]\nname = \"x\"\nrequires-python = \">=3.8,<3.11\"\n",
        &[("app.py", USES)],
    );
    let scan = |args: &[&str]| {
        let mut all = vec!["scan", "--format", "concise"];
        all.extend(args);
        text(&ferry(dir.path(), &all))
    };
    let shown = scan(&[]);
    assert!(shown.contains(" PY001 "), "{shown}");
    assert!(!shown.contains(" PY003 "), "{shown}");
    let shown = scan(&["--target", "python==3.13"]);
    assert!(
        shown.contains(" PY001 ") && shown.contains(" PY003 "),
        "{shown}"
    );
    // Asking for a pack already on by default changes nothing.
    assert_eq!(scan(&["--pack", "python"]), scan(&[]));
    // On by default; `--select` narrows it away.
    let shown = text(&ferry(
        dir.path(),
        &["scan", "--select", "WS", "--format", "concise"],
    ));
    assert!(!shown.contains(" PY0"), "{shown}");
}

/// `ferry doctor` on the interpreter: what the project declares, what
/// Ferry checks against, and which uses fail on the Python it found (3.11:
/// `collections.Mapping`, gone in 3.10, but not `imp`, gone in 3.12).
#[test]
fn doctor_says_which_uses_fail_on_the_interpreter_found() {
    let py311 = ferry_verify::find_release(3, 11)
        .unwrap_or_else(|err| panic!("Python 3.11 (pyenv): {err}"));
    let dir = project(
        "[project]\nname = \"x\"\nrequires-python = \">=3.9\"\n",
        &[("app.py", USES)],
    );
    let output = ferry(
        dir.path(),
        &["doctor", "--python", py311.executable.to_str().unwrap()],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    let verdict = shown
        .split("Verdict for this project (python pack, the interpreter):\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no interpreter verdict: {shown}"));
    let expected = format!(
        "  Target: the newest Python the pack knows (3.13), which the project's declarations allow.\n  2 findings for the newest python (`ferry scan`).\n  1 use fails at run time with the installed python {v}:\n    app.py:4:7: PY001 `collections.Mapping` is `collections.abc.Mapping` from python 3.10\n  pyproject.toml:3: `>=3.9` allows the installed {v}.\n  Not ready: see above.\n",
        v = py311.version
    );
    assert_eq!(verdict, expected);
}

/// The target doctor names follows the declarations: a bound above the
/// pack's breaking release, or one that holds the project below it.
#[test]
fn doctor_names_the_target_the_declarations_give() {
    let target = |requires: &str| {
        let dir = project(
            &format!("[project]\nname = \"x\"\nrequires-python = \"{requires}\"\n"),
            &[("app.py", USES)],
        );
        let shown = text(&ferry(dir.path(), &["doctor"]));
        shown
            .lines()
            .find(|l| l.starts_with("  Target: "))
            .unwrap_or_else(|| panic!("no target line: {shown}"))
            .to_string()
    };
    assert_eq!(
        target(">=3.8,<3.11"),
        "  Target: Python 3.10, the newest release the project's declarations allow."
    );
    assert_eq!(
        target(">=3.8,<3.10"),
        "  Target: Python 3.9, where pyproject.toml:3 (`>=3.8,<3.10`) holds the project."
    );
}
