//! `# noqa` comments, as linters read them: `# noqa` on a finding's line
//! silences every finding there, `# noqa: WS001, WS002` those codes only;
//! `# ferry: noqa` (or `# ferry: noqa: WS001`) on a line of its own silences
//! the whole file. Codes of other tools (`# noqa: E501`) silence nothing of
//! Ferry's.

use ferry_python::ast::token::TokenKind;
use ferry_python::{ParsedModule, Ranged, TextRange, TextSize};

use crate::finding::Finding;

/// Which codes a comment silences.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Codes {
    All,
    Listed(Vec<String>),
}

impl Codes {
    fn covers(&self, code: &str) -> bool {
        match self {
            Codes::All => true,
            Codes::Listed(codes) => codes.iter().any(|c| c == code),
        }
    }
}

/// The `# noqa` comments of one file.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    file: Vec<Codes>,
    /// The line each comment stands on (its start and end offsets), and what it silences.
    lines: Vec<(TextRange, Codes)>,
}

impl Suppressions {
    pub fn read(text: &str, parsed: &ParsedModule) -> Self {
        let mut found = Self::default();
        if memchr::memmem::find(text.as_bytes(), b"noqa").is_none() {
            return found;
        }
        for token in parsed.tokens().iter() {
            if token.kind() != TokenKind::Comment {
                continue;
            }
            let comment = &text[token.range()];
            if let Some(codes) = file_level(comment) {
                found.file.push(codes);
            } else if let Some(codes) = line_level(comment) {
                found.lines.push((line_around(text, token.start()), codes));
            }
        }
        found
    }

    /// Moves the findings these comments silence out of `findings`, and returns them.
    pub fn take_suppressed(&self, text: &str, findings: &mut Vec<Finding>) -> Vec<Finding> {
        if self.file.is_empty() && self.lines.is_empty() {
            return Vec::new();
        }
        let (suppressed, kept) = std::mem::take(findings)
            .into_iter()
            .partition(|f| self.silences(text, f));
        *findings = kept;
        suppressed
    }

    fn silences(&self, text: &str, finding: &Finding) -> bool {
        if self.file.iter().any(|codes| codes.covers(finding.code)) {
            return true;
        }
        // The finding's first and last line, as ruff reads a multi-line node.
        let start = finding.range.start();
        let end = line_around(text, finding.range.end()).start();
        self.lines.iter().any(|(line, codes)| {
            (line.contains_inclusive(start) || line.start() == end) && codes.covers(finding.code)
        })
    }
}

/// The line `at` stands on, without its line break.
fn line_around(text: &str, at: TextSize) -> TextRange {
    let at = usize::from(at).min(text.len());
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    TextRange::new(
        TextSize::try_from(start).unwrap_or_default(),
        TextSize::try_from(end).unwrap_or_default(),
    )
}

/// `# ferry: noqa` or `# ferry: noqa: CODES`, alone in its comment.
fn file_level(comment: &str) -> Option<Codes> {
    let rest = comment.strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("ferry:")?.trim_start();
    let rest = strip_prefix_ignore_case(rest, "noqa")?;
    codes_after(rest)
}

/// `# noqa` or `# noqa: CODES` anywhere in a comment (`# type: ignore  # noqa`).
fn line_level(comment: &str) -> Option<Codes> {
    let mut search = comment;
    while let Some(hash) = search.find('#') {
        let after = search[hash + 1..].trim_start();
        if let Some(rest) = strip_prefix_ignore_case(after, "noqa") {
            if let Some(codes) = codes_after(rest) {
                return Some(codes);
            }
        }
        search = &search[hash + 1..];
    }
    None
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// What follows `noqa`: nothing (all codes), or `:` and codes separated by
/// commas or spaces. `noqa-something` or `noqa2` is another word.
fn codes_after(rest: &str) -> Option<Codes> {
    let Some(list) = rest.strip_prefix(':') else {
        let ends_word = rest
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '#');
        return ends_word.then_some(Codes::All);
    };
    let codes: Vec<String> = list
        .split([',', ' ', '\t'])
        .filter(|part| !part.is_empty())
        .map_while(|part| is_code(part).then(|| part.to_string()))
        .collect();
    // `# noqa:` with nothing readable after it: as ruff does, every code.
    Some(if codes.is_empty() {
        Codes::All
    } else {
        Codes::Listed(codes)
    })
}

/// `WS001`, `E501`: capitals, then digits.
fn is_code(part: &str) -> bool {
    let letters = part.bytes().take_while(u8::is_ascii_uppercase).count();
    letters > 0 && part.len() > letters && part.as_bytes()[letters..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_comments() {
        assert_eq!(line_level("# noqa"), Some(Codes::All));
        assert_eq!(line_level("#noqa"), Some(Codes::All));
        assert_eq!(line_level("# NOQA"), Some(Codes::All));
        assert_eq!(
            line_level("# noqa: WS001, WS002"),
            Some(Codes::Listed(vec!["WS001".into(), "WS002".into()]))
        );
        assert_eq!(
            line_level("# noqa:WS001 WS002 because"),
            Some(Codes::Listed(vec!["WS001".into(), "WS002".into()]))
        );
        assert_eq!(
            line_level("# type: ignore  # noqa: E501"),
            Some(Codes::Listed(vec!["E501".into()]))
        );
        assert_eq!(line_level("# noqa:"), Some(Codes::All));
        assert_eq!(line_level("# noqanope"), None);
        assert_eq!(line_level("# see noqa docs"), None);
        assert_eq!(line_level("# a comment"), None);
    }

    #[test]
    fn file_comments() {
        assert_eq!(file_level("# ferry: noqa"), Some(Codes::All));
        assert_eq!(
            file_level("# ferry: noqa: WS020"),
            Some(Codes::Listed(vec!["WS020".into()]))
        );
        assert_eq!(file_level("# noqa"), None);
        assert_eq!(file_level("# ruff: noqa"), None);
    }

    #[test]
    fn codes_of_other_tools_silence_nothing_of_ours() {
        let codes = line_level("# noqa: E501").unwrap();
        assert!(!codes.covers("WS001"));
        assert!(codes.covers("E501"));
    }

    #[test]
    fn lines_are_found_around_an_offset() {
        let text = "a\r\nbc # noqa\nd";
        let line = line_around(text, TextSize::new(5));
        assert_eq!(&text[line], "bc # noqa");
        assert_eq!(&text[line_around(text, TextSize::new(0))], "a");
        assert_eq!(&text[line_around(text, TextSize::new(13))], "d");
    }
}
