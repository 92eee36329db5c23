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

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ferry_engine::{fix_spelled, CheckError, Pack, Prefilter, Settings};
use ferry_python::decode;
use ferry_report::{FileReport, PinNote};
use similar::DiffOp;

use crate::discover::Files;
use crate::git::{DirtyFile, Guard, GuardChecks};
use crate::handover::lock;
use crate::pins::{PinBump, RunPins};
use crate::progress::{NoProgress, Progress};
use crate::read::read_candidate;
use crate::scan::{count_breaks_when_raised, describe_check_error, display_path, to_file_report};
use crate::write::{
    flush_file_systems, folder_and_name, remove_stale_temp_files, stage, Fingerprint, Flush,
    Staged, WriteError,
};

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
    /// Write into files outside any git work tree (or when git cannot be
    /// run), where nothing could show or undo the change.
    pub allow_no_vcs: bool,
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
    #[error("{} to fix {} not in a git work tree:\n{}\nFerry writes only where version control can show its changes and undo them: commit the files to git first, or run again with --allow-no-vcs.",
        plural_files(*.total), if *.total == 1 { "is" } else { "are" }, list_outside(.shown, *.total))]
    NoVcs {
        /// The first few, as shown.
        shown: Vec<String>,
        total: usize,
    },
}

/// How many files outside version control the refusal names.
const OUTSIDE_LISTED: usize = 10;

fn list_outside(shown: &[String], total: usize) -> String {
    let mut lines: Vec<String> = shown.iter().map(|path| format!("  {path}")).collect();
    if total > shown.len() {
        lines.push(format!("  and {} more", total - shown.len()));
    }
    lines.join("\n")
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

/// Writing a file waits on the disk (creating its temporary file, and
/// freeing the replaced file's blocks at the rename) far more than it uses
/// the CPU, so the writes get threads of their own, more than there are
/// cores, and their waits overlap. On the benchmark's 241 files, the writes
/// took 150-210 ms on 2 threads and 50-70 ms on 16 to 64; each thread costs
/// its stack's pages and often a heap of the allocator's own, so 16.
const WRITER_THREADS: usize = 16;

/// A file to write, held until the guard has answered for every file: its
/// new bytes as the lines that change, against the bytes read. The bytes are
/// rebuilt from the file when it is read again to be written, so a fix holds
/// the lines it changes rather than every file it will write (on the
/// benchmark's 4x tree, the whole new files were 1 MB of `fix`'s peak).
struct Planned {
    /// What the file held when it was read.
    original: Fingerprint,
    /// Byte ranges of the original, in order, each with where its
    /// replacement ends in `replacements`.
    changes: Box<[(Range<usize>, usize)]>,
    /// The replacements, end to end (two allocations per file in all).
    replacements: Box<[u8]>,
    /// What the rebuilt file must hold.
    fixed: Fingerprint,
}

impl Planned {
    fn new(original: &[u8], fixed: &[u8]) -> Self {
        let (old, new) = (Lines::of(original), Lines::of(fixed));
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old.lines, &new.lines);
        // Positions are counted along the operations: the indices an
        // insertion reports are not always in order with its neighbours'.
        let (mut at_old, mut at_new) = (0, 0);
        let (mut changes, mut replacements) = (Vec::new(), Vec::new());
        for op in &ops {
            let (old_len, new_len) = match *op {
                DiffOp::Equal { len, .. } => {
                    at_old += len;
                    at_new += len;
                    continue;
                }
                DiffOp::Delete { old_len, .. } => (old_len, 0),
                DiffOp::Insert { new_len, .. } => (0, new_len),
                DiffOp::Replace {
                    old_len, new_len, ..
                } => (old_len, new_len),
            };
            let replaced = old.starts[at_old]..old.starts[at_old + old_len];
            replacements
                .extend_from_slice(&fixed[new.starts[at_new]..new.starts[at_new + new_len]]);
            changes.push((replaced, replacements.len()));
            at_old += old_len;
            at_new += new_len;
        }
        Self {
            original: Fingerprint::of(original),
            changes: changes.into_boxed_slice(),
            replacements: replacements.into_boxed_slice(),
            fixed: Fingerprint::of(fixed),
        }
    }

    /// The new bytes, from `current` if it still holds what was read.
    fn rebuild(&self, current: &[u8]) -> Result<Vec<u8>, WriteError> {
        if Fingerprint::of(current) != self.original {
            return Err(WriteError::ChangedOnDisk);
        }
        let mut fixed = Vec::with_capacity(current.len());
        let (mut at, mut replacement_at) = (0, 0);
        for (range, replacement_end) in &self.changes {
            fixed.extend_from_slice(&current[at..range.start]);
            fixed.extend_from_slice(&self.replacements[replacement_at..*replacement_end]);
            (at, replacement_at) = (range.end, *replacement_end);
        }
        fixed.extend_from_slice(&current[at..]);
        // Cannot differ unless the changes were computed wrongly: then
        // nothing is written.
        if Fingerprint::of(&fixed) != self.fixed {
            return Err(WriteError::Io(
                "the fixed text could not be rebuilt (a bug)".into(),
            ));
        }
        Ok(fixed)
    }

    /// Reads the file again, rebuilds its new bytes and writes them beside
    /// it, unflushed (the caller flushes every file at once).
    fn stage(&self, path: &Path) -> Result<Staged, WriteError> {
        let current = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(WriteError::Disappeared)
            }
            Err(err) => return Err(WriteError::Io(err.to_string())),
        };
        let fixed = self.rebuild(&current)?;
        drop(current);
        stage(path, &fixed, Flush::Later)
    }
}

