//! `InvalidStatusCode` (legacy) caught around the new client, which raises `InvalidStatus`.
//!
//! ## What it does
//! Finds references to `InvalidStatusCode` (`websockets.exceptions`,
//! top-level `websockets`, `websockets.legacy.exceptions`) in a file, with the
//! `.status_code` / `.headers` reads on the exceptions it catches:
//! `except InvalidStatusCode as e: e.status_code` and
//! `with pytest.raises(InvalidStatusCode) as excinfo: ... excinfo.value.status_code`.
//!
//! ## Why is this bad
//! When the server rejects the handshake, the new client raises
//! `InvalidStatus("server rejected WebSocket connection: HTTP 403")`, which is
//! not an `InvalidStatusCode`: the `except` clause no longer catches it, and
//! the status is `e.response.status_code` (`e.status_code` raises
//! `AttributeError`). Keeping the import also triggers two
//! `DeprecationWarning`s on websockets >= 14.
//!
//! ## Example
//! ```python
//! try:
//!     ws = await websockets.connect(uri)
//! except websockets.exceptions.InvalidStatusCode as e:
//!     if e.status_code == 403: ...
//! ```
//! Use instead:
//! ```python
//! try:
//!     ws = await websockets.connect(uri)
//! except websockets.exceptions.InvalidStatus as e:
//!     if e.response.status_code == 403: ...
//! ```
//!
//! ## Fix safety
//! One fix per file renames every reference (and the import, with the name's
//! uses) and moves `.status_code` / `.headers` under `.response`. It is safe
//! when the code each `try` / `with` guards calls only the new client (or, if
//! it calls no client directly, when the file never calls the legacy one).
//! Code that only reaches the legacy client (including top-level
//! `websockets.connect` on a project pinned below 14) is not reported: it does
//! raise `InvalidStatusCode`. Where both implementations are guarded, or the
//! file handles the exception for both, it is a review item (catch
//! `(InvalidStatus, InvalidStatusCode)`). When the
//! caught exception is one of several in a tuple, or the name `InvalidStatus`
//! is taken, it is a review item too.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{self, Expr, ExprContext, ModModule, Stmt};
use ferry_python::{BindingKind, Origin, Ranged, Resolution, TextRange};

use super::api::{all_calls, client_call, Client};

pub struct InvalidStatusCode;

const LEGACY_NAMES: &[&str] = &[
    "websockets.exceptions.InvalidStatusCode",
    "websockets.InvalidStatusCode",
    "websockets.legacy.exceptions.InvalidStatusCode",
];

