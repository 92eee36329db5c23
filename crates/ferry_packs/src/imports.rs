//! Imports a rewrite needs: which module a file already imports, and the
//! `import` a chain respelled into another module needs.

use std::collections::HashSet;

use ferry_engine::{Checker, Edit};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Alias, Expr, ModModule, Stmt};
use ferry_python::{Ranged, Resolution, TextRange, TextSize};

/// The text that ends lines in this file (`\r\n` if the file uses it).
pub fn line_ending(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// A module whose lone `import` a rewrite may turn into the new module's,
/// when nothing else in the file needs what that import makes reachable.
#[derive(Debug, Clone, Copy)]
pub struct LegacyModule<'a> {
    /// `websockets.legacy.client`.
    pub name: &'a str,
    /// The names its import makes reachable, by prefix: importing a module
    /// also binds its parents (`websockets.legacy`).
    pub reaches: &'a str,
}

/// The name a `package.….name` chain starts from.
pub fn expr_chain_root(chain: &Expr) -> Option<&str> {
    let mut root = chain;
    while let Expr::Attribute(inner) = root {
        root = inner.value.as_ref();
    }
    match root {
        Expr::Name(name) => Some(name.id.as_str()),
        _ => None,
    }
}

/// What chains spelled from a package (`websockets.legacy.server.serve`)
/// need once respelled into a new module of it (`websockets.asyncio.server.serve`).
pub enum ChainImport {
    /// A top-level statement of the file already imports the new module.
    Present,
    /// The edit that imports it.
    Edit(Edit),
    /// Ferry cannot place the import: where, and why (a review item).
    Blocked(TextRange, String),
}

/// A submodule is reachable from its package only once something imports
/// it (after `import websockets` alone, `websockets.asyncio.client` raises
/// `AttributeError: module 'websockets' has no attribute 'asyncio'`). So
/// `chains` (callees, annotations), respelled into `new_module`, need
/// `import <new_module>`: a lone top-level import of one of
/// `legacy_modules` that nothing else in the file needs becomes it;
/// otherwise it is added after the import that binds the chains' root name.
pub fn chain_import(
    chains: &[&Expr],
    legacy_modules: &[LegacyModule],
    new_module: &str,
    module: &ModModule,
    checker: &Checker<'_>,
) -> ChainImport {
    if imports_module(module, new_module) {
        return ChainImport::Present;
    }
    let package = new_module.split('.').next().unwrap_or(new_module);
    let roots: Vec<&str> = chains.iter().filter_map(|c| expr_chain_root(c)).collect();
    let callees: HashSet<TextRange> = chains.iter().map(|c| c.range()).collect();
    let binds_root = |stmt: &Stmt| match stmt {
        Stmt::Import(import) => import.names.iter().any(|a| match &a.asname {
            Some(asname) => roots.contains(&asname.as_str()) && a.name.as_str() == package,
            None => a
                .name
                .as_str()
                .split('.')
                .next()
                .is_some_and(|top| roots.contains(&top)),
        }),
        _ => false,
    };
    let lone_legacy = module.body.iter().find_map(|stmt| match stmt {
        Stmt::Import(import) if binds_root(stmt) => match import.names.as_slice() {
            [alias] if alias.asname.is_none() => legacy_modules
                .iter()
                .find(|legacy| legacy.name == alias.name.as_str())
                .map(|legacy| (alias, legacy)),
            _ => None,
        },
        _ => None,
    });
    if let Some((alias, legacy)) = lone_legacy {
        if !used_under(legacy.reaches, &callees, module, checker) {
            return ChainImport::Edit(Edit::replacement(new_module, alias.name.range()));
        }
    }
    let first = chains[0].range();
    let Some(stmt) = module.body.iter().find(|s| binds_root(s)) else {
        return ChainImport::Blocked(first, format!("the package is not imported at the top of the file, where Ferry would add `import {new_module}`: add it yourself, then rerun"));
    };
    let source = checker.source;
    let end = usize::from(stmt.end());
    let rest_of_line = source[end..].split('\n').next().unwrap_or_default();
    let rest = rest_of_line.trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return ChainImport::Blocked(stmt.range(), format!("another statement shares this import's line, so Ferry cannot add `import {new_module}` below it: put it on its own line, then rerun"));
    }
    let eol = line_ending(source);
    let line_end = end + rest_of_line.len();
    ChainImport::Edit(if line_end < source.len() {
        Edit::insertion(
            format!("import {new_module}{eol}"),
            TextSize::try_from(line_end + 1).unwrap_or_default(),
        )
    } else {
        Edit::insertion(
            format!("{eol}import {new_module}"),
            TextSize::try_from(line_end).unwrap_or_default(),
        )
    })
}

