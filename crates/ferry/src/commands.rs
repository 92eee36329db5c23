//! One function per subcommand.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ferry_engine::{RuleSelection, Settings};
use ferry_report::{render_json, render_text, FileReport, ScanReport, TextOptions};
use ferry_workspace::{
    discover, DiscoverOptions, Discovered, FixMode, FixOptions, FixRun, ScanOptions,
};

use crate::cli::{
    Args, Command, ExplainArgs, FixArgs, OutputFormat, RulesArgs, ScanArgs, Selection,
};
use crate::exit::ExitStatus;
use crate::verify_cmd;

pub fn run(args: Args) -> Result<ExitStatus> {
    match args.command {
        Command::Scan(args) => scan(args),
        Command::Fix(args) => fix(args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Doctor(args) => verify_cmd::doctor(args),
        Command::Verify(args) => verify_cmd::verify(args),
    }
}

/// Writes to stdout; a closed pipe (`ferry scan | head`) ends quietly.
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.context("cannot write to stdout"),
    }
}

fn settings(selection: &Selection) -> Result<Settings> {
    let mut settings = Settings {
        selection: RuleSelection {
            select: selection
                .select
                .iter()
                .map(|s| s.trim().to_ascii_uppercase())
                .collect(),
            ignore: selection
                .ignore
                .iter()
                .map(|s| s.trim().to_ascii_uppercase())
                .collect(),
        },
        ..Settings::default()
    };
    for prefix in settings
        .selection
        .select
        .iter()
        .chain(&settings.selection.ignore)
    {
        let known = ferry_rules::all_packs()
            .iter()
            .flat_map(|p| p.rules.iter())
            .map(|r| r.code())
            .chain([ferry_workspace::PIN_BUMP_CODE])
            .any(|code| code.starts_with(prefix.as_str()));
        if !known {
            bail!("no rule code starts with `{prefix}` (see `ferry rules`)");
        }
    }
    for target in &selection.target {
        let Some((library, version)) = target.split_once("==") else {
            bail!("--target `{target}`: expected LIB==VERSION, e.g. websockets==15.0.1");
        };
        let library = library.trim();
        if !ferry_rules::all_packs()
            .iter()
            .any(|p| p.library == library)
        {
            bail!("--target `{target}`: no pack migrates `{library}`");
        }
        let version = version
            .parse()
            .with_context(|| format!("--target `{target}`"))?;
        settings.targets.insert(library.to_string(), version);
    }
    Ok(settings)
}

/// The files a command works on, and the current directory paths are shown relative to.
struct Inputs {
    discovered: Discovered,
    cwd: PathBuf,
}

fn inputs(selection: &Selection) -> Result<Inputs> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let roots = if selection.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        selection.paths.clone()
    };
    let options = DiscoverOptions {
        exclude: selection.exclude.clone(),
    };
    let discovered = discover(&roots, &options)?;
    if let Some(first) = discovered.skipped_notebooks.first() {
        let count = discovered.skipped_notebooks.len();
        let more = if count > 1 {
            format!(" and {} more", count - 1)
        } else {
            String::new()
        };
        eprintln!(
            "note: skipped {count} Jupyter notebook{} (.ipynb is not supported yet; they are never changed): {}{more}",
            if count == 1 { "" } else { "s" },
            ferry_workspace::display_path(first, &cwd)
        );
    }
    Ok(Inputs { discovered, cwd })
}

/// Walk errors become error rows of the report, like unreadable files.
fn with_walk_errors(report: ScanReport, inputs: &Inputs) -> ScanReport {
    let mut files = report.files;
    for (path, reason) in &inputs.discovered.errors {
        files.push(FileReport::error(
            ferry_workspace::display_path(path, &inputs.cwd),
            format!("cannot read: {reason}"),
        ));
    }
    ScanReport::new(files, report.files_scanned).with_pins(report.pins)
}

