//! The benchmark script stays working: `scripts/bench --quick` builds a small
//! corpus (part of the interpreter's standard library plus planted legacy
//! websockets code with its expected findings), runs every compared tool once
//! and checks that this build's `ferry scan` finds exactly the planted
//! findings and that `ferry fix` changes only planted files. Timings of this
//! run mean nothing (a debug build, a small corpus, one run); the full run is
//! by hand (BENCHMARKS.md).

use std::path::Path;
use std::process::Command;

#[test]
fn bench_quick_mode_runs_and_ferry_finds_exactly_the_planted_uses() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(repo.join("scripts/bench"))
        .args(["--quick", "--ferry", env!("CARGO_BIN_EXE_ferry")])
        .current_dir(&repo)
        .env_remove("VIRTUAL_ENV")
        .output()
        .expect("scripts/bench runs (it needs bash and python3)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "scripts/bench --quick failed ({:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
    assert!(
        stdout.contains("correctness: ok"),
        "no correctness verdict:\n{stdout}\n{stderr}"
    );
    // The report names every tool it measured; a tool that could not be
    // installed is a warning on stderr, never a number.
    assert!(stdout.contains("| ferry scan `"), "{stdout}");
    assert!(stdout.contains("| target | measured | met |"), "{stdout}");
}
