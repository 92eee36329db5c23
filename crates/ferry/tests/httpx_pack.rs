//! The built-in httpx pack (`packs/httpx`) on the real releases it is about,
//! installed from pinned requirement files by `scripts/python-env`
//! (`scripts/httpx-0.27.2-requirements.txt`, `scripts/httpx-0.28.1-requirements.txt`).
//!
//! The proofs: every fixture of the pack that has a `.fixed.py` is itself
//! a program (no separate copy to keep in step): it runs against a local
//! application or a forward proxy on the loopback interface, never the
//! network. As written, it must run on httpx 0.27.2 and fail on 0.28.1 with
//! the `TypeError` the rule is about; `ferry fix` on a copy (with
//! `--unsafe-fixes` where the fixture's `# ferry-test: unsafe-fixes` line
//! asks for it) must give exactly its `.fixed.py`, which must run on 0.28.1
//! and, since a fix must be right on every release the project allows, on
//! 0.27.2 too. Fixtures without a `.fixed.py` (review items, clean files)
//! are checked by `crates/ferry_rules/tests/fixtures.rs` and `ferry pack test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod common;
use common::{ferry, ferry_command, git, text, venv};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn httpx_027() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| venv("venv-httpx-0.27.2", "scripts/httpx-0.27.2-requirements.txt"))
}

fn httpx_028() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| venv("venv-httpx-0.28.1", "scripts/httpx-0.28.1-requirements.txt"))
}

/// Runs `program` with `python` in a clean environment (no proxy
/// variables, no bytecode), giving up after a minute.
fn run(python: &Path, program: &Path) -> Output {
    Command::new("timeout")
        .arg("60")
        .arg(python)
        .arg(program)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs")
}

/// The fixable fixtures: every `NAME.py` beside a `NAME.fixed.py`.
fn fixable_fixtures() -> Vec<(PathBuf, PathBuf)> {
    let mut found = Vec::new();
    for rule in std::fs::read_dir(repo().join("packs/httpx/fixtures")).unwrap() {
        for entry in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            let fixed = entry.unwrap().path();
            let name = fixed.to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".fixed.py") {
                found.push((PathBuf::from(format!("{stem}.py")), fixed));
            }
        }
    }
    found.sort();
    found
}

/// The `ferry fix` flags a fixture's leading `# ferry-test:` lines ask for.
/// Only `unsafe-fixes` means something to a runnable fixture: a target or
/// floor would be the project's requirements, which a copy alone lacks.
fn fix_flags(source: &str, path: &Path) -> Vec<&'static str> {
    let mut flags = vec!["fix"];
    for line in source.lines() {
        let Some(directive) = line.strip_prefix("# ferry-test: ") else {
            break;
        };
        match directive.trim() {
            "unsafe-fixes" => flags.push("--unsafe-fixes"),
            other => panic!(
                "{}: a runnable fixture may only ask for `unsafe-fixes`, not `{other}`",
                path.display()
            ),
        }
    }
    flags
}

#[test]
fn each_fixable_fixture_runs_on_0_27_fails_on_0_28_and_runs_there_once_fixed() {
    let (old, new) = (httpx_027(), httpx_028());
    let fixtures = fixable_fixtures();
    assert!(fixtures.len() >= 6, "fixable fixtures: {fixtures:?}");
    for (before, fixed) in &fixtures {
        let shown = before.strip_prefix(repo()).unwrap().display().to_string();
        let output = run(old, before);
        assert!(
            output.status.success(),
            "{shown} on httpx 0.27.2: {}",
            text(&output)
        );
        let output = run(new, before);
        assert!(
            !output.status.success(),
            "{shown} must fail on httpx 0.28.1"
        );
        assert!(
            text(&output).contains("TypeError")
                && text(&output).contains("unexpected keyword argument"),
            "{shown} on httpx 0.28.1 fails for another reason: {}",
            text(&output)
        );

        // `ferry fix` on a copy in a fresh repository, as a user runs it.
        let dir = tempfile::tempdir().unwrap();
        let source = std::fs::read_to_string(before).unwrap();
        std::fs::write(dir.path().join("program.py"), &source).unwrap();
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-qm", "before"]);
        let output = ferry(dir.path(), &fix_flags(&source, before));
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{shown}: {}",
            text(&output)
        );
        let after = std::fs::read_to_string(dir.path().join("program.py")).unwrap();
        assert_eq!(
            after,
            std::fs::read_to_string(fixed).unwrap(),
            "{shown}: `ferry fix` does not give its .fixed.py"
        );

        let program = dir.path().join("program.py");
        for (python, release) in [(new, "0.28.1"), (old, "0.27.2")] {
            let output = run(python, &program);
            assert!(
                output.status.success(),
                "{shown}, fixed, on httpx {release}: {}",
                text(&output)
            );
        }
    }
}

