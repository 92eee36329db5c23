//! `ferry doctor`, `ferry verify` and the `--verify` step of `ferry fix`: the
//! commands that ask the project's real Python, through `ferry_verify`, and
//! print what it said. Doctor adds the one thing `ferry_verify` cannot know:
//! which of the project's uses the rules find broken for the installed
//! version (a scan with that version as the target).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ferry_engine::{Pack, Settings, Version};
use ferry_report::count;
use ferry_verify::{
    judge, probe, project_root, CollectOptions, DeclaredRequirement, DoctorReport, FailingUse,
    Failure, FileState, FileVerification, InterpreterRequest, ModuleImplementation, PackDoctor,
    ProbeSpec, Python, Regression, RequirementCheck, RuntimeVerdict, SourceFile, Verifier,
    VerifyReport,
};
use ferry_workspace::{
    discover, display_path, write_atomically, DiscoverOptions, Fingerprint, FixMode, FixOptions,
    FixRun, ScanOptions,
};

use crate::cli::{DoctorArgs, FixArgs, OutputFormat, Selection, VerifyArgs};
use crate::commands::print;
use crate::exit::ExitStatus;
use crate::project::Project;

pub(crate) fn find_python(explicit: Option<PathBuf>, root: &Path) -> Result<Python> {
    let request = InterpreterRequest::from_env(explicit, root.to_path_buf());
    Ok(Python::find(&request)?)
}

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}

