//! The properties every input must satisfy on its way through decode → parse →
//! check → fix, asserted in one function so that the proptest suite
//! (`tests/properties.rs`) and the libFuzzer target (`fuzz/`) hold the
//! pipeline to exactly the same contract:
//!
//! - no panic, whatever the bytes;
//! - decoding accepts only bytes that encode back identically;
//! - a file that parses yields a report whose positions lie inside the file;
//! - when the input parses, fixing succeeds (a rule whose fix breaks the
//!   syntax or never settles is a bug, even though the engine refuses it) and
//!   the fixed text parses and encodes back to text that decodes to itself;
//! - fixing is idempotent: a second pass applies nothing;
//! - every round of fixes changes only the bytes inside the edits it
//!   applies: the rounds are replayed here (the engine applies the
//!   non-overlapping fixes, re-checks, and goes again) and must end on the
//!   engine's own result.
//!
//! A violation panics with a message saying which property failed.

use ferry_engine::{
    apply_edits, check_source, fix_source, Applicability, CheckError, Edit, Prefilter, Settings,
};
use ferry_python::{decode, TextRange, TextSize};

/// Runs `bytes` through the whole pipeline and asserts every property.
pub fn check_bytes(bytes: &[u8]) {
    let packs = ferry_rules::all_packs();
    let settings = Settings::default();
    // The prefilter sees raw bytes first; it must never panic either.
    let _ = Prefilter::new(packs).is_candidate(bytes);
    let Ok(source) = decode(bytes) else {
        return;
    };
    let encoded = source
        .encoding
        .encode(&source.text)
        .expect("decoded text encodes back");
    assert_eq!(encoded, bytes, "decode only accepts bytes that round-trip");
    let text = source.text.as_ref();
    let check = match check_source(text, packs, &settings) {
        Ok(check) => check,
        Err(err @ CheckError::Syntax(_)) => {
            // The message shown to users must be computable too.
            let _ = ferry_workspace::describe_check_error(text, &err);
            return;
        }
        Err(err) => panic!("checking a file that parses failed: {err}"),
    };
    assert_report_in_bounds(text, &check);
    for unsafe_fixes in [false, true] {
        let outcome = match fix_source(text, packs, &settings, unsafe_fixes) {
            Ok(outcome) => outcome,
            Err(err) => {
                panic!("fixing a file that parses failed (unsafe_fixes={unsafe_fixes}): {err}")
            }
        };
        assert!(
            ferry_python::parse::is_valid_python(&outcome.text),
            "the fixed text does not parse (unsafe_fixes={unsafe_fixes})"
        );
        if let Ok(bytes) = source.encoding.encode(&outcome.text) {
            let back = decode(&bytes).expect("fixed bytes decode");
            assert_eq!(
                back.text, outcome.text,
                "fixed bytes decode to the fixed text"
            );
        }
        let again = fix_source(&outcome.text, packs, &settings, unsafe_fixes)
            .expect("the fixed text checks and fixes");
        assert_eq!(
            again.applied_count(),
            0,
            "a second fix pass applied {:?} (unsafe_fixes={unsafe_fixes})",
            again.applied
        );
        assert_eq!(
            again.text, outcome.text,
            "a second fix pass changed the text"
        );
        if outcome.applied_count() == 0 {
            assert_eq!(outcome.text, text, "no fix applied, yet the text changed");
            continue;
        }
        let replayed = replay_rounds(text, &settings, unsafe_fixes);
        assert_eq!(
            replayed, outcome.text,
            "replaying the rounds of fixes gives another text (unsafe_fixes={unsafe_fixes})"
        );
    }
}

/// Report rows (1-based lines and columns) must point inside the file.
fn assert_report_in_bounds(text: &str, check: &ferry_engine::FileCheck) {
    let report = ferry_workspace::to_file_report("fuzz.py".into(), text, check);
    // Python also ends lines at a lone `\r`: count every `\n` and `\r`.
    let breaks = text.bytes().filter(|&b| b == b'\n' || b == b'\r').count();
    let lines = u32::try_from(breaks + 1).unwrap_or(u32::MAX);
    for f in &report.findings {
        assert!(
            f.line >= 1 && f.line <= lines && f.end_line <= lines,
            "{f:?}"
        );
        assert!((f.line, f.column) <= (f.end_line, f.end_column), "{f:?}");
    }
    for m in &report.mentions {
        assert!(m.line >= 1 && m.line <= lines, "{m:?}");
    }
    let end = TextSize::of(text);
    for f in &check.findings {
        assert!(f.range.end() <= end, "finding outside the text: {f:?}");
    }
}

/// Applies the fixes round by round as the engine does (fixes sorted by
/// their first edit; one that overlaps a fix already taken waits for the
/// next round) and asserts that each round leaves every byte outside its
/// edits as it was. Returns the final text.
fn replay_rounds(text: &str, settings: &Settings, unsafe_fixes: bool) -> String {
    let packs = ferry_rules::all_packs();
    let mut current = text.to_string();
    for _ in 0..10 {
        let check = check_source(&current, packs, settings).expect("every round parses");
        let mut fixes: Vec<&[Edit]> = check
            .findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|fix| fix.applicability == Applicability::Safe || unsafe_fixes)
            .map(|fix| fix.edits.as_slice())
            .collect();
        fixes.sort_by_key(|edits| edits.iter().map(|e| e.range.start()).min());
        let mut taken: Vec<Edit> = Vec::new();
        for edits in fixes {
            if edits
                .iter()
                .all(|e| taken.iter().all(|t| !t.conflicts_with(e)))
            {
                taken.extend(edits.iter().cloned());
            }
        }
        if taken.is_empty() {
            return current;
        }
        let next = apply_edits(&current, &taken).expect("a round's edits apply");
        let ranges: Vec<TextRange> = taken.iter().map(|e| e.range).collect();
        assert_only_ranges_changed(&current, &ranges, &next);
        current = next;
    }
    panic!("the replayed rounds did not settle, yet the engine's did");
}

/// `after` must be `before` with only the bytes inside `ranges` replaced:
/// the stretches of `before` between the ranges must appear in `after`, in
/// order, the first as a prefix and the last as a suffix.
pub fn assert_only_ranges_changed(before: &str, ranges: &[TextRange], after: &str) {
    let mut sorted: Vec<(usize, usize)> = ranges
        .iter()
        .map(|r| (usize::from(r.start()), usize::from(r.end())))
        .collect();
    sorted.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut from = 0;
    for &(start, end) in &merged {
        kept.push(&before[from..start]);
        from = end;
    }
    kept.push(&before[from..]);
    let (first, rest) = kept.split_first().expect("at least one stretch");
    let (last, middle) = rest.split_last().unwrap_or((&"", &[]));
    assert!(
        after.starts_with(first),
        "bytes before the first fix changed"
    );
    assert!(
        after.ends_with(last) && after.len() >= first.len() + last.len(),
        "bytes after the last fix changed"
    );
    let limit = after.len() - last.len();
    let mut at = first.len();
    for stretch in middle {
        assert!(at <= limit, "bytes between fixes changed");
        let found = after[at..limit]
            .find(stretch)
            .unwrap_or_else(|| panic!("bytes between fixes changed: {stretch:?} is gone"));
        at += found + stretch.len();
    }
}
