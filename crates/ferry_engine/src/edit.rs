//! Text edits on the original source: byte ranges and their replacement.
//!
//! Everything outside an edit's range stays byte for byte, which is how a fix
//! keeps comments, quotes, spacing and line endings exactly as they were.

use ferry_python::ast::Arguments;
use ferry_python::{Ranged, TextRange, TextSize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

/// Edits order by position, then by content.
impl Ord for Edit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.range.start(), self.range.end(), &self.content).cmp(&(
            other.range.start(),
            other.range.end(),
            &other.content,
        ))
    }
}

impl PartialOrd for Edit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: TextRange) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn deletion(range: TextRange) -> Self {
        Self::replacement(String::new(), range)
    }

    pub fn insertion(content: impl Into<String>, at: TextSize) -> Self {
        Self::replacement(content, TextRange::empty(at))
    }

    /// Two edits conflict if their ranges overlap, or if both insert at one point
    /// (their order would be ambiguous).
    pub fn conflicts_with(&self, other: &Edit) -> bool {
        if self.range.is_empty() && other.range.is_empty() {
            return self.range.start() == other.range.start();
        }
        self.range.start() < other.range.end() && other.range.start() < self.range.end()
    }
}

/// The edit that removes one argument (positional or keyword) from a call,
/// with the comma that separates it from its neighbour, so the call stays valid:
/// `f(a, x=1, b)` → `f(a, b)`, `f(a, x=1)` → `f(a)`, `f(x=1,)` → `f()`.
///
/// In a call laid out one argument per line, the argument's own line goes
/// (with a comment trailing it there), and every other line stays as it was:
/// a comment trailing the argument before it is never touched.
pub fn remove_argument(source: &str, arguments: &Arguments, argument: TextRange) -> Option<Edit> {
    let mut ranges: Vec<TextRange> = arguments
        .args
        .iter()
        .map(Ranged::range)
        .chain(arguments.keywords.iter().map(Ranged::range))
        .collect();
    ranges.sort_by_key(|r| r.start());
    let index = ranges.iter().position(|r| *r == argument)?;
    let start = usize::from(argument.start());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let own_line = source[line_start..start].trim().is_empty() && line_start > 0;
    let at = |offset: usize| TextSize::try_from(offset).unwrap_or_default();
    if let Some(next) = ranges.get(index + 1) {
        let between = &source[usize::from(argument.end())..usize::from(next.start())];
        if own_line && between.contains('\n') {
            // Up to the end of the argument's line: what follows is kept.
            let end = usize::from(argument.end()) + between.find('\n')? + 1;
            return Some(Edit::deletion(TextRange::new(at(line_start), at(end))));
        }
        return Some(Edit::deletion(TextRange::new(
            argument.start(),
            next.start(),
        )));
    }
    if let Some(previous) = index.checked_sub(1).map(|i| ranges[i]) {
        let before = &source[usize::from(previous.end())..start];
        if own_line && before.contains('\n') {
            let after = &source[usize::from(argument.end())..];
            let rest_of_line = after.split('\n').next().unwrap_or_default();
            if let Some(after_comma) = rest_of_line.trim_start().strip_prefix(',') {
                // A trailing comma: the argument before keeps its own. The
                // whole line goes when nothing but a comment follows the
                // comma; a closing `)` there stays.
                let comma_end =
                    usize::from(argument.end()) + rest_of_line.len() - after_comma.len();
                let rest = after_comma.trim_start();
                if rest.is_empty() || rest.starts_with('#') {
                    let end =
                        (usize::from(argument.end()) + rest_of_line.len() + 1).min(source.len());
                    return Some(Edit::deletion(TextRange::new(at(line_start), at(end))));
                }
                return Some(Edit::deletion(TextRange::new(
                    argument.start(),
                    at(comma_end),
                )));
            }
            // Drop the comma after the argument before, keep its comment.
            let kept = before.replacen(',', "", 1);
            return Some(Edit::replacement(
                kept.trim_end().to_string(),
                TextRange::new(previous.end(), argument.end()),
            ));
        }
        return Some(Edit::deletion(TextRange::new(
            previous.end(),
            argument.end(),
        )));
    }
    // The only argument: up to the closing parenthesis, taking a trailing comma.
    Some(Edit::deletion(TextRange::new(
        argument.start(),
        arguments.end() - TextSize::new(1),
    )))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("edit {0:?} is outside the text")]
    OutOfBounds(TextRange),
    #[error("edit {0:?} does not fall on character boundaries")]
    NotCharBoundary(TextRange),
    #[error("edits {0:?} and {1:?} overlap")]
    Overlap(TextRange, TextRange),
}

