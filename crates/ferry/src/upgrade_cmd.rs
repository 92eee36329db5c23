//! `ferry upgrade LIBRARY==VERSION`: a trial migration in a copy.
//!
//! The user's tree and environment are never touched until asked: the trial
//! runs in a git worktree of `HEAD` in Ferry's cache folder (`trials/PID/`;
//! inside the project, its own ignore files would hide it), with two
//! venvs built from the project's declared requirements (cached under
//! Ferry's cache folder): one as pinned today (the baseline), one with the
//! library at the target version after Ferry raised the pins and fixed the
//! code in the worktree. The verdict compares the project's own tests on
//! both. `--apply` then writes the same changes into the user's tree,
//! `--branch` commits them on a new branch. Ctrl-C (or SIGTERM) ends the
//! trial's tests or pip and removes its worktree and half-built venv at once; a run killed outright
//! leaves its trial folder, which the next run removes (its process is gone).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use ferry_verify::{
    compare, ensure_env, project_root, run_suite, Comparison, EnvSpec, Python, SuiteOptions,
    SuiteRun,
};

use crate::cli::UpgradeArgs;
use crate::commands::print;
use crate::exit::ExitStatus;
use crate::verify_cmd::find_python;

pub fn upgrade(args: UpgradeArgs) -> Result<ExitStatus> {
    let (library, version) = args
        .target
        .split_once("==")
        .filter(|(l, v)| !l.trim().is_empty() && !v.trim().is_empty())
        .with_context(|| {
            format!(
                "`{}` is not LIBRARY==VERSION (e.g. websockets==15.0.1)",
                args.target
            )
        })?;
    let (library, version) = (library.trim(), version.trim());
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let top = git(&start, &["rev-parse", "--show-toplevel"]).context(
        "`ferry upgrade` runs its trial in a git worktree: run it inside a git repository",
    )?;
    let root = PathBuf::from(top.trim());
    let changed = git(&root, &["status", "--porcelain", "--untracked-files=no"])?;
    if !changed.trim().is_empty() {
        bail!(
            "the working tree has uncommitted changes, which a trial of HEAD would not reflect; commit or stash them first:\n{}",
            changed.trim_end()
        );
    }
    let trials = cache_dir().join("trials");
    remove_dead_trials(&trials);
    let trial = trials.join(std::process::id().to_string());
    let tree = trial.join("tree");
    step(&format!("Making a worktree of HEAD in {}", tree.display()));
    std::fs::create_dir_all(&trial)
        .with_context(|| format!("cannot create {}", trial.display()))?;
    // For the next run's clean-up, should this one be killed.
    std::fs::write(trial.join("repository"), root.to_string_lossy().as_bytes())
        .with_context(|| format!("cannot write in {}", trial.display()))?;
    git(
        &root,
        &[
            "worktree",
            "add",
            "--detach",
            "--quiet",
            &tree.to_string_lossy(),
            "HEAD",
        ],
    )?;
    on_interrupt_remove(&root, &trial, args.keep);
    let outcome = run_trial(&args, library, version, &root, &trial);
    // Done: an interrupt from here on has nothing of the trial's left to end.
    TRIAL_TO_REMOVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    let keep = args.keep || outcome.as_ref().is_err_and(|_| args.keep);
    if !keep {
        let _ = git(
            &root,
            &["worktree", "remove", "--force", &tree.to_string_lossy()],
        );
        let _ = std::fs::remove_dir_all(&trial);
    } else {
        eprintln!("Kept the trial's worktree: {}", tree.display());
    }
    outcome
}

/// The trial a Ctrl-C must end: the repository, the trial folder, and
/// whether `--keep` asked to leave the worktree.
static TRIAL_TO_REMOVE: Mutex<Option<(PathBuf, PathBuf, bool)>> = Mutex::new(None);

/// On Ctrl-C or SIGTERM: end the trial's tests (their own process group,
/// which the terminal's signal does not reach) or the pip building a venv,
/// remove its worktree and folder (unless `--keep`) and a half-built venv,
/// and exit with 130.
fn on_interrupt_remove(root: &Path, trial: &Path, keep: bool) {
    *TRIAL_TO_REMOVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) =
        Some((root.to_path_buf(), trial.to_path_buf(), keep));
    let installed = ctrlc::set_handler(|| {
        // Held until the exit, so the main thread, which takes the trial
        // when it ends, cannot race this clean-up to its own exit.
        let mut guard = TRIAL_TO_REMOVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((root, trial, keep)) = guard.take() {
            crate::diag::note("interrupted: ending the trial's tests and removing its worktree");
            ferry_verify::abandon_build();
            ferry_verify::end_group_in(&trial.join("tests.pgid"));
            if keep {
                eprintln!(
                    "Kept the trial's worktree: {}",
                    trial.join("tree").display()
                );
            } else {
                let tree = trial.join("tree");
                let _ = git(
                    &root,
                    &["worktree", "remove", "--force", &tree.to_string_lossy()],
                );
                let _ = std::fs::remove_dir_all(&trial);
            }
        }
        std::process::exit(130);
    });
    if let Err(err) = installed {
        // Then the next run cleans up, as after a kill.
        crate::diag::warning(format!(
            "cannot watch for Ctrl-C ({err}); an interrupted trial is removed by the next run"
        ));
    }
}

