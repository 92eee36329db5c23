//! A `process_request` hook with the legacy `(path, request_headers)` signature, passed to the new asyncio server.
//!
//! ## What it does
//! Finds functions defined in the file and passed as `process_request=` to the
//! new asyncio `serve` / `unix_serve` that are written for the legacy server:
//! they return a `(status, headers, body)` tuple, or their parameters are
//! `(path, request_headers)` and the body uses them as a string and a mapping.
//!
//! ## Why is this bad
//! The new server calls `process_request(connection, request)`: the same number
//! of arguments, so nothing fails when the server starts. Then every handshake
//! goes wrong: `request_headers["X"]` raises
//! `TypeError: 'Request' object is not subscriptable` and the client gets
//! HTTP 500 (`InvalidStatus`); returning a legacy tuple makes the server fail an
//! assertion and the client gets `InvalidMessage` (EOFError on 14.0).
//! The new hook returns `None` or a `Response`, e.g. `connection.respond(status, text)`.
//!
//! ## Example
//! ```python
//! async def process_request(path, request_headers):
//!     if path == "/healthz":
//!         return (200, [], b"ok\n")
//!     if request_headers.get("Authorization") != TOKEN:
//!         return (403, [], b"forbidden\n")
//! ```
//! Use instead:
//! ```python
//! async def process_request(connection, request):
//!     path = request.path
//!     request_headers = request.headers
//!     if path == "/healthz":
//!         return connection.respond(200, "ok\n")
//!     if request_headers.get("Authorization") != TOKEN:
//!         return connection.respond(403, "forbidden\n")
//! ```
//!
//! ## Fix safety
//! Offered only in the plain case: every `return` gives `None` or a tuple
//! literal whose body is an ASCII bytes literal and whose headers are empty or
//! only a `text/plain` `Content-Type` (which `respond` sets itself), and the
//! body does not already use the names `connection` or `request`. The fix is
//! unsafe: `respond` adds `charset=utf-8` to the content type, and another
//! module may call the function directly with the old arguments. Any other
//! legacy hook is a review item.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{self, Expr, ModModule, Stmt, StmtFunctionDef};
use ferry_python::{Ranged, TextRange};

use super::api::{
    first_statement_after_docstring, line_ending, new_serve_hooks, own_line_indent, parameter_is_used,
};

pub struct ProcessRequestSignature;

impl Rule for ProcessRequestSignature {
    fn code(&self) -> &'static str {
        "WS013"
    }

    fn name(&self) -> &'static str {
        "ProcessRequestSignature"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        for (def, serve_name) in new_serve_hooks(module, checker, "process_request") {
            check_hook(def, &serve_name, checker);
        }
    }
}

/// The `return` statements of a function, not of functions nested in it.
fn returns(body: &[Stmt]) -> Vec<&ast::StmtReturn> {
    struct Returns<'a>(Vec<&'a ast::StmtReturn>);
    impl<'a> Visitor<'a> for Returns<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Return(ret) => self.0.push(ret),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut found = Returns(Vec::new());
    found.visit_body(body);
    found.0
}

