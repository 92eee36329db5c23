//! Byte offsets → 1-based (line, column) positions, columns counted in characters.
//!
//! Python ends lines at `\n`, `\r\n` or a lone `\r`; so does this index.

use ruff_text_size::TextSize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLocation {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in Unicode characters.
    pub column: u32,
}

#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    /// Per line: only ASCII, so a column is a byte difference (no counting).
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn from_source(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![TextSize::new(0)];
        let mut i = 0;
        while let Some(pos) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + pos;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(TextSize::try_from(next).expect("source larger than 4 GiB"));
            i = next;
        }
        let ascii = line_starts
            .iter()
            .enumerate()
            .map(|(line, start)| {
                let end = line_starts
                    .get(line + 1)
                    .map_or(bytes.len(), |e| usize::from(*e));
                bytes[usize::from(*start)..end].is_ascii()
            })
            .collect();
        Self { line_starts, ascii }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: TextSize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> TextSize {
        self.line_starts[line]
    }

    /// The text of the 0-based `line`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = usize::from(self.line_starts[line]);
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |e| usize::from(*e));
        text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn location(&self, text: &str, offset: TextSize) -> SourceLocation {
        let line = self.line_of(offset);
        let start = usize::from(self.line_starts[line]);
        let column = if self.ascii[line] {
            usize::from(offset) - start
        } else {
            text[start..usize::from(offset)].chars().count()
        };
        SourceLocation {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_cr_all_end_lines() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::from_source(text);
        let at = |o: u32| index.location(text, TextSize::new(o));
        assert_eq!(at(0), SourceLocation { line: 1, column: 1 });
        assert_eq!(at(2), SourceLocation { line: 2, column: 1 });
        assert_eq!(at(5), SourceLocation { line: 3, column: 1 });
        assert_eq!(at(7), SourceLocation { line: 4, column: 1 });
        let lines: Vec<&str> = (0..4).map(|line| index.line_text(text, line)).collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "s = 'é'; x = 1";
        let index = LineIndex::from_source(text);
        let offset = TextSize::try_from(text.find('x').unwrap()).unwrap();
        assert_eq!(index.location(text, offset).column, 10);
    }
}
