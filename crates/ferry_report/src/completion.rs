//! The completion report: one row per file that uses or mentions a pack's
//! names, with its phase, what was changed and what is left; everything else
//! (the summary, per-phase progress, risks, next steps) is computed from the
//! rows, so the numbers always add up.

use std::collections::BTreeMap;

use ferry_engine::FileStatus;
use serde::Serialize;

use crate::model::{FindingReport, PinNote};

/// A rule as reports explain it (risks, SARIF rule metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub pack: String,
    /// One sentence.
    pub summary: String,
    /// The rule's documentation, Markdown.
    pub doc: String,
}

/// A phase as reports show it; the last one is `unphased`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportPhase {
    pub name: String,
    pub impact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub paths: Vec<String>,
}

/// A file's state in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowStatus {
    /// Could not be read, decoded or parsed.
    Error,
    /// Items a human must decide are left.
    NeedsReview,
    /// Fixes are left to apply (`ferry fix`, or with `--unsafe-fixes`).
    ToFix,
    /// Changes were applied and nothing is left.
    Fixed,
    /// The pack's words appear only in comments, strings or docstrings.
    MentionsOnly,
    /// The names are used, but not the affected API (another library, the
    /// legacy client kept on purpose, the project's own names).
    NotAffected,
}

impl RowStatus {
    /// As the Markdown and text reports print it.
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Error => "ERROR",
            RowStatus::NeedsReview => "NEEDS REVIEW",
            RowStatus::ToFix => "TO FIX",
            RowStatus::Fixed => "FIXED",
            RowStatus::MentionsOnly => "NO CHANGES NEEDED – mentions only",
            RowStatus::NotAffected => "NO CHANGES NEEDED – not affected",
        }
    }

    /// As JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Error => "error",
            RowStatus::NeedsReview => "needs-review",
            RowStatus::ToFix => "to-fix",
            RowStatus::Fixed => "fixed",
            RowStatus::MentionsOnly => "mentions-only",
            RowStatus::NotAffected => "not-affected",
        }
    }

    /// Something is left to do in the file (an error, review items, fixes).
    pub fn is_remaining(self) -> bool {
        matches!(
            self,
            RowStatus::Error | RowStatus::NeedsReview | RowStatus::ToFix
        )
    }

    /// The file needed no change: it only mentions the names, or uses them
    /// in code that is not affected.
    pub fn needs_no_change(self) -> bool {
        matches!(self, RowStatus::MentionsOnly | RowStatus::NotAffected)
    }
}

/// One file of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRow {
    pub path: String,
    /// Index into [`CompletionReport::phases`].
    pub phase: usize,
    /// Changes applied, by rule code.
    pub applied: BTreeMap<String, usize>,
    /// What is left, positions in the current text.
    pub remaining: Vec<FindingReport>,
    /// Mentions in comments, strings and docstrings.
    pub mentions: usize,
    /// Uses of the names in code that is not affected.
    pub unaffected: usize,
    pub error: Option<String>,
}

impl CompletionRow {
    /// The scan's status ([`FileStatus::classify`], the one definition),
    /// with a file whose changes were applied and that has nothing left
    /// `fixed`, and a clean file `not-affected`.
    pub fn status(&self) -> RowStatus {
        if self.error.is_some() {
            return RowStatus::Error;
        }
        let review = self.count_remaining("none");
        let status = FileStatus::classify(
            review,
            self.remaining.len() - review,
            self.mentions,
            self.unaffected,
        );
        match status {
            FileStatus::Error => RowStatus::Error,
            FileStatus::NeedsReview => RowStatus::NeedsReview,
            FileStatus::Fixable => RowStatus::ToFix,
            _ if self.applied_count() > 0 => RowStatus::Fixed,
            FileStatus::MentionsOnly => RowStatus::MentionsOnly,
            FileStatus::Clean => RowStatus::NotAffected,
        }
    }

    pub fn applied_count(&self) -> usize {
        self.applied.values().sum()
    }

    fn count_remaining(&self, fix: &str) -> usize {
        self.remaining.iter().filter(|f| f.fix == fix).count()
    }
}

