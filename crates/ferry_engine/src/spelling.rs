//! Whether a text can refer to a qualified name, read off its bytes before
//! it is parsed ([`Rule::referenced_names`]).
//!
//! The semantic model resolves a name to `package.module.X` in few ways:
//! `from package.module import X` (or `*`), an attribute chain whose last
//! link is `module.X` or `alias.X` (an alias bound by `import ... as`, by
//! `alias = chain` or `alias := chain`), and, for a top-level module, an
//! `import` or `from` that names it. A text that spells none of these
//! cannot resolve the name anywhere: a modern module that imports
//! `Mapping` from `collections.abc` and `re` for `re.compile` never reaches
//! `collections.Mapping` or `re.template`, though it spells both words of
//! each. Where the bytes cannot tell (a chain broken over lines, a
//! parenthesized root), the answer is yes: this only ever skips a rule
//! that could not report.
//!
//! [`Rule::referenced_names`]: crate::Rule::referenced_names

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::check::whole_word_at;

/// Whether `text` can refer to the qualified `name` (`collections.Mapping`,
/// or a top-level module: `chunk`) anywhere: `false` only where the
/// semantic model cannot resolve anything in it to `name`.
pub fn may_refer_to(text: &str, name: &str) -> bool {
    Spelling::new(text).may_refer_to(name)
}

/// What a text's import statements may make reachable, read off its
/// bytes: every import statement's, and whatever else the word `import`
/// stands before in comments and strings. A name resolves only through an
/// import ([`SemanticModel::resolve_expr`]), so a rule about names none of
/// which is reachable here cannot report.
///
/// [`SemanticModel::resolve_expr`]: ferry_python::SemanticModel::resolve_expr
#[derive(Debug, Default)]
pub struct Imports<'t> {
    /// What the statements bind, under which names resolve: `a` for
    /// `import a.b`, `a.b` for `import a.b as c`, `m.n` for `from m import
    /// n` (as `m` and `n`), `m` for `from m import *`. Sorted.
    bound: Vec<(Cow<'t, str>, Option<&'t str>)>,
    /// The modules the statements name (`a.b` for `import a.b`, `m` for
    /// `from m import n`): a rule about a module reports its imports.
    /// Sorted.
    named: Vec<&'t str>,
    /// The top-level packages of `bound` and `named`: a few.
    packages: Vec<&'t str>,
}

impl<'t> Imports<'t> {
    pub fn in_text(text: &'t str) -> Self {
        Self::of_packages(text, None)
    }

    /// [`Self::in_text`] for names in `packages` alone (sorted; `None`:
    /// all): the imports of other packages are passed over as they are
    /// read, so a file that imports none of a pack's costs no sorting.
    pub fn of_packages(text: &'t str, packages: Option<&[&str]>) -> Self {
        let bytes = text.as_bytes();
        let mut imports = Imports::default();
        let wanted = |dotted: &str| {
            packages.is_none_or(|packages| packages.binary_search(&first_part(dotted)).is_ok())
        };
        for start in memchr::memmem::find_iter(bytes, b"import") {
            let end = start + b"import".len();
            if !whole_word_at(bytes, start, end) {
                continue;
            }
            match from_module_start(bytes, start) {
                Some(at) => imports.read_from(text, at, end, wanted),
                None => imports.read_import(text, end, wanted),
            }
        }
        imports.bound.sort_unstable();
        imports.bound.dedup();
        imports.named.sort_unstable();
        imports.named.dedup();
        let top = |name: &'t str| name.split('.').next().unwrap_or(name);
        let mut packages: Vec<&'t str> = imports.named.iter().map(|n| top(n)).collect();
        packages.sort_unstable();
        packages.dedup();
        imports.packages = packages;
        imports
    }

