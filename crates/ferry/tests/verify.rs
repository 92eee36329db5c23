//! `ferry doctor`, `ferry verify` and `ferry fix --verify`, run as a user
//! would on temporary projects, against real interpreters with real packages:
//! virtual environments with websockets 13.1 (top-level `connect` is the
//! legacy client) and 15.0.1 (it is the new one), plus pytest, created once
//! by `scripts/python-env` under the target folder and reused.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{ferry, websockets_13, websockets_15};

fn with_python<'a>(python: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--python", python.to_str().unwrap()]);
    all
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const CLIENT: &str = r#"import websockets


async def fetch(uri, token):
    async with websockets.connect(uri, extra_headers={"Authorization": token}, timeout=5) as ws:
        return await ws.recv()
"#;

/// Three tests; its one finding is inside a function, so fixing it changes
/// nothing pytest collects.
const TEST_CLIENT: &str = r#"import inspect

import pytest
import websockets

from app.client import fetch


def open_feed(uri):
    return websockets.connect(uri, extra_headers={"X-Feed": "1"})


def test_fetch_is_a_coroutine_function():
    assert inspect.iscoroutinefunction(fetch)


@pytest.mark.parametrize("uri", ["ws://127.0.0.1:9/a", "ws://127.0.0.1:9/b"])
def test_open_feed_builds_a_client(uri):
    assert open_feed(uri) is not None
"#;

/// Two tests, and a client built at import time whose `**DEFAULTS` already
/// holds `close_timeout`: renaming `timeout=` to `close_timeout=` here (an
/// unsafe fix, because of the `**`) makes the import itself fail, which only
/// running Python shows.
const TEST_OPTIONS: &str = r#"import websockets

DEFAULTS = {"close_timeout": 3}

# Built once at import time; it only connects when awaited.
CLIENT = websockets.connect("ws://127.0.0.1:9/feed", timeout=5, **DEFAULTS)


def test_client_is_built():
    assert CLIENT is not None


def test_defaults_are_short():
    assert DEFAULTS["close_timeout"] < 10
"#;

/// The requirement for a project `fix` migrates: under the default
/// `websockets>=10.4,<14`, `websockets.connect` is the legacy client and
/// there is nothing to fix.
const UNPINNED: (&str, &str) = ("requirements.txt", "# runtime\nwebsockets>=10.4\n");

/// A small project: a client module, its tests, a declared requirement.
fn project(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("pytest.ini", "[pytest]\n"),
        ("requirements.txt", "# runtime\nwebsockets>=10.4,<14\n"),
        ("app/__init__.py", ""),
        ("app/client.py", CLIENT),
        ("tests/test_client.py", TEST_CLIENT),
    ];
    for (path, text) in files.iter().chain(extra) {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// The lines doctor prints for one function, up to the next function.
fn function_block(text: &str, name: &str) -> String {
    let start = format!("{name} -> ");
    text.lines()
        .skip_while(|line| !line.starts_with(&start))
        .enumerate()
        .take_while(|(i, line)| *i == 0 || line.starts_with("  "))
        .map(|(_, line)| format!("{line}\n"))
        .collect()
}

/// Nothing verification runs may leave in the project.
fn assert_no_python_leftovers(root: &Path) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                !matches!(name.as_str(), "__pycache__" | ".pytest_cache")
                    && !name.ends_with(".pyc"),
                "verification left {}",
                path.display()
            );
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
}

