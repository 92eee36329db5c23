//! Ferry as users install it, with the real tools, pinned in
//! `scripts/wheel-requirements.txt` (a venv made by `scripts/python-env`):
//! the `ferry-migrate` wheel built by maturin and installed by pip and by uv,
//! the hooks of `.pre-commit-hooks.yaml` run by pre-commit, the steps of the
//! GitHub Action in `action.yml`, and the Rust version `cargo install` needs.
//!
//! Speed: maturin builds with the profile of this test's own `ferry` (`dev`
//! under `cargo test`) and shares cargo's build directory (`build-dir`), so
//! it compiles only what differs from the test build (the few dependencies
//! whose features the dev-dependencies change, and Ferry's crates), once;
//! its final binary goes to a folder of its own under `target/`, so the
//! `ferry` the other tests run is never replaced while they run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::{copy_tree, example, ferry, git, venv};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout and stderr together, for assertion messages.
fn both(output: &Output) -> String {
    format!("{}{}", text(&output.stdout), text(&output.stderr))
}

/// The bin folder of the packaging tools' venv.
fn tools() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let python = venv("venv-wheel", "scripts/wheel-requirements.txt");
        python.parent().unwrap().to_path_buf()
    })
}

/// Cargo's target folder and the profile of this test's own `ferry`
/// (`<target>/debug/ferry` is the `dev` profile).
fn build_profile() -> (PathBuf, String) {
    let exe = Path::new(env!("CARGO_BIN_EXE_ferry"));
    let profile_dir = exe.parent().unwrap();
    let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
        "debug" => "dev".to_string(),
        other => other.to_string(),
    };
    (profile_dir.parent().unwrap().to_path_buf(), profile)
}

/// A command for a packaging tool: no virtual environment leaks in, and
/// cargo, when maturin runs it, reuses this build's folder for everything
/// but its final binary, which goes to `target/<out>`.
fn tool(name: &str, out: &str) -> Command {
    let (target, _) = build_profile();
    let mut command = Command::new(tools().join(name));
    command
        .env_remove("VIRTUAL_ENV")
        .env("CARGO_BUILD_BUILD_DIR", &target)
        .env("CARGO_TARGET_DIR", target.join(out))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    command
}

/// The wheel, built once per run by the real maturin from `pyproject.toml`.
fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let (target, profile) = build_profile();
        let dist = target.join("wheel/dist");
        let _ = std::fs::remove_dir_all(&dist);
        let output = tool("maturin", "wheel")
            .args(["build", "--profile", &profile, "--locked", "--strip"])
            // An uncompressed wheel: built and installed faster, and only for this test.
            .args(["--compression-method", "stored", "--out"])
            .arg(&dist)
            .current_dir(repo())
            .output()
            .expect("maturin runs");
        assert!(output.status.success(), "maturin build:\n{}", both(&output));
        let wheels: Vec<PathBuf> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(wheels.len(), 1, "{wheels:?}");
        wheels.into_iter().next().unwrap()
    })
}

/// A fresh venv (no pip of its own) with the wheel installed by pip.
fn install_wheel(dir: &Path) -> PathBuf {
    let env = dir.join("venv");
    let created = tool("python", "wheel")
        .args(["-m", "venv", "--without-pip"])
        .arg(&env)
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", both(&created));
    let installed = tool("python", "wheel")
        .args(["-m", "pip", "--python"])
        .arg(env.join("bin/python"))
        .args(["install", "--no-index", "--quiet"])
        .arg(wheel())
        .output()
        .unwrap();
    assert!(installed.status.success(), "{}", both(&installed));
    env
}