    /// `from module import a, b as c` with the module at `at`, the names
    /// after `names`.
    fn read_from(&mut self, text: &'t str, at: usize, names: usize, wanted: impl Fn(&str) -> bool) {
        let bytes = text.as_bytes();
        let Some(module_end) = dotted_end(bytes, at) else {
            return; // relative
        };
        let module = &text[at..module_end];
        if !wanted(module) {
            return;
        }
        self.name_module(module);
        let list = &bytes[names..import_list_end(bytes, names)];
        if memchr::memchr(b'*', list).is_some() {
            self.bound.push((Cow::Borrowed(module), None));
        }
        let mut i = 0;
        while i < list.len() {
            if !is_ident(list[i]) || i > 0 && is_ident(list[i - 1]) {
                i += 1;
                continue;
            }
            let word = &text[names + i..names + ident_end(list, i)];
            i += word.len();
            // `as` and an alias are bound to nothing else; more is harmless.
            self.bound.push((Cow::Borrowed(module), Some(word)));
        }
    }

    /// `import a.b as c, d` with the names after `at`.
    fn read_import(&mut self, text: &'t str, mut at: usize, wanted: impl Fn(&str) -> bool) {
        let bytes = text.as_bytes();
        loop {
            let start = skip_blanks(bytes, at);
            let Some(end) = dotted_end(bytes, start) else {
                return;
            };
            let dotted = &text[start..end];
            let keep = wanted(dotted);
            if keep {
                self.name_module(dotted);
            }
            at = skip_blanks(bytes, end);
            if word_at(bytes, at) == Some(b"as".as_slice()) {
                if keep {
                    self.bound.push((normalized(dotted), None));
                }
                at = skip_blanks(bytes, ident_end(bytes, skip_blanks(bytes, at + 2)));
            } else if keep {
                let top = ident_end(bytes, start);
                self.bound.push((Cow::Borrowed(&text[start..top]), None));
            }
            if bytes.get(at) != Some(&b',') {
                return;
            }
            at += 1;
        }
    }

    /// Notes a module an import names, and its packages.
    fn name_module(&mut self, dotted: &'t str) {
        if !dotted
            .bytes()
            .any(|b| b == b' ' || b == b'\t' || b == b'\\')
        {
            self.named.push(dotted);
        } else {
            // Rare spacing: the first part stands for it, covering more.
            self.named.push(first_part(dotted));
        }
    }

    /// Whether a name can resolve to `name` (a module, a class...): it is
    /// at or under something an import binds, or a module an import names
    /// is in it.
    pub fn may_reach(&self, name: &str) -> bool {
        let package = name.split('.').next().unwrap_or(name);
        if !self.imports_package(package) {
            // Most names of most rules: settled without comparing names.
            return false;
        }
        let under = |outer: &str, inner: &str| {
            inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        };
        let under_bound = |(module, imported): &(Cow<'_, str>, Option<&str>)| match imported {
            None => under(module, name),
            // `module.imported`, compared without building it.
            Some(imported) => name
                .strip_prefix(module.as_ref())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| under(imported, rest)),
        };
        self.bound.iter().any(under_bound) || self.named.iter().any(|module| under(name, module))
    }

    /// Whether an import names `package` or a module in it.
    pub fn imports_package(&self, package: &str) -> bool {
        self.packages.contains(&package)
    }
}

/// The first identifier of a dotted name as written (`a` of `a . b`).
fn first_part(dotted: &str) -> &str {
    dotted
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or(dotted)
}

/// Where the dotted name starting at `at` ends (blanks around its dots
/// allowed); `None` if none starts there.
fn dotted_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut end = ident_end(bytes, at);
    if end == at {
        return None;
    }
    loop {
        let dot = skip_blanks(bytes, end);
        if bytes.get(dot) != Some(&b'.') {
            return Some(end);
        }
        let part = skip_blanks(bytes, dot + 1);
        let part_end = ident_end(bytes, part);
        if part_end == part {
            return Some(end);
        }
        end = part_end;
    }
}

/// A dotted name without the blanks and line continuations it may hold.
fn normalized(dotted: &str) -> Cow<'_, str> {
    if !dotted
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b == b'\\')
    {
        return Cow::Borrowed(dotted);
    }
    let parts: Vec<&str> = dotted
        .split('.')
        .map(|part| part.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\\'))
        .collect();
    Cow::Owned(parts.join("."))
}