#[test]
fn doctor_on_websockets_13_1_sees_the_legacy_top_level_connect() {
    let dir = project(&[]);
    let output = ferry(dir.path(), &with_python(websockets_13(), &["doctor"]));
    let text = out(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", err(&output));
    assert!(
        text.contains("\nwebsockets: 13.1\npytest: 8.3.4\n"),
        "{text}"
    );
    assert_eq!(
        function_block(&text, "websockets.connect"),
        "websockets.connect -> websockets.legacy.client.Connect (legacy asyncio, class)\n\
         \x20 extra_headers supported: True\n\
         \x20 additional_headers supported: False\n\
         \x20 timeout supported: False\n\
         \x20 close_timeout supported: True\n\
         \x20 **kwargs: True (other keywords are not rejected at the call)\n"
    );
    // The new implementation ships in 13.1 too, under its own module.
    assert!(function_block(&text, "websockets.asyncio.client.connect").contains(
        "(new asyncio, class)\n  extra_headers supported: False\n  additional_headers supported: True\n"
    ));
    // 13.1 has no deprecation warnings yet.
    assert!(!text.contains("warning:"), "{text}");
    assert!(
        text.contains("  3 findings for the newest websockets (`ferry scan`).\n"),
        "{text}"
    );
    assert!(
        text.contains("  No use fails at run time with the installed websockets 13.1.\n"),
        "{text}"
    );
    assert!(
        text.contains("  requirements.txt:2: `websockets>=10.4,<14` allows the installed 13.1.\n"),
        "{text}"
    );
}

#[test]
fn doctor_on_websockets_15_0_1_sees_the_new_client_and_the_disagreement() {
    let dir = project(&[]);
    let output = ferry(dir.path(), &with_python(websockets_15(), &["doctor"]));
    let text = out(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "problems found: {text}{}",
        err(&output)
    );
    assert!(text.contains("\nwebsockets: 15.0.1\n"), "{text}");
    let connect = function_block(&text, "websockets.connect");
    assert!(
        connect.starts_with(
            "websockets.connect -> websockets.asyncio.client.connect (new asyncio, class)\n\
             \x20 extra_headers supported: False\n\
             \x20 additional_headers supported: True\n\
             \x20 timeout supported: False\n\
             \x20 close_timeout supported: True\n"
        ),
        "{connect}"
    );
    let legacy = function_block(&text, "websockets.legacy.client.connect");
    assert!(
        legacy.contains("  warning: DeprecationWarning: websockets.legacy is deprecated;"),
        "{legacy}"
    );
    assert!(
        legacy.contains("  extra_headers supported: True\n"),
        "{legacy}"
    );
    assert!(
        function_block(&text, "websockets.sync.client.connect")
            .contains("(threading (sync), function)\n  extra_headers supported: False\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  3 uses fail at run time with the installed websockets 15.0.1:\n\
             \x20   app/client.py:5:40: WS001 "
        ),
        "{text}"
    );
    assert!(
        text.contains("  requirements.txt:2: `websockets>=10.4,<14` does not allow the installed 15.0.1: the declaration and the installation disagree.\n"),
        "{text}"
    );
}

#[test]
fn doctor_json_carries_the_same_facts() {
    let dir = project(&[]);
    let output = ferry(
        dir.path(),
        &with_python(websockets_15(), &["doctor", "--format", "json"]),
    );
    let doc: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out(&output), err(&output)));
    assert_eq!(doc["python"]["source"], "flag");
    let pack = &doc["packs"][0];
    assert_eq!(pack["probe"]["library_version"], "15.0.1");
    let connect = pack["probe"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "websockets.connect")
        .unwrap();
    assert_eq!(connect["implementation"], "new-asyncio");
    assert_eq!(connect["kind"], "class");
    let supported: Vec<(String, bool)> = connect["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["keyword"].as_str().unwrap().to_string(),
                k["supported"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        supported,
        vec![
            ("extra_headers".to_string(), false),
            ("additional_headers".to_string(), true),
            ("timeout".to_string(), false),
            ("close_timeout".to_string(), true),
        ]
    );
    assert_eq!(pack["runtime"]["findings"], 3);
    assert_eq!(pack["runtime"]["failing"].as_array().unwrap().len(), 3);
    assert_eq!(pack["requirements"][0]["agrees"], false);
    assert_eq!(pack["requirements"][0]["file"], "requirements.txt");
}