/// A text's lines (each with its line break) and where each starts; one
/// more start, the end.
struct Lines<'t> {
    lines: Vec<&'t [u8]>,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn of(text: &'t [u8]) -> Self {
        let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
        let mut starts = Vec::with_capacity(lines.len() + 1);
        let mut at = 0;
        starts.push(at);
        for line in &lines {
            at += line.len();
            starts.push(at);
        }
        Self { lines, starts }
    }
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
    let prefilter = Prefilter::for_selection(packs, &settings.selection);
    let pins = RunPins::new(settings, packs, cwd, options.project_pins);
    progress.start(files.count_hint(), "fixing");
    let planned: Mutex<Vec<(FileFix, Option<Planned>)>> = Mutex::new(Vec::new());
    // The guard learns of each file to write as soon as it is planned, and
    // asks git about them while the other files are planned.
    let checks = GuardChecks {
        uncommitted: !options.allow_dirty,
        version_control: !options.allow_no_vcs,
    };
    let guard = (options.mode == FixMode::Write && (checks.uncommitted || checks.version_control))
        .then(|| Guard::start(checks));
    let count = files.for_each_file(&|path| {
        let plan = plan_file(
            path,
            packs,
            &pins,
            &prefilter,
            cwd,
            options,
            guard.as_ref(),
            progress,
        );
        if let Some(plan) = plan {
            lock(&planned).push(plan);
        }
        progress.advance();
    });
    progress.finish();
    let mut planned = planned.into_inner().expect("no panics while locked");
    let bumps = pins.bumps();
    planned.extend(
        bumps
            .iter()
            .map(|bump| plan_bump(bump, options, guard.as_ref())),
    );
    planned.sort_by(|a, b| a.0.report.path.cmp(&b.0.report.path));

    let mut stale_temp_files_removed = Vec::new();
    if options.mode == FixMode::Write {
        let to_write = planned.iter().filter(|(_, plan)| plan.is_some()).count();
        if let Some(guard) = guard {
            let unguarded = guard.finish();
            if !unguarded.outside.is_empty() {
                return Err(FixError::NoVcs {
                    shown: unguarded
                        .outside
                        .iter()
                        .take(OUTSIDE_LISTED)
                        .map(|path| display_path(path, cwd))
                        .collect(),
                    total: unguarded.outside.len(),
                });
            }
            let dirty: Vec<(String, &'static str)> = unguarded
                .dirty
                .into_iter()
                .map(|DirtyFile { path, state }| (display_path(&path, cwd), state))
                .collect();
            if !dirty.is_empty() {
                return Err(FixError::Dirty(dirty));
            }
        }
        // A killed run leaves its temporary file beside a file it had not
        // replaced yet, which this run writes: only those folders are read,
        // each by the writer of its first file, so the reads overlap the
        // writes. (Decided here: the writers' heaps then hold nothing
        // that outlives a file.)
        let first_in_folder: Vec<bool> = {
            let mut seen = HashSet::new();
            planned
                .iter()
                .map(|(file, plan)| plan.is_some() && seen.insert(folder_and_name(&file.path).0))
                .collect()
        };
        let removed: Mutex<Vec<PathBuf>> = Mutex::default();
        // Every file is written beside itself first, then the disk is
        // flushed once, then each is renamed over its file.
        let mut staged: Vec<Option<Result<Staged, WriteError>>> =
            planned.iter().map(|_| None).collect();
        let queue = Mutex::new(planned.iter().zip(first_in_folder).zip(staged.iter_mut()));
        on_writer_threads(to_write, || loop {
            let Some((((file, plan), first_in_folder), slot)) = lock(&queue).next() else {
                break;
            };
            let Some(plan) = plan else {
                continue;
            };
            if first_in_folder {
                let (dir, _) = folder_and_name(&file.path);
                lock(&removed).extend(remove_stale_temp_files([dir]));
            }
            *slot = Some(plan.stage(&file.path));
        });
        let flushed = flush_file_systems(
            staged
                .iter()
                .flatten()
                .filter_map(|staged| staged.as_ref().ok())
                .map(Staged::path),
        );
        let queue = Mutex::new(planned.iter_mut().zip(staged.iter_mut()));
        on_writer_threads(to_write, || loop {
            let Some(((file, plan), slot)) = lock(&queue).next() else {
                break;
            };
            let (Some(plan), Some(staged)) = (plan.take(), slot.take()) else {
                continue;
            };
            let written = match &flushed {
                Ok(()) => staged.and_then(|new| new.replace(&file.path, &plan.original)),
                Err(err) => Err(err.clone()),
            };
            if let Err(err) = written {
                file.applied.clear();
                file.report = FileReport::error(file.report.path.clone(), err.to_string());
            }
        });
        stale_temp_files_removed = removed.into_inner().expect("no panics while locked");
        stale_temp_files_removed.sort();
    }
    Ok(FixRun {
        files: planned.into_iter().map(|(f, _)| f).collect(),
        files_scanned: count + bumps.len(),
        stale_temp_files_removed,
        pins: pins.notes(),
    })
}

