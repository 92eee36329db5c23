//! Running the engine over many files at once, each with the targets its
//! project pins (see `pins`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ferry_engine::{
    check_source, check_spelled, CheckError, FileCheck, FileStatus, Pack, Prefilter, Settings,
    Spelled,
};
use ferry_python::{decode, LineIndex, SourceLocation, TextSize};
use ferry_report::{EditReport, FileReport, FindingReport, MentionReport, Position, ScanReport};

use crate::discover::{sort_by_path, Files};
use crate::pins::{normalize_name, FileTargets, PinBump, RunPins};
use crate::progress::{NoProgress, Progress};
use crate::read::read_candidate;

/// How a scan runs.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Skip files whose bytes contain none of the packs' words (the default).
    /// Off, every file is decoded and parsed: slower, and it reports syntax
    /// errors in files that could never have a finding.
    pub prefilter: bool,
    /// Read the project's requirements: a library without a `--target` gets
    /// the version pinned above each file, and an explicit target the
    /// requirements exclude gets a pin bump finding (the default). Off,
    /// every file gets the settings' targets as they are.
    pub project_pins: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            prefilter: true,
            project_pins: true,
        }
    }
}

/// Scans `files` on all cores. Only files worth showing are kept, so memory
/// grows with the findings, not with the tree (given a [`crate::Walk`], not
/// even the list of paths is held).
pub fn scan<F: Files + ?Sized>(
    files: &F,
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
    options: ScanOptions,
) -> ScanReport {
    scan_with_progress(files, packs, settings, cwd, options, &NoProgress)
}

/// [`scan`], telling `progress` of each file done.
pub fn scan_with_progress<F: Files + ?Sized>(
    files: &F,
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
    options: ScanOptions,
    progress: &dyn Progress,
) -> ScanReport {
    let words = Prefilter::for_selection(packs, &settings.selection);
    let pins = RunPins::new(settings, packs, cwd, options.project_pins);
    progress.start(files.count_hint(), "scanning");
    let kept: Mutex<Vec<(PathBuf, FileReport)>> = Mutex::new(Vec::new());
    let count = files.for_each_file(&|path| {
        let report = scan_file(path, packs, &pins, &words, options.prefilter, cwd, progress);
        if let Some(report) = report {
            let mut kept = kept.lock().expect("no panics while locked");
            kept.push((path.to_path_buf(), report));
        }
        progress.advance();
    });
    progress.finish();
    let mut kept = kept.into_inner().expect("no panics while locked");
    sort_by_path(&mut kept, |(path, _)| path);
    let mut reports: Vec<FileReport> = kept.into_iter().map(|(_, report)| report).collect();
    let bumps: Vec<FileReport> = pins.bumps().iter().map(PinBump::report).collect();
    let files_scanned = count + bumps.len();
    reports.extend(bumps);
    ScanReport::new(reports, files_scanned).with_pins(pins.notes())
}

/// Scans one file; `None` means clean. Without `prefilter`, a file without
/// the packs' `words` is parsed too, for its syntax errors alone.
fn scan_file(
    path: &Path,
    packs: &[&Pack],
    pins: &RunPins<'_>,
    words: &Prefilter,
    prefilter: bool,
    cwd: &Path,
    progress: &dyn Progress,
) -> Option<FileReport> {
    let read = if prefilter {
        read_candidate(path, words).map(|bytes| bytes.map(|bytes| (bytes, true)))
    } else {
        std::fs::read(path).map(|bytes| {
            let candidate = words.is_candidate(&bytes);
            Some((bytes, candidate))
        })
    };
    let (bytes, candidate) = match read {
        Ok(Some(read)) => read,
        Ok(None) => {
            progress.prefiltered();
            return None;
        }
        Err(err) => {
            let shown = display_path(path, cwd);
            return Some(FileReport::error(shown, format!("cannot read: {err}")));
        }
    };
    let shown = display_path(path, cwd);
    let source = match decode(&bytes) {
        Ok(source) => source,
        Err(err) => return Some(FileReport::error(shown, format!("cannot decode: {err}"))),
    };
    let text = source.text.as_ref();
    // A file that uses a library meets its pins (for the pin bump) even
    // where no rule has words here; a file that does not, never. The same
    // pins are met with the prefilter on or off, and the folders of the
    // other files are not read.
    let spelled = Spelled::in_text(packs, text, &pins.unpinned().settings.selection);
    let spelled_packs = spelled.packs();
    // The words of the packs' rules, which a byte search does not weigh.
    let checked = candidate && spelled.may_report(text);
    let targets = if candidate && !spelled_packs.is_empty() {
        if checked || !prefilter {
            pins.for_file_using(path, Some(&libraries(&spelled_packs)))
        } else {
            // Most files: no rule runs, so only the pins matter.
            pins.meet_using(path, &libraries(&spelled_packs));
            pins.unpinned()
        }
    } else {
        pins.unpinned()
    };
    let candidate = checked;
    if prefilter && !candidate {
        progress.prefiltered();
        return None;
    }
    progress.parsed();
    match check_spelled(text, &spelled, &targets.settings) {
        Ok(check) => {
            count_breaks_when_raised(text, packs, pins, &targets, &check.findings);
            let nothing = check.findings.is_empty()
                && check.mentions.is_empty()
                && check.unaffected.is_empty();
            if nothing {
                // Most files: no line index needed.
                return None;
            }
            let report = to_file_report(shown, text, &check);
            let worth_showing = report.status != FileStatus::Clean || !report.unaffected.is_empty();
            worth_showing.then_some(report)
        }
        Err(err) => Some(FileReport::error(shown, describe_check_error(text, &err))),
    }
}