#[cfg(unix)]
#[test]
fn doctor_finds_the_projects_own_venv() {
    let dir = project(&[]);
    let venv = websockets_13().parent().unwrap().parent().unwrap();
    std::os::unix::fs::symlink(venv, dir.path().join(".venv")).unwrap();
    let output = ferry(&dir.path().join("tests"), &["doctor"]);
    let text = out(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", err(&output));
    let first = text.lines().next().unwrap();
    assert!(
        first.ends_with("/.venv/bin/python, the project's virtual environment)"),
        "{first}"
    );
    assert!(text.contains("\nwebsockets: 13.1\n"), "{text}");
}

#[test]
fn a_missing_interpreter_is_a_clear_error() {
    let dir = project(&[]);
    let missing = dir.path().join("no/python");
    for command in ["doctor", "verify"] {
        let output = ferry(dir.path(), &with_python(&missing, &[command]));
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = err(&output);
        assert!(
            stderr.starts_with("error: no Python interpreter found: --python ")
                && stderr.contains("no such file"),
            "{stderr}"
        );
    }
}

#[test]
fn verify_compiles_and_collects_and_reports_pythons_own_errors() {
    let dir = project(&[("app/broken.py", "def handler(websocket:\n    pass\n")]);
    let output = ferry(dir.path(), &with_python(websockets_15(), &["verify"]));
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", err(&output));
    assert!(text.starts_with("Python: 3."), "{text}");
    assert!(text.contains("; pytest 8.3.4\n"), "{text}");
    assert!(
        text.contains(
            "app/broken.py: FAILED\n  does not compile:\n    File \"app/broken.py\", line 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    SyntaxError: '(' was never closed\n"),
        "{text}"
    );
    assert!(text.contains("app/client.py: ok\n"), "{text}");
    assert!(
        text.contains("tests/test_client.py: ok, 3 tests collected\n"),
        "{text}"
    );
    assert!(
        text.ends_with("Verified 4 files: 3 ok, 1 failed.\n"),
        "{text}"
    );
    assert_no_python_leftovers(dir.path());

    let json = ferry(
        dir.path(),
        &with_python(websockets_15(), &["verify", "--format", "json", "tests"]),
    );
    assert_eq!(json.status.code(), Some(0), "{}", err(&json));
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["pytest_version"], "8.3.4");
    let file = &doc["files"][0];
    assert_eq!(file["path"], "tests/test_client.py");
    assert_eq!(file["collection"]["tests"], 3);
    assert_eq!(
        file["collection"]["node_ids"][1],
        "tests/test_client.py::test_open_feed_builds_a_client[ws://127.0.0.1:9/a]"
    );
    assert_eq!(file["failures"], serde_json::json!([]));
}

#[test]
fn verify_with_warnings_as_errors_fails_imports_of_the_deprecated_legacy_modules() {
    let legacy = "from websockets.legacy.client import connect\n\n\ndef test_connect_exists():\n    assert connect\n";
    let dir = project(&[("tests/test_legacy.py", legacy)]);
    let python = websockets_15();
    let plain = ferry(
        dir.path(),
        &with_python(python, &["verify", "tests/test_legacy.py"]),
    );
    assert_eq!(plain.status.code(), Some(0), "{}", out(&plain));
    assert!(out(&plain).contains("tests/test_legacy.py: ok, 1 test collected\n"));
    let strict = ferry(
        dir.path(),
        &with_python(
            python,
            &["verify", "--warnings-as-errors", "tests/test_legacy.py"],
        ),
    );
    let text = out(&strict);
    assert_eq!(strict.status.code(), Some(1), "{text}");
    assert!(
        text.contains("pytest 8.3.4, collecting with -W error::DeprecationWarning\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "tests/test_legacy.py: FAILED, 0 tests collected\n  pytest cannot collect it:\n    DeprecationWarning: websockets.legacy is deprecated;"
        ),
        "{text}"
    );
}

#[test]
fn verify_without_pytest_is_a_clear_error() {
    let dir = project(&[]);
    // A real interpreter with nothing installed: a venv without pip.
    let bare = dir.path().join("bare-venv");
    let status = Command::new(websockets_15())
        .args(["-m", "venv", "--without-pip"])
        .arg(&bare)
        .status()
        .unwrap();
    assert!(status.success());
    let python = bare.join("bin/python");
    let output = ferry(
        dir.path(),
        &with_python(&python, &["verify", "tests", "app"]),
    );
    assert_eq!(output.status.code(), Some(2), "{}", out(&output));
    assert!(
        err(&output).contains("error: pytest is not installed for `"),
        "{}",
        err(&output)
    );
    // Compiling alone needs no pytest; doctor says what is missing.
    let compile_only = ferry(dir.path(), &with_python(&python, &["verify", "app"]));
    assert_eq!(
        compile_only.status.code(),
        Some(0),
        "{}",
        err(&compile_only)
    );
    let doctor = ferry(dir.path(), &with_python(&python, &["doctor"]));
    let text = out(&doctor);
    assert_eq!(doctor.status.code(), Some(1), "{text}");
    assert!(
        text.contains("\nwebsockets: not installed\npytest: not installed\n"),
        "{text}"
    );
    assert!(
        text.contains("  requirements.txt:2: `websockets>=10.4,<14` is declared, but websockets is not installed.\n"),
        "{text}"
    );
}