/// Reads, fixes in memory and (in `Diff` mode) diffs one file. `None`: nothing to say.
#[allow(clippy::too_many_arguments)] // The run's shared parts, each borrowed.
fn plan_file(
    path: &Path,
    packs: &[&Pack],
    pins: &RunPins<'_>,
    prefilter: &Prefilter,
    cwd: &Path,
    options: FixOptions,
    guard: Option<&Guard>,
    progress: &dyn Progress,
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
        Ok(None) => {
            progress.prefiltered();
            return None;
        }
        Err(err) => return failed(format!("cannot read: {err}")),
    };
    // Only now: most files of a tree stop at the prefilter.
    let shown = display_path(path, cwd);
    let source = match decode(&original) {
        Ok(source) => source,
        Err(err) => return failed(format!("cannot decode: {err}")),
    };
    let text = source.text.as_ref();
    let selection = &pins.unpinned().settings.selection;
    let spelled = ferry_engine::Spelled::in_text(packs, text, selection);
    let libraries = crate::scan::libraries(&spelled.packs());
    if !spelled.may_report(text) {
        // No rule runs here: only the pins matter (see `scan_file`).
        pins.meet_using(path, &libraries);
        progress.prefiltered();
        return None;
    }
    let targets = pins.for_file_using(path, Some(&libraries));
    progress.parsed();
    let outcome = match fix_spelled(
        text,
        packs,
        &spelled,
        &targets.settings,
        options.unsafe_fixes,
    ) {
        Ok(outcome) => outcome,
        Err(err @ CheckError::Syntax(_)) => return failed(describe_check_error(text, &err)),
        Err(err) => return failed(err.to_string()),
    };
    count_breaks_when_raised(text, packs, pins, &targets, &outcome.remaining.findings);
    // Fixes applied that need more than the requirements' floor: raise it.
    for pin in &targets.floored {
        let Some(floor) = targets.settings.floor(&pin.library) else {
            continue;
        };
        let needs_more = outcome.needs.iter().any(|(library, release)| {
            crate::pins::normalize_name(library) == pin.library && floor.release < release.version()
        });
        if needs_more {
            pins.demand_floor(pin);
        }
    }
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
            plan = Some(plan_write(path, &original, &fixed, guard));
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

