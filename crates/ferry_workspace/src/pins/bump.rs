//! The pin bump: when the user migrates to a release (`--target
//! websockets==15.0.1`) that the project's own requirement excludes, the
//! code fixes alone do not help — the installed library stays the old one.
//! The requirement gets a finding that names the clauses excluding the
//! target. When upper bounds alone hold the library below its breaking
//! release, the finding has an unsafe fix that rewrites only the specifier
//! (extras, markers, comments and line endings stay byte for byte) where
//! Ferry can do that exactly: `requirements*.txt` lines and the strings of
//! `pyproject.toml`. A lower bound or an exclusion that rejects the target,
//! other files, and locks get the finding with the reason there is no fix.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use ferry_engine::{FileStatus, Settings, Version};
use ferry_python::{LineIndex, TextSize};
use ferry_report::{EditReport, FileReport, FindingReport};

use super::specifier::Exclusion;
use super::{FolderPin, PinResolver, Requirement, SourceKind};

/// One finding of a pin bump, with its replacement when it has a fix.
#[derive(Debug, Clone)]
pub struct BumpFinding {
    /// The pack's code for it (`WS900`).
    pub code: &'static str,
    /// What the finding points at; with a fix, exactly the bytes replaced.
    pub span: Range<usize>,
    pub message: String,
    /// The new specifier and the fix title.
    pub fix: Option<(String, String)>,
}

/// The pin bump findings of one requirement file.
#[derive(Debug, Clone)]
pub struct PinBump {
    pub path: PathBuf,
    /// As shown to the user.
    pub shown: String,
    /// The text the findings were read from.
    pub original: Arc<str>,
    pub findings: Vec<BumpFinding>,
}

impl PinBump {
    /// The file as `ferry scan` reports it.
    pub fn report(&self) -> FileReport {
        report(
            &self.shown,
            &self.original,
            self.findings.iter().map(|f| (f, f.span.clone())),
        )
    }

    /// Applies every fix: the new text, how many were applied, and the
    /// findings left (without a fix), positioned in the new text.
    pub fn fixed(&self) -> (String, BTreeMap<&'static str, usize>, FileReport) {
        let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut edits: Vec<(&Range<usize>, &str)> = Vec::new();
        for finding in &self.findings {
            if let Some((new, _)) = &finding.fix {
                edits.push((&finding.span, new.as_str()));
                *applied.entry(finding.code).or_default() += 1;
            }
        }
        edits.sort_by_key(|(span, _)| span.start);
        let mut text = String::with_capacity(self.original.len());
        let mut at = 0;
        for (span, new) in &edits {
            text.push_str(&self.original[at..span.start]);
            text.push_str(new);
            at = span.end;
        }
        text.push_str(&self.original[at..]);
        let shift = |offset: usize| -> usize {
            let delta: isize = edits
                .iter()
                .filter(|(span, _)| span.end <= offset)
                .map(|(span, new)| new.len() as isize - span.len() as isize)
                .sum();
            offset.saturating_add_signed(delta)
        };
        let left = self
            .findings
            .iter()
            .filter(|f| f.fix.is_none())
            .map(|f| (f, shift(f.span.start)..shift(f.span.end)));
        let remaining = report(&self.shown, &text, left);
        (text, applied, remaining)
    }
}

