//! The pack file as written: TOML read by serde with unknown keys denied,
//! then checked (codes, names, releases, the fields each kind takes) into a
//! [`PackSpec`]. Every error names the line it is about.

use serde::Deserialize;
use toml::Spanned;

use ferry_engine::Release;

/// A pack file larger than this is refused before it is parsed.
pub const MAX_PACK_BYTES: usize = 4 << 20;
/// Nesting of arrays and tables beyond this is refused before parsing, so
/// a hostile file cannot exhaust the parser's stack.
pub const MAX_NESTING: usize = 32;
/// A pack with more rules than this is refused.
pub const MAX_RULES: usize = 20_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPack {
    pub name: Spanned<String>,
    pub summary: String,
    /// Every rule's code starts with it (`AC` for `AC001`).
    pub prefix: Spanned<String>,
    pub library: RawLibrary,
    /// Words reported as mentions in comments and strings (an old keyword).
    pub mention_words: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawLibrary {
    /// The distribution name, as requirements spell it (`acme-client`).
    pub name: Spanned<String>,
    /// The top-level packages it is imported as (`acme`).
    pub packages: Spanned<Vec<String>>,
    /// The first release the migration is for (`2.0`).
    pub breaking: Spanned<String>,
    /// The floor a raised requirement gets; default `breaking`.
    pub floor: Option<Spanned<String>>,
    /// A release to name in `--target` advice; default `floor`.
    pub example_target: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRule {
    pub code: Spanned<String>,
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub summary: String,
    #[serde(default)]
    pub doc: String,
    /// Where the fact comes from (a changelog entry).
    #[serde(default)]
    pub source: Option<String>,
    /// The first release on which what the rule finds is a break; default
    /// the library's `breaking`.
    pub since: Option<Spanned<String>>,
    /// The first release on which the fix's code works; default `since`.
    pub requires: Option<Spanned<String>>,
    /// The message of every finding; each kind has a default. A template:
    /// see [`PLACEHOLDERS`].
    pub message: Option<String>,
    /// The fix's title (imperative); each kind has a default.
    pub title: Option<String>,
    /// `rename-keyword`: the message when the call passes the new keyword too.
    pub message_both: Option<String>,
    /// `rename-keyword`: the fix's title when `when-both = "remove-old"`.
    pub title_both: Option<String>,
    /// Keyword kinds: the message when the callee may also be something
    /// else (conditional imports): a review item.
    pub message_ambiguous: Option<String>,
    /// `rename-keyword`: what to do when the call passes the new keyword
    /// too: `review` (the default) or `remove-old`, when the old releases
    /// ignored the old keyword next to the new one (an unsafe fix).
    pub when_both: Option<Spanned<String>>,
    /// `rename-keyword`: also rename the key in a dict spread with `**`
    /// into the call, when Ferry sees every key it holds (default: true).
    pub keyword_dicts: Option<bool>,
    /// Run only when `--select` names the code.
    #[serde(default)]
    pub opt_in: bool,
    /// A drafted rule no human has checked yet (`ferry pack draft`): what
    /// to check. Its findings are review items: no fix is applied until the
    /// key is removed.
    pub review: Option<Spanned<String>>,
    pub callables: Option<Spanned<Vec<RawCallable>>>,
    pub old: Option<Spanned<String>>,
    pub new: Option<Spanned<String>>,
    pub keyword: Option<Spanned<String>>,
    /// `remove-keyword`: several keywords, each with its own message.
    pub keywords: Option<Spanned<Vec<RawRemovedKeyword>>>,
    pub names: Option<Spanned<Vec<RawName>>>,
    /// `rename-method`: the classes whose instances' method is renamed
    /// (`flag`: whose `methods` are gone).
    pub classes: Option<Spanned<Vec<String>>>,
    /// `flag`: methods of `classes` that are gone.
    pub methods: Option<Spanned<Vec<String>>>,
    /// `replace-call`: the replacement, with `{parameter}` placeholders.
    pub template: Option<Spanned<String>>,
    /// `replace-call`: the callable's parameters, in order.
    pub parameters: Option<Spanned<Vec<String>>>,
    /// `replace-call`: the modules the template's names start from.
    pub imports: Option<Spanned<Vec<String>>>,
    /// `replace-call`: the fix is right in every case (default: unsafe);
    /// `remove-keyword`: `false` makes every fix unsafe (default: safe for
    /// a plain value).
    pub safe: Option<bool>,
    pub moves: Option<Vec<Spanned<RawMove>>>,
    /// `rename-method`: several `{ old, new }` methods of the same classes.
    pub renames: Option<Vec<Spanned<RawMethodRename>>>,
    /// `rename-keyword`: what the new keyword's value is, `{value}` being
    /// the old one's source text (`httpx.ASGITransport(app={value})`).
    pub value: Option<Spanned<String>>,
    /// `rename-keyword`: the review item's message where the old value is
    /// a mapping the new keyword does not take (`{mapping}`: it rewritten).
    pub message_mapping: Option<String>,
    /// `rename-keyword`: how each entry of such a mapping is written in
    /// `{mapping}` (`{key}`, `{value}`).
    pub mapping_entry: Option<Spanned<String>>,
}

/// A list entry written as a qualified name, or as a table whose `name`
/// it is (with more keys): a flagged name, a callable.
#[derive(Debug)]
pub(crate) enum NameOrTable<T> {
    Name(String),
    Table(T),
}

/// The table form of a [`NameOrTable`] entry.
pub(crate) trait EntryTable {
    /// What an entry may be, for serde's "invalid type" error.
    const EXPECTING: &'static str;
    fn name(&self) -> &str;
}

// By hand rather than `untagged`, so a table's unknown key is named in the
// error instead of "did not match any variant".
impl<'de, T: Deserialize<'de> + EntryTable> Deserialize<'de> for NameOrTable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + EntryTable> serde::de::Visitor<'de> for Visitor<T> {
            type Value = NameOrTable<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(NameOrTable::Name(value.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(NameOrTable::Table)
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

impl<T: EntryTable> NameOrTable<T> {
    pub fn name(&self) -> &str {
        match self {
            NameOrTable::Name(name) => name,
            NameOrTable::Table(table) => table.name(),
        }
    }

    pub fn table(&self) -> Option<&T> {
        match self {
            NameOrTable::Name(_) => None,
            NameOrTable::Table(table) => Some(table),
        }
    }
}

/// A flagged name: the qualified name, or a table with its own message.
pub(crate) type RawName = NameOrTable<RawNameTable>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNameTable {
    name: String,
    pub message: Option<String>,
}

impl EntryTable for RawNameTable {
    const EXPECTING: &'static str = "a qualified name, or a table with `name` and `message`";
    fn name(&self) -> &str {
        &self.name
    }
}

/// A callable: its qualified name, or a table that also says from which
/// release the name reaches the API the rule is about.
pub(crate) type RawCallable = NameOrTable<RawCallableTable>;

impl EntryTable for RawCallableTable {
    const EXPECTING: &'static str =
        "a qualified name, or a table with `name` and `since`, `requires`, `message`";
    fn name(&self) -> &str {
        &self.name
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCallableTable {
    pub name: String,
    pub since: Option<String>,
    pub requires: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRemovedKeyword {
    pub name: String,
    pub message: Option<String>,
    pub default: Option<String>,
    pub message_kept: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMove {
    pub old: String,
    pub new: String,
}

/// A `renames` entry: a method's new name, and the keywords its calls
/// must rename with it (`readfp(fp, filename=)` → `read_file(fp, source=)`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMethodRename {
    pub old: String,
    pub new: String,
    #[serde(default)]
    pub keywords: Vec<RawMove>,
}

/// A checked pack: everything the kinds and the engine need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSpec {
    pub name: String,
    pub summary: String,
    pub prefix: String,
    pub library: LibrarySpec,
    pub mention_words: Vec<String>,
    pub rules: Vec<RuleSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibrarySpec {
    pub name: String,
    pub packages: Vec<String>,
    pub breaking: Release,
    pub floor: String,
    pub example_target: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub doc: String,
    pub source: Option<String>,
    pub since: Release,
    pub requires: Release,
    pub message: Option<String>,
    pub title: Option<String>,
    pub messages: ExtraMessages,
    pub opt_in: bool,
    /// What a human must check before the rule's fixes may be applied
    /// (a drafted rule); `None`: a reviewed rule.
    pub review: Option<String>,
    /// The line of the rule's table in the pack file.
    pub line: usize,
    pub kind: Kind,
}

/// The keyword kinds' messages for their other situations (templates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraMessages {
    pub both: Option<String>,
    pub title_both: Option<String>,
    pub ambiguous: Option<String>,
    /// `rename-keyword`: where the old value is a mapping.
    pub mapping: Option<String>,
}

/// How `rename-keyword` writes the new keyword's value, when it is more
/// than the old value as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewValue {
    /// The new value around the old one (`{value}`): `value`.
    pub template: Option<String>,
    /// The modules `template` spells, imported where missing.
    pub imports: Vec<String>,
    /// Where the old keyword also took a mapping the new one does not: how
    /// each entry is written in the review item's `{mapping}`.
    pub mapping_entry: Option<String>,
}

impl NewValue {
    /// Whether the value is only renamed, as written.
    pub fn is_plain(&self) -> bool {
        self.template.is_none() && self.mapping_entry.is_none()
    }
}

/// Fills a value template: `{name}` is the value of `name` in `vars`,
/// `{{` and `}}` are braces (the format checked every name).
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if after.starts_with("{{") || after.starts_with("}}") {
            out.push_str(&after[..1]);
            rest = &after[2..];
            continue;
        }
        match after.find('}').filter(|_| after.starts_with('{')) {
            Some(close) => {
                let name = &after[1..close];
                match vars.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&after[..=close]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&after[..1]);
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A value template may name only `names`, and close every brace.
fn check_value_template(template: &str, names: &[&str]) -> Result<(), String> {
    let mut rest = template.replace("{{", "").replace("}}", "");
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!(
                "`{template}`: a `}}` closes nothing (write `}}}}` for a brace)"
            ));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!(
                "`{template}`: a `{{` is never closed (write `{{{{` for a brace)"
            ));
        };
        let name = &rest[open + 1..open + close];
        if !names.contains(&name) {
            return Err(format!(
                "`{template}`: `{{{name}}}` is not one of {}",
                names
                    .iter()
                    .map(|n| format!("`{{{n}}}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = rest[open + close + 1..].to_string();
    }
    Ok(())
}

/// A callable a keyword rule is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callable {
    pub name: String,
    /// The first release on which this name reaches the API the rule is
    /// about (top-level `websockets.connect` became the new client in
    /// 14.0): on an older target, a call of it is right as written.
    pub since: Option<Release>,
    /// The first release on which the fix's code works for this name;
    /// default the later of the rule's `requires` and this `since`.
    pub requires: Option<Release>,
    /// The message for calls of this name (a template).
    pub message: Option<String>,
}

/// What `replace-call` writes instead of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceCall {
    pub template: Vec<TemplatePart>,
    pub parameters: Vec<String>,
    pub imports: Vec<String>,
    pub safe: bool,
}

impl ReplaceCall {
    /// The parameters the template places, by index.
    pub fn used_parameters(&self) -> Vec<usize> {
        self.template
            .iter()
            .filter_map(|part| match part {
                TemplatePart::Argument(index) => Some(*index),
                TemplatePart::Text(_) => None,
            })
            .collect()
    }
}

/// A piece of a `replace-call` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Text(String),
    /// The argument passed for the parameter at this index.
    Argument(usize),
}

/// Splits a `replace-call` template into text and arguments: `{name}` or
/// `{N}` names a parameter; `{{` and `}}` are braces.
fn parse_call_template(template: &str, parameters: &[String]) -> Result<Vec<TemplatePart>, String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        text.push_str(&rest[..at]);
        let after = &rest[at..];
        if after.starts_with("{{") || after.starts_with("}}") {
            text.push_str(&after[..1]);
            rest = &after[2..];
            continue;
        }
        if after.starts_with('}') {
            return Err(format!(
                "`{template}`: a `}}` closes nothing (write `}}}}` for a brace)"
            ));
        }
        let Some(close) = after.find('}') else {
            return Err(format!(
                "`{template}`: a `{{` is never closed (write `{{{{` for a brace)"
            ));
        };
        let name = &after[1..close];
        let index = match name.parse::<usize>() {
            Ok(index) if index < parameters.len() => index,
            _ => parameters.iter().position(|p| p == name).ok_or_else(|| {
                format!(
                    "`{{{name}}}` is not a parameter of `parameters` ({})",
                    if parameters.is_empty() {
                        "none".to_string()
                    } else {
                        parameters.join(", ")
                    }
                )
            })?,
        };
        if !text.is_empty() {
            parts.push(TemplatePart::Text(std::mem::take(&mut text)));
        }
        parts.push(TemplatePart::Argument(index));
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(TemplatePart::Text(text));
    }
    Ok(parts)
}

/// A keyword `remove-keyword` removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedKeyword {
    pub name: String,
    /// Its own message (a template), else the rule's.
    pub message: Option<String>,
    /// The value the old releases used when the keyword was left out (as
    /// source, e.g. `False`): removing it is right only when the call passes
    /// that; any other value makes a review item.
    pub default: Option<String>,
    /// The review item's message for another value (a template).
    pub message_kept: Option<String>,
}

/// What `rename-keyword` does when the call passes the new keyword too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenBoth {
    /// A review item: the author merges the two.
    Review,
    /// The old releases ignored the old keyword next to the new one:
    /// removing it keeps that behaviour (an unsafe fix, since the author
    /// may have meant the other value).
    RemoveOld,
}

/// The placeholders a message or title may use, each written `{name}`:
/// `callee` (the qualified name called), `candidates` (every name the
/// callee may be), `old`, `new`, `keyword`, `library`, `since`, in
/// `message-both` / `message-ambiguous`, `message` (the call's message),
/// and in `message-mapping`, `mapping` (the mapping rewritten).
pub const PLACEHOLDERS: &[&str] = &[
    "message",
    "callee",
    "candidates",
    "old",
    "new",
    "keyword",
    "library",
    "since",
    "mapping",
];

/// One method of a `rename-method` rule: its old and new names, and the
/// keywords its calls rename with it (`(old, new)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRename {
    pub old: String,
    pub new: String,
    pub keywords: Vec<(String, String)>,
}

