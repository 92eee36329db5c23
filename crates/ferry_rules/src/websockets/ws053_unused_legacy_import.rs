//! Legacy imports left behind: a module-level import of `websockets.legacy` (or `websockets.auth`, or the deprecated `websockets.client` / `websockets.server` aliases of the legacy `connect` / `serve`) that nothing in the file uses any more.
//!
//! ## What it does
//! Finds top-level imports whose target is certainly legacy and that the
//! file no longer needs, when the project targets websockets >= 14 (on 13.x
//! these modules are the normal API and are never reported):
//!
//! * `import websockets.legacy.X` (also `websockets.legacy`,
//!   `websockets.auth`) binds `websockets`. It is left behind when no name or
//!   chain in the file resolves into `websockets.legacy` or `websockets.auth`
//!   (through any binding), and every use of `websockets` it binds is also
//!   bound, once it is gone, by another `import websockets…` that stays (or
//!   `websockets` is not used at all).
//! * `import websockets.legacy.X as m`, `from websockets.legacy.X import a,
//!   b`, `from websockets.legacy import X`, `from websockets import legacy`,
//!   `from websockets.auth import …`, and the names `websockets.client` /
//!   `websockets.server` still give as deprecated legacy aliases (`connect`,
//!   `unix_connect`, `WebSocketClientProtocol`; `serve`, `unix_serve`,
//!   `broadcast`, `WebSocketServer`, `WebSocketServerProtocol`): each name
//!   is left behind when no use of it is reached by this import (uses
//!   resolved through scopes, so a later import of the same name shadows it)
//!   and `__all__` does not export it. The Sans-I/O names of those modules
//!   (`ClientProtocol`, `ServerProtocol`, …) and `import websockets.client`
//!   itself are not legacy and are never reported.
//!
//! Left alone: names that are deleted, declared `global` / `nonlocal`, or
//! augmented (`x += …`) anywhere; any name when `__all__` is not a literal
//! list of strings; every legacy import (not only the no-alias ones) while
//! a chain from the package (`websockets.legacy.client.X`, `legacy.client`)
//! still reaches a legacy module, which the import may be what makes
//! reachable; `from websockets.legacy.X import *` (which names it provides
//! cannot be told); imports inside functions, classes, `if TYPE_CHECKING:`
//! and `try:` blocks (a type-checking import never runs, so it never warns;
//! a `try: ... except ImportError:` import is a compatibility shim whose
//! removal means rewriting the whole block; a function-level import warns
//! only when called, and is often lazy on purpose). Names used only in a
//! string annotation (`ws: "WebSocketClientProtocol"`) count as used.
//!
//! ## Why is this bad
//! Since websockets 14, importing the legacy package emits
//! `DeprecationWarning: websockets.legacy is deprecated; see
//! https://websockets.readthedocs.io/en/stable/howto/upgrade.html for upgrade
//! instructions` (the aliases: `websockets.client.connect is deprecated`,
//! `websockets.auth, an alias for websockets.legacy.auth, is deprecated; ...`).
//! Under `-W error::DeprecationWarning`, common in pytest configurations,
//! that warning is an error: the module fails to import, and every test
//! that imports it fails to collect. The legacy package is also announced
//! for removal, after which the import raises `ModuleNotFoundError`. After a
//! migration (WS070, WS071, or by hand) such imports are often left with
//! nothing using them.
//!
//! ## Example
//! ```python
//! import websockets.asyncio.client
//! import websockets.legacy.client
//! from websockets.server import serve, ServerProtocol
//!
//! async def main(uri):
//!     async with websockets.asyncio.client.connect(uri) as ws:
//!         return ws, ServerProtocol
//! ```
//! Use instead:
//! ```python
//! import websockets.asyncio.client
//! from websockets.server import ServerProtocol
//!
//! async def main(uri):
//!     async with websockets.asyncio.client.connect(uri) as ws:
//!         return ws, ServerProtocol
//! ```
//!
//! ## Fix safety
//! Unsafe. The fix removes the statement (a statement alone on its lines
//! goes with its line ending; one that shares a line with `;` goes with its
//! separator; comments on other lines stay), or only the unused names of an
//! import that has several, keeping the rest. It is unsafe because an
//! import does more than bind names in this file, and Ferry sees one file:
//! importing `websockets.legacy.client` makes it an attribute of the
//! package for every other module (one that does `import websockets` and
//! then calls `websockets.legacy.client.connect(...)` works only because
//! some module imported it), and the names stay importable from this module
//! (`from this_module import connect`, a package `__init__.py` re-exporting
//! them, `from this_module import *` without `__all__`). Uses Ferry cannot
//! see are also possible: `globals()["connect"]`, `getattr(module, "...")`,
//! doctests. An import marked `# noqa` is reported without a fix (a review
//! item): someone keeps it on purpose, yet it still warns.

