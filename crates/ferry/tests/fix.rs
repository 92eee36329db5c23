//! `ferry fix`, run as a user would on temporary projects.

use std::fs;
use std::process::Output;

mod common;
use common::{ferry, git};

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const CLIENT: &str = "import websockets as ws\n\n\nasync def main(uri, h):\n    # keep 'quotes'  and  spacing\n    return await ws.connect(uri,  extra_headers=h, timeout=5)   \n";
const CLIENT_FIXED: &str = "import websockets as ws\n\n\nasync def main(uri, h):\n    # keep 'quotes'  and  spacing\n    return await ws.connect(uri,  additional_headers=h, close_timeout=5)   \n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/client.py"), CLIENT).unwrap();
    fs::write(dir.path().join("app/plain.py"), "print('hi')\n").unwrap();
    dir
}

#[test]
fn diff_prints_a_patch_and_writes_nothing() {
    let dir = project();
    let output = ferry(dir.path(), &["fix", "--diff"]);
    assert_eq!(output.status.code(), Some(1), "changes pending exit 1");
    let patch = out(&output);
    assert!(
        patch.starts_with("--- a/app/client.py\n+++ b/app/client.py\n"),
        "{patch}"
    );
    assert!(patch.contains("-    return await ws.connect(uri,  extra_headers=h, timeout=5)   \n"));
    assert!(patch.contains(
        "+    return await ws.connect(uri,  additional_headers=h, close_timeout=5)   \n"
    ));
    assert!(err(&output).contains("Would fix 2 findings in 1 file."));
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT
    );
}

#[test]
fn check_writes_nothing_and_exits_one_until_fixed() {
    let dir = project();
    let check = ferry(dir.path(), &["fix", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(out(&check).contains("Would fix 2 findings: app/client.py"));
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT
    );
    assert_eq!(
        ferry(dir.path(), &["fix", "--allow-no-vcs"]).status.code(),
        Some(0)
    );
    let clean = ferry(dir.path(), &["fix", "--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", out(&clean));
}

#[test]
fn fix_changes_only_the_keyword_bytes_and_is_idempotent() {
    let dir = project();
    let first = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}{}",
        out(&first),
        err(&first)
    );
    assert_eq!(out(&first), "Fixed 2 findings in 1 file.\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
    let second = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(out(&second), "Nothing to fix.\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
    let names: Vec<String> = fs::read_dir(dir.path().join("app"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
}

#[test]
fn unsafe_fixes_only_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.py");
    fs::write(
        &path,
        "import websockets\nwebsockets.connect('u', timeout=5, close_timeout=10)\n",
    )
    .unwrap();
    let safe = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(safe.status.code(), Some(1), "a finding remains");
    let text = out(&safe);
    assert!(text.contains("a.py:2:25: WS002"), "{text}");
    assert!(
        text.contains("Nothing to fix; 1 unsafe fix not applied (use --unsafe-fixes)."),
        "{text}"
    );
    let with_flag = ferry(dir.path(), &["fix", "--allow-no-vcs", "--unsafe-fixes"]);
    assert_eq!(with_flag.status.code(), Some(0), "{}", out(&with_flag));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "import websockets\nwebsockets.connect('u', close_timeout=10)\n"
    );
}

#[test]
fn review_items_are_listed_after_fixing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.py"),
        "import websockets\nwebsockets.connect('u', extra_headers=a, additional_headers=b, timeout=1)\n",
    )
    .unwrap();
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(1));
    let text = out(&output);
    assert!(text.starts_with("a.py:2:25: WS001 "), "{text}");
    assert!(
        text.ends_with("Fixed 1 finding in 1 file; 1 finding needs review.\n"),
        "{text}"
    );
}

#[test]
fn encodings_and_line_endings_survive() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &[u8]); 3] = [
        (
            "crlf.py",
            b"import websockets\r\nwebsockets.connect(u, extra_headers=h)\r\n",
            b"import websockets\r\nwebsockets.connect(u, additional_headers=h)\r\n",
        ),
        (
            "bom.py",
            b"\xef\xbb\xbfimport websockets  # caf\xc3\xa9\nwebsockets.connect(u, extra_headers=h)\n",
            b"\xef\xbb\xbfimport websockets  # caf\xc3\xa9\nwebsockets.connect(u, additional_headers=h)\n",
        ),
        (
            "latin1.py",
            b"# -*- coding: latin-1 -*-\nimport websockets\nwebsockets.connect(u, extra_headers={'X': 'caf\xe9'})\n",
            b"# -*- coding: latin-1 -*-\nimport websockets\nwebsockets.connect(u, additional_headers={'X': 'caf\xe9'})\n",
        ),
    ];
    for (name, before, _) in &cases {
        fs::write(dir.path().join(name), before).unwrap();
    }
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    for (name, _, after) in &cases {
        assert_eq!(&fs::read(dir.path().join(name)).unwrap(), after, "{name}");
    }
}

