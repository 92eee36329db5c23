//! `ferry plan`, `ferry report`, `ferry init` and `ferry fix --report`:
//! the phased view of a migration. Rows come from a scan (and, with
//! `--since`, from the same files read at an older revision through git) or
//! from a fix run; everything else is computed from the rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ferry_report::{
    count, render_completion_text, render_json, render_markdown, render_sarif, Baseline,
    CompletionReport, CompletionRow, FileReport, RowStatus, SarifFile, ScanReport,
};
use ferry_verify::SourceFile;
use ferry_workspace::{
    display_path, findings_at, resolve_revision, write_new_file, FixMode, FixOptions, FixRun,
    ScanOptions, CONFIG_FILE,
};
use serde::Serialize;

use crate::cli::{InitArgs, OutputFormat, PlanArgs, ReportArgs, ReportFormat, Selection};
use crate::commands::print;
use crate::exit::ExitStatus;
use crate::progress_bar::TerminalProgress;
use crate::project::{with_walk_errors, Project};
use crate::verify_cmd;

/// The scan every phased command starts from, limited to the selected phases.
fn scan(project: &Project, selection: &Selection) -> Result<(ScanReport, Vec<PathBuf>)> {
    let inputs = project.inputs(selection)?;
    let report = ferry_workspace::scan_with_progress(
        &inputs.discovered.files,
        &project.packs,
        &project.settings,
        &project.cwd,
        ScanOptions::default(),
        &TerminalProgress::on_stderr(),
    );
    // A pin bump (WS900) stays: the selected phases' files need it.
    let report = with_walk_errors(report, &inputs, &project.cwd);
    Ok((report, inputs.discovered.files))
}

/// What suggested commands need after them to work on the same files from
/// the same folder.
fn command_suffix(selection: &Selection) -> String {
    let mut suffix = String::new();
    if let Some(config) = &selection.config {
        suffix.push_str(&format!(
            " --config {}",
            shell_word(&config.to_string_lossy())
        ));
    }
    for path in &selection.paths {
        suffix.push(' ');
        suffix.push_str(&shell_word(&path.to_string_lossy()));
    }
    suffix
}

fn shell_word(word: &str) -> String {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain && !word.is_empty() {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn row_of(project: &Project, file: &FileReport) -> CompletionRow {
    CompletionRow {
        path: file.path.clone(),
        phase: project.phase_of_shown(&file.path),
        applied: BTreeMap::new(),
        remaining: file.findings.clone(),
        mentions: file.mentions.len(),
        unaffected: file.unaffected.len(),
        error: file.error.clone(),
    }
}

fn sort_rows(rows: &mut [CompletionRow]) {
    rows.sort_by(|a, b| (a.phase, &a.path).cmp(&(b.phase, &b.path)));
}

fn completion(
    project: &Project,
    selection: &Selection,
    mut rows: Vec<CompletionRow>,
    baseline: Baseline,
    files_scanned: usize,
    pins: Vec<ferry_report::PinNote>,
) -> CompletionReport {
    sort_rows(&mut rows);
    let codes: std::collections::BTreeSet<&str> = rows
        .iter()
        .flat_map(|row| {
            row.applied
                .keys()
                .map(String::as_str)
                .chain(row.remaining.iter().map(|f| f.code))
        })
        .collect();
    let targets = project.target_names(&codes);
    CompletionReport {
        project: project.shown_root(),
        config: project.shown_config(),
        baseline,
        targets,
        files_scanned,
        phases: project.report_phases(),
        rows,
        rules: project.rule_infos(),
        pins,
        verification: None,
        tests: None,
        command_suffix: command_suffix(selection),
    }
}

fn render(report: &CompletionReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Markdown => render_markdown(report),
        ReportFormat::Json => render_json(report),
        ReportFormat::Text => render_completion_text(report),
        ReportFormat::Sarif => render_sarif(
            report.rows.iter().map(|row| SarifFile {
                path: &row.path,
                findings: &row.remaining,
                error: row.error.as_deref(),
            }),
            &report.rules,
            &report.pins,
            env!("CARGO_PKG_VERSION"),
        ),
    }
}

/// Writes the report to `output` (whole or not at all), or prints it.
fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        None => print(text),
        Some(path) => write_new_file(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
    }
}

