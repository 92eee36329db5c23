//! One reader per file format a Python project declares its dependencies
//! in. Each takes a file's text and returns the requirements naming one of
//! the libraries asked for, with the line and byte range they sit at, so a
//! note can cite them and the pin bump can rewrite exactly the specifier.
//!
//! Nothing is executed: `setup.py` is parsed and only literal lists are
//! read, directly or through a name assigned once in the module.
//! A file that does not parse gives no requirement (it cannot be read, so it
//! cannot decide anything).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ExprContext};
use ferry_python::{Ranged, TextRange};
use toml_edit::{Document, Item, TableLike, Value};

use super::specifier::{release_of, SpecifierSet};
use super::{normalize_name, Requirement, SourceKind};

/// Collects the requirements of one file, turning byte offsets into lines.
pub(super) struct Sink<'a> {
    path: &'a Path,
    text: &'a str,
    libraries: &'a [String],
    pub(super) found: Vec<Requirement>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str, libraries: &'a [String]) -> Self {
        Self {
            path,
            text,
            libraries,
            found: Vec::new(),
        }
    }

    fn wanted(&self, name: &str) -> Option<String> {
        let name = normalize_name(name);
        self.libraries.contains(&name).then_some(name)
    }

    fn push(&mut self, requirement: Draft) {
        let line = self.text[..requirement.span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        self.found.push(Requirement {
            library: requirement.library,
            file: self.path.to_path_buf(),
            line,
            text: requirement.text,
            kind: requirement.kind,
            specifiers: requirement.specifiers,
            locked: requirement.locked,
            span: requirement.span,
            rewritable: requirement.rewritable,
        });
    }

    /// A PEP 508 string found at `offset` in the file; `rewritable` says
    /// whether its bytes in the file are exactly the string's characters
    /// (no escapes), so that its specifier can be rewritten in place.
    fn pep508_at(&mut self, requirement: &str, offset: usize, kind: SourceKind, rewritable: bool) {
        let Some(parsed) = pep508(requirement) else {
            return;
        };
        let Some(library) = self.wanted(&parsed.name) else {
            return;
        };
        let shift = |r: Range<usize>| r.start + offset..r.end + offset;
        self.push(Draft {
            library,
            text: requirement.trim().to_string(),
            kind,
            specifiers: parsed.specifiers,
            locked: None,
            span: shift(parsed.whole),
            rewritable: parsed.specifier_range.filter(|_| rewritable).map(shift),
        });
    }
}

/// The name the interpreter's own declarations are read under (a pack
/// whose library is `python` migrates the interpreter).
pub(super) const PYTHON: &str = "python";

impl Sink<'_> {
    /// The interpreter range a project declares (`requires-python`,
    /// `python_requires`, ...): `spec` is a PEP 440 specifier set at `at`
    /// (its bytes in the file, rewritable when exactly those characters).
    fn python_at(&mut self, spec: &str, at: Range<usize>, kind: SourceKind, rewritable: bool) {
        if !self.libraries.iter().any(|l| l == PYTHON) {
            return;
        }
        self.push(Draft {
            library: PYTHON.to_string(),
            text: spec.trim().to_string(),
            kind,
            specifiers: SpecifierSet::parse_pep440(spec),
            locked: None,
            span: at.clone(),
            rewritable: rewritable.then_some(at),
        });
    }

    /// A version the project names as the one it runs (`3.11` or
    /// `3.11.4`): that release, as `==3.11.*` / `==3.11.4`.
    fn python_version_at(&mut self, version: &str, at: Range<usize>, kind: SourceKind) {
        let version = version.trim();
        let parts = version.split('.').count();
        if version.is_empty() || !version.split('.').all(|p| p.parse::<u64>().is_ok()) {
            return;
        }
        let spec = if parts <= 2 {
            format!("=={version}.*")
        } else {
            format!("=={version}")
        };
        if !self.libraries.iter().any(|l| l == PYTHON) {
            return;
        }
        self.push(Draft {
            library: PYTHON.to_string(),
            text: version.to_string(),
            kind,
            specifiers: SpecifierSet::parse_pep440(&spec),
            locked: None,
            span: at,
            rewritable: None,
        });
    }
}

struct Draft {
    library: String,
    text: String,
    kind: SourceKind,
    specifiers: Option<SpecifierSet>,
    locked: Option<ferry_engine::Version>,
    span: Range<usize>,
    rewritable: Option<Range<usize>>,
}

/// A PEP 508 requirement, positions relative to the text it was read from.
#[derive(Debug)]
struct Pep508 {
    name: String,
    /// `None`: a URL requirement or specifiers this reader does not know.
    specifiers: Option<SpecifierSet>,
    /// The specifiers' bytes (`>=12,<14` of `websockets[x] >=12,<14 ; …`).
    /// `None` when there are none or they cannot be rewritten (a URL).
    specifier_range: Option<Range<usize>>,
    /// The requirement without surrounding spaces.
    whole: Range<usize>,
}

