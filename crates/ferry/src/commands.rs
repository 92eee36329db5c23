//! One function per subcommand.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use anyhow::{bail, Context, Result};
use ferry_report::{
    count, render_sarif, write_findings, write_github, write_json, write_text, RuleInfo, SarifFile,
    TextOptions,
};
use ferry_workspace::{FixMode, FixOptions, FixRun, ScanOptions};

use crate::cli::{
    Args, Command, ExplainArgs, FixArgs, FixFormat, OutputFormat, RulesArgs, ScanArgs, ScanFormat,
    Selection,
};
use crate::color;
use crate::diag;
use crate::exit::ExitStatus;
use crate::project::{pin_bump_info, with_walk_errors, Project};
use crate::verbose::RunStats;
use crate::{pack_cmd, report_cmd, tests_cmd, upgrade_cmd, verify_cmd};

pub fn run(args: Args) -> Result<ExitStatus> {
    match args.command {
        Command::Scan(args) => scan(args),
        Command::Fix(args) => fix(args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Doctor(args) => verify_cmd::doctor(args),
        Command::Verify(args) => verify_cmd::verify(args),
        Command::Upgrade(args) => upgrade_cmd::upgrade(args),
        Command::Plan(args) => report_cmd::plan(args),
        Command::Report(args) => report_cmd::report(args),
        Command::Init(args) => report_cmd::init(args),
        Command::Pack(command) => pack_cmd::run(command),
        Command::Version => {
            print(&version_line())?;
            Ok(ExitStatus::Success)
        }
    }
}

/// What `ferry version` prints: clap's own `ferry --version` text, so the two agree.
fn version_line() -> String {
    <Args as clap::CommandFactory>::command().render_version()
}

/// Writes to stdout; a closed pipe (`ferry scan | head`) ends quietly.
pub(crate) fn print(text: &str) -> Result<()> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Lets `write` render straight to stdout, buffered: a large report is not
/// built in memory first. A closed pipe (`ferry scan | head`) ends the run
/// quietly, as it does for `grep`.
pub(crate) fn print_with(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.context("cannot write to stdout"),
    }
}