#[test]
fn the_wheel_installs_a_ferry_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let env = install_wheel(dir.path());
    let installed = env.join("bin/ferry");
    let version = format!("ferry {}\n", env!("CARGO_PKG_VERSION"));
    for args in [["--version"], ["version"]] {
        let output = Command::new(&installed).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", both(&output));
        assert_eq!(text(&output.stdout), version);
    }
    // The package's metadata, as pip installed it.
    let metadata = Command::new(env.join("bin/python"))
        .args([
            "-c",
            "import importlib.metadata as m, json; d = m.metadata('ferry-migrate'); \
             print(json.dumps({k: d[k] for k in ('Name', 'Version', 'License-Expression', 'Requires-Python', 'Summary')}))",
        ])
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", both(&metadata));
    let metadata: Value = serde_json::from_slice(&metadata.stdout).unwrap();
    assert_eq!(metadata["Name"], "ferry-migrate");
    assert_eq!(metadata["Version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(metadata["License-Expression"], "MIT");
    assert_eq!(metadata["Requires-Python"], ">=3.9");
    assert!(metadata["Summary"].as_str().unwrap().contains("websockets"));
    // The license file ships in the wheel.
    let license = Command::new(env.join("bin/python"))
        .args([
            "-c",
            "import importlib.metadata as m; \
             print(next(f for f in m.files('ferry-migrate') if f.name == 'LICENSE').read_text())",
        ])
        .output()
        .unwrap();
    let license = text(&license.stdout);
    assert!(
        license.starts_with("MIT License\n\nCopyright (c) 2026 The Ferry developers\n"),
        "{license}"
    );
    // It scans the example as the binary cargo built does.
    let project = dir.path().join("chat-service");
    copy_tree(&example(), &project);
    let scan = Command::new(&installed)
        .arg("scan")
        .current_dir(&project)
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(1), "{}", both(&scan));
    let printed = text(&scan.stdout);
    assert!(
        printed.starts_with("chat/client.py:51:49: WS001 "),
        "{printed}"
    );
    assert!(
        printed.contains("\nFound 36 breaking uses in 6 files "),
        "{printed}"
    );
    assert_eq!(printed, text(&ferry(&project, &["scan"]).stdout));
}

