//! The human rendering: one line per finding, `path:line:col: CODE message`,
//! sorted by path and position, then a summary.

use std::fmt::Write as _;

use ferry_engine::FileStatus;

use crate::model::ScanReport;

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Also list every mention (comments, strings, docstrings), one per line.
    pub show_mentions: bool,
}

pub fn render_text(report: &ScanReport, options: TextOptions) -> String {
    let mut out = String::new();
    for file in &report.files {
        if let Some(error) = &file.error {
            writeln!(out, "{}: error: {error}", file.path).unwrap();
        }
        for f in &file.findings {
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                file.path, f.line, f.column, f.code, f.message
            )
            .unwrap();
        }
        if options.show_mentions {
            for m in &file.mentions {
                let what = if m.commented_out_code {
                    "commented-out code"
                } else {
                    m.kind
                };
                writeln!(
                    out,
                    "{}:{}:{}: mention in {what}",
                    file.path, m.line, m.column
                )
                .unwrap();
            }
            for u in &file.unaffected {
                writeln!(
                    out,
                    "{}:{}:{}: unaffected use in code",
                    file.path, u.line, u.column
                )
                .unwrap();
            }
        }
    }
    let summary = report.summary();
    let mentions_only: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::MentionsOnly)
        .map(|f| f.path.as_str())
        .collect();
    if summary.findings == 0 {
        writeln!(
            out,
            "No breaking uses found in {} scanned.",
            plural(summary.files_scanned, "file")
        )
        .unwrap();
    } else {
        let files_with = summary.fixable + summary.needs_review;
        let mut parts = Vec::new();
        if summary.safe_fixes > 0 {
            parts.push(format!("{} fixable with `ferry fix`", summary.safe_fixes));
        }
        if summary.unsafe_fixes > 0 {
            parts.push(format!(
                "{} fixable with `ferry fix --unsafe-fixes`",
                summary.unsafe_fixes
            ));
        }
        if summary.review_items > 0 {
            parts.push(format!("{} to review", summary.review_items));
        }
        writeln!(
            out,
            "Found {} in {} ({}); {} scanned.",
            plural(summary.findings, "breaking use"),
            plural(files_with, "file"),
            parts.join(", "),
            plural(summary.files_scanned, "file"),
        )
        .unwrap();
    }
    if !mentions_only.is_empty() {
        writeln!(
            out,
            "{} the old API only in comments, strings or docstrings (no change needed): {}",
            verb(mentions_only.len(), "mentions", "mention"),
            name_list(&mentions_only)
        )
        .unwrap();
    }
    let unaffected: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Clean && !f.unaffected.is_empty())
        .map(|f| f.path.as_str())
        .collect();
    if !unaffected.is_empty() {
        writeln!(
            out,
            "{} the old names only in code that is not affected (other libraries, the legacy client, own functions): {}",
            verb(unaffected.len(), "uses", "use"),
            name_list(&unaffected)
        )
        .unwrap();
    }
    for pin in &report.pins {
        writeln!(out, "Note: {}.", pin.message).unwrap();
    }
    if summary.error > 0 {
        writeln!(
            out,
            "{} could not be checked (see the errors above).",
            plural(summary.error, "file")
        )
        .unwrap();
    }
    out
}

/// How many file names a summary line lists before it says "and N more".
const MAX_LISTED: usize = 10;

fn name_list(names: &[&str]) -> String {
    if names.len() <= MAX_LISTED {
        names.join(", ")
    } else {
        format!(
            "{} and {} more (see --format json)",
            names[..MAX_LISTED].join(", "),
            names.len() - MAX_LISTED
        )
    }
}

/// "1 file mentions" / "3 files mention".
fn verb(n: usize, singular: &str, plural_form: &str) -> String {
    if n == 1 {
        format!("1 file {singular}")
    } else {
        format!("{n} files {plural_form}")
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