/// What "changes applied" is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// Only the tree as it is: nothing counts as applied.
    Current,
    /// `--since REV`: findings resolved since that revision.
    Since { rev: String, commit: String },
    /// `ferry fix --report`: the fixes this run applied.
    FixRun,
}

/// How a file fared under the project's Python (when verification ran).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedFile {
    pub path: String,
    pub passed: bool,
    /// Tests pytest collected, for test files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<usize>,
    /// The same before the fix (`fix --verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests_before: Option<usize>,
    /// Why it failed, one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The verification section of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The interpreter, e.g. `Python 3.11.7 (.venv/bin/python)`.
    pub python: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pytest: Option<String>,
    pub files: Vec<VerifiedFile>,
}

impl Verification {
    pub fn failed(&self) -> usize {
        self.files.iter().filter(|f| !f.passed).count()
    }

    pub fn tests(&self) -> usize {
        self.files.iter().filter_map(|f| f.tests).sum()
    }
}

/// The project's own tests, from the last run recorded (`ferry verify
/// --tests`), beside the phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestResults {
    /// The run's id under `.ferry/runs/`.
    pub run: String,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
    /// The run it is compared with, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    /// Failed before, passed in this run.
    pub fixed: usize,
    /// Passed before, failing in this run.
    pub broken: Vec<String>,
    /// Per phase (by index into the report's phases), the tests of its files.
    pub by_phase: Vec<PhaseTests>,
}

/// The tests of one phase's files in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PhaseTests {
    #[serde(skip)]
    pub phase: usize,
    pub passed: usize,
    pub failed: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionReport {
    /// The project folder, as shown.
    pub project: String,
    /// The configuration file, as shown.
    pub config: Option<String>,
    pub baseline: Baseline,
    /// `library version` pairs the files were checked against, e.g.
    /// `websockets 15.0.1`; a library without an explicit target is checked
    /// against what each file's project pins, else the newest release.
    pub targets: Vec<String>,
    /// Python files looked at (rows are only the ones with something to say).
    pub files_scanned: usize,
    pub phases: Vec<ReportPhase>,
    /// Sorted by phase, then path.
    pub rows: Vec<CompletionRow>,
    /// Every rule of the packs that ran.
    pub rules: Vec<RuleInfo>,
    pub pins: Vec<PinNote>,
    pub verification: Option<Verification>,
    /// The last recorded run of the project's own tests, if any.
    pub tests: Option<TestResults>,
    /// Appended to suggested commands (e.g. ` examples/chat-service`), so
    /// they run on the same files from the same folder.
    pub command_suffix: String,
}

/// Counts computed from the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CompletionSummary {
    pub files_scanned: usize,
    /// Rows of the table.
    pub files_processed: usize,
    pub files_fixed: usize,
    pub files_need_review: usize,
    pub files_to_fix: usize,
    pub files_mentions_only: usize,
    pub files_not_affected: usize,
    pub files_error: usize,
    pub changes_applied: usize,
    pub changes_by_rule: BTreeMap<String, usize>,
    /// Review items left (no fix: a human decides).
    pub review_items: usize,
    pub safe_fixes_left: usize,
    pub unsafe_fixes_left: usize,
}

/// One phase's progress, computed from its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseProgress {
    pub name: String,
    pub impact: String,
    pub files: usize,
    /// Files fixed: changes applied, nothing left.
    pub done: usize,
    /// Files with something left (review, fixes, errors).
    pub remaining: usize,
    /// Files that needed no change (mentions only, not affected); `files` is
    /// `done + remaining + no_change_needed`.
    pub no_change_needed: usize,
    pub changes_applied: usize,
    pub review_items: usize,
    pub safe_fixes_left: usize,
    pub unsafe_fixes_left: usize,
    pub errors: usize,
    /// `done`, `in progress`, `not started` or `nothing to do`.
    pub state: &'static str,
}