#[test]
fn fix_verify_compares_collection_before_and_after() {
    let dir = project(&[UNPINNED]);
    let output = ferry(
        dir.path(),
        // The requirement still allows 10.4, where the renames fail: unsafe,
        // and applied with the raise of its floor.
        &with_python(
            websockets_15(),
            &["fix", "--allow-no-vcs", "--verify", "--unsafe-fixes"],
        ),
    );
    let text = out(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", err(&output));
    assert!(
        text.starts_with(
            "Fixed 4 findings in 3 files.\n\nVerification of the changed files:\nPython: "
        ),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        "# runtime\nwebsockets>=14.2\n"
    );
    assert!(text.contains("\napp/client.py: ok\ntests/test_client.py: ok, 3 tests collected (3 before)\nVerified 2 files: 2 ok, 0 failed.\n"), "{text}");
    assert!(fs::read_to_string(dir.path().join("app/client.py"))
        .unwrap()
        .contains("additional_headers={\"Authorization\": token}, close_timeout=5"));
    assert_no_python_leftovers(dir.path());
}

#[test]
fn fix_verify_catches_a_bad_edit_and_rolls_it_back() {
    let dir = project(&[("tests/test_options.py", TEST_OPTIONS), UNPINNED]);
    let python = websockets_15();
    let output = ferry(
        dir.path(),
        &with_python(
            python,
            &[
                "fix",
                "--allow-no-vcs",
                "--unsafe-fixes",
                "--verify",
                "--rollback-on-failure",
            ],
        ),
    );
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", err(&output));
    assert!(
        text.contains(
            "tests/test_options.py: FAILED, 0 tests collected (2 before)\n\
             \x20 a new collection error (2 tests collected before the fix, 0 now):\n\
             \x20   TypeError: websockets.asyncio.client.connect() got multiple values for keyword argument 'close_timeout'\n\
             \x20 restored to its original bytes\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("tests/test_client.py: ok, 3 tests collected (3 before)\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "Verified 3 files: 2 ok, 1 failed.\nRestored 1 file to the original bytes.\n"
        ),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("tests/test_options.py")).unwrap(),
        TEST_OPTIONS,
        "restored byte for byte"
    );
    assert_ne!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT,
        "the files that passed keep their fix"
    );
    // The restored project collects as before.
    let again = ferry(
        dir.path(),
        &with_python(python, &["verify", "tests/test_options.py"]),
    );
    assert!(
        out(&again).contains("tests/test_options.py: ok, 2 tests collected\n"),
        "{}",
        out(&again)
    );
}

#[test]
fn fix_verify_without_rollback_reports_and_keeps_the_edit() {
    let dir = project(&[("tests/test_options.py", TEST_OPTIONS), UNPINNED]);
    let output = ferry(
        dir.path(),
        &with_python(
            websockets_15(),
            &[
                "fix",
                "--allow-no-vcs",
                "--unsafe-fixes",
                "--verify",
                "tests/test_options.py",
            ],
        ),
    );
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", err(&output));
    assert!(text.contains("tests/test_options.py: FAILED"), "{text}");
    assert!(!text.contains("restored"), "{text}");
    assert!(fs::read_to_string(dir.path().join("tests/test_options.py"))
        .unwrap()
        .contains("close_timeout=5, **DEFAULTS"));
}

#[test]
fn fix_verify_flags_need_verify_and_a_write() {
    let dir = project(&[]);
    for args in [
        &["fix", "--rollback-on-failure"][..],
        &["fix", "--warnings-as-errors"],
        &["fix", "--python", "python3"],
        &["fix", "--verify", "--diff"],
        &["fix", "--verify", "--check"],
    ] {
        let output = ferry(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", err(&output));
        assert_eq!(
            fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
            CLIENT
        );
    }
}