fn pep508(text: &str) -> Option<Pep508> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if start >= end {
        return None;
    }
    let name_len = text[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(end - start);
    if name_len == 0 {
        return None;
    }
    let name = text[start..start + name_len].to_string();
    let skip_spaces = |at: usize| at + (text[at..].len() - text[at..].trim_start().len());
    let mut at = skip_spaces(start + name_len);
    if text[at..].starts_with('[') {
        at = skip_spaces(at + text[at..].find(']')? + 1);
    }
    let whole = start..end;
    if text[at..].starts_with('@') {
        return Some(Pep508 {
            name,
            specifiers: None,
            specifier_range: None,
            whole,
        });
    }
    let region_end = text[at..].find(';').map_or(end, |i| at + i);
    let mut region = at..at + text[at..region_end].trim_end().len();
    if text[region.clone()].starts_with('(') && text[region.clone()].ends_with(')') {
        let inner = region.start + 1..region.end - 1;
        let lead = text[inner.clone()].len() - text[inner.clone()].trim_start().len();
        region = inner.start + lead..inner.start + lead + text[inner].trim().len();
    }
    let written = &text[region.clone()];
    if written.is_empty() {
        return Some(Pep508 {
            name,
            specifiers: Some(SpecifierSet::default()),
            specifier_range: None,
            whole,
        });
    }
    if !written.starts_with(['<', '>', '=', '!', '~']) {
        return None;
    }
    Some(Pep508 {
        name,
        specifiers: SpecifierSet::parse_pep440(written),
        specifier_range: Some(region),
        whole,
    })
}

/// The lines of `text` with the byte offset each starts at, without their
/// line ending (`\n` or `\r\n`).
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    // A UTF-8 byte order mark is not part of the first line.
    let mut offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    text[offset..].split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        (start, raw.trim_end_matches(['\n', '\r']))
    })
}

/// Where a comment starts: `#` at the start or after a space.
fn comment_start(line: &str) -> usize {
    line.char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with(char::is_whitespace)))
        .map_or(line.len(), |(i, _)| i)
}

/// A line of a requirements file after pip joins continuations: a line
/// ending in `\` goes on with the next one (the backslash and the line
/// break dropped), unless it is a comment line. Remembers where each
/// piece sits in the file.
struct LogicalLine<'t> {
    text: String,
    /// Each piece's offset in `text` and in the file, and the piece.
    pieces: Vec<(usize, usize, &'t str)>,
}

impl LogicalLine<'_> {
    /// The file offset of `at` in `text`.
    fn file_offset(&self, at: usize) -> usize {
        let (start, file_start, _) = self
            .pieces
            .iter()
            .rev()
            .find(|(start, _, _)| *start <= at)
            .expect("the first piece starts at 0");
        file_start + (at - start)
    }

    /// `range` of `text` in the file, when it lies within one piece.
    fn file_range(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let (start, file_start, _) = self
            .pieces
            .iter()
            .find(|(start, _, piece)| *start <= range.start && range.end <= start + piece.len())?;
        Some(file_start + (range.start - start)..file_start + (range.end - start))
    }
}

fn logical_lines(text: &str) -> Vec<LogicalLine<'_>> {
    let mut lines = Vec::new();
    let mut current: Option<LogicalLine<'_>> = None;
    for (offset, line) in lines_with_offsets(text) {
        let is_comment = line.trim_start().starts_with('#');
        let continues = !is_comment && line.ends_with('\\');
        let piece = if continues {
            &line[..line.len() - 1]
        } else {
            line
        };
        let logical = current.get_or_insert_with(|| LogicalLine {
            text: String::new(),
            pieces: Vec::new(),
        });
        // A comment line ends a continuation and adds nothing to it.
        if !is_comment || logical.pieces.is_empty() {
            logical.pieces.push((logical.text.len(), offset, piece));
            logical.text.push_str(piece);
        }
        if !continues {
            lines.extend(current.take());
        }
    }
    lines.extend(current);
    lines
}