fn run_trial(
    args: &UpgradeArgs,
    library: &str,
    version: &str,
    root: &Path,
    trial_dir: &Path,
) -> Result<ExitStatus> {
    let tree = &trial_dir.join("tree");
    let base = find_python(args.python.clone(), &project_root(root))?;
    let cache = cache_dir().join("venvs");
    let timeout = Duration::from_secs(args.timeout);
    let suite = SuiteOptions {
        timeout,
        // Should this run be killed, the next one ends the tests it left running.
        group_file: Some(trial_dir.join("tests.pgid")),
        ..SuiteOptions::default()
    };

    step("Building the environment the project pins today (cached)");
    let old_python = ensure_env(&base, &cache, &declared(tree)?, timeout)?;
    let old_python = Python::find(&ferry_verify::InterpreterRequest::from_env(
        Some(old_python),
        tree.to_path_buf(),
    ))?;
    step("Running the tests on it (the baseline)");
    let baseline = run_suite(&old_python, tree, &suite)?;
    if !ran(&baseline) {
        print(&format!(
            "The baseline did not run: `{}` ended with {} before any test result (see {}). Fix the test setup first; nothing was changed.\n",
            baseline.command.join(" "),
            baseline.exit_code.map_or("no exit code".to_string(), |c| format!("exit code {c}")),
            shown(&baseline.folder(tree).join("output.log"), root),
        ))?;
        return Ok(ExitStatus::Error);
    }

    step(&format!(
        "Raising the requirements and fixing the code for {library}=={version}"
    ));
    let exe = std::env::current_exe().context("cannot find Ferry's own executable")?;
    let target = format!("{library}=={version}");
    let pin_code = pin_bump_code(library);
    if let Some(code) = &pin_code {
        ferry(
            &exe,
            tree,
            &[
                "fix",
                "--target",
                &target,
                "--select",
                code,
                "--unsafe-fixes",
            ],
        )?;
    }
    let mut fix_args = vec!["fix", "--target", target.as_str()];
    if args.unsafe_fixes {
        fix_args.push("--unsafe-fixes");
    }
    ferry(&exe, tree, &fix_args)?;
    let left = ferry(
        &exe,
        tree,
        &["scan", "--target", &target, "--format", "json"],
    )?;
    let review_left = serde_json::from_str::<serde_json::Value>(&left)
        .ok()
        .and_then(|doc| doc["summary"]["review_items"].as_u64())
        .unwrap_or(0);
    let diff_stat = git(tree, &["diff", "--shortstat"])?;

    step(&format!("Building the environment with {target} (cached)"));
    let mut new_spec = declared(tree)?;
    new_spec.pins.push(target.clone());
    let new_python = ensure_env(&base, &cache, &new_spec, timeout)?;
    let new_python = Python::find(&ferry_verify::InterpreterRequest::from_env(
        Some(new_python),
        tree.to_path_buf(),
    ))?;
    step("Running the tests on it (the trial)");
    let trial = run_suite(&new_python, tree, &suite)?;
    let comparison = compare(&baseline, &trial);

    let mut out = format!("Trial of {target} for {}\n", root.display());
    out.push_str(&format!(
        "Baseline (as pinned today): {} ({})\n",
        counts(&baseline),
        old_python.executable.display()
    ));
    out.push_str(&format!(
        "Trial ({target}, after `ferry fix`): {} ({})\n",
        counts(&trial),
        new_python.executable.display()
    ));
    out.push_str(&verdict_line(&comparison));
    for id in &comparison.broken {
        out.push_str(&format!("  broken: {id}\n"));
    }
    for id in &comparison.still_failing {
        out.push_str(&format!("  still failing: {id}\n"));
    }
    out.push_str(&format!(
        "Changes: {}; {} left for review (`ferry scan --target {target}` lists them).\n",
        if diff_stat.trim().is_empty() {
            "none"
        } else {
            diff_stat.trim()
        },
        ferry_report::count(usize::try_from(review_left).unwrap_or(0), "finding")
    ));
    let passed = trial.passed() && !comparison.broke_something();
    if let Some(branch) = &args.branch {
        git(tree, &["switch", "--quiet", "-c", branch])?;
        git(tree, &["add", "--update"])?;
        git(
            tree,
            &[
                "-c",
                "user.name=Ferry",
                "-c",
                "user.email=ferry@localhost",
                "commit",
                "--quiet",
                "--allow-empty",
                "-m",
                &format!("Upgrade to {target} (ferry upgrade)"),
            ],
        )?;
        out.push_str(&format!(
            "Committed the changes on the new branch `{branch}`.\n"
        ));
    } else if args.apply {
        let patch = git(tree, &["diff", "--binary", "HEAD"])?;
        let changed = git(root, &["status", "--porcelain", "--untracked-files=no"])?;
        if !changed.trim().is_empty() {
            bail!(
                "the working tree changed during the trial; nothing was applied:\n{}",
                changed.trim_end()
            );
        }
        if !patch.is_empty() {
            git_stdin(
                root,
                &["apply", "--whitespace=nowarn", "-"],
                patch.as_bytes(),
            )?;
        }
        out.push_str("Applied the changes to the working tree (review them with `git diff`).\n");
    } else {
        out.push_str("Nothing was changed in the working tree: rerun with --apply to write these changes, or --branch NAME to commit them on a new branch.\n");
    }
    print(&out)?;
    Ok(if passed {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// Whether the suite got as far as running tests (pytest's exit codes 0
/// and 1; a command judged by its exit code always counts).
fn ran(run: &SuiteRun) -> bool {
    !run.timed_out && (!run.per_test || matches!(run.exit_code, Some(0 | 1)))
}

fn counts(run: &SuiteRun) -> String {
    let c = run.counts;
    format!(
        "{} passed, {} failed, {} errors, {} skipped",
        c.passed, c.failed, c.errors, c.skipped
    )
}

fn verdict_line(comparison: &Comparison) -> String {
    format!(
        "Verdict: {} fixed, {} broken, {} still failing, {} added, {} removed.\n",
        comparison.fixed.len(),
        comparison.broken.len(),
        comparison.still_failing.len(),
        comparison.added.len(),
        comparison.removed.len()
    )
}

/// What the project declares at its root: every `requirements*.txt`, else
/// the project itself from `pyproject.toml` with its test extras.
fn declared(tree: &Path) -> Result<EnvSpec> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(tree)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    if !files.is_empty() {
        return Ok(EnvSpec {
            requirement_files: files,
            ..EnvSpec::default()
        });
    }
    let pyproject = tree.join("pyproject.toml");
    if pyproject.is_file() {
        let text = std::fs::read_to_string(&pyproject)?;
        let table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("{}: not valid TOML", pyproject.display()))?;
        let extras: Vec<String> = table
            .get("project")
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(|o| o.as_table())
            .map(|o| {
                o.keys()
                    .filter(|k| matches!(k.as_str(), "test" | "tests" | "testing" | "dev"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        return Ok(EnvSpec {
            project: Some((tree.to_path_buf(), extras)),
            ..EnvSpec::default()
        });
    }
    bail!("the project declares no requirements at its root (requirements*.txt or pyproject.toml): Ferry cannot build its environments")
}

/// The pin bump rule of the pack whose library this is.
fn pin_bump_code(library: &str) -> Option<String> {
    ferry_rules::all_packs()
        .iter()
        .find(|p| {
            ferry_workspace::pins::normalize_name(p.library)
                == ferry_workspace::pins::normalize_name(library)
        })
        .and_then(|p| p.migration)
        .map(|m| m.pin_bump.code.to_string())
}

/// Ferry's cache: `$FERRY_CACHE_DIR`, else `$XDG_CACHE_HOME/ferry`, else `~/.cache/ferry`.
pub(crate) fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FERRY_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("ferry");
    }
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache/ferry"))
        .unwrap_or_else(|| std::env::temp_dir().join("ferry-cache"))
}

/// Removes the trials of runs that are gone (killed), with their worktrees.
fn remove_dead_trials(trials: &Path) {
    let Ok(entries) = std::fs::read_dir(trials) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let alive = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
            .is_some_and(process_is_alive);
        if alive {
            continue;
        }
        ferry_verify::end_group_in(&entry.path().join("tests.pgid"));
        let repository = std::fs::read_to_string(entry.path().join("repository")).ok();
        let _ = std::fs::remove_dir_all(entry.path());
        if let Some(repository) = repository {
            let _ = git(Path::new(repository.trim()), &["worktree", "prune"]);
        }
    }
}

fn process_is_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists() && pid != 0
}

fn step(what: &str) {
    eprintln!("{what}...");
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Runs git in `dir`; its stdout, or an error with its stderr.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    git_stdin(dir, args, b"")
}

fn git_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Result<String> {
    use std::io::Write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run git")?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).context("cannot write to git")?;
    }
    let output = child.wait_with_output().context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs Ferry itself in the worktree; its stdout (exit codes 0 and 1 are
/// both answers: 1 means findings remain).
fn ferry(exe: &Path, dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .output()
        .context("cannot run Ferry in the worktree")?;
    if !matches!(output.status.code(), Some(0 | 1)) {
        bail!(
            "`ferry {}` failed in the worktree: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
