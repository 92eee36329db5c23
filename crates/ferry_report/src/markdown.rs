//! The completion report as Markdown, for people who do not read diffs:
//! an executive summary, progress by phase, the per-file table, the risks
//! left, and the commands to run next. Every number is computed from the
//! rows (see [`CompletionReport`]).

use std::fmt::Write as _;

use crate::completion::{count, Baseline, CompletionReport, CompletionRow};

pub fn render_markdown(report: &CompletionReport) -> String {
    let mut out = String::new();
    let summary = report.summary();
    // The packs the files hold findings or changes of (every pack when
    // none: a clean project), so a project without httpx reads no httpx.
    let found = |code: &str| {
        report.rows.iter().any(|row| {
            row.applied.contains_key(code) || row.remaining.iter().any(|f| f.code == code)
        })
    };
    let packs_of = |only_found: bool| {
        report
            .rules
            .iter()
            .filter(|r| !only_found || found(&r.code))
            .map(|r| r.pack.as_str())
            .fold(Vec::new(), |mut packs, pack| {
                if !packs.contains(&pack) {
                    packs.push(pack);
                }
                packs
            })
    };
    let mut libraries: Vec<&str> = packs_of(true);
    if libraries.is_empty() {
        libraries = packs_of(false);
    }
    writeln!(out, "# Migration report: {}\n", libraries.join(", ")).unwrap();
    out.push_str("| | |\n|---|---|\n");
    writeln!(out, "| Project | `{}` |", cell(&report.project)).unwrap();
    if let Some(config) = &report.config {
        writeln!(out, "| Configuration | `{}` |", cell(config)).unwrap();
    }
    writeln!(out, "| Target | {} |", cell(&report.targets.join(", "))).unwrap();
    let baseline = match &report.baseline {
        Baseline::Current => {
            "the tree as it is (nothing counts as applied; `--since REV` counts what was fixed since a commit)".to_string()
        }
        Baseline::Since { rev, commit } => {
            let short = &commit[..commit.len().min(12)];
            if rev == commit || rev == short {
                format!("commit `{short}`: changes applied are the findings resolved since then")
            } else {
                format!(
                    "`{}` (commit `{short}`): changes applied are the findings resolved since then",
                    cell(rev)
                )
            }
        }
        Baseline::FixRun => "this `ferry fix` run: changes applied are the fixes it wrote".into(),
    };
    writeln!(out, "| Changes counted against | {baseline} |").unwrap();

    section(&mut out, "Executive summary");
    writeln!(
        out,
        "- **{}** processed: every file that uses or mentions the migrated names ({} scanned).",
        count(summary.files_processed, "file"),
        count(summary.files_scanned, "Python file")
    )
    .unwrap();
    writeln!(
        out,
        "- **{}** fixed, **{}** {} review, **{}** still to fix, **{}** with mentions only, **{}** not affected, **{}** with errors.",
        summary.files_fixed,
        summary.files_need_review,
        if summary.files_need_review == 1 { "needs" } else { "need" },
        summary.files_to_fix,
        summary.files_mentions_only,
        summary.files_not_affected,
        summary.files_error,
    )
    .unwrap();
    let by_rule = if summary.changes_by_rule.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            summary
                .changes_by_rule
                .iter()
                .map(|(code, n)| format!("{code} × {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    writeln!(
        out,
        "- **{}** applied{by_rule}.",
        count(summary.changes_applied, "change")
    )
    .unwrap();
    writeln!(
        out,
        "- **{}** left for review; **{}** left to apply ({} safe, {} unsafe).",
        count(summary.review_items, "item"),
        count(summary.safe_fixes_left + summary.unsafe_fixes_left, "fix"),
        summary.safe_fixes_left,
        summary.unsafe_fixes_left,
    )
    .unwrap();
    if let Some(verification) = &report.verification {
        writeln!(
            out,
            "- Verification with {}: **{}** checked, **{}** failed, {} collected.",
            verification.python,
            count(verification.files.len(), "file"),
            verification.failed(),
            count(verification.tests(), "test")
        )
        .unwrap();
    }

    section(&mut out, "Progress by phase");
    out.push_str(
        "| # | Phase | Impact | Files | Fixed | Remaining | No change needed | Changes applied | State |\n",
    );
    out.push_str("|---:|---|---|---:|---:|---:|---:|---:|---|\n");
    for (index, phase) in report.progress().iter().enumerate() {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            index + 1,
            cell(&phase.name),
            cell(&phase.impact),
            phase.files,
            phase.done,
            phase.remaining,
            phase.no_change_needed,
            phase.changes_applied,
            phase.state
        )
        .unwrap();
    }

    section(&mut out, "Files");
    if report.rows.is_empty() {
        out.push_str("No file uses or mentions the migrated names.\n");
    } else {
        out.push_str("| File | Phase | Status | Changes applied | Remaining | Impact |\n");
        out.push_str("|---|---|---|---:|---:|---|\n");
        for row in &report.rows {
            let phase = &report.phases[row.phase];
            writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                cell(&row.path),
                cell(&phase.name),
                status_cell(row),
                applied_cell(row),
                remaining_cell(row),
                cell(&phase.impact)
            )
            .unwrap();
        }
    }

    section(&mut out, "Remaining risks");
    let risks = report.risks();
    if risks.is_empty() {
        out.push_str("None: no item is left for review.\n");
    }
    for group in &risks {
        writeln!(
            out,
            "### {} {} ({})\n",
            group.code,
            group.name,
            count(group.items.len(), "item")
        )
        .unwrap();
        for item in &group.items {
            writeln!(
                out,
                "- `{}:{}:{}`: {}",
                item.path, item.line, item.column, item.message
            )
            .unwrap();
        }
        out.push('\n');
    }
    let errors: Vec<&CompletionRow> = report.rows.iter().filter(|r| r.error.is_some()).collect();
    if !errors.is_empty() {
        out.push_str("\nFiles Ferry could not check:\n\n");
        for row in errors {
            writeln!(
                out,
                "- `{}`: {}",
                row.path,
                row.error.as_deref().unwrap_or_default()
            )
            .unwrap();
        }
    }
    for pin in &report.pins {
        writeln!(out, "\n> **Pinned:** {}.", pin.message).unwrap();
    }

    section(&mut out, "Next steps");
    for (index, step) in report.next_steps().iter().enumerate() {
        let phase = step
            .phase
            .as_ref()
            .map(|p| format!("**{}**: ", cell(p)))
            .unwrap_or_default();
        match &step.command {
            Some(command) => {
                writeln!(out, "{}. {phase}{}: `{command}`", index + 1, step.what).unwrap()
            }
            None => writeln!(out, "{}. {phase}{}.", index + 1, step.what).unwrap(),
        }
    }

    if let Some(tests) = &report.tests {
        section(&mut out, "Tests");
        let compared = match &tests.compared_with {
            Some(before) => format!(
                "; against run `{before}`: **{}** fixed, **{}** broken",
                tests.fixed,
                tests.broken.len()
            ),
            None => String::new(),
        };
        writeln!(
            out,
            "The project's own tests, last run `{}` (`ferry verify --tests`): **{}** passed, **{}** failed, {} errors, {} skipped{compared}.\n",
            tests.run, tests.passed, tests.failed, tests.errors, tests.skipped
        )
        .unwrap();
        out.push_str("| Phase | Tests passed | Tests failed |\n|---|---:|---:|\n");
        for phase in &tests.by_phase {
            let name = report
                .phases
                .get(phase.phase)
                .map_or("unphased", |p| p.name.as_str());
            writeln!(
                out,
                "| {} | {} | {} |",
                cell(name),
                phase.passed,
                phase.failed
            )
            .unwrap();
        }
        for id in &tests.broken {
            writeln!(out, "\n- broken: `{}`", cell(id)).unwrap();
        }
    }
    if let Some(verification) = &report.verification {
        section(&mut out, "Verification");
        let pytest = verification
            .pytest
            .as_ref()
            .map(|v| format!(", pytest {v}"))
            .unwrap_or_default();
        writeln!(out, "{}{pytest}.\n", verification.python).unwrap();
        out.push_str("| File | Result | Tests collected |\n|---|---|---:|\n");
        for file in &verification.files {
            let result = match (&file.problem, file.passed) {
                (_, true) => "ok".to_string(),
                (Some(problem), false) => format!("FAILED: {}", cell(problem)),
                (None, false) => "FAILED".to_string(),
            };
            let tests = match (file.tests, file.tests_before) {
                (Some(now), Some(before)) => format!("{now} ({before} before)"),
                (Some(now), None) => now.to_string(),
                _ => "–".to_string(),
            };
            writeln!(out, "| `{}` | {result} | {tests} |", cell(&file.path)).unwrap();
        }
    }
    out
}

fn status_cell(row: &CompletionRow) -> &'static str {
    row.status().label()
}

/// `5 (WS001 3, WS002 2)`; the per-rule counts add up to the total.
fn applied_cell(row: &CompletionRow) -> String {
    let total = row.applied_count();
    if total == 0 {
        return "0".into();
    }
    let parts: Vec<String> = row
        .applied
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    format!("{total} ({})", parts.join(", "))
}

/// `3 (1 review, 2 safe)`.
fn remaining_cell(row: &CompletionRow) -> String {
    let total = row.remaining.len();
    if total == 0 {
        return "0".into();
    }
    let mut parts = Vec::new();
    for (fix, label) in [("none", "review"), ("safe", "safe"), ("unsafe", "unsafe")] {
        let n = row.remaining.iter().filter(|f| f.fix == fix).count();
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    format!("{total} ({})", parts.join(", "))
}

/// Text safe inside a table cell: no `|`, no line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Starts a section after exactly one blank line, whatever came before.
fn section(out: &mut String, title: &str) {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out.push_str(&format!("\n## {title}\n\n"));
}