/// Whether the body reads any of `names` (so new parameters would shadow them).
fn uses_any(body: &[Stmt], names: &[&str]) -> bool {
    struct Uses<'n>(&'n [&'n str], bool);
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.1 |= self.0.contains(&name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses(names, false);
    uses.visit_body(body);
    uses.1
}

fn check_hook(def: &StmtFunctionDef, serve_name: &str, checker: &mut Checker<'_>) {
    let params = &def.parameters;
    let positional: Vec<_> = params.posonlyargs.iter().chain(params.args.iter()).collect();
    let [first, second] = positional.as_slice() else { return };
    let (first_name, second_name) = (first.parameter.name.as_str(), second.parameter.name.as_str());
    let returns = returns(&def.body);
    let returns_tuple = returns.iter().any(|r| matches!(r.value.as_deref(), Some(Expr::Tuple(_))));
    let legacy_names = first_name == "path" && matches!(second_name, "request_headers" | "headers");
    if !(returns_tuple || legacy_names) || matches!(first_name, "connection" | "conn" | "websocket" | "ws") {
        return;
    }
    let name = def.name.as_str();
    let message = format!(
        "`{name}` is passed as `process_request` to `{serve_name}`, which calls it with `(connection, request)` and expects `None` or a `Response`; as written every handshake fails (HTTP 500 or `InvalidMessage`): read `request.path` and `request.headers`, and return `connection.respond(status, text)`"
    );
    let range = def.name.range();
    let Some(responses) = returns
        .iter()
        .map(|r| respond_call(r, checker))
        .collect::<Option<Vec<Option<(TextRange, String)>>>>()
    else {
        checker.report(range, message, None);
        return;
    };
    if uses_any(&def.body, &["connection", "request"]) {
        checker.report(range, message, None);
        return;
    }
    let mut edits = vec![Edit::replacement(
        "connection, request",
        TextRange::new(first.start(), second.end()),
    )];
    let mut prologue = String::new();
    let eol = line_ending(checker.source);
    let Some(first_stmt) = first_statement_after_docstring(&def.body) else { return };
    let Some(indent) = own_line_indent(checker.source, first_stmt.start()) else {
        checker.report(range, message, None);
        return;
    };
    if parameter_is_used(def, 0, checker) {
        prologue.push_str(&format!("{first_name} = request.path{eol}{indent}"));
    }
    if parameter_is_used(def, 1, checker) {
        prologue.push_str(&format!("{second_name} = request.headers{eol}{indent}"));
    }
    if !prologue.is_empty() {
        edits.push(Edit::insertion(prologue, first_stmt.start()));
    }
    edits.extend(responses.into_iter().flatten().map(|(range, text)| Edit::replacement(text, range)));
    let fix = Fix {
        title: "Rewrite as `process_request(connection, request)` returning `connection.respond(...)`".to_string(),
        edits,
        applicability: Applicability::Unsafe,
    };
    checker.report(range, message, Some(fix));
}

/// For one `return`: `Some(None)` if it needs no change (`return` / `return None`),
/// `Some(Some(edit))` for a convertible tuple, `None` if it cannot be converted.
fn respond_call(ret: &ast::StmtReturn, checker: &Checker<'_>) -> Option<Option<(TextRange, String)>> {
    let Some(value) = ret.value.as_deref() else { return Some(None) };
    if value.is_none_literal_expr() {
        return Some(None);
    }
    let Expr::Tuple(tuple) = value else { return None };
    let [status, headers, body] = tuple.elts.as_slice() else { return None };
    if !plain_headers(headers) {
        return None;
    }
    let Expr::BytesLiteral(bytes) = body else { return None };
    let source = checker.text(body.range());
    let text = source.strip_prefix('b').or_else(|| source.strip_prefix('B'))?;
    let ascii = bytes.value.bytes().all(|b| b.is_ascii());
    if !ascii || !(text.starts_with('"') || text.starts_with('\'')) {
        return None;
    }
    let call = format!("connection.respond({}, {text})", checker.text(status.range()));
    Some(Some((value.range(), call)))
}

/// `[]`, `()`, or only a `Content-Type: text/plain...` pair, which `respond` sets itself.
fn plain_headers(headers: &Expr) -> bool {
    let elts = match headers {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return false,
    };
    elts.iter().all(|pair| match pair {
        Expr::Tuple(pair) => match pair.elts.as_slice() {
            [Expr::StringLiteral(key), Expr::StringLiteral(value)] => {
                key.value.to_str().eq_ignore_ascii_case("content-type")
                    && value.value.to_str().to_ascii_lowercase().starts_with("text/plain")
            }
            _ => false,
        },
        _ => false,
    })
}