/// `requirements*.txt` (and files it includes): requirements, and the files
/// named by `-r`/`--requirement` and `-c`/`--constraint`, resolved against
/// the including file's folder. As pip reads them: continuation lines are
/// joined first, then a `#` at the start or after a space starts a comment,
/// options that follow a requirement (`--hash=…`) are not part of it, and
/// an environment marker (`; python_version < "3.9"`) is kept with it but
/// not evaluated (the code must work wherever the line applies, so a marked
/// pin counts like any other).
pub(super) fn requirements_txt(sink: &mut Sink<'_>) -> Vec<PathBuf> {
    let mut includes = Vec::new();
    let folder = sink.path.parent().unwrap_or(Path::new("")).to_path_buf();
    for line in logical_lines(sink.text) {
        let content = &line.text[..comment_start(&line.text)];
        let trimmed = content.trim();
        if let Some(option) = trimmed.strip_prefix('-') {
            if let Some(included) = include_target(option) {
                includes.push(without_dot_segments(&folder.join(included)));
            }
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement.
        let end = [" --", "\t--"]
            .iter()
            .filter_map(|option| content.find(option))
            .min()
            .unwrap_or(content.len());
        let requirement = &content[..end];
        let Some(parsed) = pep508(requirement) else {
            continue;
        };
        let Some(library) = sink.wanted(&parsed.name) else {
            continue;
        };
        let span = line.file_offset(parsed.whole.start)..line.file_offset(parsed.whole.end);
        sink.push(Draft {
            library,
            text: requirement.trim().to_string(),
            kind: SourceKind::RequirementsTxt,
            specifiers: parsed.specifiers,
            locked: None,
            span,
            // A specifier split over lines is not rewritten.
            rewritable: parsed
                .specifier_range
                .and_then(|range| line.file_range(&range)),
        });
    }
    includes
}

/// `a/b/../c` as `a/c`, so an included file is shown (and cached) under
/// one name. Lexical, like pip: a symlinked folder is not resolved.
pub(super) fn without_dot_segments(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The file of `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`
/// and their `-c` / `--constraint` twins (given without the first `-`).
fn include_target(option: &str) -> Option<&str> {
    let rest = ["-requirement", "-constraint", "r", "c"]
        .iter()
        .find_map(|name| option.strip_prefix(name))?;
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
    let rest = rest.trim_matches(['"', '\'']);
    (!rest.is_empty()).then_some(rest)
}

/// A TOML string value: its text, where it sits, and whether its bytes in
/// the file are exactly its characters plus the quotes.
fn toml_string<'v>(text: &str, value: &'v Value) -> Option<(&'v str, Range<usize>, bool)> {
    let content = value.as_str()?;
    let span = value.span()?;
    let raw = text.get(span.clone())?;
    let plain = !raw.starts_with("\"\"\"")
        && !raw.starts_with("'''")
        && raw.len() == content.len() + 2
        && &raw[1..raw.len() - 1] == content;
    Some((content, span, plain))
}

fn parse_toml(text: &str) -> Option<Document<&str>> {
    Document::parse(text).ok()
}

/// `pyproject.toml`: PEP 621 `[project] dependencies` and
/// `optional-dependencies`, PEP 735 `[dependency-groups]`, and Poetry's
/// `[tool.poetry.dependencies]`, `dev-dependencies` and group dependencies.
pub(super) fn pyproject(sink: &mut Sink<'_>) {
    let Some(doc) = parse_toml(sink.text) else {
        return;
    };
    let root = doc.as_table();
    let project = root.get("project").and_then(Item::as_table_like);
    if let Some(value) = project
        .and_then(|p| p.get("requires-python"))
        .and_then(Item::as_value)
    {
        if let Some((spec, range, exact)) = toml_string(sink.text, value) {
            sink.python_at(spec, range, SourceKind::Pep621, exact);
        }
    }
    if let Some(project) = project {
        if let Some(list) = project.get("dependencies").and_then(Item::as_array) {
            pep508_strings(sink, list.iter(), SourceKind::Pep621);
        }
        if let Some(extras) = project
            .get("optional-dependencies")
            .and_then(Item::as_table_like)
        {
            for (_, list) in extras.iter() {
                if let Some(list) = list.as_array() {
                    pep508_strings(sink, list.iter(), SourceKind::Pep621);
                }
            }
        }
    }
    if let Some(groups) = root.get("dependency-groups").and_then(Item::as_table_like) {
        for (_, list) in groups.iter() {
            if let Some(list) = list.as_array() {
                pep508_strings(sink, list.iter(), SourceKind::Pep621);
            }
        }
    }
    let poetry = root
        .get("tool")
        .and_then(Item::as_table_like)
        .and_then(|tool| tool.get("poetry"))
        .and_then(Item::as_table_like);
    if let Some(poetry) = poetry {
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(table) = poetry.get(key).and_then(Item::as_table_like) {
                keyed_constraints(sink, table, SourceKind::Poetry);
            }
        }
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (_, group) in groups.iter() {
                let dependencies = group
                    .as_table_like()
                    .and_then(|g| g.get("dependencies"))
                    .and_then(Item::as_table_like);
                if let Some(table) = dependencies {
                    keyed_constraints(sink, table, SourceKind::Poetry);
                }
            }
        }
    }
}

fn pep508_strings<'v>(
    sink: &mut Sink<'_>,
    values: impl Iterator<Item = &'v Value>,
    kind: SourceKind,
) {
    for value in values {
        let text = sink.text;
        if let Some((content, span, plain)) = toml_string(text, value) {
            let offset = if plain { span.start + 1 } else { span.start };
            if plain {
                sink.pep508_at(content, offset, kind, true);
            } else {
                // Escapes: offsets inside the string do not match the file,
                // so the requirement points at the string and is not rewritten.
                let before = sink.found.len();
                sink.pep508_at(content, 0, kind, false);
                for found in &mut sink.found[before..] {
                    found.span = span.clone();
                }
                let line = text[..span.start].matches('\n').count() + 1;
                for found in &mut sink.found[before..] {
                    found.line = line;
                }
            }
        }
    }
}

