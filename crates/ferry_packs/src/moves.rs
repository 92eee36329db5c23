//! Renaming references to names that moved, in one fix per file.
//!
//! A name can get a new home (`websockets.exceptions.WebSocketProtocolError`
//! → `websockets.exceptions.ProtocolError`, `collections.Mapping` →
//! `collections.abc.Mapping`). A reference can be a `package.….X` chain, a
//! name from `from M import X` (whose uses must be renamed with the import,
//! unless it is aliased), or a base class. The import and its uses must
//! change together, so a rule collects every reference of a file and offers
//! one fix, or reports why it cannot.

use ferry_engine::{Checker, Edit};

use crate::imports::{chain_import, ChainImport};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprContext, ModModule, Stmt};
use ferry_python::{BindingKind, Ranged, Resolution, TextRange};

/// The old names one rule renames.
pub struct Moves<'m> {
    /// The last part of every qualified name `replacement` knows. A
    /// reference spells that part in the file (as an attribute, an imported
    /// name or an alias's value), so a file that contains none of them has
    /// nothing to rename and is not walked.
    pub names: &'m [&'m str],
    /// Where an old qualified name moved: `(new module, new name)`.
    pub replacement: &'m (dyn Fn(&str) -> Option<(&'m str, &'m str)> + Sync),
}

/// What renaming one file's references takes.
#[derive(Default)]
pub struct Renames {
    /// The first reference (where the finding goes), if any.
    pub first: Option<TextRange>,
    pub count: usize,
    /// Why no fix can be offered, and where.
    pub blocker: Option<(TextRange, &'static str)>,
    /// The edits of the fix, sorted and without duplicates.
    pub edits: Vec<Edit>,
    /// The first reference that names the old class through a module of its
    /// own (`websockets.legacy.server`, `websockets.client`) rather than the
    /// package's top level.
    pub explicit_module: Option<TextRange>,
    /// The old qualified names the file refers to, sorted, each once.
    pub seen: Vec<String>,
}

/// Collects the renames of every reference in `module` to a name `moves` knows.
/// `subclass_blocker`, when given, is the reason a base-class use cannot be renamed.
pub fn collect_renames<'m>(
    module: &ModModule,
    checker: &Checker<'_>,
    moves: &Moves<'m>,
    subclass_blocker: Option<&'static str>,
) -> Renames {
    if !moves.names.iter().any(|name| checker.source.contains(name)) {
        return Renames::default();
    }
    let mut walker = Walker {
        checker,
        moves,
        subclass_blocker,
        edits: Vec::new(),
        chains: Vec::new(),
        first: None,
        blocker: None,
        count: 0,
        explicit_module: None,
        seen: Vec::new(),
    };
    walker.visit_body(&module.body);
    // `import websockets` does not make `websockets.asyncio.client`
    // reachable: each module a respelled chain names must be imported.
    let mut modules: Vec<&str> = walker.chains.iter().map(|(m, _)| *m).collect();
    modules.sort_unstable();
    modules.dedup();
    for new_module in modules {
        let chains: Vec<&Expr> = walker
            .chains
            .iter()
            .filter(|(m, _)| *m == new_module)
            .map(|(_, chain)| *chain)
            .collect();
        match chain_import(&chains, &[], new_module, module, checker) {
            ChainImport::Present => {}
            ChainImport::Edit(edit) => walker.edits.push(edit),
            ChainImport::Blocked(range, _) => walker.block(
                range,
                "the package is not imported at the top of the file, where Ferry would import the new module: add the import yourself, then rerun",
            ),
        }
    }
    let mut edits = walker.edits;
    edits.sort();
    edits.dedup();
    // Imports of two new modules go after the same line: one insertion.
    edits.dedup_by(|later, earlier| {
        let same_point = earlier.range.is_empty()
            && later.range.is_empty()
            && earlier.range.start() == later.range.start();
        if same_point {
            earlier.content.push_str(&later.content);
        }
        same_point
    });
    Renames {
        first: walker.first,
        count: walker.count,
        blocker: walker.blocker,
        edits,
        explicit_module: walker.explicit_module,
        seen: {
            let mut seen = walker.seen;
            seen.sort();
            seen.dedup();
            seen
        },
    }
}