#[test]
fn uvx_runs_ferry_from_the_wheel() {
    let (target, _) = build_profile();
    let output = tool("uvx", "wheel")
        .env("UV_CACHE_DIR", target.join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_NO_CONFIG", "1")
        .arg("--offline")
        .arg("--from")
        .arg(wheel())
        .args(["ferry", "--version"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    assert_eq!(
        text(&output.stdout),
        format!("ferry {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// `1.95` or `1.88.0` as numbers, padded to three parts.
fn version_parts(version: &str) -> Vec<u32> {
    let mut parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
    parts.resize(3, 0);
    parts
}

/// The workspace declares the oldest Rust that builds it, every member inherits it,
/// and it is exactly what the locked dependencies need (Ferry's own code needs less).
#[test]
fn the_declared_rust_version_is_what_the_locked_dependencies_need() {
    let host = String::from_utf8(
        Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc runs")
            .stdout,
    )
    .unwrap();
    let host = host
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap()
        .to_string();
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", &host])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let packages = metadata["packages"].as_array().unwrap();
    let (ours, theirs): (Vec<&Value>, Vec<&Value>) = packages
        .iter()
        .partition(|p| members.contains(&p["id"].as_str().unwrap()));
    let needed = theirs
        .iter()
        .filter_map(|p| p["rust_version"].as_str().map(|v| (v, p["name"].as_str())))
        .max_by_key(|(v, _)| version_parts(v))
        .unwrap();
    assert_eq!(ours.len(), 8);
    for package in ours {
        let declared = package["rust_version"]
            .as_str()
            .unwrap_or_else(|| panic!("{} declares no rust-version", package["name"]));
        assert_eq!(
            version_parts(declared),
            version_parts(needed.0),
            "{} declares Rust {declared}; {:?} needs {}",
            package["name"],
            needed.1,
            needed.0
        );
    }
}

/// A YAML file as JSON, read by PyYAML (installed with pre-commit).
fn yaml(path: &Path) -> Value {
    let output = Command::new(tools().join("python"))
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", both(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs the composite action's steps from `first` on as the runner does
/// (`bash -e -o pipefail`, inputs through each step's `env`, `$GITHUB_PATH`
/// added to `PATH` for the next steps), with `inputs` over the defaults;
/// pip finds `ferry-migrate` among the wheels built here instead of on PyPI.
/// Returns the last step's output.
fn run_action(
    action: &Value,
    first: usize,
    runner: &Path,
    cwd: &Path,
    inputs: &[(&str, &str)],
) -> Output {
    let value = |name: &str| -> String {
        match inputs.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => v.to_string(),
            None => action["inputs"][name]["default"]
                .as_str()
                .unwrap_or_else(|| panic!("no input `{name}` with a default"))
                .to_string(),
        }
    };
    let github_path = runner.join("github_path");
    if first == 0 {
        std::fs::write(&github_path, "").unwrap();
    }
    let mut last = None;
    for step in &action["runs"]["steps"].as_array().unwrap()[first..] {
        assert_eq!(step["shell"], "bash");
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "inputs reach a script only through env: {script}"
        );
        let added: Vec<PathBuf> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .map(PathBuf::from)
            .collect();
        let path = std::env::join_paths(
            added
                .into_iter()
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        let mut command = Command::new("bash");
        command
            .args([
                "--noprofile",
                "--norc",
                "-e",
                "-o",
                "pipefail",
                "-c",
                script,
            ])
            .current_dir(cwd)
            .env_remove("VIRTUAL_ENV")
            .env("PATH", path)
            .env("RUNNER_TEMP", runner)
            .env("GITHUB_PATH", &github_path)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", wheel().parent().unwrap());
        for (key, expression) in step["env"].as_object().into_iter().flatten() {
            let expression = expression.as_str().unwrap();
            let name = expression
                .strip_prefix("${{ inputs.")
                .and_then(|rest| rest.strip_suffix(" }}"))
                .unwrap_or_else(|| {
                    panic!("only `${{{{ inputs.NAME }}}}` is supported: {expression}")
                });
            command.env(key, value(name));
        }
        let output = command.output().unwrap();
        last = Some(output);
        let output = last.as_ref().unwrap();
        if !output.status.success() {
            break;
        }
    }
    last.unwrap()
}

#[test]
fn the_github_action_installs_the_package_and_annotates_the_scan() {
    let action = yaml(&repo().join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    // The version it installs by default is this one.
    assert_eq!(
        action["inputs"]["version"]["default"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(action["inputs"]["format"]["default"], "github");
    let dir = tempfile::tempdir().unwrap();
    let runner = dir.path().join("runner");
    std::fs::create_dir(&runner).unwrap();
    let project = dir.path().join("chat-service");
    copy_tree(&example(), &project);

    // The defaults: annotations in the log; findings fail the step.
    let output = run_action(&action, 0, &runner, &project, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    assert_eq!(
        text(&output.stdout),
        text(&ferry(&project, &["scan", "--format", "github"]).stdout)
    );
    assert!(text(&output.stdout).starts_with(
        "::error file=chat/client.py,line=51,col=49,endLine=51,endColumn=62,title=WS001::"
    ));
    // The installed ferry is the package's, in the runner's temporary folder.
    let installed = std::fs::read_to_string(runner.join("github_path")).unwrap();
    assert_eq!(
        installed.trim(),
        runner.join("ferry-venv/bin").to_str().unwrap()
    );

    // SARIF to a file, with arguments passed on to `ferry scan`: the scan
    // step again (the install step's result is what a second run would get).
    let output = run_action(
        &action,
        1,
        &runner,
        &project,
        &[
            ("format", "sarif"),
            ("output", "ferry.sarif"),
            ("args", "--select WS002 chat"),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    assert_eq!(text(&output.stdout), "");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("ferry.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["WS002"]);
}

/// The tree as it is now (tracked files and the untracked ones git does not
/// ignore), committed in a repository of its own, built once per run:
/// pre-commit installs hooks from a commit, not from a work tree.
fn snapshot() -> &'static Path {
    static SNAPSHOT: OnceLock<PathBuf> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let (target, _) = build_profile();
        let dest = target.join("pre-commit/snapshot");
        let _ = std::fs::remove_dir_all(&dest);
        let listed = git(
            &repo(),
            &[
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
        );
        for file in listed.split('\0').filter(|f| !f.is_empty()) {
            let from = repo().join(file);
            if !from.is_file() {
                continue; // deleted, not yet committed
            }
            let to = dest.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
        git(&dest, &["init", "-q"]);
        git(&dest, &["add", "-A"]);
        git(&dest, &["commit", "-q", "-m", "the tree under test"]);
        dest
    })
}

const CLEAN: &str = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, additional_headers=h)\n";
const NEEDS_FIX: &str = "import websockets\n\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n";

/// A repository with `files` committed, then `staged` added (as pre-commit
/// sees a file about to be committed).
fn project(dir: &Path, files: &[(&str, &str)], staged: &[(&str, &str)]) -> PathBuf {
    let project = dir.join("project");
    std::fs::create_dir(&project).unwrap();
    git(&project, &["init", "-q"]);
    for (name, content) in files.iter().chain(staged) {
        std::fs::write(project.join(name), content).unwrap();
    }
    for (name, _) in files {
        git(&project, &["add", name]);
    }
    git(&project, &["commit", "-q", "--allow-empty", "-m", "files"]);
    for (name, _) in staged {
        git(&project, &["add", name]);
    }
    project
}

/// `pre-commit try-repo` of the snapshot in `project`. pre-commit builds the
/// package from source there (`pip install .`, maturin, cargo); to keep that
/// short, cargo builds with this test's profile in the shared build folder,
/// Ferry's crates without debug information (which also keeps them apart
/// from every other build of the same crates), and pip takes the pinned
/// maturin.
fn try_repo(project: &Path, out: &str, args: &[&str]) -> Output {
    let (_, profile) = build_profile();
    let mut maturin_args =
        format!("--profile {profile} --locked --strip --compression-method stored");
    for entry in std::fs::read_dir(repo().join("crates")).unwrap() {
        let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml")).unwrap();
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap();
        maturin_args.push_str(&format!(
            " --config profile.{profile}.package.{name}.debug=false"
        ));
    }
    tool("pre-commit", &format!("pre-commit/{out}"))
        .arg("try-repo")
        .arg(snapshot())
        .args(args)
        .current_dir(project)
        .env(
            "PRE_COMMIT_HOME",
            project.parent().unwrap().join("pre-commit-home"),
        )
        .env("PRE_COMMIT_COLOR", "never")
        .env("MATURIN_PEP517_ARGS", maturin_args)
        // A new clone each time: nothing incremental to reuse.
        .env("CARGO_INCREMENTAL", "0")
        .env(
            "PIP_CONSTRAINT",
            repo().join("scripts/wheel-requirements.txt"),
        )
        .output()
        .unwrap()
}

/// Both hooks (pre-commit runs a repository's hooks by id: ferry-check,
/// then ferry-fix) on a commit that adds a file needing a fix beside one
/// that needs none: the check fails and names that file only; the fix
/// writes it although it is only staged, and fails as pre-commit hooks that
/// change files do.
#[test]
fn pre_commit_hooks_fail_on_a_file_that_needs_a_fix_and_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(
        dir.path(),
        &[("clean.py", CLEAN)],
        &[("needs_fix.py", NEEDS_FIX)],
    );
    let output = try_repo(&project, "fix", &["--all-files"]);
    let printed = both(&output);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    let check = printed
        .split_once("\nferry fix --check...")
        .expect("ferry-check ran")
        .1;
    assert!(
        check.starts_with(".") && check.contains("...Failed\n- hook id: ferry-check\n- exit code: 1\n\nWould fix 1 finding: needs_fix.py\nWould fix 1 finding in 1 file.\n\nferry fix..."),
        "{printed}"
    );
    assert!(
        printed.contains("...Failed\n- hook id: ferry-fix\n- files were modified by this hook\n\nFixed 1 finding in 1 file.\n"),
        "{printed}"
    );
    assert!(!printed.contains("clean.py"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(project.join("needs_fix.py")).unwrap(),
        NEEDS_FIX.replace("extra_headers", "additional_headers")
    );
    assert_eq!(
        std::fs::read_to_string(project.join("clean.py")).unwrap(),
        CLEAN
    );
}

/// The check on a repository whose file needs no fix passes.
#[test]
fn pre_commit_check_hook_passes_on_a_file_that_needs_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path(), &[("clean.py", CLEAN)], &[]);
    let output = try_repo(&project, "check", &["ferry-check", "--all-files"]);
    let printed = both(&output);
    assert_eq!(output.status.code(), Some(0), "{printed}");
    assert!(
        printed.contains("\nferry fix --check...") && printed.ends_with("...Passed\n"),
        "{printed}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("clean.py")).unwrap(),
        CLEAN
    );
}

/// The README's Install section: the Rust version is the declared one, the
/// pre-commit snippet names hooks that exist, and the workflow snippets use
/// this release of the action with inputs it has.
#[test]
fn the_readme_install_section_matches_the_files_it_documents() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let install = readme
        .split_once("\n## Install\n")
        .and_then(|(_, rest)| rest.split_once("\n## "))
        .expect("the README has an Install section")
        .0;
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let rust = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    assert!(
        install.contains(&format!("**Rust {rust}** or newer")),
        "{install}"
    );
    for command in [
        "pipx install ferry-migrate",
        "uv tool install ferry-migrate",
        "uvx --from ferry-migrate ferry scan",
        "cargo install --locked --path crates/ferry",
    ] {
        assert!(install.contains(command), "{command}");
    }
    // Its YAML blocks, as PyYAML reads them.
    let dir = tempfile::tempdir().unwrap();
    let mut snippets = Vec::new();
    for (i, block) in install.split("```yaml\n").skip(1).enumerate() {
        let file = dir.path().join(format!("{i}.yaml"));
        std::fs::write(&file, block.split_once("```").unwrap().0).unwrap();
        snippets.push(yaml(&file));
    }
    assert_eq!(snippets.len(), 3);
    let hooks = yaml(&repo().join(".pre-commit-hooks.yaml"));
    let hook_ids: Vec<&str> = hooks
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(hook_ids, ["ferry-fix", "ferry-check"]);
    let configured = &snippets[0]["repos"][0];
    assert_eq!(configured["rev"], format!("v{}", env!("CARGO_PKG_VERSION")));
    for hook in configured["hooks"].as_array().unwrap() {
        assert!(hook_ids.contains(&hook["id"].as_str().unwrap()), "{hook}");
    }
    let action = yaml(&repo().join("action.yml"));
    let steps = snippets[1]["jobs"]["ferry"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .chain(snippets[2].as_array().unwrap());
    let mut uses_ferry = 0;
    for step in steps {
        let Some(uses) = step["uses"].as_str() else {
            continue;
        };
        if let Some(version) = uses.strip_prefix("OWNER/ferry@") {
            uses_ferry += 1;
            assert_eq!(version, format!("v{}", env!("CARGO_PKG_VERSION")));
            for input in step["with"].as_object().unwrap().keys() {
                assert!(action["inputs"].get(input).is_some(), "no input `{input}`");
            }
        }
    }
    assert_eq!(uses_ferry, 2);
}

/// The changelog keeps its Unreleased section, which lists what this work adds.
#[test]
fn the_changelog_lists_the_unreleased_additions() {
    let changelog = std::fs::read_to_string(repo().join("CHANGELOG.md")).unwrap();
    let unreleased = changelog
        .split_once("\n## [Unreleased]\n")
        .expect("an Unreleased section")
        .1;
    let unreleased = unreleased.split("\n## [").next().unwrap();
    for heading in unreleased.lines().filter(|l| l.starts_with("### ")) {
        assert!(
            [
                "### Added",
                "### Changed",
                "### Deprecated",
                "### Removed",
                "### Fixed",
                "### Security"
            ]
            .contains(&heading),
            "{heading} is not a Keep a Changelog heading"
        );
    }
    for item in [
        "`ferry-migrate`",
        "`.pre-commit-hooks.yaml`",
        "`action.yml`",
        "`ferry scan --format github`",
        "`ferry version`",
    ] {
        assert!(unreleased.contains(item), "{item}");
    }
}