/// The review items of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskGroup {
    pub code: String,
    pub name: String,
    pub items: Vec<RiskItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskItem {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Something to do next: a command, or a task for a human.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

impl CompletionReport {
    pub fn summary(&self) -> CompletionSummary {
        let mut summary = CompletionSummary {
            files_scanned: self.files_scanned,
            files_processed: self.rows.len(),
            ..CompletionSummary::default()
        };
        for row in &self.rows {
            match row.status() {
                RowStatus::Error => summary.files_error += 1,
                RowStatus::NeedsReview => summary.files_need_review += 1,
                RowStatus::ToFix => summary.files_to_fix += 1,
                RowStatus::Fixed => summary.files_fixed += 1,
                RowStatus::MentionsOnly => summary.files_mentions_only += 1,
                RowStatus::NotAffected => summary.files_not_affected += 1,
            }
            for (code, count) in &row.applied {
                summary.changes_applied += count;
                *summary.changes_by_rule.entry(code.clone()).or_default() += count;
            }
            summary.review_items += row.count_remaining("none");
            summary.safe_fixes_left += row.count_remaining("safe");
            summary.unsafe_fixes_left += row.count_remaining("unsafe");
        }
        summary
    }

    /// Every phase in order, with its counts; `unphased` only when it has files.
    pub fn progress(&self) -> Vec<PhaseProgress> {
        let last = self.phases.len().saturating_sub(1);
        self.phases
            .iter()
            .enumerate()
            .filter_map(|(index, phase)| {
                let rows: Vec<&CompletionRow> =
                    self.rows.iter().filter(|r| r.phase == index).collect();
                if index == last && rows.is_empty() {
                    return None;
                }
                let count =
                    |keep: fn(RowStatus) -> bool| rows.iter().filter(|r| keep(r.status())).count();
                let done = count(|s| s == RowStatus::Fixed);
                let remaining = count(RowStatus::is_remaining);
                let no_change_needed = count(RowStatus::needs_no_change);
                let changes_applied = rows.iter().map(|r| r.applied_count()).sum::<usize>();
                let state = if remaining == 0 && done == 0 {
                    "nothing to do"
                } else if remaining == 0 {
                    "done"
                } else if changes_applied > 0 {
                    "in progress"
                } else {
                    "not started"
                };
                Some(PhaseProgress {
                    name: phase.name.clone(),
                    impact: phase.impact.clone(),
                    files: rows.len(),
                    done,
                    remaining,
                    no_change_needed,
                    changes_applied,
                    review_items: rows.iter().map(|r| r.count_remaining("none")).sum(),
                    safe_fixes_left: rows.iter().map(|r| r.count_remaining("safe")).sum(),
                    unsafe_fixes_left: rows.iter().map(|r| r.count_remaining("unsafe")).sum(),
                    errors: rows
                        .iter()
                        .filter(|r| r.status() == RowStatus::Error)
                        .count(),
                    state,
                })
            })
            .collect()
    }

    /// The review items left, grouped by rule (sorted by code), each group
    /// sorted by path and position.
    pub fn risks(&self) -> Vec<RiskGroup> {
        let mut groups: BTreeMap<&str, Vec<RiskItem>> = BTreeMap::new();
        for row in &self.rows {
            for finding in row.remaining.iter().filter(|f| f.fix == "none") {
                groups.entry(finding.code).or_default().push(RiskItem {
                    path: row.path.clone(),
                    line: finding.line,
                    column: finding.column,
                    message: finding.message.clone(),
                });
            }
        }
        groups
            .into_iter()
            .map(|(code, mut items)| {
                items.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
                RiskGroup {
                    code: code.to_string(),
                    name: self.rule_name(code).to_string(),
                    items,
                }
            })
            .collect()
    }

    pub fn rule_name(&self, code: &str) -> &str {
        self.rules
            .iter()
            .find(|r| r.code == code)
            .map_or("", |r| r.name.as_str())
    }

    /// What to run or decide next, phase by phase in order.
    pub fn next_steps(&self) -> Vec<NextStep> {
        let suffix = &self.command_suffix;
        let mut steps = Vec::new();
        for phase in self.progress() {
            if phase.remaining == 0 {
                continue;
            }
            let name = &phase.name;
            let step = |what: String, command: Option<String>| NextStep {
                phase: Some(name.clone()),
                what,
                command,
            };
            if phase.errors > 0 {
                steps.push(step(
                    format!(
                        "Make {} readable and parsable again (see the table); Ferry cannot check them",
                        count(phase.errors, "file")
                    ),
                    None,
                ));
            }
            if phase.safe_fixes_left > 0 {
                steps.push(step(
                    format!("Apply {}", count(phase.safe_fixes_left, "safe fix")),
                    Some(format!("ferry fix --phase {name}{suffix}")),
                ));
            }
            if phase.unsafe_fixes_left > 0 {
                steps.push(step(
                    format!(
                        "Read the diff of the unsafe fixes ({})",
                        phase.unsafe_fixes_left
                    ),
                    Some(format!(
                        "ferry fix --phase {name} --unsafe-fixes --diff{suffix}"
                    )),
                ));
                steps.push(step(
                    "Apply them if the diff is right".to_string(),
                    Some(format!("ferry fix --phase {name} --unsafe-fixes{suffix}")),
                ));
            }
            if phase.review_items > 0 {
                steps.push(step(
                    format!(
                        "Resolve {} by hand (each says what to do)",
                        count(phase.review_items, "review item")
                    ),
                    None,
                ));
            }
            steps.push(step(
                "Check the phase with the project's Python".to_string(),
                Some(format!("ferry verify --phase {name}{suffix}")),
            ));
        }
        if steps.is_empty() {
            steps.push(NextStep {
                phase: None,
                what: "Nothing is left to change: check the result with the project's Python"
                    .to_string(),
                command: Some(format!("ferry verify{suffix}")),
            });
        }
        steps
    }
}

/// `n noun`, with the noun in the plural unless n is 1.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if noun.ends_with('x') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

impl Serialize for CompletionRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("CompletionRow", 8)?;
        state.serialize_field("path", &self.path)?;
        state.serialize_field("status", self.status().as_str())?;
        state.serialize_field("changes_applied", &self.applied_count())?;
        state.serialize_field("applied_by_rule", &self.applied)?;
        state.serialize_field("remaining", &self.remaining)?;
        state.serialize_field("mentions", &self.mentions)?;
        state.serialize_field("unaffected", &self.unaffected)?;
        if let Some(error) = &self.error {
            state.serialize_field("error", error)?;
        }
        state.end()
    }
}

