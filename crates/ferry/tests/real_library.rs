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
        let mut fix_args = vec!["fix", "--unsafe-fixes"];
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