/// Poetry's and Pipfile's `name = "constraint"` / `name = { version = … }`
/// tables (and Poetry's lists of such tables for several Pythons).
fn keyed_constraints(sink: &mut Sink<'_>, table: &dyn TableLike, kind: SourceKind) {
    for (name, item) in table.iter() {
        let Some(library) = sink.wanted(name) else {
            continue;
        };
        let key_start = table
            .get_key_value(name)
            .and_then(|(key, _)| key.span())
            .map(|span| span.start);
        let mut versions: Vec<&Value> = Vec::new();
        match item {
            Item::Value(Value::String(_)) => versions.extend(item.as_value()),
            Item::Value(Value::Array(list)) => {
                for entry in list.iter() {
                    if let Some(version) = entry.as_inline_table().and_then(|t| t.get("version")) {
                        versions.push(version);
                    }
                }
            }
            _ => {
                if let Some(version) = item
                    .as_table_like()
                    .and_then(|t| t.get("version"))
                    .and_then(Item::as_value)
                {
                    versions.push(version);
                }
            }
        }
        if versions.is_empty() {
            // A path, git or URL dependency: no version to read.
            if let Some(span) = item.span() {
                let start = key_start.unwrap_or(span.start);
                sink.push(Draft {
                    library: library.clone(),
                    text: sink.text[start..span.end].trim().to_string(),
                    kind,
                    specifiers: None,
                    locked: None,
                    span: start..span.end,
                    rewritable: None,
                });
            }
            continue;
        }
        for version in versions {
            let text = sink.text;
            let Some((constraint, span, plain)) = toml_string(text, version) else {
                continue;
            };
            let specifiers = match kind {
                SourceKind::Poetry => SpecifierSet::parse_poetry(constraint),
                _ => SpecifierSet::parse_pep440(constraint),
            };
            // `name = "…"` or `name = { version = "…", … }` when written on
            // one line, else the version string alone.
            let whole = match (key_start, item) {
                (Some(start), Item::Value(_)) => item.span().map(|s| start..s.end),
                _ => None,
            };
            let shown = whole
                .map(|range| &text[range])
                .filter(|whole| !whole.contains('\n'))
                .unwrap_or(&text[span.clone()]);
            let rewritable = (plain && kind == SourceKind::Poetry && !constraint.is_empty())
                .then(|| span.start + 1..span.end - 1);
            sink.push(Draft {
                library: library.clone(),
                text: shown.trim().to_string(),
                kind,
                specifiers,
                locked: None,
                span: span.clone(),
                rewritable,
            });
        }
    }
}

/// `Pipfile`: `[packages]` and `[dev-packages]`, PEP 440 constraints or `*`.
pub(super) fn pipfile(sink: &mut Sink<'_>) {
    let Some(doc) = parse_toml(sink.text) else {
        return;
    };
    for section in ["packages", "dev-packages"] {
        if let Some(table) = doc.as_table().get(section).and_then(Item::as_table_like) {
            keyed_constraints(sink, table, SourceKind::Pipfile);
        }
    }
    let requires = doc.as_table().get("requires").and_then(Item::as_table_like);
    for key in ["python_full_version", "python_version"] {
        let value = requires.and_then(|r| r.get(key)).and_then(Item::as_value);
        if let Some((version, range, _)) = value.and_then(|v| toml_string(sink.text, v)) {
            sink.python_version_at(version, range, SourceKind::Pipfile);
            break;
        }
    }
}

/// `.python-version` (pyenv, uv): the first line names the interpreter.
pub(super) fn python_version_file(sink: &mut Sink<'_>) {
    let text = sink.text;
    let Some((offset, line)) = lines_with_offsets(text).find(|(_, l)| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with('#')
    }) else {
        return;
    };
    let version = line.trim();
    let start = offset + line.find(version).unwrap_or(0);
    sink.python_version_at(
        version,
        start..start + version.len(),
        SourceKind::PythonVersion,
    );
}

/// `tox.ini`: the `py3XX` environments of `envlist` (in `[tox]`), read as
/// the range from the oldest to the newest interpreter they test.
pub(super) fn tox_ini(sink: &mut Sink<'_>) {
    let text = sink.text;
    let mut section = String::new();
    let mut found: Vec<(u64, u64, Range<usize>)> = Vec::new();
    let mut in_envlist = false;
    for (offset, line) in lines_with_offsets(text) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            in_envlist = false;
            continue;
        }
        if section != "tox" {
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        let value = if !indented {
            let Some(split) = line.find('=') else {
                in_envlist = false;
                continue;
            };
            in_envlist = line[..split].trim() == "envlist";
            &line[split + 1..]
        } else {
            line
        };
        if !in_envlist {
            continue;
        }
        let value_at = offset + (value.as_ptr() as usize - line.as_ptr() as usize);
        for word in value.split([',', ' ', '\t']) {
            let name = word.split('-').next().unwrap_or(word);
            let Some(digits) = name.strip_prefix("py3").filter(|d| !d.is_empty()) else {
                continue;
            };
            if let Ok(minor) = digits.parse::<u64>() {
                let at = value_at + (word.as_ptr() as usize - value.as_ptr() as usize);
                found.push((3, minor, at..at + word.len()));
            }
        }
    }
    let (Some(oldest), Some(newest)) = (
        found.iter().min_by_key(|f| f.1),
        found.iter().max_by_key(|f| f.1),
    ) else {
        return;
    };
    let spec = format!(">={}.{},<{}.{}", oldest.0, oldest.1, newest.0, newest.1 + 1);
    let span = oldest.2.start.min(newest.2.start)..oldest.2.end.max(newest.2.end);
    sink.python_at(&spec, span, SourceKind::ToxIni, false);
}

