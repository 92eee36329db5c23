//! Packs as data, end to end: a pack written only in TOML (tests/packs/acme)
//! for a library this test builds as two real wheels (acme-client 1.0 and
//! 2.0, with pip and flit_core), scanned, fixed, planned and reported like a
//! built-in pack, with the fixed code run on the real releases; and every
//! error `ferry pack check` and `ferry pack test` report.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{ferry, ferry_command, text, venv};

fn acme_pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/acme")
}

fn write(root: &Path, rel: &str, content: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const PYPROJECT: &str = "[build-system]\nrequires = [\"flit_core>=3.2,<4\"]\nbuild-backend = \"flit_core.buildapi\"\n\n[project]\nname = \"acme-client\"\nversion = \"VERSION\"\ndescription = \"A library made by Ferry's tests\"\n\n[tool.flit.module]\nname = \"acme\"\n";

/// acme-client 1.0 and 2.0, each installed from its own wheel into a
/// folder of its own: `(release 1.0, release 2.0)`, for `PYTHONPATH`.
fn acme_releases() -> &'static (PathBuf, PathBuf) {
    &acme_build().0
}

/// The folder of the two wheels.
fn acme_wheels() -> &'static Path {
    &acme_build().1
}

/// Builds both wheels once per test run: the releases' folders, and the wheels'.
fn acme_build() -> &'static ((PathBuf, PathBuf), PathBuf) {
    static RELEASES: OnceLock<((PathBuf, PathBuf), PathBuf)> = OnceLock::new();
    RELEASES.get_or_init(|| {
        let python = venv("venv-pack-build", "scripts/pack-build-requirements.txt");
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("acme-client");
        let _ = std::fs::remove_dir_all(&root);
        let v1 = root.join("src-1.0");
        write(&v1, "pyproject.toml", &PYPROJECT.replace("VERSION", "1.0"));
        write(
            &v1,
            "acme/__init__.py",
            "\"\"\"acme-client 1.0.\"\"\"\n\n\nclass Session:\n    pass\n\n\ndef connect(url, timeout=None, retries=0, verify=True):\n    return {\"url\": url, \"timeout\": timeout, \"retries\": retries}\n",
        );
        write(&v1, "acme/legacy.py", "def connect_v1(url):\n    return url\n");
        let v2 = root.join("src-2.0");
        write(&v2, "pyproject.toml", &PYPROJECT.replace("VERSION", "2.0"));
        write(
            &v2,
            "acme/__init__.py",
            "\"\"\"acme-client 2.0.\"\"\"\n\n\ndef connect(url, connect_timeout=None, ssl=None):\n    return {\"url\": url, \"timeout\": connect_timeout}\n",
        );
        write(&v2, "acme/sessions.py", "class Session:\n    pass\n");
        let wheels = root.join("wheels");
        let pip = |args: &[&str]| {
            let output = Command::new(&python)
                .args(["-m", "pip", "--disable-pip-version-check", "--no-input"])
                .args(args)
                .output()
                .expect("pip runs");
            assert!(output.status.success(), "pip {args:?}:\n{}", text(&output));
        };
        // One at a time: pip resolves the folders of one call together.
        for source in [&v1, &v2] {
            pip(&[
                "wheel",
                "--no-build-isolation",
                "--no-deps",
                "--no-index",
                "-w",
                wheels.to_str().unwrap(),
                source.to_str().unwrap(),
            ]);
        }
        let install = |release: &str| {
            let target = root.join(format!("site-{release}"));
            pip(&[
                "install",
                "--no-index",
                "--find-links",
                wheels.to_str().unwrap(),
                "--target",
                target.to_str().unwrap(),
                &format!("acme-client=={release}"),
            ]);
            target
        };
        ((install("1.0"), install("2.0")), wheels)
    })
}

/// Runs `file` with the test venv's Python and `site` on its path.
fn run_python(file: &Path, site: &Path) -> Output {
    let python = std::env::var("FERRY_TEST_PYTHON")
        .expect("FERRY_TEST_PYTHON names a Python (see scripts/test)");
    Command::new(python)
        .arg(file)
        .env("PYTHONPATH", site)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs")
}

const APP: &str = "import acme\nfrom acme import Session\n\n\ndef main():\n    Session()\n    # retries is gone in 2.0\n    connection = acme.connect(\"https://example.invalid\", timeout=5, retries=2)\n    assert connection[\"timeout\"] == 5\n    print(\"ok\")\n\n\nmain()\n";

const FIXED_APP: &str = "import acme\nfrom acme.sessions import Session\n\n\ndef main():\n    Session()\n    # retries is gone in 2.0\n    connection = acme.connect(\"https://example.invalid\", connect_timeout=5)\n    assert connection[\"timeout\"] == 5\n    print(\"ok\")\n\n\nmain()\n";

#[test]
fn a_pack_written_in_toml_is_scanned_fixed_planned_and_reported_and_its_fixes_run() {
    let (v1, v2) = acme_releases();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "requirements.txt", "acme-client>=2.0\n");
    write(root, "app.py", APP);
    std::fs::copy(acme_pack().join("pack.toml"), root.join("acme.toml")).unwrap();

    // The code is right for 1.0 and breaks on 2.0: the facts the pack states.
    let app = root.join("app.py");
    let on_v1 = run_python(&app, v1);
    assert!(on_v1.status.success(), "{}", text(&on_v1));
    let on_v2 = run_python(&app, v2);
    assert!(!on_v2.status.success());
    assert!(
        text(&on_v2).contains("cannot import name 'Session'"),
        "{}",
        text(&on_v2)
    );

    let scan = ferry(root, &["scan", "--pack", "acme.toml", "--format", "json"]);
    assert_eq!(scan.status.code(), Some(1), "{}", text(&scan));
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let codes: Vec<&str> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["AC003", "AC001", "AC002"], "{json:#}");

    // The same pack named in ferry.toml, beside the built-in one.
    write(
        root,
        "ferry.toml",
        "packs = [\"websockets\", \"./acme.toml\"]\n",
    );
    let plan = ferry(root, &["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["phases"][0]["safe_fixes"], 3, "{plan:#}");
    assert!(
        plan["targets"].to_string().contains("acme-client"),
        "{plan:#}"
    );

    let fix = ferry(root, &["fix", "--allow-no-vcs", "--report", "report.json"]);
    assert_eq!(fix.status.code(), Some(0), "{}", text(&fix));
    assert_eq!(std::fs::read_to_string(&app).unwrap(), FIXED_APP);
    let fixed_on_v2 = run_python(&app, v2);
    assert!(fixed_on_v2.status.success(), "{}", text(&fixed_on_v2));
    assert_eq!(String::from_utf8_lossy(&fixed_on_v2.stdout), "ok\n");

    // The completion report counts the data rules' changes by rule.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("report.json")).unwrap()).unwrap();
    let applied = &report["files"][0]["applied_by_rule"];
    for code in ["AC001", "AC002", "AC003"] {
        assert_eq!(applied[code], 1, "{code}: {report:#}");
    }

    let explain = ferry(root, &["explain", "ac001"]);
    assert!(text(&explain).contains("acme pack"), "{}", text(&explain));
    let rules = ferry(root, &["rules"]);
    assert!(
        text(&rules).contains("AC005  VerifyRemoved"),
        "{}",
        text(&rules)
    );
}

#[test]
fn the_pins_decide_for_a_data_pack_as_for_a_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "requirements.txt", "acme-client<2\n");
    write(root, "app.py", APP);
    let pack = acme_pack().join("pack.toml");
    let pack = pack.to_str().unwrap();
    let scan = ferry(root, &["scan", "--pack", pack]);
    assert_eq!(scan.status.code(), Some(0), "{}", text(&scan));
    assert!(
        text(&scan).contains("acme-client is pinned below 2"),
        "{}",
        text(&scan)
    );
    let scan = ferry(
        root,
        &["scan", "--pack", pack, "--target", "acme-client==2.0"],
    );
    assert_eq!(scan.status.code(), Some(1), "{}", text(&scan));
    assert!(text(&scan).contains("AC900"), "{}", text(&scan));
}