/// `ferry pack check` proves every rule's facts on the real releases
/// (installed by pip in Ferry's cache, shared by the runs).
#[test]
fn pack_check_holds_on_httpx_0_27_2_and_0_28_1() {
    let python = std::env::var("FERRY_TEST_PYTHON").expect("FERRY_TEST_PYTHON is set");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ferry-cache-packs");
    let pack = repo().join("packs/httpx");
    let output = ferry_command(
        &repo(),
        &[
            "pack",
            "check",
            pack.to_str().unwrap(),
            "--old",
            "httpx==0.27.2",
            "--new",
            "httpx==0.28.1",
            "--python",
            &python,
        ],
    )
    .env("FERRY_CACHE_DIR", cache)
    .output()
    .expect("ferry runs");
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown
            .contains("ok    HX005  `httpx.ASGITransport`, which the fix writes, exists in 0.27.2"),
        "{shown}"
    );
    for code in ["HX001", "HX002", "HX003", "HX004", "HX005", "HX006"] {
        assert!(shown.contains(&format!("ok    {code}")), "{code}: {shown}");
    }
    assert!(shown.contains(": 0 contradicted, 0 to look at."), "{shown}");
}

/// The pack's fixtures pass `ferry pack test` as a user runs it.
#[test]
fn pack_test_passes_on_the_built_in_pack() {
    let output = ferry(&repo(), &["pack", "test", "packs/httpx"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// A project whose requirements allow httpx 0.25 (no `proxy=` there) gets
/// the rename as an unsafe fix naming that requirement; `ferry fix` leaves
/// the file alone and `--unsafe-fixes` applies it. A pin below 0.28 with
/// `--target httpx==0.28.1` gets the requirement bump, HX900.
#[test]
fn the_project_s_pins_decide_what_is_safe() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let program = "import httpx\n\nclient = httpx.Client(proxies=\"http://proxy.example:3128\")\n";
    std::fs::write(root.join("requirements.txt"), "httpx>=0.25\n").unwrap();
    std::fs::write(root.join("app.py"), program).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "before"]);
    let output = ferry(root, &["scan"]);
    let shown = text(&output);
    assert!(
        shown.contains(
            "the fix needs httpx >= 0.26, but requirements.txt:1 (`httpx>=0.25`) allows 0.25"
        ),
        "{shown}"
    );
    ferry(root, &["fix"]);
    assert_eq!(
        std::fs::read_to_string(root.join("app.py")).unwrap(),
        program
    );
    ferry(root, &["fix", "--unsafe-fixes"]);
    assert!(std::fs::read_to_string(root.join("app.py"))
        .unwrap()
        .contains("httpx.Client(proxy=\"http://proxy.example:3128\")"));

    std::fs::write(root.join("requirements.txt"), "httpx>=0.26,<0.28\n").unwrap();
    let output = ferry(root, &["scan", "--target", "httpx==0.28.1"]);
    let shown = text(&output);
    assert!(shown.contains("requirements.txt:1:6: HX900"), "{shown}");
}

/// A project that does not import httpx hears nothing of it: not from a
/// `proxies=` of another library, not from the word in a comment, not in
/// the plan's target line once it has websockets findings (a plan with no
/// finding at all names every pack it checked).
#[test]
fn a_project_without_httpx_gets_nothing_from_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("app.py"),
        "# We used httpx once; now requests.\nimport requests\n\nrequests.get(\"http://x\", proxies={\"http\": \"http://p\"}, cert=\"c.pem\")\n",
    )
    .unwrap();
    std::fs::write(
        root.join("chat.py"),
        "import websockets\n\n\nasync def main(uri, h):\n    await websockets.connect(uri, extra_headers=h)\n",
    )
    .unwrap();
    let output = ferry(root, &["scan", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("WS001"), "{}", text(&output));
    assert!(!text(&output).contains("HX0"), "{}", text(&output));
    let output = ferry(root, &["plan"]);
    let shown = text(&output);
    assert!(shown.contains("Target: websockets: "), "{shown}");
    assert!(!shown.contains("httpx"), "{shown}");
}