/// Runs `work` on the calling thread and up to [`WRITER_THREADS`] - 1 more
/// (fewer for fewer `files`), until each returns.
fn on_writer_threads(files: usize, work: impl Fn() + Sync) {
    std::thread::scope(|scope| {
        for i in 1..WRITER_THREADS.min(files) {
            // Too few threads is slower, never wrong: this one works too.
            let _ = std::thread::Builder::new()
                .name(format!("ferry-writer-{i}"))
                .spawn_scoped(scope, &work);
        }
        work();
    });
}

/// The plan to write `fixed` over `path`, which held `original`. The guard
/// (absent when the run may write into files with uncommitted changes)
/// learns of it here, with the bytes that must be committed: the file is
/// written only if it still holds them.
fn plan_write(path: &Path, original: &[u8], fixed: &[u8], guard: Option<&Guard>) -> Planned {
    if let Some(guard) = guard {
        guard.check(path, original);
    }
    Planned::new(original, fixed)
}

/// A requirement file's pin bump: applied only with unsafe fixes, like
/// every unsafe fix.
fn plan_bump(
    bump: &PinBump,
    options: FixOptions,
    guard: Option<&Guard>,
) -> (FileFix, Option<Planned>) {
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
    let plan = (options.mode == FixMode::Write).then(|| {
        plan_write(
            &bump.path,
            bump.original.as_bytes(),
            fixed.as_bytes(),
            guard,
        )
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_plan_holds_the_changed_lines_only() {
        let original = b"import websockets\n\nx = 1\n\nasync def main(uri, h):\n    return await websockets.connect(uri, extra_headers=h)\n";
        let fixed = b"import websockets\n\nx = 1\n\nasync def main(uri, h):\n    return await websockets.connect(uri, additional_headers=h)\n";
        let plan = Planned::new(original, fixed);
        assert_eq!(plan.changes.len(), 1);
        let last_line =
            original.len() - b"    return await websockets.connect(uri, extra_headers=h)\n".len();
        let (range, replacement_end) = &plan.changes[0];
        assert_eq!(*range, last_line..original.len());
        assert_eq!(*replacement_end, plan.replacements.len());
        assert_eq!(&*plan.replacements, &fixed[last_line..]);
        assert_eq!(plan.rebuild(original).unwrap(), fixed);
        // A file changed since it was read is not rebuilt.
        assert_eq!(
            plan.rebuild(b"import websockets\n"),
            Err(WriteError::ChangedOnDisk)
        );
    }

    proptest! {
        /// Whatever the lines, their breaks (`\n`, `\r\n`, `\r` alone, none
        /// at the end) and the edits, the rebuilt bytes are the fixed ones.
        #[test]
        fn rebuilding_gives_the_fixed_bytes(
            original in proptest::collection::vec(
                prop_oneof!["a", "b", "x = 1", "\n", "\r\n", "\r", "é"],
                0..40,
            ),
            edits in proptest::collection::vec((0usize..40, 0usize..3, "[ab\n]{0,3}"), 0..5),
        ) {
            let original = original.concat().into_bytes();
            let mut fixed = original.clone();
            for (at, removed, inserted) in edits {
                let at = at.min(fixed.len());
                let end = (at + removed).min(fixed.len());
                fixed.splice(at..end, inserted.into_bytes());
            }
            let plan = Planned::new(&original, &fixed);
            prop_assert_eq!(plan.rebuild(&original).unwrap(), fixed);
        }
    }
}
