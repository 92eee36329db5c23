//! `e.code` / `e.reason` on a caught `ConnectionClosed`, deprecated on both implementations.
//!
//! ## What it does
//! Finds `.code` and `.reason` read on the name bound by
//! `except ConnectionClosed as e` (or `ConnectionClosedOK` / `ConnectionClosedError`).
//!
//! ## Why is this bad
//! Since websockets 13.1 both implementations warn
//! `ConnectionClosed.code is deprecated; use Protocol.close_code or ConnectionClosed.rcvd.code`.
//! The close frame received is `e.rcvd` (`None` when the connection was lost
//! without one, where the old properties said 1006 and "").
//!
//! ## Example
//! ```python
//! except websockets.exceptions.ConnectionClosed as e:
//!     log.info("closed: %s %s", e.code, e.reason)
//! ```
//! Use instead:
//! ```python
//! except websockets.exceptions.ConnectionClosed as e:
//!     log.info("closed: %s %s", (e.rcvd.code if e.rcvd else 1006), (e.rcvd.reason if e.rcvd else ""))
//! ```
//!
//! ## Fix safety
//! Safe: the replacement computes what the deprecated properties returned.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::Expr;
use ferry_python::{BindingKind, Origin, Ranged, Resolution};

pub struct ConnectionClosedCode;

const CLOSED: &[&str] = &[
    "websockets.exceptions.ConnectionClosed",
    "websockets.exceptions.ConnectionClosedOK",
    "websockets.exceptions.ConnectionClosedError",
    "websockets.ConnectionClosed",
    "websockets.ConnectionClosedOK",
    "websockets.ConnectionClosedError",
];

impl Rule for ConnectionClosedCode {
    fn code(&self) -> &'static str {
        "WS033"
    }

    fn name(&self) -> &'static str {
        "ConnectionClosedCode"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Attribute(attr) = expr else { return };
        let property = attr.attr.as_str();
        if !matches!(property, "code" | "reason") {
            return;
        }
        let Expr::Name(name) = attr.value.as_ref() else {
            return;
        };
        let caught = match checker
            .semantic
            .reaching(name.id.as_str(), name.start())
            .as_slice()
        {
            [BindingKind::Opaque(Origin::ExceptHandler { type_: Some(type_) })] => {
                matches!(checker.semantic.resolve_expr(type_), Resolution::One(q) if CLOSED.contains(&q.as_str()))
            }
            _ => false,
        };
        if !caught {
            return;
        }
        let e = name.id.as_str();
        let default = if property == "code" { "1006" } else { "\"\"" };
        let replacement = format!("({e}.rcvd.{property} if {e}.rcvd else {default})");
        let fix = Fix {
            title: format!("Read `{e}.rcvd.{property}`"),
            edits: vec![Edit::replacement(replacement.clone(), expr.range())],
            applicability: Applicability::Safe,
            // Right on every release, the legacy implementation too.
            requires: Some(ferry_engine::Release::ANY),
        };
        checker.report(
            attr.attr.range(),
            format!("`ConnectionClosed.{property}` is deprecated on both implementations (`DeprecationWarning`); the received close frame is `{e}.rcvd`, `None` if none came: use `{replacement}`"),
            Some(fix),
        );
    }
}