/// For an `import` at `import` that ends `from module import`: where the
/// module's name starts (at a dot, for a relative import). `None`: no
/// `from` before it.
fn from_module_start(bytes: &[u8], import: usize) -> Option<usize> {
    let mut at = skip_blanks_back(bytes, import);
    let mut module_start = None;
    loop {
        match at.checked_sub(1).map(|i| bytes[i]) {
            Some(b'.') => {
                module_start = Some(at - 1);
                at = skip_blanks_back(bytes, at - 1);
            }
            Some(byte) if is_ident(byte) => {
                let start = ident_start(bytes, at);
                if &bytes[start..at] == b"from" {
                    return module_start.map(|_| skip_blanks(bytes, at));
                }
                module_start = Some(start);
                at = skip_blanks_back(bytes, start);
            }
            _ => return None,
        }
    }
}

/// The identifier starting at `at`, if one does.
fn word_at(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let end = ident_end(bytes, at);
    (end > at).then(|| &bytes[at..end])
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// What one text's references are checked against: its aliases, found the
/// first time a chain's root needs them.
pub(crate) struct Spelling<'t> {
    text: &'t [u8],
    aliases: OnceCell<Aliases<'t>>,
}

/// The names a text may bind to a module or an object, with what each
/// may stand for.
#[derive(Default)]
struct Aliases<'t> {
    /// `import a.b as name`, `from a import b as name`: the name and `b`,
    /// the last part of what it is bound to. Sorted.
    imported: Vec<(&'t [u8], &'t [u8])>,
    /// `name = a.b` (also annotated, or `:=`): the name and `b`, or `None`
    /// where the value is a single name or parenthesized, which may be
    /// bound to anything. Sorted.
    assigned: Vec<(&'t [u8], Option<&'t [u8]>)>,
}

impl<'t> Spelling<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Self {
            text: text.as_bytes(),
            aliases: OnceCell::new(),
        }
    }

    /// Whether the text can refer to `name` (`collections.Mapping`, or a
    /// top-level module: `chunk`).
    pub(crate) fn may_refer_to(&self, name: &str) -> bool {
        let bytes = self.text;
        let parts: Vec<&str> = name.split('.').collect();
        let (last, parents) = parts.split_last().expect("split gives one part at least");
        for start in memchr::memmem::find_iter(bytes, last.as_bytes()) {
            let end = start + last.len();
            if !whole_word_at(bytes, start, end) {
                continue;
            }
            if parents.is_empty() {
                // An import never spans lines but with a backslash.
                let before = skip_blanks_back(bytes, start);
                let after_dot = before > 0 && bytes[before - 1] == b'.';
                if !after_dot && in_import(bytes, before) {
                    return true;
                }
                continue;
            }
            match before_link(bytes, start) {
                Before::Dot(dot) if self.link_before_refers(dot, parents) => return true,
                Before::CannotTell => return true,
                Before::Dot(_) | Before::Other => {}
            }
            // A bare `X` is bound by a `from parent import`, found below.
        }
        !parents.is_empty() && imports_from(bytes, parents, last.as_bytes())
    }

    /// Whether the link of a chain before the dot at `dot` can be the
    /// module or object `parts` name.
    fn link_before_refers(&self, dot: usize, parts: &[&str]) -> bool {
        let bytes = self.text;
        let at = match skip_back_in_brackets(bytes, dot) {
            Back::To(at) => at,
            Back::CannotTell => return true,
        };
        match at.checked_sub(1).map(|i| bytes[i]) {
            Some(byte) if is_ident(byte) => self.link_refers(at, parts),
            // `(root).X` is `root.X`; `call(...).X` is not a chain.
            Some(b')') => parenthesized_root(bytes, at - 1),
            _ => false,
        }
    }

    /// Whether the identifier ending at `end`, a link of a chain, can be
    /// the module or object `parts` name.
    fn link_refers(&self, end: usize, parts: &[&str]) -> bool {
        let bytes = self.text;
        let (part, parents) = parts.split_last().expect("a name has parts");
        let start = ident_start(bytes, end);
        let word = &bytes[start..end];
        let before = before_link(bytes, start);
        if word == part.as_bytes() {
            return match (parents.is_empty(), before) {
                // The top-level module itself, or its name at the end of
                // a longer chain: either way no more is known.
                (true, _) | (false, Before::CannotTell) => true,
                (false, Before::Dot(dot)) => self.link_before_refers(dot, parents),
                (false, Before::Other) => {
                    imports_from(bytes, parents, word) || self.is_alias_of(word, part.as_bytes())
                }
            };
        }
        match before {
            Before::Other => self.is_alias_of(word, part.as_bytes()),
            Before::CannotTell => true,
            Before::Dot(_) => false,
        }
    }

    /// Whether `name` may be bound to something whose last part is `last`.
    fn is_alias_of(&self, name: &[u8], last: &[u8]) -> bool {
        let aliases = self.aliases.get_or_init(|| Aliases::of(self.text));
        let imported = aliases.imported.partition_point(|(n, _)| *n < name);
        let assigned = aliases.assigned.partition_point(|(n, _)| *n < name);
        aliases.imported[imported..]
            .iter()
            .take_while(|(n, _)| *n == name)
            .any(|(_, bound)| *bound == last)
            || aliases.assigned[assigned..]
                .iter()
                .take_while(|(n, _)| *n == name)
                .any(|(_, value)| value.is_none_or(|value| value == last))
    }
}

