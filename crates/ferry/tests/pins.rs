//! Version awareness, end to end: the `ferry` binary on temporary projects
//! whose requirement files pin websockets, unpin it, lock it, or exclude the
//! target the user migrates to.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{ferry, git};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// Two findings (WS001, WS002) under websockets >= 14, none below.
const CLIENT: &str = "import websockets\n\n\nasync def main(uri, h):\n    async with websockets.connect(uri, extra_headers=h, timeout=5) as ws:\n        await ws.send(\"hi\")\n";

/// A temporary folder that is the top of a git work tree, so that the walk
/// up from its files stops there (an empty `.git`, which git itself does not
/// take for a repository: `fix` runs with `--allow-dirty --allow-no-vcs`).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn paths_with_findings(doc: &Value) -> Vec<String> {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["findings"].as_array().unwrap().is_empty())
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn in_a_monorepo_the_nearest_requirement_decides() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "services/legacy/requirements.txt",
        "aiohttp>=3\nwebsockets<14\n",
    );
    write(root, "services/legacy/app/client.py", CLIENT);
    write(root, "services/legacy/app/other.py", CLIENT);
    write(root, "services/modern/requirements.txt", "websockets\n");
    write(root, "services/modern/app/client.py", CLIENT);

    let output = ferry(root, &["scan", "--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the unpinned service has findings"
    );
    let doc = json(&output);
    assert_eq!(
        paths_with_findings(&doc),
        vec!["services/modern/app/client.py"]
    );
    assert_eq!(doc["summary"]["findings"], 2);
    assert_eq!(doc["version"], 1);
    let pins = doc["pins"].as_array().unwrap();
    assert_eq!(pins.len(), 1, "{pins:?}");
    assert_eq!(pins[0]["library"], "websockets");
    assert_eq!(pins[0]["file"], "services/legacy/requirements.txt");
    assert_eq!(pins[0]["line"], 2);
    assert_eq!(pins[0]["requirement"], "websockets<14");
    assert_eq!(pins[0]["target"], "13.999");
    assert_eq!(
        pins[0]["breaks_when_raised"], 4,
        "two files, two findings each"
    );

    let text = stdout(&ferry(root, &["scan"]));
    assert!(text.contains(
        "Note: websockets is pinned below 14 in services/legacy/requirements.txt:2 (`websockets<14`): `websockets.connect` is the legacy client there; the migration applies once the pin is raised, and then 4 uses would break (run with --target websockets==15.0.1 to see what would break).\n"
    ), "{text}");
    assert!(text.contains("Found 2 breaking uses in 1 file"), "{text}");
}

#[test]
fn a_pinned_project_alone_exits_0_and_fix_changes_nothing() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"websockets~=13.0\"]\n",
    );
    write(root, "app/client.py", CLIENT);
    let output = ferry(root, &["scan"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("No breaking uses found in 1 file scanned.\n"));
    let output = ferry(
        root,
        &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("Nothing to fix."), "{text}");
    assert!(
        text.contains(
            "Note: websockets is pinned below 14 in pyproject.toml:3 (`websockets~=13.0`)"
        ),
        "{text}"
    );
    assert!(text.contains("then 2 uses would break"), "{text}");
    assert_eq!(read(root, "app/client.py"), CLIENT);
}

#[test]
fn a_lock_wins_over_the_declaration() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"websockets>=12\"]\n",
    );
    write(
        root,
        "uv.lock",
        "version = 1\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    write(root, "app/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    let pin = &doc["pins"][0];
    assert_eq!(pin["file"], "uv.lock");
    assert_eq!(pin["line"], 5);
    assert_eq!(pin["requirement"], "websockets 13.1");
    assert_eq!(pin["target"], "13.1");
    assert!(pin["message"]
        .as_str()
        .unwrap()
        .starts_with("websockets is locked below 14 in uv.lock:5"));
    // A lock at a new release: the newest API, whatever the declaration allows.
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"websockets<16\"]\n",
    );
    write(
        root,
        "uv.lock",
        "[[package]]\nname = \"websockets\"\nversion = \"15.0.1\"\n",
    );
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert_eq!(paths_with_findings(&doc), vec!["app/client.py"]);
    assert_eq!(doc["pins"], serde_json::json!([]));
}