/// Applies edits to `text`. The edits must not conflict; their order does not matter.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    for pair in sorted.windows(2) {
        if pair[0].conflicts_with(pair[1]) {
            return Err(EditError::Overlap(pair[0].range, pair[1].range));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for edit in sorted {
        let (start, end) = (
            usize::from(edit.range.start()),
            usize::from(edit.range.end()),
        );
        if end > text.len() {
            return Err(EditError::OutOfBounds(edit.range));
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(EditError::NotCharBoundary(edit.range));
        }
        out.push_str(&text[last..start]);
        out.push_str(&edit.content);
        last = end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    #[test]
    fn applies_in_any_order() {
        let text = "connect(u, extra_headers=h, timeout=5)";
        let a = Edit::replacement("additional_headers", range(11, 24));
        let b = Edit::replacement("close_timeout", range(28, 35));
        let expected = "connect(u, additional_headers=h, close_timeout=5)";
        assert_eq!(
            apply_edits(text, &[a.clone(), b.clone()]).unwrap(),
            expected
        );
        assert_eq!(apply_edits(text, &[b, a]).unwrap(), expected);
    }

    #[test]
    fn rejects_overlap_and_out_of_bounds() {
        let text = "abcdef";
        let overlap = [Edit::deletion(range(0, 3)), Edit::deletion(range(2, 4))];
        assert!(matches!(
            apply_edits(text, &overlap),
            Err(EditError::Overlap(..))
        ));
        let twin_inserts = [
            Edit::insertion("x", TextSize::new(1)),
            Edit::insertion("y", TextSize::new(1)),
        ];
        assert!(matches!(
            apply_edits(text, &twin_inserts),
            Err(EditError::Overlap(..))
        ));
        assert!(matches!(
            apply_edits(text, &[Edit::deletion(range(4, 9))]),
            Err(EditError::OutOfBounds(_))
        ));
        assert!(matches!(
            apply_edits("é", &[Edit::deletion(range(0, 1))]),
            Err(EditError::NotCharBoundary(_))
        ));
    }

    fn remove_keyword(src: &str, name: &str) -> String {
        let parsed = ferry_python::parse(src).unwrap();
        let ferry_python::ast::Stmt::Expr(stmt) = &parsed.module().body[0] else {
            panic!()
        };
        let ferry_python::ast::Expr::Call(call) = stmt.value.as_ref() else {
            panic!()
        };
        let keyword = call.arguments.find_keyword(name).unwrap();
        let edit = remove_argument(src, &call.arguments, keyword.range()).unwrap();
        apply_edits(src, &[edit]).unwrap()
    }

    #[test]
    fn removing_an_argument_keeps_the_call_valid() {
        assert_eq!(remove_keyword("f(a, x=1, b=2)\n", "x"), "f(a, b=2)\n");
        assert_eq!(remove_keyword("f(a, x=1)\n", "x"), "f(a)\n");
        assert_eq!(remove_keyword("f(a, x=1,)\n", "x"), "f(a,)\n");
        assert_eq!(remove_keyword("f(x=1)\n", "x"), "f()\n");
        assert_eq!(remove_keyword("f(x=1,)\n", "x"), "f()\n");
        assert_eq!(
            remove_keyword("f(\n    a,\n    x=1,  # note\n    b=2,\n)\n", "x"),
            "f(\n    a,\n    b=2,\n)\n"
        );
        assert_eq!(remove_keyword("f(x=1, *args)\n", "x"), "f(*args)\n");
    }

    #[test]
    fn removing_an_argument_keeps_the_comments_of_the_others() {
        // The last argument, after one whose line ends with a comment.
        assert_eq!(
            remove_keyword(
                "f(\n    uri,\n    max_size=2**20,  # 1MB message size limit\n    timeout=timeout\n)\n",
                "timeout"
            ),
            "f(\n    uri,\n    max_size=2**20  # 1MB message size limit\n)\n"
        );
        assert_eq!(
            remove_keyword(
                "f(\n    uri,\n    max_size=2**20,  # 1MB\n    timeout=timeout,\n)\n",
                "timeout"
            ),
            "f(\n    uri,\n    max_size=2**20,  # 1MB\n)\n"
        );
        // A closing parenthesis after the trailing comma stays.
        assert_eq!(
            remove_keyword("f(uri,\n        loop=loop,)\n", "loop"),
            "f(uri,\n        )\n"
        );
        // A comment on its own line before the next argument stays.
        assert_eq!(
            remove_keyword("f(\n    x=1,\n    # about b\n    b=2,\n)\n", "x"),
            "f(\n    # about b\n    b=2,\n)\n"
        );
    }

    /// Non-overlapping edits over an ASCII text, each a (start, len, replacement).
    fn disjoint_edits() -> impl Strategy<Value = (String, Vec<Edit>)> {
        (
            "[a-z =(),\n]{0,60}",
            prop::collection::vec((0u32..60, 0u32..5, "[A-Z]{0,4}"), 0..6),
        )
            .prop_map(|(text, raw)| {
                let len = u32::try_from(text.len()).unwrap();
                let mut edits: Vec<Edit> = Vec::new();
                for (start, width, content) in raw {
                    let start = start.min(len);
                    let end = (start + width).min(len);
                    let edit = Edit::replacement(content, range(start, end));
                    if edits.iter().all(|e| {
                        !e.conflicts_with(&edit)
                            && e.range.end() != edit.range.start()
                            && edit.range.end() != e.range.start()
                    }) {
                        edits.push(edit);
                    }
                }
                (text, edits)
            })
    }

    proptest! {
        #[test]
        fn disjoint_edits_commute((text, edits) in disjoint_edits()) {
            let forward = apply_edits(&text, &edits).unwrap();
            let mut reversed = edits.clone();
            reversed.reverse();
            prop_assert_eq!(&forward, &apply_edits(&text, &reversed).unwrap());
            // Applying one at a time, last offset first, gives the same text.
            let mut one_by_one = text.clone();
            let mut by_start = edits.clone();
            by_start.sort();
            for edit in by_start.iter().rev() {
                one_by_one = apply_edits(&one_by_one, std::slice::from_ref(edit)).unwrap();
            }
            prop_assert_eq!(&forward, &one_by_one);
        }

        #[test]
        fn bytes_outside_edits_are_kept((text, edits) in disjoint_edits()) {
            let out = apply_edits(&text, &edits).unwrap();
            let mut sorted = edits.clone();
            sorted.sort();
            // Walk both texts: unedited stretches must match exactly.
            let (mut src, mut dst) = (0usize, 0usize);
            for edit in &sorted {
                let start = usize::from(edit.range.start());
                prop_assert_eq!(&text[src..start], &out[dst..dst + (start - src)]);
                dst += start - src + edit.content.len();
                src = usize::from(edit.range.end());
            }
            prop_assert_eq!(&text[src..], &out[dst..]);
        }

        #[test]
        fn any_edit_is_in_bounds_or_an_error(text in "[a-z]{0,20}", start in 0u32..40, width in 0u32..40) {
            let edit = Edit::deletion(range(start, start + width));
            let len = u32::try_from(text.len()).unwrap();
            match apply_edits(&text, &[edit]) {
                Ok(out) => prop_assert!(start + width <= len && out.len() == text.len() - width as usize),
                Err(_) => prop_assert!(start + width > len),
            }
        }
    }
}