fn scan(args: ScanArgs) -> Result<ExitStatus> {
    if reads_stdin(&args.selection) {
        let project = Project::load(&Selection {
            paths: Vec::new(),
            ..args.selection.clone()
        })?;
        let (name, source) = stdin_source(args.stdin_filename.as_deref(), &project)?;
        let file = match &source {
            Err(reason) => ferry_report::FileReport::error(name.clone(), reason.clone()),
            Ok((text, settings, _)) => {
                match ferry_engine::check_source(text, &project.packs, settings) {
                    Ok(check) => ferry_workspace::to_file_report(name.clone(), text, &check),
                    Err(err) => ferry_report::FileReport::error(
                        name.clone(),
                        ferry_workspace::describe_check_error(text, &err),
                    ),
                }
            }
        };
        let mut report = ferry_report::ScanReport::new(vec![file], 1);
        if report.files.is_empty() {
            report.files_scanned = 1;
        }
        return print_scan(&args, &project, &report);
    }
    let stats = RunStats::start();
    let project = Project::load(&args.selection)?;
    let walk = project.walk(&args.selection)?;
    let options = ScanOptions {
        prefilter: !args.no_prefilter,
        project_pins: true,
    };
    let report = ferry_workspace::scan_with_progress(
        &walk,
        &project.packs,
        &project.settings,
        &project.cwd,
        options,
        &stats,
    );
    let inputs = project.walked(walk);
    if args.verbose {
        stats.print(&inputs.discovered);
    }
    // With --phase, a requirement that the phase's files need raised (WS900)
    // is shown even when its own path is in another phase: fix writes it too.
    let report = with_walk_errors(report, &inputs, &project.cwd);
    if report.files_scanned == 0 && inputs.discovered.errors.is_empty() {
        // Usually a wrong path or an over-broad `exclude`: say so where a person looks.
        let shown: Vec<String> = if args.selection.paths.is_empty() {
            vec![".".to_string()]
        } else {
            args.selection
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        diag::warning(format_args!(
            "no Python file to check in {} (after `exclude` and --phase)",
            shown.join(", ")
        ));
    }
    print_scan(&args, &project, &report)
}

/// Prints a scan in the format asked for; its exit status.
fn print_scan(
    args: &ScanArgs,
    project: &Project,
    report: &ferry_report::ScanReport,
) -> Result<ExitStatus> {
    let report = report.clone();
    match args.format {
        ScanFormat::Full | ScanFormat::Concise => print_with(|out| {
            let options = TextOptions {
                show_mentions: args.show_mentions,
                show_suppressed: args.show_suppressed,
                quiet: args.quiet,
                concise: args.format == ScanFormat::Concise,
                color: color::stdout(),
            };
            write_text(out, &report, options)
        })?,
        ScanFormat::Json => print_with(|out| write_json(out, &report))?,
        ScanFormat::Github => print_with(|out| write_github(out, &report))?,
        ScanFormat::Sarif => print(&render_sarif(
            report.files.iter().map(|f| SarifFile {
                path: &f.path,
                findings: &f.findings,
                error: f.error.as_deref(),
            }),
            &project.rule_infos(),
            &report.pins,
            env!("CARGO_PKG_VERSION"),
        ))?,
    }
    Ok(if report.has_errors() {
        ExitStatus::Error
    } else if report.has_findings() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn fix(args: FixArgs) -> Result<ExitStatus> {
    if reads_stdin(&args.selection) {
        return fix_stdin(&args);
    }
    let stats = RunStats::start();
    let project = Project::load(&args.selection)?;
    let (packs, settings) = (&project.packs[..], &project.settings);
    let mode = if args.diff {
        FixMode::Diff
    } else if args.check {
        FixMode::Check
    } else {
        FixMode::Write
    };
    let options = FixOptions {
        mode,
        unsafe_fixes: args.unsafe_fixes,
        allow_dirty: args.allow_dirty,
        allow_no_vcs: args.allow_no_vcs,
        project_pins: true,
    };
    let fix_files = |files: &dyn ferry_workspace::Files| {
        ferry_workspace::fix_with_progress(files, packs, settings, &project.cwd, options, &stats)
    };
    // --verify-tests runs the suite before anything is written, and keeps
    // the bytes of the files the fix will change.
    let tests = if args.verify_tests {
        let inputs = project.inputs(&args.selection)?;
        let plan = ferry_workspace::fix(
            &inputs.discovered.files,
            packs,
            settings,
            &project.cwd,
            FixOptions {
                mode: FixMode::Check,
                ..options
            },
        )?;
        let to_change: Vec<std::path::PathBuf> = plan
            .files
            .iter()
            .filter(|f| f.applied_count() > 0 && f.report.error.is_none())
            .map(|f| f.path.clone())
            .collect();
        Some(tests_cmd::FixTests::prepare(&args, &to_change)?)
    } else {
        None
    };
    let (run, inputs, verification) = if args.verify {
        // --verify measures the files about to change before anything is
        // written, so it needs the list first.
        let inputs = project.inputs(&args.selection)?;
        let verification = verify_cmd::FixVerification::prepare(
            &args,
            &inputs.discovered.files,
            packs,
            settings,
            &project.cwd,
            options,
        )?;
        (
            fix_files(&inputs.discovered.files)?,
            inputs,
            Some(verification),
        )
    } else {
        let walk = project.walk(&args.selection)?;
        let run = fix_files(&walk)?;
        (run, project.walked(walk), None)
    };
    if args.verbose {
        stats.print(&inputs.discovered);
    }
    let walk_errors: Vec<String> = inputs
        .discovered
        .errors
        .iter()
        .map(|(path, reason)| {
            diag::file_error(
                ferry_workspace::display_path(path, &project.cwd),
                format_args!("cannot read: {reason}"),
            )
        })
        .collect();
    let summary = FixSummary::of(&run, args.unsafe_fixes);
    let mut out = String::new();
    let color = args.format != FixFormat::Json && color::stdout();
    match mode {
        FixMode::Diff => {
            for file in &run.files {
                let diff = file.diff.as_deref().unwrap_or_default();
                if color {
                    out.push_str(&colored_diff(diff));
                } else {
                    out.push_str(diff);
                }
            }
        }
        FixMode::Check => {
            for file in run.files.iter().filter(|f| f.applied_count() > 0) {
                out.push_str(&format!(
                    "Would fix {}: {}\n",
                    count(file.applied_count(), "finding"),
                    file.report.path
                ));
            }
        }
        FixMode::Write => {
            let options = TextOptions {
                concise: args.format == FixFormat::Concise,
                color,
                ..TextOptions::default()
            };
            let mut lines = Vec::new();
            for file in &run.files {
                write_findings(
                    &mut lines,
                    &file.report.path,
                    &file.report.findings,
                    options,
                )
                .expect("writing to memory does not fail");
            }
            out.push_str(&String::from_utf8(lines).expect("the findings are text"));
        }
    }
    let mut notes = String::new();
    for line in &walk_errors {
        notes.push_str(line);
        notes.push('\n');
    }
    for file in run.files.iter().filter(|f| f.report.error.is_some()) {
        notes.push_str(&diag::file_error(
            &file.report.path,
            file.report.error.as_deref().unwrap_or_default(),
        ));
        notes.push('\n');
    }
    for path in &run.stale_temp_files_removed {
        notes.push_str(&format!(
            "removed a temporary file left by an interrupted run: {}\n",
            path.display()
        ));
    }
    if !args.quiet {
        notes.push_str(&summary.line(mode));
        notes.push('\n');
        for pin in &run.pins {
            notes.push_str(&format!("Note: {}.\n", pin.message));
        }
    }
    // In diff mode stdout is the patch, in JSON mode the document; everything
    // else goes to stderr.
    if args.format == FixFormat::Json {
        eprint!("{notes}");
        print(&format!("{}\n", fix_json(&run, mode, &summary)))?;
    } else if mode == FixMode::Diff {
        print(&out)?;
        eprint!("{notes}");
    } else {
        print(&out)?;
        print(&notes)?;
    }
    let errors = summary.errors + walk_errors.len();
    // Diff and check report pending changes; a write reports what is left.
    let pending = match mode {
        FixMode::Diff | FixMode::Check => summary.applied > 0,
        FixMode::Write => summary.review + summary.unsafe_left > 0,
    };
    let status = if errors > 0 {
        ExitStatus::Error
    } else if pending {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    };
    let (status, verified) = match verification {
        Some(verification) => verification.finish(&run, status)?,
        None => (status, None),
    };
    let status = match tests {
        Some(tests) => tests.finish(&run, status)?,
        None => status,
    };
    if let Some(file) = &args.report {
        report_cmd::write_fix_report(
            &project,
            &args.selection,
            &run,
            verified.as_ref(),
            file,
            args.report_format,
        )?;
    }
    Ok(status)
}

/// A unified diff for a terminal: file headers bold, hunk headers cyan,
/// added lines green, removed lines red.
fn colored_diff(diff: &str) -> String {
    let bold = Style::new().bold();
    let paint = |color: AnsiColor| Style::new().fg_color(Some(color.into()));
    let mut out = String::with_capacity(diff.len() + diff.len() / 4);
    for line in diff.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(text) => (text, "\n"),
            None => (line, ""),
        };
        let style = if text.starts_with("--- ") || text.starts_with("+++ ") {
            bold
        } else if text.starts_with("@@") {
            paint(AnsiColor::Cyan)
        } else if text.starts_with('+') {
            paint(AnsiColor::Green)
        } else if text.starts_with('-') {
            paint(AnsiColor::Red)
        } else {
            Style::new()
        };
        out.push_str(&format!("{style}{text}{style:#}{end}"));
    }
    out
}

/// Whether the paths are `-`: the text comes on stdin (an editor's buffer).
fn reads_stdin(selection: &Selection) -> bool {
    matches!(selection.paths.as_slice(), [path] if path.as_os_str() == "-")
}

/// The text on stdin, named `--stdin-filename` (else `-`), with the
/// settings its project's requirements give a file of that name; or why it
/// cannot be checked.
#[allow(clippy::type_complexity)]
fn stdin_source(
    name: Option<&std::path::Path>,
    project: &Project,
) -> Result<(
    String,
    std::result::Result<(String, ferry_engine::Settings, ferry_python::SourceEncoding), String>,
)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    let path = name.map_or_else(|| project.cwd.join("-"), |n| project.cwd.join(n));
    let shown = name.map_or_else(|| "-".to_string(), |n| n.display().to_string());
    let settings =
        ferry_workspace::settings_for_file(&path, &project.packs, &project.settings, &project.cwd);
    Ok((
        shown,
        match ferry_python::decode(&bytes) {
            Ok(source) => Ok((source.text.to_string(), settings, source.encoding)),
            Err(err) => Err(format!("cannot decode: {err}")),
        },
    ))
}

