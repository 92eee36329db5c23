//! Broken pack files, made deterministically from the real ones (truncated,
//! with lines duplicated, dropped or swapped, with bytes changed): reading
//! one never panics, and every error names a line of the file (line 0 only
//! for what is about the file as a whole). A pack that still parses loads,
//! and its rules run on a small Python file. Not fuzzing (that is
//! `fuzz/fuzz_targets/pack_file.rs`): a fixed seed, the same cases on every run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ferry_engine::{check_source, Settings};
use ferry_packs::{build_pack, parse_pack};

const WEBSOCKETS: &str = include_str!("../../../packs/websockets/pack.toml");
const ACME: &str = include_str!("../../ferry/tests/packs/acme/pack.toml");
/// The keys the other two leave out.
const OTHERS: &str = r#"name = "acme.extra"
summary = "acme-client 2.x"
prefix = "ACX"
mention-words = ["verify", "retries"]

[library]
name = "acme-client"
packages = ["acme", "acme_compat"]
breaking = "2"
floor = "2.1.3"
example-target = "2.4"

[[rules]]
code = "ACX001"
name = "OpenRenamed"
kind = "rename-attribute"
summary = "`acme.client.open_session` is `acme.client.open`."
old = "acme.client.open_session"
new = "acme.client.open"
since = "2.1"
requires = "0.0"
opt-in = true
title = "Use `open`"

[[rules]]
code = "ACX002"
name = "ErrorsMoved"
kind = "move-name"
summary = "The exceptions moved."
moves = [
    { old = "acme.AcmeError", new = "acme.errors.AcmeError" },
    { old = "acme_compat.Timeout", new = "acme.errors.Timeout" },
]
"#;

const PYTHON: &str = "import functools\nimport acme\nfrom acme import Session, connect as c\nfrom acme.legacy import x\nimport websockets\n\nacme.connect(u, timeout=1, retries=f(), verify=False)\nc(u, retries=3, **kw)\np = functools.partial(acme.connect, timeout=2)\nclass S(acme.Session):\n    e = acme.AcmeError\nwebsockets.framing\n# retries in a comment\n";

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to TOML and to the checks, and some that do not.
const BYTES: &[u8] = b"[]{}\"'=\n#.,- \\0129AZaz_\t\r\x00\xff";

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The mutated texts of `seed`, each with what was done.
fn mutations(seed: &str, rng: &mut Rng) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = seed.as_bytes();
    for i in 0..60 {
        let mut cut = bytes.len() * i / 60 + rng.below(7);
        cut = cut.min(seed.len());
        while !seed.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push((format!("truncated at byte {cut}"), seed[..cut].to_string()));
    }
    let all = lines(seed);
    for _ in 0..50 {
        let at = rng.below(all.len());
        let mut copy = all.clone();
        copy.insert(at, all[at]);
        out.push((format!("line {} duplicated", at + 1), copy.concat()));
    }
    for _ in 0..30 {
        let at = rng.below(all.len());
        let mut copy = all.clone();
        copy.remove(at);
        out.push((format!("line {} dropped", at + 1), copy.concat()));
    }
    for _ in 0..30 {
        let (a, b) = (rng.below(all.len()), rng.below(all.len()));
        let mut copy = all.clone();
        copy.swap(a, b);
        out.push((
            format!("lines {} and {} swapped", a + 1, b + 1),
            copy.concat(),
        ));
    }
    for _ in 0..120 {
        let mut changed = bytes.to_vec();
        let mut what = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(changed.len());
            let byte = if rng.below(3) == 0 {
                rng.next() as u8
            } else {
                BYTES[rng.below(BYTES.len())]
            };
            changed[at] = byte;
            what.push(format!("byte {at} = {byte:#04x}"));
        }
        // Pack files are text: an invalid sequence is read as U+FFFD.
        let text = String::from_utf8_lossy(&changed).into_owned();
        out.push((what.join(", "), text));
    }
    out
}

