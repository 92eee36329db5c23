//! What a run found, file by file, and how it is shown.
//!
//! The model here is plain data with positions already resolved to 1-based
//! lines and character columns, so rendering needs no source text. The JSON
//! rendering is a contract scripts rely on: its shape is documented in
//! `docs/json-output.md` and carries a `version`; fields are only ever added.

mod completion;
mod markdown;
mod model;
mod sarif;
mod text;

pub use completion::{
    count, Baseline, CompletionReport, CompletionRow, CompletionSummary, NextStep, PhaseProgress,
    ReportPhase, RiskGroup, RiskItem, RowStatus, RuleInfo, Verification, VerifiedFile,
};
pub use markdown::render_markdown;
pub use model::{
    EditReport, FileReport, FindingReport, MentionReport, PinNote, Position, ScanReport, Summary,
    JSON_VERSION,
};
pub use sarif::{render_sarif, SarifFile, SARIF_SCHEMA};
pub use text::{render_completion_text, render_text, TextOptions};

/// Renders a report as one JSON document (see `docs/json-output.md`).
pub fn render_json(report: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_string_pretty(report).expect("the report is plain data");
    out.push('\n');
    out
}
