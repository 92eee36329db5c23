//! A property of the safe fixes, checked with the real library on every rule
//! fixture (`ferry_rules::fixture_dirs`: the Rust rules' and the data rules'): wherever a
//! fixture imports as written, it still imports once `ferry fix` (safe fixes
//! only) has rewritten it.
//!
//! Each fixture is fixed with `ferry_engine::fix_source`, under the settings
//! its leading `# ferry-test: target websockets==X` / `# ferry-test: floor
//! websockets==X` lines give (as `ferry_rules/tests/fixtures.rs` reads them),
//! twice: with every default rule (what `ferry fix` runs) and with the rule
//! of its folder alone (which also covers opt-in rules). Both texts are
//! imported as modules (`importlib.util.spec_from_file_location` +
//! `exec_module`, so `if __name__ == "__main__":` code does not run), with
//! warnings ignored, on each release the fixture's project allows out of
//! websockets 13.1 and 15.0.1: a target below 14 allows only 13.1; any other
//! target (or none: the newest) allows 15.0.1, and 13.1 too when a floor
//! directive is at or below 13.1.
//!
//! One Python process per release imports every file, each in a forked child
//! with a timeout, so modules cannot see each other's imports or patches.
//! A fixture that does not import before the fix on a release (a third-party
//! module the venv lacks, code that needs a server) is skipped there and
//! counted; fixtures that are not UTF-8 or whose fix fails are counted too.
//! The summary line gives every count, and the test fails if fewer than
//! `MIN_FIXTURES_COMPARED` fixtures were actually compared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferry_engine::{fix_source, Settings, Version};
use ferry_python::{decode, SourceEncoding};
use serde_json::{json, Value};

mod common;

/// How long one module may take to import before it counts as hung.
const MODULE_TIMEOUT_SECS: u64 = 10;

/// How long one release's driver may run in all.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(600);

/// Fewer fixtures compared (changed by a fix, importing before it, imported
/// again after it) than this means the test stopped testing anything.
const MIN_FIXTURES_COMPARED: usize = 25;

/// Imports every module of the manifest (argv[1], JSON `[{"name", "path"}]`),
/// each in a forked child with a timeout (argv[3] seconds), and writes
/// `{"version": ..., "results": {name: {"ok": bool, "error": str}}}` to argv[2].
const DRIVER: &str = r#"
import importlib.util, json, os, select, signal, sys, time
manifest_path, results_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
import websockets

def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)

def attempt(name, path):
    try:
        load(name, path)
        return {"ok": True}
    except BaseException as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:1000]}

def in_child(name, path):
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        signal.alarm(int(timeout) + 5)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        data = json.dumps(attempt(name, path)).encode()
        while data:
            data = data[os.write(write, data):]
        os._exit(0)
    os.close(write)
    chunks = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([read], [], [], remaining)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return {"ok": False, "error": f"timed out after {timeout:g} s"}
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"ok": False, "error": f"the importing process died (wait status {status})"}
    return json.loads(b"".join(chunks))

with open(manifest_path) as f:
    manifest = json.load(f)
run = in_child if hasattr(os, "fork") else attempt
results = {entry["name"]: run(entry["name"], entry["path"]) for entry in manifest}
with open(results_path, "w") as f:
    json.dump({"version": websockets.__version__, "results": results}, f)
"#;

/// The releases fixtures are imported on, with their venvs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Release {
    V13_1,
    V15_0_1,
}

impl Release {
    const ALL: [Release; 2] = [Release::V13_1, Release::V15_0_1];

    fn label(self) -> &'static str {
        match self {
            Release::V13_1 => "13.1",
            Release::V15_0_1 => "15.0.1",
        }
    }

    fn python(self) -> &'static Path {
        match self {
            Release::V13_1 => common::websockets_13(),
            Release::V15_0_1 => common::websockets_15(),
        }
    }
}

