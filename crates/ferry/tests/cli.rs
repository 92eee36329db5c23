//! The `ferry` binary, run on small projects made in temporary folders.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::ferry;

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project with one file of each status.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/client.py",
        "import websockets as ws\n\n\nasync def main(uri, h):\n    # é\n    return await ws.connect(uri, extra_headers=h, timeout=5)\n",
    );
    write(
        root,
        "app/review.py",
        "import websockets\n\n\nasync def main(uri, a, b):\n    return await websockets.connect(uri, extra_headers=a, additional_headers=b)\n",
    );
    write(
        root,
        "app/notes.py",
        "# we used to pass extra_headers here\nimport websockets\n",
    );
    write(
        root,
        "app/llm.py",
        "import openai\n\nopenai.OpenAI().chat.completions.create(extra_headers={})\n",
    );
    write(root, "app/plain.py", "print('hello')\n");
    dir
}

#[test]
fn text_output_lists_findings_sorted_then_a_summary() {
    let dir = project();
    let output = ferry(dir.path(), &["scan", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(1), "findings exit with 1");
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0]
        .starts_with("app/client.py:6:34: WS001 `websockets.connect` is the new asyncio client"));
    assert!(lines[1].starts_with("app/client.py:6:51: WS002 "));
    assert!(lines[2].starts_with("app/review.py:5:42: WS001 "));
    assert!(lines[2].contains("already passes `additional_headers`"));
    assert_eq!(
        lines[3],
        "Found 3 breaking uses in 2 files (2 fixable with `ferry fix`, 1 to review); 5 files scanned."
    );
    assert_eq!(
        lines[4],
        "1 file mentions the old API only in comments, strings or docstrings (no change needed): app/notes.py"
    );
    assert!(lines[5].starts_with("1 file uses the old names only in code that is not affected"));
    assert!(lines[5].ends_with(": app/llm.py"));
    assert_eq!(lines.len(), 6);
    // Two runs print the same bytes.
    assert_eq!(
        stdout(&ferry(dir.path(), &["scan", "--format", "concise"])),
        text
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    // Far more output than a pipe holds, so that ferry is still writing
    // when the reader goes away, as with `ferry scan | head`.
    let dir = tempfile::tempdir().unwrap();
    let call = "    await websockets.connect(uri, extra_headers=h)\n";
    let body = format!(
        "import websockets\n\n\nasync def main(uri, h):\n{}",
        call.repeat(200)
    );
    for i in 0..20 {
        write(dir.path(), &format!("app/m{i}.py"), &body);
    }
    let mut child = common::ferry_command(dir.path(), &["scan", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "{\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = project();
    let output = ferry(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let files = doc["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "app/client.py",
            "app/llm.py",
            "app/notes.py",
            "app/review.py"
        ]
    );
    let client = &files[0];
    assert_eq!(client["status"], "fixable");
    let finding = &client["findings"][0];
    assert_eq!(finding["code"], "WS001");
    assert_eq!(
        (
            &finding["line"],
            &finding["column"],
            &finding["end_line"],
            &finding["end_column"]
        ),
        (
            &Value::from(6),
            &Value::from(34),
            &Value::from(6),
            &Value::from(47)
        )
    );
    assert_eq!(finding["fix"], "safe");
    assert_eq!(files[1]["status"], "clean");
    assert_eq!(files[1]["unaffected"][0]["line"], 3);
    let mention = &files[2]["mentions"][0];
    assert_eq!(
        (&mention["line"], &mention["column"], &mention["kind"]),
        (&Value::from(1), &Value::from(19), &Value::from("comment"))
    );
    assert_eq!(files[2]["status"], "mentions-only");
    assert_eq!(files[3]["status"], "needs-review");
    assert_eq!(files[3]["findings"][0]["fix"], "none");
    assert!(files[0].get("error").is_none());
    let summary = &doc["summary"];
    assert_eq!(summary["files_scanned"], 5);
    assert_eq!(summary["fixable"], 1);
    assert_eq!(summary["needs-review"], 1);
    assert_eq!(summary["mentions-only"], 1);
    assert_eq!(summary["error"], 0);
    assert_eq!(summary["findings"], 3);
}

#[test]
fn github_output_is_one_workflow_command_per_finding_then_the_summary() {
    let dir = project();
    // A `,` and a `:` in a path would end a property: they are percent-encoded.
    std::fs::rename(
        dir.path().join("app/client.py"),
        dir.path().join("app/odd, name: x.py"),
    )
    .unwrap();
    write(dir.path(), "app/broken.py", "import websockets\ndef (:\n");
    let output = ferry(dir.path(), &["scan", "--format", "github"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "the exit code is the text format's"
    );
    let lines: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    assert!(
        lines[0].starts_with("::error file=app/broken.py,title=ferry%3A could not be checked::"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1..],
        [
            "::error file=app/odd%2C name%3A x.py,line=6,col=34,endLine=6,endColumn=47,title=WS001::`websockets.connect` is the new asyncio client, which takes `additional_headers`; `extra_headers` raises `TypeError` when the connection opens",
            "::error file=app/odd%2C name%3A x.py,line=6,col=51,endLine=6,endColumn=58,title=WS002::`websockets.connect` is the new asyncio client, which has no `timeout` alias; it raises `TypeError` when the connection opens (use `close_timeout`)",
            // A review item is a warning.
            "::warning file=app/review.py,line=5,col=42,endLine=5,endColumn=55,title=WS001::`websockets.connect` is the new asyncio client, which takes `additional_headers`; `extra_headers` raises `TypeError` when the connection opens, and this call already passes `additional_headers`: merge the two by hand",
            "Found 3 breaking uses in 2 files (2 fixable with `ferry fix`, 1 to review); 6 files scanned.",
            "1 file mentions the old API only in comments, strings or docstrings (no change needed): app/notes.py",
            "1 file uses the old names only in code that is not affected (other libraries, the legacy client, own functions): app/llm.py",
            "1 file could not be checked (see the errors above).",
        ]
    );
}

#[test]
fn version_subcommand_prints_what_the_version_flag_prints() {
    let dir = tempfile::tempdir().unwrap();
    let flag = ferry(dir.path(), &["--version"]);
    let subcommand = ferry(dir.path(), &["version"]);
    assert_eq!(subcommand.status.code(), Some(0));
    assert_eq!(
        stdout(&subcommand),
        format!("ferry {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(stdout(&subcommand), stdout(&flag));
}

#[test]
fn columns_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import websockets\nx = ('é', websockets.connect('u', extra_headers=h))\n",
    );
    let output = ferry(dir.path(), &["scan", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    // `extra_headers` is the 35th character of its line (it starts at byte 36: `é` is two bytes).
    assert_eq!(doc["files"][0]["findings"][0]["column"], 35);
}

#[test]
fn clean_project_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "import websockets\n\nasync def f(u):\n    return await websockets.connect(u, additional_headers={})\n");
    let output = ferry(dir.path(), &["scan"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "No breaking uses found in 1 file scanned.\n"
    );
}

#[test]
fn the_prefilter_changes_what_is_parsed_never_what_is_found() {
    let dir = project();
    // Name-based rules (WS020 on a receiver called `ws`) need the words too:
    // this file has none, so neither mode reports it.
    write(
        dir.path(),
        "app/health.py",
        "def alive(c):\n    return c.ws.open\n",
    );
    write(dir.path(), "app/broken.py", "def f(:\n");
    // A requirement below the target, over files that never use the library:
    // no file there is checked against it, so neither mode raises it.
    write(dir.path(), "tools/requirements.txt", "websockets<14\n");
    write(dir.path(), "tools/cli.py", "def main():\n    return 0\n");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--format", "json", "--target", "websockets==15.0.1"];
        args.extend_from_slice(extra);
        let output = ferry(dir.path(), &args);
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let (with, without) = (scan(&[]), scan(&["--no-prefilter"]));
    let rows = |doc: &serde_json::Value, status: &str| -> Vec<String> {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| (f["status"] == "error") == (status == "error"))
            .map(|f| f.to_string())
            .collect()
    };
    assert_eq!(rows(&with, "ok"), rows(&without, "ok"));
    assert!(rows(&with, "ok")
        .iter()
        .any(|f| f.contains("app/client.py")));
    assert!(!rows(&without, "ok")
        .iter()
        .any(|f| f.contains("tools/requirements.txt")));
    assert_eq!(with["pins"], without["pins"]);
    // Only the parse of every file differs: the syntax error is seen.
    assert!(rows(&with, "error").is_empty());
    assert_eq!(rows(&without, "error").len(), 1);
    assert!(rows(&without, "error")[0].contains("app/broken.py"));
}

#[test]
fn bad_files_are_reported_and_the_run_goes_on() {
    let dir = project();
    write(dir.path(), "app/broken.py", "import websockets\ndef f(:\n");
    std::fs::write(
        dir.path().join("app/latin.py"),
        b"import websockets\nx = '\xe9'\n",
    )
    .unwrap();
    let output = ferry(dir.path(), &["scan"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "unparsable files exit with 2"
    );
    let text = stdout(&output);
    assert!(
        text.contains("app/broken.py: error: syntax error at line 2, column 7:"),
        "{text}"
    );
    assert!(
        text.contains("app/latin.py: error: cannot decode: invalid UTF-8 at line 2"),
        "{text}"
    );
    assert!(
        text.contains("app/client.py:6:34: WS001"),
        "other files are still checked"
    );
    assert!(text.contains("2 files could not be checked"));
}

#[test]
fn usage_errors_exit_two() {
    let dir = project();
    let missing = ferry(dir.path(), &["scan", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("`nope` does not exist"));
    let bad_rule = ferry(dir.path(), &["scan", "--select", "XX9"]);
    assert_eq!(bad_rule.status.code(), Some(2));
    let bad_target = ferry(dir.path(), &["scan", "--target", "websockets=15"]);
    assert_eq!(bad_target.status.code(), Some(2));
    let bad_flag = ferry(dir.path(), &["scan", "--frobnicate"]);
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn select_ignore_and_target() {
    let dir = project();
    let only_timeout = stdout(&ferry(dir.path(), &["scan", "--select", "WS002"]));
    assert!(only_timeout.contains("WS002") && !only_timeout.contains(": WS001 "));
    let no_timeout = stdout(&ferry(dir.path(), &["scan", "--ignore", "ws002"]));
    assert!(!no_timeout.contains(": WS002 "));
    // Pinned below 14, `websockets.connect` is the legacy client: the old
    // keywords are right, and only review.py's `additional_headers=` (new
    // API only) breaks there.
    let pinned = ferry(dir.path(), &["scan", "--target", "websockets==13.1"]);
    let text = stdout(&pinned);
    assert_eq!(pinned.status.code(), Some(1), "{text}");
    let findings: Vec<&str> = text.lines().filter(|l| l.contains(": WS")).collect();
    assert_eq!(findings.len(), 1, "{text}");
    assert!(
        findings[0].starts_with("app/review.py:5:59: WS080 "),
        "{text}"
    );
}

#[test]
fn explicit_paths_and_excludes() {
    let dir = project();
    let one = stdout(&ferry(dir.path(), &["scan", "app/review.py"]));
    assert!(one.contains("app/review.py:5:42") && one.contains("1 file scanned"));
    let excluded = stdout(&ferry(dir.path(), &["scan", "--exclude", "review.py"]));
    assert!(!excluded.contains("review.py"));
    // Virtual environments are skipped wherever they are.
    write(
        dir.path(),
        "env/lib/x.py",
        "import websockets\nwebsockets.connect('u', extra_headers=h)\n",
    );
    write(dir.path(), "env/pyvenv.cfg", "home = /usr\n");
    let text = stdout(&ferry(dir.path(), &["scan"]));
    assert!(!text.contains("env/lib/x.py"));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let rules = stdout(&ferry(dir.path(), &["rules"]));
    assert!(rules.contains("WS001  ConnectExtraHeaders"));
    assert!(rules.contains("WS002  ConnectTimeout"));
    // The pin bump is listed and explained with the pack whose requirement it raises.
    assert!(
        rules.contains("WS900  RequirementExcludesTarget"),
        "{rules}"
    );
    let ws900 = stdout(&ferry(dir.path(), &["explain", "WS900"]));
    assert!(ws900.starts_with("WS900 (RequirementExcludesTarget) — websockets pack"));
    assert!(ws900.contains("## Fix safety"), "{ws900}");
    let json: Value =
        serde_json::from_str(&stdout(&ferry(dir.path(), &["rules", "--format", "json"]))).unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "WS900"));
    let explain = ferry(dir.path(), &["explain", "ws001"]);
    assert_eq!(explain.status.code(), Some(0));
    let text = stdout(&explain);
    assert!(text.starts_with("WS001 (ConnectExtraHeaders) — websockets pack"));
    assert!(text.contains("## Fix safety"));
    assert!(text.contains("unexpected keyword argument 'extra_headers'"));
    assert_eq!(
        ferry(dir.path(), &["explain", "WS999"]).status.code(),
        Some(2)
    );
}

#[test]
fn opt_in_rules_run_only_when_selected_by_code() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import websockets\n\nasync def f(u):\n    return await websockets.connect(u)\n",
    );
    let default = ferry(dir.path(), &["scan"]);
    assert_eq!(default.status.code(), Some(0), "{}", stdout(&default));
    let by_prefix = ferry(dir.path(), &["scan", "--select", "WS"]);
    assert_eq!(
        by_prefix.status.code(),
        Some(0),
        "a prefix does not enable opt-in rules"
    );
    let selected = ferry(dir.path(), &["scan", "--select", "WS007"]);
    assert_eq!(selected.status.code(), Some(1));
    assert!(
        stdout(&selected).contains("a.py:4:18: WS007 "),
        "{}",
        stdout(&selected)
    );
    let rules = stdout(&ferry(dir.path(), &["rules"]));
    assert!(
        rules.contains("WS007  ProxyFromEnvironment") && rules.contains("(opt-in: --select it)")
    );
}

#[test]
fn noqa_comments_silence_findings_and_the_summary_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/client.py",
        "import websockets\n\n\nasync def main(uri, h):\n    await websockets.connect(uri, extra_headers=h)  # noqa: WS001\n    await websockets.connect(uri, extra_headers=h)  # noqa: E501\n",
    );
    let output = ferry(root, &["scan"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("app/client.py:6:35: WS001 "), "{text}");
    assert!(
        text.contains("\n1 finding suppressed by `# noqa` (list them with --show-suppressed).\n"),
        "{text}"
    );
    let shown = stdout(&ferry(root, &["scan", "--show-suppressed"]));
    assert!(
        shown.contains("app/client.py:5:35: WS001 (suppressed by `# noqa`) "),
        "{shown}"
    );
    let json: Value =
        serde_json::from_str(&stdout(&ferry(root, &["scan", "--format", "json"]))).unwrap();
    assert_eq!(json["summary"]["findings"], 1);
    assert_eq!(json["summary"]["suppressed"], 1);
    assert_eq!(json["files"][0]["suppressed"][0]["line"], 5);

    // Suppressed everywhere: nothing blocks `fix --check`, and fix leaves the line.
    write(
        root,
        "app/client.py",
        "import websockets\n\n\nasync def main(uri, h):\n    await websockets.connect(uri, extra_headers=h)  # noqa\n",
    );
    let check = ferry(root, &["fix", "--check", "--allow-dirty"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert_eq!(ferry(root, &["scan"]).status.code(), Some(0));
}

#[test]
fn an_empty_rule_selection_is_a_usage_error() {
    let dir = project();
    for flag in ["--select", "--ignore"] {
        let output = ferry(dir.path(), &["scan", flag, ""]);
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("an empty one would match every rule"),
            "{stderr}"
        );
    }
}

#[test]
fn a_tree_without_python_files_says_so_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/readme.txt", "no code here\n");
    let output = ferry(dir.path(), &["scan"]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: no Python file to check in ."),
        "{stderr}"
    );
    // The data on stdout stays what it was.
    assert!(stdout(&output).starts_with("No breaking uses found in 0 files scanned."));
}

#[test]
fn fix_reports_json_per_file_for_editors_and_bots() {
    let dir = project();
    let root = dir.path();
    write(root, "app/broken.py", "import websockets\ndef f(:\n");
    let output = ferry(root, &["fix", "--allow-no-vcs", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "a file could not be read");
    let doc: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["mode"], "write");
    let file = |path: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} in {doc}"))
            .clone()
    };
    let client = file("app/client.py");
    assert_eq!(client["applied"]["WS001"], 1);
    assert_eq!(client["applied"]["WS002"], 1);
    assert_eq!(client["remaining"].as_array().unwrap().len(), 0);
    let review = file("app/review.py");
    assert_eq!(review["status"], "needs-review");
    assert_eq!(review["remaining"][0]["code"], "WS001");
    assert_eq!(review["remaining"][0]["fix"], "none");
    assert!(file("app/broken.py")["refused"]
        .as_str()
        .unwrap()
        .starts_with("syntax error"));
    assert_eq!(doc["summary"]["applied"], 2);
    assert_eq!(doc["summary"]["files_changed"], 1);
    assert_eq!(doc["summary"]["review_items"], 1);
    // The usual lines went to stderr.
    assert!(String::from_utf8_lossy(&output.stderr).contains("Fixed 2 findings in 1 file"));
}