/// The closed set of rule kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `old=` became `new=` on calls of `callables`.
    RenameKeyword {
        callables: Vec<Callable>,
        old: String,
        new: String,
        when_both: WhenBoth,
        /// Also in dicts spread with `**` into the call.
        keyword_dicts: bool,
        /// How the new keyword's value is written.
        value: NewValue,
    },
    /// `keyword=` is gone from `callables`.
    RemoveKeyword {
        callables: Vec<Callable>,
        keywords: Vec<RemovedKeyword>,
        /// `false`: the fix is unsafe even where the value is a plain name
        /// or literal (the old releases did something with it).
        safe: bool,
    },
    /// Qualified names that moved (or were renamed in their module):
    /// `(old, new)`, both fully qualified.
    MoveName { moves: Vec<(String, String)> },
    /// A method of `classes` renamed, on receivers proven to be instances.
    RenameMethod {
        classes: Vec<String>,
        renames: Vec<MethodRename>,
    },
    /// A call rewritten from a template.
    ReplaceCall {
        callables: Vec<Callable>,
        replace: ReplaceCall,
    },
    /// Names or modules that are gone, with no mechanical fix.
    FlagName {
        names: Vec<String>,
        /// A name's own message (a template), by name.
        messages: std::collections::BTreeMap<String, String>,
    },
    /// Methods of `classes` that are gone, on proven instances, with no
    /// mechanical fix.
    FlagMethod {
        classes: Vec<String>,
        methods: Vec<String>,
    },
    /// A keyword that is gone from `callables`, with no mechanical fix.
    FlagKeyword {
        callables: Vec<Callable>,
        keyword: String,
    },
}