use std::collections::{HashMap, HashSet};

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_packs::imports::{remove_names, remove_statement};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Alias, Expr, ExprContext, ExprName, ModModule, Stmt};
use ferry_python::{BindingKind, Ranged, TextRange, TextSize};

pub struct UnusedLegacyImport;

/// Modules that warn when imported from websockets 14 on; everything under
/// them is legacy.
const LEGACY_MODULES: &[&str] = &["websockets.legacy", "websockets.auth"];

/// What `websockets.client` / `websockets.server` still give as deprecated
/// aliases of the legacy implementation (`lazy_import(deprecated_aliases=...)`
/// in their source, 14.0 to 17.4). Their other names are Sans-I/O.
const LEGACY_ALIASES: &[&str] = &[
    "websockets.client.connect",
    "websockets.client.unix_connect",
    "websockets.client.WebSocketClientProtocol",
    "websockets.server.serve",
    "websockets.server.unix_serve",
    "websockets.server.broadcast",
    "websockets.server.WebSocketServer",
    "websockets.server.WebSocketServerProtocol",
];

/// Packages whose submodules are attributes only once something imports them.
const PACKAGES: &[&str] = &["websockets", "websockets.legacy"];

/// The package an `import websockets.…` without `as` binds.
const PACKAGE: &str = "websockets";

fn under(name: &str, module: &str) -> bool {
    name == module
        || name
            .strip_prefix(module)
            .is_some_and(|rest| rest.starts_with('.'))
}

fn in_legacy_module(name: &str) -> bool {
    LEGACY_MODULES.iter().any(|m| under(name, m))
}

/// The warning an import emits on websockets >= 14, as users see it.
#[derive(Clone)]
enum Warning {
    Legacy,
    Auth,
    /// `websockets.client.connect is deprecated` (then the legacy package's).
    Alias(String),
}

impl Warning {
    fn text(&self) -> String {
        match self {
            Warning::Legacy => {
                "`DeprecationWarning: websockets.legacy is deprecated; ...`".to_string()
            }
            Warning::Auth => "`DeprecationWarning: websockets.auth, an alias for websockets.legacy.auth, is deprecated; ...`".to_string(),
            Warning::Alias(name) => format!(
                "`DeprecationWarning: {name} is deprecated` (and the legacy package's)"
            ),
        }
    }
}

/// One legacy name of an import statement.
struct LegacyAlias {
    /// Its position among the statement's names.
    index: usize,
    /// The name it binds in this module.
    bound: String,
    /// `import websockets.legacy.X` without `as`: it binds the package.
    binds_package: bool,
    warning: Warning,
}

/// A top-level import statement with at least one legacy name.
struct Candidate<'a> {
    stmt: &'a Stmt,
    /// Position in the module body.
    position: usize,
    aliases: &'a [Alias],
    /// `from M import ...`: `M`.
    from: Option<&'a str>,
    legacy: Vec<LegacyAlias>,
}

/// The name an alias binds: its `as` name, else (for `import a.b`) `a`, or
/// (for `from m import n`) `n`.
fn bound_name(alias: &Alias, from: bool) -> &str {
    match &alias.asname {
        Some(asname) => asname.as_str(),
        None if from => alias.name.as_str(),
        None => alias.name.as_str().split('.').next().unwrap_or_default(),
    }
}

fn candidate(position: usize, stmt: &Stmt) -> Option<Candidate<'_>> {
    let (aliases, from) = match stmt {
        Stmt::Import(import) => (&import.names[..], None),
        Stmt::ImportFrom(import) if import.level == 0 => (
            &import.names[..],
            Some(import.module.as_ref().map_or("", |m| m.as_str())),
        ),
        _ => return None,
    };
    let mut legacy = Vec::new();
    for (index, alias) in aliases.iter().enumerate() {
        let name = alias.name.as_str();
        let target = match from {
            Some(module) if name == "*" => {
                // Which names a star import gives cannot be told: leave the statement.
                if in_legacy_module(module) {
                    return None;
                }
                continue;
            }
            Some(module) => format!("{module}.{name}"),
            None => name.to_string(),
        };
        let warning = if under(&target, "websockets.auth") {
            Warning::Auth
        } else if under(&target, "websockets.legacy") {
            Warning::Legacy
        } else if from.is_some() && LEGACY_ALIASES.contains(&target.as_str()) {
            Warning::Alias(target)
        } else {
            continue;
        };
        legacy.push(LegacyAlias {
            index,
            bound: bound_name(alias, from.is_some()).to_string(),
            binds_package: from.is_none() && alias.asname.is_none(),
            warning,
        });
    }
    (!legacy.is_empty()).then_some(Candidate {
        stmt,
        position,
        aliases,
        from,
        legacy,
    })
}