/// Runs ferry with `input` on stdin.
fn ferry_stdin(root: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    let mut child = common::ferry_command(root, args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_editor_buffer_is_checked_and_fixed_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "requirements.txt", "websockets>=14.2\n");
    let buffer = "import websockets\n\n\nasync def f(u, h):\n    return await websockets.connect(u, extra_headers=h)\n";
    let scan = ferry_stdin(
        root,
        &[
            "scan",
            "-",
            "--stdin-filename",
            "app/c.py",
            "--format",
            "json",
        ],
        buffer.as_bytes(),
    );
    assert_eq!(scan.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "app/c.py");
    assert_eq!(doc["files"][0]["findings"][0]["code"], "WS001");

    let fix = ferry_stdin(
        root,
        &["fix", "-", "--stdin-filename", "app/c.py"],
        buffer.as_bytes(),
    );
    assert_eq!(
        fix.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    assert_eq!(
        stdout(&fix),
        buffer.replace("extra_headers", "additional_headers")
    );
    assert!(
        !root.join("app/c.py").exists(),
        "nothing is written to disk"
    );

    // The requirements beside the named file decide: below the floor the fix is unsafe.
    write(root, "requirements.txt", "websockets>=10.4\n");
    let fix = ferry_stdin(
        root,
        &["fix", "-", "--stdin-filename", "app/c.py"],
        buffer.as_bytes(),
    );
    assert_eq!(fix.status.code(), Some(1));
    assert_eq!(stdout(&fix), buffer, "the buffer comes back unchanged");
    assert!(String::from_utf8_lossy(&fix.stderr).contains("app/c.py:5:40: WS001 "));
}

#[test]
fn quiet_prints_only_what_is_left() {
    let dir = project();
    let scan = stdout(&ferry(
        dir.path(),
        &["scan", "--quiet", "--format", "concise"],
    ));
    let lines: Vec<&str> = scan.lines().collect();
    assert_eq!(lines.len(), 3, "{scan}");
    assert!(lines.iter().all(|l| l.starts_with("app/")), "{scan}");
    // The full output too: no summary after the findings.
    let full = stdout(&ferry(dir.path(), &["scan", "--quiet"]));
    assert!(
        full.starts_with(lines[0]) && full.ends_with("\n\n"),
        "{full}"
    );
    assert!(!full.contains("Found "), "{full}");
    let fix = ferry(
        dir.path(),
        &["fix", "-q", "--allow-no-vcs", "--format", "concise"],
    );
    let text = stdout(&fix);
    assert_eq!(fix.status.code(), Some(1), "a review item is left");
    assert!(text.starts_with("app/review.py:5:42: WS001 "), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

/// Each subcommand's `--help` lists the exit codes it can return, with what
/// they mean for it, and none of another command's.
#[test]
fn each_help_lists_only_its_own_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let help = |command: &str| {
        let output = ferry(dir.path(), &[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let text = stdout(&output);
        let codes = text
            .split("Exit codes:")
            .nth(1)
            .unwrap_or_else(|| panic!("`ferry {command} --help` lists no exit code:\n{text}"))
            .to_string();
        codes
    };
    let scan = help("scan");
    assert!(scan.contains("1  findings remain"), "{scan}");
    for other in ["verification", "--check", "doctor", "report was written"] {
        assert!(
            !scan.contains(other),
            "scan's help mentions `{other}`:\n{scan}"
        );
    }
    let fix = help("fix");
    for own in [
        "--check or --diff",
        "--verify",
        "--allow-dirty",
        "--allow-no-vcs",
    ] {
        assert!(fix.contains(own), "fix's help lacks `{own}`:\n{fix}");
    }
    let report = help("report");
    assert!(report.contains("0  the report was written"), "{report}");
    assert!(!report.contains("1  "), "report never exits 1:\n{report}");
    let doctor = help("doctor");
    assert!(doctor.contains("installed version"), "{doctor}");
    assert!(!doctor.contains("--check"), "{doctor}");
    let explain = help("explain");
    assert!(explain.contains("unknown rule code") && !explain.contains("1  "));
    // No two commands that return different codes share a text.
    assert_ne!(scan, fix);
    assert_ne!(help("verify"), help("upgrade"));
}

/// Every message about the run itself starts with the same prefix, whether
/// clap, a command or the walk wrote it.
#[test]
fn errors_and_warnings_share_one_prefix() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.ipynb", "{}\n");
    let stderr =
        |args: &[&str]| String::from_utf8_lossy(&ferry(dir.path(), args).stderr).to_string();
    // A usage error (clap), a missing path, an unknown rule, a bad target.
    for args in [
        &["scan", "--no-such-flag"][..],
        &["scan", "missing"],
        &["scan", "--select", "XX9"],
        &["explain", "XX9"],
        &["fix", "--target", "websockets"],
    ] {
        let text = stderr(args);
        assert!(text.starts_with("error: "), "{args:?}: {text}");
        assert!(!text.contains("ferry: error"), "{args:?}: {text}");
    }
    let text = stderr(&["scan"]);
    assert!(text.contains("warning: no Python file to check"), "{text}");
    assert!(text.contains("note: skipped 1 Jupyter notebook"), "{text}");
    for line in text.lines() {
        assert!(
            line.starts_with("warning: ") || line.starts_with("note: "),
            "{line}"
        );
    }
}

/// A file whose finding's line has a tab and characters of one, two and
/// several bytes before the span.
fn wide_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/wide.py",
        "import websockets\n\n\nasync def f(h):\n\treturn ('é\t日本', await websockets.connect('u', extra_headers=h))\n",
    );
    dir
}

/// The full output (the default) shows each finding's line under it with
/// carets under the span, laid out in cells: a tab to the next stop of 4,
/// `é` one cell, `日本` two each; columns in the header count characters.
#[test]
fn full_output_shows_the_line_and_carets_under_the_span() {
    let dir = wide_project();
    let output = ferry(dir.path(), &["scan"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    insta::assert_snapshot!("full_output_wide_line", text);
    let lines: Vec<&str> = text.lines().collect();
    // `extra_headers` starts at character 48 of its line (byte 51).
    assert!(lines[0].starts_with("app/wide.py:5:48: WS001 "), "{text}");
    assert_eq!(lines[1], "  |");
    let source = lines[2]
        .strip_prefix("5 | ")
        .expect("the line under its number");
    let carets = lines[3]
        .strip_prefix("  | ")
        .expect("the carets under the line");
    assert_eq!(
        source,
        "    return ('é  日本', await websockets.connect('u', extra_headers=h))"
    );
    // Cells before `extra_headers` on screen: 4 (tab) + 10 + 2 (tab) + 4 (日本) + 33.
    let cells_before = source[..source.find("extra_headers").unwrap()]
        .chars()
        .map(|c| {
            if ('\u{3000}'..='\u{9fff}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum::<usize>();
    assert_eq!(cells_before, 53);
    assert_eq!(
        carets,
        format!("{}{} WS001", " ".repeat(53), "^".repeat(13))
    );
    assert_eq!(
        lines[4],
        "  = fix: Rename `extra_headers` to `additional_headers` (safe: `ferry fix`)"
    );
    assert_eq!(lines[5], "");
    assert!(!text.contains('\x1b'), "no colour into a pipe");

    // Concise: the same header lines alone, one per finding.
    let concise = stdout(&ferry(dir.path(), &["scan", "--output-format", "concise"]));
    let findings: Vec<&str> = concise.lines().filter(|l| l.starts_with("app/")).collect();
    assert_eq!(findings, [lines[0]]);
    assert!(!concise.contains(" | "), "{concise}");
    assert!(concise
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("Found 1 breaking use"));
    // `text` still names the default.
    assert_eq!(
        stdout(&ferry(dir.path(), &["scan", "--format", "text"])),
        text
    );
}

#[test]
fn colour_follows_the_flag_then_no_color_and_force_color() {
    let dir = wide_project();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = common::ferry_command(dir.path(), args);
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        (
            stdout(&output),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let colored = |text: &str| text.contains("\x1b[");
    let (always, _) = run(&["scan", "--color", "always"], &[]);
    assert!(colored(&always), "{always}");
    // The code in bold red, the carets too; the text itself unchanged.
    assert!(always.contains("\x1b[1m\x1b[31mWS001\x1b[0m"), "{always:?}");
    assert!(always.contains("^^^^^^^^^^^^^"));
    let (never, _) = run(&["scan", "--color", "never"], &[("FORCE_COLOR", "1")]);
    assert!(!colored(&never), "{never}");
    assert_eq!(
        never,
        run(&["scan"], &[]).0,
        "a pipe gets no colour by default"
    );
    assert!(colored(&run(&["scan"], &[("FORCE_COLOR", "1")]).0));
    assert!(!colored(&run(&["scan"], &[("FORCE_COLOR", "0")]).0));
    assert!(!colored(
        &run(&["scan"], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]).0
    ));
    assert!(colored(
        &run(&["scan", "--color", "always"], &[("NO_COLOR", "1")]).0
    ));
    // Once the escapes are taken out, what is left is the plain output.
    let stripped = strip_escapes(&always);
    assert_eq!(stripped, never);

    // The diff: removed lines red, added lines green, hunks cyan.
    let (diff, _) = run(&["fix", "--diff", "--color", "always"], &[]);
    assert!(diff.contains("\x1b[31m-\treturn"), "{diff:?}");
    assert!(diff.contains("\x1b[32m+\treturn"), "{diff:?}");
    assert!(diff.contains("\x1b[36m@@ -"), "{diff:?}");
    let (plain, _) = run(&["fix", "--diff"], &[]);
    assert!(!colored(&plain));
    assert_eq!(strip_escapes(&diff), plain);

    // Messages on stderr: coloured prefix only when asked.
    let (_, stderr) = run(&["scan", "missing", "--color", "always"], &[]);
    assert!(
        stderr.starts_with("\x1b[1m\x1b[31merror:\x1b[0m "),
        "{stderr:?}"
    );
    let (_, stderr) = run(&["scan", "missing"], &[]);
    assert!(stderr.starts_with("error: "), "{stderr:?}");
}

/// The text with its ANSI escapes (`ESC [ ... m`) taken out.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `-v` says on stderr what the run read, parsed and skipped, and why;
/// stdout stays the same.
#[test]
fn verbose_counts_what_was_read_parsed_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let client = "import websockets\nwebsockets.connect('u', extra_headers=h)\n";
    write(root, "app/client.py", client);
    write(root, "app/plain.py", "x = 1\n");
    write(root, "app/gen_pb2.py", client);
    write(root, ".git/hooks/hook.py", client);
    write(root, "app/__pycache__/client.py", client);
    write(root, "env/pyvenv.cfg", "home = /usr\n");
    write(root, "env/lib/python3.12/site-packages/w.py", client);
    write(root, "vendor/site-packages/w.py", client);
    write(root, "web/node_modules/n.py", client);
    write(root, "notes.ipynb", "{}\n");
    write(root, ".gitignore", "ignored/\n");
    write(root, "ignored/i.py", client);
    let args = ["scan", "--exclude", "*_pb2.py", "--format", "concise"];
    let quiet = ferry(root, &args);
    let verbose = ferry(root, &[&args[..], &["-v"]].concat());
    assert_eq!(verbose.status.code(), Some(1));
    assert_eq!(stdout(&verbose), stdout(&quiet), "stdout is the same");
    let stderr = String::from_utf8_lossy(&verbose.stderr).to_string();
    assert!(
        stderr.contains(
            "note: 2 Python files discovered: 1 parsed, 1 read but not parsed (none of the packs' words), 0 not read or not decoded; "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "note: skipped 2 VCS or cache folders, 1 site-packages folder, 1 node_modules folder, 1 virtual environment (pyvenv.cfg), 1 notebook (.ipynb), 1 path matching --exclude, 0 files left out by the configuration's `exclude` or --phase; paths a .gitignore names are not counted"
        ),
        "{stderr}"
    );
    let seconds = stderr
        .lines()
        .find(|line| line.contains(" discovered: "))
        .and_then(|line| line.rsplit("; ").next())
        .and_then(|time| time.strip_suffix(" s"))
        .unwrap_or_default();
    assert!(seconds.parse::<f64>().is_ok(), "a wall time: {stderr}");
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("discovered"));

    // fix -v counts the same way (here without writing).
    let fix = ferry(root, &["fix", "--diff", "-v", "--exclude", "*_pb2.py"]);
    let stderr = String::from_utf8_lossy(&fix.stderr).to_string();
    assert!(
        stderr.contains("note: 2 Python files discovered: 1 parsed, 1 read but not parsed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: skipped 2 VCS or cache folders"),
        "{stderr}"
    );
}
