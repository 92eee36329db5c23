//! Any bytes as a pack file: reading it never panics, an error names a line
//! of the file (0 only for what is about the file as a whole), and a pack
//! that parses loads and runs its rules on a small Python file without
//! panicking. `crates/ferry_packs/tests/mutations.rs` checks the same on a
//! fixed set of broken pack files in every `cargo test`.

#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;

/// Code each kind has something to look at in.
const PYTHON: &str = "import functools\nimport acme\nfrom acme import Session, connect as c\nfrom acme.legacy import x\n\nacme.connect(u, timeout=1, retries=f(), verify=False)\nc(u, retries=3, **kw)\np = functools.partial(acme.connect, timeout=2)\nclass S(acme.Session):\n    pass\n# retries in a comment\n";

/// The packs built so far.
static KEPT: Mutex<Vec<&'static ferry_engine::Pack>> = Mutex::new(Vec::new());
/// How many packs a session builds; later inputs are only parsed.
const KEEP_AT_MOST: usize = 10_000;

fuzz_target!(|data: &[u8]| {
    // Pack files are read as UTF-8 text; other bytes are refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ferry_packs::parse_pack(text) {
        Err(err) => {
            let last_line = text.matches('\n').count() + 1;
            assert!(err.line <= last_line, "{err:?}");
            assert!(
                err.line > 0 || err.message.contains("a pack may have at most"),
                "an error without a line: {err:?}"
            );
        }
        Ok(spec) => {
            // `build_pack` gives the pack the life of the process (a run
            // loads each once). Kept here, the packs stay reachable, which
            // LeakSanitizer accepts; bounded, so a long session stays small.
            let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if spec.rules.len() > 64 || kept.len() >= KEEP_AT_MOST {
                return;
            }
            let pack = ferry_packs::build_pack(&spec);
            kept.push(pack);
            drop(kept);
            let settings = ferry_engine::Settings::default();
            ferry_engine::check_source(PYTHON, &[pack], &settings)
                .expect("the fixed Python text parses");
        }
    }
});
