//! What a run found, file by file, and how it is shown.
//!
//! The model here is plain data with positions already resolved to 1-based
//! lines and character columns, so rendering needs no source text. The JSON
//! rendering is a contract scripts rely on: its shape is documented in
//! `docs/json-output.md` and carries a `version`; fields are only ever added.

mod model;
mod text;

pub use model::{
    FileReport, FindingReport, MentionReport, PinNote, Position, ScanReport, Summary, JSON_VERSION,
};
pub use text::{render_text, TextOptions};

/// Renders the report as one JSON document (see `docs/json-output.md`).
pub fn render_json(report: &ScanReport) -> String {
    let mut out = serde_json::to_string_pretty(report).expect("the report is plain data");
    out.push('\n');
    out
}