impl<'t> Aliases<'t> {
    /// Every `as` and every assignment of the text: more than the
    /// bindings the semantic model makes aliases, never fewer.
    fn of(bytes: &'t [u8]) -> Self {
        let mut aliases = Aliases::default();
        for start in memchr::memmem::find_iter(bytes, b"as") {
            if !whole_word_at(bytes, start, start + 2) {
                continue;
            }
            let at = skip_blanks(bytes, start + 2);
            let name = &bytes[at..ident_end(bytes, at)];
            let bound = word_ending_at(bytes, skip_blanks_back(bytes, start));
            if let (false, Some(bound)) = (name.is_empty(), bound) {
                aliases.imported.push((name, bound));
            }
        }
        for at in memchr::memchr_iter(b'=', bytes) {
            let next = bytes.get(at + 1).copied();
            let previous = at.checked_sub(1).map(|i| bytes[i]);
            if next == Some(b'=') || previous.is_some_and(|b| b"=!<>+-*/%&|^@".contains(&b)) {
                continue;
            }
            let value = assigned_value(bytes, at + 1);
            let Some(value) = value else { continue };
            if previous == Some(b':') {
                // `name := value`
                if let Some(name) = word_ending_at(bytes, skip_blanks_back(bytes, at - 1)) {
                    aliases.assigned.push((name, value));
                }
                continue;
            }
            for name in assignment_targets(bytes, at) {
                aliases.assigned.push((name, value));
            }
        }
        aliases.imported.sort_unstable();
        aliases.imported.dedup();
        aliases.assigned.sort_unstable();
        aliases.assigned.dedup();
        aliases
    }
}

/// What a value starting at `at` may alias: `Some(Some(last))` for a chain
/// `a.b` (`b`), `Some(None)` for a single name or a parenthesized value,
/// `None` for anything else (a call, a literal), which binds no alias.
fn assigned_value(bytes: &[u8], at: usize) -> Option<Option<&[u8]>> {
    let mut at = skip_blanks(bytes, at);
    if bytes.get(at) == Some(&b'(') {
        return Some(None);
    }
    let mut links = 0;
    let last = loop {
        let end = ident_end(bytes, at);
        if end == at {
            return None;
        }
        let link = &bytes[at..end];
        links += 1;
        at = skip_blanks(bytes, end);
        if bytes.get(at) != Some(&b'.') {
            break link;
        }
        at = skip_blanks(bytes, at + 1);
    };
    let ends = matches!(
        bytes.get(at),
        None | Some(b'\n' | b'\r' | b';' | b'#' | b')')
    );
    match (ends, links) {
        (false, _) => None,
        (true, 1) => Some(None),
        (true, _) => Some(Some(last)),
    }
}