#[test]
fn requirement_includes_are_followed_and_a_cycle_ends() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "svc/requirements.txt",
        "-r ../shared/base.txt\nflask\n",
    );
    write(
        root,
        "shared/base.txt",
        "-r ../svc/requirements.txt\nwebsockets==13.1  # legacy API\n",
    );
    write(root, "svc/app.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json", "svc"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["pins"][0]["file"], "shared/base.txt");
    assert_eq!(doc["pins"][0]["line"], 2);
    assert_eq!(doc["pins"][0]["target"], "13.1");
}

#[test]
fn setup_py_literal_list_pins() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "setup.py",
        "from setuptools import setup\n\nsetup(\n    name=\"x\",\n    install_requires=[\"aiohttp\", \"websockets>=10,<14\"],\n)\n",
    );
    write(root, "x/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["pins"][0]["file"], "setup.py");
    assert_eq!(doc["pins"][0]["line"], 5);
    assert_eq!(doc["pins"][0]["requirement"], "websockets>=10,<14");
}

#[test]
fn target_overrides_the_pin_and_reports_the_requirement() {
    let dir = project();
    let root = dir.path();
    write(root, "requirements.txt", "websockets<14\n");
    write(root, "app/client.py", CLIENT);

    let doc = json(&ferry(
        root,
        &["scan", "--format", "json", "--target", "websockets==15.0.1"],
    ));
    assert_eq!(
        paths_with_findings(&doc),
        vec!["app/client.py", "requirements.txt"]
    );
    assert_eq!(
        doc["pins"],
        serde_json::json!([]),
        "no note: the target was given"
    );
    let requirement = &doc["files"][1];
    // Its fix is unsafe: Ferry can write it (with --unsafe-fixes), so `fixable`.
    assert_eq!(requirement["status"], "fixable");
    let finding = &requirement["findings"][0];
    assert_eq!(finding["code"], "WS900");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(1), Some(11))
    );
    assert_eq!(finding["end_column"], 14);
    assert_eq!(finding["fix"], "unsafe");
    assert_eq!(
        finding["fix_title"],
        "Raise the requirement to `websockets>=14.2`"
    );
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .starts_with("`websockets<14` excludes the target websockets 15.0.1"));
    assert_eq!(doc["summary"]["files_scanned"], 2);

    // An explicit target below 14: the legacy reading, and no note.
    let output = ferry(root, &["scan", "--target", "websockets==13.1"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(!text.contains("Note:") && !text.contains("WS900"), "{text}");

    // The pin bump is a code like the rules' ones.
    let output = ferry(
        root,
        &[
            "scan",
            "--select",
            "WS900",
            "--target",
            "websockets==15.0.1",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let explain = stdout(&ferry(root, &["explain", "WS900"]));
    assert!(
        explain.starts_with("WS900 (RequirementExcludesTarget)"),
        "{explain}"
    );
}

#[test]
fn the_pin_bump_rewrites_only_the_specifier_and_keeps_crlf() {
    let dir = project();
    let root = dir.path();
    let before = "# runtime\r\nwebsockets[speedups] >=10.4,<14 ; python_version >= \"3.8\"  # old API\r\npytest\r\n";
    write(root, "requirements.txt", before);
    write(root, "app/client.py", CLIENT);
    let target = ["--target", "websockets==15.0.1"];

    let output = ferry(
        root,
        &[&["fix", "--diff", "--unsafe-fixes"][..], &target].concat(),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "diff mode: files would change"
    );
    let diff = stdout(&output);
    let requirement_diff: Vec<&str> = diff
        .split("--- a/")
        .find(|part| part.starts_with("requirements.txt"))
        .unwrap()
        .split('\n')
        .filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        requirement_diff,
        vec![
            "-websockets[speedups] >=10.4,<14 ; python_version >= \"3.8\"  # old API\r",
            "+websockets[speedups] >=14.2 ; python_version >= \"3.8\"  # old API\r",
        ]
    );
    assert_eq!(
        read(root, "requirements.txt"),
        before,
        "diff writes nothing"
    );

    // Without --unsafe-fixes the requirement is left and counted, and so is
    // the code's rename: `additional_headers` fails on the 10.4 it still allows
    // (`close_timeout`, which every release takes, is renamed).
    let output = ferry(
        root,
        &[&["fix", "--allow-no-vcs", "--allow-dirty"][..], &target].concat(),
    );
    assert!(
        stdout(&output).contains("2 unsafe fixes not applied (use --unsafe-fixes)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(read(root, "requirements.txt"), before);

    let output = ferry(
        root,
        &[
            &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"][..],
            &target,
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        read(root, "requirements.txt"),
        "# runtime\r\nwebsockets[speedups] >=14.2 ; python_version >= \"3.8\"  # old API\r\npytest\r\n"
    );
    assert!(read(root, "app/client.py").contains("additional_headers=h"));
    // Nothing left, with or without the target.
    assert_eq!(
        ferry(root, &[&["scan"][..], &target].concat())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(ferry(root, &["scan"]).status.code(), Some(0));
}

#[test]
fn a_requirement_file_with_uncommitted_changes_blocks_the_fix() {
    // A real work tree: the bump is written behind the same guard as code.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "requirements.txt", "websockets<14\n");
    write(root, "app/client.py", CLIENT);
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);
    let edited = "websockets<14\npytest\n";
    write(root, "requirements.txt", edited);
    let fix = ["fix", "--unsafe-fixes", "--target", "websockets==15.0.1"];
    let output = ferry(root, &fix);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("1 file to fix has uncommitted changes:\n  requirements.txt (dirty)"),
        "{message}"
    );
    assert_eq!(read(root, "requirements.txt"), edited);
    assert_eq!(read(root, "app/client.py"), CLIENT, "nothing written");
}

#[test]
fn pyproject_strings_are_bumped_and_other_files_only_reported() {
    let dir = project();
    let root = dir.path();
    let pyproject = "[project]\nname = \"x\"\ndependencies = [\n  \"websockets[speedups]~=13.0\",  # pinned\n]\n\n[tool.poetry.group.dev.dependencies]\nwebsockets = { version = \"^13.0\", optional = true }\n";
    write(root, "a/pyproject.toml", pyproject);
    write(root, "a/client.py", CLIENT);
    write(
        root,
        "b/setup.cfg",
        "[options]\ninstall_requires =\n    websockets<14\n",
    );
    write(root, "b/client.py", CLIENT);
    let target = ["--target", "websockets==15.0.1"];

    let doc = json(&ferry(
        root,
        &[&["scan", "--format", "json"][..], &target].concat(),
    ));
    let setup_cfg = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "b/setup.cfg")
        .expect("setup.cfg is reported");
    let finding = &setup_cfg["findings"][0];
    assert_eq!(finding["fix"], "none");
    assert_eq!(finding["line"], 3);
    assert!(finding["message"].as_str().unwrap().contains("by hand (Ferry rewrites requirements*.txt lines and pyproject.toml strings only, not setup.cfg)"));

    let output = ferry(
        root,
        &[
            &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"][..],
            &target,
        ]
        .concat(),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "setup.cfg is left for review"
    );
    assert_eq!(
        read(root, "a/pyproject.toml"),
        pyproject
            .replace("~=13.0", ">=14.2")
            .replace("\"^13.0\"", "\">=14.2\"")
    );
    assert_eq!(
        read(root, "b/setup.cfg"),
        "[options]\ninstall_requires =\n    websockets<14\n"
    );
}

#[test]
fn every_clause_counts_and_only_upper_bounds_below_14_are_raised() {
    let dir = project();
    let root = dir.path();
    write(root, "a/requirements.txt", "websockets>=16\n");
    write(root, "a/client.py", CLIENT);
    write(root, "b/requirements.txt", "websockets!=15.0.1\n");
    write(root, "b/client.py", CLIENT);
    write(
        root,
        "c/requirements.txt",
        "websockets>=10,<14,!=15.0.0  # old API\n",
    );
    write(root, "c/client.py", CLIENT);
    // Only together do these shut out every release from 14 on.
    write(root, "d/requirements.txt", "websockets>=13,<15,!=14.*\n");
    write(root, "d/client.py", CLIENT);
    let target = ["--target", "websockets==15.0.1"];

    let doc = json(&ferry(
        root,
        &[
            &["scan", "--format", "json", "--select", "WS900"][..],
            &target,
        ]
        .concat(),
    ));
    let finding = |path: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["findings"][0].clone())
            .unwrap_or_else(|| panic!("{path} is reported: {doc:#}"))
    };
    let above = finding("a/requirements.txt");
    assert_eq!(above["fix"], "none");
    assert_eq!(
        above["message"],
        "`websockets>=16` excludes the target websockets 15.0.1 (`>=16` allows only releases above the target); run with a --target it allows, or change the requirement by hand"
    );
    let hole = finding("b/requirements.txt");
    assert_eq!(hole["fix"], "none");
    assert!(hole["message"]
        .as_str()
        .unwrap()
        .contains("(`!=15.0.1` rules the target out)"));
    assert_eq!(finding("c/requirements.txt")["fix"], "unsafe");
    assert_eq!(
        finding("d/requirements.txt")["fix_title"],
        "Raise the requirement to `websockets>=14.2,!=14.*`"
    );

    let output = ferry(
        root,
        &[
            &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"][..],
            &target,
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(1), "two are left for review");
    assert_eq!(read(root, "a/requirements.txt"), "websockets>=16\n");
    assert_eq!(read(root, "b/requirements.txt"), "websockets!=15.0.1\n");
    assert_eq!(
        read(root, "c/requirements.txt"),
        "websockets>=14.2,!=15.0.0  # old API\n"
    );
    assert_eq!(
        read(root, "d/requirements.txt"),
        "websockets>=14.2,!=14.*\n"
    );

    // Without a target, `>=13,<15,!=14.*` is a pin below 14.
    write(root, "d/requirements.txt", "websockets>=13,<15,!=14.*\n");
    write(root, "d/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json", "d"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["pins"][0]["requirement"], "websockets>=13,<15,!=14.*");
    assert_eq!(doc["pins"][0]["target"], "13.999");
}

#[test]
fn the_pin_bump_follows_select_and_ignore() {
    let dir = project();
    let root = dir.path();
    write(root, "requirements.txt", "websockets<14\n");
    write(root, "app/client.py", CLIENT);
    let codes = |args: &[&str]| -> Vec<String> {
        let all = [
            &["scan", "--format", "json", "--target", "websockets==15.0.1"][..],
            args,
        ]
        .concat();
        let doc = json(&ferry(root, &all));
        let mut codes: Vec<String> = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["findings"].as_array().unwrap().clone())
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    assert_eq!(codes(&[]), vec!["WS001", "WS002", "WS900"]);
    assert_eq!(codes(&["--ignore", "WS900"]), vec!["WS001", "WS002"]);
    assert_eq!(codes(&["--select", "WS001"]), vec!["WS001"]);
    assert_eq!(codes(&["--select", "WS9"]), vec!["WS900"]);
    let output = ferry(
        root,
        &[
            "fix",
            "--allow-no-vcs",
            "--unsafe-fixes",
            "--allow-dirty",
            "--ignore",
            "WS900",
            "--target",
            "websockets==15.0.1",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(read(root, "requirements.txt"), "websockets<14\n");
}

#[test]
fn hashed_requirements_with_continuations_pin_and_are_bumped_in_place() {
    let dir = project();
    let root = dir.path();
    let before = "# pip-compile output\nwebsockets==13.1 \\\n    --hash=sha256:0aa \\\n    --hash=sha256:0bb\n    # via chat\n";
    write(root, "requirements.txt", before);
    write(root, "app/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["pins"][0]["line"], 2);
    assert_eq!(doc["pins"][0]["requirement"], "websockets==13.1");
    assert_eq!(doc["pins"][0]["target"], "13.1");

    let output = ferry(
        root,
        &[
            "fix",
            "--allow-no-vcs",
            "--unsafe-fixes",
            "--allow-dirty",
            "--target",
            "websockets==15.0.1",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        read(root, "requirements.txt"),
        before.replace("==13.1", ">=14.2")
    );
}

#[test]
fn setup_py_install_requires_through_a_module_level_name() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "setup.py",
        "from setuptools import setup\n\nREQUIRES = [\n    \"aiohttp\",\n    \"websockets>=10,<14\",\n]\n\nsetup(name=\"x\", install_requires=REQUIRES)\n",
    );
    write(root, "x/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["pins"][0]["file"], "setup.py");
    assert_eq!(doc["pins"][0]["line"], 5);
    assert_eq!(doc["pins"][0]["requirement"], "websockets>=10,<14");
    // Changed after the assignment: not read, so the newest release.
    write(
        root,
        "setup.py",
        "from setuptools import setup\n\nREQUIRES = [\"websockets>=10,<14\"]\nREQUIRES.append(\"flask\")\n\nsetup(name=\"x\", install_requires=REQUIRES)\n",
    );
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert_eq!(paths_with_findings(&doc), vec!["x/client.py"]);
}

#[test]
fn pipfile_lock_wins_over_the_pipfile() {
    let dir = project();
    let root = dir.path();
    write(root, "Pipfile", "[packages]\nwebsockets = \"*\"\n");
    write(
        root,
        "Pipfile.lock",
        "{\n    \"_meta\": {\"pipfile-spec\": 6},\n    \"default\": {\n        \"websockets\": {\n            \"hashes\": [\"sha256:0aa\"],\n            \"version\": \"==13.1\"\n        }\n    },\n    \"develop\": {}\n}\n",
    );
    write(root, "app/client.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    let pin = &doc["pins"][0];
    assert_eq!(pin["file"], "Pipfile.lock");
    assert_eq!(pin["line"], 6);
    assert_eq!(pin["requirement"], "websockets 13.1");
    assert_eq!(pin["target"], "13.1");
    // With a target, the lock is reported: Ferry does not edit it.
    let doc = json(&ferry(
        root,
        &["scan", "--format", "json", "--target", "websockets==15.0.1"],
    ));
    let lock = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "Pipfile.lock")
        .expect("the lock is reported");
    assert_eq!(lock["findings"][0]["fix"], "none");
    assert!(lock["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("run `pipenv update websockets`"));
}

#[test]
fn a_uv_workspace_member_is_checked_against_the_root_lock() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"chat\"\nversion = \"0\"\n\n[tool.uv.workspace]\nmembers = [\"packages/*\"]\n",
    );
    write(
        root,
        "uv.lock",
        "version = 1\n\n[manifest]\nmembers = [\"chat\", \"chat-client\"]\n\n[[package]]\nname = \"chat\"\nversion = \"0\"\nsource = { virtual = \".\" }\n\n[[package]]\nname = \"chat-client\"\nversion = \"0\"\nsource = { editable = \"packages/client\" }\ndependencies = [{ name = \"websockets\" }]\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    write(
        root,
        "packages/client/pyproject.toml",
        "[project]\nname = \"chat-client\"\nversion = \"0\"\ndependencies = [\"websockets>=12\"]\n",
    );
    write(root, "packages/client/src/chat_client/ws.py", CLIENT);
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert!(paths_with_findings(&doc).is_empty(), "{doc:#}");
    let pin = &doc["pins"][0];
    assert_eq!(pin["file"], "uv.lock");
    assert_eq!(pin["line"], 19);
    assert_eq!(pin["target"], "13.1");
    assert_eq!(pin["breaks_when_raised"], 2);
    // Once the lock holds a new release, the member's code is migrated.
    write(
        root,
        "uv.lock",
        &read(root, "uv.lock").replace("\"13.1\"", "\"15.0.1\""),
    );
    let doc = json(&ferry(root, &["scan", "--format", "json"]));
    assert_eq!(
        paths_with_findings(&doc),
        vec!["packages/client/src/chat_client/ws.py"]
    );
}

#[test]
fn a_file_no_rule_runs_on_still_meets_its_pin() {
    // `import json` spells the Python pack's word, so the file uses the
    // interpreter, but no rule's: it is not parsed, and the declared range
    // that excludes the target is still reported. A folder whose files
    // spell no word of the pack meets nothing.
    let dir = project();
    let root = dir.path();
    let pyproject = "[project]\nname = \"x\"\nversion = \"1\"\nrequires-python = \">=3.9,<3.12\"\n";
    write(root, "app/pyproject.toml", pyproject);
    write(root, "app/uses.py", "import json\n\nprint(json.dumps(1))\n");
    write(root, "other/pyproject.toml", pyproject);
    write(root, "other/plain.py", "print(1)\n");

    let output = ferry(root, &["scan", "--target", "python==3.13"]);
    let text = stdout(&output);
    assert!(
        text.contains(
            "\napp/pyproject.toml:4:19: PY900 `>=3.9,<3.12` excludes the target python 3.13"
        ) || text.starts_with(
            "app/pyproject.toml:4:19: PY900 `>=3.9,<3.12` excludes the target python 3.13"
        ),
        "{text}"
    );
    assert!(!text.contains("other/pyproject.toml"), "{text}");
    assert!(text.contains("3 files scanned"), "{text}");
    // `fix` meets the same pins (a review item: no range is rewritten).
    let output = ferry(
        root,
        &[
            "fix",
            "--allow-no-vcs",
            "--allow-dirty",
            "--target",
            "python==3.13",
        ],
    );
    let text = stdout(&output);
    assert!(text.contains("app/pyproject.toml:4:19: PY900 "), "{text}");
    assert!(!text.contains("other/pyproject.toml"), "{text}");
    assert_eq!(read(root, "app/pyproject.toml"), pyproject);
}

#[test]
fn migrated_code_under_an_old_pin_asks_for_the_requirement_to_be_raised() {
    let dir = project();
    let root = dir.path();
    let requirements = "websockets>=12,<14\n";
    write(root, "requirements.txt", requirements);
    let migrated = "import websockets\n\n\nasync def main(uri, h):\n    async with websockets.connect(uri, additional_headers=h) as ws:\n        await ws.send(\"hi\")\n";
    write(root, "app/client.py", migrated);

    let output = ferry(root, &["scan"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "app/client.py:5:40: WS080 `websockets.connect` is the legacy implementation"
        ),
        "{text}"
    );
    assert!(
        text.contains("the requirements hold it below (requirements.txt:1 (`websockets>=12,<14`))"),
        "{text}"
    );
    // The requirement is raised, as an explicit `--target` would, though none was given.
    assert!(text.contains("\nrequirements.txt:1:11: WS900 "), "{text}");

    let output = ferry(
        root,
        &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"],
    );
    assert_eq!(
        read(root, "requirements.txt"),
        "websockets>=14.2\n",
        "{}",
        stdout(&output)
    );
    assert_eq!(
        read(root, "app/client.py"),
        migrated,
        "the code stays as written"
    );
    let after = ferry(root, &["scan"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
}

#[test]
fn unsafe_fixes_past_the_floor_raise_the_floor_with_them() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "requirements.txt",
        "websockets>=10.3,<16  # the API\n",
    );
    let client = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n";
    write(root, "app/client.py", client);

    // Safe fixes only: the rename would fail on the 10.3 the requirement allows.
    let output = ferry(root, &["fix", "--allow-no-vcs", "--allow-dirty"]);
    assert!(
        stdout(&output).contains("1 unsafe fix not applied"),
        "{}",
        stdout(&output)
    );
    assert_eq!(read(root, "app/client.py"), client);
    assert_eq!(
        read(root, "requirements.txt"),
        "websockets>=10.3,<16  # the API\n"
    );

    // With them, the requirement is raised in the same run, keeping its upper bound.
    let output = ferry(
        root,
        &["fix", "--allow-no-vcs", "--unsafe-fixes", "--allow-dirty"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(read(root, "app/client.py").contains("additional_headers=h"));
    assert_eq!(
        read(root, "requirements.txt"),
        "websockets>=14.2,<16  # the API\n"
    );
    let after = ferry(root, &["scan"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
}