#[test]
fn pack_test_runs_the_fixtures() {
    let output = ferry(
        Path::new("."),
        &["pack", "test", acme_pack().to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).contains("9 fixtures: 9 passed, 0 failed."),
        "{}",
        text(&output)
    );
}

/// A copy of the acme pack folder to break.
fn pack_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&acme_pack(), dir.path());
    dir
}

#[test]
fn pack_test_reports_each_failing_fixture() {
    let dir = pack_copy();
    let root = dir.path();
    let fixtures = root.join("fixtures");
    // A wrong expectation, a clean file with a finding, a file with none,
    // and a bad directive.
    write(&fixtures, "AC001/aliases.fixed.py", "import functools\n");
    write(
        &fixtures,
        "AC002/found.clean.py",
        "import acme\nacme.connect('u', retries=1)\n",
    );
    write(&fixtures, "AC003/nothing.py", "import acme\n");
    write(
        &fixtures,
        "AC004/directive.py",
        "# ferry-test: target acme-client\nimport acme.legacy\n",
    );
    let output = ferry(root, &["pack", "test", "."]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  ./fixtures/AC001/aliases.py"),
        "{shown}"
    );
    assert!(shown.contains("the fixed text differs from"), "{shown}");
    assert!(
        shown.contains("+import acme\n") || shown.contains("+import acme"),
        "{shown}"
    );
    assert!(
        shown.contains("a negative fixture, but AC002 reports"),
        "{shown}"
    );
    assert!(shown.contains("AC003 finds nothing here"), "{shown}");
    assert!(
        shown.contains("expected `# ferry-test: target|floor LIB==VERSION`"),
        "{shown}"
    );
    assert!(
        shown.contains("12 fixtures: 8 passed, 4 failed."),
        "{shown}"
    );
}

