//! Hostile input, run through the `ferry` binary: files that cannot be
//! decoded or parsed, huge and deeply nested files, files Ferry cannot read,
//! files that vanish or change under it, symbolic-link loops and links out of
//! the tree, non-UTF-8 file names, folders named like Python files, FIFOs and
//! Jupyter notebooks. Each proves the same contract: a clear per-file error
//! naming the file and the reason (or correct handling), the other files still
//! checked and fixed, exit code 2 when any file failed, no panic, and no file
//! changed except by a complete, correct fix. Large inputs are generated at
//! test time from fixed seeds.

#[path = "support/cli.rs"]
mod cli;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use cli::{all_output, assert_clean_exit, ferry, ferry_command, snapshot, temp_files, write, Node};
use serde_json::Value;

const CALL: &str = "websockets.connect(uri, extra_headers=h)";
const CALL_FIXED: &str = "websockets.connect(uri, additional_headers=h)";
const GOOD: &str = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n";
const GOOD_FIXED: &str = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, additional_headers=h)\n";

/// `ferry scan --format json` rows by path.
fn scan_json(cwd: &Path, extra: &[&str]) -> (Output, Vec<Value>) {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    let output = ferry(cwd, &args);
    assert_clean_exit(&output);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", all_output(&output)));
    let files = json["files"].as_array().cloned().unwrap_or_default();
    (output, files)
}

fn row<'a>(files: &'a [Value], path: &str) -> Option<&'a Value> {
    files.iter().find(|f| f["path"] == path)
}

fn error_of(files: &[Value], path: &str) -> String {
    let row = row(files, path).unwrap_or_else(|| panic!("no row for {path}: {files:#?}"));
    assert_eq!(row["status"], "error", "{row:#}");
    row["error"].as_str().unwrap_or_default().to_string()
}

/// Waits for `child` at most `limit`; kills it (and fails) if it takes longer.
fn wait_at_most(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Every kind of file Ferry must refuse, with the words its reason must hold.
fn refused_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "bad_utf8.py",
            [
                b"import websockets\nname = 'caf".as_slice(),
                b"\xE9'\n",
                CALL.as_bytes(),
                b"\n",
            ]
            .concat(),
            "invalid UTF-8 at line 2",
        ),
        (
            "unknown_codec.py",
            format!("# -*- coding: klingon -*-\nimport websockets\n{CALL}\n").into_bytes(),
            "unknown encoding `klingon`",
        ),
        (
            "utf16_cookie.py",
            format!("# coding: utf-16\nimport websockets\n{CALL}\n").into_bytes(),
            "not ASCII-compatible",
        ),
        (
            "nul_byte.py",
            format!("import websockets\n{CALL}  # \0\n").into_bytes(),
            "NUL byte at line 2",
        ),
        (
            "python2.py",
            format!("import websockets\nprint \"connecting\"\n{CALL}\n").into_bytes(),
            "syntax error at line 2",
        ),
        (
            "python2_raise.py",
            format!("import websockets\nif not {CALL}:\n    mode = 0755\n    raise IOError, \"closed\"\n")
                .into_bytes(),
            "syntax error at line 3",
        ),
    ]
}