impl Kind {
    /// The kind's name as a pack file spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::RenameKeyword { .. } => "rename-keyword",
            Kind::RemoveKeyword { .. } => "remove-keyword",
            Kind::MoveName { .. } => "move-name",
            Kind::RenameMethod { .. } => "rename-method",
            Kind::ReplaceCall { .. } => "replace-call",
            Kind::FlagName { .. } | Kind::FlagKeyword { .. } | Kind::FlagMethod { .. } => "flag",
        }
    }
}

/// The kinds a pack may use, for error messages.
pub const KINDS: &[&str] = &[
    "rename-keyword",
    "remove-keyword",
    "move-name",
    "rename-attribute",
    "rename-method",
    "replace-call",
    "flag",
];

/// What is wrong with a pack file: a line (1-based, 0 when the file as a
/// whole is at fault) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

impl FormatError {
    fn at(text: &str, span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        Self {
            line: line_of(text, span.start),
            message: message.into(),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The offsets of a text's newlines, found once, for the line of every
/// rule: counting from the start for each rule made a pack of a thousand
/// rules take 0.1 s to load (a pass over the file per rule).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Self(text.match_indices('\n').map(|(at, _)| at).collect())
    }

    /// As [`line_of`]: 1 + the newlines before `offset`.
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

/// Reads and checks a pack's text.
pub fn parse_pack(text: &str) -> Result<PackSpec, FormatError> {
    if text.len() > MAX_PACK_BYTES {
        return Err(FormatError {
            line: 0,
            message: format!(
                "the file has {} bytes; a pack may have at most {MAX_PACK_BYTES}",
                text.len()
            ),
        });
    }
    if let Some(offset) = too_deep(text) {
        return Err(FormatError::at(
            text,
            offset..offset,
            format!("arrays and tables nest deeper than {MAX_NESTING} levels"),
        ));
    }
    let raw: RawPack = toml::from_str(text).map_err(|err| FormatError {
        line: err.span().map_or(0, |span| line_of(text, span.start)),
        message: err.message().trim().to_string(),
    })?;
    check(text, raw)
}

/// Where brackets first nest deeper than [`MAX_NESTING`], outside strings
/// and comments; a rough scan, which is enough to bound the parser.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(&[quote; 3]);
                let closing: &[u8] = if triple {
                    &bytes[i..i + 3]
                } else {
                    &bytes[i..=i]
                };
                i += closing.len();
                while i < bytes.len() && !bytes[i..].starts_with(closing) {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    } else if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                i += closing.len() - 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn check(text: &str, raw: RawPack) -> Result<PackSpec, FormatError> {
    let err = |span: std::ops::Range<usize>, message: String| FormatError::at(text, span, message);
    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(err(
            raw.name.span(),
            format!("`name` `{name}` must be letters, digits, `-`, `_` or `.`"),
        ));
    }
    let prefix = raw.prefix.get_ref().clone();
    if prefix.is_empty() || prefix.len() > 6 || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(err(
            raw.prefix.span(),
            format!("`prefix` `{prefix}` must be 1 to 6 capital letters (codes are the prefix and digits, `{}001`)", if prefix.is_empty() { "AC" } else { &prefix }),
        ));
    }
    let library = check_library(text, &raw.library)?;
    if raw.rules.len() > MAX_RULES {
        return Err(FormatError {
            line: 0,
            message: format!(
                "{} rules; a pack may have at most {MAX_RULES}",
                raw.rules.len()
            ),
        });
    }
    let mut rules: Vec<RuleSpec> = Vec::with_capacity(raw.rules.len());
    let mut codes = std::collections::HashMap::new();
    if raw.summary.trim().is_empty() {
        return Err(FormatError {
            line: 1,
            message: "`summary` is empty: say in one line what the pack migrates".to_string(),
        });
    }
    let mut names = std::collections::HashMap::new();
    let lines = Lines::new(text);
    for rule in &raw.rules {
        let line = lines.of(rule.span().start);
        let spec = check_rule(text, rule.get_ref(), line, &prefix, &library)?;
        if let Some(first) = codes.insert(spec.code.clone(), line) {
            return Err(err(
                rule.get_ref().code.span(),
                format!(
                    "code `{}` is already used by the rule on line {first}",
                    spec.code
                ),
            ));
        }
        if let Some(first) = names.insert(spec.name.clone(), line) {
            return Err(err(
                rule.get_ref().name.span(),
                format!(
                    "name `{}` is already the name of the rule on line {first}",
                    spec.name
                ),
            ));
        }
        rules.push(spec);
    }
    // A name moved to one that itself moves would never settle.
    let moves: Vec<(&String, &String, usize)> = rules
        .iter()
        .flat_map(|rule| match &rule.kind {
            Kind::MoveName { moves } => moves.iter().map(|(o, n)| (o, n, rule.line)).collect(),
            _ => Vec::new(),
        })
        .collect();
    if let Some((old, new, line)) = moves
        .iter()
        .find(|(_, new, _)| moves.iter().any(|(old, _, _)| old == new))
    {
        return Err(FormatError {
            line: *line,
            message: format!(
                "`{old}` moves to `{new}`, which moves again: give each old name its final place"
            ),
        });
    }
    let pin_bump = format!("{prefix}900");
    if let Some(line) = codes.get(&pin_bump) {
        return Err(FormatError {
            line: *line,
            message: format!("code `{pin_bump}` is the pack's requirement bump (raised pins); give the rule another code"),
        });
    }
    if let Some(words) = &raw.mention_words {
        if let Some(word) = words.get_ref().iter().find(|w| !is_identifier(w)) {
            return Err(err(
                words.span(),
                format!("`mention-words`: `{word}` is not a Python identifier"),
            ));
        }
    }
    Ok(PackSpec {
        name,
        summary: raw.summary.trim().to_string(),
        prefix,
        library,
        mention_words: raw
            .mention_words
            .map(Spanned::into_inner)
            .unwrap_or_default(),
        rules,
    })
}