pub fn report(args: ReportArgs) -> Result<ExitStatus> {
    let project = Project::load(&args.selection)?;
    let (scan, files) = scan(&project, &args.selection)?;
    let scanned: std::collections::HashSet<&str> =
        scan.files.iter().map(|f| f.path.as_str()).collect();
    let mut rows: BTreeMap<String, CompletionRow> = scan
        .files
        .iter()
        .map(|file| (file.path.clone(), row_of(&project, file)))
        .collect();
    let baseline = match &args.since {
        None => Baseline::Current,
        Some(rev) => {
            let revision = resolve_revision(rev, &project.cwd)?;
            let old = findings_at(
                &revision,
                &files,
                &project.packs,
                &project.settings,
                &project.cwd,
            )?;
            for (path, counts) in old {
                let shown = display_path(&path, &project.cwd);
                let row = rows.entry(shown.clone()).or_insert_with(|| CompletionRow {
                    path: shown.clone(),
                    phase: project.phase_of_shown(&shown),
                    applied: BTreeMap::new(),
                    remaining: Vec::new(),
                    mentions: 0,
                    unaffected: 0,
                    error: None,
                });
                for (code, before) in counts {
                    let now = row.remaining.iter().filter(|f| f.code == code).count();
                    if before > now {
                        row.applied.insert(code.to_string(), before - now);
                    }
                }
            }
            Baseline::Since {
                rev: revision.rev,
                commit: revision.commit,
            }
        }
    };
    // Every file the scan lists is a row, as in `plan`; a file met only at
    // the baseline is a row when changes were applied to it.
    let rows: Vec<CompletionRow> = rows
        .into_values()
        .filter(|row| scanned.contains(row.path.as_str()) || row.applied_count() > 0)
        .collect();
    let mut report = completion(
        &project,
        &args.selection,
        rows,
        baseline,
        scan.files_scanned,
        scan.pins,
    );
    if args.verify {
        let start = args
            .selection
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let files: Vec<SourceFile> = report
            .rows
            .iter()
            .filter(|row| row.error.is_none() && is_python(&row.path))
            .map(|row| SourceFile {
                path: PathBuf::from(&row.path),
                shown: row.path.clone(),
            })
            .collect();
        let verified = verify_cmd::verify_files(files, args.python.clone(), &start)?;
        report.verification = Some(verify_cmd::summarize(&verified));
    }
    report.tests = recorded_tests(&project, &args.selection);
    // The extension decides when no --format is given, as for `fix --report`.
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(|f| format_of(f).ok()))
        .unwrap_or_default();
    emit(&render(&report, format), args.output.as_deref())?;
    Ok(ExitStatus::Success)
}

/// The last recorded run of the project's own tests (`ferry verify
/// --tests`), compared with the run before it of the same command, with
/// each test counted in the phase of its file.
fn recorded_tests(project: &Project, selection: &Selection) -> Option<ferry_report::TestResults> {
    let start = selection
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let root = ferry_verify::project_root(&start);
    let runs = ferry_verify::recorded_runs(&root);
    let last = runs.last()?;
    // The same command, but for the run's own JUnit file.
    let args = |run: &ferry_verify::SuiteRun| -> Vec<String> {
        run.command
            .iter()
            .skip(1)
            .filter(|a| !a.starts_with("--junitxml="))
            .cloned()
            .collect()
    };
    let before = runs[..runs.len() - 1]
        .iter()
        .rfind(|r| args(r) == args(last));
    let comparison = before.map(|before| ferry_verify::compare(before, last));
    let mut by_phase: std::collections::BTreeMap<usize, ferry_report::PhaseTests> =
        std::collections::BTreeMap::new();
    for (id, outcome) in &last.tests {
        let Some(file) = test_file(&root, id) else {
            continue;
        };
        let phase = project.phase_of_shown(&display_path(&file, &project.cwd));
        let entry = by_phase.entry(phase).or_insert(ferry_report::PhaseTests {
            phase,
            passed: 0,
            failed: 0,
        });
        match outcome {
            ferry_verify::Outcome::Passed => entry.passed += 1,
            ferry_verify::Outcome::Failed | ferry_verify::Outcome::Error => entry.failed += 1,
            ferry_verify::Outcome::Skipped => {}
        }
    }
    Some(ferry_report::TestResults {
        run: last.id.clone(),
        passed: last.counts.passed,
        failed: last.counts.failed,
        errors: last.counts.errors,
        skipped: last.counts.skipped,
        compared_with: comparison.as_ref().map(|c| c.before.clone()),
        fixed: comparison.as_ref().map_or(0, |c| c.fixed.len()),
        broken: comparison.map(|c| c.broken).unwrap_or_default(),
        by_phase: by_phase.into_values().collect(),
    })
}

