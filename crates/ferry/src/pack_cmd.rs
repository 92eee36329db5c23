//! `ferry pack check`, `ferry pack test` and `ferry pack draft`: packs as
//! data, checked and tested as their authors write them, and drafted from
//! two releases of a library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::time::Duration;

use anyhow::{bail, Context, Result};
use ferry_engine::Version;
use ferry_packs::pack_test::{run_pack_tests, PACK_FILE};
use ferry_packs::release_check::{judge, names_to_look_up, Api, Severity};
use ferry_packs::{read_pack_file, PackSpec};
use ferry_verify::{ensure_env, look_up_names, ApiName, EnvSpec, InterpreterRequest, Python};

use crate::cli::{PackCheckArgs, PackCommand, PackDraftArgs, PackTestArgs};
use crate::commands::print;
use crate::exit::ExitStatus;

pub fn run(command: PackCommand) -> Result<ExitStatus> {
    match command {
        PackCommand::Check(args) => check(args),
        PackCommand::Test(args) => test(args),
        PackCommand::Draft(args) => draft(args),
    }
}

/// A pack folder stands for its `pack.toml`.
fn pack_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(PACK_FILE)
    } else {
        path.to_path_buf()
    }
}

fn check(args: PackCheckArgs) -> Result<ExitStatus> {
    let file = pack_file(&args.file);
    let spec = read_pack_file(&file)?;
    // Its codes must not collide with a built-in pack's, which it runs beside.
    // A pack named like a built-in one is checked as the file it replaces
    // (the built-in's own file, or an edit of it); beside it, a run stops.
    if ferry_rules::pack(&spec.name).is_some() {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if ferry_rules::built_in_pack_file(&spec.name) != Some(text.as_str()) {
            crate::diag::note(format!(
                "{}: the pack is named like the built-in `{}` pack: load it in its place (`packs` in ferry.toml without `{}`), since both at once stop a run",
                file.display(),
                spec.name,
                spec.name
            ));
        }
    }
    let mut packs: Vec<&'static ferry_engine::Pack> = ferry_rules::all_packs()
        .iter()
        .copied()
        .filter(|builtin| builtin.name != spec.name)
        .collect();
    packs.push(ferry_packs::build_pack(&spec));
    crate::project::check_distinct(&packs)
        .map_err(|err| anyhow::anyhow!("{}: {err}", file.display()))?;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in &spec.rules {
        *kinds.entry(rule.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let rules = match spec.rules.len() {
        1 => "1 rule".to_string(),
        n => format!("{n} rules"),
    };
    let valid = format!(
        "{}: pack `{}` ({} >= {}, codes {}…): {rules}{}. Valid.\n",
        file.display(),
        spec.name,
        spec.library.name,
        spec.library.breaking,
        spec.prefix,
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        }
    );
    print(&valid)?;
    match (&args.old, &args.new) {
        (Some(old), Some(new)) => check_releases(&args, &spec, old, new),
        _ if args.at_removal => check_at_removal(&spec),
        _ => Ok(ExitStatus::Success),
    }
}

/// `LIB==VERSION` for the pack's library.
fn release_of(spec: &PackSpec, given: &str, flag: &str) -> Result<Version> {
    let Some((library, version)) = given.split_once("==") else {
        bail!(
            "--{flag} `{given}`: expected LIB==VERSION, e.g. {}==1.0",
            spec.library.name
        );
    };
    let normalize = ferry_workspace::pins::normalize_name;
    if normalize(library.trim()) != normalize(&spec.library.name) {
        bail!(
            "--{flag} `{given}`: the pack is about `{}`, not `{}`",
            spec.library.name,
            library.trim()
        );
    }
    version
        .trim()
        .parse()
        .with_context(|| format!("--{flag} `{given}`"))
}

/// The installed release's answers, as the judge asks them.
struct Answers(BTreeMap<String, ApiName>);

impl Api for Answers {
    fn exists(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|n| n.exists)
    }

    fn is_module(&self, name: &str) -> bool {
        self.0
            .get(name)
            .is_some_and(|n| n.kind.as_deref() == Some("module"))
    }

    fn takes_keyword(&self, name: &str, keyword: &str) -> Option<bool> {
        self.0.get(name)?.takes_keyword(keyword)
    }
}