fn check_library(text: &str, raw: &RawLibrary) -> Result<LibrarySpec, FormatError> {
    let err = |span: std::ops::Range<usize>, message: String| FormatError::at(text, span, message);
    let name = raw.name.get_ref().trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(err(
            raw.name.span(),
            format!("library `name` `{name}` is not a distribution name"),
        ));
    }
    if raw.packages.get_ref().is_empty() {
        return Err(err(
            raw.packages.span(),
            "library `packages` is empty: name the top-level packages the library is imported as"
                .to_string(),
        ));
    }
    for package in raw.packages.get_ref() {
        if !is_identifier(package) {
            return Err(err(
                raw.packages.span(),
                format!("library `packages`: `{package}` is not a top-level package name"),
            ));
        }
    }
    let breaking = release(text, &raw.breaking, "breaking")?;
    let floor = match &raw.floor {
        Some(floor) => {
            if release(text, floor, "floor")? < breaking {
                return Err(FormatError::at(
                    text,
                    floor.span(),
                    format!(
                        "`floor` `{}` is below `breaking` `{breaking}`: a raised requirement must allow only releases the fixes are written for",
                        floor.get_ref().trim()
                    ),
                ));
            }
            floor.get_ref().trim().to_string()
        }
        None => breaking.to_string(),
    };
    let example_target = match &raw.example_target {
        Some(target) => {
            release(text, target, "example-target")?;
            target.get_ref().trim().to_string()
        }
        None => floor.clone(),
    };
    Ok(LibrarySpec {
        name: name.to_string(),
        packages: raw.packages.get_ref().clone(),
        breaking,
        floor,
        example_target,
    })
}