/// The file of a test id from pytest's JUnit report (`tests.e2e.test_chat::Class::test`):
/// the longest dotted prefix of its module part that is a file under the root.
fn test_file(root: &Path, id: &str) -> Option<PathBuf> {
    let module = id.split("::").next()?;
    let parts: Vec<&str> = module.split('.').collect();
    (1..=parts.len()).rev().find_map(|n| {
        let file = root.join(format!("{}.py", parts[..n].join("/")));
        file.is_file().then_some(file)
    })
}

fn is_python(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".pyi")
}

/// `ferry fix --report FILE`: the report of the run that just wrote.
pub fn write_fix_report(
    project: &Project,
    selection: &Selection,
    run: &FixRun,
    verified: Option<&ferry_verify::VerifyReport>,
    file: &Path,
    format: Option<ReportFormat>,
) -> Result<()> {
    let format = match format {
        Some(format) => format,
        None => format_of(file)?,
    };
    let rows = run
        .files
        .iter()
        .map(|f| {
            let mut row = row_of(project, &f.report);
            row.applied = f
                .applied
                .iter()
                .map(|(code, n)| (code.to_string(), *n))
                .collect();
            row
        })
        .collect();
    let mut report = completion(
        project,
        selection,
        rows,
        Baseline::FixRun,
        run.files_scanned,
        run.pins.clone(),
    );
    report.verification = verified.map(verify_cmd::summarize);
    emit(&render(&report, format), Some(file))?;
    eprintln!("Wrote the report of this run to {}", file.display());
    Ok(())
}

fn format_of(file: &Path) -> Result<ReportFormat> {
    let name = file.to_string_lossy().to_ascii_lowercase();
    Ok(if name.ends_with(".md") || name.ends_with(".markdown") {
        ReportFormat::Markdown
    } else if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
        ReportFormat::Sarif
    } else if name.ends_with(".json") {
        ReportFormat::Json
    } else if name.ends_with(".txt") {
        ReportFormat::Text
    } else {
        bail!(
            "--report {}: cannot tell the format from the extension (.md, .json, .sarif, .txt); give --report-format",
            file.display()
        )
    })
}

/// One phase of `ferry plan`, as JSON shows it and text renders it.
#[derive(Serialize)]
struct PlanPhase<'a> {
    name: &'a str,
    impact: &'a str,
    description: Option<&'a str>,
    paths: &'a [String],
    files: Vec<PlanFile<'a>>,
    safe_fixes: usize,
    unsafe_fixes: usize,
    review_items: usize,
    mentions_only: usize,
    not_affected: usize,
    would_fix: WouldFix,
    commands: Vec<String>,
}

#[derive(Serialize)]
struct PlanFile<'a> {
    path: &'a str,
    /// Before any fix: `fixable`, `needs-review`, `mentions-only`, `not-affected` or `error`.
    status: &'static str,
    safe: usize,
    #[serde(rename = "unsafe")]
    unsafe_: usize,
    review: usize,
    mentions: usize,
    would_fix: usize,
    error: Option<&'a str>,
}

/// What `ferry fix --phase NAME` would apply (without `--unsafe-fixes`).
#[derive(Serialize)]
struct WouldFix {
    fixes: usize,
    files: usize,
}

fn count_fix(findings: &[ferry_report::FindingReport], fix: &str) -> usize {
    findings.iter().filter(|f| f.fix == fix).count()
}