/// Every file under `root` but git's own, relative to it, sorted.
fn files_in(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name() != Some(".git".as_ref()) {
                    folders.push(path);
                }
            } else {
                found.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn uncommitted_changes_block_writing_unless_allowed() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    let client = dir.path().join("app/client.py");
    let edited = format!("{CLIENT}# local edit\n");
    fs::write(&client, &edited).unwrap();
    fs::write(
        dir.path().join("app/new.py"),
        "import websockets\nwebsockets.connect(u, extra_headers=h)\n",
    )
    .unwrap();

    let before = files_in(dir.path());
    let refused = ferry(dir.path(), &["fix"]);
    assert_eq!(refused.status.code(), Some(2));
    // Nothing written, not even a temporary file.
    assert_eq!(files_in(dir.path()), before, "no file added or left behind");
    let message = err(&refused);
    assert!(
        message.contains("2 files to fix have uncommitted changes"),
        "{message}"
    );
    assert!(
        message.contains("  app/client.py (dirty)") && message.contains("  app/new.py (untracked)"),
        "{message}"
    );
    assert!(message.contains("--allow-dirty"), "{message}");
    assert_eq!(
        fs::read_to_string(&client).unwrap(),
        edited,
        "nothing written"
    );

    // Looking is always allowed.
    assert_eq!(ferry(dir.path(), &["fix", "--diff"]).status.code(), Some(1));

    let allowed = ferry(dir.path(), &["fix", "--allow-dirty"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", err(&allowed));
    assert!(fs::read_to_string(&client)
        .unwrap()
        .contains("additional_headers=h"));
}

/// As `cargo fix` does, a fix outside version control writes nothing
/// unless told to with `--allow-no-vcs`; looking never needs it.
#[test]
fn outside_version_control_fix_writes_only_with_allow_no_vcs() {
    let dir = project();
    let client = dir.path().join("app/client.py");
    let refused = ferry(dir.path(), &["fix"]);
    assert_eq!(refused.status.code(), Some(2), "{}", err(&refused));
    let message = err(&refused);
    assert!(
        message.contains("1 file to fix is not in a git work tree:\n  app/client.py\n"),
        "{message}"
    );
    assert!(message.contains("--allow-no-vcs"), "{message}");
    assert_eq!(
        fs::read_to_string(&client).unwrap(),
        CLIENT,
        "nothing written"
    );
    assert_eq!(files_in(dir.path()).len(), 2, "no temporary file left");

    // --allow-dirty is about uncommitted changes in git, not this.
    let dirty = ferry(dir.path(), &["fix", "--allow-dirty"]);
    assert_eq!(dirty.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&client).unwrap(), CLIENT);

    // Looking writes nothing, so it needs no version control.
    assert_eq!(ferry(dir.path(), &["fix", "--diff"]).status.code(), Some(1));
    assert_eq!(
        ferry(dir.path(), &["fix", "--check"]).status.code(),
        Some(1)
    );
    let mut stdin = common::ferry_command(dir.path(), &["fix", "-"]);
    stdin
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = stdin.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), CLIENT.as_bytes()).unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(out(&piped), CLIENT_FIXED);

    let allowed = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", err(&allowed));
    assert_eq!(fs::read_to_string(&client).unwrap(), CLIENT_FIXED);
}

#[test]
fn committed_files_are_fixed_inside_git() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    let output = ferry(dir.path(), &["fix"]);
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
}

#[cfg(unix)]
#[test]
fn read_only_files_and_symlinks_are_errors_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let other = dir.path().join("app/other.py");
    fs::write(&other, CLIENT).unwrap();
    fs::set_permissions(&other, fs::Permissions::from_mode(0o444)).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("target.py");
    fs::write(&target, CLIENT).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("app/link.py")).unwrap();

    let output = ferry(dir.path(), &["fix", "--allow-no-vcs", ".", "app/link.py"]);
    assert_eq!(output.status.code(), Some(2), "{}", out(&output));
    let text = out(&output);
    assert!(
        text.contains("app/other.py: error: is read-only; not changed"),
        "{text}"
    );
    assert!(
        text.contains("app/link.py: error: is a symbolic link"),
        "{text}"
    );
    assert!(
        text.contains("Fixed 2 findings in 1 file; 2 files could not be fixed"),
        "{text}"
    );
    assert_eq!(fs::read_to_string(&other).unwrap(), CLIENT);
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        CLIENT,
        "never written through the link"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let client = dir.path().join("app/client.py");
    fs::set_permissions(&client, fs::Permissions::from_mode(0o750)).unwrap();
    assert_eq!(
        ferry(dir.path(), &["fix", "--allow-no-vcs"]).status.code(),
        Some(0)
    );
    assert_eq!(
        fs::metadata(&client).unwrap().permissions().mode() & 0o777,
        0o750
    );
}

#[test]
fn syntax_errors_leave_the_file_alone() {
    let dir = project();
    let broken = dir.path().join("app/broken.py");
    let text = "import websockets\nwebsockets.connect(u, extra_headers=h\n";
    fs::write(&broken, text).unwrap();
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(out(&output).contains("app/broken.py: error: syntax error at line"));
    assert_eq!(fs::read_to_string(&broken).unwrap(), text);
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
}

#[cfg(target_os = "linux")]
#[test]
fn temporary_files_of_killed_runs_are_removed() {
    let dir = project();
    // What a run killed between writing and renaming leaves: its pid is long gone.
    let stale = dir
        .path()
        .join("app/.client.py.ferry-4294967290-AbC123.tmp");
    fs::write(&stale, "partial").unwrap();
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert!(!stale.exists());
    assert!(out(&output).contains("removed a temporary file left by an interrupted run"));
    assert_eq!(
        fs::read_to_string(dir.path().join("app/client.py")).unwrap(),
        CLIENT_FIXED
    );
}

#[cfg(target_os = "linux")]
#[test]
fn temporary_files_of_killed_runs_are_removed_in_the_folder_ferry_runs_in() {
    let dir = project();
    let app = dir.path().join("app");
    let stale = app.join(".client.py.ferry-4294967290-AbC123.tmp");
    fs::write(&stale, "partial").unwrap();
    let output = ferry(&app, &["fix", "--allow-no-vcs", "client.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert!(!stale.exists());
    assert_eq!(
        fs::read_to_string(app.join("client.py")).unwrap(),
        CLIENT_FIXED
    );
}