fn scan(args: ScanArgs) -> Result<ExitStatus> {
    let settings = settings(&args.selection)?;
    let inputs = inputs(&args.selection)?;
    let packs = ferry_rules::all_packs();
    let options = ScanOptions {
        prefilter: !args.no_prefilter,
        project_pins: true,
    };
    let report = ferry_workspace::scan(
        &inputs.discovered.files,
        packs,
        &settings,
        &inputs.cwd,
        options,
    );
    let report = with_walk_errors(report, &inputs);
    match args.format {
        OutputFormat::Text => print(&render_text(
            &report,
            TextOptions {
                show_mentions: args.show_mentions,
            },
        ))?,
        OutputFormat::Json => print(&render_json(&report))?,
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
    let settings = settings(&args.selection)?;
    let inputs = inputs(&args.selection)?;
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
        project_pins: true,
    };
    let packs = ferry_rules::all_packs();
    // --verify measures the files about to change before anything is written.
    let verification = if args.verify {
        Some(verify_cmd::FixVerification::prepare(
            &args,
            &inputs.discovered.files,
            packs,
            &settings,
            &inputs.cwd,
            options,
        )?)
    } else {
        None
    };
    let run = ferry_workspace::fix(
        &inputs.discovered.files,
        packs,
        &settings,
        &inputs.cwd,
        options,
    )?;
    let walk_errors: Vec<String> = inputs
        .discovered
        .errors
        .iter()
        .map(|(path, reason)| {
            format!(
                "{}: error: cannot read: {reason}",
                ferry_workspace::display_path(path, &inputs.cwd)
            )
        })
        .collect();
    let summary = FixSummary::of(&run, args.unsafe_fixes);
    let mut out = String::new();
    match mode {
        FixMode::Diff => {
            for file in &run.files {
                out.push_str(file.diff.as_deref().unwrap_or_default());
            }
        }
        FixMode::Check => {
            for file in run.files.iter().filter(|f| f.applied_count() > 0) {
                out.push_str(&format!(
                    "Would fix {}: {}\n",
                    plural(file.applied_count(), "finding"),
                    file.report.path
                ));
            }
        }
        FixMode::Write => {
            for file in &run.files {
                for f in &file.report.findings {
                    out.push_str(&format!(
                        "{}:{}:{}: {} {}\n",
                        file.report.path, f.line, f.column, f.code, f.message
                    ));
                }
            }
        }
    }
    let mut notes = String::new();
    for line in &walk_errors {
        notes.push_str(line);
        notes.push('\n');
    }
    for file in run.files.iter().filter(|f| f.report.error.is_some()) {
        notes.push_str(&format!(
            "{}: error: {}\n",
            file.report.path,
            file.report.error.as_deref().unwrap_or_default()
        ));
    }
    for path in &run.stale_temp_files_removed {
        notes.push_str(&format!(
            "removed a temporary file left by an interrupted run: {}\n",
            path.display()
        ));
    }
    notes.push_str(&summary.line(mode));
    notes.push('\n');
    for pin in &run.pins {
        notes.push_str(&format!("Note: {}.\n", pin.message));
    }
    // In diff mode stdout is the patch; everything else goes to stderr.
    if mode == FixMode::Diff {
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
    match verification {
        Some(verification) => verification.finish(&run, status),
        None => Ok(status),
    }
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
                plural(self.applied, "finding"),
                plural(self.files_changed, "file")
            )
        };
        if self.review > 0 {
            let need = if self.review == 1 { "needs" } else { "need" };
            line.push_str(&format!(
                "; {} {need} review",
                plural(self.review, "finding")
            ));
        }
        if self.unsafe_left > 0 {
            line.push_str(&format!(
                "; {} not applied (use --unsafe-fixes)",
                plural(self.unsafe_left, "unsafe fix")
            ));
        }
        if self.errors > 0 {
            line.push_str(&format!(
                "; {} could not be fixed (see the errors above)",
                plural(self.errors, "file")
            ));
        }
        line.push('.');
        line
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if noun.ends_with('x') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

fn rules(args: RulesArgs) -> Result<ExitStatus> {
    let packs = ferry_rules::all_packs();
    match args.format {
        OutputFormat::Text => {
            let mut out = String::new();
            for pack in packs {
                out.push_str(&format!("{} — {}\n", pack.name, pack.summary));
                for rule in pack.rules {
                    let opt_in = if rule.rule.default_enabled() {
                        ""
                    } else {
                        " (opt-in: --select it)"
                    };
                    out.push_str(&format!(
                        "  {}  {:<24} {}{opt_in}\n",
                        rule.code(),
                        rule.rule.name(),
                        rule.summary()
                    ));
                }
            }
            print(&out)?;
        }
        OutputFormat::Json => {
            let rules: Vec<serde_json::Value> = packs
                .iter()
                .flat_map(|pack| {
                    pack.rules.iter().map(move |rule| {
                        serde_json::json!({
                            "code": rule.code(),
                            "name": rule.rule.name(),
                            "pack": pack.name,
                            "summary": rule.summary(),
                            "default_enabled": rule.rule.default_enabled(),
                        })
                    })
                })
                .collect();
            print(&format!("{}\n", serde_json::to_string_pretty(&rules)?))?;
        }
    }
    Ok(ExitStatus::Success)
}

fn explain(args: ExplainArgs) -> Result<ExitStatus> {
    // The pin bump is a finding of the workspace (it reads requirement
    // files, which rules never see), so it is not in the packs' registry.
    if args
        .code
        .eq_ignore_ascii_case(ferry_workspace::PIN_BUMP_CODE)
    {
        print(&format!(
            "{} (RequirementExcludesTarget) — websockets pack\n\n{}\n",
            ferry_workspace::PIN_BUMP_CODE,
            ferry_workspace::PIN_BUMP_DOC
        ))?;
        return Ok(ExitStatus::Success);
    }
    let Some((pack, rule)) = ferry_rules::find_rule(&args.code) else {
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
