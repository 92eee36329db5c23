//! What a run found, file by file, and how it is shown.
//!
//! The model here is plain data with positions already resolved to 1-based
//! lines and character columns, and each finding's line of source, so
//! rendering never reads a file. The JSON
//! rendering is a contract scripts rely on: its shape is documented in
//! `docs/json-output.md` and carries a `version`; fields are only ever added.

mod completion;
mod github;
mod markdown;
mod model;
mod sarif;
mod text;

pub use completion::{
    count, Baseline, CompletionReport, CompletionRow, CompletionSummary, NextStep, PhaseProgress,
    PhaseTests, ReportPhase, RiskGroup, RiskItem, RowStatus, RuleInfo, TestResults, Verification,
    VerifiedFile,
};
pub use github::write_github;
pub use markdown::render_markdown;
pub use model::{
    EditReport, FileReport, FindingReport, MentionReport, PinNote, Position, ScanReport, Summary,
    JSON_VERSION,
};
pub use sarif::{render_sarif, SarifFile, SARIF_SCHEMA};
pub use text::{render_completion_text, write_findings, write_text, TextOptions};

/// Renders a report as one JSON document (see `docs/json-output.md`).
pub fn render_json(report: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    write_json(&mut out, report).expect("writing to memory does not fail");
    String::from_utf8(out).expect("JSON is text")
}

/// [`render_json`] written as it is serialized.
pub fn write_json(
    out: &mut dyn std::io::Write,
    report: &impl serde::Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
