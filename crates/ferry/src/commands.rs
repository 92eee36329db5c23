//! One function per subcommand.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ferry_engine::{RuleSelection, Settings};
use ferry_report::{render_json, render_text, FileReport, ScanReport, TextOptions};
use ferry_workspace::{discover, DiscoverOptions, Discovered, ScanOptions};

use crate::cli::{Args, Command, ExplainArgs, OutputFormat, RulesArgs, ScanArgs, Selection};
use crate::exit::ExitStatus;

pub fn run(args: Args) -> Result<ExitStatus> {
    match args.command {
        Command::Scan(args) => scan(args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
    }
}

/// Writes to stdout; a closed pipe (`ferry scan | head`) ends quietly.
fn print(text: &str) -> Result<()> {
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
            .any(|r| r.code().starts_with(prefix.as_str()));
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
    ScanReport::new(files, report.files_scanned)
}

fn scan(args: ScanArgs) -> Result<ExitStatus> {
    let settings = settings(&args.selection)?;
    let inputs = inputs(&args.selection)?;
    let packs = ferry_rules::all_packs();
    let options = ScanOptions {
        prefilter: !args.no_prefilter,
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

fn rules(args: RulesArgs) -> Result<ExitStatus> {
    let packs = ferry_rules::all_packs();
    match args.format {
        OutputFormat::Text => {
            let mut out = String::new();
            for pack in packs {
                out.push_str(&format!("{} — {}\n", pack.name, pack.summary));
                for rule in pack.rules {
                    out.push_str(&format!(
                        "  {}  {:<24} {}\n",
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
