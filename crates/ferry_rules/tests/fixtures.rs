//! Data-driven rule tests: every `.py` file in a folder named after a rule
//! module (`src/<pack>/<rule_module>/*.py`), or after a data rule's code
//! (`packs/<pack>/fixtures/<CODE>/*.py`, but not the `*.fixed.py` that
//! `ferry pack test` compares with), is checked with that rule alone.
//!
//! For each fixture the snapshot (beside the fixture, in `snapshots/`) holds
//! the findings, the mentions, the file status and the diff of the safe fixes.
//! The test also asserts what must hold for every rule: the fixed text parses,
//! a second fix run changes nothing, and the file encodes back to its own
//! encoding, and every comment of the input is still in the output. Leading
//! lines `# ferry-test: target websockets==X` set the target, and `# ferry-test:
//! floor websockets==X` the oldest release the fixture's project allows.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ferry_engine::{check_source, fix_source, FileStatus, Settings};
use ferry_python::{decode, LineIndex, Ranged};

fn settings_for(text: &str, code: &str) -> Settings {
    let mut settings = ferry_rules::fixture::fixture_settings(text).unwrap();
    settings.selection.select = vec![code.to_string()];
    settings
}

/// Every comment of `text` with its 0-based line, by its text.
fn comments(text: &str) -> Vec<(usize, String)> {
    let Ok(parsed) = ferry_python::parse(text) else {
        return Vec::new();
    };
    let index = LineIndex::from_source(text);
    parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == ferry_python::ast::token::TokenKind::Comment)
        .map(|t| (index.line_of(t.start()), text[t.range()].to_string()))
        .collect()
}

/// A fix may move a comment but never drop it, unless it removed the whole
/// statement the comment trailed (an unused import and its note).
fn assert_comments_kept(path: &Path, before: &str, after: &str) {
    let lines: Vec<&str> = before.lines().collect();
    let mut kept: Vec<String> = comments(after).into_iter().map(|(_, c)| c).collect();
    for (line, comment) in comments(before) {
        if let Some(at) = kept.iter().position(|c| *c == comment) {
            kept.remove(at);
            continue;
        }
        let code = lines
            .get(line)
            .map_or("", |l| l.split('#').next().unwrap_or(l).trim());
        let trailed_a_removed_statement =
            !code.is_empty() && !after.lines().any(|l| l.contains(code));
        assert!(
            trailed_a_removed_statement,
            "{}: the fixes dropped the comment `{comment}` (line {})",
            path.display(),
            line + 1
        );
    }
}

/// Makes carriage returns, tabs and trailing spaces visible, so the snapshot shows them.
fn visible(line: &str) -> String {
    let body = line.trim_end_matches(' ');
    let trailing = "·".repeat(line.len() - body.len());
    format!("{}{trailing}", body.replace('\r', "␍").replace('\t', "→"))
}

fn render(path: &Path, code: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    let source = match decode(&bytes) {
        Ok(source) => source,
        Err(err) => return format!("status: error\nerror: {err}\n"),
    };
    let text = source.text.as_ref();
    let settings = settings_for(text, code);
    let packs = ferry_rules::all_packs();
    let index = LineIndex::from_source(text);
    let mut out = String::new();
    writeln!(out, "encoding: {}", source.encoding.name()).unwrap();
    let check = match check_source(text, packs, &settings) {
        Ok(check) => check,
        Err(err) => {
            writeln!(out, "status: error\nerror: {err}").unwrap();
            return out;
        }
    };
    writeln!(out, "status: {}", check.status().as_str()).unwrap();
    writeln!(out, "findings:").unwrap();
    for finding in &check.findings {
        let start = index.location(text, finding.range.start());
        let end = index.location(text, finding.range.end());
        writeln!(
            out,
            "  {}:{}-{}:{} {} [{}] {}",
            start.line,
            start.column,
            end.line,
            end.column,
            finding.code,
            finding.fix_kind().as_str(),
            finding.message
        )
        .unwrap();
        let line = index.line_of(finding.range.start());
        let line_text = text[usize::from(index.line_start(line))..]
            .split(['\n', '\r'])
            .next()
            .unwrap_or_default();
        writeln!(out, "    | {}", visible(line_text.trim_end())).unwrap();
        if let Some(fix) = &finding.fix {
            writeln!(out, "    fix: {}", fix.title).unwrap();
        }
    }
    writeln!(out, "mentions:").unwrap();
    for mention in &check.mentions {
        let at = index.location(text, mention.range.start());
        let code_note = if mention.commented_out_code {
            " (commented-out code)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}:{} {}{}",
            at.line,
            at.column,
            mention.kind.as_str(),
            code_note
        )
        .unwrap();
    }

    writeln!(out, "unaffected uses:").unwrap();
    for range in &check.unaffected {
        let at = index.location(text, range.start());
        writeln!(out, "  {}:{}", at.line, at.column).unwrap();
    }

    let has_unsafe = check
        .findings
        .iter()
        .any(|f| f.fix_kind() == ferry_engine::FixKind::Unsafe);
    for unsafe_fixes in [false, true] {
        if unsafe_fixes && !has_unsafe {
            break;
        }
        render_fixes(&mut out, path, &source, &settings, unsafe_fixes, &bytes);
    }
    out
}