/// Whether the file reaches `prefix` or a name under it other than through `except` (callee ranges).
fn used_under(
    prefix: &str,
    except: &HashSet<TextRange>,
    module: &ModModule,
    checker: &Checker<'_>,
) -> bool {
    struct Finder<'c, 'a> {
        prefix: &'c str,
        except: &'c HashSet<TextRange>,
        checker: &'c Checker<'a>,
        found: bool,
    }
    impl<'b> Visitor<'b> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
                if let Resolution::One(q) = self.checker.semantic.resolve_expr(expr) {
                    let q = q.as_str();
                    let under = q == self.prefix
                        || q.strip_prefix(self.prefix)
                            .is_some_and(|rest| rest.starts_with('.'));
                    if under {
                        self.found |= !self.except.contains(&expr.range());
                        return;
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        prefix,
        except,
        checker,
        found: false,
    };
    finder.visit_body(&module.body);
    finder.found
}

/// Whether a top-level statement imports `wanted` (so `package.….wanted.X` works):
/// `import a.b.c`, `from a.b.c import X` or `from a.b import c`.
fn imports_module(module: &ModModule, wanted: &str) -> bool {
    let (parent, last) = wanted.rsplit_once('.').unwrap_or(("", wanted));
    module.body.iter().any(|stmt| match stmt {
        Stmt::Import(import) => import.names.iter().any(|a| a.name.as_str() == wanted),
        Stmt::ImportFrom(import) if import.level == 0 => {
            let from = import.module.as_ref().map_or("", |m| m.as_str());
            from == wanted
                || (from == parent && import.names.iter().any(|a| a.name.as_str() == last))
        }
        _ => false,
    })
}

/// Where a new top-level `import` line goes: at the start of the line after
/// the last import of the module's leading block (imports, its docstring,
/// other expressions); without an import there, after the docstring; without
/// either, below the comments that head the file, so that a shebang, an
/// encoding cookie (which must stay on the first two lines) and a licence
/// header stay above it.
pub fn new_import_position(module: &ModModule, source: &str) -> TextSize {
    let is_import = |s: &&Stmt| matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_));
    let leading = module
        .body
        .iter()
        .take_while(|s| matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Expr(_)));
    let docstring = module.body.first().filter(|s| is_docstring(s));
    let at = match leading.filter(is_import).last().or(docstring) {
        Some(stmt) => {
            let end = usize::from(stmt.end());
            source[end..]
                .find('\n')
                .map_or(source.len(), |p| end + p + 1)
        }
        // Right below the comments that head the file, before the blank
        // lines that part them from the code.
        None => {
            let code = module
                .body
                .first()
                .map_or(source.len(), |s| usize::from(s.start()));
            let header = source[..code].trim_end_matches([' ', '\t', '\r', '\n', '\x0c']);
            match source[header.len()..code].find('\n') {
                Some(p) if !header.is_empty() => header.len() + p + 1,
                _ => 0,
            }
        }
    };
    TextSize::try_from(at).unwrap_or_default()
}

/// Whether `stmt`, first in a body, is its docstring.
fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr())
}

/// Whether a top-level `import module` (or of a submodule of it, with no
/// `as`) binds `module`'s first name and loads `module`, so that
/// `module.X` can be written.
pub fn imports_plainly(module: &ModModule, wanted: &str) -> bool {
    module.body.iter().any(|stmt| match stmt {
        Stmt::Import(import) => import.names.iter().any(|alias| {
            alias.asname.is_none()
                && (alias.name.as_str() == wanted
                    || alias
                        .name
                        .as_str()
                        .strip_prefix(wanted)
                        .is_some_and(|rest| rest.starts_with('.')))
        }),
        _ => false,
    })
}