/// Every rule fixture with its rule's code, sorted.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for (code, dir) in ferry_rules::fixture_dirs() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if ferry_rules::is_fixture_input(&path) {
                found.push((code.clone(), path));
            }
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// The settings of a fixture's leading `# ferry-test:` lines, and the
/// releases its project allows.
fn directives(text: &str) -> (Settings, Vec<Release>) {
    let settings = ferry_rules::fixture::fixture_settings(text).unwrap();
    let v = |s: &str| s.parse::<Version>().unwrap();
    let releases = match settings.target("websockets") {
        Some(target) if *target < v("14") => vec![Release::V13_1],
        _ => {
            let mut releases = vec![Release::V15_0_1];
            if settings
                .floor("websockets")
                .is_some_and(|f| f.release <= v("13.1"))
            {
                releases.push(Release::V13_1);
            }
            releases
        }
    };
    (settings, releases)
}

/// One fixture, ready to import.
struct Case {
    /// Relative to the pack folder, for messages.
    name: String,
    releases: Vec<Release>,
    /// Module name and file of the text as written.
    original: (String, PathBuf),
    /// Each distinct fixed text: module name, file, and which fix runs gave it.
    fixed: Vec<(String, PathBuf, Vec<String>)>,
}

#[derive(Default)]
struct Counts {
    fixtures: usize,
    not_utf8: usize,
    /// The fixtures (and fix runs) whose fix failed, with the error.
    fix_errors: Vec<String>,
    unchanged: usize,
    changed: usize,
    /// (fixture, release) pairs skipped because the original does not
    /// import there, with the error.
    original_fails: Vec<String>,
    /// (fixture, release, fixed text) triples where both imported.
    held: usize,
}