fn report<'f>(
    shown: &str,
    text: &str,
    findings: impl Iterator<Item = (&'f BumpFinding, Range<usize>)>,
) -> FileReport {
    let index = LineIndex::from_source(text);
    let at = |offset: usize| index.location(text, TextSize::new(offset as u32));
    let findings: Vec<FindingReport> = findings
        .map(|(finding, span)| {
            let (start, end) = (at(span.start), at(span.end));
            FindingReport {
                code: finding.code,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: finding.message.clone(),
                source_line: FindingReport::shown_line(
                    index.line_text(text, start.line as usize - 1),
                ),
                fix: if finding.fix.is_some() {
                    "unsafe"
                } else {
                    "none"
                },
                fix_title: finding.fix.as_ref().map(|(_, title)| title.clone()),
                // With a fix, the span is exactly the bytes replaced.
                edits: finding
                    .fix
                    .iter()
                    .map(|(new, _)| EditReport {
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        content: new.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let review = findings.iter().filter(|f| f.fix == "none").count();
    FileReport {
        path: shown.to_string(),
        // The one definition: a bump Ferry can write is `fixable` (with
        // --unsafe-fixes), one it cannot a review item.
        status: FileStatus::classify(review, findings.len() - review, 0, 0),
        findings,
        mentions: Vec::new(),
        unaffected: Vec::new(),
        suppressed: Vec::new(),
        error: None,
    }
}

/// The pin bumps for folder pins and the targets they must allow: the
/// run's explicit targets, or the release a file's code needs.
pub(super) fn plan<'p>(
    pins: impl Iterator<Item = (&'p Arc<FolderPin>, Version, bool)>,
    settings: &Settings,
    resolver: &PinResolver,
    cwd: &std::path::Path,
) -> Vec<PinBump> {
    let mut by_file: std::collections::BTreeMap<PathBuf, Vec<BumpFinding>> = Default::default();
    let mut seen = std::collections::HashSet::new();
    for (pin, target, raise_floor) in pins {
        let target = &target;
        let Some(migration) = &pin.migration else {
            continue;
        };
        if *target < migration.breaking_since.version()
            || !settings.selection.is_enabled(migration.pin_bump.code, true)
        {
            continue;
        }
        for requirement in &pin.requirements {
            if !seen.insert((requirement.file.clone(), requirement.span.start)) {
                continue;
            }
            if let Some(finding) = bump_finding(requirement, target, migration, raise_floor) {
                by_file
                    .entry(requirement.file.clone())
                    .or_default()
                    .push(finding);
            }
        }
    }
    by_file
        .into_iter()
        .filter_map(|(path, mut findings)| {
            let original = resolver.text_of(&path)?;
            findings.sort_by_key(|f| f.span.start);
            Some(PinBump {
                shown: crate::display_path(&path, cwd),
                path,
                original,
                findings,
            })
        })
        .collect()
}

fn bump_finding(
    requirement: &Requirement,
    target: &Version,
    migration: &ferry_engine::Migration,
    raise_floor: bool,
) -> Option<BumpFinding> {
    let library = &requirement.library;
    if let Some(locked) = &requirement.locked {
        if *locked >= migration.breaking_since.version() {
            return None;
        }
        let file = requirement
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let update = match file.as_str() {
            "poetry.lock" => format!("`poetry update {library}`"),
            "Pipfile.lock" => format!("`pipenv update {library}`"),
            _ => format!("`uv lock --upgrade-package {library}`"),
        };
        return Some(BumpFinding {
            code: migration.pin_bump.code,
            span: requirement.span.clone(),
            message: format!(
                "`{file}` locks {library} {locked}, below the target {target} and below {} ({}); after raising the requirement, run {update} (Ferry does not edit lock files)",
                migration.breaking_since.spoken(), migration.below_means
            ),
            fix: None,
        });
    }
    let specifiers = requirement.specifiers.as_ref()?;
    if specifiers.allows(&target.to_string()) != Some(false) {
        return raise_floor
            .then(|| floor_finding(requirement, specifiers, target, migration))
            .flatten();
    }
    let excluding = specifiers.clauses_excluding(target);
    let held_back = specifiers
        .highest_below(&migration.breaking_since.version())
        .is_some();
    let clauses = |how: Exclusion| {
        let quoted: Vec<String> = excluding
            .iter()
            .filter(|(_, h)| *h == how)
            .map(|(written, _)| format!("`{written}`"))
            .collect();
        (!quoted.is_empty()).then(|| quoted.join(", "))
    };
    let mut reasons = Vec::new();
    if let Some(below) = clauses(Exclusion::Below) {
        reasons.push(format!("{below} allows only releases below the target"));
    }
    if let Some(above) = clauses(Exclusion::Above) {
        reasons.push(format!("{above} allows only releases above the target"));
    }
    if let Some(hole) = clauses(Exclusion::Hole) {
        reasons.push(format!("{hole} rules the target out"));
    }
    let mut message = format!(
        "`{}` excludes the target {library} {target} ({})",
        requirement.text,
        reasons.join("; ")
    );
    if held_back {
        message.push_str(&format!(
            "; the requirement keeps {library} below {}, so {}",
            migration.breaking_since.spoken(),
            migration.below_means
        ));
    }
    // Only a requirement that holds the library below the breaking
    // release, and only by its upper bounds, is raised: lowering a bound
    // or dropping an exclusion undoes a decision Ferry knows nothing of.
    let floor: Version = migration.recommended_floor.parse().ok()?;
    let floor = if *target < floor {
        target.clone()
    } else {
        floor
    };
    let raised = held_back
        .then(|| specifiers.raised(&floor, target))
        .flatten();
    let Some(raised) = raised else {
        return Some(BumpFinding {
            code: migration.pin_bump.code,
            span: requirement.span.clone(),
            message: format!(
                "{message}; run with a --target it allows, or change the requirement by hand"
            ),
            fix: None,
        });
    };
    let message = format!("{message}; raise the requirement to `{library}{raised}`");
    Some(raise_to(requirement, migration, message, raised))
}

/// A requirement that allows the target but also releases older than the
/// fixes applied under it need: its lower bound raised to the recommended
/// floor (`>=10.3` → `>=14.2`, `>=10.3,<16` → `>=14.2,<16`).
fn floor_finding(
    requirement: &Requirement,
    specifiers: &super::specifier::SpecifierSet,
    target: &Version,
    migration: &ferry_engine::Migration,
) -> Option<BumpFinding> {
    let library = &requirement.library;
    let floor: Version = migration.recommended_floor.parse().ok()?;
    if specifiers.lowest().is_some_and(|lowest| lowest >= floor) {
        return None;
    }
    let raised = specifiers.raised(&floor, target)?;
    let message = format!(
        "`{}` allows {library} releases older than {floor}, on which the migrated code fails (the fixes applied under it need the new API); raise the requirement to `{library}{raised}`",
        requirement.text
    );
    Some(raise_to(requirement, migration, message, raised))
}

/// The finding that raises `requirement` to `raised`: a rewrite of its
/// specifier where Ferry can replace it exactly, else the same by hand.
fn raise_to(
    requirement: &Requirement,
    migration: &ferry_engine::Migration,
    message: String,
    raised: String,
) -> BumpFinding {
    let library = &requirement.library;
    let rewritable = matches!(
        requirement.kind,
        SourceKind::RequirementsTxt | SourceKind::Pep621 | SourceKind::Poetry
    );
    match (&requirement.rewritable, rewritable) {
        (Some(span), true) => BumpFinding {
            code: migration.pin_bump.code,
            span: span.clone(),
            message,
            fix: Some((
                raised.clone(),
                format!("Raise the requirement to `{library}{raised}`"),
            )),
        },
        _ => BumpFinding {
            code: migration.pin_bump.code,
            span: requirement.span.clone(),
            message: format!("{message} by hand ({})", why_no_fix(requirement.kind)),
            fix: None,
        },
    }
}

fn why_no_fix(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::SetupCfg => "Ferry rewrites requirements*.txt lines and pyproject.toml strings only, not setup.cfg",
        SourceKind::SetupPy => "Ferry never rewrites setup.py, which is code",
        SourceKind::Pipfile => "Ferry rewrites requirements*.txt lines and pyproject.toml strings only, not Pipfile; run `pipenv lock` afterwards",
        SourceKind::RequirementsTxt | SourceKind::Pep621 | SourceKind::Poetry => {
            "its specifier is split over lines or written with escapes, so Ferry cannot replace it exactly"
        }
        SourceKind::Lock => "Ferry does not edit lock files",
        SourceKind::PythonVersion => "Ferry does not edit .python-version: name the new interpreter there",
        SourceKind::ToxIni => "Ferry does not edit tox.ini: add the new interpreter's environment to envlist",
    }
}
