//! The release facts the websockets fixes rely on
//! (`ferry_rules::websockets::facts::ALL`), read off the real releases: each
//! fact's probe runs on real installed websockets releases, built by
//! `scripts/python-env` from the pinned `scripts/websockets-X-requirements.txt`.
//! It must be true on the release the fact names (`since`) and on every
//! listed release after it, and false (or raise) on the newest listed release
//! before it. So a fact typed from memory with the wrong release fails here,
//! and a new fact must name a release that has a venv below.
//!
//! All probes of a release run in one interpreter, each in a forked child of
//! it, so no probe sees the modules another one imported.

use ferry_engine::Version;
use ferry_rules::websockets::facts::{ReleaseFact, ALL};
use serde_json::Value;

mod common;

/// The releases the facts are checked against, oldest first. Each has a
/// `scripts/websockets-X-requirements.txt` pinning it.
const RELEASES: &[&str] = &["12.0", "13.0", "13.1", "14.0", "14.2", "15.0", "15.0.1"];

/// Evaluates every probe (a JSON list in argv[1]) after
/// `import websockets, inspect, importlib, importlib.util`, each in a forked
/// child, and prints `{"version": ..., "results": [...]}`: per probe, its
/// value's repr, whether it is `True` / `False`, or the error it raised.
const DRIVER: &str = r#"
import json, os, sys
import websockets, inspect, importlib, importlib.util

def evaluate(probe):
    try:
        value = eval(probe, {"websockets": websockets, "inspect": inspect, "importlib": importlib})
    except BaseException as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"value": repr(value)[:200], "true": value is True, "false": value is False}

def isolated(probe):
    if not hasattr(os, "fork"):
        return evaluate(probe)
    sys.stdout.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            data = json.dumps(evaluate(probe)).encode()
        except BaseException as exc:
            data = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
        with os.fdopen(write, "wb") as out:
            out.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "the probe's process died"}

probes = json.loads(sys.argv[1])
print(json.dumps({"version": websockets.__version__, "results": [isolated(p) for p in probes]}))
"#;

/// What every probe gives on `release`, in the order of `ALL`.
fn probe_results(release: &str) -> Vec<Value> {
    let probes: Vec<&str> = ALL.iter().map(|f| f.probe).collect();
    let report = common::run_websockets_driver(
        &common::websockets_venv(release),
        release,
        DRIVER,
        &[serde_json::to_string(&probes).unwrap()],
    );
    let results = report["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), ALL.len());
    results
}

fn version(release: &str) -> Version {
    release.parse().unwrap()
}

/// Where `fact.since` is in `RELEASES`.
fn since_index(fact: &ReleaseFact) -> Option<usize> {
    RELEASES
        .iter()
        .position(|r| version(r) == fact.since.version())
}

fn describe(result: &Value) -> String {
    match result.get("error") {
        Some(error) => format!("raised {}", error.as_str().unwrap_or_default()),
        None => format!("gave {}", result["value"].as_str().unwrap_or_default()),
    }
}

#[test]
fn every_fact_names_a_release_that_has_a_venv_and_one_before_it() {
    assert!(!ALL.is_empty(), "facts::ALL is empty");
    let mut problems = Vec::new();
    for fact in ALL {
        match since_index(fact) {
            None => problems.push(format!(
                "{} (since {}): {} is not one of the releases checked here ({}); add \
                 scripts/websockets-{}-requirements.txt and the release to RELEASES",
                fact.what,
                fact.since,
                fact.since,
                RELEASES.join(", "),
                fact.since
            )),
            Some(0) => problems.push(format!(
                "{} (since {}): no older release is checked, so nothing shows the fact is new \
                 there; add an older release to RELEASES",
                fact.what, fact.since
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fact_holds_from_its_release_on_and_not_before() {
    let results: Vec<Vec<Value>> = std::thread::scope(|scope| {
        let handles: Vec<_> = RELEASES
            .iter()
            .map(|release| scope.spawn(move || probe_results(release)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut problems = Vec::new();
    for (i, fact) in ALL.iter().enumerate() {
        let Some(since) = since_index(fact) else {
            // Reported by the test above.
            continue;
        };
        for (at, release) in RELEASES.iter().enumerate().skip(since) {
            let result = &results[at][i];
            if result["true"] != true {
                problems.push(format!(
                    "{} (since {}): the probe `{}` must be True on websockets {release}, but it {}",
                    fact.what,
                    fact.since,
                    fact.probe,
                    describe(result)
                ));
            }
        }
        if let Some(before) = since.checked_sub(1) {
            let result = &results[before][i];
            if result.get("error").is_none() && result["false"] != true {
                problems.push(format!(
                    "{} (since {}): the probe `{}` must be False (or raise) on websockets {}, the \
                     release before, but it {}: the fact is older than {} (or the probe does not \
                     test it)",
                    fact.what,
                    fact.since,
                    fact.probe,
                    RELEASES[before],
                    describe(result),
                    fact.since
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