struct Walker<'c, 'a, 'm> {
    checker: &'c Checker<'a>,
    moves: &'c Moves<'m>,
    subclass_blocker: Option<&'static str>,
    edits: Vec<Edit>,
    /// Chains respelled into another module, which must then be imported.
    chains: Vec<(&'m str, &'a Expr)>,
    first: Option<TextRange>,
    /// Why no fix can be offered, and where.
    blocker: Option<(TextRange, &'static str)>,
    count: usize,
    explicit_module: Option<TextRange>,
    seen: Vec<String>,
}

impl<'m> Walker<'_, '_, 'm> {
    fn note(&mut self, range: TextRange) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(range);
        }
    }

    fn block(&mut self, range: TextRange, why: &'static str) {
        self.note(range);
        if self.blocker.is_none() {
            self.blocker = Some((range, why));
        }
    }

    /// Where `expr` moved, if it may be a legacy name (with conditional
    /// imports, any of its candidates).
    fn legacy(&mut self, expr: &Expr) -> Option<(&'m str, &'m str)> {
        let resolution = self.checker.semantic.resolve_expr(expr);
        let (qualified, moved) = resolution
            .candidates()
            .iter()
            .find_map(|q| Some((q.as_str(), self.replacement(q.as_str())?)))?;
        // A name that may be the new one too is the code's own fallback
        // (`try: from a.new import X / except ImportError: from a import X`).
        let new = format!("{}.{}", moved.0, moved.1);
        if resolution.candidates().iter().any(|q| q.as_str() == new) {
            return None;
        }
        self.saw(qualified, expr.range());
        Some(moved)
    }

    /// Notes a reference through a module other than the package's top level.
    fn saw(&mut self, qualified: &str, range: TextRange) {
        self.seen.push(qualified.to_string());
        let top_level = qualified.matches('.').count() == 1;
        if !top_level && self.explicit_module.is_none() {
            self.explicit_module = Some(range);
        }
    }

    /// `from M import A, Old, B` as one `from` line per module: the names
    /// that stay, then each new module's, in the order first seen, with
    /// their aliases. `None` where the statement does not start its line or
    /// holds a comment (which one line per module would lose).
    fn split_import(
        &self,
        stmt: &Stmt,
        module: &str,
        legacy: &[(&ferry_python::ast::Alias, (&'m str, &'m str))],
    ) -> Option<Edit> {
        let source = self.checker.source;
        let start = usize::from(stmt.start());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &source[line_start..start];
        if !indent.chars().all(|c| c == ' ' || c == '\t')
            || self.checker.text(stmt.range()).contains('#')
        {
            return None;
        }
        let Stmt::ImportFrom(import) = stmt else {
            return None;
        };
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        for alias in &import.names {
            let moved = legacy
                .iter()
                .find(|(a, _)| std::ptr::eq(*a, alias))
                .map(|(_, r)| *r);
            let (target, name) = match moved {
                Some((new_module, new_name)) => (new_module, new_name),
                None => (module, alias.name.as_str()),
            };
            let bound = alias
                .asname
                .as_ref()
                .map(|a| format!("{name} as {}", a.as_str()))
                .unwrap_or_else(|| name.to_string());
            match groups.iter_mut().find(|(m, _)| *m == target) {
                Some((_, names)) => names.push(bound),
                None => groups.push((target, vec![bound])),
            }
        }
        let eol = crate::imports::line_ending(source);
        let lines: Vec<String> = groups
            .iter()
            .map(|(m, names)| format!("from {m} import {}", names.join(", ")))
            .collect();
        Some(Edit::replacement(
            lines.join(&format!("{eol}{indent}")),
            stmt.range(),
        ))
    }

    fn replacement(&self, qualified: &str) -> Option<(&'m str, &'m str)> {
        let moved = (self.moves.replacement)(qualified);
        debug_assert!(
            moved.is_none()
                || qualified
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| self.moves.names.contains(&last)),
            "`{qualified}` has a replacement but its last part is missing from `Moves::names`"
        );
        moved
    }
}