/// The names an assignment whose `=` is at `at` may bind: its statement's
/// text before the `=` (from the line's start or a `;`) when that is one
/// name, the name before an annotation's `:`, the name after a compound
/// statement's `:` (`if x: name = ...`).
fn assignment_targets(bytes: &[u8], at: usize) -> Vec<&[u8]> {
    let start = memchr::memrchr3(b'\n', b';', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
    let statement = &bytes[start..at];
    let is_name = |text: &[u8]| !text.is_empty() && text.iter().all(|&b| is_ident(b));
    let mut names = Vec::new();
    let whole = statement.trim_ascii();
    if is_name(whole) {
        names.push(whole);
    }
    if let Some(colon) = memchr::memchr(b':', statement) {
        let annotated = statement[..colon].trim_ascii();
        if is_name(annotated) {
            names.push(annotated);
        }
    }
    if let Some(colon) = memchr::memrchr(b':', statement) {
        let after = statement[colon + 1..].trim_ascii();
        if is_name(after) {
            names.push(after);
        }
    }
    names
}

/// What stands before a chain's link.
enum Before {
    /// A dot, at this index: the link is an attribute.
    Dot(usize),
    /// Anything else: the link is the chain's root.
    Other,
    /// A comment on the line before: the bytes cannot tell.
    CannotTell,
}

/// What stands before the identifier starting at `start`, across the line
/// breaks a chain in brackets may have.
fn before_link(bytes: &[u8], start: usize) -> Before {
    match skip_back_in_brackets(bytes, start) {
        Back::CannotTell => Before::CannotTell,
        Back::To(at) if at > 0 && bytes[at - 1] == b'.' => Before::Dot(at - 1),
        Back::To(_) => Before::Other,
    }
}

/// Where a search back from a chain's dot lands.
enum Back {
    /// The byte after the link before the dot.
    To(usize),
    /// A comment stands between: the link cannot be read back.
    CannotTell,
}

/// `at` moved back over blanks and, inside brackets, line breaks: from a
/// chain's dot, to the end of the link before it; from a link, to its dot.
fn skip_back_in_brackets(bytes: &[u8], at: usize) -> Back {
    let mut at = skip_blanks_back(bytes, at);
    while at > 0 && matches!(bytes[at - 1], b'\n' | b'\r') {
        let line_end = at - 1;
        let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..line_end]).map_or(0, |i| i + 1);
        let line = &bytes[line_start..line_end];
        if let Some(hash) = memchr::memchr(b'#', line) {
            if memchr::memchr2(b'"', b'\'', line).is_some() {
                // The `#` may sit in a string, or the line end one.
                return Back::CannotTell;
            }
            // With no quote on the line, its first `#` starts a comment, or
            // the whole line is inside a string that goes on past the link
            // read back from (which starts its own line): not code then.
            at = skip_blanks_back(bytes, line_start + hash);
            continue;
        }
        at = skip_blanks_back(bytes, line_end);
    }
    Back::To(at)
}

/// The keywords (and soft keywords) a parenthesized expression may follow.
const KEYWORDS: &[&[u8]] = &[
    b"and", b"assert", b"await", b"case", b"del", b"elif", b"else", b"for", b"from", b"if", b"in",
    b"is", b"match", b"not", b"or", b"raise", b"return", b"while", b"with", b"yield",
];

/// Whether the `)` at `close` ends a parenthesized root rather than a
/// call's or a subscript's arguments. Unsure (no matching `(` found, a
/// comment inside): yes.
fn parenthesized_root(bytes: &[u8], close: usize) -> bool {
    let mut depth = 0usize;
    for open in (0..=close).rev() {
        match bytes[open] {
            b')' => depth += 1,
            b'#' => return true,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    // `f(x)`, `f()(x)`, `a[0](x)`: a call; `return (x)`: not.
                    let before = skip_blanks_back(bytes, open);
                    return match before.checked_sub(1).map(|i| bytes[i]) {
                        Some(b')' | b']') => false,
                        Some(byte) if is_ident(byte) => word_ending_at(bytes, before)
                            .is_some_and(|word| KEYWORDS.contains(&word)),
                        _ => true,
                    };
                }
            }
            _ => {}
        }
    }
    true
}

