//! Mentions: a pack's words found in comments, strings and docstrings.
//!
//! A file whose only occurrences of `extra_headers` are mentions needs no
//! change, but people still have to triage it by hand; listing mentions (and
//! telling commented-out code apart from prose) makes that triage mechanical.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::parse::{is_valid_python, ParsedModule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MentionKind {
    Comment,
    String,
    Docstring,
}

impl MentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Comment => "comment",
            MentionKind::String => "string",
            MentionKind::Docstring => "docstring",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The range of the word itself.
    pub range: TextRange,
    pub kind: MentionKind,
    /// The word, as given by the pack.
    pub word: &'static str,
    /// For comments: the comment is commented-out Python code, not prose.
    pub commented_out_code: bool,
}

/// Finds every occurrence of `words` (as whole identifiers) inside comments,
/// string literals and docstrings.
pub fn find_mentions(text: &str, parsed: &ParsedModule, words: &[&'static str]) -> Vec<Mention> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut docstrings = docstring_ranges(parsed.module().body.as_slice());
    docstrings.sort_by_key(|r| r.start());
    let mut mentions = Vec::new();
    for token in parsed.tokens().iter() {
        let kind = match token.kind() {
            TokenKind::Comment => MentionKind::Comment,
            TokenKind::String | TokenKind::FStringMiddle | TokenKind::TStringMiddle => {
                // Docstrings do not overlap: the only candidate is the last one starting before the token.
                let candidate = docstrings.partition_point(|d| d.start() <= token.start());
                if candidate > 0 && docstrings[candidate - 1].contains_range(token.range()) {
                    MentionKind::Docstring
                } else {
                    MentionKind::String
                }
            }
            _ => continue,
        };
        let token_text = &text[token.range()];
        for &word in words {
            for at in find_word(token_text, word) {
                let start = token.start() + TextSize::try_from(at).unwrap_or_default();
                let range = TextRange::at(start, TextSize::of(word));
                let commented_out_code = kind == MentionKind::Comment
                    && is_commented_out_code(text, parsed, token.range());
                mentions.push(Mention {
                    range,
                    kind,
                    word,
                    commented_out_code,
                });
            }
        }
    }
    mentions.sort_by_key(|m| m.range.start());
    mentions
}

/// Ranges where one of `words` is used as a name in code (a keyword, a
/// parameter, a variable, an attribute), as opposed to a mention.
pub fn find_code_uses(text: &str, parsed: &ParsedModule, words: &[&'static str]) -> Vec<TextRange> {
    parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == TokenKind::Name && words.contains(&&text[t.range()]))
        .map(Ranged::range)
        .collect()
}

/// Byte offsets of `word` in `haystack` where it stands as a whole identifier.
pub fn find_word<'a>(haystack: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    memchr::memmem::find_iter(haystack.as_bytes(), word.as_bytes()).filter(move |&at| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Ranges of module, class and function docstrings, at any depth.
fn docstring_ranges(body: &[Stmt]) -> Vec<TextRange> {
    fn docstring_of(body: &[Stmt]) -> Option<TextRange> {
        match body.first()? {
            Stmt::Expr(stmt) => match stmt.value.as_ref() {
                Expr::StringLiteral(_) | Expr::FString(_) => Some(stmt.value.range()),
                _ => None,
            },
            _ => None,
        }
    }
    fn walk(body: &[Stmt], out: &mut Vec<TextRange>) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => {
                    out.extend(docstring_of(&def.body));
                    walk(&def.body, out);
                }
                Stmt::ClassDef(class) => {
                    out.extend(docstring_of(&class.body));
                    walk(&class.body, out);
                }
                Stmt::If(stmt) => {
                    walk(&stmt.body, out);
                    for clause in &stmt.elif_else_clauses {
                        walk(&clause.body, out);
                    }
                }
                Stmt::Try(stmt) => {
                    walk(&stmt.body, out);
                    for handler in &stmt.handlers {
                        let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                        walk(&handler.body, out);
                    }
                    walk(&stmt.orelse, out);
                    walk(&stmt.finalbody, out);
                }
                Stmt::With(stmt) => walk(&stmt.body, out),
                Stmt::For(stmt) => {
                    walk(&stmt.body, out);
                    walk(&stmt.orelse, out);
                }
                Stmt::While(stmt) => {
                    walk(&stmt.body, out);
                    walk(&stmt.orelse, out);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    out.extend(docstring_of(body));
    walk(body, &mut out);
    out
}

/// How many neighbouring comment lines a commented-out statement may span.
const MAX_COMMENT_SPAN: usize = 6;

/// Whether the comment at `comment` (one `#` token) is part of commented-out code:
/// some window of adjacent own-line comments around it, with the `#` removed and
/// dedented, parses as Python that is more than a lone word or `Label: word`.
fn is_commented_out_code(text: &str, parsed: &ParsedModule, comment: TextRange) -> bool {
    let own = strip_hash(&text[comment]);
    // A line that reads on its own (code or prose) decides by itself; only a
    // fragment such as `extra_headers={` needs its neighbours.
    match line_kind(own) {
        LineKind::Code => return true,
        LineKind::Prose => return false,
        LineKind::Fragment => {}
    }
    let lines = comment_block(text, parsed, comment);
    let Some(me) = lines.iter().position(|r| *r == comment) else {
        return false;
    };
    let texts: Vec<&str> = lines.iter().map(|r| strip_hash(&text[*r])).collect();
    for len in 2..=MAX_COMMENT_SPAN {
        for start in me.saturating_sub(len - 1)..=me {
            let end = start + len;
            if end <= texts.len() && looks_like_code(&texts[start..end]) {
                return true;
            }
        }
    }
    false
}

enum LineKind {
    Code,
    Prose,
    /// Not valid Python alone: maybe part of a statement spread over lines.
    Fragment,
}

fn line_kind(line: &str) -> LineKind {
    if looks_like_code(&[line]) {
        LineKind::Code
    } else if is_valid_python(line.trim())
        || !line.contains(['=', '(', ')', '[', ']', '{', '}', ','])
    {
        LineKind::Prose
    } else {
        LineKind::Fragment
    }
}

fn strip_hash(comment: &str) -> &str {
    comment.strip_prefix('#').unwrap_or(comment)
}

/// The run of comment tokens on consecutive lines, each alone on its line,
/// that contains `comment`. A trailing comment forms a block of its own.
fn comment_block(text: &str, parsed: &ParsedModule, comment: TextRange) -> Vec<TextRange> {
    let own_line = |range: TextRange| {
        let line_start = text[..usize::from(range.start())]
            .rfind(['\n', '\r'])
            .map_or(0, |p| p + 1);
        text[line_start..usize::from(range.start())]
            .chars()
            .all(|c| c == ' ' || c == '\t' || c == '\x0c')
    };
    if !own_line(comment) {
        return vec![comment];
    }
    let comments: Vec<TextRange> = parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .collect();
    let Some(me) = comments.iter().position(|r| *r == comment) else {
        return vec![comment];
    };
    // Adjacent: only blanks and exactly one line break between the two comments.
    let adjacent = |a: TextRange, b: TextRange| {
        let between = &text[usize::from(a.end())..usize::from(b.start())];
        matches!(
            between.trim_matches([' ', '\t', '\x0c']),
            "\n" | "\r\n" | "\r"
        )
    };
    let mut first = me;
    while first > 0
        && me - first < MAX_COMMENT_SPAN
        && adjacent(comments[first - 1], comments[first])
    {
        first -= 1;
    }
    let mut last = me;
    while last + 1 < comments.len()
        && last - me < MAX_COMMENT_SPAN
        && adjacent(comments[last], comments[last + 1])
    {
        last += 1;
    }
    comments[first..=last].to_vec()
}

/// Whether comment lines (without `#`) read as Python code rather than prose.
fn looks_like_code(lines: &[&str]) -> bool {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut source = String::new();
    for line in lines {
        source.push_str(line.get(indent..).unwrap_or_else(|| line.trim_start()));
        source.push('\n');
    }
    let trimmed = source.trim();
    if trimmed.is_empty() || !trimmed.contains(['=', '(', '.', '[', '{']) {
        return false;
    }
    // `TODO: extra_headers` parses as an annotation, `extra_headers.` does not parse;
    // require something a person would only write as code.
    if !is_valid_python(&source) {
        return false;
    }
    let Ok(parsed) = crate::parse::parse(&source) else {
        return false;
    };
    parsed.module().body.iter().any(|stmt| match stmt {
        Stmt::AnnAssign(ann) => ann.value.is_some(),
        Stmt::Expr(expr) => matches!(
            expr.value.as_ref(),
            Expr::Call(_) | Expr::Await(_) | Expr::Attribute(_) | Expr::Subscript(_)
        ),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn mentions(src: &str) -> Vec<(MentionKind, bool, u32)> {
        let parsed = parse(src).unwrap();
        find_mentions(src, &parsed, &["extra_headers"])
            .into_iter()
            .map(|m| (m.kind, m.commented_out_code, u32::from(m.range.start())))
            .collect()
    }

    #[test]
    fn kinds_are_told_apart() {
        let src = "\"\"\"Uses extra_headers.\"\"\"\n# pass extra_headers here\nx = 'extra_headers'\ndef f():\n    '''extra_headers doc'''\n";
        let kinds: Vec<_> = mentions(src).into_iter().map(|m| m.0).collect();
        assert_eq!(
            kinds,
            vec![
                MentionKind::Docstring,
                MentionKind::Comment,
                MentionKind::String,
                MentionKind::Docstring
            ]
        );
    }

    #[test]
    fn whole_words_only() {
        assert!(mentions("# my_extra_headers_x\n").is_empty());
        assert_eq!(mentions("# (extra_headers)\n").len(), 1);
    }

    #[test]
    fn commented_out_code_is_recognised() {
        assert!(mentions("# ws = await websockets.connect(uri, extra_headers=h)\n")[0].1);
        assert!(mentions("# await connect(\n#     uri,\n#     extra_headers=h,\n# )\n")[0].1);
        assert!(!mentions("# TODO: extra_headers\n")[0].1);
        assert!(!mentions("# Note: we pass extra_headers to the gateway.\n")[0].1);
        assert!(!mentions("# extra_headers\n")[0].1);
        // Prose next to commented-out code stays prose.
        let both = mentions("# ws = connect(uri, extra_headers=h)\n# TODO: extra_headers\n");
        assert_eq!((both[0].1, both[1].1), (true, false));
    }

    #[test]
    fn code_uses_are_names_only() {
        let src = "def f(extra_headers=None):\n    # extra_headers\n    return g(extra_headers=extra_headers)\n";
        let parsed = parse(src).unwrap();
        let uses = find_code_uses(src, &parsed, &["extra_headers"]);
        assert_eq!(uses.len(), 3);
    }

    #[test]
    fn fstring_middles_are_strings() {
        let found = mentions("x = f\"{a} extra_headers {b}\"\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, MentionKind::String);
    }
}