/// For a file a pin holds back, checks it again at the newest release of
/// each such library and adds its findings to that pin's count; and where
/// `findings` (at the pinned target) say the code needs a newer release,
/// asks for the pin to be raised.
pub(crate) fn count_breaks_when_raised(
    text: &str,
    packs: &[&Pack],
    pins: &RunPins<'_>,
    targets: &FileTargets<'_>,
    findings: &[ferry_engine::Finding],
) {
    for pin in &targets.held_back {
        let pack: Vec<&Pack> = packs
            .iter()
            .copied()
            .filter(|p| normalize_name(p.library) == pin.library)
            .collect();
        if findings
            .iter()
            .any(|f| pack.iter().any(|p| p.demands_newer_release(f.code)))
        {
            pins.demand_newer(pin);
        }
        let mut newest = targets.settings.as_ref().clone();
        newest.targets.remove(&pin.library);
        let breaks = check_source(text, &pack, &newest).map_or(0, |check| check.findings.len());
        pins.count_breaks(pin, breaks);
    }
}

/// Turns a check's offsets into 1-based lines and character columns.
pub fn to_file_report(path: String, text: &str, check: &FileCheck) -> FileReport {
    let index = LineIndex::from_source(text);
    let at = |offset: TextSize| index.location(text, offset);
    let finding_report = |f: &ferry_engine::Finding| {
        let (start, end) = (at(f.range.start()), at(f.range.end()));
        FindingReport {
            code: f.code,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: f.message.clone(),
            source_line: FindingReport::shown_line(index.line_text(text, start.line as usize - 1)),
            fix: f.fix_kind().as_str(),
            fix_title: f.fix.as_ref().map(|fix| fix.title.clone()),
            edits: f
                .fix
                .iter()
                .flat_map(|fix| &fix.edits)
                .map(|edit| {
                    let (start, end) = (at(edit.range.start()), at(edit.range.end()));
                    EditReport {
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        content: edit.content.clone(),
                    }
                })
                .collect(),
        }
    };
    let findings = check.findings.iter().map(finding_report).collect();
    let suppressed = check.suppressed.iter().map(finding_report).collect();
    let mentions = check
        .mentions
        .iter()
        .map(|m| {
            let SourceLocation { line, column } = at(m.range.start());
            MentionReport {
                line,
                column,
                kind: m.kind.as_str(),
                commented_out_code: m.commented_out_code,
            }
        })
        .collect();
    let unaffected = check
        .unaffected
        .iter()
        .map(|range| {
            let SourceLocation { line, column } = at(range.start());
            Position { line, column }
        })
        .collect();
    FileReport {
        path,
        status: check.status(),
        findings,
        mentions,
        unaffected,
        suppressed,
        error: None,
    }
}

/// The libraries of `packs`.
pub(crate) fn libraries<'p>(packs: &[&'p Pack]) -> Vec<&'p str> {
    packs.iter().map(|pack| pack.library).collect()
}

/// The settings a file at `path` is checked with: the run's, with the
/// targets and floors its project's requirements give (for text that is
/// not on disk yet, e.g. an editor's buffer named with `--stdin-filename`).
pub fn settings_for_file(
    path: &Path,
    packs: &[&Pack],
    settings: &Settings,
    cwd: &Path,
) -> Settings {
    let pins = RunPins::new(settings, packs, cwd, true);
    pins.for_file(path).settings.into_owned()
}

/// A check error as a user reads it, with the position of a syntax error.
pub fn describe_check_error(text: &str, err: &CheckError) -> String {
    match err {
        CheckError::Syntax(syntax) => {
            let at = LineIndex::from_source(text).location(text, syntax.range.start());
            format!(
                "syntax error at line {}, column {}: {}",
                at.line, at.column, syntax.message
            )
        }
        other => other.to_string(),
    }
}

/// The path as shown to the user: relative to `cwd` when it is inside it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    shown.to_string_lossy().replace('\\', "/")
}