/// Whether a top-level module's name, starting right after `before` once
/// blanks are skipped, stands in an import: right after `from` or
/// `import`, or in the list of names after an `import`.
fn in_import(bytes: &[u8], before: usize) -> bool {
    if word_ending_at(bytes, before) == Some(b"from".as_slice()) {
        return true;
    }
    let mut at = before;
    loop {
        match at.checked_sub(1).map(|i| bytes[i]) {
            Some(b',' | b'.') => at = skip_blanks_back(bytes, at - 1),
            Some(byte) if is_ident(byte) => {
                let start = ident_start(bytes, at);
                if &bytes[start..at] == b"import" {
                    return true;
                }
                at = skip_blanks_back(bytes, start);
            }
            _ => return false,
        }
    }
}

/// Whether a `from parent import ...` statement (`parent` by its parts)
/// imports `name` or `*`.
fn imports_from(bytes: &[u8], parent: &[&str], name: &[u8]) -> bool {
    let Some((head, rest)) = parent.split_first() else {
        return false;
    };
    let head = head.as_bytes();
    'found: for start in memchr::memmem::find_iter(bytes, head) {
        let mut at = start + head.len();
        if !whole_word_at(bytes, start, at)
            || word_ending_at(bytes, skip_blanks_back(bytes, start)) != Some(b"from".as_slice())
        {
            continue;
        }
        for part in rest {
            at = skip_blanks(bytes, at);
            if bytes.get(at) != Some(&b'.') {
                continue 'found;
            }
            let part_start = skip_blanks(bytes, at + 1);
            let part_end = ident_end(bytes, part_start);
            if &bytes[part_start..part_end] != part.as_bytes() {
                continue 'found;
            }
            at = part_end;
        }
        at = skip_blanks(bytes, at);
        let keyword_end = ident_end(bytes, at);
        if &bytes[at..keyword_end] != b"import" {
            continue;
        }
        let list = &bytes[keyword_end..import_list_end(bytes, keyword_end)];
        if memchr::memchr(b'*', list).is_some()
            || memchr::memmem::find_iter(list, name).any(|i| whole_word_at(list, i, i + name.len()))
        {
            return true;
        }
    }
    false
}

/// Where the names of an `import` ending at `at` end: at the closing
/// parenthesis, else at the end of the logical line.
fn import_list_end(bytes: &[u8], at: usize) -> usize {
    let at = skip_blanks(bytes, at);
    if bytes.get(at) == Some(&b'(') {
        let mut i = at + 1;
        while i < bytes.len() {
            match bytes[i] {
                b')' => return i,
                // A comment may hold a parenthesis.
                b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
                _ => i += 1,
            }
        }
        return bytes.len();
    }
    let mut i = at;
    while let Some(newline) = memchr::memchr(b'\n', &bytes[i..]) {
        let end = i + newline;
        let line = &bytes[..end];
        if !(line.ends_with(b"\\") || line.ends_with(b"\\\r")) {
            return end;
        }
        i = end + 1;
    }
    bytes.len()
}

/// `at` moved back over spaces, tabs, form feeds and backslash line
/// continuations (not over a plain line break).
fn skip_blanks_back(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 {
        match bytes[at - 1] {
            b' ' | b'\t' | b'\x0c' => at -= 1,
            b'\n' if at >= 2 && bytes[at - 2] == b'\\' => at -= 2,
            b'\n' if at >= 3 && bytes[at - 2] == b'\r' && bytes[at - 3] == b'\\' => at -= 3,
            _ => break,
        }
    }
    at
}

/// `at` moved forward over what [`skip_blanks_back`] skips.
fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\x0c' => at += 1,
            b'\\' if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            b'\\' if bytes[at + 1..].starts_with(b"\r\n") => at += 3,
            _ => break,
        }
    }
    at
}

fn ident_start(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && is_ident(bytes[at - 1]) {
        at -= 1;
    }
    at
}

fn ident_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && is_ident(bytes[at]) {
        at += 1;
    }
    at
}

/// The identifier that ends at `at`, if one does.
fn word_ending_at(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let start = ident_start(bytes, at);
    (start < at).then(|| &bytes[start..at])
}

#[cfg(test)]
mod tests {
    use super::Spelling;

    fn refers(text: &str, name: &str) -> bool {
        Spelling::new(text).may_refer_to(name)
    }

