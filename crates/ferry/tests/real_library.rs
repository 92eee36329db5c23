//! The fixes, proven on the real library: each program in `tests/programs/`
//! uses the legacy websockets API against a loopback server and checks what
//! arrives (headers, paths, close codes, HTTP status codes). It must pass on
//! websockets 13.1 as written, fail on 15.0.1 as written (the break users
//! hit), and pass on 15.0.1 after `ferry fix --unsafe-fixes`; a second fix
//! run must change nothing.
//!
//! Comment lines at the top of a program adjust this:
//! `# ferry-test: select CODES` fixes with `--select CODES` (to include opt-in
//! rules), and `# ferry-test: warnings-as-errors` runs it on 15.0.1 with
//! `-W error::DeprecationWarning`, for programs whose legacy calls still work
//! there (explicit `websockets.legacy` imports) but only with warnings (the
//! test checks that they do work without it).
//!
//! `ws070_fixed_fixtures_import_and_their_chains_resolve` checks the WS070
//! fixtures the same way, without a server: fixed, each must import, and
//! every `websockets.asyncio.client.…` chain the fix wrote must resolve.
//! `ws053_fixed_fixtures_import_without_deprecation_warnings` runs the WS053
//! fixtures that import legacy modules nothing uses: each fails on 15.0.1
//! under `-W error::DeprecationWarning` as written, and imports cleanly
//! there once fixed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{ferry, websockets_13, websockets_15};

/// How long one program may run before the test calls it hung.
const PROGRAM_TIMEOUT: Duration = Duration::from_secs(30);

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    found.sort();
    assert!(!found.is_empty());
    found
}

/// What a program's `# ferry-test:` lines ask for.
#[derive(Default)]
struct Directives {
    select: Option<String>,
    warnings_as_errors: bool,
}

fn directives(program: &Path) -> Directives {
    let text = std::fs::read_to_string(program).unwrap();
    let mut found = Directives::default();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some(directive) = line.strip_prefix("# ferry-test: ") else {
            continue;
        };
        match directive.split_once(' ') {
            Some(("select", codes)) => found.select = Some(codes.trim().to_string()),
            None if directive.trim() == "warnings-as-errors" => found.warnings_as_errors = true,
            _ => panic!("{}: unknown directive `{line}`", program.display()),
        }
    }
    found
}