/// `uv.lock` and `poetry.lock`: `[[package]]` tables with `name` and
/// `version`. Returns the folders of a uv workspace's members, relative to
/// the lock's: uv locks a whole workspace in the one `uv.lock` at its root,
/// which lists the members' names under `[manifest] members` and gives each
/// member's package a `source = { editable = "packages/app" }` (or
/// `virtual = …`) with its folder.
pub(super) fn lock(sink: &mut Sink<'_>) -> Vec<String> {
    let Some(doc) = parse_toml(sink.text) else {
        return Vec::new();
    };
    let Some(packages) = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables)
    else {
        return Vec::new();
    };
    let members: Vec<String> = doc
        .as_table()
        .get("manifest")
        .and_then(Item::as_table_like)
        .and_then(|manifest| manifest.get("members"))
        .and_then(Item::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(normalize_name)
                .collect()
        })
        .unwrap_or_default();
    let mut member_folders = Vec::new();
    for package in packages.iter() {
        let Some(name) = package.get("name").and_then(Item::as_str) else {
            continue;
        };
        if members.contains(&normalize_name(name)) {
            let source = package.get("source").and_then(Item::as_table_like);
            let folder = source
                .and_then(|s| s.get("editable").or_else(|| s.get("virtual")))
                .and_then(Item::as_str);
            member_folders.extend(folder.map(str::to_string));
        }
        let Some(library) = sink.wanted(name) else {
            continue;
        };
        let Some(version_item) = package.get("version") else {
            continue;
        };
        let Some(version) = version_item.as_str() else {
            continue;
        };
        let span = version_item.span().unwrap_or(0..0);
        sink.push(Draft {
            library: library.clone(),
            text: format!("{library} {version}"),
            kind: SourceKind::Lock,
            specifiers: SpecifierSet::parse_pep440(&format!("=={version}")),
            locked: release_of(version),
            span,
            rewritable: None,
        });
    }
    member_folders
}

/// `Pipfile.lock`: the `default` and `develop` sections map each package
/// to its locked `"version": "==13.1"`. JSON has no spans, so the values
/// are read raw: they borrow from the text, and where one sits in the
/// file is where its slice starts.
pub(super) fn pipfile_lock(sink: &mut Sink<'_>) {
    use serde_json::value::RawValue;
    type Object<'t> = BTreeMap<String, &'t RawValue>;
    let text = sink.text;
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;
    let Ok(top) = serde_json::from_str::<Object<'_>>(text) else {
        return;
    };
    for section in ["default", "develop"] {
        let Some(packages) = top
            .get(section)
            .and_then(|raw| serde_json::from_str::<Object<'_>>(raw.get()).ok())
        else {
            continue;
        };
        for (name, entry) in packages {
            let Some(library) = sink.wanted(&name) else {
                continue;
            };
            let Some(raw) = serde_json::from_str::<Object<'_>>(entry.get())
                .ok()
                .and_then(|entry| entry.get("version").copied())
            else {
                // A path, git or URL entry: no version to read.
                continue;
            };
            let Ok(pinned) = serde_json::from_str::<String>(raw.get()) else {
                continue;
            };
            let version = pinned.trim().trim_start_matches("==").trim();
            let start = offset_of(raw);
            sink.push(Draft {
                library: library.clone(),
                text: format!("{library} {version}"),
                kind: SourceKind::Lock,
                specifiers: SpecifierSet::parse_pep440(&format!("=={version}")),
                locked: release_of(version),
                span: start..start + raw.get().len(),
                rewritable: None,
            });
        }
    }
}

/// `setup.cfg`: `install_requires` in `[options]` and every key of
/// `[options.extras_require]`, one requirement per line.
pub(super) fn setup_cfg(sink: &mut Sink<'_>) {
    let mut section = String::new();
    let mut in_list = false;
    let text = sink.text;
    for (offset, line) in lines_with_offsets(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            in_list = false;
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        let mut value = (offset, line);
        if !indented {
            let Some(split) = line.find(['=', ':']) else {
                in_list = false;
                continue;
            };
            let key = line[..split].trim().to_ascii_lowercase();
            if section == "options" && key == "python_requires" {
                let raw = &line[split + 1..];
                let raw = &raw[..comment_start(raw)];
                let spec = raw.trim();
                if !spec.is_empty() {
                    let start = offset + split + 1 + raw.find(spec).unwrap_or(0);
                    sink.python_at(spec, start..start + spec.len(), SourceKind::SetupCfg, false);
                }
            }
            in_list = match section.as_str() {
                "options" => key == "install_requires",
                "options.extras_require" => true,
                _ => false,
            };
            value = (offset + split + 1, &line[split + 1..]);
        }
        if in_list {
            let (at, item) = value;
            let item = &item[..comment_start(item)];
            sink.pep508_at(item, at, SourceKind::SetupCfg, false);
        }
    }
}

/// `setup.py`: string literals in literal lists passed as `install_requires=`
/// or as the values of a literal `extras_require=` dict to a `setup(...)`
/// call. The file is parsed, never run, so the only names followed are the
/// ones [`module_literals`] can read without running anything.
pub(super) fn setup_py(sink: &mut Sink<'_>) {
    let Ok(parsed) = ferry_python::parse(sink.text) else {
        return;
    };
    let module = parsed.module();
    let mut finder = SetupCalls {
        literals: module_literals(&module.body),
        strings: Vec::new(),
        python_requires: None,
    };
    for stmt in &module.body {
        finder.visit_stmt(stmt);
    }
    if let Some((spec, range)) = finder.python_requires.take() {
        let range = usize::from(range.start())..usize::from(range.end());
        sink.python_at(&spec, range, SourceKind::SetupPy, false);
    }
    for (content, range) in finder.strings {
        let start = usize::from(range.start());
        let end = usize::from(range.end());
        let before = sink.found.len();
        sink.pep508_at(&content, 0, SourceKind::SetupPy, false);
        let line = sink.text[..start].matches('\n').count() + 1;
        for found in &mut sink.found[before..] {
            found.span = start..end;
            found.line = line;
        }
    }
}