/// A `major.minor` release (a patch part is allowed and ignored).
fn release(text: &str, raw: &Spanned<String>, key: &str) -> Result<Release, FormatError> {
    let value = raw.get_ref().trim();
    // Digits only: `u64::parse` would also take a sign (`+2`).
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let parts: Vec<Option<u64>> = value.split('.').map(number).collect();
    match parts.as_slice() {
        [Some(major)] => Ok(Release::new(*major, 0)),
        [Some(major), Some(minor)] | [Some(major), Some(minor), Some(_)] => {
            Ok(Release::new(*major, *minor))
        }
        _ => Err(FormatError::at(
            text,
            raw.span(),
            format!("`{key}` `{value}` is not a release (expected e.g. `2.0` or `1.4.2`)"),
        )),
    }
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// `a.b.c`: identifiers joined by dots.
fn is_qualified(name: &str) -> bool {
    !name.is_empty() && name.split('.').all(is_identifier)
}

fn check_rule(
    text: &str,
    raw: &RawRule,
    line: usize,
    prefix: &str,
    library: &LibrarySpec,
) -> Result<RuleSpec, FormatError> {
    let code = raw.code.get_ref().trim().to_string();
    let at = |span: std::ops::Range<usize>, message: String| {
        FormatError::at(text, span, format!("rule `{code}`: {message}"))
    };
    let digits = code.strip_prefix(prefix).unwrap_or("");
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FormatError::at(
            text,
            raw.code.span(),
            format!("code `{code}` must be the pack's prefix `{prefix}` followed by digits"),
        ));
    }
    let name = raw.name.get_ref().trim().to_string();
    if !is_identifier(&name) {
        return Err(at(
            raw.name.span(),
            format!("`name` `{name}` must be one word, e.g. `ConnectTimeoutRenamed`"),
        ));
    }
    if raw.summary.trim().is_empty() {
        return Err(at(raw.code.span(), "`summary` is empty".to_string()));
    }
    let review = match &raw.review {
        Some(review) if review.get_ref().trim().is_empty() => {
            return Err(at(
                review.span(),
                "`review` is empty: say what must be checked, or remove the key once it is"
                    .to_string(),
            ))
        }
        Some(review) => Some(review.get_ref().trim().to_string()),
        None => None,
    };
    let since = match &raw.since {
        Some(since) => release(text, since, "since")?,
        None => library.breaking,
    };
    let requires = match &raw.requires {
        Some(requires) => release(text, requires, "requires")?,
        None => since,
    };
    let names_list = |field: &Option<Spanned<Vec<String>>>, key: &str| {
        let Some(list) = field else {
            return Err(at(
                raw.kind.span(),
                format!("a `{}` rule needs `{key}`", raw.kind.get_ref()),
            ));
        };
        if list.get_ref().is_empty() {
            return Err(at(list.span(), format!("`{key}` is empty")));
        }
        for name in list.get_ref() {
            check_library_name(name, library).map_err(|why| at(list.span(), why))?;
        }
        Ok(list.get_ref().clone())
    };
    let callables = || -> Result<Vec<Callable>, FormatError> {
        let Some(list) = &raw.callables else {
            return Err(at(
                raw.kind.span(),
                format!("a `{}` rule needs `callables`", raw.kind.get_ref()),
            ));
        };
        if list.get_ref().is_empty() {
            return Err(at(list.span(), "`callables` is empty".to_string()));
        }
        let span = list.span();
        let version = |value: &Option<String>, key: &str| -> Result<Option<Release>, FormatError> {
            value
                .as_ref()
                .map(|v| release(text, &Spanned::new(span.clone(), v.clone()), key))
                .transpose()
        };
        list.get_ref()
            .iter()
            .map(|entry| {
                let callable = match entry {
                    RawCallable::Name(name) => Callable {
                        name: name.clone(),
                        since: None,
                        requires: None,
                        message: None,
                    },
                    RawCallable::Table(table) => Callable {
                        name: table.name.clone(),
                        since: version(&table.since, "since")?,
                        requires: version(&table.requires, "requires")?,
                        message: table.message.clone(),
                    },
                };
                check_library_name(&callable.name, library).map_err(|why| at(span.clone(), why))?;
                if let Some(message) = &callable.message {
                    check_template(message).map_err(|why| at(span.clone(), why))?;
                }
                Ok(callable)
            })
            .collect()
    };
    let keyword = |field: &Option<Spanned<String>>, key: &str| {
        let Some(word) = field else {
            return Err(at(
                raw.kind.span(),
                format!("a `{}` rule needs `{key}`", raw.kind.get_ref()),
            ));
        };
        let word = word.get_ref().trim();
        if !is_identifier(word) {
            return Err(at(
                field.as_ref().map_or(0..0, Spanned::span),
                format!("`{key}` `{word}` is not a keyword name"),
            ));
        }
        Ok(word.to_string())
    };
    // Which optional fields the kind reads: any other is an error.
    let (kind, used): (Kind, &[&str]) = match raw.kind.get_ref().as_str() {
        "rename-keyword" => {
            let old = keyword(&raw.old, "old")?;
            let new = keyword(&raw.new, "new")?;
            if old == new {
                return Err(at(raw.kind.span(), "`old` and `new` are the same".into()));
            }
            (
                Kind::RenameKeyword {
                    callables: callables()?,
                    old,
                    new,
                    when_both: match raw
                        .when_both
                        .as_ref()
                        .map(|w| (w.get_ref().as_str(), w.span()))
                    {
                        None | Some(("review", _)) => WhenBoth::Review,
                        Some(("remove-old", _)) => WhenBoth::RemoveOld,
                        Some((other, span)) => {
                            return Err(at(
                                span,
                                format!("`when-both` `{other}`: expected `review` or `remove-old`"),
                            ))
                        }
                    },
                    keyword_dicts: raw.keyword_dicts.unwrap_or(true),
                    value: new_value(raw).map_err(|(span, why)| at(span, why))?,
                },
                &[
                    "callables",
                    "old",
                    "new",
                    "when-both",
                    "message-both",
                    "title-both",
                    "message-ambiguous",
                    "keyword-dicts",
                    "value",
                    "imports",
                    "message-mapping",
                    "mapping-entry",
                ],
            )
        }
        "remove-keyword" => {
            let keywords = match (&raw.keyword, &raw.keywords) {
                (Some(_), None) => vec![RemovedKeyword {
                    name: keyword(&raw.keyword, "keyword")?,
                    message: None,
                    default: None,
                    message_kept: None,
                }],
                (None, Some(list)) if !list.get_ref().is_empty() => {
                    let mut keywords = Vec::new();
                    for entry in list.get_ref() {
                        if !is_identifier(&entry.name) {
                            return Err(at(
                                list.span(),
                                format!("`keywords`: `{}` is not a keyword name", entry.name),
                            ));
                        }
                        for template in [&entry.message, &entry.message_kept].into_iter().flatten()
                        {
                            check_template(template).map_err(|why| at(list.span(), why))?;
                        }
                        keywords.push(RemovedKeyword {
                            name: entry.name.clone(),
                            message: entry.message.clone(),
                            default: entry.default.clone(),
                            message_kept: entry.message_kept.clone(),
                        });
                    }
                    keywords
                }
                _ => {
                    return Err(at(
                        raw.kind.span(),
                        "a `remove-keyword` rule needs `keyword`, or a non-empty `keywords` list"
                            .into(),
                    ))
                }
            };
            (
                Kind::RemoveKeyword {
                    callables: callables()?,
                    keywords,
                    safe: raw.safe.unwrap_or(true),
                },
                &[
                    "callables",
                    "keyword",
                    "keywords",
                    "message-ambiguous",
                    "safe",
                ],
            )
        }
        kind @ ("move-name" | "rename-attribute") => {
            let mut moves = Vec::new();
            let mut pairs: Vec<(String, String, std::ops::Range<usize>)> = Vec::new();
            if let (Some(old), Some(new)) = (&raw.old, &raw.new) {
                pairs.push((
                    old.get_ref().trim().to_string(),
                    new.get_ref().trim().to_string(),
                    old.span(),
                ));
            } else if raw.old.is_some() || raw.new.is_some() {
                return Err(at(raw.kind.span(), "`old` and `new` go together".into()));
            }
            for pair in raw.moves.iter().flatten() {
                let m = pair.get_ref();
                pairs.push((
                    m.old.trim().to_string(),
                    m.new.trim().to_string(),
                    pair.span(),
                ));
            }
            if pairs.is_empty() {
                return Err(at(
                    raw.kind.span(),
                    format!("a `{kind}` rule needs `old` and `new`, or `moves`"),
                ));
            }
            for (old, new, span) in pairs {
                check_library_name(&old, library).map_err(|why| at(span.clone(), why))?;
                if !is_qualified(&new) || !new.contains('.') {
                    return Err(at(
                        span,
                        format!("`{new}` is not a qualified name (`module.Name`)"),
                    ));
                }
                if old == new {
                    return Err(at(span, format!("`{old}` moves to itself")));
                }
                let module_of = |q: &str| q.rsplit_once('.').map(|(m, _)| m.to_string());
                if kind == "rename-attribute" && module_of(&old) != module_of(&new) {
                    return Err(at(
                        span,
                        format!("a `rename-attribute` keeps the module: `{old}` and `{new}` are in two (use `move-name`)"),
                    ));
                }
                moves.push((old, new));
            }
            (Kind::MoveName { moves }, &["old", "new", "moves"])
        }
        "replace-call" => {
            let Some(template) = &raw.template else {
                return Err(at(
                    raw.kind.span(),
                    "a `replace-call` rule needs `template`".into(),
                ));
            };
            let parameters = raw
                .parameters
                .as_ref()
                .map(|p| p.get_ref().clone())
                .unwrap_or_default();
            if let Some(bad) = parameters.iter().find(|p| !is_identifier(p)) {
                return Err(at(
                    raw.parameters.as_ref().map_or(0..0, Spanned::span),
                    format!("`parameters`: `{bad}` is not a parameter name"),
                ));
            }
            let parts = parse_call_template(template.get_ref(), &parameters)
                .map_err(|why| at(template.span(), why))?;
            let imports = raw
                .imports
                .as_ref()
                .map(|i| i.get_ref().clone())
                .unwrap_or_default();
            if let Some(bad) = imports.iter().find(|m| !is_qualified(m)) {
                return Err(at(
                    raw.imports.as_ref().map_or(0..0, Spanned::span),
                    format!("`imports`: `{bad}` is not a module name"),
                ));
            }
            (
                Kind::ReplaceCall {
                    callables: callables()?,
                    replace: ReplaceCall {
                        template: parts,
                        parameters,
                        imports,
                        safe: raw.safe.unwrap_or(false),
                    },
                },
                &[
                    "callables",
                    "template",
                    "parameters",
                    "imports",
                    "safe",
                    "message-ambiguous",
                ],
            )
        }
        "rename-method" => {
            let mut renames = Vec::new();
            if raw.old.is_some() || raw.new.is_some() {
                renames.push(MethodRename {
                    old: keyword(&raw.old, "old")?,
                    new: keyword(&raw.new, "new")?,
                    keywords: Vec::new(),
                });
            }
            for pair in raw.renames.iter().flatten() {
                let entry = pair.get_ref();
                let (old, new) = (&entry.old, &entry.new);
                if !is_identifier(old) || !is_identifier(new) {
                    return Err(at(
                        pair.span(),
                        format!("`renames`: `{old}` → `{new}` are not both method names"),
                    ));
                }
                let mut keywords = Vec::new();
                for kw in &entry.keywords {
                    if !is_identifier(&kw.old) || !is_identifier(&kw.new) || kw.old == kw.new {
                        return Err(at(
                            pair.span(),
                            format!(
                                "`renames`: `{old}`'s keyword `{}` → `{}` is not a rename of one keyword name to another",
                                kw.old, kw.new
                            ),
                        ));
                    }
                    keywords.push((kw.old.clone(), kw.new.clone()));
                }
                renames.push(MethodRename {
                    old: old.clone(),
                    new: new.clone(),
                    keywords,
                });
            }
            if renames.is_empty() {
                return Err(at(
                    raw.kind.span(),
                    "a `rename-method` rule needs `old` and `new`, or `renames`".into(),
                ));
            }
            if let Some(rename) = renames.iter().find(|r| r.old == r.new) {
                return Err(at(
                    raw.kind.span(),
                    format!("`{}` is renamed to itself", rename.old),
                ));
            }
            (
                Kind::RenameMethod {
                    classes: names_list(&raw.classes, "classes")?,
                    renames,
                },
                &["classes", "old", "new", "renames"],
            )
        }
        "flag" => {
            if raw.message.is_none() {
                return Err(at(
                    raw.kind.span(),
                    "a `flag` rule needs `message`: what to write instead".into(),
                ));
            }
            if let Some(methods) = &raw.methods {
                if raw.names.is_some() || raw.keyword.is_some() {
                    return Err(at(
                        raw.kind.span(),
                        "a `flag` rule has one of `names`, `keyword` (with `callables`) or `methods` (with `classes`)".into(),
                    ));
                }
                if let Some(bad) = methods.get_ref().iter().find(|m| !is_identifier(m)) {
                    return Err(at(
                        methods.span(),
                        format!("`methods`: `{bad}` is not a method name"),
                    ));
                }
                if methods.get_ref().is_empty() {
                    return Err(at(methods.span(), "`methods` is empty".into()));
                }
                (
                    Kind::FlagMethod {
                        classes: names_list(&raw.classes, "classes")?,
                        methods: methods.get_ref().clone(),
                    },
                    &["classes", "methods"],
                )
            } else {
                match (&raw.names, &raw.keyword) {
                (Some(_), None) => (
                    Kind::FlagName {
                        names: names_list(&names_of(&raw.names), "names")?,
                        messages: {
                            let mut messages = std::collections::BTreeMap::new();
                            for entry in raw.names.iter().flat_map(|n| n.get_ref()) {
                                if let Some(message) = entry.table().and_then(|t| t.message.as_ref()) {
                                    check_template(message).map_err(|why| {
                                        at(raw.names.as_ref().map_or(0..0, Spanned::span), why)
                                    })?;
                                    messages.insert(entry.name().to_string(), message.clone());
                                }
                            }
                            messages
                        },
                    },
                    &["names"],
                ),
                (None, Some(_)) => (
                    Kind::FlagKeyword {
                        callables: callables()?,
                        keyword: keyword(&raw.keyword, "keyword")?,
                    },
                    &["callables", "keyword", "message-ambiguous"],
                ),
                _ => {
                    return Err(at(
                        raw.kind.span(),
                        "a `flag` rule needs `names` (removed modules or names), `keyword` and `callables`, or `methods` and `classes`".into(),
                    ))
                }
            }
            }
        }
        other => {
            return Err(at(
                raw.kind.span(),
                format!("unknown kind `{other}` (kinds: {})", KINDS.join(", ")),
            ))
        }
    };
    let given: [(&str, bool); 22] = [
        ("value", raw.value.is_some()),
        ("message-mapping", raw.message_mapping.is_some()),
        ("mapping-entry", raw.mapping_entry.is_some()),
        ("renames", raw.renames.is_some()),
        ("methods", raw.methods.is_some()),
        ("keyword-dicts", raw.keyword_dicts.is_some()),
        ("classes", raw.classes.is_some()),
        ("template", raw.template.is_some()),
        ("parameters", raw.parameters.is_some()),
        ("imports", raw.imports.is_some()),
        ("safe", raw.safe.is_some()),
        ("callables", raw.callables.is_some()),
        ("keywords", raw.keywords.is_some()),
        ("old", raw.old.is_some()),
        ("new", raw.new.is_some()),
        ("keyword", raw.keyword.is_some()),
        ("names", raw.names.is_some()),
        ("moves", raw.moves.is_some()),
        ("when-both", raw.when_both.is_some()),
        ("message-both", raw.message_both.is_some()),
        ("title-both", raw.title_both.is_some()),
        ("message-ambiguous", raw.message_ambiguous.is_some()),
    ];
    for template in [
        &raw.message,
        &raw.title,
        &raw.message_both,
        &raw.title_both,
        &raw.message_ambiguous,
        &raw.message_mapping,
    ]
    .into_iter()
    .flatten()
    {
        check_template(template).map_err(|why| at(raw.kind.span(), why))?;
    }
    if let Some((key, _)) = given
        .iter()
        .find(|(key, present)| *present && !used.contains(key))
    {
        return Err(at(
            raw.kind.span(),
            format!("a `{}` rule takes no `{key}`", raw.kind.get_ref()),
        ));
    }
    Ok(RuleSpec {
        code,
        name,
        summary: raw.summary.split_whitespace().collect::<Vec<_>>().join(" "),
        doc: raw.doc.trim().to_string(),
        source: raw.source.clone(),
        since,
        requires,
        message: raw.message.clone(),
        title: raw.title.clone(),
        messages: ExtraMessages {
            both: raw.message_both.clone(),
            title_both: raw.title_both.clone(),
            ambiguous: raw.message_ambiguous.clone(),
            mapping: raw.message_mapping.clone(),
        },
        opt_in: raw.opt_in,
        review,
        line,
        kind,
    })
}