#[test]
fn undecodable_and_unparsable_files_are_errors_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (name, bytes, _) in refused_files() {
        write(root, name, bytes);
    }
    let utf16 = format!("import websockets\n{CALL}\n");
    write(root, "utf16_bom.py", utf16le(&utf16, true));
    write(root, "utf16_no_bom.py", utf16le(&utf16, false));
    write(root, "empty.py", "");
    write(root, "bom_only.py", b"\xEF\xBB\xBF");
    write(root, "good.py", GOOD);
    // A folder named like a Python file is walked into, never read as a file.
    write(root, "x.py/inner.py", GOOD);
    let before = snapshot(root);

    // Parsing everything: every refused file is a row naming its reason.
    let (output, files) = scan_json(root, &["--no-prefilter"]);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    for (name, _, reason) in refused_files() {
        let error = error_of(&files, name);
        assert!(error.contains(reason), "{name}: {error}");
    }
    assert!(error_of(&files, "utf16_bom.py").contains("UTF-16 byte-order mark"));
    assert!(error_of(&files, "utf16_no_bom.py").contains("NUL byte"));
    for clean in ["empty.py", "bom_only.py"] {
        assert!(
            row(&files, clean).is_none_or(|r| r["status"] == "clean"),
            "{clean}: {files:#?}"
        );
    }
    for fixable in ["good.py", "x.py/inner.py"] {
        assert_eq!(row(&files, fixable).unwrap()["status"], "fixable");
    }

    // With the prefilter (the default) the same files that use websockets are refused.
    let (output, files) = scan_json(root, &[]);
    assert_eq!(output.status.code(), Some(2));
    for (name, _, reason) in refused_files() {
        assert!(error_of(&files, name).contains(reason), "{name}");
    }

    // Fixing: errors named in the output, the good files fixed, nothing else touched.
    let output = ferry(root, &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    let text = all_output(&output);
    for (name, _, reason) in refused_files() {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{name}: error: ")) && l.contains(reason)),
            "{name}: {text}"
        );
    }
    assert!(text.contains("Fixed 2 findings in 2 files"), "{text}");
    let after = snapshot(root);
    for (path, node) in &before {
        let fixed = path == Path::new("good.py") || path == Path::new("x.py/inner.py");
        if fixed {
            assert_eq!(after[path], Node::File(GOOD_FIXED.into()), "{path:?}");
        } else {
            assert_eq!(&after[path], node, "{path:?} changed");
        }
    }
    assert_eq!(after.len(), before.len(), "no file added or removed");
}

#[test]
fn utf16_file_using_websockets_is_an_error_with_the_default_prefilter() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "utf16.py",
        utf16le(&format!("import websockets\n{CALL}\n"), true),
    );
    let (output, files) = scan_json(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{files:#?}");
    assert!(error_of(&files, "utf16.py").contains("UTF-16"));
}

/// A generated module of `size` bytes as they come in real trees (protobuf
/// descriptors, embedded assets): `code` bytes of ordinary functions, then
/// an embedded data blob, with a fixable call at the top and at the bottom.
fn generated_module(size: usize, code: usize) -> String {
    let mut out = big_module(code, false);
    out.push_str("\n_BLOB = \"\"\"\n");
    let mut rng = cli::Rng::new(50);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while out.len() < size {
        let line: String = (0..76)
            .map(|_| char::from(ALPHABET[rng.below(64) as usize]))
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "\"\"\"\n\n\nasync def after_blob(uri, h):\n    return await {CALL}\n"
    ));
    out
}

/// About `size` bytes of ordinary code, one fixable call at the top and one
/// at the bottom. `docstrings` gives every function one.
fn big_module(size: usize, docstrings: bool) -> String {
    let mut out = format!("import logging\nimport websockets\n\nlog = logging.getLogger(__name__)\n\n\nasync def first(uri, h):\n    return await {CALL}\n");
    let mut i = 0u64;
    while out.len() < size {
        let doc = if docstrings {
            format!("    \"\"\"Retry handler {i}: open, compute, give up after `retries`.\"\"\"\n")
        } else {
            format!("    # Retry handler {i}: open, compute, give up after `retries`.\n")
        };
        out.push_str(&format!(
            "\n\nasync def handler_{i}(uri, retries={r}):\n{doc}    for attempt in range(retries):\n        try:\n            result = compute_{i}(attempt, [x * {r} for x in range(10)], {{\"k\": \"v{i}\"}})\n        except ValueError as exc:  # noqa: BLE001\n            log.warning(\"attempt %d failed: %s\", attempt, exc)\n            continue\n        else:\n            return result\n    return None\n",
            r = i % 7 + 1
        ));
        i += 1;
    }
    out.push_str(&format!(
        "\n\nasync def last(uri, h):\n    return await {CALL}\n"
    ));
    out
}