/// The names of a module whose value Ferry reads without running it: a
/// simple name assigned once, directly in the module body, a literal list,
/// tuple or dict (`REQUIRES = ["websockets<14"]`, `REQUIRES: list[str] =
/// […]`), and bound nowhere else in the file (no second assignment, `+=`,
/// `for`, `with … as`, import, `def`, `class`, `except … as`, `global`) and
/// never used through an attribute or a subscript, which could change the
/// list (`REQUIRES.append(…)`, `REQUIRES[0] = …`).
///
/// Everything else stays unread, on purpose: a name assigned in a function
/// or under an `if`, assigned twice, built by an expression (`BASE + […]`)
/// or a call (`open("requirements.txt").read().split()`), or imported.
/// Such a `setup.py` names no requirement for Ferry, and the walk goes on
/// to the folders above.
fn module_literals(body: &[ferry_python::ast::Stmt]) -> HashMap<&str, &Expr> {
    use ferry_python::ast::Stmt;
    let mut bindings = Bindings::default();
    for stmt in body {
        bindings.visit_stmt(stmt);
    }
    let mut literals = HashMap::new();
    for stmt in body {
        let (target, value) = match stmt {
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                (&assign.targets[0], assign.value.as_ref())
            }
            Stmt::AnnAssign(assign) => match &assign.value {
                Some(value) => (assign.target.as_ref(), value.as_ref()),
                None => continue,
            },
            _ => continue,
        };
        let Expr::Name(name) = target else { continue };
        let name = name.id.as_str();
        let literal = matches!(value, Expr::List(_) | Expr::Tuple(_) | Expr::Dict(_));
        if literal && bindings.stores.get(name) == Some(&1) && !bindings.tainted.contains(name) {
            literals.insert(name, value);
        }
    }
    literals
}

/// How often each name is bound anywhere in a module, and the names that
/// are bound in ways [`module_literals`] does not follow or may be changed
/// in place.
#[derive(Default)]
struct Bindings<'a> {
    stores: HashMap<&'a str, usize>,
    tainted: HashSet<&'a str>,
}