/// Runs a program with a clean environment (no proxies: the new client
/// would use them) and a timeout.
fn run(python: &Path, program: &Path, python_args: &[&str]) -> Output {
    let mut child = Command::new(python)
        .args(python_args)
        .arg(program)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > PROGRAM_TIMEOUT {
            let _ = child.kill();
            panic!(
                "{} did not finish in {PROGRAM_TIMEOUT:?}",
                program.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn passed(output: &Output) -> bool {
    output.status.success()
        && String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .ends_with("OK")
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn legacy_programs_pass_on_15_after_ferry_fix() {
    let (legacy, new) = (websockets_13(), websockets_15());
    for program in programs() {
        let name = program.file_name().unwrap().to_string_lossy().into_owned();
        let directives = directives(&program);
        let strict: &[&str] = if directives.warnings_as_errors {
            &["-W", "error::DeprecationWarning"]
        } else {
            &[]
        };
        let mut fix_args = vec!["fix", "--allow-no-vcs", "--unsafe-fixes"];
        if let Some(select) = &directives.select {
            fix_args.extend(["--select", select.as_str()]);
        }
        let before = run(legacy, &program, &[]);
        assert!(
            passed(&before),
            "{name} must pass on websockets 13.1 as written:\n{}",
            describe(&before)
        );
        if directives.warnings_as_errors {
            let works = run(new, &program, &[]);
            assert!(
                passed(&works),
                "{name} still works on websockets 15.0.1 as written, with warnings:\n{}",
                describe(&works)
            );
        }
        let broken = run(new, &program, strict);
        assert!(
            !passed(&broken),
            "{name} should fail on websockets 15.0.1 as written (python {strict:?}):\n{}",
            describe(&broken)
        );

        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join(&name);
        std::fs::copy(&program, &copy).unwrap();
        let fixed = ferry(dir.path(), &fix_args);
        assert!(
            matches!(fixed.status.code(), Some(0 | 1)),
            "{name}: ferry fix failed:\n{}",
            describe(&fixed)
        );
        let after = run(new, &copy, strict);
        assert!(
            passed(&after),
            "{name} must pass on websockets 15.0.1 after ferry fix (python {strict:?}):\n{}\n--- fixed program ---\n{}",
            describe(&after),
            std::fs::read_to_string(&copy).unwrap()
        );
        let again = ferry(dir.path(), &fix_args);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("Nothing to fix"),
            "{name}: a second fix run changed something:\n{}",
            describe(&again)
        );
    }
}

/// Imports the file `sys.argv[1]`, then evaluates, in its namespace, every
/// `<name>.asyncio.client.connect` / `unix_connect` in it whose `<name>` is the
/// websockets package there; each must be the new client's object. Prints how
/// many it evaluated.
const RESOLVE_CHAINS: &str = r#"
import ast, importlib.util, sys, types
path = sys.argv[1]
spec = importlib.util.spec_from_file_location("fixed_fixture", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
namespace = vars(module)
count = 0
with open(path, encoding="utf-8") as f:
    tree = ast.parse(f.read())
for node in ast.walk(tree):
    if not (isinstance(node, ast.Attribute) and node.attr in ("connect", "unix_connect")):
        continue
    chain = ast.unparse(node)
    root = chain.split(".")[0]
    if chain != root + ".asyncio.client." + node.attr:
        continue
    package = namespace.get(root)
    assert isinstance(package, types.ModuleType) and package.__name__ == "websockets", (chain, package)
    value = eval(compile(ast.Expression(node), path, "eval"), namespace)
    assert value.__module__ == "websockets.asyncio.client", (chain, value)
    count += 1
print("resolved", count)
"#;

/// The WS070 fixtures, fixed with `ferry fix --unsafe-fixes --select WS070`,
/// import on websockets 13.1 and 15.0.1, and each `….asyncio.client.connect`
/// the fix wrote resolves there. Each file runs in its own interpreter: an
/// import of `websockets.asyncio.client` in one would make the next resolve.
/// (`import websockets` alone does not make `websockets.asyncio` an attribute.)
#[test]
fn ws070_fixed_fixtures_import_and_their_chains_resolve() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ferry_rules/src/websockets/ws070_explicit_legacy_client");
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::copy(&path, dir.path().join(&name)).unwrap();
            names.push(name);
        }
    }
    names.sort();
    assert!(names.len() >= 6, "WS070 fixtures: {names:?}");
    let fixed = ferry(
        dir.path(),
        &[
            "fix",
            "--allow-no-vcs",
            "--unsafe-fixes",
            "--select",
            "WS070",
        ],
    );
    assert!(
        matches!(fixed.status.code(), Some(0 | 1)),
        "ferry fix failed:\n{}",
        describe(&fixed)
    );
    let mut total = 0;
    for name in &names {
        let file = dir.path().join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        let written = text.matches(".asyncio.client.connect(").count()
            + text.matches(".asyncio.client.unix_connect(").count();
        total += written;
        for python in [websockets_13(), websockets_15()] {
            let output = run(python, &file, &["-c", RESOLVE_CHAINS]);
            assert!(
                output.status.success()
                    && String::from_utf8_lossy(&output.stdout).trim() == format!("resolved {written}"),
                "{name} fixed by WS070 must import and its {written} `….asyncio.client` calls resolve with {}:\n{}\n--- fixed file ---\n{text}",
                python.display(),
                describe(&output)
            );
        }
    }
    assert!(
        total >= 8,
        "the fixes wrote only {total} `….asyncio.client` calls"
    );
}

/// The WS053 fixtures whose every legacy import is left behind: on
/// websockets 15.0.1 each fails under `-W error::DeprecationWarning` as
/// written, and runs cleanly once `ferry fix --unsafe-fixes --select WS053`
/// has removed them (Ferry's fixture tests check that the fixed text
/// parses; this checks that Python runs it without a legacy import).
#[test]
fn ws053_fixed_fixtures_import_without_deprecation_warnings() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ferry_rules/src/websockets/ws053_unused_legacy_import");
    let names = [
        "left_behind.py",
        "statement_shapes.py",
        "crlf.py",
        "unused_name.py",
        "later_import.py",
    ];
    let strict = ["-W", "error::DeprecationWarning"];
    let python = websockets_15();
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        let copy = dir.path().join(name);
        std::fs::copy(fixtures.join(name), &copy).unwrap();
        let before = run(python, &copy, &strict);
        assert!(
            !before.status.success()
                && String::from_utf8_lossy(&before.stderr).contains("DeprecationWarning"),
            "{name} as written must fail on websockets 15.0.1 with a DeprecationWarning as an error:\n{}",
            describe(&before)
        );
    }
    let fixed = ferry(
        dir.path(),
        &[
            "fix",
            "--allow-no-vcs",
            "--unsafe-fixes",
            "--select",
            "WS053",
        ],
    );
    assert!(
        matches!(fixed.status.code(), Some(0 | 1)),
        "ferry fix failed:\n{}",
        describe(&fixed)
    );
    for name in names {
        let copy = dir.path().join(name);
        let text = std::fs::read_to_string(&copy).unwrap();
        let after = run(python, &copy, &strict);
        assert!(
            after.status.success() && after.stderr.is_empty(),
            "{name} fixed by WS053 must import on websockets 15.0.1 with DeprecationWarnings as errors:\n{}\n--- fixed file ---\n{text}",
            describe(&after)
        );
    }
}