/// `ferry fix -`: the fixed text of stdin on stdout, in its own encoding;
/// what is left on stderr.
fn fix_stdin(args: &FixArgs) -> Result<ExitStatus> {
    let project = Project::load(&Selection {
        paths: Vec::new(),
        ..args.selection.clone()
    })?;
    let (name, source) = stdin_source(args.stdin_filename.as_deref(), &project)?;
    let (text, settings, encoding) = match source {
        Ok(source) => source,
        Err(reason) => {
            eprintln!("{}", diag::file_error(&name, reason));
            return Ok(ExitStatus::Error);
        }
    };
    let outcome =
        match ferry_engine::fix_source(&text, &project.packs, &settings, args.unsafe_fixes) {
            Ok(outcome) => outcome,
            Err(err) => {
                // Nothing is lost: the text goes back as it came.
                std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
                eprintln!(
                    "{}",
                    diag::file_error(&name, ferry_workspace::describe_check_error(&text, &err))
                );
                return Ok(ExitStatus::Error);
            }
        };
    let bytes = encoding
        .encode(&outcome.text)
        .map_err(|err| anyhow::anyhow!("{name}: cannot encode the fixed text: {err}"))?;
    std::io::Write::write_all(&mut std::io::stdout(), &bytes)?;
    let report = ferry_workspace::to_file_report(name.clone(), &outcome.text, &outcome.remaining);
    for f in &report.findings {
        eprintln!("{name}:{}:{}: {} {}", f.line, f.column, f.code, f.message);
    }
    Ok(if report.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// `fix --format json`: per file what was applied (or would be, with
/// `--check`/`--diff`), what is left, and why a file was refused.
fn fix_json(run: &FixRun, mode: FixMode, summary: &FixSummary) -> String {
    let files: Vec<serde_json::Value> = run
        .files
        .iter()
        .map(|file| {
            serde_json::json!({
                "path": file.report.path,
                "applied": file.applied,
                "status": file.report.status.as_str(),
                "remaining": file.report.findings,
                "suppressed": file.report.suppressed,
                "refused": file.report.error,
            })
        })
        .collect();
    let document = serde_json::json!({
        "version": ferry_report::JSON_VERSION,
        "mode": match mode {
            FixMode::Write => "write",
            FixMode::Check => "check",
            FixMode::Diff => "diff",
        },
        "files": files,
        "summary": {
            "applied": summary.applied,
            "files_changed": summary.files_changed,
            "review_items": summary.review,
            "unsafe_fixes_left": summary.unsafe_left,
            "errors": summary.errors,
            "files_scanned": run.files_scanned,
        },
        "pins": run.pins,
    });
    serde_json::to_string_pretty(&document).expect("the document serializes")
}

/// The numbers behind the summary line of `ferry fix`, all counted from the run.
struct FixSummary {
    applied: usize,
    files_changed: usize,
    review: usize,
    unsafe_left: usize,
    errors: usize,
}

impl FixSummary {
    fn of(run: &FixRun, unsafe_fixes: bool) -> Self {
        let findings = run.files.iter().flat_map(|f| f.report.findings.iter());
        let (mut review, mut unsafe_left) = (0, 0);
        for finding in findings {
            match finding.fix {
                "none" => review += 1,
                "unsafe" if !unsafe_fixes => unsafe_left += 1,
                _ => {}
            }
        }
        Self {
            applied: run.files.iter().map(|f| f.applied_count()).sum(),
            files_changed: run.files.iter().filter(|f| f.applied_count() > 0).count(),
            review,
            unsafe_left,
            errors: run
                .files
                .iter()
                .filter(|f| f.report.error.is_some())
                .count(),
        }
    }

    fn line(&self, mode: FixMode) -> String {
        let verb = if mode == FixMode::Write {
            "Fixed"
        } else {
            "Would fix"
        };
        let mut line = if self.applied == 0 {
            "Nothing to fix".to_string()
        } else {
            format!(
                "{verb} {} in {}",
                count(self.applied, "finding"),
                count(self.files_changed, "file")
            )
        };
        if self.review > 0 {
            let need = if self.review == 1 { "needs" } else { "need" };
            line.push_str(&format!(
                "; {} {need} review",
                count(self.review, "finding")
            ));
        }
        if self.unsafe_left > 0 {
            line.push_str(&format!(
                "; {} not applied (use --unsafe-fixes)",
                count(self.unsafe_left, "unsafe fix")
            ));
        }
        if self.errors > 0 {
            line.push_str(&format!(
                "; {} could not be fixed (see the errors above)",
                count(self.errors, "file")
            ));
        }
        line.push('.');
        line
    }
}

fn rules(args: RulesArgs) -> Result<ExitStatus> {
    let packs = crate::project::listed_packs(&args.pack)?;
    // Each pack's rules, then the pin bump with the pack whose requirement it raises.
    let listed = |pack: &'static ferry_engine::Pack| {
        let mut rules: Vec<(RuleInfo, bool, &str)> = pack
            .rules
            .iter()
            .map(|rule| {
                let info = RuleInfo {
                    code: rule.code().to_string(),
                    name: rule.rule.name().to_string(),
                    pack: pack.name.to_string(),
                    summary: rule.summary(),
                    doc: String::new(),
                };
                let marks = match (rule.rule.default_enabled(), rule.rule.review().is_some()) {
                    (true, false) => "",
                    (false, false) => " (opt-in: --select it)",
                    (true, true) => " (drafted, not reviewed: no fix applied)",
                    (false, true) => {
                        " (opt-in: --select it) (drafted, not reviewed: no fix applied)"
                    }
                };
                (info, rule.rule.default_enabled(), marks)
            })
            .collect();
        rules.extend(pin_bump_info(pack).map(|info| (info, true, "")));
        rules
    };
    match args.format {
        OutputFormat::Text => {
            let mut out = String::new();
            for pack in packs.iter().copied() {
                out.push_str(&format!("{} — {}\n", pack.name, pack.summary));
                for (rule, _, marks) in listed(pack) {
                    out.push_str(&format!(
                        "  {}  {:<25} {}{marks}\n",
                        rule.code, rule.name, rule.summary
                    ));
                }
            }
            print(&out)?;
        }
        OutputFormat::Json => {
            let rules: Vec<serde_json::Value> = packs
                .iter()
                .flat_map(|pack| listed(pack))
                .map(|(rule, default_enabled, _)| {
                    serde_json::json!({
                        "code": rule.code,
                        "name": rule.name,
                        "pack": rule.pack,
                        "summary": rule.summary,
                        "default_enabled": default_enabled,
                    })
                })
                .collect();
            print(&format!("{}\n", serde_json::to_string_pretty(&rules)?))?;
        }
    }
    Ok(ExitStatus::Success)
}

fn explain(args: ExplainArgs) -> Result<ExitStatus> {
    let packs = crate::project::listed_packs(&args.pack)?;
    let bump = packs
        .iter()
        .filter_map(|pack| pin_bump_info(pack))
        .find(|info| info.code.eq_ignore_ascii_case(&args.code));
    if let Some(info) = bump {
        print(&format!(
            "{} ({}) — {} pack\n\n{}\n",
            info.code, info.name, info.pack, info.doc
        ))?;
        return Ok(ExitStatus::Success);
    }
    let found = packs.iter().find_map(|pack| {
        pack.rules
            .iter()
            .find(|r| r.code().eq_ignore_ascii_case(&args.code))
            .map(|r| (*pack, r))
    });
    let Some((pack, rule)) = found else {
        bail!("unknown rule `{}` (see `ferry rules`)", args.code);
    };
    print(&format!(
        "{} ({}) — {} pack\n\n{}\n",
        rule.code(),
        rule.rule.name(),
        pack.name,
        rule.doc()
    ))?;
    Ok(ExitStatus::Success)
}