/// Errors about the file as a whole, which have no line.
fn whole_file(message: &str) -> bool {
    message.contains("a pack may have at most")
}

#[test]
fn broken_pack_files_are_errors_on_a_line_of_the_file_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cases = 0;
    let mut errors = 0;
    for (seed_name, seed) in [
        ("websockets", WEBSOCKETS),
        ("acme", ACME),
        ("others", OTHERS),
    ] {
        parse_pack(seed).unwrap_or_else(|err| panic!("{seed_name} is valid: {err:?}"));
        for (what, text) in mutations(seed, &mut rng) {
            cases += 1;
            let context = || format!("{seed_name}, {what}:\n{text}");
            let parsed = catch_unwind(AssertUnwindSafe(|| parse_pack(&text)))
                .unwrap_or_else(|_| panic!("parse_pack panics on {}", context()));
            // The line after the last newline is where an error at the end goes.
            let last_line = text.matches('\n').count() + 1;
            match parsed {
                Err(err) => {
                    errors += 1;
                    assert!(
                        err.line <= last_line,
                        "line {} of a {last_line}-line file: {err:?}\n{}",
                        err.line,
                        context()
                    );
                    assert!(
                        err.line > 0 || whole_file(&err.message),
                        "no line for an error about one part of the file: {err:?}\n{}",
                        context()
                    );
                    assert!(!err.message.trim().is_empty(), "{}", context());
                }
                Ok(spec) => {
                    for rule in &spec.rules {
                        assert!(
                            (1..=last_line).contains(&rule.line),
                            "{}: line {}\n{}",
                            rule.code,
                            rule.line,
                            context()
                        );
                    }
                    let pack = catch_unwind(AssertUnwindSafe(|| build_pack(&spec)))
                        .unwrap_or_else(|_| panic!("build_pack panics on {}", context()));
                    catch_unwind(AssertUnwindSafe(|| {
                        check_source(PYTHON, &[pack], &Settings::default())
                            .expect("the Python text parses")
                    }))
                    .unwrap_or_else(|_| panic!("check_source panics with {}", context()));
                }
            }
        }
    }
    assert!(cases >= 500, "{cases} cases");
    // Most mutations break the file; if none did, they test nothing.
    assert!(
        errors * 2 > cases,
        "only {errors} of {cases} mutations are errors"
    );
}

#[test]
fn whole_file_errors_are_the_size_and_the_rule_count() {
    let huge = format!(
        "{ACME}# {}\n",
        "x".repeat(ferry_packs::format::MAX_PACK_BYTES)
    );
    let err = parse_pack(&huge).unwrap_err();
    assert_eq!(err.line, 0, "{err:?}");
    assert!(whole_file(&err.message), "{err:?}");

    let rule = "[[rules]]\ncode = \"AC1\"\nname = \"R\"\nkind = \"flag\"\nsummary = \"s\"\nnames = [\"acme.x\"]\nmessage = \"m\"\n";
    let many = format!(
        "{}{}",
        &ACME[..ACME.find("[[rules]]").unwrap()],
        rule.repeat(ferry_packs::format::MAX_RULES + 1)
    );
    let err = parse_pack(&many).unwrap_err();
    assert_eq!(err.line, 0, "{err:?}");
    assert!(err.message.starts_with("20001 rules"), "{err:?}");
    assert!(whole_file(&err.message), "{err:?}");
}

#[test]
fn a_bad_mention_word_names_its_line() {
    let text = ACME.replacen("[\"retries\"]", "[\"retries\", \"re-tries\"]", 1);
    let err = parse_pack(&text).unwrap_err();
    let line = 1 + ACME[..ACME.find("mention-words").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(err.line, line, "{err:?}");
    assert!(
        err.message
            .contains("`re-tries` is not a Python identifier"),
        "{err:?}"
    );
}
