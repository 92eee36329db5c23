//! The human rendering: each finding as `path:line:col: CODE message`,
//! sorted by path and position — by default followed by its source line with
//! carets under the span and the fix's title (the full output), or alone
//! (concise) — then a summary; and the completion report for a terminal.
//! Colour is ANSI escapes from `anstyle`, only when the caller asks.

use std::fmt::{self, Display, Write as _};
use std::io;

use anstyle::{AnsiColor, Style};
use ferry_engine::FileStatus;
use unicode_width::UnicodeWidthChar;

use crate::completion::{count, Baseline, CompletionReport};
use crate::model::{FindingReport, ScanReport};

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Also list every mention (comments, strings, docstrings), one per line.
    pub show_mentions: bool,
    /// Also list the findings silenced by `# noqa`.
    pub show_suppressed: bool,
    /// Only the findings (and errors): no summary lines.
    pub quiet: bool,
    /// One line per finding: no source line, carets or fix title.
    pub concise: bool,
    /// Colour the output with ANSI escapes.
    pub color: bool,
}

/// The styles of the text output; all plain without colour, and a plain
/// style writes no escape at all.
#[derive(Debug, Clone, Copy)]
struct Styles {
    path: Style,
    code: Style,
    gutter: Style,
    caret: Style,
    fix: Style,
    error: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        if !color {
            let plain = Style::new();
            return Self {
                path: plain,
                code: plain,
                gutter: plain,
                caret: plain,
                fix: plain,
                error: plain,
            };
        }
        let bold = Style::new().bold();
        Self {
            path: bold,
            code: bold.fg_color(Some(AnsiColor::Red.into())),
            gutter: bold.fg_color(Some(AnsiColor::Blue.into())),
            caret: bold.fg_color(Some(AnsiColor::Red.into())),
            fix: bold.fg_color(Some(AnsiColor::Cyan.into())),
            error: bold.fg_color(Some(AnsiColor::Red.into())),
        }
    }
}

/// `text` in `style`, then back to plain.
struct Painted<T>(Style, T);

impl<T: Display> Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:#}", self.0, self.1, self.0)
    }
}

/// Writes the findings line by line as they are rendered, so that a large
/// report is never held twice.
pub fn write_text(
    out: &mut dyn io::Write,
    report: &ScanReport,
    options: TextOptions,
) -> io::Result<()> {
    let styles = Styles::new(options.color);
    for file in &report.files {
        if let Some(error) = &file.error {
            writeln!(
                out,
                "{}: {}: {error}",
                Painted(styles.path, &file.path),
                Painted(styles.error, "error")
            )?;
        }
        write_findings(out, &file.path, &file.findings, options)?;
        if options.show_suppressed {
            for f in &file.suppressed {
                writeln!(
                    out,
                    "{}:{}:{}: {} (suppressed by `# noqa`) {}",
                    file.path, f.line, f.column, f.code, f.message
                )?;
            }
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
                )?;
            }
            for u in &file.unaffected {
                writeln!(
                    out,
                    "{}:{}:{}: unaffected use in code",
                    file.path, u.line, u.column
                )?;
            }
        }
    }
    write_summary(out, report, options, true)
}

/// Writes `findings` of the file at `path`: each its header line, and in the
/// full output its source line with carets under the span and its fix.
pub fn write_findings(
    out: &mut dyn io::Write,
    path: &str,
    findings: &[FindingReport],
    options: TextOptions,
) -> io::Result<()> {
    let styles = Styles::new(options.color);
    for f in findings {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            Painted(styles.path, path),
            f.line,
            f.column,
            Painted(styles.code, f.code),
            f.message
        )?;
        if !options.concise {
            write_snippet(out, f, styles)?;
        }
    }
    Ok(())
}

/// How many cells a tab takes up to the next stop.
const TAB_STOP: usize = 4;

/// The finding's line under a gutter with its number, carets under the
/// span (to the end of the line when it goes on), and the fix's title.
/// Columns count characters; on screen a tab goes to the next stop of
/// [`TAB_STOP`] and a wide character takes two cells, so both lines are
/// laid out in cells.
fn write_snippet(out: &mut dyn io::Write, f: &FindingReport, styles: Styles) -> io::Result<()> {
    let Some(line) = &f.source_line else {
        return Ok(());
    };
    // The line as shown, and the cell where each character starts (one
    // more: the end).
    let mut shown = String::with_capacity(line.len());
    let mut starts = Vec::with_capacity(line.len() + 1);
    let mut cell = 0;
    for c in line.chars() {
        starts.push(cell);
        if c == '\t' {
            let width = TAB_STOP - cell % TAB_STOP;
            shown.extend(std::iter::repeat_n(' ', width));
            cell += width;
        } else if c.is_control() {
            // Not sent to the terminal as it is.
            shown.push('\u{fffd}');
            cell += 1;
        } else {
            shown.push(c);
            cell += c.width().unwrap_or(0);
        }
    }
    starts.push(cell);
    let last = starts.len() - 1;
    let start = (f.column as usize).saturating_sub(1).min(last);
    let end = if f.end_line == f.line {
        (f.end_column as usize).saturating_sub(1).clamp(start, last)
    } else {
        last
    };
    let (from, to) = (starts[start], starts[end]);
    let carets = (to - from).max(1);
    let number = f.line.to_string();
    let blank = " ".repeat(number.len());
    let bar = Painted(styles.gutter, "|");
    writeln!(out, "{blank} {bar}")?;
    writeln!(
        out,
        "{} {bar} {}",
        Painted(styles.gutter, &number),
        shown.trim_end()
    )?;
    writeln!(
        out,
        "{blank} {bar} {}{} {}",
        " ".repeat(from),
        Painted(styles.caret, "^".repeat(carets)),
        Painted(styles.caret, f.code)
    )?;
    if let Some(title) = &f.fix_title {
        let how = match f.fix {
            "safe" => "safe: `ferry fix`",
            _ => "unsafe: `ferry fix --unsafe-fixes`",
        };
        writeln!(
            out,
            "{blank} {} {title} ({how})",
            Painted(styles.fix, "= fix:")
        )?;
    }
    writeln!(out)
}