/// `rename-keyword`'s `value`, `imports`, `message-mapping` and
/// `mapping-entry`, checked; an error with the span it is about.
fn new_value(raw: &RawRule) -> Result<NewValue, (std::ops::Range<usize>, String)> {
    let template = match &raw.value {
        Some(value) => {
            check_value_template(value.get_ref(), &["value"])
                .map_err(|why| (value.span(), format!("`value`: {why}")))?;
            Some(value.get_ref().clone())
        }
        None => None,
    };
    let imports = match &raw.imports {
        Some(imports) if template.is_none() => {
            return Err((
                imports.span(),
                "`imports` names the modules `value` spells: give `value` too".into(),
            ))
        }
        Some(imports) => {
            if let Some(bad) = imports.get_ref().iter().find(|m| !is_qualified(m)) {
                return Err((
                    imports.span(),
                    format!("`imports`: `{bad}` is not a module name"),
                ));
            }
            imports.get_ref().clone()
        }
        None => Vec::new(),
    };
    let mapping_entry = match (&raw.mapping_entry, &raw.message_mapping) {
        (Some(entry), Some(_)) => {
            check_value_template(entry.get_ref(), &["key", "value"])
                .map_err(|why| (entry.span(), format!("`mapping-entry`: {why}")))?;
            Some(entry.get_ref().clone())
        }
        (None, None) => None,
        _ => {
            return Err((
                raw.kind.span(),
                "`message-mapping` and `mapping-entry` go together".into(),
            ))
        }
    };
    Ok(NewValue {
        template,
        imports,
        mapping_entry,
    })
}