/// Applies the fixes (safe ones, or all), renders their diff, and checks the
/// invariants every fix must keep.
fn render_fixes(
    out: &mut String,
    path: &Path,
    source: &ferry_python::DecodedSource<'_>,
    settings: &Settings,
    unsafe_fixes: bool,
    bytes: &[u8],
) {
    let text = source.text.as_ref();
    let packs = ferry_rules::all_packs();
    let outcome = fix_source(text, packs, settings, unsafe_fixes).expect("fixes apply cleanly");
    let label = if unsafe_fixes {
        "fixes applied with --unsafe-fixes"
    } else {
        "fixes applied"
    };
    writeln!(out, "{label}: {}", outcome.applied_count()).unwrap();
    if outcome.applied_count() > 0 {
        let diff = similar::TextDiff::from_lines(text, outcome.text.as_str());
        for hunk in diff.unified_diff().context_radius(1).iter_hunks() {
            writeln!(out, "{}", hunk.header()).unwrap();
            for change in hunk.iter_changes() {
                let line = visible(change.value().trim_end_matches(['\n', '\r']));
                let ending = if change.value().ends_with("\r\n") {
                    "␍"
                } else {
                    ""
                };
                writeln!(out, "{}{line}{ending}", change.tag()).unwrap();
            }
        }
    }
    // Bytes outside the fixes' edits are kept: every line the diff shows as
    // changed holds an edit of one of the fixes offered on the original text.
    let check = check_source(text, packs, settings).expect("fixtures with fixes parse");
    let index = LineIndex::from_source(text);
    let edited_lines: Vec<(usize, usize)> = check
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|fix| unsafe_fixes || fix.applicability == ferry_engine::Applicability::Safe)
        .flat_map(|fix| fix.edits.iter())
        .map(|e| (index.line_of(e.range.start()), index.line_of(e.range.end())))
        .collect();
    let diff = similar::TextDiff::from_lines(text, outcome.text.as_str());
    for op in diff.ops() {
        if op.tag() == similar::DiffTag::Equal {
            continue;
        }
        for line in op.old_range() {
            assert!(
                edited_lines.iter().any(|&(a, b)| a <= line && line <= b),
                "{}: line {} changed outside every fix edit",
                path.display(),
                line + 1
            );
        }
    }
    assert_comments_kept(path, text, &outcome.text);
    let again =
        fix_source(&outcome.text, packs, settings, unsafe_fixes).expect("fixed text checks");
    assert_eq!(
        again.applied_count(),
        0,
        "{}: a second fix run changed the file",
        path.display()
    );
    assert_eq!(again.text, outcome.text);
    assert!(
        outcome
            .remaining
            .findings
            .iter()
            .all(|f| f.fix_kind() == ferry_engine::FixKind::None
                || (!unsafe_fixes && f.fix_kind() == ferry_engine::FixKind::Unsafe)),
        "{}: applicable fixes remain after fixing",
        path.display()
    );
    // With every fix applied, nothing Ferry could fix is left (without
    // --unsafe-fixes, the unsafe fixes are, checked just above).
    if unsafe_fixes {
        assert_ne!(outcome.remaining.status(), FileStatus::Fixable);
    }
    let encoded = source
        .encoding
        .encode(&outcome.text)
        .expect("fixed text encodes");
    let round = decode(&encoded).expect("fixed bytes decode");
    assert_eq!(
        round.encoding,
        source.encoding,
        "{}: encoding changed",
        path.display()
    );
    assert_eq!(round.text, outcome.text);
    if outcome.applied_count() == 0 {
        assert_eq!(
            encoded,
            bytes,
            "{}: unfixed file must round-trip byte for byte",
            path.display()
        );
    }
}

#[test]
fn rule_fixtures() {
    let dirs = ferry_rules::fixture_dirs();
    assert!(!dirs.is_empty(), "no fixture folders found");
    let mut count = 0;
    for (code, dir) in dirs {
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| ferry_rules::is_fixture_input(p))
            .collect();
        fixtures.sort();
        assert!(!fixtures.is_empty(), "{} has no fixtures", dir.display());
        for fixture in fixtures {
            let name = fixture.file_stem().unwrap().to_str().unwrap().to_string();
            let rendered = render(&fixture, &code);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(dir.join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(&fixture);
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(format!("{code}_{name}"), rendered));
            count += 1;
        }
    }
    assert!(count > 0);
}