impl<'a> Visitor<'a> for Walker<'_, 'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // `import a.old_module`: the name that moved is a module,
            // whose import this walker does not rewrite.
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = alias.name.as_str();
                    let moved = self.moves.names.iter().any(|last| {
                        name.rsplit('.').next() == Some(*last) && self.replacement(name).is_some()
                    });
                    if moved {
                        self.block(
                            alias.range(),
                            "the name that moved is a module imported here: rewrite its imports and uses by hand",
                        );
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                let legacy: Vec<_> = import
                    .names
                    .iter()
                    .filter_map(|alias| {
                        self.replacement(&format!("{module}.{}", alias.name.as_str()))
                            .map(|r| (alias, r))
                    })
                    .collect();
                for (alias, _) in &legacy {
                    let qualified = format!("{module}.{}", alias.name.as_str());
                    self.saw(&qualified, alias.name.range());
                }
                match (legacy.as_slice(), import.names.len()) {
                    ([], _) => {}
                    ([(alias, (new_module, new_class))], 1) => {
                        self.note(alias.name.range());
                        let bound = alias
                            .asname
                            .as_ref()
                            .map(|a| format!(" as {}", a.as_str()))
                            .unwrap_or_default();
                        self.edits.push(Edit::replacement(
                            format!("from {new_module} import {new_class}{bound}"),
                            stmt.range(),
                        ));
                    }
                    ([(alias, _), ..], _) => match self.split_import(stmt, module, &legacy) {
                        Some(edit) => {
                            for (alias, _) in &legacy {
                                self.note(alias.name.range());
                            }
                            self.edits.push(edit);
                        }
                        None => self.block(alias.name.range(), "it is imported together with other names on a line Ferry cannot split (comments inside, or another statement on the line): split the import, then rerun"),
                    },
                }
                return;
            }
            Stmt::ClassDef(class) => {
                if let (Some(arguments), Some(why)) = (&class.arguments, self.subclass_blocker) {
                    for base in arguments.args.iter() {
                        if self.legacy(base).is_some() {
                            self.block(base.range(), why);
                        }
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                if let Some((_, new_class)) = self.legacy(expr) {
                    // Bound only by `from websockets import *`: WS050's case; nothing to rename.
                    if self
                        .checker
                        .semantic
                        .reaching(name.id.as_str(), name.start())
                        .is_empty()
                    {
                        return;
                    }
                    let bindings = self
                        .checker
                        .semantic
                        .reaching(name.id.as_str(), name.start());
                    let imported_plain = matches!(
                        bindings.as_slice(),
                        [BindingKind::Import(q)] if q.as_str().ends_with(&format!(".{}", name.id))
                    );
                    let aliased = bindings.iter().all(|b| {
                        matches!(b, BindingKind::Import(q) if !q.as_str().ends_with(&format!(".{}", name.id)))
                    });
                    if imported_plain {
                        self.note(name.range);
                        self.edits.push(Edit::replacement(new_class, name.range));
                    } else if !aliased {
                        // The import becomes `import NewName`: a use that
                        // another binding also reaches (`try`/`except
                        // ImportError`) would be left with no name.
                        self.block(name.range, "the name is bound in more than one place (a `try`/`except ImportError` import, or an assignment): rename every binding and use by hand, or keep one import");
                    } else {
                        self.note(name.range);
                    }
                }
            }
            Expr::Attribute(attr) if attr.ctx == ExprContext::Load => {
                if let Some((new_module, new_class)) = self.legacy(expr) {
                    // Rewrite `<package module>.….X` only when the chain
                    // starts at the new module's package itself.
                    let mut root = attr.value.as_ref();
                    while let Expr::Attribute(inner) = root {
                        root = inner.value.as_ref();
                    }
                    let package = new_module.split('.').next().unwrap_or(new_module);
                    let package_root = matches!(self.checker.semantic.resolve_expr(root), Resolution::One(q) if q.as_str() == package);
                    if let (true, Expr::Name(root_name)) = (package_root, root) {
                        let path = &new_module[package.len()..];
                        self.note(expr.range());
                        self.chains.push((new_module, expr));
                        self.edits.push(Edit::replacement(
                            format!("{}{path}.{new_class}", root_name.id),
                            expr.range(),
                        ));
                    } else {
                        self.block(
                            expr.range(),
                            "Ferry cannot rewrite this reference's path: replace it by hand",
                        );
                    }
                    return;
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