pub fn plan(args: PlanArgs) -> Result<ExitStatus> {
    let project = Project::load(&args.selection)?;
    let (scan, files) = scan(&project, &args.selection)?;
    // What `ferry fix --phase` would apply: the fix itself, dry.
    let dry = ferry_workspace::fix(
        &files,
        &project.packs,
        &project.settings,
        &project.cwd,
        FixOptions {
            mode: FixMode::Check,
            unsafe_fixes: false,
            allow_dirty: true,
            allow_no_vcs: true,
            project_pins: true,
        },
    )?;
    let would_fix: BTreeMap<&str, usize> = dry
        .files
        .iter()
        .map(|f| (f.report.path.as_str(), f.applied_count()))
        .collect();
    let rows: Vec<CompletionRow> = scan.files.iter().map(|f| row_of(&project, f)).collect();
    let report = completion(
        &project,
        &args.selection,
        rows,
        Baseline::Current,
        scan.files_scanned,
        scan.pins.clone(),
    );
    let suffix = &report.command_suffix;
    let mut phases = Vec::new();
    for (index, phase) in report.phases.iter().enumerate() {
        let rows: Vec<&CompletionRow> = report.rows.iter().filter(|r| r.phase == index).collect();
        if index + 1 == report.phases.len() && rows.is_empty() {
            continue;
        }
        let files: Vec<PlanFile<'_>> = rows
            .iter()
            .map(|r| PlanFile {
                path: &r.path,
                status: plan_status(r),
                safe: count_fix(&r.remaining, "safe"),
                unsafe_: count_fix(&r.remaining, "unsafe"),
                review: count_fix(&r.remaining, "none"),
                mentions: r.mentions,
                would_fix: would_fix.get(r.path.as_str()).copied().unwrap_or(0),
                error: r.error.as_deref(),
            })
            .collect();
        let name = &phase.name;
        let would = WouldFix {
            fixes: files.iter().map(|f| f.would_fix).sum(),
            files: files.iter().filter(|f| f.would_fix > 0).count(),
        };
        let unsafe_fixes = files.iter().map(|f| f.unsafe_).sum();
        let mut commands = Vec::new();
        if would.fixes > 0 {
            commands.push(format!("ferry fix --phase {name} --diff{suffix}"));
            commands.push(format!("ferry fix --phase {name}{suffix}"));
        }
        if unsafe_fixes > 0 {
            commands.push(format!(
                "ferry fix --phase {name} --unsafe-fixes --diff{suffix}"
            ));
            commands.push(format!("ferry fix --phase {name} --unsafe-fixes{suffix}"));
        }
        if !files.is_empty() {
            commands.push(format!("ferry verify --phase {name}{suffix}"));
        }
        phases.push(PlanPhase {
            name,
            impact: &phase.impact,
            description: phase.description.as_deref(),
            paths: &phase.paths,
            safe_fixes: files.iter().map(|f| f.safe).sum(),
            unsafe_fixes,
            review_items: files.iter().map(|f| f.review).sum(),
            mentions_only: rows
                .iter()
                .filter(|r| r.status() == RowStatus::MentionsOnly)
                .count(),
            not_affected: rows
                .iter()
                .filter(|r| r.status() == RowStatus::NotAffected)
                .count(),
            would_fix: would,
            commands,
            files,
        });
    }
    match args.format {
        OutputFormat::Json => {
            let document = serde_json::json!({
                "version": ferry_report::JSON_VERSION,
                "project": report.project,
                "config": report.config,
                "targets": report.targets,
                "files_scanned": report.files_scanned,
                "phases": phases,
            });
            print(&format!("{}\n", serde_json::to_string_pretty(&document)?))?;
        }
        OutputFormat::Text => print(&render_plan_text(&report, &phases))?,
    }
    Ok(if scan.has_errors() {
        ExitStatus::Error
    } else if scan.has_findings() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// A file's state before any fix, as the plan shows it.
fn plan_status(row: &CompletionRow) -> &'static str {
    match row.status() {
        RowStatus::Error => "error",
        RowStatus::NeedsReview => "needs-review",
        RowStatus::ToFix => "fixable",
        RowStatus::Fixed => "fixed",
        RowStatus::MentionsOnly => "mentions-only",
        RowStatus::NotAffected => "not-affected",
    }
}

fn render_plan_text(report: &CompletionReport, phases: &[PlanPhase<'_>]) -> String {
    let mut out = String::new();
    write!(out, "Plan for {}", report.project).unwrap();
    match &report.config {
        Some(config) => writeln!(out, " ({config})").unwrap(),
        None => {
            out.push_str(" (no ferry.toml: every file is unphased; `ferry init` proposes phases)\n")
        }
    }
    writeln!(out, "Target: {}\n", report.targets.join(", ")).unwrap();
    for (index, phase) in phases.iter().enumerate() {
        writeln!(out, "{}. {} — {}", index + 1, phase.name, phase.impact).unwrap();
        if let Some(description) = phase.description {
            writeln!(out, "   {description}").unwrap();
        }
        if !phase.paths.is_empty() {
            writeln!(out, "   paths: {}", phase.paths.join(", ")).unwrap();
        }
        if phase.files.is_empty() {
            out.push_str("   nothing to do: no file of this phase uses or mentions the names\n\n");
            continue;
        }
        writeln!(
            out,
            "   {}: {}, {}, {}, {} with mentions only, {} not affected",
            count(phase.files.len(), "file"),
            count(phase.safe_fixes, "safe fix"),
            count(phase.unsafe_fixes, "unsafe fix"),
            count(phase.review_items, "review item"),
            phase.mentions_only,
            phase.not_affected,
        )
        .unwrap();
        let width = phase.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
        for file in &phase.files {
            let mut parts = Vec::new();
            for (n, label) in [
                (file.safe, "safe"),
                (file.unsafe_, "unsafe"),
                (file.review, "review"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {label}"));
                }
            }
            if let Some(error) = file.error {
                parts.push(format!("error: {error}"));
            }
            if parts.is_empty() && file.status == "mentions-only" {
                parts.push(format!("{} only", count(file.mentions, "mention")));
            }
            if parts.is_empty() {
                parts.push("not affected".to_string());
            }
            writeln!(out, "     {:<width$}  {}", file.path, parts.join(", ")).unwrap();
        }
        let name = phase.name;
        let mut would = if phase.would_fix.fixes == 0 {
            format!("   `ferry fix --phase {name}` would change nothing")
        } else {
            format!(
                "   `ferry fix --phase {name}` would apply {} in {}",
                count(phase.would_fix.fixes, "fix"),
                count(phase.would_fix.files, "file")
            )
        };
        if phase.unsafe_fixes > 0 {
            write!(
                would,
                "; {} more with --unsafe-fixes",
                count(phase.unsafe_fixes, "unsafe fix")
            )
            .unwrap();
        }
        if phase.review_items > 0 {
            write!(
                would,
                "; {} left for a human",
                count(phase.review_items, "review item")
            )
            .unwrap();
        }
        writeln!(out, "{would}.").unwrap();
        for (i, command) in phase.commands.iter().enumerate() {
            let lead = if i == 0 { "   run: " } else { "        " };
            writeln!(out, "{lead}{command}").unwrap();
        }
        out.push('\n');
    }
    for pin in &report.pins {
        writeln!(out, "Note: {}.", pin.message).unwrap();
    }
    let summary = report.summary();
    writeln!(
        out,
        "Total: {} to fix ({} safe, {} unsafe), {} to review, in {} of {} scanned.",
        count(
            summary.safe_fixes_left + summary.unsafe_fixes_left,
            "finding"
        ),
        summary.safe_fixes_left,
        summary.unsafe_fixes_left,
        count(summary.review_items, "item"),
        count(
            summary.files_to_fix + summary.files_need_review + summary.files_error,
            "file"
        ),
        summary.files_scanned,
    )
    .unwrap();
    out
}

pub fn init(args: InitArgs) -> Result<ExitStatus> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        bail!("`{}` is not a folder", root.display());
    }
    let target = root.join(CONFIG_FILE);
    if !args.stdout {
        if target.exists() {
            bail!(
                "{} already exists; edit it, or print a proposal with `ferry init --stdout`",
                target.display()
            );
        }
        let pyproject = root.join("pyproject.toml");
        if std::fs::read_to_string(&pyproject).is_ok_and(|text| text.contains("[tool.ferry")) {
            bail!(
                "{} already has a [tool.ferry] table; edit it, or print a proposal with `ferry init --stdout`",
                pyproject.display()
            );
        }
    }
    let selection = Selection {
        paths: vec![root.clone()],
        // The project's own file only: an outer configuration must not shape the proposal.
        config: None,
        ..Selection::default()
    };
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let project = Project::load_without_config(&selection, &cwd)?;
    let (scan, _) = scan(&project, &selection)?;
    let text = proposal(&scan, &root, &cwd);
    if args.stdout {
        print(&text)?;
    } else {
        write_new_file(&target, text.as_bytes())
            .with_context(|| format!("cannot write {}", target.display()))?;
        eprintln!(
            "Wrote {}; edit the phases and impacts, then run `ferry plan`.",
            target.display()
        );
    }
    Ok(ExitStatus::Success)
}