impl Rule for UnusedLegacyImport {
    fn code(&self) -> &'static str {
        "WS053"
    }

    fn name(&self) -> &'static str {
        "UnusedLegacyImport"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        // Up to 13.x these modules are the API itself, and import without a warning.
        if checker
            .settings
            .target(super::PACK.library)
            .is_some_and(|v| v.major() < 14)
        {
            return;
        }
        let candidates: Vec<Candidate<'_>> = module
            .body
            .iter()
            .enumerate()
            .filter_map(|(position, stmt)| candidate(position, stmt))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let watched: HashSet<&str> = candidates
            .iter()
            .flat_map(|c| c.legacy.iter().map(|l| l.bound.as_str()))
            .collect();
        let facts = Facts::collect(module, &watched, &*checker);
        let exports = exports(&module.body);
        let judge = Judge {
            checker: &*checker,
            facts: &facts,
            exports: &exports,
            module_end: module.end(),
        };
        // In source order: whether an `import websockets.legacy.X` can go
        // depends on which earlier imports of the package go too.
        let mut gone = Gone::default();
        let mut reports = Vec::new();
        for (index, candidate) in candidates.iter().enumerate() {
            let mut removed = vec![false; candidate.aliases.len()];
            for legacy in &candidate.legacy {
                removed[legacy.index] =
                    judge.unused(candidate, legacy, &removed, &gone, &candidates);
            }
            gone.note(index, candidate, &removed, &*checker);
            let unused: Vec<&LegacyAlias> = candidate
                .legacy
                .iter()
                .filter(|l| removed[l.index])
                .collect();
            if !unused.is_empty() {
                reports.push(report(candidate, &unused, &module.body, checker.source));
            }
        }
        for (range, message, fix) in reports {
            checker.report(range, message, fix);
        }
    }
}

/// What the file does with the names the candidates bind.
struct Facts {
    /// Where each watched name is read (string annotations included).
    loads: HashMap<String, Vec<TextSize>>,
    /// Names deleted, augmented, or declared `global` / `nonlocal` somewhere.
    untracked: HashSet<String>,
    /// Some name or chain resolves into a legacy module, through any binding.
    legacy_any: bool,
    /// Some chain reaches a legacy module through a package's attribute
    /// (`websockets.legacy.client.X`, `legacy.client`): it works only if
    /// some import loaded that submodule.
    legacy_via_package: bool,
}

impl Facts {
    fn collect(module: &ModModule, watched: &HashSet<&str>, checker: &Checker<'_>) -> Self {
        let mut walker = FactWalker {
            checker,
            watched,
            facts: Facts {
                loads: HashMap::new(),
                untracked: HashSet::new(),
                legacy_any: false,
                legacy_via_package: false,
            },
            in_annotation: false,
        };
        walker.visit_body(&module.body);
        walker.facts
    }
}

struct FactWalker<'c, 'a> {
    checker: &'c Checker<'a>,
    watched: &'c HashSet<&'c str>,
    facts: Facts,
    in_annotation: bool,
}

impl FactWalker<'_, '_> {
    fn load(&mut self, name: &str, at: TextSize) {
        if self.watched.contains(name) {
            self.facts
                .loads
                .entry(name.to_string())
                .or_default()
                .push(at);
        }
    }

    /// Notes whether `candidates` (what a chain rooted at `root` resolves
    /// to) reach a legacy module, and whether through a package's attribute.
    fn note_resolution(
        &mut self,
        candidates: impl Iterator<Item = String>,
        root: &str,
        at: TextSize,
        has_attributes: bool,
    ) {
        let mut legacy = false;
        for name in candidates {
            legacy |= in_legacy_module(&name);
        }
        if !legacy {
            return;
        }
        self.facts.legacy_any = true;
        if has_attributes && !self.facts.legacy_via_package {
            let root = self.checker.semantic.resolve_name(root, at);
            self.facts.legacy_via_package = root
                .candidates()
                .iter()
                .any(|q| PACKAGES.contains(&q.as_str()));
        }
    }