pub fn doctor(args: DoctorArgs) -> Result<ExitStatus> {
    let cwd = current_dir()?;
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !start.exists() {
        anyhow::bail!("`{}` does not exist", start.display());
    }
    let root = project_root(&start);
    let python = find_python(args.python, &root)?;
    let files = discover(std::slice::from_ref(&root), &DiscoverOptions::default())?.files;
    let mut packs = Vec::new();
    for pack in ferry_rules::all_packs() {
        if pack.library == "python" {
            // The interpreter is the library: found, not probed.
            let version = python.version.clone();
            packs.push(PackDoctor {
                pack: pack.name.to_string(),
                probe: ferry_verify::ProbeReport {
                    library: pack.library.to_string(),
                    library_version: Some(version.clone()),
                    pytest_version: None,
                    supported_means: ferry_verify::SUPPORTED_MEANS,
                    functions: Vec::new(),
                },
                requirements: check_requirements(&root, pack.library, Some(&version)),
                runtime: runtime_verdict(pack, &files, &cwd, Some(&version)),
                target: Some(interpreter_target(pack, &root, &cwd)),
            });
            continue;
        }
        let Some(facts) = &pack.probe else {
            continue;
        };
        // The pack's data, handed to `ferry_verify`, which knows no library.
        let implementations: Vec<ModuleImplementation<'_>> = facts
            .implementations
            .iter()
            .map(|i| ModuleImplementation {
                module: i.module,
                id: i.id,
                description: i.description,
            })
            .collect();
        let spec = ProbeSpec {
            library: pack.library,
            functions: facts.functions,
            keywords: facts.keywords,
            implementations: &implementations,
        };
        let probe = probe(&python, &spec)?;
        let requirements =
            check_requirements(&root, pack.library, probe.library_version.as_deref());

        let runtime = runtime_verdict(pack, &files, &cwd, probe.library_version.as_deref());
        packs.push(PackDoctor {
            pack: pack.name.to_string(),
            probe,
            requirements,
            runtime,
            target: None,
        });
    }
    let report = DoctorReport { python, packs };
    match args.format {
        OutputFormat::Text => print(&render_doctor(&report))?,
        OutputFormat::Json => print(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
    }
    Ok(if report.has_problems() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// The interpreter `ferry scan` checks the project's files against: the
/// release its declarations hold it to, else the newest the pack knows.
fn interpreter_target(pack: &'static Pack, root: &Path, cwd: &Path) -> String {
    let settings = ferry_workspace::settings_for_file(
        &root.join("__init__.py"),
        &[pack],
        &Settings::default(),
        cwd,
    );
    // `3.10.999` stands for "below 3.11": the newest 3.10.
    let shown = |version: &Version| {
        let text = version.to_string();
        text.strip_suffix(".999")
            .map(str::to_string)
            .unwrap_or(text)
    };
    match (
        settings.target(pack.library),
        settings.held_back_by(pack.library),
    ) {
        (Some(version), Some(by)) => {
            format!("Python {}, where {by} holds the project", shown(version))
        }
        (Some(version), None) => format!(
            "Python {}, the newest release the project's declarations allow",
            shown(version)
        ),
        _ => format!(
            "the newest Python the pack knows ({}), which the project's declarations allow",
            pack.migration.map_or("?", |m| m.example_target)
        ),
    }
}

/// The release part of an installed version (`15.0.1` of `15.0.1.post1`),
/// as the rules take it for a target.
fn release_of(installed: &str) -> Option<Version> {
    let end = installed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(installed.len());
    installed[..end].trim_end_matches('.').parse().ok()
}

/// Scans the project twice: as `ferry scan` does (the newest release), and
/// with the installed version as the target, whose findings are the uses
/// that fail with what is installed.
fn runtime_verdict(
    pack: &'static Pack,
    files: &[PathBuf],
    cwd: &Path,
    installed: Option<&str>,
) -> RuntimeVerdict {
    let packs = [pack];
    let scan = |settings: &Settings| {
        // Doctor compares the newest release and the installed one, both
        // named here: the project's pins must not replace either.
        let options = ScanOptions {
            project_pins: false,
            ..ScanOptions::default()
        };
        ferry_workspace::scan(files, &packs, settings, cwd, options)
    };
    let findings = scan(&Settings::default()).summary().findings;
    let Some(version) = installed.and_then(release_of) else {
        return RuntimeVerdict {
            findings,
            checked_against: None,
            failing: Vec::new(),
        };
    };
    let mut settings = Settings::default();
    settings.targets.insert(pack.library.to_string(), version);
    let failing = scan(&settings)
        .files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(|f| FailingUse {
                path: file.path.clone(),
                line: f.line,
                column: f.column,
                code: f.code.to_string(),
                message: f.message.clone(),
            })
        })
        .collect();
    RuntimeVerdict {
        findings,
        checked_against: installed.map(str::to_string),
        failing,
    }
}

/// The project's declarations of `library` (read by `ferry_workspace`'s
/// one reader of requirements) and whether `installed` meets each.
fn check_requirements(
    root: &Path,
    library: &str,
    installed: Option<&str>,
) -> Vec<RequirementCheck> {
    ferry_workspace::pins::declared_in(root, library)
        .into_iter()
        .map(|requirement| RequirementCheck {
            agrees: match installed {
                None => Some(false),
                Some(version) => requirement.allows(version),
            },
            requirement: DeclaredRequirement {
                file: display_path(&requirement.file, root),
                line: requirement.line,
                text: requirement.text,
            },
        })
        .collect()
}

pub(crate) fn python_line(python: &Python) -> String {
    format!(
        "{} ({}, {}, {})",
        python.version,
        python.implementation,
        python.path.display(),
        python.source.describe()
    )
}

fn py_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

fn render_doctor(report: &DoctorReport) -> String {
    let mut out = format!("Python: {}\n", python_line(&report.python));
    for pack in &report.packs {
        let probe = &pack.probe;
        let library = &probe.library;
        let installed = probe.library_version.as_deref();
        if library == "python" {
            // The interpreter, named on the first line: its verdict only.
            out.push_str(&format!(
                "\nVerdict for this project ({} pack, the interpreter):\n",
                pack.pack
            ));
            if let Some(target) = &pack.target {
                out.push_str(&format!("  Target: {target}.\n"));
            }
            render_verdict(&mut out, pack);
            continue;
        }
        out.push_str(&format!(
            "{library}: {}\npytest: {}\n",
            installed.unwrap_or("not installed"),
            probe.pytest_version.as_deref().unwrap_or("not installed")
        ));
        if installed.is_some() {
            out.push('\n');
            for function in &probe.functions {
                render_function(&mut out, function);
            }
            out.push_str(&format!(
                "(\"supported\" means {}.)\n",
                ferry_verify::SUPPORTED_MEANS
            ));
        }
        out.push_str(&format!(
            "\nVerdict for this project ({} pack):\n",
            pack.pack
        ));
        render_verdict(&mut out, pack);
    }
    out
}

fn render_function(out: &mut String, function: &ferry_verify::FunctionProbe) {
    let Some(resolved) = &function.resolves_to else {
        let reason = function
            .error
            .as_deref()
            .unwrap_or("it resolves to nothing");
        out.push_str(&format!("{}: not available ({reason})\n", function.name));
        return;
    };
    let what: Vec<&str> = [
        function.implementation.as_ref().map(|i| i.describe()),
        function.kind,
    ]
    .into_iter()
    .flatten()
    .collect();
    out.push_str(&format!(
        "{} -> {resolved} ({})\n",
        function.name,
        what.join(", ")
    ));
    for warning in &function.warnings {
        out.push_str(&format!("  warning: {warning}\n"));
    }
    if let Some(error) = &function.error {
        out.push_str(&format!("  cannot inspect: {error}\n"));
    }
    for keyword in &function.keywords {
        out.push_str(&format!(
            "  {} supported: {}\n",
            keyword.keyword,
            py_bool(keyword.supported)
        ));
    }
    if function.takes_var_keyword {
        out.push_str("  **kwargs: True (other keywords are not rejected at the call)\n");
    }
}

fn render_verdict(out: &mut String, pack: &PackDoctor) {
    let library = &pack.probe.library;
    let runtime = &pack.runtime;
    // A pack a run loads only when asked (left out of the configuration's
    // `packs`) is named in the command to run.
    let on_by_default = ferry_rules::default_packs()
        .iter()
        .any(|p| p.name == pack.pack);
    let command = if on_by_default {
        "ferry scan".to_string()
    } else {
        format!("ferry scan --pack {}", pack.pack)
    };
    out.push_str(&format!(
        "  {} for the newest {library} (`{command}`).\n",
        count(runtime.findings, "finding")
    ));
    match (&runtime.checked_against, &pack.probe.library_version) {
        (_, None) => out.push_str(&format!(
            "  {library} is not installed, so every import of it fails.\n"
        )),
        (None, Some(version)) => out.push_str(&format!(
            "  Cannot check the uses against {library} {version}: not a release number.\n"
        )),
        (Some(version), _) if runtime.failing.is_empty() => out.push_str(&format!(
            "  No use fails at run time with the installed {library} {version}.\n"
        )),
        (Some(version), _) => {
            let (count, verb) = if runtime.failing.len() == 1 {
                ("1 use".to_string(), "fails")
            } else {
                (format!("{} uses", runtime.failing.len()), "fail")
            };
            out.push_str(&format!(
                "  {count} {verb} at run time with the installed {library} {version}:\n"
            ));
            for use_ in &runtime.failing {
                out.push_str(&format!(
                    "    {}:{}:{}: {} {}\n",
                    use_.path, use_.line, use_.column, use_.code, use_.message
                ));
            }
        }
    }
    if pack.requirements.is_empty() && library == "python" {
        out.push_str("  No Python version declared (requires-python, python_requires, .python-version, Pipfile, tox.ini).\n");
    } else if pack.requirements.is_empty() {
        out.push_str(&format!(
            "  No requirement on {library} found in requirements*.txt, pyproject.toml, setup.cfg, setup.py or Pipfile.\n"
        ));
    }
    let installed = pack.probe.library_version.as_deref();
    for check in &pack.requirements {
        let r = &check.requirement;
        let verdict = match (installed, check.agrees) {
            (None, _) => format!("is declared, but {library} is not installed"),
            (Some(v), Some(true)) => format!("allows the installed {v}"),
            (Some(v), Some(false)) => {
                format!("does not allow the installed {v}: the declaration and the installation disagree")
            }
            (Some(v), None) => format!("cannot be compared with the installed {v}"),
        };
        out.push_str(&format!(
            "  {}:{}: `{}` {verdict}.\n",
            r.file, r.line, r.text
        ));
    }
    out.push_str(if pack.has_problems() {
        "  Not ready: see above.\n"
    } else {
        "  Nothing fails with what is installed.\n"
    });
}

pub fn verify(args: VerifyArgs) -> Result<ExitStatus> {
    if args.tests {
        return crate::tests_cmd::verify_tests(&args);
    }
    let cwd = current_dir()?;
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let discovered = if args.phase.is_empty() {
        discover(&roots, &DiscoverOptions::default())?
    } else {
        // Phases come from the configuration, as for scan and fix.
        let selection = Selection {
            paths: args.paths.clone(),
            phase: args.phase.clone(),
            config: args.config.clone(),
            ..Selection::default()
        };
        Project::load(&selection)?.inputs(&selection)?.discovered
    };
    for (path, reason) in &discovered.errors {
        eprintln!(
            "{}",
            crate::diag::file_error(
                display_path(path, &cwd),
                format_args!("cannot read: {reason}")
            )
        );
    }
    let root = project_root(&roots[0]);
    let python = find_python(args.python, &root)?;
    let files: Vec<SourceFile> = discovered
        .files
        .iter()
        .map(|path| SourceFile {
            path: path.clone(),
            shown: display_path(path, &cwd),
        })
        .collect();
    let options = CollectOptions {
        warnings_as_errors: args.warnings_as_errors,
    };
    let report = Verifier::new(python, root, options).verify(&files)?;
    match args.format {
        OutputFormat::Text => print(&render_verify(&report))?,
        OutputFormat::Json => print(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
    }
    Ok(if !discovered.errors.is_empty() {
        ExitStatus::Error
    } else if report.has_failures() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn render_verify(report: &VerifyReport) -> String {
    let mut out = format!("Python: {}", python_line(&report.python));
    if let Some(pytest) = &report.pytest_version {
        out.push_str(&format!("; pytest {pytest}"));
        if report.warnings_as_errors {
            out.push_str(", collecting with -W error::DeprecationWarning");
        }
    }
    out.push('\n');
    for file in &report.files {
        render_file(&mut out, file);
    }
    let failed = report.failed().count();
    out.push_str(&format!(
        "Verified {}: {} ok, {failed} failed.\n",
        count(report.files.len(), "file"),
        report.files.len() - failed
    ));
    out
}

fn render_file(out: &mut String, file: &FileVerification) {
    let mut notes = Vec::new();
    if let Some(collection) = &file.now.collection {
        let mut note = count(collection.tests, "test") + " collected";
        if let Some(before) = file.before.as_ref().and_then(|b| b.collection.as_ref()) {
            note.push_str(&format!(" ({} before)", before.tests));
        }
        notes.push(note);
    }
    // What was already wrong before the fix is shown, but is not a failure.
    if file.passed() {
        if file.now.compile_error.is_some() {
            notes.push("does not compile (nor did it before the fix)".into());
        }
        if file
            .now
            .collection
            .as_ref()
            .is_some_and(|c| !c.errors.is_empty())
        {
            notes.push("collection errors (as before the fix)".into());
        }
    }
    let status = if file.passed() { "ok" } else { "FAILED" };
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(", {}", notes.join(", "))
    };
    out.push_str(&format!("{}: {status}{notes}\n", file.path));
    for failure in &file.failures {
        match failure {
            Failure::DoesNotCompile { error } => {
                out.push_str("  does not compile:\n");
                indented(out, &error.message);
            }
            Failure::CollectionError { errors } => {
                out.push_str("  pytest cannot collect it:\n");
                for error in errors {
                    indented(out, &error.message);
                }
            }
            Failure::Regression {
                regression:
                    Regression::NewError {
                        tests_before,
                        tests_after,
                        errors,
                    },
            } => {
                out.push_str(&format!(
                    "  a new collection error ({} collected before the fix, {tests_after} now):\n",
                    count(*tests_before, "test")
                ));
                for error in errors {
                    indented(out, &error.message);
                }
            }
            Failure::Regression {
                regression:
                    Regression::FewerTests {
                        before,
                        after,
                        missing,
                    },
            } => {
                out.push_str(&format!(
                    "  fewer tests collected: {after}, {before} before the fix\n"
                ));
                for id in missing {
                    out.push_str(&format!("    missing: {id}\n"));
                }
            }
        }
    }
    if file.restored {
        out.push_str("  restored to its original bytes\n");
    }
}

fn indented(out: &mut String, text: &str) {
    for line in text.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
}

/// `ferry fix --verify`: what was measured before the write, kept for the
/// comparison after it.
pub struct FixVerification {
    verifier: Verifier,
    rollback: bool,
    /// Each file about to change: its state and its bytes before the fix.
    before: BTreeMap<PathBuf, (FileState, Vec<u8>)>,
}

impl FixVerification {
    /// Finds the interpreter (so a missing one stops the run before anything
    /// is written), plans the fix without writing to learn which files will
    /// change, and measures them.
    pub fn prepare(
        args: &FixArgs,
        files: &[PathBuf],
        packs: &[&Pack],
        settings: &Settings,
        cwd: &Path,
        options: FixOptions,
    ) -> Result<Self> {
        let start = args
            .selection
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let root = project_root(&start);
        let python = find_python(args.python.clone(), &root)?;
        let collect = CollectOptions {
            warnings_as_errors: args.warnings_as_errors,
        };
        let mut verifier = Verifier::new(python, root, collect);
        let plan = ferry_workspace::fix(
            files,
            packs,
            settings,
            cwd,
            FixOptions {
                mode: FixMode::Check,
                ..options
            },
        )?;
        let to_change = changed_files(&plan);
        let states = verifier.measure(&to_change)?;
        // Read last, just before the write, so the bytes kept for a rollback
        // are the ones the fix starts from.
        let mut before = BTreeMap::new();
        for (file, state) in to_change.into_iter().zip(states) {
            let bytes =
                std::fs::read(&file.path).with_context(|| format!("cannot read {}", file.shown))?;
            before.insert(file.path, (state, bytes));
        }
        Ok(Self {
            verifier,
            rollback: args.rollback_on_failure,
            before,
        })
    }

    /// Measures the files the fix wrote, compares them with before, restores
    /// the failing ones if asked, and prints the verdict. Returns the exit
    /// status, made at least 1 by a failure and 2 by a failed restore, and
    /// the verdicts (for `--report`).
    pub fn finish(
        mut self,
        run: &FixRun,
        status: ExitStatus,
    ) -> Result<(ExitStatus, Option<VerifyReport>)> {
        let written = changed_files(run);
        if written.is_empty() {
            print("Verification: no file was changed, so there is nothing to verify.\n")?;
            return Ok((status, None));
        }
        let mut fixed_bytes = Vec::new();
        for file in &written {
            fixed_bytes.push(
                std::fs::read(&file.path).with_context(|| format!("cannot read {}", file.shown))?,
            );
        }
        let now = self.verifier.measure(&written)?;
        let mut verdicts = Vec::new();
        let mut restore_errors = Vec::new();
        for ((file, now), fixed) in written.iter().zip(now).zip(fixed_bytes) {
            let (before, original) = match self.before.remove(&file.path) {
                Some((state, bytes)) => (Some(state), Some(bytes)),
                None => (None, None),
            };
            let mut verdict = judge(file, before, now);
            if self.rollback && !verdict.passed() {
                match original {
                    Some(original) => {
                        match write_atomically(&file.path, &Fingerprint::of(&fixed), &original) {
                            Ok(()) => verdict.restored = true,
                            Err(err) => restore_errors.push(crate::diag::file_error(
                                &file.shown,
                                format_args!("cannot restore: {err}"),
                            )),
                        }
                    }
                    None => restore_errors.push(crate::diag::file_error(
                        &file.shown,
                        "cannot restore: it was not going to change when Ferry read it",
                    )),
                }
            }
            verdicts.push(verdict);
        }
        let report = self.verifier.report(verdicts);
        let mut out = String::from("\nVerification of the changed files:\n");
        out.push_str(&render_verify(&report));
        let restored = report.files.iter().filter(|f| f.restored).count();
        if restored > 0 {
            out.push_str(&format!(
                "Restored {} to the original bytes.\n",
                count(restored, "file")
            ));
        }
        print(&out)?;
        for line in &restore_errors {
            eprintln!("{line}");
        }
        let status = if !restore_errors.is_empty() || status == ExitStatus::Error {
            ExitStatus::Error
        } else if report.has_failures() {
            ExitStatus::Findings
        } else {
            status
        };
        Ok((status, Some(report)))
    }
}

/// The Python files a fix run changes (or would change), as verification
/// names them. A raised requirement (the pin bump) is not Python: the
/// interpreter cannot check it.
fn changed_files(run: &FixRun) -> Vec<SourceFile> {
    run.files
        .iter()
        .filter(|f| f.applied_count() > 0 && f.report.error.is_none())
        .filter(|f| !f.applied.keys().all(|code| is_pin_bump(code)))
        .map(|f| SourceFile {
            path: f.path.clone(),
            shown: f.report.path.clone(),
        })
        .collect()
}

/// `ferry report --verify`: verifies `files` with the project's Python.
pub fn verify_files(
    files: Vec<SourceFile>,
    python: Option<PathBuf>,
    start: &Path,
) -> Result<VerifyReport> {
    let root = project_root(start);
    let python = find_python(python, &root)?;
    Ok(Verifier::new(python, root, CollectOptions::default()).verify(&files)?)
}

/// A verification as reports show it: one line per file.
pub fn summarize(report: &VerifyReport) -> ferry_report::Verification {
    let files = report
        .files
        .iter()
        .map(|file| {
            let tests_of = |state: &FileState| state.collection.as_ref().map(|c| c.tests);
            let first_line = |text: &str| text.lines().next().unwrap_or_default().to_string();
            let problem = file.failures.first().map(|failure| match failure {
                Failure::DoesNotCompile { error } => {
                    format!("does not compile: {}", first_line(&error.message))
                }
                Failure::CollectionError { errors } => format!(
                    "pytest cannot collect it: {}",
                    errors
                        .first()
                        .map(|e| first_line(&e.message))
                        .unwrap_or_default()
                ),
                Failure::Regression {
                    regression: Regression::NewError { errors, .. },
                } => format!(
                    "a new collection error: {}",
                    errors
                        .first()
                        .map(|e| first_line(&e.message))
                        .unwrap_or_default()
                ),
                Failure::Regression {
                    regression: Regression::FewerTests { before, after, .. },
                } => format!("fewer tests collected: {after}, {before} before the fix"),
            });
            ferry_report::VerifiedFile {
                path: file.path.clone(),
                passed: file.passed(),
                tests: tests_of(&file.now),
                tests_before: file.before.as_ref().and_then(tests_of),
                problem,
            }
        })
        .collect();
    ferry_report::Verification {
        python: format!("Python {}", python_line(&report.python)),
        pytest: report.pytest_version.clone(),
        files,
    }
}

/// Whether `code` is a pack's requirement bump, which changes a requirement
/// file rather than Python.
fn is_pin_bump(code: &str) -> bool {
    ferry_rules::all_packs()
        .iter()
        .any(|pack| pack.migration.is_some_and(|m| m.pin_bump.code == code))
}
