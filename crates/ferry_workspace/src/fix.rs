//! `ferry fix` on many files: plan every file's fixes in parallel, check the
//! uncommitted-changes guard, then write each changed file atomically.
//!
//! Nothing is written in `Diff` and `Check` modes. A file whose fixes would
//! not parse, whose new text cannot be encoded back, or that changed on disk
//! meanwhile is reported and left exactly as it was; the other files go on.
//!
//! Each file is fixed for the targets its project pins (see `pins`); a
//! requirement that excludes an explicit target is raised (an unsafe fix)
//! and written the same way as Python files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ferry_engine::{fix_source, CheckError, Pack, Prefilter, Settings};
use ferry_python::decode;
use ferry_report::{FileReport, PinNote};
use rayon::prelude::*;

use crate::discover::Files;
use crate::git::{uncommitted, DirtyFile};
use crate::pins::{PinBump, RunPins};
use crate::progress::{NoProgress, Progress};
use crate::read::read_candidate;
use crate::scan::{count_breaks_when_raised, describe_check_error, display_path, to_file_report};
use crate::write::{remove_stale_temp_files, write_atomically, Fingerprint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Write the fixed files.
    Write,
    /// Compute unified diffs; write nothing.
    Diff,
    /// Only tell what would change; write nothing.
    Check,
}

#[derive(Debug, Clone, Copy)]
pub struct FixOptions {
    pub mode: FixMode,
    pub unsafe_fixes: bool,
    /// Write into files with uncommitted changes (git).
    pub allow_dirty: bool,
    /// Read the project's requirements, as `ScanOptions::project_pins`
    /// does; with an explicit target they exclude, the requirement lines are
    /// fixed too (an unsafe fix).
    pub project_pins: bool,
}

/// What happened to one file that has something to say.
#[derive(Debug, Clone)]
pub struct FileFix {
    pub path: PathBuf,
    /// Fixes applied (or that would be, in `Diff`/`Check` mode), by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// The file after fixing: what is left (review items, unsafe fixes not
    /// applied), positions in the fixed text. Status `error` if the file could
    /// not be fixed; then nothing was written.
    pub report: FileReport,
    /// The unified diff, in `Diff` mode.
    pub diff: Option<String>,
}

impl FileFix {
    pub fn applied_count(&self) -> usize {
        self.applied.values().sum()
    }
}

