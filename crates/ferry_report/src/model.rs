//! The result model: per-file reports and a summary derived from them.

use ferry_engine::FileStatus;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The version of the JSON document's shape. Bump only on a breaking change.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingReport {
    pub code: &'static str,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    /// `safe`, `unsafe` or `none` (a review item).
    pub fix: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_title: Option<String>,
    /// The fix's edits (empty for a review item).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<EditReport>,
    /// The text of the finding's first line, for the full text output
    /// (`None` for a line longer than [`MAX_SHOWN_LINE`] characters, or
    /// where no text is at hand). Not in the JSON.
    #[serde(skip)]
    pub source_line: Option<String>,
}

/// The longest line the full text output shows under a finding.
pub const MAX_SHOWN_LINE: usize = 1_000;

impl FindingReport {
    /// `source_line` from the line's text: kept unless it is too long to show.
    pub fn shown_line(line: &str) -> Option<String> {
        (line.len() <= MAX_SHOWN_LINE || line.chars().count() <= MAX_SHOWN_LINE)
            .then(|| line.to_string())
    }
}

/// One edit of a fix: replace the text from the start to the (exclusive)
/// end position with `content`. Positions as in [`FindingReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditReport {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionReport {
    pub line: u32,
    pub column: u32,
    /// `comment`, `string` or `docstring`.
    pub kind: &'static str,
    /// For comments: the comment is commented-out code rather than prose.
    pub commented_out_code: bool,
}

/// A position in a file: 1-based line, 1-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// As shown to the user: relative to the current directory when possible.
    pub path: String,
    pub status: FileStatus,
    pub findings: Vec<FindingReport>,
    pub mentions: Vec<MentionReport>,
    /// The pack's words used in code that is not affected (another library,
    /// the legacy client, the project's own names).
    pub unaffected: Vec<Position>,
    /// Findings silenced by a `# noqa` comment: never counted or fixed.
    pub suppressed: Vec<FindingReport>,
    /// Why the file could not be checked (status `error` only).
    pub error: Option<String>,
}

impl FileReport {
    pub fn error(path: String, reason: impl Into<String>) -> Self {
        Self {
            path,
            status: FileStatus::Error,
            findings: Vec::new(),
            mentions: Vec::new(),
            unaffected: Vec::new(),
            suppressed: Vec::new(),
            error: Some(reason.into()),
        }
    }
}

impl Serialize for FileReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("FileReport", 7)?;
        state.serialize_field("path", &self.path)?;
        state.serialize_field("status", self.status.as_str())?;
        state.serialize_field("findings", &self.findings)?;
        state.serialize_field("mentions", &self.mentions)?;
        state.serialize_field("unaffected", &self.unaffected)?;
        state.serialize_field("suppressed", &self.suppressed)?;
        if let Some(error) = &self.error {
            state.serialize_field("error", error)?;
        }
        state.end()
    }
}

/// Counts derived from the file reports, never kept separately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files_scanned: usize,
    pub fixable: usize,
    pub needs_review: usize,
    pub mentions_only: usize,
    pub error: usize,
    pub clean: usize,
    /// The `clean` files listed in `files`: they use the names, but in code
    /// that is not affected (`plan` and `report` call them `not-affected`).
    pub not_affected: usize,
    pub findings: usize,
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    pub review_items: usize,
    /// Findings silenced by `# noqa`, not counted in `findings`.
    pub suppressed: usize,
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Summary", 12)?;
        state.serialize_field("files_scanned", &self.files_scanned)?;
        state.serialize_field("fixable", &self.fixable)?;
        state.serialize_field("needs-review", &self.needs_review)?;
        state.serialize_field("mentions-only", &self.mentions_only)?;
        state.serialize_field("error", &self.error)?;
        state.serialize_field("clean", &self.clean)?;
        state.serialize_field("not-affected", &self.not_affected)?;
        state.serialize_field("findings", &self.findings)?;
        state.serialize_field("safe_fixes", &self.safe_fixes)?;
        state.serialize_field("unsafe_fixes", &self.unsafe_fixes)?;
        state.serialize_field("review_items", &self.review_items)?;
        state.serialize_field("suppressed", &self.suppressed)?;
        state.end()
    }
}

/// A requirement that keeps the migration from applying to the files under
/// it (`websockets<14`: there `websockets.connect` is still the legacy
/// client), with what would break once it is raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PinNote {
    pub library: String,
    /// The requirement file, shown as the report's paths are.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The requirement as written, e.g. `websockets<14`.
    pub requirement: String,
    /// The version the rules used for the files under it (`13.1`, or
    /// `13.999` for "the highest release below 14").
    pub target: String,
    /// Findings in those files for the newest release.
    pub breaks_when_raised: usize,
    /// The note as a sentence.
    pub message: String,
}

/// The result of one scan, sorted by path: every file that is not clean, and
/// clean files whose code uses the pack's words (so a reader sees why they are
/// clean). `files_scanned` counts every file looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub files: Vec<FileReport>,
    pub files_scanned: usize,
    /// Requirements that held files back from the migration, sorted by file and line.
    pub pins: Vec<PinNote>,
}

impl ScanReport {
    /// Builds a report; files are sorted by path so two runs print the same bytes.
    pub fn new(mut files: Vec<FileReport>, files_scanned: usize) -> Self {
        files.retain(|f| {
            f.status != FileStatus::Clean
                || !f.unaffected.is_empty()
                || !f.mentions.is_empty()
                || !f.suppressed.is_empty()
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Self {
            files,
            files_scanned,
            pins: Vec::new(),
        }
    }

    /// The same report with notes about the pins that held files back.
    pub fn with_pins(mut self, pins: Vec<PinNote>) -> Self {
        self.pins = pins;
        self
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files_scanned: self.files_scanned,
            ..Summary::default()
        };
        for file in &self.files {
            match file.status {
                FileStatus::Error => summary.error += 1,
                FileStatus::NeedsReview => summary.needs_review += 1,
                FileStatus::Fixable => summary.fixable += 1,
                FileStatus::MentionsOnly => summary.mentions_only += 1,
                FileStatus::Clean => summary.not_affected += 1,
            }
            summary.suppressed += file.suppressed.len();
            for finding in &file.findings {
                summary.findings += 1;
                match finding.fix {
                    "safe" => summary.safe_fixes += 1,
                    "unsafe" => summary.unsafe_fixes += 1,
                    _ => summary.review_items += 1,
                }
            }
        }
        summary.clean = self.files_scanned.saturating_sub(
            summary.error + summary.needs_review + summary.fixable + summary.mentions_only,
        );
        summary
    }

    pub fn has_findings(&self) -> bool {
        self.files.iter().any(|f| !f.findings.is_empty())
    }

    pub fn has_errors(&self) -> bool {
        self.files.iter().any(|f| f.status == FileStatus::Error)
    }
}

impl Serialize for ScanReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("ScanReport", 4)?;
        state.serialize_field("version", &JSON_VERSION)?;
        state.serialize_field("files", &self.files)?;
        state.serialize_field("summary", &self.summary())?;
        state.serialize_field("pins", &self.pins)?;
        state.end()
    }
}