/// The qualified names of a `names` list, with the list's span.
fn names_of(raw: &Option<Spanned<Vec<RawName>>>) -> Option<Spanned<Vec<String>>> {
    raw.as_ref().map(|list| {
        Spanned::new(
            list.span(),
            list.get_ref()
                .iter()
                .map(|n| n.name().to_string())
                .collect(),
        )
    })
}

/// Every `{name}` in a template must be a placeholder (`{{` and `}}` are
/// literal braces).
fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template.replace("{{", "").replace("}}", "");
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!(
                "`{template}`: a `{{` is never closed (write `{{{{` for a brace)"
            ));
        };
        let name = &rest[open + 1..open + close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "`{{{name}}}` is not a placeholder (placeholders: {})",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = rest[open + close + 1..].to_string();
    }
    Ok(())
}

/// A name the rule matches must be under one of the library's packages:
/// that is what lets Ferry skip files that import none of them.
fn check_library_name(name: &str, library: &LibrarySpec) -> Result<(), String> {
    if !is_qualified(name) {
        return Err(format!(
            "`{name}` is not a qualified name (identifiers joined by dots)"
        ));
    }
    let top = name.split('.').next().unwrap_or(name);
    if !library.packages.iter().any(|p| p == top) {
        return Err(format!(
            "`{name}` is not under the library's packages ({})",
            library.packages.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_counting_from_the_start() {
        for text in ["", "\n", "a", "a\n", "a\nb", "\n\nab\r\ncd\n", "é\nü\n\nx"] {
            let lines = Lines::new(text);
            for offset in
                (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o))
            {
                assert_eq!(
                    lines.of(offset),
                    line_of(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
