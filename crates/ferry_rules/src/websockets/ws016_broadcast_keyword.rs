//! `broadcast(websockets=...)` on the new asyncio implementation, whose parameter is `connections`.
//!
//! ## What it does
//! Finds the keyword `websockets=` in calls that reach the new `broadcast`
//! (`websockets.broadcast` when the project targets websockets >= 14, or
//! `websockets.asyncio.server.broadcast`).
//!
//! ## Why is this bad
//! The legacy `broadcast(websockets, message)` named its first parameter
//! `websockets`; the new one names it `connections`. Passed by keyword, the old
//! name fails with `TypeError: broadcast() got an unexpected keyword argument 'websockets'`.
//! (Passed positionally, nothing changes; the connections must be
//! new-implementation connections, which they are once the server is.)
//!
//! ## Example
//! ```python
//! websockets.broadcast(websockets=clients, message="hi")
//! ```
//! Use instead:
//! ```python
//! websockets.broadcast(connections=clients, message="hi")
//! ```
//!
//! ## Fix safety
//! Safe: only the keyword's name changes.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::{Ranged, Resolution};

use super::api::rename_keyword;

pub struct BroadcastKeyword;

impl Rule for BroadcastKeyword {
    fn code(&self) -> &'static str {
        "WS016"
    }

    fn name(&self) -> &'static str {
        "BroadcastKeyword"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("websockets") else {
            return;
        };
        let Resolution::One(name) = checker.semantic.resolve_expr(&call.func) else {
            return;
        };
        let top_level_is_new = checker
            .settings
            .target(super::PACK.library)
            .is_none_or(|v| v.major() >= 14);
        let new = match name.as_str() {
            "websockets.broadcast" => top_level_is_new,
            "websockets.asyncio.server.broadcast" => true,
            _ => false,
        };
        let Some(arg) = keyword.arg.as_ref().filter(|_| new) else {
            return;
        };
        let fix = call
            .arguments
            .find_keyword("connections")
            .is_none()
            .then(|| {
                let mut fix = rename_keyword(arg, "connections");
                fix.requires = Some(if name.as_str() == "websockets.broadcast" {
                    super::facts::TOP_LEVEL_IS_NEW.since
                } else {
                    ferry_engine::Release::ANY
                });
                fix
            });
        checker.report(
            arg.range(),
            format!("`{name}` (new implementation) takes `connections`, not `websockets`: `TypeError: broadcast() got an unexpected keyword argument 'websockets'`"),
            fix,
        );
    }
}