#[test]
fn pack_test_refuses_a_folder_it_cannot_run() {
    let dir = pack_copy();
    let root = dir.path();
    write(root, "fixtures/AC999/x.py", "import acme\n");
    let output = ferry(root, &["pack", "test", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("`AC999` is not a rule of pack `acme`"),
        "{}",
        text(&output)
    );

    let empty = tempfile::tempdir().unwrap();
    let output = ferry(empty.path(), &["pack", "test", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("pack.toml: cannot read the pack"),
        "{}",
        text(&output)
    );

    std::fs::remove_dir_all(root.join("fixtures")).unwrap();
    std::fs::create_dir(root.join("fixtures")).unwrap();
    let output = ferry(root, &["pack", "test", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("no fixture"), "{}", text(&output));
}

#[test]
fn pack_check_accepts_a_valid_pack_and_names_the_line_of_each_error() {
    let output = ferry(
        Path::new("."),
        &["pack", "check", acme_pack().to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output)
            .contains("5 rules (2 flag, 1 move-name, 1 remove-keyword, 1 rename-keyword). Valid."),
        "{}",
        text(&output)
    );

    let original = std::fs::read_to_string(acme_pack().join("pack.toml")).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "old = \"timeout\"",
            "olde = \"timeout\"",
            ":40: unknown field `olde`",
        ),
        (
            "kind = \"remove-keyword\"",
            "kind = \"drop-keyword\"",
            ":46: rule `AC002`: unknown kind `drop-keyword`",
        ),
        (
            "code = \"AC002\"",
            "code = \"AC001\"",
            "`AC001` is already used by the rule on line 14",
        ),
        (
            "names = [\"acme.legacy\"]",
            "names = [\"acme..legacy\"]",
            "is not a qualified name",
        ),
        (
            "old = \"acme.Session\"",
            "old = \"requests.Session\"",
            "not under the library's packages (acme)",
        ),
        (
            "breaking = \"2.0\"",
            "breaking = \"two\"",
            ":12: `breaking` `two` is not a release",
        ),
        (
            "prefix = \"AC\"",
            "prefix = \"WS\"",
            "code `AC001` must be the pack's prefix `WS`",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(original.contains(from), "{from}");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "pack.toml", &original.replacen(from, to, 1));
        let output = ferry(dir.path(), &["pack", "check", "pack.toml"]);
        assert_eq!(output.status.code(), Some(2), "{to}: {}", text(&output));
        assert!(
            text(&output).contains(expected),
            "{to}: expected `{expected}` in:\n{}",
            text(&output)
        );
        assert!(text(&output).contains("pack.toml"), "{}", text(&output));
    }

    // A pack whose codes are a built-in pack's cannot run beside it.
    let dir = tempfile::tempdir().unwrap();
    let clash = original
        .replace("prefix = \"AC\"", "prefix = \"WS\"")
        .replace("code = \"AC", "code = \"WS");
    write(dir.path(), "pack.toml", &clash);
    let output = ferry(dir.path(), &["pack", "check", "pack.toml"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("packs `websockets` and `acme` both have a rule `WS001`"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_broken_pack_in_the_configuration_stops_the_run_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "broken.toml", "name = \"x\"\n");
    write(root, "ferry.toml", "packs = [\"./broken.toml\"]\n");
    write(root, "app.py", "import acme\n");
    let output = ferry(root, &["scan"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("broken.toml"), "{}", text(&output));
    assert!(text(&output).contains("missing field"), "{}", text(&output));
}

/// `ferry pack check --old/--new` with the wheels of `wheels`, in a cache the
/// runs share.
fn check_on_releases(dir: &Path, pack: &Path, old: &str, new: &str, wheels: &Path) -> Output {
    let python = std::env::var("FERRY_TEST_PYTHON").expect("FERRY_TEST_PYTHON is set");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ferry-cache-packs");
    ferry_command(
        dir,
        &[
            "pack",
            "check",
            pack.to_str().unwrap(),
            "--old",
            old,
            "--new",
            new,
            "--find-links",
            wheels.to_str().unwrap(),
            "--python",
            &python,
        ],
    )
    .env("FERRY_CACHE_DIR", cache)
    .output()
    .expect("ferry runs")
}

#[test]
fn pack_check_proves_the_facts_on_the_real_releases() {
    let here = Path::new(".");
    let output = check_on_releases(
        here,
        &acme_pack(),
        "acme-client==1.0",
        "acme-client==2.0",
        acme_wheels(),
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("ok    AC001  `acme.connect` takes `connect_timeout` in 2.0"),
        "{shown}"
    );
    assert!(
        shown.contains("ok    AC004  `acme.legacy` is gone in 2.0"),
        "{shown}"
    );
    assert!(
        shown
            .contains("10 facts checked on acme-client 1.0 and 2.0: 0 contradicted, 0 to look at."),
        "{shown}"
    );

    // A pack that gets the facts wrong: the releases say so.
    let dir = tempfile::tempdir().unwrap();
    let wrong = std::fs::read_to_string(acme_pack().join("pack.toml"))
        .unwrap()
        .replace("new = \"connect_timeout\"", "new = \"timeout_seconds\"")
        .replace(
            "new = \"acme.sessions.Session\"",
            "new = \"acme.session.Session\"",
        )
        .replace("names = [\"acme.legacy\"]", "names = [\"acme.old\"]");
    write(dir.path(), "pack.toml", &wrong);
    let output = check_on_releases(
        dir.path(),
        Path::new("pack.toml"),
        "acme-client==1.0",
        "acme-client==2.0",
        acme_wheels(),
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  AC001  `acme.connect` takes no `timeout_seconds` in 2.0"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "FAIL  AC003  `acme.session.Session`, which the fix writes, does not exist in 2.0"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("FAIL  AC004  `acme.old` does not exist in 1.0: nothing to flag"),
        "{shown}"
    );
    assert!(shown.contains("3 contradicted"), "{shown}");

    // Reversed releases: the old names are the new release's.
    let output = check_on_releases(
        here,
        &acme_pack(),
        "acme-client==2.0",
        "acme-client==1.0",
        acme_wheels(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("FAIL  AC001  `acme.connect` still takes `timeout` by name in 1.0"),
        "{}",
        text(&output)
    );
}

#[test]
fn pack_check_refuses_releases_it_cannot_use() {
    let here = Path::new(".");
    let output = check_on_releases(
        here,
        &acme_pack(),
        "requests==1.0",
        "acme-client==2.0",
        acme_wheels(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output)
            .contains("--old `requests==1.0`: the pack is about `acme-client`, not `requests`"),
        "{}",
        text(&output)
    );
    let output = check_on_releases(
        here,
        &acme_pack(),
        "acme-client==1.0",
        "acme-client",
        acme_wheels(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("--new `acme-client`: expected LIB==VERSION"),
        "{}",
        text(&output)
    );
    // A release no index or folder has: pip's own reason, and no venv left.
    let output = check_on_releases(
        here,
        &acme_pack(),
        "acme-client==1.0",
        "acme-client==9.9",
        acme_wheels(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("acme-client==9.9"),
        "{}",
        text(&output)
    );
    let output = ferry(
        here,
        &[
            "pack",
            "check",
            acme_pack().to_str().unwrap(),
            "--old",
            "acme-client==1.0",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--new"), "{}", text(&output));
}

#[test]
fn sarif_and_json_carry_the_data_rules_like_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.py", APP);
    let pack = acme_pack().join("pack.toml");
    let sarif = ferry(
        root,
        &[
            "scan",
            "--pack",
            pack.to_str().unwrap(),
            "--format",
            "sarif",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ac001 = rules
        .iter()
        .find(|r| r["id"] == "AC001")
        .expect("AC001 is described");
    assert_eq!(ac001["name"], "ConnectTimeout");
    assert!(ac001["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## Fix safety"));
    let results: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["AC003", "AC001", "AC002"]);
    let rules = ferry(
        root,
        &[
            "rules",
            "--pack",
            pack.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let rules: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    let pack_of = |code: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| r["pack"].clone())
    };
    assert_eq!(pack_of("AC002"), Some("acme".into()));
    assert_eq!(pack_of("AC900"), Some("acme".into()));
    assert_eq!(pack_of("WS001"), Some("websockets".into()));
}

/// A library that breaks in a minor release (httpx 0.28, Python 3.13):
/// pins and targets are judged at that release, not at a major one.
#[test]
fn a_pack_breaking_in_a_minor_release_reads_pins_at_that_release() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pack = std::fs::read_to_string(acme_pack().join("pack.toml"))
        .unwrap()
        .replace("breaking = \"2.0\"", "breaking = \"0.28\"");
    write(root, "acme.toml", &pack);
    write(root, "app.py", APP);
    let scan = |requirement: &str, extra: &[&str]| {
        write(root, "requirements.txt", requirement);
        let mut args = vec!["scan", "--pack", "acme.toml"];
        args.extend(extra);
        let output = ferry(root, &args);
        (output.status.code(), text(&output))
    };
    let (code, shown) = scan("acme-client>=0.27,<0.28\n", &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("acme-client is pinned below 0.28"),
        "{shown}"
    );
    let (code, shown) = scan("acme-client>=0.28\n", &[]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("AC001"), "{shown}");
    let (code, shown) = scan("acme-client\n", &["--target", "acme-client==0.27.2"]);
    assert_eq!(code, Some(0), "{shown}");
    let (code, shown) = scan(
        "acme-client~=0.27.0\n",
        &["--target", "acme-client==0.28.1"],
    );
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("AC900"), "{shown}");
}

/// A pack whose library is `python` migrates the interpreter: its target
/// and floor come from what the project declares about Python.
#[test]
fn a_python_pack_reads_the_interpreter_the_project_declares() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "py.toml",
        "name = \"py\"\nsummary = \"s\"\nprefix = \"PT\"\n\n[library]\nname = \"python\"\npackages = [\"collections\"]\nbreaking = \"3.10\"\n\n[[rules]]\ncode = \"PT001\"\nname = \"AbcAliases\"\nkind = \"move-name\"\nsummary = \"`collections.Mapping` is `collections.abc.Mapping` (removed in 3.10).\"\nold = \"collections.Mapping\"\nnew = \"collections.abc.Mapping\"\n# collections.abc exists since 3.3.\nrequires = \"3.3\"\n",
    );
    write(
        root,
        "app.py",
        "import collections\n\nassert isinstance({}, collections.Mapping)\n",
    );
    let scan = |args: &[&str]| {
        let mut all = vec!["scan", "--pack", "py.toml", "--select", "PT"];
        all.extend(args);
        let output = ferry(root, &all);
        (output.status.code(), text(&output))
    };
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\nrequires-python = \">=3.8,<3.10\"\n",
    );
    let (code, shown) = scan(&[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("python is pinned below 3.10 in pyproject.toml:3"),
        "{shown}"
    );
    let (code, shown) = scan(&["--target", "python==3.13"]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("PT001"), "{shown}");
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\nrequires-python = \">=3.8\"\n",
    );
    let (code, shown) = scan(&[]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("1 fixable with `ferry fix`"), "{shown}");
    // The nearest declaration above a file wins: a subproject on 3.9 only.
    write(root, "legacy/.python-version", "3.9.18\n");
    write(
        root,
        "legacy/old.py",
        "import collections\n\nassert isinstance({}, collections.Mapping)\n",
    );
    let (_, shown) = scan(&[]);
    assert!(shown.contains("app.py:3"), "{shown}");
    assert!(!shown.contains("legacy/old.py:3"), "{shown}");
}

#[test]
fn pack_test_names_fixtures_it_cannot_read_or_parse() {
    let dir = pack_copy();
    let root = dir.path();
    let fixtures = root.join("fixtures");
    write(
        &fixtures,
        "AC001/broken.py",
        "import acme\nacme.connect(u, timeout=\n",
    );
    std::fs::write(fixtures.join("AC001/utf16.py"), b"\xff\xfei\x00m\x00").unwrap();
    let output = ferry(root, &["pack", "test", "."]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  ./fixtures/AC001/broken.py\n      does not parse"),
        "{shown}"
    );
    assert!(
        shown.contains("FAIL  ./fixtures/AC001/utf16.py\n      cannot decode"),
        "{shown}"
    );

    // A file among the rule folders is a layout error: the run stops.
    write(&fixtures, "notes.txt", "stray\n");
    let output = ferry(root, &["pack", "test", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("only folders named after rule codes belong in `fixtures`"),
        "{}",
        text(&output)
    );
}

#[test]
fn pack_test_update_writes_and_removes_expected_outputs() {
    let dir = pack_copy();
    let root = dir.path();
    let fixtures = root.join("fixtures");
    std::fs::remove_file(fixtures.join("AC001/aliases.fixed.py")).unwrap();
    // An expected output for a fixture whose fix changes nothing.
    write(&fixtures, "AC001/both_keywords.fixed.py", "stale\n");
    let output = ferry(root, &["pack", "test", ".", "--update"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("updated ./fixtures/AC001/aliases.py"),
        "{shown}"
    );
    assert!(
        shown.contains("updated ./fixtures/AC001/both_keywords.py"),
        "{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(fixtures.join("AC001/aliases.fixed.py")).unwrap(),
        std::fs::read_to_string(acme_pack().join("fixtures/AC001/aliases.fixed.py")).unwrap()
    );
    assert!(!fixtures.join("AC001/both_keywords.fixed.py").exists());
    let again = ferry(root, &["pack", "test", "."]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> serde_json::Value {
    let path = repo().join("docs/pack.schema.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Every pack file of the repository: `packs/*/pack.toml` and the test packs.
fn repository_packs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in [repo().join("packs"), acme_pack().join("..")] {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let file = entry.unwrap().path().join("pack.toml");
            if file.is_file() {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

/// The pack file as JSON, as an editor's TOML support gives it to the schema.
fn as_json(text: &str) -> serde_json::Value {
    toml::from_str(text).expect("TOML")
}

/// `docs/packs.md`'s fenced blocks whose info string is `info`.
fn doc_blocks(info: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(repo().join("docs/packs.md")).unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<String> = None;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        match open.as_mut() {
            None if trimmed.strip_prefix("```").map(str::trim) == Some(info) => {
                open = Some(String::new());
            }
            None => {}
            Some(_) if trimmed == "```" => blocks.push(open.take().unwrap()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// Validates each `(name, document)` with the real `jsonschema` package
/// against `docs/pack.schema.json` (checked first against its metaschema):
/// the names of the documents it rejects, each with its first error.
fn schema_rejects(documents: &[(String, serde_json::Value)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("documents.json");
    let named: serde_json::Map<String, serde_json::Value> = documents.iter().cloned().collect();
    assert_eq!(named.len(), documents.len(), "document names are unique");
    std::fs::write(&input, serde_json::to_string(&named).unwrap()).unwrap();
    let script = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
assert cls is jsonschema.Draft202012Validator, cls
validator = cls(schema)
for name, document in json.load(open(sys.argv[2])).items():
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        print(f"{name}: {'/'.join(map(str, errors[0].path))}: {errors[0].message}")
"#;
    let output = Command::new(common::sarif_validator())
        .args(["-c", script])
        .arg(repo().join("docs/pack.schema.json"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_schema_accepts_every_pack_of_the_repository_and_the_docs_and_rejects_what_ferry_rejects() {
    let mut valid = Vec::new();
    for file in repository_packs() {
        let text = std::fs::read_to_string(&file).unwrap();
        ferry_packs::parse_pack(&text).unwrap_or_else(|err| panic!("{}: {err:?}", file.display()));
        valid.push((file.display().to_string(), as_json(&text)));
    }
    assert!(valid.len() >= 2, "{valid:?}");
    let packs = doc_blocks("toml pack");
    let base = packs.first().expect("docs/packs.md has a complete pack");
    for (i, pack) in packs.iter().enumerate() {
        valid.push((format!("docs/packs.md pack {i}"), as_json(pack)));
    }
    for (i, rules) in doc_blocks("toml rules").iter().enumerate() {
        valid.push((
            format!("docs/packs.md rules {i}"),
            as_json(&format!("{base}\n{rules}")),
        ));
    }
    let rejected = schema_rejects(&valid);
    assert!(rejected.is_empty(), "{}", rejected.join("\n"));

    // Packs Ferry refuses: the schema refuses them too.
    let acme = std::fs::read_to_string(acme_pack().join("pack.toml")).unwrap();
    let broken: &[(&str, &str, &str)] = &[
        (
            "unknown top-level key",
            "prefix = \"AC\"",
            "prefix = \"AC\"\nprefixes = 1",
        ),
        (
            "unknown library key",
            "breaking = \"2.0\"",
            "breaking = \"2.0\"\nbreak = \"2.0\"",
        ),
        (
            "unknown rule key",
            "old = \"timeout\"",
            "olde = \"timeout\"",
        ),
        (
            "unknown kind",
            "kind = \"remove-keyword\"",
            "kind = \"drop-keyword\"",
        ),
        (
            "a field the kind refuses",
            "keyword = \"retries\"",
            "keyword = \"retries\"\nnames = [\"acme.x\"]",
        ),
        (
            "a flag without message",
            "message = \"`acme.legacy`",
            "title = \"`acme.legacy`",
        ),
        (
            "a flag with names and keyword",
            "names = [\"acme.legacy\"]",
            "names = [\"acme.legacy\"]\nkeyword = \"x\"",
        ),
        (
            "a move without new",
            "new = \"acme.sessions.Session\"\n",
            "",
        ),
        (
            "a move to a bare name",
            "new = \"acme.sessions.Session\"",
            "new = \"Session\"",
        ),
        (
            "a signed release",
            "breaking = \"2.0\"",
            "breaking = \"+2.0\"",
        ),
        (
            "a release that is not one",
            "breaking = \"2.0\"",
            "breaking = \"two\"",
        ),
        ("a lowercase prefix", "prefix = \"AC\"", "prefix = \"ac\""),
        (
            "an empty summary",
            "summary = \"`acme.legacy` is gone in acme-client 2.0.\"",
            "summary = \" \"",
        ),
        (
            "a keyword that is not a name",
            "keyword = \"verify\"",
            "keyword = \"ver-ify\"",
        ),
        ("no packages", "packages = [\"acme\"]", "packages = []"),
    ];
    let mut invalid = Vec::new();
    for (name, from, to) in broken {
        assert!(acme.contains(from), "{name}: {from}");
        let text = acme.replacen(from, to, 1);
        assert!(
            ferry_packs::parse_pack(&text).is_err(),
            "{name}: Ferry accepts it"
        );
        invalid.push((name.to_string(), as_json(&text)));
    }
    let rejected = schema_rejects(&invalid);
    let names: Vec<&str> = rejected
        .iter()
        .map(|line| line.split(':').next().unwrap())
        .collect();
    for (name, _, _) in broken {
        assert!(
            names.contains(name),
            "the schema accepts {name}; it rejects:\n{}",
            rejected.join("\n")
        );
    }
}

/// The keys a table of the pack file takes, as `parse_pack`'s `unknown
/// field` error lists them ("expected one of `a`, `b`", "expected `a` or `b`").
fn accepted_keys(text: &str) -> Vec<String> {
    let err = ferry_packs::parse_pack(text).expect_err("an unknown key is an error");
    assert!(err.message.contains("unknown field `not-a-key`"), "{err:?}");
    let (_, expected) = err.message.split_once("expected").unwrap();
    let mut keys: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    keys.sort();
    keys
}

fn schema_keys(table: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = table["properties"]
        .as_object()
        .expect("a table of the schema lists its properties")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    assert_eq!(
        table["additionalProperties"], false,
        "the schema refuses unknown keys, as Ferry does"
    );
    keys
}

#[test]
fn the_schema_has_exactly_the_keys_ferry_accepts() {
    let acme = std::fs::read_to_string(acme_pack().join("pack.toml")).unwrap();
    let with = |after: &str, line: &str| {
        assert!(acme.contains(after), "{after}");
        acme.replacen(after, &format!("{after}\n{line}"), 1)
    };
    let schema = schema();
    let defs = &schema["$defs"];
    let pairs = [
        (
            "top level",
            with("prefix = \"AC\"", "not-a-key = 1"),
            &schema,
        ),
        (
            "[library]",
            with("breaking = \"2.0\"", "not-a-key = 1"),
            &defs["library"],
        ),
        (
            "[[rules]]",
            with("old = \"timeout\"", "not-a-key = 1"),
            &defs["rule"],
        ),
        (
            "moves",
            with(
                "new = \"acme.sessions.Session\"",
                "moves = [{ old = \"acme.A\", new = \"acme.b.A\", not-a-key = 1 }]",
            ),
            &defs["move"],
        ),
    ];
    for (table, text, in_schema) in pairs {
        assert_eq!(
            schema_keys(in_schema),
            accepted_keys(&text),
            "{table}: docs/pack.schema.json and crates/ferry_packs/src/format.rs disagree"
        );
    }
    // The kinds of the schema are the parser's.
    let kinds: Vec<&str> = defs["rule"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds, ferry_packs::format::KINDS);
}

#[test]
fn the_docs_show_what_pack_check_and_pack_test_print() {
    let doc = std::fs::read_to_string(repo().join("docs/packs.md")).unwrap();
    for command in [
        "ferry pack check crates/ferry/tests/packs/acme",
        "ferry pack test crates/ferry/tests/packs/acme",
    ] {
        let prompt = format!("$ {command}\n");
        let (_, after) = doc
            .split_once(&prompt)
            .unwrap_or_else(|| panic!("docs/packs.md shows `{command}`"));
        let shown = &after[..after.find("```").unwrap()];
        let args: Vec<&str> = command.split(' ').skip(1).collect();
        let output = ferry(&repo(), &args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        assert_eq!(
            shown,
            String::from_utf8_lossy(&output.stdout),
            "docs/packs.md: what `{command}` prints"
        );
    }
}

/// A Python pack's facts, on the real interpreters (pyenv's 3.9 to 3.13 on
/// the test machines; `ferry_verify::find_release` finds them).
#[test]
fn pack_check_judges_a_python_pack_on_the_real_interpreters() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pack.toml",
        "name = \"py\"\nsummary = \"s\"\nprefix = \"PT\"\n\n[library]\nname = \"python\"\npackages = [\"collections\", \"unittest\", \"imp\"]\nbreaking = \"3.10\"\n\n[[rules]]\ncode = \"PT001\"\nname = \"AbcAliases\"\nkind = \"move-name\"\nsummary = \"s\"\nrequires = \"3.3\"\nmoves = [{ old = \"collections.Mapping\", new = \"collections.abc.Mapping\" }]\n\n[[rules]]\ncode = \"PT002\"\nname = \"UnittestAliases\"\nkind = \"rename-method\"\nsummary = \"s\"\nsince = \"3.12\"\nclasses = [\"unittest.TestCase\"]\nrenames = [{ old = \"assertEquals\", new = \"assertEqual\" }]\n\n[[rules]]\ncode = \"PT003\"\nname = \"Imp\"\nkind = \"flag\"\nsummary = \"s\"\nsince = \"3.12\"\nnames = [\"imp\"]\nmessage = \"use importlib\"\n",
    );
    let check = |old: &str, new: &str| {
        let output = ferry(
            root,
            &["pack", "check", "pack.toml", "--old", old, "--new", new],
        );
        (output.status.code(), text(&output))
    };
    let (code, shown) = check("python==3.9", "python==3.13");
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("ok    PT001  `collections.Mapping` exists in 3.9"),
        "{shown}"
    );
    assert!(
        shown.contains("ok    PT003  `imp` is gone in 3.13"),
        "{shown}"
    );
    assert!(shown.contains("0 contradicted, 0 to look at"), "{shown}");
    // Each removal at its release: the alias is gone before 3.11, imp
    // lives in 3.11 and is gone in 3.12.
    let (code, shown) = check("python==3.11", "python==3.12");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  PT001  `collections.Mapping` does not exist in 3.11"),
        "{shown}"
    );
    assert!(
        shown.contains("ok    PT003  `imp` exists in 3.11"),
        "{shown}"
    );
    assert!(
        shown.contains("ok    PT003  `imp` is gone in 3.12"),
        "{shown}"
    );
    assert!(
        shown.contains("`unittest.TestCase.assertEquals` exists in 3.11"),
        "{shown}"
    );
}

#[test]
fn pack_check_says_when_a_pack_is_named_like_a_built_in_one() {
    let built_in = repo().join("packs/websockets/pack.toml");
    let output = ferry(
        Path::new("."),
        &["pack", "check", built_in.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        !text(&output).contains("named like the built-in"),
        "{}",
        text(&output)
    );
    let dir = tempfile::tempdir().unwrap();
    let edited = std::fs::read_to_string(&built_in).unwrap() + "# edited\n";
    write(dir.path(), "pack.toml", &edited);
    let output = ferry(dir.path(), &["pack", "check", "pack.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output)
            .contains("note: pack.toml: the pack is named like the built-in `websockets` pack"),
        "{}",
        text(&output)
    );
}

/// The Python pack (`packs/python`): every name it states is where it says
/// on the real interpreters, over the whole range and at each rule's own
/// removal (present on the release before its `since`, gone on it).
#[test]
fn the_python_pack_holds_on_the_real_interpreters() {
    let pack = repo().join("packs/python/pack.toml");
    let pack = pack.to_str().unwrap();
    let output = ferry(
        Path::new("."),
        &[
            "pack",
            "check",
            pack,
            "--old",
            "python==3.9",
            "--new",
            "python==3.13",
        ],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    // The notes are the opt-in deprecations (PY032), still there by design.
    assert!(shown.contains(": 0 contradicted, "), "{shown}");
    assert!(
        shown
            .lines()
            .filter(|l| l.starts_with("note"))
            .all(|l| l.contains("PY032")),
        "{shown}"
    );
    let output = ferry(Path::new("."), &["pack", "check", pack, "--at-removal"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    for group in [
        "# rules of 3.10: on 3.9 and 3.10",
        "# rules of 3.11: on 3.10 and 3.11",
        "# rules of 3.12: on 3.11 and 3.12",
        "# rules of 3.13: on 3.12 and 3.13",
    ] {
        assert!(shown.contains(group), "{group}: {shown}");
    }
    assert!(shown.contains(": 0 contradicted, "), "{shown}");
    // A rule whose `since` is a release too late fails there: `imp` is
    // already gone from 3.12, so a pack saying 3.13 is contradicted on 3.12.
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("late.toml");
    std::fs::write(
        &late,
        "name = \"late\"\nsummary = \"s\"\nprefix = \"LT\"\n\n[library]\nname = \"python\"\npackages = [\"imp\"]\nbreaking = \"3.13\"\n\n[[rules]]\ncode = \"LT001\"\nname = \"Imp\"\nkind = \"flag\"\nsummary = \"s\"\nnames = [\"imp\"]\nmessage = \"use importlib\"\n",
    )
    .unwrap();
    let output = ferry(
        Path::new("."),
        &["pack", "check", late.to_str().unwrap(), "--at-removal"],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  LT001  `imp` does not exist in 3.12"),
        "{shown}"
    );
}

/// Every fixable fixture of the Python pack: its `before` fails on the real
/// 3.13 (an opt-in deprecation's under `-W error`), its `after` runs on
/// 3.13 and on 3.9, the oldest release the fixtures allow.
#[test]
fn the_python_pack_s_fixes_make_failing_code_run_on_3_13_and_3_9() {
    let fixtures = repo().join("packs/python/fixtures");
    let spec = ferry_packs::read_pack_file(&repo().join("packs/python/pack.toml")).unwrap();
    let run = |python: &ferry_verify::Python, path: &Path, warnings_are_errors: bool| {
        let mut command = Command::new(&python.executable);
        if warnings_are_errors {
            command.args(["-W", "error::DeprecationWarning"]);
        }
        command
            .arg(path)
            .current_dir(path.parent().unwrap())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap()
    };
    let find = |major, minor| {
        ferry_verify::find_release(major, minor)
            .unwrap_or_else(|err| panic!("Python {major}.{minor} (pyenv): {err}"))
    };
    let (py313, py39) = (find(3, 13), find(3, 9));
    let mut ran = 0;
    for rule in std::fs::read_dir(&fixtures).unwrap() {
        let rule = rule.unwrap().path();
        let code = rule.file_name().unwrap().to_str().unwrap().to_string();
        let opt_in = spec
            .rules
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{code}: no such rule"))
            .opt_in;
        for entry in std::fs::read_dir(&rule).unwrap() {
            let after = entry.unwrap().path();
            let Some(before) = after
                .to_str()
                .unwrap()
                .strip_suffix(".fixed.py")
                .map(|stem| PathBuf::from(format!("{stem}.py")))
            else {
                continue;
            };
            let output = run(&py313, &before, opt_in);
            assert!(
                !output.status.success(),
                "{} runs on {} before the fix: {}",
                before.display(),
                py313.version,
                text(&output)
            );
            for python in [&py313, &py39] {
                let output = run(python, &after, false);
                assert!(
                    output.status.success(),
                    "{} on {}: {}",
                    after.display(),
                    python.version,
                    text(&output)
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 13, "the fixable fixtures ran: {ran}");
}

/// Every fixed fixture of the acme pack runs on acme-client 2.0, the
/// release its fixes are written for (its requirement floor).
#[test]
fn the_acme_pack_s_fixed_fixtures_run_on_the_new_release() {
    let (_, v2) = acme_releases();
    let mut ran = 0;
    for rule in std::fs::read_dir(acme_pack().join("fixtures")).unwrap() {
        for entry in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if !path.to_string_lossy().ends_with(".fixed.py") {
                continue;
            }
            let output = run_python(&path, v2);
            assert!(
                output.status.success(),
                "{}: {}",
                path.display(),
                text(&output)
            );
            ran += 1;
        }
    }
    assert_eq!(ran, 4);
}

/// draft-demo 1.0 and 2.0, a library made to differ in exactly five ways
/// that `ferry pack draft` must see: `timeout=` of `connect` renamed
/// `connect_timeout=` (at the same place), `parse_url` moved from
/// `demo.client` to `demo.urls`, `demo.legacy` removed, the default of
/// `retries=` changed, and `demo.client.Client` unchanged. Both also have
/// a private module and a test package that differ (skipped), a module
/// that prints when imported, one whose import never ends (stopped by
/// `--import-timeout`), and 2.0 a module
/// that cannot be imported (reported). The wheels' folder.
fn draft_demo_wheels() -> &'static Path {
    static WHEELS: OnceLock<PathBuf> = OnceLock::new();
    WHEELS.get_or_init(|| {
        let python = venv("venv-pack-build", "scripts/pack-build-requirements.txt");
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("draft-demo");
        let _ = std::fs::remove_dir_all(&root);
        let pyproject = PYPROJECT
            .replace("acme-client", "draft-demo")
            .replace("name = \"acme\"", "name = \"demo\"");
        let client = "class Client:\n    def __init__(self, url):\n        self.url = url\n\n    def send(self, data):\n        return data\n";
        let slow = "import time\n\ntime.sleep(600)\n";
        // What a module prints must not spoil the inventory.
        let noisy = "print(\"{\\\"not\\\": \\\"json\\\"}\")\n\n\ndef hello():\n    pass\n";
        let v1 = root.join("src-1.0");
        write(&v1, "pyproject.toml", &pyproject.replace("VERSION", "1.0"));
        write(
            &v1,
            "demo/__init__.py",
            "\"\"\"draft-demo 1.0.\"\"\"\n\nfrom demo.client import Client, connect\n",
        );
        write(
            &v1,
            "demo/client.py",
            &format!("{client}\n\ndef connect(url, timeout=10, retries=3):\n    return (url, timeout, retries)\n\n\ndef parse_url(url):\n    return url.split(\"/\")\n"),
        );
        write(&v1, "demo/legacy.py", "def old_connect(url):\n    return url\n");
        write(&v1, "demo/_private.py", "def hidden():\n    pass\n");
        write(&v1, "demo/tests/__init__.py", "");
        write(&v1, "demo/tests/test_client.py", "def test_connect():\n    pass\n");
        write(&v1, "demo/slow.py", slow);
        write(&v1, "demo/noisy.py", noisy);
        let v2 = root.join("src-2.0");
        write(&v2, "pyproject.toml", &pyproject.replace("VERSION", "2.0"));
        write(
            &v2,
            "demo/__init__.py",
            "\"\"\"draft-demo 2.0.\"\"\"\n\nfrom demo.client import Client, connect\n",
        );
        write(
            &v2,
            "demo/client.py",
            &format!("{client}\n\ndef connect(url, connect_timeout=10, retries=5):\n    return (url, connect_timeout, retries)\n"),
        );
        write(
            &v2,
            "demo/urls.py",
            "def parse_url(url):\n    return url.split(\"/\")\n",
        );
        write(&v2, "demo/tests/__init__.py", "import not_installed_anywhere\n");
        write(&v2, "demo/slow.py", slow);
        write(&v2, "demo/noisy.py", noisy);
        write(&v2, "demo/extras.py", "import not_installed_anywhere\n");
        wheels_of(&python, &root, &[&v1, &v2])
    })
}

/// Builds a wheel of each source folder into `root/wheels`, with pip and
/// flit-core (`python`'s), one at a time: pip resolves one call's folders
/// together.
fn wheels_of(python: &Path, root: &Path, sources: &[&Path]) -> PathBuf {
    let wheels = root.join("wheels");
    for source in sources {
        let output = Command::new(python)
            .args(["-m", "pip", "--disable-pip-version-check", "--no-input"])
            .args(["wheel", "--no-build-isolation", "--no-deps", "--no-index"])
            .arg("-w")
            .arg(&wheels)
            .arg(source)
            .output()
            .expect("pip runs");
        assert!(output.status.success(), "pip wheel:\n{}", text(&output));
    }
    wheels
}

/// `ferry pack draft draft-demo 1.0 2.0` with `args`, its venvs in a cache
/// the runs share.
fn draft_demo(dir: &Path, args: &[&str]) -> Output {
    let python = std::env::var("FERRY_TEST_PYTHON").expect("FERRY_TEST_PYTHON is set");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ferry-cache-packs");
    let mut all = vec![
        "pack",
        "draft",
        "draft-demo",
        "1.0",
        "2.0",
        "--python",
        &python,
        "--import-timeout",
        "2",
    ];
    all.extend_from_slice(args);
    ferry_command(dir, &all)
        .env("FERRY_CACHE_DIR", cache)
        .output()
        .expect("ferry runs")
}

#[test]
fn pack_draft_finds_exactly_what_changed_between_two_real_releases() {
    let wheels = draft_demo_wheels();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let wheel = |version: &str| {
        wheels
            .join(format!("draft_demo-{version}-py2.py3-none-any.whl"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let (old_wheel, new_wheel) = (wheel("1.0"), wheel("2.0"));
    let output = draft_demo(
        root,
        &[
            "--wheel-old",
            &old_wheel,
            "--wheel-new",
            &new_wheel,
            "-o",
            "draft.toml",
        ],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("Drafted 3 rules for draft-demo 1.0 → 2.0 (1 flag, 1 move-name, 1 rename-keyword) in draft.toml.\nNotes: 0 names binding another object, 1 default changed, 0 instance attributes gone.\n"),
        "{shown}"
    );
    // Per module, with the reason; the slow import stopped on each release.
    for line in [
        "Could not import demo.slow (1.0): ImportTimeout: importing took more than 2.0 s\n",
        "Could not import demo.extras (2.0): ModuleNotFoundError: No module named 'not_installed_anywhere'\n",
        "Could not import demo.slow (2.0): ImportTimeout: importing took more than 2.0 s\n",
    ] {
        assert!(shown.contains(line), "{line}\n{shown}");
    }
    assert_eq!(shown.matches("Could not import").count(), 3, "{shown}");

    let drafted = std::fs::read_to_string(root.join("draft.toml")).unwrap();
    let rules_start = drafted.find("\n# Evidence").unwrap();
    assert_eq!(
        &drafted[rules_start..],
        "
# Evidence: module `demo.legacy` is in 1.0; 2.0 installs no such module
[[rules]]
code = \"DRAF001\"
name = \"LegacyModuleRemoved\"
kind = \"flag\"
summary = \"`demo.legacy` is gone in draft-demo 2.0.\"
review = \"say in `message` what to use instead, then remove this line\"
names = [\"demo.legacy\"]
message = \"`demo.legacy` is gone in draft-demo 2.0 (`ModuleNotFoundError`)\"

# Evidence: `demo.client.parse_url` is public in 1.0; 2.0 no longer lists it in its module, and the same object is public only as `demo.urls.parse_url`
[[rules]]
code = \"DRAF002\"
name = \"ParseUrlMoved\"
kind = \"move-name\"
summary = \"`demo.client.parse_url` is `demo.urls.parse_url` in draft-demo 2.0.\"
review = \"check that `demo.urls.parse_url` is what users should import, then remove this line\"
old = \"demo.client.parse_url\"
new = \"demo.urls.parse_url\"

# Evidence: in the signatures of `demo.connect`, `demo.client.connect` (1.0 → 2.0): `timeout` is gone and `connect_timeout` appeared at the same place (after `url`), with a related name
[[rules]]
code = \"DRAF003\"
name = \"ConnectTimeoutRenamed\"
kind = \"rename-keyword\"
summary = \"`timeout=` of `demo.connect` is `connect_timeout=` in draft-demo 2.0.\"
review = \"check that `connect_timeout` means what `timeout` meant (a name and a place are only a guess), then remove this line\"
callables = [\"demo.connect\", \"demo.client.connect\"]
old = \"timeout\"
new = \"connect_timeout\"
",
        "{drafted}"
    );
    assert!(
        drafted.contains("# Defaults that changed (no rule: calls that leave the keyword out behave differently):\n# - `retries=` of `demo.connect`, `demo.client.connect`: 3 in 1.0, 5 in 2.0\n#\n"),
        "{drafted}"
    );
    assert!(!drafted.contains("Names that now bind"), "{drafted}");
    assert!(!drafted.contains("Instance attributes"), "{drafted}");

    // The draft is a valid pack, and the releases bear its facts out.
    let output = check_on_releases(
        root,
        Path::new("draft.toml"),
        "draft-demo==1.0",
        "draft-demo==2.0",
        draft_demo_wheels(),
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("0 contradicted, 0 to look at."), "{shown}");

    // `rules` and `explain` say that a rule is a draft.
    let output = ferry(root, &["rules", "--pack", "draft.toml"]);
    let shown = text(&output);
    assert!(
        shown.contains("  DRAF003  ConnectTimeoutRenamed     `timeout=` of `demo.connect` is `connect_timeout=` in draft-demo 2.0. (drafted, not reviewed: no fix applied)\n"),
        "{shown}"
    );
    let output = ferry(root, &["explain", "DRAF003", "--pack", "draft.toml"]);
    let shown = text(&output);
    assert!(
        shown.contains("## Review\nA drafted rule, not reviewed yet: check that `connect_timeout` means what `timeout` meant"),
        "{shown}"
    );

    // `ferry fix` applies nothing of a drafted rule; reviewed, it does.
    let app = "import demo\nfrom demo.client import parse_url\n\ndemo.connect(\"u\", timeout=5)\n";
    write(root, "project/app.py", app);
    let project = root.join("project");
    let fix = |pack: &str| {
        ferry(
            &project,
            &[
                "fix",
                "--allow-no-vcs",
                "--pack",
                pack,
                "--select",
                "DRAF",
                "--target",
                "draft-demo==2.0",
                ".",
            ],
        )
    };
    let output = fix("../draft.toml");
    let shown = text(&output);
    assert_eq!(
        std::fs::read_to_string(project.join("app.py")).unwrap(),
        app,
        "{shown}"
    );
    assert!(
        shown.contains(
            "drafted rule, not reviewed (its fix would: Rename `timeout` to `connect_timeout`)"
        ),
        "{shown}"
    );
    let reviewed: String = drafted
        .lines()
        .filter(|line| !line.starts_with("review = "))
        .map(|line| format!("{line}\n"))
        .collect();
    write(root, "reviewed.toml", &reviewed);
    let output = fix("../reviewed.toml");
    assert_eq!(
        std::fs::read_to_string(project.join("app.py")).unwrap(),
        "import demo\nfrom demo.urls import parse_url\n\ndemo.connect(\"u\", connect_timeout=5)\n",
        "{}",
        text(&output)
    );

    // `--against`: the draft, then the scan of a project with it alone.
    write(root, "project/app.py", app);
    let links = wheels.to_str().unwrap();
    let output = draft_demo(
        root,
        &[
            "--find-links",
            links,
            "-o",
            "again.toml",
            "--against",
            "project",
        ],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert_eq!(
        std::fs::read_to_string(root.join("again.toml")).unwrap(),
        drafted,
        "the wheels or the index: the same draft"
    );
    for code in ["DRAF002", "DRAF003"] {
        assert!(shown.contains(code), "{code}\n{shown}");
    }
    assert!(!shown.contains("DRAF001"), "{shown}");
}

#[test]
fn pack_draft_says_which_release_could_not_be_installed() {
    let wheels = draft_demo_wheels();
    let dir = tempfile::tempdir().unwrap();
    let output = draft_demo(
        dir.path(),
        &[
            "--wheel-old",
            "missing.whl",
            "--find-links",
            wheels.to_str().unwrap(),
        ],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("missing.whl: no such wheel file"), "{shown}");

    // A wheel of another release than the one named.
    let wrong = wheels.join("draft_demo-2.0-py2.py3-none-any.whl");
    let output = draft_demo(dir.path(), &["--wheel-old", wrong.to_str().unwrap()]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains(
            "error: draft-demo 1.0: the environment has 2.0 installed (from the wheel given)"
        ),
        "{shown}"
    );
}

/// draft-kw 1.0 and 2.0: what the draft reads beyond signatures. `open`
/// drops `legacy=` (a parameter 1.0 never read) and `timeout=` (which 1.0
/// read from its `**options`); `Pool` loses its method `drain` and its
/// instance attribute `spare`; top-level `start` now binds another function
/// while the old one stays public in `kw.api`.
fn draft_kw_wheels() -> &'static Path {
    static WHEELS: OnceLock<PathBuf> = OnceLock::new();
    WHEELS.get_or_init(|| {
        let python = venv("venv-pack-build", "scripts/pack-build-requirements.txt");
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("draft-kw");
        let _ = std::fs::remove_dir_all(&root);
        let pyproject = PYPROJECT
            .replace("acme-client", "draft-kw")
            .replace("name = \"acme\"", "name = \"kw\"");
        let v1 = root.join("src-1.0");
        write(&v1, "pyproject.toml", &pyproject.replace("VERSION", "1.0"));
        write(&v1, "kw/__init__.py", "\"\"\"draft-kw 1.0.\"\"\"\n\nfrom kw.api import Pool, open, start\n");
        write(
            &v1,
            "kw/api.py",
            "class Pool:\n    def __init__(self, size):\n        self.size = size\n        self.spare = 0\n\n    def drain(self):\n        return self.size\n\n    def close(self):\n        pass\n\n\ndef open(url, *, legacy=False, **options):\n    timeout = options.pop(\"timeout\", None)\n    return (url, timeout, options)\n\n\ndef start(url):\n    return url\n",
        );
        let v2 = root.join("src-2.0");
        write(&v2, "pyproject.toml", &pyproject.replace("VERSION", "2.0"));
        write(
            &v2,
            "kw/__init__.py",
            "\"\"\"draft-kw 2.0.\"\"\"\n\nfrom kw.api import Pool, open\nfrom kw.api import start_v2 as start\n",
        );
        write(
            &v2,
            "kw/api.py",
            "class Pool:\n    def __init__(self, size):\n        self.size = size\n\n    def close(self):\n        pass\n\n\ndef open(url, **options):\n    return (url, options)\n\n\ndef start(url):\n    return url\n\n\ndef start_v2(url, *, secure=True):\n    return url\n",
        );
        wheels_of(&python, &root, &[&v1, &v2])
    })
}

#[test]
fn pack_draft_reads_unread_parameters_kwargs_members_and_rebound_names() {
    let wheels = draft_kw_wheels();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let python = std::env::var("FERRY_TEST_PYTHON").expect("FERRY_TEST_PYTHON is set");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ferry-cache-packs");
    let links = wheels.to_str().unwrap();
    let output = ferry_command(
        root,
        &[
            "pack",
            "draft",
            "draft-kw",
            "1.0",
            "2.0",
            "--python",
            &python,
            "--find-links",
            links,
            "--prefix",
            "KW",
        ],
    )
    .env("FERRY_CACHE_DIR", &cache)
    .output()
    .expect("ferry runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let drafted = String::from_utf8(output.stdout).unwrap();
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("Drafted 3 rules for draft-kw 1.0 → 2.0 (2 flag, 1 remove-keyword).\nNotes: 1 name binding another object, 0 defaults changed, 1 instance attribute gone.\n"),
        "{summary}"
    );
    assert!(!summary.contains("Could not"), "{summary}");
    for expected in [
        "# - `kw.start` is `kw.api.start` in 1.0 and `kw.api.start_v2` in 2.0.\n#   keywords new: `secure`\n",
        "# - `spare` of `kw.Pool`, `kw.api.Pool`\n",
        "# Evidence: in `kw.open`, `kw.api.open`: `legacy` is a parameter in 1.0 that its body never reads; 2.0 takes no `legacy`\n[[rules]]\ncode = \"KW001\"\nname = \"OpenLegacyRemoved\"\nkind = \"remove-keyword\"\n",
        "# Evidence: in `kw.open`, `kw.api.open`: 1.0 reads `timeout` from its `**kwargs` (in the source); 2.0 neither names it nor reads it (its `**kwargs` may still pass it on)\n[[rules]]\ncode = \"KW002\"\nname = \"OpenTimeoutRemoved\"\nkind = \"flag\"\n",
        "# Evidence: `kw.Pool`, `kw.api.Pool` in 1.0 has `drain` (method); 2.0 has none of them\n[[rules]]\ncode = \"KW003\"\nname = \"PoolMembersRemoved\"\nkind = \"flag\"\n",
        "classes = [\"kw.Pool\", \"kw.api.Pool\"]\nmethods = [\"drain\"]\n",
    ] {
        assert!(drafted.contains(expected), "{expected}\n---\n{drafted}");
    }
    write(root, "draft.toml", &drafted);
    let output = ferry_command(
        root,
        &[
            "pack",
            "check",
            "draft.toml",
            "--old",
            "draft-kw==1.0",
            "--new",
            "draft-kw==2.0",
            "--find-links",
            links,
            "--python",
            &python,
        ],
    )
    .env("FERRY_CACHE_DIR", &cache)
    .output()
    .expect("ferry runs");
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    // 1.0 took `timeout` only through `**options`: nothing names it.
    assert!(
        shown.contains("note  KW002  no callable names `timeout` in 1.0"),
        "{shown}"
    );
    assert!(shown.contains("0 contradicted, 1 to look at."), "{shown}");
}