    /// A maximal name or attribute chain: `expr` resolves through `root`.
    fn chain(&mut self, expr: &Expr, root: &ExprName) {
        self.load(root.id.as_str(), root.start());
        if self.facts.legacy_any && self.facts.legacy_via_package {
            return;
        }
        let resolution = self.checker.semantic.resolve_expr(expr);
        let names = resolution.candidates().iter().map(|q| q.to_string());
        self.note_resolution(
            names,
            root.id.as_str(),
            root.start(),
            matches!(expr, Expr::Attribute(_)),
        );
    }

    /// The dotted names in a string annotation (`"websockets.legacy.client.X"`,
    /// `"Optional[WebSocketClientProtocol]"`), resolved where the string is.
    fn annotation_string(&mut self, text: &str, at: TextSize) {
        let words = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map(|w| w.trim_matches('.'))
            .filter(|w| w.chars().next().is_some_and(|c| !c.is_numeric()));
        for word in words {
            let (first, rest) = match word.split_once('.') {
                Some((first, rest)) => (first, Some(rest)),
                None => (word, None),
            };
            self.load(first, at);
            let resolution = self.checker.semantic.resolve_name(first, at);
            let names = resolution.candidates().iter().map(|q| match rest {
                Some(rest) => format!("{q}.{rest}"),
                None => q.to_string(),
            });
            self.note_resolution(names, first, at, rest.is_some());
        }
    }
}

