//! Legacy connection classes (`WebSocketClientProtocol`, `WebSocketServerProtocol`, `WebSocketCommonProtocol`, `WebSocketServer`) in annotations and `isinstance`.
//!
//! ## What it does
//! Finds references to the legacy classes, through any import or alias:
//! top-level `websockets.X` (deprecated aliases), `websockets.legacy.*.X` and
//! the `websockets.client` / `websockets.server` aliases.
//!
//! ## Why is this bad
//! The new implementation's objects are `ClientConnection`
//! (`websockets.asyncio.client`), `ServerConnection` and `Server`
//! (`websockets.asyncio.server`) and `Connection` (`websockets.asyncio.connection`).
//! `isinstance(ws, WebSocketClientProtocol)` is now always false, annotations
//! name the wrong type, and importing the legacy names emits
//! `DeprecationWarning`s on websockets >= 14 (and `from websockets import *`
//! no longer provides them: `NameError`).
//!
//! Beware the name trap: `websockets.client.ClientConnection` and
//! `websockets.server.ServerConnection` are deprecated Sans-I/O aliases, not
//! the asyncio classes; Ferry always writes the `websockets.asyncio` paths.
//!
//! ## Example
//! ```python
//! from websockets.legacy.client import WebSocketClientProtocol
//!
//! async def send(ws: WebSocketClientProtocol): ...
//! ```
//! Use instead:
//! ```python
//! from websockets.asyncio.client import ClientConnection
//!
//! async def send(ws: ClientConnection): ...
//! ```
//!
//! ## Fix safety
//! One fix per file, safe: it rewrites `websockets.X` chains to the
//! `websockets.asyncio` path, and a `from ... import X` that imports only that
//! class to the new import, renaming the name's uses (an alias keeps its name).
//! A class used as a base class (a legacy protocol subclass must be rewritten
//! on the new classes) or imported together with other names is a review item.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprContext, ModModule, Stmt};
use ferry_python::{BindingKind, Ranged, Resolution, TextRange};

pub struct LegacyProtocolTypes;

/// Legacy class name → (new module, new class).
fn replacement(qualified: &str) -> Option<(&'static str, &'static str)> {
    let (module, class) = qualified.rsplit_once('.')?;
    let legacy_module = matches!(
        module,
        "websockets"
            | "websockets.legacy.client"
            | "websockets.legacy.server"
            | "websockets.legacy.protocol"
            | "websockets.client"
            | "websockets.server"
            | "websockets.protocol"
    );
    if !legacy_module {
        return None;
    }
    match (module, class) {
        (_, "WebSocketClientProtocol") if module != "websockets.server" => Some(("websockets.asyncio.client", "ClientConnection")),
        (_, "WebSocketServerProtocol") if module != "websockets.client" => Some(("websockets.asyncio.server", "ServerConnection")),
        ("websockets" | "websockets.legacy.server" | "websockets.server", "WebSocketServer") => {
            Some(("websockets.asyncio.server", "Server"))
        }
        ("websockets" | "websockets.legacy.protocol" | "websockets.protocol", "WebSocketCommonProtocol") => {
            Some(("websockets.asyncio.connection", "Connection"))
        }
        _ => None,
    }
}

impl Rule for LegacyProtocolTypes {
    fn code(&self) -> &'static str {
        "WS021"
    }

    fn name(&self) -> &'static str {
        "LegacyProtocolTypes"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let mut walker = Walker {
            checker,
            edits: Vec::new(),
            first: None,
            blocker: None,
            count: 0,
        };
        walker.visit_body(&module.body);
        let Some(first) = walker.first else { return };
        let base = format!(
            "legacy connection class: the new implementation's objects are `ClientConnection`, `ServerConnection`, `Server` and `Connection` from `websockets.asyncio`, so `isinstance` checks and annotations with the legacy class are wrong (and its import warns on websockets >= 14){}",
            if walker.count > 1 { format!("; {} places in this file", walker.count) } else { String::new() }
        );
        if let Some((range, why)) = walker.blocker {
            checker.report(range, format!("{base}; {why}"), None);
            return;
        }
        let mut edits = walker.edits;
        edits.sort();
        edits.dedup();
        let fix = Fix {
            title: "Use the `websockets.asyncio` classes".to_string(),
            edits,
            applicability: Applicability::Safe,
        };
        checker.report(first, base, Some(fix));
    }
}

struct Walker<'c, 'a> {
    checker: &'c Checker<'a>,
    edits: Vec<Edit>,
    first: Option<TextRange>,
    /// Why no fix can be offered, and where.
    blocker: Option<(TextRange, &'static str)>,
    count: usize,
}

impl Walker<'_, '_> {
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

    fn legacy(&self, expr: &Expr) -> Option<(&'static str, &'static str)> {
        match self.checker.semantic.resolve_expr(expr) {
            Resolution::One(q) => replacement(q.as_str()),
            _ => None,
        }
    }
}

impl<'b> Visitor<'b> for Walker<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        match stmt {
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                let legacy: Vec<_> = import
                    .names
                    .iter()
                    .filter_map(|alias| replacement(&format!("{module}.{}", alias.name.as_str())).map(|r| (alias, r)))
                    .collect();
                match (legacy.as_slice(), import.names.len()) {
                    ([], _) => {}
                    ([(alias, (new_module, new_class))], 1) => {
                        self.note(alias.name.range());
                        let bound = alias.asname.as_ref().map(|a| format!(" as {}", a.as_str())).unwrap_or_default();
                        self.edits.push(Edit::replacement(format!("from {new_module} import {new_class}{bound}"), stmt.range()));
                    }
                    ([(alias, _), ..], _) => {
                        self.block(alias.name.range(), "it is imported together with other names: split the import, then rerun");
                    }
                }
                return;
            }
            Stmt::ClassDef(class) => {
                if let Some(arguments) = &class.arguments {
                    for base in arguments.args.iter() {
                        if self.legacy(base).is_some() {
                            self.block(base.range(), "a subclass of a legacy protocol must be rewritten on `ClientConnection` / `ServerConnection` (passed as `create_connection=`) or replaced by `process_request` / `process_response` hooks");
                        }
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                if let Some((_, new_class)) = self.legacy(expr) {
                    let imported_plain = matches!(
                        self.checker.semantic.reaching(name.id.as_str(), name.start()).as_slice(),
                        [BindingKind::Import(q)] if q.as_str().ends_with(&format!(".{}", name.id))
                    );
                    self.note(name.range);
                    if imported_plain {
                        self.edits.push(Edit::replacement(new_class, name.range));
                    }
                }
            }
            Expr::Attribute(attr) if attr.ctx == ExprContext::Load => {
                if let Some((new_module, new_class)) = self.legacy(expr) {
                    // Rewrite `<websockets module>.….X` only when the chain starts at the package itself.
                    let mut root = attr.value.as_ref();
                    while let Expr::Attribute(inner) = root {
                        root = inner.value.as_ref();
                    }
                    let package_root = matches!(self.checker.semantic.resolve_expr(root), Resolution::One(q) if q.as_str() == "websockets");
                    if let (true, Expr::Name(root_name)) = (package_root, root) {
                        let path = new_module.strip_prefix("websockets").unwrap_or(new_module);
                        self.note(expr.range());
                        self.edits.push(Edit::replacement(format!("{}{path}.{new_class}", root_name.id), expr.range()));
                    } else {
                        self.block(expr.range(), "Ferry cannot rewrite this reference's path: replace it by hand");
                    }
                    return;
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