    #[test]
    fn what_a_text_imports_is_read_off_its_import_statements() {
        let text = "import os.path as p, json\nfrom collections import OrderedDict as OD, abc\nfrom . import sibling\nfrom .pkg import x\nif x: import re; import typing as t\nfrom \\\n  asyncio import (sleep,\n  # gather\n  wait)\nimport a . b,\\\n c.d\nfrom star import *\n";
        let imports = super::Imports::in_text(text);
        for reached in [
            "os.path",
            "os.path.join",
            "json",
            "json.dumps",
            "collections",
            "collections.abc.Mapping",
            "collections.OrderedDict",
            "re.template",
            "typing.IO",
            "asyncio.sleep",
            "asyncio.wait",
            "asyncio.gather",
            "a.b.c",
            "a.x",
            "c.d",
            "c.x",
            "star.anything",
        ] {
            assert!(imports.may_reach(reached), "{reached}");
        }
        for unreached in [
            "os.getcwd",
            "collections.Mapping",
            "asyncio.run",
            "sibling",
            "x",
            "pkg",
        ] {
            assert!(!imports.may_reach(unreached), "{unreached}");
        }
        assert!(imports.imports_package("os") && imports.imports_package("asyncio"));
        assert!(!imports.imports_package("pkg"));
        assert!(
            !super::Imports::in_text("importlib_metadata = 1\nx.import_module()\n")
                .imports_package("importlib")
        );
    }