/// A starting configuration: one phase per top folder that has findings,
/// test folders first (they gate releases and are the cheapest to check),
/// each with its count, and comments explaining every key.
fn proposal(scan: &ScanReport, root: &Path, cwd: &Path) -> String {
    let root_abs = ferry_workspace::normalize(root, cwd);
    let mut by_top: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for file in &scan.files {
        if file.findings.is_empty() {
            continue;
        }
        let absolute = ferry_workspace::normalize(Path::new(&file.path), cwd);
        let Ok(relative) = absolute.strip_prefix(&root_abs) else {
            continue;
        };
        let mut components = relative.components();
        let first = components.next();
        let top = match (first, components.next()) {
            (Some(first), Some(_)) => first.as_os_str().to_string_lossy().to_string(),
            // A file at the top of the project.
            _ => String::new(),
        };
        let entry = by_top.entry(top).or_default();
        entry.0 += 1;
        entry.1 += file.findings.len();
    }
    let is_test = |name: &str| name.contains("test");
    let mut tops: Vec<(String, (usize, usize))> = by_top.into_iter().collect();
    tops.sort_by_key(|(name, _)| (!is_test(name), name.is_empty(), name.clone()));
    let mut out = String::from(
        "# Ferry's configuration (see `ferry plan`). Keys:\n\
         #   packs    the rule packs to run (default: all)\n\
         #   exclude  globs of paths Ferry skips, relative to this file\n\
         #   target   the version to migrate each library to (default: what the project pins,\n\
         #            else the newest release); `--target` overrides it\n\
         #   [[phase]] tables, in the order the work is done: `name`, `paths` (globs relative to\n\
         #            this file; a folder takes everything under it; the first phase that\n\
         #            matches a file wins), `impact` (shown in plans and reports: what breaks\n\
         #            for users if this phase breaks) and an optional `description`. Files no\n\
         #            phase matches are in a last phase named `unphased`.\n\
         #\n\
         # The phases below were proposed from where the findings are today, test folders\n\
         # first; rename, merge and reorder them to match how your team ships.\n\n\
         packs = [\"websockets\"]\n\
         exclude = []\n\n",
    );
    if tops.is_empty() {
        out.push_str("# No finding today, so no phase is proposed. A phase looks like:\n# [[phase]]\n# name = \"tests\"\n# paths = [\"tests/**\"]\n# impact = \"What breaks if this phase breaks\"\n");
        return out;
    }
    for (top, (files, findings)) in tops {
        let (name, paths) = if top.is_empty() {
            ("top-level".to_string(), "[\"*.py\"]".to_string())
        } else {
            (
                top.replace(
                    |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
                    "-",
                ),
                format!("[\"{}/**\"]", top.replace('"', "\\\"")),
            )
        };
        writeln!(
            out,
            "# {} with {} today.\n[[phase]]\nname = \"{name}\"\npaths = {paths}\nimpact = \"TODO: what breaks for users if {} breaks\"\n",
            if files == 1 { "1 file".to_string() } else { format!("{files} files") },
            if findings == 1 { "1 finding".to_string() } else { format!("{findings} findings") },
            if top.is_empty() { "the top-level modules".to_string() } else { format!("`{top}/`") }
        )
        .unwrap();
    }
    out
}
