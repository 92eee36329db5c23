//! `AbortHandshake` / `RedirectHandshake`: legacy ways to answer a handshake that the new server does not have.
//!
//! ## What it does
//! Finds references to `AbortHandshake` and `RedirectHandshake`
//! (`websockets.exceptions`, top-level `websockets`, `websockets.legacy.exceptions`).
//!
//! ## Why is this bad
//! A legacy `process_request` (or protocol subclass) raised
//! `AbortHandshake(status, headers, body)` to reject a handshake with an HTTP
//! response. The new server has no such exception: `process_request` returns
//! the response instead (`connection.respond(status, text)`, or a
//! `websockets.http11.Response`), and a raised `AbortHandshake` becomes a
//! failed handshake (HTTP 500). The new client follows redirects by itself
//! (13.1+), so `RedirectHandshake` has no use either. Both names warn on
//! websockets >= 14.
//!
//! ## Example
//! ```python
//! async def process_request(path, headers):
//!     raise AbortHandshake(403, [], b"forbidden\n")
//! ```
//! Use instead:
//! ```python
//! def process_request(connection, request):
//!     return connection.respond(403, "forbidden\n")
//! ```
//!
//! ## Fix safety
//! No fix: where the exception is raised decides what to return instead. A review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::{Ranged, Resolution};

pub struct HandshakeExceptions;

impl Rule for HandshakeExceptions {
    fn code(&self) -> &'static str {
        "WS031"
    }

    fn name(&self) -> &'static str {
        "HandshakeExceptions"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        if !matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
            return;
        }
        let Resolution::One(name) = checker.semantic.resolve_expr(expr) else {
            return;
        };
        let Some((module, class)) = name.as_str().rsplit_once('.') else {
            return;
        };
        let legacy_module = matches!(
            module,
            "websockets" | "websockets.exceptions" | "websockets.legacy.exceptions"
        );
        if !legacy_module || !matches!(class, "AbortHandshake" | "RedirectHandshake") {
            return;
        }
        let advice = if class == "AbortHandshake" {
            "return `connection.respond(status, text)` from a `process_request(connection, request)` hook instead of raising it"
        } else {
            "the new client follows redirects by itself; remove the handling"
        };
        checker.report(
            expr.range(),
            format!("`{class}` does not exist in the new implementation (a raised one fails the handshake with HTTP 500): {advice}"),
            None,
        );
    }
}
