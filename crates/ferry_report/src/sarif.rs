//! SARIF 2.1.0, for code-scanning upload: one run whose tool lists every
//! rule with its documentation as help, one result per finding with its
//! location and, when it has one, its fix as replacements. Columns count
//! Unicode code points, as everywhere in Ferry (`columnKind`).

use serde_json::{json, Value};

use crate::completion::RuleInfo;
use crate::model::{FindingReport, PinNote};

/// The schema the document declares (the OASIS errata 01 schema).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A file's findings, or why it could not be checked.
pub struct SarifFile<'a> {
    pub path: &'a str,
    pub findings: &'a [FindingReport],
    pub error: Option<&'a str>,
}

pub fn render_sarif<'a>(
    files: impl IntoIterator<Item = SarifFile<'a>>,
    rules: &[RuleInfo],
    pins: &[PinNote],
    tool_version: &str,
) -> String {
    let rule_index = |code: &str| rules.iter().position(|r| r.code == code);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in files {
        if let Some(error) = file.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {error}", file.path) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(file.path) } }],
            }));
        }
        for finding in file.findings {
            let mut result = json!({
                "ruleId": finding.code,
                "level": "error",
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(file.path),
                        "region": region(finding.line, finding.column, finding.end_line, finding.end_column),
                    }
                }],
            });
            if let Some(index) = rule_index(finding.code) {
                result["ruleIndex"] = json!(index);
            }
            if !finding.edits.is_empty() {
                let replacements: Vec<Value> = finding
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": region(edit.line, edit.column, edit.end_line, edit.end_column),
                            "insertedContent": { "text": edit.content },
                        })
                    })
                    .collect();
                let title = finding.fix_title.as_deref().unwrap_or("Apply Ferry's fix");
                let safety = if finding.fix == "unsafe" {
                    " (unsafe: applied by `ferry fix --unsafe-fixes`; review it)"
                } else {
                    ""
                };
                result["fixes"] = json!([{
                    "description": { "text": format!("{title}{safety}") },
                    "artifactChanges": [{
                        "artifactLocation": artifact(file.path),
                        "replacements": replacements,
                    }],
                }]);
            }
            results.push(result);
        }
    }
    for pin in pins {
        notifications.push(json!({
            "level": "note",
            "message": { "text": pin.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact(&pin.file),
                    "region": { "startLine": pin.line },
                }
            }],
        }));
    }
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.doc, "markdown": rule.doc },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": [rule.pack] },
            })
        })
        .collect();
    let document = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ferry",
                    "version": tool_version,
                    "semanticVersion": tool_version,
                    "rules": driver_rules,
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.iter().all(|n| n["level"] != "error"),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&document).expect("plain data");
    out.push('\n');
    out
}

fn artifact(path: &str) -> Value {
    json!({ "uri": uri(path), "uriBaseId": "%SRCROOT%" })
}

fn region(line: u32, column: u32, end_line: u32, end_column: u32) -> Value {
    json!({
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// A relative path as a URI reference: unreserved characters and `/` stay,
/// everything else is percent-encoded (UTF-8).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("app/client.py"), "app/client.py");
        assert_eq!(uri("my app/ü.py"), "my%20app/%C3%BC.py");
        assert_eq!(uri("a#b?.py"), "a%23b%3F.py");
    }
}