#[test]
fn a_50_mb_file_is_fixed_and_nothing_else_in_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let text = generated_module(50 * 1024 * 1024, 3 * 1024 * 1024);
    let path = write(dir.path(), "big.py", &text);
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    assert!(all_output(&output).contains("Fixed 3 findings in 1 file"));
    let expected = text.replace(CALL, CALL_FIXED);
    assert!(
        fs::read(&path).unwrap() == expected.as_bytes(),
        "only the two calls changed"
    );
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn a_50_mb_file_with_docstrings_is_scanned_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "big.py", big_module(50 * 1024 * 1024, true));
    let child = ferry_command(dir.path(), &["scan"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_at_most(child, Duration::from_secs(120), "scanning 50 MB");
    assert_eq!(output.status.code(), Some(1));
}

/// Ten thousand levels of every kind of nesting an expression allows, with a
/// fixable call at the bottom.
fn deep_expressions(n: usize) -> Vec<(&'static str, String)> {
    let rep = |s: &str| s.repeat(n);
    let mut cases = vec![
        ("parens", format!("{}{CALL}{}", rep("("), rep(")"))),
        ("lists", format!("{}{CALL}{}", rep("["), rep("]"))),
        ("sets", format!("{}{CALL}{}", rep("{"), rep("}"))),
        ("dicts", format!("{}{CALL}{}", rep("{1: "), rep("}"))),
        ("tuples", format!("{}{CALL}{}", rep("(1, "), rep(")"))),
        ("calls", format!("{}{CALL}{}", rep("f("), rep(")"))),
        ("keywords", format!("{}{CALL}{}", rep("f(x="), rep(")"))),
        ("subscripts", format!("{}{CALL}{}", rep("a["), rep("]"))),
        ("unary", format!("{}{CALL}", rep("-"))),
        ("not", format!("{}{CALL}", rep("not "))),
        ("await", format!("{}{CALL}{}", rep("await ("), rep(")"))),
        ("power", format!("{}{CALL}", rep("2 ** "))),
        ("lambdas", format!("{}{CALL}", rep("lambda: "))),
        ("ternary", format!("{}{CALL}", rep("a if b else "))),
        ("sum", format!("{}{CALL}", rep("1 + "))),
        ("compare", format!("{}{CALL}", rep("a < "))),
        ("and", format!("{}{CALL}", rep("a and "))),
        ("attributes", format!("{CALL}{}", rep(".a"))),
        ("indexes", format!("{CALL}{}", rep("[0]"))),
        ("calls_after", format!("{CALL}{}", rep("()"))),
    ];
    // Each comprehension is a scope and every lookup climbs them all, so
    // depth costs time squared: 2,000 levels keep the debug build quick.
    let scopes = n.min(2_000);
    // Every `a :=` rebinds `a`, and each lookup walks the later bindings too
    // (see `a_name_rebound_100_000_times_is_checked_in_bounded_time`).
    let rebinds = n.min(2_000);
    cases.push((
        "walrus",
        format!("{}{CALL}{}", "(a := ".repeat(rebinds), ")".repeat(rebinds)),
    ));
    cases.push((
        "comprehensions",
        format!(
            "{}{CALL}{}",
            "[".repeat(scopes),
            " for a in b]".repeat(scopes)
        ),
    ));
    // `await` is only valid in an async function; the rest at module level.
    for (name, expr) in &mut cases {
        *expr = if *name == "await" {
            format!("import websockets\n\n\nasync def g(uri, h):\n    x = {expr}\n")
        } else {
            format!("import websockets\n\nx = {expr}\n")
        };
    }
    cases
}

/// Blocks cannot share a line, so `depth` levels need depth²/2 bytes of
/// indentation: one space per level keeps 1,000 levels at half a megabyte.
fn deep_blocks(depth: usize) -> Vec<(&'static str, String)> {
    let heads: [(&str, &str); 6] = [
        ("ifs", "if c:"),
        ("defs", "def f():"),
        ("async_defs", "async def f():"),
        ("classes", "class C:"),
        ("withs", "with c:"),
        ("whiles", "while c:"),
    ];
    heads
        .iter()
        .map(|(name, head)| {
            let mut text = String::from("import websockets\n");
            for level in 0..depth {
                text.push_str(&" ".repeat(level));
                text.push_str(head);
                text.push('\n');
            }
            text.push_str(&" ".repeat(depth));
            text.push_str(CALL);
            text.push('\n');
            (*name, text)
        })
        .collect()
}

#[test]
fn nesting_within_the_limit_is_checked_and_fixed_and_10_000_deep_is_a_per_file_error() {
    let dir = tempfile::tempdir().unwrap();
    // Ferry refuses files nested past 1,000 levels (CPython refuses far less):
    // below that every kind of nesting is checked and fixed.
    let mut cases = deep_expressions(450);
    cases.extend(deep_blocks(450));
    for (name, text) in &cases {
        write(dir.path(), &format!("{name}.py"), text);
    }
    // Lists nest in the tree (parentheses alone do not: they make no nodes).
    let deep = deep_expressions(10_000);
    let (deep_name, deep_text) = deep.iter().find(|(name, _)| *name == "lists").unwrap();
    write(dir.path(), &format!("deep_{deep_name}.py"), deep_text);
    // Fixing checks every file, fixes it and checks the result again: the
    // fixed text below proves each call was found through all the nesting.
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    for (name, text) in &cases {
        let fixed = fs::read_to_string(dir.path().join(format!("{name}.py"))).unwrap();
        assert!(fixed == text.replace(CALL, CALL_FIXED), "{name}.py");
    }
    assert_eq!(
        &fs::read_to_string(dir.path().join(format!("deep_{deep_name}.py"))).unwrap(),
        deep_text
    );
    let text = all_output(&output);
    assert!(
        text.contains(&format!("deep_{deep_name}.py: error: "))
            && text.contains("nested more than 1000 levels"),
        "{text}"
    );
    let summary = format!("Fixed {n} findings in {n} files", n = cases.len());
    assert!(text.contains(&summary), "{text}");
}

#[test]
fn nesting_too_deep_for_the_stack_is_a_per_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let n = 250_000;
    write(
        dir.path(),
        "deep.py",
        format!(
            "import websockets\nx = {}{CALL}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    write(dir.path(), "good.py", GOOD);
    let (output, files) = scan_json(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!error_of(&files, "deep.py").is_empty());
    assert_eq!(row(&files, "good.py").unwrap()["status"], "fixable");
}

/// One function of `lines` statements; `same_name` rebinds one local each line.
fn long_function(lines: usize, same_name: bool) -> String {
    let mut out = String::from("import websockets\n\n\nasync def main(uri, h):\n    r0 = 0\n");
    for i in 1..lines {
        if i % 1000 == 0 {
            out.push_str(&format!("    conn{i} = await {CALL}\n"));
        } else if same_name {
            out.push_str(&format!("    r0 = r0 + {i}\n"));
        } else {
            out.push_str(&format!(
                "    r{i} = compute(r{}, {i})  # step {i}\n",
                i - 1
            ));
        }
    }
    out
}

#[test]
fn a_100_000_line_function_is_checked_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let text = long_function(100_000, false);
    let path = write(dir.path(), "long.py", &text);
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    assert!(all_output(&output).contains("Fixed 99 findings in 1 file"));
    assert!(fs::read_to_string(&path).unwrap() == text.replace(CALL, CALL_FIXED));
}

#[test]
fn a_name_rebound_100_000_times_is_checked_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "long.py", long_function(100_000, true));
    let child = ferry_command(dir.path(), &["scan"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_at_most(child, Duration::from_secs(60), "scanning a long function");
    assert_eq!(output.status.code(), Some(1));
}

/// The uid to run Ferry as so that permissions bind: `nobody` when we are
/// root (root reads any file whatever its mode), else ourselves.
fn unprivileged_ferry(cwd: &Path, args: &[&str]) -> Output {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0");
    if !root {
        return ferry(cwd, args);
    }
    let output = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(cwd)
        .env_remove("VIRTUAL_ENV")
        .output()
        .expect("setpriv (util-linux) drops root for this test");
    assert!(
        !String::from_utf8_lossy(&output.stderr).starts_with("setpriv:"),
        "{}",
        all_output(&output)
    );
    output
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_files_and_folders_are_errors_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let secret = write(root, "secret.py", GOOD);
    let locked = write(root, "locked/inner.py", GOOD);
    let frozen = write(root, "frozen/client.py", GOOD);
    let good = write(root, "good.py", GOOD);
    // Owned by the unprivileged user, so only the mode bits stand in the way.
    let owned = [
        root.to_path_buf(),
        root.join("locked"),
        root.join("frozen"),
        secret.clone(),
        locked.clone(),
        frozen.clone(),
        good.clone(),
    ];
    for path in &owned {
        std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
    }
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    // Readable, but its folder cannot take the temporary file: a write error.
    fs::set_permissions(root.join("frozen"), fs::Permissions::from_mode(0o555)).unwrap();

    let output = unprivileged_ferry(root, &["scan"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    let text = all_output(&output);
    assert!(
        text.contains("secret.py: error: cannot read: Permission denied"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("locked") && l.contains("Permission denied")),
        "{text}"
    );
    assert!(text.contains("good.py:5:"), "{text}");

    let output = unprivileged_ferry(root, &["fix", "--allow-no-vcs"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    let text = all_output(&output);
    assert!(text.contains("secret.py: error: cannot read"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("frozen/client.py: error: cannot write")),
        "{text}"
    );
    assert_eq!(fs::read_to_string(&good).unwrap(), GOOD_FIXED);
    assert_eq!(fs::read_to_string(&frozen).unwrap(), GOOD);
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(fs::read_to_string(&secret).unwrap(), GOOD);
    assert_eq!(fs::read_to_string(&locked).unwrap(), GOOD);
    assert!(temp_files(root).is_empty());
}

/// Files that vanish or change between discovery and reading, driven
/// through the library so the moment is exact: discover, then change the
/// tree, then scan and fix the discovered list.
#[cfg(unix)]
#[test]
fn files_deleted_or_replaced_between_walk_and_read_are_errors_or_read_as_they_are() {
    use ferry_engine::Settings;
    use ferry_workspace::{discover, fix, scan, DiscoverOptions, FixMode, FixOptions, ScanOptions};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["deleted", "now_a_folder", "now_a_link", "rewritten", "good"] {
        write(root, &format!("{name}.py"), GOOD);
    }
    let outside = tempfile::tempdir().unwrap();
    let target = write(outside.path(), "target.py", GOOD);
    let found = discover(&[root.to_path_buf()], &DiscoverOptions::default()).unwrap();
    assert_eq!(found.files.len(), 5);

    fs::remove_file(root.join("deleted.py")).unwrap();
    fs::remove_file(root.join("now_a_folder.py")).unwrap();
    fs::create_dir(root.join("now_a_folder.py")).unwrap();
    fs::remove_file(root.join("now_a_link.py")).unwrap();
    std::os::unix::fs::symlink(&target, root.join("now_a_link.py")).unwrap();
    let rewritten = "import websockets\nwebsockets.connect(u, timeout=3)\n";
    write(root, "rewritten.py", rewritten);

    let packs = ferry_rules::all_packs();
    let settings = Settings::default();
    let report = scan(&found.files, packs, &settings, root, ScanOptions::default());
    let status = |name: &str| {
        report
            .files
            .iter()
            .find(|f| f.path == name)
            .map(|f| (f.status.as_str(), f.error.clone().unwrap_or_default()))
    };
    let (state, reason) = status("deleted.py").unwrap();
    assert_eq!(state, "error");
    assert!(
        reason.contains("cannot read") && reason.contains("No such file"),
        "{reason}"
    );
    let (state, reason) = status("now_a_folder.py").unwrap();
    assert_eq!(state, "error");
    assert!(reason.contains("Is a directory"), "{reason}");
    assert_eq!(
        status("rewritten.py").unwrap().0,
        "fixable",
        "read as it is now"
    );

    let options = FixOptions {
        mode: FixMode::Write,
        unsafe_fixes: false,
        allow_dirty: true,
        allow_no_vcs: true,
        project_pins: false,
    };
    let run = fix(&found.files, packs, &settings, root, options).unwrap();
    let error = |name: &str| {
        run.files
            .iter()
            .find(|f| f.report.path == name)
            .and_then(|f| f.report.error.clone())
            .unwrap_or_default()
    };
    assert!(error("deleted.py").contains("No such file"));
    assert!(error("now_a_folder.py").contains("Is a directory"));
    assert!(
        error("now_a_link.py").contains("symbolic link"),
        "{}",
        error("now_a_link.py")
    );
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        GOOD,
        "never written through a link"
    );
    assert_eq!(
        fs::read_to_string(root.join("rewritten.py")).unwrap(),
        rewritten.replace("timeout=", "close_timeout=")
    );
    assert_eq!(
        fs::read_to_string(root.join("good.py")).unwrap(),
        GOOD_FIXED
    );
    assert!(temp_files(root).is_empty());
}

/// The same race at process level, unsynchronised: while `ferry fix` runs
/// again and again, another thread keeps deleting, recreating and replacing
/// files. Whatever interleaving happens, Ferry exits cleanly and every file
/// is whole: one of the contents some writer meant.
#[cfg(unix)]
#[test]
fn files_churning_under_a_running_fix_are_never_half_written() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let names: Vec<String> = (0..40).map(|i| format!("pkg/m{i:02}.py")).collect();
    for name in &names {
        write(&root, name, GOOD);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (root, names, stop) = (root.clone(), names.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut rng = cli::Rng::new(8);
            let mut rounds = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let path = root.join(rng.pick(&names));
                let _ = match rng.below(4) {
                    0 => fs::remove_file(&path),
                    1 => fs::write(&path, GOOD),
                    2 => fs::write(&path, GOOD_FIXED),
                    _ => fs::remove_file(&path).and_then(|()| fs::create_dir(&path)),
                };
                if rng.below(4) == 0 {
                    let _ = fs::remove_dir(&path);
                }
                rounds += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
            rounds
        })
    };
    for _ in 0..8 {
        let output = ferry(&root, &["fix", "--allow-no-vcs"]);
        assert_clean_exit(&output);
        assert!(
            matches!(output.status.code(), Some(0 | 2)),
            "{}",
            all_output(&output)
        );
    }
    stop.store(true, Ordering::Relaxed);
    assert!(churn.join().unwrap() > 0);
    for (path, node) in snapshot(&root) {
        if let Node::File(bytes) = node {
            assert!(
                bytes == GOOD.as_bytes() || bytes == GOOD_FIXED.as_bytes(),
                "{path:?} holds bytes no writer meant: {:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
    // A last quiet run finishes the job and leaves no temporary file.
    let output = ferry(&root, &["fix", "--allow-no-vcs"]);
    assert!(
        matches!(output.status.code(), Some(0 | 2)),
        "{}",
        all_output(&output)
    );
    assert!(temp_files(&root).is_empty());
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_tree_are_never_followed_for_writing() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    write(&root, "app/good.py", GOOD);
    let outside = tempfile::tempdir().unwrap();
    let target = write(outside.path(), "target.py", GOOD);
    write(outside.path(), "lib/vendored.py", GOOD);
    symlink("b.py", root.join("app/a.py")).unwrap();
    symlink("a.py", root.join("app/b.py")).unwrap();
    symlink(".", root.join("app/again")).unwrap();
    symlink("..", root.join("app/up")).unwrap();
    symlink(&target, root.join("app/linked.py")).unwrap();
    symlink(outside.path().join("lib"), root.join("vendor")).unwrap();
    let outside_before = snapshot(outside.path());

    // Walking: links are not followed, so no loop and nothing outside is seen.
    let output = ferry(&root, &["scan"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(1), "{}", all_output(&output));
    assert!(
        all_output(&output).contains("1 file scanned"),
        "{}",
        all_output(&output)
    );

    // Named explicitly: the loop is a read error, the link a write refusal.
    let output = ferry(
        &root,
        &["fix", "--allow-no-vcs", ".", "app/a.py", "app/linked.py"],
    );
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    let text = all_output(&output);
    assert!(text.contains("app/a.py: error: cannot read"), "{text}");
    assert!(
        text.contains("app/linked.py: error: is a symbolic link"),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(root.join("app/good.py")).unwrap(),
        GOOD_FIXED
    );
    assert_eq!(
        snapshot(outside.path()),
        outside_before,
        "nothing outside the tree changed"
    );
    assert!(fs::symlink_metadata(root.join("app/linked.py"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_file_names_are_scanned_and_fixed_in_place() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xE9_client.py");
    let path = dir.path().join(name);
    fs::write(&path, GOOD).unwrap();
    let output = ferry(dir.path(), &["scan"]);
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        all_output(&output).contains("caf\u{FFFD}_client.py:5:"),
        "{}",
        all_output(&output)
    );
    let output = ferry(dir.path(), &["fix", "--allow-no-vcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    assert_eq!(fs::read_to_string(&path).unwrap(), GOOD_FIXED);
    let names: Vec<PathBuf> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(
        names,
        vec![PathBuf::from(name)],
        "the name is kept, nothing added"
    );
}

#[cfg(unix)]
#[test]
fn fifos_named_like_python_files_are_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", GOOD);
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.py"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [&["scan"][..], &["fix", "--allow-no-vcs"][..]] {
        let child = ferry_command(dir.path(), args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let output = wait_at_most(child, Duration::from_secs(60), "ferry next to a FIFO");
        assert_clean_exit(&output);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            all_output(&output)
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_FIXED
    );
    // Named explicitly, it is an error for that path, not a wait forever.
    let child = ferry_command(dir.path(), &["scan", "pipe.py", "good.py"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_at_most(child, Duration::from_secs(60), "ferry scan on a FIFO");
    assert_clean_exit(&output);
    assert_eq!(output.status.code(), Some(2), "{}", all_output(&output));
    assert!(
        all_output(&output).contains("pipe.py: error: cannot read: not a regular file"),
        "{}",
        all_output(&output)
    );
    assert_eq!(
        snapshot(dir.path())[Path::new("pipe.py")],
        Node::Other,
        "still a FIFO"
    );
}

/// Notebooks are not supported yet: a folder walk does not pick them up, so
/// they are never changed; named explicitly, a notebook is read as Python
/// (JSON is a Python expression), where its code is only strings: untouched.
#[test]
fn jupyter_notebooks_are_skipped_with_a_note_and_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    let notebook = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Client\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
             "source": ["import websockets\n", "\n", format!("conn = await {CALL}\n")]}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5
    });
    let bytes = serde_json::to_vec_pretty(&notebook).unwrap();
    let path = write(dir.path(), "client.ipynb", &bytes);
    write(dir.path(), "good.py", GOOD);

    let output = ferry(dir.path(), &["scan"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("client.ipynb"), "{stdout}");
    assert!(stdout.contains("1 file scanned"), "{stdout}");
    let note = "note: skipped 1 Jupyter notebook (.ipynb is not supported yet; they are never changed): client.ipynb";
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(note),
        "{}",
        all_output(&output)
    );

    for args in [
        &["fix", "--allow-no-vcs"][..],
        &["fix", "--allow-no-vcs", "client.ipynb"][..],
    ] {
        let output = ferry(dir.path(), args);
        assert_clean_exit(&output);
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(note),
            "{}",
            all_output(&output)
        );
        assert_eq!(fs::read(&path).unwrap(), bytes, "the notebook is untouched");
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("good.py")).unwrap(),
        GOOD_FIXED
    );
}