/// The lines after the findings: the counts, what was silenced, the files
/// that only mention the old API or use its names in unaffected code, the
/// pin notes (when `pins`), and how many files could not be checked.
pub(crate) fn write_summary(
    out: &mut dyn io::Write,
    report: &ScanReport,
    options: TextOptions,
    pins: bool,
) -> io::Result<()> {
    if options.quiet {
        return Ok(());
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
        )?;
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
        )?;
    }
    if summary.suppressed > 0 && !options.show_suppressed {
        writeln!(
            out,
            "{} suppressed by `# noqa` (list them with --show-suppressed).",
            plural(summary.suppressed, "finding")
        )?;
    }
    if !mentions_only.is_empty() {
        writeln!(
            out,
            "{} the old API only in comments, strings or docstrings (no change needed): {}",
            verb(mentions_only.len(), "mentions", "mention"),
            name_list(&mentions_only)
        )?;
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
        )?;
    }
    for pin in report.pins.iter().filter(|_| pins) {
        writeln!(out, "Note: {}.", pin.message)?;
    }
    if summary.error > 0 {
        writeln!(
            out,
            "{} could not be checked (see the errors above).",
            plural(summary.error, "file")
        )?;
    }
    Ok(())
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

/// The report for a terminal: the same sections as the Markdown, as text.
pub fn render_completion_text(report: &CompletionReport) -> String {
    let mut out = String::new();
    let summary = report.summary();
    writeln!(
        out,
        "Project {} — target {}",
        report.project,
        report.targets.join(", ")
    )
    .unwrap();
    match &report.baseline {
        Baseline::Current => out.push_str("Changes counted against: nothing (use --since REV)\n"),
        Baseline::Since { rev, commit } => {
            let short = &commit[..12.min(commit.len())];
            if rev == commit || rev == short {
                writeln!(out, "Changes counted since {short}").unwrap();
            } else {
                writeln!(out, "Changes counted since {rev} ({short})").unwrap();
            }
        }
        Baseline::FixRun => out.push_str("Changes counted: this fix run\n"),
    }
    out.push('\n');
    let name_width = report
        .phases
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for phase in report.progress() {
        writeln!(
            out,
            "{:<name_width$}  {}: {} fixed, {} remaining, {} needing no change; {} applied  [{}]",
            phase.name,
            count(phase.files, "file"),
            phase.done,
            phase.remaining,
            phase.no_change_needed,
            count(phase.changes_applied, "change"),
            phase.state
        )
        .unwrap();
    }
    out.push('\n');
    let width = report.rows.iter().map(|r| r.path.len()).max().unwrap_or(0);
    for row in &report.rows {
        writeln!(
            out,
            "{:<width$}  {:<name_width$}  {:<34} applied {:>3}  remaining {:>3}",
            row.path,
            report.phases[row.phase].name,
            row.status().label(),
            row.applied_count(),
            row.remaining.len(),
        )
        .unwrap();
    }
    writeln!(
        out,
        "\n{} processed ({} scanned): {} fixed, {} {} review, {} to fix, {} with mentions only, {} not affected, {} with errors; {} applied; {} and {} left.",
        count(summary.files_processed, "file"),
        summary.files_scanned,
        summary.files_fixed,
        summary.files_need_review,
        if summary.files_need_review == 1 { "needs" } else { "need" },
        summary.files_to_fix,
        summary.files_mentions_only,
        summary.files_not_affected,
        summary.files_error,
        count(summary.changes_applied, "change"),
        count(summary.review_items, "review item"),
        count(summary.safe_fixes_left + summary.unsafe_fixes_left, "fix"),
    )
    .unwrap();
    for group in report.risks() {
        for item in &group.items {
            writeln!(
                out,
                "review: {}:{}:{}: {} {}",
                item.path, item.line, item.column, group.code, item.message
            )
            .unwrap();
        }
    }
    for step in report.next_steps() {
        match &step.command {
            Some(command) => writeln!(out, "next: {} — {command}", step.what).unwrap(),
            None => writeln!(out, "next: {}", step.what).unwrap(),
        }
    }
    out
}