impl<'b> Visitor<'b> for FactWalker<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        match stmt {
            Stmt::Global(global) => {
                let names = global.names.iter().map(|n| n.to_string());
                self.facts.untracked.extend(names);
            }
            Stmt::Nonlocal(nonlocal) => {
                let names = nonlocal.names.iter().map(|n| n.to_string());
                self.facts.untracked.extend(names);
            }
            // `x += 1` reads `x` before rebinding it.
            Stmt::AugAssign(assign) => {
                if let Expr::Name(name) = assign.target.as_ref() {
                    self.facts.untracked.insert(name.id.to_string());
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_annotation(&mut self, expr: &'b Expr) {
        let outer = std::mem::replace(&mut self.in_annotation, true);
        self.visit_expr(expr);
        self.in_annotation = outer;
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => self.chain(expr, name),
                ExprContext::Del => {
                    self.facts.untracked.insert(name.id.to_string());
                }
                _ => {}
            },
            Expr::Attribute(_) => {
                // Resolve the whole chain once; its root is the only name in it.
                let mut root = expr;
                while let Expr::Attribute(attr) = root {
                    root = attr.value.as_ref();
                }
                match root {
                    Expr::Name(name) => self.chain(expr, name),
                    other => self.visit_expr(other),
                }
            }
            Expr::StringLiteral(string) if self.in_annotation => {
                self.annotation_string(string.value.to_str(), expr.start());
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The names `__all__` lists, or `None` when it is not only literal strings
/// (then every name may be exported).
fn exports(body: &[Stmt]) -> Option<HashSet<String>> {
    fn strings(expr: &Expr, into: &mut HashSet<String>) -> bool {
        let elts = match expr {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            Expr::StringLiteral(s) => {
                into.insert(s.value.to_str().to_string());
                return true;
            }
            _ => return false,
        };
        elts.iter().all(|e| match e {
            Expr::StringLiteral(s) => {
                into.insert(s.value.to_str().to_string());
                true
            }
            _ => false,
        })
    }
    fn is_all(expr: &Expr) -> bool {
        matches!(expr, Expr::Name(n) if n.id.as_str() == "__all__")
    }
    fn scan(body: &[Stmt], into: &mut HashSet<String>) -> bool {
        body.iter().all(|stmt| match stmt {
            Stmt::Assign(assign) if assign.targets.iter().any(is_all) => {
                assign.targets.len() == 1 && strings(&assign.value, into)
            }
            Stmt::Assign(assign) => !assign.targets.iter().any(|t| {
                matches!(t, Expr::Tuple(_) | Expr::List(_) | Expr::Starred(_)) && mentions_all(t)
            }),
            Stmt::AugAssign(assign) if is_all(&assign.target) => strings(&assign.value, into),
            Stmt::AnnAssign(assign) if is_all(&assign.target) => {
                assign.value.as_deref().is_none_or(|v| strings(v, into))
            }
            // `__all__.append("x")`, `__all__.extend([...])`
            Stmt::Expr(expr) => match expr.value.as_ref() {
                Expr::Call(call) => match call.func.as_ref() {
                    Expr::Attribute(attr) if is_all(&attr.value) => {
                        call.arguments.keywords.is_empty()
                            && call.arguments.args.iter().all(|a| strings(a, into))
                    }
                    _ => true,
                },
                _ => true,
            },
            Stmt::If(stmt_if) => {
                scan(&stmt_if.body, into)
                    && stmt_if
                        .elif_else_clauses
                        .iter()
                        .all(|c| scan(&c.body, into))
            }
            Stmt::Try(stmt_try) => {
                scan(&stmt_try.body, into)
                    && stmt_try.handlers.iter().all(|h| {
                        let ferry_python::ast::ExceptHandler::ExceptHandler(h) = h;
                        scan(&h.body, into)
                    })
                    && scan(&stmt_try.orelse, into)
                    && scan(&stmt_try.finalbody, into)
            }
            Stmt::With(with) => scan(&with.body, into),
            Stmt::For(stmt_for) => scan(&stmt_for.body, into) && scan(&stmt_for.orelse, into),
            Stmt::While(stmt_while) => {
                scan(&stmt_while.body, into) && scan(&stmt_while.orelse, into)
            }
            _ => true,
        })
    }
    fn mentions_all(target: &Expr) -> bool {
        match target {
            Expr::Tuple(t) => t.elts.iter().any(mentions_all),
            Expr::List(l) => l.elts.iter().any(mentions_all),
            Expr::Starred(s) => mentions_all(&s.value),
            other => is_all(other),
        }
    }
    let mut names = HashSet::new();
    scan(body, &mut names).then_some(names)
}

/// The binding the last name of `stmt` that binds `name` creates (a
/// top-level statement always runs, so it is the only one that reaches the
/// point right after the statement).
fn binding_of(checker: &Checker<'_>, name: &str, stmt: &Stmt) -> Option<*const ()> {
    let kinds = checker.semantic.reaching(name, stmt.end());
    kinds
        .first()
        .map(|kind| std::ptr::from_ref(*kind).cast::<()>())
}

/// The statements (candidate indices) whose every name binding the package
/// goes, by the binding they made.
#[derive(Default)]
struct Gone {
    package_bindings: Vec<(*const (), usize)>,
}

impl Gone {
    fn note(
        &mut self,
        index: usize,
        candidate: &Candidate<'_>,
        removed: &[bool],
        checker: &Checker<'_>,
    ) {
        let mut binds = candidate
            .aliases
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                candidate.from.is_none() && a.asname.is_none() && bound_name(a, false) == PACKAGE
            })
            .peekable();
        if binds.peek().is_some() && binds.all(|(i, _)| removed[i]) {
            if let Some(binding) = binding_of(checker, PACKAGE, candidate.stmt) {
                self.package_bindings.push((binding, index));
            }
        }
    }

    fn statement_of(&self, binding: *const ()) -> Option<usize> {
        self.package_bindings
            .iter()
            .find(|(b, _)| std::ptr::eq(*b, binding))
            .map(|(_, index)| *index)
    }
}

struct Judge<'j, 'c> {
    checker: &'j Checker<'c>,
    facts: &'j Facts,
    exports: &'j Option<HashSet<String>>,
    module_end: TextSize,
}

impl Judge<'_, '_> {
    /// Whether the file no longer needs this legacy name of `candidate`,
    /// given the names of the statement already found unused (`removed`)
    /// and the earlier statements that go.
    fn unused(
        &self,
        candidate: &Candidate<'_>,
        legacy: &LegacyAlias,
        removed: &[bool],
        gone: &Gone,
        candidates: &[Candidate<'_>],
    ) -> bool {
        let bound = legacy.bound.as_str();
        if self.facts.untracked.contains(bound) {
            return false;
        }
        // A chain through the package may work only thanks to this import.
        let chain_needs_it = if legacy.binds_package {
            self.facts.legacy_any
        } else {
            self.facts.legacy_via_package
        };
        if chain_needs_it {
            return false;
        }
        let from = candidate.from.is_some();
        // A later name of the same statement binds the same name: this one reaches nothing.
        let shadowed = candidate.aliases[legacy.index + 1..]
            .iter()
            .any(|a| bound_name(a, from) == bound);
        if shadowed {
            return true;
        }
        let Some(binding) = binding_of(self.checker, bound, candidate.stmt) else {
            return false;
        };
        let exported = self
            .exports
            .as_ref()
            .is_none_or(|names| names.contains(bound));
        let mut uses = self.facts.loads.get(bound).into_iter().flatten().copied();
        let reached = uses.any(|at| self.reaches(bound, at, binding))
            || (exported && self.reaches(bound, self.module_end, binding));
        if !reached {
            return true;
        }
        legacy.binds_package
            && (earlier_binds_package(candidate, legacy.index, removed)
                || self.package_bound_before(candidate.stmt.start(), gone, candidates))
    }

    fn reaches(&self, name: &str, at: TextSize, binding: *const ()) -> bool {
        self.checker
            .semantic
            .reaching(name, at)
            .iter()
            .any(|kind| std::ptr::eq(std::ptr::from_ref(*kind).cast::<()>(), binding))
    }

    /// Whether every binding of `websockets` that reaches `at` is an
    /// `import websockets…` that stays, looking past the statements that go
    /// (to what was bound before them).
    fn package_bound_before(
        &self,
        at: TextSize,
        gone: &Gone,
        candidates: &[Candidate<'_>],
    ) -> bool {
        let before = self.checker.semantic.reaching(PACKAGE, at);
        !before.is_empty()
            && before.iter().all(|kind| {
                if !matches!(kind, BindingKind::Import(q) if q.as_str() == PACKAGE) {
                    return false;
                }
                match gone.statement_of(std::ptr::from_ref(*kind).cast::<()>()) {
                    None => true,
                    Some(index) => {
                        self.package_bound_before(candidates[index].stmt.start(), gone, candidates)
                    }
                }
            })
    }
}

/// Whether a name of the statement before `index` imports the package and stays
/// (`import websockets.asyncio.client, websockets.legacy.client`).
fn earlier_binds_package(candidate: &Candidate<'_>, index: usize, removed: &[bool]) -> bool {
    candidate.from.is_none()
        && candidate.aliases[..index]
            .iter()
            .enumerate()
            .any(|(i, a)| a.asname.is_none() && bound_name(a, false) == PACKAGE && !removed[i])
}

/// The finding for the unused legacy names of one statement.
fn report(
    candidate: &Candidate<'_>,
    unused: &[&LegacyAlias],
    body: &[Stmt],
    source: &str,
) -> (TextRange, String, Option<Fix>) {
    let stmt = candidate.stmt;
    let names: Vec<String> = unused
        .iter()
        .map(|l| format!("`{}`", &source[candidate.aliases[l.index].range()]))
        .collect();
    let subject = match candidate.from {
        Some(module) => format!("{} from `{module}`", names.join(", ")),
        None => names.join(", "),
    };
    let mut message = format!(
        "legacy import left behind: nothing in this file uses {subject}, and on websockets >= 14 the import emits {}, an error under `-W error::DeprecationWarning` (as in many pytest configurations)",
        unused[0].warning.text()
    );
    let whole = unused.len() == candidate.aliases.len();
    let edits = if whole {
        remove_statement(candidate.position, body, source).map(|edit| vec![edit])
    } else {
        let remove: Vec<bool> = (0..candidate.aliases.len())
            .map(|i| unused.iter().any(|l| l.index == i))
            .collect();
        Some(remove_names(
            candidate.stmt,
            candidate.aliases,
            &remove,
            source,
        ))
    };
    let fix = match edits {
        _ if marked_noqa(stmt, source) => {
            message.push_str("; no fix: the import is marked `# noqa`, so it may be kept on purpose (a re-export, a side effect): replace what it provides, then remove it");
            None
        }
        None => {
            message.push_str("; no fix: it shares its line with other code in a way Ferry does not split: remove it by hand");
            None
        }
        Some(edits) => Some(Fix {
            title: if whole {
                "Remove the unused legacy import".to_string()
            } else {
                format!("Remove {} from the import", names.join(", "))
            },
            edits,
            applicability: Applicability::Unsafe,
            // Right on every release, the legacy implementation too.
            requires: Some(ferry_engine::Release::ANY),
        }),
    };
    (stmt.range(), message, fix)
}

/// Whether a `# noqa` comment sits on the statement's lines.
fn marked_noqa(stmt: &Stmt, source: &str) -> bool {
    let end = usize::from(stmt.end());
    let line_end = source[end..]
        .find(['\n', '\r'])
        .map_or(source.len(), |p| end + p);
    let text = source[usize::from(stmt.start())..line_end].to_ascii_lowercase();
    text.split('#')
        .skip(1)
        .any(|comment| comment.trim_start().starts_with("noqa"))
}