    #[test]
    fn a_from_import_of_the_parent_refers_to_its_names() {
        assert!(refers(
            "from collections import Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "from collections import (\n    OrderedDict,  # (kept)\n    Mapping,\n)\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "from collections import OrderedDict, \\\n    Mapping as M\n",
            "collections.Mapping"
        ));
        assert!(refers("from collections import *\n", "collections.Mapping"));
        assert!(refers(
            "from  importlib . util  import set_package\n",
            "importlib.util.set_package"
        ));
        assert!(!refers(
            "from collections.abc import Mapping\n",
            "collections.Mapping"
        ));
        assert!(!refers(
            "from collections import OrderedDict\nMapping = 1\n",
            "collections.Mapping"
        ));
        assert!(!refers(
            "from importlib import set_package\n",
            "importlib.util.set_package"
        ));
    }

    #[test]
    fn a_chain_refers_to_a_name_through_its_parent_or_an_alias() {
        assert!(refers(
            "import collections\ncollections.Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "import collections\ncollections . Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "import collections as c\nc.Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "import collections\nc = collections\nc.Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "import collections\nc: object = collections\nc.Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "import collections\nif (c := collections):\n    c.Mapping\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "from importlib import util\nutil.set_package\n",
            "importlib.util.set_package"
        ));
        assert!(refers("import tkinter.tix\n", "tkinter.tix"));
        assert!(refers("from tkinter.tix import Balloon\n", "tkinter.tix"));
        // What the bytes cannot settle counts.
        assert!(refers(
            "x = (collections\n    .Mapping)\n",
            "collections.Mapping"
        ));
        assert!(refers(
            "x = (collections  # the module\n    .Mapping)\n",
            "collections.Mapping"
        ));
        assert!(refers("x = (collections).Mapping\n", "collections.Mapping"));
        assert!(!refers(
            "import collections.abc\ncollections.abc.Mapping\n",
            "collections.Mapping"
        ));
        assert!(!refers("import re\nself.template\n", "re.template"));
        assert!(!refers(
            "import re\nif x == y: self.template\n",
            "re.template"
        ));
        assert!(!refers("import typing\ntyping.IO\n", "typing.io.IO"));
    }

    #[test]
    fn an_alias_counts_for_what_it_may_be_bound_to() {
        let mapping = "collections.Mapping";
        assert!(refers("import collections as c\nc.Mapping\n", mapping));
        assert!(!refers("import collections.abc as c\nc.Mapping\n", mapping));
        assert!(!refers(
            "from collections import abc as c\nc.Mapping\n",
            mapping
        ));
        assert!(refers("c = collections\nc.Mapping\n", mapping));
        assert!(refers("c = col\nc.Mapping\n", mapping));
        assert!(refers("c = (collections)\nc.Mapping\n", mapping));
        assert!(refers("if x: c = collections\nc.Mapping\n", mapping));
        assert!(refers("x = 1; c = collections\nc.Mapping\n", mapping));
        assert!(refers(
            "c: Any = collections  # the module\nc.Mapping\n",
            mapping
        ));
        assert!(!refers("c = collections.abc\nc.Mapping\n", mapping));
        assert!(!refers("c = make()\nc.Mapping\n", mapping));
        assert!(!refers("c == collections\nc.Mapping\n", mapping));
        // Two targets: the semantic model binds no alias.
        assert!(!refers("a = c = collections\nc.Mapping\n", mapping));
        let io = "typing.io.IO";
        assert!(!refers("import typing as t\nt.IO\n", io));
        assert!(refers("import typing.io as tio\ntio.IO\n", io));
        assert!(refers("import typing.io\ntyping.io.IO\n", io));
        assert!(refers("from typing import io\nio.IO\n", io));
        assert!(!refers("import io\nio.IO\n", io));
        assert!(!refers("import re\nre.Pattern\n", "typing.re.Pattern"));
    }

    #[test]
    fn a_chain_over_lines_is_read_back_to_its_root() {
        let format = "locale.format";
        assert!(refers("x = (locale\n    .format)\n", format));
        assert!(refers("x = (locale  # the module\n    .format)\n", format));
        assert!(refers("x = (locale).format\n", format));
        assert!(refers("x = (\n    locale\n).format\n", format));
        assert!(!refers(
            "import locale\nx = (\"{}\"\n    .format)\n",
            format
        ));
        assert!(!refers("import locale\nx = \"{}\".format\n", format));
        assert!(!refers("import locale\nx = f(y).format\n", format));
        assert!(!refers("import locale\nx = y[0].format\n", format));
        assert!(refers(
            "from sympy import x\nassert (x).format\n",
            "sympy.x.format"
        ));
        assert!(refers("return (\n    locale.\n    format\n)\n", format));
        assert!(refers(
            "return (\n    locale.  # the module\n    format\n)\n",
            format
        ));
        assert!(refers(
            "return (\n    locale\n    .\n    format\n)\n",
            format
        ));
        // Comments on lines with no quote are passed over.
        assert!(refers(
            "x = (locale.\n    # the module\n\n    # format\n    format)\n",
            format
        ));
        assert!(refers(
            "x = (locale\n    # the module\n    .format)\n",
            format
        ));
        assert!(refers("x = (locale.  # the module\n    format)\n", format));
        for text in [
            "import locale\nx = [\n    y,\n    # a comment\n    format,\n]\n",
            "import locale\nclass E:\n    a = 1  # a comment\n    format = 2\n",
        ] {
            assert!(!refers(text, format), "{text}");
        }
        // With a quote on the line, a `#` may be a string's, or the line
        // may end a string that began above: the bytes cannot tell.
        for text in [
            "import locale\nx = [\n    \"#\" + y,\n    format,\n]\n",
            "import locale\ny = (\"\"\"\n    # a\"\"\" + locale.\n    format)\n",
        ] {
            assert!(refers(text, format), "{text}");
        }
    }

    #[test]
    fn a_top_level_module_is_referred_to_by_an_import() {
        for text in [
            "import chunk\n",
            "import os, chunk\n",
            "import os.path as p, chunk.sub\n",
            "import os, \\\n    chunk\n",
            "from chunk import Chunk\n",
            "from chunk.sub import Chunk\n",
            "if x: import chunk\n",
        ] {
            assert!(refers(text, "chunk"), "{text}");
        }
        for text in [
            "chunk = read()\n",
            "x.chunk\n",
            "import data.chunk\n",
            "f(a, chunk)\n",
            "if chunk:\n    chunk(1)\n",
        ] {
            assert!(!refers(text, "chunk"), "{text}");
        }
    }

    #[test]
    fn a_name_inside_another_word_is_not_spelled() {
        assert!(!refers(
            "import collections\ncollections.MappingProxy\n",
            "collections.Mapping"
        ));
        assert!(!refers(
            "from collections import MyMapping\n",
            "collections.Mapping"
        ));
    }
}