/// Runs the driver on `release` over `modules`; returns each module's result.
fn import_all(
    release: Release,
    modules: &[(String, PathBuf)],
    scratch: &Path,
) -> BTreeMap<String, (bool, String)> {
    let label = release.label();
    let manifest: Vec<Value> = modules
        .iter()
        .map(|(name, path)| json!({"name": name, "path": path}))
        .collect();
    let manifest_path = scratch.join(format!("manifest-{label}.json"));
    let results_path = scratch.join(format!("results-{label}.json"));
    let stderr_path = scratch.join(format!("stderr-{label}.txt"));
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let mut child = Command::new(release.python())
        .args(["-I", "-B", "-W", "ignore", "-c", DRIVER])
        .arg(&manifest_path)
        .arg(&results_path)
        .arg(MODULE_TIMEOUT_SECS.to_string())
        .current_dir(scratch)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("the venv's python runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DRIVER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("websockets {label}: the import driver did not finish in {DRIVER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(
        status.success(),
        "websockets {label}: the import driver failed ({status}):\n{stderr}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&results_path).unwrap()).unwrap();
    assert_eq!(
        report["version"], label,
        "the venv for websockets {label} has another release installed"
    );
    let results = report["results"].as_object().unwrap();
    assert_eq!(
        results.len(),
        modules.len(),
        "websockets {label}: results missing"
    );
    results
        .iter()
        .map(|(name, r)| {
            let ok = r["ok"].as_bool().unwrap();
            let error = r["error"].as_str().unwrap_or_default().to_string();
            (name.clone(), (ok, error))
        })
        .collect()
}

#[test]
fn fixed_fixtures_import_wherever_the_originals_do() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut counts = Counts::default();
    let mut cases: Vec<Case> = Vec::new();
    for (index, (code, fixture)) in fixtures().into_iter().enumerate() {
        counts.fixtures += 1;
        let name = fixture
            .strip_prefix(&repo)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&fixture).unwrap();
        let source = match decode(&bytes) {
            Ok(source) if matches!(source.encoding, SourceEncoding::Utf8 { .. }) => source,
            _ => {
                counts.not_utf8 += 1;
                continue;
            }
        };
        let text = source.text.as_ref();
        let (settings, releases) = directives(text);
        let mut runs = vec![("every default rule".to_string(), settings.clone())];
        let mut alone = settings.clone();
        alone.selection.select = vec![code.clone()];
        runs.push((format!("{code} alone"), alone));
        let dir = scratch.path().join(format!("f{index:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut fixed: Vec<(String, PathBuf, Vec<String>)> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        for (label, settings) in runs {
            let outcome = match fix_source(text, ferry_rules::all_packs(), &settings, false) {
                Ok(outcome) => outcome,
                Err(err) => {
                    counts.fix_errors.push(format!("{name} ({label}): {err}"));
                    continue;
                }
            };
            if outcome.text == text {
                counts.unchanged += 1;
                continue;
            }
            counts.changed += 1;
            if let Some(at) = texts.iter().position(|t| *t == outcome.text) {
                fixed[at].2.push(label);
                continue;
            }
            let module = format!("ferry_fixture_{index:03}_fixed_{}", fixed.len());
            let path = dir.join(format!("fixed_{}.py", fixed.len()));
            std::fs::write(&path, source.encoding.encode(&outcome.text).unwrap()).unwrap();
            fixed.push((module, path, vec![label]));
            texts.push(outcome.text);
        }
        if fixed.is_empty() {
            continue;
        }
        let original = dir.join("original.py");
        std::fs::write(&original, &bytes).unwrap();
        cases.push(Case {
            name,
            releases,
            original: (format!("ferry_fixture_{index:03}_original"), original),
            fixed,
        });
    }

    // One driver per release, both at once.
    let results: BTreeMap<Release, BTreeMap<String, (bool, String)>> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = Release::ALL
                .iter()
                .map(|&release| {
                    let modules: Vec<(String, PathBuf)> = cases
                        .iter()
                        .filter(|c| c.releases.contains(&release))
                        .flat_map(|c| {
                            std::iter::once(c.original.clone())
                                .chain(c.fixed.iter().map(|(m, p, _)| (m.clone(), p.clone())))
                        })
                        .collect();
                    let scratch = scratch.path();
                    scope.spawn(move || (release, import_all(release, &modules, scratch)))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });

    let mut violations = Vec::new();
    let mut compared: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for case in &cases {
        for &release in &case.releases {
            let results = &results[&release];
            let (original_ok, original_error) = &results[&case.original.0];
            if !original_ok {
                counts.original_fails.push(format!(
                    "{} on websockets {}: {original_error}",
                    case.name,
                    release.label()
                ));
                continue;
            }
            compared
                .entry(&case.name)
                .or_default()
                .push(release.label());
            for (module, _, runs) in &case.fixed {
                let (ok, error) = &results[module];
                if *ok {
                    counts.held += 1;
                } else {
                    violations.push(format!(
                        "{} on websockets {}: imports as written, but not once fixed ({}): {error}",
                        case.name,
                        release.label(),
                        runs.join(", ")
                    ));
                }
            }
        }
    }

    println!(
        "fixture imports: {} fixtures ({} not UTF-8); fix runs: {} changed the text, {} changed \
         nothing, {} failed; {} fixtures compared on {} releases: {} fixed texts import where the \
         original does, {} do not; {} (fixture, release) pairs skipped because the original does \
         not import there",
        counts.fixtures,
        counts.not_utf8,
        counts.changed,
        counts.unchanged,
        counts.fix_errors.len(),
        compared.len(),
        compared.values().map(Vec::len).sum::<usize>(),
        counts.held,
        violations.len(),
        counts.original_fails.len(),
    );
    for error in &counts.fix_errors {
        println!("  fix failed: {error}");
    }
    for skipped in &counts.original_fails {
        println!("  skipped: {skipped}");
    }
    assert!(
        violations.is_empty(),
        "the safe fixes broke the import of {} fixture(s):\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert!(
        compared.len() >= MIN_FIXTURES_COMPARED,
        "only {} fixtures were compared (at least {MIN_FIXTURES_COMPARED} expected): {:?}",
        compared.len(),
        compared.keys().collect::<Vec<_>>()
    );
}
