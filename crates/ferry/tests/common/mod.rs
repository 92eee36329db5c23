//! What the CLI tests share: running the built binary, and real Python
//! environments: virtual environments made by the project's own `scripts/python-env` (pinned packages from the package index,
//! built once under `target/` behind a lock, so parallel tests share them).

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// What a command printed, stdout then stderr, for assertions and their messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the built `ferry` binary in `cwd`. `VIRTUAL_ENV` is removed so an
/// interpreter can only come from the arguments or the project.
pub fn ferry(cwd: &Path, args: &[&str]) -> Output {
    ferry_command(cwd, args).output().expect("ferry runs")
}

/// [`ferry`], not started yet: for tests that handle its pipes themselves.
pub fn ferry_command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("VIRTUAL_ENV")
        // Colour only where a test asks for it.
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR");
    command
}

/// A virtual environment named `name` under `target/`, with `requirements` installed.
pub fn venv(name: &str, requirements: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(repo.join("scripts/python-env"))
        .args([name, requirements])
        .current_dir(&repo)
        .output()
        .expect("scripts/python-env runs (it needs bash and python3)");
    assert!(
        output.status.success(),
        "scripts/python-env {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// Python with websockets 13.1 (the last release where `websockets.connect` is legacy).
pub fn websockets_13() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        venv(
            "venv-websockets-13.1",
            "scripts/websockets-13.1-requirements.txt",
        )
    })
}

/// Python with websockets 15.0.1 (the new implementation behind `websockets.connect`).
pub fn websockets_15() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        venv(
            "venv-websockets-15.0.1",
            "scripts/websockets-15.0.1-requirements.txt",
        )
    })
}

/// Python with websockets `release`, made by `scripts/python-env` from
/// `scripts/websockets-{release}-requirements.txt`.
pub fn websockets_venv(release: &str) -> PathBuf {
    venv(
        &format!("venv-websockets-{release}"),
        &format!("scripts/websockets-{release}-requirements.txt"),
    )
}

/// Runs `driver` with the Python of websockets `release` (isolated, no
/// bytecode written, warnings off, clean environment) and parses the JSON it
/// prints, checking that its `version` is `release`.
pub fn run_websockets_driver(
    python: &Path,
    release: &str,
    driver: &str,
    args: &[String],
) -> serde_json::Value {
    let output = Command::new(python)
        .args(["-I", "-B", "-W", "ignore", "-c", driver])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("the venv's python runs");
    assert!(
        output.status.success(),
        "websockets {release}: the driver failed ({:?}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "websockets {release}: not JSON ({err}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(
        report["version"], release,
        "the venv for websockets {release} has another release installed"
    );
    report
}

/// Copies a folder, leaving Python's caches behind.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "__pycache__" || name == ".pytest_cache" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The bundled example project.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/chat-service")
}

/// Python with the official SARIF 2.1.0 schema and a JSON Schema validator.
pub fn sarif_validator() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| venv("venv-sarif", "scripts/sarif-requirements.txt"))
}

/// Runs git in `dir` with a fixed identity; returns its stdout, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}