/// `--at-removal`: each rule of a python pack judged on the interpreter
/// before its `since` and on its `since` (3.11 and 3.12 for a rule of
/// 3.12), so a name removed a release later than the pack says fails.
fn check_at_removal(spec: &PackSpec) -> Result<ExitStatus> {
    if spec.library.name != "python" {
        bail!(
            "--at-removal: the pack is about `{}`; only a pack about `python` knows the release before each `since` (use --old and --new)",
            spec.library.name
        );
    }
    let mut by_since: BTreeMap<Version, Vec<ferry_packs::RuleSpec>> = BTreeMap::new();
    for rule in &spec.rules {
        by_since
            .entry(rule.since.version().clone())
            .or_default()
            .push(rule.clone());
    }
    let mut interpreters: BTreeMap<(u64, u64), Python> = BTreeMap::new();
    let mut interpreter = |major: u64, minor: u64| -> Result<Python> {
        if let Some(python) = interpreters.get(&(major, minor)) {
            return Ok(python.clone());
        }
        let python = ferry_verify::find_release(major, minor)?;
        eprintln!(
            "Using Python {} ({})",
            python.version,
            python.executable.display()
        );
        interpreters.insert((major, minor), python.clone());
        Ok(python)
    };
    let mut out = String::new();
    let (mut facts, mut failed, mut notes) = (0, 0, 0);
    for (since, rules) in by_since {
        let (major, minor) = (since.major(), since.minor());
        if minor == 0 {
            bail!("--at-removal: a rule's `since` is {since}: there is no release of the same major before it");
        }
        let subset = PackSpec {
            rules,
            ..spec.clone()
        };
        let names = names_to_look_up(&subset);
        let before: Version = format!("{major}.{}", minor - 1).parse()?;
        let mut answers = Vec::new();
        for (major, minor) in [(major, minor - 1), (major, minor)] {
            let python = interpreter(major, minor)?;
            let report = look_up_names(&python, "python", &names)?;
            answers.push(Answers(
                report
                    .names
                    .into_iter()
                    .map(|n| (n.name.clone(), n))
                    .collect(),
            ));
        }
        let verdicts = judge(&subset, &before, &answers[0], &since, &answers[1]);
        out.push_str(&format!("# rules of {since}: on {before} and {since}\n"));
        push_verdicts(&mut out, &verdicts);
        facts += verdicts.len();
        failed += count(&verdicts, Severity::Fail);
        notes += count(&verdicts, Severity::Note);
    }
    out.push_str(&format!(
        "\n{facts} facts checked, each rule on the release before its `since` and on its `since`: {failed} contradicted, {notes} to look at.\n"
    ));
    print(&out)?;
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

fn push_verdicts(out: &mut String, verdicts: &[ferry_packs::release_check::Verdict]) {
    for verdict in verdicts {
        let label = match verdict.severity {
            Severity::Ok => "ok  ",
            Severity::Note => "note",
            Severity::Fail => "FAIL",
        };
        out.push_str(&format!("{label}  {}  {}\n", verdict.code, verdict.text));
    }
}

fn count(verdicts: &[ferry_packs::release_check::Verdict], severity: Severity) -> usize {
    verdicts.iter().filter(|v| v.severity == severity).count()
}

fn check_releases(
    args: &PackCheckArgs,
    spec: &PackSpec,
    old: &str,
    new: &str,
) -> Result<ExitStatus> {
    let old_version = release_of(spec, old, "old")?;
    let new_version = release_of(spec, new, "new")?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let base = crate::verify_cmd::find_python(args.python.clone(), &cwd)?;
    let cache = crate::upgrade_cmd::cache_dir().join("venvs");
    let timeout = Duration::from_secs(args.timeout);
    let names = names_to_look_up(spec);
    let mut answers = Vec::new();
    for (spec_text, version) in [(old, &old_version), (new, &new_version)] {
        let python = if spec.library.name == "python" {
            // The interpreter itself: found, never installed.
            let (major, minor) = (version.major(), version.minor());
            let python = ferry_verify::find_release(major, minor)?;
            eprintln!(
                "Using Python {} ({})",
                python.version,
                python.executable.display()
            );
            python
        } else {
            eprintln!("Installing {spec_text} (cached)…");
            let env = EnvSpec {
                pins: vec![format!("{}=={version}", spec.library.name)],
                find_links: args.find_links.iter().map(|d| cwd.join(d)).collect(),
                ..EnvSpec::default()
            };
            let python = ensure_env(&base, &cache, &env, timeout)?;
            Python::find(&InterpreterRequest::from_env(Some(python), cwd.clone()))?
        };
        let report = look_up_names(&python, &spec.library.name, &names)?;
        let by_name = report
            .names
            .into_iter()
            .map(|n| (n.name.clone(), n))
            .collect();
        answers.push(Answers(by_name));
    }
    let verdicts = judge(spec, &old_version, &answers[0], &new_version, &answers[1]);
    let mut out = String::new();
    push_verdicts(&mut out, &verdicts);
    let failed = count(&verdicts, Severity::Fail);
    let notes = count(&verdicts, Severity::Note);
    out.push_str(&format!(
        "\n{} facts checked on {} {old_version} and {new_version}: {failed} contradicted, {notes} to look at.\n",
        verdicts.len(),
        spec.library.name
    ));
    print(&out)?;
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

fn test(args: PackTestArgs) -> Result<ExitStatus> {
    let results = run_pack_tests(&args.dir, args.update)?;
    let mut out = String::new();
    let mut failed = 0;
    for result in &results {
        match &result.failure {
            None if result.updated => out.push_str(&format!("updated {}\n", result.path.display())),
            None => out.push_str(&format!("ok    {}\n", result.path.display())),
            Some(why) => {
                failed += 1;
                out.push_str(&format!("FAIL  {}\n", result.path.display()));
                for line in why.lines() {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
    }
    out.push_str(&format!(
        "\n{} fixtures: {} passed, {failed} failed.\n",
        results.len(),
        results.len() - failed
    ));
    print(&out)?;
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// The default code prefix: the library's first four letters (`WEBS`), so
/// a draft's codes never meet a hand-written pack's two-letter ones.
fn draft_prefix(library: &str) -> String {
    let letters: String = library
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase();
    if letters.is_empty() {
        "DRAFT".to_string()
    } else {
        letters
    }
}

fn draft(args: PackDraftArgs) -> Result<ExitStatus> {
    use ferry_packs::draft::{draft as draft_pack, DraftInput, Inventory};

    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let base = crate::verify_cmd::find_python(args.python.clone(), &cwd)?;
    let cache = crate::upgrade_cmd::cache_dir().join("venvs");
    let timeout = Duration::from_secs(args.timeout);
    let mut inventories = Vec::new();
    for (release, wheel) in [(&args.old, &args.wheel_old), (&args.new, &args.wheel_new)] {
        let mut env = EnvSpec {
            find_links: args.find_links.iter().map(|d| cwd.join(d)).collect(),
            ..EnvSpec::default()
        };
        match wheel {
            Some(wheel) => {
                let wheel = cwd.join(wheel);
                if !wheel.is_file() {
                    bail!("{}: no such wheel file", wheel.display());
                }
                // The wheel's folder keys the cache by its files' sizes.
                env.find_links.extend(wheel.parent().map(Path::to_path_buf));
                env.pins.push(wheel.to_string_lossy().into_owned());
            }
            None => env.pins.push(format!("{}=={release}", args.library)),
        }
        eprintln!("Installing {}=={release} (cached)…", args.library);
        let python = ensure_env(&base, &cache, &env, timeout)?;
        let mut python = Python::find(&InterpreterRequest::from_env(Some(python), cwd.clone()))?;
        // Every module gets its own limit; the whole walk gets many of them.
        python.timeout = Duration::from_secs(args.import_timeout.saturating_mul(20).max(600));
        eprintln!("Reading the public API of {} {release}…", args.library);
        let inventory: Inventory = ferry_verify::take_inventory(
            &python,
            &args.library,
            Duration::from_secs(args.import_timeout),
        )?;
        match &inventory.version {
            None => bail!(
                "{} is not installed in the environment made for {release}",
                args.library
            ),
            Some(found) if found != release => bail!(
                "{} {release}: the environment has {found} installed{}",
                args.library,
                if wheel.is_some() {
                    " (from the wheel given)"
                } else {
                    ""
                }
            ),
            Some(_) => {}
        }
        inventories.push(inventory);
    }
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| draft_prefix(&args.library));
    let command = format!(
        "ferry pack draft {} {} {}",
        args.library, args.old, args.new
    );
    let drafted = draft_pack(&DraftInput {
        library: &args.library,
        prefix: &prefix,
        command: &command,
        old: &inventories[0],
        new: &inventories[1],
    })?;
    // The draft must be a pack Ferry accepts, or it is no use to anyone.
    if let Err(error) = ferry_packs::parse_pack(&drafted.text) {
        bail!(
            "the drafted pack is invalid (line {}: {}); this is a bug in `ferry pack draft`",
            error.line,
            error.message
        );
    }
    match &args.output {
        Some(file) => std::fs::write(file, &drafted.text)
            .with_context(|| format!("{}: cannot write the draft", file.display()))?,
        None => print(&drafted.text)?,
    }
    let rules: usize = drafted.kinds.values().sum();
    let kinds: Vec<String> = drafted
        .kinds
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    let mut summary = format!(
        "Drafted {rules} rule{} for {} {} → {}{}{}.\n",
        if rules == 1 { "" } else { "s" },
        args.library,
        args.old,
        args.new,
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        },
        match &args.output {
            Some(file) => format!(" in {}", file.display()),
            None => String::new(),
        }
    );
    summary.push_str(&format!(
        "Notes: {} name{} binding another object, {} default{} changed, {} instance attribute{} gone.\n",
        drafted.rebound,
        if drafted.rebound == 1 { "" } else { "s" },
        drafted.defaults_changed,
        if drafted.defaults_changed == 1 { "" } else { "s" },
        drafted.attributes_gone,
        if drafted.attributes_gone == 1 { "" } else { "s" },
    ));
    for (release, module, why) in &drafted.not_imported {
        summary.push_str(&format!("Could not import {module} ({release}): {why}\n"));
    }
    for (release, name, why) in &drafted.unreadable {
        summary.push_str(&format!("Could not read {name} ({release}): {why}\n"));
    }
    eprint!("{summary}");
    let Some(project) = &args.against else {
        return Ok(ExitStatus::Success);
    };
    let output = args
        .output
        .as_ref()
        .expect("clap requires --output with --against");
    eprintln!(
        "Scanning {} with the draft, as on {} {}:",
        project.display(),
        args.library,
        args.new
    );
    let words: Vec<std::ffi::OsString> = vec![
        "ferry".into(),
        "scan".into(),
        "--format".into(),
        "concise".into(),
        "--pack".into(),
        output.clone().into_os_string(),
        "--select".into(),
        prefix.clone().into(),
        "--target".into(),
        format!("{}=={}", args.library, args.new).into(),
        project.clone().into_os_string(),
    ];
    let scan = <crate::cli::Args as clap::Parser>::try_parse_from(words)
        .context("cannot build the scan of --against")?;
    crate::commands::run(scan)
}