impl<'a> Visitor<'a> for Bindings<'a> {
    fn visit_stmt(&mut self, stmt: &'a ferry_python::ast::Stmt) {
        use ferry_python::ast::Stmt;
        match stmt {
            Stmt::FunctionDef(def) => {
                self.tainted.insert(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                self.tainted.insert(class.name.as_str());
            }
            Stmt::Global(global) => self.tainted.extend(global.names.iter().map(|n| n.as_str())),
            Stmt::Nonlocal(nonlocal) => {
                self.tainted
                    .extend(nonlocal.names.iter().map(|n| n.as_str()));
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let base = |value: &'a Expr| match value {
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        };
        match expr {
            Expr::Name(name) if name.ctx != ExprContext::Load => {
                *self.stores.entry(name.id.as_str()).or_default() += 1;
            }
            Expr::Attribute(attribute) => self.tainted.extend(base(&attribute.value)),
            Expr::Subscript(subscript) if subscript.ctx != ExprContext::Load => {
                self.tainted.extend(base(&subscript.value));
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_alias(&mut self, alias: &'a ferry_python::ast::Alias) {
        // `import a.b` binds `a`.
        let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
        self.tainted
            .insert(bound.split('.').next().unwrap_or(bound));
    }

    fn visit_except_handler(&mut self, handler: &'a ferry_python::ast::ExceptHandler) {
        let ferry_python::ast::ExceptHandler::ExceptHandler(handler_) = handler;
        if let Some(name) = &handler_.name {
            self.tainted.insert(name.as_str());
        }
        visitor::walk_except_handler(self, handler);
    }
}

struct SetupCalls<'m> {
    /// See [`module_literals`].
    literals: HashMap<&'m str, &'m Expr>,
    strings: Vec<(String, TextRange)>,
    /// `python_requires=` as a literal string.
    python_requires: Option<(String, TextRange)>,
}

impl<'m> SetupCalls<'m> {
    /// `expr`, or the literal a name stands for.
    fn value<'e>(&self, expr: &'e Expr) -> &'e Expr
    where
        'm: 'e,
    {
        match expr {
            Expr::Name(name) => self.literals.get(name.id.as_str()).copied().unwrap_or(expr),
            _ => expr,
        }
    }

    fn literal_list(&mut self, list: &Expr) {
        let elements = match self.value(list) {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return,
        };
        for element in elements {
            if let Expr::StringLiteral(string) = element {
                self.strings
                    .push((string.value.to_str().to_string(), string.range()));
            }
        }
    }

    fn setup_call(&mut self, call: &ExprCall) {
        let is_setup = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str() == "setup",
            Expr::Attribute(attribute) => attribute.attr.as_str() == "setup",
            _ => false,
        };
        if !is_setup {
            return;
        }
        for keyword in call.arguments.keywords.iter() {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("install_requires") => self.literal_list(&keyword.value),
                Some("python_requires") => {
                    if let Expr::StringLiteral(string) = self.value(&keyword.value) {
                        self.python_requires =
                            Some((string.value.to_str().to_string(), string.range()));
                    }
                }
                Some("extras_require") => {
                    if let Expr::Dict(dict) = self.value(&keyword.value) {
                        for item in dict.iter() {
                            self.literal_list(&item.value);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'a> Visitor<'a> for SetupCalls<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.setup_call(call);
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        reader: fn(&mut Sink<'_>),
        name: &str,
        text: &str,
    ) -> Vec<(usize, String, Option<String>)> {
        let libraries = vec!["websockets".to_string()];
        let path = PathBuf::from(name);
        let mut sink = Sink::new(&path, text, &libraries);
        reader(&mut sink);
        sink.found
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.text.clone(),
                    r.rewritable.clone().map(|range| text[range].to_string()),
                )
            })
            .collect()
    }

    /// The interpreter declarations of a file: (line, text, the range's
    /// lowest release, whether 3.13 is allowed).
    fn python(
        reader: fn(&mut Sink<'_>),
        text: &str,
    ) -> Vec<(usize, String, Option<String>, Option<bool>)> {
        let libraries = vec![PYTHON.to_string(), "websockets".to_string()];
        let path = PathBuf::from("file");
        let mut sink = Sink::new(&path, text, &libraries);
        reader(&mut sink);
        sink.found
            .iter()
            .filter(|r| r.library == PYTHON)
            .map(|r| {
                let spec = r.specifiers.as_ref();
                (
                    r.line,
                    r.text.clone(),
                    spec.and_then(SpecifierSet::lowest).map(|v| v.to_string()),
                    r.allows("3.13"),
                )
            })
            .collect()
    }

    #[test]
    fn the_interpreter_range_is_read_where_projects_declare_it() {
        let row = |line: usize, text: &str, lowest: &str, allows_313: bool| {
            (
                line,
                text.to_string(),
                Some(lowest.to_string()),
                Some(allows_313),
            )
        };
        assert_eq!(
            python(
                pyproject,
                "[project]\nname = \"x\"\nrequires-python = \">=3.9,<3.12\"\n"
            ),
            [row(3, ">=3.9,<3.12", "3.9", false)]
        );
        assert_eq!(
            python(setup_cfg, "[metadata]\nname = x\n[options]\npython_requires = >=3.10 # ok\ninstall_requires =\n    websockets\n"),
            [row(4, ">=3.10", "3.10", true)]
        );
        assert_eq!(
            python(
                setup_py,
                "from setuptools import setup\nsetup(name='x', python_requires='>=3.8')\n"
            ),
            [row(2, ">=3.8", "3.8", true)]
        );
        assert_eq!(
            python(
                pipfile,
                "[packages]\nwebsockets = \"*\"\n\n[requires]\npython_version = \"3.11\"\n"
            ),
            [row(5, "3.11", "3.11", false)]
        );
        assert_eq!(
            python(python_version_file, "# pyenv\n3.13.0\n"),
            [row(2, "3.13.0", "3.13.0", true)]
        );
        assert_eq!(
            python(tox_ini, "[tox]\nenvlist = py39, py312-django{42,50}, lint\n\n[testenv]\ncommands = pytest\n"),
            [row(2, ">=3.9,<3.13", "3.9", false)]
        );
        // Without the Python pack, nothing of it is read.
        let libraries = vec!["websockets".to_string()];
        let path = PathBuf::from("pyproject.toml");
        let text = "[project]\nrequires-python = \">=3.9\"\n";
        let mut sink = Sink::new(&path, text, &libraries);
        pyproject(&mut sink);
        assert!(sink.found.is_empty());
    }

    fn owned(rows: &[(usize, &str, Option<&str>)]) -> Vec<(usize, String, Option<String>)> {
        rows.iter()
            .map(|(line, text, spec)| (*line, text.to_string(), spec.map(str::to_string)))
            .collect()
    }

    #[test]
    fn pep508_requirements() {
        let p = pep508("Websockets[extra] >= 12, <14 ; python_version >= '3.8'").unwrap();
        assert_eq!(p.name, "Websockets");
        let text = "Websockets[extra] >= 12, <14 ; python_version >= '3.8'";
        assert_eq!(&text[p.specifier_range.unwrap()], ">= 12, <14");
        assert_eq!(p.specifiers.unwrap().allows("11.0"), Some(false));
        let p = pep508("websockets (>=12,<14)").unwrap();
        assert_eq!(
            &"websockets (>=12,<14)"[p.specifier_range.unwrap()],
            ">=12,<14"
        );
        let p = pep508("websockets @ https://example.invalid/w.whl").unwrap();
        assert!(p.specifiers.is_none() && p.specifier_range.is_none());
        assert!(pep508("websockets foo").is_none());
        assert!(pep508("").is_none() && pep508("   ").is_none());
        let p = pep508("websockets").unwrap();
        assert!(p.specifiers.unwrap().is_any());
    }

    #[test]
    fn requirements_txt_lines_options_and_includes() {
        let text = "# runtime\nwebsockets[speedups]>=10.4,<14 ; python_version>'3.8'  # pinned\n\
                    -r base.txt\n--requirement=more.txt\n-c constraints.txt\nwebsockets-proxy>=1\n\
                    websockets==13.1 --hash=sha256:abc\n# websockets<12\n";
        let libraries = vec!["websockets".to_string()];
        let path = PathBuf::from("/p/requirements.txt");
        let mut sink = Sink::new(&path, text, &libraries);
        let includes = requirements_txt(&mut sink);
        assert_eq!(
            includes,
            vec![
                PathBuf::from("/p/base.txt"),
                PathBuf::from("/p/more.txt"),
                PathBuf::from("/p/constraints.txt")
            ]
        );
        let rows: Vec<(usize, &str, Option<&str>)> = sink
            .found
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.text.as_str(),
                    r.rewritable.clone().map(|s| &text[s]),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    2,
                    "websockets[speedups]>=10.4,<14 ; python_version>'3.8'",
                    Some(">=10.4,<14")
                ),
                (7, "websockets==13.1", Some("==13.1")),
            ]
        );
    }

    #[test]
    fn pyproject_pep621_optional_groups_and_poetry() {
        let text = r#"[project]
name = "chat"
dependencies = [
  "aiohttp>=3",
  "websockets>=12,<14",
]
[project.optional-dependencies]
server = ["websockets[speedups]==13.*"]

[dependency-groups]
dev = ["websockets~=13.0"]

[tool.poetry.dependencies]
python = "^3.9"
websockets = "^13.0"

[tool.poetry.group.test.dependencies]
websockets = { version = "~13.1", extras = ["speedups"] }

[tool.ruff]
line-length = 100
"#;
        assert_eq!(
            read(pyproject, "pyproject.toml", text),
            owned(&[
                (5, "websockets>=12,<14", Some(">=12,<14")),
                (8, "websockets[speedups]==13.*", Some("==13.*")),
                (11, "websockets~=13.0", Some("~=13.0")),
                (15, "websockets = \"^13.0\"", Some("^13.0")),
                (
                    18,
                    "websockets = { version = \"~13.1\", extras = [\"speedups\"] }",
                    Some("~13.1")
                ),
            ])
        );
        assert!(read(pyproject, "pyproject.toml", "[project\n").is_empty());
    }

    #[test]
    fn escaped_toml_strings_are_read_but_not_rewritten() {
        let text = "[project]\ndependencies = [\"websockets\\u003c14\"]\n";
        assert_eq!(
            read(pyproject, "pyproject.toml", text),
            owned(&[(2, "websockets<14", None)])
        );
    }

    #[test]
    fn setup_cfg_install_requires_and_extras() {
        let text = "[metadata]\nname = chat\n\n[options]\npackages = find:\ninstall_requires =\n    aiohttp\n    websockets>=10,<14  # old API\n\n[options.extras_require]\nserver =\n    websockets==13.1\n[flake8]\nwebsockets = 1\n";
        assert_eq!(
            read(setup_cfg, "setup.cfg", text),
            owned(&[
                (8, "websockets>=10,<14", None),
                (12, "websockets==13.1", None)
            ])
        );
        let inline = "[options]\ninstall_requires = websockets<14\n";
        assert_eq!(
            read(setup_cfg, "setup.cfg", inline),
            owned(&[(2, "websockets<14", None)])
        );
    }

    #[test]
    fn setup_py_literal_lists_only() {
        let text = "from setuptools import setup\n\nREQS = open('r.txt').read().split()\n\nsetup(\n    name='chat',\n    install_requires=[\n        'aiohttp',\n        \"websockets<14\",\n    ],\n    extras_require={'server': ['websockets==13.1']},\n)\nother(install_requires=['websockets<1'])\n";
        assert_eq!(
            read(setup_py, "setup.py", text),
            owned(&[(9, "websockets<14", None), (11, "websockets==13.1", None)])
        );
        assert!(read(setup_py, "setup.py", "setup(install_requires=REQS)\n").is_empty());
        assert!(read(setup_py, "setup.py", "def (:\n").is_empty());
    }

    #[test]
    fn pipfile_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nwebsockets = \"<14\"\n\n[dev-packages]\nwebsockets = {version = \"==13.1\", extras = [\"x\"]}\n";
        assert_eq!(
            read(pipfile, "Pipfile", text),
            owned(&[
                (5, "websockets = \"<14\"", None),
                (
                    8,
                    "websockets = {version = \"==13.1\", extras = [\"x\"]}",
                    None
                )
            ])
        );
    }

    #[test]
    fn locks_give_the_installed_version() {
        let text = "version = 1\n\n[[package]]\nname = \"aiohttp\"\nversion = \"3.9.0\"\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        let libraries = vec!["websockets".to_string()];
        let path = PathBuf::from("uv.lock");
        let mut sink = Sink::new(&path, text, &libraries);
        lock(&mut sink);
        assert_eq!(sink.found.len(), 1);
        let found = &sink.found[0];
        assert_eq!((found.line, found.text.as_str()), (9, "websockets 13.1"));
        assert_eq!(found.locked.as_ref().unwrap().to_string(), "13.1");
    }
}