impl Rule for InvalidStatusCode {
    fn code(&self) -> &'static str {
        "WS030"
    }

    fn name(&self) -> &'static str {
        "InvalidStatusCode"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let mut walker = Walker {
            checker,
            references: Vec::new(),
            imports: Vec::new(),
            statements: Vec::new(),
            blocked: None,
            both_sides: Vec::new(),
            handled_both: 0,
            catchers: Vec::new(),
            attribute_reads: Vec::new(),
        };
        walker.visit_body(&module.body);
        let Walker {
            references,
            imports,
            statements,
            blocked,
            catchers,
            attribute_reads,
            handled_both,
            ..
        } = walker;
        // Every use handles both exceptions: the code already works on both sides.
        if handled_both > 0 && references.is_empty() && catchers.is_empty() {
            return;
        }
        let Some(first) = imports
            .first()
            .map(|(r, _)| *r)
            .or_else(|| statements.first().map(|(r, _)| *r))
            .or_else(|| blocked.map(|(r, _)| r))
            .or_else(|| references.first().map(|(r, _)| *r))
        else {
            return;
        };
        let count = references.len() + imports.len() + statements.len();
        let base = format!(
            "`InvalidStatusCode` is legacy-only: the new client raises `InvalidStatus`, so this code no longer catches handshake rejections and `e.status_code` raises `AttributeError` (use `e.response.status_code`){}",
            if count > 1 { format!("; {count} places in this file") } else { String::new() }
        );
        // Each handler guards the new client (rename it), the legacy one (correct
        // as it is), or both (a person decides). Where no client call is visible
        // in the guarded code (it is in a helper), the file's own calls decide.
        let (mut file_new, mut file_legacy) = (false, false);
        for client in all_calls(checker.module)
            .into_iter()
            .filter_map(|c| client_call(c, checker))
        {
            match client.only() {
                Some(Client::NewAsyncio | Client::Sync) => file_new = true,
                _ => file_legacy = true,
            }
        }
        let verdict = |guarded: Guarded| match guarded {
            Guarded::Unseen => match (file_new, file_legacy) {
                (true, false) => Guarded::New,
                (false, _) => Guarded::Legacy,
                (true, true) => Guarded::Mixed,
            },
            other => other,
        };
        let verdicts: Vec<(Guarded, TextRange)> = catchers
            .iter()
            .map(|c| (verdict(c.guarded), c.range))
            .collect();
        let any_new =
            verdicts.iter().any(|(v, _)| *v == Guarded::New) || (catchers.is_empty() && file_new);
        let mixed = verdicts
            .iter()
            .find(|(v, _)| *v == Guarded::Mixed)
            .map(|(_, r)| *r);
        let legacy = verdicts
            .iter()
            .find(|(v, _)| *v == Guarded::Legacy)
            .map(|(_, r)| *r);
        if !any_new && mixed.is_none() {
            // Only legacy code: `InvalidStatusCode` is what it raises.
            return;
        }
        if let Some(range) = mixed.or(legacy) {
            checker.report(
                range,
                format!("{base}; the code guarded here may reach the legacy client, or this file catches it for both clients, so catch `(InvalidStatus, InvalidStatusCode)` and read the status from whichever was raised"),
                None,
            );
            return;
        }
        if let Some((range, why)) = blocked {
            checker.report(range, format!("{base}; {why}"), None);
            return;
        }
        if catchers.iter().any(|c| c.in_tuple) {
            checker.report(
                first,
                format!("{base}; it is caught together with other exceptions here, so move the status reads by hand"),
                None,
            );
            return;
        }
        let name_taken = (!imports.is_empty() || !statements.is_empty())
            && !matches!(
                checker
                    .semantic
                    .resolve_name("InvalidStatus", checker.module.range.end()),
                Resolution::Unresolved
            );
        if name_taken {
            checker.report(
                first,
                format!("{base}; the name `InvalidStatus` is already used in this file"),
                None,
            );
            return;
        }
        let mut edits: Vec<Edit> = Vec::new();
        edits.extend(
            imports
                .iter()
                .map(|(range, _)| Edit::replacement("InvalidStatus", *range)),
        );
        for (range, replacement) in references.iter().chain(&statements) {
            edits.push(Edit::replacement(replacement.clone(), *range));
        }
        for read in &attribute_reads {
            if catchers.iter().any(|c| c.binding == read.binding) {
                edits.push(Edit::replacement(
                    format!("response.{}", read.attribute),
                    read.range,
                ));
            }
        }
        edits.sort();
        edits.dedup();
        let fix = Fix {
            title: "Catch `InvalidStatus` and read the status from `.response`".to_string(),
            edits,
            applicability: Applicability::Safe,
            requires: None,
        };
        checker.report(first, base, Some(fix));
    }
}

/// Something that catches the legacy exception and binds it to a name.
struct Catcher {
    /// The binding's range key: the `except` handler or the `with` item context.
    binding: TextRange,
    /// Where it is, for a review message.
    range: TextRange,
    /// The exception is one of several (`except (A, B) as e`).
    in_tuple: bool,
    /// Which clients the guarded code (the `try` or `with` body) calls directly.
    guarded: Guarded,
}

/// The websockets clients called directly in a guarded block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guarded {
    /// Only the new client (asyncio or threading).
    New,
    /// Only the legacy client.
    Legacy,
    /// Both, or a callee that may be either.
    Mixed,
    /// No client call is visible (it happens in a helper).
    Unseen,
}

