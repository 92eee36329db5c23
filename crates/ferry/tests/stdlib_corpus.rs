//! Ferry on code it was not written against: the standard library of a real
//! Python interpreter (`$FERRY_TEST_PYTHON`, set by `scripts/test`, else
//! `python3`). It uses no websockets, and nothing its own interpreter
//! removed, so any finding there at that interpreter's version is a false
//! positive, and every file Ferry cannot parse must be one Python cannot
//! compile either. And the standard library of 3.13, the newest release the
//! Python pack knows, scanned as it comes: nothing to find.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn python() -> String {
    std::env::var("FERRY_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn run_python(code: &str, args: &[&str]) -> String {
    let output = Command::new(python())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("the test needs a Python interpreter (run ./scripts/test)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn stdlib() -> PathBuf {
    PathBuf::from(
        run_python(
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
            &[],
        )
        .trim(),
    )
}

/// `python==X.Y` for the interpreter whose standard library is scanned.
fn own_version() -> String {
    format!(
        "python=={}",
        run_python("import sys; print('%d.%d' % sys.version_info[:2])", &[]).trim()
    )
}

fn scan(args: &[&str]) -> (Option<i32>, Value, String) {
    scan_tree(&stdlib(), &[&["--target", &own_version()], args].concat())
}

fn scan_tree(tree: &std::path::Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("scan")
        .arg("--format=json")
        .args(args)
        .arg(tree)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let doc = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (output.status.code(), doc, stderr)
}

#[test]
fn stdlib_default_scan_finds_nothing() {
    let (code, doc, stderr) = scan(&[]);
    // A file with the packs' words is parsed, and may be Python 2 (lib2to3's
    // test data): an error, which Python itself must give too.
    assert!(matches!(code, Some(0 | 2)), "{stderr}\n{doc:#}");
    assert_eq!(doc["summary"]["findings"], 0, "{doc:#}");
    assert!(doc["summary"]["files_scanned"].as_u64().unwrap() > 500);
    errors_are_real(&doc);
}

#[test]
fn stdlib_every_file_parsed_no_panic_and_errors_are_real() {
    let (code, doc, stderr) = scan(&["--no-prefilter"]);
    assert!(matches!(code, Some(0 | 2)), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert_eq!(doc["summary"]["findings"], 0, "{doc:#}");
    errors_are_real(&doc);
}

/// Every file the scan could not parse fails to compile in Python too.
fn errors_are_real(doc: &Value) {
    let errors: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "error")
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    // Ask the interpreter: each of these must fail to compile there too.
    let check = "import sys\nfor p in sys.argv[1:]:\n    try:\n        compile(open(p, 'rb').read(), p, 'exec')\n    except (SyntaxError, ValueError, UnicodeDecodeError):\n        continue\n    print(p)\n";
    let args: Vec<&str> = errors.iter().map(String::as_str).collect();
    let compiled_fine = run_python(check, &args);
    assert!(
        compiled_fine.is_empty(),
        "Ferry rejected files Python compiles:\n{compiled_fine}"
    );
}

/// The 3.13 standard library (pyenv's, found as `ferry doctor` finds
/// Python), with the Python pack: it targets the newest release it knows,
/// whose own library uses nothing it removed.
#[test]
fn the_3_13_standard_library_has_nothing_to_fix() {
    let python = ferry_verify::find_release(3, 13)
        .unwrap_or_else(|err| panic!("Python 3.13 (pyenv): {err}"));
    let output = Command::new(&python.executable)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .unwrap();
    let tree = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let (code, doc, stderr) = scan_tree(&tree, &[]);
    assert_eq!(code, Some(0), "{stderr}\n{doc:#}");
    assert_eq!(doc["summary"]["findings"], 0, "{doc:#}");
    assert!(doc["summary"]["files_scanned"].as_u64().unwrap() > 1500);
}