#[derive(Debug, Clone, Default)]
pub struct FixRun {
    /// Sorted by path; only files with fixes, findings left, mentions or errors.
    pub files: Vec<FileFix>,
    pub files_scanned: usize,
    /// Temporary files of killed earlier runs that were removed.
    pub stale_temp_files_removed: Vec<PathBuf>,
    /// Requirements that held files back from the migration (nothing was
    /// fixed under them).
    pub pins: Vec<PinNote>,
}

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("{} to fix {} uncommitted changes:\n{}\nCommit or stash them first (so the fix can be reviewed and undone), or run again with --allow-dirty.",
        plural_files(.0.len()), if .0.len() == 1 { "has" } else { "have" }, list_dirty(.0))]
    Dirty(Vec<(String, &'static str)>),
}

fn plural_files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

fn list_dirty(files: &[(String, &'static str)]) -> String {
    files
        .iter()
        .map(|(path, state)| format!("  {path} ({state})"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writing a file waits on the disk (the flush before the rename) far more
/// than it uses the CPU, so the writes get threads of their own, more than
/// there are cores: their waits overlap, and the file system commits
/// concurrent flushes together. On the benchmark's 241 files, the writes
/// took 150-210 ms on 2 threads and 50-70 ms on 16 to 64.
const WRITER_THREADS: usize = 32;

/// A file whose new bytes are ready.
struct Planned {
    original: Fingerprint,
    fixed: Vec<u8>,
}

pub fn fix<F: Files + ?Sized>(
    files: &F,
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
    options: FixOptions,
) -> Result<FixRun, FixError> {
    fix_with_progress(files, packs, settings, cwd, options, &NoProgress)
}

/// [`fix`], telling `progress` of each file planned.
pub fn fix_with_progress<F: Files + ?Sized>(
    files: &F,
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
    options: FixOptions,
    progress: &dyn Progress,
) -> Result<FixRun, FixError> {
    let prefilter = Prefilter::new(packs);
    let pins = RunPins::new(settings, packs, cwd, options.project_pins);
    progress.start(files.count_hint(), "fixing");
    let planned: Mutex<Vec<(FileFix, Option<Planned>)>> = Mutex::new(Vec::new());
    let count = files.for_each_file(&|path| {
        if let Some(plan) = plan_file(path, packs, &pins, &prefilter, cwd, options) {
            planned.lock().expect("no panics while locked").push(plan);
        }
        progress.advance();
    });
    progress.finish();
    let mut planned = planned.into_inner().expect("no panics while locked");
    let bumps = pins.bumps();
    planned.extend(bumps.iter().map(|bump| plan_bump(bump, options)));
    planned.sort_by(|a, b| a.0.report.path.cmp(&b.0.report.path));

    let mut stale_temp_files_removed = Vec::new();
    if options.mode == FixMode::Write {
        let to_write: Vec<PathBuf> = planned
            .iter()
            .filter(|(_, p)| p.is_some())
            .map(|(f, _)| f.path.clone())
            .collect();
        if !options.allow_dirty {
            let dirty: Vec<(String, &'static str)> = uncommitted(&to_write)
                .into_iter()
                .map(|DirtyFile { path, state }| (display_path(&path, cwd), state))
                .collect();
            if !dirty.is_empty() {
                return Err(FixError::Dirty(dirty));
            }
        }
        // A killed run leaves its temporary file beside a file it had not
        // replaced yet, which this run writes: only those folders are read.
        let dirs: BTreeSet<&Path> = to_write.iter().filter_map(|p| p.parent()).collect();
        stale_temp_files_removed = remove_stale_temp_files(dirs);
        let mut write_all = || {
            // One file per task: a thread waiting on the disk must not hold others back.
            planned
                .par_iter_mut()
                .with_max_len(1)
                .for_each(|(file, plan)| {
                    if let Some(plan) = plan.take() {
                        if let Err(err) = write_atomically(&file.path, &plan.original, &plan.fixed)
                        {
                            file.applied.clear();
                            file.report =
                                FileReport::error(file.report.path.clone(), err.to_string());
                        }
                    }
                });
        };
        let writers = rayon::ThreadPoolBuilder::new()
            .num_threads(WRITER_THREADS.min(to_write.len()).max(1))
            .thread_name(|i| format!("ferry-writer-{i}"))
            .build();
        match writers {
            Ok(pool) => pool.install(write_all),
            // Without threads of its own, writing still works on the run's.
            Err(_) => write_all(),
        }
    }
    Ok(FixRun {
        files: planned.into_iter().map(|(f, _)| f).collect(),
        files_scanned: count + bumps.len(),
        stale_temp_files_removed,
        pins: pins.notes(),
    })
}

/// Reads, fixes in memory and (in `Diff` mode) diffs one file. `None`: nothing to say.
fn plan_file(
    path: &Path,
    packs: &[&Pack],
    pins: &RunPins<'_>,
    prefilter: &Prefilter,
    cwd: &Path,
    options: FixOptions,
) -> Option<(FileFix, Option<Planned>)> {
    let failed = |reason: String| {
        let report = FileReport::error(display_path(path, cwd), reason);
        Some((
            FileFix {
                path: path.to_path_buf(),
                applied: BTreeMap::new(),
                report,
                diff: None,
            },
            None,
        ))
    };
    let original = match read_candidate(path, prefilter) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return None,
        Err(err) => return failed(format!("cannot read: {err}")),
    };
    // Only now: most files of a tree stop at the prefilter.
    let shown = display_path(path, cwd);
    let source = match decode(&original) {
        Ok(source) => source,
        Err(err) => return failed(format!("cannot decode: {err}")),
    };
    let text = source.text.as_ref();
    let targets = pins.for_file(path);
    count_breaks_when_raised(text, packs, pins, &targets);
    let outcome = match fix_source(text, packs, &targets.settings, options.unsafe_fixes) {
        Ok(outcome) => outcome,
        Err(err @ CheckError::Syntax(_)) => return failed(describe_check_error(text, &err)),
        Err(err) => return failed(err.to_string()),
    };
    let report = to_file_report(shown.clone(), &outcome.text, &outcome.remaining);
    let changed = outcome.applied_count() > 0;
    if !changed && report.status == ferry_engine::FileStatus::Clean && report.unaffected.is_empty()
    {
        return None;
    }
    let mut plan = None;
    let mut diff = None;
    if changed {
        let fixed = match source.encoding.encode(&outcome.text) {
            Ok(bytes) => bytes,
            Err(err) => return failed(format!("{err}; file left unchanged")),
        };
        if options.mode == FixMode::Diff {
            diff = Some(unified_diff(&shown, text, &outcome.text));
        }
        // Only a run that writes keeps the bytes (encoded all the same, so
        // that `--check` reports a fix the file's encoding cannot hold).
        if options.mode == FixMode::Write {
            plan = Some(Planned {
                original: Fingerprint::of(&original),
                fixed,
            });
        }
    }
    Some((
        FileFix {
            path: path.to_path_buf(),
            applied: outcome.applied,
            report,
            diff,
        },
        plan,
    ))
}

/// A requirement file's pin bump: applied only with unsafe fixes, like
/// every unsafe fix.
fn plan_bump(bump: &PinBump, options: FixOptions) -> (FileFix, Option<Planned>) {
    let mut file = FileFix {
        path: bump.path.clone(),
        applied: BTreeMap::new(),
        report: bump.report(),
        diff: None,
    };
    if !options.unsafe_fixes {
        return (file, None);
    }
    let (fixed, applied, remaining) = bump.fixed();
    if applied.is_empty() {
        return (file, None);
    }
    file.applied = applied;
    file.report = remaining;
    if options.mode == FixMode::Diff {
        file.diff = Some(unified_diff(&bump.shown, &bump.original, &fixed));
    }
    let plan = (options.mode == FixMode::Write).then(|| Planned {
        original: Fingerprint::of(bump.original.as_bytes()),
        fixed: fixed.into_bytes(),
    });
    (file, plan)
}

fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}