fn guarded_by(body: &[Stmt], checker: &Checker<'_>) -> Guarded {
    struct Calls<'c, 'a> {
        checker: &'c Checker<'a>,
        new: bool,
        legacy: bool,
        ambiguous: bool,
    }
    impl<'b> Visitor<'b> for Calls<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Call(call) = expr {
                if let Some(client) = client_call(call, self.checker) {
                    match client.only() {
                        Some(Client::NewAsyncio | Client::Sync) => self.new = true,
                        Some(Client::Legacy) => self.legacy = true,
                        None => self.ambiguous = true,
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        checker,
        new: false,
        legacy: false,
        ambiguous: false,
    };
    calls.visit_body(body);
    match (calls.new, calls.legacy || calls.ambiguous) {
        (true, true) => Guarded::Mixed,
        _ if calls.ambiguous => Guarded::Mixed,
        (false, true) => Guarded::Legacy,
        (true, false) => Guarded::New,
        (false, false) => Guarded::Unseen,
    }
}

/// `e.status_code` / `e.headers` / `excinfo.value.status_code`: the attribute to move.
struct AttributeRead {
    binding: TextRange,
    attribute: String,
    range: TextRange,
}

struct Walker<'c, 'a> {
    checker: &'c Checker<'a>,
    /// References to the class: (range to replace, replacement text).
    references: Vec<(TextRange, String)>,
    /// `from ... import InvalidStatusCode`: the imported name's range.
    imports: Vec<(TextRange, String)>,
    /// Import statements rewritten whole: (range, new statement).
    statements: Vec<(TextRange, String)>,
    /// Why no fix can be offered, and where.
    blocked: Option<(TextRange, &'static str)>,
    /// The `except` types of `try` statements that catch both exceptions.
    both_sides: Vec<TextRange>,
    /// References found there (left alone).
    handled_both: usize,
    catchers: Vec<Catcher>,
    attribute_reads: Vec<AttributeRead>,
}

impl Walker<'_, '_> {
    /// Whether `expr` is the new `InvalidStatus`.
    fn is_new_class(&self, expr: &Expr) -> bool {
        self.checker
            .semantic
            .resolve_expr(expr)
            .candidates()
            .iter()
            .any(|q| {
                matches!(
                    q.as_str(),
                    "websockets.exceptions.InvalidStatus" | "websockets.InvalidStatus"
                )
            })
    }

    /// Whether `expr` is the legacy class, whichever import binds it (a
    /// `try`/`except ImportError` pair of legacy imports counts; a shim that
    /// may bind `InvalidStatus` instead already adapts, and does not).
    fn is_legacy_class(&self, expr: &Expr) -> bool {
        let resolution = self.checker.semantic.resolve_expr(expr);
        let candidates = resolution.candidates();
        !candidates.is_empty()
            && candidates
                .iter()
                .all(|q| LEGACY_NAMES.contains(&q.as_str()))
    }

    /// The catcher binding a name, if it catches the legacy class.
    fn catcher_of(&self, name: &ast::ExprName) -> Option<TextRange> {
        match self
            .checker
            .semantic
            .reaching(name.id.as_str(), name.start())
            .as_slice()
        {
            [BindingKind::Opaque(Origin::ExceptHandler { type_: Some(type_) })] => {
                Some(type_.range())
            }
            [BindingKind::Opaque(Origin::WithItem { context })] => Some(context.range()),
            _ => None,
        }
    }
}

impl<'a> Visitor<'a> for Walker<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                for alias in &import.names {
                    let full = format!("{module}.{}", alias.name.as_str());
                    if !LEGACY_NAMES.contains(&full.as_str()) {
                        continue;
                    }
                    if module != "websockets.legacy.exceptions" {
                        self.imports.push((alias.name.range(), full));
                    } else if import.names.len() == 1 {
                        // The new class does not live in the legacy module.
                        let bound = alias
                            .asname
                            .as_ref()
                            .map(|a| format!(" as {}", a.as_str()))
                            .unwrap_or_default();
                        self.statements.push((
                            stmt.range(),
                            format!("from websockets.exceptions import InvalidStatus{bound}"),
                        ));
                    } else {
                        self.blocked.get_or_insert((
                            alias.name.range(),
                            "it is imported from `websockets.legacy.exceptions` together with other names: import `InvalidStatus` from `websockets.exceptions` by hand",
                        ));
                    }
                }
                return;
            }
            Stmt::Try(stmt_try) => {
                // `except InvalidStatus: ... except InvalidStatusCode: ...`
                // handles both implementations: right on every release.
                let types: Vec<&Expr> = stmt_try
                    .handlers
                    .iter()
                    .filter_map(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        h.type_.as_deref()
                    })
                    .collect();
                let catches = |test: &dyn Fn(&Expr) -> bool| {
                    types.iter().any(|t| match t {
                        Expr::Tuple(tuple) => tuple.elts.iter().any(test),
                        other => test(other),
                    })
                };
                if catches(&|e| self.is_legacy_class(e)) && catches(&|e| self.is_new_class(e)) {
                    self.both_sides.extend(types.iter().map(|t| t.range()));
                }
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    let (Some(type_), Some(_)) = (&handler.type_, &handler.name) else {
                        continue;
                    };
                    if self.both_sides.contains(&type_.range()) {
                        continue;
                    }
                    let (direct, in_tuple) = match type_.as_ref() {
                        Expr::Tuple(tuple) => {
                            (false, tuple.elts.iter().any(|e| self.is_legacy_class(e)))
                        }
                        other => (self.is_legacy_class(other), false),
                    };
                    if direct || in_tuple {
                        self.catchers.push(Catcher {
                            binding: type_.range(),
                            range: type_.range(),
                            in_tuple,
                            guarded: guarded_by(&stmt_try.body, self.checker),
                        });
                    }
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    let Expr::Call(call) = &item.context_expr else {
                        continue;
                    };
                    let raises = matches!(self.checker.semantic.resolve_expr(&call.func), Resolution::One(q) if q.as_str() == "pytest.raises");
                    if raises
                        && item.optional_vars.is_some()
                        && call
                            .arguments
                            .args
                            .first()
                            .is_some_and(|a| self.is_legacy_class(a))
                    {
                        self.catchers.push(Catcher {
                            binding: item.context_expr.range(),
                            range: item.context_expr.range(),
                            in_tuple: false,
                            guarded: guarded_by(&with.body, self.checker),
                        });
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self
            .both_sides
            .iter()
            .any(|r| r.contains_range(expr.range()))
        {
            self.handled_both += 1;
            return;
        }
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load && self.is_legacy_class(expr) => {
                // An alias (`import InvalidStatusCode as E`) keeps its name; the import changes.
                if name.id.as_str() == "InvalidStatusCode" {
                    self.references
                        .push((name.range, "InvalidStatus".to_string()));
                }
                return;
            }
            Expr::Attribute(attr)
                if attr.ctx == ExprContext::Load && self.is_legacy_class(expr) =>
            {
                let replacement = match self.checker.semantic.resolve_expr(expr) {
                    Resolution::One(q)
                        if q.as_str() == "websockets.legacy.exceptions.InvalidStatusCode" =>
                    {
                        None
                    }
                    _ => Some("InvalidStatus".to_string()),
                };
                match replacement {
                    Some(text) => self.references.push((attr.attr.range(), text)),
                    // websockets.legacy.exceptions.X: the class lives elsewhere in the new API.
                    None => self.references.push((
                        expr.range(),
                        "websockets.exceptions.InvalidStatus".to_string(),
                    )),
                }
                return;
            }
            Expr::Attribute(attr) if matches!(attr.attr.as_str(), "status_code" | "headers") => {
                let receiver = match attr.value.as_ref() {
                    Expr::Name(name) => Some(name),
                    // excinfo.value.status_code
                    Expr::Attribute(inner) if inner.attr.as_str() == "value" => {
                        match inner.value.as_ref() {
                            Expr::Name(name) => Some(name),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let Some(binding) = receiver.and_then(|n| self.catcher_of(n)) {
                    self.attribute_reads.push(AttributeRead {
                        binding,
                        attribute: attr.attr.to_string(),
                        range: attr.attr.range(),
                    });
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
