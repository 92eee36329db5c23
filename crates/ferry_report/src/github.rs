//! GitHub Actions workflow commands: one `::error` or `::warning` line per
//! finding, which the runner turns into an annotation on the file and line of
//! the pull request, then the text summary as plain log lines.
//!
//! A finding Ferry can fix (safely or not) is a certain break: `error`. A
//! review item is a place Ferry cannot decide or rewrite on its own:
//! `warning`. A requirement that held files back is a `notice`; a file that
//! could not be checked is an `error` without a line. The exit code does not
//! depend on the format.

use std::io;

use crate::model::ScanReport;
use crate::text::{write_summary, TextOptions};

/// Writes the workflow commands for a scan, then its summary lines.
pub fn write_github(out: &mut dyn io::Write, report: &ScanReport) -> io::Result<()> {
    for file in &report.files {
        if let Some(error) = &file.error {
            writeln!(
                out,
                "::error file={},title={}::{}",
                property(&file.path),
                property("ferry: could not be checked"),
                data(error)
            )?;
        }
        for f in &file.findings {
            let level = if f.fix == "none" { "warning" } else { "error" };
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&file.path),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                property(f.code),
                data(&f.message)
            )?;
        }
    }
    for pin in &report.pins {
        writeln!(
            out,
            "::notice file={},line={},title={}::{}",
            property(&pin.file),
            pin.line,
            property(&format!("{} requirement", pin.library)),
            data(&pin.message)
        )?;
    }
    write_summary(out, report, TextOptions::default(), false)
}

/// The message of a workflow command: `%`, CR and LF are percent-encoded, so
/// a message stays on its one line and a `%` in it is read back as itself.
fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A property value (`file=`, `title=`): as [`data`], and also `:` and `,`,
/// which would otherwise end the properties or the value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use ferry_engine::FileStatus;

    use super::*;
    use crate::model::{FileReport, FindingReport, PinNote};

    fn finding(code: &'static str, fix: &'static str, message: &str) -> FindingReport {
        FindingReport {
            code,
            line: 3,
            column: 5,
            end_line: 4,
            end_column: 9,
            message: message.to_string(),
            fix,
            fix_title: None,
            edits: Vec::new(),
            source_line: None,
        }
    }

    fn render(report: &ScanReport) -> String {
        let mut out = Vec::new();
        write_github(&mut out, report).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        // `%` is encoded first, so an encoded sequence in the text survives as text.
        assert_eq!(data("%0A"), "%250A");
    }

    #[test]
    fn fixable_findings_are_errors_and_review_items_warnings() {
        let mut files = vec![
            FileReport {
                path: "app/a,b:c.py".into(),
                status: FileStatus::NeedsReview,
                findings: vec![
                    finding("WS001", "safe", "rename `extra_headers`: 100%\nsure"),
                    finding("WS030", "unsafe", "moves, maybe"),
                    finding("WS015", "none", "review: this\r\n"),
                ],
                mentions: Vec::new(),
                unaffected: Vec::new(),
                suppressed: Vec::new(),
                error: None,
            },
            FileReport::error("bad.py".into(), "syntax error at line 2, column 7: oops"),
        ];
        files.push(FileReport {
            path: "clean.py".into(),
            status: FileStatus::Clean,
            findings: Vec::new(),
            mentions: Vec::new(),
            unaffected: vec![crate::model::Position { line: 1, column: 1 }],
            suppressed: Vec::new(),
            error: None,
        });
        let report = ScanReport::new(files, 4).with_pins(vec![PinNote {
            library: "websockets".into(),
            file: "requirements.txt".into(),
            line: 2,
            requirement: "websockets<14".into(),
            target: "13.999".into(),
            breaks_when_raised: 1,
            message: "requirements.txt:2: `websockets<14` holds 1 file back".into(),
        }]);
        assert_eq!(
            render(&report),
            "::error file=app/a%2Cb%3Ac.py,line=3,col=5,endLine=4,endColumn=9,title=WS001::rename `extra_headers`: 100%25%0Asure\n\
             ::error file=app/a%2Cb%3Ac.py,line=3,col=5,endLine=4,endColumn=9,title=WS030::moves, maybe\n\
             ::warning file=app/a%2Cb%3Ac.py,line=3,col=5,endLine=4,endColumn=9,title=WS015::review: this%0D%0A\n\
             ::error file=bad.py,title=ferry%3A could not be checked::syntax error at line 2, column 7: oops\n\
             ::notice file=requirements.txt,line=2,title=websockets requirement::requirements.txt:2: `websockets<14` holds 1 file back\n\
             Found 3 breaking uses in 1 file (1 fixable with `ferry fix`, 1 fixable with `ferry fix --unsafe-fixes`, 1 to review); 4 files scanned.\n\
             1 file uses the old names only in code that is not affected (other libraries, the legacy client, own functions): clean.py\n\
             1 file could not be checked (see the errors above).\n"
        );
    }

    #[test]
    fn a_clean_scan_prints_only_the_summary() {
        assert_eq!(
            render(&ScanReport::new(Vec::new(), 2)),
            "No breaking uses found in 2 files scanned.\n"
        );
    }
}