/// The JSON document of `ferry report --format json`.
impl Serialize for CompletionReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        #[derive(Serialize)]
        struct Row<'a> {
            phase: &'a str,
            impact: &'a str,
            #[serde(flatten)]
            row: &'a CompletionRow,
        }

        let baseline = match &self.baseline {
            Baseline::Current => serde_json::json!({ "kind": "current" }),
            Baseline::Since { rev, commit } => {
                serde_json::json!({ "kind": "since", "rev": rev, "commit": commit })
            }
            Baseline::FixRun => serde_json::json!({ "kind": "fix-run" }),
        };
        let rows: Vec<Row<'_>> = self
            .rows
            .iter()
            .map(|row| Row {
                phase: &self.phases[row.phase].name,
                impact: &self.phases[row.phase].impact,
                row,
            })
            .collect();
        let mut state = serializer.serialize_struct("CompletionReport", 15)?;
        state.serialize_field("version", &crate::JSON_VERSION)?;
        state.serialize_field("project", &self.project)?;
        state.serialize_field("config", &self.config)?;
        state.serialize_field("baseline", &baseline)?;
        state.serialize_field("targets", &self.targets)?;
        state.serialize_field("phases", &self.phases)?;
        state.serialize_field("files", &rows)?;
        state.serialize_field("summary", &self.summary())?;
        state.serialize_field("progress", &self.progress())?;
        state.serialize_field("risks", &self.risks())?;
        state.serialize_field("next_steps", &self.next_steps())?;
        state.serialize_field("pins", &self.pins)?;
        state.serialize_field("verification", &self.verification)?;
        let tests = self.tests.as_ref().map(|tests| {
            let by_phase: Vec<serde_json::Value> = tests
                .by_phase
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "phase": self.phases.get(p.phase).map(|ph| ph.name.as_str()),
                        "passed": p.passed,
                        "failed": p.failed,
                    })
                })
                .collect();
            serde_json::json!({
                "run": tests.run,
                "passed": tests.passed,
                "failed": tests.failed,
                "errors": tests.errors,
                "skipped": tests.skipped,
                "compared_with": tests.compared_with,
                "fixed": tests.fixed,
                "broken": tests.broken,
                "by_phase": by_phase,
            })
        });
        state.serialize_field("tests", &tests)?;
        state.end()
    }
}