/// Where the line holding `at` starts.
fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind(['\n', '\r']).map_or(0, |p| p + 1)
}

/// The end of the line that `at` is on, after its line ending, when the text
/// from `at` to there is only blanks, an optional `;` (or `,` if
/// `separator` is `','`) and an optional comment.
fn rest_of_line_is_blank(source: &str, at: usize, separator: char) -> Option<usize> {
    let rest = &source[at..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let trimmed = trimmed
        .strip_prefix(separator)
        .unwrap_or(trimmed)
        .trim_start_matches([' ', '\t']);
    let line_len = trimmed.find(['\n', '\r']).unwrap_or(trimmed.len());
    let (line, after) = trimmed.split_at(line_len);
    if !(line.is_empty() || line.starts_with('#')) {
        return None;
    }
    let eol = line_ending_at(after);
    Some(source.len() - after.len() + eol.len())
}

/// The edit that removes the statement at `position` of the module body.
pub fn remove_statement(position: usize, body: &[Stmt], source: &str) -> Option<Edit> {
    let stmt = &body[position];
    let (start, end) = (usize::from(stmt.start()), usize::from(stmt.end()));
    let line = line_start(source, start);
    let alone_before = source[line..start].trim_matches([' ', '\t']).is_empty();
    if alone_before {
        if let Some(stop) = rest_of_line_is_blank(source, end, ';') {
            return Some(Edit::deletion(range(line, stop)));
        }
    }
    let same_line = |from: usize, to: usize| !source[from..to].contains(['\n', '\r']);
    if let Some(previous) = position.checked_sub(1).map(|i| &body[i]) {
        let previous_end = usize::from(previous.end());
        if same_line(previous_end, start) {
            return Some(Edit::deletion(range(previous_end, end)));
        }
    }
    if let Some(next) = body.get(position + 1) {
        let next_start = usize::from(next.start());
        if same_line(end, next_start) {
            return Some(Edit::deletion(range(start, next_start)));
        }
    }
    None
}

/// The edits that remove the names marked in `remove` (not all of them)
/// from an import `stmt` of `aliases`: a name alone on its line in a
/// parenthesized import goes with its line; otherwise each run of names goes
/// with the commas that separate it from the names kept.
pub fn remove_names(stmt: &Stmt, aliases: &[Alias], remove: &[bool], source: &str) -> Vec<Edit> {
    let parenthesized =
        source[usize::from(stmt.start())..usize::from(aliases[0].start())].contains('(');
    let own_lines: Option<Vec<Edit>> = parenthesized
        .then(|| {
            (0..aliases.len())
                .filter(|&i| remove[i])
                .map(|i| {
                    let (start, end) = (
                        usize::from(aliases[i].start()),
                        usize::from(aliases[i].end()),
                    );
                    let line = line_start(source, start);
                    let alone = source[line..start].trim_matches([' ', '\t']).is_empty();
                    let stop = rest_of_line_is_blank(source, end, ',')?;
                    alone.then(|| Edit::deletion(range(line, stop)))
                })
                .collect()
        })
        .flatten();
    if let Some(edits) = own_lines {
        return edits;
    }
    let mut edits = Vec::new();
    let mut i = 0;
    while i < aliases.len() {
        if !remove[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < aliases.len() && remove[i] {
            i += 1;
        }
        let edit = match aliases.get(i) {
            // Up to the next name kept.
            Some(next) => range(
                usize::from(aliases[first].start()),
                usize::from(next.start()),
            ),
            // The run ends the list: from the end of the last name kept.
            None => range(
                usize::from(aliases[first - 1].end()),
                usize::from(aliases[i - 1].end()),
            ),
        };
        edits.push(Edit::deletion(edit));
    }
    edits
}

/// The line ending `text` starts with, if any.
fn line_ending_at(text: &str) -> &str {
    let len = if text.starts_with("\r\n") {
        2
    } else if text.starts_with(['\n', '\r']) {
        1
    } else {
        0
    };
    &text[..len]
}

fn range(start: usize, end: usize) -> TextRange {
    let at = |offset: usize| TextSize::try_from(offset).unwrap_or_default();
    TextRange::new(at(start), at(end))
}
